//! Every attempt, for error rates over the last hour and day.

use super::{Store, StoreError};
use crate::vocabulary::FailureClass;
use crate::vocabulary::ModelRef;
use crate::vocabulary::{AttemptOutcome, AttemptRecord};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

/// Attempts to one model in one time bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct AttemptBucket {
    pub start: DateTime<Utc>,
    pub attempts: u32,
    /// Failures on the provider's side (server errors, overload, broken streams).
    pub server_failures: u32,
}

impl Store {
    pub async fn record_attempt(&self, record: &AttemptRecord) -> Result<(), StoreError> {
        let (outcome, reason, status) = match &record.outcome {
            AttemptOutcome::Answered => ("answered", None, None),
            AttemptOutcome::Failed(failure) => (
                match failure.class {
                    FailureClass::Reason(_) => "reason",
                    FailureClass::RequestRejected => "request_rejected",
                    FailureClass::NoAnswer(_) => "no_answer",
                    FailureClass::StreamBroken(_) => "stream_broken",
                    FailureClass::NotTheApi => "not_the_api",
                },
                failure
                    .class
                    .reason()
                    .and_then(|k| serde_json::to_value(k).ok())
                    .and_then(|v| v.as_str().map(str::to_string)),
                failure.http_status,
            ),
        };
        sqlx::query(
            "INSERT INTO attempts (provider, model, at, attempt, outcome, reason_kind, http_status) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&record.model.provider)
        .bind(&record.model.model)
        .bind(record.at)
        .bind(record.attempt)
        .bind(outcome)
        .bind(reason)
        .bind(status)
        .execute(&self.pool())
        .await?;
        Ok(())
    }

    /// Attempts to `model` since `since`, counted in buckets of `bucket_secs`, oldest first;
    /// empty buckets are left out.
    pub async fn attempt_buckets(
        &self,
        model: &ModelRef,
        since: DateTime<Utc>,
        bucket_secs: u32,
    ) -> Result<Vec<AttemptBucket>, StoreError> {
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT CAST(strftime('%s', at) AS INTEGER) / ?1 AS bucket, COUNT(*), \
                    SUM(reason_kind IN ('elevated_errors', 'overloaded')) \
             FROM attempts WHERE provider = ?2 AND model = ?3 AND at >= ?4 \
             GROUP BY bucket ORDER BY bucket",
        )
        .bind(i64::from(bucket_secs.max(1)))
        .bind(&model.provider)
        .bind(&model.model)
        .bind(since)
        .fetch_all(&self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(bucket, attempts, failures)| {
                Some(AttemptBucket {
                    start: DateTime::from_timestamp(bucket * i64::from(bucket_secs.max(1)), 0)?,
                    attempts: u32::try_from(attempts).ok()?,
                    server_failures: u32::try_from(failures).ok()?,
                })
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::Failure;
    use crate::vocabulary::ReasonKind;
    use chrono::TimeZone;

    #[tokio::test]
    async fn attempts_are_counted_per_bucket_with_server_failures_apart() {
        let store = Store::in_memory().await.unwrap();
        let opus = ModelRef::new("anthropic", "claude-opus-4-7");
        let t0 = Utc.with_ymd_and_hms(2026, 6, 5, 9, 0, 0).unwrap();
        let failed = |class| AttemptOutcome::Failed(Failure::new(class));
        for (secs, outcome) in [
            (10, AttemptOutcome::Answered),
            (20, failed(FailureClass::Reason(ReasonKind::ElevatedErrors))),
            (30, failed(FailureClass::Reason(ReasonKind::RateLimited))),
            (70, failed(FailureClass::Reason(ReasonKind::Overloaded))),
        ] {
            let record = AttemptRecord {
                model: opus.clone(),
                at: t0 + chrono::Duration::seconds(secs),
                attempt: 1,
                outcome,
            };
            store.record_attempt(&record).await.unwrap();
        }
        let other = AttemptRecord {
            model: ModelRef::new("openai", "gpt-5"),
            at: t0,
            attempt: 1,
            outcome: AttemptOutcome::Answered,
        };
        store.record_attempt(&other).await.unwrap();

        let buckets = store.attempt_buckets(&opus, t0, 60).await.unwrap();
        assert_eq!(
            buckets,
            [
                AttemptBucket {
                    start: t0,
                    attempts: 3,
                    server_failures: 1
                },
                AttemptBucket {
                    start: t0 + chrono::Duration::seconds(60),
                    attempts: 1,
                    server_failures: 1
                },
            ],
            "a rate limit is not a server failure; other models are not counted"
        );
    }
}
