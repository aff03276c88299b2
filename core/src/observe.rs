//! Watching sends: per-client hooks ([`SendObserver`]) and the `tracing` events of every
//! send, reported from one place for every binding.
//!
//! Each send that passed validation runs in a `chatlane.send` span (fields `operation` and
//! `task_id`) and emits, with target `chatlane`:
//!
//! * `DEBUG` at the end of each attempt: `attempt`, `outcome` (`ok` or the error code),
//!   `http_status`, `latency_ms`;
//! * `INFO` before a retry: `attempt`, `code`, `http_status`, `retry_in_ms`;
//! * the outcome, once: `DEBUG` for a receipt (`message_id`, `attempts`, `latency_ms`),
//!   `WARN` for an error (`code`, `http_status`, `attempts`, `latency_ms`).
//!
//! Never a credential, a signature or the message's content. Without a `tracing`
//! subscriber, each callsite costs one atomic load. A hook that panics is caught and
//! reported as a `WARN` event; it never changes the send's result.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

use tokio::time::Instant;

use crate::client::SendReceipt;
use crate::error::{Error, ErrorCode};
use crate::operation::Operation;

/// The `tracing` target of every event chatlane emits.
pub const TARGET: &str = "chatlane";

/// Per-client hooks on retries and outcomes ([`crate::ClientConfig::observer`]). They run
/// on the thread driving the send (a chatlane I/O thread, or the caller's for a blocking
/// send), so they should return quickly; a panic inside is caught and logged.
pub trait SendObserver: Send + Sync + std::fmt::Debug + 'static {
    /// Called before the client sleeps to retry a provably unprocessed attempt.
    fn on_retry(&self, event: &RetryEvent) {
        let _ = event;
    }

    /// Called once per send that passed validation, with its receipt or its error.
    fn on_outcome(&self, event: &OutcomeEvent) {
        let _ = event;
    }
}

/// An attempt failed and will be retried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryEvent {
    /// The operation being sent.
    pub operation: Operation,
    /// The send's `TaskId`.
    pub task_id: String,
    /// The attempt that failed (1-based).
    pub attempt: u32,
    /// Why it failed (`Throttled`, `Connect`, …).
    pub code: ErrorCode,
    /// The HTTP status of the failed attempt, if an answer arrived.
    pub http_status: Option<u16>,
    /// How long the client waits before the next attempt.
    pub delay: Duration,
}

/// A send finished, with a receipt or an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutcomeEvent {
    /// The operation sent.
    pub operation: Operation,
    /// The send's `TaskId`.
    pub task_id: String,
    /// Requests made (0 when it failed before the first one, e.g. pacing or credentials).
    pub attempts: u32,
    /// From the first attempt's start to the outcome, retries and pacing included.
    pub latency: Duration,
    /// The accepted message's `MessageId` (`GroupMessageId` for a mass send); `None` on error.
    pub message_id: Option<String>,
    /// The platform's `RequestId` of the last answer, if any.
    pub request_id: Option<String>,
    /// The error's code; `None` on success.
    pub error_code: Option<ErrorCode>,
    /// The HTTP status of the last answer, if an error carried one.
    pub http_status: Option<u16>,
}

impl OutcomeEvent {
    /// The outcome of a send of `operation` that took `latency`.
    pub fn new(operation: Operation, result: &Result<SendReceipt, Error>, latency: Duration) -> Self {
        match result {
            Ok(receipt) => Self {
                operation,
                task_id: receipt.task_id.clone(),
                attempts: receipt.attempts,
                latency,
                message_id: Some(receipt.message_id.clone()),
                request_id: Some(receipt.request_id.clone()),
                error_code: None,
                http_status: None,
            },
            Err(error) => Self {
                operation,
                task_id: error.task_id().unwrap_or_default().to_owned(),
                attempts: error.attempts(),
                latency,
                message_id: None,
                request_id: error.request_id().map(str::to_owned),
                error_code: Some(error.code()),
                http_status: error.http_status(),
            },
        }
    }
}

/// Emits the end of attempt `attempt`, which began at `started`: `ok` or `error`'s code.
pub(crate) fn attempt_ended(attempt: u32, error: Option<&Error>, started: Instant) {
    tracing::debug!(
        target: TARGET,
        attempt,
        outcome = error.map_or("ok", |e| e.code().as_str()),
        http_status = error.and_then(Error::http_status),
        latency_ms = millis(started.elapsed()),
        "attempt ended"
    );
}

/// Reports a retry to `tracing` and to `observer`.
pub(crate) fn retrying(observer: Option<&dyn SendObserver>, event: RetryEvent) {
    tracing::info!(
        target: TARGET,
        attempt = event.attempt,
        code = event.code.as_str(),
        http_status = event.http_status,
        retry_in_ms = millis(event.delay),
        "retrying"
    );
    if let Some(observer) = observer {
        shielded("on_retry", || observer.on_retry(&event));
    }
}

/// Reports the outcome of a send of `operation` that began at `started` to `tracing` and
/// to `observer` (nothing is measured or built for neither).
pub(crate) fn finished(
    observer: Option<&dyn SendObserver>,
    operation: Operation,
    result: &Result<SendReceipt, Error>,
    started: Instant,
) {
    match result {
        Ok(receipt) => tracing::debug!(
            target: TARGET,
            message_id = receipt.message_id.as_str(),
            attempts = receipt.attempts,
            latency_ms = millis(started.elapsed()),
            "sent"
        ),
        Err(error) => tracing::warn!(
            target: TARGET,
            code = error.code().as_str(),
            http_status = error.http_status(),
            attempts = error.attempts(),
            latency_ms = millis(started.elapsed()),
            "send failed"
        ),
    }
    if let Some(observer) = observer {
        let event = OutcomeEvent::new(operation, result, started.elapsed());
        shielded("on_outcome", || observer.on_outcome(&event));
    }
}

/// Runs the caller's hook `name` (an observer's, a token callback); a panic inside is logged,
/// never propagated into the send.
pub(crate) fn shielded(name: &'static str, hook: impl FnOnce()) {
    if let Err(panic) = catch_unwind(AssertUnwindSafe(hook)) {
        let error = Error::from_panic(panic.as_ref());
        tracing::warn!(target: TARGET, hook = name, error = error.message(), "a caller's hook panicked");
    }
}

/// `duration` in whole milliseconds, saturating.
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
