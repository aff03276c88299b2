//! In-memory records: the ledger of accepted messages, so tests can prove what was sent
//! exactly once, and the journal of every authenticated request (CAMS's and Meta's),
//! accepted or not.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;

/// One accepted message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// The operation, e.g. `SendChatappMessage`.
    pub action: String,
    /// The `MessageId` (or, for a mass send, `GroupMessageId`) the sandbox answered with.
    pub message_id: String,
    /// The `RequestId` of the accepting answer.
    pub request_id: String,
    /// The AccessKey ID that signed the request.
    pub access_key_id: String,
    /// Every wire parameter, decoded.
    pub params: BTreeMap<String, String>,
    /// When the request arrived, in microseconds since the sandbox started.
    pub received_at_us: u64,
}

/// One authenticated request, accepted or not: the sandbox's access log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    /// The operation (Meta's messages endpoint: `meta:messages`).
    pub action: String,
    /// The `TaskId` parameter, if any.
    pub task_id: Option<String>,
    /// The `To` parameter (Meta: `to`, else `recipient`), if any.
    pub to: Option<String>,
    /// When it arrived, in microseconds since the sandbox started.
    pub received_at_us: u64,
    /// The platform `Code` answered (`OK`, an error code — Meta's as a number — or the
    /// injected fault's kind).
    pub outcome: String,
}

/// A shared, append-only list of authenticated requests (cheap to clone).
#[derive(Clone, Debug, Default)]
pub struct Journal(Arc<Mutex<Vec<Request>>>);

impl Journal {
    /// Records a request.
    pub fn record(&self, request: Request) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).push(request);
    }

    /// Every request so far, oldest first.
    pub fn requests(&self) -> Vec<Request> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Forgets every request.
    pub fn clear(&self) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }
}

/// A shared, append-only list of accepted messages (cheap to clone): CAMS's [`Entry`]s, or
/// another face's own entries (Meta's [`crate::meta::Sent`]).
#[derive(Clone, Debug)]
pub struct Ledger<E = Entry>(Arc<Mutex<Vec<E>>>);

impl<E> Default for Ledger<E> {
    fn default() -> Self {
        Self(Arc::default())
    }
}

impl<E: Clone> Ledger<E> {
    /// Records an accepted message.
    pub fn record(&self, entry: E) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).push(entry);
    }

    /// Every accepted message so far, oldest first.
    pub fn entries(&self) -> Vec<E> {
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
