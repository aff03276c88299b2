//! What the receive side remembers: the `DedupStore` seam of durable, at-least-once event
//! intake (fleet-limits reference §9, "claim then commit"), the customer-service windows it
//! learns from inbound messages, the sends whose outcome is unknown until a receipt
//! resolves them, and the message history the admitted events tell (a Meta client's history:
//! Meta keeps none to ask for).
//!
//! One trait, [`EventStore`], with an in-memory implementation for tests and one process
//! ([`MemoryStore`]), an SQLite one ([`SqliteStore`], one WAL file) that survives restarts
//! and is shared by the processes of one host, and a Redis one ([`RedisStore`]) shared by a
//! fleet. All decide with the same rules (what a status supersedes, which identities an
//! inbound message opens a window for), written once. Times are passed in (milliseconds since
//! the Unix epoch), so every rule here is tested without a clock.

mod history;
mod memory;
mod redis_store;
mod rules;
mod sqlite;
#[cfg(test)]
mod tests;
mod window;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorCode};
use crate::events::Event;
use crate::ops::HistoryPage;
use crate::provider::ProviderKind;

pub use history::{HistoryFilter, RECEIVED};
pub use memory::MemoryStore;
pub use redis_store::RedisStore;
pub use sqlite::SqliteStore;
pub(crate) use window::WindowVerdict;
pub use window::{WINDOW_MS, WindowPolicy, is_open, needs_window};

/// How long a dedup key is remembered: 8 days, beyond Meta's 7 days of redelivery (Meta
/// reference §5.3). [`EventStore::prune`] forgets older keys.
pub const DEDUP_TTL_MS: u64 = 8 * 24 * 60 * 60 * 1000;

/// What [`EventStore::admit`] decided for one event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Admission {
    /// First sighting: recorded and claimed; the caller processes it, then commits its key.
    New,
    /// Its key was admitted before (processed, or claimed by a consumer that still holds it):
    /// skip it. An uncommitted claim whose consumer died comes back through
    /// [`EventStore::reclaim`], not through redelivery.
    Duplicate,
    /// A status receipt that does not move its message forward (a late `delivered` after
    /// `read`, anything after `failed`): recorded as processed and skipped.
    Superseded,
}

/// What is known of one send whose answer did not say whether it took effect.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendRecord {
    /// The provider it was sent through.
    pub provider: ProviderKind,
    /// The correlation ID the send carried (CAMS `TaskId`, Meta `biz_opaque_callback_data`).
    pub task_id: String,
    /// The business number it was sent from.
    pub from: String,
    /// The recipient.
    pub to: String,
    /// Where it stands.
    pub state: SendState,
    /// When it was recorded, in milliseconds since the Unix epoch.
    pub recorded_ms: u64,
    /// When its state last changed.
    pub updated_ms: u64,
}

/// Where a send with an unknown outcome stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SendState {
    /// Nothing proves either way: never re-send it.
    Unknown,
    /// A receipt carrying its task ID arrived: the provider took it, with this message ID.
    Accepted {
        /// The provider's message ID, from the receipt.
        #[serde(rename = "messageId")]
        message_id: String,
    },
    /// The provider's history proves it never arrived: it may be sent again, once.
    Absent,
    /// It was sent again after being proven absent (the new send's outcome is its own).
    Resent,
}

impl SendState {
    /// Its name, as every binding and the SQLite store give it: `unknown`, `accepted`,
    /// `absent` or `resent`.
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::Accepted { .. } => "accepted",
            Self::Absent => "absent",
            Self::Resent => "resent",
        }
    }

    /// The provider's message ID, once [`SendState::Accepted`].
    pub fn message_id(&self) -> Option<&str> {
        match self {
            Self::Accepted { message_id } => Some(message_id),
            _ => None,
        }
    }
}

/// The durable memory of the receive side. Every method is atomic and returns only once what
/// it wrote is durable (for the SQLite store: committed to its WAL), so a process killed at
/// any point loses no event it acknowledged.
pub trait EventStore: Send + Sync + std::fmt::Debug {
    /// Claim, the first step of claim-then-commit: records each event under its
    /// [`Event::dedup_key`] with its JSON, claimed at `now_ms`, and says what the caller must
    /// do with it, in order. A key seen before (in an earlier call or earlier in `events`) is
    /// [`Admission::Duplicate`]. A status that does not supersede the message's current
    /// delivery status ([`crate::events::DeliveryStatus::supersedes`]) is
    /// [`Admission::Superseded`] and recorded as committed. Admitting an inbound message
    /// opens its sender's window with the business number (by each of the sender's phone
    /// number and user ID, at the message's timestamp or `now_ms`); admitting a status that
    /// carries a task ID makes that send [`SendState::Accepted`] when it was
    /// [`SendState::Unknown`] or not recorded. Every new inbound message and delivery
    /// status is also kept in the history ([`EventStore::history`]): one record per provider,
    /// business number and message ID, an inbound message [`RECEIVED`] with its type and
    /// content, a sent one with the status its receipts advanced it to (a superseded receipt
    /// moves only its time, the earliest receipt's), its failure and conversation.
    fn admit(&self, events: &[Event], now_ms: u64) -> Result<Vec<Admission>, Error>;

    /// Commit, the second step: the events with these keys were processed and are not handed
    /// out again. Unknown keys are ignored.
    fn commit(&self, keys: &[String]) -> Result<(), Error>;

    /// Events admitted but not committed whose claim is older than `lease_ms` (their consumer
    /// died): claims them again at `now_ms` and returns at most `limit` of them, oldest claim
    /// first.
    fn reclaim(&self, now_ms: u64, lease_ms: u64, limit: usize) -> Result<Vec<Event>, Error>;

    /// When `user` (a phone number or a business-scoped user ID) last wrote to the business
    /// number `business` through `provider`, in milliseconds since the Unix epoch.
    fn last_inbound(&self, provider: ProviderKind, business: &str, user: &str) -> Result<Option<u64>, Error>;

    /// Records a send whose outcome is unknown ([`SendState::Unknown`]); recording the same
    /// provider and task ID again keeps the first record, so a send whose receipt came before
    /// its caller gave up stays [`SendState::Accepted`] (admitting a receipt with a task ID
    /// records its send accepted).
    fn record_unknown(
        &self,
        provider: ProviderKind,
        task_id: &str,
        from: &str,
        to: &str,
        now_ms: u64,
    ) -> Result<(), Error>;

    /// What is known of the send with this task ID, if it was recorded.
    fn send(&self, provider: ProviderKind, task_id: &str) -> Result<Option<SendRecord>, Error>;

    /// Moves a recorded send from `from` to `to` if it is still in `from` (compare and set,
    /// so two reconcilers never both re-send); whether it moved.
    fn transition(
        &self,
        provider: ProviderKind,
        task_id: &str,
        from: &SendState,
        to: &SendState,
        now_ms: u64,
    ) -> Result<bool, Error>;

    /// The recorded sends still [`SendState::Unknown`], oldest first.
    fn unknown_sends(&self, provider: ProviderKind) -> Result<Vec<SendRecord>, Error>;

    /// One page of the history recorded for `filter`'s provider and business number, newest
    /// first (then by message ID, descending); `next_page` is set when there are more.
    fn history(&self, filter: &HistoryFilter) -> Result<HistoryPage, Error>;

    /// Forgets committed dedup keys first seen before `before_ms` (and message progress,
    /// windows, accepted sends and history records not touched since); returns how many keys
    /// went. Uncommitted events and sends still unknown, absent or re-sent are kept.
    fn prune(&self, before_ms: u64) -> Result<usize, Error>;
}

/// Runs a store call off the async workers (an SQLite store may wait for another process's
/// write lock).
pub(crate) async fn blocking<T: Send + 'static>(
    call: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    tokio::task::spawn_blocking(call)
        .await
        .unwrap_or_else(|e| Err(Error::new(ErrorCode::StoreFailed, format!("the event store call failed: {e}"))))
}

/// Milliseconds since the Unix epoch, as the store's times are given.
pub(crate) fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The `event_store` option's value that keeps events in memory (not durable: for tests and
/// trials, and not shared with anything else).
pub const MEMORY_STORE: &str = ":memory:";

/// The store an `event_store` option names: [`MEMORY_STORE`], a Redis URL (`redis://`,
/// `rediss://`, `redis+unix://`: [`RedisStore`], shared by a fleet), else an SQLite file
/// (created if missing). An empty name is [`crate::ErrorCode::InvalidConfig`]; a file that
/// cannot be opened, [`crate::ErrorCode::StoreFailed`].
pub fn open(name: &str) -> Result<std::sync::Arc<dyn EventStore>, Error> {
    match name {
        MEMORY_STORE => Ok(std::sync::Arc::new(MemoryStore::new())),
        "" => Err(Error::new(crate::ErrorCode::InvalidConfig, "event_store is empty")),
        url if url.starts_with("redis://") || url.starts_with("rediss://") || url.starts_with("redis+unix://") => {
            Ok(std::sync::Arc::new(RedisStore::open(url)?))
        }
        path => Ok(std::sync::Arc::new(SqliteStore::open(path)?)),
    }
}
