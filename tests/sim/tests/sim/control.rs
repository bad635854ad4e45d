//! The request log, the control endpoints, the router in-process and on a real port.

use crate::support::*;
use axum::body::Body;
use axum::http::Request;
use serde_json::Value;
use switchboard_sim::stubs::Wire;
use switchboard_sim::{AppState, LoggedRequest, Scenario, app};
use tower::ServiceExt;

#[tokio::test]
async fn request_log_is_exact() {
    let sim = scenario(
        r#"[[steps]]
at = 0
label = "mixed"
[steps.models]
"anthropic/claude-opus-4-7" = { behaviour = "error", error = "overloaded" }
"openai/gpt-5" = { behaviour = "reset" }
"#,
    )
    .await;
    chat(&sim, Wire::Anthropic, "claude-opus-4-7", "hi", false)
        .send()
        .await
        .unwrap();
    chat(&sim, Wire::Anthropic, "claude-haiku-4-5", "hi", true)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let _ = chat(&sim, Wire::OpenAi, "gpt-5", "hi", false).send().await;
    advance(&sim, 5);
    chat(&sim, Wire::Gemini, "gemini-9", "hi", false)
        .send()
        .await
        .unwrap();
    client()
        .get(format!(
            "{}/api/v2/status.json",
            sim.status_url("anthropic")
        ))
        .send()
        .await
        .unwrap();
    client().get(sim.policy_url()).send().await.unwrap();

    let log = sim.requests();
    type Row<'a> = (
        Option<&'a str>,
        Option<&'a str>,
        &'a str,
        Option<u16>,
        &'a str,
    );
    let summary: Vec<Row> = log
        .iter()
        .map(|r| {
            (
                r.provider.as_deref(),
                r.model.as_deref(),
                r.path.as_str(),
                r.status,
                r.outcome.as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                Some("anthropic"),
                Some("claude-opus-4-7"),
                "/anthropic/v1/messages",
                Some(529),
                "overloaded"
            ),
            (
                Some("anthropic"),
                Some("claude-haiku-4-5"),
                "/anthropic/v1/messages",
                Some(200),
                "ok"
            ),
            (
                Some("openai"),
                Some("gpt-5"),
                "/openai/v1/chat/completions",
                None,
                "reset"
            ),
            (
                Some("gemini"),
                Some("gemini-9"),
                "/gemini/v1beta/models/gemini-9:generateContent",
                Some(404),
                "not_found"
            ),
            (
                Some("anthropic"),
                None,
                "/status/anthropic/api/v2/status.json",
                Some(200),
                "ok"
            ),
            (Some("policy"), None, "/policy", Some(200), "ok"),
        ],
        "every request, in order, with what it was answered"
    );
    assert_eq!(log[0].t, 0.0);
    assert_eq!(log[3].t, 5.0, "scenario time of each request");
    assert!(
        log.iter()
            .all(|r| chrono::DateTime::parse_from_rfc3339(&r.wall).is_ok()),
        "wall time is RFC 3339"
    );
    assert!(log.iter().all(|r| r.method
        == if r.path.contains("/v1") {
            "POST"
        } else {
            "GET"
        }));

    let over_http: Vec<LoggedRequest> = client()
        .get(format!("{}/_sim/requests", sim.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(over_http, log, "GET /_sim/requests serves the same log");
}

#[tokio::test]
async fn control_endpoints_report_and_move_time() {
    let sim = builtin("june-2026").await;
    let base = sim.base_url();
    let root = client().get(&base).send().await.unwrap();
    assert_eq!(root.status(), 200);
    assert!(
        root.text().await.unwrap().contains("june-2026"),
        "/ names the scenario"
    );
    let state: Value = client()
        .get(format!("{base}/_sim/state"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state["scenario"], "june-2026");
    assert_eq!(
        (state["time"].as_f64(), state["step_index"].as_u64()),
        (Some(0.0), Some(0))
    );
    assert_eq!(state["step_label"], "healthy");
    let moved: Value = client()
        .post(format!("{base}/_sim/advance?seconds=420"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(moved["time"], 420.0);
    assert_eq!(moved["step_label"], "Anthropic posts an incident");
    assert_eq!(sim.state().step_index, 3);
    let bad = client()
        .post(format!("{base}/_sim/advance?seconds=-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400, "time does not go back");
    assert!(sim.requests().is_empty(), "control requests are not logged");
}

#[tokio::test]
async fn config_toml_points_every_provider_at_the_sim() {
    let sim = builtin("healthy").await;
    let config: toml::Table = toml::from_str(&sim.config_toml()).expect("config_toml is TOML");
    let providers = config["providers"].as_table().unwrap();
    for provider in ["anthropic", "openai", "gemini", "ollama"] {
        assert_eq!(
            providers[provider]["base_url"].as_str(),
            Some(sim.provider_url(provider).as_str())
        );
    }
    assert_eq!(
        providers["anthropic"]["status_url"].as_str(),
        Some(sim.status_url("anthropic").as_str())
    );
    assert_eq!(
        providers["openai"]["status_url"].as_str(),
        Some(sim.status_url("openai").as_str())
    );
    assert!(
        providers["gemini"].get("status_url").is_none(),
        "Gemini publishes no feed"
    );
    assert!(sim.base_url().starts_with("http://127.0.0.1:"));
    assert_eq!(sim.policy_url(), format!("{}/policy", sim.base_url()));
    assert_eq!(
        config["demo"]["scenario"].as_str(),
        Some("healthy"),
        "the app is told it is looking at a simulation"
    );
}

#[tokio::test]
async fn router_answers_in_process() {
    let state = AppState::new(Scenario::builtin("healthy").unwrap(), true);
    let router = app(state.clone());
    let response = router
        .clone()
        .oneshot(Request::get("/").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    assert_eq!(body, "switchboard-sim: scenario healthy\n");

    let request = Request::post("/openai/v1/chat/completions")
        .header("authorization", "Bearer k")
        .header("content-type", "application/json")
        .body(Body::from(
            r#"{"model":"gpt-5","messages":[{"role":"user","content":"hi"}]}"#,
        ))
        .unwrap();
    let response = router.oneshot(request).await.unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = serde_json::from_slice(
        &axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(body["object"], "chat.completion");
    assert_eq!(
        state.requests().len(),
        1,
        "in-process requests are logged too"
    );
}

#[tokio::test]
async fn simulator_serves_a_real_port_and_stops() {
    let sim = builtin("healthy").await;
    let addr = sim.addr();
    let response = client().get(sim.base_url()).send().await.unwrap();
    assert_eq!(response.status(), 200);
    sim.stop().await;
    let after = client().get(format!("http://{addr}/")).send().await;
    assert!(after.is_err(), "nothing listens after stop");
}

#[tokio::test]
async fn paths_no_route_serves_follow_the_scenario() {
    let healthy = builtin("healthy").await;
    let client = reqwest::Client::new();
    let answer = client
        .head(healthy.provider_url("anthropic"))
        .send()
        .await
        .expect("a healthy provider answers even an unknown path");
    assert_eq!(answer.status().as_u16(), 404);

    let offline = builtin("offline").await;
    for url in [
        offline.provider_url("anthropic"),
        offline.provider_url("openai"),
        format!("{}/status/anthropic", offline.base_url()),
    ] {
        assert!(
            client.head(&url).send().await.is_err(),
            "offline: {url} should give no HTTP answer at all"
        );
    }
    assert!(
        client
            .head(offline.provider_url("ollama"))
            .send()
            .await
            .is_ok(),
        "the local server still answers"
    );
}
