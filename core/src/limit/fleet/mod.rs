//! Pacing shared by every process and host of an account: [`RedisLimiter`] keeps the
//! in-process limiter's rule (the module doc of [`super`]) in Redis, so four web workers and
//! two bulk jobs of one account together stay under its limit.
//!
//! One atomic script per slot (`gcra.lua`, EVALSHA, loaded again when Redis has lost it) runs
//! GCRA with reservations on Redis's clock (`TIME`), so hosts' clocks never matter: it answers
//! with a duration to wait, never an instant. A send that must wait reserves its slot, sleeps,
//! then records its departure in a one-second window of departures (a second call), so a
//! late wake-up delays only itself; a send that may go at once takes one round trip.
//!
//! Keys (`cl:1:rl:{account}:Operation`, with `:cap:…` for a slower client's own schedule and
//! `:w` for the window) carry the account in braces, so a Redis Cluster keeps them on one
//! slot; Meta's per-recipient budgets add `:pair:` and a hash of the recipient, never the
//! number itself. Every key expires a minute after its last slot.
//!
//! When Redis cannot be reached, the client's [`Outage`] policy decides: wait for it (never
//! over the limit; the default) or pace in this process at a share of the quota. Waiting
//! sends ask again one window ([`QUIET`]) after each failure, so a Redis that comes back
//! empty cannot put a second's slots on top of those it forgot.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;
use tokio::time::Instant;

use super::{InProcessLimiter, LimitKey, Quota, RateLimiter, rate_limited};
use crate::error::{Error, ErrorCode};
use crate::transport::BoxFuture;

/// How long one call of the script may take before Redis counts as unreachable.
pub const RESPONSE_TIMEOUT: Duration = Duration::from_millis(250);
/// How long a client paces locally ([`Outage::Local`]) before asking Redis again.
pub const PROBE_INTERVAL: Duration = Duration::from_secs(1);
/// The window of departures checked in Redis: one second plus 15 ms. Wider than the
/// in-process limiter's ([`super::WINDOW_MARGIN`]): a fleet's sends travel from more
/// processes, whose start-up and scheduling delay some sends more than others on their way to
/// the provider. Costs 1.5 % of the rate at most.
pub const WINDOW: Duration = Duration::from_millis(1_015);

/// How long sends hold back after Redis failed ([`Outage::Closed`]), before asking it again:
/// one [`WINDOW`], so a Redis that restarted without its data (and so forgot the last
/// second's slots) never lets a second hold more than the limit.
pub const QUIET: Duration = WINDOW;

/// The script: GCRA with reservations and a window of departures (see its header).
static SCRIPT: LazyLock<redis::Script> = LazyLock::new(|| redis::Script::new(include_str!("gcra.lua")));

/// What sends do while Redis cannot be reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outage {
    /// Wait for Redis to answer (asking again [`QUIET`] after each failure), as long as the
    /// pacing wait allows, then fail with [`ErrorCode::RateLimited`]: the fleet never goes
    /// over the limit.
    Closed,
    /// Pace in this process at the quota divided by `instances` (the processes expected to
    /// share the budget), asking Redis again every [`PROBE_INTERVAL`].
    Local {
        /// How many processes share the account's budget (≥ 1).
        instances: u32,
    },
}

impl Outage {
    /// Reads the `rate_limit_redis_outage` option: `closed` or `local` (which needs
    /// `instances`, the `rate_limit_instances` option).
    pub fn parse(name: &str, instances: Option<u32>) -> Result<Self, Error> {
        match (name, instances) {
            ("closed", None) => Ok(Self::Closed),
            ("closed", Some(_)) => Err(invalid("rate_limit_instances applies to rate_limit_redis_outage=\"local\"")),
            ("local", Some(instances)) if instances >= 1 => Ok(Self::Local { instances }),
            ("local", _) => Err(invalid(
                "rate_limit_redis_outage=\"local\" needs rate_limit_instances, the processes sharing the budget (≥ 1)",
            )),
            (other, _) => {
                Err(invalid(&format!("rate_limit_redis_outage must be \"closed\" or \"local\", not {other:?}")))
            }
        }
    }
}

/// A [`RateLimiter`] whose state lives in Redis, shared by every process that paces the same
/// account through the same Redis (see the module doc).
pub struct RedisLimiter {
    client: redis::Client,
    /// Connected on first use, inside the runtime that polls the send; reconnects by itself.
    connection: OnceCell<ConnectionManager>,
    /// The URL without its password, for messages.
    shown: String,
    outage: Outage,
    /// Where [`Outage::Local`] paces, and until when.
    local: Arc<InProcessLimiter>,
    local_until: Mutex<Option<Instant>>,
    /// Until when sends hold back after a failure ([`QUIET`], [`Outage::Closed`]).
    quiet_until: Mutex<Option<Instant>>,
    /// Makes every departure's member unique: this limiter's token and a counter.
    token: String,
    calls: AtomicU64,
}

impl std::fmt::Debug for RedisLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisLimiter").field("url", &self.shown).field("outage", &self.outage).finish_non_exhaustive()
    }
}

/// What the script answered.
#[derive(Debug, PartialEq, Eq)]
enum Reply {
    /// Go now: the departure is recorded.
    Go,
    /// A slot is reserved in this epoch of the budget: depart after this wait.
    Wait(Duration, String),
    /// No slot within the allowed wait: the earliest is this far.
    Refused(Duration),
}

/// Which call of the script.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    /// Take a slot.
    Reserve,
    /// Record the departure of a slot reserved in this epoch of the budget (a Redis that
    /// restarted empty has another, and the slot is reserved again).
    Depart(String),
}

impl RedisLimiter {
    /// A limiter on the Redis at `url` (`redis://[:password@]host:port[/db]`, `rediss://` for
    /// TLS, `redis+unix:///path`), behaving as `outage` says while it cannot be reached. Only
    /// the URL is checked here; the connection opens at the first send.
    pub fn new(url: &str, outage: Outage) -> Result<Self, Error> {
        let shown = crate::endpoint::redacted(url);
        let client = redis::Client::open(url).map_err(|_| {
            invalid(&format!("rate_limit_redis_url {shown:?} is not a redis://, rediss:// or redis+unix:// URL"))
        })?;
        if url.starts_with("rediss") {
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        Ok(Self {
            client,
            connection: OnceCell::new(),
            shown,
            outage,
            local: InProcessLimiter::shared(),
            local_until: Mutex::new(None),
            quiet_until: Mutex::new(None),
            token: crate::outgoing::random_id(),
            calls: AtomicU64::new(0),
        })
    }

    /// One call of the script for `key` at `quota`.
    async fn call(
        &self,
        key: &LimitKey,
        quota: &Quota,
        step: &Step,
        left: Duration,
    ) -> Result<Reply, redis::RedisError> {
        let mut connection = self
            .connection
            .get_or_try_init(|| async {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(RESPONSE_TIMEOUT))
                    .set_response_timeout(Some(RESPONSE_TIMEOUT))
                    .set_number_of_retries(1)
                    .set_min_delay(RESPONSE_TIMEOUT)
                    .set_max_delay(PROBE_INTERVAL);
                ConnectionManager::new_lazy_with_config(self.client.clone(), config)
            })
            .await?
            .clone();
        let names = Keys::of(key, quota);
        let max_wait = i64::try_from(left.as_micros()).unwrap_or(-1);
        let member = format!("{}:{}", self.token, self.calls.fetch_add(1, Ordering::Relaxed));
        let mut invocation = SCRIPT.prepare_invoke();
        invocation.key(&names.budget).key(&names.own).key(&names.window);
        let (name, epoch) = match step {
            Step::Reserve => ("reserve", ""),
            Step::Depart(epoch) => ("depart", epoch.as_str()),
        };
        invocation.arg(name).arg(interval_us(quota)).arg(quota.burst).arg(max_wait).arg(member).arg(epoch);
        invocation.arg(WINDOW.as_micros().to_string());
        let call = invocation.invoke_async::<(i64, i64, String)>(&mut connection);
        let (verdict, wait, epoch) = match tokio::time::timeout(RESPONSE_TIMEOUT * 2, call).await {
            Ok(answer) => answer?,
            Err(_) => return Err(std::io::Error::from(std::io::ErrorKind::TimedOut).into()),
        };
        let wait = Duration::from_micros(wait.max(0).unsigned_abs());
        Ok(match verdict {
            1 => Reply::Go,
            2 => Reply::Wait(wait, epoch),
            _ => Reply::Refused(wait),
        })
    }

    /// Whether sends pace locally now ([`Outage::Local`] after a failure, until the probe).
    fn pacing_locally(&self) -> bool {
        let until = self.local_until.lock().unwrap_or_else(PoisonError::into_inner);
        until.is_some_and(|until| Instant::now() < until)
    }

    /// How long sends still hold back after a failure ([`Outage::Closed`]).
    fn quiet(&self) -> Duration {
        let until = self.quiet_until.lock().unwrap_or_else(PoisonError::into_inner);
        until.map_or(Duration::ZERO, |until| until.saturating_duration_since(Instant::now()))
    }

    /// Holds every send back for [`QUIET`] from now (a failed call under [`Outage::Closed`]).
    fn hold_back(&self, error: &redis::RedisError) {
        tracing::warn!(redis = %self.shown, %error, "the fleet's rate limiter is unreachable: sends wait for it");
        *self.quiet_until.lock().unwrap_or_else(PoisonError::into_inner) = Some(Instant::now() + QUIET);
    }

    /// Paces locally at this process's share of `quota` until the next probe.
    async fn acquire_locally(&self, key: &LimitKey, quota: Quota, instances: u32, left: Duration) -> Result<(), Error> {
        let share =
            Quota { per_second: quota.per_second / f64::from(instances), burst: (quota.burst / instances).max(1) };
        self.local.acquire(key, share, left).await
    }

    /// Starts pacing locally for [`PROBE_INTERVAL`] (a failed call under [`Outage::Local`]).
    fn fall_back(&self, error: &redis::RedisError) {
        tracing::warn!(redis = %self.shown, %error, "the fleet's rate limiter is unreachable: pacing locally");
        *self.local_until.lock().unwrap_or_else(PoisonError::into_inner) = Some(Instant::now() + PROBE_INTERVAL);
    }
}

impl RateLimiter for RedisLimiter {
    fn acquire<'a>(&'a self, key: &'a LimitKey, quota: Quota, max_wait: Duration) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            let deadline = Instant::now().checked_add(max_wait);
            let left = || deadline.map_or(Duration::MAX, |deadline| deadline.saturating_duration_since(Instant::now()));
            if let (Outage::Local { instances }, true) = (self.outage, self.pacing_locally()) {
                return self.acquire_locally(key, quota, instances, left()).await;
            }
            let mut step = Step::Reserve;
            let mut failure = None;
            loop {
                let quiet = self.quiet();
                if quiet > left() {
                    return Err(self.unreachable(key, failure.as_ref()));
                }
                if !quiet.is_zero() {
                    // A slot reserved before holding back is stale by then: departing on it
                    // late, with every other held-back send, would be a burst.
                    tokio::time::sleep(quiet).await;
                    step = Step::Reserve;
                }
                match self.call(key, &quota, &step, left()).await {
                    Ok(Reply::Go) => return Ok(()),
                    Ok(Reply::Wait(wait, _)) if wait > left() => return Err(rate_limited(key, wait)),
                    Ok(Reply::Wait(wait, epoch)) => {
                        tokio::time::sleep(wait).await;
                        step = Step::Depart(epoch);
                    }
                    Ok(Reply::Refused(wait)) => return Err(rate_limited(key, wait)),
                    Err(error) => match self.outage {
                        Outage::Local { instances } => {
                            self.fall_back(&error);
                            return self.acquire_locally(key, quota, instances, left()).await;
                        }
                        Outage::Closed => {
                            self.hold_back(&error);
                            failure = Some(error);
                        }
                    },
                }
            }
        })
    }
}

impl RedisLimiter {
    /// The error of a send that could not reach Redis within its pacing wait (`error`: what
    /// this send's own call met, if it made one).
    fn unreachable(&self, key: &LimitKey, error: Option<&redis::RedisError>) -> Error {
        let why = error.map_or_else(|| "it failed just before".to_owned(), ToString::to_string);
        Error::new(
            ErrorCode::RateLimited,
            format!(
                "the fleet's rate limiter at {} did not answer within the allowed wait ({why}): no {} slot, nothing was sent",
                self.shown,
                key.operation.as_str()
            ),
        )
        .with_retry_after(Some(QUIET))
    }
}

/// The Redis keys of one budget.
#[derive(Debug, PartialEq, Eq)]
struct Keys {
    /// The account's budget for the operation.
    budget: String,
    /// The schedule of clients paced at the caller's quota (used when it is slower).
    own: String,
    /// The departures of the last window.
    window: String,
}

impl Keys {
    fn of(key: &LimitKey, quota: &Quota) -> Self {
        let mut budget = format!("cl:1:rl:{{{}}}:{}", key.account, key.operation.as_str());
        if let Some(recipient) = &key.recipient {
            let digest = Sha256::digest(recipient.as_bytes());
            budget.push_str(":pair:");
            budget.push_str(&hex::encode(&digest[..16]));
        }
        Self {
            own: format!("{budget}:cap:{}:{}", interval_us(quota), quota.burst),
            window: format!("{budget}:w"),
            budget,
        }
    }
}

/// The emission interval of `quota` in whole microseconds, rounded up (never faster than the
/// quota; above 10,000/s the rate lands on the next whole interval below it).
fn interval_us(quota: &Quota) -> u64 {
    (1_000_000.0 / quota.per_second).ceil().max(1.0) as u64
}

fn invalid(message: &str) -> Error {
    Error::new(ErrorCode::InvalidConfig, message.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::Operation;

    #[test]
    fn keys_share_a_slot_and_never_hold_a_phone_number() {
        let key = LimitKey { account: "LTAI5t".into(), operation: Operation::SendChatappMessage, recipient: None };
        let keys = Keys::of(&key, &Quota::per_second(250.0));
        assert_eq!(keys.budget, "cl:1:rl:{LTAI5t}:SendChatappMessage");
        assert_eq!(keys.own, "cl:1:rl:{LTAI5t}:SendChatappMessage:cap:4000:1");
        assert_eq!(keys.window, "cl:1:rl:{LTAI5t}:SendChatappMessage:w");
        let pair = LimitKey {
            account: "106540352242922".into(),
            operation: Operation::WhatsappMessages,
            recipient: Some("6591234567".into()),
        };
        let keys = Keys::of(&pair, &Quota { per_second: 1.0 / 6.0, burst: 45 });
        assert!(keys.budget.starts_with("cl:1:rl:{106540352242922}:WhatsappMessages:pair:"), "{}", keys.budget);
        assert!(!keys.budget.contains("6591234567"));
        assert_eq!(keys.own, format!("{}:cap:6000000:45", keys.budget));
    }

    #[test]
    fn intervals_round_towards_slower() {
        assert_eq!(interval_us(&Quota::per_second(250.0)), 4_000);
        assert_eq!(interval_us(&Quota::per_second(3.0)), 333_334);
        assert_eq!(interval_us(&Quota::per_second(1_000_000.0)), 1);
    }

    #[test]
    fn the_outage_policy_is_read_with_its_instances() {
        assert_eq!(Outage::parse("closed", None).unwrap(), Outage::Closed);
        assert_eq!(Outage::parse("local", Some(4)).unwrap(), Outage::Local { instances: 4 });
        for (name, instances) in [("local", None), ("local", Some(0)), ("closed", Some(2)), ("open", None)] {
            assert_eq!(Outage::parse(name, instances).unwrap_err().code(), ErrorCode::InvalidConfig, "{name}");
        }
    }

    #[test]
    fn a_url_is_checked_and_its_password_never_shown() {
        let limiter = RedisLimiter::new("redis://:s3cret@127.0.0.1:6379/0", Outage::Closed).unwrap();
        assert!(!format!("{limiter:?}").contains("s3cret"));
        let refused = RedisLimiter::new("http://:s3cret@127.0.0.1:6379", Outage::Closed).unwrap_err();
        assert_eq!(refused.code(), ErrorCode::InvalidConfig);
        assert!(!refused.message().contains("s3cret"), "{refused}");
    }
}
