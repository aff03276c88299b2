//! Credentials from the Alibaba Cloud CLI's own configuration (`~/.aliyun/config.json`), so
//! existing `aliyun` users need no new setup: its `AK` and `StsToken` profiles.

use std::path::{Path, PathBuf};

use std::sync::Arc;

use serde::Deserialize;

use super::ecs::EcsRamRole;
use super::{CredentialSource, Credentials};
use crate::error::Error;

/// The parts of `config.json` chatlane reads.
#[derive(Debug, Deserialize)]
struct AliyunConfig {
    #[serde(default)]
    current: String,
    #[serde(default)]
    profiles: Vec<Profile>,
}

#[derive(Debug, Deserialize)]
struct Profile {
    name: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    access_key_id: String,
    #[serde(default)]
    access_key_secret: String,
    #[serde(default)]
    sts_token: String,
    #[serde(default)]
    ram_role_name: String,
}

/// What a profile gives: keys, or the name of the ECS instance's RAM role to ask.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProfileCredentials {
    /// An `AK` or `StsToken` profile's keys.
    Keys(Credentials),
    /// An `EcsRamRole` profile's role.
    EcsRamRole(String),
}

impl ProfileCredentials {
    /// Where a client takes its credentials from, for this profile.
    pub fn into_source(self) -> Result<CredentialSource, Error> {
        match self {
            Self::Keys(credentials) => Ok(CredentialSource::Fixed(credentials)),
            Self::EcsRamRole(role) => Ok(CredentialSource::Provider(Arc::new(EcsRamRole::new(Some(role), None)?))),
        }
    }
}

/// `~/.aliyun/config.json`.
pub fn default_path() -> Option<PathBuf> {
    std::env::var_os("HOME").map(|home| Path::new(&home).join(".aliyun").join("config.json"))
}

/// The credentials of profile `name` (default: the file's `current` profile) in `path`.
/// `Ok(None)` when the file does not exist and no profile was asked for by name.
pub fn load(path: &Path, name: Option<&str>) -> Result<Option<ProfileCredentials>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && name.is_none() => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let config: AliyunConfig =
        serde_json::from_str(&text).map_err(|e| format!("{} is not an aliyun CLI config: {e}", path.display()))?;
    let wanted = name.unwrap_or(&config.current);
    let Some(profile) = config.profiles.into_iter().find(|p| p.name == wanted) else {
        return match name {
            Some(name) => Err(format!("{} has no profile {name:?}", path.display())),
            None => Ok(None),
        };
    };
    match profile.mode.as_str() {
        "AK" | "" => {}
        "StsToken" if !profile.sts_token.is_empty() => {}
        "EcsRamRole" if !profile.ram_role_name.is_empty() => {
            return Ok(Some(ProfileCredentials::EcsRamRole(profile.ram_role_name)));
        }
        other => {
            return Err(format!(
                "profile {wanted:?} uses mode {other:?}; chatlane reads AK, StsToken and EcsRamRole profiles \
                 (or give the AccessKey explicitly)"
            ));
        }
    }
    if profile.access_key_id.is_empty() || profile.access_key_secret.is_empty() {
        return Err(format!("profile {wanted:?} in {} has no AccessKey", path.display()));
    }
    let token = Some(profile.sts_token).filter(|t| !t.is_empty());
    Credentials::new(profile.access_key_id, profile.access_key_secret, token)
        .map(|credentials| Some(ProfileCredentials::Keys(credentials)))
        .map_err(|e| format!("profile {wanted:?}: {}", e.message()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> PathBuf {
        let path = std::env::temp_dir().join(format!("chatlane-profile-{}-{name}.json", std::process::id()));
        std::fs::write(&path, text).unwrap();
        path
    }

    const CONFIG: &str = r#"{"current":"work","profiles":[
        {"name":"default","mode":"AK","access_key_id":"AK1","access_key_secret":"S1","region_id":"ap-southeast-1"},
        {"name":"work","mode":"StsToken","access_key_id":"AK2","access_key_secret":"S2","sts_token":"T2"},
        {"name":"ecs","mode":"EcsRamRole","ram_role_name":"r"},
        {"name":"sso","mode":"CloudSSO"}],"meta_path":""}"#;

    #[test]
    fn reads_the_current_or_the_named_profile() {
        let path = write("ok", CONFIG);
        let keys = |found: Option<ProfileCredentials>| match found {
            Some(ProfileCredentials::Keys(credentials)) => credentials,
            other => panic!("{other:?}"),
        };
        let current = keys(load(&path, None).unwrap());
        assert_eq!((current.access_key_id(), current.security_token().map(|t| t.expose())), ("AK2", Some("T2")));
        let named = keys(load(&path, Some("default")).unwrap());
        assert_eq!((named.access_key_id(), named.security_token()), ("AK1", None));
        assert_eq!(load(&path, Some("ecs")).unwrap(), Some(ProfileCredentials::EcsRamRole("r".into())));
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn explains_what_it_cannot_use() {
        let path = write("bad", CONFIG);
        assert!(load(&path, Some("sso")).unwrap_err().contains("CloudSSO"));
        assert!(load(&path, Some("nope")).unwrap_err().contains("no profile"));
        std::fs::remove_file(&path).unwrap();
        assert_eq!(load(&path, None), Ok(None));
        assert!(load(&path, Some("default")).is_err());
    }
}
