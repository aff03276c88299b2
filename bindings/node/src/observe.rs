//! Observing sends from Node: the `onRetry` / `onOutcome` hooks of `new Client({...})`.
//!
//! `index.js` hands the native client one JS function, `(kind, event) => void`, that calls
//! the caller's hooks and catches what they throw. The core's events reach it through a
//! weak threadsafe function, queued without blocking the I/O thread and without keeping
//! the event loop alive, and become plain objects on the JS thread.

use std::sync::Arc;

use chatlane_core::ErrorCode;
use chatlane_core::observe::{OutcomeEvent, RetryEvent, SendObserver};
use napi::Status;
use napi::bindgen_prelude::{Either, FnArgs, Function};
use napi::threadsafe_function::{ThreadsafeCallContext, ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;

/// A retry about to happen, as `onRetry` receives it.
#[napi(object, js_name = "RetryEvent")]
pub struct JsRetryEvent {
    /// `SendChatappMessage` or `SendChatappMassMessage`.
    pub operation: String,
    /// The send's `TaskId`.
    pub task_id: String,
    /// The attempt that failed (1-based).
    pub attempt: u32,
    /// Why it failed: an error code such as `Throttled`.
    pub code: String,
    /// The failed attempt's HTTP status, if an answer arrived.
    pub http_status: Option<u32>,
    /// Milliseconds until the next attempt.
    pub delay_ms: f64,
}

impl From<&RetryEvent> for JsRetryEvent {
    fn from(event: &RetryEvent) -> Self {
        Self {
            operation: event.operation.as_str().to_owned(),
            task_id: event.task_id.clone(),
            attempt: event.attempt,
            code: event.code.as_str().to_owned(),
            http_status: event.http_status.map(u32::from),
            delay_ms: event.delay.as_secs_f64() * 1000.0,
        }
    }
}

/// A finished send, as `onOutcome` receives it.
#[napi(object, js_name = "OutcomeEvent")]
pub struct JsOutcomeEvent {
    /// `SendChatappMessage` or `SendChatappMassMessage`.
    pub operation: String,
    /// The send's `TaskId`.
    pub task_id: String,
    /// Whether the send was accepted.
    pub ok: bool,
    /// Requests made (0 when it failed before the first).
    pub attempts: u32,
    /// Milliseconds from the first attempt to the outcome, retries and pacing included.
    pub latency_ms: f64,
    /// The accepted message's `MessageId`; `null` on error.
    pub message_id: Option<String>,
    /// The platform's `RequestId` of the last answer, if any.
    pub request_id: Option<String>,
    /// The error's `code`; `null` on success.
    pub error_code: Option<String>,
    /// The HTTP status of a failed send's last answer, if any.
    pub http_status: Option<u32>,
}

impl From<&OutcomeEvent> for JsOutcomeEvent {
    fn from(event: &OutcomeEvent) -> Self {
        Self {
            operation: event.operation.as_str().to_owned(),
            task_id: event.task_id.clone(),
            ok: event.error_code.is_none(),
            attempts: event.attempts,
            latency_ms: event.latency.as_secs_f64() * 1000.0,
            message_id: event.message_id.clone(),
            request_id: event.request_id.clone(),
            error_code: event.error_code.map(|code| ErrorCode::as_str(code).to_owned()),
            http_status: event.http_status.map(u32::from),
        }
    }
}

/// An event on its way to the JS thread.
type Observed = Either<JsRetryEvent, JsOutcomeEvent>;

/// The arguments of `index.js`'s dispatcher: the kind (`retry` or `outcome`) and the event.
type DispatchArgs = FnArgs<(&'static str, Observed)>;

/// `index.js`'s dispatcher as the native client receives it.
pub type Dispatcher<'env> = Function<'env, DispatchArgs, ()>;

/// The dispatcher, callable from any thread; weak: it never keeps the event loop alive.
type Dispatch = ThreadsafeFunction<Observed, (), DispatchArgs, Status, false, true>;

/// The hooks of one client.
struct Hooks(Dispatch);

impl std::fmt::Debug for Hooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hooks").finish_non_exhaustive()
    }
}

impl SendObserver for Hooks {
    fn on_retry(&self, event: &RetryEvent) {
        // Fails only once the environment is torn down: nobody is left to observe.
        self.0.call(Either::A(event.into()), ThreadsafeFunctionCallMode::NonBlocking);
    }

    fn on_outcome(&self, event: &OutcomeEvent) {
        self.0.call(Either::B(event.into()), ThreadsafeFunctionCallMode::NonBlocking);
    }
}

/// The observer that forwards a client's events to `dispatcher`.
pub fn observer(dispatcher: &Dispatcher<'_>) -> napi::Result<Arc<dyn SendObserver>> {
    let dispatch = dispatcher.build_threadsafe_function::<Observed>().weak::<true>().build_callback(
        |context: ThreadsafeCallContext<Observed>| {
            let kind = match &context.value {
                Either::A(_) => "retry",
                Either::B(_) => "outcome",
            };
            Ok(FnArgs::from((kind, context.value)))
        },
    )?;
    Ok(Arc::new(Hooks(dispatch)))
}
