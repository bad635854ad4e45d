//! The availability engine under load, as ratios measured in one run (machines here are
//! noisy): ingesting an outcome with 1,000 models across 50 providers, against the shipped
//! 16-model catalog; and reading one model's statistics (its hour, day and 30 days, as the
//! board shows them) from a database of 1,000,000 attempts to it, against one of 10,000;
//! merging a provider's model list of 2,000 models
//! (OpenRouter's size) against one of 40.

use chrono::{Duration, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use switchboard_core::catalog::live::ListedModel;
use switchboard_core::catalog::live::{ProviderListing, merge};
use switchboard_core::catalog::{Catalog, Model, Provider};
use switchboard_core::clock::{LocalTimes, Zone};
use switchboard_core::health::engine::{HealthEngine, HealthSettings};
use switchboard_core::stats::model_stats;
use switchboard_core::store::Store;
use switchboard_core::vocabulary::ModelRef;
use switchboard_core::vocabulary::ReasonKind;
use switchboard_core::vocabulary::{AttemptOutcome, AttemptRecord};
use switchboard_core::vocabulary::{Failure, FailureClass};

/// 50 providers × 20 models.
fn big_catalog() -> Catalog {
    let shipped = Catalog::shipped().unwrap();
    let template_provider = shipped.provider("openai").unwrap().clone();
    let template_model = shipped.model("openai", "gpt-5").unwrap().clone();
    let mut catalog = Catalog::default();
    for p in 0..50 {
        catalog.providers.push(Provider {
            id: format!("p{p}"),
            name: format!("Provider {p}"),
            ..template_provider.clone()
        });
        for m in 0..20 {
            catalog.models.push(Model {
                provider: format!("p{p}"),
                id: format!("m{m}"),
                display_name: format!("Model {p}.{m}"),
                aliases: vec![format!("Model {p}.{m}")],
                ..template_model.clone()
            });
        }
    }
    catalog
}

fn outcomes(catalog: &Catalog, n: usize) -> Vec<AttemptRecord> {
    let t0 = Utc.with_ymd_and_hms(2026, 6, 5, 9, 0, 0).unwrap();
    (0..n)
        .map(|i| {
            let model = &catalog.models[(i * 7919) % catalog.models.len()];
            AttemptRecord {
                model: ModelRef::new(&model.provider, &model.id),
                at: t0 + Duration::milliseconds(i as i64 * 100),
                attempt: 1,
                outcome: if i % 3 == 0 {
                    AttemptOutcome::Failed({
                        let mut f = Failure::new(FailureClass::Reason(ReasonKind::ElevatedErrors));
                        f.http_status = Some(500);
                        f
                    })
                } else {
                    AttemptOutcome::Answered
                },
                first_text_after: None,
                identity: None,
            }
        })
        .collect()
}

fn ingest(c: &mut Criterion) {
    let mut group = c.benchmark_group("ingest one outcome");
    for (name, catalog) in [
        ("16 models (shipped)", Catalog::shipped().unwrap()),
        ("1000 models, 50 providers", big_catalog()),
    ] {
        let records = outcomes(&catalog, 1000);
        let t0 = records[0].at;
        let mut engine =
            HealthEngine::new(catalog, HealthSettings::default(), |_| true, Vec::new(), t0);
        let mut i = 0;
        group.bench_function(name, |b| {
            b.iter(|| {
                let transitions = engine.record_attempt(black_box(&records[i % records.len()]));
                i += 1;
                black_box(transitions)
            })
        });
    }
    group.finish();
}

async fn filled_store(dir: &std::path::Path, rows: usize) -> Store {
    let store = Store::open(dir, Utc::now()).await.unwrap().store;
    let now = Utc::now();
    // All to one model, spread over 30 days; one write transaction per 10,000 rows.
    let records: Vec<AttemptRecord> = (0..rows)
        .map(|i| AttemptRecord {
            model: ModelRef::new("anthropic", "m7"),
            at: now - Duration::seconds((i as i64 * 2_592_000) / rows as i64),
            attempt: 1,
            outcome: if i % 5 == 0 {
                AttemptOutcome::Failed({
                    let mut f = Failure::new(FailureClass::Reason(ReasonKind::ElevatedErrors));
                    f.http_status = Some(500);
                    f
                })
            } else {
                AttemptOutcome::Answered
            },
            first_text_after: (i % 5 != 0)
                .then(|| std::time::Duration::from_millis(300 + (i % 700) as u64)),
            identity: None,
        })
        .collect();
    for chunk in records.chunks(10_000) {
        store.record_attempts(chunk).await.unwrap();
    }
    store
}

fn history(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut group = c.benchmark_group("one model's statistics: hour, day and 30 days");
    group.sample_size(20);
    for rows in [10_000usize, 1_000_000] {
        let dir = tempfile::tempdir().unwrap();
        let store = runtime.block_on(filled_store(dir.path(), rows));
        let model = ModelRef::new("anthropic", "m7");
        let times = LocalTimes::new(Zone::UTC, Utc::now());
        group.bench_function(format!("{rows} attempts stored"), |b| {
            b.iter(|| {
                runtime.block_on(async {
                    // What `Core::model_stats` reads and folds.
                    let now = Utc::now();
                    let minutes = store
                        .attempt_buckets(&model, now - Duration::hours(25), 60)
                        .await
                        .unwrap();
                    let quarters = store
                        .attempt_buckets(&model, now - Duration::days(31), 900)
                        .await
                        .unwrap();
                    black_box(model_stats(
                        &model,
                        "M7",
                        &minutes,
                        &quarters,
                        &[],
                        now,
                        &times,
                    ))
                })
            })
        });
        runtime.block_on(store.close());
    }
    group.finish();
}

/// A provider's list of `n` chat models: a few the shipped catalog knows, dated snapshots of
/// them, and the rest new to it (an OpenRouter-sized list at 2,000).
fn openai_list(n: usize) -> ProviderListing {
    let listed = |id: String| ListedModel {
        id,
        display_name: None,
        context_window: Some(128_000),
        output_limit: None,
        created: Some(Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap()),
        input: Vec::new(),
        can_chat: true,
        retires_on: None,
    };
    let mut models: Vec<ListedModel> = ["gpt-5", "gpt-5-2025-08-07", "gpt-5-mini", "gpt-4.1"]
        .into_iter()
        .map(|id| listed(id.to_string()))
        .collect();
    models.extend((models.len()..n).map(|i| listed(format!("vendor-{i}/model-{i}.{}", i % 7))));
    ProviderListing {
        provider: "openai".into(),
        listed_at: Utc::now(),
        models,
    }
}

/// Merging a provider's list into the catalog, and the engine taking it (every model of the
/// provider decided again): 40 listed models, as today's providers list, against 2,000.
fn merge_lists(c: &mut Criterion) {
    let shipped = Catalog::shipped().unwrap();
    let mut group = c.benchmark_group("merge a provider's model list");
    for n in [40usize, 2_000] {
        let listing = openai_list(n);
        group.bench_function(format!("{n} listed models"), |b| {
            b.iter(|| black_box(merge(&shipped, std::slice::from_ref(&listing))))
        });
        let merged = merge(&shipped, std::slice::from_ref(&listing));
        let mut engine = HealthEngine::new(
            merged,
            HealthSettings::default(),
            |_| true,
            Vec::new(),
            Utc::now(),
        );
        group.bench_function(format!("{n} listed models, engine decides again"), |b| {
            b.iter(|| black_box(engine.record_listing(listing.clone(), None, Utc::now())))
        });
    }
    group.finish();
}

criterion_group!(benches, ingest, history, merge_lists);
criterion_main!(benches);
