//! Meta's webhooks (spec §5): the notifications the app's webhook URL receives,
//! `{"object":"whatsapp_business_account","entry":[{"id":<WABA>,"changes":[{"field":
//! "messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number",
//! "phone_number_id"},…}}]}]}`, each signed with the app secret in `X-Hub-Signature-256`
//! (`sha256=` and the hex HMAC-SHA256 of the exact body).
//!
//! Point them at a receiver in the configuration file:
//! `{"meta": {"webhookUrl": "http://127.0.0.1:9000/webhook"}}`, and verify them there with
//! the app secret ([`super::DEFAULT_APP_SECRET`] unless `meta.app.secret` says otherwise).
//! Without a `webhookUrl` nothing is pushed (the 24-hour windows are still kept).
//!
//! * Statuses (§5.5): an accepted message gets `sent`, `delivered` and `read`, one
//!   notification each, `receiptDelayMs` apart (with `biz_opaque_callback_data` when the send
//!   had it; `conversation` and `pricing` with `sent` and `delivered`: `utility` for templates,
//!   `service` for free-form messages). A free-form message (any type but `template`) to a user
//!   (a phone number or a BSUID; not a group) whose 24-hour window is closed gets `failed`
//!   instead, with error `131047`.
//! * Inbound messages (§5.4): `POST /_sandbox/meta/inbound` `{"from","to","text","name"?}` (the
//!   user's phone number, the business's phone number ID) opens the user's window with that
//!   number and pushes a `messages` value with `contacts` and a `text` message. With
//!   `"image":{"data","mimeType","caption"?}` (standard base64 bytes) instead of `text`, the
//!   image is stored as media of the business number ([`super::media`]) and the message is
//!   `{"type":"image","image":{"id","mime_type","sha256","caption"?}}`, `sha256` being the
//!   standard base64 of the bytes' SHA-256.
//!
//! Pushes go through the sandbox's one [`crate::callbacks::Pusher`] (push faults included).

use std::sync::Arc;
use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::{Value, json};

use super::config::MetaConfig;
use super::errors::status_error;
use super::media::{check_size, is_mime_type};
use super::messages::{Address, wamid};
use crate::callbacks::{self, Outgoing, WINDOW};
use crate::faults::Api;
use crate::server::AppState;

/// The error code of a free-form message outside the 24-hour window.
const OUTSIDE_WINDOW_CODE: u32 = 131047;

/// A message Meta's face accepted, as its status webhooks describe it.
#[derive(Debug)]
pub(super) struct Accepted {
    /// Its wamid.
    pub message_id: String,
    /// The sending business number.
    pub phone_number_id: String,
    /// Whom it went to.
    pub address: Address,
    /// Whether it is a template (which needs no open window).
    pub template: bool,
    /// The send's `biz_opaque_callback_data`.
    pub biz_opaque_callback_data: Option<String>,
}

impl Accepted {
    /// Its status object for `status` (`sent`, `delivered`, `read` or `failed`).
    fn status(&self, status: &str) -> Value {
        let mut object = self.address.status_fields();
        object["id"] = json!(self.message_id);
        object["status"] = json!(status);
        object["timestamp"] = json!(seconds(0));
        if let Some(data) = &self.biz_opaque_callback_data {
            object["biz_opaque_callback_data"] = json!(data);
        }
        let (category, billable, kind) =
            if self.template { ("utility", true, "regular") } else { ("service", false, "free_customer_service") };
        match status {
            "failed" => object["errors"] = json!([status_error(OUTSIDE_WINDOW_CODE)]),
            "sent" | "delivered" => {
                object["conversation"] = json!({
                    "id": format!("conv-{}", self.address.key()),
                    "expiration_timestamp": seconds(WINDOW.as_secs()),
                    "origin": {"type": category},
                });
                object["pricing"] =
                    json!({"billable": billable, "pricing_model": "PMP", "type": kind, "category": category});
            }
            _ => {}
        }
        object
    }
}

/// Pushes the status webhooks of `message`, if a webhook URL is configured: `failed` when it
/// is free-form and its user's window is closed now, else `sent`, `delivered` and `read`.
pub(super) fn schedule_statuses(state: Arc<AppState>, message: Accepted) {
    let Some(url) = state.config.meta.webhook_url.clone() else { return };
    let closed = |user: &str| !state.meta.sessions.is_open(&message.phone_number_id, user, Instant::now());
    let statuses: &[&str] = if !message.template && message.address.user().is_some_and(closed) {
        &["failed"]
    } else {
        &["sent", "delivered", "read"]
    };
    tokio::spawn(async move {
        let meta = &state.config.meta;
        for status in statuses {
            tokio::time::sleep(state.receipt_delay()).await;
            let body = notification(meta, &message.phone_number_id, json!({"statuses": [message.status(status)]}));
            let outgoing = Outgoing::meta("meta_status", &url, body, &meta.app.secret);
            state.push(Api::Meta, message.address.input(), outgoing).await;
        }
    });
}

/// `POST /_sandbox/meta/inbound` body: a user writes to a business number.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Inbound {
    /// The user's phone number (`+`, spaces and `-` allowed: its digits are the `wa_id`).
    pub from: String,
    /// The business's phone number ID.
    pub to: String,
    /// The message's text (exactly one of `text` and `image`).
    #[serde(default)]
    pub text: Option<String>,
    /// The message's image (exactly one of `text` and `image`).
    #[serde(default)]
    pub image: Option<InboundImage>,
    /// The user's profile name (default: the `wa_id`).
    #[serde(default)]
    pub name: Option<String>,
}

/// The image of an inbound message.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct InboundImage {
    /// The bytes, standard base64.
    pub data: String,
    /// Its MIME type, `image/…`.
    pub mime_type: String,
    /// Its caption.
    #[serde(default)]
    pub caption: Option<String>,
}

/// An inbound message received: its wamid, and the media ID of its image.
#[derive(Debug)]
pub(super) struct Received {
    /// The message's wamid.
    pub message_id: String,
    /// Its image's media ID, if it is an image.
    pub media_id: Option<String>,
}

/// Receives `inbound`: stores its image, opens the user's 24-hour window with the number and
/// pushes the `messages` webhook, if a webhook URL is configured. `Err` when `from` is not a
/// phone number or the content is not exactly one valid text or image.
pub(super) async fn receive(state: &AppState, inbound: Inbound) -> Result<Received, String> {
    let Inbound { from, to, text, image, name } = inbound;
    let wa_id =
        super::messages::phone_digits(&from).ok_or_else(|| format!("from must be a phone number, not {from:?}"))?;
    let (message_type, object, media_id) = match (text, image) {
        (Some(body), None) => ("text", json!({ "body": body }), None),
        (None, Some(image)) => {
            let (object, media_id) = store_image(state, &to, image)?;
            ("image", object, Some(media_id))
        }
        _ => return Err("give exactly one of text and image".to_owned()),
    };
    state.meta.sessions.open(&to, &wa_id, Instant::now());
    let message_id = wamid();
    if let Some(url) = &state.config.meta.webhook_url {
        let meta = &state.config.meta;
        let value = json!({
            "contacts": [{"profile": {"name": name.as_deref().unwrap_or(&wa_id)}, "wa_id": wa_id}],
            "messages": [{
                "from": wa_id,
                "id": message_id,
                "timestamp": seconds(0),
                "type": message_type,
                message_type: object,
            }],
        });
        let outgoing = Outgoing::meta("meta_inbound", url, notification(meta, &to, value), &meta.app.secret);
        state.push(Api::Meta, &wa_id, outgoing).await;
    }
    Ok(Received { message_id, media_id })
}

/// Stores a user's image as media of business number `to`: the webhook's `image` object and
/// the media ID.
fn store_image(state: &AppState, to: &str, image: InboundImage) -> Result<(Value, String), String> {
    if !image.mime_type.starts_with("image/") || !is_mime_type(&image.mime_type) {
        return Err(format!("image.mimeType must be an image MIME type, not {:?}", image.mime_type));
    }
    let bytes = STANDARD.decode(&image.data).map_err(|e| format!("image.data is not standard base64: {e}"))?;
    check_size(&image.mime_type, bytes.len())?;
    let info = state.meta.media.store(to, &image.mime_type, None, bytes.into());
    let mut object = json!({"id": info.id, "mime_type": info.mime_type, "sha256": STANDARD.encode(info.sha256)});
    if let Some(caption) = image.caption {
        object["caption"] = json!(caption);
    }
    Ok((object, info.id))
}

/// A `messages` notification from business number `phone_number_id` whose value holds the
/// fields of `items` (`statuses`, or `contacts` and `messages`).
fn notification(meta: &MetaConfig, phone_number_id: &str, items: Value) -> Value {
    let mut value = json!({
        "messaging_product": "whatsapp",
        "metadata": {
            "display_phone_number": meta.display_phone_number(phone_number_id),
            "phone_number_id": phone_number_id,
        },
    });
    if let (Some(value), Value::Object(items)) = (value.as_object_mut(), items) {
        value.extend(items);
    }
    json!({
        "object": "whatsapp_business_account",
        "entry": [{"id": meta.waba_id, "changes": [{"field": "messages", "value": value}]}],
    })
}

/// Unix seconds `ahead` seconds from now, as the string webhooks carry.
fn seconds(ahead: u64) -> String {
    (callbacks::epoch_ms() / 1_000 + ahead).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepted(address: Address, template: bool) -> Accepted {
        Accepted {
            message_id: "wamid.1".into(),
            phone_number_id: "106540352242922".into(),
            address,
            template,
            biz_opaque_callback_data: Some("task-1".into()),
        }
    }

    #[test]
    fn statuses_carry_the_recipient_callback_data_and_pricing_of_their_kind() {
        let phone = accepted(Address::Phone("+1 650-555-1234".into(), "16505551234".into()), true);
        let sent = phone.status("sent");
        assert_eq!(
            (sent["recipient_id"].as_str(), sent["biz_opaque_callback_data"].as_str(), sent["status"].as_str()),
            (Some("16505551234"), Some("task-1"), Some("sent"))
        );
        assert_eq!(sent["pricing"]["category"], "utility");
        assert!(sent["timestamp"].as_str().unwrap().parse::<u64>().is_ok());
        assert_eq!((phone.status("read").get("pricing"), phone.status("read").get("errors")), (None, None));
        let user = accepted(Address::User("US.1a".into()), false);
        let failed = user.status("failed");
        assert_eq!((failed["recipient_user_id"].as_str(), failed.get("pricing")), (Some("US.1a"), None));
        assert_eq!(
            (failed["errors"][0]["code"].as_u64(), failed["errors"][0]["title"].as_str()),
            (Some(131047), Some("Re-engagement message"))
        );
        assert_eq!(user.status("delivered")["pricing"]["type"], "free_customer_service");
    }

    #[test]
    fn notifications_name_the_account_and_the_number() {
        let meta = MetaConfig::default();
        let body = notification(&meta, "106540352242922", json!({"statuses": []}));
        let value = &body["entry"][0]["changes"][0]["value"];
        assert_eq!(
            (body["object"].as_str(), body["entry"][0]["id"].as_str()),
            (Some("whatsapp_business_account"), Some("102290129340398"))
        );
        assert_eq!(
            value["metadata"],
            json!({"display_phone_number": "15550783881", "phone_number_id": "106540352242922"})
        );
        assert_eq!(
            (value["messaging_product"].as_str(), value["statuses"].as_array().map(Vec::len)),
            (Some("whatsapp"), Some(0))
        );
    }
}
