//! The API gateway's part of the contract: authenticate an ACS3-HMAC-SHA256 request and
//! recover its parameters, with the gateway's error codes and HTTP statuses.
//!
//! Verification reuses the core's signer, so the sandbox and the client can only agree
//! when both follow spec §4.2; the official SDK vectors pin that signer down.

use std::collections::BTreeMap;

use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use chatlane_core::cams::sign::{self, ALGORITHM, SigningInput};
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::Account;
use crate::signature_v2;

/// A gateway-level rejection: HTTP status, platform `Code` and `Message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// HTTP status of the answer.
    pub status: StatusCode,
    /// The platform `Code`.
    pub code: &'static str,
    /// The platform `Message`.
    pub message: String,
}

impl Rejection {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into() }
    }
}

/// How far `x-acs-date` may be from the server's clock (spec §2).
pub const CLOCK_SKEW: Duration = Duration::from_secs(15 * 60);

/// An authenticated request: who sent it, which action, and every parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authenticated {
    /// The AccessKey ID that signed the request.
    pub access_key_id: String,
    /// The `x-acs-action` header.
    pub action: String,
    /// Query and form-body parameters, decoded.
    pub params: BTreeMap<String, String>,
    /// The `x-acs-signature-nonce` header (unique per request).
    pub nonce: String,
    /// The STS token the request carried (`x-acs-security-token`, or V2 `SecurityToken`).
    pub security_token: Option<String>,
}

/// The parsed `Authorization` header.
struct Authorization<'a> {
    access_key_id: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Option<Authorization<'_>> {
    let rest = value.strip_prefix(ALGORITHM)?.trim_start();
    let (mut access_key_id, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (key, value) = part.trim().split_once('=')?;
        match key {
            "Credential" => access_key_id = Some(value),
            "SignedHeaders" => signed_headers = Some(value.split(';').collect()),
            "Signature" => signature = Some(value),
            _ => return None,
        }
    }
    Some(Authorization { access_key_id: access_key_id?, signed_headers: signed_headers?, signature: signature? })
}

/// Checks `x-acs-date` (`YYYY-MM-DDTHH:MM:SSZ`) against `now`.
fn check_date(date: &str, now: OffsetDateTime) -> Result<(), Rejection> {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    let at = PrimitiveDateTime::parse(date, format).map(PrimitiveDateTime::assume_utc).map_err(|_| {
        Rejection::new(
            StatusCode::BAD_REQUEST,
            "InvalidTimeStamp.Format",
            format!("x-acs-date {date:?} is not YYYY-MM-DDTHH:MM:SSZ."),
        )
    })?;
    if (now - at).unsigned_abs() > CLOCK_SKEW {
        return Err(Rejection::new(
            StatusCode::BAD_REQUEST,
            "InvalidTimeStamp.Expired",
            format!("x-acs-date {date} is more than 15 minutes away from the server time."),
        ));
    }
    Ok(())
}

/// Authenticates a `POST /` request as the CAMS gateway does, at server time `now`: an
/// ACS3 `Authorization` header, or else the legacy V2 `Signature` parameter. (Nonce reuse is
/// checked by the caller, which keeps the state.)
pub fn authenticate(
    accounts: &[Account],
    raw_query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
    now: OffsetDateTime,
) -> Result<Authenticated, Rejection> {
    let query: Vec<(String, String)> =
        raw_query.map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect()).unwrap_or_default();
    let is_form = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    let form: Vec<(String, String)> =
        if is_form { form_urlencoded::parse(body).into_owned().collect() } else { Vec::new() };
    let authenticated = if headers.contains_key("authorization") {
        authenticate_v3(accounts, query, form, headers, body, now)?
    } else if query.iter().chain(&form).any(|(k, _)| k == "Signature") {
        authenticate_v2(accounts, query.into_iter().chain(form).collect(), now)?
    } else {
        return Err(Rejection::new(
            StatusCode::BAD_REQUEST,
            "IncompleteSignature",
            "The request has neither an Authorization header nor a Signature parameter.",
        ));
    };
    let account = find_account(accounts, &authenticated.access_key_id)?;
    let token_ok = account.security_tokens.is_empty()
        || authenticated.security_token.as_ref().is_some_and(|t| account.security_tokens.contains(t));
    if !token_ok {
        return Err(Rejection::new(
            StatusCode::BAD_REQUEST,
            "InvalidSecurityToken.MismatchWithAccessKey",
            "The security token is missing, expired or does not belong to this AccessKey.",
        ));
    }
    Ok(authenticated)
}

fn find_account<'a>(accounts: &'a [Account], access_key_id: &str) -> Result<&'a Account, Rejection> {
    accounts.iter().find(|a| a.access_key_id == access_key_id).ok_or_else(|| {
        Rejection::new(StatusCode::NOT_FOUND, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
    })
}

fn signature_mismatch(string_to_sign: &str) -> Rejection {
    Rejection::new(
        StatusCode::BAD_REQUEST,
        "SignatureDoesNotMatch",
        format!("Specified signature does not match our calculation. server string to sign is:{string_to_sign}"),
    )
}

/// ACS3-HMAC-SHA256 (spec §4.2), verified with the core's own signer.
fn authenticate_v3(
    accounts: &[Account],
    query: Vec<(String, String)>,
    form: Vec<(String, String)>,
    headers: &HeaderMap,
    body: &[u8],
    now: OffsetDateTime,
) -> Result<Authenticated, Rejection> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let auth = header("authorization").and_then(parse_authorization).ok_or_else(|| {
        Rejection::new(
            StatusCode::BAD_REQUEST,
            "IncompleteSignature",
            "The Authorization header is not a valid ACS3-HMAC-SHA256 header.",
        )
    })?;
    let account = find_account(accounts, auth.access_key_id)?;
    for required in
        ["host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"]
    {
        if !auth.signed_headers.contains(&required) || header(required).is_none() {
            return Err(Rejection::new(
                StatusCode::BAD_REQUEST,
                "IncompleteSignature",
                format!("The header {required} must be present and signed."),
            ));
        }
    }
    check_date(header("x-acs-date").unwrap_or_default(), now)?;
    let hashed_payload = sign::sha256_hex(body);
    if header("x-acs-content-sha256") != Some(hashed_payload.as_str()) {
        return Err(Rejection::new(
            StatusCode::BAD_REQUEST,
            "SignatureDoesNotMatch",
            "x-acs-content-sha256 does not match the request body.",
        ));
    }

    let mut signed_values: Vec<(&str, &str)> = Vec::with_capacity(auth.signed_headers.len());
    for name in &auth.signed_headers {
        let values: Vec<&str> = headers.get_all(*name).iter().filter_map(|v| v.to_str().ok()).collect();
        if values.is_empty() {
            return Err(Rejection::new(
                StatusCode::BAD_REQUEST,
                "IncompleteSignature",
                format!("The signed header {name} is missing."),
            ));
        }
        signed_values.extend(values.into_iter().map(|v| (*name, v)));
    }
    let query_refs: Vec<(&str, &str)> = query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let computed = sign::sign(
        &SigningInput {
            method: "POST",
            path: "/",
            query: &query_refs,
            headers: &signed_values,
            hashed_payload: &hashed_payload,
        },
        &account.access_key_secret,
    );
    if !sign::verify(&account.access_key_secret, &computed.string_to_sign, auth.signature) {
        return Err(signature_mismatch(&computed.string_to_sign));
    }
    Ok(Authenticated {
        access_key_id: account.access_key_id.clone(),
        action: header("x-acs-action").unwrap_or_default().to_owned(),
        params: query.into_iter().chain(form).collect(),
        nonce: header("x-acs-signature-nonce").unwrap_or_default().to_owned(),
        security_token: header("x-acs-security-token").map(str::to_owned),
    })
}

/// The legacy V2 signature (spec §4.5): system parameters beside the business ones.
fn authenticate_v2(
    accounts: &[Account],
    mut params: BTreeMap<String, String>,
    now: OffsetDateTime,
) -> Result<Authenticated, Rejection> {
    let incomplete = |why: &str| Rejection::new(StatusCode::BAD_REQUEST, "IncompleteSignature", why.to_owned());
    if params.get("SignatureMethod").map(String::as_str) != Some("HMAC-SHA1") {
        return Err(incomplete("SignatureMethod must be HMAC-SHA1."));
    }
    let account = find_account(accounts, params.get("AccessKeyId").map_or("", String::as_str))?;
    check_date(params.get("Timestamp").map_or("", String::as_str), now)?;
    let nonce = params.get("SignatureNonce").cloned().ok_or_else(|| incomplete("SignatureNonce is missing."))?;
    let string_to_sign = signature_v2::string_to_sign(&params);
    if !signature_v2::verify(&account.access_key_secret, &string_to_sign, &params["Signature"]) {
        return Err(signature_mismatch(&string_to_sign));
    }
    let action = params.get("Action").cloned().unwrap_or_default();
    let security_token = params.get("SecurityToken").cloned();
    params.retain(|k, _| !signature_v2::SYSTEM_PARAMS.contains(&k.as_str()));
    Ok(Authenticated { access_key_id: account.access_key_id.clone(), action, params, nonce, security_token })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use chatlane_core::Operation;
    use chatlane_core::cams::request::{self, RequestContext};
    use chatlane_core::cams::wire;
    use chatlane_core::{Credentials, Endpoint, Message};

    /// A request exactly as an official SDK sent it (from a vector): query, headers, body.
    fn sdk_request(vector: &str) -> (String, HeaderMap, Vec<u8>) {
        let path = format!("{}/../tests/vectors/{vector}", env!("CARGO_MANIFEST_DIR"));
        let vector: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let wire = &vector["expected"]["wire_request_as_sent_by_sdk"];
        let mut headers = HeaderMap::new();
        for pair in wire["headers"].as_array().unwrap() {
            let (name, value) = (pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
            headers.append(
                axum::http::HeaderName::from_bytes(name.to_ascii_lowercase().as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        let query = wire["request_target"].as_str().unwrap().split_once('?').unwrap().1.to_owned();
        (query, headers, wire["body"].as_str().unwrap_or_default().as_bytes().to_vec())
    }

    /// The date every test request is signed with.
    fn signed_at() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_714_550_400).unwrap()
    }

    fn accounts() -> Vec<Account> {
        vec![Account::new("AK", "SK")]
    }

    /// A request signed by the real client code, split into what the server receives.
    fn signed_request(secret: &str) -> (String, HeaderMap) {
        let credentials = Credentials::new("AK", secret, None).unwrap();
        let endpoint = Endpoint::parse("http://127.0.0.1:8080").unwrap();
        let ctx = RequestContext {
            credentials: &credentials,
            endpoint: &endpoint,
            date: "2024-05-01T08:00:00Z",
            nonce: "n1",
            user_agent: "t",
        };
        let message = Message::text("8613800000000", "6591234567", "héllo & +");
        let req = request::build(
            Operation::SendChatappMessage,
            &wire::send_message_params(&message, Default::default()),
            &ctx,
        )
        .unwrap();
        (req.uri().query().unwrap().to_owned(), req.headers().clone())
    }

    #[test]
    fn accepts_what_the_client_signs() {
        let (query, headers) = signed_request("SK");
        let ok = authenticate(&accounts(), Some(&query), &headers, b"", signed_at()).unwrap();
        assert_eq!(ok.action, "SendChatappMessage");
        assert_eq!(ok.params["Content"], r#"{"text":"héllo & +"}"#);
        assert_eq!(ok.access_key_id, "AK");
    }

    #[test]
    fn rejects_a_wrong_secret_a_tampered_query_and_unknown_keys() {
        let (query, headers) = signed_request("wrong");
        let err = authenticate(&accounts(), Some(&query), &headers, b"", signed_at()).unwrap_err();
        assert_eq!((err.status, err.code), (StatusCode::BAD_REQUEST, "SignatureDoesNotMatch"));

        let (query, headers) = signed_request("SK");
        let tampered = query.replace("6591234567", "6591234568");
        assert_eq!(
            authenticate(&accounts(), Some(&tampered), &headers, b"", signed_at()).unwrap_err().code,
            "SignatureDoesNotMatch"
        );
        assert_eq!(
            authenticate(&accounts(), Some(&query), &headers, b"x", signed_at()).unwrap_err().code,
            "SignatureDoesNotMatch"
        );

        let others = vec![Account::new("other", "SK")];
        let err = authenticate(&others, Some(&query), &headers, b"", signed_at()).unwrap_err();
        assert_eq!((err.status, err.code), (StatusCode::NOT_FOUND, "InvalidAccessKeyId.NotFound"));
    }

    #[test]
    fn rejects_dates_more_than_15_minutes_off() {
        let (query, headers) = signed_request("SK");
        let check = |offset: i64| {
            let now = signed_at() + time::Duration::seconds(offset);
            authenticate(&accounts(), Some(&query), &headers, b"", now).map(|_| ()).map_err(|e| e.code)
        };
        assert_eq!(check(15 * 60), Ok(()));
        assert_eq!(check(-15 * 60), Ok(()));
        assert_eq!(check(15 * 60 + 1), Err("InvalidTimeStamp.Expired"));
        assert_eq!(check(-15 * 60 - 1), Err("InvalidTimeStamp.Expired"));
        let mut garbled = headers.clone();
        garbled.insert("x-acs-date", HeaderValue::from_static("yesterday"));
        let err = authenticate(&accounts(), Some(&query), &garbled, b"", signed_at()).unwrap_err();
        assert_eq!(err.code, "InvalidTimeStamp.Format");
    }

    #[test]
    fn accepts_the_official_sdks_v2_request_and_strips_its_system_parameters() {
        let (query, headers, _) = sdk_request("v2_python_text_hmac_sha1.json");
        let accounts = vec![Account::new("testAccessKeyId", "testAccessKeySecret")];
        let ok = authenticate(&accounts, Some(&query), &headers, b"", signed_at()).unwrap();
        assert_eq!(ok.action, "SendChatappMessage");
        assert_eq!(ok.nonce, "3f1c9b2e7d4a4e0f8a6b5c4d3e2f1a0b");
        assert_eq!(ok.params["Content"], r#"{"text":"Hello from CAMS"}"#);
        assert!(!ok.params.contains_key("Signature") && !ok.params.contains_key("AccessKeyId"));
        let tampered = query.replace("6591234567", "6591234568");
        let err = authenticate(&accounts, Some(&tampered), &headers, b"", signed_at()).unwrap_err();
        assert_eq!(err.code, "SignatureDoesNotMatch");
    }

    #[test]
    fn sts_accounts_require_one_of_their_tokens() {
        let (query, headers, _) = sdk_request("v3_python_text_sts_query.json");
        let with_tokens = |tokens: &[&str]| {
            let mut account = Account::new("testAccessKeyId", "testAccessKeySecret");
            account.security_tokens = tokens.iter().map(|t| (*t).to_owned()).collect();
            authenticate(&[account], Some(&query), &headers, b"", signed_at())
                .map(|ok| ok.security_token)
                .map_err(|e| e.code)
        };
        assert_eq!(with_tokens(&["testSecurityToken"]), Ok(Some("testSecurityToken".to_owned())));
        assert_eq!(with_tokens(&[]), Ok(Some("testSecurityToken".to_owned())));
        assert_eq!(with_tokens(&["another"]), Err("InvalidSecurityToken.MismatchWithAccessKey"));
    }

    #[test]
    fn rejects_missing_or_garbled_authorization() {
        let (query, mut headers) = signed_request("SK");
        headers.insert("authorization", HeaderValue::from_static("Bearer x"));
        assert_eq!(
            authenticate(&accounts(), Some(&query), &headers, b"", signed_at()).unwrap_err().code,
            "IncompleteSignature"
        );
        headers.remove("authorization");
        assert_eq!(
            authenticate(&accounts(), Some(&query), &headers, b"", signed_at()).unwrap_err().code,
            "IncompleteSignature"
        );
    }

    #[test]
    fn accepts_the_node_sdk_form_body_vector() {
        let (query, headers, body) = sdk_request("v3_node_template_formbody.json");
        let accounts = vec![Account::new("testAccessKeyId", "testAccessKeySecret")];
        let ok = authenticate(&accounts, Some(&query), &headers, &body, signed_at()).unwrap();
        assert_eq!(ok.params["TemplateParams"], r#"{"name":"Alice","code":"123456"}"#);
        assert_eq!(ok.params["Payload"], r#"["payload1","payload2"]"#);
    }
}
