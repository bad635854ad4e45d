//! Every attempt, and each model's attempts per minute: error rates by side and time to first
//! token over the last hour, day and 30 days, and what an episode's timeline shows.

use super::{Store, StoreError};
use crate::vocabulary::{
    AttemptOutcome, AttemptRecord, Blame, FailureClass, ModelRef, ReasonKind, wire_word,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

/// Attempts to one model in one time bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct AttemptBucket {
    pub start: DateTime<Utc>,
    pub attempts: u32,
    /// Failed attempts, by whose side they were on.
    pub failed: FailedBySide,
    /// Answered attempts whose first text was timed, and those times summed (milliseconds).
    pub timed: u32,
    #[specta(type = f64)]
    pub first_text_ms: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct FailedBySide {
    pub provider: u32,
    pub yours: u32,
    pub network: u32,
    pub other: u32,
}

impl FailedBySide {
    pub fn total(&self) -> u32 {
        self.provider + self.yours + self.network + self.other
    }
}

impl std::ops::AddAssign for FailedBySide {
    fn add_assign(&mut self, other: Self) {
        self.provider += other.provider;
        self.yours += other.yours;
        self.network += other.network;
        self.other += other.other;
    }
}

/// One stored attempt, as an episode's timeline shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct StoredAttempt {
    pub at: DateTime<Utc>,
    pub attempt: u32,
    /// `answered`, or how it failed: `reason`, `request_rejected`, `no_answer`,
    /// `stream_broken`, `not_the_api`.
    pub outcome: String,
    pub reason_kind: Option<ReasonKind>,
    pub http_status: Option<u16>,
    /// `None`: answered.
    pub blame: Option<Blame>,
}

impl StoredAttempt {
    pub fn answered(&self) -> bool {
        self.blame.is_none()
    }
}

fn from_word<T: serde::de::DeserializeOwned>(word: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(word.to_string())).ok()
}

/// A bucket as the query reads it: its number, attempts, failures by side, timed answers and
/// their milliseconds.
type BucketRow = (i64, i64, i64, i64, i64, i64, i64, i64);

/// An attempt as the query reads it: at, attempt, outcome, reason, HTTP status, side.
type AttemptRow = (
    DateTime<Utc>,
    i64,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
);

impl Store {
    /// Keeps `record` and counts it in its minute, together.
    pub async fn record_attempt(&self, record: &AttemptRecord) -> Result<(), StoreError> {
        self.record_attempts(std::slice::from_ref(record)).await
    }

    /// Keeps `records` and counts each in its minute, in one transaction.
    pub async fn record_attempts(&self, records: &[AttemptRecord]) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        for record in records {
            record_one(&mut tx, record).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

async fn record_one(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    record: &AttemptRecord,
) -> Result<(), StoreError> {
    let (outcome, reason, status, blame) = match &record.outcome {
        AttemptOutcome::Answered => ("answered", None, None, None),
        AttemptOutcome::Failed(failure) => (
            match failure.class {
                FailureClass::Reason(_) => "reason",
                FailureClass::RequestRejected => "request_rejected",
                FailureClass::NoAnswer(_) => "no_answer",
                FailureClass::StreamBroken(_) => "stream_broken",
                FailureClass::NotTheApi => "not_the_api",
            },
            failure.class.reason().map(|k| wire_word(&k)),
            failure.http_status,
            Some(failure.class.blame()),
        ),
    };
    // Only an answer's first text is a time to first token.
    let first_text_ms = record
        .first_text_after
        .filter(|_| blame.is_none())
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    let side = |b: Blame| i64::from(blame == Some(b));
    sqlx::query(
            "INSERT INTO attempts \
             (provider, model, at, attempt, outcome, reason_kind, http_status, side, first_text_ms) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&record.model.provider)
        .bind(&record.model.model)
        .bind(record.at)
        .bind(record.attempt)
        .bind(outcome)
        .bind(reason)
        .bind(status)
        .bind(blame.map(Blame::as_str))
        .bind(first_text_ms)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO attempt_minutes VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6, ?7, ?8, ?9) \
             ON CONFLICT (provider, model, minute) DO UPDATE SET \
                attempts = attempts + 1, \
                provider_failed = provider_failed + ?4, yours_failed = yours_failed + ?5, \
                network_failed = network_failed + ?6, other_failed = other_failed + ?7, \
                timed = timed + ?8, first_text_ms = first_text_ms + ?9",
    )
    .bind(&record.model.provider)
    .bind(&record.model.model)
    .bind(record.at.timestamp().div_euclid(60) * 60)
    .bind(side(Blame::Provider))
    .bind(side(Blame::Yours))
    .bind(side(Blame::Network))
    .bind(side(Blame::Other))
    .bind(i64::from(first_text_ms.is_some()))
    .bind(first_text_ms.unwrap_or(0))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// Attempts to `model` from `since`, counted in buckets of `bucket_secs` (whole minutes),
    /// oldest first; empty buckets are left out. Read from the per-minute counts alone.
    pub async fn attempt_buckets(
        &self,
        model: &ModelRef,
        since: DateTime<Utc>,
        bucket_secs: u32,
    ) -> Result<Vec<AttemptBucket>, StoreError> {
        let bucket = i64::from(bucket_secs.max(60) / 60 * 60);
        let rows: Vec<BucketRow> = sqlx::query_as(ATTEMPT_BUCKETS)
            .bind(bucket)
            .bind(&model.provider)
            .bind(&model.model)
            .bind(since.timestamp().div_euclid(60) * 60)
            .fetch_all(&self.pool())
            .await?;
        let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        Ok(rows
            .into_iter()
            .filter_map(|(start, attempts, p, y, n, o, timed, ms)| {
                Some(AttemptBucket {
                    start: DateTime::from_timestamp(start * bucket, 0)?,
                    attempts: count(attempts),
                    failed: FailedBySide {
                        provider: count(p),
                        yours: count(y),
                        network: count(n),
                        other: count(o),
                    },
                    timed: count(timed),
                    first_text_ms: u64::try_from(ms).unwrap_or(0),
                })
            })
            .collect())
    }

    /// The attempts to `model` from `from` to `to`, oldest first, at most `limit`.
    pub async fn attempts_between(
        &self,
        model: &ModelRef,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<StoredAttempt>, StoreError> {
        let rows: Vec<AttemptRow> = sqlx::query_as(
            "SELECT at, attempt, outcome, reason_kind, http_status, side FROM attempts \
                 WHERE provider = ? AND model = ? AND at >= ? AND at <= ? ORDER BY at LIMIT ?",
        )
        .bind(&model.provider)
        .bind(&model.model)
        .bind(from)
        .bind(to)
        .bind(limit)
        .fetch_all(&self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(at, attempt, outcome, reason, status, side)| StoredAttempt {
                    at,
                    attempt: u32::try_from(attempt).unwrap_or(0),
                    // A failure stored before sides were kept counts as nobody's.
                    blame: (outcome != "answered")
                        .then(|| side.as_deref().and_then(from_word).unwrap_or(Blame::Other)),
                    outcome,
                    reason_kind: reason.as_deref().and_then(from_word),
                    http_status: status.and_then(|s| u16::try_from(s).ok()),
                },
            )
            .collect())
    }
}

/// The per-minute counts summed into buckets: the query the statistics (and their benchmark)
/// make. `?1` the bucket in seconds, `?4` the first minute.
pub(crate) const ATTEMPT_BUCKETS: &str = "SELECT minute / ?1 AS bucket, SUM(attempts), \
        SUM(provider_failed), SUM(yours_failed), SUM(network_failed), SUM(other_failed), \
        SUM(timed), SUM(first_text_ms) \
     FROM attempt_minutes WHERE provider = ?2 AND model = ?3 AND minute >= ?4 \
     GROUP BY bucket ORDER BY bucket";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::{Failure, Transport};
    use chrono::TimeZone;
    use std::time::Duration;

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 5, 9, 0, 0).unwrap() + chrono::Duration::seconds(secs)
    }

    fn record(model: &ModelRef, secs: i64, outcome: AttemptOutcome) -> AttemptRecord {
        AttemptRecord {
            model: model.clone(),
            at: at(secs),
            attempt: 1,
            outcome,
            first_text_after: None,
            identity: None,
        }
    }

    fn failed(class: FailureClass) -> AttemptOutcome {
        AttemptOutcome::Failed(Failure::new(class))
    }

    #[tokio::test]
    async fn attempts_are_counted_per_bucket_by_side_with_time_to_first_text() {
        let store = Store::in_memory().await.unwrap();
        let opus = ModelRef::new("anthropic", "claude-opus-4-7");
        let answered = |secs, ms| AttemptRecord {
            first_text_after: Some(Duration::from_millis(ms)),
            ..record(&opus, secs, AttemptOutcome::Answered)
        };
        for r in [
            answered(10, 400),
            answered(15, 600),
            record(
                &opus,
                20,
                failed(FailureClass::Reason(ReasonKind::ElevatedErrors)),
            ),
            record(
                &opus,
                30,
                failed(FailureClass::Reason(ReasonKind::RateLimited)),
            ),
            record(
                &opus,
                40,
                failed(FailureClass::NoAnswer(Transport::Connect)),
            ),
            // A broken stream's first text is not a time to first token.
            AttemptRecord {
                first_text_after: Some(Duration::from_millis(50)),
                ..record(
                    &opus,
                    70,
                    failed(FailureClass::StreamBroken(
                        crate::vocabulary::StreamBreak::Cut,
                    )),
                )
            },
            record(
                &ModelRef::new("openai", "gpt-5"),
                10,
                AttemptOutcome::Answered,
            ),
        ] {
            store.record_attempt(&r).await.unwrap();
        }
        let buckets = store.attempt_buckets(&opus, at(0), 60).await.unwrap();
        assert_eq!(
            buckets,
            [
                AttemptBucket {
                    start: at(0),
                    attempts: 5,
                    failed: FailedBySide {
                        provider: 1,
                        yours: 1,
                        network: 1,
                        other: 0
                    },
                    timed: 2,
                    first_text_ms: 1000,
                },
                AttemptBucket {
                    start: at(60),
                    attempts: 1,
                    failed: FailedBySide {
                        provider: 1,
                        ..FailedBySide::default()
                    },
                    timed: 0,
                    first_text_ms: 0,
                },
            ],
            "a rate limit is yours, no answer the network's; other models are not counted"
        );
        let hourly = store.attempt_buckets(&opus, at(0), 3600).await.unwrap();
        assert_eq!(hourly.len(), 1);
        assert_eq!((hourly[0].attempts, hourly[0].failed.total()), (6, 4));

        let kept = store
            .attempts_between(&opus, at(15), at(40), 10)
            .await
            .unwrap();
        let seen: Vec<_> = kept.iter().map(|a| (a.outcome.as_str(), a.blame)).collect();
        assert_eq!(
            seen,
            [
                ("answered", None),
                ("reason", Some(Blame::Provider)),
                ("reason", Some(Blame::Yours)),
                ("no_answer", Some(Blame::Network)),
            ]
        );
        assert_eq!(kept[1].reason_kind, Some(ReasonKind::ElevatedErrors));
    }

    #[tokio::test]
    async fn the_statistics_read_the_per_minute_counts_never_the_attempts() {
        let store = Store::in_memory().await.unwrap();
        let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "EXPLAIN QUERY PLAN {ATTEMPT_BUCKETS}"
        )))
        .bind(60)
        .bind("anthropic")
        .bind("claude-opus-4-7")
        .bind(0)
        .fetch_all(&store.pool())
        .await
        .unwrap();
        let plan: Vec<String> = plan.into_iter().map(|row| row.3).collect();
        assert!(
            plan.iter()
                .any(|step| step.starts_with("SEARCH attempt_minutes USING")
                    && step.contains("(provider=? AND model=? AND minute>?)")),
            "{plan:?}"
        );
        assert!(
            !plan
                .iter()
                .any(|step| step.contains("SCAN") || step.contains("attempts ")),
            "a million attempts would be scanned: {plan:?}"
        );
    }
}
