//! The one error type: a sealed `ChatlaneException` class in Kotlin, a `ChatlaneError`
//! enum with associated values in Swift; one variant per core `ErrorCategory`.

use std::fmt;

use chatlane_core::{Error, ErrorCategory, ErrorCode};

/// One reason a message cannot be sent (a validation error carries every one).
#[derive(Clone, Debug, uniffi::Record)]
pub struct Violation {
    /// Stable machine code, e.g. `"required"`, `"digits_only"`.
    pub code: String,
    /// Field path in the model, e.g. `"template.code"`, `"from"`.
    pub path: String,
    /// Readable explanation.
    pub message: String,
}

impl From<&chatlane_core::Violation> for Violation {
    fn from(violation: &chatlane_core::Violation) -> Self {
        Self { code: violation.code.to_owned(), path: violation.path.clone(), message: violation.message.clone() }
    }
}

/// Defines [`ChatlaneError`] with the same detail fields on every variant, its conversion
/// from the core error, and the accessors that read a field whatever the variant; called
/// with the core's list of categories (`chatlane_core::error_categories!`).
macro_rules! chatlane_error {
    ($( $variant:ident $name:literal $class:literal $doc:literal; )*) => {
        /// Every chatlane failure, by category; each variant carries the same details.
        /// Kotlin names it `ChatlaneException` (its `message` lists the fields), Swift
        /// `ChatlaneError`. No field ever holds a credential.
        #[derive(Debug, uniffi::Error)]
        pub enum ChatlaneError {
            $(
                #[doc = $doc]
                $variant {
                    /// Stable fine-grained code, e.g. `"SignatureMismatch"`, `"InvalidMessage"`.
                    code: String,
                    /// Readable description (named so to stay clear of Kotlin's `message`).
                    detail: String,
                    /// The platform's own `Code`, e.g. `"SignatureDoesNotMatch"`.
                    platform_code: Option<String>,
                    /// The platform's `RequestId` (quote it to support).
                    request_id: Option<String>,
                    /// The HTTP status, when an answer arrived.
                    http_status: Option<u32>,
                    /// How long the server asked to wait before a retry, in milliseconds.
                    retry_after_ms: Option<u64>,
                    /// The message's `TaskId` (set on every send error but validation), to
                    /// reconcile outcome-unknown sends through receipts.
                    task_id: Option<String>,
                    /// How many attempts were made (0 for validation and configuration errors).
                    attempts: u32,
                    /// Every validation violation (empty for other categories).
                    violations: Vec<Violation>,
                },
            )*
        }

        impl From<Error> for ChatlaneError {
            fn from(error: Error) -> Self {
                let code = error.code().as_str().to_owned();
                let detail = error.message().to_owned();
                let platform_code = error.platform_code().map(str::to_owned);
                let request_id = error.request_id().map(str::to_owned);
                let http_status = error.http_status().map(u32::from);
                let retry_after_ms = error.retry_after().map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
                let task_id = error.task_id().map(str::to_owned);
                let attempts = error.attempts();
                let violations = error.violations().iter().map(Violation::from).collect();
                match error.category() {
                    $( ErrorCategory::$variant => Self::$variant {
                        code, detail, platform_code, request_id, http_status, retry_after_ms, task_id, attempts,
                        violations,
                    }, )*
                }
            }
        }

        impl ChatlaneError {
            /// The detail fields, whatever the variant.
            fn parts(&self) -> Parts<'_> {
                match self {
                    $( Self::$variant {
                        code, detail, platform_code, request_id, http_status, retry_after_ms, task_id, attempts,
                        violations,
                    } => Parts {
                        code, detail, platform_code, request_id, http_status: *http_status,
                        retry_after_ms: *retry_after_ms, task_id, attempts: *attempts, violations,
                    }, )*
                }
            }
        }
    };
}

chatlane_core::error_categories!(chatlane_error);

/// Borrowed detail fields of any [`ChatlaneError`] variant.
struct Parts<'a> {
    code: &'a str,
    detail: &'a str,
    platform_code: &'a Option<String>,
    request_id: &'a Option<String>,
    http_status: Option<u32>,
    retry_after_ms: Option<u64>,
    task_id: &'a Option<String>,
    attempts: u32,
    violations: &'a [Violation],
}

/// Accessors for catch-all handlers (`catch (e: ChatlaneException) { e.code() }`,
/// `catch let e as ChatlaneError { e.code() }`), which cannot read a variant's fields.
#[uniffi::export]
impl ChatlaneError {
    /// The stable fine-grained code, e.g. `"SignatureMismatch"`.
    pub fn code(&self) -> String {
        self.parts().code.to_owned()
    }

    /// The readable description.
    pub fn detail(&self) -> String {
        self.parts().detail.to_owned()
    }

    /// The platform's own `Code`, if it answered with one.
    pub fn platform_code(&self) -> Option<String> {
        self.parts().platform_code.clone()
    }

    /// The platform's `RequestId`, if it answered.
    pub fn request_id(&self) -> Option<String> {
        self.parts().request_id.clone()
    }

    /// The HTTP status, if an answer arrived.
    pub fn http_status(&self) -> Option<u32> {
        self.parts().http_status
    }

    /// How long the server asked to wait before a retry, in milliseconds.
    pub fn retry_after_ms(&self) -> Option<u64> {
        self.parts().retry_after_ms
    }

    /// The `TaskId` the failed send carried (absent for validation and configuration errors).
    pub fn task_id(&self) -> Option<String> {
        self.parts().task_id.clone()
    }

    /// How many attempts were made (0 for validation and configuration errors).
    pub fn attempts(&self) -> u32 {
        self.parts().attempts
    }

    /// Every validation violation.
    pub fn violations(&self) -> Vec<Violation> {
        self.parts().violations.to_vec()
    }
}

impl fmt::Display for ChatlaneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts = self.parts();
        write!(f, "{}: {}", parts.code, parts.detail)
    }
}

impl std::error::Error for ChatlaneError {}

/// What a Kotlin or Swift callback threw that is not a `ChatlaneException`/`ChatlaneError`
/// (a provider's I/O error): no credentials, with its description.
impl From<uniffi::UnexpectedUniFFICallbackError> for ChatlaneError {
    fn from(error: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Error::new(ErrorCode::MissingCredentials, format!("the callback failed: {}", error.reason)).into()
    }
}

/// Runs the body of an exported function: a panic inside it becomes `Internal`, a
/// `ChatlaneException`/`ChatlaneError` like every other failure, rather than UniFFI's own
/// untyped exception.
#[expect(clippy::result_large_err, reason = "the error crosses the FFI by value; UniFFI cannot lift a Box")]
pub fn guarded<T>(body: impl FnOnce() -> Result<T, ChatlaneError>) -> Result<T, ChatlaneError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(body))
        .unwrap_or_else(|panic| Err(chatlane_core::Error::from_panic(&*panic).into()))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use chatlane_core::{ErrorCode, PlatformDetails};

    use super::*;

    #[test]
    fn every_code_lands_in_the_variant_of_its_category() {
        for &code in ErrorCode::ALL {
            let converted = ChatlaneError::from(Error::new(code, "boom"));
            let shown = format!("{converted:?}");
            assert!(shown.starts_with(&format!("{:?} {{", code.category())), "{code:?} became {shown}");
            assert_eq!(converted.code(), code.as_str());
            assert_eq!(converted.detail(), "boom");
        }
    }

    #[test]
    fn details_are_carried_over() {
        let error = Error::new(ErrorCode::Throttled, "slow down")
            .with_platform(PlatformDetails {
                code: Some("Throttling.User".into()),
                message: Some("too many".into()),
                request_id: Some("req-1".into()),
                http_status: Some(429),
            })
            .with_retry_after(Some(Duration::from_millis(1500)))
            .with_task_id(Some("t-1".into()))
            .with_attempts(3);
        let converted = ChatlaneError::from(error);
        assert_eq!(converted.platform_code().as_deref(), Some("Throttling.User"));
        assert_eq!(converted.request_id().as_deref(), Some("req-1"));
        assert_eq!(converted.http_status(), Some(429));
        assert_eq!(converted.retry_after_ms(), Some(1500));
        assert_eq!(converted.task_id().as_deref(), Some("t-1"));
        assert_eq!(converted.attempts(), 3);
        let ChatlaneError::Throttled { attempts, .. } = &converted else { panic!("not Throttled: {converted:?}") };
        assert_eq!(*attempts, 3, "the variant's own field");
        assert_eq!(converted.to_string(), "Throttled: slow down");
    }

    #[test]
    fn violations_are_carried_over() {
        let message = chatlane_core::Message::text("+1", "2", "");
        let converted = ChatlaneError::from(chatlane_core::validate::validate(&message).unwrap_err());
        let paths: Vec<_> = converted.violations().into_iter().map(|v| (v.path, v.code)).collect();
        assert_eq!(
            paths,
            [("from".to_owned(), "digits_only".to_owned()), ("content.text".to_owned(), "required".to_owned())]
        );
    }
}
