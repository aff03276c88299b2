//! CAMS receipts (CAMS reference §10): `ChatAppStatus` and `ChatAppInbound`, from an HTTP batch
//! push (a JSON array) or a queue message (one object).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::body;
use super::model::{Business, ChatUser, Conversation, DeliveryError, Event, InboundEvent, StatusEvent};
use super::payload::{self, ContextWire};
use super::read::{non_empty, opt_integer, opt_text, typed};
use super::status::DeliveryStatus;
use crate::error::Error;
use crate::provider::ProviderKind;

/// Which of its two pushes a CAMS body is: CAMS posts them to different URLs
/// (`StatusCallbackUrl`, `UpCallbackUrl`) or queues, and the bodies do not say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum CamsPushKind {
    /// `ChatAppStatus`: status receipts for sent messages.
    Status,
    /// `ChatAppInbound`: messages from users.
    Inbound,
}

impl CamsPushKind {
    /// Both kinds.
    pub const ALL: [CamsPushKind; 2] = [Self::Status, Self::Inbound];

    /// The kind called `name` (`status` or `inbound`, its JSON name); any other name is
    /// [`crate::ErrorCode::InvalidConfig`].
    pub fn parse(name: &str) -> Result<Self, Error> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name).ok_or_else(|| {
            let known = Self::ALL.map(Self::as_str).join(" or ");
            Error::new(crate::ErrorCode::InvalidConfig, format!("unknown CAMS push kind {name:?}; expected {known}"))
        })
    }

    /// Its name, as `parse` and its JSON take it: `status` or `inbound`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Status => "status",
            Self::Inbound => "inbound",
        }
    }

    /// CAMS's name for the push, e.g. `ChatAppStatus`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Status => "ChatAppStatus",
            Self::Inbound => "ChatAppInbound",
        }
    }
}

/// The events of a CAMS push body: a JSON array of receipts (HTTP batch push) or one receipt
/// object (queue mode), each a [`StatusEvent`] or an [`InboundEvent`] as `kind` says, in
/// order. A body over [`super::MAX_BODY_BYTES`], not JSON, or neither an array nor an object
/// is an [`crate::ErrorCode::InvalidParameter`] error; an element that cannot be read is an
/// [`UnsupportedEvent`](super::UnsupportedEvent) (named `kind`'s CAMS name) carrying it and the reason.
pub fn parse_cams_push(body: &[u8], kind: CamsPushKind) -> Result<Vec<Event>, Error> {
    let elements = match body::parse(body)? {
        Value::Array(elements) => elements,
        object @ Value::Object(_) => vec![object],
        other => return Err(body::wrong_shape("a JSON array or object", &other)),
    };
    Ok(elements.iter().map(|element| event(element, kind)).collect())
}

fn event(element: &Value, kind: CamsPushKind) -> Event {
    let read = match kind {
        CamsPushKind::Status => typed::<StatusWire>(element).map(|wire| Event::Status(wire.into())),
        CamsPushKind::Inbound => {
            typed::<InboundWire>(element).and_then(|wire| inbound(wire, element)).map(Event::Inbound)
        }
    };
    read.unwrap_or_else(|reason| Event::unsupported(ProviderKind::Cams, kind.name(), element, Some(reason), None))
}

/// One `ChatAppStatus` element.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", expecting = "a ChatAppStatus object")]
struct StatusWire {
    message_id: String,
    status: String,
    /// The business number that sent the message.
    from: String,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    from_user_id: Option<String>,
    #[serde(default)]
    from_parent_user_id: Option<String>,
    #[serde(default)]
    from_user_name: Option<String>,
    #[serde(default, deserialize_with = "opt_integer")]
    timestamp: Option<u64>,
    #[serde(default, deserialize_with = "opt_text")]
    error_code: Option<String>,
    #[serde(default)]
    error_description: Option<String>,
    #[serde(default)]
    conversation_id: Option<String>,
    #[serde(default)]
    conversation_type: Option<String>,
    #[serde(default, deserialize_with = "opt_integer")]
    conversation_expiration_time: Option<u64>,
    #[serde(default)]
    task_id: Option<String>,
    #[serde(default)]
    waba_id: Option<String>,
    #[serde(default)]
    cust_space_id: Option<String>,
}

impl From<StatusWire> for StatusEvent {
    fn from(w: StatusWire) -> Self {
        let errors = non_empty(w.error_code)
            .map(|code| DeliveryError { code, title: None, description: non_empty(w.error_description) })
            .into_iter()
            .collect();
        let conversation = Conversation {
            id: non_empty(w.conversation_id),
            category: non_empty(w.conversation_type),
            expires_at_ms: w.conversation_expiration_time,
        };
        Self {
            provider: ProviderKind::Cams,
            message_id: w.message_id,
            task_id: non_empty(w.task_id),
            business: business(w.from, w.waba_id, w.cust_space_id),
            recipient: ChatUser {
                phone: non_empty(w.to),
                user_id: non_empty(w.from_user_id),
                parent_user_id: non_empty(w.from_parent_user_id),
                username: non_empty(w.from_user_name),
                name: None,
            },
            status: DeliveryStatus::parse(&w.status),
            timestamp_ms: w.timestamp,
            errors,
            conversation: (conversation != Conversation::default()).then_some(conversation),
            pricing: None,
        }
    }
}

/// One `ChatAppInbound` element.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", expecting = "a ChatAppInbound object")]
struct InboundWire {
    message_id: String,
    /// The business number the message was sent to.
    to: String,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    from_user_id: Option<String>,
    #[serde(default)]
    from_parent_user_id: Option<String>,
    #[serde(default)]
    from_user_name: Option<String>,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default, deserialize_with = "opt_integer")]
    timestamp: Option<u64>,
    #[serde(rename = "Type")]
    kind: String,
    #[serde(default)]
    message: Option<Value>,
    #[serde(default)]
    context: Option<ContextWire>,
    #[serde(default)]
    waba_id: Option<String>,
    #[serde(default)]
    cust_space_id: Option<String>,
}

fn inbound(w: InboundWire, element: &Value) -> Result<InboundEvent, String> {
    let sender = ChatUser {
        phone: non_empty(w.from),
        user_id: non_empty(w.from_user_id),
        parent_user_id: non_empty(w.from_parent_user_id),
        username: non_empty(w.from_user_name),
        name: non_empty(w.display_name).or(non_empty(w.name)),
    }
    .into_sender("`From` nor `FromUserId`")?;
    Ok(InboundEvent {
        provider: ProviderKind::Cams,
        message_id: w.message_id,
        business: business(w.to, w.waba_id, w.cust_space_id),
        sender,
        timestamp_ms: w.timestamp,
        context: w.context.map(Into::into),
        content: payload::content(&type_name(&w.kind), &w.kind, w.message.as_ref(), element),
    })
}

/// Meta's name for a CAMS message type: lowercase, `REPLY` (a template's quick reply) as
/// `button`.
fn type_name(kind: &str) -> String {
    match kind.to_ascii_lowercase().as_str() {
        "reply" => "button".to_owned(),
        other => other.to_owned(),
    }
}

fn business(number: String, account_id: Option<String>, cust_space_id: Option<String>) -> Business {
    Business {
        number,
        display_number: None,
        account_id: non_empty(account_id),
        cust_space_id: non_empty(cust_space_id),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::ErrorCode;

    fn push(kind: CamsPushKind, body: Value) -> Vec<Event> {
        parse_cams_push(body.to_string().as_bytes(), kind).unwrap()
    }

    #[test]
    fn push_kinds_go_by_their_json_names() {
        for kind in CamsPushKind::ALL {
            assert_eq!(CamsPushKind::parse(kind.as_str()), Ok(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
        let err = CamsPushKind::parse("Status").unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidConfig);
        assert!(err.message().contains("expected status or inbound"), "{err}");
    }

    #[test]
    fn a_bad_element_keeps_the_rest_of_the_batch() {
        let good = |id: &str| json!({"MessageId": id, "Status": "Read", "From": "8613800000000", "To": "6591234567"});
        let events = push(CamsPushKind::Status, json!([good("a"), {"Status": "Sent"}, 7, good("b")]));
        assert_eq!(events.len(), 4);
        let ids: Vec<_> = events
            .iter()
            .filter_map(|e| match e {
                Event::Status(s) => Some(s.message_id.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(ids, ["a", "b"]);
        let Event::Unsupported(missing) = &events[1] else { panic!("{:?}", events[1]) };
        assert_eq!(missing.name, "ChatAppStatus");
        assert_eq!(missing.reason.as_deref(), Some("missing field `MessageId`"));
        assert_eq!(missing.raw, r#"{"Status":"Sent"}"#);
        let Event::Unsupported(number) = &events[2] else { panic!("{:?}", events[2]) };
        assert_eq!(number.raw, "7");
    }

    #[test]
    fn message_as_object_or_as_json_text_reads_the_same() {
        let image = json!({"id": "m1", "mimeType": "image/jpeg", "url": "https://x/1", "caption": "hi"});
        let element = |message: Value| json!({"MessageId": "i1", "From": "6591234567", "To": "8613800000000", "Type": "IMAGE", "Message": message});
        let as_object = push(CamsPushKind::Inbound, element(image.clone()));
        let as_text = push(CamsPushKind::Inbound, element(Value::String(image.to_string())));
        let content = |events: &[Event]| match &events[0] {
            Event::Inbound(inbound) => inbound.content.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(content(&as_object), content(&as_text));
        assert!(
            matches!(content(&as_object), super::super::InboundContent::Image(media) if media.caption.as_deref() == Some("hi"))
        );
    }

    #[test]
    fn a_body_that_is_neither_array_nor_object_is_refused() {
        for body in ["\"text\"", "12", "null", "[", ""] {
            let err = parse_cams_push(body.as_bytes(), CamsPushKind::Status).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidParameter, "{body}");
        }
        assert_eq!(parse_cams_push(b"[]", CamsPushKind::Inbound).unwrap(), []);
    }
}
