//! WhatsApp interactive messages (`MessageType=interactive`): Meta's Cloud API
//! `interactive` object, which CAMS passes through (spec §7.1). Keys are Meta's.

use serde::{Deserialize, Serialize};

use super::failure_in;
use super::json::JsonObject;

/// An interactive message; the variant is Meta's `type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Interactive {
    /// 1–3 reply buttons.
    Button {
        /// Text, image, video or document header.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        header: Option<Header>,
        /// The message text (at most 1,024 characters).
        body: InteractiveText,
        /// Small print under the body (at most 60 characters).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        footer: Option<InteractiveText>,
        /// The buttons.
        action: ButtonAction,
    },
    /// A menu of up to 10 rows in up to 10 sections.
    List {
        /// Text header only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        header: Option<Header>,
        /// The message text (at most 4,096 characters).
        body: InteractiveText,
        /// Small print under the body (at most 60 characters).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        footer: Option<InteractiveText>,
        /// The menu.
        action: ListAction,
    },
    /// One product from a catalog.
    Product {
        /// The message text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        body: Option<InteractiveText>,
        /// Small print under the body (at most 60 characters).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        footer: Option<InteractiveText>,
        /// The product.
        action: ProductRef,
    },
    /// Up to 30 products in up to 10 sections; the sections may instead come from the
    /// message's `productAction`.
    ProductList {
        /// Text header (required).
        header: Header,
        /// The message text.
        body: InteractiveText,
        /// Small print under the body (at most 60 characters).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        footer: Option<InteractiveText>,
        /// The catalog and its sections.
        action: ProductListAction,
    },
    /// The business's whole catalog.
    CatalogMessage {
        /// The message text.
        body: InteractiveText,
        /// Small print under the body (at most 60 characters).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        footer: Option<InteractiveText>,
        /// The catalog's thumbnail.
        action: CatalogAction,
    },
    /// A WhatsApp Flow behind a button.
    Flow {
        /// Text, image, video or document header.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        header: Option<Header>,
        /// The message text.
        body: InteractiveText,
        /// Small print under the body (at most 60 characters).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        footer: Option<InteractiveText>,
        /// The flow to open.
        action: FlowButton,
    },
    /// A button that opens a URL. CAMS support for it is unverified.
    CtaUrl {
        /// Text, image, video or document header.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        header: Option<Header>,
        /// The message text.
        body: InteractiveText,
        /// Small print under the body (at most 60 characters).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        footer: Option<InteractiveText>,
        /// The button and its URL.
        action: CtaUrlButton,
    },
}

/// Where reading the fields of an interactive message fails inside its action, body, footer
/// or header, as [`failure_in`] says. Its variants have no types of their own, so a
/// problem in the variant's own fields (a missing `action`) is not located.
pub(super) fn locate_error(fields: &serde_json::Value) -> Option<(String, String)> {
    let part = |name: &str| fields.get(name).filter(|value| !value.is_null());
    let action = part("action").and_then(|action| match fields.get("type")?.as_str()? {
        "button" => failure_in::<ButtonAction>("action", action),
        "list" => failure_in::<ListAction>("action", action),
        "product" => failure_in::<ProductRef>("action", action),
        "product_list" => failure_in::<ProductListAction>("action", action),
        "catalog_message" => failure_in::<CatalogAction>("action", action),
        "flow" => failure_in::<FlowButton>("action", action),
        "cta_url" => failure_in::<CtaUrlButton>("action", action),
        _ => None,
    });
    action
        .or_else(|| part("body").and_then(|body| failure_in::<InteractiveText>("body", body)))
        .or_else(|| part("footer").and_then(|footer| failure_in::<InteractiveText>("footer", footer)))
        .or_else(|| part("header").and_then(|header| failure_in::<Header>("header", header)))
}

/// A text element (`body`, `footer`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct InteractiveText {
    /// The text.
    pub text: String,
}

/// A media element of a header, by URL or (Meta) by uploaded media ID.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct MediaLink {
    /// Public http(s) URL. Exactly one of `link` and `id` (Meta) is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub link: Option<String>,
    /// File name (documents).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub filename: Option<String>,
    /// Meta's Cloud API: the media ID an upload gave (`upload_media`), instead of `link`. CAMS
    /// sends media by link only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub id: Option<String>,
}

/// Adds the tag of a struct serialised with `#[serde(tag = …)]` to its schema, which
/// schemars leaves out: a constant property, always written, and accepted when absent
/// (serde ignores it on input).
#[cfg(feature = "schema")]
fn struct_tag(key: &'static str, value: &'static str) -> impl FnMut(&mut schemars::Schema) {
    move |schema| {
        if let Some(serde_json::Value::Object(properties)) = schema.ensure_object().get_mut("properties") {
            let fields = std::mem::take(properties);
            properties.insert(key.to_owned(), serde_json::json!({"type": "string", "const": value}));
            properties.extend(fields);
        }
    }
}

/// The header of an interactive message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Header {
    /// A text header (at most 60 characters).
    Text {
        /// The header text.
        text: String,
    },
    /// An image header.
    Image {
        /// The image.
        image: MediaLink,
    },
    /// A video header.
    Video {
        /// The video.
        video: MediaLink,
    },
    /// A document header.
    Document {
        /// The document.
        document: MediaLink,
    },
}

/// The reply buttons of a `button` message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct ButtonAction {
    /// 1–3 buttons with distinct ids.
    pub buttons: Vec<ReplyButton>,
}

/// A reply button (`{"type":"reply","reply":{…}}` on the wire).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(tag = "type", rename = "reply")]
#[cfg_attr(feature = "schema", schemars(rename = "ReplyButton", transform = struct_tag("type", "reply")))]
pub struct ReplyButton {
    /// The button's id and title.
    pub reply: Reply,
}

/// What a reply button shows and returns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct Reply {
    /// Returned when tapped (at most 256 characters, unique in the message).
    pub id: String,
    /// The label (at most 20 characters).
    pub title: String,
}

/// The menu of a `list` message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct ListAction {
    /// The label of the button that opens the menu (at most 20 characters).
    pub button: String,
    /// 1–10 sections, 10 rows at most in total.
    pub sections: Vec<ListSection>,
}

/// A section of a list menu.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct ListSection {
    /// Section title (at most 24 characters; required with more than one section).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub title: Option<String>,
    /// The rows (at least one).
    pub rows: Vec<ListRow>,
}

/// A row of a list menu.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct ListRow {
    /// Returned when chosen (at most 200 characters, unique in the message).
    pub id: String,
    /// The label (at most 24 characters).
    pub title: String,
    /// Second line (at most 72 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub description: Option<String>,
}

/// The product of a `product` message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct ProductRef {
    /// The catalog's ID.
    pub catalog_id: String,
    /// The product's retailer ID (SKU).
    pub product_retailer_id: String,
}

/// The catalog and sections of a `product_list` message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct ProductListAction {
    /// The catalog's ID.
    pub catalog_id: String,
    /// Up to 10 sections, 30 products at most in total; empty when the message's
    /// `productAction` carries them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sections: Vec<ProductSection>,
}

/// A section of a product list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct ProductSection {
    /// Section title (at most 24 characters).
    pub title: String,
    /// The products (at least one).
    pub product_items: Vec<ProductItem>,
}

/// A product of a product list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct ProductItem {
    /// The product's retailer ID (SKU).
    pub product_retailer_id: String,
}

/// The action of a `catalog_message` (`"name":"catalog_message"` on the wire).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(tag = "name", rename = "catalog_message")]
#[cfg_attr(feature = "schema", schemars(rename = "CatalogAction", transform = struct_tag("name", "catalog_message")))]
pub struct CatalogAction {
    /// The product shown as the catalog's thumbnail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub parameters: Option<CatalogParameters>,
}

/// Parameters of a `catalog_message`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct CatalogParameters {
    /// The thumbnail product's retailer ID (SKU).
    pub thumbnail_product_retailer_id: String,
}

/// The action of a `flow` message (`"name":"flow"` on the wire).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(tag = "name", rename = "flow")]
#[cfg_attr(feature = "schema", schemars(rename = "FlowButton", transform = struct_tag("name", "flow")))]
pub struct FlowButton {
    /// Which flow, and how it opens.
    pub parameters: FlowParameters,
}

/// Meta's flow parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct FlowParameters {
    /// Flow message version, `"3"`.
    pub flow_message_version: String,
    /// The flow's ID (or give `flow_name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub flow_id: Option<String>,
    /// The flow's name (or give `flow_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub flow_name: Option<String>,
    /// The button label (at most 30 characters).
    pub flow_cta: String,
    /// `navigate` (default) or `data_exchange`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub flow_action: Option<FlowMode>,
    /// Caller-defined token echoed with the flow's replies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub flow_token: Option<String>,
    /// First screen and its data (`navigate` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub flow_action_payload: Option<FlowPayload>,
}

/// How a flow opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum FlowMode {
    /// Open `flow_action_payload.screen` directly.
    Navigate,
    /// Ask the business's endpoint for the first screen.
    DataExchange,
}

/// The first screen of a flow opened with `navigate`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct FlowPayload {
    /// The screen's ID.
    pub screen: String,
    /// Initial data for the screen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub data: Option<JsonObject>,
}

/// The action of a `cta_url` message (`"name":"cta_url"` on the wire).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(tag = "name", rename = "cta_url")]
#[cfg_attr(feature = "schema", schemars(rename = "CtaUrlButton", transform = struct_tag("name", "cta_url")))]
pub struct CtaUrlButton {
    /// The button's label and URL.
    pub parameters: CtaUrlParameters,
}

/// The label and URL of a `cta_url` button.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct CtaUrlParameters {
    /// The label (at most 20 characters).
    pub display_text: String,
    /// The http(s) URL opened.
    pub url: String,
}
