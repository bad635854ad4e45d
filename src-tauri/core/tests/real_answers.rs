//! Answers as the providers really send them — streams for every stop reason, refusals and
//! blocked prompts, whole JSON answers, and 404s from the API and from what is not the API —
//! served byte for byte from `tests/fixtures/` (each folder's `SOURCES.md` says where every
//! file came from) by a real server on 127.0.0.1, and read by the real clients.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use switchboard_core::catalog::{Catalog, Provider};
use switchboard_core::clock::ManualClock;
use switchboard_core::health::message::{OwnRequest, own_request_failed};
use switchboard_core::providers::client::http_client;
use switchboard_core::providers::keys::Secret;
use switchboard_core::providers::retry::RetryPolicy;
use switchboard_core::providers::{
    ChatEvent, ChatMessage, ChatRequest, Completion, ProviderClient, SendError, Timeouts,
    Unobserved,
};
use switchboard_core::vocabulary::FailureClass;
use switchboard_core::vocabulary::ReasonKind;
use switchboard_core::vocabulary::{Ending, Role};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures");

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{path}"))
        .unwrap_or_else(|e| panic!("fixture {path} should be readable: {e}"))
}

/// A server on 127.0.0.1 that answers every request with `status`, `content_type` and
/// `body`, and keeps each request (its head — request line and headers — and its body) for
/// the test to read.
struct Canned {
    base_url: String,
    heads: Arc<Mutex<Vec<String>>>,
    bodies: Arc<Mutex<Vec<Vec<u8>>>>,
}

async fn serve(status: u16, content_type: &'static str, body: Vec<u8>) -> Canned {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let heads = Arc::new(Mutex::new(Vec::new()));
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let kept = heads.clone();
    let kept_bodies = bodies.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = body.clone();
            let kept = kept.clone();
            let kept_bodies = kept_bodies.clone();
            tokio::spawn(async move {
                // The head, then as much body as it says.
                let mut read = Vec::new();
                let mut buf = [0u8; 4096];
                let head_end = loop {
                    let n = socket.read(&mut buf).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    read.extend_from_slice(&buf[..n]);
                    if let Some(end) = read.windows(4).position(|w| w == b"\r\n\r\n") {
                        break end + 4;
                    }
                };
                let head = String::from_utf8_lossy(&read[..head_end]).to_string();
                let length: usize = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse().unwrap_or(0))
                    })
                    .unwrap_or(0);
                while read.len() < head_end + length {
                    let n = socket.read(&mut buf).await.unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    read.extend_from_slice(&buf[..n]);
                }
                kept.lock().unwrap().push(head);
                kept_bodies.lock().unwrap().push(read[head_end..].to_vec());
                let reply = format!(
                    "HTTP/1.1 {status} Canned\r\ncontent-type: {content_type}\r\n\
                     content-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
                let _ = socket.write_all(&body).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    Canned {
        base_url,
        heads,
        bodies,
    }
}

fn provider(id: &str, base_url: &str) -> Provider {
    let mut provider = Catalog::shipped()
        .unwrap()
        .provider(id)
        .cloned()
        .unwrap_or_else(|| panic!("a shipped provider {id}"));
    provider.base_url = base_url.to_string();
    provider
}

fn model_of(provider: &str) -> &'static str {
    match provider {
        "anthropic" => "claude-opus-4-7",
        "openai" => "gpt-5",
        "gemini" => "gemini-2.5-flash",
        _ => "qwen3:8b",
    }
}

/// One request to `provider`'s client against the canned answer.
async fn ask(
    provider_id: &str,
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
) -> (Result<Completion, SendError>, String, Canned) {
    let canned = serve(status, content_type, body).await;
    let provider = provider(provider_id, &canned.base_url);
    let client = ProviderClient::new(
        http_client(&Timeouts::default()),
        &provider,
        Some(Secret::new("sk-test")),
        Timeouts {
            idle: Duration::from_secs(5),
            ..Timeouts::default()
        },
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        },
        Arc::new(ManualClock::new(chrono::Utc::now())),
    )
    .unwrap();
    let request = ChatRequest {
        model: model_of(provider_id).into(),
        system: Some("Be brief.".into()),
        messages: vec![ChatMessage {
            role: Role::User,
            text: "hi".into(),
        }],
        max_tokens: 64,
    };
    let mut shown = String::new();
    let result = client
        .chat(&request, &Unobserved, &mut |e| {
            if let ChatEvent::Text(t) = e {
                shown.push_str(&t);
            }
        })
        .await;
    (result, shown, canned)
}

const SSE: &str = "text/event-stream";
const JSON: &str = "application/json";

#[tokio::test]
async fn every_documented_stream_ends_as_it_says() {
    use Ending::*;
    let filtered = |c: &str| Filtered {
        category: c.to_string(),
    };
    let blocked = |c: &str| PromptBlocked {
        category: c.to_string(),
    };
    let cases: Vec<(&str, &str, Ending, bool)> = vec![
        // (file, provider, ending, some text expected)
        ("anthropic_end_turn.docs.sse", "anthropic", Complete, true),
        (
            "anthropic_end_turn_ping.sdk_fixture.sse",
            "anthropic",
            Complete,
            true,
        ),
        (
            "anthropic_max_tokens_haiku3.capture.sse",
            "anthropic",
            LengthLimit,
            true,
        ),
        (
            "anthropic_max_tokens_ping.capture.sse",
            "anthropic",
            LengthLimit,
            true,
        ),
        (
            "anthropic_refusal.sdk_fixture.sse",
            "anthropic",
            Refused,
            false,
        ),
        ("openai_chat_stop.capture.sse", "openai", Complete, true),
        (
            "openai_chat_length.capture.sse",
            "openai",
            LengthLimit,
            true,
        ),
        (
            "openai_chat_length_2025.capture.sse",
            "openai",
            LengthLimit,
            true,
        ),
        ("openai_chat_refusal.capture.sse", "openai", Refused, true),
        (
            "openai_chat_refusal_2025.capture.sse",
            "openai",
            Refused,
            true,
        ),
        (
            "azure_openai_chat_content_filter.docs_cleaned.sse",
            "openai",
            filtered("content_filter"),
            true,
        ),
        ("gemini_stop.capture.sse", "gemini", Complete, true),
        (
            "gemini_stop_short.sdk_fixture.sse",
            "gemini",
            Complete,
            true,
        ),
        ("gemini_max_tokens.capture.sse", "gemini", LengthLimit, true),
        (
            "gemini_safety.sdk_fixture.sse",
            "gemini",
            filtered("SAFETY"),
            true,
        ),
        (
            "gemini_safety_vertex.sdk_fixture.sse",
            "gemini",
            filtered("SAFETY"),
            true,
        ),
        (
            "gemini_recitation_no_content.sdk_fixture.sse",
            "gemini",
            filtered("RECITATION"),
            true,
        ),
        (
            "gemini_prompt_blocked_safety.sdk_fixture.sse",
            "gemini",
            blocked("SAFETY"),
            false,
        ),
        (
            "gemini_prompt_blocked_prohibited_content.assembled.sse",
            "gemini",
            blocked("PROHIBITED_CONTENT"),
            false,
        ),
    ];
    for (file, provider, ending, has_text) in cases {
        let (result, shown, canned) =
            ask(provider, 200, SSE, fixture(&format!("streams/{file}"))).await;
        let completion = result.unwrap_or_else(|e| panic!("{file}: the provider finished: {e:?}"));
        assert_eq!(completion.ending, ending, "{file}: how it ended");
        assert_eq!(
            !completion.text.is_empty(),
            has_text,
            "{file}: text {:?}",
            completion.text
        );
        assert_eq!(
            shown, completion.text,
            "{file}: what was shown is what is kept"
        );
        let head = canned.heads.lock().unwrap()[0].to_ascii_lowercase();
        assert!(
            head.contains("accept: text/event-stream"),
            "{file}: a stream is asked for: {head}"
        );
    }
}

#[tokio::test]
async fn errors_inside_a_stream_keep_what_arrived() {
    for (file, partial) in [
        ("anthropic_error_event.sdk_test.sse", ""),
        (
            "anthropic_error_midstream_overloaded.docs_assembled.sse",
            "Hello",
        ),
    ] {
        let (result, _, _) = ask("anthropic", 200, SSE, fixture(&format!("streams/{file}"))).await;
        let error = result.expect_err("an error event");
        assert_eq!(
            error.failure.class,
            FailureClass::Reason(ReasonKind::Overloaded),
            "{file}"
        );
        assert_eq!(error.partial_text, partial, "{file}");
    }
}

/// A stream was asked for and the whole answer came as JSON: it is read, not called
/// unreadable.
#[tokio::test]
async fn a_whole_json_answer_to_a_stream_request_is_read() {
    let cases = [
        (
            "answers/anthropic_message.docs_example.json",
            "anthropic",
            Ending::Complete,
            "Hi! My name is Claude.",
        ),
        (
            "answers/openai_chat_completion.docs_example.json",
            "openai",
            Ending::Complete,
            "Hello! How can I assist you today?",
        ),
        (
            "streams/gemini_prompt_blocked_prohibited_content.issue.json",
            "gemini",
            Ending::PromptBlocked {
                category: "PROHIBITED_CONTENT".into(),
            },
            "",
        ),
    ];
    for (file, provider, ending, text) in cases {
        let (result, _, _) = ask(provider, 200, JSON, fixture(file)).await;
        let completion = result.unwrap_or_else(|e| panic!("{file}: read as an answer: {e:?}"));
        assert_eq!(completion.ending, ending, "{file}");
        assert_eq!(completion.text, text, "{file}");
    }
}

/// A 404 is a retirement only when the provider's API says the model is not found; anything
/// else is the configured address, on the person's side, named with the URL tried.
#[tokio::test]
async fn a_404_is_a_retired_model_only_when_the_provider_says_so() {
    let cases: Vec<(&str, &str, &'static str, Vec<u8>, ReasonKind)> = vec![
        (
            "Anthropic's not_found_error naming the model",
            "anthropic",
            JSON,
            fixture("errors/anthropic_404_not_found_model.capture.json"),
            ReasonKind::ModelRetired,
        ),
        (
            "OpenAI's model_not_found",
            "openai",
            JSON,
            fixture("errors/openai_404_model_not_found.capture.json"),
            ReasonKind::ModelRetired,
        ),
        (
            "Gemini's NOT_FOUND for the model",
            "gemini",
            JSON,
            fixture("errors/gemini_404_not_found_model.capture.json"),
            ReasonKind::ModelRetired,
        ),
        (
            "Gemini's streaming 404, JSON labelled as a stream",
            "gemini",
            SSE,
            fixture("errors/gemini_404_not_found_model_stream.capture.json"),
            ReasonKind::ModelRetired,
        ),
        (
            "OpenAI's Invalid URL",
            "openai",
            JSON,
            fixture("errors/openai_404_invalid_url.issue.json"),
            ReasonKind::WrongEndpoint,
        ),
        (
            "a doubled path",
            "openai",
            JSON,
            fixture("errors/openai_404_invalid_url_doubled_path.issue.json"),
            ReasonKind::WrongEndpoint,
        ),
        (
            "Google's HTML 404 page",
            "gemini",
            "text/html; charset=UTF-8",
            fixture("errors/google_404_wrong_url.sdk_fixture.html"),
            ReasonKind::WrongEndpoint,
        ),
        (
            "nginx in front of a local server",
            "ollama",
            "text/html",
            fixture("errors/nginx_404_server_tokens_off.html"),
            ReasonKind::WrongEndpoint,
        ),
        (
            "a 404 with no body",
            "anthropic",
            JSON,
            Vec::new(),
            ReasonKind::WrongEndpoint,
        ),
    ];
    let catalog = Catalog::shipped().unwrap();
    for (what, provider_id, content_type, body, kind) in cases {
        let (result, _, canned) = ask(provider_id, 404, content_type, body).await;
        let error = result.expect_err("a 404");
        assert_eq!(
            error.failure.class,
            FailureClass::Reason(kind),
            "{what}: {:?}",
            error.failure
        );
        let provider = provider(provider_id, &canned.base_url);
        let model = catalog.model(provider_id, model_of(provider_id));
        let Some(model) = model else { continue };
        let reason = own_request_failed(
            &provider,
            model,
            &OwnRequest {
                failure: &error.failure,
                attempts: 1,
                since: chrono::Utc::now(),
                next_check: None,
                network: None,
                times: switchboard_core::clock::LocalTimes::new(
                    switchboard_core::clock::Zone::UTC,
                    chrono::Utc::now(),
                ),
            },
        );
        assert_eq!(reason.kind, kind, "{what}");
        if kind == ReasonKind::WrongEndpoint {
            assert!(
                reason.message.contains(&canned.base_url) && reason.message.contains("your side"),
                "{what}: the words name the address tried and whose side it is: {}",
                reason.message
            );
            assert!(!reason.message.contains("no longer offers"), "{what}");
        }
    }
}

/// The requests follow each provider's current contract: the system prompt as Anthropic's
/// `system`, OpenAI's `developer` message (which replaces `system` for current models), a
/// compatible server's `system` message, Gemini's `systemInstruction`; and each asks for a
/// stream.
#[tokio::test]
async fn each_request_follows_its_providers_contract() {
    let ok = fixture("streams/openai_chat_stop.capture.sse");
    for (provider, path) in [
        ("anthropic", "/v1/messages"),
        ("openai", "/v1/chat/completions"),
        ("ollama", "/v1/chat/completions"),
        (
            "gemini",
            "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
        ),
    ] {
        let (_, _, canned) = ask(provider, 200, SSE, ok.clone()).await;
        let head = canned.heads.lock().unwrap()[0].clone();
        assert!(
            head.starts_with(&format!("POST {path} ")),
            "{provider}: {head}"
        );
        let body: serde_json::Value =
            serde_json::from_slice(&canned.bodies.lock().unwrap()[0]).expect("a JSON body");
        match provider {
            "anthropic" => {
                assert_eq!(body["system"], "Be brief.");
                assert_eq!(body["stream"], true);
                assert_eq!(body["max_tokens"], 64);
                assert_eq!(body["messages"][0]["role"], "user");
            }
            "openai" => {
                assert_eq!(body["messages"][0]["role"], "developer", "{body}");
                assert_eq!(body["max_completion_tokens"], 64);
                assert!(
                    body.get("max_tokens").is_none(),
                    "deprecated for OpenAI: {body}"
                );
            }
            "ollama" => {
                assert_eq!(body["messages"][0]["role"], "system", "{body}");
                assert_eq!(body["max_tokens"], 64);
            }
            _ => {
                assert_eq!(body["systemInstruction"]["parts"][0]["text"], "Be brief.");
                assert_eq!(body["generationConfig"]["maxOutputTokens"], 64);
                assert_eq!(body["contents"][0]["role"], "user");
            }
        }
    }
}

/// Who answered, as the real providers say it in their answers: the evidence that a model
/// itself did (or did not) change across an incident.
#[tokio::test]
async fn the_model_identity_each_provider_returns_is_kept() {
    use switchboard_core::vocabulary::ModelIdentity;
    let cases = [
        (
            "anthropic_max_tokens_haiku3.capture.sse",
            "anthropic",
            ModelIdentity {
                model: Some("claude-3-haiku-20240307".into()),
                fingerprint: None,
            },
        ),
        (
            "openai_chat_stop.capture.sse",
            "openai",
            ModelIdentity {
                model: Some("gpt-4o-2024-08-06".into()),
                fingerprint: Some("fp_5050236cbd".into()),
            },
        ),
        (
            "gemini_stop.capture.sse",
            "gemini",
            ModelIdentity {
                model: Some("gemini-2.0-flash-exp".into()),
                fingerprint: None,
            },
        ),
    ];
    for (file, provider, identity) in cases {
        let (result, _, _) = ask(provider, 200, SSE, fixture(&format!("streams/{file}"))).await;
        let completion = result.unwrap_or_else(|e| panic!("{file}: {e:?}"));
        assert_eq!(completion.identity, Some(identity), "{file}");
    }
}
