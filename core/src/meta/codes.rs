//! Meta's error codes (Meta reference §3.1) mapped onto chatlane's stable [`ErrorCode`]s.
//!
//! Meta asks clients to build on the `code` (with `error_data.details` for people), not on
//! the HTTP status or the deprecated `error_subcode`. Whether an answer is a refusal at all is
//! decided with the HTTP status first ([`super::response`]). Meta's list is open-ended: an
//! unknown code keeps its raw value in the error and becomes [`ErrorCode::Rejected`].

use std::time::Duration;

use crate::error::ErrorCode;

/// Meta's code for "too many messages to the same recipient" (the pair rate).
pub const PAIR_RATE_LIMIT: i64 = 131_056;

/// The wait Meta advises after a pair-rate refusal: 4^X seconds, here from X = 1 (the
/// retry policy's own backoff applies between further attempts).
pub const PAIR_RATE_RETRY_AFTER: Duration = Duration::from_secs(4);

/// The chatlane code for a Graph error carrying `code`.
pub fn classify(code: i64) -> ErrorCode {
    match code {
        // The token expired, was revoked or no longer authenticates.
        0 | 190 => ErrorCode::TokenExpired,
        // A capability or permission is missing or was removed.
        3 | 10 | 200..=299 | 131_005 => ErrorCode::PermissionDenied,
        // App, WABA, number throughput and pair rates; the account's maintenance minute.
        4 | 80_007 | 130_429 | PAIR_RATE_LIMIT | 131_057 => ErrorCode::Throttled,
        // Temporarily unavailable: the message was provably not processed.
        2 | 131_016 | 133_004 => ErrorCode::Server,
        // "Unknown error" and "invalid request or possible server error": it may have been
        // processed, so never reported as a refusal (`docs/unverified.md`).
        1 | 131_000 => ErrorCode::OutcomeUnknown,
        131_047 => ErrorCode::SessionWindowClosed,
        132_001 => ErrorCode::TemplateNotFound,
        132_000 => ErrorCode::TemplateParamsMismatch,
        132_015 | 132_016 => ErrorCode::TemplateNotApproved,
        100 | 131_009 | 135_000 => ErrorCode::InvalidParameter,
        131_008 => ErrorCode::MissingParameter,
        _ => ErrorCode::Rejected,
    }
}

/// The wait Meta advises after a refusal with `code`, when the answer names none.
pub fn advised_wait(code: i64) -> Option<Duration> {
    (code == PAIR_RATE_LIMIT).then_some(PAIR_RATE_RETRY_AFTER)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_table() {
        use ErrorCode::*;
        let rows = [
            (0, TokenExpired),
            (190, TokenExpired),
            (3, PermissionDenied),
            (10, PermissionDenied),
            (200, PermissionDenied),
            (299, PermissionDenied),
            (131_005, PermissionDenied),
            (4, Throttled),
            (80_007, Throttled),
            (130_429, Throttled),
            (131_056, Throttled),
            (131_057, Throttled),
            (2, Server),
            (131_016, Server),
            (133_004, Server),
            (1, OutcomeUnknown),
            (131_000, OutcomeUnknown),
            (131_047, SessionWindowClosed),
            (132_001, TemplateNotFound),
            (132_000, TemplateParamsMismatch),
            (132_015, TemplateNotApproved),
            (132_016, TemplateNotApproved),
            (100, InvalidParameter),
            (131_009, InvalidParameter),
            (135_000, InvalidParameter),
            (131_008, MissingParameter),
            (300, Rejected),
            (131_026, Rejected),
            (131_048, Rejected),
            (131_049, Rejected),
            (131_062, Rejected),
            (368, Rejected),
            (-1, Rejected),
        ];
        for (code, expected) in rows {
            assert_eq!(classify(code), expected, "{code}");
        }
    }

    #[test]
    fn only_the_pair_rate_comes_with_advice() {
        assert_eq!(advised_wait(131_056), Some(Duration::from_secs(4)));
        assert_eq!(advised_wait(130_429), None);
    }
}
