//! Meta's messages endpoint under injected faults (`"api":"meta"` rules of the one fault
//! mechanism) and under its own pacing: per-number throughput (`130429`) and the pair rate
//! (`131056`). The Meta ledger proves whether each message was accepted.

mod support;

use std::sync::Arc;
use std::time::Duration;

use chatlane_sandbox::meta::{DEFAULT_PHONE_NUMBER_ID, DEFAULT_TOKEN};
use chatlane_sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};
use support::{Answer, call, sandbox};

const TO: &str = "16505551234";

/// Sends a text to `to` with the default token.
async fn send(sandbox: &Sandbox, to: &str) -> Result<Answer, hyper::Error> {
    let body = json!({"messaging_product": "whatsapp", "to": to, "text": {"body": "hello"}}).to_string();
    let bearer = format!("Bearer {DEFAULT_TOKEN}");
    let path = format!("/v25.0/{DEFAULT_PHONE_NUMBER_ID}/messages");
    call(sandbox, "POST", &path, &[("authorization", &bearer)], &body).await
}

/// Adds a fault rule over HTTP.
async fn inject(sandbox: &Sandbox, rule: Value) {
    let answer = call(sandbox, "POST", "/_sandbox/faults", &[], &rule.to_string()).await.unwrap();
    assert_eq!(answer.status, 204, "{rule}: {answer:?}");
}

/// A sandbox whose next Meta send meets `fault`.
async fn sandbox_with(fault: Value) -> Sandbox {
    let sandbox = sandbox(SandboxConfig::default()).await;
    inject(&sandbox, json!({"api": "meta", "fault": fault})).await;
    sandbox
}

fn outcomes(sandbox: &Sandbox) -> Vec<String> {
    sandbox.requests().into_iter().map(|r| r.outcome).collect()
}

#[tokio::test]
async fn injected_meta_errors_answer_with_the_graph_envelope_and_accept_nothing() {
    // (code, status the rule gives, transient)
    let cases = [
        (130429, 400, false),
        (131056, 400, false),
        (190, 401, false),
        (131047, 400, false),
        (131026, 400, false),
        (2, 503, true),
    ];
    for (code, status, transient) in cases {
        let sandbox = sandbox_with(json!({"kind": "error", "status": status, "code": code})).await;
        let answer = send(&sandbox, TO).await.unwrap();
        let error = &answer.body["error"];
        assert_eq!((answer.status, error["code"].as_u64()), (status, Some(code)), "{answer:?}");
        assert_eq!(
            (error["type"].as_str(), error["is_transient"].as_bool()),
            (Some("OAuthException"), Some(transient))
        );
        assert!(error["message"].as_str().unwrap().starts_with(&format!("(#{code}) ")), "{error}");
        assert_eq!(answer.headers["x-fb-trace-id"], error["fbtrace_id"].as_str().unwrap());
        assert!(sandbox.meta_ledger().is_empty(), "{code}");
        assert_eq!(outcomes(&sandbox), [code.to_string()]);
        assert_eq!(send(&sandbox, TO).await.unwrap().status, 200, "{code}: the rule was used up");
    }
}

#[tokio::test]
async fn a_5xx_without_a_body_and_a_throttle_fault_look_like_meta_would() {
    let sandbox = sandbox_with(json!({"kind": "error", "status": 502})).await;
    let answer = send(&sandbox, TO).await.unwrap();
    assert_eq!((answer.status, answer.body.clone()), (502, Value::Null));
    assert_eq!(outcomes(&sandbox), ["HTTP 502"]);

    let sandbox = sandbox_with(json!({"kind": "throttle", "retryAfterMs": 100})).await;
    let answer = send(&sandbox, TO).await.unwrap();
    assert_eq!((answer.status, answer.body["error"]["code"].as_u64()), (400, Some(130429)));
    assert!(sandbox.meta_ledger().is_empty());
}

#[tokio::test]
async fn a_hang_accepts_the_message_and_never_answers() {
    let sandbox = sandbox_with(json!({"kind": "hang"})).await;
    let hung = tokio::time::timeout(Duration::from_millis(300), send(&sandbox, TO)).await;
    assert!(hung.is_err(), "{hung:?}");
    assert_eq!(sandbox.meta_ledger().len(), 1);
    assert_eq!(outcomes(&sandbox), ["OK"]);
}

#[tokio::test]
async fn drops_before_and_after_accepting() {
    // (fault, messages accepted, requests journaled)
    for (kind, accepted, journaled) in [("drop_before_read", 0, 0), ("drop", 0, 1), ("accept_then_drop", 1, 1)] {
        let sandbox = sandbox_with(json!({"kind": kind})).await;
        assert!(send(&sandbox, TO).await.is_err(), "{kind}: the connection closes without an answer");
        assert_eq!((sandbox.meta_ledger().len(), sandbox.requests().len()), (accepted, journaled), "{kind}");
    }
}

#[tokio::test]
async fn accept_then_garbage_and_malformed_answers() {
    let sandbox = sandbox_with(json!({"kind": "accept_then", "status": 200, "body": "<html>oops</html>"})).await;
    let answer = send(&sandbox, TO).await.unwrap();
    assert_eq!((answer.status, answer.body.as_str()), (200, Some("<html>oops</html>")));
    assert_eq!(sandbox.meta_ledger().len(), 1);

    let sandbox = sandbox_with(json!({"kind": "malformed"})).await;
    let answer = send(&sandbox, TO).await.unwrap();
    assert!(answer.status == 200 && answer.body.is_string(), "not JSON: {answer:?}");
    assert!(sandbox.meta_ledger().is_empty());
}

#[tokio::test]
async fn a_rule_applies_to_its_face_and_its_recipient_only() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    inject(&sandbox, json!({"fault": {"kind": "error", "status": 400, "code": 131026}})).await;
    inject(
        &sandbox,
        json!({"api": "meta", "to": "16505550000", "fault": {"kind": "error", "status": 400, "code": 131026}}),
    )
    .await;
    assert_eq!(send(&sandbox, TO).await.unwrap().status, 200, "neither the CAMS rule nor another recipient's");
    let answer = send(&sandbox, "16505550000").await.unwrap();
    assert_eq!(answer.body["error"]["code"], 131026, "{answer:?}");
    assert_eq!(sandbox.meta_ledger().len(), 1);
}

#[tokio::test]
async fn a_number_over_its_throughput_gets_130429_and_no_second_holds_more() {
    let sandbox = Arc::new(sandbox(SandboxConfig::default()).await);
    let path = format!("/_sandbox/meta/phone-numbers/{DEFAULT_PHONE_NUMBER_ID}");
    assert_eq!(call(&sandbox, "PUT", &path, &[], r#"{"throughput":3}"#).await.unwrap().status, 204);
    let sends: Vec<_> = (0..10)
        .map(|i| {
            let sandbox = Arc::clone(&sandbox);
            tokio::spawn(async move { send(&sandbox, &format!("165055500{i:02}")).await.unwrap() })
        })
        .collect();
    let mut answers = Vec::new();
    for send in sends {
        answers.push(send.await.unwrap());
    }
    let refused: Vec<&Answer> = answers.iter().filter(|a| a.status != 200).collect();
    assert!(!refused.is_empty(), "10 sends at 3/s were all accepted");
    for answer in refused {
        assert_eq!((answer.status, answer.body["error"]["code"].as_u64()), (400, Some(130429)), "{answer:?}");
        assert!(answer.body["error"]["error_data"]["details"].as_str().unwrap().contains("throughput"));
    }
    let mut accepted: Vec<u64> = sandbox.meta_ledger().entries().iter().map(|e| e.received_at_us).collect();
    accepted.sort_unstable();
    for (i, start) in accepted.iter().enumerate() {
        assert!(accepted[i..].iter().take_while(|t| **t - start < 1_000_000).count() <= 3, "{accepted:?}");
    }
    assert!(outcomes(&sandbox).contains(&"130429".to_owned()));
}

#[tokio::test]
async fn the_pair_rate_allows_a_burst_of_45_to_one_recipient_then_131056() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    for i in 0..45 {
        assert_eq!(send(&sandbox, TO).await.unwrap().status, 200, "message {i} of the burst");
    }
    let answer = send(&sandbox, "+1 (650) 555-1234").await.unwrap();
    assert_eq!(
        (answer.status, answer.body["error"]["code"].as_u64()),
        (400, Some(131056)),
        "the same number: {answer:?}"
    );
    assert_eq!(send(&sandbox, "16505550000").await.unwrap().status, 200, "other recipients are not affected");
    assert_eq!(sandbox.meta_ledger().len(), 46);
}

#[tokio::test]
async fn after_a_burst_the_pair_rate_allows_one_message_per_interval() {
    let config = SandboxConfig::parse(r#"{"meta": {"pairRate": {"burst": 2, "intervalMs": 300}}}"#).unwrap();
    let sandbox = sandbox(config).await;
    let statuses = [send(&sandbox, TO).await, send(&sandbox, TO).await, send(&sandbox, TO).await];
    assert_eq!(statuses.map(|a| a.unwrap().status), [200, 200, 400]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(send(&sandbox, TO).await.unwrap().status, 200, "one more after the interval");
    assert_eq!(send(&sandbox, TO).await.unwrap().body["error"]["code"], 131056);
}
