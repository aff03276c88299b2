//! [`MetaApp`]: Meta's OAuth for one app, in the shape every binding and the CLI use — plain
//! strings in, one value out, its own connections.

use std::sync::Arc;

use super::{
    AccessToken, AppCredentials, AuthorizationCode, AuthorizationRequest, DIALOG_BASE, MetaHost, MetaOAuth,
    PendingAuthorization, TokenInfo, TokenRenewer,
};
use crate::Secret;
use crate::endpoint::Endpoint;
use crate::error::{Error, ErrorCode};
use crate::meta::{DEFAULT_GRAPH_VERSION, GRAPH_HOST};
use crate::transport::{self, TransportConfig};

/// Where a [`MetaApp`] calls, all optional: Meta's hosts at the pinned version by default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MetaAppOptions {
    /// The Graph API host (`https://graph.facebook.com`; the sandbox's URL in tests).
    pub graph_url: Option<String>,
    /// The login dialog's host (`https://www.facebook.com`; the sandbox's URL in tests).
    pub dialog_url: Option<String>,
    /// The Graph API version, `vNN.N`.
    pub graph_version: Option<String>,
}

/// One Meta app's OAuth: the login dialog URL with `state` and PKCE, the code exchange, the
/// long-lived exchange and `debug_token`. The app secret belongs on a backend: a mobile app
/// obtains the code and hands it to its backend, which exchanges it.
#[derive(Debug)]
pub struct MetaApp {
    oauth: Arc<MetaOAuth>,
    dialog: MetaHost,
    app_id: String,
}

impl MetaApp {
    /// The app `app_id` with its secret, calling where `options` say. A host that is not
    /// `https://` (or `http://` on loopback) or a malformed version is
    /// [`ErrorCode::InvalidConfig`].
    pub fn new(app_id: &str, app_secret: &str, options: MetaAppOptions) -> Result<Self, Error> {
        let version = options.graph_version.as_deref().unwrap_or(DEFAULT_GRAPH_VERSION);
        let graph_url = options.graph_url.as_deref().unwrap_or(GRAPH_HOST);
        let graph = MetaHost::new(graph_url, version)?;
        let dialog = MetaHost::new(options.dialog_url.as_deref().unwrap_or(DIALOG_BASE), version)?;
        let endpoint = Endpoint::parse(graph_url)?;
        let config = TransportConfig { no_proxy: endpoint.is_loopback(), ..TransportConfig::default() };
        let transport = transport::for_endpoint(&endpoint, &config)?;
        let app = AppCredentials::new(app_id, app_secret)?;
        Ok(Self { oauth: Arc::new(MetaOAuth::new(app, graph, transport)), dialog, app_id: app_id.to_owned() })
    }

    /// The URL to send the user to, asking for `scopes` and coming back to `redirect_uri`,
    /// and what to keep until the callback ([`PendingAuthorization::to_json`]).
    pub fn authorization_url(
        &self,
        redirect_uri: &str,
        scopes: &[&str],
    ) -> Result<(String, PendingAuthorization), Error> {
        let (url, pending) = AuthorizationRequest::meta(&self.dialog, &self.app_id, redirect_uri, scopes)?.start();
        Ok((url.into(), pending))
    }

    /// The token for the callback whose query string is `callback_query`, checked against
    /// `pending` (its `state` in constant time: [`ErrorCode::StateMismatch`]).
    pub async fn exchange_callback(
        &self,
        pending: &PendingAuthorization,
        callback_query: &str,
    ) -> Result<AccessToken, Error> {
        self.oauth.exchange_code(&pending.verify_callback(callback_query)?).await
    }

    /// The token for a code obtained without a redirect (the JS SDK popup of Embedded
    /// Signup). A used, expired or forged code is [`ErrorCode::InvalidGrant`].
    pub async fn exchange_code(&self, code: &str) -> Result<AccessToken, Error> {
        self.oauth.exchange_code(&AuthorizationCode::new(code)).await
    }

    /// A long-lived (about 60 days) token for `token`.
    pub async fn long_lived(&self, token: &str) -> Result<AccessToken, Error> {
        self.oauth.long_lived(&Secret::new(token), false).await
    }

    /// This app as the renewer of a client's token ([`super::TokenSource::renewing`]): a
    /// system user's expiring token exchanged for a new 60-day one before it expires.
    pub fn renewer(&self) -> Arc<dyn TokenRenewer> {
        Arc::clone(&self.oauth) as Arc<dyn TokenRenewer>
    }

    /// What Meta says about `token`: validity, expiry, scopes.
    pub async fn inspect(&self, token: &str) -> Result<TokenInfo, Error> {
        self.oauth.debug_token(&Secret::new(token)).await
    }
}

impl PendingAuthorization {
    /// This pending authorization as JSON text, to keep server-side (it holds the PKCE
    /// verifier in clear) until the callback.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a pending authorization serialises")
    }

    /// A pending authorization from [`Self::to_json`]'s text; anything else is
    /// [`ErrorCode::InvalidConfig`].
    pub fn from_json(text: &str) -> Result<Self, Error> {
        serde_json::from_str(text)
            .map_err(|e| Error::new(ErrorCode::InvalidConfig, format!("not a pending authorization: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dialog_url_names_the_app_and_the_pending_state_round_trips() {
        let options = MetaAppOptions { dialog_url: Some("http://127.0.0.1:9".into()), ..MetaAppOptions::default() };
        let app = MetaApp::new("1234", "app-secret", options).unwrap();
        let (url, pending) = app.authorization_url("https://app.example/cb", &["whatsapp_business_messaging"]).unwrap();
        assert!(url.starts_with("http://127.0.0.1:9/v25.0/dialog/oauth?"), "{url}");
        assert!(url.contains("client_id=1234") && url.contains("code_challenge_method=S256"), "{url}");
        assert!(!url.contains("app-secret"));
        let stored = pending.to_json();
        assert_eq!(PendingAuthorization::from_json(&stored).unwrap(), pending);
        let error = PendingAuthorization::from_json("{}").unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidConfig);
        assert!(!format!("{app:?}").contains("app-secret"));
    }

    #[test]
    fn hosts_must_be_https_or_loopback() {
        let options = MetaAppOptions { graph_url: Some("http://graph.example".into()), ..MetaAppOptions::default() };
        assert_eq!(MetaApp::new("1", "s", options).unwrap_err().code(), ErrorCode::InvalidConfig);
        let options = MetaAppOptions { graph_version: Some("25".into()), ..MetaAppOptions::default() };
        assert_eq!(MetaApp::new("1", "s", options).unwrap_err().code(), ErrorCode::InvalidConfig);
    }
}
