//! The `meta` section of the sandbox's configuration: the Meta app that OAuth clients
//! authenticate as, pre-registered tokens, business phone numbers, the pair rate, where
//! webhooks go and the WABA's message templates. Every field has a default (see [`crate::meta`] for the values), so `{}` is a
//! working setup (one that pushes no webhooks).

use std::num::{NonZeroU32, NonZeroU64};

use serde::Deserialize;
use serde_json::{Value, json};

use super::tokens::TokenType;
use super::{
    DEFAULT_APP_ID, DEFAULT_APP_SECRET, DEFAULT_DISPLAY_PHONE_NUMBER, DEFAULT_PHONE_NUMBER_ID, DEFAULT_TOKEN,
    DEFAULT_USER_ID, DEFAULT_WABA_ID,
};

/// Meta's face as configured.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct MetaConfig {
    /// The app OAuth clients and `debug_token` callers authenticate as.
    pub app: MetaApp,
    /// Tokens valid from the start (default: [`DEFAULT_TOKEN`], a never-expiring system-user
    /// token with the app's scopes).
    pub tokens: Vec<TokenDef>,
    /// Business phone numbers that can send (default: [`DEFAULT_PHONE_NUMBER_ID`] at 80/s).
    pub phone_numbers: Vec<PhoneNumber>,
    /// The per-(number, recipient) pair rate (spec §4).
    pub pair_rate: PairRate,
    /// The WhatsApp Business Account the app's WhatsApp scopes target in `debug_token`'s
    /// `granular_scopes`, and the `entry[].id` of webhooks.
    pub waba_id: String,
    /// Where the app's webhook notifications (statuses and inbound messages, signed with the
    /// app secret) are posted, e.g. `http://127.0.0.1:9000/webhook` (default: none are).
    pub webhook_url: Option<String>,
    /// The WABA's message templates, in listing order (default: Meta's sample `hello_world`,
    /// `en_US`, approved).
    pub templates: Vec<MetaTemplate>,
}

impl Default for MetaConfig {
    fn default() -> Self {
        Self {
            app: MetaApp::default(),
            tokens: vec![TokenDef {
                token: DEFAULT_TOKEN.to_owned(),
                scopes: None,
                token_type: TokenType::SystemUser,
                lifetime_seconds: None,
                user_id: None,
            }],
            phone_numbers: vec![PhoneNumber {
                id: DEFAULT_PHONE_NUMBER_ID.to_owned(),
                throughput: default_throughput(),
                display_phone_number: None,
            }],
            pair_rate: PairRate::default(),
            waba_id: DEFAULT_WABA_ID.to_owned(),
            webhook_url: None,
            templates: vec![MetaTemplate {
                components: vec![
                    json!({"type": "HEADER", "format": "TEXT", "text": "Hello World"}),
                    json!({"type": "BODY", "text": "Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta. Thank you for taking the time to test with us."}),
                    json!({"type": "FOOTER", "text": "WhatsApp Business Platform sample message"}),
                ],
                ..MetaTemplate::new("hello_world", "en_US")
            }],
        }
    }
}

/// The Meta app.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct MetaApp {
    /// App ID, the OAuth `client_id` (default [`DEFAULT_APP_ID`]).
    pub id: String,
    /// App secret, the OAuth `client_secret` (default [`DEFAULT_APP_SECRET`]).
    pub secret: String,
    /// The app's name, `debug_token`'s `application` (default `chatlane sandbox`).
    pub name: String,
    /// The user the OAuth dialog signs in as (default [`DEFAULT_USER_ID`]).
    pub user_id: String,
    /// Redirect URIs the dialog accepts, compared exactly; empty (the default): any
    /// `http://` or `https://` URI.
    pub redirect_uris: Vec<String>,
    /// Scopes the dialog can grant (default `whatsapp_business_messaging`,
    /// `whatsapp_business_management`, `business_management`).
    pub scopes: Vec<String>,
    /// How long an authorization code can be exchanged, in milliseconds (default 30,000).
    pub code_lifetime_ms: u64,
    /// Lifetime of tokens from a code or a refresh token, in seconds (default 3,600).
    pub token_lifetime_seconds: u64,
    /// Lifetime of tokens from `fb_exchange_token`, in seconds (default 5,184,000: 60 days).
    pub long_lived_lifetime_seconds: u64,
    /// Whether code exchanges also issue an RFC 6749 `refresh_token` and the
    /// `refresh_token` grant is offered (default false: Meta has neither).
    pub refresh_tokens: bool,
}

impl Default for MetaApp {
    fn default() -> Self {
        Self {
            id: DEFAULT_APP_ID.to_owned(),
            secret: DEFAULT_APP_SECRET.to_owned(),
            name: "chatlane sandbox".to_owned(),
            user_id: DEFAULT_USER_ID.to_owned(),
            redirect_uris: Vec::new(),
            scopes: ["whatsapp_business_messaging", "whatsapp_business_management", "business_management"]
                .map(str::to_owned)
                .to_vec(),
            code_lifetime_ms: 30_000,
            token_lifetime_seconds: 3_600,
            long_lived_lifetime_seconds: 60 * 24 * 3_600,
            refresh_tokens: false,
        }
    }
}

impl std::fmt::Debug for MetaApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetaApp").field("id", &self.id).field("name", &self.name).finish_non_exhaustive()
    }
}

impl MetaConfig {
    /// The configured templates, each with its ID: its own, else [`FIRST_TEMPLATE_ID`] plus
    /// its position.
    pub fn templates(&self) -> impl Iterator<Item = (String, &MetaTemplate)> {
        self.templates.iter().enumerate().map(|(position, template)| {
            let id = template.id.clone().unwrap_or_else(|| (FIRST_TEMPLATE_ID + position as u64).to_string());
            (id, template)
        })
    }

    /// The display number of phone number ID `id` ([`DEFAULT_DISPLAY_PHONE_NUMBER`] unless
    /// configured).
    pub fn display_phone_number(&self, id: &str) -> &str {
        let number = self.phone_numbers.iter().find(|number| number.id == id);
        number.and_then(|number| number.display_phone_number.as_deref()).unwrap_or(DEFAULT_DISPLAY_PHONE_NUMBER)
    }
}

impl MetaApp {
    /// Whether the dialog may redirect to `uri`.
    pub fn allows_redirect(&self, uri: &str) -> bool {
        let absolute = uri.starts_with("http://") || uri.starts_with("https://");
        absolute && (self.redirect_uris.is_empty() || self.redirect_uris.iter().any(|allowed| allowed == uri))
    }
}

/// A token valid from the start.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TokenDef {
    /// The bearer token.
    pub token: String,
    /// Its scopes (default: the app's).
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    /// `SYSTEM_USER` (default), `USER` or `APP`.
    #[serde(default, rename = "type")]
    pub token_type: TokenType,
    /// Seconds it stays valid from the sandbox's start (default: it never expires).
    #[serde(default)]
    pub lifetime_seconds: Option<u64>,
    /// The user it belongs to (default: the app's user).
    #[serde(default)]
    pub user_id: Option<String>,
}

impl std::fmt::Debug for TokenDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenDef")
            .field("token_type", &self.token_type)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// A business phone number.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PhoneNumber {
    /// The phone number ID, the `{phone-number-id}` of the messages path.
    pub id: String,
    /// Messages per second (default 80; Meta's levels are 80, 1,000 after upgrade, and 20
    /// for numbers shared with the WhatsApp Business app).
    #[serde(default = "default_throughput")]
    pub throughput: NonZeroU32,
    /// The number as webhooks' `metadata.display_phone_number` show it (default
    /// [`DEFAULT_DISPLAY_PHONE_NUMBER`]).
    #[serde(default)]
    pub display_phone_number: Option<String>,
}

fn default_throughput() -> NonZeroU32 {
    NonZeroU32::new(80).expect("80 is not zero")
}

/// The ID of the first template configured without one; the next get the following numbers.
pub const FIRST_TEMPLATE_ID: u64 = 1_600_000_000_000_001;

/// A message template of the WABA, as `GET /{version}/{waba-id}/message_templates` lists it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MetaTemplate {
    /// Its ID (default: [`FIRST_TEMPLATE_ID`] plus its position in the list).
    #[serde(default)]
    pub id: Option<String>,
    /// Its name.
    pub name: String,
    /// Its language, e.g. `en_US`.
    pub language: String,
    /// `APPROVED` (default), `PENDING`, `REJECTED`, `PAUSED`, `DISABLED`, …
    #[serde(default = "approved")]
    pub status: String,
    /// `UTILITY` (default), `MARKETING` or `AUTHENTICATION`.
    #[serde(default = "utility")]
    pub category: String,
    /// Its components as Meta writes them (`HEADER`, `BODY`, `FOOTER`, `BUTTONS`, …), served
    /// as given (default: none).
    #[serde(default)]
    pub components: Vec<Value>,
    /// `POSITIONAL` (default) or `NAMED`.
    #[serde(default = "positional")]
    pub parameter_format: String,
    /// Its `quality_score.score`: `GREEN`, `YELLOW`, `RED` or `UNKNOWN` (default).
    #[serde(default = "unknown_quality")]
    pub quality_score: String,
    /// Why the review refused it (default `NONE`).
    #[serde(default = "no_reason")]
    pub rejected_reason: String,
}

impl MetaTemplate {
    /// An approved utility template `name` in `language` without components.
    pub fn new(name: &str, language: &str) -> Self {
        Self {
            id: None,
            name: name.to_owned(),
            language: language.to_owned(),
            status: approved(),
            category: utility(),
            components: Vec::new(),
            parameter_format: positional(),
            quality_score: unknown_quality(),
            rejected_reason: no_reason(),
        }
    }
}

fn approved() -> String {
    "APPROVED".to_owned()
}

fn utility() -> String {
    "UTILITY".to_owned()
}

fn positional() -> String {
    "POSITIONAL".to_owned()
}

fn unknown_quality() -> String {
    "UNKNOWN".to_owned()
}

fn no_reason() -> String {
    "NONE".to_owned()
}

/// The pair rate: `burst` messages to one recipient at once, then one per `intervalMs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct PairRate {
    /// Milliseconds per message at the sustained rate (default 6,000).
    pub interval_ms: NonZeroU64,
    /// Messages that may go back to back (default 45).
    pub burst: NonZeroU32,
}

impl Default for PairRate {
    fn default() -> Self {
        Self {
            interval_ms: NonZeroU64::new(6_000).expect("6000 is not zero"),
            burst: NonZeroU32::new(45).expect("45 is not zero"),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::SandboxConfig;

    #[test]
    fn defaults_work_without_setup_and_fields_override_them() {
        let config = SandboxConfig::parse(
            r#"{"meta": {
              "app": {"id": "42", "secret": "app-secret-marker", "redirectUris": ["https://example.test/cb"]},
              "tokens": [{"token": "token-marker", "type": "USER", "lifetimeSeconds": 60}],
              "phoneNumbers": [{"id": "1"}, {"id": "2", "throughput": 20, "displayPhoneNumber": "15550001111"}],
              "pairRate": {"burst": 2},
              "webhookUrl": "http://127.0.0.1:9000/webhook",
              "templates": [{"name": "order_update", "language": "en_US", "status": "PAUSED"},
                            {"id": "77", "name": "promo", "language": "de", "components": [{"type": "BODY", "text": "Hallo"}]}]
            }}"#,
        )
        .unwrap();
        let meta = &config.meta;
        assert_eq!((meta.app.id.as_str(), meta.app.code_lifetime_ms, meta.app.scopes.len()), ("42", 30_000, 3));
        assert!(meta.app.allows_redirect("https://example.test/cb"));
        assert!(!meta.app.allows_redirect("https://example.test/other"));
        assert_eq!(meta.phone_numbers.iter().map(|n| n.throughput.get()).collect::<Vec<_>>(), [80, 20]);
        assert_eq!((meta.pair_rate.burst.get(), meta.pair_rate.interval_ms.get()), (2, 6_000));
        assert_eq!(meta.webhook_url.as_deref(), Some("http://127.0.0.1:9000/webhook"));
        assert_eq!((meta.display_phone_number("2"), meta.display_phone_number("1")), ("15550001111", "15550783881"));
        let shown = format!("{config:?}");
        assert!(!shown.contains("app-secret-marker") && !shown.contains("token-marker"), "{shown}");
        let templates: Vec<_> = meta.templates().map(|(id, t)| (id, t.status.as_str(), t.category.as_str())).collect();
        assert_eq!(templates, [("1600000000000001".into(), "PAUSED", "UTILITY"), ("77".into(), "APPROVED", "UTILITY")]);

        let default = SandboxConfig::default().meta;
        assert_eq!(default.tokens[0].token, super::DEFAULT_TOKEN);
        assert_eq!(default.webhook_url, None);
        assert_eq!(
            default.templates().map(|(id, t)| (id, t.name.as_str())).collect::<Vec<_>>(),
            [("1600000000000001".to_owned(), "hello_world")]
        );
        assert!(default.app.allows_redirect("http://127.0.0.1:8080/callback"));
        assert!(!default.app.allows_redirect("javascript:alert(1)"));
    }

    #[test]
    fn zero_rates_are_refused() {
        assert!(SandboxConfig::parse(r#"{"meta": {"phoneNumbers": [{"id": "1", "throughput": 0}]}}"#).is_err());
        assert!(SandboxConfig::parse(r#"{"meta": {"pairRate": {"intervalMs": 0}}}"#).is_err());
    }
}
