//! What is safe to retry, and when: nothing is ever sent twice by chatlane's doing.
//!
//! A request is retried only when it provably had no effect: the server said it was
//! throttled (a refusal with a throttling code, a retry-after header, or HTTP 429), the
//! connection was never established, or the provider refused before processing (CAMS's 503,
//! Meta's "temporarily unavailable" codes: a `Server` error, which each provider's
//! classification gives only then — see [`crate::cams::response`], [`crate::meta::response`]). Everything else — above all a timeout or a
//! lost connection after the request was written, an unreadable 2xx and other 5xx, even
//! with a retry-after header — is surfaced, the latter as an outcome-unknown error carrying
//! the message's `TaskId`.

use std::time::Duration;

use crate::error::{Error, ErrorCode};
use crate::operation::Operation;

/// Bounds on automatic retries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1: never retry).
    pub max_attempts: u32,
    /// The backoff cap of the first retry; doubled per retry (full jitter below it).
    pub base_delay: Duration,
    /// The largest backoff between two attempts (a server's `retry-after` may exceed it).
    pub max_delay: Duration,
    /// No retry starts later than this after the first attempt.
    pub deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
            deadline: Duration::from_secs(30),
        }
    }
}

/// What to do after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Try again after this delay (with a fresh nonce and timestamp).
    RetryAfter(Duration),
    /// Surface the error.
    GiveUp,
}

/// Whether `error` proves the request had no effect, so sending it again is safe.
pub fn is_safe_to_retry(error: &Error) -> bool {
    matches!(error.code(), ErrorCode::Throttled | ErrorCode::Server | ErrorCode::Connect | ErrorCode::ConnectTimeout)
}

/// Whether a request of `operation` that failed with `error` may be made again: when it
/// provably had no effect, or, for a read ([`Operation::is_read`]), also when its answer was
/// lost, since asking again changes nothing.
pub fn is_safe_to_repeat(operation: Operation, error: &Error) -> bool {
    is_safe_to_retry(error) || (operation.is_read() && error.code() == ErrorCode::OutcomeUnknown)
}

/// Decides after attempt number `attempts` (1-based) of a request of `operation` failed with
/// `error`, `elapsed` after the first attempt started. `jitter` in `[0, 1)` scales the
/// exponential backoff (full jitter); a server's `retry-after` is honoured exactly instead.
pub fn decide(
    policy: &RetryPolicy,
    operation: Operation,
    attempts: u32,
    elapsed: Duration,
    error: &Error,
    jitter: f64,
) -> Decision {
    if attempts >= policy.max_attempts || !is_safe_to_repeat(operation, error) {
        return Decision::GiveUp;
    }
    let delay = match error.retry_after() {
        Some(server_says) => server_says,
        None => {
            let cap = policy.base_delay.saturating_mul(1 << (attempts - 1).min(20)).min(policy.max_delay);
            cap.mul_f64(jitter.clamp(0.0, 1.0))
        }
    };
    if elapsed.saturating_add(delay) > policy.deadline { Decision::GiveUp } else { Decision::RetryAfter(delay) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::PlatformDetails;

    const MS: Duration = Duration::from_millis(1);
    const SEND: Operation = Operation::SendChatappMessage;

    fn error(code: ErrorCode) -> Error {
        Error::new(code, "x")
    }

    fn http(code: ErrorCode, status: u16) -> Error {
        error(code).with_platform(PlatformDetails { http_status: Some(status), ..PlatformDetails::default() })
    }

    #[test]
    fn only_provably_unprocessed_failures_are_retried() {
        for safe in [
            error(ErrorCode::Throttled),
            error(ErrorCode::Connect),
            error(ErrorCode::ConnectTimeout),
            http(ErrorCode::Server, 503),
            http(ErrorCode::Server, 500),
        ] {
            assert!(is_safe_to_retry(&safe), "{safe}");
        }
        for unsafe_ in [
            error(ErrorCode::OutcomeUnknown),
            http(ErrorCode::OutcomeUnknown, 500),
            http(ErrorCode::OutcomeUnknown, 502).with_retry_after(Some(100 * MS)),
            error(ErrorCode::RateLimited),
            error(ErrorCode::InvalidParameter),
            error(ErrorCode::SignatureMismatch),
            error(ErrorCode::MalformedResponse),
        ] {
            assert!(!is_safe_to_retry(&unsafe_), "{unsafe_}");
        }
    }

    #[test]
    fn a_read_is_also_asked_again_when_its_answer_was_lost() {
        let read = Operation::ListChatappMessage;
        let lost = error(ErrorCode::OutcomeUnknown);
        assert!(is_safe_to_repeat(read, &lost) && !is_safe_to_repeat(SEND, &lost));
        assert!(is_safe_to_repeat(read, &error(ErrorCode::Throttled)));
        assert!(!is_safe_to_repeat(read, &error(ErrorCode::InvalidParameter)));
        assert!(matches!(
            decide(&RetryPolicy::default(), read, 1, Duration::ZERO, &lost, 0.5),
            Decision::RetryAfter(_)
        ));
        assert_eq!(decide(&RetryPolicy::default(), SEND, 1, Duration::ZERO, &lost, 0.5), Decision::GiveUp);
    }

    #[test]
    fn backoff_is_exponential_with_full_jitter_and_capped() {
        let policy = RetryPolicy { max_attempts: 10, ..RetryPolicy::default() };
        let connect = error(ErrorCode::Connect);
        assert_eq!(decide(&policy, SEND, 1, Duration::ZERO, &connect, 0.5), Decision::RetryAfter(50 * MS));
        assert_eq!(
            decide(&policy, SEND, 3, Duration::ZERO, &connect, 0.999_999),
            Decision::RetryAfter(Duration::from_nanos(399_999_600))
        );
        assert_eq!(decide(&policy, SEND, 9, Duration::ZERO, &connect, 1.0), Decision::RetryAfter(policy.max_delay));
        assert_eq!(decide(&policy, SEND, 2, Duration::ZERO, &connect, 0.0), Decision::RetryAfter(Duration::ZERO));
    }

    #[test]
    fn the_servers_retry_after_is_honoured_exactly() {
        let throttled = error(ErrorCode::Throttled).with_retry_after(Some(300 * MS));
        assert_eq!(
            decide(&RetryPolicy::default(), SEND, 1, Duration::ZERO, &throttled, 0.1),
            Decision::RetryAfter(300 * MS)
        );
    }

    #[test]
    fn attempts_and_deadline_bound_the_retries() {
        let policy = RetryPolicy { max_attempts: 3, deadline: Duration::from_secs(1), ..RetryPolicy::default() };
        let connect = error(ErrorCode::Connect);
        assert_eq!(decide(&policy, SEND, 3, Duration::ZERO, &connect, 0.5), Decision::GiveUp);
        let late = error(ErrorCode::Throttled).with_retry_after(Some(600 * MS));
        assert_eq!(decide(&policy, SEND, 1, 500 * MS, &late, 0.5), Decision::GiveUp);
        assert_eq!(decide(&policy, SEND, 1, 400 * MS, &late, 0.5), Decision::RetryAfter(600 * MS));
    }
}
