//! Kept consents and the queue of messages waiting for their model.

use super::{Store, StoreError};
use crate::vocabulary::{Consent, ConsentScope, ModelRef};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

/// A message waiting for its model to be back ("Wait — send it when it is back").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct QueuedMessage {
    /// Also the id its question gets when it is sent.
    pub id: String,
    pub conversation_id: String,
    pub text: String,
    /// The model it waits for.
    pub model: ModelRef,
    pub queued_at: DateTime<Utc>,
    /// It has waited longer than `[fallback] max_wait_hours`: it is not sent by itself when
    /// its model is back; the person is asked again.
    #[serde(default)]
    pub too_old: bool,
}

fn scope_text(scope: ConsentScope) -> Option<&'static str> {
    match scope {
        ConsentScope::UntilBack => Some("until_back"),
        ConsentScope::Always => Some("always"),
        // Given for one message: nothing to keep.
        ConsentScope::ThisMessage => None,
    }
}

fn consent_from(row: &SqliteRow) -> Result<Consent, StoreError> {
    let scope: String = row.try_get("scope")?;
    Ok(Consent {
        preferred: ModelRef::new(
            row.try_get::<String, _>("preferred_provider")?,
            row.try_get::<String, _>("preferred_model")?,
        ),
        alternative: ModelRef::new(
            row.try_get::<String, _>("alternative_provider")?,
            row.try_get::<String, _>("alternative_model")?,
        ),
        scope: if scope == "always" {
            ConsentScope::Always
        } else {
            ConsentScope::UntilBack
        },
        given_at: row.try_get("given_at")?,
        returned_at: row.try_get("returned_at")?,
        relapsed: row.try_get("relapsed")?,
    })
}

fn queued_from(row: &SqliteRow) -> Result<QueuedMessage, StoreError> {
    Ok(QueuedMessage {
        id: row.try_get("id")?,
        conversation_id: row.try_get("conversation_id")?,
        text: row.try_get("text")?,
        model: ModelRef::new(
            row.try_get::<String, _>("provider")?,
            row.try_get::<String, _>("model")?,
        ),
        queued_at: row.try_get("queued_at")?,
        too_old: false,
    })
}

impl Store {
    /// Every kept consent, the newest first.
    pub async fn consents(&self) -> Result<Vec<Consent>, StoreError> {
        sqlx::query("SELECT * FROM consents ORDER BY given_at DESC")
            .fetch_all(&self.pool())
            .await?
            .iter()
            .map(consent_from)
            .collect()
    }

    /// Keeps `consent`, replacing one of the same scope for the same preferred model. One for
    /// this message only is not kept.
    pub async fn keep_consent(&self, consent: &Consent) -> Result<(), StoreError> {
        let Some(scope) = scope_text(consent.scope) else {
            return Ok(());
        };
        sqlx::query(
            "INSERT OR REPLACE INTO consents (preferred_provider, preferred_model, \
             alternative_provider, alternative_model, scope, given_at, returned_at, relapsed) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&consent.preferred.provider)
        .bind(&consent.preferred.model)
        .bind(&consent.alternative.provider)
        .bind(&consent.alternative.model)
        .bind(scope)
        .bind(consent.given_at)
        .bind(consent.returned_at)
        .bind(consent.relapsed)
        .execute(&self.pool())
        .await?;
        Ok(())
    }

    /// Ends the consent of `scope` for `preferred`; whether there was one.
    pub async fn withdraw_consent(
        &self,
        preferred: &ModelRef,
        scope: ConsentScope,
    ) -> Result<bool, StoreError> {
        let Some(scope) = scope_text(scope) else {
            return Ok(false);
        };
        let done = sqlx::query(
            "DELETE FROM consents WHERE preferred_provider = ? AND preferred_model = ? AND scope = ?",
        )
        .bind(&preferred.provider)
        .bind(&preferred.model)
        .bind(scope)
        .execute(&self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Puts a message in the queue of its model.
    pub async fn queue_message(&self, message: &QueuedMessage) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO queued_messages (id, conversation_id, text, provider, model, queued_at) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&message.id)
        .bind(&message.conversation_id)
        .bind(&message.text)
        .bind(&message.model.provider)
        .bind(&message.model.model)
        .bind(message.queued_at)
        .execute(&self.pool())
        .await?;
        Ok(())
    }

    /// Every message waiting and not being sent, oldest first.
    pub async fn queued(&self) -> Result<Vec<QueuedMessage>, StoreError> {
        sqlx::query(
            "SELECT * FROM queued_messages WHERE claimed_at IS NULL ORDER BY queued_at, rowid",
        )
        .fetch_all(&self.pool())
        .await?
        .iter()
        .map(queued_from)
        .collect()
    }

    /// Takes a waiting message for sending: `true` for exactly one caller, however many try
    /// (the window's release and a second window's, say).
    pub async fn claim_queued(&self, id: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE queued_messages SET claimed_at = ? WHERE id = ? AND claimed_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Takes a message out of the queue (sent, or cancelled); whether it was there.
    pub async fn remove_queued(&self, id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM queued_messages WHERE id = ?")
            .bind(id)
            .execute(&self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Takes a message still waiting out of the queue (cancelled) and hands it back; not one
    /// being sent.
    pub async fn cancel_queued(&self, id: &str) -> Result<Option<QueuedMessage>, StoreError> {
        sqlx::query("DELETE FROM queued_messages WHERE id = ? AND claimed_at IS NULL RETURNING *")
            .bind(id)
            .fetch_optional(&self.pool())
            .await?
            .as_ref()
            .map(queued_from)
            .transpose()
    }

    /// After a crash: a message claimed for sending whose question was saved was sent (it
    /// leaves the queue); one whose question was not waits again. Never sent twice, never lost.
    pub async fn recover_queue(&self) -> Result<(), StoreError> {
        sqlx::query(
            "DELETE FROM queued_messages WHERE claimed_at IS NOT NULL \
             AND id IN (SELECT id FROM messages)",
        )
        .execute(&self.pool())
        .await?;
        sqlx::query("UPDATE queued_messages SET claimed_at = NULL WHERE claimed_at IS NOT NULL")
            .execute(&self.pool())
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 5, 9, minute, 0).unwrap()
    }

    #[tokio::test]
    async fn a_newer_consent_replaces_the_one_of_its_scope_and_one_for_a_message_is_not_kept() {
        let store = Store::in_memory().await.unwrap();
        let opus = ModelRef::new("anthropic", "claude-opus-4-7");
        let consent = |alt: &str, scope, at| Consent {
            preferred: opus.clone(),
            alternative: ModelRef::new("openai", alt),
            scope,
            given_at: at,
            returned_at: None,
            relapsed: false,
        };
        store
            .keep_consent(&consent("gpt-5", ConsentScope::Always, t(0)))
            .await
            .unwrap();
        store
            .keep_consent(&consent("gpt-5.1", ConsentScope::Always, t(1)))
            .await
            .unwrap();
        store
            .keep_consent(&consent("gpt-4.1", ConsentScope::UntilBack, t(2)))
            .await
            .unwrap();
        store
            .keep_consent(&consent("gpt-5-mini", ConsentScope::ThisMessage, t(3)))
            .await
            .unwrap();
        let kept = store.consents().await.unwrap();
        assert_eq!(
            kept,
            [
                consent("gpt-4.1", ConsentScope::UntilBack, t(2)),
                consent("gpt-5.1", ConsentScope::Always, t(1)),
            ]
        );
        assert!(
            store
                .withdraw_consent(&opus, ConsentScope::UntilBack)
                .await
                .unwrap()
        );
        assert!(
            !store
                .withdraw_consent(&opus, ConsentScope::UntilBack)
                .await
                .unwrap()
        );
        assert_eq!(store.consents().await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn a_queued_message_is_claimed_once_and_survives_a_crash_unsent() {
        let store = Store::in_memory().await.unwrap();
        let conversation = store.create_conversation("Q3", t(0)).await.unwrap();
        let queued = |id: &str, minute| QueuedMessage {
            id: id.into(),
            conversation_id: conversation.id.clone(),
            text: format!("message {id}"),
            model: ModelRef::new("anthropic", "claude-opus-4-7"),
            queued_at: t(minute),
            too_old: false,
        };
        store.queue_message(&queued("b", 2)).await.unwrap();
        store.queue_message(&queued("a", 1)).await.unwrap();
        let waiting: Vec<String> = store
            .queued()
            .await
            .unwrap()
            .into_iter()
            .map(|q| q.id)
            .collect();
        assert_eq!(waiting, ["a", "b"], "oldest first");
        assert!(store.claim_queued("a", t(5)).await.unwrap());
        assert!(
            !store.claim_queued("a", t(5)).await.unwrap(),
            "claimed once"
        );
        assert_eq!(
            store.queued().await.unwrap().len(),
            1,
            "a claimed one is not waiting"
        );
        // A crash before "a" was saved as a question: it waits again.
        store.recover_queue().await.unwrap();
        assert_eq!(store.queued().await.unwrap().len(), 2);
        assert!(store.claim_queued("b", t(6)).await.unwrap());
        assert!(
            store.cancel_queued("b").await.unwrap().is_none(),
            "one being sent is not cancelled"
        );
        assert_eq!(
            store.cancel_queued("a").await.unwrap().map(|q| q.text),
            Some("message a".into()),
            "a waiting one is handed back"
        );
        assert!(store.remove_queued("b").await.unwrap());
        assert!(!store.remove_queued("b").await.unwrap());
    }
}
