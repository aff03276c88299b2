//! Pacing shared through a real Redis (`rate_limit_redis_url`): clients that share nothing
//! but the Redis stay together under the account's limit, several AccessKeys of one
//! `account` (and a client's rotated keys) take one budget, and when Redis is down sends wait
//! (`closed`) or pace at their share (`local`), then go back to the shared budget.

#[path = "../../core/tests/support/redis_server.rs"]
mod redis_server;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chatlane_core::limit::fleet::{Outage, PROBE_INTERVAL, QUIET, RedisLimiter};
use chatlane_core::limit::{LimitKey, Quota, RateLimiter};
use chatlane_core::{Client, ClientConfig, ClientOptions, Credentials, ErrorCode, Message, Operation};
use chatlane_sandbox::config::Account;
use chatlane_sandbox::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Sandbox, SandboxConfig};
use redis_server::RedisServer;

const SECOND_KEY: (&str, &str) = ("LTAI-second-key", "second-secret");

async fn sandbox() -> Sandbox {
    let mut config = SandboxConfig::default();
    config.accounts.push(Account::new(SECOND_KEY.0, SECOND_KEY.1));
    config.limits.send_per_second = 10_000;
    Sandbox::start(config, SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap()
}

fn options(sandbox: &Sandbox, redis: &RedisServer, per_second: f64) -> ClientOptions {
    ClientOptions {
        access_key_id: Some(DEFAULT_ACCESS_KEY_ID.into()),
        access_key_secret: Some(DEFAULT_ACCESS_KEY_SECRET.into()),
        endpoint: Some(sandbox.endpoint()),
        rate_limit_per_second: Some(per_second),
        rate_limit_redis_url: Some(redis.url()),
        ..ClientOptions::default()
    }
}

fn client(options: ClientOptions) -> Client {
    Client::new(ClientConfig::from_options(options).unwrap()).unwrap()
}

fn text(to: u64) -> Message {
    Message::text("8613800000000", to.to_string(), "hello")
}

/// The most requests the sandbox received within any one second.
fn busiest_second(sandbox: &Sandbox) -> usize {
    let times: Vec<u64> = sandbox.requests().iter().map(|r| r.received_at_us).collect();
    (0..times.len()).map(|i| times[i..].iter().take_while(|t| **t < times[i] + 1_000_000).count()).max().unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_sharing_only_redis_stay_under_the_limit_together() {
    let (sandbox, redis) = (sandbox().await, RedisServer::start());
    let clients: Vec<Client> = (0..3).map(|_| client(options(&sandbox, &redis, 20.0))).collect();
    let sends = clients.iter().enumerate().flat_map(|(c, client)| {
        (0..20).map(move |i| async move { client.send(&text(6_591_000_000 + c as u64 * 100 + i)).await })
    });
    for outcome in futures_util::future::join_all(sends).await {
        outcome.unwrap();
    }
    let requests = sandbox.requests();
    assert_eq!(requests.len(), 60);
    // GCRA with a burst of 1 admits one at once, then one per 50 ms: 21 in a span of exactly
    // one second (one at each end), which each send's own delay to the sandbox can show.
    assert!(busiest_second(&sandbox) <= 21, "one second held {} sends", busiest_second(&sandbox));
    let first_to_last = requests.last().unwrap().received_at_us - requests[0].received_at_us;
    assert!(first_to_last >= 2_900_000, "60 sends at 20/s span 2.95 s, not {first_to_last} µs");
}

#[tokio::test]
async fn one_account_is_one_budget_whichever_key_signs() {
    let (sandbox, redis) = (sandbox().await, RedisServer::start());
    let fail_fast = |options: ClientOptions| ClientOptions { rate_limit_max_wait_ms: Some(0), ..options };
    let shared = |key: (&str, &str)| {
        client(fail_fast(ClientOptions {
            access_key_id: Some(key.0.into()),
            access_key_secret: Some(key.1.into()),
            account: Some("1234567890123456".into()),
            ..options(&sandbox, &redis, 1.0)
        }))
    };
    shared((DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET)).send(&text(6_592_000_001)).await.unwrap();
    let refused = shared(SECOND_KEY).send(&text(6_592_000_002)).await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::RateLimited, "{refused}");
    assert!(refused.retry_after().is_some_and(|wait| wait > Duration::from_millis(800)), "{refused:?}");

    // Without `account`, a client keeps the budget of the first key it signed with.
    let rotating = client(fail_fast(options(&sandbox, &redis, 1.0)));
    rotating.send(&text(6_592_000_003)).await.unwrap();
    rotating.set_credentials(Credentials::new(SECOND_KEY.0, SECOND_KEY.1, None).unwrap()).unwrap();
    let refused = rotating.send(&text(6_592_000_004)).await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::RateLimited, "the rotated key took the same budget: {refused}");
    let other_key = ClientOptions {
        access_key_id: Some(SECOND_KEY.0.into()),
        access_key_secret: Some(SECOND_KEY.1.into()),
        ..options(&sandbox, &redis, 1.0)
    };
    client(fail_fast(other_key)).send(&text(6_592_000_005)).await.unwrap();
    assert_eq!(sandbox.ledger().len(), 3, "the refused sends never went out");
}

#[tokio::test]
async fn redis_down_closed_sends_wait_then_fail_and_resume_when_it_is_back() {
    let (sandbox, mut redis) = (sandbox().await, RedisServer::start());
    let waiting = client(ClientOptions { rate_limit_max_wait_ms: Some(300), ..options(&sandbox, &redis, 50.0) });
    waiting.send(&text(6_593_000_001)).await.unwrap();
    redis.kill();
    let refused = waiting.send(&text(6_593_000_002)).await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::RateLimited, "{refused}");
    assert!(refused.message().contains("did not answer within the allowed wait"), "{refused}");
    assert!(!refused.message().contains("s3cret"));
    assert_eq!(sandbox.ledger().len(), 1, "nothing went out while Redis was down");

    redis.restart();
    let patient = client(options(&sandbox, &redis, 50.0));
    patient.send(&text(6_593_000_003)).await.unwrap();
    tokio::time::sleep(QUIET).await;
    waiting.send(&text(6_593_000_004)).await.unwrap();
    assert_eq!(sandbox.ledger().len(), 3);
}

#[tokio::test]
async fn redis_down_local_sends_pace_at_their_share_then_return_to_redis() {
    let (sandbox, mut redis) = (sandbox().await, RedisServer::start());
    redis.kill();
    let options = ClientOptions {
        rate_limit_redis_outage: Some("local".into()),
        rate_limit_instances: Some(2),
        account: Some("local-share".into()),
        ..options(&sandbox, &redis, 20.0)
    };
    let sharing = client(options);
    let sends = (0..10).map(|i| {
        let sharing = &sharing;
        async move { sharing.send(&text(6_594_000_000 + i)).await }
    });
    for outcome in futures_util::future::join_all(sends).await {
        outcome.unwrap();
    }
    let requests = sandbox.requests();
    let first_to_last = requests.last().unwrap().received_at_us - requests[0].received_at_us;
    assert!(first_to_last >= 850_000, "10 sends at 20/s ÷ 2 instances span 0.9 s, not {first_to_last} µs");

    redis.restart();
    let mut connection = redis::Client::open(redis.url()).unwrap().get_multiplexed_async_connection().await.unwrap();
    let started = Instant::now();
    let mut budget = false;
    while !budget && started.elapsed() < 3 * PROBE_INTERVAL {
        sharing.send(&text(6_594_000_100)).await.unwrap();
        budget = redis::cmd("EXISTS")
            .arg("cl:1:rl:{local-share}:SendChatappMessage")
            .query_async(&mut connection)
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(budget, "back on the shared budget once Redis answers");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_redis_restarts_empty_slots_are_spaced_again_not_a_burst() {
    let mut redis = RedisServer::start();
    let limiters: Vec<Arc<RedisLimiter>> =
        (0..2).map(|_| Arc::new(RedisLimiter::new(&redis.url(), Outage::Closed).unwrap())).collect();
    let (started, times) = (Instant::now(), Arc::new(Mutex::new(Vec::new())));
    let key = LimitKey { account: "restart".into(), operation: Operation::SendChatappMessage, recipient: None };
    let mut tasks = Vec::new();
    for limiter in &limiters {
        for _ in 0..32 {
            let (limiter, times, key) = (Arc::clone(limiter), Arc::clone(&times), key.clone());
            tasks.push(tokio::spawn(async move {
                while started.elapsed() < Duration::from_millis(4_500) {
                    limiter.acquire(&key, Quota::per_second(50.0), Duration::MAX).await.unwrap();
                    times.lock().unwrap().push(started.elapsed().as_millis());
                }
            }));
        }
    }
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    redis.kill();
    let killed = started.elapsed().as_millis();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let restarted = started.elapsed().as_millis();
    redis.restart();
    for task in tasks {
        task.await.unwrap();
    }
    let mut times = times.lock().unwrap().clone();
    times.sort_unstable();
    let most_within = |span: u128| {
        (0..times.len()).map(|i| times[i..].iter().take_while(|t| **t < times[i] + span).count()).max().unwrap()
    };
    assert!(!times.iter().any(|t| (killed + 50..restarted).contains(t)), "nothing while Redis was down: {times:?}");
    assert!(most_within(1_000) <= 50, "one second held {}: {times:?}", most_within(1_000));
    assert!(most_within(200) <= 12, "200 ms held {}, a burst: {times:?}", most_within(200));
    assert!(times.iter().filter(|t| **t > restarted).count() >= 40, "resumed after the restart: {times:?}");
}

#[tokio::test]
async fn a_redis_with_a_password_is_reached_with_it_and_refuses_a_wrong_one_unshown() {
    let (sandbox, redis) = (sandbox().await, RedisServer::start_with_password("s3cret-pw"));
    let fail_fast = |url: String| ClientOptions {
        rate_limit_redis_url: Some(url),
        rate_limit_max_wait_ms: Some(300),
        ..options(&sandbox, &redis, 50.0)
    };
    client(fail_fast(redis.url())).send(&text(6_595_000_001)).await.unwrap();
    let wrong = redis.url().replace("s3cret-pw", "wr0ng-pw");
    let refused = client(fail_fast(wrong)).send(&text(6_595_000_002)).await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::RateLimited, "{refused}");
    let shown = format!("{refused} {refused:?}");
    assert!(!shown.contains("wr0ng-pw") && !shown.contains("s3cret-pw"), "{shown}");
    assert_eq!(sandbox.ledger().len(), 1);
}

#[tokio::test]
async fn the_redis_limiter_keeps_the_in_process_rules() {
    let redis = RedisServer::start();
    let limiter = RedisLimiter::new(&redis.url(), Outage::Closed).unwrap();
    let key =
        |account: &str| LimitKey { account: account.into(), operation: Operation::SendChatappMessage, recipient: None };

    // Fail fast: the refusal says how long the next slot is away.
    limiter.acquire(&key("a"), Quota::per_second(1.0), Duration::ZERO).await.unwrap();
    let refused = limiter.acquire(&key("a"), Quota::per_second(1.0), Duration::ZERO).await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::RateLimited);
    let wait = refused.retry_after().unwrap();
    assert!(wait > Duration::from_millis(900) && wait <= Duration::from_secs(1), "{wait:?}");
    limiter.acquire(&key("b"), Quota::per_second(1.0), Duration::ZERO).await.unwrap();

    // A burst goes back to back, then slots are spaced.
    let burst = Quota { per_second: 10.0, burst: 3 };
    for _ in 0..3 {
        limiter.acquire(&key("burst"), burst, Duration::ZERO).await.unwrap();
    }
    assert!(limiter.acquire(&key("burst"), burst, Duration::ZERO).await.is_err());

    // A slow client never makes a fast one of the same account wait, and keeps its own pace.
    let slow = Quota::per_second(0.1);
    limiter.acquire(&key("c"), slow, Duration::ZERO).await.unwrap();
    for _ in 0..5 {
        // Refused if it had to wait on the slow client's 10 s schedule.
        limiter.acquire(&key("c"), Quota::per_second(250.0), Duration::from_millis(100)).await.unwrap();
    }
    let capped = limiter.acquire(&key("c"), slow, Duration::ZERO).await.unwrap_err();
    assert!(capped.retry_after().unwrap() > Duration::from_secs(9), "{capped:?}");
}
