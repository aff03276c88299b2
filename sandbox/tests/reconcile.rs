//! Reconciling sends of unknown outcome against the sandbox's history: a send the sandbox
//! never recorded is proven absent and goes again once; one it recorded stays unknown.

use std::net::SocketAddr;

use chatlane_core::reconcile::ReconcilePolicy;
use chatlane_core::store::SendState;
use chatlane_core::{Client, ClientConfig, ClientOptions, ErrorCode, Message, SendOptions};
use chatlane_sandbox::faults::{Fault, FaultRule};
use chatlane_sandbox::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Sandbox, SandboxConfig};

const FROM: &str = "8613800000000";
const TO: &str = "6591234567";
/// History proves absence at once (the sandbox's history is never late).
const NOW: ReconcilePolicy = ReconcilePolicy { settle_ms: 0, margin_ms: 5 * 60 * 1000 };

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig::default(), SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap()
}

fn client(sandbox: &Sandbox, store: bool) -> Client {
    let options = ClientOptions {
        access_key_id: Some(DEFAULT_ACCESS_KEY_ID.into()),
        access_key_secret: Some(DEFAULT_ACCESS_KEY_SECRET.into()),
        endpoint: Some(sandbox.endpoint()),
        cust_space_id: Some("cams-sandbox".into()),
        event_store: store.then(|| ":memory:".to_owned()),
        ..ClientOptions::default()
    };
    Client::new(ClientConfig::from_options(options).unwrap()).unwrap()
}

fn text(task_id: &str) -> Message {
    Message { task_id: Some(task_id.into()), ..Message::text(FROM, TO, "your order shipped") }
}

/// Sends `message` with `fault` injected: an unknown outcome.
async fn unknown(client: &Client, sandbox: &Sandbox, fault: Fault, message: &Message) {
    sandbox.inject(FaultRule::once(fault));
    assert_eq!(client.send(message).await.unwrap_err().code(), ErrorCode::OutcomeUnknown);
}

#[tokio::test]
async fn a_send_history_does_not_hold_is_absent_and_goes_again_once() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, true);
    unknown(&client, &sandbox, Fault::Drop, &text("t-lost")).await;
    assert!(sandbox.ledger().is_empty());

    let resolved = client.reconcile(&NOW).await.unwrap();
    assert_eq!(resolved.len(), 1);
    assert_eq!((resolved[0].task_id.as_str(), &resolved[0].state), ("t-lost", &SendState::Absent));
    assert!(sandbox.requests().iter().any(|r| r.action == "ListChatappMessage"));

    let receipt = client.send_with(&text("t-lost"), SendOptions::resend()).await.unwrap();
    assert_eq!(receipt.task_id, "t-lost");
    let entries = sandbox.ledger().entries();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].params["TaskId"], "t-lost");

    let again = client.send_with(&text("t-lost"), SendOptions::resend()).await.unwrap_err();
    assert_eq!(again.code(), ErrorCode::OutcomeUnknown);
    assert!(again.message().contains("resent, not proven absent"), "{again}");
    assert_eq!(sandbox.ledger().len(), 1, "never twice");
    assert!(client.reconcile(&NOW).await.unwrap().is_empty(), "nothing is unknown any more");
}

#[tokio::test]
async fn a_send_history_holds_stays_unknown_and_is_never_resent() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, true);
    unknown(&client, &sandbox, Fault::AcceptThenDrop, &text("t-taken")).await;
    assert_eq!(sandbox.ledger().len(), 1);

    let resolved = client.reconcile(&NOW).await.unwrap();
    assert_eq!(resolved[0].state, SendState::Unknown, "history holds a message that may be it");
    let refused = client.send_with(&text("t-taken"), SendOptions::resend()).await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::OutcomeUnknown);
    assert_eq!(sandbox.ledger().len(), 1);
}

#[tokio::test]
async fn history_is_not_read_before_it_settles() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, true);
    unknown(&client, &sandbox, Fault::Drop, &text("t-recent")).await;
    let resolved = client.reconcile(&ReconcilePolicy::default()).await.unwrap();
    assert_eq!(resolved[0].state, SendState::Unknown);
    assert!(sandbox.requests().iter().all(|r| r.action != "ListChatappMessage"));
}

#[tokio::test]
async fn a_resend_that_provably_did_not_go_leaves_the_send_absent() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, true);
    unknown(&client, &sandbox, Fault::Drop, &text("t-refused")).await;
    client.reconcile(&NOW).await.unwrap();
    sandbox.inject(FaultRule::once(Fault::error(400, Some("InvalidParameter"))));
    assert_eq!(
        client.send_with(&text("t-refused"), SendOptions::resend()).await.unwrap_err().code(),
        ErrorCode::InvalidParameter
    );
    client.send_with(&text("t-refused"), SendOptions::resend()).await.unwrap();
    assert_eq!(sandbox.ledger().len(), 1);
}

#[tokio::test]
async fn reconciling_needs_the_store_and_a_resend_its_task_id() {
    let sandbox = sandbox().await;
    let without = client(&sandbox, false);
    assert_eq!(without.reconcile(&NOW).await.unwrap_err().code(), ErrorCode::InvalidConfig);
    let with = client(&sandbox, true);
    let anonymous = Message::text(FROM, TO, "hi");
    assert_eq!(
        with.send_with(&anonymous, SendOptions::resend()).await.unwrap_err().code(),
        ErrorCode::InvalidParameter
    );
    assert_eq!(
        with.send_with(&text("never-sent"), SendOptions::resend()).await.unwrap_err().code(),
        ErrorCode::OutcomeUnknown
    );
    assert!(sandbox.ledger().is_empty());
}
