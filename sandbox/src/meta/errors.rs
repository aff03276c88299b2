//! Graph API errors (spec §3): the envelope
//! `{"error":{"message","type","code","error_subcode"?,"error_data"?:{"messaging_product","details"},"is_transient","fbtrace_id"}}`,
//! the WhatsApp codes the sandbox answers with (spec §3.1), and how Meta's face words
//! injected faults ([`Face`]). Every Graph answer carries its `fbtrace_id` in an
//! `x-fb-trace-id` header as well. The same table words the errors of `failed` status
//! webhooks ([`status_error`]).
//!
//! The token endpoint can also answer in RFC 6749's form (`{"error","error_description"}`),
//! see [`super::oauth`].

use axum::Json;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::faults::Face;

/// One Graph API error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphError {
    /// The HTTP status of the answer.
    pub status: StatusCode,
    /// `code`.
    pub code: u32,
    /// `error_subcode`, if any.
    pub subcode: Option<u32>,
    /// `type`: `OAuthException` for nearly everything, `GraphMethodException` for unknown objects.
    pub kind: &'static str,
    /// `message`.
    pub message: String,
    /// `error_data.details` (WhatsApp errors only).
    pub details: Option<String>,
    /// `is_transient`.
    pub transient: bool,
    /// The RFC 6749 `error` the token endpoint names it with, if it is an OAuth error.
    pub oauth: Option<&'static str>,
}

/// What the sandbox knows of a WhatsApp code: HTTP status, title, details, transient.
struct Known {
    code: u32,
    status: StatusCode,
    title: &'static str,
    details: Option<&'static str>,
    transient: bool,
}

const fn entry(
    code: u32,
    status: StatusCode,
    title: &'static str,
    details: Option<&'static str>,
    transient: bool,
) -> Known {
    Known { code, status, title, details, transient }
}

/// Codes with their default answers (titles and details paraphrase Meta's table). Statuses
/// for rate limits are \[UNVERIFIED\]: Meta documents none; 400 is what Graph errors use.
const KNOWN: &[Known] = &[
    entry(2, StatusCode::SERVICE_UNAVAILABLE, "Service temporarily unavailable", None, true),
    entry(10, StatusCode::FORBIDDEN, "Application does not have permission for this action", None, false),
    entry(100, StatusCode::BAD_REQUEST, "Invalid parameter", None, false),
    entry(190, StatusCode::UNAUTHORIZED, "Error validating access token", None, false),
    entry(
        130429,
        StatusCode::BAD_REQUEST,
        "Rate limit hit",
        Some("Cloud API message throughput has been reached."),
        false,
    ),
    entry(131000, StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong", Some("Unknown error."), true),
    entry(131008, StatusCode::BAD_REQUEST, "Required parameter is missing", None, false),
    entry(131009, StatusCode::BAD_REQUEST, "Parameter value is not valid", None, false),
    entry(
        131016,
        StatusCode::SERVICE_UNAVAILABLE,
        "Service unavailable",
        Some("A service is temporarily unavailable."),
        true,
    ),
    entry(
        131026,
        StatusCode::BAD_REQUEST,
        "Message undeliverable",
        Some("Unable to deliver message: the recipient cannot receive it."),
        false,
    ),
    entry(
        131047,
        StatusCode::BAD_REQUEST,
        "Re-engagement message",
        Some("More than 24 hours have passed since the recipient last replied to this number."),
        false,
    ),
    entry(131053, StatusCode::BAD_REQUEST, "Media upload error", None, false),
    entry(
        131056,
        StatusCode::BAD_REQUEST,
        "(Business Account, Consumer Account) pair rate limit hit",
        Some("Too many messages sent from this phone number to the same recipient in a short period of time."),
        false,
    ),
];

/// The `errors[]` element of a `failed` status webhook for `code` (spec §5.5): the table's
/// title as `title` and `message`, its details as `error_data.details`.
pub fn status_error(code: u32) -> Value {
    let known = KNOWN.iter().find(|known| known.code == code);
    let title = known.map_or("Error", |known| known.title);
    let mut error = json!({"code": code, "title": title, "message": title});
    if let Some(details) = known.and_then(|known| known.details) {
        error["error_data"] = json!({ "details": details });
    }
    error
}

impl GraphError {
    /// An `OAuthException` with this status, code and message, nothing else.
    pub fn new(status: StatusCode, code: u32, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            subcode: None,
            kind: "OAuthException",
            message: message.into(),
            details: None,
            transient: false,
            oauth: None,
        }
    }

    /// The error Meta answers with `code`: its usual status, `(#code) title` and details
    /// from the table above; a code not in it gets HTTP 400 and a generic title.
    pub fn known(code: u32) -> Self {
        match KNOWN.iter().find(|known| known.code == code) {
            Some(known) => Self {
                details: known.details.map(str::to_owned),
                transient: known.transient,
                ..Self::new(known.status, code, format!("(#{code}) {}", known.title))
            },
            None => Self::new(StatusCode::BAD_REQUEST, code, format!("(#{code}) Error {code}")),
        }
    }

    /// A WhatsApp error explained by `details`: a parameter's (`100`, `131008`, `131009`), an
    /// upload's (`131053`).
    pub fn parameter(code: u32, details: impl Into<String>) -> Self {
        Self { details: Some(details.into()), ..Self::known(code) }
    }

    /// HTTP 403, code 10: the token lacks `scope`.
    pub fn lacking(scope: &str) -> Self {
        let details = format!("The access token lacks the {scope} permission.");
        Self { details: Some(details), ..Self::known(10) }
    }

    /// Graph's answer for an object it cannot load (`method`: `get`, `post`, `delete`):
    /// HTTP 400, code 100, subcode 33, `GraphMethodException`.
    pub fn unknown_object(method: &str, id: &str) -> Self {
        let message = format!(
            "Unsupported {method} request. Object with ID '{id}' does not exist, cannot be loaded due to missing \
             permissions, or does not support this operation."
        );
        Self { kind: "GraphMethodException", ..Self::new(StatusCode::BAD_REQUEST, 100, message) }.subcode(33)
    }

    /// With this `error_subcode`.
    pub fn subcode(self, subcode: u32) -> Self {
        Self { subcode: Some(subcode), ..self }
    }

    /// Named `error` (RFC 6749 §5.2) when the token endpoint answers in that form.
    pub fn oauth(self, error: &'static str) -> Self {
        Self { oauth: Some(error), ..self }
    }

    /// Meta's error envelope.
    pub fn answer(self, trace: &Trace) -> Response {
        let mut error = json!({
            "message": self.message,
            "type": self.kind,
            "code": self.code,
            "is_transient": self.transient,
            "fbtrace_id": trace.0,
        });
        if let Some(subcode) = self.subcode {
            error["error_subcode"] = json!(subcode);
        }
        if let Some(details) = self.details {
            error["error_data"] = json!({"messaging_product": "whatsapp", "details": details});
        }
        trace.json(self.status, json!({ "error": error }))
    }

    /// RFC 6749's error form, `{"error","error_description"}`, with the same status; an
    /// error without an RFC name is `invalid_request`.
    pub fn rfc_answer(self, trace: &Trace) -> Response {
        let body = json!({"error": self.oauth.unwrap_or("invalid_request"), "error_description": self.message});
        trace.json(self.status, body)
    }
}

/// The `fbtrace_id` of one Graph answer, and the answers that carry it.
#[derive(Debug)]
pub struct Trace(String);

impl Default for Trace {
    fn default() -> Self {
        Self::new()
    }
}

impl Trace {
    /// A fresh, random trace ID (23 URL-safe characters, like Meta's).
    pub fn new() -> Self {
        Self(URL_SAFE_NO_PAD.encode(rand::random::<[u8; 17]>()))
    }

    /// The trace ID.
    pub fn id(&self) -> &str {
        &self.0
    }

    /// A JSON answer with this status.
    pub fn json(&self, status: StatusCode, body: Value) -> Response {
        self.tag((status, Json(body)).into_response())
    }

    fn tag(&self, mut response: Response) -> Response {
        if let Ok(value) = HeaderValue::from_str(&self.0) {
            response.headers_mut().insert("x-fb-trace-id", value);
        }
        response
    }
}

impl Face for Trace {
    fn throttled(&self, _retry_after_ms: u64) -> (Response, String) {
        (GraphError::known(130429).answer(self), "130429".to_owned())
    }

    fn error(&self, status: StatusCode, code: Option<&str>, message: Option<&str>) -> Response {
        let Some(code) = code.and_then(|code| code.parse().ok()) else {
            return self.tag(status.into_response());
        };
        let known = GraphError::known(code);
        let message = message.map_or(known.message.clone(), str::to_owned);
        GraphError { status, message, ..known }.answer(self)
    }

    fn malformed(&self) -> Response {
        self.raw(StatusCode::OK, r#"{"messaging_product":"whatsapp","contacts":[{"input"#.to_owned())
    }

    fn raw(&self, status: StatusCode, body: String) -> Response {
        self.tag((status, body).into_response())
    }
}

#[cfg(test)]
mod tests {
    use axum::body::to_bytes;

    use super::*;

    async fn read(response: Response) -> (StatusCode, Value) {
        let status = response.status();
        let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        (status, if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap() })
    }

    #[tokio::test]
    async fn the_envelope_carries_code_details_and_the_trace_id() {
        let trace = Trace::new();
        let (status, body) = read(GraphError::known(131056).answer(&trace)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let error = &body["error"];
        assert_eq!((error["code"].as_u64(), error["type"].as_str()), (Some(131056), Some("OAuthException")));
        assert!(error["message"].as_str().unwrap().starts_with("(#131056) "));
        assert_eq!(error["error_data"]["messaging_product"], "whatsapp");
        assert_eq!((error["fbtrace_id"].as_str(), trace.id().len()), (Some(trace.id()), 23));
        let (_, body) = read(GraphError::new(StatusCode::BAD_REQUEST, 100, "bad").subcode(36007).answer(&trace)).await;
        assert_eq!((body["error"]["error_subcode"].as_u64(), body["error"].get("error_data")), (Some(36007), None));
    }

    #[tokio::test]
    async fn injected_errors_take_the_rule_status_and_no_code_means_no_body() {
        let trace = Trace::new();
        let (status, body) = read(trace.error(StatusCode::SERVICE_UNAVAILABLE, Some("2"), Some("busy"))).await;
        assert_eq!((status.as_u16(), body["error"]["code"].as_u64()), (503, Some(2)));
        assert_eq!(
            (body["error"]["message"].as_str(), body["error"]["is_transient"].as_bool()),
            (Some("busy"), Some(true))
        );
        let (status, body) = read(trace.error(StatusCode::BAD_GATEWAY, None, None)).await;
        assert_eq!((status.as_u16(), body), (502, Value::Null));
        let (_, body) = read(GraphError::known(10).oauth("invalid_scope").rfc_answer(&trace)).await;
        assert_eq!(body, json!({"error": "invalid_scope", "error_description": GraphError::known(10).message}));
    }
}
