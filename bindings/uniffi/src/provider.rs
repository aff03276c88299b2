//! A Kotlin or Swift object as the core's credentials provider:
//! `ClientOptions(credentialsProvider = object : CredentialsProvider { … })`. The core asks it
//! before the first send and again before the credentials it gave expire, on a blocking
//! thread of chatlane's runtime.

use std::sync::Arc;
use std::time::SystemTime;

use chatlane_core::credentials::{CredentialsProvider as CoreProvider, Expiring};
use chatlane_core::transport::BoxFuture;
use chatlane_core::{Error, runtime};

use crate::client::Credentials;
use crate::error::ChatlaneError;

/// Gives fresh credentials when asked: implement it in Kotlin or Swift to take credentials
/// from a vault, an STS call, a secrets manager. Called before the first send and whenever
/// the credentials it gave last have less than five minutes left, one call at a time per
/// client, on one of chatlane's threads. Throwing fails the send with `MissingCredentials`.
#[uniffi::export(with_foreign)]
pub trait CredentialsProvider: Send + Sync {
    /// Fresh credentials.
    #[expect(clippy::result_large_err, reason = "the error crosses the FFI by value; UniFFI cannot lift a Box")]
    fn credentials(&self) -> Result<ProvidedCredentials, ChatlaneError>;
}

/// What a [`CredentialsProvider`] gives.
#[derive(uniffi::Record)]
pub struct ProvidedCredentials {
    /// The credentials (their secret stays out of every printed form).
    pub credentials: Arc<Credentials>,
    /// When they expire; `null`/`nil`: never (the provider is not asked again).
    #[uniffi(default = None)]
    pub expires_at: Option<SystemTime>,
}

/// A foreign provider behind the core's seam.
pub struct Foreign(pub Arc<dyn CredentialsProvider>);

impl std::fmt::Debug for Foreign {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CredentialsProvider(foreign)")
    }
}

impl CoreProvider for Foreign {
    fn fetch(&self) -> BoxFuture<'_, Result<Expiring, Error>> {
        let provider = Arc::clone(&self.0);
        Box::pin(async move {
            // Only the failure's text crosses back: the foreign error is large.
            let asked = runtime::runtime().spawn_blocking(move || provider.credentials().map_err(|e| e.to_string()));
            match asked.await {
                Ok(Ok(given)) => {
                    Ok(Expiring { credentials: given.credentials.0.clone(), expires_at: given.expires_at })
                }
                Ok(Err(why)) => Err(unavailable(&why)),
                Err(join) => Err(unavailable(&join.to_string())),
            }
        })
    }
}

/// The error for credentials the provider did not give.
fn unavailable(why: &str) -> Error {
    chatlane_core::credentials::provider::unavailable("the credentials provider", why)
}
