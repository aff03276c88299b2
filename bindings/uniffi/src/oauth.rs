//! Meta's bearer tokens and OAuth for one app: the objects a Kotlin or Swift backend gets a
//! token with, inspects it with, and hands to a Meta client. Every token, the app secret and
//! the PKCE verifier stay out of every generated `toString`/`description`.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use chatlane_core::oauth::{self, MetaAppOptions};
use chatlane_core::runtime;

use crate::error::{ChatlaneError, guarded};

/// The latest time the core's dates hold, 9999-12-31T23:59:59Z, after the Unix epoch.
const LATEST: Duration = Duration::from_secs(253_402_300_799);

/// A bearer token for Meta's Cloud API, with what its issuer said about it.
///
/// An object rather than a record, as `Credentials` is one: it prints as
/// `AccessToken { token: Secret(***), … }`; read the token itself with `token()`.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct AccessToken(pub(crate) oauth::AccessToken);

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[uniffi::export]
impl AccessToken {
    /// The token as Meta issued it, with what is known of it: when it expires (a client
    /// renews it before then, else refuses to send it after) and the scopes granted (a Meta
    /// client refuses known scopes without `whatsapp_business_messaging`). Without them: no
    /// expiry, scopes unknown. An expiry before 1970 counts as 1970, one after 9999 as the
    /// end of 9999.
    #[uniffi::constructor(default(expires_at = None, scopes = []))]
    pub fn new(token: String, expires_at: Option<SystemTime>, scopes: Vec<String>) -> Arc<Self> {
        let expires_at = expires_at.map(|at| at.clamp(SystemTime::UNIX_EPOCH, SystemTime::UNIX_EPOCH + LATEST).into());
        Arc::new(Self(oauth::AccessToken { expires_at, scopes, ..oauth::AccessToken::new(token) }))
    }

    /// The token itself, to store in a vault or send with: keep it out of logs.
    pub fn token(&self) -> String {
        self.0.token.expose().to_owned()
    }

    /// When it expires; `null`/`nil`: never, or not said.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.0.expires_at.map(SystemTime::from)
    }

    /// The scopes granted, when the issuer named them.
    pub fn scopes(&self) -> Vec<String> {
        self.0.scopes.clone()
    }
}

/// Told of each token a Meta client renewed itself (`ClientOptions.renewWith`), to persist
/// it: implement it in Kotlin or Swift.
#[uniffi::export(with_foreign)]
pub trait TokenObserver: Send + Sync {
    /// Called once per renewal with the new token, on one of chatlane's I/O threads before
    /// the send that renewed it goes on: keep it quick. What it throws is caught (Rust's panic
    /// hook prints it to stderr) and never changes the send's result.
    fn on_token_renewed(&self, token: Arc<AccessToken>);
}

/// `observer` as the core's renewal callback ([`oauth::TokenSource::on_renewed`]); a foreign
/// exception arrives as a panic, which the core contains and logs.
pub(crate) fn told(observer: Arc<dyn TokenObserver>) -> impl Fn(&oauth::AccessToken) + Send + Sync + 'static {
    move |token| observer.on_token_renewed(Arc::new(AccessToken(token.clone())))
}

/// What to keep server-side between `MetaApp.authorizationUrl` and the callback: the
/// `state` and the PKCE verifier of one sign-in. Prints without them.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug)]
pub struct PendingAuthorization(oauth::PendingAuthorization);

#[uniffi::export]
impl PendingAuthorization {
    /// A pending authorization from `toJson()`'s text; anything else is a `Configuration`
    /// error.
    #[uniffi::constructor]
    #[expect(clippy::result_large_err, reason = "the error crosses the FFI by value; UniFFI cannot lift a Box")]
    pub fn from_json(json: String) -> Result<Arc<Self>, ChatlaneError> {
        guarded(|| Ok(Arc::new(Self(oauth::PendingAuthorization::from_json(&json)?))))
    }

    /// This pending authorization as JSON text, to store server-side (the user's session):
    /// it holds the PKCE verifier in clear, so never in the browser nor in logs.
    pub fn to_json(&self) -> String {
        self.0.to_json()
    }
}

/// Where to send the user to sign in, and what to keep until they come back.
#[derive(uniffi::Record)]
pub struct AuthorizationRequest {
    /// Meta's login dialog URL, with the `state` and the PKCE challenge.
    pub url: String,
    /// What `MetaApp.exchangeCallback` checks the callback against.
    pub pending: Arc<PendingAuthorization>,
}

/// A scope granted on some objects only.
#[derive(Debug, uniffi::Record)]
pub struct GranularScope {
    /// The scope, e.g. `whatsapp_business_management`.
    pub scope: String,
    /// The IDs it is granted on (a WhatsApp Business Account's, a phone number's); empty:
    /// not limited.
    pub target_ids: Vec<String>,
}

/// What Meta's `debug_token` says about a token.
#[derive(Debug, uniffi::Record)]
pub struct TokenInfo {
    /// The app the token belongs to.
    pub app_id: Option<String>,
    /// Meta's `type`: `USER`, `PAGE`, `APP`, `SYSTEM_USER`…
    pub kind: Option<String>,
    /// Whether the token works now.
    pub is_valid: bool,
    /// When it expires; `null`/`nil`: never.
    pub expires_at: Option<SystemTime>,
    /// When it was issued.
    pub issued_at: Option<SystemTime>,
    /// The scopes (permissions) granted.
    pub scopes: Vec<String>,
    /// Scopes limited to some objects: which WhatsApp Business Accounts or numbers the
    /// token may touch.
    pub granular_scopes: Vec<GranularScope>,
    /// The user (or system user) the token acts for.
    pub user_id: Option<String>,
}

impl From<oauth::TokenInfo> for TokenInfo {
    fn from(info: oauth::TokenInfo) -> Self {
        let granular_scopes = info
            .granular_scopes
            .into_iter()
            .map(|granular| GranularScope { scope: granular.scope, target_ids: granular.target_ids })
            .collect();
        Self {
            app_id: info.app_id,
            kind: info.kind,
            is_valid: info.is_valid,
            expires_at: info.expires_at.map(SystemTime::from),
            issued_at: info.issued_at.map(SystemTime::from),
            scopes: info.scopes,
            granular_scopes,
            user_id: info.user_id,
        }
    }
}

/// One Meta app's OAuth: the login dialog URL (with `state` and PKCE), the code exchange, the
/// long-lived exchange and `debug_token`. The app secret belongs on a backend: a mobile app
/// obtains the code and hands it to its backend, which exchanges it. Thread-safe.
///
/// The exchanges run on chatlane's own I/O threads (Kotlin `suspend`, Swift `async`); a
/// refusal is a `ChatlaneException`/`ChatlaneError`: `Authentication` with code
/// `StateMismatch` (a callback of another sign-in), `InvalidGrant` (a used, expired or
/// forged code), `InvalidClient` (a wrong app secret) or `TokenExpired`.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug)]
pub struct MetaApp(pub(crate) Arc<oauth::MetaApp>);

#[uniffi::export]
impl MetaApp {
    /// The app `appId` with its secret, calling Meta's hosts at the Graph API version chatlane
    /// pins unless told otherwise: `graphUrl` (`https://graph.facebook.com`), `dialogUrl`
    /// (`https://www.facebook.com`), `graphVersion` (`vNN.N`). A host that is not `https://`
    /// (or `http://` on loopback, the sandbox) or a malformed version is a `Configuration`
    /// error, as is an empty app ID or secret.
    #[uniffi::constructor(default(graph_url = None, dialog_url = None, graph_version = None))]
    #[expect(clippy::result_large_err, reason = "the error crosses the FFI by value; UniFFI cannot lift a Box")]
    pub fn new(
        app_id: String,
        app_secret: String,
        graph_url: Option<String>,
        dialog_url: Option<String>,
        graph_version: Option<String>,
    ) -> Result<Arc<Self>, ChatlaneError> {
        guarded(|| {
            let options = MetaAppOptions { graph_url, dialog_url, graph_version };
            Ok(Arc::new(Self(Arc::new(oauth::MetaApp::new(&app_id, &app_secret, options)?))))
        })
    }

    /// The login dialog URL asking for `scopes` and coming back to `redirectUri`, and the
    /// pending authorization to keep server-side until the callback.
    #[expect(clippy::result_large_err, reason = "the error crosses the FFI by value; UniFFI cannot lift a Box")]
    pub fn authorization_url(
        &self,
        redirect_uri: String,
        scopes: Vec<String>,
    ) -> Result<AuthorizationRequest, ChatlaneError> {
        guarded(|| {
            let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
            let (url, pending) = self.0.authorization_url(&redirect_uri, &scopes)?;
            Ok(AuthorizationRequest { url, pending: Arc::new(PendingAuthorization(pending)) })
        })
    }

    /// The token for the callback whose query string (`code=…&state=…`, a leading `?`
    /// allowed) is `callbackQuery`, checked against `pending`: another `state` is
    /// `StateMismatch`, a refusal in the callback (`error=access_denied`…) its own error.
    pub async fn exchange_callback(
        &self,
        pending: Arc<PendingAuthorization>,
        callback_query: String,
    ) -> Result<Arc<AccessToken>, ChatlaneError> {
        let app = Arc::clone(&self.0);
        issued(async move { app.exchange_callback(&pending.0, &callback_query).await }).await
    }

    /// The token for a code obtained without a redirect (the JS SDK popup of Embedded
    /// Signup); a used, expired or forged code is `InvalidGrant`.
    pub async fn exchange_code(&self, code: String) -> Result<Arc<AccessToken>, ChatlaneError> {
        let app = Arc::clone(&self.0);
        issued(async move { app.exchange_code(&code).await }).await
    }

    /// A long-lived (about 60 days) token for `token`.
    pub async fn long_lived(&self, token: Arc<AccessToken>) -> Result<Arc<AccessToken>, ChatlaneError> {
        let app = Arc::clone(&self.0);
        issued(async move { app.long_lived(token.0.token.expose()).await }).await
    }

    /// What Meta says about `token`: validity, expiry, scopes.
    pub async fn inspect(&self, token: Arc<AccessToken>) -> Result<TokenInfo, ChatlaneError> {
        let app = Arc::clone(&self.0);
        let info = runtime::run(async move { app.inspect(token.0.token.expose()).await }).await?;
        Ok(info.into())
    }
}

/// The token `exchange` gives, obtained on chatlane's runtime ([`runtime::run`]: a panic
/// becomes `Internal`, a cancelled caller aborts it).
async fn issued(
    exchange: impl Future<Output = Result<oauth::AccessToken, chatlane_core::Error>> + Send + 'static,
) -> Result<Arc<AccessToken>, ChatlaneError> {
    Ok(Arc::new(AccessToken(runtime::run(exchange).await?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_print_without_their_value() {
        let token = AccessToken::new("EAAG-s3cr3t".into(), None, Vec::new());
        assert!(!format!("{token:?}").contains("s3cr3t"), "{token:?}");
        assert_eq!(token.token(), "EAAG-s3cr3t");
        assert_eq!((token.expires_at(), token.scopes()), (None, Vec::<String>::new()));
    }

    #[test]
    fn an_expiry_outside_the_core_dates_is_clamped_not_a_panic() {
        let epoch = SystemTime::UNIX_EPOCH;
        let far = AccessToken::new("t".into(), Some(epoch + Duration::from_secs(1 << 40)), vec!["s".into()]);
        assert_eq!((far.expires_at(), far.scopes()), (Some(epoch + LATEST), vec!["s".to_owned()]));
        let past = AccessToken::new("t".into(), Some(epoch - Duration::from_secs(1 << 40)), Vec::new());
        assert_eq!(past.expires_at(), Some(epoch));
    }

    #[test]
    fn the_pending_authorization_round_trips_and_prints_without_its_verifier() {
        let app =
            MetaApp::new("1234".into(), "app-s3cr3t".into(), None, Some("http://127.0.0.1:9".into()), None).unwrap();
        assert!(!format!("{app:?}").contains("app-s3cr3t"));
        let request =
            app.authorization_url("https://app.example/cb".into(), vec!["business_management".into()]).unwrap();
        assert!(request.url.starts_with("http://127.0.0.1:9/v25.0/dialog/oauth?"), "{}", request.url);
        let stored = request.pending.to_json();
        let verifier =
            serde_json::from_str::<serde_json::Value>(&stored).unwrap()["verifier"].as_str().unwrap().to_owned();
        assert!(!format!("{:?}", request.pending).contains(&verifier));
        assert_eq!(PendingAuthorization::from_json(stored.clone()).unwrap().to_json(), stored);
        let error = PendingAuthorization::from_json("{}".into()).unwrap_err();
        assert!(matches!(error, ChatlaneError::Configuration { .. }), "{error:?}");
    }

    #[test]
    fn a_wrong_host_or_an_empty_secret_is_a_configuration_error() {
        let error = MetaApp::new("1".into(), "s".into(), Some("http://graph.example".into()), None, None).unwrap_err();
        assert_eq!(error.code(), "InvalidConfig");
        let error = MetaApp::new("1".into(), " ".into(), None, None, None).unwrap_err();
        assert!(matches!(error, ChatlaneError::Configuration { .. }), "{error:?}");
    }
}
