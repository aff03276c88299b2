//! Python model values to core messages, and the pure functions on them (CAMS's wire
//! parameters, Meta's JSON body, the violations of either provider).
//!
//! A `chatlane.Message` or `chatlane.MassMessage` (the dataclasses generated into
//! `chatlane/_model.py`) crosses as its `to_dict()` JSON shape: converted to a
//! `serde_json::Value` and deserialised by the core, once per call, so the core's own
//! shape errors (with the failing field's path) are what Python sees.

use chatlane_core::cams::wire::Defaults;
use chatlane_core::validate::{self, HostProblem, MAX_JSON_DEPTH};
use chatlane_core::{MassMessage, Message, Outgoing, ProviderKind, meta};
use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

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
    to_json(&value.call_method0(intern!(value.py(), "to_dict"))?, 0).map_err(|e| e.into_pyerr(value.py()))
}

/// How deep the converter follows containers: twice what a message may nest
/// ([`MAX_JSON_DEPTH`]). Deeper data, or a container holding itself, is cut off there with
/// an empty object, which the core then refuses as `too_deep` at the field's path; the
/// converter never recurses until the stack runs out.
const CLIP_DEPTH: usize = 2 * MAX_JSON_DEPTH;

/// Why a Python value cannot be read as a message: data JSON cannot carry (a non-finite
/// float, a lone surrogate), or a type JSON has no place for; with the
/// keys and indexes leading to it, innermost first (collected only on failure).
struct NotJson {
    problem: Problem,
    path: Vec<String>,
}

enum Problem {
    /// Data JSON cannot carry: a violation at the path.
    Host(HostProblem),
    /// A Python type that is not JSON data.
    Type(PyErr),
}

impl NotJson {
    fn new(problem: Problem) -> Self {
        Self { problem, path: Vec::new() }
    }

    fn at(mut self, segment: String) -> Self {
        self.path.push(segment);
        self
    }

    /// A `ValidationError` carrying the violation at its path, or a `TypeError` naming the
    /// path of a value JSON cannot hold.
    fn into_pyerr(self, py: Python<'_>) -> PyErr {
        let path: String = self.path.into_iter().rev().collect();
        let path = path.trim_start_matches('.').to_owned();
        match self.problem {
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
}

/// A Python string as Rust text; a lone surrogate is an `invalid_text` violation.
fn text(value: &Bound<'_, PyString>) -> Result<String, NotJson> {
    value.to_str().map(str::to_owned).map_err(|_| NotJson::new(Problem::Host(HostProblem::LoneSurrogate)))
}

/// Converts JSON data as `to_dict()` builds it: dicts with string keys, lists, tuples,
/// strings, integers, finite floats, booleans and `None`, `depth` containers deep.
fn to_json(value: &Bound<'_, PyAny>, depth: usize) -> Result<Value, NotJson> {
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(string) = value.cast::<PyString>() {
        return text(string).map(Value::String);
    }
    if let Ok(flag) = value.cast::<PyBool>() {
        return Ok(Value::Bool(flag.is_true()));
    }
    if value.is_instance_of::<PyInt>() {
        return match value.extract::<i64>() {
            Ok(number) => Ok(number.into()),
            Err(_) => value.extract::<u64>().map(Value::from).map_err(|e| NotJson::new(Problem::Type(e))),
        };
    }
    if let Ok(number) = value.cast::<PyFloat>() {
        let number = number.value();
        return Number::from_f64(number)
            .map(Value::Number)
            .ok_or_else(|| NotJson::new(Problem::Host(HostProblem::NonFinite)));
    }
    let is_container =
        value.is_instance_of::<PyDict>() || value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>();
    if is_container && depth >= CLIP_DEPTH {
        return Ok(Value::Object(Map::new()));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut object = Map::with_capacity(dict.len());
        for (key, item) in dict.iter() {
            let key = key
                .cast::<PyString>()
                .map_err(|_| NotJson::new(Problem::Type(PyTypeError::new_err("keys must be strings"))))?;
            let key = text(key)?;
            let item = to_json(&item, depth + 1).map_err(|e| e.at(format!(".{key}")))?;
            object.insert(key, item);
        }
        return Ok(Value::Object(object));
    }
    if let Ok(list) = value.cast::<PyList>() {
        return array(list.iter(), depth);
    }
    if let Ok(tuple) = value.cast::<PyTuple>() {
        return array(tuple.iter(), depth);
    }
    let found = value.get_type().name().map_or_else(|_| "this value".to_owned(), |name| name.to_string());
    Err(NotJson::new(Problem::Type(PyTypeError::new_err(format!("{found} is not JSON data")))))
}

fn array<'py>(items: impl Iterator<Item = Bound<'py, PyAny>>, depth: usize) -> Result<Value, NotJson> {
    items.enumerate().map(|(index, item)| to_json(&item, depth + 1).map_err(|e| e.at(format!("[{index}]")))).collect()
}
