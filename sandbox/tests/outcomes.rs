//! Answers that must never lead to a second send, end to end against the sandbox: an
//! accepted message answered with garbage, a success carrying a retry-after header, 502 and
//! 504 with and without a platform code, against the 503 and 429 that are retried. The
//! ledger proves whether the message was accepted, the journal how many requests were made.

use std::net::SocketAddr;

use chatlane_core::{Client, ClientConfig, ClientOptions, Error, ErrorCode, Message, SendReceipt};
use chatlane_sandbox::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Fault, FaultRule, Sandbox, SandboxConfig};
use serde_json::json;

const FROM: &str = "8613800000000";
const TO: &str = "6591234567";

/// A sandbox whose next request meets `fault` (given as the JSON `POST /_sandbox/faults` takes).
async fn sandbox_with(fault: serde_json::Value) -> Sandbox {
    let sandbox = Sandbox::start(SandboxConfig::default(), SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
    sandbox.inject(serde_json::from_value::<FaultRule>(json!({ "fault": fault })).unwrap());
    sandbox
}

async fn send(sandbox: &Sandbox) -> Result<SendReceipt, Error> {
    let options = ClientOptions {
        access_key_id: Some(DEFAULT_ACCESS_KEY_ID.into()),
        access_key_secret: Some(DEFAULT_ACCESS_KEY_SECRET.into()),
        endpoint: Some(sandbox.endpoint()),
        ..ClientOptions::default()
    };
    let client = Client::new(ClientConfig::from_options(options).unwrap()).unwrap();
    client.send(&Message::text(FROM, TO, "hello")).await
}

/// Sends once against `fault`; asserts an outcome-unknown error after exactly one request.
async fn outcome_unknown(fault: serde_json::Value) -> (Error, Sandbox) {
    let sandbox = sandbox_with(fault.clone()).await;
    let err = send(&sandbox).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::OutcomeUnknown, "{fault}: {err}");
    assert_eq!((err.attempts(), sandbox.requests().len()), (1, 1), "{fault}: never sent twice");
    assert!(err.task_id().is_some_and(|id| !id.is_empty()), "{fault}: {err:?}");
    (err, sandbox)
}

#[tokio::test]
async fn an_accepted_message_answered_with_garbage_is_outcome_unknown_with_its_task_id_in_the_ledger() {
    for body in ["<html>502 Bad Gateway</html>", r#"{"RequestId":"r","Code":"OK"}"#, r#"{"RequestId":"r"}"#] {
        let (err, sandbox) = outcome_unknown(json!({"kind": "accept_then", "body": body})).await;
        let entries = sandbox.ledger().entries();
        assert_eq!(entries.len(), 1, "{body}: accepted exactly once");
        assert_eq!(entries[0].params.get("TaskId").map(String::as_str), err.task_id(), "{body}");
        assert_eq!(err.http_status(), Some(200));
        let request_id = err.request_id().expect("the x-acs-request-id header");
        assert!(err.message().contains(request_id) && err.message().contains("reconcile by TaskId"), "{err}");
    }
}

#[tokio::test]
async fn a_2xx_that_is_not_json_is_outcome_unknown_even_when_nothing_was_accepted() {
    let (err, sandbox) = outcome_unknown(json!({"kind": "malformed"})).await;
    assert!(sandbox.ledger().is_empty());
    let request_id = err.request_id().expect("the x-acs-request-id header");
    assert!(err.message().contains(request_id), "{err}");
}

#[tokio::test]
async fn a_success_with_a_retry_after_header_is_a_receipt_after_one_attempt() {
    for header in ["x-acs-retry-after", "Retry-After"] {
        let sandbox = sandbox_with(json!({"kind": "with_headers", "headers": {header: "1"}})).await;
        let receipt = send(&sandbox).await.unwrap();
        assert_eq!(receipt.attempts, 1, "{header}");
        let entries = sandbox.ledger().entries();
        assert_eq!((entries.len(), entries[0].message_id.as_str()), (1, receipt.message_id.as_str()), "{header}");
        assert_eq!(sandbox.requests().len(), 1, "{header}");
    }
}

#[tokio::test]
async fn a_502_or_504_with_or_without_a_code_or_a_retry_after_is_outcome_unknown_and_not_retried() {
    let service_unavailable = Some("ServiceUnavailable");
    // (fault, its status, the platform code answered, messages accepted)
    let cases = [
        (json!({"kind": "error", "status": 502, "code": "ServiceUnavailable"}), 502, service_unavailable, 0),
        (json!({"kind": "error", "status": 502}), 502, None, 0),
        (json!({"kind": "error", "status": 504, "code": "GatewayTimeout"}), 504, Some("GatewayTimeout"), 0),
        (json!({"kind": "error", "status": 504}), 504, None, 0),
        (
            json!({"kind": "error", "status": 502, "code": "ServiceUnavailable", "headers": {"x-acs-retry-after": "10"}}),
            502,
            service_unavailable,
            0,
        ),
        (
            json!({"kind": "accept_then", "status": 502, "body": r#"{"Code":"ServiceUnavailable"}"#}),
            502,
            service_unavailable,
            1,
        ),
    ];
    for (fault, status, code, accepted) in cases {
        let (err, sandbox) = outcome_unknown(fault.clone()).await;
        assert_eq!((err.http_status(), err.platform_code()), (Some(status), code), "{fault}");
        assert_eq!(err.retry_after(), None, "{fault}");
        assert_eq!(sandbox.ledger().len(), accepted, "{fault}");
    }
}

#[tokio::test]
async fn a_503_with_or_without_a_code_is_retried_and_sent_once() {
    for fault in [Fault::error(503, None), Fault::error(503, Some("ServiceUnavailable"))] {
        let sandbox = Sandbox::start(SandboxConfig::default(), SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
        sandbox.inject(FaultRule::once(fault.clone()));
        let receipt = send(&sandbox).await.unwrap();
        assert_eq!((receipt.attempts, sandbox.requests().len(), sandbox.ledger().len()), (2, 2, 1), "{fault:?}");
    }
}

#[tokio::test]
async fn a_429_with_a_standard_retry_after_in_seconds_is_retried_after_it() {
    let sandbox = sandbox_with(json!({"kind": "error", "status": 429, "headers": {"Retry-After": "1"}})).await;
    let receipt = send(&sandbox).await.unwrap();
    assert_eq!((receipt.attempts, sandbox.ledger().len()), (2, 1));
    let requests = sandbox.requests();
    let gap = requests[1].received_at_us - requests[0].received_at_us;
    assert!(gap >= 1_000_000, "the retry came {gap} µs after the 429");
}
