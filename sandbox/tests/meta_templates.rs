//! chatlane's client reading a WhatsApp Business Account's message templates through Meta's
//! Graph API (the sandbox's Meta face): `list_templates` page by page by cursor, filtered by
//! status, name and language; `template` in full by ID or by name; unknown ones
//! `TemplateNotFound`; the `waba_id` option a Meta client needs and a CAMS client refuses.

mod support;

use chatlane_core::oauth::{AccessToken, TokenSource};
use chatlane_core::ops::{TemplateQuery, TemplateRef, TemplateSummary};
use chatlane_core::{Client, ClientConfig, ClientOptions, ErrorCode};
use chatlane_sandbox::meta::{DEFAULT_TOKEN, DEFAULT_WABA_ID};
use chatlane_sandbox::{Sandbox, SandboxConfig};
use serde_json::json;
use support::{Answer, call, sandbox};

/// Seven templates: three `order_update*` (two languages), statuses of every kind.
fn config() -> SandboxConfig {
    let templates = json!([
        {"name": "order_update", "language": "en_US", "qualityScore": "GREEN", "components": [
            {"type": "HEADER", "format": "TEXT", "text": "Order {{1}}"},
            {"type": "BODY", "text": "Hi {{1}}, your order {{2}} ships today.", "example": {"body_text": [["Ada", "A-1"]]}},
            {"type": "FOOTER", "text": "Reply STOP to opt out"},
            {"type": "BUTTONS", "buttons": [
                {"type": "URL", "text": "Track", "url": "https://shop.example/track/{{1}}"},
                {"type": "PHONE_NUMBER", "text": "Call us", "phone_number": "+15550783881"},
                {"type": "QUICK_REPLY", "text": "Stop"}]}]},
        {"name": "order_update", "language": "de", "components": [{"type": "BODY", "text": "Hallo {{1}}"}]},
        {"name": "order_update_v2", "language": "en_US", "status": "PAUSED"},
        {"name": "welcome", "language": "en_US", "category": "MARKETING", "status": "REJECTED", "rejectedReason": "INVALID_FORMAT"},
        {"name": "otp", "language": "en_US", "category": "AUTHENTICATION", "status": "PENDING"},
        {"name": "receipt", "language": "en_US", "parameterFormat": "NAMED", "components": [
            {"type": "BODY", "text": "Thanks {{first_name}}", "example": {"body_text_named_params": [{"param_name": "first_name", "example": "Ada"}]}}]},
        {"name": "farewell", "language": "de", "status": "DISABLED"}
    ]);
    let tokens =
        json!([{"token": DEFAULT_TOKEN}, {"token": "messaging-only", "scopes": ["whatsapp_business_messaging"]}]);
    SandboxConfig::parse(&json!({"meta": {"templates": templates, "tokens": tokens}}).to_string()).unwrap()
}

fn options(sandbox: &Sandbox, waba_id: Option<&str>) -> ClientOptions {
    ClientOptions {
        provider: Some("meta".into()),
        access_token: Some(DEFAULT_TOKEN.into()),
        endpoint: Some(sandbox.endpoint()),
        waba_id: waba_id.map(str::to_owned),
        ..ClientOptions::default()
    }
}

fn client(options: ClientOptions) -> Client {
    Client::new(ClientConfig::from_options(options).unwrap()).unwrap()
}

/// How many template reads reached the sandbox, by journal action.
fn reads(sandbox: &Sandbox, action: &str) -> usize {
    sandbox.requests().iter().filter(|request| request.action == action).count()
}

/// Every template `query` matches, page after page: the pages' templates and numbers.
async fn every_page(client: &Client, mut query: TemplateQuery) -> (Vec<TemplateSummary>, Vec<u32>) {
    let (mut templates, mut pages) = (Vec::new(), Vec::new());
    loop {
        let page = client.list_templates(&query).await.unwrap();
        pages.push(page.page);
        templates.extend(page.templates.iter().cloned());
        match page.next_query(&query) {
            Some(next) => query = next,
            None => return (templates, pages),
        }
    }
}

/// `GET path` with `token` as the bearer.
async fn get(sandbox: &Sandbox, path: &str, token: &str) -> Answer {
    call(sandbox, "GET", path, &[("authorization", &format!("Bearer {token}"))], "").await.unwrap()
}

fn names(templates: &[TemplateSummary]) -> Vec<(&str, &str, &str)> {
    templates.iter().map(|t| (t.name.as_str(), t.language.as_str(), t.audit_status.as_str())).collect()
}

#[tokio::test]
async fn templates_are_listed_page_by_page_by_cursor() {
    let sandbox = sandbox(config()).await;
    let client = client(options(&sandbox, Some(DEFAULT_WABA_ID)));
    let query = TemplateQuery { page_size: Some(3), ..TemplateQuery::all() };
    let first = client.list_templates(&query).await.unwrap();
    assert_eq!((first.page, first.page_size, first.total, first.next_page), (1, 3, None, Some(2)));
    assert!(first.next_cursor.is_some(), "{first:?}");

    let (templates, pages) = every_page(&client, query.clone()).await;
    assert_eq!(pages, [1, 2, 3]);
    assert_eq!(reads(&sandbox, "meta:message_templates"), 4, "the first page twice, then two more");
    assert_eq!(
        names(&templates),
        [
            ("order_update", "en_US", "APPROVED"),
            ("order_update", "de", "APPROVED"),
            ("order_update_v2", "en_US", "PAUSED"),
            ("welcome", "en_US", "REJECTED"),
            ("otp", "en_US", "PENDING"),
            ("receipt", "en_US", "APPROVED"),
            ("farewell", "de", "DISABLED"),
        ]
    );
    let codes: Vec<_> = templates.iter().map(|t| t.code.as_str()).collect();
    assert_eq!(codes[0], "1600000000000001");
    assert_eq!(codes[6], "1600000000000007");
    let welcome = &templates[3];
    assert_eq!(
        (welcome.category.as_deref(), welcome.template_type.as_deref(), welcome.reason.as_deref()),
        (Some("MARKETING"), Some("WHATSAPP"), Some("INVALID_FORMAT"))
    );
    assert_eq!(templates[0].reason, None, "Meta's NONE is no reason");

    let numbered_only = TemplateQuery { page: Some(2), ..query };
    let error = client.list_templates(&numbered_only).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidParameter);
    assert!(error.message().starts_with("cursor: "), "{error}");
    assert_eq!(reads(&sandbox, "meta:message_templates"), 4, "a page without its cursor is not asked");
}

#[tokio::test]
async fn listings_filter_by_status_name_and_language() {
    let sandbox = sandbox(config()).await;
    let client = client(options(&sandbox, Some(DEFAULT_WABA_ID)));
    let list = async |query: TemplateQuery| every_page(&client, TemplateQuery { page_size: Some(2), ..query }).await.0;

    let approved = list(TemplateQuery { audit_status: Some("pass".into()), ..TemplateQuery::all() }).await;
    assert_eq!(
        names(&approved),
        [("order_update", "en_US", "APPROVED"), ("order_update", "de", "APPROVED"), ("receipt", "en_US", "APPROVED")]
    );
    for (status, name) in
        [("fail", "welcome"), ("auditing", "otp"), ("PAUSED", "order_update_v2"), ("DISABLED", "farewell")]
    {
        let found = list(TemplateQuery { audit_status: Some(status.into()), ..TemplateQuery::all() }).await;
        assert_eq!(found.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), [name], "{status}");
    }
    let unaudited = TemplateQuery { audit_status: Some("unaudit".into()), ..TemplateQuery::all() };
    assert_eq!(client.list_templates(&unaudited).await.unwrap_err().code(), ErrorCode::InvalidParameter);

    let orders = list(TemplateQuery { name: Some("order_update".into()), ..TemplateQuery::all() }).await;
    assert_eq!(orders.len(), 3, "Meta's name filter matches part of a name");
    let german = list(TemplateQuery { language: Some("de".into()), ..TemplateQuery::all() }).await;
    assert_eq!(names(&german), [("order_update", "de", "APPROVED"), ("farewell", "de", "DISABLED")]);
    let both = TemplateQuery {
        name: Some("order".into()),
        language: Some("en_US".into()),
        audit_status: Some("APPROVED".into()),
        ..TemplateQuery::all()
    };
    assert_eq!(names(&list(both).await), [("order_update", "en_US", "APPROVED")]);
    let marketing = list(TemplateQuery { category: Some("MARKETING".into()), ..TemplateQuery::all() }).await;
    assert_eq!(names(&marketing), [("welcome", "en_US", "REJECTED")]);
    let none = client.list_templates(&TemplateQuery { name: Some("nothing".into()), ..TemplateQuery::all() }).await;
    let none = none.unwrap();
    assert!(none.templates.is_empty() && none.next_page.is_none() && none.next_cursor.is_none());
}

#[tokio::test]
async fn a_template_reads_in_full_by_id_or_by_exact_name() {
    let sandbox = sandbox(config()).await;
    let client = client(options(&sandbox, Some(DEFAULT_WABA_ID)));
    let detail = client.template(&TemplateRef::code("1600000000000001", "en_US")).await.unwrap();
    assert_eq!(
        (detail.code.as_str(), detail.name.as_str(), detail.audit_status.as_str(), detail.allow_send),
        ("1600000000000001", "order_update", "APPROVED", true)
    );
    assert_eq!((detail.quality_score.as_deref(), detail.category.as_deref()), (Some("GREEN"), Some("UTILITY")));
    let kinds: Vec<_> = detail.components.iter().map(|c| c.kind.as_str()).collect();
    assert_eq!(kinds, ["HEADER", "BODY", "FOOTER", "BUTTONS"]);
    assert_eq!(detail.components[1].text.as_deref(), Some("Hi {{1}}, your order {{2}} ships today."));
    let buttons = &detail.components[3].buttons;
    assert_eq!(
        (buttons[0].kind.as_str(), buttons[0].url_type.as_deref(), buttons[1].phone_number.as_deref()),
        ("URL", Some("dynamic"), Some("+15550783881"))
    );
    assert_eq!(detail.example.get("2").map(String::as_str), Some("A-1"));
    assert_eq!(reads(&sandbox, "meta:template"), 1);

    let by_name = TemplateRef { code: None, name: Some("order_update".into()), ..TemplateRef::code("", "de") };
    let german = client.template(&by_name).await.unwrap();
    assert_eq!((german.code.as_str(), german.language.as_str()), ("1600000000000002", "de"));
    let by_name = TemplateRef { language: "en_US".into(), ..by_name };
    assert_eq!(client.template(&by_name).await.unwrap().code, "1600000000000001", "not order_update_v2");
    let receipt = TemplateRef { name: Some("receipt".into()), ..by_name.clone() };
    let receipt = client.template(&receipt).await.unwrap();
    assert_eq!(receipt.example.get("first_name").map(String::as_str), Some("Ada"));
    let paused = TemplateRef { name: Some("order_update_v2".into()), ..by_name };
    assert!(!client.template(&paused).await.unwrap().allow_send, "only an approved template may be sent");
    assert_eq!(reads(&sandbox, "meta:message_templates"), 4, "one lookup page each");
}

#[tokio::test]
async fn an_unknown_template_is_template_not_found() {
    let sandbox = sandbox(config()).await;
    let client = client(options(&sandbox, Some(DEFAULT_WABA_ID)));
    let unknown_id = client.template(&TemplateRef::code("1600000000000099", "en_US")).await.unwrap_err();
    assert_eq!(unknown_id.code(), ErrorCode::TemplateNotFound, "{unknown_id}");
    assert_eq!((unknown_id.platform_code(), unknown_id.http_status()), (Some("100"), Some(400)));
    let other_language = client.template(&TemplateRef::code("1600000000000001", "de")).await.unwrap_err();
    assert_eq!(other_language.code(), ErrorCode::TemplateNotFound);
    let by_name = TemplateRef { code: None, name: Some("order".into()), ..TemplateRef::code("", "en_US") };
    let partial = client.template(&by_name).await.unwrap_err();
    assert_eq!(partial.code(), ErrorCode::TemplateNotFound, "a name is matched exactly");
    assert_eq!(partial.message(), r#"no template named "order" in en_US"#);
    let not_an_id = client.template(&TemplateRef::code("744c4b5c79c94324", "en_US")).await.unwrap_err();
    assert_eq!(not_an_id.code(), ErrorCode::InvalidParameter, "a CAMS code is no Meta template ID");
}

#[tokio::test]
async fn a_meta_client_without_a_waba_id_is_told_to_set_one_and_sends_nothing() {
    let sandbox = sandbox(config()).await;
    let client = client(options(&sandbox, None));
    let listing = client.list_templates(&TemplateQuery::all()).await.unwrap_err();
    assert_eq!(listing.code(), ErrorCode::InvalidConfig);
    assert!(listing.message().contains("waba_id option"), "{listing}");
    let bad_query = TemplateQuery { page_size: Some(0), ..TemplateQuery::all() };
    let error = client.list_templates(&bad_query).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidConfig, "the option is checked before the query");
    let detail = client.template(&TemplateRef::code("1600000000000001", "en_US")).await.unwrap_err();
    assert_eq!(detail.code(), ErrorCode::InvalidConfig);
    assert!(detail.message().contains("waba_id option"), "{detail}");
    assert!(sandbox.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_cams_client_given_a_waba_id_is_refused() {
    let options = ClientOptions {
        access_key_id: Some("AK".into()),
        access_key_secret: Some("SK-secret".into()),
        waba_id: Some(DEFAULT_WABA_ID.into()),
        ..ClientOptions::default()
    };
    let error = ClientConfig::from_options(options).unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidConfig);
    assert!(error.message().contains("waba_id"), "{error}");
}

#[tokio::test]
async fn an_unknown_waba_or_a_token_without_the_management_scope_is_refused() {
    let sandbox = sandbox(config()).await;
    let foreign = client(options(&sandbox, Some("100000000000001")));
    let error = foreign.list_templates(&TemplateQuery::all()).await.unwrap_err();
    assert_eq!((error.code(), error.platform_code(), error.attempts()), (ErrorCode::InvalidParameter, Some("100"), 1));
    assert!(error.message().contains("Object with ID '100000000000001' does not exist"), "{error}");

    let unscoped = client(ClientOptions {
        access_token: Some("messaging-only".into()),
        ..options(&sandbox, Some(DEFAULT_WABA_ID))
    });
    let error = unscoped.list_templates(&TemplateQuery::all()).await.unwrap_err();
    assert_eq!((error.code(), error.http_status()), (ErrorCode::PermissionDenied, Some(403)));
    assert_eq!(reads(&sandbox, "meta:message_templates"), 2);

    let known =
        AccessToken { scopes: vec!["whatsapp_business_messaging".into()], ..AccessToken::new("messaging-only") };
    let options = ClientOptions { access_token: None, ..options(&sandbox, Some(DEFAULT_WABA_ID)) };
    let config = ClientConfig::from_options_with_token(options, TokenSource::fixed(known).unwrap()).unwrap();
    let error = Client::new(config).unwrap().list_templates(&TemplateQuery::all()).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::MissingScope);
    assert!(error.message().contains("whatsapp_business_management"), "{error}");
    assert_eq!(reads(&sandbox, "meta:message_templates"), 2, "a token known to lack the scope asks nothing");
}

#[tokio::test]
async fn the_listing_answers_in_graphs_shape() {
    let sandbox = sandbox(config()).await;
    let path = format!("/v25.0/{DEFAULT_WABA_ID}/message_templates?fields=name,status&limit=2&language=de");
    let first = get(&sandbox, &path, DEFAULT_TOKEN).await;
    assert_eq!(first.status, 200);
    assert!(first.headers.contains_key("x-fb-trace-id"));
    assert_eq!(
        first.body["data"],
        json!([{"id": "1600000000000002", "name": "order_update", "status": "APPROVED"},
               {"id": "1600000000000007", "name": "farewell", "status": "DISABLED"}])
    );
    assert_eq!(first.body["paging"]["cursors"], json!({"before": "MA", "after": "MQ"}));
    assert_eq!(first.body["paging"].get("next"), None, "two templates in German: one page");
    let more = get(&sandbox, &format!("/v25.0/{DEFAULT_WABA_ID}/message_templates?limit=3"), DEFAULT_TOKEN).await;
    let next = more.body["paging"]["next"].as_str().unwrap();
    let expected = format!("{}/v25.0/{DEFAULT_WABA_ID}/message_templates?", sandbox.endpoint());
    assert!(next.starts_with(&expected) && next.contains("limit=3") && next.ends_with("after=Mg"), "{next}");
    let fields = more.body["data"][0].as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(fields, ["id", "name", "language", "status", "category", "components"], "the default fields");

    let node = get(&sandbox, "/v25.0/1600000000000005?fields=quality_score,rejected_reason", DEFAULT_TOKEN).await;
    assert_eq!(
        node.body,
        json!({"id": "1600000000000005", "quality_score": {"score": "UNKNOWN"}, "rejected_reason": "NONE"})
    );
    let unauthenticated = get(&sandbox, &path, "EAASforged").await;
    assert_eq!((unauthenticated.status, unauthenticated.body["error"]["code"].as_u64()), (401, Some(190)));
    let unknown = get(&sandbox, "/v25.0/42", DEFAULT_TOKEN).await;
    assert_eq!((unknown.status, unknown.body["error"]["error_subcode"].as_u64()), (400, Some(33)));
    let outcomes: Vec<_> = sandbox.requests().iter().map(|r| (r.action.clone(), r.outcome.clone())).collect();
    let expected = [
        ("meta:message_templates", "OK"),
        ("meta:message_templates", "OK"),
        ("meta:template", "OK"),
        ("meta:template", "100"),
    ];
    assert_eq!(outcomes, expected.map(|(a, o)| (a.to_owned(), o.to_owned())), "the forged token is not journaled");
}
