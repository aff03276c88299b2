//! The delivery engine against the sandbox's fault injection: what is retried, what is
//! surfaced as outcome-unknown, and pacing under the QPS limit.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chatlane_core::limit::InProcessLimiter;
use chatlane_core::transport::{BoxFuture, DirectTransport, HttpRequest, HttpResponse, Transport};
use chatlane_core::{Client, ClientConfig, ClientOptions, Error, ErrorCategory, ErrorCode, Message};
use chatlane_sandbox::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Fault, FaultRule, Sandbox, SandboxConfig};
use tokio::time::Instant;

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig::default(), SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap()
}

fn options(endpoint: &str) -> ClientOptions {
    ClientOptions {
        access_key_id: Some(DEFAULT_ACCESS_KEY_ID.into()),
        access_key_secret: Some(DEFAULT_ACCESS_KEY_SECRET.into()),
        endpoint: Some(endpoint.into()),
        ..ClientOptions::default()
    }
}

fn client(options: ClientOptions) -> Client {
    Client::new(ClientConfig::from_options(options).unwrap()).unwrap()
}

fn once(fault: Fault) -> FaultRule {
    FaultRule::once(fault)
}

fn text() -> Message {
    Message::text("8613800000000", "6591234567", "hello")
}

#[tokio::test]
async fn a_throttled_send_is_retried_after_the_stated_delay_and_succeeds() {
    let sandbox = sandbox().await;
    sandbox.inject(once(Fault::Throttle { retry_after_ms: 300 }));
    let receipt = client(options(&sandbox.endpoint())).send(&text()).await.unwrap();
    assert_eq!(receipt.attempts, 2);
    let requests = sandbox.requests();
    let outcomes: Vec<_> = requests.iter().map(|r| r.outcome.as_str()).collect();
    assert_eq!(outcomes, ["Throttling.User", "OK"]);
    assert!(requests[1].received_at_us - requests[0].received_at_us >= 300_000, "{requests:?}");
    assert_eq!(requests[0].task_id, requests[1].task_id, "a retry keeps the TaskId");
    assert_eq!(requests[1].task_id.as_deref(), Some(receipt.task_id.as_str()));
    assert_eq!(sandbox.ledger().len(), 1);
}

#[tokio::test]
async fn a_refused_connection_is_retried_until_the_server_is_up() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let sender = client(ClientOptions { max_attempts: Some(50), ..options(&endpoint) });
    let send = tokio::spawn(async move { sender.send(&text()).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sandbox = Sandbox::start(SandboxConfig::default(), SocketAddr::from(([127, 0, 0, 1], port))).await.unwrap();
    let receipt = send.await.unwrap().unwrap();
    assert!(receipt.attempts > 1, "{receipt:?}");
    assert_eq!(sandbox.ledger().len(), 1);
}

#[tokio::test]
async fn a_server_that_never_answers_is_outcome_unknown_with_one_message_in_the_ledger() {
    let sandbox = sandbox().await;
    sandbox.inject(once(Fault::Hang));
    let hanging = client(ClientOptions { request_timeout_ms: Some(500), ..options(&sandbox.endpoint()) });
    let err = hanging.send(&text()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::OutcomeUnknown);
    assert_eq!(err.attempts(), 1);
    let entries = sandbox.ledger().entries();
    assert_eq!(entries.len(), 1, "exactly one request reached the ledger");
    assert_eq!(entries[0].params.get("TaskId").map(String::as_str), err.task_id(), "the error names the TaskId");
}

#[tokio::test]
async fn a_dropped_connection_after_sending_is_outcome_unknown_and_not_retried() {
    let sandbox = sandbox().await;
    sandbox.inject(once(Fault::Drop));
    let err = client(options(&sandbox.endpoint())).send(&text()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::OutcomeUnknown);
    assert_eq!(sandbox.requests().len(), 1);
}

#[tokio::test]
async fn a_connection_dropped_before_the_request_is_read_is_outcome_unknown() {
    let sandbox = sandbox().await;
    sandbox.inject(once(Fault::DropBeforeRead));
    let err = client(options(&sandbox.endpoint())).send(&text()).await.unwrap_err();
    assert_eq!((err.code(), err.attempts()), (ErrorCode::OutcomeUnknown, 1));
    assert!(sandbox.requests().is_empty() && sandbox.ledger().is_empty());
}

async fn failure(fault: Fault) -> (Error, Sandbox) {
    let sandbox = sandbox().await;
    sandbox.inject(once(fault));
    let err = client(options(&sandbox.endpoint())).send(&text()).await.unwrap_err();
    (err, sandbox)
}

#[tokio::test]
async fn a_business_error_on_http_200_is_typed_and_not_retried() {
    let (err, sandbox) = failure(Fault::Error {
        status: 200,
        code: Some("InvalidParameter.PhoneNumberError".into()),
        message: Some("bad number".into()),
        headers: Default::default(),
    })
    .await;
    assert_eq!(err.code(), ErrorCode::InvalidParameter);
    assert_eq!((err.platform_code(), err.http_status()), (Some("InvalidParameter.PhoneNumberError"), Some(200)));
    assert!(err.request_id().is_some() && err.task_id().is_some());
    assert_eq!((err.attempts(), sandbox.requests().len(), sandbox.ledger().len()), (1, 1, 0));
}

#[tokio::test]
async fn a_500_is_outcome_unknown_but_a_503_is_retried() {
    let (err, sandbox) = failure(Fault::error(500, Some("InternalError"))).await;
    assert_eq!(err.category(), ErrorCategory::OutcomeUnknown);
    assert_eq!(sandbox.requests().len(), 1);

    let sandbox = self::sandbox().await;
    sandbox.inject(once(Fault::error(503, Some("ServiceUnavailable"))));
    let receipt = client(options(&sandbox.endpoint())).send(&text()).await.unwrap();
    assert_eq!(receipt.attempts, 2);
}

#[tokio::test]
async fn an_unpaced_client_is_throttled_by_the_server_and_retries_after_the_stated_delay() {
    let mut config = SandboxConfig::default();
    config.limits.send_per_second = 5;
    let sandbox = Sandbox::start(config, SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
    let unpaced =
        client(ClientOptions { rate_limit_disabled: true, max_attempts: Some(10), ..options(&sandbox.endpoint()) });
    let sends: Vec<_> = (0..12)
        .map(|_| {
            let unpaced = unpaced.clone();
            tokio::spawn(async move { unpaced.send(&text()).await })
        })
        .collect();
    let mut retried = 0;
    for send in sends {
        retried += usize::from(send.await.unwrap().unwrap().attempts > 1);
    }
    assert!(retried >= 7, "only {retried} sends were throttled and retried");
    let outcomes: Vec<String> = sandbox.requests().into_iter().map(|r| r.outcome).collect();
    assert!(outcomes.iter().any(|o| o == "Throttling.User"));
    let mut accepted: Vec<u64> = sandbox.ledger().entries().iter().map(|e| e.received_at_us).collect();
    accepted.sort_unstable();
    assert_eq!(accepted.len(), 12);
    for (i, start) in accepted.iter().enumerate() {
        assert!(accepted[i..].iter().take_while(|t| **t - start < 1_000_000).count() <= 5);
    }
}

#[tokio::test]
async fn fail_fast_pacing_refuses_without_sending() {
    let sandbox = sandbox().await;
    let mut config = ClientConfig::from_options(ClientOptions {
        rate_limit_per_second: Some(1.0),
        rate_limit_max_wait_ms: Some(0),
        ..options(&sandbox.endpoint())
    })
    .unwrap();
    config.limiter = Arc::new(InProcessLimiter::new());
    let client = Client::new(config).unwrap();
    client.send(&text()).await.unwrap();
    let err = client.send(&text()).await.unwrap_err();
    assert_eq!((err.code(), err.category()), (ErrorCode::RateLimited, ErrorCategory::Throttled));
    assert_eq!(err.attempts(), 0, "nothing was sent");
    assert!(err.retry_after().is_some_and(|wait| wait > Duration::from_millis(900)));
    assert_eq!(sandbox.ledger().len(), 1);
}

#[tokio::test]
async fn refreshed_credentials_apply_without_rebuilding_the_client() {
    let sandbox = sandbox().await;
    let client = client(ClientOptions { access_key_secret: Some("stale".into()), ..options(&sandbox.endpoint()) });
    assert_eq!(client.send(&text()).await.unwrap_err().code(), ErrorCode::SignatureMismatch);
    client
        .set_credentials(
            chatlane_core::Credentials::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, None).unwrap(),
        )
        .unwrap();
    client.send(&text()).await.unwrap();
    assert!(!format!("{client:?}").contains(DEFAULT_ACCESS_KEY_SECRET));
}

/// Records when each request leaves the limiter for the wire.
#[derive(Debug)]
struct Recording {
    inner: DirectTransport,
    departures: Mutex<Vec<Instant>>,
}

impl Transport for Recording {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, Error>> {
        self.departures.lock().unwrap().push(Instant::now());
        self.inner.send(request)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_times_the_limit_for_five_seconds_is_paced_at_the_limit() {
    const RATE: usize = 100;
    let sandbox = sandbox().await;
    let mut config = ClientConfig::from_options(ClientOptions {
        rate_limit_per_second: Some(RATE as f64),
        ..options(&sandbox.endpoint())
    })
    .unwrap();
    config.limiter = Arc::new(InProcessLimiter::new());
    let recording = Arc::new(Recording {
        inner: DirectTransport::new(&config.transport).unwrap(),
        departures: Mutex::new(Vec::new()),
    });
    let client = Client::with_transport(config, recording.clone()).unwrap();

    let start = Instant::now();
    let mut offers = tokio::time::interval(Duration::from_secs(1) / (4 * RATE as u32));
    offers.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut offered = Vec::new();
    while start.elapsed() < Duration::from_secs(5) {
        offers.tick().await;
        let client = client.clone();
        offered.push(tokio::spawn(async move { client.send(&text()).await }));
    }
    for send in &offered {
        send.abort();
    }

    let departures = recording.departures.lock().unwrap().clone();
    let first = departures[0];
    let in_five_seconds = departures.iter().filter(|t| **t - first < Duration::from_secs(5)).count();
    let achieved = in_five_seconds as f64 / 5.0;
    println!(
        "offered {} sends in 5 s; {in_five_seconds} departed: {achieved:.1}/s for a limit of {RATE}/s",
        offered.len()
    );
    assert!(offered.len() >= 4 * 5 * RATE - 10, "the offered load was not 4x the limit: {}", offered.len());
    assert!((achieved - RATE as f64).abs() <= 0.02 * RATE as f64, "achieved {achieved}/s");
    for (i, start) in departures.iter().enumerate() {
        let in_window = departures[i..].iter().take_while(|t| **t - *start < Duration::from_secs(1)).count();
        assert!(in_window <= RATE, "{in_window} departures in the second after departure {i}");
    }
}
