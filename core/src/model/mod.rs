//! The typed request model: what a user wants sent, independent of any wire format.
//!
//! One definition serves every language: the Node binding and the CLI deserialise it
//! from JSON-shaped values (`{"type":"text","from":…,"to":…,"text":…}`), the Python and
//! UniFFI bindings construct it directly. [`Body`] is an enum that gains a variant per
//! message kind; the wire mapping lives in [`crate::cams::wire`].

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorCode};

/// Template variable values, in the caller's order (the order is kept on the wire).
pub type TemplateParams = IndexMap<String, String>;

/// The chat app a message goes through (`ChannelType` on the wire).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

/// A pre-approved template message, allowed at any time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Template {
    /// The template code from the console or `ListChatappTemplate` (`TemplateCode`).
    pub code: String,
    /// The template language, e.g. `en` or `zh_CN` (`Language`).
    pub language: String,
    /// Values of the template's variables (`TemplateParams`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub params: TemplateParams,
    /// One payload per quick-reply button, in button order (`Payload`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payload: Vec<String>,
}

/// A free-form text message (WhatsApp: only within 24 h of the user's last message).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Text {
    /// The text to send.
    pub text: String,
}

/// What is sent: a template or one kind of free-form message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Body {
    /// A template message (`Type=template`).
    Template(Template),
    /// A free-form text message (`Type=message`, `MessageType=text`).
    Text(Text),
}

/// Options that apply to any message.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendOptions {
    /// Caller-defined ID echoed in status receipts (`TaskId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    /// The channel instance (`CustSpaceId`); overrides the client's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_space_id: Option<String>,
}

/// One message to one recipient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// The chat app (`ChannelType`); WhatsApp unless said otherwise.
    #[serde(default)]
    pub channel: Channel,
    /// The sender: business number, page, account or service ID (`From`).
    pub from: String,
    /// The recipient (`To`).
    pub to: String,
    /// The template or free-form content.
    #[serde(flatten)]
    pub body: Body,
    /// Per-message options.
    #[serde(flatten)]
    pub options: SendOptions,
}

impl Message {
    /// A message from its JSON shape (`{"type":"text","from":…,"to":…,"text":…}`), as
    /// the Node binding and the CLI receive it. A wrong shape is an
    /// [`ErrorCode::InvalidMessage`] error naming the problem.
    pub fn from_json_value(value: serde_json::Value) -> Result<Self, Error> {
        serde_json::from_value(value)
            .map_err(|e| Error::new(ErrorCode::InvalidMessage, format!("not a valid message: {e}")))
    }

    /// A WhatsApp template message.
    pub fn template(
        from: impl Into<String>,
        to: impl Into<String>,
        code: impl Into<String>,
        language: impl Into<String>,
        params: TemplateParams,
    ) -> Self {
        Self::new(
            from,
            to,
            Body::Template(Template { code: code.into(), language: language.into(), params, payload: Vec::new() }),
        )
    }

    /// A WhatsApp free-form text message.
    pub fn text(from: impl Into<String>, to: impl Into<String>, text: impl Into<String>) -> Self {
        Self::new(from, to, Body::Text(Text { text: text.into() }))
    }

    /// A WhatsApp message with the given body and default options.
    pub fn new(from: impl Into<String>, to: impl Into<String>, body: Body) -> Self {
        Self { channel: Channel::default(), from: from.into(), to: to.into(), body, options: SendOptions::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deserialises_the_json_shape_bindings_use() {
        let msg: Message = serde_json::from_str(
            r#"{"type":"template","from":"861","to":"659","code":"C1","language":"en",
                "params":{"name":"Ada","code":"1"},"taskId":"t-1"}"#,
        )
        .unwrap();
        assert_eq!(msg.channel, Channel::Whatsapp);
        assert_eq!(msg.options.task_id.as_deref(), Some("t-1"));
        let Body::Template(t) = &msg.body else { panic!("not a template: {msg:?}") };
        assert_eq!(t.params.keys().collect::<Vec<_>>(), ["name", "code"]);

        let msg: Message =
            serde_json::from_str(r#"{"type":"text","channel":"viber","from":"a","to":"b","text":"hi"}"#).unwrap();
        assert_eq!(msg, Message { channel: Channel::Viber, ..Message::text("a", "b", "hi") });
    }

    #[test]
    fn wrong_shapes_and_channels_are_typed_errors() {
        let err = Message::from_json_value(serde_json::json!({"type": "fax", "from": "1", "to": "2"})).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidMessage);
        assert!(err.message().contains("fax"), "{err}");
        assert_eq!(Channel::parse("WhatsApp").unwrap(), Channel::Whatsapp);
        assert!(Channel::parse("sms").unwrap_err().message().contains("whatsapp, messenger"));
    }

    #[test]
    fn round_trips_through_json() {
        let msg = Message::template("1", "2", "C", "en", [("k".to_owned(), "v".to_owned())].into_iter().collect());
        let json = serde_json::to_string(&msg).unwrap();
        assert_eq!(serde_json::from_str::<Message>(&json).unwrap(), msg);
    }
}
