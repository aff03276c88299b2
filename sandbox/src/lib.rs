//! A local CAMS emulator speaking the real wire contract (ACS3-signed `POST /`, the
//! gateway's and CAMS's own error answers), with a ledger of accepted messages.
//!
//! Run it in-process with [`Sandbox::start`] (Rust tests) or as `chatlane sandbox`
//! (every other language's tests and the demo). Admin endpoints live under `/_sandbox/`:
//! `GET /_sandbox/ledger` lists accepted messages, `DELETE /_sandbox/ledger` clears it.

pub mod gateway;
pub mod ledger;
pub mod send;
mod server;

use std::io;
use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use ledger::{Entry, Ledger};

/// The AccessKey ID the sandbox accepts unless configured otherwise.
pub const DEFAULT_ACCESS_KEY_ID: &str = "sandbox-access-key-id";
/// The AccessKey secret paired with [`DEFAULT_ACCESS_KEY_ID`]. Not a real credential.
pub const DEFAULT_ACCESS_KEY_SECRET: &str = "sandbox-access-key-secret";

/// An AccessKey pair the sandbox accepts.
#[derive(Clone, PartialEq, Eq)]
pub struct Account {
    /// AccessKey ID.
    pub access_key_id: String,
    /// AccessKey secret.
    pub access_key_secret: String,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account").field("access_key_id", &self.access_key_id).finish_non_exhaustive()
    }
}

/// What the sandbox accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SandboxConfig {
    /// The key pairs whose signatures verify.
    pub accounts: Vec<Account>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            accounts: vec![Account {
                access_key_id: DEFAULT_ACCESS_KEY_ID.to_owned(),
                access_key_secret: DEFAULT_ACCESS_KEY_SECRET.to_owned(),
            }],
        }
    }
}

/// A running sandbox. Dropping it stops the server.
#[derive(Debug)]
pub struct Sandbox {
    addr: SocketAddr,
    ledger: Ledger,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<io::Result<()>>,
}

impl Sandbox {
    /// Binds `addr` (port 0 picks a free one) and serves in the background on the
    /// current tokio runtime.
    pub async fn start(config: SandboxConfig, addr: SocketAddr) -> io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let ledger = Ledger::default();
        let (shutdown, stopped) = oneshot::channel();
        let app = server::router(config, ledger.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
        });
        Ok(Self { addr, ledger, shutdown: Some(shutdown), task })
    }

    /// Serves on `listener` until the process ends (the `chatlane sandbox` command).
    pub async fn serve(config: SandboxConfig, listener: TcpListener) -> io::Result<()> {
        axum::serve(listener, server::router(config, Ledger::default())).await
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The endpoint URL clients should use, e.g. `http://127.0.0.1:41234`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The ledger of accepted messages.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// Stops the server and waits until it has stopped.
    pub async fn shutdown(mut self) -> io::Result<()> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        (&mut self.task).await.unwrap_or_else(|join| Err(io::Error::other(join)))
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}
