//! Business phone numbers: status, quality and messaging tier (CAMS
//! `QueryChatappPhoneNumbers`).

use serde::{Deserialize, Serialize};

/// Which numbers to list. JSON keys are camelCase.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PhoneNumberQuery {
    /// Only numbers in this status (e.g. `CONNECTED`, `PENDING`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub status: Option<String>,
    /// The channel instance (`CustSpaceId`); the client's when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cust_space_id: Option<String>,
}

/// One business phone number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct PhoneNumber {
    /// The number.
    pub phone_number: String,
    /// The business name WhatsApp shows for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub verified_name: Option<String>,
    /// Its status (e.g. `CONNECTED`, `PENDING`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub status: Option<String>,
    /// Its quality rating: `GREEN`, `YELLOW`, `RED` or `UNKNOWN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub quality_rating: Option<String>,
    /// How many users it may start conversations with a day (e.g. `TIER_10K`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub messaging_limit_tier: Option<String>,
    /// Whether its display name is approved (e.g. `APPROVED`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub name_status: Option<String>,
    /// Whether it is an Official Business Account.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub official: bool,
    /// Where its status receipts are pushed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub status_callback_url: Option<String>,
    /// Where its users' messages are pushed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub inbound_callback_url: Option<String>,
}
