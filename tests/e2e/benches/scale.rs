//! The window at scale, timed in the page itself (`performance.now()`, so WebDriver's own
//! latency is not counted), on the binary `SWITCHBOARD_BIN` names (`make bench`: the release
//! build):
//!
//! - a catalog of 1,000 models across 50 providers;
//! - *a keystroke in the picker's filter*: from the key going down to the list updated and
//!   laid out (the work of one frame; budget 16 ms at the median), and to the next frame
//!   after it;
//! - *a burst of 1,000 availability changes*: the workspace policy turns off the 46 added
//!   providers at once, with their models the rows in view (filtered to them), each redrawn
//!   as off; the longest frame while that happens (budget 50 ms), heard from a
//!   `requestAnimationFrame` loop. Past 300 models the list draws only the rows in view.

use switchboard_e2e::measure::{filtered_out, spread};
use switchboard_e2e::{App, Profile};
use switchboard_sim::{Scenario, SimOptions, Simulator};

/// Providers beside the four shipped ones, and models beside the 32 shipped: 50 and 1,000.
const ADDED_PROVIDERS: usize = 46;
const ADDED_MODELS: usize = 968;

/// Notes each keystroke in the filter: when the key went down, when the list had changed and
/// was laid out again, and when the next frame began.
const WATCH_KEYS: &str = r#"
window.__keys = [];
const input = document.querySelector('input[aria-label="Filter models"]');
const list = document.getElementById('model-list');
let pending = null;
input.addEventListener('keydown', () => {
  const p = { down: performance.now() };
  pending = p;
  // A keystroke that leaves the list as it was is noted as such, not waited for.
  setTimeout(() => { if (!p.laid) { p.laid = -1; window.__keys.push({ unchanged: true }); } }, 500);
}, true);
new MutationObserver(() => {
  if (!pending || pending.laid) return;
  const p = pending;
  // Style and layout, now: what the next frame would otherwise do first.
  list.getBoundingClientRect();
  void document.body.offsetHeight;
  p.laid = performance.now();
  requestAnimationFrame(() => {
    window.__keys.push({ laid: p.laid - p.down, frame: performance.now() - p.down });
  });
}).observe(list, { childList: true, subtree: true, characterData: true, attributes: true });
"#;

/// Every gap between two animation frames from now on.
const WATCH_FRAMES: &str = r#"
window.__frames = { gaps: [], on: true };
let last = null;
const loop = (t) => {
  if (last !== null) window.__frames.gaps.push(t - last);
  last = t;
  if (window.__frames.on) requestAnimationFrame(loop);
};
requestAnimationFrame(loop);
"#;

fn catalog(sim: &Simulator) -> String {
    let mut text = sim.config_toml();
    text.push_str("\n[health]\nprobes = false\n");
    for p in 0..ADDED_PROVIDERS {
        // An OpenAI-compatible server on a closed local port: its list is not read, and
        // nothing leaves this machine.
        text.push_str(&format!(
            "\n[providers.lab{p:02}]\nname = \"Lab {p:02}\"\nwire = \"openai_compatible\"\nbase_url = \"http://127.0.0.1:9/v1\"\n"
        ));
    }
    for m in 0..ADDED_MODELS {
        let p = m % ADDED_PROVIDERS;
        text.push_str(&format!(
            "\n[[models]]\nprovider = \"lab{p:02}\"\nid = \"model-{m:04}\"\ndisplay_name = \"Model {m:04}\"\ncontext_window = 32768\n"
        ));
    }
    text
}

fn policy_off(dir: &std::path::Path) -> String {
    let disabled: Vec<serde_json::Value> = (0..ADDED_PROVIDERS)
        .map(|p| {
            serde_json::json!({
                "provider": format!("lab{p:02}"),
                "model": null,
                "message": "The labs are off while we move their servers.",
                "until": null
            })
        })
        .collect();
    let path = dir.join("policy.json");
    std::fs::write(
        &path,
        serde_json::json!({ "updated_at": "2026-06-05T09:30:00Z", "disabled": disabled })
            .to_string(),
    )
    .unwrap();
    path.display().to_string()
}

async fn count(app: &App, css: &str) -> usize {
    app.client
        .execute(
            "return document.querySelectorAll(arguments[0]).length",
            vec![css.into()],
        )
        .await
        .unwrap()
        .as_u64()
        .unwrap_or(0) as usize
}

#[tokio::main]
async fn main() {
    if filtered_out("scale") {
        return;
    }
    let sim = Simulator::start(
        Scenario::builtin("healthy").unwrap(),
        SimOptions {
            port: None,
            manual_clock: true,
        },
    )
    .await
    .unwrap();
    let profile = Profile::with_keys();
    profile.write_config(&catalog(&sim));
    let app = App::launch(&profile).await;
    app.wait_for("input[aria-label='Filter models']").await;
    // The list draws only the rows in view: the catalog's size is the overview's.
    let (rows, groups) = {
        let sizes = app
            .client
            .execute(
                "return window.__TAURI_INTERNALS__.invoke('get_overview').then(o => [o.models.length, o.providers.length])",
                vec![],
            )
            .await
            .unwrap();
        (
            sizes[0].as_u64().unwrap_or(0),
            sizes[1].as_u64().unwrap_or(0),
        )
    };
    let drawn = count(&app, "[role=option]").await;

    // A keystroke in the filter: each changes what the list shows (narrowing, then widening
    // back to all 1,000 rows).
    app.client.execute(WATCH_KEYS, vec![]).await.unwrap();
    let input = app.wait_for("input[aria-label='Filter models']").await;
    let keys: Vec<String> = "0123"
        .chars()
        .map(String::from)
        .chain(std::iter::repeat_n("\u{E003}".to_string(), 4))
        .chain("opus".chars().map(String::from))
        .chain(std::iter::repeat_n("\u{E003}".to_string(), 4))
        .collect();
    let mut typed = 0;
    for _round in 0..3 {
        for key in &keys {
            input.send_keys(key).await.unwrap();
            typed += 1;
            app.eventually(
                || async {
                    app.client
                        .execute("return window.__keys.length", vec![])
                        .await
                        .unwrap()
                        .as_u64()
                        .unwrap_or(0) as usize
                },
                |n| *n >= typed,
            )
            .await;
        }
    }
    let marks = app
        .client
        .execute("return window.__keys", vec![])
        .await
        .unwrap();
    let laid: Vec<f64> = marks
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["laid"].as_f64())
        .collect();
    let unchanged = marks
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["unchanged"].as_bool() == Some(true))
        .count();
    let frame: Vec<f64> = marks
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["frame"].as_f64())
        .collect();

    // A burst: the policy turns 968 models off at once, with theirs the rows in view.
    input.send_keys("model-").await.unwrap();
    app.eventually(
        || app.texts(".search .count"),
        |c| {
            c.first()
                .is_some_and(|c| c.starts_with(&format!("{ADDED_MODELS} of")))
        },
    )
    .await;
    app.client.execute(WATCH_FRAMES, vec![]).await.unwrap();
    let source = policy_off(profile.data_dir().parent().unwrap());
    app.client
        .execute(
            "window.__TAURI_INTERNALS__.invoke('set_policy_source', { source: arguments[0] })",
            vec![source.into()],
        )
        .await
        .unwrap();
    // Every row in view shows it, once the core has turned them all off.
    let off = app
        .eventually(
            || async {
                app.client
                    .execute(
                        "return window.__TAURI_INTERNALS__.invoke('get_overview').then(o => o.availability.filter(a => a.state === 'disabled').length)",
                        vec![],
                    )
                    .await
                    .unwrap()
                    .as_u64()
                    .unwrap_or(0) as usize
            },
            |n| *n >= ADDED_MODELS,
        )
        .await;
    app.eventually(
        || async {
            let shown = count(&app, "#model-list [role=option] [data-state]").await;
            let off = count(&app, "#model-list [role=option] [data-state=disabled]").await;
            shown > 0 && off == shown
        },
        |all_off| *all_off,
    )
    .await;
    // Two more frames, so the last redraw is counted.
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let gaps = app
        .client
        .execute(
            "window.__frames.on = false; return window.__frames.gaps",
            vec![],
        )
        .await
        .unwrap();
    let gaps: Vec<f64> = gaps
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g.as_f64())
        .collect();
    let longest = gaps.iter().copied().fold(0.0, f64::max);
    let over = gaps.iter().filter(|g| **g > 50.0).count();

    println!(
        "\nThe window at scale: {rows} models in {groups} providers, {drawn} rows drawn ({})\n",
        switchboard_e2e::app_binary().display()
    );
    println!("| figure | min / median / max | budget |");
    println!("|---|---|---|");
    let (a, b, c) = spread(&laid);
    println!(
        "| a keystroke in the filter to the list updated and laid out ({} keystrokes; {unchanged} more left it as it was) | {a:.1} / {b:.1} / {c:.1} ms | ≤ 16 ms at the median |",
        laid.len()
    );
    let (a, b, c) = spread(&frame);
    println!("| … to the next frame | {a:.1} / {b:.1} / {c:.1} ms | — |");
    println!(
        "| {off} models turned off at once by the policy: the longest frame ({} frames, {over} over 50 ms) | {longest:.0} ms | ≤ 50 ms |",
        gaps.len()
    );
    app.close().await;
    drop(sim);
}
