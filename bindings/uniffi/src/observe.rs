//! Observing sends from Kotlin and Swift: a `SendObserver` the caller implements, set in
//! `ClientOptions.observer`, called with `RetryEvent` / `OutcomeEvent` records.
//!
//! The calls come from chatlane's I/O threads (not a Kotlin dispatcher or a Swift actor), so
//! an implementation must be thread-safe and quick. An exception it throws is caught in the
//! core and logged; the send's result stays what it was.

use std::sync::Arc;
use std::time::Duration;

use chatlane_core::ErrorCode;

/// Hooks on every retry and outcome of one client's sends.
#[uniffi::export(with_foreign)]
pub trait SendObserver: Send + Sync {
    /// Called after an attempt failed, before the client waits to retry it.
    fn on_retry(&self, event: RetryEvent);
    /// Called once per send that passed validation, with its receipt's or its error's details.
    fn on_outcome(&self, event: OutcomeEvent);
}

/// A failed attempt about to be retried.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct RetryEvent {
    /// `SendChatappMessage` or `SendChatappMassMessage`.
    pub operation: String,
    /// The send's `TaskId`.
    pub task_id: String,
    /// The attempt that failed (1-based).
    pub attempt: u32,
    /// Why it failed: an error code such as `Throttled`.
    pub code: String,
    /// The failed attempt's HTTP status, if an answer arrived.
    pub http_status: Option<u16>,
    /// How long the client waits before the next attempt.
    pub delay: Duration,
}

/// A finished send.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct OutcomeEvent {
    /// `SendChatappMessage` or `SendChatappMassMessage`.
    pub operation: String,
    /// The send's `TaskId`.
    pub task_id: String,
    /// Requests made (0 when the send failed before the first).
    pub attempts: u32,
    /// From the first attempt to the outcome, retries and pacing included.
    pub latency: Duration,
    /// The accepted message's `MessageId`; absent on error.
    pub message_id: Option<String>,
    /// The platform's `RequestId` of the last answer, if any.
    pub request_id: Option<String>,
    /// The error's `code`; absent on success.
    pub error_code: Option<String>,
    /// The HTTP status of a failed send's last answer, if any.
    pub http_status: Option<u16>,
}

/// The core's observer seam over a foreign [`SendObserver`].
struct Foreign(Arc<dyn SendObserver>);

impl std::fmt::Debug for Foreign {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Foreign").finish_non_exhaustive()
    }
}

impl chatlane_core::SendObserver for Foreign {
    fn on_retry(&self, event: &chatlane_core::RetryEvent) {
        self.0.on_retry(RetryEvent {
            operation: event.operation.as_str().to_owned(),
            task_id: event.task_id.clone(),
            attempt: event.attempt,
            code: event.code.as_str().to_owned(),
            http_status: event.http_status,
            delay: event.delay,
        });
    }

    fn on_outcome(&self, event: &chatlane_core::OutcomeEvent) {
        self.0.on_outcome(OutcomeEvent {
            operation: event.operation.as_str().to_owned(),
            task_id: event.task_id.clone(),
            attempts: event.attempts,
            latency: event.latency,
            message_id: event.message_id.clone(),
            request_id: event.request_id.clone(),
            error_code: event.error_code.map(|code| ErrorCode::as_str(code).to_owned()),
            http_status: event.http_status,
        });
    }
}

/// `observer` as the core's seam.
pub fn adapted(observer: Arc<dyn SendObserver>) -> Arc<dyn chatlane_core::SendObserver> {
    Arc::new(Foreign(observer))
}
