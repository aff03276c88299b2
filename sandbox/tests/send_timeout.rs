//! A send's own timeout (`SendOptions::request_timeout`) overrides the client's for each of
//! its attempts, shorter or longer; a request that timed out after it was written is
//! outcome-unknown, never retried.

use std::net::SocketAddr;
use std::time::Duration;

use chatlane_core::{Client, ClientConfig, ClientOptions, ErrorCode, Message, SendOptions};
use chatlane_sandbox::faults::{Fault, FaultRule};
use chatlane_sandbox::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Sandbox, SandboxConfig};

fn client(sandbox: &Sandbox, request_timeout_ms: u64) -> Client {
    let options = ClientOptions {
        access_key_id: Some(DEFAULT_ACCESS_KEY_ID.into()),
        access_key_secret: Some(DEFAULT_ACCESS_KEY_SECRET.into()),
        endpoint: Some(sandbox.endpoint()),
        request_timeout_ms: Some(request_timeout_ms),
        ..ClientOptions::default()
    };
    Client::new(ClientConfig::from_options(options).unwrap()).unwrap()
}

fn slow_answers(sandbox: &Sandbox, ms: u64) {
    sandbox.inject(FaultRule::once(Fault::Latency { ms, jitter_ms: 0 }));
}

#[tokio::test]
async fn a_shorter_timeout_of_its_own_gives_up_on_a_slow_answer() {
    let sandbox = Sandbox::start(SandboxConfig::default(), SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
    slow_answers(&sandbox, 2_000);
    let own = SendOptions { request_timeout: Some(Duration::from_millis(100)), ..SendOptions::default() };
    let error = client(&sandbox, 10_000)
        .send_with(&Message::text("8613800000000", "6591234567", "hurry"), own)
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::OutcomeUnknown, "{error}");
    assert_eq!(error.attempts(), 1);
}

#[tokio::test]
async fn a_longer_timeout_of_its_own_waits_for_a_slow_answer() {
    let sandbox = Sandbox::start(SandboxConfig::default(), SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
    slow_answers(&sandbox, 300);
    let own = SendOptions { request_timeout: Some(Duration::from_secs(5)), ..SendOptions::default() };
    let receipt =
        client(&sandbox, 100).send_with(&Message::text("8613800000000", "6591234567", "no rush"), own).await.unwrap();
    assert_eq!(receipt.attempts, 1);
    assert_eq!(sandbox.ledger().len(), 1);
}
