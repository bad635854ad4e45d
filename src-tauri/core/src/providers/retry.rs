//! The one retry policy, as the official SDKs do it: at most 2 retries, for 408, 409, 429,
//! ≥ 500 and connections reset; exponential backoff from 0.5 s to 8 s with jitter;
//! `x-should-retry` wins; a provider's wait above 60 s goes to the person instead.

use crate::vocabulary::ReasonKind;
use crate::vocabulary::{Failure, FailureClass, Transport};
use backon::{BackoffBuilder, ExponentialBuilder};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    pub max_retries: usize,
    pub initial_delay: Duration,
    pub max_delay: Duration,
    /// The longest provider-requested wait that is slept through.
    pub max_honoured_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_honoured_wait: Duration::from_secs(60),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    RetryAfter(Duration),
    GiveUp,
}

impl RetryPolicy {
    /// The backoff delays, one per allowed retry.
    pub fn backoff(&self) -> impl Iterator<Item = Duration> + use<> {
        ExponentialBuilder::default()
            .with_min_delay(self.initial_delay)
            .with_max_delay(self.max_delay)
            .with_factor(2.0)
            .with_max_times(self.max_retries)
            .with_jitter()
            .build()
    }

    /// Whether to try again after `failure`, given the next backoff delay (`None` once the
    /// retries are used up).
    pub fn decide(&self, failure: &Failure, backoff: Option<Duration>) -> Decision {
        let Some(backoff) = backoff else {
            return Decision::GiveUp;
        };
        if let Some(wait) = failure.retry_after
            && wait > self.max_honoured_wait
        {
            return Decision::GiveUp;
        }
        let retryable = failure.should_retry.unwrap_or(match failure.class {
            FailureClass::Reason(kind) => matches!(
                kind,
                ReasonKind::ElevatedErrors | ReasonKind::Overloaded | ReasonKind::RateLimited
            ),
            FailureClass::NoAnswer(transport) => matches!(
                transport,
                Transport::Connect | Transport::Reset | Transport::Timeout
            ),
            // Text already shown is kept; the person chooses to retry.
            FailureClass::StreamBroken(_)
            | FailureClass::RequestRejected
            | FailureClass::NotTheApi => false,
        });
        if !retryable {
            return Decision::GiveUp;
        }
        Decision::RetryAfter(
            failure
                .retry_after
                .map_or(backoff, |wait| wait.max(backoff)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::StreamBreak;

    fn failure(class: FailureClass) -> Failure {
        Failure::new(class)
    }

    const STEP: Option<Duration> = Some(Duration::from_millis(500));

    #[test]
    fn server_side_and_transient_failures_are_retried() {
        let policy = RetryPolicy::default();
        for class in [
            FailureClass::Reason(ReasonKind::ElevatedErrors),
            FailureClass::Reason(ReasonKind::Overloaded),
            FailureClass::Reason(ReasonKind::RateLimited),
            FailureClass::NoAnswer(Transport::Reset),
            FailureClass::NoAnswer(Transport::Connect),
        ] {
            assert!(
                matches!(
                    policy.decide(&failure(class), STEP),
                    Decision::RetryAfter(_)
                ),
                "{class:?} should be retried"
            );
        }
    }

    #[test]
    fn the_persons_problems_return_at_once() {
        let policy = RetryPolicy::default();
        for class in [
            FailureClass::Reason(ReasonKind::AuthFailed),
            FailureClass::Reason(ReasonKind::QuotaExhausted),
            FailureClass::Reason(ReasonKind::NotPermitted),
            FailureClass::Reason(ReasonKind::ModelRetired),
            FailureClass::RequestRejected,
            FailureClass::NoAnswer(Transport::Dns),
            FailureClass::StreamBroken(StreamBreak::Cut),
        ] {
            assert_eq!(
                policy.decide(&failure(class), STEP),
                Decision::GiveUp,
                "{class:?}"
            );
        }
    }

    #[test]
    fn provider_waits_are_honoured_up_to_a_minute() {
        let policy = RetryPolicy::default();
        let mut limited = failure(FailureClass::Reason(ReasonKind::RateLimited));
        limited.retry_after = Some(Duration::from_secs(40));
        assert_eq!(
            policy.decide(&limited, STEP),
            Decision::RetryAfter(Duration::from_secs(40))
        );
        limited.retry_after = Some(Duration::from_secs(61));
        assert_eq!(
            policy.decide(&limited, STEP),
            Decision::GiveUp,
            "a long wait goes to the person"
        );
    }

    #[test]
    fn x_should_retry_wins_and_retries_run_out() {
        let policy = RetryPolicy::default();
        let mut server = failure(FailureClass::Reason(ReasonKind::ElevatedErrors));
        server.should_retry = Some(false);
        assert_eq!(policy.decide(&server, STEP), Decision::GiveUp);
        let mut auth = failure(FailureClass::Reason(ReasonKind::AuthFailed));
        auth.should_retry = Some(true);
        assert!(matches!(
            policy.decide(&auth, STEP),
            Decision::RetryAfter(_)
        ));
        let plain = failure(FailureClass::Reason(ReasonKind::ElevatedErrors));
        assert_eq!(policy.decide(&plain, None), Decision::GiveUp);
    }

    #[test]
    fn backoff_gives_two_jittered_delays_within_bounds() {
        let delays: Vec<Duration> = RetryPolicy::default().backoff().collect();
        assert_eq!(delays.len(), 2);
        for d in &delays {
            assert!(
                *d >= Duration::from_millis(500) && *d <= Duration::from_secs(16),
                "{d:?}"
            );
        }
    }
}
