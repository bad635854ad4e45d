//! One episode's timeline: what this app saw (its first failed request, each change of
//! state, its first answer again) beside what the provider posted and what the workspace did,
//! on one time axis; how far ahead of (or behind) the provider's posts this app was, in words;
//! and whether the model answered as the same snapshot before and after. Pure: everything
//! read from the store comes in.

use crate::clock::LocalTimes;
use crate::history::Episode;
use crate::store::StoredAttempt;
use crate::vocabulary::{
    AvailabilityState, Blame, IncidentPost, ModelAvailability, ModelIdentity, ReasonKind,
    human_wait,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

/// How long before an episode's start its first failures are looked for, and how far around
/// it the provider's posts.
pub const ONSET_WINDOW: chrono::Duration = chrono::Duration::minutes(15);
pub const POST_WINDOW: chrono::Duration = chrono::Duration::hours(2);

/// One thing that happened, on one lane.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Mark {
    pub at: DateTime<Utc>,
    pub kind: MarkKind,
    /// Short: "First failed request", "Investigating", "Turned off by your workspace".
    pub title: String,
    /// The detail, as plain text: a provider's post is its words as written (untrusted).
    pub text: String,
    pub link: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum MarkKind {
    FirstFailure,
    /// A change of the model's state as this app judged it.
    State,
    FirstAnswer,
    /// One of the provider's posts.
    Post,
    /// The workspace turned the model off, or no longer does.
    PolicyOff,
    PolicyOn,
}

/// Whether the model itself changed across the episode, from the identity its answers
/// carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum IdentityVerdict {
    Same,
    Changed,
    /// No answer on one side (or either) to compare.
    NotKnown,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct IdentityLane {
    pub verdict: IdentityVerdict,
    /// The last answer's identity before the episode, and the first after it.
    pub before: Option<(DateTime<Utc>, ModelIdentity)>,
    pub after: Option<(DateTime<Utc>, ModelIdentity)>,
    pub said: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Timeline {
    pub episode: Episode,
    pub model_name: String,
    pub provider_name: String,
    /// The axis, both lanes on it.
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub observed: Vec<Mark>,
    pub posted: Vec<Mark>,
    pub workspace: Vec<Mark>,
    /// "Switchboard saw the first server errors 6 min before Anthropic posted."
    pub lead: Option<String>,
    /// The same at the end: "Switchboard saw answers again 5 min before Anthropic posted
    /// “resolved”."
    pub return_lead: Option<String>,
    /// "12 requests while it lasted, 10 failed on Anthropic's side."
    pub requests: String,
    pub identity: IdentityLane,
}

/// What the timeline is drawn from.
pub struct TimelineInput<'a> {
    pub episode: &'a Episode,
    pub model_name: &'a str,
    pub provider_name: &'a str,
    /// The model's attempts from [`ONSET_WINDOW`] before the episode to its end (or now) and
    /// a little after, oldest first.
    pub attempts: &'a [StoredAttempt],
    /// The model's states over the same stretch, oldest first.
    pub transitions: &'a [ModelAvailability],
    /// The provider's posts within [`POST_WINDOW`] of the episode, oldest first.
    pub posts: &'a [IncidentPost],
    pub before: Option<(DateTime<Utc>, ModelIdentity)>,
    pub after: Option<(DateTime<Utc>, ModelIdentity)>,
    pub now: DateTime<Utc>,
    pub times: &'a LocalTimes,
}

/// Whether `post`'s incident is about this episode: its text names the model (or every
/// model), or it is the incident the episode's evidence cited.
fn about(post: &IncidentPost, episode: &Episode) -> bool {
    post.names(&episode.model.model) || episode.incident_title.as_ref() == Some(&post.incident_name)
}

fn is_server_error(a: &StoredAttempt) -> bool {
    a.outcome == "stream_broken"
        || matches!(
            a.reason_kind,
            Some(ReasonKind::ElevatedErrors | ReasonKind::Overloaded)
        )
}

fn ago(a: DateTime<Utc>, b: DateTime<Utc>) -> String {
    human_wait((b - a).to_std().unwrap_or_default())
}

fn status_word(status: &str) -> String {
    let mut word = status.replace('_', " ");
    if let Some(first) = word.get(0..1) {
        word = first.to_uppercase() + &word[1..];
    }
    word
}

pub fn timeline(input: &TimelineInput<'_>) -> Timeline {
    let episode = input.episode;
    let provider = input.provider_name;
    let end = episode.ended.unwrap_or(input.now);
    let during = |at: DateTime<Utc>| at >= episode.started - ONSET_WINDOW && at <= end;

    // This app's lane.
    let mut observed = Vec::new();
    let first_failure = input
        .attempts
        .iter()
        .filter(|a| during(a.at))
        .find(|a| a.blame == Some(Blame::Provider));
    if let Some(failure) = first_failure {
        let status = failure
            .http_status
            .map(|s| format!("HTTP {s}"))
            .unwrap_or_else(|| "the answer broke off".into());
        let why = failure
            .reason_kind
            .map(|k| crate::vocabulary::wire_word(&k).replace('_', " "))
            .unwrap_or_else(|| "a broken stream".into());
        observed.push(Mark {
            at: failure.at,
            kind: MarkKind::FirstFailure,
            title: "First failed request".into(),
            text: format!("{status} ({why}), on {provider}'s side"),
            link: None,
        });
    }
    let mut workspace = Vec::new();
    let mut turned_off = false;
    for state in input.transitions {
        let Some(at) = state.since else { continue };
        if at < episode.started || at > end {
            continue;
        }
        let off = state.reason.kind == ReasonKind::AdminDisabled;
        if off && !turned_off {
            workspace.push(Mark {
                at,
                kind: MarkKind::PolicyOff,
                title: "Turned off by your workspace".into(),
                text: state.reason.message.clone(),
                link: None,
            });
        } else if !off && turned_off {
            workspace.push(Mark {
                at,
                kind: MarkKind::PolicyOn,
                title: "No longer turned off by your workspace".into(),
                text: String::new(),
                link: None,
            });
        }
        turned_off = off;
        if off {
            continue;
        }
        let title = match state.state {
            AvailabilityState::Available => "Available again",
            AvailabilityState::Degraded => "Degraded",
            AvailabilityState::Unavailable => "Unavailable",
            AvailabilityState::Disabled => "Turned off",
            AvailabilityState::Unknown => "Not known",
        };
        observed.push(Mark {
            at,
            kind: MarkKind::State,
            title: title.into(),
            text: state.reason.headline.clone(),
            link: None,
        });
    }
    let last_failure = input
        .attempts
        .iter()
        .filter(|a| during(a.at) && a.blame == Some(Blame::Provider))
        .map(|a| a.at)
        .max();
    let first_answer = last_failure.and_then(|last| {
        input
            .attempts
            .iter()
            .find(|a| a.at > last && a.answered() && a.at >= episode.started)
    });
    if let Some(answer) = first_answer {
        observed.push(Mark {
            at: answer.at,
            kind: MarkKind::FirstAnswer,
            title: "First answer again".into(),
            text: String::new(),
            link: None,
        });
    }
    // At the same moment, the answer before the state it brought.
    observed.sort_by_key(|m| {
        (
            m.at,
            m.kind != MarkKind::FirstFailure && m.kind != MarkKind::FirstAnswer,
        )
    });

    // The provider's lane.
    let posts: Vec<&IncidentPost> = input.posts.iter().filter(|p| about(p, episode)).collect();
    let posted: Vec<Mark> = posts
        .iter()
        .map(|p| Mark {
            at: p.posted_at,
            kind: MarkKind::Post,
            title: format!("{}: {}", status_word(&p.status), p.incident_name),
            text: p.body.clone(),
            link: p.link.clone(),
        })
        .collect();

    // How far ahead, at the start and at the end.
    let first_post = posts.first().map(|p| p.posted_at);
    let failures_word = if first_failure.is_some_and(is_server_error) {
        "the first server errors"
    } else {
        "the first failed requests"
    };
    let lead = match (first_failure.map(|f| f.at), first_post) {
        (Some(saw), Some(posted)) if posted - saw >= chrono::Duration::minutes(1) => Some(format!(
            "Switchboard saw {failures_word} {} before {provider} posted.",
            ago(saw, posted)
        )),
        (Some(saw), Some(posted)) if saw - posted >= chrono::Duration::minutes(1) => Some(format!(
            "{provider} posted {} before this app's first failed request.",
            ago(posted, saw)
        )),
        (Some(_), Some(_)) => Some(format!(
            "Switchboard saw {failures_word} within a minute of {provider}'s first post."
        )),
        (None, Some(_)) => Some(format!(
            "Switchboard learned of it from {provider}'s status page: no request of this app failed before the post."
        )),
        (Some(saw), None) => Some(format!(
            "{provider} {} nothing about it; Switchboard saw {failures_word} at {}.",
            if episode.ended.is_some() {
                "posted"
            } else {
                "has posted"
            },
            input.times.time(saw)
        )),
        (None, None) => None,
    };
    let resolved = posts
        .iter()
        .find(|p| matches!(p.status.as_str(), "resolved" | "completed"))
        .map(|p| p.posted_at);
    let back = first_answer.map(|a| a.at);
    let return_lead = match (episode.ended, back, resolved) {
        (None, _, _) => None,
        // Over by the page alone: nothing this app saw says the model answers again.
        (Some(_), None, Some(resolved)) => Some(format!(
            "{provider} posted “resolved” at {}; this app has had no answer from the model since to confirm it.",
            input.times.time(resolved)
        )),
        (Some(_), Some(back), Some(resolved))
            if resolved - back >= chrono::Duration::minutes(1) =>
        {
            Some(format!(
                "Switchboard saw answers again {} before {provider} posted “resolved”.",
                ago(back, resolved)
            ))
        }
        (Some(_), Some(back), Some(resolved))
            if back - resolved >= chrono::Duration::minutes(1) =>
        {
            Some(format!(
                "{provider} posted “resolved” {} before this app's next answer.",
                ago(resolved, back)
            ))
        }
        (Some(_), Some(_), Some(_)) => Some(format!(
            "Switchboard saw answers again within a minute of {provider}'s “resolved”."
        )),
        (Some(_), Some(back), None) if first_post.is_some() => Some(format!(
            "{provider} has not posted “resolved” yet; Switchboard saw answers again at {}.",
            input.times.time(back)
        )),
        _ => None,
    };

    let within: Vec<&StoredAttempt> = input
        .attempts
        .iter()
        .filter(|a| a.at >= episode.started && a.at <= end)
        .collect();
    let failed_provider = within
        .iter()
        .filter(|a| a.blame == Some(Blame::Provider))
        .count();
    let failed_other = within
        .iter()
        .filter(|a| a.blame.is_some_and(|b| b != Blame::Provider))
        .count();
    let requests = match (within.len(), failed_provider, failed_other) {
        (0, _, _) => "This app sent no request while it lasted.".to_string(),
        (n, p, 0) => format!(
            "{n} request{} while it lasted, {p} failed on {provider}'s side.",
            if n == 1 { "" } else { "s" }
        ),
        (n, p, o) => format!(
            "{n} request{} while it lasted, {p} failed on {provider}'s side and {o} for other reasons.",
            if n == 1 { "" } else { "s" }
        ),
    };

    let identity = identity_lane(
        input.model_name,
        input.before.clone(),
        input.after.clone(),
        episode.ended.is_some(),
        if posts.is_empty() && episode.incident_title.is_none() {
            "the errors"
        } else {
            "the incident"
        },
    );

    let marks = observed.iter().chain(&posted).chain(&workspace);
    let from = marks
        .clone()
        .map(|m| m.at)
        .chain([episode.started])
        .min()
        .unwrap_or(episode.started);
    let to = marks.map(|m| m.at).chain([end]).max().unwrap_or(end);
    Timeline {
        episode: episode.clone(),
        model_name: input.model_name.to_string(),
        provider_name: provider.to_string(),
        from,
        to,
        observed,
        posted,
        workspace,
        lead,
        return_lead,
        requests,
        identity,
    }
}

fn identity_lane(
    model: &str,
    before: Option<(DateTime<Utc>, ModelIdentity)>,
    after: Option<(DateTime<Utc>, ModelIdentity)>,
    ended: bool,
    event: &str,
) -> IdentityLane {
    let name = |i: &ModelIdentity| i.model.clone().unwrap_or_else(|| model.to_string());
    let (verdict, said) = match (&before, &after) {
        (Some((_, b)), Some((_, a))) if b.model.is_some() && b.model == a.model => {
            let fingerprint = match (&b.fingerprint, &a.fingerprint) {
                (Some(fb), Some(fa)) if fb != fa => format!(
                    " Its system fingerprint changed ({fb} → {fa}): the provider's serving configuration, not the model."
                ),
                _ => String::new(),
            };
            (
                IdentityVerdict::Same,
                format!(
                    "{model} answered as the same snapshot before and after {event} ({}).{fingerprint}",
                    name(b)
                ),
            )
        }
        (Some((_, b)), Some((_, a))) if b.model.is_some() && a.model.is_some() => (
            IdentityVerdict::Changed,
            format!(
                "{model} answered as {} before {event} and as {} after it: the provider changed the model it serves.",
                name(b),
                name(a)
            ),
        ),
        (Some((_, b)), _) if b.model.is_some() && !ended => (
            IdentityVerdict::NotKnown,
            format!(
                "{model} answered as {} before {event}; no answer since to compare.",
                name(b)
            ),
        ),
        (Some((_, b)), _) if b.model.is_some() => (
            IdentityVerdict::NotKnown,
            format!(
                "No answer from {model} since {event} yet to compare with {} before it.",
                name(b)
            ),
        ),
        (_, Some((_, a))) if a.model.is_some() => (
            IdentityVerdict::NotKnown,
            format!(
                "{model} answered as {} after {event}; no answer before it to compare.",
                name(a)
            ),
        ),
        _ => (
            IdentityVerdict::NotKnown,
            format!(
                "No answers from {model} around {event} to compare: this app keeps the model each answer names."
            ),
        ),
    };
    IdentityLane {
        verdict,
        before,
        after,
        said,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Zone;
    use crate::vocabulary::{EvidenceSource, ModelRef, Reason, Side};
    use chrono::TimeZone;

    fn at(minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 5, 15, 0, 0).unwrap() + chrono::Duration::minutes(minute)
    }

    fn opus() -> ModelRef {
        ModelRef::new("anthropic", "claude-opus-4-7")
    }

    fn episode(started: i64, ended: Option<i64>) -> Episode {
        Episode {
            id: format!("anthropic/claude-opus-4-7@{}", at(started).timestamp()),
            model: opus(),
            started: at(started),
            ended: ended.map(at),
            worst: AvailabilityState::Unavailable,
            reason_kind: ReasonKind::ElevatedErrors,
            side: Side::Provider,
            headline: "Elevated errors".into(),
            reasons: vec![ReasonKind::ElevatedErrors],
            sources: vec![EvidenceSource::OwnRequests],
            incident_link: None,
            incident_title: None,
        }
    }

    fn attempt(minute: i64, failed: bool) -> StoredAttempt {
        StoredAttempt {
            at: at(minute),
            attempt: 1,
            outcome: if failed { "reason" } else { "answered" }.into(),
            reason_kind: failed.then_some(ReasonKind::ElevatedErrors),
            http_status: failed.then_some(500),
            blame: failed.then_some(Blame::Provider),
        }
    }

    fn post(minute: i64, status: &str, models: &[&str]) -> IncidentPost {
        IncidentPost {
            provider: "anthropic".into(),
            incident_id: "q4lnmtw3kc8y".into(),
            incident_name: "Elevated errors on Claude Opus 4.7 and Opus 4.8".into(),
            link: None,
            models: models.iter().map(|m| m.to_string()).collect(),
            all_models: false,
            status: status.into(),
            body: "<img src=x onerror=alert(1)>".into(),
            posted_at: at(minute),
            seen_at: at(minute),
        }
    }

    fn state(minute: i64, state: AvailabilityState, kind: ReasonKind) -> ModelAvailability {
        ModelAvailability {
            model: opus(),
            state,
            reason: Reason {
                kind,
                side: kind.side(),
                source: EvidenceSource::OwnRequests,
                headline: format!("{kind:?}"),
                message: "Anthropic is having an outage".into(),
            },
            since: Some(at(minute)),
            next_check: None,
            stale: false,
            evidence: Default::default(),
        }
    }

    fn identity(model: &str, fingerprint: Option<&str>) -> ModelIdentity {
        ModelIdentity {
            model: Some(model.into()),
            fingerprint: fingerprint.map(str::to_string),
        }
    }

    struct Case {
        episode: Episode,
        attempts: Vec<StoredAttempt>,
        transitions: Vec<ModelAvailability>,
        posts: Vec<IncidentPost>,
        before: Option<ModelIdentity>,
        after: Option<ModelIdentity>,
    }

    fn draw(case: &Case) -> Timeline {
        let times = LocalTimes::new(Zone::UTC, at(120));
        timeline(&TimelineInput {
            episode: &case.episode,
            model_name: "Claude Opus 4.7",
            provider_name: "Anthropic",
            attempts: &case.attempts,
            transitions: &case.transitions,
            posts: &case.posts,
            before: case.before.clone().map(|i| (at(-30), i)),
            after: case.after.clone().map(|i| (at(100), i)),
            now: at(120),
            times: &times,
        })
    }

    fn june() -> Case {
        Case {
            episode: episode(2, Some(52)),
            attempts: vec![
                attempt(-10, false),
                attempt(1, true),
                attempt(2, true),
                attempt(30, true),
                attempt(45, false),
            ],
            transitions: vec![
                state(
                    2,
                    AvailabilityState::Unavailable,
                    ReasonKind::ElevatedErrors,
                ),
                state(11, AvailabilityState::Disabled, ReasonKind::AdminDisabled),
                state(
                    40,
                    AvailabilityState::Unavailable,
                    ReasonKind::ProviderIncident,
                ),
                state(52, AvailabilityState::Available, ReasonKind::Healthy),
            ],
            posts: vec![
                post(7, "investigating", &["claude-opus-4-7", "claude-opus-4-8"]),
                post(10, "identified", &["claude-opus-4-7", "claude-opus-4-8"]),
                post(55, "resolved", &["claude-opus-4-7", "claude-opus-4-8"]),
                // Another incident the same hour, about another model.
                IncidentPost {
                    incident_id: "other".into(),
                    incident_name: "Errors on Claude Haiku 4.5".into(),
                    ..post(20, "investigating", &["claude-haiku-4-5"])
                },
            ],
            before: Some(identity("claude-opus-4-7-20260415", None)),
            after: Some(identity("claude-opus-4-7-20260415", None)),
        }
    }

    #[test]
    fn june_2026_this_app_saw_it_six_minutes_before_the_post_and_the_model_did_not_change() {
        let t = draw(&june());
        assert_eq!(
            t.lead.as_deref(),
            Some("Switchboard saw the first server errors 6 min before Anthropic posted.")
        );
        assert_eq!(
            t.return_lead.as_deref(),
            Some("Switchboard saw answers again 10 min before Anthropic posted “resolved”.")
        );
        let observed: Vec<(MarkKind, i64)> = t
            .observed
            .iter()
            .map(|m| (m.kind, (m.at - at(0)).num_minutes()))
            .collect();
        assert_eq!(
            observed,
            [
                (MarkKind::FirstFailure, 1),
                (MarkKind::State, 2),
                (MarkKind::State, 40),
                (MarkKind::FirstAnswer, 45),
                (MarkKind::State, 52),
            ]
        );
        assert_eq!(
            t.observed[0].text,
            "HTTP 500 (elevated errors), on Anthropic's side"
        );
        // Only the incident about this model, its words as written.
        assert_eq!(t.posted.len(), 3);
        assert_eq!(
            t.posted[0].title,
            "Investigating: Elevated errors on Claude Opus 4.7 and Opus 4.8"
        );
        assert_eq!(t.posted[0].text, "<img src=x onerror=alert(1)>");
        let workspace: Vec<MarkKind> = t.workspace.iter().map(|m| m.kind).collect();
        assert_eq!(workspace, [MarkKind::PolicyOff, MarkKind::PolicyOn]);
        assert_eq!(t.workspace[0].text, "Anthropic is having an outage");
        assert_eq!(t.identity.verdict, IdentityVerdict::Same);
        assert_eq!(
            t.identity.said,
            "Claude Opus 4.7 answered as the same snapshot before and after the incident (claude-opus-4-7-20260415)."
        );
        assert_eq!(
            t.requests,
            "3 requests while it lasted, 2 failed on Anthropic's side."
        );
        assert!(
            t.from <= at(1) && t.to >= at(55),
            "{:?}..{:?}",
            t.from,
            t.to
        );
    }

    #[test]
    fn a_post_before_any_failure_and_a_changed_snapshot_are_said_as_they_are() {
        let mut case = june();
        case.attempts = vec![attempt(9, true), attempt(50, false)];
        case.after = Some(identity("claude-opus-4-7-20260601", None));
        let t = draw(&case);
        assert_eq!(
            t.lead.as_deref(),
            Some("Anthropic posted 2 min before this app's first failed request.")
        );
        assert_eq!(t.identity.verdict, IdentityVerdict::Changed);
        assert!(
            t.identity.said.contains("as claude-opus-4-7-20260415 before the incident and as claude-opus-4-7-20260601 after it"),
            "{}",
            t.identity.said
        );

        // Only the page: no request failed.
        case.attempts.clear();
        let t = draw(&case);
        assert!(
            t.lead
                .unwrap()
                .starts_with("Switchboard learned of it from Anthropic's status page")
        );
        assert_eq!(t.requests, "This app sent no request while it lasted.");
        assert_eq!(
            t.return_lead.as_deref(),
            Some(
                "Anthropic posted “resolved” at 15:55; this app has had no answer from the model since to confirm it."
            ),
            "no answer seen is not 'saw answers again'"
        );
    }

    #[test]
    fn with_no_post_the_lead_says_the_provider_has_posted_nothing_and_an_open_episode_has_no_return()
     {
        let mut case = june();
        case.posts.clear();
        case.episode = episode(2, None);
        case.after = None;
        case.before = Some(identity("gpt-5-2025-08-07", Some("fp_a")));
        let t = draw(&case);
        assert_eq!(
            t.lead.as_deref(),
            Some(
                "Anthropic has posted nothing about it; Switchboard saw the first server errors at 15:01."
            )
        );
        assert_eq!(t.return_lead, None);
        assert_eq!(t.identity.verdict, IdentityVerdict::NotKnown);
        assert!(
            t.identity
                .said
                .ends_with("before the errors; no answer since to compare."),
            "{}",
            t.identity.said
        );

        // A fingerprint change alone is not a model change.
        let mut case = june();
        case.before = Some(identity("gpt-5-2025-08-07", Some("fp_a")));
        case.after = Some(identity("gpt-5-2025-08-07", Some("fp_b")));
        let t = draw(&case);
        assert_eq!(t.identity.verdict, IdentityVerdict::Same);
        assert!(
            t.identity
                .said
                .contains("fingerprint changed (fp_a → fp_b)")
        );
    }
}
