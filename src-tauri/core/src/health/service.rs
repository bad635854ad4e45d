//! The engine at work: it hears every attempt (as the providers' [`AttemptObserver`]), runs
//! the connectivity check when an attempt got no answer, and hands each transition to the
//! caller to persist and show. Knows nothing of Tauri.

use super::connectivity::{Connectivity, ConnectivityCheck, NetworkCheck};
use super::engine::{HealthEngine, StatusEvidence};
use crate::catalog::{Catalog, Provider};
use crate::clock::{Clock, LocalTimes};
use crate::providers::AttemptObserver;
use crate::store::Store;
use crate::vocabulary::AttemptRecord;
use crate::vocabulary::ModelAvailability;
use crate::vocabulary::Reason;
use crate::vocabulary::{PolicyRule, Transition};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

pub struct HealthService {
    engine: Mutex<HealthEngine>,
    clock: Arc<dyn Clock>,
    /// Hosts whose answer proves the network is up (see [`ConnectivityCheck`]).
    connectivity: ConnectivityCheck,
    /// The last check; held while one runs, so callers wait for it rather than start another.
    last_check: tokio::sync::Mutex<Option<Connectivity>>,
    changes: mpsc::UnboundedSender<Transition>,
    /// Where every attempt is copied for the record, once someone keeps one.
    attempt_log: Mutex<Option<mpsc::UnboundedSender<AttemptRecord>>>,
    /// Sources that could not be read last time (a status page, the policy), in words.
    source_problems: Mutex<std::collections::BTreeMap<String, String>>,
    /// When the workspace policy was last read.
    policy_read_at: Mutex<Option<chrono::DateTime<chrono::Utc>>>,
    /// Connectivity checks started because an attempt got no answer, still running.
    checks: Mutex<tokio::task::JoinSet<()>>,
    /// The workspace's order of models to offer when one is out, as last read.
    fallback_order: Mutex<Vec<crate::vocabulary::ModelRef>>,
    /// Told when an attempt brings the next probe forward (a breaker opened), so a poller
    /// asleep until its next round wakes for the probe instead.
    probe_scheduled: Arc<tokio::sync::Notify>,
}

impl HealthService {
    /// The service and the stream of transitions it produces. `connectivity_targets` are the
    /// hosts asked besides the providers' own endpoints when a request gets no answer.
    pub fn new(
        engine: HealthEngine,
        catalog: &Catalog,
        http: reqwest::Client,
        clock: Arc<dyn Clock>,
        connectivity_targets: &[String],
        connectivity_timeout: Duration,
    ) -> (Arc<Self>, mpsc::UnboundedReceiver<Transition>) {
        let connectivity =
            ConnectivityCheck::new(http, catalog, connectivity_targets, connectivity_timeout);
        let (changes, receiver) = mpsc::unbounded_channel();
        let service = Arc::new(Self {
            engine: Mutex::new(engine),
            clock,
            connectivity,
            last_check: tokio::sync::Mutex::new(None),
            changes,
            attempt_log: Mutex::new(None),
            source_problems: Mutex::default(),
            policy_read_at: Mutex::default(),
            checks: Mutex::default(),
            fallback_order: Mutex::default(),
            probe_scheduled: Arc::default(),
        });
        (service, receiver)
    }

    /// Notified when an attempt brings the next probe forward.
    pub fn probe_scheduled(&self) -> Arc<tokio::sync::Notify> {
        self.probe_scheduled.clone()
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

    /// The policy was read just now.
    pub fn note_policy_read(&self) {
        *self.policy_read_at.lock().expect("policy lock") = Some(self.clock.now());
    }

    /// The policy's rules in force, and when it was last read (`None`: not this run).
    pub fn policy(&self) -> (Vec<PolicyRule>, Option<chrono::DateTime<chrono::Utc>>) {
        let read_at = *self.policy_read_at.lock().expect("policy lock");
        (self.engine().policy().to_vec(), read_at)
    }

    /// What could not be read from `source`, if anything.
    pub fn source_problem(&self, source: &str) -> Option<String> {
        self.source_problems
            .lock()
            .expect("source lock")
            .get(source)
            .cloned()
    }

    /// The workspace's fallback order, as its policy said it last.
    pub fn record_fallback_order(&self, order: Vec<crate::vocabulary::ModelRef>) {
        *self.fallback_order.lock().expect("order lock") = order;
    }

    pub fn fallback_order(&self) -> Vec<crate::vocabulary::ModelRef> {
        self.fallback_order.lock().expect("order lock").clone()
    }

    /// A key was stored for `provider` (`present`) or removed.
    pub fn record_key(&self, provider: &str, present: bool) {
        let now = self.clock.now();
        let transitions = self.engine().record_key(provider, present, now);
        self.publish(transitions);
    }

    /// A new key for `provider`, accepted by it at `at`.
    pub fn record_checked_key(&self, provider: &str, at: chrono::DateTime<chrono::Utc>) {
        let now = self.clock.now();
        let transitions = self.engine().record_checked_key(provider, at, now);
        self.publish(transitions);
    }

    /// `provider` answered a model-list request with its key at `at`.
    pub fn record_list_answered(&self, provider: &str, at: chrono::DateTime<chrono::Utc>) {
        let now = self.clock.now();
        let transitions = self.engine().record_list_answered(provider, at, now);
        self.publish(transitions);
    }

    /// Whether the workspace policy turns all of `provider` off now.
    pub fn provider_turned_off(&self, provider: &str) -> bool {
        let now = self.clock.now();
        self.engine().provider_turned_off(provider, now)
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
    pub fn due_probes(&self) -> Vec<crate::vocabulary::ModelRef> {
        let now = self.clock.now();
        self.engine().due_probes(now)
    }

    /// Lets every open breaker (of `provider`) probe at once.
    pub fn check_now(&self, provider: Option<&str>) {
        let now = self.clock.now();
        self.engine().check_now(provider, now);
    }

    /// Per provider: when its status page was last read, and when it last answered.
    pub fn provider_checks(&self) -> Vec<(String, crate::vocabulary::ProviderCheck)> {
        self.engine().provider_checks()
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

    /// Waits for the connectivity checks that attempts without an answer started, so what
    /// they conclude is in the engine (and its transitions sent) when this returns.
    pub async fn settled(&self) {
        loop {
            let mut running = std::mem::take(&mut *self.checks.lock().expect("checks lock"));
            if running.is_empty() {
                return;
            }
            while let Some(done) = running.join_next().await {
                if let Err(error) = done {
                    tracing::warn!(%error, "a connectivity check ended badly");
                }
            }
        }
    }

    /// Asks every independent endpoint whether the network is up, and tells the engine.
    pub async fn check_connectivity(self: Arc<Self>) -> Connectivity {
        self.connectivity_after(None, self.clock.now()).await
    }

    /// A connectivity check that started no earlier than `since` — the last one, or one run
    /// now — for a request to `failing` that got no answer. The engine hears each check once.
    pub async fn connectivity_after(
        &self,
        failing: Option<&Provider>,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Connectivity {
        let mut last = self.last_check.lock().await;
        // A recent check serves, unless the failing provider's own host is what answered it.
        let own = failing.map(|p| super::connectivity::host_of(&p.base_url));
        if let Some(check) = last.as_ref()
            && check.at >= since
            && own
                .as_ref()
                .is_none_or(|host| !check.answered.contains(host))
        {
            return check.clone();
        }
        // Not even a connectivity check goes to a provider the workspace turned off.
        let skip: Vec<String> = {
            let now = self.clock.now();
            let engine = self.engine();
            engine
                .catalog()
                .providers
                .iter()
                .filter(|p| engine.provider_turned_off(&p.id, now))
                .map(|p| p.id.clone())
                .collect()
        };
        let check = self
            .connectivity
            .run(failing, &skip, self.clock.now())
            .await;
        let transitions = self.engine().record_connectivity_check(&check);
        self.publish(transitions);
        *last = Some(check.clone());
        check
    }
}

impl super::policy::PolicyCheck for HealthService {
    fn turned_off(&self, provider: &Provider, model: &crate::catalog::Model) -> Option<Reason> {
        let now = self.clock.now();
        let engine = self.engine();
        engine
            .turned_off(
                &crate::vocabulary::ModelRef::new(&provider.id, &model.id),
                now,
            )
            .map(|rule| {
                let times = LocalTimes::new(self.clock.zone(), now);
                super::message::admin_disabled(provider, model, rule, &times)
            })
    }
}

impl NetworkCheck for HealthService {
    fn check_after<'a>(
        &'a self,
        failing: &'a Provider,
        since: chrono::DateTime<chrono::Utc>,
    ) -> futures_util::future::BoxFuture<'a, Connectivity> {
        Box::pin(self.connectivity_after(Some(failing), since))
    }
}

impl AttemptObserver for Arc<HealthService> {
    fn record(&self, attempt: AttemptRecord) {
        if let Some(log) = self.attempt_log.lock().expect("attempt log lock").as_ref() {
            let _ = log.send(attempt.clone());
        }
        let (transitions, check, probe_sooner) = {
            let mut engine = self.engine();
            let before = engine.next_probe_at();
            let transitions = engine.record_attempt(&attempt);
            let after = engine.next_probe_at();
            let sooner = after.is_some_and(|at| before.is_none_or(|b| at < b));
            (transitions, engine.needs_connectivity_check(), sooner)
        };
        self.publish(transitions);
        if probe_sooner {
            self.probe_scheduled.notify_one();
        }
        if check && let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let service = self.clone();
            let since = attempt.at;
            let provider = attempt.model.provider.clone();
            let check = async move {
                let failing = service.catalog().provider(&provider).cloned();
                service.connectivity_after(failing.as_ref(), since).await;
            };
            self.checks
                .lock()
                .expect("checks lock")
                .spawn_on(check, &runtime);
        }
    }
}

/// Persists each transition, then hands it on (to the window, as an event), until `stop`:
/// then what is already queued is still written.
pub async fn deliver(
    mut changes: mpsc::UnboundedReceiver<Transition>,
    store: Store,
    stop: CancellationToken,
    mut on_change: impl FnMut(&Transition) + Send,
) {
    while let Some(transition) = next_or_queued(&mut changes, &stop).await {
        if let Err(error) = store.record_transition(&transition).await {
            tracing::error!(%error, "could not record an availability change");
            if let Some(notice) = store.repair_if_damaged(&error).await {
                tracing::warn!(message = %notice.message, "the damaged database was repaired");
            }
        }
        on_change(&transition);
    }
}

/// Writes every attempt to the store, for error rates and the timeline, until `stop` (then
/// what is already queued is still written).
pub async fn keep_attempts(
    mut attempts: mpsc::UnboundedReceiver<AttemptRecord>,
    store: Store,
    stop: CancellationToken,
) {
    while let Some(attempt) = next_or_queued(&mut attempts, &stop).await {
        if let Err(error) = store.record_attempt(&attempt).await {
            tracing::error!(%error, "could not record an attempt");
            if let Some(notice) = store.repair_if_damaged(&error).await {
                tracing::warn!(message = %notice.message, "the damaged database was repaired");
            }
        }
    }
}

/// The next item; once `stop` is cancelled, only what is already queued, then `None`.
pub(crate) async fn next_or_queued<T>(
    receiver: &mut mpsc::UnboundedReceiver<T>,
    stop: &CancellationToken,
) -> Option<T> {
    if stop.is_cancelled() {
        return receiver.try_recv().ok();
    }
    tokio::select! {
        item = receiver.recv() => item,
        () = stop.cancelled() => receiver.try_recv().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::health::engine::HealthSettings;
    use crate::vocabulary::{AttemptOutcome, Failure, FailureClass, ModelRef, ReasonKind};
    use chrono::TimeZone;
    use futures_util::FutureExt;

    fn attempt(at: chrono::DateTime<chrono::Utc>, failed: bool) -> AttemptRecord {
        AttemptRecord {
            model: ModelRef::new("anthropic", "claude-opus-4-7"),
            at,
            attempt: 1,
            outcome: if failed {
                let mut failure = Failure::new(FailureClass::Reason(ReasonKind::ElevatedErrors));
                failure.http_status = Some(500);
                AttemptOutcome::Failed(failure)
            } else {
                AttemptOutcome::Answered
            },
            first_text_after: None,
            identity: None,
        }
    }

    /// A poller asleep until its next round (a minute, or more) must wake for a probe that a
    /// breaker opened meanwhile makes due in 30 s: the service says when that happens.
    #[tokio::test]
    async fn an_attempt_that_opens_a_breaker_tells_the_poller_and_others_do_not() {
        let start = chrono::Utc.with_ymd_and_hms(2026, 6, 5, 9, 0, 0).unwrap();
        let clock = ManualClock::new(start);
        let catalog = Catalog::shipped().unwrap();
        let engine = HealthEngine::new(
            catalog.clone(),
            HealthSettings::default(),
            |_| true,
            Vec::new(),
            start,
        );
        let (service, _changes) = HealthService::new(
            engine,
            &catalog,
            reqwest::Client::new(),
            Arc::new(clock),
            &[],
            Duration::from_secs(1),
        );
        let scheduled = service.probe_scheduled();
        let told = || scheduled.notified().now_or_never().is_some();
        let s = |n| start + chrono::Duration::seconds(n);

        service.record(attempt(s(0), false));
        service.record(attempt(s(1), true));
        service.record(attempt(s(2), true));
        assert!(!told(), "two failures open nothing");
        service.record(attempt(s(3), true));
        assert!(told(), "the third opens the breaker: a probe at 09:00:33");
        assert_eq!(service.next_probe_at(), Some(s(33)));
        // The probe fails: the next one is later, which the sleeping poller's plan covers.
        service.record(attempt(s(33), true));
        assert!(!told(), "a later probe needs no wake");
    }
}
