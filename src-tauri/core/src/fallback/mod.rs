//! Fallback with consent: which models could answer in place of the preferred one, in what
//! order, and whether the person's consent lets one do so now — or whether they must be
//! asked first. Pure: the composition root hands it the catalog, the availability, the
//! consents and the orders, and does what it decides.
//!
//! Nothing here ever switches by itself: [`plan`] answers [`Plan::Ask`] unless a kept consent
//! covers the case, and a standing consent ([`ConsentScope::Always`]) covers only reasons on
//! the provider's side — never a key, a plan, an account or a setup the person must fix.

mod rank;

pub use rank::{
    Alternative, Comparison, Excluded, Exclusion, Needs, Ranking, lasting_exclusion, rank,
};

use crate::vocabulary::{
    AvailabilityState, Consent, ConsentScope, ModelAvailability, ModelRef, Reason, ReasonKind,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

/// Where the ranking starts: the workspace's order, then the person's own.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FallbackOrders {
    pub workspace: Vec<ModelRef>,
    pub person: Vec<ModelRef>,
}

/// Whether the preferred model is known to be out, so a request to it would be wasted: its
/// breaker is open or an incident covers it (unavailable), the workspace turned it off, or it
/// is retired. A model merely degraded, not checked yet or missing a key is not: it is asked
/// (or the person is told what to set up).
pub fn known_out(availability: &ModelAvailability) -> bool {
    match availability.state {
        AvailabilityState::Unavailable => true,
        AvailabilityState::Disabled => availability.reason.kind == ReasonKind::AdminDisabled,
        AvailabilityState::Available | AvailabilityState::Degraded | AvailabilityState::Unknown => {
            false
        }
    }
}

/// Whether a kept consent of `scope` lets another model answer while the preferred model is
/// out for `reason`. Reasons the person must act on (a rejected key, no credit, a rate limit,
/// no permission, nothing set up) are never covered: they are said, not worked around.
pub fn covers(scope: ConsentScope, reason: ReasonKind) -> bool {
    use ReasonKind::*;
    let provider_side = matches!(
        reason,
        ProviderIncident | ElevatedErrors | Overloaded | Maintenance
    );
    match scope {
        // Given in the dialog, for this message, with the reason in view.
        ConsentScope::ThisMessage => !needs_the_person(reason),
        // Given for this outage: also while the workspace keeps the model off or it is gone.
        ConsentScope::UntilBack => {
            provider_side || matches!(reason, AdminDisabled | ModelRetired | Offline)
        }
        ConsentScope::Always => provider_side,
    }
}

/// Reasons only the person can fix; no other model is offered for them.
fn needs_the_person(reason: ReasonKind) -> bool {
    use ReasonKind::*;
    matches!(
        reason,
        AuthFailed | QuotaExhausted | NotConfigured | RateLimited | NotPermitted
    )
}

/// How soon after its return a failure of the preferred model counts as the same outage (an
/// "until it is back" consent holds again at once, without asking) — and, after such a
/// relapse, how long its next return must last before the conversation goes back to it. So a
/// model failing every few minutes never bounces the conversation back and forth.
pub fn settle() -> chrono::Duration {
    chrono::Duration::minutes(10)
}

/// What a send does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Plan {
    /// Ask the preferred model.
    Preferred,
    /// A kept consent covers it: this alternative answers, standing in. `holding`: the
    /// preferred model is back, but it failed again soon after its last return, so the
    /// stand-in keeps answering until the return has lasted [`settle`].
    StandIn {
        alternative: ModelRef,
        scope: ConsentScope,
        reason: Reason,
        holding: bool,
    },
    /// The preferred model is out and no consent covers it: ask the person first. Nothing is
    /// sent anywhere until they choose.
    Ask { reason: Reason, ranking: Ranking },
}

/// What to do with a message for `preferred` at `now`, given its availability, the kept
/// consents and the ranking of alternatives. A consent whose alternative cannot take this
/// conversation now (out itself, no key, too small) does not count: the person is asked again.
pub fn plan(
    preferred: &ModelAvailability,
    consents: &[Consent],
    mut ranking: Ranking,
    now: DateTime<Utc>,
) -> Plan {
    let reason = preferred.reason.clone();
    // Out for a reason only the person can fix: said, with no model offered in its place
    // (the request would be wasted, and no stand-in answers for it).
    if known_out(preferred) && needs_the_person(reason.kind) {
        ranking.alternatives.clear();
        ranking.for_you_to_fix = true;
        return Plan::Ask { reason, ranking };
    }
    let usable = |model: &ModelRef| ranking.alternatives.iter().any(|a| &a.model == model);
    let out = known_out(preferred);
    let mut kept: Vec<&Consent> = consents
        .iter()
        .filter(|c| c.preferred == preferred.model && in_force(c, out, reason.kind, now))
        .collect();
    // "Until it is back" before "always": the person's latest word for this outage.
    kept.sort_by_key(|c| {
        (
            c.scope != ConsentScope::UntilBack,
            std::cmp::Reverse(c.given_at),
        )
    });
    match kept.into_iter().find(|c| usable(&c.alternative)) {
        Some(consent) => Plan::StandIn {
            alternative: consent.alternative.clone(),
            scope: consent.scope,
            reason,
            holding: !out,
        },
        None if out => Plan::Ask { reason, ranking },
        None => Plan::Preferred,
    }
}

/// Whether `consent` lets its alternative answer now.
fn in_force(consent: &Consent, out: bool, reason: ReasonKind, now: DateTime<Utc>) -> bool {
    let since_return = consent.returned_at.map(|t| now - t);
    match (consent.scope, out) {
        // Back after a relapse: the stand-in answers until the return has lasted.
        (ConsentScope::UntilBack, false) => {
            consent.relapsed && since_return.is_some_and(|d| d < settle())
        }
        // Out: within the outage it was given for, or again soon after a return.
        (ConsentScope::UntilBack, true) => {
            covers(consent.scope, reason) && since_return.is_none_or(|d| d < settle())
        }
        (scope, true) => covers(scope, reason),
        (_, false) => false,
    }
}

/// What the preferred model coming back (`back`) or going out again does to an "until it is
/// back" consent at `now`; `None`: it has ended.
pub fn after_change(consent: &Consent, back: bool, now: DateTime<Utc>) -> Option<Consent> {
    if consent.scope != ConsentScope::UntilBack {
        return Some(consent.clone());
    }
    if back {
        return Some(Consent {
            returned_at: Some(now),
            ..consent.clone()
        });
    }
    match consent.returned_at {
        // Out again soon after coming back: the same outage, and its next return must last.
        Some(t) if now - t < settle() => Some(Consent {
            returned_at: None,
            relapsed: true,
            ..consent.clone()
        }),
        // It had been back for a good while: this is a new outage, and the person is asked.
        Some(_) => None,
        None => Some(consent.clone()),
    }
}

/// An "until it is back" consent whose return has lasted: it is over.
pub fn ended(consent: &Consent, now: DateTime<Utc>) -> bool {
    consent.scope == ConsentScope::UntilBack
        && consent.returned_at.is_some_and(|t| now - t >= settle())
}

/// The system prompt a stand-in model gets, so it never claims to be the model it replaces.
pub fn stand_in_prompt(alternative: &str, preferred: &str) -> String {
    format!(
        "You are {alternative}. You are answering in place of {preferred}, which the person \
         prefers but which cannot answer right now; earlier answers in this conversation may \
         be {preferred}'s. If asked which model you are, say you are {alternative}, standing in \
         for {preferred}."
    )
}

#[cfg(test)]
mod tests;
