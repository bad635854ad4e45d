//! Statuspage v2 JSON (`/api/v2/summary.json`, `incidents/unresolved.json`,
//! `scheduled-maintenances/active.json`), as Atlassian Statuspage and incident.io serve it.

use super::{
    ComponentReading, FeedProblem, Impact, IncidentReading, IncidentStatus, IncidentUpdateReading,
    Indicator, MaintenanceReading, MaintenanceStatus, StatusReading,
};

use crate::vocabulary::ComponentStatus;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WirePage {
    name: Option<String>,
    url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireStatus {
    indicator: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireComponent {
    id: Option<String>,
    name: Option<String>,
    status: Option<String>,
    group_id: Option<String>,
    group: Option<bool>,
    components: Option<Vec<String>>,
}

/// An entry of an incident's `components` list, or of an update's `affected_components`
/// (which names the id `code`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireComponentRef {
    id: Option<String>,
    code: Option<String>,
    name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireUpdate {
    status: Option<String>,
    body: Option<String>,
    created_at: Option<String>,
    display_at: Option<String>,
    updated_at: Option<String>,
    affected_components: Option<Vec<WireComponentRef>>,
}

/// Incidents and scheduled maintenances share this shape.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireIncident {
    id: Option<String>,
    name: Option<String>,
    status: Option<String>,
    impact: Option<String>,
    shortlink: Option<String>,
    created_at: Option<String>,
    started_at: Option<String>,
    updated_at: Option<String>,
    resolved_at: Option<String>,
    scheduled_for: Option<String>,
    scheduled_until: Option<String>,
    components: Option<Vec<WireComponentRef>>,
    incident_updates: Option<Vec<WireUpdate>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireDocument {
    page: Option<WirePage>,
    status: Option<WireStatus>,
    components: Option<Vec<WireComponent>>,
    incidents: Option<Vec<WireIncident>>,
    scheduled_maintenances: Option<Vec<WireIncident>>,
}

/// The incidents and maintenances of `incidents/unresolved.json` and
/// `scheduled-maintenances/active.json` (either, or both in one document).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IncidentList {
    pub incidents: Vec<IncidentReading>,
    pub maintenances: Vec<MaintenanceReading>,
}

/// Reads `/api/v2/summary.json`, as Atlassian Statuspage and incident.io serve it. `now`
/// becomes the reading's `fetched_at`.
///
/// Tolerant by construction: every field is optional, status words are read as strings and
/// mapped (an unknown one becomes `unknown`), a timestamp that does not parse counts as absent,
/// and fields this reader does not use are ignored. What is refused: bytes that are not JSON,
/// and JSON that is not an object with at least one of `page`, `status`, `components`,
/// `incidents` or `scheduled_maintenances`.
pub fn parse_statuspage_summary(
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<StatusReading, FeedProblem> {
    let doc = parse_document(bytes)?;
    let components = read_components(doc.components.unwrap_or_default());
    let names: HashMap<&str, &str> = components
        .iter()
        .map(|c| (c.id.as_str(), c.name.as_str()))
        .collect();
    let incidents: Vec<IncidentReading> = doc
        .incidents
        .unwrap_or_default()
        .into_iter()
        .map(|i| read_incident(i, &names, now))
        .collect();
    let maintenances: Vec<MaintenanceReading> = doc
        .scheduled_maintenances
        .unwrap_or_default()
        .into_iter()
        .map(|m| read_maintenance(m, &names, now))
        .collect();
    let page = doc.page.unwrap_or_default();
    let indicator = doc
        .status
        .and_then(|s| s.indicator)
        .and_then(|word| indicator_from_wire(&word))
        .unwrap_or_else(|| {
            StatusReading::derived_indicator(&components, &incidents, &maintenances, now)
        });
    Ok(StatusReading {
        page_name: page.name.unwrap_or_default(),
        page_url: page.url.filter(|u| !u.trim().is_empty()),
        indicator,
        components,
        incidents,
        maintenances,
        fetched_at: now,
    })
}

/// Reads `incidents/unresolved.json`, `scheduled-maintenances/active.json` or any document
/// with an `incidents` or `scheduled_maintenances` list. Components are named as the
/// documents themselves name them.
pub fn parse_statuspage_incidents(
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<IncidentList, FeedProblem> {
    let doc = parse_document(bytes)?;
    let names = HashMap::new();
    Ok(IncidentList {
        incidents: doc
            .incidents
            .unwrap_or_default()
            .into_iter()
            .map(|i| read_incident(i, &names, now))
            .collect(),
        maintenances: doc
            .scheduled_maintenances
            .unwrap_or_default()
            .into_iter()
            .map(|m| read_maintenance(m, &names, now))
            .collect(),
    })
}

fn parse_document(bytes: &[u8]) -> Result<WireDocument, FeedProblem> {
    let text = strip_bom(bytes);
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(FeedProblem::Empty);
    }
    if looks_like_html(text) {
        return Err(FeedProblem::WebPage);
    }
    let doc: WireDocument = serde_json::from_slice(text).map_err(|e| {
        use serde_json::error::Category;
        match e.classify() {
            Category::Data => FeedProblem::UnexpectedShape(shape_words(&e)),
            Category::Syntax | Category::Eof | Category::Io => FeedProblem::NotData,
        }
    })?;
    if doc.page.is_none()
        && doc.status.is_none()
        && doc.components.is_none()
        && doc.incidents.is_none()
        && doc.scheduled_maintenances.is_none()
    {
        return Err(FeedProblem::UnexpectedShape(
            "it has no page, status, components or incidents".into(),
        ));
    }
    Ok(doc)
}

/// Serde's complaint in plain words: "found a list where an object was expected".
fn shape_words(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let text = text.split(" at line ").next().unwrap_or(&text);
    let Some(rest) = text.strip_prefix("invalid type: ") else {
        return text.to_string();
    };
    let (found, expected) = rest
        .split_once(", expected ")
        .unwrap_or((rest, "something else"));
    if found == "null" {
        return "it is empty (null)".into();
    }
    let plain = |what: &str| -> String {
        if what.starts_with("struct") || what == "map" {
            "an object".into()
        } else if what == "sequence" || what.starts_with("a sequence") {
            "a list".into()
        } else {
            what.to_string()
        }
    };
    format!(
        "found {} where {} was expected",
        plain(found),
        plain(expected)
    )
}

pub(super) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// An HTML document: starts with `<` and has a doctype, `<html>`, `<head>` or `<body>` early on.
pub(super) fn looks_like_html(bytes: &[u8]) -> bool {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = start else { return false };
    if bytes[start] != b'<' {
        return false;
    }
    let head = &bytes[start..bytes.len().min(start + 4096)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    ["<!doctype html", "<html", "<head", "<body"]
        .iter()
        .any(|tag| head.contains(tag))
}

fn indicator_from_wire(word: &str) -> Option<Indicator> {
    Some(match word.trim().to_ascii_lowercase().as_str() {
        "none" => Indicator::None,
        "minor" => Indicator::Minor,
        "major" => Indicator::Major,
        "critical" => Indicator::Critical,
        "maintenance" => Indicator::Maintenance,
        _ => return None,
    })
}

/// A timestamp, or `None` when it is missing or not RFC 3339.
fn time(text: Option<&String>) -> Option<DateTime<Utc>> {
    let text = text?.trim();
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn read_components(wire: Vec<WireComponent>) -> Vec<ComponentReading> {
    let group_names: HashMap<String, String> = wire
        .iter()
        .filter(|c| c.group == Some(true) || c.components.is_some())
        .filter_map(|c| Some((c.id.clone()?, c.name.clone()?)))
        .collect();
    wire.into_iter()
        .filter_map(|c| {
            let id = c.id.unwrap_or_default();
            let name = c.name.unwrap_or_default();
            if id.is_empty() && name.is_empty() {
                return None;
            }
            Some(ComponentReading {
                group: c.group_id.and_then(|g| group_names.get(&g).cloned()),
                is_group: c.group == Some(true) || c.components.is_some(),
                status: c
                    .status
                    .as_deref()
                    .map_or(ComponentStatus::Unknown, ComponentStatus::from_wire),
                name: if name.is_empty() { id.clone() } else { name },
                id,
            })
        })
        .collect()
}

/// An incident's or maintenance's components: its own list, then its updates' affected
/// components; names filled in from the page's components when a list gives only ids.
fn component_refs(
    incident: &WireIncident,
    names: &HashMap<&str, &str>,
) -> (Vec<String>, Vec<String>) {
    let own = incident.components.iter().flatten();
    let affected = incident
        .incident_updates
        .iter()
        .flatten()
        .flat_map(|u| u.affected_components.iter().flatten());
    let mut ids = Vec::new();
    let mut component_names = Vec::new();
    for r in own.chain(affected) {
        let id = r.id.as_ref().or(r.code.as_ref()).cloned();
        let name = r.name.clone().or_else(|| {
            id.as_deref()
                .and_then(|i| names.get(i))
                .map(|n| n.to_string())
        });
        if let Some(id) = id.filter(|i| !i.is_empty())
            && !ids.contains(&id)
        {
            ids.push(id);
        }
        if let Some(name) = name.filter(|n| !n.is_empty())
            && !component_names.contains(&name)
        {
            component_names.push(name);
        }
    }
    (ids, component_names)
}

/// An update as read, its time still unknown where the page gave none.
struct DatedUpdate {
    at: Option<DateTime<Utc>>,
    status: IncidentStatus,
    body: String,
}

fn dated_updates(wire: Option<Vec<WireUpdate>>) -> Vec<DatedUpdate> {
    wire.unwrap_or_default()
        .into_iter()
        .map(|u| DatedUpdate {
            status: u
                .status
                .as_deref()
                .map_or(IncidentStatus::Unknown, IncidentStatus::from_wire),
            at: time(u.display_at.as_ref())
                .or_else(|| time(u.created_at.as_ref()))
                .or_else(|| time(u.updated_at.as_ref())),
            body: u.body.unwrap_or_default(),
        })
        .collect()
}

/// Newest first. When every update has a time they are sorted by it (a stable sort keeps the
/// page's order on ties); otherwise the page's order, newest first as Statuspage sends them,
/// is kept, and an update without a time takes `fallback`.
fn finish_updates(
    mut updates: Vec<DatedUpdate>,
    fallback: DateTime<Utc>,
) -> Vec<IncidentUpdateReading> {
    if updates.iter().all(|u| u.at.is_some()) {
        updates.sort_by_key(|u| std::cmp::Reverse(u.at));
    }
    updates
        .into_iter()
        .map(|u| IncidentUpdateReading {
            status: u.status,
            body: u.body,
            at: u.at.unwrap_or(fallback),
        })
        .collect()
}

fn newest(updates: &[DatedUpdate]) -> Option<DateTime<Utc>> {
    updates.iter().filter_map(|u| u.at).max()
}

fn read_incident(
    mut wire: WireIncident,
    names: &HashMap<&str, &str>,
    now: DateTime<Utc>,
) -> IncidentReading {
    let (component_ids, component_names) = component_refs(&wire, names);
    let started_at = time(wire.started_at.as_ref()).or_else(|| time(wire.created_at.as_ref()));
    let updates = dated_updates(wire.incident_updates.take());
    let updated_at = time(wire.updated_at.as_ref())
        .or_else(|| newest(&updates))
        .or(started_at)
        .unwrap_or(now);
    let updates = finish_updates(updates, updated_at);
    let status = match wire.status.as_deref() {
        Some(word) => IncidentStatus::from_wire(word),
        // No status of its own: the newest update's.
        None => updates
            .first()
            .map_or(IncidentStatus::Unknown, |u| u.status),
    };
    IncidentReading {
        id: wire.id.unwrap_or_default(),
        name: wire.name.unwrap_or_default(),
        status,
        impact: wire
            .impact
            .as_deref()
            .map_or(Impact::Minor, Impact::from_wire),
        shortlink: wire.shortlink.filter(|s| !s.trim().is_empty()),
        started_at,
        updated_at,
        resolved_at: time(wire.resolved_at.as_ref()),
        component_ids,
        component_names,
        updates,
    }
}

fn read_maintenance(
    mut wire: WireIncident,
    names: &HashMap<&str, &str>,
    now: DateTime<Utc>,
) -> MaintenanceReading {
    let (component_ids, component_names) = component_refs(&wire, names);
    let scheduled_for = time(wire.scheduled_for.as_ref());
    let updates = dated_updates(wire.incident_updates.take());
    let updated_at = time(wire.updated_at.as_ref())
        .or_else(|| newest(&updates))
        .or_else(|| time(wire.created_at.as_ref()))
        .unwrap_or(now);
    MaintenanceReading {
        id: wire.id.unwrap_or_default(),
        name: wire.name.unwrap_or_default(),
        status: wire
            .status
            .as_deref()
            .map_or(MaintenanceStatus::Unknown, MaintenanceStatus::from_wire),
        scheduled_for,
        scheduled_until: time(wire.scheduled_until.as_ref()),
        component_ids,
        component_names,
        shortlink: wire.shortlink.filter(|s| !s.trim().is_empty()),
        updates: finish_updates(updates, updated_at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::health::status_page::Affected;

    const ANTHROPIC_JUNE: &[u8] = include_bytes!("fixtures/anthropic-summary-june.json");
    const ANTHROPIC_RESOLVED: &[u8] = include_bytes!("fixtures/anthropic-summary-resolved.json");
    const OPENAI_MAINTENANCE: &[u8] = include_bytes!("fixtures/openai-summary-maintenance.json");
    const OPENAI_UNRESOLVED: &[u8] = include_bytes!("fixtures/openai-incidents-unresolved.json");

    fn now() -> DateTime<Utc> {
        "2026-06-05T16:40:00Z".parse().unwrap()
    }

    fn models_of(provider: &str) -> Vec<crate::catalog::Model> {
        Catalog::shipped()
            .unwrap()
            .models
            .into_iter()
            .filter(|m| m.provider == provider)
            .collect()
    }

    #[test]
    fn anthropic_summary_with_the_june_incident() {
        let reading = parse_statuspage_summary(ANTHROPIC_JUNE, now()).expect("a valid summary");
        assert_eq!(reading.page_name, "Claude");
        assert_eq!(
            reading.page_url.as_deref(),
            Some("https://status.claude.com")
        );
        assert_eq!(reading.indicator, Indicator::Major);
        assert_eq!(reading.fetched_at, now());
        let api = reading
            .components
            .iter()
            .find(|c| c.id == "k8w3r06qmzrp")
            .expect("the Claude API component");
        assert_eq!(api.name, "Claude API");
        assert_eq!(api.status, ComponentStatus::DegradedPerformance);
        assert_eq!(reading.incidents.len(), 1, "one unresolved incident");
        let incident = &reading.incidents[0];
        assert_eq!(
            incident.name,
            "Elevated errors on Claude Opus 4.7 and Opus 4.8"
        );
        assert_eq!(incident.status, IncidentStatus::Identified);
        assert_eq!(incident.impact, Impact::Major);
        assert!(incident.is_open());
        assert_eq!(
            incident.shortlink.as_deref(),
            Some("https://stspg.io/q4lnm")
        );
        assert_eq!(
            incident.started_at,
            Some("2026-06-05T15:12:04.000Z".parse().unwrap())
        );
        assert_eq!(incident.component_names, vec!["Claude API"]);
        assert_eq!(incident.component_ids, vec!["k8w3r06qmzrp"]);
        assert_eq!(incident.updates.len(), 2);
        assert_eq!(
            incident.updates[0].status,
            IncidentStatus::Identified,
            "updates come newest first"
        );
        assert!(reading.anything_wrong());
        assert_eq!(
            incident.affected_models(&models_of("anthropic")),
            Affected::Models(vec!["claude-opus-4-8".into(), "claude-opus-4-7".into()]),
            "the June incident covers exactly Opus 4.7 and Opus 4.8"
        );
    }

    #[test]
    fn a_resolved_page_has_nothing_wrong() {
        let reading = parse_statuspage_summary(ANTHROPIC_RESOLVED, now()).unwrap();
        assert_eq!(reading.indicator, Indicator::None);
        assert!(
            reading.incidents.is_empty(),
            "summary lists only unresolved incidents"
        );
        assert!(
            reading
                .components
                .iter()
                .all(|c| c.status == ComponentStatus::Operational)
        );
        assert!(
            !reading.anything_wrong(),
            "an all-operational page is quiet"
        );
    }

    #[test]
    fn incident_io_summary_with_groups_and_a_maintenance() {
        let reading = parse_statuspage_summary(OPENAI_MAINTENANCE, now()).unwrap();
        assert_eq!(reading.page_name, "OpenAI");
        assert_eq!(reading.indicator, Indicator::Maintenance);
        let apis = reading
            .components
            .iter()
            .find(|c| c.name == "APIs")
            .unwrap();
        assert!(apis.is_group, "APIs is a group");
        let chat = reading
            .components
            .iter()
            .find(|c| c.name == "Chat Completions")
            .unwrap();
        assert_eq!(chat.group.as_deref(), Some("APIs"));
        assert_eq!(chat.status, ComponentStatus::UnderMaintenance);
        assert!(reading.incidents.is_empty());
        assert_eq!(reading.maintenances.len(), 1);
        let m = &reading.maintenances[0];
        assert_eq!(m.status, MaintenanceStatus::InProgress);
        assert!(m.is_active(now()));
        assert_eq!(m.component_names, vec!["Chat Completions"]);
        assert_eq!(
            m.scheduled_until,
            Some("2026-06-05T17:00:00.000Z".parse().unwrap())
        );
        assert_eq!(
            m.affected_models(&models_of("openai")),
            Affected::ApiWide,
            "Chat Completions carries every OpenAI model Switchboard sends to, but names none"
        );
        assert!(reading.anything_wrong());
    }

    #[test]
    fn incident_naming_components_only_in_its_updates() {
        let list = parse_statuspage_incidents(OPENAI_UNRESOLVED, now()).unwrap();
        assert_eq!(list.incidents.len(), 2);
        let codex = &list.incidents[0];
        assert!(codex.component_ids.len() == 1 && codex.component_names == vec!["Codex"]);
        assert_eq!(
            codex.affected_models(&models_of("openai")),
            Affected::NoModels,
            "a Codex-only incident covers no API model"
        );
        let latency = &list.incidents[1];
        assert_eq!(
            latency.component_names,
            vec!["Responses", "Chat Completions"],
            "names read from the updates' affected_components"
        );
        assert_eq!(
            latency.status,
            IncidentStatus::Unknown,
            "an unknown word is unknown"
        );
        assert_eq!(
            latency.impact,
            Impact::Minor,
            "an unknown impact counts as minor"
        );
        assert_eq!(
            latency.affected_models(&models_of("openai")),
            Affected::Models(vec!["gpt-5-mini".into()])
        );
    }

    #[test]
    fn missing_and_odd_fields_are_tolerated() {
        let text = br#"{
          "page": {"name": "Tiny"},
          "components": [
            {"id": "a", "name": "API", "status": "sparkly", "extra": [1, 2]},
            {"id": "b", "status": null},
            {}
          ],
          "incidents": [
            {"name": "Something", "incident_updates": [
              {"status": "monitoring", "body": "watching", "created_at": "not a time"},
              {"status": "investigating", "body": "looking", "created_at": "2026-06-05T15:00:00+02:00"}
            ]}
          ]
        }"#;
        let reading = parse_statuspage_summary(text, now()).expect("tolerant parse");
        assert_eq!(
            reading.components.len(),
            2,
            "an entry with no id or name is dropped"
        );
        assert_eq!(reading.components[0].status, ComponentStatus::Unknown);
        assert_eq!(
            reading.components[1].name, "b",
            "a nameless component is named by id"
        );
        let incident = &reading.incidents[0];
        assert_eq!(incident.id, "");
        assert_eq!(
            incident.status,
            IncidentStatus::Monitoring,
            "no status of its own: the newest update's"
        );
        assert_eq!(
            incident.updated_at,
            "2026-06-05T13:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!(
            incident.updates[0].body, "watching",
            "with an undated update the page's order is kept"
        );
        assert_eq!(
            incident.updates[0].at, incident.updated_at,
            "an unreadable time falls back"
        );
        assert_eq!(
            reading.indicator,
            Indicator::Minor,
            "no indicator: derived from the open incident"
        );
    }

    #[test]
    fn hostile_bodies_are_problems_never_panics() {
        let cases: [(&[u8], FeedProblem); 9] = [
            (b"", FeedProblem::Empty),
            (b"  \n\t ", FeedProblem::Empty),
            (
                b"<!DOCTYPE html><html><head><title>Just a moment...</title></head></html>",
                FeedProblem::WebPage,
            ),
            (
                b"\xEF\xBB\xBF  <html lang=en><body>Sign in</body></html>",
                FeedProblem::WebPage,
            ),
            (b"\x01\x7f<<garbage !#$%&()*+,-./0123", FeedProblem::NotData),
            (b"{\"page\": {\"name\": \"cut off", FeedProblem::NotData),
            (
                b"null",
                FeedProblem::UnexpectedShape("it is empty (null)".into()),
            ),
            (
                b"{\"status\": \"fine\"}",
                FeedProblem::UnexpectedShape(
                    "found string \"fine\" where an object was expected".into(),
                ),
            ),
            (
                b"{\"hello\": 1}",
                FeedProblem::UnexpectedShape(
                    "it has no page, status, components or incidents".into(),
                ),
            ),
        ];
        for (body, expected) in cases {
            let got = parse_statuspage_summary(body, now());
            assert_eq!(
                got.as_ref().err(),
                Some(&expected),
                "{:?} should be refused as {expected:?}",
                String::from_utf8_lossy(body)
            );
        }
        for body in [&b"[]"[..], b"42", b"\"text\"", b"{\"components\": {}}"] {
            assert!(
                matches!(
                    parse_statuspage_summary(body, now()),
                    Err(FeedProblem::UnexpectedShape(_))
                ),
                "{:?} is JSON of the wrong shape",
                String::from_utf8_lossy(body)
            );
        }
    }
}
