//! The board through the real window, in the June 2026 replay: what is wrong now is grouped
//! by provider and reason, the two models the incident names together.

use switchboard_e2e::{App, Profile};
use switchboard_sim::{Scenario, SimOptions, Simulator};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_june_2026_the_board_groups_the_two_models_the_incident_names() {
    let sim = Simulator::start(
        Scenario::builtin("june-2026").unwrap(),
        SimOptions {
            port: None,
            manual_clock: true,
        },
    )
    .await
    .unwrap();
    // The incident is posted at 420 s.
    sim.advance(std::time::Duration::from_secs(430));
    let profile = Profile::with_keys();
    profile.write_config(&format!(
        "{}\n[health]\nprobes = false\nstatus_poll_secs = 1\nstatus_poll_while_wrong_secs = 1\n",
        sim.config_toml()
    ));
    let app = App::launch(&profile).await;
    app.show("Board").await;
    let groups = app
        .eventually(
            || app.texts("[data-testid=wrong-now] li strong"),
            |g: &Vec<String>| g.iter().any(|g| g.contains("Opus 4.7 and Opus 4.8")),
        )
        .await;
    let incident = groups
        .iter()
        .find(|g| g.contains("Opus 4.7 and Opus 4.8"))
        .unwrap();
    assert!(
        incident
            .starts_with("Anthropic: Elevated errors on Claude Opus 4.7 and Opus 4.8 — 2 models"),
        "{groups:?}"
    );
    let sides = app.texts("[data-testid=wrong-now] li .side").await;
    assert!(sides[0].contains("the provider's side"), "{sides:?}");
    // Every provider is there with its models, and Check now.
    let openai = app
        .texts("[data-testid=board-openai] .models li .name")
        .await;
    assert!(openai.iter().any(|m| m == "GPT-5"), "{openai:?}");
    app.screenshot(std::path::Path::new("/tmp/switchboard-board.png"))
        .await;
    app.close().await;
}
