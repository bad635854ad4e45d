//! Starting a simulator and speaking each wire to it.

use chrono::{DateTime, Utc};
use std::time::Duration;
use switchboard_sim::stubs::Wire;
use switchboard_sim::{Scenario, SimOptions, Simulator};

/// The epoch test scenarios pin, so timestamps are known.
pub const EPOCH: &str = "2026-06-05T14:00:00Z";

pub fn epoch() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(EPOCH).unwrap().to_utc()
}

/// The scenario's wall time at `t` seconds.
pub fn at(t: i64) -> DateTime<Utc> {
    epoch() + chrono::Duration::seconds(t)
}

pub async fn start(scenario: Scenario) -> Simulator {
    Simulator::start(
        scenario,
        SimOptions {
            port: None,
            manual_clock: true,
        },
    )
    .await
    .expect("the simulator binds 127.0.0.1")
}

/// A built-in scenario, pinned to [`EPOCH`], on a manual clock.
pub async fn builtin(name: &str) -> Simulator {
    let mut scenario = Scenario::builtin(name).expect("built-ins parse");
    scenario.epoch = Some(epoch());
    start(scenario).await
}

/// A scenario from TOML (a `name` and `epoch` are added).
pub async fn scenario(body: &str) -> Simulator {
    let text = format!("name = \"test\"\nepoch = \"{EPOCH}\"\n{body}");
    start(Scenario::from_toml(&text).expect("the test scenario parses")).await
}

pub fn advance(sim: &Simulator, secs: u64) {
    sim.advance(Duration::from_secs(secs));
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

/// A model each wire serves.
pub fn model_of(wire: Wire) -> &'static str {
    match wire {
        Wire::Anthropic => "claude-opus-4-7",
        Wire::OpenAi => "gpt-5",
        Wire::Gemini => "gemini-2.5-flash",
        Wire::Ollama => "llama3.2",
    }
}

pub const KEY: &str = "sk-test-0123456789abcdef";

/// A chat request in `wire`'s own format, with a key where one is needed.
pub fn chat(
    sim: &Simulator,
    wire: Wire,
    model: &str,
    prompt: &str,
    stream: bool,
) -> reqwest::RequestBuilder {
    let base = sim.provider_url(wire.provider());
    let client = client();
    match wire {
        Wire::Anthropic => client
            .post(format!("{base}/v1/messages"))
            .header("x-api-key", KEY)
            .header("anthropic-version", "2023-06-01")
            .json(&serde_json::json!({
                "model": model, "max_tokens": 256, "stream": stream,
                "messages": [{"role": "user", "content": prompt}],
            })),
        Wire::OpenAi | Wire::Ollama => {
            let request = client.post(format!("{base}/v1/chat/completions")).json(&serde_json::json!({
                "model": model, "stream": stream,
                "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": prompt}],
            }));
            if wire == Wire::OpenAi {
                request.bearer_auth(KEY)
            } else {
                request
            }
        }
        Wire::Gemini => {
            let url = if stream {
                format!("{base}/v1beta/models/{model}:streamGenerateContent?alt=sse")
            } else {
                format!("{base}/v1beta/models/{model}:generateContent")
            };
            client.post(url).header("x-goog-api-key", KEY).json(
                &serde_json::json!({"contents": [{"role": "user", "parts": [{"text": prompt}]}]}),
            )
        }
    }
}

pub async fn json(
    response: reqwest::Response,
) -> (u16, reqwest::header::HeaderMap, serde_json::Value) {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.json().await.expect("a JSON body");
    (status, headers, body)
}

pub fn header(headers: &reqwest::header::HeaderMap, name: &str) -> Option<String> {
    headers.get(name).map(|v| v.to_str().unwrap().to_string())
}

/// The SSE events of a response: (event name, data).
pub async fn sse_events(response: reqwest::Response) -> Vec<(String, String)> {
    use eventsource_stream::Eventsource;
    use futures_util::StreamExt;
    response
        .bytes_stream()
        .eventsource()
        .map(|e| {
            let e = e.expect("a well-formed SSE stream");
            (e.event, e.data)
        })
        .collect()
        .await
}

/// GET a status-page document.
pub async fn status_doc(sim: &Simulator, provider: &str, path: &str) -> serde_json::Value {
    let response = client()
        .get(format!("{}/{path}", sim.status_url(provider)))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        200,
        "{provider} {path} should answer 200"
    );
    response.json().await.unwrap()
}
