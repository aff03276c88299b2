//! Classifying a CAMS answer (spec §5): success, or a typed error with the platform's
//! `Code`, `Message`, `RequestId` and the HTTP status. HTTP 200 with `Code != "OK"` is an
//! error here, unlike in the official SDKs.
//!
//! The HTTP status decides first whether the request was provably refused, then the
//! platform `Code` says why. One table (`verdict`) decides, over the status, the body
//! (readable: a JSON object with a `Code`), and whether a retry-after header came:
//!
//! | HTTP status | body | retry-after | error code | retried |
//! |---|---|---|---|---|
//! | 2xx | `Code=OK` with a `MessageId` | any | — (accepted) | — |
//! | 2xx | unreadable, no `Code`, or `OK` without `MessageId` | any | `OutcomeUnknown` | no |
//! | 2xx | `InternalError`, `UnknownError`, `ServiceUnavailable` | any | `OutcomeUnknown` | no |
//! | 429 | any | any | `Throttled` | yes |
//! | 4xx | any | present | `Throttled` | yes |
//! | 2xx, 4xx | a `Throttling*` code | any | `Throttled` | yes |
//! | 2xx, 4xx | any other `Code` | 2xx: any; 4xx: absent | the code's family, else `Rejected` | no |
//! | 4xx | unreadable | absent | `MalformedResponse` | no |
//! | 503 | any (`ServiceUnavailable` or none) | any | `Server` | yes |
//! | other 5xx, 1xx, 3xx | any | any | `OutcomeUnknown` | no |
//!
//! A 2xx means the platform handled the request: if its answer cannot be read, the message
//! may have been accepted, so the outcome is unknown (never `MalformedResponse`, which a
//! caller would take as a refusal and send again). A 4xx is a refusal whatever its body,
//! so `MalformedResponse` is left for a 4xx whose body cannot be read. Only a 503 proves the
//! gateway refused before processing; any other 5xx — with any code, and even with a
//! retry-after header — may come after the message was accepted.

use std::fmt;
use std::time::Duration;

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::codes;
use crate::error::{Error, ErrorCode, PlatformDetails};
use crate::provider::{Accepted, CallAnswer};
use crate::transport::HttpResponse;

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
    /// What the operation asked for, skipped here; a list's items are counted on the way.
    #[serde(rename = "Data", default)]
    data: Listed,
}

/// How many items an answer's `Data` holds when it is an array (a page of a listing), counted
/// in the one pass the classification makes over the body, each item skipped unread (reading
/// them is the operation's); `None` for anything else.
#[derive(Debug, Default)]
struct Listed(Option<usize>);

impl<'de> Deserialize<'de> for Listed {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Items;

        impl<'de> Visitor<'de> for Items {
            type Value = Listed;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("any JSON value")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Listed, A::Error> {
                let mut count = 0;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    count += 1;
                }
                Ok(Listed(Some(count)))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Listed, A::Error> {
                IgnoredAny.visit_map(map).map(|_| Listed(None))
            }

            fn visit_bool<E>(self, _: bool) -> Result<Listed, E> {
                Ok(Listed(None))
            }

            fn visit_i64<E>(self, _: i64) -> Result<Listed, E> {
                Ok(Listed(None))
            }

            fn visit_u64<E>(self, _: u64) -> Result<Listed, E> {
                Ok(Listed(None))
            }

            fn visit_f64<E>(self, _: f64) -> Result<Listed, E> {
                Ok(Listed(None))
            }

            fn visit_str<E>(self, _: &str) -> Result<Listed, E> {
                Ok(Listed(None))
            }

            fn visit_unit<E>(self) -> Result<Listed, E> {
                Ok(Listed(None))
            }
        }

        deserializer.deserialize_any(Items)
    }
}

/// What a body says, as far as [`verdict`] needs to know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Body<'a> {
    /// Not a JSON object, or one without a `Code`.
    Unreadable,
    /// A JSON object with this `Code`, and whether a non-empty `MessageId` came with it.
    Code { code: &'a str, message_id: bool },
}

/// The decision table of the module documentation: `Ok` when the message was accepted,
/// else the error code.
fn verdict(status: u16, body: Body<'_>, retry_after: bool) -> Result<(), ErrorCode> {
    match (status, body) {
        (200..=299, Body::Code { code: "OK", message_id: true }) => Ok(()),
        (200..=299, Body::Unreadable | Body::Code { code: "OK", .. }) => Err(ErrorCode::OutcomeUnknown),
        (200..=299, Body::Code { code, .. }) if codes::is_server_fault(code) => Err(ErrorCode::OutcomeUnknown),
        (429, _) => Err(ErrorCode::Throttled),
        (400..=499, _) if retry_after => Err(ErrorCode::Throttled),
        (200..=299 | 400..=499, Body::Code { code, .. }) => Err(codes::classify(code).unwrap_or(ErrorCode::Rejected)),
        (400..=499, Body::Unreadable) => Err(ErrorCode::MalformedResponse),
        (503, _) => Err(ErrorCode::Server),
        _ => Err(ErrorCode::OutcomeUnknown),
    }
}

/// Classifies the answer to a `SendChatappMessage` or `SendChatappMassMessage` request.
pub fn classify_send(response: &HttpResponse) -> Result<Accepted, Error> {
    classify(response, true).map(|(accepted, _)| accepted)
}

/// Classifies the answer to a call of another operation: its body (then the operation's to
/// read) with its `Data` array's items counted when it says `Code=OK`, else the same typed
/// error a send's answer gives.
pub fn classify_call(response: HttpResponse) -> Result<CallAnswer, Error> {
    let listed = classify(&response, false)?.1;
    Ok(CallAnswer { body: response.body, listed })
}

/// Classifies `response`, and counts the items of an accepted answer's `Data` array; an
/// accepted send must carry a `MessageId` when `send` is true.
fn classify(response: &HttpResponse, send: bool) -> Result<(Accepted, Option<usize>), Error> {
    let status = response.status;
    let parsed = serde_json::from_slice::<Answer>(&response.body);
    let answer = parsed.as_ref().ok();
    let code = answer.and_then(|a| a.code.as_deref());
    let message_id = answer.and_then(|a| a.message_id.as_deref()).filter(|id| !id.is_empty());
    let body = match code {
        Some(code) => Body::Code { code, message_id: message_id.is_some() || !send },
        None => Body::Unreadable,
    };
    let retry_after = response.retry_after_ms.filter(|ms| *ms > 0).map(Duration::from_millis);
    let request_id = answer.and_then(|a| a.request_id.clone()).or_else(|| response.request_id.clone());

    let error_code = match verdict(status, body, retry_after.is_some()) {
        Ok(()) => {
            let message_id = message_id.unwrap_or_default().to_owned();
            let listed = answer.and_then(|a| a.data.0);
            return Ok((Accepted { message_id, request_id: request_id.unwrap_or_default() }, listed));
        }
        Err(error_code) => error_code,
    };
    let mut message = match (&parsed, code) {
        (Err(parse_error), _) => format!("the answer is not valid JSON ({parse_error})"),
        (Ok(_), None) => "the answer has no Code".to_owned(),
        (Ok(_), Some("OK")) => "Code is OK but there is no MessageId".to_owned(),
        (Ok(answer), Some(code)) => match &answer.message {
            Some(text) => format!("{code}: {text}"),
            None => code.to_owned(),
        },
    };
    if error_code == ErrorCode::OutcomeUnknown && send {
        message.push_str("; the message may or may not have been accepted: reconcile by TaskId");
    }
    let retryable = matches!(error_code, ErrorCode::Throttled | ErrorCode::Server);
    Err(Error::new(error_code, describe(message, request_id.as_deref(), status))
        .with_platform(PlatformDetails {
            code: code.map(str::to_owned),
            message: answer.and_then(|a| a.message.clone()),
            request_id,
            http_status: Some(status),
        })
        .with_retry_after(retry_after.filter(|_| retryable)))
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

    fn with_retry_after(status: u16, body: &str, ms: u64) -> HttpResponse {
        HttpResponse { retry_after_ms: Some(ms), ..answer(status, body) }
    }

    const UNREADABLE: Body<'static> = Body::Unreadable;

    const fn code(code: &'static str) -> Body<'static> {
        Body::Code { code, message_id: false }
    }

    #[test]
    fn a_call_is_accepted_by_its_code_alone_and_refused_like_a_send() {
        let listed = |body: &str| classify_call(answer(200, body)).unwrap();
        assert_eq!(listed(r#"{"Code":"OK","Data":[]}"#).listed, Some(0));
        let page = listed(r#"{"Data":[{"MessageId":"m1","Message":"{\"a\":[1]}"},{},[],null],"Code":"OK"}"#);
        assert_eq!(page.listed, Some(4), "items of any kind are counted, the array before the Code too");
        assert!(page.body.starts_with(br#"{"Data":"#), "the body is the operation's to read");
        for other in [r#"{"Code":"OK"}"#, r#"{"Code":"OK","Data":{"Id":[1,2]}}"#, r#"{"Code":"OK","Data":null}"#] {
            assert_eq!(listed(other).listed, None, "{other}: no array, nothing counted");
        }
        assert_eq!(listed(r#"{"Code":"OK","Data":"x"}"#).listed, None);
        let lost = classify_call(answer(200, r#"{"Code":"InternalError"}"#)).unwrap_err();
        assert_eq!(lost.code(), ErrorCode::OutcomeUnknown);
        assert!(!lost.message().contains("TaskId"), "a call has no TaskId: {lost}");
        let missing = classify_call(answer(200, r#"{"Code":"DetailError.TemplateNotExist","Message":"no"}"#));
        assert_eq!(missing.unwrap_err().code(), ErrorCode::TemplateNotFound);
        assert_eq!(classify_call(answer(429, "")).unwrap_err().code(), ErrorCode::Throttled);
        assert_eq!(classify_call(answer(200, "not json")).unwrap_err().code(), ErrorCode::OutcomeUnknown);
    }

    #[test]
    fn the_decision_table() {
        use ErrorCode::*;
        let accepted = Body::Code { code: "OK", message_id: true };
        let rows: [(u16, Body<'_>, bool, Result<(), ErrorCode>); 33] = [
            (200, accepted, false, Ok(())),
            (200, accepted, true, Ok(())),
            (201, accepted, false, Ok(())),
            (200, UNREADABLE, false, Err(OutcomeUnknown)),
            (200, UNREADABLE, true, Err(OutcomeUnknown)),
            (200, code("OK"), false, Err(OutcomeUnknown)),
            (200, code("OK"), true, Err(OutcomeUnknown)),
            (200, code("InternalError"), false, Err(OutcomeUnknown)),
            (200, code("ServiceUnavailable"), true, Err(OutcomeUnknown)),
            (200, code("InvalidParameter.FromOnlyNumeric"), false, Err(InvalidParameter)),
            (200, code("Something.New"), false, Err(Rejected)),
            (200, code("Something.New"), true, Err(Rejected)),
            (200, code("Throttling.User"), false, Err(Throttled)),
            (400, code("Throttling.User"), true, Err(Throttled)),
            (400, code("Throttling.User"), false, Err(Throttled)),
            (400, code("SignatureDoesNotMatch"), false, Err(SignatureMismatch)),
            (400, code("Something.New"), true, Err(Throttled)),
            (400, code("InternalError"), false, Err(Rejected)),
            (404, code("InvalidAccessKeyId.NotFound"), false, Err(InvalidAccessKey)),
            (400, UNREADABLE, false, Err(MalformedResponse)),
            (413, UNREADABLE, false, Err(MalformedResponse)),
            (429, UNREADABLE, false, Err(Throttled)),
            (429, code("Something.New"), true, Err(Throttled)),
            (503, UNREADABLE, false, Err(Server)),
            (503, code("ServiceUnavailable"), true, Err(Server)),
            (500, code("InternalError"), false, Err(OutcomeUnknown)),
            (500, UNREADABLE, true, Err(OutcomeUnknown)),
            (502, code("ServiceUnavailable"), false, Err(OutcomeUnknown)),
            (502, UNREADABLE, false, Err(OutcomeUnknown)),
            (504, code("Throttling.User"), true, Err(OutcomeUnknown)),
            (504, UNREADABLE, false, Err(OutcomeUnknown)),
            (302, UNREADABLE, false, Err(OutcomeUnknown)),
            (100, code("OK"), false, Err(OutcomeUnknown)),
        ];
        for (status, body, retry_after, expected) in rows {
            assert_eq!(verdict(status, body, retry_after), expected, "{status} {body:?} retry-after {retry_after}");
        }
    }

    #[test]
    fn ok_with_message_id_is_a_receipt_even_with_a_retry_after() {
        let body = r#"{"RequestId":"r1","Code":"OK","Message":"OK","MessageId":"m1"}"#;
        let expected = Accepted { message_id: "m1".into(), request_id: "r1".into() };
        assert_eq!(classify_send(&answer(200, body)).unwrap(), expected);
        assert_eq!(classify_send(&with_retry_after(200, body, 300)).unwrap(), expected);
        let mass = classify_send(&answer(200, r#"{"Code":"OK","GroupMessageId":"g1"}"#)).unwrap();
        assert_eq!(mass.message_id, "g1");
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
    fn a_502_service_unavailable_is_outcome_unknown_keeping_the_platform_details() {
        let body = r#"{"RequestId":"r5","Code":"ServiceUnavailable","Message":"busy"}"#;
        let err = classify_send(&with_retry_after(502, body, 100)).unwrap_err();
        assert_eq!(err.code(), ErrorCode::OutcomeUnknown);
        let platform = (err.platform_code(), err.platform().message.as_deref(), err.request_id(), err.http_status());
        assert_eq!(platform, (Some("ServiceUnavailable"), Some("busy"), Some("r5"), Some(502)));
        assert_eq!(err.retry_after(), None, "a retry-after on a 502 is not an invitation to retry");
    }

    #[test]
    fn retry_after_headers_mean_throttled_with_the_delay() {
        let err = classify_send(&with_retry_after(400, r#"{"Code":"Throttling.User","Message":"slow down"}"#, 250))
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::Throttled);
        assert_eq!(err.retry_after(), Some(Duration::from_millis(250)));
        let err = classify_send(&with_retry_after(429, "Too Many Requests", 2000)).unwrap_err();
        assert_eq!((err.code(), err.retry_after()), (ErrorCode::Throttled, Some(Duration::from_secs(2))));
        let err = classify_send(&with_retry_after(503, "", 700)).unwrap_err();
        assert_eq!((err.code(), err.retry_after()), (ErrorCode::Server, Some(Duration::from_millis(700))));
    }

    #[test]
    fn unreadable_2xx_answers_are_outcome_unknown_naming_the_request_id_header() {
        let mut resp = answer(200, "{not json");
        resp.request_id = Some("hdr-1".into());
        let err = classify_send(&resp).unwrap_err();
        assert_eq!(err.code(), ErrorCode::OutcomeUnknown);
        assert_eq!((err.request_id(), err.http_status()), (Some("hdr-1"), Some(200)));
        assert!(err.message().contains("not valid JSON") && err.message().contains("hdr-1"), "{err}");
        for body in [r#"{"Code":"OK"}"#, r#"{"Code":"OK","MessageId":""}"#, r#"{"MessageId":"m"}"#, "[]", ""] {
            assert_eq!(classify_send(&answer(200, body)).unwrap_err().code(), ErrorCode::OutcomeUnknown, "{body}");
        }
        let err = classify_send(&answer(200, r#"{"Code":"OK"}"#)).unwrap_err();
        assert!(err.message().starts_with("Code is OK but there is no MessageId"), "{err}");
    }

    #[test]
    fn an_unreadable_refusal_is_malformed() {
        let err = classify_send(&answer(400, "<html>Bad Request</html>")).unwrap_err();
        assert_eq!((err.code(), err.http_status()), (ErrorCode::MalformedResponse, Some(400)));
    }
}
