//! Client-side pacing below the account's QPS limit, so the server never has to throttle.
//!
//! [`RateLimiter`] is the seam: [`InProcessLimiter`] keeps GCRA state in this process and is
//! shared by every client of an account; [`fleet::RedisLimiter`] keeps the same rule in Redis,
//! shared by every process and host of the account.
//!
//! # Whose budget
//!
//! The budget belongs to the account and the operation, not to one client: it runs at the
//! fastest quota any client of that account (the `account` option, else the first AccessKey
//! ID the client signed with) has paced that operation with in this process (250/s for `SendChatappMessage` unless configured). Every send takes a slot of
//! that budget. A client configured slower than the budget also takes a slot of its own
//! schedule first, so its rate caps only its own sends: a client at 0.1/s waits 10 s between
//! its own sends and never makes a 250/s client of the same key wait for it. Clients with
//! equal settings share one schedule. When a faster quota raises the budget, slots already
//! reserved are re-spaced at the new rate, so no one waits longer than the new rate demands.

pub mod fleet;
pub mod gcra;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

pub use gcra::{Admission, Quota};

use crate::error::{Error, ErrorCode};
use crate::operation::Operation;
use crate::transport::BoxFuture;

/// What a quota applies to: one account calling one operation (to one recipient, for a
/// budget per recipient).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LimitKey {
    /// The account: CAMS's `account` option or AccessKey ID, Meta's business number (or WABA
    /// for management calls).
    pub account: String,
    /// The operation.
    pub operation: Operation,
    /// The recipient, for a budget per business number and recipient (Meta's pair rate).
    pub recipient: Option<String>,
}

/// Takes slots under a quota, waiting asynchronously (never blocking a thread).
pub trait RateLimiter: Send + Sync + std::fmt::Debug + 'static {
    /// Takes one slot for `key` for a client paced at `quota`, waiting at most `max_wait`
    /// for it. When no slot is free in time, fails with [`ErrorCode::RateLimited`] and the
    /// wait it would have taken as `retry_after`, as soon as that is known. Clients of one
    /// account share its budget; `quota` caps the calling client's own sends (the rule of
    /// [`InProcessLimiter`] is in the module doc).
    fn acquire<'a>(&'a self, key: &'a LimitKey, quota: Quota, max_wait: Duration) -> BoxFuture<'a, Result<(), Error>>;
}

/// How a client paces itself.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pacing {
    /// The quota for sending one message (`None`: no client-side pacing): CAMS's
    /// `SendChatappMessage` per account, Meta's `WhatsappMessages` per business phone number.
    pub send_message: Option<Quota>,
    /// The quota for `SendChatappMassMessage` (`None`: no client-side pacing).
    pub mass_message: Option<Quota>,
    /// The quota per business number and recipient (`None`: none), Meta's pair rate.
    pub per_recipient: Option<Quota>,
    /// The longest a send waits for a slot (`None`: as long as it takes; zero: fail fast).
    pub max_wait: Option<Duration>,
    /// Whether the operations beyond sending are paced at their documented limits.
    pub calls: bool,
}

impl Default for Pacing {
    fn default() -> Self {
        Self {
            send_message: Some(Operation::SendChatappMessage.default_quota()),
            mass_message: Some(Operation::SendChatappMassMessage.default_quota()),
            per_recipient: None,
            max_wait: None,
            calls: true,
        }
    }
}

impl Pacing {
    /// The quota that applies to `operation`, if it is paced: the configured ones for sends,
    /// the documented limit for every other operation (unless `calls` is off).
    pub fn quota(&self, operation: Operation) -> Option<Quota> {
        match operation {
            Operation::SendChatappMessage | Operation::WhatsappMessages => self.send_message,
            Operation::SendChatappMassMessage => self.mass_message,
            other => self.calls.then(|| other.default_quota()),
        }
    }
}

/// GCRA state for every account and operation in this process (see the module doc for the
/// rule).
///
/// GCRA schedules slots exactly, but timers wake late, and a late waiter followed by a
/// punctual one would bunch up. So departures are also checked against a sliding window of
/// one second plus [`WINDOW_MARGIN`] holding at most `floor(per_second) + burst - 1` of them
/// (the account budget's quota): no one-second window on the wire holds more than the quota
/// allows, and a late wake-up delays only itself. (Above [`WINDOW_CAP`] per second the
/// window is not kept; GCRA alone paces.)
#[derive(Debug)]
pub struct InProcessLimiter {
    origin: Instant,
    keys: Mutex<HashMap<LimitKey, Budget>>,
}

/// The largest sliding window of departures kept per key.
pub const WINDOW_CAP: usize = 65_536;

/// Slack added to the one-second window: it absorbs the time between the limiter letting a
/// request go and the request reaching the socket (costs at most 1 % of the rate).
pub const WINDOW_MARGIN: Duration = Duration::from_millis(10);

/// What the limiter remembers per account and operation.
#[derive(Clone, Debug)]
struct Budget {
    /// The account's quota: the fastest any client has paced with.
    quota: Quota,
    /// GCRA's theoretical arrival time under `quota`.
    tat: Option<Duration>,
    /// When the requests of the last second actually went, oldest first.
    recent: VecDeque<Duration>,
    /// The schedules of clients slower than `quota`: their quota and GCRA's TAT.
    caps: Vec<(Quota, Option<Duration>)>,
}

impl Budget {
    fn new(quota: Quota) -> Self {
        Self { quota, tat: None, recent: VecDeque::new(), caps: Vec::new() }
    }

    /// Raises the budget to `quota` if that is faster: the slots already reserved are
    /// re-spaced at the new rate, and the clients at the old quota keep its schedule so far
    /// as their own (from now on they are capped).
    fn raise(&mut self, quota: &Quota, now: Duration) {
        let faster = quota.per_second > self.quota.per_second
            || (quota.per_second == self.quota.per_second && quota.burst > self.quota.burst);
        if faster {
            self.caps.push((self.quota, self.tat));
            self.tat = self.tat.map(|tat| gcra::respace(tat, now, &self.quota, quota));
            self.quota = *quota;
        }
    }

    /// Reserves a slot of the account's budget.
    fn admit(&mut self, now: Duration, max_wait: Duration) -> Admission {
        let admission = gcra::admit(&self.quota, self.tat, now, max_wait);
        if let Admission::Go { tat, .. } = admission {
            self.tat = Some(tat);
        }
        admission
    }

    /// Reserves a slot of the schedule of clients paced at `quota`.
    fn admit_capped(&mut self, quota: &Quota, now: Duration, max_wait: Duration) -> Admission {
        let index = match self.caps.iter().position(|(cap, _)| cap == quota) {
            Some(index) => index,
            None => {
                self.caps.push((*quota, None));
                self.caps.len() - 1
            }
        };
        let (quota, tat) = &mut self.caps[index];
        let admission = gcra::admit(quota, *tat, now, max_wait);
        if let Admission::Go { tat: next, .. } = admission {
            *tat = Some(next);
        }
        admission
    }
}

/// The first slot a send takes: the account's, or (for a client slower than the account)
/// its own schedule's, after which it takes the account's.
enum Slot {
    /// A slot of the account's budget: the send goes after its wait.
    Account(Admission),
    /// A slot of the client's own schedule: after its wait, the send takes an account slot.
    Capped(Admission),
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

    /// Runs `f` on the budget of `key` (made at `quota` on first use), with the time.
    fn with_budget<R>(&self, key: &LimitKey, quota: &Quota, f: impl FnOnce(&mut Budget, Duration) -> R) -> R {
        let mut keys = self.keys.lock().unwrap_or_else(PoisonError::into_inner);
        let now = self.now();
        let budget = match keys.get_mut(key) {
            Some(budget) => budget,
            None => keys.entry(key.clone()).or_insert_with(|| Budget::new(*quota)),
        };
        f(budget, now)
    }

    /// Raises the budget to `quota` if faster, then reserves the first slot: the account's
    /// if `quota` is the budget's, else one of the schedule of clients at `quota`.
    fn reserve_first(&self, key: &LimitKey, quota: &Quota, max_wait: Duration) -> Slot {
        self.with_budget(key, quota, |budget, now| {
            budget.raise(quota, now);
            if budget.quota == *quota {
                Slot::Account(budget.admit(now, max_wait))
            } else {
                Slot::Capped(budget.admit_capped(quota, now, max_wait))
            }
        })
    }

    /// Reserves a slot of the account's budget.
    fn reserve_account(&self, key: &LimitKey, quota: &Quota, max_wait: Duration) -> Admission {
        self.with_budget(key, quota, |budget, now| budget.admit(now, max_wait))
    }

    /// Records a departure if the last second holds fewer than the budget allows; otherwise
    /// returns how much longer to wait.
    fn depart(&self, key: &LimitKey, quota: &Quota) -> Option<Duration> {
        const WINDOW: Duration = Duration::from_secs(1).saturating_add(WINDOW_MARGIN);
        self.with_budget(key, quota, |budget, now| {
            let capacity = budget.quota.per_window()?;
            let recent = &mut budget.recent;
            while recent.front().is_some_and(|t| now.saturating_sub(*t) >= WINDOW) {
                recent.pop_front();
            }
            if recent.len() >= capacity {
                return recent.front().map(|oldest| *oldest + WINDOW - now);
            }
            recent.push_back(now);
            None
        })
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
            let left = || deadline.map_or(Duration::MAX, |deadline| deadline.saturating_duration_since(Instant::now()));
            let account = match self.reserve_first(key, &quota, max_wait) {
                Slot::Account(admission) => admission,
                Slot::Capped(admission) => {
                    wait_for(key, admission).await?;
                    self.reserve_account(key, &quota, left())
                }
            };
            wait_for(key, account).await?;
            while let Some(late) = self.depart(key, &quota) {
                if late > left() {
                    return Err(rate_limited(key, late));
                }
                tokio::time::sleep(late).await;
            }
            Ok(())
        })
    }
}

/// Waits for an admitted slot, or fails with `RateLimited` for a refused one.
async fn wait_for(key: &LimitKey, admission: Admission) -> Result<(), Error> {
    match admission {
        Admission::Go { wait, .. } if wait.is_zero() => Ok(()),
        Admission::Go { wait, .. } => {
            tokio::time::sleep(wait).await;
            Ok(())
        }
        Admission::Refused { wait } => Err(rate_limited(key, wait)),
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
        LimitKey { account: account.to_owned(), operation: Operation::SendChatappMessage, recipient: None }
    }

    /// Starts `count` acquisitions under `quota` at once; their times since `start`, in ms.
    fn spawn_acquires(
        limiter: &Arc<InProcessLimiter>,
        quota: Quota,
        count: usize,
        start: Instant,
    ) -> Vec<tokio::task::JoinHandle<u128>> {
        (0..count)
            .map(|_| {
                let limiter = Arc::clone(limiter);
                tokio::spawn(async move {
                    limiter.acquire(&key("a"), quota, Duration::MAX).await.unwrap();
                    (Instant::now() - start).as_millis()
                })
            })
            .collect()
    }

    async fn times(tasks: Vec<tokio::task::JoinHandle<u128>>) -> Vec<u128> {
        let mut times = Vec::new();
        for task in tasks {
            times.push(task.await.unwrap());
        }
        times.sort_unstable();
        times
    }

    #[tokio::test(start_paused = true)]
    async fn waiters_are_paced_without_blocking() {
        let limiter = Arc::new(InProcessLimiter::new());
        let tasks = spawn_acquires(&limiter, Quota::per_second(10.0), 5, Instant::now());
        assert_eq!(times(tasks).await, [0, 100, 200, 300, 400]);
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
        let quota = Quota { per_second: 1.0, burst: 2 };
        for _ in 0..2 {
            limiter.acquire(&key("a"), quota, Duration::ZERO).await.unwrap();
        }
        // GCRA frees a slot after 1 s, the window only after 1 s + WINDOW_MARGIN.
        let err = limiter.acquire(&key("a"), quota, Duration::from_secs(1)).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::RateLimited);
        limiter.acquire(&key("a"), quota, Duration::from_secs(1) + WINDOW_MARGIN).await.unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_client_never_makes_a_fast_one_of_the_same_account_wait() {
        let limiter = Arc::new(InProcessLimiter::new());
        let start = Instant::now();
        let slow = spawn_acquires(&limiter, Quota::per_second(0.1), 2, start);
        tokio::time::sleep(Duration::from_millis(1)).await;
        let fast = spawn_acquires(&limiter, Quota::per_second(250.0), 5, start);
        let fast = times(fast).await;
        assert!(*fast.last().unwrap() <= 30, "paced at 250/s, not at 0.1/s: {fast:?}");
        assert_eq!(times(slow).await, [0, 10_000], "the slow client waits on its own schedule");
        let third = limiter.acquire(&key("a"), Quota::per_second(0.1), Duration::ZERO).await.unwrap_err();
        assert_eq!(third.retry_after(), Some(Duration::from_secs(10)), "capped at 0.1/s after the budget rose");
    }

    #[tokio::test(start_paused = true)]
    async fn a_fast_client_keeps_its_rate_next_to_a_slow_one() {
        let limiter = Arc::new(InProcessLimiter::new());
        let start = Instant::now();
        let fast = spawn_acquires(&limiter, Quota::per_second(250.0), 3, start);
        let slow = spawn_acquires(&limiter, Quota::per_second(0.1), 2, start);
        assert_eq!(times(fast).await, [0, 4, 8]);
        assert_eq!(times(slow).await, [12, 10_000]);
    }

    #[tokio::test(start_paused = true)]
    async fn clients_of_different_rates_share_the_account_budget() {
        let limiter = Arc::new(InProcessLimiter::new());
        let start = Instant::now();
        let ten = spawn_acquires(&limiter, Quota::per_second(10.0), 10, start);
        let five = spawn_acquires(&limiter, Quota::per_second(5.0), 5, start);
        let (ten, five) = (times(ten).await, times(five).await);
        let mut all = [ten.as_slice(), five.as_slice()].concat();
        all.sort_unstable();
        assert!(all.windows(2).all(|w| w[1] - w[0] >= 100), "the account's 10/s holds for both: {all:?}");
        assert!(five.iter().zip((0..).step_by(200)).all(|(t, slot)| *t >= slot), "the 5/s cap holds: {five:?}");
        assert_eq!(*all.last().unwrap(), 1_400 + 10, "slot after slot, plus the window's margin once: {all:?}");
    }

    #[test]
    fn the_default_paces_sends_at_the_documented_limit() {
        assert_eq!(Pacing::default().quota(Operation::SendChatappMessage), Some(Quota::per_second(250.0)));
        assert_eq!(Pacing::default().quota(Operation::ListChatappTemplate), Some(Quota::per_second(5.0)));
        let unpaced = Pacing { calls: false, ..Pacing::default() };
        assert_eq!(unpaced.quota(Operation::ListChatappMessage), None);
    }
}
