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

    use super::{JsonObject, TemplateParams};

    uniffi::custom_type!(JsonObject, String, {
        lower: |object| serde_json::Value::Object(object.0).to_string(),
        try_lift: |text| {
            let value: serde_json::Value = serde_json::from_str(&text)?;
            JsonObject::try_from(value).map_err(|e| uniffi::deps::anyhow::anyhow!(e))
        },
    });

    // Kotlin and Swift maps cross as hash maps, so their order is lost: variables are sent
    // sorted by name, and the same message always signs the same.
    uniffi::custom_type!(TemplateParams, HashMap<String, String>, {
        lower: |params| params.0.into_iter().collect(),
        try_lift: |map| {
            let mut pairs: Vec<_> = map.into_iter().collect();
            pairs.sort();
            Ok(pairs.into_iter().collect())
        },
    });
}
