//! One client per wire format — Anthropic Messages, OpenAI Chat Completions, Google Gemini,
//! OpenAI-compatible (Ollama, LM Studio, vLLM, OpenRouter) — behind one [`ProviderClient`].
//!
//! Every attempt is classified ([`classify`]) from what the provider actually said and
//! reported to an [`AttemptObserver`], the health engine's ear. Retryable failures are
//! retried at most twice with backoff; a wait longer than a minute is returned to the person
//! instead of being slept through.

pub mod classify;
pub mod client;
pub mod keys;
pub mod listing;
pub mod protocol;
pub mod retry;

pub use client::{ChatEvent, Completion, ProviderClient, SendError, Timeouts};

use crate::catalog::ModelRef;
use crate::providers::classify::Failure;
use chrono::{DateTime, Utc};
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: Role,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChatRequest {
    /// The provider's own model id.
    pub model: String,
    pub system: Option<String>,
    pub messages: Vec<ChatMessage>,
    pub max_tokens: u32,
}

/// What one attempt came to, as the health engine hears it.
#[derive(Debug, Clone, PartialEq)]
pub enum AttemptOutcome {
    /// The model answered (the stream completed).
    Answered,
    Failed(Failure),
}

#[derive(Debug, Clone, PartialEq)]
pub struct AttemptRecord {
    pub model: ModelRef,
    pub at: DateTime<Utc>,
    /// 1 for the first try, 2 and 3 for retries.
    pub attempt: u32,
    pub outcome: AttemptOutcome,
}

/// Hears every attempt: the health engine's signal of own traffic.
pub trait AttemptObserver: Send + Sync {
    fn record(&self, attempt: AttemptRecord);
}

/// An observer that drops what it hears (for one-off CLI calls before the engine exists).
pub struct Unobserved;

impl AttemptObserver for Unobserved {
    fn record(&self, _attempt: AttemptRecord) {}
}
