//! Resolving sends whose outcome is unknown, so that nothing is lost and nothing goes twice.
//!
//! A send that timed out or got an unreadable answer may or may not have arrived; chatlane
//! records it ([`crate::store::EventStore::record_unknown`]) and never re-sends it on its own.
//! Two things resolve it:
//! - a status receipt carrying its task ID proves it arrived (the store marks it
//!   [`crate::store::SendState::Accepted`] as it admits the receipt);
//! - the provider's history proves it absent: long enough after the send
//!   ([`ReconcilePolicy::settle_ms`]), the history of its business number holds no message to
//!   its recipient from around the time it was made ([`ReconcilePolicy::margin_ms`] either
//!   side). History has no task IDs, so any such message might be it and keeps it unknown.
//!
//! Only a send proven absent ([`crate::store::SendState::Absent`]) may go again, and only once: the store
//! moves it to [`crate::store::SendState::Resent`] by compare-and-set before the new request is made. Meta
//! keeps no history (Meta reference §6.5), so its sends resolve through receipts alone.

use crate::ops::{Direction, HistoryQuery, HistoryRecord};
use crate::store::SendRecord;

/// How history is read to prove a send absent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReconcilePolicy {
    /// How long after a send its absence from history counts as proof
    /// ([`crate::cams::unverified::HISTORY_SETTLE_MS`] by default).
    pub settle_ms: u64,
    /// How far either side of the time a send was recorded a history record may be it: the
    /// send's attempts began before it was recorded (retries, timeouts), and the provider's
    /// clock is not ours. 5 minutes by default.
    pub margin_ms: u64,
}

impl Default for ReconcilePolicy {
    fn default() -> Self {
        Self { settle_ms: crate::cams::unverified::HISTORY_SETTLE_MS, margin_ms: 5 * 60 * 1000 }
    }
}

/// What history says of one send of unknown outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// Too soon after the send for history to prove anything.
    TooEarly,
    /// Messages to the recipient from around that time, any of which may be it (their IDs).
    Candidates(Vec<String>),
    /// Nothing that could be it: it never arrived.
    Absent,
}

/// The history query that can prove `record` absent: the business number's messages to its
/// recipient within the policy's margin of when it was recorded.
pub fn history_query(record: &SendRecord, policy: &ReconcilePolicy) -> HistoryQuery {
    HistoryQuery {
        user_number: Some(record.to.clone()),
        direction: Some(Direction::Outbound),
        since_ms: Some(record.recorded_ms.saturating_sub(policy.margin_ms)),
        until_ms: Some(record.recorded_ms.saturating_add(policy.margin_ms)),
        ..HistoryQuery::new(record.from.clone())
    }
}

/// Whether, at `now_ms`, history can prove `record` absent: the policy's settle time has passed.
pub fn settled(record: &SendRecord, now_ms: u64, policy: &ReconcilePolicy) -> bool {
    now_ms >= record.recorded_ms.saturating_add(policy.settle_ms)
}

/// Judges `record` by `history` (every page of [`history_query`]'s answer) at `now_ms`. A
/// record without a readable time or direction is counted as possibly the send.
pub fn judge(record: &SendRecord, history: &[HistoryRecord], now_ms: u64, policy: &ReconcilePolicy) -> Evidence {
    if !settled(record, now_ms, policy) {
        return Evidence::TooEarly;
    }
    let (since, until) =
        (record.recorded_ms.saturating_sub(policy.margin_ms), record.recorded_ms.saturating_add(policy.margin_ms));
    let candidates: Vec<String> = history
        .iter()
        .filter(|message| message.user_number == record.to && message.business_number == record.from)
        .filter(|message| message.direction != Some(Direction::Inbound))
        .filter(|message| message.sent_at_ms.is_none_or(|at| (since..=until).contains(&at)))
        .map(|message| message.message_id.clone())
        .collect();
    if candidates.is_empty() { Evidence::Absent } else { Evidence::Candidates(candidates) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::ProviderKind;
    use crate::store::SendState;

    const MIN: u64 = 60 * 1000;
    const AT: u64 = 1_796_464_800_000;

    fn record() -> SendRecord {
        SendRecord {
            provider: ProviderKind::Cams,
            task_id: "t1".into(),
            from: "86".into(),
            to: "65".into(),
            state: SendState::Unknown,
            recorded_ms: AT,
            updated_ms: AT,
        }
    }

    fn sent(id: &str, to: &str, at: Option<u64>, direction: Option<Direction>) -> HistoryRecord {
        HistoryRecord {
            message_id: id.into(),
            direction,
            business_number: "86".into(),
            user_number: to.into(),
            channel: None,
            message_type: None,
            content: None,
            status: None,
            status_name: None,
            fail_reason: None,
            fallback: false,
            fallback_content: None,
            template_code: None,
            template_name: None,
            language: None,
            conversation_id: None,
            sent_at_ms: at,
            sent_at: None,
        }
    }

    #[test]
    fn the_query_covers_the_margin_around_the_send() {
        let query = history_query(&record(), &ReconcilePolicy::default());
        assert_eq!(query.business_number, "86");
        assert_eq!(query.user_number.as_deref(), Some("65"));
        assert_eq!(query.direction, Some(Direction::Outbound));
        assert_eq!((query.since_ms, query.until_ms), (Some(AT - 5 * MIN), Some(AT + 5 * MIN)));
        assert!(query.check().is_ok());
    }

    #[test]
    fn absence_is_proven_only_late_enough_and_with_nothing_that_could_be_it() {
        let policy = ReconcilePolicy::default();
        let later = AT + 10 * MIN;
        assert_eq!(judge(&record(), &[], AT + 10 * MIN - 1, &policy), Evidence::TooEarly);
        assert_eq!(judge(&record(), &[], later, &policy), Evidence::Absent);
        let elsewhere = [
            sent("other-user", "66", Some(AT), Some(Direction::Outbound)),
            sent("long-before", "65", Some(AT - 6 * MIN), Some(Direction::Outbound)),
            sent("their-reply", "65", Some(AT), Some(Direction::Inbound)),
        ];
        assert_eq!(judge(&record(), &elsewhere, later, &policy), Evidence::Absent);
        let maybe =
            [sent("close", "65", Some(AT + 4 * MIN), Some(Direction::Outbound)), sent("timeless", "65", None, None)];
        assert_eq!(
            judge(&record(), &maybe, later, &policy),
            Evidence::Candidates(vec!["close".into(), "timeless".into()])
        );
    }
}
