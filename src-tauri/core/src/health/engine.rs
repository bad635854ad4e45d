//! Signals in, availability out: the decision, per (provider, model), of what a person can
//! rely on right now — fused from this app's own requests, the providers' status pages, a
//! connectivity check and the workspace policy.
//!
//! The engine is a plain state machine: every input carries its own `now`, nothing sleeps,
//! nothing reads the clock. Each input returns the [`Transition`]s it caused, which the
//! caller persists and pushes to the UI.
//!
//! Precedence, highest first (each tested below):
//! 1. the workspace policy turns a provider or model off → `disabled`, `admin_disabled`;
//! 2. no key → `disabled`, `not_configured`;
//!    then a cloud provider's own model list, read in full, that leaves the model out →
//!    `unavailable`, `model_retired` — unless a request to it has succeeded since;
//! 3. no HTTP answer and the connectivity check failed → `unavailable`, `offline` — never
//!    while another provider answered within the last 30 s;
//! 4. the person's side (`auth_failed`, `quota_exhausted`, `rate_limited`, `not_permitted`,
//!    `model_retired`) until a request succeeds or the wait passes;
//! 5. the provider's side: an open breaker (own consecutive server failures), an incident or
//!    maintenance on the status page covering the model;
//!    — an answer of this app's own since a report began outweighs the page's word on whether
//!    the model answers at all: `degraded`, the report still said;
//! 6. server-side failures between answers, below the threshold (a failed attempt its retry
//!    made good) → `degraded`, `elevated_errors` or `overloaded`, until `steady_answers`
//!    answers in a row or `steady_after` without another failure;
//!    then a success → `available`; otherwise `unknown` — said as "No problems known: key
//!    accepted …, status page clear …" when the provider answered a model-list request with
//!    the key or its status page reads clear, "Not checked yet" when nothing at all is known.
//!
//! A breaker opens after `breaker_threshold` consecutive server-side failures and stays open
//! for a cooldown of 30 s × times tripped (at most 300 s), then lets one probe through; a
//! status page resolving the incident lets a probe through at once. Alternating results never
//! reach the threshold, so the state does not flap with them.

use super::connectivity::Connectivity;
use super::message::{self, OwnRequest};
use crate::catalog::live::{ListedIds, ProviderListing, nearest_current};
use crate::catalog::{Catalog, Model, Provider};
use crate::clock::{LocalTimes, Zone};
use crate::vocabulary::{AttemptOutcome, AttemptRecord};
use crate::vocabulary::{AvailabilityState, Evidence, ModelAvailability, Reason, ReasonKind};
use crate::vocabulary::{Coverage, IncidentEvidence, PolicyRule, Side, Transition};
use crate::vocabulary::{Failure, FailureClass};
use crate::vocabulary::{ModelIdentity, ModelRef};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::sync::Arc;

/// Health settings; the defaults are DESIGN.md's.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthSettings {
    /// Consecutive server-side failed attempts that open a model's breaker.
    pub breaker_threshold: u32,
    pub cooldown_base: Duration,
    pub cooldown_max: Duration,
    /// Another provider's answer this recent means the network is up.
    pub network_proof: Duration,
    /// How long a rate limit without a stated wait is assumed to last.
    pub default_rate_limit_wait: Duration,
    /// A model answering between server-side failures is `degraded` until this many answers
    /// in a row, or this long without another failure.
    pub steady_answers: u32,
    pub steady_after: Duration,
    /// The zone the person reads the messages' times in; the service sets it from its clock.
    pub zone: Zone,
}

impl Default for HealthSettings {
    fn default() -> Self {
        Self {
            breaker_threshold: 3,
            cooldown_base: Duration::seconds(30),
            cooldown_max: Duration::seconds(300),
            network_proof: Duration::seconds(30),
            default_rate_limit_wait: Duration::seconds(60),
            steady_answers: 3,
            steady_after: Duration::minutes(5),
            zone: Zone::UTC,
        }
    }
}

/// What one reading of a provider's status page says.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StatusEvidence {
    pub incidents: Vec<IncidentEvidence>,
    /// Maintenances in progress (same shape: title, models, link, and `since` = start).
    pub maintenances: Vec<IncidentEvidence>,
    /// The page could not be read, in words; the last good reading is kept meanwhile.
    pub unreadable: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct ModelHealth {
    consecutive_server_failures: u32,
    first_failure_at: Option<DateTime<Utc>>,
    last_server_failure: Option<Failure>,
    times_tripped: u32,
    open_until: Option<DateTime<Utc>>,
    /// The person's side: the failure and when it stops applying.
    your_side: Option<(Failure, DateTime<Utc>, Option<DateTime<Utc>>)>,
    /// No answer at all, waiting for the connectivity check.
    no_answer_since: Option<DateTime<Utc>>,
    last_success: Option<DateTime<Utc>>,
    /// Who the last answer came from, as the provider said it.
    identity: Option<ModelIdentity>,
    /// Answering again after it could not be relied on: who answered before, and who now —
    /// the evidence for "the same snapshot as before the outage". Kept while it answers.
    back_as: Option<(ModelIdentity, ModelIdentity)>,
    /// Server-side failures with the breaker closed: answering, but not every time.
    unsteady: Option<Unsteady>,
}

/// Server-side failures between answers, below the breaker's threshold: a failed attempt
/// that its retry made good, or every other request failing. The first sign of trouble a
/// person can be told of, minutes before a status page posts.
#[derive(Debug, Clone)]
struct Unsteady {
    since: DateTime<Utc>,
    attempts: u32,
    failed: u32,
    last_failure: Failure,
    failed_at: DateTime<Utc>,
    answers_since_failure: u32,
}

#[derive(Debug, Clone, Default)]
struct ProviderHealth {
    status: StatusEvidence,
    status_read_at: Option<DateTime<Utc>>,
    last_answer: Option<DateTime<Utc>>,
}

/// A cloud provider's model list as last read, and when it is read again.
#[derive(Debug, Clone)]
struct ListingEvidence {
    listing: ProviderListing,
    /// Its ids, for one lookup per model.
    ids: ListedIds,
    next_check: Option<DateTime<Utc>>,
}

pub struct HealthEngine {
    catalog: Arc<Catalog>,
    /// Positions in the catalog, so deciding for one model is not a search.
    model_index: HashMap<ModelRef, usize>,
    provider_index: HashMap<String, usize>,
    settings: HealthSettings,
    has_key: HashMap<String, bool>,
    models: HashMap<ModelRef, ModelHealth>,
    providers: HashMap<String, ProviderHealth>,
    policy: Vec<PolicyRule>,
    listings: HashMap<String, ListingEvidence>,
    /// When each provider last answered a model-list request with the key in use (for a
    /// server that needs none, listed its models): the key is known to work, not the models.
    list_answered: HashMap<String, DateTime<Utc>>,
    /// The last connectivity check: when, whether the network was up, what was asked.
    connectivity: Option<Connectivity>,
    current: HashMap<ModelRef, ModelAvailability>,
}

impl HealthEngine {
    /// Starts from the last known state (marked stale), or from configuration alone.
    pub fn new(
        catalog: impl Into<Arc<Catalog>>,
        settings: HealthSettings,
        has_key: impl Fn(&Provider) -> bool,
        last_known: Vec<ModelAvailability>,
        now: DateTime<Utc>,
    ) -> Self {
        let catalog = catalog.into();
        let has_key = catalog
            .providers
            .iter()
            .map(|p| (p.id.clone(), !p.needs_key() || has_key(p)))
            .collect();
        let (model_index, provider_index) = indexes(&catalog);
        let mut engine = Self {
            model_index,
            provider_index,
            catalog,
            settings,
            has_key,
            models: HashMap::new(),
            providers: HashMap::new(),
            policy: Vec::new(),
            listings: HashMap::new(),
            list_answered: HashMap::new(),
            connectivity: None,
            current: HashMap::new(),
        };
        let mut remembered: HashMap<ModelRef, ModelAvailability> = last_known
            .into_iter()
            .map(|mut a| {
                a.stale = true;
                (a.model.clone(), a)
            })
            .collect();
        // What this app's own requests showed last time is still evidence: a status page read
        // after a restart must not erase it (the page and the policy are simply read again).
        for old in remembered.values() {
            let base_url = engine
                .provider_index
                .get(&old.model.provider)
                .map(|&i| engine.catalog.providers[i].base_url.clone());
            if let (true, Some(base_url)) = (engine.model_index.contains_key(&old.model), base_url)
            {
                let health = engine.models.entry(old.model.clone()).or_default();
                seed_from(health, old, &base_url, &engine.settings, now);
            }
        }
        for key in engine
            .catalog
            .models
            .iter()
            .map(Model::model_ref)
            .collect::<Vec<_>>()
        {
            let fresh = engine.decide(&key, now);
            // Configuration is known now; anything else is the last known state, marked stale,
            // until a signal refreshes it.
            let start = match remembered.remove(&key) {
                Some(old)
                    if fresh.reason.kind == ReasonKind::Unknown
                        || (fresh.reason.kind == old.reason.kind && fresh.state == old.state) =>
                {
                    old
                }
                _ => fresh,
            };
            engine.current.insert(key, start);
        }
        engine
    }

    pub fn availability(&self) -> Vec<ModelAvailability> {
        self.catalog
            .models
            .iter()
            .filter_map(|m| {
                self.current
                    .get(&ModelRef::new(&m.provider, &m.id))
                    .cloned()
            })
            .collect()
    }

    pub fn get(&self, model: &ModelRef) -> Option<&ModelAvailability> {
        self.current.get(model)
    }

    /// Whether a request to `model` should be let through now (closed, or the one probe of a
    /// half-open breaker).
    pub fn allows_request(&self, model: &ModelRef, now: DateTime<Utc>) -> bool {
        self.models
            .get(model)
            .and_then(|h| h.open_until)
            .is_none_or(|until| now >= until)
    }

    /// Models whose breaker cooldown has passed and that should be probed now.
    pub fn due_probes(&self, now: DateTime<Utc>) -> Vec<ModelRef> {
        let mut due: Vec<ModelRef> = self
            .models
            .iter()
            .filter(|(_, h)| h.open_until.is_some_and(|until| now >= until))
            // Not even a probe goes to what the workspace has turned off.
            .filter(|(m, _)| self.turned_off(m, now).is_none())
            .map(|(m, _)| m.clone())
            .collect();
        due.sort_by_key(ModelRef::to_string);
        due
    }

    /// The workspace policy's rule turning `model` off at `now`, if any.
    pub fn turned_off(&self, model: &ModelRef, now: DateTime<Utc>) -> Option<&PolicyRule> {
        super::policy::rule_for(&self.policy, &model.provider, Some(&model.model), now)
    }

    /// Whether the workspace policy turns all of `provider` off at `now` (then not even its
    /// model list is asked for).
    pub fn provider_turned_off(&self, provider: &str, now: DateTime<Utc>) -> bool {
        super::policy::rule_for(&self.policy, provider, None, now).is_some()
    }

    /// "Check now": every open breaker (of `provider`, when given) lets its probe through at
    /// once, instead of at the end of its cooldown.
    pub fn check_now(&mut self, provider: Option<&str>, now: DateTime<Utc>) {
        for (model, health) in self.models.iter_mut() {
            if provider.is_none_or(|p| p == model.provider) && health.open_until.is_some() {
                health.open_until = Some(now);
            }
        }
    }

    /// When each provider's status page was last read and this app last heard from it.
    pub fn provider_checks(&self) -> Vec<(String, crate::vocabulary::ProviderCheck)> {
        self.providers
            .iter()
            .map(|(id, p)| {
                (
                    id.clone(),
                    crate::vocabulary::ProviderCheck {
                        page_read_at: p.status_read_at,
                        last_answer: p.last_answer,
                    },
                )
            })
            .collect()
    }

    /// When the next probe is due, for scheduling.
    pub fn next_probe_at(&self) -> Option<DateTime<Utc>> {
        self.models.values().filter_map(|h| h.open_until).min()
    }

    /// Whether the runtime should run a connectivity check (an attempt got no answer).
    pub fn needs_connectivity_check(&self) -> bool {
        self.models.values().any(|h| h.no_answer_since.is_some())
    }

    /// A key was stored for `provider` (`present`) or removed: its models are decided again.
    pub fn record_key(
        &mut self,
        provider: &str,
        present: bool,
        now: DateTime<Utc>,
    ) -> Vec<Transition> {
        let needs = self
            .provider_index
            .get(provider)
            .is_some_and(|&i| self.catalog.providers[i].needs_key());
        self.has_key.insert(provider.to_string(), present || !needs);
        if needs {
            // Another key, or none: what the provider said of the old one no longer holds.
            self.list_answered.remove(provider);
        }
        self.refresh_provider(provider, now)
    }

    /// A new key for `provider` that the provider accepted at `at` (it listed its models):
    /// one change, so no model says less in between.
    pub fn record_checked_key(
        &mut self,
        provider: &str,
        at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Vec<Transition> {
        self.has_key.insert(provider.to_string(), true);
        self.list_answered.insert(provider.to_string(), at);
        self.refresh_provider(provider, now)
    }

    fn refresh_provider(&mut self, provider: &str, now: DateTime<Utc>) -> Vec<Transition> {
        let scope = self
            .current
            .keys()
            .filter(|m| m.provider == provider)
            .cloned()
            .collect();
        self.refresh(now, scope)
    }

    /// The provider answered a model-list request made with its key at `at` (or, needing
    /// none, listed its models): its models say the key is accepted until something else is
    /// heard of them.
    pub fn record_list_answered(
        &mut self,
        provider: &str,
        at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Vec<Transition> {
        self.list_answered.insert(provider.to_string(), at);
        self.refresh_provider(provider, now)
    }

    /// One of this app's attempts.
    pub fn record_attempt(&mut self, attempt: &AttemptRecord) -> Vec<Transition> {
        let now = attempt.at;
        let settings = self.settings.clone();
        // Nothing is sent without a key: one added since the start (`switchboard key set`,
        // the environment of a new window) is there now, for every model of its provider.
        let key_added = !self
            .has_key
            .insert(attempt.model.provider.clone(), true)
            .unwrap_or(false);
        let proves_network;
        let health = self.models.entry(attempt.model.clone()).or_default();
        match &attempt.outcome {
            AttemptOutcome::Answered => {
                let was_out = self.current.get(&attempt.model).is_some_and(|a| {
                    !matches!(
                        a.state,
                        AvailabilityState::Available | AvailabilityState::Unknown
                    )
                });
                let back_as = match (&health.identity, &attempt.identity) {
                    (Some(before), Some(now)) if was_out => Some((before.clone(), now.clone())),
                    // Still answering: what was said at the return holds.
                    _ if !was_out => health.back_as.clone(),
                    _ => None,
                };
                // Failures that never opened the breaker leave it unsteady until it answers
                // steadily; a probe's success after the breaker opened ends the episode.
                let unsteady = health
                    .unsteady
                    .take()
                    .filter(|_| health.times_tripped == 0)
                    .map(|mut unsteady| {
                        unsteady.attempts += 1;
                        unsteady.answers_since_failure += 1;
                        unsteady
                    })
                    .filter(|u| u.answers_since_failure < settings.steady_answers);
                // One success closes the breaker and resets its escalation.
                *health = ModelHealth {
                    last_success: Some(now),
                    identity: attempt.identity.clone().or(health.identity.take()),
                    back_as,
                    unsteady,
                    ..ModelHealth::default()
                };
                proves_network = true;
            }
            AttemptOutcome::Failed(failure) => {
                // Any HTTP answer proves the network and the provider's front door.
                proves_network = failure.http_status.is_some();
                match failure.class {
                    FailureClass::NoAnswer(_) => {
                        health.no_answer_since.get_or_insert(now);
                        health.last_server_failure = Some(failure.clone());
                    }
                    class if class.is_server_side() => {
                        health.no_answer_since = None;
                        count_server_failure(health, failure, now, &settings);
                    }
                    FailureClass::Reason(kind) if kind.side() != Side::Provider => {
                        let until = match kind {
                            ReasonKind::RateLimited => Some(
                                now + failure
                                    .retry_after
                                    .and_then(|w| Duration::from_std(w).ok())
                                    .unwrap_or(settings.default_rate_limit_wait),
                            ),
                            _ => None,
                        };
                        health.your_side = Some((failure.clone(), now, until));
                        health.no_answer_since = None;
                    }
                    // A refused request says nothing about availability.
                    _ => {}
                }
            }
        }
        // A server on this machine (no key needed) answering says nothing about the internet.
        let remote = self
            .provider_index
            .get(&attempt.model.provider)
            .is_some_and(|&i| self.catalog.providers[i].needs_key());
        if proves_network && remote {
            self.providers
                .entry(attempt.model.provider.clone())
                .or_default()
                .last_answer = Some(now);
        }
        // An attempt changes its own model, any model currently held offline (by proving the
        // network) and, when its key is new, the provider's other models; nothing else.
        let mut scope = vec![attempt.model.clone()];
        scope.extend(
            self.current
                .values()
                .filter(|a| {
                    a.model != attempt.model
                        && (a.reason.kind == ReasonKind::Offline
                            || (key_added && a.model.provider == attempt.model.provider))
                })
                .map(|a| a.model.clone()),
        );
        self.refresh(now, scope)
    }

    /// The result of a connectivity check: could independent hosts be reached? (What was asked
    /// unknown; see [`Self::record_connectivity_check`].)
    pub fn record_connectivity(&mut self, network_up: bool, now: DateTime<Utc>) -> Vec<Transition> {
        self.record_connectivity_check(&Connectivity {
            at: now,
            up: network_up,
            tried: Vec::new(),
            answered: Vec::new(),
        })
    }

    /// The result of a connectivity check, with the hosts it asked.
    pub fn record_connectivity_check(&mut self, check: &Connectivity) -> Vec<Transition> {
        let now = check.at;
        let network_up = check.up;
        self.connectivity = Some(check.clone());
        if network_up {
            // The network works, so no answer from a provider is that provider's problem.
            let settings = self.settings.clone();
            for health in self.models.values_mut() {
                if health.no_answer_since.take().is_some()
                    && let Some(failure) = health.last_server_failure.clone()
                {
                    count_server_failure(health, &failure, now, &settings);
                }
            }
        }
        self.refresh_all(now)
    }

    /// A reading of a provider's status page.
    pub fn record_status(
        &mut self,
        provider: &str,
        evidence: StatusEvidence,
        now: DateTime<Utc>,
    ) -> Vec<Transition> {
        let entry = self.providers.entry(provider.to_string()).or_default();
        let mut evidence = evidence;
        for incident in evidence.incidents.iter_mut() {
            // Nothing began after this app read it: a page's clock ahead of this machine's
            // would otherwise put every answer since "before" the incident.
            incident.since = incident.since.min(now);
            if let Some(seen) = entry.status.incidents.iter().find(|i| i.id == incident.id) {
                incident.since = if incident.id.starts_with("component:") {
                    // A component's word has no start of its own: it holds from when it
                    // was first seen.
                    seen.since
                } else {
                    incident.since.min(seen.since)
                };
            }
        }
        if evidence.unreadable.is_some() {
            // Keep the last good reading; note the page is unreadable.
            entry.status.unreadable = evidence.unreadable;
            return self.refresh_all(now);
        }
        let resolved: Vec<IncidentEvidence> = entry
            .status
            .incidents
            .iter()
            .filter(|old| !evidence.incidents.iter().any(|new| new.id == old.id))
            .cloned()
            .collect();
        entry.status = evidence;
        entry.status_read_at = Some(now);
        // "Resolved" on the page: probe the models it covered at once.
        for incident in resolved {
            for (model, health) in self.models.iter_mut() {
                if model.provider == provider
                    && incident.covers(&model.model)
                    && health.open_until.is_some()
                {
                    health.open_until = Some(now);
                }
            }
        }
        self.refresh_all(now)
    }

    /// The rules of the workspace policy in force.
    pub fn policy(&self) -> &[PolicyRule] {
        &self.policy
    }

    /// The workspace policy as last read.
    pub fn record_policy(&mut self, rules: Vec<PolicyRule>, now: DateTime<Utc>) -> Vec<Transition> {
        self.policy = rules;
        self.refresh_all(now)
    }

    /// The providers' lists were read again: `catalog` is what they merged into and
    /// `listings` the lists themselves (`next_check`: when they are read again). New models
    /// are decided for, ones that are gone forgotten, what is known of the rest kept — in one
    /// pass, so no model is decided against a catalog and a list that do not belong together.
    pub fn set_catalog(
        &mut self,
        catalog: Arc<Catalog>,
        listings: Vec<ProviderListing>,
        next_check: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Vec<Transition> {
        let (model_index, provider_index) = indexes(&catalog);
        self.model_index = model_index;
        self.provider_index = provider_index;
        // A server added while running needs no key, or has none yet.
        for provider in &catalog.providers {
            self.has_key
                .entry(provider.id.clone())
                .or_insert(!provider.needs_key());
        }
        self.catalog = catalog;
        self.current
            .retain(|key, _| self.model_index.contains_key(key));
        self.models
            .retain(|key, _| self.model_index.contains_key(key));
        for listing in listings {
            self.keep_listing(listing, next_check);
        }
        self.refresh_all(now)
    }

    /// One provider's model list, read in full at `listing.listed_at`; `next_check` is when
    /// it is read again.
    pub fn record_listing(
        &mut self,
        listing: ProviderListing,
        next_check: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Vec<Transition> {
        let provider = listing.provider.clone();
        if !self.keep_listing(listing, next_check) {
            return Vec::new();
        }
        let keys = self
            .catalog
            .models_of(&provider)
            .map(Model::model_ref)
            .collect();
        self.refresh(now, keys)
    }

    /// Keeps a list as evidence, and says whether it is any. Only a cloud provider's list
    /// retires a model: a local server lists what has been downloaded, and a model not
    /// downloaded yet is not retired.
    fn keep_listing(
        &mut self,
        listing: ProviderListing,
        next_check: Option<DateTime<Utc>>,
    ) -> bool {
        let cloud = self
            .provider_index
            .get(&listing.provider)
            .is_some_and(|&i| self.catalog.providers[i].needs_key());
        if cloud {
            self.listings.insert(
                listing.provider.clone(),
                ListingEvidence {
                    ids: ListedIds::of(&listing),
                    listing,
                    next_check,
                },
            );
        }
        cloud
    }

    /// The catalog the engine decides for.
    pub fn catalog(&self) -> Arc<Catalog> {
        self.catalog.clone()
    }

    /// Whether the provider's last list left this model out.
    fn unlisted(&self, key: &ModelRef) -> Option<&ListingEvidence> {
        self.listings
            .get(&key.provider)
            .filter(|evidence| !evidence.ids.includes(&key.model))
    }

    /// Time passing: policy end times, rate-limit resets.
    pub fn tick(&mut self, now: DateTime<Utc>) -> Vec<Transition> {
        self.refresh_all(now)
    }

    fn refresh_all(&mut self, now: DateTime<Utc>) -> Vec<Transition> {
        let keys: Vec<ModelRef> = self
            .catalog
            .models
            .iter()
            .map(|m| ModelRef::new(&m.provider, &m.id))
            .collect();
        self.refresh(now, keys)
    }

    /// Decides again for `keys` (in catalog order for the callers that pass it).
    fn refresh(&mut self, now: DateTime<Utc>, keys: Vec<ModelRef>) -> Vec<Transition> {
        let mut transitions = Vec::new();
        for key in keys {
            if !self.model_index.contains_key(&key) {
                continue;
            }
            let mut next = self.decide(&key, now);
            // A state cannot have begun later than now: a status page's clock ahead of this
            // machine's would otherwise put an episode's start after its end.
            if next.since.is_some_and(|since| since > now) {
                next.since = Some(now);
            }
            match self.current.get(&key) {
                Some(old)
                    if !old.stale
                        && old.state == next.state
                        && old.reason.kind == next.reason.kind =>
                {
                    // The same situation: keep its start, take the fresher words and evidence
                    // (an incident posted while the policy keeps it off is still evidence).
                    next.since = old.since;
                    if old.reason != next.reason
                        || old.next_check != next.next_check
                        || old.evidence != next.evidence
                    {
                        self.current.insert(key, next);
                    }
                }
                old => {
                    let from = old.map_or(AvailabilityState::Unknown, |o| o.state);
                    let changed = old
                        .is_none_or(|o| o.state != next.state || o.reason.kind != next.reason.kind);
                    // A new state begins after the one it ends: "available, answered at
                    // 16:19" after an outage that began at 16:23 is available from now on.
                    if changed
                        && let (Some(old_since), Some(since)) =
                            (old.and_then(|o| o.since), next.since)
                        && since < old_since
                    {
                        next.since = Some(now);
                    }
                    if changed {
                        transitions.push(Transition {
                            model: key.clone(),
                            from,
                            to: next.clone(),
                        });
                    }
                    self.current.insert(key, next);
                }
            }
        }
        transitions
    }

    /// The decision for one model, by the precedence in the module docs.
    fn decide(&self, key: &ModelRef, now: DateTime<Utc>) -> ModelAvailability {
        let (Some(provider), Some(model)) = (
            self.provider_index
                .get(&key.provider)
                .map(|&i| &self.catalog.providers[i]),
            self.model_index.get(key).map(|&i| &self.catalog.models[i]),
        ) else {
            unreachable!("decide is only called for catalog models");
        };
        let times = LocalTimes::new(self.settings.zone, now);
        let unheard = ModelHealth::default();
        let health = self.models.get(key).unwrap_or(&unheard);
        let rule = super::policy::rule_for(&self.policy, &key.provider, Some(&key.model), now);
        let status = self.providers.get(&key.provider);
        // The strongest coverage wins; between equals, a maintenance explains more.
        fn covering<'e>(
            list: &'e [IncidentEvidence],
            model: &str,
        ) -> Option<(Coverage, &'e IncidentEvidence)> {
            list.iter()
                .filter_map(|i| i.coverage(model).map(|c| (c, i)))
                .min_by_key(|(c, _)| *c)
        }
        let incident = status.and_then(|s| covering(&s.status.incidents, &key.model));
        let maintenance = status.and_then(|s| covering(&s.status.maintenances, &key.model));
        // What the page says of the model, strongest first; a maintenance explains more
        // than an incident of the same strength.
        let page = match (incident, maintenance) {
            (Some((ci, i)), Some((cm, _))) if ci < cm => Some((ci, i, false)),
            (_, Some((cm, m))) => Some((cm, m, true)),
            (Some((ci, i)), None) => Some((ci, i, false)),
            (None, None) => None,
        };
        let evidence = Evidence {
            own_failures: health.consecutive_server_failures,
            last_failure: health
                .your_side
                .as_ref()
                .map(|(f, _, _)| f.clone())
                .or_else(|| health.last_server_failure.clone()),
            last_success: health.last_success,
            incident: page.map(|(_, report, _)| report.clone()),
            policy: rule.cloned(),
        };
        let verdict = |state, reason: Reason, since, next_check| ModelAvailability {
            model: key.clone(),
            state,
            reason: match model.retires_on {
                // A retirement announced ahead is said whatever else is.
                Some(day) if reason.kind != ReasonKind::ModelRetired => {
                    message::with_retirement(reason, provider, model, day, now)
                }
                _ => reason,
            },
            since: Some(since),
            next_check,
            stale: false,
            evidence: evidence.clone(),
        };

        // 1. The workspace policy.
        if let Some(rule) = rule {
            return verdict(
                AvailabilityState::Disabled,
                message::admin_disabled(provider, model, rule, &times),
                now,
                rule.until,
            );
        }
        // 2. Settings refused (never the shipped endpoint instead), or no key.
        if let Some(why) = &provider.unusable {
            return verdict(
                AvailabilityState::Disabled,
                message::config_refused(provider, model, why),
                now,
                None,
            );
        }
        if !self.has_key.get(&key.provider).copied().unwrap_or(false) {
            return verdict(
                AvailabilityState::Disabled,
                message::not_configured(provider, model),
                now,
                None,
            );
        }
        // 2b. The provider's own list no longer has it (a success since outweighs the list).
        if let Some(evidence) = self.unlisted(key)
            && health
                .last_success
                .is_none_or(|at| at < evidence.listing.listed_at)
        {
            let nearest = nearest_current(&self.catalog, key, |m| self.unlisted(m).is_some());
            return verdict(
                AvailabilityState::Unavailable,
                message::retired_from_list(
                    provider,
                    model,
                    nearest,
                    evidence.listing.listed_at,
                    evidence.next_check,
                    &times,
                ),
                evidence.listing.listed_at,
                evidence.next_check,
            );
        }
        // 3. No answer and the network is down (unless another provider answered lately).
        if let Some(since) = health.no_answer_since
            && let Some(check) = self.connectivity.as_ref().filter(|c| !c.up)
            && check.at >= since
            && !self.someone_answered_since(now - self.settings.network_proof)
        {
            return verdict(
                AvailabilityState::Unavailable,
                message::offline(provider, model, check, &times),
                since,
                None,
            );
        }
        // 4. The person's side.
        if let Some((failure, at, until)) = &health.your_side
            && until.is_none_or(|u| now < u)
        {
            let reason = message::own_request_failed(
                provider,
                model,
                &OwnRequest {
                    failure,
                    attempts: 1,
                    since: *at,
                    next_check: *until,
                    network: None,
                    times,
                },
            );
            return verdict(AvailabilityState::Unavailable, reason, *at, *until);
        }
        // 5. The provider's side.
        if let Some(until) = health.open_until {
            let since = health.first_failure_at.unwrap_or(now);
            // What the provider has said explains our failures better than the failures do —
            // when it names the model; a report about the API as a whole is context.
            let own = |failure| {
                message::own_request_failed(
                    provider,
                    model,
                    &OwnRequest {
                        failure,
                        attempts: health.consecutive_server_failures,
                        since,
                        next_check: Some(until),
                        // A no-answer counted only once the network was shown to be up.
                        network: self.connectivity.as_ref().filter(|c| c.up),
                        times,
                    },
                )
            };
            let reason = match (incident, maintenance, &health.last_server_failure) {
                (Some((Coverage::Named, incident)), _, _) => message::provider_incident(
                    provider,
                    model,
                    incident,
                    message::OwnAnswers::Failing,
                    &times,
                ),
                // Planned work on the API explains failures during it, named or not.
                (_, Some((_, maintenance)), _) => message::maintenance(
                    provider,
                    model,
                    maintenance,
                    message::OwnAnswers::Failing,
                    &times,
                ),
                (incident, maintenance, Some(failure)) => {
                    let mut reason = own(failure);
                    if let Some((_, context)) = incident.or(maintenance) {
                        message::add_page_context(&mut reason, provider, context);
                    }
                    reason
                }
                (Some((_, incident)), _, None) => message::provider_incident(
                    provider,
                    model,
                    incident,
                    message::OwnAnswers::Failing,
                    &times,
                ),
                (None, None, None) => message::unknown(provider, model),
            };
            return verdict(AvailabilityState::Unavailable, reason, since, Some(until));
        }
        // A named maintenance, a named incident, a component outage, then the reports that
        // reach the model only as "the API": each by its strength.
        if let Some((coverage, report, is_maintenance)) = page {
            // This app's own answer since the report began outweighs the page's word on
            // whether the model can be used at all (its breaker being closed): it answers.
            let answered_since = health.last_success.filter(|at| *at >= report.since);
            // A maintenance too: planned work that the model answers through is not an outage.
            let state = match coverage {
                Coverage::Named | Coverage::ApiOutage if answered_since.is_some() => {
                    AvailabilityState::Degraded
                }
                Coverage::Named if is_maintenance => AvailabilityState::Unavailable,
                Coverage::Named if report.severe => AvailabilityState::Unavailable,
                Coverage::ApiOutage => AvailabilityState::Unavailable,
                Coverage::Named | Coverage::ApiDegraded => AvailabilityState::Degraded,
            };
            let own = match answered_since {
                _ if health.consecutive_server_failures > 0 => message::OwnAnswers::Failing,
                Some(at) => message::OwnAnswers::AnsweringSince(at),
                None => message::OwnAnswers::NotAsked,
            };
            let reason = match coverage {
                // Its words say whether the model answers through the maintenance.
                _ if is_maintenance => message::maintenance(provider, model, report, own, &times),
                Coverage::Named => message::provider_incident(provider, model, report, own, &times),
                Coverage::ApiOutage | Coverage::ApiDegraded => message::provider_component(
                    provider,
                    model,
                    report,
                    coverage,
                    health.last_success,
                    health.consecutive_server_failures,
                    &times,
                ),
            };
            return verdict(state, reason, report.since, None);
        }
        // 6. What was last heard: server-side failures between answers, then an answer.
        if let Some(unsteady) = &health.unsteady {
            let steady_by = unsteady.failed_at + self.settings.steady_after;
            if now < steady_by {
                let page_clear_at = status
                    .filter(|s| s.status.unreadable.is_none())
                    .and_then(|s| s.status_read_at);
                let reason = message::answering_with_errors(
                    provider,
                    model,
                    &message::Unsteady {
                        failure: &unsteady.last_failure,
                        failed_at: unsteady.failed_at,
                        attempts: unsteady.attempts,
                        failed: unsteady.failed,
                        since: unsteady.since,
                        last_answer: health.last_success,
                        steady_answers: self.settings.steady_answers,
                        steady_by,
                        page_clear_at,
                        times,
                    },
                );
                return verdict(
                    AvailabilityState::Degraded,
                    reason,
                    unsteady.since,
                    Some(steady_by),
                );
            }
        }
        if let Some(at) = health.last_success {
            return verdict(
                AvailabilityState::Available,
                message::healthy(provider, model, at, health.back_as.as_ref(), &times),
                at,
                None,
            );
        }
        // 7. Nothing heard of the model itself — but what is known of its provider is said:
        // the key accepted, the status page clear. Not "available": it has not answered.
        let page_clear = status
            .filter(|s| s.status.unreadable.is_none())
            .and_then(|s| s.status_read_at);
        let reason = match (self.list_answered.get(&key.provider), page_clear) {
            (None, None) => message::unknown(provider, model),
            (listed, page) => {
                message::nothing_known_wrong(provider, model, listed.copied(), page, &times)
            }
        };
        verdict(AvailabilityState::Unknown, reason, now, None)
    }

    fn someone_answered_since(&self, since: DateTime<Utc>) -> bool {
        self.providers
            .values()
            .any(|p| p.last_answer.is_some_and(|at| at >= since))
    }

    pub fn catalog_model(&self, key: &ModelRef) -> Option<&Model> {
        self.model_index.get(key).map(|&i| &self.catalog.models[i])
    }
}

/// Positions of models and providers in `catalog`.
fn indexes(catalog: &Catalog) -> (HashMap<ModelRef, usize>, HashMap<String, usize>) {
    let models = catalog
        .models
        .iter()
        .enumerate()
        .map(|(i, m)| (m.model_ref(), i))
        .collect();
    let providers = catalog
        .providers
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.clone(), i))
        .collect();
    (models, providers)
}

/// Own-request evidence from a remembered state: the last answer, the person's side (until it
/// passes or a request succeeds), and an open breaker (probed when its time has come).
fn seed_from(
    health: &mut ModelHealth,
    old: &ModelAvailability,
    base_url: &str,
    settings: &HealthSettings,
    now: DateTime<Utc>,
) {
    health.last_success = old.evidence.last_success;
    let Some(failure) = old.evidence.last_failure.as_ref() else {
        return;
    };
    let since = old.since.unwrap_or(now);
    match failure.class {
        // A wrong address the person has since changed in the config is not held against
        // the new one.
        FailureClass::Reason(ReasonKind::WrongEndpoint)
            if failure
                .url
                .as_deref()
                .is_some_and(|url| !url.starts_with(base_url.trim_end_matches('/'))) => {}
        FailureClass::Reason(kind) if kind.side() != Side::Provider && kind == old.reason.kind => {
            let until = (kind == ReasonKind::RateLimited).then(|| old.next_check.unwrap_or(now));
            health.your_side = Some((failure.clone(), since, until));
        }
        class if class.is_server_side() && old.evidence.own_failures > 0 => {
            health.consecutive_server_failures = old.evidence.own_failures;
            health.first_failure_at = Some(since);
            health.last_server_failure = Some(failure.clone());
            if old.evidence.own_failures >= settings.breaker_threshold
                && old.state == AvailabilityState::Unavailable
            {
                health.times_tripped = 1;
                // Checked again when it was due, or at once if that time has passed.
                health.open_until = Some(old.next_check.unwrap_or(now).max(now));
            }
        }
        _ => {}
    }
}

fn count_server_failure(
    health: &mut ModelHealth,
    failure: &Failure,
    now: DateTime<Utc>,
    settings: &HealthSettings,
) {
    health.your_side = None;
    health.consecutive_server_failures += 1;
    health.first_failure_at.get_or_insert(now);
    health.last_server_failure = Some(failure.clone());
    let unsteady = health.unsteady.get_or_insert_with(|| Unsteady {
        since: now,
        attempts: 0,
        failed: 0,
        last_failure: failure.clone(),
        failed_at: now,
        answers_since_failure: 0,
    });
    unsteady.attempts += 1;
    unsteady.failed += 1;
    unsteady.last_failure = failure.clone();
    unsteady.failed_at = now;
    unsteady.answers_since_failure = 0;
    // A failed probe re-opens the breaker with a longer cooldown; so does reaching the
    // threshold from closed.
    let tripping = health.open_until.is_some_and(|until| now >= until)
        || (health.open_until.is_none()
            && health.consecutive_server_failures >= settings.breaker_threshold);
    if tripping {
        health.times_tripped += 1;
        let cooldown =
            (settings.cooldown_base * health.times_tripped as i32).min(settings.cooldown_max);
        health.open_until = Some(now + cooldown);
    }
}

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;
