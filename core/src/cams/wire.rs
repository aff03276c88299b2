//! Mapping the typed model onto `SendChatappMessage` and `SendChatappMassMessage` wire
//! parameters (spec §2.1, §6, §8).
//!
//! Every value is a flat string; structured values (`Content`, `TemplateParams`,
//! `Payload`, `ProductAction`, `FlowAction`, `SenderList`) are compact JSON with
//! non-ASCII kept raw, exactly as the official SDKs send them.

use indexmap::IndexMap;
use serde::Serialize;

use crate::model::{
    Body, Content, Fallback, FallbackRule, FlowAction, JsonObject, MassMessage, Message, ProductAction, Recipient,
    RecipientType, Template, ViberLabel,
};

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
/// `defaults`. Call after [`crate::validate`]: a message with neither or both of
/// `template` and `content` gets neither.
pub fn send_message_params(message: &Message, defaults: Defaults<'_>) -> Params {
    let mut params = Params::default();
    params.push("ChannelType", message.channel.as_str());
    params.push("From", message.from.as_str());
    params.push("To", message.to.as_str());
    params.push_opt("CustSpaceId", message.cust_space_id.as_deref().or(defaults.cust_space_id));
    params.push_opt("TaskId", message.task_id.as_deref().or(defaults.task_id));
    match message.body() {
        Some(Body::Template(template)) => {
            params.push("Type", "template");
            push_template_id(&mut params, template);
            if !template.params.is_empty() {
                params.push("TemplateParams", json_value(&template.params));
            }
            if !template.payload.is_empty() {
                params.push("Payload", json_value(&template.payload));
            }
        }
        Some(Body::Content(content)) => {
            params.push("Type", "message");
            params.push("MessageType", content.message_type());
            params.push("Content", content_json(content));
        }
        None => {}
    }
    params.push_opt("ContextMessageId", message.context_message_id.as_deref());
    params.push_opt("RecipientType", message.recipient_type.map(RecipientType::as_str));
    push_fallback(&mut params, message.fallback.as_ref());
    if let Some(action) = &message.product_action {
        params.push("ProductAction", json_value(&WireProductAction::from(action)));
    }
    if let Some(action) = &message.flow_action {
        params.push("FlowAction", json_value(&WireFlowAction::from(action)));
    }
    params.push_opt("Category", message.category.as_deref());
    push_viber(&mut params, message.label, message.ttl, message.tag.as_deref());
    params.push_opt("TrackingData", message.tracking_data.as_deref());
    params
}

/// The `SendChatappMassMessage` parameters for `message`, as [`send_message_params`].
pub fn send_mass_message_params(message: &MassMessage, defaults: Defaults<'_>) -> Params {
    let mut params = Params::default();
    params.push("ChannelType", message.channel.as_str());
    params.push("From", message.from.as_str());
    params.push_opt("CustSpaceId", message.cust_space_id.as_deref().or(defaults.cust_space_id));
    params.push_opt("TaskId", message.task_id.as_deref().or(defaults.task_id));
    push_template_id(&mut params, &message.template);
    let senders: Vec<WireSender<'_>> =
        message.recipients.iter().map(|recipient| WireSender::new(&message.template, recipient)).collect();
    params.push("SenderList", json_value(&senders));
    push_fallback(&mut params, message.fallback.as_ref());
    push_viber(&mut params, message.label, message.ttl, message.tag.as_deref());
    params
}

/// The `Content` JSON of a free-form message: the variant's fields with the API's key
/// names (for contacts, the array of contacts itself).
pub fn content_json(content: &Content) -> String {
    match content {
        Content::Text(c) => json_value(c),
        Content::Image(c) => json_value(c),
        Content::Video(c) => json_value(c),
        Content::Audio(c) => json_value(c),
        Content::Document(c) => json_value(c),
        Content::Sticker(c) => json_value(c),
        Content::Location(c) => json_value(c),
        Content::Contacts(c) => json_value(&c.contacts),
        Content::Reaction(c) => json_value(c),
        Content::Interactive(c) => json_value(c),
        Content::TextImage(c) => json_value(c),
        Content::TextButton(c) => json_value(c),
        Content::TextImageButton(c) => json_value(c),
        Content::TextVideo(c) => json_value(c),
        Content::TextVideoButton(c) => json_value(c),
        Content::Custom(c) => json_value(&c.content),
    }
}

fn push_template_id(params: &mut Params, template: &Template) {
    params.push_opt("TemplateCode", template.code.as_deref());
    params.push_opt("TemplateName", template.name.as_deref());
    params.push("Language", template.language.as_str());
}

fn push_fallback(params: &mut Params, fallback: Option<&Fallback>) {
    let Some(fallback) = fallback else { return };
    params.push("FallBackId", fallback.id.as_str());
    params.push_opt("FallBackContent", fallback.content.as_deref());
    if let Some(duration) = fallback.duration {
        params.push("FallBackDuration", duration.to_string());
    }
    params.push_opt("FallBackRule", fallback.rule.map(FallbackRule::as_str));
}

fn push_viber(params: &mut Params, label: Option<ViberLabel>, ttl: Option<u32>, tag: Option<&str>) {
    params.push_opt("Label", label.map(ViberLabel::as_str));
    if let Some(ttl) = ttl {
        params.push("Ttl", ttl.to_string());
    }
    params.push_opt("Tag", tag);
}

// The wire shapes of the structured parameters: the SDK models' PascalCase keys, in the
// SDKs' (alphabetical) order, borrowed from the model.

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct WireProductAction<'a> {
    sections: Vec<WireProductSection<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    thumbnail_product_retailer_id: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct WireProductSection<'a> {
    product_items: Vec<WireProductItem<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct WireProductItem<'a> {
    product_retailer_id: &'a str,
}

impl<'a> From<&'a ProductAction> for WireProductAction<'a> {
    fn from(action: &'a ProductAction) -> Self {
        let sections = action
            .sections
            .iter()
            .map(|section| WireProductSection {
                product_items: section
                    .product_retailer_ids
                    .iter()
                    .map(|id| WireProductItem { product_retailer_id: id })
                    .collect(),
                title: section.title.as_deref(),
            })
            .collect();
        Self { sections, thumbnail_product_retailer_id: action.thumbnail_product_retailer_id.as_deref() }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct WireFlowAction<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    flow_action_data: Option<&'a JsonObject>,
    #[serde(skip_serializing_if = "Option::is_none")]
    flow_token: Option<&'a str>,
}

impl<'a> From<&'a FlowAction> for WireFlowAction<'a> {
    fn from(action: &'a FlowAction) -> Self {
        Self { flow_action_data: action.flow_action_data.as_ref(), flow_token: action.flow_token.as_deref() }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct WireSender<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    flow_action: Option<WireFlowAction<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    payload: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    product_action: Option<WireProductAction<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recipient_type: Option<&'static str>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    template_params: IndexMap<&'a str, &'a str>,
    to: &'a str,
}

impl<'a> WireSender<'a> {
    /// The recipient's entry: the template's shared params, then the recipient's own
    /// (which override them); the recipient's payload, else the template's.
    fn new(template: &'a Template, recipient: &'a Recipient) -> Self {
        let mut template_params: IndexMap<&str, &str> = template.params.iter().collect();
        template_params.extend(recipient.params.iter());
        let payload = if recipient.payload.is_empty() { &template.payload } else { &recipient.payload };
        Self {
            flow_action: recipient.flow_action.as_ref().map(WireFlowAction::from),
            payload,
            product_action: recipient.product_action.as_ref().map(WireProductAction::from),
            recipient_type: recipient.recipient_type.map(RecipientType::as_str),
            template_params,
            to: &recipient.to,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Interactive, InteractiveText, ProductActionSection, TemplateParams};

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
        let mut msg = Message::template("1", "2", "C", "en", TemplateParams::from_iter([("z", "1"), ("a", "2")]));
        msg.cust_space_id = Some("mine".into());
        let params = send_message_params(&msg, Defaults { cust_space_id: Some("default"), task_id: Some("generated") });
        assert_eq!(params.get("TemplateParams"), Some(r#"{"z":"1","a":"2"}"#));
        assert_eq!(params.get("CustSpaceId"), Some("mine"));
        assert_eq!(params.get("TaskId"), Some("generated"));
        assert_eq!(params.get("Payload"), None);
        assert_eq!(params.len(), 9);
    }

    #[test]
    fn structured_parameters_use_the_sdk_shapes() {
        let mut msg = Message::with_content(
            "1",
            "2",
            Content::Interactive(Interactive::CatalogMessage {
                body: InteractiveText { text: "See".into() },
                footer: None,
                action: Default::default(),
            }),
        );
        msg.product_action = Some(ProductAction {
            thumbnail_product_retailer_id: Some("sku-1".into()),
            sections: vec![ProductActionSection {
                title: Some("Shoes".into()),
                product_retailer_ids: vec!["sku-1".into()],
            }],
        });
        msg.flow_action = Some(FlowAction { flow_token: Some("t".into()), flow_action_data: None });
        let params = send_message_params(&msg, Defaults::default());
        assert_eq!(
            params.get("Content"),
            Some(r#"{"type":"catalog_message","body":{"text":"See"},"action":{"name":"catalog_message"}}"#)
        );
        assert_eq!(
            params.get("ProductAction"),
            Some(
                r#"{"Sections":[{"ProductItems":[{"ProductRetailerId":"sku-1"}],"Title":"Shoes"}],"ThumbnailProductRetailerId":"sku-1"}"#
            )
        );
        assert_eq!(params.get("FlowAction"), Some(r#"{"FlowToken":"t"}"#));
    }

    #[test]
    fn mass_recipients_merge_the_templates_shared_params() {
        let template = Template {
            code: Some("C".into()),
            language: "en".into(),
            params: TemplateParams::from_iter([("shop", "Ada's"), ("name", "?")]),
            payload: vec!["p".into()],
            ..Template::default()
        };
        let message = MassMessage {
            channel: Default::default(),
            from: "1".into(),
            template,
            recipients: vec![Recipient::new("2", TemplateParams::from_iter([("name", "Bo")]))],
            task_id: None,
            cust_space_id: None,
            fallback: None,
            label: None,
            ttl: None,
            tag: None,
        };
        let params = send_mass_message_params(&message, Defaults::default());
        assert_eq!(
            params.get("SenderList"),
            Some(r#"[{"Payload":["p"],"TemplateParams":{"shop":"Ada's","name":"Bo"},"To":"2"}]"#)
        );
        assert_eq!(params.get("Type"), None);
        assert_eq!(params.get("TemplateCode"), Some("C"));
    }
}
