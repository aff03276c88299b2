//! The token endpoint, over the core [`Transport`]: the standard grants (authorization code,
//! `refresh_token`) through the `oauth2` crate, Meta's own calls (`fb_exchange_token`,
//! `debug_token`) by hand.
//!
//! Refusals are read in both shapes, RFC 6749's `{"error":"invalid_grant",…}` and Meta's
//! `{"error":{"message","type","code","error_subcode","fbtrace_id"}}`:
//!
//! | answer | code |
//! |---|---|
//! | `invalid_grant`; Meta 100 with subcode 36007–36009 (expired, redirect URI differs, used) or a message about the "verification code" / "authorization code" | [`ErrorCode::InvalidGrant`] |
//! | `invalid_client`, `unauthorized_client`; Meta 101; Meta 1 or 100 whose message names the "client secret" (`Error validating client secret.`) | [`ErrorCode::InvalidClient`] |
//! | Meta 190 or 0 (the token given is expired or revoked); from `debug_token`, where it concerns the app token, [`ErrorCode::InvalidClient`] | [`ErrorCode::TokenExpired`] |
//! | any other readable refusal | by status: 503 [`ErrorCode::Server`], other 5xx [`ErrorCode::OutcomeUnknown`], else [`ErrorCode::Rejected`] |
//! | an unreadable answer | 503 `Server`, other 5xx and 2xx `OutcomeUnknown`, else [`ErrorCode::MalformedResponse`] |
//!
//! The platform details keep the error (`invalid_grant`, or Meta's numeric code), its
//! message, Meta's `fbtrace_id` (as the request ID) and the HTTP status.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::Duration;

use bytes::Bytes;
use oauth2::basic::{BasicRevocationErrorResponse, BasicTokenIntrospectionResponse, BasicTokenType};
use oauth2::{
    AuthType, ClientId, ClientSecret, EndpointNotSet, EndpointSet, PkceCodeVerifier, RedirectUrl, RefreshToken,
    RequestTokenError, Scope, StandardRevocableToken, TokenUrl,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use time::OffsetDateTime;
use url::Url;

use super::authorize::AuthorizationCode;
use super::{MetaHost, checked_url};
use crate::credentials::Secret;
use crate::error::{Error, ErrorCode, PlatformDetails};
use crate::transport::{BoxFuture, HttpRequest, HttpResponse, Transport};

/// An app's (OAuth client's) ID and secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppCredentials {
    app_id: String,
    app_secret: Secret,
}

impl AppCredentials {
    /// The app `app_id` with its secret; empty values are refused.
    pub fn new(app_id: impl Into<String>, app_secret: impl Into<String>) -> Result<Self, Error> {
        let (app_id, app_secret) = (app_id.into(), app_secret.into());
        if app_id.trim().is_empty() || app_secret.trim().is_empty() {
            return Err(Error::new(ErrorCode::MissingCredentials, "the app ID and the app secret must not be empty"));
        }
        if app_id.chars().chain(app_secret.chars()).any(char::is_control) {
            return Err(Error::new(
                ErrorCode::InvalidConfig,
                "the app ID and the app secret must not contain control characters",
            ));
        }
        Ok(Self { app_id, app_secret: Secret::new(app_secret) })
    }

    /// The app ID (not secret).
    pub fn app_id(&self) -> &str {
        &self.app_id
    }
}

/// A bearer token as the token endpoint gave it. `Debug` hides the token and refresh token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessToken {
    /// The token itself.
    pub token: Secret,
    /// When it expires (`None`: never, or not said).
    pub expires_at: Option<OffsetDateTime>,
    /// The refresh token, from providers that issue them (never Meta).
    pub refresh_token: Option<Secret>,
    /// The scopes granted, when the answer names them.
    pub scopes: Vec<String>,
}

impl AccessToken {
    /// A token known only by its value: no expiry, no refresh token, no scopes.
    pub fn new(token: impl Into<String>) -> Self {
        Self { token: Secret::new(token), expires_at: None, refresh_token: None, scopes: Vec::new() }
    }
}

/// What `debug_token` says about a token.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct TokenInfo {
    /// The app the token belongs to.
    pub app_id: Option<String>,
    /// Meta's `type`: `USER`, `PAGE`, `APP`, `SYSTEM_USER`…
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Whether the token works now.
    #[serde(default)]
    pub is_valid: bool,
    /// When it expires (`None`: never; Meta says `0`).
    #[serde(default, deserialize_with = "unix_time")]
    pub expires_at: Option<OffsetDateTime>,
    /// When it was issued.
    #[serde(default, deserialize_with = "unix_time")]
    pub issued_at: Option<OffsetDateTime>,
    /// The scopes (permissions) granted.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Scopes limited to some objects: which WhatsApp Business Accounts or numbers a business
    /// token may touch.
    #[serde(default)]
    pub granular_scopes: Vec<GranularScope>,
    /// The user (or system user) the token acts for.
    pub user_id: Option<String>,
}

/// A scope granted on some objects only.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct GranularScope {
    /// The scope, e.g. `whatsapp_business_management`.
    pub scope: String,
    /// The IDs it is granted on (a WABA's, a phone number's); empty: not limited.
    #[serde(default)]
    pub target_ids: Vec<String>,
}

/// A Unix time in seconds, `0` or absent meaning none.
fn unix_time<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<OffsetDateTime>, D::Error> {
    let seconds = Option::<i64>::deserialize(deserializer)?.filter(|&seconds| seconds > 0);
    seconds.map(OffsetDateTime::from_unix_timestamp).transpose().map_err(serde::de::Error::custom)
}

/// The `oauth2` client of the standard grants: a token URL, the client secret in the body.
type StandardClient = oauth2::Client<
    Refusal,
    TokenBody,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// The standard grants at any OAuth 2.0 token endpoint: a `POST` of the form, the app's ID
/// and secret in the body (`client_secret_post`, which Meta requires).
pub struct OAuthClient {
    app: AppCredentials,
    client: StandardClient,
    transport: Arc<dyn Transport>,
}

impl OAuthClient {
    /// A client of the token endpoint at `token_url` (`https://`, or `http://` on loopback).
    pub fn new(app: AppCredentials, token_url: &str, transport: Arc<dyn Transport>) -> Result<Self, Error> {
        Ok(Self::at(app, checked_url(token_url, "token URL")?, transport))
    }

    fn at(app: AppCredentials, token_url: Url, transport: Arc<dyn Transport>) -> Self {
        let client = oauth2::Client::new(ClientId::new(app.app_id.clone()))
            .set_client_secret(ClientSecret::new(app.app_secret.expose().to_owned()))
            .set_auth_type(AuthType::RequestBody)
            .set_token_uri(TokenUrl::from_url(token_url));
        Self { app, client, transport }
    }

    /// The token for an authorization code, with the redirect URI and PKCE verifier of the
    /// flow that obtained it. A code works once and briefly (Meta: about 30 seconds): a
    /// failed exchange is not retried, the flow is run again.
    pub async fn exchange_code(&self, code: &AuthorizationCode) -> Result<AccessToken, Error> {
        let mut request = self.client.exchange_code(oauth2::AuthorizationCode::new(code.code.expose().to_owned()));
        if let Some(uri) = &code.redirect_uri {
            let uri = RedirectUrl::new(uri.clone())
                .map_err(|e| Error::new(ErrorCode::InvalidConfig, format!("the redirect URI is not a URL: {e}")))?;
            request = request.set_redirect_uri(Cow::Owned(uri));
        }
        if let Some(verifier) = &code.verifier {
            request = request.set_pkce_verifier(PkceCodeVerifier::new(verifier.expose().to_owned()));
        }
        let secrets = [Some(code.code.expose()), code.verifier.as_ref().map(Secret::expose)];
        let call = self.call(secrets.into_iter().flatten());
        call.token(request.request_async(&call).await)
    }

    /// A new token for a refresh token (RFC 6749 §6). When the answer carries no refresh
    /// token, the one given stays valid and is kept in the result.
    pub async fn refresh(&self, refresh_token: &Secret) -> Result<AccessToken, Error> {
        let grant = RefreshToken::new(refresh_token.expose().to_owned());
        let call = self.call([refresh_token.expose()]);
        let mut token = call.token(self.client.exchange_refresh_token(&grant).request_async(&call).await)?;
        token.refresh_token.get_or_insert_with(|| refresh_token.clone());
        Ok(token)
    }

    /// One call whose errors never quote the app secret nor `secrets`.
    fn call<'a>(&'a self, secrets: impl IntoIterator<Item = &'a str>) -> Call<'a> {
        let secrets = secrets.into_iter().chain([self.app.app_secret.expose()]).collect();
        Call { transport: &*self.transport, secrets, status: AtomicU16::new(0) }
    }
}

impl fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthClient").field("app", &self.app).field("token_url", self.client.token_uri()).finish()
    }
}

/// Meta's token calls: the code exchange, the long-lived exchange and `debug_token`, at a
/// Graph API host ([`MetaHost::graph`], or the sandbox's).
#[derive(Debug)]
pub struct MetaOAuth {
    oauth: OAuthClient,
    graph: MetaHost,
}

impl MetaOAuth {
    /// Meta's calls for `app` at `graph`.
    pub fn new(app: AppCredentials, graph: MetaHost, transport: Arc<dyn Transport>) -> Self {
        Self { oauth: OAuthClient::at(app, graph.url("oauth/access_token"), transport), graph }
    }

    /// The token for an authorization code (Embedded Signup's business token, or a Facebook
    /// Login user token): [`OAuthClient::exchange_code`] at `/{version}/oauth/access_token`.
    /// The answer's token is read from `access_token`, else `business_token`.
    pub async fn exchange_code(&self, code: &AuthorizationCode) -> Result<AccessToken, Error> {
        self.oauth.exchange_code(code).await
    }

    /// A long-lived token (about 60 days) for `token` (`grant_type=fb_exchange_token`).
    /// `sixty_days` adds `set_token_expires_in_60_days=true`: a system user's expiring token,
    /// renewed before its end, which the old one outlives until its own expiry.
    pub async fn long_lived(&self, token: &Secret, sixty_days: bool) -> Result<AccessToken, Error> {
        let app = &self.oauth.app;
        let mut form = vec![
            ("grant_type", "fb_exchange_token"),
            ("client_id", app.app_id.as_str()),
            ("client_secret", app.app_secret.expose()),
            ("fb_exchange_token", token.expose()),
        ];
        if sixty_days {
            form.push(("set_token_expires_in_60_days", "true"));
        }
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
        let request = http::Request::post(self.graph.url("oauth/access_token").as_str())
            .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Bytes::from(body));
        let answer: TokenBody = self.oauth.call([token.expose()]).fetch(request).await?;
        Ok(answer.into_token())
    }

    /// What Meta says about `token` (`GET /{version}/debug_token`, asked with the app token
    /// `APP_ID|APP_SECRET`). An invalid or expired token is an answer (`is_valid: false`), not
    /// an error; a refused app token is [`ErrorCode::InvalidClient`].
    pub async fn debug_token(&self, token: &Secret) -> Result<TokenInfo, Error> {
        let app = &self.oauth.app;
        let app_token = format!("{}|{}", app.app_id, app.app_secret.expose());
        let mut url = self.graph.url("debug_token");
        url.query_pairs_mut().append_pair("input_token", token.expose()).append_pair("access_token", &app_token);
        let request = http::Request::get(url.as_str()).body(Bytes::new());
        let answer: DebugAnswer = self.oauth.call([token.expose()]).fetch(request).await.map_err(app_token_refused)?;
        Ok(answer.data)
    }
}

/// `debug_token`'s answer.
#[derive(Deserialize)]
struct DebugAnswer {
    data: TokenInfo,
}

/// From `debug_token`, a refused token is the app token: the app ID or secret is wrong.
fn app_token_refused(error: Error) -> Error {
    if error.code() != ErrorCode::TokenExpired {
        return error;
    }
    Error::new(ErrorCode::InvalidClient, format!("the app token (app ID and secret) was refused: {}", error.message()))
        .with_platform(error.platform().clone())
}

/// One call to an OAuth endpoint over the core transport: keeps the answer's status for
/// classification, and strips the call's secrets from its errors (a transport may quote the
/// URI, which holds `debug_token`'s; a server may quote what it refuses).
struct Call<'a> {
    transport: &'a dyn Transport,
    secrets: Vec<&'a str>,
    status: AtomicU16,
}

impl Call<'_> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, Error> {
        let answer = self.transport.send(request).await?;
        self.status.store(answer.status, Ordering::Relaxed);
        Ok(answer)
    }

    /// Sends a request built by hand (its `Accept` header added) and reads a 2xx answer as `T`.
    async fn fetch<T: DeserializeOwned>(&self, request: Result<HttpRequest, http::Error>) -> Result<T, Error> {
        let mut request = request
            .map_err(|e| Error::new(ErrorCode::InvalidConfig, format!("cannot build the OAuth request: {e}")))?;
        request.headers_mut().insert(http::header::ACCEPT, http::HeaderValue::from_static("application/json"));
        let outcome = self.send(request).await.and_then(|answer| read(&answer));
        outcome.map_err(|error| scrubbed(error, &self.secrets))
    }

    /// The token of an `oauth2` grant's outcome.
    fn token(&self, outcome: Result<TokenBody, RequestTokenError<Error, Refusal>>) -> Result<AccessToken, Error> {
        let status = self.status.load(Ordering::Relaxed);
        let error = match outcome {
            Ok(answer) => return Ok(answer.into_token()),
            Err(RequestTokenError::Request(error)) => error,
            Err(RequestTokenError::ServerResponse(refusal)) => refusal.into_error(status),
            Err(RequestTokenError::Parse(..) | RequestTokenError::Other(_)) => unreadable(status),
        };
        Err(scrubbed(error, &self.secrets))
    }
}

/// A 2xx answer read as `T`, else the refusal it carries.
fn read<T: DeserializeOwned>(answer: &HttpResponse) -> Result<T, Error> {
    if !(200..300).contains(&answer.status) {
        let refusal = serde_json::from_slice::<Refusal>(&answer.body);
        return Err(refusal.map_or_else(|_| unreadable(answer.status), |refusal| refusal.into_error(answer.status)));
    }
    serde_json::from_slice(&answer.body).map_err(|_| unreadable(answer.status))
}

impl<'c> oauth2::AsyncHttpClient<'c> for Call<'_> {
    type Error = Error;
    type Future = BoxFuture<'c, Result<oauth2::HttpResponse, Error>>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let answer = self.send(request.map(Bytes::from)).await?;
            http::Response::builder().status(answer.status).body(answer.body).map_err(|_| unreadable(answer.status))
        })
    }
}

/// `error` with every secret of `secrets`, as is and form-encoded, replaced by `***` in its
/// message and in the platform's.
fn scrubbed(error: Error, secrets: &[&str]) -> Error {
    let clean = |text: &str| {
        secrets.iter().filter(|secret| !secret.is_empty()).fold(text.to_owned(), |text, secret| {
            let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
            text.replace(secret, "***").replace(&encoded, "***")
        })
    };
    let message = clean(error.message());
    let platform =
        PlatformDetails { message: error.platform().message.as_deref().map(clean), ..error.platform().clone() };
    if message == error.message() && &platform == error.platform() {
        return error;
    }
    Error::new(error.code(), message).with_platform(platform).with_retry_after(error.retry_after())
}

/// A token endpoint's answer: RFC 6749 §5.1, Meta's `business_token` accepted for
/// `access_token`, every field but the token optional.
#[derive(Debug, Deserialize, Serialize)]
struct TokenBody {
    #[serde(alias = "business_token")]
    access_token: oauth2::AccessToken,
    /// Not read: chatlane sends every token as `Bearer`.
    #[serde(skip, default = "bearer")]
    token_type: BasicTokenType,
    expires_in: Option<u64>,
    refresh_token: Option<RefreshToken>,
    #[serde(
        default,
        rename = "scope",
        deserialize_with = "oauth2::helpers::deserialize_space_delimited_vec",
        serialize_with = "oauth2::helpers::serialize_space_delimited_vec",
        skip_serializing_if = "Option::is_none"
    )]
    scopes: Option<Vec<Scope>>,
}

fn bearer() -> BasicTokenType {
    BasicTokenType::Bearer
}

impl TokenBody {
    fn into_token(self) -> AccessToken {
        let lifetime = |seconds: u64| time::Duration::seconds(i64::try_from(seconds).unwrap_or(i64::MAX));
        AccessToken {
            token: Secret::new(self.access_token.into_secret()),
            // An expiry beyond what a date can hold is no expiry.
            expires_at: self.expires_in.and_then(|seconds| OffsetDateTime::now_utc().checked_add(lifetime(seconds))),
            refresh_token: self.refresh_token.map(|token| Secret::new(token.into_secret())),
            scopes: self
                .scopes
                .unwrap_or_default()
                .iter()
                .filter(|scope| !scope.is_empty())
                .map(|s| s.to_string())
                .collect(),
        }
    }
}

impl oauth2::TokenResponse for TokenBody {
    type TokenType = BasicTokenType;

    fn access_token(&self) -> &oauth2::AccessToken {
        &self.access_token
    }

    fn token_type(&self) -> &BasicTokenType {
        &self.token_type
    }

    fn expires_in(&self) -> Option<Duration> {
        self.expires_in.map(Duration::from_secs)
    }

    fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_ref()
    }

    fn scopes(&self) -> Option<&Vec<Scope>> {
        self.scopes.as_ref()
    }
}

/// A token endpoint's refusal, in either shape.
#[derive(Debug, Deserialize, Serialize)]
#[serde(untagged)]
enum Refusal {
    /// Meta's Graph error object.
    Graph { error: GraphError },
    /// RFC 6749 §5.2.
    Standard { error: String, error_description: Option<String> },
}

/// Meta's error object (the parts read).
#[derive(Debug, Deserialize, Serialize)]
struct GraphError {
    #[serde(default)]
    message: String,
    code: Option<i64>,
    error_subcode: Option<i64>,
    fbtrace_id: Option<String>,
}

impl Refusal {
    fn into_error(self, status: u16) -> Error {
        let (code, detail, platform) = match self {
            Self::Graph { error } => error.read(),
            Self::Standard { error, error_description } => standard_refusal(error, error_description),
        };
        let code = code.unwrap_or_else(|| fallback_code(status, true));
        let platform = PlatformDetails { http_status: Some(status), ..platform };
        Error::new(code, format!("the OAuth server refused the request ({detail})")).with_platform(platform)
    }
}

impl GraphError {
    /// Its code (the module's table), its description and its platform details.
    fn read(self) -> (Option<ErrorCode>, String, PlatformDetails) {
        let code = graph_code(&self);
        let number = self.code.map(|code| code.to_string());
        let subcode = self.error_subcode.map(|subcode| format!(", subcode {subcode}")).unwrap_or_default();
        let detail = format!("Meta error {}{subcode}: {}", number.as_deref().unwrap_or("?"), self.message);
        let platform = PlatformDetails {
            code: number,
            message: Some(self.message),
            request_id: self.fbtrace_id,
            ..PlatformDetails::default()
        };
        (code, detail, platform)
    }
}

/// An RFC 6749 refusal's code, description and platform details.
fn standard_refusal(error: String, description: Option<String>) -> (Option<ErrorCode>, String, PlatformDetails) {
    let code = match error.as_str() {
        "invalid_grant" => Some(ErrorCode::InvalidGrant),
        "invalid_client" | "unauthorized_client" => Some(ErrorCode::InvalidClient),
        _ => None,
    };
    let detail = description.as_ref().map_or_else(|| error.clone(), |text| format!("{error}: {text}"));
    (code, detail, PlatformDetails { code: Some(error), message: description, ..PlatformDetails::default() })
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Graph { error } => write!(f, "Meta error {:?}: {}", error.code, error.message),
            Self::Standard { error, .. } => f.write_str(error),
        }
    }
}

impl oauth2::ErrorResponse for Refusal {}

/// The code of a Meta error the token calls know (the module's table), if any.
fn graph_code(error: &GraphError) -> Option<ErrorCode> {
    let message = error.message.to_ascii_lowercase();
    let about = |words: &[&str]| words.iter().any(|word| message.contains(word));
    match (error.code?, error.error_subcode) {
        (0 | 190, _) => Some(ErrorCode::TokenExpired),
        (101, _) => Some(ErrorCode::InvalidClient),
        (1 | 100, _) if about(&["client secret", "client_secret"]) => Some(ErrorCode::InvalidClient),
        (100, Some(36007..=36009)) => Some(ErrorCode::InvalidGrant),
        (100, _) if about(&["verification code", "authorization code"]) => Some(ErrorCode::InvalidGrant),
        _ => None,
    }
}

/// The code of a refusal known by its HTTP status only (`readable`: its body was an error).
fn fallback_code(status: u16, readable: bool) -> ErrorCode {
    match status {
        503 => ErrorCode::Server,
        200..=299 | 500..=599 => ErrorCode::OutcomeUnknown,
        _ if readable => ErrorCode::Rejected,
        _ => ErrorCode::MalformedResponse,
    }
}

/// The error for an answer that could not be read.
fn unreadable(status: u16) -> Error {
    Error::new(fallback_code(status, false), format!("the OAuth server's answer (HTTP {status}) could not be read"))
        .with_platform(PlatformDetails { http_status: Some(status), ..PlatformDetails::default() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::fake::FakeTransport;

    const APP_SECRET: &str = "app-s3cret";

    fn meta(answers: &[(u16, &str)]) -> (Arc<FakeTransport>, MetaOAuth) {
        let transport = Arc::new(FakeTransport::answering(answers));
        let graph = MetaHost::new("http://127.0.0.1:8089", "v25.0").unwrap();
        let app = AppCredentials::new("1234", APP_SECRET).unwrap();
        (Arc::clone(&transport), MetaOAuth::new(app, graph, transport))
    }

    fn pkce_code() -> AuthorizationCode {
        AuthorizationCode {
            code: Secret::new("c0de"),
            redirect_uri: Some("https://app.example/cb".into()),
            verifier: Some(Secret::new("v".repeat(43))),
        }
    }

    fn seconds_left(token: &AccessToken) -> i64 {
        (token.expires_at.unwrap() - OffsetDateTime::now_utc()).whole_seconds()
    }

    #[tokio::test]
    async fn a_code_is_exchanged_with_its_redirect_uri_and_verifier() {
        let (transport, meta) =
            meta(&[(200, r#"{"access_token":"EAAG-user","token_type":"bearer","expires_in":5183944}"#)]);
        let token = meta.exchange_code(&pkce_code()).await.unwrap();
        assert_eq!(token.token.expose(), "EAAG-user");
        assert!((5_183_900..=5_183_944).contains(&seconds_left(&token)));
        let request = &transport.requests()[0];
        assert_eq!(request.method, http::Method::POST);
        assert_eq!(request.uri, "http://127.0.0.1:8089/v25.0/oauth/access_token");
        assert_eq!(request.content_type.as_deref(), Some("application/x-www-form-urlencoded"));
        let expected = [
            ("grant_type", "authorization_code"),
            ("code", "c0de"),
            ("code_verifier", "v".repeat(43).as_str()),
            ("client_id", "1234"),
            ("client_secret", APP_SECRET),
            ("redirect_uri", "https://app.example/cb"),
        ]
        .map(|(name, value)| (name.to_owned(), value.to_owned()));
        let mut sent = transport.fields(0);
        sent.sort();
        let mut expected = expected.to_vec();
        expected.sort();
        assert_eq!(sent, expected);
    }

    #[tokio::test]
    async fn embedded_signup_answers_a_business_token_that_never_expires() {
        let (transport, meta) = meta(&[(200, r#"{"business_token":"EAAG-business"}"#)]);
        let token = meta.exchange_code(&AuthorizationCode::new("popup-code")).await.unwrap();
        assert_eq!(token, AccessToken::new("EAAG-business"));
        assert_eq!(transport.field(0, "redirect_uri"), None, "a popup's code has no redirect");
        assert_eq!(transport.field(0, "code_verifier"), None);
    }

    #[tokio::test]
    async fn a_bad_code_is_an_invalid_grant_in_both_error_shapes() {
        let meta_expired = r#"{"error":{"message":"This authorization code has expired.","type":"OAuthException","code":100,"error_subcode":36007,"fbtrace_id":"AbC"}}"#;
        let meta_used =
            r#"{"error":{"message":"This authorization code has been used.","type":"OAuthException","code":100}}"#;
        let rfc = r#"{"error":"invalid_grant","error_description":"code reused"}"#;
        let (_, meta) = meta(&[(400, meta_expired), (400, meta_used), (400, rfc)]);
        let expired = meta.exchange_code(&pkce_code()).await.unwrap_err();
        assert_eq!(expired.code(), ErrorCode::InvalidGrant);
        assert_eq!(
            (expired.platform_code(), expired.request_id(), expired.http_status()),
            (Some("100"), Some("AbC"), Some(400))
        );
        assert!(expired.message().contains("subcode 36007"), "{expired}");
        assert_eq!(meta.exchange_code(&pkce_code()).await.unwrap_err().code(), ErrorCode::InvalidGrant);
        let reused = meta.exchange_code(&pkce_code()).await.unwrap_err();
        assert_eq!((reused.code(), reused.platform_code()), (ErrorCode::InvalidGrant, Some("invalid_grant")));
        assert!(reused.message().contains("code reused"), "{reused}");
    }

    #[tokio::test]
    async fn a_wrong_app_is_an_invalid_client() {
        let secret = r#"{"error":{"message":"Error validating client secret.","type":"OAuthException","code":1}}"#;
        let app = r#"{"error":{"message":"Error validating application. Invalid application ID.","type":"OAuthException","code":101}}"#;
        let rfc = r#"{"error":"invalid_client"}"#;
        let (_, meta) = meta(&[(400, secret), (400, app), (401, rfc)]);
        for _ in 0..3 {
            let error = meta.exchange_code(&pkce_code()).await.unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidClient, "{error}");
            assert!(!error.message().contains(APP_SECRET));
        }
    }

    #[tokio::test]
    async fn other_refusals_go_by_status_and_unreadable_answers_are_typed() {
        let other = r#"{"error":{"message":"Unsupported request","type":"GraphMethodException","code":100}}"#;
        let (_, meta) = meta(&[(400, other), (400, "<html>"), (503, ""), (502, "bad gateway"), (200, "{}")]);
        let expected = [
            ErrorCode::Rejected,
            ErrorCode::MalformedResponse,
            ErrorCode::Server,
            ErrorCode::OutcomeUnknown,
            ErrorCode::OutcomeUnknown,
        ];
        for code in expected {
            assert_eq!(meta.exchange_code(&pkce_code()).await.unwrap_err().code(), code);
        }
    }

    #[tokio::test]
    async fn the_refresh_grant_keeps_the_refresh_token_unless_a_new_one_is_given() {
        let transport = Arc::new(FakeTransport::answering(&[
            (200, r#"{"access_token":"at-2","token_type":"Bearer","expires_in":3600,"scope":"read write"}"#),
            (200, r#"{"access_token":"at-3","token_type":"Bearer","refresh_token":"rt-3"}"#),
        ]));
        let app = AppCredentials::new("client", APP_SECRET).unwrap();
        let oauth = OAuthClient::new(app, "http://localhost:9/oauth/token", transport.clone()).unwrap();
        let token = oauth.refresh(&Secret::new("rt-1")).await.unwrap();
        assert_eq!(token.token.expose(), "at-2");
        assert_eq!(token.refresh_token, Some(Secret::new("rt-1")));
        assert_eq!(token.scopes, ["read", "write"]);
        assert!((3590..=3600).contains(&seconds_left(&token)));
        assert_eq!(transport.field(0, "grant_type").as_deref(), Some("refresh_token"));
        assert_eq!(transport.field(0, "refresh_token").as_deref(), Some("rt-1"));
        assert_eq!(transport.field(0, "client_secret").as_deref(), Some(APP_SECRET));
        let token = oauth.refresh(&Secret::new("rt-1")).await.unwrap();
        assert_eq!(token.refresh_token, Some(Secret::new("rt-3")));
        let insecure =
            OAuthClient::new(AppCredentials::new("c", "s").unwrap(), "http://login.example/token", transport);
        assert_eq!(insecure.unwrap_err().code(), ErrorCode::InvalidConfig);
    }

    #[tokio::test]
    async fn fb_exchange_token_asks_for_sixty_days_when_told() {
        let answer = r#"{"access_token":"EAAG-long","token_type":"bearer","expires_in":5184000}"#;
        let (transport, meta) = meta(&[(200, answer), (200, answer)]);
        let token = meta.long_lived(&Secret::new("EAAG-short"), false).await.unwrap();
        assert_eq!(token.token.expose(), "EAAG-long");
        assert!(seconds_left(&token) > 5_183_000);
        meta.long_lived(&Secret::new("EAAG-system"), true).await.unwrap();
        let sent = transport.requests();
        assert_eq!((&sent[0].method, sent[0].uri.path()), (&http::Method::POST, "/v25.0/oauth/access_token"));
        assert_eq!(transport.field(0, "grant_type").as_deref(), Some("fb_exchange_token"));
        assert_eq!(transport.field(0, "fb_exchange_token").as_deref(), Some("EAAG-short"));
        assert_eq!(transport.field(0, "client_id").as_deref(), Some("1234"));
        assert_eq!(transport.field(0, "client_secret").as_deref(), Some(APP_SECRET));
        assert_eq!(transport.field(0, "set_token_expires_in_60_days"), None);
        assert_eq!(transport.field(1, "set_token_expires_in_60_days").as_deref(), Some("true"));
    }

    #[tokio::test]
    async fn a_dead_token_cannot_be_exchanged() {
        let dead = r#"{"error":{"message":"Error validating access token: Session has expired","type":"OAuthException","code":190,"error_subcode":463}}"#;
        let (_, meta) = meta(&[(400, dead)]);
        let error = meta.long_lived(&Secret::new("EAAG-old"), true).await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::TokenExpired);
        assert!(!error.message().contains("EAAG-old"));
    }

    #[tokio::test]
    async fn debug_token_reads_the_token_info_zero_meaning_never() {
        let answer = r#"{"data":{"app_id":"1234","type":"SYSTEM_USER","application":"chatlane","data_access_expires_at":0,
            "expires_at":0,"is_valid":true,"issued_at":1767225600,
            "scopes":["whatsapp_business_messaging","whatsapp_business_management"],
            "granular_scopes":[{"scope":"whatsapp_business_management","target_ids":["102290129340398"]},
                               {"scope":"whatsapp_business_messaging"}],"user_id":"5550001"}}"#;
        let expiring =
            r#"{"data":{"app_id":"1234","type":"USER","is_valid":false,"expires_at":1767225600,"scopes":[]}}"#;
        let (transport, meta) = meta(&[(200, answer), (200, expiring)]);
        let info = meta.debug_token(&Secret::new("EAAG-input")).await.unwrap();
        let expected = TokenInfo {
            app_id: Some("1234".into()),
            kind: Some("SYSTEM_USER".into()),
            is_valid: true,
            expires_at: None,
            issued_at: Some(time::macros::datetime!(2026-01-01 0:00 UTC)),
            scopes: vec!["whatsapp_business_messaging".into(), "whatsapp_business_management".into()],
            granular_scopes: vec![
                GranularScope {
                    scope: "whatsapp_business_management".into(),
                    target_ids: vec!["102290129340398".into()],
                },
                GranularScope { scope: "whatsapp_business_messaging".into(), target_ids: vec![] },
            ],
            user_id: Some("5550001".into()),
        };
        assert_eq!(info, expected);
        let info = meta.debug_token(&Secret::new("EAAG-input")).await.unwrap();
        assert_eq!((info.is_valid, info.expires_at), (false, Some(time::macros::datetime!(2026-01-01 0:00 UTC))));
        let request = &transport.requests()[0];
        assert_eq!((&request.method, request.uri.path()), (&http::Method::GET, "/v25.0/debug_token"));
        assert_eq!(transport.field(0, "input_token").as_deref(), Some("EAAG-input"));
        assert_eq!(transport.field(0, "access_token"), Some(format!("1234|{APP_SECRET}")));
    }

    #[tokio::test]
    async fn debug_token_with_a_refused_app_token_is_an_invalid_client() {
        let refused =
            r#"{"error":{"message":"Invalid OAuth access token signature.","type":"OAuthException","code":190}}"#;
        let (_, meta) = meta(&[(400, refused)]);
        assert_eq!(meta.debug_token(&Secret::new("t")).await.unwrap_err().code(), ErrorCode::InvalidClient);
    }

    #[tokio::test]
    async fn secrets_never_show_in_debug_or_in_transport_errors() {
        // A transport that quotes the whole URI in its error, query and all.
        let quoting = Error::new(
            ErrorCode::Connect,
            format!(
                "could not connect to http://127.0.0.1:8089/v25.0/debug_token?input_token=EAAG-in%2Bput&access_token=1234%7C{APP_SECRET} (app secret {APP_SECRET}, token EAAG-in+put)"
            ),
        );
        let transport = Arc::new(FakeTransport::failing(quoting));
        let app = AppCredentials::new("1234", APP_SECRET).unwrap();
        let meta = MetaOAuth::new(app.clone(), MetaHost::graph(), transport);
        let error = meta.debug_token(&Secret::new("EAAG-in+put")).await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::Connect);
        let token = AccessToken { refresh_token: Some(Secret::new("rt-value")), ..AccessToken::new("EAAG-in+put") };
        let shown = format!("{error} {error:?} {meta:?} {app:?} {token:?}");
        for secret in [APP_SECRET, "EAAG-in+put", "EAAG-in%2Bput", "rt-value"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("1234"), "the app ID is not secret: {shown}");
    }

    #[tokio::test]
    async fn a_refusal_quoting_a_secret_does_not_repeat_it() {
        let echo = r#"{"error":"invalid_grant","error_description":"unknown refresh token rt-value for app-s3cret"}"#;
        let transport = Arc::new(FakeTransport::answering(&[(400, echo)]));
        let oauth =
            OAuthClient::new(AppCredentials::new("c", APP_SECRET).unwrap(), "https://login.example/t", transport);
        let error = oauth.unwrap().refresh(&Secret::new("rt-value")).await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidGrant);
        assert!(error.message().contains("unknown refresh token ***"), "{error}");
        let shown = format!("{error:?}");
        assert!(!shown.contains("rt-value") && !shown.contains(APP_SECRET), "{shown}");
    }
}
