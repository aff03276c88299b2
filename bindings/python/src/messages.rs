//! Python model values to core messages, and the pure functions on them (CAMS's wire
//! parameters, Meta's JSON body, the violations of either provider).
//!
//! A `chatlane.Message` or `chatlane.MassMessage` (the dataclasses generated into
//! `chatlane/_model.py`) crosses as its `to_dict()` JSON shape: converted to a
//! `serde_json::Value` and deserialised by the core, once per call, so the core's own
//! shape errors (with the failing field's path) are what Python sees.

use chatlane_core::cams::wire::Defaults;
use chatlane_core::validate;
use chatlane_core::{MassMessage, Message, Outgoing, ProviderKind, meta};
use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict};
use serde_json::Value;

use crate::data::{self, NotJson, Problem};
use crate::errors::{self, Violation as PyViolation};
use crate::guarded;

/// The core message behind a `chatlane.Message`. Raises `TypeError` for anything else and
/// `ValidationError` (code `InvalidMessage`) when its fields have the wrong shape.
pub fn message(message: &Bound<'_, PyAny>) -> PyResult<Message> {
    static CLASS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let value = model_json(message, CLASS.import(message.py(), "chatlane._model", "Message")?, "message")?;
    Message::from_json_value(value).map_err(|e| errors::to_pyerr(message.py(), &e))
}

/// The core mass send behind a `chatlane.MassMessage`, as [`message`].
pub fn mass_message(mass: &Bound<'_, PyAny>) -> PyResult<MassMessage> {
    static CLASS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let value = model_json(mass, CLASS.import(mass.py(), "chatlane._model", "MassMessage")?, "mass")?;
    MassMessage::from_json_value(value).map_err(|e| errors::to_pyerr(mass.py(), &e))
}

/// `chatlane.violations(message, provider="cams")`: every rule the message breaks when sent
/// through `provider` (`cams` or `meta`), empty when it can be sent. Another provider is a
/// `ConfigurationError` (`InvalidConfig`).
#[pyfunction]
#[pyo3(signature = (message, provider="cams"))]
pub fn violations(message: &Bound<'_, PyAny>, provider: &str) -> PyResult<Vec<PyViolation>> {
    let py = message.py();
    guarded(py, || {
        let provider = ProviderKind::parse(provider).map_err(|e| errors::to_pyerr(py, &e))?;
        Ok(provider.violations(&self::message(message)?).iter().map(PyViolation::from).collect())
    })
}

/// `chatlane.mass_violations(mass)`: [`violations`] for a mass send.
#[pyfunction]
pub fn mass_violations(mass: &Bound<'_, PyAny>) -> PyResult<Vec<PyViolation>> {
    guarded(mass.py(), || Ok(violations_of(&mass_message(mass)?)))
}

/// `chatlane.wire_params(message)`: the `SendChatappMessage` parameters of the message.
#[pyfunction]
pub fn wire_params<'py>(message: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
    guarded(message.py(), || params_dict(message.py(), &self::message(message)?))
}

/// `chatlane.mass_wire_params(mass)`: the `SendChatappMassMessage` parameters.
#[pyfunction]
pub fn mass_wire_params<'py>(mass: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
    guarded(mass.py(), || params_dict(mass.py(), &mass_message(mass)?))
}

/// `chatlane.meta_body(message, task_id=None)`: the JSON body a Meta send of the message
/// posts, with `task_id` as its `biz_opaque_callback_data`, as a dict.
#[pyfunction]
#[pyo3(signature = (message, task_id=None))]
pub fn meta_body<'py>(message: &Bound<'py, PyAny>, task_id: Option<String>) -> PyResult<Bound<'py, PyDict>> {
    static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let py = message.py();
    guarded(py, || {
        let body = meta::message_json(&self::message(message)?, task_id.as_deref());
        Ok(LOADS.import(py, "json", "loads")?.call1((PyBytes::new(py, &body),))?.cast_into::<PyDict>()?)
    })
}

fn violations_of(message: &impl Outgoing) -> Vec<PyViolation> {
    message.violations().iter().map(PyViolation::from).collect()
}

/// The wire parameters of `message`, without a client's defaults, as a dict.
fn params_dict<'py>(py: Python<'py>, message: &impl Outgoing) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (name, value) in message.wire_params(Defaults::default()).iter() {
        dict.set_item(name, value)?;
    }
    Ok(dict)
}

/// The JSON shape of `value`, an instance of the model class `class` (else `TypeError`
/// naming the `argument`).
fn model_json(value: &Bound<'_, PyAny>, class: &Bound<'_, PyAny>, argument: &str) -> PyResult<Value> {
    if !value.is_instance(class)? {
        let expected = class.getattr(intern!(value.py(), "__name__"))?;
        let found = value.get_type().name()?;
        return Err(PyTypeError::new_err(format!("{argument} must be a chatlane.{expected}, not {found}")));
    }
    data::to_json(&value.call_method0(intern!(value.py(), "to_dict"))?).map_err(|e| not_a_message(value.py(), e))
}

/// A `ValidationError` carrying the violation at its path, or a `TypeError` naming the path
/// of a value JSON cannot hold.
fn not_a_message(py: Python<'_>, error: NotJson) -> PyErr {
    let path = error.path();
    match error.problem {
        Problem::Host(problem) => errors::to_pyerr(py, &validate::invalid(vec![problem.at(path)])),
        Problem::Type(problem) => {
            let problem = problem.value(py);
            match path.as_str() {
                "" => PyTypeError::new_err(format!("not a valid message: {problem}")),
                path => PyTypeError::new_err(format!("not a valid message at {path}: {problem}")),
            }
        }
    }
}
