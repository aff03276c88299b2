//! The async [`Client`]: validate → sign → send → classify, for every binding.

use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;

use crate::cams::request::{self, RequestContext, acs_date, fresh_nonce};
use crate::cams::response::{self, SendReceipt};
use crate::cams::{Operation, wire};
use crate::credentials::Credentials;
use crate::endpoint::Endpoint;
use crate::error::{Error, ErrorCode};
use crate::model::Message;
use crate::transport::{ReqwestTransport, Transport, TransportConfig};
use crate::validate;

/// The `user-agent` chatlane sends unless a binding sets its own.
pub const DEFAULT_USER_AGENT: &str = concat!("chatlane/", env!("CARGO_PKG_VERSION"), " (rust)");

/// Everything a [`Client`] needs.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// Who signs the requests.
    pub credentials: Credentials,
    /// Where they go; [`crate::DEFAULT_ENDPOINT`] unless set.
    pub endpoint: Endpoint,
    /// The default `CustSpaceId` for messages that do not set one.
    pub cust_space_id: Option<String>,
    /// Timeouts and pooling.
    pub transport: TransportConfig,
    /// The `user-agent` header.
    pub user_agent: String,
}

impl ClientConfig {
    /// A configuration with defaults for everything but the credentials.
    pub fn new(credentials: Credentials) -> Self {
        Self {
            credentials,
            endpoint: Endpoint::default(),
            cust_space_id: None,
            transport: TransportConfig::default(),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
        }
    }
}

/// Client settings as plain optional values: what every binding receives from its host
/// language (keyword arguments, an options object, a Kotlin/Swift record).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ClientOptions {
    /// AccessKey ID; with the secret, overrides the environment.
    pub access_key_id: Option<String>,
    /// AccessKey secret.
    pub access_key_secret: Option<String>,
    /// STS security token.
    pub security_token: Option<String>,
    /// Endpoint URL; [`crate::DEFAULT_ENDPOINT`] when absent.
    pub endpoint: Option<String>,
    /// Default `CustSpaceId`.
    pub cust_space_id: Option<String>,
    /// Connect timeout in milliseconds.
    pub connect_timeout_ms: Option<u64>,
    /// Whole-request timeout in milliseconds.
    pub request_timeout_ms: Option<u64>,
    /// The `user-agent` header.
    pub user_agent: Option<String>,
}

impl std::fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientOptions")
            .field("access_key_id", &self.access_key_id)
            .field("endpoint", &self.endpoint)
            .field("cust_space_id", &self.cust_space_id)
            .finish_non_exhaustive()
    }
}

impl ClientConfig {
    /// Resolves options: explicit credentials, else the `ALIBABA_CLOUD_*` environment;
    /// the endpoint is checked (HTTPS, or HTTP on loopback); zero timeouts are refused.
    pub fn from_options(options: ClientOptions) -> Result<Self, Error> {
        let credentials = match (options.access_key_id, options.access_key_secret) {
            (Some(id), Some(secret)) => Credentials::new(id, secret, options.security_token)?,
            (None, None) => Credentials::from_env()?,
            _ => {
                return Err(Error::new(
                    ErrorCode::MissingCredentials,
                    "give both the AccessKey ID and the AccessKey secret, or neither (to read the environment)",
                ));
            }
        };
        let mut config = Self::new(credentials);
        if let Some(endpoint) = options.endpoint {
            config.endpoint = Endpoint::parse(&endpoint)?;
        }
        config.cust_space_id = options.cust_space_id.filter(|s| !s.is_empty());
        for (name, value, slot) in [
            ("the connect timeout", options.connect_timeout_ms, &mut config.transport.connect_timeout),
            ("the request timeout", options.request_timeout_ms, &mut config.transport.request_timeout),
        ] {
            match value {
                Some(0) => return Err(Error::new(ErrorCode::InvalidConfig, format!("{name} must be positive"))),
                Some(ms) => *slot = Duration::from_millis(ms),
                None => {}
            }
        }
        if let Some(user_agent) = options.user_agent {
            config.user_agent = user_agent;
        }
        Ok(config)
    }
}

/// A CAMS client. Cheap to clone; clones share connections.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: ClientConfig,
    transport: Arc<dyn Transport>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("config", &self.inner.config).finish_non_exhaustive()
    }
}

impl Client {
    /// A client over the default reqwest transport.
    pub fn new(mut config: ClientConfig) -> Result<Self, Error> {
        config.transport.no_proxy |= config.endpoint.is_loopback();
        let transport = ReqwestTransport::new(&config.transport)?;
        Ok(Self::with_transport(config, Arc::new(transport)))
    }

    /// A client over any [`Transport`].
    pub fn with_transport(config: ClientConfig, transport: Arc<dyn Transport>) -> Self {
        Self { inner: Arc::new(Inner { config, transport }) }
    }

    /// The configuration this client was built with.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// Validates, signs and sends one message.
    ///
    /// Returns the platform's `MessageId`, or a typed [`Error`]: validation errors before
    /// anything is sent, HTTP 4xx/5xx and HTTP 200 with `Code != "OK"` as platform errors.
    pub async fn send(&self, message: &Message) -> Result<SendReceipt, Error> {
        validate::validate(message)?;
        let config = &self.inner.config;
        let params = wire::send_message_params(message, config.cust_space_id.as_deref());
        let date = acs_date(OffsetDateTime::now_utc());
        let nonce = fresh_nonce();
        let ctx = RequestContext {
            credentials: &config.credentials,
            endpoint: &config.endpoint,
            date: &date,
            nonce: &nonce,
            user_agent: &config.user_agent,
        };
        let request = request::build(Operation::SendChatappMessage, &params, &ctx);
        let task_id = || message.options.task_id.clone();
        let answer = self.inner.transport.send(request).await.map_err(|e| e.with_task_id(task_id()))?;
        response::classify_send(&answer).map_err(|e| e.with_task_id(task_id()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> ClientOptions {
        ClientOptions {
            access_key_id: Some("AK".into()),
            access_key_secret: Some("SK-secret".into()),
            ..ClientOptions::default()
        }
    }

    #[test]
    fn options_resolve_into_a_config() {
        let config = ClientConfig::from_options(ClientOptions {
            endpoint: Some("http://127.0.0.1:1".into()),
            request_timeout_ms: Some(1500),
            cust_space_id: Some("cams-1".into()),
            ..options()
        })
        .unwrap();
        assert_eq!(config.endpoint.host_header(), "127.0.0.1:1");
        assert_eq!(config.transport.request_timeout, Duration::from_millis(1500));
        assert_eq!(config.cust_space_id.as_deref(), Some("cams-1"));
        assert!(!format!("{config:?}").contains("SK-secret"));
    }

    #[test]
    fn bad_options_are_typed_errors() {
        let half = ClientOptions { access_key_secret: None, ..options() };
        assert_eq!(ClientConfig::from_options(half).unwrap_err().code(), ErrorCode::MissingCredentials);
        let insecure = ClientOptions { endpoint: Some("http://example.com".into()), ..options() };
        assert_eq!(ClientConfig::from_options(insecure).unwrap_err().code(), ErrorCode::InvalidConfig);
        let zero = ClientOptions { connect_timeout_ms: Some(0), ..options() };
        assert_eq!(ClientConfig::from_options(zero).unwrap_err().code(), ErrorCode::InvalidConfig);
    }
}
