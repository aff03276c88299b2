//! A Python callable as the core's [`CredentialsProvider`]: `Client(credentials_provider=f)`.
//! The core calls it before the first send and again before the credentials it returned
//! expire, on a blocking thread of chatlane's runtime with the interpreter attached.

use std::sync::Arc;

use chatlane_core::credentials::{CredentialsProvider, Expiring};
use chatlane_core::transport::BoxFuture;
use chatlane_core::{Credentials, Error, runtime};
use pyo3::prelude::*;
use pyo3::types::PyMapping;

use crate::{aio, host};

/// The callable, shared with the threads that call it.
#[derive(Debug)]
pub struct PyCredentialsProvider(Arc<Py<PyAny>>);

impl PyCredentialsProvider {
    /// The provider that calls `callable` (checked callable by [`crate::host::pop_callable`]).
    pub fn new(callable: &Bound<'_, PyAny>) -> Self {
        Self(Arc::new(callable.clone().unbind()))
    }
}

impl CredentialsProvider for PyCredentialsProvider {
    fn fetch(&self) -> BoxFuture<'_, Result<Expiring, Error>> {
        let callable = Arc::clone(&self.0);
        Box::pin(async move {
            let asked = runtime::runtime().spawn_blocking(move || {
                aio::attach(|py| ask(callable.bind(py)))
                    .unwrap_or_else(|| Err(unavailable("the interpreter is shutting down")))
            });
            asked.await.unwrap_or_else(|join| Err(unavailable(&join.to_string())))
        })
    }
}

/// Calls the provider and reads what it returned: a mapping with `access_key_id`,
/// `access_key_secret`, and optionally `security_token` and `expires_at` (an aware
/// `datetime`, or POSIX seconds).
fn ask(callable: &Bound<'_, PyAny>) -> Result<Expiring, Error> {
    let answer = callable.call0().map_err(|e| unavailable(&format!("it raised {e}")))?;
    let answer = answer
        .cast::<PyMapping>()
        .map_err(|_| unavailable("it must return a mapping with access_key_id and access_key_secret"))?;
    // A missing key and `None` both mean "not given".
    let field = |name: &str| answer.get_item(name).ok().filter(|value| !value.is_none());
    let text = |name: &str| -> Result<Option<String>, Error> {
        field(name)
            .map(|v| v.extract::<String>().map_err(|_| unavailable(&format!("{name} must be a string"))))
            .transpose()
    };
    let (Some(id), Some(secret)) = (text("access_key_id")?, text("access_key_secret")?) else {
        return Err(unavailable("it returned no access_key_id or no access_key_secret"));
    };
    let credentials = Credentials::new(id, secret, text("security_token")?)?;
    let expires_at = field("expires_at")
        .map(|at| host::expiry(&at).map_err(|e| unavailable(&e.value(at.py()).to_string())))
        .transpose()?;
    Ok(Expiring { credentials, expires_at })
}

/// The error for credentials the provider did not give.
fn unavailable(why: &str) -> Error {
    chatlane_core::credentials::provider::unavailable("the credentials provider", why)
}
