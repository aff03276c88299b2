//! An ECS instance metadata service, so clients configured with a RAM role
//! (`ecs_ram_role`, `ecs_metadata_endpoint`) can be tried without an ECS instance:
//! `PUT /latest/api/token`, `GET /latest/meta-data/ram/security-credentials/` (the role's
//! name) and `GET …/security-credentials/<role>`, which issues STS credentials for the
//! sandbox's first account, valid for the configured lifetime. `GET /_sandbox/ram-role`
//! counts the credentials issued.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use chatlane_core::random_id;
use serde::Deserialize;
use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::server::AppState;

/// The RAM role the sandbox's instance has.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RamRole {
    /// The role's name (default `chatlane-sandbox-role`).
    #[serde(default = "default_name")]
    pub name: String,
    /// How long issued credentials stay valid, in seconds (default 3,600).
    #[serde(default = "default_lifetime")]
    pub lifetime_seconds: u64,
}

impl Default for RamRole {
    fn default() -> Self {
        Self { name: default_name(), lifetime_seconds: default_lifetime() }
    }
}

fn default_name() -> String {
    "chatlane-sandbox-role".to_owned()
}

fn default_lifetime() -> u64 {
    3_600
}

/// How many credentials the metadata service issued.
#[derive(Debug, Default)]
pub struct Issued(AtomicU64);

impl Issued {
    /// The count so far.
    pub fn count(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// The metadata service's routes.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/latest/api/token", put(|| async { random_id() }))
        .route("/latest/meta-data/ram/security-credentials/", get(role_name))
        .route("/latest/meta-data/ram/security-credentials/{role}", get(credentials))
        .route("/_sandbox/ram-role", get(issued))
}

async fn role_name(State(state): State<Arc<AppState>>) -> String {
    state.config.ram_role.name.clone()
}

async fn credentials(State(state): State<Arc<AppState>>, Path(role): Path<String>) -> Response {
    let (Some(account), true) = (state.config.accounts.first(), role == state.config.ram_role.name) else {
        return (StatusCode::NOT_FOUND, "no such role").into_response();
    };
    state.issued.0.fetch_add(1, Ordering::SeqCst);
    let now = OffsetDateTime::now_utc();
    let expiration = now + Duration::from_secs(state.config.ram_role.lifetime_seconds);
    let format = |t: OffsetDateTime| t.format(&Rfc3339).unwrap_or_default();
    Json(json!({
        "AccessKeyId": account.access_key_id,
        "AccessKeySecret": account.access_key_secret,
        "SecurityToken": format!("sandbox-sts-{}", random_id()),
        "Expiration": format(expiration),
        "LastUpdated": format(now),
        "Code": "Success",
    }))
    .into_response()
}

async fn issued(State(state): State<Arc<AppState>>) -> Json<serde_json::Value> {
    Json(json!({ "role": state.config.ram_role.name, "issued": state.issued.count() }))
}
