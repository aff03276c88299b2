//! The core client's operations beyond sending, against the in-process sandbox: templates
//! paged and read in full, typed errors, and reads asked again when their answer is lost.

use std::net::SocketAddr;

use chatlane_core::ops::{Query, TemplateQuery, TemplateRef};
use chatlane_core::{Client, ClientConfig, ClientOptions, ErrorCode, Message};
use chatlane_sandbox::faults::{Fault, FaultRule};
use chatlane_sandbox::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Sandbox, SandboxConfig};

/// A sandbox whose registry holds `templates` approved templates `T1…` and one in review.
async fn sandbox(templates: usize) -> Sandbox {
    let mut defs: Vec<_> = (1..=templates)
        .map(|i| {
            serde_json::json!({"code": format!("T{i}"), "name": format!("t{i}"), "language": "en",
                                    "variables": ["name"], "body": "Hi $(name)"})
        })
        .collect();
    defs.push(serde_json::json!({"code": "R1", "name": "review", "language": "en", "auditStatus": "auditing"}));
    let config = SandboxConfig::parse(&serde_json::json!({ "templates": defs }).to_string()).unwrap();
    Sandbox::start(config, SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap()
}

fn client(sandbox: &Sandbox) -> Client {
    let options = ClientOptions {
        access_key_id: Some(DEFAULT_ACCESS_KEY_ID.into()),
        access_key_secret: Some(DEFAULT_ACCESS_KEY_SECRET.into()),
        endpoint: Some(sandbox.endpoint()),
        cust_space_id: Some("cams-sandbox".into()),
        ..ClientOptions::default()
    };
    Client::new(ClientConfig::from_options(options).unwrap()).unwrap()
}

#[tokio::test]
async fn templates_page_through_every_page() {
    let sandbox = sandbox(5).await;
    let client = client(&sandbox);
    let mut query = TemplateQuery { page_size: Some(2), ..TemplateQuery::all() };
    let mut codes = Vec::new();
    let mut pages = 0;
    loop {
        let page = client.list_templates(&query).await.unwrap();
        assert_eq!(page.total, Some(6));
        pages += 1;
        codes.extend(page.templates.into_iter().map(|t| t.code));
        match page.next_page {
            Some(next) => query.page = Some(next),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(codes, ["T1", "T2", "T3", "T4", "T5", "R1"]);
    let approved = TemplateQuery { audit_status: Some("pass".into()), ..TemplateQuery::all() };
    assert_eq!(client.list_templates(&approved).await.unwrap().templates.len(), 5);
    // Paced at 5/s against the sandbox's 5 in any second, a read may arrive a hair early and be
    // throttled, then retried: every answered read is a page, every other a throttle.
    let requests = sandbox.requests();
    assert!(requests.iter().all(|r| r.action == "ListChatappTemplate"), "{requests:?}");
    assert_eq!(requests.iter().filter(|r| r.outcome == "OK").count(), 4, "{requests:?}");
    assert!(requests.iter().all(|r| r.outcome == "OK" || r.outcome.starts_with("Throttling")), "{requests:?}");
}

/// The template pages `pages` gives, as codes per page.
async fn codes_per_page(pages: &chatlane_core::Pages<TemplateQuery>) -> Vec<Vec<String>> {
    let mut all = Vec::new();
    while let Some(page) = pages.next().await.unwrap() {
        all.push(page.templates.into_iter().map(|t| t.code).collect());
    }
    all
}

#[tokio::test]
async fn pages_are_read_ahead_and_no_further() {
    let sandbox = sandbox(9).await;
    let client = client(&sandbox);
    let listing = || TemplateQuery { page_size: Some(2), ..TemplateQuery::all() };
    let reads = || sandbox.requests().iter().filter(|r| r.outcome == "OK").count();
    let wait_for = |count: usize| async move {
        for _ in 0..1000 {
            if reads() >= count {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    };

    // Every page once, the last asking for no page after it.
    let pages = client.pages(listing());
    let codes = codes_per_page(&pages).await;
    assert_eq!(codes.len(), 5, "{codes:?}");
    assert_eq!(codes[0], ["T1", "T2"]);
    assert_eq!(codes[4], ["T9", "R1"]);
    assert_eq!(pages.next().await.unwrap(), None, "the walk stays over");
    assert_eq!(reads(), 5);

    // While the reader holds page 1, pages 2 (waiting for it) and 3 (on its way) are asked
    // for, and no more; a dropped walk asks for nothing more.
    let pages = client.pages(listing());
    assert!(pages.next().await.unwrap().is_some());
    wait_for(8).await;
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert_eq!(reads(), 8, "pages 2 and 3 were asked for ahead, page 4 was not");
    // Page 2 was left for the reader to read, page 3 read by the walk's task while it waited.
    for codes in [["T3", "T4"], ["T5", "T6"]] {
        let page = pages.next().await.unwrap().unwrap();
        assert_eq!(page.templates.iter().map(|t| t.code.as_str()).collect::<Vec<_>>(), codes);
    }
    drop(pages);
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let asked = reads();
    assert!(asked <= 10, "pages 4 and 5 at most: {asked}");
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert_eq!(reads(), asked, "nothing after the walk was dropped");

    // A call dropped before its page comes ends the walk.
    let pages = client.pages(listing());
    let cancelled = tokio::time::timeout(std::time::Duration::from_micros(1), pages.next()).await;
    assert!(cancelled.is_err(), "the first page cannot have come within a microsecond");
    assert_eq!(pages.next().await.unwrap(), None, "the walk ended with the cancelled call");

    // The JSON walk the bindings take: the same pages, and only listings.
    let json = client.json_pages(Query::Templates(listing())).unwrap();
    let first: serde_json::Value = serde_json::from_str(&json.next().await.unwrap().unwrap()).unwrap();
    assert_eq!(first["templates"][0]["code"], "T1");
    let error = client.json_pages(Query::Template(TemplateRef::code("T1", "en"))).err().unwrap();
    assert_eq!(error.code(), ErrorCode::InvalidParameter);
}

#[tokio::test]
async fn a_template_in_full_or_a_typed_error() {
    let sandbox = sandbox(1).await;
    let client = client(&sandbox);
    let detail = client.template(&TemplateRef::code("T1", "en")).await.unwrap();
    assert!(detail.allow_send);
    assert_eq!(detail.components[0].text.as_deref(), Some("Hi $(name)"));
    assert!(detail.example.contains_key("name"));
    let review = client.template(&TemplateRef::code("R1", "en")).await.unwrap();
    assert!(!review.allow_send);
    let missing = client.template(&TemplateRef::code("T9", "en")).await.unwrap_err();
    assert_eq!(missing.code(), ErrorCode::TemplateNotFound);
    assert!(missing.request_id().is_some(), "{missing}");
    let nameless = TemplateRef { code: None, ..TemplateRef::code("", "en") };
    assert_eq!(client.template(&nameless).await.unwrap_err().code(), ErrorCode::InvalidParameter);
    assert_eq!(sandbox.requests().len(), 3, "an invalid query is never sent");
}

#[tokio::test]
async fn a_read_whose_answer_is_lost_is_asked_again_but_a_send_is_not() {
    let sandbox = sandbox(1).await;
    let client = client(&sandbox);
    sandbox.inject(FaultRule::once(Fault::Drop));
    let page = client.list_templates(&TemplateQuery::all()).await.unwrap();
    assert_eq!(page.templates.len(), 2);
    assert_eq!(sandbox.requests().len(), 2, "the dropped read and the one that answered");

    sandbox.inject(FaultRule::once(Fault::Drop));
    let send = client.send(&Message::text("8613800000000", "6591234567", "hi")).await.unwrap_err();
    assert_eq!(send.code(), ErrorCode::OutcomeUnknown);
    assert_eq!(send.attempts(), 1);
}

#[tokio::test]
async fn a_meta_client_has_no_cams_operations() {
    let options = ClientOptions {
        provider: Some("meta".into()),
        access_token: Some("EAAG-token".into()),
        endpoint: Some("http://127.0.0.1:9".into()),
        ..ClientOptions::default()
    };
    let client = Client::new(ClientConfig::from_options(options).unwrap()).unwrap();
    let error = client.list_templates(&TemplateQuery::all()).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidConfig);
    assert!(error.message().contains("ListChatappTemplate is a CAMS operation"), "{error}");
    let spaceless = client.list_messages(&chatlane_core::ops::HistoryQuery::new("1")).await.unwrap_err();
    assert_eq!(spaceless.code(), ErrorCode::InvalidConfig, "no event store to list Meta's history from: {spaceless}");
}

fn checking_client(sandbox: &Sandbox) -> Client {
    let options = ClientOptions {
        access_key_id: Some(DEFAULT_ACCESS_KEY_ID.into()),
        access_key_secret: Some(DEFAULT_ACCESS_KEY_SECRET.into()),
        endpoint: Some(sandbox.endpoint()),
        template_cache_ttl_ms: Some(60_000),
        ..ClientOptions::default()
    };
    Client::new(ClientConfig::from_options(options).unwrap()).unwrap()
}

fn violations(error: &chatlane_core::Error) -> Vec<(&str, &str)> {
    error.violations().iter().map(|v| (v.code, v.path.as_str())).collect()
}

#[tokio::test]
async fn template_sends_are_checked_against_the_template_before_they_go() {
    let sandbox = sandbox(1).await;
    let client = checking_client(&sandbox);
    let send = |code: &str, params: &[(&str, &str)]| {
        let params =
            chatlane_core::TemplateParams::from_iter(params.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        Message::template("8613800000000", "6591234567", code, "en", params)
    };
    client.send(&send("T1", &[("name", "Ada")])).await.unwrap();
    client.send(&send("T1", &[("name", "Bo")])).await.unwrap();

    let wrong = client.send(&send("T1", &[("nmae", "Ada")])).await.unwrap_err();
    assert_eq!(wrong.code(), ErrorCode::InvalidMessage);
    assert_eq!(violations(&wrong), [("required", "template.params.name"), ("not_allowed", "template.params.nmae")]);
    assert_eq!(wrong.violations()[0].message, "required by template T1");
    let review = client.send(&send("R1", &[])).await.unwrap_err();
    assert_eq!(review.code(), ErrorCode::TemplateNotApproved);
    let missing = client.send(&send("T9", &[])).await.unwrap_err();
    assert_eq!(missing.code(), ErrorCode::TemplateNotFound);
    client.send(&send("T9", &[])).await.unwrap_err();

    assert_eq!(sandbox.ledger().len(), 2, "nothing that does not fit was sent");
    let details = sandbox.requests().iter().filter(|r| r.action == "GetChatappTemplateDetail").count();
    assert_eq!(details, 3, "each template read once (T1, R1, T9), then cached");
}

#[tokio::test]
async fn a_meta_client_cannot_check_templates_yet() {
    let options = ClientOptions {
        provider: Some("meta".into()),
        access_token: Some("EAAG-token".into()),
        template_cache_ttl_ms: Some(60_000),
        ..ClientOptions::default()
    };
    let error = ClientConfig::from_options(options).unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidConfig);
}
