//! Classifying a CAMS answer (spec §5): success, or a typed error with the platform's
//! `Code`, `Message`, `RequestId` and the HTTP status. HTTP 200 with `Code != "OK"` is an
//! error here, unlike in the official SDKs.

use std::time::Duration;

use serde::Deserialize;

use super::codes;
use crate::error::{Error, ErrorCode, PlatformDetails};
use crate::transport::HttpResponse;

/// What the platform says when it accepts a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    /// The ID of the accepted message (`MessageId`; `GroupMessageId` for a mass send).
    pub message_id: String,
    /// The platform's `RequestId` (quote it to support).
    pub request_id: String,
}

/// The JSON fields CAMS answers carry; the gateway also uses lower-camel spellings.
#[derive(Debug, Default, Deserialize)]
struct Answer {
    #[serde(rename = "RequestId", alias = "requestId")]
    request_id: Option<String>,
    #[serde(rename = "Code", alias = "code")]
    code: Option<String>,
    #[serde(rename = "Message", alias = "message")]
    message: Option<String>,
    #[serde(rename = "MessageId", alias = "GroupMessageId")]
    message_id: Option<String>,
}

/// Classifies the answer to a `SendChatappMessage` or `SendChatappMassMessage` request.
pub fn classify_send(response: &HttpResponse) -> Result<Accepted, Error> {
    let status = response.status;
    let answer = serde_json::from_slice::<Answer>(&response.body);
    let success = (200..300).contains(&status);
    let answer = match answer {
        Ok(answer) => answer,
        Err(parse_error) if success => {
            return Err(malformed(response, &format!("the answer is not valid JSON ({parse_error})")));
        }
        Err(_) => Answer::default(),
    };
    let request_id = answer.request_id.clone().or_else(|| response.request_id.clone());
    let retry_after = response.retry_after_ms.filter(|ms| *ms > 0).map(Duration::from_millis);

    if success && retry_after.is_none() {
        match (answer.code.as_deref(), answer.message_id) {
            (Some("OK"), Some(message_id)) => {
                return Ok(Accepted { message_id, request_id: request_id.unwrap_or_default() });
            }
            (Some("OK"), None) => return Err(malformed(response, "Code is OK but there is no MessageId")),
            (None, _) => return Err(malformed(response, "the answer has no Code")),
            (Some(_), _) => {}
        }
    }

    let code = match (&answer.code, retry_after) {
        (_, Some(_)) => ErrorCode::Throttled,
        (Some(platform_code), None) => codes::classify(platform_code, status),
        (None, None) => codes::by_status(status),
    };
    let mut message = match (&answer.code, &answer.message) {
        (Some(c), Some(m)) => format!("{c}: {m}"),
        (Some(c), None) => c.clone(),
        (None, _) => format!("HTTP {status} without an error code"),
    };
    if code == ErrorCode::OutcomeUnknown {
        message.push_str("; the message may or may not have been accepted: reconcile by TaskId");
    }
    Err(Error::new(code, describe(message, request_id.as_deref(), status))
        .with_platform(PlatformDetails {
            code: answer.code,
            message: answer.message,
            request_id,
            http_status: Some(status),
        })
        .with_retry_after(retry_after))
}

fn malformed(response: &HttpResponse, why: &str) -> Error {
    Error::new(ErrorCode::MalformedResponse, describe(why.to_owned(), response.request_id.as_deref(), response.status))
        .with_platform(PlatformDetails {
            request_id: response.request_id.clone(),
            http_status: Some(response.status),
            ..PlatformDetails::default()
        })
}

fn describe(message: String, request_id: Option<&str>, status: u16) -> String {
    match request_id {
        Some(id) => format!("{message} (HTTP {status}, RequestId {id})"),
        None => format!("{message} (HTTP {status})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCategory;

    fn answer(status: u16, body: &str) -> HttpResponse {
        HttpResponse { status, body: body.as_bytes().to_vec(), ..HttpResponse::default() }
    }

    #[test]
    fn ok_with_message_id_is_a_receipt() {
        let r =
            classify_send(&answer(200, r#"{"RequestId":"r1","Code":"OK","Message":"OK","MessageId":"m1"}"#)).unwrap();
        assert_eq!(r, Accepted { message_id: "m1".into(), request_id: "r1".into() });
    }

    #[test]
    fn business_error_on_200_is_an_error() {
        let err = classify_send(&answer(
            200,
            r#"{"RequestId":"r2","Code":"InvalidParameter.FromOnlyNumeric","Message":"bad from"}"#,
        ))
        .unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidParameter);
        assert_eq!(err.platform_code(), Some("InvalidParameter.FromOnlyNumeric"));
        assert_eq!(err.request_id(), Some("r2"));
        assert_eq!(err.http_status(), Some(200));
        assert!(err.message().contains("bad from"));
    }

    #[test]
    fn gateway_errors_keep_their_details() {
        let err = classify_send(&answer(
            400,
            r#"{"RequestId":"r3","HostId":"h","Code":"SignatureDoesNotMatch","Message":"sig"}"#,
        ))
        .unwrap_err();
        assert_eq!(err.code(), ErrorCode::SignatureMismatch);
        assert_eq!(err.category(), ErrorCategory::Authentication);
        assert_eq!(err.http_status(), Some(400));
        let err = classify_send(&answer(503, "<html>down</html>")).unwrap_err();
        assert_eq!(err.code(), ErrorCode::Server);
        assert_eq!(err.platform_code(), None);
        let err = classify_send(&answer(500, r#"{"Code":"InternalError","Message":"oops"}"#)).unwrap_err();
        assert_eq!(err.code(), ErrorCode::OutcomeUnknown);
        assert!(err.message().contains("reconcile by TaskId"), "{err}");
    }

    #[test]
    fn retry_after_header_means_throttled() {
        let mut resp = answer(400, r#"{"Code":"Throttling.User","Message":"slow down"}"#);
        resp.retry_after_ms = Some(250);
        let err = classify_send(&resp).unwrap_err();
        assert_eq!(err.code(), ErrorCode::Throttled);
        assert_eq!(err.retry_after(), Some(Duration::from_millis(250)));
    }

    #[test]
    fn malformed_answers_name_the_request_id_header() {
        let mut resp = answer(200, "{not json");
        resp.request_id = Some("hdr-1".into());
        let err = classify_send(&resp).unwrap_err();
        assert_eq!(err.code(), ErrorCode::MalformedResponse);
        assert_eq!(err.request_id(), Some("hdr-1"));
        assert!(err.message().contains("hdr-1"));
        assert_eq!(classify_send(&answer(200, r#"{"Code":"OK"}"#)).unwrap_err().code(), ErrorCode::MalformedResponse);
        assert_eq!(
            classify_send(&answer(200, r#"{"MessageId":"m"}"#)).unwrap_err().code(),
            ErrorCode::MalformedResponse
        );
    }
}
