//! Conversations, messages and drafts. A message is written before it is sent and an answer
//! as it streams, so a crash loses nothing already shown: [`Store::recover_interrupted`]
//! marks answers that were still streaming as incomplete at the next start.

use super::{Store, StoreError};
use crate::vocabulary::Failure;
use crate::vocabulary::ModelRef;
use crate::vocabulary::{Ending, Role};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Conversation {
    pub id: String,
    pub title: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    /// A person's message that reached the model.
    Sent,
    /// A person's message whose request failed (its text is kept for the retry).
    Failed,
    /// An answer arriving now.
    Streaming,
    Complete,
    /// An answer that broke off part-way: what arrived is kept, with "retry".
    Incomplete,
    /// An answer the person stopped.
    Cancelled,
}

impl MessageStatus {
    fn as_str(self) -> &'static str {
        match self {
            MessageStatus::Sent => "sent",
            MessageStatus::Failed => "failed",
            MessageStatus::Streaming => "streaming",
            MessageStatus::Complete => "complete",
            MessageStatus::Incomplete => "incomplete",
            MessageStatus::Cancelled => "cancelled",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "sent" => MessageStatus::Sent,
            "failed" => MessageStatus::Failed,
            "streaming" => MessageStatus::Streaming,
            "complete" => MessageStatus::Complete,
            "cancelled" => MessageStatus::Cancelled,
            // Anything unknown is shown as what it most safely is: not finished.
            _ => MessageStatus::Incomplete,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Message {
    pub id: String,
    pub conversation_id: String,
    pub role: Role,
    pub text: String,
    pub status: MessageStatus,
    /// The model that wrote (or was asked to write) an answer.
    pub model: Option<ModelRef>,
    /// The preferred model a fallback answer stood in for.
    pub stood_in_for: Option<ModelRef>,
    /// Why it stood in, in one line ("Anthropic: elevated errors on Claude Opus 4.7").
    #[serde(default)]
    pub stand_in_why: Option<String>,
    pub failure: Option<Failure>,
    /// How an answer the provider finished ended (complete, length limit, filtered, …).
    pub ending: Option<Ending>,
    /// Who answered, as the provider said it (its exact model, OpenAI's fingerprint).
    #[serde(default)]
    pub answered_as: Option<crate::vocabulary::ModelIdentity>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn ending_json(message: &Message) -> Result<Option<String>, StoreError> {
    Ok(message
        .ending
        .as_ref()
        .map(serde_json::to_string)
        .transpose()?)
}

/// Time-ordered ids, so rows sort by creation without another column.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

fn model_from(provider: Option<String>, model: Option<String>) -> Option<ModelRef> {
    Some(ModelRef::new(provider?, model?))
}

fn conversation_from(row: &SqliteRow) -> Result<Conversation, StoreError> {
    Ok(Conversation {
        id: row.try_get("id")?,
        title: row.try_get("title")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

fn message_from(row: &SqliteRow) -> Result<Message, StoreError> {
    let role: String = row.try_get("role")?;
    let failure: Option<String> = row.try_get("failure")?;
    let ending: Option<String> = row.try_get("ending")?;
    Ok(Message {
        id: row.try_get("id")?,
        conversation_id: row.try_get("conversation_id")?,
        role: if role == "assistant" {
            Role::Assistant
        } else {
            Role::User
        },
        text: row.try_get("text")?,
        status: MessageStatus::parse(&row.try_get::<String, _>("status")?),
        model: model_from(row.try_get("provider")?, row.try_get("model")?),
        stood_in_for: model_from(
            row.try_get("stood_in_for_provider")?,
            row.try_get("stood_in_for_model")?,
        ),
        stand_in_why: row.try_get("stand_in_why")?,
        answered_as: row
            .try_get::<Option<String>, _>("answered_as")?
            .and_then(|json| serde_json::from_str(&json).ok()),
        failure: failure
            .map(|f| serde_json::from_str(&f))
            .transpose()
            .unwrap_or(None),
        // An ending this version does not know reads as unknown, not as an error.
        ending: ending.and_then(|e| serde_json::from_str(&e).ok()),
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

impl Store {
    /// The model identity `model`'s answers carried, answered from `from` to `to` (when the
    /// answer was complete: the one that ends an episode was asked before its end), oldest
    /// first, at most `limit` (the newest ones with `newest`): the evidence that a model did
    /// or did not change across an episode.
    pub async fn answer_identities(
        &self,
        model: &ModelRef,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: u32,
        newest: bool,
    ) -> Result<Vec<(DateTime<Utc>, crate::vocabulary::ModelIdentity)>, StoreError> {
        let order = if newest { "DESC" } else { "ASC" };
        // `order` is one of two constants.
        let rows: Vec<(DateTime<Utc>, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT updated_at, answered_as FROM messages \
             WHERE provider = ? AND model = ? AND updated_at >= ? AND updated_at <= ? \
               AND role = 'assistant' AND answered_as IS NOT NULL \
             ORDER BY updated_at {order} LIMIT ?"
        )))
        .bind(&model.provider)
        .bind(&model.model)
        .bind(from)
        .bind(to)
        .bind(limit)
        .fetch_all(&self.pool())
        .await?;
        let mut found: Vec<_> = rows
            .into_iter()
            .filter_map(|(at, json)| Some((at, serde_json::from_str(&json).ok()?)))
            .collect();
        found.sort_by_key(|(at, _)| *at);
        Ok(found)
    }
}

impl Store {
    pub async fn create_conversation(
        &self,
        title: &str,
        now: DateTime<Utc>,
    ) -> Result<Conversation, StoreError> {
        let conversation = Conversation {
            id: new_id(),
            title: title.to_string(),
            created_at: now,
            updated_at: now,
        };
        sqlx::query(
            "INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)",
        )
        .bind(&conversation.id)
        .bind(&conversation.title)
        .bind(now)
        .bind(now)
        .execute(&self.pool())
        .await?;
        Ok(conversation)
    }

    /// Newest first.
    pub async fn conversations(&self) -> Result<Vec<Conversation>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, title, created_at, updated_at FROM conversations ORDER BY updated_at DESC, id DESC",
        )
        .fetch_all(&self.pool())
        .await?;
        rows.iter().map(conversation_from).collect()
    }

    pub async fn conversation(&self, id: &str) -> Result<Option<Conversation>, StoreError> {
        let row =
            sqlx::query("SELECT id, title, created_at, updated_at FROM conversations WHERE id = ?")
                .bind(id)
                .fetch_optional(&self.pool())
                .await?;
        row.as_ref().map(conversation_from).transpose()
    }

    /// Oldest first; an answer still streaming has the pieces that have arrived.
    ///
    /// Only call [`Self::recover_interrupted`] when [`Store::alone_at_start`]: another
    /// Switchboard may be streaming.
    pub async fn messages(&self, conversation_id: &str) -> Result<Vec<Message>, StoreError> {
        let rows =
            sqlx::query("SELECT * FROM messages WHERE conversation_id = ? ORDER BY created_at, id")
                .bind(conversation_id)
                .fetch_all(&self.pool())
                .await?;
        let mut messages = rows
            .iter()
            .map(message_from)
            .collect::<Result<Vec<_>, _>>()?;
        // Pieces are kept until the answer is written whole; whatever its status says
        // meanwhile, they are part of it. One query for the whole conversation.
        let pieces: Vec<(String, String)> = sqlx::query_as(
            "SELECT c.message_id, c.text FROM message_chunks c JOIN messages m ON m.id = c.message_id \
             WHERE m.conversation_id = ? ORDER BY c.message_id, c.seq",
        )
        .bind(conversation_id)
        .fetch_all(&self.pool())
        .await?;
        for (id, piece) in pieces {
            if let Some(message) = messages.iter_mut().find(|m| m.id == id) {
                message.text.push_str(&piece);
            }
        }
        Ok(messages)
    }

    /// Appends one piece of a streaming answer (`seq` counts from 0).
    pub async fn append_chunk(
        &self,
        message_id: &str,
        seq: i64,
        text: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO message_chunks (message_id, seq, text) VALUES (?, ?, ?)")
            .bind(message_id)
            .bind(seq)
            .bind(text)
            .execute(&self.pool())
            .await?;
        Ok(())
    }

    /// The pieces of an answer so far, in order.
    async fn chunks_of(&self, message_id: &str) -> Result<String, StoreError> {
        let pieces: Vec<String> =
            sqlx::query_scalar("SELECT text FROM message_chunks WHERE message_id = ? ORDER BY seq")
                .bind(message_id)
                .fetch_all(&self.pool())
                .await?;
        Ok(pieces.concat())
    }

    pub async fn insert_message(&self, message: &Message) -> Result<(), StoreError> {
        let failure = message
            .failure
            .as_ref()
            .map(serde_json::to_string)
            .transpose()?;
        sqlx::query(
            "INSERT INTO messages (id, conversation_id, role, text, status, provider, model, \
             stood_in_for_provider, stood_in_for_model, stand_in_why, failure, ending, created_at, \
             updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&message.id)
        .bind(&message.conversation_id)
        .bind(message.role.as_str())
        .bind(&message.text)
        .bind(message.status.as_str())
        .bind(message.model.as_ref().map(|m| &m.provider))
        .bind(message.model.as_ref().map(|m| &m.model))
        .bind(message.stood_in_for.as_ref().map(|m| &m.provider))
        .bind(message.stood_in_for.as_ref().map(|m| &m.model))
        .bind(&message.stand_in_why)
        .bind(failure)
        .bind(ending_json(message)?)
        .bind(message.created_at)
        .bind(message.updated_at)
        .execute(&self.pool())
        .await?;
        sqlx::query("UPDATE conversations SET updated_at = ? WHERE id = ?")
            .bind(message.updated_at)
            .bind(&message.conversation_id)
            .execute(&self.pool())
            .await?;
        Ok(())
    }

    /// Writes a message's text, status, failure and ending as they are now; once it is no
    /// longer streaming, its pieces (now in the text) are dropped.
    pub async fn update_message(&self, message: &Message) -> Result<(), StoreError> {
        let failure = message
            .failure
            .as_ref()
            .map(serde_json::to_string)
            .transpose()?;
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "UPDATE messages SET text = ?, status = ?, failure = ?, ending = ?, answered_as = ?, \
             updated_at = ? WHERE id = ?",
        )
        .bind(&message.text)
        .bind(message.status.as_str())
        .bind(failure)
        .bind(ending_json(message)?)
        .bind(
            message
                .answered_as
                .as_ref()
                .map(serde_json::to_string)
                .transpose()?,
        )
        .bind(message.updated_at)
        .bind(&message.id)
        .execute(&mut *tx)
        .await?;
        if message.status != MessageStatus::Streaming {
            sqlx::query("DELETE FROM message_chunks WHERE message_id = ?")
                .bind(&message.id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Answers left streaming by a crash or a kill become incomplete, their text (with every
    /// piece that had arrived) kept.
    pub async fn recover_interrupted(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let ids: Vec<String> =
            sqlx::query_scalar("SELECT id FROM messages WHERE status = 'streaming'")
                .fetch_all(&self.pool())
                .await?;
        for id in &ids {
            let pieces = self.chunks_of(id).await?;
            let mut tx = self.pool().begin().await?;
            sqlx::query(
                "UPDATE messages SET text = text || ?, status = 'incomplete', updated_at = ? \
                 WHERE id = ?",
            )
            .bind(pieces)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM message_chunks WHERE message_id = ?")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        Ok(ids.len() as u64)
    }

    /// The unsent text of a conversation (`""` for one not started yet).
    pub async fn draft(&self, conversation_id: &str) -> Result<String, StoreError> {
        let text: Option<String> =
            sqlx::query_scalar("SELECT text FROM drafts WHERE conversation_id = ?")
                .bind(conversation_id)
                .fetch_optional(&self.pool())
                .await?;
        Ok(text.unwrap_or_default())
    }

    pub async fn set_draft(
        &self,
        conversation_id: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if text.is_empty() {
            sqlx::query("DELETE FROM drafts WHERE conversation_id = ?")
                .bind(conversation_id)
                .execute(&self.pool())
                .await?;
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO drafts (conversation_id, text, updated_at) VALUES (?, ?, ?) \
             ON CONFLICT(conversation_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
        )
        .bind(conversation_id)
        .bind(text)
        .bind(now)
        .execute(&self.pool())
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::{FailureClass, StreamBreak};

    fn message(conversation: &str, role: Role, text: &str, status: MessageStatus) -> Message {
        let now = Utc::now();
        Message {
            id: new_id(),
            conversation_id: conversation.to_string(),
            role,
            text: text.to_string(),
            status,
            model: Some(ModelRef::new("anthropic", "claude-opus-4-7")),
            stood_in_for: None,
            stand_in_why: None,
            answered_as: None,
            failure: None,
            ending: None,
            created_at: now,
            updated_at: now,
        }
    }

    #[tokio::test]
    async fn messages_come_back_in_order_with_everything_they_were_saved_with() {
        let store = Store::in_memory().await.unwrap();
        let conversation = store.create_conversation("Trip", Utc::now()).await.unwrap();
        let question = message(
            &conversation.id,
            Role::User,
            "Plan a trip",
            MessageStatus::Sent,
        );
        let mut answer = message(
            &conversation.id,
            Role::Assistant,
            "Day 1",
            MessageStatus::Streaming,
        );
        store.insert_message(&question).await.unwrap();
        store.insert_message(&answer).await.unwrap();

        answer.text.push_str(": Lisbon");
        answer.status = MessageStatus::Incomplete;
        answer.failure = Some(Failure::new(FailureClass::StreamBroken(StreamBreak::Cut)));
        store.update_message(&answer).await.unwrap();

        let stored = store.messages(&conversation.id).await.unwrap();
        assert_eq!(stored.len(), 2);
        assert_eq!(stored[0].text, "Plan a trip");
        assert_eq!(
            stored[1], answer,
            "the partial answer and its failure are kept"
        );
        assert_eq!(store.conversations().await.unwrap()[0].id, conversation.id);
    }

    #[tokio::test]
    async fn an_answer_interrupted_by_a_crash_is_kept_as_incomplete() {
        let store = Store::in_memory().await.unwrap();
        let conversation = store.create_conversation("x", Utc::now()).await.unwrap();
        let answer = message(
            &conversation.id,
            Role::Assistant,
            "half an ans",
            MessageStatus::Streaming,
        );
        store.insert_message(&answer).await.unwrap();
        assert_eq!(store.recover_interrupted(Utc::now()).await.unwrap(), 1);
        let stored = store.messages(&conversation.id).await.unwrap();
        assert_eq!(stored[0].status, MessageStatus::Incomplete);
        assert_eq!(stored[0].text, "half an ans");
    }

    #[tokio::test]
    async fn drafts_are_kept_per_conversation_and_cleared_when_empty() {
        let store = Store::in_memory().await.unwrap();
        assert_eq!(store.draft("").await.unwrap(), "");
        store.set_draft("", "Dear team,", Utc::now()).await.unwrap();
        store.set_draft("c1", "other", Utc::now()).await.unwrap();
        assert_eq!(store.draft("").await.unwrap(), "Dear team,");
        store.set_draft("", "", Utc::now()).await.unwrap();
        assert_eq!(store.draft("").await.unwrap(), "");
        assert_eq!(store.draft("c1").await.unwrap(), "other");
    }
}
