//! What every shared case file must hold to: unique names and known violation codes.

use std::collections::BTreeSet;

use chatlane_core::validate::codes;

/// Fails unless each case name (the first of each pair) is used once and every violation code
/// a case expects (the second: `(code, path)` pairs) is one of [`codes::ALL`].
pub fn assert_unique_names_and_known_codes<'a>(cases: impl IntoIterator<Item = (&'a str, &'a [(String, String)])>) {
    let mut seen = BTreeSet::new();
    let mut twice = Vec::new();
    for (name, violations) in cases {
        if !seen.insert(name) {
            twice.push(name);
        }
        let unknown: Vec<&str> =
            violations.iter().map(|(code, _)| code.as_str()).filter(|code| !codes::ALL.contains(code)).collect();
        assert!(unknown.is_empty(), "{name}: unknown codes {unknown:?}");
    }
    assert!(twice.is_empty(), "case names used twice: {twice:?}");
}
