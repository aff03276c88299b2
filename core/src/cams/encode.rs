//! RFC 3986 percent-encoding and canonical query strings, as ACS3 signing defines them.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use std::fmt::Write;

/// Everything except the RFC 3986 unreserved characters `A–Z a–z 0–9 - _ . ~`.
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Appends the RFC 3986 encoding of `value` (UTF-8, uppercase hex) to `out`.
pub fn percent_encode_into(out: &mut String, value: &str) {
    write!(out, "{}", utf8_percent_encode(value, RFC3986)).expect("writing to a String cannot fail");
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

#[cfg(test)]
mod tests {
    use super::*;

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
