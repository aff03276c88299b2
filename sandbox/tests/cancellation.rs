//! Cancellation against the sandbox: a send cancelled while it waits for a pacing slot or a
//! retry backoff never goes out later, also when it runs on the core's runtime through
//! `runtime::run`, the path of every Kotlin and Swift send (a cancelled coroutine or task
//! drops that future).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chatlane_core::limit::InProcessLimiter;
use chatlane_core::{Client, ClientConfig, ClientOptions, Message, SendReceipt, runtime};
use chatlane_sandbox::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Fault, FaultRule, Sandbox, SandboxConfig};

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig::default(), SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap()
}

/// A client of the sandbox paced at one send per second, with a budget of its own.
fn paced_client(sandbox: &Sandbox) -> Client {
    let mut config = ClientConfig::from_options(ClientOptions {
        access_key_id: Some(DEFAULT_ACCESS_KEY_ID.into()),
        access_key_secret: Some(DEFAULT_ACCESS_KEY_SECRET.into()),
        endpoint: Some(sandbox.endpoint()),
        rate_limit_per_second: Some(1.0),
        ..ClientOptions::default()
    })
    .unwrap();
    config.limiter = Arc::new(InProcessLimiter::new());
    Client::new(config).unwrap()
}

fn text() -> Message {
    Message::text("8613800000000", "6591234567", "hello")
}

/// A send on the core's runtime, as Kotlin and Swift run it.
fn on_the_runtime(client: &Client) -> impl Future<Output = Result<SendReceipt, chatlane_core::Error>> + use<> {
    let client = client.clone();
    runtime::run(async move { client.send(&text()).await })
}

/// Polls `send` for `wait`, then drops it (cancels it); it must not have finished.
async fn cancel_after(wait: Duration, send: impl Future<Output = Result<SendReceipt, chatlane_core::Error>>) {
    let finished = tokio::time::timeout(wait, send).await;
    assert!(finished.is_err(), "the send finished before it was cancelled: {finished:?}");
}

#[tokio::test]
async fn a_send_cancelled_while_it_waits_for_its_pacing_slot_never_goes_out() {
    let sandbox = sandbox().await;
    let client = paced_client(&sandbox);
    client.send(&text()).await.unwrap();
    cancel_after(Duration::from_millis(300), on_the_runtime(&client)).await;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!((sandbox.requests().len(), sandbox.ledger().len()), (1, 1), "only the first send went out");
}

#[tokio::test]
async fn a_send_cancelled_during_a_retry_backoff_is_never_retried() {
    let sandbox = sandbox().await;
    sandbox.inject(FaultRule::once(Fault::Throttle { retry_after_ms: 1_000 }));
    let client = paced_client(&sandbox);
    cancel_after(Duration::from_millis(300), on_the_runtime(&client)).await;
    assert_eq!(sandbox.requests().len(), 1, "the first attempt went out and was throttled");
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!((sandbox.requests().len(), sandbox.ledger().len()), (1, 0), "no retry after the cancellation");
}
