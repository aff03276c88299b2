//! Meta's webhook notifications (Meta reference §5.4–5.5): every entry, every change, every
//! message, status and error of a payload.

use serde::Deserialize;
use serde_json::Value;

use super::body;
use super::model::{Business, ChatUser, Conversation, DeliveryError, Event, InboundEvent, Pricing, StatusEvent};
use super::payload::{self, ContextWire};
use super::read::{array, non_empty, opt_integer, opt_text, seconds_to_ms, text, typed};
use super::status::DeliveryStatus;
use crate::error::Error;
use crate::provider::ProviderKind;

/// The `object` of WhatsApp Business Account webhooks.
const WHATSAPP_OBJECT: &str = "whatsapp_business_account";

/// The `field` of changes carrying messages and statuses.
const MESSAGES_FIELD: &str = "messages";

/// The events of a Meta webhook body (a POST already verified with
/// [`super::verify_meta_signature`]), in order: for every `entry[]` and every `changes[]`,
/// each `messages[]` as an [`InboundEvent`], each `statuses[]` as a [`StatusEvent`] and each
/// value-level `errors[]` as an [`UnsupportedEvent`](super::UnsupportedEvent) named `errors`. A change of another
/// `field` (template, account, quality updates…) is one [`UnsupportedEvent`](super::UnsupportedEvent) named after the
/// field, as is the whole body when its `object` is not a WhatsApp Business Account. A body
/// over [`super::MAX_BODY_BYTES`], not JSON, not an object or without an `entry` array is an
/// [`crate::ErrorCode::InvalidParameter`] error; an element that cannot be read is an
/// [`UnsupportedEvent`](super::UnsupportedEvent) carrying it and the reason, and the rest are kept.
pub fn parse_meta_webhook(body: &[u8]) -> Result<Vec<Event>, Error> {
    let payload = body::parse(body)?;
    let Value::Object(fields) = &payload else { return Err(body::wrong_shape("a JSON object", &payload)) };
    if let Some(object) = fields.get("object").filter(|object| *object != WHATSAPP_OBJECT) {
        let name = object.as_str().map_or_else(|| object.to_string(), str::to_owned);
        return Ok(vec![unsupported(name, &payload, None, None)]);
    }
    let Some(Value::Array(entries)) = fields.get("entry") else {
        return Err(body::wrong_shape("a webhook notification with an `entry` array", &payload));
    };
    let mut events = Vec::new();
    for entry in entries {
        read_entry(entry, &mut events);
    }
    Ok(events)
}

/// An `entry[]` element; its `changes` are read in place.
#[derive(Deserialize)]
#[serde(expecting = "an entry object")]
struct EntryWire {
    #[serde(default, deserialize_with = "opt_text")]
    id: Option<String>,
}

/// A `changes[]` element; its `value` is read in place.
#[derive(Deserialize)]
#[serde(expecting = "a change object")]
struct ChangeWire {
    field: String,
}

fn read_entry(entry: &Value, events: &mut Vec<Event>) {
    let read = typed::<EntryWire>(entry)
        .and_then(|wire| Ok((wire.id, array(entry, "changes")?.ok_or("missing field `changes`")?)));
    let (account, changes) = match read {
        Ok(read) => read,
        Err(reason) => return events.push(unsupported("entry".to_owned(), entry, Some(reason), None)),
    };
    for change in changes {
        let unread = match typed::<ChangeWire>(change) {
            Err(reason) => unsupported("changes".to_owned(), change, Some(reason), account.clone()),
            Ok(ChangeWire { field }) if field == MESSAGES_FIELD => {
                match read_messages(change.get("value").unwrap_or(&Value::Null), account.as_deref(), events) {
                    Ok(()) => continue,
                    Err(reason) => unsupported(field, change, Some(reason), account.clone()),
                }
            }
            Ok(ChangeWire { field }) => unsupported(field, change, None, account.clone()),
        };
        events.push(unread);
    }
}

/// The `value` of a `messages` change; its arrays are read in place.
#[derive(Deserialize)]
#[serde(expecting = "a messages value object")]
struct MessagesWire {
    metadata: MetadataWire,
}

#[derive(Deserialize)]
struct MetadataWire {
    #[serde(deserialize_with = "text")]
    phone_number_id: String,
    #[serde(default)]
    display_phone_number: Option<String>,
}

/// A user in `contacts[]`: their profile, matched to a message by phone or BSUID.
#[derive(Deserialize)]
struct ContactWire {
    #[serde(default)]
    wa_id: Option<String>,
    #[serde(default)]
    user_id: Option<String>,
    #[serde(default)]
    parent_user_id: Option<String>,
    #[serde(default)]
    profile: ProfileWire,
}

#[derive(Default, Deserialize)]
struct ProfileWire {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    username: Option<String>,
}

/// Pushes the events of a `messages` change; `Err` (nothing pushed) when its value cannot be
/// read or has nothing to tell.
fn read_messages(value: &Value, account: Option<&str>, events: &mut Vec<Event>) -> Result<(), String> {
    let metadata = typed::<MessagesWire>(value)?.metadata;
    let [contacts, messages, statuses, errors] =
        ["contacts", "messages", "statuses", "errors"].map(|key| array(value, key).map(Option::unwrap_or_default));
    let (contacts, messages, statuses, errors) = (contacts?, messages?, statuses?, errors?);
    if messages.is_empty() && statuses.is_empty() && errors.is_empty() {
        return Err("no messages, statuses or errors".to_owned());
    }
    let business = Business {
        number: metadata.phone_number_id,
        display_number: non_empty(metadata.display_phone_number),
        account_id: account.map(str::to_owned),
        cust_space_id: None,
    };
    // A profile that cannot be read only names no one.
    let contacts: Vec<ContactWire> = contacts.iter().filter_map(|contact| typed(contact).ok()).collect();
    let account = account.map(str::to_owned);
    for message in messages {
        let event = typed::<MessageWire>(message).and_then(|w| inbound(w, message, &business, &contacts)).map_or_else(
            |reason| unsupported("messages".to_owned(), message, Some(reason), account.clone()),
            Event::Inbound,
        );
        events.push(event);
    }
    for status in statuses {
        let event = typed::<StatusWire>(status).and_then(|w| read_status(w, &business, &contacts)).map_or_else(
            |reason| unsupported("statuses".to_owned(), status, Some(reason), account.clone()),
            Event::Status,
        );
        events.push(event);
    }
    for error in errors {
        events.push(unsupported("errors".to_owned(), error, None, account.clone()));
    }
    Ok(())
}

/// The user with this phone number and/or BSUID, with what `contacts[]` says of them.
fn user(phone: Option<String>, user_id: Option<String>, contacts: &[ContactWire]) -> ChatUser {
    let (phone, user_id) = (non_empty(phone), non_empty(user_id));
    let is_them =
        |c: &&ContactWire| (phone.is_some() && c.wa_id == phone) || (user_id.is_some() && c.user_id == user_id);
    let Some(contact) = contacts.iter().find(is_them) else {
        return ChatUser { phone, user_id, ..ChatUser::default() };
    };
    ChatUser {
        phone: phone.or_else(|| non_empty(contact.wa_id.clone())),
        user_id: user_id.or_else(|| non_empty(contact.user_id.clone())),
        parent_user_id: non_empty(contact.parent_user_id.clone()),
        username: non_empty(contact.profile.username.clone()),
        name: non_empty(contact.profile.name.clone()),
    }
}

/// One `messages[]` element; its content is the object named by its `type`.
#[derive(Deserialize)]
#[serde(expecting = "a message object")]
struct MessageWire {
    id: String,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    from_user_id: Option<String>,
    #[serde(default, deserialize_with = "opt_integer")]
    timestamp: Option<u64>,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    context: Option<ContextWire>,
}

fn inbound(
    w: MessageWire,
    message: &Value,
    business: &Business,
    contacts: &[ContactWire],
) -> Result<InboundEvent, String> {
    let sender = user(w.from, w.from_user_id, contacts).into_sender("`from` nor `from_user_id`")?;
    Ok(InboundEvent {
        provider: ProviderKind::Meta,
        message_id: w.id,
        business: business.clone(),
        sender,
        timestamp_ms: seconds_to_ms(w.timestamp)?,
        context: w.context.map(Into::into),
        content: payload::content(&w.kind, &w.kind, message.get(&w.kind), message),
    })
}

/// One `statuses[]` element.
#[derive(Deserialize)]
#[serde(expecting = "a status object")]
struct StatusWire {
    id: String,
    status: String,
    #[serde(default, deserialize_with = "opt_integer")]
    timestamp: Option<u64>,
    #[serde(default)]
    recipient_id: Option<String>,
    #[serde(default)]
    recipient_user_id: Option<String>,
    #[serde(default)]
    biz_opaque_callback_data: Option<String>,
    #[serde(default)]
    conversation: Option<ConversationWire>,
    #[serde(default)]
    pricing: Option<PricingWire>,
    #[serde(default)]
    errors: Vec<ErrorWire>,
}

#[derive(Deserialize)]
struct ConversationWire {
    #[serde(default)]
    id: Option<String>,
    #[serde(default, deserialize_with = "opt_integer")]
    expiration_timestamp: Option<u64>,
    #[serde(default)]
    origin: Option<OriginWire>,
}

#[derive(Deserialize)]
struct OriginWire {
    #[serde(default, rename = "type")]
    kind: Option<String>,
}

#[derive(Deserialize)]
struct PricingWire {
    #[serde(default)]
    billable: Option<bool>,
    #[serde(default)]
    pricing_model: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    category: Option<String>,
}

#[derive(Deserialize)]
struct ErrorWire {
    #[serde(deserialize_with = "text")]
    code: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    error_data: Option<ErrorDataWire>,
}

#[derive(Deserialize)]
struct ErrorDataWire {
    #[serde(default)]
    details: Option<String>,
}

fn read_status(w: StatusWire, business: &Business, contacts: &[ContactWire]) -> Result<StatusEvent, String> {
    let conversation = w
        .conversation
        .map(|c| {
            let expires_at_ms = seconds_to_ms(c.expiration_timestamp)?;
            Ok::<_, String>(Conversation {
                id: non_empty(c.id),
                category: c.origin.and_then(|o| o.kind),
                expires_at_ms,
            })
        })
        .transpose()?;
    let errors = w
        .errors
        .into_iter()
        .map(|e| DeliveryError {
            code: e.code,
            title: non_empty(e.title),
            description: non_empty(e.error_data.and_then(|d| d.details)).or(non_empty(e.message)),
        })
        .collect();
    Ok(StatusEvent {
        provider: ProviderKind::Meta,
        message_id: w.id,
        task_id: non_empty(w.biz_opaque_callback_data),
        business: business.clone(),
        recipient: user(w.recipient_id, w.recipient_user_id, contacts),
        status: DeliveryStatus::parse(&w.status),
        timestamp_ms: seconds_to_ms(w.timestamp)?,
        errors,
        conversation,
        pricing: w.pricing.map(|p| Pricing {
            billable: p.billable,
            model: p.pricing_model,
            kind: p.kind,
            category: p.category,
        }),
    })
}

/// What chatlane does not type, kept whole.
fn unsupported(name: String, raw: &Value, reason: Option<String>, account_id: Option<String>) -> Event {
    Event::unsupported(ProviderKind::Meta, name, raw, reason, account_id)
}
