//! The async [`Client`]: one type for every provider, sending through the provider seam's
//! pipeline ([`crate::provider`]); its operations beyond sending are in `ops.rs` (Meta's
//! templates in `meta_templates.rs`, Meta's history in `meta_history.rs`), walks over every
//! page of a listing in `pages.rs`, media uploads in `media.rs`, its half of reconciling sends
//! of unknown outcome in `reconcile.rs`, template-aware sending in `template_check.rs`,
//! template management in `template_admin.rs`.

mod media;
mod meta_history;
mod meta_media;
mod meta_templates;
mod ops;
mod pages;
mod reconcile;
mod template_admin;
mod template_check;

pub use pages::{JsonPages, Listing, ListingPage, Pages};

use std::sync::{Arc, OnceLock};

use crate::cams::Cams;
use crate::credentials::Credentials;
use crate::credentials::provider::{CredentialCache, CredentialSource};
use crate::endpoint::Endpoint;
use crate::error::{Error, ErrorCode};
use crate::limit::{InProcessLimiter, Pacing, RateLimiter};
use crate::meta::{DEFAULT_GRAPH_VERSION, GRAPH_HOST, Meta, PAIR_RATE, checked_scopes};
use crate::oauth::{AccessToken, TokenSource};
use crate::observe::SendObserver;
use crate::operation::Operation;
use crate::options::SendOptions;
use crate::outgoing::Outgoing;
use crate::provider::{Dispatch, OutgoingRef, Pipeline, Provider, ProviderKind};
use crate::retry::RetryPolicy;
use crate::store::{EventStore, WindowPolicy};
use crate::template_check::TemplateCache;
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
    /// Whether the recipient's 24-hour window was closed and the client's fallback template
    /// went instead of the message (`session_window="fallback"`).
    pub fallback: bool,
}

/// Everything a [`Client`] needs.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// The API messages go through, with what only it needs.
    pub api: Api,
    /// Where requests go: [`crate::DEFAULT_ENDPOINT`] for CAMS, [`crate::meta::GRAPH_HOST`]
    /// for Meta, unless set.
    pub endpoint: Endpoint,
    /// Timeouts and pooling.
    pub transport: TransportConfig,
    /// Client-side pacing below the provider's limits.
    pub pacing: Pacing,
    /// Where pacing state lives; the process-wide [`InProcessLimiter`] by default, so every
    /// client of an account shares one budget; a [`crate::limit::fleet::RedisLimiter`] shares
    /// it with every process on the same Redis.
    pub limiter: Arc<dyn RateLimiter>,
    /// Automatic retries of provably unprocessed requests.
    pub retry: RetryPolicy,
    /// The `user-agent` header.
    pub user_agent: String,
    /// Hooks called on every retry and outcome of this client's sends (none by default).
    pub observer: Option<Arc<dyn SendObserver>>,
    /// Where sends of unknown outcome are recorded (for receipts to resolve), 24-hour windows
    /// are read, and a Meta client's message history is listed from: the store a
    /// [`crate::receive::Receiver`] fills (none by default).
    pub event_store: Option<Arc<dyn EventStore>>,
    /// What a free-form WhatsApp message to a window the store knows closed does.
    pub session_window: WindowPolicy,
    /// Check template sends against the templates themselves, each kept this long
    /// ([`crate::template_check`]; none by default).
    pub template_cache_ttl: Option<std::time::Duration>,
}

/// The API a client sends through, with what only that API needs.
#[derive(Clone, Debug)]
pub enum Api {
    /// Alibaba Cloud CAMS: requests signed with AccessKey credentials.
    Cams(CamsConfig),
    /// Meta's WhatsApp Cloud API: requests carry a bearer token.
    Meta(MetaConfig),
}

/// What a CAMS client needs.
#[derive(Clone, Debug)]
pub struct CamsConfig {
    /// Who signs the requests: fixed credentials (replaceable later with
    /// [`Client::set_credentials`]) or a provider asked again before they expire.
    pub credentials: CredentialSource,
    /// The default `CustSpaceId` for messages that do not set one.
    pub cust_space_id: Option<String>,
    /// The account whose rate budgets the client's calls take (several AccessKeys of one
    /// Alibaba account share one); `None`: the first AccessKey ID the client signs with.
    pub account: Option<String>,
}

/// What a Meta Cloud API client needs.
#[derive(Clone, Debug)]
pub struct MetaConfig {
    /// The bearer token, fixed or renewed before it expires.
    pub token: Arc<TokenSource>,
    /// The Graph API version of every request ([`crate::meta::DEFAULT_GRAPH_VERSION`] unless set).
    pub graph_version: String,
    /// The WhatsApp Business Account whose message templates the client reads
    /// ([`Client::list_templates`], [`Client::template`] need it).
    pub waba_id: Option<String>,
}

impl ClientConfig {
    /// A CAMS configuration with defaults for everything but the credentials.
    pub fn new(credentials: impl Into<CredentialSource>) -> Self {
        Self::with_api(Api::Cams(CamsConfig { credentials: credentials.into(), cust_space_id: None, account: None }))
    }

    /// A Meta Cloud API configuration with defaults for everything but the token: Meta's
    /// Graph host and pinned version, 80 sends/s per business number and Meta's pair rate
    /// per recipient ([`crate::meta::PAIR_RATE`]).
    pub fn meta(token: TokenSource) -> Self {
        let api = Api::Meta(MetaConfig {
            token: Arc::new(token),
            graph_version: DEFAULT_GRAPH_VERSION.to_owned(),
            waba_id: None,
        });
        let pacing = Pacing {
            send_message: Some(Operation::WhatsappMessages.default_quota()),
            per_recipient: Some(PAIR_RATE),
            ..Pacing::default()
        };
        let endpoint = Endpoint::parse(GRAPH_HOST).expect("Meta's Graph host is a valid endpoint");
        Self { endpoint, pacing, ..Self::with_api(api) }
    }

    /// A configuration for `api` with defaults for everything else (CAMS's endpoint and pacing).
    pub(crate) fn with_api(api: Api) -> Self {
        Self {
            api,
            endpoint: Endpoint::default(),
            transport: TransportConfig::default(),
            pacing: Pacing::default(),
            limiter: InProcessLimiter::shared(),
            retry: RetryPolicy::default(),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            observer: None,
            event_store: None,
            session_window: WindowPolicy::Ignore,
            template_cache_ttl: None,
        }
    }

    /// The provider this configuration sends through.
    pub fn provider(&self) -> ProviderKind {
        match self.api {
            Api::Cams(_) => ProviderKind::Cams,
            Api::Meta(_) => ProviderKind::Meta,
        }
    }

    /// The default `CustSpaceId` of a CAMS client (`None` for Meta).
    pub fn cust_space_id(&self) -> Option<&str> {
        match &self.api {
            Api::Cams(cams) => cams.cust_space_id.as_deref(),
            Api::Meta(_) => None,
        }
    }

    /// The WhatsApp Business Account of a Meta client, when set (`None` for CAMS).
    pub fn waba_id(&self) -> Option<&str> {
        match &self.api {
            Api::Meta(meta) => meta.waba_id.as_deref(),
            Api::Cams(_) => None,
        }
    }
}

/// A client of one provider's API. Cheap to clone; clones share connections, pacing and
/// credentials.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: ClientConfig,
    /// A CAMS client's credentials, shared with its provider so they can be replaced.
    credentials: Option<Arc<CredentialCache>>,
    pipeline: Box<dyn Dispatch>,
    /// The pipeline's transport, which media uploads also go through.
    transport: Arc<dyn Transport>,
    /// The templates template sends are checked against (`template_cache_ttl`).
    templates: Option<TemplateCache>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("provider", &self.inner.config.provider())
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
        Self::with_transport(config, transport)
    }

    /// A client over any [`Transport`]. Fails with [`crate::ErrorCode::MissingScope`] when a
    /// Meta token's known scopes lack one a send needs.
    pub fn with_transport(config: ClientConfig, transport: Arc<dyn Transport>) -> Result<Self, Error> {
        let (pipeline, credentials) = match &config.api {
            Api::Cams(cams) => {
                let credentials = Arc::new(CredentialCache::new(cams.credentials.clone()));
                let provider = Cams {
                    endpoint: config.endpoint.clone(),
                    cust_space_id: cams.cust_space_id.clone(),
                    credentials: Arc::clone(&credentials),
                    user_agent: config.user_agent.clone(),
                    account: cams.account.clone().map(OnceLock::from).unwrap_or_default(),
                };
                (pipeline(provider, &config, Arc::clone(&transport)), Some(credentials))
            }
            Api::Meta(meta) => {
                let provider = Meta::new(
                    &config.endpoint,
                    &meta.graph_version,
                    Arc::clone(&meta.token),
                    &config.user_agent,
                    meta.waba_id.clone(),
                )?;
                (pipeline(provider, &config, Arc::clone(&transport)), None)
            }
        };
        let templates = config.template_cache_ttl.map(TemplateCache::new);
        Ok(Self { inner: Arc::new(Inner { config, credentials, pipeline, transport, templates }) })
    }

    /// The configuration this client was built with.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// The credentials a CAMS client signs requests with now (`None`: a provider not asked
    /// yet, or a Meta client).
    pub fn credentials(&self) -> Option<Arc<Credentials>> {
        self.inner.credentials.as_ref()?.current()
    }

    /// Replaces a CAMS client's credentials (e.g. a refreshed STS token) for every later
    /// attempt of this client and its clones, without rebuilding it or dropping its
    /// connections. A provider the client was built with is not asked again. A Meta client
    /// has none: [`crate::ErrorCode::InvalidConfig`].
    pub fn set_credentials(&self, credentials: Credentials) -> Result<(), Error> {
        let Some(cache) = &self.inner.credentials else {
            return Err(Error::new(
                ErrorCode::InvalidConfig,
                "a Meta client sends with a bearer token, not AccessKey credentials: replace its token instead",
            ));
        };
        cache.set(credentials);
        Ok(())
    }

    /// Replaces a Meta client's bearer token for every later attempt of this client and its
    /// clones, without dropping its connections. A token whose known scopes lack the
    /// messaging scope is refused ([`crate::ErrorCode::MissingScope`]) and the old one kept. A
    /// CAMS client has none: [`crate::ErrorCode::InvalidConfig`].
    pub async fn set_access_token(&self, token: AccessToken) -> Result<(), Error> {
        match &self.inner.config.api {
            Api::Meta(meta) => {
                checked_scopes(&token.scopes)?;
                meta.token.set(token).await
            }
            Api::Cams(_) => Err(Error::new(
                ErrorCode::InvalidConfig,
                "a CAMS client signs with AccessKey credentials, not a bearer token: replace its credentials instead",
            )),
        }
    }

    /// Validates, paces, authenticates and sends one message (a [`crate::Message`]) or one template
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

    /// [`Client::send`] with this send's own settings (`options`): its own timeout, or a
    /// re-send of a message proven absent ([`SendOptions::resend`], see
    /// [`Client::reconcile`]).
    pub async fn send_with<T: Outgoing>(&self, message: &T, options: SendOptions) -> Result<SendReceipt, Error> {
        let outgoing = message.as_outgoing();
        if options.resend {
            return self.resend(outgoing, options).await;
        }
        self.deliver(outgoing, options).await
    }

    /// Checks a template send against its template (with `template_cache_ttl`), then sends.
    async fn deliver(&self, outgoing: OutgoingRef<'_>, options: SendOptions) -> Result<SendReceipt, Error> {
        if let Some(templates) = &self.inner.templates {
            self.check_template(outgoing, templates).await?;
        }
        self.inner.pipeline.send(outgoing, options).await
    }
}

/// `provider`'s pipeline with `config`'s transport, pacing, retries and hooks.
fn pipeline<P: Provider>(provider: P, config: &ClientConfig, transport: Arc<dyn Transport>) -> Box<dyn Dispatch> {
    Box::new(Pipeline {
        provider,
        transport,
        pacing: config.pacing,
        limiter: Arc::clone(&config.limiter),
        retry: config.retry,
        observer: config.observer.clone(),
        store: config.event_store.clone(),
        window: config.session_window.clone(),
    })
}
