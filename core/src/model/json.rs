//! Free-form JSON objects and ordered string maps: the two model values that are not
//! fixed structures.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// A JSON object passed through as is (flow data, content of message types without a
/// typed schema). Kotlin and Swift see it as JSON text.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct JsonObject(pub serde_json::Map<String, serde_json::Value>);

impl JsonObject {
    /// Whether the object has no keys.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl TryFrom<serde_json::Value> for JsonObject {
    type Error = String;

    fn try_from(value: serde_json::Value) -> Result<Self, String> {
        match value {
            serde_json::Value::Object(map) => Ok(Self(map)),
            other => Err(format!("expected a JSON object, found {other}")),
        }
    }
}

/// Template variable values by name, in the caller's order (kept on the wire).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct TemplateParams(pub IndexMap<String, String>);

impl TemplateParams {
    /// No variables.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets variable `name` to `value`, keeping the first position of `name`.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.insert(name.into(), value.into());
    }

    /// Whether there are no variables.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `(name, value)` pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for TemplateParams {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self(iter.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }
}

#[cfg(feature = "uniffi")]
mod ffi {
    use std::collections::HashMap;

    use indexmap::IndexMap;

    use super::{JsonObject, TemplateParams};

    uniffi::custom_type!(JsonObject, String, {
        lower: |object| serde_json::Value::Object(object.0).to_string(),
        try_lift: |text| {
            let value: serde_json::Value = serde_json::from_str(&text)?;
            JsonObject::try_from(value).map_err(|e| uniffi::deps::anyhow::anyhow!(e))
        },
    });

    // TemplateParams cross as a map (`Map<String, String>` in Kotlin, a dictionary in Swift)
    // but are read into and written from the ordered map directly, so the caller's order
    // survives: Kotlin's maps keep insertion order, as the official SDKs do. Swift
    // dictionaries have no order of their own.
    //
    // SAFETY: the layout is UniFFI's own for a map: an i32 count, then key/value pairs,
    // each written with the string converter.
    unsafe impl uniffi::FfiConverter<crate::UniFfiTag> for TemplateParams {
        type FfiType = uniffi::RustBuffer;

        fn lower(params: Self) -> uniffi::RustBuffer {
            let mut buf = Vec::new();
            Self::write(params, &mut buf);
            uniffi::RustBuffer::from_vec(buf)
        }

        fn try_lift(buf: uniffi::RustBuffer) -> uniffi::Result<Self> {
            let bytes = buf.destroy_into_vec();
            let mut rest = bytes.as_slice();
            let params = Self::try_read(&mut rest)?;
            uniffi::deps::anyhow::ensure!(rest.is_empty(), "{} junk bytes after TemplateParams", rest.len());
            Ok(params)
        }

        fn write(params: Self, buf: &mut Vec<u8>) {
            // A map of more than i32::MAX variables cannot be built in memory.
            let len = i32::try_from(params.0.len()).unwrap_or(i32::MAX);
            <i32 as uniffi::Lower<crate::UniFfiTag>>::write(len, buf);
            for (name, value) in params.0 {
                <String as uniffi::Lower<crate::UniFfiTag>>::write(name, buf);
                <String as uniffi::Lower<crate::UniFfiTag>>::write(value, buf);
            }
        }

        fn try_read(buf: &mut &[u8]) -> uniffi::Result<Self> {
            let len = usize::try_from(<i32 as uniffi::Lift<crate::UniFfiTag>>::try_read(buf)?)?;
            let mut params = IndexMap::with_capacity(len);
            for _ in 0..len {
                let name = <String as uniffi::Lift<crate::UniFfiTag>>::try_read(buf)?;
                let value = <String as uniffi::Lift<crate::UniFfiTag>>::try_read(buf)?;
                params.insert(name, value);
            }
            Ok(TemplateParams(params))
        }

        const TYPE_ID_META: uniffi::MetadataBuffer =
            <HashMap<String, String> as uniffi::TypeId<crate::UniFfiTag>>::TYPE_ID_META;
    }

    uniffi::derive_ffi_traits!(local TemplateParams);
}
