//! The async [`Client`]: validate → pace → sign → send → classify → retry, for every binding.

use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;
use tokio::time::Instant;
use tracing::Instrument;

use crate::cams::Operation;
use crate::cams::request::{self, RequestContext, acs_date, random_id};
use crate::cams::response;
use crate::cams::wire::{Defaults, Params};
use crate::credentials::Credentials;
use crate::credentials::provider::{CredentialCache, CredentialSource};
use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::limit::{InProcessLimiter, LimitKey, Pacing, RateLimiter};
use crate::observe::{self, RetryEvent, SendObserver};
use crate::options::SendOptions;
use crate::outgoing::Outgoing;
use crate::retry::{self, Decision, RetryPolicy};
use crate::transport::{self, HttpResponse, RequestTimeout, Transport, TransportConfig};
use crate::validate;

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
    credentials: CredentialCache,
    transport: Arc<dyn Transport>,
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
        let credentials = CredentialCache::new(config.credentials.clone());
        Self { inner: Arc::new(Inner { config, credentials, transport }) }
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
        validate::validate(message)?;
        let task_id = message.task_id().map_or_else(random_id, str::to_owned);
        let defaults = Defaults { cust_space_id: self.inner.config.cust_space_id.as_deref(), task_id: Some(&task_id) };
        let params = message.wire_params(defaults);
        self.deliver(T::OPERATION, &params, task_id, options).await
    }

    /// Paces, signs and sends `params`, retrying what provably had no effect, inside the
    /// send's `chatlane.send` span; reports the outcome (see [`crate::observe`]).
    async fn deliver(
        &self,
        operation: Operation,
        params: &Params,
        task_id: String,
        options: SendOptions,
    ) -> Result<SendReceipt, Error> {
        let span = tracing::info_span!(
            target: observe::TARGET,
            "chatlane.send",
            operation = operation.as_str(),
            task_id = %task_id
        );
        let started = Instant::now();
        let result = self.attempts(operation, params, task_id, options, started).instrument(span.clone()).await;
        let observer = self.inner.config.observer.as_deref();
        span.in_scope(|| observe::finished(observer, operation, &result, started));
        result
    }

    /// The attempts of one send, from `started`, until a receipt or an error to surface.
    async fn attempts(
        &self,
        operation: Operation,
        params: &Params,
        task_id: String,
        options: SendOptions,
        started: Instant,
    ) -> Result<SendReceipt, Error> {
        let config = &self.inner.config;
        let mut attempts = 0;
        loop {
            let tagged = |error: Error, attempts| error.with_task_id(Some(task_id.clone())).with_attempts(attempts);
            let credentials = self.inner.credentials.for_send().await.map_err(|e| tagged(e, attempts))?;
            self.pace(operation, &credentials).await.map_err(|e| tagged(e, attempts))?;
            attempts += 1;
            let attempt_started = Instant::now();
            let outcome = self.send_once(operation, params, &credentials, options).await;
            let classified = outcome.and_then(|answer| response::classify_send(&answer));
            observe::attempt_ended(attempts, classified.as_ref().err(), attempt_started);
            let error = match classified {
                Ok(accepted) => {
                    return Ok(SendReceipt {
                        message_id: accepted.message_id,
                        request_id: accepted.request_id,
                        task_id,
                        attempts,
                    });
                }
                Err(error) => error,
            };
            match retry::decide(&config.retry, attempts, started.elapsed(), &error, rand::random()) {
                Decision::RetryAfter(delay) => {
                    let event = RetryEvent {
                        operation,
                        task_id: task_id.clone(),
                        attempt: attempts,
                        code: error.code(),
                        http_status: error.http_status(),
                        delay,
                    };
                    observe::retrying(config.observer.as_deref(), event);
                    tokio::time::sleep(delay).await
                }
                Decision::GiveUp => return Err(tagged(error, attempts)),
            }
        }
    }

    /// Waits for a pacing slot for `operation` (fails with `RateLimited`, nothing sent).
    async fn pace(&self, operation: Operation, credentials: &Credentials) -> Result<(), Error> {
        let config = &self.inner.config;
        match config.pacing.quota(operation) {
            Some(quota) => {
                let key = LimitKey { account: credentials.access_key_id().to_owned(), operation };
                config.limiter.acquire(&key, quota, config.pacing.max_wait.unwrap_or(Duration::MAX)).await
            }
            None => Ok(()),
        }
    }

    /// One request, freshly dated, nonced and signed.
    async fn send_once(
        &self,
        operation: Operation,
        params: &Params,
        credentials: &Credentials,
        options: SendOptions,
    ) -> Result<HttpResponse, Error> {
        let config = &self.inner.config;
        let date = acs_date(OffsetDateTime::now_utc());
        let nonce = random_id();
        let ctx = RequestContext {
            credentials,
            endpoint: &config.endpoint,
            date: &date,
            nonce: &nonce,
            user_agent: &config.user_agent,
        };
        let mut request = request::build(operation, params, &ctx)?;
        if let Some(timeout) = options.request_timeout {
            request.extensions_mut().insert(RequestTimeout(timeout));
        }
        self.inner.transport.send(request).await
    }
}
