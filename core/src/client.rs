//! The async [`Client`]: one type for every provider, sending through the provider seam's
//! pipeline ([`crate::provider`]).

use std::sync::Arc;

use crate::cams::Cams;
use crate::credentials::Credentials;
use crate::credentials::provider::{CredentialCache, CredentialSource};
use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::limit::{InProcessLimiter, Pacing, RateLimiter};
use crate::observe::SendObserver;
use crate::options::SendOptions;
use crate::outgoing::Outgoing;
use crate::provider::{Dispatch, Pipeline};
use crate::retry::RetryPolicy;
use crate::transport::{self, Transport, TransportConfig};

/// The `user-agent` chatlane sends unless a binding sets its own.
pub const DEFAULT_USER_AGENT: &str = concat!("chatlane/", env!("CARGO_PKG_VERSION"), " (rust)");

/// What a successful send returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendReceipt {
    /// The ID of the accepted message; status receipts carry the same `MessageId`. For a
    /// mass send, the `GroupMessageId`.
    pub message_id: String,
    /// The platform's `RequestId` (quote it to support).
    pub request_id: String,
    /// The `TaskId` sent with the message (the caller's, or one chatlane generated).
    pub task_id: String,
    /// How many requests it took (more than 1 after a throttle or a refused connection).
    pub attempts: u32,
}

/// Everything a [`Client`] needs.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// Who signs the requests: fixed credentials (replaceable later with
    /// [`Client::set_credentials`]) or a provider asked again before they expire.
    pub credentials: CredentialSource,
    /// Where they go; [`crate::DEFAULT_ENDPOINT`] unless set.
    pub endpoint: Endpoint,
    /// The default `CustSpaceId` for messages that do not set one.
    pub cust_space_id: Option<String>,
    /// Timeouts and pooling.
    pub transport: TransportConfig,
    /// Client-side pacing below the account's QPS limits.
    pub pacing: Pacing,
    /// Where pacing state lives; the process-wide [`InProcessLimiter`] by default, so every
    /// client of an account shares one budget.
    pub limiter: Arc<dyn RateLimiter>,
    /// Automatic retries of provably unprocessed requests.
    pub retry: RetryPolicy,
    /// The `user-agent` header.
    pub user_agent: String,
    /// Hooks called on every retry and outcome of this client's sends (none by default).
    pub observer: Option<Arc<dyn SendObserver>>,
}

impl ClientConfig {
    /// A configuration with defaults for everything but the credentials.
    pub fn new(credentials: impl Into<CredentialSource>) -> Self {
        Self {
            credentials: credentials.into(),
            endpoint: Endpoint::default(),
            cust_space_id: None,
            transport: TransportConfig::default(),
            pacing: Pacing::default(),
            limiter: InProcessLimiter::shared(),
            retry: RetryPolicy::default(),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            observer: None,
        }
    }
}

/// A CAMS client. Cheap to clone; clones share connections, pacing and credentials.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: ClientConfig,
    credentials: Arc<CredentialCache>,
    pipeline: Box<dyn Dispatch>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.inner.config.endpoint)
            .field("credentials", &self.credentials())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client over the default transport for its endpoint ([`transport::for_endpoint`]).
    pub fn new(mut config: ClientConfig) -> Result<Self, Error> {
        config.transport.no_proxy |= config.endpoint.is_loopback();
        let transport = transport::for_endpoint(&config.endpoint, &config.transport)?;
        Ok(Self::with_transport(config, transport))
    }

    /// A client over any [`Transport`].
    pub fn with_transport(config: ClientConfig, transport: Arc<dyn Transport>) -> Self {
        let credentials = Arc::new(CredentialCache::new(config.credentials.clone()));
        let provider = Cams {
            endpoint: config.endpoint.clone(),
            cust_space_id: config.cust_space_id.clone(),
            credentials: Arc::clone(&credentials),
            user_agent: config.user_agent.clone(),
        };
        let pipeline = Box::new(Pipeline {
            provider,
            transport,
            pacing: config.pacing,
            limiter: Arc::clone(&config.limiter),
            retry: config.retry,
            observer: config.observer.clone(),
        });
        Self { inner: Arc::new(Inner { config, credentials, pipeline }) }
    }

    /// The configuration this client was built with.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// The credentials requests are signed with now (`None`: a provider not asked yet).
    pub fn credentials(&self) -> Option<Arc<Credentials>> {
        self.inner.credentials.current()
    }

    /// Replaces the credentials (e.g. a refreshed STS token) for every later attempt of
    /// this client and its clones, without rebuilding it or dropping its connections. A
    /// provider the client was built with is not asked again.
    pub fn set_credentials(&self, credentials: Credentials) {
        self.inner.credentials.set(credentials);
    }

    /// Validates, paces, signs and sends one message (a [`crate::Message`]) or one template
    /// to up to 1,000 recipients (a [`crate::MassMessage`], paced at 10/s by default),
    /// retrying only what provably had no effect.
    ///
    /// Returns the platform's `MessageId` (for a mass send, the `GroupMessageId`) with the
    /// `TaskId` that went on the wire (the caller's, or a generated one), or a typed
    /// [`Error`] that carries the same `TaskId`: validation errors before anything is sent,
    /// platform errors (HTTP 4xx/5xx, and HTTP 200 with `Code != "OK"`), and outcome-unknown
    /// errors to reconcile through receipts.
    pub async fn send<T: Outgoing>(&self, message: &T) -> Result<SendReceipt, Error> {
        self.send_with(message, SendOptions::default()).await
    }

    /// [`Client::send`] with this send's own settings (`options`), e.g. its own timeout.
    pub async fn send_with<T: Outgoing>(&self, message: &T, options: SendOptions) -> Result<SendReceipt, Error> {
        self.inner.pipeline.send(message.as_outgoing(), options).await
    }
}
