//! Receiving at volume (issue 16): one body of 1,000 events through `Receiver::handle_at`
//! (size check, authentication, parse, dedup in the store) and the commit of their keys,
//! as a webhook server runs it. Every iteration gets a body of events never seen before, so
//! each one is admitted as new (the costly path); building the body is left out.
//!
//! * `ingest/cams_status_1000/{none,memory,sqlite}`: a CAMS `ChatAppStatus` push (URL token),
//!   without a store, with the in-memory store, with the SQLite store (WAL, one file).
//! * `ingest/meta_1000/{memory,sqlite}`: a Meta notification of 1,000 statuses, its
//!   `X-Hub-Signature-256` verified over the raw bytes.
//!
//! Events per second are 1,000 ÷ the time shown; the issue's targets: ≥ 100,000/s in
//! memory, ≥ 30,000/s with SQLite, per core.

use std::hint::black_box;
use std::sync::Arc;

use chatlane_core::Secret;
use chatlane_core::events::Event;
use chatlane_core::receive::{Endpoint, Receiver, ReceiverConfig, WebhookRequest};
use chatlane_core::store::{EventStore, MemoryStore, SqliteStore};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use hmac::{Hmac, Mac};
use sha2::Sha256;

const EVENTS: usize = 1_000;
const APP_SECRET: &str = "bench-app-secret";

/// A CAMS status push of `EVENTS` receipts whose message IDs start at `first`.
fn cams_body(first: usize) -> Vec<u8> {
    let receipts: Vec<String> = (first..first + EVENTS)
        .map(|i| {
            format!(
                r#"{{"MessageId":"m-{i}","Status":"Delivered","From":"8613800000000","To":"6591234567","Timestamp":1691043638000,"TaskId":"t-{i}","ConversationType":"service"}}"#
            )
        })
        .collect();
    format!("[{}]", receipts.join(",")).into_bytes()
}

/// A Meta notification of `EVENTS` statuses whose wamids start at `first`, and its signature.
fn meta_body(first: usize) -> (Vec<u8>, String) {
    let statuses: Vec<String> = (first..first + EVENTS)
        .map(|i| {
            format!(
                r#"{{"id":"wamid.{i}","status":"delivered","timestamp":"1750263773","recipient_id":"16505551234","biz_opaque_callback_data":"t-{i}"}}"#
            )
        })
        .collect();
    let body = format!(
        r#"{{"object":"whatsapp_business_account","entry":[{{"id":"102290129340398","changes":[{{"field":"messages","value":{{"messaging_product":"whatsapp","metadata":{{"display_phone_number":"15550783881","phone_number_id":"106540352242922"}},"statuses":[{}]}}}}]}}]}}"#,
        statuses.join(",")
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(APP_SECRET.as_bytes()).expect("any key length");
    mac.update(body.as_bytes());
    (body.into_bytes(), format!("sha256={}", hex::encode(mac.finalize().into_bytes())))
}

fn receiver(store: Option<Arc<dyn EventStore>>) -> Receiver {
    let config = ReceiverConfig {
        meta_app_secret: Some(Secret::new(APP_SECRET)),
        cams_token: Some(Secret::new("bench")),
        ..ReceiverConfig::default()
    };
    let receiver = Receiver::new(config).expect("a valid configuration");
    match store {
        Some(store) => receiver.with_store(store),
        None => receiver,
    }
}

/// Handles one body and commits what it yielded, as a server does; the events handed out.
fn ingest(receiver: &Receiver, endpoint: Endpoint, query: &str, headers: &[(String, String)], body: &[u8]) -> usize {
    let request = WebhookRequest { method: "POST", query, headers, body, remote_addr: None };
    let reply = receiver.handle_at(endpoint, &request, 1_750_000_000_000);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let keys: Vec<String> = reply.events.iter().map(Event::dedup_key).collect();
    receiver.commit(&keys).expect("the store commits");
    reply.events.len()
}

fn bench_ingest(c: &mut Criterion) {
    let file = std::env::temp_dir().join(format!("chatlane-bench-ingest-{}.db", std::process::id()));
    let store = |name: &str| -> Option<Arc<dyn EventStore>> {
        match name {
            "memory" => Some(Arc::new(MemoryStore::new())),
            "sqlite" => Some(Arc::new(SqliteStore::open(&file).expect("a temporary SQLite file"))),
            _ => None,
        }
    };
    let mut next = 0;
    let mut fresh = || {
        next += EVENTS;
        next
    };
    for name in ["none", "memory", "sqlite"] {
        let receiver = receiver(store(name));
        c.bench_function(&format!("ingest/cams_status_1000/{name}"), |b| {
            b.iter_batched(
                || cams_body(fresh()),
                |body| black_box(ingest(&receiver, Endpoint::CamsStatus, "token=bench", &[], &body)),
                BatchSize::PerIteration,
            )
        });
    }
    for name in ["memory", "sqlite"] {
        let receiver = receiver(store(name));
        c.bench_function(&format!("ingest/meta_1000/{name}"), |b| {
            b.iter_batched(
                || {
                    let (body, signature) = meta_body(fresh());
                    (body, vec![("X-Hub-Signature-256".to_owned(), signature)])
                },
                |(body, headers)| black_box(ingest(&receiver, Endpoint::Meta, "", &headers, &body)),
                BatchSize::PerIteration,
            )
        });
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
}

criterion_group!(benches, bench_ingest);
criterion_main!(benches);
