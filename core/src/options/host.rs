//! Reading options as a host language hands them over: its values ([`HostValue`]), its
//! names and units ([`Dialect`]), and the one table of every option with its documentation,
//! from which the bindings' declarations are generated (`scripts/codegen.sh`).

use super::{ClientOptions, SendOptions, invalid};
use crate::error::Error;

/// Every setting one send may take, by its `snake_case` name.
const SEND_OPTIONS: [(&str, Kind, &str); 2] = [
    ("timeout", Kind::Duration, "This send's whole-request timeout for each of its attempts, instead of the client's."),
    (
        "resend",
        Kind::Flag,
        "Send again a message proven never to have arrived: its `taskId` is that of a send the client's event store holds proven absent (by `reconcile`), which is marked re-sent before the request, so it never goes twice; a send in any other state is refused with `OutcomeUnknown`, nothing sent.",
    ),
];

impl SendOptions {
    /// Reads a send's settings as [`ClientOptions::from_host`] reads a client's, with the same
    /// rules and errors (a timeout is 1 ms to 24 hours).
    pub fn from_host<'a>(
        dialect: Dialect,
        fields: impl IntoIterator<Item = (&'a str, HostValue)>,
    ) -> Result<Self, Error> {
        let mut options = Self::default();
        for (name, value) in fields {
            let (_, kind) = find(&SEND_OPTIONS, dialect, name)?;
            match read(dialect, name, kind, value)? {
                Read::Millis(ms) => options.request_timeout = Self::with_timeout_ms(ms)?.request_timeout,
                Read::Flag(resend) => options.resend = resend,
                _ => unreachable!("SEND_OPTIONS holds a duration and a flag"),
            }
        }
        Ok(options)
    }
}

/// The option called `name` in `dialect` among `options`.
fn find(options: &[(&'static str, Kind, &str)], dialect: Dialect, name: &str) -> Result<(&'static str, Kind), Error> {
    let found = options.iter().find(|(snake, kind, _)| dialect.name(snake, *kind) == name);
    found.map(|(snake, kind, _)| (*snake, *kind)).ok_or_else(|| {
        let names: Vec<_> = options.iter().map(|(snake, kind, _)| dialect.name(snake, *kind)).collect();
        invalid(format!("unknown option {name:?}; expected one of {}", names.join(", ")))
    })
}

/// An option's value as the host language gave it, before chatlane judges it.
#[derive(Clone, Debug, PartialEq)]
pub enum HostValue {
    /// `None`, `null` or `undefined`: the option is not set.
    Absent,
    /// A boolean.
    Bool(bool),
    /// A whole number; one beyond `i128` saturates (it is out of every range anyway).
    Integer(i128),
    /// A floating-point number, perhaps NaN or infinite.
    Float(f64),
    /// A string.
    Text(String),
    /// Anything else: a list, an object, a string that is not Unicode text (a lone surrogate).
    Other,
}

/// How a host language names and measures options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// `snake_case` keyword arguments, durations in seconds (`connect_timeout=5.0`).
    Python,
    /// `camelCase` properties, durations in milliseconds (`connectTimeoutMs: 5000`).
    JavaScript,
}

/// What an option holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Text,
    /// A bearer token: text to the core; a binding may also take its own token object (with an
    /// expiry and scopes) for it, which its declarations say.
    Token,
    Duration,
    Rate,
    Count,
    Flag,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Token => "token",
            Self::Duration => "duration",
            Self::Rate => "rate",
            Self::Count => "count",
            Self::Flag => "flag",
        }
    }
}

/// Every option a binding may set: its `snake_case` name, what it holds, its documentation
/// (the bindings' declarations are generated from it: `scripts/codegen.sh`).
const OPTIONS: [(&str, Kind, &str); 32] = [
    (
        "provider",
        Kind::Text,
        "The API messages go through: `cams` (default, Alibaba Cloud CAMS) or `meta` (WhatsApp Cloud API).",
    ),
    (
        "access_token",
        Kind::Token,
        "Meta: the bearer token, or an `AccessToken` with its expiry (past it, sends fail with `TokenExpired` unless renewed) and scopes (without `whatsapp_business_messaging`, the client is not built: `MissingScope`); else `WHATSAPP_ACCESS_TOKEN`. Never shown in a printed form or an error.",
    ),
    ("graph_version", Kind::Text, "Meta: the Graph API version, e.g. `v25.0` (default: the version chatlane pins)."),
    (
        "waba_id",
        Kind::Text,
        "Meta: the WhatsApp Business Account ID (a number), whose message templates the client lists and reads; reading templates needs it.",
    ),
    (
        "access_key_id",
        Kind::Text,
        "AccessKey ID, with the secret; without either, credentials are looked for (a profile, the `ALIBABA_CLOUD_*` variables, a RAM role).",
    ),
    ("access_key_secret", Kind::Text, "AccessKey secret; never shown in a printed form or an error."),
    ("security_token", Kind::Text, "STS security token."),
    ("profile", Kind::Text, "The Alibaba Cloud CLI profile to take credentials from (else `ALIBABA_CLOUD_PROFILE`)."),
    (
        "profile_file",
        Kind::Text,
        "The Alibaba Cloud CLI configuration holding the profiles (default `~/.aliyun/config.json`).",
    ),
    (
        "ecs_ram_role",
        Kind::Text,
        "Take temporary credentials from this ECS instance's RAM role (its name; empty: the instance's role), renewed before they expire.",
    ),
    (
        "ecs_metadata_endpoint",
        Kind::Text,
        "The instance metadata service of the RAM role (default `http://100.100.100.200`).",
    ),
    (
        "endpoint",
        Kind::Text,
        "`https://host[:port]`; plain `http://` only for loopback hosts (default: the international CAMS endpoint, or Meta's Graph host).",
    ),
    ("cust_space_id", Kind::Text, "CAMS: default `CustSpaceId` for messages that do not set one."),
    (
        "proxy",
        Kind::Text,
        "A proxy for every request, `http(s)://[user:password@]host:port` (default: the `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` variables, which skip loopback endpoints).",
    ),
    (
        "ca_certificates",
        Kind::Text,
        "PEM certificates to trust besides the system's roots (a private CA, a TLS-inspecting proxy).",
    ),
    ("connect_timeout", Kind::Duration, "Connect timeout (default 5 s)."),
    ("request_timeout", Kind::Duration, "Whole-request timeout of each attempt (default 10 s)."),
    (
        "rate_limit_per_second",
        Kind::Rate,
        "Client-side pacing of sends, per second: one a day to 1,000,000 (default: CAMS 250 per account, Meta 80 per business number).",
    ),
    (
        "rate_limit_burst",
        Kind::Count,
        "Sends that may go back to back before pacing applies: 1 to 1,000,000 (default 1).",
    ),
    (
        "rate_limit_max_wait",
        Kind::Duration,
        "The longest a send waits for a pacing slot; 0 fails fast with `RateLimited` (default: as long as it takes).",
    ),
    ("rate_limit_disabled", Kind::Flag, "Turns client-side pacing off, for sends and every other operation."),
    (
        "rate_limit_redis_url",
        Kind::Text,
        "Pace against a budget kept in this Redis (`redis://[:password@]host:port[/db]`, `rediss://` for TLS), shared by every process and host that names it, so a fleet of workers stays under the account's limits together. The password is never shown.",
    ),
    (
        "rate_limit_redis_outage",
        Kind::Text,
        "What sends do while that Redis cannot be reached: `closed` (default) waits for it, as long as the pacing wait allows, then fails with `RateLimited` — never over the limit; `local` paces in this process at the quota divided by `rate_limit_instances` and asks Redis again every second.",
    ),
    (
        "rate_limit_instances",
        Kind::Count,
        "With `rate_limit_redis_outage=\"local\"`: how many processes share the budget (at least 1).",
    ),
    (
        "account",
        Kind::Text,
        "CAMS: the account whose rate budgets this client's calls take, so several AccessKeys of one Alibaba account (RAM users, rotating STS keys) share one (default: the first AccessKey ID the client signs with).",
    ),
    (
        "max_attempts",
        Kind::Count,
        "Attempts in all for failures that provably had no effect (throttled, connection refused, HTTP 503): 1 to 100 (default 4).",
    ),
    ("retry_deadline", Kind::Duration, "No retry starts later than this after the first attempt (default 30 s)."),
    (
        "event_store",
        Kind::Text,
        "The event store a webhook receiver fills — an SQLite file (one host), a Redis URL `redis://[:password@]host:port[/db]` (a fleet) or `:memory:`: sends whose outcome is unknown are recorded there for receipts to resolve, 24-hour windows are read from it, and a Meta client's message history is listed from it.",
    ),
    (
        "session_window",
        Kind::Text,
        "`ignore` (default); `enforce`: refuse a free-form WhatsApp message before sending (`SessionWindowClosed`) when the event store has no message from the recipient in the last 24 hours; `fallback`: send the fallback template instead (the receipt's `fallback` says so).",
    ),
    (
        "session_window_template",
        Kind::Text,
        "With `session_window=\"fallback\"`: the template sent instead, without parameters (CAMS: its code; Meta: its name).",
    ),
    ("session_window_language", Kind::Text, "With `session_window=\"fallback\"`: the fallback template's language."),
    (
        "template_cache_ttl",
        Kind::Duration,
        "Check every template send against the template before sending (it exists in that language, is approved and allowed to send — else `TemplateNotFound` or `TemplateNotApproved` —, its parameters are exactly its variables and its payloads fit its quick-reply buttons — else `InvalidMessage` with every violation), each template read with `GetChatappTemplateDetail` and kept this long. Default: no checking. CAMS only.",
    ),
];

/// One option as a binding declares it: its name, what it holds (`text`, `duration`,
/// `rate`, `count`, `flag`) and its documentation, in a [`Dialect`] (code generation).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct OptionDoc {
    /// The name, e.g. `connect_timeout` or `connectTimeoutMs`.
    pub name: String,
    /// What it holds.
    pub kind: &'static str,
    /// Its documentation, units included.
    pub doc: String,
}

impl Dialect {
    /// Every client option, named and documented in this dialect.
    pub fn client_option_docs(self) -> Vec<OptionDoc> {
        self.docs(&OPTIONS)
    }

    /// Every setting one send may take, named and documented in this dialect.
    pub fn send_option_docs(self) -> Vec<OptionDoc> {
        self.docs(&SEND_OPTIONS)
    }

    fn docs(self, options: &[(&str, Kind, &str)]) -> Vec<OptionDoc> {
        let unit = match self {
            Self::Python => " In seconds, 0.001 to 86,400.",
            Self::JavaScript => " In milliseconds, 1 to 86,400,000.",
        };
        let doc = |kind: Kind, doc: &str| if kind == Kind::Duration { format!("{doc}{unit}") } else { doc.to_owned() };
        options
            .iter()
            .map(|(snake, kind, text)| OptionDoc {
                name: self.name(snake, *kind),
                kind: kind.as_str(),
                doc: doc(*kind, text),
            })
            .collect()
    }

    /// The name of option `snake` (one of [`OPTIONS`]) in this dialect.
    fn name(self, snake: &str, kind: Kind) -> String {
        match self {
            Self::Python => snake.to_owned(),
            Self::JavaScript => {
                let mut words = snake.split('_');
                let mut name: String = words.next().unwrap_or_default().to_owned();
                for word in words {
                    let mut chars = word.chars();
                    name.extend(chars.next().map(|c| c.to_ascii_uppercase()));
                    name.push_str(chars.as_str());
                }
                if kind == Kind::Duration {
                    name.push_str("Ms");
                }
                name
            }
        }
    }

    /// Every option name in this dialect, in documentation order.
    pub fn option_names(self) -> Vec<String> {
        OPTIONS.iter().map(|(snake, kind, _)| self.name(snake, *kind)).collect()
    }

    /// Milliseconds per unit of a duration in this dialect.
    fn millis_per_unit(self) -> f64 {
        match self {
            Self::Python => 1000.0,
            Self::JavaScript => 1.0,
        }
    }
}

impl ClientOptions {
    /// Reads options named and measured in `dialect`. A name nobody reads, or a value of
    /// the wrong type, sign or form, is an `InvalidConfig` error naming the option (never
    /// quoting its value); ranges are checked by [`crate::ClientConfig::from_options`].
    pub fn from_host<'a>(
        dialect: Dialect,
        fields: impl IntoIterator<Item = (&'a str, HostValue)>,
    ) -> Result<Self, Error> {
        let mut options = Self::default();
        for (name, value) in fields {
            let (snake, kind) = find(&OPTIONS, dialect, name)?;
            options.set(snake, read(dialect, name, kind, value)?);
        }
        Ok(options)
    }

    /// Stores a read value into the field of option `snake`.
    fn set(&mut self, snake: &str, value: Read) {
        match (snake, value) {
            ("provider", Read::Text(v)) => self.provider = v,
            ("access_token", Read::Text(v)) => self.access_token = v,
            ("graph_version", Read::Text(v)) => self.graph_version = v,
            ("waba_id", Read::Text(v)) => self.waba_id = v,
            ("access_key_id", Read::Text(v)) => self.access_key_id = v,
            ("access_key_secret", Read::Text(v)) => self.access_key_secret = v,
            ("security_token", Read::Text(v)) => self.security_token = v,
            ("profile", Read::Text(v)) => self.profile = v,
            ("profile_file", Read::Text(v)) => self.profile_file = v,
            ("ecs_ram_role", Read::Text(v)) => self.ecs_ram_role = v,
            ("ecs_metadata_endpoint", Read::Text(v)) => self.ecs_metadata_endpoint = v,
            ("endpoint", Read::Text(v)) => self.endpoint = v,
            ("cust_space_id", Read::Text(v)) => self.cust_space_id = v,
            ("proxy", Read::Text(v)) => self.proxy = v,
            ("ca_certificates", Read::Text(v)) => self.ca_certificates = v,
            ("rate_limit_redis_url", Read::Text(v)) => self.rate_limit_redis_url = v,
            ("rate_limit_redis_outage", Read::Text(v)) => self.rate_limit_redis_outage = v,
            ("account", Read::Text(v)) => self.account = v,
            ("event_store", Read::Text(v)) => self.event_store = v,
            ("session_window", Read::Text(v)) => self.session_window = v,
            ("session_window_template", Read::Text(v)) => self.session_window_template = v,
            ("session_window_language", Read::Text(v)) => self.session_window_language = v,
            ("connect_timeout", Read::Millis(v)) => self.connect_timeout_ms = v,
            ("request_timeout", Read::Millis(v)) => self.request_timeout_ms = v,
            ("rate_limit_max_wait", Read::Millis(v)) => self.rate_limit_max_wait_ms = v,
            ("retry_deadline", Read::Millis(v)) => self.retry_deadline_ms = v,
            ("template_cache_ttl", Read::Millis(v)) => self.template_cache_ttl_ms = v,
            ("rate_limit_per_second", Read::Rate(v)) => self.rate_limit_per_second = v,
            ("rate_limit_burst", Read::Count(v)) => self.rate_limit_burst = v,
            ("rate_limit_instances", Read::Count(v)) => self.rate_limit_instances = v,
            ("max_attempts", Read::Count(v)) => self.max_attempts = v,
            ("rate_limit_disabled", Read::Flag(v)) => self.rate_limit_disabled = v,
            _ => unreachable!("OPTIONS pairs every name with the kind its field holds"),
        }
    }
}

/// A host value read as an option's kind.
enum Read {
    Text(Option<String>),
    Millis(Option<u64>),
    Rate(Option<f64>),
    Count(Option<u32>),
    Flag(bool),
}

/// Reads `value` as option `name` of `kind`.
fn read(dialect: Dialect, name: &str, kind: Kind, value: HostValue) -> Result<Read, Error> {
    let wrong = |expected: &str| invalid(format!("option {name:?} must be {expected}"));
    let number = match value {
        HostValue::Integer(n) => Some(n as f64),
        HostValue::Float(f) => Some(f),
        _ => None,
    };
    if value == HostValue::Absent {
        return Ok(match kind {
            Kind::Text | Kind::Token => Read::Text(None),
            Kind::Duration => Read::Millis(None),
            Kind::Rate => Read::Rate(None),
            Kind::Count => Read::Count(None),
            Kind::Flag => Read::Flag(false),
        });
    }
    match kind {
        Kind::Text | Kind::Token => match value {
            HostValue::Text(text) => Ok(Read::Text(Some(text))),
            _ => Err(wrong("a string")),
        },
        Kind::Flag => match value {
            HostValue::Bool(flag) => Ok(Read::Flag(flag)),
            _ => Err(wrong("a boolean")),
        },
        Kind::Rate => match number {
            Some(rate) if rate.is_finite() => Ok(Read::Rate(Some(rate))),
            _ => Err(wrong("a finite number of sends per second")),
        },
        Kind::Count => {
            let whole = match value {
                HostValue::Integer(n) => Some(n),
                HostValue::Float(f) if f.is_finite() && f.fract() == 0.0 => Some(f as i128),
                _ => None,
            };
            match whole {
                // Beyond u32 it saturates, which the range check refuses.
                Some(n) if n >= 0 => Ok(Read::Count(Some(u32::try_from(n).unwrap_or(u32::MAX)))),
                _ => Err(wrong("a whole, non-negative number")),
            }
        }
        Kind::Duration => {
            let unit = if dialect == Dialect::Python { "seconds" } else { "milliseconds" };
            match number {
                Some(amount) if amount.is_finite() && amount >= 0.0 => {
                    // Rounded up, so a tiny positive duration never becomes zero; the cast
                    // saturates beyond u64, which the range check refuses.
                    Ok(Read::Millis(Some((amount * dialect.millis_per_unit()).ceil() as u64)))
                }
                _ => Err(wrong(&format!("a finite, non-negative number of {unit}"))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::client::ClientConfig;
    use crate::error::ErrorCode;

    #[test]
    fn host_values_read_in_each_dialect() {
        let python = ClientOptions::from_host(
            Dialect::Python,
            [("connect_timeout", HostValue::Float(0.0001)), ("max_attempts", HostValue::Integer(3))],
        )
        .unwrap();
        assert_eq!((python.connect_timeout_ms, python.max_attempts), (Some(1), Some(3)));
        let js = ClientOptions::from_host(
            Dialect::JavaScript,
            [("connectTimeoutMs", HostValue::Integer(2500)), ("rateLimitDisabled", HostValue::Bool(true))],
        )
        .unwrap();
        assert_eq!((js.connect_timeout_ms, js.rate_limit_disabled), (Some(2500), true));
        assert_eq!(Dialect::JavaScript.option_names()[1], "accessToken");
        assert_eq!(Dialect::JavaScript.option_names()[3], "wabaId");
        assert_eq!(Dialect::JavaScript.option_names()[8], "profileFile");
        assert_eq!(Dialect::JavaScript.option_names()[9], "ecsRamRole");
        let names = Dialect::JavaScript.option_names();
        assert!(names.iter().any(|name| name == "retryDeadlineMs"), "durations end in Ms: {names:?}");
        assert!(names.iter().any(|name| name == "rateLimitRedisUrl"), "{names:?}");
    }

    #[test]
    fn wrong_host_values_name_the_option_and_never_the_value() {
        let cases = [
            ("max_attempts", HostValue::Integer(-1)),
            ("max_attempts", HostValue::Float(2.5)),
            ("rate_limit_per_second", HostValue::Float(f64::NAN)),
            ("connect_timeout", HostValue::Float(-1.0)),
            ("connect_timeout", HostValue::Bool(true)),
            ("access_key_secret", HostValue::Integer(1234567)),
            ("access_key_secret", HostValue::Other),
            ("nope", HostValue::Integer(1)),
        ];
        for (name, value) in cases {
            let err = ClientOptions::from_host(Dialect::Python, [(name, value.clone())]).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidConfig, "{name} {value:?}");
            assert!(err.message().contains(name), "{err}");
            assert!(!err.message().contains("1234567"), "{err}");
        }
        let huge = ClientOptions::from_host(Dialect::Python, [("max_attempts", HostValue::Integer(1 << 32))]).unwrap();
        assert_eq!(
            ClientConfig::from_options(ClientOptions {
                access_key_id: Some("AK".into()),
                access_key_secret: Some("SK".into()),
                max_attempts: huge.max_attempts,
                ..ClientOptions::default()
            })
            .unwrap_err()
            .code(),
            ErrorCode::InvalidConfig
        );
    }

    #[test]
    fn a_sends_timeout_is_read_and_checked_like_the_clients() {
        let python = SendOptions::from_host(Dialect::Python, [("timeout", HostValue::Float(0.25))]).unwrap();
        assert_eq!(python.request_timeout, Some(Duration::from_millis(250)));
        let js = SendOptions::from_host(Dialect::JavaScript, [("timeoutMs", HostValue::Integer(1500))]).unwrap();
        assert_eq!(js.request_timeout, Some(Duration::from_millis(1500)));
        assert_eq!(
            SendOptions::from_host(Dialect::Python, [("timeout", HostValue::Absent)]).unwrap(),
            SendOptions::default()
        );
        for (name, value) in [
            ("timeout", HostValue::Float(f64::NAN)),
            ("timeout", HostValue::Integer(0)),
            ("timeout", HostValue::Float(-1.0)),
            ("timeout", HostValue::Integer(100_000)),
            ("timeout", HostValue::Text("5".into())),
            ("timeoutMs", HostValue::Integer(5)),
        ] {
            let err = SendOptions::from_host(Dialect::Python, [(name, value.clone())]).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidConfig, "{name} {value:?}");
        }
    }
}
