//! Credentials that change: a [`CredentialsProvider`] (an ECS instance's RAM role, a
//! caller's callback) is asked before the first send and again before the credentials it
//! gave expire. Clients keep their connections and pacing across the change.

use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use super::Credentials;
use crate::error::Error;
use crate::transport::BoxFuture;

/// How long before their expiry credentials are replaced: a send never signs with
/// credentials that have less than this left.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// The error for credentials a provider did not give (`MissingCredentials`): `from` names
/// the provider (e.g. `the ECS RAM role`), `why` says what went wrong. Every provider,
/// the bindings' callbacks included, reports its failures with it.
pub fn unavailable(from: &str, why: &str) -> Error {
    Error::new(crate::ErrorCode::MissingCredentials, format!("no credentials from {from}: {why}"))
}

/// Credentials and when they stop working (`None`: never).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expiring {
    /// The credentials.
    pub credentials: Credentials,
    /// When they expire (an STS token's `Expiration`).
    pub expires_at: Option<SystemTime>,
}

/// Gives fresh credentials when asked: before a client's first send, and whenever the ones
/// it gave last have less than [`REFRESH_MARGIN`] left. A client asks one question at a time.
pub trait CredentialsProvider: Send + Sync + fmt::Debug + 'static {
    /// Fresh credentials, or the error that says why there are none.
    fn fetch(&self) -> BoxFuture<'_, Result<Expiring, Error>>;
}

/// Where a client's credentials come from.
#[derive(Clone, Debug)]
pub enum CredentialSource {
    /// These, until replaced with `set_credentials`.
    Fixed(Credentials),
    /// Asked for, and asked again before they expire.
    Provider(Arc<dyn CredentialsProvider>),
}

impl From<Credentials> for CredentialSource {
    fn from(credentials: Credentials) -> Self {
        Self::Fixed(credentials)
    }
}

/// The credentials a client signs with now, and when to ask its provider again.
#[derive(Debug)]
pub(crate) struct CredentialCache {
    provider: Option<Arc<dyn CredentialsProvider>>,
    current: RwLock<Option<Held>>,
    /// Held while the provider is asked, so concurrent sends ask once.
    refreshing: tokio::sync::Mutex<()>,
}

/// Credentials in use and the moment they stop being usable (expiry, less the margin).
#[derive(Debug, Clone)]
struct Held {
    credentials: Arc<Credentials>,
    /// `None`: fixed (set by the caller, or never expiring).
    expires: Option<Instant>,
}

impl CredentialCache {
    pub(crate) fn new(source: CredentialSource) -> Self {
        let (provider, current) = match source {
            CredentialSource::Fixed(credentials) => {
                (None, Some(Held { credentials: Arc::new(credentials), expires: None }))
            }
            CredentialSource::Provider(provider) => (Some(provider), None),
        };
        Self { provider, current: RwLock::new(current), refreshing: tokio::sync::Mutex::new(()) }
    }

    /// The credentials in use, if any were given or fetched yet.
    pub(crate) fn current(&self) -> Option<Arc<Credentials>> {
        self.held().map(|held| held.credentials)
    }

    /// Replaces the credentials; a provider is not asked again.
    pub(crate) fn set(&self, credentials: Credentials) {
        self.store(Held { credentials: Arc::new(credentials), expires: None });
    }

    /// The credentials a send signs with: the current ones while they have more than
    /// [`REFRESH_MARGIN`] left, else fresh ones from the provider. When the provider fails
    /// while the current ones have not expired yet, those are used and it is asked again
    /// at the next send.
    pub(crate) async fn for_send(&self) -> Result<Arc<Credentials>, Error> {
        if let Some(fresh) = self.fresh() {
            return Ok(fresh);
        }
        let Some(provider) = &self.provider else {
            // A fixed source always holds its credentials.
            return self.current().ok_or_else(|| Error::new(crate::ErrorCode::MissingCredentials, "no credentials"));
        };
        let _one_at_a_time = self.refreshing.lock().await;
        if let Some(fresh) = self.fresh() {
            return Ok(fresh);
        }
        match provider.fetch().await {
            Ok(Expiring { credentials, expires_at }) => {
                let credentials = Arc::new(credentials);
                let expires = expires_at.map(|at| {
                    let left = at.duration_since(SystemTime::now()).unwrap_or_default();
                    Instant::now() + left
                });
                self.store(Held { credentials: Arc::clone(&credentials), expires });
                Ok(credentials)
            }
            Err(error) => match self.held() {
                Some(held) if held.expires.is_some_and(|at| Instant::now() < at) => Ok(held.credentials),
                _ => Err(error),
            },
        }
    }

    /// The current credentials if they have more than the margin left.
    fn fresh(&self) -> Option<Arc<Credentials>> {
        let held = self.held()?;
        match held.expires {
            None => Some(held.credentials),
            Some(at) if Instant::now() + REFRESH_MARGIN < at => Some(held.credentials),
            Some(_) => None,
        }
    }

    fn held(&self) -> Option<Held> {
        self.current.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn store(&self, held: Held) {
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(held);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::ErrorCode;

    /// Hands out `AK-1`, `AK-2`… each valid for `lifetime`, or fails once `failing` is set.
    #[derive(Debug)]
    struct Counting {
        calls: AtomicUsize,
        lifetime: Duration,
        failing: Mutex<bool>,
    }

    impl CredentialsProvider for Counting {
        fn fetch(&self) -> BoxFuture<'_, Result<Expiring, Error>> {
            Box::pin(async move {
                if *self.failing.lock().unwrap() {
                    return Err(Error::new(ErrorCode::MissingCredentials, "the provider is down"));
                }
                // A provider takes time to answer: sends that arrive meanwhile wait for it.
                tokio::time::sleep(Duration::from_millis(10)).await;
                let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
                let credentials = Credentials::new(format!("AK-{n}"), "secret", Some(format!("token-{n}")))?;
                Ok(Expiring { credentials, expires_at: Some(SystemTime::now() + self.lifetime) })
            })
        }
    }

    fn cache(lifetime: Duration) -> (Arc<Counting>, CredentialCache) {
        let provider = Arc::new(Counting { calls: AtomicUsize::new(0), lifetime, failing: Mutex::new(false) });
        (Arc::clone(&provider), CredentialCache::new(CredentialSource::Provider(provider)))
    }

    #[tokio::test(start_paused = true)]
    async fn the_provider_is_asked_once_then_again_before_expiry() {
        let (provider, cache) = cache(Duration::from_secs(3600));
        assert!(cache.current().is_none());
        let cache = Arc::new(cache);
        let sends: Vec<_> = (0..8)
            .map(|_| {
                let cache = Arc::clone(&cache);
                tokio::spawn(async move { cache.for_send().await.unwrap().access_key_id().to_owned() })
            })
            .collect();
        for send in sends {
            assert_eq!(send.await.unwrap(), "AK-1");
        }
        assert_eq!(provider.calls.load(Ordering::SeqCst), 1, "concurrent sends ask once");
        tokio::time::advance(Duration::from_secs(3600) - REFRESH_MARGIN - Duration::from_secs(1)).await;
        assert_eq!(cache.for_send().await.unwrap().access_key_id(), "AK-1");
        tokio::time::advance(Duration::from_secs(2)).await;
        assert_eq!(cache.for_send().await.unwrap().access_key_id(), "AK-2", "within the margin: renewed");
    }

    #[tokio::test(start_paused = true)]
    async fn a_failing_provider_is_bridged_until_the_credentials_expire() {
        let (provider, cache) = cache(Duration::from_secs(600));
        cache.for_send().await.unwrap();
        *provider.failing.lock().unwrap() = true;
        tokio::time::advance(Duration::from_secs(400)).await;
        assert_eq!(cache.for_send().await.unwrap().access_key_id(), "AK-1", "not expired yet");
        tokio::time::advance(Duration::from_secs(201)).await;
        let error = cache.for_send().await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::MissingCredentials);
    }

    #[tokio::test(start_paused = true)]
    async fn set_credentials_pins_them() {
        let (provider, cache) = cache(Duration::from_secs(60));
        cache.set(Credentials::new("AK-mine", "s", None).unwrap());
        tokio::time::advance(Duration::from_secs(3600)).await;
        assert_eq!(cache.for_send().await.unwrap().access_key_id(), "AK-mine");
        assert_eq!(provider.calls.load(Ordering::SeqCst), 0);
    }
}
