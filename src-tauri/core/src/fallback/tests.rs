use super::*;
use crate::catalog::Catalog;
use crate::vocabulary::{EvidenceSource, IncidentEvidence, PolicyRule, Side};
use chrono::{TimeZone, Utc};
use proptest::prelude::*;

fn m(provider: &str, id: &str) -> ModelRef {
    ModelRef::new(provider, id)
}

fn opus() -> ModelRef {
    m("anthropic", "claude-opus-4-7")
}

fn reason(kind: ReasonKind) -> Reason {
    Reason {
        kind,
        side: kind.side(),
        source: EvidenceSource::OwnRequests,
        headline: format!("{kind:?}"),
        message: format!("{kind:?}"),
    }
}

fn at(model: ModelRef, state: AvailabilityState, kind: ReasonKind) -> ModelAvailability {
    ModelAvailability {
        model,
        state,
        reason: reason(kind),
        since: None,
        next_check: None,
        stale: false,
        evidence: Default::default(),
    }
}

/// Every model of the shipped catalog available, Opus 4.7 out for `kind`.
fn world(kind: ReasonKind) -> (Catalog, Vec<ModelAvailability>) {
    let catalog = Catalog::shipped().unwrap();
    let availability = catalog
        .models
        .iter()
        .map(|model| {
            if model.model_ref() == opus() {
                at(model.model_ref(), AvailabilityState::Unavailable, kind)
            } else {
                at(
                    model.model_ref(),
                    AvailabilityState::Available,
                    ReasonKind::Healthy,
                )
            }
        })
        .collect();
    (catalog, availability)
}

fn of<'a>(availability: &'a [ModelAvailability], model: &ModelRef) -> &'a ModelAvailability {
    availability.iter().find(|a| &a.model == model).unwrap()
}

fn set(
    availability: &mut [ModelAvailability],
    model: &ModelRef,
    state: AvailabilityState,
    kind: ReasonKind,
) {
    let a = availability.iter_mut().find(|a| &a.model == model).unwrap();
    a.state = state;
    a.reason = reason(kind);
}

fn ranked(
    catalog: &Catalog,
    availability: &[ModelAvailability],
    needs: Needs,
    orders: &FallbackOrders,
) -> Ranking {
    rank(
        of(availability, &opus()),
        &needs,
        catalog,
        availability,
        orders,
    )
}

fn text_needs() -> Needs {
    Needs::of_text(400, 4096)
}

#[test]
fn the_nearest_tier_comes_first_and_the_preferred_model_is_never_offered() {
    let (catalog, availability) = world(ReasonKind::ElevatedErrors);
    let ranking = ranked(
        &catalog,
        &availability,
        text_needs(),
        &FallbackOrders::default(),
    );
    assert!(ranking.alternatives.iter().all(|a| a.model != opus()));
    assert!(!ranking.provider_wide, "elevated errors on one model");
    let first = &ranking.alternatives[0];
    assert_eq!(
        catalog
            .model(&first.model.provider, &first.model.model)
            .unwrap()
            .tier,
        Some(crate::catalog::Tier::Frontier),
        "a frontier model stands in for a frontier model: {first:?}"
    );
    // The local models (three tiers away) come after every frontier one.
    let last_frontier = ranking
        .alternatives
        .iter()
        .rposition(|a| {
            catalog
                .model(&a.model.provider, &a.model.model)
                .unwrap()
                .tier
                == Some(crate::catalog::Tier::Frontier)
        })
        .unwrap();
    let first_local = ranking
        .alternatives
        .iter()
        .position(|a| a.model.provider == "ollama")
        .unwrap();
    assert!(last_frontier < first_local);
}

#[test]
fn a_provider_wide_reason_puts_other_providers_first() {
    let (catalog, mut availability) = world(ReasonKind::ProviderIncident);
    let preferred = availability.iter_mut().find(|a| a.model == opus()).unwrap();
    preferred.evidence.incident = Some(IncidentEvidence {
        title: "Elevated errors on Claude Opus 4.7 and Opus 4.8".into(),
        models: vec!["claude-opus-4-7".into(), "claude-opus-4-8".into()],
        since: Utc.with_ymd_and_hms(2026, 6, 5, 9, 0, 0).unwrap(),
        ..Default::default()
    });
    let ranking = ranked(
        &catalog,
        &availability,
        text_needs(),
        &FallbackOrders::default(),
    );
    assert!(ranking.provider_wide);
    let first_anthropic = ranking
        .alternatives
        .iter()
        .position(|a| a.model.provider == "anthropic")
        .unwrap();
    assert!(
        ranking.alternatives[..first_anthropic]
            .iter()
            .all(|a| a.model.provider != "anthropic"),
        "every other provider's model before Anthropic's"
    );
    assert_ne!(ranking.alternatives[0].model.provider, "anthropic");
    assert!(
        ranking.alternatives[0]
            .differences
            .iter()
            .any(|d| d.ends_with("not Anthropic"))
    );

    // A policy on the whole provider, and overload, reach it too; one named model does not.
    let mut policy = at(
        opus(),
        AvailabilityState::Disabled,
        ReasonKind::AdminDisabled,
    );
    policy.evidence.policy = Some(PolicyRule {
        provider: "anthropic".into(),
        model: None,
        message: "Off".into(),
        until: None,
    });
    assert!(
        rank(
            &policy,
            &text_needs(),
            &catalog,
            &availability,
            &FallbackOrders::default()
        )
        .provider_wide
    );
    let overloaded = at(
        opus(),
        AvailabilityState::Unavailable,
        ReasonKind::Overloaded,
    );
    assert!(
        rank(
            &overloaded,
            &text_needs(),
            &catalog,
            &availability,
            &FallbackOrders::default()
        )
        .provider_wide
    );
}

#[test]
fn the_workspace_order_comes_first_then_the_persons() {
    let (catalog, availability) = world(ReasonKind::ElevatedErrors);
    let orders = FallbackOrders {
        workspace: vec![m("gemini", "gemini-2.5-flash")],
        person: vec![m("ollama", "llama3.2"), m("openai", "gpt-5")],
    };
    let ranking = ranked(&catalog, &availability, text_needs(), &orders);
    let firsts: Vec<&ModelRef> = ranking
        .alternatives
        .iter()
        .take(3)
        .map(|a| &a.model)
        .collect();
    assert_eq!(
        firsts,
        [
            &m("gemini", "gemini-2.5-flash"),
            &m("ollama", "llama3.2"),
            &m("openai", "gpt-5")
        ]
    );
}

#[test]
fn only_models_that_can_take_the_conversation_are_offered() {
    let (catalog, mut availability) = world(ReasonKind::ElevatedErrors);
    set(
        &mut availability,
        &m("openai", "gpt-5"),
        AvailabilityState::Disabled,
        ReasonKind::NotConfigured,
    );
    set(
        &mut availability,
        &m("anthropic", "claude-opus-4-6"),
        AvailabilityState::Unavailable,
        ReasonKind::ModelRetired,
    );
    set(
        &mut availability,
        &m("gemini", "gemini-2.5-pro"),
        AvailabilityState::Disabled,
        ReasonKind::AdminDisabled,
    );
    set(
        &mut availability,
        &m("anthropic", "claude-opus-4-8"),
        AvailabilityState::Unavailable,
        ReasonKind::Overloaded,
    );
    set(
        &mut availability,
        &m("openai", "gpt-5.1"),
        AvailabilityState::Degraded,
        ReasonKind::ProviderIncident,
    );
    // About 300K tokens: more than 200K, 131K and 41K windows hold.
    let needs = Needs::of_text(1_200_000, 4096);
    let ranking = ranked(&catalog, &availability, needs, &FallbackOrders::default());
    let why = |model: ModelRef| {
        ranking
            .excluded
            .iter()
            .find(|e| e.model == model)
            .map(|e| e.why.clone())
    };
    assert_eq!(why(m("openai", "gpt-5")), Some(Exclusion::NoKey));
    assert_eq!(
        why(m("anthropic", "claude-opus-4-6")),
        Some(Exclusion::Retired)
    );
    assert_eq!(
        why(m("gemini", "gemini-2.5-pro")),
        Some(Exclusion::TurnedOff)
    );
    assert_eq!(
        why(m("anthropic", "claude-opus-4-8")),
        Some(Exclusion::Unavailable {
            reason: ReasonKind::Overloaded
        })
    );
    assert_eq!(
        why(m("openai", "gpt-5.1")),
        Some(Exclusion::Unavailable {
            reason: ReasonKind::ProviderIncident
        }),
        "a degraded model is not offered"
    );
    assert!(matches!(
        why(m("anthropic", "claude-haiku-4-5")),
        Some(Exclusion::TooSmall { has: 200_000, .. })
    ));
    assert!(matches!(
        why(m("ollama", "qwen3:8b")),
        Some(Exclusion::TooSmall { .. })
    ));
    let too_small = ranking
        .excluded
        .iter()
        .find(|e| e.model == m("ollama", "qwen3:8b"))
        .unwrap();
    assert!(
        too_small.words.contains("smaller than this conversation"),
        "{}",
        too_small.words
    );
    for alternative in &ranking.alternatives {
        let model = catalog
            .model(&alternative.model.provider, &alternative.model.model)
            .unwrap();
        assert!(
            model.context_window.is_none_or(|w| w >= needs.tokens),
            "{alternative:?}"
        );
    }

    // Images: only models that take them.
    let images = Needs {
        images: true,
        ..text_needs()
    };
    let ranking = ranked(&catalog, &availability, images, &FallbackOrders::default());
    assert_eq!(
        ranking
            .excluded
            .iter()
            .find(|e| e.model == m("ollama", "llama3.2"))
            .map(|e| &e.why),
        Some(&Exclusion::NoImages)
    );
    assert!(ranking.alternatives.iter().all(|a| a.comparison.images));
}

#[test]
fn not_checked_yet_comes_after_every_available_model() {
    let (catalog, mut availability) = world(ReasonKind::ElevatedErrors);
    set(
        &mut availability,
        &m("anthropic", "claude-opus-4-8"),
        AvailabilityState::Unknown,
        ReasonKind::Unknown,
    );
    let ranking = ranked(
        &catalog,
        &availability,
        text_needs(),
        &FallbackOrders::default(),
    );
    let unknown = ranking
        .alternatives
        .iter()
        .position(|a| a.model == m("anthropic", "claude-opus-4-8"))
        .unwrap();
    let same_tier_available = ranking
        .alternatives
        .iter()
        .rposition(|a| {
            a.state == AvailabilityState::Available
                && a.model.provider == "anthropic"
                && catalog.model("anthropic", &a.model.model).unwrap().tier
                    == Some(crate::catalog::Tier::Frontier)
        })
        .unwrap();
    assert!(same_tier_available < unknown);
}

#[test]
fn a_standing_consent_covers_only_the_providers_side() {
    use ReasonKind::*;
    for kind in [ProviderIncident, ElevatedErrors, Overloaded, Maintenance] {
        assert!(covers(ConsentScope::Always, kind), "{kind:?}");
        assert!(covers(ConsentScope::UntilBack, kind), "{kind:?}");
    }
    for kind in [
        AuthFailed,
        QuotaExhausted,
        NotConfigured,
        RateLimited,
        NotPermitted,
    ] {
        for scope in [
            ConsentScope::Always,
            ConsentScope::UntilBack,
            ConsentScope::ThisMessage,
        ] {
            assert!(!covers(scope, kind), "{scope:?} must not cover {kind:?}");
        }
    }
    assert!(!covers(ConsentScope::Always, AdminDisabled));
    assert!(covers(ConsentScope::UntilBack, AdminDisabled));
}

#[test]
fn a_kept_consent_stands_in_only_while_it_covers_and_its_model_can_answer() {
    let (catalog, mut availability) = world(ReasonKind::ElevatedErrors);
    let t = Utc.with_ymd_and_hms(2026, 6, 5, 9, 0, 0).unwrap();
    let consent = |alt: ModelRef, scope| Consent {
        preferred: opus(),
        alternative: alt,
        scope,
        given_at: t,
        returned_at: None,
        relapsed: false,
    };
    let plan_now = |availability: &[ModelAvailability], consents: &[Consent]| {
        let ranking = ranked(
            &catalog,
            availability,
            text_needs(),
            &FallbackOrders::default(),
        );
        plan(of(availability, &opus()), consents, ranking, t)
    };
    // No consent: ask.
    assert!(matches!(plan_now(&availability, &[]), Plan::Ask { .. }));
    // Always, for a provider-side reason: stand in.
    let always = [consent(m("openai", "gpt-5"), ConsentScope::Always)];
    assert!(matches!(
        plan_now(&availability, &always),
        Plan::StandIn { ref alternative, scope: ConsentScope::Always, holding: false, .. } if *alternative == m("openai", "gpt-5")
    ));
    // "Until back" wins over "always".
    let both = [
        consent(m("openai", "gpt-5"), ConsentScope::Always),
        consent(m("gemini", "gemini-2.5-pro"), ConsentScope::UntilBack),
    ];
    assert!(matches!(
        plan_now(&availability, &both),
        Plan::StandIn { ref alternative, .. } if *alternative == m("gemini", "gemini-2.5-pro")
    ));
    // The consented model is out itself: ask again.
    set(
        &mut availability,
        &m("openai", "gpt-5"),
        AvailabilityState::Unavailable,
        ReasonKind::ElevatedErrors,
    );
    assert!(matches!(plan_now(&availability, &always), Plan::Ask { .. }));
    // The preferred model is fine (or only degraded): no one stands in.
    set(
        &mut availability,
        &opus(),
        AvailabilityState::Degraded,
        ReasonKind::ProviderIncident,
    );
    assert_eq!(plan_now(&availability, &both), Plan::Preferred);
    // Your side: said, never worked around.
    set(
        &mut availability,
        &opus(),
        AvailabilityState::Unavailable,
        ReasonKind::AuthFailed,
    );
    set(
        &mut availability,
        &m("openai", "gpt-5"),
        AvailabilityState::Available,
        ReasonKind::Healthy,
    );
    assert!(matches!(plan_now(&availability, &always), Plan::Ask { .. }));
}

/// The rule against flapping: once the preferred model is back the conversation goes back to
/// it; if it fails again within ten minutes of that return, the "until it is back" consent
/// holds again at once (no new question), and its next return must last ten minutes before
/// the conversation goes back to it. A return that lasts ends the consent; a failure after
/// that is a new outage, and the person is asked.
#[test]
fn a_model_failing_again_soon_after_its_return_does_not_bounce_the_conversation() {
    let (catalog, mut availability) = world(ReasonKind::ElevatedErrors);
    let t0 = Utc.with_ymd_and_hms(2026, 6, 5, 9, 0, 0).unwrap();
    let minutes = |n| t0 + chrono::Duration::minutes(n);
    let plan_at = |availability: &[ModelAvailability], consent: &Consent, now| {
        let ranking = ranked(
            &catalog,
            availability,
            text_needs(),
            &FallbackOrders::default(),
        );
        plan(
            of(availability, &opus()),
            std::slice::from_ref(consent),
            ranking,
            now,
        )
    };
    let gpt = m("openai", "gpt-5");
    let stands_in = |plan: &Plan, holding_now: bool| matches!(plan, Plan::StandIn { alternative, holding, .. } if *alternative == gpt && *holding == holding_now);
    let mut consent = Consent {
        preferred: opus(),
        alternative: gpt.clone(),
        scope: ConsentScope::UntilBack,
        given_at: t0,
        returned_at: None,
        relapsed: false,
    };
    assert!(stands_in(
        &plan_at(&availability, &consent, minutes(1)),
        false
    ));

    // Back at minute 5: the next message goes to Opus 4.7.
    set(
        &mut availability,
        &opus(),
        AvailabilityState::Available,
        ReasonKind::Healthy,
    );
    consent = after_change(&consent, true, minutes(5)).expect("asleep, not ended");
    assert_eq!(
        plan_at(&availability, &consent, minutes(6)),
        Plan::Preferred
    );

    // Out again at minute 8: the same outage; GPT-5 answers again without a question.
    set(
        &mut availability,
        &opus(),
        AvailabilityState::Unavailable,
        ReasonKind::ElevatedErrors,
    );
    consent = after_change(&consent, false, minutes(8)).expect("the same outage");
    assert!(consent.relapsed);
    assert!(stands_in(
        &plan_at(&availability, &consent, minutes(9)),
        false
    ));

    // Back at minute 12: GPT-5 keeps answering until minute 22.
    set(
        &mut availability,
        &opus(),
        AvailabilityState::Available,
        ReasonKind::Healthy,
    );
    consent = after_change(&consent, true, minutes(12)).unwrap();
    assert!(stands_in(
        &plan_at(&availability, &consent, minutes(13)),
        true
    ));
    assert!(stands_in(
        &plan_at(&availability, &consent, minutes(21)),
        true
    ));
    assert_eq!(
        plan_at(&availability, &consent, minutes(22)),
        Plan::Preferred
    );
    assert!(ended(&consent, minutes(22)), "a return that lasted ends it");

    // Had it lasted and then failed: a new outage, asked again.
    assert_eq!(after_change(&consent, false, minutes(40)), None);
}

#[test]
fn the_stand_in_is_told_who_it_answers_for() {
    let prompt = stand_in_prompt("GPT-6 Luna", "Claude Opus 4.7");
    assert!(prompt.starts_with("You are GPT-6 Luna."));
    assert!(prompt.contains("in place of Claude Opus 4.7"));
    assert!(prompt.contains("standing in for Claude Opus 4.7"));
}

fn any_state() -> impl Strategy<Value = (AvailabilityState, ReasonKind)> {
    use ReasonKind::*;
    prop_oneof![
        Just((AvailabilityState::Available, Healthy)),
        Just((AvailabilityState::Unknown, Unknown)),
        Just((AvailabilityState::Degraded, ProviderIncident)),
        Just((AvailabilityState::Unavailable, ElevatedErrors)),
        Just((AvailabilityState::Unavailable, Overloaded)),
        Just((AvailabilityState::Unavailable, ProviderIncident)),
        Just((AvailabilityState::Unavailable, AuthFailed)),
        Just((AvailabilityState::Unavailable, RateLimited)),
        Just((AvailabilityState::Unavailable, QuotaExhausted)),
        Just((AvailabilityState::Unavailable, ModelRetired)),
        Just((AvailabilityState::Unavailable, Offline)),
        Just((AvailabilityState::Disabled, AdminDisabled)),
        Just((AvailabilityState::Disabled, NotConfigured)),
    ]
}

fn any_scope() -> impl Strategy<Value = ConsentScope> {
    prop_oneof![Just(ConsentScope::UntilBack), Just(ConsentScope::Always)]
}

proptest! {
    /// For any availability and any kept consents, no request is planned to a model that no
    /// consent covers: the preferred model itself, or the alternative of a consent that covers
    /// the reason, can take the conversation, and is not out.
    #[test]
    fn nothing_is_planned_to_a_model_no_consent_covers(
        states in proptest::collection::vec(any_state(), 34),
        consents in proptest::collection::vec((0usize..34, any_scope(), proptest::option::of(0i64..30), any::<bool>()), 0..4),
    ) {
        let catalog = Catalog::shipped().unwrap();
        let availability: Vec<ModelAvailability> = catalog
            .models
            .iter()
            .zip(states.iter().cycle())
            .map(|(model, (state, kind))| at(model.model_ref(), *state, *kind))
            .collect();
        let preferred = of(&availability, &opus()).clone();
        let t = Utc.with_ymd_and_hms(2026, 6, 5, 9, 0, 0).unwrap();
        let consents: Vec<Consent> = consents
            .into_iter()
            .map(|(i, scope, returned, relapsed)| Consent {
                preferred: opus(),
                alternative: catalog.models[i % catalog.models.len()].model_ref(),
                scope,
                given_at: t - chrono::Duration::hours(1),
                returned_at: returned.map(|minutes| t - chrono::Duration::minutes(minutes)),
                relapsed,
            })
            .collect();
        let ranking = rank(&preferred, &text_needs(), &catalog, &availability, &FallbackOrders::default());
        match plan(&preferred, &consents, ranking, t) {
            Plan::Preferred => prop_assert!(!known_out(&preferred)),
            Plan::Ask { .. } => prop_assert!(known_out(&preferred)),
            Plan::StandIn { alternative, scope, holding, .. } => {
                let consent = consents.iter().find(|c| c.alternative == alternative && c.scope == scope);
                prop_assert!(consent.is_some(), "only a kept consent's model stands in");
                let consent = consent.unwrap();
                if holding {
                    // Back, but it failed again soon after its last return.
                    prop_assert!(!known_out(&preferred));
                    prop_assert!(scope == ConsentScope::UntilBack && consent.relapsed);
                    prop_assert!(consent.returned_at.is_some_and(|r| t - r < settle()));
                } else {
                    prop_assert!(known_out(&preferred));
                    prop_assert!(covers(scope, preferred.reason.kind));
                }
                let state = of(&availability, &alternative);
                prop_assert!(matches!(state.state, AvailabilityState::Available | AvailabilityState::Unknown));
                prop_assert_ne!(alternative, opus());
                prop_assert_ne!(state.reason.side, Side::YourKey);
            }
        }
    }
}
