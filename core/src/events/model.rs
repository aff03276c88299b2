//! The event model: what a webhook or push tells, the same for every provider. JSON keys are
//! camelCase, like the message model's.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::content::InboundContent;
use super::status::DeliveryStatus;
use crate::error::{Error, ErrorCode};
use crate::provider::ProviderKind;

/// One thing a provider reported: a receipt for a sent message, a message from a user, or
/// something chatlane does not type (kept whole, never dropped).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A status receipt for a message the business sent.
    Status(StatusEvent),
    /// A message a user sent to the business.
    Inbound(InboundEvent),
    /// Anything else: another webhook field, a new kind of update, an element that could not
    /// be read.
    Unsupported(UnsupportedEvent),
}

impl Event {
    /// An event from its JSON shape, as a binding hands one back (for its dedup key). A wrong
    /// shape is an [`ErrorCode::InvalidParameter`] error naming the problem and its place.
    pub fn from_json_text(text: &str) -> Result<Self, Error> {
        let invalid = |place: &str, problem: String| {
            Error::new(ErrorCode::InvalidParameter, format!("not a valid event{place}: {problem}"))
        };
        let value: Value = serde_json::from_str(text).map_err(|e| invalid("", e.to_string()))?;
        serde_path_to_error::deserialize(&value).map_err(|failure| match failure.path().to_string() {
            path if path == "." => invalid("", failure.into_inner().to_string()),
            path => invalid(&format!(" at {path}"), failure.into_inner().to_string()),
        })
    }

    /// An [`UnsupportedEvent`] carrying `raw` as compact JSON.
    pub(super) fn unsupported(
        provider: ProviderKind,
        name: impl Into<String>,
        raw: &Value,
        reason: Option<String>,
        account_id: Option<String>,
    ) -> Self {
        Self::Unsupported(UnsupportedEvent { provider, name: name.into(), raw: raw.to_string(), reason, account_id })
    }
}

/// A status receipt: what became of a message the business sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct StatusEvent {
    /// Who reported it.
    pub provider: ProviderKind,
    /// The provider's ID of the message, as the send returned it (CAMS `MessageId`, Meta's wamid).
    pub message_id: String,
    /// The sender's correlation ID (CAMS `TaskId`; Meta `biz_opaque_callback_data`, which
    /// chatlane fills with the `taskId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub task_id: Option<String>,
    /// The business number that sent the message.
    pub business: Business,
    /// The user the message was sent to.
    pub recipient: ChatUser,
    /// What happened.
    pub status: DeliveryStatus,
    /// When, in milliseconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub timestamp_ms: Option<u64>,
    /// Why it failed (with the status `failed`; Meta may list several).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub errors: Vec<DeliveryError>,
    /// The conversation the message was charged to, when the provider says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub conversation: Option<Conversation>,
    /// How the message is priced (Meta).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pricing: Option<Pricing>,
}

/// A message a user sent to the business.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct InboundEvent {
    /// Who delivered it.
    pub provider: ProviderKind,
    /// The provider's ID of the message: quote it as `contextMessageId` to reply to it.
    pub message_id: String,
    /// The business number it was sent to.
    pub business: Business,
    /// The user who sent it.
    pub sender: ChatUser,
    /// When, in milliseconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub timestamp_ms: Option<u64>,
    /// The message it replies to or how it was forwarded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub context: Option<ReplyContext>,
    /// What it carries.
    pub content: InboundContent,
}

/// Something chatlane does not type, kept whole so that nothing is lost.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct UnsupportedEvent {
    /// Who sent it.
    pub provider: ProviderKind,
    /// The provider's name for it: Meta's webhook `field` (`message_template_status_update`…),
    /// or `messages`, `statuses`, `errors`, `entry` for an element of those; CAMS's
    /// `ChatAppStatus` or `ChatAppInbound`.
    pub name: String,
    /// The JSON it came as, compact (Meta: the whole `changes[]` element for another field).
    pub raw: String,
    /// Why it could not be typed; unset when chatlane simply has no type for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub reason: Option<String>,
    /// The business account it concerns, when known (Meta: `entry[].id`, the WABA ID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub account_id: Option<String>,
}

/// The business side of a message.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct Business {
    /// The number as a send's `from` names it: CAMS's phone number (or Viber service ID),
    /// Meta's phone number ID.
    pub number: String,
    /// The phone number as displayed (Meta `display_phone_number`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub display_number: Option<String>,
    /// The WhatsApp Business Account ID (CAMS `WabaId`, Meta `entry[].id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub account_id: Option<String>,
    /// The CAMS space (ISV sub-account) ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cust_space_id: Option<String>,
}

/// A user: by phone number and/or business-scoped user ID (BSUID, Meta reference §8). A user
/// with a username may come with no phone number at all.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct ChatUser {
    /// The phone number, digits only (WhatsApp ID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub phone: Option<String>,
    /// The business-scoped user ID, e.g. `US.13491208655302741918`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub user_id: Option<String>,
    /// The parent business-scoped user ID of managed businesses, e.g. `US.ENT.…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub parent_user_id: Option<String>,
    /// The user's WhatsApp username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub username: Option<String>,
    /// The user's profile name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub name: Option<String>,
}

impl ChatUser {
    /// `self` as the sender of an inbound message, which needs a phone number or a BSUID
    /// (`fields` names the provider's fields for them).
    pub(super) fn into_sender(self, fields: &str) -> Result<Self, String> {
        if self.phone.is_none() && self.user_id.is_none() {
            return Err(format!("no sender: neither {fields}"));
        }
        Ok(self)
    }
}

/// The message an inbound message replies to, and how it was forwarded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct ReplyContext {
    /// The ID of the message replied to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub message_id: Option<String>,
    /// Who sent the message replied to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub from: Option<String>,
    /// The message was forwarded.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    pub forwarded: bool,
    /// The message was forwarded many times.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    pub frequently_forwarded: bool,
}

/// Why a message failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct DeliveryError {
    /// The error code, e.g. `131026` (CAMS `ErrorCode`, Meta `errors[].code`).
    pub code: String,
    /// Meta's short title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub title: Option<String>,
    /// What went wrong: CAMS `ErrorDescription` as given (`131026:Receiver is incapable…`),
    /// Meta's `error_data.details`, else its `message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub description: Option<String>,
}

/// The conversation a message was charged to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct Conversation {
    /// Its ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub id: Option<String>,
    /// Its category: `service`, `utility`, `marketing`, `authentication`… (CAMS
    /// `ConversationType`, Meta `origin.type`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub category: Option<String>,
    /// When it expires, in milliseconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub expires_at_ms: Option<u64>,
}

/// How a message is priced (Meta's `pricing`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct Pricing {
    /// Whether it is billed (Meta deprecates it for `type` and `category`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub billable: Option<bool>,
    /// The pricing model: `PMP` (per message), `CBP` before July 2025.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub model: Option<String>,
    /// `regular`, `free_customer_service`, `free_entry_point`…
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub kind: Option<String>,
    /// `marketing`, `utility`, `authentication`, `service`…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub category: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_read_back_from_their_json_text() {
        let event = Event::unsupported(ProviderKind::Meta, "errors", &serde_json::json!({"code": 1}), None, None);
        let text = serde_json::to_string(&event).unwrap();
        assert_eq!(text, r#"{"event":"unsupported","provider":"meta","name":"errors","raw":"{\"code\":1}"}"#);
        assert_eq!(Event::from_json_text(&text).unwrap(), event);
        for (text, problem) in [
            (r#"{"event":"unsupported","provider":"meta","name":"x"}"#, "not a valid event: missing field `raw`"),
            (r#"{"event":"sent"}"#, "not a valid event at event: unknown variant `sent`"),
            ("[", "not a valid event: EOF"),
        ] {
            let err = Event::from_json_text(text).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidParameter, "{text}");
            assert!(err.message().starts_with(problem), "{text}: {err}");
        }
        let err =
            Event::from_json_text(r#"{"event":"unsupported","provider":"viber","name":"x","raw":""}"#).unwrap_err();
        assert!(err.message().starts_with("not a valid event: unknown provider \"viber\""), "{err}");
    }
}
