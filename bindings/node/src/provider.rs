//! A JS function as the core's credentials provider: `new Client({ credentialsProvider })`.
//! The core asks it before the first send and again before the credentials it gave expire;
//! it runs on the JS thread (a weak threadsafe function: it never keeps the event loop alive)
//! and its promise is awaited on chatlane's side.

use std::time::{Duration, SystemTime};

use chatlane_core::credentials::{CredentialsProvider, Expiring};
use chatlane_core::transport::BoxFuture;
use chatlane_core::{Credentials, Error};
use napi::Status;
use napi::bindgen_prelude::{Function, Promise};
use napi::threadsafe_function::ThreadsafeFunction;
use serde_json::Value;

/// The function `index.js` hands over: it calls the user's provider and resolves with
/// `{accessKeyId, accessKeySecret, securityToken?, expiresAt?}` (`expiresAt` in epoch ms).
pub type JsProviderFunction<'env> = Function<'env, (), Promise<Value>>;

/// The function, callable from any thread.
pub struct JsCredentialsProvider(ThreadsafeFunction<(), Promise<Value>, (), Status, false, true>);

impl JsCredentialsProvider {
    /// Wraps `function` (on the JS thread).
    pub fn new(function: &JsProviderFunction<'_>) -> napi::Result<Self> {
        let threadsafe = function.build_threadsafe_function::<()>().callee_handled::<false>().weak::<true>().build()?;
        Ok(Self(threadsafe))
    }
}

impl std::fmt::Debug for JsCredentialsProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CredentialsProvider(js)")
    }
}

impl CredentialsProvider for JsCredentialsProvider {
    fn fetch(&self) -> BoxFuture<'_, Result<Expiring, Error>> {
        Box::pin(async move {
            let promise = self.0.call_async(()).await.map_err(|e| unavailable(&e.reason))?;
            let given = promise.await.map_err(|e| unavailable(&format!("it rejected: {}", e.reason)))?;
            read(&given)
        })
    }
}

/// The credentials in what the provider resolved with.
fn read(given: &Value) -> Result<Expiring, Error> {
    let text = |name: &str| given.get(name).and_then(Value::as_str).map(str::to_owned);
    let (Some(id), Some(secret)) = (text("accessKeyId"), text("accessKeySecret")) else {
        return Err(unavailable("it must resolve with an object with accessKeyId and accessKeySecret strings"));
    };
    let credentials = Credentials::new(id, secret, text("securityToken"))?;
    let expires_at = match given.get("expiresAt") {
        None | Some(Value::Null) => None,
        Some(at) => {
            let ms = at.as_f64().filter(|ms| ms.is_finite() && *ms >= 0.0);
            let ms = ms.ok_or_else(|| unavailable("expiresAt must be a Date or epoch milliseconds"))?;
            Some(SystemTime::UNIX_EPOCH + Duration::from_millis(ms as u64))
        }
    };
    Ok(Expiring { credentials, expires_at })
}

/// The error for credentials the provider did not give.
fn unavailable(why: &str) -> Error {
    chatlane_core::credentials::provider::unavailable("the credentials provider", why)
}
