//! OpenAI Chat Completions (`/openai/v1/…`) and Ollama's OpenAI-compatible API
//! (`/ollama/v1/…`, plus Ollama's own `/api/tags`). One wire, two wordings: Ollama needs no
//! key, has no `x-request-id` or rate-limit headers, and says `system_fingerprint: fp_ollama`.

use super::header;
use crate::catalog::Model;
use crate::respond::{self, Answer, Call, Chat, Frames, sse};
use crate::server::{AppState, ConnHandle};
use crate::stubs::{self, ErrorKind, Wire};
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use bytes::Bytes;
use chrono::SecondsFormat;
use serde_json::{Value, json};

pub(crate) fn openai_router() -> Router<AppState> {
    Router::new()
        .route("/v1/chat/completions", post(openai_chat))
        .route("/v1/models", get(openai_models))
        .fallback(openai_not_found)
}

pub(crate) fn ollama_router() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { "Ollama is running" }))
        .route("/v1/chat/completions", post(ollama_chat))
        .route("/v1/models", get(ollama_models))
        .route("/api/tags", get(ollama_tags))
        .fallback(|| async { (StatusCode::NOT_FOUND, "404 page not found") })
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    header(headers, "authorization").and_then(|v| {
        v.strip_prefix("Bearer ")
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_string)
    })
}

async fn openai_chat(
    State(app): State<AppState>,
    conn: Option<Extension<ConnHandle>>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut call = Call::new(&app, conn.map(|c| c.0), Wire::OpenAi, "POST", uri.path());
    call.key = bearer(&headers);
    if call.key.is_none() {
        return call.fail(ErrorKind::MissingKey, None, None);
    }
    chat(call, &body).await
}

async fn ollama_chat(
    State(app): State<AppState>,
    conn: Option<Extension<ConnHandle>>,
    OriginalUri(uri): OriginalUri,
    body: Bytes,
) -> Response {
    let call = Call::new(&app, conn.map(|c| c.0), Wire::Ollama, "POST", uri.path());
    chat(call, &body).await
}

async fn chat(call: Call, body: &[u8]) -> Response {
    let Ok(body) = serde_json::from_slice::<Value>(body) else {
        return call.fail(ErrorKind::InvalidRequest, None, None);
    };
    let Some(model) = body["model"].as_str() else {
        return call.fail(ErrorKind::InvalidRequest, None, None);
    };
    if !body["messages"].is_array() {
        return call.fail(ErrorKind::InvalidRequest, Some(model), None);
    }
    let chat = Chat {
        model: model.to_string(),
        prompt: respond::last_user_text(&body["messages"]),
        system: body["messages"]
            .as_array()
            .and_then(|m| {
                m.iter()
                    .find(|m| m["role"] == "system" || m["role"] == "developer")
            })
            .map(|m| respond::content_text(&m["content"])),
        stream: body["stream"].as_bool().unwrap_or(false),
        include_usage: body["stream_options"]["include_usage"]
            .as_bool()
            .unwrap_or(false),
        json_array: false,
        max_tokens: body["max_completion_tokens"]
            .as_u64()
            .or_else(|| body["max_tokens"].as_u64()),
    };
    respond::chat(call, chat).await
}

/// One entry of a `/v1/models` list; OpenAI's own models are `owned_by: system`, Ollama's
/// `library`.
fn list_entry(m: &Model, owned_by: &str) -> Value {
    json!({"id": m.id, "object": "model", "created": m.created.timestamp(), "owned_by": owned_by})
}

async fn openai_models(
    State(app): State<AppState>,
    conn: Option<Extension<ConnHandle>>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    let mut call = Call::new(&app, conn.map(|c| c.0), Wire::OpenAi, "GET", uri.path());
    call.key = bearer(&headers);
    if call.key.is_none() {
        return call.fail(ErrorKind::MissingKey, None, None);
    }
    if let Some(response) = call.gate().await {
        return response;
    }
    let data: Vec<Value> = app
        .engine
        .served()
        .models("openai")
        .iter()
        .map(|m| list_entry(m, "system"))
        .collect();
    call.listed();
    respond::json_ok(
        &json!({"object": "list", "data": data}),
        vec![("x-request-id".into(), call.request_id())],
    )
}

async fn ollama_models(
    State(app): State<AppState>,
    conn: Option<Extension<ConnHandle>>,
    OriginalUri(uri): OriginalUri,
) -> Response {
    let call = Call::new(&app, conn.map(|c| c.0), Wire::Ollama, "GET", uri.path());
    if let Some(response) = call.gate().await {
        return response;
    }
    let data: Vec<Value> = app
        .engine
        .served()
        .models("ollama")
        .iter()
        .map(|m| list_entry(m, "library"))
        .collect();
    call.listed();
    respond::json_ok(&json!({"object": "list", "data": data}), vec![])
}

async fn ollama_tags(
    State(app): State<AppState>,
    conn: Option<Extension<ConnHandle>>,
    OriginalUri(uri): OriginalUri,
) -> Response {
    let call = Call::new(&app, conn.map(|c| c.0), Wire::Ollama, "GET", uri.path());
    if let Some(response) = call.gate().await {
        return response;
    }
    let models: Vec<Value> = app
        .engine
        .served()
        .models("ollama")
        .iter()
        .map(|m| {
            let name = m.id.split(':').next().unwrap_or(&m.id);
            // The base models' real figures; a model a scenario pulls gets plausible ones.
            let (family, size, parameters) = match name {
                "llama3.2" => ("llama", 2_019_393_189_u64, "3.2B"),
                "qwen3" => ("qwen3", 5_225_388_164, "8.2B"),
                _ => (name, 4_109_865_159, "7.2B"),
            };
            json!({
                "name": m.id,
                "model": m.id,
                "modified_at": m.created.to_rfc3339_opts(SecondsFormat::Nanos, true),
                "size": size,
                "digest": stubs::hex(stubs::fnv(m.id.as_bytes()), 64),
                "details": {
                    "parent_model": "",
                    "format": "gguf",
                    "family": family,
                    "families": [family],
                    "parameter_size": parameters,
                    "quantization_level": "Q4_K_M",
                },
            })
        })
        .collect();
    call.listed();
    respond::json_ok(&json!({"models": models}), vec![])
}

async fn openai_not_found(
    State(app): State<AppState>,
    conn: Option<Extension<ConnHandle>>,
    OriginalUri(uri): OriginalUri,
    method: Method,
) -> Response {
    let call = Call::new(
        &app,
        conn.map(|c| c.0),
        Wire::OpenAi,
        method.as_str(),
        uri.path(),
    );
    // A provider the scenario has cut off answers no path at all.
    if let Some(cut_off) = call.gate().await {
        return cut_off;
    }
    let local = uri.path().strip_prefix("/openai").unwrap_or(uri.path());
    let answer = stubs::ErrorAnswer {
        status: 404,
        headers: vec![("x-request-id".into(), call.request_id())],
        body: stubs::openai_error_body(
            &format!("Invalid URL ({} {local})", method.as_str()),
            "invalid_request_error",
            None,
            None,
        ),
    };
    call.answer(&answer, None, "not_found").into_response()
}

fn completion_id(answer: &Answer) -> String {
    format!("chatcmpl-{}", stubs::base62(answer.id_seed ^ 0x0_0A1, 29))
}

/// The model a response names: OpenAI answers with the dated snapshot, Ollama echoes the name.
fn response_model(answer: &Answer, ollama: bool) -> String {
    if ollama {
        return answer.model.clone();
    }
    format!(
        "{}-{}",
        answer.served.id,
        answer.served.created.format("%Y-%m-%d")
    )
}

fn fingerprint(ollama: bool) -> &'static str {
    if ollama { "fp_ollama" } else { "fp_5c2b1f3e8a" }
}

fn usage(answer: &Answer, ollama: bool) -> Value {
    let mut usage = json!({
        "prompt_tokens": answer.prompt_tokens,
        "completion_tokens": answer.output_tokens(),
        "total_tokens": answer.prompt_tokens + answer.output_tokens(),
    });
    if !ollama {
        usage["prompt_tokens_details"] = json!({"cached_tokens": 0, "audio_tokens": 0});
        usage["completion_tokens_details"] = json!({
            "reasoning_tokens": 0, "audio_tokens": 0,
            "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0,
        });
    }
    usage
}

pub(crate) fn json(answer: &Answer, ollama: bool) -> Value {
    let mut message = json!({"role": "assistant", "content": answer.text});
    let mut value = json!({
        "id": completion_id(answer),
        "object": "chat.completion",
        "created": answer.now.timestamp(),
        "model": response_model(answer, ollama),
        "system_fingerprint": fingerprint(ollama),
        "choices": [],
        "usage": usage(answer, ollama),
    });
    if !ollama {
        message["refusal"] = Value::Null;
        message["annotations"] = json!([]);
        value["service_tier"] = json!("default");
    }
    let mut choice =
        json!({"index": 0, "message": message, "finish_reason": finish_reason(answer)});
    if !ollama {
        choice["logprobs"] = Value::Null;
    }
    value["choices"] = json!([choice]);
    value
}

/// OpenAI: a role chunk, one content chunk per token, a `finish_reason` chunk, a usage chunk
/// (with `stream_options.include_usage`), then `data: [DONE]`. Ollama: no role chunk; each
/// delta carries the role.
pub(crate) fn frames(answer: &Answer, ollama: bool) -> Frames {
    let chunk = |delta: Value, finish: Option<&str>| {
        let mut choice = json!({"index": 0, "delta": delta, "finish_reason": finish});
        if !ollama {
            choice["logprobs"] = Value::Null;
        }
        let mut value = json!({
            "id": completion_id(answer),
            "object": "chat.completion.chunk",
            "created": answer.now.timestamp(),
            "model": response_model(answer, ollama),
            "system_fingerprint": fingerprint(ollama),
            "choices": [choice],
        });
        if !ollama {
            value["service_tier"] = json!("default");
        }
        if answer.include_usage {
            value["usage"] = Value::Null;
        }
        sse(None, &value)
    };
    let head = if ollama {
        vec![]
    } else {
        vec![chunk(
            json!({"role": "assistant", "content": "", "refusal": null}),
            None,
        )]
    };
    let tokens = answer
        .tokens
        .iter()
        .map(|token| {
            if ollama {
                chunk(json!({"role": "assistant", "content": token}), None)
            } else {
                chunk(json!({"content": token}), None)
            }
        })
        .collect();
    let mut tail = vec![if ollama {
        chunk(
            json!({"role": "assistant", "content": ""}),
            Some(finish_reason(answer)),
        )
    } else {
        chunk(json!({}), Some(finish_reason(answer)))
    }];
    if answer.include_usage {
        let mut value = json!({
            "id": completion_id(answer),
            "object": "chat.completion.chunk",
            "created": answer.now.timestamp(),
            "model": response_model(answer, ollama),
            "system_fingerprint": fingerprint(ollama),
            "choices": [],
            "usage": usage(answer, ollama),
        });
        if !ollama {
            value["service_tier"] = json!("default");
        }
        tail.push(sse(None, &value));
    }
    tail.push(Bytes::from_static(b"data: [DONE]\n\n"));
    Frames { head, tokens, tail }
}

pub(crate) fn ok_headers(answer: &Answer, stream: bool, ollama: bool) -> Vec<(String, String)> {
    let content_type = match (stream, ollama) {
        (true, _) => "text/event-stream; charset=utf-8",
        (false, true) => "application/json; charset=utf-8",
        (false, false) => "application/json",
    };
    let mut headers = vec![("content-type".to_string(), content_type.to_string())];
    if !ollama {
        headers.push(("x-request-id".into(), answer.request_id.clone()));
        headers.push(("openai-organization".into(), "user-sim".into()));
        headers.push(("openai-processing-ms".into(), "412".into()));
        headers.push(("openai-version".into(), "2020-10-01".into()));
        headers.extend(stubs::openai_rate_headers(499, 0.12));
    }
    headers
}

/// `length` at the request's length limit, else `stop`.
fn finish_reason(answer: &Answer) -> &'static str {
    if answer.at_length_limit {
        "length"
    } else {
        "stop"
    }
}
