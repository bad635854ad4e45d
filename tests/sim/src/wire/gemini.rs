//! Gemini API: `POST /v1beta/models/{model}:generateContent`, `:streamGenerateContent`
//! (`?alt=sse` for SSE, otherwise a JSON array), `GET /v1beta/models` and
//! `GET /v1beta/models/{model}`. The key comes in `x-goog-api-key` or `?key=`.
//!
//! The model and method share one path segment (`gemini-2.5-flash:generateContent`), so the
//! route captures the rest of the path and splits it at the colon.

use super::header;
use crate::catalog::Model;
use crate::respond::{self, Answer, Call, Chat, Frames};
use crate::server::{AppState, ConnHandle};
use crate::stubs::{self, ErrorAnswer, ErrorKind, Wire};
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::{Extension, Router};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/v1beta/models", get(list))
        .route("/v1beta/models/{*rest}", get(get_model).post(generate))
        .fallback(not_found)
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Params {
    key: Option<String>,
    alt: Option<String>,
    page_size: Option<usize>,
    page_token: Option<String>,
}

fn admit(call: &mut Call, headers: &HeaderMap, params: &Params) -> Option<Response> {
    call.key =
        header(headers, "x-goog-api-key").or_else(|| params.key.clone().filter(|k| !k.is_empty()));
    if call.key.is_none() {
        return Some(call.fail(ErrorKind::MissingKey, None, None));
    }
    None
}

async fn generate(
    State(app): State<AppState>,
    conn: Option<Extension<ConnHandle>>,
    OriginalUri(uri): OriginalUri,
    Path(rest): Path<String>,
    Query(params): Query<Params>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut call = Call::new(&app, conn.map(|c| c.0), Wire::Gemini, "POST", uri.path());
    let Some((model, method)) = rest.split_once(':') else {
        return unknown_path(&call);
    };
    if method != "generateContent" && method != "streamGenerateContent" {
        return unknown_path(&call);
    }
    if let Some(response) = admit(&mut call, &headers, &params) {
        return response;
    }
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return call.fail(ErrorKind::InvalidRequest, Some(model), None);
    };
    let prompt = body["contents"]
        .as_array()
        .and_then(|c| {
            c.iter()
                .rev()
                .find(|c| c["role"].as_str().unwrap_or("user") == "user")
        })
        .map(|c| respond::content_text(&c["parts"]))
        .unwrap_or_default();
    let stream = method == "streamGenerateContent";
    let sse = params.alt.as_deref() == Some("sse");
    let chat = Chat {
        model: model.to_string(),
        prompt,
        system: Some(respond::content_text(&body["systemInstruction"]["parts"]))
            .filter(|s| !s.is_empty()),
        stream: stream && sse,
        include_usage: false,
        json_array: stream && !sse,
        max_tokens: body["generationConfig"]["maxOutputTokens"].as_u64(),
    };
    respond::chat(call, chat).await
}

fn unknown_path(call: &Call) -> Response {
    let answer = ErrorAnswer {
        status: 404,
        headers: vec![],
        body: stubs::gemini_error_body(404, "Requested entity was not found.", "NOT_FOUND", vec![]),
    };
    call.answer(&answer, None, "not_found")
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
        Wire::Gemini,
        method.as_str(),
        uri.path(),
    );
    // A provider the scenario has cut off answers no path at all.
    if let Some(cut_off) = call.gate().await {
        return cut_off;
    }
    unknown_path(&call)
}

fn model_json(m: &Model) -> Value {
    let thinking = m.id.starts_with("gemini-2.5") || m.id.starts_with("gemini-3");
    let mut value = json!({
        "name": format!("models/{}", m.id),
        "version": if m.id.contains("preview") { "3-pro-preview-11-2025" } else { "001" },
        "displayName": m.display_name,
        "description": format!("{} (simulated by switchboard-sim)", m.display_name),
        "inputTokenLimit": m.input_tokens,
        "outputTokenLimit": m.output_tokens,
        "supportedGenerationMethods": ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"],
        "temperature": 1,
        "topP": 0.95,
        "topK": 64,
        "maxTemperature": 2,
    });
    if thinking {
        value["thinking"] = json!(true);
    }
    value
}

/// Page tokens are opaque to clients; here they encode the offset.
fn page_token(offset: usize) -> String {
    format!("Cg5tb2RlbHMv{offset:04}")
}

fn parse_page_token(token: &str) -> Option<usize> {
    token.strip_prefix("Cg5tb2RlbHMv")?.parse().ok()
}

async fn list(
    State(app): State<AppState>,
    conn: Option<Extension<ConnHandle>>,
    OriginalUri(uri): OriginalUri,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Response {
    let mut call = Call::new(&app, conn.map(|c| c.0), Wire::Gemini, "GET", uri.path());
    if let Some(response) = admit(&mut call, &headers, &params) {
        return response;
    }
    if let Some(response) = call.gate().await {
        return response;
    }
    let all = app.engine.served().models("gemini");
    let size = params.page_size.filter(|s| *s > 0).unwrap_or(50).min(1000);
    let start = match params.page_token.as_deref().filter(|t| !t.is_empty()) {
        None => 0,
        Some(token) => match parse_page_token(token) {
            Some(offset) if offset <= all.len() => offset,
            _ => {
                let answer = ErrorAnswer {
                    status: 400,
                    headers: vec![],
                    body: stubs::gemini_error_body(
                        400,
                        "Invalid page token.",
                        "INVALID_ARGUMENT",
                        vec![],
                    ),
                };
                return call.answer(&answer, None, "invalid_request");
            }
        },
    };
    let end = (start + size).min(all.len());
    let mut body = json!({"models": all[start..end].iter().map(model_json).collect::<Vec<_>>()});
    if end < all.len() {
        body["nextPageToken"] = json!(page_token(end));
    }
    call.listed();
    respond::json_ok(&body, vec![])
}

async fn get_model(
    State(app): State<AppState>,
    conn: Option<Extension<ConnHandle>>,
    OriginalUri(uri): OriginalUri,
    Path(rest): Path<String>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Response {
    let mut call = Call::new(&app, conn.map(|c| c.0), Wire::Gemini, "GET", uri.path());
    if let Some(response) = admit(&mut call, &headers, &params) {
        return response;
    }
    match app.engine.served().resolve("gemini", &rest) {
        Some(model) => {
            call.listed();
            respond::json_ok(&model_json(model), vec![])
        }
        None => call.fail(ErrorKind::NotFound, Some(&rest), None),
    }
}

/// Gemini separates SSE events with CRLF pairs.
pub(crate) fn sse(data: &Value) -> Bytes {
    Bytes::from(format!(
        "data: {}\r\n\r\n",
        serde_json::to_string(data).expect("JSON serialises")
    ))
}

fn response_id(answer: &Answer) -> String {
    stubs::base62(answer.id_seed ^ 0x6E3, 22)
}

fn usage(answer: &Answer, candidates: Option<u64>) -> Value {
    let mut usage = json!({
        "promptTokenCount": answer.prompt_tokens,
        "totalTokenCount": answer.prompt_tokens + candidates.unwrap_or(0),
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": answer.prompt_tokens}],
    });
    if let Some(candidates) = candidates {
        usage["candidatesTokenCount"] = json!(candidates);
    }
    usage
}

fn response(answer: &Answer, text: &str, last: bool) -> Value {
    let mut candidate =
        json!({"content": {"parts": [{"text": text}], "role": "model"}, "index": 0});
    if last {
        candidate["finishReason"] = json!(if answer.at_length_limit {
            "MAX_TOKENS"
        } else {
            "STOP"
        });
    }
    json!({
        "candidates": [candidate],
        "usageMetadata": usage(answer, last.then(|| answer.output_tokens())),
        "modelVersion": answer.served.id,
        "responseId": response_id(answer),
    })
}

pub(crate) fn json(answer: &Answer) -> Value {
    response(answer, &answer.text, true)
}

/// The stream's chunks: one per token, the last with `finishReason: "STOP"` and full usage.
fn chunks(answer: &Answer) -> Vec<Value> {
    let n = answer.tokens.len();
    answer
        .tokens
        .iter()
        .enumerate()
        .map(|(i, token)| response(answer, token, i + 1 == n))
        .collect()
}

/// `:streamGenerateContent` without `alt=sse`.
pub(crate) fn json_array(answer: &Answer) -> Value {
    Value::Array(chunks(answer))
}

/// No head, no `[DONE]`: the last token's chunk ends the stream.
pub(crate) fn frames(answer: &Answer) -> Frames {
    Frames {
        head: vec![],
        tokens: chunks(answer).iter().map(sse).collect(),
        tail: vec![],
    }
}

pub(crate) fn ok_headers(stream: bool) -> Vec<(String, String)> {
    vec![
        (
            "content-type".to_string(),
            if stream {
                "text/event-stream"
            } else {
                "application/json; charset=UTF-8"
            }
            .to_string(),
        ),
        ("server".into(), "scaffolding on HTTPServer2".into()),
        ("vary".into(), "Origin, X-Origin, Referer".into()),
    ]
}
