//! Credentials from the Alibaba Cloud CLI's own configuration (`~/.aliyun/config.json`), so
//! existing `aliyun` users need no new setup: its `AK` and `StsToken` profiles.

use std::path::{Path, PathBuf};

use serde::Deserialize;

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
}

/// An AccessKey pair (and STS token) from a profile.
#[derive(Clone, PartialEq, Eq)]
pub struct ProfileCredentials {
    /// AccessKey ID.
    pub access_key_id: String,
    /// AccessKey secret.
    pub access_key_secret: String,
    /// STS token, for `StsToken` profiles.
    pub security_token: Option<String>,
}

impl std::fmt::Debug for ProfileCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileCredentials").field("access_key_id", &self.access_key_id).finish_non_exhaustive()
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
        other => {
            return Err(format!(
                "profile {wanted:?} uses mode {other:?}; chatlane reads AK and StsToken profiles (or use --access-key-id)"
            ));
        }
    }
    if profile.access_key_id.is_empty() || profile.access_key_secret.is_empty() {
        return Err(format!("profile {wanted:?} in {} has no AccessKey", path.display()));
    }
    Ok(Some(ProfileCredentials {
        access_key_id: profile.access_key_id,
        access_key_secret: profile.access_key_secret,
        security_token: Some(profile.sts_token).filter(|t| !t.is_empty()),
    }))
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
        {"name":"ecs","mode":"EcsRamRole","ram_role_name":"r"}],"meta_path":""}"#;

    #[test]
    fn reads_the_current_or_the_named_profile() {
        let path = write("ok", CONFIG);
        let current = load(&path, None).unwrap().unwrap();
        assert_eq!((current.access_key_id.as_str(), current.security_token.as_deref()), ("AK2", Some("T2")));
        let named = load(&path, Some("default")).unwrap().unwrap();
        assert_eq!((named.access_key_id.as_str(), named.security_token), ("AK1", None));
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn explains_what_it_cannot_use() {
        let path = write("bad", CONFIG);
        assert!(load(&path, Some("ecs")).unwrap_err().contains("EcsRamRole"));
        assert!(load(&path, Some("nope")).unwrap_err().contains("no profile"));
        std::fs::remove_file(&path).unwrap();
        assert_eq!(load(&path, None), Ok(None));
        assert!(load(&path, Some("default")).is_err());
    }
}
