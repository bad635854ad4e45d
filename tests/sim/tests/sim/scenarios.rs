//! Scenario files: parsing, clear errors, and replay in order as time advances.

use crate::support::*;
use serde_json::Value;
use switchboard_sim::stubs::Wire;
use switchboard_sim::{Scenario, ScenarioError};

#[test]
fn every_builtin_parses() {
    let names = Scenario::builtin_names();
    for expected in [
        "healthy",
        "june-2026",
        "offline",
        "bad-key",
        "rate-limited",
        "quota",
        "maintenance",
        "flapping",
        "garbage-feed",
        "model-changes",
    ] {
        assert!(names.contains(&expected), "built-in {expected} exists");
    }
    for name in names {
        let scenario =
            Scenario::builtin(name).unwrap_or_else(|e| panic!("built-in {name} should parse: {e}"));
        assert_eq!(scenario.name, name, "a built-in's name is its key");
        assert!(!scenario.description.is_empty(), "{name} says what it is");
    }
}

fn problem(text: &str) -> String {
    let error = Scenario::from_toml(text).expect_err("a malformed scenario is rejected");
    error.to_string()
}

#[test]
fn malformed_scenarios_name_the_problem() {
    let cases = [
        ("name = \"x\"\nsteps = []\n", "at least one step"),
        (
            "name = \"x\"\n[[steps]]\nat = 5\nlabel = \"late\"\n",
            "first step must be at 0",
        ),
        (
            "name = \"x\"\n[[steps]]\nat = 0\nlabel = \"a\"\n[[steps]]\nat = 20\nlabel = \"b\"\n[[steps]]\nat = 10\nlabel = \"c\"\n",
            "time order",
        ),
        (
            "name = \"x\"\n[[steps]]\nat = 0\nlabel = \"a\"\nmodels = { \"anthropic/claude-opus-9\" = { behaviour = \"ok\" } }\n",
            "serves no model \"claude-opus-9\"",
        ),
        (
            "name = \"x\"\n[[steps]]\nat = 0\nlabel = \"a\"\nmodels = { \"anthropic/*\" = { behaviour = \"error\" } }\n",
            "needs `error`",
        ),
        (
            "name = \"x\"\n[[steps]]\nat = 0\nlabel = \"a\"\nmodels = { \"*\" = { behaviour = \"error\", error = \"teapot\" } }\n",
            "unknown variant `teapot`",
        ),
        (
            "name = \"x\"\n[[steps]]\nat = 0\nlabel = \"a\"\nmodels = { \"*\" = { behaviour = \"error\", error = \"server_error\", fraction = 1.5 } }\n",
            "fraction",
        ),
        (
            "name = \"x\"\n[[steps]]\nat = 0\nlabel = \"a\"\nstatus.anthropic.components = { \"Claude Opus\" = \"major_outage\" }\n",
            "no component \"Claude Opus\"",
        ),
        (
            "name = \"x\"\n[[steps]]\nat = 0\nlabel = \"a\"\n[[steps.status.anthropic.incidents]]\nid = \"i\"\nstatus = \"investigating\"\nbody = \"b\"\n",
            "needs a `name`",
        ),
        (
            "name = \"x\"\n[[steps]]\nat = 0\nlabel = \"a\"\nspeed = 3\n",
            "unknown field `speed`",
        ),
        (
            "name = \"x\"\n[[steps]]\nat = 0\nlabel = \"a\"\nfeeds.openai = { mode = \"stall\" }\n",
            "needs `seconds`",
        ),
    ];
    for (text, expected) in cases {
        let message = problem(text);
        assert!(
            message.contains(expected),
            "the error for {text:?} should mention {expected:?}, got: {message}"
        );
    }
    let unknown = Scenario::builtin("june-2025").unwrap_err();
    assert!(matches!(unknown, ScenarioError::UnknownBuiltin { .. }));
    assert!(
        unknown.to_string().contains("june-2026"),
        "lists the built-ins: {unknown}"
    );
    let missing = Scenario::from_file("/nonexistent/scenario.toml").unwrap_err();
    assert!(missing.to_string().contains("/nonexistent/scenario.toml"));
}

#[test]
fn scenario_files_load_from_disk() {
    let path =
        std::env::temp_dir().join(format!("switchboard-sim-test-{}.toml", std::process::id()));
    std::fs::write(
        &path,
        "name = \"from-disk\"\n[[steps]]\nat = 0\nlabel = \"only\"\n",
    )
    .unwrap();
    let scenario = Scenario::load(path.to_str().unwrap()).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(scenario.name, "from-disk");
    assert_eq!(
        Scenario::load("healthy").unwrap().name,
        "healthy",
        "a name that is no file is a built-in"
    );
}

/// `n` requests to an Anthropic model: the statuses answered.
async fn statuses(sim: &switchboard_sim::Simulator, model: &str, n: usize) -> Vec<u16> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(
            chat(sim, Wire::Anthropic, model, "hi", false)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16(),
        );
    }
    out
}

#[tokio::test]
async fn june_2026_replays_in_order() {
    let sim = builtin("june-2026").await;
    assert_eq!(
        statuses(&sim, "claude-opus-4-7", 4).await,
        [200; 4],
        "t=0: Opus 4.7 answers"
    );

    advance(&sim, 60);
    assert_eq!(
        sim.state().step_label,
        "Opus 4.7 and Opus 4.8 start failing"
    );
    assert_eq!(
        statuses(&sim, "claude-opus-4-7", 6).await,
        [200, 500, 200, 500, 200, 500],
        "half of Opus 4.7 fails with 500"
    );
    assert_eq!(
        statuses(&sim, "claude-opus-4-8", 4).await,
        [200, 529, 200, 529],
        "half of Opus 4.8 fails with 529"
    );
    assert_eq!(
        statuses(&sim, "claude-sonnet-4-6", 3).await,
        [200; 3],
        "other models are fine"
    );
    // Requests 4 and 5 to Opus 4.8: the second fails, with Anthropic's overloaded body.
    chat(&sim, Wire::Anthropic, "claude-opus-4-8", "hi", false)
        .send()
        .await
        .unwrap();
    let (_, _, body) = json(
        chat(&sim, Wire::Anthropic, "claude-opus-4-8", "hi", false)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(body["error"]["type"], "overloaded_error");

    advance(&sim, 90);
    let climbing = statuses(&sim, "claude-opus-4-7", 10).await;
    assert_eq!(
        climbing.iter().filter(|s| **s == 500).count(),
        9,
        "9 in 10 fail once errors climb: {climbing:?}"
    );

    advance(&sim, 270);
    let unresolved = status_doc(&sim, "anthropic", "api/v2/incidents/unresolved.json").await;
    assert_eq!(
        unresolved["incidents"].as_array().unwrap().len(),
        1,
        "t=420: the incident is up"
    );

    advance(&sim, 240);
    let policy: Value = client()
        .get(sim.policy_url())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        policy["disabled"][0]["provider"], "anthropic",
        "t=660: the workspace turns Anthropic off"
    );

    advance(&sim, 600);
    assert_eq!(sim.state().step_label, "Opus 4.8 recovers");
    assert_eq!(
        statuses(&sim, "claude-opus-4-8", 5).await,
        [200; 5],
        "t=1260: Opus 4.8 is back first"
    );
    assert!(
        statuses(&sim, "claude-opus-4-7", 5).await.contains(&500),
        "Opus 4.7 still fails"
    );

    advance(&sim, 300);
    assert_eq!(
        statuses(&sim, "claude-opus-4-7", 5).await,
        [200; 5],
        "t=1560: Opus 4.7 is back"
    );

    advance(&sim, 360);
    let unresolved = status_doc(&sim, "anthropic", "api/v2/incidents/unresolved.json").await;
    assert_eq!(
        unresolved["incidents"],
        serde_json::json!([]),
        "t=1920: resolved"
    );
    advance(&sim, 120);
    let policy: Value = client()
        .get(sim.policy_url())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        policy["disabled"],
        serde_json::json!([]),
        "t=2040: the policy is lifted"
    );

    for wire in [Wire::OpenAi, Wire::Gemini, Wire::Ollama] {
        let response = chat(&sim, wire, model_of(wire), "hi", false)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{wire:?} stays healthy");
    }
}

#[tokio::test]
async fn offline_answers_nothing_but_the_local_ollama() {
    let sim = builtin("offline").await;
    for wire in [Wire::Anthropic, Wire::OpenAi, Wire::Gemini] {
        assert!(
            chat(&sim, wire, model_of(wire), "hi", false)
                .send()
                .await
                .is_err(),
            "{wire:?} gives no answer"
        );
    }
    for provider in ["anthropic", "openai", "gemini"] {
        let result = client()
            .get(format!("{}/api/v2/summary.json", sim.status_url(provider)))
            .send()
            .await;
        assert!(result.is_err(), "{provider}'s status page gives no answer");
    }
    assert!(
        client().get(sim.policy_url()).send().await.is_err(),
        "the policy URL gives no answer"
    );
    let local = chat(&sim, Wire::Ollama, "llama3.2", "hi", false)
        .send()
        .await
        .unwrap();
    assert_eq!(
        local.status(),
        200,
        "a local Ollama does not need the network"
    );
}

#[tokio::test]
async fn bad_key_rate_limited_and_quota_use_each_wires_answer() {
    let sim = builtin("bad-key").await;
    let expect = [
        (Wire::Anthropic, 401),
        (Wire::OpenAi, 401),
        (Wire::Gemini, 400),
        (Wire::Ollama, 200),
    ];
    for (wire, status) in expect {
        let response = chat(&sim, wire, model_of(wire), "hi", false)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "bad-key: {wire:?}");
    }

    let sim = builtin("rate-limited").await;
    let response = chat(&sim, Wire::OpenAi, "gpt-5", "hi", false)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(
        header(response.headers(), "retry-after").as_deref(),
        Some("20")
    );
    assert_eq!(
        header(response.headers(), "x-ratelimit-reset-requests").as_deref(),
        Some("20s")
    );
    let response = chat(&sim, Wire::Anthropic, "claude-opus-4-7", "hi", false)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (
            response.status().as_u16(),
            header(response.headers(), "retry-after")
        ),
        (429, Some("30".into()))
    );
    let (status, _, body) = json(
        chat(&sim, Wire::Gemini, "gemini-2.5-pro", "hi", false)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 429);
    assert!(
        body["error"]["details"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["retryDelay"] == "38s")
    );
    advance(&sim, 120);
    assert_eq!(
        chat(&sim, Wire::OpenAi, "gpt-5", "hi", false)
            .send()
            .await
            .unwrap()
            .status(),
        200,
        "limits reset at t=120"
    );

    let sim = builtin("quota").await;
    let (_, _, body) = json(
        chat(&sim, Wire::OpenAi, "gpt-5", "hi", false)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(body["error"]["code"], "insufficient_quota");
    let (_, _, body) = json(
        chat(&sim, Wire::Gemini, "gemini-2.5-flash", "hi", false)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let quota_id = body["error"]["details"][0]["violations"][0]["quotaId"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        quota_id.contains("PerDay"),
        "Gemini's daily quota: {quota_id}"
    );
}

#[tokio::test]
async fn flapping_alternates_by_request_and_by_time() {
    let sim = builtin("flapping").await;
    let mut codes = Vec::new();
    for _ in 0..4 {
        codes.push(
            chat(&sim, Wire::OpenAi, "gpt-5-mini", "hi", false)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16(),
        );
    }
    assert_eq!(
        codes,
        [200, 500, 200, 500],
        "GPT-5 mini fails every other request"
    );
    let mut sonnet = Vec::new();
    for _ in 0..6 {
        sonnet.push(
            chat(&sim, Wire::Anthropic, "claude-sonnet-4-6", "hi", false)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16(),
        );
        advance(&sim, 20);
    }
    assert_eq!(
        sonnet,
        [200, 529, 200, 529, 200, 529],
        "Sonnet 4.6 flips every 20 s"
    );
    advance(&sim, 240);
    assert_eq!(
        chat(&sim, Wire::Anthropic, "claude-sonnet-4-6", "hi", false)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn wall_clock_scenario_time_moves_by_itself() {
    let sim = switchboard_sim::Simulator::start(
        Scenario::builtin("healthy").unwrap(),
        switchboard_sim::SimOptions {
            port: None,
            manual_clock: false,
        },
    )
    .await
    .unwrap();
    let before = sim.state().time;
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert!(
        sim.state().time > before,
        "without a manual clock, scenario time follows the wall clock"
    );
    let advanced = sim.advance(std::time::Duration::from_secs(100));
    assert!(advanced.time >= 100.0, "advancing adds to it");
    assert!(!advanced.manual_clock);
}
