//! The fleet section of the benchmark (issue 18 §5), from Rust against a real Redis on
//! loopback (`BENCH_REDIS_URL`):
//!
//! * `chatlane-fleet-bench acquire`: the overhead of one slot of the Redis limiter (one script
//!   call) — `BENCH_ACQUIRES` acquisitions one after another under a budget far above what they
//!   ask for, so none waits; p50/p99 per acquisition, beside the in-process limiter's.
//! * `chatlane-fleet-bench send [--redis]`: `BENCH_COUNT` CAMS sends to the benchmark endpoint
//!   (`BENCH_ENDPOINT`, nginx) from `BENCH_INFLIGHT` tasks, paced at 100,000/s by the
//!   in-process limiter, or by the Redis one with `--redis`; prints its msgs/s and when it
//!   started and ended (Unix µs), so `bench/fleet.sh` can add up four such processes.
//!
//! JSON lines go to stdout, everything else to stderr.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chatlane_core::limit::fleet::{Outage, RedisLimiter};
use chatlane_core::limit::{InProcessLimiter, LimitKey, Quota, RateLimiter};
use chatlane_core::{Client, ClientConfig, ClientOptions, Message, Operation};
use serde_json::json;
use tokio::task::JoinSet;

const IMPL: &str = "chatlane-rust";
/// The shared budget of the send scenario: far above what the machine can send.
const BUDGET: f64 = 100_000.0;

fn main() -> ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio starts");
    let mode = std::env::args().nth(1).unwrap_or_default();
    let redis = std::env::args().any(|arg| arg == "--redis");
    let outcome = runtime.block_on(async {
        match mode.as_str() {
            "acquire" => acquire().await,
            "send" => send(redis).await,
            _ => Err("usage: chatlane-fleet-bench acquire | send [--redis]".to_owned()),
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("chatlane-fleet-bench: {failure}");
            ExitCode::FAILURE
        }
    }
}

fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("{name} is not set"))
}

fn number(name: &str, default: usize) -> Result<usize, String> {
    std::env::var(name).map_or(Ok(default), |value| value.parse().map_err(|_| format!("{name}={value:?}")))
}

/// Acquisition latency of the Redis limiter and of the in-process one.
async fn acquire() -> Result<(), String> {
    let count = number("BENCH_ACQUIRES", 20_000)?;
    let redis = RedisLimiter::new(&env("BENCH_REDIS_URL")?, Outage::Closed).map_err(|e| e.to_string())?;
    let local = InProcessLimiter::new();
    let limiters: [(&str, &dyn RateLimiter); 2] = [("redis", &redis), ("in_process", &local)];
    for (name, limiter) in limiters {
        let key =
            LimitKey { account: format!("bench-{name}"), operation: Operation::SendChatappMessage, recipient: None };
        let quota = Quota { per_second: 1_000_000.0, burst: 1_000 };
        let mut latencies = Vec::with_capacity(count);
        for round in 0..count + 1_000 {
            let started = Instant::now();
            limiter.acquire(&key, quota, Duration::from_secs(1)).await.map_err(|e| e.to_string())?;
            if round >= 1_000 {
                latencies.push(started.elapsed());
            }
        }
        latencies.sort_unstable();
        let us = |p: usize| latencies[(latencies.len() - 1) * p / 100].as_secs_f64() * 1e6;
        println!(
            "{}",
            json!({"impl": IMPL, "scenario": format!("fleet_acquire_{name}"), "count": count,
                   "p50_us": (us(50) * 10.0).round() / 10.0, "p99_us": (us(99) * 10.0).round() / 10.0})
        );
    }
    Ok(())
}

/// `BENCH_COUNT` sends from `BENCH_INFLIGHT` tasks, paced at [`BUDGET`] (through Redis with `redis`).
async fn send(redis: bool) -> Result<(), String> {
    let count = number("BENCH_COUNT", 20_000)?;
    let inflight = number("BENCH_INFLIGHT", 64)?;
    let options = ClientOptions {
        access_key_id: Some("bench-key-id".into()),
        access_key_secret: Some("bench-key-secret".into()),
        endpoint: Some(env("BENCH_ENDPOINT")?),
        rate_limit_per_second: Some(BUDGET),
        rate_limit_redis_url: if redis { Some(env("BENCH_REDIS_URL")?) } else { None },
        ..ClientOptions::default()
    };
    let client =
        Client::new(ClientConfig::from_options(options).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    let message = Arc::new(Message::text("8613800000000", "6591234567", "hello"));
    let next = Arc::new(AtomicUsize::new(0));
    let (started, started_us) = (Instant::now(), unix_us());
    let mut workers = JoinSet::new();
    for _ in 0..inflight {
        let (client, message, next) = (client.clone(), Arc::clone(&message), Arc::clone(&next));
        workers.spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < count {
                client.send(&*message).await?;
            }
            Ok::<(), chatlane_core::Error>(())
        });
    }
    while let Some(done) = workers.join_next().await {
        done.map_err(|e| e.to_string())?.map_err(|e| format!("send failed ({:?}): {e}", e.code()))?;
    }
    let seconds = started.elapsed().as_secs_f64();
    let scenario = if redis { "fleet_send_redis" } else { "fleet_send_alone" };
    println!(
        "{}",
        json!({"impl": IMPL, "scenario": scenario, "count": count, "seconds": seconds,
               "msgs_per_s": (count as f64 / seconds).round(), "started_us": started_us, "ended_us": unix_us()})
    );
    Ok(())
}

fn unix_us() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_micros())
}
