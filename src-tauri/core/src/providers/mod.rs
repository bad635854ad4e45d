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

use crate::catalog::WireFormat;

use crate::vocabulary::{AttemptRecord, Ending, Role};
use serde::{Deserialize, Serialize};

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

impl Ending {
    /// How the answer ended by `wire`'s stop reason; `refused` when the stream carried a
    /// refusal (OpenAI sends it beside the text and then finishes with `stop`).
    pub fn from_stop_reason(wire: WireFormat, stop_reason: Option<&str>, refused: bool) -> Self {
        if refused {
            return Ending::Refused;
        }
        let Some(reason) = stop_reason else {
            // The closing event came without a reason: the provider says it is done.
            return Ending::Complete;
        };
        let other = || Ending::Other {
            reason: reason.to_string(),
        };
        match wire {
            WireFormat::Anthropic => match reason {
                "end_turn" | "stop_sequence" | "tool_use" | "pause_turn" => Ending::Complete,
                "max_tokens" | "model_context_window_exceeded" => Ending::LengthLimit,
                "refusal" => Ending::Refused,
                _ => other(),
            },
            WireFormat::Openai | WireFormat::OpenaiCompatible => match reason {
                "stop" | "tool_calls" | "function_call" | "eos" => Ending::Complete,
                "length" => Ending::LengthLimit,
                "content_filter" => Ending::Filtered {
                    category: reason.to_string(),
                },
                _ => other(),
            },
            WireFormat::Gemini => match reason {
                "STOP" => Ending::Complete,
                "MAX_TOKENS" => Ending::LengthLimit,
                "SAFETY"
                | "RECITATION"
                | "LANGUAGE"
                | "BLOCKLIST"
                | "PROHIBITED_CONTENT"
                | "SPII"
                | "IMAGE_SAFETY"
                | "IMAGE_PROHIBITED_CONTENT"
                | "IMAGE_RECITATION" => Ending::Filtered {
                    category: reason.to_string(),
                },
                _ => other(),
            },
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_stop_reason_reads_as_its_ending() {
        use Ending::*;
        use WireFormat::*;
        let filtered = |c: &str| Filtered { category: c.into() };
        let table: &[(WireFormat, Option<&str>, bool, Ending)] = &[
            (Anthropic, Some("end_turn"), false, Complete),
            (Anthropic, Some("stop_sequence"), false, Complete),
            (Anthropic, Some("tool_use"), false, Complete),
            (Anthropic, Some("max_tokens"), false, LengthLimit),
            (
                Anthropic,
                Some("model_context_window_exceeded"),
                false,
                LengthLimit,
            ),
            (Anthropic, Some("refusal"), false, Refused),
            (Anthropic, None, false, Complete),
            (Openai, Some("stop"), false, Complete),
            (Openai, Some("length"), false, LengthLimit),
            (
                Openai,
                Some("content_filter"),
                false,
                filtered("content_filter"),
            ),
            (Openai, Some("stop"), true, Refused),
            (OpenaiCompatible, Some("length"), false, LengthLimit),
            (Gemini, Some("STOP"), false, Complete),
            (Gemini, Some("MAX_TOKENS"), false, LengthLimit),
            (Gemini, Some("SAFETY"), false, filtered("SAFETY")),
            (Gemini, Some("RECITATION"), false, filtered("RECITATION")),
            (
                Gemini,
                Some("PROHIBITED_CONTENT"),
                false,
                filtered("PROHIBITED_CONTENT"),
            ),
            (
                Gemini,
                Some("MALFORMED_FUNCTION_CALL"),
                false,
                Other {
                    reason: "MALFORMED_FUNCTION_CALL".into(),
                },
            ),
        ];
        for (wire, reason, refused, ending) in table {
            assert_eq!(
                &Ending::from_stop_reason(*wire, *reason, *refused),
                ending,
                "{wire:?} {reason:?} refused={refused}"
            );
        }
    }
}
