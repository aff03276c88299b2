//! `chatlane messages list --provider meta --store FILE`: a Meta number's history is what
//! `chatlane webhook --store FILE` recorded of the webhooks Meta (the sandbox's Meta face)
//! posted to it, signed with the app secret: an inbound message, a send read, a send failed.
//! Read back as JSON lines and as a table, filtered and limited; and what is refused: Meta
//! without `--store`, a store that does not exist, CAMS's `--template`, `--store` on CAMS.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use chatlane_sandbox::meta::{DEFAULT_APP_SECRET, DEFAULT_PHONE_NUMBER_ID, DEFAULT_TOKEN};
use chatlane_sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;
use tokio::time::timeout;

#[path = "support/run.rs"]
mod run;

use run::{Ran, chatlane, raw_post, summary};

const ADA: &str = "16505551234";
const BO: &str = "16505557777";

/// The message IDs of a successful `--json` run, in the order printed.
fn ids(ran: &Ran) -> Vec<String> {
    ran.json_lines().iter().map(|record| record["messageId"].as_str().unwrap().to_owned()).collect()
}

/// Runs `chatlane ARGS` with none of the provider's variables set.
async fn run(args: &[&str]) -> Ran {
    Ran::of(&mut chatlane(args)).await
}

/// `chatlane messages list --provider meta --access-token t --from <phone number ID> --store
/// STORE ARGS`: no request is made (no endpoint is given, and none is reachable).
async fn history(store: &Path, args: &[&str]) -> Ran {
    let store = store.to_str().unwrap();
    let base = ["messages", "list", "--provider", "meta", "--access-token", "t", "--from", DEFAULT_PHONE_NUMBER_ID];
    run(&[&base[..], &["--store", store], args].concat()).await
}

/// `chatlane send --provider meta` of a text to `to` through `sandbox`: the wamid.
async fn send(sandbox: &Sandbox, to: &str) -> String {
    let endpoint = sandbox.endpoint();
    let sent = run(&[
        "send",
        "--provider",
        "meta",
        "--endpoint",
        &endpoint,
        "--access-token",
        DEFAULT_TOKEN,
        "--from",
        DEFAULT_PHONE_NUMBER_ID,
        "--to",
        to,
        "--text",
        "on its way",
    ])
    .await;
    sent.ok().strip_prefix("MessageId=").unwrap().split_whitespace().next().unwrap().to_owned()
}

/// Meta's webhooks times are whole seconds: one apart, the records' order is their age's.
async fn next_second() {
    tokio::time::sleep(Duration::from_millis(1_100)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meta_number_s_history_is_what_the_webhook_recorded_in_the_store() {
    let dir = std::env::temp_dir().join(format!("chatlane-cli-meta-history-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = dir.join("events.db");

    let mut webhook = Command::new(env!("CARGO_BIN_EXE_chatlane"))
        .args(["webhook", "--port", "0", "--meta-app-secret", DEFAULT_APP_SECRET, "--store"])
        .arg(&store)
        .env_remove("WHATSAPP_VERIFY_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(webhook.stderr.take().unwrap()).lines();
    let mut events = BufReader::new(webhook.stdout.take().unwrap()).lines();
    let first = timeout(Duration::from_secs(10), stderr.next_line()).await.unwrap().unwrap().unwrap();
    let url = first.strip_prefix("chatlane webhook listening on ").expect(&first).to_owned();

    let config = format!(r#"{{"meta": {{"webhookUrl": "{url}/meta"}}, "receiptDelayMs": 5}}"#);
    let sandbox = Sandbox::start(SandboxConfig::parse(&config).unwrap(), ([127, 0, 0, 1], 0).into()).await.unwrap();
    let inbound = format!(r#"{{"from": "{ADA}", "to": "{DEFAULT_PHONE_NUMBER_ID}", "text": "where is my order?"}}"#);
    let answer = raw_post(&sandbox.endpoint(), "/_sandbox/meta/inbound", &inbound).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let body: Value = serde_json::from_str(answer.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    let inbound_id = body["id"].as_str().unwrap().to_owned();
    next_second().await;
    let answered = send(&sandbox, ADA).await; // in Ada's open window: sent, delivered, read
    next_second().await;
    let failed = send(&sandbox, BO).await; // Bo never wrote: failed, 131047

    // The webhook prints each event it recorded: wait for the last ones.
    let (mut read, mut refused) = (false, false);
    while !(read && refused) {
        let line = timeout(Duration::from_secs(10), events.next_line()).await.unwrap().unwrap().unwrap();
        let event: Value = serde_json::from_str(&line).unwrap();
        read |= event["messageId"] == *answered && event["status"] == "read";
        refused |= event["messageId"] == *failed && event["status"] == "failed";
    }

    let all = history(&store, &["--json"]).await.json_lines();
    let summary = summary(&all);
    assert_eq!(
        summary,
        [
            (&*failed, "outbound", BO, "failed"),
            (&*answered, "outbound", ADA, "read"),
            (&*inbound_id, "inbound", ADA, "received"),
        ],
        "newest first"
    );
    let sent_at: Vec<u64> = all.iter().map(|m| m["sentAtMs"].as_u64().unwrap()).collect();
    assert!(sent_at[0] > sent_at[1] && sent_at[1] > sent_at[2], "{sent_at:?}");
    assert!(all.iter().all(|m| m["businessNumber"] == DEFAULT_PHONE_NUMBER_ID && m["channel"] == "whatsapp"));
    assert!(all[0]["failReason"].as_str().unwrap().starts_with("131047"), "{}", all[0]);
    assert_eq!((all[1]["content"].as_str(), all[1]["messageType"].as_str()), (None, None), "receipts carry neither");
    assert_eq!(
        (all[2]["messageType"].as_str(), all[2]["content"].as_str()),
        (Some("text"), Some("where is my order?"))
    );

    let table = history(&store, &[]).await;
    let rows: Vec<&str> = table.ok().lines().collect();
    assert_eq!(rows.len(), 4, "{}", table.stdout);
    assert!(rows[0].starts_with("SENT AT") && rows[0].ends_with("MESSAGE ID"), "{}", rows[0]);
    let types = ["-", "-", "text"];
    for ((row, (id, direction, user, status)), kind) in rows[1..].iter().zip(&summary).zip(types) {
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cells[1..], [*direction, *user, kind, *status, *id], "{row}");
        assert!(cells[0].ends_with('Z') && cells[0].len() == 20, "an RFC 3339 time: {row}");
    }

    assert_eq!(ids(&history(&store, &["--user", ADA, "--json"]).await), [&*answered, &*inbound_id]);
    assert_eq!(ids(&history(&store, &["--user", BO, "--json"]).await), [&*failed]);
    assert_eq!(ids(&history(&store, &["--direction", "inbound", "--json"]).await), [&*inbound_id]);
    assert_eq!(ids(&history(&store, &["--status", "failed", "--json"]).await), [&*failed]);
    assert_eq!(ids(&history(&store, &["--limit", "1", "--json"]).await), [&*failed]);
    assert_eq!(ids(&history(&store, &["--page-size", "1", "--limit", "2", "--json"]).await), [&*failed, &*answered]);
    assert_eq!(ids(&history(&store, &["--page-size", "1", "--json"]).await), [&*failed, &*answered, &*inbound_id]);
    let other = run(&[
        "messages",
        "list",
        "--provider",
        "meta",
        "--access-token",
        "t",
        "--from",
        "106540352242999",
        "--store",
        store.to_str().unwrap(),
    ])
    .await;
    assert_eq!(other.ok(), "SENT AT  DIRECTION  USER  TYPE  STATUS  MESSAGE ID\n", "another number's history");

    let template = history(&store, &["--template", "744c4b5c"]).await;
    assert_eq!(template.code, Some(1), "{}", template.stderr);
    assert!(
        template.stderr.contains("error [InvalidParameter / invalid_parameter]: templateCode: "),
        "{}",
        template.stderr
    );
    drop(webhook);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn meta_history_needs_an_existing_store_and_cams_takes_none() {
    let meta = ["messages", "list", "--provider", "meta", "--access-token", "t", "--from", DEFAULT_PHONE_NUMBER_ID];
    let storeless = run(&meta).await;
    assert_eq!(storeless.code, Some(2), "{}", storeless.stderr);
    assert!(storeless.stdout.is_empty(), "{}", storeless.stdout);
    assert!(
        storeless.stderr.contains("error [InvalidConfig / configuration]: Meta keeps no message history"),
        "{}",
        storeless.stderr
    );
    assert!(storeless.stderr.contains("hint: pass --store FILE"), "{}", storeless.stderr);

    let missing = std::env::temp_dir().join(format!("chatlane-cli-no-store-{}.db", std::process::id()));
    let absent = run(&[&meta[..], &["--store", missing.to_str().unwrap()]].concat()).await;
    assert_eq!(absent.code, Some(2), "{}", absent.stderr);
    assert!(
        absent.stderr.contains("InvalidConfig") && absent.stderr.contains("no event store at"),
        "{}",
        absent.stderr
    );
    assert!(!missing.exists(), "listing does not create a store");

    let cams_list = ["messages", "list", "--from", "8613800000000", "--sandbox", "--cust-space-id", "cams-1"];
    let cams = run(&[&cams_list[..], &["--store", "events.db"]].concat()).await;
    assert_eq!(cams.code, Some(2), "{}", cams.stderr);
    assert!(
        cams.stderr.contains("error [InvalidConfig / configuration]: --store is an option of the meta provider"),
        "{}",
        cams.stderr
    );
    let plain = run(&cams_list).await;
    assert_eq!(plain.ok(), "SENT AT  DIRECTION  USER  TYPE  STATUS  MESSAGE ID\n", "CAMS's history needs no store");
}
