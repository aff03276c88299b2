//! What an inbound message carries, one variant per kind of message.

use serde::{Deserialize, Serialize};

use crate::model::Contact;

/// The content of an inbound message; the variant is its `type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum InboundContent {
    /// Text.
    Text(InboundText),
    /// An image.
    Image(InboundMedia),
    /// A video.
    Video(InboundMedia),
    /// An audio file or a voice note.
    Audio(InboundAudio),
    /// A document.
    Document(InboundDocument),
    /// A sticker.
    Sticker(InboundSticker),
    /// A map location.
    Location(InboundLocation),
    /// Contact cards (also the answer to a contact-info request).
    Contacts(InboundContacts),
    /// A tap on a template's quick-reply button (Meta `button`, CAMS `REPLY`).
    QuickReply(QuickReply),
    /// A tap on an interactive message's reply button (`button_reply`).
    ButtonReply(ButtonReply),
    /// A choice from an interactive list (`list_reply`).
    ListReply(ListReply),
    /// A completed WhatsApp Flow (`nfm_reply`).
    FlowReply(FlowReply),
    /// A reaction to a message, or its removal.
    Reaction(InboundReaction),
    /// An order from the catalog.
    Order(Order),
    /// A notice from WhatsApp about the user (changed number, changed identity…).
    System(SystemNotice),
    /// A kind of message chatlane does not type (or could not read), kept whole.
    Unsupported(UnsupportedContent),
}

/// Text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct InboundText {
    /// The text.
    pub body: String,
}

/// A media file the provider holds: download it by `id` (Meta) or `url` (CAMS: valid 7 days).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct InboundMedia {
    /// The provider's media ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub id: Option<String>,
    /// The MIME type, e.g. `image/jpeg`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mime_type: Option<String>,
    /// The file's SHA-256 as the provider gives it (Meta: base64).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sha256: Option<String>,
    /// Where to download it from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub url: Option<String>,
    /// The caption the user wrote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub caption: Option<String>,
}

/// An audio file or a voice note.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct InboundAudio {
    /// The file.
    #[serde(flatten)]
    pub media: InboundMedia,
    /// Recorded as a voice note.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    pub voice: bool,
}

/// A document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct InboundDocument {
    /// The file.
    #[serde(flatten)]
    pub media: InboundMedia,
    /// Its file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub filename: Option<String>,
}

/// A sticker.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct InboundSticker {
    /// The file.
    #[serde(flatten)]
    pub media: InboundMedia,
    /// An animated sticker.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    pub animated: bool,
}

/// A map location.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct InboundLocation {
    /// Latitude in degrees.
    pub latitude: f64,
    /// Longitude in degrees.
    pub longitude: f64,
    /// The place's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub name: Option<String>,
    /// The place's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub address: Option<String>,
    /// The place's web page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub url: Option<String>,
}

/// Contact cards, in the message model's shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct InboundContacts {
    /// The cards.
    pub contacts: Vec<Contact>,
}

/// A tap on a template's quick-reply button.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct QuickReply {
    /// The button's payload, as the send set it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub payload: Option<String>,
    /// The button's label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub text: Option<String>,
}

/// A tap on an interactive reply button.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ButtonReply {
    /// The button's ID, as the send set it.
    pub id: String,
    /// The button's title.
    pub title: String,
}

/// A choice from an interactive list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ListReply {
    /// The row's ID, as the send set it.
    pub id: String,
    /// The row's title.
    pub title: String,
    /// The row's description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub description: Option<String>,
}

/// A completed WhatsApp Flow.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct FlowReply {
    /// The flow's answers as JSON text (`response_json`, with the `flow_token`).
    pub response_json: String,
    /// The text shown in the chat, e.g. `Sent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub body: Option<String>,
    /// The reply's name (`flow`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub name: Option<String>,
}

/// A reaction to a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct InboundReaction {
    /// The ID of the message reacted to.
    pub message_id: String,
    /// The emoji; empty when the user removed the reaction.
    pub emoji: String,
}

/// An order from the catalog.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct Order {
    /// The catalog's ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub catalog_id: Option<String>,
    /// The text the user sent with the order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub text: Option<String>,
    /// The items ordered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub items: Vec<OrderItem>,
}

/// One line of an order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct OrderItem {
    /// The product's retailer ID (SKU).
    pub product_retailer_id: String,
    /// How many.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub quantity: Option<u64>,
    /// The price of one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub item_price: Option<f64>,
    /// The price's currency, e.g. `USD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub currency: Option<String>,
}

/// A notice from WhatsApp about the user.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct SystemNotice {
    /// The notice as shown, e.g. `User A changed from 1 to 2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub body: Option<String>,
    /// Its kind: `user_changed_number`, `customer_identity_changed`…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub system_type: Option<String>,
    /// The user's new phone number, when the notice is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub new_phone: Option<String>,
}

/// A kind of message chatlane does not type, or could not read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct UnsupportedContent {
    /// The provider's type name, as given (`unsupported`, `request_welcome`, `IMAGE`…).
    pub message_type: String,
    /// The whole message as the provider sent it, compact JSON.
    pub raw: String,
    /// Why it could not be read; unset when chatlane simply has no type for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub reason: Option<String>,
}
