//! The composition root as the doors use it: started from a config file and a data directory,
//! asked, shut down — and started again on the same data, which must hold what the first run
//! saw.

mod common;

use std::sync::Arc;
use std::time::Duration;
use switchboard_core::assistant::AssistantError;
use switchboard_core::clock::SystemClock;
use switchboard_core::config::Paths;
use switchboard_core::providers::keys::Secret;
use switchboard_core::vocabulary::{AvailabilityState, Ending, ModelRef, ReasonKind, Role};
use switchboard_core::{Core, CoreOptions};
use switchboard_sim::{Scenario, Simulator};

struct Setup {
    sim: Simulator,
    dir: tempfile::TempDir,
}

impl Setup {
    async fn new(scenario: &str, extra_config: &str) -> Self {
        let sim = common::simulator(Scenario::builtin(scenario).unwrap()).await;
        let dir = tempfile::tempdir().unwrap();
        let config = format!("{}\n{extra_config}", sim.config_toml());
        std::fs::write(dir.path().join("config.toml"), config).unwrap();
        Self { sim, dir }
    }

    /// A core as a door starts it, with a key for every provider and no keyring.
    async fn core(&self) -> Arc<Core> {
        Core::start(CoreOptions {
            paths: Paths {
                config_file: self.dir.path().join("config.toml"),
                data_dir: self.dir.path().join("data"),
            },
            clock: Arc::new(SystemClock),
            http: None,
            keys: Arc::new(|_| Some(Secret::new("sim-core-key"))),
            probes: false,
        })
        .await
        .expect("the core starts")
    }
}

fn opus() -> ModelRef {
    ModelRef::new("anthropic", "claude-opus-4-7")
}

#[tokio::test]
async fn an_answer_and_what_it_showed_outlive_the_core_that_got_it() {
    let setup = Setup::new("healthy", "").await;
    let core = setup.core().await;
    let mut streamed = String::new();
    let sent = core
        .send("one", None, "Say hello", &opus(), 256, &mut |event| {
            if let switchboard_core::assistant::send::SendEvent::Text { chunk, .. } = event {
                streamed.push_str(&chunk);
            }
        })
        .await
        .expect("the simulator answers");
    assert!(!sent.answer.text.is_empty());
    assert_eq!(sent.answer.text, streamed);
    assert_eq!(sent.answer.ending, Some(Ending::Complete));
    let state = |core: &Core| {
        core.availability()
            .into_iter()
            .find(|a| a.model == opus())
            .unwrap()
    };
    assert_eq!(state(&core).state, AvailabilityState::Available);
    core.shutdown().await;

    // The next start reads the conversation and the last known state from the database:
    // shutting down wrote everything that was on its way.
    let again = setup.core().await;
    let conversations = again.conversations().await.unwrap();
    assert_eq!(conversations.len(), 1);
    let view = again.open_conversation(&conversations[0].id).await.unwrap();
    let roles: Vec<Role> = view.messages.iter().map(|m| m.role).collect();
    assert_eq!(roles, [Role::User, Role::Assistant]);
    assert_eq!(view.messages[1].text, sent.answer.text);
    let last_known = state(&again);
    assert_eq!(last_known.state, AvailabilityState::Available);
    assert!(
        last_known.stale,
        "a state from the last run, not yet refreshed"
    );
    again.shutdown().await;
}

#[tokio::test]
async fn one_reading_of_the_status_page_concerns_only_the_models_it_names() {
    let setup = Setup::new("june-2026", "").await;
    // The incident is posted at 420 s.
    setup.sim.advance(Duration::from_secs(430));
    let core = setup.core().await;
    core.poll_once().await;
    let availability = core.availability();
    let of = |id: &str| {
        availability
            .iter()
            .find(|a| a.model == ModelRef::new("anthropic", id))
            .unwrap()
    };
    assert_eq!(
        of("claude-opus-4-7").reason.kind,
        ReasonKind::ProviderIncident
    );
    assert_eq!(
        of("claude-opus-4-8").reason.kind,
        ReasonKind::ProviderIncident
    );
    assert_eq!(of("claude-opus-4-7").state, AvailabilityState::Unavailable);
    // The API component is degraded: a model the text does not name may be reached, so it
    // is degraded, never unavailable, and its words say it is not named.
    let haiku = of("claude-haiku-4-5");
    assert_eq!(haiku.state, AvailabilityState::Degraded);
    assert!(
        haiku.reason.headline.contains("not named"),
        "{}",
        haiku.reason.headline
    );
    core.shutdown().await;
}

#[tokio::test]
async fn nothing_is_sent_to_what_the_workspace_turned_off() {
    let setup = Setup::new("june-2026", "").await;
    let policy = format!("[workspace]\npolicy = \"{}\"\n", setup.sim.policy_url());
    let config = format!("{}\n{policy}", setup.sim.config_toml());
    std::fs::write(setup.dir.path().join("config.toml"), config).unwrap();
    // The workspace turns Anthropic off at 660 s.
    setup.sim.advance(Duration::from_secs(700));
    let core = setup.core().await;
    assert!(!core.read_policy().await, "the policy was read");
    let result = core
        .send("one", None, "Hello", &opus(), 256, &mut |_| {})
        .await;
    assert!(
        matches!(result, Err(AssistantError::TurnedOff(ref reason)) if reason.kind == ReasonKind::AdminDisabled),
        "{result:?}"
    );
    assert!(
        !setup
            .sim
            .requests()
            .iter()
            .any(|r| r.provider.as_deref() == Some("anthropic") && r.method == "POST"),
        "no request went to a provider the workspace turned off"
    );
    core.shutdown().await;
}

#[tokio::test]
async fn a_key_stored_while_running_is_used_by_the_next_send() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let setup = Setup::new("healthy", "").await;
    let stored = Arc::new(AtomicBool::new(false));
    let in_keyring = stored.clone();
    let core = Core::start(CoreOptions {
        paths: Paths {
            config_file: setup.dir.path().join("config.toml"),
            data_dir: setup.dir.path().join("data"),
        },
        clock: Arc::new(SystemClock),
        http: None,
        keys: Arc::new(move |_| {
            in_keyring
                .load(Ordering::SeqCst)
                .then(|| Secret::new("sim-core-key"))
        }),
        probes: false,
    })
    .await
    .unwrap();
    let reason_of = |core: &Core, id: &str| {
        core.availability()
            .into_iter()
            .find(|a| a.model == ModelRef::new("anthropic", id))
            .unwrap()
            .reason
            .kind
    };
    let refused = core
        .send("one", None, "Hello", &opus(), 64, &mut |_| {})
        .await;
    assert!(
        matches!(refused, Err(AssistantError::NotConfigured(_))),
        "{refused:?}"
    );
    // `switchboard key set anthropic` in another terminal.
    stored.store(true, Ordering::SeqCst);
    core.send("two", None, "Hello", &opus(), 64, &mut |_| {})
        .await
        .expect("the stored key is used");
    assert_eq!(reason_of(&core, "claude-opus-4-7"), ReasonKind::Healthy);
    assert_ne!(
        reason_of(&core, "claude-opus-4-8"),
        ReasonKind::NotConfigured,
        "the provider's other models no longer say they need a key"
    );
    core.shutdown().await;
}
