//! `chatlane bulk --job`: workers of one CSV job (each with its own copy, as on several hosts)
//! claim its rows in a real Redis, so each row is sent once; a worker killed mid-send leaves
//! its rows claimed until its heartbeat expires, and the next worker marks them `unknown`
//! (never re-sent). The exported results hold every row. (Apart from `fleet.rs`, whose
//! per-second counts are measured with nothing else running in the test binary.)

#[path = "support/bulk_command.rs"]
mod bulk_command;
#[path = "../../core/tests/support/redis_server.rs"]
mod redis_server;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chatlane_sandbox::{Sandbox, SandboxConfig};
use redis_server::RedisServer;
use tokio::process::Command;

/// A worker of the shared job over its own copy of the CSV in `dir`, paced at 50/s.
fn job_worker(endpoint: &str, redis: &str, dir: &Path) -> Command {
    let mut command = bulk_command::bulk(endpoint, dir, 50);
    command.args(["--redis", redis, "--job", "spring-campaign", "--concurrency", "8"]);
    command
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workers_of_one_job_send_each_row_once_and_a_dead_workers_rows_become_unknown() {
    const JOB_ROWS: usize = 120;
    let mut config = SandboxConfig::default();
    config.limits.send_per_second = 1_000;
    let sandbox = Sandbox::start(config, SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
    let slow = serde_json::json!({"fault": {"kind": "latency", "ms": 150, "jitterMs": 0}, "times": 1_000_000});
    sandbox.inject(serde_json::from_value(slow).unwrap());
    let redis = RedisServer::start();
    let root = std::env::temp_dir().join(format!("chatlane-job-{}", std::process::id()));
    let rows: String = (0..JOB_ROWS).map(|i| format!("{}\n", 6_597_000_000 + i)).collect();
    let dirs: Vec<PathBuf> = (0..4).map(|w| root.join(w.to_string())).collect();
    for dir in &dirs {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("people.csv"), format!("to\n{rows}")).unwrap();
    }

    let mut workers: Vec<_> =
        dirs[..3].iter().map(|dir| job_worker(&sandbox.endpoint(), &redis.url(), dir).spawn().unwrap()).collect();
    tokio::time::sleep(Duration::from_millis(800)).await;
    let killed = workers.remove(0);
    assert!(
        std::process::Command::new("kill")
            .args(["-KILL", &killed.id().unwrap().to_string()])
            .status()
            .unwrap()
            .success()
    );
    for worker in workers {
        let done = worker.wait_with_output().await.unwrap();
        let log = String::from_utf8_lossy(&done.stderr);
        assert!(matches!(done.status.code(), Some(0 | 1)), "{log}");
    }
    // The dead worker's claims outlive it until its heartbeat expires; then a new worker
    // finds them, marks them unknown and sends nothing twice.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let last = job_worker(&sandbox.endpoint(), &redis.url(), &dirs[3]).output().await.unwrap();
    let log = String::from_utf8_lossy(&last.stderr);

    let entries = sandbox.ledger().entries();
    let mut landed: Vec<&str> = entries.iter().map(|e| e.params["To"].as_str()).collect();
    landed.sort_unstable();
    let distinct: HashSet<&str> = landed.iter().copied().collect();
    assert_eq!(distinct.len(), landed.len(), "no row was sent twice");
    let results = std::fs::read_to_string(dirs[3].join("people.results.csv")).unwrap();
    let statuses: Vec<&str> = results.lines().skip(1).map(|line| line.split(',').nth(2).unwrap()).collect();
    let (sent, unknown) =
        (statuses.iter().filter(|s| **s == "sent").count(), statuses.iter().filter(|s| **s == "unknown").count());
    println!("{} landed; the job's results: {sent} sent, {unknown} unknown; last worker: {log}", landed.len());
    assert_eq!(statuses.len(), JOB_ROWS, "every row is in the exported results: {results}");
    assert_eq!(sent + unknown, JOB_ROWS, "{results}");
    assert!(unknown >= 1, "the killed worker had sends in flight: {results}");
    for line in results.lines().skip(1).filter(|line| line.contains(",sent,")) {
        let to = line.split(',').next().unwrap();
        assert!(distinct.contains(to), "a row marked sent landed: {to}");
    }
    assert!(log.contains(&format!("skipped: {sent} already sent, {unknown} unknown")), "{log}");
    std::fs::remove_dir_all(&root).unwrap();
}
