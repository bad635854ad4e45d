//! One model's statistics over the last hour, day and 30 days, from its attempts counted per
//! minute: requests, failures by side, time to first text; and the 30 days as a strip, each
//! day with the episodes it saw. Pure: the counts, the episodes and `now` come in. Days and
//! hours are the person's own (their zone, daylight saving included).

use crate::clock::LocalTimes;
use crate::history::Episode;
use crate::store::{AttemptBucket, FailedBySide};
use crate::vocabulary::{AvailabilityState, ModelRef};
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Timelike, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

/// The days on the strip.
pub const DAYS: i64 = 30;

/// One stretch of time on a chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Point {
    pub start: DateTime<Utc>,
    /// Local: "14:02", "14:00", "30 Nov".
    pub label: String,
    pub requests: u32,
    pub failed: FailedBySide,
    /// The mean time to first text of the answers in it, in milliseconds.
    pub first_text_ms: Option<u32>,
}

/// One period: its totals and its points, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Period {
    pub requests: u32,
    pub failed: FailedBySide,
    pub first_text_ms: Option<u32>,
    pub points: Vec<Point>,
}

/// A day on the strip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Day {
    /// Local, "2026-11-30".
    pub date: String,
    pub label: String,
    pub requests: u32,
    pub failed: FailedBySide,
    /// The worst the model was that day, where an episode touched it.
    pub worst: Option<AvailabilityState>,
    /// The ids of the episodes that touched it, to open them.
    pub episodes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ModelStats {
    pub model: ModelRef,
    pub model_name: String,
    /// Sixty minutes, twenty-four hours, thirty days.
    pub hour: Period,
    pub day: Period,
    pub month: Period,
    pub days: Vec<Day>,
}

/// Where each point's stretch begins, oldest first; each ends where the next begins, the
/// last at `end`.
fn period(
    buckets: &[AttemptBucket],
    starts: &[DateTime<Utc>],
    end: DateTime<Utc>,
    label: impl Fn(DateTime<Utc>) -> String,
) -> Period {
    let mut points: Vec<Point> = starts
        .iter()
        .map(|&start| Point {
            start,
            label: label(start),
            requests: 0,
            failed: FailedBySide::default(),
            first_text_ms: None,
        })
        .collect();
    let mut timed = vec![(0u64, 0u64); points.len()];
    for bucket in buckets {
        if bucket.start >= end {
            continue;
        }
        let Some(i) = starts.iter().rposition(|&s| s <= bucket.start) else {
            continue;
        };
        points[i].requests += bucket.attempts;
        points[i].failed += bucket.failed;
        timed[i].0 += u64::from(bucket.timed);
        timed[i].1 += bucket.first_text_ms;
    }
    let mean = |(n, ms): (u64, u64)| (n > 0).then(|| u32::try_from(ms / n).unwrap_or(u32::MAX));
    for (point, t) in points.iter_mut().zip(&timed) {
        point.first_text_ms = mean(*t);
    }
    let total = timed
        .iter()
        .fold((0, 0), |(n, ms), (tn, tms)| (n + tn, ms + tms));
    Period {
        requests: points.iter().map(|p| p.requests).sum(),
        failed: points.iter().fold(FailedBySide::default(), |mut f, p| {
            f += p.failed;
            f
        }),
        first_text_ms: mean(total),
        points,
    }
}

/// The UTC moment a local wall-clock time falls at (the earlier, where a clock change makes
/// two; just after, where it skips it).
fn at_local(times: &LocalTimes, local: chrono::NaiveDateTime) -> DateTime<Utc> {
    let guess = Utc.from_utc_datetime(&local);
    let offset = times.zone().offset_at(guess);
    let first = Utc.from_utc_datetime(&(local - offset));
    // The offset at the moment itself, which a clock change between the two may differ from.
    let offset = times.zone().offset_at(first);
    Utc.from_utc_datetime(&(local - offset))
}

/// `minutes`: the last day's attempts per minute; `quarters`: the last 30 days' per 15
/// minutes (a zone's offset is whole quarters, so local days and hours are exact); `episodes`:
/// the model's episodes over the 30 days.
pub fn model_stats(
    model: &ModelRef,
    model_name: &str,
    minutes: &[AttemptBucket],
    quarters: &[AttemptBucket],
    episodes: &[Episode],
    now: DateTime<Utc>,
    times: &LocalTimes,
) -> ModelStats {
    let this_minute = now
        .with_second(0)
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(now);
    let end = this_minute + Duration::minutes(1);
    let hour_starts: Vec<_> = (0..60)
        .rev()
        .map(|i| this_minute - Duration::minutes(i))
        .collect();
    let local_now = times.zone().local(now).naive_local();
    let this_hour = at_local(
        times,
        local_now
            .date()
            .and_time(NaiveTime::from_hms_opt(local_now.hour(), 0, 0).expect("an hour")),
    );
    let day_starts: Vec<_> = (0..24)
        .rev()
        .map(|i| this_hour - Duration::hours(i))
        .collect();
    let today = local_now.date();
    let dates: Vec<_> = (0..DAYS).rev().map(|i| today - Duration::days(i)).collect();
    let month_starts: Vec<_> = dates
        .iter()
        .map(|d| at_local(times, d.and_time(NaiveTime::MIN)))
        .collect();
    let hour = period(minutes, &hour_starts, end, |t| times.time(t));
    let day = period(minutes, &day_starts, end, |t| times.time(t));
    let month = period(quarters, &month_starts, end, |t| times.day(t));
    let days = month
        .points
        .iter()
        .enumerate()
        .map(|(i, point)| {
            let day_end = month_starts.get(i + 1).copied().unwrap_or(end);
            let touching: Vec<&Episode> = episodes
                .iter()
                .filter(|e| e.model == *model)
                .filter(|e| e.started < day_end && e.ended.unwrap_or(now) >= point.start)
                .collect();
            Day {
                date: dates[i].format("%Y-%m-%d").to_string(),
                label: point.label.clone(),
                requests: point.requests,
                failed: point.failed,
                worst: touching
                    .iter()
                    .map(|e| e.worst)
                    .max_by_key(|s| crate::history::rank(*s)),
                episodes: touching.iter().map(|e| e.id.clone()).collect(),
            }
        })
        .collect();
    ModelStats {
        model: model.clone(),
        model_name: model_name.to_string(),
        hour,
        day,
        month,
        days,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Zone;
    use crate::vocabulary::{ReasonKind, Side};
    use chrono::FixedOffset;

    fn bucket(
        start: DateTime<Utc>,
        attempts: u32,
        provider: u32,
        timed: (u32, u64),
    ) -> AttemptBucket {
        AttemptBucket {
            start,
            attempts,
            failed: FailedBySide {
                provider,
                ..FailedBySide::default()
            },
            timed: timed.0,
            first_text_ms: timed.1,
        }
    }

    fn episode(model: &ModelRef, started: DateTime<Utc>, minutes: i64) -> Episode {
        Episode {
            id: format!("{model}@{}", started.timestamp()),
            model: model.clone(),
            started,
            ended: Some(started + Duration::minutes(minutes)),
            worst: AvailabilityState::Unavailable,
            reason_kind: ReasonKind::ElevatedErrors,
            side: Side::Provider,
            headline: "Elevated errors".into(),
            reasons: vec![ReasonKind::ElevatedErrors],
            sources: Vec::new(),
            incident_link: None,
            incident_title: None,
        }
    }

    #[test]
    fn the_hour_day_and_thirty_days_count_their_own_attempts_in_local_time() {
        // 00:30 on 1 December in UTC+5:30 is 19:00 on 30 November in UTC.
        let zone = Zone::Fixed(FixedOffset::east_opt(5 * 3600 + 1800).unwrap());
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 19, 0, 30).unwrap();
        let times = LocalTimes::new(zone, now);
        let opus = ModelRef::new("anthropic", "claude-opus-4-7");
        let minutes = [
            // Two hours ago: in the day, not in the hour.
            bucket(now - Duration::minutes(120), 4, 1, (3, 1500)),
            bucket(
                Utc.with_ymd_and_hms(2026, 11, 30, 18, 59, 0).unwrap(),
                2,
                2,
                (0, 0),
            ),
            bucket(
                Utc.with_ymd_and_hms(2026, 11, 30, 19, 0, 0).unwrap(),
                2,
                0,
                (2, 1000),
            ),
        ];
        let quarters = [
            // 18:15 UTC is 23:45 local on 30 November; 18:30 UTC is 00:00 local on 1 December.
            bucket(
                Utc.with_ymd_and_hms(2026, 11, 30, 18, 15, 0).unwrap(),
                5,
                5,
                (0, 0),
            ),
            bucket(
                Utc.with_ymd_and_hms(2026, 11, 30, 18, 30, 0).unwrap(),
                3,
                0,
                (3, 900),
            ),
            // Thirty-one days ago: off the strip.
            bucket(now - Duration::days(31), 9, 9, (0, 0)),
        ];
        let episodes = [
            episode(
                &opus,
                Utc.with_ymd_and_hms(2026, 11, 30, 18, 20, 0).unwrap(),
                20,
            ),
            episode(
                &ModelRef::new("openai", "gpt-5"),
                Utc.with_ymd_and_hms(2026, 11, 30, 18, 20, 0).unwrap(),
                20,
            ),
        ];
        let stats = model_stats(
            &opus,
            "Claude Opus 4.7",
            &minutes,
            &quarters,
            &episodes,
            now,
            &times,
        );

        assert_eq!(stats.hour.points.len(), 60);
        assert_eq!(stats.hour.requests, 4, "the last sixty minutes only");
        assert_eq!(stats.hour.failed.provider, 2);
        assert_eq!(stats.hour.first_text_ms, Some(500));
        assert_eq!(stats.hour.points.last().unwrap().label, "00:30");
        assert_eq!(stats.day.points.len(), 24);
        assert_eq!(stats.day.requests, 8);
        assert_eq!(
            stats.day.first_text_ms,
            Some(500),
            "(1500 + 1000) / 5 answers"
        );
        assert_eq!(
            stats.day.points.last().unwrap().label,
            "00:00",
            "local hours"
        );

        assert_eq!(stats.days.len(), 30);
        let today = stats.days.last().unwrap();
        assert_eq!(
            (today.date.as_str(), today.label.as_str()),
            ("2026-12-01", "1 Dec")
        );
        assert_eq!((today.requests, today.failed.provider), (3, 0));
        let yesterday = &stats.days[28];
        assert_eq!((yesterday.requests, yesterday.failed.provider), (5, 5));
        // The episode from 23:50 to 00:10 local touches both days; the other model's neither.
        for day in [today, yesterday] {
            assert_eq!(day.episodes.len(), 1, "{day:?}");
            assert_eq!(day.worst, Some(AvailabilityState::Unavailable));
        }
        assert!(
            stats.days[..28]
                .iter()
                .all(|d| d.episodes.is_empty() && d.requests == 0)
        );
        assert_eq!(
            stats.month.requests, 8,
            "thirty-one days ago is not counted"
        );
    }
}
