//! Platform error codes (spec §5.3) mapped onto chatlane's stable [`ErrorCode`]s.
//!
//! The platform's list is open-ended: an unknown code keeps its raw value in the error and
//! falls back on the HTTP status (see [`by_status`]).

use crate::error::ErrorCode;

/// The chatlane code for a platform `Code` received with `http_status`.
pub fn classify(platform_code: &str, http_status: u16) -> ErrorCode {
    let code = platform_code;
    match code {
        "SignatureDoesNotMatch" | "IncompleteSignature" | "InvalidSignature" => ErrorCode::SignatureMismatch,
        "SignatureNonceUsed" => ErrorCode::NonceReused,
        "Forbidden.RAM" | "NoPermission" | "Authentication.NoAuth" | "Forbidden.AccessKeyDisabled" => {
            ErrorCode::PermissionDenied
        }
        "Forbidden.NotActivated" | "ProductNotActivated" | "Forbidden.NoSubscription" => ErrorCode::NotSubscribed,
        "MissingParameter" => ErrorCode::MissingParameter,
        "ServiceUnavailable" => ErrorCode::Server,
        "InternalError" | "UnknownError" => ErrorCode::OutcomeUnknown,
        _ if code.starts_with("InvalidAccessKeyId") => ErrorCode::InvalidAccessKey,
        _ if code.starts_with("InvalidSecurityToken") => ErrorCode::InvalidSecurityToken,
        _ if code.starts_with("InvalidTimeStamp") => ErrorCode::InvalidTimestamp,
        _ if code.starts_with("Throttling") => ErrorCode::Throttled,
        _ if code.starts_with("Forbidden") => ErrorCode::PermissionDenied,
        _ if code.ends_with("TemplateNotExist") || code == "Template.NotFound" => ErrorCode::TemplateNotFound,
        _ if code.ends_with("TemplateNotApproved") => ErrorCode::TemplateNotApproved,
        _ if code.ends_with("TemplateParamsMismatch") => ErrorCode::TemplateParamsMismatch,
        _ if code.starts_with("InvalidParameter") => ErrorCode::InvalidParameter,
        _ if code.starts_with("Missing") => ErrorCode::MissingParameter,
        _ => by_status(http_status),
    }
}

/// The chatlane code for an error answer that carries no platform `Code`.
///
/// A 503 is the gateway refusing before processing (safe to retry); any other 5xx may have
/// come after the message was accepted, so its outcome is unknown.
pub fn by_status(http_status: u16) -> ErrorCode {
    match http_status {
        429 => ErrorCode::Throttled,
        503 => ErrorCode::Server,
        500..=599 => ErrorCode::OutcomeUnknown,
        _ => ErrorCode::Rejected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCategory;

    #[test]
    fn known_families() {
        let cases = [
            ("SignatureDoesNotMatch", 400, ErrorCode::SignatureMismatch),
            ("InvalidAccessKeyId.NotFound", 404, ErrorCode::InvalidAccessKey),
            ("InvalidAccessKeyId.Inactive", 400, ErrorCode::InvalidAccessKey),
            ("InvalidTimeStamp.Expired", 400, ErrorCode::InvalidTimestamp),
            ("Forbidden.RAM", 403, ErrorCode::PermissionDenied),
            ("Authentication.NoAuth", 200, ErrorCode::PermissionDenied),
            ("Throttling.User", 400, ErrorCode::Throttled),
            ("InvalidParameter.TemplateCodeNotEmpty", 200, ErrorCode::InvalidParameter),
            ("DetailError.TemplateNotExist", 200, ErrorCode::TemplateNotFound),
            ("InvalidParameter.TemplateNotApproved", 200, ErrorCode::TemplateNotApproved),
            ("InvalidParameter.TemplateParamsMismatch", 200, ErrorCode::TemplateParamsMismatch),
            ("MissingTo", 400, ErrorCode::MissingParameter),
            ("ServiceUnavailable", 503, ErrorCode::Server),
            ("InternalError", 500, ErrorCode::OutcomeUnknown),
        ];
        for (code, status, expected) in cases {
            assert_eq!(classify(code, status), expected, "{code}");
        }
    }

    #[test]
    fn unknown_codes_fall_back_on_the_status() {
        assert_eq!(classify("Something.New", 200).category(), ErrorCategory::Rejected);
        assert_eq!(classify("Something.New", 502), ErrorCode::OutcomeUnknown);
        assert_eq!(classify("Something.New", 503), ErrorCode::Server);
        assert_eq!(classify("Something.New", 429), ErrorCode::Throttled);
    }
}
