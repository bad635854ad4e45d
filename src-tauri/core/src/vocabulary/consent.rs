//! The person's permission for another model to answer in place of the preferred one.

use super::ModelRef;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

/// How far a consent reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ConsentScope {
    /// This one message; nothing is kept.
    ThisMessage,
    /// Every message until the preferred model is back; then it ends by itself.
    UntilBack,
    /// Whenever the preferred model is out for a reason on the provider's side, until withdrawn.
    Always,
}

/// A consent that is kept: "until it is back" or "always".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Consent {
    /// The model the person prefers.
    pub preferred: ModelRef,
    /// The model that may answer in its place.
    pub alternative: ModelRef,
    pub scope: ConsentScope,
    pub given_at: DateTime<Utc>,
    /// "Until it is back": when the preferred model last came back. The consent stays asleep
    /// for a while after, so a model that fails again at once does not bounce the
    /// conversation back and forth (see `fallback::SETTLE`).
    #[serde(default)]
    pub returned_at: Option<DateTime<Utc>>,
    /// It failed again soon after coming back: the next return must last before it counts.
    #[serde(default)]
    pub relapsed: bool,
}

/// Why an answer came from another model than the one asked for, kept with the answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct StandIn {
    /// The preferred model this answer stands in for.
    pub preferred: ModelRef,
    /// Why it could not answer, in one line: "Anthropic: elevated errors on Claude Opus 4.7".
    pub why: String,
}
