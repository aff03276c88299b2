//! An inbound message's content from its type name and type object, for both providers:
//! Meta's type objects (`"image": {"id", "mime_type", …}`) and CAMS's `Message`
//! (`{"id", "mimeType", "url", …}`) differ only in the case of some keys, so one reader with
//! aliases serves both. A type object may also come as JSON text (CAMS's HTTP pushes).

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::content::{
    ButtonReply, FlowReply, InboundAudio, InboundContacts, InboundContent, InboundDocument, InboundLocation,
    InboundMedia, InboundReaction, InboundSticker, InboundText, ListReply, Order, OrderItem, SystemNotice,
    UnsupportedContent,
};
use super::model::ReplyContext;
use super::read::{float, opt_float, opt_integer, opt_text, typed};

/// The content of a message of type `type_name` (Meta's lowercase names) whose type object
/// is `payload`. A type chatlane does not know, or a type object it cannot read, gives
/// [`InboundContent::Unsupported`] carrying `message` (the whole message) and the type as
/// the provider named it (`given_type`).
pub(super) fn content(type_name: &str, given_type: &str, payload: Option<&Value>, message: &Value) -> InboundContent {
    let reason = match typed_content(type_name, payload) {
        Ok(Some(content)) => return content,
        Ok(None) => None,
        Err(reason) => Some(reason),
    };
    InboundContent::Unsupported(UnsupportedContent {
        message_type: given_type.to_owned(),
        raw: message.to_string(),
        reason,
    })
}

/// The typed content; `None` for a type without one.
fn typed_content(type_name: &str, payload: Option<&Value>) -> Result<Option<InboundContent>, String> {
    let payload = || payload.ok_or_else(|| format!("no `{type_name}` object"));
    let content = match type_name {
        "text" => InboundContent::Text(text(payload()?)?),
        "image" => InboundContent::Image(object::<MediaWire>(payload()?)?.media.into()),
        "video" => InboundContent::Video(object::<MediaWire>(payload()?)?.media.into()),
        "audio" => {
            let MediaWire { media, voice, .. } = object(payload()?)?;
            InboundContent::Audio(InboundAudio { media: media.into(), voice })
        }
        "document" => {
            let MediaWire { media, filename, .. } = object(payload()?)?;
            InboundContent::Document(InboundDocument { media: media.into(), filename })
        }
        "sticker" => {
            let MediaWire { media, animated, .. } = object(payload()?)?;
            InboundContent::Sticker(InboundSticker { media: media.into(), animated })
        }
        "location" => InboundContent::Location(object::<LocationWire>(payload()?)?.into()),
        "contacts" => InboundContent::Contacts(contacts(payload()?)?),
        "button" => InboundContent::QuickReply(object(payload()?)?),
        "interactive" => return interactive(object(payload()?)?),
        "reaction" => InboundContent::Reaction(object::<ReactionWire>(payload()?)?.into()),
        "order" => InboundContent::Order(object::<OrderWire>(payload()?)?.into()),
        "system" => InboundContent::System(object::<SystemWire>(payload()?)?.into()),
        _ => return Ok(None),
    };
    Ok(Some(content))
}

/// A type object read as a `T`, decoded first when it came as JSON text.
fn object<T: DeserializeOwned>(payload: &Value) -> Result<T, String> {
    match payload {
        Value::String(text) => serde_json::from_str::<Value>(text)
            .map_err(|e| format!("the type object is text that is not JSON: {e}"))
            .and_then(|decoded| typed(&decoded)),
        other => typed(other),
    }
}

/// Text: CAMS's plain string, or an object with `body` (Meta) or `text`.
fn text(payload: &Value) -> Result<InboundText, String> {
    #[derive(Deserialize)]
    struct TextWire {
        #[serde(alias = "text")]
        body: String,
    }
    match payload {
        Value::String(body) => Ok(InboundText { body: body.clone() }),
        other => typed::<TextWire>(other).map(|wire| InboundText { body: wire.body }),
    }
}

/// Contact cards: an array (Meta), or an object with `contacts`.
fn contacts(payload: &Value) -> Result<InboundContacts, String> {
    let decoded: Value = object(payload)?;
    let cards = decoded.get("contacts").unwrap_or(&decoded);
    typed(cards).map(|contacts| InboundContacts { contacts })
}

/// `interactive`: the replies chatlane types; `None` for another (`call_permission_reply`…).
fn interactive(wire: InteractiveWire) -> Result<Option<InboundContent>, String> {
    let missing = || format!("no `{}` object", wire.kind);
    let content = match wire.kind.as_str() {
        "button_reply" => InboundContent::ButtonReply(wire.button_reply.ok_or_else(missing)?),
        "list_reply" => InboundContent::ListReply(wire.list_reply.ok_or_else(missing)?),
        "nfm_reply" => {
            let flow = wire.nfm_reply.ok_or_else(missing)?;
            InboundContent::FlowReply(FlowReply { response_json: flow.response_json, body: flow.body, name: flow.name })
        }
        _ => return Ok(None),
    };
    Ok(Some(content))
}

/// The `context` of an inbound message, in both providers' shape.
#[derive(Deserialize)]
pub(super) struct ContextWire {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    forwarded: bool,
    #[serde(default)]
    frequently_forwarded: bool,
}

impl From<ContextWire> for ReplyContext {
    fn from(w: ContextWire) -> Self {
        Self { message_id: w.id, from: w.from, forwarded: w.forwarded, frequently_forwarded: w.frequently_forwarded }
    }
}

/// Any media object; the variant keeps the fields of its kind.
#[derive(Deserialize)]
struct MediaWire {
    #[serde(flatten)]
    media: MediaFields,
    #[serde(default, alias = "fileName")]
    filename: Option<String>,
    #[serde(default)]
    voice: bool,
    #[serde(default)]
    animated: bool,
}

/// The fields every media object has, in either provider's spelling.
#[derive(Deserialize)]
struct MediaFields {
    #[serde(default, deserialize_with = "opt_text")]
    id: Option<String>,
    #[serde(default, alias = "mimeType")]
    mime_type: Option<String>,
    #[serde(default)]
    sha256: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    caption: Option<String>,
}

impl From<MediaFields> for InboundMedia {
    fn from(w: MediaFields) -> Self {
        Self { id: w.id, mime_type: w.mime_type, sha256: w.sha256, url: w.url, caption: w.caption }
    }
}

#[derive(Deserialize)]
struct LocationWire {
    #[serde(deserialize_with = "float")]
    latitude: f64,
    #[serde(deserialize_with = "float")]
    longitude: f64,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    address: Option<String>,
    #[serde(default)]
    url: Option<String>,
}

impl From<LocationWire> for InboundLocation {
    fn from(w: LocationWire) -> Self {
        Self { latitude: w.latitude, longitude: w.longitude, name: w.name, address: w.address, url: w.url }
    }
}

#[derive(Deserialize)]
struct InteractiveWire {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    button_reply: Option<ButtonReply>,
    #[serde(default)]
    list_reply: Option<ListReply>,
    #[serde(default)]
    nfm_reply: Option<FlowWire>,
}

#[derive(Deserialize)]
struct FlowWire {
    response_json: String,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct ReactionWire {
    #[serde(alias = "messageId")]
    message_id: String,
    #[serde(default)]
    emoji: Option<String>,
}

impl From<ReactionWire> for InboundReaction {
    fn from(w: ReactionWire) -> Self {
        Self { message_id: w.message_id, emoji: w.emoji.unwrap_or_default() }
    }
}

#[derive(Deserialize)]
struct OrderWire {
    #[serde(default)]
    catalog_id: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    product_items: Vec<OrderItemWire>,
}

#[derive(Deserialize)]
struct OrderItemWire {
    product_retailer_id: String,
    #[serde(default, deserialize_with = "opt_integer")]
    quantity: Option<u64>,
    #[serde(default, deserialize_with = "opt_float")]
    item_price: Option<f64>,
    #[serde(default)]
    currency: Option<String>,
}

impl From<OrderWire> for Order {
    fn from(w: OrderWire) -> Self {
        let items = w.product_items.into_iter().map(OrderItem::from).collect();
        Self { catalog_id: w.catalog_id, text: w.text, items }
    }
}

impl From<OrderItemWire> for OrderItem {
    fn from(w: OrderItemWire) -> Self {
        Self {
            product_retailer_id: w.product_retailer_id,
            quantity: w.quantity,
            item_price: w.item_price,
            currency: w.currency,
        }
    }
}

#[derive(Deserialize)]
struct SystemWire {
    #[serde(default)]
    body: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default, alias = "new_wa_id")]
    wa_id: Option<String>,
}

impl From<SystemWire> for SystemNotice {
    fn from(w: SystemWire) -> Self {
        Self { body: w.body, system_type: w.kind, new_phone: w.wa_id }
    }
}
