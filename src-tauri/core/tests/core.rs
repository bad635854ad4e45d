//! The composition root as the doors use it: started from a config file and a data directory,
//! asked, shut down — and started again on the same data, which must hold what the first run
//! saw.

mod common;

use std::sync::Arc;
use std::time::Duration;
use switchboard_core::assistant::AssistantError;
use switchboard_core::catalog::Provider;
use switchboard_core::clock::{Clock, ManualClock, SystemClock, Zone};
use switchboard_core::config::Paths;
use switchboard_core::providers::keys::{KeyError, KeySource, KeyStore, Secret};
use switchboard_core::vocabulary::{AvailabilityState, Ending, ModelRef, ReasonKind, Role};
use switchboard_core::{Choice, Core, CoreOptions};
use switchboard_sim::{Scenario, Simulator};

struct Setup {
    sim: Simulator,
    dir: tempfile::TempDir,
}

/// Claude Opus 4.7 answers every request with a server error.
const OPUS_OUT: &str = "name = \"opus-out\"\n[[steps]]\nat = 0\nlabel = \"Opus 4.7 fails\"\n\
    [steps.models.\"anthropic/claude-opus-4-7\"]\nbehaviour = \"error\"\nerror = \"server_error\"\n";

impl Setup {
    async fn new(scenario: &str, extra_config: &str) -> Self {
        Self::on(Scenario::builtin(scenario).unwrap(), extra_config).await
    }

    async fn on(scenario: Scenario, extra_config: &str) -> Self {
        let sim = common::simulator(scenario).await;
        let dir = tempfile::tempdir().unwrap();
        let config = format!("{}\n{extra_config}", sim.config_toml());
        std::fs::write(dir.path().join("config.toml"), config).unwrap();
        Self { sim, dir }
    }

    /// A core as a door starts it, with a key for every provider and no keyring.
    async fn core(&self) -> Arc<Core> {
        self.core_on(Arc::new(SystemClock)).await
    }

    async fn core_on(&self, clock: Arc<dyn Clock>) -> Arc<Core> {
        self.start(clock, every_key(), false).await
    }

    /// A core on this setup's config and data, with these keys, probing or not.
    async fn start(
        &self,
        clock: Arc<dyn Clock>,
        keys: Arc<dyn KeyStore>,
        probes: bool,
    ) -> Arc<Core> {
        Core::start(CoreOptions {
            paths: Paths {
                config_file: self.dir.path().join("config.toml"),
                data_dir: self.dir.path().join("data"),
            },
            clock,
            http: None,
            keys,
            probes,
            sends_queue: false,
        })
        .await
        .expect("the core starts")
    }
}

/// A key for every provider, and no keyring.
fn every_key() -> Arc<dyn KeyStore> {
    Arc::new(|_: &Provider| Some(Secret::new("sim-core-key")))
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
        .send(
            "one",
            None,
            "Say hello",
            &opus(),
            256,
            Choice::Preferred,
            &mut |event| {
                if let switchboard_core::assistant::send::SendEvent::Text { chunk, .. } = event {
                    streamed.push_str(&chunk);
                }
            },
        )
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
    // Who answered, as the provider said it, is kept with the answer.
    let answered_as = view.messages[1].answered_as.clone().expect("kept");
    assert!(
        answered_as
            .model
            .as_deref()
            .is_some_and(|m| m.starts_with("claude-opus-4-7")),
        "{answered_as:?}"
    );
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
    // A person in India reads the incident's times in their own zone, five and a half hours on.
    let india = chrono::FixedOffset::east_opt(5 * 3600 + 1800).unwrap();
    let clock = ManualClock::new(chrono::Utc::now()).in_zone(Zone::Fixed(india));
    let core = setup.core_on(Arc::new(clock)).await;
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
    let posted = of("claude-opus-4-7")
        .evidence
        .incident
        .as_ref()
        .expect("the incident is the evidence")
        .since;
    let local = posted.with_timezone(&india).format("%H:%M (").to_string();
    let message = &of("claude-opus-4-7").reason.message;
    assert!(message.contains(&local), "{local} in: {message}");
    assert!(!message.contains("UTC"), "{message}");
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
        .send(
            "one",
            None,
            "Hello",
            &opus(),
            256,
            Choice::Preferred,
            &mut |_| {},
        )
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

/// A keyring in memory, as the system's behaves: what is stored is found, from the keyring.
#[derive(Default)]
struct MemoryKeyring(std::sync::Mutex<std::collections::HashMap<String, Secret>>);

impl KeyStore for MemoryKeyring {
    fn find(&self, provider: &Provider) -> Option<(Secret, KeySource)> {
        let keys = self.0.lock().unwrap();
        keys.get(&provider.id)
            .map(|s| (s.clone(), KeySource::Keyring))
    }
    fn store(&self, provider_id: &str, secret: &Secret) -> Result<(), KeyError> {
        self.0
            .lock()
            .unwrap()
            .insert(provider_id.into(), secret.clone());
        Ok(())
    }
    fn remove(&self, provider_id: &str) -> Result<(), KeyError> {
        self.0.lock().unwrap().remove(provider_id);
        Ok(())
    }
}

#[tokio::test]
async fn a_key_stored_while_running_is_used_by_the_next_send() {
    let setup = Setup::new("healthy", "").await;
    let core = setup
        .start(
            Arc::new(SystemClock),
            Arc::new(MemoryKeyring::default()),
            false,
        )
        .await;
    let reason_of = |core: &Core, id: &str| {
        core.availability()
            .into_iter()
            .find(|a| a.model == ModelRef::new("anthropic", id))
            .unwrap()
            .reason
            .kind
    };
    let source_of = async |core: &Core, id: &str| {
        core.key_sources()
            .await
            .into_iter()
            .find(|(p, _)| p.id == id)
            .unwrap()
            .1
    };
    let refused = core
        .send(
            "one",
            None,
            "Hello",
            &opus(),
            64,
            Choice::Preferred,
            &mut |_| {},
        )
        .await;
    assert!(
        matches!(refused, Err(AssistantError::NotConfigured(_))),
        "{refused:?}"
    );
    assert_eq!(source_of(&core, "anthropic").await, None);

    // `switchboard key set anthropic`, as the window's Settings will.
    core.store_key("anthropic", Secret::new("sk-ant-core-test"))
        .await
        .unwrap();
    assert_eq!(
        source_of(&core, "anthropic").await,
        Some(KeySource::Keyring)
    );
    core.send(
        "two",
        None,
        "Hello",
        &opus(),
        64,
        Choice::Preferred,
        &mut |_| {},
    )
    .await
    .expect("the stored key is used");
    assert_eq!(reason_of(&core, "claude-opus-4-7"), ReasonKind::Healthy);
    assert_ne!(
        reason_of(&core, "claude-opus-4-8"),
        ReasonKind::NotConfigured,
        "the provider's other models no longer say they need a key"
    );
    let asked = setup.sim.requests();
    assert_eq!(
        asked
            .iter()
            .filter(|r| r.provider.as_deref() == Some("anthropic"))
            .count(),
        1,
        "one request, with the key: none before it was stored"
    );

    // `switchboard key delete anthropic`.
    core.remove_key("anthropic").await.unwrap();
    assert_eq!(
        reason_of(&core, "claude-opus-4-8"),
        ReasonKind::NotConfigured,
        "a removed key is missing again"
    );
    let refused = core
        .send(
            "three",
            None,
            "Hello",
            &opus(),
            64,
            Choice::Preferred,
            &mut |_| {},
        )
        .await;
    assert!(
        matches!(refused, Err(AssistantError::NotConfigured(_))),
        "{refused:?}"
    );
    core.shutdown().await;
}

/// Starts a core whose key store has no keyring, as on a minimal desktop or in CI.
async fn core_without_a_keyring(setup: &Setup) -> Arc<Core> {
    let keys = switchboard_core::providers::keys::Keys::env_only(|_| None);
    setup
        .start(Arc::new(SystemClock), Arc::new(keys), false)
        .await
}

/// Every byte Switchboard wrote under its data directory.
fn everything_written(dir: &std::path::Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in walk(dir) {
        bytes.extend(std::fs::read(entry).unwrap_or_default());
    }
    bytes
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[tokio::test]
async fn a_key_entered_is_checked_at_once_with_the_free_list_and_kept_for_the_session() {
    let setup = Setup::new("healthy", "").await;
    let core = core_without_a_keyring(&setup).await;
    let opus_line = |core: &Core| {
        core.availability()
            .into_iter()
            .find(|a| a.model == opus())
            .unwrap()
    };
    assert_eq!(opus_line(&core).reason.kind, ReasonKind::NotConfigured);

    // Bad input is refused before anything is sent.
    for (typed, expected) in [("   ", "empty"), ("sk-ant one\nsk-ant two", "spaces")] {
        let refused = core.save_key("anthropic", typed).await.unwrap_err();
        assert!(refused.to_string().contains(expected), "{refused}");
    }
    assert!(
        setup.sim.requests().is_empty(),
        "nothing sent for bad input"
    );

    let check = core
        .save_key("anthropic", "  sk-ant-typed-in-settings \n")
        .await
        .unwrap();
    assert!(check.accepted, "{check:?}");
    assert_eq!(check.kept, Some(switchboard_core::KeyPlace::ThisSession));
    assert!(
        check
            .reason
            .headline
            .starts_with("Key accepted by Anthropic at "),
        "{}",
        check.reason.headline
    );
    assert!(check.kept_words.contains("until Switchboard quits"));
    assert!(check.kept_words.contains("ANTHROPIC_API_KEY"));
    // One free list request, no message.
    let requests = setup.sim.requests();
    assert!(
        requests
            .iter()
            .all(|r| r.provider.as_deref() == Some("anthropic") && r.method == "GET"),
        "{requests:?}"
    );
    assert!(
        requests
            .iter()
            .any(|r| r.path.ends_with("/v1/models") && r.status == Some(200))
    );
    // The picker's line now says what is known, without claiming an answer.
    let line = opus_line(&core);
    assert_eq!(line.state, AvailabilityState::Unknown);
    assert!(
        line.reason
            .headline
            .starts_with("No problems known: key accepted "),
        "{}",
        line.reason.headline
    );
    // Settings shows where the key is, never the key.
    let keys = core.provider_keys().await;
    let anthropic = keys.iter().find(|k| k.provider == "anthropic").unwrap();
    assert_eq!(
        anthropic.place,
        Some(switchboard_core::KeyPlace::ThisSession)
    );
    assert_eq!(anthropic.last_check.as_ref(), Some(&check));
    assert!(!format!("{keys:?}").contains("sk-ant-typed"));
    // The next message uses it.
    core.send(
        "one",
        None,
        "Hello",
        &opus(),
        64,
        Choice::Preferred,
        &mut |_| {},
    )
    .await
    .expect("answered with the session's key");
    core.shutdown().await;
    let written = everything_written(&setup.dir.path().join("data"));
    assert!(!written.is_empty());
    assert!(
        !written
            .windows(b"sk-ant-typed".len())
            .any(|w| w == b"sk-ant-typed"),
        "the key is in no file Switchboard wrote"
    );
}

#[tokio::test]
async fn a_key_the_provider_rejects_is_said_on_your_side_and_not_kept() {
    let setup = Setup::new("bad-key", "").await;
    let core = core_without_a_keyring(&setup).await;
    let check = core.save_key("anthropic", "sk-ant-wrong").await.unwrap();
    assert!(!check.accepted);
    assert_eq!(check.kept, None, "a rejected key is not kept");
    assert_eq!(check.reason.kind, ReasonKind::AuthFailed);
    assert_eq!(
        check.reason.side,
        switchboard_core::vocabulary::Side::YourKey
    );
    assert_eq!(check.reason.headline, "Anthropic rejected this key");
    assert!(
        check
            .reason
            .message
            .contains("Anthropic's service is working"),
        "{}",
        check.reason.message
    );
    assert!(check.reason.message.contains("HTTP 401"));
    let keys = core.provider_keys().await;
    assert_eq!(
        keys.iter()
            .find(|k| k.provider == "anthropic")
            .unwrap()
            .place,
        None
    );
    // Still no key: the models still say so.
    let line = core
        .availability()
        .into_iter()
        .find(|a| a.model == opus())
        .unwrap();
    assert_eq!(line.reason.kind, ReasonKind::NotConfigured);
    core.shutdown().await;
}

#[tokio::test]
async fn preferences_are_kept_and_probes_follow_the_switch_at_once() {
    let setup = Setup::on(Scenario::from_toml(OPUS_OUT).unwrap(), "").await;
    let clock = ManualClock::new(chrono::Utc::now());
    let start = |clock: ManualClock| setup.start(Arc::new(clock), every_key(), true);
    let core = start(clock.clone()).await;
    assert_eq!(core.preferences(), switchboard_core::Preferences::default());
    assert!(core.preferences_view().fixed_by_config.is_empty());
    let heard = Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = heard.clone();
    core.on_preferences_changed(move |p| sink.lock().unwrap().push(p.clone()));

    // Three failures open the breaker.
    let _ = core
        .send(
            "s",
            None,
            "Hello",
            &opus(),
            64,
            Choice::Preferred,
            &mut |_| {},
        )
        .await;
    let posts = |sim: &Simulator| sim.requests().iter().filter(|r| r.method == "POST").count();
    assert_eq!(posts(&setup.sim), 3);

    let off = switchboard_core::Preferences {
        probes: false,
        theme: switchboard_core::Theme::Dark,
        close_to_tray: true,
        ..Default::default()
    };
    core.set_preferences(off.clone()).await.unwrap();
    assert_eq!(heard.lock().unwrap().as_slice(), std::slice::from_ref(&off));
    clock.advance(Duration::from_secs(120));
    core.poll_once().await;
    assert_eq!(posts(&setup.sim), 3, "no probe while probes are off");

    core.set_preferences(switchboard_core::Preferences {
        probes: true,
        ..off.clone()
    })
    .await
    .unwrap();
    core.poll_once().await;
    assert_eq!(
        posts(&setup.sim),
        4,
        "the due probe goes out once they are on again"
    );
    core.shutdown().await;

    // Kept for the next start.
    let again = start(clock.clone()).await;
    assert_eq!(again.preferences().theme, switchboard_core::Theme::Dark);
    assert!(again.preferences().close_to_tray);
    again.shutdown().await;
}

#[tokio::test]
async fn probes_turned_off_in_the_config_file_win_and_settings_says_so() {
    let setup = Setup::new("healthy", "[health]\nprobes = false\n").await;
    let core = setup.core().await;
    let view = core.preferences_view();
    assert_eq!(view.fixed_by_config.len(), 1, "{view:?}");
    assert_eq!(view.fixed_by_config[0].preference, "probes");
    assert!(view.fixed_by_config[0].words.contains("probes = false"));
    core.shutdown().await;
}

#[tokio::test]
async fn a_policy_source_set_in_settings_is_read_at_once_kept_and_removable() {
    let setup = Setup::new("june-2026", "").await;
    // At 660 s the workspace turns off every Anthropic model.
    setup.sim.advance(Duration::from_secs(700));
    let core = setup.core().await;
    let view = core.workspace_view();
    assert_eq!(view.source, None);
    assert!(!view.set_in_config);

    let refused = core
        .set_policy_source(Some("http://admin.example.com/policy.json"))
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("Nothing was changed"),
        "{refused}"
    );

    let url = setup.sim.policy_url();
    let view = core.set_policy_source(Some(&url)).await.unwrap();
    assert_eq!(view.source.as_deref(), Some(url.as_str()));
    assert!(view.read_at.is_some(), "read at once");
    assert!(view.rules.iter().any(|r| r.provider == "anthropic"));
    let reason = |core: &Core| {
        core.availability()
            .into_iter()
            .find(|a| a.model == opus())
            .unwrap()
            .reason
            .kind
    };
    assert_eq!(reason(&core), ReasonKind::AdminDisabled);
    core.shutdown().await;

    // Kept: the next start reads it again, and the last reading is in force meanwhile.
    let again = setup.core().await;
    assert_eq!(again.workspace_view().source.as_deref(), Some(url.as_str()));
    assert_eq!(reason(&again), ReasonKind::AdminDisabled);
    // Removed by the person who set it: what it turned off is on again.
    let view = again.set_policy_source(None).await.unwrap();
    assert_eq!(view.source, None);
    assert!(view.rules.is_empty());
    assert_ne!(reason(&again), ReasonKind::AdminDisabled);
    again.shutdown().await;
}

#[tokio::test]
async fn a_policy_in_the_config_file_cannot_be_changed_from_settings() {
    let setup = Setup::new("healthy", "").await;
    let config = format!(
        "{}\n[workspace]\npolicy = \"{}\"\n",
        setup.sim.config_toml(),
        setup.sim.policy_url()
    );
    std::fs::write(setup.dir.path().join("config.toml"), config).unwrap();
    let core = setup.core().await;
    assert!(core.workspace_view().set_in_config);
    let refused = core.set_policy_source(None).await.unwrap_err();
    assert!(
        refused.to_string().contains("only that file can change it"),
        "{refused}"
    );
    assert!(core.workspace_view().source.is_some());
    core.shutdown().await;
}

#[tokio::test]
async fn a_server_added_by_url_is_listed_at_once_answers_and_survives_a_restart() {
    let setup = Setup::new("healthy", "").await;
    let core = setup.core().await;
    // An OpenAI-compatible server (the simulator's local one), as LM Studio would be.
    let check = core
        .add_server("LM Studio", &setup.sim.provider_url("ollama"), false)
        .await
        .unwrap();
    assert_eq!(check.provider, "lm-studio");
    assert_eq!(check.problem, None);
    assert!(!check.found.is_empty(), "its models are listed at once");
    let models: Vec<String> = core
        .catalog()
        .models_of("lm-studio")
        .map(|m| m.id.clone())
        .collect();
    assert!(!models.is_empty(), "in the picker without a restart");
    let setup_line = core
        .provider_setups()
        .into_iter()
        .find(|p| p.provider == "lm-studio")
        .unwrap();
    assert!(setup_line.added_here);
    let model = ModelRef::new("lm-studio", &models[0]);
    let sent = core
        .send(
            "s",
            None,
            "Hello",
            &model,
            64,
            Choice::Preferred,
            &mut |_| {},
        )
        .await
        .expect("the added server answers");
    assert!(!sent.answer.text.is_empty());
    core.shutdown().await;

    let again = setup.core().await;
    assert!(again.catalog().provider("lm-studio").is_some(), "kept");
    again.remove_server("lm-studio").await.unwrap();
    assert!(again.catalog().provider("lm-studio").is_none());
    assert!(
        again.remove_server("anthropic").await.is_err(),
        "shipped ones stay"
    );
    again.shutdown().await;
}

#[tokio::test]
async fn an_address_set_in_settings_is_checked_and_the_config_file_wins() {
    let setup = Setup::new("healthy", "").await;
    let core = setup.core().await;
    // The simulator's config sets Anthropic's base URL: Settings says so and changes nothing.
    let anthropic = core
        .provider_setups()
        .into_iter()
        .find(|p| p.provider == "anthropic")
        .unwrap();
    assert!(anthropic.set_in_config.contains(&"base_url".to_string()));
    let refused = core
        .set_provider_address("anthropic", Some("https://gw.example.com"), None)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("the file wins"), "{refused}");
    // Gemini's status page, which the file does not set: plain http elsewhere is refused…
    let refused = core
        .set_provider_address("gemini", None, Some("http://status.example.com"))
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("Nothing was changed"),
        "{refused}"
    );
    // …https is taken, and kept.
    core.set_provider_address("gemini", None, Some(&setup.sim.status_url("anthropic")))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let gemini = core
        .provider_setups()
        .into_iter()
        .find(|p| p.provider == "gemini")
        .unwrap();
    assert_eq!(gemini.status_url, Some(setup.sim.status_url("anthropic")));
    core.shutdown().await;
}

#[tokio::test]
async fn check_now_probes_a_model_that_is_out_without_waiting_and_the_board_groups_it() {
    let setup = Setup::on(Scenario::from_toml(OPUS_OUT).unwrap(), "").await;
    let core = setup
        .start(
            Arc::new(ManualClock::new(chrono::Utc::now())),
            every_key(),
            true,
        )
        .await;
    let _ = core
        .send(
            "s",
            None,
            "Hello",
            &opus(),
            64,
            Choice::Preferred,
            &mut |_| {},
        )
        .await;
    let posts = || {
        setup
            .sim
            .requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count()
    };
    assert_eq!(posts(), 3);
    core.poll_once().await;
    assert_eq!(posts(), 3, "its cooldown has not passed: no probe yet");

    let board = core.board();
    assert_eq!(board.wrong_now.len(), 1, "{:#?}", board.wrong_now);
    assert_eq!(board.wrong_now[0].models, [opus()]);
    assert!(
        board.wrong_now[0]
            .summary
            .ends_with("1 model; all other Anthropic models working"),
        "{}",
        board.wrong_now[0].summary
    );

    core.check_now(Some("anthropic")).await;
    assert_eq!(posts(), 4, "Check now probes it at once");
    core.shutdown().await;
}

#[tokio::test]
async fn in_june_2026_the_statement_names_the_two_models_and_warns_of_the_blanket_switch_off() {
    let setup = Setup::new("june-2026", "").await;
    // At 660 s the workspace policy turns off every Anthropic model; the incident names two.
    setup.sim.advance(Duration::from_secs(700));
    let config = format!(
        "{}\n[workspace]\npolicy = \"{}\"\n",
        setup.sim.config_toml(),
        setup.sim.policy_url()
    );
    std::fs::write(setup.dir.path().join("config.toml"), config).unwrap();
    let core = setup.core().await;
    core.poll_once().await;
    let draft = core
        .draft_statement(None, switchboard_core::statement::Format::Text)
        .await
        .unwrap();
    assert_eq!(
        draft.title, "Service outage at Anthropic: Claude Opus 4.7 and Claude Opus 4.8",
        "{}",
        draft.text
    );
    assert!(
        draft
            .text
            .contains("The models themselves have not changed"),
        "{}",
        draft.text
    );
    assert!(
        draft
            .text
            .contains("What we did: our workspace policy has turned off"),
        "{}",
        draft.text
    );
    assert_eq!(draft.warnings.len(), 1, "{:?}", draft.warnings);
    assert!(draft.warnings[0].contains("that the evidence does not name"));
    assert!(
        !draft.warnings[0].contains("Claude Opus 4.7,"),
        "{:?}",
        draft.warnings
    );
    core.shutdown().await;
}

/// June 2026 with this app's clock moving with the simulator's: the episode's timeline holds
/// this app's first server error before Anthropic's first post, every post of the incident
/// (the "resolved" one read from the page's recent incidents, which the summary drops), the
/// lead time in words, and the same snapshot before and after.
#[tokio::test]
async fn in_june_2026_the_timeline_puts_the_first_failure_before_the_first_post_and_says_by_how_much()
 {
    let setup = Setup::new("june-2026", "[health]\nprobes = false\n").await;
    let clock = ManualClock::new(chrono::Utc::now());
    let core = setup.core_on(Arc::new(clock.clone())).await;
    let both = |secs: u64| {
        setup.sim.advance(Duration::from_secs(secs));
        clock.advance(Duration::from_secs(secs));
    };
    let ask = || async {
        core.send(
            "s",
            None,
            "Hello",
            &opus(),
            64,
            Choice::Preferred,
            &mut |_| {},
        )
        .await
    };
    // Answered before the onset: the snapshot it answered as is kept.
    ask().await.unwrap();
    core.poll_once().await;
    both(160);
    // 9 requests in 10 fail from 150 s: the step's first answers, the next three do not.
    assert!(ask().await.unwrap().answer.failure.is_none());
    assert!(ask().await.unwrap().answer.failure.is_some());
    core.poll_once().await;
    for step in [270, 180, 960, 360] {
        // 430 s: investigating; 610 s: identified; 1570 s: Opus 4.7 answers again, but the
        // incident stays open; 1930 s: resolved.
        both(step);
        core.poll_once().await;
    }
    // Its own failures hold it until it answers again (probes are off): the next message.
    assert!(ask().await.unwrap().answer.failure.is_none());
    let availability = core.availability();
    let now_opus = availability.iter().find(|a| a.model == opus()).unwrap();
    assert_eq!(
        now_opus.state,
        AvailabilityState::Available,
        "{now_opus:#?}"
    );
    assert!(
        now_opus
            .reason
            .message
            .contains("It answers as the same snapshot as before the outage"),
        "{}",
        now_opus.reason.message
    );
    // Everything seen is written by the time the core has shut down; the next run reads it.
    core.shutdown().await;
    let core = setup.core_on(Arc::new(clock.clone())).await;

    let since = clock.now() - chrono::Duration::hours(1);
    let episodes = core.history(since, Some(&opus())).await.unwrap();
    assert_eq!(episodes.len(), 1, "{episodes:#?}");
    let timeline = core.episode_timeline(&episodes[0].id).await.unwrap();
    let first_failure = &timeline.observed[0];
    assert_eq!(
        first_failure.kind,
        switchboard_core::timeline::MarkKind::FirstFailure,
        "{timeline:#?}"
    );
    let statuses: Vec<&str> = timeline
        .posted
        .iter()
        .map(|m| m.title.split(':').next().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [
            "Investigating",
            "Identified",
            "Identified",
            "Monitoring",
            "Resolved"
        ],
        "{:#?}",
        timeline.posted
    );
    assert!(first_failure.at < timeline.posted[0].at);
    assert_eq!(
        timeline.lead.as_deref(),
        Some("Switchboard saw the first server errors 4 min before Anthropic posted."),
    );
    assert!(timeline.return_lead.is_some(), "{timeline:#?}");
    assert_eq!(
        timeline.identity.verdict,
        switchboard_core::timeline::IdentityVerdict::Same,
        "{}",
        timeline.identity.said
    );

    // The "resolved" statement cites it.
    let resolved = core
        .draft_statement(
            Some(&episodes[0].id),
            switchboard_core::statement::Format::Text,
        )
        .await
        .unwrap();
    assert!(
        resolved.text.contains(
            "the models themselves did not change: Claude Opus 4.7 answered as the same snapshot"
        ),
        "{}",
        resolved.text
    );

    // The statistics count the same attempts: the failures on Anthropic's side.
    let stats = core.model_stats(&opus()).await.unwrap();
    assert!(stats.day.failed.provider >= 1, "{:?}", stats.day);
    assert_eq!(stats.day.failed.yours + stats.day.failed.network, 0);
    assert!(stats.day.requests > stats.day.failed.total());
    let today = stats.days.last().unwrap();
    assert_eq!(today.episodes, [episodes[0].id.clone()]);
    core.shutdown().await;
}
