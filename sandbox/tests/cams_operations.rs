//! CAMS operations beyond sending, each request signed with the core's ACS3 signer and sent
//! through the sandbox's gateway: `ListChatappMessage` (sends per recipient and inbound
//! messages, statuses after receipts, paging, filters, missing parameters),
//! `QueryChatappPhoneNumbers`, `GetChatappUploadAuthorization` with an upload to the bucket
//! and the object read back and sent, and the template life cycle (create, review, modify,
//! delete) as lists, details and sends see it. Also: the new operations are throttled per
//! second and journaled like the others.

mod support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chatlane_core::cams::API_VERSION;
use chatlane_core::cams::request::acs_date;
use chatlane_core::cams::sign::{EMPTY_BODY_SHA256, SigningInput, sign};
use chatlane_core::random_id;
use chatlane_sandbox::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Sandbox, SandboxConfig};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha1::Sha1;
use support::{Answer, call, sandbox};

const SPACE: &str = "cams-ops";
const BUSINESS: &str = "8613800000000";
const SECOND_NUMBER: &str = "8613800000001";

/// A registry of one instance with two numbers (the second with its own details) and one
/// approved template; `query_per_second` queries a second; receipts 1 ms apart; `extra` adds
/// top-level fields.
fn config(query_per_second: u32, extra: &str) -> SandboxConfig {
    SandboxConfig::parse(&format!(
        r#"{{"custSpaces": [{{"id": "{SPACE}", "numbers": ["{BUSINESS}", {{"number": "{SECOND_NUMBER}",
              "verifiedName": "Acme Support", "status": "PENDING", "qualityRating": "YELLOW"}}],
              "upCallbackUrl": "http://127.0.0.1:9/inbound"}}],
            "templates": [{{"code": "C1", "name": "order_update", "language": "en", "variables": ["name"],
              "body": "Hello $(name)"}}],
            "limits": {{"historyPerSecond": {query_per_second}, "numbersPerSecond": {query_per_second},
                        "uploadPerSecond": {query_per_second}, "templatePerSecond": 1000}},
            "receiptDelayMs": 1{extra}}}"#
    ))
    .unwrap()
}

/// `action` with `params`, signed by the core with `secret` as the official SDKs sign it.
async fn signed(sandbox: &Sandbox, secret: &str, action: &str, params: &[(&str, &str)]) -> Answer {
    let endpoint = sandbox.endpoint();
    let host = endpoint.trim_start_matches("http://");
    let (date, nonce) = (acs_date(time::OffsetDateTime::now_utc()), random_id());
    let headers = [
        ("host", host),
        ("x-acs-action", action),
        ("x-acs-version", API_VERSION),
        ("x-acs-date", &date),
        ("x-acs-signature-nonce", &nonce),
        ("x-acs-content-sha256", EMPTY_BODY_SHA256),
    ];
    let input =
        SigningInput { method: "POST", path: "/", query: params, headers: &headers, hashed_payload: EMPTY_BODY_SHA256 };
    let signature = sign(&input, secret);
    let authorization = signature.authorization(DEFAULT_ACCESS_KEY_ID);
    let mut sent = headers[1..].to_vec();
    sent.push(("authorization", &authorization));
    call(sandbox, "POST", &format!("/?{}", signature.canonical_query), &sent, "").await.unwrap()
}

async fn act(sandbox: &Sandbox, action: &str, params: &[(&str, &str)]) -> Answer {
    signed(sandbox, DEFAULT_ACCESS_KEY_SECRET, action, params).await
}

/// Sends and expects it accepted: the `MessageId` (a mass send's `GroupMessageId`).
async fn accepted(sandbox: &Sandbox, action: &str, params: &[(&str, &str)]) -> String {
    let answer = act(sandbox, action, params).await;
    assert_eq!((answer.status, answer.body["Code"].as_str()), (200, Some("OK")), "{:?}", answer.body);
    let id = answer.body.get("MessageId").or_else(|| answer.body.get("GroupMessageId"));
    id.and_then(Value::as_str).unwrap().to_owned()
}

async fn text(sandbox: &Sandbox, to: &str, text: &str) -> String {
    let content = json!({ "text": text }).to_string();
    let params = [
        ("ChannelType", "whatsapp"),
        ("Type", "message"),
        ("MessageType", "text"),
        ("From", BUSINESS),
        ("To", to),
        ("Content", &content),
    ];
    accepted(sandbox, "SendChatappMessage", &params).await
}

async fn template(sandbox: &Sandbox, to: &str, name: &str) -> String {
    let values = json!({ "name": name }).to_string();
    let params = [
        ("ChannelType", "whatsapp"),
        ("Type", "template"),
        ("From", BUSINESS),
        ("To", to),
        ("CustSpaceId", SPACE),
        ("TemplateCode", "C1"),
        ("Language", "en"),
        ("TemplateParams", &values),
    ];
    accepted(sandbox, "SendChatappMessage", &params).await
}

async fn inbound(sandbox: &Sandbox, from: &str, text: &str) {
    let body = json!({ "from": from, "to": BUSINESS, "text": text }).to_string();
    assert_eq!(call(sandbox, "POST", "/_sandbox/inbound", &[], &body).await.unwrap().status, 200);
}

/// `ListChatappMessage` of the business number: its parameters, changed by `extra`.
async fn list_messages(sandbox: &Sandbox, extra: &[(&str, &str)]) -> Answer {
    let mut params: BTreeMap<&str, &str> = BTreeMap::from([
        ("ChannelType", "whatsapp"),
        ("CustSpaceId", SPACE),
        ("BusinessNumber", BUSINESS),
        ("Page", r#"{"Index":1,"Size":50}"#),
    ]);
    params.extend(extra.iter().copied());
    let params: Vec<(&str, &str)> = params.into_iter().collect();
    act(sandbox, "ListChatappMessage", &params).await
}

/// The records `extra` selects, after checking the answer is a success.
async fn records(sandbox: &Sandbox, extra: &[(&str, &str)]) -> Vec<Value> {
    let answer = list_messages(sandbox, extra).await;
    assert_eq!(
        (answer.status, answer.body["Code"].as_str(), answer.body["Success"].as_bool()),
        (200, Some("OK"), Some(true))
    );
    assert!(answer.body.get("Total").is_none(), "no Total in the SDK model");
    answer.body["Data"].as_array().unwrap().clone()
}

fn ids(records: &[Value]) -> Vec<String> {
    records.iter().map(|r| r["MessageId"].as_str().unwrap().to_owned()).collect()
}

/// Every record once each sent message reached its last status (`read` or `failed`).
async fn settled(sandbox: &Sandbox) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let all = records(sandbox, &[]).await;
        let last =
            |r: &Value| r["EventAction"] == "UP" || r["MessageStatus"] == "read" || r["MessageStatus"] == "failed";
        if all.iter().all(last) {
            return all;
        }
        assert!(Instant::now() < deadline, "statuses never settled: {all:#?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn history_holds_each_send_per_recipient_and_inbound_with_the_status_its_receipts_reached() {
    let sandbox = sandbox(config(1000, "")).await;
    let closed = text(&sandbox, "6591000001", "before the user wrote").await;
    inbound(&sandbox, "6591000001", "hi, it's me").await;
    let open = text(&sandbox, "6591000001", "thanks for writing").await;
    let templated = template(&sandbox, "6591000002", "Ada").await;
    let senders = json!([
        {"To": "6591000003", "TemplateParams": {"name": "Bo"}},
        {"To": "6591000004", "TemplateParams": {"name": "Cy"}},
    ])
    .to_string();
    let mass = [
        ("ChannelType", "whatsapp"),
        ("From", BUSINESS),
        ("TemplateCode", "C1"),
        ("Language", "en"),
        ("SenderList", &senders),
    ];
    let group = accepted(&sandbox, "SendChatappMassMessage", &mass).await;

    let all = settled(&sandbox).await;
    assert_eq!(all.len(), 6, "{all:#?}");
    let [cy, bo, ada, open_record, reply, closed_record] = &all[..] else { unreachable!() };
    assert_eq!(
        (open_record["MessageId"].as_str(), ada["MessageId"].as_str()),
        (Some(open.as_str()), Some(templated.as_str()))
    );
    assert_eq!(closed_record["MessageId"].as_str(), Some(closed.as_str()));

    assert_eq!(
        (closed_record["MessageStatus"].as_str(), closed_record["MessageStatusName"].as_str()),
        (Some("failed"), Some("Failed"))
    );
    assert!(closed_record["FailReason"].as_str().unwrap().starts_with("131047:"));
    assert_eq!(
        (open_record["MessageStatus"].as_str(), open_record["Message"].as_str()),
        (Some("read"), Some("thanks for writing"))
    );
    assert_eq!((open_record["Type"].as_str(), open_record["MessageType"].as_str()), (Some("message"), Some("text")));
    assert!(open_record.get("FailReason").is_none());
    assert_eq!((reply["EventAction"].as_str(), reply["Message"].as_str()), (Some("UP"), Some("hi, it's me")));
    assert_eq!((reply["UserNumber"].as_str(), reply["MessageStatus"].as_str()), (Some("6591000001"), Some("received")));
    assert_eq!(
        (ada["Message"].as_str(), ada["TemplateCode"].as_str(), ada["TemplateName"].as_str()),
        (Some("Hello Ada"), Some("C1"), Some("order_update"))
    );
    assert_eq!(
        (ada["LanguageCode"].as_str(), ada["MessageType"].as_str(), ada["FailBackFlag"].as_str()),
        (Some("en"), Some("template"), Some("N"))
    );
    assert_eq!((bo["UserNumber"].as_str(), bo["Message"].as_str()), (Some("6591000003"), Some("Hello Bo")));
    assert_eq!((cy["UserNumber"].as_str(), cy["MessageStatus"].as_str()), (Some("6591000004"), Some("read")));
    assert_ne!(bo["MessageId"], cy["MessageId"], "each recipient has a message of its own");
    for record in &all {
        assert_eq!(
            (record["BusinessNumber"].as_str(), record["ChannelType"].as_str()),
            (Some(BUSINESS), Some("whatsapp"))
        );
        let time = record["SendTime"].as_str().unwrap();
        assert!(
            time::PrimitiveDateTime::parse(
                time,
                time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]")
            )
            .is_ok(),
            "{time}"
        );
    }
    assert_eq!(ids(&records(&sandbox, &[("GroupMessageId", &group)]).await), ids(&[cy.clone(), bo.clone()]));
}

#[tokio::test]
async fn history_pages_until_a_short_page_and_filters() {
    let sandbox = sandbox(config(1000, "")).await;
    let before = chatlane_sandbox::callbacks::epoch_ms();
    let mut sent = Vec::new();
    for i in 0..7 {
        sent.push(template(&sandbox, &format!("659100001{}", i % 2), &format!("n{i}")).await);
    }
    inbound(&sandbox, "6591000010", "stop").await;
    settled(&sandbox).await;
    let after = chatlane_sandbox::callbacks::epoch_ms();

    let mut paged = Vec::new();
    for index in 1.. {
        let page = format!(r#"{{"Index":{index},"Size":3}}"#);
        let records = records(&sandbox, &[("Page", &page)]).await;
        paged.extend(ids(&records));
        if records.len() < 3 {
            assert_eq!((index, records.len()), (3, 2), "8 records: pages of 3, 3 and 2");
            break;
        }
    }
    let newest_first: Vec<String> = sent.iter().rev().cloned().collect();
    assert_eq!(paged[1..], newest_first[..], "the inbound message is the newest");
    assert!(records(&sandbox, &[("Page", r#"{"Index":4,"Size":3}"#)]).await.is_empty());

    let count = async |filter: &[(&str, &str)]| records(&sandbox, filter).await.len();
    assert_eq!(count(&[("UserNumber", "6591000010")]).await, 5);
    assert_eq!(count(&[("UserNumber", "6591000010"), ("EventAction", "DOWN")]).await, 4);
    assert_eq!(count(&[("EventAction", "UP")]).await, 1);
    assert_eq!(count(&[("TemplateCode", "C1")]).await, 7);
    assert_eq!(count(&[("TemplateCode", "C2")]).await, 0);
    assert_eq!(count(&[("MessageStatus", "read")]).await, 7);
    assert_eq!(count(&[("MessageStatus", "failed")]).await, 0);
    let (before, after, later) = (before.to_string(), after.to_string(), (after + 60_000).to_string());
    assert_eq!(count(&[("StartTime", &before), ("EndTime", &after)]).await, 8);
    assert_eq!(count(&[("StartTime", &after), ("EndTime", &later)]).await, 0);
    assert_eq!(count(&[("BusinessNumber", SECOND_NUMBER)]).await, 0);
    assert_eq!(count(&[("ChannelType", "viber")]).await, 0);
}

#[tokio::test]
async fn history_refuses_missing_parameters_bad_pages_and_foreign_numbers() {
    let sandbox = sandbox(config(1000, "")).await;
    let full = [
        ("ChannelType", "whatsapp"),
        ("CustSpaceId", SPACE),
        ("BusinessNumber", BUSINESS),
        ("Page", r#"{"Index":1,"Size":10}"#),
    ];
    for missing in ["ChannelType", "CustSpaceId", "BusinessNumber", "Page"] {
        let params: Vec<_> = full.iter().copied().filter(|(name, _)| *name != missing).collect();
        let answer = act(&sandbox, "ListChatappMessage", &params).await;
        assert_eq!((answer.status, answer.body["Code"].as_str()), (400, Some("MissingParameter")), "{missing}");
        assert!(answer.body["Message"].as_str().unwrap().contains(missing));
    }
    let code = async |extra: &[(&str, &str)]| {
        let answer = list_messages(&sandbox, extra).await;
        assert_eq!(answer.status, 200);
        answer.body["Code"].as_str().unwrap().to_owned()
    };
    assert_eq!(code(&[("Page", r#"{"Index":0,"Size":10}"#)]).await, "InvalidParameter.PageInvalid");
    assert_eq!(code(&[("Page", "page one")]).await, "InvalidParameter.PageInvalid");
    assert_eq!(code(&[("CustSpaceId", "cams-other")]).await, "Authentication.NoAuth");
    assert_eq!(code(&[("BusinessNumber", "8613900000000")]).await, "InvalidParameter.PhoneNumberError");
}

#[tokio::test]
async fn phone_numbers_come_from_the_configuration() {
    let sandbox = sandbox(config(1000, "")).await;
    let answer = act(&sandbox, "QueryChatappPhoneNumbers", &[("CustSpaceId", SPACE)]).await;
    assert_eq!((answer.body["Code"].as_str(), answer.body["Success"].as_bool()), (Some("OK"), Some(true)));
    let [plain, detailed] = &answer.body["PhoneNumbers"].as_array().unwrap()[..] else { panic!("{:?}", answer.body) };
    assert_eq!((plain["PhoneNumber"].as_str(), plain["Status"].as_str()), (Some(BUSINESS), Some("CONNECTED")));
    assert_eq!(
        (plain["QualityRating"].as_str(), plain["MessagingLimitTier"].as_str()),
        (Some("GREEN"), Some("TIER_10K"))
    );
    assert_eq!(
        (plain["UpCallbackUrl"].as_str(), plain["StatusCallbackUrl"].as_str()),
        (Some("http://127.0.0.1:9/inbound"), Some(""))
    );
    assert_eq!(
        (detailed["VerifiedName"].as_str(), detailed["QualityRating"].as_str()),
        (Some("Acme Support"), Some("YELLOW"))
    );
    let pending = act(&sandbox, "QueryChatappPhoneNumbers", &[("Status", "PENDING")]).await;
    assert_eq!(pending.body["PhoneNumbers"].as_array().unwrap().len(), 1);
    let foreign = act(&sandbox, "QueryChatappPhoneNumbers", &[("CustSpaceId", "cams-other")]).await;
    assert_eq!(foreign.body["Code"], "Authentication.NoAuth");
}

/// OSS's V1 header signature of a `PUT` of `key` in `bucket`.
fn oss_authorization(access_key_id: &str, secret: &str, headers: &[(&str, &str)], bucket: &str, key: &str) -> String {
    let header = |name: &str| headers.iter().find(|(n, _)| *n == name).map_or("", |(_, v)| *v);
    let token = header("x-oss-security-token");
    let to_sign =
        format!("PUT\n\n{}\n{}\nx-oss-security-token:{token}\n/{bucket}/{key}", header("content-type"), header("date"));
    let mut mac = Hmac::<Sha1>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(to_sign.as_bytes());
    format!("OSS {access_key_id}:{}", STANDARD.encode(mac.finalize().into_bytes()))
}

#[tokio::test]
async fn uploads_need_the_temporary_credentials_and_are_served_back_as_a_link() {
    let sandbox = sandbox(config(1000, "")).await;
    let missing = act(&sandbox, "GetChatappUploadAuthorization", &[]).await;
    assert_eq!((missing.status, missing.body["Code"].as_str()), (400, Some("MissingParameter")));
    let answer = act(&sandbox, "GetChatappUploadAuthorization", &[("CustSpaceId", SPACE)]).await;
    assert_eq!(answer.body["Code"], "OK");
    let data = &answer.body["Data"];
    let field = |name: &str| data[name].as_str().unwrap().to_owned();
    let (bucket, dir, endpoint) = (field("BucketName"), field("Dir"), field("EndPoint"));
    assert_eq!((dir.as_str(), endpoint.as_str()), ("cams-ops/", sandbox.endpoint().trim_start_matches("http://")));
    assert!(data["Expire"].as_u64().unwrap() > chatlane_sandbox::callbacks::epoch_ms() / 1000);

    let key = format!("{dir}photo 1.png");
    let path = format!("/{bucket}/{}", key.replace(' ', "%20"));
    let token = field("SecurityToken");
    let mut headers = vec![
        ("date", "Tue, 01 Apr 2025 08:00:00 GMT"),
        ("content-type", "image/png"),
        ("x-oss-security-token", &token),
    ];
    let authorization = oss_authorization(&field("AccessKeyId"), &field("AccessKeySecret"), &headers, &bucket, &key);
    let unsigned = call(&sandbox, "PUT", &path, &headers, "not really a PNG").await.unwrap();
    assert_eq!(unsigned.status, 403);
    assert!(unsigned.body.as_str().unwrap().contains("<Code>AccessDenied</Code>"));
    let forged = oss_authorization(&field("AccessKeyId"), "guessed-secret", &headers, &bucket, &key);
    let mut forged_headers = headers.clone();
    forged_headers.push(("authorization", &forged));
    let refused = call(&sandbox, "PUT", &path, &forged_headers, "not really a PNG").await.unwrap();
    assert!(refused.body.as_str().unwrap().contains("<Code>SignatureDoesNotMatch</Code>"));
    headers.push(("authorization", &authorization));
    let stored = call(&sandbox, "PUT", &path, &headers, "not really a PNG").await.unwrap();
    assert_eq!(stored.status, 200, "{:?}", stored.body);
    assert!(stored.headers.contains_key("etag"));

    let read = call(&sandbox, "GET", &path, &[], "").await.unwrap();
    assert_eq!((read.status, read.body.as_str()), (200, Some("not really a PNG")));
    assert_eq!(read.headers["content-type"], "image/png");
    assert_eq!(call(&sandbox, "GET", &format!("/{bucket}/{dir}other.png"), &[], "").await.unwrap().status, 404);

    let link = format!("{}{path}", sandbox.endpoint());
    inbound(&sandbox, "6591000001", "send me the picture").await;
    let content = json!({ "link": link, "caption": "your picture" }).to_string();
    let image = [
        ("ChannelType", "whatsapp"),
        ("Type", "message"),
        ("MessageType", "image"),
        ("From", BUSINESS),
        ("To", "6591000001"),
        ("Content", &content),
    ];
    let id = accepted(&sandbox, "SendChatappMessage", &image).await;
    let sent = records(&sandbox, &[("EventAction", "DOWN")]).await;
    assert_eq!(ids(&sent), [id]);
    assert_eq!(sent[0]["MessageType"], "image");
    let message: Value = serde_json::from_str(sent[0]["Message"].as_str().unwrap()).unwrap();
    assert_eq!(message["link"].as_str(), Some(link.as_str()));
}

#[tokio::test]
async fn templates_are_created_reviewed_modified_and_deleted_as_lists_details_and_sends_see() {
    let sandbox = sandbox(config(1000, r#", "templateReviewMs": 400"#)).await;
    let components = json!([
        {"Type": "BODY", "Text": "Your code is $(code)."},
        {"Type": "FOOTER", "Text": "Do not share it."},
    ])
    .to_string();
    let create = [
        ("CustSpaceId", SPACE),
        ("TemplateType", "WHATSAPP"),
        ("Name", "login_code"),
        ("Language", "en"),
        ("Category", "AUTHENTICATION"),
        ("Components", &components),
    ];
    let created = act(&sandbox, "CreateChatappTemplate", &create).await;
    assert_eq!(
        (created.body["Code"].as_str(), created.body["Data"]["TemplateName"].as_str()),
        (Some("OK"), Some("login_code"))
    );
    let code = created.body["Data"]["TemplateCode"].as_str().unwrap().to_owned();
    assert_eq!(
        act(&sandbox, "CreateChatappTemplate", &create).await.body["Code"],
        "InvalidParameter.TemplateNameExist"
    );
    let without_name: Vec<_> = create.iter().copied().filter(|(name, _)| *name != "Name").collect();
    assert_eq!(act(&sandbox, "CreateChatappTemplate", &without_name).await.status, 400);

    let listed = async || {
        let page = [("Code", code.as_str()), ("Page", r#"{"Index":1,"Size":10}"#)];
        act(&sandbox, "ListChatappTemplate", &page).await.body["ListTemplate"].as_array().unwrap().clone()
    };
    let detail =
        async || act(&sandbox, "GetChatappTemplateDetail", &[("TemplateCode", &code), ("Language", "en")]).await.body;
    let send = async || {
        let params = [
            ("ChannelType", "whatsapp"),
            ("Type", "template"),
            ("From", BUSINESS),
            ("To", "6591000001"),
            ("TemplateCode", code.as_str()),
            ("Language", "en"),
            ("TemplateParams", r#"{"code":"123456"}"#),
        ];
        act(&sandbox, "SendChatappMessage", &params).await.body["Code"].as_str().unwrap().to_owned()
    };
    let listing = listed().await;
    assert_eq!(
        (listing.len(), listing[0]["AuditStatus"].as_str(), listing[0]["Category"].as_str()),
        (1, Some("auditing"), Some("AUTHENTICATION"))
    );
    assert!(listing[0]["LastUpdateTime"].as_u64().unwrap() > 0);
    let shown = detail().await;
    assert_eq!(
        (shown["Data"]["AllowSend"].as_bool(), shown["Data"]["Components"][1]["Text"].as_str()),
        (Some(false), Some("Do not share it."))
    );
    assert_eq!(send().await, "InvalidParameter.TemplateNotApproved");

    let deadline = Instant::now() + Duration::from_secs(5);
    while listed().await[0]["AuditStatus"] != "pass" {
        assert!(Instant::now() < deadline, "never approved");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(send().await, "OK");
    let history = records(&sandbox, &[("TemplateCode", &code)]).await;
    assert_eq!(history[0]["Message"], "Your code is 123456.");

    let changed = json!([{"Type": "BODY", "Text": "Use $(code) to sign in."}]).to_string();
    let modify = [("TemplateCode", code.as_str()), ("Language", "en"), ("Components", &changed)];
    let modified = act(&sandbox, "ModifyChatappTemplate", &modify).await;
    assert_eq!(
        (modified.body["Code"].as_str(), modified.body["Data"]["TemplateCode"].as_str()),
        (Some("OK"), Some(code.as_str()))
    );
    let shown = detail().await;
    assert_eq!(
        (shown["Data"]["AuditStatus"].as_str(), shown["Data"]["Components"][0]["Text"].as_str()),
        (Some("auditing"), Some("Use $(code) to sign in."))
    );
    let unknown = [("TemplateCode", "000"), ("Language", "en"), ("Components", changed.as_str())];
    assert_eq!(act(&sandbox, "ModifyChatappTemplate", &unknown).await.body["Code"], "DetailError.TemplateNotExist");

    let delete = [("TemplateType", "WHATSAPP"), ("TemplateCode", code.as_str()), ("Language", "en")];
    let deleted = act(&sandbox, "DeleteChatappTemplate", &delete).await;
    assert_eq!((deleted.body["Code"].as_str(), deleted.body["Success"].as_bool()), (Some("OK"), Some(true)));
    assert!(listed().await.is_empty());
    assert_eq!(detail().await["Code"], "DetailError.TemplateNotExist");
    assert_eq!(send().await, "DetailError.TemplateNotExist");
    assert_eq!(act(&sandbox, "DeleteChatappTemplate", &delete).await.body["Code"], "DelError.TemplateNotExist");
}

#[tokio::test]
async fn the_new_operations_pass_the_gateway_and_are_throttled_and_journaled() {
    let sandbox = sandbox(config(1, "")).await;
    let wrong = signed(&sandbox, "not-the-secret", "QueryChatappPhoneNumbers", &[]).await;
    assert_eq!((wrong.status, wrong.body["Code"].as_str()), (400, Some("SignatureDoesNotMatch")));
    assert_eq!(act(&sandbox, "QueryChatappPhoneNumbers", &[]).await.status, 200);
    let throttled = act(&sandbox, "QueryChatappPhoneNumbers", &[]).await;
    assert_eq!((throttled.status, throttled.body["Code"].as_str()), (400, Some("Throttling.User")));
    assert!(throttled.headers.contains_key("x-acs-retry-after"));
    assert_eq!(act(&sandbox, "ListChatappMessage", &[]).await.body["Code"], "MissingParameter", "its own budget");
    let journal: Vec<(String, String)> = sandbox.requests().into_iter().map(|r| (r.action, r.outcome)).collect();
    let expected = [
        ("QueryChatappPhoneNumbers", "OK"),
        ("QueryChatappPhoneNumbers", "Throttling.User"),
        ("ListChatappMessage", "MissingParameter"),
    ];
    assert_eq!(journal, expected.map(|(action, outcome)| (action.to_owned(), outcome.to_owned())));
}
