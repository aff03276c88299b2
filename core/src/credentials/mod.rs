//! Credentials, where a client finds them, and the redaction discipline around them.
//!
//! Without explicit keys a client looks, in order: a profile asked for by name (the
//! `profile` option or `ALIBABA_CLOUD_PROFILE`) in the Alibaba Cloud CLI's configuration;
//! the `ALIBABA_CLOUD_ACCESS_KEY_*` variables; that configuration's current profile; the
//! ECS instance's RAM role named by `ALIBABA_CLOUD_ECS_METADATA`
//! ([`Credentials::from_default_chain`]). A RAM role's credentials, and a caller's
//! [`CredentialsProvider`], are renewed before they expire.

pub mod ecs;
pub mod profile;
pub mod provider;

pub use provider::{CredentialSource, CredentialsProvider, Expiring};

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, ErrorCode};

/// Environment variable holding the AccessKey ID (the Alibaba Cloud standard name).
pub const ENV_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// Environment variable holding the AccessKey secret.
pub const ENV_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// Environment variable holding an STS security token.
pub const ENV_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";
/// Environment variable naming the Alibaba Cloud CLI profile to use.
pub const ENV_PROFILE: &str = "ALIBABA_CLOUD_PROFILE";

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
        let values = [Some(&access_key_id), Some(&access_key_secret), security_token.as_ref()];
        if values.into_iter().flatten().any(|value| value.chars().any(char::is_control)) {
            return Err(Error::new(
                ErrorCode::InvalidConfig,
                "the AccessKey ID, the AccessKey secret and the security token must not contain control characters",
            ));
        }
        Ok(Self {
            access_key_id,
            access_key_secret: Secret::new(access_key_secret),
            security_token: security_token.filter(|t| !t.is_empty()).map(Secret::new),
        })
    }

    /// Credentials from the first source that has them: the profile named by `profile` or
    /// `ALIBABA_CLOUD_PROFILE` (which must exist), the `ALIBABA_CLOUD_*` variables, the
    /// current profile, the RAM role named by `ALIBABA_CLOUD_ECS_METADATA`. Profiles are read
    /// from `profile_file`, by default the CLI's `~/.aliyun/config.json`; an `EcsRamRole`
    /// profile names a RAM role.
    pub fn from_default_chain(profile: Option<&str>, profile_file: Option<&Path>) -> Result<CredentialSource, Error> {
        Self::chain(profile, profile_file, |name| std::env::var(name).ok())
    }

    /// [`Credentials::from_default_chain`] over any variable lookup.
    fn chain(
        profile: Option<&str>,
        profile_file: Option<&Path>,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<CredentialSource, Error> {
        let named = profile.map(str::to_owned).or_else(|| lookup(ENV_PROFILE).filter(|name| !name.is_empty()));
        let default_file = lookup("HOME").map(|home| PathBuf::from(home).join(".aliyun").join("config.json"));
        let file = profile_file.map(Path::to_path_buf).or(default_file);
        let from_profile = |name: Option<&str>| -> Result<Option<CredentialSource>, Error> {
            let Some(file) = &file else { return Ok(None) };
            let found = profile::load(file, name).map_err(|why| Error::new(ErrorCode::MissingCredentials, why))?;
            found.map(profile::ProfileCredentials::into_source).transpose()
        };
        if let Some(name) = named {
            return from_profile(Some(&name))?.ok_or_else(|| no_credentials(&format!("no profile {name:?}")));
        }
        if lookup(ENV_ACCESS_KEY_ID).is_some() || lookup(ENV_ACCESS_KEY_SECRET).is_some() {
            return Self::from_lookup(&lookup).map(CredentialSource::Fixed);
        }
        if let Some(source) = from_profile(None)? {
            return Ok(source);
        }
        match lookup(ecs::ENV_ECS_ROLE).filter(|role| !role.is_empty()) {
            Some(role) => Ok(CredentialSource::Provider(Arc::new(ecs::EcsRamRole::new(Some(role), None)?))),
            None => Err(no_credentials("none found")),
        }
    }

    /// Credentials from any variable lookup (the environment, a test map…).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        match (lookup(ENV_ACCESS_KEY_ID), lookup(ENV_ACCESS_KEY_SECRET)) {
            (Some(id), Some(secret)) => Self::new(id, secret, lookup(ENV_SECURITY_TOKEN)),
            _ => Err(no_credentials(&format!("set both {ENV_ACCESS_KEY_ID} and {ENV_ACCESS_KEY_SECRET}"))),
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

/// The error for credentials found nowhere, naming every place chatlane looks.
fn no_credentials(detail: &str) -> Error {
    Error::new(
        ErrorCode::MissingCredentials,
        format!(
            "no credentials ({detail}): give an AccessKey ID and secret, set {ENV_ACCESS_KEY_ID} and \
             {ENV_ACCESS_KEY_SECRET}, or configure a profile of the Alibaba Cloud CLI (~/.aliyun/config.json, \
             {ENV_PROFILE})"
        ),
    )
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

    #[test]
    fn the_default_chain_takes_a_named_profile_then_the_environment_then_the_current_profile() {
        let file = std::env::temp_dir().join(format!("chatlane-chain-{}.json", std::process::id()));
        std::fs::write(
            &file,
            r#"{"current":"work","profiles":[
                {"name":"default","mode":"AK","access_key_id":"AK-default","access_key_secret":"S1"},
                {"name":"work","mode":"AK","access_key_id":"AK-work","access_key_secret":"S2"}]}"#,
        )
        .unwrap();
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned())
        };
        let keys: &[(&str, &str)] = &[(ENV_ACCESS_KEY_ID, "AK-env"), (ENV_ACCESS_KEY_SECRET, "S-env")];
        let id = |result: Result<CredentialSource, Error>| match result.unwrap() {
            CredentialSource::Fixed(credentials) => credentials.access_key_id().to_owned(),
            other => panic!("{other:?}"),
        };
        let file_ref = Some(file.as_path());
        assert_eq!(id(Credentials::chain(Some("default"), file_ref, env(keys))), "AK-default");
        let named: &[(&str, &str)] = &[(ENV_PROFILE, "default"), (ENV_ACCESS_KEY_ID, "AK-env")];
        assert_eq!(id(Credentials::chain(None, file_ref, env(named))), "AK-default");
        assert_eq!(id(Credentials::chain(None, file_ref, env(keys))), "AK-env");
        assert_eq!(id(Credentials::chain(None, file_ref, env(&[]))), "AK-work");
        let missing = Credentials::chain(Some("nope"), file_ref, env(keys)).unwrap_err();
        assert_eq!(missing.code(), ErrorCode::MissingCredentials);
        std::fs::remove_file(&file).unwrap();
        let nothing = Credentials::chain(None, file_ref, env(&[])).unwrap_err();
        assert_eq!(nothing.code(), ErrorCode::MissingCredentials);
        assert!(nothing.message().contains(ENV_PROFILE), "{nothing}");
        let role: &[(&str, &str)] = &[(ecs::ENV_ECS_ROLE, "my-role")];
        let source = Credentials::chain(None, file_ref, env(role)).unwrap();
        assert!(matches!(source, CredentialSource::Provider(_)), "{source:?}");
    }
}
