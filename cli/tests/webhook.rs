//! `chatlane webhook`: the sandbox pushes receipts to it, three times each; each event is
//! printed once, as one JSON line; a push without the URL token is refused.

use std::process::Stdio;
use std::time::Duration;

use chatlane_core::{Client, ClientConfig, ClientOptions, Message, TemplateParams};
use chatlane_sandbox::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Sandbox, SandboxConfig};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{ChildStdout, Command};
use tokio::time::timeout;

const BUSINESS: &str = "8613800000000";

async fn next_line(lines: &mut Lines<BufReader<ChildStdout>>) -> Option<String> {
    timeout(Duration::from_secs(10), lines.next_line()).await.ok()?.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_pushed_event_is_printed_once() {
    let store = std::env::temp_dir().join(format!("chatlane-cli-webhook-{}.db", std::process::id()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_chatlane"))
        .args(["webhook", "--port", "0", "--cams-token", "t0k"])
        .arg("--store")
        .arg(&store)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = timeout(Duration::from_secs(10), stderr.next_line()).await.unwrap().unwrap().unwrap();
    let url = first.strip_prefix("chatlane webhook listening on ").expect(&first).to_owned();
    let second = timeout(Duration::from_secs(10), stderr.next_line()).await.unwrap().unwrap().unwrap();
    assert_eq!(second, format!("store: {}", store.display()));

    let config = SandboxConfig::parse(&format!(
        r#"{{"custSpaces": [{{"id": "cams-1", "numbers": ["{BUSINESS}"],
              "statusCallbackUrl": "{url}/cams/status?token=t0k", "upCallbackUrl": "{url}/cams/inbound"}}],
            "receiptDelayMs": 5}}"#
    ))
    .unwrap();
    let sandbox = Sandbox::start(config, ([127, 0, 0, 1], 0).into()).await.unwrap();
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

    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let line = next_line(&mut stdout).await.expect("an event line");
        let event: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(
            (event["event"].as_str(), event["messageId"].as_str()),
            (Some("status"), Some(&*receipt.message_id))
        );
        statuses.push(event["status"].as_str().unwrap().to_owned());
    }
    assert_eq!(statuses, ["sent", "delivered", "read"]);
    let more = timeout(Duration::from_millis(500), stdout.next_line()).await;
    assert!(more.is_err(), "the redeliveries print nothing: {more:?}");

    // The inbound URL has no token: the receiver refuses the push and says so on stderr.
    let inbound = r#"{"from": "6591234567", "to": "8613800000000", "text": "hi"}"#;
    let pushed = raw_post(&sandbox.endpoint(), "/_sandbox/inbound", inbound).await;
    assert!(pushed.starts_with("HTTP/1.1 200"), "{pushed}");
    let refused = timeout(Duration::from_secs(10), stderr.next_line()).await.unwrap().unwrap().unwrap();
    assert!(refused.starts_with("401 /cams/inbound: SignatureMismatch"), "{refused}");
    drop(child);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", store.display()));
    }
}

/// One POST over a raw connection (the CLI's tests carry no HTTP client); the answer's text.
async fn raw_post(endpoint: &str, path: &str, body: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = endpoint.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let request = format!(
        "POST {path} HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
}
