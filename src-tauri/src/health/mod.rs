//! Per-model availability: what Switchboard concludes about each (provider, model), with one
//! reason, the side the problem is on, and a message a person can act on.
//!
//! The vocabulary (states, reason kinds, sides, sources) lives here; [`engine`] decides from
//! the signals (own traffic, status pages, connectivity, workspace policy), [`message`] puts
//! each decision into words, and [`service`] runs the engine inside the app.
//!
//! ```
//! use switchboard_lib::catalog::Catalog;
//! use switchboard_lib::health::{ReasonKind, engine::{HealthEngine, HealthSettings}};
//! let now = chrono::Utc::now();
//! let engine = HealthEngine::new(Catalog::shipped().unwrap(), HealthSettings::default(),
//!     |_provider| false, Vec::new(), now);
//! let opus = engine.availability().into_iter().find(|a| a.model.model == "claude-opus-4-7").unwrap();
//! assert_eq!(opus.reason.kind, ReasonKind::NotConfigured);
//! assert_eq!(opus.reason.headline, "Add an Anthropic API key to use Claude");
//! ```

pub mod connectivity;
pub mod engine;
pub mod message;
pub mod policy;
pub mod poller;
pub mod service;
pub mod status_page;

use crate::catalog::ModelRef;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

/// What Switchboard concludes about one model right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum AvailabilityState {
    Available,
    Degraded,
    Unavailable,
    /// Turned off on purpose: by the workspace policy, or not set up.
    Disabled,
    Unknown,
}

/// Why — one kind from DESIGN.md's taxonomy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    /// Nothing wrong: the model answered.
    Healthy,
    ProviderIncident,
    ElevatedErrors,
    Overloaded,
    Maintenance,
    RateLimited,
    QuotaExhausted,
    AuthFailed,
    NotPermitted,
    ModelRetired,
    Offline,
    AdminDisabled,
    NotConfigured,
    /// The provider's safety filter stopped an answer, or the model declined: about this
    /// message's content, never the model's availability.
    ContentFiltered,
    /// The provider blocked the prompt before answering: about the message's content.
    PromptBlocked,
    /// The configured endpoint answered, but there is no provider API there (a 404 that is not
    /// the provider saying the model is unknown: a web page, no body, another route).
    WrongEndpoint,
    Unknown,
}

/// Whose side a problem is on. Every message names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The provider's servers.
    Provider,
    /// The provider's list of models.
    ProviderCatalog,
    /// The person's rate limits.
    YourPlan,
    /// The person's account: credit, region, organisation.
    YourAccount,
    YourKey,
    YourNetwork,
    /// The workspace admin's policy.
    YourWorkspace,
    /// Something the person has not set up yet.
    YourSetup,
    /// The content of this message or its answer: not the service, not the person's key.
    Content,
    /// No problem, or nothing known.
    Nobody,
}

impl ReasonKind {
    pub fn side(self) -> Side {
        use ReasonKind::*;
        match self {
            ProviderIncident | ElevatedErrors | Overloaded | Maintenance => Side::Provider,
            ModelRetired => Side::ProviderCatalog,
            RateLimited => Side::YourPlan,
            QuotaExhausted | NotPermitted => Side::YourAccount,
            AuthFailed => Side::YourKey,
            Offline => Side::YourNetwork,
            AdminDisabled => Side::YourWorkspace,
            NotConfigured | WrongEndpoint => Side::YourSetup,
            ContentFiltered | PromptBlocked => Side::Content,
            Healthy | Unknown => Side::Nobody,
        }
    }
}

/// Where the evidence for a reason came from, so the person can weigh it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceSource {
    /// This app's own requests to the model.
    OwnRequests,
    /// The provider's public status page.
    StatusPage,
    /// The provider's own list of the models it serves.
    ModelList,
    /// The workspace admin's policy.
    WorkspaceAdmin,
    /// A connectivity check to independent hosts.
    ConnectivityCheck,
    /// The person's configuration (keys, endpoints).
    Configuration,
    /// Nothing heard yet.
    Nothing,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Reason {
    pub kind: ReasonKind,
    pub side: Side,
    pub source: EvidenceSource,
    /// One line for the picker: "Add an Anthropic API key to use Claude".
    pub headline: String,
    /// The full message: what, whose side, (for service problems) that the model has not
    /// changed, what to do, since when and from where, and when it is checked again.
    pub message: String,
}

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
    pub last_failure: Option<crate::providers::classify::Failure>,
    /// When this app last got an answer from the model.
    pub last_success: Option<DateTime<Utc>>,
    /// The status-page incident or maintenance covering the model, with its link.
    pub incident: Option<engine::IncidentEvidence>,
    /// The workspace policy rule that turns it off, with the admin's words.
    pub policy: Option<engine::PolicyRule>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_kind_names_one_side() {
        use ReasonKind::*;
        for (kind, side) in [
            (ProviderIncident, Side::Provider),
            (ElevatedErrors, Side::Provider),
            (Overloaded, Side::Provider),
            (Maintenance, Side::Provider),
            (RateLimited, Side::YourPlan),
            (QuotaExhausted, Side::YourAccount),
            (AuthFailed, Side::YourKey),
            (NotPermitted, Side::YourAccount),
            (ModelRetired, Side::ProviderCatalog),
            (Offline, Side::YourNetwork),
            (AdminDisabled, Side::YourWorkspace),
            (NotConfigured, Side::YourSetup),
            (WrongEndpoint, Side::YourSetup),
            (ContentFiltered, Side::Content),
            (PromptBlocked, Side::Content),
            (Unknown, Side::Nobody),
            (Healthy, Side::Nobody),
        ] {
            assert_eq!(kind.side(), side, "{kind:?}");
        }
    }
}
