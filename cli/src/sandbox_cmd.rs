//! `chatlane sandbox`: serve the CAMS emulator until the process is stopped.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use chatlane_sandbox::{Account, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Sandbox, SandboxConfig};
use clap::Args;
use tokio::net::TcpListener;

/// Examples shown by `chatlane sandbox --help`.
pub const EXAMPLES: &str = "\
Examples:
  chatlane sandbox                      # random free port, default sandbox keys
  chatlane sandbox --port 8080
  chatlane sandbox --access-key-id my-id --access-key-secret my-secret

The first line printed is `chatlane sandbox listening on http://HOST:PORT`.
Accepted messages: GET http://HOST:PORT/_sandbox/ledger (DELETE clears it).";

/// Options of `chatlane sandbox`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Port to listen on (0 picks a free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Address to bind.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,
    /// AccessKey ID the sandbox accepts.
    #[arg(long, default_value = DEFAULT_ACCESS_KEY_ID)]
    access_key_id: String,
    /// AccessKey secret the sandbox verifies signatures with.
    #[arg(long, default_value = DEFAULT_ACCESS_KEY_SECRET, hide_default_value = true)]
    access_key_secret: String,
}

/// Runs `chatlane sandbox`.
pub async fn run(args: SandboxArgs) -> ExitCode {
    let listener = match TcpListener::bind(SocketAddr::new(args.host, args.port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on {}:{}: {e}", args.host, args.port);
            return ExitCode::FAILURE;
        }
    };
    let addr = listener.local_addr().expect("a bound listener has an address");
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "chatlane sandbox listening on http://{addr}");
    let _ = writeln!(out, "access key id: {}", args.access_key_id);
    let _ = writeln!(out, "ledger: http://{addr}/_sandbox/ledger");
    let _ = out.flush();
    drop(out);
    let config = SandboxConfig {
        accounts: vec![Account { access_key_id: args.access_key_id, access_key_secret: args.access_key_secret }],
    };
    match Sandbox::serve(config, listener).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: the sandbox stopped: {e}");
            ExitCode::FAILURE
        }
    }
}
