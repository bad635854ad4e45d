//! Who wrote a message and how an answer ended.

use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    User,
    Assistant,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }
}

/// How an answer the provider finished ended, read from its stop reason. None of these says
/// anything against the model's availability: the service answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Ending {
    /// The model finished its answer.
    Complete,
    /// Stopped at the length limit asked for (`max_tokens`, `length`, `MAX_TOKENS`).
    LengthLimit,
    /// The provider's safety filter stopped it; `category` is the provider's word
    /// (`content_filter`, `SAFETY`, `RECITATION`, `PROHIBITED_CONTENT`).
    Filtered { category: String },
    /// The model declined to answer (Anthropic's `refusal`, OpenAI's `delta.refusal`).
    Refused,
    /// The provider blocked the prompt before any answer began (Gemini's
    /// `promptFeedback.blockReason`), with its category.
    PromptBlocked { category: String },
    /// A stop reason this app does not know, as the provider wrote it.
    Other { reason: String },
}
