//! Credentials and the redaction discipline around them.

use std::fmt;

use crate::error::{Error, ErrorCode};

/// Environment variable holding the AccessKey ID (the Alibaba Cloud standard name).
pub const ENV_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// Environment variable holding the AccessKey secret.
pub const ENV_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// Environment variable holding an STS security token.
pub const ENV_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";

/// A secret string whose `Debug` and `Display` never reveal it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself: call only where it is used (signing, the token header).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// An AccessKey pair, optionally with an STS security token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    access_key_secret: Secret,
    security_token: Option<Secret>,
}

impl Credentials {
    /// Credentials from explicit values; empty values are a configuration error.
    pub fn new(
        access_key_id: impl Into<String>,
        access_key_secret: impl Into<String>,
        security_token: Option<String>,
    ) -> Result<Self, Error> {
        let access_key_id = access_key_id.into();
        let access_key_secret = access_key_secret.into();
        if access_key_id.trim().is_empty() || access_key_secret.trim().is_empty() {
            return Err(Error::new(
                ErrorCode::MissingCredentials,
                "the AccessKey ID and the AccessKey secret must not be empty",
            ));
        }
        Ok(Self {
            access_key_id,
            access_key_secret: Secret::new(access_key_secret),
            security_token: security_token.filter(|t| !t.is_empty()).map(Secret::new),
        })
    }

    /// Credentials from `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET`
    /// and (optionally) `ALIBABA_CLOUD_SECURITY_TOKEN`.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Credentials from any variable lookup (the environment, a test map…).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        match (lookup(ENV_ACCESS_KEY_ID), lookup(ENV_ACCESS_KEY_SECRET)) {
            (Some(id), Some(secret)) => Self::new(id, secret, lookup(ENV_SECURITY_TOKEN)),
            _ => Err(Error::new(
                ErrorCode::MissingCredentials,
                format!(
                    "no credentials: give an AccessKey ID and secret, \
                     or set {ENV_ACCESS_KEY_ID} and {ENV_ACCESS_KEY_SECRET}"
                ),
            )),
        }
    }

    /// The AccessKey ID (not secret: it names the account in every request).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The AccessKey secret.
    pub fn access_key_secret(&self) -> &Secret {
        &self.access_key_secret
    }

    /// The STS security token, if any.
    pub fn security_token(&self) -> Option<&Secret> {
        self.security_token.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secrets() {
        let creds = Credentials::new("id", "s3cr3t-value", Some("t0k3n-value".into())).unwrap();
        let shown = format!("{creds:?} {}", creds.access_key_secret());
        assert!(shown.contains("id"));
        assert!(!shown.contains("s3cr3t-value"));
        assert!(!shown.contains("t0k3n-value"));
    }

    #[test]
    fn empty_values_are_rejected() {
        let err = Credentials::new("", "x", None).unwrap_err();
        assert_eq!(err.code(), ErrorCode::MissingCredentials);
    }

    #[test]
    fn lookup_reads_the_standard_names() {
        let creds = Credentials::from_lookup(|name| match name {
            ENV_ACCESS_KEY_ID => Some("AK".into()),
            ENV_ACCESS_KEY_SECRET => Some("SK".into()),
            ENV_SECURITY_TOKEN => Some("".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(creds.access_key_id(), "AK");
        assert_eq!(creds.access_key_secret().expose(), "SK");
        assert!(creds.security_token().is_none());
        let err = Credentials::from_lookup(|_| None).unwrap_err();
        assert_eq!(err.code(), ErrorCode::MissingCredentials);
        assert!(err.message().contains(ENV_ACCESS_KEY_ID));
    }
}
