//! Whether a token carries the scopes a client needs, and which it carries beyond them
//! (least privilege: a client reports those rather than refuse them).

use crate::error::{Error, ErrorCode};

/// What a token carries beyond the scopes required.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScopeReport {
    /// Scopes granted but not required, in the order granted.
    pub extra: Vec<String>,
}

/// Checks `granted` against `required` (exact, case-sensitive names, as RFC 6749 §3.3
/// says): [`ErrorCode::MissingScope`] naming every required scope not granted, else the
/// scopes granted beyond the required ones.
pub fn check_scopes<G: AsRef<str>, R: AsRef<str>>(granted: &[G], required: &[R]) -> Result<ScopeReport, Error> {
    let is_granted = |scope: &str| granted.iter().any(|have| have.as_ref() == scope);
    let missing: Vec<&str> = required.iter().map(AsRef::as_ref).filter(|scope| !is_granted(scope)).collect();
    if !missing.is_empty() {
        return Err(Error::new(
            ErrorCode::MissingScope,
            format!("the token lacks the scope(s) {}: grant them to the app and get a new token", missing.join(", ")),
        ));
    }
    let mut extra: Vec<String> = Vec::new();
    for scope in granted.iter().map(AsRef::as_ref) {
        if !required.iter().any(|need| need.as_ref() == scope) && !extra.iter().any(|seen| seen == scope) {
            extra.push(scope.to_owned());
        }
    }
    Ok(ScopeReport { extra })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MESSAGING: &str = "whatsapp_business_messaging";
    const MANAGEMENT: &str = "whatsapp_business_management";

    #[test]
    fn every_missing_scope_is_named() {
        let error = check_scopes(&["public_profile"], &[MESSAGING, MANAGEMENT]).unwrap_err();
        assert_eq!(error.code(), ErrorCode::MissingScope);
        assert!(error.message().contains(MESSAGING) && error.message().contains(MANAGEMENT), "{error}");
        let error = check_scopes(&[MANAGEMENT], &[MESSAGING, MANAGEMENT]).unwrap_err();
        assert!(error.message().contains(MESSAGING) && !error.message().contains(MANAGEMENT), "{error}");
        let none: [&str; 0] = [];
        assert_eq!(check_scopes(&none, &[MESSAGING]).unwrap_err().code(), ErrorCode::MissingScope);
        assert_eq!(
            check_scopes(&["WhatsApp_Business_Messaging"], &[MESSAGING]).unwrap_err().code(),
            ErrorCode::MissingScope
        );
    }

    #[test]
    fn scopes_beyond_the_required_are_reported_once_each() {
        let granted = [MESSAGING, "business_management", MANAGEMENT, "business_management", "ads_management"];
        let report = check_scopes(&granted, &[MESSAGING, MANAGEMENT]).unwrap();
        assert_eq!(report.extra, ["business_management", "ads_management"]);
        let exact = check_scopes(&[MESSAGING.to_owned()], &[MESSAGING]).unwrap();
        assert_eq!(exact, ScopeReport::default());
    }
}
