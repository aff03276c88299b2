//! Message validation: pure, before any I/O, reporting every violation at once, each with
//! a stable code, a field path and a readable message (the pydantic-core model).
//!
//! Paths use the model's JSON names, the same in every language:
//! `content.action.sections[1].rows[3].title`, `recipients[2].to`, `fallback.duration`.
//! Lengths count Unicode scalar values (what WhatsApp calls characters).

mod content;
mod envelope;
mod interactive;
mod path;
mod rules;

use std::fmt;

use serde::Serialize;

use crate::Outgoing;
use crate::error::{Error, ErrorCode};
use crate::model::{MassMessage, Message};

pub(crate) use interactive::{MAX_BODY, MAX_FLOW_CTA, MAX_LIST_BODY};
pub(crate) use path::Path;
pub(crate) use rules::Report;
pub use rules::{MAX_JSON_DEPTH, codes};

/// One reason a message cannot be sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// Stable machine code, one of [`codes`], e.g. `"required"`, `"too_long"`.
    pub code: &'static str,
    /// Field path in the model's JSON names, e.g. `"content.action.buttons[0].reply.title"`.
    pub path: String,
    /// Readable explanation.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} [{}]", self.path, self.message, self.code)
    }
}

/// Every violation in `message`; empty when it can be sent.
pub fn violations(message: &Message) -> Vec<Violation> {
    checked(message, rules::Report::default())
}

/// [`violations`] for a provider that takes media by uploaded media ID as well as by link
/// (Meta's Cloud API).
pub(crate) fn violations_with_media_ids(message: &Message) -> Vec<Violation> {
    checked(message, rules::Report::with_media_ids())
}

/// `report` with every violation in `message`.
fn checked(message: &Message, mut report: rules::Report) -> Vec<Violation> {
    envelope::message(&mut report, message);
    report.into_violations()
}

/// Every violation in a mass send; empty when it can be sent.
pub fn mass_violations(message: &MassMessage) -> Vec<Violation> {
    let mut report = rules::Report::default();
    envelope::mass_message(&mut report, message);
    report.into_violations()
}

/// A value a binding found in its host's data that JSON cannot carry into a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostProblem {
    /// A NaN or infinite number (JSON has none; JavaScript would write `null`).
    NonFinite,
    /// A string with a lone UTF-16 surrogate (not Unicode text).
    LoneSurrogate,
}

impl HostProblem {
    /// The violation for this problem at `path` (in the model's JSON names).
    pub fn at(self, path: String) -> Violation {
        match self {
            Self::NonFinite => Violation { code: codes::OUT_OF_RANGE, path, message: "must be a finite number".into() },
            Self::LoneSurrogate => Violation {
                code: codes::INVALID_TEXT,
                path,
                message: "is not Unicode text: it holds a lone surrogate".into(),
            },
        }
    }
}

/// `Ok` when `message` (a [`Message`] or a [`MassMessage`]) can be sent, otherwise an
/// [`ErrorCode::InvalidMessage`] error carrying every violation.
pub fn validate(message: &impl Outgoing) -> Result<(), Error> {
    let found = message.violations();
    if found.is_empty() { Ok(()) } else { Err(invalid(found)) }
}

/// The [`ErrorCode::InvalidMessage`] error carrying `found` (not empty), its message naming
/// each violation. Bindings use it for what their host values cannot carry into a message.
pub fn invalid(found: Vec<Violation>) -> Error {
    let summary = found.iter().map(Violation::to_string).collect::<Vec<_>>().join("; ");
    let noun = if found.len() == 1 { "violation" } else { "violations" };
    Error::new(ErrorCode::InvalidMessage, format!("{} {noun}: {summary}", found.len())).with_violations(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Channel, TemplateParams};

    #[test]
    fn valid_messages_have_no_violations() {
        assert!(violations(&Message::text("8613800000000", "6591234567", "hi")).is_empty());
        let template = Message::template("8613800000000", "6591234567", "C", "en", TemplateParams::new());
        assert!(violations(&template).is_empty());
        let page = Message { channel: Channel::Messenger, ..Message::text("page-1", "psid-2", "hi") };
        assert!(violations(&page).is_empty(), "page and user IDs are not phone numbers");
    }

    #[test]
    fn reports_every_violation_at_once_with_paths() {
        let mut message = Message::template("+86 138", "", " ", "", TemplateParams::new());
        message.ttl = Some(5);
        let got: Vec<_> = violations(&message).into_iter().map(|v| (v.code, v.path)).collect();
        let expected = [
            (codes::DIGITS_ONLY, "from"),
            (codes::REQUIRED, "to"),
            (codes::REQUIRED, "template.code"),
            (codes::REQUIRED, "template.language"),
            (codes::CHANNEL_UNSUPPORTED, "ttl"),
        ];
        assert_eq!(got, expected.map(|(code, path)| (code, path.to_owned())));
    }

    #[test]
    fn non_finite_numbers_from_native_callers_are_out_of_range() {
        // Kotlin and Swift can build a Location JSON could never carry.
        let location =
            crate::model::Location { longitude: f64::NAN, latitude: f64::INFINITY, name: None, address: None };
        let message = Message::with_content("8613800000000", "6591234567", crate::model::Content::Location(location));
        let got: Vec<_> = violations(&message).into_iter().map(|v| (v.code, v.path)).collect();
        let expected = [(codes::OUT_OF_RANGE, "content.longitude"), (codes::OUT_OF_RANGE, "content.latitude")];
        assert_eq!(got, expected.map(|(code, path)| (code, path.to_owned())));
        let params = crate::cams::wire::send_message_params(&message, Default::default());
        assert_eq!(params.get("Content"), Some(r#"{"longitude":null,"latitude":null}"#));
    }

    #[test]
    fn the_error_carries_every_violation_and_names_them() {
        let err = validate(&Message::new("1", "2")).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidMessage);
        assert_eq!(err.violations().len(), 1);
        assert_eq!(err.violations()[0].code, codes::ONE_OF_REQUIRED);
        assert!(err.message().contains("template: give a template or content"), "{err}");
    }
}
