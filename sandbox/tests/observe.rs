//! Observing sends against the sandbox's faults: the per-client hooks (`SendObserver`) and
//! the `tracing` events, which name the TaskId and never a secret.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chatlane_core::Operation;
use chatlane_core::{Client, ClientConfig, ClientOptions, ErrorCode, Message, OutcomeEvent, RetryEvent, SendObserver};
use chatlane_sandbox::{Account, Fault, FaultRule, Sandbox, SandboxConfig};

/// An AccessKey secret that must appear in no event and no log line.
const SECRET: &str = "secret-marker-7f3a9c";
const KEY_ID: &str = "observe-key-id";

async fn sandbox() -> Sandbox {
    let mut config = SandboxConfig::default();
    config.accounts.push(Account::new(KEY_ID, SECRET));
    Sandbox::start(config, SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap()
}

/// What the hooks saw, in order.
#[derive(Debug, Default)]
struct Recorder {
    retries: Mutex<Vec<RetryEvent>>,
    outcomes: Mutex<Vec<OutcomeEvent>>,
    panics: bool,
}

impl SendObserver for Recorder {
    fn on_retry(&self, event: &RetryEvent) {
        self.retries.lock().unwrap_or_else(PoisonError::into_inner).push(event.clone());
        assert!(!self.panics, "a hook that panics");
    }

    fn on_outcome(&self, event: &OutcomeEvent) {
        self.outcomes.lock().unwrap_or_else(PoisonError::into_inner).push(event.clone());
        assert!(!self.panics, "a hook that panics");
    }
}

fn client(sandbox: &Sandbox, observer: Arc<Recorder>) -> Client {
    let options = ClientOptions {
        access_key_id: Some(KEY_ID.into()),
        access_key_secret: Some(SECRET.into()),
        endpoint: Some(sandbox.endpoint()),
        ..ClientOptions::default()
    };
    let mut config = ClientConfig::from_options(options).unwrap();
    config.observer = Some(observer);
    Client::new(config).unwrap()
}

fn text() -> Message {
    Message::text("8613800000000", "6591234567", "hello")
}

#[tokio::test]
async fn a_throttled_then_accepted_send_reports_one_retry_and_one_outcome() {
    let sandbox = sandbox().await;
    sandbox.inject(FaultRule::once(Fault::Throttle { retry_after_ms: 50 }));
    let recorder = Arc::new(Recorder::default());
    let receipt = client(&sandbox, recorder.clone()).send(&text()).await.unwrap();

    let retries = recorder.retries.lock().unwrap().clone();
    assert_eq!(
        retries,
        [RetryEvent {
            operation: Operation::SendChatappMessage,
            task_id: receipt.task_id.clone(),
            attempt: 1,
            code: ErrorCode::Throttled,
            http_status: Some(400),
            delay: Duration::from_millis(50),
        }]
    );
    let outcomes = recorder.outcomes.lock().unwrap().clone();
    assert_eq!(outcomes.len(), 1, "{outcomes:?}");
    let outcome = &outcomes[0];
    assert_eq!(outcome.message_id.as_deref(), Some(receipt.message_id.as_str()));
    assert_eq!(outcome.request_id.as_deref(), Some(receipt.request_id.as_str()));
    assert_eq!((outcome.task_id.as_str(), outcome.attempts), (receipt.task_id.as_str(), 2));
    assert_eq!((outcome.error_code, outcome.http_status), (None, None));
}

#[tokio::test]
async fn a_refused_send_reports_its_error_code_and_no_retry() {
    let sandbox = sandbox().await;
    sandbox.inject(FaultRule::once(Fault::error(403, Some("Forbidden.RAM"))));
    let recorder = Arc::new(Recorder::default());
    let error = client(&sandbox, recorder.clone()).send(&text()).await.unwrap_err();

    assert!(recorder.retries.lock().unwrap().is_empty());
    let outcomes = recorder.outcomes.lock().unwrap().clone();
    assert_eq!(outcomes.len(), 1, "{outcomes:?}");
    assert_eq!(outcomes[0].error_code, Some(ErrorCode::PermissionDenied));
    assert_eq!(outcomes[0].error_code, Some(error.code()));
    assert_eq!((outcomes[0].http_status, outcomes[0].attempts), (Some(403), 1));
    assert_eq!(Some(outcomes[0].task_id.as_str()), error.task_id());
    assert_eq!(outcomes[0].message_id, None);
}

#[tokio::test]
async fn a_panicking_hook_does_not_change_the_result() {
    let sandbox = sandbox().await;
    sandbox.inject(FaultRule::once(Fault::Throttle { retry_after_ms: 50 }));
    let recorder = Arc::new(Recorder { panics: true, ..Recorder::default() });
    let receipt = client(&sandbox, recorder.clone()).send(&text()).await.unwrap();
    assert_eq!(receipt.attempts, 2);
    assert_eq!(recorder.retries.lock().unwrap_or_else(PoisonError::into_inner).len(), 1);
    assert_eq!(recorder.outcomes.lock().unwrap_or_else(PoisonError::into_inner).len(), 1);
    assert_eq!(sandbox.ledger().len(), 1);
}

/// Every line a `tracing` subscriber formats, for one test.
#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<u8>>>);

impl Write for Lines {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn tracing_names_the_task_id_and_never_the_secret() {
    let sandbox = sandbox().await;
    sandbox.inject(FaultRule::once(Fault::Throttle { retry_after_ms: 50 }));
    let lines = Lines::default();
    let writer = lines.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let receipt = client(&sandbox, Arc::default()).send(&text()).await.unwrap();
    sandbox.inject(FaultRule::once(Fault::error(403, Some("Forbidden.RAM"))));
    let error = client(&sandbox, Arc::default()).send(&text()).await.unwrap_err();

    let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
    for (expected, level) in
        [("retrying", "INFO"), ("attempt ended", "DEBUG"), ("sent", "DEBUG"), ("send failed", "WARN")]
    {
        let line = text.lines().find(|line| line.contains(&format!(": {expected}"))).unwrap_or_default();
        assert!(line.contains(level), "{expected} at {level} in:\n{text}");
    }
    assert!(text.contains(&format!("task_id={}", receipt.task_id)), "{text}");
    assert!(text.contains(&format!("task_id={}", error.task_id().unwrap())), "{text}");
    assert!(text.contains("code=\"Throttled\"") && text.contains("retry_in_ms=50"), "{text}");
    assert!(text.contains("code=\"PermissionDenied\"") && text.contains("http_status=403"), "{text}");
    assert!(!text.contains(SECRET) && !text.contains("hello"), "no secret and no content:\n{text}");
}
