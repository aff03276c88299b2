//! Building the generated classes natively from the core's typed values (a walk's pages,
//! [`chatlane_core::ListingPage`]), by their [`Shape`]s: each value is serialized straight
//! into Python objects, with no JSON text written and parsed again in between, and checked no
//! further (the core's values are valid). It builds what [`crate::build`] builds from the
//! same values' JSON, for the shapes answers have: models, lists, maps and plain values.
//! Unions and open enums, which only received events have, and tuples and enums with data,
//! which no answer has, are refused (`ValueError`): events are built from their JSON.

use std::fmt;

use pyo3::IntoPyObjectExt;
use pyo3::exceptions::PyValueError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString};
use serde::Serialize;
use serde::ser::{self, Impossible, SerializeMap, SerializeSeq, SerializeStruct};

use crate::build::new_instance;
use crate::keys::Fields;
use crate::recent::RecentStrings;
use crate::shape::{Model, Shape, Shapes};

/// The Python value of `value`, a core value, by `shape`.
pub fn build<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    shapes: &Shapes,
    value: &T,
    shape: &Shape,
) -> PyResult<Bound<'py, PyAny>> {
    let strings = RecentStrings::new();
    value.serialize(Emit { py, shapes, shape, strings: &strings }).map_err(|Failure(error)| error)
}

/// A Python error carried through serde.
#[derive(Debug)]
struct Failure(PyErr);

impl fmt::Display for Failure {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(formatter)
    }
}

impl std::error::Error for Failure {}

impl ser::Error for Failure {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Self(PyValueError::new_err(message.to_string()))
    }
}

impl From<PyErr> for Failure {
    fn from(error: PyErr) -> Self {
        Self(error)
    }
}

/// Free-form values: those of a list or dict that has no shape of its own.
static JSON: Shape = Shape::Json;

/// Serializes one value into its Python value, by its shape.
#[derive(Clone, Copy)]
struct Emit<'s, 'py> {
    py: Python<'py>,
    shapes: &'s Shapes,
    shape: &'s Shape,
    /// The short strings built so far, shared where they repeat.
    strings: &'s RecentStrings<'py>,
}

impl<'s, 'py> Emit<'s, 'py> {
    fn with(self, shape: &'s Shape) -> Self {
        Self { shape, ..self }
    }

    /// What an object of this shape is built into.
    fn object(self) -> Result<Object<'s, 'py>, Failure> {
        match self.shape {
            Shape::Model(index) => {
                let model = &self.shapes.models[*index];
                let instance = new_instance(model.class.bind(self.py))?;
                Ok(Object::Model { emit: self, model, instance, fields: Fields::new(model), key: None, plain: true })
            }
            Shape::Map(item) => Ok(Object::Dict { emit: self.with(item), dict: PyDict::new(self.py), key: None }),
            Shape::Json => Ok(Object::Dict { emit: self, dict: PyDict::new(self.py), key: None }),
            _ => Err(unsupported("an object of this shape")),
        }
    }
}

fn unsupported(what: &str) -> Failure {
    Failure(PyValueError::new_err(format!("{what} is not built from the core's values")))
}

impl<'s, 'py> ser::Serializer for Emit<'s, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Failure;
    type SerializeSeq = Items<'s, 'py>;
    type SerializeTuple = Impossible<Self::Ok, Failure>;
    type SerializeTupleStruct = Impossible<Self::Ok, Failure>;
    type SerializeTupleVariant = Impossible<Self::Ok, Failure>;
    type SerializeMap = Object<'s, 'py>;
    type SerializeStruct = Object<'s, 'py>;
    type SerializeStructVariant = Impossible<Self::Ok, Failure>;

    fn serialize_bool(self, value: bool) -> Result<Self::Ok, Failure> {
        Ok(PyBool::new(self.py, value).to_owned().into_any())
    }

    fn serialize_i8(self, value: i8) -> Result<Self::Ok, Failure> {
        self.serialize_i64(i64::from(value))
    }

    fn serialize_i16(self, value: i16) -> Result<Self::Ok, Failure> {
        self.serialize_i64(i64::from(value))
    }

    fn serialize_i32(self, value: i32) -> Result<Self::Ok, Failure> {
        self.serialize_i64(i64::from(value))
    }

    /// A Python `int`, or a `float` where the shape says so (rounded to the nearest, as
    /// JSON's readers do).
    #[allow(clippy::cast_precision_loss)]
    fn serialize_i64(self, value: i64) -> Result<Self::Ok, Failure> {
        match self.shape {
            Shape::Float => self.serialize_f64(value as f64),
            _ => Ok(value.into_bound_py_any(self.py)?),
        }
    }

    fn serialize_u8(self, value: u8) -> Result<Self::Ok, Failure> {
        self.serialize_u64(u64::from(value))
    }

    fn serialize_u16(self, value: u16) -> Result<Self::Ok, Failure> {
        self.serialize_u64(u64::from(value))
    }

    fn serialize_u32(self, value: u32) -> Result<Self::Ok, Failure> {
        self.serialize_u64(u64::from(value))
    }

    /// A Python `int`, or a `float` where the shape says so (rounded to the nearest, as
    /// JSON's readers do).
    #[allow(clippy::cast_precision_loss)]
    fn serialize_u64(self, value: u64) -> Result<Self::Ok, Failure> {
        match self.shape {
            Shape::Float => self.serialize_f64(value as f64),
            _ => Ok(value.into_bound_py_any(self.py)?),
        }
    }

    fn serialize_f32(self, value: f32) -> Result<Self::Ok, Failure> {
        self.serialize_f64(f64::from(value))
    }

    /// As JSON writes it: a value that is not finite is `null`.
    fn serialize_f64(self, value: f64) -> Result<Self::Ok, Failure> {
        if value.is_finite() { Ok(PyFloat::new(self.py, value).into_any()) } else { self.serialize_unit() }
    }

    fn serialize_char(self, value: char) -> Result<Self::Ok, Failure> {
        self.serialize_str(value.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, value: &str) -> Result<Self::Ok, Failure> {
        Ok(self.strings.get(self.py, value).into_any())
    }

    /// As JSON writes bytes: a list of numbers.
    fn serialize_bytes(self, value: &[u8]) -> Result<Self::Ok, Failure> {
        Ok(PyList::new(self.py, value)?.into_any())
    }

    fn serialize_none(self) -> Result<Self::Ok, Failure> {
        self.serialize_unit()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Self::Ok, Failure> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Self::Ok, Failure> {
        Ok(self.py.None().into_bound(self.py))
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<Self::Ok, Failure> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Self::Ok, Failure> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Self::Ok, Failure> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<Self::Ok, Failure> {
        Err(unsupported("an enum with data"))
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Items<'s, 'py>, Failure> {
        let item = if let Shape::List(item) = self.shape { item } else { &JSON };
        Ok(Items { emit: self.with(item), items: Vec::with_capacity(len.unwrap_or(0)) })
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Failure> {
        Err(unsupported("a tuple"))
    }

    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeTupleStruct, Failure> {
        Err(unsupported("a tuple"))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Failure> {
        Err(unsupported("an enum with data"))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Object<'s, 'py>, Failure> {
        self.object()
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Object<'s, 'py>, Failure> {
        self.object()
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Failure> {
        Err(unsupported("an enum with data"))
    }
}

/// A list being built, each item by the list's item shape.
struct Items<'s, 'py> {
    emit: Emit<'s, 'py>,
    items: Vec<Bound<'py, PyAny>>,
}

impl<'py> SerializeSeq for Items<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Failure;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Failure> {
        self.items.push(value.serialize(self.emit)?);
        Ok(())
    }

    fn end(self) -> Result<Self::Ok, Failure> {
        Ok(PyList::new(self.emit.py, self.items)?.into_any())
    }
}

/// An object being built: an instance of a model (a key that is no field of it, a tag, is
/// skipped, as [`crate::build`] skips it), or a dict.
enum Object<'s, 'py> {
    Model {
        emit: Emit<'s, 'py>,
        model: &'s Model,
        instance: Bound<'py, PyAny>,
        fields: Fields<'s>,
        /// The field the key just serialized names (a map's), `None` for no field.
        key: Option<usize>,
        /// Whether every field set so far holds a plain value ([`is_plain`]).
        plain: bool,
    },
    Dict {
        /// Builds the values.
        emit: Emit<'s, 'py>,
        dict: Bound<'py, PyDict>,
        /// The key just serialized (a map's).
        key: Option<Bound<'py, PyString>>,
    },
}

impl<'py> Object<'_, 'py> {
    /// Sets the value of the field or key `key`.
    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Failure> {
        match self {
            Self::Model { emit, model, instance, fields, plain, .. } => match fields.find(key) {
                Some(index) => model_field(*emit, model, instance, index, value, plain),
                None => Ok(()),
            },
            Self::Dict { emit, dict, .. } => Ok(dict.set_item(key, value.serialize(*emit)?)?),
        }
    }

    fn end(self) -> Result<Bound<'py, PyAny>, Failure> {
        match self {
            Self::Model { emit, instance, fields, mut plain, .. } => {
                for field in fields.absent() {
                    let value = field.absent.value(emit.py);
                    plain &= is_plain(&value);
                    field.slot.set(&instance, &value)?;
                }
                if plain {
                    untrack(&instance);
                }
                Ok(instance)
            }
            Self::Dict { dict, .. } => Ok(dict.into_any()),
        }
    }
}

/// Sets field `index` of `instance`, a `model`, to `value` built by the field's shape;
/// `plain` stays true while every field holds a plain value.
fn model_field<'py, T: Serialize + ?Sized>(
    emit: Emit<'_, 'py>,
    model: &Model,
    instance: &Bound<'py, PyAny>,
    index: usize,
    value: &T,
    plain: &mut bool,
) -> Result<(), Failure> {
    let field = &model.fields[index];
    let value = value.serialize(emit.with(&field.shape))?;
    *plain &= is_plain(&value);
    Ok(field.slot.set(instance, &value)?)
}

/// Whether `value` is `None`, or exactly a `str`, `int`, `float` or `bool`: a value that
/// refers to no other object, so an instance holding only such values cannot be part of a
/// reference cycle.
fn is_plain(value: &Bound<'_, PyAny>) -> bool {
    value.is_none()
        || value.is_exact_instance_of::<PyString>()
        || value.is_exact_instance_of::<PyInt>()
        || value.is_exact_instance_of::<PyFloat>()
        || value.is_exact_instance_of::<PyBool>()
}

/// Takes `instance`, whose fields hold only plain values ([`is_plain`]), out of the cycle
/// collector's sight, as CPython does for a tuple of such values: it cannot be part of a
/// cycle, and a walk's thousands of records would otherwise be traversed by every collection
/// while the walk builds more. (Its class is frozen: it keeps these values.)
fn untrack(instance: &Bound<'_, PyAny>) {
    // SAFETY: `instance` is a live instance of a generated class, which the collector
    // tracks (its type has `Py_TPFLAGS_HAVE_GC`); untracking an object is always sound, and
    // this one refers to no object that could lead back to it.
    unsafe { ffi::PyObject_GC_UnTrack(instance.as_ptr().cast()) }
}

impl<'py> SerializeStruct for Object<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Failure;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Failure> {
        self.field(key, value)
    }

    fn end(self) -> Result<Self::Ok, Failure> {
        Object::end(self)
    }
}

impl<'py> SerializeMap for Object<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Failure;

    /// A key as JSON writes it: a string, or the text of a number.
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Failure> {
        let emit = match self {
            Self::Model { emit, .. } | Self::Dict { emit, .. } => emit.with(&JSON),
        };
        let key = key.serialize(emit)?.str()?;
        match self {
            Self::Model { fields, key: pending, .. } => *pending = fields.find(key.to_str()?),
            Self::Dict { key: pending, .. } => *pending = Some(key),
        }
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Failure> {
        match self {
            Self::Model { emit, model, instance, key, plain, .. } => match key.take() {
                Some(index) => model_field(*emit, model, instance, index, value, plain),
                None => Ok(()),
            },
            Self::Dict { emit, dict, key } => {
                let key = key.take().ok_or_else(|| unsupported("a value before its key"))?;
                Ok(dict.set_item(key, value.serialize(*emit)?)?)
            }
        }
    }

    fn end(self) -> Result<Self::Ok, Failure> {
        Object::end(self)
    }
}
