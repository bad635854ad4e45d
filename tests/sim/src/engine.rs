//! The scenario engine: scenario time, the timeline resolved step by step, per-request
//! decisions, and the request log.

use crate::catalog::Served;
use crate::scenario::{Behaviour, BehaviourKind, Feed, Policy, Scenario};
use crate::status::{PAGES, PageState, page_def};
use crate::stubs::ErrorKind;
use chrono::{DateTime, Duration as ChronoDuration, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// One request as the simulator saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoggedRequest {
    /// Scenario seconds when it arrived.
    pub t: f64,
    /// Wall-clock time when it arrived (RFC 3339).
    pub wall: String,
    /// `anthropic`, `openai`, `gemini`, `ollama`, or `policy`.
    pub provider: Option<String>,
    /// The model the request named, as named.
    pub model: Option<String>,
    pub method: String,
    pub path: String,
    /// The status answered; `None` when the connection was reset instead.
    pub status: Option<u16>,
    /// One word: `ok`, an error name (`server_error`, `rate_limited`, `missing_key`, …),
    /// `reset`, `refused`, `stalled`, `cut`, `stream_error`, `garbage`, `huge`,
    /// `html_challenge`, `redirect`, `not_modified`.
    pub outcome: String,
    /// A chat request's last user message, as sent.
    #[serde(default)]
    pub prompt: Option<String>,
    /// A chat request's system prompt (Anthropic `system`, OpenAI's system or developer
    /// message, Gemini `systemInstruction`), as sent.
    #[serde(default)]
    pub system: Option<String>,
}

/// What a chat request said, for the log.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Said {
    pub prompt: String,
    pub system: Option<String>,
}

/// Where the scenario is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimState {
    pub scenario: String,
    /// Scenario seconds.
    pub time: f64,
    pub step_index: usize,
    pub step_label: String,
    pub manual_clock: bool,
    /// The model ids each provider serves now, in list order (see [`Served`]).
    pub served_models: BTreeMap<String, Vec<String>>,
}

/// Scenario time: wall time since start (unless manual) plus every advance.
#[derive(Debug)]
struct Clock {
    manual: bool,
    started: tokio::time::Instant,
    advanced: Mutex<Duration>,
}

impl Clock {
    fn now(&self) -> Duration {
        let advanced = *self.advanced.lock().expect("clock lock");
        if self.manual {
            advanced
        } else {
            advanced + self.started.elapsed()
        }
    }
}

/// What to do with one request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Plan {
    Ok {
        latency_ms: u64,
        chunk_ms: u64,
    },
    Error {
        kind: ErrorKind,
        retry_after: Option<u64>,
    },
    Reset,
    Refuse,
    Stall {
        seconds: f64,
    },
    Cut {
        after: usize,
    },
    StreamError {
        after: usize,
        kind: ErrorKind,
    },
    Garbage,
    Huge,
}

impl Plan {
    pub(crate) fn outcome(&self) -> &'static str {
        match self {
            Plan::Ok { .. } => "ok",
            Plan::Error { kind, .. } => kind.name(),
            Plan::Reset => BehaviourKind::Reset.name(),
            Plan::Refuse => BehaviourKind::Refuse.name(),
            Plan::Stall { .. } => BehaviourKind::Stall.name(),
            Plan::Cut { .. } => BehaviourKind::Cut.name(),
            Plan::StreamError { .. } => BehaviourKind::StreamError.name(),
            Plan::Garbage => BehaviourKind::Garbage.name(),
            Plan::Huge => BehaviourKind::Huge.name(),
        }
    }

    fn from_behaviour(b: &Behaviour) -> Plan {
        match b.behaviour {
            BehaviourKind::Ok => Plan::Ok {
                latency_ms: b.latency_ms.unwrap_or(0),
                chunk_ms: b.chunk_ms.unwrap_or(0),
            },
            BehaviourKind::Error => Plan::Error {
                kind: b.error.unwrap_or(ErrorKind::ServerError),
                retry_after: b.retry_after,
            },
            BehaviourKind::Reset => Plan::Reset,
            BehaviourKind::Refuse => Plan::Refuse,
            BehaviourKind::Stall => Plan::Stall {
                seconds: b.seconds.unwrap_or(0.0),
            },
            BehaviourKind::Cut => Plan::Cut {
                after: b.after_tokens.unwrap_or(0),
            },
            BehaviourKind::StreamError => Plan::StreamError {
                after: b.after_tokens.unwrap_or(0),
                kind: b.error.unwrap_or(ErrorKind::Overloaded),
            },
            BehaviourKind::Garbage => Plan::Garbage,
            BehaviourKind::Huge => Plan::Huge,
        }
    }
}

/// Whether the Nth request (from 0) misbehaves under `fraction`: exactly when
/// `floor((N+1)·f) > floor(N·f)`, so over any run of requests the share is as close to `f`
/// as whole requests allow.
pub fn fraction_hits(n: u64, fraction: f64) -> bool {
    ((n + 1) as f64 * fraction).floor() > (n as f64 * fraction).floor()
}

/// The world at one step: everything carried forward up to it.
#[derive(Debug, Clone)]
struct Resolved {
    /// Key → (behaviour, index of the step that set it).
    behaviours: BTreeMap<String, (Behaviour, usize)>,
    feeds: BTreeMap<String, Feed>,
    policy: Value,
    policy_modified: DateTime<Utc>,
    pages: BTreeMap<&'static str, PageState>,
    served: Served,
}

#[derive(Debug)]
pub(crate) struct Engine {
    pub(crate) scenario: Scenario,
    pub(crate) epoch: DateTime<Utc>,
    clock: Clock,
    timeline: Vec<Resolved>,
    log: Mutex<Vec<LoggedRequest>>,
    counters: Mutex<HashMap<(String, usize), u64>>,
    seq: AtomicU64,
}

impl Engine {
    pub(crate) fn new(mut scenario: Scenario, manual_clock: bool) -> Engine {
        // A scenario built by hand may skip validation; the timeline needs a step at 0.
        if scenario.steps.first().is_none_or(|s| s.at != 0) {
            scenario.steps.insert(
                0,
                crate::scenario::Step {
                    at: 0,
                    label: "start".into(),
                    models: BTreeMap::new(),
                    status: BTreeMap::new(),
                    feeds: BTreeMap::new(),
                    policy: None,
                    listing: BTreeMap::new(),
                },
            );
        }
        let epoch = scenario.epoch.unwrap_or_else(|| {
            let now = Utc::now();
            now - ChronoDuration::nanoseconds(i64::from(now.timestamp_subsec_nanos()))
        });
        let timeline = resolve_timeline(&scenario, epoch);
        Engine {
            scenario,
            epoch,
            clock: Clock {
                manual: manual_clock,
                started: tokio::time::Instant::now(),
                advanced: Mutex::new(Duration::ZERO),
            },
            timeline,
            log: Mutex::new(Vec::new()),
            counters: Mutex::new(HashMap::new()),
            seq: AtomicU64::new(0),
        }
    }

    /// Scenario time.
    pub(crate) fn now(&self) -> Duration {
        self.clock.now()
    }

    /// The scenario's wall time: epoch + scenario time (status pages, reset headers).
    pub(crate) fn now_wall(&self) -> DateTime<Utc> {
        self.epoch + ChronoDuration::milliseconds(self.now().as_millis() as i64)
    }

    pub(crate) fn advance(&self, by: Duration) -> SimState {
        *self.clock.advanced.lock().expect("clock lock") += by;
        self.state()
    }

    pub(crate) fn next_seq(&self) -> u64 {
        self.seq.fetch_add(1, Ordering::Relaxed)
    }

    fn step_index(&self) -> usize {
        let now = self.now().as_secs_f64();
        self.scenario
            .steps
            .iter()
            .rposition(|s| s.at as f64 <= now)
            .unwrap_or(0)
    }

    fn current(&self) -> &Resolved {
        &self.timeline[self.step_index()]
    }

    pub(crate) fn state(&self) -> SimState {
        let index = self.step_index();
        SimState {
            scenario: self.scenario.name.clone(),
            time: self.now().as_secs_f64(),
            step_index: index,
            step_label: self.scenario.steps[index].label.clone(),
            manual_clock: self.clock.manual,
            served_models: self.timeline[index].served.ids(),
        }
    }

    /// What to do with a request to `provider`/`model` (`None`: a provider-wide endpoint such
    /// as a model list). Counts the request toward `fraction`.
    pub(crate) fn decide(&self, provider: &str, model: Option<&str>) -> Plan {
        let resolved = self.current();
        let keys: Vec<String> = match model {
            Some(model) => vec![
                format!("{provider}/{model}"),
                format!("{provider}/*"),
                "*".into(),
            ],
            None => vec![format!("{provider}/*"), "*".into()],
        };
        let Some((behaviour, step)) = keys.iter().find_map(|k| resolved.behaviours.get(k)) else {
            return Plan::Ok {
                latency_ms: 0,
                chunk_ms: 0,
            };
        };
        if let Some(fraction) = behaviour.fraction {
            let counter_key = (keys[0].clone(), *step);
            let mut counters = self.counters.lock().expect("counter lock");
            let n = counters.entry(counter_key).or_insert(0);
            let hit = fraction_hits(*n, fraction);
            *n += 1;
            if !hit {
                return Plan::Ok {
                    latency_ms: 0,
                    chunk_ms: 0,
                };
            }
        }
        Plan::from_behaviour(behaviour)
    }

    /// How the feed `key` (`anthropic`, `openai`, `gemini`, `policy`) answers now.
    pub(crate) fn feed(&self, key: &str) -> Feed {
        self.current()
            .feeds
            .get(key)
            .cloned()
            .unwrap_or_else(Feed::ok)
    }

    /// The models each provider serves now.
    pub(crate) fn served(&self) -> &Served {
        &self.current().served
    }

    pub(crate) fn page(&self, provider: &str) -> Option<PageState> {
        self.current().pages.get(provider).cloned()
    }

    /// The policy document and when it last changed.
    pub(crate) fn policy(&self) -> (Value, DateTime<Utc>) {
        let current = self.current();
        (current.policy.clone(), current.policy_modified)
    }

    pub(crate) fn log(
        &self,
        provider: Option<&str>,
        model: Option<&str>,
        method: &str,
        path: &str,
        status: Option<u16>,
        outcome: &str,
    ) {
        self.record(self.entry(provider, model, method, path, status, outcome));
    }

    /// A log entry for a request now, saying nothing of what it said.
    pub(crate) fn entry(
        &self,
        provider: Option<&str>,
        model: Option<&str>,
        method: &str,
        path: &str,
        status: Option<u16>,
        outcome: &str,
    ) -> LoggedRequest {
        LoggedRequest {
            t: self.now().as_secs_f64(),
            wall: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
            provider: provider.map(str::to_string),
            model: model.map(str::to_string),
            method: method.to_string(),
            path: path.to_string(),
            status,
            outcome: outcome.to_string(),
            prompt: None,
            system: None,
        }
    }

    pub(crate) fn record(&self, entry: LoggedRequest) {
        tracing::info!(
            t = entry.t,
            provider = entry.provider.as_deref().unwrap_or("-"),
            model = entry.model.as_deref().unwrap_or("-"),
            status = entry.status.map(i64::from).unwrap_or(-1),
            outcome = %entry.outcome,
            "{} {}",
            entry.method,
            entry.path
        );
        self.log.lock().expect("log lock").push(entry);
    }

    pub(crate) fn requests(&self) -> Vec<LoggedRequest> {
        self.log.lock().expect("log lock").clone()
    }
}

fn policy_json(policy: &Policy, epoch: DateTime<Utc>, updated: DateTime<Utc>) -> Value {
    let disabled: Vec<Value> = policy
        .disabled
        .iter()
        .map(|entry| {
            json!({
                "provider": entry.provider,
                "model": entry.model,
                "message": entry.message,
                "until": entry.until.map(|s| (epoch + ChronoDuration::seconds(s)).to_rfc3339_opts(SecondsFormat::Secs, true)),
            })
        })
        .collect();
    json!({
        "updated_at": updated.to_rfc3339_opts(SecondsFormat::Secs, true),
        "disabled": disabled,
    })
}

fn resolve_timeline(scenario: &Scenario, epoch: DateTime<Utc>) -> Vec<Resolved> {
    let policy_start = epoch - ChronoDuration::days(14);
    let mut current = Resolved {
        behaviours: BTreeMap::new(),
        feeds: BTreeMap::new(),
        policy: policy_json(&Policy::default(), epoch, policy_start),
        policy_modified: policy_start,
        pages: PAGES
            .iter()
            .filter_map(|p| page_def(p))
            .map(|def| (def.provider, PageState::initial(def, epoch)))
            .collect(),
        served: Served::base(),
    };
    let mut timeline = Vec::with_capacity(scenario.steps.len());
    for (index, step) in scenario.steps.iter().enumerate() {
        let at = epoch + ChronoDuration::seconds(step.at as i64);
        for (key, behaviour) in &step.models {
            current
                .behaviours
                .insert(key.clone(), (behaviour.clone(), index));
        }
        for (provider, change) in &step.listing {
            // Validation catches this at load; a scenario built by hand may skip it.
            if let Err(problem) = current.served.apply(provider, &change.add, &change.remove) {
                tracing::warn!(step = index, %provider, "listing change ignored: {problem}");
            }
        }
        for (key, feed) in &step.feeds {
            current.feeds.insert(key.clone(), feed.clone());
        }
        if let Some(policy) = &step.policy {
            current.policy = policy_json(policy, epoch, at);
            current.policy_modified = at;
        }
        for (provider, change) in &step.status {
            if let Some(page) = current.pages.get_mut(provider.as_str()) {
                page.apply(change, at);
                page.schedule(change, epoch);
            }
        }
        timeline.push(current.clone());
    }
    timeline
}
