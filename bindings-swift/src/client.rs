//! The client, its options and the credentials object that keeps the secret out of every
//! generated `toString`/`description`.

use std::sync::Arc;

use chatlane_core::{ClientConfig, SendReceipt, runtime};

use crate::error::ChatlaneError;
use crate::message::Message;

/// The `user-agent` the Kotlin and Swift packages send.
pub const USER_AGENT: &str = concat!("chatlane/", env!("CARGO_PKG_VERSION"), " (kotlin-swift)");

/// An AccessKey pair, optionally with an STS security token.
///
/// An object rather than a record: Kotlin data classes and Swift structs print every field,
/// while this prints its Rust `Debug` form, in which the secret and the token are `***`.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug)]
pub struct Credentials(chatlane_core::Credentials);

#[uniffi::export]
impl Credentials {
    /// Explicit credentials; empty values are a `Configuration` error.
    #[uniffi::constructor(default(security_token = None))]
    #[expect(clippy::result_large_err, reason = "the error crosses the FFI by value; UniFFI cannot lift a Box")]
    pub fn new(
        access_key_id: String,
        access_key_secret: String,
        security_token: Option<String>,
    ) -> Result<Arc<Self>, ChatlaneError> {
        Ok(Arc::new(Self(chatlane_core::Credentials::new(access_key_id, access_key_secret, security_token)?)))
    }

    /// The AccessKey ID (not secret: it names the account in every request).
    pub fn access_key_id(&self) -> String {
        self.0.access_key_id().to_owned()
    }
}

/// Client settings; every field is optional.
#[derive(uniffi::Record)]
pub struct ClientOptions {
    /// Who signs the requests; `null`/`nil` reads `ALIBABA_CLOUD_ACCESS_KEY_ID`,
    /// `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and `ALIBABA_CLOUD_SECURITY_TOKEN`.
    #[uniffi(default = None)]
    pub credentials: Option<Arc<Credentials>>,
    /// Endpoint URL: HTTPS, or HTTP on loopback (the sandbox); the CAMS default when absent.
    #[uniffi(default = None)]
    pub endpoint: Option<String>,
    /// Default `CustSpaceId` for messages that do not set one.
    #[uniffi(default = None)]
    pub cust_space_id: Option<String>,
    /// Connect timeout in milliseconds.
    #[uniffi(default = None)]
    pub connect_timeout_ms: Option<u64>,
    /// Whole-request timeout in milliseconds.
    #[uniffi(default = None)]
    pub request_timeout_ms: Option<u64>,
}

impl From<ClientOptions> for chatlane_core::ClientOptions {
    fn from(options: ClientOptions) -> Self {
        let credentials = options.credentials.as_deref().map(|c| &c.0);
        Self {
            access_key_id: credentials.map(|c| c.access_key_id().to_owned()),
            access_key_secret: credentials.map(|c| c.access_key_secret().expose().to_owned()),
            security_token: credentials.and_then(|c| c.security_token()).map(|t| t.expose().to_owned()),
            endpoint: options.endpoint,
            cust_space_id: options.cust_space_id,
            connect_timeout_ms: options.connect_timeout_ms,
            request_timeout_ms: options.request_timeout_ms,
            user_agent: Some(USER_AGENT.to_owned()),
        }
    }
}

/// A CAMS client. Thread-safe; share one per account, it reuses connections.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug)]
pub struct Client(chatlane_core::Client);

#[uniffi::export]
impl Client {
    /// A client from `options`; a wrong endpoint, timeout or missing credentials is a
    /// `Configuration` error.
    #[uniffi::constructor]
    #[expect(clippy::result_large_err, reason = "the error crosses the FFI by value; UniFFI cannot lift a Box")]
    pub fn new(options: ClientOptions) -> Result<Arc<Self>, ChatlaneError> {
        let config = ClientConfig::from_options(options.into())?;
        Ok(Arc::new(Self(chatlane_core::Client::new(config)?)))
    }

    /// Validates, signs and sends one message; returns the platform's `MessageId`.
    ///
    /// Runs on chatlane's own I/O threads, so any caller's executor (Kotlin coroutines,
    /// Swift concurrency) only awaits it.
    pub async fn send(&self, message: Message) -> Result<SendReceipt, ChatlaneError> {
        let client = self.0.clone();
        let message = chatlane_core::Message::from(message);
        Ok(runtime::run(async move { client.send(&message).await }).await?)
    }
}

/// The answer to an accepted message.
#[uniffi::remote(Record)]
pub struct SendReceipt {
    /// The ID of the accepted message; status receipts carry the same `MessageId`.
    pub message_id: String,
    /// The platform's `RequestId` (quote it to support).
    pub request_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_pass_credentials_through_and_set_the_user_agent() {
        let credentials = Credentials::new("AK".into(), "s3cr3t".into(), Some("t0k3n".into())).unwrap();
        assert!(!format!("{credentials:?}").contains("s3cr3t"));
        let options = chatlane_core::ClientOptions::from(ClientOptions {
            credentials: Some(credentials),
            endpoint: Some("http://127.0.0.1:1".into()),
            cust_space_id: None,
            connect_timeout_ms: Some(5),
            request_timeout_ms: None,
        });
        assert_eq!(options.access_key_id.as_deref(), Some("AK"));
        assert_eq!(options.access_key_secret.as_deref(), Some("s3cr3t"));
        assert_eq!(options.security_token.as_deref(), Some("t0k3n"));
        assert_eq!(options.user_agent.as_deref(), Some(USER_AGENT));
        let config = ClientConfig::from_options(options).unwrap();
        assert_eq!(config.credentials.access_key_id(), "AK");
    }

    #[test]
    fn no_credentials_means_the_environment() {
        let options = chatlane_core::ClientOptions::from(ClientOptions {
            credentials: None,
            endpoint: None,
            cust_space_id: None,
            connect_timeout_ms: None,
            request_timeout_ms: None,
        });
        assert_eq!((options.access_key_id, options.access_key_secret, options.security_token), (None, None, None));
    }
}
