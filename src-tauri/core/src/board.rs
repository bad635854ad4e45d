//! The board's "Now": what is wrong right now first — the models that cannot be relied on,
//! grouped by provider and reason ("Anthropic: Elevated errors on Claude Opus 4.7 and Opus
//! 4.8 — 2 models; all other Anthropic models working") — then every provider with its models'
//! states, when it was last checked and when next. Pure: the states and the checks come in.

use crate::catalog::Catalog;
use crate::vocabulary::and_list;
use crate::vocabulary::{AvailabilityState, ModelAvailability, ModelRef, ProviderCheck};
use crate::vocabulary::{ReasonKind, Side};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::HashMap;

/// Models of one provider out for one reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct WrongNow {
    pub provider: String,
    pub provider_name: String,
    pub reason_kind: ReasonKind,
    pub side: Side,
    /// The worst state among them.
    pub state: AvailabilityState,
    pub models: Vec<ModelRef>,
    /// The group in one line, models named, the rest of the provider said.
    pub summary: String,
    /// The status page's incident, where one covers them.
    pub incident_link: Option<String>,
    /// A workspace policy that turns off more than the evidence names, said plainly.
    pub beyond_evidence: Option<String>,
}

/// One model's line on the board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct BoardLine {
    pub model: ModelRef,
    pub display_name: String,
    pub availability: ModelAvailability,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ProviderBoard {
    pub provider: String,
    pub name: String,
    /// When its status page was last read.
    pub page_read_at: Option<DateTime<Utc>>,
    /// When this app last heard an answer from it.
    pub last_answer: Option<DateTime<Utc>>,
    /// The soonest any of its models is checked again by itself.
    pub next_check: Option<DateTime<Utc>>,
    pub models: Vec<BoardLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Board {
    pub wrong_now: Vec<WrongNow>,
    pub providers: Vec<ProviderBoard>,
}

/// What the board calls wrong: it cannot answer, may fail, or the workspace turned it off.
fn wrong(a: &ModelAvailability) -> bool {
    matches!(
        a.state,
        AvailabilityState::Unavailable | AvailabilityState::Degraded
    ) || (a.state == AvailabilityState::Disabled && a.reason.kind == ReasonKind::AdminDisabled)
}

/// `checks`: per provider, when its page was read and when it last answered.
pub fn board(
    catalog: &Catalog,
    availability: &[ModelAvailability],
    checks: &HashMap<String, ProviderCheck>,
) -> Board {
    let of: HashMap<&ModelRef, &ModelAvailability> =
        availability.iter().map(|a| (&a.model, a)).collect();
    let name = |m: &ModelRef| {
        catalog
            .model(&m.provider, &m.model)
            .map_or(m.model.clone(), |m| m.display_name.clone())
    };
    let mut providers = Vec::new();
    let mut wrong_now: Vec<WrongNow> = Vec::new();
    for provider in &catalog.providers {
        let lines: Vec<BoardLine> = catalog
            .models_of(&provider.id)
            .filter_map(|m| {
                let key = m.model_ref();
                of.get(&key).map(|a| BoardLine {
                    display_name: m.display_name.clone(),
                    model: key.clone(),
                    availability: (*a).clone(),
                })
            })
            .collect();
        // Grouped by what is said of them: one incident, or one reason.
        let mut groups: Vec<(String, Vec<&BoardLine>)> = Vec::new();
        for line in lines.iter().filter(|l| wrong(&l.availability)) {
            let a = &line.availability;
            let key = match &a.evidence.incident {
                Some(incident) if a.reason.kind == ReasonKind::ProviderIncident => {
                    format!("incident:{}:{:?}", incident.id, a.state)
                }
                _ => format!("{:?}:{:?}", a.reason.kind, a.state),
            };
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, members)) => members.push(line),
                None => groups.push((key, vec![line])),
            }
        }
        let working = lines.iter().filter(|l| !wrong(&l.availability)).count();
        for (index, (_, members)) in groups.iter().enumerate() {
            let first = &members[0].availability;
            let names: Vec<String> = members.iter().map(|l| name(&l.model)).collect();
            // The incident's title only for the models it names; a model it reaches only as
            // "the API" is told by its own reason.
            let named_by_incident = first
                .evidence
                .incident
                .as_ref()
                .filter(|i| members.iter().all(|l| i.models.contains(&l.model.model)));
            let same_headline = members
                .iter()
                .all(|l| l.availability.reason.headline == first.reason.headline);
            let what = match named_by_incident {
                Some(incident) => incident.title.clone(),
                None if same_headline => first.reason.headline.clone(),
                None => reason_words(first.reason.kind).to_string(),
            };
            let count = match members.len() {
                1 => "1 model".to_string(),
                n => format!("{n} models"),
            };
            // The rest of the provider, as it is: working, or in the other groups.
            let elsewhere: Vec<String> = groups
                .iter()
                .enumerate()
                .filter(|(other, _)| *other != index)
                .map(|(_, (_, m))| format!("{} {}", m.len(), state_words(m[0].availability.state)))
                .collect();
            let p = &provider.name;
            let rest = match (working, elsewhere.is_empty()) {
                (0, true) => format!("no other {p} model"),
                (_, true) => format!("all other {p} models working"),
                (0, false) => format!("the other {p} models: {}", and_list(&elsewhere)),
                (n, false) => format!(
                    "the other {p} models: {n} working, {}",
                    and_list(&elsewhere)
                ),
            };
            // Named already (by any of their names) when the words are the incident's own.
            let said = what.to_lowercase();
            let named = members.iter().all(|l| {
                catalog
                    .model(&l.model.provider, &l.model.model)
                    .is_some_and(|m| {
                        std::iter::once(&m.display_name)
                            .chain(m.aliases.iter())
                            .any(|n| said.contains(&n.to_lowercase()))
                    })
            });
            let on = if named {
                String::new()
            } else {
                format!(" — {}", and_list(&names))
            };
            wrong_now.push(WrongNow {
                provider: provider.id.clone(),
                provider_name: provider.name.clone(),
                reason_kind: first.reason.kind,
                side: first.reason.side,
                state: first.state,
                models: members.iter().map(|l| l.model.clone()).collect(),
                summary: {
                    // "Anthropic reports …" needs no "Anthropic: " before it; one headline said
                    // of many models is said of them all.
                    let what = if members.len() > 1 {
                        what.replace("this model is not named", "none of them is named")
                    } else {
                        what.clone()
                    };
                    if what.starts_with(&format!("{} ", provider.name)) {
                        format!("{what}{on} — {count}; {rest}")
                    } else {
                        format!("{}: {what}{on} — {count}; {rest}", provider.name)
                    }
                },
                incident_link: first
                    .evidence
                    .incident
                    .as_ref()
                    .and_then(|i| i.link.clone()),
                beyond_evidence: (first.reason.kind == ReasonKind::AdminDisabled)
                    .then(|| blanket(members, &name))
                    .flatten(),
            });
        }
        let ProviderCheck {
            page_read_at,
            last_answer,
        } = checks.get(&provider.id).copied().unwrap_or_default();
        providers.push(ProviderBoard {
            provider: provider.id.clone(),
            name: provider.name.clone(),
            page_read_at,
            last_answer,
            next_check: lines.iter().filter_map(|l| l.availability.next_check).min(),
            models: lines,
        });
    }
    // Out before degraded before turned off; then as the catalog lists them.
    wrong_now.sort_by_key(|w| match w.state {
        AvailabilityState::Unavailable => 0,
        AvailabilityState::Degraded => 1,
        _ => 2,
    });
    Board {
        wrong_now,
        providers,
    }
}

/// For models the workspace turned off: which of them the evidence names, when it names some
/// but not all (June 2026: every Anthropic model off for an incident on two).
fn blanket(members: &[&BoardLine], name: &dyn Fn(&ModelRef) -> String) -> Option<String> {
    let named: Vec<String> = members
        .iter()
        .filter(|l| l.availability.named_by_evidence())
        .map(|l| name(&l.model))
        .collect();
    let without = members.len() - named.len();
    if named.is_empty() || without == 0 {
        return None;
    }
    let what = members
        .iter()
        .find_map(|l| l.availability.evidence.incident.as_ref())
        .map(|i| format!(" (\"{}\")", i.title))
        .unwrap_or_default();
    Some(format!(
        "The evidence names only {}{what}; the other {without} {} off without evidence against \
         them.",
        and_list(&named),
        if without == 1 { "is" } else { "are" }
    ))
}

fn state_words(state: AvailabilityState) -> &'static str {
    match state {
        AvailabilityState::Unavailable => "out",
        AvailabilityState::Degraded => "degraded",
        AvailabilityState::Disabled => "turned off",
        AvailabilityState::Available => "working",
        AvailabilityState::Unknown => "not checked",
    }
}

fn reason_words(kind: ReasonKind) -> &'static str {
    use ReasonKind::*;
    match kind {
        ProviderIncident => "an incident on the status page",
        ElevatedErrors => "server errors",
        Overloaded => "overloaded",
        Maintenance => "scheduled maintenance",
        RateLimited => "your rate limit",
        QuotaExhausted => "out of credit",
        AuthFailed => "the key was rejected",
        NotPermitted => "not permitted for this key",
        ModelRetired => "no longer offered",
        Offline => "you appear to be offline",
        AdminDisabled => "turned off by your workspace",
        NotConfigured => "no API key",
        WrongEndpoint => "no API at the configured address",
        ContentFiltered | PromptBlocked => "content was blocked",
        Healthy | Unknown => "not known",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::{EvidenceSource, IncidentEvidence, Reason};

    fn state(
        model: &str,
        state: AvailabilityState,
        kind: ReasonKind,
        incident: Option<&IncidentEvidence>,
    ) -> ModelAvailability {
        ModelAvailability {
            model: ModelRef::new("anthropic", model),
            state,
            reason: Reason {
                kind,
                side: kind.side(),
                source: EvidenceSource::StatusPage,
                headline: format!("{kind:?} on {model}"),
                message: String::new(),
            },
            since: None,
            next_check: None,
            stale: false,
            evidence: crate::vocabulary::Evidence {
                incident: incident.cloned(),
                ..Default::default()
            },
        }
    }

    #[test]
    fn june_2026_groups_the_two_models_its_incident_names_and_says_the_rest_work() {
        let catalog = Catalog::shipped().unwrap();
        let incident = IncidentEvidence {
            models: vec!["claude-opus-4-7".into(), "claude-opus-4-8".into()],
            id: "q4lnmtw3kc8y".into(),
            title: "Elevated errors on Claude Opus 4.7 and Opus 4.8".into(),
            link: Some("https://stspg.io/q4lnmtw3kc8y".into()),
            ..Default::default()
        };
        let mut availability: Vec<ModelAvailability> = catalog
            .models_of("anthropic")
            .map(|m| {
                state(
                    &m.id,
                    AvailabilityState::Available,
                    ReasonKind::Healthy,
                    None,
                )
            })
            .collect();
        for a in availability.iter_mut() {
            if a.model.model == "claude-opus-4-7" || a.model.model == "claude-opus-4-8" {
                *a = state(
                    &a.model.model.clone(),
                    AvailabilityState::Unavailable,
                    ReasonKind::ProviderIncident,
                    Some(&incident),
                );
            }
        }
        let board = board(&catalog, &availability, &HashMap::new());
        assert_eq!(board.wrong_now.len(), 1, "{:#?}", board.wrong_now);
        let group = &board.wrong_now[0];
        assert_eq!(group.models.len(), 2);
        assert_eq!(group.side, Side::Provider);
        assert_eq!(
            group.summary,
            "Anthropic: Elevated errors on Claude Opus 4.7 and Opus 4.8 — 2 models; all other Anthropic models working"
        );
        assert_eq!(
            group.incident_link.as_deref(),
            Some("https://stspg.io/q4lnmtw3kc8y")
        );
        let anthropic = board
            .providers
            .iter()
            .find(|p| p.provider == "anthropic")
            .unwrap();
        assert_eq!(
            anthropic.models.len(),
            catalog.models_of("anthropic").count()
        );

        // The workspace then turns off the rest: a second group, and the first no longer
        // claims the rest work.
        for a in availability.iter_mut() {
            if a.state == AvailabilityState::Available {
                *a = state(
                    &a.model.model.clone(),
                    AvailabilityState::Disabled,
                    ReasonKind::AdminDisabled,
                    None,
                );
            }
        }
        let board = super::board(&catalog, &availability, &HashMap::new());
        assert_eq!(board.wrong_now.len(), 2);
        let others = catalog.models_of("anthropic").count() - 2;
        assert!(
            board.wrong_now[0]
                .summary
                .ends_with(&format!("the other Anthropic models: {others} turned off")),
            "{}",
            board.wrong_now[0].summary
        );
        assert_eq!(
            board.wrong_now[1].beyond_evidence, None,
            "no evidence names them at all"
        );
        assert!(
            board.wrong_now[1]
                .summary
                .contains("turned off by your workspace"),
            "{}",
            board.wrong_now[1].summary
        );

        // As in June 2026: the policy turns off every model, the incident still names two.
        for a in availability.iter_mut() {
            let named = a.model.model == "claude-opus-4-7" || a.model.model == "claude-opus-4-8";
            *a = state(
                &a.model.model.clone(),
                AvailabilityState::Disabled,
                ReasonKind::AdminDisabled,
                named.then_some(&incident),
            );
        }
        let board = super::board(&catalog, &availability, &HashMap::new());
        assert_eq!(board.wrong_now.len(), 1);
        let said = board.wrong_now[0]
            .beyond_evidence
            .clone()
            .expect("the blanket is said");
        assert!(
            said.starts_with("The evidence names only Claude Opus 4.8 and Claude Opus 4.7")
                || said.starts_with("The evidence names only Claude Opus 4.7 and Claude Opus 4.8"),
            "{said}"
        );
        assert!(
            said.contains(&format!("the other {others} are off without evidence")),
            "{said}"
        );
    }
}
