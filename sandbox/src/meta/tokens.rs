//! The token store: every access token Meta's face accepts, what it grants and until when.
//! Tokens are opaque: `EAAS…` for user and system-user tokens, `<app id>|…` for app tokens.
//! Neither the store nor a [`Grant`] shows a token in `Debug` output.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use axum::http::{HeaderMap, StatusCode, header};
use chatlane_core::random_id;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::config::{MetaApp, MetaConfig};
use super::errors::GraphError;

/// A token's kind, as `debug_token` names it. \[UNVERIFIED\] whether Meta names system-user
/// tokens `SYSTEM_USER`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TokenType {
    /// A person's token, e.g. from the OAuth dialog.
    User,
    /// A system user's (or business integration system user's) token.
    #[default]
    SystemUser,
    /// An app token (`client_credentials`), for `debug_token`.
    App,
}

/// What a token grants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// Its kind.
    pub token_type: TokenType,
    /// The user it acts for (none for app tokens).
    pub user_id: Option<String>,
    /// Its permissions.
    pub scopes: Vec<String>,
    /// When it was issued, in Unix seconds.
    pub issued_at: i64,
    /// When it expires, in Unix seconds (`None`: never).
    pub expires_at: Option<i64>,
    revoked: bool,
}

impl Grant {
    /// A grant issued now, valid for `lifetime_seconds` (`None`: forever).
    pub fn new(
        token_type: TokenType,
        user_id: Option<String>,
        scopes: Vec<String>,
        lifetime_seconds: Option<u64>,
    ) -> Self {
        let issued_at = now();
        let expires_at = lifetime_seconds.map(|s| issued_at.saturating_add(i64::try_from(s).unwrap_or(i64::MAX)));
        Self { token_type, user_id, scopes, issued_at, expires_at, revoked: false }
    }

    /// A grant of the app's: its scopes and user unless given (app tokens have no user).
    pub fn for_app(
        app: &MetaApp,
        token_type: TokenType,
        scopes: Option<Vec<String>>,
        user_id: Option<String>,
        lifetime_seconds: Option<u64>,
    ) -> Self {
        let user_id = (token_type != TokenType::App).then(|| user_id.unwrap_or_else(|| app.user_id.clone()));
        let scopes = scopes.unwrap_or_else(|| app.scopes.clone());
        Self::new(token_type, user_id, scopes, lifetime_seconds)
    }

    /// Whether it carries `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// Whether it is still usable.
    fn validity(&self) -> Result<(), Invalid> {
        match self.expires_at {
            _ if self.revoked => Err(Invalid::Revoked),
            Some(expires_at) if expires_at <= now() => Err(Invalid::Expired),
            _ => Ok(()),
        }
    }

    /// The token endpoint's answer for `token`: `access_token`, `token_type`, and
    /// `expires_in` when it expires.
    pub fn answer(&self, token: &str) -> Value {
        let mut body = json!({"access_token": token, "token_type": "bearer"});
        if let Some(expires_at) = self.expires_at {
            body["expires_in"] = json!(expires_at - self.issued_at);
        }
        body
    }

    /// `debug_token`'s `data` for this grant. WhatsApp scopes target the configured WABA.
    pub fn describe(&self, app: &MetaApp, waba_id: &str) -> Value {
        let granular: Vec<Value> = self
            .scopes
            .iter()
            .map(|scope| match scope.starts_with("whatsapp_") {
                true => json!({"scope": scope, "target_ids": [waba_id]}),
                false => json!({"scope": scope}),
            })
            .collect();
        let mut data = json!({
            "app_id": app.id,
            "type": self.token_type,
            "application": app.name,
            "is_valid": self.validity().is_ok(),
            "issued_at": self.issued_at,
            "expires_at": self.expires_at.unwrap_or(0),
            "scopes": self.scopes,
            "granular_scopes": granular,
        });
        if let Some(user_id) = &self.user_id {
            data["user_id"] = json!(user_id);
        }
        if let Err(invalid) = self.validity() {
            let error = invalid.error();
            data["error"] = json!({"code": error.code, "subcode": error.subcode, "message": error.message});
        }
        data
    }
}

/// Why a token is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Invalid {
    /// Never issued (or not a token at all).
    Unknown,
    /// Past its expiry.
    Expired,
    /// Revoked (as when the customer removes the app).
    Revoked,
}

impl Invalid {
    /// Meta's answer: code 190 (HTTP 401), with subcode 463 when expired and 466 when
    /// invalidated (Graph's subcodes; \[UNVERIFIED\] that WhatsApp's endpoints still send them).
    pub fn error(self) -> GraphError {
        let error = |message: &str| GraphError::new(StatusCode::UNAUTHORIZED, 190, message);
        match self {
            Self::Unknown => error("Invalid OAuth access token - Cannot parse access token"),
            Self::Expired => error("Error validating access token: Session has expired.").subcode(463),
            Self::Revoked => error("Error validating access token: The session was invalidated.").subcode(466),
        }
    }
}

/// Every token issued, with its grant.
pub struct Tokens {
    app_id: String,
    grants: Mutex<HashMap<String, Grant>>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = self.grants.lock().unwrap_or_else(PoisonError::into_inner).len();
        f.debug_struct("Tokens").field("app_id", &self.app_id).field("count", &count).finish()
    }
}

impl Tokens {
    /// The configured tokens, valid from now.
    pub fn new(config: &MetaConfig) -> Self {
        let grants = config.tokens.iter().map(|def| {
            let grant = Grant::for_app(
                &config.app,
                def.token_type,
                def.scopes.clone(),
                def.user_id.clone(),
                def.lifetime_seconds,
            );
            (def.token.clone(), grant)
        });
        Self { app_id: config.app.id.clone(), grants: Mutex::new(grants.collect()) }
    }

    /// Issues a new token with this grant.
    pub fn issue(&self, grant: Grant) -> String {
        let token = match grant.token_type {
            TokenType::App => format!("{}|{}", self.app_id, random_id()),
            TokenType::User | TokenType::SystemUser => format!("EAAS{}{}", random_id(), random_id()),
        };
        self.lock().insert(token.clone(), grant);
        token
    }

    /// The grant of a usable token.
    pub fn check(&self, token: &str) -> Result<Grant, Invalid> {
        let grant = self.get(token).ok_or(Invalid::Unknown)?;
        grant.validity().map(|()| grant)
    }

    /// The grant of the request's `Authorization: Bearer` token, if usable.
    pub fn bearer(&self, headers: &HeaderMap) -> Result<Grant, Invalid> {
        bearer_token(headers).map_or(Err(Invalid::Unknown), |token| self.check(token))
    }

    /// The grant of a token, usable or not.
    pub fn get(&self, token: &str) -> Option<Grant> {
        self.lock().get(token).cloned()
    }

    /// Revokes a token; `false` if it is unknown.
    pub fn revoke(&self, token: &str) -> bool {
        self.lock().get_mut(token).map(|grant| grant.revoked = true).is_some()
    }

    /// Makes a token expire now; `false` if it is unknown.
    pub fn expire(&self, token: &str) -> bool {
        self.lock().get_mut(token).map(|grant| grant.expires_at = Some(now())).is_some()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Grant>> {
        self.grants.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The token of an `Authorization: Bearer` header.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The time in Unix seconds.
fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_checked_revoked_and_expired() {
        let config = MetaConfig::default();
        let tokens = Tokens::new(&config);
        let default = tokens.check(super::super::DEFAULT_TOKEN).unwrap();
        assert_eq!((default.token_type, default.expires_at, default.scopes.len()), (TokenType::SystemUser, None, 3));
        let token = tokens.issue(Grant::new(TokenType::User, None, vec!["a".into()], Some(60)));
        assert!(token.starts_with("EAAS") && tokens.check(&token).unwrap().has_scope("a"));
        assert_eq!(tokens.get(&token).unwrap().answer(&token)["expires_in"], 60);
        assert!(tokens.expire(&token));
        assert_eq!(tokens.check(&token), Err(Invalid::Expired));
        assert!(tokens.revoke(super::super::DEFAULT_TOKEN));
        assert_eq!(tokens.check(super::super::DEFAULT_TOKEN), Err(Invalid::Revoked));
        assert_eq!(tokens.check("forged"), Err(Invalid::Unknown));
        assert!(!tokens.revoke("forged"));
        let app = tokens.issue(Grant::new(TokenType::App, None, Vec::new(), None));
        assert!(app.starts_with(&format!("{}|", config.app.id)));
        assert!(!format!("{tokens:?}").contains(&app));
    }

    #[test]
    fn bearer_tokens_come_from_the_authorization_header() {
        let tokens = Tokens::new(&MetaConfig::default());
        let headers = |value: &str| HeaderMap::from_iter([(header::AUTHORIZATION, value.parse().unwrap())]);
        assert!(tokens.bearer(&headers(&format!("bearer {}", super::super::DEFAULT_TOKEN))).is_ok());
        assert_eq!(tokens.bearer(&headers(super::super::DEFAULT_TOKEN)), Err(Invalid::Unknown));
        assert_eq!(tokens.bearer(&HeaderMap::new()), Err(Invalid::Unknown));
    }
}
