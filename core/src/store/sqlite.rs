//! [`SqliteStore`]: the event store in one SQLite file (WAL), durable across restarts and
//! shared by the processes of one host (fleet-limits reference §11.2).

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, Transaction, TransactionBehavior, params, params_from_iter};

use super::history::Entry;
use super::rules::{self, Ledger, Receipt};
use super::{Admission, EventStore, HistoryFilter, SendRecord, SendState};
use crate::error::{Error, ErrorCode};
use crate::events::{DeliveryStatus, Event};
use crate::ops::{Direction, HistoryPage};
use crate::provider::ProviderKind;

/// The schema this code writes, kept in `PRAGMA user_version`; a file of a later version is
/// refused rather than misread, one of an earlier version is brought up to it
/// ([`MIGRATIONS`]).
const SCHEMA_VERSION: i64 = 2;

/// What brings a file of each version to the next: `MIGRATIONS[v]` takes version `v` to
/// `v + 1` (version 0: a new file).
const MIGRATIONS: [&str; 2] = [SCHEMA, HISTORY];

/// How long a call waits for another process's write to finish before it fails.
const BUSY_TIMEOUT: Duration = Duration::from_millis(5000);

/// Version 1. Every table keyed by text is `WITHOUT ROWID`; the partial indexes serve
/// `reclaim` (claims by age), `prune` (by age) and `unknown_sends`.
const SCHEMA: &str = "
CREATE TABLE events (
    key TEXT PRIMARY KEY NOT NULL,
    json TEXT,                                  -- the event while claimed; NULL once done
    state TEXT NOT NULL CHECK (state IN ('claimed', 'done')),
    first_seen_ms INTEGER NOT NULL,
    claimed_ms INTEGER                          -- NULL once done
) WITHOUT ROWID;
CREATE INDEX events_claimed ON events (claimed_ms) WHERE state = 'claimed';
CREATE INDEX events_done ON events (first_seen_ms) WHERE state = 'done';

CREATE TABLE progress (
    provider TEXT NOT NULL,
    message_id TEXT NOT NULL,
    status TEXT NOT NULL,
    updated_ms INTEGER NOT NULL,
    PRIMARY KEY (provider, message_id)
) WITHOUT ROWID;
CREATE INDEX progress_updated ON progress (updated_ms);

CREATE TABLE windows (
    provider TEXT NOT NULL,
    business TEXT NOT NULL,
    user TEXT NOT NULL,
    last_ms INTEGER NOT NULL,
    PRIMARY KEY (provider, business, user)
) WITHOUT ROWID;
CREATE INDEX windows_last ON windows (last_ms);

CREATE TABLE sends (
    provider TEXT NOT NULL,
    task_id TEXT NOT NULL,
    sender TEXT NOT NULL,
    recipient TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('unknown', 'accepted', 'absent', 'resent')),
    message_id TEXT,                            -- with 'accepted'
    recorded_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    PRIMARY KEY (provider, task_id)
) WITHOUT ROWID;
CREATE INDEX sends_unknown ON sends (provider, recorded_ms) WHERE state = 'unknown';
";

/// Version 2: the message history, listed by business number (and user) newest first, pruned
/// by when it was last touched.
const HISTORY: &str = "
CREATE TABLE history (
    provider TEXT NOT NULL,
    business TEXT NOT NULL,
    message_id TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    phone TEXT,
    user_id TEXT,
    status TEXT,
    message_type TEXT,
    content TEXT,
    fail_reason TEXT,
    conversation_id TEXT,
    at_ms INTEGER NOT NULL,
    touched_ms INTEGER NOT NULL,
    PRIMARY KEY (provider, business, message_id)
) WITHOUT ROWID;
CREATE INDEX history_at ON history (provider, business, at_ms, message_id);
CREATE INDEX history_phone ON history (provider, business, phone, at_ms, message_id) WHERE phone IS NOT NULL;
CREATE INDEX history_user_id ON history (provider, business, user_id, at_ms, message_id) WHERE user_id IS NOT NULL;
CREATE INDEX history_touched ON history (touched_ms);
";

const ENTRY_COLUMNS: &str = "provider, business, message_id, direction, phone, user_id, status, message_type, content, \
                             fail_reason, conversation_id, at_ms, touched_ms";

const SEND_COLUMNS: &str = "provider, task_id, sender, recipient, state, message_id, recorded_ms, updated_ms";

/// An [`EventStore`] in one SQLite file: it survives restarts (claimed events not committed
/// come back through [`EventStore::reclaim`]) and the processes of one host may open the same
/// file. Each call is one transaction (writers take the write lock first, `BEGIN IMMEDIATE`,
/// and wait up to 5 s for another process's), committed to the write-ahead log before it
/// returns (`synchronous=NORMAL`: durable across a process crash, not a power cut). Keep the
/// file on a local disk, not a network file system.
#[derive(Debug)]
pub struct SqliteStore {
    connection: Mutex<Connection>,
    /// The file, for error messages.
    location: String,
}

impl SqliteStore {
    /// Opens the store in the file at `path`, creating the file and its tables if needed. A
    /// file that is not a database, or whose schema is newer than this version of chatlane
    /// knows, is refused ([`ErrorCode::StoreFailed`]).
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        let location = path.as_ref().display().to_string();
        let connection = Connection::open(path.as_ref()).map_err(sql);
        Self::set_up(connection, location)
    }

    /// A store in memory, private to this value: for tests.
    pub fn open_in_memory() -> Result<Self, Error> {
        Self::set_up(Connection::open_in_memory().map_err(sql), ":memory:".to_owned())
    }

    fn set_up(connection: Result<Connection, Error>, location: String) -> Result<Self, Error> {
        let set_up = || {
            let mut connection = connection?;
            connection.busy_timeout(BUSY_TIMEOUT).map_err(sql)?;
            // A database in memory answers "memory": only a file has a write-ahead log.
            let _mode: String =
                connection.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0)).map_err(sql)?;
            connection.pragma_update(None, "synchronous", "NORMAL").map_err(sql)?;
            connection.set_prepared_statement_cache_capacity(32);
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate).map_err(sql)?;
            let version: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0)).map_err(sql)?;
            if version > SCHEMA_VERSION {
                return Err(store_error(format!(
                    "its schema version {version} is newer than this chatlane's ({SCHEMA_VERSION}): \
                     open it with the chatlane that wrote it, or a later one"
                )));
            }
            if version < SCHEMA_VERSION {
                let from = usize::try_from(version)
                    .map_err(|_| store_error(format!("its schema version {version} is not one chatlane writes")))?;
                for migration in &MIGRATIONS[from..] {
                    tx.execute_batch(migration).map_err(sql)?;
                }
                tx.pragma_update(None, "user_version", SCHEMA_VERSION).map_err(sql)?;
            }
            tx.commit().map_err(sql)?;
            Ok(connection)
        };
        match set_up() {
            Ok(connection) => Ok(Self { connection: Mutex::new(connection), location }),
            Err(e) => Err(in_context(&location, "open", &e)),
        }
    }

    fn connection(&self) -> MutexGuard<'_, Connection> {
        // A panic under the lock dropped its transaction, which rolled back.
        self.connection.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `work` in one write transaction (`BEGIN IMMEDIATE`) and commits it; `what` names
    /// the call in errors.
    fn write<T>(&self, what: &str, work: impl FnOnce(&Transaction<'_>) -> Result<T, Error>) -> Result<T, Error> {
        let mut connection = self.connection();
        let run = || {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate).map_err(sql)?;
            let value = work(&tx)?;
            tx.commit().map_err(sql)?;
            Ok(value)
        };
        run().map_err(|e| in_context(&self.location, what, &e))
    }

    /// Runs `work`, one statement that reads; `what` names the call in errors.
    fn read<T>(&self, what: &str, work: impl FnOnce(&Connection) -> Result<T, Error>) -> Result<T, Error> {
        work(&self.connection()).map_err(|e| in_context(&self.location, what, &e))
    }
}

/// The ledger [`rules::admit`] decides with, in the transaction of one `admit`.
struct Writer<'a>(&'a Connection);

impl Ledger for Writer<'_> {
    fn record(&mut self, key: String, event: &Event, claimed: bool, now_ms: u64) -> Result<bool, Error> {
        let (json, state, claimed_ms) = if claimed {
            (Some(serde_json::to_string(event).map_err(store_error)?), "claimed", Some(to_sql(now_ms)))
        } else {
            (None, "done", None)
        };
        let inserted = self
            .0
            .prepare_cached(
                "INSERT INTO events (key, json, state, first_seen_ms, claimed_ms) VALUES (?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT DO NOTHING",
            )
            .and_then(|mut insert| insert.execute(params![key, json, state, to_sql(now_ms), claimed_ms]))
            .map_err(sql)?;
        Ok(inserted == 1)
    }

    fn progress(&mut self, provider: ProviderKind, message_id: &str) -> Result<Option<DeliveryStatus>, Error> {
        let status: Option<String> = self
            .0
            .prepare_cached("SELECT status FROM progress WHERE provider = ?1 AND message_id = ?2")
            .and_then(|mut select| {
                select.query_row(params![provider.as_str(), message_id], |row| row.get(0)).optional()
            })
            .map_err(sql)?;
        Ok(status.map(|name| DeliveryStatus::parse(&name)))
    }

    fn advance(
        &mut self,
        provider: ProviderKind,
        message_id: &str,
        status: &DeliveryStatus,
        now_ms: u64,
    ) -> Result<(), Error> {
        self.0
            .prepare_cached(
                "INSERT INTO progress (provider, message_id, status, updated_ms) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT DO UPDATE SET status = excluded.status, updated_ms = excluded.updated_ms",
            )
            .and_then(|mut upsert| {
                upsert.execute(params![provider.as_str(), message_id, status.name(), to_sql(now_ms)])
            })
            .map_err(sql)?;
        Ok(())
    }

    fn open_window(&mut self, provider: ProviderKind, business: &str, user: &str, at_ms: u64) -> Result<(), Error> {
        self.0
            .prepare_cached(
                "INSERT INTO windows (provider, business, user, last_ms) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT DO UPDATE SET last_ms = max(last_ms, excluded.last_ms)",
            )
            .and_then(|mut upsert| upsert.execute(params![provider.as_str(), business, user, to_sql(at_ms)]))
            .map_err(sql)?;
        Ok(())
    }

    fn accept_send(&mut self, receipt: &Receipt<'_>, now_ms: u64) -> Result<(), Error> {
        let Receipt { provider, task_id, message_id, from, to } = *receipt;
        self.0
            .prepare_cached(
                "INSERT INTO sends (provider, task_id, sender, recipient, state, message_id, recorded_ms, updated_ms) \
                 VALUES (?1, ?2, ?3, ?4, 'accepted', ?5, ?6, ?6) \
                 ON CONFLICT (provider, task_id) DO UPDATE SET state = 'accepted', message_id = ?5, updated_ms = ?6 \
                 WHERE state = 'unknown'",
            )
            .and_then(|mut upsert| {
                upsert.execute(params![provider.as_str(), task_id, from, to, message_id, to_sql(now_ms)])
            })
            .map_err(sql)?;
        Ok(())
    }

    fn entry(&mut self, provider: ProviderKind, business: &str, message_id: &str) -> Result<Option<Entry>, Error> {
        self.0
            .prepare_cached(&format!(
                "SELECT {ENTRY_COLUMNS} FROM history WHERE provider = ?1 AND business = ?2 AND message_id = ?3"
            ))
            .and_then(|mut select| {
                select.query_row(params![provider.as_str(), business, message_id], entry_row).optional()
            })
            .map_err(sql)?
            .transpose()
    }

    fn put_entry(&mut self, entry: &Entry) -> Result<(), Error> {
        self.0
            .prepare_cached(&format!(
                "INSERT OR REPLACE INTO history ({ENTRY_COLUMNS}) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
            ))
            .and_then(|mut upsert| {
                upsert.execute(params![
                    entry.provider.as_str(),
                    entry.business,
                    entry.message_id,
                    direction_name(entry.direction),
                    entry.phone,
                    entry.user_id,
                    entry.status,
                    entry.message_type,
                    entry.content,
                    entry.fail_reason,
                    entry.conversation_id,
                    to_sql(entry.at_ms),
                    to_sql(entry.touched_ms),
                ])
            })
            .map_err(sql)?;
        Ok(())
    }
}

impl EventStore for SqliteStore {
    fn admit(&self, events: &[Event], now_ms: u64) -> Result<Vec<Admission>, Error> {
        self.write("admit", |tx| rules::admit(&mut Writer(tx), events, now_ms))
    }

    fn commit(&self, keys: &[String]) -> Result<(), Error> {
        self.write("commit", |tx| {
            let mut update = tx
                .prepare_cached(
                    "UPDATE events SET state = 'done', json = NULL, claimed_ms = NULL \
                     WHERE key = ?1 AND state = 'claimed'",
                )
                .map_err(sql)?;
            for key in keys {
                update.execute([key]).map_err(sql)?;
            }
            Ok(())
        })
    }

    fn reclaim(&self, now_ms: u64, lease_ms: u64, limit: usize) -> Result<Vec<Event>, Error> {
        let Some(cutoff) = rules::lease_cutoff(now_ms, lease_ms) else { return Ok(Vec::new()) };
        self.write("reclaim", |tx| {
            let expired: Vec<(String, Option<String>)> = tx
                .prepare_cached(
                    "SELECT key, json FROM events WHERE state = 'claimed' AND claimed_ms <= ?1 \
                     ORDER BY claimed_ms, key LIMIT ?2",
                )
                .and_then(|mut select| {
                    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
                    select.query_map(params![to_sql(cutoff), limit], |row| Ok((row.get(0)?, row.get(1)?)))?.collect()
                })
                .map_err(sql)?;
            let mut update = tx.prepare_cached("UPDATE events SET claimed_ms = ?2 WHERE key = ?1").map_err(sql)?;
            let mut events = Vec::with_capacity(expired.len());
            for (key, json) in expired {
                let json = json.ok_or_else(|| store_error(format!("the claimed event {key} has no JSON")))?;
                let event = serde_json::from_str(&json)
                    .map_err(|e| store_error(format!("the claimed event {key} cannot be read: {e}")))?;
                update.execute(params![key, to_sql(now_ms)]).map_err(sql)?;
                events.push(event);
            }
            Ok(events)
        })
    }

    fn last_inbound(&self, provider: ProviderKind, business: &str, user: &str) -> Result<Option<u64>, Error> {
        self.read("last_inbound", |connection| {
            let last: Option<i64> = connection
                .prepare_cached("SELECT last_ms FROM windows WHERE provider = ?1 AND business = ?2 AND user = ?3")
                .and_then(|mut select| {
                    select.query_row(params![provider.as_str(), business, user], |row| row.get(0)).optional()
                })
                .map_err(sql)?;
            Ok(last.map(from_sql))
        })
    }

    fn record_unknown(
        &self,
        provider: ProviderKind,
        task_id: &str,
        from: &str,
        to: &str,
        now_ms: u64,
    ) -> Result<(), Error> {
        self.write("record_unknown", |tx| {
            tx.prepare_cached(
                "INSERT INTO sends (provider, task_id, sender, recipient, state, recorded_ms, updated_ms) \
                 VALUES (?1, ?2, ?3, ?4, 'unknown', ?5, ?5) ON CONFLICT DO NOTHING",
            )
            .and_then(|mut insert| insert.execute(params![provider.as_str(), task_id, from, to, to_sql(now_ms)]))
            .map_err(sql)?;
            Ok(())
        })
    }

    fn send(&self, provider: ProviderKind, task_id: &str) -> Result<Option<SendRecord>, Error> {
        self.read("send", |connection| {
            connection
                .prepare_cached(&format!("SELECT {SEND_COLUMNS} FROM sends WHERE provider = ?1 AND task_id = ?2"))
                .and_then(|mut select| select.query_row(params![provider.as_str(), task_id], send_row).optional())
                .map_err(sql)?
                .transpose()
        })
    }

    fn transition(
        &self,
        provider: ProviderKind,
        task_id: &str,
        from: &SendState,
        to: &SendState,
        now_ms: u64,
    ) -> Result<bool, Error> {
        let (from_state, from_message_id) = (from.name(), from.message_id());
        let (to_state, to_message_id) = (to.name(), to.message_id());
        self.write("transition", |tx| {
            let moved = tx
                .prepare_cached(
                    "UPDATE sends SET state = ?3, message_id = ?4, updated_ms = ?5 \
                     WHERE provider = ?1 AND task_id = ?2 AND state = ?6 AND message_id IS ?7",
                )
                .and_then(|mut update| {
                    update.execute(params![
                        provider.as_str(),
                        task_id,
                        to_state,
                        to_message_id,
                        to_sql(now_ms),
                        from_state,
                        from_message_id
                    ])
                })
                .map_err(sql)?;
            Ok(moved == 1)
        })
    }

    fn unknown_sends(&self, provider: ProviderKind) -> Result<Vec<SendRecord>, Error> {
        self.read("unknown_sends", |connection| {
            let rows: Vec<Result<SendRecord, Error>> = connection
                .prepare_cached(&format!(
                    "SELECT {SEND_COLUMNS} FROM sends WHERE provider = ?1 AND state = 'unknown' \
                     ORDER BY recorded_ms, task_id"
                ))
                .and_then(|mut select| select.query_map([provider.as_str()], send_row)?.collect())
                .map_err(sql)?;
            rows.into_iter().collect()
        })
    }

    fn history(&self, filter: &HistoryFilter) -> Result<HistoryPage, Error> {
        let mut query = format!("SELECT {ENTRY_COLUMNS} FROM history WHERE provider = ? AND business = ?");
        let mut values = vec![Value::from(filter.provider.as_str().to_owned()), Value::from(filter.business.clone())];
        if let Some(user) = &filter.user {
            query.push_str(" AND (phone = ? OR user_id = ?)");
            values.extend([Value::from(user.clone()), Value::from(user.clone())]);
        }
        if let Some(direction) = filter.direction {
            query.push_str(" AND direction = ?");
            values.push(Value::from(direction_name(direction).to_owned()));
        }
        if let Some(status) = &filter.status {
            query.push_str(" AND status = ?");
            values.push(Value::from(status.clone()));
        }
        if let Some(since) = filter.since_ms {
            query.push_str(" AND at_ms >= ?");
            values.push(Value::from(to_sql(since)));
        }
        if let Some(until) = filter.until_ms {
            query.push_str(" AND at_ms <= ?");
            values.push(Value::from(to_sql(until)));
        }
        query.push_str(" ORDER BY at_ms DESC, message_id DESC LIMIT ? OFFSET ?");
        let take = i64::try_from(filter.take()).unwrap_or(i64::MAX);
        values.extend([Value::from(take), Value::from(to_sql(filter.offset()))]);
        self.read("history", |connection| {
            let rows: Vec<Result<Entry, Error>> = connection
                .prepare_cached(&query)
                .and_then(|mut select| select.query_map(params_from_iter(values), entry_row)?.collect())
                .map_err(sql)?;
            Ok(filter.page_of(rows.into_iter().collect::<Result<_, _>>()?))
        })
    }

    fn prune(&self, before_ms: u64) -> Result<usize, Error> {
        let before = to_sql(before_ms);
        self.write("prune", |tx| {
            let forgotten = tx
                .execute("DELETE FROM events WHERE state = 'done' AND first_seen_ms < ?1", [before])
                .and_then(|forgotten| {
                    tx.execute("DELETE FROM progress WHERE updated_ms < ?1", [before])?;
                    tx.execute("DELETE FROM windows WHERE last_ms < ?1", [before])?;
                    tx.execute("DELETE FROM sends WHERE state = 'accepted' AND updated_ms < ?1", [before])?;
                    tx.execute("DELETE FROM history WHERE touched_ms < ?1", [before])?;
                    Ok(forgotten)
                })
                .map_err(sql)?;
            Ok(forgotten)
        })
    }
}

/// A row of [`SEND_COLUMNS`]; a value no version of the schema writes is an error.
fn send_row(row: &Row<'_>) -> rusqlite::Result<Result<SendRecord, Error>> {
    let provider: String = row.get(0)?;
    let task_id: String = row.get(1)?;
    let state: String = row.get(4)?;
    let message_id: Option<String> = row.get(5)?;
    let (from, to, recorded_ms, updated_ms) = (row.get(2)?, row.get(3)?, row.get(6)?, row.get(7)?);
    let Some(provider) = ProviderKind::ALL.into_iter().find(|kind| kind.as_str() == provider) else {
        return Ok(Err(store_error(format!("the send {task_id} has an unknown provider {provider:?}"))));
    };
    let state = match (state.as_str(), message_id) {
        ("unknown", _) => SendState::Unknown,
        ("accepted", Some(message_id)) => SendState::Accepted { message_id },
        ("absent", _) => SendState::Absent,
        ("resent", _) => SendState::Resent,
        (state, _) => return Ok(Err(store_error(format!("the send {task_id} has an unreadable state {state:?}")))),
    };
    Ok(Ok(SendRecord {
        provider,
        task_id,
        from,
        to,
        state,
        recorded_ms: from_sql(recorded_ms),
        updated_ms: from_sql(updated_ms),
    }))
}

/// A row of [`ENTRY_COLUMNS`]; a value no version of the schema writes is an error.
fn entry_row(row: &Row<'_>) -> rusqlite::Result<Result<Entry, Error>> {
    let provider: String = row.get(0)?;
    let message_id: String = row.get(2)?;
    let direction: String = row.get(3)?;
    let Some(provider) = ProviderKind::ALL.into_iter().find(|kind| kind.as_str() == provider) else {
        return Ok(Err(store_error(format!("the history of {message_id} has an unknown provider {provider:?}"))));
    };
    let direction = match direction.as_str() {
        "inbound" => Direction::Inbound,
        "outbound" => Direction::Outbound,
        other => return Ok(Err(store_error(format!("the history of {message_id} has a direction {other:?}")))),
    };
    Ok(Ok(Entry {
        provider,
        business: row.get(1)?,
        message_id,
        direction,
        phone: row.get(4)?,
        user_id: row.get(5)?,
        status: row.get(6)?,
        message_type: row.get(7)?,
        content: row.get(8)?,
        fail_reason: row.get(9)?,
        conversation_id: row.get(10)?,
        at_ms: from_sql(row.get(11)?),
        touched_ms: from_sql(row.get(12)?),
    }))
}

/// The name a direction is stored by.
const fn direction_name(direction: Direction) -> &'static str {
    match direction {
        Direction::Inbound => "inbound",
        Direction::Outbound => "outbound",
    }
}

/// Milliseconds as SQLite's integer (saturating: no time of this era comes near).
fn to_sql(ms: u64) -> i64 {
    i64::try_from(ms).unwrap_or(i64::MAX)
}

/// SQLite's integer as milliseconds (a negative one, never written, as 0).
fn from_sql(ms: i64) -> u64 {
    u64::try_from(ms).unwrap_or(0)
}

/// A failure of the store as [`ErrorCode::StoreFailed`].
fn store_error(message: impl std::fmt::Display) -> Error {
    Error::new(ErrorCode::StoreFailed, message.to_string())
}

/// A rusqlite error as [`ErrorCode::StoreFailed`].
fn sql(e: rusqlite::Error) -> Error {
    store_error(e)
}

/// `e` with the store's file and the call that failed in front.
fn in_context(location: &str, what: &str, e: &Error) -> Error {
    store_error(format!("event store {location}: {what}: {}", e.message()))
}
