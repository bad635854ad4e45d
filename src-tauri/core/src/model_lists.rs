//! Keeping the catalog current: each provider is asked which models it serves (at start, then
//! every few hours, and whenever the person presses Refresh), the answers are cached in the
//! database, merged with the shipped catalog, and handed to the availability engine — which
//! marks a model a cloud provider stopped listing as retired.
//!
//! Never in the way: the window shows the cached lists at once and the asking happens in the
//! background. A list that cannot be read keeps the last good one and says so, as a notice.
//!
//! Who is asked: cloud providers the person has a key for (without one the list endpoint
//! answers 401 and says nothing), and servers that need no key (Ollama, LM Studio, …). A local
//! server that has never answered is not nagged about: most people do not run one.

use crate::catalog::live::{ListedModel, ProviderListing, merge};
use crate::catalog::{Catalog, Provider};
use crate::clock::{Clock, LocalTimes};
use crate::health::service::HealthService;
use crate::notice::Notice;
use crate::providers::keys::{KeyLookup, Secret};
use crate::providers::listing::list_models;
use crate::store::{ModelListState, Store};
use crate::vocabulary::{Failure, FailureClass};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// When the lists are read, and how long one may take (`[lists]` in `config.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListSettings {
    /// How often the lists are read in the background: models change over weeks, not minutes.
    pub every: Duration,
    /// One page of a list may take this long.
    pub timeout: Duration,
}

impl Default for ListSettings {
    fn default() -> Self {
        Self {
            every: Duration::from_secs(4 * 60 * 60),
            timeout: crate::providers::listing::ListOptions::default().timeout,
        }
    }
}

/// A provider's list as the window shows it: when it was read, and any problem since.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, specta::Type)]
pub struct ModelListSummary {
    pub provider: String,
    pub listed_at: Option<DateTime<Utc>>,
    pub checked_at: DateTime<Utc>,
    pub problem: Option<String>,
    /// Models in the list that Switchboard's chat can use.
    pub chat_models: u32,
}

impl From<&ModelListState> for ModelListSummary {
    fn from(state: &ModelListState) -> Self {
        Self {
            provider: state.provider.clone(),
            listed_at: state.listing.as_ref().map(|l| l.listed_at),
            checked_at: state.checked_at,
            problem: state.problem.clone(),
            chat_models: state
                .listing
                .as_ref()
                .map_or(0, |l| l.models.iter().filter(|m| m.can_chat).count() as u32),
        }
    }
}

/// What one refresh found, per provider asked.
#[derive(Debug, Clone, PartialEq)]
pub struct RefreshReport {
    pub provider: String,
    /// Models listed, or what went wrong.
    pub outcome: Result<usize, String>,
}

pub struct ModelListRefresher {
    /// The shipped catalog with the person's config on top: what the lists are merged into.
    /// Replaced when Settings change a provider (a new base URL, a server added).
    base: Mutex<Arc<Catalog>>,
    store: Store,
    http: reqwest::Client,
    health: Arc<HealthService>,
    clock: Arc<dyn Clock>,
    key_for: Arc<KeyLookup>,
    settings: ListSettings,
    states: Mutex<BTreeMap<String, ModelListState>>,
    /// One refresh at a time: a Refresh pressed during the background one waits for it.
    refreshing: tokio::sync::Mutex<()>,
    on_change: Mutex<Option<Box<dyn Fn() + Send + Sync>>>,
}

impl ModelListRefresher {
    /// `cached` is what the database held at start, already merged into the catalog `health`
    /// decides for. The engine holds the catalog in force; the refresher replaces it.
    // Each is a separate thing the refresher needs and the composition root owns; built once.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        base: Catalog,
        cached: Vec<ModelListState>,
        store: Store,
        http: reqwest::Client,
        health: Arc<HealthService>,
        clock: Arc<dyn Clock>,
        key_for: Arc<KeyLookup>,
        settings: ListSettings,
    ) -> Arc<Self> {
        Arc::new(Self {
            base: Mutex::new(Arc::new(base)),
            store,
            http,
            health,
            clock,
            key_for,
            settings,
            states: Mutex::new(
                cached
                    .into_iter()
                    .map(|s| (s.provider.clone(), s))
                    .collect(),
            ),
            refreshing: tokio::sync::Mutex::new(()),
            on_change: Mutex::new(None),
        })
    }

    /// Called after a refresh changed the catalog (the window re-reads it).
    pub fn on_change(&self, callback: impl Fn() + Send + Sync + 'static) {
        *self.on_change.lock().expect("callback lock") = Some(Box::new(callback));
    }

    /// The catalog in force: the shipped one with the lists merged in.
    pub fn catalog(&self) -> Arc<Catalog> {
        self.health.catalog()
    }

    /// Each provider's list as it stands.
    pub fn states(&self) -> Vec<ModelListState> {
        self.states
            .lock()
            .expect("states lock")
            .values()
            .cloned()
            .collect()
    }

    pub fn summaries(&self) -> Vec<ModelListSummary> {
        self.states().iter().map(ModelListSummary::from).collect()
    }

    /// Lists that could not be read, as notices (see the module docs for who is not nagged).
    pub fn notices(&self) -> Vec<Notice> {
        let times = LocalTimes::of(self.clock.as_ref());
        let base = self.base();
        self.states()
            .iter()
            .filter_map(|state| {
                let problem = state.problem.as_deref()?;
                let provider = base.provider(&state.provider)?;
                if !provider.needs_key() && state.listing.is_none() {
                    return None;
                }
                Some(Notice::model_list_unreadable(
                    &provider.name,
                    problem,
                    state.listing.as_ref().map(|l| times.time(l.listed_at)),
                ))
            })
            .collect()
    }

    /// Asks every provider that can be asked, updates the cache, the catalog and the engine.
    pub async fn refresh(&self) -> Vec<RefreshReport> {
        let _one_at_a_time = self.refreshing.lock().await;
        let mut reports = Vec::new();
        let base = self.base();
        for provider in &base.providers {
            // The keyring talks D-Bus and blocks: look keys up off the async threads.
            let key = {
                let (key_for, provider) = (self.key_for.clone(), provider.clone());
                tokio::task::spawn_blocking(move || key_for(&provider))
                    .await
                    .ok()
                    .flatten()
            };
            // Neither without a key, nor from a provider whose settings were refused, nor from
            // one the workspace has turned off.
            if (provider.needs_key() && key.is_none())
                || provider.unusable.is_some()
                || self.health.provider_turned_off(&provider.id)
            {
                continue;
            }
            let now = self.clock.now();
            let outcome = match self.ask(provider, key.as_ref()).await {
                Ok(models) => Ok(self.keep(provider, models, now).await),
                Err(failure) => {
                    let problem = describe(provider, &failure);
                    tracing::warn!(provider = %provider.id, %problem, "model list unreadable");
                    if let Err(error) = self
                        .store
                        .note_model_list_problem(&provider.id, now, &problem)
                        .await
                    {
                        tracing::error!(%error, "could not note a model list problem");
                    }
                    let mut states = self.states.lock().expect("states lock");
                    let state = states.entry(provider.id.clone()).or_insert(ModelListState {
                        provider: provider.id.clone(),
                        listing: None,
                        checked_at: now,
                        problem: None,
                    });
                    state.checked_at = now;
                    state.problem = Some(problem.clone());
                    Err(problem)
                }
            };
            reports.push(RefreshReport {
                provider: provider.id.clone(),
                outcome,
            });
        }
        self.publish();
        reports
    }

    /// The shipped catalog with the person's settings on top, before the lists.
    pub fn base(&self) -> Arc<Catalog> {
        self.base.lock().expect("base lock").clone()
    }

    /// A new base (Settings changed a provider); [`ModelListRefresher::publish`] applies it.
    /// A provider no longer in it loses its list.
    pub fn set_base(&self, base: Catalog) {
        self.states
            .lock()
            .expect("states lock")
            .retain(|id, _| base.provider(id).is_some());
        *self.base.lock().expect("base lock") = Arc::new(base);
    }

    /// Asks `provider` for its list with `key`; nothing is recorded.
    pub async fn ask(
        &self,
        provider: &Provider,
        key: Option<&Secret>,
    ) -> Result<Vec<ListedModel>, Failure> {
        list_models(
            &self.http,
            provider,
            key,
            self.settings.timeout,
            self.clock.now(),
        )
        .await
    }

    /// Keeps a list `provider` gave at `now` (cache, state, the engine hears the key worked);
    /// returns how many of its models can chat. [`ModelListRefresher::publish`] merges it.
    pub async fn keep(
        &self,
        provider: &Provider,
        models: Vec<ListedModel>,
        now: DateTime<Utc>,
    ) -> usize {
        let listing = ProviderListing {
            provider: provider.id.clone(),
            listed_at: now,
            models,
        };
        let count = listing.models.iter().filter(|m| m.can_chat).count();
        self.health.record_list_answered(&provider.id, now);
        if let Err(error) = self.store.save_model_list(&listing).await {
            tracing::error!(%error, "could not cache a model list");
        }
        self.set_state(ModelListState {
            provider: provider.id.clone(),
            listing: Some(listing),
            checked_at: now,
            problem: None,
        });
        count
    }

    /// Refreshes now and then every [`ListSettings::every`], until the process ends.
    pub async fn run(self: Arc<Self>) {
        loop {
            self.refresh().await;
            self.clock.sleep(self.settings.every).await;
        }
    }

    fn set_state(&self, state: ModelListState) {
        self.states
            .lock()
            .expect("states lock")
            .insert(state.provider.clone(), state);
    }

    fn listings(&self) -> Vec<ProviderListing> {
        self.states()
            .into_iter()
            .filter_map(|s| s.listing)
            .collect()
    }

    fn next_refresh_at(&self) -> DateTime<Utc> {
        self.clock.now() + chrono::Duration::from_std(self.settings.every).unwrap_or_default()
    }

    /// Merges the lists into the catalog; tells the engine and the window what changed.
    pub fn publish(&self) {
        let listings = self.listings();
        let merged = Arc::new(merge(&self.base(), &listings));
        self.health
            .set_catalog(merged, listings, Some(self.next_refresh_at()));
        if let Some(callback) = &*self.on_change.lock().expect("callback lock") {
            callback();
        }
    }
}

/// The catalog to start with: `base` merged with the lists cached last time.
pub fn merged_with_cache(base: &Catalog, cached: &[ModelListState]) -> Catalog {
    let listings: Vec<ProviderListing> = cached.iter().filter_map(|s| s.listing.clone()).collect();
    merge(base, &listings)
}

/// What went wrong asking for a list, in words a person can act on.
pub(crate) fn describe(provider: &Provider, failure: &Failure) -> String {
    use crate::vocabulary::ReasonKind::*;
    let name = &provider.name;
    let status = failure
        .http_status
        .map(|s| format!(" (HTTP {s})"))
        .unwrap_or_default();
    match failure.class {
        FailureClass::Reason(AuthFailed) => format!("{name} rejected your API key{status}"),
        FailureClass::Reason(NotPermitted) => {
            format!("{name} does not let this account list its models{status}")
        }
        FailureClass::Reason(RateLimited) => {
            format!("{name} asked Switchboard to slow down{status}")
        }
        FailureClass::Reason(QuotaExhausted) => {
            format!("your {name} account is out of credit{status}")
        }
        FailureClass::Reason(_) => format!("{name}'s servers answered with an error{status}"),
        FailureClass::NoAnswer(transport) => {
            format!("no answer from {name}: {}", transport.plain())
        }
        FailureClass::StreamBroken(_) => {
            format!("{name}'s answer was not a model list Switchboard can read{status}")
        }
        FailureClass::NotTheApi => format!(
            "a web page answered instead of {name}'s API{status} — a sign-in page, a proxy or a \
             wrong base URL may be in the way"
        ),
        FailureClass::RequestRejected => match &failure.provider_message {
            Some(why) => format!("the list was not asked for: {why}"),
            None => format!("{name} refused the request{status}"),
        },
    }
}
