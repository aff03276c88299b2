//! Building the signed HTTP request for an operation (spec §4.1–§4.2).
//!
//! Every business parameter goes into the query string, which is the canonical query
//! itself (strict RFC 3986), and the body is empty, as the current Python SDK does
//! (`v3_minimal_*` vectors). Signed headers: `host` and every `x-acs-*`.

use rand::RngCore;
use time::OffsetDateTime;
use time::macros::format_description;

use super::sign::{self, EMPTY_BODY_SHA256, SigningInput};
use super::wire::Params;
use super::{API_VERSION, Operation};
use crate::credentials::Credentials;
use crate::endpoint::Endpoint;
use crate::transport::HttpRequest;

/// The varying inputs of one signed request.
#[derive(Clone, Copy, Debug)]
pub struct RequestContext<'a> {
    /// Who signs.
    pub credentials: &'a Credentials,
    /// Where the request goes (also the signed `host`).
    pub endpoint: &'a Endpoint,
    /// `x-acs-date`, `YYYY-MM-DDTHH:MM:SSZ` (see [`acs_date`]).
    pub date: &'a str,
    /// `x-acs-signature-nonce`, unique per request (see [`random_id`]).
    pub nonce: &'a str,
    /// The `user-agent` header (not signed).
    pub user_agent: &'a str,
}

/// Builds and signs the request for `operation` with `params`.
pub fn build(operation: Operation, params: &Params, ctx: &RequestContext<'_>) -> HttpRequest {
    let mut headers: Vec<(&'static str, String)> = Vec::with_capacity(11);
    headers.push(("x-acs-action", operation.as_str().to_owned()));
    headers.push(("x-acs-version", API_VERSION.to_owned()));
    headers.push(("x-acs-date", ctx.date.to_owned()));
    headers.push(("x-acs-signature-nonce", ctx.nonce.to_owned()));
    headers.push(("x-acs-content-sha256", EMPTY_BODY_SHA256.to_owned()));
    if let Some(token) = ctx.credentials.security_token() {
        headers.push(("x-acs-accesskey-id", ctx.credentials.access_key_id().to_owned()));
        headers.push(("x-acs-security-token", token.expose().to_owned()));
    }
    let signed: Vec<(&str, &str)> = std::iter::once(("host", ctx.endpoint.host_header()))
        .chain(headers.iter().map(|(name, value)| (*name, value.as_str())))
        .collect();
    let query: Vec<(&str, &str)> = params.iter().collect();
    let signature = sign::sign(
        &SigningInput { method: "POST", path: "/", query: &query, headers: &signed, hashed_payload: EMPTY_BODY_SHA256 },
        ctx.credentials.access_key_secret().expose(),
    );

    let base = ctx.endpoint.base_url().as_str();
    let mut url = String::with_capacity(base.len() + 1 + signature.canonical_query.len());
    url.push_str(base);
    if !signature.canonical_query.is_empty() {
        url.push('?');
        url.push_str(&signature.canonical_query);
    }
    headers.push(("accept", "application/json".to_owned()));
    headers.push(("user-agent", ctx.user_agent.to_owned()));
    headers.push(("authorization", signature.authorization(ctx.credentials.access_key_id())));
    HttpRequest { url, headers, body: Vec::new() }
}

/// `x-acs-date` for a moment: UTC, whole seconds, e.g. `2024-05-01T08:00:00Z`.
pub fn acs_date(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z"))
        .expect("every UTC date formats")
}

/// 32 random lowercase hex characters from the OS-seeded thread RNG: nonces, generated TaskIds.
pub fn random_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cams::wire::send_message_params;
    use crate::model::Message;

    #[test]
    fn dates_are_utc_whole_seconds() {
        let at = OffsetDateTime::from_unix_timestamp(1_714_550_400).unwrap();
        assert_eq!(acs_date(at), "2024-05-01T08:00:00Z");
    }

    #[test]
    fn nonces_are_32_hex_and_fresh() {
        let (a, b) = (random_id(), random_id());
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(a, b);
    }

    #[test]
    fn sts_adds_signed_token_headers_and_secrets_stay_out_of_the_url() {
        let creds = Credentials::new("AK", "SECRET-VALUE", Some("TOKEN-VALUE".into())).unwrap();
        let endpoint = Endpoint::parse("http://127.0.0.1:9000").unwrap();
        let ctx = RequestContext {
            credentials: &creds,
            endpoint: &endpoint,
            date: "2024-05-01T08:00:00Z",
            nonce: "n",
            user_agent: "ua",
        };
        let req = build(
            Operation::SendChatappMessage,
            &send_message_params(&Message::text("1", "2", "hi"), Default::default()),
            &ctx,
        );
        assert!(req.url.starts_with("http://127.0.0.1:9000/?ChannelType=whatsapp&Content="));
        let auth = &req.headers.iter().find(|(n, _)| *n == "authorization").unwrap().1;
        assert!(auth.contains(
            "SignedHeaders=host;x-acs-accesskey-id;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;"
        ));
        assert!(req.headers.iter().any(|(n, v)| *n == "x-acs-security-token" && v == "TOKEN-VALUE"));
        assert!(!req.url.contains("SECRET") && !auth.contains("SECRET"));
    }
}
