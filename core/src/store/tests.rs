//! One suite for every [`EventStore`] (`suite!` runs each case against each store), then what
//! only a file can show: a restart, two processes, a file from a later version.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

#[path = "../../tests/support/redis_server.rs"]
mod redis_server;

use redis_server::RedisServer;

use super::*;
use crate::ErrorCode;
use crate::events::{
    Business, ChatUser, DeliveryError, DeliveryStatus, InboundContent, InboundEvent, InboundText, StatusEvent,
    UnsupportedEvent,
};
use crate::ops::Direction;
use Admission::{Duplicate, New, Superseded};
use ProviderKind::{Cams, Meta};

const BUSINESS: &str = "106540352242922";
const LEASE: u64 = 60_000;

// ---- Events ---------------------------------------------------------------------------------

fn status(provider: ProviderKind, message_id: &str, status: DeliveryStatus) -> StatusEvent {
    StatusEvent {
        provider,
        message_id: message_id.into(),
        task_id: None,
        business: Business { number: BUSINESS.into(), ..Business::default() },
        recipient: ChatUser { phone: Some("16505551234".into()), ..ChatUser::default() },
        status,
        timestamp_ms: Some(1),
        errors: Vec::new(),
        conversation: None,
        pricing: None,
    }
}

fn receipt(message_id: &str, delivery: DeliveryStatus) -> Event {
    Event::Status(status(Meta, message_id, delivery))
}

fn receipt_for(provider: ProviderKind, message_id: &str, delivery: DeliveryStatus, task_id: &str) -> Event {
    Event::Status(StatusEvent { task_id: Some(task_id.into()), ..status(provider, message_id, delivery) })
}

fn failed(message_id: &str, code: &str) -> Event {
    let error = DeliveryError { code: code.into(), title: None, description: None };
    Event::Status(StatusEvent { errors: vec![error], ..status(Meta, message_id, DeliveryStatus::Failed) })
}

fn inbound(message_id: &str, phone: Option<&str>, user_id: Option<&str>, timestamp_ms: Option<u64>) -> Event {
    Event::Inbound(InboundEvent {
        provider: Meta,
        message_id: message_id.into(),
        business: Business { number: BUSINESS.into(), ..Business::default() },
        sender: ChatUser { phone: phone.map(Into::into), user_id: user_id.map(Into::into), ..ChatUser::default() },
        timestamp_ms,
        context: None,
        content: InboundContent::Text(InboundText { body: format!("hello {message_id}") }),
    })
}

fn unsupported(raw: &str) -> Event {
    Event::Unsupported(UnsupportedEvent {
        provider: Cams,
        name: "ChatAppStatus".into(),
        raw: raw.into(),
        reason: None,
        account_id: None,
    })
}

/// `event` (a receipt) at `timestamp_ms`.
fn at(event: Event, timestamp_ms: u64) -> Event {
    match event {
        Event::Status(status) => Event::Status(StatusEvent { timestamp_ms: Some(timestamp_ms), ..status }),
        other => other,
    }
}

/// Page `page` of `page_size` of the business number's Meta history, unfiltered.
fn filter(page: u32, page_size: u32) -> HistoryFilter {
    HistoryFilter {
        provider: Meta,
        business: BUSINESS.into(),
        user: None,
        direction: None,
        status: None,
        since_ms: None,
        until_ms: None,
        page,
        page_size,
    }
}

/// The message IDs of a page, and its next page.
fn listed(store: &Subject, filter: &HistoryFilter) -> (Vec<String>, Option<u32>) {
    let page = store.history(filter).unwrap();
    assert_eq!((page.page, page.page_size), (filter.page, filter.page_size));
    (page.records.into_iter().map(|record| record.message_id).collect(), page.next_page)
}

fn keys(events: &[Event]) -> Vec<String> {
    events.iter().map(Event::dedup_key).collect()
}

// ---- Stores ---------------------------------------------------------------------------------

/// A store under test, with the file it lives in removed after it (or the Redis it lives in
/// stopped).
struct Subject {
    store: Box<dyn EventStore>,
    _file: Option<TempFile>,
    _redis: Option<RedisServer>,
}

impl std::ops::Deref for Subject {
    type Target = dyn EventStore;

    fn deref(&self) -> &Self::Target {
        &*self.store
    }
}

/// A file name in the temporary directory no other test uses; removed (with its write-ahead
/// log) on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        Self(std::env::temp_dir().join(format!("chatlane-store-test-{}-{n}.sqlite", std::process::id())))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut path = self.0.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}

fn memory() -> Subject {
    Subject { store: Box::new(MemoryStore::new()), _file: None, _redis: None }
}

fn sqlite_in_memory() -> Subject {
    Subject { store: Box::new(SqliteStore::open_in_memory().unwrap()), _file: None, _redis: None }
}

fn sqlite_file() -> Subject {
    let file = TempFile::new();
    Subject { store: Box::new(SqliteStore::open(file.path()).unwrap()), _file: Some(file), _redis: None }
}

/// A store in a real `redis-server` of its own (the test scripts install it).
fn redis() -> Subject {
    let server = RedisServer::start();
    Subject { store: Box::new(RedisStore::open(&server.url()).unwrap()), _file: None, _redis: Some(server) }
}

/// Each case, once for each store: `store::tests::<store>::<case>`.
macro_rules! suite {
    ($($store:ident),* ; $cases:tt) => {
        $( suite!(@store $store $cases); )*
    };
    (@store $store:ident { $($case:ident),* $(,)? }) => {
        mod $store {
            $(
                #[test]
                fn $case() {
                    super::cases::$case(&super::$store());
                }
            )*
        }
    };
}

suite!(memory, sqlite_in_memory, sqlite_file, redis; {
    batch_with_internal_duplicates,
    redelivered_batch_is_new_once,
    late_status_is_superseded_and_done,
    failed_is_terminal,
    statuses_may_skip_steps,
    separate_statuses_stand_beside_delivery,
    inbound_opens_windows_by_phone_and_user_id,
    window_keeps_the_latest_time,
    unsupported_events_are_deduplicated,
    reclaim_after_the_lease_only,
    reclaim_oldest_claim_first_up_to_the_limit,
    receipt_resolves_unknown_send_by_task_id,
    a_receipt_before_the_unknown_record_resolves_it,
    record_unknown_keeps_the_first,
    transition_is_compare_and_set,
    unknown_sends_oldest_first,
    prune_forgets_committed_keys_only,
    prune_forgets_stale_progress_and_windows,
    history_keeps_one_record_per_message,
    history_pages_newest_first_and_filters,
    prune_forgets_history_not_touched_since,
});

mod cases {
    use super::*;
    use DeliveryStatus::*;

    pub fn batch_with_internal_duplicates(store: &Subject) {
        let batch = [receipt("m1", Sent), inbound("i1", Some("1"), None, None), receipt("m1", Sent), unsupported("{}")];
        let batch = [&batch[..], &batch[1..2]].concat();
        assert_eq!(store.admit(&batch, 1_000).unwrap(), [New, New, Duplicate, New, Duplicate]);
        assert!(store.admit(&[], 1_000).unwrap().is_empty());
    }

    pub fn redelivered_batch_is_new_once(store: &Subject) {
        let batch = [
            receipt("m1", Sent),
            receipt("m1", Delivered),
            failed("m2", "131026"),
            inbound("i1", Some("6591234567"), None, Some(500)),
            unsupported(r#"{"a":1}"#),
        ];
        assert_eq!(store.admit(&batch, 1_000).unwrap(), [New; 5]);
        assert_eq!(store.admit(&batch, 2_000).unwrap(), [Duplicate; 5]);
        store.commit(&keys(&batch)).unwrap();
        assert_eq!(store.admit(&batch, 3_000).unwrap(), [Duplicate; 5]);
        assert!(store.reclaim(u64::MAX / 2, LEASE, 10).unwrap().is_empty(), "all committed");
    }

    pub fn late_status_is_superseded_and_done(store: &Subject) {
        assert_eq!(store.admit(&[receipt("m1", Read)], 1_000).unwrap(), [New]);
        assert_eq!(store.admit(&[receipt("m1", Delivered), receipt("m1", Sent)], 1_000).unwrap(), [Superseded; 2]);
        assert_eq!(store.admit(&[receipt("m1", Delivered)], 1_000).unwrap(), [Duplicate], "recorded");
        let reclaimed = store.reclaim(1_000 + LEASE, LEASE, 10).unwrap();
        assert_eq!(reclaimed, [receipt("m1", Read)], "superseded ones are done, never handed out");
        // In one batch as well, and per message.
        let batch = [receipt("m2", Read), receipt("m2", Delivered), receipt("m3", Delivered)];
        assert_eq!(store.admit(&batch, 1_000).unwrap(), [New, Superseded, New]);
    }

    pub fn failed_is_terminal(store: &Subject) {
        assert_eq!(store.admit(&[receipt("m1", Sent), failed("m1", "131049")], 1_000).unwrap(), [New, New]);
        let after = [receipt("m1", Delivered), receipt("m1", Read), receipt("m1", Played), failed("m1", "131026")];
        assert_eq!(store.admit(&after, 2_000).unwrap(), [Superseded; 4]);
        assert_eq!(store.admit(&[failed("m2", "1"), receipt("m2", Sent)], 2_000).unwrap(), [New, Superseded]);
        assert_eq!(store.admit(&[receipt("m3", Read), failed("m3", "")], 2_000).unwrap(), [New, New]);
    }

    pub fn statuses_may_skip_steps(store: &Subject) {
        assert_eq!(store.admit(&[receipt("m1", Read), receipt("m1", Played)], 1_000).unwrap(), [New, New]);
        assert_eq!(store.admit(&[receipt("m2", Delivered)], 1_000).unwrap(), [New]);
        assert_eq!(store.admit(&[receipt("m2", Sent), receipt("m2", Read)], 1_000).unwrap(), [Superseded, New]);
    }

    pub fn separate_statuses_stand_beside_delivery(store: &Subject) {
        let queued = || receipt("m1", Other("queued".into()));
        assert_eq!(store.admit(&[queued(), receipt("m1", Sent)], 1_000).unwrap(), [New, New]);
        assert_eq!(store.admit(&[receipt("m1", Deleted), receipt("m1", Delivered)], 1_000).unwrap(), [New, New]);
        assert_eq!(store.admit(&[failed("m1", "1"), receipt("m1", Subscribe)], 1_000).unwrap(), [New, New]);
        assert_eq!(store.admit(&[receipt("m1", Unsubscribe), queued()], 1_000).unwrap(), [New, Duplicate]);
        assert_eq!(store.admit(&[receipt("m1", Read)], 1_000).unwrap(), [Superseded], "still failed");
    }

    pub fn inbound_opens_windows_by_phone_and_user_id(store: &Subject) {
        let both = inbound("i1", Some("6591234567"), Some("US.1"), Some(5_000));
        let phone_only = inbound("i2", Some("6590000000"), None, Some(6_000));
        let user_only = inbound("i3", None, Some("US.2"), Some(7_000));
        assert_eq!(store.admit(&[both, phone_only, user_only], 9_000).unwrap(), [New; 3]);
        assert_eq!(store.last_inbound(Meta, BUSINESS, "6591234567").unwrap(), Some(5_000));
        assert_eq!(store.last_inbound(Meta, BUSINESS, "US.1").unwrap(), Some(5_000));
        assert_eq!(store.last_inbound(Meta, BUSINESS, "6590000000").unwrap(), Some(6_000));
        assert_eq!(store.last_inbound(Meta, BUSINESS, "US.2").unwrap(), Some(7_000));
        assert_eq!(store.last_inbound(Cams, BUSINESS, "US.2").unwrap(), None, "per provider");
        assert_eq!(store.last_inbound(Meta, "other", "US.2").unwrap(), None, "per business number");
        assert_eq!(store.last_inbound(Meta, BUSINESS, "16505551234").unwrap(), None);
        store.admit(&[receipt("m1", Read)], 9_000).unwrap();
        assert_eq!(store.last_inbound(Meta, BUSINESS, "16505551234").unwrap(), None, "receipts open none");
    }

    pub fn window_keeps_the_latest_time(store: &Subject) {
        store.admit(&[inbound("i1", Some("1"), None, Some(5_000))], 10_000).unwrap();
        store.admit(&[inbound("i2", Some("1"), None, Some(4_000))], 11_000).unwrap();
        assert_eq!(store.last_inbound(Meta, BUSINESS, "1").unwrap(), Some(5_000), "an older message arrived late");
        store.admit(&[inbound("i3", Some("1"), None, None)], 12_000).unwrap();
        assert_eq!(store.last_inbound(Meta, BUSINESS, "1").unwrap(), Some(12_000), "no timestamp: now");
        store.admit(&[inbound("i4", Some("1"), None, Some(20_000))], 13_000).unwrap();
        assert_eq!(store.last_inbound(Meta, BUSINESS, "1").unwrap(), Some(20_000));
        store.admit(&[inbound("i4", Some("1"), None, Some(30_000))], 14_000).unwrap();
        assert_eq!(store.last_inbound(Meta, BUSINESS, "1").unwrap(), Some(20_000), "a duplicate opens nothing");
    }

    pub fn unsupported_events_are_deduplicated(store: &Subject) {
        let batch = [unsupported(r#"{"a":1,"b":2}"#), unsupported(r#"{ "b": 2, "a": 1 }"#), unsupported("[]")];
        assert_eq!(store.admit(&batch, 1_000).unwrap(), [New, Duplicate, New]);
        let mut reclaimed = store.reclaim(1_000 + LEASE, LEASE, 10).unwrap();
        reclaimed.sort_by_key(Event::dedup_key);
        let mut expected = vec![batch[0].clone(), batch[2].clone()];
        expected.sort_by_key(Event::dedup_key);
        assert_eq!(reclaimed, expected);
    }

    pub fn reclaim_after_the_lease_only(store: &Subject) {
        let batch = [receipt("m1", Sent), inbound("i1", Some("1"), Some("US.1"), None), unsupported("{}")];
        store.admit(&batch, 1_000).unwrap();
        assert!(store.reclaim(1_000, LEASE, 10).unwrap().is_empty());
        assert!(store.reclaim(1_000 + LEASE - 1, LEASE, 10).unwrap().is_empty(), "the lease runs");
        assert!(store.reclaim(500, LEASE, 10).unwrap().is_empty(), "before the lease could end");
        store.commit(&[batch[1].dedup_key(), "[\"never admitted\"]".into()]).unwrap();

        let mut reclaimed = store.reclaim(1_000 + LEASE, LEASE, 10).unwrap();
        reclaimed.sort_by_key(Event::dedup_key);
        let mut expected = vec![batch[0].clone(), batch[2].clone()];
        expected.sort_by_key(Event::dedup_key);
        assert_eq!(reclaimed, expected, "not the committed one");
        assert!(store.reclaim(1_000 + LEASE, LEASE, 10).unwrap().is_empty(), "claimed again");
        assert!(store.reclaim(1_000 + 2 * LEASE - 1, LEASE, 10).unwrap().is_empty());
        assert_eq!(store.reclaim(1_000 + 2 * LEASE, LEASE, 10).unwrap().len(), 2, "its new lease ran out too");

        store.commit(&keys(&batch)).unwrap();
        assert!(store.reclaim(u64::MAX / 2, LEASE, 10).unwrap().is_empty(), "all committed");
        assert_eq!(store.admit(&batch, 9_000_000).unwrap(), [Duplicate; 3]);
    }

    pub fn reclaim_oldest_claim_first_up_to_the_limit(store: &Subject) {
        store.admit(&[receipt("m3", Sent)], 3_000).unwrap();
        store.admit(&[receipt("m1", Sent)], 1_000).unwrap();
        store.admit(&[receipt("m2", Sent)], 2_000).unwrap();
        let now = 3_000 + LEASE;
        assert_eq!(store.reclaim(now, LEASE, 2).unwrap(), [receipt("m1", Sent), receipt("m2", Sent)]);
        assert_eq!(store.reclaim(now, LEASE, 2).unwrap(), [receipt("m3", Sent)]);
        assert!(store.reclaim(now, LEASE, 2).unwrap().is_empty());
        assert!(store.reclaim(now + LEASE, LEASE, 0).unwrap().is_empty(), "a limit of 0");
        assert_eq!(store.reclaim(now + LEASE, LEASE, 5).unwrap().len(), 3);
    }

    pub fn receipt_resolves_unknown_send_by_task_id(store: &Subject) {
        store.record_unknown(Cams, "t1", "8613800000000", "6591234567", 100).unwrap();
        store.record_unknown(Meta, "t2", BUSINESS, "6591234567", 100).unwrap();
        // Another provider's receipt with the same task ID, a receipt without one: nothing.
        store.admit(&[receipt_for(Meta, "wamid.9", Sent, "t1"), receipt("wamid.1", Sent)], 200).unwrap();
        assert_eq!(store.send(Cams, "t1").unwrap().unwrap().state, SendState::Unknown);

        assert_eq!(store.admit(&[receipt_for(Cams, "cams-1", Delivered, "t1")], 300).unwrap(), [New]);
        let t1 = store.send(Cams, "t1").unwrap().unwrap();
        assert_eq!(t1.state, SendState::Accepted { message_id: "cams-1".into() });
        assert_eq!((t1.recorded_ms, t1.updated_ms), (100, 300));
        assert!(store.unknown_sends(Cams).unwrap().is_empty());

        // A superseded receipt still proves the send was taken.
        store.admit(&[receipt("wamid.2", Read)], 400).unwrap();
        assert_eq!(store.admit(&[receipt_for(Meta, "wamid.2", Delivered, "t2")], 500).unwrap(), [Superseded]);
        assert_eq!(
            store.send(Meta, "t2").unwrap().unwrap().state,
            SendState::Accepted { message_id: "wamid.2".into() }
        );

        // An accepted send stays as it was.
        store.admit(&[receipt_for(Cams, "cams-2", Sent, "t1")], 600).unwrap();
        let again = store.send(Cams, "t1").unwrap().unwrap();
        assert_eq!((again.state, again.updated_ms), (SendState::Accepted { message_id: "cams-1".into() }, 300));
    }

    pub fn a_receipt_before_the_unknown_record_resolves_it(store: &Subject) {
        let receipt = receipt_for(Cams, "cams-1", Sent, "t1");
        assert_eq!(store.admit(std::slice::from_ref(&receipt), 100).unwrap(), [New]);
        store.record_unknown(Cams, "t1", "8613800000000", "6591234567", 200).unwrap();
        let record = store.send(Cams, "t1").unwrap().unwrap();
        assert_eq!(record.state, SendState::Accepted { message_id: "cams-1".into() }, "the receipt came first");
        assert_eq!((record.recorded_ms, record.updated_ms), (100, 100));
        assert_eq!(store.admit(&[receipt], 300).unwrap(), [Duplicate]);
        assert_eq!(store.send(Cams, "t1").unwrap().unwrap().updated_ms, 100, "a duplicate changes nothing");
        assert!(store.unknown_sends(Cams).unwrap().is_empty());
        assert_eq!(store.prune(101).unwrap(), 0);
        assert_eq!(store.send(Cams, "t1").unwrap(), None, "accepted sends are pruned with the keys");
    }

    pub fn record_unknown_keeps_the_first(store: &Subject) {
        assert_eq!(store.send(Cams, "t1").unwrap(), None);
        store.record_unknown(Cams, "t1", "8613800000000", "6591234567", 100).unwrap();
        store.record_unknown(Cams, "t1", "8613800000001", "6590000000", 200).unwrap();
        let expected = SendRecord {
            provider: Cams,
            task_id: "t1".into(),
            from: "8613800000000".into(),
            to: "6591234567".into(),
            state: SendState::Unknown,
            recorded_ms: 100,
            updated_ms: 100,
        };
        assert_eq!(store.send(Cams, "t1").unwrap(), Some(expected));
        assert_eq!(store.send(Meta, "t1").unwrap(), None, "per provider");
    }

    pub fn transition_is_compare_and_set(store: &Subject) {
        use SendState::{Absent, Accepted, Resent, Unknown};
        store.record_unknown(Meta, "t1", BUSINESS, "6591234567", 100).unwrap();
        assert!(!store.transition(Meta, "t1", &Absent, &Resent, 150).unwrap(), "not in that state");
        assert!(store.transition(Meta, "t1", &Unknown, &Absent, 200).unwrap());
        assert!(!store.transition(Meta, "t1", &Unknown, &Absent, 250).unwrap(), "the second reconciler");
        assert!(store.transition(Meta, "t1", &Absent, &Resent, 300).unwrap());
        let t1 = store.send(Meta, "t1").unwrap().unwrap();
        assert_eq!((t1.state, t1.recorded_ms, t1.updated_ms), (Resent, 100, 300));

        let accepted = |id: &str| Accepted { message_id: id.into() };
        assert!(store.transition(Meta, "t1", &Resent, &accepted("wamid.1"), 400).unwrap());
        assert!(!store.transition(Meta, "t1", &accepted("wamid.2"), &Unknown, 500).unwrap(), "another message");
        assert!(store.transition(Meta, "t1", &accepted("wamid.1"), &Unknown, 600).unwrap());
        assert_eq!(store.unknown_sends(Meta).unwrap().len(), 1);
        assert!(!store.transition(Meta, "unrecorded", &Unknown, &Absent, 700).unwrap());
        assert!(!store.transition(Cams, "t1", &Unknown, &Absent, 700).unwrap(), "per provider");
    }

    pub fn unknown_sends_oldest_first(store: &Subject) {
        store.record_unknown(Cams, "b", "f", "t", 30).unwrap();
        store.record_unknown(Cams, "c", "f", "t", 10).unwrap();
        store.record_unknown(Cams, "a", "f", "t", 20).unwrap();
        store.record_unknown(Cams, "d", "f", "t", 20).unwrap();
        store.record_unknown(Cams, "e", "f", "t", 5).unwrap();
        store.record_unknown(Meta, "z", "f", "t", 1).unwrap();
        assert!(store.transition(Cams, "e", &SendState::Unknown, &SendState::Absent, 40).unwrap());
        let order: Vec<_> = store.unknown_sends(Cams).unwrap().into_iter().map(|send| send.task_id).collect();
        assert_eq!(order, ["c", "a", "d", "b"]);
        assert_eq!(store.unknown_sends(Meta).unwrap()[0].task_id, "z");
    }

    pub fn prune_forgets_committed_keys_only(store: &Subject) {
        let (a, b, c) = (unsupported("[1]"), unsupported("[2]"), unsupported("[3]"));
        store.admit(&[a.clone(), b.clone()], 100).unwrap();
        store.admit(&[receipt("m1", Read), receipt("m1", Sent)], 100).unwrap();
        store.admit(std::slice::from_ref(&c), 500).unwrap();
        store.commit(&keys(&[a.clone(), c.clone(), receipt("m1", Read)])).unwrap();
        store.record_unknown(Cams, "t1", "f", "t", 100).unwrap();

        assert_eq!(store.prune(300).unwrap(), 3, "a, read, and the superseded sent");
        assert_eq!(store.prune(300).unwrap(), 0);
        assert_eq!(store.admit(&[a, b.clone(), c], 600).unwrap(), [New, Duplicate, Duplicate]);
        assert_eq!(store.reclaim(100 + LEASE, LEASE, 10).unwrap(), [b], "the claim stays");
        assert!(store.send(Cams, "t1").unwrap().is_some(), "sends stay");
    }

    pub fn prune_forgets_stale_progress_and_windows(store: &Subject) {
        store.admit(&[receipt("m1", Read), receipt("m2", Sent)], 100).unwrap();
        store.admit(&[receipt("m2", Read)], 500).unwrap();
        store
            .admit(&[inbound("i1", Some("1"), None, Some(100)), inbound("i2", Some("2"), None, Some(500))], 500)
            .unwrap();
        store.prune(300).unwrap();
        assert_eq!(store.last_inbound(Meta, BUSINESS, "1").unwrap(), None);
        assert_eq!(store.last_inbound(Meta, BUSINESS, "2").unwrap(), Some(500));
        assert_eq!(store.admit(&[receipt("m1", Delivered)], 600).unwrap(), [New], "m1's read is forgotten");
        assert_eq!(store.admit(&[receipt("m2", Delivered)], 600).unwrap(), [Superseded], "m2's read is kept");
    }

    pub fn history_keeps_one_record_per_message(store: &Subject) {
        let batch = [
            inbound("i1", Some("6591234567"), Some("US.1"), Some(5_000)),
            at(receipt("m1", Read), 7_000),
            at(receipt("m1", Sent), 6_000),
            at(receipt("m1", Deleted), 8_000),
            at(receipt("m2", Other("queued".into())), 8_000),
            failed("m3", "131026"),
        ];
        assert_eq!(store.admit(&batch, 10_000).unwrap(), [New, New, Superseded, New, New, New]);
        let page = store.history(&filter(1, 10)).unwrap();
        assert_eq!(page.next_page, None);
        let [m1, i1, m3] = &page.records[..] else { panic!("{page:?}") };

        assert_eq!(
            (m1.message_id.as_str(), m1.direction, m1.business_number.as_str()),
            ("m1", Some(Direction::Outbound), BUSINESS)
        );
        assert_eq!(
            (m1.user_number.as_str(), m1.status.as_deref()),
            ("16505551234", Some("read")),
            "a late sent moves nothing back"
        );
        assert_eq!(m1.sent_at_ms, Some(6_000), "the earliest receipt's time");
        assert_eq!(
            (&m1.message_type, &m1.content, &m1.template_code),
            (&None, &None, &None),
            "receipts carry no content"
        );

        assert_eq!(
            (i1.direction, i1.user_number.as_str(), i1.status.as_deref()),
            (Some(Direction::Inbound), "6591234567", Some(RECEIVED))
        );
        assert_eq!(
            (i1.message_type.as_deref(), i1.content.as_deref(), i1.sent_at_ms),
            (Some("text"), Some("hello i1"), Some(5_000))
        );

        assert_eq!(
            (m3.status.as_deref(), m3.fail_reason.as_deref(), m3.sent_at_ms),
            (Some("failed"), Some("131026"), Some(1))
        );

        // Redelivered, nothing changes; other business numbers have their own.
        assert_eq!(store.admit(&batch, 20_000).unwrap(), [Duplicate; 6]);
        assert_eq!(store.history(&filter(1, 10)).unwrap(), page);
        // CAMS keeps its own history: a CAMS receipt is not recorded.
        assert_eq!(store.admit(&[receipt_for(Cams, "c1", Delivered, "t9")], 20_000).unwrap(), [New]);
        assert!(store.history(&HistoryFilter { provider: Cams, ..filter(1, 10) }).unwrap().records.is_empty());
        assert!(
            store.history(&HistoryFilter { business: "other".into(), ..filter(1, 10) }).unwrap().records.is_empty()
        );
    }

    pub fn history_pages_newest_first_and_filters(store: &Subject) {
        let events = [
            inbound("i1", Some("111"), Some("US.1"), Some(1_000)),
            inbound("i2", Some("222"), None, Some(2_000)),
            inbound("i3", None, Some("US.3"), Some(3_000)),
            at(receipt("m4", Sent), 4_000),
            at(receipt("m5", Delivered), 5_000),
            inbound("i6", Some("111"), None, Some(6_000)),
            at(failed("m7", "131049"), 7_000),
            inbound("a8", Some("333"), None, Some(8_000)),
            at(receipt("b8", Read), 8_000),
        ];
        for chunk in events.chunks(4) {
            store.admit(chunk, 10_000).unwrap();
        }
        let owned = |ids: &[&str]| ids.iter().map(|id| (*id).to_owned()).collect::<Vec<_>>();
        let pages: Vec<_> = (1..=5).map(|page| listed(store, &filter(page, 2))).collect();
        assert_eq!(
            pages,
            [
                (owned(&["b8", "a8"]), Some(2)),
                (owned(&["m7", "i6"]), Some(3)),
                (owned(&["m5", "m4"]), Some(4)),
                (owned(&["i3", "i2"]), Some(5)),
                (owned(&["i1"]), None),
            ],
            "newest first, a tie by message ID"
        );
        assert_eq!(listed(store, &filter(3, 3)), (owned(&["i3", "i2", "i1"]), None), "a full last page");
        assert_eq!(listed(store, &filter(9, 3)), (owned(&[]), None));

        let by = |user: &str| HistoryFilter { user: Some(user.into()), ..filter(1, 10) };
        assert_eq!(listed(store, &by("111")).0, ["i6", "i1"]);
        assert_eq!(listed(store, &by("US.1")).0, ["i1"], "by either of a sender's identities");
        assert_eq!(listed(store, &by("16505551234")).0, ["b8", "m7", "m5", "m4"]);
        assert_eq!(listed(store, &HistoryFilter { page: 2, page_size: 1, ..by("111") }), (owned(&["i1"]), None));

        let inbound_only = HistoryFilter { direction: Some(Direction::Inbound), ..filter(2, 2) };
        assert_eq!(listed(store, &inbound_only), (owned(&["i3", "i2"]), Some(3)));
        let failed_only = HistoryFilter { status: Some("failed".into()), ..filter(1, 10) };
        assert_eq!(listed(store, &failed_only).0, ["m7"]);
        let received = HistoryFilter { status: Some(RECEIVED.into()), ..by("111") };
        assert_eq!(listed(store, &received).0, ["i6", "i1"]);

        let window = HistoryFilter { since_ms: Some(3_000), until_ms: Some(6_000), ..filter(1, 10) };
        assert_eq!(listed(store, &window).0, ["i6", "m5", "m4", "i3"]);
        let narrow = HistoryFilter { direction: Some(Direction::Outbound), page: 2, page_size: 1, ..window.clone() };
        assert_eq!(listed(store, &narrow), (owned(&["m4"]), None));
        assert_eq!(listed(store, &HistoryFilter { page_size: 2, page: 2, ..window }), (owned(&["m4", "i3"]), None));
    }

    pub fn prune_forgets_history_not_touched_since(store: &Subject) {
        store.admit(&[inbound("i1", Some("1"), None, Some(50)), receipt("m1", Sent)], 100).unwrap();
        store.admit(&[receipt("m1", Read)], 500).unwrap();
        store.prune(300).unwrap();
        let page = store.history(&filter(1, 10)).unwrap();
        assert_eq!(page.records.iter().map(|r| r.message_id.as_str()).collect::<Vec<_>>(), ["m1"]);
        assert_eq!(page.records[0].status.as_deref(), Some("read"), "touched by its read at 500");
        assert!(store.history(&HistoryFilter { user: Some("1".into()), ..filter(1, 10) }).unwrap().records.is_empty());
        store.prune(501).unwrap();
        assert!(store.history(&filter(1, 10)).unwrap().records.is_empty());
        store.admit(&[inbound("i2", Some("1"), None, Some(50))], 600).unwrap();
        assert_eq!(listed(store, &HistoryFilter { user: Some("1".into()), ..filter(1, 10) }).0, ["i2"]);
    }
}

// ---- SQLite only ----------------------------------------------------------------------------

#[test]
fn sqlite_file_survives_a_restart() {
    let file = TempFile::new();
    let batch = [
        receipt("m1", DeliveryStatus::Read),
        inbound("i1", Some("6591234567"), Some("US.1"), Some(5_000)),
        unsupported("{}"),
    ];
    {
        let store = SqliteStore::open(file.path()).unwrap();
        assert_eq!(store.admit(&batch, 1_000).unwrap(), [New; 3]);
        store.commit(&[batch[0].dedup_key()]).unwrap();
        store.record_unknown(Cams, "t1", "8613800000000", "6591234567", 1_000).unwrap();
        assert!(store.transition(Cams, "t1", &SendState::Unknown, &SendState::Absent, 1_500).unwrap());
        store.record_unknown(Cams, "t2", "8613800000000", "6591234567", 2_000).unwrap();
    }
    let store = SqliteStore::open(file.path()).unwrap();
    assert_eq!(store.admit(&batch, 2_000).unwrap(), [Duplicate; 3]);
    assert_eq!(store.admit(&[receipt("m1", DeliveryStatus::Delivered)], 2_000).unwrap(), [Superseded]);
    assert_eq!(store.last_inbound(Meta, BUSINESS, "US.1").unwrap(), Some(5_000));
    assert_eq!(store.send(Cams, "t1").unwrap().unwrap().state, SendState::Absent);
    assert_eq!(store.unknown_sends(Cams).unwrap().len(), 1);
    // What was claimed but not committed when the process died comes back once its lease ends.
    let reclaimed = store.reclaim(1_000 + LEASE, LEASE, 10).unwrap();
    assert_eq!(reclaimed, [batch[1].clone(), batch[2].clone()]);
}

#[test]
fn sqlite_file_shared_by_two_stores_admits_each_event_once() {
    let file = TempFile::new();
    let open = || Box::new(SqliteStore::open(file.path()).unwrap()) as Box<dyn EventStore>;
    two_stores_admit_each_event_once([open(), open()]);
}

#[test]
fn redis_shared_by_two_stores_admits_each_event_once() {
    let server = RedisServer::start();
    let open = || Box::new(RedisStore::open(&server.url()).unwrap()) as Box<dyn EventStore>;
    two_stores_admit_each_event_once([open(), open()]);
}

#[test]
fn redis_store_comes_back_after_a_restart_of_redis() {
    let mut server = RedisServer::start();
    let store = RedisStore::open(&server.url()).unwrap();
    assert_eq!(store.admit(&[unsupported("[1]")], 1_000).unwrap(), [New]);
    server.kill();
    let failed = store.admit(&[unsupported("[2]")], 1_000).unwrap_err();
    assert_eq!(failed.code(), ErrorCode::StoreFailed, "{failed}");
    server.restart();
    assert_eq!(store.admit(&[unsupported("[2]")], 1_000).unwrap(), [New], "a new connection");
}

/// Two stores on one shared database, each admitting the same 200 events in batches at once:
/// each event is new to exactly one of them.
fn two_stores_admit_each_event_once(stores: [Box<dyn EventStore>; 2]) {
    let events: Vec<Event> = (0..200)
        .map(|i| match i % 3 {
            0 => receipt(&format!("m{i}"), DeliveryStatus::Sent),
            1 => inbound(&format!("i{i}"), Some("1"), Some("US.1"), Some(i)),
            _ => unsupported(&format!("[{i}]")),
        })
        .collect();
    let admissions: Vec<Vec<Admission>> = std::thread::scope(|scope| {
        let workers: Vec<_> = stores
            .iter()
            .map(|store| {
                let events = &events;
                scope.spawn(move || {
                    let mut admissions = Vec::new();
                    for chunk in events.chunks(10) {
                        admissions.extend(store.admit(chunk, 1_000).unwrap());
                    }
                    admissions
                })
            })
            .collect();
        workers.into_iter().map(|worker| worker.join().unwrap()).collect()
    });
    for i in 0..events.len() {
        let news = admissions.iter().filter(|each| each[i] == New).count();
        let duplicates = admissions.iter().filter(|each| each[i] == Duplicate).count();
        assert_eq!((news, duplicates), (1, 1), "event {i}");
    }
    assert_eq!(stores[1].last_inbound(Meta, BUSINESS, "US.1").unwrap(), Some(199));
    assert_eq!(stores[0].admit(&events[..1], 2_000).unwrap(), [Duplicate]);
}

#[test]
fn sqlite_file_uses_a_write_ahead_log() {
    let file = TempFile::new();
    let _store = SqliteStore::open(file.path()).unwrap();
    let raw = rusqlite::Connection::open(file.path()).unwrap();
    let mode: String = raw.pragma_query_value(None, "journal_mode", |row| row.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let version: i64 = raw.pragma_query_value(None, "user_version", |row| row.get(0)).unwrap();
    assert_eq!(version, 2);
}

#[test]
fn sqlite_file_of_version_1_gains_the_history_and_keeps_its_events() {
    let file = TempFile::new();
    let first = inbound("i1", Some("1"), None, Some(5_000));
    drop(SqliteStore::open(file.path()).unwrap().admit(std::slice::from_ref(&first), 1_000).unwrap());
    let raw = rusqlite::Connection::open(file.path()).unwrap();
    raw.execute_batch("DROP TABLE history; PRAGMA user_version = 1;").unwrap();
    drop(raw);
    let store = SqliteStore::open(file.path()).unwrap();
    assert_eq!(store.admit(&[first, inbound("i2", Some("1"), None, Some(6_000))], 2_000).unwrap(), [Duplicate, New]);
    assert_eq!(store.history(&filter(1, 10)).unwrap().records.len(), 1, "what version 1 admitted has no history");
    assert_eq!(store.last_inbound(Meta, BUSINESS, "1").unwrap(), Some(6_000));
    let version: i64 = rusqlite::Connection::open(file.path())
        .unwrap()
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap();
    assert_eq!(version, 2);
}

#[test]
fn sqlite_file_of_a_newer_schema_is_refused() {
    let file = TempFile::new();
    drop(SqliteStore::open(file.path()).unwrap());
    rusqlite::Connection::open(file.path()).unwrap().pragma_update(None, "user_version", 99).unwrap();
    let error = SqliteStore::open(file.path()).unwrap_err();
    assert_eq!(error.code(), ErrorCode::StoreFailed);
    assert!(error.message().contains("schema version 99 is newer"), "{}", error.message());
    assert!(error.message().contains(&file.path().display().to_string()), "{}", error.message());
}

#[test]
fn sqlite_file_that_is_no_database_is_refused() {
    let file = TempFile::new();
    std::fs::write(file.path(), "not a database\n".repeat(512)).unwrap();
    let error = SqliteStore::open(file.path()).unwrap_err();
    assert_eq!(error.code(), ErrorCode::StoreFailed, "{error}");
}
