//! The HTTP answer a receiver gives, and the status each refusal maps to.

use super::Endpoint;
use crate::error::{Error, ErrorCode};
use crate::events::{Event, MAX_BODY_BYTES};

/// What to answer, and what the request brought.
#[derive(Clone, Debug)]
pub struct WebhookReply {
    /// The HTTP status: 200 when the request was accepted (and, with a store, its events
    /// recorded); 400 unreadable body, 401 signature or push token wrong or missing, 403
    /// address not allowed or verify token wrong, 405 wrong method, 413 body over
    /// [`MAX_BODY_BYTES`], 500 receiver not configured for the provider (the provider delivers
    /// again later), 503 store failed (likewise).
    pub status: u16,
    /// The `Content-Type` of [`WebhookReply::body`].
    pub content_type: &'static str,
    /// The response body.
    pub body: String,
    /// The events to process, in the order received: all of them without a store; with one,
    /// only those not seen before.
    pub events: Vec<Event>,
    /// Events skipped because the store had them already (redeliveries) or because they would
    /// move a message's status backwards.
    pub skipped: usize,
    /// Why the request was refused (`None` when `status` is 200).
    pub error: Option<Error>,
}

impl WebhookReply {
    /// 200 echoing Meta's subscription challenge.
    pub(super) fn challenge(challenge: String) -> Self {
        Self { status: 200, content_type: "text/plain", body: challenge, events: Vec::new(), skipped: 0, error: None }
    }

    /// 200 with the body each provider expects: Meta reads only the status; CAMS's expected
    /// body is undocumented, this is the one Alibaba's other messaging pushes use
    /// (docs/unverified.md).
    pub(super) fn accepted(endpoint: Endpoint, events: Vec<Event>, skipped: usize) -> Self {
        let (content_type, body) = match endpoint {
            Endpoint::Meta => ("text/plain", "OK"),
            Endpoint::CamsStatus | Endpoint::CamsInbound => ("application/json", r#"{"code":0,"msg":"success"}"#),
        };
        Self { status: 200, content_type, body: body.to_owned(), events, skipped, error: None }
    }

    /// The answer refusing a request: the refusal's status, and a body
    /// `{"code", "message"}` (messages never carry a secret).
    pub(super) fn refused(refusal: Refusal) -> Self {
        let Refusal { status, error } = refusal;
        let body = serde_json::json!({"code": error.code().as_str(), "message": error.message()}).to_string();
        Self { status, content_type: "application/json", body, events: Vec::new(), skipped: 0, error: Some(error) }
    }
}

/// A request refused: the typed error and the HTTP status it is answered with.
#[derive(Debug)]
pub(super) struct Refusal {
    status: u16,
    error: Error,
}

impl From<Error> for Refusal {
    /// The status that follows from the error's code.
    fn from(error: Error) -> Self {
        let status = match error.code() {
            ErrorCode::SignatureMismatch => 401,
            ErrorCode::PermissionDenied => 403,
            ErrorCode::InvalidParameter | ErrorCode::MissingParameter => 400,
            ErrorCode::StoreFailed => 503,
            _ => 500,
        };
        Self { status, error }
    }
}

impl Refusal {
    /// A subscription request with a wrong or missing verify token: 403, as Meta expects.
    pub(super) fn forbidden(error: Error) -> Self {
        Self { status: 403, error }
    }

    /// A request with another method than the endpoint takes (405).
    pub(super) fn method_not_allowed(method: &str) -> Self {
        let shown: String = method.chars().take(16).collect();
        let message = format!("{shown:?} is not accepted here: pushes are POSTed (and Meta's subscription is a GET)");
        Self { status: 405, error: Error::new(ErrorCode::InvalidParameter, message) }
    }

    /// A body over [`MAX_BODY_BYTES`] (413), refused before it is read.
    pub(super) fn too_large(len: usize) -> Self {
        let message = format!("the body has {len} bytes, more than the {MAX_BODY_BYTES} accepted");
        Self { status: 413, error: Error::new(ErrorCode::InvalidParameter, message) }
    }
}
