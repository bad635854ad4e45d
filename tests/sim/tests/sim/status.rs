//! Status pages: Statuspage v2 shapes, incident history over time, conditional GET, feeds.

use crate::support::*;
use serde_json::{Value, json};
use std::time::Duration;

fn component<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["name"]
                .as_str()
                .is_some_and(|n| n == name || n.split(" (").next() == Some(name))
        })
        .unwrap_or_else(|| panic!("component {name} on the page"))
}

#[tokio::test]
async fn anthropic_page_is_claude_statuspage() {
    let sim = builtin("june-2026").await;
    let summary = status_doc(&sim, "anthropic", "api/v2/summary.json").await;
    assert_eq!(summary["page"]["id"], "tymt9n04zgry");
    assert_eq!(summary["page"]["name"], "Claude");
    assert_eq!(summary["page"]["url"], "https://status.claude.com");
    assert!(summary["page"]["time_zone"].is_string() && summary["page"]["updated_at"].is_string());
    assert_eq!(
        summary["status"],
        json!({"indicator": "none", "description": "All Systems Operational"})
    );
    let api = component(&summary, "Claude API");
    assert_eq!(api["id"], "k8w3r06qmzrp");
    assert_eq!(api["status"], "operational");
    for field in [
        "position",
        "group",
        "group_id",
        "page_id",
        "showcase",
        "only_show_if_degraded",
        "created_at",
        "updated_at",
    ] {
        assert!(
            api.get(field).is_some(),
            "a Statuspage component has {field}"
        );
    }
    let names: Vec<&str> = summary["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"claude.ai") && names.contains(&"Claude Console (platform.claude.com)"),
        "the real page's names: {names:?}"
    );
    assert!(
        !names.iter().any(|n| n.contains("Opus")),
        "Anthropic has no component per model"
    );
    assert_eq!(summary["incidents"], json!([]));
    assert_eq!(summary["scheduled_maintenances"], json!([]));
    for path in [
        "status.json",
        "components.json",
        "incidents/unresolved.json",
        "incidents.json",
        "scheduled-maintenances/active.json",
    ] {
        let doc = status_doc(&sim, "anthropic", &format!("api/v2/{path}")).await;
        assert_eq!(doc["page"]["id"], "tymt9n04zgry", "{path} carries the page");
    }
    let history = status_doc(&sim, "anthropic", "api/v2/incidents.json").await;
    assert_eq!(
        history["incidents"][0]["status"], "resolved",
        "history holds an old resolved incident"
    );
}

#[tokio::test]
async fn june_incident_opens_advances_and_resolves() {
    let sim = builtin("june-2026").await;
    advance(&sim, 419);
    let unresolved = status_doc(&sim, "anthropic", "api/v2/incidents/unresolved.json").await;
    assert_eq!(
        unresolved["incidents"],
        json!([]),
        "no incident before t=420"
    );

    advance(&sim, 1);
    let summary = status_doc(&sim, "anthropic", "api/v2/summary.json").await;
    assert_eq!(
        component(&summary, "Claude API")["status"],
        "degraded_performance"
    );
    assert_eq!(summary["status"]["indicator"], "major");
    let incident = &summary["incidents"][0];
    assert_eq!(
        incident["name"],
        "Elevated errors on Claude Opus 4.7 and Opus 4.8"
    );
    assert_eq!(incident["status"], "investigating");
    assert_eq!(incident["impact"], "major");
    assert_eq!(incident["id"], "q4lnmtw3kc8y");
    assert!(
        incident["shortlink"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    assert_eq!(
        incident["created_at"], "2026-06-05T14:07:00.000Z",
        "stamped with the step's time"
    );
    assert_eq!(incident["resolved_at"], Value::Null);
    let update = &incident["incident_updates"][0];
    assert_eq!(update["status"], "investigating");
    assert_eq!(update["display_at"], "2026-06-05T14:07:00.000Z");
    assert_eq!(
        update["affected_components"],
        json!([{"code": "k8w3r06qmzrp", "name": "Claude API (api.anthropic.com)", "old_status": "operational", "new_status": "degraded_performance"}])
    );
    let unresolved = status_doc(&sim, "anthropic", "api/v2/incidents/unresolved.json").await;
    assert_eq!(unresolved["incidents"][0]["id"], "q4lnmtw3kc8y");

    advance(&sim, 1920 - 420);
    let unresolved = status_doc(&sim, "anthropic", "api/v2/incidents/unresolved.json").await;
    assert_eq!(unresolved["incidents"], json!([]), "resolved by t=1920");
    let summary = status_doc(&sim, "anthropic", "api/v2/summary.json").await;
    assert_eq!(summary["status"]["indicator"], "none");
    assert_eq!(component(&summary, "Claude API")["status"], "operational");
    let history = status_doc(&sim, "anthropic", "api/v2/incidents.json").await;
    let incident = &history["incidents"][0];
    assert_eq!(incident["status"], "resolved");
    assert_eq!(incident["resolved_at"], "2026-06-05T14:32:00.000Z");
    assert_eq!(incident["monitoring_at"], "2026-06-05T14:27:00.000Z");
    let statuses: Vec<&str> = incident["incident_updates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [
            "resolved",
            "monitoring",
            "identified",
            "identified",
            "investigating"
        ],
        "newest first"
    );
    let bodies: Vec<&str> = incident["incident_updates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["body"].as_str().unwrap())
        .collect();
    assert!(
        bodies[2].contains("Opus 4.8 have returned to normal"),
        "the update names the recovered model"
    );

    let atom = client()
        .get(format!("{}/history.atom", sim.status_url("anthropic")))
        .send()
        .await
        .unwrap();
    assert_eq!(atom.status(), 200);
    assert!(
        atom.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let atom = atom.text().await.unwrap();
    assert!(atom.contains("<title>Elevated errors on Claude Opus 4.7 and Opus 4.8</title>"));
    assert!(atom.contains("<feed xml:lang=\"en-US\" xmlns=\"http://www.w3.org/2005/Atom\">"));
}

#[tokio::test]
async fn etag_and_last_modified_give_304() {
    let sim = builtin("june-2026").await;
    let url = format!("{}/api/v2/summary.json", sim.status_url("anthropic"));
    let first = client().get(&url).send().await.unwrap();
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    let modified = first.headers()["last-modified"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(etag.starts_with("W/\""), "a weak ETag: {etag}");

    let again = client()
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304, "the same ETag is not modified");
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    assert!(again.bytes().await.unwrap().is_empty(), "304 has no body");

    let since = client()
        .get(&url)
        .header("if-modified-since", &modified)
        .send()
        .await
        .unwrap();
    assert_eq!(since.status(), 304, "not modified since Last-Modified");
    let older = client()
        .get(&url)
        .header("if-modified-since", "Mon, 01 Jan 2024 00:00:00 GMT")
        .send()
        .await
        .unwrap();
    assert_eq!(older.status(), 200, "modified since an older date");

    advance(&sim, 420);
    let changed = client()
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200, "a new incident changes the document");
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), etag);
    let changed_since = client()
        .get(&url)
        .header("if-modified-since", &modified)
        .send()
        .await
        .unwrap();
    assert_eq!(changed_since.status(), 200);
    assert_eq!(
        changed_since.headers()["last-modified"].to_str().unwrap(),
        "Fri, 05 Jun 2026 14:07:00 GMT"
    );

    let atom = format!("{}/history.atom", sim.status_url("anthropic"));
    let tag = client().get(&atom).send().await.unwrap().headers()["etag"]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(
        client()
            .get(&atom)
            .header("if-none-match", tag)
            .send()
            .await
            .unwrap()
            .status(),
        304
    );
    let policy = client().get(sim.policy_url()).send().await.unwrap();
    let tag = policy.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(
        client()
            .get(sim.policy_url())
            .header("if-none-match", tag)
            .send()
            .await
            .unwrap()
            .status(),
        304
    );
}

#[tokio::test]
async fn openai_page_behaves_like_incident_io() {
    let sim = scenario(
        r#"[[steps]]
at = 0
label = "start"
[[steps]]
at = 30
label = "component only"
status.openai.components = { "Chat Completions" = "degraded_performance" }
status.anthropic.components = { "Claude API" = "degraded_performance" }
[[steps]]
at = 60
label = "incident"
[[steps.status.openai.incidents]]
id = "chat-errors"
name = "Increased error rates for Chat Completions"
impact = "minor"
status = "investigating"
body = "We are investigating."
components = ["Chat Completions"]
"#,
    )
    .await;
    let before = status_doc(&sim, "openai", "api/v2/summary.json").await;
    let anthropic_before = status_doc(&sim, "anthropic", "api/v2/summary.json").await;
    assert_eq!(before["page"]["name"], "OpenAI");
    assert_eq!(
        before["page"]["id"].as_str().unwrap().len(),
        26,
        "incident.io ids are ULIDs"
    );
    let chat = component(&before, "Chat Completions");
    assert!(
        chat.get("showcase").is_none(),
        "incident.io components carry no showcase"
    );
    let apis = component(&before, "APIs");
    assert_eq!(apis["group"], true);
    assert!(apis["components"].as_array().unwrap().contains(&chat["id"]));
    assert_eq!(chat["group_id"], apis["id"]);

    advance(&sim, 30);
    let after = status_doc(&sim, "openai", "api/v2/summary.json").await;
    assert_eq!(
        component(&after, "Chat Completions")["status"],
        "degraded_performance"
    );
    assert_eq!(
        component(&after, "APIs")["status"],
        "degraded_performance",
        "a group shows its worst member"
    );
    assert_eq!(
        after["page"]["updated_at"], before["page"]["updated_at"],
        "incident.io: page.updated_at moves only on incidents"
    );
    let anthropic_after = status_doc(&sim, "anthropic", "api/v2/summary.json").await;
    assert_ne!(
        anthropic_after["page"]["updated_at"], anthropic_before["page"]["updated_at"],
        "Statuspage: it moves on any change"
    );

    advance(&sim, 30);
    let incident = status_doc(&sim, "openai", "api/v2/summary.json").await;
    assert_eq!(incident["page"]["updated_at"], "2026-06-05T14:01:00.000Z");
    let id = incident["incidents"][0]["id"].as_str().unwrap();
    assert_eq!(id.len(), 26);
    assert_eq!(
        incident["incidents"][0]["shortlink"],
        format!("https://status.openai.com/incidents/{id}")
    );
    assert_eq!(incident["status"]["indicator"], "minor");
}

#[tokio::test]
async fn maintenance_shows_on_openais_page_and_fails_requests() {
    let sim = builtin("maintenance").await;
    let upcoming = status_doc(&sim, "openai", "api/v2/summary.json").await;
    assert_eq!(upcoming["scheduled_maintenances"][0]["status"], "scheduled");
    assert_eq!(
        upcoming["scheduled_maintenances"][0]["scheduled_for"],
        "2026-06-05T14:01:00.000Z"
    );
    assert_eq!(
        upcoming["scheduled_maintenances"][0]["scheduled_until"],
        "2026-06-05T14:21:00.000Z"
    );
    let active = status_doc(&sim, "openai", "api/v2/scheduled-maintenances/active.json").await;
    assert_eq!(
        active["scheduled_maintenances"],
        json!([]),
        "not active before it starts"
    );

    advance(&sim, 60);
    let active = status_doc(&sim, "openai", "api/v2/scheduled-maintenances/active.json").await;
    let maintenance = &active["scheduled_maintenances"][0];
    assert_eq!(maintenance["status"], "in_progress");
    assert_eq!(maintenance["impact"], "maintenance");
    let summary = status_doc(&sim, "openai", "api/v2/summary.json").await;
    assert_eq!(
        component(&summary, "Chat Completions")["status"],
        "under_maintenance"
    );
    assert_eq!(summary["status"]["indicator"], "maintenance");
    let response = chat(
        &sim,
        switchboard_sim::stubs::Wire::OpenAi,
        "gpt-5",
        "hi",
        false,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(
        response.status(),
        503,
        "requests fail during the maintenance"
    );

    advance(&sim, 1200);
    let done = status_doc(&sim, "openai", "api/v2/summary.json").await;
    assert_eq!(done["scheduled_maintenances"], json!([]));
    assert_eq!(done["status"]["indicator"], "none");
    let response = chat(
        &sim,
        switchboard_sim::stubs::Wire::OpenAi,
        "gpt-5",
        "hi",
        false,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn garbage_feed_misbehaves_in_every_way() {
    let sim = builtin("garbage-feed").await;
    let summary = |provider: &str| {
        client()
            .get(format!("{}/api/v2/summary.json", sim.status_url(provider)))
            .send()
    };

    let garbage = summary("anthropic").await.unwrap();
    assert_eq!(garbage.status(), 200);
    assert!(
        serde_json::from_slice::<Value>(&garbage.bytes().await.unwrap()).is_err(),
        "garbage is not JSON"
    );
    let challenge = summary("openai").await.unwrap();
    assert_eq!(challenge.status(), 403);
    assert_eq!(challenge.headers()["cf-mitigated"], "challenge");
    assert!(challenge.text().await.unwrap().contains("Just a moment..."));
    let huge = summary("gemini").await.unwrap();
    assert_eq!(
        huge.bytes().await.unwrap().len(),
        switchboard_sim::stubs::HUGE_BYTES
    );
    let api = chat(
        &sim,
        switchboard_sim::stubs::Wire::Anthropic,
        "claude-opus-4-7",
        "hi",
        false,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(api.status(), 200, "the APIs are fine");

    advance(&sim, 120);
    let challenge = summary("anthropic").await.unwrap();
    assert_eq!(
        challenge.status(),
        200,
        "a challenge page can come with 200"
    );
    assert!(
        challenge.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let redirected = summary("gemini").await.unwrap();
    assert_eq!(redirected.status(), 200, "the redirect is followed");
    assert!(
        redirected.url().path().starts_with("/moved/status/gemini/"),
        "{}",
        redirected.url()
    );
    let doc: Value = redirected.json().await.unwrap();
    assert_eq!(doc["page"]["name"], "Google AI Studio");
    let stalled = client()
        .get(format!("{}/api/v2/summary.json", sim.status_url("openai")))
        .timeout(Duration::from_millis(200))
        .send()
        .await;
    assert!(
        stalled
            .expect_err("the stalled page does not answer in time")
            .is_timeout()
    );

    advance(&sim, 240);
    let ok = status_doc(&sim, "openai", "api/v2/summary.json").await;
    assert_eq!(ok["page"]["name"], "OpenAI", "back to normal at t=360");
}

#[tokio::test]
async fn policy_follows_the_june_timeline() {
    let sim = builtin("june-2026").await;
    let get = || async {
        client()
            .get(sim.policy_url())
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()
    };
    assert_eq!(get().await["disabled"], json!([]), "no policy at first");
    advance(&sim, 660);
    let policy = get().await;
    assert_eq!(policy["updated_at"], "2026-06-05T14:11:00Z");
    assert_eq!(
        policy["disabled"],
        json!([{"provider": "anthropic", "model": null, "until": null,
            "message": "Anthropic is having an outage; we'll turn them back on once it's resolved."}])
    );
    advance(&sim, 2040 - 660);
    let lifted = get().await;
    assert_eq!(lifted["disabled"], json!([]), "lifted at t=2040");
    assert_eq!(lifted["updated_at"], "2026-06-05T14:34:00Z");
}
