//! [`ProviderKind`] as a value of the event model: its name in JSON (`"cams"`, `"meta"`), a
//! string enum in the JSON Schema, an enum in Kotlin and Swift. Declared here, beside the
//! events that carry it; the kind itself stays in `provider`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::provider::ProviderKind;

impl Serialize for ProviderKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ProviderKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = std::borrow::Cow::<str>::deserialize(deserializer)?;
        Self::parse(&name).map_err(|e| serde::de::Error::custom(e.message()))
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for ProviderKind {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ProviderKind".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let option = |kind: ProviderKind| {
            let description = match kind {
                ProviderKind::Cams => "Alibaba Cloud CAMS.",
                ProviderKind::Meta => "Meta's WhatsApp Cloud API.",
            };
            serde_json::json!({"type": "string", "const": kind.as_str(), "description": description})
        };
        schemars::json_schema!({
            "description": "The provider an event came from.",
            "oneOf": ProviderKind::ALL.map(option),
        })
    }
}

/// The FFI form; the compiler checks these variants against the declaration in `provider`.
#[cfg(feature = "uniffi")]
#[uniffi::remote(Enum)]
pub enum ProviderKind {
    /// Alibaba Cloud CAMS.
    Cams,
    /// Meta's WhatsApp Cloud API.
    Meta,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_the_option_names() {
        for kind in ProviderKind::ALL {
            let json = serde_json::to_value(kind).unwrap();
            assert_eq!(json, kind.as_str());
            assert_eq!(serde_json::from_value::<ProviderKind>(json).unwrap(), kind);
        }
        let err = serde_json::from_value::<ProviderKind>(serde_json::json!("viber")).unwrap_err();
        assert!(err.to_string().contains("unknown provider"), "{err}");
    }
}
