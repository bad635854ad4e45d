//! Scenarios: a timeline of steps that change how the simulated providers behave.
//!
//! A scenario is TOML. Each step takes effect at `at` seconds of scenario time and carries
//! forward until a later step changes the same thing:
//!
//! ```toml
//! name = "example"
//! description = "Opus 4.7 fails every other request from t=60, then recovers."
//!
//! [[steps]]
//! at = 0
//! label = "healthy"
//!
//! [[steps]]
//! at = 60
//! label = "Opus 4.7 fails half its requests"
//! [steps.models."anthropic/claude-opus-4-7"]
//! behaviour = "error"
//! error = "server_error"
//! fraction = 0.5
//!
//! [[steps]]
//! at = 120
//! label = "incident posted"
//! [steps.status.anthropic]
//! components = { "Claude API" = "degraded_performance" }
//! [[steps.status.anthropic.incidents]]
//! id = "q4lnmtw3kc8y"
//! name = "Elevated errors on Claude Opus 4.7"
//! impact = "major"
//! status = "investigating"
//! body = "We are currently investigating this issue."
//! components = ["Claude API"]
//!
//! [[steps]]
//! at = 300
//! label = "recovered"
//! models = { "anthropic/claude-opus-4-7" = { behaviour = "ok" } }
//!
//! [[steps]]
//! at = 360
//! label = "Opus 4.7 retired, Opus 6 released"
//! [steps.listing.anthropic]
//! remove = ["claude-opus-4-7"]
//! add = [{ id = "claude-opus-6", display_name = "Claude Opus 6", created = "2026-11-20T00:00:00Z", input_tokens = 1_000_000, output_tokens = 128_000 }]
//! ```
//!
//! - `models` keys are `provider/model`, `provider/*` or `*`; the most specific key in force wins.
//!   A `provider/model` key must name a model the provider serves at that step.
//!   Behaviours: `ok` (`latency_ms`, `chunk_ms`), `error` (`error` = a [`ErrorKind`] name,
//!   `retry_after`), `reset`, `refuse`, `stall` (`seconds`), `cut` and `stream_error`
//!   (`after_tokens`, `error`), `garbage`, `huge`. Any but `ok` takes `fraction`: the Nth request
//!   (from 0, counted per model since the step that set the behaviour) misbehaves iff
//!   `floor((N+1)·f) > floor(N·f)`, and otherwise answers `ok`.
//! - `status.<provider>` changes that provider's status page: `components` (name or id →
//!   status), `incidents` and `maintenances` updates (by `id`; the first names it). Each update is
//!   stamped with its step's time.
//! - `feeds.<anthropic|openai|gemini|policy>` sets how that status page (or the policy document)
//!   answers: `mode` = `ok`, `garbage`, `html_challenge` (`status`, default 403), `huge`, `stall`
//!   (`seconds`), `redirect`, `reset`.
//! - `listing.<anthropic|openai|gemini|ollama>` changes which models that provider serves:
//!   `remove` (ids; Ollama adds `:latest` to an untagged one) first, then `add` (`id`,
//!   `display_name`, `created` as an RFC 3339 string, `input_tokens`, `output_tokens`). Each
//!   change carries forward; a later step may remove an added model or re-add a removed one.
//!   Every list endpoint serves the result (added models first, newest `created` first, then
//!   the base models left, in their order — see [`catalog::Served`]); a chat request to a
//!   removed model gets the provider's real "not found", as an unknown model does; an added
//!   model answers `ok` unless `models` says otherwise. Removing a model not served at that
//!   point, or adding one already served, is an error at load.
//! - `policy` replaces the workspace policy document (`disabled` entries; `until` in scenario
//!   seconds).
//! - `epoch` (RFC 3339, optional) is the wall time of t=0 on status pages; by default, the
//!   moment the simulator starts.

use crate::catalog::{self, Model, Served};
use crate::status;
use crate::stubs::ErrorKind;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The built-in scenarios, by name.
const BUILTINS: &[(&str, &str)] = &[
    ("healthy", include_str!("scenarios/healthy.toml")),
    ("june-2026", include_str!("scenarios/june-2026.toml")),
    ("offline", include_str!("scenarios/offline.toml")),
    ("bad-key", include_str!("scenarios/bad-key.toml")),
    ("rate-limited", include_str!("scenarios/rate-limited.toml")),
    ("quota", include_str!("scenarios/quota.toml")),
    ("maintenance", include_str!("scenarios/maintenance.toml")),
    ("flapping", include_str!("scenarios/flapping.toml")),
    ("garbage-feed", include_str!("scenarios/garbage-feed.toml")),
    (
        "model-changes",
        include_str!("scenarios/model-changes.toml"),
    ),
    (
        "multiple-models",
        include_str!("scenarios/multiple-models.toml"),
    ),
];

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("cannot read scenario file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("scenario is not valid TOML: {0}")]
    Toml(String),
    #[error("scenario {scenario:?}, {place}: {problem}")]
    Invalid {
        scenario: String,
        place: String,
        problem: String,
    },
    #[error("no built-in scenario named {name:?} (built-ins: {known})")]
    UnknownBuiltin { name: String, known: String },
}

/// A validated scenario.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Wall time of t=0 on status pages and the policy; `None` = when the simulator starts.
    pub epoch: Option<DateTime<Utc>>,
    pub steps: Vec<Step>,
}

/// One point on the timeline.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Scenario seconds at which this step takes effect.
    pub at: u64,
    pub label: String,
    #[serde(default)]
    pub models: BTreeMap<String, Behaviour>,
    #[serde(default)]
    pub status: BTreeMap<String, StatusChange>,
    #[serde(default)]
    pub feeds: BTreeMap<String, Feed>,
    pub policy: Option<Policy>,
    #[serde(default)]
    pub listing: BTreeMap<String, ListingChange>,
}

/// Changes to the models one provider serves: `remove` first, then `add`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListingChange {
    #[serde(default)]
    pub add: Vec<Model>,
    /// Ids as a request names them.
    #[serde(default)]
    pub remove: Vec<String>,
}

/// How requests to a model are answered.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Behaviour {
    pub behaviour: BehaviourKind,
    pub error: Option<ErrorKind>,
    pub fraction: Option<f64>,
    pub retry_after: Option<u64>,
    pub latency_ms: Option<u64>,
    pub chunk_ms: Option<u64>,
    pub seconds: Option<f64>,
    pub after_tokens: Option<usize>,
}

impl Behaviour {
    /// Plain `ok`.
    pub fn ok() -> Self {
        Behaviour {
            behaviour: BehaviourKind::Ok,
            error: None,
            fraction: None,
            retry_after: None,
            latency_ms: None,
            chunk_ms: None,
            seconds: None,
            after_tokens: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BehaviourKind {
    Ok,
    Error,
    /// Drop the connection with a TCP RST before any answer.
    Reset,
    /// As `reset`: all providers share one listening port, so a refused connection is
    /// simulated by a reset right after the request head arrives.
    Refuse,
    /// Wait `seconds` (real time) before the headers, then answer `ok`.
    Stall,
    /// End the body abruptly after `after_tokens` tokens.
    Cut,
    /// Send the provider's in-stream error after `after_tokens` tokens.
    StreamError,
    Garbage,
    Huge,
}

impl BehaviourKind {
    pub fn name(self) -> &'static str {
        match self {
            BehaviourKind::Ok => "ok",
            BehaviourKind::Error => "error",
            BehaviourKind::Reset => "reset",
            BehaviourKind::Refuse => "refused",
            BehaviourKind::Stall => "stalled",
            BehaviourKind::Cut => "cut",
            BehaviourKind::StreamError => "stream_error",
            BehaviourKind::Garbage => "garbage",
            BehaviourKind::Huge => "huge",
        }
    }
}

/// Changes to one provider's status page.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    #[serde(default)]
    pub components: BTreeMap<String, ComponentStatus>,
    #[serde(default)]
    pub incidents: Vec<IncidentUpdate>,
    #[serde(default)]
    pub maintenances: Vec<MaintenanceUpdate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComponentStatus {
    Operational,
    UnderMaintenance,
    DegradedPerformance,
    PartialOutage,
    MajorOutage,
}

impl ComponentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ComponentStatus::Operational => "operational",
            ComponentStatus::UnderMaintenance => "under_maintenance",
            ComponentStatus::DegradedPerformance => "degraded_performance",
            ComponentStatus::PartialOutage => "partial_outage",
            ComponentStatus::MajorOutage => "major_outage",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    None,
    Minor,
    Major,
    Critical,
    Maintenance,
}

impl Impact {
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::None => "none",
            Impact::Minor => "minor",
            Impact::Major => "major",
            Impact::Critical => "critical",
            Impact::Maintenance => "maintenance",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentStatus {
    Investigating,
    Identified,
    Monitoring,
    Resolved,
    Postmortem,
}

impl IncidentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentStatus::Investigating => "investigating",
            IncidentStatus::Identified => "identified",
            IncidentStatus::Monitoring => "monitoring",
            IncidentStatus::Resolved => "resolved",
            IncidentStatus::Postmortem => "postmortem",
        }
    }
}

/// One update to an incident; the first for an `id` opens it and must give `name`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentUpdate {
    pub id: String,
    pub name: Option<String>,
    pub impact: Option<Impact>,
    pub status: IncidentStatus,
    pub body: String,
    /// Components this update touches (name or id); their change in this same step is
    /// recorded as the update's `affected_components`.
    #[serde(default)]
    pub components: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaintenanceStatus {
    Scheduled,
    InProgress,
    Verifying,
    Completed,
}

impl MaintenanceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MaintenanceStatus::Scheduled => "scheduled",
            MaintenanceStatus::InProgress => "in_progress",
            MaintenanceStatus::Verifying => "verifying",
            MaintenanceStatus::Completed => "completed",
        }
    }
}

/// One update to a scheduled maintenance; the first for an `id` must give `name`,
/// `scheduled_for` and `scheduled_until` (scenario seconds, may be negative).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaintenanceUpdate {
    pub id: String,
    pub name: Option<String>,
    pub status: MaintenanceStatus,
    pub scheduled_for: Option<i64>,
    pub scheduled_until: Option<i64>,
    pub body: String,
    #[serde(default)]
    pub components: Vec<String>,
}

/// How a status page or the policy document answers.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feed {
    pub mode: FeedMode,
    /// For `html_challenge`: 200 or 403 (default 403).
    pub status: Option<u16>,
    /// For `stall`: seconds (real time) before the headers.
    pub seconds: Option<f64>,
}

impl Feed {
    pub fn ok() -> Self {
        Feed {
            mode: FeedMode::Ok,
            status: None,
            seconds: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedMode {
    Ok,
    Garbage,
    HtmlChallenge,
    Huge,
    Stall,
    Redirect,
    Reset,
}

impl FeedMode {
    pub fn name(self) -> &'static str {
        match self {
            FeedMode::Ok => "ok",
            FeedMode::Garbage => "garbage",
            FeedMode::HtmlChallenge => "html_challenge",
            FeedMode::Huge => "huge",
            FeedMode::Stall => "stalled",
            FeedMode::Redirect => "redirect",
            FeedMode::Reset => "reset",
        }
    }
}

/// The workspace policy document, as a scenario states it.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    #[serde(default)]
    pub disabled: Vec<PolicyEntry>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyEntry {
    pub provider: String,
    pub model: Option<String>,
    pub message: String,
    /// Scenario seconds; served as RFC 3339.
    pub until: Option<i64>,
}

/// The feed keys a scenario may set.
pub const FEEDS: [&str; 4] = ["anthropic", "openai", "gemini", "policy"];

impl Scenario {
    /// A built-in scenario by name (see [`Scenario::builtin_names`]).
    pub fn builtin(name: &str) -> Result<Scenario, ScenarioError> {
        let text = BUILTINS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, text)| *text)
            .ok_or_else(|| ScenarioError::UnknownBuiltin {
                name: name.to_string(),
                known: Self::builtin_names().join(", "),
            })?;
        Scenario::from_toml(text)
    }

    pub fn builtin_names() -> Vec<&'static str> {
        BUILTINS.iter().map(|(name, _)| *name).collect()
    }

    pub fn from_file(path: impl AsRef<Path>) -> Result<Scenario, ScenarioError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Scenario::from_toml(&text)
    }

    /// A file if `name_or_path` names one, else a built-in.
    pub fn load(name_or_path: &str) -> Result<Scenario, ScenarioError> {
        if Path::new(name_or_path).is_file() {
            Scenario::from_file(name_or_path)
        } else {
            Scenario::builtin(name_or_path)
        }
    }

    pub fn from_toml(text: &str) -> Result<Scenario, ScenarioError> {
        let mut scenario: Scenario =
            toml::from_str(text).map_err(|e| ScenarioError::Toml(e.to_string()))?;
        scenario.validate()?;
        Ok(scenario)
    }

    fn validate(&mut self) -> Result<(), ScenarioError> {
        let name = self.name.clone();
        let fail = |place: String, problem: String| ScenarioError::Invalid {
            scenario: name.clone(),
            place,
            problem,
        };
        if self.steps.is_empty() {
            return Err(fail(
                "steps".into(),
                "a scenario needs at least one step".into(),
            ));
        }
        if self.steps[0].at != 0 {
            return Err(fail(
                "step 0".into(),
                format!("the first step must be at 0, not {}", self.steps[0].at),
            ));
        }
        let mut previous = 0;
        let mut opened_incidents: Vec<(String, String)> = Vec::new();
        let mut opened_maintenances: Vec<(String, String)> = Vec::new();
        let mut served = Served::base();
        for (index, step) in self.steps.iter_mut().enumerate() {
            let place = format!("step {index} ({:?}, at {})", step.label, step.at);
            if step.at < previous {
                return Err(fail(
                    place,
                    format!("steps must be in time order, but this one comes after t={previous}"),
                ));
            }
            previous = step.at;
            for (provider, change) in &step.listing {
                served
                    .apply(provider, &change.add, &change.remove)
                    .map_err(|problem| fail(format!("{place}, listing.{provider}"), problem))?;
            }
            let mut models = BTreeMap::new();
            for (key, behaviour) in std::mem::take(&mut step.models) {
                let key = normalize_model_key(&key, &served)
                    .map_err(|problem| fail(format!("{place}, models.{key:?}"), problem))?;
                check_behaviour(behaviour.clone())
                    .map_err(|problem| fail(format!("{place}, models.{key:?}"), problem))?;
                models.insert(key, behaviour);
            }
            step.models = models;
            for (provider, change) in &step.status {
                let here = format!("{place}, status.{provider}");
                let page = status::page_def(provider).ok_or_else(|| {
                    fail(
                        here.clone(),
                        "no status page for this provider (anthropic, openai, gemini)".into(),
                    )
                })?;
                let check_component = |name: &str| {
                    if page.component(name).is_some() {
                        Ok(())
                    } else {
                        Err(fail(
                            here.clone(),
                            format!(
                                "no component {name:?} on this page (components: {})",
                                page.component_names().join(", ")
                            ),
                        ))
                    }
                };
                for component in change.components.keys() {
                    check_component(component)?;
                }
                for update in &change.incidents {
                    update
                        .components
                        .iter()
                        .try_for_each(|c| check_component(c))?;
                    let key = (provider.clone(), update.id.clone());
                    if !opened_incidents.contains(&key) {
                        if update.name.is_none() {
                            return Err(fail(
                                here.clone(),
                                format!(
                                    "incident {:?} first appears here, so it needs a `name`",
                                    update.id
                                ),
                            ));
                        }
                        opened_incidents.push(key);
                    }
                }
                for update in &change.maintenances {
                    update
                        .components
                        .iter()
                        .try_for_each(|c| check_component(c))?;
                    let key = (provider.clone(), update.id.clone());
                    if !opened_maintenances.contains(&key) {
                        if update.name.is_none()
                            || update.scheduled_for.is_none()
                            || update.scheduled_until.is_none()
                        {
                            return Err(fail(
                                here.clone(),
                                format!(
                                    "maintenance {:?} first appears here, so it needs `name`, `scheduled_for` and `scheduled_until`",
                                    update.id
                                ),
                            ));
                        }
                        opened_maintenances.push(key);
                    }
                }
            }
            for (key, feed) in &step.feeds {
                let here = format!("{place}, feeds.{key}");
                if !FEEDS.contains(&key.as_str()) {
                    return Err(fail(here, format!("feeds are {}", FEEDS.join(", "))));
                }
                if feed.mode == FeedMode::Stall && feed.seconds.is_none() {
                    return Err(fail(here, "mode \"stall\" needs `seconds`".into()));
                }
                if let Some(status) = feed.status
                    && !(feed.mode == FeedMode::HtmlChallenge && (status == 200 || status == 403))
                {
                    return Err(fail(
                        here,
                        "`status` is for mode \"html_challenge\" and must be 200 or 403".into(),
                    ));
                }
            }
            if let Some(policy) = &step.policy {
                for entry in &policy.disabled {
                    if catalog::models(&entry.provider).is_empty() {
                        return Err(fail(
                            format!("{place}, policy"),
                            format!("unknown provider {:?}", entry.provider),
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

/// Checks a `models` key against what is `served` at its step and returns it with the model's
/// canonical id.
fn normalize_model_key(key: &str, served: &Served) -> Result<String, String> {
    if key == "*" {
        return Ok(key.to_string());
    }
    let Some((provider, model)) = key.split_once('/') else {
        return Err("a models key is `provider/model`, `provider/*` or `*`".into());
    };
    if !catalog::PROVIDERS.contains(&provider) {
        return Err(format!(
            "unknown provider {provider:?} ({})",
            catalog::PROVIDERS.join(", ")
        ));
    }
    if model == "*" {
        return Ok(key.to_string());
    }
    match served.resolve(provider, model) {
        Some(served_model) => Ok(format!("{provider}/{}", served_model.id)),
        None => Err(format!(
            "{provider} serves no model {model:?} in the simulator at this step (it serves {})",
            served
                .models(provider)
                .iter()
                .map(|m| m.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

fn check_behaviour(b: Behaviour) -> Result<(), String> {
    if let Some(f) = b.fraction
        && !(f > 0.0 && f <= 1.0)
    {
        return Err(format!("`fraction` must be in (0, 1], not {f}"));
    }
    match b.behaviour {
        BehaviourKind::Error if b.error.is_none() => {
            Err("behaviour \"error\" needs `error` (e.g. \"server_error\", \"overloaded\")".into())
        }
        BehaviourKind::Stall if b.seconds.is_none() => {
            Err("behaviour \"stall\" needs `seconds`".into())
        }
        BehaviourKind::Cut | BehaviourKind::StreamError if b.after_tokens.is_none() => Err(
            format!("behaviour {:?} needs `after_tokens`", b.behaviour.name()),
        ),
        BehaviourKind::Ok if b.fraction.is_some() => {
            Err("`fraction` makes no sense with behaviour \"ok\"".into())
        }
        _ => Ok(()),
    }
}
