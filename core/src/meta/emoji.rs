//! Telling emoji apart, as far as two of Meta's rules need it (Meta reference §2.4): a
//! reaction is exactly one emoji, a flow's button label has none.
//!
//! An approximation of Unicode's `Extended_Pictographic` property and emoji sequences by
//! code-point ranges, without the Unicode tables: it knows every emoji block, the older
//! symbols that are emoji, and the sequences (skin tones, variation selectors, ZWJ
//! sequences, flags, keycaps, tag sequences) that make one emoji of several code points.

/// Joins two emoji into one (`👨‍👩‍👧`).
const ZERO_WIDTH_JOINER: char = '\u{200D}';
/// Makes the preceding character an emoji (`❤️`) or text.
const VARIATION_SELECTORS: [char; 2] = ['\u{FE0E}', '\u{FE0F}'];
/// Turns a digit, `#` or `*` into a keycap (`1️⃣`).
const KEYCAP: char = '\u{20E3}';

/// Whether `c` is an emoji character on its own (a pictograph or an emoji symbol).
fn is_pictographic(c: char) -> bool {
    matches!(c,
        '\u{00A9}' | '\u{00AE}' | '\u{203C}' | '\u{2049}' | '\u{2122}' | '\u{2139}'
        | '\u{2194}'..='\u{2199}' | '\u{21A9}'..='\u{21AA}' | '\u{231A}'..='\u{231B}' | '\u{2328}'
        | '\u{23CF}' | '\u{23E9}'..='\u{23F3}' | '\u{23F8}'..='\u{23FA}' | '\u{24C2}'
        | '\u{25AA}'..='\u{25AB}' | '\u{25B6}' | '\u{25C0}' | '\u{25FB}'..='\u{25FE}'
        | '\u{2600}'..='\u{27BF}' | '\u{2934}'..='\u{2935}' | '\u{2B05}'..='\u{2B07}'
        | '\u{2B1B}'..='\u{2B1C}' | '\u{2B50}' | '\u{2B55}' | '\u{3030}' | '\u{303D}' | '\u{3297}'
        | '\u{3299}' | '\u{1F000}'..='\u{1FAFF}')
}

fn is_skin_tone(c: char) -> bool {
    matches!(c, '\u{1F3FB}'..='\u{1F3FF}')
}

fn is_regional_indicator(c: char) -> bool {
    matches!(c, '\u{1F1E6}'..='\u{1F1FF}')
}

/// A character of a tag sequence (subdivision flags such as 🏴󠁧󠁢󠁳󠁣󠁴󠁿).
fn is_tag(c: char) -> bool {
    matches!(c, '\u{E0020}'..='\u{E007F}')
}

/// Whether `text` holds an emoji anywhere.
pub(super) fn contains_emoji(text: &str) -> bool {
    text.chars().any(is_pictographic)
}

/// Whether `text` is exactly one emoji, possibly of several code points.
pub(super) fn is_single_emoji(text: &str) -> bool {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if is_regional_indicator(first) => {
            chars.next().is_some_and(is_regional_indicator) && chars.next().is_none()
        }
        Some('0'..='9' | '#' | '*') => {
            let rest: Vec<char> = chars.collect();
            matches!(rest.as_slice(), [KEYCAP] | ['\u{FE0F}', KEYCAP])
        }
        Some(first) if is_pictographic(first) => continues_one_emoji(chars),
        _ => false,
    }
}

/// Whether what follows the first pictograph only modifies it or joins more to it.
fn continues_one_emoji(mut rest: std::str::Chars<'_>) -> bool {
    while let Some(c) = rest.next() {
        let joined = c == ZERO_WIDTH_JOINER && rest.next().is_some_and(is_pictographic);
        if !(joined || is_skin_tone(c) || VARIATION_SELECTORS.contains(&c) || is_tag(c)) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_emoji_of_one_or_many_code_points() {
        for one in ["👍", "👍🏽", "❤️", "☺", "👨‍👩‍👧", "🏳️‍🌈", "🇸🇬", "1️⃣", "#⃣", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "©"]
        {
            assert!(is_single_emoji(one), "{one:?}");
        }
        for not_one in ["", "a", "ok", "👍👍", "👍 ", " 👍", "🇸", "🇸🇬🇸🇬", "1", "👨‍", "👨‍a", "😀x"]
        {
            assert!(!is_single_emoji(not_one), "{not_one:?}");
        }
    }

    #[test]
    fn emoji_anywhere_in_a_text() {
        assert!(contains_emoji("Book ✅ now"));
        assert!(contains_emoji("Go 🚀"));
        assert!(!contains_emoji("Book now, 北京 café!"));
    }
}
