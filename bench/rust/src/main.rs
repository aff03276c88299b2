//! chatlane from Rust against the benchmark endpoints, as `bench/PROTOCOL.md` describes: for
//! CAMS (`BENCH_ENDPOINT`), then Meta's Cloud API (`BENCH_META_ENDPOINT`), `sequential` (one
//! send at a time) and `inflight64` (`BENCH_INFLIGHT` tokio tasks, each sending one message at
//! a time until all are sent); `rss_after_10000` is read after the CAMS rows, before any Meta
//! client exists. There is no `import` line: a Rust program links chatlane in, there is
//! nothing to load.
//!
//! Each provider's client is built the way the bindings build theirs
//! (`ClientConfig::from_options`, the default transport, mimalloc as the allocator) with fake
//! credentials and client-side pacing off, so it never interferes. It runs on a
//! multi-threaded tokio runtime with the default worker count (one per core). CAMS sends
//! alternate between a template and a text message, Meta sends a text message; every
//! scenario first warms up with 1,000 sends made the same way.
//!
//! ```sh
//! cargo build --release -p chatlane-bench
//! BENCH_ENDPOINT=http://127.0.0.1:18080 BENCH_META_ENDPOINT=http://127.0.0.1:18090 \
//!   BENCH_COUNT=20000 BENCH_INFLIGHT=64 target/release/chatlane-bench
//! ```
//!
//! JSON lines go to stdout, everything else to stderr. The first failed send ends the run
//! with exit code 1.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chatlane_core::{Client, ClientConfig, ClientOptions, Error, Message, ProviderKind, TemplateParams};
use serde_json::json;
use tokio::task::JoinSet;

const IMPL: &str = "chatlane-rust";
const WARM_UP: usize = 1_000;
const RSS_SENDS: usize = 10_000;
/// Meta's `from`: a business phone number ID.
const META_SENDER: &str = "106540352242922";

/// The messages sends cycle through (send `i` sends `messages[i % len]`).
type Messages = Arc<[Message]>;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{IMPL}: {failure}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let endpoint = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set"));
    let endpoints =
        [(ProviderKind::Cams, endpoint("BENCH_ENDPOINT")?), (ProviderKind::Meta, endpoint("BENCH_META_ENDPOINT")?)];
    let count = env_number("BENCH_COUNT", 20_000)?;
    let inflight = env_number("BENCH_INFLIGHT", 64)?;
    if count == 0 || inflight == 0 {
        return Err("BENCH_COUNT and BENCH_INFLIGHT must be positive".to_owned());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start tokio: {e}"))?;
    runtime.block_on(async {
        for (provider, endpoint) in &endpoints {
            let client =
                client(*provider, endpoint).map_err(|e| format!("cannot build the {provider:?} client: {e}"))?;
            let messages = messages(*provider);
            eprintln!("{IMPL}: {} at {endpoint}, {count} messages per scenario, pacing off", provider.as_str());

            sequential(&client, &messages, WARM_UP).await.map_err(failed)?;
            let (seconds, latencies) = sequential(&client, &messages, count).await.map_err(failed)?;
            report_throughput(*provider, "sequential", count, seconds, latencies);

            in_flight(&client, &messages, WARM_UP, inflight).await.map_err(failed)?;
            let (seconds, latencies) = in_flight(&client, &messages, count, inflight).await.map_err(failed)?;
            report_throughput(*provider, &format!("inflight{inflight}"), count, seconds, latencies);

            if *provider == ProviderKind::Cams {
                sequential(&client, &messages, RSS_SENDS).await.map_err(failed)?;
                let rss_mb = rss_mb().ok_or("cannot read VmRSS from /proc/self/status")?;
                println!("{}", json!({"impl": IMPL, "scenario": "rss_after_10000", "rss_mb": round(rss_mb, 1)}));
                eprintln!("{IMPL}: {} sends in this process before the RSS reading", 2 * (WARM_UP + count) + RSS_SENDS);
            }
        }
        Ok(())
    })
}

fn env_number(name: &str, default: usize) -> Result<usize, String> {
    match std::env::var(name) {
        Ok(value) => value.trim().parse().map_err(|_| format!("{name}={value:?} is not a whole number")),
        Err(_) => Ok(default),
    }
}

/// A `provider` client for `endpoint` with fake credentials and pacing off.
fn client(provider: ProviderKind, endpoint: &str) -> Result<Client, Error> {
    let credentials = match provider {
        ProviderKind::Cams => ClientOptions {
            access_key_id: Some("bench-key-id".to_owned()),
            access_key_secret: Some("bench-key-secret".to_owned()),
            ..ClientOptions::default()
        },
        ProviderKind::Meta => {
            ClientOptions { access_token: Some("bench-token".to_owned()), ..ClientOptions::default() }
        }
    };
    Client::new(ClientConfig::from_options(ClientOptions {
        provider: Some(provider.as_str().to_owned()),
        endpoint: Some(endpoint.to_owned()),
        rate_limit_disabled: true,
        ..credentials
    })?)
}

/// CAMS: a template, then a text message; Meta: a text message from a phone number ID.
fn messages(provider: ProviderKind) -> Messages {
    match provider {
        ProviderKind::Cams => {
            let params = TemplateParams::from_iter([
                ("name".to_owned(), "Ada".to_owned()),
                ("code".to_owned(), "123456".to_owned()),
            ]);
            Arc::new([
                Message::template("8613800000000", "6591234567", "744c4b5c79c94324", "en", params),
                Message::text("8613800000000", "6591234567", "hello"),
            ])
        }
        ProviderKind::Meta => Arc::new([Message::text(META_SENDER, "6591234567", "hello")]),
    }
}

fn failed(error: Error) -> String {
    format!("send failed ({:?}): {error}", error.code())
}

/// `count` sends one after another: the elapsed time and each send's latency.
async fn sequential(client: &Client, messages: &Messages, count: usize) -> Result<(Duration, Vec<Duration>), Error> {
    let mut latencies = Vec::with_capacity(count);
    let started = Instant::now();
    for i in 0..count {
        let sent = Instant::now();
        client.send(&messages[i % messages.len()]).await?;
        latencies.push(sent.elapsed());
    }
    Ok((started.elapsed(), latencies))
}

/// `count` sends by `inflight` tokio tasks, each sending one message at a time until all
/// are sent (PROTOCOL.md's workers).
async fn in_flight(
    client: &Client,
    messages: &Messages,
    count: usize,
    inflight: usize,
) -> Result<(Duration, Vec<Duration>), Error> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = JoinSet::new();
    let started = Instant::now();
    for _ in 0..inflight {
        let (client, messages, next) = (client.clone(), Arc::clone(messages), Arc::clone(&next));
        workers.spawn(async move {
            let mut latencies = Vec::with_capacity(count / inflight + 1);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    return Ok(latencies);
                }
                let sent = Instant::now();
                client.send(&messages[i % messages.len()]).await?;
                latencies.push(sent.elapsed());
            }
        });
    }
    let mut latencies = Vec::with_capacity(count);
    while let Some(joined) = workers.join_next().await {
        latencies.extend(joined.expect("a send worker panicked")?);
    }
    Ok((started.elapsed(), latencies))
}

fn report_throughput(
    provider: ProviderKind,
    scenario: &str,
    count: usize,
    seconds: Duration,
    mut latencies: Vec<Duration>,
) {
    latencies.sort_unstable();
    let seconds = seconds.as_secs_f64();
    println!(
        "{}",
        json!({
            "impl": IMPL,
            "provider": provider.as_str(),
            "scenario": scenario,
            "count": count,
            "seconds": round(seconds, 4),
            "msgs_per_s": round(count as f64 / seconds, 1),
            "p50_us": round(percentile_us(&latencies, 0.50), 1),
            "p99_us": round(percentile_us(&latencies, 0.99), 1),
        })
    );
}

/// Nearest-rank percentile of sorted latencies, in microseconds.
fn percentile_us(sorted: &[Duration], p: f64) -> f64 {
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1e6
}

/// Resident set size from `/proc/self/status`, in MiB.
fn rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}
