//! The June 2026 incident replayed through the real window, on the binary `SWITCHBOARD_BIN`
//! names (`make bench`: the release build), with the status pages polled as shipped (every
//! 60 s, every 20 s while anything is wrong) and probes on. The simulator's clock is moved by
//! hand; the app's is real, so each figure says which clock it is read on.
//!
//! - *Lead time, with traffic*: Claude Opus 4.7 preferred, a message every 30 s of scenario
//!   time from the onset (60 s) until the window shows a reason; from the onset to that reason
//!   on screen (scenario seconds until the message that showed it, plus the real seconds that
//!   message took), against the onset to Anthropic's first post (420 s − 60 s = 360 s).
//! - *Lead time, no traffic*: a window of its own (run first) that sends nothing; from the page's first post
//!   to the notice on screen, in real seconds, against one poll interval (60 s).
//! - *Return*: after messages until its breaker opens, Opus 4.7 recovers at 1,560 s while the
//!   incident is still open; from then to "is back" on screen (answering: `degraded` while
//!   the incident is open), in real seconds, by a probe; where no request had failed (the
//!   quiet window), from the page's "resolved" (1,920 s) to the incident no longer holding
//!   the model (it is "not checked" until an answer: the page's word alone never makes it
//!   available).
//! - *Memory*: the busy window's PSS (the app and its WebKit processes) 5 s after start, and
//!   again after the replay and 200 messages sent to a healthy model.

use std::time::{Duration, Instant};
use switchboard_e2e::measure::{filtered_out, pss_by_name, pss_mb, tree};
use switchboard_e2e::{App, Profile};
use switchboard_sim::{Scenario, SimOptions, Simulator};

const ONSET: f64 = 60.0;
const FIRST_POST: f64 = 420.0;
const OPUS_47_RECOVERS: f64 = 1560.0;
const RESOLVED: f64 = 1920.0;
/// The longest a figure is waited for before it is reported as not reached.
const LIMIT: Duration = Duration::from_secs(240);
const MESSAGES: usize = 200;
/// The status poll while anything is wrong, as shipped; due probes run with it.
const WHILE_WRONG_POLL: f64 = 20.0;

async fn simulator() -> Simulator {
    Simulator::start(
        Scenario::builtin("june-2026").unwrap(),
        SimOptions {
            port: None,
            manual_clock: true,
        },
    )
    .await
    .unwrap()
}

/// Moves the scenario to `t` seconds.
fn at(sim: &Simulator, t: f64) {
    let by = t - sim.state().time;
    if by > 0.0 {
        sim.advance(Duration::from_secs_f64(by));
    }
}

/// The preferred model's state as the assistant's header shows it.
async fn header_state(app: &App) -> String {
    app.attrs("header.asking .badge", "data-state")
        .await
        .pop()
        .unwrap_or_default()
}

/// Real time until the header says `done`, or `None` past [`LIMIT`].
async fn until_state(app: &App, done: impl Fn(&str) -> bool) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < LIMIT {
        if done(&header_state(app).await) {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

/// Seconds until the engine looks at `model` again by itself (its probe), from the window's
/// own overview.
async fn next_check_in(app: &App, provider: &str, model: &str) -> Option<f64> {
    app.client
        .execute(
            "return window.__TAURI_INTERNALS__.invoke('get_overview').then(o => { \
               const a = o.availability.find(a => a.model.provider === arguments[0] && a.model.model === arguments[1]); \
               return a && a.next_check ? (Date.parse(a.next_check) - Date.now()) / 1000 : null; })",
            vec![provider.into(), model.into()],
        )
        .await
        .ok()?
        .as_f64()
}

/// Waits for the send to end: an answer, or the consent dialog, which is declined.
async fn settle(app: &App, answer_before: &str) {
    let started = Instant::now();
    while started.elapsed() < LIMIT {
        if last_answer(app).await != answer_before {
            return;
        }
        if !app.texts("[data-testid=consent-dialog]").await.is_empty() {
            app.click("[data-choice=cancel]").await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The id of the last answer with text in the thread: it changes when a new one arrives
/// (the thread draws only its latest messages, so they cannot be counted).
async fn last_answer(app: &App) -> String {
    app.client
        .execute(
            "const all = [...document.querySelectorAll('.answer[data-message]')].filter(e => e.querySelector('.markdown')?.textContent.trim()); \
             return all.length ? all[all.length - 1].getAttribute('data-message') : ''",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn app_pss(app: &App) -> f64 {
    app.app_pid().map(|pid| pss_mb(&tree(pid))).unwrap_or(0.0)
}

/// "switchboard 120, WebKitWebProcess 90, …" (MB).
fn app_pss_by_process(app: &App) -> String {
    app.app_pid()
        .map(|pid| pss_by_name(&tree(pid)))
        .unwrap_or_default()
        .iter()
        .map(|(name, mb)| format!("{name} {mb:.0}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn seconds(d: Option<Duration>) -> String {
    d.map_or_else(
        || format!("not within {} s", LIMIT.as_secs()),
        |d| format!("{:.1} s", d.as_secs_f64()),
    )
}

#[tokio::main]
async fn main() {
    if filtered_out("replay") {
        return;
    }
    // No traffic first (one window at a time: launches are serialised): a window that only
    // watches, from the page's first post, then the page's "resolved".
    let quiet_sim = simulator().await;
    at(&quiet_sim, FIRST_POST - 10.0);
    let quiet_profile = Profile::with_keys();
    quiet_profile.write_config(&quiet_sim.config_toml());
    let quiet = App::launch(&quiet_profile).await;
    quiet.prefer("anthropic/claude-opus-4-7").await;
    until_state(&quiet, |s| s == "available" || s == "unknown").await;
    at(&quiet_sim, FIRST_POST);
    let noticed = until_state(&quiet, |s| !matches!(s, "available" | "unknown" | "")).await;
    at(&quiet_sim, OPUS_47_RECOVERS);
    at(&quiet_sim, RESOLVED);
    // With no request since, nothing says the model answers: it is "not checked" (unknown)
    // until an answer, never "available" on the page's word alone.
    let back_by_page = until_state(&quiet, |s| !matches!(s, "unavailable" | "degraded" | "")).await;
    quiet.close().await;

    let busy_sim = simulator().await;
    let busy_profile = Profile::with_keys();
    busy_profile.write_config(&busy_sim.config_toml());
    let launched = Instant::now();
    let busy = App::launch(&busy_profile).await;
    tokio::time::sleep(Duration::from_secs(5).saturating_sub(launched.elapsed())).await;
    let pss_at_start = app_pss(&busy);
    let by_process_at_start = app_pss_by_process(&busy);
    busy.prefer("anthropic/claude-opus-4-7").await;

    // With traffic: a message every 30 s of scenario time from the onset.
    let mut t = ONSET;
    let mut messages = 0;
    let lead = loop {
        at(&busy_sim, t);
        let before = last_answer(&busy).await;
        let sent = Instant::now();
        busy.type_and_send(&format!("Summarise the Q3 report ({messages})"))
            .await;
        messages += 1;
        // The send shows a reason (a failed attempt is said before its retry), or ends in an
        // answer.
        let mut reason = None;
        while sent.elapsed() < LIMIT {
            let state = header_state(&busy).await;
            if !matches!(state.as_str(), "available" | "unknown" | "") {
                reason = Some(sent.elapsed());
                break;
            }
            if last_answer(&busy).await != before {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        settle(&busy, &before).await;
        if let Some(real) = reason {
            break Some((t - ONSET, real));
        }
        t += 30.0;
        if t >= FIRST_POST {
            break None;
        }
    };

    // Then until its breaker opens (9 requests in 10 fail from 150 s): a request has failed.
    let mut t = t.max(150.0);
    while header_state(&busy).await != "unavailable" && t < FIRST_POST {
        at(&busy_sim, t);
        let before = last_answer(&busy).await;
        busy.type_and_send(&format!("Summarise the Q3 report ({messages})"))
            .await;
        messages += 1;
        settle(&busy, &before).await;
        t += 30.0;
    }
    let out_before_recovery = header_state(&busy).await == "unavailable";

    // Return: Opus 4.7 recovers while the incident is still open; a probe finds it and the
    // window says it is back. Its schedule: the next probe is due when its breaker's cooldown
    // ends, and runs with the status poll after that (every 20 s while anything is wrong).
    let probe_due_in = next_check_in(&busy, "anthropic", "claude-opus-4-7").await;
    at(&busy_sim, OPUS_47_RECOVERS);
    let recovered = Instant::now();
    let mut back_by_probe = None;
    while recovered.elapsed() < LIMIT {
        if !busy.texts("[data-testid=back-notice]").await.is_empty() {
            back_by_probe = Some(recovered.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The state arrives gathered (100 ms); the return is announced at once.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let back_state = header_state(&busy).await;

    // Memory after the replay and 200 messages to a healthy model.
    at(&busy_sim, 2100.0);
    busy.prefer("openai/gpt-5").await;
    let mut answered = last_answer(&busy).await;
    for i in 0..MESSAGES {
        busy.type_and_send(&format!("Name a river, number {i}"))
            .await;
        answered = busy
            .eventually(|| last_answer(&busy), |id| *id != answered)
            .await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let pss_after = app_pss(&busy);
    let by_process_after = app_pss_by_process(&busy);

    println!(
        "\nThe June 2026 replay in the window ({}), status pages polled as shipped, probes on\n",
        switchboard_e2e::app_binary().display()
    );
    println!("| figure | measured | against | ratio | budget |");
    println!("|---|---|---|---|---|");
    match lead {
        Some((scenario, real)) => {
            let total = scenario + real.as_secs_f64();
            println!(
                "| lead, a message every 30 s: onset to the reason on screen | {total:.1} s ({scenario:.0} s of scenario time, {messages} messages, + {:.1} s for the last) | onset to the first post: {:.0} s | {:.3} | ≤ 0.1 |",
                real.as_secs_f64(),
                FIRST_POST - ONSET,
                total / (FIRST_POST - ONSET)
            );
        }
        None => println!(
            "| lead, a message every 30 s | no reason shown before the first post ({messages} messages) | {:.0} s | — | ≤ 0.1 |",
            FIRST_POST - ONSET
        ),
    }
    println!(
        "| lead, no traffic: first post to the notice on screen | {} | one poll interval: 60 s | {} | ≤ 1 |",
        seconds(noticed),
        noticed.map_or("—".into(), |d| format!("{:.2}", d.as_secs_f64() / 60.0))
    );
    let schedule = probe_due_in.map(|due| due.max(0.0) + WHILE_WRONG_POLL);
    println!(
        "| return after a failed request (breaker open: {out_before_recovery}): recovery to “is back” on screen, a probe, the incident still open (then {back_state}) | {} | the probe schedule: due in {} + one poll ({WHILE_WRONG_POLL:.0} s) | {} | ≤ 1 |",
        seconds(back_by_probe),
        probe_due_in.map_or("—".into(), |d| format!("{d:.1} s")),
        match (back_by_probe, schedule) {
            (Some(back), Some(schedule)) => format!("{:.2}", back.as_secs_f64() / schedule),
            _ => "—".into(),
        }
    );
    println!(
        "| return without one: the page's “resolved” to the incident no longer holding the model (“not checked” until an answer) | {} | 30 s | {} | ≤ 1 |",
        seconds(back_by_page),
        back_by_page.map_or("—".into(), |d| format!("{:.2}", d.as_secs_f64() / 30.0))
    );
    println!(
        "| PSS after the replay and {MESSAGES} messages | {pss_after:.0} MB | 5 s after start: {pss_at_start:.0} MB | {:.2} | ≤ 1.10 |",
        pss_after / pss_at_start.max(1.0)
    );
    println!("\nPSS by process (MB): at 5 s {by_process_at_start}; after {by_process_after}");
    busy.close().await;
}
