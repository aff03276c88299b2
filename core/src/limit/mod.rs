//! Client-side pacing below the account's QPS limit, so the server never has to throttle.
//!
//! [`RateLimiter`] is the seam: [`InProcessLimiter`] keeps GCRA state in this process and is
//! shared by every client of an account; a store shared by a fleet (e.g. Redis running the
//! same [`gcra::admit`] in a script) can implement the trait later.

pub mod gcra;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

pub use gcra::{Admission, Quota};

use crate::cams::Operation;
use crate::error::{Error, ErrorCode};
use crate::transport::BoxFuture;

/// What a quota applies to: one account (AccessKey ID) calling one operation.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LimitKey {
    /// The AccessKey ID.
    pub account: String,
    /// The operation.
    pub operation: Operation,
}

/// Takes slots under a quota, waiting asynchronously (never blocking a thread).
pub trait RateLimiter: Send + Sync + std::fmt::Debug + 'static {
    /// Takes one slot for `key`, waiting at most `max_wait` for it. When no slot is free in
    /// time, fails with [`ErrorCode::RateLimited`] and the wait it would have taken as
    /// `retry_after`, as soon as that is known. Clients of one account should share a quota.
    fn acquire<'a>(&'a self, key: &'a LimitKey, quota: Quota, max_wait: Duration) -> BoxFuture<'a, Result<(), Error>>;
}

/// How a client paces itself.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pacing {
    /// The quota for `SendChatappMessage` (`None`: no client-side pacing).
    pub send_message: Option<Quota>,
    /// The quota for `SendChatappMassMessage` (`None`: no client-side pacing).
    pub mass_message: Option<Quota>,
    /// The longest a send waits for a slot (`None`: as long as it takes; zero: fail fast).
    pub max_wait: Option<Duration>,
}

impl Default for Pacing {
    fn default() -> Self {
        Self {
            send_message: Some(Operation::SendChatappMessage.default_quota()),
            mass_message: Some(Operation::SendChatappMassMessage.default_quota()),
            max_wait: None,
        }
    }
}

impl Pacing {
    /// The quota that applies to `operation`, if it is paced.
    pub fn quota(&self, operation: Operation) -> Option<Quota> {
        match operation {
            Operation::SendChatappMessage => self.send_message,
            Operation::SendChatappMassMessage => self.mass_message,
        }
    }
}

/// GCRA state for every key in this process.
///
/// GCRA schedules slots exactly, but timers wake late, and a late waiter followed by a
/// punctual one would bunch up. So departures are also checked against a sliding window of
/// one second plus [`WINDOW_MARGIN`] holding at most `floor(per_second) + burst - 1` of them:
/// no one-second window on the wire holds more than the quota allows, and a late wake-up
/// delays only itself. (Above [`WINDOW_CAP`] per second the window is not kept; GCRA alone
/// paces.)
#[derive(Debug)]
pub struct InProcessLimiter {
    origin: Instant,
    keys: Mutex<HashMap<LimitKey, KeyState>>,
}

/// The largest sliding window of departures kept per key.
pub const WINDOW_CAP: usize = 65_536;

/// Slack added to the one-second window: it absorbs the time between the limiter letting a
/// request go and the request reaching the socket (costs at most 1 % of the rate).
pub const WINDOW_MARGIN: Duration = Duration::from_millis(10);

/// What the limiter remembers per key.
#[derive(Clone, Debug, Default)]
struct KeyState {
    /// GCRA's theoretical arrival time.
    tat: Option<Duration>,
    /// When the requests of the last second actually went, oldest first.
    recent: VecDeque<Duration>,
}

static SHARED: LazyLock<Arc<InProcessLimiter>> = LazyLock::new(|| Arc::new(InProcessLimiter::new()));

impl InProcessLimiter {
    /// A limiter with its own state (tests, or deliberately separate budgets).
    pub fn new() -> Self {
        Self { origin: Instant::now(), keys: Mutex::new(HashMap::new()) }
    }

    /// The process-wide limiter every client uses by default, so all clients of one
    /// account share its budget.
    pub fn shared() -> Arc<Self> {
        Arc::clone(&SHARED)
    }

    fn now(&self) -> Duration {
        Instant::now().saturating_duration_since(self.origin)
    }

    fn state(&self) -> std::sync::MutexGuard<'_, HashMap<LimitKey, KeyState>> {
        self.keys.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Reserves a GCRA slot.
    fn reserve(&self, key: &LimitKey, quota: &Quota, max_wait: Duration) -> Admission {
        let mut keys = self.state();
        let now = self.now();
        let state = keys.entry(key.clone()).or_default();
        let admission = gcra::admit(quota, state.tat, now, max_wait);
        if let Admission::Go { tat, .. } = admission {
            state.tat = Some(tat);
        }
        admission
    }

    /// Records a departure if the last second holds fewer than `capacity`; otherwise
    /// returns how much longer to wait.
    fn depart(&self, key: &LimitKey, capacity: usize) -> Option<Duration> {
        const WINDOW: Duration = Duration::from_secs(1).saturating_add(WINDOW_MARGIN);
        let mut keys = self.state();
        let now = self.now();
        let recent = &mut keys.entry(key.clone()).or_default().recent;
        while recent.front().is_some_and(|t| now.saturating_sub(*t) >= WINDOW) {
            recent.pop_front();
        }
        if recent.len() >= capacity {
            return recent.front().map(|oldest| *oldest + WINDOW - now);
        }
        recent.push_back(now);
        None
    }
}

impl Default for InProcessLimiter {
    fn default() -> Self {
        Self::new()
    }
}

impl RateLimiter for InProcessLimiter {
    fn acquire<'a>(&'a self, key: &'a LimitKey, quota: Quota, max_wait: Duration) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            let deadline = Instant::now().checked_add(max_wait);
            let wait = match self.reserve(key, &quota, max_wait) {
                Admission::Go { wait, .. } => wait,
                Admission::Refused { wait } => return Err(rate_limited(key, wait)),
            };
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
            if let Some(capacity) = quota.per_window() {
                while let Some(late) = self.depart(key, capacity) {
                    if deadline.is_some_and(|deadline| Instant::now() + late > deadline) {
                        return Err(rate_limited(key, late));
                    }
                    tokio::time::sleep(late).await;
                }
            }
            Ok(())
        })
    }
}

/// The error for a slot that is not free within the allowed wait.
fn rate_limited(key: &LimitKey, wait: Duration) -> Error {
    Error::new(
        ErrorCode::RateLimited,
        format!(
            "client-side rate limit: no {} slot within the allowed wait (next in {} ms); nothing was sent",
            key.operation.as_str(),
            wait.as_millis()
        ),
    )
    .with_retry_after(Some(wait))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(account: &str) -> LimitKey {
        LimitKey { account: account.to_owned(), operation: Operation::SendChatappMessage }
    }

    #[tokio::test(start_paused = true)]
    async fn waiters_are_paced_without_blocking() {
        let limiter = Arc::new(InProcessLimiter::new());
        let start = Instant::now();
        let tasks: Vec<_> = (0..5)
            .map(|_| {
                let limiter = Arc::clone(&limiter);
                tokio::spawn(async move {
                    limiter.acquire(&key("a"), Quota::per_second(10.0), Duration::MAX).await.unwrap();
                    Instant::now() - start
                })
            })
            .collect();
        let mut times = Vec::new();
        for task in tasks {
            times.push(task.await.unwrap().as_millis());
        }
        times.sort_unstable();
        assert_eq!(times, [0, 100, 200, 300, 400]);
    }

    #[tokio::test(start_paused = true)]
    async fn accounts_have_separate_budgets_and_try_mode_fails_fast() {
        let limiter = InProcessLimiter::new();
        let quota = Quota::per_second(1.0);
        limiter.acquire(&key("a"), quota, Duration::ZERO).await.unwrap();
        limiter.acquire(&key("b"), quota, Duration::ZERO).await.unwrap();
        let err = limiter.acquire(&key("a"), quota, Duration::ZERO).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::RateLimited);
        assert_eq!(err.retry_after(), Some(Duration::from_secs(1)));
        limiter.acquire(&key("a"), quota, Duration::from_secs(1) + WINDOW_MARGIN).await.unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn the_window_check_respects_the_maximum_wait() {
        let limiter = InProcessLimiter::new();
        limiter.acquire(&key("a"), Quota::per_second(100.0), Duration::ZERO).await.unwrap();
        let err = limiter.acquire(&key("a"), Quota::per_second(0.5), Duration::ZERO).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::RateLimited);
    }

    #[test]
    fn the_default_paces_sends_at_the_documented_limit() {
        assert_eq!(Pacing::default().quota(Operation::SendChatappMessage), Some(Quota::per_second(250.0)));
    }
}
