//! HTTP routing: the gateway on `POST /`, admin endpoints under `/_sandbox/`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rand::RngCore;
use serde_json::json;

use crate::SandboxConfig;
use crate::gateway::{self, Rejection};
use crate::ledger::{Entry, Ledger};
use crate::send::{self, Refusal};

/// The host the sandbox names in `HostId`.
const HOST_ID: &str = "cams.sandbox.chatlane.local";

struct AppState {
    config: SandboxConfig,
    ledger: Ledger,
}

/// The sandbox's routes.
pub fn router(config: SandboxConfig, ledger: Ledger) -> Router {
    Router::new()
        .route("/", post(gateway_request))
        .route("/_sandbox/ledger", get(read_ledger).delete(clear_ledger))
        .route("/_sandbox/health", get(|| async { "ok" }))
        .with_state(Arc::new(AppState { config, ledger }))
}

async fn gateway_request(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request_id = new_request_id();
    let request = match gateway::authenticate(&state.config.accounts, query.as_deref(), &headers, &body) {
        Ok(request) => request,
        Err(rejection) => return error_answer(&request_id, rejection),
    };
    match request.action.as_str() {
        "SendChatappMessage" => match send::check(&request.params) {
            Ok(()) => {
                let message_id = hex_id();
                state.ledger.record(Entry {
                    action: request.action,
                    message_id: message_id.clone(),
                    request_id: request_id.clone(),
                    access_key_id: request.access_key_id,
                    params: request.params,
                });
                answer(
                    &request_id,
                    StatusCode::OK,
                    json!({
                        "RequestId": request_id, "Code": "OK", "Message": "OK", "MessageId": message_id,
                    }),
                )
            }
            Err(Refusal::Missing(name)) => error_answer(
                &request_id,
                Rejection {
                    status: StatusCode::BAD_REQUEST,
                    code: "MissingParameter",
                    message: format!(
                        "The input parameter \"{name}\" that is mandatory for processing this request is not supplied."
                    ),
                },
            ),
            Err(Refusal::Business(code, message)) => {
                answer(&request_id, StatusCode::OK, json!({"RequestId": request_id, "Code": code, "Message": message}))
            }
        },
        other => error_answer(
            &request_id,
            Rejection {
                status: StatusCode::NOT_FOUND,
                code: "InvalidAction.NotFound",
                message: format!("Specified api {other:?} is not found, please check your url and method."),
            },
        ),
    }
}

async fn read_ledger(State(state): State<Arc<AppState>>) -> Json<Vec<Entry>> {
    Json(state.ledger.entries())
}

async fn clear_ledger(State(state): State<Arc<AppState>>) -> StatusCode {
    state.ledger.clear();
    StatusCode::NO_CONTENT
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

fn answer(request_id: &str, status: StatusCode, body: serde_json::Value) -> Response {
    let mut response = (status, Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(request_id) {
        response.headers_mut().insert("x-acs-request-id", value);
    }
    response
}

/// A RequestId shaped like the platform's (uppercase UUID form).
fn new_request_id() -> String {
    let id = hex_id().to_ascii_uppercase();
    format!("{}-{}-{}-{}-{}", &id[0..8], &id[8..12], &id[12..16], &id[16..20], &id[20..32])
}

/// 32 random lowercase hex characters.
fn hex_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}
