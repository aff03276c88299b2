//! Receiving: the core's webhook parsers, Meta's webhook verification and the events' dedup
//! keys, for `chatlane/_events.py`.
//!
//! The parsers' events are built natively into the generated event classes of
//! `chatlane._model` ([`native`]). An event's dedup key comes from the core event it was built
//! from while it holds what it was built with, else from its `to_dict()` data. Bodies are
//! borrowed from `bytes` and read, hashed and parsed with the interpreter released.

use chatlane_core::events::{self, CamsPushKind, Event};
use chatlane_core::{Error, ErrorCode};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyList, PyString};

use crate::data::{self, NotJson, Problem};
use crate::native::{self, Received};
use crate::{errors, guarded};

/// `_parse_cams_push(body, kind)`: the events of a CAMS push body, `kind` (`status` or
/// `inbound`, else `ConfigurationError`) saying which push it is.
#[pyfunction]
#[pyo3(name = "_parse_cams_push")]
pub fn parse_cams_push<'py>(py: Python<'py>, body: &[u8], kind: &str) -> PyResult<Bound<'py, PyList>> {
    guarded(py, || {
        let kind = CamsPushKind::parse(kind).map_err(|e| errors::to_pyerr(py, &e))?;
        received(py, py.detach(|| events::parse_cams_push(body, kind).map(Received::new)))
    })
}

/// `_parse_meta_webhook(body)`: the events of a Meta webhook body.
#[pyfunction]
#[pyo3(name = "_parse_meta_webhook")]
pub fn parse_meta_webhook<'py>(py: Python<'py>, body: &[u8]) -> PyResult<Bound<'py, PyList>> {
    guarded(py, || received(py, py.detach(|| events::parse_meta_webhook(body).map(Received::new))))
}

/// `_dedup_key(event)`: the dedup key of an event (see [`keys`]).
#[pyfunction]
#[pyo3(name = "_dedup_key")]
pub fn dedup_key(event: &Bound<'_, PyAny>) -> PyResult<String> {
    guarded(event.py(), || Ok(keys(std::slice::from_ref(event))?.remove(0)))
}

/// `chatlane.verify_meta_signature(app_secret, body, header)`: which form of `body` the
/// `X-Hub-Signature-256` value `header` signs under `app_secret` (a `str`, as UTF-8, or
/// `bytes`): `"raw"` or `"escaped_unicode"`.
#[pyfunction]
pub fn verify_meta_signature(
    app_secret: &Bound<'_, PyAny>,
    body: &[u8],
    header: Option<&str>,
) -> PyResult<&'static str> {
    let py = app_secret.py();
    guarded(py, || {
        let secret = if let Ok(text) = app_secret.cast::<PyString>() {
            text.to_str()?.as_bytes()
        } else if let Ok(bytes) = app_secret.cast::<PyBytes>() {
            bytes.as_bytes()
        } else {
            let found = app_secret.get_type().name()?;
            return Err(PyTypeError::new_err(format!("app_secret must be str or bytes, not {found}")));
        };
        let found = py.detach(|| events::verify_meta_signature(secret, body, header));
        found.map(|found| found.as_str()).map_err(|e| errors::to_pyerr(py, &e))
    })
}

/// `chatlane.verify_meta_challenge(query, verify_token)`: the `hub.challenge` to echo for
/// Meta's subscription request with the raw query string `query`.
#[pyfunction]
pub fn verify_meta_challenge(py: Python<'_>, query: &str, verify_token: &str) -> PyResult<String> {
    guarded(py, || events::verify_meta_challenge(query, verify_token).map_err(|e| errors::to_pyerr(py, &e)))
}

/// The parsed events as the generated classes, or the error as its Python exception.
fn received(py: Python<'_>, events: Result<Received, Error>) -> PyResult<Bound<'_, PyList>> {
    events.map_err(|e| errors::to_pyerr(py, &e))?.into_list(py)
}

/// The dedup keys of `events`: from the core events they were built from where they still
/// hold what they were built with ([`native::key`]), else from their `to_dict()` data
/// (`chatlane._events._event_data`, which raises `TypeError` for anything but an event). Every
/// event is read before any key is computed from data, so a `TypeError` comes first.
pub fn keys(events: &[Bound<'_, PyAny>]) -> PyResult<Vec<String>> {
    static EVENT_DATA: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let Some(py) = events.first().map(Bound::py) else {
        return Ok(Vec::new());
    };
    let event_data =
        EVENT_DATA.get_or_try_init(py, || py.import("chatlane._events")?.getattr("_event_data").map(Bound::unbind))?;
    let read = events
        .iter()
        .map(|event| match native::key(event)? {
            Some(key) => Ok(Read::Key(key)),
            None => event_data.bind(py).call1((event,)).map(Read::Data),
        })
        .collect::<PyResult<Vec<_>>>()?;
    read.into_iter()
        .map(|read| match read {
            Read::Key(key) => Ok(key),
            Read::Data(data) => key(&data),
        })
        .collect()
}

/// An event as [`keys`] first reads it: its key already, or its `to_dict()` data.
enum Read<'py> {
    Key(String),
    Data(Bound<'py, PyAny>),
}

/// The dedup key of an event given as its `to_dict()` data, read straight into the core's
/// event. Data that is not an event is read again through the core's checked reader, for its
/// `InvalidParameterError` naming the problem and its place; `TypeError` for a value JSON
/// has no place for.
fn key(event: &Bound<'_, PyAny>) -> PyResult<String> {
    let py = event.py();
    let data = || data::to_json(event).map_err(|e| not_an_event(py, e));
    let read = match serde_json::from_value::<Event>(data()?) {
        Ok(event) => Ok(event),
        Err(_) => Event::from_json_text(&data()?.to_string()),
    };
    read.map(|event| event.dedup_key()).map_err(|e| errors::to_pyerr(py, &e))
}

/// The error for data that cannot be read as JSON: `TypeError` for a type JSON has no place
/// for, `InvalidParameterError` for data it cannot carry (a non-finite float, a lone
/// surrogate).
fn not_an_event(py: Python<'_>, error: NotJson) -> PyErr {
    let path = error.path();
    let place = if path.is_empty() { String::new() } else { format!(" at {path}") };
    match error.problem {
        Problem::Type(problem) => PyTypeError::new_err(format!("not a valid event{place}: {}", problem.value(py))),
        Problem::Host(problem) => {
            let why = format!("not a valid event{place}: {}", problem.at(path).message);
            errors::to_pyerr(py, &Error::new(ErrorCode::InvalidParameter, why))
        }
    }
}
