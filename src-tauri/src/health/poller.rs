//! The engine's eyes between requests: it reads each provider's status page and the
//! workspace policy, lets time pass (policy ends, rate-limit resets), and probes models whose
//! breaker is due — every 60 s, every 20 s while anything is wrong, sooner when a probe is due.

use super::engine::{IncidentEvidence, StatusEvidence};
use super::policy::{self, PolicySource};
use super::service::HealthService;
use super::status_page::{Affected, FeedOutcome, Impact, StatusFeed, StatusReading, next_poll};
use crate::catalog::{Catalog, Model, ModelRef};
use crate::clock::Clock;
use crate::providers::keys::KeyLookup;
use crate::providers::retry::RetryPolicy;
use crate::providers::{ChatMessage, ChatRequest, ProviderClient, Role, Timeouts};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Arc;

/// Turns a status-page reading into what the engine weighs: open incidents and active
/// maintenances, each with the models it covers. An incident that names no model and no
/// API component is not evidence against any one model.
pub fn status_evidence(
    reading: &StatusReading,
    models: &[&Model],
    now: DateTime<Utc>,
) -> StatusEvidence {
    let evidence = |id: &str,
                    title: &str,
                    status: String,
                    severe: bool,
                    link: &Option<String>,
                    since: DateTime<Utc>,
                    affected: Affected| {
        let (models, all_models) = match affected {
            Affected::AllModels => (Vec::new(), true),
            Affected::Models(models) => (models, false),
            Affected::NoModels | Affected::Unclear => return None,
        };
        Some(IncidentEvidence {
            id: id.to_string(),
            title: title.to_string(),
            status,
            severe,
            link: link.clone(),
            since,
            models,
            all_models,
        })
    };
    StatusEvidence {
        incidents: reading
            .open_incidents()
            .filter_map(|i| {
                evidence(
                    &i.id,
                    &i.name,
                    serde_json::to_value(i.status)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    matches!(i.impact, Impact::Major | Impact::Critical),
                    &i.shortlink,
                    i.started_at.unwrap_or(i.updated_at),
                    i.affected_models(models.iter().copied()),
                )
            })
            .collect(),
        maintenances: reading
            .active_maintenances()
            .filter(|m| m.is_active(now))
            .filter_map(|m| {
                evidence(
                    &m.id,
                    &m.name,
                    "in progress".into(),
                    true,
                    &m.shortlink,
                    m.scheduled_for.unwrap_or(now),
                    m.affected_models(models.iter().copied()),
                )
            })
            .collect(),
        unreadable: None,
    }
}

struct Feed {
    provider: String,
    feed: StatusFeed,
    /// Whether the last good reading showed anything wrong.
    reading_wrong: bool,
    /// Whether the last fetch failed.
    unreadable: bool,
}

pub struct Poller {
    service: Arc<HealthService>,
    http: reqwest::Client,
    feeds: Vec<Feed>,
    policy: Option<PolicySource>,
    /// Clients for probing, per provider with a key; empty when probes are off.
    probes: HashMap<String, ProviderClient>,
    clock: Arc<dyn Clock>,
}

impl Poller {
    pub fn new(
        service: Arc<HealthService>,
        catalog: &Catalog,
        http: reqwest::Client,
        policy: Option<PolicySource>,
        probe_keys: Option<&KeyLookup>,
        timeouts: Timeouts,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let feeds = catalog
            .providers
            .iter()
            .filter_map(|p| {
                Some(Feed {
                    provider: p.id.clone(),
                    feed: StatusFeed::for_provider(p).ok().flatten()?,
                    reading_wrong: false,
                    unreadable: false,
                })
            })
            .collect();
        let probes = match probe_keys {
            None => HashMap::new(),
            Some(key_for) => catalog
                .providers
                .iter()
                .filter_map(|p| {
                    let key = key_for(p);
                    if p.needs_key() && key.is_none() {
                        return None;
                    }
                    // One attempt only: a probe that fails simply re-opens the breaker.
                    let retry = RetryPolicy {
                        max_retries: 0,
                        ..RetryPolicy::default()
                    };
                    let client =
                        ProviderClient::new(http.clone(), p, key, timeouts, retry, clock.clone())
                            .ok()?;
                    Some((p.id.clone(), client))
                })
                .collect(),
        };
        Self {
            service,
            // Status pages and the policy carry no key and may redirect to another host.
            http: crate::providers::client::feed_client(&timeouts),
            feeds,
            policy,
            probes,
            clock,
        }
    }

    /// Reads every feed and the policy once, probes what is due, and says whether anything
    /// is wrong (which shortens the next wait).
    pub async fn poll_once(&mut self) -> bool {
        let mut anything_wrong = false;
        // The live catalog: models learned from the providers' lists are matched too.
        let catalog = self.service.catalog();
        for Feed {
            provider,
            feed,
            reading_wrong,
            unreadable,
        } in &mut self.feeds
        {
            let now = self.clock.now();
            let models: Vec<&Model> = catalog.models_of(provider).collect();
            let source = match catalog.provider(provider) {
                Some(p) => format!("{}'s status page", p.name),
                None => format!("{provider}'s status page"),
            };
            match feed.fetch(&self.http, now).await {
                FeedOutcome::Fresh(reading) => {
                    *reading_wrong = reading.anything_wrong();
                    *unreadable = false;
                    self.service.set_source_problem(&source, None);
                    self.service
                        .record_status(provider, status_evidence(&reading, &models, now));
                }
                // Unchanged since the last good reading, which therefore still holds.
                FeedOutcome::NotModified => {
                    *unreadable = false;
                    self.service.set_source_problem(&source, None);
                }
                FeedOutcome::Problem(problem) => {
                    *unreadable = true;
                    self.service
                        .set_source_problem(&source, Some(problem.to_string()));
                    tracing::warn!(provider = %provider, %problem, "status page unreadable");
                    self.service.record_status(
                        provider,
                        StatusEvidence {
                            unreadable: Some(problem.to_string()),
                            ..StatusEvidence::default()
                        },
                    );
                }
            }
            anything_wrong |= *reading_wrong || *unreadable;
        }
        if let Some(source) = &self.policy {
            const POLICY: &str = "the workspace policy";
            match policy::read(&self.http, source).await {
                Ok(rules) => {
                    self.service.set_source_problem(POLICY, None);
                    self.service.record_policy(rules);
                }
                // The last good policy stays in force.
                Err(problem) => {
                    anything_wrong = true;
                    self.service
                        .set_source_problem(POLICY, Some(problem.clone()));
                    tracing::warn!(%problem, "the workspace policy could not be read; keeping the last one");
                }
            }
        }
        self.service.tick();
        self.probe_due().await;
        anything_wrong || self.service.next_probe_at().is_some()
    }

    /// Sends the smallest real request to each model whose breaker is due for a probe.
    pub async fn probe_due(&self) {
        for model in self.service.due_probes() {
            let Some(client) = self.probes.get(&model.provider) else {
                continue;
            };
            tracing::info!(model = %model, "probing");
            let _ = client
                .chat(&probe_request(&model), &self.service, &mut |_| {})
                .await;
        }
    }

    /// Polls until the process ends.
    pub async fn run(mut self) {
        let base = u64::from(std::process::id());
        for round in 0u64.. {
            let wrong = self.poll_once().await;
            let now = self.clock.now();
            // A different jitter each round, so many clients never poll in step.
            let mut next = next_poll(now, wrong, base.wrapping_mul(31).wrapping_add(round));
            if let Some(probe) = self.service.next_probe_at() {
                next = next.min(probe.max(now));
            }
            let wait = (next - now).to_std().unwrap_or_default();
            self.clock.sleep(wait).await;
        }
    }
}

fn probe_request(model: &ModelRef) -> ChatRequest {
    ChatRequest {
        model: model.model.clone(),
        system: None,
        messages: vec![ChatMessage {
            role: Role::User,
            text: "ping".into(),
        }],
        max_tokens: 1,
    }
}
