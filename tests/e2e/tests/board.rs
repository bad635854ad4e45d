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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_june_2026_the_drafted_statement_names_two_models_and_warns_of_the_blanket_switch_off() {
    let sim = Simulator::start(
        Scenario::builtin("june-2026").unwrap(),
        SimOptions {
            port: None,
            manual_clock: true,
        },
    )
    .await
    .unwrap();
    // At 660 s the workspace turns off every Anthropic model; the incident names two.
    sim.advance(std::time::Duration::from_secs(700));
    let profile = Profile::with_keys();
    profile.write_config(&format!(
        "{}\n[workspace]\npolicy = \"{}\"\n[health]\nprobes = false\nstatus_poll_secs = 1\nstatus_poll_while_wrong_secs = 1\n",
        sim.config_toml(),
        sim.policy_url()
    ));
    let app = App::launch(&profile).await;
    app.show("Board").await;
    app.eventually(
        || app.texts("[data-testid=wrong-now] li strong"),
        |g: &Vec<String>| {
            g.iter()
                .any(|g| g.contains("Your workspace has turned off"))
        },
    )
    .await;
    // The board says the blanket switch-off too.
    let beyond = app.texts("[data-testid=beyond-evidence]").await;
    assert_eq!(beyond.len(), 1, "{beyond:?}");
    assert!(
        beyond[0].starts_with("The evidence names only Claude Opus"),
        "{beyond:?}"
    );
    app.click("[data-testid=statement] button").await;
    let draft = app
        .eventually(
            || async {
                app.client
                    .execute(
                        "return document.querySelector('[data-testid=statement-text]')?.value ?? ''",
                        vec![],
                    )
                    .await
                    .unwrap()
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            },
            |t: &String| !t.is_empty(),
        )
        .await;
    assert!(
        draft.starts_with("Service outage at Anthropic: Claude Opus 4.7 and Claude Opus 4.8"),
        "{draft}"
    );
    assert!(
        draft.contains("The models themselves have not changed"),
        "{draft}"
    );
    assert!(
        !draft.to_lowercase().contains("all claude models"),
        "{draft}"
    );
    let warning = app.texts("[data-testid=statement-warning]").await;
    assert_eq!(warning.len(), 1, "{warning:?}");
    assert!(
        warning[0].contains("that the evidence does not name"),
        "{warning:?}"
    );
    app.screenshot(std::path::Path::new("/tmp/switchboard-statement.png"))
        .await;
    app.close().await;
}
