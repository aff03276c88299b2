//! What happens after a message is accepted: status receipts (spec §10.1) and simulated
//! inbound messages (spec §10.2), pushed as JSON arrays to the channel instance's callback
//! URLs, and the 24-hour customer-service window an inbound message opens.
//!
//! [`Pusher`] makes every push of both faces (Meta's webhooks are built in
//! [`crate::meta::webhooks`]), as the push faults say (`duplicate`, `delay`: [`crate::faults`]).
//!
//! A free-form WhatsApp message to a user whose window is closed is accepted (the API
//! answers OK, as the real one does) and then fails in its receipt with Meta's `131047`.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::http::Request;
use axum::http::header::CONTENT_TYPE;
use chatlane_core::transport::{DirectTransport, Transport, TransportConfig};
use hmac::{Hmac, Mac};
use serde::Serialize;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::config::SandboxConfig;
use crate::faults::PushPlan;

/// How long an inbound message keeps free-form messaging open.
pub const WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

/// Meta's error for a free-form message outside the 24-hour window.
pub const OUTSIDE_WINDOW: (&str, &str) =
    ("131047", "131047:Re-engagement message(More than 24 hours have passed since the recipient last replied.)");

/// When each (business number, user) pair last heard from the user.
#[derive(Debug, Default)]
pub struct Sessions(Mutex<HashMap<(String, String), Instant>>);

impl Sessions {
    /// Opens (or renews) the window for `user` writing to `business`.
    pub fn open(&self, business: &str, user: &str, now: Instant) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).insert((business.to_owned(), user.to_owned()), now);
    }

    /// Whether `business` may send free-form messages to `user` at `now`.
    pub fn is_open(&self, business: &str, user: &str, now: Instant) -> bool {
        let sessions = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        sessions
            .get(&(business.to_owned(), user.to_owned()))
            .is_some_and(|opened| now.saturating_duration_since(*opened) < WINDOW)
    }
}

/// One callback the sandbox pushed, for `GET /_sandbox/callbacks`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Push {
    /// `status` or `inbound` (CAMS), `meta_status` or `meta_inbound` (Meta's webhooks).
    pub kind: &'static str,
    /// Where it went.
    pub url: String,
    /// The JSON that was posted.
    pub body: Value,
    /// The receiver's HTTP status, or why it could not be delivered.
    pub outcome: String,
}

/// One push to make: its kind, where it goes, its body and how it is signed.
#[derive(Clone, Debug)]
pub struct Outgoing<'a> {
    kind: &'static str,
    url: &'a str,
    body: Value,
    secret: Option<&'a str>,
}

impl<'a> Outgoing<'a> {
    /// A CAMS push of one `item`, posted as a JSON array (spec §10), unsigned.
    pub fn cams(kind: &'static str, url: &'a str, item: Value) -> Self {
        Self { kind, url, body: Value::Array(vec![item]), secret: None }
    }

    /// A Meta webhook notification, signed with the app `secret` in `X-Hub-Signature-256`
    /// (meta-cloud.md §5.2).
    pub fn meta(kind: &'static str, url: &'a str, notification: Value, secret: &'a str) -> Self {
        Self { kind, url, body: notification, secret: Some(secret) }
    }
}

/// Posts callbacks and remembers them.
#[derive(Debug)]
pub struct Pusher {
    transport: DirectTransport,
    log: Mutex<Vec<Push>>,
}

impl Default for Pusher {
    fn default() -> Self {
        let config = TransportConfig { no_proxy: true, ..TransportConfig::default() };
        Self {
            transport: DirectTransport::new(&config).expect("a plain HTTP client can always be built"),
            log: Mutex::new(Vec::new()),
        }
    }
}

impl Pusher {
    /// Posts `outgoing` as `plan` says (held back, then delivered one or more times, the same
    /// bytes each time) and logs every delivery's outcome.
    pub async fn push(&self, outgoing: Outgoing<'_>, plan: PushPlan) {
        tokio::time::sleep(plan.delay).await;
        let Outgoing { kind, url, body, secret } = outgoing;
        let bytes = Bytes::from(body.to_string());
        let signature = secret.map(|secret| hub_signature(secret.as_bytes(), &bytes));
        for _ in 0..plan.copies.get() {
            let mut request = Request::post(url).header(CONTENT_TYPE, "application/json");
            if let Some(signature) = &signature {
                request = request.header(SIGNATURE_HEADER, signature);
            }
            let outcome = match request.body(bytes.clone()) {
                Ok(request) => match self.transport.send(request).await {
                    Ok(response) => response.status.to_string(),
                    Err(error) => error.to_string(),
                },
                Err(error) => format!("cannot post to {url:?}: {error}"),
            };
            let push = Push { kind, url: url.to_owned(), body: body.clone(), outcome };
            self.log.lock().unwrap_or_else(PoisonError::into_inner).push(push);
        }
    }

    /// Every callback pushed so far.
    pub fn pushes(&self) -> Vec<Push> {
        self.log.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

/// The header carrying a Meta webhook's signature.
const SIGNATURE_HEADER: &str = "x-hub-signature-256";

/// `sha256=` and the lowercase hex HMAC-SHA256 of `body` under `secret`.
fn hub_signature(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(body);
    let hex: String = mac.finalize().into_bytes().iter().map(|byte| format!("{byte:02x}")).collect();
    format!("sha256={hex}")
}

/// Milliseconds since the Unix epoch, as receipts carry them.
pub fn epoch_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// One accepted message to one recipient, as receipts describe it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// The `MessageId`.
    pub message_id: String,
    /// The recipient.
    pub to: String,
    /// Whether it is free-form WhatsApp to a closed window (its receipt fails with 131047).
    pub outside_window: bool,
}

/// The deliveries an accepted request makes: one per recipient; each recipient of a mass
/// send (`SenderList`) gets its own `MessageId`.
pub fn deliveries(
    params: &BTreeMap<String, String>,
    message_id: &str,
    sessions: &Sessions,
    new_id: impl Fn() -> String,
) -> Vec<Delivery> {
    let from = params.get("From").map_or("", String::as_str);
    if let Some(list) = params.get("SenderList") {
        let recipients: Vec<Value> = serde_json::from_str(list).unwrap_or_default();
        return recipients
            .iter()
            .filter_map(|r| r.get("To").and_then(Value::as_str))
            .map(|to| Delivery { message_id: new_id(), to: to.to_owned(), outside_window: false })
            .collect();
    }
    let to = params.get("To").cloned().unwrap_or_default();
    let free_form = params.get("Type").map(String::as_str) == Some("message");
    let whatsapp = params.get("ChannelType").map(String::as_str) == Some("whatsapp");
    let outside_window = free_form && whatsapp && !sessions.is_open(from, &to, Instant::now());
    vec![Delivery { message_id: message_id.to_owned(), to, outside_window }]
}

/// The status receipts (spec §10.1) of one delivery, in the order they are pushed.
pub fn receipts(params: &BTreeMap<String, String>, delivery: &Delivery) -> Vec<Value> {
    let param = |name: &str| params.get(name).cloned();
    let from = param("From").unwrap_or_default();
    let is_template = param("Type").as_deref() != Some("message");
    let mut base = json!({
        "MessageId": delivery.message_id,
        "From": from,
        "To": delivery.to,
        "OriginPhoneNumber": from,
        "TaskId": param("TaskId").unwrap_or_else(|| delivery.message_id.clone()),
        "MsgFrameType": if is_template { "template" } else { "message" },
        "Type": if is_template { "TEMPLATE".to_owned() } else { param("MessageType").unwrap_or_default().to_uppercase() },
        "ConversationType": if is_template { "utility" } else { "service" },
        "ConversationId": format!("conv-{}", delivery.to),
    });
    if is_template {
        base["TemplateCode"] = json!(param("TemplateCode"));
        base["TemplateName"] = json!(param("TemplateName"));
        base["Language"] = json!(param("Language"));
    }
    let statuses: &[&str] = if delivery.outside_window { &["Failed"] } else { &["Sent", "Delivered", "Read"] };
    statuses
        .iter()
        .map(|status| {
            let mut receipt = base.clone();
            receipt["Status"] = json!(status);
            receipt["Timestamp"] = json!(epoch_ms());
            if *status == "Failed" {
                receipt["ErrorCode"] = json!(OUTSIDE_WINDOW.0);
                receipt["ErrorDescription"] = json!(OUTSIDE_WINDOW.1);
            }
            receipt
        })
        .collect()
}

/// The status callback URL for a request: its `CustSpaceId`'s, else its sender's instance's.
pub fn status_url<'a>(config: &'a SandboxConfig, params: &BTreeMap<String, String>) -> Option<&'a str> {
    let space = match params.get("CustSpaceId") {
        Some(id) => config.cust_space(id),
        None => params.get("From").and_then(|from| config.space_of_number(from)),
    };
    space.and_then(|s| s.status_callback_url.as_deref())
}

/// A simulated inbound text message (spec §10.2 shape).
pub fn inbound(message_id: &str, cust_space_id: Option<&str>, from: &str, to: &str, text: &str, name: &str) -> Value {
    json!({
        "MessageId": message_id,
        "CustSpaceId": cust_space_id,
        "From": from,
        "To": to,
        "Timestamp": epoch_ms(),
        "DisplayName": name,
        "Name": name,
        "Type": "TEXT",
        "Message": text,
        "NoticeType": "inbound",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn free_form_needs_an_open_window() {
        let sessions = Sessions::default();
        let text = params(&[
            ("ChannelType", "whatsapp"),
            ("Type", "message"),
            ("MessageType", "text"),
            ("From", "861"),
            ("To", "659"),
        ]);
        let closed = deliveries(&text, "m1", &sessions, String::new);
        assert!(closed[0].outside_window);
        let failed = receipts(&text, &closed[0]);
        assert_eq!(failed.len(), 1);
        assert_eq!((failed[0]["Status"].as_str(), failed[0]["ErrorCode"].as_str()), (Some("Failed"), Some("131047")));
        sessions.open("861", "659", Instant::now());
        let open = deliveries(&text, "m2", &sessions, String::new);
        let statuses: Vec<_> =
            receipts(&text, &open[0]).iter().map(|r| r["Status"].as_str().unwrap().to_owned()).collect();
        assert_eq!(statuses, ["Sent", "Delivered", "Read"]);
        assert!(!sessions.is_open("861", "659", Instant::now() + WINDOW));
    }

    #[test]
    fn templates_and_mass_sends_need_no_window() {
        let sessions = Sessions::default();
        let template = params(&[
            ("ChannelType", "whatsapp"),
            ("Type", "template"),
            ("From", "861"),
            ("To", "659"),
            ("TemplateCode", "C1"),
            ("TaskId", "t1"),
        ]);
        let delivery = &deliveries(&template, "m1", &sessions, String::new)[0];
        let sent = &receipts(&template, delivery)[0];
        assert_eq!(
            (sent["TaskId"].as_str(), sent["TemplateCode"].as_str(), sent["Type"].as_str()),
            (Some("t1"), Some("C1"), Some("TEMPLATE"))
        );
        let mass = params(&[("From", "861"), ("SenderList", r#"[{"To":"1"},{"To":"2"}]"#)]);
        let ids: Vec<_> =
            deliveries(&mass, "g1", &sessions, || "m".to_owned()).into_iter().map(|d| (d.message_id, d.to)).collect();
        assert_eq!(ids, [("m".to_owned(), "1".to_owned()), ("m".to_owned(), "2".to_owned())]);
    }
}
