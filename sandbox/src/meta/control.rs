//! Control endpoints of Meta's face, under `/_sandbox/meta/` (JSON bodies, camelCase):
//!
//! | endpoint | body | answer |
//! |---|---|---|
//! | `GET` / `DELETE /_sandbox/meta/ledger` | — | the accepted messages ([`super::Sent`]) / clears them (204) |
//! | `POST /_sandbox/meta/tokens` | `scopes`? (the app's), `type`? (`SYSTEM_USER`, `USER`, `APP`), `lifetimeSeconds`? (never expires), `userId`? | `{"access_token","token_type","expires_in"?}` |
//! | `POST /_sandbox/meta/tokens/revoke` | `token` | 204 (404 if unknown); the token then gets `190` |
//! | `POST /_sandbox/meta/tokens/expire` | `token` | 204 (404 if unknown); the token expires now |
//! | `POST /_sandbox/meta/codes` | `scopes`?, `redirectUri`?, `codeChallenge`?, `codeChallengeMethod`? | `{"code"}`, as the JS SDK's popup hands one over (no redirect: the exchange needs no `redirect_uri`) |
//! | `PUT /_sandbox/meta/phone-numbers/{id}` | `throughput` (messages per second: 80, 1000, 20…) | 204; registers the number if new |
//! | `POST /_sandbox/meta/inbound` | `from` (the user's phone number), `to` (a phone number ID), `name`?, and exactly one of `text` and `image` (`{"data"` (standard base64), `"mimeType"` (`image/…`), `"caption"?}`) | `{"id","mediaId"?}` (the message's wamid; the image's media ID, stored as media of `to`) once it is pushed to `meta.webhookUrl` (if set); opens the user's 24-hour window with that number ([`super::webhooks`]); 400 if `from` is not a phone number or the content is not one valid text or image, 404 if `to` is not a registered number |
//! | `GET /_sandbox/meta/media` | — | the media held, oldest first: `[{"id","phoneNumberId","mimeType","fileName","size","sha256"}]` (`sha256` in hex; [`super::media`]) |
//! | `POST /_sandbox/meta/media/expire-urls` | — | 204; every download URL issued so far answers 404 |
//! | `POST /_sandbox/meta/media/{id}/corrupt` | — | 204 (404 if not held); flips the bits of the media's first byte, keeping its recorded SHA-256 |
//!
//! Control tokens get exactly the scopes asked for, so a test can take one without
//! `whatsapp_business_messaging`.

use std::num::NonZeroU32;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use super::Sent;
use super::media::MediaInfo;
use super::oauth::Challenge;
use super::tokens::{Grant, TokenType};
use super::webhooks::{self, Inbound};
use crate::server::AppState;

/// The control routes.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/_sandbox/meta/ledger", get(read_ledger).delete(clear_ledger))
        .route("/_sandbox/meta/tokens", post(issue_token))
        .route("/_sandbox/meta/tokens/revoke", post(revoke))
        .route("/_sandbox/meta/tokens/expire", post(expire))
        .route("/_sandbox/meta/codes", post(issue_code))
        .route("/_sandbox/meta/phone-numbers/{id}", put(set_throughput))
        .route("/_sandbox/meta/inbound", post(inbound))
        .route("/_sandbox/meta/media", get(list_media))
        .route("/_sandbox/meta/media/expire-urls", post(expire_urls))
        .route("/_sandbox/meta/media/{id}/corrupt", post(corrupt))
}

/// `POST /_sandbox/meta/tokens`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewToken {
    #[serde(default)]
    scopes: Option<Vec<String>>,
    #[serde(default, rename = "type")]
    token_type: TokenType,
    #[serde(default)]
    lifetime_seconds: Option<u64>,
    #[serde(default)]
    user_id: Option<String>,
}

/// `POST /_sandbox/meta/tokens/revoke` and `…/expire`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenRef {
    token: String,
}

/// `POST /_sandbox/meta/codes`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewCode {
    #[serde(default)]
    scopes: Option<Vec<String>>,
    #[serde(default)]
    redirect_uri: Option<String>,
    #[serde(default)]
    code_challenge: Option<String>,
    #[serde(default)]
    code_challenge_method: Option<String>,
}

/// `PUT /_sandbox/meta/phone-numbers/{id}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Throughput {
    throughput: NonZeroU32,
}

async fn read_ledger(State(state): State<Arc<AppState>>) -> Json<Vec<Sent>> {
    Json(state.meta.ledger.entries())
}

async fn clear_ledger(State(state): State<Arc<AppState>>) -> StatusCode {
    state.meta.ledger.clear();
    StatusCode::NO_CONTENT
}

async fn issue_token(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    parsed(&body, |new: NewToken| {
        let app = &state.config.meta.app;
        let grant = Grant::for_app(app, new.token_type, new.scopes, new.user_id, new.lifetime_seconds);
        Json(grant.answer(&state.meta.tokens.issue(grant.clone()))).into_response()
    })
}

async fn revoke(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    parsed(&body, |TokenRef { token }| found(state.meta.tokens.revoke(&token)))
}

async fn expire(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    parsed(&body, |TokenRef { token }| found(state.meta.tokens.expire(&token)))
}

async fn issue_code(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    parsed(&body, |new: NewCode| {
        let challenge = match Challenge::parse(new.code_challenge.as_deref(), new.code_challenge_method.as_deref()) {
            Ok(challenge) => challenge,
            Err(error) => return (StatusCode::BAD_REQUEST, error.message).into_response(),
        };
        let app = &state.config.meta.app;
        let scopes = new.scopes.unwrap_or_else(|| app.scopes.clone());
        let code = state.meta.grants.issue_code(new.redirect_uri, challenge, scopes, app.user_id.clone());
        Json(json!({ "code": code })).into_response()
    })
}

async fn set_throughput(State(state): State<Arc<AppState>>, Path(id): Path<String>, body: Bytes) -> Response {
    parsed(&body, |Throughput { throughput }| {
        state.meta.pacing.set_throughput(&id, throughput);
        StatusCode::NO_CONTENT.into_response()
    })
}

async fn inbound(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let inbound = match serde_json::from_slice::<Inbound>(&body) {
        Ok(inbound) => inbound,
        Err(e) => return (StatusCode::BAD_REQUEST, format!("not a valid body: {e}")).into_response(),
    };
    if state.meta.pacing.throughput(&inbound.to).is_none() {
        return (StatusCode::NOT_FOUND, format!("{:?} is not a registered phone number ID", inbound.to))
            .into_response();
    }
    match webhooks::receive(&state, inbound).await {
        Ok(received) => {
            let mut answer = json!({ "id": received.message_id });
            if let Some(media_id) = received.media_id {
                answer["mediaId"] = json!(media_id);
            }
            Json(answer).into_response()
        }
        Err(message) => (StatusCode::BAD_REQUEST, message).into_response(),
    }
}

async fn list_media(State(state): State<Arc<AppState>>) -> Json<Vec<MediaInfo>> {
    Json(state.meta.media.list())
}

async fn expire_urls(State(state): State<Arc<AppState>>) -> StatusCode {
    state.meta.media.expire_urls();
    StatusCode::NO_CONTENT
}

async fn corrupt(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    found(state.meta.media.corrupt(&id))
}

/// Answers with `then` of the parsed body (an empty body is `{}`), or HTTP 400.
fn parsed<T: DeserializeOwned>(body: &[u8], then: impl FnOnce(T) -> Response) -> Response {
    let body = if body.is_empty() { b"{}".as_slice() } else { body };
    match serde_json::from_slice(body) {
        Ok(value) => then(value),
        Err(e) => (StatusCode::BAD_REQUEST, format!("not a valid body: {e}")).into_response(),
    }
}

/// 204, or 404 for an unknown token or media.
fn found(known: bool) -> Response {
    if known { StatusCode::NO_CONTENT } else { StatusCode::NOT_FOUND }.into_response()
}
