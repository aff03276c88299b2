//! What the sandbox knows about its accounts: AccessKeys (and STS tokens), channel
//! instances (`CustSpaceId`s) with their business numbers and callback URLs, the template
//! registry, the QPS limits, and Meta's face (`meta`, with its webhook URL, see
//! [`crate::meta::config`]). Loaded from a JSON file (`chatlane sandbox --config FILE`).
//!
//! Without a registry the sandbox is permissive: any sender and any template code is
//! accepted. Once `custSpaces` or `templates` are configured, sends are checked against them.

use serde::Deserialize;

use crate::meta::config::MetaConfig;
use crate::metadata::RamRole;
use crate::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET};

/// Everything the sandbox accepts and knows; the JSON configuration file's shape.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SandboxConfig {
    /// AccessKey pairs the gateway accepts (default: the sandbox's own pair).
    #[serde(default = "default_accounts")]
    pub accounts: Vec<Account>,
    /// Channel instances.
    #[serde(default)]
    pub cust_spaces: Vec<CustSpace>,
    /// Approved (and not approved) templates.
    #[serde(default)]
    pub templates: Vec<TemplateDef>,
    /// Per-account QPS limits.
    #[serde(default)]
    pub limits: Limits,
    /// Milliseconds between the status receipts of one message (default 50), CAMS receipts
    /// and Meta status webhooks alike.
    #[serde(default)]
    pub receipt_delay_ms: Option<u64>,
    /// The RAM role the emulated ECS metadata service hands credentials for.
    #[serde(default)]
    pub ram_role: RamRole,
    /// Meta's face: the app, its tokens, business numbers and pacing.
    #[serde(default)]
    pub meta: MetaConfig,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            accounts: default_accounts(),
            cust_spaces: Vec::new(),
            templates: Vec::new(),
            limits: Limits::default(),
            receipt_delay_ms: None,
            ram_role: RamRole::default(),
            meta: MetaConfig::default(),
        }
    }
}

fn default_accounts() -> Vec<Account> {
    vec![Account::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET)]
}

/// One AccessKey pair the gateway accepts.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Account {
    /// AccessKey ID.
    pub access_key_id: String,
    /// AccessKey secret.
    pub access_key_secret: String,
    /// STS security tokens valid for this key; when set, requests must carry one of them.
    #[serde(default)]
    pub security_tokens: Vec<String>,
}

impl Account {
    /// A pair without STS tokens.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            security_tokens: Vec::new(),
        }
    }
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account").field("access_key_id", &self.access_key_id).finish_non_exhaustive()
    }
}

/// A channel instance: its business numbers and where its receipts go.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustSpace {
    /// The `CustSpaceId`, e.g. `cams-8c8h…`.
    pub id: String,
    /// Business numbers (WhatsApp) or sender IDs registered in this instance.
    #[serde(default)]
    pub numbers: Vec<String>,
    /// Where status receipts (spec §10.1) are pushed.
    #[serde(default)]
    pub status_callback_url: Option<String>,
    /// Where inbound messages (spec §10.2) are pushed.
    #[serde(default)]
    pub up_callback_url: Option<String>,
}

/// A template in the registry.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateDef {
    /// `TemplateCode`.
    pub code: String,
    /// `TemplateName`.
    pub name: String,
    /// Language code, e.g. `en`.
    pub language: String,
    /// `UTILITY`, `MARKETING` or `AUTHENTICATION`.
    #[serde(default = "utility")]
    pub category: String,
    /// `pass`, `fail`, `auditing` or `unaudit`; only `pass` templates can be sent.
    #[serde(default = "pass")]
    pub audit_status: String,
    /// The template's variable names; a send must give a value for each.
    #[serde(default)]
    pub variables: Vec<String>,
    /// Button components, as `GetChatappTemplateDetail` returns them.
    #[serde(default)]
    pub buttons: Vec<serde_json::Value>,
    /// The body text, with `$(name)` placeholders.
    #[serde(default)]
    pub body: String,
}

fn utility() -> String {
    "UTILITY".to_owned()
}

fn pass() -> String {
    "pass".to_owned()
}

/// QPS limits per account and operation (spec §1).
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Limits {
    /// `SendChatappMessage` requests per second.
    #[serde(default = "send_limit")]
    pub send_per_second: u32,
    /// `SendChatappMassMessage` requests per second.
    #[serde(default = "mass_limit")]
    pub mass_per_second: u32,
    /// `ListChatappTemplate` / `GetChatappTemplateDetail` requests per second.
    #[serde(default = "template_limit")]
    pub template_per_second: u32,
}

fn send_limit() -> u32 {
    250
}

fn mass_limit() -> u32 {
    10
}

fn template_limit() -> u32 {
    5
}

impl Default for Limits {
    fn default() -> Self {
        Self { send_per_second: send_limit(), mass_per_second: mass_limit(), template_per_second: template_limit() }
    }
}

impl Limits {
    /// The limit for `action`, if it is limited.
    pub fn per_second(&self, action: &str) -> Option<u32> {
        match action {
            "SendChatappMessage" => Some(self.send_per_second),
            "SendChatappMassMessage" => Some(self.mass_per_second),
            "ListChatappTemplate" | "GetChatappTemplateDetail" => Some(self.template_per_second),
            _ => None,
        }
    }
}

impl SandboxConfig {
    /// Parses a configuration file's text.
    pub fn parse(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("not a sandbox configuration: {e}"))
    }

    /// The channel instance with this ID.
    pub fn cust_space(&self, id: &str) -> Option<&CustSpace> {
        self.cust_spaces.iter().find(|space| space.id == id)
    }

    /// The channel instance that owns business number `number`.
    pub fn space_of_number(&self, number: &str) -> Option<&CustSpace> {
        self.cust_spaces.iter().find(|space| space.numbers.iter().any(|n| n == number))
    }

    /// The template with this code or name, in this language.
    pub fn template(&self, code: Option<&str>, name: Option<&str>, language: &str) -> Option<&TemplateDef> {
        self.templates.iter().find(|t| {
            t.language == language && (code.is_some_and(|c| c == t.code) || name.is_some_and(|n| n == t.name))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_configuration() {
        let config = SandboxConfig::parse(
            r#"{
              "accounts": [{"accessKeyId": "ak", "accessKeySecret": "sk", "securityTokens": ["t1"]}],
              "custSpaces": [{"id": "cams-1", "numbers": ["8613800000000"], "statusCallbackUrl": "http://127.0.0.1:9/s"}],
              "templates": [{"code": "C1", "name": "order", "language": "en", "variables": ["name"]}],
              "limits": {"sendPerSecond": 5}
            }"#,
        )
        .unwrap();
        assert_eq!(config.limits.per_second("SendChatappMessage"), Some(5));
        assert_eq!(config.limits.per_second("SendChatappMassMessage"), Some(10));
        assert_eq!(config.space_of_number("8613800000000").map(|s| s.id.as_str()), Some("cams-1"));
        let template = config.template(None, Some("order"), "en").unwrap();
        assert_eq!((template.audit_status.as_str(), template.category.as_str()), ("pass", "UTILITY"));
        assert!(config.template(Some("C1"), None, "fr").is_none());
        assert!(!format!("{:?}", config.accounts).contains("sk"));
        assert_eq!(SandboxConfig::parse("{}").unwrap(), SandboxConfig::default());
    }

    #[test]
    fn unknown_fields_are_errors() {
        assert!(SandboxConfig::parse(r#"{"acounts": []}"#).unwrap_err().contains("acounts"));
    }
}
