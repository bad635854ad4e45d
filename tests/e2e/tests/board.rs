//! The board through the real window, in the June 2026 replay: what is wrong now is grouped
//! by provider and reason, the two models the incident names together.

use switchboard_e2e::{App, Profile};
use switchboard_sim::{Scenario, SimOptions, Simulator};

/// The simulator on `scenario`, its clock moved only by the test.
async fn simulator(scenario: Scenario) -> Simulator {
    Simulator::start(
        scenario,
        SimOptions {
            port: None,
            manual_clock: true,
        },
    )
    .await
    .unwrap()
}

/// A profile with keys on `sim`, `extra` in its config, no probes, and the status pages read
/// every second: what the window shows follows the simulator's clock at once.
fn polling_fast(sim: &Simulator, extra: &str) -> Profile {
    let profile = Profile::with_keys();
    profile.write_config(&format!(
        "{}\n{extra}[health]\nprobes = false\nstatus_poll_secs = 1\nstatus_poll_while_wrong_secs = 1\n",
        sim.config_toml()
    ));
    profile
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_june_2026_the_board_groups_the_two_models_the_incident_names() {
    let sim = simulator(Scenario::builtin("june-2026").unwrap()).await;
    // The incident is posted at 420 s.
    sim.advance(std::time::Duration::from_secs(430));
    let profile = polling_fast(&sim, "");
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
    let sim = simulator(Scenario::builtin("june-2026").unwrap()).await;
    // At 660 s the workspace turns off every Anthropic model; the incident names two.
    sim.advance(std::time::Duration::from_secs(700));
    let profile = polling_fast(
        &sim,
        &format!("[workspace]\npolicy = \"{}\"\n", sim.policy_url()),
    );
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

fn chat_requests(sim: &Simulator, model: &str) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.method == "POST" && r.model.as_deref() == Some(model))
        .count()
}

/// June 2026 through the window, from the first server error to the return: the episode's
/// timeline holds this app's first failure before Anthropic's first post and says by how
/// much, the provider's posts are in their own lane, and after recovery the history holds
/// both episodes with how long each lasted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_june_2026_the_timeline_leads_the_post_and_the_history_holds_both_episodes() {
    let sim = simulator(Scenario::builtin("june-2026").unwrap()).await;
    // 150 s: nine requests in ten fail; the step's first still answers.
    sim.advance(std::time::Duration::from_secs(160));
    let profile = polling_fast(&sim, "");
    let app = App::launch(&profile).await;
    app.prefer("anthropic/claude-opus-4-7").await;
    app.type_and_send("Hello").await;
    app.eventually(
        || app.texts("[data-testid=answered-by]"),
        |l: &Vec<String>| l.len() == 1,
    )
    .await;
    app.type_and_send("And again").await;
    // Its three attempts fail with server errors.
    app.eventually(
        || async { chat_requests(&sim, "claude-opus-4-7") },
        |n: &usize| *n == 4,
    )
    .await;
    // The window offers another model at once; the person declines for now.
    app.wait_for("[data-testid=consent-dialog]").await;
    app.click("[data-choice=cancel]").await;

    // 430 s: Anthropic posts the incident.
    sim.advance(std::time::Duration::from_secs(270));
    app.show("Board").await;
    app.eventually(
        || app.texts("[data-testid=wrong-now] li strong"),
        |g: &Vec<String>| g.iter().any(|g| g.contains("Opus 4.7 and Opus 4.8")),
    )
    .await;

    // 1930 s: resolved. Opus 4.8 is back by the page; Opus 4.7, failed on this app's own
    // requests, when it answers again: the person asks it anyway.
    sim.advance(std::time::Duration::from_secs(1500));
    app.eventually(
        || app.texts("[data-testid=board-anthropic] .models li .headline"),
        |h: &Vec<String>| !h.iter().any(|h| h.contains("Elevated errors on")),
    )
    .await;
    app.show("Assistant").await;
    app.type_and_send("Thanks").await;
    app.click("[data-choice=keep_trying]").await;
    app.eventually(
        || app.texts("[data-testid=answered-by]"),
        |l: &Vec<String>| l.len() == 2,
    )
    .await;

    app.show("Board").await;
    // Each row: model, started, ended, lasted, why, side.
    let opus_rows = |rows: &Vec<String>| -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.split('\t').map(str::to_string).collect::<Vec<_>>())
            .filter(|cells| cells[0] == "Claude Opus 4.7" || cells[0] == "Claude Opus 4.8")
            .collect()
    };
    let rows = app
        .eventually(
            || app.texts("[data-testid=episodes] tbody tr"),
            |rows: &Vec<String>| {
                let opus = opus_rows(rows);
                opus.len() == 2 && opus.iter().all(|cells| cells[2] != "still going on")
            },
        )
        .await;
    let opus = opus_rows(&rows);
    for cells in &opus {
        // This app's clock is the real one: a replay's episode lasts seconds.
        assert!(
            cells[3].ends_with(" s") || cells[3].ends_with(" min"),
            "how long it lasted: {cells:?}"
        );
    }
    // The episode began with the first failed attempt, before its retries ran out.
    assert!(
        opus[0][4].contains("Some requests fail with server errors at Anthropic"),
        "{opus:?}"
    );
    assert!(
        opus[1][4].contains("Elevated errors on Claude Opus 4.7 and Opus 4.8"),
        "{opus:?}"
    );

    app.click("[data-testid=episodes] tbody tr button[aria-label^='Timeline of Claude Opus 4.7']")
        .await;
    let lead = app
        .eventually(
            || app.texts("[data-testid=timeline] [data-testid=lead]"),
            |l: &Vec<String>| !l.is_empty(),
        )
        .await;
    // The app's clock is the real one; the page's posts are at the simulator's time, 420 s
    // after its start, and the first failure came a few seconds after the start.
    let ahead = minutes_ahead(&lead[0]);
    assert!(
        ahead.is_some_and(|minutes| (6..=7).contains(&minutes)),
        "{lead:?}"
    );
    let kinds = app.attrs("[data-testid=lanes] tbody tr", "data-kind").await;
    let first_failure = kinds.iter().position(|k| k == "first_failure");
    let first_post = kinds.iter().position(|k| k == "post");
    assert!(
        first_failure.is_some() && first_failure < first_post,
        "{kinds:?}"
    );
    let posts = app
        .texts("[data-testid=lanes] tbody tr[data-kind=post] td.posted strong")
        .await;
    assert_eq!(
        posts.first().map(String::as_str),
        Some("Investigating: Elevated errors on Claude Opus 4.7 and Opus 4.8")
    );
    assert!(
        posts.last().is_some_and(|p| p.starts_with("Resolved")),
        "{posts:?}"
    );
    let back = app.texts("[data-testid=return-lead]").await;
    assert_eq!(back.len(), 1, "{back:?}");
    let identity = app.texts("[data-testid=identity]").await;
    assert!(
        identity[0].contains("the same snapshot before and after the incident"),
        "{identity:?}"
    );
    app.screenshot(std::path::Path::new("/tmp/switchboard-timeline.png"))
        .await;
    app.close().await;
}

/// "Switchboard saw the first server errors N min before Anthropic posted.": N.
fn minutes_ahead(lead: &str) -> Option<u32> {
    let rest = lead.strip_prefix("Switchboard saw the first server errors ")?;
    let (minutes, tail) = rest.split_once(" min ")?;
    (tail == "before Anthropic posted.").then_some(())?;
    minutes.parse().ok()
}

/// A status page's words are untrusted: an incident whose title and update carry markup
/// is shown as that text on the board and in the episode's timeline, and none of it runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markup_in_a_status_page_incident_shows_as_text_and_never_runs() {
    const HOSTILE: &str = r#"
name = "hostile-incident"
[[steps]]
at = 0
label = "an incident with markup in it"
[[steps.status.anthropic.incidents]]
id = "xss1"
name = "Errors on Claude Opus 4.7 <img src=x onerror=window.__ran=1>"
impact = "major"
status = "investigating"
body = "<script>window.__ran=1</script>We are investigating errors on Claude Opus 4.7."
components = ["Claude API"]
"#;
    let sim = simulator(Scenario::from_toml(HOSTILE).unwrap()).await;
    let profile = polling_fast(&sim, "");
    let app = App::launch(&profile).await;
    app.show("Board").await;
    let groups = app
        .eventually(
            || app.texts("[data-testid=wrong-now] li strong"),
            |g: &Vec<String>| g.iter().any(|g| g.contains("<img src=x")),
        )
        .await;
    assert!(
        groups[0].contains("Errors on Claude Opus 4.7 <img src=x onerror=window.__ran=1>"),
        "{groups:?}"
    );
    app.click("[data-testid=episodes] tbody tr button[aria-label^='Timeline of Claude Opus 4.7']")
        .await;
    let body = app
        .eventually(
            || app.texts("[data-testid=lanes] tr[data-kind=post] td.posted .text"),
            |t: &Vec<String>| !t.is_empty(),
        )
        .await;
    assert_eq!(
        body[0],
        "<script>window.__ran=1</script>We are investigating errors on Claude Opus 4.7."
    );
    let ran = app
        .client
        .execute(
            "return [window.__ran ?? null, document.querySelectorAll('[data-testid=board] img, [data-testid=board] script').length]",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        ran,
        serde_json::json!([null, 0]),
        "nothing in it ran or became an element"
    );
    app.close().await;
}
