//! What the sandbox knows about its accounts: AccessKeys (and STS tokens), channel
//! instances (`CustSpaceId`s) with their business numbers and callback URLs, the template
//! registry, the QPS limits, and Meta's face (`meta`, with its webhook URL, see
//! [`crate::meta::config`]). Loaded from a JSON file (`chatlane sandbox --config FILE`).
//!
//! Without a registry the sandbox is permissive: any sender and any template code is
//! accepted. Once `custSpaces` or `templates` are configured (or a template is created at run
//! time, [`crate::templates`]), sends are checked against them.

use std::collections::BTreeMap;

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
    /// The templates the registry starts with, approved and not ([`crate::templates`]).
    #[serde(default)]
    pub templates: Vec<TemplateDef>,
    /// Per-account QPS limits.
    #[serde(default)]
    pub limits: Limits,
    /// Milliseconds between the status receipts of one message (default 50), CAMS receipts
    /// and Meta status webhooks alike.
    #[serde(default)]
    pub receipt_delay_ms: Option<u64>,
    /// Milliseconds a created or modified template stays `auditing` before it is `pass`
    /// (default 1000).
    #[serde(default)]
    pub template_review_ms: Option<u64>,
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
            template_review_ms: None,
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
    pub numbers: Vec<BusinessNumber>,
    /// Where status receipts (spec §10.1) are pushed.
    #[serde(default)]
    pub status_callback_url: Option<String>,
    /// Where inbound messages (spec §10.2) are pushed.
    #[serde(default)]
    pub up_callback_url: Option<String>,
}

impl CustSpace {
    /// Whether `number` is one of this instance's business numbers.
    pub fn has_number(&self, number: &str) -> bool {
        self.numbers.iter().any(|n| n.number == number)
    }
}

/// A business number as `QueryChatappPhoneNumbers` shows it. In the file: the number as a
/// string, or an object with `number` and any of `verifiedName`, `status`, `qualityRating`,
/// `messagingLimitTier`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(from = "NumberSpec")]
pub struct BusinessNumber {
    /// The number, digits only (or a Viber service ID).
    pub number: String,
    /// The display name Meta verified (default `Chatlane Sandbox`).
    pub verified_name: String,
    /// `CONNECTED` (default), `PENDING`, `FLAGGED`, …
    pub status: String,
    /// `GREEN` (default), `YELLOW`, `RED` or `UNKNOWN`.
    pub quality_rating: String,
    /// `TIER_10K` (default), `TIER_1K`, `TIER_100K`, `TIER_UNLIMITED`, …
    pub messaging_limit_tier: String,
}

/// A business number as the file may spell it.
#[derive(Deserialize)]
#[serde(
    untagged,
    expecting = "a number string or {\"number\", \"verifiedName\"?, \"status\"?, \"qualityRating\"?, \"messagingLimitTier\"?}"
)]
enum NumberSpec {
    Plain(String),
    Detailed(DetailedNumber),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DetailedNumber {
    number: String,
    verified_name: Option<String>,
    status: Option<String>,
    quality_rating: Option<String>,
    messaging_limit_tier: Option<String>,
}

impl From<NumberSpec> for BusinessNumber {
    fn from(spec: NumberSpec) -> Self {
        let detail = match spec {
            NumberSpec::Plain(number) => DetailedNumber {
                number,
                verified_name: None,
                status: None,
                quality_rating: None,
                messaging_limit_tier: None,
            },
            NumberSpec::Detailed(detail) => detail,
        };
        Self {
            number: detail.number,
            verified_name: detail.verified_name.unwrap_or_else(|| "Chatlane Sandbox".to_owned()),
            status: detail.status.unwrap_or_else(|| "CONNECTED".to_owned()),
            quality_rating: detail.quality_rating.unwrap_or_else(|| "GREEN".to_owned()),
            messaging_limit_tier: detail.messaging_limit_tier.unwrap_or_else(|| "TIER_10K".to_owned()),
        }
    }
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
    /// Every component as `GetChatappTemplateDetail` returns it (a created template's
    /// `Components`); when empty, the detail is built from `body` and `buttons`.
    #[serde(default)]
    pub components: Vec<serde_json::Value>,
    /// `WHATSAPP` or `VIBER`.
    #[serde(default = "whatsapp")]
    pub template_type: String,
    /// An example value of each variable (a created template's `Example`); when empty, the
    /// detail makes one up per variable.
    #[serde(default)]
    pub example: BTreeMap<String, String>,
    /// How long a send of it may wait for delivery, in seconds (`MessageSendTtlSeconds`).
    #[serde(default)]
    pub message_send_ttl_seconds: Option<u64>,
}

fn utility() -> String {
    "UTILITY".to_owned()
}

fn pass() -> String {
    "pass".to_owned()
}

fn whatsapp() -> String {
    "WHATSAPP".to_owned()
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
    /// Requests per second of `ListChatappTemplate`, `GetChatappTemplateDetail` and
    /// `DeleteChatappTemplate` each (default 5, documented).
    #[serde(default = "template_limit")]
    pub template_per_second: u32,
    /// Requests per second of `CreateChatappTemplate` and `ModifyChatappTemplate` each
    /// (default 50, documented).
    #[serde(default = "template_write_limit")]
    pub template_write_per_second: u32,
    /// `ListChatappMessage` requests per second (default 50: CAMS documents none, and
    /// chatlane paces it at 50, \[UNVERIFIED\]).
    #[serde(default = "history_limit")]
    pub history_per_second: u32,
    /// `QueryChatappPhoneNumbers` requests per second (default 10, documented).
    #[serde(default = "numbers_limit")]
    pub numbers_per_second: u32,
    /// `GetChatappUploadAuthorization` requests per second (default 5, documented).
    #[serde(default = "upload_limit")]
    pub upload_per_second: u32,
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

fn template_write_limit() -> u32 {
    50
}

fn history_limit() -> u32 {
    50
}

fn numbers_limit() -> u32 {
    10
}

fn upload_limit() -> u32 {
    5
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            send_per_second: send_limit(),
            mass_per_second: mass_limit(),
            template_per_second: template_limit(),
            template_write_per_second: template_write_limit(),
            history_per_second: history_limit(),
            numbers_per_second: numbers_limit(),
            upload_per_second: upload_limit(),
        }
    }
}

impl Limits {
    /// The limit for `action`, if it is limited.
    pub fn per_second(&self, action: &str) -> Option<u32> {
        match action {
            "SendChatappMessage" => Some(self.send_per_second),
            "SendChatappMassMessage" => Some(self.mass_per_second),
            "ListChatappTemplate" | "GetChatappTemplateDetail" | "DeleteChatappTemplate" => {
                Some(self.template_per_second)
            }
            "CreateChatappTemplate" | "ModifyChatappTemplate" => Some(self.template_write_per_second),
            "ListChatappMessage" => Some(self.history_per_second),
            "QueryChatappPhoneNumbers" => Some(self.numbers_per_second),
            "GetChatappUploadAuthorization" => Some(self.upload_per_second),
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
        self.cust_spaces.iter().find(|space| space.has_number(number))
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
        let template = &config.templates[0];
        assert_eq!((template.audit_status.as_str(), template.category.as_str()), ("pass", "UTILITY"));
        assert_eq!(config.limits.per_second("DeleteChatappTemplate"), Some(5));
        assert_eq!(config.limits.per_second("ListChatappMessage"), Some(50));
        assert_eq!(config.limits.per_second("QueryChatappPhoneNumbers"), Some(10));
        assert_eq!(config.limits.per_second("GetChatappUploadAuthorization"), Some(5));
        assert!(!format!("{:?}", config.accounts).contains("sk"));
        assert_eq!(SandboxConfig::parse("{}").unwrap(), SandboxConfig::default());
    }

    #[test]
    fn numbers_are_strings_or_objects() {
        let config = SandboxConfig::parse(
            r#"{"custSpaces": [{"id": "cams-1", "numbers": ["861", {"number": "862", "verifiedName": "Acme",
                "status": "PENDING", "qualityRating": "YELLOW", "messagingLimitTier": "TIER_1K"}]}]}"#,
        )
        .unwrap();
        let [plain, detailed] = &config.cust_spaces[0].numbers[..] else { panic!("two numbers") };
        assert_eq!(
            (plain.verified_name.as_str(), plain.status.as_str(), plain.quality_rating.as_str()),
            ("Chatlane Sandbox", "CONNECTED", "GREEN")
        );
        assert_eq!(plain.messaging_limit_tier, "TIER_10K");
        assert_eq!(
            (detailed.number.as_str(), detailed.verified_name.as_str(), detailed.status.as_str()),
            ("862", "Acme", "PENDING")
        );
        assert_eq!((detailed.quality_rating.as_str(), detailed.messaging_limit_tier.as_str()), ("YELLOW", "TIER_1K"));
        assert_eq!(config.space_of_number("862").map(|s| s.id.as_str()), Some("cams-1"));
        let wrong = SandboxConfig::parse(r#"{"custSpaces": [{"id": "c", "numbers": [{"numbr": "1"}]}]}"#);
        assert!(wrong.unwrap_err().contains("a number string or"));
    }

    #[test]
    fn unknown_fields_are_errors() {
        assert!(SandboxConfig::parse(r#"{"acounts": []}"#).unwrap_err().contains("acounts"));
    }
}
