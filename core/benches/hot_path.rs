//! The core's hot path with the network out of the picture (issue 6): what one message
//! costs in CPU before and after the wire.
//!
//! * `build_validate_sign/{template,text,interactive_list}`: `validate` + wire parameters + the signed
//!   request (fixed date, fresh `random_id()` nonce and generated `TaskId`, as `Client::send`
//!   does). The issue's target is ≤ 5 µs.
//! * `sign/acs3_hmac_sha256`: the signature alone (canonical request, SHA-256, HMAC), to
//!   set beside the official SDKs' 19.4 µs (Python) and 10.6 µs (Node) in
//!   `bench/ANCHORS.md`.
//! * `classify/ok`: parsing and classifying the benchmark endpoint's 200 answer.
//! * `send/null_transport`: a whole `Client::send` (validate → sign → transport → classify)
//!   over a transport that hands back that answer without I/O, pacing off, on a
//!   current-thread tokio runtime; template and text messages alternate.
//!
//! * `meta/build_validate_serialize/{template,text,interactive_list}`: the same messages sent
//!   from a Meta phone number ID: the neutral and Meta rules + the JSON body (issue 15's
//!   target: ≤ 2 µs).
//! * `send/meta_null_transport`: a whole Meta `Client::send` over a transport answering Meta's
//!   success, pacing off.
//!
//! `cargo bench -p chatlane-core --bench hot_path` (add `-- --quick` for a short run).

use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use chatlane_core::Operation;
use chatlane_core::cams::request::{self, RequestContext};
use chatlane_core::cams::response;
use chatlane_core::cams::sign::{self, EMPTY_BODY_SHA256, SigningInput};
use chatlane_core::cams::wire::{self, Defaults};
use chatlane_core::transport::{BoxFuture, HttpRequest, HttpResponse, Transport};
use chatlane_core::{
    Client, ClientConfig, Credentials, DEFAULT_USER_AGENT, Endpoint, Error, Message, Pacing, TemplateParams, validate,
};
use chatlane_core::{meta, random_id};
use criterion::{Criterion, criterion_group, criterion_main};

/// What the benchmark endpoint (`bench/nginx.conf`, port 18080) answers to every send.
const OK_BODY: &str =
    r#"{"RequestId":"0C5B7E0A-1A2B-4C3D-9E8F-112233445566","Code":"OK","Message":"OK","MessageId":"abc"}"#;
const DATE: &str = "2024-05-01T08:00:00Z";

fn template() -> Message {
    let params =
        TemplateParams::from_iter([("name".to_owned(), "Ada".to_owned()), ("code".to_owned(), "123456".to_owned())]);
    Message::template("8613800000000", "6591234567", "744c4b5c79c94324", "en", params)
}

fn text() -> Message {
    Message::text("8613800000000", "6591234567", "hello")
}

/// The richest common message: a list of 3 sections, 10 rows, header and footer.
fn interactive_list() -> Message {
    let rows = |section: usize| {
        (0..[4, 3, 3][section]).map(move |row| serde_json::json!({"id": format!("s{section}r{row}"), "title": "A row", "description": "Its details"}))
    };
    let sections: Vec<_> = (0..3)
        .map(|s| serde_json::json!({"title": format!("Section {s}"), "rows": rows(s).collect::<Vec<_>>()}))
        .collect();
    Message::from_json_value(serde_json::json!({
        "from": "8613800000000", "to": "6591234567",
        "content": {"messageType": "interactive", "type": "list", "header": {"type": "text", "text": "Menu"},
                    "body": {"text": "Pick a dish"}, "footer": {"text": "Open daily"},
                    "action": {"button": "See the menu", "sections": sections}}
    }))
    .expect("a valid list message")
}

fn credentials() -> Credentials {
    Credentials::new("bench-key-id", "bench-key-secret", None).expect("non-empty credentials")
}

fn endpoint() -> Endpoint {
    Endpoint::parse("http://127.0.0.1:18080").expect("loopback HTTP is allowed")
}

fn ok_answer() -> HttpResponse {
    HttpResponse { status: 200, request_id: None, retry_after_ms: None, body: OK_BODY.as_bytes().to_vec() }
}

/// Validate, map to wire parameters, date/nonce and sign: `Client::send` minus pacing,
/// I/O and classification.
fn build_validate_sign(message: &Message, credentials: &Credentials, endpoint: &Endpoint) -> HttpRequest {
    validate::validate(message).expect("the benchmark messages are valid");
    let task_id = random_id();
    let params = wire::send_message_params(message, Defaults { cust_space_id: None, task_id: Some(&task_id) });
    let nonce = random_id();
    let ctx = RequestContext { credentials, endpoint, date: DATE, nonce: &nonce, user_agent: DEFAULT_USER_AGENT };
    request::build(Operation::SendChatappMessage, &params, &ctx).expect("the benchmark configuration is valid")
}

fn bench_build_validate_sign(c: &mut Criterion) {
    let (credentials, endpoint) = (credentials(), endpoint());
    let mut group = c.benchmark_group("build_validate_sign");
    for (name, message) in [("template", template()), ("text", text()), ("interactive_list", interactive_list())] {
        group.bench_function(name, |b| {
            b.iter(|| build_validate_sign(black_box(&message), &credentials, &endpoint));
        });
    }
    group.finish();
}

fn bench_sign(c: &mut Criterion) {
    let message = template();
    let params = wire::send_message_params(&message, Defaults { cust_space_id: None, task_id: Some(&random_id()) });
    let query: Vec<(&str, &str)> = params.iter().collect();
    let nonce = random_id();
    let headers = [
        ("host", "127.0.0.1:18080"),
        ("x-acs-action", "SendChatappMessage"),
        ("x-acs-version", "2020-06-06"),
        ("x-acs-date", DATE),
        ("x-acs-signature-nonce", nonce.as_str()),
        ("x-acs-content-sha256", EMPTY_BODY_SHA256),
    ];
    let input =
        SigningInput { method: "POST", path: "/", query: &query, headers: &headers, hashed_payload: EMPTY_BODY_SHA256 };
    c.benchmark_group("sign").bench_function("acs3_hmac_sha256", |b| {
        b.iter(|| sign::sign(black_box(&input), "bench-key-secret"));
    });
}

fn bench_classify(c: &mut Criterion) {
    let answer = ok_answer();
    c.benchmark_group("classify").bench_function("ok", |b| {
        b.iter(|| response::classify_send(black_box(&answer)).expect("the canned answer is a success"));
    });
}

/// A Meta phone number ID as the sender of `message`.
fn from_meta(message: Message) -> Message {
    Message { from: "106540352242922".into(), ..message }
}

fn meta_template() -> Message {
    let params = TemplateParams::from_iter([("first_name".to_owned(), "Ada".to_owned())]);
    let template = chatlane_core::Template {
        name: Some("order_update".into()),
        language: "en_US".into(),
        params,
        ..Default::default()
    };
    Message { template: Some(template), ..Message::new("106540352242922", "6591234567") }
}

fn bench_meta(c: &mut Criterion) {
    let mut group = c.benchmark_group("meta/build_validate_serialize");
    for (name, message) in [
        ("template", meta_template()),
        ("text", from_meta(text())),
        ("interactive_list", from_meta(interactive_list())),
    ] {
        assert!(meta::violations(&message).is_empty(), "{name}: {:?}", meta::violations(&message));
        group.bench_function(name, |b| {
            b.iter(|| {
                let message = black_box(&message);
                assert!(meta::violations(message).is_empty());
                meta::message_json(message, Some(&random_id()))
            });
        });
    }
    group.finish();
}

/// Answers every request with the canned success, without I/O.
struct NullTransport(HttpResponse);

impl Transport for NullTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, Error>> {
        black_box(request);
        Box::pin(async move { Ok(self.0.clone()) })
    }
}

fn bench_send(c: &mut Criterion) {
    let mut config = ClientConfig::new(credentials());
    config.endpoint = endpoint();
    config.pacing =
        Pacing { send_message: None, mass_message: None, per_recipient: None, max_wait: None, calls: false };
    let client = Client::with_transport(config, Arc::new(NullTransport(ok_answer()))).unwrap();
    bench_sends(c, "null_transport", &client, &[template(), text()]);
}

/// `client` sending `messages` in turn, one at a time, on a current-thread runtime.
fn bench_sends(c: &mut Criterion, name: &str, client: &Client, messages: &[Message]) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    c.benchmark_group("send").bench_function(name, |b| {
        b.iter_custom(|iterations| {
            runtime.block_on(async {
                let started = Instant::now();
                for i in 0..iterations {
                    let message = &messages[i as usize % messages.len()];
                    black_box(client.send(black_box(message)).await.expect("the null transport always accepts"));
                }
                started.elapsed()
            })
        });
    });
}

fn bench_meta_send(c: &mut Criterion) {
    let token =
        chatlane_core::oauth::TokenSource::fixed(chatlane_core::oauth::AccessToken::new("bench-token")).unwrap();
    let mut config = ClientConfig::meta(token);
    config.endpoint = endpoint();
    config.pacing =
        Pacing { send_message: None, mass_message: None, per_recipient: None, max_wait: None, calls: false };
    let answer = HttpResponse { status: 200, body: META_OK_BODY.as_bytes().to_vec(), ..HttpResponse::default() };
    let client = Client::with_transport(config, Arc::new(NullTransport(answer))).unwrap();
    bench_sends(c, "meta_null_transport", &client, &[meta_template(), from_meta(text())]);
}

/// What Meta answers to an accepted send.
const META_OK_BODY: &str = r#"{"messaging_product":"whatsapp","contacts":[{"input":"6591234567","wa_id":"6591234567"}],"messages":[{"id":"wamid.HBgLNjU5MTIzNDU2NxUCABEYEjQ"}]}"#;

criterion_group!(
    benches,
    bench_build_validate_sign,
    bench_sign,
    bench_classify,
    bench_send,
    bench_meta,
    bench_meta_send
);
criterion_main!(benches);
