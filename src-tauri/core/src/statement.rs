//! The first statement a workspace admin posts when models go out, drafted from the evidence
//! only — the lesson of June 2026, when a short incident on two Claude models read as "the
//! model got worse" because nobody said plainly what it was. It names exactly the models the
//! evidence names, says whose side it is on and — for a service problem — that the models
//! themselves have not changed, what the workspace did, what people can use meanwhile, since
//! when and from what source, and when the next update comes. When the workspace's policy
//! turns off more than the evidence covers, it says so. Pure: everything comes in.

use crate::clock::LocalTimes;
use crate::vocabulary::and_list;
use crate::vocabulary::{Reason, Side};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, Default)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    #[default]
    Text,
    Markdown,
}

/// What the statement is drafted from.
#[derive(Debug, Clone)]
pub struct Evidence<'a> {
    pub provider: &'a str,
    /// Exactly the models the evidence names, by name.
    pub affected: Vec<String>,
    pub reason: &'a Reason,
    pub since: DateTime<Utc>,
    /// When it ended (a "resolved" statement), if it has.
    pub ended: Option<DateTime<Utc>>,
    /// The provider's own post, where there is one: its title and link.
    pub incident: Option<(&'a str, Option<&'a str>)>,
    /// What the workspace policy turns off now, by name, and its words.
    pub turned_off: Vec<String>,
    /// The same in short, where it is a whole provider ("every Anthropic model"); `None`:
    /// the names are said.
    pub turned_off_short: Option<String>,
    pub policy_words: Option<&'a str>,
    /// What people can use meanwhile, by name.
    pub alternatives: Vec<String>,
    pub times: LocalTimes,
    /// Whether the model answered as the same snapshot before and after, where its answers
    /// say: the fact behind "the models did not change".
    pub snapshot: Option<Snapshot>,
}

/// What the answers before and after an episode said of the model that wrote them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub same: bool,
    /// "Claude Opus 4.7 answered as the same snapshot before and after the incident (…)."
    pub said: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Draft {
    pub title: String,
    pub text: String,
    /// Said above the draft, not in it: a blanket switch-off, for one.
    pub warnings: Vec<String>,
}

/// The models the policy turns off that the evidence does not name.
pub fn beyond_the_evidence(evidence: &Evidence<'_>) -> Vec<String> {
    evidence
        .turned_off
        .iter()
        .filter(|m| !evidence.affected.contains(m))
        .cloned()
        .collect()
}

/// The parts a template must keep — DESIGN.md's six, in placeholders — and what each says.
pub const TEMPLATE_PARTS: &[(&str, &str)] = &[
    ("{models}", "which models are affected"),
    ("{side}", "whose side it is on"),
    (
        "{not_changed}",
        "that the models themselves have not changed (or, on your side, that the provider's service is working)",
    ),
    ("{what_we_did}", "what the workspace did"),
    ("{meanwhile}", "what people can use meanwhile"),
    ("{since}", "since when"),
    ("{source}", "where the evidence came from"),
    ("{next_update}", "when the next update comes"),
];

/// A template written in advance ("draft that first statement before the outage"), as the
/// admin's own words around the parts. One that drops a part is refused, naming it.
pub fn check_template(template: &str) -> Result<(), String> {
    let missing: Vec<String> = TEMPLATE_PARTS
        .iter()
        .filter(|(placeholder, _)| !template.contains(placeholder))
        .map(|(placeholder, what)| format!("{placeholder} ({what})"))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "A statement must keep every part; this one drops {}",
            and_list(&missing)
        ))
    }
}

/// The first statement in the words of `template` (see [`check_template`]).
pub fn draft_from_template(evidence: &Evidence<'_>, template: &str) -> Result<Draft, String> {
    check_template(template)?;
    let e = evidence;
    let p = e.provider;
    let provider_side = e.reason.side == Side::Provider;
    let parts = [
        ("{models}", and_list(&e.affected)),
        (
            "{side}",
            if provider_side {
                format!("a service outage on {p}'s side")
            } else {
                format!("a problem on our side, not {p}'s")
            },
        ),
        (
            "{not_changed}",
            if provider_side {
                "The models themselves have not changed.".to_string()
            } else {
                format!("{p}'s service itself is working.")
            },
        ),
        (
            "{what_we_did}",
            if e.turned_off.is_empty() {
                "nothing has been turned off".to_string()
            } else {
                format!(
                    "our workspace policy has turned off {}",
                    e.turned_off_short
                        .clone()
                        .unwrap_or_else(|| and_list(&e.turned_off))
                )
            },
        ),
        (
            "{meanwhile}",
            if e.alternatives.is_empty() {
                "no other model is available right now".to_string()
            } else {
                and_list(&e.alternatives)
            },
        ),
        ("{since}", e.times.time(e.since)),
        ("{source}", source_words(e)),
        (
            "{next_update}",
            format!("when {p} posts one, and as soon as the models answer again"),
        ),
    ];
    let mut text = template.to_string();
    for (placeholder, words) in &parts {
        text = text.replace(placeholder, words);
    }
    let title = text
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches('#')
        .trim()
        .to_string();
    let warnings = draft(e, Format::Text).warnings;
    Ok(Draft {
        title,
        text,
        warnings,
    })
}

fn source_words(e: &Evidence<'_>) -> String {
    let p = e.provider;
    match e.incident {
        Some((title, Some(link))) => format!("{p}'s status page (\"{title}\", {link})"),
        Some((title, None)) => format!("{p}'s status page (\"{title}\")"),
        None => "our own requests to it".to_string(),
    }
}

/// The first statement (or, when `ended` is set, the "resolved" follow-up).
pub fn draft(evidence: &Evidence<'_>, format: Format) -> Draft {
    let e = evidence;
    let p = e.provider;
    let models = and_list(&e.affected);
    let since = e.times.time(e.since);
    let provider_side = e.reason.side == Side::Provider;
    let blanket = beyond_the_evidence(e);
    let source = source_words(e);
    let mut paragraphs = Vec::new();
    let title;
    match e.ended {
        None => {
            title = if provider_side {
                format!("Service outage at {p}: {models}")
            } else {
                format!("{models}: a problem on our side")
            };
            paragraphs.push(if provider_side {
                format!(
                    "Since {since}, {models} {} not answering reliably. This is a service outage \
                     on {p}'s side: {}. The models themselves have not changed — answers that \
                     come through are from the same models as before.",
                    if e.affected.len() == 1 { "is" } else { "are" },
                    e.reason.headline.trim_end_matches('.')
                )
            } else {
                format!(
                    "Since {since}, {models} cannot be used from our workspace: {}. This is on \
                     our side, not {p}'s — {p}'s service itself is working.",
                    e.reason.headline.trim_end_matches('.')
                )
            });
            paragraphs.push(format!(
                "Only {models} {} affected; other {p} models are not named by the evidence.",
                if e.affected.len() == 1 { "is" } else { "are" }
            ));
            if !e.turned_off.is_empty() {
                paragraphs.push(format!(
                    "What we did: our workspace policy has turned off {}{}.",
                    e.turned_off_short
                        .clone()
                        .unwrap_or_else(|| and_list(&e.turned_off)),
                    e.policy_words
                        .map(|w| format!(" (\"{}\")", w.trim()))
                        .unwrap_or_default()
                ));
            }
            if !e.alternatives.is_empty() {
                paragraphs.push(format!(
                    "Meanwhile you can use {}.",
                    and_list(&e.alternatives)
                ));
            }
            paragraphs.push(format!(
                "Source: {source}. We will post the next update when {p} posts one, and as \
                 soon as the models answer again."
            ));
        }
        Some(ended) => {
            title = format!("Resolved: {models}");
            let changed = match &e.snapshot {
                // The answers themselves say so: the claim is theirs, cited.
                Some(Snapshot { same: true, said }) => {
                    format!("the models themselves did not change: {said}")
                }
                // Not claimed against the evidence: said as the answers say it.
                Some(Snapshot { same: false, said }) => {
                    format!("but the model answering is not the one before: {said}")
                }
                None => "the models themselves did not change.".into(),
            };
            paragraphs.push(format!(
                "{models} {} answering again since {}. It was a service problem on {p}'s side \
                 from {since}; {changed}",
                if e.affected.len() == 1 { "is" } else { "are" },
                e.times.time(ended)
            ));
            if !e.turned_off.is_empty() {
                paragraphs.push(format!(
                    "Our workspace policy still turns off {}; we are turning {} back on.",
                    and_list(&e.turned_off),
                    if e.turned_off.len() == 1 {
                        "it"
                    } else {
                        "them"
                    }
                ));
            }
            paragraphs.push(format!("Source: {source}."));
        }
    }
    let mut warnings = Vec::new();
    if !blanket.is_empty() {
        warnings.push(format!(
            "The workspace policy turns off {} that the evidence does not name: {}. The \
             evidence concerns only {models}; turning off more reads as if they were affected.",
            if blanket.len() == 1 {
                "a model"
            } else {
                "models"
            },
            and_list(&blanket)
        ));
    }
    let text = match format {
        Format::Text => format!("{title}\n\n{}\n", paragraphs.join("\n\n")),
        Format::Markdown => format!("## {title}\n\n{}\n", paragraphs.join("\n\n")),
    };
    Draft {
        title,
        text,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Zone;
    use crate::vocabulary::{EvidenceSource, ReasonKind};
    use chrono::TimeZone;

    fn reason() -> Reason {
        Reason {
            kind: ReasonKind::ProviderIncident,
            side: Side::Provider,
            source: EvidenceSource::StatusPage,
            headline: "Anthropic reports: Elevated errors on Claude Opus 4.7 and Opus 4.8".into(),
            message: String::new(),
        }
    }

    fn june<'a>(reason: &'a Reason, turned_off: Vec<String>) -> Evidence<'a> {
        let since = Utc.with_ymd_and_hms(2026, 6, 5, 16, 12, 0).unwrap();
        Evidence {
            provider: "Anthropic",
            affected: vec!["Claude Opus 4.7".into(), "Claude Opus 4.8".into()],
            reason,
            since,
            ended: None,
            incident: Some((
                "Elevated errors on Claude Opus 4.7 and Opus 4.8",
                Some("https://stspg.io/q4lnmtw3kc8y"),
            )),
            turned_off,
            turned_off_short: None,
            policy_words: Some("Anthropic is having an outage; back once resolved."),
            alternatives: vec!["GPT-5".into(), "Gemini 2.5 Pro".into()],
            times: LocalTimes::new(Zone::UTC, since),
            snapshot: None,
        }
    }

    #[test]
    fn june_2026_names_exactly_the_two_models_and_says_they_have_not_changed() {
        let reason = reason();
        let all_anthropic: Vec<String> = [
            "Claude Opus 4.7",
            "Claude Opus 4.8",
            "Claude Sonnet 4.6",
            "Claude Haiku 4.5",
        ]
        .map(String::from)
        .to_vec();
        let draft = draft(&june(&reason, all_anthropic), Format::Text);
        assert_eq!(
            draft.title,
            "Service outage at Anthropic: Claude Opus 4.7 and Claude Opus 4.8"
        );
        let t = &draft.text;
        assert!(
            t.contains(
                "Since 16:12, Claude Opus 4.7 and Claude Opus 4.8 are not answering reliably"
            ),
            "{t}"
        );
        assert!(
            t.contains("This is a service outage on Anthropic's side"),
            "{t}"
        );
        assert!(t.contains("The models themselves have not changed"), "{t}");
        assert!(!t.to_lowercase().contains("all claude models"), "{t}");
        assert!(!t.contains("got worse"), "{t}");
        assert!(
            t.contains("Meanwhile you can use GPT-5 and Gemini 2.5 Pro."),
            "{t}"
        );
        assert!(t.contains("https://stspg.io/q4lnmtw3kc8y"), "{t}");
        assert!(t.contains("next update"), "{t}");
        // The policy turned off every Anthropic model for an incident on two: said plainly.
        assert_eq!(draft.warnings.len(), 1);
        assert!(
            draft.warnings[0].contains("does not name: Claude Sonnet 4.6 and Claude Haiku 4.5"),
            "{:?}",
            draft.warnings
        );
    }

    #[test]
    fn no_warning_when_the_policy_matches_the_evidence_and_a_resolved_follow_up() {
        let reason = reason();
        let mut evidence = june(
            &reason,
            vec!["Claude Opus 4.7".into(), "Claude Opus 4.8".into()],
        );
        assert!(draft(&evidence, Format::Markdown).warnings.is_empty());
        assert!(
            draft(&evidence, Format::Markdown)
                .text
                .starts_with("## Service outage")
        );
        evidence.ended = Some(evidence.since + chrono::Duration::minutes(52));
        let resolved = draft(&evidence, Format::Text);
        assert_eq!(
            resolved.title,
            "Resolved: Claude Opus 4.7 and Claude Opus 4.8"
        );
        assert!(
            resolved.text.contains("answering again since 17:04"),
            "{}",
            resolved.text
        );
        assert!(resolved.text.contains("did not change"));

        // The answers before and after cite the fact; a changed snapshot is never called the
        // same model.
        let same = "Claude Opus 4.7 answered as the same snapshot before and after the incident (claude-opus-4-7-20260415).";
        evidence.snapshot = Some(Snapshot {
            same: true,
            said: same.into(),
        });
        let cited = draft(&evidence, Format::Text).text;
        assert!(
            cited.contains(&format!("the models themselves did not change: {same}")),
            "{cited}"
        );
        evidence.snapshot = Some(Snapshot {
            same: false,
            said: "Claude Opus 4.7 answered as claude-opus-4-7-20260415 before the incident and as claude-opus-4-7-20260601 after it: the provider changed the model it serves.".into(),
        });
        let changed = draft(&evidence, Format::Text).text;
        assert!(!changed.contains("did not change"), "{changed}");
        assert!(
            changed.contains("the provider changed the model it serves"),
            "{changed}"
        );
    }

    #[test]
    fn a_template_keeps_the_six_parts_and_one_that_drops_not_changed_is_refused() {
        let dropped = "Heads up: {models} are down since {since} ({side}). We did: {what_we_did}. \
                       Use {meanwhile}. Source: {source}. Next update {next_update}.";
        let refused = check_template(dropped).unwrap_err();
        assert!(refused.contains("{not_changed}"), "{refused}");
        assert!(refused.contains("have not changed"), "{refused}");
        let kept = format!("Outage: {{models}}\n\n{dropped} {{not_changed}}");
        let reason = reason();
        let draft = draft_from_template(
            &june(
                &reason,
                vec!["Claude Opus 4.7".into(), "Claude Opus 4.8".into()],
            ),
            &kept,
        )
        .unwrap();
        assert_eq!(draft.title, "Outage: Claude Opus 4.7 and Claude Opus 4.8");
        assert!(
            draft
                .text
                .contains("since 16:12 (a service outage on Anthropic's side)"),
            "{}",
            draft.text
        );
        assert!(
            draft
                .text
                .contains("The models themselves have not changed."),
            "{}",
            draft.text
        );
        assert!(
            !draft.text.contains('{'),
            "every placeholder filled: {}",
            draft.text
        );
    }

    #[test]
    fn a_problem_on_our_side_says_the_providers_service_is_working() {
        let reason = Reason {
            kind: ReasonKind::AuthFailed,
            side: Side::YourKey,
            source: EvidenceSource::OwnRequests,
            headline: "Anthropic rejected our API key".into(),
            message: String::new(),
        };
        let mut evidence = june(&reason, vec![]);
        evidence.incident = None;
        let t = draft(&evidence, Format::Text).text;
        assert!(
            t.contains(
                "This is on our side, not Anthropic's — Anthropic's service itself is working."
            ),
            "{t}"
        );
    }
}
