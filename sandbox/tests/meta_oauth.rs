//! Meta's OAuth over raw HTTP: the dialog's redirect, the code exchange and each way it is
//! refused (reuse, expiry, forgery, wrong secret, PKCE, redirect URI), Meta's envelope and
//! RFC 6749's error form, `fb_exchange_token`, `refresh_token`, `client_credentials`, and
//! `debug_token`.

mod support;

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chatlane_sandbox::meta::{
    DEFAULT_APP_ID, DEFAULT_APP_SECRET, DEFAULT_PHONE_NUMBER_ID, DEFAULT_TOKEN, DEFAULT_USER_ID, DEFAULT_WABA_ID,
};
use chatlane_sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use support::{Answer, call, sandbox};

const REDIRECT: &str = "https://app.example.test/meta/callback";

fn query(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

/// `GET /v25.0/dialog/oauth` with the default app, `REDIRECT` and these extra parameters.
async fn dialog(sandbox: &Sandbox, extra: &[(&str, &str)]) -> Answer {
    let base = [("client_id", DEFAULT_APP_ID), ("redirect_uri", REDIRECT), ("response_type", "code")];
    let params: Vec<(&str, &str)> =
        base.iter().copied().filter(|(k, _)| !extra.iter().any(|(e, _)| e == k)).chain(extra.iter().copied()).collect();
    call(sandbox, "GET", &format!("/v25.0/dialog/oauth?{}", query(&params)), &[], "").await.unwrap()
}

/// The parameters the dialog redirected with.
fn redirected(answer: &Answer) -> HashMap<String, String> {
    assert_eq!(answer.status, 302, "{answer:?}");
    let location = answer.headers["location"].to_str().unwrap();
    let (target, query) = location.split_once('?').unwrap();
    assert_eq!(target, REDIRECT);
    form_urlencoded::parse(query.as_bytes()).into_owned().collect()
}

/// A code from the dialog.
async fn code(sandbox: &Sandbox, extra: &[(&str, &str)]) -> String {
    redirected(&dialog(sandbox, extra).await)["code"].clone()
}

/// Meta's exchange: `GET /v25.0/oauth/access_token?…`.
async fn exchange(sandbox: &Sandbox, params: &[(&str, &str)]) -> Answer {
    call(sandbox, "GET", &format!("/v25.0/oauth/access_token?{}", query(params)), &[], "").await.unwrap()
}

/// A standard OAuth client's request: `POST` form, client credentials in HTTP Basic.
async fn standard(sandbox: &Sandbox, secret: &str, params: &[(&str, &str)]) -> Answer {
    let basic = format!("Basic {}", STANDARD.encode(format!("{DEFAULT_APP_ID}:{secret}")));
    let headers = [("authorization", basic.as_str()), ("content-type", "application/x-www-form-urlencoded")];
    call(sandbox, "POST", "/v25.0/oauth/access_token", &headers, &query(params)).await.unwrap()
}

/// A standard OAuth client's code exchange (with `REDIRECT`).
async fn standard_code(sandbox: &Sandbox, secret: &str, code: &str) -> Answer {
    standard(sandbox, secret, &[("grant_type", "authorization_code"), ("code", code), ("redirect_uri", REDIRECT)]).await
}

fn with_client<'a>(params: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    [("client_id", DEFAULT_APP_ID), ("client_secret", DEFAULT_APP_SECRET)]
        .into_iter()
        .chain(params.iter().copied())
        .collect()
}

/// Asserts Meta's envelope with this code and subcode; returns the message.
fn refused(answer: &Answer, code: u64, subcode: Option<u64>) -> String {
    let error = &answer.body["error"];
    assert_eq!(
        (answer.status, error["code"].as_u64(), error["error_subcode"].as_u64()),
        (400, Some(code), subcode),
        "{answer:?}"
    );
    assert_eq!(error["type"], "OAuthException");
    assert!(error["fbtrace_id"].is_string());
    error["message"].as_str().unwrap().to_owned()
}

/// Asserts RFC 6749's error form with this `error`.
fn rfc_refused(answer: &Answer, error: &str) {
    assert_eq!((answer.status, answer.body["error"].as_str()), (400, Some(error)), "{answer:?}");
    assert!(answer.body["error_description"].as_str().is_some_and(|d| !d.is_empty()), "{answer:?}");
}

/// `debug_token` of `input` asked with the app's ID and secret.
async fn debug(sandbox: &Sandbox, input: &str) -> Value {
    let app = format!("{DEFAULT_APP_ID}|{DEFAULT_APP_SECRET}");
    let path = format!("/v25.0/debug_token?{}", query(&[("input_token", input), ("access_token", &app)]));
    let answer = call(sandbox, "GET", &path, &[], "").await.unwrap();
    assert_eq!(answer.status, 200, "{answer:?}");
    answer.body["data"].clone()
}

async fn send_status(sandbox: &Sandbox, token: &str) -> u16 {
    let body = json!({"messaging_product": "whatsapp", "to": "16505551234", "text": {"body": "hi"}}).to_string();
    let bearer = format!("Bearer {token}");
    let path = format!("/v25.0/{DEFAULT_PHONE_NUMBER_ID}/messages");
    call(sandbox, "POST", &path, &[("authorization", &bearer)], &body).await.unwrap().status
}

#[tokio::test]
async fn dialog_code_exchange_then_the_token_sends_and_debug_token_describes_it() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let state = "a b&c=d/é?#";
    let params = redirected(
        &dialog(&sandbox, &[("state", state), ("scope", "whatsapp_business_messaging,business_management")]).await,
    );
    assert_eq!(params["state"], state, "echoed verbatim");
    let answer = exchange(&sandbox, &with_client(&[("code", &params["code"]), ("redirect_uri", REDIRECT)])).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!((answer.body["token_type"].as_str(), answer.body["expires_in"].as_i64()), (Some("bearer"), Some(3600)));
    assert_eq!(answer.body.get("refresh_token"), None, "Meta issues none");
    let token = answer.body["access_token"].as_str().unwrap();
    assert_eq!(send_status(&sandbox, token).await, 200);

    let data = debug(&sandbox, token).await;
    assert_eq!(
        (data["app_id"].as_str(), data["type"].as_str(), data["is_valid"].as_bool()),
        (Some(DEFAULT_APP_ID), Some("USER"), Some(true))
    );
    assert_eq!(
        (data["user_id"].as_str(), data["application"].as_str()),
        (Some(DEFAULT_USER_ID), Some("chatlane sandbox"))
    );
    assert_eq!(data["scopes"], json!(["whatsapp_business_messaging", "business_management"]));
    assert_eq!(data["expires_at"].as_i64().unwrap() - data["issued_at"].as_i64().unwrap(), 3600);
    assert_eq!(
        data["granular_scopes"][0],
        json!({"scope": "whatsapp_business_messaging", "target_ids": [DEFAULT_WABA_ID]})
    );
}

#[tokio::test]
async fn scopes_the_user_grants_are_the_requested_ones_the_app_has() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let code = code(&sandbox, &[("scope", "whatsapp_business_management unknown_scope")]).await;
    let answer = exchange(&sandbox, &with_client(&[("code", &code), ("redirect_uri", REDIRECT)])).await;
    let token = answer.body["access_token"].as_str().unwrap();
    assert_eq!(debug(&sandbox, token).await["scopes"], json!(["whatsapp_business_management"]));
    assert_eq!(send_status(&sandbox, token).await, 403, "no whatsapp_business_messaging");
}

#[tokio::test]
async fn the_dialog_refuses_unknown_apps_and_redirect_uris_the_app_does_not_allow() {
    let config =
        SandboxConfig::parse(&format!(r#"{{"meta": {{"app": {{"redirectUris": ["{REDIRECT}"]}}}}}}"#)).unwrap();
    let sandbox = sandbox(config).await;
    assert_eq!(dialog(&sandbox, &[]).await.status, 302);
    refused(&dialog(&sandbox, &[("client_id", "123")]).await, 101, None);
    refused(&dialog(&sandbox, &[("redirect_uri", "https://evil.example.test/cb")]).await, 191, None);
    refused(&dialog(&sandbox, &[("response_type", "token")]).await, 100, None);
    refused(&dialog(&sandbox, &[("code_challenge", "x"), ("code_challenge_method", "S512")]).await, 100, None);
}

#[tokio::test]
async fn a_code_works_once() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let code = code(&sandbox, &[]).await;
    let params = with_client(&[("code", &code), ("redirect_uri", REDIRECT)]);
    assert_eq!(exchange(&sandbox, &params).await.status, 200);
    let message = refused(&exchange(&sandbox, &params).await, 100, Some(36009));
    assert!(message.contains("has been used"), "{message}");
    rfc_refused(&standard_code(&sandbox, DEFAULT_APP_SECRET, &code).await, "invalid_grant");
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let config = SandboxConfig::parse(r#"{"meta": {"app": {"codeLifetimeMs": 1}}}"#).unwrap();
    let sandbox = sandbox(config).await;
    let code = code(&sandbox, &[]).await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let message = refused(
        &exchange(&sandbox, &with_client(&[("code", &code), ("redirect_uri", REDIRECT)])).await,
        100,
        Some(36007),
    );
    assert!(message.contains("expired"), "{message}");
}

#[tokio::test]
async fn a_forged_code_is_refused_in_both_forms() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    refused(&exchange(&sandbox, &with_client(&[("code", "AQforged"), ("redirect_uri", REDIRECT)])).await, 100, None);
    rfc_refused(&standard_code(&sandbox, DEFAULT_APP_SECRET, "AQforged").await, "invalid_grant");
    refused(&exchange(&sandbox, &with_client(&[])).await, 100, None);
}

#[tokio::test]
async fn a_wrong_secret_or_app_is_invalid_client_and_leaves_the_code_usable() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let code = code(&sandbox, &[]).await;
    let wrong =
        [("client_id", DEFAULT_APP_ID), ("client_secret", "wrong"), ("code", &code), ("redirect_uri", REDIRECT)];
    let message = refused(&exchange(&sandbox, &wrong).await, 1, None);
    assert!(message.contains("client secret"), "{message}");
    let unknown_app = [("client_id", "123"), ("client_secret", DEFAULT_APP_SECRET), ("code", &code)];
    refused(&exchange(&sandbox, &unknown_app).await, 101, None);
    rfc_refused(&standard_code(&sandbox, "wrong", &code).await, "invalid_client");
    let answer = standard_code(&sandbox, DEFAULT_APP_SECRET, &code).await;
    assert_eq!((answer.status, answer.body["token_type"].as_str()), (200, Some("bearer")), "{answer:?}");
}

#[tokio::test]
async fn pkce_needs_the_verifier_of_the_challenge() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let verifier = "a-verifier-of-at-least-43-characters-0123456789";
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier));
    let pkce = [("code_challenge", challenge.as_str()), ("code_challenge_method", "S256")];
    let code = code(&sandbox, &pkce).await;
    let wrong = with_client(&[("code", &code), ("redirect_uri", REDIRECT), ("code_verifier", "not-the-verifier")]);
    assert!(refused(&exchange(&sandbox, &wrong).await, 100, None).contains("code_verifier"));
    let right = with_client(&[("code", &code), ("redirect_uri", REDIRECT), ("code_verifier", verifier)]);
    refused(&exchange(&sandbox, &right).await, 100, Some(36009));

    let code = self::code(&sandbox, &pkce).await;
    rfc_refused(&standard_code(&sandbox, DEFAULT_APP_SECRET, &code).await, "invalid_grant");
    let code = self::code(&sandbox, &pkce).await;
    let right = with_client(&[("code", &code), ("redirect_uri", REDIRECT), ("code_verifier", verifier)]);
    assert_eq!(exchange(&sandbox, &right).await.status, 200);
}

#[tokio::test]
async fn the_redirect_uri_must_be_the_dialogs_unless_the_code_came_without_one() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let code = code(&sandbox, &[]).await;
    let other = with_client(&[("code", &code), ("redirect_uri", "https://app.example.test/other")]);
    assert!(refused(&exchange(&sandbox, &other).await, 100, Some(36008)).contains("redirect_uri"));
    let code = self::code(&sandbox, &[]).await;
    refused(&exchange(&sandbox, &with_client(&[("code", &code)])).await, 100, Some(36008));

    let popup = call(&sandbox, "POST", "/_sandbox/meta/codes", &[], "{}").await.unwrap();
    let code = popup.body["code"].as_str().unwrap();
    assert_eq!(exchange(&sandbox, &with_client(&[("code", code)])).await.status, 200, "as after the JS SDK's popup");
}

#[tokio::test]
async fn fb_exchange_token_gives_a_60_day_token_with_the_same_grant() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let code = code(&sandbox, &[("scope", "whatsapp_business_messaging")]).await;
    let short = exchange(&sandbox, &with_client(&[("code", &code), ("redirect_uri", REDIRECT)])).await;
    let short = short.body["access_token"].as_str().unwrap();
    let long =
        exchange(&sandbox, &with_client(&[("grant_type", "fb_exchange_token"), ("fb_exchange_token", short)])).await;
    assert_eq!((long.status, long.body["expires_in"].as_i64()), (200, Some(5_184_000)), "{long:?}");
    let long = long.body["access_token"].as_str().unwrap();
    assert_ne!(long, short);
    let data = debug(&sandbox, long).await;
    assert_eq!((data["type"].as_str(), data["scopes"].clone()), (Some("USER"), json!(["whatsapp_business_messaging"])));
    assert_eq!(send_status(&sandbox, long).await, 200);

    call(&sandbox, "POST", "/_sandbox/meta/tokens/revoke", &[], &json!({"token": short}).to_string()).await.unwrap();
    let answer =
        exchange(&sandbox, &with_client(&[("grant_type", "fb_exchange_token"), ("fb_exchange_token", short)])).await;
    assert_eq!((answer.status, answer.body["error"]["code"].as_u64()), (401, Some(190)), "{answer:?}");
}

#[tokio::test]
async fn the_refresh_token_grant_works_when_the_app_issues_refresh_tokens() {
    let config = SandboxConfig::parse(r#"{"meta": {"app": {"refreshTokens": true}}}"#).unwrap();
    let sandbox = sandbox(config).await;
    let code = code(&sandbox, &[]).await;
    let first = standard_code(&sandbox, DEFAULT_APP_SECRET, &code).await;
    let refresh = first.body["refresh_token"].as_str().expect("a refresh token").to_owned();
    let renewed =
        standard(&sandbox, DEFAULT_APP_SECRET, &[("grant_type", "refresh_token"), ("refresh_token", &refresh)]).await;
    assert_eq!((renewed.status, renewed.body["expires_in"].as_i64()), (200, Some(3600)), "{renewed:?}");
    assert_ne!(renewed.body["access_token"], first.body["access_token"]);
    assert_ne!(renewed.body["refresh_token"].as_str(), Some(refresh.as_str()), "refresh tokens rotate");
    assert_eq!(send_status(&sandbox, renewed.body["access_token"].as_str().unwrap()).await, 200);
    let reused =
        standard(&sandbox, DEFAULT_APP_SECRET, &[("grant_type", "refresh_token"), ("refresh_token", &refresh)]).await;
    rfc_refused(&reused, "invalid_grant");

    let meta_like = support::sandbox(SandboxConfig::default()).await;
    let grant =
        standard(&meta_like, DEFAULT_APP_SECRET, &[("grant_type", "refresh_token"), ("refresh_token", &refresh)]).await;
    rfc_refused(&grant, "unsupported_grant_type");
}

#[tokio::test]
async fn debug_token_needs_an_app_token_and_describes_any_token() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let app = exchange(&sandbox, &with_client(&[("grant_type", "client_credentials")])).await;
    assert_eq!(app.body.get("expires_in"), None, "{app:?}");
    let app = app.body["access_token"].as_str().unwrap();
    assert!(app.starts_with(&format!("{DEFAULT_APP_ID}|")), "{app}");
    let bearer = format!("Bearer {app}");
    let path = format!("/v25.0/debug_token?input_token={DEFAULT_TOKEN}");
    let answer = call(&sandbox, "GET", &path, &[("authorization", &bearer)], "").await.unwrap();
    let data = &answer.body["data"];
    assert_eq!(
        (data["type"].as_str(), data["expires_at"].as_i64(), data["is_valid"].as_bool()),
        (Some("SYSTEM_USER"), Some(0), Some(true))
    );
    assert_eq!(data["scopes"].as_array().unwrap().len(), 3);

    let as_user = format!("/v25.0/debug_token?input_token={DEFAULT_TOKEN}&access_token={DEFAULT_TOKEN}");
    refused(&call(&sandbox, "GET", &as_user, &[], "").await.unwrap(), 100, None);
    let wrong = format!("/v25.0/debug_token?input_token={DEFAULT_TOKEN}&access_token={DEFAULT_APP_ID}%7Cwrong");
    assert_eq!(call(&sandbox, "GET", &wrong, &[], "").await.unwrap().body["error"]["code"], 190);

    assert_eq!(debug(&sandbox, "EAASforged").await["is_valid"], false);
    call(&sandbox, "POST", "/_sandbox/meta/tokens/revoke", &[], &json!({"token": DEFAULT_TOKEN}).to_string())
        .await
        .unwrap();
    let revoked = debug(&sandbox, DEFAULT_TOKEN).await;
    assert_eq!((revoked["is_valid"].as_bool(), revoked["error"]["code"].as_u64()), (Some(false), Some(190)));
}
