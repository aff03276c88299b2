//! Receipts, inbound messages and the 24-hour window, observed by a local callback receiver,
//! and the push faults that hold them back or redeliver them.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{Path, State};
use axum::routing::post;
use chatlane_core::{Client, ClientConfig, ClientOptions, Message, TemplateParams};
use chatlane_sandbox::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Sandbox, SandboxConfig};
use serde_json::Value;
use tokio::net::TcpListener;

const BUSINESS: &str = "8613800000000";

type Received = Arc<Mutex<Vec<(String, Value)>>>;

/// A callback receiver: every item of every posted JSON array, tagged with the path.
async fn receiver() -> (String, Received) {
    let received: Received = Arc::default();
    let app = axum::Router::new()
        .route(
            "/{kind}",
            post(
                |State(received): State<Received>, Path(kind): Path<String>, Json(items): Json<Vec<Value>>| async move {
                    received.lock().unwrap().extend(items.into_iter().map(|item| (kind.clone(), item)));
                    "ok"
                },
            ),
        )
        .with_state(Arc::clone(&received));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, received)
}

async fn setup() -> (Sandbox, Client, Received) {
    let (url, received) = receiver().await;
    let config = SandboxConfig::parse(&format!(
        r#"{{"custSpaces": [{{"id": "cams-1", "numbers": ["{BUSINESS}"],
              "statusCallbackUrl": "{url}/status", "upCallbackUrl": "{url}/inbound"}}],
            "receiptDelayMs": 5}}"#
    ))
    .unwrap();
    let sandbox = Sandbox::start(config, SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
    let client = Client::new(
        ClientConfig::from_options(ClientOptions {
            access_key_id: Some(DEFAULT_ACCESS_KEY_ID.into()),
            access_key_secret: Some(DEFAULT_ACCESS_KEY_SECRET.into()),
            endpoint: Some(sandbox.endpoint()),
            ..ClientOptions::default()
        })
        .unwrap(),
    )
    .unwrap();
    (sandbox, client, received)
}

/// The statuses pushed for `message_id`, once `count` have arrived (bounded wait).
async fn statuses(received: &Received, message_id: &str, count: usize) -> Vec<Value> {
    for _ in 0..500 {
        let found: Vec<Value> = received
            .lock()
            .unwrap()
            .iter()
            .filter(|(kind, item)| kind == "status" && item["MessageId"] == message_id)
            .map(|(_, item)| item.clone())
            .collect();
        if found.len() >= count {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("fewer than {count} receipts for {message_id}: {:?}", received.lock().unwrap());
}

#[tokio::test]
async fn a_template_is_sent_delivered_and_read() {
    let (_sandbox, client, received) = setup().await;
    let params = TemplateParams::from_iter([("name".to_owned(), "Ada".to_owned())]);
    let receipt = client.send(&Message::template(BUSINESS, "6591234567", "C1", "en", params)).await.unwrap();
    let pushed = statuses(&received, &receipt.message_id, 3).await;
    let names: Vec<&str> = pushed.iter().map(|r| r["Status"].as_str().unwrap()).collect();
    assert_eq!(names, ["Sent", "Delivered", "Read"]);
    assert_eq!(pushed[0]["TaskId"], receipt.task_id.as_str());
    assert_eq!((pushed[0]["TemplateCode"].as_str(), pushed[0]["To"].as_str()), (Some("C1"), Some("6591234567")));
    assert!(pushed[0]["Timestamp"].as_u64().is_some());
}

#[tokio::test]
async fn free_form_outside_the_window_is_accepted_then_fails_with_131047() {
    let (_sandbox, client, received) = setup().await;
    let receipt = client.send(&Message::text(BUSINESS, "6591234567", "hello?")).await.unwrap();
    let pushed = statuses(&received, &receipt.message_id, 1).await;
    assert_eq!(pushed[0]["Status"], "Failed");
    assert_eq!(pushed[0]["ErrorCode"], "131047");
    assert_eq!(pushed[0]["MsgFrameType"], "message");
}

#[tokio::test]
async fn an_inbound_message_is_pushed_and_opens_the_window() {
    let (sandbox, client, received) = setup().await;
    let inbound = serde_json::json!({"from": "6591234567", "to": BUSINESS, "text": "I have a question"});
    let answer = post_json(&format!("{}/_sandbox/inbound", sandbox.endpoint()), &inbound.to_string()).await;
    assert!(answer.contains("MessageId"), "{answer}");
    let pushed: Vec<Value> =
        received.lock().unwrap().iter().filter(|(kind, _)| kind == "inbound").map(|(_, item)| item.clone()).collect();
    assert_eq!(pushed.len(), 1, "the inbound message is pushed before the admin call returns");
    assert_eq!((pushed[0]["Type"].as_str(), pushed[0]["Message"].as_str()), (Some("TEXT"), Some("I have a question")));
    assert_eq!(pushed[0]["CustSpaceId"], "cams-1");

    let reply = client.send(&Message::text(BUSINESS, "6591234567", "Happy to help")).await.unwrap();
    let names: Vec<String> = statuses(&received, &reply.message_id, 3)
        .await
        .iter()
        .map(|r| r["Status"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["Sent", "Delivered", "Read"]);
}

#[tokio::test]
async fn a_delay_fault_holds_receipts_back_and_a_duplicate_fault_redelivers() {
    let (sandbox, client, received) = setup().await;
    let rule = |rule: Value| serde_json::from_value(rule).unwrap();
    sandbox.inject(rule(serde_json::json!({"fault": {"kind": "delay", "ms": 1000}, "to": "6591234567"})));
    let start = Instant::now();
    let params = TemplateParams::from_iter([("name".to_owned(), "Ada".to_owned())]);
    let receipt = client.send(&Message::template(BUSINESS, "6591234567", "C1", "en", params)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(received.lock().unwrap().is_empty(), "held back");
    let names: Vec<String> = statuses(&received, &receipt.message_id, 3)
        .await
        .iter()
        .map(|r| r["Status"].as_str().unwrap().to_owned())
        .collect();
    assert!(start.elapsed() >= Duration::from_millis(1000));
    assert_eq!(names, ["Sent", "Delivered", "Read"], "in order, the first one late");

    sandbox.inject(rule(serde_json::json!({"fault": {"kind": "duplicate", "count": 3}})));
    let inbound = serde_json::json!({"from": "6591234567", "to": BUSINESS, "text": "again?"});
    post_json(&format!("{}/_sandbox/inbound", sandbox.endpoint()), &inbound.to_string()).await;
    let pushed: Vec<Value> =
        received.lock().unwrap().iter().filter(|(kind, _)| kind == "inbound").map(|(_, item)| item.clone()).collect();
    assert_eq!(pushed.len(), 3, "{pushed:?}");
    assert!(pushed.iter().all(|item| *item == pushed[0]), "the same message each time");
}

/// POSTs a JSON body with the core's own transport (no extra HTTP client in the tests).
async fn post_json(url: &str, body: &str) -> String {
    use axum::body::Bytes;
    use axum::http::Request;
    use chatlane_core::transport::{DirectTransport, Transport, TransportConfig};
    let transport = DirectTransport::new(&TransportConfig { no_proxy: true, ..TransportConfig::default() }).unwrap();
    let request =
        Request::post(url).header("content-type", "application/json").body(Bytes::from(body.to_owned())).unwrap();
    String::from_utf8(transport.send(request).await.unwrap().body).unwrap()
}
