//! The core client's template management against the in-process sandbox: a template created,
//! listed in review then approved, changed, deleted; typed errors; writes refused before
//! anything is sent; and a write whose answer is lost is not made again.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use chatlane_core::ops::{
    NewTemplate, TemplateButton, TemplateComponent, TemplateDeletion, TemplateEdit, TemplateQuery, TemplateRef,
};
use chatlane_core::{Client, ClientConfig, ClientOptions, ErrorCode, Message, TemplateParams};
use chatlane_sandbox::faults::{Fault, FaultRule};
use chatlane_sandbox::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Sandbox, SandboxConfig};

/// A sandbox whose reviews take 600 ms: longer than the 200 ms between two paced reads of one
/// operation, twice over (the tests here share one pacing budget).
async fn sandbox() -> Sandbox {
    let config = SandboxConfig::parse(r#"{"templateReviewMs": 600}"#).unwrap();
    Sandbox::start(config, SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap()
}

/// A client of `sandbox` that checks template sends against a cache kept a minute; in a test
/// binary of its own, so that its pacing budget is not shared with other tests' reads.
fn client(sandbox: &Sandbox) -> Client {
    let options = ClientOptions {
        access_key_id: Some(DEFAULT_ACCESS_KEY_ID.into()),
        access_key_secret: Some(DEFAULT_ACCESS_KEY_SECRET.into()),
        endpoint: Some(sandbox.endpoint()),
        cust_space_id: Some("cams-sandbox".into()),
        template_cache_ttl_ms: Some(60_000),
        ..ClientOptions::default()
    };
    Client::new(ClientConfig::from_options(options).unwrap()).unwrap()
}

fn order_update() -> NewTemplate {
    let track = TemplateButton {
        url: Some("https://t.example/$(order)".into()),
        url_type: Some("dynamic".into()),
        ..TemplateButton::labelled("URL", "Track")
    };
    NewTemplate {
        name: "order_update".into(),
        language: "en".into(),
        category: "UTILITY".into(),
        components: vec![
            TemplateComponent::text("HEADER", "Order $(order)"),
            TemplateComponent::text("BODY", "Hi $(name), order $(order) shipped."),
            TemplateComponent::buttons(vec![track]),
        ],
        example: [("name", "Ada"), ("order", "42")].map(|(k, v)| (k.to_owned(), v.to_owned())).into(),
        template_type: None,
        message_send_ttl_seconds: None,
        cust_space_id: None,
    }
}

fn send(code: &str, params: &[(&str, &str)]) -> Message {
    let params = TemplateParams::from_iter(params.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    Message::template("8613800000000", "6591234567", code, "en", params)
}

#[tokio::test]
async fn a_template_is_created_reviewed_changed_and_deleted() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let saved = client.create_template(&order_update()).await.unwrap();
    assert_eq!((saved.name.as_str(), saved.code.len()), ("order_update", 18));
    let by_code = TemplateQuery { code: Some(saved.code.clone()), ..TemplateQuery::all() };
    let listed = client.list_templates(&by_code).await.unwrap().templates;
    assert_eq!((listed.len(), listed[0].audit_status.as_str()), (1, "auditing"));
    let not_yet = client.send(&send(&saved.code, &[("name", "Ada"), ("order", "42")])).await.unwrap_err();
    assert_eq!(not_yet.code(), ErrorCode::TemplateNotApproved);

    tokio::time::sleep(Duration::from_millis(700)).await;
    let detail = client.template(&TemplateRef::code(&saved.code, "en")).await.unwrap();
    assert!(detail.allow_send, "approved after its review: {detail:?}");
    assert_eq!(detail.components, order_update().components, "what was written is read back");
    assert_eq!(detail.example, order_update().example);

    let edit = TemplateEdit {
        code: Some(saved.code.clone()),
        name: None,
        language: "en".into(),
        components: vec![TemplateComponent::text("BODY", "Bye $(who)")],
        example: HashMap::from([("who".to_owned(), "Bo".to_owned())]),
        template_type: None,
        message_send_ttl_seconds: Some(600),
        cust_space_id: None,
    };
    assert_eq!(client.modify_template(&edit).await.unwrap(), saved);
    let detail = client.template(&TemplateRef::code(&saved.code, "en")).await.unwrap();
    assert_eq!((detail.audit_status.as_str(), detail.message_send_ttl_seconds), ("auditing", Some(600)));
    assert_eq!(detail.components[0].text.as_deref(), Some("Bye $(who)"));

    client.delete_template(&TemplateDeletion::code(&saved.code)).await.unwrap();
    assert!(client.list_templates(&by_code).await.unwrap().templates.is_empty());
    let deleted = client.send(&send(&saved.code, &[("who", "Bo")])).await.unwrap_err();
    assert_eq!(deleted.code(), ErrorCode::TemplateNotFound, "the cache forgot the template in review");
    let gone = client.template(&TemplateRef::code(&saved.code, "en")).await.unwrap_err();
    assert_eq!(gone.code(), ErrorCode::TemplateNotFound);
    let again = client.delete_template(&TemplateDeletion::code(&saved.code)).await.unwrap_err();
    assert_eq!((again.code(), again.platform_code()), (ErrorCode::TemplateNotFound, Some("DelError.TemplateNotExist")));
    let unknown = TemplateEdit { code: Some("404".into()), ..edit };
    assert_eq!(client.modify_template(&unknown).await.unwrap_err().code(), ErrorCode::TemplateNotFound);
}

#[tokio::test]
async fn refusals_are_typed_and_invalid_writes_are_never_sent() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    client.create_template(&order_update()).await.unwrap();
    let taken = client.create_template(&order_update()).await.unwrap_err();
    assert_eq!(
        (taken.code(), taken.platform_code()),
        (ErrorCode::InvalidParameter, Some("InvalidParameter.TemplateNameExist"))
    );
    let sent = sandbox.requests().len();
    let numbered = NewTemplate { components: vec![TemplateComponent::text("BODY", "Hi {{1}}")], ..order_update() };
    let error = client.create_template(&numbered).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidParameter);
    assert!(error.message().starts_with("components[0].text: "), "{error}");
    let bodiless = TemplateEdit {
        code: Some("C".into()),
        name: None,
        language: "en".into(),
        components: Vec::new(),
        example: HashMap::new(),
        template_type: None,
        message_send_ttl_seconds: None,
        cust_space_id: None,
    };
    assert!(client.modify_template(&bodiless).await.unwrap_err().message().starts_with("components: "));
    let nameless = TemplateDeletion { code: None, ..TemplateDeletion::code("") };
    assert!(client.delete_template(&nameless).await.unwrap_err().message().starts_with("code: "));
    assert_eq!(sandbox.requests().len(), sent, "nothing refused here was sent");
}

#[tokio::test]
async fn a_write_whose_answer_is_lost_is_not_made_again() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    sandbox.inject(FaultRule::once(Fault::AcceptThenDrop));
    let lost = client.create_template(&order_update()).await.unwrap_err();
    assert_eq!((lost.code(), lost.attempts()), (ErrorCode::OutcomeUnknown, 1));
    let listed = client.list_templates(&TemplateQuery::all()).await.unwrap();
    assert_eq!(listed.templates.len(), 1, "created once, and the listing shows it");

    sandbox.inject(FaultRule::once(Fault::Error {
        status: 503,
        code: None,
        message: None,
        headers: Default::default(),
    }));
    let by_name = TemplateDeletion { code: None, name: Some("order_update".into()), ..TemplateDeletion::code("") };
    client.delete_template(&by_name).await.unwrap();
    let deletes = sandbox.requests().iter().filter(|r| r.action == "DeleteChatappTemplate").count();
    assert_eq!(deletes, 2, "a 503 proves nothing was done: asked again");
}
