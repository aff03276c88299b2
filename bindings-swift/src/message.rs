//! The message model as Kotlin/Swift types, converted once into `chatlane_core::Message`.

use std::collections::{BTreeMap, HashMap};

use chatlane_core::{Channel, SendOptions, Template, Text};

/// The chat app a message goes through (`ChannelType` on the wire).
#[uniffi::remote(Enum)]
pub enum Channel {
    /// WhatsApp: `from`/`to` are phone numbers with country code, digits only.
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

/// What is sent: a pre-approved template or a free-form text.
#[derive(uniffi::Enum)]
pub enum Body {
    /// A template message, allowed at any time (`Type=template`).
    Template {
        /// The template code (`TemplateCode`).
        code: String,
        /// The template language, e.g. `en` or `zh_CN` (`Language`).
        language: String,
        /// Values of the template's variables (`TemplateParams`). Maps are unordered in
        /// Swift, so they are sent sorted by name: the same message always signs the same.
        #[uniffi(default)]
        params: HashMap<String, String>,
        /// One payload per quick-reply button, in button order (`Payload`).
        #[uniffi(default)]
        payload: Vec<String>,
    },
    /// A free-form text (WhatsApp: only within 24 h of the user's last message).
    Text {
        /// The text to send.
        text: String,
    },
}

/// One message to one recipient.
#[derive(uniffi::Record)]
pub struct Message {
    /// The sender: business number, page, account or service ID (`From`).
    pub from: String,
    /// The recipient (`To`).
    pub to: String,
    /// The template or free-form content.
    pub body: Body,
    /// The chat app (`ChannelType`); WhatsApp when absent.
    #[uniffi(default = None)]
    pub channel: Option<Channel>,
    /// Caller-defined ID echoed in status receipts and in outcome-unknown errors (`TaskId`).
    #[uniffi(default = None)]
    pub task_id: Option<String>,
    /// The channel instance (`CustSpaceId`); overrides the client's default.
    #[uniffi(default = None)]
    pub cust_space_id: Option<String>,
}

impl From<Body> for chatlane_core::Body {
    fn from(body: Body) -> Self {
        match body {
            Body::Template { code, language, params, payload } => Self::Template(Template {
                code,
                language,
                params: params.into_iter().collect::<BTreeMap<_, _>>().into_iter().collect(),
                payload,
            }),
            Body::Text { text } => Self::Text(Text { text }),
        }
    }
}

impl From<Message> for chatlane_core::Message {
    fn from(message: Message) -> Self {
        Self {
            channel: message.channel.unwrap_or_default(),
            from: message.from,
            to: message.to,
            body: message.body.into(),
            options: SendOptions { task_id: message.task_id, cust_space_id: message.cust_space_id },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(body: Body) -> Message {
        Message { from: "1".into(), to: "2".into(), body, channel: None, task_id: None, cust_space_id: None }
    }

    #[test]
    fn converts_once_into_the_core_message() {
        let params = HashMap::from([("z".to_owned(), "1".to_owned()), ("a".to_owned(), "2".to_owned())]);
        let body = Body::Template { code: "C".into(), language: "en".into(), params, payload: vec!["p".into()] };
        let converted = chatlane_core::Message::from(Message {
            channel: Some(Channel::Viber),
            task_id: Some("t".into()),
            cust_space_id: Some("cams-1".into()),
            ..message(body)
        });
        assert_eq!(converted.channel, Channel::Viber);
        assert_eq!(converted.options, SendOptions { task_id: Some("t".into()), cust_space_id: Some("cams-1".into()) });
        let chatlane_core::Body::Template(template) = converted.body else { panic!("not a template") };
        assert_eq!(template.params.keys().collect::<Vec<_>>(), ["a", "z"], "sorted by name");
        assert_eq!(template.payload, ["p"]);
    }

    #[test]
    fn the_channel_defaults_to_the_core_default() {
        let converted = chatlane_core::Message::from(message(Body::Text { text: "hi".into() }));
        assert_eq!(converted, chatlane_core::Message::text("1", "2", "hi"));
    }
}
