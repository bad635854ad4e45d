//! Model lists that change over time: `listing` steps, every list endpoint, chat to a retired
//! or a new model, `/_sim/state`, and the checks at load.

use crate::support::*;
use serde_json::Value;
use switchboard_sim::catalog::{self, Model, Served};
use switchboard_sim::stubs::{self, Wire, answer_text};
use switchboard_sim::{Scenario, ScenarioError, Simulator};

const PROMPT: &str = "Which model are you?";

fn base_ids(models: &[catalog::SimModel]) -> Vec<String> {
    models.iter().map(|m| m.id.to_string()).collect()
}

/// `base` without `removed`, after `added` (already in list order).
fn changed(base: &[catalog::SimModel], added: &[&str], removed: &[&str]) -> Vec<String> {
    let kept = base.iter().map(|m| m.id).filter(|id| !removed.contains(id));
    added
        .iter()
        .copied()
        .chain(kept)
        .map(String::from)
        .collect()
}

async fn get_json(request: reqwest::RequestBuilder) -> Value {
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200, "a list endpoint answers 200");
    response.json().await.unwrap()
}

fn anthropic_get(sim: &Simulator, query: &str) -> reqwest::RequestBuilder {
    client()
        .get(format!(
            "{}/v1/models{query}",
            sim.provider_url("anthropic")
        ))
        .header("x-api-key", KEY)
        .header("anthropic-version", "2023-06-01")
}

/// Every Anthropic model, walking pages of `limit` with `after_id`.
async fn anthropic_walk(sim: &Simulator, limit: usize) -> Vec<String> {
    let mut seen = Vec::new();
    let mut query = format!("?limit={limit}");
    loop {
        let page = get_json(anthropic_get(sim, &query)).await;
        let data = page["data"].as_array().unwrap();
        assert!(
            !data.is_empty() && data.len() <= limit,
            "a page holds 1 to {limit} models: {page}"
        );
        assert_eq!(page["first_id"], data[0]["id"]);
        assert_eq!(page["last_id"], data[data.len() - 1]["id"]);
        seen.extend(data.iter().map(|m| m["id"].as_str().unwrap().to_string()));
        if page["has_more"] == false {
            return seen;
        }
        query = format!(
            "?limit={limit}&after_id={}",
            page["last_id"].as_str().unwrap()
        );
    }
}

/// Every Gemini model id, walking pages of `size` with `nextPageToken`.
async fn gemini_walk(sim: &Simulator, size: usize) -> Vec<String> {
    let mut seen = Vec::new();
    let mut query = format!("?pageSize={size}");
    loop {
        let page = get_json(
            client()
                .get(format!(
                    "{}/v1beta/models{query}",
                    sim.provider_url("gemini")
                ))
                .header("x-goog-api-key", KEY),
        )
        .await;
        let models = page["models"].as_array().unwrap();
        assert!(
            !models.is_empty() && models.len() <= size,
            "a page holds 1 to {size} models: {page}"
        );
        for model in models {
            let name = model["name"].as_str().unwrap();
            seen.push(name.strip_prefix("models/").unwrap().to_string());
        }
        match page.get("nextPageToken") {
            Some(token) => {
                query = format!("?pageSize={size}&pageToken={}", token.as_str().unwrap())
            }
            None => return seen,
        }
    }
}

/// `GET /v1/models` of OpenAI or Ollama: the entries.
async fn v1_models(sim: &Simulator, wire: Wire) -> Vec<Value> {
    let request = client().get(format!("{}/v1/models", sim.provider_url(wire.provider())));
    let request = if wire == Wire::OpenAi {
        request.bearer_auth(KEY)
    } else {
        request
    };
    let list = get_json(request).await;
    assert_eq!(list["object"], "list");
    list["data"].as_array().unwrap().clone()
}

fn ids_of(entries: &[Value], key: &str) -> Vec<String> {
    entries
        .iter()
        .map(|e| e[key].as_str().unwrap().to_string())
        .collect()
}

async fn ollama_tags(sim: &Simulator) -> Vec<Value> {
    let tags = get_json(client().get(format!("{}/api/tags", sim.provider_url("ollama")))).await;
    tags["models"].as_array().unwrap().clone()
}

/// A chat request that must be refused as the provider refuses a model it does not serve:
/// the status and the body of [`stubs::error_answer`] for `not_found`.
async fn assert_not_found(sim: &Simulator, wire: Wire, model: &str, why: &str) {
    let (status, _, body) = json(chat(sim, wire, model, PROMPT, false).send().await.unwrap()).await;
    let expected = stubs::error_answer(
        wire,
        stubs::ErrorKind::NotFound,
        &stubs::ErrorContext::new(model, epoch()),
    );
    assert_eq!(
        (status, &body["error"]["message"]),
        (expected.status, &expected.body["error"]["message"]),
        "{why}: {wire:?} {model} should get the provider's not-found answer, got {body}"
    );
    let kind = match wire {
        Wire::Anthropic | Wire::Ollama => &body["error"]["type"],
        Wire::OpenAi => &body["error"]["code"],
        Wire::Gemini => &body["error"]["status"],
    };
    let expected_kind = match wire {
        Wire::Anthropic | Wire::Ollama => "not_found_error",
        Wire::OpenAi => "model_not_found",
        Wire::Gemini => "NOT_FOUND",
    };
    assert_eq!(kind, expected_kind, "{why}: {wire:?} {model} error kind");
}

/// Streams a chat answer from `model` and returns (the model each event names, the text).
async fn stream_from(sim: &Simulator, wire: Wire, model: &str) -> (Vec<String>, String) {
    let response = chat(sim, wire, model, PROMPT, true).send().await.unwrap();
    assert_eq!(
        response.status(),
        200,
        "{wire:?} {model} should answer a stream"
    );
    let mut models = Vec::new();
    let mut text = String::new();
    for (_, data) in sse_events(response).await {
        if data == "[DONE]" {
            continue;
        }
        let event: Value = serde_json::from_str(&data).unwrap();
        let (named, piece) = match wire {
            Wire::Anthropic => (&event["message"]["model"], &event["delta"]["text"]),
            Wire::OpenAi | Wire::Ollama => {
                (&event["model"], &event["choices"][0]["delta"]["content"])
            }
            Wire::Gemini => (
                &event["modelVersion"],
                &event["candidates"][0]["content"]["parts"][0]["text"],
            ),
        };
        if let Some(named) = named.as_str() {
            models.push(named.to_string());
        }
        text.push_str(piece.as_str().unwrap_or(""));
    }
    (models, text)
}

#[tokio::test]
async fn model_changes_lists_change_at_t60() {
    let sim = builtin("model-changes").await;
    let anthropic_base = base_ids(catalog::ANTHROPIC);
    let openai_base = base_ids(catalog::OPENAI);

    assert_eq!(
        anthropic_walk(&sim, 2).await,
        anthropic_base,
        "t=0: Anthropic lists its usual models"
    );
    assert_eq!(
        ids_of(&v1_models(&sim, Wire::OpenAi).await, "id"),
        openai_base,
        "t=0: OpenAI lists its usual models"
    );

    advance(&sim, 59);
    assert_eq!(
        anthropic_walk(&sim, 2).await,
        anthropic_base,
        "t=59: nothing has changed yet"
    );
    advance(&sim, 1);
    assert_eq!(
        sim.state().step_label,
        "Anthropic releases Claude Opus 6 and retires Claude Opus 4.6"
    );

    let anthropic_after = changed(catalog::ANTHROPIC, &["claude-opus-6"], &["claude-opus-4-6"]);
    assert_eq!(
        anthropic_walk(&sim, 2).await,
        anthropic_after,
        "t=60: Opus 6 first (newest), Opus 4.6 gone, pages of 2 still cover each model once"
    );
    assert_eq!(
        anthropic_walk(&sim, 20).await,
        anthropic_after,
        "one page holds the same list"
    );
    let first = get_json(anthropic_get(&sim, "?limit=1")).await;
    assert_eq!(
        first["data"][0],
        serde_json::json!({
            "type": "model", "id": "claude-opus-6", "display_name": "Claude Opus 6",
            "created_at": "2026-11-20T00:00:00Z", "max_input_tokens": 1_000_000, "max_tokens": 128_000,
            "capabilities": {"batch": {"supported": true}, "image_input": {"supported": true},
                             "pdf_input": {"supported": true}, "thinking": {"supported": true}}
        }),
        "the new model as Anthropic lists it"
    );
    let before = get_json(anthropic_get(
        &sim,
        &format!("?limit=2&before_id={}", anthropic_after[2]),
    ))
    .await;
    assert_eq!(
        ids_of(before["data"].as_array().unwrap(), "id"),
        anthropic_after[..2],
        "before_id pages back over the new list"
    );
    assert_eq!(anthropic_after[0], "claude-opus-6");
    assert_eq!(before["has_more"], false);

    let openai = v1_models(&sim, Wire::OpenAi).await;
    assert_eq!(
        ids_of(&openai, "id"),
        changed(catalog::OPENAI, &["gpt-6.3-sol"], &["gpt-4o"]),
        "t=60: GPT-6.3 Sol listed, GPT-4o gone (GPT-4o mini stays)"
    );
    let released = chrono::DateTime::parse_from_rfc3339("2026-11-18T00:00:00Z")
        .unwrap()
        .timestamp();
    assert_eq!(
        openai[0],
        serde_json::json!({"id": "gpt-6.3-sol", "object": "model", "created": released, "owned_by": "system"})
    );

    assert_eq!(
        gemini_walk(&sim, 2).await,
        base_ids(catalog::GEMINI),
        "Gemini does not change in this scenario"
    );
    assert_eq!(
        ids_of(&v1_models(&sim, Wire::Ollama).await, "id"),
        base_ids(catalog::OLLAMA),
        "Ollama does not change in this scenario"
    );
}

#[tokio::test]
async fn model_changes_chat_follows_the_lists() {
    let sim = builtin("model-changes").await;
    for (wire, model) in [
        (Wire::Anthropic, "claude-opus-4-6"),
        (Wire::OpenAi, "gpt-4o"),
    ] {
        let response = chat(&sim, wire, model, PROMPT, false).send().await.unwrap();
        assert_eq!(response.status(), 200, "t=0: {model} still answers");
    }
    assert_not_found(
        &sim,
        Wire::Anthropic,
        "claude-opus-6",
        "t=0, not released yet",
    )
    .await;
    assert_not_found(&sim, Wire::OpenAi, "gpt-6.3-sol", "t=0, not released yet").await;

    advance(&sim, 60);
    assert_not_found(&sim, Wire::Anthropic, "claude-opus-4-6", "t=60, retired").await;
    assert_not_found(&sim, Wire::OpenAi, "gpt-4o", "t=60, retired").await;

    let (named, text) = stream_from(&sim, Wire::Anthropic, "claude-opus-6").await;
    assert_eq!(
        named,
        ["claude-opus-6"],
        "message_start names the new model"
    );
    assert_eq!(
        text,
        answer_text("claude-opus-6", PROMPT),
        "the whole answer streams"
    );
    let (named, text) = stream_from(&sim, Wire::OpenAi, "gpt-6.3-sol").await;
    assert!(
        !named.is_empty() && named.iter().all(|m| m == "gpt-6.3-sol-2026-11-18"),
        "each chunk names the dated snapshot of the new model: {named:?}"
    );
    assert_eq!(text, answer_text("gpt-6.3-sol", PROMPT));
    let response = chat(&sim, Wire::OpenAi, "gpt-4o-mini", PROMPT, false)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        200,
        "GPT-4o mini is not retired with GPT-4o"
    );

    let log = sim.requests();
    let retired = log
        .iter()
        .filter(|r| r.model.as_deref() == Some("claude-opus-4-6"))
        .map(|r| (r.t, r.status, r.outcome.as_str()))
        .collect::<Vec<_>>();
    assert_eq!(
        retired,
        [(0.0, Some(200), "ok"), (60.0, Some(404), "not_found")],
        "the request log shows the retirement"
    );
}

#[tokio::test]
async fn sim_state_reports_the_served_models() {
    let sim = builtin("model-changes").await;
    let state = sim.state();
    assert_eq!(
        state.served_models,
        Served::base().ids(),
        "t=0: the base lists"
    );
    assert_eq!(
        state.served_models["anthropic"],
        base_ids(catalog::ANTHROPIC)
    );
    advance(&sim, 60);
    let over_http: Value = client()
        .get(format!("{}/_sim/state", sim.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        over_http["served_models"]["anthropic"],
        serde_json::json!(changed(
            catalog::ANTHROPIC,
            &["claude-opus-6"],
            &["claude-opus-4-6"]
        )),
        "GET /_sim/state: Anthropic's ids now, in list order"
    );
    assert_eq!(
        over_http["served_models"]["openai"],
        serde_json::json!(changed(catalog::OPENAI, &["gpt-6.3-sol"], &["gpt-4o"]))
    );
    assert_eq!(
        over_http["served_models"]["gemini"],
        serde_json::json!(base_ids(catalog::GEMINI))
    );
    assert_eq!(
        over_http["served_models"]["ollama"],
        serde_json::json!(base_ids(catalog::OLLAMA))
    );
}

/// Gemini and Ollama change too; a later step re-adds a retired model and retires a new one.
const GEMINI_AND_OLLAMA: &str = r#"
[[steps]]
at = 0
label = "as usual"

[[steps]]
at = 60
label = "Gemini 3.5, Mistral pulled, Qwen3 and Gemini 2.0 gone"
models = { "gemini/gemini-3.5-pro" = { behaviour = "error", error = "overloaded" } }
[steps.listing.gemini]
remove = ["gemini-2.0-flash"]
add = [
    { id = "gemini-3.5-flash", display_name = "Gemini 3.5 Flash", created = "2026-10-01T00:00:00Z", input_tokens = 1_048_576, output_tokens = 65_536 },
    { id = "gemini-3.5-pro", display_name = "Gemini 3.5 Pro", created = "2026-11-01T00:00:00Z", input_tokens = 2_097_152, output_tokens = 65_536 },
]
[steps.listing.ollama]
remove = ["qwen3:8b"]
add = [{ id = "mistral", display_name = "Mistral 7B", created = "2026-06-01T10:00:00Z", input_tokens = 32_768, output_tokens = 32_768 }]

[[steps]]
at = 120
label = "Gemini 2.0 Flash back, Gemini 3.5 Flash withdrawn"
[steps.listing.gemini]
remove = ["gemini-3.5-flash"]
add = [{ id = "gemini-2.0-flash", display_name = "Gemini 2.0 Flash", created = "2025-02-05T00:00:00Z", input_tokens = 1_048_576, output_tokens = 8_192 }]
"#;

async fn gemini_get_model(sim: &Simulator, id: &str) -> (u16, Value) {
    let response = client()
        .get(format!("{}/v1beta/models/{id}", sim.provider_url("gemini")))
        .header("x-goog-api-key", KEY)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn gemini_and_ollama_lists_carry_forward() {
    let sim = scenario(GEMINI_AND_OLLAMA).await;
    assert_eq!(gemini_walk(&sim, 2).await, base_ids(catalog::GEMINI));
    let (status, _) = gemini_get_model(&sim, "gemini-3.5-pro").await;
    assert_eq!(status, 404, "t=0: Gemini 3.5 Pro is not out yet");

    advance(&sim, 60);
    let gemini_after = changed(
        catalog::GEMINI,
        &["gemini-3.5-pro", "gemini-3.5-flash"],
        &["gemini-2.0-flash"],
    );
    assert_eq!(
        gemini_walk(&sim, 2).await,
        gemini_after,
        "t=60: added models first, newest first; pages of 2 follow nextPageToken over the new list"
    );
    let (status, model) = gemini_get_model(&sim, "gemini-3.5-pro").await;
    assert_eq!(
        (status, &model["displayName"], &model["inputTokenLimit"]),
        (200, &Value::from("Gemini 3.5 Pro"), &Value::from(2_097_152)),
        "GET /v1beta/models/{{id}} serves an added model"
    );
    let (status, body) = gemini_get_model(&sim, "gemini-2.0-flash").await;
    assert_eq!(
        (status, &body["error"]["status"]),
        (404, &Value::from("NOT_FOUND")),
        "GET /v1beta/models/{{id}} of a retired model"
    );
    assert_not_found(&sim, Wire::Gemini, "gemini-2.0-flash", "t=60, retired").await;
    let (_, text) = stream_from(&sim, Wire::Gemini, "gemini-3.5-flash").await;
    assert_eq!(
        text,
        answer_text("gemini-3.5-flash", PROMPT),
        "an added model streams"
    );
    let response = chat(&sim, Wire::Gemini, "gemini-3.5-pro", PROMPT, false)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        503,
        "an added model takes the behaviour a scenario gives it"
    );

    let ollama_after = changed(catalog::OLLAMA, &["mistral:latest"], &["qwen3:8b"]);
    assert_eq!(
        ids_of(&v1_models(&sim, Wire::Ollama).await, "id"),
        ollama_after,
        "Ollama's /v1/models: an untagged pull is `:latest`"
    );
    let tags = ollama_tags(&sim).await;
    assert_eq!(ids_of(&tags, "name"), ollama_after, "Ollama's /api/tags");
    assert_eq!(tags[0]["modified_at"], "2026-06-01T10:00:00.000000000Z");
    assert_eq!(tags[0]["details"]["family"], "mistral");
    assert_not_found(&sim, Wire::Ollama, "qwen3:8b", "t=60, removed").await;
    let (named, text) = stream_from(&sim, Wire::Ollama, "mistral").await;
    assert!(
        named.iter().all(|m| m == "mistral"),
        "Ollama echoes the name asked for: {named:?}"
    );
    assert_eq!(text, answer_text("mistral", PROMPT));

    advance(&sim, 60);
    assert_eq!(
        gemini_walk(&sim, 2).await,
        changed(
            catalog::GEMINI,
            &["gemini-3.5-pro", "gemini-2.0-flash"],
            &["gemini-2.0-flash"],
        ),
        "t=120: 3.5 Flash withdrawn; 2.0 Flash re-added among the added models"
    );
    let (status, _) = gemini_get_model(&sim, "gemini-2.0-flash").await;
    assert_eq!(status, 200, "t=120: a re-added model is served again");
    let (status, _) = gemini_get_model(&sim, "gemini-3.5-flash").await;
    assert_eq!(status, 404, "t=120: a withdrawn added model is gone");
    assert_eq!(
        ids_of(&v1_models(&sim, Wire::Ollama).await, "id"),
        ollama_after,
        "Ollama's change carries forward"
    );
    assert_eq!(
        sim.state().served_models["gemini"],
        gemini_walk(&sim, 50).await,
        "/_sim/state and the list endpoint agree"
    );
}

fn model(id: &str, created: &str) -> Model {
    Model {
        id: id.into(),
        display_name: id.into(),
        created: created.parse().unwrap(),
        input_tokens: 1_000,
        output_tokens: 1_000,
    }
}

fn ids(served: &Served, provider: &str) -> Vec<String> {
    served
        .models(provider)
        .iter()
        .map(|m| m.id.clone())
        .collect()
}

#[test]
fn served_lists_order_and_apply_all_or_nothing() {
    let mut served = Served::base();
    served
        .apply(
            "anthropic",
            &[
                model("older", "2026-07-01T00:00:00Z"),
                model("newer", "2026-09-01T00:00:00Z"),
                model("same-day", "2026-07-01T00:00:00Z"),
            ],
            &[],
        )
        .unwrap();
    assert_eq!(
        ids(&served, "anthropic")[..4],
        ["newer", "older", "same-day", catalog::ANTHROPIC[0].id],
        "added first, newest first, equal dates in the order added, then the base list"
    );
    served
        .apply(
            "anthropic",
            &[],
            &["older".into(), catalog::ANTHROPIC[0].id.into()],
        )
        .unwrap();
    served
        .apply("anthropic", &[model("middle", "2026-08-01T00:00:00Z")], &[])
        .unwrap();
    assert_eq!(
        ids(&served, "anthropic")[..4],
        ["newer", "middle", "same-day", catalog::ANTHROPIC[1].id],
        "removing an added model keeps the added ones ahead of the base ones"
    );

    let before = served.clone();
    let problem = served
        .apply(
            "anthropic",
            &[model("claude-opus-4-7", "2026-03-18T00:00:00Z")],
            &["newer".into()],
        )
        .unwrap_err();
    assert!(problem.contains("already serves"), "{problem}");
    assert_eq!(served, before, "a failed change leaves the list as it was");
    let problem = served
        .apply("anthropic", &[], &["older".into()])
        .unwrap_err();
    assert!(problem.contains("does not serve it"), "{problem}");
    let problem = served.apply("mistral", &[], &[]).unwrap_err();
    assert!(problem.contains("unknown provider"), "{problem}");

    assert!(
        served.resolve("ollama", "llama3.2").is_some(),
        "Ollama's `:latest`"
    );
    served.apply("ollama", &[], &["llama3.2".into()]).unwrap();
    assert!(served.resolve("ollama", "llama3.2:latest").is_none());
    assert_eq!(
        ids(&served, "openai"),
        base_ids(catalog::OPENAI),
        "others untouched"
    );
}

const TWO_STEPS: &str =
    "name = \"x\"\n[[steps]]\nat = 0\nlabel = \"a\"\n[[steps]]\nat = 60\nlabel = \"b\"\n";

#[test]
fn bad_listing_steps_are_refused_at_load() {
    let opus_5 = r#"{ id = "claude-opus-6", display_name = "Claude Opus 6", created = "2026-11-20T00:00:00Z", input_tokens = 1_000_000, output_tokens = 128_000 }"#;
    let cases = [
        (
            format!("{TWO_STEPS}listing.mistral = {{ remove = [\"mistral-large\"] }}\n"),
            "step 1 (\"b\", at 60), listing.mistral",
            "unknown provider \"mistral\"",
        ),
        (
            format!("{TWO_STEPS}listing.anthropic = {{ remove = [\"claude-opus-9\"] }}\n"),
            "step 1 (\"b\", at 60), listing.anthropic",
            "cannot remove \"claude-opus-9\": anthropic does not serve it at this point",
        ),
        (
            format!(
                "{TWO_STEPS}listing.openai = {{ remove = [\"gpt-4o\"] }}\n[[steps]]\nat = 90\nlabel = \"c\"\nlisting.openai = {{ remove = [\"gpt-4o\"] }}\n"
            ),
            "step 2 (\"c\", at 90), listing.openai",
            "cannot remove \"gpt-4o\": openai does not serve it at this point",
        ),
        (
            format!(
                "{TWO_STEPS}listing.anthropic = {{ add = [{{ id = \"claude-opus-4-7\", display_name = \"Claude Opus 4.7\", created = \"2026-03-18T00:00:00Z\", input_tokens = 200_000, output_tokens = 64_000 }}] }}\n"
            ),
            "step 1 (\"b\", at 60), listing.anthropic",
            "cannot add \"claude-opus-4-7\": anthropic already serves it",
        ),
        (
            format!(
                "{TWO_STEPS}listing.anthropic = {{ add = [{opus_5}] }}\n[[steps]]\nat = 90\nlabel = \"c\"\nlisting.anthropic = {{ add = [{opus_5}] }}\n"
            ),
            "step 2 (\"c\", at 90), listing.anthropic",
            "cannot add \"claude-opus-6\": anthropic already serves it",
        ),
        (
            format!("{TWO_STEPS}listing.anthropic = {{ add = [{opus_5}, {opus_5}] }}\n"),
            "step 1 (\"b\", at 60), listing.anthropic",
            "cannot add \"claude-opus-6\"",
        ),
        (
            format!(
                "{TWO_STEPS}listing.anthropic = {{ remove = [\"claude-opus-4-6\"] }}\nmodels = {{ \"anthropic/claude-opus-4-6\" = {{ behaviour = \"reset\" }} }}\n"
            ),
            "step 1 (\"b\", at 60), models.\"anthropic/claude-opus-4-6\"",
            "serves no model \"claude-opus-4-6\" in the simulator at this step",
        ),
    ];
    for (text, place_wanted, problem_wanted) in cases {
        match Scenario::from_toml(&text) {
            Err(ScenarioError::Invalid { place, problem, .. }) => {
                assert_eq!(place, place_wanted, "the error names the step for {text}");
                assert!(
                    problem.contains(problem_wanted),
                    "the problem for {text} should say {problem_wanted:?}, got: {problem}"
                );
            }
            other => panic!("{text} should be refused as invalid, got {other:?}"),
        }
    }

    let bad_date = format!(
        "{TWO_STEPS}listing.anthropic = {{ add = [{{ id = \"m\", display_name = \"M\", created = \"last Tuesday\", input_tokens = 1, output_tokens = 1 }}] }}\n"
    );
    assert!(
        matches!(Scenario::from_toml(&bad_date), Err(ScenarioError::Toml(_))),
        "`created` must be RFC 3339"
    );
    let unknown_field = format!("{TWO_STEPS}listing.anthropic = {{ rename = [\"a\"] }}\n");
    let message = Scenario::from_toml(&unknown_field).unwrap_err().to_string();
    assert!(message.contains("unknown field `rename`"), "{message}");

    let fine = format!(
        "{TWO_STEPS}listing.anthropic = {{ add = [{opus_5}], remove = [\"claude-opus-4-6\"] }}\nmodels = {{ \"anthropic/claude-opus-6\" = {{ behaviour = \"reset\" }} }}\n[[steps]]\nat = 90\nlabel = \"c\"\nlisting.anthropic = {{ add = [{{ id = \"claude-opus-4-6\", display_name = \"Claude Opus 4.6\", created = \"2026-02-05T00:00:00Z\", input_tokens = 200_000, output_tokens = 64_000 }}], remove = [\"claude-opus-6\"] }}\n"
    );
    Scenario::from_toml(&fine).expect(
        "a new model may take a behaviour where it is served, and a retired one may come back",
    );
}
