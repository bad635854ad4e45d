//! Status-page reader: what a provider's public status page says, read without trusting it.
//!
//! Three steps, each usable alone:
//!
//! 1. **Fetch** a provider's feed with [`StatusFeed::fetch`]: a conditional GET (a `304` costs
//!    no parse), a size cap, a timeout. The answer is a [`FeedOutcome`]: a fresh
//!    [`StatusReading`], "not modified" (keep the last reading), or a [`FeedProblem`] — which
//!    is *never* an outage: it means "status page unreadable" for that provider, nothing more.
//! 2. **Parse** (pure, also used by the fetcher): [`parse_statuspage_summary`] for Statuspage
//!    v2 `summary.json` (served by Atlassian Statuspage and by incident.io pages alike),
//!    [`parse_statuspage_incidents`] for its incident and maintenance lists, [`parse_atom`]
//!    for an Atom history feed.
//! 3. **Map** an incident or maintenance to catalog models with
//!    [`IncidentReading::affected_models`] / [`affected_models`]: by model names in its title
//!    and updates, matched against each model's aliases, and by its components (see
//!    [`component_kind`] for which components carry model requests).
//!
//! Then schedule the next look with [`next_poll`]: every 60 s, every 20 s while anything is
//! wrong, each a little sooner at random (never later).
//!
//! ```
//! use switchboard_core::catalog::Catalog;
//! use switchboard_core::health::status_page::{Affected, parse_statuspage_summary};
//!
//! let summary = br#"{
//!   "page": {"name": "Claude", "url": "https://status.claude.com"},
//!   "status": {"indicator": "major"},
//!   "components": [{"id": "k8w3r06qmzrp", "name": "Claude API", "status": "degraded_performance"}],
//!   "incidents": [{
//!     "id": "q4lnmtw3kc8y", "name": "Elevated errors on Claude Opus 4.7 and Opus 4.8",
//!     "status": "investigating", "impact": "major",
//!     "components": [{"id": "k8w3r06qmzrp", "name": "Claude API"}]
//!   }]
//! }"#;
//! let now = chrono::Utc::now();
//! let reading = parse_statuspage_summary(summary, now).expect("a Statuspage summary");
//! let catalog = Catalog::shipped().unwrap();
//! let claude = catalog.models.iter().filter(|m| m.provider == "anthropic");
//! assert_eq!(
//!     reading.incidents[0].affected_models(claude),
//!     Affected::Models(vec!["claude-opus-4-8".into(), "claude-opus-4-7".into()]),
//! );
//! ```

mod atom;
mod fetch;
mod models;
mod poll;
mod statuspage;

pub use atom::{ATOM_OPEN_FOR, parse_atom};
pub use fetch::{DEFAULT_LIMIT_BYTES, DEFAULT_TIMEOUT, FeedCounts, FeedOutcome, StatusFeed};
pub use models::{
    Affected, ComponentKind, IncidentText, affected_models, component_kind, others_unaffected,
    reported_recovered, unlisted_names,
};
pub use poll::{PollSchedule, next_poll};
pub use statuspage::{IncidentList, parse_statuspage_incidents, parse_statuspage_summary};

use crate::catalog::Model;
use crate::vocabulary::ComponentStatus;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

/// The page's own one-word summary (`status.indicator`), ordered from calm to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    None,
    Maintenance,
    Minor,
    Major,
    Critical,
}

impl ComponentStatus {
    pub(crate) fn from_wire(text: &str) -> Self {
        match text.trim().to_ascii_lowercase().as_str() {
            "operational" => Self::Operational,
            "degraded_performance" | "degraded" => Self::DegradedPerformance,
            "partial_outage" => Self::PartialOutage,
            "major_outage" | "full_outage" => Self::MajorOutage,
            "under_maintenance" | "maintenance" => Self::UnderMaintenance,
            _ => Self::Unknown,
        }
    }

    /// What the page's indicator would be for this component alone (worse is larger).
    pub(crate) fn indicator(self) -> Indicator {
        match self {
            Self::Operational | Self::Unknown => Indicator::None,
            Self::UnderMaintenance => Indicator::Maintenance,
            Self::DegradedPerformance => Indicator::Minor,
            Self::PartialOutage => Indicator::Major,
            Self::MajorOutage => Indicator::Critical,
        }
    }
}

/// An incident's stage. Anything else a page writes is `unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum IncidentStatus {
    Investigating,
    Identified,
    Monitoring,
    Resolved,
    Postmortem,
    Unknown,
}

impl IncidentStatus {
    pub(crate) fn from_wire(text: &str) -> Self {
        match text.trim().to_ascii_lowercase().as_str() {
            "investigating" => Self::Investigating,
            "identified" => Self::Identified,
            "monitoring" => Self::Monitoring,
            "resolved" => Self::Resolved,
            "postmortem" => Self::Postmortem,
            _ => Self::Unknown,
        }
    }

    pub fn is_closed(self) -> bool {
        matches!(self, Self::Resolved | Self::Postmortem)
    }
}

/// How bad the provider says an incident is. A missing or unknown impact on an incident
/// counts as `minor`: the provider has posted something, and minor is the least that says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    None,
    Maintenance,
    Minor,
    Major,
    Critical,
}

impl Impact {
    pub(crate) fn from_wire(text: &str) -> Self {
        match text.trim().to_ascii_lowercase().as_str() {
            "none" => Self::None,
            "maintenance" => Self::Maintenance,
            "major" => Self::Major,
            "critical" => Self::Critical,
            _ => Self::Minor,
        }
    }

    fn indicator(self) -> Indicator {
        match self {
            Self::None => Indicator::None,
            Self::Maintenance => Indicator::Maintenance,
            Self::Minor => Indicator::Minor,
            Self::Major => Indicator::Major,
            Self::Critical => Indicator::Critical,
        }
    }
}

/// A scheduled maintenance's stage. Anything else a page writes is `unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum MaintenanceStatus {
    Scheduled,
    InProgress,
    Verifying,
    Completed,
    Unknown,
}

impl MaintenanceStatus {
    pub(crate) fn from_wire(text: &str) -> Self {
        match text.trim().to_ascii_lowercase().replace(' ', "_").as_str() {
            "scheduled" => Self::Scheduled,
            "in_progress" => Self::InProgress,
            "verifying" => Self::Verifying,
            "completed" => Self::Completed,
            _ => Self::Unknown,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ComponentReading {
    pub id: String,
    pub name: String,
    pub status: ComponentStatus,
    /// The name of the group this component sits in ("APIs" on OpenAI's page).
    pub group: Option<String>,
    /// Whether this entry is itself a group; its status is the worst of its members'.
    pub is_group: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct IncidentUpdateReading {
    pub status: IncidentStatus,
    pub body: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct IncidentReading {
    pub id: String,
    pub name: String,
    pub status: IncidentStatus,
    pub impact: Impact,
    /// A link a person can open.
    pub shortlink: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// The components the incident names, in its own list or in its updates'
    /// `affected_components`.
    pub component_ids: Vec<String>,
    pub component_names: Vec<String>,
    /// Newest first, as Statuspage sends them.
    pub updates: Vec<IncidentUpdateReading>,
}

impl IncidentReading {
    /// Still going on: not resolved (an unknown status with a `resolved_at` counts as resolved).
    pub fn is_open(&self) -> bool {
        !(self.status.is_closed()
            || (self.status == IncidentStatus::Unknown && self.resolved_at.is_some()))
    }

    /// The text the model mapping reads.
    pub fn text(&self) -> IncidentText<'_> {
        IncidentText {
            title: &self.name,
            bodies: self.updates.iter().map(|u| u.body.as_str()).collect(),
            components: self.component_names.iter().map(String::as_str).collect(),
        }
    }

    /// Which of `models` (one provider's catalog models) this incident covers.
    pub fn affected_models<'m>(&self, models: impl IntoIterator<Item = &'m Model>) -> Affected {
        affected_models(&self.text(), models)
    }

    /// Models the updates say have recovered while the incident is still open (see
    /// [`reported_recovered`]).
    pub fn reported_recovered<'m>(
        &self,
        models: impl IntoIterator<Item = &'m Model>,
    ) -> Vec<String> {
        reported_recovered(&self.text(), models)
    }

    /// Whether its updates say the models they do not name are fine (see
    /// [`others_unaffected`]).
    pub fn others_unaffected(&self) -> bool {
        others_unaffected(&self.text())
    }

    /// Model names the incident's text uses that none of `models` answers to (see
    /// [`unlisted_names`]).
    pub fn unlisted_names<'m>(&self, models: impl IntoIterator<Item = &'m Model>) -> Vec<String> {
        unlisted_names(&self.text(), models)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct MaintenanceReading {
    pub id: String,
    pub name: String,
    pub status: MaintenanceStatus,
    pub scheduled_for: Option<DateTime<Utc>>,
    pub scheduled_until: Option<DateTime<Utc>>,
    pub component_ids: Vec<String>,
    pub component_names: Vec<String>,
    pub shortlink: Option<String>,
    /// Newest first.
    pub updates: Vec<IncidentUpdateReading>,
}

impl MaintenanceReading {
    /// Under way at `now`: in progress or verifying, or (when the page gives no status this
    /// reader knows) inside its scheduled window.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        match self.status {
            MaintenanceStatus::InProgress | MaintenanceStatus::Verifying => true,
            MaintenanceStatus::Unknown => match (self.scheduled_for, self.scheduled_until) {
                (Some(from), Some(until)) => from <= now && now < until,
                _ => false,
            },
            MaintenanceStatus::Scheduled | MaintenanceStatus::Completed => false,
        }
    }

    pub fn text(&self) -> IncidentText<'_> {
        IncidentText {
            title: &self.name,
            bodies: self.updates.iter().map(|u| u.body.as_str()).collect(),
            components: self.component_names.iter().map(String::as_str).collect(),
        }
    }

    /// Which of `models` (one provider's catalog models) this maintenance covers.
    pub fn affected_models<'m>(&self, models: impl IntoIterator<Item = &'m Model>) -> Affected {
        affected_models(&self.text(), models)
    }
}

/// One reading of a provider's status page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct StatusReading {
    pub page_name: String,
    pub page_url: Option<String>,
    pub indicator: Indicator,
    pub components: Vec<ComponentReading>,
    /// The incidents the page lists as current (summary: the unresolved ones).
    pub incidents: Vec<IncidentReading>,
    /// Scheduled, in-progress and verifying maintenances.
    pub maintenances: Vec<MaintenanceReading>,
    pub fetched_at: DateTime<Utc>,
}

impl StatusReading {
    pub fn open_incidents(&self) -> impl Iterator<Item = &IncidentReading> {
        self.incidents.iter().filter(|i| i.is_open())
    }

    pub fn active_maintenances(&self) -> impl Iterator<Item = &MaintenanceReading> {
        let now = self.fetched_at;
        self.maintenances.iter().filter(move |m| m.is_active(now))
    }

    /// An open incident, a component that is not operational, a maintenance under way, or an
    /// indicator other than `none`: poll faster (see [`next_poll`]).
    pub fn anything_wrong(&self) -> bool {
        self.indicator != Indicator::None
            || self.open_incidents().next().is_some()
            || self.active_maintenances().next().is_some()
            || self
                .components
                .iter()
                .any(|c| c.status != ComponentStatus::Operational)
    }

    /// The worst of what the components and open incidents say, for pages that give no
    /// indicator this reader knows.
    fn derived_indicator(
        components: &[ComponentReading],
        incidents: &[IncidentReading],
        maintenances: &[MaintenanceReading],
        now: DateTime<Utc>,
    ) -> Indicator {
        let components = components.iter().map(|c| c.status.indicator());
        let incidents = incidents
            .iter()
            .filter(|i| i.is_open())
            .map(|i| i.impact.indicator());
        let maintenance = maintenances
            .iter()
            .any(|m| m.is_active(now))
            .then_some(Indicator::Maintenance);
        components
            .chain(incidents)
            .chain(maintenance)
            .max()
            .unwrap_or(Indicator::None)
    }
}

/// Why a status page could not be read. Never an outage: for that provider it means only
/// "status page unreadable", and availability comes from other signals.
///
/// Serialised as `{"kind": "...", "detail": ...}`; its `Display` is plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "kind", content = "detail")]
pub enum FeedProblem {
    /// No HTTP answer: name resolution, connection or TLS failed, or too many redirects.
    #[error("the status page could not be read: {0}")]
    Unreachable(String),
    #[error("the status page could not be read: it did not answer within {seconds} seconds")]
    Timeout { seconds: u32 },
    #[error("the status page could not be read: {}", http_words(*.0))]
    HttpStatus(u16),
    /// An HTML page where data was expected: a bot check, a login page, a maintenance page.
    #[error(
        "the status page could not be read: it answered with a web page instead of data (a bot check or a login page)"
    )]
    WebPage,
    /// Bytes that are not the data asked for: not JSON (or not XML, for an Atom feed).
    #[error(
        "the status page could not be read: it answered with something that is not status data"
    )]
    NotData,
    #[error("the status page could not be read: it answered with nothing")]
    Empty,
    #[error(
        "the status page could not be read: its answer was larger than {} and was not read to the end", size_words(*limit_bytes)
    )]
    TooLarge { limit_bytes: u32 },
    /// Data, but not in the shape of a status page.
    #[error("the status page could not be read: its data is not in the expected form ({0})")]
    UnexpectedShape(String),
}

fn http_words(status: u16) -> String {
    match status {
        304 => {
            "it said nothing had changed, but Switchboard had nothing to compare with (HTTP 304)"
                .into()
        }
        401 | 403 => format!("it refused the request (HTTP {status})"),
        404 | 410 => {
            format!("there is no status page at that address (HTTP {status}); it may have moved")
        }
        429 => "it asked Switchboard to slow down (HTTP 429)".into(),
        500..=599 => format!("the status page itself had an error (HTTP {status})"),
        _ => format!("it answered HTTP {status}"),
    }
}

fn size_words(bytes: u32) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        format!("{} KB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_reads_as_plain_words_about_the_status_page() {
        let cases = [
            (
                FeedProblem::WebPage,
                "the status page could not be read: it answered with a web page instead of data (a bot check or a login page)",
            ),
            (
                FeedProblem::HttpStatus(403),
                "the status page could not be read: it refused the request (HTTP 403)",
            ),
            (
                FeedProblem::HttpStatus(503),
                "the status page could not be read: the status page itself had an error (HTTP 503)",
            ),
            (
                FeedProblem::Timeout { seconds: 10 },
                "the status page could not be read: it did not answer within 10 seconds",
            ),
            (
                FeedProblem::TooLarge {
                    limit_bytes: 2 << 20,
                },
                "the status page could not be read: its answer was larger than 2 MB and was not read to the end",
            ),
            (
                FeedProblem::Empty,
                "the status page could not be read: it answered with nothing",
            ),
            (
                FeedProblem::NotData,
                "the status page could not be read: it answered with something that is not status data",
            ),
            (
                FeedProblem::Unreachable("could not connect to status.claude.com".into()),
                "the status page could not be read: could not connect to status.claude.com",
            ),
        ];
        for (problem, words) in cases {
            assert_eq!(
                problem.to_string(),
                words,
                "{problem:?} should read plainly"
            );
        }
    }

    /// The UI and the store read this shape.
    #[test]
    fn problems_serialise_as_kind_and_detail() {
        assert_eq!(
            serde_json::to_value(FeedProblem::HttpStatus(403)).unwrap(),
            serde_json::json!({"kind": "http_status", "detail": 403})
        );
        assert_eq!(
            serde_json::to_value(FeedProblem::WebPage).unwrap(),
            serde_json::json!({"kind": "web_page"})
        );
        assert_eq!(
            serde_json::to_value(FeedProblem::TooLarge { limit_bytes: 10 }).unwrap(),
            serde_json::json!({"kind": "too_large", "detail": {"limit_bytes": 10}})
        );
        let back: FeedProblem = serde_json::from_value(
            serde_json::json!({"kind": "timeout", "detail": {"seconds": 3}}),
        )
        .unwrap();
        assert_eq!(back, FeedProblem::Timeout { seconds: 3 });
    }

    #[test]
    fn unknown_wire_words_fall_back_without_failing() {
        assert_eq!(
            ComponentStatus::from_wire("sparkly"),
            ComponentStatus::Unknown
        );
        assert!(
            !ComponentStatus::Unknown.is_problem(),
            "unknown is not an outage"
        );
        assert_eq!(
            IncidentStatus::from_wire("Monitoring"),
            IncidentStatus::Monitoring
        );
        assert_eq!(
            IncidentStatus::from_wire("triaged"),
            IncidentStatus::Unknown
        );
        assert_eq!(Impact::from_wire("catastrophic"), Impact::Minor);
        assert_eq!(
            MaintenanceStatus::from_wire("In progress"),
            MaintenanceStatus::InProgress
        );
    }
}
