//! `chatlane webhook`: a standalone receiver for CAMS pushes and Meta's webhook. Each new
//! event is recorded in an SQLite store, printed on stdout as one JSON line, then committed;
//! redeliveries are recorded once and printed once. The receiver prunes the store (committed
//! events older than `DEDUP_TTL_MS`, 8 days) at most once an hour.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use chatlane_core::Secret;
use chatlane_core::receive::{Endpoint, Receiver, ReceiverConfig, WebhookRequest};
use chatlane_core::store::SqliteStore;
use clap::Args;
use tokio::net::TcpListener;

/// Examples shown by `chatlane webhook --help`.
pub const EXAMPLES: &str = "\
Examples:
  chatlane webhook --port 8080 --cams-token s3cret        # CAMS push URLs end in ?token=s3cret
  WHATSAPP_APP_SECRET=… WHATSAPP_VERIFY_TOKEN=… chatlane webhook --port 8080
  chatlane webhook --port 8080 --cams-allow-ip 47.74.0.0/16 --store /var/lib/chatlane/events.db

URLs: POST /cams/status (StatusCallbackUrl), POST /cams/inbound (UpCallbackUrl),
GET and POST /meta (Meta's callback URL). The first line printed on stderr is
`chatlane webhook listening on http://HOST:PORT`; each new event is one JSON line on stdout.
CAMS pushes carry no signature: give --cams-token (and put it in the push URLs) and/or
--cams-allow-ip, or accept anything with --cams-unauthenticated.";

/// Options of `chatlane webhook`.
#[derive(Debug, Args)]
pub struct WebhookArgs {
    /// Port to listen on (0 picks a free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Address to bind.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,
    /// The SQLite file events are recorded in (created if missing); redeliveries are
    /// recognised across restarts. Printed events first seen over 8 days ago are pruned, at
    /// most once an hour, so it does not grow forever.
    #[arg(long, value_name = "FILE", default_value = "chatlane-events.db")]
    store: PathBuf,
    /// Meta: the app secret notifications are signed with.
    #[arg(long, env = "WHATSAPP_APP_SECRET", hide_env_values = true)]
    meta_app_secret: Option<String>,
    /// Meta: the verify token given when subscribing the webhook.
    #[arg(long, env = "WHATSAPP_VERIFY_TOKEN", hide_env_values = true)]
    meta_verify_token: Option<String>,
    /// CAMS: the shared secret the push URLs carry as `?token=`.
    #[arg(long, env = "CHATLANE_CAMS_PUSH_TOKEN", hide_env_values = true)]
    cams_token: Option<String>,
    /// CAMS: a network (or address) pushes may come from; repeat for several.
    #[arg(long = "cams-allow-ip", value_name = "CIDR")]
    cams_allowed_ips: Vec<String>,
    /// CAMS: accept pushes with neither token nor allow-list (anyone could forge receipts).
    #[arg(long)]
    cams_unauthenticated: bool,
}

/// Runs `chatlane webhook` until the process is stopped.
pub async fn run(args: WebhookArgs) -> ExitCode {
    let receiver = match receiver(&args) {
        Ok(receiver) => Arc::new(receiver),
        Err(why) => {
            eprintln!("error: {why}");
            return ExitCode::from(2);
        }
    };
    let listener = match TcpListener::bind(SocketAddr::new(args.host, args.port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on {}:{}: {e}", args.host, args.port);
            return ExitCode::FAILURE;
        }
    };
    let addr = listener.local_addr().expect("a bound listener has an address");
    eprintln!("chatlane webhook listening on http://{addr}");
    eprintln!("store: {}", args.store.display());
    let app = Router::new().route("/{*path}", any(handle)).with_state(receiver);
    match axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: the receiver stopped: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The receiver the options describe, with its store opened.
fn receiver(args: &WebhookArgs) -> Result<Receiver, String> {
    let config = ReceiverConfig {
        meta_app_secret: args.meta_app_secret.clone().map(Secret::new),
        meta_verify_token: args.meta_verify_token.clone().map(Secret::new),
        cams_token: args.cams_token.clone().map(Secret::new),
        cams_allowed_ips: ReceiverConfig::parse_allowed_ips(&args.cams_allowed_ips).map_err(|e| e.to_string())?,
        cams_unauthenticated: args.cams_unauthenticated,
        ..ReceiverConfig::default()
    };
    let store = SqliteStore::open(&args.store).map_err(|e| e.to_string())?;
    Ok(Receiver::new(config).map_err(|e| e.to_string())?.with_store(Arc::new(store)))
}

/// One request: the path names the endpoint; new events go to stdout, then are committed.
async fn handle(
    State(receiver): State<Arc<Receiver>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(path): Path<String>,
    method: Method,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let endpoint = match path.as_str() {
        "cams/status" => Endpoint::CamsStatus,
        "cams/inbound" => Endpoint::CamsInbound,
        "meta" => Endpoint::Meta,
        _ => return (StatusCode::NOT_FOUND, "use /cams/status, /cams/inbound or /meta\n").into_response(),
    };
    let headers: Vec<(String, String)> = headers
        .iter()
        .filter_map(|(name, value)| Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned())))
        .collect();
    let query = query.unwrap_or_default();
    let request = WebhookRequest {
        method: method.as_str(),
        query: &query,
        headers: &headers,
        body: &body,
        remote_addr: Some(peer.ip()),
    };
    let receiver = Arc::clone(&receiver);
    let (reply, printed) = tokio::task::block_in_place(|| {
        let reply = receiver.handle(endpoint, &request);
        let printed = print_and_commit(&receiver, &reply.events);
        (reply, printed)
    });
    if let Some(error) = &reply.error {
        eprintln!("{} /{path}: {}: {}", reply.status, error.code(), error.message());
    }
    if let Err(why) = printed {
        eprintln!("error: {why}");
    }
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CONTENT_TYPE, reply.content_type)], reply.body).into_response()
}

/// Prints each event as one JSON line, then commits them: an event whose line was not
/// written stays claimed and comes back through the store.
fn print_and_commit(receiver: &Receiver, events: &[chatlane_core::events::Event]) -> Result<(), String> {
    if events.is_empty() {
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    for event in events {
        let line = serde_json::to_string(event).map_err(|e| format!("cannot print an event: {e}"))?;
        writeln!(out, "{line}").map_err(|e| format!("cannot write to stdout: {e}"))?;
    }
    out.flush().map_err(|e| format!("cannot write to stdout: {e}"))?;
    let keys: Vec<String> = events.iter().map(chatlane_core::events::Event::dedup_key).collect();
    receiver.commit(&keys).map_err(|e| e.to_string())
}
