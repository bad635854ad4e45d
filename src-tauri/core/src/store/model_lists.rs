//! The providers' model lists, cached so the picker shows the last known list at once.

use super::{Store, StoreError};
use crate::catalog::live::ProviderListing;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

/// How a provider's model list stands: the last good reading, and whether the latest try
/// failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ModelListState {
    pub provider: String,
    /// The last list read in full, if any ever was.
    pub listing: Option<ProviderListing>,
    pub checked_at: DateTime<Utc>,
    /// What went wrong at `checked_at`, in words; `None` when that reading worked.
    pub problem: Option<String>,
}

/// provider, listed_at, models (JSON), checked_at, problem.
type ListRow = (
    String,
    Option<DateTime<Utc>>,
    String,
    DateTime<Utc>,
    Option<String>,
);

impl Store {
    /// Keeps `listing` as the provider's list, read just now.
    pub async fn save_model_list(&self, listing: &ProviderListing) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO model_lists (provider, listed_at, models, checked_at, problem) VALUES (?, ?, ?, ?, NULL) \
             ON CONFLICT(provider) DO UPDATE SET listed_at = excluded.listed_at, models = excluded.models, \
             checked_at = excluded.checked_at, problem = NULL",
        )
        .bind(&listing.provider)
        .bind(listing.listed_at)
        .bind(serde_json::to_string(&listing.models)?)
        .bind(listing.listed_at)
        .execute(&self.pool())
        .await?;
        Ok(())
    }

    /// Notes that reading `provider`'s list failed at `at`; the last good list stays.
    pub async fn note_model_list_problem(
        &self,
        provider: &str,
        at: DateTime<Utc>,
        problem: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO model_lists (provider, checked_at, problem) VALUES (?, ?, ?) \
             ON CONFLICT(provider) DO UPDATE SET checked_at = excluded.checked_at, problem = excluded.problem",
        )
        .bind(provider)
        .bind(at)
        .bind(problem)
        .execute(&self.pool())
        .await?;
        Ok(())
    }

    /// Every provider's list state. A row whose models cannot be read is returned without a
    /// listing (as if never read), so a damaged row costs a refresh, not the start-up.
    pub async fn model_lists(&self) -> Result<Vec<ModelListState>, StoreError> {
        let rows: Vec<ListRow> =
            sqlx::query_as(
                "SELECT provider, listed_at, models, checked_at, problem FROM model_lists ORDER BY provider",
            )
            .fetch_all(&self.pool())
            .await?;
        Ok(rows
            .into_iter()
            .map(|(provider, listed_at, models, checked_at, problem)| {
                let listing = listed_at.and_then(|listed_at| match serde_json::from_str(&models) {
                    Ok(models) => Some(ProviderListing {
                        provider: provider.clone(),
                        listed_at,
                        models,
                    }),
                    Err(error) => {
                        tracing::warn!(%provider, %error, "cached model list unreadable");
                        None
                    }
                });
                ModelListState {
                    provider,
                    listing,
                    checked_at,
                    problem,
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::live::ListedModel;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn listing(ids: &[&str], when: &str) -> ProviderListing {
        ProviderListing {
            provider: "anthropic".into(),
            listed_at: at(when),
            models: ids
                .iter()
                .map(|id| ListedModel {
                    id: id.to_string(),
                    display_name: Some(id.to_uppercase()),
                    context_window: Some(1_000_000),
                    output_limit: None,
                    created: Some(at("2026-11-20T00:00:00Z")),
                    input: Vec::new(),
                    can_chat: true,
                    retires_on: None,
                })
                .collect(),
        }
    }

    #[tokio::test]
    async fn a_list_survives_a_failed_reading_and_the_failure_is_noted() {
        let store = Store::in_memory().await.unwrap();
        assert!(store.model_lists().await.unwrap().is_empty());
        let first = listing(
            &["claude-opus-5", "claude-opus-4-8"],
            "2026-11-24T09:00:00Z",
        );
        store.save_model_list(&first).await.unwrap();
        store
            .note_model_list_problem("anthropic", at("2026-11-24T13:00:00Z"), "no answer")
            .await
            .unwrap();
        let states = store.model_lists().await.unwrap();
        assert_eq!(states.len(), 1);
        assert_eq!(
            states[0].listing.as_ref(),
            Some(&first),
            "the good list is kept"
        );
        assert_eq!(states[0].problem.as_deref(), Some("no answer"));
        assert_eq!(states[0].checked_at, at("2026-11-24T13:00:00Z"));

        let second = listing(&["claude-opus-5"], "2026-11-24T17:00:00Z");
        store.save_model_list(&second).await.unwrap();
        let states = store.model_lists().await.unwrap();
        assert_eq!(states[0].listing.as_ref(), Some(&second), "replaced whole");
        assert_eq!(states[0].problem, None, "a good reading clears the problem");
    }

    #[tokio::test]
    async fn a_provider_never_listed_has_only_its_problem() {
        let store = Store::in_memory().await.unwrap();
        store
            .note_model_list_problem("ollama", at("2026-11-24T09:00:00Z"), "not running")
            .await
            .unwrap();
        let states = store.model_lists().await.unwrap();
        assert_eq!(states[0].listing, None);
        assert_eq!(states[0].problem.as_deref(), Some("not running"));
    }

    #[tokio::test]
    async fn a_damaged_row_reads_as_never_listed() {
        let store = Store::in_memory().await.unwrap();
        store
            .save_model_list(&listing(&["claude-opus-5"], "2026-11-24T09:00:00Z"))
            .await
            .unwrap();
        sqlx::query("UPDATE model_lists SET models = '{not json'")
            .execute(&store.pool())
            .await
            .unwrap();
        let states = store.model_lists().await.unwrap();
        assert_eq!(states[0].listing, None);
    }
}
