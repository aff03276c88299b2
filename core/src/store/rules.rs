//! What admitting an event means, once for every store: each store gives the few reads and
//! writes of its own tables ([`Ledger`]), and [`admit`] decides with them, so that the stores
//! cannot differ in what they decide — message history included ([`Entry`]).

use super::Admission;
use super::history::{Entry, keeps_history};
use crate::error::Error;
use crate::events::{DeliveryStatus, Event, InboundEvent, StatusRank};
use crate::provider::ProviderKind;

/// The reads and writes [`admit`] needs, all inside the store's one transaction of the call.
pub(super) trait Ledger {
    /// Records `key` (with `event` when it is claimed, for [`super::EventStore::reclaim`]) as
    /// claimed at `now_ms` when `claimed`, else as committed; `false` when the key was already
    /// recorded, and then nothing changed.
    fn record(&mut self, key: String, event: &Event, claimed: bool, now_ms: u64) -> Result<bool, Error>;

    /// The delivery status recorded for this message.
    fn progress(&mut self, provider: ProviderKind, message_id: &str) -> Result<Option<DeliveryStatus>, Error>;

    /// Records `status` as this message's delivery status, at `now_ms`.
    fn advance(
        &mut self,
        provider: ProviderKind,
        message_id: &str,
        status: &DeliveryStatus,
        now_ms: u64,
    ) -> Result<(), Error>;

    /// Moves the window of `user` with `business` to `at_ms`, unless it is later already.
    fn open_window(&mut self, provider: ProviderKind, business: &str, user: &str, at_ms: u64) -> Result<(), Error>;

    /// Makes the send with this task ID accepted with `message_id` if it is still unknown,
    /// and records it accepted (from `from` to `to`) if it was not recorded: a receipt can come
    /// before its send's caller has given up and recorded the outcome unknown.
    fn accept_send(&mut self, receipt: &Receipt<'_>, now_ms: u64) -> Result<(), Error>;

    /// The history entry of this message of `business`.
    fn entry(&mut self, provider: ProviderKind, business: &str, message_id: &str) -> Result<Option<Entry>, Error>;

    /// Records `entry` as its message's history entry, in place of any before it.
    fn put_entry(&mut self, entry: &Entry) -> Result<(), Error>;
}

/// What a status receipt says of the send it is about.
pub(super) struct Receipt<'a> {
    pub provider: ProviderKind,
    pub task_id: &'a str,
    pub message_id: &'a str,
    /// The business number it was sent from.
    pub from: &'a str,
    /// Its recipient: the phone number, else the user ID (empty without either).
    pub to: &'a str,
}

/// Where a status takes its message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    /// Moves the delivery status forward: recorded as the message's status.
    Advance,
    /// Does not move it: recorded as committed and skipped.
    Stale,
    /// A separate status (`deleted`, subscriptions, unknown): leaves the delivery status alone.
    Beside,
}

/// Where `status` takes a message whose recorded delivery status is `current`.
fn step(current: Option<&DeliveryStatus>, status: &DeliveryStatus) -> Step {
    if status.rank() == StatusRank::Separate {
        return Step::Beside;
    }
    match current {
        Some(current) if !status.supersedes(current) => Step::Stale,
        _ => Step::Advance,
    }
}

/// The identities an inbound message opens a window for: its sender's phone number and user
/// ID, each when present.
fn window_users(inbound: &InboundEvent) -> impl Iterator<Item = &str> {
    [&inbound.sender.phone, &inbound.sender.user_id].into_iter().flatten().map(String::as_str)
}

/// When an inbound message opens its window: its own timestamp, else when it was admitted.
fn window_time(inbound: &InboundEvent, now_ms: u64) -> u64 {
    inbound.timestamp_ms.unwrap_or(now_ms)
}

/// [`super::EventStore::admit`] over `ledger`: what to do with each event, in order.
pub(super) fn admit(ledger: &mut impl Ledger, events: &[Event], now_ms: u64) -> Result<Vec<Admission>, Error> {
    let mut admissions = Vec::with_capacity(events.len());
    for event in events {
        let key = event.dedup_key();
        let admission = match event {
            Event::Status(status) => {
                let current = match status.status.rank() {
                    StatusRank::Separate => None,
                    _ => ledger.progress(status.provider, &status.message_id)?,
                };
                let step = step(current.as_ref(), &status.status);
                if !ledger.record(key, event, step != Step::Stale, now_ms)? {
                    Admission::Duplicate
                } else {
                    if step == Step::Advance {
                        ledger.advance(status.provider, &status.message_id, &status.status, now_ms)?;
                    }
                    if step != Step::Beside && keeps_history(status.provider) {
                        let current = ledger.entry(status.provider, &status.business.number, &status.message_id)?;
                        ledger.put_entry(&Entry::receipt(current, status, step == Step::Advance, now_ms))?;
                    }
                    if let Some(task_id) = &status.task_id {
                        let to = status.recipient.phone.as_ref().or(status.recipient.user_id.as_ref());
                        let receipt = Receipt {
                            provider: status.provider,
                            task_id,
                            message_id: &status.message_id,
                            from: &status.business.number,
                            to: to.map_or("", String::as_str),
                        };
                        ledger.accept_send(&receipt, now_ms)?;
                    }
                    if step == Step::Stale { Admission::Superseded } else { Admission::New }
                }
            }
            Event::Inbound(inbound) => {
                if ledger.record(key, event, true, now_ms)? {
                    let at_ms = window_time(inbound, now_ms);
                    for user in window_users(inbound) {
                        ledger.open_window(inbound.provider, &inbound.business.number, user, at_ms)?;
                    }
                    if keeps_history(inbound.provider) {
                        ledger.put_entry(&Entry::inbound(inbound, now_ms))?;
                    }
                    Admission::New
                } else {
                    Admission::Duplicate
                }
            }
            Event::Unsupported(_) => {
                if ledger.record(key, event, true, now_ms)? {
                    Admission::New
                } else {
                    Admission::Duplicate
                }
            }
        };
        admissions.push(admission);
    }
    Ok(admissions)
}

/// The latest claim time whose lease of `lease_ms` has run out at `now_ms` (a claim made at
/// `claimed_ms` is reclaimed once `claimed_ms + lease_ms <= now_ms`); `None` when none has.
pub(super) fn lease_cutoff(now_ms: u64, lease_ms: u64) -> Option<u64> {
    now_ms.checked_sub(lease_ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use DeliveryStatus::*;

    #[test]
    fn statuses_step_forward_only_and_separate_ones_stand_beside() {
        assert_eq!(step(None, &Delivered), Step::Advance);
        assert_eq!(step(Some(&Sent), &Read), Step::Advance);
        assert_eq!(step(Some(&Read), &Delivered), Step::Stale);
        assert_eq!(step(Some(&Read), &Read), Step::Stale);
        assert_eq!(step(Some(&Read), &Failed), Step::Advance);
        assert_eq!(step(Some(&Failed), &Played), Step::Stale);
        assert_eq!(step(Some(&Failed), &Deleted), Step::Beside);
        assert_eq!(step(None, &Other("queued".into())), Step::Beside);
    }

    #[test]
    fn leases_run_out_at_their_end() {
        assert_eq!(lease_cutoff(1_500, 500), Some(1_000));
        assert_eq!(lease_cutoff(1_500, 0), Some(1_500));
        assert_eq!(lease_cutoff(499, 500), None);
    }
}
