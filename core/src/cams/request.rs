//! Building the signed HTTP request for an operation (spec §4.1–§4.2).
//!
//! Every business parameter goes into the query string, which is the canonical query
//! itself (strict RFC 3986), and the body is empty, as the current Python SDK does
//! (`v3_minimal_*` vectors). Signed headers: `host` and every `x-acs-*`.
//!
//! The request comes out as the `http` crate's types, so the transport writes it without
//! parsing the URL or any header name again.

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, HOST, USER_AGENT};
use http::{HeaderName, HeaderValue, Method, Request};
use time::OffsetDateTime;
use time::macros::format_description;

use super::API_VERSION;
use super::sign::{self, EMPTY_BODY_SHA256, SigningInput};
use super::wire::Params;
use crate::credentials::Credentials;
use crate::endpoint::Endpoint;
use crate::error::{Error, ErrorCode};
use crate::operation::Operation;
use crate::transport::HttpRequest;

const X_ACS_ACTION: HeaderName = HeaderName::from_static("x-acs-action");
const X_ACS_VERSION: HeaderName = HeaderName::from_static("x-acs-version");
const X_ACS_DATE: HeaderName = HeaderName::from_static("x-acs-date");
const X_ACS_SIGNATURE_NONCE: HeaderName = HeaderName::from_static("x-acs-signature-nonce");
const X_ACS_CONTENT_SHA256: HeaderName = HeaderName::from_static("x-acs-content-sha256");
const X_ACS_ACCESSKEY_ID: HeaderName = HeaderName::from_static("x-acs-accesskey-id");
const X_ACS_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-acs-security-token");

/// The varying inputs of one signed request.
#[derive(Clone, Copy, Debug)]
pub struct RequestContext<'a> {
    /// Who signs.
    pub credentials: &'a Credentials,
    /// Where the request goes (also the signed `host`).
    pub endpoint: &'a Endpoint,
    /// `x-acs-date`, `YYYY-MM-DDTHH:MM:SSZ` (see [`acs_date`]).
    pub date: &'a str,
    /// `x-acs-signature-nonce`, unique per request (see [`crate::random_id`]).
    pub nonce: &'a str,
    /// The `user-agent` header (not signed).
    pub user_agent: &'a str,
}

/// Builds and signs the `POST` for `operation` with `params`: `host` first, then the signed
/// `x-acs-*` headers, `accept`, `user-agent` and `authorization`.
///
/// The security token and the signature are marked sensitive: `Debug` shows neither.
///
/// Fails with [`ErrorCode::InvalidConfig`] when a configured value (the user agent, an
/// AccessKey ID or a security token) cannot go in an HTTP header; the error names the
/// header, never its value.
pub fn build(operation: Operation, params: &Params, ctx: &RequestContext<'_>) -> Result<HttpRequest, Error> {
    let credentials = ctx.credentials;
    let mut signed: Vec<(HeaderName, &str)> = Vec::with_capacity(8);
    signed.extend([
        (HOST, ctx.endpoint.host_header()),
        (X_ACS_ACTION, operation.as_str()),
        (X_ACS_VERSION, API_VERSION),
        (X_ACS_DATE, ctx.date),
        (X_ACS_SIGNATURE_NONCE, ctx.nonce),
        (X_ACS_CONTENT_SHA256, EMPTY_BODY_SHA256),
    ]);
    if let Some(token) = credentials.security_token() {
        signed.push((X_ACS_ACCESSKEY_ID, credentials.access_key_id()));
        signed.push((X_ACS_SECURITY_TOKEN, token.expose()));
    }
    let signed_strs: Vec<(&str, &str)> = signed.iter().map(|(name, value)| (name.as_str(), *value)).collect();
    let query: Vec<(&str, &str)> = params.iter().collect();
    let signature = sign::sign(
        &SigningInput {
            method: "POST",
            path: "/",
            query: &query,
            headers: &signed_strs,
            hashed_payload: EMPTY_BODY_SHA256,
        },
        credentials.access_key_secret().expose(),
    );
    let authorization = signature.authorization(credentials.access_key_id());

    let mut request = Request::new(Bytes::new());
    *request.method_mut() = Method::POST;
    *request.uri_mut() = ctx.endpoint.request_uri(&signature.canonical_query)?;
    let headers = request.headers_mut();
    headers.reserve(signed.len() + 3);
    let unsigned =
        [(ACCEPT, "application/json"), (USER_AGENT, ctx.user_agent), (AUTHORIZATION, authorization.as_str())];
    for (name, value) in signed.into_iter().chain(unsigned) {
        let mut value = HeaderValue::from_str(value).map_err(|_| {
            Error::new(ErrorCode::InvalidConfig, format!("the {name} header would not be a valid HTTP header value"))
        })?;
        value.set_sensitive(name == X_ACS_SECURITY_TOKEN || name == AUTHORIZATION);
        headers.append(name, value);
    }
    Ok(request)
}

/// `x-acs-date` for a moment: UTC, whole seconds, e.g. `2024-05-01T08:00:00Z`.
pub fn acs_date(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z"))
        .expect("every UTC date formats")
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
        )
        .unwrap();
        let url = req.uri().to_string();
        assert!(url.starts_with("http://127.0.0.1:9000/?ChannelType=whatsapp&Content="), "{url}");
        let header = |name: &str| req.headers()[name].to_str().unwrap();
        let auth = header("authorization");
        assert!(auth.contains(
            "SignedHeaders=host;x-acs-accesskey-id;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;"
        ));
        assert_eq!(header("x-acs-security-token"), "TOKEN-VALUE");
        assert!(!url.contains("SECRET") && !auth.contains("SECRET"));
        let debug = format!("{req:?}");
        assert!(!debug.contains("TOKEN-VALUE") && !debug.contains("Signature="), "{debug}");
    }

    #[test]
    fn host_goes_first_and_a_bad_header_value_is_named_without_its_value() {
        let creds = Credentials::new("AK", "SECRET-VALUE", None).unwrap();
        let endpoint = Endpoint::parse("http://127.0.0.1:9000").unwrap();
        let params = send_message_params(&Message::text("1", "2", "hi"), Default::default());
        let ctx = |user_agent| RequestContext {
            credentials: &creds,
            endpoint: &endpoint,
            date: "2024-05-01T08:00:00Z",
            nonce: "n",
            user_agent,
        };
        let req = build(Operation::SendChatappMessage, &params, &ctx("ua")).unwrap();
        let names: Vec<&str> = req.headers().keys().map(http::HeaderName::as_str).collect();
        assert_eq!(names[0], "host");
        assert_eq!(req.headers()["host"], "127.0.0.1:9000");
        assert_eq!(names.len(), 9, "{names:?}");
        let error = build(Operation::SendChatappMessage, &params, &ctx("ua\r\nx-evil: 1")).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidConfig);
        assert!(error.message().contains("user-agent") && !error.message().contains("evil"), "{error}");
    }
}
