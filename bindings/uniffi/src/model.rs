//! Pure functions over the core's message model, whose records and enums UniFFI exports
//! from `chatlane-core` itself (Kotlin package `dev.chatlane.model`, Swift module
//! `Chatlane`): validation and the wire mapping of each API, and the JSON shape the other
//! languages use.

use std::collections::HashMap;

use chatlane_core::cams::wire::Defaults;
use chatlane_core::{MassMessage, Message, Outgoing, meta};

use crate::error::{ChatlaneError, Violation, guarded};

/// Every reason `message` cannot be sent through CAMS (`metaViolations`: through Meta), in
/// the core's order; empty when it can be. Like every function here, it throws only
/// `Internal` (a bug in chatlane) beyond its own errors.
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

/// Every reason `message` cannot be sent through Meta's Cloud API (`provider = "meta"`): the
/// rules every API shares, then what Meta cannot carry (CAMS-only options, a template by
/// `code`…), in the core's order; empty when it can be.
#[uniffi::export]
#[expect(clippy::result_large_err, reason = "the error crosses the FFI by value; UniFFI cannot lift a Box")]
pub fn meta_violations(message: Message) -> Result<Vec<Violation>, ChatlaneError> {
    guarded(|| Ok(meta::violations(&message).iter().map(Violation::from).collect()))
}

/// The JSON body (as text) of `POST /{version}/{phone-number-id}/messages` that a Meta
/// client sends `message` with, `taskId` as its `biz_opaque_callback_data` (a send uses the
/// message's own, else a generated one). `from` is not in it: it is the phone number ID in
/// the URL. Not validated: a message with violations maps as far as it can.
#[uniffi::export(default(task_id = None))]
#[expect(clippy::result_large_err, reason = "the error crosses the FFI by value; UniFFI cannot lift a Box")]
pub fn meta_body(message: Message, task_id: Option<String>) -> Result<String, ChatlaneError> {
    guarded(|| Ok(meta::message_body(&message, task_id.as_deref()).to_string()))
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
    fn meta_has_its_own_rules_and_body() {
        let mut message = Message::text("106540352242922", "6591234567", "hi");
        let body: serde_json::Value =
            serde_json::from_str(&meta_body(message.clone(), Some("t-1".into())).unwrap()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": "6591234567",
                               "type": "text", "text": {"body": "hi"}, "biz_opaque_callback_data": "t-1"})
        );
        assert!(meta_violations(message.clone()).unwrap().is_empty());
        message.cust_space_id = Some("cams-1".into());
        let found = meta_violations(message.clone()).unwrap();
        let pairs: Vec<_> = found.iter().map(|v| (v.code.as_str(), v.path.as_str())).collect();
        assert_eq!(pairs, [("channel_unsupported", "custSpaceId")]);
        assert!(violations(message).unwrap().is_empty(), "valid for CAMS");
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
