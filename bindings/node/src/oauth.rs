//! Meta's OAuth for the `chatlane` package's `MetaApp`: the core's [`MetaApp`] behind a native
//! class whose network calls return promises, and the tokens and token descriptions they
//! resolve with. A token (from a call, or built from what the caller stored) stays a core
//! [`AccessToken`] (its value a `Secret`) until JS reads its `token`, and goes to a client
//! whole, expiry and scopes included.

use std::future::Future;
use std::ops::RangeInclusive;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chatlane_core::Error;
use chatlane_core::oauth::{
    AccessToken, GranularScope, MetaApp, MetaAppOptions, PendingAuthorization, TokenInfo, TokenRenewer,
};
use napi::Env;
use napi::bindgen_prelude::{ClassInstance, Either, PromiseRaw, ToNapiValue, Unknown};
use napi_derive::napi;

use crate::completions::settled;
use crate::{guarded, invalid, required_object, rethrowable, string_fields};

/// The fields `new MetaApp(options)` reads.
const APP_OPTION_NAMES: [&str; 5] = ["appId", "appSecret", "graphUrl", "dialogUrl", "graphVersion"];

/// The expiries a token can have, in epoch milliseconds: the years -9999 to 9999, as far as
/// the core's dates go.
const EXPIRY_MS: RangeInclusive<f64> = -377_705_116_800_000.0..=253_402_300_799_999.0;

/// A token as JS hands it over: its value, or an `AccessToken`'s handle.
pub type TokenArgument<'env> = Either<String, ClassInstance<'env, NativeAccessToken>>;

/// The core token of a [`TokenArgument`]: a bare value has no known expiry or scopes.
pub fn access_token(given: TokenArgument) -> AccessToken {
    match given {
        Either::A(token) => AccessToken::new(token),
        Either::B(token) => token.0.clone(),
    }
}

/// The native Meta app the `chatlane` package's `MetaApp` wraps.
#[napi]
pub struct NativeMetaApp {
    inner: Arc<MetaApp>,
    app_id: String,
}

#[napi]
impl NativeMetaApp {
    /// The app of `options` (`{appId, appSecret, graphUrl?, dialogUrl?, graphVersion?}`).
    /// Throws a JS error carrying the core error's fields for unusable options.
    #[napi(constructor, ts_args_type = "options: unknown")]
    pub fn new(env: Env, options: Unknown) -> napi::Result<Self> {
        guarded(&env, || app_from(options).map_err(|error| rethrowable(&env, &error)))
    }

    /// The app's ID (not secret).
    #[napi(getter)]
    pub fn app_id(&self) -> String {
        self.app_id.clone()
    }

    /// The login dialog URL that comes back to `redirect_uri` with a code for `scopes`, and
    /// the pending authorization to keep server-side until the callback (JSON text holding
    /// the PKCE verifier in clear). Throws a JS error carrying the core error's fields.
    #[napi]
    pub fn authorization_url(
        &self,
        env: &Env,
        redirect_uri: String,
        scopes: Vec<String>,
    ) -> napi::Result<AuthorizationStart> {
        guarded(env, || {
            let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
            let (url, pending) =
                self.inner.authorization_url(&redirect_uri, &scopes).map_err(|error| rethrowable(env, &error))?;
            Ok(AuthorizationStart { url, pending: pending.to_json() })
        })
    }

    /// The token for the callback whose query string is `callback_query`, checked against
    /// `pending` ([`NativeMetaApp::authorization_url`]'s); rejects with a JS error carrying
    /// the core error's fields.
    #[napi(ts_return_type = "Promise<NativeAccessToken>")]
    pub fn exchange_callback<'env>(
        &self,
        env: &'env Env,
        pending: String,
        callback_query: String,
    ) -> napi::Result<PromiseRaw<'env, NativeAccessToken>> {
        self.call(env, |app| async move {
            app.exchange_callback(&PendingAuthorization::from_json(&pending)?, &callback_query).await
        })
    }

    /// The token for a code obtained without a redirect (the JS SDK's popup).
    #[napi(ts_return_type = "Promise<NativeAccessToken>")]
    pub fn exchange_code<'env>(
        &self,
        env: &'env Env,
        code: String,
    ) -> napi::Result<PromiseRaw<'env, NativeAccessToken>> {
        self.call(env, |app| async move { app.exchange_code(&code).await })
    }

    /// A long-lived (about 60 days) token for `token`.
    #[napi(ts_args_type = "token: string | NativeAccessToken", ts_return_type = "Promise<NativeAccessToken>")]
    pub fn long_lived<'env>(
        &self,
        env: &'env Env,
        token: TokenArgument<'env>,
    ) -> napi::Result<PromiseRaw<'env, NativeAccessToken>> {
        let token = access_token(token);
        self.call(env, |app| async move { app.long_lived(token.token.expose()).await })
    }

    /// What Meta's `debug_token` says about `token`.
    #[napi(ts_args_type = "token: string | NativeAccessToken", ts_return_type = "Promise<NativeTokenInfo>")]
    pub fn inspect<'env>(
        &self,
        env: &'env Env,
        token: TokenArgument<'env>,
    ) -> napi::Result<PromiseRaw<'env, NativeTokenInfo>> {
        let token = access_token(token);
        self.call(env, |app| async move { app.inspect(token.token.expose()).await })
    }
}

impl NativeMetaApp {
    /// This app as the renewer of a client's token: an expiring token exchanged for a new
    /// 60-day one (`fb_exchange_token`).
    pub fn renewer(&self) -> Arc<dyn TokenRenewer> {
        self.inner.renewer()
    }

    /// The promise of `call` on this app, polled on napi's runtime.
    fn call<'env, T, V, F>(
        &self,
        env: &'env Env,
        call: impl FnOnce(Arc<MetaApp>) -> F,
    ) -> napi::Result<PromiseRaw<'env, V>>
    where
        T: Send + 'static,
        V: From<T> + ToNapiValue + 'static,
        F: Future<Output = Result<T, Error>> + Send + 'static,
    {
        let app = Arc::clone(&self.inner);
        guarded(env, || settled(env, call(app)))
    }
}

/// Resolves `new MetaApp(options)`; the core judges every value (an absent ID or secret is
/// an empty one: `MissingCredentials`).
fn app_from(options: Unknown) -> Result<NativeMetaApp, Error> {
    let fields = required_object(options).and_then(|object| string_fields(Some(object), &APP_OPTION_NAMES));
    let [app_id, app_secret, graph_url, dialog_url, graph_version] =
        fields.map_err(|why| invalid("MetaApp options", &why))?;
    let app_id = app_id.unwrap_or_default();
    let options = MetaAppOptions { graph_url, dialog_url, graph_version };
    let inner = MetaApp::new(&app_id, &app_secret.unwrap_or_default(), options)?;
    Ok(NativeMetaApp { inner: Arc::new(inner), app_id })
}

/// Where an authorization starts.
#[napi(object)]
pub struct AuthorizationStart {
    /// The login dialog URL to send the user to.
    pub url: String,
    /// What to keep server-side until the callback (JSON text; secret).
    pub pending: String,
}

/// A bearer token a [`NativeMetaApp`] call gave, or one the caller stored, which the
/// `chatlane` package's `AccessToken` wraps.
#[napi]
pub struct NativeAccessToken(AccessToken);

#[napi]
impl NativeAccessToken {
    /// The token `token`, expiring at `expires_at_ms` (epoch milliseconds; `null`: never, or
    /// not known) with `scopes` granted (empty: not known). An expiry that is not a date
    /// between the years -9999 and 9999 throws a JS error carrying the `InvalidConfig` error.
    #[napi(constructor)]
    pub fn new(env: Env, token: String, expires_at_ms: Option<f64>, scopes: Vec<String>) -> napi::Result<Self> {
        let expires_at = match expires_at_ms {
            None => None,
            Some(ms) => match EXPIRY_MS.contains(&ms).then(|| at_epoch_ms(ms)).flatten() {
                Some(at) => Some(at.into()),
                None => {
                    let why = "expiresAt must be a date between the years -9999 and 9999";
                    return Err(rethrowable(&env, &invalid("AccessToken", why)));
                }
            },
        };
        Ok(Self(AccessToken { expires_at, scopes, ..AccessToken::new(token) }))
    }

    /// The token itself (secret).
    #[napi(getter)]
    pub fn token(&self) -> String {
        self.0.token.expose().to_owned()
    }

    /// When it expires, in epoch milliseconds; `null`: never, or not said.
    #[napi(getter)]
    pub fn expires_at_ms(&self) -> Option<f64> {
        self.0.expires_at.map(epoch_ms)
    }

    /// The scopes granted, when the answer named them.
    #[napi(getter)]
    pub fn scopes(&self) -> Vec<String> {
        self.0.scopes.clone()
    }
}

impl From<AccessToken> for NativeAccessToken {
    fn from(token: AccessToken) -> Self {
        Self(token)
    }
}

/// What `debug_token` says about a token, times in epoch milliseconds.
#[napi(object)]
pub struct NativeTokenInfo {
    /// The app the token belongs to.
    pub app_id: Option<String>,
    /// Meta's `type`: `USER`, `PAGE`, `APP`, `SYSTEM_USER`…
    pub kind: Option<String>,
    /// Whether the token works now.
    pub is_valid: bool,
    /// When it expires; `null`: never.
    pub expires_at_ms: Option<f64>,
    /// When it was issued.
    pub issued_at_ms: Option<f64>,
    /// The scopes granted.
    pub scopes: Vec<String>,
    /// Scopes granted on some objects only.
    pub granular_scopes: Vec<NativeGranularScope>,
    /// The user (or system user) the token acts for.
    pub user_id: Option<String>,
}

impl From<TokenInfo> for NativeTokenInfo {
    fn from(info: TokenInfo) -> Self {
        Self {
            app_id: info.app_id,
            kind: info.kind,
            is_valid: info.is_valid,
            expires_at_ms: info.expires_at.map(epoch_ms),
            issued_at_ms: info.issued_at.map(epoch_ms),
            scopes: info.scopes,
            granular_scopes: info.granular_scopes.into_iter().map(NativeGranularScope::from).collect(),
            user_id: info.user_id,
        }
    }
}

/// A scope granted on some objects only.
#[napi(object)]
pub struct NativeGranularScope {
    /// The scope, e.g. `whatsapp_business_management`.
    pub scope: String,
    /// The IDs it is granted on (a WABA's, a phone number's); empty: not limited.
    pub target_ids: Vec<String>,
}

impl From<GranularScope> for NativeGranularScope {
    fn from(granted: GranularScope) -> Self {
        Self { scope: granted.scope, target_ids: granted.target_ids }
    }
}

/// The time `ms` milliseconds after the Unix epoch (before it when negative), if the
/// platform's clock reaches it.
fn at_epoch_ms(ms: f64) -> Option<SystemTime> {
    let offset = Duration::from_millis(ms.abs() as u64);
    if ms < 0.0 { UNIX_EPOCH.checked_sub(offset) } else { UNIX_EPOCH.checked_add(offset) }
}

/// `at` in milliseconds since the Unix epoch (negative before it).
fn epoch_ms(at: impl Into<SystemTime>) -> f64 {
    match at.into().duration_since(UNIX_EPOCH) {
        Ok(since) => since.as_millis() as f64,
        Err(before) => -(before.duration().as_millis() as f64),
    }
}
