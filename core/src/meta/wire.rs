//! Mapping the typed model onto the JSON body of Meta's
//! `POST /{version}/{phone-number-id}/messages` (Meta reference §2.1–2.3, §8).
//!
//! The sender is not in the body: it is the phone-number ID in the URL. The body names the
//! recipient (`to`, or `recipient` for a business-scoped user ID), the message type and its
//! object, the quoted message (`context`) and the `TaskId` as `biz_opaque_callback_data`,
//! which Meta echoes in every status webhook. Interactive messages and contact cards already
//! have Meta's key names in the model; everything else is renamed here. Templates are sent by
//! name, their variables as a `body` component, quick-reply payloads, `flowAction` and
//! `productAction` as button components.

use serde::Serialize;
use serde_json::Value;

use super::unverified;
use crate::model::{
    Body, Contact, Content, FlowAction, Header, Interactive, InteractiveText, JsonObject, Message, ProductAction,
    ProductActionSection, RecipientType, Template, TemplateParams,
};

/// Meta's language policy, the only one it has.
const LANGUAGE_POLICY: &str = "deterministic";

/// The body of `POST /{version}/{phone-number-id}/messages` for `message`, with `task_id`
/// (the message's own, or the one a client generated) as `biz_opaque_callback_data`. Call
/// after [`crate::validate::violations`] and [`super::violations`]: a message with
/// violations maps as far as it can (content Meta lacks gets no `type`; a template without a
/// name, no `name`).
pub fn message_body(message: &Message, task_id: Option<&str>) -> Value {
    serde_json::to_value(envelope(message, task_id)).expect("wire values always serialise to JSON")
}

/// [`message_body`] as JSON text, written straight from the message (what a send puts on the
/// wire).
pub fn message_json(message: &Message, task_id: Option<&str>) -> Vec<u8> {
    serde_json::to_vec(&envelope(message, task_id)).expect("wire values always serialise to JSON")
}

fn envelope<'a>(message: &'a Message, task_id: Option<&'a str>) -> Envelope<'a> {
    let (recipient_type, to, recipient) = match message.recipient_type {
        None | Some(RecipientType::Individual) => (Some("individual"), Some(message.to.as_str()), None),
        Some(RecipientType::Group) => (Some("group"), Some(message.to.as_str()), None),
        Some(RecipientType::UserId) => (unverified::BSUID_RECIPIENT_TYPE, None, Some(message.to.as_str())),
    };
    Envelope {
        messaging_product: "whatsapp",
        recipient_type,
        to,
        recipient,
        object: typed_object(message),
        context: message.context_message_id.as_deref().map(|message_id| Context { message_id }),
        biz_opaque_callback_data: task_id,
    }
}

/// The position a numbered template variable stands for (`"1"` is the first): digits with
/// no leading zero. A template whose variables are all numbered is positional on Meta.
pub fn position(name: &str) -> Option<u64> {
    let digits = !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()) && !name.starts_with('0');
    digits.then(|| name.parse().ok()).flatten()
}

fn typed_object(message: &Message) -> Option<Typed<'_>> {
    match message.body()? {
        Body::Template(template) => Some(Typed::Template { template: WireTemplate::new(template, message) }),
        Body::Content(content) => content_object(content, message.product_action.as_ref()),
    }
}

/// The type object of free-form `content`; `None` for content Meta has no type for.
fn content_object<'a>(content: &'a Content, product_action: Option<&'a ProductAction>) -> Option<Typed<'a>> {
    let typed = match content {
        Content::Text(c) => Typed::Text { text: WireText { body: &c.text } },
        Content::Image(c) => Typed::Image { image: Media::new(&c.id, &c.link, &c.caption, &None) },
        Content::Video(c) => Typed::Video { video: Media::new(&c.id, &c.link, &c.caption, &None) },
        Content::Audio(c) => Typed::Audio { audio: Media::new(&c.id, &c.link, &None, &None) },
        Content::Document(c) => Typed::Document { document: Media::new(&c.id, &c.link, &c.caption, &c.file_name) },
        Content::Sticker(c) => Typed::Sticker { sticker: Media::new(&c.id, &c.link, &None, &None) },
        Content::Location(c) => Typed::Location {
            location: WireLocation {
                latitude: c.latitude,
                longitude: c.longitude,
                name: c.name.as_deref(),
                address: c.address.as_deref(),
            },
        },
        Content::Contacts(c) => Typed::Contacts { contacts: &c.contacts },
        Content::Reaction(c) => {
            Typed::Reaction { reaction: WireReaction { message_id: &c.message_id, emoji: &c.emoji } }
        }
        Content::Interactive(c) => Typed::Interactive { interactive: WireInteractive::new(c, product_action) },
        Content::TextImage(_)
        | Content::TextButton(_)
        | Content::TextImageButton(_)
        | Content::TextVideo(_)
        | Content::TextVideoButton(_)
        | Content::Custom(_) => return None,
    };
    Some(typed)
}

// The wire shapes, borrowed from the model, in the order of Meta's examples.

#[derive(Serialize)]
struct Envelope<'a> {
    messaging_product: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    recipient_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recipient: Option<&'a str>,
    #[serde(flatten)]
    object: Option<Typed<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    context: Option<Context<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    biz_opaque_callback_data: Option<&'a str>,
}

#[derive(Serialize)]
struct Context<'a> {
    message_id: &'a str,
}

/// `"type"` and the object of that name.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Typed<'a> {
    Text { text: WireText<'a> },
    Image { image: Media<'a> },
    Video { video: Media<'a> },
    Audio { audio: Media<'a> },
    Document { document: Media<'a> },
    Sticker { sticker: Media<'a> },
    Location { location: WireLocation<'a> },
    Contacts { contacts: &'a [Contact] },
    Reaction { reaction: WireReaction<'a> },
    Interactive { interactive: WireInteractive<'a> },
    Template { template: WireTemplate<'a> },
}

#[derive(Serialize)]
struct WireText<'a> {
    body: &'a str,
}

/// A media object: by uploaded `id` or by `link` (validation lets exactly one through).
#[derive(Serialize)]
struct Media<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    link: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    caption: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    filename: Option<&'a str>,
}

impl<'a> Media<'a> {
    fn new(
        id: &'a Option<String>,
        link: &'a Option<String>,
        caption: &'a Option<String>,
        filename: &'a Option<String>,
    ) -> Self {
        Self { id: id.as_deref(), link: link.as_deref(), caption: caption.as_deref(), filename: filename.as_deref() }
    }
}

#[derive(Serialize)]
struct WireLocation<'a> {
    latitude: f64,
    longitude: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<&'a str>,
}

#[derive(Serialize)]
struct WireReaction<'a> {
    message_id: &'a str,
    emoji: &'a str,
}

/// An interactive message as modelled (Meta's own shape), or a product list whose sections
/// come from the message's `productAction`.
#[derive(Serialize)]
#[serde(untagged)]
enum WireInteractive<'a> {
    AsModelled(&'a Interactive),
    ProductList(ProductListFromAction<'a>),
}

impl<'a> WireInteractive<'a> {
    fn new(interactive: &'a Interactive, product_action: Option<&'a ProductAction>) -> Self {
        match (interactive, product_action) {
            (Interactive::ProductList { header, body, footer, action }, Some(products))
                if action.sections.is_empty() =>
            {
                Self::ProductList(ProductListFromAction {
                    header,
                    body,
                    footer: footer.as_ref(),
                    action: ProductListAction { catalog_id: &action.catalog_id, sections: sections(products) },
                })
            }
            _ => Self::AsModelled(interactive),
        }
    }
}

#[derive(Serialize)]
#[serde(tag = "type", rename = "product_list")]
struct ProductListFromAction<'a> {
    header: &'a Header,
    body: &'a InteractiveText,
    #[serde(skip_serializing_if = "Option::is_none")]
    footer: Option<&'a InteractiveText>,
    action: ProductListAction<'a>,
}

#[derive(Serialize)]
struct ProductListAction<'a> {
    catalog_id: &'a str,
    sections: Vec<ProductSection<'a>>,
}

#[derive(Serialize)]
struct ProductSection<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    product_items: Vec<ProductItem<'a>>,
}

#[derive(Serialize)]
struct ProductItem<'a> {
    product_retailer_id: &'a str,
}

/// Meta's sections of a `productAction` (a product list's, or a multi-product button's).
fn sections(products: &ProductAction) -> Vec<ProductSection<'_>> {
    products.sections.iter().map(ProductSection::from).collect()
}

impl<'a> From<&'a ProductActionSection> for ProductSection<'a> {
    fn from(section: &'a ProductActionSection) -> Self {
        let product_items =
            section.product_retailer_ids.iter().map(|id| ProductItem { product_retailer_id: id }).collect();
        Self { title: section.title.as_deref(), product_items }
    }
}

#[derive(Serialize)]
struct WireTemplate<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    language: Language<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    components: Vec<Component<'a>>,
}

impl<'a> WireTemplate<'a> {
    /// The template with its variables and buttons; `message` carries the flow and product
    /// actions.
    fn new(template: &'a Template, message: &'a Message) -> Self {
        let mut components = Vec::new();
        if !template.params.is_empty() {
            components.push(Component::Body { parameters: body_parameters(&template.params) });
        }
        let quick_replies = template.payload.iter().map(|payload| ButtonParameter::Payload { payload });
        let flow = message.flow_action.as_ref().map(ButtonParameter::flow);
        let products = message.product_action.as_ref().map(ButtonParameter::products);
        let buttons = quick_replies.chain(flow).chain(products);
        components.extend(buttons.enumerate().map(|(index, parameter)| Component::button(index, parameter)));
        Self {
            name: template.name.as_deref(),
            language: Language { code: &template.language, policy: LANGUAGE_POLICY },
            components,
        }
    }
}

#[derive(Serialize)]
struct Language<'a> {
    code: &'a str,
    policy: &'static str,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Component<'a> {
    Body { parameters: Vec<TextParameter<'a>> },
    Button { sub_type: &'static str, index: String, parameters: [ButtonParameter<'a>; 1] },
}

impl<'a> Component<'a> {
    /// The button at `index` of the template (its position among the template's buttons:
    /// the quick replies in payload order, then the flow or product button).
    fn button(index: usize, parameter: ButtonParameter<'a>) -> Self {
        Self::Button { sub_type: parameter.sub_type(), index: index.to_string(), parameters: [parameter] }
    }
}

/// The variables of the body: named in the caller's order, or positional in their numbers'
/// order when every name is a number ([`position`]).
fn body_parameters(params: &TemplateParams) -> Vec<TextParameter<'_>> {
    let positional = params.iter().all(|(name, _)| position(name).is_some());
    let mut parameters: Vec<(&str, &str)> = params.iter().collect();
    if positional {
        parameters.sort_by_key(|(name, _)| position(name));
    }
    let parameter = |(name, text)| TextParameter { parameter_name: (!positional).then_some(name), text };
    parameters.into_iter().map(parameter).collect()
}

#[derive(Serialize)]
#[serde(tag = "type", rename = "text")]
struct TextParameter<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    parameter_name: Option<&'a str>,
    text: &'a str,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ButtonParameter<'a> {
    Payload { payload: &'a str },
    Action { action: ButtonAction<'a> },
}

impl<'a> ButtonParameter<'a> {
    fn flow(action: &'a FlowAction) -> Self {
        let flow = FlowButtonAction {
            flow_token: action.flow_token.as_deref(),
            flow_action_data: action.flow_action_data.as_ref(),
        };
        Self::Action { action: ButtonAction::Flow(flow) }
    }

    fn products(action: &'a ProductAction) -> Self {
        let products = ProductsButtonAction {
            thumbnail_product_retailer_id: action.thumbnail_product_retailer_id.as_deref(),
            sections: sections(action),
        };
        Self::Action { action: ButtonAction::Products(products) }
    }

    /// The button's `sub_type`: a multi-product button lists sections, a catalog button only
    /// names its thumbnail.
    fn sub_type(&self) -> &'static str {
        match self {
            Self::Payload { .. } => "quick_reply",
            Self::Action { action: ButtonAction::Flow(_) } => "flow",
            Self::Action { action: ButtonAction::Products(products) } if products.sections.is_empty() => "catalog",
            Self::Action { action: ButtonAction::Products(_) } => "mpm",
        }
    }
}

#[derive(Serialize)]
#[serde(untagged)]
enum ButtonAction<'a> {
    Flow(FlowButtonAction<'a>),
    Products(ProductsButtonAction<'a>),
}

#[derive(Serialize)]
struct FlowButtonAction<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    flow_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    flow_action_data: Option<&'a JsonObject>,
}

#[derive(Serialize)]
struct ProductsButtonAction<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    thumbnail_product_retailer_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    sections: Vec<ProductSection<'a>>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::{Custom, ProductListAction as ModelProductListAction, TextButton};

    fn template(name: &str, params: &[(&str, &str)], payload: &[&str]) -> Message {
        let template = Template {
            name: Some(name.into()),
            language: "en_US".into(),
            params: params.iter().copied().collect(),
            payload: payload.iter().map(|p| (*p).to_owned()).collect(),
            ..Template::default()
        };
        Message { template: Some(template), ..Message::new("15550001111", "6591234567") }
    }

    #[test]
    fn text_with_its_reply_context_and_callback_data() {
        let mut message = Message::text("15550001111", "6591234567", "Hi \"you\" 北京");
        message.context_message_id = Some("wamid.ctx".into());
        message.task_id = Some("order-42".into());
        let body = message_body(&message, message.task_id.as_deref());
        let expected = json!({
            "messaging_product": "whatsapp", "recipient_type": "individual", "to": "6591234567",
            "type": "text", "text": {"body": "Hi \"you\" 北京"},
            "context": {"message_id": "wamid.ctx"}, "biz_opaque_callback_data": "order-42"
        });
        assert_eq!(body, expected);
        assert_eq!(
            body.to_string(),
            expected.to_string(),
            "keys in the order of Meta's examples: the envelope, then the type, then the options"
        );
    }

    #[test]
    fn each_recipient_identity_has_its_own_key() {
        let address = |kind: Option<RecipientType>, to: &str| {
            let message = Message { recipient_type: kind, ..Message::text("1", to, "hi") };
            let body = message_body(&message, message.task_id.as_deref());
            let keys = ["recipient_type", "to", "recipient"].map(|key| body.get(key).cloned());
            keys.map(|value| value.map(|v| v.as_str().unwrap().to_owned()))
        };
        let some = |s: &str| Some(s.to_owned());
        assert_eq!(address(None, "6591234567"), [some("individual"), some("6591234567"), None]);
        assert_eq!(address(Some(RecipientType::Individual), "659"), [some("individual"), some("659"), None]);
        assert_eq!(address(Some(RecipientType::Group), "120363@g.us"), [some("group"), some("120363@g.us"), None]);
        let bsuid = "US.13491208655302741918";
        assert_eq!(address(Some(RecipientType::UserId), bsuid), [None, None, some(bsuid)]);
    }

    #[test]
    fn template_variables_are_named_and_buttons_indexed_in_order() {
        let mut message = template("order_update", &[("zone", "B"), ("first_name", "Ada")], &["STOP", "MORE"]);
        message.flow_action = Some(FlowAction { flow_token: Some("tok".into()), flow_action_data: None });
        let expected = json!({
            "name": "order_update", "language": {"code": "en_US", "policy": "deterministic"},
            "components": [
                {"type": "body", "parameters": [
                    {"type": "text", "parameter_name": "zone", "text": "B"},
                    {"type": "text", "parameter_name": "first_name", "text": "Ada"}]},
                {"type": "button", "sub_type": "quick_reply", "index": "0",
                 "parameters": [{"type": "payload", "payload": "STOP"}]},
                {"type": "button", "sub_type": "quick_reply", "index": "1",
                 "parameters": [{"type": "payload", "payload": "MORE"}]},
                {"type": "button", "sub_type": "flow", "index": "2",
                 "parameters": [{"type": "action", "action": {"flow_token": "tok"}}]}]
        });
        let body = message_body(&message, message.task_id.as_deref());
        assert_eq!(body["type"], "template");
        assert_eq!(body["template"], expected);
    }

    #[test]
    fn numbered_variables_are_positional_in_their_numbers_order() {
        let body = message_body(&template("t", &[("2", "b"), ("10", "j"), ("1", "a")], &[]), None);
        let texts =
            json!([{"type": "text", "text": "a"}, {"type": "text", "text": "b"}, {"type": "text", "text": "j"}]);
        assert_eq!(body["template"]["components"][0]["parameters"], texts);
        assert_eq!(body["template"]["components"].as_array().map(Vec::len), Some(1));
        for (name, expected) in [("1", Some(1)), ("12", Some(12)), ("0", None), ("01", None), ("", None), ("1a", None)]
        {
            assert_eq!(position(name), expected, "{name:?}");
        }
    }

    #[test]
    fn product_actions_are_multi_product_or_catalog_buttons() {
        let mut message = template("mpm_summer", &[], &[]);
        message.product_action = Some(ProductAction {
            thumbnail_product_retailer_id: Some("sku-1".into()),
            sections: vec![ProductActionSection {
                title: Some("Shoes".into()),
                product_retailer_ids: vec!["sku-1".into()],
            }],
        });
        let mpm = json!({"type": "button", "sub_type": "mpm", "index": "0", "parameters": [{"type": "action", "action": {
            "thumbnail_product_retailer_id": "sku-1",
            "sections": [{"title": "Shoes", "product_items": [{"product_retailer_id": "sku-1"}]}]}}]});
        assert_eq!(message_body(&message, message.task_id.as_deref())["template"]["components"], json!([mpm]));
        message.product_action.as_mut().unwrap().sections.clear();
        let catalog = json!({"type": "button", "sub_type": "catalog", "index": "0",
            "parameters": [{"type": "action", "action": {"thumbnail_product_retailer_id": "sku-1"}}]});
        assert_eq!(message_body(&message, message.task_id.as_deref())["template"]["components"], json!([catalog]));
        assert_eq!(
            message_body(&template("plain", &[], &[]), None)["template"],
            json!({
            "name": "plain", "language": {"code": "en_US", "policy": "deterministic"}})
        );
    }

    #[test]
    fn a_product_list_takes_its_sections_from_the_product_action() {
        let list = Interactive::ProductList {
            header: Header::Text { text: "For you".into() },
            body: InteractiveText { text: "Picks".into() },
            footer: None,
            action: ModelProductListAction { catalog_id: "cat".into(), sections: vec![] },
        };
        let mut message = Message::with_content("1", "2", Content::Interactive(list));
        message.product_action = Some(ProductAction {
            thumbnail_product_retailer_id: None,
            sections: vec![ProductActionSection { title: None, product_retailer_ids: vec!["a".into(), "b".into()] }],
        });
        let expected = json!({"type": "product_list", "header": {"type": "text", "text": "For you"},
            "body": {"text": "Picks"}, "action": {"catalog_id": "cat", "sections": [
                {"product_items": [{"product_retailer_id": "a"}, {"product_retailer_id": "b"}]}]}});
        assert_eq!(message_body(&message, message.task_id.as_deref())["interactive"], expected);
    }

    #[test]
    fn content_meta_lacks_maps_to_no_type() {
        let button = TextButton { text: "t".into(), caption: "c".into(), action: "https://x.example".into() };
        let custom = Custom { kind: "carousel".into(), content: JsonObject::default() };
        for content in [Content::TextButton(button), Content::Custom(custom)] {
            let body = message_body(&Message::with_content("1", "2", content), None);
            assert_eq!(body, json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": "2"}));
        }
    }
}
