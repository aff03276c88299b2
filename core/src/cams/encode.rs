//! RFC 3986 percent-encoding and canonical query strings, as ACS3 signing defines them, and
//! the lowercase hex of digests and nonces.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything except the RFC 3986 unreserved characters `A–Z a–z 0–9 - _ . ~`.
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Appends the RFC 3986 encoding of `value` (UTF-8, uppercase hex) to `out`.
pub fn percent_encode_into(out: &mut String, value: &str) {
    out.extend(utf8_percent_encode(value, RFC3986));
}

/// The RFC 3986 encoding of `value`.
pub fn percent_encode(value: &str) -> String {
    utf8_percent_encode(value, RFC3986).to_string()
}

/// `k=v&…` over `params` sorted by key (byte order), keys and values RFC 3986 encoded.
///
/// This string is both what ACS3 signs and what chatlane puts on the wire.
pub fn canonical_query<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut sorted: Vec<(&str, &str)> = params.into_iter().collect();
    sorted.sort_unstable();
    let mut out = String::with_capacity(sorted.iter().map(|(k, v)| k.len() + v.len() * 2 + 2).sum());
    for (i, (key, value)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        percent_encode_into(&mut out, key);
        out.push('=');
        percent_encode_into(&mut out, value);
    }
    out
}

/// Lowercase hex of `bytes` (digests, signatures, nonces).
pub fn lower_hex(bytes: &[u8]) -> String {
    let mut digits = vec![0; bytes.len() * 2];
    hex::encode_to_slice(bytes, &mut digits).expect("the buffer holds two digits per byte");
    String::from_utf8(digits).expect("hex digits are ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_lowercase_two_digits_per_byte() {
        assert_eq!(lower_hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(lower_hex(&[]), "");
    }

    #[test]
    fn encodes_like_rfc3986() {
        assert_eq!(percent_encode("a b*c~d-e_f.g"), "a%20b%2Ac~d-e_f.g");
        assert_eq!(percent_encode("ë北👍/!'()+="), "%C3%AB%E5%8C%97%F0%9F%91%8D%2F%21%27%28%29%2B%3D");
    }

    #[test]
    fn sorts_by_key_and_keeps_empty_values() {
        assert_eq!(canonical_query([("b", "2"), ("a", ""), ("C", "x y")]), "C=x%20y&a=&b=2");
        assert_eq!(canonical_query([]), "");
    }
}
