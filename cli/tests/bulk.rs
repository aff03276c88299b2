//! `chatlane bulk` end to end against the in-process sandbox: pacing, results, and an
//! interrupted run resumed without a single double send.

#[path = "support/bulk_command.rs"]
mod bulk_command;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use chatlane_sandbox::{Sandbox, SandboxConfig};
use serde_json::json;
use tokio::process::Command;

const RECIPIENTS: usize = 2000;
const RATE: usize = 500;

fn bulk(endpoint: &str, dir: &Path) -> Command {
    bulk_command::bulk(endpoint, dir, RATE)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_bulk_run_resumes_without_double_sends() {
    let mut config = SandboxConfig::default();
    config.limits.send_per_second = 2 * RATE as u32;
    let sandbox = Sandbox::start(config, SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
    let dir = std::env::temp_dir().join(format!("chatlane-bulk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut csv = String::from("to,name\n");
    for i in 0..RECIPIENTS {
        csv.push_str(&format!("{},Person {i}\n", 6_590_000_000u64 + i as u64));
    }
    std::fs::write(dir.join("people.csv"), csv).unwrap();

    let first = bulk(&sandbox.endpoint(), &dir).spawn().unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let pid = first.id().unwrap().to_string();
    assert!(std::process::Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    let first = first.wait_with_output().await.unwrap();
    let first_log = String::from_utf8_lossy(&first.stderr);
    assert_eq!(first.status.code(), Some(130), "{first_log}");
    assert!(first_log.contains("interrupted"), "{first_log}");
    let after_first = sandbox.ledger().len();
    assert!(after_first > 0 && after_first < RECIPIENTS, "{after_first} sent before the interruption");

    let second = bulk(&sandbox.endpoint(), &dir).output().await.unwrap();
    let second_log = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(0), "{second_log}");
    assert!(second_log.contains(&format!("{after_first} already sent")), "{second_log}");

    let entries = sandbox.ledger().entries();
    let recipients: HashSet<&str> = entries.iter().map(|e| e.params["To"].as_str()).collect();
    assert_eq!(entries.len(), RECIPIENTS, "every recipient exactly once");
    assert_eq!(recipients.len(), RECIPIENTS);
    let seventh = entries.iter().find(|e| e.params["To"] == "6590000007").unwrap();
    assert_eq!(seventh.params["TemplateParams"], r#"{"name":"Person 7"}"#);

    let mut arrivals: Vec<u64> = entries.iter().map(|e| e.received_at_us).collect();
    arrivals.sort_unstable();
    let busiest = (0..arrivals.len())
        .map(|i| arrivals[i..].iter().take_while(|t| **t - arrivals[i] < 1_000_000).count())
        .max()
        .unwrap();
    println!("{after_first} sent before the interruption; busiest second at the sandbox: {busiest}");

    let results = std::fs::read_to_string(dir.join("people.results.csv")).unwrap();
    let sent_rows = results.lines().filter(|l| l.contains(",sent,")).count();
    assert_eq!(sent_rows, RECIPIENTS);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_accepted_message_answered_with_garbage_is_unknown_and_never_resent_on_resume() {
    let sandbox = Sandbox::start(SandboxConfig::default(), SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
    let (accepted, refused, plain) = ("6591000001", "6591000002", "6591000003");
    let rule = |fault: serde_json::Value, to: &str| serde_json::from_value(json!({"fault": fault, "to": to})).unwrap();
    sandbox.inject(rule(json!({"kind": "accept_then", "body": "<html>502 Bad Gateway</html>"}), accepted));
    sandbox.inject(rule(json!({"kind": "error", "status": 200, "code": "InvalidParameter.PhoneNumberError"}), refused));
    let dir = std::env::temp_dir().join(format!("chatlane-bulk-unknown-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("people.csv"), format!("to,name\n{accepted},A\n{refused},B\n{plain},C\n")).unwrap();
    let landed = |to: &str| sandbox.ledger().entries().iter().filter(|e| e.params["To"] == to).count();

    let first = bulk(&sandbox.endpoint(), &dir).output().await.unwrap();
    let first_log = String::from_utf8_lossy(&first.stderr);
    assert_eq!(first.status.code(), Some(1), "{first_log}");
    assert!(first_log.contains("outcome unknown 1"), "{first_log}");
    let results = std::fs::read_to_string(dir.join("people.results.csv")).unwrap();
    assert!(results.lines().any(|l| l.starts_with(accepted) && l.contains(",unknown,,OutcomeUnknown,1")), "{results}");
    assert_eq!((landed(accepted), landed(refused), landed(plain)), (1, 0, 1));

    let second = bulk(&sandbox.endpoint(), &dir).output().await.unwrap();
    let second_log = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(0), "{second_log}");
    assert!(second_log.contains("1 already sent, 1 unknown from an earlier run"), "{second_log}");
    assert_eq!((landed(accepted), landed(refused), landed(plain)), (1, 1, 1), "only the refused row is sent again");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_the_history_proves_absent_is_resent_once_and_one_it_holds_is_not() {
    let sandbox = Sandbox::start(SandboxConfig::default(), SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
    let dir = std::env::temp_dir().join(format!("chatlane-bulk-absent-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (lost, taken, fine) = ("6591000001", "6591000002", "6591000003");
    std::fs::write(dir.join("people.csv"), format!("to,name\n{lost},A\n{taken},B\n{fine},C\n")).unwrap();
    for (to, kind) in [(lost, "drop"), (taken, "accept_then_drop")] {
        sandbox.inject(serde_json::from_value(json!({"fault": {"kind": kind}, "to": to})).unwrap());
    }
    let run = |extra: &[&str]| {
        let mut command = bulk(&sandbox.endpoint(), &dir);
        command.args(["--store", "events.db", "--cust-space-id", "cams-sandbox"]).args(extra);
        command
    };

    let first = run(&[]).output().await.unwrap();
    let log = String::from_utf8_lossy(&first.stderr);
    assert!(log.contains("sent 1, failed 0, outcome unknown 2"), "{log}");
    let early = run(&["--reconcile"]).output().await.unwrap();
    let log = String::from_utf8_lossy(&early.stderr);
    assert_eq!(early.status.code(), Some(1), "{log}");
    assert!(log.contains("0 re-sent (the history proved them absent), 0 failed again, 2 still unknown"), "{log}");

    let reconciled = run(&["--reconcile", "--settle", "0"]).output().await.unwrap();
    let log = String::from_utf8_lossy(&reconciled.stderr);
    assert_eq!(reconciled.status.code(), Some(1), "the one the history holds stays unknown: {log}");
    assert!(log.contains("1 re-sent (the history proved them absent), 0 failed again, 1 still unknown"), "{log}");
    let to = |recipient: &str| sandbox.ledger().entries().into_iter().filter(|e| e.params["To"] == recipient).count();
    assert_eq!((to(lost), to(taken), to(fine)), (1, 1, 1));

    let again = run(&["--reconcile", "--settle", "0"]).output().await.unwrap();
    let log = String::from_utf8_lossy(&again.stderr);
    assert!(log.contains("0 re-sent (the history proved them absent), 0 failed again, 1 still unknown"), "{log}");
    assert_eq!(sandbox.ledger().len(), 3, "nothing sent twice");
    let results = std::fs::read_to_string(dir.join("people.results.csv")).unwrap();
    let last = results.lines().rfind(|line| line.starts_with(lost)).unwrap();
    assert!(last.contains(",sent,"), "{results}");
    std::fs::remove_dir_all(&dir).unwrap();
}
