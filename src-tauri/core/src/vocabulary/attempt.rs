//! One attempt to reach a model and, when it failed, how — in the terms availability is
//! decided in.

use super::{ModelRef, ReasonKind, Side};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::time::Duration;

/// How an attempt failed, in the terms availability is decided in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "class", content = "detail", rename_all = "snake_case")]
pub enum FailureClass {
    /// The provider answered and said why.
    Reason(ReasonKind),
    /// The provider refused this one request (too long, malformed): says nothing about
    /// whether the model is available.
    RequestRejected,
    /// No HTTP answer at all. Whose side that is, the connectivity check decides: it is never
    /// reported as a provider problem by itself.
    NoAnswer(Transport),
    /// The answer began and then broke off: a provider-side failure, with the partial text kept.
    StreamBroken(StreamBreak),
    /// Something other than the provider's API answered — a web page where a stream or JSON
    /// was asked for (a Wi-Fi sign-in page, a company proxy, a wrong base URL). Nothing was
    /// answered, and no one's side is known: it is not counted against the model.
    NotTheApi,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    Dns,
    Connect,
    Tls,
    /// The connection closed before any answer.
    Reset,
    /// No answer within the first-byte timeout.
    Timeout,
}

impl Transport {
    /// What happened, in words: "the connection could not be made".
    pub fn plain(self) -> &'static str {
        match self {
            Transport::Dns => "its address could not be looked up",
            Transport::Connect => "the connection was refused or could not be made",
            Transport::Tls => "a secure connection could not be set up",
            Transport::Reset => "the connection was closed before any answer",
            Transport::Timeout => "no answer came in time",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum StreamBreak {
    /// The stream ended without its closing event.
    Cut,
    /// No chunk within the idle timeout.
    Stalled,
    /// The stream carried something that could not be read.
    Garbled,
    /// The answer grew past the size limit for one answer; the rest was not read.
    TooLarge,
    /// The answer was still going when the time limit for one answer passed.
    TooLong,
}

impl FailureClass {
    /// The availability reason this failure is evidence for, where it is one by itself.
    pub fn reason(self) -> Option<ReasonKind> {
        match self {
            FailureClass::Reason(kind) => Some(kind),
            FailureClass::StreamBroken(_) => Some(ReasonKind::ElevatedErrors),
            FailureClass::RequestRejected | FailureClass::NoAnswer(_) | FailureClass::NotTheApi => {
                None
            }
        }
    }

    /// Whose side a failed attempt was on, as the per-model statistics count it.
    pub fn blame(self) -> Blame {
        match self {
            FailureClass::Reason(kind) => match kind.side() {
                Side::Provider | Side::ProviderCatalog => Blame::Provider,
                Side::YourNetwork => Blame::Network,
                Side::YourPlan
                | Side::YourAccount
                | Side::YourKey
                | Side::YourWorkspace
                | Side::YourSetup => Blame::Yours,
                Side::Content | Side::Nobody => Blame::Other,
            },
            FailureClass::StreamBroken(_) => Blame::Provider,
            // The request itself was refused: too long, malformed — on this side.
            FailureClass::RequestRejected => Blame::Yours,
            // No answer, or a page in the API's place: somewhere between here and there.
            FailureClass::NoAnswer(_) | FailureClass::NotTheApi => Blame::Network,
        }
    }

    /// Server-side failures count towards opening a model's breaker.
    pub fn is_server_side(self) -> bool {
        matches!(
            self.reason(),
            Some(ReasonKind::ElevatedErrors | ReasonKind::Overloaded)
        )
    }
}

/// Whose side a failed attempt was on, coarsely: the three a person tells apart on a chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Blame {
    /// The provider's servers: errors, overload, broken streams, a retired model.
    Provider,
    /// This side: the key, the plan, the account, the workspace, the setup, a refused request.
    Yours,
    /// Between here and there: no answer, or something else answering in the API's place.
    Network,
    /// Neither: content filters, or a reason nobody can place.
    Other,
}

impl Blame {
    /// Its word in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Blame::Provider => "provider",
            Blame::Yours => "yours",
            Blame::Network => "network",
            Blame::Other => "other",
        }
    }
}

/// One failed attempt, with what the provider said kept for the details view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Failure {
    pub class: FailureClass,
    pub http_status: Option<u16>,
    /// The provider's own word for it: `overloaded_error`, `insufficient_quota`, `API_KEY_INVALID`.
    pub provider_code: Option<String>,
    /// The provider's message, shown folded away under the plain explanation.
    pub provider_message: Option<String>,
    pub request_id: Option<String>,
    /// How long the provider asked us to wait, where it said.
    #[specta(type = Option<f64>)]
    #[serde(with = "seconds_opt")]
    pub retry_after: Option<Duration>,
    /// `x-should-retry`, which overrides the retry policy.
    pub should_retry: Option<bool>,
    /// The address the request went to (no key is ever in it), for "check the base URL".
    #[serde(default)]
    pub url: Option<String>,
}

impl Failure {
    /// Removes `key` wherever the provider echoed it back (its message, its code), so a key is
    /// never stored or shown with an error. Keys shorter than 8 characters are not keys.
    pub fn redact(&mut self, key: &str) {
        if key.len() < 8 {
            return;
        }
        for text in [&mut self.provider_message, &mut self.provider_code]
            .into_iter()
            .flatten()
        {
            if text.contains(key) {
                *text = text.replace(key, "[your key]");
            }
        }
    }

    pub fn new(class: FailureClass) -> Self {
        Self {
            class,
            http_status: None,
            provider_code: None,
            provider_message: None,
            request_id: None,
            retry_after: None,
            should_retry: None,
            url: None,
        }
    }
}

mod seconds_opt {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(value: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(d) => s.serialize_some(&d.as_secs_f64()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        let secs = Option::<f64>::deserialize(d)?;
        Ok(secs
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(Duration::from_secs_f64))
    }
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
    /// From sending to the first text, where any text came.
    pub first_text_after: Option<Duration>,
    /// Who answered, as the provider said it, for an answer.
    pub identity: Option<ModelIdentity>,
}

/// The model identity a provider returned with an answer: evidence that the model itself
/// did (or did not) change across an incident.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize, specta::Type,
)]
pub struct ModelIdentity {
    /// The exact model the provider says answered (`claude-opus-4-7-20260415`, `gpt-5-2025-08-07`).
    pub model: Option<String>,
    /// OpenAI's `system_fingerprint`: the backend configuration that served it.
    pub fingerprint: Option<String>,
}
