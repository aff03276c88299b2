//! Meta's webhooks, received by a local receiver: statuses of accepted messages, the 24-hour
//! window (`failed`, 131047), simulated inbound messages, and the push faults that redeliver
//! or hold them back. Every delivery is checked the way a receiver would: its
//! `X-Hub-Signature-256` with the core's `verify_meta_signature`, its body with
//! `parse_meta_webhook`.

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use chatlane_core::events::{
    DeliveryStatus, Event, InboundContent, SignatureMatch, parse_meta_webhook, verify_meta_signature,
};
use chatlane_core::{Client, ClientConfig, ClientOptions, Message, SendReceipt, Template};
use chatlane_sandbox::meta::{DEFAULT_APP_SECRET, DEFAULT_PHONE_NUMBER_ID, DEFAULT_TOKEN, DEFAULT_WABA_ID};
use chatlane_sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};
use support::{call, sandbox};
use tokio::net::TcpListener;

const TO: &str = "16505551234";

/// One webhook delivery: its signature header, its raw body, when it arrived.
#[derive(Clone, Debug)]
struct Delivery {
    signature: Option<String>,
    body: Bytes,
    at: Instant,
}

type Received = Arc<Mutex<Vec<Delivery>>>;

/// A webhook receiver on a free loopback port: its URL and what it received.
async fn receiver() -> (String, Received) {
    let received: Received = Arc::default();
    let app = axum::Router::new()
        .route(
            "/webhook",
            post(|State(received): State<Received>, headers: HeaderMap, body: Bytes| async move {
                let signature = headers.get("x-hub-signature-256").and_then(|v| v.to_str().ok()).map(str::to_owned);
                received.lock().unwrap().push(Delivery { signature, body, at: Instant::now() });
                "ok"
            }),
        )
        .with_state(Arc::clone(&received));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/webhook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, received)
}

/// A sandbox whose Meta webhooks go to a fresh receiver, and a Meta client of it.
async fn setup() -> (Sandbox, Client, Received) {
    let (url, received) = receiver().await;
    let config = SandboxConfig::parse(&format!(r#"{{"meta": {{"webhookUrl": "{url}"}}, "receiptDelayMs": 5}}"#));
    let sandbox = sandbox(config.unwrap()).await;
    let options = ClientOptions {
        provider: Some("meta".into()),
        access_token: Some(DEFAULT_TOKEN.into()),
        endpoint: Some(sandbox.endpoint()),
        ..ClientOptions::default()
    };
    let client = Client::new(ClientConfig::from_options(options).unwrap()).unwrap();
    (sandbox, client, received)
}

/// The first `count` deliveries (bounded wait), each checked: signed with the app secret
/// over its exact bytes, and parsed into one event.
async fn delivered(received: &Received, count: usize) -> Vec<(Delivery, Event)> {
    for _ in 0..500 {
        let deliveries: Vec<Delivery> = received.lock().unwrap().clone();
        if deliveries.len() >= count {
            return deliveries.into_iter().take(count).map(checked).collect();
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("fewer than {count} webhooks: {:?}", received.lock().unwrap());
}

fn checked(delivery: Delivery) -> (Delivery, Event) {
    let signature = verify_meta_signature(DEFAULT_APP_SECRET.as_bytes(), &delivery.body, delivery.signature.as_deref());
    assert_eq!(signature, Ok(SignatureMatch::Raw), "{delivery:?}");
    let mut events = parse_meta_webhook(&delivery.body).unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    (delivery, events.remove(0))
}

/// Whatever arrives after a pause, beyond the `count` expected.
async fn extra(received: &Received, count: usize) -> Vec<Delivery> {
    tokio::time::sleep(Duration::from_millis(150)).await;
    received.lock().unwrap().iter().skip(count).cloned().collect()
}

fn statuses(events: &[(Delivery, Event)]) -> Vec<DeliveryStatus> {
    events
        .iter()
        .map(|(_, event)| match event {
            Event::Status(status) => status.status.clone(),
            other => panic!("not a status: {other:?}"),
        })
        .collect()
}

async fn send_template(client: &Client, task_id: &str) -> SendReceipt {
    let template = Template { name: Some("order_update".into()), language: "en_US".into(), ..Template::default() };
    let message = Message {
        template: Some(template),
        task_id: Some(task_id.into()),
        ..Message::new(DEFAULT_PHONE_NUMBER_ID, TO)
    };
    client.send(&message).await.unwrap()
}

async fn inject(sandbox: &Sandbox, rule: Value) {
    let answer = call(sandbox, "POST", "/_sandbox/faults", &[], &rule.to_string()).await.unwrap();
    assert_eq!(answer.status, 204, "{rule}: {answer:?}");
}

#[tokio::test]
async fn an_accepted_message_is_sent_delivered_and_read_in_signed_webhooks() {
    let (sandbox, client, received) = setup().await;
    let receipt = send_template(&client, "task-7").await;
    let events = delivered(&received, 3).await;
    assert_eq!(statuses(&events), [DeliveryStatus::Sent, DeliveryStatus::Delivered, DeliveryStatus::Read]);
    for (_, event) in &events {
        let Event::Status(status) = event else { unreachable!() };
        assert_eq!(
            (status.message_id.as_str(), status.task_id.as_deref()),
            (receipt.message_id.as_str(), Some("task-7"))
        );
        assert_eq!(
            (status.business.number.as_str(), status.business.account_id.as_deref()),
            (DEFAULT_PHONE_NUMBER_ID, Some(DEFAULT_WABA_ID))
        );
        assert_eq!(status.business.display_number.as_deref(), Some("15550783881"));
        assert_eq!(status.recipient.phone.as_deref(), Some(TO));
        assert!(status.timestamp_ms.is_some() && status.errors.is_empty(), "{status:?}");
    }
    let Event::Status(sent) = &events[0].1 else { unreachable!() };
    let pricing = sent.pricing.as_ref().expect("pricing with sent");
    assert_eq!((pricing.category.as_deref(), pricing.model.as_deref()), (Some("utility"), Some("PMP")));
    assert!(extra(&received, 3).await.is_empty());

    let log = call(&sandbox, "GET", "/_sandbox/callbacks", &[], "").await.unwrap().body;
    let kinds: Vec<&str> = log.as_array().unwrap().iter().map(|push| push["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["meta_status"; 3]);
    assert_eq!(log[0]["body"]["object"], "whatsapp_business_account");
}

#[tokio::test]
async fn free_form_to_a_closed_window_is_accepted_then_fails_with_131047() {
    let (_sandbox, client, received) = setup().await;
    let receipt = client.send(&Message::text(DEFAULT_PHONE_NUMBER_ID, TO, "hello?")).await.unwrap();
    let events = delivered(&received, 1).await;
    let Event::Status(failed) = &events[0].1 else { panic!("{:?}", events[0].1) };
    assert_eq!(
        (failed.status.clone(), failed.message_id.as_str()),
        (DeliveryStatus::Failed, receipt.message_id.as_str())
    );
    assert_eq!(failed.task_id.as_deref(), Some(receipt.task_id.as_str()));
    assert_eq!(failed.errors.len(), 1);
    assert_eq!(failed.errors[0].code, "131047");
    assert!(extra(&received, 1).await.is_empty(), "nothing after failed");
}

#[tokio::test]
async fn an_injected_inbound_message_is_pushed_and_opens_the_window() {
    let (sandbox, client, received) = setup().await;
    let inbound = json!({"from": "+1 650-555-1234", "to": DEFAULT_PHONE_NUMBER_ID, "text": "I have a question",
                         "name": "Sheena"});
    let answer = call(&sandbox, "POST", "/_sandbox/meta/inbound", &[], &inbound.to_string()).await.unwrap();
    assert_eq!(
        (answer.status, answer.headers["content-type"].to_str().unwrap()),
        (200, "application/json"),
        "{answer:?}"
    );
    let id = answer.body["id"].as_str().unwrap().to_owned();
    assert_eq!(received.lock().unwrap().len(), 1, "pushed before the control call answers");
    let events = delivered(&received, 1).await;
    let Event::Inbound(message) = &events[0].1 else { panic!("{:?}", events[0].1) };
    assert_eq!((message.message_id.as_str(), message.business.number.as_str()), (id.as_str(), DEFAULT_PHONE_NUMBER_ID));
    assert_eq!((message.sender.phone.as_deref(), message.sender.name.as_deref()), (Some(TO), Some("Sheena")));
    let InboundContent::Text(text) = &message.content else { panic!("{:?}", message.content) };
    assert_eq!(text.body, "I have a question");

    client.send(&Message::text(DEFAULT_PHONE_NUMBER_ID, TO, "Happy to help")).await.unwrap();
    let events = delivered(&received, 4).await;
    assert_eq!(statuses(&events[1..]), [DeliveryStatus::Sent, DeliveryStatus::Delivered, DeliveryStatus::Read]);
    let Event::Status(sent) = &events[1].1 else { unreachable!() };
    assert_eq!(sent.pricing.as_ref().and_then(|p| p.category.as_deref()), Some("service"));

    for (body, status) in [
        (json!({"from": "not a number", "to": DEFAULT_PHONE_NUMBER_ID, "text": "x"}), 400),
        (json!({"from": TO, "to": "999", "text": "x"}), 404),
        (json!({"from": TO, "text": "x"}), 400),
    ] {
        let answer = call(&sandbox, "POST", "/_sandbox/meta/inbound", &[], &body.to_string()).await.unwrap();
        assert_eq!(answer.status, status, "{body}: {answer:?}");
    }
}

#[tokio::test]
async fn a_duplicate_fault_delivers_each_push_several_times() {
    let (sandbox, client, received) = setup().await;
    inject(&sandbox, json!({"api": "meta", "fault": {"kind": "duplicate", "count": 3}, "times": 3})).await;
    send_template(&client, "task-dup").await;
    let events = delivered(&received, 9).await;
    let expected =
        [DeliveryStatus::Sent, DeliveryStatus::Delivered, DeliveryStatus::Read].map(|s| [s.clone(), s.clone(), s]);
    assert_eq!(statuses(&events), expected.concat());
    for copies in events.chunks(3) {
        assert!(copies.iter().all(|(delivery, _)| delivery.body == copies[0].0.body), "the same bytes each time");
    }
    assert!(extra(&received, 9).await.is_empty());

    send_template(&client, "task-once").await;
    assert_eq!(statuses(&events_after(&received, 9, 3).await).len(), 3, "the rule is used up");
}

/// The `count` deliveries after the first `skip`.
async fn events_after(received: &Received, skip: usize, count: usize) -> Vec<(Delivery, Event)> {
    delivered(received, skip + count).await.split_off(skip)
}

#[tokio::test]
async fn a_delay_fault_holds_pushes_back() {
    let (sandbox, client, received) = setup().await;
    inject(&sandbox, json!({"api": "meta", "fault": {"kind": "delay", "ms": 400}, "to": TO})).await;
    let start = Instant::now();
    send_template(&client, "task-late").await;
    let events = delivered(&received, 3).await;
    assert!(events[0].0.at - start >= Duration::from_millis(400), "{:?}", events[0].0.at - start);
    assert_eq!(statuses(&events), [DeliveryStatus::Sent, DeliveryStatus::Delivered, DeliveryStatus::Read]);
}
