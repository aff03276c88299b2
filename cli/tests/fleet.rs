//! Four `chatlane bulk --redis` processes, each offering the whole of a 50/s budget, share it
//! through a real Redis: together they reach it and never exceed it in any second; when Redis
//! is killed mid-run they wait (the default `closed` policy), and when it is back they resume
//! and finish, every row sent once.

#[path = "support/bulk_command.rs"]
mod bulk_command;
#[path = "../../core/tests/support/redis_server.rs"]
mod redis_server;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use chatlane_sandbox::{Sandbox, SandboxConfig};
use redis_server::RedisServer;
use tokio::process::Command;

const WORKERS: u64 = 4;
const ROWS: u64 = 150;
const RATE: usize = 50;

/// A bulk run of its own CSV (recipients its own) in `dir`, paced at the whole budget (8 in
/// flight: far more than 50/s needs).
fn worker(endpoint: &str, redis: &str, dir: &Path) -> Command {
    let mut command = bulk_command::bulk(endpoint, dir, RATE);
    command.args(["--redis", redis, "--concurrency", "8"]);
    command
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_bulk_workers_share_one_budget_through_redis_and_wait_while_it_is_down() {
    let mut config = SandboxConfig::default();
    config.limits.send_per_second = 10 * RATE as u32;
    let sandbox = Sandbox::start(config, SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
    let mut redis = RedisServer::start();
    let root = std::env::temp_dir().join(format!("chatlane-fleet-{}", std::process::id()));
    let workers: Vec<_> = (0..WORKERS)
        .map(|w| {
            let dir = root.join(w.to_string());
            std::fs::create_dir_all(&dir).unwrap();
            let rows: String = (0..ROWS).map(|i| format!("{}\n", 6_590_000_000 + w * 1_000 + i)).collect();
            std::fs::write(dir.join("people.csv"), format!("to\n{rows}")).unwrap();
            worker(&sandbox.endpoint(), &redis.url(), &dir).spawn().unwrap()
        })
        .collect();

    tokio::time::sleep(Duration::from_secs(5)).await;
    redis.kill();
    tokio::time::sleep(Duration::from_secs(2)).await;
    redis.restart();
    for worker in workers {
        let done = worker.wait_with_output().await.unwrap();
        assert_eq!(done.status.code(), Some(0), "{}", String::from_utf8_lossy(&done.stderr));
    }

    let entries = sandbox.ledger().entries();
    let recipients: HashSet<&str> = entries.iter().map(|e| e.params["To"].as_str()).collect();
    assert_eq!((entries.len(), recipients.len()), ((WORKERS * ROWS) as usize, (WORKERS * ROWS) as usize));
    let mut arrivals: Vec<u64> = sandbox.requests().iter().map(|r| r.received_at_us).collect();
    arrivals.sort_unstable();
    let busiest = (0..arrivals.len())
        .map(|i| arrivals[i..].iter().take_while(|t| **t - arrivals[i] < 1_000_000).count())
        .max()
        .unwrap();
    let busiest_at = (0..arrivals.len())
        .max_by_key(|i| arrivals[*i..].iter().take_while(|t| **t - arrivals[*i] < 1_000_000).count())
        .map(|i| arrivals[i] - arrivals[0])
        .unwrap();
    // GCRA's bound with a burst of 1: one send at once, then one per 20 ms, so a span of
    // exactly one second can hold 51 (one at each end). Each send reaches the sandbox after
    // its own delay, so a window just under a second of arrival times can show those 51.
    assert!(busiest <= RATE + 1, "one second held {busiest} sends of a {RATE}/s budget, {busiest_at} µs in");
    // Spaced, not in bursts the one-second window would cap: 200 ms hold 10 sends at 50/s.
    let busiest_fifth = (0..arrivals.len())
        .map(|i| arrivals[i..].iter().take_while(|t| **t - arrivals[i] < 200_000).count())
        .max()
        .unwrap();
    assert!(
        busiest_fifth <= RATE / 5 + 4,
        "200 ms held {busiest_fifth} sends: a burst: {:?}",
        arrivals.iter().map(|t| t / 1000).collect::<Vec<_>>()
    );

    // The outage is the longest silence; before it, the four together ran at the budget.
    let (gap_at, gap) = arrivals.windows(2).enumerate().map(|(i, w)| (i, w[1] - w[0])).max_by_key(|(_, g)| *g).unwrap();
    assert!(gap >= 1_900_000, "nothing went out while Redis was down: longest silence {gap} µs");
    let before = &arrivals[..=gap_at];
    let rate = (before.len() - 1) as f64 / ((before[before.len() - 1] - before[0]) as f64 / 1e6);
    println!("busiest second {busiest} (200 ms: {busiest_fifth}), {rate:.2}/s before the outage, silence {gap} µs");
    assert!(rate >= 0.98 * RATE as f64, "the fleet reached {rate:.2}/s of {RATE}/s");
    std::fs::remove_dir_all(&root).unwrap();
}
