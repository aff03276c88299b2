//! Receiving: the core's webhook parsers, Meta's webhook verification and the events' dedup
//! keys, for `chatlane/_events.py`.
//!
//! The parsers hand the events over as their JSON text, which `_events.py` builds into the
//! generated event classes of `chatlane._model` (their `_trusted` builders: the core checked
//! them); an event comes back as its `to_dict()` data for its dedup key. Bodies are borrowed
//! from `bytes` and read, hashed and parsed with the interpreter released.

use chatlane_core::events::{self, CamsPushKind, Event};
use chatlane_core::{Error, ErrorCode};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::data::{self, NotJson, Problem};
use crate::{errors, guarded};

/// `_parse_cams_push(body, kind)`: the JSON text of the events of a CAMS push body, `kind`
/// (`status` or `inbound`, else `ConfigurationError`) saying which push it is.
#[pyfunction]
#[pyo3(name = "_parse_cams_push")]
pub fn parse_cams_push(py: Python<'_>, body: &[u8], kind: &str) -> PyResult<String> {
    guarded(py, || {
        let kind = CamsPushKind::parse(kind).map_err(|e| errors::to_pyerr(py, &e))?;
        events_json(py, py.detach(|| events::parse_cams_push(body, kind)))
    })
}

/// `_parse_meta_webhook(body)`: the JSON text of the events of a Meta webhook body.
#[pyfunction]
#[pyo3(name = "_parse_meta_webhook")]
pub fn parse_meta_webhook(py: Python<'_>, body: &[u8]) -> PyResult<String> {
    guarded(py, || events_json(py, py.detach(|| events::parse_meta_webhook(body))))
}

/// `_dedup_key(event)`: the dedup key of an event given as its `to_dict()` data.
#[pyfunction]
#[pyo3(name = "_dedup_key")]
pub fn dedup_key(event: &Bound<'_, PyAny>) -> PyResult<String> {
    guarded(event.py(), || key(event))
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

/// The events as JSON text, or the error as its Python exception.
fn events_json(py: Python<'_>, events: Result<Vec<Event>, Error>) -> PyResult<String> {
    events.map(|events| json(&events)).map_err(|e| errors::to_pyerr(py, &e))
}

/// The JSON text of `events`, as `_events.py` reads it.
pub fn json(events: &[Event]) -> String {
    serde_json::to_string(events).expect("events serialise")
}

/// The dedup key of an event given as its `to_dict()` data, read straight into the core's
/// event. Data that is not an event is read again through the core's checked reader, for its
/// `InvalidParameterError` naming the problem and its place; `TypeError` for a value JSON
/// has no place for.
pub fn key(event: &Bound<'_, PyAny>) -> PyResult<String> {
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
