//! The in-memory record of every accepted message, so tests can prove what was sent.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;

/// One accepted message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// The operation, e.g. `SendChatappMessage`.
    pub action: String,
    /// The `MessageId` the sandbox answered with.
    pub message_id: String,
    /// The `RequestId` of the accepting answer.
    pub request_id: String,
    /// The AccessKey ID that signed the request.
    pub access_key_id: String,
    /// Every wire parameter, decoded.
    pub params: BTreeMap<String, String>,
}

/// A shared, append-only list of accepted messages (cheap to clone).
#[derive(Clone, Debug, Default)]
pub struct Ledger(Arc<Mutex<Vec<Entry>>>);

impl Ledger {
    /// Records an accepted message.
    pub fn record(&self, entry: Entry) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).push(entry);
    }

    /// Every accepted message so far, oldest first.
    pub fn entries(&self) -> Vec<Entry> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// How many messages were accepted.
    pub fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// Whether nothing was accepted yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets every entry.
    pub fn clear(&self) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }
}
