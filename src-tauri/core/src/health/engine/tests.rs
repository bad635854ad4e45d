//! The state machine with time passed in: no test sleeps.

use super::*;
use crate::vocabulary::Side;
use crate::vocabulary::{StreamBreak, Transport};
use chrono::TimeZone;
use std::time::Duration as StdDuration;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 5, 9, 0, 0).unwrap()
}

fn secs(n: i64) -> DateTime<Utc> {
    t0() + Duration::seconds(n)
}

fn opus() -> ModelRef {
    ModelRef::new("anthropic", "claude-opus-4-7")
}

fn opus48() -> ModelRef {
    ModelRef::new("anthropic", "claude-opus-4-8")
}

fn gpt5() -> ModelRef {
    ModelRef::new("openai", "gpt-5")
}

/// Every provider has a key.
fn engine() -> HealthEngine {
    HealthEngine::new(
        Catalog::shipped().unwrap(),
        HealthSettings::default(),
        |_| true,
        Vec::new(),
        t0(),
    )
}

fn ok(model: &ModelRef, at: DateTime<Utc>) -> AttemptRecord {
    AttemptRecord {
        model: model.clone(),
        at,
        attempt: 1,
        outcome: AttemptOutcome::Answered,
        first_text_after: None,
        identity: None,
    }
}

fn failed(
    model: &ModelRef,
    at: DateTime<Utc>,
    class: FailureClass,
    status: Option<u16>,
) -> AttemptRecord {
    let mut failure = Failure::new(class);
    failure.http_status = status;
    AttemptRecord {
        model: model.clone(),
        at,
        attempt: 1,
        outcome: AttemptOutcome::Failed(failure),
        first_text_after: None,
        identity: None,
    }
}

fn server_error(model: &ModelRef, at: DateTime<Utc>) -> AttemptRecord {
    failed(
        model,
        at,
        FailureClass::Reason(ReasonKind::ElevatedErrors),
        Some(500),
    )
}

/// Anthropic's June post: a severe incident naming Opus 4.7 and Opus 4.8, from 09:00:01.
fn opus_incident() -> IncidentEvidence {
    IncidentEvidence {
        id: "inc1".into(),
        title: "Elevated errors on Claude Opus 4.7 and Opus 4.8".into(),
        status: "investigating".into(),
        severe: true,
        link: Some("https://stspg.io/x".into()),
        since: secs(1),
        models: vec!["claude-opus-4-7".into(), "claude-opus-4-8".into()],
        all_models: false,
        ..Default::default()
    }
}

fn state(e: &HealthEngine, m: &ModelRef) -> (AvailabilityState, ReasonKind) {
    let a = e.get(m).unwrap();
    (a.state, a.reason.kind)
}

#[test]
fn it_starts_from_configuration_and_the_last_known_state() {
    let catalog = Catalog::shipped().unwrap();
    let remembered = ModelAvailability {
        model: gpt5(),
        state: AvailabilityState::Available,
        reason: message::healthy(
            catalog.provider("openai").unwrap(),
            catalog.model("openai", "gpt-5").unwrap(),
            t0(),
            None,
            &crate::clock::LocalTimes::new(crate::clock::Zone::UTC, t0()),
        ),
        since: Some(t0()),
        next_check: None,
        stale: false,
        evidence: Default::default(),
    };
    let e = HealthEngine::new(
        catalog,
        HealthSettings::default(),
        |p| p.id == "openai",
        vec![remembered],
        secs(60),
    );
    assert_eq!(
        state(&e, &opus()),
        (AvailabilityState::Disabled, ReasonKind::NotConfigured)
    );
    let gpt = e.get(&gpt5()).unwrap();
    assert_eq!(
        gpt.state,
        AvailabilityState::Available,
        "the last known state is shown at once"
    );
    assert!(gpt.stale, "marked stale until refreshed");
    assert_eq!(
        state(&e, &ModelRef::new("ollama", "llama3.2")),
        (AvailabilityState::Unknown, ReasonKind::Unknown)
    );
}

#[test]
fn a_success_makes_a_model_available_with_one_transition() {
    let mut e = engine();
    let transitions = e.record_attempt(&ok(&opus(), secs(1)));
    assert_eq!(transitions.len(), 1);
    assert_eq!(transitions[0].model, opus());
    assert_eq!(transitions[0].from, AvailabilityState::Unknown);
    assert_eq!(transitions[0].to.state, AvailabilityState::Available);
    assert!(
        e.record_attempt(&ok(&opus(), secs(2))).is_empty(),
        "no change, no event"
    );
}

#[test]
fn three_consecutive_server_failures_open_the_breaker_two_do_not() {
    let mut e = engine();
    e.record_attempt(&ok(&opus(), secs(0)));
    e.record_attempt(&server_error(&opus(), secs(1)));
    e.record_attempt(&server_error(&opus(), secs(2)));
    assert_eq!(
        state(&e, &opus()),
        (AvailabilityState::Degraded, ReasonKind::ElevatedErrors),
        "two failures are said, but do not open the breaker"
    );
    assert!(e.allows_request(&opus(), secs(2)));
    let transitions = e.record_attempt(&server_error(&opus(), secs(3)));
    assert_eq!(transitions.len(), 1);
    let a = e.get(&opus()).unwrap();
    assert_eq!(
        (a.state, a.reason.kind),
        (AvailabilityState::Unavailable, ReasonKind::ElevatedErrors)
    );
    assert_eq!(a.reason.side, Side::Provider);
    assert!(
        a.reason.message.contains("3 attempts"),
        "{}",
        a.reason.message
    );
    assert!(
        a.reason
            .message
            .contains("the model itself has not changed")
    );
    assert_eq!(a.since, Some(secs(1)), "since the first failure");
    assert_eq!(
        a.evidence.own_failures, 3,
        "the evidence counts the failures"
    );
    assert_eq!(
        a.evidence.last_failure.as_ref().and_then(|f| f.http_status),
        Some(500),
        "and keeps the last one"
    );
    assert_eq!(a.evidence.last_success, Some(secs(0)));
    assert_eq!(a.next_check, Some(secs(33)), "probed after 30 s");
    assert!(
        a.reason
            .message
            .contains("It is checked again at 09:00:33."),
        "says when it is looked at again: {}",
        a.reason.message
    );
    assert_eq!(
        state(&e, &opus48()).0,
        AvailabilityState::Unknown,
        "per model, not per provider"
    );
}

#[test]
fn overloaded_answers_say_overloaded() {
    let mut e = engine();
    for i in 0..3 {
        e.record_attempt(&failed(
            &opus(),
            secs(i),
            FailureClass::Reason(ReasonKind::Overloaded),
            Some(529),
        ));
    }
    assert_eq!(
        state(&e, &opus()),
        (AvailabilityState::Unavailable, ReasonKind::Overloaded)
    );
}

#[test]
fn alternating_results_are_degraded_once_and_never_flap() {
    let mut e = engine();
    let mut transitions = e.record_attempt(&ok(&opus(), secs(0)));
    for i in 1..40 {
        let attempt = if i % 2 == 0 {
            ok(&opus(), secs(i))
        } else {
            server_error(&opus(), secs(i))
        };
        transitions.extend(e.record_attempt(&attempt));
    }
    assert_eq!(
        transitions.iter().map(|t| t.to.state).collect::<Vec<_>>(),
        vec![AvailabilityState::Available, AvailabilityState::Degraded],
        "the first success, then the first failure; nothing after"
    );
    let a = e.get(&opus()).unwrap();
    assert_eq!(a.state, AvailabilityState::Degraded);
    assert!(
        a.reason
            .message
            .contains("20 of this app's last 39 attempts"),
        "{}",
        a.reason.message
    );
    assert!(
        e.allows_request(&opus(), secs(40)),
        "the breaker never opened"
    );
}

#[test]
fn a_failed_attempt_its_retry_made_good_is_said_at_once_and_passes_with_steady_answers() {
    let mut e = engine();
    e.record_attempt(&ok(&opus(), secs(0)));
    e.record_status("anthropic", StatusEvidence::default(), secs(5));
    // One send: the first attempt fails, its retry answers.
    let said = e.record_attempt(&server_error(&opus(), secs(60)));
    assert_eq!(
        said.len(),
        1,
        "said with the failed attempt, before its retry"
    );
    e.record_attempt(&ok(&opus(), secs(61)));
    let a = e.get(&opus()).unwrap();
    assert_eq!(
        (a.state, a.reason.kind, a.reason.side),
        (
            AvailabilityState::Degraded,
            ReasonKind::ElevatedErrors,
            Side::Provider
        )
    );
    assert_eq!(a.since, Some(secs(60)), "since the failure");
    assert_eq!(
        a.reason.headline,
        "Answering, with some server errors at Anthropic"
    );
    let m = &a.reason.message;
    for part in [
        "Claude Opus 4.7 is answering (last answer at 09:01)",
        "this app's last 2 attempts",
        "1 of",
        "at 09:01:00",
        "Anthropic's status page says nothing about it (read at 09:00)",
        "the model itself has not changed",
        "Source: Anthropic's answers to this app's own requests since 09:01",
        "after 3 answers in a row, or at 09:06",
    ] {
        assert!(m.contains(part), "{part:?} in {m}");
    }
    assert_eq!(a.next_check, Some(secs(360)), "steady by five minutes on");

    // Two more answers make three in a row: steady again.
    e.record_attempt(&ok(&opus(), secs(90)));
    assert_eq!(state(&e, &opus()).0, AvailabilityState::Degraded);
    let back = e.record_attempt(&ok(&opus(), secs(120)));
    assert_eq!(back.len(), 1);
    assert_eq!(state(&e, &opus()).0, AvailabilityState::Available);

    // Or five minutes without another failure, with nothing sent meanwhile.
    e.record_attempt(&server_error(&opus(), secs(200)));
    e.record_attempt(&ok(&opus(), secs(201)));
    assert!(e.tick(secs(499)).is_empty(), "still within five minutes");
    let steady = e.tick(secs(500));
    assert_eq!(
        steady.iter().map(|t| t.to.state).collect::<Vec<_>>(),
        vec![AvailabilityState::Available]
    );
}

#[test]
fn an_overloaded_attempt_answered_on_retry_says_overloaded_and_a_probe_after_the_breaker_closes_it()
{
    let mut e = engine();
    e.record_attempt(&failed(
        &opus(),
        secs(0),
        FailureClass::Reason(ReasonKind::Overloaded),
        Some(529),
    ));
    let a = e.get(&opus()).unwrap();
    assert_eq!(
        (a.state, a.reason.kind),
        (AvailabilityState::Degraded, ReasonKind::Overloaded)
    );
    assert!(
        a.reason
            .message
            .starts_with("Claude Opus 4.7 has not answered yet: this app's last attempt"),
        "never claims an answer it has not had: {}",
        a.reason.message
    );
    // The breaker opens; its probe answers: the outage is over, not merely unsteady.
    for i in 1..3 {
        e.record_attempt(&server_error(&opus(), secs(i)));
    }
    assert_eq!(state(&e, &opus()).0, AvailabilityState::Unavailable);
    let probe = e.next_probe_at().unwrap();
    e.record_attempt(&ok(&opus(), probe));
    assert_eq!(state(&e, &opus()).0, AvailabilityState::Available);
}

#[test]
fn a_model_answering_during_a_maintenance_that_names_it_is_degraded_and_back() {
    let mut e = engine();
    let maintenance = IncidentEvidence {
        id: "mnt1".into(),
        title: "Scheduled maintenance on Claude Opus 4.7 and Opus 4.8".into(),
        status: "in_progress".into(),
        severe: false,
        ..opus_incident()
    };
    e.record_status(
        "anthropic",
        StatusEvidence {
            maintenances: vec![maintenance],
            ..Default::default()
        },
        secs(5),
    );
    assert_eq!(
        state(&e, &opus()),
        (AvailabilityState::Unavailable, ReasonKind::Maintenance),
        "named by planned work, and not heard from since it began"
    );
    e.record_attempt(&ok(&opus(), secs(30)));
    let a = e.get(&opus()).unwrap();
    assert_eq!(
        (a.state, a.reason.kind),
        (AvailabilityState::Degraded, ReasonKind::Maintenance),
        "it answers through the maintenance, which is still said"
    );
    assert!(a.answering(), "back, for a fallback's return: {a:#?}");
    assert!(
        a.reason
            .headline
            .starts_with("Answering during scheduled maintenance at Anthropic"),
        "{}",
        a.reason.headline
    );
    assert!(
        a.reason.message.contains("so you can use it")
            && a.reason
                .message
                .contains("the model itself has not changed"),
        "{}",
        a.reason.message
    );
    // Opus 4.8 has not answered: the page's word stands for it.
    assert_eq!(
        state(&e, &opus48()),
        (AvailabilityState::Unavailable, ReasonKind::Maintenance)
    );
    // Its requests failing again during it: unavailable, explained by the maintenance.
    for i in 31..34 {
        e.record_attempt(&server_error(&opus(), secs(i)));
    }
    assert_eq!(
        state(&e, &opus()),
        (AvailabilityState::Unavailable, ReasonKind::Maintenance)
    );
}

#[test]
fn a_model_answering_again_while_an_incident_still_names_it_is_degraded_not_unavailable() {
    let mut e = engine();
    for i in 0..3 {
        e.record_attempt(&server_error(&opus(), secs(i)));
    }
    let incident = IncidentEvidence {
        status: "identified".into(),
        ..opus_incident()
    };
    e.record_status(
        "anthropic",
        StatusEvidence {
            incidents: vec![incident.clone()],
            ..Default::default()
        },
        secs(5),
    );
    assert_eq!(
        state(&e, &opus()),
        (AvailabilityState::Unavailable, ReasonKind::ProviderIncident)
    );
    // The probe answers while the incident is still open.
    let probe = e.next_probe_at().unwrap();
    let back = e.record_attempt(&ok(&opus(), probe));
    assert_eq!(back.len(), 1);
    let a = e.get(&opus()).unwrap();
    assert_eq!(
        (a.state, a.reason.kind),
        (AvailabilityState::Degraded, ReasonKind::ProviderIncident),
        "it answers; the incident is still said"
    );
    assert!(
        a.reason
            .headline
            .starts_with("Answering; Anthropic's incident is still open"),
        "{}",
        a.reason.headline
    );
    assert!(
        a.reason
            .message
            .contains("answered again (last answer at 09:00)"),
        "{}",
        a.reason.message
    );
    assert!(
        a.reason
            .message
            .contains("the model itself has not changed")
    );
    assert!(e.allows_request(&opus(), probe), "requests go to it again");
    // Opus 4.8 has not answered since: the page's word stands for it.
    assert_eq!(
        state(&e, &opus48()),
        (AvailabilityState::Unavailable, ReasonKind::ProviderIncident)
    );
    // A page whose clock runs ahead of this machine's: the incident began, at the latest,
    // when this app first read it, so the probe's answer still counts as since.
    let mut ahead = engine();
    for i in 0..3 {
        ahead.record_attempt(&server_error(&opus(), secs(i)));
    }
    let posted_in_the_future = || StatusEvidence {
        incidents: vec![IncidentEvidence {
            since: secs(600),
            ..incident.clone()
        }],
        ..Default::default()
    };
    ahead.record_status("anthropic", posted_in_the_future(), secs(5));
    ahead.record_status("anthropic", posted_in_the_future(), secs(25));
    assert_eq!(ahead.get(&opus()).unwrap().since, Some(secs(0)));
    ahead.record_attempt(&ok(&opus(), probe));
    ahead.tick(secs(200));
    assert_eq!(
        state(&ahead, &opus()),
        (AvailabilityState::Degraded, ReasonKind::ProviderIncident),
        "answered after the first reading, however far ahead the page's clock"
    );
    // An answer from before the incident outweighs nothing.
    let mut fresh = engine();
    fresh.record_attempt(&ok(&opus(), secs(0)));
    fresh.record_status(
        "anthropic",
        StatusEvidence {
            incidents: vec![incident],
            ..Default::default()
        },
        secs(5),
    );
    assert_eq!(
        state(&fresh, &opus()),
        (AvailabilityState::Unavailable, ReasonKind::ProviderIncident)
    );
}

#[test]
fn the_cooldown_escalates_and_one_successful_probe_closes_it() {
    let mut e = engine();
    for i in 0..3 {
        e.record_attempt(&server_error(&opus(), secs(i)));
    }
    assert!(!e.allows_request(&opus(), secs(10)), "open: no requests");
    assert!(e.due_probes(secs(31)).is_empty());
    assert_eq!(e.due_probes(secs(32)), vec![opus()]);
    assert!(e.allows_request(&opus(), secs(32)), "half-open: one probe");

    e.record_attempt(&server_error(&opus(), secs(32)));
    assert_eq!(e.next_probe_at(), Some(secs(92)), "tripped twice: 60 s");
    e.record_attempt(&server_error(&opus(), secs(92)));
    assert_eq!(e.next_probe_at(), Some(secs(182)), "three times: 90 s");
    for n in 0..10 {
        let at = e.next_probe_at().unwrap();
        e.record_attempt(&server_error(&opus(), at));
        let _ = n;
    }
    let at = e.next_probe_at().unwrap();
    let before = e.get(&opus()).unwrap().since;
    e.record_attempt(&server_error(&opus(), at));
    assert_eq!(
        e.next_probe_at().unwrap() - at,
        Duration::seconds(300),
        "capped at 300 s"
    );
    assert_eq!(
        e.get(&opus()).unwrap().since,
        before,
        "the same episode keeps its start"
    );

    let transitions = e.record_attempt(&ok(&opus(), e.next_probe_at().unwrap()));
    assert_eq!(transitions.len(), 1);
    assert_eq!(state(&e, &opus()).0, AvailabilityState::Available);
    assert_eq!(e.next_probe_at(), None, "closed");
}

#[test]
fn the_status_page_resolving_an_incident_triggers_a_probe_at_once() {
    let mut e = engine();
    for i in 0..3 {
        e.record_attempt(&server_error(&opus(), secs(i)));
    }
    let incident = opus_incident();
    e.record_status(
        "anthropic",
        StatusEvidence {
            incidents: vec![incident],
            ..Default::default()
        },
        secs(5),
    );
    let a = e.get(&opus()).unwrap();
    assert_eq!(
        a.reason.kind,
        ReasonKind::ProviderIncident,
        "the page corroborates: it names the incident"
    );
    assert!(
        a.reason
            .message
            .contains("This app's own requests to it are failing too")
    );
    assert!(a.reason.message.contains("https://stspg.io/x"));
    assert_eq!(
        a.evidence.incident.as_ref().and_then(|i| i.link.as_deref()),
        Some("https://stspg.io/x"),
        "the incident and its link are in the evidence"
    );
    assert_eq!(
        state(&e, &opus48()),
        (AvailabilityState::Unavailable, ReasonKind::ProviderIncident)
    );
    assert_eq!(
        state(&e, &ModelRef::new("anthropic", "claude-sonnet-4-6")).1,
        ReasonKind::Unknown,
        "not named, not covered"
    );

    e.record_status("anthropic", StatusEvidence::default(), secs(10));
    assert_eq!(
        e.due_probes(secs(10)),
        vec![opus()],
        "resolved: probe now, not in 30 s"
    );
}

#[test]
fn a_minor_incident_alone_is_degraded_and_an_unreadable_page_keeps_the_last_reading() {
    let mut e = engine();
    e.record_attempt(&ok(&gpt5(), secs(0)));
    let incident = IncidentEvidence {
        id: "i".into(),
        title: "Increased latency for Chat Completions".into(),
        status: "identified".into(),
        severe: false,
        link: None,
        since: secs(5),
        models: vec![],
        all_models: true,
        ..Default::default()
    };
    e.record_status(
        "openai",
        StatusEvidence {
            incidents: vec![incident],
            ..Default::default()
        },
        secs(6),
    );
    assert_eq!(
        state(&e, &gpt5()),
        (AvailabilityState::Degraded, ReasonKind::ProviderIncident)
    );
    let transitions = e.record_status(
        "openai",
        StatusEvidence {
            unreadable: Some("it answered with a web page".into()),
            ..Default::default()
        },
        secs(70),
    );
    assert!(
        transitions.is_empty(),
        "an unreadable page is never an outage, nor an all-clear"
    );
    assert_eq!(state(&e, &gpt5()).1, ReasonKind::ProviderIncident);
}

#[test]
fn the_workspace_policy_wins_over_everything_until_it_ends() {
    let mut e = engine();
    e.record_attempt(&ok(&opus(), secs(0)));
    e.record_attempt(&ok(&gpt5(), secs(0)));
    let rule = PolicyRule {
        provider: "anthropic".into(),
        model: None,
        message: "Anthropic is having an outage; we'll turn them back on once it's resolved."
            .into(),
        until: Some(secs(600)),
    };
    let transitions = e.record_policy(vec![rule], secs(10));
    let anthropic_models = Catalog::shipped().unwrap().models_of("anthropic").count();
    assert_eq!(
        transitions.len(),
        anthropic_models,
        "every Anthropic model, no other"
    );
    let a = e.get(&opus()).unwrap();
    assert_eq!(
        (a.state, a.reason.kind),
        (AvailabilityState::Disabled, ReasonKind::AdminDisabled)
    );
    assert!(a.reason.message.contains("we'll turn them back on"));
    assert!(
        a.reason
            .message
            .contains("not a problem with Anthropic's service")
    );
    e.record_attempt(&ok(&opus(), secs(20)));
    assert_eq!(
        state(&e, &opus()).1,
        ReasonKind::AdminDisabled,
        "a success does not override the admin"
    );
    assert_eq!(state(&e, &gpt5()).0, AvailabilityState::Available);
    e.tick(secs(601));
    assert_eq!(
        state(&e, &opus()).0,
        AvailabilityState::Available,
        "back once the policy ends"
    );
}

#[test]
fn no_answer_is_offline_only_when_the_connectivity_check_fails_and_nobody_answered() {
    let mut e = engine();
    e.record_attempt(&failed(
        &opus(),
        secs(0),
        FailureClass::NoAnswer(Transport::Connect),
        None,
    ));
    assert!(e.needs_connectivity_check());
    assert_eq!(
        state(&e, &opus()).1,
        ReasonKind::Unknown,
        "no blame before the check"
    );
    e.record_connectivity(false, secs(1));
    let a = e.get(&opus()).unwrap();
    assert_eq!(
        (a.state, a.reason.kind),
        (AvailabilityState::Unavailable, ReasonKind::Offline)
    );
    assert_eq!(a.reason.side, Side::YourNetwork);
    assert!(a.reason.message.contains("service may be fine"));

    // Another provider answered 10 s ago: the network is not to blame.
    let mut e = engine();
    e.record_attempt(&ok(&gpt5(), secs(0)));
    e.record_attempt(&failed(
        &opus(),
        secs(10),
        FailureClass::NoAnswer(Transport::Reset),
        None,
    ));
    e.record_connectivity(false, secs(11));
    assert_ne!(state(&e, &opus()).1, ReasonKind::Offline);
}

#[test]
fn no_answer_with_the_network_up_is_the_providers_side() {
    let mut e = engine();
    for i in 0..3 {
        e.record_attempt(&failed(
            &opus(),
            secs(i * 2),
            FailureClass::NoAnswer(Transport::Timeout),
            None,
        ));
        e.record_connectivity(true, secs(i * 2 + 1));
    }
    assert_eq!(
        state(&e, &opus()),
        (AvailabilityState::Unavailable, ReasonKind::ElevatedErrors),
        "the network answered, so no answer from Anthropic is Anthropic's side"
    );
    let words = &e.get(&opus()).unwrap().reason.message;
    assert!(
        words.contains("so your connection is working") && !words.contains("not yet known"),
        "{words}"
    );
    // The breaker is open on no-answers proven not to be the network's.
    assert!(!e.allows_request(&opus(), secs(10)));
}

#[test]
fn your_side_reasons_say_the_service_is_working_and_rate_limits_pass() {
    let mut e = engine();
    e.record_attempt(&ok(&gpt5(), secs(0)));
    e.record_attempt(&failed(
        &gpt5(),
        secs(5),
        FailureClass::Reason(ReasonKind::AuthFailed),
        Some(401),
    ));
    let a = e.get(&gpt5()).unwrap();
    assert_eq!(
        (a.state, a.reason.kind, a.reason.side),
        (
            AvailabilityState::Unavailable,
            ReasonKind::AuthFailed,
            Side::YourKey
        )
    );
    assert!(a.reason.message.contains("service itself is working"));
    e.record_attempt(&ok(&gpt5(), secs(6)));
    assert_eq!(state(&e, &gpt5()).0, AvailabilityState::Available);

    let mut limited = Failure::new(FailureClass::Reason(ReasonKind::RateLimited));
    limited.retry_after = Some(StdDuration::from_secs(40));
    e.record_attempt(&AttemptRecord {
        model: gpt5(),
        at: secs(10),
        attempt: 1,
        outcome: AttemptOutcome::Failed(limited),
        first_text_after: None,
        identity: None,
    });
    let a = e.get(&gpt5()).unwrap();
    assert_eq!(a.reason.kind, ReasonKind::RateLimited);
    assert_eq!(a.next_check, Some(secs(50)), "until the reset");
    assert!(e.tick(secs(49)).is_empty());
    e.tick(secs(50));
    assert_eq!(
        state(&e, &gpt5()).0,
        AvailabilityState::Available,
        "the limit reset"
    );
}

#[test]
fn a_cut_stream_counts_as_a_server_side_failure() {
    let mut e = engine();
    for i in 0..3 {
        e.record_attempt(&failed(
            &opus(),
            secs(i),
            FailureClass::StreamBroken(StreamBreak::Cut),
            Some(200),
        ));
    }
    assert_eq!(
        state(&e, &opus()),
        (AvailabilityState::Unavailable, ReasonKind::ElevatedErrors)
    );
}

#[test]
fn every_state_has_a_message_naming_its_side_and_when_it_is_checked_again() {
    let mut e = engine();
    e.record_attempt(&ok(&gpt5(), secs(0)));
    for i in 0..3 {
        e.record_attempt(&server_error(&opus(), secs(i)));
    }
    e.record_attempt(&failed(
        &ModelRef::new("gemini", "gemini-2.5-pro"),
        secs(3),
        FailureClass::Reason(ReasonKind::QuotaExhausted),
        Some(429),
    ));
    e.record_policy(
        vec![PolicyRule {
            provider: "ollama".into(),
            model: None,
            message: "Local models are off today.".into(),
            until: None,
        }],
        secs(4),
    );
    for a in e.availability() {
        let m = &a.reason.message;
        assert!(!a.reason.headline.is_empty());
        assert!(
            m.contains("Source:") || m.contains("Not checked yet"),
            "says where the evidence is from: {m}"
        );
        assert!(
            m.contains("again") || m.contains("next time"),
            "says when it is checked again: {m}"
        );
        if a.reason.side == Side::Provider {
            assert!(m.contains("has not changed"), "{m}");
        }
        for banned in ["got worse", "is broken", "is bad"] {
            assert!(!m.contains(banned), "{m}");
        }
    }
}

fn anthropic_list(ids: &[&str], at: DateTime<Utc>) -> ProviderListing {
    ProviderListing {
        provider: "anthropic".into(),
        listed_at: at,
        models: ids
            .iter()
            .map(|id| crate::catalog::live::ListedModel {
                id: id.to_string(),
                display_name: None,
                context_window: None,
                output_limit: None,
                created: None,
                input: Vec::new(),
                can_chat: true,
                retires_on: None,
            })
            .collect(),
    }
}

#[test]
fn a_model_the_provider_stops_listing_is_retired_with_the_nearest_offered() {
    let mut e = engine();
    e.record_attempt(&ok(&opus(), secs(0)));
    let catalog = Catalog::shipped().unwrap();
    let every_but_4_6: Vec<&str> = catalog
        .models_of("anthropic")
        .map(|m| m.id.as_str())
        .filter(|id| *id != "claude-opus-4-6")
        .collect();
    let transitions = e.record_listing(
        anthropic_list(&every_but_4_6, secs(60)),
        Some(secs(60 + 4 * 3600)),
        secs(60),
    );
    let retired = ModelRef::new("anthropic", "claude-opus-4-6");
    assert_eq!(transitions.len(), 1, "only the unlisted model changes");
    assert_eq!(transitions[0].model, retired);
    let a = e.get(&retired).unwrap();
    assert_eq!(
        (a.state, a.reason.kind, a.reason.side, a.reason.source),
        (
            AvailabilityState::Unavailable,
            ReasonKind::ModelRetired,
            Side::ProviderCatalog,
            crate::vocabulary::EvidenceSource::ModelList
        )
    );
    assert!(
        a.reason.message.contains("Claude Opus 5.5 is the nearest"),
        "{}",
        a.reason.message
    );
    assert_eq!(a.next_check, Some(secs(60 + 4 * 3600)));
    assert_eq!(state(&e, &opus()).0, AvailabilityState::Available);
    // Another provider's models are not judged by Anthropic's list.
    assert_eq!(state(&e, &gpt5()).1, ReasonKind::Unknown);
}

#[test]
fn a_success_after_the_list_outweighs_it_and_a_later_list_restores_the_model() {
    let mut e = engine();
    let retired = ModelRef::new("anthropic", "claude-opus-4-6");
    e.record_listing(anthropic_list(&["claude-opus-4-8"], secs(0)), None, secs(0));
    assert_eq!(state(&e, &retired).1, ReasonKind::ModelRetired);
    // The list lagged: the model answered after it was read.
    e.record_attempt(&ok(&retired, secs(10)));
    assert_eq!(state(&e, &retired).0, AvailabilityState::Available);
    // A newer list without it retires it again; a list naming it (as a dated snapshot)
    // brings it back.
    e.record_listing(
        anthropic_list(&["claude-opus-4-8"], secs(20)),
        None,
        secs(20),
    );
    assert_eq!(state(&e, &retired).1, ReasonKind::ModelRetired);
    e.record_listing(
        anthropic_list(&["claude-opus-4-6-20260205"], secs(30)),
        None,
        secs(30),
    );
    assert_eq!(state(&e, &retired).0, AvailabilityState::Available);
}

#[test]
fn a_local_servers_list_retires_nothing_and_no_key_still_comes_first() {
    let mut e = HealthEngine::new(
        Catalog::shipped().unwrap(),
        HealthSettings::default(),
        |p| p.id != "anthropic",
        Vec::new(),
        t0(),
    );
    let mut local = anthropic_list(&[], secs(0));
    local.provider = "ollama".into();
    assert!(e.record_listing(local, None, secs(0)).is_empty());
    assert_eq!(
        state(&e, &ModelRef::new("ollama", "llama3.2")).1,
        ReasonKind::Unknown
    );
    e.record_listing(anthropic_list(&[], secs(0)), None, secs(0));
    assert_eq!(state(&e, &opus()).1, ReasonKind::NotConfigured);
}

#[test]
fn a_new_catalog_adds_models_and_keeps_what_is_known_of_the_rest() {
    let mut e = engine();
    e.record_attempt(&ok(&opus(), secs(0)));
    let listing = anthropic_list(&["claude-opus-6", "claude-opus-4-7"], secs(10));
    let merged =
        crate::catalog::live::merge(&Catalog::shipped().unwrap(), std::slice::from_ref(&listing));
    let transitions = e.set_catalog(Arc::new(merged), vec![listing], Some(secs(3600)), secs(10));
    let opus6 = ModelRef::new("anthropic", "claude-opus-6");
    assert!(transitions.iter().any(|t| t.model == opus6));
    assert_eq!(state(&e, &opus6).1, ReasonKind::Unknown);
    assert_eq!(state(&e, &opus()).0, AvailabilityState::Available);
    assert!(e.catalog().contains(&opus6));
    assert!(e.availability().iter().any(|a| a.model == opus6));
    // The list came with the catalog: what it leaves out is retired in the same pass.
    let gone = ModelRef::new("anthropic", "claude-opus-4-8");
    assert!(
        transitions
            .iter()
            .any(|t| t.model == gone && t.to.reason.kind == ReasonKind::ModelRetired)
    );
    assert_eq!(e.get(&gone).unwrap().next_check, Some(secs(3600)));
}

/// A retirement the provider announced ahead is said before the day, and after it.
#[test]
fn an_announced_retirement_is_said_before_the_day() {
    let mut catalog = Catalog::shipped().unwrap();
    let day = (t0() + Duration::days(30)).date_naive();
    let words = day.format("%-d %B %Y").to_string();
    catalog
        .models
        .iter_mut()
        .find(|m| m.id == "gpt-5")
        .unwrap()
        .retires_on = Some(day);
    let mut e = HealthEngine::new(
        catalog,
        HealthSettings::default(),
        |_| true,
        Vec::new(),
        t0(),
    );
    e.record_attempt(&ok(&gpt5(), secs(0)));
    let a = e.get(&gpt5()).unwrap();
    assert_eq!(
        a.state,
        AvailabilityState::Available,
        "still serving: usable"
    );
    assert!(
        a.reason
            .message
            .contains(&format!("OpenAI retires GPT-5 on {words}")),
        "{}",
        a.reason.message
    );
    let after = t0() + Duration::days(31);
    e.record_attempt(&ok(&gpt5(), after));
    assert!(
        e.get(&gpt5())
            .unwrap()
            .reason
            .message
            .contains(&format!("OpenAI said it would retire GPT-5 on {words}")),
    );
    assert!(
        !e.get(&opus()).unwrap().reason.message.contains("retire"),
        "only the model it was announced for"
    );
}

/// Not even a probe goes to what the workspace turned off; its lists are not asked for.
#[test]
fn the_policy_stops_probes_and_lists_too() {
    let mut e = engine();
    for i in 0..3 {
        e.record_attempt(&server_error(&opus(), secs(i)));
    }
    assert_eq!(
        e.due_probes(secs(60)),
        vec![opus()],
        "due before the policy"
    );
    e.record_policy(
        vec![PolicyRule {
            provider: "anthropic".into(),
            model: None,
            message: "Off for now.".into(),
            until: Some(secs(120)),
        }],
        secs(10),
    );
    assert!(e.due_probes(secs(60)).is_empty(), "turned off: no probe");
    assert!(e.provider_turned_off("anthropic", secs(60)));
    assert!(!e.provider_turned_off("openai", secs(60)));
    assert_eq!(e.due_probes(secs(121)), vec![opus()], "the rule has ended");
    // A rule for one model stops that model, not the provider's list.
    e.record_policy(
        vec![PolicyRule {
            provider: "anthropic".into(),
            model: Some("claude-opus-4-7".into()),
            message: "Not this one.".into(),
            until: None,
        }],
        secs(130),
    );
    assert!(!e.provider_turned_off("anthropic", secs(130)));
    assert!(e.turned_off(&opus(), secs(130)).is_some());
    assert!(e.turned_off(&opus48(), secs(130)).is_none());
}

/// The last known state is where a restart begins: a reading of the status pages does not
/// erase what this app's own requests showed (a rejected key, an answer, an open breaker).
#[test]
fn a_restart_keeps_own_request_evidence_through_a_status_reading() {
    let mut before = engine();
    before.record_attempt(&failed(
        &gpt5(),
        secs(0),
        FailureClass::Reason(ReasonKind::AuthFailed),
        Some(401),
    ));
    before.record_attempt(&ok(&opus48(), secs(1)));
    for i in 0..3 {
        before.record_attempt(&server_error(&opus(), secs(2 + i)));
    }
    let remembered = before.availability();

    let mut after = HealthEngine::new(
        Catalog::shipped().unwrap(),
        HealthSettings::default(),
        |_| true,
        remembered,
        secs(600),
    );
    assert!(
        after.get(&gpt5()).unwrap().stale,
        "marked stale until refreshed"
    );
    let transitions = after.record_status("anthropic", StatusEvidence::default(), secs(601));
    let transitions_openai = after.record_status("openai", StatusEvidence::default(), secs(601));
    assert!(
        transitions.is_empty() && transitions_openai.is_empty(),
        "a clear page changes nothing that own requests showed: {transitions:?} {transitions_openai:?}"
    );
    assert_eq!(
        state(&after, &gpt5()).1,
        ReasonKind::AuthFailed,
        "the key is still rejected"
    );
    assert_eq!(state(&after, &opus48()).1, ReasonKind::Healthy);
    assert_eq!(state(&after, &opus()).1, ReasonKind::ElevatedErrors);
    assert_eq!(
        after.due_probes(secs(601)),
        vec![opus()],
        "the breaker's time has passed: probed at once"
    );
    // And the evidence still moves on: a success clears the rejected key.
    after.record_attempt(&ok(&gpt5(), secs(700)));
    assert_eq!(state(&after, &gpt5()).1, ReasonKind::Healthy);
}

/// A key added while Switchboard runs (`switchboard key set`) is used by the next send; the
/// first attempt with it shows every model of its provider as no longer missing a key.
#[test]
fn a_key_added_while_running_is_seen_with_the_first_attempt() {
    let catalog = Catalog::shipped().unwrap();
    let mut e = HealthEngine::new(
        catalog,
        HealthSettings::default(),
        |_| false,
        Vec::new(),
        secs(0),
    );
    assert_eq!(state(&e, &opus()).1, ReasonKind::NotConfigured);
    assert_eq!(state(&e, &opus48()).1, ReasonKind::NotConfigured);
    let transitions = e.record_attempt(&ok(&opus(), secs(5)));
    assert_eq!(
        state(&e, &opus()),
        (AvailabilityState::Available, ReasonKind::Healthy)
    );
    assert_eq!(
        state(&e, &opus48()),
        (AvailabilityState::Unknown, ReasonKind::Unknown),
        "not checked yet, but no longer said to need a key"
    );
    assert!(transitions.iter().any(|t| t.model == opus48()));
    assert_eq!(
        state(&e, &gpt5()).1,
        ReasonKind::NotConfigured,
        "another provider's key is still missing"
    );
}

#[test]
fn what_is_known_of_the_provider_is_said_without_claiming_the_model_answered() {
    let mut e = engine();
    let headline = |e: &HealthEngine, m: &ModelRef| e.get(m).unwrap().reason.headline.clone();
    assert_eq!(headline(&e, &opus()), "Not checked yet");

    e.record_list_answered("anthropic", secs(120), secs(120));
    e.record_status("anthropic", StatusEvidence::default(), secs(180));
    let opus_now = e.get(&opus()).unwrap();
    assert_eq!(
        opus_now.state,
        AvailabilityState::Unknown,
        "it has not answered"
    );
    assert_eq!(
        opus_now.reason.headline,
        "No problems known: key accepted 09:02, Anthropic's status page clear 09:03"
    );
    assert!(
        opus_now
            .reason
            .message
            .contains("does not claim it answers")
    );
    assert_eq!(opus_now.reason.side, Side::Nobody);
    // Another provider heard nothing of the sort.
    assert_eq!(headline(&e, &gpt5()), "Not checked yet");

    // A new key: the provider's word on the old one no longer holds; the page still does.
    e.record_key("anthropic", true, secs(200));
    assert_eq!(
        headline(&e, &opus()),
        "No problems known: Anthropic's status page clear 09:03"
    );
    // An unreadable page is not a clear one.
    e.record_status(
        "anthropic",
        StatusEvidence {
            unreadable: Some("no answer".into()),
            ..Default::default()
        },
        secs(240),
    );
    assert_eq!(headline(&e, &opus()), "Not checked yet");
    // An answer says more than either.
    e.record_list_answered("anthropic", secs(250), secs(250));
    e.record_attempt(&ok(&opus(), secs(260)));
    assert_eq!(state(&e, &opus()).0, AvailabilityState::Available);
}

/// A page whose clock is ahead of this machine's (or a replay) dates its incident later than
/// now: the state still begins now, and the state after it begins after it — so the outage
/// history never ends an episode before it started.
#[test]
fn a_state_never_begins_in_the_future_nor_before_the_one_it_ends() {
    let mut e = engine();
    e.record_attempt(&ok(&opus48(), secs(0)));
    let incident = IncidentEvidence {
        id: "inc1".into(),
        title: "Elevated errors on Claude Opus 4.8".into(),
        status: "investigating".into(),
        severe: true,
        since: secs(400),
        models: vec!["claude-opus-4-8".into()],
        ..Default::default()
    };
    e.record_status(
        "anthropic",
        StatusEvidence {
            incidents: vec![incident],
            ..Default::default()
        },
        secs(10),
    );
    let out = e.get(&opus48()).unwrap().clone();
    assert_eq!(out.state, AvailabilityState::Unavailable);
    assert_eq!(
        out.since,
        Some(secs(10)),
        "not 400 s, which has not come yet"
    );
    e.record_status("anthropic", StatusEvidence::default(), secs(20));
    let back = e.get(&opus48()).unwrap().clone();
    assert_eq!(back.state, AvailabilityState::Available);
    assert_eq!(
        back.since,
        Some(secs(20)),
        "back from now, not from its last answer at 0 s"
    );
    // The history reads states in order of their start: the end comes after the beginning.
    assert!(back.since > out.since);
}

/// Back after an outage, the message cites who answered: the same snapshot as before, or
/// plainly that the provider changed the model it serves.
#[test]
fn answering_again_the_model_is_said_to_be_the_same_snapshot_or_not() {
    let as_id = |id: &str| crate::vocabulary::ModelIdentity {
        model: Some(id.into()),
        fingerprint: None,
    };
    let answered = |at, id: &str| AttemptRecord {
        identity: Some(as_id(id)),
        ..ok(&opus(), at)
    };
    let mut e = engine();
    e.record_attempt(&answered(secs(0), "claude-opus-4-7-20260415"));
    assert!(
        !e.get(&opus()).unwrap().reason.message.contains("snapshot"),
        "nothing to compare before an outage"
    );
    for i in 1..=3 {
        e.record_attempt(&server_error(&opus(), secs(i)));
    }
    assert_eq!(state(&e, &opus()).0, AvailabilityState::Unavailable);
    e.record_attempt(&answered(secs(60), "claude-opus-4-7-20260415"));
    let back = e.get(&opus()).unwrap().reason.message.clone();
    assert!(
        back.contains(
            "It answers as the same snapshot as before the outage (claude-opus-4-7-20260415)."
        ),
        "{back}"
    );
    // Said while it keeps answering, until the next outage.
    e.record_attempt(&answered(secs(70), "claude-opus-4-7-20260415"));
    assert!(
        e.get(&opus())
            .unwrap()
            .reason
            .message
            .contains("same snapshot")
    );

    for i in 80..=82 {
        e.record_attempt(&server_error(&opus(), secs(i)));
    }
    e.record_attempt(&answered(secs(120), "claude-opus-4-7-20260601"));
    let changed = e.get(&opus()).unwrap().reason.message.clone();
    assert!(
        changed.contains("It now answers as claude-opus-4-7-20260601; before the outage it answered as claude-opus-4-7-20260415"),
        "{changed}"
    );
    assert!(!changed.contains("same snapshot"), "{changed}");
}
