//! What [`Core::start`](crate::root::Core::start) gathers first: paths, the catalog with the
//! person's config applied, the database, and what to tell the person.

use crate::catalog::{Catalog, CatalogError};
use crate::config::{self, Paths};
use crate::health::policy::PolicySource;
use crate::notice::Notice;
use crate::store::{Store, StoreError};
use chrono::{DateTime, Utc};

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
    /// `[network]`: the timeouts, retries and the connectivity check's targets.
    pub network: crate::config::NetworkSettings,
    /// `[lists]`: when the providers' model lists are read.
    pub lists: crate::model_lists::ListSettings,
    /// `[fallback]`: how long a message may wait for its model.
    pub fallback: crate::config::FallbackConfig,
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
        lists: loaded.config.lists.settings(),
        fallback: loaded.config.fallback.clone(),
        base: catalog,
        catalog: merged,
        model_lists,
        store: opened.store,
        notices,
    })
}
