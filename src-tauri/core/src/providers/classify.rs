//! What a failed attempt means, read from what the provider actually said: the status code,
//! the error's type/code/status/reason in the body, and the headers — never the status code
//! alone (Gemini's bad key is a 400; a Gemini 429 can be *their* capacity).
//!
//! ```
//! use reqwest::header::HeaderMap;
//! use switchboard_core::catalog::WireFormat;
//! use switchboard_core::vocabulary::ReasonKind;
//! use switchboard_core::providers::classify::classify_http;
//! use switchboard_core::vocabulary::FailureClass;
//! let body = br#"{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.",
//!   "status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo",
//!   "reason":"API_KEY_INVALID","domain":"googleapis.com"}]}}"#;
//! let failure = classify_http(WireFormat::Gemini, 400, &HeaderMap::new(), body, chrono::Utc::now());
//! assert_eq!(failure.class, FailureClass::Reason(ReasonKind::AuthFailed));
//! ```
//!
//! A body no table lists falls back to the side its status code implies.

use crate::catalog::WireFormat;
use crate::vocabulary::ReasonKind;
use crate::vocabulary::{Failure, FailureClass};
use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;
use serde_json::Value;
use std::time::Duration;

/// Classifies an HTTP error answer (status ≥ 400).
pub fn classify_http(
    wire: WireFormat,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    now: DateTime<Utc>,
) -> Failure {
    let json: Option<Value> = serde_json::from_slice(body).ok();
    // Gemini's streaming endpoint wraps its error in an array.
    let json = match json {
        Some(Value::Array(mut items)) if !items.is_empty() => Some(items.swap_remove(0)),
        other => other,
    };
    let said = json.as_ref().map(|j| ProviderSaid::read(wire, j));
    let said = said.unwrap_or_default();

    let class = match wire {
        WireFormat::Anthropic => anthropic_class(status, &said),
        WireFormat::Openai | WireFormat::OpenaiCompatible => openai_class(status, &said),
        WireFormat::Gemini => gemini_class(status, &said),
    }
    .unwrap_or_else(|| by_status(status));

    Failure {
        class,
        http_status: Some(status),
        provider_code: said.code.clone(),
        provider_message: said.message.clone().or_else(|| {
            // A body that is not the provider's error shape: keep a short, printable start.
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            (!text.is_empty()).then(|| text.chars().take(200).collect())
        }),
        request_id: header(headers, "request-id").or_else(|| header(headers, "x-request-id")),
        retry_after: wait_from(headers, &said, now),
        should_retry: header(headers, "x-should-retry").and_then(|v| match v.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }),
        url: None,
    }
}

/// Classifies an error that arrived inside a stream that had started with 200 (Anthropic's
/// SSE `error` event, OpenAI's `data: {"error":…}`): by its type, as if it were the answer.
pub fn classify_stream_error(wire: WireFormat, payload: &Value, now: DateTime<Utc>) -> Failure {
    let said = ProviderSaid::read(wire, payload);
    // A mid-stream error has no status of its own; the type decides, the server side is the
    // fallback (the request had been accepted).
    let status = said.status_hint().unwrap_or(500);
    let class = match wire {
        WireFormat::Anthropic => anthropic_class(status, &said),
        WireFormat::Openai | WireFormat::OpenaiCompatible => openai_class(status, &said),
        WireFormat::Gemini => gemini_class(status, &said),
    }
    .unwrap_or(FailureClass::Reason(ReasonKind::ElevatedErrors));
    Failure {
        class,
        http_status: None,
        provider_code: said.code.clone(),
        provider_message: said.message.clone(),
        request_id: None,
        retry_after: wait_from(&HeaderMap::new(), &said, now),
        should_retry: None,
        url: None,
    }
}

/// The fields of a provider's error body that classification reads.
#[derive(Debug, Default)]
struct ProviderSaid {
    /// Anthropic `error.type`, OpenAI `error.code` (or `type` when code is absent), Gemini `error.status`.
    code: Option<String>,
    /// OpenAI's `error.type`, kept beside the code (`insufficient_quota` can be either).
    kind: Option<String>,
    message: Option<String>,
    /// Gemini `ErrorInfo.reason`.
    reason: Option<String>,
    /// Gemini `QuotaFailure.violations[].quotaId`.
    quota_ids: Vec<String>,
    /// Gemini `RetryInfo.retryDelay`.
    retry_delay: Option<Duration>,
    /// Gemini `error.code` (the HTTP status it stands for).
    numeric_code: Option<u16>,
}

impl ProviderSaid {
    fn read(wire: WireFormat, json: &Value) -> Self {
        let error = json.get("error");
        let text = |v: Option<&Value>| -> Option<String> {
            match v? {
                Value::String(s) if !s.is_empty() => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            }
        };
        match wire {
            WireFormat::Anthropic => Self {
                code: text(error.and_then(|e| e.get("type"))),
                message: text(error.and_then(|e| e.get("message"))),
                ..Self::default()
            },
            WireFormat::Openai | WireFormat::OpenaiCompatible => match error {
                // Ollama's native shape: {"error": "model 'x' not found"}.
                Some(Value::String(message)) => Self {
                    message: Some(message.clone()),
                    ..Self::default()
                },
                _ => {
                    let kind = text(error.and_then(|e| e.get("type")));
                    Self {
                        code: text(error.and_then(|e| e.get("code"))).or_else(|| kind.clone()),
                        kind,
                        message: text(error.and_then(|e| e.get("message"))),
                        ..Self::default()
                    }
                }
            },
            WireFormat::Gemini => {
                let mut said = Self {
                    code: text(error.and_then(|e| e.get("status"))),
                    message: text(error.and_then(|e| e.get("message"))),
                    numeric_code: error
                        .and_then(|e| e.get("code"))
                        .and_then(Value::as_u64)
                        .and_then(|c| u16::try_from(c).ok()),
                    ..Self::default()
                };
                let details = error
                    .and_then(|e| e.get("details"))
                    .and_then(Value::as_array);
                for detail in details.into_iter().flatten() {
                    let kind = detail.get("@type").and_then(Value::as_str).unwrap_or("");
                    if kind.ends_with("google.rpc.ErrorInfo") {
                        said.reason = text(detail.get("reason"));
                    } else if kind.ends_with("google.rpc.QuotaFailure") {
                        let violations = detail.get("violations").and_then(Value::as_array);
                        said.quota_ids.extend(
                            violations
                                .into_iter()
                                .flatten()
                                .filter_map(|v| text(v.get("quotaId"))),
                        );
                    } else if kind.ends_with("google.rpc.RetryInfo") {
                        said.retry_delay = detail
                            .get("retryDelay")
                            .and_then(Value::as_str)
                            .and_then(parse_go_duration);
                    }
                }
                said
            }
        }
    }

    fn code_is(&self, candidates: &[&str]) -> bool {
        [&self.code, &self.kind]
            .into_iter()
            .flatten()
            .any(|c| candidates.contains(&c.as_str()))
    }

    fn message_has(&self, needle: &str) -> bool {
        self.message
            .as_deref()
            .is_some_and(|m| m.to_ascii_lowercase().contains(needle))
    }

    /// The HTTP status a mid-stream error stands for.
    fn status_hint(&self) -> Option<u16> {
        self.numeric_code.or(match self.code.as_deref()? {
            "overloaded_error" => Some(529),
            "api_error" | "server_error" => Some(500),
            "rate_limit_error" | "rate_limit_exceeded" => Some(429),
            "authentication_error" => Some(401),
            "permission_error" => Some(403),
            "not_found_error" => Some(404),
            "invalid_request_error" => Some(400),
            _ => None,
        })
    }
}

fn reason(kind: ReasonKind) -> Option<FailureClass> {
    Some(FailureClass::Reason(kind))
}

fn anthropic_class(status: u16, said: &ProviderSaid) -> Option<FailureClass> {
    use ReasonKind::*;
    match said.code.as_deref()? {
        "overloaded_error" => reason(Overloaded),
        "api_error" | "timeout_error" => reason(ElevatedErrors),
        "rate_limit_error" => reason(RateLimited),
        "authentication_error" => reason(AuthFailed),
        "permission_error" => reason(NotPermitted),
        "billing_error" => reason(QuotaExhausted),
        // "model: claude-x" — the API says the model is unknown. A 404 of the API naming no
        // model ("Not Found") is a route that does not exist: the endpoint is wrong.
        "not_found_error" if status == 404 && said.message_has("model") => reason(ModelRetired),
        "not_found_error" if status == 404 => reason(WrongEndpoint),
        "request_too_large" => Some(FailureClass::RequestRejected),
        // "Your credit balance is too low to access the Anthropic API" arrives as a 400.
        "invalid_request_error" if said.message_has("credit balance") => reason(QuotaExhausted),
        "invalid_request_error" => Some(FailureClass::RequestRejected),
        _ => None,
    }
}

fn openai_class(status: u16, said: &ProviderSaid) -> Option<FailureClass> {
    use ReasonKind::*;
    if said.code_is(&["insufficient_quota"]) {
        return reason(QuotaExhausted);
    }
    if said.code_is(&["rate_limit_exceeded", "requests", "tokens"]) && status == 429 {
        return reason(RateLimited);
    }
    if said.code_is(&["invalid_api_key"]) {
        return reason(AuthFailed);
    }
    if said.code_is(&[
        "unsupported_country_region_territory",
        "invalid_organization",
        "no_organization",
        "ip_not_authorized",
    ]) {
        return reason(NotPermitted);
    }
    // "Project `proj_x` does not have access to model `gpt-5`" is a 403 with the same code:
    // the model exists, this account may not use it.
    if said.code_is(&["model_not_found"]) {
        return reason(if status == 403 {
            NotPermitted
        } else {
            ModelRetired
        });
    }
    if said.code_is(&["server_is_overloaded", "slow_down", "engine_overloaded"]) {
        return reason(Overloaded);
    }
    match status {
        // 401 carries three different problems; only the message tells them apart.
        401 if said.message_has("organization") || said.message_has("ip address") => {
            reason(NotPermitted)
        }
        401 => reason(AuthFailed),
        403 if said.message_has("country") || said.message_has("region") => reason(NotPermitted),
        // OpenRouter: out of credits.
        402 => reason(QuotaExhausted),
        // Ollama: `model "x" not found, try pulling it first`.
        404 if said.message_has("model")
            && (said.message_has("not found") || said.message_has("does not exist")) =>
        {
            reason(ModelRetired)
        }
        // "Invalid URL (POST /v1/chat/completions/chat/completions)", `unknown_url`: the
        // provider's API, but no such route — the base URL is wrong.
        404 => reason(WrongEndpoint),
        503 if said.message_has("overloaded") => reason(Overloaded),
        // OpenRouter: 502 the model's upstream is down, 503 no provider meets your routing.
        502 | 503 if said.message_has("provider") => reason(ElevatedErrors),
        _ => None,
    }
}

fn gemini_class(status: u16, said: &ProviderSaid) -> Option<FailureClass> {
    use ReasonKind::*;
    let reason_is = |r: &str| said.reason.as_deref() == Some(r);
    match said.code.as_deref()? {
        "INVALID_ARGUMENT"
            if reason_is("API_KEY_INVALID") || said.message_has("api key not valid") =>
        {
            reason(AuthFailed)
        }
        "INVALID_ARGUMENT" => Some(FailureClass::RequestRejected),
        // Free tier not offered where the person is.
        "FAILED_PRECONDITION" => reason(NotPermitted),
        "UNAUTHENTICATED" => reason(AuthFailed),
        "PERMISSION_DENIED"
            if reason_is("API_KEY_SERVICE_BLOCKED") || said.message_has("unregistered callers") =>
        {
            reason(AuthFailed)
        }
        "PERMISSION_DENIED" => reason(NotPermitted),
        "NOT_FOUND" if said.message_has("model") => reason(ModelRetired),
        "NOT_FOUND" => reason(WrongEndpoint),
        // Their capacity, not the person's quota.
        "RESOURCE_EXHAUSTED" if reason_is("MODEL_CAPACITY_EXHAUSTED") => reason(Overloaded),
        "RESOURCE_EXHAUSTED"
            if said
                .quota_ids
                .iter()
                .any(|q| q.contains("PerDay") || q.contains("PerMonth")) =>
        {
            reason(QuotaExhausted)
        }
        "RESOURCE_EXHAUSTED" => reason(RateLimited),
        "INTERNAL" | "DEADLINE_EXCEEDED" | "UNKNOWN" => reason(ElevatedErrors),
        "UNAVAILABLE" => reason(Overloaded),
        _ if status >= 500 => reason(ElevatedErrors),
        _ => None,
    }
}

/// The side a bare status code implies, for answers no table lists.
fn by_status(status: u16) -> FailureClass {
    use ReasonKind::*;
    FailureClass::Reason(match status {
        401 => AuthFailed,
        402 => QuotaExhausted,
        403 => NotPermitted,
        // No provider error body (an HTML page, nothing, another server's words): whatever
        // answered is not the provider's API saying the model is unknown.
        404 => WrongEndpoint,
        429 => RateLimited,
        503 | 529 => Overloaded,
        408 | 409 | 500..=599 => ElevatedErrors,
        // The rest of 4xx: this request was refused; the model itself may be fine.
        _ => return FailureClass::RequestRejected,
    })
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The wait the provider asked for: `retry-after-ms`, `retry-after` (seconds or an HTTP
/// date), then the rate-limit reset headers, then Gemini's `RetryInfo`.
fn wait_from(headers: &HeaderMap, said: &ProviderSaid, now: DateTime<Utc>) -> Option<Duration> {
    if let Some(ms) = header(headers, "retry-after-ms").and_then(|v| v.parse::<f64>().ok())
        && ms.is_finite()
        && ms >= 0.0
    {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    if let Some(value) = header(headers, "retry-after") {
        if let Ok(secs) = value.parse::<f64>()
            && secs.is_finite()
            && secs >= 0.0
        {
            return Some(Duration::from_secs_f64(secs));
        }
        if let Ok(date) = DateTime::parse_from_rfc2822(&value) {
            return Some(until(now, date.with_timezone(&Utc)));
        }
    }
    // Anthropic: RFC 3339 instants; the latest exhausted limit decides.
    let anthropic = ["requests", "tokens", "input-tokens", "output-tokens"]
        .iter()
        .filter(|limit| {
            header(headers, &format!("anthropic-ratelimit-{limit}-remaining")).as_deref()
                == Some("0")
        })
        .filter_map(|limit| header(headers, &format!("anthropic-ratelimit-{limit}-reset")))
        .filter_map(|v| DateTime::parse_from_rfc3339(&v).ok())
        .map(|t| until(now, t.with_timezone(&Utc)))
        .max();
    if anthropic.is_some() {
        return anthropic;
    }
    // OpenAI: Go-style durations ("1s", "6m0s", "20ms") for the exhausted limit.
    let openai = ["requests", "tokens"]
        .iter()
        .filter(|limit| {
            header(headers, &format!("x-ratelimit-remaining-{limit}")).as_deref() == Some("0")
        })
        .filter_map(|limit| header(headers, &format!("x-ratelimit-reset-{limit}")))
        .filter_map(|v| parse_go_duration(&v))
        .max();
    openai.or(said.retry_delay)
}

fn until(now: DateTime<Utc>, then: DateTime<Utc>) -> Duration {
    (then - now).to_std().unwrap_or(Duration::ZERO)
}

/// Parses Go/protobuf durations: "38s", "1.5s", "6m0s", "1h2m3s", "20ms".
pub fn parse_go_duration(text: &str) -> Option<Duration> {
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0f64;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..number_len].parse().ok()?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            "us" | "µs" => 0.000_001,
            "ns" => 0.000_000_001,
            _ => return None,
        };
        total += number * factor;
        rest = &rest[unit_len..];
    }
    total.is_finite().then(|| Duration::from_secs_f64(total))
}

#[cfg(test)]
mod tests;
