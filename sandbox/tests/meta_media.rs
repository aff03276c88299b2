//! Meta's media endpoints over raw HTTP: upload (multipart, built by hand here), the
//! download URL, the download and its bearer token, expiry and corruption through the control
//! endpoints, delete, sends naming a media ID, and a user's image pushed to a webhook
//! receiver.

mod support;

use axum::body::Bytes;
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chatlane_sandbox::meta::{DEFAULT_PHONE_NUMBER_ID, DEFAULT_TOKEN};
use chatlane_sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use support::{Answer, call, fetch, sandbox};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

const BOUNDARY: &str = "chatlane-test-boundary-7MA4YWxkTrZu0gW";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR not really a picture";
const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n";
const TO: &str = "+1 650-555-1234";

/// One part of a multipart form: a field, or a file part when it has a file name.
struct Part<'a> {
    name: &'a str,
    file_name: Option<&'a str>,
    content_type: Option<&'a str>,
    bytes: &'a [u8],
}

fn field<'a>(name: &'a str, value: &'a str) -> Part<'a> {
    Part { name, file_name: None, content_type: None, bytes: value.as_bytes() }
}

fn file<'a>(file_name: &'a str, content_type: Option<&'a str>, bytes: &'a [u8]) -> Part<'a> {
    Part { name: "file", file_name: Some(file_name), content_type, bytes }
}

/// A `multipart/form-data` body of `parts`, delimited by [`BOUNDARY`].
fn multipart(parts: &[Part]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{}\"", part.name).bytes());
        if let Some(file_name) = part.file_name {
            body.extend(format!("; filename=\"{file_name}\"").bytes());
        }
        if let Some(content_type) = part.content_type {
            body.extend(format!("\r\nContent-Type: {content_type}").bytes());
        }
        body.extend(b"\r\n\r\n");
        body.extend(part.bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").bytes());
    body
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// Uploads a form of `parts` for the default number with `token`.
async fn upload_with(sandbox: &Sandbox, token: &str, parts: &[Part<'_>]) -> Answer {
    let (authorization, content_type) = (bearer(token), format!("multipart/form-data; boundary={BOUNDARY}"));
    let headers = [("authorization", authorization.as_str()), ("content-type", content_type.as_str())];
    let path = format!("/v25.0/{DEFAULT_PHONE_NUMBER_ID}/media");
    call(sandbox, "POST", &path, &headers, multipart(parts)).await.unwrap()
}

/// Uploads a file as a client does; its media ID.
async fn upload(sandbox: &Sandbox, file_name: &str, mime_type: &str, bytes: &[u8]) -> String {
    let parts = [field("messaging_product", "whatsapp"), file(file_name, Some(mime_type), bytes)];
    let answer = upload_with(sandbox, DEFAULT_TOKEN, &parts).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    answer.body["id"].as_str().unwrap().to_owned()
}

/// `GET` or `DELETE` of a media node with the default token, and a query.
async fn node(sandbox: &Sandbox, method: &str, id: &str, query: &str) -> Answer {
    let authorization = bearer(DEFAULT_TOKEN);
    call(sandbox, method, &format!("/v25.0/{id}{query}"), &[("authorization", &authorization)], "").await.unwrap()
}

/// The download URL of media `id`, as a path on the sandbox.
async fn download_path(sandbox: &Sandbox, id: &str) -> String {
    let answer = node(sandbox, "GET", id, "").await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let url = answer.body["url"].as_str().unwrap();
    url.strip_prefix(&sandbox.endpoint()).unwrap_or_else(|| panic!("{url} is on the sandbox")).to_owned()
}

/// Downloads `path` with the default token: the status and the bytes.
async fn download(sandbox: &Sandbox, path: &str) -> (u16, Bytes) {
    let authorization = bearer(DEFAULT_TOKEN);
    let answer = fetch(sandbox, "GET", path, &[("authorization", &authorization)], "").await.unwrap();
    (answer.status().as_u16(), answer.into_body())
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Asserts a Graph error with this status and code, its trace ID in the header too; its
/// `error` object.
fn graph_error(answer: &Answer, status: u16, code: u64) -> Value {
    assert_eq!((answer.status, answer.body["error"]["code"].as_u64()), (status, Some(code)), "{answer:?}");
    assert_eq!(answer.headers["x-fb-trace-id"], answer.body["error"]["fbtrace_id"].as_str().unwrap());
    answer.body["error"].clone()
}

/// Asserts Graph's unknown-object error (code 100, subcode 33).
fn unknown_object(answer: &Answer) {
    let error = graph_error(answer, 400, 100);
    assert_eq!((error["error_subcode"].as_u64(), error["type"].as_str()), (Some(33), Some("GraphMethodException")));
}

async fn control(sandbox: &Sandbox, method: &str, path: &str, body: &str) -> Answer {
    call(sandbox, method, path, &[], body).await.unwrap()
}

/// Sends a media message whose type object is `object`.
async fn send(sandbox: &Sandbox, message_type: &str, object: Value) -> Answer {
    let body = json!({"messaging_product": "whatsapp", "to": TO, "type": message_type, message_type: object});
    let authorization = bearer(DEFAULT_TOKEN);
    let headers = [("authorization", authorization.as_str()), ("content-type", "application/json")];
    let path = format!("/v25.0/{DEFAULT_PHONE_NUMBER_ID}/messages");
    call(sandbox, "POST", &path, &headers, body.to_string()).await.unwrap()
}

#[tokio::test]
async fn an_upload_is_described_and_downloaded_with_a_bearer_token() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let id = upload(&sandbox, "logo.png", "image/png", PNG).await;
    assert!((15..=16).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit()), "{id}");

    let answer = node(&sandbox, "GET", &id, &format!("?phone_number_id={DEFAULT_PHONE_NUMBER_ID}")).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let url = answer.body["url"].as_str().unwrap();
    let prefix = format!("{}/whatsapp_business/attachments/?mid={id}&ext=", sandbox.endpoint());
    assert!(url.starts_with(&prefix) && url.contains("&hash="), "{url}");
    assert_eq!(
        answer.body,
        json!({"messaging_product": "whatsapp", "url": url, "mime_type": "image/png", "sha256": sha256_hex(PNG),
               "file_size": PNG.len(), "id": id})
    );

    let path = download_path(&sandbox, &id).await;
    let authorization = bearer(DEFAULT_TOKEN);
    let answer = fetch(&sandbox, "GET", &path, &[("authorization", &authorization)], "").await.unwrap();
    assert_eq!((answer.status().as_u16(), answer.headers()["content-type"].to_str().unwrap()), (200, "image/png"));
    assert_eq!(&answer.body()[..], PNG);
    let without = call(&sandbox, "GET", &path, &[], "").await.unwrap();
    assert_eq!(graph_error(&without, 401, 190)["type"], "OAuthException");
    let forged = call(&sandbox, "GET", &path, &[("authorization", "Bearer forged")], "").await.unwrap();
    graph_error(&forged, 401, 190);
    let hash = path.rsplit_once("hash=").unwrap().1;
    let (status, body) = download(&sandbox, &path.replace(hash, &"0".repeat(hash.len()))).await;
    assert_eq!((status, body.len()), (404, 0), "a bad hash");

    unknown_object(&node(&sandbox, "GET", &id, "?phone_number_id=106540352242999").await);
    let listed = control(&sandbox, "GET", "/_sandbox/meta/media", "").await;
    assert_eq!(
        listed.body,
        json!([{"id": id, "phoneNumberId": DEFAULT_PHONE_NUMBER_ID, "mimeType": "image/png", "fileName": "logo.png",
                "size": PNG.len(), "sha256": sha256_hex(PNG)}])
    );
    let requests: Vec<(String, String)> =
        sandbox.requests().into_iter().map(|request| (request.action, request.outcome)).collect();
    assert_eq!(requests[..2], [("meta:media_upload".into(), "OK".into()), ("meta:media".into(), "OK".into())]);
}

#[tokio::test]
async fn a_document_takes_its_type_from_the_type_field_when_its_part_has_none() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let parts =
        [field("messaging_product", "whatsapp"), field("type", "application/pdf"), file("invoice.pdf", None, PDF)];
    let answer = upload_with(&sandbox, DEFAULT_TOKEN, &parts).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let id = answer.body["id"].as_str().unwrap();
    let described = node(&sandbox, "GET", id, "").await;
    assert_eq!(
        (described.body["mime_type"].as_str(), described.body["file_size"].as_u64()),
        (Some("application/pdf"), Some(PDF.len() as u64))
    );
    let (status, bytes) = download(&sandbox, &download_path(&sandbox, id).await).await;
    assert_eq!((status, &bytes[..]), (200, PDF));
}

#[tokio::test]
async fn urls_expired_by_the_control_endpoint_answer_404_and_a_fresh_one_works() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let id = upload(&sandbox, "logo.png", "image/png", PNG).await;
    let old = download_path(&sandbox, &id).await;
    assert_eq!(download(&sandbox, &old).await.0, 200);
    assert_eq!(control(&sandbox, "POST", "/_sandbox/meta/media/expire-urls", "").await.status, 204);
    assert_eq!(download(&sandbox, &old).await, (404, Bytes::new()));
    let (status, bytes) = download(&sandbox, &download_path(&sandbox, &id).await).await;
    assert_eq!((status, &bytes[..]), (200, PNG));
}

#[tokio::test]
async fn a_corrupted_media_no_longer_matches_its_sha256() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let id = upload(&sandbox, "logo.png", "image/png", PNG).await;
    let corrupt = |id: &str| format!("/_sandbox/meta/media/{id}/corrupt");
    assert_eq!(control(&sandbox, "POST", &corrupt(&id), "").await.status, 204);
    assert_eq!(control(&sandbox, "POST", &corrupt("1"), "").await.status, 404);
    let described = node(&sandbox, "GET", &id, "").await;
    assert_eq!(described.body["sha256"], sha256_hex(PNG), "the recorded SHA-256 stays");
    let (status, bytes) = download(&sandbox, &download_path(&sandbox, &id).await).await;
    assert_eq!((status, bytes.len()), (200, PNG.len()));
    assert_ne!(sha256_hex(&bytes), sha256_hex(PNG));
}

#[tokio::test]
async fn a_deleted_media_is_gone() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let id = upload(&sandbox, "logo.png", "image/png", PNG).await;
    let path = download_path(&sandbox, &id).await;
    unknown_object(&node(&sandbox, "DELETE", &id, "?phone_number_id=106540352242999").await);
    let deleted = node(&sandbox, "DELETE", &id, &format!("?phone_number_id={DEFAULT_PHONE_NUMBER_ID}")).await;
    assert_eq!((deleted.status, deleted.body.clone()), (200, json!({"success": true})));
    unknown_object(&node(&sandbox, "GET", &id, "").await);
    unknown_object(&node(&sandbox, "DELETE", &id, "").await);
    assert_eq!(download(&sandbox, &path).await.0, 404);
    assert_eq!(control(&sandbox, "GET", "/_sandbox/meta/media", "").await.body, json!([]));
    let message = node(&sandbox, "GET", &id, "").await.body["error"]["message"].as_str().unwrap().to_owned();
    assert!(
        message.starts_with(&format!("Unsupported get request. Object with ID '{id}' does not exist")),
        "{message}"
    );
}

#[tokio::test]
async fn uploads_are_checked_as_meta_checks_them() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let product = field("messaging_product", "whatsapp");
    let oversized = vec![0; 5 * 1024 * 1024 + 1];
    let error = graph_error(
        &upload_with(
            &sandbox,
            DEFAULT_TOKEN,
            &[field("messaging_product", "whatsapp"), file("big.png", Some("image/png"), &oversized)],
        )
        .await,
        400,
        131053,
    );
    assert!(error["error_data"]["details"].as_str().unwrap().contains("5242880"), "{error}");
    let empty = upload_with(
        &sandbox,
        DEFAULT_TOKEN,
        &[field("messaging_product", "whatsapp"), file("a.pdf", Some("application/pdf"), b"")],
    )
    .await;
    graph_error(&empty, 400, 131053);
    for (parts, missing) in [
        (vec![file("a.png", Some("image/png"), PNG)], "messaging_product"),
        (vec![field("messaging_product", "sms"), file("a.png", Some("image/png"), PNG)], "messaging_product"),
        (vec![field("messaging_product", "whatsapp")], "file"),
        (vec![field("messaging_product", "whatsapp"), field("file", "not a file part")], "file"),
        (vec![field("messaging_product", "whatsapp"), file("a.png", None, PNG)], "type"),
    ] {
        let error = graph_error(&upload_with(&sandbox, DEFAULT_TOKEN, &parts).await, 400, 100);
        assert_eq!(error["message"], format!("(#100) The parameter {missing} is required."));
    }
    let parts = [product, file("a.png", Some("image/png"), PNG)];
    graph_error(&upload_with(&sandbox, "forged", &parts).await, 401, 190);
    let issued =
        control(&sandbox, "POST", "/_sandbox/meta/tokens", r#"{"scopes": ["whatsapp_business_management"]}"#).await;
    let management_only = issued.body["access_token"].as_str().unwrap();
    graph_error(&upload_with(&sandbox, management_only, &parts).await, 403, 10);
    let authorization = bearer(DEFAULT_TOKEN);
    let json = [("authorization", authorization.as_str()), ("content-type", "application/json")];
    let not_multipart =
        call(&sandbox, "POST", &format!("/v25.0/{DEFAULT_PHONE_NUMBER_ID}/media"), &json, "{}").await.unwrap();
    graph_error(&not_multipart, 400, 100);
    let unknown_number = call(&sandbox, "POST", "/v25.0/1/media", &json, "{}").await.unwrap();
    unknown_object(&unknown_number);
    assert_eq!(control(&sandbox, "GET", "/_sandbox/meta/media", "").await.body, json!([]));
}

#[tokio::test]
async fn media_messages_name_an_upload_by_id_or_a_link() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let id = upload(&sandbox, "logo.png", "image/png", PNG).await;
    let sent = send(&sandbox, "image", json!({"id": id, "caption": "our logo"})).await;
    assert_eq!(sent.status, 200, "{sent:?}");
    let ledger = control(&sandbox, "GET", "/_sandbox/meta/ledger", "").await.body;
    assert_eq!(
        (ledger[0]["type"].as_str(), ledger[0]["body"]["image"]["id"].as_str()),
        (Some("image"), Some(id.as_str()))
    );

    let unknown = send(&sandbox, "document", json!({"id": "1037543291543636"})).await;
    let error = graph_error(&unknown, 400, 100);
    assert_eq!(
        (error["message"].as_str(), error["error_data"]["details"].as_str()),
        (Some("(#100) Invalid parameter"), Some("Param document['id'] is not a valid media ID"))
    );
    let both = send(&sandbox, "image", json!({"id": id, "link": "https://example.test/logo.png"})).await;
    assert_eq!(graph_error(&both, 400, 100)["message"], "(#100) Invalid parameter");
    graph_error(&send(&sandbox, "image", json!({"caption": "nothing"})).await, 400, 100);
    assert_eq!(send(&sandbox, "image", json!({"link": "https://example.test/logo.png"})).await.status, 200);
    assert_eq!(node(&sandbox, "DELETE", &id, "").await.status, 200);
    graph_error(&send(&sandbox, "image", json!({ "id": id })).await, 400, 100);
    assert_eq!(sandbox.meta_ledger().len(), 2);
}

/// A webhook receiver on a free loopback port: its URL, and the bodies it receives.
async fn receiver() -> (String, mpsc::UnboundedReceiver<Bytes>) {
    let (sender, received) = mpsc::unbounded_channel();
    let app = axum::Router::new().route(
        "/webhook",
        post(move |body: Bytes| async move {
            let _ = sender.send(body);
        }),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/webhook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, received)
}

#[tokio::test]
async fn a_users_image_is_pushed_with_its_media_id_and_can_be_downloaded() {
    let (url, mut received) = receiver().await;
    let config = SandboxConfig::parse(&json!({"meta": {"webhookUrl": url}}).to_string()).unwrap();
    let sandbox = sandbox(config).await;
    let jpeg = b"\xff\xd8\xff\xe0 a user's photo";
    let inbound = json!({"from": TO, "to": DEFAULT_PHONE_NUMBER_ID, "name": "Sheena",
                         "image": {"data": STANDARD.encode(jpeg), "mimeType": "image/jpeg", "caption": "look"}});
    let answer = control(&sandbox, "POST", "/_sandbox/meta/inbound", &inbound.to_string()).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let media_id = answer.body["mediaId"].as_str().unwrap().to_owned();

    let body = tokio::time::timeout(std::time::Duration::from_secs(10), received.recv()).await.unwrap().unwrap();
    let notification: Value = serde_json::from_slice(&body).unwrap();
    let message = &notification["entry"][0]["changes"][0]["value"]["messages"][0];
    assert_eq!(
        (message["type"].as_str(), &message["id"], message["from"].as_str()),
        (Some("image"), &answer.body["id"], Some("16505551234"))
    );
    assert_eq!(
        message["image"],
        json!({"id": media_id, "mime_type": "image/jpeg", "sha256": STANDARD.encode(Sha256::digest(jpeg)), "caption": "look"})
    );
    let (status, bytes) = download(&sandbox, &download_path(&sandbox, &media_id).await).await;
    assert_eq!((status, &bytes[..]), (200, &jpeg[..]));
    let listed = control(&sandbox, "GET", "/_sandbox/meta/media", "").await.body;
    assert_eq!(
        (listed[0]["phoneNumberId"].as_str(), listed[0]["fileName"].clone()),
        (Some(DEFAULT_PHONE_NUMBER_ID), Value::Null)
    );

    let text = json!({"from": TO, "to": DEFAULT_PHONE_NUMBER_ID, "text": "hi"});
    assert_eq!(control(&sandbox, "POST", "/_sandbox/meta/inbound", &text.to_string()).await.body.get("mediaId"), None);
    for refused in [
        json!({"from": TO, "to": DEFAULT_PHONE_NUMBER_ID}),
        json!({"from": TO, "to": DEFAULT_PHONE_NUMBER_ID, "text": "hi", "image": {"data": "AA==", "mimeType": "image/png"}}),
        json!({"from": TO, "to": DEFAULT_PHONE_NUMBER_ID, "image": {"data": "not base64!", "mimeType": "image/png"}}),
        json!({"from": TO, "to": DEFAULT_PHONE_NUMBER_ID, "image": {"data": "AA==", "mimeType": "application/pdf"}}),
    ] {
        assert_eq!(
            control(&sandbox, "POST", "/_sandbox/meta/inbound", &refused.to_string()).await.status,
            400,
            "{refused}"
        );
    }
}
