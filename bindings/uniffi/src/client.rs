//! The client, its options and the credentials object that keeps the secret out of every
//! generated `toString`/`description`.

use std::sync::Arc;
use std::time::Duration;

use chatlane_core::oauth::{OnRenewed, TokenSettings, TokenSource};
use chatlane_core::reconcile::ReconcilePolicy;
use chatlane_core::store::SendRecord;
use chatlane_core::{ClientConfig, ErrorCode, MassMessage, Message, Outgoing, SendReceipt, runtime};

use crate::error::{ChatlaneError, guarded};
use crate::oauth::{self, AccessToken, MetaApp, TokenObserver};
use crate::observe::{self, SendObserver};
use crate::provider::{CredentialsProvider, Foreign};

/// The `user-agent` the Kotlin and Swift packages send.
pub const USER_AGENT: &str = concat!("chatlane/", env!("CARGO_PKG_VERSION"), " (kotlin-swift)");

/// An AccessKey pair, optionally with an STS security token.
///
/// An object rather than a record: Kotlin data classes and Swift structs print every field,
/// while this prints its Rust `Debug` form, in which the secret and the token are `***`.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug)]
pub struct Credentials(pub(crate) chatlane_core::Credentials);

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
        guarded(|| {
            Ok(Arc::new(Self(chatlane_core::Credentials::new(access_key_id, access_key_secret, security_token)?)))
        })
    }

    /// The AccessKey ID (not secret: it names the account in every request).
    pub fn access_key_id(&self) -> String {
        self.0.access_key_id().to_owned()
    }
}

/// Client settings; every field is optional. Printed (`toString`, `debugDescription`) without
/// a secret: credentials and tokens show their IDs only, URLs and the event store lose any
/// `user:password@`.
#[derive(uniffi::Record)]
#[uniffi::export(Debug)]
pub struct ClientOptions {
    /// The API messages go through: `cams` (default, Alibaba Cloud CAMS) or `meta` (WhatsApp
    /// Cloud API; then `from` is the business phone number ID).
    #[uniffi(default = None)]
    pub provider: Option<String>,
    /// Meta: the bearer token (else `WHATSAPP_ACCESS_TOKEN`), with its expiry and scopes;
    /// giving one makes `meta` the default provider.
    #[uniffi(default = None)]
    pub access_token: Option<Arc<AccessToken>>,
    /// Meta: renews `accessToken` through this app before it expires (a new 60-day token
    /// for a system user's token, by `fb_exchange_token`); without it the token is used
    /// until it expires or `Client.setAccessToken` replaces it.
    #[uniffi(default = None)]
    pub renew_with: Option<Arc<MetaApp>>,
    /// Meta: told of each token `renewWith` got, to persist it.
    #[uniffi(default = None)]
    pub token_observer: Option<Arc<dyn TokenObserver>>,
    /// Meta: how long before its expiry `renewWith` renews the token, in milliseconds (5
    /// minutes when absent; e.g. 15 days for a 60-day token), never before half its lifetime.
    #[uniffi(default = None)]
    pub token_renewal_margin_ms: Option<u64>,
    /// Meta: the Graph API version, e.g. `v25.0` (default: the version chatlane pins).
    #[uniffi(default = None)]
    pub graph_version: Option<String>,
    /// Meta: the WhatsApp Business Account ID (a number), whose message templates
    /// `listTemplates` and `template` read (they need it).
    #[uniffi(default = None)]
    pub waba_id: Option<String>,
    /// Who signs the requests; `null`/`nil` looks for them: the profile named by `profile`
    /// (or `ALIBABA_CLOUD_PROFILE`) in the Alibaba Cloud CLI's configuration, else
    /// `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and
    /// `ALIBABA_CLOUD_SECURITY_TOKEN`, else the configuration's current profile.
    #[uniffi(default = None)]
    pub credentials: Option<Arc<Credentials>>,
    /// Asked for credentials before the first send and again before they expire (a vault,
    /// an STS call); give it instead of `credentials`, a profile or a RAM role.
    #[uniffi(default = None)]
    pub credentials_provider: Option<Arc<dyn CredentialsProvider>>,
    /// The Alibaba Cloud CLI profile to take the credentials from.
    #[uniffi(default = None)]
    pub profile: Option<String>,
    /// The Alibaba Cloud CLI configuration holding the profiles (`~/.aliyun/config.json`).
    #[uniffi(default = None)]
    pub profile_file: Option<String>,
    /// Take temporary credentials from this ECS instance's RAM role (its name; empty:
    /// whichever role the instance has), renewed before they expire.
    #[uniffi(default = None)]
    pub ecs_ram_role: Option<String>,
    /// The instance metadata service of the RAM role (`http://100.100.100.200`).
    #[uniffi(default = None)]
    pub ecs_metadata_endpoint: Option<String>,
    /// Endpoint URL: HTTPS, or HTTP on loopback (the sandbox); the CAMS default when absent.
    #[uniffi(default = None)]
    pub endpoint: Option<String>,
    /// Default `CustSpaceId` for messages that do not set one.
    #[uniffi(default = None)]
    pub cust_space_id: Option<String>,
    /// A proxy for every request, `http(s)://[user:password@]host:port` (default: the
    /// `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` variables, which skip loopback endpoints).
    #[uniffi(default = None)]
    pub proxy: Option<String>,
    /// PEM certificates to trust besides the default roots (a private CA, a TLS-inspecting
    /// proxy, `chatlane sandbox --tls`). The default roots are the system's; the Android
    /// library has Mozilla's built in instead.
    #[uniffi(default = None)]
    pub ca_certificates: Option<String>,
    /// Connect timeout in milliseconds.
    #[uniffi(default = None)]
    pub connect_timeout_ms: Option<u64>,
    /// Whole-request timeout in milliseconds.
    #[uniffi(default = None)]
    pub request_timeout_ms: Option<u64>,
    /// Client-side pacing rate for sends, per second (250, the account limit, when absent).
    /// Every client of one AccessKey ID in the process shares the budget.
    #[uniffi(default = None)]
    pub rate_limit_per_second: Option<f64>,
    /// Sends that may go back to back before pacing applies (1 when absent).
    #[uniffi(default = None)]
    pub rate_limit_burst: Option<u32>,
    /// The longest a send waits for a pacing slot, in milliseconds: 0 fails fast with a
    /// `Throttled` error of code `RateLimited`; absent waits as long as it takes.
    #[uniffi(default = None)]
    pub rate_limit_max_wait_ms: Option<u64>,
    /// Turns client-side pacing off.
    #[uniffi(default = false)]
    pub rate_limit_disabled: bool,
    /// Pace against a budget kept in this Redis (`redis://[:password@]host:port[/db]`,
    /// `rediss://` for TLS), shared by every process and host that names it. The password
    /// is never shown.
    #[uniffi(default = None)]
    pub rate_limit_redis_url: Option<String>,
    /// What sends do while that Redis cannot be reached: `closed` (when absent) waits for it,
    /// as long as the pacing wait allows, then fails with a `Throttled` error of code
    /// `RateLimited`; `local` paces in this process at the quota divided by
    /// `rateLimitInstances`.
    #[uniffi(default = None)]
    pub rate_limit_redis_outage: Option<String>,
    /// With `rateLimitRedisOutage = "local"`: how many processes share the budget.
    #[uniffi(default = None)]
    pub rate_limit_instances: Option<u32>,
    /// CAMS: the account whose rate budgets this client's calls take, so several AccessKeys
    /// of one Alibaba account share one (when absent: the first AccessKey ID it signs with).
    #[uniffi(default = None)]
    pub account: Option<String>,
    /// Attempts in all for failures that provably had no effect (throttled, connection
    /// refused, HTTP 503); 4 when absent, 1 never retries.
    #[uniffi(default = None)]
    pub max_attempts: Option<u32>,
    /// No retry starts later than this many milliseconds after the first attempt (30 000
    /// when absent).
    #[uniffi(default = None)]
    pub retry_deadline_ms: Option<u64>,
    /// The event store a webhook receiver fills (an SQLite file, a Redis URL for a fleet, or
    /// `:memory:`): sends whose outcome is unknown are recorded there for receipts to resolve,
    /// and 24-hour windows are read from it.
    #[uniffi(default = None)]
    pub event_store: Option<String>,
    /// `ignore` (default); `enforce`: refuse a free-form WhatsApp message before sending
    /// (`SessionWindow`) when the event store has no message from the recipient in 24 hours;
    /// `fallback`: send the fallback template instead (`SendReceipt.fallback` says so).
    #[uniffi(default = None)]
    pub session_window: Option<String>,
    /// With `sessionWindow = "fallback"`: the template sent instead, without parameters (CAMS:
    /// its code; Meta: its name).
    #[uniffi(default = None)]
    pub session_window_template: Option<String>,
    /// With `sessionWindow = "fallback"`: the fallback template's language.
    #[uniffi(default = None)]
    pub session_window_language: Option<String>,
    /// Check every template send against the template before sending (it exists in that
    /// language and is approved — else a `Template` error —, its parameters are exactly its
    /// variables and its payloads fit its buttons — else a `Validation` error with every
    /// violation), each template kept this many milliseconds; absent: no checking. CAMS only.
    #[uniffi(default = None)]
    pub template_cache_ttl_ms: Option<u64>,
    /// Hooks called on every retry and outcome of this client's sends (from chatlane's I/O
    /// threads).
    #[uniffi(default = None)]
    pub observer: Option<Arc<dyn SendObserver>>,
}

impl std::fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = |value: &Option<String>| value.as_deref().map(chatlane_core::redacted);
        f.debug_struct("ClientOptions")
            .field("provider", &self.provider)
            .field("credentials", &self.credentials)
            .field("access_token", &self.access_token)
            .field("endpoint", &shown(&self.endpoint))
            .field("cust_space_id", &self.cust_space_id)
            .field("proxy", &shown(&self.proxy))
            .field("rate_limit_per_second", &self.rate_limit_per_second)
            .field("rate_limit_redis_url", &shown(&self.rate_limit_redis_url))
            .field("account", &self.account)
            .field("event_store", &shown(&self.event_store))
            .finish_non_exhaustive()
    }
}

/// The core's options, without what crosses apart (`Client::new`): the access token and its
/// renewal, the credentials provider and the observer.
impl From<ClientOptions> for chatlane_core::ClientOptions {
    fn from(options: ClientOptions) -> Self {
        let credentials = options.credentials.as_deref().map(|c| &c.0);
        Self {
            provider: options.provider,
            access_token: None,
            graph_version: options.graph_version,
            waba_id: options.waba_id,
            access_key_id: credentials.map(|c| c.access_key_id().to_owned()),
            access_key_secret: credentials.map(|c| c.access_key_secret().expose().to_owned()),
            security_token: credentials.and_then(|c| c.security_token()).map(|t| t.expose().to_owned()),
            profile: options.profile,
            profile_file: options.profile_file,
            ecs_ram_role: options.ecs_ram_role,
            ecs_metadata_endpoint: options.ecs_metadata_endpoint,
            endpoint: options.endpoint,
            cust_space_id: options.cust_space_id,
            proxy: options.proxy,
            ca_certificates: options.ca_certificates,
            connect_timeout_ms: options.connect_timeout_ms,
            request_timeout_ms: options.request_timeout_ms,
            user_agent: Some(USER_AGENT.to_owned()),
            rate_limit_per_second: options.rate_limit_per_second,
            rate_limit_burst: options.rate_limit_burst,
            rate_limit_max_wait_ms: options.rate_limit_max_wait_ms,
            rate_limit_disabled: options.rate_limit_disabled,
            rate_limit_redis_url: options.rate_limit_redis_url,
            rate_limit_redis_outage: options.rate_limit_redis_outage,
            rate_limit_instances: options.rate_limit_instances,
            account: options.account,
            max_attempts: options.max_attempts,
            retry_deadline_ms: options.retry_deadline_ms,
            event_store: options.event_store,
            session_window: options.session_window,
            session_window_template: options.session_window_template,
            session_window_language: options.session_window_language,
            template_cache_ttl_ms: options.template_cache_ttl_ms,
        }
    }
}

/// The token source of a Meta client, taken out of `options`: `accessToken` as is, or renewed
/// by `renewWith`; `None` without an access token.
fn token_source(options: &mut ClientOptions) -> Result<Option<TokenSource>, chatlane_core::Error> {
    let on_renewed = options.token_observer.take().map(|observer| Box::new(oauth::told(observer)) as OnRenewed);
    let settings = TokenSettings {
        token: options.access_token.take().map(|token| token.0.clone()),
        renewer: options.renew_with.take().map(|app| app.0.renewer()),
        margin: options.token_renewal_margin_ms.take().map(Duration::from_millis),
        on_renewed,
    };
    settings.source()
}

/// A configuration error saying `why`.
fn invalid(why: &str) -> chatlane_core::Error {
    chatlane_core::Error::new(ErrorCode::InvalidConfig, why)
}

/// Cancels the send it is given to ([`Client::send_cancellable`]), also before it starts.
#[derive(Debug, Default, uniffi::Object)]
pub struct SendCancellation(runtime::Cancellation);

#[uniffi::export]
impl SendCancellation {
    /// A cancellation not cancelled yet.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Cancels the send.
    pub fn cancel(&self) {
        self.0.cancel();
    }
}

/// One send's own settings.
#[derive(uniffi::Record)]
pub struct SendOptions {
    /// This send's whole-request timeout in milliseconds (1 ms to 24 h), instead of the
    /// client's, for each of its attempts. A request that times out after it was written is
    /// `OutcomeUnknown`.
    #[uniffi(default = None)]
    pub timeout_ms: Option<u64>,
    /// Send again a message proven never to have arrived: its `taskId` is that of a send
    /// `Client.reconcile` found `Absent`, which is marked `Resent` before the request, so it
    /// never goes twice; a send in any other state is refused with `OutcomeUnknown`, nothing
    /// sent.
    #[uniffi(default = false)]
    pub resend: bool,
}

impl SendOptions {
    /// The core's settings for `options`; `None`: the client's.
    fn into_core(options: Option<Self>) -> Result<chatlane_core::SendOptions, chatlane_core::Error> {
        let (timeout_ms, resend) = options.map_or((None, false), |o| (o.timeout_ms, o.resend));
        Ok(chatlane_core::SendOptions { resend, ..chatlane_core::SendOptions::with_timeout_ms(timeout_ms)? })
    }
}

/// A client of CAMS or of Meta's Cloud API (`ClientOptions.provider`). Thread-safe; share
/// one per account, it reuses connections.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug)]
pub struct Client(pub(crate) chatlane_core::Client);

#[uniffi::export]
impl Client {
    /// A client from `options`; a wrong endpoint, timeout, rate limit, attempt count or
    /// missing credentials (Meta: a missing token, renewal options without `accessToken`) is
    /// a `Configuration` error; a Meta token whose known scopes lack
    /// `whatsapp_business_messaging` is `Permission`, code `MissingScope`.
    #[uniffi::constructor]
    #[expect(clippy::result_large_err, reason = "the error crosses the FFI by value; UniFFI cannot lift a Box")]
    pub fn new(options: ClientOptions) -> Result<Arc<Self>, ChatlaneError> {
        guarded(|| {
            let mut options = options;
            let token = token_source(&mut options)?;
            let provider = options.credentials_provider.take();
            let observer = options.observer.clone().map(observe::adapted);
            let config = match (provider, token) {
                (Some(_), Some(_)) => {
                    return Err(invalid("give an accessToken or a credentialsProvider, not both").into());
                }
                (Some(provider), None) => {
                    ClientConfig::from_options_with_provider(options.into(), Arc::new(Foreign(provider)))?
                }
                (None, Some(token)) => ClientConfig::from_options_with_token(options.into(), token)?,
                (None, None) => ClientConfig::from_options(options.into())?,
            };
            let config = ClientConfig { observer, ..config };
            Ok(Arc::new(Self(chatlane_core::Client::new(config)?)))
        })
    }

    /// Validates, paces, signs and sends one message, retrying only what provably had no
    /// effect; returns the platform's `MessageId` with the `TaskId` that went on the wire.
    ///
    /// Runs on chatlane's own I/O threads, so any caller's executor (Kotlin coroutines,
    /// Swift concurrency) only awaits it. Cancelling the Kotlin coroutine cancels the send:
    /// one waiting for a pacing slot or a retry backoff never goes out; one whose request is
    /// on its way has an unknown outcome (reconcile it by its `TaskId`). UniFFI's Swift does
    /// not pass a task's cancellation on: in Swift, `send(_:options:)` (`Cancellation.swift`)
    /// does, through [`Client::send_cancellable`].
    ///
    /// `options` are this send's own settings (e.g. its timeout); `null`/`nil`: the client's.
    #[uniffi::method(default(options = None))]
    pub async fn send(&self, message: Message, options: Option<SendOptions>) -> Result<SendReceipt, ChatlaneError> {
        self.submit(message, options).await
    }

    /// `send`, stopped when `cancellation` is cancelled: then it returns `null`/`nil` and a
    /// send still waiting for a pacing slot or a retry backoff never goes out (one whose
    /// request is on its way has an unknown outcome). Swift's `send(_:options:)` in
    /// `Cancellation.swift` uses it to pass a task's cancellation on, which UniFFI's Swift
    /// does not.
    #[uniffi::method(default(options = None))]
    pub async fn send_cancellable(
        &self,
        message: Message,
        cancellation: Arc<SendCancellation>,
        options: Option<SendOptions>,
    ) -> Result<Option<SendReceipt>, ChatlaneError> {
        let options = SendOptions::into_core(options)?;
        let (client, cancellation) = (self.0.clone(), cancellation.0.clone());
        let send =
            async move { runtime::cancellable(client.send_with(&message, options), &cancellation).await.transpose() };
        Ok(runtime::run(send).await?)
    }

    /// Sends one template to up to 1,000 recipients (`SendChatappMassMessage`) as `send`
    /// sends one message; the receipt's `messageId` is the `GroupMessageId`.
    #[uniffi::method(default(options = None))]
    pub async fn send_mass(
        &self,
        message: MassMessage,
        options: Option<SendOptions>,
    ) -> Result<SendReceipt, ChatlaneError> {
        self.submit(message, options).await
    }

    /// Resolves the sends of unknown outcome recorded in `ClientOptions.eventStore`: each one
    /// no receipt has resolved, once `settleMs` have passed since it (10 minutes when absent),
    /// is looked up in the CAMS message history (`ListChatappMessage`, with the client's
    /// `custSpaceId`) and marked `Absent` when nothing there could be it: send that message
    /// again, once, with `resend` in its `SendOptions`. Returns every send that was unknown,
    /// with its state now. Meta keeps no history: its sends stay `Unknown` until a receipt
    /// comes. Without an event store: `Configuration`, code `InvalidConfig`. Runs on
    /// chatlane's I/O threads like `send`.
    #[uniffi::method(default(settle_ms = None))]
    pub async fn reconcile(&self, settle_ms: Option<u64>) -> Result<Vec<SendRecord>, ChatlaneError> {
        let default = ReconcilePolicy::default();
        let policy = ReconcilePolicy { settle_ms: settle_ms.unwrap_or(default.settle_ms), ..default };
        let client = self.0.clone();
        Ok(runtime::run(async move { client.reconcile(&policy).await }).await?)
    }

    /// Replaces the credentials (e.g. a refreshed STS token) for every later send, without
    /// rebuilding the client or dropping its connections. A Meta client has none: a
    /// configuration error.
    #[expect(clippy::result_large_err, reason = "the error crosses the FFI by value; UniFFI cannot lift a Box")]
    pub fn set_credentials(&self, credentials: Arc<Credentials>) -> Result<(), ChatlaneError> {
        Ok(self.0.set_credentials(credentials.0.clone())?)
    }

    /// Replaces a Meta client's bearer token (a renewed or re-authorised one) for every later
    /// send, without rebuilding the client or dropping its connections; after a send failed
    /// with `TokenExpired`, the next one uses it. A CAMS client has none: a configuration
    /// error.
    pub async fn set_access_token(&self, token: Arc<AccessToken>) -> Result<(), ChatlaneError> {
        let (client, token) = (self.0.clone(), token.0.clone());
        Ok(runtime::run(async move { client.set_access_token(token).await }).await?)
    }
}

impl Client {
    /// Sends on chatlane's own I/O threads, so the caller's executor only awaits; dropping
    /// the future (a cancelled coroutine) aborts the send ([`runtime::run`]).
    async fn submit(&self, message: impl Outgoing, options: Option<SendOptions>) -> Result<SendReceipt, ChatlaneError> {
        let options = SendOptions::into_core(options)?;
        let client = self.0.clone();
        Ok(runtime::run(async move { client.send_with(&message, options).await }).await?)
    }
}

/// Test hook, built with the `test-hooks` feature only: panics inside the guard every
/// synchronous function runs in. Always fails with `Internal`.
#[cfg(feature = "test-hooks")]
#[uniffi::export]
#[expect(clippy::result_large_err, reason = "the error crosses the FFI by value; UniFFI cannot lift a Box")]
pub fn panic_probe_sync() -> Result<(), ChatlaneError> {
    guarded(|| Ok(runtime::panic_now()?))
}

/// Test hook, built with the `test-hooks` feature only: panics inside the core, through the
/// boundary `send` crosses, so a test suite can prove a core panic surfaces as `Internal`
/// and leaves the process running. Always fails.
#[cfg(feature = "test-hooks")]
#[uniffi::export]
pub async fn panic_probe() -> Result<(), ChatlaneError> {
    Ok(runtime::panic_probe().await?)
}

/// The answer to an accepted message.
#[uniffi::remote(Record)]
pub struct SendReceipt {
    /// The ID of the accepted message; status receipts carry the same `MessageId`.
    pub message_id: String,
    /// The platform's `RequestId` (quote it to support).
    pub request_id: String,
    /// The `TaskId` sent with the message: the caller's, or a 32-hex one chatlane generated.
    pub task_id: String,
    /// How many requests it took (more than 1 after a throttle or a refused connection).
    pub attempts: u32,
    /// Whether the recipient's 24-hour window was closed and the fallback template went instead.
    pub fallback: bool,
}

#[cfg(test)]
mod tests {
    use chatlane_core::Quota;

    use chatlane_core::credentials::CredentialSource;

    use super::*;

    /// Options with every field absent, as a Kotlin/Swift caller gets them by default.
    fn defaults() -> ClientOptions {
        ClientOptions {
            provider: None,
            access_token: None,
            renew_with: None,
            token_observer: None,
            token_renewal_margin_ms: None,
            graph_version: None,
            waba_id: None,
            credentials: None,
            credentials_provider: None,
            profile: None,
            profile_file: None,
            ecs_ram_role: None,
            ecs_metadata_endpoint: None,
            endpoint: None,
            proxy: None,
            ca_certificates: None,
            cust_space_id: None,
            connect_timeout_ms: None,
            request_timeout_ms: None,
            rate_limit_per_second: None,
            rate_limit_burst: None,
            rate_limit_max_wait_ms: None,
            rate_limit_disabled: false,
            rate_limit_redis_url: None,
            rate_limit_redis_outage: None,
            rate_limit_instances: None,
            account: None,
            max_attempts: None,
            retry_deadline_ms: None,
            event_store: None,
            session_window: None,
            session_window_template: None,
            session_window_language: None,
            template_cache_ttl_ms: None,
            observer: None,
        }
    }

    #[test]
    fn options_pass_credentials_through_and_set_the_user_agent() {
        let credentials = Credentials::new("AK".into(), "s3cr3t".into(), Some("t0k3n".into())).unwrap();
        assert!(!format!("{credentials:?}").contains("s3cr3t"));
        let options = chatlane_core::ClientOptions::from(ClientOptions {
            credentials: Some(credentials),
            endpoint: Some("http://127.0.0.1:1".into()),
            connect_timeout_ms: Some(5),
            ..defaults()
        });
        assert_eq!(options.access_key_id.as_deref(), Some("AK"));
        assert_eq!(options.access_key_secret.as_deref(), Some("s3cr3t"));
        assert_eq!(options.security_token.as_deref(), Some("t0k3n"));
        assert_eq!(options.user_agent.as_deref(), Some(USER_AGENT));
        let config = ClientConfig::from_options(options).unwrap();
        let credentials = match config.api {
            chatlane_core::Api::Cams(cams) => cams.credentials,
            chatlane_core::Api::Meta(_) => panic!("a CAMS client"),
        };
        assert!(matches!(credentials, CredentialSource::Fixed(c) if c.access_key_id() == "AK"));
    }

    #[test]
    fn no_credentials_means_the_environment() {
        let options = chatlane_core::ClientOptions::from(defaults());
        assert_eq!((options.access_key_id, options.access_key_secret, options.security_token), (None, None, None));
    }

    #[test]
    fn delivery_options_reach_the_core() {
        let credentials = Credentials::new("AK".into(), "SK".into(), None).unwrap();
        let resolve = |options: ClientOptions| {
            ClientConfig::from_options(ClientOptions { credentials: Some(credentials.clone()), ..options }.into())
                .unwrap()
        };
        let config = resolve(ClientOptions {
            rate_limit_per_second: Some(2.5),
            rate_limit_burst: Some(3),
            rate_limit_max_wait_ms: Some(0),
            max_attempts: Some(1),
            retry_deadline_ms: Some(1500),
            ..defaults()
        });
        assert_eq!(config.pacing.send_message, Some(Quota { per_second: 2.5, burst: 3 }));
        assert_eq!(config.pacing.max_wait, Some(Duration::ZERO));
        assert_eq!(config.retry.max_attempts, 1);
        assert_eq!(config.retry.deadline, Duration::from_millis(1500));
        let disabled = resolve(ClientOptions { rate_limit_disabled: true, ..defaults() });
        assert_eq!(disabled.pacing.send_message, None);
        let default = resolve(defaults());
        assert_eq!(default.pacing, chatlane_core::Pacing::default());
        assert_eq!(default.retry, chatlane_core::RetryPolicy::default());
    }

    #[test]
    fn set_credentials_replaces_what_later_sends_sign_with() {
        let old = Credentials::new("AK-old".into(), "SK-old".into(), None).unwrap();
        let client = Client::new(ClientOptions { credentials: Some(old), ..defaults() }).unwrap();
        client
            .set_credentials(Credentials::new("AK-new".into(), "SK-new".into(), Some("t0k3n-new".into())).unwrap())
            .unwrap();
        let now = client.0.credentials().unwrap();
        assert_eq!((now.access_key_id(), now.access_key_secret().expose()), ("AK-new", "SK-new"));
        let shown = format!("{client:?}");
        assert!(shown.contains("AK-new") && !shown.contains("SK-new") && !shown.contains("t0k3n-new"), "{shown}");
    }

    #[cfg(feature = "test-hooks")]
    #[test]
    fn the_panic_probe_fails_with_an_internal_error() {
        let error = runtime::runtime().block_on(panic_probe()).unwrap_err();
        assert!(matches!(error, ChatlaneError::Internal { .. }), "{error:?}");
    }
}
