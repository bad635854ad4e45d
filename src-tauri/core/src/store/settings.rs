//! Settings: one JSON value per key, so a new setting needs no migration.

use super::{Store, StoreError};
use crate::vocabulary::ModelRef;
use chrono::{DateTime, Utc};
use serde::{Serialize, de::DeserializeOwned};

const PREFERRED_MODEL: &str = "preferred_model";

impl Store {
    pub async fn setting<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        let value: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.pool())
            .await?;
        Ok(value.map(|v| serde_json::from_str(&v)).transpose()?)
    }

    pub async fn set_setting<T: Serialize>(
        &self,
        key: &str,
        value: &T,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) \
             ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(key)
        .bind(serde_json::to_string(value)?)
        .bind(now)
        .execute(&self.pool())
        .await?;
        Ok(())
    }

    pub async fn preferred_model(&self) -> Result<Option<ModelRef>, StoreError> {
        self.setting(PREFERRED_MODEL).await
    }

    pub async fn set_preferred_model(
        &self,
        model: &ModelRef,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.set_setting(PREFERRED_MODEL, model, now).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_setting_is_absent_until_set_and_then_replaced() {
        let store = Store::in_memory().await.unwrap();
        assert_eq!(store.preferred_model().await.unwrap(), None);
        let first = ModelRef::new("anthropic", "claude-opus-4-7");
        let second = ModelRef::new("gemini", "gemini-2.5-pro");
        store.set_preferred_model(&first, Utc::now()).await.unwrap();
        assert_eq!(store.preferred_model().await.unwrap(), Some(first));
        store
            .set_preferred_model(&second, Utc::now())
            .await
            .unwrap();
        assert_eq!(store.preferred_model().await.unwrap(), Some(second));
    }

    #[tokio::test]
    async fn a_stored_value_of_the_wrong_shape_is_an_error_not_a_panic() {
        let store = Store::in_memory().await.unwrap();
        store
            .set_setting(PREFERRED_MODEL, &42, Utc::now())
            .await
            .unwrap();
        assert!(matches!(
            store.preferred_model().await,
            Err(StoreError::Decode(_))
        ));
    }
}
