//! The body of a webhook or push as a whole: its size, then its JSON.

use serde_json::Value;

use crate::error::{Error, ErrorCode};

/// The largest body read or verified, in bytes (4 MiB): Meta's payloads are at most 3 MB,
/// CAMS documents no limit. A larger body is refused with [`ErrorCode::InvalidParameter`]
/// before anything else is done with it.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// Refuses a body over [`MAX_BODY_BYTES`].
pub(super) fn check_size(body: &[u8]) -> Result<(), Error> {
    if body.len() > MAX_BODY_BYTES {
        let message = format!("the body has {} bytes, more than the {MAX_BODY_BYTES} accepted", body.len());
        return Err(Error::new(ErrorCode::InvalidParameter, message));
    }
    Ok(())
}

/// The body as JSON, checked for size first.
pub(super) fn parse(body: &[u8]) -> Result<Value, Error> {
    check_size(body)?;
    serde_json::from_slice(body)
        .map_err(|e| Error::new(ErrorCode::InvalidParameter, format!("the body is not valid JSON: {e}")))
}

/// The error for a body that is JSON but not of the shape the provider sends.
pub(super) fn wrong_shape(expected: &str, found: &Value) -> Error {
    let found = match found {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    Error::new(ErrorCode::InvalidParameter, format!("the body is {found}, not {expected}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_bodies_over_the_limit_before_reading_them() {
        let mut body = b"[".to_vec();
        body.resize(MAX_BODY_BYTES, b' ');
        body.push(b']');
        let err = parse(&body).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidParameter);
        assert!(err.message().contains("more than the 4194304 accepted"), "{err}");
        body.pop();
        body.pop();
        body.push(b']');
        assert_eq!(body.len(), MAX_BODY_BYTES);
        assert_eq!(parse(&body).unwrap(), Value::Array(vec![]));
    }

    #[test]
    fn truncated_json_is_a_typed_error() {
        let err = parse(br#"[{"MessageId": "m"#).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidParameter);
        assert!(err.message().starts_with("the body is not valid JSON: EOF"), "{err}");
    }
}
