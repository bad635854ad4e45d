//! The composition root: everything Switchboard runs on, built once from the config, the data
//! directory, a clock and an HTTP client, and ended explicitly. The window's commands, every
//! terminal subcommand and the integration tests start it the same way ([`Core::start`]) and
//! talk to it through its methods, so nothing is assembled twice.

use crate::assistant::send::{SendContext, SendEvent, SendOutcome};
use crate::assistant::{self, AssistantError, ConversationView};
use crate::catalog::{Catalog, Provider};
use crate::clock::{Clock, LocalTimes, SystemClock};
use crate::config::Paths;
use crate::health::engine::{HealthEngine, HealthSettings};
use crate::health::poller::{POLICY_SETTING, Poller};
use crate::health::service::{self, HealthService};
use crate::model_lists::{ModelListRefresher, RefreshReport};
use crate::notice::Notice;
use crate::overview::{self, Overview};
use crate::providers::Timeouts;
use crate::providers::keys::{KeyLookup, KeyStore, Keys, Secret, SessionKeys};
use crate::providers::retry::RetryPolicy;
use crate::startup::{self, StartupError};
use crate::store::{Conversation, ModelListState, Store};
use crate::vocabulary::{Consent, ModelAvailability, ModelRef, PolicyRule, StandIn, Transition};

mod episodes;
mod fallback;
mod keys;
mod preferences;
mod servers;
mod statement;
mod workspace;

pub use episodes::HistoryError;
pub use keys::{KeyCheck, KeyEntryError, KeyPlace, ProviderKey};
pub use preferences::{FixedByConfig, Preferences, PreferencesView, Theme};
pub use servers::{ProviderSetup, ProviderSetupError, ServerCheck};
pub use statement::StatementError;
pub use workspace::{WorkspaceError, WorkspaceView};

use chrono::{DateTime, Utc};
pub use fallback::{Choice, FallbackEvent};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// What a door chooses when it starts the core.
pub struct CoreOptions {
    pub paths: Paths,
    pub clock: Arc<dyn Clock>,
    /// The client every provider request goes through; `None`: one made from the config's
    /// timeouts.
    pub http: Option<reqwest::Client>,
    /// Where keys are kept. Blocking (the keyring talks D-Bus): the core only calls it off
    /// the async threads.
    pub keys: Arc<dyn KeyStore>,
    /// Whether models whose breaker is due are probed (the window does; a one-off terminal
    /// command does not), and only when `[health] probes` allows it.
    pub probes: bool,
    /// Whether this core sends the queue when a model is back (the window; a one-off command
    /// would be cut off when it ends).
    pub sends_queue: bool,
}

impl CoreOptions {
    /// The real thing: paths from the environment, the system clock, the keyring and the
    /// providers' environment variables.
    pub fn system(paths: Paths, probes: bool) -> Self {
        Self {
            paths,
            clock: Arc::new(SystemClock),
            http: None,
            keys: system_keys(),
            probes,
            sends_queue: probes,
        }
    }
}

/// The keyring, then each provider's environment variable.
pub fn system_keys() -> Arc<dyn KeyStore> {
    Arc::new(Keys::system())
}

type AvailabilityListener = Box<dyn Fn(&Transition) + Send + Sync>;
type FallbackListener = Box<dyn Fn(&FallbackEvent) + Send + Sync>;
type PreferencesListener = Box<dyn Fn(&Preferences) + Send + Sync>;

/// Switchboard running: the store, the availability engine with its poller, the model-list
/// refresher, the key lookup and the retry policy.
pub struct Core {
    paths: Paths,
    demo: Option<String>,
    /// What the person was told at start (the config, the database).
    notices: Vec<Notice>,
    store: Store,
    health: Arc<HealthService>,
    model_lists: Arc<ModelListRefresher>,
    /// Taken by [`Core::run_in_background`]; a one-off command polls through it in place.
    poller: tokio::sync::Mutex<Option<Poller>>,
    /// Wakes the poller running in the background ("Check now").
    poller_wake: Arc<tokio::sync::Notify>,
    /// Probes on or off while running; `None` when this core never probes.
    probe_switch: Option<Arc<std::sync::atomic::AtomicBool>>,
    /// The config file as read, and the providers' settings saved from Settings: the catalog
    /// is built again from them when Settings change a provider.
    file_config: crate::config::Config,
    saved_providers: Mutex<std::collections::BTreeMap<String, crate::config::ProviderSettings>>,
    unreadable_providers: std::collections::BTreeMap<String, String>,
    /// Where the workspace policy is read from (the poller reads it each round).
    policy_source: Arc<Mutex<Option<crate::health::policy::PolicySource>>>,
    /// The config file names the policy (or tried to): Settings cannot change it.
    policy_in_config: bool,
    /// `[health] probes = false` in the config file: it wins over Settings.
    probes_off_in_config: bool,
    preferences: Mutex<Preferences>,
    on_preferences: Mutex<Vec<PreferencesListener>>,
    /// The keyring (or, where none runs, this session's memory), then the environment.
    keys: Arc<SessionKeys>,
    /// The last check of each provider's key, for Settings.
    key_checks: Mutex<HashMap<String, KeyCheck>>,
    http: reqwest::Client,
    timeouts: Timeouts,
    retry: RetryPolicy,
    /// How long a queued message may wait before the person is asked again.
    max_wait: chrono::Duration,
    clock: Arc<dyn Clock>,
    /// Sends in flight, by the id their door gave each, so a stop can reach them.
    sending: Mutex<HashMap<String, CancellationToken>>,
    on_availability: Arc<Mutex<Vec<AvailabilityListener>>>,
    on_fallback: Mutex<Vec<FallbackListener>>,
    /// The kept consents and the person's order as last read: every write goes through the
    /// core, which forgets them then.
    cached_consents: Mutex<Option<Vec<Consent>>>,
    consents_version: std::sync::atomic::AtomicU64,
    cached_order: Mutex<Option<Vec<ModelRef>>>,
    /// Models known out at their last change (through "degraded" too), for the return.
    out_models: Mutex<HashSet<ModelRef>>,
    sends_queue: bool,
    /// Ends the background tasks; [`Core::shutdown`] cancels it and waits for them.
    stop: CancellationToken,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

impl Core {
    /// Reads the config, opens (and if need be repairs) the database, reads the keys once off
    /// the async threads, and starts recording what the engine concludes. Must be called
    /// inside a Tokio runtime, which then runs the core's tasks.
    pub async fn start(options: CoreOptions) -> Result<Arc<Core>, StartupError> {
        let CoreOptions {
            paths,
            clock,
            http,
            keys,
            probes,
            sends_queue,
        } = options;
        let begun = std::time::Instant::now();
        let started = startup::start(paths, clock.now()).await?;
        tracing::info!(
            ms = begun.elapsed().as_millis(),
            "config read, database opened, catalog and cached lists loaded"
        );
        let keys = Arc::new(SessionKeys::over(keys));
        let timeouts = started.timeouts;
        let http = http.unwrap_or_else(|| crate::providers::client::http_client(&timeouts));
        // Every key at once, off the async threads: the engine needs to know who has one, the
        // probes need the keys themselves.
        let keys_at_start = keys_for(&(keys.clone() as Arc<dyn KeyStore>), &started.catalog).await;
        tracing::info!(ms = begun.elapsed().as_millis(), "keys looked up");
        let engine = HealthEngine::new(
            started.catalog.clone(),
            HealthSettings {
                zone: clock.zone(),
                ..started.health.engine()
            },
            |provider| keys_at_start.contains_key(&provider.id),
            started.store.last_known().await?,
            clock.now(),
        );
        let (health, changes) = HealthService::new(
            engine,
            &started.catalog,
            http.clone(),
            clock.clone(),
            &started.network.connectivity_targets,
            started.network.connectivity_timeout(),
        );
        // What the cached model lists say about retirements holds until they are read again.
        for listing in started.model_lists.iter().filter_map(|s| s.listing.clone()) {
            health.record_listing(listing, None);
        }
        // A source set in Settings is read only where the config file names none: the
        // person's workspace decides, not the person.
        let policy_in_config = started.policy.is_some() || started.policy_expected;
        let policy = match &started.policy {
            Some(source) => Some(source.clone()),
            None if !policy_in_config => Core::saved_policy_source(&started.store).await,
            None => None,
        };
        let policy_expected = started.policy_expected || policy.is_some();
        // The last good policy is in force from the first moment, before it is read again.
        match started
            .store
            .setting::<Vec<PolicyRule>>(POLICY_SETTING)
            .await
        {
            Ok(Some(rules)) if policy_expected => health.record_policy(rules),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "the last workspace policy could not be read"),
        }
        if policy_expected {
            match started
                .store
                .setting::<Vec<ModelRef>>(crate::health::poller::FALLBACK_ORDER_SETTING)
                .await
            {
                Ok(Some(order)) => health.record_fallback_order(order),
                Ok(None) => {}
                Err(error) => {
                    tracing::warn!(%error, "the workspace's fallback order could not be read")
                }
            }
        }
        // Looked up each time: a key entered in Settings is the next probe's and list's.
        let key_lookup: Arc<KeyLookup> = {
            let keys = keys.clone();
            Arc::new(move |p: &Provider| keys.find(p).map(|(secret, _)| secret))
        };
        let poller = Poller::new(
            health.clone(),
            &started.catalog,
            http.clone(),
            policy,
            (probes && started.health.probes).then(|| key_lookup.clone()),
            timeouts,
            clock.clone(),
        )
        .keeping_in(started.store.clone())
        .polling_on(started.health.poll_schedule());
        let probe_switch = poller.probe_switch();
        let policy_source = poller.policy_source();
        let poller_wake = poller.waker();
        let probes_off_in_config = !started.health.probes;
        let saved_preferences = Core::saved_preferences(&started.store).await;
        let model_lists = ModelListRefresher::new(
            started.base.clone(),
            started.model_lists.clone(),
            started.store.clone(),
            http.clone(),
            health.clone(),
            clock.clone(),
            key_lookup,
            started.lists,
        );
        let core = Arc::new(Core {
            paths: started.paths,
            demo: started.demo,
            notices: started.notices,
            store: started.store,
            health,
            model_lists,
            poller: tokio::sync::Mutex::new(Some(poller)),
            poller_wake,
            probe_switch,
            probes_off_in_config,
            policy_source,
            policy_in_config,
            file_config: started.file_config,
            saved_providers: Mutex::new(started.saved_providers),
            unreadable_providers: started.unreadable_providers,
            preferences: Mutex::new(saved_preferences.clone()),
            on_preferences: Mutex::default(),
            keys,
            key_checks: Mutex::default(),
            http,
            timeouts,
            retry: started.network.retry(),
            max_wait: started.fallback.max_wait(),
            clock,
            sending: Mutex::default(),
            on_availability: Arc::default(),
            on_fallback: Mutex::default(),
            cached_consents: Mutex::default(),
            consents_version: Default::default(),
            cached_order: Mutex::default(),
            out_models: Mutex::default(),
            sends_queue,
            stop: CancellationToken::new(),
            tasks: Mutex::default(),
        });
        core.apply_preferences(&saved_preferences);
        // Every change is written to the history, then handed to whoever listens.
        let listeners = core.on_availability.clone();
        core.spawn(service::deliver(
            changes,
            core.store.clone(),
            core.stop.clone(),
            move |transition: &Transition| {
                for listener in listeners.lock().expect("listeners lock").iter() {
                    listener(transition);
                }
            },
        ));
        core.spawn(service::keep_attempts(
            core.health.attach_attempt_log(),
            core.store.clone(),
            core.stop.clone(),
        ));
        // The return: consents and the queue follow each change, in order, once, starting
        // from what was out at the end of the last run.
        core.out_models.lock().expect("out lock").extend(
            core.availability()
                .into_iter()
                .filter(crate::fallback::known_out)
                .map(|a| a.model),
        );
        let (changes, returns) = tokio::sync::mpsc::unbounded_channel();
        core.on_availability
            .lock()
            .expect("listeners lock")
            .push(Box::new(move |transition: &Transition| {
                let _ = changes.send(transition.clone());
            }));
        core.spawn(fallback::follow_returns(
            Arc::downgrade(&core),
            returns,
            core.stop.clone(),
        ));
        // A message claimed for sending by a run that crashed: only when no other Switchboard
        // runs (one may be sending it right now).
        if core.store.alone_at_start()
            && let Err(error) = core.store.recover_queue().await
        {
            tracing::error!(%error, "could not look at the queue");
        }
        Ok(core)
    }

    fn spawn(&self, task: impl std::future::Future<Output = ()> + Send + 'static) {
        let handle = tokio::spawn(task);
        self.tasks.lock().expect("tasks lock").push(handle);
    }

    /// Polls the status pages and the policy, probes what is due and keeps the model lists
    /// current until [`Core::shutdown`]. The policy is read first: nothing is asked of a
    /// provider the workspace has turned off (the last policy read is in force meanwhile).
    pub async fn run_in_background(self: &Arc<Self>) {
        let Some(poller) = self.poller.lock().await.take() else {
            return;
        };
        let (lists, stop) = (self.model_lists.clone(), self.stop.clone());
        self.spawn(async move {
            poller.read_policy().await;
            tokio::select! {
                () = stop.cancelled() => {}
                () = async { tokio::join!(lists.run(), poller.run()); } => {}
            }
        });
    }

    /// Reads the workspace policy once and puts it in force; whether it could not be read (then
    /// the last one read stays in force, and [`Core::source_notices`] says so).
    pub async fn read_policy(&self) -> bool {
        match &*self.poller.lock().await {
            Some(poller) => poller.read_policy().await,
            None => false,
        }
    }

    /// Reads the policy and every status page once, and probes what is due.
    pub async fn poll_once(&self) {
        if let Some(poller) = &mut *self.poller.lock().await {
            poller.poll_once().await;
        }
    }

    /// Asks every provider that can be asked which models it serves now.
    pub async fn refresh_model_lists(&self) -> Vec<RefreshReport> {
        self.model_lists.refresh().await
    }

    /// Sends `text` to `model` as it is, standing in where `stand_in` says so; the one place
    /// a request for a message is made.
    #[allow(clippy::too_many_arguments)]
    async fn send_to(
        &self,
        send_id: &str,
        conversation_id: Option<&str>,
        text: &str,
        model: &ModelRef,
        max_tokens: u32,
        stand_in: Option<StandIn>,
        question_id: Option<String>,
        on_event: &mut (dyn FnMut(SendEvent) + Send),
    ) -> Result<SendOutcome, AssistantError> {
        let catalog = self.health.catalog();
        let cancel = CancellationToken::new();
        self.sending
            .lock()
            .expect("sending lock")
            .insert(send_id.to_string(), cancel.clone());
        let key = match catalog.provider(&model.provider) {
            Some(provider) => self.key(provider).await,
            None => None,
        };
        let key_for = move |_: &Provider| key.clone();
        let ctx = SendContext {
            store: &self.store,
            catalog: &catalog,
            http: &self.http,
            key_for: &key_for,
            observer: &self.health,
            network: self.health.as_ref(),
            policy: self.health.as_ref(),
            clock: self.clock.clone(),
            timeouts: self.timeouts,
            retry: self.retry.clone(),
            max_tokens,
            stand_in,
            question_id,
        };
        let result =
            assistant::send::send(&ctx, conversation_id, text, model, cancel, on_event).await;
        self.sending.lock().expect("sending lock").remove(send_id);
        result
    }

    /// Stops a send: what has arrived is kept.
    pub fn stop_sending(&self, send_id: &str) {
        if let Some(cancel) = self.sending.lock().expect("sending lock").get(send_id) {
            cancel.cancel();
        }
    }

    /// Everything the window paints at start, in one call.
    pub async fn overview(&self) -> Result<Overview, AssistantError> {
        let mut notices = self.all_notices();
        notices.extend(self.fallback_notices().await);
        overview::overview(
            &self.health.catalog(),
            &self.store,
            &notices,
            self.demo.as_deref(),
            self.health.availability(),
            self.model_lists.summaries(),
        )
        .await
    }

    /// The start-up notices, then what the sources and the model lists say now.
    pub fn all_notices(&self) -> Vec<Notice> {
        let mut notices = self.notices.clone();
        notices.extend(self.health.source_notices());
        notices.extend(self.model_lists.notices());
        notices
    }

    /// What was wrong at start: the config, the database.
    pub fn startup_notices(&self) -> &[Notice] {
        &self.notices
    }

    /// Sources that cannot be read now (a status page, the workspace policy).
    pub fn source_notices(&self) -> Vec<Notice> {
        self.health.source_notices()
    }

    /// Model lists that could not be read.
    pub fn model_list_notices(&self) -> Vec<Notice> {
        self.model_lists.notices()
    }

    pub fn availability(&self) -> Vec<ModelAvailability> {
        self.health.availability()
    }

    /// The catalog in force: the shipped one, the config on top, the providers' lists merged in.
    pub fn catalog(&self) -> Arc<Catalog> {
        self.health.catalog()
    }

    /// The board: what is wrong now, grouped, then every provider's models.
    pub fn board(&self) -> crate::board::Board {
        let checks = self.health.provider_checks().into_iter().collect();
        crate::board::board(&self.catalog(), &self.availability(), &checks)
    }

    /// "Check now": reads the status pages and probes every model that is out (of
    /// `provider`, when given) now, not at the end of its wait.
    pub async fn check_now(&self, provider: Option<&str>) {
        self.health.check_now(provider);
        match &mut *self.poller.lock().await {
            // A one-off door polls in place.
            Some(poller) => {
                poller.poll_once().await;
            }
            None => self.poller_wake.notify_one(),
        }
    }

    /// The episodes that overlap the time since `since` (of `model` only, when given), oldest
    /// first: the outage history.
    pub async fn history(
        &self,
        since: DateTime<Utc>,
        model: Option<&ModelRef>,
    ) -> Result<Vec<crate::history::Episode>, crate::store::StoreError> {
        let transitions = self.store.transitions_since(since, model).await?;
        Ok(crate::history::episodes(&transitions)
            .into_iter()
            .filter(|e| e.ended.is_none_or(|end| end >= since))
            .collect())
    }

    /// How the person reads times right now (their zone, today's date).
    pub fn local_times(&self) -> LocalTimes {
        LocalTimes::of(self.clock.as_ref())
    }

    /// Each provider's model list as it stands.
    pub fn model_lists(&self) -> Vec<ModelListState> {
        self.model_lists.states()
    }

    /// The simulator scenario when this run is a demo.
    pub fn demo(&self) -> Option<&str> {
        self.demo.as_deref()
    }

    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub async fn preferred_model(&self) -> Result<Option<ModelRef>, AssistantError> {
        assistant::preferred_model(&self.store, &self.health.catalog()).await
    }

    /// Makes `model` the preferred one; a model a provider just listed can be chosen.
    pub async fn set_preferred_model(&self, model: ModelRef) -> Result<ModelRef, AssistantError> {
        assistant::set_preferred_model(&self.store, &self.health.catalog(), model, self.now()).await
    }

    pub async fn conversations(&self) -> Result<Vec<Conversation>, AssistantError> {
        Ok(self.store.conversations().await?)
    }

    pub async fn open_conversation(&self, id: &str) -> Result<ConversationView, AssistantError> {
        assistant::open_conversation(&self.store, id).await
    }

    /// The unsent text of a conversation (`None`: one not started yet).
    pub async fn draft(&self, conversation_id: Option<&str>) -> Result<String, AssistantError> {
        Ok(self.store.draft(conversation_id.unwrap_or("")).await?)
    }

    pub async fn save_draft(
        &self,
        conversation_id: Option<&str>,
        text: &str,
    ) -> Result<(), AssistantError> {
        Ok(self
            .store
            .set_draft(conversation_id.unwrap_or(""), text, self.now())
            .await?)
    }

    /// Called with every availability change, after it is written to the history.
    pub fn on_availability_change(
        &self,
        listener: impl Fn(&ModelAvailability) + Send + Sync + 'static,
    ) {
        self.on_availability
            .lock()
            .expect("listeners lock")
            .push(Box::new(move |transition: &Transition| {
                listener(&transition.to)
            }));
    }

    /// Called with every transition (from and to), after it is written to the history.
    pub fn on_transition(&self, listener: impl Fn(&Transition) + Send + Sync + 'static) {
        self.on_availability
            .lock()
            .expect("listeners lock")
            .push(Box::new(listener));
    }

    /// Called when a preferred model is back, and when a queued message is sent or the queue
    /// changes.
    pub fn on_fallback(&self, listener: impl Fn(&FallbackEvent) + Send + Sync + 'static) {
        self.on_fallback
            .lock()
            .expect("listeners lock")
            .push(Box::new(listener));
    }

    /// Called after a model-list refresh changed the catalog.
    pub fn on_catalog_change(&self, listener: impl Fn() + Send + Sync + 'static) {
        self.model_lists.on_change(listener);
    }

    /// Stops polling and refreshing, writes what is still on its way to the database and
    /// closes it. Sends still running are stopped (what arrived is kept).
    pub async fn shutdown(&self) {
        for cancel in self.sending.lock().expect("sending lock").values() {
            cancel.cancel();
        }
        // A connectivity check under way ends, so what it concludes is written too.
        self.health.settled().await;
        self.stop.cancel();
        let tasks = std::mem::take(&mut *self.tasks.lock().expect("tasks lock"));
        for task in tasks {
            if let Err(error) = task.await {
                tracing::warn!(%error, "a background task ended badly");
            }
        }
        self.store.close().await;
    }
}

/// The key of every provider that has one, read in one blocking call.
async fn keys_for(keys: &Arc<dyn KeyStore>, catalog: &Catalog) -> HashMap<String, Secret> {
    let (keys, providers) = (keys.clone(), catalog.providers.clone());
    tokio::task::spawn_blocking(move || {
        let mut seen = HashSet::new();
        providers
            .iter()
            .filter(|p| p.needs_key() && seen.insert(p.id.clone()))
            .filter_map(|p| Some((p.id.clone(), keys.find(p)?.0)))
            .collect()
    })
    .await
    .unwrap_or_default()
}
