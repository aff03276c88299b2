//! Media uploads through the core client against the in-process sandbox: credentials from
//! `GetChatappUploadAuthorization`, the signed OSS `PUT`, the object served back at the URL
//! and accepted as an image's `link`; tampered credentials and oversized files refused.

use std::net::SocketAddr;

use chatlane_core::model::{Content, Image};
use chatlane_core::ops::{MAX_MEDIA_BYTES, MediaUpload};
use chatlane_core::transport::{DirectTransport, Transport, TransportConfig};
use chatlane_core::{Client, ClientConfig, ClientOptions, ErrorCode, Message, Secret};
use chatlane_sandbox::oss::BUCKET;
use chatlane_sandbox::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Sandbox, SandboxConfig};

const SPACE: &str = "cams-1";
const BUSINESS: &str = "8613800000000";

async fn sandbox() -> Sandbox {
    let config = serde_json::json!({"custSpaces": [{"id": SPACE, "numbers": [BUSINESS]}]});
    let config = SandboxConfig::parse(&config.to_string()).unwrap();
    Sandbox::start(config, SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap()
}

fn client(sandbox: &Sandbox, cust_space_id: Option<&str>) -> Client {
    let options = ClientOptions {
        access_key_id: Some(DEFAULT_ACCESS_KEY_ID.into()),
        access_key_secret: Some(DEFAULT_ACCESS_KEY_SECRET.into()),
        endpoint: Some(sandbox.endpoint()),
        cust_space_id: cust_space_id.map(Into::into),
        ..ClientOptions::default()
    };
    Client::new(ClientConfig::from_options(options).unwrap()).unwrap()
}

/// A small PNG-looking file: bytes that are not valid UTF-8, so nothing may re-encode them.
fn logo() -> MediaUpload {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend((0..=255u8).cycle().take(70_000));
    MediaUpload { bytes, file_name: "My Logo (v2).png".into(), ..MediaUpload::default() }
}

/// `GET url` without credentials: the status and body.
async fn fetch(url: &str) -> (u16, Vec<u8>) {
    let transport = DirectTransport::new(&TransportConfig::default()).unwrap();
    let request = axum::http::Request::get(url).body(axum::body::Bytes::new()).unwrap();
    let answer = transport.send(request).await.unwrap();
    (answer.status, answer.body)
}

#[tokio::test]
async fn an_upload_is_served_back_and_sent_as_an_image() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, Some(SPACE));
    let upload = logo();
    let uploaded = client.upload_media(upload.clone()).await.unwrap();
    let (url, key) = (uploaded.url.clone().unwrap(), uploaded.key.clone().unwrap());
    let prefix = format!("{}/{BUCKET}/{SPACE}/", sandbox.endpoint());
    assert!(url.starts_with(&prefix) && url.ends_with("-My_Logo_v2_.png"), "{url}");
    assert_eq!(url, format!("{}/{BUCKET}/{key}", sandbox.endpoint()));
    assert_eq!(
        (uploaded.size, uploaded.content_type.as_str(), uploaded.id),
        (upload.bytes.len() as u64, "image/png", None)
    );
    assert_eq!(fetch(&url).await, (200, upload.bytes.clone()));

    let again = client.upload_media(upload).await.unwrap();
    assert_ne!(again.key, uploaded.key, "each upload has its own key");

    let image = Content::Image(Image { link: Some(url.clone()), caption: Some("our logo".into()), id: None });
    let receipt = client.send(&Message::with_content(BUSINESS, "6591234567", image)).await.unwrap();
    let entries = sandbox.ledger().entries();
    let entry = entries.iter().find(|entry| entry.message_id == receipt.message_id).unwrap();
    let content: serde_json::Value = serde_json::from_str(&entry.params["Content"]).unwrap();
    assert_eq!(content["link"], url.as_str());
    let actions: Vec<_> = sandbox.requests().into_iter().map(|r| (r.action, r.outcome)).collect();
    let authorized = ("GetChatappUploadAuthorization".to_owned(), "OK".to_owned());
    assert_eq!(actions.iter().filter(|a| **a == authorized).count(), 2, "{actions:?}");
}

#[tokio::test]
async fn one_authorization_serves_many_uploads_and_tampering_is_refused() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, None);
    let authorization = client.upload_authorization(Some(SPACE)).await.unwrap();
    assert_eq!((authorization.bucket.as_str(), authorization.dir.as_str()), (BUCKET, "cams-1/"));
    assert!(!format!("{authorization:?}").contains(authorization.access_key_secret.expose()));
    for name in ["a.pdf", "b.mp4"] {
        let upload = MediaUpload { file_name: name.into(), ..logo() };
        assert!(client.upload_media_with(&authorization, upload).await.unwrap().key.unwrap().ends_with(name));
    }

    let wrong_secret = chatlane_core::ops::UploadAuthorization {
        access_key_secret: Secret::new("not-the-secret"),
        ..authorization.clone()
    };
    let error = client.upload_media_with(&wrong_secret, logo()).await.unwrap_err();
    assert_eq!((error.code(), error.http_status()), (ErrorCode::SignatureMismatch, Some(403)), "{error}");
    assert_eq!(error.platform_code(), Some("SignatureDoesNotMatch"));
    assert_eq!(error.attempts(), 1, "a refusal is not put again");
    assert!(!error.to_string().contains("not-the-secret"), "{error}");

    let wrong_token = chatlane_core::ops::UploadAuthorization {
        security_token: Some(Secret::new("forged")),
        ..authorization.clone()
    };
    let error = client.upload_media_with(&wrong_token, logo()).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidAccessKey, "{error}");

    let other_dir = chatlane_core::ops::UploadAuthorization { dir: "cams-2/".into(), ..authorization };
    let error = client.upload_media_with(&other_dir, logo()).await.unwrap_err();
    assert_eq!((error.code(), error.platform_code()), (ErrorCode::PermissionDenied, Some("AccessDenied")));
}

#[tokio::test]
async fn what_cannot_be_uploaded_is_refused_before_any_request() {
    let sandbox = sandbox().await;
    let spaceless = client(&sandbox, None).upload_media(logo()).await.unwrap_err();
    assert!(spaceless.message().starts_with("custSpaceId: required"), "{spaceless}");
    let client = client(&sandbox, Some(SPACE));
    let large = MediaUpload { bytes: vec![0; MAX_MEDIA_BYTES + 1], file_name: "big.pdf".into(), ..logo() };
    let error = client.upload_media(large).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidParameter);
    assert!(error.message().starts_with("bytes: "), "{error}");
    let meta = ClientOptions {
        provider: Some("meta".into()),
        access_token: Some(chatlane_sandbox::meta::DEFAULT_TOKEN.into()),
        endpoint: Some(sandbox.endpoint()),
        ..ClientOptions::default()
    };
    let meta = Client::new(ClientConfig::from_options(meta).unwrap()).unwrap();
    let error = meta.upload_media(logo()).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidParameter, "a Meta upload names its number: {error}");
    assert!(error.message().starts_with("phoneNumberId: required"), "{error}");
    assert!(sandbox.requests().is_empty(), "{:?}", sandbox.requests());

    let stranger = MediaUpload { cust_space_id: Some("cams-9".into()), ..logo() };
    let error = client.upload_media(stranger).await.unwrap_err();
    assert_eq!((error.code(), error.platform_code()), (ErrorCode::PermissionDenied, Some("Authentication.NoAuth")));
}
