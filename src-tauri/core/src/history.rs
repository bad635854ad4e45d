//! The outage history: each model's episodes — from the first moment it could not be relied
//! on to the moment it could again — read from the transitions the store keeps. Pure: the
//! transitions and `now` come in.

use crate::vocabulary::{AvailabilityState, EvidenceSource, ModelAvailability, ModelRef};
use crate::vocabulary::{ReasonKind, Side};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::HashMap;

/// One stretch of a model being out (unavailable), degraded, or turned off by the workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Episode {
    /// Stable: the model and when it began (`anthropic/claude-opus-4-7@1780675920`).
    pub id: String,
    pub model: ModelRef,
    pub started: DateTime<Utc>,
    /// `None`: still going on.
    pub ended: Option<DateTime<Utc>>,
    /// The worst it got: unavailable, then degraded, then turned off.
    pub worst: AvailabilityState,
    /// Why, as first said, and whose side that was on.
    pub reason_kind: ReasonKind,
    pub side: Side,
    pub headline: String,
    /// Every reason it was given while it lasted, in order, once each.
    pub reasons: Vec<ReasonKind>,
    /// Where the evidence came from, in order, once each.
    pub sources: Vec<EvidenceSource>,
    /// The status page's incident, where one covered it.
    pub incident_link: Option<String>,
    pub incident_title: Option<String>,
}

impl Episode {
    /// How long it lasted, or has lasted until `now`.
    pub fn duration(&self, now: DateTime<Utc>) -> chrono::Duration {
        self.ended.unwrap_or(now) - self.started
    }
}

/// A state this app's history calls an episode: the model could not be relied on.
fn is_episode(a: &ModelAvailability) -> bool {
    match a.state {
        AvailabilityState::Unavailable | AvailabilityState::Degraded => true,
        // The workspace turning it off is history; not having a key is not.
        AvailabilityState::Disabled => a.reason.kind == ReasonKind::AdminDisabled,
        AvailabilityState::Available | AvailabilityState::Unknown => false,
    }
}

/// How bad a state is for the history: unavailable, then degraded, then turned off.
pub fn rank(state: AvailabilityState) -> u8 {
    match state {
        AvailabilityState::Unavailable => 3,
        AvailabilityState::Degraded => 2,
        AvailabilityState::Disabled => 1,
        _ => 0,
    }
}

/// The episodes in `transitions` (each model's states in time order, as
/// [`crate::store::Store::transitions_since`] reads them), oldest first.
pub fn episodes(transitions: &[ModelAvailability]) -> Vec<Episode> {
    let mut open: HashMap<ModelRef, Episode> = HashMap::new();
    let mut done = Vec::new();
    for a in transitions {
        let Some(at) = a.since else { continue };
        match (is_episode(a), open.get_mut(&a.model)) {
            (true, Some(episode)) => {
                if rank(a.state) > rank(episode.worst) {
                    episode.worst = a.state;
                }
                if !episode.reasons.contains(&a.reason.kind) {
                    episode.reasons.push(a.reason.kind);
                }
                if !episode.sources.contains(&a.reason.source) {
                    episode.sources.push(a.reason.source);
                }
                if let Some(incident) = &a.evidence.incident {
                    episode.incident_link = episode.incident_link.take().or(incident.link.clone());
                    episode.incident_title = episode
                        .incident_title
                        .take()
                        .or(Some(incident.title.clone()));
                }
            }
            (true, None) => {
                open.insert(
                    a.model.clone(),
                    Episode {
                        id: format!("{}@{}", a.model, at.timestamp()),
                        model: a.model.clone(),
                        started: at,
                        ended: None,
                        worst: a.state,
                        reason_kind: a.reason.kind,
                        side: a.reason.side,
                        headline: a.reason.headline.clone(),
                        reasons: vec![a.reason.kind],
                        sources: vec![a.reason.source],
                        incident_link: a.evidence.incident.as_ref().and_then(|i| i.link.clone()),
                        incident_title: a.evidence.incident.as_ref().map(|i| i.title.clone()),
                    },
                );
            }
            (false, Some(_)) => {
                let mut episode = open.remove(&a.model).expect("just found");
                episode.ended = Some(at);
                done.push(episode);
            }
            (false, None) => {}
        }
    }
    done.extend(open.into_values());
    done.sort_by(|a, b| {
        a.started
            .cmp(&b.started)
            .then_with(|| a.model.to_string().cmp(&b.model.to_string()))
    });
    done
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::{IncidentEvidence, Reason};
    use chrono::TimeZone;

    fn at(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 5, 16, 0, 0).unwrap() + chrono::Duration::minutes(min)
    }

    fn state(
        model: &str,
        min: i64,
        state: AvailabilityState,
        kind: ReasonKind,
        source: EvidenceSource,
    ) -> ModelAvailability {
        ModelAvailability {
            model: ModelRef::new("anthropic", model),
            state,
            reason: Reason {
                kind,
                side: kind.side(),
                source,
                headline: format!("{kind:?}"),
                message: String::new(),
            },
            since: Some(at(min)),
            next_check: None,
            stale: false,
            evidence: Default::default(),
        }
    }

    #[test]
    fn june_2026_is_one_episode_per_model_with_every_source_and_the_incident() {
        use AvailabilityState::*;
        use EvidenceSource::*;
        let mut incident = state(
            "claude-opus-4-7",
            6,
            Unavailable,
            ReasonKind::ProviderIncident,
            StatusPage,
        );
        incident.evidence.incident = Some(IncidentEvidence {
            title: "Elevated errors on Claude Opus 4.7 and Opus 4.8".into(),
            link: Some("https://stspg.io/q4lnmtw3kc8y".into()),
            ..Default::default()
        });
        let transitions = vec![
            state(
                "claude-opus-4-7",
                0,
                Unavailable,
                ReasonKind::ElevatedErrors,
                OwnRequests,
            ),
            state(
                "claude-haiku-4-5",
                6,
                Degraded,
                ReasonKind::ProviderIncident,
                StatusPage,
            ),
            incident,
            state(
                "claude-opus-4-7",
                11,
                Disabled,
                ReasonKind::AdminDisabled,
                WorkspaceAdmin,
            ),
            state(
                "claude-haiku-4-5",
                20,
                Available,
                ReasonKind::Healthy,
                OwnRequests,
            ),
            state(
                "claude-opus-4-7",
                52,
                Available,
                ReasonKind::Healthy,
                OwnRequests,
            ),
            // Not an episode: no key.
            state(
                "claude-sonnet-4-6",
                1,
                Disabled,
                ReasonKind::NotConfigured,
                Configuration,
            ),
            // Still going on.
            state(
                "claude-opus-4-8",
                30,
                Unavailable,
                ReasonKind::ElevatedErrors,
                OwnRequests,
            ),
        ];
        let found = episodes(&transitions);
        assert_eq!(found.len(), 3, "{found:#?}");
        let opus = &found[0];
        assert_eq!(opus.model.model, "claude-opus-4-7");
        assert_eq!((opus.started, opus.ended), (at(0), Some(at(52))));
        assert_eq!(opus.duration(at(60)), chrono::Duration::minutes(52));
        assert_eq!(opus.worst, Unavailable);
        assert_eq!(opus.reason_kind, ReasonKind::ElevatedErrors);
        assert_eq!(opus.side, Side::Provider);
        assert_eq!(
            opus.reasons,
            [
                ReasonKind::ElevatedErrors,
                ReasonKind::ProviderIncident,
                ReasonKind::AdminDisabled
            ]
        );
        assert_eq!(opus.sources, [OwnRequests, StatusPage, WorkspaceAdmin]);
        assert_eq!(
            opus.incident_link.as_deref(),
            Some("https://stspg.io/q4lnmtw3kc8y")
        );
        let haiku = &found[1];
        assert_eq!((haiku.worst, haiku.ended), (Degraded, Some(at(20))));
        let opus48 = &found[2];
        assert_eq!(opus48.ended, None);
        assert_eq!(opus48.duration(at(60)), chrono::Duration::minutes(30));
    }
}
