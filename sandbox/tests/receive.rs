//! The receive half end to end: the sandbox pushes receipts and inbound messages (CAMS arrays,
//! Meta's signed webhooks) to a server built on the core's `Receiver` over an SQLite event
//! store, which the sending client shares. Covered: redeliveries yield each event once, the
//! 24-hour window refuses free-form messages before sending until the user writes, and a send
//! whose answer never came is resolved by its receipt.

mod support;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use chatlane_core::events::{DeliveryStatus, Event};
use chatlane_core::receive::{Endpoint, Receiver, ReceiverConfig, WebhookRequest};
use chatlane_core::store::{EventStore, SendState, SqliteStore, WindowPolicy};
use chatlane_core::{
    Client, ClientConfig, ClientOptions, ErrorCode, Message, ProviderKind, Secret, Template, TemplateParams,
};
use chatlane_sandbox::meta::{DEFAULT_APP_SECRET, DEFAULT_PHONE_NUMBER_ID, DEFAULT_TOKEN};
use chatlane_sandbox::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Sandbox, SandboxConfig};
use serde_json::json;
use support::{call, sandbox};
use tokio::net::TcpListener;

const BUSINESS: &str = "8613800000000";
const USER: &str = "6591234567";
const PUSH_TOKEN: &str = "push-token";

type Received = Arc<Mutex<Vec<Event>>>;

/// An SQLite file of its own, removed (with its WAL) when dropped.
struct StoreFile(std::path::PathBuf);

impl StoreFile {
    fn new(name: &str) -> Self {
        let unique = format!("chatlane-receive-{name}-{}-{:?}.db", std::process::id(), std::thread::current().id());
        Self(std::env::temp_dir().join(unique.replace(['(', ')'], "")))
    }

    fn open(&self) -> Arc<dyn EventStore> {
        Arc::new(SqliteStore::open(&self.0).unwrap())
    }
}

impl Drop for StoreFile {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

/// A webhook server on a free loopback port, as an application would write one: each
/// request goes through `receiver`; the new events are kept (processed) and committed.
async fn webhook_server(receiver: Receiver) -> (String, Received) {
    let received: Received = Arc::default();
    let state = (Arc::new(receiver), Arc::clone(&received));
    let app = axum::Router::new()
        .route(
            "/{*path}",
            post(
                |State((receiver, received)): State<(Arc<Receiver>, Received)>,
                 ConnectInfo(peer): ConnectInfo<SocketAddr>,
                 Path(path): Path<String>,
                 RawQuery(query): RawQuery,
                 headers: HeaderMap,
                 body: Bytes| async move {
                    let endpoint = match path.as_str() {
                        "cams/status" => Endpoint::CamsStatus,
                        "cams/inbound" => Endpoint::CamsInbound,
                        _ => Endpoint::Meta,
                    };
                    let headers: Vec<(String, String)> = headers
                        .iter()
                        .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
                        .collect();
                    let query = query.unwrap_or_default();
                    let request = WebhookRequest {
                        method: "POST",
                        query: &query,
                        headers: &headers,
                        body: &body,
                        remote_addr: Some(peer.ip()),
                    };
                    let reply = receiver.handle(endpoint, &request);
                    let keys: Vec<String> = reply.events.iter().map(Event::dedup_key).collect();
                    received.lock().unwrap().extend(reply.events);
                    receiver.commit(&keys).unwrap();
                    (StatusCode::from_u16(reply.status).unwrap(), reply.body)
                },
            ),
        )
        .with_state(state);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await });
    (url, received)
}

fn receiver(store: Arc<dyn EventStore>) -> Receiver {
    let config = ReceiverConfig {
        meta_app_secret: Some(Secret::new(DEFAULT_APP_SECRET)),
        cams_token: Some(Secret::new(PUSH_TOKEN)),
        ..ReceiverConfig::default()
    };
    Receiver::new(config).unwrap().with_store(store)
}

/// A sandbox pushing CAMS receipts and inbound messages and Meta webhooks to `url`.
async fn pushing_sandbox(url: &str) -> Sandbox {
    let config = SandboxConfig::parse(&format!(
        r#"{{"custSpaces": [{{"id": "cams-1", "numbers": ["{BUSINESS}"],
              "statusCallbackUrl": "{url}/cams/status?token={PUSH_TOKEN}",
              "upCallbackUrl": "{url}/cams/inbound?token={PUSH_TOKEN}"}}],
            "meta": {{"webhookUrl": "{url}/meta"}},
            "receiptDelayMs": 5}}"#
    ));
    sandbox(config.unwrap()).await
}

fn cams_client(sandbox: &Sandbox, store: Arc<dyn EventStore>, options: ClientOptions) -> Client {
    let options = ClientOptions {
        access_key_id: Some(DEFAULT_ACCESS_KEY_ID.into()),
        access_key_secret: Some(DEFAULT_ACCESS_KEY_SECRET.into()),
        endpoint: Some(sandbox.endpoint()),
        rate_limit_disabled: true,
        ..options
    };
    let config = ClientConfig { event_store: Some(store), ..ClientConfig::from_options(options).unwrap() };
    Client::new(config).unwrap()
}

/// Waits (bounded) until `done` holds of what was received.
async fn until(received: &Received, what: &str, done: impl Fn(&[Event]) -> bool) {
    for _ in 0..500 {
        if done(&received.lock().unwrap()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("never {what}: {:?}", received.lock().unwrap());
}

fn statuses_of(events: &[Event], message_id: &str) -> Vec<DeliveryStatus> {
    events
        .iter()
        .filter_map(|event| match event {
            Event::Status(status) if status.message_id == message_id => Some(status.status.clone()),
            _ => None,
        })
        .collect()
}

async fn pushes(sandbox: &Sandbox) -> usize {
    call(sandbox, "GET", "/_sandbox/callbacks", &[], "").await.unwrap().body.as_array().unwrap().len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cams_receipts_pushed_three_times_are_processed_once() {
    let file = StoreFile::new("dedup");
    let (url, received) = webhook_server(receiver(file.open())).await;
    let sandbox = pushing_sandbox(&url).await;
    let client = cams_client(&sandbox, file.open(), ClientOptions::default());
    sandbox.inject(serde_json::from_value(json!({"fault": {"kind": "duplicate", "count": 3}, "times": 3})).unwrap());
    let message = Message::template(BUSINESS, USER, "744c4b5c79c94324", "en", TemplateParams::default());
    let receipt = client.send(&message).await.unwrap();
    for _ in 0..500 {
        if pushes(&sandbox).await >= 9 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(pushes(&sandbox).await, 9, "each of the 3 receipts pushed 3 times");
    until(&received, "three statuses", |events| statuses_of(events, &receipt.message_id).len() == 3).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let statuses = statuses_of(&received.lock().unwrap(), &receipt.message_id);
    assert_eq!(statuses, [DeliveryStatus::Sent, DeliveryStatus::Delivered, DeliveryStatus::Read]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_free_form_message_waits_for_the_users_message() {
    let file = StoreFile::new("window");
    let (url, received) = webhook_server(receiver(file.open())).await;
    let sandbox = pushing_sandbox(&url).await;
    let enforce = ClientOptions { session_window: Some("enforce".into()), ..ClientOptions::default() };
    let client = {
        let options = ClientOptions { event_store: Some(file.0.display().to_string()), ..enforce };
        cams_client(&sandbox, file.open(), options)
    };
    assert_eq!(client.config().session_window, WindowPolicy::Enforce);

    let text = Message::text(BUSINESS, USER, "your order shipped");
    let err = client.send(&text).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::SessionWindowClosed, "{err}");
    assert!(err.task_id().is_some());
    assert!(sandbox.ledger().is_empty(), "refused before sending");
    let template = Message::template(BUSINESS, USER, "744c4b5c79c94324", "en", TemplateParams::default());
    client.send(&template).await.unwrap();

    // Asked to, a client sends its fallback template instead, with the message's TaskId.
    let fallback = {
        let options = ClientOptions {
            event_store: Some(file.0.display().to_string()),
            session_window: Some("fallback".into()),
            session_window_template: Some("744c4b5c79c94324".into()),
            session_window_language: Some("en".into()),
            ..ClientOptions::default()
        };
        cams_client(&sandbox, file.open(), options)
    };
    let tagged = Message { task_id: Some("reengage-1".into()), ..text.clone() };
    let receipt = fallback.send(&tagged).await.unwrap();
    assert!(receipt.fallback);
    let sent = sandbox.ledger().entries().pop().unwrap();
    assert_eq!(sent.message_id, receipt.message_id);
    let params = &sent.params;
    assert_eq!((params["Type"].as_str(), params["TemplateCode"].as_str()), ("template", "744c4b5c79c94324"));
    assert_eq!((params["To"].as_str(), params["TaskId"].as_str()), (USER, "reengage-1"));
    assert!(!params.contains_key("Content"), "{params:?}");

    let inbound = json!({"from": USER, "to": BUSINESS, "text": "where is my order?"}).to_string();
    let answer = call(&sandbox, "POST", "/_sandbox/inbound", &[], &inbound).await.unwrap();
    assert_eq!(
        (answer.status, answer.headers["content-type"].to_str().unwrap()),
        (200, "application/json"),
        "{answer:?}"
    );
    until(&received, "the user's message", |events| events.iter().any(|e| matches!(e, Event::Inbound(_)))).await;
    assert!(!client.send(&text).await.unwrap().fallback);
    assert!(!fallback.send(&text).await.unwrap().fallback, "an open window needs no fallback");
    assert_eq!(sandbox.ledger().len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_whose_answer_never_came_is_resolved_by_its_receipt() {
    let file = StoreFile::new("unknown");
    let store = file.open();
    let (url, _received) = webhook_server(receiver(file.open())).await;
    let sandbox = pushing_sandbox(&url).await;
    let options = ClientOptions { request_timeout_ms: Some(300), max_attempts: Some(1), ..ClientOptions::default() };
    let client = cams_client(&sandbox, Arc::clone(&store), options);
    sandbox.inject(serde_json::from_value(json!({"fault": {"kind": "hang"}, "times": 1})).unwrap());
    let message = Message {
        task_id: Some("order-4711".into()),
        ..Message::template(BUSINESS, USER, "744c4b5c79c94324", "en", TemplateParams::default())
    };
    let err = client.send(&message).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::OutcomeUnknown, "{err}");
    let mut state = SendState::Unknown;
    for _ in 0..500 {
        state = store.send(ProviderKind::Cams, "order-4711").unwrap().expect("recorded").state;
        if state != SendState::Unknown {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let entries = sandbox.ledger().entries();
    assert_eq!(entries.len(), 1, "sent once, never again");
    assert_eq!(state, SendState::Accepted { message_id: entries[0].message_id.clone() });
    assert!(store.unknown_sends(ProviderKind::Cams).unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn meta_webhooks_are_verified_and_deduplicated() {
    let file = StoreFile::new("meta");
    let (url, received) = webhook_server(receiver(file.open())).await;
    let sandbox = pushing_sandbox(&url).await;
    let options = ClientOptions {
        provider: Some("meta".into()),
        access_token: Some(DEFAULT_TOKEN.into()),
        endpoint: Some(sandbox.endpoint()),
        ..ClientOptions::default()
    };
    let client = Client::new(ClientConfig::from_options(options).unwrap()).unwrap();
    sandbox.inject(
        serde_json::from_value(json!({"api": "meta", "fault": {"kind": "duplicate", "count": 2}, "times": 3})).unwrap(),
    );
    let template = Template { name: Some("order_update".into()), language: "en_US".into(), ..Template::default() };
    let message = Message { template: Some(template), ..Message::new(DEFAULT_PHONE_NUMBER_ID, "16505551234") };
    let receipt = client.send(&message).await.unwrap();
    until(&received, "three statuses", |events| statuses_of(events, &receipt.message_id).len() == 3).await;
    for _ in 0..500 {
        if pushes(&sandbox).await >= 6 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let statuses = statuses_of(&received.lock().unwrap(), &receipt.message_id);
    assert_eq!(statuses, [DeliveryStatus::Sent, DeliveryStatus::Delivered, DeliveryStatus::Read]);
}
