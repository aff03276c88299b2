//! Pure functions over the core's message model, whose records and enums UniFFI exports
//! from `chatlane-core` itself (Kotlin package `dev.chatlane.model`, Swift module
//! `Chatlane`): validation, the wire mapping and the JSON shape the other languages use.

use std::collections::HashMap;

use chatlane_core::cams::wire::Defaults;
use chatlane_core::{MassMessage, Message, Outgoing};

use crate::error::{ChatlaneError, Violation, guarded};

/// Every reason `message` cannot be sent, in the core's order; empty when it can be.
/// Like every function here, it throws only `Internal` (a bug in chatlane) beyond its own errors.
#[uniffi::export]
#[expect(clippy::result_large_err, reason = "the error crosses the FFI by value; UniFFI cannot lift a Box")]
pub fn violations(message: Message) -> Result<Vec<Violation>, ChatlaneError> {
    guarded(|| Ok(violations_of(&message)))
}

/// Every reason a mass send cannot be sent, in the core's order; empty when it can be.
#[uniffi::export]
#[expect(clippy::result_large_err, reason = "the error crosses the FFI by value; UniFFI cannot lift a Box")]
pub fn mass_violations(message: MassMessage) -> Result<Vec<Violation>, ChatlaneError> {
    guarded(|| Ok(violations_of(&message)))
}

/// The `SendChatappMessage` parameters `message` goes on the wire with, as `send` sends
/// them but without the client's defaults (`CustSpaceId`, a generated `TaskId`). Not
/// validated: a message with violations maps as far as it can.
#[uniffi::export]
#[expect(clippy::result_large_err, reason = "the error crosses the FFI by value; UniFFI cannot lift a Box")]
pub fn wire_params(message: Message) -> Result<HashMap<String, String>, ChatlaneError> {
    guarded(|| Ok(wire_params_of(&message)))
}

/// The `SendChatappMassMessage` parameters of a mass send, without the client's defaults.
#[uniffi::export]
#[expect(clippy::result_large_err, reason = "the error crosses the FFI by value; UniFFI cannot lift a Box")]
pub fn mass_wire_params(message: MassMessage) -> Result<HashMap<String, String>, ChatlaneError> {
    guarded(|| Ok(wire_params_of(&message)))
}

/// A message from the JSON shape Python, Node and the CLI use; a wrong shape is a
/// `Validation` error (code `InvalidMessage`) naming the problem and its place.
#[uniffi::export]
#[expect(clippy::result_large_err, reason = "the error crosses the FFI by value; UniFFI cannot lift a Box")]
pub fn message_from_json(json: String) -> Result<Message, ChatlaneError> {
    guarded(|| Ok(Message::from_json_text(&json)?))
}

/// A mass send from its JSON shape; a wrong shape is a `Validation` error.
#[uniffi::export]
#[expect(clippy::result_large_err, reason = "the error crosses the FFI by value; UniFFI cannot lift a Box")]
pub fn mass_message_from_json(json: String) -> Result<MassMessage, ChatlaneError> {
    guarded(|| Ok(MassMessage::from_json_text(&json)?))
}

/// The core's client options by the names `ClientOptions` gives them (camelCase, durations
/// in `…Ms`); the Kotlin suite checks the record declares every one (`credentials` holds
/// the three key options).
#[uniffi::export]
pub fn client_option_names() -> Vec<String> {
    chatlane_core::Dialect::JavaScript.option_names()
}

fn violations_of(message: &impl Outgoing) -> Vec<Violation> {
    message.violations().iter().map(Violation::from).collect()
}

fn wire_params_of(message: &impl Outgoing) -> HashMap<String, String> {
    let params = message.wire_params(Defaults::default());
    params.iter().map(|(name, value)| (name.to_owned(), value.to_owned())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_shape_becomes_the_core_record() {
        let message = message_from_json(
            r#"{"from":"8613900000000","to":"8613800000000","content":{"messageType":"text","text":"hi"}}"#.into(),
        )
        .unwrap();
        assert_eq!(message, Message::text("8613900000000", "8613800000000", "hi"));
        let params = wire_params(message.clone()).unwrap();
        assert_eq!(params["Type"], "message");
        assert_eq!(params["Content"], r#"{"text":"hi"}"#);
        assert!(violations(message).unwrap().is_empty());
    }

    #[test]
    fn a_wrong_shape_or_bad_json_is_a_validation_error() {
        for json in [r#"{"from":"1","to":"2","taskid":"x"}"#, "{", "[]"] {
            let error = message_from_json(json.into()).unwrap_err();
            assert!(matches!(error, ChatlaneError::Validation { .. }), "{json}: {error:?}");
            assert_eq!(error.code(), "InvalidMessage");
        }
        let error = mass_message_from_json(r#"{"from":"1"}"#.into()).unwrap_err();
        assert!(error.detail().contains("template") || error.detail().contains("recipients"), "{error}");
    }

    #[test]
    fn violations_keep_the_core_codes_and_paths() {
        let found = violations(Message::text("+86 139", "2", "")).unwrap();
        let pairs: Vec<_> = found.iter().map(|v| (v.code.as_str(), v.path.as_str())).collect();
        assert_eq!(pairs, [("digits_only", "from"), ("required", "content.text")]);
    }

    #[test]
    fn mass_sends_map_to_a_sender_list() {
        let message = mass_message_from_json(
            r#"{"from":"8613900000000","template":{"code":"C","language":"en"},
                "recipients":[{"to":"8613800000000","params":{"name":"Ada"}}]}"#
                .into(),
        )
        .unwrap();
        assert!(mass_violations(message.clone()).unwrap().is_empty());
        let params = mass_wire_params(message).unwrap();
        assert_eq!(params["TemplateCode"], "C");
        assert_eq!(params["SenderList"], r#"[{"TemplateParams":{"name":"Ada"},"To":"8613800000000"}]"#);
    }
}
