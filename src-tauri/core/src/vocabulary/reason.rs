//! Why a model can or cannot be used: the state, the reason kind, whose side it is on, and
//! where the evidence came from.

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

#[cfg(test)]
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
