//! `make screenshots`: the built app, driven under Xvfb through the simulator's scenarios,
//! photographed view by view in the light and the dark theme — the picker, the assistant
//! with an answer, a model's statistics, Settings, and during the June 2026 incident the
//! failure, the board, the consent dialog and, after the return, the episode's timeline. The
//! PNGs go into the folder given (`target/screenshots`), to be looked at.

use std::path::{Path, PathBuf};
use std::time::Duration;
use switchboard_e2e::{App, Profile};
use switchboard_sim::{Scenario, SimOptions, Simulator};

async fn simulator(scenario: &str) -> Simulator {
    Simulator::start(
        Scenario::builtin(scenario).expect("a built-in scenario"),
        SimOptions {
            port: None,
            manual_clock: true,
        },
    )
    .await
    .expect("the simulator starts")
}

/// Chooses the theme in Settings, as a person would.
async fn use_theme(app: &App, theme: &str) {
    app.show("Settings").await;
    app.click(&format!(
        "[data-testid=behaviour] input[type=radio][value={theme}]"
    ))
    .await;
    app.eventually(
        || async {
            app.client
                .execute("return document.documentElement.dataset.theme", vec![])
                .await
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        },
        |t: &String| t == theme,
    )
    .await;
}

async fn shoot(app: &App, dir: &Path, name: &str, written: &mut Vec<PathBuf>) {
    // Let a transition or a stream settle before the picture.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let path = dir.join(format!("{name}.png"));
    let png = app.client.screenshot().await.expect("a screenshot");
    std::fs::write(&path, png).expect("write the screenshot");
    written.push(path);
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "target/screenshots".into()),
    );
    std::fs::create_dir_all(&dir).expect("the screenshots folder");
    let mut written = Vec::new();
    for theme in ["light", "dark"] {
        // A healthy day: the picker, an answer, Settings.
        let sim = simulator("healthy").await;
        let profile = Profile::with_keys();
        profile.write_config(&format!(
            "{}\n[health]\nprobes = false\n",
            sim.config_toml()
        ));
        let app = App::launch(&profile).await;
        use_theme(&app, theme).await;
        // Choosing the theme scrolled Settings down: the picture starts at its top.
        let _ = app
            .client
            .execute(
                "document.querySelector('[data-testid=settings]').scrollTop = 0",
                vec![],
            )
            .await;
        shoot(&app, &dir, &format!("settings-{theme}"), &mut written).await;
        // Settings is longer than the window: each of its other parts, brought into view.
        for part in ["servers", "workspace", "behaviour", "statement-template"] {
            let _ = app
                .client
                .execute(
                    &format!("document.querySelector('[data-testid={part}]').scrollIntoView()"),
                    vec![],
                )
                .await;
            shoot(
                &app,
                &dir,
                &format!("settings-{part}-{theme}"),
                &mut written,
            )
            .await;
        }
        app.prefer("anthropic/claude-opus-4-7").await;
        app.show("Models").await;
        shoot(&app, &dir, &format!("picker-{theme}"), &mut written).await;
        app.show("Assistant").await;
        app.type_and_send("What does Switchboard do when my model is out?")
            .await;
        app.wait_for("[data-testid=answered-by]").await;
        shoot(&app, &dir, &format!("assistant-{theme}"), &mut written).await;
        for question in ["And the queue?", "And the return?"] {
            app.type_and_send(question).await;
        }
        app.eventually(
            || app.texts("[data-testid=answered-by]"),
            |l: &Vec<String>| l.len() == 3,
        )
        .await;
        app.show("Board").await;
        app.click("[data-testid=model-stats] input[type=radio][value=hour]")
            .await;
        let _ = app
            .client
            .execute(
                "document.querySelector('[data-testid=model-stats]').scrollIntoView()",
                vec![],
            )
            .await;
        shoot(&app, &dir, &format!("stats-{theme}"), &mut written).await;
        app.close().await;
        drop(sim);

        // June 2026, after the incident is posted: the dialog, then the failure as told.
        let sim = simulator("june-2026").await;
        sim.advance(Duration::from_secs(430));
        let profile = Profile::with_keys();
        profile.write_config(&format!(
            "{}\n[health]\nprobes = false\nstatus_poll_secs = 1\nstatus_poll_while_wrong_secs = 1\n",
            sim.config_toml()
        ));
        let app = App::launch(&profile).await;
        use_theme(&app, theme).await;
        app.prefer("anthropic/claude-opus-4-7").await;
        app.eventually(
            || app.texts(".asking .badge"),
            |b: &Vec<String>| b == &["Unavailable"],
        )
        .await;
        app.show("Models").await;
        shoot(&app, &dir, &format!("failure-{theme}"), &mut written).await;
        app.show("Board").await;
        app.wait_for("[data-testid=wrong-now]").await;
        shoot(&app, &dir, &format!("board-{theme}"), &mut written).await;
        app.click("[data-testid=statement] button").await;
        app.wait_for("[data-testid=statement-text]").await;
        shoot(&app, &dir, &format!("statement-{theme}"), &mut written).await;
        app.show("Assistant").await;
        app.type_and_send("Summarise the incident report").await;
        app.wait_for("[data-testid=consent-dialog]").await;
        shoot(&app, &dir, &format!("dialog-{theme}"), &mut written).await;
        // After the return: the episode's timeline beside Anthropic's posts.
        app.click("[data-choice=cancel]").await;
        sim.advance(Duration::from_secs(1500));
        app.show("Board").await;
        app.eventually(
            || app.texts("[data-testid=episodes] tbody tr"),
            |rows: &Vec<String>| {
                rows.iter()
                    .any(|r| r.starts_with("Claude Opus 4.7") && !r.contains("still going on"))
            },
        )
        .await;
        app.click(
            "[data-testid=episodes] tbody tr button[aria-label^='Timeline of Claude Opus 4.7']",
        )
        .await;
        app.eventually(
            || app.texts("[data-testid=lanes] tr[data-kind=post]"),
            |posts: &Vec<String>| posts.len() >= 5,
        )
        .await;
        shoot(&app, &dir, &format!("timeline-{theme}"), &mut written).await;
        app.close().await;
    }
    for path in &written {
        println!("{}", path.display());
    }
}
