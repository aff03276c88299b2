//! HTTP routing: the gateway on `POST /`, admin endpoints under `/_sandbox/`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chatlane_core::random_id;
use serde_json::json;
use tokio::sync::watch;

use crate::SandboxConfig;
use crate::callbacks::{self, Push, Pusher, Sessions};
use crate::faults::{Fault, FaultRule, Faults};
use crate::gateway::{self, Authenticated, Rejection};
use crate::ledger::{Entry, Journal, Ledger, Request};
use crate::metadata::{self, Issued};
use crate::nonces::Nonces;
use crate::registry;
use crate::send::{self, Refusal};
use crate::throttle::Throttle;

/// The host the sandbox names in `HostId`.
const HOST_ID: &str = "cams.sandbox.chatlane.local";

/// Everything the handlers share.
pub struct AppState {
    pub config: SandboxConfig,
    pub ledger: Ledger,
    pub journal: Journal,
    pub faults: Faults,
    /// Credentials the emulated ECS metadata service issued.
    pub issued: Issued,
    nonces: Nonces,
    throttle: Throttle,
    sessions: Sessions,
    pusher: Pusher,
    started: Instant,
    stopping: watch::Receiver<bool>,
}

impl AppState {
    /// State for a sandbox that stops hanging requests once `stopping` turns true.
    pub fn new(config: SandboxConfig, stopping: watch::Receiver<bool>) -> Self {
        Self {
            config,
            ledger: Ledger::default(),
            journal: Journal::default(),
            faults: Faults::default(),
            issued: Issued::default(),
            nonces: Nonces::default(),
            throttle: Throttle::default(),
            sessions: Sessions::default(),
            pusher: Pusher::default(),
            started: Instant::now(),
            stopping,
        }
    }

    fn elapsed_us(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_micros()).unwrap_or(u64::MAX)
    }
}

/// The sandbox's routes.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", post(gateway_request))
        .route("/_sandbox/ledger", get(read_ledger).delete(clear_ledger))
        .route("/_sandbox/requests", get(read_journal).delete(clear_journal))
        .route("/_sandbox/faults", post(add_fault).delete(clear_faults))
        .route("/_sandbox/inbound", post(simulate_inbound))
        .route("/_sandbox/callbacks", get(read_callbacks))
        .route("/_sandbox/health", get(|| async { "ok" }))
        .merge(metadata::routes())
        .layer(middleware::from_fn_with_state(Arc::clone(&state), drop_before_read))
        .with_state(state)
}

/// Drops the connection before the body is read when a `drop_before_read` fault matches.
async fn drop_before_read(State(state): State<Arc<AppState>>, request: axum::extract::Request, next: Next) -> Response {
    let is_gateway = request.method() == axum::http::Method::POST && request.uri().path() == "/";
    let to = request
        .uri()
        .query()
        .and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "To").map(|(_, v)| v.into_owned()));
    if is_gateway && state.faults.take_before_read(to.as_deref()) {
        return dropped_connection();
    }
    next.run(request).await
}

async fn gateway_request(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let received_at_us = state.elapsed_us();
    let request_id = new_request_id();
    let now = time::OffsetDateTime::now_utc();
    let request = match gateway::authenticate(&state.config.accounts, query.as_deref(), &headers, &body, now) {
        Ok(request) => request,
        Err(rejection) => return error_answer(&request_id, rejection),
    };
    if !state.nonces.first_use(&request.access_key_id, &request.nonce, Instant::now()) {
        return error_answer(
            &request_id,
            Rejection {
                status: StatusCode::BAD_REQUEST,
                code: "SignatureNonceUsed",
                message: "Specified signature nonce was used already.".to_owned(),
            },
        );
    }
    let (action, task_id, to) =
        (request.action.clone(), request.params.get("TaskId").cloned(), request.params.get("To").cloned());
    let journal = |outcome: &str| {
        state.journal.record(Request {
            action: action.clone(),
            task_id: task_id.clone(),
            to: to.clone(),
            received_at_us,
            outcome: outcome.to_owned(),
        });
    };
    // The account's QPS first: an injected fault applies to the next matching request the
    // gateway admits, so a request throttled on the way never uses one up.
    if let Some(limit) = state.config.limits.per_second(&action)
        && let Err(wait) = state.throttle.admit(&request.access_key_id, &action, limit, Instant::now())
    {
        journal("Throttling.User");
        return throttled(&request_id, u64::try_from(wait.as_millis()).unwrap_or(u64::MAX));
    }
    let fault = state.faults.take(to.as_deref());
    if let Some((response, outcome)) = fault.as_ref().and_then(|fault| answer_instead(fault, &request_id)) {
        journal(&outcome);
        return response;
    }
    if let Some(Fault::Latency { ms, jitter_ms }) = &fault {
        let jitter = rand::random_range(0..=*jitter_ms);
        tokio::time::sleep(Duration::from_millis(ms.saturating_add(jitter))).await;
    }
    let (mut response, outcome) = process(&state, request, &request_id, received_at_us);
    journal(outcome);
    match fault {
        Some(Fault::Hang) => {
            let mut stopping = state.stopping.clone();
            let _ = stopping.wait_for(|stop| *stop).await;
            dropped_connection()
        }
        Some(Fault::AcceptThen { status, body, headers }) => {
            let mut response = raw_answer(&request_id, status, body);
            headers.apply(response.headers_mut());
            response
        }
        Some(Fault::WithHeaders { headers }) => {
            headers.apply(response.headers_mut());
            response
        }
        _ => response,
    }
}

/// The answer of a fault that answers without processing the request, and the outcome the
/// journal records for it; `None` for faults that let the request be processed.
fn answer_instead(fault: &Fault, request_id: &str) -> Option<(Response, String)> {
    let answered = match fault {
        Fault::Throttle { retry_after_ms } => (throttled(request_id, *retry_after_ms), "Throttling.User".to_owned()),
        Fault::Error { status, code, message, headers } => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let outcome = code.clone().unwrap_or_else(|| format!("HTTP {}", status.as_u16()));
            let message = message.clone().unwrap_or_else(|| format!("injected {outcome}"));
            let mut body = json!({"RequestId": request_id, "HostId": HOST_ID, "Message": message});
            if let Some(code) = code {
                body["Code"] = json!(code);
            }
            let mut response = answer(request_id, status, body);
            headers.apply(response.headers_mut());
            (response, outcome)
        }
        Fault::Malformed => {
            (raw_answer(request_id, 200, "{\"RequestId\": \"broken".to_owned()), "malformed".to_owned())
        }
        Fault::Drop => (dropped_connection(), "drop".to_owned()),
        Fault::AcceptThen { .. }
        | Fault::WithHeaders { .. }
        | Fault::Latency { .. }
        | Fault::Hang
        | Fault::DropBeforeRead => return None,
    };
    Some(answered)
}

/// The business answer to an authenticated request, and its platform code for the journal.
fn process(
    state: &Arc<AppState>,
    request: Authenticated,
    request_id: &str,
    received_at_us: u64,
) -> (Response, &'static str) {
    let template_answer = |body: Result<serde_json::Value, Refusal>| match body {
        Ok(mut body) => {
            body["RequestId"] = json!(request_id);
            body["Code"] = json!("OK");
            body["Message"] = json!("OK");
            (answer(request_id, StatusCode::OK, body), "OK")
        }
        Err(refusal) => refusal_answer(request_id, refusal),
    };
    let (checked, id_field) = match request.action.as_str() {
        "SendChatappMessage" => (send::check(&request.params), "MessageId"),
        "SendChatappMassMessage" => (send::check_mass(&request.params), "GroupMessageId"),
        "ListChatappTemplate" => return template_answer(registry::list(&state.config, &request.params)),
        "GetChatappTemplateDetail" => return template_answer(registry::detail(&state.config, &request.params)),
        other => {
            let rejection = Rejection {
                status: StatusCode::NOT_FOUND,
                code: "InvalidAction.NotFound",
                message: format!("Specified api {other:?} is not found, please check your url and method."),
            };
            return (error_answer(request_id, rejection), "InvalidAction.NotFound");
        }
    };
    let checked = checked.and_then(|()| registry::check_send(&state.config, &request.params));
    match checked {
        Ok(()) => {
            let message_id = random_id();
            let body = json!({"RequestId": request_id, "Code": "OK", "Message": "OK", id_field: message_id});
            schedule_receipts(Arc::clone(state), request.params.clone(), message_id.clone());
            state.ledger.record(Entry {
                action: request.action,
                message_id,
                request_id: request_id.to_owned(),
                access_key_id: request.access_key_id,
                params: request.params,
                received_at_us,
            });
            (answer(request_id, StatusCode::OK, body), "OK")
        }
        Err(refusal) => refusal_answer(request_id, refusal),
    }
}

/// A refused request: HTTP 400 `MissingParameter`, or HTTP 200 with the CAMS code.
fn refusal_answer(request_id: &str, refusal: Refusal) -> (Response, &'static str) {
    match refusal {
        Refusal::Missing(name) => {
            let rejection = Rejection {
                status: StatusCode::BAD_REQUEST,
                code: "MissingParameter",
                message: format!(
                    "The input parameter \"{name}\" that is mandatory for processing this request is not supplied."
                ),
            };
            (error_answer(request_id, rejection), "MissingParameter")
        }
        Refusal::Business(code, message) => (
            answer(request_id, StatusCode::OK, json!({"RequestId": request_id, "Code": code, "Message": message})),
            code,
        ),
    }
}

/// Pushes the status receipts of an accepted request to its status callback, if any.
fn schedule_receipts(state: Arc<AppState>, params: BTreeMap<String, String>, message_id: String) {
    let Some(url) = callbacks::status_url(&state.config, &params).map(str::to_owned) else { return };
    let deliveries = callbacks::deliveries(&params, &message_id, &state.sessions, random_id);
    let delay = Duration::from_millis(state.config.receipt_delay_ms.unwrap_or(50));
    tokio::spawn(async move {
        for delivery in deliveries {
            for receipt in callbacks::receipts(&params, &delivery) {
                tokio::time::sleep(delay).await;
                state.pusher.push("status", &url, receipt).await;
            }
        }
    });
}

/// `POST /_sandbox/inbound` body: a user writes to a business number.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Inbound {
    from: String,
    to: String,
    text: String,
    #[serde(default)]
    name: Option<String>,
}

/// Simulates an inbound message: opens the user's 24-hour window and pushes the message to
/// the business number's inbound callback.
async fn simulate_inbound(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let inbound: Inbound = match serde_json::from_slice(&body) {
        Ok(inbound) => inbound,
        Err(e) => return (StatusCode::BAD_REQUEST, format!("expected {{from, to, text, name?}}: {e}")).into_response(),
    };
    state.sessions.open(&inbound.to, &inbound.from, Instant::now());
    let message_id = random_id();
    let space = state.config.space_of_number(&inbound.to);
    if let Some(url) = space.and_then(|s| s.up_callback_url.clone()) {
        let name = inbound.name.as_deref().unwrap_or(&inbound.from);
        let item = callbacks::inbound(
            &message_id,
            space.map(|s| s.id.as_str()),
            &inbound.from,
            &inbound.to,
            &inbound.text,
            name,
        );
        state.pusher.push("inbound", &url, item).await;
    }
    Json(json!({ "MessageId": message_id })).into_response()
}

async fn read_callbacks(State(state): State<Arc<AppState>>) -> Json<Vec<Push>> {
    Json(state.pusher.pushes())
}

async fn read_ledger(State(state): State<Arc<AppState>>) -> Json<Vec<Entry>> {
    Json(state.ledger.entries())
}

async fn clear_ledger(State(state): State<Arc<AppState>>) -> StatusCode {
    state.ledger.clear();
    StatusCode::NO_CONTENT
}

async fn read_journal(State(state): State<Arc<AppState>>) -> Json<Vec<Request>> {
    Json(state.journal.requests())
}

async fn clear_journal(State(state): State<Arc<AppState>>) -> StatusCode {
    state.journal.clear();
    StatusCode::NO_CONTENT
}

async fn add_fault(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    match serde_json::from_slice::<FaultRule>(&body) {
        Ok(rule) => {
            state.faults.add(rule);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => (StatusCode::BAD_REQUEST, format!("not a fault rule: {e}")).into_response(),
    }
}

async fn clear_faults(State(state): State<Arc<AppState>>) -> StatusCode {
    state.faults.clear();
    StatusCode::NO_CONTENT
}

/// HTTP 400 `Throttling.User` with `x-acs-retry-after`.
fn throttled(request_id: &str, retry_after_ms: u64) -> Response {
    let mut response = error_answer(
        request_id,
        Rejection {
            status: StatusCode::BAD_REQUEST,
            code: "Throttling.User",
            message: "Request was denied due to user flow control.".to_owned(),
        },
    );
    response.headers_mut().insert("x-acs-retry-after", HeaderValue::from(retry_after_ms));
    response
}

/// A response whose body fails at once: hyper closes the connection without an answer.
fn dropped_connection() -> Response {
    let failure = std::io::Error::other("sandbox fault: connection dropped");
    Response::new(Body::from_stream(futures_util::stream::once(std::future::ready(Err::<Bytes, _>(failure)))))
}

/// A gateway error body: `RequestId`, `HostId`, `Code`, `Message`, `Recommend`.
fn error_answer(request_id: &str, rejection: Rejection) -> Response {
    answer(
        request_id,
        rejection.status,
        json!({
            "RequestId": request_id,
            "HostId": HOST_ID,
            "Code": rejection.code,
            "Message": rejection.message,
            "Recommend": format!("https://api.aliyun.com/troubleshoot?q={}", rejection.code),
        }),
    )
}

/// An answer with `status` and `body` as given, not JSON-encoded, and the request ID header.
fn raw_answer(request_id: &str, status: u16, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    with_request_id(request_id, (status, body).into_response())
}

fn answer(request_id: &str, status: StatusCode, body: serde_json::Value) -> Response {
    with_request_id(request_id, (status, Json(body)).into_response())
}

fn with_request_id(request_id: &str, mut response: Response) -> Response {
    if let Ok(value) = HeaderValue::from_str(request_id) {
        response.headers_mut().insert("x-acs-request-id", value);
    }
    response
}

/// A RequestId shaped like the platform's (uppercase UUID form).
fn new_request_id() -> String {
    let id = random_id().to_ascii_uppercase();
    format!("{}-{}-{}-{}-{}", &id[0..8], &id[8..12], &id[12..16], &id[16..20], &id[20..32])
}
