//! `POST /{version}/{phone-number-id}/messages` (spec §2): the bearer token and its
//! `whatsapp_business_messaging` scope, the number, the body as Meta checks it, pacing, then
//! the ledger and the answer `{"messaging_product","contacts":[…],"messages":[{"id"}]}`.
//!
//! Body checks (spec §2.1–2.4), answered with `error_data.details` naming the field:
//! an unknown top-level field or `recipient_type` → `100`; a missing field → `131008`; a
//! value out of range or of the wrong shape → `131009`. `type` defaults to `text`, as Meta's
//! does. `to` must be a phone number (`+`, digits, spaces, `-`, parentheses; ≤ 15 digits)
//! unless `recipient_type` is `group`; `recipient` must be a BSUID (`CC.…` or `CC.ENT.…`).
//! A media message's object (`image`, `video`, `audio`, `document`, `sticker`) has exactly
//! one of `id` and `link` (else `100`), and an `id` must be a media ID the sandbox holds
//! ([`super::media`]; else `100`, `Param {type}['id'] is not a valid media ID`).
//!
//! An accepted message's status webhooks follow ([`super::webhooks`]).

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use serde_json::{Value, json};

use super::errors::{GraphError, Trace};
use super::tokens::Grant;
use super::webhooks::{self, Accepted};
use super::{MESSAGING_SCOPE, MetaState, major};
use crate::faults::{self, Api};
use crate::ledger::Request;
use crate::server::AppState;

/// The journal's name for this endpoint.
const ACTION: &str = "meta:messages";

/// Message types and whether their object is an array (`contacts`) rather than an object.
const TYPES: [(&str, bool); 11] = [
    ("text", false),
    ("image", false),
    ("video", false),
    ("audio", false),
    ("document", false),
    ("sticker", false),
    ("location", false),
    ("contacts", true),
    ("reaction", false),
    ("interactive", false),
    ("template", false),
];

/// The media types: their object carries an uploaded media's `id` or a `link` (spec §2.3).
const MEDIA_TYPES: [&str; 5] = ["image", "video", "audio", "document", "sticker"];

/// Top-level fields other than the type objects.
const ENVELOPE: [&str; 8] = [
    "messaging_product",
    "recipient_type",
    "to",
    "recipient",
    "type",
    "context",
    "biz_opaque_callback_data",
    "recipient_identity_key_hash",
];

/// Longest `text.body`, in characters.
const MAX_TEXT: usize = 4_096;
/// Longest media caption and interactive body, in characters.
const MAX_CAPTION: usize = 1_024;
/// Longest `biz_opaque_callback_data` (\[UNVERIFIED\]: "commonly cited", spec §2.1).
const MAX_CALLBACK_DATA: usize = 512;

/// One message Meta's face accepted: what the ledger keeps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sent {
    /// The `wamid.…` answered.
    pub message_id: String,
    /// The sending business number.
    pub phone_number_id: String,
    /// `to`, else `recipient`, as given.
    pub recipient: String,
    /// The message type (`text` when the body gave none).
    #[serde(rename = "type")]
    pub message_type: String,
    /// The request body as received.
    pub body: Value,
    /// `biz_opaque_callback_data`, if given.
    pub biz_opaque_callback_data: Option<String>,
    /// The answer's `fbtrace_id`.
    pub fbtrace_id: String,
    /// When it arrived, in microseconds since the sandbox started.
    pub received_at_us: u64,
}

/// Whom a message goes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Address {
    /// `to`, a phone number: its input and its digits (the `wa_id`).
    Phone(String, String),
    /// `to` with `recipient_type: group`.
    Group(String),
    /// `recipient`, a business-scoped user ID.
    User(String),
}

impl Address {
    /// The recipient as given.
    pub(super) fn input(&self) -> &str {
        match self {
            Self::Phone(input, _) | Self::Group(input) | Self::User(input) => input,
        }
    }

    /// Who receives it, for the pair rate: a phone number's digits, else the input.
    pub(super) fn key(&self) -> &str {
        match self {
            Self::Phone(_, wa_id) => wa_id,
            Self::Group(input) | Self::User(input) => input,
        }
    }

    /// The user whose 24-hour window a free-form message needs: a phone number's digits or a
    /// BSUID; none for a group.
    pub(super) fn user(&self) -> Option<&str> {
        match self {
            Self::Group(_) => None,
            Self::Phone(..) | Self::User(_) => Some(self.key()),
        }
    }

    /// Who a status webhook names as the recipient.
    pub(super) fn status_fields(&self) -> Value {
        match self {
            Self::Phone(_, wa_id) => json!({"recipient_id": wa_id}),
            Self::Group(input) => json!({"recipient_id": input, "recipient_type": "group"}),
            Self::User(input) => json!({"recipient_user_id": input}),
        }
    }

    /// The answer's `contacts` entry.
    fn contact(&self) -> Value {
        match self {
            Self::Phone(input, wa_id) => json!({"input": input, "wa_id": wa_id}),
            Self::Group(input) => json!({"input": input}),
            Self::User(input) => json!({"input": input, "user_id": input}),
        }
    }
}

/// A body that passed the checks.
#[derive(Debug, PartialEq)]
struct Checked {
    address: Address,
    message_type: String,
}

/// The handler.
pub async fn send(
    State(state): State<Arc<AppState>>,
    Path((version, number)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let received_at_us = state.elapsed_us();
    let trace = Trace::new();
    let meta = &state.meta;
    let grant = match meta.tokens.bearer(&headers) {
        Ok(grant) => grant,
        Err(invalid) => return invalid.error().answer(&trace),
    };
    let parsed = serde_json::from_slice::<Value>(&body);
    let to = parsed.as_ref().ok().and_then(recipient_of).map(str::to_owned);
    let journal = |outcome: &str| {
        let to = to.clone();
        let request =
            Request { action: ACTION.to_owned(), task_id: None, to, received_at_us, outcome: outcome.to_owned() };
        state.journal.record(request);
    };
    let (body, checked) = match admit(meta, &grant, &number, parsed) {
        Ok(admitted) => admitted,
        Err(error) => {
            journal(&error.code.to_string());
            return error.answer(&trace);
        }
    };
    let fault = state.faults.take(Api::Meta, to.as_deref());
    faults::answer(fault, &trace, state.stopping.clone(), journal, || {
        let message_id = wamid();
        let mut answer = json!({
            "messaging_product": "whatsapp",
            "contacts": [checked.address.contact()],
            "messages": [{"id": message_id}],
        });
        // Template sends report their pacing status from v24.0 (spec §2.2).
        if checked.message_type == "template" && major(&version).is_some_and(|major| major >= 24) {
            answer["messages"][0]["message_status"] = json!("accepted");
        }
        let biz_opaque_callback_data = body["biz_opaque_callback_data"].as_str().map(str::to_owned);
        webhooks::schedule_statuses(
            Arc::clone(&state),
            Accepted {
                message_id: message_id.clone(),
                phone_number_id: number.clone(),
                address: checked.address.clone(),
                template: checked.message_type == "template",
                biz_opaque_callback_data: biz_opaque_callback_data.clone(),
            },
        );
        meta.ledger.record(Sent {
            message_id,
            phone_number_id: number.clone(),
            recipient: checked.address.input().to_owned(),
            message_type: checked.message_type,
            biz_opaque_callback_data,
            body,
            fbtrace_id: trace.id().to_owned(),
            received_at_us,
        });
        (trace.json(StatusCode::OK, answer), "OK".to_owned())
    })
    .await
}

/// The checks of an authenticated send, in this order: the scope, the number, the body,
/// then pacing (the pair keyed by the phone number's digits).
fn admit(
    meta: &MetaState,
    grant: &Grant,
    number: &str,
    body: Result<Value, serde_json::Error>,
) -> Result<(Value, Checked), GraphError> {
    if !grant.has_scope(MESSAGING_SCOPE) {
        return Err(GraphError::lacking(MESSAGING_SCOPE));
    }
    let throughput = registered(meta, number)?;
    let body = body.map_err(|e| GraphError::parameter(100, format!("The request body is not JSON: {e}")))?;
    let checked = check(&body)?;
    if MEDIA_TYPES.contains(&checked.message_type.as_str()) {
        meta.media.check_reference(&checked.message_type, &body[&checked.message_type])?;
    }
    meta.pacing.admit(number, throughput, checked.address.key(), Instant::now())?;
    Ok((body, checked))
}

/// The throughput of business number `number`; Graph's unknown-object error (for a `POST`)
/// when it is not registered.
pub(super) fn registered(meta: &MetaState, number: &str) -> Result<NonZeroU32, GraphError> {
    meta.pacing.throughput(number).ok_or_else(|| GraphError::unknown_object("post", number))
}

/// A new message ID, `wamid.` and base64 like Meta's.
pub(super) fn wamid() -> String {
    format!("wamid.{}", STANDARD.encode(rand::random::<[u8; 24]>()))
}

/// The recipient a body names: `to`, else `recipient`.
fn recipient_of(body: &Value) -> Option<&str> {
    body.get("to").or_else(|| body.get("recipient")).and_then(Value::as_str)
}

/// Checks a body as Meta does.
fn check(body: &Value) -> Result<Checked, GraphError> {
    let missing = |name: &str| GraphError::parameter(131008, format!("The parameter {name} is required."));
    let invalid = |details: String| GraphError::parameter(131009, details);
    let Some(fields) = body.as_object() else {
        return Err(GraphError::parameter(100, "The request body must be a JSON object."));
    };
    let known = |name: &str| ENVELOPE.contains(&name) || TYPES.iter().any(|(t, _)| *t == name);
    if let Some(name) = fields.keys().find(|name| !known(name)) {
        return Err(GraphError::parameter(100, format!("Param {name} is not a valid parameter.")));
    }
    match body.get("messaging_product") {
        None => return Err(missing("messaging_product")),
        Some(product) if product != "whatsapp" => {
            return Err(invalid("Param messaging_product must be whatsapp.".to_owned()));
        }
        Some(_) => {}
    }
    let string = |name: &str| match body.get(name) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.as_str())),
        Some(_) => Err(invalid(format!("Param {name} must be a string."))),
    };
    let group = match string("recipient_type")? {
        None | Some("individual") => false,
        Some("group") => true,
        Some(other) => {
            let details = format!("Param recipient_type must be individual or group, not {other}.");
            return Err(GraphError::parameter(100, details));
        }
    };
    let address = match (string("to")?, string("recipient")?) {
        (Some(to), _) if group => Address::Group(to.to_owned()),
        (Some(to), _) => Address::Phone(
            to.to_owned(),
            phone_digits(to).ok_or_else(|| {
                invalid(format!("Param to must be a phone number (recipient_type individual), not {to:?}."))
            })?,
        ),
        (None, Some(user)) if is_bsuid(user) => Address::User(user.to_owned()),
        (None, Some(user)) => {
            return Err(invalid(format!("Param recipient must be a business-scoped user ID, not {user:?}.")));
        }
        (None, None) => return Err(missing("to")),
    };
    if string("biz_opaque_callback_data")?.is_some_and(|data| data.chars().count() > MAX_CALLBACK_DATA) {
        return Err(invalid(format!("Param biz_opaque_callback_data must be at most {MAX_CALLBACK_DATA} characters.")));
    }
    if let Some(context) = body.get("context")
        && !context.get("message_id").is_some_and(Value::is_string)
    {
        return Err(missing("context.message_id"));
    }
    let message_type = string("type")?.unwrap_or("text");
    let Some(&(_, is_array)) = TYPES.iter().find(|(t, _)| *t == message_type) else {
        let names: Vec<&str> = TYPES.iter().map(|(t, _)| *t).collect();
        return Err(invalid(format!("Param type must be one of {{{}}}.", names.join(", "))));
    };
    let object = body.get(message_type).ok_or_else(|| missing(message_type))?;
    if object.is_array() != is_array || !(object.is_array() || object.is_object()) {
        let shape = if is_array { "an array" } else { "an object" };
        return Err(invalid(format!("Param {message_type} must be {shape}.")));
    }
    check_content(message_type, object)?;
    Ok(Checked { address, message_type: message_type.to_owned() })
}

/// Checks a type object: its required fields and length limits.
fn check_content(message_type: &str, object: &Value) -> Result<(), GraphError> {
    let missing =
        |path: &str| GraphError::parameter(131008, format!("The parameter {message_type}.{path} is required."));
    let text = |path: &str| object.pointer(path).and_then(Value::as_str);
    let at_most = |path: &str, limit: usize| match text(path) {
        Some(text) if text.chars().count() > limit => Err(GraphError::parameter(
            131009,
            format!("Param {message_type}{} must be at most {limit} characters.", path.replace('/', ".")),
        )),
        _ => Ok(()),
    };
    let require = |paths: &[&str]| match paths.iter().find(|path| object.pointer(path).is_none_or(Value::is_null)) {
        Some(path) => Err(missing(&path[1..].replace('/', "."))),
        None => Ok(()),
    };
    match message_type {
        "text" => {
            if text("/body").is_none_or(str::is_empty) {
                return Err(missing("body"));
            }
            at_most("/body", MAX_TEXT)
        }
        _ if MEDIA_TYPES.contains(&message_type) => {
            if object.get("id").is_some() == object.get("link").is_some() {
                let details = format!("Param {message_type} must have exactly one of id and link.");
                return Err(GraphError::parameter(100, details));
            }
            if matches!(message_type, "audio" | "sticker") && object.get("caption").is_some() {
                let details = format!("Param {message_type}.caption is not a valid parameter.");
                return Err(GraphError::parameter(100, details));
            }
            at_most("/caption", MAX_CAPTION)
        }
        "location" => require(&["/latitude", "/longitude"]),
        "reaction" => require(&["/message_id", "/emoji"]),
        "interactive" => {
            require(&["/type", "/action"])?;
            at_most("/body/text", MAX_CAPTION)
        }
        "template" => require(&["/name", "/language/code"]),
        // `contacts`: every card needs a formatted name.
        _ => match object
            .as_array()
            .into_iter()
            .flatten()
            .position(|card| card.pointer("/name/formatted_name").is_none())
        {
            Some(index) => Err(missing(&format!("{index}.name.formatted_name"))),
            None if object.as_array().is_some_and(Vec::is_empty) => Err(missing("0")),
            None => Ok(()),
        },
    }
}

/// The digits of a phone number written with an optional `+`, spaces, `-` and parentheses;
/// `None` if it is not one (or has more than 15 digits).
pub(super) fn phone_digits(to: &str) -> Option<String> {
    let rest = to.strip_prefix('+').unwrap_or(to);
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')');
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    (rest.chars().all(allowed) && (1..=15).contains(&digits.len())).then_some(digits)
}

/// Whether `id` is a BSUID: a two-letter country code, `.`, optionally `ENT.`, then 1–128
/// letters and digits.
fn is_bsuid(id: &str) -> bool {
    let Some((country, rest)) = id.split_once('.') else { return false };
    let rest = rest.strip_prefix("ENT.").unwrap_or(rest);
    let country_ok = country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase());
    country_ok && (1..=128).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(body: Value) -> u32 {
        check(&body).map_or_else(|error| error.code, |_| 0)
    }

    fn text(extra: Value) -> Value {
        let mut body =
            json!({"messaging_product": "whatsapp", "to": "+1 (650) 555-1234", "type": "text", "text": {"body": "hi"}});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    }

    #[test]
    fn valid_bodies_are_addressed_by_phone_group_or_bsuid() {
        let checked = check(&text(json!({}))).unwrap();
        assert_eq!(checked.address, Address::Phone("+1 (650) 555-1234".into(), "16505551234".into()));
        let user =
            json!({"messaging_product": "whatsapp", "recipient": "US.13491208655302741918", "text": {"body": "hi"}});
        let checked = check(&user).unwrap();
        assert_eq!(
            (checked.address.contact()["user_id"].as_str(), checked.message_type.as_str()),
            (Some("US.13491208655302741918"), "text")
        );
        assert_eq!(
            check(&text(json!({"recipient_type": "group", "to": "g-1"}))).unwrap().address,
            Address::Group("g-1".into())
        );
        assert!(is_bsuid("US.ENT.abc123") && !is_bsuid("us.abc") && !is_bsuid("US.") && !is_bsuid("US.a-b"));
        for body in [
            json!({"type": "image", "image": {"link": "https://x/y.png", "caption": "c"}}),
            json!({"type": "document", "document": {"id": "1037543291543636", "filename": "a.pdf"}}),
            json!({"type": "location", "location": {"latitude": 1.5, "longitude": 2}}),
            json!({"type": "reaction", "reaction": {"message_id": "wamid.x", "emoji": ""}}),
            json!({"type": "contacts", "contacts": [{"name": {"formatted_name": "Jane"}}]}),
            json!({"type": "interactive", "interactive": {"type": "button", "action": {"buttons": []}}}),
            json!({"type": "template", "template": {"name": "n", "language": {"code": "en_US"}}}),
            json!({"context": {"message_id": "wamid.x"}, "biz_opaque_callback_data": "send-1"}),
        ] {
            assert_eq!(code(text(body.clone())), 0, "{body}");
        }
    }

    #[test]
    fn invalid_bodies_get_meta_codes() {
        let too_long = "x".repeat(MAX_TEXT + 1);
        let cases = [
            (json!([]), 100),
            (text(json!({"recipient_type": "business_scoped_user_id"})), 100),
            (text(json!({"preview_url": true})), 100),
            (json!({"to": "1", "text": {"body": "hi"}}), 131008),
            (text(json!({"messaging_product": "sms"})), 131009),
            (json!({"messaging_product": "whatsapp", "text": {"body": "hi"}}), 131008),
            (text(json!({"to": "US.13491208655302741918"})), 131009),
            (text(json!({"to": 1})), 131009),
            (text(json!({"type": "fax"})), 131009),
            (text(json!({"text": {"body": too_long}})), 131009),
            (text(json!({"text": {"body": ""}})), 131008),
            (text(json!({"text": "hi"})), 131009),
            (text(json!({"type": "image", "image": {"caption": "c"}})), 100),
            (text(json!({"type": "video", "video": {"id": "1", "link": "https://x/y.mp4"}})), 100),
            (text(json!({"type": "audio", "audio": {"id": "1", "caption": "c"}})), 100),
            (text(json!({"type": "contacts", "contacts": []})), 131008),
            (text(json!({"type": "contacts", "contacts": [{"name": {}}]})), 131008),
            (text(json!({"type": "template", "template": {"name": "n", "language": {}}})), 131008),
            (text(json!({"type": "interactive", "interactive": {"type": "button"}})), 131008),
            (text(json!({"context": {}})), 131008),
            (text(json!({"biz_opaque_callback_data": "x".repeat(MAX_CALLBACK_DATA + 1)})), 131009),
        ];
        for (body, expected) in cases {
            assert_eq!(code(body.clone()), expected, "{body}");
        }
        let details = check(&text(json!({"text": {"body": too_long}}))).unwrap_err().details.unwrap();
        assert_eq!(details, "Param text.body must be at most 4096 characters.");
    }
}
