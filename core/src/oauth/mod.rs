//! Bearer tokens for Meta's WhatsApp Cloud API (and any OAuth 2.0 provider): getting one,
//! checking it, keeping it.
//!
//! * [`authorize`]: the authorization-code flow's front half, pure: the dialog URL with a
//!   random `state` and a PKCE (S256) challenge, and the callback's check.
//! * [`exchange`]: the token endpoint over the core [`Transport`](crate::transport::Transport):
//!   code exchange, the `refresh_token` grant, Meta's long-lived `fb_exchange_token` and
//!   `debug_token`.
//! * [`scopes`]: whether a token carries the scopes a client needs, and which it has beyond them.
//! * [`source`]: the token a client sends with, renewed before it expires.
//! * [`app`]: all of it for one Meta app, as the bindings and the CLI use it.
//!
//! Tokens, app secrets, codes and PKCE verifiers are [`Secret`](crate::Secret)s: no `Debug`,
//! `Display` or error message shows them. Every URL called is `https://`, or `http://` on a
//! loopback host (the [`Endpoint`] rule).

pub mod app;
pub mod authorize;
pub mod exchange;
pub mod scopes;
pub mod source;

#[cfg(test)]
mod fake;

pub use app::{MetaApp, MetaAppOptions};
pub use authorize::{AuthorizationCode, AuthorizationRequest, PendingAuthorization};
pub use exchange::{AccessToken, AppCredentials, GranularScope, MetaOAuth, OAuthClient, TokenInfo};
pub use scopes::{ScopeReport, check_scopes};
pub use source::{OnRenewed, TokenRenewer, TokenSettings, TokenSource};

use url::Url;

use crate::endpoint::Endpoint;
use crate::error::{Error, ErrorCode};
use crate::meta::{DEFAULT_GRAPH_VERSION, GRAPH_HOST};

/// The host of Meta's login dialog.
pub const DIALOG_BASE: &str = "https://www.facebook.com";

/// A Meta host and a pinned Graph API version: it serves `{base}/{version}/{path}`
/// (`https://graph.facebook.com/v25.0/debug_token`; the sandbox on a loopback port).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetaHost {
    base: Endpoint,
    version: String,
}

impl MetaHost {
    /// `base` (`https://host[:port]`, or `http://` on loopback) with `version` (`vNN.N`).
    pub fn new(base: &str, version: &str) -> Result<Self, Error> {
        let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        let well_formed = version.strip_prefix('v').and_then(|rest| rest.split_once('.'));
        if !well_formed.is_some_and(|(major, minor)| digits(major) && digits(minor)) {
            return Err(Error::new(
                ErrorCode::InvalidConfig,
                format!("the Graph API version {version:?} is not of the form vNN.N"),
            ));
        }
        Ok(Self { base: Endpoint::parse(base)?, version: version.to_owned() })
    }

    /// Meta's Graph API at [`DEFAULT_GRAPH_VERSION`].
    pub fn graph() -> Self {
        Self::new(GRAPH_HOST, DEFAULT_GRAPH_VERSION).expect("Meta's Graph API host is valid")
    }

    /// Meta's login dialog host at [`DEFAULT_GRAPH_VERSION`].
    pub fn dialog() -> Self {
        Self::new(DIALOG_BASE, DEFAULT_GRAPH_VERSION).expect("Meta's dialog host is valid")
    }

    /// The URL of `path` (no leading `/`) under this host's version.
    pub(crate) fn url(&self, path: &str) -> Url {
        let mut url = self.base.base_url().clone();
        url.set_path(&format!("{}/{path}", self.version));
        url
    }
}

/// `input` parsed as an absolute URL that may be called: `https://`, or `http://` on a
/// loopback host, without user information. `what` names it in the error.
fn checked_url(input: &str, what: &str) -> Result<Url, Error> {
    let invalid = |why: String| Error::new(ErrorCode::InvalidConfig, format!("the {what} {why}"));
    let url = Url::parse(input).map_err(|e| invalid(format!("is not a URL ({e})")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("must not carry user information".to_owned()));
    }
    if !url.origin().is_tuple() {
        return Err(invalid("must be an https:// URL (http:// only on a loopback host)".to_owned()));
    }
    Endpoint::parse(&url.origin().ascii_serialization())
        .map_err(|e| invalid(format!("is not allowed: {}", e.message())))?;
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_hosts_serve_versioned_paths() {
        assert_eq!(MetaHost::graph().url("debug_token").as_str(), "https://graph.facebook.com/v25.0/debug_token");
        assert_eq!(MetaHost::dialog().url("dialog/oauth").as_str(), "https://www.facebook.com/v25.0/dialog/oauth");
        let sandbox = MetaHost::new("http://127.0.0.1:8089", "v26.0").unwrap();
        assert_eq!(sandbox.url("oauth/access_token").as_str(), "http://127.0.0.1:8089/v26.0/oauth/access_token");
        for bad in ["25.0", "v25", "v25.x", "v.0", "v25.0/x"] {
            assert_eq!(MetaHost::new(GRAPH_HOST, bad).unwrap_err().code(), ErrorCode::InvalidConfig, "{bad}");
        }
        assert_eq!(MetaHost::new("http://graph.example", "v25.0").unwrap_err().code(), ErrorCode::InvalidConfig);
    }

    #[test]
    fn called_urls_are_https_or_loopback() {
        for ok in ["https://login.example/oauth/token", "http://localhost:9/token", "http://[::1]/t?x=1"] {
            checked_url(ok, "token URL").unwrap();
        }
        for bad in ["http://login.example/token", "https://u:p@login.example/t", "mailto:a@b", "token", "ftp://h/t"] {
            let error = checked_url(bad, "token URL").unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidConfig, "{bad}");
            assert!(!error.message().contains("u:p"), "{error}");
        }
    }
}
