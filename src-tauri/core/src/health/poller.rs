//! The engine's eyes between requests: it reads each provider's status page and the
//! workspace policy, lets time pass (policy ends, rate-limit resets), and probes models whose
//! breaker is due — every 60 s, every 20 s while anything is wrong, sooner when a probe is due.

use super::engine::StatusEvidence;

use super::policy::{self, PolicySource};
use super::service::HealthService;
use super::status_page::IncidentUpdateReading;
use super::status_page::{
    Affected, ComponentKind, ComponentReading, FeedOutcome, Impact, PollSchedule, StatusFeed,
    StatusReading, component_kind, others_unaffected, unlisted_names,
};
use crate::catalog::{Catalog, Model};
use crate::clock::Clock;
use crate::providers::keys::KeyLookup;
use crate::providers::retry::RetryPolicy;
use crate::providers::{ChatMessage, ChatRequest, ProviderClient, Timeouts};
use crate::vocabulary::ComponentStatus;
use crate::vocabulary::ModelRef;
use crate::vocabulary::Role;
use crate::vocabulary::{ComponentEvidence, IncidentEvidence, IncidentPost, wire_word};
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// Turns a status-page reading into what the engine weighs: open incidents and active
/// maintenances, each with the models its text names and the model-API component it
/// reports (whose status says how far it reaches the models the text does not name), and a
/// model-API component the page marks as not working with no incident about it. An incident
/// that names no model and no API component is not evidence against any one model.
pub fn status_evidence(
    reading: &StatusReading,
    models: &[&Model],
    now: DateTime<Utc>,
) -> StatusEvidence {
    let catalog_models = models;
    // The worst model-API component among those an incident lists, as the page shows it now.
    let api_component = |ids: &[String], names: &[String]| -> Option<ComponentEvidence> {
        reading
            .components
            .iter()
            .filter(|c| ids.contains(&c.id) || names.contains(&c.name))
            .filter(|c| component_kind(&c.name) == ComponentKind::ModelApi)
            .max_by_key(|c| c.status.indicator())
            .map(|c| ComponentEvidence {
                name: c.name.clone(),
                status: c.status,
            })
    };
    let evidence = |id: &str,
                    title: &str,
                    status: String,
                    severe: bool,
                    link: &Option<String>,
                    since: DateTime<Utc>,
                    affected: Affected,
                    recovered: Vec<String>,
                    unlisted_names: Vec<String>,
                    others_unaffected: bool,
                    component: Option<ComponentEvidence>| {
        let (models, all_models, api_wide) = match affected {
            Affected::AllModels => (Vec::new(), true, false),
            Affected::Models(models) => (models, false, false),
            Affected::ApiWide => (Vec::new(), false, true),
            // Nothing for the models, unless the component it lists is itself in trouble.
            Affected::NoModels | Affected::Unclear
                if component.as_ref().is_some_and(|c| c.status.is_problem()) =>
            {
                (Vec::new(), false, false)
            }
            Affected::NoModels | Affected::Unclear => return None,
        };
        let model_names = models
            .iter()
            .filter_map(|id| catalog_models.iter().find(|m| m.id == *id))
            .map(|m| m.display_name.clone())
            .collect();
        Some(IncidentEvidence {
            id: id.to_string(),
            title: title.to_string(),
            status,
            severe,
            link: link.clone(),
            since,
            models,
            all_models,
            model_names,
            recovered,
            unlisted_names,
            others_unaffected,
            api_wide,
            component,
        })
    };
    let incidents: Vec<IncidentEvidence> = reading
        .open_incidents()
        .filter_map(|i| {
            evidence(
                &i.id,
                &i.name,
                wire_word(&i.status),
                matches!(i.impact, Impact::Major | Impact::Critical),
                &i.shortlink,
                i.started_at.unwrap_or(i.updated_at),
                i.affected_models(models.iter().copied()),
                i.reported_recovered(models.iter().copied()),
                i.unlisted_names(models.iter().copied()),
                i.others_unaffected(),
                api_component(&i.component_ids, &i.component_names),
            )
        })
        .collect();
    let maintenances: Vec<IncidentEvidence> = reading
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
                Vec::new(),
                unlisted_names(&m.text(), models.iter().copied()),
                others_unaffected(&m.text()),
                api_component(&m.component_ids, &m.component_names),
            )
        })
        .collect();
    // A model-API component in trouble that no open incident lists: the page's own word.
    let listed = |c: &ComponentReading| {
        reading
            .open_incidents()
            .any(|i| i.component_ids.contains(&c.id) || i.component_names.contains(&c.name))
    };
    let unexplained = reading
        .components
        .iter()
        .filter(|c| c.status.is_problem() && !c.is_group)
        .filter(|c| component_kind(&c.name) == ComponentKind::ModelApi && !listed(c))
        .max_by_key(|c| c.status.indicator())
        .map(|c| IncidentEvidence {
            id: format!("component:{}", c.id),
            title: format!("{}: {}", c.name, c.status.words().trim_start_matches("a ")),
            status: "reported".into(),
            severe: c.status == ComponentStatus::MajorOutage,
            link: reading.page_url.clone(),
            since: reading.fetched_at,
            models: Vec::new(),
            all_models: false,
            model_names: Vec::new(),
            recovered: Vec::new(),
            unlisted_names: Vec::new(),
            others_unaffected: false,
            api_wide: false,
            component: Some(ComponentEvidence {
                name: c.name.clone(),
                status: c.status,
            }),
        });
    StatusEvidence {
        incidents: incidents.into_iter().chain(unexplained).collect(),
        maintenances,
        unreadable: None,
    }
}

/// Every post `reading` holds about an incident or maintenance, each with the models (of
/// `models`, one provider's) its incident names: the provider's lane of an episode's
/// timeline. An entry with no updates of its own is one post: its status when read.
pub fn incident_posts(
    provider: &str,
    reading: &StatusReading,
    models: &[&Model],
    seen_at: DateTime<Utc>,
) -> Vec<IncidentPost> {
    let named = |affected: Affected, recovered: Vec<String>| match affected {
        Affected::AllModels => (Vec::new(), true),
        Affected::Models(mut named) => {
            for model in recovered {
                if !named.contains(&model) {
                    named.push(model);
                }
            }
            (named, false)
        }
        _ => (recovered, false),
    };
    let mut posts = Vec::new();
    let mut post_all = |id: &str,
                        name: &str,
                        link: &Option<String>,
                        (models, all_models): (Vec<String>, bool),
                        updates: &[IncidentUpdateReading],
                        status: String,
                        at: DateTime<Utc>| {
        let post = |status: String, body: &str, posted_at| IncidentPost {
            provider: provider.to_string(),
            incident_id: id.to_string(),
            incident_name: name.to_string(),
            link: link.clone(),
            models: models.clone(),
            all_models,
            status,
            body: body.to_string(),
            posted_at,
            seen_at,
        };
        if updates.is_empty() {
            posts.push(post(status, "", at));
        }
        // Oldest first, as they were posted.
        for update in updates.iter().rev() {
            posts.push(post(wire_word(&update.status), &update.body, update.at));
        }
    };
    for incident in &reading.incidents {
        post_all(
            &incident.id,
            &incident.name,
            &incident.shortlink,
            named(
                incident.affected_models(models.iter().copied()),
                incident.reported_recovered(models.iter().copied()),
            ),
            &incident.updates,
            wire_word(&incident.status),
            incident.started_at.unwrap_or(incident.updated_at),
        );
    }
    for maintenance in &reading.maintenances {
        post_all(
            &maintenance.id,
            &maintenance.name,
            &maintenance.shortlink,
            named(
                maintenance.affected_models(models.iter().copied()),
                Vec::new(),
            ),
            &maintenance.updates,
            wire_word(&maintenance.status),
            maintenance.scheduled_for.unwrap_or(seen_at),
        );
    }
    posts
}

/// The name the policy's problems are noted under.
pub const POLICY: &str = "the workspace policy";

/// The settings key under which the last good workspace policy is kept.
pub const POLICY_SETTING: &str = "workspace_policy";

/// The settings key of the workspace's fallback order as last read.
pub const FALLBACK_ORDER_SETTING: &str = "workspace_fallback_order";

struct Feed {
    provider: String,
    feed: StatusFeed,
    /// Whether the last good reading showed anything wrong.
    reading_wrong: bool,
    /// Whether the last fetch failed.
    unreadable: bool,
    /// The incidents open at the last good reading: one gone from a summary is read from
    /// the page's recent incidents, for its last posts.
    open: std::collections::BTreeSet<String>,
}

/// Probes look the key up each time, so a key entered in Settings is probed with; they can be
/// switched off and on while running (Settings), which `on` carries.
struct Probing {
    key_for: Arc<KeyLookup>,
    http: reqwest::Client,
    timeouts: Timeouts,
    on: Arc<std::sync::atomic::AtomicBool>,
}

pub struct Poller {
    service: Arc<HealthService>,
    http: reqwest::Client,
    feeds: Vec<Feed>,
    /// Where the policy is read from; shared, so a source set in Settings is read next.
    policy: Arc<std::sync::Mutex<Option<PolicySource>>>,
    /// How probes are sent; `None`: never (a one-off command, or `[health] probes = false`).
    probing: Option<Probing>,
    /// Wakes the running poller before its next round ("Check now").
    wake: Arc<tokio::sync::Notify>,
    clock: Arc<dyn Clock>,
    /// Where the last good policy is kept, so it is in force from the next start on, and
    /// every incident post read.
    store: Option<crate::store::Store>,
    schedule: PollSchedule,
}

impl Poller {
    pub fn new(
        service: Arc<HealthService>,
        catalog: &Catalog,
        http: reqwest::Client,
        policy: Option<PolicySource>,
        probe_keys: Option<Arc<KeyLookup>>,
        timeouts: Timeouts,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let feeds = feeds_for(catalog, Vec::new());
        let probing = probe_keys.map(|key_for| Probing {
            key_for,
            http: http.clone(),
            timeouts,
            on: Arc::new(std::sync::atomic::AtomicBool::new(true)),
        });
        Self {
            service,
            // Status pages and the policy carry no key and may redirect to another host.
            http: crate::providers::client::feed_client(&timeouts),
            feeds,
            policy: Arc::new(std::sync::Mutex::new(policy)),
            probing,
            wake: Arc::default(),
            clock,
            store: None,
            schedule: PollSchedule::default(),
        }
    }

    /// Reads the pages on `schedule` instead of the default one.
    pub fn polling_on(mut self, schedule: PollSchedule) -> Self {
        self.schedule = schedule;
        self
    }

    /// Keeps every good reading of the policy (see [`POLICY_SETTING`]) and every incident
    /// post read in `store`.
    pub fn keeping_in(mut self, store: crate::store::Store) -> Self {
        self.store = Some(store);
        self
    }

    /// Reads the workspace policy once and puts it in force; a policy that cannot be read
    /// leaves the last good one in force. Whether it could not be read.
    pub async fn read_policy(&self) -> bool {
        let Some(source) = self.policy.lock().expect("policy lock").clone() else {
            return false;
        };
        read_and_apply_policy(
            &self.service,
            &self.http,
            &source,
            self.store.as_ref(),
            self.clock.now(),
        )
        .await
    }

    /// What wakes the running poller for a round now.
    pub fn waker(&self) -> Arc<tokio::sync::Notify> {
        self.wake.clone()
    }

    /// The source the policy is read from, to change while running.
    pub fn policy_source(&self) -> Arc<std::sync::Mutex<Option<PolicySource>>> {
        self.policy.clone()
    }

    /// Reads every feed and the policy once, probes what is due, and says whether anything
    /// is wrong (which shortens the next wait).
    pub async fn poll_once(&mut self) -> bool {
        // The policy first: what it turns off is off before anything else is asked.
        let mut anything_wrong = self.read_policy().await;
        // The live catalog: models learned from the providers' lists are matched too, and a
        // status page set in Settings is read from this round on.
        let catalog = self.service.catalog();
        self.feeds = feeds_for(&catalog, std::mem::take(&mut self.feeds));
        for Feed {
            provider,
            feed,
            reading_wrong,
            unreadable,
            open,
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
                    if let Some(store) = &self.store {
                        let mut posts = incident_posts(provider, &reading, &models, now);
                        let now_open: std::collections::BTreeSet<String> =
                            reading.open_incidents().map(|i| i.id.clone()).collect();
                        let closed: Vec<&String> = open.difference(&now_open).collect();
                        if let (false, Some(mut recent)) =
                            (closed.is_empty(), feed.recent_incidents())
                        {
                            match recent.fetch(&self.http, now).await {
                                FeedOutcome::Fresh(recent) => posts.extend(
                                    incident_posts(provider, &recent, &models, now)
                                        .into_iter()
                                        .filter(|p| closed.contains(&&p.incident_id)),
                                ),
                                FeedOutcome::NotModified => {}
                                FeedOutcome::Problem(problem) => {
                                    tracing::warn!(provider = %provider, %problem, "recent incidents unreadable");
                                }
                            }
                        }
                        *open = now_open;
                        if let Err(error) = store.record_incident_posts(&posts).await {
                            tracing::error!(%error, "could not keep the incident posts");
                        }
                    }
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
            let counts = feed.counts();
            tracing::debug!(
                provider = %provider,
                asked = counts.asked,
                not_modified = counts.not_modified,
                same_body = counts.same_body,
                parsed = counts.parsed,
                "status page read"
            );
            anything_wrong |= *reading_wrong || *unreadable;
        }
        self.service.tick();
        self.probe_due().await;
        anything_wrong || self.service.next_probe_at().is_some()
    }

    /// The switch for probes while running (`None` when this poller never probes).
    pub fn probe_switch(&self) -> Option<Arc<std::sync::atomic::AtomicBool>> {
        self.probing.as_ref().map(|p| p.on.clone())
    }

    /// Sends the smallest real request to each model whose breaker is due for a probe.
    pub async fn probe_due(&self) {
        let Some(probing) = self
            .probing
            .as_ref()
            .filter(|p| p.on.load(std::sync::atomic::Ordering::Relaxed))
        else {
            return;
        };
        let catalog = self.service.catalog();
        for model in self.service.due_probes() {
            let Some(provider) = catalog.provider(&model.provider).cloned() else {
                continue;
            };
            // The keyring talks D-Bus and blocks: off the async threads.
            let key = {
                let (key_for, provider) = (probing.key_for.clone(), provider.clone());
                tokio::task::spawn_blocking(move || key_for(&provider))
                    .await
                    .ok()
                    .flatten()
            };
            if provider.needs_key() && key.is_none() {
                continue;
            }
            // One attempt only: a probe that fails simply re-opens the breaker.
            let retry = RetryPolicy {
                max_retries: 0,
                ..RetryPolicy::default()
            };
            let Ok(client) = ProviderClient::new(
                probing.http.clone(),
                &provider,
                key,
                probing.timeouts,
                retry,
                self.clock.clone(),
            ) else {
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
        let probe_scheduled = self.service.probe_scheduled();
        for round in 0u64.. {
            // The next round is timed from this one's start: a slow page does not push it later.
            let began = self.clock.now();
            let wrong = self.poll_once().await;
            // A different jitter each round, so many clients never poll in step.
            let next_poll =
                self.schedule
                    .next_poll(began, wrong, base.wrapping_mul(31).wrapping_add(round));
            loop {
                let now = self.clock.now();
                let next = match self.service.next_probe_at() {
                    Some(probe) => next_poll.min(probe.max(now)),
                    None => next_poll,
                };
                let wait = (next - now).to_std().unwrap_or_default();
                tokio::select! {
                    () = self.clock.sleep(wait) => break,
                    () = self.wake.notified() => break,
                    // A breaker opened meanwhile: sleep until its probe, not the round's end.
                    () = probe_scheduled.notified() => {}
                }
            }
        }
    }
}

/// The status feeds `catalog` names; one already read (same provider, same address) keeps
/// what it knows (its ETag, whether it read wrong).
fn feeds_for(catalog: &Catalog, mut old: Vec<Feed>) -> Vec<Feed> {
    catalog
        .providers
        .iter()
        .filter_map(|p| {
            let feed = StatusFeed::for_provider(p).ok().flatten()?;
            match old
                .iter()
                .position(|f| f.provider == p.id && f.feed.url() == feed.url())
            {
                Some(i) => Some(old.swap_remove(i)),
                None => Some(Feed {
                    provider: p.id.clone(),
                    feed,
                    reading_wrong: false,
                    open: Default::default(),
                    unreadable: false,
                }),
            }
        })
        .collect()
}

/// Reads the policy at `source` and puts it in force (kept in `keep` for the next start); one
/// that cannot be read leaves the last good one in force. Whether it could not be read.
pub async fn read_and_apply_policy(
    service: &HealthService,
    http: &reqwest::Client,
    source: &PolicySource,
    keep: Option<&crate::store::Store>,
    now: chrono::DateTime<chrono::Utc>,
) -> bool {
    match policy::read(http, source).await {
        Ok(policy::Policy {
            rules,
            fallback_order,
        }) => {
            service.set_source_problem(POLICY, None);
            if let Some(store) = keep {
                for kept in [
                    store.set_setting(POLICY_SETTING, &rules, now).await,
                    store
                        .set_setting(FALLBACK_ORDER_SETTING, &fallback_order, now)
                        .await,
                ] {
                    if let Err(error) = kept {
                        tracing::error!(%error, "could not keep the workspace policy");
                    }
                }
            }
            service.record_policy(rules);
            service.record_fallback_order(fallback_order);
            service.note_policy_read();
            false
        }
        // The last good policy stays in force.
        Err(problem) => {
            service.set_source_problem(POLICY, Some(problem.clone()));
            tracing::warn!(%problem, "the workspace policy could not be read; keeping the last one");
            true
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
