//! What an attempt's result means for its delivery and subscription: pure decisions, tested
//! without a network.

use std::time::Duration;

use app::domain::queue::{DeliveryOutcome, SubscriptionEffect};
use app::model::{AttemptErrorKind, DeliveryStatus};
use rand::Rng;

/// What came back from one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptResult {
    /// A 2xx answer.
    Success { status: u16 },
    /// Any other answer; `retry_after` from a 429 or 503.
    Status { status: u16, retry_after: Option<Duration> },
    /// No answer (never `Status`: an answer is one of the above).
    Error { kind: AttemptErrorKind },
}

/// The facts the decision depends on.
pub struct Situation<'a> {
    /// The delivery's status before this attempt.
    pub previous_status: DeliveryStatus,
    /// `scheduled`, `manual`, `replay` or `test`.
    pub trigger: &'a str,
    /// Attempts made including this one.
    pub attempts_made: i64,
    pub schedule: &'a [Duration],
    pub now_ms: i64,
    /// When the subscription's current run of failures began, if it is in one.
    pub failing_since: Option<i64>,
    pub disable_failing_after: Duration,
}

/// Up to ±20 % of jitter, so that many deliveries failing together do not retry together.
pub fn jitter(delay: Duration) -> Duration {
    if delay.is_zero() {
        return delay;
    }
    let factor = rand::thread_rng().gen_range(0.8..=1.2);
    delay.mul_f64(factor)
}

/// Decides where the delivery goes next, and what happens to its subscription.
pub fn decide(
    result: &AttemptResult,
    situation: &Situation<'_>,
    jitter: impl Fn(Duration) -> Duration,
) -> (DeliveryOutcome, SubscriptionEffect) {
    let final_failure = |status: Option<u16>| DeliveryOutcome {
        status: DeliveryStatus::Failed,
        next_attempt_at: None,
        last_status_code: status.map(i64::from),
    };
    let (status, retry_after) = match result {
        AttemptResult::Success { status } => {
            let outcome = DeliveryOutcome {
                status: DeliveryStatus::Succeeded,
                next_attempt_at: None,
                last_status_code: Some(i64::from(*status)),
            };
            return (outcome, SubscriptionEffect::Succeeded);
        }
        AttemptResult::Status { status: 410, .. } => {
            return (final_failure(Some(410)), SubscriptionEffect::Disable("gone"))
        }
        // A destination we refuse will not become acceptable by waiting.
        AttemptResult::Error { kind: AttemptErrorKind::Blocked } => {
            return (final_failure(None), SubscriptionEffect::Failed)
        }
        AttemptResult::Status { status, retry_after } => (Some(*status), *retry_after),
        AttemptResult::Error { .. } => (None, None),
    };

    let failing_for = situation.failing_since.map(|since| situation.now_ms - since);
    let limit = i64::try_from(situation.disable_failing_after.as_millis()).unwrap_or(i64::MAX);
    if failing_for.is_some_and(|failing_for| failing_for >= limit) {
        return (final_failure(status), SubscriptionEffect::Disable("failing"));
    }
    // A manual or replayed attempt of a finished delivery is one more try, not a new schedule.
    let finished = matches!(situation.previous_status, DeliveryStatus::Succeeded | DeliveryStatus::Failed);
    if situation.trigger != "scheduled" && finished {
        return (final_failure(status), SubscriptionEffect::Failed);
    }
    let index = usize::try_from(situation.attempts_made - 1).unwrap_or(usize::MAX);
    let Some(scheduled) = situation.schedule.get(index) else {
        return (final_failure(status), SubscriptionEffect::Failed);
    };
    let longest = situation.schedule.iter().max().copied().unwrap_or_default();
    let delay = match retry_after {
        Some(asked) => asked.min(longest),
        None => jitter(*scheduled),
    };
    let next = situation.now_ms + i64::try_from(delay.as_millis()).unwrap_or(i64::MAX / 2);
    let outcome = DeliveryOutcome {
        status: DeliveryStatus::Retrying,
        next_attempt_at: Some(next),
        last_status_code: status.map(i64::from),
    };
    (outcome, SubscriptionEffect::Failed)
}

/// `Retry-After` as seconds or as an HTTP date.
pub fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    httpdate::parse_http_date(value).ok().map(|at| at.duration_since(now).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEDULE: [Duration; 3] = [Duration::from_secs(5), Duration::from_secs(300), Duration::from_secs(1800)];

    fn situation(attempts_made: i64) -> Situation<'static> {
        Situation {
            previous_status: DeliveryStatus::Pending,
            trigger: "scheduled",
            attempts_made,
            schedule: &SCHEDULE,
            now_ms: 1_000_000,
            failing_since: None,
            disable_failing_after: Duration::from_secs(5 * 86400),
        }
    }

    fn no_jitter(delay: Duration) -> Duration {
        delay
    }

    #[test]
    fn success_ends_the_delivery_and_the_failing_run() {
        let (outcome, effect) = decide(&AttemptResult::Success { status: 204 }, &situation(1), no_jitter);
        assert_eq!(outcome.status, DeliveryStatus::Succeeded);
        assert_eq!(outcome.next_attempt_at, None);
        assert_eq!(effect, SubscriptionEffect::Succeeded);
    }

    #[test]
    fn failures_follow_the_schedule_then_fail() {
        let error = AttemptResult::Status { status: 500, retry_after: None };
        let (first, _) = decide(&error, &situation(1), no_jitter);
        assert_eq!((first.status, first.next_attempt_at), (DeliveryStatus::Retrying, Some(1_005_000)));
        let (third, _) = decide(&error, &situation(3), no_jitter);
        assert_eq!(third.next_attempt_at, Some(1_000_000 + 1_800_000));
        let (fourth, effect) = decide(&error, &situation(4), no_jitter);
        assert_eq!((fourth.status, fourth.next_attempt_at), (DeliveryStatus::Failed, None));
        assert_eq!(effect, SubscriptionEffect::Failed);
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_longest_delay() {
        let short = AttemptResult::Status { status: 429, retry_after: Some(Duration::from_secs(60)) };
        let long = AttemptResult::Status { status: 503, retry_after: Some(Duration::from_secs(86400)) };
        assert_eq!(decide(&short, &situation(1), no_jitter).0.next_attempt_at, Some(1_060_000));
        assert_eq!(decide(&long, &situation(1), no_jitter).0.next_attempt_at, Some(1_000_000 + 1_800_000));
    }

    #[test]
    fn gone_disables_the_subscription_and_blocked_is_not_retried() {
        let (outcome, effect) =
            decide(&AttemptResult::Status { status: 410, retry_after: None }, &situation(1), no_jitter);
        assert_eq!(outcome.status, DeliveryStatus::Failed);
        assert_eq!(effect, SubscriptionEffect::Disable("gone"));
        let (outcome, _) = decide(&AttemptResult::Error { kind: AttemptErrorKind::Blocked }, &situation(1), no_jitter);
        assert_eq!(outcome.status, DeliveryStatus::Failed);
    }

    #[test]
    fn a_subscription_failing_too_long_is_disabled() {
        let mut long_failing = situation(1);
        long_failing.failing_since = Some(1_000_000 - 5 * 86_400_000);
        let (outcome, effect) =
            decide(&AttemptResult::Error { kind: AttemptErrorKind::Timeout }, &long_failing, no_jitter);
        assert_eq!(outcome.status, DeliveryStatus::Failed);
        assert_eq!(effect, SubscriptionEffect::Disable("failing"));
    }

    #[test]
    fn a_failed_manual_attempt_of_a_finished_delivery_stays_failed() {
        let mut manual = situation(9);
        manual.trigger = "manual";
        manual.previous_status = DeliveryStatus::Failed;
        assert_eq!(
            decide(&AttemptResult::Error { kind: AttemptErrorKind::Connect }, &manual, no_jitter).0.status,
            DeliveryStatus::Failed
        );
        manual.previous_status = DeliveryStatus::Retrying;
        manual.attempts_made = 2;
        assert_eq!(
            decide(&AttemptResult::Error { kind: AttemptErrorKind::Connect }, &manual, no_jitter).0.status,
            DeliveryStatus::Retrying
        );
    }

    #[test]
    fn jitter_stays_within_twenty_percent() {
        for _ in 0..200 {
            let delay = jitter(Duration::from_secs(100));
            assert!(delay >= Duration::from_secs(80) && delay <= Duration::from_secs(120), "{delay:?}");
        }
    }

    #[test]
    fn retry_after_takes_seconds_and_dates() {
        let now = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("120", now), Some(Duration::from_secs(120)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(30)));
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
