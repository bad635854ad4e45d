//! What [`Core::start`](crate::root::Core::start) gathers first: paths, the catalog with the
//! person's config applied, the database, and what to tell the person.

use crate::catalog::{Catalog, CatalogError};
use crate::config::{self, Paths};
use crate::health::policy::PolicySource;
use crate::notice::Notice;
use crate::store::{Store, StoreError};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

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
    /// The config file as read, to build the catalog again when Settings change a provider.
    pub file_config: config::Config,
    /// The providers' settings saved from Settings (under the file's).
    pub saved_providers: BTreeMap<String, config::ProviderSettings>,
    pub unreadable_providers: BTreeMap<String, String>,
}

/// The settings key of the providers' settings saved from Settings.
pub const PROVIDER_SETTINGS: &str = "provider_settings";

pub async fn saved_providers(store: &Store) -> BTreeMap<String, config::ProviderSettings> {
    match store.setting(PROVIDER_SETTINGS).await {
        Ok(saved) => saved.unwrap_or_default(),
        Err(error) => {
            tracing::warn!(%error, "the providers' saved settings could not be read");
            BTreeMap::new()
        }
    }
}

/// The shipped catalog with Settings' provider settings and the config file on top (the
/// file wins a field both set); what does not hold up is left out, with a notice.
pub fn catalog_with(
    file: &config::Config,
    saved: &BTreeMap<String, config::ProviderSettings>,
    unreadable: &BTreeMap<String, String>,
    config_file: &std::path::Path,
    notices: &mut Vec<Notice>,
) -> Result<Catalog, CatalogError> {
    let mut catalog = Catalog::shipped()?;
    let (providers, _) = config::providers_with_saved(saved, &file.providers);
    let effective = config::Config {
        providers,
        ..file.clone()
    };
    notices.extend(config::apply(
        &mut catalog,
        &effective,
        unreadable,
        config_file,
    ));
    Ok(catalog)
}

pub async fn start(paths: Paths, now: DateTime<Utc>) -> Result<Startup, StartupError> {
    let loaded = config::load(&paths.config_file);
    let mut notices = loaded.notices;
    let opened = Store::open(&paths.data_dir, now).await?;
    let saved_providers = saved_providers(&opened.store).await;
    let catalog = catalog_with(
        &loaded.config,
        &saved_providers,
        &loaded.unreadable_providers,
        &paths.config_file,
        &mut notices,
    )?;
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
        demo: loaded.config.demo.clone().map(|d| d.scenario),
        timeouts: loaded.config.network.timeouts(),
        network: loaded.config.network.clone(),
        policy,
        policy_expected,
        health: loaded.config.health.clone(),
        lists: loaded.config.lists.settings(),
        fallback: loaded.config.fallback.clone(),
        base: catalog,
        catalog: merged,
        file_config: loaded.config.clone(),
        saved_providers,
        unreadable_providers: loaded.unreadable_providers.clone(),
        model_lists,
        store: opened.store,
        notices,
    })
}
