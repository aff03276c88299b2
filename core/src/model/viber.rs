//! Viber's rich message types (spec §7.3); keys as the SDK documents them.

use serde::{Deserialize, Serialize};

/// Text with an image.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct TextImage {
    /// The text (at most 1,000 characters).
    pub text: String,
    /// Public http(s) URL of the image.
    pub link: String,
}

/// Text with a URL button.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct TextButton {
    /// The text (at most 1,000 characters).
    pub text: String,
    /// The button label (at most 30 characters).
    pub caption: String,
    /// The http(s) URL the button opens.
    pub action: String,
}

/// Text with an image and a URL button.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct TextImageButton {
    /// The text (at most 1,000 characters).
    pub text: String,
    /// Public http(s) URL of the image.
    pub link: String,
    /// The button label (at most 30 characters).
    pub caption: String,
    /// The http(s) URL the button opens.
    pub action: String,
}

/// Text with a video.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TextVideo {
    /// The text (at most 1,000 characters).
    pub text: String,
    /// Public http(s) URL of the video.
    pub link: String,
    /// http(s) URL of the preview image.
    pub thumbnail: String,
    /// The video's size in bytes.
    pub file_size: u64,
    /// The video's length in seconds (0–600).
    pub duration: u32,
}

/// Text with a video and a URL button.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TextVideoButton {
    /// The text (at most 1,000 characters).
    pub text: String,
    /// Public http(s) URL of the video.
    pub link: String,
    /// http(s) URL of the preview image.
    pub thumbnail: String,
    /// The video's size in bytes.
    pub file_size: u64,
    /// The video's length in seconds (0–600).
    pub duration: u32,
    /// The button label (at most 30 characters).
    pub caption: String,
    /// The http(s) URL the button opens.
    pub action: String,
}
