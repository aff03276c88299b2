//! Client options: the one place they are read and judged, for every binding.
//!
//! Kotlin and Swift hand over a typed record ([`ClientOptions`]); Python and Node hand over
//! what their callers wrote — keyword arguments, an options object — as [`HostValue`]s,
//! named and measured in the host's [`Dialect`], which [`ClientOptions::from_host`] reads
//! with one set of rules. [`ClientConfig::from_options`] then checks every range. So a bad
//! value (`NaN`, a negative count, `2**32` attempts, a rate too small to schedule) is the
//! same `InvalidConfig` error in every language, raised when the client is built, and no
//! error message ever quotes a secret.

mod host;

use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

pub use host::{Dialect, HostValue, OptionDoc};

use crate::client::{Api, CamsConfig, ClientConfig};
use crate::credentials::ecs::EcsRamRole;
use crate::credentials::{CredentialSource, Credentials, CredentialsProvider};
use crate::endpoint::Endpoint;
use crate::error::{Error, ErrorCode};
use crate::limit::fleet::{Outage, RedisLimiter};
use crate::limit::{Pacing, Quota, RateLimiter};
use crate::meta::GRAPH_HOST;
use crate::oauth::{AccessToken, MetaHost, TokenSource};
use crate::operation::Operation;
use crate::provider::ProviderKind;
use crate::store::{self, WindowPolicy};
use crate::transport::ProxyUrl;

/// The longest timeout, pacing wait or retry deadline a client accepts: one day.
pub const MAX_DURATION: Duration = Duration::from_secs(24 * 60 * 60);
/// The slowest pacing rate: one send a day (a slower one would not fit a schedule).
pub const MIN_RATE_PER_SECOND: f64 = 1.0 / (24.0 * 60.0 * 60.0);
/// The fastest pacing rate a client accepts, per second.
pub const MAX_RATE_PER_SECOND: f64 = 1_000_000.0;
/// The largest pacing burst.
pub const MAX_BURST: u32 = 1_000_000;
/// The most attempts one send may take.
pub const MAX_ATTEMPTS: u32 = 100;

/// Client settings as plain optional values: what every binding receives from its host
/// language (keyword arguments, an options object, a Kotlin/Swift record).
#[derive(Clone, Default, PartialEq)]
pub struct ClientOptions {
    /// The API messages go through: `cams` (the default) or `meta` (WhatsApp Cloud API).
    pub provider: Option<String>,
    /// Meta: the bearer token (else `WHATSAPP_ACCESS_TOKEN`).
    pub access_token: Option<String>,
    /// Meta: the Graph API version, `vNN.N` ([`crate::meta::DEFAULT_GRAPH_VERSION`] when absent).
    pub graph_version: Option<String>,
    /// Meta: the WhatsApp Business Account ID, whose message templates the client reads.
    pub waba_id: Option<String>,
    /// AccessKey ID; with the secret, overrides the environment.
    pub access_key_id: Option<String>,
    /// AccessKey secret.
    pub access_key_secret: Option<String>,
    /// STS security token.
    pub security_token: Option<String>,
    /// Without keys: the Alibaba Cloud CLI profile to take them from (else
    /// `ALIBABA_CLOUD_PROFILE`; else the environment, then the CLI's current profile).
    pub profile: Option<String>,
    /// The Alibaba Cloud CLI configuration holding the profiles (`~/.aliyun/config.json`).
    pub profile_file: Option<String>,
    /// Without keys: take temporary credentials from this ECS instance's RAM role (its name;
    /// empty: whichever role the instance has), renewed before they expire.
    pub ecs_ram_role: Option<String>,
    /// The instance metadata service the RAM role's credentials come from
    /// (`http://100.100.100.200`; an emulator in tests).
    pub ecs_metadata_endpoint: Option<String>,
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
    /// A proxy for every request, `http(s)://[user:password@]host:port` (default: the
    /// `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` variables, which skip loopback endpoints).
    pub proxy: Option<String>,
    /// PEM certificates to trust besides the platform's roots (a private CA, a
    /// TLS-inspecting proxy).
    pub ca_certificates: Option<String>,
    /// Client-side pacing rate for sends, per second (default 250, the account limit).
    pub rate_limit_per_second: Option<f64>,
    /// Sends that may go back to back before pacing applies (default 1).
    pub rate_limit_burst: Option<u32>,
    /// The longest a send waits for a pacing slot, in milliseconds (0: fail fast with
    /// `RateLimited`; default: wait as long as it takes).
    pub rate_limit_max_wait_ms: Option<u64>,
    /// Turns client-side pacing off.
    pub rate_limit_disabled: bool,
    /// Paces against a budget kept in this Redis (`redis://[:password@]host:port[/db]`,
    /// `rediss://` for TLS), shared by every process and host that names it.
    pub rate_limit_redis_url: Option<String>,
    /// What sends do while that Redis cannot be reached: `closed` (wait for it, up to the
    /// pacing wait, then `RateLimited`; the default) or `local` (pace in this process at the
    /// quota divided by `rate_limit_instances`).
    pub rate_limit_redis_outage: Option<String>,
    /// With `rate_limit_redis_outage="local"`: how many processes share the budget.
    pub rate_limit_instances: Option<u32>,
    /// CAMS: the account whose rate budgets this client's calls take, so several AccessKeys
    /// of one Alibaba account (RAM users, rotating STS keys) share one (default: the first
    /// AccessKey ID the client signs with).
    pub account: Option<String>,
    /// Attempts in all for provably unprocessed failures (default 4; 1: no retries).
    pub max_attempts: Option<u32>,
    /// No retry starts later than this many milliseconds after the first attempt (default 30 s).
    pub retry_deadline_ms: Option<u64>,
    /// The event store ([`store::open`]: an SQLite file, a Redis URL or
    /// [`store::MEMORY_STORE`]): sends of unknown outcome are recorded there for receipts to
    /// resolve, 24-hour windows are read from it, and a Meta client's message history is
    /// listed from it (a [`crate::receive::Receiver`] on the same store fills it).
    pub event_store: Option<String>,
    /// `ignore` (default), `enforce` (refuse a free-form WhatsApp message before sending when
    /// the event store knows its window closed) or `fallback` (send the fallback template
    /// instead); the last two need `event_store`.
    pub session_window: Option<String>,
    /// With `session_window="fallback"`: the template sent instead (CAMS: its code; Meta: its
    /// name), without parameters.
    pub session_window_template: Option<String>,
    /// With `session_window="fallback"`: the fallback template's language.
    pub session_window_language: Option<String>,
    /// Check template sends against the account's templates before sending, each template
    /// kept this many milliseconds ([`crate::template_check`]; CAMS only).
    pub template_cache_ttl_ms: Option<u64>,
}

impl std::fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientOptions")
            .field("provider", &self.provider)
            .field("access_key_id", &self.access_key_id)
            .field("endpoint", &self.endpoint.as_deref().map(crate::endpoint::redacted))
            .field("cust_space_id", &self.cust_space_id)
            .field("proxy", &self.proxy.as_deref().map(crate::endpoint::redacted))
            .field("rate_limit_redis_url", &self.rate_limit_redis_url.as_deref().map(crate::endpoint::redacted))
            .finish_non_exhaustive()
    }
}

impl ClientConfig {
    /// Resolves options: explicit credentials, else the default chain (a named profile, the
    /// `ALIBABA_CLOUD_*` environment, the current profile: [`Credentials::from_default_chain`]);
    /// the endpoint is checked (HTTPS, or HTTP on loopback), and so is every number's range.
    pub fn from_options(options: ClientOptions) -> Result<Self, Error> {
        Self::build(options, Given::Nothing)
    }

    /// [`ClientConfig::from_options`] for a client whose credentials come from `provider`
    /// (a caller's callback), asked before the first send and again before they expire.
    /// Options that name credentials too (keys, a profile, a RAM role) are refused.
    pub fn from_options_with_provider(
        options: ClientOptions,
        provider: Arc<dyn CredentialsProvider>,
    ) -> Result<Self, Error> {
        Self::build(options, Given::Provider(provider))
    }

    /// [`ClientConfig::from_options`] for a Meta client sending with `token` (e.g. renewed
    /// before it expires, each new token handed to a callback: [`TokenSource::renewing`]);
    /// the provider is `meta` unless the options name another (refused), and an
    /// `access_token` option too is refused.
    pub fn from_options_with_token(options: ClientOptions, token: TokenSource) -> Result<Self, Error> {
        let options = ClientOptions { provider: options.provider.clone().or(Some("meta".to_owned())), ..options };
        Self::build(options, Given::Token(token))
    }

    fn build(mut options: ClientOptions, given: Given) -> Result<Self, Error> {
        let kind = options.provider.as_deref().map(ProviderKind::parse).transpose()?.unwrap_or_default();
        let mut config = match kind {
            ProviderKind::Cams => cams(&mut options, given)?,
            ProviderKind::Meta => meta(&mut options, given)?,
        };
        if let Some(endpoint) = options.endpoint {
            config.endpoint = Endpoint::parse(&endpoint)?;
        }
        if let Some(timeout) = duration("the connect timeout", options.connect_timeout_ms, 1)? {
            config.transport.connect_timeout = timeout;
        }
        if let Some(timeout) = duration("the request timeout", options.request_timeout_ms, 1)? {
            config.transport.request_timeout = timeout;
        }
        if let Some(user_agent) = options.user_agent {
            config.user_agent = user_agent;
        }
        config.transport.proxy = options.proxy.as_deref().map(ProxyUrl::parse).transpose()?;
        if let Some(pem) = options.ca_certificates {
            config.transport.extra_root_certificates = certificates(&pem)?;
        }
        let provider_quota = config.pacing.send_message.unwrap_or(Operation::SendChatappMessage.default_quota());
        let quota = Quota {
            per_second: options.rate_limit_per_second.unwrap_or(provider_quota.per_second),
            burst: options.rate_limit_burst.unwrap_or(1),
        };
        check_quota(&quota)?;
        let paced = !options.rate_limit_disabled;
        config.pacing = Pacing {
            send_message: paced.then_some(quota),
            mass_message: config.pacing.mass_message.filter(|_| paced),
            per_recipient: config.pacing.per_recipient.filter(|_| paced),
            max_wait: duration("the pacing wait", options.rate_limit_max_wait_ms, 0)?,
            calls: paced,
        };
        let (redis, outage) = (options.rate_limit_redis_url, options.rate_limit_redis_outage);
        if let Some(limiter) = fleet_limiter(redis, outage.as_deref(), options.rate_limit_instances)? {
            config.limiter = limiter;
        }
        if let Some(attempts) = options.max_attempts {
            if !(1..=MAX_ATTEMPTS).contains(&attempts) {
                return Err(invalid(format!("max attempts must be between 1 and {MAX_ATTEMPTS}")));
            }
            config.retry.max_attempts = attempts;
        }
        if let Some(deadline) = duration("the retry deadline", options.retry_deadline_ms, 0)? {
            config.retry.deadline = deadline;
        }
        if let Some(name) = options.event_store {
            config.event_store = Some(store::open(&name)?);
        }
        if let Some(ttl) = duration("the template cache's time to live", options.template_cache_ttl_ms, 1)? {
            if config.provider() != ProviderKind::Cams {
                return Err(invalid(
                    "template_cache_ttl checks CAMS templates; checking Meta's is not supported".to_owned(),
                ));
            }
            config.template_cache_ttl = Some(ttl);
        }
        let (template, language) = (options.session_window_template, options.session_window_language);
        let named = options.session_window.as_deref();
        if let Some(name) = named.or((template.is_some() || language.is_some()).then_some("ignore")) {
            let policy = WindowPolicy::from_options(name, template, language, config.provider())?;
            if policy != WindowPolicy::Ignore && config.event_store.is_none() {
                return Err(invalid(format!("session_window={name:?} needs an event_store to read windows from")));
            }
            config.session_window = policy;
        }
        Ok(config)
    }
}

/// What a binding hands over besides the options.
enum Given {
    /// Nothing: the options say it all.
    Nothing,
    /// A CAMS credentials provider.
    Provider(Arc<dyn CredentialsProvider>),
    /// A Meta token source.
    Token(TokenSource),
}

/// A CAMS configuration: the credentials from a provider or named by `options`, and the
/// default `CustSpaceId`. Meta's options and a token are refused.
fn cams(options: &mut ClientOptions, given: Given) -> Result<ClientConfig, Error> {
    let meta_only = [
        ("access_token", &options.access_token),
        ("graph_version", &options.graph_version),
        ("waba_id", &options.waba_id),
    ];
    if let Some(name) = named(&meta_only) {
        return Err(invalid(format!("{name} is an option of the meta provider (provider=\"meta\")")));
    }
    let credentials = match given {
        Given::Token(_) => return Err(invalid("a token is for the meta provider, not cams".to_owned())),
        Given::Provider(provider) => {
            let named = [&options.access_key_id, &options.access_key_secret, &options.profile, &options.ecs_ram_role];
            if named.iter().any(|value| value.is_some()) || options.profile_file.is_some() {
                return Err(invalid(
                    "give a credentials provider or credentials (keys, a profile, a RAM role), not both".to_owned(),
                ));
            }
            CredentialSource::Provider(provider)
        }
        Given::Nothing => named_credentials(options)?,
    };
    let cust_space_id = options.cust_space_id.take().filter(|s| !s.is_empty());
    let account = options.account.take().map(checked_account).transpose()?;
    Ok(ClientConfig::with_api(Api::Cams(CamsConfig { credentials, cust_space_id, account })))
}

/// The environment variable a Meta client takes its token from when none is given.
pub const ACCESS_TOKEN_VARIABLE: &str = "WHATSAPP_ACCESS_TOKEN";

/// A Meta configuration: the token source given, else the `access_token` option, else
/// [`ACCESS_TOKEN_VARIABLE`]; the Graph version and the WABA (a number). CAMS's credentials and
/// options are refused.
fn meta(options: &mut ClientOptions, given: Given) -> Result<ClientConfig, Error> {
    let cams_only = [
        ("access_key_id", &options.access_key_id),
        ("access_key_secret", &options.access_key_secret),
        ("security_token", &options.security_token),
        ("profile", &options.profile),
        ("profile_file", &options.profile_file),
        ("ecs_ram_role", &options.ecs_ram_role),
        ("ecs_metadata_endpoint", &options.ecs_metadata_endpoint),
        ("cust_space_id", &options.cust_space_id),
        ("account", &options.account),
    ];
    if let Some(name) = named(&cams_only) {
        return Err(invalid(format!("{name} is an option of the cams provider, not of meta")));
    }
    let source = match given {
        Given::Provider(_) => {
            return Err(invalid("a meta client takes an access token, not a credentials provider".to_owned()));
        }
        Given::Token(_) if options.access_token.is_some() => {
            return Err(invalid("give an access token or a token source, not both".to_owned()));
        }
        Given::Token(source) => source,
        Given::Nothing => {
            let token = options.access_token.take().or_else(|| std::env::var(ACCESS_TOKEN_VARIABLE).ok());
            let token = token.ok_or_else(|| {
                let why = format!("give an access token (or set {ACCESS_TOKEN_VARIABLE})");
                Error::new(ErrorCode::MissingCredentials, why)
            })?;
            TokenSource::fixed(AccessToken::new(token))?
        }
    };
    let mut config = ClientConfig::meta(source);
    if let Api::Meta(meta) = &mut config.api {
        if let Some(version) = options.graph_version.take() {
            MetaHost::new(GRAPH_HOST, &version)?;
            meta.graph_version = version;
        }
        if let Some(waba_id) = options.waba_id.take() {
            if waba_id.is_empty() || !waba_id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid("waba_id must be the WhatsApp Business Account's ID, a number".to_owned()));
            }
            meta.waba_id = Some(waba_id);
        }
    }
    Ok(config)
}

/// The limiter the Redis options name, if any (their URL checked, its password never shown).
fn fleet_limiter(
    url: Option<String>,
    outage: Option<&str>,
    instances: Option<u32>,
) -> Result<Option<Arc<dyn RateLimiter>>, Error> {
    let Some(url) = url else {
        return match (outage, instances) {
            (None, None) => Ok(None),
            _ => Err(invalid(
                "rate_limit_redis_outage and rate_limit_instances apply to a rate_limit_redis_url".to_owned(),
            )),
        };
    };
    let outage = Outage::parse(outage.unwrap_or("closed"), instances)?;
    Ok(Some(Arc::new(RedisLimiter::new(&url, outage)?)))
}

/// The `account` option: 1 to 128 characters, none of them a brace, a space or a control
/// character (it names Redis keys).
fn checked_account(account: String) -> Result<String, Error> {
    let fits = (1..=128).contains(&account.chars().count())
        && !account.chars().any(|c| c.is_control() || c.is_whitespace() || c == '{' || c == '}');
    if fits {
        Ok(account)
    } else {
        Err(invalid("account must be 1 to 128 characters without braces, spaces or control characters".to_owned()))
    }
}

/// The name of the first option in `options` that is set.
fn named(options: &[(&'static str, &Option<String>)]) -> Option<&'static str> {
    options.iter().find(|(_, value)| value.is_some()).map(|(name, _)| *name)
}

/// The credentials `options` name: explicit keys, a RAM role, else the default chain (a
/// named profile, the `ALIBABA_CLOUD_*` environment, the current profile, a RAM role).
fn named_credentials(options: &mut ClientOptions) -> Result<CredentialSource, Error> {
    let from_profile = options.profile.is_some() || options.profile_file.is_some();
    let from_role = options.ecs_ram_role.is_some();
    match (options.access_key_id.take(), options.access_key_secret.take()) {
        (Some(_), Some(_)) if from_profile || from_role => {
            Err(invalid("give AccessKeys, a profile or an ECS RAM role, not several".to_owned()))
        }
        _ if from_profile && from_role => Err(invalid("give a profile or an ECS RAM role, not both".to_owned())),
        (Some(id), Some(secret)) => {
            Ok(CredentialSource::Fixed(Credentials::new(id, secret, options.security_token.take())?))
        }
        (None, None) if from_role => {
            let role = EcsRamRole::new(options.ecs_ram_role.take(), options.ecs_metadata_endpoint.as_deref())?;
            Ok(CredentialSource::Provider(Arc::new(role)))
        }
        (None, None) => Credentials::from_default_chain(
            options.profile.as_deref(),
            options.profile_file.as_deref().map(std::path::Path::new),
        ),
        _ => Err(Error::new(
            ErrorCode::MissingCredentials,
            "give both the AccessKey ID and the AccessKey secret, or neither (to read the environment)",
        )),
    }
}

/// A duration option of `ms` milliseconds, at least `min_ms` and at most [`MAX_DURATION`].
fn duration(what: &str, ms: Option<u64>, min_ms: u64) -> Result<Option<Duration>, Error> {
    let Some(ms) = ms else { return Ok(None) };
    let duration = Duration::from_millis(ms);
    if ms < min_ms || duration > MAX_DURATION {
        let lower = if min_ms == 0 { "0".to_owned() } else { format!("{min_ms} ms") };
        return Err(invalid(format!("{what} must be between {lower} and 24 hours")));
    }
    Ok(Some(duration))
}

/// The DER certificates in PEM text: at least one, and nothing unreadable.
fn certificates(pem: &str) -> Result<Vec<Vec<u8>>, Error> {
    let found: Result<Vec<_>, _> =
        CertificateDer::pem_slice_iter(pem.as_bytes()).map(|c| c.map(|c| c.to_vec())).collect();
    match found {
        Ok(certificates) if !certificates.is_empty() => Ok(certificates),
        Ok(_) => Err(invalid("the CA certificates hold no PEM certificate (-----BEGIN CERTIFICATE-----)".to_owned())),
        Err(e) => Err(invalid(format!("the CA certificates are not readable PEM: {e}"))),
    }
}

/// Refuses a pacing quota that cannot be scheduled.
fn check_quota(quota: &Quota) -> Result<(), Error> {
    let rate_ok =
        quota.per_second.is_finite() && (MIN_RATE_PER_SECOND..=MAX_RATE_PER_SECOND).contains(&quota.per_second);
    if !rate_ok {
        return Err(invalid(format!(
            "the rate limit must be a number of sends per second between one a day ({MIN_RATE_PER_SECOND:.3e}) and \
             {MAX_RATE_PER_SECOND}"
        )));
    }
    if !(1..=MAX_BURST).contains(&quota.burst) {
        return Err(invalid(format!("the rate limit burst must be between 1 and {MAX_BURST}")));
    }
    Ok(())
}

fn invalid(message: String) -> Error {
    Error::new(ErrorCode::InvalidConfig, message)
}

/// One send's own settings, overriding the client's for that send.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SendOptions {
    /// The whole-request timeout of each of its attempts (else the client's).
    pub request_timeout: Option<Duration>,
    /// Send again a message proven absent, under the task ID of the send it repeats
    /// ([`crate::reconcile`]): marked re-sent first, so it never goes twice.
    pub resend: bool,
}

impl SendOptions {
    /// A send with its own timeout of `ms` milliseconds (`None`: the client's), checked as
    /// a client's is (1 ms to 24 hours): what the typed Kotlin/Swift record hands over.
    pub fn with_timeout_ms(ms: Option<u64>) -> Result<Self, Error> {
        Ok(Self { request_timeout: duration("the send's timeout", ms, 1)?, resend: false })
    }

    /// A re-send of a message proven absent, with the client's timeout.
    pub fn resend() -> Self {
        Self { request_timeout: None, resend: true }
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

    fn refused(options: ClientOptions) -> Error {
        ClientConfig::from_options(options).unwrap_err()
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
        assert_eq!(config.cust_space_id(), Some("cams-1"));
        assert!(!format!("{config:?}").contains("SK-secret"));
    }

    #[test]
    fn bad_options_are_typed_errors() {
        let half = ClientOptions { access_key_secret: None, ..options() };
        assert_eq!(refused(half).code(), ErrorCode::MissingCredentials);
        let insecure = ClientOptions { endpoint: Some("http://example.com".into()), ..options() };
        assert_eq!(refused(insecure).code(), ErrorCode::InvalidConfig);
        let zero = ClientOptions { connect_timeout_ms: Some(0), ..options() };
        assert_eq!(refused(zero).code(), ErrorCode::InvalidConfig);
    }

    #[test]
    fn every_number_is_range_checked() {
        for bad in [
            ClientOptions { rate_limit_per_second: Some(f64::NAN), ..options() },
            ClientOptions { rate_limit_per_second: Some(f64::INFINITY), ..options() },
            ClientOptions { rate_limit_per_second: Some(1e-20), ..options() },
            ClientOptions { rate_limit_per_second: Some(-1.0), ..options() },
            ClientOptions { rate_limit_burst: Some(0), ..options() },
            ClientOptions { max_attempts: Some(u32::MAX), ..options() },
            ClientOptions { request_timeout_ms: Some(u64::MAX), ..options() },
            ClientOptions { retry_deadline_ms: Some(MAX_DURATION.as_millis() as u64 + 1), ..options() },
        ] {
            assert_eq!(refused(bad.clone()).code(), ErrorCode::InvalidConfig, "{bad:?}");
        }
        let slowest = ClientOptions { rate_limit_per_second: Some(MIN_RATE_PER_SECOND), ..options() };
        assert!(ClientConfig::from_options(slowest).is_ok());
    }

    #[test]
    fn an_endpoint_with_a_password_is_refused_without_quoting_it() {
        let err = refused(ClientOptions { endpoint: Some("https://user:hunter2@example.com".into()), ..options() });
        assert_eq!(err.code(), ErrorCode::InvalidConfig);
        assert!(!err.message().contains("hunter2"), "{err}");
        let debug = format!("{:?}", ClientOptions { endpoint: Some("https://u:hunter2@h".into()), ..options() });
        assert!(!debug.contains("hunter2"), "{debug}");
    }

    #[test]
    fn a_proxy_and_ca_certificates_are_checked_when_the_client_is_built() {
        let config = ClientConfig::from_options(ClientOptions {
            proxy: Some("http://user:hunter2@127.0.0.1:3128".into()),
            ..options()
        })
        .unwrap();
        let shown = format!("{:?}", config.transport.proxy.unwrap());
        assert!(shown.contains("127.0.0.1:3128") && !shown.contains("hunter2"), "{shown}");
        for bad in ["socks5://user:hunter2@127.0.0.1:1080", "http://user:hunter2@/", "not a url hunter2"] {
            let err = refused(ClientOptions { proxy: Some(bad.into()), ..options() });
            assert_eq!(err.code(), ErrorCode::InvalidConfig, "{bad}");
            assert!(!err.message().contains("hunter2"), "{err}");
        }
        for bad in ["", "just text", "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n"] {
            let err = refused(ClientOptions { ca_certificates: Some(bad.into()), ..options() });
            assert_eq!(err.code(), ErrorCode::InvalidConfig, "{bad:?}");
        }
    }

    #[test]
    fn a_credentials_provider_excludes_other_credentials() {
        #[derive(Debug)]
        struct Never;
        impl CredentialsProvider for Never {
            fn fetch(&self) -> crate::transport::BoxFuture<'_, Result<crate::credentials::Expiring, Error>> {
                Box::pin(async { Err(Error::new(ErrorCode::MissingCredentials, "never")) })
            }
        }
        let config = ClientConfig::from_options_with_provider(ClientOptions::default(), Arc::new(Never)).unwrap();
        assert!(matches!(config.api, Api::Cams(CamsConfig { credentials: CredentialSource::Provider(_), .. })));
        let both = ClientConfig::from_options_with_provider(options(), Arc::new(Never)).unwrap_err();
        assert_eq!(both.code(), ErrorCode::InvalidConfig);
    }

    #[test]
    fn a_token_source_makes_a_meta_client_and_excludes_other_tokens() {
        let source = || TokenSource::fixed(AccessToken::new("t0k3n")).unwrap();
        let config = ClientConfig::from_options_with_token(ClientOptions::default(), source()).unwrap();
        assert_eq!(config.provider(), ProviderKind::Meta);
        let both = ClientOptions { access_token: Some("other".into()), ..ClientOptions::default() };
        assert_eq!(ClientConfig::from_options_with_token(both, source()).unwrap_err().code(), ErrorCode::InvalidConfig);
        let cams = ClientOptions { provider: Some("cams".into()), ..ClientOptions::default() };
        assert_eq!(ClientConfig::from_options_with_token(cams, source()).unwrap_err().code(), ErrorCode::InvalidConfig);
    }

    #[test]
    fn the_waba_id_is_a_number_of_meta_clients() {
        let meta = |waba_id: &str| ClientOptions {
            provider: Some("meta".into()),
            access_token: Some("t0k3n".into()),
            waba_id: Some(waba_id.into()),
            ..ClientOptions::default()
        };
        let config = ClientConfig::from_options(meta("102290129340398")).unwrap();
        assert_eq!(config.waba_id(), Some("102290129340398"));
        for bad in ["", "1029/message_templates", "waba"] {
            let err = refused(meta(bad));
            assert_eq!(err.code(), ErrorCode::InvalidConfig, "{bad:?}");
            assert!(err.message().contains("waba_id"), "{err}");
        }
        let err = refused(ClientOptions { waba_id: Some("102290129340398".into()), ..options() });
        assert_eq!(err.code(), ErrorCode::InvalidConfig);
        assert!(err.message().contains("waba_id is an option of the meta provider"), "{err}");
        assert_eq!(ClientConfig::from_options(options()).unwrap().waba_id(), None);
    }
}
