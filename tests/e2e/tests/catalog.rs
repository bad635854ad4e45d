//! The live catalog through the real window: a model a provider adds appears after Refresh,
//! and a preferred model the provider retires is explained and a replacement offered — never
//! switched to without the person.

use std::time::Duration;
use switchboard_e2e::{App, Profile};
use switchboard_sim::{Scenario, SimOptions, Simulator};

async fn simulator(scenario: &str) -> Simulator {
    Simulator::start(
        Scenario::builtin(scenario).unwrap(),
        SimOptions {
            port: None,
            manual_clock: true,
        },
    )
    .await
    .expect("the simulator starts")
}

async fn preferred(app: &App) -> Vec<String> {
    app.attrs("[role=option][aria-selected=true]", "data-model")
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_model_appears_after_a_refresh_and_a_retired_preferred_one_is_offered_a_replacement()
{
    let sim = simulator("model-changes").await;
    let profile = Profile::with_keys();
    profile.write_config(&sim.config_toml());
    let app = App::launch(&profile).await;
    app.show("Models").await;

    // The lists are read in the background at start.
    let status = app
        .eventually(
            || app.texts("[data-testid=model-lists-status]"),
            |s: &Vec<String>| s.iter().any(|s| s.starts_with("Model lists read")),
        )
        .await;
    assert!(
        status[0].starts_with("Model lists read"),
        "the status says when: {status:?}"
    );
    assert!(
        app.attrs("[data-model='anthropic/claude-opus-6']", "data-model")
            .await
            .is_empty(),
        "not released yet"
    );
    app.wait_for("[data-model='anthropic/claude-opus-4-6']")
        .await
        .click()
        .await
        .unwrap();
    app.eventually(
        || preferred(&app),
        |m: &Vec<String>| m == &["anthropic/claude-opus-4-6"],
    )
    .await;

    // Anthropic releases Claude Opus 6 and retires Claude Opus 4.6; the person presses Refresh.
    sim.advance(Duration::from_secs(60));
    app.wait_for("[data-testid=refresh-models]")
        .await
        .click()
        .await
        .unwrap();
    let name = app
        .eventually(
            || app.texts("[data-model='anthropic/claude-opus-6'] .name"),
            |n: &Vec<String>| !n.is_empty(),
        )
        .await;
    assert_eq!(
        name,
        ["Claude Opus 6"],
        "the new model, by the provider's name"
    );
    let tags = app
        .texts("[data-model='anthropic/claude-opus-6'] [data-tag]")
        .await;
    assert!(tags.iter().any(|t| t == "New"), "{tags:?}");
    assert!(
        tags.iter().any(|t| t == "Details unknown"),
        "no price from the list: {tags:?}"
    );

    let reason = app
        .eventually(
            || app.texts("[data-model='anthropic/claude-opus-4-6'] .reason"),
            |r: &Vec<String>| r == &["Anthropic no longer offers Claude Opus 4.6"],
        )
        .await;
    assert_eq!(reason, ["Anthropic no longer offers Claude Opus 4.6"]);
    let badge = app
        .texts("[data-model='anthropic/claude-opus-4-6'] .badge")
        .await;
    assert_eq!(badge, ["Retired"]);

    // Offered, not switched.
    let offer = app
        .eventually(
            || app.texts("[data-testid=switch-to-replacement]"),
            |o: &Vec<String>| !o.is_empty(),
        )
        .await;
    assert_eq!(offer, ["Switch to Claude Opus 6"]);
    assert_eq!(preferred(&app).await, ["anthropic/claude-opus-4-6"]);
    app.screenshot(std::path::Path::new("/tmp/switchboard-catalog.png"))
        .await;
    app.wait_for("[data-testid=switch-to-replacement]")
        .await
        .click()
        .await
        .unwrap();
    let now = app
        .eventually(
            || preferred(&app),
            |m: &Vec<String>| m == &["anthropic/claude-opus-6"],
        )
        .await;
    assert_eq!(now, ["anthropic/claude-opus-6"], "switched on the click");
    assert!(
        app.texts("[data-testid=replacement-offer]")
            .await
            .is_empty(),
        "the offer is gone once taken"
    );
    app.close().await;
    sim.stop().await;
}
