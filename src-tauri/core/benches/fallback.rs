//! Fallback's cost, as ratios measured in one run against the simulator (machines here are
//! noisy): the first streamed token of an answer from a stand-in under a standing consent
//! while the preferred model's breaker is open, against the same model asked directly — an
//! open breaker must cost no wasted attempt; and the time from a send that failed with its
//! retries to the dialog's question being ready, against one plan of a healthy send.

use criterion::{Criterion, criterion_group, criterion_main};
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchboard_core::assistant::send::SendEvent;
use switchboard_core::catalog::Provider;
use switchboard_core::clock::ManualClock;
use switchboard_core::config::Paths;
use switchboard_core::fallback::Plan;
use switchboard_core::providers::keys::Secret;
use switchboard_core::vocabulary::{ConsentScope, ModelRef};
use switchboard_core::{Choice, Core, CoreOptions};
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

struct World {
    _sim: Simulator,
    _dir: tempfile::TempDir,
    core: Arc<Core>,
}

async fn world() -> World {
    let sim = Simulator::start(
        Scenario::from_toml(OPUS_OUT).unwrap(),
        SimOptions {
            port: None,
            manual_clock: true,
        },
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), sim.config_toml()).unwrap();
    let core = Core::start(CoreOptions {
        paths: Paths {
            config_file: dir.path().join("config.toml"),
            data_dir: dir.path().join("data"),
        },
        clock: Arc::new(ManualClock::new(chrono::Utc::now())),
        http: None,
        keys: Arc::new(|_: &Provider| Some(Secret::new("sim-bench-key"))),
        probes: false,
        sends_queue: false,
    })
    .await
    .unwrap();
    World {
        _sim: sim,
        _dir: dir,
        core,
    }
}

fn opus() -> ModelRef {
    ModelRef::new("anthropic", "claude-opus-4-7")
}

fn gpt() -> ModelRef {
    ModelRef::new("openai", "gpt-5")
}

/// From calling send to its first streamed piece of text.
async fn first_token(core: &Core, preferred: &ModelRef, choice: Choice) -> Duration {
    let started = Instant::now();
    let mut first = None;
    core.send(
        "bench",
        None,
        "Name a river",
        preferred,
        64,
        choice,
        &mut |event| {
            if matches!(event, SendEvent::Text { .. }) && first.is_none() {
                first = Some(started.elapsed());
            }
        },
    )
    .await
    .unwrap();
    first.expect("the answer streamed")
}

fn stand_in_first_token(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let w = runtime.block_on(async {
        let w = world().await;
        // The breaker opens on the first send (one try, two retries).
        w.core
            .send("open", None, "Hi", &opus(), 64, Choice::Auto, &mut |_| {})
            .await
            .unwrap();
        w.core
            .send(
                "consent",
                None,
                "Hi",
                &opus(),
                64,
                Choice::StandIn {
                    alternative: gpt(),
                    scope: ConsentScope::Always,
                },
                &mut |_| {},
            )
            .await
            .unwrap();
        w
    });
    let mut group = c.benchmark_group("first token");
    group.bench_function("GPT-5 asked directly", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    total += first_token(&w.core, &gpt(), Choice::Preferred).await;
                }
                total
            })
        })
    });
    group.bench_function(
        "GPT-5 standing in for Claude Opus 4.7 (standing consent, breaker open)",
        |b| {
            b.iter_custom(|iters| {
                runtime.block_on(async {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        total += first_token(&w.core, &opus(), Choice::Auto).await;
                    }
                    total
                })
            })
        },
    );
    group.finish();

    // The same, alternating one of each per round, so both see the same machine: the ratio
    // of the medians, with the spread.
    let rounds = 200;
    let (mut direct, mut stand_in) = (Vec::new(), Vec::new());
    runtime.block_on(async {
        for _ in 0..rounds {
            direct.push(first_token(&w.core, &gpt(), Choice::Preferred).await);
            stand_in.push(first_token(&w.core, &opus(), Choice::Auto).await);
        }
    });
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (d, s) = (median(&mut direct), median(&mut stand_in));
    println!(
        "first token, {rounds} alternating rounds: asked directly {d:?} (min {:?}, max {:?}), \
         standing in {s:?} (min {:?}, max {:?}); ratio of medians {:.2}",
        direct[0],
        direct[rounds - 1],
        stand_in[0],
        stand_in[rounds - 1],
        s.as_secs_f64() / d.as_secs_f64()
    );
    runtime.block_on(w.core.shutdown());
}

fn dialog_ready(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let w = runtime.block_on(async {
        let w = world().await;
        w.core
            .send("open", None, "Hi", &opus(), 64, Choice::Auto, &mut |_| {})
            .await
            .unwrap();
        w
    });
    let mut group = c.benchmark_group("planning a send");
    group.bench_function("to a healthy model", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let plan = w
                    .core
                    .plan_send(None, "Hi", &gpt(), 64, None)
                    .await
                    .unwrap();
                assert_eq!(plan, Plan::Preferred);
            })
        })
    });
    group.bench_function(
        "after a failed send: the dialog's question, alternatives ranked",
        |b| {
            b.iter(|| {
                runtime.block_on(async {
                    let plan = w
                        .core
                        .plan_send(None, "Hi", &opus(), 64, None)
                        .await
                        .unwrap();
                    assert!(matches!(plan, Plan::Ask { .. }));
                })
            })
        },
    );
    group.finish();
    runtime.block_on(w.core.shutdown());
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(4));
    targets = stand_in_first_token, dialog_ready
}
criterion_main!(benches);
