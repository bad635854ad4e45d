//! Properties that hold for any sequence of signals.

use super::*;
use crate::vocabulary::Side;
use crate::vocabulary::{StreamBreak, Transport};
use chrono::TimeZone;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Signal {
    Answered(usize),
    Failed(usize, FailureClass, bool),
    Connectivity(bool),
    Incident(usize, bool),
    Resolve,
    Wait(i64),
}

const MODELS: [(&str, &str); 6] = [
    ("anthropic", "claude-opus-4-7"),
    ("anthropic", "claude-opus-4-8"),
    ("openai", "gpt-5"),
    ("openai", "gpt-5-mini"),
    ("gemini", "gemini-2.5-pro"),
    ("ollama", "llama3.2"),
];

fn class() -> impl Strategy<Value = FailureClass> {
    prop_oneof![
        Just(FailureClass::Reason(ReasonKind::ElevatedErrors)),
        Just(FailureClass::Reason(ReasonKind::Overloaded)),
        Just(FailureClass::Reason(ReasonKind::RateLimited)),
        Just(FailureClass::Reason(ReasonKind::AuthFailed)),
        Just(FailureClass::Reason(ReasonKind::QuotaExhausted)),
        Just(FailureClass::Reason(ReasonKind::ModelRetired)),
        Just(FailureClass::RequestRejected),
        Just(FailureClass::NoAnswer(Transport::Connect)),
        Just(FailureClass::NoAnswer(Transport::Timeout)),
        Just(FailureClass::StreamBroken(StreamBreak::Cut)),
    ]
}

fn signal() -> impl Strategy<Value = Signal> {
    prop_oneof![
        3 => (0..MODELS.len()).prop_map(Signal::Answered),
        5 => (0..MODELS.len(), class(), any::<bool>()).prop_map(|(m, c, h)| Signal::Failed(m, c, h)),
        1 => any::<bool>().prop_map(Signal::Connectivity),
        1 => (0..2usize, any::<bool>()).prop_map(|(m, s)| Signal::Incident(m, s)),
        1 => Just(Signal::Resolve),
        2 => (1..120i64).prop_map(Signal::Wait),
    ]
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 5, 9, 0, 0).unwrap()
}

fn key(i: usize) -> ModelRef {
    ModelRef::new(MODELS[i].0, MODELS[i].1)
}

/// Applies one signal at `now`; returns the provider that gave an HTTP answer, if any.
fn apply(engine: &mut HealthEngine, signal: &Signal, now: DateTime<Utc>) -> Option<String> {
    match signal {
        Signal::Answered(m) => {
            engine.record_attempt(&AttemptRecord {
                model: key(*m),
                at: now,
                attempt: 1,
                outcome: AttemptOutcome::Answered,
                first_text_after: None,
                identity: None,
            });
            Some(MODELS[*m].0.to_string())
        }
        Signal::Failed(m, class, http) => {
            let mut failure = Failure::new(*class);
            let answered = *http && !matches!(class, FailureClass::NoAnswer(_));
            failure.http_status = answered.then_some(500);
            engine.record_attempt(&AttemptRecord {
                model: key(*m),
                at: now,
                attempt: 1,
                outcome: AttemptOutcome::Failed(failure),
                first_text_after: None,
                identity: None,
            });
            answered.then(|| MODELS[*m].0.to_string())
        }
        Signal::Connectivity(up) => {
            engine.record_connectivity(*up, now);
            None
        }
        Signal::Incident(m, severe) => {
            let incident = IncidentEvidence {
                id: "i".into(),
                title: "Elevated errors".into(),
                status: "investigating".into(),
                severe: *severe,
                link: None,
                since: now,
                models: vec![MODELS[*m].1.to_string()],
                all_models: false,
                ..Default::default()
            };
            engine.record_status(
                "anthropic",
                StatusEvidence {
                    incidents: vec![incident],
                    ..Default::default()
                },
                now,
            );
            None
        }
        Signal::Resolve => {
            engine.record_status("anthropic", StatusEvidence::default(), now);
            None
        }
        Signal::Wait(_) => {
            engine.tick(now);
            None
        }
    }
}

fn engine() -> HealthEngine {
    HealthEngine::new(
        Catalog::shipped().unwrap(),
        HealthSettings::default(),
        |_| true,
        Vec::new(),
        t0(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn nothing_changes_without_evidence(waits in proptest::collection::vec(1..600i64, 1..30)) {
        let mut e = engine();
        let mut now = t0();
        for wait in waits {
            now += Duration::seconds(wait);
            prop_assert!(e.tick(now).is_empty(), "time alone changed a state");
        }
    }

    #[test]
    fn never_offline_when_another_cloud_provider_answered_in_the_last_30_s(signals in proptest::collection::vec(signal(), 1..60)) {
        let mut e = engine();
        let mut now = t0();
        let mut answers: Vec<(DateTime<Utc>, String)> = Vec::new();
        for signal in &signals {
            now += match signal { Signal::Wait(s) => Duration::seconds(*s), _ => Duration::seconds(1) };
            // A server on this machine answering proves nothing about the internet.
            if let Some(provider) = apply(&mut e, signal, now).filter(|p| p != "ollama") {
                answers.push((now, provider));
            }
            for a in e.availability() {
                if a.reason.kind == ReasonKind::Offline {
                    let recent = answers.iter().any(|(at, _)| *at >= now - Duration::seconds(30));
                    prop_assert!(!recent, "{} offline although a provider answered within 30 s", a.model);
                }
            }
        }
    }

    #[test]
    fn the_policy_always_wins(signals in proptest::collection::vec(signal(), 0..60)) {
        let mut e = engine();
        let rule = PolicyRule { provider: "anthropic".into(), model: None, message: "Off for now.".into(), until: None };
        e.record_policy(vec![rule], t0());
        let mut now = t0();
        for signal in &signals {
            now += Duration::seconds(1);
            apply(&mut e, signal, now);
            for a in e.availability().iter().filter(|a| a.model.provider == "anthropic") {
                prop_assert_eq!(a.reason.kind, ReasonKind::AdminDisabled);
                prop_assert_eq!(a.state, AvailabilityState::Disabled);
            }
        }
    }

    #[test]
    fn every_state_has_a_message_naming_its_side(signals in proptest::collection::vec(signal(), 0..60)) {
        let mut e = engine();
        let mut now = t0();
        for signal in &signals {
            now += Duration::seconds(1);
            apply(&mut e, signal, now);
        }
        for a in e.availability() {
            let m = &a.reason.message;
            prop_assert!(!a.reason.headline.is_empty() && !m.is_empty());
            prop_assert_eq!(a.reason.side, a.reason.kind.side());
            match a.reason.side {
                Side::Provider => prop_assert!(m.contains("has not changed"), "{}", m),
                Side::YourKey | Side::YourPlan => prop_assert!(m.contains("service itself is working"), "{}", m),
                Side::YourNetwork => prop_assert!(m.contains("may be fine"), "{}", m),
                Side::YourWorkspace => prop_assert!(m.contains("policy"), "{}", m),
                _ => {}
            }
            for banned in ["got worse", "is broken", "is bad"] {
                prop_assert!(!m.contains(banned), "{}", m);
            }
        }
    }
}
