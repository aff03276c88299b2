//! The flags every sending command shares: where to send, as whom, and the embedded sandbox.

use std::net::{Ipv4Addr, SocketAddr};

use chatlane_core::{Client, ClientConfig, ClientOptions, Error, ErrorCategory, ErrorCode};
use chatlane_sandbox::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Sandbox, SandboxConfig};
use clap::{Args, ValueEnum};

/// The API messages go through.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Provider {
    /// Alibaba Cloud CAMS.
    #[default]
    Cams,
    /// Meta's WhatsApp Cloud API.
    Meta,
}

impl Provider {
    fn as_str(self) -> &'static str {
        self.kind().as_str()
    }

    /// The core's name for it.
    pub fn kind(self) -> chatlane_core::ProviderKind {
        match self {
            Self::Cams => chatlane_core::ProviderKind::Cams,
            Self::Meta => chatlane_core::ProviderKind::Meta,
        }
    }
}

/// The variable a Meta sender's phone number ID is read from when `--from` is not given.
pub const PHONE_NUMBER_ID_VARIABLE: &str = "WHATSAPP_PHONE_NUMBER_ID";

/// The variable a Meta client's WhatsApp Business Account ID is read from when `--waba-id`
/// is not given (read only for `--provider meta`, so it may stay set for CAMS commands).
pub const WABA_ID_VARIABLE: &str = "WHATSAPP_BUSINESS_ACCOUNT_ID";

/// Provider, endpoint, credentials and channel instance.
#[derive(Debug, Args)]
pub struct ConnectionArgs {
    /// The API to send through.
    #[arg(long, value_enum, env = "CHATLANE_PROVIDER", default_value_t)]
    pub provider: Provider,
    /// Meta: the access token (default: $WHATSAPP_ACCESS_TOKEN).
    #[arg(long, env = "WHATSAPP_ACCESS_TOKEN", hide_env_values = true, conflicts_with = "sandbox")]
    access_token: Option<String>,
    /// Meta: the Graph API version, e.g. v25.0 (default: the version chatlane pins).
    #[arg(long, value_name = "VERSION")]
    graph_version: Option<String>,
    /// Meta: the WhatsApp Business Account whose templates `templates list|show` read
    /// (default: $WHATSAPP_BUSINESS_ACCOUNT_ID; with --sandbox, the sandbox's).
    #[arg(long, value_name = "ID")]
    waba_id: Option<String>,
    /// Channel instance ID (CustSpaceId).
    #[arg(long, env = "CHATLANE_CUST_SPACE_ID")]
    cust_space_id: Option<String>,
    /// API endpoint (https, or http on loopback).
    #[arg(long, env = "CHATLANE_ENDPOINT", conflicts_with = "sandbox")]
    endpoint: Option<String>,
    /// AccessKey ID (default: $ALIBABA_CLOUD_ACCESS_KEY_ID).
    #[arg(long, requires = "access_key_secret", conflicts_with = "sandbox")]
    access_key_id: Option<String>,
    /// AccessKey secret (default: $ALIBABA_CLOUD_ACCESS_KEY_SECRET).
    #[arg(long, requires = "access_key_id", conflicts_with = "sandbox")]
    access_key_secret: Option<String>,
    /// STS security token (default: $ALIBABA_CLOUD_SECURITY_TOKEN).
    #[arg(long, requires = "access_key_id")]
    security_token: Option<String>,
    /// Profile of the Alibaba Cloud CLI's ~/.aliyun/config.json to take credentials from
    /// (default: its current profile, when no key is given otherwise).
    #[arg(long, env = "ALIBABA_CLOUD_PROFILE", conflicts_with_all = ["access_key_id", "sandbox"])]
    profile: Option<String>,
    /// Take temporary credentials from this ECS instance's RAM role (its name; "" for the
    /// instance's role), renewed before they expire.
    #[arg(long, value_name = "ROLE", conflicts_with_all = ["access_key_id", "profile", "sandbox"])]
    ecs_ram_role: Option<String>,
    /// Proxy for every request, http(s)://[user:password@]host:port (default: the
    /// HTTPS_PROXY / HTTP_PROXY / ALL_PROXY variables).
    #[arg(long, value_name = "URL", conflicts_with = "sandbox")]
    proxy: Option<String>,
    /// PEM file of CA certificates to trust besides the system's (a private CA, a
    /// TLS-inspecting proxy, `chatlane sandbox --tls`).
    #[arg(long, value_name = "FILE", conflicts_with = "sandbox")]
    ca_file: Option<std::path::PathBuf>,
    /// Pace against the account's budget kept in this Redis, shared with every process and
    /// host that names it: redis://[:password@]host:port[/db], rediss:// for TLS.
    #[arg(long, value_name = "URL", env = "CHATLANE_REDIS_URL", hide_env_values = true)]
    redis: Option<String>,
    /// While that Redis cannot be reached: `closed` waits for it (never over the limit),
    /// `local` paces at the rate divided by --redis-instances.
    #[arg(long, value_name = "POLICY", requires = "redis", value_parser = ["closed", "local"])]
    redis_outage: Option<String>,
    /// With --redis-outage local: how many processes share the budget.
    #[arg(long, value_name = "N", requires = "redis_outage")]
    redis_instances: Option<u32>,
    /// CAMS: the account whose rate budget the sends take, so several AccessKeys of one
    /// Alibaba account share one (default: the AccessKey ID).
    #[arg(long, env = "CHATLANE_ACCOUNT")]
    account: Option<String>,
    /// Send to an embedded local sandbox (no credentials needed, nothing leaves the machine).
    #[arg(long)]
    pub sandbox: bool,
    /// The embedded sandbox's configuration (JSON, as `chatlane sandbox --config` reads):
    /// its channel instances and numbers, templates, limits.
    #[arg(long, value_name = "FILE", requires = "sandbox")]
    sandbox_config: Option<std::path::PathBuf>,
}

/// A client, and the embedded sandbox it talks to when `--sandbox` was given.
pub struct Connection {
    /// The client.
    pub client: Client,
    /// Kept alive for as long as the client is used.
    _sandbox: Option<Sandbox>,
}

impl ConnectionArgs {
    /// Builds the client (starting the embedded sandbox first if asked), with `tune`
    /// applied to its options.
    pub async fn connect(&self, tune: impl FnOnce(&mut ClientOptions)) -> Result<Connection, Error> {
        let mut waba_id = self.waba_id.clone();
        let sandbox = if self.sandbox {
            let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
            let configuration = self.sandbox_configuration()?;
            if self.provider == Provider::Meta && waba_id.is_none() {
                waba_id = Some(configuration.meta.waba_id.clone());
            }
            let sandbox = Sandbox::start(configuration, addr)
                .await
                .map_err(|e| Error::new(ErrorCode::InvalidConfig, format!("cannot start the embedded sandbox: {e}")))?;
            Some(sandbox)
        } else {
            None
        };
        let mut options = match (&sandbox, self.provider) {
            (Some(sandbox), Provider::Cams) => ClientOptions {
                access_key_id: Some(DEFAULT_ACCESS_KEY_ID.to_owned()),
                access_key_secret: Some(DEFAULT_ACCESS_KEY_SECRET.to_owned()),
                endpoint: Some(sandbox.endpoint()),
                ..ClientOptions::default()
            },
            (Some(sandbox), Provider::Meta) => ClientOptions {
                access_token: Some(chatlane_sandbox::meta::DEFAULT_TOKEN.to_owned()),
                endpoint: Some(sandbox.endpoint()),
                ..ClientOptions::default()
            },
            (None, _) => ClientOptions {
                access_token: self.access_token.clone(),
                access_key_id: self.access_key_id.clone(),
                access_key_secret: self.access_key_secret.clone(),
                security_token: self.security_token.clone(),
                profile: self.profile.clone(),
                ecs_ram_role: self.ecs_ram_role.clone(),
                endpoint: self.endpoint.clone(),
                proxy: self.proxy.clone(),
                ca_certificates: self.ca_certificates()?,
                ..ClientOptions::default()
            },
        };
        options.provider = Some(self.provider.as_str().to_owned());
        options.graph_version.clone_from(&self.graph_version);
        if self.provider == Provider::Meta && waba_id.is_none() {
            waba_id = std::env::var(WABA_ID_VARIABLE).ok();
        }
        // Given to a CAMS client, the core refuses it: an option of the Meta provider.
        options.waba_id = waba_id;
        options.cust_space_id.clone_from(&self.cust_space_id);
        options.rate_limit_redis_url.clone_from(&self.redis);
        options.rate_limit_redis_outage.clone_from(&self.redis_outage);
        options.rate_limit_instances = self.redis_instances;
        options.account.clone_from(&self.account);
        options.user_agent = Some(concat!("chatlane-cli/", env!("CARGO_PKG_VERSION")).to_owned());
        tune(&mut options);
        let client = Client::new(ClientConfig::from_options(options)?)?;
        Ok(Connection { client, _sandbox: sandbox })
    }
}

impl ConnectionArgs {
    /// The Redis of `--redis`, if given.
    pub fn redis_url(&self) -> Option<&str> {
        self.redis.as_deref()
    }

    /// The sender when `--from` is not given, and the number a Meta upload is for when
    /// `--phone-number-id` is not: for Meta, the phone number ID of
    /// `$WHATSAPP_PHONE_NUMBER_ID` (with `--sandbox`, the sandbox's number).
    pub fn default_sender(&self) -> Option<String> {
        match (self.provider, self.sandbox) {
            (Provider::Cams, _) => None,
            (Provider::Meta, true) => Some(chatlane_sandbox::meta::DEFAULT_PHONE_NUMBER_ID.to_owned()),
            (Provider::Meta, false) => std::env::var(PHONE_NUMBER_ID_VARIABLE).ok(),
        }
    }

    /// The embedded sandbox's configuration: `--sandbox-config`, else the default one.
    fn sandbox_configuration(&self) -> Result<SandboxConfig, Error> {
        let Some(path) = &self.sandbox_config else { return Ok(SandboxConfig::default()) };
        std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| SandboxConfig::parse(&text))
            .map_err(|why| Error::new(ErrorCode::InvalidConfig, format!("{}: {why}", path.display())))
    }

    /// The PEM text of `--ca-file`, if given.
    fn ca_certificates(&self) -> Result<Option<String>, Error> {
        let Some(path) = &self.ca_file else { return Ok(None) };
        std::fs::read_to_string(path).map(Some).map_err(|e| {
            Error::new(ErrorCode::InvalidConfig, format!("cannot read the CA file {}: {e}", path.display()))
        })
    }
}

/// Reports `error` ([`report`]) and the exit code every command ends a failure with: 2 for a
/// validation or configuration error (the command line's fault), 1 otherwise.
pub fn failed(error: &Error) -> std::process::ExitCode {
    report(error);
    match error.category() {
        ErrorCategory::Validation | ErrorCategory::Configuration => std::process::ExitCode::from(2),
        _ => std::process::ExitCode::FAILURE,
    }
}

/// Prints an error the way every command does: code, category, violations, TaskId, hints.
pub fn report(error: &Error) {
    let violations = error.violations();
    if let Some(task_id) = error.task_id() {
        eprintln!("TaskId={task_id} attempts={}", error.attempts());
    }
    if violations.is_empty() {
        eprintln!("error [{} / {}]: {}", error.code(), error.category(), error.message());
    } else {
        eprintln!("error [{} / {}]: the message is not valid:", error.code(), error.category());
    }
    for violation in violations {
        eprintln!("  - {}: {} [{}]", violation.path, violation.message, violation.code);
    }
    if error.code() == ErrorCode::MissingCredentials && error.message().contains("access token") {
        eprintln!("hint: pass --access-token, set WHATSAPP_ACCESS_TOKEN, or try --sandbox");
    } else if error.code() == ErrorCode::InvalidConfig && error.message().starts_with("Meta keeps no message history") {
        eprintln!(
            "hint: pass --store FILE, the event store `chatlane webhook --store FILE` records Meta's webhooks in"
        );
    } else if error.code() == ErrorCode::InvalidParameter && error.message().starts_with("phoneNumberId: required") {
        eprintln!("hint: pass --phone-number-id, or set WHATSAPP_PHONE_NUMBER_ID");
    } else if error.code() == ErrorCode::MissingCredentials {
        eprintln!(
            "hint: pass --access-key-id and --access-key-secret, set the ALIBABA_CLOUD_* variables, \
             configure the aliyun CLI (~/.aliyun/config.json, --profile), or try --sandbox"
        );
    }
}
