//! Every semantic error on every wire: the simulator's answer is the stub's, and the stubs
//! hold the real wording.

use crate::support::*;
use serde_json::{Value, json};
use switchboard_sim::stubs::{ErrorContext, ErrorKind, Wire, error_answer};

/// A scenario whose step i (at 10·i seconds) makes every model answer `ErrorKind::ALL[i]`.
fn every_error(retry_after: Option<u64>) -> String {
    let wait = retry_after
        .map(|w| format!(", retry_after = {w}"))
        .unwrap_or_default();
    ErrorKind::ALL
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            format!(
                "[[steps]]\nat = {}\nlabel = \"{}\"\nmodels = {{ \"*\" = {{ behaviour = \"error\", error = \"{}\"{wait} }} }}\n",
                i * 10,
                kind.name(),
                kind.name()
            )
        })
        .collect()
}

async fn check_all(retry_after: Option<u64>) {
    let sim = scenario(&every_error(retry_after)).await;
    for (i, kind) in ErrorKind::ALL.iter().enumerate() {
        if i > 0 {
            advance(&sim, 10);
        }
        for wire in Wire::ALL {
            let model = model_of(wire);
            let response = chat(&sim, wire, model, "hello", false)
                .send()
                .await
                .unwrap();
            let (status, headers, body) = json(response).await;
            let request_id = match wire {
                Wire::Anthropic => {
                    header(&headers, "request-id").expect("Anthropic sends request-id")
                }
                Wire::OpenAi => {
                    header(&headers, "x-request-id").expect("OpenAI sends x-request-id")
                }
                _ => String::new(),
            };
            let ctx = ErrorContext {
                model,
                key: Some(KEY),
                retry_after,
                request_id,
                now: at(i as i64 * 10),
            };
            let expected = error_answer(wire, *kind, &ctx);
            assert_eq!(status, expected.status, "{wire:?} {kind:?}: status");
            assert_eq!(body, expected.body, "{wire:?} {kind:?}: body");
            for (name, value) in &expected.headers {
                assert_eq!(
                    header(&headers, name).as_deref(),
                    Some(value.as_str()),
                    "{wire:?} {kind:?}: header {name}"
                );
            }
        }
    }
    let log = sim.requests();
    assert_eq!(
        log.len(),
        ErrorKind::ALL.len() * Wire::ALL.len(),
        "one log entry per request"
    );
    assert!(
        log.iter()
            .zip(ErrorKind::ALL.iter().flat_map(|k| [k; 4]))
            .all(|(entry, kind)| entry.outcome == kind.name()),
        "each request is logged with its error's name"
    );
}

#[tokio::test]
async fn every_error_on_every_wire_matches_its_stub() {
    check_all(None).await;
}

#[tokio::test]
async fn every_error_with_a_wait_matches_its_stub() {
    check_all(Some(7)).await;
}

fn ctx(model: &str, retry_after: Option<u64>) -> ErrorContext<'_> {
    ErrorContext {
        model,
        key: Some("sk-proj-abcdefghijklmnop1234"),
        retry_after,
        request_id: "req_test".into(),
        now: epoch(),
    }
}

#[test]
fn anthropic_errors_use_the_documented_types_and_statuses() {
    let cases = [
        (ErrorKind::InvalidRequest, 400, "invalid_request_error"),
        (ErrorKind::BadKey, 401, "authentication_error"),
        (ErrorKind::Permission, 403, "permission_error"),
        (ErrorKind::NotFound, 404, "not_found_error"),
        (ErrorKind::RateLimited, 429, "rate_limit_error"),
        (ErrorKind::ServerError, 500, "api_error"),
        (ErrorKind::Timeout, 504, "timeout_error"),
        (ErrorKind::Overloaded, 529, "overloaded_error"),
    ];
    for (kind, status, error_type) in cases {
        let answer = error_answer(Wire::Anthropic, kind, &ctx("claude-opus-4-7", None));
        assert_eq!(answer.status, status, "{kind:?}");
        assert_eq!(answer.body["type"], "error");
        assert_eq!(answer.body["error"]["type"], error_type, "{kind:?}");
        assert_eq!(answer.body["request_id"], "req_test");
        assert_eq!(answer.header("request-id"), Some("req_test"));
    }
    let overloaded = error_answer(
        Wire::Anthropic,
        ErrorKind::Overloaded,
        &ctx("claude-opus-4-7", Some(12)),
    );
    assert_eq!(overloaded.body["error"]["message"], "Overloaded");
    assert_eq!(
        overloaded.header("retry-after"),
        Some("12"),
        "529 carries retry-after when the scenario gives a wait"
    );
    let limited = error_answer(
        Wire::Anthropic,
        ErrorKind::RateLimited,
        &ctx("claude-opus-4-7", Some(30)),
    );
    assert_eq!(limited.header("retry-after"), Some("30"));
    assert_eq!(
        limited.header("anthropic-ratelimit-requests-remaining"),
        Some("0")
    );
    assert_eq!(
        limited.header("anthropic-ratelimit-requests-reset"),
        Some("2026-06-05T14:00:30Z"),
        "reset is RFC 3339"
    );
}

#[test]
fn openai_rate_limit_and_quota_are_told_apart() {
    let limited = error_answer(
        Wire::OpenAi,
        ErrorKind::RateLimited,
        &ctx("gpt-5", Some(360)),
    );
    assert_eq!(limited.status, 429);
    assert_eq!(limited.body["error"]["code"], "rate_limit_exceeded");
    assert_eq!(limited.body["error"]["type"], "requests");
    assert!(
        limited.body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Rate limit reached for gpt-5")
    );
    assert_eq!(limited.header("x-ratelimit-reset-requests"), Some("6m0s"));
    assert_eq!(limited.header("x-ratelimit-remaining-requests"), Some("0"));
    assert_eq!(limited.header("retry-after"), Some("360"));
    let quota = error_answer(Wire::OpenAi, ErrorKind::Quota, &ctx("gpt-5", None));
    assert_eq!(quota.status, 429);
    assert_eq!(quota.body["error"]["code"], "insufficient_quota");
    assert!(
        quota.body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("You exceeded your current quota")
    );
    let bad = error_answer(Wire::OpenAi, ErrorKind::BadKey, &ctx("gpt-5", None));
    assert_eq!(bad.status, 401);
    assert_eq!(bad.body["error"]["code"], "invalid_api_key");
    assert!(
        bad.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("sk-*********************1234"),
        "the key is echoed masked"
    );
    let overloaded = error_answer(Wire::OpenAi, ErrorKind::Overloaded, &ctx("gpt-5", None));
    assert_eq!(
        (overloaded.status, overloaded.body["error"]["code"].clone()),
        (503, json!("server_is_overloaded"))
    );
    let server = error_answer(Wire::OpenAi, ErrorKind::ServerError, &ctx("gpt-5", None));
    assert_eq!(
        (server.status, server.body["error"]["type"].clone()),
        (500, json!("server_error"))
    );
    let missing = error_answer(Wire::OpenAi, ErrorKind::NotFound, &ctx("gpt-4-32k", None));
    assert_eq!(
        (missing.status, missing.body["error"]["code"].clone()),
        (404, json!("model_not_found"))
    );
}

#[test]
fn go_durations_look_like_openais() {
    use switchboard_sim::stubs::go_duration;
    assert_eq!(go_duration(1.0), "1s");
    assert_eq!(go_duration(360.0), "6m0s");
    assert_eq!(go_duration(0.12), "120ms");
    assert_eq!(go_duration(17.5), "17.5s");
    assert_eq!(go_duration(3723.0), "1h2m3s");
}

fn detail<'a>(answer: &'a Value, kind: &str) -> &'a Value {
    answer["error"]["details"]
        .as_array()
        .and_then(|d| {
            d.iter()
                .find(|d| d["@type"] == format!("type.googleapis.com/google.rpc.{kind}"))
        })
        .unwrap_or_else(|| panic!("a {kind} detail in {answer}"))
}

#[test]
fn gemini_errors_carry_googles_details() {
    let bad = error_answer(
        Wire::Gemini,
        ErrorKind::BadKey,
        &ctx("gemini-2.5-flash", None),
    );
    assert_eq!(
        bad.status, 400,
        "Gemini rejects a bad key with 400, not 401"
    );
    assert_eq!(bad.body["error"]["status"], "INVALID_ARGUMENT");
    assert_eq!(bad.body["error"]["code"], 400);
    assert_eq!(
        *detail(&bad.body, "ErrorInfo"),
        json!({"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com",
            "metadata": {"service": "generativelanguage.googleapis.com"}})
    );
    let minute = error_answer(
        Wire::Gemini,
        ErrorKind::RateLimited,
        &ctx("gemini-2.5-flash", Some(38)),
    );
    assert_eq!(
        (minute.status, minute.body["error"]["status"].clone()),
        (429, json!("RESOURCE_EXHAUSTED"))
    );
    assert_eq!(detail(&minute.body, "RetryInfo")["retryDelay"], "38s");
    assert_eq!(
        detail(&minute.body, "QuotaFailure")["violations"][0]["quotaId"],
        "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"
    );
    let day = error_answer(
        Wire::Gemini,
        ErrorKind::DailyQuota,
        &ctx("gemini-2.5-flash", None),
    );
    assert_eq!(
        detail(&day.body, "QuotaFailure")["violations"][0]["quotaId"],
        "GenerateRequestsPerDayPerProjectPerModel-FreeTier"
    );
    let capacity = error_answer(
        Wire::Gemini,
        ErrorKind::Capacity,
        &ctx("gemini-2.5-pro", None),
    );
    assert_eq!(capacity.status, 429);
    assert_eq!(
        detail(&capacity.body, "ErrorInfo")["reason"],
        "MODEL_CAPACITY_EXHAUSTED"
    );
    let table = [
        (ErrorKind::RegionNotSupported, 400, "FAILED_PRECONDITION"),
        (ErrorKind::Permission, 403, "PERMISSION_DENIED"),
        (ErrorKind::NotFound, 404, "NOT_FOUND"),
        (ErrorKind::ServerError, 500, "INTERNAL"),
        (ErrorKind::Overloaded, 503, "UNAVAILABLE"),
        (ErrorKind::Timeout, 504, "DEADLINE_EXCEEDED"),
    ];
    for (kind, status, name) in table {
        let answer = error_answer(Wire::Gemini, kind, &ctx("gemini-2.5-flash", None));
        assert_eq!(
            (answer.status, answer.body["error"]["status"].clone()),
            (status, json!(name)),
            "{kind:?}"
        );
    }
    let overloaded = error_answer(
        Wire::Gemini,
        ErrorKind::Overloaded,
        &ctx("gemini-2.5-flash", None),
    );
    assert_eq!(
        overloaded.body["error"]["message"],
        "The model is overloaded. Please try again later."
    );
}
