//! Sending a message: written first, answered as a stream written as it arrives, and on
//! failure or cancel the person's text is handed back — nothing typed is ever lost.

use super::AssistantError;
use crate::catalog::{Catalog, Provider};
use crate::clock::{Clock, LocalTimes};
use crate::health::connectivity::NetworkCheck;
use crate::health::message::{self, OwnRequest};
use crate::health::policy::PolicyCheck;
use crate::providers::keys::KeyLookup;
use crate::providers::retry::RetryPolicy;
use crate::providers::{
    AttemptObserver, ChatEvent, ChatMessage, ChatRequest, ProviderClient, Timeouts,
};
use crate::store::{Conversation, Message, MessageStatus, Store, new_id};
use crate::vocabulary::FailureClass;
use crate::vocabulary::ModelRef;
use crate::vocabulary::Reason;
use crate::vocabulary::StandIn;
use crate::vocabulary::{Ending, Role};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// The longest answer asked for, unless the caller says otherwise.
pub const DEFAULT_MAX_TOKENS: u32 = 4096;

/// What the window hears while a message is being answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SendEvent {
    /// The question and the (empty) answer are saved; the request is on its way.
    Started {
        conversation: Conversation,
        question: Message,
        answer: Message,
    },
    Text {
        message_id: String,
        chunk: String,
    },
    /// An attempt failed and is being tried again.
    Retrying {
        message_id: String,
        after_seconds: f64,
        reason: Reason,
    },
    /// The provider finished the answer; `answer.ending` says how. `reason` explains an
    /// answer its filter stopped or the model declined.
    Finished {
        answer: Message,
        reason: Option<Reason>,
    },
    /// The request failed or was stopped; `restore_text` goes back into the compose box.
    Failed {
        question: Message,
        answer: Message,
        reason: Option<Reason>,
        restore_text: String,
    },
}

/// What sending needs from the rest of the app.
pub struct SendContext<'a> {
    pub store: &'a Store,
    pub catalog: &'a Catalog,
    pub http: &'a reqwest::Client,
    pub key_for: &'a KeyLookup,
    pub observer: &'a dyn AttemptObserver,
    /// Says whose side a request that got no answer is on, before the reason is shown.
    pub network: &'a dyn NetworkCheck,
    /// The workspace policy, asked before anything is sent.
    pub policy: &'a dyn PolicyCheck,
    pub clock: Arc<dyn Clock>,
    pub timeouts: Timeouts,
    pub retry: RetryPolicy,
    /// The longest answer to ask for, in tokens ([`DEFAULT_MAX_TOKENS`]).
    pub max_tokens: u32,
    /// The model asked answers in place of the preferred one, with the person's consent: the
    /// answer is labelled so, and the model is told.
    pub stand_in: Option<StandIn>,
    /// The id the question gets (a queued message keeps its id); a new one when `None`.
    pub question_id: Option<String>,
}

/// The end of a send: the answer as stored (its `ending` when the provider finished it), and
/// why it failed or stopped where it did.
#[derive(Debug, Clone, PartialEq)]
pub struct SendOutcome {
    pub answer: Message,
    pub reason: Option<Reason>,
}

pub async fn send(
    ctx: &SendContext<'_>,
    conversation_id: Option<&str>,
    text: &str,
    model: &ModelRef,
    cancel: CancellationToken,
    on_event: &mut (dyn FnMut(SendEvent) + Send),
) -> Result<SendOutcome, AssistantError> {
    match send_saving(ctx, conversation_id, text, model, cancel, on_event).await {
        // The database turned out damaged: repaired at once, so the next send works.
        Err(AssistantError::Store(error)) => match ctx.store.repair_if_damaged(&error).await {
            Some(notice) => Err(AssistantError::StoreRepaired(notice)),
            None => Err(AssistantError::Store(error)),
        },
        other => other,
    }
}

async fn send_saving(
    ctx: &SendContext<'_>,
    conversation_id: Option<&str>,
    text: &str,
    model: &ModelRef,
    cancel: CancellationToken,
    on_event: &mut (dyn FnMut(SendEvent) + Send),
) -> Result<SendOutcome, AssistantError> {
    let text = text.trim_end();
    if text.trim().is_empty() {
        return Err(AssistantError::EmptyMessage);
    }
    let (provider, catalog_model) = match (
        ctx.catalog.provider(&model.provider),
        ctx.catalog.model(&model.provider, &model.model),
    ) {
        (Some(p), Some(m)) => (p, m),
        _ => return Err(AssistantError::UnknownModel(model.clone())),
    };
    // A policy is a promise to the admin: nothing goes to a model it turns off.
    if let Some(reason) = ctx.policy.turned_off(provider, catalog_model) {
        return Err(AssistantError::TurnedOff(reason));
    }
    if let Some(why) = &provider.unusable {
        return Err(AssistantError::NotConfigured(message::config_refused(
            provider,
            catalog_model,
            why,
        )));
    }
    let key = (ctx.key_for)(provider);
    if provider.needs_key() && key.is_none() {
        return Err(AssistantError::NotConfigured(message::not_configured(
            provider,
            catalog_model,
        )));
    }
    let client = ProviderClient::new(
        ctx.http.clone(),
        provider,
        key,
        ctx.timeouts,
        ctx.retry.clone(),
        ctx.clock.clone(),
    )?;

    let now = ctx.clock.now();
    let conversation = match conversation_id {
        Some(id) => ctx
            .store
            .conversation(id)
            .await?
            .ok_or_else(|| AssistantError::UnknownConversation(id.to_string()))?,
        None => ctx.store.create_conversation(&title_of(text), now).await?,
    };
    // The text is safe in the database before anything goes over the network (a queued
    // message is: in the queue, and the person's draft is left as it is).
    let queued = ctx.question_id.is_some();
    if !queued {
        ctx.store.set_draft(&conversation.id, text, now).await?;
        ctx.store.set_draft("", "", now).await?;
    }
    let history = ctx.store.messages(&conversation.id).await?;

    let mut question = Message {
        id: ctx.question_id.clone().unwrap_or_else(new_id),
        conversation_id: conversation.id.clone(),
        role: Role::User,
        text: text.to_string(),
        status: MessageStatus::Sent,
        model: None,
        stood_in_for: None,
        stand_in_why: None,
        answered_as: None,
        failure: None,
        ending: None,
        created_at: now,
        updated_at: now,
    };
    ctx.store.insert_message(&question).await?;
    let answer = Message {
        id: new_id(),
        role: Role::Assistant,
        text: String::new(),
        status: MessageStatus::Streaming,
        model: Some(model.clone()),
        stood_in_for: ctx.stand_in.as_ref().map(|s| s.preferred.clone()),
        stand_in_why: ctx.stand_in.as_ref().map(|s| s.why.clone()),
        answered_as: None,
        ..question.clone()
    };
    ctx.store.insert_message(&answer).await?;
    on_event(SendEvent::Started {
        conversation: conversation.clone(),
        question: question.clone(),
        answer: answer.clone(),
    });

    // A stand-in is told whom it answers for, so it never claims to be that model.
    let system = ctx.stand_in.as_ref().map(|s| {
        let preferred = ctx
            .catalog
            .model(&s.preferred.provider, &s.preferred.model)
            .map_or(s.preferred.model.as_str(), |m| m.display_name.as_str());
        crate::fallback::stand_in_prompt(&catalog_model.display_name, preferred)
    });
    let request = ChatRequest {
        model: model.model.clone(),
        system,
        messages: context_of(&history, text),
        max_tokens: ctx.max_tokens,
    };

    // The provider's events arrive through a channel so the database can be written (which
    // awaits) while the stream is read.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut forward = move |event: ChatEvent| {
        let _ = tx.send(event);
    };
    let chat = client.chat(&request, ctx.observer, &mut forward);
    tokio::pin!(chat);
    let started = now;
    let mut streaming = StreamingAnswer {
        message: answer,
        pieces: 0,
    };
    let result = loop {
        tokio::select! {
            biased;
            _ = cancel.cancelled() => break None,
            Some(event) = rx.recv() => {
                save_then_show(ctx, event, &mut streaming, (provider, catalog_model, started), on_event).await?;
            }
            result = &mut chat => {
                while let Ok(event) = rx.try_recv() {
                    save_then_show(ctx, event, &mut streaming, (provider, catalog_model, started), on_event).await?;
                }
                break Some(result);
            }
        }
    };

    let mut answer = streaming.message;
    let now = ctx.clock.now();
    answer.updated_at = now;
    let reason = match result {
        // Blocked before any answer began: nothing was answered, so the text goes back into
        // the box as for a failure — with a reason about the content, not the service.
        Some(Ok(completion))
            if matches!(completion.ending, Ending::PromptBlocked { .. })
                && completion.text.is_empty() =>
        {
            answer.status = MessageStatus::Failed;
            let reason = message::ending(provider, catalog_model, &completion.ending);
            answer.ending = Some(completion.ending);
            reason
        }
        Some(Ok(completion)) => {
            answer.text = completion.text;
            answer.status = MessageStatus::Complete;
            answer.answered_as = completion.identity;
            let reason = message::ending(provider, catalog_model, &completion.ending);
            answer.ending = Some(completion.ending);
            ctx.store.update_message(&answer).await?;
            if !queued {
                ctx.store.set_draft(&conversation.id, "", now).await?;
            }
            on_event(SendEvent::Finished {
                answer: answer.clone(),
                reason: reason.clone(),
            });
            return Ok(SendOutcome { answer, reason });
        }
        Some(Err(error)) => {
            answer.text = error.partial_text;
            answer.status = if answer.text.is_empty() {
                MessageStatus::Failed
            } else {
                MessageStatus::Incomplete
            };
            // No answer at all: wait (bounded) for the connectivity check, so the reason
            // says offline or the provider's side — never "not yet known".
            let network = match error.failure.class {
                FailureClass::NoAnswer(_) => Some(ctx.network.check_after(provider, started).await),
                _ => None,
            };
            let reason = message::own_request_failed(
                provider,
                catalog_model,
                &OwnRequest {
                    failure: &error.failure,
                    attempts: error.attempts,
                    since: started,
                    next_check: None,
                    network: network.as_ref(),
                    times: LocalTimes::of(ctx.clock.as_ref()),
                },
            );
            answer.failure = Some(error.failure);
            Some(reason)
        }
        None => {
            answer.status = MessageStatus::Cancelled;
            None
        }
    };
    if answer.text.is_empty() {
        question.status = MessageStatus::Failed;
        question.updated_at = now;
        ctx.store.update_message(&question).await?;
    }
    ctx.store.update_message(&answer).await?;
    on_event(SendEvent::Failed {
        question: question.clone(),
        answer: answer.clone(),
        reason: reason.clone(),
        restore_text: question.text.clone(),
    });
    Ok(SendOutcome { answer, reason })
}

/// The answer as it streams, and how many pieces of it are stored.
struct StreamingAnswer {
    message: Message,
    pieces: i64,
}

/// Every piece of text is in the database before it is on screen: a crash loses nothing
/// the person has seen.
async fn save_then_show(
    ctx: &SendContext<'_>,
    event: ChatEvent,
    answer: &mut StreamingAnswer,
    (provider, model, since): (
        &Provider,
        &crate::catalog::Model,
        chrono::DateTime<chrono::Utc>,
    ),
    on_event: &mut (dyn FnMut(SendEvent) + Send),
) -> Result<(), AssistantError> {
    let StreamingAnswer {
        message: answer,
        pieces,
    } = answer;
    match event {
        ChatEvent::Attempt(_) => {}
        ChatEvent::Text(chunk) => {
            // Appended, not rewritten: a piece costs its own size, however long the answer.
            ctx.store.append_chunk(&answer.id, *pieces, &chunk).await?;
            *pieces += 1;
            answer.text.push_str(&chunk);
            answer.updated_at = ctx.clock.now();
            on_event(SendEvent::Text {
                message_id: answer.id.clone(),
                chunk,
            });
        }
        ChatEvent::Retrying { failure, after } => {
            let reason = message::own_request_failed(
                provider,
                model,
                &OwnRequest {
                    failure: &failure,
                    attempts: 1,
                    since,
                    next_check: None,
                    network: None,
                    times: LocalTimes::of(ctx.clock.as_ref()),
                },
            );
            on_event(SendEvent::Retrying {
                message_id: answer.id.clone(),
                after_seconds: after.as_secs_f64(),
                reason,
            });
        }
    }
    Ok(())
}

/// The conversation as the model should see it: what was said and answered, without
/// failed questions or empty answers.
fn context_of(history: &[Message], text: &str) -> Vec<ChatMessage> {
    let mut messages: Vec<ChatMessage> = history
        .iter()
        .filter(|m| match m.role {
            Role::User => m.status == MessageStatus::Sent,
            Role::Assistant => !m.text.is_empty(),
        })
        .map(|m| ChatMessage {
            role: m.role,
            text: m.text.clone(),
        })
        .collect();
    messages.push(ChatMessage {
        role: Role::User,
        text: text.to_string(),
    });
    messages
}

/// A conversation's title: the start of its first message, on a word boundary.
pub(crate) fn title_of(text: &str) -> String {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let line = line.trim();
    if line.chars().count() <= 60 {
        return line.to_string();
    }
    let cut: String = line.chars().take(60).collect();
    match cut.rfind(' ') {
        Some(space) if space > 20 => format!("{}…", &cut[..space]),
        _ => format!("{cut}…"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_the_start_of_the_first_line() {
        assert_eq!(
            title_of("\n  Plan a trip to Lisbon\nwith kids"),
            "Plan a trip to Lisbon"
        );
        let long = "Summarise the quarterly report for the board, highlighting risks and the three largest changes";
        assert_eq!(
            title_of(long),
            "Summarise the quarterly report for the board, highlighting…"
        );
    }

    #[test]
    fn the_context_leaves_out_failed_questions_and_empty_answers() {
        let base = Message {
            id: "1".into(),
            conversation_id: "c".into(),
            role: Role::User,
            text: "first".into(),
            status: MessageStatus::Sent,
            model: None,
            stood_in_for: None,
            stand_in_why: None,
            answered_as: None,
            failure: None,
            ending: None,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        };
        let history = vec![
            base.clone(),
            Message {
                role: Role::Assistant,
                text: "answer".into(),
                status: MessageStatus::Complete,
                ..base.clone()
            },
            Message {
                text: "lost".into(),
                status: MessageStatus::Failed,
                ..base.clone()
            },
            Message {
                role: Role::Assistant,
                text: String::new(),
                status: MessageStatus::Failed,
                ..base.clone()
            },
        ];
        let context = context_of(&history, "again");
        let texts: Vec<&str> = context.iter().map(|m| m.text.as_str()).collect();
        assert_eq!(texts, ["first", "answer", "again"]);
    }
}
