//! The typed request model: what a user wants sent, independent of any wire format.
//!
//! One definition serves every language. Its serde shape (camelCase envelope, `content`
//! with the API's own key names) is what JSON, Node and the CLI use and what the Python
//! and TypeScript types are generated from; behind the `uniffi` feature the same types are
//! Kotlin and Swift records. The wire mapping lives in [`crate::cams::wire`], the rules in
//! [`crate::validate`].

mod contact;
mod content;
mod interactive;
mod json;
mod mass;
mod options;
mod template;
mod viber;

use serde::{Deserialize, Serialize};

pub use contact::{Address, Contact, ContactKind, ContactName, ContactUrl, Email, Org, Phone};
pub use content::{Audio, Contacts, Content, Custom, Document, Image, Location, Reaction, Sticker, Text, Video};
pub use interactive::{
    ButtonAction, CatalogAction, CatalogParameters, CtaUrlButton, CtaUrlParameters, FlowButton, FlowMode,
    FlowParameters, FlowPayload, Header, Interactive, InteractiveText, ListAction, ListRow, ListSection, MediaLink,
    ProductItem, ProductListAction, ProductRef, ProductSection, Reply, ReplyButton,
};
pub use json::{JsonObject, TemplateParams};
pub use mass::{MassMessage, Recipient};
pub use options::{Fallback, FallbackRule, RecipientType, ViberLabel};
pub use template::{FlowAction, ProductAction, ProductActionSection, Template};
pub use viber::{TextButton, TextImage, TextImageButton, TextVideo, TextVideoButton};

use crate::error::{Error, ErrorCode};

/// The chat app a message goes through (`ChannelType` on the wire).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// WhatsApp: `from`/`to` are phone numbers with country code, digits only.
    #[default]
    Whatsapp,
    /// Facebook Messenger: `from` is the Page ID, `to` a page-scoped user ID.
    Messenger,
    /// Instagram: `from` is the professional account ID, `to` an Instagram user ID.
    Instagram,
    /// Viber: `from` is the Service ID, `to` a phone number.
    Viber,
    /// Telegram: `from` is the bot ID, `to` a chat ID.
    Telegram,
    /// LINE: `from` is the channel ID, `to` a user ID.
    Line,
}

impl Channel {
    /// Every channel.
    pub const ALL: [Channel; 6] =
        [Self::Whatsapp, Self::Messenger, Self::Instagram, Self::Viber, Self::Telegram, Self::Line];

    /// The channel whose wire value is `name` (case-insensitive), if any.
    pub fn parse(name: &str) -> Result<Self, Error> {
        Self::ALL.into_iter().find(|c| c.as_str().eq_ignore_ascii_case(name)).ok_or_else(|| {
            let known = Self::ALL.map(Channel::as_str).join(", ");
            Error::new(ErrorCode::InvalidMessage, format!("unknown channel {name:?}; expected one of {known}"))
        })
    }

    /// The wire value of `ChannelType`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Whatsapp => "whatsapp",
            Self::Messenger => "messenger",
            Self::Instagram => "instagram",
            Self::Viber => "viber",
            Self::Telegram => "telegram",
            Self::Line => "line",
        }
    }
}

/// One message to one recipient (`SendChatappMessage`): a `template` or free-form
/// `content`, and options.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Message {
    /// The chat app (`ChannelType`); WhatsApp unless said otherwise.
    #[serde(default)]
    pub channel: Channel,
    /// The sender: business number, page, account or service ID (`From`).
    pub from: String,
    /// The recipient: phone number, user or chat ID (`To`).
    pub to: String,
    /// A pre-approved template (`Type=template`). Give this or `content`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub template: Option<Template>,
    /// A free-form message (`Type=message`; WhatsApp: within 24 h of the user's last
    /// message). Give this or `template`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub content: Option<Content>,
    /// Caller-defined ID echoed in status receipts (`TaskId`); generated when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub task_id: Option<String>,
    /// The channel instance (`CustSpaceId`); overrides the client's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cust_space_id: Option<String>,
    /// The message this one replies to, quoted (`ContextMessageId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub context_message_id: Option<String>,
    /// Who `to` is (`RecipientType`; WhatsApp).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub recipient_type: Option<RecipientType>,
    /// SMS fallback (`FallBack*`; WhatsApp and Viber).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub fallback: Option<Fallback>,
    /// Products for product and multi-product messages (`ProductAction`; WhatsApp).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub product_action: Option<ProductAction>,
    /// Flow token and data for a template's flow button (`FlowAction`; WhatsApp).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub flow_action: Option<FlowAction>,
    /// WhatsApp direct-send category, e.g. `UTILITY` (`Category`). Only for customers
    /// Meta invited: for anyone else the send fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub category: Option<String>,
    /// Promotion or transaction (`Label`; Viber).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub label: Option<ViberLabel>,
    /// Seconds Viber keeps trying to deliver, 30–1,209,600 (`Ttl`; Viber).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ttl: Option<u32>,
    /// Custom tag (`Tag`; Viber).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub tag: Option<String>,
    /// Custom tracking data, at most 4,000 characters (`TrackingData`; Viber).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub tracking_data: Option<String>,
}

/// What a message carries, once validation has checked there is exactly one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Body<'a> {
    /// A template send.
    Template(&'a Template),
    /// A free-form send.
    Content(&'a Content),
}

impl Message {
    /// A WhatsApp message from `from` to `to` with nothing to send yet.
    pub fn new(from: impl Into<String>, to: impl Into<String>) -> Self {
        Self {
            channel: Channel::Whatsapp,
            from: from.into(),
            to: to.into(),
            template: None,
            content: None,
            task_id: None,
            cust_space_id: None,
            context_message_id: None,
            recipient_type: None,
            fallback: None,
            product_action: None,
            flow_action: None,
            category: None,
            label: None,
            ttl: None,
            tag: None,
            tracking_data: None,
        }
    }

    /// A WhatsApp template message by template code.
    pub fn template(
        from: impl Into<String>,
        to: impl Into<String>,
        code: impl Into<String>,
        language: impl Into<String>,
        params: TemplateParams,
    ) -> Self {
        let template = Template { code: Some(code.into()), language: language.into(), params, ..Template::default() };
        Self { template: Some(template), ..Self::new(from, to) }
    }

    /// A WhatsApp free-form text message.
    pub fn text(from: impl Into<String>, to: impl Into<String>, text: impl Into<String>) -> Self {
        Self::with_content(from, to, Content::Text(Text { text: text.into() }))
    }

    /// A WhatsApp free-form message.
    pub fn with_content(from: impl Into<String>, to: impl Into<String>, content: Content) -> Self {
        Self { content: Some(content), ..Self::new(from, to) }
    }

    /// The template or the content; `None` unless exactly one is set.
    pub fn body(&self) -> Option<Body<'_>> {
        match (&self.template, &self.content) {
            (Some(template), None) => Some(Body::Template(template)),
            (None, Some(content)) => Some(Body::Content(content)),
            _ => None,
        }
    }

    /// A message from its JSON shape, as Node, Python and the CLI hand it over. A wrong
    /// shape is an [`ErrorCode::InvalidMessage`] error naming the problem and its place.
    pub fn from_json_value(value: serde_json::Value) -> Result<Self, Error> {
        from_json(value)
    }
}

/// Deserialises a model value, reporting the failing field's path.
///
/// serde reads a tagged union (`content`) from a buffer the path tracker cannot see into,
/// so a failure there is located again by reading the tagged variant on its own.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, Error> {
    let failure = match serde_path_to_error::deserialize(&value) {
        Ok(model) => return Ok(model),
        Err(failure) => failure,
    };
    let mut path = failure.path().to_string();
    let mut problem = failure.into_inner().to_string();
    if path == "content"
        && let Some((inner, deeper)) = value.get("content").and_then(content::locate_error)
    {
        path = if inner.is_empty() { path } else { format!("content.{inner}") };
        problem = deeper;
    }
    let place = if path == "." { String::new() } else { format!(" at {path}") };
    Err(Error::new(ErrorCode::InvalidMessage, format!("not a valid message{place}: {problem}")))
}

/// Where reading `value` as a `T` fails, below `prefix`: the path (`prefix` itself when
/// `value` as a whole is wrong) and the problem; `None` when it reads.
fn failure_in<T: serde::de::DeserializeOwned>(prefix: &str, value: &serde_json::Value) -> Option<(String, String)> {
    let failure = serde_path_to_error::deserialize::<_, T>(value).err()?;
    let path = match (prefix, failure.path().to_string()) {
        (prefix, inner) if inner == "." => prefix.to_owned(),
        ("", inner) => inner,
        (prefix, inner) => format!("{prefix}.{inner}"),
    };
    Some((path, failure.into_inner().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deserialises_the_json_shape_bindings_use() {
        let msg = Message::from_json_value(serde_json::json!({
            "from": "861", "to": "659", "taskId": "t-1",
            "template": {"code": "C1", "language": "en", "params": {"name": "Ada", "code": "1"}}
        }))
        .unwrap();
        assert_eq!(msg.channel, Channel::Whatsapp);
        assert_eq!(msg.task_id.as_deref(), Some("t-1"));
        let Some(Body::Template(t)) = msg.body() else { panic!("not a template: {msg:?}") };
        assert_eq!(t.params.iter().map(|(k, _)| k).collect::<Vec<_>>(), ["name", "code"]);

        let msg = Message::from_json_value(serde_json::json!({
            "channel": "viber", "from": "a", "to": "b", "content": {"messageType": "text", "text": "hi"}
        }))
        .unwrap();
        assert_eq!(msg, Message { channel: Channel::Viber, ..Message::text("a", "b", "hi") });
    }

    #[test]
    fn wrong_shapes_are_typed_errors_with_their_place() {
        let err = Message::from_json_value(serde_json::json!({
            "from": "1", "to": "2", "content": {"messageType": "audio", "link": "https://x", "caption": "no"}
        }))
        .unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidMessage);
        assert!(err.message().contains("content") && err.message().contains("caption"), "{err}");
        let err = Message::from_json_value(serde_json::json!({"from": "1", "to": "2", "taskid": "x"})).unwrap_err();
        assert!(err.message().contains("taskid"), "{err}");
        assert_eq!(Channel::parse("WhatsApp").unwrap(), Channel::Whatsapp);
        assert!(Channel::parse("sms").unwrap_err().message().contains("whatsapp, messenger"));
    }

    #[test]
    fn shape_errors_inside_content_name_the_field() {
        let err = Message::from_json_value(serde_json::json!({
            "from": "1", "to": "2",
            "content": {"messageType": "contacts", "contacts": [{"name": {"formatted_name": "Ada", "first": "A"}}]}
        }))
        .unwrap_err();
        assert!(
            err.message().starts_with("not a valid message at content.contacts[0].name.first: unknown field `first`"),
            "{err}"
        );
        let err = Message::from_json_value(serde_json::json!({
            "from": "1", "to": "2", "content": {"messageType": "location", "latitude": "north", "longitude": 1.5}
        }))
        .unwrap_err();
        assert!(err.message().contains("at content.latitude: invalid type: string"), "{err}");
        let button = serde_json::json!({"messageType": "interactive", "type": "button", "body": {"text": "Coming?"},
            "action": {"buttons": [{"type": "reply", "reply": {"id": "yes"}}]}});
        let err = Message::from_json_value(serde_json::json!({"from": "1", "to": "2", "content": button})).unwrap_err();
        assert!(
            err.message().starts_with("not a valid message at content.action.buttons[0].reply: missing field `title`"),
            "{err}"
        );
        let err =
            Message::from_json_value(serde_json::json!({"from": "1", "to": "2", "content": {"messageType": "fax"}}))
                .unwrap_err();
        assert!(err.message().contains("at content.messageType: unknown variant `fax`"), "{err}");
    }

    #[test]
    fn round_trips_through_json() {
        let msg = Message::template("1", "2", "C", "en", [("k", "v")].into_iter().collect());
        let json = serde_json::to_value(&msg).unwrap();
        assert_eq!(Message::from_json_value(json).unwrap(), msg);
    }
}
