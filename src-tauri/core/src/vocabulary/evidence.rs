//! What a status page and the workspace policy say, already mapped to models.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

/// One post a status page made about an incident or maintenance ("investigating", then
/// "identified", … "resolved"), with the models the incident named when it was read: the
/// provider's lane of an episode's timeline. Its text is the provider's, untrusted: shown as
/// text, never as markup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct IncidentPost {
    pub provider: String,
    pub incident_id: String,
    pub incident_name: String,
    pub link: Option<String>,
    /// Model ids the incident names, those since said to have recovered among them.
    pub models: Vec<String>,
    /// Its text says every model.
    pub all_models: bool,
    /// As the page words it: `investigating`, `identified`, `monitoring`, `resolved`,
    /// `in_progress`, `completed`, …
    pub status: String,
    pub body: String,
    pub posted_at: DateTime<Utc>,
    /// When this app first read it.
    pub seen_at: DateTime<Utc>,
}

impl IncidentPost {
    /// Whether the incident this post belongs to names `model`.
    pub fn names(&self, model: &str) -> bool {
        self.all_models || self.models.iter().any(|m| m == model)
    }
}

/// An open incident on a status page, already mapped to the models it concerns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct IncidentEvidence {
    pub id: String,
    pub title: String,
    /// `investigating`, `identified`, `monitoring`.
    pub status: String,
    pub severe: bool,
    pub link: Option<String>,
    pub since: DateTime<Utc>,
    /// Model ids the text names (less those said to have recovered); empty with
    /// `all_models` when the text says every model ("all Claude models").
    pub models: Vec<String>,
    pub all_models: bool,
    /// The display names of `models`, in the same order, for the words.
    #[serde(default)]
    pub model_names: Vec<String>,
    /// Named models the latest updates say have recovered while the incident is open.
    #[serde(default)]
    pub recovered: Vec<String>,
    /// Model names the text uses that Switchboard does not list, as written.
    #[serde(default)]
    pub unlisted_names: Vec<String>,
    /// Its updates say the models they do not name are fine ("Other models are not
    /// affected"): a component in trouble does not reach those.
    #[serde(default)]
    pub others_unaffected: bool,
    /// The incident reaches the model API as a whole without naming a model ("Elevated
    /// errors on the API", or only an API component listed).
    #[serde(default)]
    pub api_wide: bool,
    /// The model-API component the incident lists (or the page marks), as the page shows it.
    #[serde(default)]
    pub component: Option<ComponentEvidence>,
}

/// A status-page component that carries model requests, and its status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ComponentEvidence {
    pub name: String,
    pub status: ComponentStatus,
}

/// How an incident reaches one model, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Coverage {
    /// Its text names the model, or says every model.
    Named,
    /// No model is named and the model API's component is at `major_outage`.
    ApiOutage,
    /// The model is not named, but the model API is reported in trouble (a component
    /// degraded or in partial outage, or "the API"): it may be reached, so it is `degraded`,
    /// and this app's own requests decide.
    ApiDegraded,
}

impl IncidentEvidence {
    /// How this incident reaches `model`, if it does. Only what the text names is covered:
    /// a component's status reaches the other models as `degraded`, and as `unavailable`
    /// only at `major_outage` with no model named at all.
    pub fn coverage(&self, model: &str) -> Option<Coverage> {
        if self.all_models || self.models.iter().any(|m| m == model) {
            return Some(Coverage::Named);
        }
        let nothing_named =
            self.models.is_empty() && self.recovered.is_empty() && self.unlisted_names.is_empty();
        if self.others_unaffected && !nothing_named {
            return None;
        }
        match &self.component {
            Some(c) if c.status == ComponentStatus::MajorOutage && nothing_named => {
                Some(Coverage::ApiOutage)
            }
            Some(c) if c.status.is_problem() => Some(Coverage::ApiDegraded),
            _ if self.api_wide => Some(Coverage::ApiDegraded),
            _ => None,
        }
    }

    pub(crate) fn covers(&self, model: &str) -> bool {
        self.coverage(model).is_some()
    }
}

/// One rule of the workspace policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PolicyRule {
    pub provider: String,
    /// `None`: every model of the provider.
    pub model: Option<String>,
    pub message: String,
    pub until: Option<DateTime<Utc>>,
}

/// A component's status. A status string this reader does not know is `unknown`, which is
/// neither working nor an outage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ComponentStatus {
    Operational,
    DegradedPerformance,
    PartialOutage,
    MajorOutage,
    UnderMaintenance,
    Unknown,
}

impl ComponentStatus {
    /// True for degraded performance and partial or major outages.
    pub fn is_problem(self) -> bool {
        matches!(
            self,
            Self::DegradedPerformance | Self::PartialOutage | Self::MajorOutage
        )
    }

    /// "degraded performance", "a partial outage": as a sentence says it after "reports".
    pub fn words(self) -> &'static str {
        match self {
            Self::Operational => "normal operation",
            Self::DegradedPerformance => "degraded performance",
            Self::PartialOutage => "a partial outage",
            Self::MajorOutage => "a major outage",
            Self::UnderMaintenance => "maintenance",
            Self::Unknown => "a status Switchboard does not know",
        }
    }
}
