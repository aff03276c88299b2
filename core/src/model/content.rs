//! `Content`: the body of a free-form message (`Type=message`), one variant per
//! `MessageType` (spec §7). Its fields use the API's own key names, so examples from the
//! CAMS and Meta documentation read the same here; on the wire each variant's fields are
//! the `Content` JSON.

use serde::{Deserialize, Serialize};

use super::contact::Contact;
use super::failure_in;
use super::interactive::{self, Interactive};
use super::json::JsonObject;
use super::viber::{TextButton, TextImage, TextImageButton, TextVideo, TextVideoButton};

/// The body of a free-form message; the variant is the wire `MessageType`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(tag = "messageType", rename_all = "snake_case")]
// Interactive content is the largest; a message holds one content, built once per send, and a
// box would show in every binding's generated API.
#[allow(clippy::large_enum_variant)]
pub enum Content {
    /// Plain text (every channel).
    Text(Text),
    /// An image by URL, or by media ID on Meta (WhatsApp, Messenger, Instagram, Viber).
    Image(Image),
    /// A video by URL, or by media ID on Meta (WhatsApp, Messenger, Instagram, Viber).
    Video(Video),
    /// An audio file by URL, or by media ID on Meta (WhatsApp, Messenger, Instagram).
    Audio(Audio),
    /// A document by URL, or by media ID on Meta (WhatsApp, Messenger, Viber).
    Document(Document),
    /// A sticker by URL, or by media ID on Meta (WhatsApp).
    Sticker(Sticker),
    /// A map location (WhatsApp).
    Location(Location),
    /// One or more contact cards (WhatsApp).
    Contacts(Contacts),
    /// An emoji reaction to an earlier message (WhatsApp).
    Reaction(Reaction),
    /// Buttons, lists, products, catalogs, flows and URL buttons (WhatsApp).
    Interactive(Interactive),
    /// Text with an image (Viber).
    TextImage(TextImage),
    /// Text with a URL button (Viber).
    TextButton(TextButton),
    /// Text with an image and a URL button (Viber).
    TextImageButton(TextImageButton),
    /// Text with a video (Viber).
    TextVideo(TextVideo),
    /// Text with a video and a URL button (Viber).
    TextVideoButton(TextVideoButton),
    /// A message type the API lists without a documented schema (WhatsApp `carousel`,
    /// Messenger `buttonTemplate`, Telegram, LINE…): its `Content` is sent as given.
    Custom(Custom),
}

impl Content {
    /// The wire `MessageType`.
    pub fn message_type(&self) -> &str {
        match self {
            Self::Text(_) => "text",
            Self::Image(_) => "image",
            Self::Video(_) => "video",
            Self::Audio(_) => "audio",
            Self::Document(_) => "document",
            Self::Sticker(_) => "sticker",
            Self::Location(_) => "location",
            Self::Contacts(_) => "contacts",
            Self::Reaction(_) => "reaction",
            Self::Interactive(_) => "interactive",
            Self::TextImage(_) => "text_image",
            Self::TextButton(_) => "text_button",
            Self::TextImageButton(_) => "text_image_button",
            Self::TextVideo(_) => "text_video",
            Self::TextVideoButton(_) => "text_video_button",
            Self::Custom(custom) => &custom.kind,
        }
    }
}

/// Where reading `value` as a content fails inside its variant, as [`failure_in`] says;
/// `None` when the failure is not inside one (an unknown `messageType`).
pub(super) fn locate_error(value: &serde_json::Value) -> Option<(String, String)> {
    let mut fields = value.as_object()?.clone();
    let kind = fields.remove("messageType")?;
    let fields = serde_json::Value::Object(fields);
    match kind.as_str()? {
        "text" => failure_in::<Text>("", &fields),
        "image" => failure_in::<Image>("", &fields),
        "video" => failure_in::<Video>("", &fields),
        "audio" => failure_in::<Audio>("", &fields),
        "document" => failure_in::<Document>("", &fields),
        "sticker" => failure_in::<Sticker>("", &fields),
        "location" => failure_in::<Location>("", &fields),
        "contacts" => failure_in::<Contacts>("", &fields),
        "reaction" => failure_in::<Reaction>("", &fields),
        "interactive" => interactive::locate_error(&fields),
        "text_image" => failure_in::<TextImage>("", &fields),
        "text_button" => failure_in::<TextButton>("", &fields),
        "text_image_button" => failure_in::<TextImageButton>("", &fields),
        "text_video" => failure_in::<TextVideo>("", &fields),
        "text_video_button" => failure_in::<TextVideoButton>("", &fields),
        "custom" => failure_in::<Custom>("", &fields),
        _ => None,
    }
}

/// Plain text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// The text (WhatsApp: at most 4,096 characters).
    pub text: String,
}

/// An image, by URL or (Meta) by uploaded media ID.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct Image {
    /// Public http(s) URL of the image. Exactly one of `link` and `id` (Meta) is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub link: Option<String>,
    /// Caption shown under the image (at most 1,024 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub caption: Option<String>,
    /// Meta's Cloud API: the media ID an upload gave (`upload_media`), instead of `link`. CAMS
    /// sends media by link only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub id: Option<String>,
}

/// A video, by URL or (Meta) by uploaded media ID. Viber also needs `thumbnail`, `fileSize` and `duration`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Video {
    /// Public http(s) URL of the video. Exactly one of `link` and `id` (Meta) is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub link: Option<String>,
    /// Caption shown under the video (at most 1,024 characters; not on Viber).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub caption: Option<String>,
    /// Viber: http(s) URL of the preview image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub thumbnail: Option<String>,
    /// Viber: the video's size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub file_size: Option<u64>,
    /// Viber: the video's length in seconds (0–600).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub duration: Option<u32>,
    /// Meta's Cloud API: the media ID an upload gave (`upload_media`), instead of `link`. CAMS
    /// sends media by link only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub id: Option<String>,
}

/// An audio file, by URL or (Meta) by uploaded media ID (no caption).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct Audio {
    /// Public http(s) URL of the audio file. Exactly one of `link` and `id` (Meta) is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub link: Option<String>,
    /// Meta's Cloud API: the media ID an upload gave (`upload_media`), instead of `link`. CAMS
    /// sends media by link only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub id: Option<String>,
}

/// A document, by URL or (Meta) by uploaded media ID; its file name's extension decides how
/// it is shown.
///
/// The file-name key is spelt `fileName` on the wire, as the SDK documentation's example
/// does; `filename` (Meta's spelling) is accepted on input. Which one the server reads is
/// unverified (`docs/unverified.md`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Document {
    /// Public http(s) URL of the document. Exactly one of `link` and `id` (Meta) is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub link: Option<String>,
    /// The file name shown to the recipient (required on WhatsApp and Viber).
    #[serde(default, alias = "filename", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(extend("x-aliases" = ["filename"])))]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub file_name: Option<String>,
    /// Caption (at most 1,024 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub caption: Option<String>,
    /// Viber: the file's type, e.g. `pdf` (required on Viber).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub file_type: Option<String>,
    /// Meta's Cloud API: the media ID an upload gave (`upload_media`), instead of `link`. CAMS
    /// sends media by link only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub id: Option<String>,
}

/// A sticker, by URL or (Meta) by uploaded media ID (no caption, no file name).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct Sticker {
    /// Public http(s) URL of the sticker (`.webp`). Exactly one of `link` and `id` (Meta) is
    /// given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub link: Option<String>,
    /// Meta's Cloud API: the media ID an upload gave (`upload_media`), instead of `link`. CAMS
    /// sends media by link only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub id: Option<String>,
}

/// A map location.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct Location {
    /// Longitude in degrees, −180 to 180.
    pub longitude: f64,
    /// Latitude in degrees, −90 to 90.
    pub latitude: f64,
    /// Name of the place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub name: Option<String>,
    /// Address of the place (shown only with a `name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub address: Option<String>,
}

/// Contact cards; on the wire `Content` is the array of contacts itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct Contacts {
    /// The contact cards (at least one).
    pub contacts: Vec<Contact>,
}

/// An emoji reaction to an earlier message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Reaction {
    /// The `MessageId` of the message reacted to.
    pub message_id: String,
    /// The emoji.
    pub emoji: String,
}

/// A message type without a typed schema: `type` goes to `MessageType`, `content` is the
/// `Content` JSON as given.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct Custom {
    /// The wire `MessageType`, e.g. `carousel` or `buttonTemplate`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The `Content` object, sent unchanged.
    pub content: JsonObject,
}
