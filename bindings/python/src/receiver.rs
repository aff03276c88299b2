//! The native half of `chatlane.Receiver` (`chatlane/_receiver.py`): the core's
//! framework-agnostic webhook receiver and its event store, and `SendRecord`, what the store
//! knows of a send.
//!
//! Events cross out built natively into the generated event classes, as the parsers' are
//! ([`crate::native`]), and come back for their dedup keys ([`events::keys`]); every other
//! call into the core (checking, parsing, SQLite) runs with the interpreter released.

use std::time::Duration;

use chatlane_core::receive::{self, Endpoint, ReceiverOptions, WebhookRequest};
use chatlane_core::store;
use chatlane_core::{Error, ErrorCode, ProviderKind};
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::native::Received;
use crate::{errors, events, guarded, repr};

/// `chatlane._chatlane._Receiver`: a configured receiver (see `chatlane.Receiver`). Safe to
/// share between threads: the core receiver keeps no state beyond its store.
#[pyclass(frozen, module = "chatlane", name = "_Receiver")]
pub struct Receiver {
    inner: receive::Receiver,
}

/// An answer of [`Receiver::handle`]: status, content type, body, the new events, how many
/// were skipped, and the refusal as its exception (`None` when accepted).
type Reply<'py> = (u16, &'static str, String, Bound<'py, PyList>, usize, Option<Py<PyAny>>);

#[pymethods]
impl Receiver {
    /// A receiver from `chatlane.Receiver`'s keyword arguments; bad values raise
    /// `ConfigurationError`, a store that cannot be opened `StorageError`.
    #[new]
    #[pyo3(signature = (
        *,
        meta_app_secret=None,
        meta_verify_token=None,
        cams_token=None,
        cams_allowed_ips=Vec::new(),
        cams_unauthenticated=false,
        event_store=None,
    ))]
    fn new(
        py: Python<'_>,
        meta_app_secret: Option<String>,
        meta_verify_token: Option<String>,
        cams_token: Option<String>,
        cams_allowed_ips: Vec<String>,
        cams_unauthenticated: bool,
        event_store: Option<String>,
    ) -> PyResult<Self> {
        guarded(py, || {
            let options = ReceiverOptions {
                meta_app_secret,
                meta_verify_token,
                cams_token,
                cams_allowed_ips,
                cams_unauthenticated,
                event_store,
            };
            py.detach(|| receive::Receiver::from_options(options))
                .map(|inner| Self { inner })
                .map_err(|e| errors::to_pyerr(py, &e))
        })
    }

    /// Answers one request to `endpoint` (`cams_status`, `cams_inbound`, `meta`; another
    /// name raises `ConfigurationError`); `remote_addr` that is not an IP address (with or
    /// without a port) raises `InvalidParameterError`. A refused request is an answer, its
    /// error an exception instance in the last place.
    #[expect(clippy::too_many_arguments, reason = "the request's parts, as `chatlane.Receiver.handle` passes them")]
    fn handle<'py>(
        &self,
        py: Python<'py>,
        endpoint: &str,
        method: &str,
        query: &str,
        headers: Vec<(String, String)>,
        body: &[u8],
        remote_addr: Option<&str>,
    ) -> PyResult<Reply<'py>> {
        guarded(py, || {
            let endpoint = Endpoint::parse(endpoint).map_err(|e| errors::to_pyerr(py, &e))?;
            let remote_addr =
                remote_addr.map(receive::parse_remote_addr).transpose().map_err(|e| errors::to_pyerr(py, &e))?;
            let request = WebhookRequest { method, query, headers: &headers, body, remote_addr };
            let (reply, received) = py.detach(|| {
                let mut reply = self.inner.handle(endpoint, &request);
                let received = Received::new(std::mem::take(&mut reply.events));
                (reply, received)
            });
            let events = received.into_list(py)?;
            let error = reply.error.map(|e| errors::to_pyerr(py, &e).into_value(py).into_any());
            Ok((reply.status, reply.content_type, reply.body, events, reply.skipped, error))
        })
    }

    /// Commits the events (by their dedup keys, see [`events::keys`]); anything but an event
    /// raises `TypeError`, a store failure `StorageError`.
    fn commit(&self, py: Python<'_>, events: Vec<Bound<'_, PyAny>>) -> PyResult<()> {
        guarded(py, || {
            let keys = events::keys(&events)?;
            py.detach(|| self.inner.commit(&keys)).map_err(|e| errors::to_pyerr(py, &e))
        })
    }

    /// The events claimed more than `lease` seconds ago and never committed (at most `limit`,
    /// oldest first), claimed again now. A `lease` below 0, not a number or beyond 2**64
    /// seconds raises `InvalidParameterError`.
    fn reclaim<'py>(&self, py: Python<'py>, lease: f64, limit: usize) -> PyResult<Bound<'py, PyList>> {
        guarded(py, || {
            let lease = Duration::try_from_secs_f64(lease).map_err(|_| {
                let why = format!("the lease must be from 0 to 2**64 seconds, not {lease}");
                errors::to_pyerr(py, &Error::new(ErrorCode::InvalidParameter, why))
            })?;
            py.detach(|| self.inner.reclaim(lease, limit).map(Received::new))
                .map_err(|e| errors::to_pyerr(py, &e))?
                .into_list(py)
        })
    }

    /// What the store knows of the send with `task_id` through `provider` (`cams` or `meta`,
    /// else `ConfigurationError`); `None` without a store or a record.
    fn send(&self, py: Python<'_>, task_id: &str, provider: &str) -> PyResult<Option<SendRecord>> {
        guarded(py, || {
            let provider = ProviderKind::parse(provider).map_err(|e| errors::to_pyerr(py, &e))?;
            py.detach(|| self.inner.send(provider, task_id))
                .map(|record| record.map(SendRecord::from))
                .map_err(|e| errors::to_pyerr(py, &e))
        })
    }
}

/// What the event store knows of a send whose outcome was unknown (`Receiver.send`,
/// `Client.reconcile`).
#[pyclass(frozen, eq, module = "chatlane")]
#[derive(PartialEq, Eq)]
pub struct SendRecord {
    /// The provider it was sent through: `cams` or `meta`.
    #[pyo3(get)]
    provider: &'static str,
    /// The correlation ID it carried (CAMS `TaskId`, Meta `biz_opaque_callback_data`).
    #[pyo3(get)]
    task_id: String,
    /// The business number it was sent from.
    #[pyo3(get, name = "from_")]
    from: String,
    /// The recipient.
    #[pyo3(get)]
    to: String,
    /// Where it stands: `unknown`, `accepted`, `absent` or `resent`.
    #[pyo3(get)]
    state: &'static str,
    /// The provider's message ID, once a receipt proved it `accepted`.
    #[pyo3(get)]
    message_id: Option<String>,
    /// When it was recorded, in milliseconds since the Unix epoch.
    #[pyo3(get)]
    recorded_ms: u64,
    /// When its state last changed, in milliseconds since the Unix epoch.
    #[pyo3(get)]
    updated_ms: u64,
}

impl From<store::SendRecord> for SendRecord {
    fn from(record: store::SendRecord) -> Self {
        let store::SendRecord { provider, task_id, from, to, state, recorded_ms, updated_ms } = record;
        let message_id = state.message_id().map(str::to_owned);
        Self {
            provider: provider.as_str(),
            task_id,
            from,
            to,
            state: state.name(),
            message_id,
            recorded_ms,
            updated_ms,
        }
    }
}

#[pymethods]
impl SendRecord {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr::call_like(
            "SendRecord",
            &[
                ("provider", repr::value(py, self.provider)?),
                ("task_id", repr::value(py, &self.task_id)?),
                ("from_", repr::value(py, &self.from)?),
                ("to", repr::value(py, &self.to)?),
                ("state", repr::value(py, self.state)?),
                ("message_id", repr::value(py, &self.message_id)?),
                ("recorded_ms", repr::value(py, self.recorded_ms)?),
                ("updated_ms", repr::value(py, self.updated_ms)?),
            ],
        )
    }
}
