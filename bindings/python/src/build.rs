//! Building the generated classes natively from JSON the core wrote, by their [`Shape`]s: no
//! JSON text, no `json.loads`, no checks (the core's values are valid). An instance is made as
//! `object.__new__` makes it and its slots are set past the frozen `__setattr__`, as the
//! classes' own `__init__` does. [`same`] tells whether a built value still is what its JSON
//! builds.

use pyo3::exceptions::PyValueError;
use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use serde_json::{Map, Value};

use crate::shape::{self, Field, Model, Shape, Shapes};

/// The Python value of `json` by `shape`.
pub fn build<'py>(py: Python<'py>, shapes: &Shapes, json: &Value, shape: &Shape) -> PyResult<Bound<'py, PyAny>> {
    match (shape, json) {
        (Shape::Model(index), Value::Object(object)) => model(py, shapes, object, &shapes.models[*index]),
        (Shape::List(item), Value::Array(items)) => list(py, shapes, items, item),
        (Shape::Map(item), Value::Object(object)) => dict(py, shapes, object, item),
        (Shape::Union { .. } | Shape::Open(_), Value::Object(object)) => {
            build(py, shapes, json, member(shape, object).ok_or_else(|| unexpected(json))?)
        }
        (_, Value::Array(items)) => list(py, shapes, items, &Shape::Json),
        (_, Value::Object(object)) => dict(py, shapes, object, &Shape::Json),
        (Shape::Float, Value::Number(number)) => Ok(PyFloat::new(py, number.as_f64().unwrap_or(f64::NAN)).into_any()),
        (_, scalar) => self::scalar(py, scalar),
    }
}

/// Whether `value` still is what [`build`] builds from `json` by `shape`: every field, item
/// and key equal, type for type (a value that only compares equal, `1.0` for `1`, is not).
pub fn same(shapes: &Shapes, value: &Bound<'_, PyAny>, json: &Value, shape: &Shape) -> bool {
    match (shape, json) {
        (Shape::Model(index), Value::Object(object)) => same_model(shapes, value, object, &shapes.models[*index]),
        (Shape::List(item), Value::Array(items)) => same_list(shapes, value, items, item),
        (Shape::Map(item), Value::Object(object)) => same_dict(shapes, value, object, item),
        (Shape::Union { .. } | Shape::Open(_), Value::Object(object)) => {
            member(shape, object).is_some_and(|member| same(shapes, value, json, member))
        }
        (_, Value::Array(items)) => same_list(shapes, value, items, &Shape::Json),
        (_, Value::Object(object)) => same_dict(shapes, value, object, &Shape::Json),
        (Shape::Float, Value::Number(number)) => {
            value.cast_exact::<PyFloat>().is_ok_and(|float| Some(float.value()) == number.as_f64())
        }
        (_, Value::Null) => value.is_none(),
        (_, Value::Bool(flag)) => value.cast_exact::<PyBool>().is_ok_and(|found| found.is_true() == *flag),
        (_, Value::String(text)) => {
            value.cast_exact::<PyString>().is_ok_and(|found| found.to_str().is_ok_and(|found| found == text))
        }
        (_, Value::Number(number)) => match (value.cast_exact::<PyInt>(), number.as_i64(), number.as_u64()) {
            (Ok(found), Some(signed), _) => found.extract::<i64>().is_ok_and(|found| found == signed),
            (Ok(found), None, Some(unsigned)) => found.extract::<u64>().is_ok_and(|found| found == unsigned),
            _ => value.cast_exact::<PyFloat>().is_ok_and(|float| Some(float.value()) == number.as_f64()),
        },
    }
}

/// The member of a union or open enum that the object `json` is.
fn member<'s>(shape: &'s Shape, json: &Map<String, Value>) -> Option<&'s Shape> {
    match shape {
        Shape::Union { tag, members } => {
            json.get(tag).and_then(Value::as_str).and_then(|name| shape::find(members, name))
        }
        Shape::Open(members) => {
            json.keys().next().filter(|_| json.len() == 1).and_then(|key| shape::find(members, key))
        }
        _ => None,
    }
}

fn model<'py>(
    py: Python<'py>,
    shapes: &Shapes,
    json: &Map<String, Value>,
    model: &Model,
) -> PyResult<Bound<'py, PyAny>> {
    let instance = new_instance(model.class.bind(py))?;
    for (field, json) in FieldValues::new(json, model) {
        set_slot(&instance, field.slot.bind(py), &build(py, shapes, json, &field.shape)?)?;
    }
    Ok(instance)
}

fn same_model(shapes: &Shapes, value: &Bound<'_, PyAny>, json: &Map<String, Value>, model: &Model) -> bool {
    let py = value.py();
    value.get_type().is(&model.class)
        && FieldValues::new(json, model).all(|(field, json)| {
            value.getattr(field.slot.bind(py)).is_ok_and(|found| same(shapes, &found, json, &field.shape))
        })
}

/// The fields of a model and their values in an object: first those it has, in its order
/// (each found among the fields from where the previous one was: the core writes them in the
/// model's order, so no key is hashed), then the absent ones with their value when absent.
struct FieldValues<'j> {
    fields: &'j [Field],
    entries: serde_json::map::Iter<'j>,
    /// Where to look for the next key among the fields.
    next: usize,
    /// The fields found, a bit each ([`crate::shape::MAX_FIELDS`] at most).
    found: u64,
    /// The next field to check for absence, once the entries are used up.
    absent: usize,
}

impl<'j> FieldValues<'j> {
    fn new(json: &'j Map<String, Value>, model: &'j Model) -> Self {
        Self { fields: &model.fields, entries: json.iter(), next: 0, found: 0, absent: 0 }
    }
}

impl<'j> Iterator for FieldValues<'j> {
    type Item = (&'j Field, &'j Value);

    fn next(&mut self) -> Option<Self::Item> {
        let count = self.fields.len();
        for (key, value) in self.entries.by_ref() {
            let found = (self.next..count).chain(0..self.next).find(|&index| self.fields[index].key == *key);
            if let Some(index) = found {
                self.found |= 1 << index;
                self.next = index + 1;
                return Some((&self.fields[index], value));
            }
        }
        while let Some(field) = self.fields.get(self.absent) {
            let index = self.absent;
            self.absent += 1;
            if self.found & (1 << index) == 0 {
                return Some((field, &field.absent));
            }
        }
        None
    }
}

fn list<'py>(py: Python<'py>, shapes: &Shapes, json: &[Value], item: &Shape) -> PyResult<Bound<'py, PyAny>> {
    let items = json.iter().map(|value| build(py, shapes, value, item)).collect::<PyResult<Vec<_>>>()?;
    Ok(PyList::new(py, items)?.into_any())
}

fn same_list(shapes: &Shapes, value: &Bound<'_, PyAny>, json: &[Value], item: &Shape) -> bool {
    value.cast_exact::<PyList>().is_ok_and(|list| {
        list.len() == json.len() && list.iter().zip(json).all(|(found, value)| same(shapes, &found, value, item))
    })
}

fn dict<'py>(py: Python<'py>, shapes: &Shapes, json: &Map<String, Value>, item: &Shape) -> PyResult<Bound<'py, PyAny>> {
    let dict = PyDict::new(py);
    for (key, value) in json {
        dict.set_item(key, build(py, shapes, value, item)?)?;
    }
    Ok(dict.into_any())
}

fn same_dict(shapes: &Shapes, value: &Bound<'_, PyAny>, json: &Map<String, Value>, item: &Shape) -> bool {
    value.cast_exact::<PyDict>().is_ok_and(|dict| {
        dict.len() == json.len()
            && json.iter().all(|(key, value)| {
                dict.get_item(key).is_ok_and(|found| found.is_some_and(|found| same(shapes, &found, value, item)))
            })
    })
}

/// A string, number, boolean or `None`.
fn scalar<'py>(py: Python<'py>, json: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match json {
        Value::String(text) => PyString::new(py, text).into_any(),
        Value::Bool(flag) => PyBool::new(py, *flag).to_owned().into_any(),
        Value::Number(number) => match (number.as_i64(), number.as_u64()) {
            (Some(signed), _) => signed.into_pyobject(py)?.into_any(),
            (None, Some(unsigned)) => unsigned.into_pyobject(py)?.into_any(),
            (None, None) => PyFloat::new(py, number.as_f64().unwrap_or(f64::NAN)).into_any(),
        },
        _ => py.None().into_bound(py),
    })
}

/// The error for JSON a union cannot hold (the core never writes it).
fn unexpected(json: &Value) -> PyErr {
    PyValueError::new_err(format!("no member of the union is {json}"))
}

/// A new instance of `class` with no slot set, as `object.__new__(class)` makes one.
fn new_instance<'py>(class: &Bound<'py, PyType>) -> PyResult<Bound<'py, PyAny>> {
    let py = class.py();
    let no_arguments = PyTuple::empty(py);
    // SAFETY: `class` and `no_arguments` are live objects the call borrows (it ignores the
    // arguments and calls the class's `tp_alloc`); it returns a new reference, or NULL with
    // an exception set.
    unsafe {
        Bound::from_owned_ptr_or_err(
            py,
            ffi::PyType_GenericNew(class.as_type_ptr(), no_arguments.as_ptr(), std::ptr::null_mut()),
        )
    }
}

/// Sets the slot `name` of `instance` past its class's frozen `__setattr__`, as
/// `object.__setattr__` does.
fn set_slot(instance: &Bound<'_, PyAny>, name: &Bound<'_, PyString>, value: &Bound<'_, PyAny>) -> PyResult<()> {
    // SAFETY: the three are live objects the call borrows; it returns -1 with an exception
    // set when it fails.
    let status = unsafe { ffi::PyObject_GenericSetAttr(instance.as_ptr(), name.as_ptr(), value.as_ptr()) };
    if status < 0 { Err(PyErr::fetch(instance.py())) } else { Ok(()) }
}

/// Sets the hidden `_native` slot of a received event (`chatlane._model._Received`).
pub fn set_native(event: &Bound<'_, PyAny>, native: &Bound<'_, PyAny>) -> PyResult<()> {
    set_slot(event, intern!(event.py(), "_native"), native)
}
