//! `chatlane templates`, `messages` and `numbers` as a user runs them, against a sandbox
//! started in-process (reached with `--endpoint` and the keys in the environment) or the
//! embedded one (`--sandbox --sandbox-config`): every page walked, tables and JSON lines,
//! templates created, modified and deleted, typed errors and usage errors.

use std::time::Duration;

use chatlane_sandbox::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Sandbox, SandboxConfig};
use serde_json::{Value, json};

#[path = "support/run.rs"]
mod run;

use run::{Ran, chatlane, raw_post, summary};

const BUSINESS: &str = "8613800000000";
const SPACE: &str = "cams-1";
const ADA: &str = "6591234567";
const BO: &str = "6597654321";

/// A sandbox configuration: channel instance `cams-1` with `numbers`, five approved
/// templates (T1 with variables and buttons) and one in review.
fn config(numbers: Value) -> String {
    let t1 = json!({"code": "T1", "name": "order_update", "language": "en", "variables": ["name", "order"],
        "body": "Hi $(name), order $(order) shipped",
        "buttons": [{"Type": "QUICK_REPLY", "Text": "Stop"},
                    {"Type": "URL", "Text": "Track", "Url": "https://shop.example/$(order)", "UrlType": "dynamic"}]});
    let mut templates = vec![t1];
    templates.extend((2..=5).map(|i| json!({"code": format!("T{i}"), "name": format!("t{i}"), "language": "en"})));
    templates.push(json!({"code": "R1", "name": "spring_sale", "language": "en", "auditStatus": "auditing",
                          "category": "MARKETING"}));
    json!({"custSpaces": [{"id": SPACE, "numbers": numbers}], "templates": templates, "receiptDelayMs": 5}).to_string()
}

async fn sandbox(numbers: Value) -> Sandbox {
    let config = SandboxConfig::parse(&config(numbers)).unwrap();
    Sandbox::start(config, ([127, 0, 0, 1], 0).into()).await.unwrap()
}

/// Runs `chatlane ARGS`, with `sandbox` as the endpoint and its keys in the environment.
async fn run(sandbox: Option<&Sandbox>, args: &[&str]) -> Ran {
    let mut command = chatlane(args);
    if let Some(sandbox) = sandbox {
        command
            .args(["--endpoint", &sandbox.endpoint(), "--cust-space-id", SPACE])
            .env("ALIBABA_CLOUD_ACCESS_KEY_ID", DEFAULT_ACCESS_KEY_ID)
            .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", DEFAULT_ACCESS_KEY_SECRET);
    }
    Ran::of(&mut command).await
}

/// `chatlane messages list --from BUSINESS ARGS` against `sandbox`.
async fn history(sandbox: &Sandbox, args: &[&str]) -> Ran {
    run(Some(sandbox), &[&["messages", "list", "--from", BUSINESS][..], args].concat()).await
}

/// Sends from BUSINESS with `chatlane send ARGS` through `sandbox`: the MessageId.
async fn send(sandbox: &Sandbox, args: &[&str]) -> String {
    let sent = run(Some(sandbox), &[&["send", "--from", BUSINESS][..], args].concat()).await;
    sent.ok().strip_prefix("MessageId=").unwrap().split(' ').next().unwrap().to_owned()
}

/// How many requests of `action` the sandbox has answered (a throttled one, asked again by
/// the core, is not counted).
fn requests(sandbox: &Sandbox, action: &str) -> usize {
    sandbox.requests().iter().filter(|r| r.action == action && r.outcome == "OK").count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn templates_list_walks_every_page_as_a_table_and_as_json_lines() {
    let sandbox = sandbox(json!([BUSINESS])).await;
    let table = run(Some(&sandbox), &["templates", "list", "--page-size", "2"]).await;
    assert_eq!(
        table.ok(),
        "CODE  NAME          LANGUAGE  STATUS    CATEGORY\n\
         T1    order_update  en        pass      UTILITY\n\
         T2    t2            en        pass      UTILITY\n\
         T3    t3            en        pass      UTILITY\n\
         T4    t4            en        pass      UTILITY\n\
         T5    t5            en        pass      UTILITY\n\
         R1    spring_sale   en        auditing  MARKETING\n"
    );
    assert_eq!(requests(&sandbox, "ListChatappTemplate"), 3, "three pages of two");

    let lines = run(Some(&sandbox), &["templates", "list", "--page-size", "2", "--json"]).await.json_lines();
    let codes: Vec<&str> = lines.iter().map(|t| t["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["T1", "T2", "T3", "T4", "T5", "R1"]);
    assert_eq!(
        lines[5],
        json!({"code": "R1", "name": "spring_sale", "language": "en", "auditStatus": "auditing",
               "category": "MARKETING", "templateType": "WHATSAPP"})
    );
    assert_eq!(requests(&sandbox, "ListChatappTemplate"), 6);

    let in_review = run(Some(&sandbox), &["templates", "list", "--status", "auditing", "--json"]).await;
    assert_eq!(in_review.json_lines().len(), 1);
    assert!(in_review.stdout.contains(r#""code":"R1""#), "{}", in_review.stdout);
    let one = run(Some(&sandbox), &["templates", "list", "--code", "T3", "--language", "en"]).await;
    assert_eq!(one.ok().lines().count(), 2, "the header and T3");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn templates_show_tells_the_detail_and_an_unknown_one_is_template_not_found() {
    let sandbox = sandbox(json!([BUSINESS])).await;
    let shown = run(Some(&sandbox), &["templates", "show", "T1", "--language", "en"]).await;
    assert_eq!(
        shown.ok(),
        "code:     T1\n\
         name:     order_update\n\
         language: en\n\
         status:   pass (may be sent)\n\
         category: UTILITY\n\
         type:     WHATSAPP\n\
         quality:  GREEN\n\
         example:  name=<name> order=<order>\n\
         components:\n  \
           BODY: Hi $(name), order $(order) shipped\n  \
           BUTTONS\n    \
             - QUICK_REPLY \"Stop\"\n    \
             - URL \"Track\" https://shop.example/$(order) (dynamic)\n"
    );
    let review = run(Some(&sandbox), &["templates", "show", "R1", "--language", "en"]).await;
    assert!(review.ok().contains("status:   auditing (may not be sent)\n"), "{}", review.stdout);

    let detail = run(Some(&sandbox), &["templates", "show", "T1", "--language", "en", "--json"]).await.json_lines();
    assert_eq!(detail.len(), 1);
    let detail = &detail[0];
    assert_eq!((detail["allowSend"].as_bool(), detail["qualityScore"].as_str()), (Some(true), Some("GREEN")));
    assert_eq!(detail["components"][0], json!({"kind": "BODY", "text": "Hi $(name), order $(order) shipped"}));
    assert_eq!(detail["components"][1]["buttons"][1]["urlType"], "dynamic");

    let missing = run(Some(&sandbox), &["templates", "show", "T9", "--language", "en"]).await;
    assert_eq!(missing.code, Some(1), "{}", missing.stderr);
    assert!(missing.stdout.is_empty());
    assert!(missing.stderr.contains("error [TemplateNotFound / template]: "), "{}", missing.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn templates_create_modify_and_delete() {
    let sandbox = sandbox(json!([BUSINESS])).await;
    let create = [
        "templates",
        "create",
        "order_shipped",
        "--language",
        "en",
        "--category",
        "UTILITY",
        "--header",
        "Order $(order)",
        "--body",
        "Hi $(name), order $(order) shipped.",
        "--footer",
        "Thanks",
        "--quick-reply",
        "Stop",
        "--example",
        "name=Ada",
        "--example",
        "order=42",
        "--json",
    ];
    let saved = run(Some(&sandbox), &create).await.json_lines().remove(0);
    let code = saved["code"].as_str().unwrap().to_owned();
    assert_eq!(saved["name"], "order_shipped");
    let listed = run(Some(&sandbox), &["templates", "list", "--code", &code, "--json"]).await.json_lines();
    assert_eq!((listed.len(), listed[0]["auditStatus"].as_str()), (1, Some("auditing")));
    let shown = run(Some(&sandbox), &["templates", "show", &code, "--language", "en", "--json"]).await;
    let detail = &shown.json_lines()[0];
    let kinds: Vec<_> = detail["components"].as_array().unwrap().iter().map(|c| c["kind"].clone()).collect();
    assert_eq!(kinds, ["HEADER", "BODY", "FOOTER", "BUTTONS"]);
    assert_eq!(detail["example"], json!({"name": "Ada", "order": "42"}));

    let file = std::env::temp_dir().join(format!("chatlane-components-{code}.json"));
    std::fs::write(&file, r#"[{"kind": "BODY", "text": "Bye $(who)"}]"#).unwrap();
    let file = file.to_str().unwrap();
    let modify = ["templates", "modify", &code, "--language", "en", "--components", file, "--ttl", "600"];
    let modified = run(Some(&sandbox), &modify).await;
    assert_eq!(modified.ok(), format!("modified template order_shipped (code {code}): in review until approved\n"));
    let detail = run(Some(&sandbox), &["templates", "show", &code, "--language", "en", "--json"]).await;
    let detail = &detail.json_lines()[0];
    assert_eq!(
        (&detail["components"], &detail["messageSendTtlSeconds"]),
        (&json!([{"kind": "BODY", "text": "Bye $(who)"}]), &json!(600))
    );

    let deleted = run(Some(&sandbox), &["templates", "delete", &code]).await;
    assert_eq!(deleted.ok(), format!("deleted template {code} in every language\n"));
    let gone = run(Some(&sandbox), &["templates", "delete", &code, "--language", "en"]).await;
    assert_eq!(gone.code, Some(1));
    assert!(gone.stderr.contains("error [TemplateNotFound / template]: DelError.TemplateNotExist"), "{}", gone.stderr);
    assert_eq!(requests(&sandbox, "DeleteChatappTemplate"), 1);

    let numbered = ["templates", "create", "n", "--language", "en", "--category", "UTILITY", "--body", "Hi {{1}}"];
    let refused = run(Some(&sandbox), &numbered).await;
    assert_eq!(refused.code, Some(1));
    assert!(
        refused.stderr.contains("error [InvalidParameter / invalid_parameter]: components[0].text: "),
        "{}",
        refused.stderr
    );
    assert_eq!(sandbox.requests().iter().filter(|r| r.action == "CreateChatappTemplate").count(), 1, "only the first");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn templates_writes_with_the_embedded_sandbox_and_usage_errors() {
    let create = ["templates", "create", "hello", "--language", "en", "--category", "MARKETING", "--body", "Hi"];
    let created = run(None, &[&create[..], &["--sandbox"]].concat()).await;
    assert!(created.ok().starts_with("created template hello (code "), "{}", created.stdout);
    let unknown = run(None, &["templates", "delete", "744c", "--sandbox"]).await;
    assert_eq!(unknown.code, Some(1));
    assert!(unknown.stderr.contains("error [TemplateNotFound / template]: "), "{}", unknown.stderr);
    for wrong in [
        &["templates", "create", "n", "--language", "en", "--body", "Hi"][..],
        &["templates", "create", "n", "--language", "en", "--category", "PROMO", "--body", "Hi"],
        &["templates", "create", "n", "--language", "en", "--category", "UTILITY"],
        &["templates", "modify", "C", "--language", "en", "--body", "Hi", "--components", "c.json"],
        &["templates", "modify", "C", "--language", "en", "--body", "Hi", "--example", "name"],
        &["templates", "delete", "C", "--type", "SMS"],
    ] {
        let refused = run(None, wrong).await;
        assert_eq!(refused.code, Some(2), "{wrong:?}: {}", refused.stderr);
        assert!(refused.stderr.starts_with("error: ") && refused.stdout.is_empty(), "{wrong:?}: {}", refused.stderr);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_sandbox_takes_a_configuration() {
    let dir = std::env::temp_dir().join(format!("chatlane-cli-operations-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("sandbox.json");
    std::fs::write(&file, config(json!([BUSINESS]))).unwrap();
    let file = file.to_str().unwrap();
    let embedded = ["--sandbox", "--sandbox-config", file];

    let lines = run(None, &[&["templates", "list", "--page-size", "4", "--json"][..], &embedded].concat()).await;
    assert_eq!(lines.json_lines().len(), 6);
    let missing = run(None, &[&["templates", "show", "T9", "--language", "en"][..], &embedded].concat()).await;
    assert_eq!(missing.code, Some(1));
    assert!(missing.stderr.contains("TemplateNotFound"), "{}", missing.stderr);
    let empty = run(None, &["templates", "list", "--sandbox"]).await;
    assert_eq!(empty.ok(), "CODE  NAME  LANGUAGE  STATUS  CATEGORY\n", "no registry, no templates");

    let unreadable = run(None, &["templates", "list", "--sandbox", "--sandbox-config", "/nonexistent.json"]).await;
    assert_eq!(unreadable.code, Some(2));
    assert!(unreadable.stderr.contains("InvalidConfig") && unreadable.stderr.contains("/nonexistent.json"));
    let without = run(None, &["templates", "list", "--sandbox-config", file]).await;
    assert_eq!(without.code, Some(2), "--sandbox-config needs --sandbox");
    assert!(without.stderr.contains("--sandbox"), "{}", without.stderr);
    // Meta: the WABA's templates (the sandbox's own WABA unless --waba-id names another).
    let meta = run(None, &["templates", "list", "--sandbox", "--provider", "meta"]).await;
    let listed = meta.ok();
    assert!(listed.lines().nth(1).is_some_and(|row| row.contains("hello_world") && row.contains("en_US")), "{listed}");
    // A Meta template's code is its ID, the listing's first column.
    let id = listed.lines().nth(1).and_then(|row| row.split_whitespace().next()).unwrap();
    let shown = run(None, &["templates", "show", id, "--language", "en_US", "--sandbox", "--provider", "meta"]).await;
    assert!(shown.ok().contains("Welcome and congratulations"), "{}", shown.stdout);
    let other = run(None, &["templates", "list", "--sandbox", "--provider", "meta", "--waba-id", "1"]).await;
    assert_ne!(other.code, Some(0), "another WABA's templates are not the sandbox's: {}", other.stdout);
    let cams = run(None, &["templates", "list", "--sandbox", "--waba-id", "102290129340398"]).await;
    assert_eq!(cams.code, Some(2));
    assert!(cams.stderr.contains("InvalidConfig") && cams.stderr.contains("meta provider"), "{}", cams.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_list_shows_sends_and_inbound_messages() {
    let sandbox = sandbox(json!([BUSINESS])).await;
    let inbound = format!(r#"{{"from": "{ADA}", "to": "{BUSINESS}", "text": "where is my order?"}}"#);
    assert!(raw_post(&sandbox.endpoint(), "/_sandbox/inbound", &inbound).await.starts_with("HTTP/1.1 200"));
    let text = send(&sandbox, &["--to", ADA, "--text", "on its way"]).await;
    let template = send(
        &sandbox,
        &["--to", BO, "--template", "T1", "--language", "en", "--param", "name=Bo", "--param", "order=42"],
    )
    .await;
    // Both sends go through sent, delivered and read, 5 ms apart.
    let mut all = Vec::new();
    for _ in 0..100 {
        all = history(&sandbox, &["--json"]).await.json_lines();
        if all.iter().filter(|m| m["status"] == "read").count() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let summary = summary(&all);
    let inbound_id = summary.last().map(|m| m.0).unwrap_or_default();
    assert_eq!(
        summary,
        [
            (&*template, "outbound", BO, "read"),
            (&*text, "outbound", ADA, "read"),
            (inbound_id, "inbound", ADA, "received")
        ],
        "newest first"
    );
    assert_eq!((all[0]["messageType"].as_str(), all[0]["templateCode"].as_str()), (Some("template"), Some("T1")));
    assert_eq!(all[1]["content"], "on its way");

    let table = history(&sandbox, &[]).await;
    let rows: Vec<&str> = table.ok().lines().collect();
    assert_eq!(rows.len(), 4, "{}", table.stdout);
    assert!(rows[0].starts_with("SENT AT") && rows[0].ends_with("MESSAGE ID"), "{}", rows[0]);
    for (row, (id, direction, user, status)) in rows[1..].iter().zip(&summary) {
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cells[1..], [*direction, *user, cells[3], *status, *id], "{row}");
        assert!(cells[0].ends_with('Z') && cells[0].len() == 20, "an RFC 3339 time: {row}");
    }

    let ids =
        |ran: Ran| ran.json_lines().iter().map(|m| m["messageId"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert_eq!(ids(history(&sandbox, &["--user", ADA, "--json"]).await), [&*text, inbound_id]);
    assert_eq!(ids(history(&sandbox, &["--direction", "inbound", "--json"]).await), [inbound_id]);
    assert_eq!(ids(history(&sandbox, &["--direction", "outbound", "--user", ADA, "--json"]).await), [&*text]);
    assert_eq!(ids(history(&sandbox, &["--template", "T1", "--json"]).await), [&*template]);
    assert_eq!(ids(history(&sandbox, &["--status", "received", "--json"]).await), [inbound_id]);
    assert_eq!(ids(history(&sandbox, &["--since", "1h", "--json"]).await).len(), 3);
    assert!(ids(history(&sandbox, &["--until", "2000-01-01T00:00:00Z", "--json"]).await).is_empty());

    let before = requests(&sandbox, "ListChatappMessage");
    let paged = ids(history(&sandbox, &["--page-size", "1", "--json"]).await);
    assert_eq!(paged, [&*template, &*text, inbound_id]);
    assert_eq!(requests(&sandbox, "ListChatappMessage") - before, 4, "three full pages, then an empty one");
    let limited = ids(history(&sandbox, &["--page-size", "1", "--limit", "2", "--json"]).await);
    assert_eq!(limited, [&*template, &*text]);
    assert_eq!(requests(&sandbox, "ListChatappMessage") - before, 6, "no page asked beyond the limit");

    let embedded = run(None, &["messages", "list", "--from", BUSINESS, "--sandbox", "--cust-space-id", SPACE]).await;
    assert_eq!(embedded.ok(), "SENT AT  DIRECTION  USER  TYPE  STATUS  MESSAGE ID\n", "nothing sent yet");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numbers_show_status_quality_and_tier() {
    let pending = json!({"number": "8613800000001", "verifiedName": "Acme Support", "status": "PENDING",
                         "qualityRating": "YELLOW", "messagingLimitTier": "TIER_1K"});
    let sandbox = sandbox(json!([BUSINESS, pending])).await;
    let table = run(Some(&sandbox), &["numbers"]).await;
    assert_eq!(
        table.ok(),
        "NUMBER         NAME              STATUS     QUALITY  TIER\n\
         8613800000000  Chatlane Sandbox  CONNECTED  GREEN    TIER_10K\n\
         8613800000001  Acme Support      PENDING    YELLOW   TIER_1K\n"
    );
    let lines = run(Some(&sandbox), &["numbers", "--status", "PENDING", "--json"]).await.json_lines();
    assert_eq!(lines.len(), 1);
    let number = &lines[0];
    assert_eq!((number["phoneNumber"].as_str(), number["status"].as_str()), (Some("8613800000001"), Some("PENDING")));
    assert_eq!(number["messagingLimitTier"], "TIER_1K");
    let embedded = run(None, &["numbers", "--sandbox", "--json"]).await;
    assert_eq!(embedded.ok(), "", "an embedded sandbox without a configuration has no numbers");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_arguments_are_usage_errors_and_bad_queries_the_core_s_errors() {
    let since = run(None, &["messages", "list", "--from", BUSINESS, "--since", "yesterday", "--sandbox"]).await;
    assert_eq!(since.code, Some(2));
    assert!(since.stderr.contains("invalid value 'yesterday' for '--since <TIME>'"), "{}", since.stderr);
    assert!(since.stderr.contains("RFC 3339 timestamp (2025-01-31T09:00:00Z) or a duration ago"), "{}", since.stderr);
    for wrong in [
        &["messages", "list", "--from", BUSINESS, "--direction", "sideways"][..],
        &["messages", "list", "--from", BUSINESS, "--limit", "0"],
        &["messages", "list"],
        &["templates", "list", "--status", "approved"],
        &["templates", "show", "T1"],
    ] {
        let refused = run(None, wrong).await;
        assert_eq!(refused.code, Some(2), "{wrong:?}: {}", refused.stderr);
        assert!(refused.stderr.starts_with("error: ") && refused.stdout.is_empty(), "{wrong:?}: {}", refused.stderr);
    }
    let page = run(None, &["templates", "list", "--page-size", "0", "--sandbox"]).await;
    assert_eq!(page.code, Some(1));
    assert!(page.stderr.contains("error [InvalidParameter / invalid_parameter]: pageSize: "), "{}", page.stderr);
    let order = run(None, &["messages", "list", "--from", BUSINESS, "--since", "1h", "--until", "2h", "--sandbox"]);
    let order = order.await;
    assert_eq!(order.code, Some(1));
    assert!(order.stderr.contains("sinceMs: "), "{}", order.stderr);
}
