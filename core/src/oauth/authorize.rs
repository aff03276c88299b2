//! The authorization-code flow's front half, pure: the URL a user is sent to (a random
//! `state`, a PKCE S256 challenge) and the check of the callback the provider redirects back
//! to. A backend keeps the [`PendingAuthorization`] (it serialises) between the two.
//!
//! Meta's Embedded Signup popup (the JS SDK's `FB.login`) hands the page a code without a
//! redirect: such a code is taken as is with [`AuthorizationCode::new`].

use oauth2::basic::BasicClient;
use oauth2::{AuthUrl, ClientId, CsrfToken, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use url::Url;

use super::{MetaHost, checked_url};
use crate::credentials::Secret;
use crate::error::{Error, ErrorCode, PlatformDetails};

/// Query parameters the flow sets itself; an extra parameter may not use them.
const RESERVED: [&str; 7] =
    ["response_type", "client_id", "state", "code_challenge", "code_challenge_method", "redirect_uri", "scope"];

/// The start of an authorization-code flow: where the provider's dialog is, the app, where
/// the provider sends the user back, and the scopes asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthorizationRequest {
    dialog: Url,
    app_id: String,
    redirect_uri: Url,
    scopes: Vec<String>,
    params: Vec<(String, String)>,
}

impl AuthorizationRequest {
    /// A flow through any provider's authorization endpoint `dialog_url`. `redirect_uri` is the
    /// app's callback, registered with the provider. Both are `https://` URLs, or `http://` on
    /// a loopback host.
    pub fn new(dialog_url: &str, app_id: &str, redirect_uri: &str, scopes: &[&str]) -> Result<Self, Error> {
        Self::at(checked_url(dialog_url, "authorization URL")?, app_id, redirect_uri, scopes)
    }

    /// A flow through Meta's login dialog, `{host}/{version}/dialog/oauth`
    /// ([`MetaHost::dialog`], or the sandbox's host).
    pub fn meta(host: &MetaHost, app_id: &str, redirect_uri: &str, scopes: &[&str]) -> Result<Self, Error> {
        Self::at(host.url("dialog/oauth"), app_id, redirect_uri, scopes)
    }

    fn at(dialog: Url, app_id: &str, redirect_uri: &str, scopes: &[&str]) -> Result<Self, Error> {
        if app_id.trim().is_empty() {
            return Err(Error::new(ErrorCode::InvalidConfig, "the app ID must not be empty"));
        }
        Ok(Self {
            dialog,
            app_id: app_id.to_owned(),
            redirect_uri: checked_url(redirect_uri, "redirect URI")?,
            scopes: scopes.iter().map(|&scope| scope.to_owned()).collect(),
            params: Vec::new(),
        })
    }

    /// Adds a query parameter of the provider's own, such as Meta's `config_id` (an Embedded
    /// Signup configuration, given instead of scopes). The flow's own parameters are refused.
    pub fn with_param(mut self, name: &str, value: &str) -> Result<Self, Error> {
        if RESERVED.contains(&name) {
            return Err(Error::new(ErrorCode::InvalidConfig, format!("the parameter {name:?} is set by the flow")));
        }
        self.params.push((name.to_owned(), value.to_owned()));
        Ok(self)
    }

    /// The URL to send the user to, with a fresh random `state` and PKCE verifier, and what
    /// to keep until the callback.
    pub fn start(&self) -> (Url, PendingAuthorization) {
        let (_, verifier) = PkceCodeChallenge::new_random_sha256();
        self.start_with(CsrfToken::new_random(), verifier)
    }

    /// [`Self::start`] with a given `state` and verifier.
    fn start_with(&self, state: CsrfToken, verifier: PkceCodeVerifier) -> (Url, PendingAuthorization) {
        let redirect = RedirectUrl::from_url(self.redirect_uri.clone());
        let client = BasicClient::new(ClientId::new(self.app_id.clone()))
            .set_auth_uri(AuthUrl::from_url(self.dialog.clone()))
            .set_redirect_uri(redirect);
        let mut request = client
            .authorize_url(|| state)
            .add_scopes(self.scopes.iter().map(|scope| Scope::new(scope.clone())))
            .set_pkce_challenge(PkceCodeChallenge::from_code_verifier_sha256(&verifier));
        for (name, value) in &self.params {
            request = request.add_extra_param(name.as_str(), value.as_str());
        }
        let (url, state) = request.url();
        let pending = PendingAuthorization {
            state: Secret::new(state.into_secret()),
            verifier: Secret::new(verifier.into_secret()),
            redirect_uri: self.redirect_uri.to_string(),
        };
        (url, pending)
    }
}

/// What a backend keeps between sending the user to the dialog and the callback: the
/// `state` sent, the PKCE verifier and the redirect URI. It serialises (with serde) so it
/// can be stored; the stored form holds the verifier in clear, so store it server-side only.
/// `Debug` shows neither the state nor the verifier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingAuthorization {
    #[serde(with = "exposed")]
    state: Secret,
    #[serde(with = "exposed")]
    verifier: Secret,
    redirect_uri: String,
}

impl PendingAuthorization {
    /// The code of the callback whose query string (`code=…&state=…`, or `error=…`; a
    /// leading `?` is allowed) is `query`. A provider's refusal (`error=access_denied`…)
    /// becomes its error; a `state` other than the one sent is [`ErrorCode::StateMismatch`].
    pub fn verify_callback(&self, query: &str) -> Result<AuthorizationCode, Error> {
        let query = query.strip_prefix('?').unwrap_or(query);
        let param = |name: &str| url::form_urlencoded::parse(query.as_bytes()).find(|(key, _)| key == name);
        if let Some((_, error)) = param("error") {
            let description = param("error_description").map(|(_, value)| value.into_owned());
            return Err(refused(&error, description));
        }
        let state = param("state").map(|(_, value)| value).unwrap_or_default();
        let code = param("code").map(|(_, value)| value).unwrap_or_default();
        self.verify(&code, &state)
    }

    /// The code of a callback given as its `code` and `state`: [`ErrorCode::StateMismatch`]
    /// when `state` is not the one sent (compared in constant time), [`ErrorCode::InvalidGrant`]
    /// when the code is empty.
    pub fn verify(&self, code: &str, state: &str) -> Result<AuthorizationCode, Error> {
        if !bool::from(state.as_bytes().ct_eq(self.state.expose().as_bytes())) {
            return Err(Error::new(
                ErrorCode::StateMismatch,
                "the callback's state is not the one sent: a forged or mixed-up callback; nothing was exchanged",
            ));
        }
        if code.is_empty() {
            return Err(Error::new(ErrorCode::InvalidGrant, "the callback carries no authorization code"));
        }
        Ok(AuthorizationCode {
            code: Secret::new(code),
            redirect_uri: Some(self.redirect_uri.clone()),
            verifier: Some(self.verifier.clone()),
        })
    }
}

/// The error for a callback carrying the provider's refusal (RFC 6749 §4.1.2.1).
fn refused(error: &str, description: Option<String>) -> Error {
    let code = match error {
        "access_denied" => ErrorCode::PermissionDenied,
        "unauthorized_client" => ErrorCode::InvalidClient,
        "invalid_request" | "invalid_scope" | "unsupported_response_type" => ErrorCode::InvalidConfig,
        "server_error" | "temporarily_unavailable" => ErrorCode::Server,
        _ => ErrorCode::Rejected,
    };
    let detail = description.as_deref().map(|text| format!(": {text}")).unwrap_or_default();
    Error::new(code, format!("the authorization was refused ({error}){detail}")).with_platform(PlatformDetails {
        code: Some(error.to_owned()),
        message: description,
        ..PlatformDetails::default()
    })
}

/// An authorization code to exchange for a token, with what its exchange must repeat: the
/// redirect URI and PKCE verifier of the flow that obtained it. `Debug` hides the code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthorizationCode {
    pub(super) code: Secret,
    pub(super) redirect_uri: Option<String>,
    pub(super) verifier: Option<Secret>,
}

impl AuthorizationCode {
    /// A code obtained without a redirect or PKCE: Meta's Embedded Signup popup (`FB.login`
    /// with `response_type: 'code'`). Exchange it at once: it lives about 30 seconds.
    pub fn new(code: impl Into<String>) -> Self {
        Self { code: Secret::new(code), redirect_uri: None, verifier: None }
    }
}

/// Serde for a [`Secret`] a backend stores on purpose: its value in clear.
mod exposed {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::credentials::Secret;

    pub(super) fn serialize<S: Serializer>(secret: &Secret, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(secret.expose())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Secret, D::Error> {
        String::deserialize(deserializer).map(Secret::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7636, appendix B: a verifier and its S256 challenge.
    const RFC_VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const RFC_CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    fn request() -> AuthorizationRequest {
        let dialog = MetaHost::new("http://127.0.0.1:8089", "v25.0").unwrap();
        let scopes = ["whatsapp_business_messaging", "whatsapp_business_management"];
        AuthorizationRequest::meta(&dialog, "1234", "https://app.example/callback", &scopes).unwrap()
    }

    fn query(url: &Url, name: &str) -> Option<String> {
        url.query_pairs().find(|(key, _)| key == name).map(|(_, value)| value.into_owned())
    }

    #[test]
    fn the_url_carries_the_app_the_scopes_the_state_and_the_s256_challenge() {
        let (url, pending) = request()
            .with_param("config_id", "cfg-9")
            .unwrap()
            .start_with(CsrfToken::new("st-1".into()), PkceCodeVerifier::new(RFC_VERIFIER.into()));
        assert_eq!(url.origin().ascii_serialization(), "http://127.0.0.1:8089");
        assert_eq!(url.path(), "/v25.0/dialog/oauth");
        let expected = [
            ("response_type", "code"),
            ("client_id", "1234"),
            ("state", "st-1"),
            ("code_challenge", RFC_CHALLENGE),
            ("code_challenge_method", "S256"),
            ("redirect_uri", "https://app.example/callback"),
            ("scope", "whatsapp_business_messaging whatsapp_business_management"),
            ("config_id", "cfg-9"),
        ];
        for (name, value) in expected {
            assert_eq!(query(&url, name).as_deref(), Some(value), "{name}");
        }
        assert!(query(&url, "code_verifier").is_none());
        let code = pending.verify("the-code", "st-1").unwrap();
        assert_eq!(code.verifier.unwrap().expose(), RFC_VERIFIER);
        assert_eq!(code.redirect_uri.as_deref(), Some("https://app.example/callback"));
    }

    #[test]
    fn each_start_has_its_own_random_state_and_verifier() {
        let (first_url, first) = request().start();
        let (second_url, second) = request().start();
        assert_ne!(first.state.expose(), second.state.expose());
        assert_ne!(first.verifier.expose(), second.verifier.expose());
        assert!(first.verifier.expose().len() >= 43, "RFC 7636: at least 43 characters");
        let challenge =
            PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(first.verifier.expose().into()));
        assert_eq!(query(&first_url, "code_challenge").as_deref(), Some(challenge.as_str()));
        assert_eq!(query(&second_url, "state").as_deref(), Some(second.state.expose()));
    }

    #[test]
    fn the_flow_refuses_bad_urls_and_its_own_parameters_as_extras() {
        let host = "https://www.facebook.com/v25.0/dialog/oauth";
        let refused = [
            AuthorizationRequest::new(host, "1", "http://app.example/cb", &[]).unwrap_err(),
            AuthorizationRequest::new("http://login.example/authorize", "1", "https://app.example/cb", &[])
                .unwrap_err(),
            AuthorizationRequest::new(host, " ", "https://app.example/cb", &[]).unwrap_err(),
            request().with_param("state", "mine").unwrap_err(),
        ];
        for error in refused {
            assert_eq!(error.code(), ErrorCode::InvalidConfig, "{error}");
        }
        let (url, _) = AuthorizationRequest::new(host, "1", "http://localhost:3000/cb", &[]).unwrap().start();
        assert!(query(&url, "scope").is_none(), "no scopes, no scope parameter (a configuration gives them)");
    }

    #[test]
    fn the_callback_gives_the_code_when_the_state_matches() {
        let (_, pending) = request().start();
        let state = pending.state.expose().to_owned();
        let code = pending.verify_callback(&format!("?code=AQB%2Bxyz&state={state}")).unwrap();
        assert_eq!(code.code.expose(), "AQB+xyz");
        assert_eq!(code.verifier.as_ref(), Some(&pending.verifier));
        let missing = pending.verify_callback(&format!("state={state}")).unwrap_err();
        assert_eq!(missing.code(), ErrorCode::InvalidGrant);
    }

    #[test]
    fn another_state_is_a_state_mismatch() {
        let (_, pending) = request().start();
        let state = pending.state.expose().to_owned();
        for query in ["code=c&state=forged".to_owned(), "code=c".to_owned(), format!("code=c&state={state}x")] {
            let error = pending.verify_callback(&query).unwrap_err();
            assert_eq!(error.code(), ErrorCode::StateMismatch, "{query}");
            assert!(!error.message().contains(&state));
        }
    }

    #[test]
    fn a_refusal_in_the_callback_is_a_typed_error() {
        let (_, pending) = request().start();
        let denied = pending
            .verify_callback("error=access_denied&error_code=200&error_description=Permissions+error&error_reason=user_denied&state=s")
            .unwrap_err();
        assert_eq!(denied.code(), ErrorCode::PermissionDenied);
        assert_eq!(denied.platform_code(), Some("access_denied"));
        assert!(denied.message().contains("Permissions error"), "{denied}");
        let busy = pending.verify_callback("error=temporarily_unavailable").unwrap_err();
        assert_eq!(busy.code(), ErrorCode::Server);
        assert_eq!(pending.verify_callback("error=weird").unwrap_err().code(), ErrorCode::Rejected);
    }

    #[test]
    fn the_pending_flow_round_trips_through_serde_and_debug_hides_its_secrets() {
        let (_, pending) = request().start();
        let stored = serde_json::to_string(&pending).unwrap();
        let restored: PendingAuthorization = serde_json::from_str(&stored).unwrap();
        assert_eq!(restored, pending);
        let code = restored.verify("c0de-value", pending.state.expose()).unwrap();
        let shown = format!("{pending:?} {code:?} {:?}", AuthorizationCode::new("c0de-value"));
        for secret in [pending.state.expose(), pending.verifier.expose(), "c0de-value"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}
