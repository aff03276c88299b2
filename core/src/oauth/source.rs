//! The token a client sends with: fixed, or renewed before it expires through a
//! [`TokenRenewer`] (Meta's `fb_exchange_token`, a `refresh_token` grant, or the caller's own).
//!
//! Renewing changes only the `Authorization` header's value: connections and pacing stay.
//! Concurrent sends that find the token due wait for one renewal and share its outcome; after
//! a failed renewal the next try waits [`RENEW_PAUSE`], and until then sends keep the current
//! token while it has not expired. The design mirrors the credentials'
//! [`CredentialCache`](crate::credentials::provider).

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use http::HeaderValue;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::time::Instant;

use super::exchange::{AccessToken, MetaOAuth, OAuthClient};
use crate::credentials::provider::REFRESH_MARGIN;
use crate::error::{Error, ErrorCode};
use crate::transport::BoxFuture;

/// How long after a failed renewal the renewer is asked again (a token marked dead is
/// renewed at once).
pub const RENEW_PAUSE: Duration = Duration::from_secs(30);

/// Gets a token to replace one that is about to expire or was refused.
pub trait TokenRenewer: Send + Sync + fmt::Debug + 'static {
    /// A new token to replace `current`, or the error that says why there is none.
    fn renew<'a>(&'a self, current: &'a AccessToken) -> BoxFuture<'a, Result<AccessToken, Error>>;
}

/// A system user's expiring token, exchanged for a new 60-day one
/// (`fb_exchange_token` with `set_token_expires_in_60_days=true`).
impl TokenRenewer for MetaOAuth {
    fn renew<'a>(&'a self, current: &'a AccessToken) -> BoxFuture<'a, Result<AccessToken, Error>> {
        Box::pin(self.long_lived(&current.token, true))
    }
}

/// The `refresh_token` grant with the current token's refresh token.
impl TokenRenewer for OAuthClient {
    fn renew<'a>(&'a self, current: &'a AccessToken) -> BoxFuture<'a, Result<AccessToken, Error>> {
        Box::pin(async move {
            let refresh_token = current.refresh_token.as_ref().ok_or_else(|| {
                Error::new(ErrorCode::InvalidGrant, "the access token has no refresh token to renew it with")
            })?;
            self.refresh(refresh_token).await
        })
    }
}

/// Called with each renewed token, to persist it.
pub type OnRenewed = Box<dyn Fn(&AccessToken) + Send + Sync>;

/// How a client's token is to be kept, as every binding receives it from its caller: the
/// token, and how to renew it. [`TokenSettings::source`] judges the combination, once for
/// every language.
#[derive(Default)]
pub struct TokenSettings {
    /// The token (with its expiry and scopes when known).
    pub token: Option<AccessToken>,
    /// Who renews it before it expires (e.g. [`super::MetaApp::renewer`]).
    pub renewer: Option<Arc<dyn TokenRenewer>>,
    /// How long before its expiry it is renewed ([`REFRESH_MARGIN`] when absent).
    pub margin: Option<Duration>,
    /// Called with each renewed token, to persist it.
    pub on_renewed: Option<OnRenewed>,
}

impl TokenSettings {
    /// The token source these settings describe; `None` when they hold nothing. Renewal
    /// settings without a token, or a margin or callback without a renewer, are
    /// [`ErrorCode::InvalidConfig`].
    pub fn source(self) -> Result<Option<TokenSource>, Error> {
        let invalid = |why: &str| Error::new(ErrorCode::InvalidConfig, why);
        let tuned = self.margin.is_some() || self.on_renewed.is_some();
        let Some(token) = self.token else {
            if self.renewer.is_some() || tuned {
                return Err(invalid("renewing a token (a renewer, a margin, a callback) needs the access token"));
            }
            return Ok(None);
        };
        let Some(renewer) = self.renewer else {
            if tuned {
                return Err(invalid("a renewal margin or callback needs a renewer (a MetaApp) to renew the token"));
            }
            return TokenSource::fixed(token).map(Some);
        };
        let mut source = TokenSource::renewing(token, renewer)?;
        if let Some(margin) = self.margin {
            source = source.with_margin(margin);
        }
        source.on_renewed = self.on_renewed;
        Ok(Some(source))
    }
}

impl fmt::Debug for TokenSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSettings")
            .field("token", &self.token)
            .field("renewer", &self.renewer)
            .field("margin", &self.margin)
            .field("on_renewed", &self.on_renewed.is_some())
            .finish()
    }
}

/// Where a client's bearer token comes from: fixed, or renewed before it expires.
pub struct TokenSource {
    renewer: Option<Arc<dyn TokenRenewer>>,
    margin: Duration,
    on_renewed: Option<OnRenewed>,
    state: RwLock<State>,
    /// Held while the renewer is asked (and while [`TokenSource::set`] replaces the token).
    renewing: tokio::sync::Mutex<()>,
}

/// The token in use and the last failed renewal.
#[derive(Clone)]
struct State {
    current: Arc<Held>,
    failure: Option<(Instant, Error)>,
}

/// A token in use, its header and its lifetime on the monotonic clock.
struct Held {
    token: AccessToken,
    header: HeaderValue,
    received: Instant,
    expires: Option<Instant>,
    /// Refused by the platform (Meta code 190).
    dead: AtomicBool,
}

impl TokenSource {
    /// A token used as is until replaced with [`Self::set`]; once past its `expires_at`, or
    /// marked dead, sends fail with [`ErrorCode::TokenExpired`].
    pub fn fixed(token: AccessToken) -> Result<Self, Error> {
        Self::with_renewer(token, None)
    }

    /// A token renewed by `renewer` when it has less than the margin left (by default
    /// [`REFRESH_MARGIN`]), or when marked dead.
    pub fn renewing(token: AccessToken, renewer: Arc<dyn TokenRenewer>) -> Result<Self, Error> {
        Self::with_renewer(token, Some(renewer))
    }

    fn with_renewer(token: AccessToken, renewer: Option<Arc<dyn TokenRenewer>>) -> Result<Self, Error> {
        let state = State { current: Arc::new(Held::new(token)?), failure: None };
        Ok(Self {
            renewer,
            margin: REFRESH_MARGIN,
            on_renewed: None,
            state: RwLock::new(state),
            renewing: tokio::sync::Mutex::new(()),
        })
    }

    /// Renews the token when it has less than `margin` left (e.g. 15 days for a 60-day token,
    /// renewed at day 45). Never before half its lifetime has passed, so a token shorter than
    /// twice the margin is not renewed at every send.
    pub fn with_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Calls `callback` with each renewed token, once per renewal, to persist it.
    pub fn on_renewed(mut self, callback: impl Fn(&AccessToken) + Send + Sync + 'static) -> Self {
        self.on_renewed = Some(Box::new(callback));
        self
    }

    /// The `Authorization` header a send uses (`Bearer …`, marked sensitive): the current
    /// token's, renewed first when due. [`ErrorCode::TokenExpired`] when the token expired or
    /// was marked dead and no new one could be had.
    pub async fn authorization(&self) -> Result<HeaderValue, Error> {
        let Some(renewer) = &self.renewer else { return self.current().usable() };
        if let Some(header) = self.ready() {
            return Ok(header);
        }
        let _one_at_a_time = self.renewing.lock().await;
        if let Some(header) = self.ready() {
            return Ok(header);
        }
        let State { current, failure } = self.state();
        match failure.filter(|(at, _)| Instant::now() < *at + RENEW_PAUSE) {
            // A renewal failed moments ago, perhaps while this call waited: its outcome is this call's.
            Some((_, error)) => current.usable().map_err(|why| renewal_failed(&why, &error)),
            None => self.renew(renewer.as_ref(), current).await,
        }
    }

    /// The token in use.
    pub fn token(&self) -> AccessToken {
        self.current().token.clone()
    }

    /// Replaces the token (waiting for a renewal under way to end).
    pub async fn set(&self, token: AccessToken) -> Result<(), Error> {
        let held = Held::new(token)?;
        let _one_at_a_time = self.renewing.lock().await;
        self.store(State { current: Arc::new(held), failure: None });
        Ok(())
    }

    /// Marks the token behind `used` (a header from [`Self::authorization`]) dead, after the
    /// platform refused it as expired or revoked (Meta code 190): the next send renews it, or
    /// fails with [`ErrorCode::TokenExpired`]. A header of a token since replaced is ignored.
    pub fn mark_dead(&self, used: &HeaderValue) {
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        if state.current.header == used {
            state.current.dead.store(true, Ordering::SeqCst);
            state.failure = None;
        }
    }

    /// The current header if the token is usable and not due for renewal (or due, but a
    /// renewal failed less than [`RENEW_PAUSE`] ago).
    fn ready(&self) -> Option<HeaderValue> {
        let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        if state.current.problem(now).is_some() {
            return None;
        }
        let before_renewal = state.current.renew_at(self.margin).is_none_or(|at| now < at);
        let pausing = state.failure.as_ref().is_some_and(|(at, _)| now < *at + RENEW_PAUSE);
        (before_renewal || pausing).then(|| state.current.header.clone())
    }

    /// Asks the renewer (the caller holds `renewing`): a new token is stored and handed to
    /// `on_renewed` (a panic there is logged, never the send's); on failure the current one
    /// serves while it can.
    async fn renew(&self, renewer: &dyn TokenRenewer, current: Arc<Held>) -> Result<HeaderValue, Error> {
        match renewer.renew(&current.token).await.and_then(|token| Held::renewed(token, &current.token)) {
            Ok(held) => {
                let held = Arc::new(held);
                self.store(State { current: Arc::clone(&held), failure: None });
                if let Some(callback) = &self.on_renewed {
                    crate::observe::shielded("on_renewed", || callback(&held.token));
                }
                Ok(held.header.clone())
            }
            Err(error) => {
                let outcome = current.usable().map_err(|why| renewal_failed(&why, &error));
                self.state.write().unwrap_or_else(PoisonError::into_inner).failure = Some((Instant::now(), error));
                outcome
            }
        }
    }

    fn state(&self) -> State {
        self.state.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn current(&self) -> Arc<Held> {
        Arc::clone(&self.state.read().unwrap_or_else(PoisonError::into_inner).current)
    }

    fn store(&self, state: State) {
        *self.state.write().unwrap_or_else(PoisonError::into_inner) = state;
    }
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSource")
            .field("token", &self.current().token)
            .field("renewer", &self.renewer)
            .field("margin", &self.margin)
            .finish_non_exhaustive()
    }
}

impl Held {
    fn new(token: AccessToken) -> Result<Self, Error> {
        if token.token.expose().trim().is_empty() {
            return Err(Error::new(ErrorCode::MissingCredentials, "the access token is empty"));
        }
        let mut header = HeaderValue::from_str(&format!("Bearer {}", token.token.expose())).map_err(|_| {
            Error::new(ErrorCode::InvalidConfig, "the access token holds characters an HTTP header cannot carry")
        })?;
        header.set_sensitive(true);
        let received = Instant::now();
        let left = |at: OffsetDateTime| Duration::try_from(at - OffsetDateTime::now_utc()).unwrap_or_default();
        let expires = token.expires_at.map(|at| received + left(at));
        Ok(Self { token, header, received, expires, dead: AtomicBool::new(false) })
    }

    /// A renewer's token: it keeps the scopes of the one it replaces unless it names its own
    /// (RFC 6749 §5.1), and must not be expired already.
    fn renewed(mut token: AccessToken, previous: &AccessToken) -> Result<Self, Error> {
        if token.scopes.is_empty() {
            token.scopes.clone_from(&previous.scopes);
        }
        let held = Self::new(token)?;
        match held.problem(Instant::now()) {
            Some(why) => Err(Error::new(ErrorCode::TokenExpired, format!("the renewed token cannot be used: {why}"))),
            None => Ok(held),
        }
    }

    /// When to renew: `margin` before expiry, but not before half the lifetime.
    fn renew_at(&self, margin: Duration) -> Option<Instant> {
        self.expires.map(|end| end - margin.min((end - self.received) / 2))
    }

    /// Why the token cannot be sent at `now`, if it cannot.
    fn problem(&self, now: Instant) -> Option<String> {
        if self.dead.load(Ordering::SeqCst) {
            return Some("the access token was refused as expired or revoked (Meta code 190)".to_owned());
        }
        let expired = self.expires.is_some_and(|end| now >= end);
        expired.then(|| {
            let at = self.token.expires_at.and_then(|at| at.format(&Rfc3339).ok()).unwrap_or_default();
            format!("the access token expired at {at}")
        })
    }

    /// The header, or [`ErrorCode::TokenExpired`] saying why the token cannot be sent.
    fn usable(&self) -> Result<HeaderValue, Error> {
        match self.problem(Instant::now()) {
            Some(why) => Err(Error::new(ErrorCode::TokenExpired, why)),
            None => Ok(self.header.clone()),
        }
    }
}

/// [`ErrorCode::TokenExpired`]: the token cannot be sent (`why`) and `error` kept the
/// renewer from replacing it.
fn renewal_failed(why: &Error, error: &Error) -> Error {
    Error::new(ErrorCode::TokenExpired, format!("{}, and renewing it failed: {error}", why.message()))
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::sync::atomic::AtomicUsize;

    use super::*;
    use crate::credentials::Secret;
    use crate::oauth::fake::FakeTransport;
    use crate::oauth::{AppCredentials, MetaHost};

    const HOUR: Duration = Duration::from_secs(3600);

    /// Hands out `tok-1`, `tok-2`… each valid for `lifetime`, or fails while `failing`.
    #[derive(Debug)]
    struct Counting {
        calls: AtomicUsize,
        lifetime: Duration,
        failing: Mutex<bool>,
    }

    impl TokenRenewer for Counting {
        fn renew<'a>(&'a self, _current: &'a AccessToken) -> BoxFuture<'a, Result<AccessToken, Error>> {
            Box::pin(async move {
                // A renewal takes time: sends arriving meanwhile wait for it.
                tokio::time::sleep(Duration::from_millis(10)).await;
                let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
                if *self.failing.lock().unwrap() {
                    return Err(Error::new(ErrorCode::Server, format!("the renewer is down (call {n})")));
                }
                Ok(expiring(&format!("tok-{n}"), self.lifetime))
            })
        }
    }

    fn expiring(token: &str, lifetime: Duration) -> AccessToken {
        AccessToken { expires_at: Some(OffsetDateTime::now_utc() + lifetime), ..AccessToken::new(token) }
    }

    fn renewing(lifetime: Duration) -> (Arc<Counting>, TokenSource) {
        let renewer = Arc::new(Counting { calls: AtomicUsize::new(0), lifetime, failing: Mutex::new(false) });
        let source = TokenSource::renewing(expiring("tok-0", lifetime), renewer.clone()).unwrap();
        (renewer, source)
    }

    #[test]
    fn settings_are_judged_once_for_every_binding() {
        let renewer = || -> Arc<dyn TokenRenewer> {
            Arc::new(Counting { calls: AtomicUsize::new(0), lifetime: HOUR, failing: Mutex::new(false) })
        };
        let callback = || Some(Box::new(|_: &AccessToken| {}) as OnRenewed);
        let token = || Some(AccessToken::new("t0k3n"));
        assert!(TokenSettings::default().source().unwrap().is_none());
        assert!(TokenSettings { token: token(), ..TokenSettings::default() }.source().unwrap().is_some());
        let renewing =
            TokenSettings { token: token(), renewer: Some(renewer()), margin: Some(HOUR), on_renewed: callback() };
        assert!(renewing.source().unwrap().is_some());
        let refused = [
            TokenSettings { renewer: Some(renewer()), ..TokenSettings::default() },
            TokenSettings { on_renewed: callback(), ..TokenSettings::default() },
            TokenSettings { token: token(), margin: Some(HOUR), ..TokenSettings::default() },
            TokenSettings { token: token(), on_renewed: callback(), ..TokenSettings::default() },
        ];
        for settings in refused {
            let shown = format!("{settings:?}");
            assert!(!shown.contains("t0k3n"), "{shown}");
            let error = settings.source().unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidConfig, "{shown}: {error}");
        }
    }

    async fn bearer(source: &TokenSource) -> String {
        source.authorization().await.unwrap().to_str().unwrap().to_owned()
    }

    #[tokio::test(start_paused = true)]
    async fn the_token_is_renewed_within_the_margin_before_expiry() {
        let (renewer, source) = renewing(HOUR);
        let header = source.authorization().await.unwrap();
        assert!(header.is_sensitive());
        assert_eq!(header, "Bearer tok-0");
        tokio::time::advance(HOUR - REFRESH_MARGIN - Duration::from_secs(1)).await;
        assert_eq!(bearer(&source).await, "Bearer tok-0");
        assert_eq!(renewer.calls.load(Ordering::SeqCst), 0);
        tokio::time::advance(Duration::from_secs(2)).await;
        assert_eq!(bearer(&source).await, "Bearer tok-1", "within the margin: renewed");
        assert_eq!(source.token().token.expose(), "tok-1");
    }

    #[tokio::test(start_paused = true)]
    async fn the_margin_is_configurable_but_never_more_than_half_the_lifetime() {
        let renewer = Arc::new(Counting { calls: AtomicUsize::new(0), lifetime: HOUR, failing: Mutex::new(false) });
        let day = Duration::from_secs(86_400);
        let long = expiring("tok-0", 60 * day);
        let source = TokenSource::renewing(long, renewer.clone()).unwrap().with_margin(15 * day);
        tokio::time::advance(45 * day - Duration::from_secs(1)).await;
        assert_eq!(bearer(&source).await, "Bearer tok-0");
        tokio::time::advance(Duration::from_secs(2)).await;
        assert_eq!(bearer(&source).await, "Bearer tok-1", "day 45 of 60");
        // tok-1 lives an hour: with a 15-day margin it is renewed at half its life, not at once.
        assert_eq!(bearer(&source).await, "Bearer tok-1");
        tokio::time::advance(HOUR / 2 + Duration::from_secs(1)).await;
        assert_eq!(bearer(&source).await, "Bearer tok-2");
        assert_eq!(renewer.calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_sends_wait_for_one_renewal() {
        let (renewer, source) = renewing(HOUR);
        let renewals = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&renewals);
        let source =
            Arc::new(source.on_renewed(move |token| seen.lock().unwrap().push(token.token.expose().to_owned())));
        tokio::time::advance(HOUR - REFRESH_MARGIN).await;
        let sends: Vec<_> = (0..16)
            .map(|_| {
                let source = Arc::clone(&source);
                tokio::spawn(async move { bearer(&source).await })
            })
            .collect();
        for send in sends {
            assert_eq!(send.await.unwrap(), "Bearer tok-1");
        }
        assert_eq!(renewer.calls.load(Ordering::SeqCst), 1, "one renewal for all");
        tokio::time::advance(HOUR - REFRESH_MARGIN).await;
        assert_eq!(bearer(&source).await, "Bearer tok-2");
        assert_eq!(*renewals.lock().unwrap(), ["tok-1", "tok-2"], "on_renewed once per renewal");
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_renewal_is_bridged_paused_and_shared_until_the_token_expires() {
        let (renewer, source) = renewing(HOUR);
        *renewer.failing.lock().unwrap() = true;
        let source = Arc::new(source);
        tokio::time::advance(HOUR - Duration::from_secs(60)).await;
        let sends: Vec<_> = (0..8)
            .map(|_| {
                let source = Arc::clone(&source);
                tokio::spawn(async move { bearer(&source).await })
            })
            .collect();
        for send in sends {
            assert_eq!(send.await.unwrap(), "Bearer tok-0", "not expired yet: still sent");
        }
        assert_eq!(renewer.calls.load(Ordering::SeqCst), 1, "waiters share the failure");
        assert_eq!(bearer(&source).await, "Bearer tok-0");
        assert_eq!(renewer.calls.load(Ordering::SeqCst), 1, "no new try within the pause");
        tokio::time::advance(RENEW_PAUSE).await;
        assert_eq!(bearer(&source).await, "Bearer tok-0");
        assert_eq!(renewer.calls.load(Ordering::SeqCst), 2, "asked again after the pause");
        tokio::time::advance(Duration::from_secs(30)).await;
        let error = source.authorization().await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::TokenExpired);
        assert!(error.message().contains("expired at") && error.message().contains("the renewer is down"), "{error}");
        *renewer.failing.lock().unwrap() = false;
        tokio::time::advance(RENEW_PAUSE).await;
        assert_eq!(bearer(&source).await, "Bearer tok-4");
    }

    #[tokio::test(start_paused = true)]
    async fn a_dead_token_is_renewed_at_once_or_fails_as_expired() {
        let (renewer, source) = renewing(HOUR);
        let used = source.authorization().await.unwrap();
        source.mark_dead(&used);
        assert_eq!(bearer(&source).await, "Bearer tok-1", "renewed although far from expiry");
        source.mark_dead(&used);
        assert_eq!(bearer(&source).await, "Bearer tok-1", "an old header does not kill the new token");
        *renewer.failing.lock().unwrap() = true;
        source.mark_dead(&source.authorization().await.unwrap());
        let error = source.authorization().await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::TokenExpired);
        assert!(error.message().contains("refused as expired or revoked"), "{error}");
        assert!(error.message().contains("the renewer is down"), "{error}");
        source.set(AccessToken::new("tok-mine")).await.unwrap();
        assert_eq!(bearer(&source).await, "Bearer tok-mine");
    }

    #[tokio::test(start_paused = true)]
    async fn a_fixed_token_is_never_renewed_and_fails_once_dead_or_expired() {
        let source = TokenSource::fixed(AccessToken::new("EAAG-fixed")).unwrap();
        tokio::time::advance(HOUR * 24 * 365).await;
        let used = source.authorization().await.unwrap();
        assert_eq!(used, "Bearer EAAG-fixed");
        source.mark_dead(&used);
        let error = source.authorization().await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::TokenExpired);
        assert!(!error.message().contains("EAAG-fixed"));
        let expiring = TokenSource::fixed(expiring("EAAG-60d", HOUR)).unwrap();
        tokio::time::advance(HOUR).await;
        assert_eq!(expiring.authorization().await.unwrap_err().code(), ErrorCode::TokenExpired);
        assert_eq!(TokenSource::fixed(AccessToken::new(" ")).unwrap_err().code(), ErrorCode::MissingCredentials);
        assert_eq!(TokenSource::fixed(AccessToken::new("a\nb")).unwrap_err().code(), ErrorCode::InvalidConfig);
    }

    #[tokio::test(start_paused = true)]
    async fn meta_renews_with_a_sixty_day_exchange_and_keeps_the_scopes() {
        let answer = r#"{"access_token":"EAAG-new","token_type":"bearer","expires_in":5184000}"#;
        let transport = Arc::new(FakeTransport::answering(&[(200, answer)]));
        let app = AppCredentials::new("1234", "app-secret").unwrap();
        let meta = Arc::new(MetaOAuth::new(app, MetaHost::graph(), transport.clone()));
        let old = AccessToken { scopes: vec!["whatsapp_business_messaging".into()], ..expiring("EAAG-old", HOUR) };
        let source = TokenSource::renewing(old, meta).unwrap();
        tokio::time::advance(HOUR - REFRESH_MARGIN).await;
        assert_eq!(bearer(&source).await, "Bearer EAAG-new");
        assert_eq!(source.token().scopes, ["whatsapp_business_messaging"]);
        assert_eq!(transport.field(0, "fb_exchange_token").as_deref(), Some("EAAG-old"));
        assert_eq!(transport.field(0, "set_token_expires_in_60_days").as_deref(), Some("true"));
    }

    #[tokio::test(start_paused = true)]
    async fn the_refresh_grant_renews_a_token_that_has_a_refresh_token() {
        let answer = r#"{"access_token":"at-2","token_type":"Bearer","expires_in":3600}"#;
        let transport = Arc::new(FakeTransport::answering(&[(200, answer)]));
        let app = AppCredentials::new("client", "secret").unwrap();
        let oauth = Arc::new(OAuthClient::new(app, "https://login.example/token", transport.clone()).unwrap());
        let token = AccessToken { refresh_token: Some(Secret::new("rt-1")), ..AccessToken::new("at-1") };
        let source = TokenSource::renewing(token, oauth.clone()).unwrap();
        source.mark_dead(&source.authorization().await.unwrap());
        assert_eq!(bearer(&source).await, "Bearer at-2");
        assert_eq!(source.token().refresh_token, Some(Secret::new("rt-1")));
        let without = TokenSource::renewing(AccessToken::new("at-1"), oauth).unwrap();
        without.mark_dead(&without.authorization().await.unwrap());
        let error = without.authorization().await.unwrap_err();
        assert!(error.message().contains("no refresh token"), "{error}");
    }

    #[tokio::test]
    async fn debug_hides_the_token() {
        let token = AccessToken { refresh_token: Some(Secret::new("rt-s3cret")), ..AccessToken::new("EAAG-s3cret") };
        let (_, source) = renewing(HOUR);
        source.set(token).await.unwrap();
        let header = source.authorization().await.unwrap();
        let shown = format!("{source:?} {header:?} {:?}", source.token());
        assert!(!shown.contains("s3cret"), "{shown}");
    }
}
