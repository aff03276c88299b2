//! A Meta client's message history: Meta keeps none to ask for (Meta reference §6.5), so
//! [`Client::list_messages`] reads what the client's `event_store` recorded of the webhooks a
//! [`crate::receive::Receiver`] on the same store admitted ([`store::EventStore::history`]).

use super::Client;
use crate::error::{Error, ErrorCode};
use crate::model::Channel;
use crate::ops::{HistoryPage, HistoryQuery, invalid};
use crate::provider::ProviderKind;
use crate::store::{self, HistoryFilter};

impl Client {
    /// One page of the history the client's event store recorded for `query`.
    pub(super) async fn meta_messages(&self, query: &HistoryQuery) -> Result<HistoryPage, Error> {
        let Some(events) = self.config().event_store.clone() else {
            return Err(Error::new(
                ErrorCode::InvalidConfig,
                "Meta keeps no message history: a Meta client lists what its event_store recorded of the webhooks \
                 a receiver on the same store admitted; set the event_store option (and give the receiver that store)",
            ));
        };
        let filter = filter(query)?;
        let mut page = store::blocking(move || events.history(&filter)).await?;
        for record in &mut page.records {
            record.channel = Some(Channel::Whatsapp.as_str().to_owned());
        }
        Ok(page)
    }
}

/// What the store is asked for `query`; a query a Meta client cannot answer is
/// [`ErrorCode::InvalidParameter`] naming its field: another channel than WhatsApp, or a
/// filter only CAMS's history has.
fn filter(query: &HistoryQuery) -> Result<HistoryFilter, Error> {
    query.check()?;
    let channel = query.channel();
    if channel != Channel::Whatsapp {
        return Err(invalid("channel", format!("a Meta client's history is WhatsApp's, not {}", channel.as_str())));
    }
    let cams_only = [
        ("templateCode", query.template_code.is_some()),
        ("groupMessageId", query.group_message_id.is_some()),
        ("custSpaceId", query.cust_space_id.is_some()),
    ];
    if let Some((field, _)) = cams_only.into_iter().find(|(_, given)| *given) {
        return Err(invalid(field, "a filter of CAMS's history; what a Meta client records has no such field"));
    }
    Ok(HistoryFilter {
        provider: ProviderKind::Meta,
        business: query.business_number.clone(),
        user: query.user_number.clone(),
        direction: query.direction,
        status: query.status.as_deref().map(str::to_ascii_lowercase),
        since_ms: query.since_ms,
        until_ms: query.until_ms,
        page: query.page(),
        page_size: query.page_size(),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::Arc;

    use hmac::{Hmac, Mac};
    use serde_json::Value;
    use sha2::Sha256;

    use super::*;
    use crate::client::ClientConfig;
    use crate::credentials::Secret;
    use crate::oauth::{AccessToken, TokenSource};
    use crate::ops::{Direction, HistoryRecord};
    use crate::receive::{Endpoint, Receiver, ReceiverConfig, WebhookRequest};
    use crate::store::{EventStore, MemoryStore};
    use crate::transport::{BoxFuture, HttpRequest, HttpResponse, Transport};

    const APP_SECRET: &str = "meta-app-secret";
    const PHONE_NUMBER_ID: &str = "106540352242922";
    const FIXTURES: [&str; 3] = [
        include_str!("../../../tests/webhooks/meta_status.json"),
        include_str!("../../../tests/webhooks/meta_inbound.json"),
        include_str!("../../../tests/webhooks/meta_batch.json"),
    ];

    /// History is read from the store: a request would be a bug.
    struct NoNetwork;

    impl Transport for NoNetwork {
        fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, Error>> {
            panic!("no request is made for history: {request:?}")
        }
    }

    fn meta_client(store: Option<Arc<dyn EventStore>>) -> Client {
        let token = TokenSource::fixed(AccessToken::new("token")).unwrap();
        let config = ClientConfig { event_store: store, ..ClientConfig::meta(token) };
        Client::with_transport(config, Arc::new(NoNetwork)).unwrap()
    }

    /// The webhook cases that yield events: their bodies, and the events' JSON.
    fn cases() -> Vec<(Vec<u8>, Vec<Value>)> {
        let documents = FIXTURES.iter().map(|text| serde_json::from_str::<Value>(text).unwrap());
        let cases: Vec<Value> = documents.flat_map(|doc| doc["cases"].as_array().unwrap().clone()).collect();
        cases
            .into_iter()
            .filter_map(|case| {
                let events = case["events"].as_array()?.clone();
                Some((serde_json::to_vec(case.get("body")?).unwrap(), events))
            })
            .collect()
    }

    /// A receiver on `store` admitting every case's body, signed as Meta signs it.
    fn ingest(store: &Arc<dyn EventStore>) -> Vec<Value> {
        let config = ReceiverConfig { meta_app_secret: Some(Secret::new(APP_SECRET)), ..ReceiverConfig::default() };
        let receiver = Receiver::new(config).unwrap().with_store(Arc::clone(store));
        let mut events = Vec::new();
        for (body, expected) in cases() {
            let mut mac = Hmac::<Sha256>::new_from_slice(APP_SECRET.as_bytes()).unwrap();
            mac.update(&body);
            let signature = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
            let headers = [("X-Hub-Signature-256".to_owned(), signature)];
            let request =
                WebhookRequest { method: "POST", query: "", headers: &headers, body: &body, remote_addr: None };
            assert_eq!(receiver.handle(Endpoint::Meta, &request).status, 200);
            events.extend(expected);
        }
        events
    }

    /// Every record of `query`'s pages, and how many pages there were.
    async fn every_page(client: &Client, mut query: HistoryQuery) -> (Vec<HistoryRecord>, u32) {
        let mut records = Vec::new();
        loop {
            let page = client.list_messages(&query).await.unwrap();
            assert!(page.records.len() <= query.page_size() as usize);
            records.extend(page.records);
            match page.next_page {
                Some(next) => query.page = Some(next),
                None => return (records, page.page),
            }
        }
    }

    #[tokio::test]
    async fn a_meta_client_lists_what_its_receiver_recorded() {
        let store: Arc<dyn EventStore> = Arc::new(MemoryStore::new());
        let events = ingest(&store);
        let ours = |event: &&Value| event["business"]["number"] == PHONE_NUMBER_ID;
        let delivery = ["sent", "delivered", "read", "played", "failed"];
        let expected: BTreeSet<&str> = events
            .iter()
            .filter(ours)
            .filter(|event| event["event"] == "inbound" || delivery.iter().any(|status| event["status"] == *status))
            .map(|event| event["messageId"].as_str().unwrap())
            .collect();
        assert!(expected.len() > 40, "{expected:?}");

        let client = meta_client(Some(store));
        let query = HistoryQuery { page_size: Some(10), ..HistoryQuery::new(PHONE_NUMBER_ID) };
        let (records, pages) = every_page(&client, query.clone()).await;
        assert!(pages >= 3, "{pages} pages");
        let listed: BTreeSet<&str> = records.iter().map(|record| record.message_id.as_str()).collect();
        assert_eq!((listed, records.len()), (expected.clone(), expected.len()), "each message once");
        assert!(records.windows(2).all(|pair| pair[0].sent_at_ms >= pair[1].sent_at_ms), "newest first");
        assert!(records.iter().all(|record| record.channel.as_deref() == Some("whatsapp")));

        let find = |id: &str| records.iter().find(|record| record.message_id == id).unwrap();
        let s1 = find("wamid.s1");
        assert_eq!((s1.direction, s1.status.as_deref()), (Some(Direction::Outbound), Some("read")));
        assert_eq!((s1.user_number.as_str(), s1.conversation_id.as_deref()), ("16505551234", Some("CONVERSATION_ID")));
        assert_eq!((&s1.content, &s1.template_code), (&None, &None), "receipts do not carry what was sent");
        let f1 = find("wamid.f1");
        assert!(f1.fail_reason.as_deref().unwrap().starts_with("131049: In order to maintain"), "{f1:?}");
        let m1 = find("wamid.m1");
        assert_eq!((m1.direction, m1.status.as_deref()), (Some(Direction::Inbound), Some("received")));
        assert_eq!((m1.message_type.as_deref(), m1.content.as_deref()), (Some("text"), Some("first")));
        assert_eq!(find("wamid.img1").message_type.as_deref(), Some("image"));

        let by_user_id = HistoryQuery { user_number: Some("US.13491208655302741918".into()), ..query.clone() };
        assert!(every_page(&client, by_user_id).await.0.iter().any(|record| record.message_id == "wamid.m1"));
        let failed = HistoryQuery {
            direction: Some(Direction::Outbound),
            status: Some("Failed".into()),
            page_size: Some(1),
            ..query.clone()
        };
        let (failed, pages) = every_page(&client, failed).await;
        let failed: Vec<&str> = failed.iter().map(|record| record.message_id.as_str()).collect();
        assert_eq!((failed, pages), (vec!["wamid.f2", "wamid.f1"], 2));
        let other = client.list_messages(&HistoryQuery::new("106540352242999")).await.unwrap();
        assert_eq!(other.records.iter().map(|r| r.message_id.as_str()).collect::<Vec<_>>(), ["wamid.e2m1"]);
    }

    #[tokio::test]
    async fn what_a_meta_client_cannot_answer_is_refused() {
        let storeless = meta_client(None).list_messages(&HistoryQuery::new(PHONE_NUMBER_ID)).await.unwrap_err();
        assert_eq!(storeless.code(), ErrorCode::InvalidConfig);
        assert!(storeless.message().contains("set the event_store option"), "{storeless}");

        let client = meta_client(Some(Arc::new(MemoryStore::new())));
        let query = || HistoryQuery::new(PHONE_NUMBER_ID);
        let refused = [
            (HistoryQuery { channel: Some(Channel::Viber), ..query() }, "channel: "),
            (HistoryQuery { channel: Some(Channel::Messenger), ..query() }, "channel: "),
            (HistoryQuery { template_code: Some("744c".into()), ..query() }, "templateCode: "),
            (HistoryQuery { group_message_id: Some("g1".into()), ..query() }, "groupMessageId: "),
            (HistoryQuery { cust_space_id: Some("cams-1".into()), ..query() }, "custSpaceId: "),
            (HistoryQuery { page: Some(0), ..query() }, "page: "),
            (HistoryQuery { page_size: Some(1001), ..query() }, "pageSize: "),
        ];
        for (query, field) in refused {
            let error = client.list_messages(&query).await.unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidParameter, "{query:?}");
            assert!(error.message().starts_with(field), "{error}");
        }
        let empty = client.list_messages(&query()).await.unwrap();
        assert_eq!((empty.records.len(), empty.page, empty.next_page), (0, 1, None));
    }
}
