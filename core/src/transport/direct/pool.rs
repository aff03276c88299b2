//! Idle keep-alive connections, per origin, most recently used first, and the sweeper that
//! closes the stale ones while no request comes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::{Duration, Instant};

use super::connect::Origin;
use super::connection::Connection;

/// The longest a connection the server closed waits in the pool before the sweeper closes
/// it too (shorter with a short idle timeout).
const SWEEP_EVERY: Duration = Duration::from_secs(5);

/// Connections waiting for their next request. Nothing polls them while they wait: a
/// connection the server closed, or one idle too long, is dropped by the sweeper, which runs
/// only while the pool holds connections, or when a request would take it.
pub(super) struct Pool {
    idle: Mutex<Idle>,
    idle_timeout: Duration,
}

#[derive(Default)]
struct Idle {
    by_origin: HashMap<Origin, Vec<Connection>>,
    /// Whether a sweeper task is running for this pool.
    sweeping: bool,
}

impl Idle {
    /// Runs `f` on `origin`'s list (made if missing).
    fn with_list<T>(&mut self, origin: &Origin, f: impl FnOnce(&mut Vec<Connection>) -> T) -> T {
        match self.by_origin.get_mut(origin) {
            Some(list) => f(list),
            None => f(self.by_origin.entry(origin.clone()).or_default()),
        }
    }
}

impl Pool {
    /// An empty pool that keeps connections at most `idle_timeout`.
    pub(super) fn new(idle_timeout: Duration) -> Self {
        Self { idle: Mutex::new(Idle::default()), idle_timeout }
    }

    /// The most recently used open connection to `origin`, if any.
    pub(super) fn take(&self, origin: &Origin) -> Option<Connection> {
        loop {
            let (expired, newest) = self.lock().with_list(origin, |idle| (self.expire(idle), idle.pop()));
            drop(expired);
            let mut connection = newest?;
            if connection.is_open() {
                return Some(connection);
            }
        }
    }

    /// Keeps `connection` for the next request to `origin` if it is still open, and starts
    /// the sweeper if it is not running. Called from the task that used the connection, so
    /// within the tokio runtime its I/O runs on.
    pub(super) fn put(self: &Arc<Self>, origin: &Origin, mut connection: Connection) {
        if !connection.is_open() {
            return;
        }
        connection.idle_since = Instant::now();
        let mut idle = self.lock();
        idle.with_list(origin, |list| list.push(connection));
        if !idle.sweeping {
            idle.sweeping = true;
            tokio::spawn(sweeper(Arc::downgrade(self), (self.idle_timeout / 4).min(SWEEP_EVERY)));
        }
    }

    /// Drops the idle connections that expired or that the server closed; says whether any
    /// are left, and if none, that the sweeper stops (under the same lock as [`Self::put`]
    /// starting one, so a connection is never left without a sweeper). They are closed
    /// after the lock is released, as in [`Self::take`].
    fn sweep(&self) -> bool {
        let mut closing = Vec::new();
        let mut idle = self.lock();
        for list in idle.by_origin.values_mut() {
            closing.extend(self.expire(list));
            for mut connection in std::mem::take(list) {
                if connection.is_open() { list.push(connection) } else { closing.push(connection) }
            }
        }
        idle.by_origin.retain(|_, list| !list.is_empty());
        idle.sweeping = !idle.by_origin.is_empty();
        let sweeping = idle.sweeping;
        drop(idle);
        drop(closing);
        sweeping
    }

    /// Removes the connections idle for longer than the timeout (the oldest come first).
    fn expire(&self, idle: &mut Vec<Connection>) -> Vec<Connection> {
        let now = Instant::now();
        let stale = idle.partition_point(|c| now.duration_since(c.idle_since) > self.idle_timeout);
        idle.drain(..stale).collect()
    }

    /// The idle connections, locked (still usable if a panic poisoned the lock).
    fn lock(&self) -> MutexGuard<'_, Idle> {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Sweeps `pool` every `every` until it is empty or dropped.
async fn sweeper(pool: Weak<Pool>, every: Duration) {
    loop {
        tokio::time::sleep(every).await;
        match pool.upgrade() {
            Some(pool) if pool.sweep() => {}
            _ => return,
        }
    }
}
