//! The engine at work: it hears every attempt (as the providers' [`AttemptObserver`]), runs
//! the connectivity check when an attempt got no answer, and hands each transition to the
//! caller to persist and show. Knows nothing of Tauri.

use super::ModelAvailability;
use super::engine::{HealthEngine, PolicyRule, StatusEvidence, Transition};
use crate::catalog::{Catalog, check_endpoint};
use crate::clock::Clock;
use crate::providers::{AttemptObserver, AttemptRecord};
use crate::store::Store;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

/// How long one connectivity probe may take.
const CONNECTIVITY_TIMEOUT: Duration = Duration::from_secs(3);

pub struct HealthService {
    engine: Mutex<HealthEngine>,
    clock: Arc<dyn Clock>,
    http: reqwest::Client,
    /// Endpoints whose answer proves the network is up: the cloud providers' APIs and status
    /// pages. A local server (no key needed) proves nothing about the internet.
    connectivity_urls: Vec<String>,
    changes: mpsc::UnboundedSender<Transition>,
    /// Where every attempt is copied for the record, once someone keeps one.
    attempt_log: Mutex<Option<mpsc::UnboundedSender<AttemptRecord>>>,
    checking: Mutex<bool>,
    /// Sources that could not be read last time (a status page, the policy), in words.
    source_problems: Mutex<std::collections::BTreeMap<String, String>>,
}

impl HealthService {
    /// The service and the stream of transitions it produces.
    pub fn new(
        engine: HealthEngine,
        catalog: &Catalog,
        http: reqwest::Client,
        clock: Arc<dyn Clock>,
    ) -> (Arc<Self>, mpsc::UnboundedReceiver<Transition>) {
        let connectivity_urls = catalog
            .providers
            .iter()
            .filter(|p| p.needs_key())
            .flat_map(|p| [Some(p.base_url.clone()), p.status_url.clone()])
            .flatten()
            .filter(|url| check_endpoint(url).is_ok())
            .collect();
        let (changes, receiver) = mpsc::unbounded_channel();
        let service = Arc::new(Self {
            engine: Mutex::new(engine),
            clock,
            http,
            connectivity_urls,
            changes,
            attempt_log: Mutex::new(None),
            checking: Mutex::new(false),
            source_problems: Mutex::default(),
        });
        (service, receiver)
    }

    /// From now on, every attempt the service hears is also sent here (see [`keep_attempts`]).
    pub fn attach_attempt_log(&self) -> mpsc::UnboundedReceiver<AttemptRecord> {
        let (sender, receiver) = mpsc::unbounded_channel();
        *self.attempt_log.lock().expect("attempt log lock") = Some(sender);
        receiver
    }

    pub fn availability(&self) -> Vec<ModelAvailability> {
        self.engine().availability()
    }

    pub fn record_status(&self, provider: &str, evidence: StatusEvidence) {
        let now = self.clock.now();
        let transitions = self.engine().record_status(provider, evidence, now);
        self.publish(transitions);
    }

    /// The catalog the engine decides for (the live one, once a model list has been read).
    pub fn catalog(&self) -> Arc<Catalog> {
        self.engine().catalog()
    }

    /// The providers' lists were read again: the catalog they merged into, and the lists.
    pub fn set_catalog(
        &self,
        catalog: Arc<Catalog>,
        listings: Vec<crate::catalog::live::ProviderListing>,
        next_check: Option<chrono::DateTime<chrono::Utc>>,
    ) {
        let now = self.clock.now();
        let transitions = self
            .engine()
            .set_catalog(catalog, listings, next_check, now);
        self.publish(transitions);
    }

    /// A provider's model list, read in full; `next_check` is when it is read again.
    pub fn record_listing(
        &self,
        listing: crate::catalog::live::ProviderListing,
        next_check: Option<chrono::DateTime<chrono::Utc>>,
    ) {
        let now = self.clock.now();
        let transitions = self.engine().record_listing(listing, next_check, now);
        self.publish(transitions);
    }

    pub fn record_policy(&self, rules: Vec<PolicyRule>) {
        let now = self.clock.now();
        let transitions = self.engine().record_policy(rules, now);
        self.publish(transitions);
    }

    /// Notes that `source` ("Anthropic's status page", "the workspace policy") could not be
    /// read (`Some`) or was read again (`None`).
    pub fn set_source_problem(&self, source: &str, problem: Option<String>) {
        let mut problems = self.source_problems.lock().expect("source lock");
        match problem {
            Some(problem) => problems.insert(source.to_string(), problem),
            None => problems.remove(source),
        };
    }

    /// Sources that could not be read, as notices a person can act on.
    pub fn source_notices(&self) -> Vec<crate::notice::Notice> {
        self.source_problems
            .lock()
            .expect("source lock")
            .iter()
            .map(|(source, problem)| crate::notice::Notice::source_unreadable(source, problem))
            .collect()
    }

    /// Models whose breaker lets a probe through now.
    pub fn due_probes(&self) -> Vec<crate::catalog::ModelRef> {
        let now = self.clock.now();
        self.engine().due_probes(now)
    }

    pub fn next_probe_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.engine().next_probe_at()
    }

    pub fn tick(&self) {
        let now = self.clock.now();
        let transitions = self.engine().tick(now);
        self.publish(transitions);
    }

    fn engine(&self) -> std::sync::MutexGuard<'_, HealthEngine> {
        self.engine.lock().expect("health engine lock")
    }

    fn publish(&self, transitions: Vec<Transition>) {
        for transition in transitions {
            tracing::info!(
                model = %transition.model,
                from = ?transition.from,
                to = ?transition.to.state,
                reason = ?transition.to.reason.kind,
                "availability changed"
            );
            let _ = self.changes.send(transition);
        }
    }

    /// Asks the independent endpoints whether the network is up, and tells the engine.
    pub async fn check_connectivity(self: Arc<Self>) {
        {
            let mut checking = self.checking.lock().expect("check lock");
            if *checking {
                return;
            }
            *checking = true;
        }
        let up = network_is_up(&self.http, &self.connectivity_urls).await;
        let now = self.clock.now();
        let transitions = self.engine().record_connectivity(up, now);
        self.publish(transitions);
        *self.checking.lock().expect("check lock") = false;
    }
}

impl AttemptObserver for Arc<HealthService> {
    fn record(&self, attempt: AttemptRecord) {
        if let Some(log) = self.attempt_log.lock().expect("attempt log lock").as_ref() {
            let _ = log.send(attempt.clone());
        }
        let (transitions, check) = {
            let mut engine = self.engine();
            let transitions = engine.record_attempt(&attempt);
            (transitions, engine.needs_connectivity_check())
        };
        self.publish(transitions);
        if check && let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(self.clone().check_connectivity());
        }
    }
}

/// Any HTTP answer at all, from any of `urls`, means the network works.
pub async fn network_is_up(http: &reqwest::Client, urls: &[String]) -> bool {
    let probes = urls.iter().map(|url| async move {
        tokio::time::timeout(CONNECTIVITY_TIMEOUT, http.head(url).send())
            .await
            .is_ok_and(|answer| answer.is_ok())
    });
    futures_util::future::join_all(probes)
        .await
        .into_iter()
        .any(|answered| answered)
}

/// Persists each transition, then hands it on (to the window, as an event).
pub async fn deliver(
    mut changes: mpsc::UnboundedReceiver<Transition>,
    store: Store,
    mut on_change: impl FnMut(&Transition) + Send,
) {
    while let Some(transition) = changes.recv().await {
        if let Err(error) = store.record_transition(&transition).await {
            tracing::error!(%error, "could not record an availability change");
        }
        on_change(&transition);
    }
}

/// Writes every attempt to the store, for error rates and the timeline.
pub async fn keep_attempts(mut attempts: mpsc::UnboundedReceiver<AttemptRecord>, store: Store) {
    while let Some(attempt) = attempts.recv().await {
        if let Err(error) = store.record_attempt(&attempt).await {
            tracing::error!(%error, "could not record an attempt");
        }
    }
}
