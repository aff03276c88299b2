//! The violation codes and the checks every part of the validator shares.

use std::fmt::Display;

use super::Violation;
use super::path::Path;
use crate::model::JsonObject;

/// The stable violation codes: part of chatlane's API in every language.
pub mod codes {
    /// A required value is missing or blank.
    pub const REQUIRED: &str = "required";
    /// One of several values must be given (e.g. template `code` or `name`).
    pub const ONE_OF_REQUIRED: &str = "one_of_required";
    /// Values that cannot be given together (e.g. `template` and `content`).
    pub const EXCLUSIVE: &str = "exclusive";
    /// A text is longer than its limit.
    pub const TOO_LONG: &str = "too_long";
    /// A list has fewer items than its minimum.
    pub const TOO_FEW: &str = "too_few";
    /// A list has more items than its maximum.
    pub const TOO_MANY: &str = "too_many";
    /// A number is outside its range.
    pub const OUT_OF_RANGE: &str = "out_of_range";
    /// A phone number is not digits with country code.
    pub const DIGITS_ONLY: &str = "digits_only";
    /// A link is not an absolute http(s) URL.
    pub const INVALID_URL: &str = "invalid_url";
    /// A date is not `YYYY-MM-DD`.
    pub const INVALID_DATE: &str = "invalid_date";
    /// Two items of a list share an id that must be unique.
    pub const DUPLICATE: &str = "duplicate";
    /// The channel does not offer this message type or option.
    pub const CHANNEL_UNSUPPORTED: &str = "channel_unsupported";
    /// The value is not allowed here (e.g. a non-text header on a list).
    pub const NOT_ALLOWED: &str = "not_allowed";
    /// A custom message type that chatlane types on this channel: use the typed content instead.
    pub const USE_TYPED_CONTENT: &str = "use_typed_content";
    /// Free-form JSON nested deeper than [`super::MAX_JSON_DEPTH`] levels.
    pub const TOO_DEEP: &str = "too_deep";
    /// A string that is not Unicode text (a lone UTF-16 surrogate), found by a binding.
    pub const INVALID_TEXT: &str = "invalid_text";

    /// Every code.
    pub const ALL: [&str; 16] = [
        REQUIRED,
        ONE_OF_REQUIRED,
        EXCLUSIVE,
        TOO_LONG,
        TOO_FEW,
        TOO_MANY,
        OUT_OF_RANGE,
        DIGITS_ONLY,
        INVALID_URL,
        INVALID_DATE,
        DUPLICATE,
        CHANNEL_UNSUPPORTED,
        NOT_ALLOWED,
        USE_TYPED_CONTENT,
        TOO_DEEP,
        INVALID_TEXT,
    ];
}

/// Collects violations while walking a message.
#[derive(Default)]
pub(crate) struct Report {
    found: Vec<Violation>,
    /// Whether media may be given by uploaded media ID (Meta) as well as by link (CAMS: only
    /// by link).
    media_ids: bool,
}

impl Report {
    /// A report for a provider that takes media by uploaded ID as well as by link.
    pub(crate) fn with_media_ids() -> Self {
        Self { found: Vec::new(), media_ids: true }
    }

    pub(crate) fn into_violations(self) -> Vec<Violation> {
        self.found
    }

    /// Records a violation.
    pub(crate) fn add(&mut self, code: &'static str, path: Path<'_>, message: impl Into<String>) {
        self.found.push(Violation { code, path: path.to_string(), message: message.into() });
    }

    /// A media file given at `path` by `link` or by uploaded media `id`: exactly one of them
    /// where media IDs are taken, else the link (an ID is `channel_unsupported`). A link must
    /// be an http(s) URL, an ID not blank.
    pub(super) fn media(&mut self, path: Path<'_>, link: Option<&str>, id: Option<&str>) {
        if self.media_ids {
            let what = "the media's link or its uploaded media ID";
            match (link, id) {
                (None, None) => self.add(codes::ONE_OF_REQUIRED, path.field("link"), format!("give {what}")),
                (Some(_), Some(_)) => self.add(codes::EXCLUSIVE, path.field("id"), format!("give {what}, not both")),
                (Some(link), None) => self.url(path.field("link"), link),
                (None, Some(id)) => _ = self.required(path.field("id"), id),
            }
            return;
        }
        if id.is_some() {
            let message = "a media ID is Meta's: CAMS sends media by link (upload_media gives the URL)";
            self.add(codes::CHANNEL_UNSUPPORTED, path.field("id"), message);
        }
        self.url(path.field("link"), link.unwrap_or_default());
    }

    /// `value` must not be blank.
    pub(crate) fn required(&mut self, path: Path<'_>, value: &str) -> bool {
        let present = !value.trim().is_empty();
        if !present {
            self.add(codes::REQUIRED, path, "must not be empty");
        }
        present
    }

    /// `value` must not be blank and have at most `max` characters.
    pub(super) fn text(&mut self, path: Path<'_>, value: &str, max: usize) {
        if self.required(path, value) {
            self.max_chars(path, value, max);
        }
    }

    /// When given, `value` must not be blank and have at most `max` characters.
    pub(super) fn opt_text(&mut self, path: Path<'_>, value: Option<&str>, max: usize) {
        if let Some(value) = value {
            self.text(path, value, max);
        }
    }

    /// `value` must have at most `max` characters.
    pub(crate) fn max_chars(&mut self, path: Path<'_>, value: &str, max: usize) {
        // Cheap first: a string of at most `max` bytes has at most `max` characters.
        if value.len() > max {
            let count = value.chars().count();
            if count > max {
                self.add(codes::TOO_LONG, path, format!("must be at most {max} characters, not {count}"));
            }
        }
    }

    /// `value` must be an absolute http(s) URL.
    pub(super) fn url(&mut self, path: Path<'_>, value: &str) {
        if !self.required(path, value) {
            return;
        }
        let ok = url::Url::parse(value)
            .is_ok_and(|url| matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty()));
        if !ok {
            self.add(codes::INVALID_URL, path, "must be an absolute http:// or https:// URL");
        }
    }

    /// A list's length must be within `min..=max`.
    pub(crate) fn count(&mut self, path: Path<'_>, len: usize, min: usize, max: usize) {
        if len < min {
            let noun = if min == 1 { "item" } else { "items" };
            self.add(codes::TOO_FEW, path, format!("must have at least {min} {noun}, not {len}"));
        } else if len > max {
            self.add(codes::TOO_MANY, path, format!("must have at most {max} items, not {len}"));
        }
    }

    /// A number must be within `min..=max`.
    pub(super) fn range<T: PartialOrd + Display>(&mut self, path: Path<'_>, value: T, min: T, max: T) {
        if !(min <= value && value <= max) {
            self.add(codes::OUT_OF_RANGE, path, format!("must be between {min} and {max}, not {value}"));
        }
    }

    /// `value` must be a phone number: digits with country code, no `+`.
    pub(super) fn phone(&mut self, path: Path<'_>, value: &str) {
        if !self.required(path, value) {
            return;
        }
        if !value.bytes().all(|b| b.is_ascii_digit()) {
            self.add(codes::DIGITS_ONLY, path, "must be a phone number with country code, digits only (no '+')");
        } else {
            self.max_chars(path, value, MAX_PHONE_DIGITS);
        }
    }

    /// Exactly one of two alternatives (a template's `code` or `name`), given as
    /// `(field, value)`: neither is `one_of_required` at the first, both `exclusive` at the
    /// second, and the one given must not be blank. `what` names them, e.g. "the flow's id or name".
    pub(super) fn either(
        &mut self,
        at: Path<'_>,
        first: (&'static str, Option<&str>),
        second: (&'static str, Option<&str>),
        what: &str,
    ) {
        match (first.1, second.1) {
            (None, None) => self.add(codes::ONE_OF_REQUIRED, at.field(first.0), format!("give {what}")),
            (Some(_), Some(_)) => self.add(codes::EXCLUSIVE, at.field(second.0), format!("give {what}, not both")),
            (Some(value), None) => _ = self.required(at.field(first.0), value),
            (None, Some(value)) => _ = self.required(at.field(second.0), value),
        }
    }

    /// Free-form JSON (flow data, custom content) must nest at most [`MAX_JSON_DEPTH`] levels.
    pub(super) fn free_form(&mut self, path: Path<'_>, value: &JsonObject) {
        // Without recursion: a caller of the Rust API may build any depth.
        let mut pending: Vec<(&serde_json::Value, usize)> = value.0.values().map(|v| (v, 1)).collect();
        while let Some((value, depth)) = pending.pop() {
            let children: Box<dyn Iterator<Item = &serde_json::Value>> = match value {
                serde_json::Value::Object(map) => Box::new(map.values()),
                serde_json::Value::Array(items) => Box::new(items.iter()),
                _ => continue,
            };
            if depth >= MAX_JSON_DEPTH {
                let message = format!("must not nest objects and arrays more than {MAX_JSON_DEPTH} levels deep");
                return self.add(codes::TOO_DEEP, path, message);
            }
            pending.extend(children.map(|child| (child, depth + 1)));
        }
    }

    /// Each id must be unique among `ids`; reports the later duplicates at `path_of(i)`.
    pub(crate) fn unique<'s>(
        &mut self,
        ids: impl Iterator<Item = &'s str>,
        mut report_at: impl FnMut(&mut Self, usize),
    ) {
        let ids: Vec<&str> = ids.collect();
        for (i, id) in ids.iter().enumerate() {
            if !id.is_empty() && ids[..i].contains(id) {
                report_at(self, i);
            }
        }
    }
}

/// How deep free-form JSON may nest: the object itself is level 1.
pub const MAX_JSON_DEPTH: usize = 32;

/// E.164: a country code and subscriber number of at most 15 digits.
const MAX_PHONE_DIGITS: usize = 15;
