//! HTTP routing: the gateway on `POST /`, Meta's Graph API face ([`crate::meta`]), admin
//! endpoints under `/_sandbox/`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::header::{self, HOST};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chatlane_core::random_id;
use serde::Serialize;
use serde_json::json;
use tokio::sync::watch;

use crate::SandboxConfig;
use crate::callbacks::{self, Delivery, Outgoing, Push, Pusher, Sessions, epoch_ms};
use crate::faults::{self, Api, Face, FaultRule, Faults, dropped_connection};
use crate::gateway::{self, Authenticated, Rejection};
use crate::history::{self, History};
use crate::ledger::{Entry, Journal, Ledger, Request};
use crate::meta::{self, MetaState};
use crate::metadata::{self, Issued};
use crate::nonces::Nonces;
use crate::oss::{self, Uploads};
use crate::send::{self, Refusal};
use crate::templates::Templates;
use crate::throttle::Throttle;
use crate::{numbers, registry, templates_admin};

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
    /// Meta's face: tokens, OAuth grants, pacing and its ledger.
    pub meta: MetaState,
    /// The template registry, seeded from the configuration.
    pub templates: Templates,
    /// What `ListChatappMessage` answers from.
    pub history: History,
    /// Upload credentials and the media bucket.
    pub uploads: Uploads,
    /// `http`, or `https` when serving TLS: the scheme of the URLs the sandbox hands out.
    scheme: &'static str,
    nonces: Nonces,
    throttle: Throttle,
    sessions: Sessions,
    pusher: Pusher,
    started: Instant,
    pub(crate) stopping: watch::Receiver<bool>,
}

impl AppState {
    /// State for a sandbox reached at `scheme` (`http` or `https`) that stops hanging
    /// requests once `stopping` turns true.
    pub fn new(config: SandboxConfig, scheme: &'static str, stopping: watch::Receiver<bool>) -> Self {
        Self {
            scheme,
            meta: MetaState::new(&config.meta),
            templates: Templates::new(
                &config.templates,
                Duration::from_millis(config.template_review_ms.unwrap_or(1000)),
            ),
            history: History::default(),
            uploads: Uploads::default(),
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

    /// The sandbox's own URL as a request with these headers reached it: the scheme it
    /// serves and the `Host` header (default `127.0.0.1`), e.g. `http://127.0.0.1:41234`.
    pub(crate) fn base_url(&self, headers: &HeaderMap) -> String {
        format!("{}://{}", self.scheme, request_host(headers))
    }

    /// Microseconds since the sandbox started.
    pub(crate) fn elapsed_us(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_micros()).unwrap_or(u64::MAX)
    }

    /// Makes a push of `api`'s face about user `to`, as the push faults say.
    pub(crate) async fn push(&self, api: Api, to: &str, outgoing: Outgoing<'_>) {
        let plan = self.faults.take_push(api, to);
        self.pusher.push(outgoing, plan).await;
    }

    /// How long to wait before each status receipt or webhook of a message.
    pub(crate) fn receipt_delay(&self) -> Duration {
        Duration::from_millis(self.config.receipt_delay_ms.unwrap_or(50))
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
        .merge(oss::routes())
        .merge(meta::routes())
        .layer(middleware::from_fn_with_state(Arc::clone(&state), drop_before_read))
        .with_state(state)
}

/// The `Host` a request names, default `127.0.0.1`.
fn request_host(headers: &HeaderMap) -> &str {
    headers.get(HOST).and_then(|host| host.to_str().ok()).unwrap_or("127.0.0.1")
}

/// Drops the connection before the body is read when a `drop_before_read` fault matches.
async fn drop_before_read(State(state): State<Arc<AppState>>, request: axum::extract::Request, next: Next) -> Response {
    let api = match request.uri().path() {
        _ if request.method() != axum::http::Method::POST => None,
        "/" => Some(Api::Cams),
        path if meta::is_messages_path(path) => Some(Api::Meta),
        _ => None,
    };
    // Meta's recipient is in the body, unread here.
    let to = (api == Some(Api::Cams))
        .then(|| request.uri().query())
        .flatten()
        .and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "To").map(|(_, v)| v.into_owned()));
    if let Some(api) = api
        && state.faults.take_before_read(api, to.as_deref())
    {
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
    let host = request_host(&headers).to_owned();
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
    let fault = state.faults.take(Api::Cams, to.as_deref());
    let face = Gateway(&request_id);
    faults::answer(fault, &face, state.stopping.clone(), journal, || {
        let (response, outcome) = process(&state, request, &request_id, received_at_us, &host);
        (response, outcome.to_owned())
    })
    .await
}

/// The gateway's words for injected faults, in answers carrying this `RequestId`.
struct Gateway<'a>(&'a str);

impl Face for Gateway<'_> {
    fn throttled(&self, retry_after_ms: u64) -> (Response, String) {
        (throttled(self.0, retry_after_ms), "Throttling.User".to_owned())
    }

    fn error(&self, status: StatusCode, code: Option<&str>, message: Option<&str>) -> Response {
        let message = message.map_or_else(
            || format!("injected {}", code.map_or_else(|| format!("HTTP {}", status.as_u16()), str::to_owned)),
            str::to_owned,
        );
        let mut body = json!({"RequestId": self.0, "HostId": HOST_ID, "Message": message});
        if let Some(code) = code {
            body["Code"] = json!(code);
        }
        answer(self.0, status, body)
    }

    fn malformed(&self) -> Response {
        raw_answer(self.0, StatusCode::OK, "{\"RequestId\": \"broken".to_owned())
    }

    fn raw(&self, status: StatusCode, body: String) -> Response {
        raw_answer(self.0, status, body)
    }
}

/// The business answer to an authenticated request, and its platform code for the journal;
/// `host` is where the request reached the sandbox.
fn process(
    state: &Arc<AppState>,
    request: Authenticated,
    request_id: &str,
    received_at_us: u64,
    host: &str,
) -> (Response, &'static str) {
    let params = &request.params;
    let (checked, id_field) = match request.action.as_str() {
        "SendChatappMessage" => (send::check(params), "MessageId"),
        "SendChatappMassMessage" => (send::check_mass(params), "GroupMessageId"),
        "ListChatappTemplate" => return reply(request_id, registry::list(&state.templates.lock(), params)),
        "GetChatappTemplateDetail" => return reply(request_id, registry::detail(&state.templates.lock(), params)),
        "CreateChatappTemplate" => return reply(request_id, templates_admin::create(&state.templates, params)),
        "ModifyChatappTemplate" => return reply(request_id, templates_admin::modify(&state.templates, params)),
        "DeleteChatappTemplate" => return reply(request_id, templates_admin::delete(&state.templates, params)),
        "ListChatappMessage" => return reply(request_id, state.history.list(&state.config, params)),
        "QueryChatappPhoneNumbers" => return reply(request_id, numbers::query(&state.config, params)),
        "GetChatappUploadAuthorization" => {
            return reply(request_id, state.uploads.authorize(&state.config, params, host));
        }
        other => {
            let rejection = Rejection {
                status: StatusCode::NOT_FOUND,
                code: "InvalidAction.NotFound",
                message: format!("Specified api {other:?} is not found, please check your url and method."),
            };
            return (error_answer(request_id, rejection), "InvalidAction.NotFound");
        }
    };
    let catalog = state.templates.lock();
    if let Err(refusal) = checked.and_then(|()| registry::check_send(&state.config, &catalog, params)) {
        return refusal_answer(request_id, refusal);
    }
    let message_id = random_id();
    let deliveries = callbacks::deliveries(params, &message_id, &state.sessions, random_id);
    state.history.add(history::sends(params, &message_id, &deliveries, &catalog, epoch_ms()));
    drop(catalog);
    let body = json!({"RequestId": request_id, "Code": "OK", "Message": "OK", id_field: message_id});
    schedule_receipts(Arc::clone(state), params.clone(), deliveries);
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

/// Plays the status receipts of an accepted request's deliveries: each moves its message on
/// in the history and is pushed to the status callback, if any.
fn schedule_receipts(state: Arc<AppState>, params: BTreeMap<String, String>, deliveries: Vec<Delivery>) {
    let url = callbacks::status_url(&state.config, &params).map(str::to_owned);
    tokio::spawn(async move {
        for delivery in deliveries {
            for receipt in callbacks::receipts(&params, &delivery) {
                tokio::time::sleep(state.receipt_delay()).await;
                state.history.advance(&delivery.message_id, &receipt);
                if let Some(url) = &url {
                    state.push(Api::Cams, &delivery.to, Outgoing::cams("status", url, receipt)).await;
                }
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
    state.history.add([history::inbound(&message_id, &inbound.from, &inbound.to, &inbound.text, epoch_ms())]);
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
        state.push(Api::Cams, &inbound.from, Outgoing::cams("inbound", &url, item)).await;
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
/// The answer to an operation: its body with the platform's `RequestId`, `Code` and `Message`
/// (written straight from `body`, so a history page never goes through a JSON tree), or its
/// refusal; and the platform code for the journal.
fn reply(request_id: &str, body: Result<impl Serialize, Refusal>) -> (Response, &'static str) {
    /// An accepted operation's answer.
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Accepted<'a, T> {
        #[serde(flatten)]
        body: T,
        request_id: &'a str,
        code: &'static str,
        message: &'static str,
    }
    match body {
        Ok(body) => {
            let answer = Accepted { body, request_id, code: "OK", message: "OK" };
            let text = serde_json::to_string(&answer).expect("an answer serialises");
            let mut response = raw_answer(request_id, StatusCode::OK, text);
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            (response, "OK")
        }
        Err(refusal) => refusal_answer(request_id, refusal),
    }
}

fn raw_answer(request_id: &str, status: StatusCode, body: String) -> Response {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_take_the_scheme_served_and_the_host_asked() {
        let (_stop, stopping) = watch::channel(false);
        let state = AppState::new(SandboxConfig::default(), "https", stopping);
        let headers = HeaderMap::from_iter([(HOST, HeaderValue::from_static("localhost:8443"))]);
        assert_eq!(state.base_url(&headers), "https://localhost:8443");
        assert_eq!(state.base_url(&HeaderMap::new()), "https://127.0.0.1");
    }
}
