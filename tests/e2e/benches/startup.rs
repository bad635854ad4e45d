//! Start-up, memory and idle CPU as a new user meets them: the release build under Xvfb, a
//! fresh data dir and a fresh D-Bus each launch, against a bare Tauri 2 window (one static
//! page, the same Tauri and release profile: `tests/bench/bare`) measured in the same run,
//! the two alternating, five rounds. Every figure is min / median / max, and each budget is a
//! ratio of medians (or, for idle CPU, a share of one core): never a timed assertion.
//!
//! - *window mapped*: from spawning the process to the X server mapping its window (heard
//!   from the server itself);
//! - *first paint*: to the page saying its first frame is on screen — for Switchboard, the
//!   picker with every model's last known state (the `first_paint` command);
//! - *PSS*: the app and its WebKit processes, 5 s after start (`/proc/*/smaps_rollup`);
//! - *idle CPU*: the same processes over `BENCH_IDLE_SECS` (default 12) per round from 15 s
//!   after start, every status page polled from the simulator;
//! - the binaries' sizes, and the two `.deb` packages' when they are built (`make bench` builds them).
//!
//! `make bench` builds both release binaries first; `SWITCHBOARD_RELEASE_BIN` and
//! `BARE_RELEASE_BIN` point elsewhere.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use switchboard_e2e::measure::{cpu_ticks, filtered_out, pss_mb, spread, tree};
use switchboard_e2e::{Profile, Xvfb, window_title};
use switchboard_sim::{Scenario, SimOptions, Simulator};
use x11rb::connection::Connection;
use x11rb::protocol::Event;
use x11rb::protocol::xproto::{ChangeWindowAttributesAux, ConnectionExt, EventMask};

const ROUNDS: usize = 5;
/// How long after start memory is read.
const SETTLE: Duration = Duration::from_secs(5);
/// When idle begins: the start's tail (the lists refreshed, the window drawn again) is over.
const QUIET: Duration = Duration::from_secs(15);
/// The longest a launch may take before the round is given up.
const LAUNCH_LIMIT: Duration = Duration::from_secs(60);

fn target_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/release")
}

fn binary(var: &str, name: &str) -> PathBuf {
    std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join(name))
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Which {
    Bare,
    Switchboard,
    /// Switchboard on a data dir holding 30 days of history.
    WithHistory,
}

/// The shipped models the seeded history is about, as a person who uses a few would have it.
const USED: [(&str, &str); 4] = [
    ("anthropic", "claude-opus-4-7"),
    ("anthropic", "claude-sonnet-4-6"),
    ("openai", "gpt-5"),
    ("gemini", "gemini-2.5-pro"),
];

/// A data dir holding 30 days of use: an attempt every 5 minutes to each of four models (some
/// failing), and for two of them a 20-minute outage every day, with its changes of state.
/// Written once; each launch gets a fresh copy.
fn seed_history(dir: &Path) {
    use chrono::{Duration as Span, Utc};
    use switchboard_core::store::Store;
    use switchboard_core::vocabulary::{
        AttemptOutcome, AttemptRecord, AvailabilityState, EvidenceSource, Failure, FailureClass,
        ModelAvailability, ModelRef, Reason, ReasonKind, Side, Transition,
    };
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let now = Utc::now();
        let store = Store::open(dir, now).await.expect("a database").store;
        let mut attempts = Vec::new();
        for (provider, model) in USED {
            for step in 0..(30 * 24 * 12) {
                let at = now - Span::minutes(5 * step);
                let failed = step % 37 == 0;
                attempts.push(AttemptRecord {
                    model: ModelRef::new(provider, model),
                    at,
                    attempt: 1,
                    outcome: if failed {
                        let mut failure =
                            Failure::new(FailureClass::Reason(ReasonKind::ElevatedErrors));
                        failure.http_status = Some(500);
                        AttemptOutcome::Failed(failure)
                    } else {
                        AttemptOutcome::Answered
                    },
                    first_text_after: (!failed)
                        .then(|| std::time::Duration::from_millis(400 + (step % 500) as u64)),
                    identity: None,
                });
            }
        }
        for chunk in attempts.chunks(10_000) {
            store.record_attempts(chunk).await.expect("attempts kept");
        }
        let state = |model: &ModelRef, state, kind, side, at| ModelAvailability {
            model: model.clone(),
            state,
            reason: Reason {
                kind,
                side,
                source: EvidenceSource::OwnRequests,
                headline: "as it was then".into(),
                message: "Seeded for the benchmark.".into(),
            },
            since: Some(at),
            next_check: None,
            stale: false,
            evidence: Default::default(),
        };
        for &(provider, model) in &USED[..2] {
            let model = ModelRef::new(provider, model);
            for day in (1..=30).rev() {
                let began = now - Span::days(day) + Span::hours(3);
                for (from, to, kind, side, at) in [
                    (
                        AvailabilityState::Available,
                        AvailabilityState::Unavailable,
                        ReasonKind::ElevatedErrors,
                        Side::Provider,
                        began,
                    ),
                    (
                        AvailabilityState::Unavailable,
                        AvailabilityState::Available,
                        ReasonKind::Healthy,
                        Side::Nobody,
                        began + Span::minutes(20),
                    ),
                ] {
                    store
                        .record_transition(&Transition {
                            model: model.clone(),
                            from,
                            to: state(&model, to, kind, side, at),
                        })
                        .await
                        .expect("a change of state kept");
                }
            }
        }
        store.close().await;
    });
}

/// Copies the seeded data dir's files (the database; no logs) into `to`.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a data dir");
    for entry in std::fs::read_dir(from)
        .expect("the seeded data dir")
        .flatten()
    {
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            std::fs::copy(entry.path(), to.join(entry.file_name())).expect("a copy");
        }
    }
}

#[derive(Default)]
struct Figures {
    mapped_ms: Vec<f64>,
    painted_ms: Vec<f64>,
    pss_mb: Vec<f64>,
    idle_percent: Vec<f64>,
}

/// Waits for a window titled `title` to be mapped, from a connection that asked the server
/// for every map on the root window before the process was started.
fn wait_mapped(
    conn: &x11rb::rust_connection::RustConnection,
    title: &str,
    until: Instant,
) -> Option<Instant> {
    while Instant::now() < until {
        match conn.poll_for_event().ok()? {
            Some(Event::MapNotify(map)) => {
                if window_title(conn, map.window).starts_with(title) {
                    return Some(Instant::now());
                }
            }
            Some(_) => {}
            None => std::thread::sleep(Duration::from_millis(1)),
        }
    }
    None
}

struct Launched {
    child: Child,
    _profile: Profile,
}

impl Drop for Launched {
    fn drop(&mut self) {
        // The whole group: dbus-run-session, the app, its WebKit processes.
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.wait();
    }
}

/// Where a launch that did not start stopped, and the last lines the app wrote to stderr.
struct Lost {
    step: &'static str,
    stderr: String,
}

fn launch(
    which: Which,
    display: &str,
    config: &str,
    history: &Path,
    figures: &mut Figures,
    idle: Duration,
) -> Result<(), Lost> {
    use std::os::unix::process::CommandExt;
    let profile = Profile::new();
    // Kept for a launch that does not start: what it said is the only clue.
    let stderr_path = profile.data_dir().join("stderr.log");
    std::fs::create_dir_all(profile.data_dir()).expect("a data dir");
    let stderr_file = std::fs::File::create(&stderr_path).expect("a stderr file");
    let lost = |step: &'static str| {
        let said = std::fs::read_to_string(&stderr_path).unwrap_or_default();
        let last: Vec<&str> = said.lines().rev().take(6).collect();
        Lost {
            step,
            stderr: last.into_iter().rev().collect::<Vec<_>>().join("\n"),
        }
    };
    profile.write_config(config);
    if which == Which::WithHistory {
        copy_dir(history, &profile.data_dir());
    }
    let (conn, screen) = x11rb::connect(Some(display)).map_err(|_| lost("connecting to Xvfb"))?;
    let root = conn.setup().roots[screen].root;
    conn.change_window_attributes(
        root,
        &ChangeWindowAttributesAux::new().event_mask(EventMask::SUBSTRUCTURE_NOTIFY),
    )
    .ok()
    .and_then(|cookie| cookie.check().ok())
    .ok_or_else(|| lost("asking Xvfb for window maps"))?;
    let (program, title) = match which {
        Which::Bare => (binary("BARE_RELEASE_BIN", "switchboard-bare"), "Bare"),
        Which::Switchboard | Which::WithHistory => (
            binary("SWITCHBOARD_RELEASE_BIN", "switchboard"),
            "Switchboard",
        ),
    };
    let mut command = Command::new("dbus-run-session");
    // The profile's own folders and config; not the tests' proxies, which keep them offline:
    // with a proxy in the environment WebKit starts half a second later (measured), and a new
    // user has none. Nothing here leaves this machine either way: the config points at the
    // simulator.
    let env = profile
        .env()
        .into_iter()
        .filter(|(name, _)| !name.to_ascii_lowercase().ends_with("_proxy"));
    command
        .arg("--")
        .arg(&program)
        .envs(env)
        .env("DISPLAY", display)
        .env_remove("WAYLAND_DISPLAY")
        .env("GDK_BACKEND", "x11")
        .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
        .env("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
        .env("LIBGL_ALWAYS_SOFTWARE", "1")
        .env("NO_AT_BRIDGE", "1")
        .env("SWITCHBOARD_REPORT_PAINT", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr_file)
        .process_group(0);
    let started = Instant::now();
    let mut child = command.spawn().map_err(|_| lost("spawning"))?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| lost("reading its stdout"))?;
    let launched = Launched {
        child,
        _profile: profile,
    };
    let (painted_tx, painted_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.trim() == "painted" {
                let _ = painted_tx.send(Instant::now());
            }
        }
    });
    let mapped = wait_mapped(&conn, title, started + LAUNCH_LIMIT)
        .ok_or_else(|| lost("waiting for its window to be mapped"))?;
    let painted = painted_rx
        .recv_timeout(LAUNCH_LIMIT.saturating_sub(started.elapsed()))
        .map_err(|_| lost("waiting for its first paint (the window was mapped)"))?;
    figures
        .mapped_ms
        .push((mapped - started).as_secs_f64() * 1000.0);
    figures
        .painted_ms
        .push((painted - started).as_secs_f64() * 1000.0);
    std::thread::sleep(SETTLE.saturating_sub(started.elapsed()));
    let pids = tree(launched.child.id());
    figures.pss_mb.push(pss_mb(&pids));
    std::thread::sleep(QUIET.saturating_sub(started.elapsed()));
    let before = cpu_ticks(&tree(launched.child.id()));
    let from = Instant::now();
    std::thread::sleep(idle);
    let used = cpu_ticks(&tree(launched.child.id())).saturating_sub(before);
    figures
        .idle_percent
        .push(used as f64 / from.elapsed().as_secs_f64());
    drop(launched);
    Ok(())
}

/// The newest `.deb` in the release bundle folder whose name starts with `prefix`.
fn deb(prefix: &str) -> Option<PathBuf> {
    std::fs::read_dir(target_dir().join("bundle/deb"))
        .ok()?
        .flatten()
        .filter(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            name.starts_with(prefix) && name.ends_with(".deb")
        })
        .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok())
        .map(|e| e.path())
}

fn size_mb(path: &Path) -> f64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) as f64 / 1_000_000.0
}

fn main() {
    if filtered_out("startup") {
        return;
    }
    let idle = Duration::from_secs(
        std::env::var("BENCH_IDLE_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(12),
    );
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let sim = runtime.block_on(async {
        Simulator::start(
            Scenario::builtin("healthy").expect("a built-in scenario"),
            SimOptions {
                port: None,
                manual_clock: true,
            },
        )
        .await
        .expect("the simulator starts")
    });
    let _enter = runtime.enter();
    // Status pages polled as shipped (every 60 s; faster while anything is wrong), probes on.
    let config = sim.config_toml();
    let history = tempfile::tempdir().expect("a temporary directory");
    seed_history(history.path());
    let xvfb = Xvfb::start().expect("start Xvfb (apt-get install xvfb)");
    let mut figures: HashMap<Which, Figures> = HashMap::new();
    for round in 0..ROUNDS {
        // Alternating, so a slow moment of the machine falls on both.
        let order = if round % 2 == 0 {
            [Which::Bare, Which::Switchboard, Which::WithHistory]
        } else {
            [Which::WithHistory, Which::Switchboard, Which::Bare]
        };
        for which in order {
            let f = figures.entry(which).or_default();
            if let Err(lost) = launch(which, xvfb.display(), &config, history.path(), f, idle) {
                eprintln!(
                    "round {round}: {which:?} did not start within {LAUNCH_LIMIT:?}: stopped {}; its stderr ended:\n{}",
                    lost.step, lost.stderr
                );
            }
        }
    }
    let bare = &figures[&Which::Bare];
    let app = &figures[&Which::Switchboard];
    let with_history = &figures[&Which::WithHistory];
    println!(
        "\nStart-up, memory and idle CPU: release build under Xvfb, fresh data dir and D-Bus, {} rounds alternating with a bare Tauri 2 window\n",
        app.painted_ms.len().min(bare.painted_ms.len())
    );
    println!(
        "| figure | Switchboard min / median / max | bare window min / median / max | ratio of medians (of minimums) | budget |"
    );
    println!("|---|---|---|---|---|");
    let row = |name: &str, unit: &str, a: &[f64], b: &[f64], budget: &str, digits: usize| {
        if a.is_empty() || b.is_empty() {
            println!("| {name} | — | — | — | {budget} |");
            return;
        }
        let (a0, a1, a2) = spread(a);
        let (b0, b1, b2) = spread(b);
        println!(
            "| {name} | {a0:.digits$} / {a1:.digits$} / {a2:.digits$} {unit} | {b0:.digits$} / {b1:.digits$} / {b2:.digits$} {unit} | {:.2}× ({:.2}×) | {budget} |",
            a1 / b1,
            a0 / b0.max(f64::EPSILON)
        );
    };
    row(
        "window mapped",
        "ms",
        &app.mapped_ms,
        &bare.mapped_ms,
        "—",
        0,
    );
    row(
        "first paint (Switchboard: the picker with every model's state)",
        "ms",
        &app.painted_ms,
        &bare.painted_ms,
        "≤ 1.2×",
        0,
    );
    row(
        "first paint, a data dir with 30 days of history",
        "ms",
        &with_history.painted_ms,
        &bare.painted_ms,
        "≤ 1.2×",
        0,
    );
    row(
        "PSS 5 s after start",
        "MB",
        &app.pss_mb,
        &bare.pss_mb,
        "≤ 1.3×",
        0,
    );
    row(
        &format!("idle CPU over {} s", idle.as_secs()),
        "% of a core",
        &app.idle_percent,
        &bare.idle_percent,
        "≤ 1 % of a core",
        2,
    );
    let sizes = |name: &str, app: &Path, bare: &Path| {
        let (a, b) = (size_mb(app), size_mb(bare));
        println!(
            "| {name} | {a:.1} MB | {b:.1} MB | {:.2}× | — |",
            a / b.max(0.001)
        );
    };
    sizes(
        "binary",
        &binary("SWITCHBOARD_RELEASE_BIN", "switchboard"),
        &binary("BARE_RELEASE_BIN", "switchboard-bare"),
    );
    match (deb("Switchboard_"), deb("Bare_")) {
        (Some(app_deb), Some(bare_deb)) => sizes(".deb", &app_deb, &bare_deb),
        _ => println!("| .deb | — (`make bench` builds both) | — | — | — |"),
    }
    // WebKitGTK, asked to draw a window before its page is ready, can wait half a second for
    // a frame: a start that met it is over 400 ms behind the fastest. Switchboard shows its
    // window once the page has loaded; the bare window, as a minimal app does, at once.
    let waited = |painted: &[f64]| {
        let fastest = painted.iter().copied().fold(f64::INFINITY, f64::min);
        painted.iter().filter(|&&ms| ms > fastest + 400.0).count()
    };
    println!(
        "\nFirst paints over 400 ms behind their fastest (WebKit's wait for a first frame): Switchboard {} of {}, with history {} of {}, the bare window {} of {}.",
        waited(&app.painted_ms),
        app.painted_ms.len(),
        waited(&with_history.painted_ms),
        with_history.painted_ms.len(),
        waited(&bare.painted_ms),
        bare.painted_ms.len()
    );
    drop(sim);
}
