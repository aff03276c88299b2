//! Python data as JSON values: what a model value's `to_dict()` builds (a message, a mass
//! send, an event), converted for the core to deserialise.

use chatlane_core::validate::{HostProblem, MAX_JSON_DEPTH};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

/// How deep the converter follows containers: twice what a message may nest
/// ([`MAX_JSON_DEPTH`]). Deeper data, or a container holding itself, is cut off there with
/// an empty object, which the core then refuses (a message as `too_deep` at the field's
/// path); the converter never recurses until the stack runs out.
const CLIP_DEPTH: usize = 2 * MAX_JSON_DEPTH;

/// Why a Python value cannot be read as JSON: data JSON cannot carry (a non-finite float, a
/// lone surrogate), or a type JSON has no place for; with the keys and indexes leading to
/// it, innermost first (collected only on failure).
pub struct NotJson {
    pub problem: Problem,
    path: Vec<String>,
}

pub enum Problem {
    /// Data JSON cannot carry.
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

    /// Where the problem is, in the model's JSON names (`content.contacts[0].name`; empty
    /// for the value itself).
    pub fn path(&self) -> String {
        let path: String = self.path.iter().rev().map(String::as_str).collect();
        path.trim_start_matches('.').to_owned()
    }
}

/// Converts JSON data as `to_dict()` builds it: dicts with string keys, lists, tuples,
/// strings, integers, finite floats, booleans and `None`.
pub fn to_json(value: &Bound<'_, PyAny>) -> Result<Value, NotJson> {
    convert(value, 0)
}

/// A Python string as Rust text; a lone surrogate is [`HostProblem::LoneSurrogate`].
fn text(value: &Bound<'_, PyString>) -> Result<String, NotJson> {
    value.to_str().map(str::to_owned).map_err(|_| NotJson::new(Problem::Host(HostProblem::LoneSurrogate)))
}

/// [`to_json`] of a value `depth` containers deep.
fn convert(value: &Bound<'_, PyAny>, depth: usize) -> Result<Value, NotJson> {
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
            let item = convert(&item, depth + 1).map_err(|e| e.at(format!(".{key}")))?;
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
    items.enumerate().map(|(index, item)| convert(&item, depth + 1).map_err(|e| e.at(format!("[{index}]")))).collect()
}
