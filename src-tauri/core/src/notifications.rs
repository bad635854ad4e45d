//! When the desktop is told something, and in what words: the preferred model going out and
//! coming back, a stored key rejected, a queued message sent. Told only while the window is
//! not in view (in view, the window itself says it), at most once per model per episode, and
//! never when the person turned notifications off. A plain rule with its inputs passed in; the
//! window's door shows what it returns.

use crate::catalog::Catalog;
use crate::vocabulary::{AvailabilityState, ModelRef, ReasonKind, Transition};
use std::collections::HashSet;

/// What the desktop shows. Linux notifications carry no buttons: clicking one opens the
/// window, where the choice is made — the body says so when there is one to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub title: String,
    pub body: String,
}

/// Where the person is, as the door sees it when something happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Audience {
    /// The person wants notifications (Settings).
    pub enabled: bool,
    /// The window is shown, not minimised, and focused.
    pub in_view: bool,
}

impl Audience {
    fn listening(self) -> bool {
        self.enabled && !self.in_view
    }
}

/// Remembers the episodes already told, so a flapping reason is one notification.
#[derive(Debug, Default)]
pub struct Notifier {
    /// Models out now (told or not): their going out is told only as it starts, their
    /// return is an event.
    out: HashSet<ModelRef>,
    /// Providers whose rejected key was told this episode.
    told_key: HashSet<String>,
}

fn is_out(state: AvailabilityState) -> bool {
    state == AvailabilityState::Unavailable
}

impl Notifier {
    /// A model's state changed. `preferred`: the person's model.
    pub fn on_transition(
        &mut self,
        transition: &Transition,
        preferred: Option<&ModelRef>,
        catalog: &Catalog,
        audience: Audience,
    ) -> Option<Notification> {
        let model = &transition.model;
        let to = &transition.to;
        let name = catalog
            .model(&model.provider, &model.model)
            .map_or(model.model.clone(), |m| m.display_name.clone());
        let provider = catalog
            .provider(&model.provider)
            .map_or(model.provider.clone(), |p| p.name.clone());

        // A stored key rejected: once per provider, for any of its models, until one answers.
        if to.reason.kind == ReasonKind::AuthFailed {
            self.out.insert(model.clone());
            if self.told_key.insert(model.provider.clone()) && audience.listening() {
                return Some(Notification {
                    title: format!("{provider} rejected your API key"),
                    body: format!(
                        "{} This is the key, on your side — {provider}'s service is working. \
                         Open Switchboard to enter another in Settings.",
                        to.reason.headline
                    ),
                });
            }
            return None;
        }
        if to.state == AvailabilityState::Available {
            self.told_key.remove(&model.provider);
        }
        if preferred != Some(model) {
            return None;
        }
        if is_out(to.state) {
            // Told as the episode starts; seen in the window then, it is not told late.
            if self.out.insert(model.clone()) && audience.listening() {
                return Some(Notification {
                    title: format!("{name} can't answer right now"),
                    body: format!(
                        "{} Open Switchboard to wait for it or choose a stand-in.",
                        to.reason.headline
                    ),
                });
            }
            return None;
        }
        // Back: out before, and answering now (available, or degraded but answering).
        if to.answering() && self.out.remove(model) && audience.listening() {
            return Some(Notification {
                title: format!("{name} is back"),
                body: format!(
                    "{} Your next message goes to {name} again.",
                    to.reason.headline
                ),
            });
        }
        None
    }

    /// A message kept for `model` was sent on its return.
    pub fn on_queued_sent(
        &mut self,
        model: &ModelRef,
        catalog: &Catalog,
        audience: Audience,
    ) -> Option<Notification> {
        let name = catalog
            .model(&model.provider, &model.model)
            .map_or(model.model.clone(), |m| m.display_name.clone());
        audience.listening().then(|| Notification {
            title: format!("Your waiting message went to {name}"),
            body: format!(
                "{name} is back and has your message. Open Switchboard to read its answer."
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock, ManualClock};
    use crate::vocabulary::{EvidenceSource, ModelAvailability, Reason, Side};
    use chrono::TimeZone;

    fn opus() -> ModelRef {
        ModelRef::new("anthropic", "claude-opus-4-7")
    }

    fn state(
        model: &ModelRef,
        clock: &ManualClock,
        state: AvailabilityState,
        kind: ReasonKind,
        headline: &str,
    ) -> Transition {
        Transition {
            model: model.clone(),
            from: AvailabilityState::Unknown,
            to: ModelAvailability {
                model: model.clone(),
                state,
                reason: Reason {
                    kind,
                    side: Side::Provider,
                    source: EvidenceSource::OwnRequests,
                    headline: headline.into(),
                    message: String::new(),
                },
                since: Some(clock.now()),
                next_check: None,
                stale: false,
                evidence: Default::default(),
            },
        }
    }

    const AWAY: Audience = Audience {
        enabled: true,
        in_view: false,
    };

    #[test]
    fn the_preferred_model_going_out_is_told_once_per_episode_and_its_return_once() {
        let catalog = Catalog::shipped().unwrap();
        let clock = ManualClock::new(chrono::Utc.with_ymd_and_hms(2026, 6, 5, 9, 0, 0).unwrap());
        let mut notifier = Notifier::default();
        let out = |clock: &ManualClock, headline: &str| {
            state(
                &opus(),
                clock,
                AvailabilityState::Unavailable,
                ReasonKind::ElevatedErrors,
                headline,
            )
        };
        let told = notifier
            .on_transition(
                &out(&clock, "Server errors from Anthropic"),
                Some(&opus()),
                &catalog,
                AWAY,
            )
            .expect("told");
        assert_eq!(told.title, "Claude Opus 4.7 can't answer right now");
        assert!(told.body.starts_with("Server errors from Anthropic"));
        assert!(told.body.contains("Open Switchboard"));
        // The reason changes within the episode (the status page posts): not told again.
        clock.advance(std::time::Duration::from_secs(360));
        assert_eq!(
            notifier.on_transition(
                &out(&clock, "Anthropic reports: Elevated errors"),
                Some(&opus()),
                &catalog,
                AWAY
            ),
            None
        );
        // Back, once.
        clock.advance(std::time::Duration::from_secs(600));
        let back = state(
            &opus(),
            &clock,
            AvailabilityState::Available,
            ReasonKind::Healthy,
            "Answered at 09:16",
        );
        let told = notifier
            .on_transition(&back, Some(&opus()), &catalog, AWAY)
            .expect("told");
        assert_eq!(told.title, "Claude Opus 4.7 is back");
        assert_eq!(
            notifier.on_transition(&back, Some(&opus()), &catalog, AWAY),
            None
        );
        // A new episode is told again.
        clock.advance(std::time::Duration::from_secs(60));
        assert!(
            notifier
                .on_transition(&out(&clock, "Server errors"), Some(&opus()), &catalog, AWAY)
                .is_some()
        );
    }

    #[test]
    fn nothing_is_told_while_the_window_is_in_view_or_notifications_are_off() {
        let catalog = Catalog::shipped().unwrap();
        let clock = ManualClock::new(chrono::Utc::now());
        let out = state(
            &opus(),
            &clock,
            AvailabilityState::Unavailable,
            ReasonKind::ElevatedErrors,
            "Server errors",
        );
        let in_view = Audience {
            enabled: true,
            in_view: true,
        };
        let off = Audience {
            enabled: false,
            in_view: false,
        };
        let mut notifier = Notifier::default();
        assert_eq!(
            notifier.on_transition(&out, Some(&opus()), &catalog, in_view),
            None
        );
        assert_eq!(
            notifier.on_transition(&out, Some(&opus()), &catalog, off),
            None
        );
        // Seen in the window, then the person looks away: the same episode is not told late…
        let later = state(
            &opus(),
            &clock,
            AvailabilityState::Unavailable,
            ReasonKind::ProviderIncident,
            "Anthropic reports",
        );
        assert_eq!(
            notifier.on_transition(&later, Some(&opus()), &catalog, AWAY),
            None
        );
        // …but its return is news.
        let back = state(
            &opus(),
            &clock,
            AvailabilityState::Available,
            ReasonKind::Healthy,
            "Answered",
        );
        assert_eq!(
            notifier
                .on_transition(&back, Some(&opus()), &catalog, AWAY)
                .unwrap()
                .title,
            "Claude Opus 4.7 is back"
        );
        assert_eq!(notifier.on_queued_sent(&opus(), &catalog, in_view), None);
        assert!(notifier.on_queued_sent(&opus(), &catalog, AWAY).is_some());
    }

    #[test]
    fn other_models_are_not_told_but_a_rejected_key_is_once_per_provider() {
        let catalog = Catalog::shipped().unwrap();
        let clock = ManualClock::new(chrono::Utc::now());
        let haiku = ModelRef::new("anthropic", "claude-haiku-4-5");
        let mut notifier = Notifier::default();
        let haiku_out = state(
            &haiku,
            &clock,
            AvailabilityState::Unavailable,
            ReasonKind::ElevatedErrors,
            "Server errors",
        );
        assert_eq!(
            notifier.on_transition(&haiku_out, Some(&opus()), &catalog, AWAY),
            None,
            "not the preferred model"
        );
        let rejected = |m: &ModelRef| {
            state(
                m,
                &clock,
                AvailabilityState::Unavailable,
                ReasonKind::AuthFailed,
                "Anthropic rejected your API key",
            )
        };
        let told = notifier
            .on_transition(&rejected(&haiku), Some(&opus()), &catalog, AWAY)
            .expect("told");
        assert_eq!(told.title, "Anthropic rejected your API key");
        assert!(told.body.contains("service is working"));
        assert_eq!(
            notifier.on_transition(&rejected(&opus()), Some(&opus()), &catalog, AWAY),
            None,
            "once per provider"
        );
    }
}
