//! Everything both doors (the window and the CLI) need before they can answer: paths, the
//! catalog with the person's config applied, the database, and what to tell the person.

use crate::catalog::{Catalog, CatalogError};
use crate::config::{self, Paths};
use crate::health::engine::{HealthEngine, HealthSettings};
use crate::health::policy::PolicySource;
use crate::health::poller::Poller;
use crate::health::service::HealthService;
use crate::notice::Notice;
use crate::providers::keys::Keys;
use crate::store::{Store, StoreError};
use chrono::{DateTime, Utc};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("the built-in model catalog is damaged: {0}")]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug)]
pub struct Startup {
    pub paths: Paths,
    /// The simulator scenario when this is a demo; `None` in real use.
    pub demo: Option<String>,
    pub timeouts: crate::providers::Timeouts,
    /// The network settings the timeouts came from, with the connectivity check's targets.
    pub network: crate::config::NetworkSettings,
    /// Where the workspace policy is read from, if anywhere.
    pub policy: Option<crate::health::policy::PolicySource>,
    /// A workspace policy is meant to be in force: configured, or its setting could not be
    /// read or was refused (then the last one read stays in force, never none).
    pub policy_expected: bool,
    pub health: crate::config::HealthConfig,
    /// The shipped catalog with the person's config on top.
    pub base: Catalog,
    /// `base` merged with the providers' model lists cached last time: what to show at once.
    pub catalog: Catalog,
    /// Those cached lists.
    pub model_lists: Vec<crate::store::ModelListState>,
    pub store: Store,
    pub notices: Vec<Notice>,
}

pub async fn start(paths: Paths, now: DateTime<Utc>) -> Result<Startup, StartupError> {
    let loaded = config::load(&paths.config_file);
    let mut notices = loaded.notices;
    let mut catalog = Catalog::shipped()?;
    notices.extend(config::apply(
        &mut catalog,
        &loaded.config,
        &loaded.unreadable_providers,
        &paths.config_file,
    ));
    let mut policy_expected =
        loaded.workspace_unreadable || loaded.config.workspace.policy.is_some();
    let policy = match loaded
        .config
        .workspace
        .policy
        .as_deref()
        .map(PolicySource::parse)
    {
        Some(Ok(source)) => Some(source),
        Some(Err(problem)) => {
            policy_expected = true;
            notices.push(Notice::config_invalid(
                &paths.config_file,
                None,
                &format!("the workspace policy source {problem}; no workspace policy is read"),
            ));
            None
        }
        None => None,
    };
    let opened = Store::open(&paths.data_dir, now).await?;
    // Answers left streaming are a crash's only when no other Switchboard is running (the
    // window may be streaming while `status` starts).
    let interrupted = if opened.store.alone_at_start() {
        opened.store.recover_interrupted(now).await?
    } else {
        0
    };
    if interrupted > 0 {
        tracing::info!(
            interrupted,
            "answers cut off by the last exit are kept as incomplete"
        );
    }
    notices.extend(opened.notices);
    let model_lists = opened.store.model_lists().await?;
    let merged = crate::model_lists::merged_with_cache(&catalog, &model_lists);
    for notice in &notices {
        tracing::warn!(title = %notice.title, message = %notice.message, "notice");
    }
    Ok(Startup {
        paths,
        demo: loaded.config.demo.map(|d| d.scenario),
        timeouts: loaded.config.network.timeouts(),
        network: loaded.config.network.clone(),
        policy,
        policy_expected,
        health: loaded.config.health,
        base: catalog,
        catalog: merged,
        model_lists,
        store: opened.store,
        notices,
    })
}

/// The availability engine, starting from the last known state in the database; a provider
/// has a key when the keyring or its environment variable holds one.
pub async fn health_engine(
    started: &Startup,
    now: DateTime<Utc>,
) -> Result<HealthEngine, StoreError> {
    let last_known = started.store.last_known().await?;
    let keys = Keys::system();
    Ok(HealthEngine::new(
        started.catalog.clone(),
        HealthSettings {
            breaker_threshold: started.health.breaker_threshold.max(1),
            ..HealthSettings::default()
        },
        |provider| keys.find(provider).is_some(),
        last_known,
        now,
    ))
}

/// The refresher that keeps the catalog current from the providers' own model lists, starting
/// from the lists cached last time (which it hands to the engine at once).
pub fn model_list_refresher(
    started: &Startup,
    http: &reqwest::Client,
    health: Arc<HealthService>,
    clock: Arc<dyn crate::clock::Clock>,
) -> Arc<crate::model_lists::ModelListRefresher> {
    let keys = Keys::system();
    crate::model_lists::ModelListRefresher::new(
        started.base.clone(),
        started.model_lists.clone(),
        started.store.clone(),
        http.clone(),
        health,
        clock,
        Arc::new(move |p| keys.find(p).map(|(secret, _)| secret)),
    )
}

/// The availability engine at work, with its poller: status pages, the workspace policy and
/// (when `probes`) probes of models whose breaker is due.
pub async fn health_service(
    started: &Startup,
    http: &reqwest::Client,
    clock: Arc<dyn crate::clock::Clock>,
    probes: bool,
) -> Result<
    (
        Arc<HealthService>,
        tokio::sync::mpsc::UnboundedReceiver<crate::vocabulary::Transition>,
        Poller,
    ),
    StoreError,
> {
    let engine = health_engine(started, clock.now()).await?;
    let (service, changes) = HealthService::new(
        engine,
        &started.catalog,
        http.clone(),
        clock.clone(),
        &started.network.connectivity_targets,
        started.network.connectivity_timeout(),
    );
    // What the cached model lists say about retirements holds until they are read again —
    // in the window at once, from the terminal the next time the window starts.
    for listing in started.model_lists.iter().filter_map(|s| s.listing.clone()) {
        service.record_listing(listing, None);
    }
    let keys = Keys::system();
    let key_for = move |p: &crate::catalog::Provider| keys.find(p).map(|(secret, _)| secret);
    // The last good policy is in force from the first moment, before it is read again.
    match started
        .store
        .setting::<Vec<crate::vocabulary::PolicyRule>>(crate::health::poller::POLICY_SETTING)
        .await
    {
        Ok(Some(rules)) if started.policy_expected => service.record_policy(rules),
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "the last workspace policy could not be read"),
    }
    let poller = Poller::new(
        service.clone(),
        &started.catalog,
        http.clone(),
        started.policy.clone(),
        (probes && started.health.probes).then_some(&key_for as &crate::providers::keys::KeyLookup),
        started.timeouts,
        clock,
    )
    .keeping_policy_in(started.store.clone());
    Ok((service, changes, poller))
}
