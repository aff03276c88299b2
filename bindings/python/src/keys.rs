//! Reading an object's keys by shape, for [`crate::build`] and [`crate::same`], without
//! allocating them: the field a key names, the member a union's tag names, whether a key is
//! the tag.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, Visitor};

use crate::shape::{Field, Model, Shape};

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

/// Reads which member of `shape`, a union or open enum, an object is: a union's tag (its
/// first key, as the core writes it) and the member it names, or an open enum's one key, the
/// member's field still to read the value of.
pub fn member<'de, 's, A: de::MapAccess<'de>>(
    map: &mut A,
    shape: &'s Shape,
) -> Result<(&'s Shape, Option<&'s str>), A::Error> {
    match shape {
        Shape::Union { tag, members } => {
            map.next_key_seed(Tag(tag))?.ok_or_else(|| de::Error::custom(format!("no tag {tag}")))?;
            let (_, member) = map.next_value_seed(Member(members))?;
            Ok((member, None))
        }
        Shape::Open(members) => {
            let (key, member) =
                map.next_key_seed(Member(members))?.ok_or_else(|| de::Error::custom("an empty object"))?;
            Ok((member, Some(key)))
        }
        _ => Err(de::Error::custom("not a union")),
    }
}
