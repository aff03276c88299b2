//! A local CAMS emulator speaking the real wire contract (ACS3-signed `POST /`, the
//! gateway's and CAMS's own error answers), with a ledger of accepted messages.
//!
//! Besides the two sends it answers `ListChatappTemplate`, `GetChatappTemplateDetail` and
//! `Create`/`Modify`/`DeleteChatappTemplate` ([`registry`], [`templates_admin`]),
//! `ListChatappMessage` ([`history`]), `QueryChatappPhoneNumbers` ([`numbers`]) and
//! `GetChatappUploadAuthorization`, whose credentials upload to a media bucket served on the
//! same port ([`oss`]).
//!
//! Run it in-process with [`Sandbox::start`] (Rust tests) or as `chatlane sandbox`
//! (every other language's tests and the demo). Admin endpoints live under `/_sandbox/`:
//! `GET /_sandbox/ledger` lists accepted messages, `GET /_sandbox/requests` every
//! authenticated request with its outcome, `POST /_sandbox/faults` injects a
//! [`FaultRule`] (`DELETE` on each clears it; push faults redeliver or hold back pushes);
//! `POST /_sandbox/inbound` simulates a user's message and `GET /_sandbox/callbacks` lists
//! the receipts and inbound messages pushed ([`callbacks`]), Meta's webhooks included.
//!
//! The same port also answers as Meta's WhatsApp Cloud API (Graph API): sends, media,
//! templates, OAuth and `debug_token`, with control endpoints under `/_sandbox/meta/`, and
//! signed webhooks to the configured `meta.webhookUrl` ([`meta`], [`meta::webhooks`]).

pub mod callbacks;
pub mod config;
pub mod faults;
pub mod gateway;
pub mod history;
pub mod ledger;
pub mod meta;
pub mod metadata;
pub mod nonces;
pub mod numbers;
pub mod oss;
pub mod page;
pub mod registry;
pub mod send;
mod server;
pub mod signature_v2;
pub mod templates;
pub mod templates_admin;
pub mod throttle;
pub mod tls;

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use config::{Account, SandboxConfig};
pub use faults::{Fault, FaultRule};
pub use ledger::{Entry, Ledger, Request};

use server::AppState;

/// The AccessKey ID the sandbox accepts unless configured otherwise.
pub const DEFAULT_ACCESS_KEY_ID: &str = "sandbox-access-key-id";
/// The AccessKey secret paired with [`DEFAULT_ACCESS_KEY_ID`]. Not a real credential.
pub const DEFAULT_ACCESS_KEY_SECRET: &str = "sandbox-access-key-secret";

/// A running sandbox. Dropping it stops the server.
pub struct Sandbox {
    addr: SocketAddr,
    state: Arc<AppState>,
    stop: watch::Sender<bool>,
    task: JoinHandle<io::Result<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Binds `addr` (port 0 picks a free one) and serves in the background on the
    /// current tokio runtime.
    pub async fn start(config: SandboxConfig, addr: SocketAddr) -> io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (stop, stopping) = watch::channel(false);
        let state = Arc::new(AppState::new(config, "http", stopping.clone()));
        let app = server::router(Arc::clone(&state));
        let task = tokio::spawn(async move {
            let mut stopping = stopping;
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopping.wait_for(|stop| *stop).await;
                })
                .await
        });
        Ok(Self { addr, state, stop, task })
    }

    /// Serves on `listener` (a `TcpListener`, or a [`tls::TlsListener`]) until the process
    /// ends (the `chatlane sandbox` command).
    pub async fn serve<L>(config: SandboxConfig, listener: L) -> io::Result<()>
    where
        L: tls::Transport,
        L::Addr: std::fmt::Debug,
    {
        let (_never_stops, stopping) = watch::channel(false);
        axum::serve(listener, server::router(Arc::new(AppState::new(config, L::SCHEME, stopping)))).await
    }

    /// The endpoint URL clients should use, e.g. `http://127.0.0.1:41234`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The ledger of accepted messages.
    pub fn ledger(&self) -> &Ledger {
        &self.state.ledger
    }

    /// A user's consent in Meta's login dialog at `url` (what a browser would show and the
    /// user approve): the URL the dialog redirects to, with a fresh code and the `state`; or
    /// why the dialog refuses, as Meta's error message.
    pub fn consent(&self, url: &str) -> Result<String, String> {
        let query = url.split_once('?').map(|(_, query)| query);
        meta::oauth::approve(&self.state, query).map_err(|error| error.message)
    }

    /// The ledger of messages Meta's face accepted.
    pub fn meta_ledger(&self) -> &Ledger<meta::Sent> {
        &self.state.meta.ledger
    }

    /// Every authenticated request so far, accepted or not.
    pub fn requests(&self) -> Vec<Request> {
        self.state.journal.requests()
    }

    /// How many credentials the emulated ECS metadata service issued ([`metadata`]).
    pub fn issued_credentials(&self) -> u64 {
        self.state.issued.count()
    }

    /// Adds a fault rule (see [`FaultRule`]).
    pub fn inject(&self, rule: FaultRule) {
        self.state.faults.add(rule);
    }

    /// Stops the server (hanging requests are dropped) and waits until it has stopped.
    pub async fn shutdown(mut self) -> io::Result<()> {
        let _ = self.stop.send(true);
        (&mut self.task).await.unwrap_or_else(|join| Err(io::Error::other(join)))
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
