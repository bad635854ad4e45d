//! The outage history and the last known state of every model.

use super::{Store, StoreError};
use crate::vocabulary::ModelAvailability;
use crate::vocabulary::ModelRef;
use crate::vocabulary::Transition;
use chrono::{DateTime, Utc};

fn word<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    Ok(serde_json::to_value(value)?
        .as_str()
        .unwrap_or_default()
        .to_string())
}

impl Store {
    /// Writes a transition to the history and makes it the model's last known state.
    pub async fn record_transition(&self, transition: &Transition) -> Result<(), StoreError> {
        let to = &transition.to;
        let json = serde_json::to_string(to)?;
        let at = to.since.unwrap_or_else(Utc::now);
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO availability_events (provider, model, at, from_state, to_state, reason_kind, source, availability) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&transition.model.provider)
        .bind(&transition.model.model)
        .bind(at)
        .bind(word(&transition.from)?)
        .bind(word(&to.state)?)
        .bind(word(&to.reason.kind)?)
        .bind(word(&to.reason.source)?)
        .bind(&json)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO model_state (provider, model, availability, updated_at) VALUES (?, ?, ?, ?) \
             ON CONFLICT(provider, model) DO UPDATE SET availability = excluded.availability, updated_at = excluded.updated_at",
        )
        .bind(&transition.model.provider)
        .bind(&transition.model.model)
        .bind(&json)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The last known state of every model that has one; unreadable rows are skipped.
    pub async fn last_known(&self) -> Result<Vec<ModelAvailability>, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar("SELECT availability FROM model_state")
            .fetch_all(&self.pool())
            .await?;
        Ok(rows
            .iter()
            .filter_map(|json| serde_json::from_str(json).ok())
            .collect())
    }

    /// Every transition since `since` (of `model` only, when given), oldest first, with for
    /// each model the last one before `since` — the state it entered the window in.
    pub async fn transitions_since(
        &self,
        since: DateTime<Utc>,
        model: Option<&ModelRef>,
    ) -> Result<Vec<ModelAvailability>, StoreError> {
        let (provider, id) = match model {
            Some(m) => (Some(m.provider.as_str()), Some(m.model.as_str())),
            None => (None, None),
        };
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT availability FROM availability_events \
             WHERE (?1 IS NULL OR (provider = ?1 AND model = ?2)) \
               AND (at >= ?3 OR id IN (SELECT MAX(id) FROM availability_events WHERE at < ?3 \
                                       AND (?1 IS NULL OR (provider = ?1 AND model = ?2)) \
                                       GROUP BY provider, model)) \
             ORDER BY at, id",
        )
        .bind(provider)
        .bind(id)
        .bind(since)
        .fetch_all(&self.pool())
        .await?;
        Ok(rows
            .iter()
            .filter_map(|json| serde_json::from_str(json).ok())
            .collect())
    }

    /// A model's transitions since `since`, oldest first.
    pub async fn history(
        &self,
        model: &ModelRef,
        since: DateTime<Utc>,
    ) -> Result<Vec<ModelAvailability>, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT availability FROM availability_events WHERE provider = ? AND model = ? AND at >= ? ORDER BY at, id",
        )
        .bind(&model.provider)
        .bind(&model.model)
        .bind(since)
        .fetch_all(&self.pool())
        .await?;
        Ok(rows
            .iter()
            .filter_map(|json| serde_json::from_str(json).ok())
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::vocabulary::{AvailabilityState, EvidenceSource, Reason, ReasonKind, Side};

    fn transition(at: DateTime<Utc>, state: AvailabilityState) -> Transition {
        Transition {
            model: ModelRef::new("openai", "gpt-5"),
            from: AvailabilityState::Unknown,
            to: ModelAvailability {
                model: ModelRef::new("openai", "gpt-5"),
                state,
                reason: Reason {
                    kind: ReasonKind::Healthy,
                    side: Side::Nobody,
                    source: EvidenceSource::OwnRequests,
                    headline: "GPT-5 is working".into(),
                    message: format!("GPT-5 answered at {at}."),
                },
                since: Some(at),
                next_check: None,
                stale: false,
                evidence: Default::default(),
            },
        }
    }

    #[tokio::test]
    async fn a_window_of_history_starts_with_each_models_state_before_it() {
        let store = Store::in_memory().await.unwrap();
        let now = Utc::now();
        for (hours, state) in [
            (50, AvailabilityState::Available),
            (40, AvailabilityState::Unavailable),
            (2, AvailabilityState::Available),
        ] {
            store
                .record_transition(&transition(now - chrono::Duration::hours(hours), state))
                .await
                .unwrap();
        }
        let day = store
            .transitions_since(now - chrono::Duration::hours(24), None)
            .await
            .unwrap();
        let states: Vec<AvailabilityState> = day.iter().map(|a| a.state).collect();
        assert_eq!(
            states,
            [AvailabilityState::Unavailable, AvailabilityState::Available],
            "the outage that began before the window, then its end"
        );
        let other = store
            .transitions_since(
                now - chrono::Duration::hours(24),
                Some(&ModelRef::new("anthropic", "claude-opus-4-7")),
            )
            .await
            .unwrap();
        assert!(other.is_empty());
    }

    #[tokio::test]
    async fn transitions_become_history_and_the_last_known_state() {
        let store = Store::in_memory().await.unwrap();
        let t0 = Utc::now() - chrono::Duration::hours(30);
        let t1 = Utc::now() - chrono::Duration::hours(2);
        store
            .record_transition(&transition(t0, AvailabilityState::Unavailable))
            .await
            .unwrap();
        store
            .record_transition(&transition(t1, AvailabilityState::Available))
            .await
            .unwrap();
        let last = store.last_known().await.unwrap();
        assert_eq!(last.len(), 1);
        assert_eq!(last[0].state, AvailabilityState::Available);
        let day = store
            .history(
                &ModelRef::new("openai", "gpt-5"),
                Utc::now() - chrono::Duration::hours(24),
            )
            .await
            .unwrap();
        assert_eq!(day.len(), 1, "only the last 24 hours");
        assert_eq!(day[0].since, Some(t1));
    }
}
