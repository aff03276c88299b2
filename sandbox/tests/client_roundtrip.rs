//! The core client against the in-process sandbox: the whole path of a message.

use std::net::SocketAddr;

use chatlane_core::{Client, ClientConfig, ClientOptions, ErrorCategory, ErrorCode, Message, TemplateParams};
use chatlane_sandbox::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Sandbox, SandboxConfig};

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig::default(), SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap()
}

fn client(endpoint: &str, secret: &str) -> Client {
    Client::new(
        ClientConfig::from_options(ClientOptions {
            access_key_id: Some(DEFAULT_ACCESS_KEY_ID.into()),
            access_key_secret: Some(secret.into()),
            endpoint: Some(endpoint.into()),
            cust_space_id: Some("cams-sandbox".into()),
            ..ClientOptions::default()
        })
        .unwrap(),
    )
    .unwrap()
}

#[tokio::test]
async fn template_and_text_arrive_with_their_wire_parameters() {
    let sandbox = sandbox().await;
    let client = client(&sandbox.endpoint(), DEFAULT_ACCESS_KEY_SECRET);
    let params = TemplateParams::from_iter([
        ("name".to_owned(), "Zoë & Co".to_owned()),
        ("code".to_owned(), "1 2*3".to_owned()),
    ]);
    let template =
        client.send(&Message::template("8613800000000", "6591234567", "744c4b5c", "en", params)).await.unwrap();
    let text = client.send(&Message::text("8613800000000", "6591234567", "hello 北京 +~")).await.unwrap();

    let entries = sandbox.ledger().entries();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].message_id, template.message_id);
    assert_eq!(entries[0].request_id, template.request_id);
    let p = &entries[0].params;
    assert_eq!(p["Type"], "template");
    assert_eq!(p["TemplateCode"], "744c4b5c");
    assert_eq!(p["TemplateParams"], r#"{"name":"Zoë & Co","code":"1 2*3"}"#);
    assert_eq!(p["CustSpaceId"], "cams-sandbox");
    assert_eq!(entries[1].message_id, text.message_id);
    assert_eq!(entries[1].params["Content"], r#"{"text":"hello 北京 +~"}"#);
    assert_eq!(entries[1].params["MessageType"], "text");
}

#[tokio::test]
async fn concurrent_sends_share_the_client() {
    let sandbox = sandbox().await;
    let client = client(&sandbox.endpoint(), DEFAULT_ACCESS_KEY_SECRET);
    let sends = (0..50).map(|i| {
        let client = client.clone();
        tokio::spawn(async move { client.send(&Message::text("1", "2", format!("n{i}"))).await })
    });
    for send in sends {
        send.await.unwrap().unwrap();
    }
    assert_eq!(sandbox.ledger().len(), 50);
}

#[tokio::test]
async fn a_wrong_secret_is_an_authentication_error_and_nothing_is_recorded() {
    let sandbox = sandbox().await;
    let err = client(&sandbox.endpoint(), "not-the-secret").send(&Message::text("1", "2", "hi")).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::SignatureMismatch);
    assert_eq!(err.category(), ErrorCategory::Authentication);
    assert_eq!(err.platform_code(), Some("SignatureDoesNotMatch"));
    assert_eq!(err.http_status(), Some(400));
    assert!(err.request_id().is_some_and(|id| id.len() == 36));
    assert!(!err.to_string().contains("not-the-secret"));
    assert!(sandbox.ledger().is_empty());
}

#[tokio::test]
async fn invalid_messages_never_reach_the_sandbox() {
    let sandbox = sandbox().await;
    let err =
        client(&sandbox.endpoint(), DEFAULT_ACCESS_KEY_SECRET).send(&Message::text("+1", "2", "")).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidMessage);
    let paths: Vec<_> = err.violations().iter().map(|v| v.path.as_str()).collect();
    assert_eq!(paths, ["from", "content.text"]);
    assert!(sandbox.ledger().is_empty());
}

#[tokio::test]
async fn a_closed_port_is_a_connect_error() {
    let sandbox = sandbox().await;
    let endpoint = sandbox.endpoint();
    sandbox.shutdown().await.unwrap();
    let err = client(&endpoint, DEFAULT_ACCESS_KEY_SECRET).send(&Message::text("1", "2", "hi")).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Connect);
    assert_eq!(err.category(), ErrorCategory::Network);
    assert_eq!(err.attempts(), chatlane_core::RetryPolicy::default().max_attempts);
}

#[tokio::test]
async fn a_replayed_request_is_refused_as_a_reused_nonce() {
    use chatlane_core::Operation;
    use chatlane_core::cams::request::{self, RequestContext, acs_date};
    use chatlane_core::cams::{response, wire};
    use chatlane_core::transport::{DirectTransport, Transport, TransportConfig};
    use chatlane_core::{Credentials, Endpoint};

    let sandbox = sandbox().await;
    let credentials = Credentials::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, None).unwrap();
    let endpoint = Endpoint::parse(&sandbox.endpoint()).unwrap();
    let date = acs_date(time::OffsetDateTime::now_utc());
    let ctx = RequestContext {
        credentials: &credentials,
        endpoint: &endpoint,
        date: &date,
        nonce: "n-once",
        user_agent: "t",
    };
    let params = wire::send_message_params(&Message::text("1", "2", "hi"), Default::default());
    let request = || request::build(Operation::SendChatappMessage, &params, &ctx).unwrap();
    let transport = DirectTransport::new(&TransportConfig { no_proxy: true, ..TransportConfig::default() }).unwrap();

    response::classify_send(&transport.send(request()).await.unwrap()).unwrap();
    let replay = response::classify_send(&transport.send(request()).await.unwrap()).unwrap_err();
    assert_eq!(replay.code(), ErrorCode::NonceReused);
    assert_eq!(replay.platform_code(), Some("SignatureNonceUsed"));
    assert_eq!(sandbox.ledger().len(), 1);
}
