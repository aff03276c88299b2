//! Reading an object's keys by shape, for [`crate::build`] and [`crate::same`], without
//! allocating them: the field a key names, and which member of a union or open enum an object
//! is.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};

use crate::shape::{Field, Model, Shape, Shapes};

/// The fields of a model, found by key: `Some(index)`, `None` for another key (a tag).
pub struct Fields<'s> {
    fields: &'s [Field],
    /// Where to look for the next key: the core writes fields in the model's order.
    next: usize,
    /// The fields found, a bit each ([`crate::shape::MAX_FIELDS`] at most).
    found: u64,
}

impl<'s> Fields<'s> {
    /// The fields of `model`, none found yet.
    pub fn new(model: &'s Model) -> Self {
        Self { fields: &model.fields, next: 0, found: 0 }
    }

    /// The field named `key`, now found.
    pub fn find(&mut self, key: &str) -> Option<usize> {
        let count = self.fields.len();
        let index = (self.next..count).chain(0..self.next).find(|&index| self.fields[index].key == key)?;
        self.next = index + 1;
        self.found |= 1 << index;
        Some(index)
    }

    /// The fields not found.
    pub fn absent(&self) -> impl Iterator<Item = &'s Field> + '_ {
        self.fields.iter().enumerate().filter(|(index, _)| self.found & (1 << index) == 0).map(|(_, field)| field)
    }
}

impl<'de> DeserializeSeed<'de> for &mut Fields<'_> {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for &mut Fields<'_> {
    type Value = Option<usize>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.find(key))
    }
}

/// The member of a union or open enum a key or tag value names (an error for none).
struct Member<'s>(&'s [(String, Shape)]);

impl<'de, 's> DeserializeSeed<'de> for Member<'s> {
    type Value = (&'s str, &'s Shape);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'s> Visitor<'_> for Member<'s> {
    type Value = (&'s str, &'s Shape);

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("the name of a member")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Self::Value, E> {
        let found = self.0.iter().find(|(member, _)| member == name);
        found.map(|(member, shape)| (member.as_str(), shape)).ok_or_else(|| E::custom(format!("no member is {name}")))
    }
}

/// Whether a key is a union's tag (an error if not: the core writes a union's tag first).
struct Tag<'s>(&'s str);

impl<'de> DeserializeSeed<'de> for Tag<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for Tag<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "the tag {}", self.0)
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        if key == self.0 { Ok(()) } else { Err(E::custom(format!("{key} before the tag {}", self.0))) }
    }
}

/// What an object is read into: a model (with an open enum's key, its field, read already),
/// or a dict of values by a shape.
pub enum Object<'s> {
    /// The model, and the key already read.
    Model(&'s Model, Option<&'s str>),
    /// A dict, each value by the shape.
    Dict(&'s Shape),
}

/// Free-form JSON: the values of a dict that has no shape of its own.
static JSON: Shape = Shape::Json;

/// What an object of `shape` is read into, reading on the way which member of a union (its
/// tag, the first key, as the core writes it) or of an open enum (its one key) it is.
pub fn object<'de, 's, A: MapAccess<'de>>(
    map: &mut A,
    shapes: &'s Shapes,
    shape: &'s Shape,
) -> Result<Object<'s>, A::Error> {
    let mut shape = shape;
    let mut pending = None;
    loop {
        match shape {
            Shape::Model(index) => return Ok(Object::Model(&shapes.models[*index], pending)),
            Shape::Union { tag, members } => {
                map.next_key_seed(Tag(tag))?.ok_or_else(|| de::Error::custom(format!("no tag {tag}")))?;
                (_, shape) = map.next_value_seed(Member(members))?;
            }
            Shape::Open(members) => {
                let (key, member) =
                    map.next_key_seed(Member(members))?.ok_or_else(|| de::Error::custom("an empty object"))?;
                (shape, pending) = (member, Some(key));
            }
            Shape::Map(item) => return Ok(Object::Dict(item)),
            _ => return Ok(Object::Dict(&JSON)),
        }
    }
}
