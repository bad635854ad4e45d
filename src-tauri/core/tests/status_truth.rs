//! What a status page covers is what its text names — against pages captured from the real
//! services (`tests/fixtures/status/`, each with its source in `SOURCES.md`) and against
//! incidents in their shape, replayed update by update through the reader, the mapping and the
//! availability engine. The promise under test: no model is switched off, or blamed, for what
//! the evidence does not name.

use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;
use std::collections::BTreeSet;
use switchboard_core::catalog::{Catalog, Model};
use switchboard_core::health::engine::{HealthEngine, HealthSettings};
use switchboard_core::health::poller::status_evidence;
use switchboard_core::health::status_page::{
    StatusReading, parse_statuspage_incidents, parse_statuspage_summary,
};
use switchboard_core::vocabulary::{AvailabilityState, ModelAvailability, ReasonKind};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/status");

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{name}"))
        .unwrap_or_else(|e| panic!("fixture {name} should be readable: {e}"))
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 9, 22, 1, 5, 0).unwrap()
}

fn catalog() -> Catalog {
    Catalog::shipped().expect("the shipped catalog")
}

/// What the engine concludes for `provider`'s models from this reading alone (every key
/// present, nothing else heard).
fn judge(reading: &StatusReading, provider: &str) -> Vec<ModelAvailability> {
    let catalog = catalog();
    let models: Vec<&Model> = catalog.models_of(provider).collect();
    let evidence = status_evidence(reading, &models, now());
    let mut engine = HealthEngine::new(
        catalog.clone(),
        HealthSettings::default(),
        |_| true,
        Vec::new(),
        now(),
    );
    engine.record_status(provider, evidence, now());
    engine
        .availability()
        .into_iter()
        .filter(|a| a.model.provider == provider)
        .collect()
}

/// The models the page's own words put in `state`.
fn in_state(judged: &[ModelAvailability], state: AvailabilityState) -> BTreeSet<String> {
    judged
        .iter()
        .filter(|a| a.state == state)
        .map(|a| a.model.model.clone())
        .collect()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

fn all_of(provider: &str) -> BTreeSet<String> {
    catalog()
        .models_of(provider)
        .map(|m| m.id.clone())
        .collect()
}

fn get<'a>(judged: &'a [ModelAvailability], id: &str) -> &'a ModelAvailability {
    judged
        .iter()
        .find(|a| a.model.model == id)
        .unwrap_or_else(|| panic!("{id} should be judged"))
}

/// Anthropic, 22 September 2026: "Elevated errors for multiple models", its first update
/// naming Claude Mythos 5.1 (which Switchboard does not list), Claude Fable 5.1 and Claude
/// Opus 5, and the Claude API at `partial_outage`. Switchboard once marked all twelve Claude
/// models unavailable here.
#[test]
fn the_real_multiple_models_incident_covers_only_the_models_it_names() {
    let reading = parse_statuspage_summary(
        &fixture("anthropic-summary-multiple-models-open.json"),
        now(),
    )
    .expect("a real Statuspage summary");
    let judged = judge(&reading, "anthropic");
    assert_eq!(
        in_state(&judged, AvailabilityState::Unavailable),
        set(&["claude-fable-5-1", "claude-opus-5"]),
        "only the models the update names are unavailable (a major incident)"
    );
    let rest: BTreeSet<String> = all_of("anthropic")
        .difference(&set(&["claude-fable-5-1", "claude-opus-5"]))
        .cloned()
        .collect();
    assert_eq!(
        in_state(&judged, AvailabilityState::Degraded),
        rest,
        "every other Claude model is degraded by the API's partial outage, not unavailable"
    );
    let haiku = get(&judged, "claude-haiku-4-5");
    assert_eq!(haiku.reason.kind, ReasonKind::ProviderIncident);
    for words in [
        "a partial outage of the Claude API",
        "its posts name Claude Fable 5.1 and Claude Opus 5, not Claude Haiku 4.5",
        "Its posts also name Claude Mythos 5.1, which Switchboard does not list",
        "This app has not sent Claude Haiku 4.5 a request since this was reported",
        "the model itself has not changed",
    ] {
        assert!(
            haiku.reason.message.contains(words),
            "Haiku 4.5's words should say {words:?}: {}",
            haiku.reason.message
        );
    }
    assert!(
        !haiku.reason.message.contains("covers Claude Haiku"),
        "never the false sentence: {}",
        haiku.reason.message
    );
    let opus = get(&judged, "claude-opus-5");
    let incident = opus
        .evidence
        .incident
        .as_ref()
        .expect("the incident is kept");
    assert_eq!(
        incident.unlisted_names,
        vec!["Claude Mythos 5.1"],
        "a name the catalog lacks is kept, never mapped to a near one"
    );
    assert!(opus.reason.message.contains("its posts name Claude Opus 5"));
}

/// The same page five hours later: the incident gone, everything operational.
#[test]
fn the_real_page_after_recovery_blames_nothing() {
    let reading = parse_statuspage_summary(
        &fixture("anthropic-summary-recovered-operational.json"),
        now(),
    )
    .unwrap();
    let judged = judge(&reading, "anthropic");
    assert!(
        judged.iter().all(|a| a.reason.kind == ReasonKind::Unknown),
        "a clear page says nothing against any model: {judged:#?}"
    );
}

/// Real pages whose trouble is somewhere Switchboard does not send to (the Console, ChatGPT
/// Work), or that are all clear: no model is touched.
#[test]
fn real_pages_about_products_touch_no_model() {
    for (file, provider) in [
        (
            "anthropic-summary-console-degraded-monitoring.json",
            "anthropic",
        ),
        ("openai-summary-chatgpt-work-monitoring.json", "openai"),
        ("openai-summary-all-operational.json", "openai"),
    ] {
        let reading = parse_statuspage_summary(&fixture(file), now()).unwrap();
        let judged = judge(&reading, provider);
        let touched: Vec<&ModelAvailability> = judged
            .iter()
            .filter(|a| a.reason.kind != ReasonKind::Unknown)
            .collect();
        assert!(
            touched.is_empty(),
            "{file}: nothing on this page concerns {provider}'s API models: {touched:#?}"
        );
    }
}

/// OpenAI, 29 September 2026: "Elevated errors across ChatGPT, Codex, and the API including
/// the Agents API", 22 components degraded, no model named: every OpenAI model degraded,
/// none unavailable.
#[test]
fn a_real_api_wide_degradation_naming_no_model_is_degraded_not_unavailable() {
    let reading = parse_statuspage_summary(
        &fixture("openai-summary-two-open-incidents-degraded.json"),
        now(),
    )
    .unwrap();
    let judged = judge(&reading, "openai");
    assert_eq!(in_state(&judged, AvailabilityState::Unavailable), set(&[]));
    assert_eq!(
        in_state(&judged, AvailabilityState::Degraded),
        all_of("openai")
    );
    let gpt = get(&judged, "gpt-5");
    assert!(
        gpt.reason.message.contains("its posts name no model"),
        "{}",
        gpt.reason.message
    );
}

/// A real incident's updates, oldest first, as the page posted them.
fn updates_of(file: &str, id: &str) -> (serde_json::Value, Vec<serde_json::Value>) {
    let doc: serde_json::Value = serde_json::from_slice(&fixture(file)).unwrap();
    let incident = doc["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("{file} should hold incident {id}"))
        .clone();
    let mut updates = incident["incident_updates"].as_array().unwrap().clone();
    updates.reverse();
    (incident, updates)
}

/// The incident as the page showed it after its first `n` updates: still open, the newest
/// update first.
fn as_of(incident: &serde_json::Value, updates: &[serde_json::Value], n: usize) -> Vec<u8> {
    let mut shown = incident.clone();
    let mut kept: Vec<serde_json::Value> = updates[..n].to_vec();
    kept.reverse();
    shown["status"] = kept[0]["status"].clone();
    shown["resolved_at"] = serde_json::Value::Null;
    shown["incident_updates"] = serde_json::Value::Array(kept);
    serde_json::to_vec(&serde_json::json!({ "incidents": [shown] })).unwrap()
}

fn covered_as_of(bytes: &[u8], provider: &str) -> (BTreeSet<String>, Vec<String>, bool) {
    let list = parse_statuspage_incidents(bytes, now()).expect("an incident list");
    let incident = &list.incidents[0];
    let catalog = catalog();
    let models: Vec<&Model> = catalog.models_of(provider).collect();
    let reading = StatusReading {
        page_name: "Claude".into(),
        page_url: None,
        indicator: switchboard_core::health::status_page::Indicator::Major,
        components: Vec::new(),
        incidents: list.incidents.clone(),
        maintenances: Vec::new(),
        fetched_at: now(),
    };
    let evidence = status_evidence(&reading, &models, now());
    let e = &evidence.incidents[0];
    assert!(incident.is_open());
    (
        e.models.iter().cloned().collect(),
        e.unlisted_names.clone(),
        e.others_unaffected,
    )
}

/// Anthropic's "Elevated errors for multiple models" (September 2026), replayed update by
/// update from the page's own incident history: the covered set follows the latest updates,
/// down to "The only affected models right now are Opus 4.8 and Opus 5".
#[test]
fn a_real_incident_replayed_update_by_update() {
    let (incident, updates) = updates_of(
        "anthropic-incidents-model-named-resolved.json",
        "461yvfrzpwtt",
    );
    let expected: [(&[&str], &[&str], bool); 6] = [
        // investigating: Claude Mythos 5.1, Claude Fable 5.1, and Claude Opus 5.
        (
            &["claude-fable-5-1", "claude-opus-5"],
            &["Claude Mythos 5.1"],
            false,
        ),
        // identified, same models.
        (
            &["claude-fable-5-1", "claude-opus-5"],
            &["Claude Mythos 5.1"],
            false,
        ),
        // "An exhaustive list of affected models: Mythos/Fable 5.1, Mythos/Fable 5, Opus 5,
        // Opus 4.8, Opus 4.6."
        (
            &[
                "claude-fable-5-1",
                "claude-opus-5",
                "claude-opus-4-8",
                "claude-opus-4-6",
            ],
            &["Claude Mythos 5.1", "Fable 5"],
            false,
        ),
        // "We are continuing to work on a fix for this issue."
        (
            &[
                "claude-fable-5-1",
                "claude-opus-5",
                "claude-opus-4-8",
                "claude-opus-4-6",
            ],
            &["Claude Mythos 5.1", "Fable 5"],
            false,
        ),
        // "The only affected models right now are Opus 4.8 and Opus 5. The rest of the
        // models have recovered to baseline error rate."
        (
            &["claude-opus-5", "claude-opus-4-8"],
            &["Claude Mythos 5.1", "Fable 5"],
            true,
        ),
        // monitoring: "A fix has been deployed for Claude Mythos 5.1, Claude Fable 5.1, and
        // Claude Opus 5 and we are monitoring for recovery."
        (
            &["claude-fable-5-1", "claude-opus-5", "claude-opus-4-8"],
            &["Claude Mythos 5.1", "Fable 5"],
            true,
        ),
    ];
    for (n, (models, unlisted, others_fine)) in expected.iter().enumerate() {
        let (covered, names, others) =
            covered_as_of(&as_of(&incident, &updates, n + 1), "anthropic");
        assert_eq!(
            covered,
            set(models),
            "after update {} ({:?}) the covered set should be exactly the named models",
            n + 1,
            updates[n]["body"]
        );
        assert_eq!(names, *unlisted, "after update {}: unlisted names", n + 1);
        assert_eq!(
            others,
            *others_fine,
            "after update {}: the rest said fine",
            n + 1
        );
    }
}

/// Every model-named incident in the real histories maps to exactly the models it names.
#[test]
fn real_incident_titles_map_to_the_models_they_name() {
    /// File, provider, incident id, the models it names, the names Switchboard lacks.
    type Case<'a> = (&'a str, &'a str, &'a str, &'a [&'a str], &'a [&'a str]);
    let cases: &[Case] = &[
        (
            "anthropic-incidents-model-named-resolved.json",
            "anthropic",
            "6304r9jjhj34",
            &["claude-fable-5-1"],
            &["Claude Mythos 5.1"],
        ),
        (
            "anthropic-incidents-model-named-resolved.json",
            "anthropic",
            "288w7p4hk1l1",
            &["claude-sonnet-5"],
            &[],
        ),
        (
            "anthropic-incidents-model-named-resolved.json",
            "anthropic",
            "ls6bn1x81m0w",
            &["claude-sonnet-5"],
            &[],
        ),
        (
            "openai-incidents-gpt-5.6-resolved.json",
            "openai",
            "01M27VK1VN54RQJGJEHB5JTQJJ",
            &["gpt-5.6-sol"],
            &[],
        ),
    ];
    for (file, provider, id, models, unlisted) in cases {
        let (incident, updates) = updates_of(file, id);
        // Every update but the closing one: the incident as it stood while open.
        let (covered, names, _) =
            covered_as_of(&as_of(&incident, &updates, updates.len() - 1), provider);
        assert_eq!(covered, set(models), "{id}: {}", incident["name"]);
        assert_eq!(names, *unlisted, "{id}: names Switchboard does not list");
    }
}

// ----- Incidents in the real pages' shape, one case each -----

const HAIKU: &str = "claude-haiku-4-5";

/// An Anthropic summary shaped like the September 2026 capture: the page's real components,
/// one open incident with `updates` (oldest first), the Claude API at `api_status`.
fn summary(title: &str, updates: &[&str], api_status: &str, impact: &str) -> Vec<u8> {
    let at = "2026-09-22T00:42:00.000Z";
    let api = serde_json::json!({
        "id": "k8w3r06qmzrp", "name": "Claude API (api.anthropic.com)", "status": api_status,
        "group": false, "group_id": null, "position": 3
    });
    let mut bodies: Vec<serde_json::Value> = updates
        .iter()
        .enumerate()
        .map(|(i, body)| {
            serde_json::json!({
                "id": format!("u{i}"), "status": "investigating", "body": body,
                "created_at": at, "display_at": at, "updated_at": at,
                "affected_components": [{"code": "k8w3r06qmzrp", "name": "Claude API (api.anthropic.com)",
                                          "old_status": "operational", "new_status": api_status}]
            })
        })
        .collect();
    bodies.reverse();
    serde_json::to_vec(&serde_json::json!({
        "page": {"id": "tymt9n04zgry", "name": "Claude", "url": "https://status.claude.com"},
        "status": {"indicator": "major", "description": "Partial System Outage"},
        "components": [
            {"id": "rwppv331jlwc", "name": "claude.ai", "status": "operational"},
            api,
            {"id": "yyzkbfz2thpt", "name": "Claude Code", "status": "operational"}
        ],
        "incidents": [{
            "id": "case1", "name": title, "status": "investigating", "impact": impact,
            "shortlink": "https://stspg.io/case1", "created_at": at, "started_at": at, "updated_at": at,
            "components": [api],
            "incident_updates": bodies
        }],
        "scheduled_maintenances": []
    }))
    .unwrap()
}

#[test]
fn each_shape_of_incident_covers_exactly_what_it_names() {
    use AvailabilityState::*;
    struct Case {
        what: &'static str,
        title: &'static str,
        updates: &'static [&'static str],
        api: &'static str,
        impact: &'static str,
        covered: &'static [&'static str],
        /// The text says every model.
        covered_all: bool,
        haiku: AvailabilityState,
    }
    let cases = [
        Case {
            what: "a vague title with named models in the update",
            title: "Elevated errors for multiple models",
            updates: &[
                "We are investigating elevated errors on requests to Claude Opus 5 and Claude Sonnet 4.6.",
            ],
            api: "partial_outage",
            impact: "major",
            covered: &["claude-opus-5", "claude-sonnet-4-6"],
            covered_all: false,
            haiku: Degraded,
        },
        Case {
            what: "names only in a later update",
            title: "Elevated errors on several models",
            updates: &[
                "We are investigating elevated error rates.",
                "We have identified the issue, which affects Claude Opus 4.8.",
            ],
            api: "degraded_performance",
            impact: "minor",
            covered: &["claude-opus-4-8"],
            covered_all: false,
            haiku: Degraded,
        },
        Case {
            what: "now also affecting",
            title: "Elevated errors on Claude Opus 4.7",
            updates: &[
                "We are investigating elevated errors on Claude Opus 4.7.",
                "The issue is now also affecting Claude Opus 4.8.",
            ],
            api: "partial_outage",
            impact: "major",
            covered: &["claude-opus-4-8", "claude-opus-4-7"],
            covered_all: false,
            haiku: Degraded,
        },
        Case {
            what: "a model recovered mid-incident",
            title: "Elevated errors on Claude Opus 4.7 and Opus 4.8",
            updates: &[
                "We are investigating elevated errors on Claude Opus 4.7 and Claude Opus 4.8.",
                "Opus 4.8 has recovered. We are continuing to work on a fix for Opus 4.7. Other models are not affected.",
            ],
            api: "partial_outage",
            impact: "major",
            covered: &["claude-opus-4-7"],
            covered_all: false,
            haiku: Unknown,
        },
        Case {
            what: "all Claude models",
            title: "Elevated errors on all Claude models",
            updates: &["We are investigating."],
            api: "major_outage",
            impact: "critical",
            covered: &[],
            covered_all: true,
            haiku: Unavailable,
        },
        Case {
            what: "a component-only partial outage with no names",
            title: "Elevated errors",
            updates: &["We are investigating elevated error rates on the API."],
            api: "partial_outage",
            impact: "major",
            covered: &[],
            covered_all: false,
            haiku: Degraded,
        },
        Case {
            what: "a major outage with no names",
            title: "Claude API unavailable",
            updates: &["Requests to the Claude API are failing."],
            api: "major_outage",
            impact: "critical",
            covered: &[],
            covered_all: false,
            haiku: Unavailable,
        },
        Case {
            what: "a name the catalog lacks",
            title: "Elevated errors on Claude Mythos 5.1",
            updates: &["We are investigating elevated errors on requests to Claude Mythos 5.1."],
            api: "degraded_performance",
            impact: "major",
            covered: &[],
            covered_all: false,
            haiku: Degraded,
        },
    ];
    for case in cases {
        let reading = parse_statuspage_summary(
            &summary(case.title, case.updates, case.api, case.impact),
            now(),
        )
        .unwrap();
        let catalog = catalog();
        let models: Vec<&Model> = catalog.models_of("anthropic").collect();
        let evidence = status_evidence(&reading, &models, now());
        let incident = &evidence.incidents[0];
        assert_eq!(
            incident.models.iter().cloned().collect::<BTreeSet<_>>(),
            set(case.covered),
            "{}: the covered set",
            case.what
        );
        assert_eq!(incident.all_models, case.covered_all, "{}", case.what);
        let judged = judge(&reading, "anthropic");
        assert_eq!(
            get(&judged, HAIKU).state,
            case.haiku,
            "{}: Claude Haiku 4.5 is not named: {:#?}",
            case.what,
            get(&judged, HAIKU)
        );
        if case.what == "a name the catalog lacks" {
            assert_eq!(incident.unlisted_names, vec!["Claude Mythos 5.1"]);
            assert!(
                get(&judged, HAIKU).reason.message.contains(
                    "Its posts also name Claude Mythos 5.1, which Switchboard does not list"
                ),
                "{}",
                get(&judged, HAIKU).reason.message
            );
        }
    }
}

// ----- The property -----

/// One generated incident: which models its text names, and how.
#[derive(Debug, Clone)]
struct Generated {
    named: Vec<usize>,
    /// Where the names go: 0 title, 1 first update, 2 a later update.
    place: u8,
    vague_title: &'static str,
    says_all: bool,
    api_status: &'static str,
    impact: &'static str,
    filler: &'static str,
}

fn generated() -> impl Strategy<Value = Generated> {
    let names = proptest::collection::vec(0usize..12, 0..4);
    (
        names,
        0u8..3,
        prop::sample::select(vec![
            "Elevated errors",
            "Elevated errors for multiple models",
            "Errors on several models",
            "Some models are seeing errors",
            "Elevated errors on certain models",
            "Degraded performance",
        ]),
        prop::bool::weighted(0.15),
        prop::sample::select(vec![
            "operational",
            "degraded_performance",
            "partial_outage",
            "major_outage",
        ]),
        prop::sample::select(vec!["none", "minor", "major", "critical"]),
        prop::sample::select(vec![
            "We are investigating.",
            "We are continuing to work on a fix.",
            "A fix has been implemented and we are monitoring the results.",
        ]),
    )
        .prop_map(
            |(named, place, vague_title, says_all, api_status, impact, filler)| Generated {
                named,
                place,
                vague_title,
                says_all,
                api_status,
                impact,
                filler,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// No model is unavailable by a status page unless its incident names it (or says every
    /// model) or the model API's component is at `major_outage` with no model named.
    #[test]
    fn nothing_is_unavailable_by_a_page_that_does_not_name_it(g in generated()) {
        let catalog = catalog();
        let claude: Vec<&Model> = catalog.models_of("anthropic").collect();
        let mut named: Vec<&Model> = g.named.iter().map(|&i| claude[i % claude.len()]).collect();
        named.dedup_by_key(|m| m.id.clone());
        let list = named.iter().map(|m| m.display_name.as_str()).collect::<Vec<_>>().join(", ");
        let naming = if named.is_empty() {
            String::new()
        } else {
            format!("We are investigating elevated errors on requests to {list}.")
        };
        let title = if g.place == 0 && !named.is_empty() {
            format!("Elevated errors on {list}")
        } else {
            g.vague_title.to_string()
        };
        let mut updates: Vec<String> = match g.place {
            1 => vec![naming.clone(), g.filler.to_string()],
            2 => vec![g.filler.to_string(), naming.clone()],
            _ => vec![g.filler.to_string()],
        };
        if g.says_all {
            updates.push("This affects all Claude models.".into());
        }
        let updates: Vec<&str> = updates.iter().map(String::as_str).filter(|u| !u.is_empty()).collect();
        let reading = parse_statuspage_summary(&summary(&title, &updates, g.api_status, g.impact), now()).unwrap();
        let judged = judge(&reading, "anthropic");
        for a in &judged {
            if a.state != AvailabilityState::Unavailable {
                continue;
            }
            let is_named = named.iter().any(|m| m.id == a.model.model);
            let outage_unnamed = g.api_status == "major_outage" && named.is_empty();
            prop_assert!(
                is_named || g.says_all || outage_unnamed,
                "{} is unavailable, though the incident {title:?} / {updates:?} (API {}) does not name it: {:?}",
                a.model.model, g.api_status, a.reason.message
            );
        }
        // And the other way: a named model is at least degraded.
        for m in &named {
            let a = get(&judged, &m.id);
            prop_assert!(
                matches!(a.state, AvailabilityState::Unavailable | AvailabilityState::Degraded),
                "{} is named by {title:?} / {updates:?} and should be at least degraded: {a:?}",
                m.id
            );
        }
    }
}

/// The provider's lane of a timeline, from a real `incidents.json`: every post of a resolved
/// incident, oldest first, with the models the incident named (those it later says have
/// recovered among them), and its words as written.
#[test]
fn a_real_resolved_incident_gives_its_posts_oldest_first_with_the_models_it_named() {
    use switchboard_core::health::poller::incident_posts;
    let list = parse_statuspage_incidents(
        &fixture("anthropic-incidents-model-named-resolved.json"),
        now(),
    )
    .unwrap();
    let reading = StatusReading {
        page_name: String::new(),
        page_url: None,
        indicator: switchboard_core::health::status_page::Indicator::None,
        components: Vec::new(),
        incidents: list.incidents,
        maintenances: list.maintenances,
        fetched_at: now(),
    };
    let catalog = catalog();
    let models: Vec<&Model> = catalog.models_of("anthropic").collect();
    let posts = incident_posts("anthropic", &reading, &models, now());
    let spikes: Vec<_> = posts
        .iter()
        .filter(|p| {
            p.incident_name
                .starts_with("Intermittent error spikes for Claude Mythos")
        })
        .collect();
    let statuses: Vec<&str> = spikes.iter().map(|p| p.status.as_str()).collect();
    assert_eq!(
        statuses,
        ["investigating", "investigating", "monitoring", "resolved"],
        "oldest first"
    );
    assert!(spikes.windows(2).all(|w| w[0].posted_at <= w[1].posted_at));
    assert_eq!(
        spikes[3].posted_at,
        "2026-09-15T11:14:44.380Z".parse::<DateTime<Utc>>().unwrap()
    );
    assert!(
        spikes[3]
            .body
            .starts_with("A fix has been deployed for Claude Mythos 5.1")
    );
    for post in &spikes {
        assert!(post.names("claude-fable-5-1"), "{:?}", post.models);
        assert!(!post.names("claude-sonnet-4-6") && !post.all_models);
        assert_eq!(post.seen_at, now());
    }
    // Every incident in the capture gives at least one post, and none is invented.
    let ids: BTreeSet<&str> = posts.iter().map(|p| p.incident_id.as_str()).collect();
    assert_eq!(ids.len(), reading.incidents.len());
    let updates: usize = reading
        .incidents
        .iter()
        .map(|i| i.updates.len().max(1))
        .sum();
    assert_eq!(posts.len(), updates);
}
