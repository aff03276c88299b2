//! The message history `ListChatappMessage` answers: every accepted send, one record per
//! recipient (`EventAction` `DOWN`; a mass send's recipients each under their own
//! `MessageId`), and every inbound message simulated through `POST /_sandbox/inbound` (`UP`).
//! A sent message's `MessageStatus` is the latest its status receipts reached, whether or not
//! a callback URL is configured: `accepted` until the first, then `sent`, `delivered`, `read`
//! or `failed` (with `FailReason`, the receipt's `ErrorDescription`); an inbound one is
//! `received`.
//!
//! Choices the SDK model leaves open \[UNVERIFIED\]: records come newest first (the reverse of
//! the order the sandbox took them in); `SendTime` is `yyyy-MM-dd HH:mm:ss` in UTC; `Type` is
//! the send's frame, `template` or `message`, and `MessageType` its content type (`text`,
//! `image`, …; `template` for template sends); `Message` is a text's text, another message's
//! `Content` JSON, or a template's body with its parameters filled in (its `TemplateParams`
//! JSON when the registry does not know it); `MessageStatusName` is the status capitalised.
//! There is no `Total`, as in the SDK model: a page shorter than `Size` is the last.
//!
//! The history is kept apart from the ledger: `DELETE /_sandbox/ledger` leaves it whole.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, PoisonError};

use serde::Serialize;
use serde_json::Value;
use serde_json::value::RawValue;
use time::OffsetDateTime;
use time::macros::format_description;

use crate::callbacks::Delivery;
use crate::config::SandboxConfig;
use crate::page::Page;
use crate::registry;
use crate::send::{self, Refusal};
use crate::templates::Catalog;

/// Every record so far, indexed so that a page costs its own records, not the history's.
#[derive(Debug, Default)]
pub struct History(Mutex<Records>);

/// The records and their indexes.
#[derive(Debug, Default)]
struct Records {
    /// Every record, oldest first.
    all: Vec<Record>,
    /// Where each message's latest record is in `all`.
    by_id: HashMap<String, usize>,
    /// Where the records of each business number and channel are in `all`, oldest first.
    by_number: HashMap<(String, String), Vec<usize>>,
    /// Each record of `all` as its `Data` element, written when it is added or changes: a
    /// page copies its records' JSON rather than writing it again.
    listed: Vec<Box<RawValue>>,
}

/// One message to or from one user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The `MessageId` (a mass send's recipient's own).
    pub message_id: String,
    /// The mass send's `GroupMessageId`, if it was one.
    pub group_message_id: Option<String>,
    /// `DOWN` (sent) or `UP` (inbound).
    pub event_action: &'static str,
    /// `whatsapp`, `viber`, …
    pub channel_type: String,
    /// The business number.
    pub business_number: String,
    /// The user's number.
    pub user_number: String,
    /// `template` or `message`.
    pub frame: &'static str,
    /// `text`, `image`, …, or `template`.
    pub message_type: String,
    /// The content, as `Message` shows it.
    pub message: String,
    /// A template send's `TemplateCode`.
    pub template_code: Option<String>,
    /// A template send's `TemplateName`.
    pub template_name: Option<String>,
    /// A template send's `Language`.
    pub language: Option<String>,
    /// When it was sent or received, in ms since the epoch.
    pub sent_at_ms: u64,
    /// `accepted`, `sent`, `delivered`, `read`, `failed` or `received`.
    pub status: String,
    /// Why it failed, if it did.
    pub fail_reason: Option<String>,
}

/// The body of a `ListChatappMessage` answer: `Data`, one page of the matching records,
/// written while the history was locked.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Listing {
    success: bool,
    data: Box<RawValue>,
}

/// A record as a `ListChatappMessage` `Data` element; absent fields are left out.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Listed<'a> {
    message_id: &'a str,
    conversation_id: String,
    business_number: &'a str,
    user_number: &'a str,
    channel_type: &'a str,
    event_action: &'static str,
    r#type: &'static str,
    message_type: &'a str,
    message: &'a str,
    message_status: &'a str,
    message_status_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    fail_reason: Option<&'a str>,
    fail_back_flag: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    template_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    template_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    language_code: Option<&'a str>,
    send_time: String,
}

impl History {
    /// Adds records.
    pub fn add(&self, records: impl IntoIterator<Item = Record>) {
        let mut guard = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let Records { all, by_id, by_number, listed } = &mut *guard;
        for record in records {
            let at = all.len();
            by_id.insert(record.message_id.clone(), at);
            by_number.entry((record.business_number.clone(), record.channel_type.clone())).or_default().push(at);
            listed.push(Listed::json(&record));
            all.push(record);
        }
    }

    /// Moves message `message_id` to the status of `receipt` (spec §10.1).
    pub fn advance(&self, message_id: &str, receipt: &Value) {
        let Some(status) = receipt["Status"].as_str() else { return };
        let mut records = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let Records { all, by_id, listed, .. } = &mut *records;
        if let Some(&at) = by_id.get(message_id) {
            let record = &mut all[at];
            record.status = status.to_ascii_lowercase();
            record.fail_reason = receipt["ErrorDescription"].as_str().map(str::to_owned);
            listed[at] = Listed::json(record);
        }
    }

    /// The body of a `ListChatappMessage` answer: `Data`, one page of the matching records.
    pub fn list(&self, config: &SandboxConfig, params: &BTreeMap<String, String>) -> Result<Listing, Refusal> {
        let get = |name: &str| params.get(name).map(String::as_str).filter(|v| !v.is_empty());
        let [channel, space, business, page] =
            send::required(params, ["ChannelType", "CustSpaceId", "BusinessNumber", "Page"])?;
        let page = Page::parse(page)?;
        registry::check_number(config, Some(space), business)?;
        let [start, end] = ["StartTime", "EndTime"].map(|name| {
            get(name).map(|ms| {
                ms.parse::<u64>()
                    .map_err(|_| Refusal::Business("InvalidParameter", format!("{name} must be ms since the epoch.")))
            })
        });
        let (start, end) = (start.transpose()?.unwrap_or(0), end.transpose()?.unwrap_or(u64::MAX));
        // The filters are read once, not per record.
        let [user, template, group, action, status] =
            ["UserNumber", "TemplateCode", "GroupMessageId", "EventAction", "MessageStatus"].map(get);
        let wanted = |want: Option<&str>, value: Option<&str>| {
            want.is_none_or(|want| value.is_some_and(|v| v.eq_ignore_ascii_case(want)))
        };
        let records = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let positions =
            records.by_number.get(&(business.to_owned(), channel.to_owned())).map_or(&[][..], Vec::as_slice);
        let newest_first = positions.iter().rev().copied();
        let page: Vec<&RawValue> =
            if [user, template, group, action, status].iter().all(Option::is_none) && (start, end) == (0, u64::MAX) {
                // Nothing to filter: the page is a slice of the number's records.
                page.of(newest_first).map(|at| &*records.listed[at]).collect()
            } else {
                let matching = newest_first.filter(|&at| {
                    let r = &records.all[at];
                    (start..=end).contains(&r.sent_at_ms)
                        && wanted(user, Some(&r.user_number))
                        && wanted(template, r.template_code.as_deref())
                        && wanted(group, r.group_message_id.as_deref())
                        && wanted(action, Some(r.event_action))
                        && wanted(status, Some(&r.status))
                });
                page.of(matching).map(|at| &*records.listed[at]).collect()
            };
        // `to_raw_value` copies the records' JSON as it is, and does not parse the array again.
        let data = serde_json::value::to_raw_value(&page).expect("JSON serialises");
        Ok(Listing { success: true, data })
    }
}

impl<'a> Listed<'a> {
    /// `record` as its `Data` element's JSON.
    fn json(record: &Record) -> Box<RawValue> {
        serde_json::value::to_raw_value(&Listed::of(record)).expect("a record serialises")
    }

    fn of(record: &'a Record) -> Self {
        let mut message_status_name = record.status.clone();
        if let Some(first) = message_status_name.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        Self {
            message_id: &record.message_id,
            conversation_id: format!("conv-{}", record.user_number),
            business_number: &record.business_number,
            user_number: &record.user_number,
            channel_type: &record.channel_type,
            event_action: record.event_action,
            r#type: record.frame,
            message_type: &record.message_type,
            message: &record.message,
            message_status: &record.status,
            message_status_name,
            fail_reason: record.fail_reason.as_deref(),
            fail_back_flag: "N",
            template_code: record.template_code.as_deref(),
            template_name: record.template_name.as_deref(),
            language_code: record.language.as_deref(),
            send_time: send_time(record.sent_at_ms),
        }
    }
}

/// The records of an accepted send (`params`, answered with `answered_id`), one per delivery.
pub fn sends(
    params: &BTreeMap<String, String>,
    answered_id: &str,
    deliveries: &[Delivery],
    catalog: &Catalog,
    at_ms: u64,
) -> Vec<Record> {
    let get = |name: &str| params.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let recipients: Option<Vec<Value>> = get("SenderList").map(|list| serde_json::from_str(list).unwrap_or_default());
    let is_template = recipients.is_some() || get("Type") == Some("template");
    let template = is_template
        .then(|| catalog.find(get("TemplateCode"), get("TemplateName"), get("Language").unwrap_or_default()))
        .flatten()
        .map(|t| &t.def);
    let shared = get("TemplateParams").and_then(|p| serde_json::from_str(p).ok()).unwrap_or(Value::Null);
    // The recipients `deliveries` were made for, in the same order.
    let values: Vec<&Value> = recipients
        .iter()
        .flatten()
        .filter(|r| r["To"].is_string())
        .map(|r| r.get("TemplateParams").unwrap_or(&shared))
        .collect();
    let of_template = |name: &str| get(name).filter(|_| is_template).map(str::to_owned);
    deliveries
        .iter()
        .enumerate()
        .map(|(i, delivery)| {
            let message = if is_template {
                let values = values.get(i).copied().unwrap_or(&shared);
                match template {
                    Some(t) if !t.body.is_empty() => fill(&t.body, values),
                    _ if values.is_null() => String::new(),
                    _ => values.to_string(),
                }
            } else {
                let content = get("Content").unwrap_or_default();
                let text =
                    serde_json::from_str::<Value>(content).ok().and_then(|c| c["text"].as_str().map(str::to_owned));
                text.filter(|_| get("MessageType") == Some("text")).unwrap_or_else(|| content.to_owned())
            };
            Record {
                message_id: delivery.message_id.clone(),
                group_message_id: recipients.is_some().then(|| answered_id.to_owned()),
                event_action: "DOWN",
                channel_type: get("ChannelType").unwrap_or_default().to_owned(),
                business_number: get("From").unwrap_or_default().to_owned(),
                user_number: delivery.to.clone(),
                frame: if is_template { "template" } else { "message" },
                message_type: if is_template {
                    "template".to_owned()
                } else {
                    get("MessageType").unwrap_or_default().to_owned()
                },
                message,
                template_code: of_template("TemplateCode").or_else(|| template.map(|t| t.code.clone())),
                template_name: of_template("TemplateName").or_else(|| template.map(|t| t.name.clone())),
                language: of_template("Language"),
                sent_at_ms: at_ms,
                status: "accepted".to_owned(),
                fail_reason: None,
            }
        })
        .collect()
}

/// The record of a user's WhatsApp text `text` from `from` to business number `to`.
pub fn inbound(message_id: &str, from: &str, to: &str, text: &str, at_ms: u64) -> Record {
    Record {
        message_id: message_id.to_owned(),
        group_message_id: None,
        event_action: "UP",
        channel_type: "whatsapp".to_owned(),
        business_number: to.to_owned(),
        user_number: from.to_owned(),
        frame: "message",
        message_type: "text".to_owned(),
        message: text.to_owned(),
        template_code: None,
        template_name: None,
        language: None,
        sent_at_ms: at_ms,
        status: "received".to_owned(),
        fail_reason: None,
    }
}

/// `body` with each `$(name)` replaced by its value in `values`.
fn fill(body: &str, values: &Value) -> String {
    let mut text = body.to_owned();
    for (name, value) in values.as_object().into_iter().flatten() {
        let value = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
        text = text.replace(&format!("$({name})"), &value);
    }
    text
}

/// `yyyy-MM-dd HH:mm:ss`, UTC.
fn send_time(ms: u64) -> String {
    let at =
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    at.format(format_description!("[year]-[month]-[day] [hour]:[minute]:[second]")).expect("every UTC date formats")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;

    use super::*;
    use crate::templates::Templates;

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn delivery(id: &str, to: &str) -> Delivery {
        Delivery { message_id: id.to_owned(), to: to.to_owned(), outside_window: false }
    }

    fn config() -> SandboxConfig {
        SandboxConfig::parse(
            r#"{"custSpaces": [{"id": "cams-1", "numbers": ["861"]}],
                "templates": [{"code": "C1", "name": "order", "language": "en", "body": "Hi $(name)"}]}"#,
        )
        .unwrap()
    }

    /// A history of a text, a template and a two-recipient mass send from 861, then a reply.
    fn history() -> History {
        let templates = Templates::new(&config().templates, Duration::ZERO);
        let catalog = templates.lock();
        let history = History::default();
        let text = params(&[
            ("ChannelType", "whatsapp"),
            ("Type", "message"),
            ("MessageType", "text"),
            ("From", "861"),
            ("To", "651"),
            ("Content", r#"{"text":"hello"}"#),
        ]);
        history.add(sends(&text, "m1", &[delivery("m1", "651")], &catalog, 1_000));
        let template = params(&[
            ("ChannelType", "whatsapp"),
            ("Type", "template"),
            ("From", "861"),
            ("To", "652"),
            ("TemplateCode", "C1"),
            ("Language", "en"),
            ("TemplateParams", r#"{"name":"Ada"}"#),
        ]);
        history.add(sends(&template, "m2", &[delivery("m2", "652")], &catalog, 2_000));
        let mass = params(&[
            ("ChannelType", "whatsapp"),
            ("From", "861"),
            ("TemplateName", "order"),
            ("Language", "en"),
            (
                "SenderList",
                r#"[{"To":"653","TemplateParams":{"name":"Bo"}},{"To":"654","TemplateParams":{"name":"Cy"}}]"#,
            ),
        ]);
        history.add(sends(&mass, "g1", &[delivery("m3", "653"), delivery("m4", "654")], &catalog, 3_000));
        history.add([inbound("m5", "651", "861", "hi back", 4_000)]);
        history
    }

    fn list(history: &History, extra: &[(&str, &str)]) -> Result<Value, Refusal> {
        let base = [
            ("ChannelType", "whatsapp"),
            ("CustSpaceId", "cams-1"),
            ("BusinessNumber", "861"),
            ("Page", r#"{"Index":1,"Size":10}"#),
        ];
        let listing = history.list(&config(), &params(&[&base[..], extra].concat()))?;
        Ok(serde_json::to_value(listing).unwrap())
    }

    fn ids(answer: &Value) -> Vec<&str> {
        answer["Data"].as_array().unwrap().iter().map(|r| r["MessageId"].as_str().unwrap()).collect()
    }

    #[test]
    fn records_every_send_per_recipient_and_inbound_newest_first() {
        let history = history();
        let all = list(&history, &[]).unwrap();
        assert_eq!(ids(&all), ["m5", "m4", "m3", "m2", "m1"]);
        let [reply, cy, _, template, text] = &all["Data"].as_array().unwrap()[..] else { panic!("five records") };
        assert_eq!((reply["EventAction"].as_str(), reply["Message"].as_str()), (Some("UP"), Some("hi back")));
        assert_eq!(reply["MessageStatus"], "received");
        assert_eq!((text["Message"].as_str(), text["MessageType"].as_str()), (Some("hello"), Some("text")));
        assert_eq!(
            (text["MessageStatus"].as_str(), text["MessageStatusName"].as_str()),
            (Some("accepted"), Some("Accepted"))
        );
        assert_eq!(text["SendTime"], "1970-01-01 00:00:01");
        assert!(text.get("TemplateCode").is_none() && text.get("FailReason").is_none());
        assert_eq!((template["Message"].as_str(), template["Type"].as_str()), (Some("Hi Ada"), Some("template")));
        assert_eq!(
            (cy["Message"].as_str(), cy["TemplateCode"].as_str(), cy["TemplateName"].as_str()),
            (Some("Hi Cy"), Some("C1"), Some("order"))
        );
        assert_eq!(
            (cy["UserNumber"].as_str(), cy["LanguageCode"].as_str(), cy["FailBackFlag"].as_str()),
            (Some("654"), Some("en"), Some("N"))
        );
    }

    #[test]
    fn receipts_advance_the_status() {
        let history = history();
        history.advance("m2", &json!({"Status": "Delivered"}));
        history.advance(
            "m1",
            &json!({"Status": "Failed", "ErrorCode": "131047", "ErrorDescription": "131047:Re-engagement"}),
        );
        let answer = list(&history, &[]).unwrap();
        let record =
            |id: &str| answer["Data"].as_array().unwrap().iter().find(|r| r["MessageId"] == id).unwrap().clone();
        assert_eq!(
            (record("m2")["MessageStatus"].as_str(), record("m2")["MessageStatusName"].as_str()),
            (Some("delivered"), Some("Delivered"))
        );
        assert_eq!(
            (record("m1")["MessageStatus"].as_str(), record("m1")["FailReason"].as_str()),
            (Some("failed"), Some("131047:Re-engagement"))
        );
    }

    #[test]
    fn filters_and_pages() {
        let history = history();
        let only = |extra: &[(&str, &str)]| {
            ids(&list(&history, extra).unwrap()).into_iter().map(str::to_owned).collect::<Vec<_>>()
        };
        assert_eq!(only(&[("UserNumber", "651")]), ["m5", "m1"]);
        assert_eq!(only(&[("TemplateCode", "C1")]), ["m4", "m3", "m2"]);
        assert_eq!(only(&[("GroupMessageId", "g1")]), ["m4", "m3"]);
        assert_eq!(only(&[("EventAction", "UP")]), ["m5"]);
        assert_eq!(only(&[("MessageStatus", "RECEIVED")]), ["m5"]);
        assert_eq!(only(&[("StartTime", "2000"), ("EndTime", "3000")]), ["m4", "m3", "m2"]);
        assert_eq!(only(&[("Page", r#"{"Index":2,"Size":2}"#)]), ["m3", "m2"]);
        assert_eq!(only(&[("Page", r#"{"Index":3,"Size":2}"#)]), ["m1"]);
        assert!(only(&[("ChannelType", "viber")]).is_empty());
    }

    #[test]
    fn refuses_missing_and_bad_parameters() {
        let history = history();
        for name in ["ChannelType", "CustSpaceId", "BusinessNumber", "Page"] {
            let mut params = params(&[
                ("ChannelType", "whatsapp"),
                ("CustSpaceId", "cams-1"),
                ("BusinessNumber", "861"),
                ("Page", "{}"),
            ]);
            params.remove(name);
            assert!(matches!(history.list(&config(), &params), Err(Refusal::Missing(n)) if n == name));
        }
        let code = |extra: &[(&str, &str)]| match list(&history, extra) {
            Err(Refusal::Business(code, _)) => code,
            other => panic!("{other:?}"),
        };
        assert_eq!(code(&[("Page", r#"{"Index":0,"Size":1}"#)]), "InvalidParameter.PageInvalid");
        assert_eq!(code(&[("StartTime", "yesterday")]), "InvalidParameter");
        assert_eq!(code(&[("CustSpaceId", "cams-x")]), "Authentication.NoAuth");
        assert_eq!(code(&[("BusinessNumber", "869")]), "InvalidParameter.PhoneNumberError");
    }
}
