//! Platform error codes (spec §5.3) mapped onto chatlane's stable [`ErrorCode`]s.
//!
//! A code says *why* a request was refused; whether it was refused at all is decided by the
//! HTTP status first ([`super::response`]). The platform's list is open-ended: an unknown
//! code keeps its raw value in the error and becomes [`ErrorCode::Rejected`].

use crate::error::ErrorCode;

/// The chatlane code for a refusal carrying the platform `Code` `code`, if chatlane knows
/// the code's family.
pub fn classify(code: &str) -> Option<ErrorCode> {
    let known = match code {
        "SignatureDoesNotMatch" | "IncompleteSignature" | "InvalidSignature" => ErrorCode::SignatureMismatch,
        "SignatureNonceUsed" => ErrorCode::NonceReused,
        "Forbidden.RAM" | "NoPermission" | "Authentication.NoAuth" | "Forbidden.AccessKeyDisabled" => {
            ErrorCode::PermissionDenied
        }
        "Forbidden.NotActivated" | "ProductNotActivated" | "Forbidden.NoSubscription" => ErrorCode::NotSubscribed,
        "MissingParameter" => ErrorCode::MissingParameter,
        _ if code.starts_with("InvalidAccessKeyId") => ErrorCode::InvalidAccessKey,
        _ if code.starts_with("InvalidSecurityToken") => ErrorCode::InvalidSecurityToken,
        _ if code.starts_with("InvalidTimeStamp") => ErrorCode::InvalidTimestamp,
        _ if is_throttling(code) => ErrorCode::Throttled,
        _ if code.starts_with("Forbidden") => ErrorCode::PermissionDenied,
        _ if code.ends_with("TemplateNotExist") || code == "Template.NotFound" => ErrorCode::TemplateNotFound,
        _ if code.ends_with("TemplateNotApproved") => ErrorCode::TemplateNotApproved,
        _ if code.ends_with("TemplateParamsMismatch") => ErrorCode::TemplateParamsMismatch,
        _ if code.starts_with("InvalidParameter") => ErrorCode::InvalidParameter,
        _ if code.starts_with("Missing") => ErrorCode::MissingParameter,
        _ => return None,
    };
    Some(known)
}

/// Whether `code` is one of the gateway's QPS refusals (`Throttling`, `Throttling.User`,
/// `Throttling.Api`…).
fn is_throttling(code: &str) -> bool {
    code.starts_with("Throttling")
}

/// Whether `code` says the platform itself failed while handling the request
/// (`InternalError`, `UnknownError`, `ServiceUnavailable`): it proves nothing about whether
/// the message was accepted, whatever the HTTP status.
pub fn is_server_fault(code: &str) -> bool {
    matches!(code, "InternalError" | "UnknownError" | "ServiceUnavailable")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_families() {
        let cases = [
            ("SignatureDoesNotMatch", ErrorCode::SignatureMismatch),
            ("InvalidAccessKeyId.NotFound", ErrorCode::InvalidAccessKey),
            ("InvalidAccessKeyId.Inactive", ErrorCode::InvalidAccessKey),
            ("InvalidTimeStamp.Expired", ErrorCode::InvalidTimestamp),
            ("Forbidden.RAM", ErrorCode::PermissionDenied),
            ("Authentication.NoAuth", ErrorCode::PermissionDenied),
            ("Throttling.User", ErrorCode::Throttled),
            ("InvalidParameter.TemplateCodeNotEmpty", ErrorCode::InvalidParameter),
            ("DetailError.TemplateNotExist", ErrorCode::TemplateNotFound),
            ("InvalidParameter.TemplateNotApproved", ErrorCode::TemplateNotApproved),
            ("InvalidParameter.TemplateParamsMismatch", ErrorCode::TemplateParamsMismatch),
            ("MissingTo", ErrorCode::MissingParameter),
        ];
        for (code, expected) in cases {
            assert_eq!(classify(code), Some(expected), "{code}");
        }
    }

    #[test]
    fn unknown_and_server_fault_codes_have_no_family() {
        for code in ["Something.New", "ServiceUnavailable", "InternalError", "UnknownError"] {
            assert_eq!(classify(code), None, "{code}");
        }
        assert!(is_server_fault("ServiceUnavailable") && is_server_fault("InternalError"));
        assert!(!is_server_fault("Throttling.User"));
    }
}
