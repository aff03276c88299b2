//! Whether a received event still is what the core's JSON text of it builds
//! ([`crate::build`]): the text parsed again and compared with the event as it goes, field by
//! field, type for type (a value that only compares equal, `1.0` for `1`, is not), building
//! nothing.

use std::fmt;

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::keys::{self, Fields, Object};
use crate::shape::{Model, Shape, Shapes};

/// Whether `value` is what `text`, JSON the core wrote, builds by `shape`.
pub fn same(shapes: &Shapes, value: &Bound<'_, PyAny>, text: &str, shape: &Shape) -> bool {
    let mut json = serde_json::Deserializer::from_str(text);
    Same { shapes, shape, value }.deserialize(&mut json).is_ok()
}

/// Compares one value with its JSON by its shape; a difference is an error, which ends the
/// parse.
#[derive(Clone, Copy)]
struct Same<'s, 'v, 'py> {
    shapes: &'s Shapes,
    shape: &'s Shape,
    value: &'v Bound<'py, PyAny>,
}

/// `Ok` when `same`, else the error that ends the comparison.
fn check<E: de::Error>(same: bool) -> Result<(), E> {
    if same { Ok(()) } else { Err(E::custom("changed")) }
}

impl<'s, 'py> Same<'s, '_, 'py> {
    fn model<'de, A: MapAccess<'de>>(
        self,
        map: &mut A,
        model: &'s Model,
        pending: Option<&str>,
    ) -> Result<(), A::Error> {
        check(self.value.get_type().is(&model.class))?;
        let mut fields = Fields::new(model);
        if let Some(key) = pending {
            let found = fields.find(key);
            self.field(map, model, found)?;
        }
        while let Some(found) = map.next_key_seed(&mut fields)? {
            self.field(map, model, found)?;
        }
        for field in fields.absent() {
            check(
                self.value.getattr(field.slot.name.bind(self.value.py())).is_ok_and(|value| field.absent.is(&value)),
            )?;
        }
        Ok(())
    }

    /// Compares the value of the key just read with its field (`found`: its index; a key
    /// that is no field, a tag, is skipped).
    fn field<'de, A: MapAccess<'de>>(
        self,
        map: &mut A,
        model: &'s Model,
        found: Option<usize>,
    ) -> Result<(), A::Error> {
        let Some(field) = found.map(|index| &model.fields[index]) else {
            return map.next_value::<IgnoredAny>().map(drop);
        };
        let Ok(value) = self.value.getattr(field.slot.name.bind(self.value.py())) else {
            return check(false);
        };
        map.next_value_seed(Same { shapes: self.shapes, shape: &field.shape, value: &value })
    }

    fn dict<'de, A: MapAccess<'de>>(self, map: &mut A, item: &'s Shape) -> Result<(), A::Error> {
        let Ok(dict) = self.value.cast_exact::<PyDict>() else {
            return check(false);
        };
        let mut count = 0;
        while let Some(key) = map.next_key::<String>()? {
            count += 1;
            let Ok(Some(value)) = dict.get_item(key) else {
                return check(false);
            };
            map.next_value_seed(Same { shapes: self.shapes, shape: item, value: &value })?;
        }
        check(count == dict.len())
    }

    fn float<E: de::Error>(self, number: f64) -> Result<(), E> {
        check(self.value.cast_exact::<PyFloat>().is_ok_and(|float| float.value() == number))
    }

    fn int<E: de::Error>(self, equal: impl FnOnce(&Bound<'py, PyInt>) -> bool) -> Result<(), E> {
        check(self.value.cast_exact::<PyInt>().is_ok_and(equal))
    }
}

impl<'de> DeserializeSeed<'de> for Same<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Same<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("JSON the core wrote")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<(), E> {
        check(self.value.cast_exact::<PyBool>().is_ok_and(|found| found.is_true() == value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<(), E> {
        if matches!(self.shape, Shape::Float) {
            self.float(value as f64)
        } else {
            self.int(|int| int.extract::<i64>().is_ok_and(|found| found == value))
        }
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<(), E> {
        if matches!(self.shape, Shape::Float) {
            self.float(value as f64)
        } else {
            self.int(|int| int.extract::<u64>().is_ok_and(|found| found == value))
        }
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<(), E> {
        self.float(value)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<(), E> {
        check(self.value.cast_exact::<PyString>().is_ok_and(|found| found.to_str().is_ok_and(|found| found == value)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        check(self.value.is_none())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Ok(list) = self.value.cast_exact::<PyList>() else {
            return check(false);
        };
        let item = if let Shape::List(item) = self.shape { item } else { &Shape::Json };
        for value in list.iter() {
            check(seq.next_element_seed(Same { shapes: self.shapes, shape: item, value: &value })?.is_some())?;
        }
        check(seq.next_element::<IgnoredAny>()?.is_none())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        match keys::object(&mut map, self.shapes, self.shape)? {
            Object::Model(model, pending) => self.model(&mut map, model, pending),
            Object::Dict(item) => self.dict(&mut map, item),
        }
    }
}
