//! Python model values to core messages, and the pure functions on them.
//!
//! A `chatlane.Message` or `chatlane.MassMessage` (the dataclasses generated into
//! `chatlane/_model.py`) crosses as its `to_dict()` JSON shape: converted to a
//! `serde_json::Value` and deserialised by the core, once per call, so the core's own
//! shape errors (with the failing field's path) are what Python sees.

use chatlane_core::cams::wire::Defaults;
use chatlane_core::{MassMessage, Message, Outgoing};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

use crate::errors::{self, Violation};

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

/// `chatlane.violations(message)`: every rule the message breaks, empty when it can be sent.
#[pyfunction]
pub fn violations(message: &Bound<'_, PyAny>) -> PyResult<Vec<Violation>> {
    Ok(violations_of(&self::message(message)?))
}

/// `chatlane.mass_violations(mass)`: [`violations`] for a mass send.
#[pyfunction]
pub fn mass_violations(mass: &Bound<'_, PyAny>) -> PyResult<Vec<Violation>> {
    Ok(violations_of(&mass_message(mass)?))
}

/// `chatlane.wire_params(message)`: the `SendChatappMessage` parameters of the message.
#[pyfunction]
pub fn wire_params<'py>(message: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
    params_dict(message.py(), &self::message(message)?)
}

/// `chatlane.mass_wire_params(mass)`: the `SendChatappMassMessage` parameters.
#[pyfunction]
pub fn mass_wire_params<'py>(mass: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
    params_dict(mass.py(), &mass_message(mass)?)
}

fn violations_of(message: &impl Outgoing) -> Vec<Violation> {
    message.violations().iter().map(Violation::from).collect()
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
    to_json(&value.call_method0(intern!(value.py(), "to_dict"))?).map_err(|e| e.into_pyerr(value.py()))
}

/// Why a Python value is not JSON data: the problem, and the keys and indexes leading to
/// it, innermost first (collected only on failure, while the error travels up).
struct NotJson {
    problem: PyErr,
    path: Vec<String>,
}

impl NotJson {
    fn new(problem: PyErr) -> Self {
        Self { problem, path: Vec::new() }
    }

    fn at(mut self, segment: String) -> Self {
        self.path.push(segment);
        self
    }

    /// The problem's exception, its text prefixed with the path.
    fn into_pyerr(self, py: Python<'_>) -> PyErr {
        let path: String = self.path.into_iter().rev().collect();
        let problem = self.problem.value(py);
        let text = match path.trim_start_matches('.') {
            "" => format!("not a valid message: {problem}"),
            path => format!("not a valid message at {path}: {problem}"),
        };
        if problem.is_instance_of::<PyValueError>() { PyValueError::new_err(text) } else { PyTypeError::new_err(text) }
    }
}

/// Converts JSON data as `to_dict()` builds it: dicts with string keys, lists, tuples,
/// strings, integers, finite floats, booleans and `None`.
fn to_json(value: &Bound<'_, PyAny>) -> Result<Value, NotJson> {
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(Value::String(text.to_str().map_err(NotJson::new)?.to_owned()));
    }
    if let Ok(flag) = value.cast::<PyBool>() {
        return Ok(Value::Bool(flag.is_true()));
    }
    if value.is_instance_of::<PyInt>() {
        return match value.extract::<i64>() {
            Ok(number) => Ok(number.into()),
            Err(_) => value.extract::<u64>().map(Value::from).map_err(NotJson::new),
        };
    }
    if let Ok(number) = value.cast::<PyFloat>() {
        let number = number.value();
        return Number::from_f64(number)
            .map(Value::Number)
            .ok_or_else(|| NotJson::new(PyValueError::new_err(format!("{number} is not a finite number"))));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut object = Map::with_capacity(dict.len());
        for (key, item) in dict.iter() {
            let key = key.cast::<PyString>().map_err(|_| NotJson::new(PyTypeError::new_err("keys must be strings")))?;
            let key = key.to_str().map_err(NotJson::new)?;
            object.insert(key.to_owned(), to_json(&item).map_err(|e| e.at(format!(".{key}")))?);
        }
        return Ok(Value::Object(object));
    }
    if let Ok(list) = value.cast::<PyList>() {
        return array(list.iter());
    }
    if let Ok(tuple) = value.cast::<PyTuple>() {
        return array(tuple.iter());
    }
    let found = value.get_type().name().map_or_else(|_| "this value".to_owned(), |name| name.to_string());
    Err(NotJson::new(PyTypeError::new_err(format!("{found} is not JSON data"))))
}

fn array<'py>(items: impl Iterator<Item = Bound<'py, PyAny>>) -> Result<Value, NotJson> {
    items.enumerate().map(|(index, item)| to_json(&item).map_err(|e| e.at(format!("[{index}]")))).collect()
}
