//! Time, passed in: decision code takes a [`Clock`] (or `now`) so it is tested without
//! sleeping. Only the edges read the system clock.

use chrono::{DateTime, FixedOffset, Local, NaiveDate, Offset, TimeZone, Utc};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
    /// Waits `duration` (a retry's backoff, a provider's retry-after).
    fn sleep(&self, duration: Duration) -> Sleep;
    /// The zone a person reads times in.
    fn zone(&self) -> Zone;
}

/// Where a person is: times they read are in it; times stored and sent stay UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// The machine's own zone, with its daylight-saving changes (`TZ`, `/etc/localtime`).
    System,
    Fixed(FixedOffset),
}

impl Zone {
    pub const UTC: Zone = Zone::Fixed(FixedOffset::east_opt(0).expect("zero is an offset"));

    pub fn offset_at(self, at: DateTime<Utc>) -> FixedOffset {
        match self {
            Zone::System => Local.offset_from_utc_datetime(&at.naive_utc()).fix(),
            Zone::Fixed(offset) => offset,
        }
    }

    pub fn local(self, at: DateTime<Utc>) -> DateTime<FixedOffset> {
        at.with_timezone(&self.offset_at(at))
    }
}

/// Times as a person reads them at one moment: "14:02" today, "30 Nov, 14:02" on another day,
/// in their zone. Messages are written with one of these, made from the clock's `now`.
#[derive(Debug, Clone, Copy)]
pub struct LocalTimes {
    zone: Zone,
    today: NaiveDate,
}

impl LocalTimes {
    pub fn new(zone: Zone, now: DateTime<Utc>) -> Self {
        Self {
            zone,
            today: zone.local(now).date_naive(),
        }
    }

    pub fn of(clock: &dyn Clock) -> Self {
        Self::new(clock.zone(), clock.now())
    }

    /// "14:02", or "30 Nov, 14:02" when `at` is not today.
    pub fn time(&self, at: DateTime<Utc>) -> String {
        self.written(at, "%H:%M")
    }

    /// "14:02:33", for a check due within the minute; with the date when not today.
    pub fn time_with_seconds(&self, at: DateTime<Utc>) -> String {
        self.written(at, "%H:%M:%S")
    }

    /// "30 Nov": a day, as on a strip of days.
    pub fn day(&self, at: DateTime<Utc>) -> String {
        self.zone.local(at).format("%-d %b").to_string()
    }

    pub fn zone(&self) -> Zone {
        self.zone
    }

    /// "2026-11-30 14:02 +01:00": a date and time that stand alone, as in an export.
    pub fn full(&self, at: DateTime<Utc>) -> String {
        self.zone.local(at).format("%Y-%m-%d %H:%M %:z").to_string()
    }

    fn written(&self, at: DateTime<Utc>, clock_format: &str) -> String {
        let local = self.zone.local(at);
        let clock = local.format(clock_format);
        if local.date_naive() == self.today {
            clock.to_string()
        } else {
            format!("{}, {clock}", local.format("%-d %b"))
        }
    }
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(duration))
    }

    fn zone(&self) -> Zone {
        Zone::System
    }
}

/// A clock that moves only when told — or when slept on, which returns at once after moving
/// it and noting how long was asked for: for tests.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<DateTime<Utc>>>,
    slept: Arc<Mutex<Vec<Duration>>>,
    zone: Zone,
}

impl ManualClock {
    /// A clock whose person reads UTC.
    pub fn new(start: DateTime<Utc>) -> Self {
        Self {
            now: Arc::new(Mutex::new(start)),
            slept: Arc::default(),
            zone: Zone::UTC,
        }
    }

    pub fn in_zone(mut self, zone: Zone) -> Self {
        self.zone = zone;
        self
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().expect("clock lock");
        *now += chrono::Duration::from_std(by).expect("a sane duration");
    }

    /// Every sleep asked for, in order.
    pub fn slept(&self) -> Vec<Duration> {
        self.slept.lock().expect("clock lock").clone()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().expect("clock lock")
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        self.slept.lock().expect("clock lock").push(duration);
        self.advance(duration);
        Box::pin(std::future::ready(()))
    }

    fn zone(&self) -> Zone {
        self.zone
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    #[test]
    fn a_time_is_read_in_the_persons_zone_with_the_date_when_not_today() {
        let berlin = Zone::Fixed(FixedOffset::east_opt(3600).unwrap());
        let times = LocalTimes::new(berlin, at("2026-12-01T13:00:00Z"));
        assert_eq!(times.time(at("2026-12-01T13:02:09Z")), "14:02");
        assert_eq!(
            times.time_with_seconds(at("2026-12-01T13:02:09Z")),
            "14:02:09"
        );
        // 23:30 UTC the day before is already today in Berlin…
        assert_eq!(times.time(at("2026-11-30T23:30:00Z")), "00:30");
        // …and 22:30 is not.
        assert_eq!(times.time(at("2026-11-30T22:30:00Z")), "30 Nov, 23:30");
        assert_eq!(
            times.full(at("2026-11-30T22:30:00Z")),
            "2026-11-30 23:30 +01:00"
        );
    }

    #[test]
    fn west_of_greenwich_today_ends_earlier() {
        let new_york = Zone::Fixed(FixedOffset::west_opt(5 * 3600).unwrap());
        let times = LocalTimes::new(new_york, at("2026-12-01T03:00:00Z"));
        // 03:00 UTC is still 30 November in New York.
        assert_eq!(times.time(at("2026-12-01T02:00:00Z")), "21:00");
        assert_eq!(times.time(at("2026-12-01T06:00:00Z")), "1 Dec, 01:00");
    }
}
