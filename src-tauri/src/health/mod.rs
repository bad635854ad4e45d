//! Per-model availability: what Switchboard concludes about each (provider, model), with one
//! reason, the side the problem is on, and a message a person can act on.
//!
//! The vocabulary (states, reason kinds, sides, sources) is complete here so the UI, the
//! store and the CLI carry it from the start; this module currently decides from
//! configuration alone (is there a key?). Live signals — own traffic, status pages,
//! connectivity, workspace policy — feed the same types.
//!
//! ```
//! use switchboard_lib::{catalog::Catalog, health::{assess_configuration, ReasonKind}};
//! let catalog = Catalog::shipped().unwrap();
//! let now = chrono::Utc::now();
//! let all = assess_configuration(&catalog, |_provider| false, now);
//! let opus = all.iter().find(|a| a.model.model == "claude-opus-4-7").unwrap();
//! assert_eq!(opus.reason.kind, ReasonKind::NotConfigured);
//! assert_eq!(opus.reason.headline, "Add an Anthropic API key to use Claude");
//! ```

pub mod message;

use crate::catalog::{Catalog, ModelRef, Provider};
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
            NotConfigured => Side::YourSetup,
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
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
}

/// Availability from configuration alone: a provider that needs a key and has none is
/// `not_configured`; everything else is `unknown` until a signal arrives.
pub fn assess_configuration(
    catalog: &Catalog,
    has_key: impl Fn(&Provider) -> bool,
    now: DateTime<Utc>,
) -> Vec<ModelAvailability> {
    catalog
        .models
        .iter()
        .filter_map(|model| {
            let provider = catalog.provider(&model.provider)?;
            let (state, reason) = if provider.needs_key() && !has_key(provider) {
                (
                    AvailabilityState::Disabled,
                    message::not_configured(provider, model),
                )
            } else {
                (
                    AvailabilityState::Unknown,
                    message::unknown(provider, model),
                )
            };
            Some(ModelAvailability {
                model: ModelRef::new(&model.provider, &model.id),
                state,
                reason,
                since: Some(now),
                next_check: None,
                stale: false,
            })
        })
        .collect()
}

/// A key is present when the provider's key variable is set to something.
pub fn key_in_env(provider: &Provider, env: impl Fn(&str) -> Option<String>) -> bool {
    provider.needs_key() && env(&provider.api_key_env).is_some_and(|v| !v.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_without_a_key_are_not_configured_and_local_ones_unknown() {
        let catalog = Catalog::shipped().unwrap();
        let has_openai = |p: &Provider| p.id == "openai";
        let all = assess_configuration(&catalog, has_openai, Utc::now());
        assert_eq!(all.len(), catalog.models.len(), "one entry per model");
        for entry in &all {
            let expected = match entry.model.provider.as_str() {
                "anthropic" | "gemini" => ReasonKind::NotConfigured,
                "openai" | "ollama" => ReasonKind::Unknown,
                other => panic!("unexpected provider {other}"),
            };
            assert_eq!(entry.reason.kind, expected, "{:?}", entry.model);
            assert_eq!(entry.reason.side, entry.reason.kind.side());
        }
    }

    #[test]
    fn key_in_env_ignores_blank_values() {
        let catalog = Catalog::shipped().unwrap();
        let anthropic = catalog.provider("anthropic").unwrap();
        let ollama = catalog.provider("ollama").unwrap();
        assert!(key_in_env(anthropic, |_| Some("sk-ant-x".into())));
        assert!(!key_in_env(anthropic, |_| Some("  ".into())));
        assert!(!key_in_env(anthropic, |_| None));
        assert!(!key_in_env(ollama, |_| Some("x".into())), "needs none");
    }
}
