//! Idle keep-alive connections, per origin, most recently used first.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::connect::Origin;
use super::connection::Connection;

/// Connections waiting for their next request. Nothing polls them while they wait, so a
/// connection the server closed is noticed (and dropped) when it is taken or returned.
pub(super) struct Pool {
    idle: Mutex<HashMap<Origin, Vec<Connection>>>,
    idle_timeout: Duration,
}

impl Pool {
    /// An empty pool that keeps connections at most `idle_timeout`.
    pub(super) fn new(idle_timeout: Duration) -> Self {
        Self { idle: Mutex::new(HashMap::new()), idle_timeout }
    }

    /// The most recently used open connection to `origin`, if any.
    pub(super) fn take(&self, origin: &Origin) -> Option<Connection> {
        loop {
            let (expired, newest) = self.lock(origin, |idle| (self.expire(idle), idle.pop()));
            drop(expired);
            let mut connection = newest?;
            if connection.is_open() {
                return Some(connection);
            }
        }
    }

    /// Keeps `connection` for the next request to `origin` if it is still open, and drops the
    /// connections to `origin` that have been idle too long.
    pub(super) fn put(&self, origin: &Origin, mut connection: Connection) {
        if !connection.is_open() {
            return;
        }
        connection.idle_since = Instant::now();
        let expired = self.lock(origin, |idle| {
            idle.push(connection);
            self.expire(idle)
        });
        drop(expired);
    }

    /// Removes the connections idle for longer than the timeout (the oldest come first).
    fn expire(&self, idle: &mut Vec<Connection>) -> Vec<Connection> {
        let now = Instant::now();
        let stale = idle.partition_point(|c| now.duration_since(c.idle_since) > self.idle_timeout);
        idle.drain(..stale).collect()
    }

    /// Runs `f` on `origin`'s idle list under the lock; callers drop connections after it.
    fn lock<T>(&self, origin: &Origin, f: impl FnOnce(&mut Vec<Connection>) -> T) -> T {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        match idle.get_mut(origin) {
            Some(list) => f(list),
            None => f(idle.entry(origin.clone()).or_default()),
        }
    }
}
