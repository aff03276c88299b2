//! One stable error-code enum and the one error type every binding projects.
//!
//! [`ErrorCode`] names are part of the public contract of all four packages: they are
//! returned as strings (`err.code` in Node, `exc.code` in Python, `code` in Kotlin/Swift)
//! and never change meaning. New codes may be added. Each code belongs to exactly one
//! [`ErrorCategory`]; bindings map categories to exception classes.

use std::fmt;
use std::time::Duration;

use crate::validate::Violation;

/// Calls `$callback!` with every error category — its variant, stable name, exception class
/// name and documentation — in declaration order: the one list the core's [`ErrorCategory`]
/// and the Kotlin/Swift binding's error enum are both declared from, and from which the
/// Python and TypeScript declarations are generated (`core/examples/edge.rs`).
#[macro_export]
macro_rules! error_categories {
    ($callback:ident) => {
        $callback! {
            Validation "validation" "ValidationError"
                "The message or a parameter was rejected before anything was sent; see `violations`.";
            Configuration "configuration" "ConfigurationError"
                "The client was configured wrongly (endpoint, credentials, timeouts).";
            Authentication "authentication" "AuthenticationError"
                "The gateway did not accept the credentials or the signature.";
            Permission "permission" "PermissionDeniedError"
                "The credentials are valid but lack permission for the operation or resource.";
            Subscription "subscription" "SubscriptionError" "The product is not activated for the account.";
            Throttled "throttled" "ThrottledError"
                "The request was throttled (by the platform, or by chatlane's own pacing: `RateLimited`); it may be retried after the retry-after delay.";
            Template "template" "TemplateError"
                "The template is unknown, not approved, or its parameters do not match.";
            SessionWindow "session_window" "SessionWindowError"
                "A free-form message was sent outside the recipient's 24-hour window.";
            InvalidParameter "invalid_parameter" "InvalidParameterError" "The platform rejected a parameter.";
            Rejected "rejected" "RejectedError"
                "The platform rejected the request for a reason chatlane does not classify further.";
            Network "network" "NetworkError" "The request could not be delivered to the server (nothing was sent).";
            Timeout "timeout" "RequestTimeoutError" "No answer arrived in time and the request was never written.";
            OutcomeUnknown "outcome_unknown" "OutcomeUnknownError"
                "The request may or may not have taken effect (no complete answer, an HTTP 5xx other than 503, a 2xx without `Code=OK` and a `MessageId`); never retried: reconcile through receipts by its `TaskId`.";
            Server "server" "ServerError"
                "The gateway refused before processing (HTTP 503); retried until the attempts run out.";
            MalformedResponse "malformed_response" "MalformedResponseError"
                "A refusal (HTTP 4xx) whose answer could not be read (an unreadable success is outcome-unknown).";
            Storage "storage" "StorageError"
                "The event store (an SQLite file, Redis) could not be read or written; what it was given was not acknowledged.";
            Internal "internal" "InternalError" "A bug in chatlane (a caught panic); please report it.";
        }
    };
}

macro_rules! declare_categories {
    ($( $variant:ident $name:literal $class:literal $doc:literal; )*) => {
        /// The coarse family of an error: what a caller can do about it.
        ///
        /// Bindings turn each category into one exception class (`chatlane.ThrottledError`,
        /// `ThrottledError` in Node, `ChatlaneException.Throttled` in Kotlin…).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorCategory {
            $( #[doc = $doc] $variant, )*
        }

        impl ErrorCategory {
            /// Every category, in declaration order.
            pub const ALL: [ErrorCategory; 17] = [ $( Self::$variant, )* ];

            /// Stable lower-snake-case name, e.g. `"outcome_unknown"`.
            pub const fn as_str(self) -> &'static str {
                match self { $( Self::$variant => $name, )* }
            }

            /// The exception class name bindings use for this category, e.g. `"ThrottledError"`.
            pub const fn class_name(self) -> &'static str {
                match self { $( Self::$variant => $class, )* }
            }

            /// What the category means, as every binding documents its class.
            pub const fn doc(self) -> &'static str {
                match self { $( Self::$variant => $doc, )* }
            }
        }
    };
}

error_categories!(declare_categories);

impl fmt::Display for ErrorCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $name:ident => $category:ident, )*) => {
        /// Stable, fine-grained error code. The string form is the variant name.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $name, )*
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ErrorCode] = &[ $( Self::$name, )* ];

            /// Stable string form, e.g. `"SignatureMismatch"`.
            pub const fn as_str(self) -> &'static str {
                match self { $( Self::$name => stringify!($name), )* }
            }

            /// The category this code belongs to.
            pub const fn category(self) -> ErrorCategory {
                match self { $( Self::$name => ErrorCategory::$category, )* }
            }
        }
    };
}

error_codes! {
    /// The message failed client-side validation.
    InvalidMessage => Validation,
    /// The client configuration is invalid (endpoint, credentials, timeouts).
    InvalidConfig => Configuration,
    /// No credentials were given and none were found in the environment.
    MissingCredentials => Configuration,
    /// `SignatureDoesNotMatch` / `IncompleteSignature`: wrong secret or a broken signer.
    SignatureMismatch => Authentication,
    /// `InvalidAccessKeyId.NotFound` / `.Inactive`.
    InvalidAccessKey => Authentication,
    /// `InvalidSecurityToken.*`: the STS token is wrong or expired.
    InvalidSecurityToken => Authentication,
    /// `InvalidTimeStamp.*`: the local clock is more than 15 minutes off.
    InvalidTimestamp => Authentication,
    /// `SignatureNonceUsed`: a nonce was replayed.
    NonceReused => Authentication,
    /// The bearer token expired or was revoked (Meta codes 190 and 0): get a new one.
    TokenExpired => Authentication,
    /// An OAuth authorization code or refresh token was refused: expired, already used,
    /// forged, or the redirect URI differs from the one that obtained it.
    InvalidGrant => Authentication,
    /// The OAuth client (app ID and app secret) was refused.
    InvalidClient => Authentication,
    /// The `state` returned to the OAuth redirect is not the one sent: a forged or
    /// mixed-up callback. Nothing was exchanged.
    StateMismatch => Authentication,
    /// `Forbidden.RAM`, `NoPermission`, `Authentication.NoAuth`.
    PermissionDenied => Permission,
    /// The token lacks a scope (permission) the client needs; the message names it.
    MissingScope => Permission,
    /// The CAMS product is not activated for the account.
    NotSubscribed => Subscription,
    /// `Throttling*` or HTTP 429.
    Throttled => Throttled,
    /// The client's own rate limiter had no slot within the allowed wait; nothing was sent.
    RateLimited => Throttled,
    /// The template does not exist.
    TemplateNotFound => Template,
    /// The template exists but is not approved for sending.
    TemplateNotApproved => Template,
    /// The template parameters do not match the template's variables.
    TemplateParamsMismatch => Template,
    /// Free-form message outside the customer-service window.
    SessionWindowClosed => SessionWindow,
    /// `MissingParameter` / `Missing<Name>`.
    MissingParameter => InvalidParameter,
    /// `InvalidParameter*`.
    InvalidParameter => InvalidParameter,
    /// Any other platform error code; the raw `Code` is kept in `platform_code`.
    Rejected => Rejected,
    /// Connecting failed (refused, DNS, TLS) before the request was written.
    Connect => Network,
    /// The connect timeout elapsed before a connection was made.
    ConnectTimeout => Timeout,
    /// The request may have been processed: no complete answer after it was written, a 2xx
    /// that does not name the accepted message, a 5xx the provider does not prove unprocessed
    /// (CAMS: other than 503, whatever its `Code`), Meta's "unknown error" codes (1, 131000).
    /// Not retried; reconcile through receipts by `TaskId`.
    OutcomeUnknown => OutcomeUnknown,
    /// The provider refused before processing (retried): CAMS's HTTP 503
    /// (`ServiceUnavailable` or no code), Meta's "temporarily unavailable" codes (2, 131016,
    /// 133004).
    Server => Server,
    /// A refusal (HTTP 4xx) whose body is not the JSON the API documents: the message was
    /// not accepted, but why cannot be read. (An unreadable 2xx is [`ErrorCode::OutcomeUnknown`].)
    MalformedResponse => MalformedResponse,
    /// The event store failed (the SQLite file cannot be opened or written, it is busy beyond
    /// its timeout, Redis is unreachable); nothing given to it was acknowledged.
    StoreFailed => Storage,
    /// A bug in chatlane: a panic was caught at the binding boundary.
    Internal => Internal,
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Details the platform returned with an error answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlatformDetails {
    /// The platform's `Code`, e.g. `"SignatureDoesNotMatch"`.
    pub code: Option<String>,
    /// The platform's `Message`.
    pub message: Option<String>,
    /// The platform's `RequestId` (body, or the `x-acs-request-id` header).
    pub request_id: Option<String>,
    /// The HTTP status of the answer.
    pub http_status: Option<u16>,
}

/// The error every chatlane operation returns (one pointer wide).
///
/// Never contains secrets: messages are built from codes, parameter names and the
/// platform's own answer, never from credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct Error(Box<Repr>);

#[derive(Clone, Debug, PartialEq, Eq)]
struct Repr {
    code: ErrorCode,
    message: String,
    platform: PlatformDetails,
    retry_after: Option<Duration>,
    task_id: Option<String>,
    attempts: u32,
    violations: Vec<Violation>,
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.code, self.0.message)
    }
}

impl std::error::Error for Error {}

impl Error {
    /// A new error with a code and a readable message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self(Box::new(Repr {
            code,
            message: message.into(),
            platform: PlatformDetails::default(),
            retry_after: None,
            task_id: None,
            attempts: 0,
            violations: Vec::new(),
        }))
    }

    /// Attaches the validation violations behind an [`ErrorCode::InvalidMessage`].
    pub fn with_violations(mut self, violations: Vec<Violation>) -> Self {
        self.0.violations = violations;
        self
    }

    /// Attaches what the platform answered.
    pub fn with_platform(mut self, platform: PlatformDetails) -> Self {
        self.0.platform = platform;
        self
    }

    /// Attaches the delay the server asked for before a retry.
    pub fn with_retry_after(mut self, retry_after: Option<Duration>) -> Self {
        self.0.retry_after = retry_after;
        self
    }

    /// Attaches the `TaskId` of the message the error concerns.
    pub fn with_task_id(mut self, task_id: Option<String>) -> Self {
        self.0.task_id = task_id;
        self
    }

    /// Records how many attempts were made before this error was surfaced.
    pub fn with_attempts(mut self, attempts: u32) -> Self {
        self.0.attempts = attempts;
        self
    }

    /// How many requests were sent or tried (0 when it failed before the first attempt).
    pub fn attempts(&self) -> u32 {
        self.0.attempts
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.0.code
    }

    /// The category of [`Self::code`].
    pub fn category(&self) -> ErrorCategory {
        self.0.code.category()
    }

    /// A readable description.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// What the platform answered, if it answered.
    pub fn platform(&self) -> &PlatformDetails {
        &self.0.platform
    }

    /// The platform's `Code`, if any.
    pub fn platform_code(&self) -> Option<&str> {
        self.0.platform.code.as_deref()
    }

    /// The platform's `RequestId`, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.0.platform.request_id.as_deref()
    }

    /// The HTTP status, if an answer arrived.
    pub fn http_status(&self) -> Option<u16> {
        self.0.platform.http_status
    }

    /// How long the server asked to wait before retrying.
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }

    /// The `TaskId` of the message, set on outcome-unknown errors so callers can reconcile.
    pub fn task_id(&self) -> Option<&str> {
        self.0.task_id.as_deref()
    }

    /// Every validation violation (empty unless the code is [`ErrorCode::InvalidMessage`]).
    pub fn violations(&self) -> &[Violation] {
        &self.0.violations
    }

    /// The error a binding reports for a caught panic.
    pub fn from_panic(payload: &(dyn std::any::Any + Send)) -> Self {
        let detail = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        Self::new(ErrorCode::Internal, format!("internal error (please report): {detail}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_distinct_name() {
        let mut names: Vec<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ErrorCode::ALL.len());
    }

    #[test]
    fn every_category_has_a_code_and_a_distinct_class() {
        for category in ErrorCategory::ALL {
            assert!(ErrorCode::ALL.iter().any(|c| c.category() == category), "{category}");
        }
        let mut classes: Vec<_> = ErrorCategory::ALL.iter().map(|c| c.class_name()).collect();
        classes.sort_unstable();
        classes.dedup();
        assert_eq!(classes.len(), ErrorCategory::ALL.len());
    }

    #[test]
    fn errors_are_one_pointer_wide() {
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn panic_payloads_become_internal_errors() {
        let err = Error::from_panic(&"boom");
        assert_eq!(err.code(), ErrorCode::Internal);
        assert!(err.message().contains("boom"));
        let err = Error::from_panic(&String::from("owned boom"));
        assert!(err.message().contains("owned boom"));
    }
}
