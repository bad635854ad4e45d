//! Fallback with consent, at work: what a send does ([`Core::plan_send`], [`Core::send`]),
//! the queue of messages waiting for their model, the kept consents, and the return — the
//! preferred model's change of availability wakes or ends "until it is back" consents and
//! sends the queue, once, in order.

use super::Core;
use crate::assistant::AssistantError;
use crate::assistant::send::{SendEvent, SendOutcome};
use crate::fallback::{self, FallbackOrders, Needs, Plan, Ranking, known_out};

/// The settings key of the person's own fallback order.
const PERSON_ORDER_SETTING: &str = "fallback_order";
use crate::store::{Message, QueuedMessage, new_id};
use crate::vocabulary::{
    AvailabilityState, Consent, ConsentScope, ModelAvailability, ModelRef, Reason, StandIn,
    Transition,
};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::sync::Weak;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio_util::sync::CancellationToken;

/// What the person chose for a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Choice {
    /// Follow the plan: the preferred model, or the stand-in a kept consent names; when the
    /// preferred model is out and nothing covers it, nothing is sent
    /// ([`AssistantError::NeedsConsent`]).
    Auto,
    /// The preferred model, whatever its state ("Keep trying").
    Preferred,
    /// `alternative` answers this message, standing in, with the consent of `scope` (kept
    /// when it is more than this message).
    StandIn {
        alternative: ModelRef,
        scope: ConsentScope,
    },
}

/// What the window and the terminal hear about the return and the queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FallbackEvent {
    /// The preferred model `model` is back. `holding`: it failed again soon after its last
    /// return, so its stand-in answers until this return has lasted.
    Back { model: ModelRef, holding: bool },
    /// A queued message was sent on its model's return; `answer` is where it went.
    QueuedSent {
        queued: QueuedMessage,
        answer: Option<Box<Message>>,
    },
}

impl Core {
    /// What pressing Send does now for a message to `preferred`: ask it, let the stand-in a
    /// kept consent names answer, or ask the person first. `failed`: the reason a send to it
    /// just failed for (after its retries) — then the person is asked even before its breaker
    /// says it is out, unless the reason is one only they can fix.
    pub async fn plan_send(
        &self,
        conversation_id: Option<&str>,
        text: &str,
        preferred: &ModelRef,
        max_tokens: u32,
        failed: Option<Reason>,
    ) -> Result<Plan, AssistantError> {
        let (current, availability) = self.as_planned(preferred, failed)?;
        let consents = self.kept_consents().await?;
        // Not out and nothing holding a stand-in: no alternatives to rank.
        let holding = consents
            .iter()
            .any(|c| &c.preferred == preferred && c.scope == ConsentScope::UntilBack && c.relapsed);
        if !known_out(&current) && !holding {
            return Ok(Plan::Preferred);
        }
        let ranking = self
            .ranking(conversation_id, text, max_tokens, &current, &availability)
            .await?;
        Ok(fallback::plan(&current, &consents, ranking, self.now()))
    }

    /// The preferred model's availability as a plan sees it — a failure just now (after its
    /// retries) counts as being out, with its reason, unless only the person can fix it —
    /// and every model's.
    fn as_planned(
        &self,
        preferred: &ModelRef,
        failed: Option<Reason>,
    ) -> Result<(ModelAvailability, Vec<ModelAvailability>), AssistantError> {
        let availability = self.availability();
        let Some(current) = availability.iter().find(|a| &a.model == preferred).cloned() else {
            return Err(AssistantError::UnknownModel(preferred.clone()));
        };
        let current = match failed {
            Some(reason)
                if !known_out(&current)
                    && fallback::covers(ConsentScope::ThisMessage, reason.kind) =>
            {
                ModelAvailability {
                    state: AvailabilityState::Unavailable,
                    reason,
                    ..current
                }
            }
            _ => current,
        };
        Ok((current, availability))
    }

    /// The alternatives to `current` for this conversation, with `text` added.
    async fn ranking(
        &self,
        conversation_id: Option<&str>,
        text: &str,
        max_tokens: u32,
        current: &ModelAvailability,
        availability: &[ModelAvailability],
    ) -> Result<Ranking, AssistantError> {
        let needs = self.needs(conversation_id, text, max_tokens).await?;
        Ok(fallback::rank(
            current,
            &needs,
            &self.catalog(),
            availability,
            &self.orders().await,
        ))
    }

    /// Sends `text` for `preferred` as the person chose. Nothing goes to another model
    /// without a consent that covers the case: the dialog's choice now, or a kept one.
    #[allow(clippy::too_many_arguments)]
    pub async fn send(
        &self,
        send_id: &str,
        conversation_id: Option<&str>,
        text: &str,
        preferred: &ModelRef,
        max_tokens: u32,
        choice: Choice,
        on_event: &mut (dyn FnMut(SendEvent) + Send),
    ) -> Result<SendOutcome, AssistantError> {
        let (model, stand_in) = match choice {
            Choice::Preferred => (preferred.clone(), None),
            Choice::Auto => {
                match self
                    .plan_send(conversation_id, text, preferred, max_tokens, None)
                    .await?
                {
                    Plan::Preferred => (preferred.clone(), None),
                    Plan::StandIn {
                        alternative,
                        reason,
                        holding,
                        ..
                    } => {
                        let why = self.stand_in_for(preferred, &reason, holding);
                        (alternative, Some(why))
                    }
                    Plan::Ask { reason, .. } => return Err(AssistantError::NeedsConsent(reason)),
                }
            }
            Choice::StandIn { alternative, scope } => {
                let (current, availability) = self.as_planned(preferred, None)?;
                let reason = current.reason.clone();
                if !fallback::covers(ConsentScope::ThisMessage, reason.kind) {
                    return Err(AssistantError::NotOffered(format!(
                        "{} — this is for you to fix, so no other model answers instead",
                        reason.headline
                    )));
                }
                let ranking = self
                    .ranking(conversation_id, text, max_tokens, &current, &availability)
                    .await?;
                if !ranking.alternatives.iter().any(|a| a.model == alternative) {
                    return Err(AssistantError::NotOffered(format!(
                        "{} cannot take this message now; pick another model",
                        self.display_name(&alternative)
                    )));
                }
                if scope != ConsentScope::ThisMessage {
                    // Given for an outage the model is not (or no longer) marked out for — a
                    // send that just failed before its breaker opened, or a return meanwhile:
                    // it holds if the model fails again soon, never at a later outage.
                    let out_now = known_out(&current);
                    self.store
                        .keep_consent(&Consent {
                            preferred: preferred.clone(),
                            alternative: alternative.clone(),
                            scope,
                            given_at: self.now(),
                            returned_at: (!out_now && scope == ConsentScope::UntilBack)
                                .then(|| self.now()),
                            relapsed: false,
                        })
                        .await?;
                    self.forget_cached_consents();
                }
                let why = self.stand_in_for(preferred, &reason, false);
                (alternative, Some(why))
            }
        };
        self.send_to(
            send_id,
            conversation_id,
            text,
            &model,
            max_tokens,
            stand_in,
            None,
            on_event,
        )
        .await
    }

    /// Keeps `text` for `model`, sent when it is back ("Wait"). A new conversation is started
    /// for it if there is none, so it shows where it belongs.
    pub async fn queue_message(
        &self,
        conversation_id: Option<&str>,
        text: &str,
        model: &ModelRef,
    ) -> Result<QueuedMessage, AssistantError> {
        let text = text.trim_end();
        if text.trim().is_empty() {
            return Err(AssistantError::EmptyMessage);
        }
        if self
            .catalog()
            .model(&model.provider, &model.model)
            .is_none()
        {
            return Err(AssistantError::UnknownModel(model.clone()));
        }
        let now = self.now();
        let conversation_id = match conversation_id {
            Some(id) => {
                self.store
                    .conversation(id)
                    .await?
                    .ok_or_else(|| AssistantError::UnknownConversation(id.to_string()))?
                    .id
            }
            None => {
                self.store
                    .create_conversation(&crate::assistant::send::title_of(text), now)
                    .await?
                    .id
            }
        };
        let queued = QueuedMessage {
            id: new_id(),
            conversation_id: conversation_id.clone(),
            text: text.to_string(),
            model: model.clone(),
            queued_at: now,
            too_old: false,
        };
        self.store.queue_message(&queued).await?;
        // The text is in the queue now, not in the box.
        self.store.set_draft(&conversation_id, "", now).await?;
        self.store.set_draft("", "", now).await?;
        Ok(queued)
    }

    /// Every message waiting for its model, oldest first; those that waited too long are
    /// marked (they wait for the person now, not for the model).
    pub async fn queued(&self) -> Result<Vec<QueuedMessage>, AssistantError> {
        let now = self.now();
        Ok(self
            .store
            .queued()
            .await?
            .into_iter()
            .map(|q| QueuedMessage {
                too_old: now - q.queued_at > self.max_wait,
                ..q
            })
            .collect())
    }

    /// Takes a message out of the queue; it is returned, so its text can go back in the box.
    pub async fn cancel_queued(&self, id: &str) -> Result<Option<QueuedMessage>, AssistantError> {
        // Only one still waiting: one being sent right now is not taken back.
        Ok(self.store.cancel_queued(id).await?)
    }

    /// Where the ranking starts: the workspace's order (its policy), then the person's own.
    pub async fn orders(&self) -> FallbackOrders {
        FallbackOrders {
            workspace: self.health.fallback_order(),
            person: self.fallback_order().await.unwrap_or_default(),
        }
    }

    /// The person's own order of models to offer when one is out (Settings).
    pub async fn fallback_order(&self) -> Result<Vec<ModelRef>, AssistantError> {
        if let Some(order) = self.cached_order.lock().expect("order lock").clone() {
            return Ok(order);
        }
        let order = self
            .store
            .setting::<Vec<ModelRef>>(PERSON_ORDER_SETTING)
            .await?
            .unwrap_or_default();
        *self.cached_order.lock().expect("order lock") = Some(order.clone());
        Ok(order)
    }

    /// Keeps the person's order; a model the catalog does not know is refused.
    pub async fn set_fallback_order(&self, order: Vec<ModelRef>) -> Result<(), AssistantError> {
        let catalog = self.catalog();
        if let Some(unknown) = order
            .iter()
            .find(|m| catalog.model(&m.provider, &m.model).is_none())
        {
            return Err(AssistantError::UnknownModel(unknown.clone()));
        }
        self.store
            .set_setting(PERSON_ORDER_SETTING, &order, self.now())
            .await?;
        *self.cached_order.lock().expect("order lock") = Some(order);
        Ok(())
    }

    /// A fallback order or a standing consent that names a model which cannot stand in,
    /// said before it is needed.
    pub async fn fallback_notices(&self) -> Vec<crate::notice::Notice> {
        let orders = self.orders().await;
        let consents = self.kept_consents().await.unwrap_or_default();
        let availability = self.availability();
        let catalog = self.catalog();
        let mut named: Vec<(String, ModelRef)> = Vec::new();
        named.extend(
            orders
                .workspace
                .into_iter()
                .map(|m| ("Your workspace's fallback order".to_string(), m)),
        );
        named.extend(
            orders
                .person
                .into_iter()
                .map(|m| ("Your fallback order".to_string(), m)),
        );
        named.extend(consents.into_iter().map(|c| {
            let scope = match c.scope {
                ConsentScope::Always => "standing consent",
                _ => "consent until it is back",
            };
            (
                format!("Your {scope} for {}", self.display_name(&c.preferred)),
                c.alternative,
            )
        }));
        named
            .into_iter()
            .filter_map(|(where_, model)| {
                let name = self.display_name(&model);
                let why = if catalog.model(&model.provider, &model.model).is_none() {
                    Some("Switchboard does not know that model".to_string())
                } else {
                    let provider = catalog
                        .provider(&model.provider)
                        .map_or(model.provider.as_str(), |p| p.name.as_str());
                    availability
                        .iter()
                        .find(|a| a.model == model)
                        .and_then(fallback::lasting_exclusion)
                        .map(|why| why.words(provider))
                }?;
                Some(crate::notice::Notice::fallback_broken(&where_, &name, &why))
            })
            .collect()
    }

    /// The kept consents ("until it is back", "always"), for Settings.
    pub async fn consents(&self) -> Result<Vec<Consent>, AssistantError> {
        self.kept_consents().await
    }

    /// Withdraws the consent of `scope` for `preferred`; whether there was one.
    pub async fn withdraw_consent(
        &self,
        preferred: &ModelRef,
        scope: ConsentScope,
    ) -> Result<bool, AssistantError> {
        let withdrawn = self.store.withdraw_consent(preferred, scope).await?;
        self.forget_cached_consents();
        Ok(withdrawn)
    }

    /// The kept consents, less the "until it is back" ones whose return has lasted (ended
    /// here, as their time is read).
    async fn kept_consents(&self) -> Result<Vec<Consent>, AssistantError> {
        let now = self.now();
        let cached = self.cached_consents.lock().expect("consents lock").clone();
        let all = match cached {
            Some(all) => all,
            None => {
                // A write while this read was under way wins: the cache is filled only if
                // nothing was forgotten meanwhile.
                let version = self
                    .consents_version
                    .load(std::sync::atomic::Ordering::SeqCst);
                let all = self.store.consents().await?;
                let mut cache = self.cached_consents.lock().expect("consents lock");
                if self
                    .consents_version
                    .load(std::sync::atomic::Ordering::SeqCst)
                    == version
                {
                    *cache = Some(all.clone());
                }
                all
            }
        };
        if !all.iter().any(|c| fallback::ended(c, now)) {
            return Ok(all);
        }
        let mut kept = Vec::new();
        for consent in all {
            if fallback::ended(&consent, now) {
                self.store
                    .withdraw_consent(&consent.preferred, consent.scope)
                    .await?;
            } else {
                kept.push(consent);
            }
        }
        self.forget_cached_consents();
        Ok(kept)
    }

    /// The preferred model's availability changed: wake, hold or end its "until it is back"
    /// consent; when it is back, say so and send what waits for it.
    pub(super) async fn after_transition(&self, transition: &Transition) {
        // Back from being out — a probe or a request answered, or the incident or the policy
        // that kept it out is over — and not merely reported in trouble. Not a first answer
        // after the start (unknown → available).
        // A model that was out stays so through "degraded" by a report alone (an incident
        // downgraded), until it answers — the incident may still be open — or nothing is
        // known against it.
        let out = known_out(&transition.to);
        let answering = transition.to.answering();
        let was_out = {
            let mut out_models = self.out_models.lock().expect("out lock");
            let was = out_models.contains(&transition.model);
            if out || (was && transition.to.state == AvailabilityState::Degraded && !answering) {
                out_models.insert(transition.model.clone());
            } else {
                out_models.remove(&transition.model);
            }
            was
        };
        let back = was_out && (answering || transition.to.state == AvailabilityState::Unknown);
        if !back && !out {
            return;
        }
        let now = self.now();
        let mut holding = false;
        let mut waited_for = false;
        match self.store.consents().await {
            Ok(consents) => {
                waited_for |= consents.iter().any(|c| c.preferred == transition.model);
                for consent in consents.iter().filter(|c| {
                    c.preferred == transition.model && c.scope == ConsentScope::UntilBack
                }) {
                    let result = match fallback::after_change(consent, back, now) {
                        Some(changed) => {
                            holding |= back && changed.relapsed;
                            self.store.keep_consent(&changed).await
                        }
                        None => self
                            .store
                            .withdraw_consent(&consent.preferred, consent.scope)
                            .await
                            .map(|_| ()),
                    };
                    if let Err(error) = result {
                        tracing::error!(%error, "could not keep a consent's change");
                    }
                }
            }
            Err(error) => tracing::error!(%error, "could not read the consents"),
        }
        self.forget_cached_consents();
        if back {
            // Said for the model the person prefers, or one a consent or the queue waits for.
            let preferred = self.preferred_model().await.ok().flatten();
            let queued = self
                .store
                .queued()
                .await
                .map(|q| q.iter().any(|q| q.model == transition.model))
                .unwrap_or(false);
            if waited_for || queued || preferred.as_ref() == Some(&transition.model) {
                self.announce(&FallbackEvent::Back {
                    model: transition.model.clone(),
                    holding,
                });
            }
            if self.sends_queue {
                self.release_queue(&transition.model).await;
            }
        }
    }

    /// Sends, in order, each message waiting for `model`, each exactly once.
    async fn release_queue(&self, model: &ModelRef) {
        let waiting = match self.queued().await {
            Ok(waiting) => waiting,
            Err(error) => {
                tracing::error!(%error, "could not read the queue");
                return;
            }
        };
        // One that waited too long is left for the person to decide again.
        for queued in waiting
            .into_iter()
            .filter(|q| &q.model == model && !q.too_old)
        {
            match self.store.claim_queued(&queued.id, self.now()).await {
                Ok(true) => {}
                Ok(false) => continue,
                Err(error) => {
                    tracing::error!(%error, "could not take a queued message");
                    continue;
                }
            }
            let send_id = format!("queued-{}", queued.id);
            let sent = self
                .send_to(
                    &send_id,
                    Some(&queued.conversation_id),
                    &queued.text,
                    &queued.model,
                    crate::assistant::send::DEFAULT_MAX_TOKENS,
                    None,
                    Some(queued.id.clone()),
                    &mut |_| {},
                )
                .await;
            let answer = match sent {
                Ok(outcome) if !outcome.answer.text.is_empty() => Some(Box::new(outcome.answer)),
                // Not answered (it failed again, or Switchboard is closing): it waits again,
                // under a new id, as the first try's question now carries the old one.
                other => {
                    if let Err(error) = &other {
                        tracing::warn!(%error, "a queued message could not be sent");
                    }
                    let again = QueuedMessage {
                        id: new_id(),
                        ..queued.clone()
                    };
                    if let Err(error) = self.store.queue_message(&again).await {
                        tracing::error!(%error, "could not keep a message waiting");
                    }
                    None
                }
            };
            if let Err(error) = self.store.remove_queued(&queued.id).await {
                tracing::error!(%error, "could not take a sent message out of the queue");
            }
            if answer.is_some() {
                self.announce(&FallbackEvent::QueuedSent { queued, answer });
            }
        }
    }

    /// The consents are read again from the database at the next need.
    fn forget_cached_consents(&self) {
        let mut cache = self.cached_consents.lock().expect("consents lock");
        self.consents_version
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        *cache = None;
    }

    fn announce(&self, event: &FallbackEvent) {
        for listener in self.on_fallback.lock().expect("listeners lock").iter() {
            listener(event);
        }
    }

    /// What this conversation, with `text` added, asks of a model.
    async fn needs(
        &self,
        conversation_id: Option<&str>,
        text: &str,
        max_tokens: u32,
    ) -> Result<Needs, AssistantError> {
        let history = match conversation_id {
            Some(id) => self.store.messages(id).await?,
            None => Vec::new(),
        };
        let chars = history
            .iter()
            .map(|m| m.text.chars().count())
            .sum::<usize>()
            + text.chars().count();
        Ok(Needs::of_text(chars, max_tokens))
    }

    fn display_name(&self, model: &ModelRef) -> String {
        self.catalog()
            .model(&model.provider, &model.model)
            .map_or(model.model.clone(), |m| m.display_name.clone())
    }

    /// Why a stand-in answers, as its label says it.
    fn stand_in_for(&self, preferred: &ModelRef, reason: &Reason, holding: bool) -> StandIn {
        let why = if holding {
            format!(
                "{} failed again soon after it came back",
                self.display_name(preferred)
            )
        } else {
            reason.headline.clone()
        };
        StandIn {
            preferred: preferred.clone(),
            why,
        }
    }
}

/// Follows every change of availability for the return, in order, until `stop`.
pub(super) async fn follow_returns(
    core: Weak<Core>,
    mut changes: UnboundedReceiver<Transition>,
    stop: CancellationToken,
) {
    while let Some(transition) = crate::health::service::next_or_queued(&mut changes, &stop).await {
        let Some(core) = core.upgrade() else {
            return;
        };
        core.after_transition(&transition).await;
    }
}
