//! Each wire format against the shapes the real services send.

use crate::support::*;
use serde_json::{Value, json};
use switchboard_sim::catalog;
use switchboard_sim::stubs::{self, Wire, answer_text, answer_tokens};

const PROMPT: &str = "What is the capital of France?";

#[tokio::test]
async fn anthropic_json_answer_has_the_message_shape_and_headers() {
    let sim = builtin("healthy").await;
    let response = chat(&sim, Wire::Anthropic, "claude-opus-4-7", PROMPT, false)
        .send()
        .await
        .unwrap();
    let (status, headers, body) = json(response).await;
    assert_eq!(status, 200, "a healthy model answers 200");
    assert!(
        header(&headers, "request-id").unwrap().starts_with("req_"),
        "request-id header"
    );
    assert_eq!(
        header(&headers, "anthropic-ratelimit-requests-limit").as_deref(),
        Some("50")
    );
    let reset = header(&headers, "anthropic-ratelimit-requests-reset").unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(&reset).is_ok(),
        "reset is RFC 3339, got {reset}"
    );
    assert_eq!(body["type"], "message");
    assert_eq!(body["role"], "assistant");
    assert_eq!(body["model"], "claude-opus-4-7");
    assert!(body["id"].as_str().unwrap().starts_with("msg_"));
    assert_eq!(
        body["content"],
        json!([{"type": "text", "text": answer_text("claude-opus-4-7", PROMPT)}])
    );
    assert_eq!(body["stop_reason"], "end_turn");
    assert_eq!(body["stop_sequence"], Value::Null);
    let tokens = answer_tokens(&answer_text("claude-opus-4-7", PROMPT)).len() as u64;
    assert_eq!(body["usage"]["output_tokens"], tokens);
    assert!(body["usage"]["input_tokens"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn anthropic_stream_is_the_real_event_sequence() {
    let sim = builtin("healthy").await;
    let response = chat(&sim, Wire::Anthropic, "claude-sonnet-4-6", PROMPT, true)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(response.headers(), "content-type").as_deref(),
        Some("text/event-stream; charset=utf-8")
    );
    let events = sse_events(response).await;
    let text = answer_text("claude-sonnet-4-6", PROMPT);
    let n = answer_tokens(&text).len();
    let mut expected = vec!["message_start", "content_block_start", "ping"];
    expected.extend(std::iter::repeat_n("content_block_delta", n));
    expected.extend(["content_block_stop", "message_delta", "message_stop"]);
    let names: Vec<&str> = events.iter().map(|(e, _)| e.as_str()).collect();
    assert_eq!(names, expected, "Anthropic's stream event order");
    let data: Vec<Value> = events
        .iter()
        .map(|(_, d)| serde_json::from_str(d).unwrap())
        .collect();
    for (i, (name, _)) in events.iter().enumerate() {
        assert_eq!(
            data[i]["type"],
            name.as_str(),
            "each event's data.type names the event"
        );
    }
    assert_eq!(data[0]["message"]["content"], json!([]));
    assert_eq!(data[0]["message"]["stop_reason"], Value::Null);
    assert_eq!(
        data[1]["content_block"],
        json!({"type": "text", "text": ""})
    );
    let streamed: String = data[3..3 + n]
        .iter()
        .map(|d| {
            assert_eq!(d["delta"]["type"], "text_delta");
            d["delta"]["text"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(streamed, text, "the deltas add up to the answer");
    let delta = &data[n + 4];
    assert_eq!(
        delta["delta"],
        json!({"stop_reason": "end_turn", "stop_sequence": null})
    );
    assert_eq!(delta["usage"]["output_tokens"], n as u64);
}

#[tokio::test]
async fn openai_json_answer_is_a_chat_completion() {
    let sim = builtin("healthy").await;
    let response = chat(&sim, Wire::OpenAi, "gpt-5", PROMPT, false)
        .send()
        .await
        .unwrap();
    let (status, headers, body) = json(response).await;
    assert_eq!(status, 200);
    assert!(
        header(&headers, "x-request-id")
            .unwrap()
            .starts_with("req_")
    );
    assert_eq!(
        header(&headers, "x-ratelimit-limit-requests").as_deref(),
        Some("500")
    );
    assert_eq!(
        header(&headers, "x-ratelimit-remaining-requests").as_deref(),
        Some("499")
    );
    assert_eq!(
        header(&headers, "x-ratelimit-reset-requests").as_deref(),
        Some("120ms")
    );
    assert!(header(&headers, "x-ratelimit-reset-tokens").is_some());
    assert_eq!(body["object"], "chat.completion");
    assert!(body["id"].as_str().unwrap().starts_with("chatcmpl-"));
    assert_eq!(
        body["model"], "gpt-5-2025-08-07",
        "OpenAI answers with the dated snapshot"
    );
    assert_eq!(body["choices"][0]["message"]["role"], "assistant");
    assert_eq!(
        body["choices"][0]["message"]["content"],
        answer_text("gpt-5", PROMPT)
    );
    assert_eq!(body["choices"][0]["finish_reason"], "stop");
    let usage = &body["usage"];
    assert_eq!(
        usage["total_tokens"].as_u64().unwrap(),
        usage["prompt_tokens"].as_u64().unwrap() + usage["completion_tokens"].as_u64().unwrap()
    );
}

#[tokio::test]
async fn openai_stream_is_chunks_then_done() {
    let sim = builtin("healthy").await;
    let response = chat(&sim, Wire::OpenAi, "gpt-5-mini", PROMPT, true)
        .send()
        .await
        .unwrap();
    let events = sse_events(response).await;
    let text = answer_text("gpt-5-mini", PROMPT);
    let n = answer_tokens(&text).len();
    assert_eq!(
        events.len(),
        1 + n + 1 + 1,
        "role chunk, {n} content chunks, finish chunk, [DONE]"
    );
    assert!(
        events.iter().all(|(e, _)| e == "message"),
        "OpenAI sends unnamed events"
    );
    assert_eq!(events.last().unwrap().1, "[DONE]");
    let chunks: Vec<Value> = events[..events.len() - 1]
        .iter()
        .map(|(_, d)| serde_json::from_str(d).unwrap())
        .collect();
    assert!(
        chunks
            .iter()
            .all(|c| c["object"] == "chat.completion.chunk")
    );
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    let streamed: String = chunks[1..=n]
        .iter()
        .map(|c| {
            c["choices"][0]["delta"]["content"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(streamed, text);
    assert_eq!(chunks[n + 1]["choices"][0]["finish_reason"], "stop");
    assert_eq!(chunks[n + 1]["choices"][0]["delta"], json!({}));
}

#[tokio::test]
async fn openai_stream_with_include_usage_ends_with_a_usage_chunk() {
    let sim = builtin("healthy").await;
    let response = client()
        .post(format!(
            "{}/v1/chat/completions",
            sim.provider_url("openai")
        ))
        .bearer_auth(KEY)
        .json(
            &json!({"model": "gpt-5", "stream": true, "stream_options": {"include_usage": true},
            "messages": [{"role": "user", "content": PROMPT}]}),
        )
        .send()
        .await
        .unwrap();
    let events = sse_events(response).await;
    let usage: Value = serde_json::from_str(&events[events.len() - 2].1).unwrap();
    assert_eq!(
        usage["choices"],
        json!([]),
        "the usage chunk has no choices"
    );
    assert!(usage["usage"]["completion_tokens"].as_u64().unwrap() > 0);
    let first: Value = serde_json::from_str(&events[0].1).unwrap();
    assert_eq!(
        first["usage"],
        Value::Null,
        "other chunks carry usage: null"
    );
}

#[tokio::test]
async fn gemini_generate_content_answers_a_candidate() {
    let sim = builtin("healthy").await;
    let response = chat(&sim, Wire::Gemini, "gemini-2.5-flash", PROMPT, false)
        .send()
        .await
        .unwrap();
    let (status, _, body) = json(response).await;
    assert_eq!(status, 200);
    let candidate = &body["candidates"][0];
    assert_eq!(candidate["content"]["role"], "model");
    assert_eq!(
        candidate["content"]["parts"][0]["text"],
        answer_text("gemini-2.5-flash", PROMPT)
    );
    assert_eq!(candidate["finishReason"], "STOP");
    assert_eq!(body["modelVersion"], "gemini-2.5-flash");
    let usage = &body["usageMetadata"];
    assert_eq!(
        usage["totalTokenCount"].as_u64().unwrap(),
        usage["promptTokenCount"].as_u64().unwrap()
            + usage["candidatesTokenCount"].as_u64().unwrap()
    );
}

#[tokio::test]
async fn gemini_key_may_come_as_a_query_parameter() {
    let sim = builtin("healthy").await;
    let response = client()
        .post(format!(
            "{}/v1beta/models/gemini-2.5-pro:generateContent?key={KEY}",
            sim.provider_url("gemini")
        ))
        .json(&json!({"contents": [{"parts": [{"text": PROMPT}]}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "?key= is as good as x-goog-api-key");
}

#[tokio::test]
async fn gemini_stream_is_data_chunks_with_crlf_and_no_done() {
    let sim = builtin("healthy").await;
    let response = chat(&sim, Wire::Gemini, "gemini-2.5-flash", PROMPT, true)
        .send()
        .await
        .unwrap();
    assert_eq!(
        header(response.headers(), "content-type").as_deref(),
        Some("text/event-stream")
    );
    let raw = response.text().await.unwrap();
    assert!(raw.starts_with("data: {"), "every event is a data line");
    assert!(
        raw.ends_with("}\r\n\r\n"),
        "events end with CRLF CRLF, and there is no [DONE]"
    );
    let chunks: Vec<Value> = raw
        .split("\r\n\r\n")
        .filter(|s| !s.is_empty())
        .map(|s| serde_json::from_str(s.strip_prefix("data: ").unwrap()).unwrap())
        .collect();
    let text = answer_text("gemini-2.5-flash", PROMPT);
    assert_eq!(chunks.len(), answer_tokens(&text).len());
    let streamed: String = chunks
        .iter()
        .map(|c| {
            c["candidates"][0]["content"]["parts"][0]["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(streamed, text);
    let (last, rest) = chunks.split_last().unwrap();
    assert_eq!(
        last["candidates"][0]["finishReason"], "STOP",
        "the last chunk finishes"
    );
    assert!(
        last["usageMetadata"]["candidatesTokenCount"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert!(
        rest.iter()
            .all(|c| c["candidates"][0].get("finishReason").is_none())
    );
}

#[tokio::test]
async fn gemini_stream_without_alt_sse_is_a_json_array() {
    let sim = builtin("healthy").await;
    let response = client()
        .post(format!(
            "{}/v1beta/models/gemini-2.5-flash:streamGenerateContent",
            sim.provider_url("gemini")
        ))
        .header("x-goog-api-key", KEY)
        .json(&json!({"contents": [{"parts": [{"text": PROMPT}]}]}))
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    let chunks = body.as_array().expect("alt=json streams a JSON array");
    assert_eq!(
        chunks.last().unwrap()["candidates"][0]["finishReason"],
        "STOP"
    );
}

#[tokio::test]
async fn ollama_answers_without_a_key_in_its_own_style() {
    let sim = builtin("healthy").await;
    let response = chat(&sim, Wire::Ollama, "llama3.2", PROMPT, false)
        .send()
        .await
        .unwrap();
    let (status, _, body) = json(response).await;
    assert_eq!(status, 200, "Ollama needs no key");
    assert_eq!(body["object"], "chat.completion");
    assert_eq!(
        body["model"], "llama3.2",
        "Ollama echoes the model as named"
    );
    assert_eq!(body["system_fingerprint"], "fp_ollama");
    let response = chat(&sim, Wire::Ollama, "qwen3:8b", PROMPT, true)
        .send()
        .await
        .unwrap();
    let events = sse_events(response).await;
    assert_eq!(events.last().unwrap().1, "[DONE]");
    let first: Value = serde_json::from_str(&events[0].1).unwrap();
    assert_eq!(
        first["choices"][0]["delta"]["role"], "assistant",
        "every Ollama delta carries the role"
    );
    let root = client()
        .get(sim.provider_url("ollama"))
        .send()
        .await
        .unwrap();
    assert_eq!(root.text().await.unwrap(), "Ollama is running");
}

#[tokio::test]
async fn unknown_models_get_each_providers_not_found() {
    let sim = builtin("healthy").await;
    for wire in Wire::ALL {
        let response = chat(&sim, wire, "no-such-model", PROMPT, false)
            .send()
            .await
            .unwrap();
        let (status, _, body) = json(response).await;
        assert_eq!(status, 404, "{wire:?}: an unknown model is 404");
        let expected = stubs::error_answer(
            wire,
            stubs::ErrorKind::NotFound,
            &stubs::ErrorContext::new("no-such-model", epoch()),
        );
        assert_eq!(
            body["error"]["message"], expected.body["error"]["message"],
            "{wire:?} wording"
        );
    }
    let response = chat(&sim, Wire::Ollama, "mistral", PROMPT, false)
        .send()
        .await
        .unwrap();
    let (_, _, body) = json(response).await;
    assert_eq!(
        body,
        json!({"error": {"message": "model \"mistral\" not found, try pulling it first", "type": "not_found_error", "param": null, "code": null}})
    );
}

#[tokio::test]
async fn missing_credentials_get_the_real_answers() {
    let sim = builtin("healthy").await;
    let base = sim.base_url();
    let body = json!({"model": "claude-opus-4-7", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]});

    let (status, headers, answer) = json(
        client()
            .post(format!("{base}/anthropic/v1/messages"))
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 401, "Anthropic without x-api-key");
    assert_eq!(
        answer["error"],
        json!({"type": "authentication_error", "message": "x-api-key header is required"})
    );
    assert_eq!(
        answer["request_id"].as_str(),
        header(&headers, "request-id").as_deref(),
        "body and header name the same request"
    );

    let (status, _, answer) = json(
        client()
            .post(format!("{base}/anthropic/v1/messages"))
            .header("x-api-key", KEY)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400, "Anthropic without anthropic-version");
    assert_eq!(answer["error"]["type"], "invalid_request_error");
    assert_eq!(
        answer["error"]["message"],
        "anthropic-version: header is required"
    );

    let (status, _, answer) = json(
        client()
            .post(format!("{base}/openai/v1/chat/completions"))
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 401, "OpenAI without a key");
    assert_eq!(
        answer,
        json!({"error": {"message": stubs::OPENAI_NO_KEY_MESSAGE, "type": "invalid_request_error", "param": null, "code": null}})
    );
    assert!(stubs::OPENAI_NO_KEY_MESSAGE.starts_with("You didn't provide an API key."));

    let (status, _, answer) = json(
        client()
            .post(format!(
                "{base}/gemini/v1beta/models/gemini-2.5-flash:generateContent"
            ))
            .json(&json!({"contents": []}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 403, "Gemini without a key");
    assert_eq!(answer["error"]["status"], "PERMISSION_DENIED");
}

#[tokio::test]
async fn anthropic_models_page_with_after_id() {
    let sim = builtin("healthy").await;
    let url = format!("{}/v1/models", sim.provider_url("anthropic"));
    let get = |query: String| {
        client()
            .get(format!("{url}{query}"))
            .header("x-api-key", KEY)
            .header("anthropic-version", "2023-06-01")
            .send()
    };
    let mut seen = Vec::new();
    let mut query = "?limit=3".to_string();
    loop {
        let page: Value = get(query.clone()).await.unwrap().json().await.unwrap();
        let data = page["data"].as_array().unwrap();
        assert!(data.len() <= 3, "limit=3 gives at most 3");
        assert_eq!(page["first_id"], data[0]["id"]);
        assert_eq!(page["last_id"], data[data.len() - 1]["id"]);
        for model in data {
            assert_eq!(model["type"], "model");
            assert!(model["display_name"].is_string() && model["created_at"].is_string());
            seen.push(model["id"].as_str().unwrap().to_string());
        }
        if page["has_more"] == false {
            break;
        }
        query = format!("?limit=3&after_id={}", page["last_id"].as_str().unwrap());
    }
    let all: Vec<String> = switchboard_sim::catalog::ANTHROPIC
        .iter()
        .map(|m| m.id.to_string())
        .collect();
    assert_eq!(seen, all, "paging visits every model once, newest first");
    let default: Value = get(String::new()).await.unwrap().json().await.unwrap();
    assert_eq!(
        default["has_more"], false,
        "the default limit (20) covers the catalog"
    );
}

#[tokio::test]
async fn gemini_models_page_with_page_tokens() {
    let sim = builtin("healthy").await;
    let url = format!("{}/v1beta/models", sim.provider_url("gemini"));
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let query = match &token {
            Some(token) => format!("?pageSize=2&pageToken={token}"),
            None => "?pageSize=2".to_string(),
        };
        let request = client()
            .get(format!("{url}{query}"))
            .header("x-goog-api-key", KEY);
        let page: Value = request.send().await.unwrap().json().await.unwrap();
        let models = page["models"].as_array().unwrap();
        assert!(models.len() <= 2);
        for model in models {
            assert!(model["name"].as_str().unwrap().starts_with("models/"));
            assert!(model["inputTokenLimit"].as_u64().unwrap() > 0);
            assert!(model["outputTokenLimit"].as_u64().unwrap() > 0);
            assert!(
                model["supportedGenerationMethods"]
                    .as_array()
                    .unwrap()
                    .contains(&json!("generateContent"))
            );
            assert!(model["displayName"].is_string());
            seen.push(model["name"].as_str().unwrap().to_string());
        }
        match page.get("nextPageToken") {
            Some(next) => token = Some(next.as_str().unwrap().to_string()),
            None => break,
        }
    }
    assert_eq!(
        seen.len(),
        switchboard_sim::catalog::GEMINI.len(),
        "every model once"
    );
}

#[tokio::test]
async fn openai_and_ollama_list_models() {
    let sim = builtin("healthy").await;
    let openai: Value = client()
        .get(format!("{}/v1/models", sim.provider_url("openai")))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(openai["object"], "list");
    assert!(
        openai["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == "gpt-5" && m["object"] == "model")
    );
    let ollama: Value = client()
        .get(format!("{}/v1/models", sim.provider_url("ollama")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ollama["data"][0]["owned_by"], "library");
    let tags: Value = client()
        .get(format!("{}/api/tags", sim.provider_url("ollama")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tags["models"][0]["name"], catalog::OLLAMA[0].id);
    assert_eq!(tags["models"][0]["details"]["format"], "gguf");
}

/// The real providers stop at the request's length limit with their own length reason; so
/// does the simulator.
#[tokio::test]
async fn every_wire_stops_at_the_requested_length_limit() {
    let sim = builtin("healthy").await;
    let base = |p: &str| sim.provider_url(p);
    let http = reqwest::Client::new();
    let anthropic: Value = http
        .post(format!("{}/v1/messages", base("anthropic")))
        .header("x-api-key", "sk-sim")
        .header("anthropic-version", "2023-06-01")
        .json(&json!({"model": "claude-opus-4-7", "max_tokens": 2,
                      "messages": [{"role": "user", "content": PROMPT}]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(anthropic["stop_reason"], "max_tokens");
    assert_eq!(anthropic["usage"]["output_tokens"], 2);
    let tokens = answer_tokens(&answer_text("claude-opus-4-7", PROMPT));
    assert_eq!(anthropic["content"][0]["text"], tokens[..2].concat());

    let openai = |limit: u64| {
        let request = http
            .post(format!("{}/v1/chat/completions", base("openai")))
            .bearer_auth("sk-sim")
            .json(&json!({"model": "gpt-5", "max_completion_tokens": limit,
                          "messages": [{"role": "user", "content": PROMPT}]}));
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    assert_eq!(openai(3).await["choices"][0]["finish_reason"], "length");

    let gemini: Value = http
        .post(format!(
            "{}/v1beta/models/gemini-2.5-flash:generateContent",
            base("gemini")
        ))
        .header("x-goog-api-key", "sk-sim")
        .json(
            &json!({"contents": [{"role": "user", "parts": [{"text": PROMPT}]}],
                      "generationConfig": {"maxOutputTokens": 1}}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(gemini["candidates"][0]["finishReason"], "MAX_TOKENS");

    // A limit the answer fits in changes nothing.
    assert_eq!(openai(4096).await["choices"][0]["finish_reason"], "stop");
}

/// The request log keeps what each chat request said: its last user message and its system
/// prompt, however the wire carries it.
#[tokio::test]
async fn the_log_keeps_each_chat_requests_prompt_and_system_prompt() {
    let sim = builtin("healthy").await;
    let base = sim.provider_url("anthropic");
    client()
        .post(format!("{base}/v1/messages"))
        .header("x-api-key", "sk-sim")
        .header("anthropic-version", "2023-06-01")
        .json(&serde_json::json!({
            "model": "claude-opus-4-7", "max_tokens": 16, "system": "You stand in.",
            "messages": [{"role": "user", "content": "First"}, {"role": "assistant", "content": "Ok"},
                         {"role": "user", "content": "Second"}],
        }))
        .send()
        .await
        .unwrap();
    chat(&sim, Wire::OpenAi, "gpt-5", "Via OpenAI", false)
        .send()
        .await
        .unwrap();
    let base = sim.provider_url("gemini");
    client()
        .post(format!(
            "{base}/v1beta/models/gemini-2.5-pro:generateContent"
        ))
        .header("x-goog-api-key", "sk-sim")
        .json(&serde_json::json!({
            "systemInstruction": {"parts": [{"text": "Gemini, stand in."}]},
            "contents": [{"role": "user", "parts": [{"text": "Via Gemini"}]}],
        }))
        .send()
        .await
        .unwrap();
    let said: Vec<(Option<String>, Option<String>)> = sim
        .requests()
        .into_iter()
        .map(|r| (r.prompt, r.system))
        .collect();
    assert_eq!(
        said,
        [
            (Some("Second".into()), Some("You stand in.".into())),
            (Some("Via OpenAI".into()), Some("Be brief.".into())),
            (Some("Via Gemini".into()), Some("Gemini, stand in.".into())),
        ]
    );
}
