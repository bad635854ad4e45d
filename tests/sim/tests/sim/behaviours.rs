//! Misbehaviours: resets, stalls, cut streams, in-stream errors, garbage, huge bodies, fractions.

use crate::support::*;
use futures_util::StreamExt;
use serde_json::Value;
use std::io::{Read, Write};
use std::time::{Duration, Instant};
use switchboard_sim::fraction_hits;
use switchboard_sim::stubs::{self, ErrorKind, HUGE_BYTES, Wire, answer_text, answer_tokens};

fn one_step(models: &str) -> String {
    format!("[[steps]]\nat = 0\nlabel = \"under test\"\n[steps.models]\n{models}\n")
}

#[tokio::test]
async fn reset_gives_no_http_answer_but_a_tcp_rst() {
    let sim = scenario(&one_step(
        r#""anthropic/claude-opus-4-7" = { behaviour = "reset" }"#,
    ))
    .await;
    let error = chat(&sim, Wire::Anthropic, "claude-opus-4-7", "hi", false)
        .send()
        .await
        .expect_err("a reset connection gives the client no HTTP answer");
    assert!(error.status().is_none(), "no status at all: {error:?}");

    // At the socket: the peer resets (RST) instead of closing (FIN).
    let addr = sim.addr();
    let outcome = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let body = r#"{"model":"claude-opus-4-7","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#;
        write!(
            stream,
            "POST /anthropic/v1/messages HTTP/1.1\r\nhost: {addr}\r\nx-api-key: k\r\nanthropic-version: 2023-06-01\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut buf = Vec::new();
        stream.read_to_end(&mut buf).map(|_| buf)
    })
    .await
    .unwrap();
    match outcome {
        Err(e) => assert_eq!(
            e.kind(),
            std::io::ErrorKind::ConnectionReset,
            "the connection is reset"
        ),
        Ok(bytes) => panic!(
            "expected a reset, got {} bytes: {:?}",
            bytes.len(),
            String::from_utf8_lossy(&bytes)
        ),
    }
    let log = sim.requests();
    assert_eq!(log.len(), 2);
    assert!(
        log.iter()
            .all(|r| r.status.is_none() && r.outcome == "reset"),
        "logged with no status: {log:?}"
    );
}

#[tokio::test]
async fn refuse_looks_the_same_to_a_client() {
    let sim = scenario(&one_step(r#""*" = { behaviour = "refuse" }"#)).await;
    for wire in Wire::ALL {
        let result = chat(&sim, wire, model_of(wire), "hi", false).send().await;
        assert!(
            result.is_err(),
            "{wire:?}: a refused request gets no answer"
        );
    }
    assert!(
        sim.requests()
            .iter()
            .all(|r| r.outcome == "refused" && r.status.is_none())
    );
}

#[tokio::test]
async fn cut_stream_ends_without_terminating_the_body() {
    let sim = scenario(&one_step(
        r#""anthropic/claude-opus-4-7" = { behaviour = "cut", after_tokens = 3 }
"openai/gpt-5" = { behaviour = "cut", after_tokens = 2 }"#,
    ))
    .await;
    let response = chat(&sim, Wire::Anthropic, "claude-opus-4-7", "hi", true)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "a cut stream starts as a 200");
    let mut received = Vec::new();
    let mut stream = response.bytes_stream();
    let mut failed = false;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(bytes) => received.extend_from_slice(&bytes),
            Err(_) => {
                failed = true;
                break;
            }
        }
    }
    assert!(failed, "the body must end in an error, not a clean end");
    let text = String::from_utf8(received).unwrap();
    assert_eq!(
        text.matches("event: content_block_delta").count(),
        3,
        "three tokens arrive first"
    );
    assert!(
        !text.contains("message_stop"),
        "no message_stop after a cut"
    );

    let response = chat(&sim, Wire::OpenAi, "gpt-5", "hi", false)
        .send()
        .await
        .unwrap();
    assert!(
        response.bytes().await.is_err(),
        "a cut JSON answer is an incomplete body"
    );
}

#[tokio::test]
async fn stream_error_sends_each_providers_in_stream_error() {
    let sim = scenario(&one_step(
        r#""anthropic/*" = { behaviour = "stream_error", after_tokens = 2, error = "overloaded" }
"openai/*" = { behaviour = "stream_error", after_tokens = 2, error = "server_error" }"#,
    ))
    .await;
    let events = sse_events(
        chat(&sim, Wire::Anthropic, "claude-opus-4-8", "hi", true)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let names: Vec<&str> = events.iter().map(|(e, _)| e.as_str()).collect();
    assert_eq!(
        names,
        [
            "message_start",
            "content_block_start",
            "ping",
            "content_block_delta",
            "content_block_delta",
            "error"
        ]
    );
    let error: Value = serde_json::from_str(&events[5].1).unwrap();
    assert_eq!(
        error,
        serde_json::json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})
    );

    let events = sse_events(
        chat(&sim, Wire::OpenAi, "gpt-5", "hi", true)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let last: Value = serde_json::from_str(&events.last().unwrap().1).unwrap();
    assert_eq!(
        last,
        stubs::stream_error_payload(Wire::OpenAi, ErrorKind::ServerError, "gpt-5", epoch())
    );
    assert!(
        events.iter().all(|(_, d)| d != "[DONE]"),
        "no [DONE] after an error"
    );

    let (status, _, body) = json(
        chat(&sim, Wire::Anthropic, "claude-opus-4-8", "hi", false)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["error"]["type"].as_str()),
        (529, Some("overloaded_error")),
        "without a stream it is an HTTP error"
    );
}

#[tokio::test]
async fn stall_delays_the_headers() {
    let sim = scenario(&one_step(
        r#""gemini/gemini-2.5-flash" = { behaviour = "stall", seconds = 0.6 }"#,
    ))
    .await;
    let started = Instant::now();
    let response = chat(&sim, Wire::Gemini, "gemini-2.5-flash", "hi", false)
        .send()
        .await
        .unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(600),
        "headers came after {waited:?}, expected ≥ 0.6 s"
    );
    assert_eq!(response.status(), 200, "after the stall it answers");

    let quick = Instant::now();
    chat(&sim, Wire::Gemini, "gemini-2.5-pro", "hi", false)
        .send()
        .await
        .unwrap();
    assert!(
        quick.elapsed() < Duration::from_millis(500),
        "other models are not stalled"
    );

    let timeout = client()
        .post(format!(
            "{}/v1beta/models/gemini-2.5-flash:generateContent",
            sim.provider_url("gemini")
        ))
        .header("x-goog-api-key", KEY)
        .body("{}")
        .timeout(Duration::from_millis(150))
        .send()
        .await
        .expect_err("a client timeout shorter than the stall fires");
    assert!(timeout.is_timeout());
}

#[tokio::test]
async fn huge_and_garbage_bodies() {
    let sim = scenario(&one_step(
        r#""openai/gpt-5" = { behaviour = "huge" }
"openai/gpt-5-mini" = { behaviour = "garbage" }"#,
    ))
    .await;
    let response = chat(&sim, Wire::OpenAi, "gpt-5", "hi", false)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.bytes().await.unwrap().len(),
        HUGE_BYTES,
        "a huge body is 20 MiB"
    );
    let response = chat(&sim, Wire::OpenAi, "gpt-5-mini", "hi", false)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body = response.bytes().await.unwrap();
    assert!(
        serde_json::from_slice::<Value>(&body).is_err(),
        "garbage is not JSON"
    );
}

#[test]
fn fraction_rule_is_exact() {
    let hits: Vec<u64> = (0..20).filter(|n| fraction_hits(*n, 0.3)).collect();
    assert_eq!(
        hits,
        [3, 6, 9, 13, 16, 19],
        "floor((N+1)·0.3) > floor(N·0.3)"
    );
    assert_eq!((0..100).filter(|n| fraction_hits(*n, 0.5)).count(), 50);
    assert!(
        (0..10).all(|n| fraction_hits(n, 1.0)),
        "fraction 1 fails every request"
    );
}

#[tokio::test]
async fn fraction_fails_exactly_the_nth_requests_per_model() {
    let sim = scenario(&one_step(
        r#""anthropic/claude-haiku-4-5" = { behaviour = "error", error = "server_error", fraction = 0.3 }"#,
    ))
    .await;
    let mut failed = Vec::new();
    for n in 0..20u64 {
        let response = chat(&sim, Wire::Anthropic, "claude-haiku-4-5", "hi", false)
            .send()
            .await
            .unwrap();
        if response.status() == 500 {
            failed.push(n);
        } else {
            assert_eq!(response.status(), 200);
        }
        // Another model's requests do not move this model's count.
        chat(&sim, Wire::Anthropic, "claude-sonnet-4-6", "hi", false)
            .send()
            .await
            .unwrap();
    }
    assert_eq!(
        failed,
        [3, 6, 9, 13, 16, 19],
        "exactly the requests the rule picks fail"
    );
}

#[tokio::test]
async fn ok_text_is_deterministic_per_model_and_prompt() {
    let sim = builtin("healthy").await;
    let (_, _, a) = json(
        chat(
            &sim,
            Wire::Anthropic,
            "claude-opus-4-7",
            "same prompt",
            false,
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    let (_, _, b) = json(
        chat(
            &sim,
            Wire::Anthropic,
            "claude-opus-4-7",
            "same prompt",
            false,
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(a["content"], b["content"]);
    assert_eq!(
        a["content"][0]["text"],
        answer_text("claude-opus-4-7", "same prompt")
    );
    assert!(answer_tokens(&answer_text("m", "p")).len() > 5);
}
