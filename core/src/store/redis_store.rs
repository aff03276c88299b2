//! [`RedisStore`]: the event store in Redis, shared by every process and host of a fleet
//! (fleet-limits reference §9: claim then commit).
//!
//! Each call is one optimistic transaction: the keys [`rules::admit`] reads are `WATCH`ed as
//! it reads them, what it writes is queued, and `MULTI`/`EXEC` applies it all or, when
//! another worker changed a watched key meanwhile, nothing (the call then decides again). So
//! two workers handed the same redelivery admit it once, and the rules stay the ones every
//! store shares.
//!
//! Keys (`cl:1:{ev}:…`, one hash tag so a Redis Cluster keeps a transaction on one slot):
//! `k:<dedup key>` (first seen), `claims` (hash of uncommitted events' JSON) and `claimed`
//! (their claim times), `p:<provider>:<message>` (delivery progress), `w:<provider>:<business>:
//! <user>` (last inbound), `s:<provider>:<task>` (sends) and `u:<provider>` (the unknown ones
//! by time), and the history: `h:<provider>:<business>:<message>` (an entry's JSON), indexed
//! by the sorted sets `hb:<provider>:<business>` and `hu:<provider>:<business>:<user>` (message
//! IDs by time, so a page reads only what it lists and what comes before it) and `ht` (entry
//! keys by when they were last touched, for pruning). Dedup keys, progress, windows and
//! accepted sends expire after [`DEDUP_TTL_MS`] of real time by themselves; history entries
//! only through [`EventStore::prune`], which forgets by the times the store was given, as the
//! other stores do.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use redis::{Commands, Connection, Pipeline};
use serde::{Deserialize, Serialize};

use super::history::Entry;
use super::rules::{self, Ledger, Receipt};
use super::{Admission, DEDUP_TTL_MS, EventStore, HistoryFilter, SendRecord, SendState};
use crate::error::{Error, ErrorCode};
use crate::events::{DeliveryStatus, Event};
use crate::ops::HistoryPage;
use crate::provider::ProviderKind;

/// The prefix of every key.
const PREFIX: &str = "cl:1:{ev}:";
/// How long one Redis command may take.
const TIMEOUT: Duration = Duration::from_secs(2);
/// How often a call decides again after other workers changed what it read.
const ATTEMPTS: usize = 32;
/// Keys scanned per round trip by [`EventStore::prune`].
const SCAN_BATCH: usize = 500;
/// History entries read per round trip by a page whose filter its index does not answer.
const HISTORY_BATCH: usize = 100;

/// An [`EventStore`] in Redis (see the module doc).
pub struct RedisStore {
    client: redis::Client,
    /// Opened on first use and again after any failure.
    connection: Mutex<Option<Connection>>,
    /// The URL without its password, for messages.
    shown: String,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore").field("url", &self.shown).finish_non_exhaustive()
    }
}

/// A message's delivery status and when it was recorded.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Progress {
    status: DeliveryStatus,
    updated_ms: u64,
}

/// The key of `parts` under [`PREFIX`].
fn key(parts: &[&str]) -> String {
    let mut key = String::from(PREFIX);
    key.push_str(&parts.join(":"));
    key
}

fn dedup(key_name: &str) -> String {
    key(&["k", key_name])
}

fn claims() -> String {
    key(&["claims"])
}

fn claimed() -> String {
    key(&["claimed"])
}

fn progress_key(provider: ProviderKind, message_id: &str) -> String {
    key(&["p", provider.as_str(), message_id])
}

fn window_key(provider: ProviderKind, business: &str, user: &str) -> String {
    key(&["w", provider.as_str(), business, user])
}

fn send_key(provider: ProviderKind, task_id: &str) -> String {
    key(&["s", provider.as_str(), task_id])
}

fn unknown_key(provider: ProviderKind) -> String {
    key(&["u", provider.as_str()])
}

fn entry_key(provider: ProviderKind, business: &str, message_id: &str) -> String {
    key(&["h", provider.as_str(), business, message_id])
}

fn business_index(provider: ProviderKind, business: &str) -> String {
    key(&["hb", provider.as_str(), business])
}

fn user_index(provider: ProviderKind, business: &str, user: &str) -> String {
    key(&["hu", provider.as_str(), business, user])
}

fn touched() -> String {
    key(&["ht"])
}

/// The expiry of what the store forgets by itself, in seconds.
const TTL_SECONDS: u64 = DEDUP_TTL_MS / 1000;

impl RedisStore {
    /// A store on the Redis at `url` (`redis://[:password@]host:port[/db]`, `rediss://`,
    /// `redis+unix://`); the connection opens at the first call.
    pub fn open(url: &str) -> Result<Self, Error> {
        let shown = crate::endpoint::redacted(url);
        let client = redis::Client::open(url).map_err(|_| {
            Error::new(
                ErrorCode::InvalidConfig,
                format!("event_store {shown:?} is not a redis://, rediss:// or redis+unix:// URL"),
            )
        })?;
        if url.starts_with("rediss") {
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        Ok(Self { client, connection: Mutex::new(None), shown })
    }

    /// Runs `call` on the connection (opened if needed); a failure closes it, so the next
    /// call opens a new one.
    fn with<T>(&self, call: impl FnOnce(&mut Connection) -> redis::RedisResult<T>) -> Result<T, Error> {
        let mut slot: MutexGuard<'_, Option<Connection>> =
            self.connection.lock().unwrap_or_else(PoisonError::into_inner);
        let connection = match slot.as_mut() {
            Some(connection) => connection,
            None => {
                let connection = self.client.get_connection_with_timeout(TIMEOUT).map_err(|e| self.failed(&e))?;
                connection.set_read_timeout(Some(TIMEOUT)).map_err(|e| self.failed(&e))?;
                connection.set_write_timeout(Some(TIMEOUT)).map_err(|e| self.failed(&e))?;
                slot.insert(connection)
            }
        };
        call(connection).map_err(|e| {
            *slot = None;
            self.failed(&e)
        })
    }

    /// Runs `body` as an optimistic transaction until no key it read changed meanwhile.
    fn transact<T>(&self, mut body: impl FnMut(&mut Tx<'_>) -> Result<T, Error>) -> Result<T, Error> {
        let mut outcome = Err(Error::new(ErrorCode::StoreFailed, "unreachable"));
        let decided = self.with(|connection| {
            for _ in 0..ATTEMPTS {
                let mut tx = Tx::new(connection);
                let value = match body(&mut tx) {
                    Ok(value) => value,
                    Err(error) => {
                        redis::cmd("UNWATCH").exec(tx.connection)?;
                        outcome = Err(error);
                        return Ok(true);
                    }
                };
                let applied: Option<redis::Value> = tx.pipe.query(tx.connection)?;
                if applied.is_some() {
                    outcome = Ok(value);
                    return Ok(true);
                }
            }
            Ok(false)
        })?;
        if !decided {
            return Err(Error::new(
                ErrorCode::StoreFailed,
                format!("the event store at {} changed under {ATTEMPTS} attempts in a row", self.shown),
            ));
        }
        outcome
    }

    fn failed(&self, error: &redis::RedisError) -> Error {
        Error::new(ErrorCode::StoreFailed, format!("the event store at {} failed: {error}", self.shown))
    }
}

/// One optimistic transaction: reads watch their keys, writes queue in `pipe`, and what the
/// transaction wrote so far is read back from its own overlay (a batch may hold one message's
/// statuses twice).
struct Tx<'c> {
    connection: &'c mut Connection,
    pipe: Pipeline,
    recorded: HashSet<String>,
    written: HashMap<String, Option<String>>,
}

impl<'c> Tx<'c> {
    fn new(connection: &'c mut Connection) -> Self {
        let mut pipe = redis::pipe();
        pipe.atomic();
        Self { connection, pipe, recorded: HashSet::new(), written: HashMap::new() }
    }

    /// Watches `key` and reads it as text (what this transaction wrote to it, if it did).
    fn read(&mut self, key: &str) -> Result<Option<String>, Error> {
        if let Some(value) = self.written.get(key) {
            return Ok(value.clone());
        }
        let (value,): (Option<String>,) =
            redis::pipe().cmd("WATCH").arg(key).ignore().get(key).query(self.connection).map_err(transient)?;
        Ok(value)
    }

    /// Queues `key = value`, expiring after [`TTL_SECONDS`] when `expires`.
    fn write(&mut self, key: String, value: String, expires: bool) {
        if expires {
            self.pipe.set_ex(&key, &value, TTL_SECONDS).ignore();
        } else {
            self.pipe.set(&key, &value).ignore();
        }
        self.written.insert(key, Some(value));
    }

    /// Reads a JSON value of `key`.
    fn read_json<T: for<'de> Deserialize<'de>>(&mut self, key: &str) -> Result<Option<T>, Error> {
        self.read(key)?.map(|text| from_json(key, &text)).transpose()
    }
}

impl Ledger for Tx<'_> {
    fn record(&mut self, key_name: String, event: &Event, claimed_now: bool, now_ms: u64) -> Result<bool, Error> {
        let dedup_key = dedup(&key_name);
        if !self.recorded.insert(dedup_key.clone()) || self.read(&dedup_key)?.is_some() {
            return Ok(false);
        }
        self.write(dedup_key, now_ms.to_string(), true);
        if claimed_now {
            self.pipe.hset(claims(), &key_name, to_json(event)).ignore();
            self.pipe.zadd(claimed(), &key_name, now_ms).ignore();
        }
        Ok(true)
    }

    fn progress(&mut self, provider: ProviderKind, message_id: &str) -> Result<Option<DeliveryStatus>, Error> {
        Ok(self.read_json::<Progress>(&progress_key(provider, message_id))?.map(|progress| progress.status))
    }

    fn advance(
        &mut self,
        provider: ProviderKind,
        message_id: &str,
        status: &DeliveryStatus,
        now_ms: u64,
    ) -> Result<(), Error> {
        let progress = Progress { status: status.clone(), updated_ms: now_ms };
        self.write(progress_key(provider, message_id), to_json(&progress), true);
        Ok(())
    }

    fn open_window(&mut self, provider: ProviderKind, business: &str, user: &str, at_ms: u64) -> Result<(), Error> {
        let window = window_key(provider, business, user);
        let last = self.read(&window)?.and_then(|text| text.parse::<u64>().ok());
        if last.is_none_or(|last| last < at_ms) {
            self.write(window, at_ms.to_string(), true);
        }
        Ok(())
    }

    fn accept_send(&mut self, receipt: &Receipt<'_>, now_ms: u64) -> Result<(), Error> {
        let send = send_key(receipt.provider, receipt.task_id);
        let accepted = SendState::Accepted { message_id: receipt.message_id.to_owned() };
        let record = match self.read_json::<SendRecord>(&send)? {
            Some(record) if record.state == SendState::Unknown => {
                SendRecord { state: accepted, updated_ms: now_ms, ..record }
            }
            Some(_) => return Ok(()),
            None => SendRecord {
                provider: receipt.provider,
                task_id: receipt.task_id.to_owned(),
                from: receipt.from.to_owned(),
                to: receipt.to.to_owned(),
                state: accepted,
                recorded_ms: now_ms,
                updated_ms: now_ms,
            },
        };
        self.pipe.zrem(unknown_key(receipt.provider), receipt.task_id).ignore();
        self.write(send, to_json(&record), true);
        Ok(())
    }

    fn entry(&mut self, provider: ProviderKind, business: &str, message_id: &str) -> Result<Option<Entry>, Error> {
        self.read_json(&entry_key(provider, business, message_id))
    }

    fn put_entry(&mut self, entry: &Entry) -> Result<(), Error> {
        let (provider, business, message_id) = (entry.provider, &entry.business, &entry.message_id);
        let entry_key = entry_key(provider, business, message_id);
        self.pipe.zadd(business_index(provider, business), message_id, entry.at_ms).ignore();
        for user in entry.users() {
            self.pipe.zadd(user_index(provider, business, user), message_id, entry.at_ms).ignore();
        }
        self.pipe.zadd(touched(), &entry_key, entry.touched_ms).ignore();
        self.write(entry_key, to_json(entry), false);
        Ok(())
    }
}

impl EventStore for RedisStore {
    fn admit(&self, events: &[Event], now_ms: u64) -> Result<Vec<Admission>, Error> {
        self.transact(|tx| rules::admit(tx, events, now_ms))
    }

    fn commit(&self, keys: &[String]) -> Result<(), Error> {
        if keys.is_empty() {
            return Ok(());
        }
        self.with(|connection| redis::pipe().atomic().hdel(claims(), keys).zrem(claimed(), keys).exec(connection))
    }

    fn reclaim(&self, now_ms: u64, lease_ms: u64, limit: usize) -> Result<Vec<Event>, Error> {
        let Some(cutoff) = rules::lease_cutoff(now_ms, lease_ms) else { return Ok(Vec::new()) };
        self.transact(|tx| {
            let (expired,): (Vec<String>,) = redis::pipe()
                .cmd("WATCH")
                .arg(claimed())
                .ignore()
                .zrangebyscore_limit(claimed(), "-inf", cutoff, 0, isize::try_from(limit).unwrap_or(isize::MAX))
                .query(tx.connection)
                .map_err(transient)?;
            if expired.is_empty() {
                return Ok(Vec::new());
            }
            let texts: Vec<Option<String>> =
                redis::cmd("HMGET").arg(claims()).arg(&expired).query(tx.connection).map_err(transient)?;
            let mut events = Vec::with_capacity(expired.len());
            for (key_name, text) in expired.iter().zip(texts) {
                if let Some(text) = text {
                    tx.pipe.zadd(claimed(), key_name, now_ms).ignore();
                    events.push(from_json::<Event>(key_name, &text)?);
                }
            }
            Ok(events)
        })
    }

    fn last_inbound(&self, provider: ProviderKind, business: &str, user: &str) -> Result<Option<u64>, Error> {
        let last: Option<String> = self.with(|connection| connection.get(window_key(provider, business, user)))?;
        Ok(last.and_then(|text| text.parse().ok()))
    }

    fn record_unknown(
        &self,
        provider: ProviderKind,
        task_id: &str,
        from: &str,
        to: &str,
        now_ms: u64,
    ) -> Result<(), Error> {
        self.transact(|tx| {
            let send = send_key(provider, task_id);
            if tx.read(&send)?.is_none() {
                let record = SendRecord {
                    provider,
                    task_id: task_id.to_owned(),
                    from: from.to_owned(),
                    to: to.to_owned(),
                    state: SendState::Unknown,
                    recorded_ms: now_ms,
                    updated_ms: now_ms,
                };
                tx.write(send, to_json(&record), false);
                tx.pipe.zadd(unknown_key(provider), task_id, now_ms).ignore();
            }
            Ok(())
        })
    }

    fn send(&self, provider: ProviderKind, task_id: &str) -> Result<Option<SendRecord>, Error> {
        let send = send_key(provider, task_id);
        let text: Option<String> = self.with(|connection| connection.get(&send))?;
        text.map(|text| from_json(&send, &text)).transpose()
    }

    fn transition(
        &self,
        provider: ProviderKind,
        task_id: &str,
        from: &SendState,
        to: &SendState,
        now_ms: u64,
    ) -> Result<bool, Error> {
        self.transact(|tx| {
            let send = send_key(provider, task_id);
            let Some(record) = tx.read_json::<SendRecord>(&send)? else { return Ok(false) };
            if record.state != *from {
                return Ok(false);
            }
            if *to == SendState::Unknown {
                tx.pipe.zadd(unknown_key(provider), task_id, record.recorded_ms).ignore();
            } else {
                tx.pipe.zrem(unknown_key(provider), task_id).ignore();
            }
            let expires = matches!(to, SendState::Accepted { .. });
            tx.write(send, to_json(&SendRecord { state: to.clone(), updated_ms: now_ms, ..record }), expires);
            Ok(true)
        })
    }

    fn unknown_sends(&self, provider: ProviderKind) -> Result<Vec<SendRecord>, Error> {
        let task_ids: Vec<String> = self.with(|connection| connection.zrange(unknown_key(provider), 0, -1))?;
        if task_ids.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<String> = task_ids.iter().map(|task_id| send_key(provider, task_id)).collect();
        let texts: Vec<Option<String>> = self.with(|connection| redis::cmd("MGET").arg(&keys).query(connection))?;
        let mut records: Vec<SendRecord> = Vec::with_capacity(keys.len());
        for (send, text) in keys.iter().zip(texts) {
            if let Some(text) = text {
                records.push(from_json(send, &text)?);
            }
        }
        records.sort_unstable_by(|a, b| (a.recorded_ms, &a.task_id).cmp(&(b.recorded_ms, &b.task_id)));
        Ok(records)
    }

    fn history(&self, filter: &HistoryFilter) -> Result<HistoryPage, Error> {
        let (provider, business) = (filter.provider, filter.business.as_str());
        let index = match &filter.user {
            Some(user) => user_index(provider, business, user),
            None => business_index(provider, business),
        };
        let max = filter.until_ms.map_or_else(|| "+inf".to_owned(), |until| until.to_string());
        let min = filter.since_ms.map_or_else(|| "-inf".to_owned(), |since| since.to_string());
        // An index answers the user and the time; the other filters are read entry by entry.
        let (mut position, mut skip, batch) = if filter.indexed_only() {
            (filter.offset(), 0, filter.take())
        } else {
            (0, filter.offset(), filter.take().max(HISTORY_BATCH))
        };
        let mut entries = Vec::with_capacity(filter.take());
        loop {
            let start = isize::try_from(position).unwrap_or(isize::MAX);
            let count = isize::try_from(batch).unwrap_or(isize::MAX);
            let ids: Vec<String> =
                self.with(|connection| connection.zrevrangebyscore_limit(&index, &max, &min, start, count))?;
            if ids.is_empty() {
                break;
            }
            let keys: Vec<String> = ids.iter().map(|id| entry_key(provider, business, id)).collect();
            let texts: Vec<Option<String>> = self.with(|connection| redis::cmd("MGET").arg(&keys).query(connection))?;
            for (entry_key, text) in keys.iter().zip(texts) {
                // An ID without its entry is one a prune is removing.
                let Some(text) = text else { continue };
                let entry: Entry = from_json(entry_key, &text)?;
                if !entry.matches(filter) {
                    continue;
                }
                if skip > 0 {
                    skip -= 1;
                } else {
                    entries.push(entry);
                    if entries.len() == filter.take() {
                        return Ok(filter.page_of(entries));
                    }
                }
            }
            if ids.len() < batch {
                break;
            }
            position += ids.len() as u64;
        }
        Ok(filter.page_of(entries))
    }

    fn prune(&self, before_ms: u64) -> Result<usize, Error> {
        let stale_time = |text: &str| text.parse::<u64>().is_ok_and(|ms| ms < before_ms);
        let claimed_keys: HashSet<String> = self.with(|connection| connection.hkeys(claims()))?;
        let forgotten = self.forget(&key(&["k", "*"]), |key, text| {
            stale_time(text) && !claimed_keys.contains(&key[PREFIX.len() + 2..])
        })?;
        self.forget(&key(&["w", "*"]), |_, text| stale_time(text))?;
        self.forget(&key(&["p", "*"]), |_, text| {
            serde_json::from_str::<Progress>(text).is_ok_and(|progress| progress.updated_ms < before_ms)
        })?;
        self.forget(&key(&["s", "*"]), |_, text| {
            serde_json::from_str::<SendRecord>(text)
                .is_ok_and(|send| matches!(send.state, SendState::Accepted { .. }) && send.updated_ms < before_ms)
        })?;
        self.forget_history(before_ms)?;
        Ok(forgotten)
    }
}

impl RedisStore {
    /// Deletes the history entries not touched since `before_ms`, with their index entries,
    /// a batch at a time, each batch one transaction (an entry touched meanwhile is kept).
    fn forget_history(&self, before_ms: u64) -> Result<(), Error> {
        let batch = isize::try_from(SCAN_BATCH).unwrap_or(isize::MAX);
        loop {
            let stale: Vec<String> = self.with(|connection| {
                connection.zrangebyscore_limit(touched(), "-inf", format!("({before_ms}"), 0, batch)
            })?;
            if stale.is_empty() {
                return Ok(());
            }
            self.transact(|tx| {
                for entry_key in &stale {
                    match tx.read_json::<Entry>(entry_key)? {
                        Some(entry) if entry.touched_ms >= before_ms => {
                            tx.pipe.zadd(touched(), entry_key, entry.touched_ms).ignore();
                            continue;
                        }
                        Some(entry) => {
                            let (provider, business) = (entry.provider, &entry.business);
                            tx.pipe.zrem(business_index(provider, business), &entry.message_id).ignore();
                            for user in entry.users() {
                                tx.pipe.zrem(user_index(provider, business, user), &entry.message_id).ignore();
                            }
                            tx.pipe.del(entry_key).ignore();
                        }
                        None => {}
                    }
                    tx.pipe.zrem(touched(), entry_key).ignore();
                }
                Ok(())
            })?;
        }
    }

    /// Deletes the keys matching `pattern` whose value `stale` says so; how many went.
    fn forget(&self, pattern: &str, stale: impl Fn(&str, &str) -> bool) -> Result<usize, Error> {
        let mut cursor = 0u64;
        let mut forgotten = 0;
        loop {
            let (next, keys): (u64, Vec<String>) = self.with(|connection| {
                redis::cmd("SCAN").arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(SCAN_BATCH).query(connection)
            })?;
            if !keys.is_empty() {
                let texts: Vec<Option<String>> =
                    self.with(|connection| redis::cmd("MGET").arg(&keys).query(connection))?;
                let doomed: Vec<&String> = keys
                    .iter()
                    .zip(&texts)
                    .filter(|(key, text)| text.as_deref().is_some_and(|text| stale(key, text)))
                    .map(|(key, _)| key)
                    .collect();
                if !doomed.is_empty() {
                    let deleted: usize = self.with(|connection| connection.del(&doomed))?;
                    forgotten += deleted;
                }
            }
            if next == 0 {
                return Ok(forgotten);
            }
            cursor = next;
        }
    }
}

fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("the store's records serialise")
}

fn from_json<T: for<'de> Deserialize<'de>>(key: &str, text: &str) -> Result<T, Error> {
    serde_json::from_str(text)
        .map_err(|e| Error::new(ErrorCode::StoreFailed, format!("the event store holds an unreadable {key}: {e}")))
}

/// A Redis failure inside a transaction, as the error [`RedisStore::with`] reports.
fn transient(error: redis::RedisError) -> Error {
    Error::new(ErrorCode::StoreFailed, format!("the event store failed: {error}"))
}
