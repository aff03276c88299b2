//! Observing sends from Python: `Client(on_retry=..., on_outcome=...)` hooks, called with
//! frozen `RetryEvent` / `OutcomeEvent` objects, and `chatlane.enable_logging()`, which
//! forwards the core's `tracing` events to `logging.getLogger("chatlane")`.
//!
//! Both run on the thread driving the send (the caller's for `send`, a chatlane I/O thread
//! for `send_async`), attached to the interpreter through [`aio::attach`], so nothing runs
//! once the interpreter is shutting down. A hook that raises is reported through
//! `sys.unraisablehook`; the send's result stays what it was. Until `enable_logging()` is
//! called no `tracing` subscriber exists and the core's events cost one atomic load each.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Once};

use chatlane_core::ErrorCode;
use chatlane_core::observe::{OutcomeEvent, RetryEvent, SendObserver, TARGET};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;
use pyo3::{PyClass, intern};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::{LookupSpan, Registry};

use crate::{aio, host};

/// A retry about to happen, as `on_retry` receives it.
#[pyclass(frozen, get_all, name = "RetryEvent", module = "chatlane")]
pub struct PyRetryEvent {
    /// `SendChatappMessage` or `SendChatappMassMessage`.
    operation: &'static str,
    /// The send's `TaskId`.
    task_id: String,
    /// The attempt that failed (1-based).
    attempt: u32,
    /// Why it failed, an error code such as `Throttled`.
    code: &'static str,
    /// The failed attempt's HTTP status, if an answer arrived.
    http_status: Option<u16>,
    /// Seconds until the next attempt.
    delay: f64,
}

impl From<&RetryEvent> for PyRetryEvent {
    fn from(event: &RetryEvent) -> Self {
        Self {
            operation: event.operation.as_str(),
            task_id: event.task_id.clone(),
            attempt: event.attempt,
            code: event.code.as_str(),
            http_status: event.http_status,
            delay: event.delay.as_secs_f64(),
        }
    }
}

/// A finished send, as `on_outcome` receives it.
#[pyclass(frozen, get_all, name = "OutcomeEvent", module = "chatlane")]
pub struct PyOutcomeEvent {
    /// `SendChatappMessage` or `SendChatappMassMessage`.
    operation: &'static str,
    /// The send's `TaskId`.
    task_id: String,
    /// Requests made (0 when it failed before the first).
    attempts: u32,
    /// Seconds from the first attempt to the outcome, retries and pacing included.
    latency: f64,
    /// The accepted message's `MessageId`; `None` on error.
    message_id: Option<String>,
    /// The platform's `RequestId` of the last answer, if any.
    request_id: Option<String>,
    /// The error code (`code` of the exception raised); `None` on success.
    error_code: Option<&'static str>,
    /// The HTTP status of a failed send's last answer, if any.
    http_status: Option<u16>,
}

impl From<&OutcomeEvent> for PyOutcomeEvent {
    fn from(event: &OutcomeEvent) -> Self {
        Self {
            operation: event.operation.as_str(),
            task_id: event.task_id.clone(),
            attempts: event.attempts,
            latency: event.latency.as_secs_f64(),
            message_id: event.message_id.clone(),
            request_id: event.request_id.clone(),
            error_code: event.error_code.map(ErrorCode::as_str),
            http_status: event.http_status,
        }
    }
}

#[pymethods]
impl PyRetryEvent {
    fn __repr__(&self) -> String {
        format!(
            "RetryEvent(task_id={:?}, attempt={}, code={:?}, delay={})",
            self.task_id, self.attempt, self.code, self.delay
        )
    }
}

#[pymethods]
impl PyOutcomeEvent {
    /// Whether the send was accepted.
    #[getter]
    fn ok(&self) -> bool {
        self.error_code.is_none()
    }

    fn __repr__(&self) -> String {
        let result = match (&self.message_id, self.error_code) {
            (Some(id), _) => format!("message_id={id:?}"),
            (None, code) => format!("error_code={:?}", code.unwrap_or_default()),
        };
        format!("OutcomeEvent(task_id={:?}, attempts={}, {result})", self.task_id, self.attempts)
    }
}

/// The Python callables of one client.
struct Hooks {
    on_retry: Option<Py<PyAny>>,
    on_outcome: Option<Py<PyAny>>,
}

impl std::fmt::Debug for Hooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hooks").finish_non_exhaustive()
    }
}

impl SendObserver for Hooks {
    fn on_retry(&self, event: &RetryEvent) {
        if let Some(hook) = &self.on_retry {
            call(hook, PyRetryEvent::from(event));
        }
    }

    fn on_outcome(&self, event: &OutcomeEvent) {
        if let Some(hook) = &self.on_outcome {
            call(hook, PyOutcomeEvent::from(event));
        }
    }
}

/// Calls `hook(event)` attached to the interpreter; what it raises goes to
/// `sys.unraisablehook`.
pub fn call<E: PyClass + Into<PyClassInitializer<E>>>(hook: &Py<PyAny>, event: E) {
    aio::attach(|py| {
        let hook = hook.bind(py);
        if let Err(error) = Py::new(py, event).and_then(|event| hook.call1((event,))) {
            error.write_unraisable(py, Some(hook));
        }
    });
}

/// Takes the `on_retry` and `on_outcome` keywords out of a `Client`'s options (they are
/// callables, not data the core reads); `None` leaves a hook unset.
pub fn take_hooks(options: Option<&Bound<'_, PyDict>>) -> PyResult<Option<Arc<dyn SendObserver>>> {
    let take = |name: &str| host::pop_callable(options, name).map(|hook| hook.map(Bound::unbind));
    let hooks = Hooks { on_retry: take("on_retry")?, on_outcome: take("on_outcome")? };
    let any = hooks.on_retry.is_some() || hooks.on_outcome.is_some();
    Ok(any.then(|| Arc::new(hooks) as Arc<dyn SendObserver>))
}

/// The lowest `logging` level forwarded, from the logger's effective level when
/// `enable_logging()` last ran.
static MIN_LEVEL: AtomicI32 = AtomicI32::new(i32::MAX);

/// `chatlane.enable_logging()`: from now on the core's events go to
/// `logging.getLogger("chatlane")`, from the logger's current effective level up (call it
/// again after lowering that level). The `TaskId` and operation of the send are in each
/// message and, with the event's fields, in the record's `chatlane` attribute.
#[pyfunction]
pub fn enable_logging(py: Python<'_>) -> PyResult<()> {
    let level: i32 = logger(py)?.call_method0(intern!(py, "getEffectiveLevel"))?.extract()?;
    MIN_LEVEL.store(level, Ordering::Relaxed);
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        // Fails only when a subscriber is installed already, and only this does that.
        drop(tracing::subscriber::set_global_default(Registry::default().with(ToLogging)));
    });
    Ok(())
}

/// `logging.getLogger("chatlane")`.
fn logger(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    static LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    LOGGER
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(py.import("logging")?.call_method1("getLogger", ("chatlane",))?.unbind())
        })
        .map(|logger| logger.bind(py))
}

/// The `logging` level of a `tracing` level.
fn python_level(level: &Level) -> i32 {
    match *level {
        Level::ERROR => 40,
        Level::WARN => 30,
        Level::INFO => 20,
        Level::DEBUG => 10,
        Level::TRACE => 5,
    }
}

/// The fields of a span or an event, in order, each as an integer or text.
#[derive(Default)]
struct Fields {
    message: String,
    values: Vec<(&'static str, FieldValue)>,
}

#[derive(Clone)]
enum FieldValue {
    Integer(i64),
    Text(String),
}

impl Visit for Fields {
    fn record_u64(&mut self, field: &Field, value: u64) {
        match i64::try_from(value) {
            Ok(value) => self.values.push((field.name(), FieldValue::Integer(value))),
            Err(_) => self.record_debug(field, &value),
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.values.push((field.name(), FieldValue::Integer(value)));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.values.push((field.name(), FieldValue::Text(value.to_owned())));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.message = format!("{value:?}");
        } else {
            self.values.push((field.name(), FieldValue::Text(format!("{value:?}"))));
        }
    }
}

/// The `tracing` layer behind `enable_logging()`: chatlane's events to Python's `logging`.
struct ToLogging;

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for ToLogging {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if metadata.target() == TARGET { Interest::sometimes() } else { Interest::never() }
    }

    fn enabled(&self, metadata: &Metadata<'_>, _: Context<'_, S>) -> bool {
        metadata.is_span() || python_level(metadata.level()) >= MIN_LEVEL.load(Ordering::Relaxed)
    }

    fn on_new_span(&self, attributes: &Attributes<'_>, id: &Id, context: Context<'_, S>) {
        let mut fields = Fields::default();
        attributes.record(&mut fields);
        if let Some(span) = context.span(id) {
            span.extensions_mut().insert(fields);
        }
    }

    fn on_event(&self, event: &Event<'_>, context: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let mut values = Vec::new();
        for span in context.event_scope(event).into_iter().flatten() {
            if let Some(span_fields) = span.extensions().get::<Fields>() {
                values.extend(span_fields.values.iter().map(|(name, value)| (*name, value.clone())));
            }
        }
        values.append(&mut fields.values);
        let level = python_level(event.metadata().level());
        aio::attach(|py| {
            if let Err(error) = log(py, level, &fields.message, &values) {
                error.write_unraisable(py, None);
            }
        });
    }
}

/// `logger.log(level, "message key=value ...", extra={"chatlane": {key: value, ...}})`,
/// when the logger is enabled for `level`.
fn log(py: Python<'_>, level: i32, message: &str, values: &[(&'static str, FieldValue)]) -> PyResult<()> {
    let logger = logger(py)?;
    if !logger.call_method1(intern!(py, "isEnabledFor"), (level,))?.is_truthy()? {
        return Ok(());
    }
    let mut text = message.to_owned();
    let fields = PyDict::new(py);
    for (name, value) in values {
        match value {
            FieldValue::Integer(number) => {
                let _ = write!(text, " {name}={number}");
                fields.set_item(name, number)?;
            }
            FieldValue::Text(value) => {
                let _ = write!(text, " {name}={value}");
                fields.set_item(name, value)?;
            }
        }
    }
    let extra = PyDict::new(py);
    extra.set_item("chatlane", fields)?;
    let keywords = PyDict::new(py);
    keywords.set_item("extra", extra)?;
    logger.call_method(intern!(py, "log"), (level, text), Some(&keywords))?;
    Ok(())
}
