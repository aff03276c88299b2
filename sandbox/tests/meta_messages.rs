//! Meta's messages endpoint over raw HTTP: the answer and the ledger of a valid send, then
//! everything refused before a message is accepted — bearer token, scope, number, version,
//! body — each with Meta's error envelope.

mod support;

use chatlane_sandbox::meta::{DEFAULT_PHONE_NUMBER_ID, DEFAULT_TOKEN};
use chatlane_sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};
use support::{Answer, call, sandbox};

const TO: &str = "+1 650-555-1234";

fn messages_path() -> String {
    format!("/v25.0/{DEFAULT_PHONE_NUMBER_ID}/messages")
}

/// Sends `body` with `token` as the bearer.
async fn send(sandbox: &Sandbox, token: &str, body: &Value) -> Answer {
    let bearer = format!("Bearer {token}");
    let headers = [("authorization", bearer.as_str()), ("content-type", "application/json")];
    call(sandbox, "POST", &messages_path(), &headers, &body.to_string()).await.unwrap()
}

fn text(to: &str) -> Value {
    json!({"messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": "hello"}})
}

/// A token from the control endpoint.
async fn token(sandbox: &Sandbox, request: Value) -> String {
    let answer = call(sandbox, "POST", "/_sandbox/meta/tokens", &[], &request.to_string()).await.unwrap();
    assert_eq!(answer.status, 200, "{answer:?}");
    answer.body["access_token"].as_str().unwrap().to_owned()
}

/// Asserts a Graph error envelope with this status and code; returns the `error` object.
fn graph_error(answer: &Answer, status: u16, code: u64) -> Value {
    assert_eq!((answer.status, answer.body["error"]["code"].as_u64()), (status, Some(code)), "{answer:?}");
    let error = answer.body["error"].clone();
    let trace = error["fbtrace_id"].as_str().expect("an fbtrace_id");
    assert_eq!(answer.headers["x-fb-trace-id"], trace);
    assert!(error["message"].is_string() && error["type"].is_string(), "{error}");
    error
}

#[tokio::test]
async fn a_valid_send_answers_like_meta_and_lands_in_the_ledger_once() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let mut body = text(TO);
    body["biz_opaque_callback_data"] = json!("send-42");
    let answer = send(&sandbox, DEFAULT_TOKEN, &body).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body["messaging_product"], "whatsapp");
    assert_eq!(answer.body["contacts"], json!([{"input": TO, "wa_id": "16505551234"}]));
    let wamid = answer.body["messages"][0]["id"].as_str().unwrap();
    assert!(wamid.starts_with("wamid.") && wamid.len() > 20, "{wamid}");
    assert!(answer.headers.contains_key("x-fb-trace-id"));

    let entries = sandbox.meta_ledger().entries();
    assert_eq!(entries.len(), 1);
    let entry = &entries[0];
    assert_eq!((entry.message_id.as_str(), entry.phone_number_id.as_str()), (wamid, DEFAULT_PHONE_NUMBER_ID));
    assert_eq!((entry.recipient.as_str(), entry.message_type.as_str()), (TO, "text"));
    assert_eq!((&entry.body, entry.biz_opaque_callback_data.as_deref()), (&body, Some("send-42")));
    let over_http = call(&sandbox, "GET", "/_sandbox/meta/ledger", &[], "").await.unwrap();
    assert_eq!(over_http.body[0]["bizOpaqueCallbackData"], "send-42");
    assert_eq!(over_http.body[0]["body"], body);
    let requests = sandbox.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        (requests[0].action.as_str(), requests[0].to.as_deref(), requests[0].outcome.as_str()),
        ("meta:messages", Some(TO), "OK")
    );
    assert!(sandbox.ledger().is_empty(), "CAMS's ledger is its own");

    let second = send(&sandbox, DEFAULT_TOKEN, &text(TO)).await;
    assert_ne!(second.body["messages"][0]["id"], wamid, "message IDs are unique");
    let cleared = call(&sandbox, "DELETE", "/_sandbox/meta/ledger", &[], "").await.unwrap();
    assert_eq!((cleared.status, sandbox.meta_ledger().len()), (204, 0));
}

#[tokio::test]
async fn a_bsuid_recipient_is_answered_with_its_user_id_and_templates_with_their_status() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let bsuid = "US.13491208655302741918";
    let body = json!({"messaging_product": "whatsapp", "recipient": bsuid, "text": {"body": "hi"}});
    let answer = send(&sandbox, DEFAULT_TOKEN, &body).await;
    assert_eq!(answer.body["contacts"], json!([{"input": bsuid, "user_id": bsuid}]), "{answer:?}");
    assert_eq!(sandbox.meta_ledger().entries()[0].message_type, "text", "type defaults to text");

    let template = json!({"messaging_product": "whatsapp", "to": "16505551234", "type": "template",
                          "template": {"name": "order_update", "language": {"code": "en_US"}}});
    let answer = send(&sandbox, DEFAULT_TOKEN, &template).await;
    assert_eq!(answer.body["messages"][0]["message_status"], "accepted", "{answer:?}");
    let headers = [("authorization", "Bearer sandbox-meta-access-token")];
    let old = format!("/v23.0/{DEFAULT_PHONE_NUMBER_ID}/messages");
    let answer = call(&sandbox, "POST", &old, &headers, &template.to_string()).await.unwrap();
    assert_eq!((answer.status, answer.body["messages"][0].get("message_status")), (200, None), "{answer:?}");
}

#[tokio::test]
async fn a_missing_unknown_or_malformed_bearer_gets_190() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let path = messages_path();
    let body = text(TO).to_string();
    for headers in [vec![], vec![("authorization", "Bearer EAASforged")], vec![("authorization", DEFAULT_TOKEN)]] {
        let answer = call(&sandbox, "POST", &path, &headers, &body).await.unwrap();
        let error = graph_error(&answer, 401, 190);
        assert_eq!(error["type"], "OAuthException", "{headers:?}");
    }
    assert!(sandbox.meta_ledger().is_empty() && sandbox.requests().is_empty());
}

#[tokio::test]
async fn a_token_revoked_or_expired_mid_run_gets_190() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    for (control, subcode) in [("revoke", 466), ("expire", 463)] {
        let token = token(&sandbox, json!({"type": "USER", "lifetimeSeconds": 3600})).await;
        assert_eq!(send(&sandbox, &token, &text(TO)).await.status, 200);
        let path = format!("/_sandbox/meta/tokens/{control}");
        let done = call(&sandbox, "POST", &path, &[], &json!({"token": token}).to_string()).await.unwrap();
        assert_eq!(done.status, 204);
        let error = graph_error(&send(&sandbox, &token, &text(TO)).await, 401, 190);
        assert_eq!(error["error_subcode"], subcode, "{control}");
        let unknown = call(&sandbox, "POST", &path, &[], r#"{"token":"EAASforged"}"#).await.unwrap();
        assert_eq!(unknown.status, 404);
    }
    assert_eq!(sandbox.meta_ledger().len(), 2);
}

#[tokio::test]
async fn a_token_without_the_messaging_scope_is_refused_with_a_permission_error() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let token = token(&sandbox, json!({"scopes": ["whatsapp_business_management", "business_management"]})).await;
    let error = graph_error(&send(&sandbox, &token, &text(TO)).await, 403, 10);
    assert!(error["error_data"]["details"].as_str().unwrap().contains("whatsapp_business_messaging"), "{error}");
    assert!(sandbox.meta_ledger().is_empty());
    assert_eq!(sandbox.requests()[0].outcome, "10", "an authenticated request is journaled");
}

#[tokio::test]
async fn invalid_bodies_unknown_numbers_and_versions_are_refused_as_meta_does() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let long = "x".repeat(4097);
    let cases = [
        ("{not json", 100, "not JSON"),
        (r#"{"messaging_product":"whatsapp","to":"1","text":{"body":"hi"},"colour":"red"}"#, 100, "colour"),
        (
            r#"{"messaging_product":"whatsapp","recipient_type":"business_scoped_user_id","to":"1","text":{"body":"hi"}}"#,
            100,
            "recipient_type",
        ),
        (r#"{"to":"16505551234","text":{"body":"hi"}}"#, 131008, "messaging_product"),
        (r#"{"messaging_product":"whatsapp","text":{"body":"hi"}}"#, 131008, "to"),
        (r#"{"messaging_product":"whatsapp","to":"1","type":"image"}"#, 131008, "image"),
        (r#"{"messaging_product":"whatsapp","to":"1","type":"fax"}"#, 131009, "type"),
        (r#"{"messaging_product":"whatsapp","to":"US.1349120865","text":{"body":"hi"}}"#, 131009, "to"),
        (&format!(r#"{{"messaging_product":"whatsapp","to":"1","text":{{"body":"{long}"}}}}"#), 131009, "4096"),
    ];
    for (body, code, named) in cases {
        let headers = [("authorization", "Bearer sandbox-meta-access-token")];
        let answer = call(&sandbox, "POST", &messages_path(), &headers, body).await.unwrap();
        let error = graph_error(&answer, 400, code);
        let details = error["error_data"]["details"].as_str().unwrap_or_default();
        assert!(details.contains(named), "{body}: {error}");
    }
    let outcomes: Vec<String> = sandbox.requests().into_iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes.len(), cases.len());
    assert!(outcomes.iter().all(|o| o.starts_with("100") || o.starts_with("1310")), "{outcomes:?}");

    let headers = [("authorization", "Bearer sandbox-meta-access-token")];
    let body = text(TO).to_string();
    let unknown = call(&sandbox, "POST", "/v25.0/999/messages", &headers, &body).await.unwrap();
    let error = graph_error(&unknown, 400, 100);
    assert_eq!((error["error_subcode"].as_u64(), error["type"].as_str()), (Some(33), Some("GraphMethodException")));
    let version = format!("/latest/{DEFAULT_PHONE_NUMBER_ID}/messages");
    graph_error(&call(&sandbox, "POST", &version, &headers, &body).await.unwrap(), 400, 2500);
    assert!(sandbox.meta_ledger().is_empty());
}

#[tokio::test]
async fn a_new_number_can_send_once_registered() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let headers = [("authorization", "Bearer sandbox-meta-access-token")];
    let path = "/v25.0/555000111/messages";
    let body = text(TO).to_string();
    assert_eq!(call(&sandbox, "POST", path, &headers, &body).await.unwrap().status, 400);
    let registered = call(&sandbox, "PUT", "/_sandbox/meta/phone-numbers/555000111", &[], r#"{"throughput":1000}"#);
    assert_eq!(registered.await.unwrap().status, 204);
    assert_eq!(call(&sandbox, "POST", path, &headers, &body).await.unwrap().status, 200);
    let zero = call(&sandbox, "PUT", "/_sandbox/meta/phone-numbers/555000111", &[], r#"{"throughput":0}"#);
    assert_eq!(zero.await.unwrap().status, 400);
    assert_eq!(sandbox.meta_ledger().entries()[0].phone_number_id, "555000111");
}
