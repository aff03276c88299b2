//! [`MemoryStore`]: the event store in plain maps behind one lock.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::history::Entry;
use super::rules::{self, Ledger, Receipt};
use super::{Admission, EventStore, HistoryFilter, SendRecord, SendState};
use crate::error::Error;
use crate::events::{DeliveryStatus, Event};
use crate::ops::HistoryPage;
use crate::provider::ProviderKind;

/// An [`EventStore`] in memory: for tests and a single process. Nothing survives the process,
/// so a redelivery after a restart is admitted again.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

/// A claimed, uncommitted event.
#[derive(Debug)]
struct Claim {
    event: Event,
    claimed_ms: u64,
}

/// A message's delivery status and when it was recorded.
#[derive(Debug)]
struct Progress {
    status: DeliveryStatus,
    updated_ms: u64,
}

#[derive(Debug, Default)]
struct State {
    /// Every recorded key, with when it was first seen.
    keys: HashMap<String, u64>,
    /// The keys not committed yet (a subset of `keys`).
    claims: HashMap<String, Claim>,
    /// By provider and message ID.
    progress: HashMap<(ProviderKind, String), Progress>,
    /// By provider, business number and user: the last inbound time.
    windows: HashMap<(ProviderKind, String, String), u64>,
    /// By provider and task ID.
    sends: HashMap<(ProviderKind, String), SendRecord>,
    /// By provider, business number and message ID.
    history: HashMap<(ProviderKind, String, String), Entry>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // Every change is made whole under the lock (nothing in it fails halfway), so a panic
        // elsewhere leaves the maps consistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Ledger for State {
    fn record(&mut self, key: String, event: &Event, claimed: bool, now_ms: u64) -> Result<bool, Error> {
        if self.keys.contains_key(&key) {
            return Ok(false);
        }
        if claimed {
            self.claims.insert(key.clone(), Claim { event: event.clone(), claimed_ms: now_ms });
        }
        self.keys.insert(key, now_ms);
        Ok(true)
    }

    fn progress(&mut self, provider: ProviderKind, message_id: &str) -> Result<Option<DeliveryStatus>, Error> {
        Ok(self.progress.get(&(provider, message_id.to_owned())).map(|progress| progress.status.clone()))
    }

    fn advance(
        &mut self,
        provider: ProviderKind,
        message_id: &str,
        status: &DeliveryStatus,
        now_ms: u64,
    ) -> Result<(), Error> {
        self.progress
            .insert((provider, message_id.to_owned()), Progress { status: status.clone(), updated_ms: now_ms });
        Ok(())
    }

    fn open_window(&mut self, provider: ProviderKind, business: &str, user: &str, at_ms: u64) -> Result<(), Error> {
        let last = self.windows.entry((provider, business.to_owned(), user.to_owned())).or_insert(at_ms);
        *last = (*last).max(at_ms);
        Ok(())
    }

    fn accept_send(&mut self, receipt: &Receipt<'_>, now_ms: u64) -> Result<(), Error> {
        let accepted = SendState::Accepted { message_id: receipt.message_id.to_owned() };
        let record = self.sends.entry((receipt.provider, receipt.task_id.to_owned())).or_insert_with(|| SendRecord {
            provider: receipt.provider,
            task_id: receipt.task_id.to_owned(),
            from: receipt.from.to_owned(),
            to: receipt.to.to_owned(),
            state: accepted.clone(),
            recorded_ms: now_ms,
            updated_ms: now_ms,
        });
        if record.state == SendState::Unknown {
            record.state = accepted;
            record.updated_ms = now_ms;
        }
        Ok(())
    }

    fn entry(&mut self, provider: ProviderKind, business: &str, message_id: &str) -> Result<Option<Entry>, Error> {
        Ok(self.history.get(&(provider, business.to_owned(), message_id.to_owned())).cloned())
    }

    fn put_entry(&mut self, entry: &Entry) -> Result<(), Error> {
        let key = (entry.provider, entry.business.clone(), entry.message_id.clone());
        self.history.insert(key, entry.clone());
        Ok(())
    }
}

impl EventStore for MemoryStore {
    fn admit(&self, events: &[Event], now_ms: u64) -> Result<Vec<Admission>, Error> {
        rules::admit(&mut *self.state(), events, now_ms)
    }

    fn commit(&self, keys: &[String]) -> Result<(), Error> {
        let mut state = self.state();
        for key in keys {
            state.claims.remove(key);
        }
        Ok(())
    }

    fn reclaim(&self, now_ms: u64, lease_ms: u64, limit: usize) -> Result<Vec<Event>, Error> {
        let Some(cutoff) = rules::lease_cutoff(now_ms, lease_ms) else { return Ok(Vec::new()) };
        let mut state = self.state();
        let mut expired: Vec<(u64, &String)> = state
            .claims
            .iter()
            .filter(|(_, claim)| claim.claimed_ms <= cutoff)
            .map(|(key, claim)| (claim.claimed_ms, key))
            .collect();
        expired.sort_unstable();
        let keys: Vec<String> = expired.into_iter().take(limit).map(|(_, key)| key.clone()).collect();
        let mut events = Vec::with_capacity(keys.len());
        for key in keys {
            if let Some(claim) = state.claims.get_mut(&key) {
                claim.claimed_ms = now_ms;
                events.push(claim.event.clone());
            }
        }
        Ok(events)
    }

    fn last_inbound(&self, provider: ProviderKind, business: &str, user: &str) -> Result<Option<u64>, Error> {
        Ok(self.state().windows.get(&(provider, business.to_owned(), user.to_owned())).copied())
    }

    fn record_unknown(
        &self,
        provider: ProviderKind,
        task_id: &str,
        from: &str,
        to: &str,
        now_ms: u64,
    ) -> Result<(), Error> {
        self.state().sends.entry((provider, task_id.to_owned())).or_insert_with(|| SendRecord {
            provider,
            task_id: task_id.to_owned(),
            from: from.to_owned(),
            to: to.to_owned(),
            state: SendState::Unknown,
            recorded_ms: now_ms,
            updated_ms: now_ms,
        });
        Ok(())
    }

    fn send(&self, provider: ProviderKind, task_id: &str) -> Result<Option<SendRecord>, Error> {
        Ok(self.state().sends.get(&(provider, task_id.to_owned())).cloned())
    }

    fn transition(
        &self,
        provider: ProviderKind,
        task_id: &str,
        from: &SendState,
        to: &SendState,
        now_ms: u64,
    ) -> Result<bool, Error> {
        let mut state = self.state();
        match state.sends.get_mut(&(provider, task_id.to_owned())) {
            Some(record) if record.state == *from => {
                record.state = to.clone();
                record.updated_ms = now_ms;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn unknown_sends(&self, provider: ProviderKind) -> Result<Vec<SendRecord>, Error> {
        let state = self.state();
        let mut unknown: Vec<SendRecord> = state
            .sends
            .values()
            .filter(|record| record.provider == provider && record.state == SendState::Unknown)
            .cloned()
            .collect();
        unknown.sort_unstable_by(|a, b| (a.recorded_ms, &a.task_id).cmp(&(b.recorded_ms, &b.task_id)));
        Ok(unknown)
    }

    fn history(&self, filter: &HistoryFilter) -> Result<HistoryPage, Error> {
        let state = self.state();
        let mut entries: Vec<&Entry> = state
            .history
            .values()
            .filter(|entry| {
                entry.provider == filter.provider && entry.business == filter.business && entry.matches(filter)
            })
            .collect();
        entries.sort_unstable_by(|a, b| Entry::newest_first(a, b));
        let offset = usize::try_from(filter.offset()).unwrap_or(usize::MAX);
        Ok(filter.page_of(entries.into_iter().skip(offset).take(filter.take()).cloned().collect()))
    }

    fn prune(&self, before_ms: u64) -> Result<usize, Error> {
        let mut state = self.state();
        let State { keys, claims, progress, windows, sends, history } = &mut *state;
        let before = keys.len();
        keys.retain(|key, first_seen_ms| *first_seen_ms >= before_ms || claims.contains_key(key));
        progress.retain(|_, progress| progress.updated_ms >= before_ms);
        windows.retain(|_, last_ms| *last_ms >= before_ms);
        sends.retain(|_, send| !matches!(send.state, SendState::Accepted { .. }) || send.updated_ms >= before_ms);
        history.retain(|_, entry| entry.touched_ms >= before_ms);
        Ok(before - keys.len())
    }
}
