//! ACS3-HMAC-SHA256 request signing (spec §4.2), as a pure function.
//!
//! The caller supplies everything that varies (nonce and date are ordinary headers here),
//! so the official SDKs' vectors replay byte for byte and the sandbox verifies with the
//! very same code.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use std::borrow::Cow;

use super::encode::{canonical_query, lower_hex};

/// The signature algorithm name.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// Lowercase hex SHA-256 of the empty body.
pub const EMPTY_BODY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Lowercase hex SHA-256 of `bytes` (the `x-acs-content-sha256` value).
pub fn sha256_hex(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return EMPTY_BODY_SHA256.to_owned();
    }
    lower_hex(&Sha256::digest(bytes))
}

/// What a signature covers.
#[derive(Clone, Copy, Debug)]
pub struct SigningInput<'a> {
    /// HTTP method, e.g. `POST`.
    pub method: &'a str,
    /// Request path; `/` for every RPC operation.
    pub path: &'a str,
    /// Decoded query parameters (any order).
    pub query: &'a [(&'a str, &'a str)],
    /// The headers to sign (any case, any order); values are trimmed.
    pub headers: &'a [(&'a str, &'a str)],
    /// Lowercase hex SHA-256 of the body.
    pub hashed_payload: &'a str,
}

/// A computed signature and every intermediate string (for tests and diagnostics).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// The canonical query string.
    pub canonical_query: String,
    /// `name:value\n` per signed header, sorted.
    pub canonical_headers: String,
    /// The signed header names joined with `;`.
    pub signed_headers: String,
    /// The canonical request.
    pub canonical_request: String,
    /// `ACS3-HMAC-SHA256\n` + hex SHA-256 of the canonical request.
    pub string_to_sign: String,
    /// Lowercase hex HMAC-SHA256 of the string to sign.
    pub signature: String,
}

impl Signature {
    /// The `Authorization` header value.
    pub fn authorization(&self, access_key_id: &str) -> String {
        [
            ALGORITHM,
            " Credential=",
            access_key_id,
            ",SignedHeaders=",
            &self.signed_headers,
            ",Signature=",
            &self.signature,
        ]
        .concat()
    }
}

/// Signs `input` with `secret` (the AccessKey secret).
pub fn sign(input: &SigningInput<'_>, secret: &str) -> Signature {
    let canonical_query = canonical_query(input.query.iter().copied());
    let (canonical_headers, signed_headers) = canonical_headers(input.headers);
    // `concat` sizes each string once, unlike `format!`: this is the hot path.
    let canonical_request = [
        input.method,
        "\n",
        input.path,
        "\n",
        &canonical_query,
        "\n",
        &canonical_headers,
        "\n",
        &signed_headers,
        "\n",
        input.hashed_payload,
    ]
    .concat();
    let string_to_sign = [ALGORITHM, "\n", &lower_hex(&Sha256::digest(canonical_request.as_bytes()))].concat();
    let signature = lower_hex(&mac(secret, &string_to_sign).finalize().into_bytes());
    Signature { canonical_query, canonical_headers, signed_headers, canonical_request, string_to_sign, signature }
}

/// Checks, in constant time, that `provided_hex` is the signature of `string_to_sign`.
pub fn verify(secret: &str, string_to_sign: &str, provided_hex: &str) -> bool {
    match hex::decode(provided_hex) {
        Ok(provided) => mac(secret, string_to_sign).verify_slice(&provided).is_ok(),
        Err(_) => false,
    }
}

fn mac(secret: &str, data: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(data.as_bytes());
    mac
}

/// Canonical headers and the signed-header list: names lowercased, values trimmed,
/// sorted by name; several values of one name are sorted and joined with `,`.
fn canonical_headers<'a>(headers: &[(&'a str, &str)]) -> (String, String) {
    let lowercase = |name: &'a str| {
        if name.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(name.to_ascii_lowercase())
        } else {
            Cow::Borrowed(name)
        }
    };
    let mut lowered: Vec<(Cow<'a, str>, &str)> =
        headers.iter().map(|(name, value)| (lowercase(name), value.trim())).collect();
    lowered.sort_unstable();
    let mut canonical = String::with_capacity(lowered.iter().map(|(n, v)| n.len() + v.len() + 2).sum());
    let mut signed = String::new();
    let mut i = 0;
    while i < lowered.len() {
        let name = &lowered[i].0;
        let same_name = lowered[i..].iter().take_while(|(n, _)| n == name).count();
        if !signed.is_empty() {
            signed.push(';');
        }
        signed.push_str(name);
        canonical.push_str(name);
        canonical.push(':');
        for (j, (_, value)) in lowered[i..i + same_name].iter().enumerate() {
            if j > 0 {
                canonical.push(',');
            }
            canonical.push_str(value);
        }
        canonical.push('\n');
        i += same_name;
    }
    (canonical, signed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_bodies() {
        assert_eq!(sha256_hex(b""), EMPTY_BODY_SHA256);
        assert_eq!(hex::encode(Sha256::digest(b"")), EMPTY_BODY_SHA256);
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn canonical_headers_lowercase_trim_sort_and_join() {
        let (canonical, signed) = canonical_headers(&[("X-B", " 2 "), ("host", "h"), ("x-b", "1"), ("X-A", "a")]);
        assert_eq!(canonical, "host:h\nx-a:a\nx-b:1,2\n");
        assert_eq!(signed, "host;x-a;x-b");
    }

    #[test]
    fn verify_accepts_only_the_right_signature() {
        let input = SigningInput {
            method: "POST",
            path: "/",
            query: &[("A", "1")],
            headers: &[("host", "h")],
            hashed_payload: EMPTY_BODY_SHA256,
        };
        let sig = sign(&input, "secret");
        assert!(verify("secret", &sig.string_to_sign, &sig.signature));
        assert!(!verify("other", &sig.string_to_sign, &sig.signature));
        assert!(!verify("secret", &sig.string_to_sign, "not-hex"));
        assert!(!verify("secret", &sig.string_to_sign, &sig.signature[2..]));
    }
}
