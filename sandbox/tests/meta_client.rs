//! chatlane's client sending through Meta's Cloud API (the sandbox's Meta face): the same
//! messages and errors as CAMS, Meta's codes classified and retried only when provably
//! unprocessed, pacing per business number and recipient, tokens that expire, renew and lack
//! scopes, and the OAuth code exchange that gets one; media uploaded and sent by ID, looked up,
//! downloaded with its hash checked (an expired URL asked again, a damaged file refused) and
//! deleted, and a user's image downloaded by the ID its webhook gave.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chatlane_core::model::Image;
use chatlane_core::oauth::{AccessToken, MetaApp, MetaAppOptions, TokenSource};
use chatlane_core::ops::{MediaRef, MediaUpload};
use chatlane_core::{Client, ClientConfig, ClientOptions, Content, ErrorCode, Message, Quota, Template};
use chatlane_sandbox::meta::{DEFAULT_APP_ID, DEFAULT_APP_SECRET, DEFAULT_PHONE_NUMBER_ID, DEFAULT_TOKEN};
use chatlane_sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};
use support::{call, sandbox};
use time::OffsetDateTime;

const TO: &str = "16505551234";

fn options(sandbox: &Sandbox, token: &str) -> ClientOptions {
    ClientOptions {
        provider: Some("meta".into()),
        access_token: Some(token.into()),
        endpoint: Some(sandbox.endpoint()),
        ..ClientOptions::default()
    }
}

fn client(options: ClientOptions) -> Client {
    Client::new(ClientConfig::from_options(options).unwrap()).unwrap()
}

fn text(to: &str) -> Message {
    Message::text(DEFAULT_PHONE_NUMBER_ID, to, "hello")
}

/// A token from the sandbox's control endpoint, as `request` describes it.
async fn issued(sandbox: &Sandbox, request: Value) -> String {
    control(sandbox, "/_sandbox/meta/tokens", request).await["access_token"].as_str().unwrap().to_owned()
}

/// Posts `body` to a control endpoint; the answer's JSON.
async fn control(sandbox: &Sandbox, path: &str, body: Value) -> Value {
    let answer = call(sandbox, "POST", path, &[], &body.to_string()).await.unwrap();
    assert!((200..300).contains(&answer.status), "{path}: {answer:?}");
    answer.body
}

async fn inject(sandbox: &Sandbox, fault: Value) {
    control(sandbox, "/_sandbox/faults", json!({"api": "meta", "fault": fault})).await;
}

#[tokio::test]
async fn a_message_goes_out_as_meta_json_with_its_task_id_as_callback_data() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let client = client(options(&sandbox, DEFAULT_TOKEN));
    let receipt = client.send(&text(TO)).await.unwrap();
    assert!(receipt.message_id.starts_with("wamid."), "{receipt:?}");
    assert_eq!(receipt.attempts, 1);
    assert!(!receipt.request_id.is_empty(), "the trace ID is the request ID");
    let entries = sandbox.meta_ledger().entries();
    assert_eq!(entries.len(), 1);
    let sent = &entries[0];
    assert_eq!(
        (sent.message_id.as_str(), sent.phone_number_id.as_str()),
        (receipt.message_id.as_str(), DEFAULT_PHONE_NUMBER_ID)
    );
    assert_eq!(sent.biz_opaque_callback_data.as_deref(), Some(receipt.task_id.as_str()));
    assert_eq!(sent.body["text"], json!({"body": "hello"}));
    assert_eq!(sent.body["to"], TO);

    let template = Template { name: Some("order_update".into()), language: "en_US".into(), ..Template::default() };
    let message =
        Message { template: Some(template), task_id: Some("mine".into()), ..Message::new(DEFAULT_PHONE_NUMBER_ID, TO) };
    let receipt = client.send(&message).await.unwrap();
    assert_eq!(receipt.task_id, "mine");
    assert_eq!(sandbox.meta_ledger().entries()[1].body["template"]["name"], "order_update");
    assert!(!format!("{client:?}").contains(DEFAULT_TOKEN));
}

#[tokio::test]
async fn what_meta_cannot_carry_is_refused_before_anything_is_sent() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let client = client(options(&sandbox, DEFAULT_TOKEN));
    let by_code = Message::template(DEFAULT_PHONE_NUMBER_ID, TO, "744c4b5c", "en", Default::default());
    let error = client.send(&by_code).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidMessage);
    assert_eq!(error.violations()[0].path, "template.code", "{error}");
    let mass = chatlane_core::MassMessage::from_json_value(json!({
        "from": DEFAULT_PHONE_NUMBER_ID,
        "template": {"name": "t", "language": "en"},
        "recipients": [{"to": TO}],
    }))
    .unwrap();
    assert_eq!(client.send(&mass).await.unwrap_err().code(), ErrorCode::InvalidMessage);
    assert!(sandbox.requests().is_empty(), "nothing reached the sandbox");
    let cams = Client::new(
        ClientConfig::from_options(ClientOptions { endpoint: Some(sandbox.endpoint()), ..cams_keys() }).unwrap(),
    )
    .unwrap();
    let token = AccessToken::new("t");
    assert_eq!(cams.set_access_token(token).await.unwrap_err().code(), ErrorCode::InvalidConfig);
    let keys = chatlane_core::Credentials::new("AK", "SK", None).unwrap();
    assert_eq!(client.set_credentials(keys).unwrap_err().code(), ErrorCode::InvalidConfig);
}

fn cams_keys() -> ClientOptions {
    ClientOptions { access_key_id: Some("AK".into()), access_key_secret: Some("SK".into()), ..ClientOptions::default() }
}

#[tokio::test]
async fn meta_codes_are_classified_and_only_the_provably_unprocessed_retried() {
    // (fault, code, attempts, ledger entries)
    let cases = [
        (json!({"kind": "error", "status": 400, "code": 130429}), None, 2, 1),
        (json!({"kind": "error", "status": 503, "code": 2}), None, 2, 1),
        (json!({"kind": "error", "status": 400, "code": 131047}), Some(ErrorCode::SessionWindowClosed), 1, 0),
        (json!({"kind": "error", "status": 400, "code": 131026}), Some(ErrorCode::Rejected), 1, 0),
        (json!({"kind": "error", "status": 502}), Some(ErrorCode::OutcomeUnknown), 1, 0),
        (json!({"kind": "accept_then_drop"}), Some(ErrorCode::OutcomeUnknown), 1, 1),
    ];
    for (fault, code, attempts, accepted) in cases {
        let sandbox = sandbox(SandboxConfig::default()).await;
        inject(&sandbox, fault.clone()).await;
        let client = client(options(&sandbox, DEFAULT_TOKEN));
        let outcome = client.send(&text(TO)).await;
        match (code, outcome) {
            (None, Ok(receipt)) => assert_eq!(receipt.attempts, attempts, "{fault}"),
            (Some(code), Err(error)) => {
                assert_eq!((error.code(), error.attempts()), (code, attempts), "{fault}: {error}");
                assert!(error.task_id().is_some(), "{fault}");
            }
            (expected, outcome) => panic!("{fault}: expected {expected:?}, got {outcome:?}"),
        }
        assert_eq!(sandbox.meta_ledger().len(), accepted, "{fault}");
    }
}

#[tokio::test]
async fn an_expired_token_fails_every_later_send_until_it_is_replaced() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let token = issued(&sandbox, json!({})).await;
    let client = client(options(&sandbox, &token));
    client.send(&text(TO)).await.unwrap();
    control(&sandbox, "/_sandbox/meta/tokens/revoke", json!({"token": token})).await;
    let error = client.send(&text(TO)).await.unwrap_err();
    assert_eq!((error.code(), error.platform_code()), (ErrorCode::TokenExpired, Some("190")), "{error}");
    let reached = sandbox.requests().len();
    let error = client.send(&text(TO)).await.unwrap_err();
    assert_eq!((error.code(), error.attempts()), (ErrorCode::TokenExpired, 0), "{error}");
    assert_eq!(sandbox.requests().len(), reached, "a dead token is not sent again");
    client.set_access_token(AccessToken::new(DEFAULT_TOKEN)).await.unwrap();
    client.send(&text(TO)).await.unwrap();
    assert_eq!(sandbox.meta_ledger().len(), 2);
}

#[tokio::test]
async fn a_token_without_the_messaging_scope_is_refused() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let scopes = vec!["whatsapp_business_management".to_owned(), "business_management".to_owned()];
    // Known scopes: refused when the client is built, naming the missing one.
    let token = AccessToken { scopes: scopes.clone(), ..AccessToken::new(DEFAULT_TOKEN) };
    let config = ClientConfig {
        endpoint: chatlane_core::Endpoint::parse(&sandbox.endpoint()).unwrap(),
        ..ClientConfig::meta(TokenSource::fixed(token).unwrap())
    };
    let error = Client::new(config).unwrap_err();
    assert_eq!(error.code(), ErrorCode::MissingScope);
    assert!(error.message().contains("whatsapp_business_messaging"), "{error}");
    let sending = client(options(&sandbox, DEFAULT_TOKEN));
    let lacking = AccessToken { scopes: scopes.clone(), ..AccessToken::new("other") };
    assert_eq!(sending.set_access_token(lacking).await.unwrap_err().code(), ErrorCode::MissingScope);
    sending.send(&text(TO)).await.unwrap();
    // Unknown scopes: Meta's refusal (code 10) is a permission error.
    let token = issued(&sandbox, json!({"scopes": scopes})).await;
    let error = client(options(&sandbox, &token)).send(&text(TO)).await.unwrap_err();
    assert_eq!((error.code(), error.attempts()), (ErrorCode::PermissionDenied, 1), "{error}");
    assert_eq!(sandbox.meta_ledger().len(), 1, "only the send with the kept token");
}

#[tokio::test]
async fn the_pair_rate_spreads_a_burst_to_one_recipient_instead_of_meeting_131056() {
    let mut config = SandboxConfig::default();
    config.meta.pair_rate.burst = 2.try_into().unwrap();
    config.meta.pair_rate.interval_ms = 300.try_into().unwrap();
    let sandbox = sandbox(config).await;
    let pair = Quota { per_second: 1.0 / 0.3, burst: 2 };

    // Without client-side pair pacing (and no retries), the burst meets Meta's refusal.
    let mut unpaced =
        ClientConfig::from_options(ClientOptions { max_attempts: Some(1), ..options(&sandbox, DEFAULT_TOKEN) })
            .unwrap();
    unpaced.pacing.per_recipient = None;
    let unpaced = Client::new(unpaced).unwrap();
    let message = text(TO);
    let sends = (0..4).map(|_| unpaced.send(&message));
    let refused: Vec<_> = futures_util::future::join_all(sends).await.into_iter().filter_map(Result::err).collect();
    assert!(!refused.is_empty(), "the sandbox enforces the pair rate");
    assert!(
        refused.iter().all(|e| e.code() == ErrorCode::Throttled && e.platform_code() == Some("131056")),
        "{refused:?}"
    );

    // Paced per recipient as Meta limits it, every send of the burst goes through at once.
    tokio::time::sleep(Duration::from_millis(1_300)).await;
    let mut paced =
        ClientConfig::from_options(ClientOptions { max_attempts: Some(1), ..options(&sandbox, DEFAULT_TOKEN) })
            .unwrap();
    paced.pacing.per_recipient = Some(pair);
    let paced = Client::new(paced).unwrap();
    let message = text("16505550000");
    let sends = (0..4).map(|_| paced.send(&message));
    for outcome in futures_util::future::join_all(sends).await {
        assert_eq!(outcome.unwrap().attempts, 1);
    }
}

#[tokio::test]
async fn a_client_paced_at_its_numbers_throughput_never_meets_130429() {
    let mut config = SandboxConfig::default();
    config.meta.phone_numbers[0].throughput = 5.try_into().unwrap();
    let sandbox = sandbox(config).await;
    let burst = |client: Client| async move {
        let messages: Vec<_> = (0..12).map(|i| text(&format!("1650555{i:04}"))).collect();
        let sends = messages.iter().map(|message| client.send(message));
        futures_util::future::join_all(sends).await
    };
    // Unpaced (and without retries), a burst over the number's throughput is refused.
    let unpaced =
        ClientOptions { rate_limit_disabled: true, max_attempts: Some(1), ..options(&sandbox, DEFAULT_TOKEN) };
    let refused: Vec<_> = burst(client(unpaced)).await.into_iter().filter_map(Result::err).collect();
    assert!(!refused.is_empty(), "the sandbox enforces the number's throughput");
    assert!(refused.iter().all(|e| e.platform_code() == Some("130429")), "{refused:?}");
    // Paced just under the number's rate (arrivals jitter against the sandbox's strict
    // one-second window), every send goes through on its first attempt.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let paced =
        ClientOptions { rate_limit_per_second: Some(4.5), max_attempts: Some(1), ..options(&sandbox, DEFAULT_TOKEN) };
    for outcome in burst(client(paced)).await {
        assert_eq!(outcome.unwrap().attempts, 1);
    }
}

/// The dialog's redirect for `url`: the callback's query string.
async fn consent(sandbox: &Sandbox, url: &str) -> String {
    let path = url.strip_prefix(&sandbox.endpoint()).unwrap();
    let answer = call(sandbox, "GET", path, &[], "").await.unwrap();
    assert_eq!(answer.status, 302, "{answer:?}");
    let location = answer.headers["location"].to_str().unwrap();
    location.split_once('?').unwrap().1.to_owned()
}

fn app(sandbox: &Sandbox, secret: &str) -> MetaApp {
    let options = MetaAppOptions {
        graph_url: Some(sandbox.endpoint()),
        dialog_url: Some(sandbox.endpoint()),
        graph_version: None,
    };
    MetaApp::new(DEFAULT_APP_ID, secret, options).unwrap()
}

#[tokio::test]
async fn an_oauth_code_exchange_gets_a_token_that_sends() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let app = app(&sandbox, DEFAULT_APP_SECRET);
    let (url, pending) =
        app.authorization_url("https://app.example/callback", &["whatsapp_business_messaging"]).unwrap();
    let pending = chatlane_core::oauth::PendingAuthorization::from_json(&pending.to_json()).unwrap();
    let query = consent(&sandbox, &url).await;
    let token = app.exchange_callback(&pending, &query).await.unwrap();
    assert!(!format!("{token:?}").contains(token.token.expose()));
    let info = app.inspect(token.token.expose()).await.unwrap();
    assert!(info.is_valid && info.scopes.iter().any(|s| s == "whatsapp_business_messaging"), "{info:?}");
    let client = client(options(&sandbox, token.token.expose()));
    client.send(&text(TO)).await.unwrap();

    // The code was single-use; a forged state never reaches the token endpoint.
    assert_eq!(app.exchange_callback(&pending, &query).await.unwrap_err().code(), ErrorCode::InvalidGrant);
    let forged = query.replace("state=", "state=x");
    assert_eq!(app.exchange_callback(&pending, &forged).await.unwrap_err().code(), ErrorCode::StateMismatch);
    // A wrong app secret is the client's fault, named as such.
    let (url, pending) = app.authorization_url("https://app.example/callback", &[]).unwrap();
    let query = consent(&sandbox, &url).await;
    let error = self::app(&sandbox, "wrong").exchange_callback(&pending, &query).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidClient);
    assert!(!error.message().contains("wrong"), "{error}");
    // The long-lived exchange: about 60 days.
    let long = app.long_lived(token.token.expose()).await.unwrap();
    let days = (long.expires_at.unwrap() - OffsetDateTime::now_utc()).whole_days();
    assert!((58..=60).contains(&days), "{days}");
}

#[tokio::test]
async fn a_token_near_its_expiry_is_renewed_before_a_send_and_handed_to_the_caller() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let short = issued(&sandbox, json!({"lifetimeSeconds": 3})).await;
    let token = AccessToken {
        expires_at: Some(OffsetDateTime::now_utc() + Duration::from_secs(3)),
        ..AccessToken::new(short.clone())
    };
    let renewed = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&renewed);
    let source = TokenSource::renewing(token, app(&sandbox, DEFAULT_APP_SECRET).renewer())
        .unwrap()
        .with_margin(Duration::from_millis(2_900))
        .on_renewed(move |token| seen.lock().unwrap().push(token.token.expose().to_owned()));
    let options = ClientOptions { endpoint: Some(sandbox.endpoint()), ..ClientOptions::default() };
    let config = ClientConfig::from_options_with_token(options, source).unwrap();
    let client = Client::new(config).unwrap();
    // Fresh, the token is used as it is; past half its life and inside the margin, the next
    // send renews it first (while it is still valid: an expired one cannot be exchanged).
    client.send(&text(TO)).await.unwrap();
    assert!(renewed.lock().unwrap().is_empty());
    tokio::time::sleep(Duration::from_millis(1_600)).await;
    client.send(&text(TO)).await.unwrap();
    client.send(&text(TO)).await.unwrap();
    let renewed = renewed.lock().unwrap().clone();
    assert_eq!(renewed.len(), 1, "renewed once, then used");
    assert_ne!(renewed[0], short);
}

#[tokio::test]
async fn the_standard_refresh_token_grant_renews_a_token_that_sends() {
    let mut config = SandboxConfig::default();
    config.meta.app.refresh_tokens = true;
    let sandbox = sandbox(config).await;
    let app = app(&sandbox, DEFAULT_APP_SECRET);
    let (url, pending) =
        app.authorization_url("https://app.example/callback", &["whatsapp_business_messaging"]).unwrap();
    let first = app.exchange_callback(&pending, &consent(&sandbox, &url).await).await.unwrap();
    let refresh = first.refresh_token.clone().expect("the app issues refresh tokens");
    let endpoint = chatlane_core::Endpoint::parse(&sandbox.endpoint()).unwrap();
    let transport = chatlane_core::transport::for_endpoint(&endpoint, &Default::default()).unwrap();
    let credentials = chatlane_core::oauth::AppCredentials::new(DEFAULT_APP_ID, DEFAULT_APP_SECRET).unwrap();
    let token_url = format!("{}/v25.0/oauth/access_token", sandbox.endpoint());
    let standard = chatlane_core::oauth::OAuthClient::new(credentials, &token_url, transport).unwrap();
    let renewed = standard.refresh(&refresh).await.unwrap();
    assert_ne!(renewed.token.expose(), first.token.expose());
    client(options(&sandbox, renewed.token.expose())).send(&text(TO)).await.unwrap();
    // Refresh tokens rotate: the one used is spent.
    assert_eq!(standard.refresh(&refresh).await.unwrap_err().code(), ErrorCode::InvalidGrant);
}

fn media(id: &str) -> MediaRef {
    MediaRef { media_id: id.into(), phone_number_id: Some(DEFAULT_PHONE_NUMBER_ID.into()) }
}

fn logo() -> MediaUpload {
    MediaUpload {
        bytes: b"\x89PNG\r\n\x1a\n our logo".to_vec(),
        file_name: "logo.png".into(),
        phone_number_id: Some(DEFAULT_PHONE_NUMBER_ID.into()),
        ..MediaUpload::default()
    }
}

#[tokio::test]
async fn an_upload_is_sent_by_its_id_then_downloaded_and_deleted() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let client = client(options(&sandbox, DEFAULT_TOKEN));
    let uploaded = client.upload_media(logo()).await.unwrap();
    let id = uploaded.id.clone().unwrap();
    assert_eq!((uploaded.url, uploaded.size, uploaded.content_type.as_str()), (None, 17, "image/png"));

    let image = Image { id: Some(id.clone()), caption: Some("our logo".into()), link: None };
    client.send(&Message::with_content(DEFAULT_PHONE_NUMBER_ID, TO, Content::Image(image))).await.unwrap();
    assert_eq!(sandbox.meta_ledger().entries()[0].body["image"], json!({"id": id, "caption": "our logo"}));

    let info = client.media_info(&media(&id)).await.unwrap();
    assert_eq!((info.id.as_str(), info.size, info.content_type.as_str()), (id.as_str(), 17, "image/png"));
    let downloaded = client.download_media(&media(&id)).await.unwrap();
    assert_eq!((downloaded.data, downloaded.sha256), (logo().bytes, info.sha256));

    control(&sandbox, "/_sandbox/meta/media/expire-urls", Value::Null).await;
    let again = client.download_media(&MediaRef { phone_number_id: None, ..media(&id) }).await.unwrap();
    assert_eq!(again.data, logo().bytes, "the URL asked for is fresh");

    client.delete_media(&media(&id)).await.unwrap();
    for gone in [client.media_info(&media(&id)).await.unwrap_err(), client.delete_media(&media(&id)).await.unwrap_err()]
    {
        assert_eq!((gone.code(), gone.platform_code()), (ErrorCode::InvalidParameter, Some("100")), "{gone}");
    }
}

#[tokio::test]
async fn a_damaged_download_and_an_unknown_id_are_typed_errors() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let client = client(options(&sandbox, DEFAULT_TOKEN));
    let id = client.upload_media(logo()).await.unwrap().id.unwrap();
    control(&sandbox, &format!("/_sandbox/meta/media/{id}/corrupt"), Value::Null).await;
    let damaged = client.download_media(&media(&id)).await.unwrap_err();
    assert_eq!(damaged.code(), ErrorCode::MalformedResponse);
    assert!(damaged.message().contains("damaged"), "{damaged}");

    let other_number = MediaRef { phone_number_id: Some("999".into()), ..media(&id) };
    assert_eq!(client.media_info(&other_number).await.unwrap_err().code(), ErrorCode::InvalidParameter);
    let unknown = Image { id: Some("1234567890123456".into()), link: None, caption: None };
    let refused = client.send(&Message::with_content(DEFAULT_PHONE_NUMBER_ID, TO, Content::Image(unknown))).await;
    assert_eq!(refused.unwrap_err().code(), ErrorCode::InvalidParameter);
    let large = MediaUpload { bytes: vec![0; 5 * 1024 * 1024 + 1], ..logo() };
    assert_eq!(client.upload_media(large).await.unwrap_err().code(), ErrorCode::InvalidParameter);
    assert!(sandbox.meta_ledger().entries().is_empty());
}

#[tokio::test]
async fn a_users_image_is_downloaded_by_the_id_its_message_gave() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let photo = b"\xff\xd8\xff\xe0 a user's photo".to_vec();
    let inbound = json!({"from": TO, "to": DEFAULT_PHONE_NUMBER_ID,
                         "image": {"data": STANDARD.encode(&photo), "mimeType": "image/jpeg"}});
    let answer = control(&sandbox, "/_sandbox/meta/inbound", inbound).await;
    let id = answer["mediaId"].as_str().unwrap();
    let downloaded = client(options(&sandbox, DEFAULT_TOKEN)).download_media(&media(id)).await.unwrap();
    assert_eq!((downloaded.data, downloaded.content_type.as_str()), (photo, "image/jpeg"));
}
