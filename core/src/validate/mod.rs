//! Message validation: pure, before any I/O, reporting every violation at once, each with
//! a stable code, a field path and a readable message (the pydantic-core model).

use std::fmt;

use serde::Serialize;

use crate::error::{Error, ErrorCode};
use crate::model::{Body, Channel, Message};

/// One reason a message cannot be sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// Stable machine code, e.g. `"required"`, `"digits_only"`.
    pub code: &'static str,
    /// Field path in the model, e.g. `"template.code"`.
    pub path: String,
    /// Readable explanation.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} [{}]", self.path, self.message, self.code)
    }
}

/// Collects violations while walking a message.
#[derive(Default)]
struct Report(Vec<Violation>);

impl Report {
    fn add(&mut self, code: &'static str, path: &str, message: impl Into<String>) {
        self.0.push(Violation { code, path: path.to_owned(), message: message.into() });
    }

    fn required(&mut self, path: &str, value: &str) {
        if value.trim().is_empty() {
            self.add("required", path, "must not be empty");
        }
    }
}

/// Every violation in `message`; empty when it can be sent.
pub fn violations(message: &Message) -> Vec<Violation> {
    let mut report = Report::default();
    for (path, value) in [("from", &message.from), ("to", &message.to)] {
        report.required(path, value);
        let numbered = matches!(message.channel, Channel::Whatsapp | Channel::Viber);
        if numbered && !value.is_empty() && !value.bytes().all(|b| b.is_ascii_digit()) {
            report.add("digits_only", path, "must be a phone number with country code, digits only (no '+')");
        }
    }
    match &message.body {
        Body::Template(template) => {
            report.required("template.code", &template.code);
            report.required("template.language", &template.language);
        }
        Body::Text(text) => report.required("text.text", &text.text),
    }
    report.0
}

/// `Ok` when `message` can be sent, otherwise an [`ErrorCode::InvalidMessage`] error
/// carrying every violation.
pub fn validate(message: &Message) -> Result<(), Error> {
    let found = violations(message);
    if found.is_empty() {
        return Ok(());
    }
    let summary = found.iter().map(Violation::to_string).collect::<Vec<_>>().join("; ");
    let noun = if found.len() == 1 { "violation" } else { "violations" };
    Err(Error::new(ErrorCode::InvalidMessage, format!("{} {noun}: {summary}", found.len())).with_violations(found))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TemplateParams;

    #[test]
    fn valid_messages_have_no_violations() {
        assert!(violations(&Message::text("8613800000000", "6591234567", "hi")).is_empty());
        assert!(violations(&Message::template("1", "2", "C", "en", TemplateParams::new())).is_empty());
    }

    #[test]
    fn reports_every_violation_with_paths() {
        let found = violations(&Message::template("+86 138", "", " ", "", TemplateParams::new()));
        let got: Vec<_> = found.iter().map(|v| (v.code, v.path.as_str())).collect();
        assert_eq!(
            got,
            [
                ("digits_only", "from"),
                ("required", "to"),
                ("required", "template.code"),
                ("required", "template.language"),
            ]
        );
        let err = validate(&Message::text("1", "2", "")).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidMessage);
        assert_eq!(err.violations().len(), 1);
        assert!(err.message().contains("text.text"));
    }

    #[test]
    fn ids_are_free_form_outside_phone_channels() {
        let mut msg = Message::text("page-1", "psid-2", "hi");
        msg.channel = Channel::Messenger;
        assert!(violations(&msg).is_empty());
    }
}
