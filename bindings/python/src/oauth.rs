//! Meta's OAuth for one app: `MetaApp` (the login dialog's URL, the code exchanges, the
//! long-lived exchange, `debug_token`) and what it hands back, `AccessToken` and `TokenInfo`.
//! Each call that reaches Meta blocks with the interpreter released, or runs as a coroutine
//! (its `_async` twin), like `Client.send`; the operation behind both is built once
//! ([`MetaApp::code_exchange`] and its siblings). And a Meta client's token source
//! ([`take_token_source`]): an `AccessToken` renewed by a `MetaApp` before it expires.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chatlane_core::Error;
use chatlane_core::oauth::{self, MetaAppOptions, PendingAuthorization, TokenSource};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

use crate::aio::LoopCompletions;
use crate::{blocking, errors, guarded, host, observe, repr};

/// One Meta app's OAuth, with its own connections. Safe to share between threads and asyncio
/// tasks.
#[pyclass(frozen, module = "chatlane")]
pub struct MetaApp {
    app: Arc<oauth::MetaApp>,
    /// The app's ID, for `repr()` (the secret stays in the core's app).
    app_id: String,
    /// The asyncio completions of the event loop the coroutines last ran in.
    completions: LoopCompletions,
}

#[pymethods]
impl MetaApp {
    /// The app `app_id` with its secret, calling Meta's hosts (or `graph_url`, `dialog_url`) at
    /// chatlane's Graph version (or `graph_version`). Raises `ConfigurationError` for an empty
    /// ID or secret, a host that is not HTTPS (or HTTP on loopback), or a malformed version.
    #[new]
    #[pyo3(signature = (app_id, app_secret, *, graph_url=None, dialog_url=None, graph_version=None))]
    fn new(
        py: Python<'_>,
        app_id: String,
        app_secret: String,
        graph_url: Option<String>,
        dialog_url: Option<String>,
        graph_version: Option<String>,
    ) -> PyResult<Self> {
        guarded(py, || {
            let options = MetaAppOptions { graph_url, dialog_url, graph_version };
            let app = oauth::MetaApp::new(&app_id, &app_secret, options).map_err(|e| errors::to_pyerr(py, &e))?;
            Ok(Self { app: Arc::new(app), app_id, completions: LoopCompletions::default() })
        })
    }

    /// The login dialog's URL asking for `scopes` and coming back to `redirect_uri`, and the
    /// pending authorization to keep server-side until the callback (JSON text holding the
    /// PKCE verifier: never show or log it).
    fn authorization_url(
        &self,
        py: Python<'_>,
        redirect_uri: String,
        scopes: Vec<String>,
    ) -> PyResult<(String, String)> {
        guarded(py, || {
            let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
            let (url, pending) =
                self.app.authorization_url(&redirect_uri, &scopes).map_err(|e| errors::to_pyerr(py, &e))?;
            Ok((url, pending.to_json()))
        })
    }

    /// The token for the callback whose query string is `callback_query`, checked against
    /// `pending` (from `authorization_url`), blocking this thread (not the interpreter).
    fn exchange_callback(&self, py: Python<'_>, pending: String, callback_query: String) -> PyResult<AccessToken> {
        guarded(py, || blocking(py, self.callback_exchange(py, &pending, callback_query)?))
    }

    /// `exchange_callback` as a coroutine: the exchange starts when it is first awaited.
    fn exchange_callback_async<'py>(
        &self,
        py: Python<'py>,
        pending: String,
        callback_query: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        guarded(py, || self.completions.coroutine(py, self.callback_exchange(py, &pending, callback_query)?))
    }

    /// The token for a code obtained without a redirect (Embedded Signup's popup), blocking.
    fn exchange_code(&self, py: Python<'_>, code: String) -> PyResult<AccessToken> {
        guarded(py, || blocking(py, self.code_exchange(code)))
    }

    /// `exchange_code` as a coroutine.
    fn exchange_code_async<'py>(&self, py: Python<'py>, code: String) -> PyResult<Bound<'py, PyAny>> {
        guarded(py, || self.completions.coroutine(py, self.code_exchange(code)))
    }

    /// A long-lived (about 60 days) token for `token` (an `AccessToken` or the token itself),
    /// blocking.
    fn long_lived(&self, py: Python<'_>, token: &Bound<'_, PyAny>) -> PyResult<AccessToken> {
        guarded(py, || blocking(py, self.long_lived_exchange(secret(token)?)))
    }

    /// `long_lived` as a coroutine.
    fn long_lived_async<'py>(&self, py: Python<'py>, token: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        guarded(py, || self.completions.coroutine(py, self.long_lived_exchange(secret(token)?)))
    }

    /// What Meta says about `token` (an `AccessToken` or the token itself), blocking.
    fn inspect(&self, py: Python<'_>, token: &Bound<'_, PyAny>) -> PyResult<TokenInfo> {
        guarded(py, || blocking(py, self.inspection(secret(token)?)))
    }

    /// `inspect` as a coroutine.
    fn inspect_async<'py>(&self, py: Python<'py>, token: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        guarded(py, || self.completions.coroutine(py, self.inspection(secret(token)?)))
    }

    /// Shows the app ID; never the secret.
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        guarded(py, || repr::call_like("MetaApp", &[("app_id", repr::value(py, &self.app_id)?)]))
    }
}

impl MetaApp {
    /// The exchange of a callback against `pending` (its JSON text, else `ConfigurationError`).
    fn callback_exchange(
        &self,
        py: Python<'_>,
        pending: &str,
        query: String,
    ) -> PyResult<impl Future<Output = Result<AccessToken, Error>> + Send + 'static> {
        let pending = PendingAuthorization::from_json(pending).map_err(|e| errors::to_pyerr(py, &e))?;
        let app = Arc::clone(&self.app);
        Ok(async move { app.exchange_callback(&pending, &query).await.map(AccessToken) })
    }

    /// The exchange of a code obtained without a redirect.
    fn code_exchange(&self, code: String) -> impl Future<Output = Result<AccessToken, Error>> + Send + 'static {
        let app = Arc::clone(&self.app);
        async move { app.exchange_code(&code).await.map(AccessToken) }
    }

    /// The exchange of `token` for a long-lived one.
    fn long_lived_exchange(&self, token: String) -> impl Future<Output = Result<AccessToken, Error>> + Send + 'static {
        let app = Arc::clone(&self.app);
        async move { app.long_lived(&token).await.map(AccessToken) }
    }

    /// `debug_token` of `token`.
    fn inspection(&self, token: String) -> impl Future<Output = Result<TokenInfo, Error>> + Send + 'static {
        let app = Arc::clone(&self.app);
        async move { app.inspect(&token).await.map(TokenInfo) }
    }
}

/// A bearer token as Meta gave it. `repr()` shows its expiry and scopes, never the token.
#[pyclass(frozen, module = "chatlane")]
pub struct AccessToken(oauth::AccessToken);

#[pymethods]
impl AccessToken {
    /// A token from its parts, e.g. one `on_token_renewed` handed over and the app stored:
    /// `expires_at` an aware `datetime` or POSIX seconds, `scopes` those granted (empty:
    /// unknown).
    #[new]
    #[pyo3(signature = (token, *, expires_at=None, scopes=Vec::new()))]
    fn new(token: String, expires_at: Option<&Bound<'_, PyAny>>, scopes: Vec<String>) -> PyResult<Self> {
        let mut token = oauth::AccessToken { scopes, ..oauth::AccessToken::new(token) };
        if let Some(at) = expires_at {
            token.expires_at = Some(host::expiry(at)?.into());
        }
        Ok(Self(token))
    }

    /// The token itself, a secret: read it only to use or store it.
    #[getter]
    fn token(&self) -> &str {
        self.0.token.expose()
    }

    /// When it expires, an aware `datetime` in UTC; `None`: never, or not said.
    #[getter]
    fn expires_at<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        aware(py, self.0.expires_at.map(|at| at.unix_timestamp()))
    }

    /// The scopes granted, when the answer named them.
    #[getter]
    fn scopes(&self) -> Vec<String> {
        self.0.scopes.clone()
    }

    /// Shows the expiry and the scopes; never the token.
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr::call_like(
            "AccessToken",
            &[("expires_at", repr::value(py, self.expires_at(py)?)?), ("scopes", repr::value(py, self.scopes())?)],
        )
    }
}

/// What Meta's `debug_token` says about a token.
#[pyclass(frozen, module = "chatlane")]
pub struct TokenInfo(oauth::TokenInfo);

#[pymethods]
impl TokenInfo {
    /// The app the token belongs to.
    #[getter]
    fn app_id(&self) -> Option<&str> {
        self.0.app_id.as_deref()
    }

    /// Meta's `type`: `USER`, `PAGE`, `APP`, `SYSTEM_USER`…
    #[getter]
    fn kind(&self) -> Option<&str> {
        self.0.kind.as_deref()
    }

    /// Whether the token works now.
    #[getter]
    fn is_valid(&self) -> bool {
        self.0.is_valid
    }

    /// When it expires (aware, UTC); `None`: never.
    #[getter]
    fn expires_at<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        aware(py, self.0.expires_at.map(|at| at.unix_timestamp()))
    }

    /// When it was issued (aware, UTC).
    #[getter]
    fn issued_at<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        aware(py, self.0.issued_at.map(|at| at.unix_timestamp()))
    }

    /// The scopes granted.
    #[getter]
    fn scopes(&self) -> Vec<String> {
        self.0.scopes.clone()
    }

    /// The scopes granted on some objects only (WhatsApp Business Accounts, numbers).
    #[getter]
    fn granular_scopes(&self) -> Vec<GranularScope> {
        let granted = self.0.granular_scopes.iter();
        granted.map(|g| GranularScope { scope: g.scope.clone(), target_ids: g.target_ids.clone() }).collect()
    }

    /// The user (or system user) the token acts for.
    #[getter]
    fn user_id(&self) -> Option<&str> {
        self.0.user_id.as_deref()
    }

    /// Shows every field (none is secret).
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr::call_like(
            "TokenInfo",
            &[
                ("app_id", repr::value(py, self.app_id())?),
                ("kind", repr::value(py, self.kind())?),
                ("is_valid", repr::value(py, self.is_valid())?),
                ("expires_at", repr::value(py, self.expires_at(py)?)?),
                ("issued_at", repr::value(py, self.issued_at(py)?)?),
                ("scopes", repr::value(py, self.scopes())?),
                ("granular_scopes", repr::value(py, self.granular_scopes())?),
                ("user_id", repr::value(py, self.user_id())?),
            ],
        )
    }
}

/// A scope granted on some objects only.
#[pyclass(frozen, eq, get_all, module = "chatlane")]
#[derive(PartialEq, Eq)]
pub struct GranularScope {
    /// The scope, e.g. `whatsapp_business_messaging`.
    scope: String,
    /// The IDs it is granted on (a WABA's, a phone number's); empty: not limited.
    target_ids: Vec<String>,
}

#[pymethods]
impl GranularScope {
    /// Shows both fields.
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr::call_like(
            "GranularScope",
            &[("scope", repr::value(py, &self.scope)?), ("target_ids", repr::value(py, &self.target_ids)?)],
        )
    }
}

/// The token `token` holds: an `AccessToken`'s, or a string itself (else `TypeError`).
fn secret(token: &Bound<'_, PyAny>) -> PyResult<String> {
    token_of(token).map(|token| token.token.expose().to_owned())
}

/// `token` as the core's token: an `AccessToken`'s, or a string known only by its value
/// (else `TypeError`).
pub fn token_of(token: &Bound<'_, PyAny>) -> PyResult<oauth::AccessToken> {
    core_token(token).ok_or_else(|| {
        let found = token.get_type().name().map_or_else(|_| "this value".to_owned(), |name| name.to_string());
        pyo3::exceptions::PyTypeError::new_err(format!("token must be a chatlane.AccessToken or a str, not {found}"))
    })
}

/// `token` as the core's token, if it is an `AccessToken` or a string.
fn core_token(token: &Bound<'_, PyAny>) -> Option<oauth::AccessToken> {
    match token.cast::<AccessToken>() {
        Ok(token) => Some(token.get().0.clone()),
        Err(_) => token.extract::<String>().ok().map(oauth::AccessToken::new),
    }
}

/// Takes a Meta client's token source out of a `Client`'s `options`: `access_token` as an
/// `AccessToken` (its expiry and scopes reach the core), renewed through `renew_with` (a
/// `MetaApp`) `token_renewal_margin` seconds before it expires, each new token handed to
/// `on_token_renewed`. `None` when none of these is given: a string `access_token` is left
/// for the core to read. The renewal options without a token, or `on_token_renewed` and
/// `token_renewal_margin` without `renew_with`, are a `ConfigurationError`.
pub fn take_token_source(py: Python<'_>, options: Option<&Bound<'_, PyDict>>) -> PyResult<Option<TokenSource>> {
    let Some(options) = options else { return Ok(None) };
    let renewer = host::pop(options, "renew_with")?
        .map(|app| match app.cast::<MetaApp>() {
            Ok(app) => Ok(app.get().app.renewer()),
            Err(_) => Err(host::wrong(py, "renew_with", "a chatlane.MetaApp")),
        })
        .transpose()?;
    let on_renewed = host::pop_callable(Some(options), "on_token_renewed")?;
    let margin = host::pop(options, "token_renewal_margin")?
        .map(|margin| {
            let seconds = margin.extract::<f64>().ok();
            let margin = seconds.and_then(|seconds| Duration::try_from_secs_f64(seconds).ok());
            margin.ok_or_else(|| host::wrong(py, "token_renewal_margin", "a finite, non-negative number of seconds"))
        })
        .transpose()?;
    let renewing = renewer.is_some() || on_renewed.is_some() || margin.is_some();
    let token = match options.get_item("access_token")?.filter(|token| !token.is_none()) {
        Some(token) if renewing || token.is_instance_of::<AccessToken>() => {
            options.del_item("access_token")?;
            Some(core_token(&token).ok_or_else(|| host::wrong(py, "access_token", "a chatlane.AccessToken or a str"))?)
        }
        _ => None,
    };
    let on_renewed = on_renewed.map(|callback| Box::new(renewed(callback.unbind())) as oauth::OnRenewed);
    let settings = oauth::TokenSettings { token, renewer, margin, on_renewed };
    settings.source().map_err(|e| errors::to_pyerr(py, &e))
}

/// `on_token_renewed` as the core's callback: called like a hook ([`observe::call`]) with the
/// new `AccessToken`, on the thread driving the send (the core logs a panic, never carrying it
/// into the send).
fn renewed(callback: Py<PyAny>) -> impl Fn(&oauth::AccessToken) + Send + Sync + 'static {
    move |token| observe::call(&callback, AccessToken(token.clone()))
}

/// POSIX `seconds` as an aware `datetime` in UTC.
fn aware(py: Python<'_>, seconds: Option<i64>) -> PyResult<Option<Bound<'_, PyAny>>> {
    static DATETIME: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    static TIMEZONE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let Some(seconds) = seconds else { return Ok(None) };
    let utc = TIMEZONE.import(py, "datetime", "timezone")?.getattr(intern!(py, "utc"))?;
    DATETIME.import(py, "datetime", "datetime")?.call_method1(intern!(py, "fromtimestamp"), (seconds, utc)).map(Some)
}
