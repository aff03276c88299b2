//! Classifying Meta's answer to a send (Meta reference §2.2, §3, §3.1): the accepted
//! message's `wamid`, or a typed error with Meta's `code`, message and details, `fbtrace_id`
//! and the HTTP status.
//!
//! The HTTP status decides first whether the request was provably refused, then Meta's
//! `code` says why ([`super::codes`]). One table (`verdict`) decides, over the status, the
//! body (accepted: `messages[0].id`; a Graph error: `error.code`; else unreadable) and whether
//! a `Retry-After` header came:
//!
//! | HTTP status | body | Retry-After | error code | retried |
//! |---|---|---|---|---|
//! | 2xx | `messages[0].id` | any | — (accepted) | — |
//! | 2xx | anything else, a Graph error included | any | `OutcomeUnknown` | no |
//! | 4xx, 5xx | a Graph error | any | the code's family ([`super::codes::classify`]) | `Throttled`, `Server` |
//! | 429 | unreadable | any | `Throttled` | yes |
//! | other 4xx | unreadable | present | `Throttled` | yes |
//! | other 4xx | unreadable | absent | `MalformedResponse` | no |
//! | 5xx, 1xx, 3xx | unreadable (1xx, 3xx: any) | any | `OutcomeUnknown` | no |
//!
//! As with CAMS ([`crate::cams::response`]), a 2xx means Meta handled the request: if its
//! answer cannot be read the message may have been sent, so the outcome is unknown. A 5xx
//! without a Graph error may come from any proxy after the message was accepted. Meta's own
//! "unknown" codes (1, 131000) are outcome-unknown too. A `Retry-After` in whole seconds sets
//! the delay of a throttled or server error; without one, a pair-rate refusal (131056) waits
//! the 4 s Meta advises.

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use super::codes;
use crate::error::{Error, ErrorCode, PlatformDetails};
use crate::transport::HttpResponse;

/// What Meta says when it accepts a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    /// The message's ID (`messages[0].id`, the `wamid`): the key of its status webhooks.
    pub message_id: String,
    /// `messages[0].message_status` (template sends: `accepted`, `held_for_quality_assessment`
    /// or `paused`; none of them means delivered).
    pub message_status: Option<String>,
    /// The recipient's WhatsApp ID (`contacts[0].wa_id`), when Meta names it.
    pub wa_id: Option<String>,
}

/// The JSON fields of Meta's answers.
#[derive(Debug, Default, Deserialize)]
struct Answer {
    #[serde(default)]
    contacts: Vec<SentContact>,
    #[serde(default)]
    messages: Vec<SentMessage>,
    error: Option<GraphError>,
}

#[derive(Debug, Deserialize)]
struct SentContact {
    wa_id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct SentMessage {
    id: Option<String>,
    message_status: Option<String>,
}

/// Meta's error envelope (§3).
#[derive(Debug, Deserialize)]
struct GraphError {
    code: i64,
    error_subcode: Option<i64>,
    message: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    /// An object with `details`, or for some errors a plain string.
    error_data: Option<Value>,
    is_transient: Option<bool>,
    fbtrace_id: Option<String>,
}

impl GraphError {
    /// `error_data.details`, or `error_data` itself when it is a string.
    fn details(&self) -> Option<&str> {
        match self.error_data.as_ref()? {
            Value::String(details) => Some(details),
            data => data.get("details")?.as_str(),
        }
    }

    /// Meta's message and details, as [`PlatformDetails::message`] keeps them.
    fn text(&self) -> Option<String> {
        match (self.message.as_deref(), self.details()) {
            (Some(message), Some(details)) => Some(format!("{message}: {details}")),
            (Some(text), None) | (None, Some(text)) => Some(text.to_owned()),
            (None, None) => None,
        }
    }

    /// What kind of error it is: its code, subcode, type and transience.
    fn describe(&self) -> String {
        let subcode = self.error_subcode.map(|subcode| format!("subcode {subcode}"));
        let transient = self.is_transient.filter(|transient| *transient).map(|_| "transient".to_owned());
        let notes: Vec<String> = [subcode, self.kind.clone(), transient].into_iter().flatten().collect();
        if notes.is_empty() {
            format!("Meta error {}", self.code)
        } else {
            format!("Meta error {} ({})", self.code, notes.join(", "))
        }
    }
}

/// What a body says, as far as [`verdict`] needs to know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Body {
    /// `messages[0].id` is there.
    Accepted,
    /// A Graph error with this `code`.
    Graph(i64),
    /// Neither: not JSON, or JSON without either.
    Unreadable,
}

/// The decision table of the module documentation: `Ok` when the message was accepted,
/// else the error code.
fn verdict(status: u16, body: Body, retry_after: bool) -> Result<(), ErrorCode> {
    match (status, body) {
        (200..=299, Body::Accepted) => Ok(()),
        (200..=299, _) => Err(ErrorCode::OutcomeUnknown),
        (400..=599, Body::Graph(code)) => Err(codes::classify(code)),
        (429, _) => Err(ErrorCode::Throttled),
        (400..=499, _) if retry_after => Err(ErrorCode::Throttled),
        (400..=499, _) => Err(ErrorCode::MalformedResponse),
        _ => Err(ErrorCode::OutcomeUnknown),
    }
}

/// Classifies the answer to `POST /{version}/{phone-number-id}/messages`: its HTTP status,
/// body, `Retry-After` and trace ID header (read when the body has no `fbtrace_id`).
pub fn classify(response: &HttpResponse) -> Result<Accepted, Error> {
    let status = response.status;
    let parsed = serde_json::from_slice::<Answer>(&response.body);
    let answer = parsed.as_ref().ok();
    let error = answer.and_then(|a| a.error.as_ref());
    let sent = answer.and_then(|a| a.messages.first()).filter(|m| m.id.as_deref().is_some_and(|id| !id.is_empty()));
    let kind = match (error, sent) {
        (Some(error), _) => Body::Graph(error.code),
        (None, Some(_)) => Body::Accepted,
        (None, None) => Body::Unreadable,
    };
    let retry_after = response.retry_after_ms.filter(|&ms| ms > 0).map(Duration::from_millis);
    let error_code = match verdict(status, kind, retry_after.is_some()) {
        Ok(()) => return Ok(accepted(answer.and_then(|a| a.contacts.first()), sent)),
        Err(error_code) => error_code,
    };
    let mut message = match (&parsed, error) {
        (Err(parse_error), _) => format!("the answer cannot be read ({parse_error})"),
        (Ok(_), Some(error)) => match error.text() {
            Some(text) => format!("{}: {text}", error.describe()),
            None => error.describe(),
        },
        (Ok(_), None) if (200..=299).contains(&status) => "the answer has no messages[0].id".to_owned(),
        (Ok(_), None) => "the answer has no Graph error".to_owned(),
    };
    if error_code == ErrorCode::OutcomeUnknown {
        message.push_str("; the message may or may not have been sent: reconcile by biz_opaque_callback_data (TaskId)");
    }
    let trace_id = error.and_then(|e| e.fbtrace_id.clone()).or_else(|| response.request_id.clone());
    let retryable = matches!(error_code, ErrorCode::Throttled | ErrorCode::Server);
    let wait = retry_after.or_else(|| error.and_then(|e| codes::advised_wait(e.code)));
    Err(Error::new(error_code, describe(message, trace_id.as_deref(), status))
        .with_platform(PlatformDetails {
            code: error.map(|e| e.code.to_string()),
            message: error.and_then(GraphError::text),
            request_id: trace_id,
            http_status: Some(status),
        })
        .with_retry_after(wait.filter(|_| retryable)))
}

fn accepted(contact: Option<&SentContact>, sent: Option<&SentMessage>) -> Accepted {
    Accepted {
        message_id: sent.and_then(|m| m.id.clone()).unwrap_or_default(),
        message_status: sent.and_then(|m| m.message_status.clone()),
        wa_id: contact.and_then(|c| c.wa_id.clone()),
    }
}

fn describe(message: String, trace_id: Option<&str>, status: u16) -> String {
    match trace_id {
        Some(id) => format!("{message} (HTTP {status}, fbtrace_id {id})"),
        None => format!("{message} (HTTP {status})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCategory;

    fn answer(status: u16, body: &str) -> Result<Accepted, Error> {
        let status = http::StatusCode::from_u16(status).unwrap();
        classify(&HttpResponse::from_parts(status, &http::HeaderMap::new(), body.into()))
    }

    fn with_header(status: u16, body: &str, name: &'static str, value: &str) -> Result<Accepted, Error> {
        let mut headers = http::HeaderMap::new();
        headers.insert(name, value.parse().unwrap());
        let status = http::StatusCode::from_u16(status).unwrap();
        classify(&HttpResponse::from_parts(status, &headers, body.into()))
    }

    fn graph_error(code: i64) -> String {
        format!(r#"{{"error":{{"message":"(#{code}) m","type":"OAuthException","code":{code},"fbtrace_id":"T"}}}}"#)
    }

    const SENT: &str = r#"{"messaging_product":"whatsapp","contacts":[{"input":"+16505551234","wa_id":"16505551234"}],
        "messages":[{"id":"wamid.HBgL","message_status":"accepted"}]}"#;

    #[test]
    fn the_decision_table() {
        use ErrorCode::*;
        let rows: [(u16, Body, bool, Result<(), ErrorCode>); 22] = [
            (200, Body::Accepted, false, Ok(())),
            (201, Body::Accepted, true, Ok(())),
            (200, Body::Unreadable, false, Err(OutcomeUnknown)),
            (200, Body::Graph(100), false, Err(OutcomeUnknown)),
            (200, Body::Graph(130_429), true, Err(OutcomeUnknown)),
            (400, Body::Graph(100), false, Err(InvalidParameter)),
            (400, Body::Graph(100), true, Err(InvalidParameter)),
            (400, Body::Graph(130_429), false, Err(Throttled)),
            (401, Body::Graph(190), false, Err(TokenExpired)),
            (429, Body::Graph(131_056), true, Err(Throttled)),
            (400, Body::Graph(131_000), false, Err(OutcomeUnknown)),
            (500, Body::Graph(131_000), false, Err(OutcomeUnknown)),
            (500, Body::Graph(131_016), false, Err(Server)),
            (503, Body::Graph(2), false, Err(Server)),
            (500, Body::Graph(999_999), false, Err(Rejected)),
            (429, Body::Unreadable, false, Err(Throttled)),
            (400, Body::Unreadable, true, Err(Throttled)),
            (400, Body::Unreadable, false, Err(MalformedResponse)),
            (404, Body::Accepted, false, Err(MalformedResponse)),
            (503, Body::Unreadable, true, Err(OutcomeUnknown)),
            (502, Body::Unreadable, false, Err(OutcomeUnknown)),
            (302, Body::Graph(100), false, Err(OutcomeUnknown)),
        ];
        for (status, body, retry_after, expected) in rows {
            assert_eq!(verdict(status, body, retry_after), expected, "{status} {body:?} retry-after {retry_after}");
        }
    }

    #[test]
    fn an_accepted_message_gives_its_wamid_status_and_wa_id() {
        let expected = Accepted {
            message_id: "wamid.HBgL".into(),
            message_status: Some("accepted".into()),
            wa_id: Some("16505551234".into()),
        };
        assert_eq!(answer(200, SENT).unwrap(), expected);
        let bare = answer(200, r#"{"messages":[{"id":"wamid.x"}]}"#).unwrap();
        assert_eq!(bare, Accepted { message_id: "wamid.x".into(), message_status: None, wa_id: None });
    }

    #[test]
    fn a_graph_error_keeps_its_code_message_details_and_trace_id() {
        let body = r#"{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429,
            "error_subcode":2494055,"error_data":{"messaging_product":"whatsapp",
            "details":"Cloud API message throughput has been reached."},"is_transient":true,
            "fbtrace_id":"Az8or2yhqkZfEZ-_4Qn_Bam"}}"#;
        let err = answer(400, body).unwrap_err();
        assert_eq!((err.code(), err.category()), (ErrorCode::Throttled, ErrorCategory::Throttled));
        let text = "(#130429) Rate limit hit: Cloud API message throughput has been reached.";
        let platform = PlatformDetails {
            code: Some("130429".into()),
            message: Some(text.into()),
            request_id: Some("Az8or2yhqkZfEZ-_4Qn_Bam".into()),
            http_status: Some(400),
        };
        assert_eq!(err.platform(), &platform);
        assert_eq!(
            err.message(),
            format!(
                "Meta error 130429 (subcode 2494055, OAuthException, transient): {text} (HTTP 400, fbtrace_id Az8or2yhqkZfEZ-_4Qn_Bam)"
            )
        );
        assert_eq!(err.retry_after(), None, "no Retry-After header, no advice for 130429");
    }

    #[test]
    fn details_may_be_a_plain_string() {
        let body = r#"{"error":{"code":132001,"error_data":"template name does not exist in the translation"}}"#;
        let err = answer(404, body).unwrap_err();
        assert_eq!(err.code(), ErrorCode::TemplateNotFound);
        assert_eq!(err.platform().message.as_deref(), Some("template name does not exist in the translation"));
        assert_eq!(err.message(), "Meta error 132001: template name does not exist in the translation (HTTP 404)");
        let err = answer(400, r#"{"error":{"code":131008}}"#).unwrap_err();
        assert_eq!((err.code(), err.platform().message.as_deref()), (ErrorCode::MissingParameter, None));
    }

    #[test]
    fn the_pair_rate_waits_as_meta_advises_unless_a_header_says_otherwise() {
        let err = answer(400, &graph_error(131_056)).unwrap_err();
        assert_eq!((err.code(), err.retry_after()), (ErrorCode::Throttled, Some(Duration::from_secs(4))));
        let err = with_header(400, &graph_error(131_056), "retry-after", "9").unwrap_err();
        assert_eq!(err.retry_after(), Some(Duration::from_secs(9)));
    }

    #[test]
    fn retry_after_in_seconds_is_honoured_on_throttled_and_server_errors_only() {
        let err = with_header(429, "Too Many Requests", "retry-after", " 3 ").unwrap_err();
        assert_eq!((err.code(), err.retry_after()), (ErrorCode::Throttled, Some(Duration::from_secs(3))));
        let err = with_header(503, &graph_error(2), "retry-after", "2").unwrap_err();
        assert_eq!((err.code(), err.retry_after()), (ErrorCode::Server, Some(Duration::from_secs(2))));
        let err = with_header(400, &graph_error(100), "retry-after", "2").unwrap_err();
        assert_eq!((err.code(), err.retry_after()), (ErrorCode::InvalidParameter, None));
        for unread in ["Wed, 21 Oct 2026 07:28:00 GMT", "0", "-1", "1.5"] {
            let err = with_header(429, "", "retry-after", unread).unwrap_err();
            assert_eq!((err.code(), err.retry_after()), (ErrorCode::Throttled, None), "{unread}");
        }
    }

    #[test]
    fn unreadable_answers_are_outcome_unknown_or_malformed_by_status() {
        for body in [
            "",
            "{not json",
            "[]",
            "{}",
            r#"{"messages":[]}"#,
            r#"{"messages":[{"id":""}]}"#,
            SENT.replace("wamid.HBgL", "").as_str(),
        ] {
            let err = answer(200, body).unwrap_err();
            assert_eq!(err.code(), ErrorCode::OutcomeUnknown, "{body}");
            assert!(err.message().contains("reconcile by biz_opaque_callback_data"), "{err}");
        }
        let err = answer(200, "{}").unwrap_err();
        assert!(err.message().starts_with("the answer has no messages[0].id"), "{err}");
        let err = answer(500, "<html>oops</html>").unwrap_err();
        assert_eq!((err.code(), err.http_status(), err.platform_code()), (ErrorCode::OutcomeUnknown, Some(500), None));
        assert!(err.message().starts_with("the answer cannot be read"), "{err}");
        let err = answer(400, r#"{"error":{"message":"no code"}}"#).unwrap_err();
        assert_eq!(err.code(), ErrorCode::MalformedResponse);
        let err = answer(403, r#"{"status":"forbidden"}"#).unwrap_err();
        assert_eq!(err.code(), ErrorCode::MalformedResponse);
        assert!(err.message().starts_with("the answer has no Graph error (HTTP 403)"), "{err}");
    }

    #[test]
    fn the_trace_id_header_stands_in_for_a_missing_fbtrace_id() {
        let err = with_header(502, "Bad Gateway", "x-fb-trace-id", "H1").unwrap_err();
        assert_eq!((err.code(), err.request_id()), (ErrorCode::OutcomeUnknown, Some("H1")));
        let err = with_header(400, &graph_error(100), "x-fb-trace-id", "H1").unwrap_err();
        assert_eq!(err.request_id(), Some("T"), "the body's fbtrace_id wins");
    }

    #[test]
    fn unknown_codes_are_rejections_keeping_the_raw_code() {
        let err = answer(400, &graph_error(131_026)).unwrap_err();
        assert_eq!((err.code(), err.platform_code()), (ErrorCode::Rejected, Some("131026")));
        let err = answer(500, &graph_error(131_000)).unwrap_err();
        assert_eq!(err.code(), ErrorCode::OutcomeUnknown);
        assert!(err.message().starts_with("Meta error 131000 (OAuthException): (#131000) m; the message may"), "{err}");
    }
}
