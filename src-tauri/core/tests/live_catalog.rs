//! The live catalog against the simulator's `model-changes` scenario: the refresher asks every
//! provider's real list endpoint over HTTP on 127.0.0.1, merges, caches in SQLite, and the
//! availability engine retires what a cloud provider stops listing.

mod common;

use std::sync::Arc;
use std::time::Duration;
use switchboard_core::catalog::{Catalog, DetailSource, Modality, Provider};
use switchboard_core::clock::{Clock, ManualClock};
use switchboard_core::health::engine::{HealthEngine, HealthSettings};
use switchboard_core::health::service::HealthService;
use switchboard_core::model_lists::{ListSettings, ModelListRefresher};
use switchboard_core::notice::NoticeKind;
use switchboard_core::providers::client::http_client;
use switchboard_core::providers::keys::Secret;
use switchboard_core::providers::retry::RetryPolicy;
use switchboard_core::providers::{
    ChatMessage, ChatRequest, Completion, ProviderClient, SendError, Timeouts,
};
use switchboard_core::store::Store;
use switchboard_core::vocabulary::ModelRef;
use switchboard_core::vocabulary::Role;
use switchboard_core::vocabulary::{
    AvailabilityState, EvidenceSource, ModelAvailability, ReasonKind,
};
use switchboard_sim::{Scenario, Simulator};

const KEY: &str = "sk-sim-test";

fn timeouts() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(2),
        first_byte: Duration::from_secs(5),
        idle: Duration::from_secs(5),
        ..Timeouts::default()
    }
}

struct World {
    sim: Simulator,
    base: Catalog,
    clock: ManualClock,
    store: Store,
    http: reqwest::Client,
    health: Arc<HealthService>,
    refresher: Arc<ModelListRefresher>,
}

impl World {
    async fn start(scenario: &str) -> Self {
        let sim = common::simulator(Scenario::builtin(scenario).unwrap()).await;
        let base = common::catalog_at(&sim);
        let store = Store::in_memory().await.unwrap();
        Self::on(sim, base, store).await
    }

    /// A refresher as the app builds it at start: from what `store` has cached.
    async fn on(sim: Simulator, base: Catalog, store: Store) -> Self {
        let clock = ManualClock::new("2026-11-24T09:00:00Z".parse().unwrap());
        let http = http_client(&timeouts());
        let cached = store.model_lists().await.unwrap();
        let catalog = switchboard_core::model_lists::merged_with_cache(&base, &cached);
        let engine = HealthEngine::new(
            catalog.clone(),
            HealthSettings::default(),
            |_| true,
            Vec::new(),
            clock.now(),
        );
        let (health, _changes) = HealthService::new(
            engine,
            &catalog,
            http.clone(),
            Arc::new(clock.clone()),
            // Only the simulator's own endpoints: nothing leaves this machine.
            &[],
            std::time::Duration::from_secs(1),
        );
        // As start-up does: the cached lists' retirements hold until read again.
        for listing in cached.iter().filter_map(|s| s.listing.clone()) {
            health.record_listing(listing, None);
        }
        let refresher = ModelListRefresher::new(
            base.clone(),
            cached,
            store.clone(),
            http.clone(),
            health.clone(),
            Arc::new(clock.clone()),
            Arc::new(|p: &Provider| p.needs_key().then(|| Secret::new(KEY))),
            ListSettings::default(),
        );
        Self {
            sim,
            base,
            clock,
            store,
            http,
            health,
            refresher,
        }
    }

    fn catalog(&self) -> Arc<Catalog> {
        self.refresher.catalog()
    }

    fn availability(&self, provider: &str, model: &str) -> ModelAvailability {
        let key = ModelRef::new(provider, model);
        self.health
            .availability()
            .into_iter()
            .find(|a| a.model == key)
            .unwrap_or_else(|| panic!("{key} has an availability"))
    }

    /// Scenario time and engine time forward together.
    fn advance(&self, seconds: u64) {
        self.sim.advance(Duration::from_secs(seconds));
        self.clock.advance(Duration::from_secs(seconds));
    }

    async fn chat(&self, provider: &str, model: &str) -> Result<Completion, SendError> {
        let provider = self.base.provider(provider).unwrap();
        let client = ProviderClient::new(
            self.http.clone(),
            provider,
            provider.needs_key().then(|| Secret::new(KEY)),
            timeouts(),
            RetryPolicy {
                max_retries: 0,
                ..RetryPolicy::default()
            },
            Arc::new(self.clock.clone()),
        )
        .unwrap();
        let request = ChatRequest {
            model: model.into(),
            system: None,
            messages: vec![ChatMessage {
                role: Role::User,
                text: "hello".into(),
            }],
            max_tokens: 64,
        };
        client.chat(&request, &self.health, &mut |_| {}).await
    }
}

#[tokio::test]
async fn the_simulator_serves_every_shipped_model() {
    // The demo and these tests rely on it: a shipped model the simulator does not list would
    // read as retired there.
    let world = World::start("healthy").await;
    let reports = world.refresher.refresh().await;
    assert_eq!(reports.len(), world.base.providers.len(), "{reports:?}");
    for report in &reports {
        assert!(report.outcome.is_ok(), "{report:?}");
    }
    for model in &world.base.models {
        let a = world.availability(&model.provider, &model.id);
        assert_ne!(a.reason.kind, ReasonKind::ModelRetired, "{}", model.id);
        assert!(
            world
                .catalog()
                .model(&model.provider, &model.id)
                .unwrap()
                .listed_at
                .is_some(),
            "{} is listed",
            model.id
        );
    }
}

#[tokio::test]
async fn a_release_appears_and_a_retirement_is_said_plainly_after_a_refresh() {
    let world = World::start("model-changes").await;
    world.refresher.refresh().await;
    let opus6 = ("anthropic", "claude-opus-6");
    assert!(world.catalog().model(opus6.0, opus6.1).is_none());
    assert_eq!(
        world
            .availability("anthropic", "claude-opus-4-6")
            .reason
            .kind,
        ReasonKind::Unknown
    );

    world.advance(60);
    world.refresher.refresh().await;
    let catalog = world.catalog();

    // Listed-only: what the provider said, and "unknown" for the rest.
    let new = catalog.model(opus6.0, opus6.1).expect("Opus 6 learned");
    assert_eq!(new.display_name, "Claude Opus 6");
    assert_eq!(
        new.context_window,
        Some(1_000_000),
        "Anthropic lists its limits"
    );
    assert_eq!(new.output_limit, Some(128_000));
    assert_eq!(new.sources.context_window, DetailSource::Provider);
    assert_eq!(new.sources.display_name, DetailSource::Provider);
    assert_eq!(
        new.input,
        [Modality::Text, Modality::Image, Modality::Pdf],
        "from its capabilities"
    );
    assert_eq!(new.unknown_details(), ["tool use", "price"]);
    assert_eq!(new.price_in, None);
    assert!(new.unknown_details().contains(&"price"));
    assert!(new.aliases.iter().any(|a| a == "Opus 6"));
    let gpt = catalog
        .model("openai", "gpt-6.3-sol")
        .expect("GPT-6.3 Sol learned");
    assert_eq!(
        gpt.display_name, "gpt-6.3-sol",
        "OpenAI lists no display name"
    );
    assert_eq!(
        gpt.sources.tier,
        DetailSource::Derived,
        "the Sol line's tier"
    );
    assert!(
        catalog.model("openai", "gpt-4o").is_none(),
        "not shipped, no longer listed"
    );

    // Shipped but no longer listed: retired, in words, with the nearest current model.
    let gone = world.availability("anthropic", "claude-opus-4-6");
    assert_eq!(gone.state, AvailabilityState::Unavailable);
    assert_eq!(gone.reason.kind, ReasonKind::ModelRetired);
    assert_eq!(gone.reason.source, EvidenceSource::ModelList);
    assert_eq!(
        gone.reason.headline,
        "Anthropic no longer offers Claude Opus 4.6"
    );
    assert!(
        gone.reason
            .message
            .contains("Claude Opus 6 is the nearest one Anthropic offers now"),
        "{}",
        gone.reason.message
    );
    let next =
        world.clock.now() + chrono::Duration::from_std(ListSettings::default().every).unwrap();
    assert_eq!(gone.next_check, Some(next), "says when it is read again");
    // The new model is judged like any other: nothing heard yet.
    assert_eq!(
        world.availability(opus6.0, opus6.1).reason.kind,
        ReasonKind::Unknown
    );
    assert_eq!(
        world
            .availability("anthropic", "claude-opus-4-7")
            .reason
            .kind,
        ReasonKind::Unknown,
        "a model still listed is not touched"
    );

    // The new model answers; the retired one answers 404 — retired by that too.
    assert!(world.chat(opus6.0, opus6.1).await.is_ok());
    assert_eq!(
        world.availability(opus6.0, opus6.1).state,
        AvailabilityState::Available
    );
    assert!(world.chat("anthropic", "claude-opus-4-6").await.is_err());
    assert_eq!(
        world
            .availability("anthropic", "claude-opus-4-6")
            .reason
            .kind,
        ReasonKind::ModelRetired
    );
}

#[tokio::test]
async fn a_404_retires_a_model_the_list_has_not_caught_up_with() {
    let world = World::start("model-changes").await;
    world.refresher.refresh().await;
    world.advance(60);
    // No refresh: the list read at t=0 still has Opus 4.6, but the provider says it is gone.
    assert!(world.chat("anthropic", "claude-opus-4-6").await.is_err());
    let gone = world.availability("anthropic", "claude-opus-4-6");
    assert_eq!(gone.reason.kind, ReasonKind::ModelRetired);
    assert_eq!(gone.reason.source, EvidenceSource::OwnRequests);
}

#[tokio::test]
async fn the_cache_shows_the_last_lists_at_start_offline_too() {
    let world = World::start("model-changes").await;
    world.advance(60);
    world.refresher.refresh().await;
    let store = world.store.clone();
    let base = world.base.clone();
    world.sim.stop().await;

    // A new start, with the simulator gone: the cached lists are shown at once.
    let sim = common::simulator(Scenario::builtin("healthy").unwrap()).await;
    let mut unreachable = base.clone();
    for provider in &mut unreachable.providers {
        provider.base_url = "http://127.0.0.1:9".into();
    }
    let restarted = World::on(sim, unreachable, store).await;
    assert!(
        restarted
            .catalog()
            .model("anthropic", "claude-opus-6")
            .is_some(),
        "learned models come back from the cache"
    );
    assert_eq!(
        restarted
            .availability("anthropic", "claude-opus-4-6")
            .reason
            .kind,
        ReasonKind::ModelRetired,
        "so do retirements"
    );

    // A failed refresh keeps them, and says so.
    let reports = restarted.refresher.refresh().await;
    assert!(reports.iter().all(|r| r.outcome.is_err()), "{reports:?}");
    assert!(
        restarted
            .catalog()
            .model("anthropic", "claude-opus-6")
            .is_some(),
        "the cached list is kept"
    );
    let notices = restarted.refresher.notices();
    let anthropic = notices
        .iter()
        .find(|n| n.title == "Anthropic's model list could not be read")
        .expect("a notice for Anthropic");
    assert_eq!(anthropic.kind, NoticeKind::ModelListUnreadable);
    assert!(
        anthropic.message.contains("No answer from Anthropic")
            && anthropic
                .message
                .contains("The picker shows Anthropic's list as read at"),
        "{}",
        anthropic.message
    );
    // Ollama was listed before, so its failure is worth saying too; it is local.
    assert!(
        notices
            .iter()
            .any(|n| n.title == "Ollama (local)'s model list could not be read")
    );
    let states = restarted.store.model_lists().await.unwrap();
    let anthropic = states.iter().find(|s| s.provider == "anthropic").unwrap();
    assert!(anthropic.listing.is_some() && anthropic.problem.is_some());
}

#[tokio::test]
async fn a_rejected_key_and_a_garbled_list_are_said_and_change_nothing() {
    let scenario = Scenario::from_toml(
        r#"
name = "lists fail"
[[steps]]
at = 0
label = "Anthropic rejects the key; OpenAI's list is garbage"
models = { "anthropic/*" = { behaviour = "error", error = "bad_key" }, "openai/*" = { behaviour = "garbage" } }
"#,
    )
    .unwrap();
    let sim = common::simulator(scenario).await;
    let base = common::catalog_at(&sim);
    let world = World::on(sim, base, Store::in_memory().await.unwrap()).await;
    let before = world.catalog();
    let reports = world.refresher.refresh().await;
    let outcome = |p: &str| {
        reports
            .iter()
            .find(|r| r.provider == p)
            .unwrap()
            .outcome
            .clone()
    };
    assert_eq!(
        outcome("anthropic").unwrap_err(),
        "Anthropic rejected your API key (HTTP 401)"
    );
    assert!(
        outcome("openai")
            .unwrap_err()
            .contains("not a model list Switchboard can read"),
        "{:?}",
        outcome("openai")
    );
    assert!(outcome("gemini").is_ok());
    let after = world.catalog();
    for provider in ["anthropic", "openai"] {
        assert_eq!(
            after.models_of(provider).count(),
            before.models_of(provider).count()
        );
        assert!(after.models_of(provider).all(|m| m.listed_at.is_none()));
        // A list that could not be read retires nothing.
        for model in after.models_of(provider) {
            assert_ne!(
                world.availability(provider, &model.id).reason.kind,
                ReasonKind::ModelRetired
            );
        }
    }
    let notices = world.refresher.notices();
    assert!(notices.iter().any(|n| {
        n.message
            .contains("The picker shows the Anthropic models Switchboard ships with")
    }));
}

/// Not even a model list is asked of a provider the workspace has turned off.
#[tokio::test]
async fn no_list_is_asked_of_a_provider_the_workspace_turned_off() {
    let world = World::start("healthy").await;
    world
        .health
        .record_policy(vec![switchboard_core::vocabulary::PolicyRule {
            provider: "anthropic".into(),
            model: None,
            message: "Off for now.".into(),
            until: None,
        }]);
    let reports = world.refresher.refresh().await;
    assert!(
        reports.iter().all(|r| r.provider != "anthropic"),
        "{reports:?}"
    );
    assert!(
        reports.iter().any(|r| r.provider == "openai"),
        "the others are still asked: {reports:?}"
    );
    assert!(
        !world
            .sim
            .requests()
            .iter()
            .any(|r| r.path.starts_with("/anthropic")),
        "no request reached Anthropic: {:?}",
        world.sim.requests()
    );
}
