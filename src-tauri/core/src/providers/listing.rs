//! Which models a provider serves today, asked of the provider itself through its list
//! endpoint, following pagination:
//!
//! - Anthropic: `GET /v1/models?limit=…[&after_id=…]` (`data`, `has_more`, `last_id`); each
//!   item's `max_input_tokens`, `max_tokens` and `capabilities` (image and PDF input) are read
//!   where present.
//! - OpenAI: `GET /v1/models` (`data` with `id`, `created` in Unix seconds; no pagination).
//! - Gemini: `GET /v1beta/models?pageSize=…[&pageToken=…]` (`models`, `nextPageToken`).
//! - OpenAI-compatible servers (Ollama, LM Studio, vLLM, OpenRouter): `GET /v1/models`, with a
//!   bearer key only if one is given; OpenRouter's `name`, `context_length`,
//!   `top_provider.max_completion_tokens` and `architecture.output_modalities` are read where
//!   present.
//!
//! A hostile or broken server cannot make this loop or fill memory: at most
//! [`ListOptions::max_pages`] pages are fetched (a repeated cursor ends the walk too), and a
//! page's body is read up to [`ListOptions::max_body_bytes`]. Either limit reached, or a body
//! that is not the expected JSON, is a [`StreamBreak::Garbled`] failure — never a partial list,
//! which would make models that were simply not reached look retired.
//!
//! ## Which listed models can chat
//!
//! - Gemini: those whose `supportedGenerationMethods` include `generateContent`.
//! - OpenRouter-style items carrying `architecture.output_modalities`: those that output text.
//! - Everything else (OpenAI, other OpenAI-compatible servers): by id. An id (lower-cased)
//!   containing any of [`NON_CHAT_MARKERS`] names a model that Switchboard's text chat cannot
//!   use: embeddings (`embed`), speech to text (`whisper`, `transcribe`), text to speech (`tts`),
//!   images (`dall-e`, `image`), video (`sora`), moderation (`moderation`), Realtime-API-only
//!   models (`realtime`), audio-in/audio-out models (`audio`: `gpt-audio`,
//!   `gpt-4o-audio-preview`, which need audio modalities a text chat does not send), and the
//!   legacy completions-only base models (`davinci`, `babbage`). Anthropic lists only chat
//!   models.

use super::classify::classify_http;

use super::client::{BodyEnd, ERROR_BODY_LIMIT, read_body_within, send_within};
use super::keys::Secret;
use super::protocol::protocol_for;
use crate::catalog::live::ListedModel;
use crate::catalog::{Modality, Provider, WireFormat, check_endpoint};
use crate::vocabulary::{Failure, FailureClass, StreamBreak};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::HashSet;
use std::time::Duration;
use tokio::time::Instant;

/// Ids containing any of these (lower-cased) name models a text chat cannot use.
pub const NON_CHAT_MARKERS: &[&str] = &[
    "embed",
    "whisper",
    "transcribe",
    "tts",
    "dall-e",
    "image",
    "sora",
    "moderation",
    "realtime",
    "audio",
    "davinci",
    "babbage",
];

/// The limits of one listing. [`list_models`] uses the defaults with its own timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListOptions {
    /// For each page: from sending the request to the end of its body.
    pub timeout: Duration,
    /// Asked of paginating endpoints (Anthropic `limit`, Gemini `pageSize`).
    pub page_size: u32,
    /// More pages than this is a failure, not a longer walk.
    pub max_pages: u32,
    /// A page's body larger than this is a failure.
    pub max_body_bytes: usize,
}

impl Default for ListOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            page_size: 100,
            max_pages: 50,
            max_body_bytes: 4 << 20,
        }
    }
}

/// Asks `provider` which models it serves, following its pagination to the end.
///
/// `timeout` bounds each page (sending, headers and body). A non-2xx answer is classified
/// with [`classify_http`] (a rejected key is `auth_failed`); no HTTP answer is
/// [`FailureClass::NoAnswer`]; a body that is not the expected JSON, too large, or paginating
/// past the page limit is [`StreamBreak::Garbled`]. An endpoint that is neither `https://` nor
/// on this machine is refused before anything is sent, as [`FailureClass::RequestRejected`]
/// with the reason in `provider_message`.
pub async fn list_models(
    http: &reqwest::Client,
    provider: &Provider,
    key: Option<&Secret>,
    timeout: Duration,
    now: DateTime<Utc>,
) -> Result<Vec<ListedModel>, Failure> {
    let options = ListOptions {
        timeout,
        ..ListOptions::default()
    };
    list_models_with(http, provider, key, &options, now).await
}

/// [`list_models`] with every limit chosen by the caller.
pub async fn list_models_with(
    http: &reqwest::Client,
    provider: &Provider,
    key: Option<&Secret>,
    options: &ListOptions,
    now: DateTime<Utc>,
) -> Result<Vec<ListedModel>, Failure> {
    // A key the provider echoes back in its error is never kept or shown.
    list_pages(http, provider, key, options, now)
        .await
        .map_err(|mut failure| {
            if let Some(key) = key {
                failure.redact(key.expose());
            }
            failure
        })
}

async fn list_pages(
    http: &reqwest::Client,
    provider: &Provider,
    key: Option<&Secret>,
    options: &ListOptions,
    now: DateTime<Utc>,
) -> Result<Vec<ListedModel>, Failure> {
    if let Err(refused) = check_endpoint(&provider.base_url) {
        tracing::warn!(provider = %provider.id, %refused, "model list not asked");
        let mut failure = Failure::new(FailureClass::RequestRejected);
        failure.provider_message = Some(refused.to_string());
        return Err(failure);
    }
    let base = provider.base_url.trim_end_matches('/');
    let key = key.map(Secret::expose).filter(|k| !k.is_empty());
    let protocol = protocol_for(provider.wire);
    let wire = provider.wire;

    let mut models = Vec::new();
    let mut seen_ids = HashSet::new();
    let mut seen_cursors = HashSet::new();
    let mut cursor: Option<String> = None;
    for _ in 0..options.max_pages.max(1) {
        let request = protocol
            .list_request(http, base, key, options.page_size.max(1), cursor.as_deref())
            .map_err(|e| {
                let mut failure = Failure::new(FailureClass::RequestRejected);
                failure.provider_message = Some(format!("`{base}` is not a valid URL: {e}"));
                failure
            })?;
        let (status, body) = fetch_page(request, wire, options, now).await?;
        let page = parse_page(wire, &body).map_err(|why| {
            tracing::warn!(provider = %provider.id, why, "model list unreadable");
            garbled(status, Some(&body))
        })?;
        for model in page.models {
            if seen_ids.insert(model.id.clone()) {
                models.push(model);
            }
        }
        match page.next {
            None => return Ok(models),
            Some(next) => {
                if !seen_cursors.insert(next.clone()) {
                    tracing::warn!(provider = %provider.id, "model list repeats a page cursor");
                    return Err(garbled(status, None));
                }
                cursor = Some(next);
            }
        }
    }
    tracing::warn!(
        provider = %provider.id,
        max_pages = options.max_pages,
        "model list has more pages than allowed"
    );
    Err(garbled(200, None))
}

/// One page, read: its models and the cursor of the next page, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListPage {
    pub models: Vec<ListedModel>,
    /// Anthropic's `last_id` when `has_more`; Gemini's `nextPageToken`.
    pub next: Option<String>,
}

/// Reads one page of `wire`'s list answer. `Err` says what was wrong with it.
pub fn parse_page(wire: WireFormat, body: &[u8]) -> Result<ListPage, String> {
    let json: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let Value::Object(root) = &json else {
        return Err("the body is not a JSON object".into());
    };
    let items_field = if wire == WireFormat::Gemini {
        "models"
    } else {
        "data"
    };
    let items = match root.get(items_field) {
        Some(Value::Array(items)) => items.as_slice(),
        // Gemini leaves `models` out of an empty last page.
        None if wire == WireFormat::Gemini => &[],
        _ => return Err(format!("`{items_field}` is not a list")),
    };
    let models = items
        .iter()
        .filter_map(|item| {
            let model = match wire {
                WireFormat::Anthropic => anthropic_item(item),
                WireFormat::Openai | WireFormat::OpenaiCompatible => openai_item(item),
                WireFormat::Gemini => gemini_item(item),
            };
            if model.is_none() {
                tracing::debug!(%item, "listed item without an id skipped");
            }
            model
        })
        .collect();
    let next = match wire {
        WireFormat::Anthropic => {
            if root
                .get("has_more")
                .and_then(Value::as_bool)
                .unwrap_or(false)
            {
                let last = text(root.get("last_id"))
                    .ok_or("`has_more` is true but `last_id` is missing")?;
                Some(last)
            } else {
                None
            }
        }
        WireFormat::Gemini => text(root.get("nextPageToken")),
        WireFormat::Openai | WireFormat::OpenaiCompatible => None,
    };
    Ok(ListPage { models, next })
}

/// Whether a model with this id (from OpenAI or an OpenAI-compatible server) can chat: no
/// [`NON_CHAT_MARKERS`] in it.
pub fn chat_capable_id(id: &str) -> bool {
    let id = id.to_ascii_lowercase();
    !NON_CHAT_MARKERS.iter().any(|marker| id.contains(marker))
}

fn anthropic_item(item: &Value) -> Option<ListedModel> {
    let id = id_text(item.get("id"))?;
    // `capabilities` (newer API versions): text always, plus what it says is supported.
    let supported = |what: &str| {
        item.pointer(&format!("/capabilities/{what}/supported"))
            .and_then(Value::as_bool)
    };
    let input = match (supported("image_input"), supported("pdf_input")) {
        (None, None) => Vec::new(),
        (image, pdf) => std::iter::once(Modality::Text)
            .chain(image.unwrap_or(false).then_some(Modality::Image))
            .chain(pdf.unwrap_or(false).then_some(Modality::Pdf))
            .collect(),
    };
    Some(ListedModel {
        display_name: text(item.get("display_name")),
        context_window: tokens(item.get("max_input_tokens")),
        output_limit: tokens(item.get("max_tokens")),
        input,
        created: item
            .get("created_at")
            .and_then(Value::as_str)
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc)),
        can_chat: true,
        retires_on: None,
        id,
    })
}

fn openai_item(item: &Value) -> Option<ListedModel> {
    let id = id_text(item.get("id"))?;
    // OpenRouter says what a model outputs; where it does, that decides.
    let outputs = item
        .pointer("/architecture/output_modalities")
        .and_then(Value::as_array);
    let can_chat = match outputs {
        Some(outputs) => outputs.iter().any(|m| m.as_str() == Some("text")),
        None => chat_capable_id(&id),
    };
    let input = item
        .pointer("/architecture/input_modalities")
        .and_then(Value::as_array)
        .map(|names| {
            names
                .iter()
                .filter_map(|n| match n.as_str()? {
                    "text" => Some(Modality::Text),
                    "image" => Some(Modality::Image),
                    "audio" => Some(Modality::Audio),
                    "video" => Some(Modality::Video),
                    "file" => Some(Modality::Pdf),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    Some(ListedModel {
        display_name: text(item.get("name")),
        context_window: tokens(item.get("context_length")),
        output_limit: tokens(item.pointer("/top_provider/max_completion_tokens")),
        input,
        created: item
            .get("created")
            .and_then(Value::as_i64)
            .filter(|s| *s > 0)
            .and_then(|s| DateTime::from_timestamp(s, 0)),
        can_chat,
        // `"2026-10-23"` or null: the day OpenAI stops serving it, where announced.
        retires_on: item
            .get("shutdown_date")
            .and_then(Value::as_str)
            .and_then(|d| chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok()),
        id,
    })
}

fn gemini_item(item: &Value) -> Option<ListedModel> {
    let name = id_text(item.get("name"))?;
    let id = name.strip_prefix("models/").unwrap_or(&name).to_string();
    if id.is_empty() {
        return None;
    }
    let can_chat = item
        .get("supportedGenerationMethods")
        .and_then(Value::as_array)
        .is_some_and(|methods| {
            methods
                .iter()
                .any(|m| m.as_str() == Some("generateContent"))
        });
    Some(ListedModel {
        id,
        display_name: text(item.get("displayName")),
        context_window: tokens(item.get("inputTokenLimit")),
        output_limit: tokens(item.get("outputTokenLimit")),
        created: None,
        input: Vec::new(),
        can_chat,
        retires_on: None,
    })
}

/// The longest id or name kept from a list: longer ones are no model's (and a name of
/// 70,000 characters once broke every later `status`).
const MAX_LISTED_TEXT: usize = 256;

/// A non-empty string field, at most [`MAX_LISTED_TEXT`] characters (a longer one is cut).
fn text(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.chars().take(MAX_LISTED_TEXT).collect())
}

/// An id: like [`text`], but one too long is no id at all (cut, it would name another model).
fn id_text(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .filter(|s| s.chars().count() <= MAX_LISTED_TEXT)
        .and_then(|s| text(Some(&Value::String(s.to_string()))))
}

/// A positive token count that fits in a `u32`.
fn tokens(value: Option<&Value>) -> Option<u32> {
    value
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .filter(|n| *n > 0)
}

fn garbled(status: u16, body: Option<&[u8]>) -> Failure {
    let mut failure = Failure::new(FailureClass::StreamBroken(StreamBreak::Garbled));
    failure.http_status = Some(status);
    failure.provider_message = body.and_then(|body| {
        let text = String::from_utf8_lossy(body);
        let text = text.trim();
        (!text.is_empty()).then(|| text.chars().take(200).collect())
    });
    failure
}

/// Sends one page request and reads its body within `options.timeout`: `Ok` for a 2xx answer
/// whose body fits in `options.max_body_bytes`.
async fn fetch_page(
    request: reqwest::RequestBuilder,
    wire: WireFormat,
    options: &ListOptions,
    now: DateTime<Utc>,
) -> Result<(u16, Vec<u8>), Failure> {
    let deadline = Instant::now() + options.timeout;
    let response = send_within(request, deadline).await?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    if !response.status().is_success() {
        // An error answer is classified from whatever of it arrived.
        let (body, _) = read_body_within(response, ERROR_BODY_LIMIT, None, deadline).await;
        return Err(classify_http(wire, status, &headers, &body, now));
    }
    let (body, end) = read_body_within(response, options.max_body_bytes, None, deadline).await;
    let broken = |how| {
        let mut failure = Failure::new(FailureClass::StreamBroken(how));
        failure.http_status = Some(status);
        failure
    };
    match end {
        BodyEnd::Whole => {}
        BodyEnd::Broken => return Err(broken(StreamBreak::Cut)),
        BodyEnd::TimedOut => return Err(broken(StreamBreak::Stalled)),
        BodyEnd::TooLarge => {
            tracing::warn!(
                limit = options.max_body_bytes,
                "model list page larger than allowed"
            );
            return Err(garbled(status, None));
        }
    }
    Ok((status, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/../../tests/fixtures/lists/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn what_is_kept_from_a_list_is_bounded() {
        let body = serde_json::json!({"object": "list", "data": [
            {"id": "gpt-5", "object": "model", "name": "G".repeat(70_000)},
            {"id": "x".repeat(300), "object": "model"},
        ]})
        .to_string();
        let page = parse_page(WireFormat::OpenaiCompatible, body.as_bytes()).unwrap();
        assert_eq!(
            ids(&page),
            ["gpt-5"],
            "an id too long to be one is left out"
        );
        assert_eq!(
            page.models[0]
                .display_name
                .as_ref()
                .map(|n| n.chars().count()),
            Some(MAX_LISTED_TEXT)
        );
    }

    /// The lists as the providers document or really sent them (`tests/fixtures/lists/`).
    #[test]
    fn real_and_documented_lists_read_as_they_are() {
        // OpenAI's Model object as its OpenAPI file gives it, with `shutdown_date`.
        let object: Value =
            serde_json::from_slice(&fixture("openai_model_object.spec_example.json")).unwrap();
        let body =
            serde_json::to_vec(&serde_json::json!({"object": "list", "data": [object]})).unwrap();
        let page = parse_page(WireFormat::Openai, &body).unwrap();
        assert_eq!(
            page.models[0].retires_on,
            chrono::NaiveDate::from_ymd_opt(2026, 10, 23),
            "the announced shutdown day is kept"
        );
        // Gemini's real first page: 50 models, a next page token, only some can chat.
        let page = parse_page(
            WireFormat::Gemini,
            &fixture("gemini_models_list.capture.json"),
        )
        .unwrap();
        assert_eq!(page.models.len(), 50);
        assert_eq!(
            page.next.as_deref(),
            Some("Ch9tb2RlbHMvdmVvLTMuMS1nZW5lcmF0ZS1wcmV2aWV3")
        );
        assert!(page.models.iter().any(|m| m.can_chat));
        assert!(
            page.models.iter().any(|m| !m.can_chat),
            "embedding and video models cannot chat"
        );
        assert!(
            page.models
                .iter()
                .all(|m| m.retires_on.is_none() && !m.id.starts_with("models/"))
        );
        // Anthropic's documented example.
        let page = parse_page(
            WireFormat::Anthropic,
            &fixture("anthropic_models_list.docs_example.json"),
        )
        .unwrap();
        assert_eq!(page.models[0].id, "claude-sonnet-4-20250514");
        assert_eq!(
            page.models[0].display_name.as_deref(),
            Some("Claude Sonnet 4")
        );
    }

    fn page(wire: WireFormat, body: &str) -> ListPage {
        parse_page(wire, body.as_bytes())
            .unwrap_or_else(|why| panic!("a recorded {wire:?} body should parse, but: {why}"))
    }

    fn ids(page: &ListPage) -> Vec<&str> {
        page.models.iter().map(|m| m.id.as_str()).collect()
    }

    #[test]
    fn anthropic_page_with_more_to_come() {
        let body = r#"{
          "data": [
            {"type":"model","id":"claude-opus-4-7","display_name":"Claude Opus 4.7","created_at":"2026-03-18T00:00:00Z"},
            {"type":"model","id":"claude-sonnet-4-6","display_name":"Claude Sonnet 4.6","created_at":"2026-02-17T00:00:00Z"}
          ],
          "has_more": true,
          "first_id": "claude-opus-4-7",
          "last_id": "claude-sonnet-4-6"
        }"#;
        let page = page(WireFormat::Anthropic, body);
        assert_eq!(ids(&page), ["claude-opus-4-7", "claude-sonnet-4-6"]);
        assert_eq!(
            page.next.as_deref(),
            Some("claude-sonnet-4-6"),
            "has_more should continue after last_id"
        );
        let opus = &page.models[0];
        assert_eq!(opus.display_name.as_deref(), Some("Claude Opus 4.7"));
        assert_eq!(
            opus.created,
            Some("2026-03-18T00:00:00Z".parse().unwrap()),
            "created_at should be read as the release time"
        );
        assert!(opus.can_chat, "every Anthropic model can chat");
        assert_eq!(opus.context_window, None, "Anthropic does not list limits");
    }

    #[test]
    fn anthropic_last_page_ends_the_walk() {
        let body = r#"{"data":[{"type":"model","id":"claude-opus-4-1","display_name":"Claude Opus 4.1","created_at":"2025-08-05T00:00:00Z"}],
          "has_more":false,"first_id":"claude-opus-4-1","last_id":"claude-opus-4-1"}"#;
        let page = page(WireFormat::Anthropic, body);
        assert_eq!(ids(&page), ["claude-opus-4-1"]);
        assert_eq!(page.next, None, "has_more false should end the walk");
    }

    #[test]
    fn anthropic_more_without_a_cursor_is_unreadable() {
        let body = r#"{"data":[],"has_more":true,"last_id":null}"#;
        assert!(
            parse_page(WireFormat::Anthropic, body.as_bytes()).is_err(),
            "has_more without last_id cannot be followed and should be refused"
        );
    }

    #[test]
    fn openai_list_reads_unix_created_and_marks_non_chat_models() {
        let body = r#"{"object":"list","data":[
          {"id":"gpt-5","object":"model","created":1754524800,"owned_by":"system"},
          {"id":"text-embedding-3-large","object":"model","created":1705953180,"owned_by":"system"},
          {"id":"whisper-1","object":"model","created":1677532384,"owned_by":"openai-internal"},
          {"id":"tts-1-hd","object":"model","created":1699046015,"owned_by":"system"},
          {"id":"dall-e-3","object":"model","created":1698785189,"owned_by":"system"},
          {"id":"gpt-image-1","object":"model","created":1745517030,"owned_by":"system"},
          {"id":"omni-moderation-latest","object":"model","created":1731689265,"owned_by":"system"},
          {"id":"gpt-4o-realtime-preview","object":"model","created":1727659998,"owned_by":"system"},
          {"id":"gpt-4o-transcribe","object":"model","created":1742068463,"owned_by":"system"},
          {"id":"gpt-audio","object":"model","created":1756339249,"owned_by":"system"},
          {"id":"sora-2","object":"model","created":1759708615,"owned_by":"system"},
          {"id":"davinci-002","object":"model","created":1692634301,"owned_by":"system"},
          {"id":"gpt-4o-mini","object":"model","created":1721172741,"owned_by":"system"},
          {"id":"o3","object":"model","created":1744225308,"owned_by":"system"}
        ]}"#;
        let page = page(WireFormat::Openai, body);
        assert_eq!(page.next, None, "OpenAI does not paginate");
        let chat: Vec<&str> = page
            .models
            .iter()
            .filter(|m| m.can_chat)
            .map(|m| m.id.as_str())
            .collect();
        assert_eq!(
            chat,
            ["gpt-5", "gpt-4o-mini", "o3"],
            "only the chat models should be marked can_chat"
        );
        assert_eq!(page.models.len(), 14, "non-chat models are listed too");
        assert_eq!(
            page.models[0].created,
            Some("2025-08-07T00:00:00Z".parse().unwrap()),
            "created is Unix seconds"
        );
        assert_eq!(page.models[0].display_name, None);
    }

    /// The Models API's newer fields: limits, and capabilities read as input types.
    #[test]
    fn anthropic_items_carry_limits_and_capabilities() {
        let body = r#"{"data":[
          {"type":"model","id":"claude-opus-5-5","display_name":"Claude Opus 5.5","created_at":"2026-09-22T00:00:00Z",
           "max_input_tokens":1000000,"max_tokens":128000,
           "capabilities":{"batch":{"supported":true},"citations":{"supported":true},
             "image_input":{"supported":true},"pdf_input":{"supported":false},
             "thinking":{"supported":true,"types":{"adaptive":{"supported":true}}}}},
          {"type":"model","id":"claude-3-haiku-20240307","display_name":"Claude Haiku 3","created_at":"2024-03-07T00:00:00Z"}
        ],"has_more":false,"first_id":"claude-opus-5-5","last_id":"claude-3-haiku-20240307"}"#;
        let page = page(WireFormat::Anthropic, body);
        let opus = &page.models[0];
        assert_eq!(opus.context_window, Some(1_000_000));
        assert_eq!(opus.output_limit, Some(128_000));
        assert_eq!(
            opus.input,
            [Modality::Text, Modality::Image],
            "no pdf: unsupported"
        );
        let old = &page.models[1];
        assert_eq!((old.context_window, old.output_limit), (None, None));
        assert!(old.input.is_empty(), "no capabilities: not known");
        assert_eq!(page.next, None);
    }

    #[test]
    fn openrouter_items_carry_name_context_and_modalities() {
        let body = r#"{"data":[
          {"id":"anthropic/claude-opus-4.7","canonical_slug":"anthropic/claude-opus-4.7","name":"Anthropic: Claude Opus 4.7",
           "created":1773792000,"context_length":200000,
           "architecture":{"modality":"text+image->text","input_modalities":["text","image"],"output_modalities":["text"]},
           "top_provider":{"context_length":200000,"max_completion_tokens":64000,"is_moderated":true},
           "pricing":{"prompt":"0.000015","completion":"0.000075"}},
          {"id":"google/gemini-2.5-flash-image","name":"Google: Gemini 2.5 Flash Image","created":1759000000,
           "context_length":32768,"architecture":{"output_modalities":["image","text"]},
           "top_provider":{"context_length":32768,"max_completion_tokens":null}},
          {"id":"openai/gpt-image-1","name":"OpenAI: GPT Image 1","context_length":8000,
           "architecture":{"output_modalities":["image"]}},
          {"id":"meta/huge","name":"Huge","context_length":99999999999}
        ]}"#;
        let page = page(WireFormat::OpenaiCompatible, body);
        let opus = &page.models[0];
        assert_eq!(opus.id, "anthropic/claude-opus-4.7");
        assert_eq!(
            opus.display_name.as_deref(),
            Some("Anthropic: Claude Opus 4.7")
        );
        assert_eq!(opus.context_window, Some(200_000), "context_length is read");
        assert_eq!(
            opus.output_limit,
            Some(64_000),
            "top_provider.max_completion_tokens is read"
        );
        assert!(opus.can_chat);
        assert_eq!(opus.input, [Modality::Text, Modality::Image]);
        let flash_image = &page.models[1];
        assert!(flash_image.input.is_empty(), "not said, not guessed");
        assert!(
            flash_image.can_chat,
            "output_modalities including text should decide over the id rule"
        );
        assert_eq!(flash_image.output_limit, None, "a null limit is unknown");
        assert!(
            !page.models[2].can_chat,
            "an image-only model should not be marked can_chat"
        );
        assert_eq!(
            page.models[3].context_window, None,
            "a window that does not fit in u32 should be unknown, not wrapped"
        );
    }

    #[test]
    fn ollama_list_marks_embedding_models() {
        let body = r#"{"object":"list","data":[
          {"id":"llama3.2:latest","object":"model","created":1748596364,"owned_by":"library"},
          {"id":"nomic-embed-text:latest","object":"model","created":1748596000,"owned_by":"library"}
        ]}"#;
        let page = page(WireFormat::OpenaiCompatible, body);
        assert_eq!(ids(&page), ["llama3.2:latest", "nomic-embed-text:latest"]);
        assert!(page.models[0].can_chat);
        assert!(
            !page.models[1].can_chat,
            "an embedding model should not be marked can_chat"
        );
    }

    #[test]
    fn gemini_page_strips_models_prefix_and_reads_limits() {
        let body = r#"{
          "models": [
            {"name":"models/gemini-2.5-pro","version":"001","displayName":"Gemini 2.5 Pro",
             "inputTokenLimit":1048576,"outputTokenLimit":65536,
             "supportedGenerationMethods":["generateContent","countTokens","createCachedContent","batchGenerateContent"]},
            {"name":"models/gemini-embedding-001","version":"001","displayName":"Gemini Embedding 001",
             "inputTokenLimit":2048,"outputTokenLimit":1,
             "supportedGenerationMethods":["embedContent","countTextTokens","countTokens"]}
          ],
          "nextPageToken": "Cg5tb2RlbHMvMDAwMg=="
        }"#;
        let page = page(WireFormat::Gemini, body);
        assert_eq!(ids(&page), ["gemini-2.5-pro", "gemini-embedding-001"]);
        assert_eq!(page.next.as_deref(), Some("Cg5tb2RlbHMvMDAwMg=="));
        let pro = &page.models[0];
        assert_eq!(pro.display_name.as_deref(), Some("Gemini 2.5 Pro"));
        assert_eq!(pro.context_window, Some(1_048_576));
        assert_eq!(pro.output_limit, Some(65_536));
        assert!(pro.can_chat, "generateContent means it can chat");
        assert!(
            !page.models[1].can_chat,
            "a model without generateContent should not be marked can_chat"
        );
    }

    #[test]
    fn gemini_last_page_has_no_token() {
        let page = page(WireFormat::Gemini, r#"{"models":[]}"#);
        assert_eq!(page.next, None);
        let page = super::parse_page(WireFormat::Gemini, br#"{"nextPageToken":""}"#).unwrap();
        assert_eq!(page.next, None, "an empty token should end the walk");
        assert!(page.models.is_empty());
    }

    #[test]
    fn items_without_an_id_are_skipped() {
        let body = r#"{"data":[{"object":"model"},{"id":""},{"id":"gpt-5"}]}"#;
        assert_eq!(ids(&page(WireFormat::Openai, body)), ["gpt-5"]);
    }

    #[test]
    fn garbage_is_refused_for_every_wire() {
        for wire in [
            WireFormat::Anthropic,
            WireFormat::Openai,
            WireFormat::Gemini,
            WireFormat::OpenaiCompatible,
        ] {
            for body in [
                &b"<html><body>Please sign in to the Wi-Fi</body></html>"[..],
                b"",
                b"[1,2,3]",
                br#"{"data":{"id":"gpt-5"},"models":"none"}"#,
                b"\x8f\xff\x00garbage",
            ] {
                assert!(
                    parse_page(wire, body).is_err(),
                    "{wire:?} should refuse {:?}",
                    String::from_utf8_lossy(body)
                );
            }
        }
    }

    #[test]
    fn non_chat_rule() {
        for id in [
            "gpt-5.1",
            "gpt-4.1-mini",
            "o4-mini",
            "chatgpt-4o-latest",
            "qwen3:8b",
        ] {
            assert!(chat_capable_id(id), "{id} should be able to chat");
        }
        for id in [
            "text-embedding-3-small",
            "mxbai-embed-large",
            "whisper-1",
            "gpt-4o-mini-tts",
            "dall-e-2",
            "chatgpt-image-latest",
            "text-moderation-latest",
            "gpt-realtime",
            "gpt-4o-mini-transcribe",
            "gpt-4o-audio-preview",
            "babbage-002",
            "Sora-2-Pro",
        ] {
            assert!(!chat_capable_id(id), "{id} should not be marked can_chat");
        }
    }

    #[tokio::test]
    async fn plain_http_to_another_machine_is_refused_before_sending() {
        let provider = Provider {
            id: "ollama".into(),
            name: "Ollama".into(),
            family: "Ollama".into(),
            wire: WireFormat::OpenaiCompatible,
            base_url: "http://192.168.1.5:11434".into(),
            status_url: None,
            status_format: Default::default(),
            api_key_env: String::new(),
            console_url: None,
            unusable: None,
        };
        let failure = list_models(
            &reqwest::Client::new(),
            &provider,
            None,
            Duration::from_secs(1),
            Utc::now(),
        )
        .await
        .expect_err("a non-https, non-loopback endpoint should be refused");
        assert_eq!(failure.class, FailureClass::RequestRejected);
        assert!(
            failure
                .provider_message
                .as_deref()
                .is_some_and(|m| m.contains("https")),
            "the refusal should say why: {failure:?}"
        );
    }
}
