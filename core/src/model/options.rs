//! Per-message options shared by single and mass sends (spec §6, §8).

use serde::{Deserialize, Serialize};

/// Who `to` is (`RecipientType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum RecipientType {
    /// A person's phone number (the API's default).
    #[serde(rename = "individual")]
    Individual,
    /// A WhatsApp group.
    #[serde(rename = "group")]
    Group,
    /// A WhatsApp business-scoped user ID (BSUID) instead of a number.
    #[serde(rename = "userId")]
    UserId,
}

impl RecipientType {
    /// The wire value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Individual => "individual",
            Self::Group => "group",
            Self::UserId => "userId",
        }
    }
}

/// SMS fallback when a WhatsApp or Viber message is not delivered (international site).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Fallback {
    /// The fallback strategy's ID from the console (`FallBackId`).
    pub id: String,
    /// The SMS text (`FallBackContent`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub content: Option<String>,
    /// Seconds to wait for a delivery receipt before falling back, 60–43,200
    /// (`FallBackDuration`). Without it, fallback fires only on failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub duration: Option<u32>,
    /// When to fall back (`FallBackRule`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub rule: Option<FallbackRule>,
}

/// When a fallback fires (`FallBackRule`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum FallbackRule {
    /// When the message is not delivered (the API's default).
    #[serde(rename = "undelivered")]
    Undelivered,
    /// Also when the template or its variables fail validation.
    #[serde(rename = "sentFailed")]
    SentFailed,
}

impl FallbackRule {
    /// The wire value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Undelivered => "undelivered",
            Self::SentFailed => "sentFailed",
        }
    }
}

/// The kind of a Viber message (`Label`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ViberLabel {
    /// Marketing. Sent as `promotion`; the SDK documentation spells it `pormotion`, and
    /// which one the server expects is unverified (`docs/unverified.md`).
    #[serde(rename = "promotion")]
    Promotion,
    /// Transactional.
    #[serde(rename = "transaction")]
    Transaction,
}

impl ViberLabel {
    /// The wire value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Promotion => crate::cams::unverified::VIBER_PROMOTION_LABEL,
            Self::Transaction => "transaction",
        }
    }
}
