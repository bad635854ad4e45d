//! What differs between wire formats, behind one trait: how a request carries the key, how a
//! chat request and a model-list request are written, and how each server-sent event is read.
//! Everything else (sending, reading bodies, retrying, timeouts, classifying transport
//! failures) is shared in [`super::client`].

use super::classify::classify_stream_error;
use crate::vocabulary::ModelIdentity;

use super::ChatRequest;
use crate::catalog::WireFormat;
use crate::vocabulary::Role;
use crate::vocabulary::{Failure, StreamBreak};
use chrono::{DateTime, Utc};
use reqwest::RequestBuilder;
use serde_json::{Value, json};

/// One thing read from a stream.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamPiece {
    Text(String),
    /// Why the model stopped (`end_turn`, `max_tokens`), told before the end.
    StopReason(String),
    /// The provider said the answer is complete.
    Finished {
        stop_reason: Option<String>,
    },
    /// The provider reported an error inside the stream.
    Error(Failure),
    /// Text of a refusal (OpenAI's `delta.refusal`): shown like answer text, and the answer
    /// ends as refused.
    Refusal(String),
    /// The provider blocked the prompt before answering (Gemini's `promptFeedback`), with
    /// its category; the answer ends here.
    Blocked(String),
    /// Who answered, as the provider said it: Anthropic's `message.model` in
    /// `message_start`, OpenAI's `model` and `system_fingerprint`, Gemini's `modelVersion`.
    Identity(ModelIdentity),
}

/// Who answered, from an answer's `model` and `fingerprint` fields, if they name anyone.
fn identity_piece(model: &Value, fingerprint: &Value) -> Option<StreamPiece> {
    let said = |v: &Value| v.as_str().filter(|s| !s.is_empty()).map(str::to_string);
    let identity = ModelIdentity {
        model: said(model),
        fingerprint: said(fingerprint),
    };
    (identity != ModelIdentity::default()).then_some(StreamPiece::Identity(identity))
}

pub trait WireProtocol: Send + Sync {
    fn wire(&self) -> WireFormat;

    /// `request` with this wire's credentials and required headers; no key header at all
    /// without a key (a local server may need none).
    fn authorize(&self, request: RequestBuilder, key: Option<&str>) -> RequestBuilder;

    /// One page of the model list at `base_url` (no trailing slash): `page_size` asked of
    /// the wires that paginate, `cursor` the previous page's pointer to the next.
    fn list_request(
        &self,
        http: &reqwest::Client,
        base_url: &str,
        key: Option<&str>,
        page_size: u32,
        cursor: Option<&str>,
    ) -> Result<RequestBuilder, url::ParseError>;

    /// A streaming chat request to `base_url` (no trailing slash).
    fn chat_request(
        &self,
        http: &reqwest::Client,
        base_url: &str,
        key: Option<&str>,
        request: &ChatRequest,
    ) -> RequestBuilder;

    /// Reads one SSE event (`event:` name and `data:` payload).
    fn read_event(
        &self,
        event: &str,
        data: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<StreamPiece>, StreamBreak>;

    /// Reads a whole answer that came as one JSON document although a stream was asked for
    /// (a proxy that buffers, a server that ignores `stream`): the same pieces, ending with
    /// [`StreamPiece::Finished`]. `None` when the document is not this wire's answer.
    fn read_whole(&self, json: &Value, now: DateTime<Utc>) -> Option<Vec<StreamPiece>>;
}

pub fn protocol_for(wire: WireFormat) -> Box<dyn WireProtocol> {
    match wire {
        WireFormat::Anthropic => Box::new(AnthropicMessages),
        WireFormat::Openai => Box::new(OpenAiChat { compatible: false }),
        WireFormat::OpenaiCompatible => Box::new(OpenAiChat { compatible: true }),
        WireFormat::Gemini => Box::new(GeminiGenerate),
    }
}

/// A paginated list's page: the size and the cursor under the wire's own names.
fn page_url(
    base_url: &str,
    path: &str,
    (size_name, page_size): (&str, u32),
    (cursor_name, cursor): (&str, Option<&str>),
) -> Result<url::Url, url::ParseError> {
    let mut url = url::Url::parse(&format!("{base_url}{path}"))?;
    url.query_pairs_mut()
        .append_pair(size_name, &page_size.to_string());
    if let Some(cursor) = cursor {
        url.query_pairs_mut().append_pair(cursor_name, cursor);
    }
    Ok(url)
}

fn parse(data: &str) -> Result<Value, StreamBreak> {
    serde_json::from_str(data).map_err(|_| StreamBreak::Garbled)
}

/// Anthropic Messages: `POST /v1/messages` with `stream: true`.
pub struct AnthropicMessages;

pub const ANTHROPIC_VERSION: &str = "2023-06-01";

impl WireProtocol for AnthropicMessages {
    fn wire(&self) -> WireFormat {
        WireFormat::Anthropic
    }

    fn authorize(&self, request: RequestBuilder, key: Option<&str>) -> RequestBuilder {
        let request = request.header("anthropic-version", ANTHROPIC_VERSION);
        match key.filter(|k| !k.is_empty()) {
            Some(key) => request.header("x-api-key", key),
            None => request,
        }
    }

    fn list_request(
        &self,
        http: &reqwest::Client,
        base_url: &str,
        key: Option<&str>,
        page_size: u32,
        cursor: Option<&str>,
    ) -> Result<RequestBuilder, url::ParseError> {
        let url = page_url(
            base_url,
            "/v1/models",
            ("limit", page_size),
            ("after_id", cursor),
        )?;
        Ok(self.authorize(http.get(url), key))
    }

    fn chat_request(
        &self,
        http: &reqwest::Client,
        base_url: &str,
        key: Option<&str>,
        request: &ChatRequest,
    ) -> RequestBuilder {
        let messages: Vec<Value> = request
            .messages
            .iter()
            .map(|m| json!({"role": m.role.as_str(), "content": m.text}))
            .collect();
        let mut body = json!({
            "model": request.model,
            "max_tokens": request.max_tokens,
            "messages": messages,
            "stream": true,
        });
        if let Some(system) = &request.system {
            body["system"] = json!(system);
        }
        self.authorize(http.post(format!("{base_url}/v1/messages")), key)
            .json(&body)
    }

    fn read_event(
        &self,
        event: &str,
        data: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<StreamPiece>, StreamBreak> {
        Ok(match event {
            "content_block_delta" => {
                let value = parse(data)?;
                let delta = &value["delta"];
                match delta["type"].as_str() {
                    Some("text_delta") => delta["text"]
                        .as_str()
                        .map(|t| vec![StreamPiece::Text(t.to_string())])
                        .unwrap_or_default(),
                    // Thinking and tool-input deltas are not shown as answer text.
                    _ => Vec::new(),
                }
            }
            "message_delta" => {
                let value = parse(data)?;
                match value["delta"]["stop_reason"].as_str() {
                    Some(reason) => vec![StreamPiece::StopReason(reason.to_string())],
                    None => Vec::new(),
                }
            }
            "message_start" => {
                let value = parse(data)?;
                identity_piece(&value["message"]["model"], &Value::Null)
                    .into_iter()
                    .collect()
            }
            "message_stop" => vec![StreamPiece::Finished { stop_reason: None }],
            "error" => vec![StreamPiece::Error(classify_stream_error(
                WireFormat::Anthropic,
                &parse(data)?,
                now,
            ))],
            // content_block_start/stop, ping, and events added later.
            _ => Vec::new(),
        })
    }

    fn read_whole(&self, json: &Value, _now: DateTime<Utc>) -> Option<Vec<StreamPiece>> {
        // `{"type":"message","content":[{"type":"text","text":"…"}],"stop_reason":"end_turn"}`
        let content = json.get("content")?.as_array()?;
        let mut pieces: Vec<StreamPiece> = identity_piece(&json["model"], &Value::Null)
            .into_iter()
            .collect();
        pieces.extend(
            content
                .iter()
                .filter(|block| block["type"] == "text")
                .filter_map(|block| block["text"].as_str())
                .filter(|t| !t.is_empty())
                .map(|t| StreamPiece::Text(t.to_string())),
        );
        pieces.push(StreamPiece::Finished {
            stop_reason: json["stop_reason"].as_str().map(str::to_string),
        });
        Some(pieces)
    }
}

/// OpenAI Chat Completions, and the OpenAI-compatible servers (Ollama, LM Studio, vLLM,
/// OpenRouter), which take `max_tokens` where OpenAI now takes `max_completion_tokens`.
pub struct OpenAiChat {
    compatible: bool,
}

impl WireProtocol for OpenAiChat {
    fn wire(&self) -> WireFormat {
        if self.compatible {
            WireFormat::OpenaiCompatible
        } else {
            WireFormat::Openai
        }
    }

    fn authorize(&self, request: RequestBuilder, key: Option<&str>) -> RequestBuilder {
        match key.filter(|k| !k.is_empty()) {
            Some(key) => request.bearer_auth(key),
            None => request,
        }
    }

    /// One page: OpenAI and the compatible servers return their whole list at once.
    fn list_request(
        &self,
        http: &reqwest::Client,
        base_url: &str,
        key: Option<&str>,
        _page_size: u32,
        _cursor: Option<&str>,
    ) -> Result<RequestBuilder, url::ParseError> {
        let url = url::Url::parse(&format!("{base_url}/v1/models"))?;
        Ok(self.authorize(http.get(url), key))
    }

    fn chat_request(
        &self,
        http: &reqwest::Client,
        base_url: &str,
        key: Option<&str>,
        request: &ChatRequest,
    ) -> RequestBuilder {
        let mut messages: Vec<Value> = Vec::new();
        if let Some(system) = &request.system {
            // OpenAI's current contract: "developer messages replace the previous system
            // messages" (o1 and newer). Compatible servers still know only `system`.
            let role = if self.compatible {
                "system"
            } else {
                "developer"
            };
            messages.push(json!({"role": role, "content": system}));
        }
        messages.extend(
            request
                .messages
                .iter()
                .map(|m| json!({"role": m.role.as_str(), "content": m.text})),
        );
        let limit = if self.compatible {
            "max_tokens"
        } else {
            "max_completion_tokens"
        };
        let body = json!({
            "model": request.model,
            "messages": messages,
            "stream": true,
            limit: request.max_tokens,
        });
        self.authorize(http.post(format!("{base_url}/v1/chat/completions")), key)
            .json(&body)
    }

    fn read_event(
        &self,
        _event: &str,
        data: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<StreamPiece>, StreamBreak> {
        if data.trim() == "[DONE]" {
            return Ok(vec![StreamPiece::Finished { stop_reason: None }]);
        }
        let value = parse(data)?;
        if value.get("error").is_some() {
            return Ok(vec![StreamPiece::Error(classify_stream_error(
                self.wire(),
                &value,
                now,
            ))]);
        }
        let mut pieces: Vec<StreamPiece> =
            identity_piece(&value["model"], &value["system_fingerprint"])
                .into_iter()
                .collect();
        if let Some(choice) = value["choices"].get(0) {
            pieces.extend(openai_text(&choice["delta"]));
            // The stop reason arrives before [DONE], which is what ends the stream.
            if let Some(reason) = choice["finish_reason"].as_str() {
                pieces.push(StreamPiece::StopReason(reason.to_string()));
            }
        }
        Ok(pieces)
    }

    fn read_whole(&self, json: &Value, _now: DateTime<Utc>) -> Option<Vec<StreamPiece>> {
        // `{"object":"chat.completion","choices":[{"message":{…},"finish_reason":"stop"}]}`
        let choice = json.get("choices")?.get(0)?;
        let mut pieces: Vec<StreamPiece> =
            identity_piece(&json["model"], &json["system_fingerprint"])
                .into_iter()
                .collect();
        pieces.extend(openai_text(&choice["message"]));
        pieces.push(StreamPiece::Finished {
            stop_reason: choice["finish_reason"].as_str().map(str::to_string),
        });
        Some(pieces)
    }
}

/// A delta's (or a whole message's) `content`, and its `refusal` — which structured outputs
/// send instead of content when the model declines.
fn openai_text(message: &Value) -> Vec<StreamPiece> {
    let mut pieces = Vec::new();
    if let Some(text) = message["content"].as_str()
        && !text.is_empty()
    {
        pieces.push(StreamPiece::Text(text.to_string()));
    }
    if let Some(refusal) = message["refusal"].as_str()
        && !refusal.is_empty()
    {
        pieces.push(StreamPiece::Refusal(refusal.to_string()));
    }
    pieces
}

/// Google Gemini: `POST /v1beta/models/{model}:streamGenerateContent?alt=sse`.
pub struct GeminiGenerate;

impl WireProtocol for GeminiGenerate {
    fn wire(&self) -> WireFormat {
        WireFormat::Gemini
    }

    fn authorize(&self, request: RequestBuilder, key: Option<&str>) -> RequestBuilder {
        match key.filter(|k| !k.is_empty()) {
            Some(key) => request.header("x-goog-api-key", key),
            None => request,
        }
    }

    fn list_request(
        &self,
        http: &reqwest::Client,
        base_url: &str,
        key: Option<&str>,
        page_size: u32,
        cursor: Option<&str>,
    ) -> Result<RequestBuilder, url::ParseError> {
        let url = page_url(
            base_url,
            "/v1beta/models",
            ("pageSize", page_size),
            ("pageToken", cursor),
        )?;
        Ok(self.authorize(http.get(url), key))
    }

    fn chat_request(
        &self,
        http: &reqwest::Client,
        base_url: &str,
        key: Option<&str>,
        request: &ChatRequest,
    ) -> RequestBuilder {
        let contents: Vec<Value> = request
            .messages
            .iter()
            .map(|m| {
                let role = match m.role {
                    Role::User => "user",
                    Role::Assistant => "model",
                };
                json!({"role": role, "parts": [{"text": m.text}]})
            })
            .collect();
        let mut body = json!({
            "contents": contents,
            "generationConfig": {"maxOutputTokens": request.max_tokens},
        });
        if let Some(system) = &request.system {
            body["systemInstruction"] = json!({"parts": [{"text": system}]});
        }
        let url = format!(
            "{base_url}/v1beta/models/{}:streamGenerateContent?alt=sse",
            request.model
        );
        self.authorize(http.post(url), key).json(&body)
    }

    fn read_event(
        &self,
        _event: &str,
        data: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<StreamPiece>, StreamBreak> {
        let value = parse(data)?;
        if value.get("error").is_some() {
            return Ok(vec![StreamPiece::Error(classify_stream_error(
                WireFormat::Gemini,
                &value,
                now,
            ))]);
        }
        Ok(gemini_pieces(&value))
    }

    fn read_whole(&self, json: &Value, _now: DateTime<Utc>) -> Option<Vec<StreamPiece>> {
        // `streamGenerateContent` without `alt=sse` answers a JSON array of the same chunks.
        let chunks: Vec<&Value> = match json {
            Value::Array(items) => items.iter().collect(),
            Value::Object(_) => vec![json],
            _ => return None,
        };
        if !chunks
            .iter()
            .all(|c| c.get("candidates").is_some() || c.get("promptFeedback").is_some())
        {
            return None;
        }
        let mut pieces: Vec<StreamPiece> = chunks.into_iter().flat_map(gemini_pieces).collect();
        if !pieces
            .iter()
            .any(|p| matches!(p, StreamPiece::Finished { .. } | StreamPiece::Blocked(_)))
        {
            pieces.push(StreamPiece::Finished { stop_reason: None });
        }
        Some(pieces)
    }
}

/// One `GenerateContentResponse` chunk: its text, its finish reason, or a blocked prompt.
fn gemini_pieces(value: &Value) -> Vec<StreamPiece> {
    let mut pieces: Vec<StreamPiece> = identity_piece(&value["modelVersion"], &Value::Null)
        .into_iter()
        .collect();
    'chunk: {
        // A prompt blocked before any answer: `promptFeedback.blockReason`, no candidates.
        if let Some(block) = value["promptFeedback"]["blockReason"].as_str() {
            pieces.push(StreamPiece::Blocked(block.to_string()));
            break 'chunk;
        }
        if let Some(candidate) = value["candidates"].get(0) {
            for part in candidate["content"]["parts"]
                .as_array()
                .into_iter()
                .flatten()
            {
                // Thought summaries are not answer text.
                if part["thought"].as_bool() == Some(true) {
                    continue;
                }
                if let Some(text) = part["text"].as_str()
                    && !text.is_empty()
                {
                    pieces.push(StreamPiece::Text(text.to_string()));
                }
            }
            if let Some(reason) = candidate["finishReason"].as_str() {
                pieces.push(StreamPiece::Finished {
                    stop_reason: Some(reason.to_string()),
                });
            }
        }
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Chat and model-list requests carry the key the same way, through one `authorize`
    /// per wire; without a key, no key header at all.
    #[test]
    fn every_request_of_a_wire_carries_its_key_the_same_way() {
        let http = reqwest::Client::new();
        let chat = ChatRequest {
            model: "m-1".into(),
            system: None,
            messages: Vec::new(),
            max_tokens: 8,
        };
        let base = "http://127.0.0.1:9";
        for (wire, header, list_url) in [
            (
                WireFormat::Anthropic,
                "x-api-key",
                "http://127.0.0.1:9/v1/models?limit=100&after_id=c1",
            ),
            (
                WireFormat::Gemini,
                "x-goog-api-key",
                "http://127.0.0.1:9/v1beta/models?pageSize=100&pageToken=c1",
            ),
            (
                WireFormat::Openai,
                "authorization",
                "http://127.0.0.1:9/v1/models",
            ),
            (
                WireFormat::OpenaiCompatible,
                "authorization",
                "http://127.0.0.1:9/v1/models",
            ),
        ] {
            let protocol = protocol_for(wire);
            let list = |key| {
                protocol
                    .list_request(&http, base, key, 100, Some("c1"))
                    .unwrap()
                    .build()
                    .unwrap()
            };
            let chat = |key| {
                protocol
                    .chat_request(&http, base, key, &chat)
                    .build()
                    .unwrap()
            };
            for request in [list(Some("k-123")), chat(Some("k-123"))] {
                let value = request.headers()[header].to_str().unwrap();
                assert!(value.ends_with("k-123"), "{wire:?}: {value}");
            }
            for request in [list(None), chat(None), list(Some(""))] {
                assert!(
                    request.headers().get(header).is_none(),
                    "{wire:?}: no key, no header"
                );
            }
            assert_eq!(list(None).url().as_str(), list_url, "{wire:?}");
            if wire == WireFormat::Anthropic {
                assert_eq!(list(None).headers()["anthropic-version"], ANTHROPIC_VERSION);
            }
        }
    }

    fn now() -> DateTime<Utc> {
        Utc::now()
    }

    #[test]
    fn anthropic_events_become_text_and_an_end() {
        let p = AnthropicMessages;
        let delta = r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}"#;
        assert_eq!(
            p.read_event("content_block_delta", delta, now()).unwrap(),
            [StreamPiece::Text("Hello".into())]
        );
        assert!(
            p.read_event("ping", r#"{"type":"ping"}"#, now())
                .unwrap()
                .is_empty()
        );
        let end = r#"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}"#;
        assert_eq!(
            p.read_event("message_delta", end, now()).unwrap(),
            [StreamPiece::StopReason("end_turn".into())]
        );
        assert_eq!(
            p.read_event("message_stop", r#"{"type":"message_stop"}"#, now())
                .unwrap(),
            [StreamPiece::Finished { stop_reason: None }]
        );
        let error =
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
        let pieces = p.read_event("error", error, now()).unwrap();
        assert!(
            matches!(&pieces[..], [StreamPiece::Error(f)] if f.provider_code.as_deref() == Some("overloaded_error"))
        );
        assert_eq!(
            p.read_event("content_block_delta", "{not json", now()),
            Err(StreamBreak::Garbled)
        );
    }

    #[test]
    fn openai_chunks_become_text_and_done_ends() {
        let p = OpenAiChat { compatible: false };
        let chunk = r#"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-5","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}"#;
        assert_eq!(
            p.read_event("", chunk, now()).unwrap(),
            [
                StreamPiece::Identity(ModelIdentity {
                    model: Some("gpt-5".into()),
                    fingerprint: None
                }),
                StreamPiece::Text("Hi".into())
            ]
        );
        assert_eq!(
            p.read_event("", "[DONE]", now()).unwrap(),
            [StreamPiece::Finished { stop_reason: None }]
        );
        let usage_only = r#"{"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":5}}"#;
        assert!(p.read_event("", usage_only, now()).unwrap().is_empty());
    }

    #[test]
    fn gemini_chunks_become_text_and_finish_reason_ends() {
        let p = GeminiGenerate;
        let chunk = r#"{"candidates":[{"content":{"parts":[{"text":"Bonjour"}],"role":"model"},"index":0}]}"#;
        assert_eq!(
            p.read_event("", chunk, now()).unwrap(),
            [StreamPiece::Text("Bonjour".into())]
        );
        let last = r#"{"candidates":[{"content":{"parts":[{"text":"!"}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":3}}"#;
        assert_eq!(
            p.read_event("", last, now()).unwrap(),
            [
                StreamPiece::Text("!".into()),
                StreamPiece::Finished {
                    stop_reason: Some("STOP".into())
                }
            ]
        );
    }
}
