//! What is concluded about one model, with the evidence behind it, and its changes.

use super::{AvailabilityState, IncidentEvidence, ModelRef, PolicyRule, Reason};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ModelAvailability {
    pub model: ModelRef,
    pub state: AvailabilityState,
    pub reason: Reason,
    /// Since when this state has held, where known.
    pub since: Option<DateTime<Utc>>,
    /// When Switchboard will look again, where scheduled.
    pub next_check: Option<DateTime<Utc>>,
    /// True while this is the last known state from an earlier run, not yet refreshed.
    pub stale: bool,
    /// What the decision rests on, for the details view and the status board.
    #[serde(default)]
    pub evidence: Evidence,
}

/// The evidence behind a model's availability, whatever the reason chosen.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct Evidence {
    /// Consecutive server-side failures of this app's own requests.
    pub own_failures: u32,
    /// The last failure, with the provider's own words.
    pub last_failure: Option<crate::vocabulary::Failure>,
    /// When this app last got an answer from the model.
    pub last_success: Option<DateTime<Utc>>,
    /// The status-page incident or maintenance covering the model, with its link.
    pub incident: Option<IncidentEvidence>,
    /// The workspace policy rule that turns it off, with the admin's words.
    pub policy: Option<PolicyRule>,
}

impl ModelAvailability {
    /// Whether the model answers: available, or degraded with an answer of its own since that
    /// began — an incident still open, or some attempts failing between answers. A model that
    /// was out and answers so is back; one degraded only by a report is not.
    pub fn answering(&self) -> bool {
        match self.state {
            AvailabilityState::Available => true,
            AvailabilityState::Degraded => self
                .evidence
                .last_success
                .is_some_and(|at| self.since.is_none_or(|since| at >= since)),
            _ => false,
        }
    }

    /// Whether the evidence itself names this model: an incident whose text names it (or
    /// every model), or this app's own failed requests. A policy's rule is not evidence —
    /// it is what the workspace did.
    pub fn named_by_evidence(&self) -> bool {
        let named = self
            .evidence
            .incident
            .as_ref()
            .is_some_and(|i| i.all_models || i.models.contains(&self.model.model));
        let failing = self.state == crate::vocabulary::AvailabilityState::Unavailable
            && self.reason.side == crate::vocabulary::Side::Provider;
        named || failing || self.evidence.own_failures > 0
    }
}

/// An availability change, for the outage history, the UI and notifications.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Transition {
    pub model: ModelRef,
    pub from: AvailabilityState,
    pub to: ModelAvailability,
}

/// When a provider was last checked: its status page read, an answer from it heard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProviderCheck {
    pub page_read_at: Option<DateTime<Utc>>,
    pub last_answer: Option<DateTime<Utc>>,
}
