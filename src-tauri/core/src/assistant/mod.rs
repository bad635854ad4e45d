//! The assistant: which model the person prefers (and, as it grows, conversations, drafts,
//! sending, and the queue of messages waiting for a model to come back).

pub mod send;

use crate::catalog::{Catalog, EndpointError};
use crate::clock::LocalTimes;

use crate::store::{Conversation, Message, Store, StoreError};
use crate::vocabulary::ModelRef;
use crate::vocabulary::Reason;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, thiserror::Error)]
pub enum AssistantError {
    #[error("Switchboard does not know the model {0}; pick one from the list")]
    UnknownModel(ModelRef),
    #[error("there is no conversation {0}; it may have been deleted")]
    UnknownConversation(String),
    #[error("the message is empty")]
    EmptyMessage,
    /// No key for the provider: the reason says what to do.
    #[error("{}", .0.message)]
    NotConfigured(Reason),
    /// The workspace policy turns the model off: nothing was sent; the reason carries the
    /// admin's words.
    #[error("{}", .0.message)]
    TurnedOff(Reason),
    /// The preferred model is out and no consent covers it: the person chooses first, and
    /// nothing was sent anywhere.
    #[error("{}", .0.message)]
    NeedsConsent(Reason),
    /// The chosen stand-in cannot take this message (out itself, no key, too small, or the
    /// reason is one only the person can fix).
    #[error("{0}")]
    NotOffered(String),
    #[error("the provider's address is not allowed: {0}")]
    Endpoint(#[from] EndpointError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The database was found damaged while sending and has been repaired (set aside, what
    /// reads kept). What was saved before the damage is in the conversation.
    #[error(
        "{} This message may not have been saved whole: look at the conversation before sending it again.",
        .0.message
    )]
    StoreRepaired(crate::notice::Notice),
}

/// A conversation as the window opens it.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct ConversationView {
    pub conversation: Conversation,
    pub messages: Vec<Message>,
    pub draft: String,
}

/// A conversation with its messages and unsent draft.
pub async fn open_conversation(
    store: &Store,
    id: &str,
) -> Result<ConversationView, AssistantError> {
    let conversation = store
        .conversation(id)
        .await?
        .ok_or_else(|| AssistantError::UnknownConversation(id.to_string()))?;
    Ok(ConversationView {
        messages: store.messages(id).await?,
        draft: store.draft(id).await?,
        conversation,
    })
}

/// A conversation as Markdown, each answer labelled with the model that wrote it and, for a
/// stand-in, the model it stood in for and why — the same words the window shows.
/// Times are the person's, each with its date and offset, as the file may be read anywhere.
pub fn as_markdown(view: &ConversationView, catalog: &Catalog, times: &LocalTimes) -> String {
    let name = |m: &ModelRef| {
        catalog
            .model(&m.provider, &m.model)
            .map_or(m.model.clone(), |m| m.display_name.clone())
    };
    let mut out = format!("# {}\n", view.conversation.title);
    for message in &view.messages {
        let when = times.full(message.updated_at);
        let who = match (&message.role, &message.model, &message.stood_in_for) {
            (crate::vocabulary::Role::User, _, _) => "You".to_string(),
            (_, Some(by), Some(preferred)) => format!(
                "Answered by {}, standing in for {}{}",
                name(by),
                name(preferred),
                message
                    .stand_in_why
                    .as_deref()
                    .map(|why| format!(" ({why})"))
                    .unwrap_or_default()
            ),
            (_, Some(by), None) => format!("Answered by {}", name(by)),
            (_, None, _) => "Answer".to_string(),
        };
        let status = match message.status {
            crate::store::MessageStatus::Incomplete => " — broke off part-way",
            crate::store::MessageStatus::Cancelled => " — stopped",
            crate::store::MessageStatus::Failed => " — not answered",
            _ => "",
        };
        out.push_str(&format!(
            "\n**{who}** · {when}{status}\n\n{}\n",
            message.text
        ));
    }
    out
}

/// Records the person's preferred model. Any catalog model may be preferred, available or
/// not: the person's choice stands, and availability is shown beside it.
pub async fn set_preferred_model(
    store: &Store,
    catalog: &Catalog,
    model: ModelRef,
    now: DateTime<Utc>,
) -> Result<ModelRef, AssistantError> {
    if !catalog.contains(&model) {
        return Err(AssistantError::UnknownModel(model));
    }
    store.set_preferred_model(&model, now).await?;
    tracing::info!(model = %model, "preferred model chosen");
    Ok(model)
}

/// The preferred model, if it is still in the catalog (a model removed from the config
/// since it was chosen is not offered as preferred).
pub async fn preferred_model(
    store: &Store,
    catalog: &Catalog,
) -> Result<Option<ModelRef>, AssistantError> {
    Ok(store
        .preferred_model()
        .await?
        .filter(|model| catalog.contains(model)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_catalog_models_can_be_preferred() {
        let store = Store::in_memory().await.unwrap();
        let catalog = Catalog::shipped().unwrap();
        let err = set_preferred_model(
            &store,
            &catalog,
            ModelRef::new("anthropic", "claude-opus-9"),
            Utc::now(),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, AssistantError::UnknownModel(_)));
        assert_eq!(preferred_model(&store, &catalog).await.unwrap(), None);

        let opus = ModelRef::new("anthropic", "claude-opus-4-7");
        set_preferred_model(&store, &catalog, opus.clone(), Utc::now())
            .await
            .unwrap();
        assert_eq!(preferred_model(&store, &catalog).await.unwrap(), Some(opus));
    }

    #[tokio::test]
    async fn a_preferred_model_gone_from_the_catalog_is_not_offered() {
        let store = Store::in_memory().await.unwrap();
        let catalog = Catalog::shipped().unwrap();
        store
            .set_preferred_model(&ModelRef::new("lab", "gone"), Utc::now())
            .await
            .unwrap();
        assert_eq!(preferred_model(&store, &catalog).await.unwrap(), None);
    }
}
