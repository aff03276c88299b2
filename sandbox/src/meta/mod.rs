//! Meta's WhatsApp Cloud API face (Graph API), on the sandbox's port next to CAMS's gateway.
//! References are to `meta-cloud.md`, the project's Meta reference.
//!
//! Routes (any version `vNN.N`; another first segment → HTTP 400, code 2500):
//!
//! * `POST /{version}/{phone-number-id}/messages` — sends ([`messages`]), into the Meta
//!   ledger (`GET /_sandbox/meta/ledger`, [`crate::Sandbox::meta_ledger`]); media messages
//!   name an upload by `id` or a `link`;
//! * `POST /{version}/{phone-number-id}/media` (multipart), `GET` and `DELETE
//!   /{version}/{media-id}` — media uploads, their download URLs, deletes ([`media`]);
//!   `GET /whatsapp_business/attachments/?mid&ext&hash` (no version: Meta's lookaside
//!   path, on the sandbox itself) — downloads, with a bearer token;
//! * `GET /{version}/{waba-id}/message_templates`, `GET /{version}/{template-id}` — the WABA's
//!   message templates, from `meta.templates` ([`templates`]; a `GET /{version}/{id}` whose ID
//!   is a media ID reads the media);
//! * `GET /{version}/dialog/oauth`, `GET|POST /{version}/oauth/access_token`,
//!   `GET /{version}/debug_token` — OAuth ([`oauth`]);
//! * `/_sandbox/meta/…` — control endpoints ([`control`]): issue, revoke or expire tokens,
//!   hand over codes, set a number's throughput, simulate a user's message (text or image),
//!   list media, expire download URLs, corrupt a media's bytes.
//!
//! Webhooks ([`webhooks`]): with `meta.webhookUrl` set in the configuration file, e.g.
//! `{"meta": {"webhookUrl": "http://127.0.0.1:9000/webhook"}}`, every accepted message's
//! statuses (`sent`, `delivered`, `read`; or `failed` with `131047` for a free-form message to
//! a user whose 24-hour window is closed) and every message simulated with
//! `POST /_sandbox/meta/inbound` (which opens that user's window) are posted there as Meta's
//! notifications, signed in `X-Hub-Signature-256` with the app secret. They are listed in
//! `GET /_sandbox/callbacks` (`meta_status`, `meta_inbound`); push faults (`duplicate`,
//! `delay`, with `"api":"meta"`) redeliver or hold them back.
//!
//! Faults: `POST /_sandbox/faults` with `"api":"meta"` (see [`crate::faults`]), e.g.
//! `{"api":"meta","fault":{"kind":"error","status":400,"code":131056},"to":"16505551234"}`.
//! A Meta fault applies to the next matching send that passes the token, scope, number,
//! body and pacing checks; media requests take none.
//!
//! Defaults, usable with no setup (sandbox-only values, not credentials):
//!
//! | what | value |
//! |---|---|
//! | app ID (`client_id`) | [`DEFAULT_APP_ID`] `900000000000001` |
//! | app secret (`client_secret`) | [`DEFAULT_APP_SECRET`] `sandbox-meta-app-secret` |
//! | access token (system user, never expires, the app's three scopes) | [`DEFAULT_TOKEN`] `sandbox-meta-access-token` |
//! | phone number ID (80 messages/s) | [`DEFAULT_PHONE_NUMBER_ID`] `106540352242922` |
//! | its display number (webhooks' `metadata`) | [`DEFAULT_DISPLAY_PHONE_NUMBER`] `15550783881` |
//! | WABA ID (`granular_scopes` targets, webhooks' `entry[].id`) | [`DEFAULT_WABA_ID`] `102290129340398` |
//! | the user tokens act for | [`DEFAULT_USER_ID`] `900000000000002` |
//! | scopes the app grants | `whatsapp_business_messaging`, `whatsapp_business_management`, `business_management` |
//! | redirect URIs | any `http(s)://` URI |
//! | code lifetime / user token / long-lived token | 30 s / 1 h / 60 days |
//! | pair rate | burst 45, then 1 per 6 s |
//! | webhook URL | none: no webhooks are pushed |
//! | message templates | `hello_world` (`en_US`, `UTILITY`, `APPROVED`), ID [`config::FIRST_TEMPLATE_ID`] |
//! | media | none stored; upload limits JPEG/PNG 5 MiB, WebP 500 KiB, video/audio 16 MiB, else 100 MiB ([`media::size_limit`]); download URLs valid 300 s |
//!
//! Configuration: the `meta` object of the sandbox's configuration file ([`config`]).

pub mod config;
pub mod control;
pub mod errors;
pub mod media;
pub mod messages;
pub mod oauth;
pub mod pacing;
pub mod templates;
pub mod tokens;
pub mod webhooks;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::Value;

pub use messages::Sent;

use crate::callbacks::Sessions;
use crate::ledger::{Ledger, Request};
use crate::server::AppState;
use config::MetaConfig;
use errors::{GraphError, Trace};
use media::MediaStore;
use oauth::Grants;
use pacing::Pacing;
use tokens::Tokens;

/// The default app's ID.
pub const DEFAULT_APP_ID: &str = "900000000000001";
/// The default app's secret. Not a real credential.
pub const DEFAULT_APP_SECRET: &str = "sandbox-meta-app-secret";
/// A system-user token valid from the start, never expiring, with the app's scopes. Not a
/// real credential.
pub const DEFAULT_TOKEN: &str = "sandbox-meta-access-token";
/// The business phone number registered by default.
pub const DEFAULT_PHONE_NUMBER_ID: &str = "106540352242922";
/// The display number webhooks give a business number configured without one.
pub const DEFAULT_DISPLAY_PHONE_NUMBER: &str = "15550783881";
/// The WhatsApp Business Account the app's WhatsApp scopes target.
pub const DEFAULT_WABA_ID: &str = "102290129340398";
/// The user the default token and the OAuth dialog act for.
pub const DEFAULT_USER_ID: &str = "900000000000002";

/// The scope a send needs.
pub const MESSAGING_SCOPE: &str = "whatsapp_business_messaging";

/// The scope reading the WABA's templates needs.
pub const MANAGEMENT_SCOPE: &str = "whatsapp_business_management";

/// Meta's face's state.
#[derive(Debug)]
pub struct MetaState {
    /// Accepted messages.
    pub ledger: Ledger<Sent>,
    tokens: Tokens,
    grants: Grants,
    pacing: Pacing,
    /// The 24-hour windows, per (phone number ID, user).
    sessions: Sessions,
    /// Uploaded and received media.
    media: MediaStore,
}

impl MetaState {
    /// The configured tokens and numbers, nothing sent.
    pub fn new(config: &MetaConfig) -> Self {
        Self {
            ledger: Ledger::default(),
            tokens: Tokens::new(config),
            grants: Grants::default(),
            pacing: Pacing::new(config),
            sessions: Sessions::default(),
            media: MediaStore::default(),
        }
    }
}

/// Meta's routes.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/{version}/{node}/messages", post(messages::send))
        .route("/{version}/{node}/media", post(media::upload).layer(DefaultBodyLimit::max(media::BODY_LIMIT)))
        .route("/{version}/{node}/message_templates", get(templates::list))
        .route("/{version}/{node}", get(media::node).delete(media::delete))
        .route("/{version}/dialog/oauth", get(oauth::dialog))
        .route("/{version}/oauth/access_token", get(oauth::access_token).post(oauth::access_token))
        .route("/{version}/debug_token", get(oauth::debug_token))
        .route_layer(middleware::from_fn(known_version))
        // Not a Graph path: the download URLs' (Meta's lookaside host's).
        .route(media::DOWNLOAD_PATH, get(media::download))
        .merge(control::routes())
}

/// Answers a Graph request that needs the bearer token (else HTTP 401, code 190) and, if
/// given, `scope` (else HTTP 403, code 10): `body`'s JSON, or its error. The authenticated
/// request is journaled as `action`, with its outcome.
fn answer(
    state: &AppState,
    action: &str,
    headers: &HeaderMap,
    scope: Option<&str>,
    body: impl FnOnce() -> Result<Value, GraphError>,
) -> Response {
    let received_at_us = state.elapsed_us();
    let trace = Trace::new();
    let grant = match state.meta.tokens.bearer(headers) {
        Ok(grant) => grant,
        Err(invalid) => return invalid.error().answer(&trace),
    };
    let result = match scope {
        Some(scope) if !grant.has_scope(scope) => Err(GraphError::lacking(scope)),
        _ => body(),
    };
    let outcome = result.as_ref().map_or_else(|error| error.code.to_string(), |_| "OK".to_owned());
    state.journal.record(Request { action: action.to_owned(), task_id: None, to: None, received_at_us, outcome });
    match result {
        Ok(body) => trace.json(StatusCode::OK, body),
        Err(error) => error.answer(&trace),
    }
}

/// Whether `path` is a messages endpoint's, `/{version}/{phone-number-id}/messages`.
pub fn is_messages_path(path: &str) -> bool {
    let segments: Vec<&str> = path.split('/').collect();
    matches!(segments.as_slice(), ["", version, id, "messages"] if major(version).is_some() && !id.is_empty())
}

/// The major version of a Graph version segment such as `v25.0`.
fn major(version: &str) -> Option<u32> {
    let (major, minor) = version.strip_prefix('v')?.split_once('.')?;
    let number = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    (number(major) && number(minor)).then(|| major.parse().ok()).flatten()
}

/// Refuses a path whose first segment is not a Graph version.
async fn known_version(request: axum::extract::Request, next: Next) -> Response {
    let version = request.uri().path().split('/').nth(1).unwrap_or_default();
    if major(version).is_none() {
        let message = format!("Unknown path components: /{version}");
        return GraphError::new(StatusCode::BAD_REQUEST, 2500, message).answer(&Trace::new());
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_messages_paths() {
        assert_eq!(
            (major("v25.0"), major("v3.10"), major("25.0"), major("v25"), major("vx.0")),
            (Some(25), Some(3), None, None, None)
        );
        assert!(is_messages_path("/v25.0/106540352242922/messages"));
        assert!(!is_messages_path("/v25.0/106540352242922/media"));
        assert!(!is_messages_path("/latest/1/messages"));
        assert!(!is_messages_path("/"));
    }
}
