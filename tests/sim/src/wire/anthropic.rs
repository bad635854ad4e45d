//! Anthropic Messages API: `POST /v1/messages` (JSON or SSE) and `GET /v1/models`.

use super::header;
use crate::respond::{self, Answer, Call, Chat, Frames, sse};
use crate::server::{AppState, ConnHandle};
use crate::stubs::{self, ErrorKind, Wire};
use axum::extract::{OriginalUri, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Router};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/messages", post(messages))
        .route("/v1/models", get(models))
        .fallback(not_found)
}

/// Checks the key and version headers as Anthropic does: key first.
fn admit(call: &mut Call, headers: &HeaderMap) -> Option<Response> {
    call.key = header(headers, "x-api-key");
    if call.key.is_none() {
        return Some(call.fail(ErrorKind::MissingKey, None, None));
    }
    if header(headers, "anthropic-version").is_none() {
        let answer = stubs::anthropic_missing_version(&call.request_id());
        return Some(call.answer(&answer, None, "invalid_request"));
    }
    None
}

async fn messages(
    State(app): State<AppState>,
    conn: Option<Extension<ConnHandle>>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut call = Call::new(&app, conn.map(|c| c.0), Wire::Anthropic, "POST", uri.path());
    if let Some(response) = admit(&mut call, &headers) {
        return response;
    }
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return call.fail(ErrorKind::InvalidRequest, None, None);
    };
    let Some(model) = body["model"].as_str() else {
        return call.fail(ErrorKind::InvalidRequest, None, None);
    };
    let chat = Chat {
        model: model.to_string(),
        prompt: respond::last_user_text(&body["messages"]),
        system: Some(respond::content_text(&body["system"])).filter(|s| !s.is_empty()),
        stream: body["stream"].as_bool().unwrap_or(false),
        include_usage: false,
        json_array: false,
        max_tokens: body["max_tokens"].as_u64(),
    };
    respond::chat(call, chat).await
}

#[derive(Deserialize)]
struct ModelsQuery {
    limit: Option<usize>,
    after_id: Option<String>,
    before_id: Option<String>,
}

async fn models(
    State(app): State<AppState>,
    conn: Option<Extension<ConnHandle>>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Query(query): Query<ModelsQuery>,
) -> Response {
    let mut call = Call::new(&app, conn.map(|c| c.0), Wire::Anthropic, "GET", uri.path());
    if let Some(response) = admit(&mut call, &headers) {
        return response;
    }
    if let Some(response) = call.gate().await {
        return response;
    }
    let all = app.engine.served().models("anthropic");
    let limit = query.limit.unwrap_or(20).clamp(1, 1000);
    let (start, end) = if let Some(after) = &query.after_id {
        let start = all
            .iter()
            .position(|m| m.id == *after)
            .map_or(all.len(), |i| i + 1);
        (start, (start + limit).min(all.len()))
    } else if let Some(before) = &query.before_id {
        let end = all.iter().position(|m| m.id == *before).unwrap_or(0);
        (end.saturating_sub(limit), end)
    } else {
        (0, limit.min(all.len()))
    };
    let page = &all[start..end];
    let has_more = if query.before_id.is_some() {
        start > 0
    } else {
        end < all.len()
    };
    let data: Vec<Value> = page
        .iter()
        // As the Models API answers since it gained limits and capabilities.
        .map(|m| {
            json!({
                "type": "model",
                "id": m.id,
                "display_name": m.display_name,
                "created_at": m.created_rfc3339(),
                "max_input_tokens": m.input_tokens,
                "max_tokens": m.output_tokens,
                "capabilities": {
                    "batch": {"supported": true},
                    "image_input": {"supported": true},
                    "pdf_input": {"supported": true},
                    "thinking": {"supported": true}
                }
            })
        })
        .collect();
    call.listed();
    respond::json_ok(
        &json!({
            "data": data,
            "has_more": has_more,
            "first_id": page.first().map(|m| &m.id),
            "last_id": page.last().map(|m| &m.id),
        }),
        vec![("request-id".into(), call.request_id())],
    )
}

async fn not_found(
    State(app): State<AppState>,
    conn: Option<Extension<ConnHandle>>,
    OriginalUri(uri): OriginalUri,
    method: axum::http::Method,
) -> Response {
    let call = Call::new(
        &app,
        conn.map(|c| c.0),
        Wire::Anthropic,
        method.as_str(),
        uri.path(),
    );
    // A provider the scenario has cut off answers no path at all.
    if let Some(cut_off) = call.gate().await {
        return cut_off;
    }
    let request_id = call.request_id();
    let answer = stubs::ErrorAnswer {
        status: 404,
        headers: vec![("request-id".into(), request_id.clone())],
        body: stubs::anthropic_error_body("not_found_error", "Not Found", &request_id),
    };
    call.answer(&answer, None, "not_found")
}

fn message_id(answer: &Answer) -> String {
    format!("msg_01{}", stubs::base62(answer.id_seed ^ 0xA11CE, 22))
}

pub(crate) fn json(answer: &Answer) -> Value {
    json!({
        "id": message_id(answer),
        "type": "message",
        "role": "assistant",
        "model": answer.model,
        "content": [{"type": "text", "text": answer.text}],
        "stop_reason": stop_reason(answer),
        "stop_sequence": null,
        "usage": {
            "input_tokens": answer.prompt_tokens,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "output_tokens": answer.output_tokens(),
            "service_tier": "standard",
        },
    })
}

/// `message_start`, `content_block_start`, `ping`, one `content_block_delta` per token, then
/// `content_block_stop`, `message_delta` (stop reason, usage) and `message_stop`.
pub(crate) fn frames(answer: &Answer) -> Frames {
    let head = vec![
        sse(
            Some("message_start"),
            &json!({"type": "message_start", "message": {
                "id": message_id(answer),
                "type": "message",
                "role": "assistant",
                "model": answer.model,
                "content": [],
                "stop_reason": null,
                "stop_sequence": null,
                "usage": {
                    "input_tokens": answer.prompt_tokens,
                    "cache_creation_input_tokens": 0,
                    "cache_read_input_tokens": 0,
                    "output_tokens": 1,
                    "service_tier": "standard",
                },
            }}),
        ),
        sse(
            Some("content_block_start"),
            &json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        ),
        sse(Some("ping"), &json!({"type": "ping"})),
    ];
    let tokens = answer
        .tokens
        .iter()
        .map(|token| {
            sse(
                Some("content_block_delta"),
                &json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": token}}),
            )
        })
        .collect();
    let tail = vec![
        sse(
            Some("content_block_stop"),
            &json!({"type": "content_block_stop", "index": 0}),
        ),
        sse(
            Some("message_delta"),
            &json!({"type": "message_delta",
                "delta": {"stop_reason": stop_reason(answer), "stop_sequence": null},
                "usage": {"output_tokens": answer.output_tokens()}}),
        ),
        sse(Some("message_stop"), &json!({"type": "message_stop"})),
    ];
    Frames { head, tokens, tail }
}

pub(crate) fn ok_headers(answer: &Answer, stream: bool) -> Vec<(String, String)> {
    let mut headers = vec![
        ("request-id".to_string(), answer.request_id.clone()),
        (
            "anthropic-organization-id".into(),
            "5f3a9c1e-0d7b-4b8e-9a61-2c4f8e7d1b30".into(),
        ),
        (
            "content-type".into(),
            if stream {
                "text/event-stream; charset=utf-8"
            } else {
                "application/json"
            }
            .into(),
        ),
    ];
    if stream {
        headers.push(("cache-control".into(), "no-cache".into()));
    }
    headers.extend(stubs::anthropic_rate_headers(answer.now, 49, 1));
    headers
}

/// `max_tokens` at the request's length limit, else `end_turn`.
fn stop_reason(answer: &Answer) -> &'static str {
    if answer.at_length_limit {
        "max_tokens"
    } else {
        "end_turn"
    }
}
