//! Turning a decision into an HTTP answer, the same way for every wire: JSON or SSE, errors,
//! resets, stalls, cut streams, garbage and huge bodies.

use crate::catalog::Model;
use crate::engine::Plan;
use crate::server::{AppState, ConnHandle};
use crate::stubs::{
    self, ErrorAnswer, ErrorContext, ErrorKind, HUGE_BYTES, Wire, answer_text, answer_tokens,
    garbage_body, prompt_tokens,
};
use crate::wire::{anthropic, gemini, openai};
use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use futures_util::stream;
use serde_json::Value;
use std::time::Duration;

/// One request being answered: who asked, where, with which key.
pub(crate) struct Call {
    pub app: AppState,
    pub conn: Option<ConnHandle>,
    pub wire: Wire,
    pub method: String,
    pub path: String,
    pub key: Option<String>,
    pub seq: u64,
    /// What a chat request said, once it is read: kept in the log.
    pub said: Option<crate::engine::Said>,
}

impl Call {
    pub fn new(
        app: &AppState,
        conn: Option<ConnHandle>,
        wire: Wire,
        method: &str,
        path: &str,
    ) -> Call {
        let seq = app.engine.next_seq();
        Call {
            app: app.clone(),
            conn,
            wire,
            method: method.to_string(),
            path: path.to_string(),
            key: None,
            seq,
            said: None,
        }
    }

    pub fn request_id(&self) -> String {
        stubs::request_id(self.wire, self.seq)
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.app.engine.now_wall()
    }

    fn log(&self, model: Option<&str>, status: Option<u16>, outcome: &str) {
        let mut entry = self.app.engine.entry(
            Some(self.wire.provider()),
            model,
            &self.method,
            &self.path,
            status,
            outcome,
        );
        if let Some(said) = &self.said {
            entry.prompt = Some(said.prompt.clone());
            entry.system = said.system.clone();
        }
        self.app.engine.record(entry);
    }

    /// The provider's answer for `kind`, logged.
    pub fn fail(&self, kind: ErrorKind, model: Option<&str>, retry_after: Option<u64>) -> Response {
        let ctx = ErrorContext {
            model: model.unwrap_or(""),
            key: self.key.as_deref(),
            retry_after,
            request_id: self.request_id(),
            now: self.now(),
        };
        let answer = stubs::error_answer(self.wire, kind, &ctx);
        self.log(model, Some(answer.status), kind.name());
        error_response(&answer, self.wire)
    }

    /// A ready-made answer (e.g. Anthropic's missing-version 400), logged as `outcome`.
    pub fn answer(&self, answer: &ErrorAnswer, model: Option<&str>, outcome: &str) -> Response {
        self.log(model, Some(answer.status), outcome);
        error_response(answer, self.wire)
    }

    /// Applies the scenario's provider-wide behaviour to a list endpoint; `None` to answer it.
    pub async fn gate(&self) -> Option<Response> {
        let plan = self.app.engine.decide(self.wire.provider(), None);
        match plan {
            Plan::Ok { latency_ms, .. } => {
                sleep_ms(latency_ms).await;
                None
            }
            Plan::Stall { seconds } => {
                tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
                None
            }
            Plan::Error { kind, retry_after } => Some(self.fail(kind, None, retry_after)),
            Plan::Reset | Plan::Refuse => {
                self.log(None, None, plan.outcome());
                Some(reset(self.conn.clone()).await)
            }
            Plan::Garbage => {
                self.log(None, Some(200), plan.outcome());
                Some(garbage(self.seq))
            }
            Plan::Huge => {
                self.log(None, Some(200), plan.outcome());
                Some(huge(b"{\"data\":[]}".to_vec(), "application/json"))
            }
            // Cut and stream errors concern streams; a list answers normally.
            Plan::Cut { .. } | Plan::StreamError { .. } => None,
        }
    }

    /// Logs a successful list answer.
    pub fn listed(&self) {
        self.log(None, Some(200), "ok");
    }
}

/// A chat request, parsed into what every wire shares.
pub(crate) struct Chat {
    /// The model as the request named it.
    pub model: String,
    pub prompt: String,
    /// The system prompt, where the request has one.
    pub system: Option<String>,
    pub stream: bool,
    /// OpenAI `stream_options.include_usage`.
    pub include_usage: bool,
    /// Gemini `:streamGenerateContent` without `alt=sse`: a JSON array.
    pub json_array: bool,
    /// The answer's length limit as the request set it (`max_tokens`,
    /// `max_completion_tokens`, `generationConfig.maxOutputTokens`): a longer answer stops
    /// there, with the wire's length stop reason, as the real providers do.
    pub max_tokens: Option<u64>,
}

/// Everything an answer's body is made of.
pub(crate) struct Answer {
    pub model: String,
    /// The model as served (canonical id, release date).
    pub served: Model,
    pub text: String,
    pub tokens: Vec<String>,
    pub prompt_tokens: u64,
    pub id_seed: u64,
    pub request_id: String,
    pub now: DateTime<Utc>,
    pub include_usage: bool,
    /// Stopped at the request's length limit.
    pub at_length_limit: bool,
}

impl Answer {
    pub fn output_tokens(&self) -> u64 {
        self.tokens.len() as u64
    }
}

/// SSE frames: what comes before the tokens, one frame per token, and what ends the stream.
pub(crate) struct Frames {
    pub head: Vec<Bytes>,
    pub tokens: Vec<Bytes>,
    pub tail: Vec<Bytes>,
}

pub(crate) fn sse(event: Option<&str>, data: &Value) -> Bytes {
    let data = serde_json::to_string(data).expect("JSON serialises");
    match event {
        Some(event) => Bytes::from(format!("event: {event}\ndata: {data}\n\n")),
        None => Bytes::from(format!("data: {data}\n\n")),
    }
}

/// Answers a chat request under the scenario.
pub(crate) async fn chat(mut call: Call, chat: Chat) -> Response {
    call.said = Some(crate::engine::Said {
        prompt: chat.prompt.clone(),
        system: chat.system.clone(),
    });
    let provider = call.wire.provider();
    // A model the provider does not serve now (never did, or retired) is not found.
    let Some(served) = call
        .app
        .engine
        .served()
        .resolve(provider, &chat.model)
        .cloned()
    else {
        return call.fail(ErrorKind::NotFound, Some(&chat.model), None);
    };
    let plan = call.app.engine.decide(provider, Some(&served.id));
    let full = answer_text(&chat.model, &chat.prompt);
    let mut tokens = answer_tokens(&full);
    let at_length_limit = chat
        .max_tokens
        .is_some_and(|limit| (tokens.len() as u64) > limit);
    if let Some(limit) = chat.max_tokens.filter(|_| at_length_limit) {
        tokens.truncate(limit as usize);
    }
    let text = if at_length_limit {
        tokens.concat()
    } else {
        full
    };
    let answer = Answer {
        model: chat.model.clone(),
        served,
        tokens,
        at_length_limit,
        text,
        prompt_tokens: prompt_tokens(&chat.prompt),
        id_seed: call.seq,
        request_id: call.request_id(),
        now: call.now(),
        include_usage: chat.include_usage,
    };
    let model = Some(chat.model.as_str());
    match plan {
        Plan::Ok {
            latency_ms,
            chunk_ms,
        } => {
            call.log(model, Some(200), "ok");
            sleep_ms(latency_ms).await;
            ok(&call, &chat, &answer, chunk_ms)
        }
        Plan::Stall { seconds } => {
            call.log(model, Some(200), plan.outcome());
            tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
            ok(&call, &chat, &answer, 0)
        }
        Plan::Error { kind, retry_after } => call.fail(kind, model, retry_after),
        Plan::StreamError { kind, .. } if !chat.stream || chat.json_array => {
            call.fail(kind, model, None)
        }
        Plan::Reset | Plan::Refuse => {
            call.log(model, None, plan.outcome());
            reset(call.conn.clone()).await
        }
        Plan::Garbage => {
            call.log(model, Some(200), plan.outcome());
            garbage(call.seq)
        }
        Plan::Huge => {
            call.log(model, Some(200), plan.outcome());
            let body =
                serde_json::to_vec(&json_answer(call.wire, &answer)).expect("JSON serialises");
            huge(body, "application/json")
        }
        Plan::Cut { after } => {
            call.log(model, Some(200), plan.outcome());
            if chat.stream && !chat.json_array {
                let frames = frames(call.wire, &answer);
                let mut sent: Vec<Bytes> = frames.head;
                sent.extend(frames.tokens.into_iter().take(after));
                streaming(&call, &answer, sent, 0, true)
            } else {
                let body =
                    serde_json::to_vec(&json_answer(call.wire, &answer)).expect("JSON serialises");
                let half = Bytes::from(body[..body.len() / 2].to_vec());
                streaming(&call, &answer, vec![half], 0, true)
            }
        }
        Plan::StreamError { after, kind } => {
            call.log(model, Some(200), plan.outcome());
            let frames = frames(call.wire, &answer);
            let mut sent: Vec<Bytes> = frames.head;
            sent.extend(frames.tokens.into_iter().take(after));
            sent.push(stream_error_frame(call.wire, kind, &chat.model, answer.now));
            streaming(&call, &answer, sent, 0, false)
        }
    }
}

fn ok(call: &Call, chat: &Chat, answer: &Answer, chunk_ms: u64) -> Response {
    if chat.json_array {
        let body = gemini::json_array(answer);
        return with_headers(
            Response::new(Body::from(
                serde_json::to_vec(&body).expect("JSON serialises"),
            )),
            StatusCode::OK,
            ok_headers(call.wire, answer, false),
        );
    }
    if chat.stream {
        let frames = frames(call.wire, answer);
        let mut all = frames.head;
        all.extend(frames.tokens);
        all.extend(frames.tail);
        return streaming(call, answer, all, chunk_ms, false);
    }
    let body = serde_json::to_vec(&json_answer(call.wire, answer)).expect("JSON serialises");
    with_headers(
        Response::new(Body::from(body)),
        StatusCode::OK,
        ok_headers(call.wire, answer, false),
    )
}

/// An SSE (or, when cutting a JSON answer, plain) body sent frame by frame; `cut` ends it
/// with a body error so the chunked encoding is never terminated.
fn streaming(
    call: &Call,
    answer: &Answer,
    frames: Vec<Bytes>,
    chunk_ms: u64,
    cut: bool,
) -> Response {
    let body = stream::iter(frames)
        .then(move |frame| async move {
            sleep_ms(chunk_ms).await;
            Ok::<Bytes, std::io::Error>(frame)
        })
        .chain(stream::iter(cut.then_some(())).then(|()| async {
            // Let what was sent reach the socket before the connection is torn down.
            tokio::time::sleep(Duration::from_millis(100)).await;
            Err(std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "stream cut by scenario",
            ))
        }));
    with_headers(
        Response::new(Body::from_stream(body)),
        StatusCode::OK,
        ok_headers(call.wire, answer, true),
    )
}

fn frames(wire: Wire, answer: &Answer) -> Frames {
    match wire {
        Wire::Anthropic => anthropic::frames(answer),
        Wire::OpenAi => openai::frames(answer, false),
        Wire::Ollama => openai::frames(answer, true),
        Wire::Gemini => gemini::frames(answer),
    }
}

fn json_answer(wire: Wire, answer: &Answer) -> Value {
    match wire {
        Wire::Anthropic => anthropic::json(answer),
        Wire::OpenAi => openai::json(answer, false),
        Wire::Ollama => openai::json(answer, true),
        Wire::Gemini => gemini::json(answer),
    }
}

fn ok_headers(wire: Wire, answer: &Answer, stream: bool) -> Vec<(String, String)> {
    match wire {
        Wire::Anthropic => anthropic::ok_headers(answer, stream),
        Wire::OpenAi => openai::ok_headers(answer, stream, false),
        Wire::Ollama => openai::ok_headers(answer, stream, true),
        Wire::Gemini => gemini::ok_headers(stream),
    }
}

/// The error as it arrives inside a stream that already answered 200.
pub(crate) fn stream_error_frame(
    wire: Wire,
    kind: ErrorKind,
    model: &str,
    now: DateTime<Utc>,
) -> Bytes {
    let payload = stubs::stream_error_payload(wire, kind, model, now);
    match wire {
        Wire::Anthropic => sse(Some("error"), &payload),
        Wire::Gemini => gemini::sse(&payload),
        Wire::OpenAi | Wire::Ollama => sse(None, &payload),
    }
}

pub(crate) fn error_response(answer: &ErrorAnswer, wire: Wire) -> Response {
    let mut headers = answer.headers.clone();
    let content_type = match wire {
        Wire::Gemini => "application/json; charset=UTF-8",
        Wire::Ollama => "application/json; charset=utf-8",
        Wire::Anthropic | Wire::OpenAi => "application/json",
    };
    headers.push(("content-type".into(), content_type.into()));
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    with_headers(
        Response::new(Body::from(
            serde_json::to_vec(&answer.body).expect("JSON serialises"),
        )),
        status,
        headers,
    )
}

pub(crate) fn json_ok(body: &Value, headers: Vec<(String, String)>) -> Response {
    let mut headers = headers;
    headers.push(("content-type".into(), "application/json".into()));
    with_headers(
        Response::new(Body::from(
            serde_json::to_vec(body).expect("JSON serialises"),
        )),
        StatusCode::OK,
        headers,
    )
}

pub(crate) fn with_headers(
    mut response: Response,
    status: StatusCode,
    headers: Vec<(String, String)>,
) -> Response {
    *response.status_mut() = status;
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// Drops the connection with a TCP RST and never answers. In-process (no socket), the best
/// stand-in is a body that fails at once.
pub(crate) async fn reset(conn: Option<ConnHandle>) -> Response {
    match conn {
        Some(conn) => {
            conn.reset();
            std::future::pending::<Response>().await
        }
        None => {
            let body = stream::once(async {
                Err::<Bytes, _>(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "reset by scenario",
                ))
            });
            Response::new(Body::from_stream(body))
        }
    }
}

pub(crate) fn garbage(seed: u64) -> Response {
    with_headers(
        Response::new(Body::from(garbage_body(seed))),
        StatusCode::OK,
        vec![("content-type".into(), "application/json".into())],
    )
}

/// `start` followed by spaces up to [`HUGE_BYTES`], streamed in 64 KiB pieces.
pub(crate) fn huge(start: Vec<u8>, content_type: &str) -> Response {
    const PIECE: usize = 64 * 1024;
    let padding = HUGE_BYTES.saturating_sub(start.len());
    let pieces = padding.div_ceil(PIECE);
    let first = stream::once(async move { Ok::<Bytes, std::io::Error>(Bytes::from(start)) });
    let rest = stream::iter(0..pieces).map(move |i| {
        let len = if i + 1 == pieces {
            padding - i * PIECE
        } else {
            PIECE
        };
        Ok::<Bytes, std::io::Error>(Bytes::from(vec![b' '; len]))
    });
    with_headers(
        Response::new(Body::from_stream(first.chain(rest))),
        StatusCode::OK,
        vec![
            ("content-type".into(), content_type.into()),
            (
                header::CONTENT_LENGTH.as_str().into(),
                HUGE_BYTES.to_string(),
            ),
        ],
    )
}

pub(crate) async fn sleep_ms(ms: u64) {
    if ms > 0 {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
}

/// The text of the last user turn of an OpenAI- or Anthropic-style `messages` array.
pub(crate) fn last_user_text(messages: &Value) -> String {
    messages
        .as_array()
        .and_then(|m| m.iter().rev().find(|m| m["role"] == "user"))
        .map(|m| content_text(&m["content"]))
        .unwrap_or_default()
}

/// A `content` that is a string or an array of `{type: "text", text}` parts.
pub(crate) fn content_text(content: &Value) -> String {
    match content {
        Value::String(text) => text.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p["text"].as_str())
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    }
}
