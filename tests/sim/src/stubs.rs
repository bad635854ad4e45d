//! Named stubs: the one source of truth for what each provider answers.
//!
//! The simulator builds every answer from these functions, and tests assert against the same
//! functions, so a test never re-types a provider's wording (STYLE item 9).
//!
//! ```
//! use switchboard_sim::stubs::{error_answer, ErrorContext, ErrorKind, Wire};
//! let now = chrono::DateTime::parse_from_rfc3339("2026-06-05T14:00:00Z").unwrap().to_utc();
//! let answer = error_answer(Wire::Anthropic, ErrorKind::Overloaded, &ErrorContext::new("claude-opus-4-7", now));
//! assert_eq!(answer.status, 529);
//! assert_eq!(answer.body["error"]["type"], "overloaded_error");
//! ```

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The four wire formats the simulator speaks. Ollama speaks OpenAI's wire format with its own
/// wording, so it is a wire of its own here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Wire {
    Anthropic,
    OpenAi,
    Gemini,
    Ollama,
}

impl Wire {
    /// Every wire, in the order tests iterate them.
    pub const ALL: [Wire; 4] = [Wire::Anthropic, Wire::OpenAi, Wire::Gemini, Wire::Ollama];

    /// The provider key (`anthropic`, `openai`, `gemini`, `ollama`): the URL prefix and the
    /// scenario key.
    pub fn provider(self) -> &'static str {
        match self {
            Wire::Anthropic => "anthropic",
            Wire::OpenAi => "openai",
            Wire::Gemini => "gemini",
            Wire::Ollama => "ollama",
        }
    }

    pub fn from_provider(provider: &str) -> Option<Wire> {
        Wire::ALL.into_iter().find(|w| w.provider() == provider)
    }
}

/// A semantic error a scenario can ask for; each wire maps it to that provider's real status,
/// body and headers (see [`error_answer`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// A malformed request (400 everywhere).
    InvalidRequest,
    /// No key at all. The simulator answers this itself when the key header is missing.
    MissingKey,
    /// A key the provider does not accept.
    BadKey,
    /// The key is valid but may not use this resource.
    Permission,
    /// No such model.
    NotFound,
    /// Your rate limit; `retry_after` seconds if the scenario gives them.
    RateLimited,
    /// Out of credit / billing quota.
    Quota,
    /// Gemini's per-day request quota (elsewhere: the same as `quota`).
    DailyQuota,
    /// Gemini's `MODEL_CAPACITY_EXHAUSTED` (their capacity; elsewhere: `overloaded`).
    Capacity,
    /// An internal server error.
    ServerError,
    /// The provider is overloaded (Anthropic 529, OpenAI 503, Gemini 503).
    Overloaded,
    /// The service is unavailable (503).
    Unavailable,
    /// The provider's own deadline passed (Anthropic 504, Gemini 504, OpenAI's Cloudflare 524).
    Timeout,
    /// Your country or region is not served.
    RegionNotSupported,
}

impl ErrorKind {
    pub const ALL: [ErrorKind; 14] = [
        ErrorKind::InvalidRequest,
        ErrorKind::MissingKey,
        ErrorKind::BadKey,
        ErrorKind::Permission,
        ErrorKind::NotFound,
        ErrorKind::RateLimited,
        ErrorKind::Quota,
        ErrorKind::DailyQuota,
        ErrorKind::Capacity,
        ErrorKind::ServerError,
        ErrorKind::Overloaded,
        ErrorKind::Unavailable,
        ErrorKind::Timeout,
        ErrorKind::RegionNotSupported,
    ];

    /// The snake_case name used in scenarios and in the request log's `outcome`.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::InvalidRequest => "invalid_request",
            ErrorKind::MissingKey => "missing_key",
            ErrorKind::BadKey => "bad_key",
            ErrorKind::Permission => "permission",
            ErrorKind::NotFound => "not_found",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Quota => "quota",
            ErrorKind::DailyQuota => "daily_quota",
            ErrorKind::Capacity => "capacity",
            ErrorKind::ServerError => "server_error",
            ErrorKind::Overloaded => "overloaded",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::Timeout => "timeout",
            ErrorKind::RegionNotSupported => "region_not_supported",
        }
    }
}

/// What the error is about: the model named in the request, the key presented (OpenAI echoes
/// it masked), the wait, the request id, and the scenario's wall time for reset headers.
#[derive(Debug, Clone)]
pub struct ErrorContext<'a> {
    pub model: &'a str,
    pub key: Option<&'a str>,
    pub retry_after: Option<u64>,
    pub request_id: String,
    pub now: DateTime<Utc>,
}

impl<'a> ErrorContext<'a> {
    pub fn new(model: &'a str, now: DateTime<Utc>) -> Self {
        ErrorContext {
            model,
            key: None,
            retry_after: None,
            request_id: request_id(Wire::Anthropic, 0),
            now,
        }
    }
}

/// One HTTP answer: status, headers (beyond `content-type: application/json`) and JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorAnswer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Value,
}

impl ErrorAnswer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The documented default waits, used when a scenario names no `retry_after`.
pub const DEFAULT_RATE_LIMIT_WAIT: u64 = 38;

/// The answer `wire` gives for `kind`.
pub fn error_answer(wire: Wire, kind: ErrorKind, ctx: &ErrorContext<'_>) -> ErrorAnswer {
    match wire {
        Wire::Anthropic => anthropic_error(kind, ctx),
        Wire::OpenAi => openai_error(kind, ctx),
        Wire::Gemini => gemini_error(kind, ctx),
        Wire::Ollama => ollama_error(kind, ctx),
    }
}

/// Anthropic's envelope: `{"type":"error","error":{"type","message"},"request_id"}`.
pub fn anthropic_error_body(error_type: &str, message: &str, request_id: &str) -> Value {
    json!({
        "type": "error",
        "error": {"type": error_type, "message": message},
        "request_id": request_id,
    })
}

/// The 400 Anthropic gives when `anthropic-version` is missing.
pub fn anthropic_missing_version(request_id: &str) -> ErrorAnswer {
    ErrorAnswer {
        status: 400,
        headers: vec![("request-id".into(), request_id.into())],
        body: anthropic_error_body(
            "invalid_request_error",
            "anthropic-version: header is required",
            request_id,
        ),
    }
}

fn anthropic_error(kind: ErrorKind, ctx: &ErrorContext<'_>) -> ErrorAnswer {
    let rate_limit_message = "This request would exceed the rate limit for your organization (5f3a9c1e-sim) of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.";
    let credit = "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.";
    let model_message = format!("model: {}", ctx.model);
    let (status, error_type, message): (u16, &str, &str) = match kind {
        ErrorKind::InvalidRequest => (
            400,
            "invalid_request_error",
            "messages: at least one message is required",
        ),
        ErrorKind::MissingKey => (401, "authentication_error", "x-api-key header is required"),
        ErrorKind::BadKey => (401, "authentication_error", "invalid x-api-key"),
        ErrorKind::Permission => (
            403,
            "permission_error",
            "Your API key does not have permission to use the specified resource.",
        ),
        ErrorKind::NotFound => (404, "not_found_error", &model_message),
        ErrorKind::RateLimited => (429, "rate_limit_error", rate_limit_message),
        ErrorKind::Quota | ErrorKind::DailyQuota => (400, "invalid_request_error", credit),
        ErrorKind::ServerError => (500, "api_error", "Internal server error"),
        ErrorKind::Overloaded | ErrorKind::Capacity | ErrorKind::Unavailable => {
            (529, "overloaded_error", "Overloaded")
        }
        ErrorKind::Timeout => (504, "timeout_error", "Request timed out"),
        // What Anthropic's edge answers from an unsupported region.
        ErrorKind::RegionNotSupported => (403, "forbidden", "Request not allowed"),
    };
    let mut headers = vec![("request-id".to_string(), ctx.request_id.clone())];
    if kind == ErrorKind::RateLimited {
        let wait = ctx.retry_after.unwrap_or(DEFAULT_RATE_LIMIT_WAIT);
        headers.push(("retry-after".into(), wait.to_string()));
        headers.extend(anthropic_rate_headers(ctx.now, 0, wait));
    } else if let Some(wait) = ctx.retry_after {
        headers.push(("retry-after".into(), wait.to_string()));
    }
    if matches!(
        kind,
        ErrorKind::Overloaded | ErrorKind::Capacity | ErrorKind::Unavailable
    ) {
        headers.push(("x-should-retry".into(), "true".into()));
    }
    ErrorAnswer {
        status,
        headers,
        body: anthropic_error_body(error_type, message, &ctx.request_id),
    }
}

/// The `anthropic-ratelimit-*` headers: limits, what remains, and RFC 3339 resets.
pub fn anthropic_rate_headers(
    now: DateTime<Utc>,
    requests_remaining: u64,
    reset_in_secs: u64,
) -> Vec<(String, String)> {
    let reset = (now + chrono::Duration::seconds(reset_in_secs as i64))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let token_reset =
        (now + chrono::Duration::seconds(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    vec![
        ("anthropic-ratelimit-requests-limit".into(), "50".into()),
        (
            "anthropic-ratelimit-requests-remaining".into(),
            requests_remaining.to_string(),
        ),
        ("anthropic-ratelimit-requests-reset".into(), reset),
        (
            "anthropic-ratelimit-input-tokens-limit".into(),
            "30000".into(),
        ),
        (
            "anthropic-ratelimit-input-tokens-remaining".into(),
            "30000".into(),
        ),
        (
            "anthropic-ratelimit-input-tokens-reset".into(),
            token_reset.clone(),
        ),
        (
            "anthropic-ratelimit-output-tokens-limit".into(),
            "8000".into(),
        ),
        (
            "anthropic-ratelimit-output-tokens-remaining".into(),
            "8000".into(),
        ),
        (
            "anthropic-ratelimit-output-tokens-reset".into(),
            token_reset.clone(),
        ),
        ("anthropic-ratelimit-tokens-limit".into(), "38000".into()),
        (
            "anthropic-ratelimit-tokens-remaining".into(),
            "38000".into(),
        ),
        ("anthropic-ratelimit-tokens-reset".into(), token_reset),
    ]
}

/// OpenAI's envelope: `{"error":{"message","type","param","code"}}`.
pub fn openai_error_body(
    message: &str,
    error_type: &str,
    param: Option<&str>,
    code: Option<&str>,
) -> Value {
    json!({"error": {"message": message, "type": error_type, "param": param, "code": code}})
}

/// OpenAI's answer to a request with no `Authorization` header.
pub const OPENAI_NO_KEY_MESSAGE: &str = "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys.";

/// A key as OpenAI echoes it in an error: the first 3 and last 4 characters.
pub fn mask_key(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

fn openai_error(kind: ErrorKind, ctx: &ErrorContext<'_>) -> ErrorAnswer {
    let wait = ctx.retry_after.unwrap_or(DEFAULT_RATE_LIMIT_WAIT);
    let (status, body) = match kind {
        ErrorKind::InvalidRequest => (
            400,
            openai_error_body(
                "Missing required parameter: 'messages'.",
                "invalid_request_error",
                Some("messages"),
                Some("missing_required_parameter"),
            ),
        ),
        ErrorKind::MissingKey => (
            401,
            openai_error_body(OPENAI_NO_KEY_MESSAGE, "invalid_request_error", None, None),
        ),
        ErrorKind::BadKey => (
            401,
            openai_error_body(
                &format!(
                    "Incorrect API key provided: {}. You can find your API key at https://platform.openai.com/account/api-keys.",
                    mask_key(ctx.key.unwrap_or("sk-sim-invalid-key"))
                ),
                "invalid_request_error",
                None,
                Some("invalid_api_key"),
            ),
        ),
        ErrorKind::Permission => (
            403,
            openai_error_body(
                &format!(
                    "Project `proj_sim` does not have access to model `{}`",
                    ctx.model
                ),
                "invalid_request_error",
                None,
                Some("model_not_found"),
            ),
        ),
        ErrorKind::NotFound => (
            404,
            openai_error_body(
                &format!(
                    "The model `{}` does not exist or you do not have access to it.",
                    ctx.model
                ),
                "invalid_request_error",
                None,
                Some("model_not_found"),
            ),
        ),
        ErrorKind::RateLimited => (
            429,
            openai_error_body(
                &format!(
                    "Rate limit reached for {} in organization org-sim on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in {}. Visit https://platform.openai.com/account/rate-limits to learn more.",
                    ctx.model,
                    go_duration(wait as f64)
                ),
                "requests",
                None,
                Some("rate_limit_exceeded"),
            ),
        ),
        ErrorKind::Quota | ErrorKind::DailyQuota => (
            429,
            openai_error_body(
                "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
                "insufficient_quota",
                None,
                Some("insufficient_quota"),
            ),
        ),
        ErrorKind::ServerError => (
            500,
            openai_error_body(
                "The server had an error while processing your request. Sorry about that!",
                "server_error",
                None,
                None,
            ),
        ),
        ErrorKind::Overloaded | ErrorKind::Capacity => (
            503,
            openai_error_body(
                "The engine is currently overloaded, please try again later.",
                "server_error",
                None,
                Some("server_is_overloaded"),
            ),
        ),
        ErrorKind::Unavailable => (
            503,
            openai_error_body(
                "The server is overloaded or not ready yet.",
                "server_error",
                None,
                None,
            ),
        ),
        // OpenAI has no timeout error of its own: a slow request ends at Cloudflare with 524,
        // whose JSON body puts the number in `code`.
        ErrorKind::Timeout => (
            524,
            json!({"error": {"code": 524, "message": "A timeout occurred", "param": null, "type": "cf_gateway_timeout"}}),
        ),
        ErrorKind::RegionNotSupported => (
            403,
            openai_error_body(
                "Country, region, or territory not supported",
                "request_forbidden",
                None,
                Some("unsupported_country_region_territory"),
            ),
        ),
    };
    let mut headers = vec![("x-request-id".to_string(), ctx.request_id.clone())];
    if kind == ErrorKind::RateLimited {
        headers.extend(openai_rate_headers(0, wait as f64));
    }
    if let Some(wait) = ctx.retry_after {
        headers.push(("retry-after".into(), wait.to_string()));
    }
    ErrorAnswer {
        status,
        headers,
        body,
    }
}

/// The `x-ratelimit-*` headers OpenAI sends, resets as Go-style durations (`1s`, `6m0s`).
pub fn openai_rate_headers(
    requests_remaining: u64,
    requests_reset_secs: f64,
) -> Vec<(String, String)> {
    vec![
        ("x-ratelimit-limit-requests".into(), "500".into()),
        ("x-ratelimit-limit-tokens".into(), "30000".into()),
        (
            "x-ratelimit-remaining-requests".into(),
            requests_remaining.to_string(),
        ),
        ("x-ratelimit-remaining-tokens".into(), "29980".into()),
        (
            "x-ratelimit-reset-requests".into(),
            go_duration(requests_reset_secs),
        ),
        ("x-ratelimit-reset-tokens".into(), "40ms".into()),
    ]
}

/// A duration as Go prints it and OpenAI sends it: `120ms`, `1s`, `17.5s`, `6m0s`, `1h2m3s`.
pub fn go_duration(secs: f64) -> String {
    if secs < 1.0 {
        return format!("{}ms", (secs * 1000.0).round() as u64);
    }
    let whole = secs.trunc() as u64;
    let frac = secs - secs.trunc();
    let (h, m, s) = (whole / 3600, (whole % 3600) / 60, whole % 60);
    let s = if frac > 0.0 {
        let text = format!("{:.3}", s as f64 + frac);
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    };
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, m) => format!("{m}m{s}s"),
        (h, m) => format!("{h}h{m}m{s}s"),
    }
}

/// Google's envelope: `{"error":{"code","message","status","details"}}`.
pub fn gemini_error_body(code: u16, message: &str, status: &str, details: Vec<Value>) -> Value {
    let mut error = json!({"code": code, "message": message, "status": status});
    if !details.is_empty() {
        error["details"] = Value::Array(details);
    }
    json!({ "error": error })
}

const GEMINI_SERVICE: &str = "generativelanguage.googleapis.com";

fn gemini_error(kind: ErrorKind, ctx: &ErrorContext<'_>) -> ErrorAnswer {
    let model = ctx.model;
    let quota = |per_day: bool| -> (u16, Value) {
        let (quota_id, metric, limit) = if per_day {
            (
                "GenerateRequestsPerDayPerProjectPerModel-FreeTier",
                "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                "250",
            )
        } else {
            (
                "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                "10",
            )
        };
        let wait = if per_day {
            ctx.retry_after
        } else {
            Some(ctx.retry_after.unwrap_or(DEFAULT_RATE_LIMIT_WAIT))
        };
        let mut message = format!(
            "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: https://ai.dev/usage?tab=rate-limit. \n* Quota exceeded for metric: {metric}, limit: {limit}, model: {model}"
        );
        if let Some(wait) = wait {
            message.push_str(&format!("\nPlease retry in {wait}s."));
        }
        let mut details = vec![
            json!({
                "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                "violations": [{
                    "quotaMetric": metric,
                    "quotaId": quota_id,
                    "quotaDimensions": {"location": "global", "model": model},
                    "quotaValue": limit,
                }],
            }),
            json!({
                "@type": "type.googleapis.com/google.rpc.Help",
                "links": [{"description": "Learn more about Gemini API quotas", "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}],
            }),
        ];
        if let Some(wait) = wait {
            details.push(json!({"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": format!("{wait}s")}));
        }
        (
            429,
            gemini_error_body(429, &message, "RESOURCE_EXHAUSTED", details),
        )
    };
    let (status, body) = match kind {
        ErrorKind::InvalidRequest => (
            400,
            gemini_error_body(
                400,
                "Request contains an invalid argument.",
                "INVALID_ARGUMENT",
                vec![],
            ),
        ),
        ErrorKind::MissingKey => (
            403,
            gemini_error_body(
                403,
                "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
                "PERMISSION_DENIED",
                vec![],
            ),
        ),
        ErrorKind::BadKey => {
            let message = "API key not valid. Please pass a valid API key.";
            (
                400,
                gemini_error_body(
                    400,
                    message,
                    "INVALID_ARGUMENT",
                    vec![
                        json!({
                            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                            "reason": "API_KEY_INVALID",
                            "domain": "googleapis.com",
                            "metadata": {"service": GEMINI_SERVICE},
                        }),
                        json!({
                            "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
                            "locale": "en-US",
                            "message": message,
                        }),
                    ],
                ),
            )
        }
        ErrorKind::Permission => (
            403,
            gemini_error_body(
                403,
                "The caller does not have permission",
                "PERMISSION_DENIED",
                vec![],
            ),
        ),
        ErrorKind::NotFound => (
            404,
            gemini_error_body(
                404,
                &format!(
                    "models/{model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods."
                ),
                "NOT_FOUND",
                vec![],
            ),
        ),
        ErrorKind::RateLimited => quota(false),
        ErrorKind::Quota | ErrorKind::DailyQuota => quota(true),
        ErrorKind::Capacity => (
            429,
            gemini_error_body(
                429,
                &format!("No capacity available for model {model} on the server"),
                "RESOURCE_EXHAUSTED",
                vec![json!({
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "MODEL_CAPACITY_EXHAUSTED",
                    "domain": "googleapis.com",
                    "metadata": {"model": model, "service": GEMINI_SERVICE},
                })],
            ),
        ),
        ErrorKind::ServerError => (
            500,
            gemini_error_body(
                500,
                "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
                "INTERNAL",
                vec![],
            ),
        ),
        ErrorKind::Overloaded => (
            503,
            gemini_error_body(
                503,
                "The model is overloaded. Please try again later.",
                "UNAVAILABLE",
                vec![],
            ),
        ),
        ErrorKind::Unavailable => (
            503,
            gemini_error_body(
                503,
                "The service is currently unavailable.",
                "UNAVAILABLE",
                vec![],
            ),
        ),
        ErrorKind::Timeout => (
            504,
            gemini_error_body(
                504,
                "Deadline expired before operation could complete.",
                "DEADLINE_EXCEEDED",
                vec![],
            ),
        ),
        ErrorKind::RegionNotSupported => (
            400,
            gemini_error_body(
                400,
                "Gemini API free tier is not available in your country. Please enable billing on your project in Google AI Studio.",
                "FAILED_PRECONDITION",
                vec![],
            ),
        ),
    };
    let mut headers = Vec::new();
    if let Some(wait) = ctx.retry_after
        && matches!(
            kind,
            ErrorKind::Overloaded | ErrorKind::Unavailable | ErrorKind::Capacity
        )
    {
        headers.push(("retry-after".to_string(), wait.to_string()));
    }
    ErrorAnswer {
        status,
        headers,
        body,
    }
}

/// Ollama's OpenAI-compatible envelope: only three `type`s exist (400 `invalid_request_error`,
/// 404 `not_found_error`, anything else `api_error`), `param` and `code` are always null.
pub fn ollama_error_body(status: u16, message: &str) -> Value {
    let error_type = match status {
        400 => "invalid_request_error",
        404 => "not_found_error",
        _ => "api_error",
    };
    json!({"error": {"message": message, "type": error_type, "param": null, "code": null}})
}

fn ollama_error(kind: ErrorKind, ctx: &ErrorContext<'_>) -> ErrorAnswer {
    // Ollama checks no key and has no quota or region; a proxy in front of it would answer
    // those, so they keep Ollama's envelope with plain wording.
    let not_found = format!("model \"{}\" not found, try pulling it first", ctx.model);
    let (status, message): (u16, &str) = match kind {
        ErrorKind::InvalidRequest => (400, "invalid message format"),
        ErrorKind::MissingKey | ErrorKind::BadKey => (401, "unauthorized"),
        ErrorKind::Permission | ErrorKind::RegionNotSupported => (403, "forbidden"),
        ErrorKind::NotFound => (404, &not_found),
        ErrorKind::RateLimited | ErrorKind::Quota | ErrorKind::DailyQuota => {
            (429, "too many requests")
        }
        ErrorKind::ServerError => (500, "llama runner process has terminated: exit status 2"),
        ErrorKind::Overloaded | ErrorKind::Capacity | ErrorKind::Unavailable => (
            503,
            "server busy, please try again.  maximum pending requests exceeded",
        ),
        ErrorKind::Timeout => (
            500,
            "timed out waiting for llama runner to start - progress 0.00 - ",
        ),
    };
    let mut headers = Vec::new();
    if let Some(wait) = ctx.retry_after {
        headers.push(("retry-after".to_string(), wait.to_string()));
    }
    ErrorAnswer {
        status,
        headers,
        body: ollama_error_body(status, message),
    }
}

/// The error as it arrives inside a stream that already answered 200:
/// Anthropic's `error` event data, or the `data:` payload of the others.
pub fn stream_error_payload(wire: Wire, kind: ErrorKind, model: &str, now: DateTime<Utc>) -> Value {
    let answer = error_answer(wire, kind, &ErrorContext::new(model, now));
    match wire {
        Wire::Anthropic => json!({"type": "error", "error": answer.body["error"].clone()}),
        _ => answer.body,
    }
}

/// The deterministic answer a model gives to a prompt.
pub fn answer_text(model: &str, prompt: &str) -> String {
    let prompt = prompt.trim();
    let shown: String = prompt.chars().take(60).collect();
    let ellipsis = if prompt.chars().count() > 60 {
        "…"
    } else {
        ""
    };
    format!(
        "Hello from {model} (simulated). You asked: \"{shown}{ellipsis}\". This answer is deterministic: the same model and prompt always give these words."
    )
}

/// The answer split into stream tokens: each word with the space before it.
pub fn answer_tokens(text: &str) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    for (i, word) in text.split(' ').enumerate() {
        if i == 0 {
            tokens.push(word.to_string());
        } else {
            tokens.push(format!(" {word}"));
        }
    }
    tokens
}

/// A rough prompt token count, the same for every wire.
pub fn prompt_tokens(prompt: &str) -> u64 {
    (prompt.split_whitespace().count() as u64 + 8).max(1)
}

/// A request id in the provider's style, deterministic in `seq`.
pub fn request_id(wire: Wire, seq: u64) -> String {
    match wire {
        Wire::Anthropic => format!("req_011C{}", base62(seq, 20)),
        Wire::OpenAi => format!("req_{}", hex(seq, 32)),
        Wire::Gemini | Wire::Ollama => hex(seq, 16),
    }
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// `len` pseudo-random characters from `alphabet`, deterministic in `seed`.
pub(crate) fn id_from(seed: u64, len: usize, alphabet: &[u8]) -> String {
    let mut state = seed;
    (0..len)
        .map(|_| {
            state = splitmix(state);
            alphabet[(state % alphabet.len() as u64) as usize] as char
        })
        .collect()
}

pub(crate) fn base62(seed: u64, len: usize) -> String {
    id_from(
        seed,
        len,
        b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    )
}

pub(crate) fn hex(seed: u64, len: usize) -> String {
    id_from(seed, len, b"0123456789abcdef")
}

/// A stable 64-bit hash of a string (FNV-1a), for ids and ETags that must not change
/// between runs.
pub(crate) fn fnv(text: &[u8]) -> u64 {
    text.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The size of a `huge` body.
pub const HUGE_BYTES: usize = 20 * 1024 * 1024;

/// The bytes of a `garbage` body: printable, random-looking, never JSON.
pub fn garbage_body(seed: u64) -> Vec<u8> {
    let mut text = String::from("\u{1}\u{7f}<<garbage ");
    text.push_str(&id_from(
        seed,
        2048,
        b"!#$%&()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ^_`abcdefghijklmnopqrstuvwxyz|~ ",
    ));
    text.into_bytes()
}

/// The Cloudflare-style "Just a moment..." page a bot check shows.
pub fn html_challenge_body() -> String {
    "<!DOCTYPE html><html lang=\"en-US\"><head><title>Just a moment...</title><meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\"><meta name=\"robots\" content=\"noindex,nofollow\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"></head><body><div class=\"main-wrapper\" role=\"main\"><div class=\"main-content\"><noscript><div class=\"h2\"><span id=\"challenge-error-text\">Enable JavaScript and cookies to continue</span></div></noscript></div></div><script>(function(){window._cf_chl_opt={cvId: '3',cZone: 'status.sim',cType: 'managed'};}());</script></body></html>".to_string()
}
