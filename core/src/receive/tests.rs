use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::*;
use crate::credentials::Secret;

const APP_SECRET: &str = "meta-app-secret";
const VERIFY_TOKEN: &str = "verify-token";
const CAMS_TOKEN: &str = "cams-push-token";

const META_BODY: &str = r#"{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"statuses":[{"id":"wamid.1","status":"delivered","timestamp":"1750263773","recipient_id":"16505551234"}]}}]}]}"#;
const CAMS_STATUS: &str = r#"[{"MessageId":"m-1","Status":"Delivered","From":"8613800000000","To":"6591234567","Timestamp":1691043638000,"TaskId":"t-1"},{"MessageId":"m-2","Status":"Read","From":"8613800000000","To":"6591234567","Timestamp":1691043639000}]"#;
const CAMS_INBOUND: &str = r#"[{"MessageId":"in-1","From":"6591234567","To":"8613800000000","Type":"TEXT","Message":"hi","Timestamp":1691043638000}]"#;

fn config() -> ReceiverConfig {
    ReceiverConfig {
        meta_app_secret: Some(Secret::new(APP_SECRET)),
        meta_verify_token: Some(Secret::new(VERIFY_TOKEN)),
        cams_token: Some(Secret::new(CAMS_TOKEN)),
        ..ReceiverConfig::default()
    }
}

fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn post<'a>(query: &'a str, headers: &'a [(String, String)], body: &'a [u8]) -> WebhookRequest<'a> {
    WebhookRequest { method: "POST", query, headers, body, remote_addr: Some("47.74.1.2".parse().unwrap()) }
}

fn signed(body: &str) -> Vec<(String, String)> {
    vec![("X-Hub-Signature-256".into(), signature(APP_SECRET, body.as_bytes()))]
}

#[test]
fn a_signed_meta_notification_yields_its_events() {
    let receiver = Receiver::new(config()).unwrap();
    let headers = signed(META_BODY);
    let reply = receiver.handle(Endpoint::Meta, &post("", &headers, META_BODY.as_bytes()));
    assert_eq!((reply.status, reply.body.as_str(), reply.error.as_ref()), (200, "OK", None));
    assert_eq!(reply.events, events::parse_meta_webhook(META_BODY.as_bytes()).unwrap());
    assert_eq!(reply.events.len(), 1);
}

#[test]
fn a_meta_notification_without_a_valid_signature_is_401() {
    let receiver = Receiver::new(config()).unwrap();
    let wrong = vec![("x-hub-signature-256".into(), signature("another", META_BODY.as_bytes()))];
    for headers in [wrong, Vec::new(), vec![("X-Hub-Signature-256".into(), "sha256=00".into())]] {
        let reply = receiver.handle(Endpoint::Meta, &post("", &headers, META_BODY.as_bytes()));
        assert_eq!(reply.status, 401, "{headers:?}");
        assert_eq!(reply.error.as_ref().unwrap().code(), ErrorCode::SignatureMismatch);
        assert!(reply.events.is_empty());
        assert!(!reply.body.contains(APP_SECRET), "{}", reply.body);
        let body: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(body["code"], "SignatureMismatch");
    }
}

#[test]
fn meta_subscription_echoes_the_challenge_or_is_403() {
    let receiver = Receiver::new(config()).unwrap();
    let get = |query| WebhookRequest { method: "GET", query, headers: &[], body: b"", remote_addr: None };
    let reply =
        receiver.handle(Endpoint::Meta, &get("hub.mode=subscribe&hub.challenge=42&hub.verify_token=verify-token"));
    assert_eq!((reply.status, reply.content_type, reply.body.as_str()), (200, "text/plain", "42"));
    let reply = receiver.handle(Endpoint::Meta, &get("hub.mode=subscribe&hub.challenge=42&hub.verify_token=guess"));
    assert_eq!(reply.status, 403);
    assert!(!reply.body.contains(VERIFY_TOKEN));
    let reply = receiver.handle(Endpoint::Meta, &get("hub.mode=subscribe&hub.verify_token=verify-token"));
    assert_eq!(reply.status, 400);
    // A GET to a CAMS endpoint is not a subscription.
    assert_eq!(receiver.handle(Endpoint::CamsStatus, &get("")).status, 405);
}

#[test]
fn unreadable_oversized_or_misdirected_bodies_get_a_4xx_and_a_typed_error() {
    let receiver = Receiver::new(config()).unwrap();
    let truncated = &META_BODY[..80];
    let headers = signed(truncated);
    let reply = receiver.handle(Endpoint::Meta, &post("", &headers, truncated.as_bytes()));
    assert_eq!((reply.status, reply.error.unwrap().code()), (400, ErrorCode::InvalidParameter));

    let huge = vec![b' '; 10 * 1024 * 1024];
    let reply = receiver.handle(Endpoint::Meta, &post("", &[], &huge));
    assert_eq!((reply.status, reply.error.unwrap().code()), (413, ErrorCode::InvalidParameter));

    let wrong_types = br#"{"MessageId": 5}"#;
    let reply = receiver.handle(Endpoint::CamsStatus, &post("token=cams-push-token", &[], b"\"just a string\""));
    assert_eq!(reply.status, 400);
    let reply = receiver.handle(Endpoint::CamsStatus, &post("token=cams-push-token", &[], wrong_types));
    assert_eq!(reply.status, 200, "one unreadable element is an unsupported event, not a refusal");
    assert!(matches!(reply.events[..], [Event::Unsupported(_)]), "{:?}", reply.events);

    let put = WebhookRequest { method: "PUT", ..post("", &[], b"[]") };
    assert_eq!(receiver.handle(Endpoint::Meta, &put).status, 405);
}

#[test]
fn cams_pushes_need_the_url_token() {
    let receiver = Receiver::new(config()).unwrap();
    let reply = receiver.handle(Endpoint::CamsStatus, &post("?token=cams-push-token", &[], CAMS_STATUS.as_bytes()));
    assert_eq!((reply.status, reply.body.as_str()), (200, r#"{"code":0,"msg":"success"}"#));
    assert_eq!(reply.events, events::parse_cams_push(CAMS_STATUS.as_bytes(), CamsPushKind::Status).unwrap());
    let reply =
        receiver.handle(Endpoint::CamsInbound, &post("a=1&token=cams-push-token", &[], CAMS_INBOUND.as_bytes()));
    assert!(matches!(reply.events[..], [Event::Inbound(_)]), "{:?}", reply.events);
    for query in ["", "token=cams-push-toke", "token=cams-push-token2", "Token=cams-push-token"] {
        let reply = receiver.handle(Endpoint::CamsStatus, &post(query, &[], CAMS_STATUS.as_bytes()));
        assert_eq!(
            (reply.status, reply.error.as_ref().unwrap().code()),
            (401, ErrorCode::SignatureMismatch),
            "{query}"
        );
        assert!(!reply.body.contains(CAMS_TOKEN));
    }
}

#[test]
fn cams_pushes_from_outside_the_allow_list_are_403() {
    let allowed = ReceiverConfig::parse_allowed_ips(&["47.74.0.0/16", "10.1.2.3", "2001:db8::/32"]).unwrap();
    let receiver = Receiver::new(ReceiverConfig { cams_allowed_ips: allowed, ..ReceiverConfig::default() }).unwrap();
    for (addr, status) in
        [("47.74.9.9", 200), ("10.1.2.3", 200), ("::ffff:47.74.0.1", 200), ("2001:db8::1", 200), ("10.1.2.4", 403)]
    {
        let request =
            WebhookRequest { remote_addr: Some(addr.parse().unwrap()), ..post("", &[], CAMS_STATUS.as_bytes()) };
        assert_eq!(receiver.handle(Endpoint::CamsStatus, &request).status, status, "{addr}");
    }
    let unknown = WebhookRequest { remote_addr: None, ..post("", &[], CAMS_STATUS.as_bytes()) };
    let reply = receiver.handle(Endpoint::CamsStatus, &unknown);
    assert_eq!((reply.status, reply.error.unwrap().code()), (403, ErrorCode::PermissionDenied));
    let err = ReceiverConfig::parse_allowed_ips(&["47.74.0.0/33"]).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidConfig);
}

#[test]
fn a_receiver_not_configured_for_a_provider_answers_500_so_the_push_comes_again() {
    let receiver = Receiver::new(ReceiverConfig::default()).unwrap();
    let headers = signed(META_BODY);
    for (endpoint, body) in [(Endpoint::Meta, META_BODY), (Endpoint::CamsStatus, CAMS_STATUS)] {
        let reply = receiver.handle(endpoint, &post("", &headers, body.as_bytes()));
        assert_eq!((reply.status, reply.error.unwrap().code()), (500, ErrorCode::InvalidConfig), "{endpoint:?}");
    }
    let open = Receiver::new(ReceiverConfig { cams_unauthenticated: true, ..ReceiverConfig::default() }).unwrap();
    assert_eq!(open.handle(Endpoint::CamsStatus, &post("", &[], CAMS_STATUS.as_bytes())).events.len(), 2);
}

#[test]
fn configuration_is_checked_and_never_shows_a_secret() {
    let empty = ReceiverConfig { meta_app_secret: Some(Secret::new("")), ..ReceiverConfig::default() };
    assert_eq!(Receiver::new(empty).unwrap_err().code(), ErrorCode::InvalidConfig);
    let both = ReceiverConfig { cams_unauthenticated: true, ..config() };
    assert_eq!(Receiver::new(both).unwrap_err().code(), ErrorCode::InvalidConfig);
    let shown = format!("{:?}", Receiver::new(config()).unwrap());
    for secret in [APP_SECRET, VERIFY_TOKEN, CAMS_TOKEN] {
        assert!(!shown.contains(secret), "{shown}");
    }
    assert_eq!(Endpoint::parse("cams_inbound").unwrap(), Endpoint::CamsInbound);
    assert_eq!(Endpoint::parse("sms").unwrap_err().code(), ErrorCode::InvalidConfig);
}

#[test]
fn with_a_store_a_redelivered_body_yields_its_events_once_and_commits_are_kept() {
    use crate::store::MemoryStore;
    let store = Arc::new(MemoryStore::new());
    let receiver = Receiver::new(config()).unwrap().with_store(store.clone());
    let request = post("token=cams-push-token", &[], CAMS_STATUS.as_bytes());
    let first = receiver.handle_at(Endpoint::CamsStatus, &request, 1_000);
    assert_eq!((first.status, first.events.len(), first.skipped), (200, 2, 0));
    for _ in 0..2 {
        let again = receiver.handle_at(Endpoint::CamsStatus, &request, 2_000);
        assert_eq!((again.status, again.events.len(), again.skipped), (200, 0, 2));
    }
    // Not committed: a consumer that died with them gets them back after the lease.
    assert_eq!(store.reclaim(1_000 + 60_000, 60_000, 10).unwrap().len(), 2);
    let keys: Vec<String> = first.events.iter().map(Event::dedup_key).collect();
    receiver.commit(&keys).unwrap();
    assert!(receiver.reclaim(Duration::ZERO, 10).unwrap().is_empty());
    // The inbound message opened its sender's window.
    let inbound = post("token=cams-push-token", &[], CAMS_INBOUND.as_bytes());
    receiver.handle_at(Endpoint::CamsInbound, &inbound, 3_000);
    assert_eq!(store.last_inbound(ProviderKind::Cams, "8613800000000", "6591234567").unwrap(), Some(1691043638000));
    // The receipt with a task ID recorded its send as accepted.
    let accepted = crate::store::SendState::Accepted { message_id: "m-1".into() };
    assert_eq!(receiver.send(ProviderKind::Cams, "t-1").unwrap().unwrap().state, accepted);
    assert_eq!(receiver.send(ProviderKind::Meta, "t-1").unwrap(), None);
}

#[test]
fn a_store_that_fails_is_a_503_so_the_provider_delivers_again() {
    #[derive(Debug)]
    struct Broken;
    fn broken<T>() -> Result<T, Error> {
        Err(Error::new(ErrorCode::StoreFailed, "event store events.db: admit: disk I/O error"))
    }
    impl EventStore for Broken {
        fn admit(&self, _: &[Event], _: u64) -> Result<Vec<Admission>, Error> {
            broken()
        }
        fn commit(&self, _: &[String]) -> Result<(), Error> {
            broken()
        }
        fn reclaim(&self, _: u64, _: u64, _: usize) -> Result<Vec<Event>, Error> {
            broken()
        }
        fn last_inbound(&self, _: ProviderKind, _: &str, _: &str) -> Result<Option<u64>, Error> {
            broken()
        }
        fn record_unknown(&self, _: ProviderKind, _: &str, _: &str, _: &str, _: u64) -> Result<(), Error> {
            broken()
        }
        fn send(&self, _: ProviderKind, _: &str) -> Result<Option<crate::store::SendRecord>, Error> {
            broken()
        }
        fn transition(
            &self,
            _: ProviderKind,
            _: &str,
            _: &crate::store::SendState,
            _: &crate::store::SendState,
            _: u64,
        ) -> Result<bool, Error> {
            broken()
        }
        fn unknown_sends(&self, _: ProviderKind) -> Result<Vec<crate::store::SendRecord>, Error> {
            broken()
        }
        fn history(&self, _: &crate::store::HistoryFilter) -> Result<crate::ops::HistoryPage, Error> {
            broken()
        }
        fn prune(&self, _: u64) -> Result<usize, Error> {
            broken()
        }
    }
    let receiver = Receiver::new(config()).unwrap().with_store(Arc::new(Broken));
    let headers = signed(META_BODY);
    let reply = receiver.handle(Endpoint::Meta, &post("", &headers, META_BODY.as_bytes()));
    assert_eq!((reply.status, reply.error.unwrap().code()), (503, ErrorCode::StoreFailed));
    assert!(reply.events.is_empty(), "nothing is handed out that was not recorded");
}

/// A memory store whose prunes are counted (with their cutoffs), can fail, and can hold the
/// first one until released.
#[derive(Debug, Default)]
struct Pruned {
    inner: crate::store::MemoryStore,
    cutoffs: std::sync::Mutex<Vec<u64>>,
    fail: bool,
    /// The first prune says it started, then waits (at most 10 s) to be released.
    hold: Option<(std::sync::mpsc::SyncSender<()>, std::sync::Mutex<std::sync::mpsc::Receiver<()>>)>,
}

impl Pruned {
    fn cutoffs(&self) -> Vec<u64> {
        self.cutoffs.lock().unwrap().clone()
    }
}

impl EventStore for Pruned {
    fn admit(&self, events: &[Event], now_ms: u64) -> Result<Vec<Admission>, Error> {
        self.inner.admit(events, now_ms)
    }
    fn commit(&self, keys: &[String]) -> Result<(), Error> {
        self.inner.commit(keys)
    }
    fn reclaim(&self, now_ms: u64, lease_ms: u64, limit: usize) -> Result<Vec<Event>, Error> {
        self.inner.reclaim(now_ms, lease_ms, limit)
    }
    fn last_inbound(&self, provider: ProviderKind, business: &str, user: &str) -> Result<Option<u64>, Error> {
        self.inner.last_inbound(provider, business, user)
    }
    fn record_unknown(&self, provider: ProviderKind, task: &str, from: &str, to: &str, now: u64) -> Result<(), Error> {
        self.inner.record_unknown(provider, task, from, to, now)
    }
    fn send(&self, provider: ProviderKind, task_id: &str) -> Result<Option<crate::store::SendRecord>, Error> {
        self.inner.send(provider, task_id)
    }
    fn transition(
        &self,
        provider: ProviderKind,
        task_id: &str,
        from: &crate::store::SendState,
        to: &crate::store::SendState,
        now_ms: u64,
    ) -> Result<bool, Error> {
        self.inner.transition(provider, task_id, from, to, now_ms)
    }
    fn unknown_sends(&self, provider: ProviderKind) -> Result<Vec<crate::store::SendRecord>, Error> {
        self.inner.unknown_sends(provider)
    }
    fn history(&self, filter: &crate::store::HistoryFilter) -> Result<crate::ops::HistoryPage, Error> {
        self.inner.history(filter)
    }
    fn prune(&self, before_ms: u64) -> Result<usize, Error> {
        let first = {
            let mut cutoffs = self.cutoffs.lock().unwrap();
            cutoffs.push(before_ms);
            cutoffs.len() == 1
        };
        if let (true, Some((started, release))) = (first, &self.hold) {
            started.send(()).unwrap();
            release.lock().unwrap().recv_timeout(Duration::from_secs(10)).unwrap();
        }
        if self.fail {
            return Err(Error::new(ErrorCode::StoreFailed, "event store events.db: prune: disk I/O error"));
        }
        self.inner.prune(before_ms)
    }
}

const HOUR_MS: u64 = 60 * 60 * 1000;
/// A time late enough that its prune cutoff is not 0.
const LATER: u64 = crate::store::DEDUP_TTL_MS + 1_000;

fn cams_status() -> WebhookRequest<'static> {
    post("token=cams-push-token", &[], CAMS_STATUS.as_bytes())
}

#[test]
fn the_store_is_pruned_by_the_first_ingest_then_once_an_hour() {
    use crate::store::DEDUP_TTL_MS;
    assert_eq!(ReceiverConfig::default().prune_interval, Some(Duration::from_secs(3600)));
    let store = Arc::new(Pruned::default());
    let receiver = Receiver::new(config()).unwrap().with_store(store.clone());
    assert!(store.cutoffs().is_empty(), "nothing is pruned before an ingest");
    let reply = receiver.handle_at(Endpoint::CamsStatus, &cams_status(), LATER);
    assert_eq!((reply.status, reply.events.len()), (200, 2));
    assert_eq!(store.cutoffs(), [LATER - DEDUP_TTL_MS]);
    // Not again within the hour, nor for a refused request.
    receiver.handle_at(Endpoint::CamsStatus, &cams_status(), LATER + HOUR_MS - 1);
    let refused = receiver.handle_at(Endpoint::CamsStatus, &post("", &[], CAMS_STATUS.as_bytes()), LATER + HOUR_MS);
    assert_eq!(refused.status, 401);
    assert_eq!(store.cutoffs().len(), 1);
    // An hour after the last prune, the next ingest prunes, 8 days before its own time.
    receiver.handle_at(Endpoint::CamsStatus, &cams_status(), LATER + HOUR_MS);
    receiver.handle_at(Endpoint::CamsStatus, &cams_status(), LATER + HOUR_MS + 1);
    assert_eq!(store.cutoffs(), [LATER - DEDUP_TTL_MS, LATER + HOUR_MS - DEDUP_TTL_MS]);
    // A receiver without a store prunes nothing, and `None` never prunes.
    let never = Arc::new(Pruned::default());
    let receiver =
        Receiver::new(ReceiverConfig { prune_interval: None, ..config() }).unwrap().with_store(never.clone());
    receiver.handle_at(Endpoint::CamsStatus, &cams_status(), LATER);
    assert!(never.cutoffs().is_empty());
}

#[test]
fn the_prune_interval_is_configurable() {
    let store = Arc::new(Pruned::default());
    let config = ReceiverConfig { prune_interval: Some(Duration::from_secs(10)), ..config() };
    let receiver = Receiver::new(config).unwrap().with_store(store.clone());
    for now in [LATER, LATER + 9_999, LATER + 10_000, LATER + 15_000, LATER + 20_000] {
        receiver.handle_at(Endpoint::CamsStatus, &cams_status(), now);
    }
    assert_eq!(store.cutoffs().len(), 3, "{:?}", store.cutoffs());
}

#[test]
fn a_failing_prune_does_not_fail_the_ingest_nor_run_again_within_the_interval() {
    let store = Arc::new(Pruned { fail: true, ..Pruned::default() });
    let receiver = Receiver::new(config()).unwrap().with_store(store.clone());
    let reply = receiver.handle_at(Endpoint::CamsStatus, &cams_status(), LATER);
    assert_eq!((reply.status, reply.error.as_ref(), reply.events.len()), (200, None, 2));
    assert_eq!(store.cutoffs().len(), 1, "the prune was tried");
    // The events were recorded: a redelivery is skipped.
    let again = receiver.handle_at(Endpoint::CamsStatus, &cams_status(), LATER + 1);
    assert_eq!((again.status, again.events.len(), again.skipped), (200, 0, 2));
    assert_eq!(store.cutoffs().len(), 1, "a failed prune waits for the next interval");
    receiver.handle_at(Endpoint::CamsStatus, &cams_status(), LATER + HOUR_MS);
    assert_eq!(store.cutoffs().len(), 2);
}

#[test]
fn two_prunes_never_run_at_once() {
    let (started, on_start) = std::sync::mpsc::sync_channel(1);
    let (release, on_release) = std::sync::mpsc::sync_channel(1);
    let store = Arc::new(Pruned { hold: Some((started, std::sync::Mutex::new(on_release))), ..Pruned::default() });
    // Zero: every ingest is due, so only the running prune keeps another from starting.
    let config = ReceiverConfig { prune_interval: Some(Duration::ZERO), ..config() };
    let receiver = Arc::new(Receiver::new(config).unwrap().with_store(store.clone()));
    let pruning = {
        let receiver = Arc::clone(&receiver);
        std::thread::spawn(move || receiver.handle_at(Endpoint::CamsStatus, &cams_status(), LATER).status)
    };
    on_start.recv_timeout(Duration::from_secs(10)).unwrap();
    let reply = receiver.handle_at(Endpoint::CamsStatus, &cams_status(), LATER + 1);
    assert_eq!(reply.status, 200, "an ingest does not wait for another's prune");
    assert_eq!(store.cutoffs().len(), 1, "no second prune while the first runs");
    release.send(()).unwrap();
    assert_eq!(pruning.join().unwrap(), 200);
    receiver.handle_at(Endpoint::CamsStatus, &cams_status(), LATER + 2);
    assert_eq!(store.cutoffs().len(), 2, "once it ended, the next due ingest prunes");
}

#[test]
fn committed_events_older_than_the_ttl_are_forgotten_by_a_later_ingest() {
    use crate::store::{DEDUP_TTL_MS, MemoryStore};
    let store = Arc::new(MemoryStore::new());
    let receiver = Receiver::new(config()).unwrap().with_store(store.clone());
    let first = receiver.handle_at(Endpoint::CamsStatus, &cams_status(), 1_000);
    let keys: Vec<String> = first.events.iter().map(Event::dedup_key).collect();
    receiver.commit(&keys).unwrap();
    // The inbound message eight days later is recorded, and the store pruned of the receipts.
    let inbound = post("token=cams-push-token", &[], CAMS_INBOUND.as_bytes());
    let later = receiver.handle_at(Endpoint::CamsInbound, &inbound, 1_001 + DEDUP_TTL_MS);
    assert_eq!(later.events.len(), 1);
    let forgotten = receiver.handle_at(Endpoint::CamsStatus, &cams_status(), 1_002 + DEDUP_TTL_MS);
    assert_eq!((forgotten.events.len(), forgotten.skipped), (2, 0), "the receipts' keys were pruned");
}
