//! Meta's webhook verification (Meta reference §5.1–5.2): the subscription challenge (GET) and
//! the `X-Hub-Signature-256` of every notification (POST). Secrets are compared in constant
//! time and never appear in an error.

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::body;
use crate::error::{Error, ErrorCode};

/// The signature header's value before the hex digest.
const SIGNATURE_PREFIX: &str = "sha256=";

/// The longest `hub.challenge` echoed. Meta sends an integer.
const MAX_CHALLENGE: usize = 256;

/// Which form of the body a valid signature was computed over (the Meta reference leaves open
/// whether WhatsApp bodies arrive with raw UTF-8 or already escaped, §5.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum SignatureMatch {
    /// The bytes as received.
    Raw,
    /// The bytes with every character above `~` written as `\uXXXX` (UTF-16, lowercase hex),
    /// the form Meta's Messenger documentation says it signs.
    EscapedUnicode,
}

impl SignatureMatch {
    /// Its name, as in its JSON: `raw` or `escaped_unicode`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Raw => "raw",
            Self::EscapedUnicode => "escaped_unicode",
        }
    }
}

/// Checks `header` (the `X-Hub-Signature-256` value, `sha256=<hex>`) against the HMAC-SHA256
/// of `raw_body` under `app_secret`, in constant time, over the exact bytes received (before
/// any JSON parsing); when they do not match and the body has characters above `~`, against
/// its escaped-unicode form. A missing, malformed or wrong signature is
/// [`ErrorCode::SignatureMismatch`]; a body over [`super::MAX_BODY_BYTES`] is
/// [`ErrorCode::InvalidParameter`]; an empty secret is [`ErrorCode::InvalidConfig`].
pub fn verify_meta_signature(
    app_secret: &[u8],
    raw_body: &[u8],
    header: Option<&str>,
) -> Result<SignatureMatch, Error> {
    body::check_size(raw_body)?;
    if app_secret.is_empty() {
        return Err(Error::new(ErrorCode::InvalidConfig, "the app secret is empty"));
    }
    let header = header.ok_or_else(|| mismatch("no X-Hub-Signature-256 header"))?;
    let expected = signature_digest(header)?;
    if signed(app_secret, raw_body, &expected) {
        return Ok(SignatureMatch::Raw);
    }
    let escaped = std::str::from_utf8(raw_body).ok().filter(|_| raw_body.iter().any(|&b| b > b'~')).map(escape_unicode);
    if escaped.is_some_and(|escaped| signed(app_secret, escaped.as_bytes(), &expected)) {
        tracing::debug!(target: crate::observe::TARGET, "X-Hub-Signature-256 matched the escaped-unicode body");
        return Ok(SignatureMatch::EscapedUnicode);
    }
    Err(mismatch("X-Hub-Signature-256 does not match the body"))
}

/// Answers Meta's subscription request: the `hub.challenge` to echo as the response body when
/// `query` (the raw query string, with or without `?`) has `hub.mode=subscribe` and a
/// `hub.verify_token` equal to `verify_token` (compared in constant time). A wrong or
/// missing token is [`ErrorCode::SignatureMismatch`]; another mode, or a challenge missing or
/// not 1–256 letters, digits, `.`, `_` or `-` (it is echoed), is
/// [`ErrorCode::InvalidParameter`]; an empty `verify_token` is [`ErrorCode::InvalidConfig`].
pub fn verify_meta_challenge(query: &str, verify_token: &str) -> Result<String, Error> {
    if verify_token.is_empty() {
        return Err(Error::new(ErrorCode::InvalidConfig, "the verify token is empty"));
    }
    let (mut mode, mut token, mut challenge) = (None, None, None);
    for (key, value) in url::form_urlencoded::parse(query.strip_prefix('?').unwrap_or(query).as_bytes()) {
        match key.as_ref() {
            "hub.mode" => mode = Some(value),
            "hub.verify_token" => token = Some(value),
            "hub.challenge" => challenge = Some(value),
            _ => {}
        }
    }
    if mode.as_deref() != Some("subscribe") {
        return Err(Error::new(ErrorCode::InvalidParameter, "hub.mode is not `subscribe`"));
    }
    let token = token.ok_or_else(|| mismatch("no hub.verify_token"))?;
    if !same_secret(token.as_bytes(), verify_token.as_bytes()) {
        return Err(mismatch("hub.verify_token is not the verify token"));
    }
    match challenge {
        Some(challenge) if echoable(&challenge) => Ok(challenge.into_owned()),
        Some(_) => Err(Error::new(
            ErrorCode::InvalidParameter,
            format!("hub.challenge is not 1 to {MAX_CHALLENGE} letters, digits, `.`, `_` or `-`"),
        )),
        None => Err(Error::new(ErrorCode::InvalidParameter, "no hub.challenge")),
    }
}

/// Whether `given` equals `expected`, in time that does not depend on where they differ or on
/// their lengths (both are hashed first).
pub(crate) fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    Sha256::digest(given).ct_eq(&Sha256::digest(expected)).into()
}

fn mismatch(message: &str) -> Error {
    Error::new(ErrorCode::SignatureMismatch, message)
}

/// The digest in an `X-Hub-Signature-256` value (hex digits of either case).
fn signature_digest(header: &str) -> Result<[u8; 32], Error> {
    let mut digest = [0; 32];
    header
        .trim()
        .strip_prefix(SIGNATURE_PREFIX)
        .and_then(|hex_digits| hex::decode_to_slice(hex_digits, &mut digest).ok())
        .ok_or_else(|| mismatch("X-Hub-Signature-256 is not `sha256=` and 64 hex digits"))?;
    Ok(digest)
}

/// Whether `expected` is the HMAC-SHA256 of `body` under `secret` (constant time).
fn signed(secret: &[u8], body: &[u8], expected: &[u8; 32]) -> bool {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(body);
    mac.verify_slice(expected).is_ok()
}

/// `text` with every UTF-16 code unit above `~` written as `\uXXXX`, lowercase.
fn escape_unicode(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        if c <= '~' {
            escaped.push(c);
        } else {
            for unit in c.encode_utf16(&mut [0; 2]) {
                escaped.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    escaped
}

/// Whether a challenge is safe to echo as a response body.
fn echoable(challenge: &str) -> bool {
    (1..=MAX_CHALLENGE).contains(&challenge.len())
        && challenge.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"app-secret-0123456789";

    fn header(secret: &[u8], body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap();
        mac.update(body);
        format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
    }

    #[test]
    fn matches_are_named_as_in_their_json() {
        for found in [SignatureMatch::Raw, SignatureMatch::EscapedUnicode] {
            assert_eq!(serde_json::to_value(found).unwrap(), found.as_str());
        }
    }

    #[test]
    fn accepts_the_signature_of_the_raw_bytes() {
        let body = br#"{"object":"whatsapp_business_account","entry":[]}"#;
        let good = header(SECRET, body);
        assert_eq!(verify_meta_signature(SECRET, body, Some(&good)), Ok(SignatureMatch::Raw));
        let upper = format!("sha256={}", good["sha256=".len()..].to_uppercase());
        assert_eq!(verify_meta_signature(SECRET, body, Some(&upper)), Ok(SignatureMatch::Raw));
    }

    #[test]
    fn refuses_a_wrong_missing_or_malformed_signature() {
        let body = br#"{"entry":[]}"#;
        let cases = [
            (Some(header(b"another-secret", body)), "does not match the body"),
            (Some(header(SECRET, br#"{"entry":[ ]}"#)), "does not match the body"),
            (None, "no X-Hub-Signature-256 header"),
            (Some(header(SECRET, body).replace("sha256=", "sha1=")), "is not `sha256=` and 64 hex digits"),
            (Some(header(SECRET, body)[..70].to_owned()), "is not `sha256=` and 64 hex digits"),
            (Some("sha256=zz".repeat(8)), "is not `sha256=` and 64 hex digits"),
        ];
        for (value, problem) in cases {
            let err = verify_meta_signature(SECRET, body, value.as_deref()).unwrap_err();
            assert_eq!(err.code(), ErrorCode::SignatureMismatch, "{value:?}");
            assert!(err.message().contains(problem), "{value:?}: {err}");
            assert!(!format!("{err} {err:?}").contains("app-secret"), "{err:?}");
        }
        let err = verify_meta_signature(b"", body, Some(&header(b"", body))).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidConfig);
    }

    #[test]
    fn falls_back_to_the_escaped_unicode_body() {
        let body = r#"{"text":{"body":"äöå 😀"}}"#;
        let escaped = r#"{"text":{"body":"\u00e4\u00f6\u00e5 \ud83d\ude00"}}"#;
        assert_eq!(escape_unicode(body), escaped);
        let signed_escaped = header(SECRET, escaped.as_bytes());
        assert_eq!(
            verify_meta_signature(SECRET, body.as_bytes(), Some(&signed_escaped)),
            Ok(SignatureMatch::EscapedUnicode)
        );
        let signed_raw = header(SECRET, body.as_bytes());
        assert_eq!(verify_meta_signature(SECRET, body.as_bytes(), Some(&signed_raw)), Ok(SignatureMatch::Raw));
        // An ASCII body has no other form.
        let ascii = br#"{"a":"\u00e4"}"#;
        let err = verify_meta_signature(SECRET, ascii, Some(&header(SECRET, b"x"))).unwrap_err();
        assert_eq!(err.code(), ErrorCode::SignatureMismatch);
    }

    #[test]
    fn refuses_a_body_over_the_limit_before_hashing() {
        let body = vec![b' '; super::super::MAX_BODY_BYTES + 1];
        let err = verify_meta_signature(SECRET, &body, Some(&header(SECRET, &body))).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidParameter);
    }

    #[test]
    fn echoes_the_challenge_of_a_subscription_with_the_right_token() {
        let query = "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=s%C3%A9cret+token";
        assert_eq!(verify_meta_challenge(query, "sécret token").unwrap(), "1158201444");
        assert_eq!(verify_meta_challenge(&format!("?{query}"), "sécret token").unwrap(), "1158201444");
    }

    #[test]
    fn refuses_a_wrong_token_mode_or_challenge() {
        let token = "verify-me";
        let cases = [
            ("hub.mode=subscribe&hub.challenge=1&hub.verify_token=verify-m", ErrorCode::SignatureMismatch),
            ("hub.mode=subscribe&hub.challenge=1&hub.verify_token=verify-me2", ErrorCode::SignatureMismatch),
            ("hub.mode=subscribe&hub.challenge=1", ErrorCode::SignatureMismatch),
            ("hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=verify-me", ErrorCode::InvalidParameter),
            ("hub_mode=subscribe&hub.challenge=1&hub.verify_token=verify-me", ErrorCode::InvalidParameter),
            ("hub.mode=subscribe&hub.verify_token=verify-me", ErrorCode::InvalidParameter),
            ("hub.mode=subscribe&hub.challenge=&hub.verify_token=verify-me", ErrorCode::InvalidParameter),
            ("hub.mode=subscribe&hub.challenge=%3Cscript%3E&hub.verify_token=verify-me", ErrorCode::InvalidParameter),
        ];
        for (query, code) in cases {
            let err = verify_meta_challenge(query, token).unwrap_err();
            assert_eq!(err.code(), code, "{query}");
            assert!(!format!("{err} {err:?}").contains(token), "{err:?}");
        }
        let long = format!("hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge={}", "7".repeat(257));
        assert_eq!(verify_meta_challenge(&long, token).unwrap_err().code(), ErrorCode::InvalidParameter);
        assert_eq!(verify_meta_challenge("", "").unwrap_err().code(), ErrorCode::InvalidConfig);
    }
}
