//! Under faults and hostile input: a local server that never stops talking, an answer that
//! never ends, a crash mid-answer. What arrived is kept, the limit that ended it is named, and
//! nothing grows without bound.

use std::sync::Arc;
use std::time::Duration;
use switchboard_core::catalog::{Catalog, Provider};
use switchboard_core::clock::ManualClock;
use switchboard_core::providers::client::http_client;
use switchboard_core::providers::keys::Secret;
use switchboard_core::providers::retry::RetryPolicy;
use switchboard_core::providers::{ChatMessage, ChatRequest, ProviderClient, Timeouts, Unobserved};
use switchboard_core::store::{Message, MessageStatus, Store, new_id};
use switchboard_core::vocabulary::ModelRef;
use switchboard_core::vocabulary::Role;
use switchboard_core::vocabulary::{FailureClass, StreamBreak};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A server on 127.0.0.1 that answers every request with a stream: `head` once, then `frame`
/// again and again until the client hangs up.
async fn endless(head: &'static str, frame: &'static str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                let _ = socket.read(&mut buf).await;
                let start = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\
                             connection: close\r\n\r\n";
                if socket.write_all(start.as_bytes()).await.is_err()
                    || socket.write_all(head.as_bytes()).await.is_err()
                {
                    return;
                }
                while socket.write_all(frame.as_bytes()).await.is_ok() {
                    // Let the reader breathe, as a real server's pacing would.
                    tokio::task::yield_now().await;
                }
            });
        }
    });
    url
}

fn anthropic_at(url: &str) -> Provider {
    let mut provider = Catalog::shipped()
        .unwrap()
        .provider("anthropic")
        .cloned()
        .unwrap();
    provider.base_url = url.to_string();
    provider
}

fn client(provider: &Provider, timeouts: Timeouts) -> ProviderClient {
    ProviderClient::new(
        http_client(&timeouts),
        provider,
        Some(Secret::new("sk-test")),
        timeouts,
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        },
        Arc::new(ManualClock::new(chrono::Utc::now())),
    )
    .unwrap()
}

/// The reason a person reads for `failure` from a request to Claude Opus 4.7.
fn words_for(
    provider: &Provider,
    failure: &switchboard_core::vocabulary::Failure,
) -> switchboard_core::vocabulary::Reason {
    let catalog = Catalog::shipped().unwrap();
    switchboard_core::health::message::own_request_failed(
        provider,
        catalog.model("anthropic", "claude-opus-4-7").unwrap(),
        &switchboard_core::health::message::OwnRequest {
            failure,
            attempts: 1,
            since: chrono::Utc::now(),
            next_check: None,
            network: None,
            times: switchboard_core::clock::LocalTimes::new(
                switchboard_core::clock::Zone::UTC,
                chrono::Utc::now(),
            ),
        },
    )
}

fn hi() -> ChatRequest {
    ChatRequest {
        model: "claude-opus-4-7".into(),
        system: None,
        messages: vec![ChatMessage {
            role: Role::User,
            text: "hi".into(),
        }],
        max_tokens: 64,
    }
}

const START: &str = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-opus-4-7\"}}\n\n";
const TEXT: &str = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"all work and no play \"}}\n\n";
const PING: &str = "event: ping\ndata: {\"type\": \"ping\"}\n\n";

/// Endless text stops at the size limit, with what arrived kept and the limit named.
#[tokio::test]
async fn an_answer_that_never_ends_stops_at_the_size_limit() {
    let url = endless(START, TEXT).await;
    let limit = 64 * 1024;
    let timeouts = Timeouts {
        max_answer_bytes: limit,
        ..Timeouts::default()
    };
    let error = client(&anthropic_at(&url), timeouts)
        .chat(&hi(), &Unobserved, &mut |_| {})
        .await
        .expect_err("it never ends");
    assert_eq!(
        error.failure.class,
        FailureClass::StreamBroken(StreamBreak::TooLarge)
    );
    assert!(
        error.partial_text.len() > limit && error.partial_text.len() < limit + 1024,
        "what arrived up to the limit is kept: {} bytes",
        error.partial_text.len()
    );
    assert!(error.partial_text.starts_with("all work and no play"));
}

/// One endless line never becomes an event: the raw bytes are bounded too.
#[tokio::test]
async fn an_endless_line_stops_at_the_size_limit() {
    let url = endless(
        START,
        "data: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    )
    .await;
    let timeouts = Timeouts {
        max_answer_bytes: 4 * 1024,
        ..Timeouts::default()
    };
    let error = client(&anthropic_at(&url), timeouts)
        .chat(&hi(), &Unobserved, &mut |_| {})
        .await
        .expect_err("no event ever ends");
    assert_eq!(
        error.failure.class,
        FailureClass::StreamBroken(StreamBreak::TooLarge)
    );
}

/// An endless `ping` stream keeps the idle timer happy; the time limit for one answer ends it.
#[tokio::test]
async fn an_endless_ping_stream_stops_at_the_time_limit() {
    let url = endless(START, PING).await;
    let timeouts = Timeouts {
        idle: Duration::from_secs(30),
        total: Duration::from_millis(400),
        ..Timeouts::default()
    };
    let error = client(&anthropic_at(&url), timeouts)
        .chat(&hi(), &Unobserved, &mut |_| {})
        .await
        .expect_err("only pings");
    assert_eq!(
        error.failure.class,
        FailureClass::StreamBroken(StreamBreak::TooLong)
    );
    let reason = words_for(&anthropic_at(&url), &error.failure);
    assert!(
        reason.message.contains("time limit for one answer"),
        "the words name the limit: {}",
        reason.message
    );
}

/// A streaming answer is stored piece by piece (each piece costs its own size, not the whole
/// answer's), reads back whole while it streams, and a crash mid-answer loses no piece.
#[tokio::test]
async fn pieces_are_appended_and_survive_a_crash() {
    let store = Store::in_memory().await.unwrap();
    let now = chrono::Utc::now();
    let conversation = store.create_conversation("t", now).await.unwrap();
    let answer = Message {
        id: new_id(),
        conversation_id: conversation.id.clone(),
        role: Role::Assistant,
        text: String::new(),
        status: MessageStatus::Streaming,
        model: Some(ModelRef::new("anthropic", "claude-opus-4-7")),
        stood_in_for: None,
        stand_in_why: None,
        answered_as: None,
        failure: None,
        ending: None,
        created_at: now,
        updated_at: now,
    };
    store.insert_message(&answer).await.unwrap();
    let mut shown = String::new();
    for seq in 0..500 {
        let piece = format!("piece {seq}; ");
        store.append_chunk(&answer.id, seq, &piece).await.unwrap();
        shown.push_str(&piece);
        if seq % 100 == 0 {
            let stored = &store.messages(&conversation.id).await.unwrap()[0];
            assert_eq!(stored.text, shown, "saved before shown, at piece {seq}");
        }
    }
    // The process dies here; the next start folds the pieces into the answer.
    assert_eq!(store.recover_interrupted(now).await.unwrap(), 1);
    let recovered = &store.messages(&conversation.id).await.unwrap()[0];
    assert_eq!(recovered.status, MessageStatus::Incomplete);
    assert_eq!(recovered.text, shown, "every piece that arrived is kept");
    assert_eq!(
        store.recover_interrupted(now).await.unwrap(),
        0,
        "nothing is left streaming"
    );
    let again = &store.messages(&conversation.id).await.unwrap()[0];
    assert_eq!(again.text, shown, "folded once, not twice");
}

/// A server on 127.0.0.1 that answers every request once with `status`, `content_type` and
/// `body`.
async fn answering(status: u16, content_type: &'static str, body: String) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                let _ = socket.read(&mut buf).await;
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(body.as_bytes()).await;
            });
        }
    });
    url
}

/// A Wi-Fi sign-in page answering in the API's place is said as that — no one's side yet, not
/// counted against the model — never "a service problem at Anthropic, what arrived is kept".
#[tokio::test]
async fn a_sign_in_page_is_not_the_providers_error() {
    let page = "<!DOCTYPE html><html><head><title>Hotel Wi-Fi</title></head><body>Please sign in</body></html>";
    let url = answering(200, "text/html; charset=utf-8", page.into()).await;
    let provider = anthropic_at(&url);
    let error = client(&provider, Timeouts::default())
        .chat(&hi(), &Unobserved, &mut |_| {})
        .await
        .expect_err("not an answer");
    assert_eq!(error.failure.class, FailureClass::NotTheApi);
    assert!(
        !error.failure.class.is_server_side(),
        "not counted against the model"
    );
    assert!(error.partial_text.is_empty());
    let reason = words_for(&provider, &error.failure);
    assert_eq!(reason.side, switchboard_core::vocabulary::Side::Nobody);
    assert!(
        reason.message.contains("web page") && !reason.message.contains("what arrived is kept"),
        "{}",
        reason.message
    );
}

/// A key a provider echoes back in its error is never kept with the error.
#[tokio::test]
async fn a_key_echoed_in_an_error_is_redacted() {
    let key = "sk-proj-echoed-0123456789abcdef";
    let body = format!(
        r#"{{"error":{{"message":"Incorrect API key provided: {key}. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}}}"#
    );
    let url = answering(401, "application/json", body).await;
    let mut provider = Catalog::shipped()
        .unwrap()
        .provider("openai")
        .cloned()
        .unwrap();
    provider.base_url = url;
    let client = ProviderClient::new(
        http_client(&Timeouts::default()),
        &provider,
        Some(Secret::new(key)),
        Timeouts::default(),
        RetryPolicy::default(),
        Arc::new(ManualClock::new(chrono::Utc::now())),
    )
    .unwrap();
    let mut request = hi();
    request.model = "gpt-5".into();
    let error = client
        .chat(&request, &Unobserved, &mut |_| {})
        .await
        .expect_err("rejected");
    let stored = serde_json::to_string(&error.failure).unwrap();
    assert!(!stored.contains(key), "{stored}");
    assert!(stored.contains("[your key]"), "{stored}");
}
