//! Mapping the typed model onto `SendChatappMessage` wire parameters (spec §2.1, §6).
//!
//! Every value is a flat string; structured values (`TemplateParams`, `Payload`) are
//! compact JSON with non-ASCII kept raw, exactly as the official SDKs send them.

use serde::Serialize;

use crate::model::{Body, Message};

/// Flat wire parameters, in the order they were added (signing sorts them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Params(Vec<(&'static str, String)>);

impl Params {
    /// Adds a parameter.
    pub fn push(&mut self, name: &'static str, value: impl Into<String>) {
        self.0.push((name, value.into()));
    }

    /// Adds a parameter when there is a value.
    pub fn push_opt(&mut self, name: &'static str, value: Option<&str>) {
        if let Some(value) = value {
            self.push(name, value);
        }
    }

    /// The value of `name`, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    /// `(name, value)` pairs.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (*n, v.as_str()))
    }

    /// How many parameters there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Compact JSON, non-ASCII raw: the SDKs' "shrink" encoding of structured parameters.
pub fn json_value<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("model values always serialise to JSON")
}

/// Values used where a message leaves an option unset.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Defaults<'a> {
    /// The client's `CustSpaceId`.
    pub cust_space_id: Option<&'a str>,
    /// The `TaskId` the client generated for this send.
    pub task_id: Option<&'a str>,
}

/// The `SendChatappMessage` parameters for `message`; the message's own options win over
/// `defaults`.
pub fn send_message_params(message: &Message, defaults: Defaults<'_>) -> Params {
    let mut params = Params::default();
    params.push("ChannelType", message.channel.as_str());
    params.push("From", message.from.as_str());
    params.push("To", message.to.as_str());
    params.push_opt("CustSpaceId", message.options.cust_space_id.as_deref().or(defaults.cust_space_id));
    params.push_opt("TaskId", message.options.task_id.as_deref().or(defaults.task_id));
    match &message.body {
        Body::Template(template) => {
            params.push("Type", "template");
            params.push("TemplateCode", template.code.as_str());
            params.push("Language", template.language.as_str());
            if !template.params.is_empty() {
                params.push("TemplateParams", json_value(&template.params));
            }
            if !template.payload.is_empty() {
                params.push("Payload", json_value(&template.payload));
            }
        }
        Body::Text(text) => {
            params.push("Type", "message");
            params.push("MessageType", "text");
            params.push("Content", json_value(text));
        }
    }
    params
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Template, TemplateParams};

    #[test]
    fn text_content_is_compact_json() {
        let params = send_message_params(&Message::text("1", "2", "Hi \"you\" 北京"), Defaults::default());
        assert_eq!(params.get("Content"), Some(r#"{"text":"Hi \"you\" 北京"}"#));
        assert_eq!(params.get("Type"), Some("message"));
        assert_eq!(params.get("MessageType"), Some("text"));
        assert_eq!(params.get("CustSpaceId"), None);
    }

    #[test]
    fn template_params_keep_caller_order_and_message_overrides_space() {
        let mut msg = Message::template(
            "1",
            "2",
            "C",
            "en",
            TemplateParams::from_iter([("z".to_owned(), "1".to_owned()), ("a".to_owned(), "2".to_owned())]),
        );
        msg.options.cust_space_id = Some("mine".into());
        let params = send_message_params(&msg, Defaults { cust_space_id: Some("default"), task_id: Some("generated") });
        assert_eq!(params.get("TemplateParams"), Some(r#"{"z":"1","a":"2"}"#));
        assert_eq!(params.get("CustSpaceId"), Some("mine"));
        assert_eq!(params.get("TaskId"), Some("generated"));
        assert_eq!(params.get("Payload"), None);
    }

    #[test]
    fn empty_params_and_payload_are_omitted() {
        let msg = Message::new(
            "1",
            "2",
            Body::Template(Template {
                code: "C".into(),
                language: "en".into(),
                params: TemplateParams::new(),
                payload: vec![],
            }),
        );
        let params = send_message_params(&msg, Defaults::default());
        assert_eq!(params.get("TemplateParams"), None);
        assert_eq!(params.len(), 6);
    }
}
