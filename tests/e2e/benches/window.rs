//! The consent dialog in the real window, timed in the page (`performance.now()`, so
//! WebDriver's own latency is not counted): from pressing Enter to the dialog on screen, for
//! a send whose model fails with its retries (the first failed attempt, two retries with
//! their backoff, then the question) and for sends to a model already known to be out (no
//! request at all) — beside, in the same run, a message to a healthy model from Enter to the
//! first streamed text on screen.

use switchboard_e2e::measure::spread;
use switchboard_e2e::{App, Profile};
use switchboard_sim::{Scenario, SimOptions, Simulator};

const OPUS_OUT: &str = r#"
name = "opus-out"
[[steps]]
at = 0
label = "Opus 4.7 fails every request"
[steps.models."anthropic/claude-opus-4-7"]
behaviour = "error"
error = "server_error"
"#;

/// Notes, in page time, when Enter is pressed in the compose box, when the consent dialog
/// appears and when an answer's first text does.
const WATCH: &str = r#"
window.__marks = {};
document.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') window.__marks = { sent: performance.now() };
}, true);
new MutationObserver(() => {
  const m = window.__marks;
  if (m.sent && !m.dialog && document.querySelector('[data-testid=consent-dialog]')) m.dialog = performance.now();
  const answer = [...document.querySelectorAll('.answer[data-message] .markdown')].pop();
  if (m.sent && !m.text && answer && answer.textContent.trim()) m.text = performance.now();
}).observe(document.body, { childList: true, subtree: true, characterData: true });
"#;

async fn marks(app: &App) -> serde_json::Value {
    app.client
        .execute("return window.__marks", vec![])
        .await
        .unwrap()
}

async fn wait_for_mark(app: &App, name: &str) -> f64 {
    let read = || async { marks(app).await };
    let marks = app
        .eventually(read, |m: &serde_json::Value| m[name].is_number())
        .await;
    marks[name].as_f64().unwrap() - marks["sent"].as_f64().unwrap()
}

fn spread_ms(v: &[f64]) -> String {
    let (min, median, max) = spread(v);
    format!(
        "min {min:.0} ms, median {median:.0} ms, max {max:.0} ms ({} rounds)",
        v.len()
    )
}

#[tokio::main]
async fn main() {
    let sim = Simulator::start(
        Scenario::from_toml(OPUS_OUT).unwrap(),
        SimOptions {
            port: None,
            manual_clock: true,
        },
    )
    .await
    .unwrap();
    let profile = Profile::with_keys();
    profile.write_config(&format!(
        "{}\n[health]\nprobes = false\n",
        sim.config_toml()
    ));
    let app = App::launch(&profile).await;
    app.client.execute(WATCH, vec![]).await.unwrap();

    // A healthy model: Enter to the first text on screen.
    app.prefer("openai/gpt-5").await;
    let mut answered = Vec::new();
    for round in 0..5 {
        app.type_and_send(&format!("Name a river, round {round}"))
            .await;
        answered.push(wait_for_mark(&app, "text").await);
    }

    // The failing model: the first send fails with its retries, then the dialog.
    app.prefer("anthropic/claude-opus-4-7").await;
    app.type_and_send("Summarise the Q3 report").await;
    let after_retries = wait_for_mark(&app, "dialog").await;
    app.click("[data-choice=cancel]").await;

    // Known out now: Enter to the dialog, with no request.
    let mut known_out = Vec::new();
    for _ in 0..5 {
        app.type_and_send("").await;
        known_out.push(wait_for_mark(&app, "dialog").await);
        app.click("[data-choice=cancel]").await;
    }
    println!("consent dialog in the window (page time):");
    println!(
        "  healthy model, Enter to the first text: {}",
        spread_ms(&answered)
    );
    println!(
        "  failing model, Enter to the dialog (first attempt, two retries with their backoff): {after_retries:.0} ms"
    );
    println!(
        "  model known out, Enter to the dialog (no request): {}; {:.2}x a healthy model's first text",
        spread_ms(&known_out),
        spread(&known_out).1 / spread(&answered).1
    );
    app.close().await;
}
