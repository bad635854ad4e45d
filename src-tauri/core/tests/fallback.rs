//! Fallback with consent through the core, against the simulator: nothing goes to another
//! model without a consent, a stand-in's answer says whom it stood in for, and when the
//! preferred model is back the conversation and the queue go back to it — once.

mod common;

use std::sync::Arc;
use std::time::Duration;
use switchboard_core::assistant::AssistantError;
use switchboard_core::catalog::Provider;
use switchboard_core::clock::ManualClock;
use switchboard_core::config::Paths;
use switchboard_core::fallback::Plan;
use switchboard_core::providers::keys::{KeyStore, Secret};
use switchboard_core::vocabulary::{ConsentScope, ModelRef};
use switchboard_core::{Choice, Core, CoreOptions, FallbackEvent};
use switchboard_sim::{Scenario, Simulator};
use tokio::sync::mpsc::UnboundedReceiver;

/// Claude Opus 4.7 answers every request with a server error until t=60, then recovers.
const SCENARIO: &str = r#"
name = "opus-out"
[[steps]]
at = 0
label = "Opus 4.7 fails every request"
[steps.models."anthropic/claude-opus-4-7"]
behaviour = "error"
error = "server_error"
[[steps]]
at = 60
label = "Opus 4.7 recovers"
models = { "anthropic/claude-opus-4-7" = { behaviour = "ok" } }
"#;

struct World {
    sim: Simulator,
    dir: tempfile::TempDir,
    clock: ManualClock,
}

impl World {
    async fn new() -> Self {
        Self::replaying(SCENARIO).await
    }

    async fn replaying(scenario: &str) -> Self {
        let sim = common::simulator(Scenario::from_toml(scenario).unwrap()).await;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.toml"), sim.config_toml()).unwrap();
        Self {
            sim,
            dir,
            clock: ManualClock::new(chrono::Utc::now()),
        }
    }

    /// The core as the window starts it (probes on, sending the queue), and what it
    /// announces.
    async fn core(&self) -> (Arc<Core>, UnboundedReceiver<FallbackEvent>) {
        self.core_with(
            Arc::new(|_: &Provider| Some(Secret::new("sim-fallback-key"))),
            true,
        )
        .await
    }

    /// The core with these keys, probing or not; it sends the queue.
    async fn core_with(
        &self,
        keys: Arc<dyn KeyStore>,
        probes: bool,
    ) -> (Arc<Core>, UnboundedReceiver<FallbackEvent>) {
        let core = Core::start(CoreOptions {
            paths: Paths {
                config_file: self.dir.path().join("config.toml"),
                data_dir: self.dir.path().join("data"),
            },
            clock: Arc::new(self.clock.clone()),
            http: None,
            keys,
            probes,
            sends_queue: true,
        })
        .await
        .expect("the core starts");
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        core.on_fallback(move |event| {
            let _ = tx.send(event.clone());
        });
        (core, rx)
    }

    /// Chat requests the simulator saw for `model`.
    fn asked(&self, model: &str) -> usize {
        self.sim
            .requests()
            .iter()
            .filter(|r| r.model.as_deref() == Some(model) && r.method == "POST")
            .count()
    }

    fn chat_requests(&self) -> usize {
        self.sim
            .requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count()
    }

    /// Past Opus 4.7's recovery and its breaker's cooldown; one poll probes it.
    async fn recover(&self, core: &Core) {
        self.sim.advance(Duration::from_secs(61));
        self.clock.advance(Duration::from_secs(301));
        core.poll_once().await;
    }
}

fn opus() -> ModelRef {
    ModelRef::new("anthropic", "claude-opus-4-7")
}

fn gpt() -> ModelRef {
    ModelRef::new("openai", "gpt-5")
}

async fn next_event(events: &mut UnboundedReceiver<FallbackEvent>) -> FallbackEvent {
    tokio::time::timeout(Duration::from_secs(30), events.recv())
        .await
        .expect("the core announces the return")
        .expect("the core is running")
}

/// The first send fails with its retries and opens Opus 4.7's breaker.
async fn open_the_breaker(w: &World, core: &Core) {
    let outcome = core
        .send(
            "first",
            None,
            "Summarise the Q3 report",
            &opus(),
            256,
            Choice::Auto,
            &mut |_| {},
        )
        .await
        .expect("sent, and failed");
    assert!(outcome.reason.is_some(), "Opus 4.7 fails");
    assert_eq!(w.asked("claude-opus-4-7"), 3, "one try and two retries");
}

#[tokio::test]
async fn without_consent_nothing_goes_anywhere_once_the_model_is_known_out() {
    let w = World::new().await;
    let (core, _events) = w.core().await;
    open_the_breaker(&w, &core).await;
    let before = w.chat_requests();

    let plan = core
        .plan_send(None, "Summarise the Q3 report", &opus(), 256, None)
        .await
        .unwrap();
    let Plan::Ask { reason, ranking } = plan else {
        panic!("the person is asked: {plan:?}");
    };
    assert!(
        reason.message.contains("the model itself has not changed"),
        "{}",
        reason.message
    );
    assert!(ranking.alternatives.iter().all(|a| a.model != opus()));
    assert!(!ranking.alternatives.is_empty());

    let refused = core
        .send(
            "again",
            None,
            "Summarise the Q3 report",
            &opus(),
            256,
            Choice::Auto,
            &mut |_| {},
        )
        .await;
    assert!(
        matches!(refused, Err(AssistantError::NeedsConsent(_))),
        "{refused:?}"
    );
    assert_eq!(
        w.chat_requests(),
        before,
        "no request to Opus 4.7, and none to any other model, without a consent"
    );
    core.shutdown().await;
}

#[tokio::test]
async fn a_stand_in_is_labelled_and_the_conversation_goes_back_when_the_model_is() {
    let w = World::new().await;
    let (core, mut events) = w.core().await;
    open_the_breaker(&w, &core).await;

    // "Use GPT-5 until Claude Opus 4.7 is back".
    let choice = Choice::StandIn {
        alternative: gpt(),
        scope: ConsentScope::UntilBack,
    };
    let sent = core
        .send(
            "stand-in",
            None,
            "Plan the offsite",
            &opus(),
            256,
            choice,
            &mut |_| {},
        )
        .await
        .unwrap();
    assert_eq!(sent.answer.model, Some(gpt()));
    assert_eq!(sent.answer.stood_in_for, Some(opus()));
    assert!(sent.answer.stand_in_why.is_some());
    assert_eq!(w.asked("gpt-5"), 1);
    // The stand-in was told whom it answers for, and got the person's message.
    let request = w
        .sim
        .requests()
        .into_iter()
        .find(|r| r.model.as_deref() == Some("gpt-5"))
        .unwrap();
    assert_eq!(request.prompt.as_deref(), Some("Plan the offsite"));
    let system = request.system.unwrap_or_default();
    assert!(system.contains("in place of Claude Opus 4.7"), "{system}");
    assert!(system.starts_with("You are GPT-5."), "{system}");
    let conversation = sent.answer.conversation_id.clone();

    // The consent holds: the next message goes to GPT-5 without asking, and none to Opus 4.7.
    let opus_before = w.asked("claude-opus-4-7");
    let next = core
        .send(
            "next",
            Some(&conversation),
            "And the agenda?",
            &opus(),
            256,
            Choice::Auto,
            &mut |_| {},
        )
        .await
        .unwrap();
    assert_eq!(next.answer.model, Some(gpt()));
    assert_eq!(w.asked("claude-opus-4-7"), opus_before);

    // Opus 4.7 recovers: the probe finds it, the core says it is back.
    w.recover(&core).await;
    assert_eq!(
        next_event(&mut events).await,
        FallbackEvent::Back {
            model: opus(),
            holding: false
        }
    );
    let back = core
        .send(
            "back",
            Some(&conversation),
            "Thanks",
            &opus(),
            256,
            Choice::Auto,
            &mut |_| {},
        )
        .await
        .unwrap();
    assert_eq!(
        back.answer.model,
        Some(opus()),
        "the next message goes to Opus 4.7"
    );
    assert_eq!(back.answer.stood_in_for, None);

    // The labels stay with the conversation.
    let view = core.open_conversation(&conversation).await.unwrap();
    let answered: Vec<(Option<ModelRef>, Option<ModelRef>)> = view
        .messages
        .iter()
        .filter(|m| m.role == switchboard_core::vocabulary::Role::Assistant)
        .map(|m| (m.model.clone(), m.stood_in_for.clone()))
        .collect();
    assert_eq!(
        answered,
        [
            (Some(gpt()), Some(opus())),
            (Some(gpt()), Some(opus())),
            (Some(opus()), None)
        ]
    );
    core.shutdown().await;
}

#[tokio::test]
async fn a_queued_message_is_sent_once_on_the_return_and_survives_a_restart() {
    let w = World::new().await;
    let (core, _) = w.core().await;
    open_the_breaker(&w, &core).await;
    let queued = core
        .queue_message(None, "Send the minutes to the team", &opus())
        .await
        .unwrap();
    core.shutdown().await;

    // Switchboard is closed and opened again while it waits.
    let (core, mut events) = w.core().await;
    assert_eq!(core.queued().await.unwrap(), std::slice::from_ref(&queued));
    let asked_before = w.asked("claude-opus-4-7");
    w.recover(&core).await;
    // The return, then the queued message.
    assert!(matches!(
        next_event(&mut events).await,
        FallbackEvent::Back { .. }
    ));
    let FallbackEvent::QueuedSent {
        queued: sent,
        answer,
    } = next_event(&mut events).await
    else {
        panic!("the queued message is sent");
    };
    assert_eq!(sent.id, queued.id);
    let answer = answer.expect("answered");
    assert_eq!(answer.model, Some(opus()));
    assert!(core.queued().await.unwrap().is_empty());
    // The probe and the queued message: exactly one request carried it, to Opus 4.7.
    assert_eq!(w.asked("claude-opus-4-7"), asked_before + 2);
    let carried: Vec<_> = w
        .sim
        .requests()
        .into_iter()
        .filter(|r| {
            r.prompt.as_deref() == Some("Send the minutes to the team") && r.status == Some(200)
        })
        .collect();
    assert_eq!(carried.len(), 1, "{carried:?}");
    assert_eq!(carried[0].model.as_deref(), Some("claude-opus-4-7"));
    assert_eq!(carried[0].system, None, "asked directly, not as a stand-in");
    let view = core
        .open_conversation(&queued.conversation_id)
        .await
        .unwrap();
    let questions: Vec<&str> = view
        .messages
        .iter()
        .filter(|m| m.role == switchboard_core::vocabulary::Role::User)
        .map(|m| m.text.as_str())
        .collect();
    assert_eq!(
        questions,
        ["Send the minutes to the team"],
        "sent once, where it was queued"
    );
    core.shutdown().await;
}

#[tokio::test]
async fn a_reason_for_the_person_to_fix_is_never_worked_around() {
    let scenario = r#"
name = "bad-key"
[[steps]]
at = 0
label = "Anthropic rejects the key"
[steps.models."anthropic/*"]
behaviour = "error"
error = "bad_key"
"#;
    let w = World::replaying(scenario).await;
    let (core, _) = w
        .core_with(
            Arc::new(|_: &Provider| Some(Secret::new("sk-rejected"))),
            false,
        )
        .await;
    let sim = &w.sim;
    let failed = core
        .send("one", None, "Hello", &opus(), 64, Choice::Auto, &mut |_| {})
        .await
        .unwrap();
    let reason = failed.reason.expect("the key is rejected");
    assert_eq!(
        reason.kind,
        switchboard_core::vocabulary::ReasonKind::AuthFailed
    );
    let choice = Choice::StandIn {
        alternative: gpt(),
        scope: ConsentScope::ThisMessage,
    };
    let refused = core
        .send("two", None, "Hello", &opus(), 64, choice, &mut |_| {})
        .await;
    assert!(
        matches!(refused, Err(AssistantError::NotOffered(_))),
        "{refused:?}"
    );
    assert_eq!(
        sim.requests()
            .iter()
            .filter(|r| r.provider.as_deref() == Some("openai"))
            .count(),
        0,
        "a rejected key is said, not worked around"
    );
    core.shutdown().await;
}

#[tokio::test]
async fn a_message_that_waited_too_long_asks_again_instead_of_sending() {
    let w = World::new().await;
    let (core, mut events) = w.core().await;
    open_the_breaker(&w, &core).await;
    let queued = core
        .queue_message(None, "Book the room", &opus())
        .await
        .unwrap();
    // A day and more later (the default limit is 24 hours).
    w.clock.advance(Duration::from_secs(25 * 3600));
    let asked_before = w.asked("claude-opus-4-7");
    w.recover(&core).await;
    assert!(matches!(
        next_event(&mut events).await,
        FallbackEvent::Back { .. }
    ));
    let waiting = core.queued().await.unwrap();
    assert_eq!(waiting.len(), 1, "still there, for the person to decide");
    assert_eq!(waiting[0].id, queued.id);
    assert!(waiting[0].too_old);
    assert_eq!(
        w.asked("claude-opus-4-7"),
        asked_before + 1,
        "only the probe"
    );
    core.shutdown().await;
}

#[tokio::test]
async fn a_fallback_order_naming_a_model_without_a_key_is_said_before_it_is_needed() {
    let w = World::new().await;
    // No Gemini key.
    let (core, _) = w
        .core_with(
            Arc::new(|p: &Provider| (p.id != "gemini").then(|| Secret::new("sim-key"))),
            false,
        )
        .await;
    let gemini = ModelRef::new("gemini", "gemini-2.5-pro");
    core.set_fallback_order(vec![gemini.clone(), gpt()])
        .await
        .unwrap();
    let notices = core.fallback_notices().await;
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(
        notices[0].title.contains("Gemini 2.5 Pro cannot stand in"),
        "{}",
        notices[0].title
    );
    assert!(
        notices[0].message.contains("no key"),
        "{}",
        notices[0].message
    );
    // The person's order leads the ranking; the model without a key is left out, with why.
    open_the_breaker(&w, &core).await;
    let Plan::Ask { ranking, .. } = core
        .plan_send(None, "Hello", &opus(), 256, None)
        .await
        .unwrap()
    else {
        panic!("asked");
    };
    assert_eq!(ranking.alternatives[0].model, gpt());
    assert!(ranking.excluded.iter().any(|e| e.model == gemini));
    assert!(matches!(
        core.set_fallback_order(vec![ModelRef::new("openai", "gpt-9")])
            .await,
        Err(AssistantError::UnknownModel(_))
    ));
    core.shutdown().await;
}

#[tokio::test]
async fn the_workspace_fallback_order_comes_first() {
    let w = World::new().await;
    let policy = w.dir.path().join("policy.json");
    std::fs::write(
        &policy,
        r#"{"fallback_order": ["gemini/gemini-2.5-flash"]}"#,
    )
    .unwrap();
    std::fs::write(
        w.dir.path().join("config.toml"),
        format!(
            "{}\n[workspace]\npolicy = \"{}\"\n",
            w.sim.config_toml(),
            policy.display()
        ),
    )
    .unwrap();
    let (core, _) = w.core().await;
    assert!(!core.read_policy().await, "the policy was read");
    core.set_fallback_order(vec![gpt()]).await.unwrap();
    open_the_breaker(&w, &core).await;
    let Plan::Ask { ranking, .. } = core
        .plan_send(None, "Hello", &opus(), 256, None)
        .await
        .unwrap()
    else {
        panic!("asked");
    };
    let first: Vec<&ModelRef> = ranking
        .alternatives
        .iter()
        .take(2)
        .map(|a| &a.model)
        .collect();
    assert_eq!(
        first,
        [&ModelRef::new("gemini", "gemini-2.5-flash"), &gpt()],
        "the workspace's order, then the person's"
    );
    core.shutdown().await;
}

/// An incident that is downgraded before it is resolved: the model goes out, then only
/// degraded, then clear — and that is a return, so what waits for it is sent.
#[tokio::test]
async fn a_return_through_degraded_still_sends_what_waits() {
    let scenario = r#"
name = "downgraded"
[[steps]]
at = 0
label = "incident"
[steps.status.anthropic]
components = { "Claude API" = "major_outage" }
[[steps.status.anthropic.incidents]]
id = "inc1"
name = "Elevated errors on Claude Opus 4.7"
impact = "critical"
status = "investigating"
body = "We are investigating elevated errors on Claude Opus 4.7."
components = ["Claude API"]
[[steps]]
at = 60
label = "downgraded"
[steps.status.anthropic]
components = { "Claude API" = "degraded_performance" }
[[steps.status.anthropic.incidents]]
id = "inc1"
impact = "minor"
status = "monitoring"
body = "A fix is in place; Claude Opus 4.7 is recovering."
[[steps]]
at = 120
label = "resolved"
[steps.status.anthropic]
components = { "Claude API" = "operational" }
[[steps.status.anthropic.incidents]]
id = "inc1"
status = "resolved"
body = "This incident has been resolved."
"#;
    let w = World::replaying(scenario).await;
    let (sim, clock) = (&w.sim, &w.clock);
    let (core, mut events) = w
        .core_with(Arc::new(|_: &Provider| Some(Secret::new("sim-key"))), false)
        .await;
    let state = |core: &Core| {
        core.availability()
            .into_iter()
            .find(|a| a.model == opus())
            .unwrap()
            .state
    };
    core.poll_once().await;
    assert_eq!(
        state(&core),
        switchboard_core::vocabulary::AvailabilityState::Unavailable
    );
    core.queue_message(None, "Book the room", &opus())
        .await
        .unwrap();
    sim.advance(Duration::from_secs(61));
    clock.advance(Duration::from_secs(61));
    core.poll_once().await;
    assert_eq!(
        state(&core),
        switchboard_core::vocabulary::AvailabilityState::Degraded
    );
    assert_eq!(
        core.queued().await.unwrap().len(),
        1,
        "degraded is not back"
    );
    sim.advance(Duration::from_secs(60));
    clock.advance(Duration::from_secs(60));
    core.poll_once().await;
    assert!(matches!(
        next_event(&mut events).await,
        FallbackEvent::Back { .. }
    ));
    assert!(matches!(
        next_event(&mut events).await,
        FallbackEvent::QueuedSent { .. }
    ));
    assert!(core.queued().await.unwrap().is_empty());
    core.shutdown().await;
}

#[tokio::test]
async fn a_model_answering_while_its_incident_is_still_open_is_back() {
    let scenario = r#"
name = "answers-before-resolved"
[[steps]]
at = 0
label = "Opus 4.7 fails; Anthropic names it"
[steps.models."anthropic/claude-opus-4-7"]
behaviour = "error"
error = "server_error"
[[steps.status.anthropic.incidents]]
id = "inc1"
name = "Elevated errors on Claude Opus 4.7"
impact = "major"
status = "identified"
body = "We have identified elevated errors on Claude Opus 4.7."
[[steps]]
at = 60
label = "Opus 4.7 recovers; the incident is still open"
models = { "anthropic/claude-opus-4-7" = { behaviour = "ok" } }
"#;
    use switchboard_core::vocabulary::{AvailabilityState, ReasonKind};
    let w = World::replaying(scenario).await;
    let (core, mut events) = w.core().await;
    open_the_breaker(&w, &core).await;
    core.poll_once().await;
    let of = |core: &Core| {
        core.availability()
            .into_iter()
            .find(|a| a.model == opus())
            .unwrap()
    };
    assert_eq!(
        (of(&core).state, of(&core).reason.kind),
        (AvailabilityState::Unavailable, ReasonKind::ProviderIncident)
    );
    // "Use GPT-5 until Claude Opus 4.7 is back", and one message kept for it.
    let stood_in = core
        .send(
            "stand-in",
            None,
            "Plan the offsite",
            &opus(),
            256,
            Choice::StandIn {
                alternative: gpt(),
                scope: ConsentScope::UntilBack,
            },
            &mut |_| {},
        )
        .await
        .unwrap();
    assert_eq!(stood_in.answer.model, Some(gpt()));
    core.queue_message(None, "Book the room", &opus())
        .await
        .unwrap();

    // Opus 4.7 answers the probe while Anthropic's incident still names it.
    w.recover(&core).await;
    let now = of(&core);
    assert_eq!(
        (now.state, now.reason.kind),
        (AvailabilityState::Degraded, ReasonKind::ProviderIncident),
        "the incident is still said: {}",
        now.reason.message
    );
    assert!(
        now.reason.headline.starts_with("Answering"),
        "{}",
        now.reason.headline
    );
    assert_eq!(
        next_event(&mut events).await,
        FallbackEvent::Back {
            model: opus(),
            holding: false
        },
        "answering is back, before the page says resolved"
    );
    assert!(matches!(
        next_event(&mut events).await,
        FallbackEvent::QueuedSent { .. }
    ));
    assert!(core.queued().await.unwrap().is_empty());
    let next = core
        .send(
            "back",
            Some(&stood_in.answer.conversation_id),
            "Thanks",
            &opus(),
            256,
            Choice::Auto,
            &mut |_| {},
        )
        .await
        .unwrap();
    assert_eq!(
        next.answer.model,
        Some(opus()),
        "the consent ended: the next message goes to Opus 4.7"
    );
    core.shutdown().await;
}
