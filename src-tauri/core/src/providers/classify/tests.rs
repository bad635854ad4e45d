//! Every row of DESIGN.md's "What providers actually say", with the bodies and headers the
//! providers send, plus answers no table lists.

use super::*;
use crate::vocabulary::ReasonKind::*;
use crate::vocabulary::{StreamBreak, Transport};
use WireFormat::{Anthropic, Gemini, Openai, OpenaiCompatible};
use chrono::TimeZone;
use reqwest::header::{HeaderName, HeaderValue};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 5, 9, 12, 0).unwrap()
}

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (k, v) in pairs {
        map.insert(
            HeaderName::from_bytes(k.as_bytes()).unwrap(),
            HeaderValue::from_str(v).unwrap(),
        );
    }
    map
}

fn anthropic_body(kind: &str, message: &str) -> String {
    serde_json::json!({"type":"error","error":{"type":kind,"message":message},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"}).to_string()
}

fn openai_body(message: &str, kind: &str, code: Option<&str>) -> String {
    serde_json::json!({"error":{"message":message,"type":kind,"param":null,"code":code}})
        .to_string()
}

fn gemini_body(code: u16, status: &str, message: &str, details: Value) -> String {
    serde_json::json!({"error":{"code":code,"message":message,"status":status,"details":details}})
        .to_string()
}

struct Row {
    name: &'static str,
    wire: WireFormat,
    status: u16,
    body: String,
    expect: FailureClass,
}

fn rows() -> Vec<Row> {
    let r = |kind| FailureClass::Reason(kind);
    vec![
        // ---- Anthropic
        Row { name: "anthropic 529 overloaded", wire: Anthropic, status: 529, body: anthropic_body("overloaded_error", "Overloaded"), expect: r(Overloaded) },
        Row { name: "anthropic 500 api_error", wire: Anthropic, status: 500, body: anthropic_body("api_error", "Internal server error"), expect: r(ElevatedErrors) },
        Row { name: "anthropic 429 rate limit", wire: Anthropic, status: 429, body: anthropic_body("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"), expect: r(RateLimited) },
        Row { name: "anthropic 401 key", wire: Anthropic, status: 401, body: anthropic_body("authentication_error", "invalid x-api-key"), expect: r(AuthFailed) },
        Row { name: "anthropic 403 permission", wire: Anthropic, status: 403, body: anthropic_body("permission_error", "Your API key does not have permission to use the specified resource."), expect: r(NotPermitted) },
        Row { name: "anthropic 404 model", wire: Anthropic, status: 404, body: anthropic_body("not_found_error", "model: claude-3-opus-20240229"), expect: r(ModelRetired) },
        Row { name: "anthropic 400 credit balance", wire: Anthropic, status: 400, body: anthropic_body("invalid_request_error", "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."), expect: r(QuotaExhausted) },
        Row { name: "anthropic 400 prompt too long", wire: Anthropic, status: 400, body: anthropic_body("invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum"), expect: FailureClass::RequestRejected },
        Row { name: "anthropic 413 too large", wire: Anthropic, status: 413, body: anthropic_body("request_too_large", "Request exceeds the maximum allowed number of bytes."), expect: FailureClass::RequestRejected },
        // ---- OpenAI
        Row { name: "openai 429 rate_limit_exceeded", wire: Openai, status: 429, body: openai_body("Rate limit reached for gpt-5 in organization org-abc on requests per min (RPM): Limit 500, Used 500, Requested 1.", "requests", Some("rate_limit_exceeded")), expect: r(RateLimited) },
        Row { name: "openai 429 insufficient_quota (trap: same status, billing)", wire: Openai, status: 429, body: openai_body("You exceeded your current quota, please check your plan and billing details.", "insufficient_quota", Some("insufficient_quota")), expect: r(QuotaExhausted) },
        Row { name: "openai 401 invalid key", wire: Openai, status: 401, body: openai_body("Incorrect API key provided: sk-abc***xyz. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", Some("invalid_api_key")), expect: r(AuthFailed) },
        Row { name: "openai 401 not in organisation", wire: Openai, status: 401, body: openai_body("You must be a member of an organization to use the API.", "invalid_request_error", Some("no_organization")), expect: r(NotPermitted) },
        Row { name: "openai 401 ip not authorised", wire: Openai, status: 401, body: openai_body("You are not authorized to access this API from your current IP address.", "invalid_request_error", None), expect: r(NotPermitted) },
        Row { name: "openai 403 country", wire: Openai, status: 403, body: openai_body("Country, region, or territory not supported", "request_forbidden", Some("unsupported_country_region_territory")), expect: r(NotPermitted) },
        Row { name: "openai 404 model", wire: Openai, status: 404, body: openai_body("The model `gpt-4-32k` does not exist or you do not have access to it.", "invalid_request_error", Some("model_not_found")), expect: r(ModelRetired) },
        Row { name: "openai 403 project without access (same code, not retired)", wire: Openai, status: 403, body: openai_body("Project `proj_abc` does not have access to model `gpt-5`", "invalid_request_error", Some("model_not_found")), expect: r(NotPermitted) },
        Row { name: "openai 500 server_error", wire: Openai, status: 500, body: openai_body("The server had an error while processing your request. Sorry about that!", "server_error", None), expect: r(ElevatedErrors) },
        Row { name: "openai 503 overloaded", wire: Openai, status: 503, body: openai_body("The server is overloaded. Please try again later.", "server_error", Some("server_is_overloaded")), expect: r(Overloaded) },
        Row { name: "openai 503 slow_down", wire: Openai, status: 503, body: openai_body("Please reduce the rate at which you send requests.", "server_error", Some("slow_down")), expect: r(Overloaded) },
        // ---- Gemini
        Row { name: "gemini 400 API_KEY_INVALID (trap: not 401)", wire: Gemini, status: 400, body: gemini_body(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", serde_json::json!([{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com","metadata":{"service":"generativelanguage.googleapis.com"}}])), expect: r(AuthFailed) },
        Row { name: "gemini 400 bad request", wire: Gemini, status: 400, body: gemini_body(400, "INVALID_ARGUMENT", "Invalid JSON payload received.", serde_json::json!([])), expect: FailureClass::RequestRejected },
        Row { name: "gemini 400 FAILED_PRECONDITION", wire: Gemini, status: 400, body: gemini_body(400, "FAILED_PRECONDITION", "User location is not supported for the API use without a billing account linked.", serde_json::json!([])), expect: r(NotPermitted) },
        Row { name: "gemini 403 PERMISSION_DENIED", wire: Gemini, status: 403, body: gemini_body(403, "PERMISSION_DENIED", "The caller does not have permission", serde_json::json!([])), expect: r(NotPermitted) },
        Row { name: "gemini 429 per-minute quota", wire: Gemini, status: 429, body: gemini_body(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota.", serde_json::json!([{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaMetric":"generativelanguage.googleapis.com/generate_content_free_tier_requests","quotaId":"GenerateRequestsPerMinutePerProjectPerModel-FreeTier"}]},{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"38s"}])), expect: r(RateLimited) },
        Row { name: "gemini 429 per-day quota", wire: Gemini, status: 429, body: gemini_body(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota.", serde_json::json!([{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaId":"GenerateRequestsPerDayPerProjectPerModel-FreeTier"}]}])), expect: r(QuotaExhausted) },
        Row { name: "gemini 429 MODEL_CAPACITY_EXHAUSTED (trap: their capacity)", wire: Gemini, status: 429, body: gemini_body(429, "RESOURCE_EXHAUSTED", "No capacity available for model gemini-2.5-pro on the server", serde_json::json!([{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"MODEL_CAPACITY_EXHAUSTED","domain":"googleapis.com"}])), expect: r(Overloaded) },
        Row { name: "gemini 500 INTERNAL", wire: Gemini, status: 500, body: gemini_body(500, "INTERNAL", "An internal error has occurred.", serde_json::json!([])), expect: r(ElevatedErrors) },
        Row { name: "gemini 503 UNAVAILABLE", wire: Gemini, status: 503, body: gemini_body(503, "UNAVAILABLE", "The model is overloaded. Please try again later.", serde_json::json!([])), expect: r(Overloaded) },
        Row { name: "gemini 504 DEADLINE_EXCEEDED", wire: Gemini, status: 504, body: gemini_body(504, "DEADLINE_EXCEEDED", "Deadline expired before operation could complete.", serde_json::json!([])), expect: r(ElevatedErrors) },
        Row { name: "gemini 404 NOT_FOUND", wire: Gemini, status: 404, body: gemini_body(404, "NOT_FOUND", "models/gemini-1.0-pro is not found for API version v1beta", serde_json::json!([])), expect: r(ModelRetired) },
        // ---- OpenRouter and local servers (OpenAI-compatible)
        Row { name: "openrouter 402 credits", wire: OpenaiCompatible, status: 402, body: serde_json::json!({"error":{"message":"Insufficient credits. Add more using https://openrouter.ai/credits","code":402}}).to_string(), expect: r(QuotaExhausted) },
        Row { name: "openrouter 502 model down", wire: OpenaiCompatible, status: 502, body: serde_json::json!({"error":{"message":"Provider returned error","code":502}}).to_string(), expect: r(ElevatedErrors) },
        Row { name: "openrouter 503 no provider for routing", wire: OpenaiCompatible, status: 503, body: serde_json::json!({"error":{"message":"No allowed providers are available for the selected model.","code":503}}).to_string(), expect: r(ElevatedErrors) },
        Row { name: "ollama 404 model not pulled", wire: OpenaiCompatible, status: 404, body: serde_json::json!({"error":{"message":"model \"llama3.2\" not found, try pulling it first","type":"api_error","param":null,"code":null}}).to_string(), expect: r(ModelRetired) },
        Row { name: "ollama native error string", wire: OpenaiCompatible, status: 404, body: r#"{"error":"model 'qwen3:8b' not found"}"#.into(), expect: r(ModelRetired) },
        // A 404 that is not the provider saying the model is unknown: the address is wrong.
        Row { name: "anthropic 404 route", wire: Anthropic, status: 404, body: anthropic_body("not_found_error", "Not Found"), expect: r(WrongEndpoint) },
        Row { name: "openai invalid url", wire: Openai, status: 404, body: openai_body("Invalid URL (POST /v1/chat/completions/chat/completions)", "invalid_request_error", None), expect: r(WrongEndpoint) },
        Row { name: "gemini 404 entity", wire: Gemini, status: 404, body: gemini_body(404, "NOT_FOUND", "Requested entity was not found.", serde_json::json!([])), expect: r(WrongEndpoint) },
        Row { name: "html 404", wire: Openai, status: 404, body: "<html><head><title>404 Not Found</title></head></html>".into(), expect: r(WrongEndpoint) },
        Row { name: "bodiless 404", wire: Anthropic, status: 404, body: String::new(), expect: r(WrongEndpoint) },
        // ---- Bodies no table lists: the status code's side
        Row { name: "html 502 from a proxy", wire: Anthropic, status: 502, body: "<html><body>502 Bad Gateway</body></html>".into(), expect: r(ElevatedErrors) },
        Row { name: "empty 503", wire: Openai, status: 503, body: String::new(), expect: r(Overloaded) },
        Row { name: "unknown anthropic type 500", wire: Anthropic, status: 500, body: anthropic_body("brand_new_error", "?"), expect: r(ElevatedErrors) },
        Row { name: "unknown 401 text", wire: Gemini, status: 401, body: "Unauthorized".into(), expect: r(AuthFailed) },
        Row { name: "408 request timeout", wire: Openai, status: 408, body: String::new(), expect: r(ElevatedErrors) },
        Row { name: "422 unprocessable", wire: Openai, status: 422, body: "{}".into(), expect: FailureClass::RequestRejected },
    ]
}

#[test]
fn every_documented_answer_is_classified_by_what_the_provider_said() {
    let mut wrong = Vec::new();
    for row in rows() {
        let got = classify_http(
            row.wire,
            row.status,
            &HeaderMap::new(),
            row.body.as_bytes(),
            now(),
        );
        if got.class != row.expect {
            wrong.push(format!(
                "{}: expected {:?}, got {:?}",
                row.name, row.expect, got.class
            ));
        }
    }
    assert!(wrong.is_empty(), "misclassified:\n{}", wrong.join("\n"));
}

#[test]
fn the_providers_words_are_kept_for_the_details_view() {
    let body = anthropic_body("overloaded_error", "Overloaded");
    let failure = classify_http(
        Anthropic,
        529,
        &headers(&[("request-id", "req_1")]),
        body.as_bytes(),
        now(),
    );
    assert_eq!(failure.provider_code.as_deref(), Some("overloaded_error"));
    assert_eq!(failure.provider_message.as_deref(), Some("Overloaded"));
    assert_eq!(failure.request_id.as_deref(), Some("req_1"));
    assert_eq!(failure.http_status, Some(529));

    let garbage = classify_http(Openai, 500, &HeaderMap::new(), b"<html>oops</html>", now());
    assert_eq!(
        garbage.provider_message.as_deref(),
        Some("<html>oops</html>")
    );
}

#[test]
fn waits_come_from_every_header_providers_use() {
    let body = anthropic_body("rate_limit_error", "slow down");
    let wait = |h: &[(&str, &str)]| {
        classify_http(Anthropic, 429, &headers(h), body.as_bytes(), now()).retry_after
    };
    assert_eq!(
        wait(&[("retry-after", "40")]),
        Some(Duration::from_secs(40))
    );
    assert_eq!(
        wait(&[("retry-after-ms", "1500")]),
        Some(Duration::from_millis(1500))
    );
    assert_eq!(
        wait(&[("retry-after", "Fri, 05 Jun 2026 09:13:30 GMT")]),
        Some(Duration::from_secs(90))
    );
    assert_eq!(
        wait(&[
            ("anthropic-ratelimit-requests-remaining", "0"),
            ("anthropic-ratelimit-requests-reset", "2026-06-05T09:12:20Z"),
            ("anthropic-ratelimit-tokens-remaining", "1200"),
            ("anthropic-ratelimit-tokens-reset", "2026-06-05T09:13:00Z"),
        ]),
        Some(Duration::from_secs(20)),
        "the exhausted limit's reset decides"
    );
    assert_eq!(wait(&[]), None);

    let openai = openai_body(
        "Rate limit reached",
        "requests",
        Some("rate_limit_exceeded"),
    );
    let got = classify_http(
        Openai,
        429,
        &headers(&[
            ("x-ratelimit-remaining-requests", "0"),
            ("x-ratelimit-reset-requests", "6m0s"),
            ("x-ratelimit-remaining-tokens", "40000"),
            ("x-ratelimit-reset-tokens", "1s"),
        ]),
        openai.as_bytes(),
        now(),
    );
    assert_eq!(got.retry_after, Some(Duration::from_secs(360)));

    let gemini = gemini_body(
        429,
        "RESOURCE_EXHAUSTED",
        "quota",
        serde_json::json!([{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"38s"}]),
    );
    let got = classify_http(Gemini, 429, &HeaderMap::new(), gemini.as_bytes(), now());
    assert_eq!(got.retry_after, Some(Duration::from_secs(38)));
}

#[test]
fn x_should_retry_is_read() {
    let body = anthropic_body("api_error", "x");
    let yes = classify_http(
        Anthropic,
        500,
        &headers(&[("x-should-retry", "true")]),
        body.as_bytes(),
        now(),
    );
    let no = classify_http(
        Anthropic,
        500,
        &headers(&[("x-should-retry", "false")]),
        body.as_bytes(),
        now(),
    );
    assert_eq!(
        (yes.should_retry, no.should_retry),
        (Some(true), Some(false))
    );
}

#[test]
fn gemini_stream_errors_arrive_wrapped_in_an_array() {
    let body = format!(
        "[{}]",
        gemini_body(
            503,
            "UNAVAILABLE",
            "The model is overloaded.",
            serde_json::json!([])
        )
    );
    let got = classify_http(Gemini, 503, &HeaderMap::new(), body.as_bytes(), now());
    assert_eq!(got.class, FailureClass::Reason(Overloaded));
}

#[test]
fn a_mid_stream_error_is_classified_by_its_type() {
    let anthropic: Value = serde_json::from_str(
        r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
    )
    .unwrap();
    assert_eq!(
        classify_stream_error(Anthropic, &anthropic, now()).class,
        FailureClass::Reason(Overloaded)
    );
    let api: Value = serde_json::from_str(
        r#"{"type":"error","error":{"type":"api_error","message":"Internal server error"}}"#,
    )
    .unwrap();
    assert_eq!(
        classify_stream_error(Anthropic, &api, now()).class,
        FailureClass::Reason(ElevatedErrors)
    );
    let openai: Value = serde_json::from_str(r#"{"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}"#).unwrap();
    assert_eq!(
        classify_stream_error(Openai, &openai, now()).class,
        FailureClass::Reason(ElevatedErrors)
    );
    let unknown: Value = serde_json::json!({"nothing": "useful"});
    assert_eq!(
        classify_stream_error(Openai, &unknown, now()).class,
        FailureClass::Reason(ElevatedErrors),
        "an accepted request that breaks is the provider's side"
    );
}

#[test]
fn no_answer_is_never_a_provider_reason_by_itself() {
    for transport in [
        Transport::Dns,
        Transport::Connect,
        Transport::Tls,
        Transport::Reset,
        Transport::Timeout,
    ] {
        let class = FailureClass::NoAnswer(transport);
        assert_eq!(
            class.reason(),
            None,
            "{transport:?} needs the connectivity check"
        );
        assert!(!class.is_server_side());
    }
    assert!(FailureClass::StreamBroken(StreamBreak::Cut).is_server_side());
    assert!(!FailureClass::Reason(RateLimited).is_server_side());
}

#[test]
fn go_durations_parse() {
    for (text, secs) in [
        ("38s", 38.0),
        ("1.5s", 1.5),
        ("6m0s", 360.0),
        ("1h2m3s", 3723.0),
        ("20ms", 0.02),
    ] {
        assert_eq!(
            parse_go_duration(text),
            Some(Duration::from_secs_f64(secs)),
            "{text}"
        );
    }
    for bad in ["", "s", "12", "3x", "-1s"] {
        assert_eq!(parse_go_duration(bad), None, "{bad:?}");
    }
}
