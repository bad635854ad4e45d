//! When to look at a status page again: every 60 s, every 20 s while anything is wrong (an open
//! incident, a component not operational, a maintenance under way, or the page unreadable),
//! each up to 10 % sooner (jitter) so pages are not all asked in the same second. Never later:
//! a post is read within one interval of going up, whatever the jitter drew.

use chrono::{DateTime, TimeDelta, Utc};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PollSchedule {
    pub every: Duration,
    pub every_while_wrong: Duration,
    /// The largest share by which a wait is shortened: 0.1 = up to 10 % sooner.
    pub jitter: f64,
}

impl Default for PollSchedule {
    fn default() -> Self {
        Self {
            every: Duration::from_secs(60),
            every_while_wrong: Duration::from_secs(20),
            jitter: 0.10,
        }
    }
}

impl PollSchedule {
    /// The time of the next look, `now` being when the last look began. The jitter is a pure
    /// function of `jitter_seed`: give a seed that differs between providers and polls (a poll
    /// counter mixed with the provider id).
    pub fn next_poll(
        &self,
        now: DateTime<Utc>,
        anything_wrong: bool,
        jitter_seed: u64,
    ) -> DateTime<Utc> {
        let base = if anything_wrong {
            self.every_while_wrong
        } else {
            self.every
        };
        let jitter = self.jitter.clamp(0.0, 0.9);
        // In (0, 1]: a wait is shortened, never lengthened.
        let keep = 1.0 - jitter * unit(jitter_seed);
        let millis = (base.as_millis() as f64 * keep).round() as i64;
        now + TimeDelta::milliseconds(millis.max(1))
    }
}

/// [`PollSchedule::next_poll`] with the default schedule.
pub fn next_poll(now: DateTime<Utc>, anything_wrong: bool, jitter_seed: u64) -> DateTime<Utc> {
    PollSchedule::default().next_poll(now, anything_wrong, jitter_seed)
}

/// A number in [0, 1) from `seed` (SplitMix64), the same for the same seed.
fn unit(seed: u64) -> f64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-06-05T15:00:00Z".parse().unwrap()
    }

    fn wait(seed: u64, wrong: bool) -> f64 {
        (next_poll(now(), wrong, seed) - now()).as_seconds_f64()
    }

    #[test]
    fn every_minute_when_quiet_every_twenty_seconds_when_not() {
        for seed in 0..2000 {
            let quiet = wait(seed, false);
            assert!(
                (54.0..=60.0).contains(&quiet),
                "a quiet page is looked at within 60 s, at most 10 % sooner, not {quiet}"
            );
            let wrong = wait(seed, true);
            assert!(
                (18.0..=20.0).contains(&wrong),
                "a troubled page within 20 s, at most 10 % sooner, not {wrong}"
            );
        }
    }

    #[test]
    fn jitter_is_deterministic_and_spread() {
        assert_eq!(
            wait(42, false),
            wait(42, false),
            "the same seed gives the same time"
        );
        let waits: Vec<f64> = (0..2000).map(|s| wait(s, false)).collect();
        let min = waits.iter().cloned().fold(f64::MAX, f64::min);
        let max = waits.iter().cloned().fold(f64::MIN, f64::max);
        assert!(
            min < 54.5 && max > 59.5,
            "jitter should use its range: {min}..{max}"
        );
        let fixed = PollSchedule {
            jitter: 0.0,
            ..PollSchedule::default()
        };
        assert_eq!(
            fixed.next_poll(now(), false, 9),
            now() + TimeDelta::seconds(60),
            "no jitter: exactly the interval"
        );
    }
}
