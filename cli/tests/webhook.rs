//! `chatlane webhook`: the sandbox pushes receipts to it, three times each; each event is
//! printed once, as one JSON line; a push without the URL token is refused.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use chatlane_core::{Client, ClientConfig, ClientOptions, Message, TemplateParams};
use chatlane_sandbox::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Sandbox, SandboxConfig};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStderr, ChildStdout, Command};
use tokio::time::timeout;

#[path = "support/run.rs"]
mod run;

use run::raw_post;

const BUSINESS: &str = "8613800000000";

async fn next_line(lines: &mut Lines<BufReader<ChildStdout>>) -> Option<String> {
    timeout(Duration::from_secs(10), lines.next_line()).await.ok()?.unwrap()
}

/// A running `chatlane webhook` on a free port, recording in `store`.
struct Webhook {
    child: Child,
    url: String,
    stdout: Lines<BufReader<ChildStdout>>,
    stderr: Lines<BufReader<ChildStderr>>,
}

async fn webhook(store: &Path) -> Webhook {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chatlane"))
        .args(["webhook", "--port", "0", "--cams-token", "t0k"])
        .arg("--store")
        .arg(store)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    let stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = timeout(Duration::from_secs(10), stderr.next_line()).await.unwrap().unwrap().unwrap();
    let url = first.strip_prefix("chatlane webhook listening on ").expect(&first).to_owned();
    let second = timeout(Duration::from_secs(10), stderr.next_line()).await.unwrap().unwrap().unwrap();
    assert_eq!(second, format!("store: {}", store.display()));
    Webhook { child, url, stdout, stderr }
}

/// A sandbox pushing CAMS receipts to `url` (inbound messages without the token).
async fn pushing_sandbox(url: &str) -> Sandbox {
    let config = SandboxConfig::parse(&format!(
        r#"{{"custSpaces": [{{"id": "cams-1", "numbers": ["{BUSINESS}"],
              "statusCallbackUrl": "{url}/cams/status?token=t0k", "upCallbackUrl": "{url}/cams/inbound"}}],
            "receiptDelayMs": 5}}"#
    ))
    .unwrap();
    Sandbox::start(config, ([127, 0, 0, 1], 0).into()).await.unwrap()
}

fn remove_store(store: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", store.display()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_pushed_event_is_printed_once() {
    let store = std::env::temp_dir().join(format!("chatlane-cli-webhook-{}.db", std::process::id()));
    let Webhook { child, url, stdout: mut lines, mut stderr } = webhook(&store).await;
    let sandbox = pushing_sandbox(&url).await;
    sandbox.inject(serde_json::from_str(r#"{"fault": {"kind": "duplicate", "count": 3}, "times": 3}"#).unwrap());
    let options = ClientOptions {
        access_key_id: Some(DEFAULT_ACCESS_KEY_ID.into()),
        access_key_secret: Some(DEFAULT_ACCESS_KEY_SECRET.into()),
        endpoint: Some(sandbox.endpoint()),
        ..ClientOptions::default()
    };
    let client = Client::new(ClientConfig::from_options(options).unwrap()).unwrap();
    let message = Message::template(BUSINESS, "6591234567", "744c4b5c79c94324", "en", TemplateParams::default());
    let receipt = client.send(&message).await.unwrap();

    let mut statuses = Vec::new();
    for _ in 0..3 {
        let line = next_line(&mut lines).await.expect("an event line");
        let event: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(
            (event["event"].as_str(), event["messageId"].as_str()),
            (Some("status"), Some(&*receipt.message_id))
        );
        statuses.push(event["status"].as_str().unwrap().to_owned());
    }
    assert_eq!(statuses, ["sent", "delivered", "read"]);
    let more = timeout(Duration::from_millis(500), lines.next_line()).await;
    assert!(more.is_err(), "the redeliveries print nothing: {more:?}");

    // The inbound URL has no token: the receiver refuses the push and says so on stderr.
    let inbound = r#"{"from": "6591234567", "to": "8613800000000", "text": "hi"}"#;
    let pushed = raw_post(&sandbox.endpoint(), "/_sandbox/inbound", inbound).await;
    assert!(pushed.starts_with("HTTP/1.1 200"), "{pushed}");
    let refused = timeout(Duration::from_secs(10), stderr.next_line()).await.unwrap().unwrap().unwrap();
    assert!(refused.starts_with("401 /cams/inbound: SignatureMismatch"), "{refused}");
    drop(child);
    remove_store(&store);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_rows_of_unknown_outcome_are_resolved_by_their_receipts() {
    let dir = std::env::temp_dir().join(format!("chatlane-cli-reconcile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = dir.join("events.db");
    let mut webhook = webhook(&store).await;
    let sandbox = pushing_sandbox(&webhook.url).await;
    let (garbled, plain) = ("6591000001", "6591000002");
    let rule = json!({"fault": {"kind": "accept_then", "body": "<html>502 Bad Gateway</html>"}, "to": garbled});
    sandbox.inject(serde_json::from_value(rule).unwrap());
    std::fs::write(dir.join("people.csv"), format!("to,name\n{garbled},A\n{plain},B\n")).unwrap();
    let bulk = |extra: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_chatlane"));
        command
            .args(["bulk", "--quiet", "--csv", "people.csv", "--from", BUSINESS, "--template", "T1"])
            .args(["--language", "en", "--endpoint", &sandbox.endpoint(), "--store", "events.db"])
            .args(extra)
            .env("ALIBABA_CLOUD_ACCESS_KEY_ID", DEFAULT_ACCESS_KEY_ID)
            .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", DEFAULT_ACCESS_KEY_SECRET)
            .current_dir(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        command
    };

    let first = bulk(&[]).output().await.unwrap();
    let log = String::from_utf8_lossy(&first.stderr);
    assert_eq!(first.status.code(), Some(1), "{log}");
    assert!(log.contains("sent 1, failed 0, outcome unknown 1"), "{log}");
    for _ in 0..6 {
        next_line(&mut webhook.stdout).await.expect("the six receipts of both messages");
    }

    let reconciled = bulk(&["--reconcile"]).output().await.unwrap();
    let log = String::from_utf8_lossy(&reconciled.stderr);
    assert_eq!(reconciled.status.code(), Some(0), "{log}");
    assert!(log.contains("reconciled: 1 sent (a receipt carries their TaskId), 0 re-sent"), "{log}");
    assert!(log.contains("0 failed again, 0 still unknown"), "{log}");
    let landed: Vec<_> = sandbox.ledger().entries().into_iter().filter(|e| e.params["To"] == garbled).collect();
    assert_eq!(landed.len(), 1);
    let results = std::fs::read_to_string(dir.join("people.results.csv")).unwrap();
    let last = results.lines().rfind(|line| line.starts_with(garbled)).unwrap();
    assert!(last.contains(&format!(",sent,{},", landed[0].message_id)), "{results}");

    let again = bulk(&[]).output().await.unwrap();
    let log = String::from_utf8_lossy(&again.stderr);
    assert_eq!(again.status.code(), Some(0), "{log}");
    assert!(log.contains("2 already sent"), "{log}");
    assert_eq!(sandbox.ledger().len(), 2, "nothing sent twice");
    drop(webhook);
    std::fs::remove_dir_all(&dir).unwrap();
}
