//! The availability engine at work against the provider simulator's built-in scenarios: real
//! requests through the real clients, real status pages and the real workspace policy, read by
//! the real poller, with scenario time (the simulator's) and engine time (a `ManualClock`)
//! moved forward together, so nothing sleeps but the HTTP itself.

mod common;

use chrono::{DateTime, SubsecRound, Utc};
use std::sync::Arc;
use std::time::Duration;
use switchboard_core::catalog::{Catalog, Provider};
use switchboard_core::clock::{Clock, ManualClock};
use switchboard_core::health::engine::{HealthEngine, HealthSettings};
use switchboard_core::health::policy::PolicySource;
use switchboard_core::health::poller::Poller;
use switchboard_core::health::service::HealthService;
use switchboard_core::providers::client::http_client;
use switchboard_core::providers::keys::{KeyLookup, Secret};
use switchboard_core::providers::retry::RetryPolicy;
use switchboard_core::providers::{
    ChatMessage, ChatRequest, Completion, ProviderClient, SendError, Timeouts,
};
use switchboard_core::vocabulary::ModelRef;
use switchboard_core::vocabulary::Role;
use switchboard_core::vocabulary::Transition;
use switchboard_core::vocabulary::{
    AvailabilityState, EvidenceSource, ModelAvailability, ReasonKind, Side,
};
use switchboard_sim::{Scenario, Simulator};
use tokio::sync::mpsc::UnboundedReceiver;

const KEY: &str = "sk-sim-test";

const OPUS_47: (&str, &str) = ("anthropic", "claude-opus-4-7");
const OPUS_48: (&str, &str) = ("anthropic", "claude-opus-4-8");
const SONNET_46: (&str, &str) = ("anthropic", "claude-sonnet-4-6");
const GPT_5: (&str, &str) = ("openai", "gpt-5");
const GPT_5_MINI: (&str, &str) = ("openai", "gpt-5-mini");
const GEMINI_PRO: (&str, &str) = ("gemini", "gemini-2.5-pro");
const LLAMA: (&str, &str) = ("ollama", "llama3.2");

fn timeouts() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(2),
        first_byte: Duration::from_secs(5),
        idle: Duration::from_secs(5),
        ..Timeouts::default()
    }
}

/// An `http://127.0.0.1:PORT` nothing listens on: bound, its number learnt, closed again.
fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("its address").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// A key for every provider, as the probes take it.
fn every_key() -> Arc<KeyLookup> {
    Arc::new(|_: &Provider| Some(Secret::new(KEY)))
}

fn model_ref((provider, model): (&str, &str)) -> ModelRef {
    ModelRef::new(provider, model)
}

/// Where the service's connectivity check looks for "is the network up?".
enum Connectivity {
    /// The catalog's own endpoints, as the app does it.
    AsConfigured,
    /// Two of the simulator's own endpoints that obey the scenario's feed modes (the workspace
    /// policy and Anthropic's status summary), in place of every keyed provider's API and
    /// status page. The simulator answers a bare HEAD on an API's base URL (404) even in the
    /// offline scenario, which a machine without a network would never get.
    SimFeeds,
    /// Every keyed provider's API and status page replaced by this URL.
    Only(String),
}

struct World {
    sim: Simulator,
    /// Wall time of scenario t=0 (pinned on the scenario, so status pages and engine agree).
    epoch: DateTime<Utc>,
    clock: ManualClock,
    catalog: Catalog,
    http: reqwest::Client,
    service: Arc<HealthService>,
    changes: UnboundedReceiver<Transition>,
    /// Every transition received so far, in order.
    history: Vec<Transition>,
}

impl World {
    async fn start(scenario: &str) -> Self {
        Self::start_with(scenario, Connectivity::AsConfigured, |_| {}).await
    }

    /// The built-in `scenario`; every provider pointed at the simulator, status pages for
    /// Anthropic and OpenAI; `adjust` may change the catalog before the engine sees it.
    async fn start_with(
        scenario: &str,
        connectivity: Connectivity,
        adjust: impl FnOnce(&mut Catalog),
    ) -> Self {
        let epoch = Utc::now().trunc_subsecs(0);
        let mut scenario = Scenario::builtin(scenario).expect("a built-in scenario");
        scenario.epoch = Some(epoch);
        let sim = common::simulator(scenario).await;
        let mut catalog = common::catalog_at(&sim);
        for provider in &mut catalog.providers {
            if matches!(provider.id.as_str(), "anthropic" | "openai") {
                provider.status_url = Some(sim.status_url(&provider.id));
            }
        }
        adjust(&mut catalog);
        let clock = ManualClock::new(epoch);
        let http = http_client(&timeouts());
        let engine = HealthEngine::new(
            catalog.clone(),
            HealthSettings::default(),
            |_| true,
            Vec::new(),
            clock.now(),
        );
        let mut checked = catalog.clone();
        let targets = match connectivity {
            Connectivity::AsConfigured => None,
            Connectivity::SimFeeds => Some((
                sim.policy_url(),
                format!("{}/api/v2/summary.json", sim.status_url("anthropic")),
            )),
            Connectivity::Only(url) => Some((url.clone(), url)),
        };
        if let Some((base_url, status_url)) = targets {
            for provider in checked.providers.iter_mut().filter(|p| p.needs_key()) {
                provider.base_url = base_url.clone();
                provider.status_url = Some(status_url.clone());
            }
        }
        let (service, changes) = HealthService::new(
            engine,
            &checked,
            http.clone(),
            Arc::new(clock.clone()),
            // Only the simulator's own endpoints: nothing leaves this machine.
            &[],
            std::time::Duration::from_secs(1),
        );
        Self {
            sim,
            epoch,
            clock,
            catalog,
            http,
            service,
            changes,
            history: Vec::new(),
        }
    }

    /// The poller as the app runs it: status pages, the workspace policy, probes with a key.
    fn poller(&self) -> Poller {
        let keys = every_key();
        Poller::new(
            self.service.clone(),
            &self.catalog,
            self.http.clone(),
            Some(PolicySource::Url(self.sim.policy_url())),
            Some(keys),
            timeouts(),
            Arc::new(self.clock.clone()),
        )
    }

    /// Scenario seconds, by the engine's clock.
    fn engine_t(&self) -> f64 {
        (self.clock.now() - self.epoch).num_milliseconds() as f64 / 1000.0
    }

    /// Scenario seconds, by the simulator.
    fn t(&self) -> f64 {
        self.sim.state().time
    }

    /// Moves both clocks to scenario second `t` (or to the later of the two, if a retry's
    /// backoff has already carried the engine's clock past it), keeping them in step.
    fn at(&self, t: f64) {
        let target = t.max(self.engine_t()).max(self.t());
        let sim_by = target - self.t();
        if sim_by > 0.0 {
            self.sim.advance(Duration::from_secs_f64(sim_by));
        }
        let clock_by = target - self.engine_t();
        if clock_by > 0.0 {
            self.clock.advance(Duration::from_secs_f64(clock_by));
        }
    }

    /// Moves both clocks on by `seconds`.
    fn advance(&self, seconds: f64) {
        self.at(self.t().max(self.engine_t()) + seconds);
    }

    /// Brings the simulator up to the engine's clock (retries' backoff moves only the latter).
    fn sync(&self) {
        self.at(self.t());
    }

    fn client(&self, provider: &str, retry: RetryPolicy) -> ProviderClient {
        ProviderClient::new(
            self.http.clone(),
            self.catalog.provider(provider).expect("a catalog provider"),
            Some(Secret::new(KEY)),
            timeouts(),
            retry,
            Arc::new(self.clock.clone()),
        )
        .expect("loopback endpoints are allowed")
    }

    /// One message to `model`, as the app sends it (up to 3 attempts), heard by the service.
    async fn ask(&self, model: (&str, &str)) -> Result<Completion, SendError> {
        self.ask_with(model, RetryPolicy::default()).await
    }

    /// One attempt only.
    async fn ask_once(&self, model: (&str, &str)) -> Result<Completion, SendError> {
        self.ask_with(
            model,
            RetryPolicy {
                max_retries: 0,
                ..RetryPolicy::default()
            },
        )
        .await
    }

    async fn ask_with(
        &self,
        (provider, model): (&str, &str),
        retry: RetryPolicy,
    ) -> Result<Completion, SendError> {
        let request = ChatRequest {
            model: model.to_string(),
            system: None,
            messages: vec![ChatMessage {
                role: Role::User,
                text: "hi".into(),
            }],
            max_tokens: 64,
        };
        let result = self
            .client(provider, retry)
            .chat(&request, &self.service, &mut |_| {})
            .await;
        self.sync();
        result
    }

    fn of(&self, model: (&str, &str)) -> ModelAvailability {
        let key = model_ref(model);
        self.service
            .availability()
            .into_iter()
            .find(|a| a.model == key)
            .unwrap_or_else(|| panic!("{key} should be in the availability list"))
    }

    /// The transitions that arrived since the last call (also kept in `history`).
    fn drain(&mut self) -> Vec<Transition> {
        let mut fresh = Vec::new();
        while let Ok(transition) = self.changes.try_recv() {
            fresh.push(transition);
        }
        self.history.extend(fresh.iter().cloned());
        fresh
    }

    /// Every transition of `model` received so far.
    fn history_of(&mut self, model: (&str, &str)) -> Vec<Transition> {
        self.drain();
        let key = model_ref(model);
        self.history
            .iter()
            .filter(|t| t.model == key)
            .cloned()
            .collect()
    }

    /// Chat requests the simulator saw for `model`.
    fn requests_to(&self, model: &str) -> usize {
        self.sim
            .requests()
            .iter()
            .filter(|r| r.model.as_deref() == Some(model))
            .count()
    }
}

/// `model` once every connectivity check its attempts started has ended (real HTTP to the
/// simulator); a check that does not end fails the test rather than letting it go on.
async fn settled(w: &World, model: (&str, &str)) -> ModelAvailability {
    tokio::time::timeout(Duration::from_secs(30), w.service.settled())
        .await
        .expect("the connectivity checks end");
    w.of(model)
}

fn state_kind(a: &ModelAvailability) -> (AvailabilityState, ReasonKind) {
    (a.state, a.reason.kind)
}

/// Each transition starts where the one before ended and changes the state or the reason.
fn assert_sensible(model: (&str, &str), transitions: &[Transition]) {
    let mut previous: Option<&ModelAvailability> = None;
    for t in transitions {
        let from = previous.map_or(AvailabilityState::Unknown, |p| p.state);
        assert_eq!(
            t.from, from,
            "{model:?}: each transition should start from the state the previous one ended in: {transitions:#?}"
        );
        if let Some(p) = previous {
            assert_ne!(
                state_kind(p),
                state_kind(&t.to),
                "{model:?}: a transition should change the state or the reason: {transitions:#?}"
            );
        }
        previous = Some(&t.to);
    }
}

/// Whether `wanted` appears, in this order (not necessarily next to each other), in `seen`.
fn in_order(
    seen: &[(AvailabilityState, ReasonKind)],
    wanted: &[(Option<AvailabilityState>, ReasonKind)],
) -> bool {
    let mut rest = seen.iter();
    wanted
        .iter()
        .all(|(state, kind)| rest.any(|(s, k)| k == kind && state.is_none_or(|state| state == *s)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn june_2026_own_traffic_then_incident_then_policy_then_recovery() {
    let mut w = World::start("june-2026").await;
    let mut poller = w.poller();

    // t=0: everything answers.
    for model in [OPUS_47, SONNET_46, GPT_5] {
        w.ask(model)
            .await
            .unwrap_or_else(|e| panic!("{model:?} should answer before the onset: {e:?}"));
        assert_eq!(
            state_kind(&w.of(model)),
            (AvailabilityState::Available, ReasonKind::Healthy),
            "{model:?} answered, so it should be available"
        );
    }
    poller.poll_once().await;
    assert_eq!(
        w.of(OPUS_48).reason.kind,
        ReasonKind::Unknown,
        "nothing heard about Opus 4.8 yet: an operational status page is no evidence"
    );

    // From the onset (60 s) the person keeps using Opus 4.7, one message every 10 s.
    let mut tripped_at = None;
    let mut degraded_at = None;
    w.at(90.0);
    while w.t() < 400.0 {
        let _ = w.ask(OPUS_47).await;
        let now = w.of(OPUS_47);
        if now.state == AvailabilityState::Unavailable {
            tripped_at = Some(w.t());
            break;
        }
        if w.t() < 150.0 {
            assert_ne!(
                now.state,
                AvailabilityState::Unavailable,
                "1 request in 2 failing (each retry answering) should never open the breaker"
            );
            if now.state == AvailabilityState::Degraded {
                assert_eq!(now.reason.kind, ReasonKind::ElevatedErrors, "{now:#?}");
                assert!(
                    now.reason.message.contains("is answering")
                        && now.reason.message.contains("failed with server errors"),
                    "it answers, and some attempts fail: {}",
                    now.reason.message
                );
                degraded_at.get_or_insert(w.t());
            }
        }
        w.advance(10.0);
    }
    assert!(
        degraded_at.is_some_and(|t| t < 150.0),
        "a failed attempt its retry made good should be said at once, long before the page \
         posts (420 s): first degraded at {degraded_at:?}"
    );
    let tripped_at =
        tripped_at.expect("own requests failing 9 in 10 should mark Opus 4.7 unavailable");
    assert!(
        (150.0..420.0).contains(&tripped_at),
        "Opus 4.7 should be marked unavailable once 9 in 10 requests fail (from 150 s) and \
         before Anthropic posts anything (420 s), not at {tripped_at} s"
    );
    let opus = w.of(OPUS_47);
    assert_eq!(
        state_kind(&opus),
        (AvailabilityState::Unavailable, ReasonKind::ElevatedErrors),
        "three server errors in a row should open Opus 4.7's breaker: {opus:#?}"
    );
    assert_eq!(opus.reason.side, Side::Provider);
    assert_eq!(opus.reason.source, EvidenceSource::OwnRequests);
    assert!(
        opus.reason
            .message
            .contains("the model itself has not changed"),
        "a service problem should say the model has not changed: {}",
        opus.reason.message
    );
    assert!(
        opus.next_check.is_some(),
        "an open breaker should say when it is checked again"
    );

    // Other models are fine.
    for model in [SONNET_46, GPT_5] {
        w.ask(model)
            .await
            .unwrap_or_else(|e| panic!("{model:?} is unaffected and should answer: {e:?}"));
        assert_eq!(
            state_kind(&w.of(model)),
            (AvailabilityState::Available, ReasonKind::Healthy),
            "{model:?} should be unaffected by Opus 4.7's errors"
        );
    }

    // The status page has nothing yet: the app noticed first.
    w.advance(5.0);
    poller.poll_once().await;
    assert_eq!(
        w.of(OPUS_47).reason.kind,
        ReasonKind::ElevatedErrors,
        "before 420 s the status page is green, so the reason should still be own errors"
    );
    assert!(
        w.sim
            .requests()
            .iter()
            .any(|r| r.path.starts_with("/status/anthropic")
                && r.status == Some(200)
                && r.t < 420.0),
        "the status page should have been read before the incident was posted"
    );

    // 420: Anthropic posts the incident.
    w.at(430.0);
    poller.poll_once().await;
    for m in &w.catalog.models {
        let key = (m.provider.as_str(), m.id.as_str());
        let now = w.of(key);
        let named = [OPUS_47, OPUS_48].contains(&key);
        if !named {
            // Not named: never unavailable by the page. With the Claude API component
            // degraded, an Anthropic model is degraded, and its words say it is not named.
            assert_ne!(
                now.state,
                AvailabilityState::Unavailable,
                "the incident names Opus 4.7 and Opus 4.8 only: {key:?} is {now:#?}"
            );
            if m.provider == "anthropic" {
                assert_eq!(
                    state_kind(&now),
                    (AvailabilityState::Degraded, ReasonKind::ProviderIncident),
                    "{key:?}: the Claude API is degraded, but its posts do not name it"
                );
                assert!(
                    now.reason.message.contains(&format!(
                        "its posts name Claude Opus 4.8 and Claude Opus 4.7, not {}",
                        m.display_name
                    )),
                    "the words say which models the posts name: {}",
                    now.reason.message
                );
            } else {
                assert_ne!(now.reason.kind, ReasonKind::ProviderIncident, "{key:?}");
            }
        }
        if named {
            assert_eq!(
                now.state,
                AvailabilityState::Unavailable,
                "a major incident"
            );
            assert_eq!(now.reason.source, EvidenceSource::StatusPage);
            assert!(
                now.reason
                    .message
                    .contains("Elevated errors on Claude Opus 4.7 and Opus 4.8"),
                "the message should name the incident: {}",
                now.reason.message
            );
            assert!(
                now.reason
                    .message
                    .contains("the model itself has not changed"),
                "{}",
                now.reason.message
            );
        }
    }
    // 600: "Other models are not affected." Sonnet 4.6 is as its own answer left it.
    w.at(610.0);
    poller.poll_once().await;
    assert_eq!(
        state_kind(&w.of(SONNET_46)),
        (AvailabilityState::Available, ReasonKind::Healthy),
        "once the update says other models are not affected, Sonnet 4.6 is untouched"
    );
    assert_eq!(
        state_kind(&w.of(OPUS_47)).1,
        ReasonKind::ProviderIncident,
        "Opus 4.7 is still named"
    );
    let openai_before: Vec<_> = w
        .service
        .availability()
        .into_iter()
        .filter(|a| a.model.provider == "openai")
        .map(|a| (a.model.clone(), state_kind(&a)))
        .collect();

    // 660: the workspace turns off every Anthropic model.
    w.at(670.0);
    poller.poll_once().await;
    for a in w.service.availability() {
        if a.model.provider == "anthropic" {
            assert_eq!(
                state_kind(&a),
                (AvailabilityState::Disabled, ReasonKind::AdminDisabled),
                "the workspace policy should win over everything for {}: {a:#?}",
                a.model
            );
            assert_eq!(a.reason.side, Side::YourWorkspace);
            assert!(
                a.reason.message.contains("we'll turn them back on"),
                "the admin's own words should be shown: {}",
                a.reason.message
            );
        }
    }
    let openai_after: Vec<_> = w
        .service
        .availability()
        .into_iter()
        .filter(|a| a.model.provider == "openai")
        .map(|a| (a.model.clone(), state_kind(&a)))
        .collect();
    assert_eq!(
        openai_before, openai_after,
        "a policy about Anthropic should leave OpenAI as it was"
    );

    // 1920 resolved, 2040 the policy is lifted: a poll, and the probe brings Opus 4.7 back.
    w.at(2050.0);
    poller.poll_once().await;
    let opus = w.of(OPUS_47);
    assert_eq!(
        state_kind(&opus),
        (AvailabilityState::Available, ReasonKind::Healthy),
        "with the incident resolved and the policy lifted, a probe should find Opus 4.7 \
         answering again: {opus:#?}"
    );
    assert!(
        w.sim
            .requests()
            .iter()
            .any(|r| r.model.as_deref() == Some(OPUS_47.1)
                && r.t >= 2040.0
                && r.status == Some(200)),
        "Opus 4.7 should have been probed (and answered) after the policy was lifted"
    );
    for a in w.service.availability() {
        assert!(
            !matches!(
                a.reason.kind,
                ReasonKind::AdminDisabled
                    | ReasonKind::ProviderIncident
                    | ReasonKind::ElevatedErrors
            ),
            "{} should no longer be held back once everything is resolved: {a:#?}",
            a.model
        );
    }

    // The outage history of Opus 4.7.
    let history = w.history_of(OPUS_47);
    assert_sensible(OPUS_47, &history);
    let seen: Vec<_> = history.iter().map(|t| state_kind(&t.to)).collect();
    assert!(
        in_order(
            &seen,
            &[
                (Some(AvailabilityState::Available), ReasonKind::Healthy),
                (
                    Some(AvailabilityState::Unavailable),
                    ReasonKind::ElevatedErrors
                ),
                (None, ReasonKind::ProviderIncident),
                (Some(AvailabilityState::Disabled), ReasonKind::AdminDisabled),
                (Some(AvailabilityState::Available), ReasonKind::Healthy),
            ]
        ),
        "Opus 4.7's history should read available → elevated errors → incident → turned off \
         → available: {seen:?}"
    );
    assert_eq!(
        seen.last(),
        Some(&(AvailabilityState::Available, ReasonKind::Healthy)),
        "the history should end with Opus 4.7 back: {seen:?}"
    );
    for model in [OPUS_48, SONNET_46, GPT_5] {
        assert_sensible(model, &w.history_of(model));
    }
    w.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_is_said_only_after_the_connectivity_check_fails() {
    // The offline scenario resets every cloud request, status page and the policy.
    let mut w = World::start_with("offline", Connectivity::SimFeeds, |_| {}).await;

    for model in [OPUS_47, GPT_5, GEMINI_PRO] {
        let result = w.ask(model).await;
        let failure = result
            .expect_err("offline: no cloud model should answer")
            .failure;
        assert!(
            failure.http_status.is_none(),
            "{model:?} should get no HTTP answer at all: {failure:?}"
        );
    }
    w.service.clone().check_connectivity().await;
    let opus = settled(&w, OPUS_47).await;
    assert_eq!(
        state_kind(&opus),
        (AvailabilityState::Unavailable, ReasonKind::Offline),
        "no answer from anyone and a failed connectivity check should mean offline: {opus:#?}"
    );
    assert_eq!(opus.reason.side, Side::YourNetwork);
    assert!(
        opus.reason.message.contains("service may be fine"),
        "offline should say the providers' services may be fine: {}",
        opus.reason.message
    );
    for model in [GPT_5, GEMINI_PRO] {
        assert_eq!(
            settled(&w, model).await.reason.kind,
            ReasonKind::Offline,
            "{model:?} got no answer either and should be offline too"
        );
    }
    for transition in w.drain() {
        assert!(
            !matches!(
                transition.to.reason.kind,
                ReasonKind::ElevatedErrors | ReasonKind::Overloaded | ReasonKind::ProviderIncident
            ),
            "no answer must never be blamed on a provider: {transition:#?}"
        );
    }
    w.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recent_answer_from_another_provider_means_not_offline() {
    // The check itself fails (a closed port), so only OpenAI's answer a moment ago stands
    // between Anthropic's connect failure and "offline".
    let dead_anthropic = closed_port_url();
    let mut w = World::start_with(
        "healthy",
        Connectivity::Only(closed_port_url()),
        |catalog| {
            for p in catalog.providers.iter_mut().filter(|p| p.id == "anthropic") {
                p.base_url = dead_anthropic.clone();
            }
        },
    )
    .await;

    w.ask(GPT_5)
        .await
        .expect("OpenAI answers in the healthy scenario");
    w.advance(5.0);
    let failure = w
        .ask(OPUS_47)
        .await
        .expect_err("nothing listens where Anthropic is configured")
        .failure;
    assert!(failure.http_status.is_none(), "{failure:?}");
    // The checks the service started end (a closed port refuses at once), then one more.
    w.service.settled().await;
    w.service.clone().check_connectivity().await;
    let opus = w.of(OPUS_47);
    assert_ne!(
        opus.reason.kind,
        ReasonKind::Offline,
        "OpenAI answered seconds ago, so the network is up and Opus 4.7 must not be called \
         offline: {opus:#?}"
    );
    w.drain();
    assert!(
        w.history
            .iter()
            .all(|t| t.to.reason.kind != ReasonKind::Offline),
        "no model should ever have been called offline"
    );
    // The check did run and fail: once OpenAI's answer is over 30 s old, the same evidence
    // reads offline.
    w.advance(31.0);
    w.service.tick();
    assert_eq!(
        w.of(OPUS_47).reason.kind,
        ReasonKind::Offline,
        "with the connectivity check failed and no answer from anyone for 30 s, Opus 4.7 \
         should read offline"
    );
    w.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_model_answering_does_not_prove_the_network() {
    // The offline scenario's own premise: Ollama runs on this machine, so it answers while
    // the network is down.
    let mut w = World::start_with("offline", Connectivity::SimFeeds, |_| {}).await;
    w.ask(LLAMA).await.expect("the local model answers offline");
    w.ask(OPUS_47)
        .await
        .expect_err("offline: Anthropic gets no answer");
    w.service.clone().check_connectivity().await;
    let opus = settled(&w, OPUS_47).await;
    assert_eq!(
        opus.reason.kind,
        ReasonKind::Offline,
        "a model on this machine answering says nothing about the internet; with the \
         connectivity check failed, Opus 4.7 should be offline: {opus:#?}"
    );
    w.drain();
    w.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_key_is_the_keys_fault_and_is_not_retried() {
    let w = World::start("bad-key").await;
    for model in [OPUS_47, GPT_5, GEMINI_PRO] {
        let error = w.ask(model).await.expect_err("the key is rejected");
        assert_eq!(
            error.attempts, 1,
            "{model:?}: a rejected key is not retried"
        );
        let now = w.of(model);
        assert_eq!(
            state_kind(&now),
            (AvailabilityState::Unavailable, ReasonKind::AuthFailed),
            "{model:?}: a rejected key should read auth_failed: {now:#?}"
        );
        assert_eq!(now.reason.side, Side::YourKey);
        assert!(
            now.reason.message.contains("service itself is working"),
            "{model:?}: the message should say the service is working: {}",
            now.reason.message
        );
        assert_eq!(
            w.requests_to(model.1),
            1,
            "{model:?}: exactly one request should have reached the provider"
        );
    }
    w.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limit_lasts_as_long_as_the_provider_says() {
    let w = World::start("rate-limited").await;
    w.ask(GPT_5)
        .await
        .expect_err("OpenAI answers 429 until 120 s");
    let now = w.clock.now();
    let gpt = w.of(GPT_5);
    assert_eq!(
        state_kind(&gpt),
        (AvailabilityState::Unavailable, ReasonKind::RateLimited),
        "a 429 with a wait should read rate_limited: {gpt:#?}"
    );
    assert_eq!(gpt.reason.side, Side::YourPlan);
    let next_check = gpt
        .next_check
        .expect("a rate limit should say when it resets");
    let wait = (next_check - now).num_milliseconds();
    assert!(
        (19_000..=21_000).contains(&wait),
        "the next check should be the provider's 20 s from now, not {wait} ms"
    );
    assert!(
        w.clock
            .slept()
            .iter()
            .all(|d| *d >= Duration::from_secs(20)),
        "each retry should have waited the provider's 20 s: {:?}",
        w.clock.slept()
    );

    w.advance(21.0);
    w.service.tick();
    let gpt = w.of(GPT_5);
    assert_ne!(
        gpt.reason.kind,
        ReasonKind::RateLimited,
        "21 s later the limit has reset and GPT-5 should no longer read rate_limited: {gpt:#?}"
    );
    w.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_maintenance_in_progress_concerns_the_providers_models() {
    let mut w = World::start("maintenance").await;
    let mut poller = w.poller();
    w.ask(SONNET_46).await.expect("Anthropic answers");
    poller.poll_once().await;
    assert!(
        w.service
            .availability()
            .iter()
            .all(|a| a.reason.kind != ReasonKind::Maintenance),
        "a maintenance only scheduled (from 60 s) should not count yet"
    );

    w.at(90.0);
    poller.poll_once().await;
    for a in w.service.availability() {
        match a.model.provider.as_str() {
            "openai" => {
                assert_eq!(
                    state_kind(&a),
                    (AvailabilityState::Degraded, ReasonKind::Maintenance),
                    "{}: the maintenance on Chat Completions reaches every OpenAI model, but \
                     names none, so it is degraded until own requests fail: {a:#?}",
                    a.model
                );
                assert!(
                    a.reason
                        .message
                        .contains("Scheduled maintenance for Chat Completions"),
                    "{}",
                    a.reason.message
                );
            }
            "anthropic" => assert_ne!(
                a.reason.kind,
                ReasonKind::Maintenance,
                "{}: OpenAI's maintenance should leave Anthropic alone",
                a.model
            ),
            _ => {}
        }
    }
    assert_eq!(
        state_kind(&w.of(SONNET_46)),
        (AvailabilityState::Available, ReasonKind::Healthy),
        "Sonnet 4.6 answered and nothing is wrong at Anthropic"
    );
    w.drain();
    w.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn own_failures_during_a_maintenance_are_explained_by_it() {
    let w = World::start("maintenance").await;
    let mut poller = w.poller();
    w.at(90.0);
    poller.poll_once().await;
    assert_eq!(w.of(GPT_5).reason.kind, ReasonKind::Maintenance);
    // The person sends a message anyway: three 503s.
    w.ask(GPT_5)
        .await
        .expect_err("OpenAI answers 503 during the maintenance");
    let gpt = w.of(GPT_5);
    assert_eq!(
        state_kind(&gpt),
        (AvailabilityState::Unavailable, ReasonKind::Maintenance),
        "the status page's maintenance explains the failures, as an incident would: the \
         reason should stay maintenance: {gpt:#?}"
    );
    w.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alternating_results_do_not_flap() {
    let mut w = World::start("flapping").await;
    let mut outcomes = Vec::new();
    for _ in 0..20 {
        outcomes.push(w.ask_once(GPT_5_MINI).await.is_ok());
        w.advance(3.0);
    }
    assert_eq!(
        outcomes.iter().filter(|ok| **ok).count(),
        10,
        "the scenario should alternate: {outcomes:?}"
    );
    assert!(
        outcomes.windows(2).all(|p| p[0] != p[1]),
        "every other request should fail: {outcomes:?}"
    );
    let history = w.history_of(GPT_5_MINI);
    assert_eq!(
        history
            .iter()
            .map(|t| state_kind(&t.to))
            .collect::<Vec<_>>(),
        vec![
            (AvailabilityState::Available, ReasonKind::Healthy),
            (AvailabilityState::Degraded, ReasonKind::ElevatedErrors)
        ],
        "alternating results should give the first answer, then degraded at the first \
         failure, and no flapping after: {history:#?}"
    );
    w.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreadable_status_pages_are_never_an_outage() {
    let mut w = World::start("garbage-feed").await;
    let mut poller = w.poller();
    for model in [OPUS_47, GPT_5, GEMINI_PRO] {
        w.ask(model).await.expect("the APIs are fine");
    }
    w.drain();
    let before: Vec<_> = w.service.availability().iter().map(state_kind).collect();

    for t in [0.0, 120.0, 240.0] {
        w.at(t);
        let wrong = poller.poll_once().await;
        assert!(
            wrong,
            "at {t} s the unreadable pages should count as something to recheck soon"
        );
        let fresh = w.drain();
        assert!(
            fresh.is_empty(),
            "an unreadable status page should change no model's state (at {t} s): {fresh:#?}"
        );
        for a in w.service.availability() {
            assert!(
                !matches!(
                    a.reason.kind,
                    ReasonKind::ProviderIncident | ReasonKind::Offline | ReasonKind::Maintenance
                ),
                "an unreadable page is never an outage (at {t} s): {a:#?}"
            );
        }
        let now: Vec<_> = w.service.availability().iter().map(state_kind).collect();
        assert_eq!(before, now, "nothing should have changed at {t} s");
        // …but the person is told which pages could not be read.
        let notices = w.service.source_notices();
        // At 0 s Anthropic's page is garbage; at 240 s OpenAI's is 20 MB.
        let expected = if t == 240.0 {
            "OpenAI's status page"
        } else {
            "Anthropic's status page"
        };
        assert!(
            notices.iter().any(|n| n.title.starts_with(expected)),
            "{expected} should be named as unreadable at {t} s: {notices:#?}"
        );
        assert!(notices.iter().all(|n| {
            n.message
                .contains("says nothing about whether any model works")
        }));
    }

    // 360: every page answers normally again.
    w.at(360.0);
    poller.poll_once().await;
    let read: Vec<_> = w
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.t >= 360.0 && r.path.starts_with("/status/"))
        .collect();
    assert!(
        !read.is_empty() && read.iter().all(|r| matches!(r.status, Some(200 | 304))),
        "the status pages should answer normally at 360 s: {read:#?}"
    );
    assert!(
        w.drain().is_empty(),
        "recovered pages with nothing wrong change nothing"
    );
    let now: Vec<_> = w.service.availability().iter().map(state_kind).collect();
    assert_eq!(before, now, "the APIs were fine all along");
    assert!(
        w.service.source_notices().is_empty(),
        "readable again: no notice left"
    );
    w.sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovered_status_pages_no_longer_count_as_wrong() {
    let w = World::start("garbage-feed").await;
    let mut poller = w.poller();
    for t in [0.0, 120.0, 240.0] {
        w.at(t);
        assert!(
            poller.poll_once().await,
            "at {t} s an unreadable page should be rechecked soon"
        );
    }
    // 360: both pages answer again; OpenAI's, unchanged since its last good (all-clear)
    // reading at 120 s, with 304.
    w.at(360.0);
    poller.poll_once().await;
    w.at(420.0);
    let wrong = poller.poll_once().await;
    assert!(
        !wrong,
        "once every page reads normally and nothing is wrong, polling should return to its \
         normal pace (poll_once should say nothing is wrong)"
    );
    w.sim.stop().await;
}

/// September 2026 replayed (the `multiple-models` scenario, built from Anthropic's real page):
/// a vague title, an update naming Claude Mythos 5.1, Fable 5.1 and Opus 5, the Claude API at
/// partial outage. Only the two listed models it names go unavailable; every other Claude
/// model is degraded, keeps answering, and says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vague_multiple_models_incident_switches_off_only_what_it_names() {
    const FABLE_51: (&str, &str) = ("anthropic", "claude-fable-5-1");
    const OPUS_5: (&str, &str) = ("anthropic", "claude-opus-5");
    const HAIKU_45: (&str, &str) = ("anthropic", "claude-haiku-4-5");
    let mut w = World::start("multiple-models").await;
    let mut poller = w.poller();
    w.at(130.0);
    poller.poll_once().await;
    let unavailable: Vec<String> = w
        .service
        .availability()
        .into_iter()
        .filter(|a| a.state == AvailabilityState::Unavailable)
        .map(|a| a.model.to_string())
        .collect();
    assert_eq!(
        unavailable,
        vec!["anthropic/claude-fable-5-1", "anthropic/claude-opus-5"],
        "only the listed models the update names"
    );
    for named in [FABLE_51, OPUS_5] {
        assert_eq!(w.of(named).reason.kind, ReasonKind::ProviderIncident);
    }
    let haiku = w.of(HAIKU_45);
    assert_eq!(
        state_kind(&haiku),
        (AvailabilityState::Degraded, ReasonKind::ProviderIncident)
    );
    assert!(
        haiku
            .reason
            .message
            .contains("its posts name Claude Fable 5.1 and Claude Opus 5, not Claude Haiku 4.5")
            && haiku
                .reason
                .message
                .contains("Claude Mythos 5.1, which Switchboard does not list"),
        "{}",
        haiku.reason.message
    );
    // The person uses Haiku anyway: it answers, and its words say so.
    w.ask(HAIKU_45).await.expect("Haiku 4.5 is not affected");
    let haiku = w.of(HAIKU_45);
    assert_ne!(haiku.state, AvailabilityState::Unavailable);
    assert!(
        haiku.reason.message.contains("are working"),
        "{}",
        haiku.reason.message
    );
    assert!(
        w.service
            .availability()
            .iter()
            .filter(|a| a.model.provider == "openai")
            .all(|a| a.reason.kind != ReasonKind::ProviderIncident),
        "OpenAI is untouched"
    );
    // Resolved: nothing is left degraded by the page.
    w.at(1810.0);
    poller.poll_once().await;
    assert!(
        w.service
            .availability()
            .iter()
            .all(|a| a.reason.kind != ReasonKind::ProviderIncident),
        "the resolved incident covers nothing"
    );
    w.drain();
    w.sim.stop().await;
}
