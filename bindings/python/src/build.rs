//! Building the generated classes natively from JSON text the core wrote, by their
//! [`Shape`]s: parsed straight into Python objects (no intermediate JSON value, no
//! `json.loads`) and checked no further (the core's values are valid). An instance is made as
//! `object.__new__` makes it and its slots are set past the frozen `__setattr__`, as the
//! classes' own `__init__` does.

use std::cell::Cell;
use std::fmt;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyList, PyString, PyTuple, PyType};
use pyo3::{ffi, intern};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::keys::{self, Fields, Object};
use crate::shape::{Model, Shape, Shapes};

/// The Python value of `text`, JSON the core wrote, by `shape`.
pub fn build<'py>(py: Python<'py>, shapes: &Shapes, text: &str, shape: &Shape) -> PyResult<Bound<'py, PyAny>> {
    let failure = Cell::new(None);
    let mut json = serde_json::Deserializer::from_str(text);
    let built = Build { py, shapes, shape, failure: &failure }.deserialize(&mut json).and_then(|value| {
        json.end()?;
        Ok(value)
    });
    built.map_err(|e| failure.take().unwrap_or_else(|| PyValueError::new_err(format!("not JSON the core wrote: {e}"))))
}

/// Sets the hidden `_native` slot of a received event (`chatlane._model._Received`).
pub fn set_native(event: &Bound<'_, PyAny>, native: &Bound<'_, PyAny>) -> PyResult<()> {
    set_slot(event, intern!(event.py(), "_native"), native)
}

/// Builds one value by its shape; a Python error is kept in `failure` (the parser's error
/// type cannot carry it) and raised instead of the parser's.
#[derive(Clone, Copy)]
struct Build<'s, 'py> {
    py: Python<'py>,
    shapes: &'s Shapes,
    shape: &'s Shape,
    failure: &'s Cell<Option<PyErr>>,
}

impl<'s, 'py> Build<'s, 'py> {
    fn with(self, shape: &'s Shape) -> Self {
        Self { shape, ..self }
    }

    /// `result`'s value, or its error kept for [`build`] to raise.
    fn kept<T, E: de::Error>(self, result: PyResult<T>) -> Result<T, E> {
        result.map_err(|error| {
            self.failure.set(Some(error));
            E::custom("a Python error")
        })
    }

    fn model<'de, A: MapAccess<'de>>(
        self,
        map: &mut A,
        model: &'s Model,
        pending: Option<&str>,
    ) -> Result<Bound<'py, PyAny>, A::Error> {
        let instance = self.kept(new_instance(model.class.bind(self.py)))?;
        let mut fields = Fields::new(model);
        if let Some(key) = pending {
            let found = fields.find(key);
            self.field(map, &instance, model, found)?;
        }
        while let Some(found) = map.next_key_seed(&mut fields)? {
            self.field(map, &instance, model, found)?;
        }
        for field in fields.absent() {
            self.kept(field.slot.set(&instance, &field.absent.value(self.py)))?;
        }
        Ok(instance)
    }

    /// Reads the value of the key just read into its field of `instance` (`found`: its
    /// index; a key that is no field, a tag, is skipped).
    fn field<'de, A: MapAccess<'de>>(
        self,
        map: &mut A,
        instance: &Bound<'py, PyAny>,
        model: &'s Model,
        found: Option<usize>,
    ) -> Result<(), A::Error> {
        let Some(field) = found.map(|index| &model.fields[index]) else {
            return map.next_value::<IgnoredAny>().map(drop);
        };
        let value = map.next_value_seed(self.with(&field.shape))?;
        self.kept(field.slot.set(instance, &value))
    }

    fn dict<'de, A: MapAccess<'de>>(self, map: &mut A, item: &'s Shape) -> Result<Bound<'py, PyAny>, A::Error> {
        let dict = PyDict::new(self.py);
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(self.with(item))?;
            self.kept(dict.set_item(key, value))?;
        }
        Ok(dict.into_any())
    }
}

impl<'de, 'py> DeserializeSeed<'de> for Build<'_, 'py> {
    type Value = Bound<'py, PyAny>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, 'py> Visitor<'de> for Build<'_, 'py> {
    type Value = Bound<'py, PyAny>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("JSON the core wrote")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Self::Value, E> {
        Ok(PyBool::new(self.py, value).to_owned().into_any())
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        match self.shape {
            Shape::Float => self.visit_f64(value as f64),
            _ => self.kept(value.into_pyobject(self.py).map(Bound::into_any).map_err(PyErr::from)),
        }
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        match self.shape {
            Shape::Float => self.visit_f64(value as f64),
            _ => self.kept(value.into_pyobject(self.py).map(Bound::into_any).map_err(PyErr::from)),
        }
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        Ok(PyFloat::new(self.py, value).into_any())
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(PyString::new(self.py, value).into_any())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.py.None().into_bound(self.py))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let item = self.with(if let Shape::List(item) = self.shape { item } else { &Shape::Json });
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(value) = seq.next_element_seed(item)? {
            items.push(value);
        }
        self.kept(PyList::new(self.py, items).map(Bound::into_any))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        match keys::object(&mut map, self.shapes, self.shape)? {
            Object::Model(model, pending) => self.model(&mut map, model, pending),
            Object::Dict(item) => self.dict(&mut map, item),
        }
    }
}

/// A new instance of `class` with no slot set, as `object.__new__(class)` makes one.
pub fn new_instance<'py>(class: &Bound<'py, PyType>) -> PyResult<Bound<'py, PyAny>> {
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
