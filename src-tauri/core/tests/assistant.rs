//! Sending messages end to end through the core: the store, the provider client and the
//! simulator. Nothing typed is ever lost.

mod common;

use std::sync::Arc;
use std::time::Duration;
use switchboard_core::assistant::AssistantError;
use switchboard_core::assistant::send::{SendContext, SendEvent, send};
use switchboard_core::catalog::{Catalog, Provider};
use switchboard_core::clock::ManualClock;
use switchboard_core::health::connectivity::ConnectivityCheck;
use switchboard_core::providers::client::http_client;
use switchboard_core::providers::keys::{KeyLookup, Secret};
use switchboard_core::providers::retry::RetryPolicy;
use switchboard_core::providers::{Timeouts, Unobserved};
use switchboard_core::store::{MessageStatus, Store};
use switchboard_core::vocabulary::ModelRef;
use switchboard_core::vocabulary::PolicyRule;
use switchboard_core::vocabulary::ReasonKind;
use switchboard_core::vocabulary::{Ending, Role};
use switchboard_sim::{Scenario, Simulator, stubs};
use tokio_util::sync::CancellationToken;

struct World {
    sim: Simulator,
    catalog: Catalog,
    store: Store,
    clock: ManualClock,
    http: reqwest::Client,
    /// The other providers of the simulator, asked when one gets no answer.
    network: ConnectivityCheck,
    /// The workspace policy in force.
    policy: Vec<PolicyRule>,
}

async fn world(models: &str) -> World {
    let text = format!("name = \"t\"\n[[steps]]\nat = 0\nlabel = \"t\"\n{models}");
    let sim = common::simulator(Scenario::from_toml(&text).unwrap()).await;
    let catalog = common::catalog_at(&sim);
    World {
        sim,
        store: Store::in_memory().await.unwrap(),
        clock: ManualClock::new(chrono::Utc::now()),
        network: ConnectivityCheck::new(
            http_client(&Timeouts::default()),
            &catalog,
            &[],
            std::time::Duration::from_secs(1),
        ),
        catalog,
        http: http_client(&Timeouts::default()),
        policy: Vec::new(),
    }
}

fn with_key(_: &Provider) -> Option<Secret> {
    Some(Secret::new("sk-sim"))
}

fn no_key(_: &Provider) -> Option<Secret> {
    None
}

impl World {
    fn ctx<'a>(&'a self, key_for: &'a KeyLookup) -> SendContext<'a> {
        SendContext {
            store: &self.store,
            catalog: &self.catalog,
            http: &self.http,
            key_for,
            observer: &Unobserved,
            network: &self.network,
            policy: &self.policy,
            clock: Arc::new(self.clock.clone()),
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            max_tokens: switchboard_core::assistant::send::DEFAULT_MAX_TOKENS,
            stand_in: None,
            question_id: None,
        }
    }
}

fn opus() -> ModelRef {
    ModelRef::new("anthropic", "claude-opus-4-7")
}

#[tokio::test]
async fn an_answer_is_stored_whole_and_the_draft_cleared() {
    let w = world("").await;
    let mut events = Vec::new();
    let outcome = send(
        &w.ctx(&with_key),
        None,
        "Name a river",
        &opus(),
        CancellationToken::new(),
        &mut |e| events.push(e),
    )
    .await
    .unwrap();
    assert_eq!(outcome.answer.status, MessageStatus::Complete);
    assert!(outcome.reason.is_none());
    let conversation = &w.store.conversations().await.unwrap()[0];
    assert_eq!(conversation.title, "Name a river");
    let messages = w.store.messages(&conversation.id).await.unwrap();
    assert_eq!(messages.len(), 2);
    assert_eq!(
        (messages[0].role, messages[0].status),
        (Role::User, MessageStatus::Sent)
    );
    assert_eq!(
        messages[1].text,
        stubs::answer_text("claude-opus-4-7", "Name a river")
    );
    assert_eq!(
        messages[1].model,
        Some(opus()),
        "labelled with the model that wrote it"
    );
    assert_eq!(
        messages[1].ending,
        Some(Ending::Complete),
        "how it ended is stored with it"
    );
    assert_eq!(w.store.draft(&conversation.id).await.unwrap(), "");
    assert!(matches!(events.first(), Some(SendEvent::Started { .. })));
    assert!(matches!(events.last(), Some(SendEvent::Finished { .. })));

    // The next message in the same conversation carries the history.
    let again = send(
        &w.ctx(&with_key),
        Some(&conversation.id),
        "And another",
        &opus(),
        CancellationToken::new(),
        &mut |_| {},
    )
    .await
    .unwrap();
    assert_eq!(again.answer.conversation_id, conversation.id);
    assert_eq!(w.store.messages(&conversation.id).await.unwrap().len(), 4);
}

#[tokio::test]
async fn a_failed_request_keeps_the_text_as_a_draft_and_says_why() {
    let w = world("[steps.models.\"anthropic/claude-opus-4-7\"]\nbehaviour = \"error\"\nerror = \"overloaded\"\n").await;
    let mut restored = None;
    let outcome = send(
        &w.ctx(&with_key),
        None,
        "Summarise the report",
        &opus(),
        CancellationToken::new(),
        &mut |e| {
            if let SendEvent::Failed { restore_text, .. } = e {
                restored = Some(restore_text);
            }
        },
    )
    .await
    .unwrap();
    assert_eq!(restored.as_deref(), Some("Summarise the report"));
    let reason = outcome.reason.expect("a reason");
    assert_eq!(reason.kind, ReasonKind::Overloaded);
    assert!(reason.message.contains("the model itself has not changed"));
    let conversation = &w.store.conversations().await.unwrap()[0];
    let messages = w.store.messages(&conversation.id).await.unwrap();
    assert_eq!(messages[0].status, MessageStatus::Failed);
    assert_eq!(
        messages[0].text, "Summarise the report",
        "the question is kept"
    );
    assert_eq!(messages[1].status, MessageStatus::Failed);
    assert!(
        messages[1].failure.is_some(),
        "the provider's words are kept for the details"
    );
    assert_eq!(
        w.store.draft(&conversation.id).await.unwrap(),
        "Summarise the report"
    );
}

#[tokio::test]
async fn a_cut_stream_is_stored_as_incomplete_with_its_text() {
    let w = world(
        "[steps.models.\"anthropic/claude-opus-4-7\"]\nbehaviour = \"cut\"\nafter_tokens = 5\n",
    )
    .await;
    let outcome = send(
        &w.ctx(&with_key),
        None,
        "Tell me a story",
        &opus(),
        CancellationToken::new(),
        &mut |_| {},
    )
    .await
    .unwrap();
    assert_eq!(outcome.answer.status, MessageStatus::Incomplete);
    let stored = w
        .store
        .messages(&outcome.answer.conversation_id)
        .await
        .unwrap();
    assert_eq!(stored[1].text, outcome.answer.text);
    assert!(stubs::answer_text("claude-opus-4-7", "Tell me a story").starts_with(&stored[1].text));
    assert!(!stored[1].text.is_empty());
    assert_eq!(
        stored[0].status,
        MessageStatus::Sent,
        "the question got a (partial) answer"
    );
}

#[tokio::test]
async fn stopping_keeps_what_arrived_and_the_question() {
    let w =
        world("[steps.models.\"anthropic/claude-opus-4-7\"]\nbehaviour = \"ok\"\nchunk_ms = 200\n")
            .await;
    let cancel = CancellationToken::new();
    let stop = cancel.clone();
    let mut shown = String::new();
    let outcome = send(
        &w.ctx(&with_key),
        None,
        "Write an essay",
        &opus(),
        cancel,
        &mut |e| {
            if let SendEvent::Text { chunk, .. } = e {
                shown.push_str(&chunk);
                stop.cancel();
            }
        },
    )
    .await
    .unwrap();
    assert_eq!(outcome.answer.status, MessageStatus::Cancelled);
    let stored = w
        .store
        .messages(&outcome.answer.conversation_id)
        .await
        .unwrap();
    assert_eq!(stored[1].text, shown, "everything shown was saved");
    assert!(!shown.is_empty());
}

#[tokio::test]
async fn without_a_key_nothing_is_sent_or_stored_and_the_person_is_told_what_to_do() {
    let w = world("").await;
    let error = send(
        &w.ctx(&no_key),
        None,
        "hello",
        &opus(),
        CancellationToken::new(),
        &mut |_| {},
    )
    .await
    .unwrap_err();
    match error {
        AssistantError::NotConfigured(reason) => {
            assert_eq!(reason.headline, "Add an Anthropic API key to use Claude")
        }
        other => panic!("expected NotConfigured, got {other:?}"),
    }
    assert!(w.store.conversations().await.unwrap().is_empty());
    assert!(matches!(
        send(
            &w.ctx(&with_key),
            None,
            "   ",
            &opus(),
            CancellationToken::new(),
            &mut |_| {}
        )
        .await,
        Err(AssistantError::EmptyMessage)
    ));
}

/// No answer at all: the reason waits for the connectivity check — the other providers'
/// endpoints, never the failing one — and says whose side it is; never "not yet known".
#[tokio::test]
async fn no_answer_is_said_after_the_connectivity_check() {
    let mut w = world("").await;
    // Nothing listens on port 9 of this machine: Anthropic gets no answer.
    let anthropic = w
        .catalog
        .providers
        .iter_mut()
        .find(|p| p.id == "anthropic")
        .unwrap();
    anthropic.base_url = "http://127.0.0.1:9".into();
    anthropic.status_url = None;
    let retry = RetryPolicy {
        max_retries: 0,
        ..RetryPolicy::default()
    };
    let checks = [
        // The simulator answers for OpenAI, Gemini and Ollama: the network is up.
        (
            ConnectivityCheck::new(w.http.clone(), &w.catalog, &[], Duration::from_secs(1)),
            ReasonKind::ElevatedErrors,
            "so your connection is working",
        ),
        // Every other target is closed too: offline.
        (
            ConnectivityCheck::new(
                w.http.clone(),
                &closed(&w.catalog),
                &["http://127.0.0.1:9/ping".into()],
                Duration::from_secs(1),
            ),
            ReasonKind::Offline,
            "You appear to be offline",
        ),
    ];
    for (network, kind, words) in checks {
        let ctx = SendContext {
            network: &network,
            retry: retry.clone(),
            ..w.ctx(&with_key)
        };
        let outcome = send(
            &ctx,
            None,
            "hi",
            &opus(),
            CancellationToken::new(),
            &mut |_| {},
        )
        .await
        .unwrap();
        let reason = outcome.reason.expect("a reason");
        assert_eq!(reason.kind, kind, "{}", reason.message);
        assert!(reason.message.contains(words), "{}", reason.message);
        assert!(
            !reason.message.contains("not yet known"),
            "{}",
            reason.message
        );
    }
}

/// `catalog` with every provider's endpoints on a closed local port.
fn closed(catalog: &Catalog) -> Catalog {
    let mut closed = catalog.clone();
    for provider in &mut closed.providers {
        provider.base_url = "http://127.0.0.1:9".into();
        provider.status_url = None;
    }
    closed
}

/// The workspace policy holds at send: a model it turns off gets no request — not even one
/// that would be answered — and the person reads the admin's words, their text untouched.
#[tokio::test]
async fn nothing_is_sent_to_a_model_the_workspace_turned_off() {
    let mut w = world("").await;
    w.policy = vec![PolicyRule {
        provider: "anthropic".into(),
        model: None,
        message: "Anthropic is having an outage; we'll turn them back on once it's resolved."
            .into(),
        until: None,
    }];
    let error = send(
        &w.ctx(&with_key),
        None,
        "Summarise the report",
        &opus(),
        CancellationToken::new(),
        &mut |_| {},
    )
    .await
    .expect_err("turned off");
    let AssistantError::TurnedOff(reason) = error else {
        panic!("the policy's refusal, not {error:?}");
    };
    assert_eq!(reason.kind, ReasonKind::AdminDisabled);
    assert!(
        reason.message.contains("we'll turn them back on"),
        "{}",
        reason.message
    );
    assert!(
        w.sim.requests().is_empty(),
        "no request left this machine for a turned-off model: {:?}",
        w.sim.requests()
    );
    assert!(
        w.store.conversations().await.unwrap().is_empty(),
        "nothing half-sent is left behind"
    );
    // Another provider is untouched by a rule about Anthropic.
    let outcome = send(
        &w.ctx(&with_key),
        None,
        "Summarise the report",
        &ModelRef::new("openai", "gpt-5"),
        CancellationToken::new(),
        &mut |_| {},
    )
    .await
    .unwrap();
    assert!(outcome.reason.is_none());
}

/// An answer stopped at the length limit is kept as far as it went, stored as ending there,
/// and is no failure: the person is offered to continue, not told the model is down.
#[tokio::test]
async fn an_answer_at_the_length_limit_is_stored_as_such() {
    let w = world("").await;
    let ctx = SendContext {
        max_tokens: 3,
        ..w.ctx(&with_key)
    };
    let outcome = send(
        &ctx,
        None,
        "Name a river",
        &opus(),
        CancellationToken::new(),
        &mut |_| {},
    )
    .await
    .unwrap();
    assert!(outcome.reason.is_none(), "{:?}", outcome.reason);
    let conversation = &w.store.conversations().await.unwrap()[0];
    let stored = &w.store.messages(&conversation.id).await.unwrap()[1];
    assert_eq!(stored.ending, Some(Ending::LengthLimit));
    assert_eq!(stored.status, MessageStatus::Complete);
    let whole = stubs::answer_text("claude-opus-4-7", "Name a river");
    assert!(
        !stored.text.is_empty() && whole.starts_with(&stored.text) && stored.text != whole,
        "the start of the answer: {:?}",
        stored.text
    );
}
