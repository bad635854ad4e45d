//! Status pages: Atlassian Statuspage v2 JSON (and an Atom history feed), built from the
//! scenario's status changes.
//!
//! - Anthropic: a Statuspage page (`tymt9n04zgry`, "Claude", `https://status.claude.com`), with
//!   no component per model.
//! - OpenAI: an incident.io page serving the Statuspage-compatible JSON. What differs from
//!   Statuspage here: ids are ULID-like (26 characters), `page.updated_at` moves only when an
//!   incident or maintenance is posted (not when a component changes on its own), component
//!   objects carry no `showcase` / `start_date` / `only_show_if_degraded`, incident updates carry
//!   no tweet fields, and shortlinks point at the page itself.
//! - Gemini: Google publishes no such feed; the simulator serves a Statuspage-shaped page so a
//!   reader can be pointed at it, but Switchboard's shipped catalog reads none.
//!
//! `page.status` is the worst of the open incidents' impact and the components' statuses
//! (degraded → minor, partial → major, major outage → critical); under maintenance alone
//! shows `maintenance`.

use crate::scenario::{ComponentStatus, Impact, IncidentStatus, MaintenanceStatus, StatusChange};
use crate::stubs::{fnv, id_from};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    Statuspage,
    IncidentIo,
}

#[derive(Debug)]
pub struct ComponentDef {
    pub id: &'static str,
    pub name: &'static str,
    pub description: Option<&'static str>,
    /// The id of the group this component sits in.
    pub group_id: Option<&'static str>,
    /// Whether this entry is a group of components.
    pub is_group: bool,
}

#[derive(Debug)]
pub struct PageDef {
    pub provider: &'static str,
    pub id: &'static str,
    pub name: &'static str,
    pub url: &'static str,
    pub flavour: Flavour,
    pub components: &'static [ComponentDef],
    /// An incident from before the scenario, resolved: history has something in it.
    pub past_incident: &'static str,
}

impl PageDef {
    /// A component by id, name, or its name without the host in brackets ("Claude API" for
    /// "Claude API (api.anthropic.com)"), so scenarios read as people say them.
    pub fn component(&self, name_or_id: &str) -> Option<usize> {
        self.components.iter().position(|c| {
            c.name == name_or_id
                || c.id == name_or_id
                || c.name.split(" (").next() == Some(name_or_id)
        })
    }

    pub fn component_names(&self) -> Vec<&'static str> {
        self.components.iter().map(|c| c.name).collect()
    }
}

const fn c(
    id: &'static str,
    name: &'static str,
    description: Option<&'static str>,
) -> ComponentDef {
    ComponentDef {
        id,
        name,
        description,
        group_id: None,
        is_group: false,
    }
}

const fn member(id: &'static str, name: &'static str, group_id: &'static str) -> ComponentDef {
    ComponentDef {
        id,
        name,
        description: None,
        group_id: Some(group_id),
        is_group: false,
    }
}

const fn group(id: &'static str, name: &'static str) -> ComponentDef {
    ComponentDef {
        id,
        name,
        description: None,
        group_id: None,
        is_group: true,
    }
}

pub static ANTHROPIC_PAGE: PageDef = PageDef {
    provider: "anthropic",
    id: "tymt9n04zgry",
    name: "Claude",
    url: "https://status.claude.com",
    flavour: Flavour::Statuspage,
    // As the real page named them in September 2026 (tests/fixtures/status/
    // anthropic-summary-multiple-models-open.json): the host in the name, no description.
    components: &[
        c("rwppv331jlwc", "claude.ai", None),
        c("0qbwn08sd68x", "Claude Console (platform.claude.com)", None),
        c("k8w3r06qmzrp", "Claude API (api.anthropic.com)", None),
        c("yyzkbfz2thpt", "Claude Code", None),
        c("bpp5gb3hpjcl", "Claude Cowork", None),
        c("0scnb50nvy53", "Claude for Government", None),
    ],
    past_incident: "Elevated errors on claude.ai login",
};

const OPENAI_APIS: &str = "01JMXBRMFE6N2NNT7DG6XZQ6PW";
const OPENAI_CHATGPT: &str = "01JMXBRMFE0V4SEXT5F3XEMRJS";

pub static OPENAI_PAGE: PageDef = PageDef {
    provider: "openai",
    id: "01JMXBRMFE3KW1SPKV8BAZRDJR",
    name: "OpenAI",
    url: "https://status.openai.com",
    flavour: Flavour::IncidentIo,
    components: &[
        group(OPENAI_APIS, "APIs"),
        member(
            "01JMXBRMFEX4W9B2Q3PA8TMZ1C",
            "Chat Completions",
            OPENAI_APIS,
        ),
        member("01JMXBRMFE5P2Z8K7QWN4HVD3R", "Responses", OPENAI_APIS),
        member("01JMXBRMFEJ7YQ1RCG0S5T2KXW", "Embeddings", OPENAI_APIS),
        member("01JMXBRMFEB8N3D6V0H2ZQ9MPA", "Realtime", OPENAI_APIS),
        member("01JMXBRMFEQ4T7K2W8XC1R5NJD", "Batch", OPENAI_APIS),
        member("01JMXBRMFEK2H9M4P6F3W8ZT0B", "Files", OPENAI_APIS),
        member("01JMXBRMFEV6C1X5N9R2Q7DL4G", "Fine-tuning", OPENAI_APIS),
        member("01JMXBRMFE8R0D3Y7T5K1M9WQH", "Images", OPENAI_APIS),
        member("01JMXBRMFEZ3F6A9J2V4N8C1XS", "Moderations", OPENAI_APIS),
        group(OPENAI_CHATGPT, "ChatGPT"),
        member("01JMXBRMFEG5W2Q8L1P6T3HZ9N", "Login", OPENAI_CHATGPT),
        member(
            "01JMXBRMFEM9K4C7X0R3B6VD2T",
            "Conversations",
            OPENAI_CHATGPT,
        ),
        c("01JMXBRMFET1P8Z5H3N7Q0W4KC", "Sora", None),
        c("01JMXBRMFEC7D2M6R9X1V5J8QB", "Codex", None),
    ],
    past_incident: "Increased latency for file uploads in ChatGPT",
};

pub static GEMINI_PAGE: PageDef = PageDef {
    provider: "gemini",
    id: "gmn4k9s7x2qd",
    name: "Google AI Studio",
    url: "https://aistudio.google.com/status",
    flavour: Flavour::Statuspage,
    components: &[
        c(
            "gq2m8v5k1xzt",
            "Gemini API",
            Some("generativelanguage.googleapis.com"),
        ),
        c(
            "gt7w3n9d4hcb",
            "Google AI Studio",
            Some("aistudio.google.com"),
        ),
    ],
    past_incident: "Elevated latency in Google AI Studio",
};

pub fn page_def(provider: &str) -> Option<&'static PageDef> {
    match provider {
        "anthropic" => Some(&ANTHROPIC_PAGE),
        "openai" => Some(&OPENAI_PAGE),
        "gemini" => Some(&GEMINI_PAGE),
        _ => None,
    }
}

/// The providers that have a status page.
pub const PAGES: [&str; 3] = ["anthropic", "openai", "gemini"];

#[derive(Debug, Clone)]
struct UpdateState {
    id: String,
    status: &'static str,
    body: String,
    at: DateTime<Utc>,
    affected: Vec<(usize, ComponentStatus, ComponentStatus)>,
}

#[derive(Debug, Clone)]
struct IncidentState {
    key: String,
    id: String,
    name: String,
    impact: Impact,
    status: &'static str,
    resolved: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    monitoring_at: Option<DateTime<Utc>>,
    resolved_at: Option<DateTime<Utc>>,
    components: Vec<usize>,
    updates: Vec<UpdateState>,
    /// For maintenances.
    schedule: Option<(DateTime<Utc>, DateTime<Utc>)>,
    maintenance_status: Option<MaintenanceStatus>,
}

/// A status page at one step of the scenario.
#[derive(Debug, Clone)]
pub struct PageState {
    def: &'static PageDef,
    components: Vec<(ComponentStatus, DateTime<Utc>)>,
    incidents: Vec<IncidentState>,
    maintenances: Vec<IncidentState>,
    updated_at: DateTime<Utc>,
    /// The last change of anything on the page (the `Last-Modified` header).
    pub last_modified: DateTime<Utc>,
    created_at: DateTime<Utc>,
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl PageState {
    /// The page before the scenario starts: everything operational, one old resolved incident.
    pub fn initial(def: &'static PageDef, epoch: DateTime<Utc>) -> PageState {
        let created_at = epoch - Duration::days(900);
        let past_start = epoch - Duration::days(3) - Duration::minutes(47);
        let past_end = past_start + Duration::minutes(52);
        let mut state = PageState {
            def,
            components: vec![
                (ComponentStatus::Operational, epoch - Duration::days(3));
                def.components.len()
            ],
            incidents: Vec::new(),
            maintenances: Vec::new(),
            updated_at: past_end,
            last_modified: past_end,
            created_at,
        };
        let id = state.make_id("past", 0);
        let update = |n: u64, status: &'static str, body: &str, at| UpdateState {
            id: state.make_id("past-update", n),
            status,
            body: body.to_string(),
            at,
            affected: Vec::new(),
        };
        let updates = vec![
            update(1, "resolved", "This incident has been resolved.", past_end),
            update(
                0,
                "investigating",
                "We are currently investigating this issue.",
                past_start,
            ),
        ];
        state.incidents.push(IncidentState {
            key: "past".into(),
            id,
            name: def.past_incident.to_string(),
            impact: Impact::Minor,
            status: "resolved",
            resolved: true,
            created_at: past_start,
            updated_at: past_end,
            monitoring_at: None,
            resolved_at: Some(past_end),
            components: Vec::new(),
            updates,
            schedule: None,
            maintenance_status: None,
        });
        state
    }

    fn make_id(&self, key: &str, n: u64) -> String {
        let seed = fnv(format!("{}/{key}/{n}", self.def.provider).as_bytes());
        match self.def.flavour {
            Flavour::Statuspage => id_from(seed, 12, b"0123456789abcdefghijklmnopqrstuvwxyz"),
            Flavour::IncidentIo => format!(
                "01J{}",
                id_from(seed, 23, b"0123456789ABCDEFGHJKMNPQRSTVWXYZ")
            ),
        }
    }

    /// Applies one step's change, stamped `at`.
    pub fn apply(&mut self, change: &StatusChange, at: DateTime<Utc>) {
        let before: Vec<ComponentStatus> = self.components.iter().map(|(s, _)| *s).collect();
        let mut component_changed = false;
        for (name, status) in &change.components {
            if let Some(index) = self.def.component(name)
                && self.components[index].0 != *status
            {
                self.components[index] = (*status, at);
                component_changed = true;
            }
        }
        let after: Vec<ComponentStatus> = self.components.iter().map(|(s, _)| *s).collect();
        let affected = |names: &[String]| -> Vec<(usize, ComponentStatus, ComponentStatus)> {
            names
                .iter()
                .filter_map(|n| self.def.component(n))
                .map(|i| (i, before[i], after[i]))
                .collect()
        };
        let mut posted = false;
        for update in &change.incidents {
            posted = true;
            let affected = affected(&update.components);
            let position = self.incidents.iter().position(|i| i.key == update.id);
            let index = match position {
                Some(index) => index,
                None => {
                    let id = if self.def.flavour == Flavour::Statuspage
                        && is_statuspage_id(&update.id)
                    {
                        update.id.clone()
                    } else {
                        self.make_id(&update.id, 0)
                    };
                    self.incidents.push(IncidentState {
                        key: update.id.clone(),
                        id,
                        name: update.name.clone().unwrap_or_default(),
                        impact: update.impact.unwrap_or(Impact::Minor),
                        status: "investigating",
                        resolved: false,
                        created_at: at,
                        updated_at: at,
                        monitoring_at: None,
                        resolved_at: None,
                        components: Vec::new(),
                        updates: Vec::new(),
                        schedule: None,
                        maintenance_status: None,
                    });
                    self.incidents.len() - 1
                }
            };
            let n = self.incidents[index].updates.len() as u64;
            let update_id = self.make_id(&format!("{}/update", update.id), n);
            let incident = &mut self.incidents[index];
            if let Some(name) = &update.name {
                incident.name = name.clone();
            }
            if let Some(impact) = update.impact {
                incident.impact = impact;
            }
            incident.status = update.status.as_str();
            incident.updated_at = at;
            if update.status == IncidentStatus::Monitoring && incident.monitoring_at.is_none() {
                incident.monitoring_at = Some(at);
            }
            incident.resolved = matches!(
                update.status,
                IncidentStatus::Resolved | IncidentStatus::Postmortem
            );
            if incident.resolved && incident.resolved_at.is_none() {
                incident.resolved_at = Some(at);
            }
            for (i, _, _) in &affected {
                if !incident.components.contains(i) {
                    incident.components.push(*i);
                }
            }
            incident.updates.insert(
                0,
                UpdateState {
                    id: update_id,
                    status: update.status.as_str(),
                    body: update.body.clone(),
                    at,
                    affected,
                },
            );
        }
        for update in &change.maintenances {
            posted = true;
            let affected = affected(&update.components);
            let position = self.maintenances.iter().position(|i| i.key == update.id);
            let index = match position {
                Some(index) => index,
                None => {
                    let id = self.make_id(&update.id, 0);
                    self.maintenances.push(IncidentState {
                        key: update.id.clone(),
                        id,
                        name: update.name.clone().unwrap_or_default(),
                        impact: Impact::Maintenance,
                        status: "scheduled",
                        resolved: false,
                        created_at: at,
                        updated_at: at,
                        monitoring_at: None,
                        resolved_at: None,
                        components: Vec::new(),
                        updates: Vec::new(),
                        schedule: None,
                        maintenance_status: None,
                    });
                    self.maintenances.len() - 1
                }
            };
            let n = self.maintenances[index].updates.len() as u64;
            let update_id = self.make_id(&format!("{}/update", update.id), n);
            let maintenance = &mut self.maintenances[index];
            if let Some(name) = &update.name {
                maintenance.name = name.clone();
            }
            maintenance.status = update.status.as_str();
            maintenance.maintenance_status = Some(update.status);
            maintenance.updated_at = at;
            maintenance.resolved = update.status == MaintenanceStatus::Completed;
            if maintenance.resolved && maintenance.resolved_at.is_none() {
                maintenance.resolved_at = Some(at);
            }
            for (i, _, _) in &affected {
                if !maintenance.components.contains(i) {
                    maintenance.components.push(*i);
                }
            }
            maintenance.updates.insert(
                0,
                UpdateState {
                    id: update_id,
                    status: update.status.as_str(),
                    body: update.body.clone(),
                    at,
                    affected,
                },
            );
        }
        if component_changed || posted {
            self.last_modified = at;
        }
        if posted || (component_changed && self.def.flavour == Flavour::Statuspage) {
            self.updated_at = at;
        }
    }

    /// Sets a maintenance window (scenario seconds → wall time via `epoch`).
    pub fn schedule(&mut self, change: &StatusChange, epoch: DateTime<Utc>) {
        for update in &change.maintenances {
            if let (Some(from), Some(until)) = (update.scheduled_for, update.scheduled_until)
                && let Some(m) = self.maintenances.iter_mut().find(|m| m.key == update.id)
            {
                m.schedule = Some((
                    epoch + Duration::seconds(from),
                    epoch + Duration::seconds(until),
                ));
            }
        }
    }

    fn component_status(&self, index: usize) -> ComponentStatus {
        let def = &self.def.components[index];
        if def.is_group {
            self.def
                .components
                .iter()
                .enumerate()
                .filter(|(_, c)| c.group_id == Some(def.id))
                .map(|(i, _)| self.components[i].0)
                .max()
                .unwrap_or(ComponentStatus::Operational)
        } else {
            self.components[index].0
        }
    }

    fn component_json(&self, index: usize) -> Value {
        let def = &self.def.components[index];
        let updated = if def.is_group {
            self.def
                .components
                .iter()
                .enumerate()
                .filter(|(_, c)| c.group_id == Some(def.id))
                .map(|(i, _)| self.components[i].1)
                .max()
                .unwrap_or(self.components[index].1)
        } else {
            self.components[index].1
        };
        let mut component = json!({
            "id": def.id,
            "name": def.name,
            "status": self.component_status(index).as_str(),
            "created_at": ts(self.created_at),
            "updated_at": ts(updated),
            "position": index + 1,
            "description": def.description,
            "group_id": def.group_id,
            "page_id": self.def.id,
            "group": def.is_group,
        });
        if self.def.flavour == Flavour::Statuspage {
            component["showcase"] = json!(!def.is_group);
            component["start_date"] = json!(self.created_at.format("%Y-%m-%d").to_string());
            component["only_show_if_degraded"] = json!(false);
        }
        if def.is_group {
            let members: Vec<&str> = self
                .def
                .components
                .iter()
                .filter(|c| c.group_id == Some(def.id))
                .map(|c| c.id)
                .collect();
            component["components"] = json!(members);
        }
        component
    }

    fn page_json(&self) -> Value {
        json!({
            "id": self.def.id,
            "name": self.def.name,
            "url": self.def.url,
            "time_zone": "Etc/UTC",
            "updated_at": ts(self.updated_at),
        })
    }

    fn indicator(&self) -> (&'static str, &'static str) {
        let mut worst = Impact::None;
        for incident in self.incidents.iter().filter(|i| !i.resolved) {
            worst = worst.max(incident.impact);
        }
        let mut maintenance = self.maintenances.iter().any(|m| {
            matches!(
                m.maintenance_status,
                Some(MaintenanceStatus::InProgress | MaintenanceStatus::Verifying)
            )
        });
        for (status, _) in &self.components {
            let impact = match status {
                ComponentStatus::Operational => Impact::None,
                ComponentStatus::UnderMaintenance => {
                    maintenance = true;
                    Impact::None
                }
                ComponentStatus::DegradedPerformance => Impact::Minor,
                ComponentStatus::PartialOutage => Impact::Major,
                ComponentStatus::MajorOutage => Impact::Critical,
            };
            worst = worst.max(impact);
        }
        match worst {
            Impact::None | Impact::Maintenance if maintenance => {
                ("maintenance", "Service Under Maintenance")
            }
            Impact::None | Impact::Maintenance => ("none", "All Systems Operational"),
            Impact::Minor => ("minor", "Minor Service Outage"),
            Impact::Major => ("major", "Partial System Outage"),
            Impact::Critical => ("critical", "Major Service Outage"),
        }
    }

    fn status_json(&self) -> Value {
        let (indicator, description) = self.indicator();
        json!({"indicator": indicator, "description": description})
    }

    fn shortlink(&self, incident: &IncidentState) -> String {
        match self.def.flavour {
            Flavour::Statuspage => format!(
                "https://stspg.io/{}",
                &incident.id[..incident.id.len().min(5)]
            ),
            Flavour::IncidentIo => format!("{}/incidents/{}", self.def.url, incident.id),
        }
    }

    fn incident_json(&self, incident: &IncidentState) -> Value {
        let updates: Vec<Value> = incident
            .updates
            .iter()
            .map(|u| {
                let affected: Value = if u.affected.is_empty() {
                    Value::Null
                } else {
                    u.affected
                        .iter()
                        .map(|(i, old, new)| {
                            json!({
                                "code": self.def.components[*i].id,
                                "name": self.def.components[*i].name,
                                "old_status": old.as_str(),
                                "new_status": new.as_str(),
                            })
                        })
                        .collect()
                };
                let mut update = json!({
                    "id": u.id,
                    "status": u.status,
                    "body": u.body,
                    "incident_id": incident.id,
                    "created_at": ts(u.at),
                    "updated_at": ts(u.at),
                    "display_at": ts(u.at),
                    "affected_components": affected,
                });
                if self.def.flavour == Flavour::Statuspage {
                    update["deliver_notifications"] = json!(true);
                    update["custom_tweet"] = Value::Null;
                    update["tweet_id"] = Value::Null;
                }
                update
            })
            .collect();
        let components: Vec<Value> = incident
            .components
            .iter()
            .map(|i| self.component_json(*i))
            .collect();
        let mut value = json!({
            "id": incident.id,
            "name": incident.name,
            "status": incident.status,
            "created_at": ts(incident.created_at),
            "updated_at": ts(incident.updated_at),
            "monitoring_at": incident.monitoring_at.map(ts),
            "resolved_at": incident.resolved_at.map(ts),
            "impact": incident.impact.as_str(),
            "shortlink": self.shortlink(incident),
            "started_at": ts(incident.created_at),
            "page_id": self.def.id,
            "incident_updates": updates,
            "components": components,
        });
        if let Some((from, until)) = incident.schedule {
            value["scheduled_for"] = json!(ts(from));
            value["scheduled_until"] = json!(ts(until));
            value["scheduled_remind_prior"] = json!(false);
            value["scheduled_reminded_at"] = Value::Null;
            value["scheduled_auto_in_progress"] = json!(true);
            value["scheduled_auto_completed"] = json!(true);
        }
        value
    }

    fn components_json(&self) -> Vec<Value> {
        (0..self.def.components.len())
            .map(|i| self.component_json(i))
            .collect()
    }

    fn unresolved(&self) -> Vec<Value> {
        self.incidents
            .iter()
            .rev()
            .filter(|i| !i.resolved)
            .map(|i| self.incident_json(i))
            .collect()
    }

    fn maintenances_where(&self, keep: impl Fn(MaintenanceStatus) -> bool) -> Vec<Value> {
        self.maintenances
            .iter()
            .rev()
            .filter(|m| m.maintenance_status.is_some_and(&keep))
            .map(|m| self.incident_json(m))
            .collect()
    }

    /// The JSON document at `path` (below `/api/v2/`), or `None` for an unknown path.
    pub fn api_v2(&self, path: &str) -> Option<Value> {
        let page = self.page_json();
        let active = |s: MaintenanceStatus| {
            matches!(
                s,
                MaintenanceStatus::InProgress | MaintenanceStatus::Verifying
            )
        };
        Some(match path {
            "summary.json" => json!({
                "page": page,
                "components": self.components_json(),
                "incidents": self.unresolved(),
                "scheduled_maintenances": self.maintenances_where(|s| active(s) || s == MaintenanceStatus::Scheduled),
                "status": self.status_json(),
            }),
            "status.json" => json!({"page": page, "status": self.status_json()}),
            "components.json" => json!({"page": page, "components": self.components_json()}),
            "incidents/unresolved.json" => json!({"page": page, "incidents": self.unresolved()}),
            "incidents.json" => json!({
                "page": page,
                "incidents": self.incidents.iter().rev().take(50).map(|i| self.incident_json(i)).collect::<Vec<_>>(),
            }),
            "scheduled-maintenances.json" => json!({
                "page": page,
                "scheduled_maintenances": self.maintenances.iter().rev().map(|m| self.incident_json(m)).collect::<Vec<_>>(),
            }),
            "scheduled-maintenances/active.json" => json!({
                "page": page,
                "scheduled_maintenances": self.maintenances_where(active),
            }),
            "scheduled-maintenances/upcoming.json" => json!({
                "page": page,
                "scheduled_maintenances": self.maintenances_where(|s| s == MaintenanceStatus::Scheduled),
            }),
            _ => return None,
        })
    }

    /// The Atom feed of incident history, newest first.
    pub fn history_atom(&self) -> String {
        let host = self.def.url.trim_start_matches("https://");
        let mut feed = String::new();
        feed.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        feed.push_str("<feed xml:lang=\"en-US\" xmlns=\"http://www.w3.org/2005/Atom\">\n");
        feed.push_str(&format!("  <id>tag:{host},2005:/history</id>\n"));
        feed.push_str(&format!(
            "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            self.def.url
        ));
        feed.push_str(&format!(
            "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}/history.atom\"/>\n",
            self.def.url
        ));
        feed.push_str(&format!(
            "  <title>{} Status - Incident History</title>\n",
            xml_escape(self.def.name)
        ));
        feed.push_str(&format!(
            "  <updated>{}</updated>\n",
            self.updated_at.to_rfc3339_opts(SecondsFormat::Secs, true)
        ));
        feed.push_str(&format!(
            "  <author>\n    <name>{}</name>\n  </author>\n",
            xml_escape(self.def.name)
        ));
        let mut items: Vec<&IncidentState> = self
            .incidents
            .iter()
            .chain(self.maintenances.iter())
            .collect();
        items.sort_by_key(|i| std::cmp::Reverse(i.updated_at));
        for incident in items {
            let mut content = String::new();
            for update in &incident.updates {
                content.push_str(&format!(
                    "<p><small>{}</small><br><strong>{}</strong> - {}</p>",
                    update.at.format("%b %e, %H:%M UTC"),
                    capitalise(update.status),
                    html_escape(&update.body)
                ));
            }
            feed.push_str("  <entry>\n");
            feed.push_str(&format!(
                "    <id>tag:{host},2005:Incident/{}</id>\n",
                incident.id
            ));
            feed.push_str(&format!(
                "    <published>{}</published>\n",
                incident
                    .created_at
                    .to_rfc3339_opts(SecondsFormat::Secs, true)
            ));
            feed.push_str(&format!(
                "    <updated>{}</updated>\n",
                incident
                    .updated_at
                    .to_rfc3339_opts(SecondsFormat::Secs, true)
            ));
            feed.push_str(&format!(
                "    <link rel=\"alternate\" type=\"text/html\" href=\"{}/incidents/{}\"/>\n",
                self.def.url, incident.id
            ));
            feed.push_str(&format!(
                "    <title>{}</title>\n",
                xml_escape(&incident.name)
            ));
            feed.push_str(&format!(
                "    <content type=\"html\">{}</content>\n",
                xml_escape(&content)
            ));
            feed.push_str("  </entry>\n");
        }
        feed.push_str("</feed>\n");
        feed
    }
}

/// Statuspage ids are 12 lowercase alphanumerics; a scenario may give one to use as is.
fn is_statuspage_id(id: &str) -> bool {
    id.len() == 12
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn xml_escape(text: &str) -> String {
    html_escape(text).replace('"', "&quot;")
}
