//! OAuth as Meta's Graph API does it (spec §6.2–6.4): the login dialog, the token endpoint
//! and `debug_token`.
//!
//! * `GET /{version}/dialog/oauth?client_id&redirect_uri&state&scope&response_type=code
//!   [&code_challenge&code_challenge_method]` signs in as the app's user, approves at once and
//!   answers `302` to `redirect_uri?code=…&state=…`. Granted: the requested scopes the app
//!   has (comma- or space-separated; none requested: all of them). PKCE (RFC 7636):
//!   `S256`, or `plain` (the default method when a challenge is given).
//! * `GET` or `POST` (form body) `/{version}/oauth/access_token`: the client authenticates
//!   with `client_id` and `client_secret` (or HTTP Basic), then
//!   - no `grant_type` (Meta's form) or `authorization_code`: `code` (+ the dialog's
//!     `redirect_uri`, + `code_verifier` if a challenge was given) → a `USER` token. A code
//!     is spent by the first exchange that presents it, whatever the outcome, and lives
//!     `codeLifetimeMs`;
//!   - `fb_exchange_token` → a long-lived token with the same grant;
//!   - `refresh_token` (only when the app has `refreshTokens`; each refresh token works once
//!     and is replaced) → a new token;
//!   - `client_credentials` → an app token `<app id>|…`.
//! * `GET /{version}/debug_token?input_token&access_token=<app id>|<app secret>` (or an app
//!   token, also as a bearer header) → `{"data":{…}}`.
//!
//! Errors use Meta's envelope (HTTP 400; 401 for code 190). RFC 6749 §5.2 and Meta's envelope
//! both use the top-level `error` (a string there, an object here), so one body cannot be
//! both: a request with `grant_type=authorization_code` or `refresh_token` — grants only a
//! standard OAuth client sends, Meta's own flows never do — gets
//! `{"error":"invalid_grant"|"invalid_client"|…,"error_description"}` instead.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chatlane_core::random_id;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::config::MetaApp;
use super::errors::{GraphError, Trace};
use super::tokens::{Grant, Invalid, TokenType, bearer_token};
use crate::server::AppState;

/// A PKCE challenge (RFC 7636).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Challenge {
    /// `BASE64URL(SHA256(verifier))`.
    S256(String),
    /// The verifier itself.
    Plain(String),
}

impl Challenge {
    /// The challenge of a dialog request, if it has one.
    pub fn parse(challenge: Option<&str>, method: Option<&str>) -> Result<Option<Self>, GraphError> {
        match (challenge, method) {
            (None, None) => Ok(None),
            (Some(challenge), Some("S256")) => Ok(Some(Self::S256(challenge.to_owned()))),
            (Some(challenge), None | Some("plain")) => Ok(Some(Self::Plain(challenge.to_owned()))),
            (None, Some(_)) => Err(bad_request("Missing code_challenge parameter.")),
            (Some(_), Some(other)) => Err(bad_request(&format!("Unsupported code_challenge_method: {other}."))),
        }
    }

    fn verifies(&self, verifier: &str) -> bool {
        match self {
            Self::S256(challenge) => URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == *challenge,
            Self::Plain(challenge) => verifier == challenge,
        }
    }
}

/// An authorization code.
struct Code {
    redirect_uri: Option<String>,
    challenge: Option<Challenge>,
    scopes: Vec<String>,
    user_id: String,
    issued: Instant,
    spent: bool,
}

/// What a refresh token renews.
struct Refresh {
    scopes: Vec<String>,
    user_id: String,
}

/// Codes and refresh tokens not yet exchanged. `Debug` shows neither.
#[derive(Default)]
pub struct Grants {
    codes: Mutex<HashMap<String, Code>>,
    refresh: Mutex<HashMap<String, Refresh>>,
}

impl std::fmt::Debug for Grants {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Grants").finish_non_exhaustive()
    }
}

impl Grants {
    /// Issues a code for `user_id` with `scopes`, bound to the dialog's `redirect_uri` (none
    /// for a code handed over as the JS SDK does) and PKCE `challenge`.
    pub fn issue_code(
        &self,
        redirect_uri: Option<String>,
        challenge: Option<Challenge>,
        scopes: Vec<String>,
        user_id: String,
    ) -> String {
        let code = format!("AQ{}{}", random_id(), random_id());
        let entry = Code { redirect_uri, challenge, scopes, user_id, issued: Instant::now(), spent: false };
        self.codes.lock().unwrap_or_else(PoisonError::into_inner).insert(code.clone(), entry);
        code
    }

    /// Spends `code` and returns its scopes and user if the exchange is valid.
    fn redeem(
        &self,
        code: &str,
        redirect_uri: Option<&str>,
        verifier: Option<&str>,
        lifetime: Duration,
    ) -> Result<(Vec<String>, String), GraphError> {
        let refused = |message: &str| bad_request(message).oauth("invalid_grant");
        let mut codes = self.codes.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = codes.get_mut(code).ok_or_else(|| refused("Invalid verification code format."))?;
        if std::mem::replace(&mut entry.spent, true) {
            return Err(refused("This authorization code has been used.").subcode(36009));
        }
        if entry.issued.elapsed() >= lifetime {
            return Err(refused("This authorization code has expired.").subcode(36007));
        }
        if entry.redirect_uri.is_some() && entry.redirect_uri.as_deref() != redirect_uri {
            let message = "Error validating verification code. Please make sure your redirect_uri is identical to \
                           the one you used in the OAuth dialog request";
            return Err(refused(message).subcode(36008));
        }
        if entry.challenge.as_ref().is_some_and(|c| !verifier.is_some_and(|v| c.verifies(v))) {
            return Err(refused("Invalid code_verifier for this authorization code."));
        }
        Ok((entry.scopes.clone(), entry.user_id.clone()))
    }

    fn issue_refresh(&self, scopes: Vec<String>, user_id: String) -> String {
        let token = format!("RT{}{}", random_id(), random_id());
        self.refresh.lock().unwrap_or_else(PoisonError::into_inner).insert(token.clone(), Refresh { scopes, user_id });
        token
    }

    fn take_refresh(&self, token: &str) -> Option<Refresh> {
        self.refresh.lock().unwrap_or_else(PoisonError::into_inner).remove(token)
    }
}

/// `GET /{version}/dialog/oauth`.
pub async fn dialog(State(state): State<Arc<AppState>>, RawQuery(query): RawQuery) -> Response {
    match approve(&state, query.as_deref()) {
        Ok(location) => (StatusCode::FOUND, [(header::LOCATION, location)]).into_response(),
        Err(error) => error.answer(&Trace::new()),
    }
}

/// The user's consent to the dialog request whose query string is `query`: the URL the
/// dialog redirects to (`redirect_uri` with a fresh single-use `code` and the `state`).
pub(crate) fn approve(state: &AppState, query: Option<&str>) -> Result<String, GraphError> {
    let params = params(query, &[]);
    let get = |name: &str| params.get(name).map(String::as_str);
    let app = &state.config.meta.app;
    if get("client_id") != Some(app.id.as_str()) {
        return Err(unknown_app());
    }
    let redirect_uri = get("redirect_uri").ok_or_else(|| bad_request("Missing redirect_uri parameter."))?;
    if !app.allows_redirect(redirect_uri) {
        let message = "Can't load URL: The domain of this URL isn't included in the app's domains.";
        return Err(GraphError::new(StatusCode::BAD_REQUEST, 191, message));
    }
    if get("response_type").is_some_and(|kind| kind != "code") {
        return Err(bad_request("Unsupported response_type: the sandbox's dialog answers with a code."));
    }
    let challenge = Challenge::parse(get("code_challenge"), get("code_challenge_method"))?;
    let requested: Vec<&str> = get("scope").unwrap_or_default().split([',', ' ']).filter(|s| !s.is_empty()).collect();
    let scopes = app.scopes.iter().filter(|s| requested.is_empty() || requested.contains(&s.as_str())).cloned();
    let code =
        state.meta.grants.issue_code(Some(redirect_uri.to_owned()), challenge, scopes.collect(), app.user_id.clone());
    let mut reply = form_urlencoded::Serializer::new(String::new());
    reply.append_pair("code", &code);
    if let Some(state) = get("state") {
        reply.append_pair("state", state);
    }
    let separator = if redirect_uri.contains('?') { '&' } else { '?' };
    Ok(format!("{redirect_uri}{separator}{}", reply.finish()))
}

/// `GET` or `POST /{version}/oauth/access_token`.
pub async fn access_token(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let trace = Trace::new();
    let params = params(query.as_deref(), &body);
    let grant_type = params.get("grant_type").map(String::as_str);
    let app = &state.config.meta.app;
    let issued = authenticate(app, &params, &headers).and_then(|()| match grant_type {
        None | Some("authorization_code") => exchange_code(&state, &params),
        Some("fb_exchange_token") => exchange_token(&state, &params),
        Some("refresh_token") if app.refresh_tokens => refresh(&state, &params),
        Some("client_credentials") => {
            let grant = Grant::new(TokenType::App, None, Vec::new(), None);
            Ok(grant.answer(&state.meta.tokens.issue(grant.clone())))
        }
        Some(other) => Err(bad_request(&format!("Unsupported grant_type: {other}.")).oauth("unsupported_grant_type")),
    });
    match issued {
        Ok(body) => trace.json(StatusCode::OK, body),
        Err(error) if matches!(grant_type, Some("authorization_code" | "refresh_token")) => error.rfc_answer(&trace),
        Err(error) => error.answer(&trace),
    }
}

/// `GET /{version}/debug_token`.
pub async fn debug_token(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let trace = Trace::new();
    let params = params(query.as_deref(), &[]);
    let meta = &state.config.meta;
    let caller = params.get("access_token").map(String::as_str).or_else(|| bearer_token(&headers));
    let app_secret_pair = format!("{}|{}", meta.app.id, meta.app.secret);
    let caller = match caller {
        Some(pair) if pair == app_secret_pair => Ok(()),
        Some(token) => state.meta.tokens.check(token).map_err(Invalid::error).and_then(|grant| {
            let message = "(#100) You must provide an app access token, or a user access token that is an owner or \
                           developer of the app";
            (grant.token_type == TokenType::App).then_some(()).ok_or_else(|| bad_request(message))
        }),
        None => Err(Invalid::Unknown.error()),
    };
    let described = caller.and_then(|()| {
        let input = params.get("input_token").ok_or_else(|| bad_request("The parameter input_token is required."))?;
        Ok(match state.meta.tokens.get(input) {
            Some(grant) => grant.describe(&meta.app, &meta.waba_id),
            None => {
                let error = Invalid::Unknown.error();
                json!({"is_valid": false, "scopes": [], "error": {"code": error.code, "message": error.message}})
            }
        })
    });
    match described {
        Ok(data) => trace.json(StatusCode::OK, json!({ "data": data })),
        Err(error) => error.answer(&trace),
    }
}

/// The client's `client_id` and `client_secret`, from HTTP Basic or the parameters.
fn authenticate(app: &MetaApp, params: &HashMap<String, String>, headers: &HeaderMap) -> Result<(), GraphError> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok()?.strip_prefix("Basic "))
        .and_then(|encoded| String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok());
    let (id, secret) = match &basic {
        Some(pair) => pair.split_once(':').map_or((Some(pair.as_str()), None), |(id, secret)| (Some(id), Some(secret))),
        None => (params.get("client_id").map(String::as_str), params.get("client_secret").map(String::as_str)),
    };
    if id != Some(app.id.as_str()) {
        return Err(unknown_app().oauth("invalid_client"));
    }
    if secret != Some(app.secret.as_str()) {
        return Err(
            GraphError::new(StatusCode::BAD_REQUEST, 1, "Error validating client secret.").oauth("invalid_client")
        );
    }
    Ok(())
}

/// Exchanges an authorization code.
fn exchange_code(state: &AppState, params: &HashMap<String, String>) -> Result<Value, GraphError> {
    let get = |name: &str| params.get(name).map(String::as_str);
    let code = required(params, "code")?;
    let lifetime = Duration::from_millis(state.config.meta.app.code_lifetime_ms);
    let (scopes, user_id) = state.meta.grants.redeem(code, get("redirect_uri"), get("code_verifier"), lifetime)?;
    Ok(user_token(state, scopes, user_id))
}

/// Exchanges a token for a long-lived one with the same grant.
fn exchange_token(state: &AppState, params: &HashMap<String, String>) -> Result<Value, GraphError> {
    let grant = state.meta.tokens.check(required(params, "fb_exchange_token")?).map_err(Invalid::error)?;
    if grant.token_type == TokenType::App {
        return Err(bad_request("fb_exchange_token must be a user or system-user token."));
    }
    let lifetime = state.config.meta.app.long_lived_lifetime_seconds;
    let long_lived = Grant::new(grant.token_type, grant.user_id, grant.scopes, Some(lifetime));
    Ok(long_lived.answer(&state.meta.tokens.issue(long_lived.clone())))
}

/// Renews a refresh token (RFC 6749 §6).
fn refresh(state: &AppState, params: &HashMap<String, String>) -> Result<Value, GraphError> {
    let token = required(params, "refresh_token")?;
    let refresh = state
        .meta
        .grants
        .take_refresh(token)
        .ok_or_else(|| bad_request("This refresh token is invalid or has been used.").oauth("invalid_grant"))?;
    Ok(user_token(state, refresh.scopes, refresh.user_id))
}

/// A new `USER` token, with a refresh token when the app issues them.
fn user_token(state: &AppState, scopes: Vec<String>, user_id: String) -> Value {
    let app = &state.config.meta.app;
    let grant = Grant::new(TokenType::User, Some(user_id.clone()), scopes.clone(), Some(app.token_lifetime_seconds));
    let mut body = grant.answer(&state.meta.tokens.issue(grant.clone()));
    if app.refresh_tokens {
        body["refresh_token"] = json!(state.meta.grants.issue_refresh(scopes, user_id));
    }
    body
}

/// A required parameter.
fn required<'a>(params: &'a HashMap<String, String>, name: &str) -> Result<&'a str, GraphError> {
    let missing = || bad_request(&format!("Missing {name} parameter.")).oauth("invalid_request");
    params.get(name).map(String::as_str).filter(|v| !v.is_empty()).ok_or_else(missing)
}

/// The parameters of the query and of a form body (which wins).
fn params(query: Option<&str>, body: &[u8]) -> HashMap<String, String> {
    let query = form_urlencoded::parse(query.unwrap_or_default().as_bytes());
    query.chain(form_urlencoded::parse(body)).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// Code 100, HTTP 400.
fn bad_request(message: &str) -> GraphError {
    GraphError::new(StatusCode::BAD_REQUEST, 100, message)
}

/// An unknown `client_id`: code 101.
fn unknown_app() -> GraphError {
    GraphError::new(StatusCode::BAD_REQUEST, 101, "Error validating application. Invalid application ID.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_challenges_verify_their_verifier() {
        // RFC 7636 appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let s256 =
            Challenge::parse(Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"), Some("S256")).unwrap().unwrap();
        assert!(s256.verifies(verifier) && !s256.verifies("other"));
        assert!(Challenge::parse(Some("abc"), None).unwrap().unwrap().verifies("abc"));
        assert_eq!(Challenge::parse(None, None).unwrap(), None);
        assert!(Challenge::parse(Some("abc"), Some("S512")).is_err());
        assert!(Challenge::parse(None, Some("S256")).is_err());
    }

    #[test]
    fn codes_are_spent_by_their_first_exchange() {
        let grants = Grants::default();
        let code = grants.issue_code(Some("https://a/cb".into()), None, vec!["s".into()], "u".into());
        let subcode = |result: Result<(Vec<String>, String), GraphError>| result.map_err(|e| e.subcode).err();
        let long = Duration::from_secs(30);
        assert_eq!(subcode(grants.redeem(&code, Some("https://b/cb"), None, long)), Some(Some(36008)));
        assert_eq!(subcode(grants.redeem(&code, Some("https://a/cb"), None, long)), Some(Some(36009)));
        let code = grants.issue_code(None, None, vec!["s".into()], "u".into());
        assert_eq!(subcode(grants.redeem(&code, None, None, Duration::ZERO)), Some(Some(36007)));
        let code = grants.issue_code(None, None, vec!["s".into()], "u".into());
        assert_eq!(
            grants.redeem(&code, Some("https://any/cb"), None, long).unwrap(),
            (vec!["s".to_owned()], "u".to_owned())
        );
        assert_eq!(subcode(grants.redeem("AQforged", None, None, long)), Some(None));
    }

    #[test]
    fn form_parameters_win_over_the_query() {
        let params = params(Some("a=1&b=2"), b"b=3&c=%2B4");
        assert_eq!((params["a"].as_str(), params["b"].as_str(), params["c"].as_str()), ("1", "3", "+4"));
    }
}
