//! `chatlane sandbox`: serve the CAMS emulator until the process is stopped.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use chatlane_sandbox::tls::TlsIdentity;
use chatlane_sandbox::{Account, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Sandbox, SandboxConfig};
use clap::Args;
use tokio::net::TcpListener;

/// Examples shown by `chatlane sandbox --help`.
pub const EXAMPLES: &str = "\
Examples:
  chatlane sandbox                      # random free port, default sandbox keys
  chatlane sandbox --port 8080
  chatlane sandbox --access-key-id my-id --access-key-secret my-secret
  chatlane sandbox --config sandbox.json     # accounts, numbers, templates, callbacks, limits
  chatlane sandbox --tls --ca-out ca.pem     # https with a throwaway CA: trust ca.pem

The first line printed is `chatlane sandbox listening on http://HOST:PORT` (https with --tls).
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
    /// Configuration file (JSON): accounts, channel instances with business numbers and
    /// callback URLs, the template registry, QPS limits. See the sandbox's README section.
    #[arg(long, value_name = "FILE")]
    config: Option<std::path::PathBuf>,
    /// AccessKey ID the sandbox accepts, instead of the configured accounts (the secret
    /// defaults to the sandbox's own).
    #[arg(long)]
    access_key_id: Option<String>,
    /// AccessKey secret the sandbox verifies signatures with (the ID defaults to the
    /// sandbox's own).
    #[arg(long)]
    access_key_secret: Option<String>,
    /// Serve HTTPS with a certificate for localhost, 127.0.0.1 and ::1, signed by a CA
    /// generated at start (clients trust it with the `ca_certificates` option).
    #[arg(long)]
    tls: bool,
    /// With --tls: write the CA's certificate (PEM) to FILE (default: a file in the
    /// temporary directory, named on the second line printed).
    #[arg(long, value_name = "FILE", requires = "tls")]
    ca_out: Option<std::path::PathBuf>,
}

/// Runs `chatlane sandbox`.
pub async fn run(args: SandboxArgs) -> ExitCode {
    let mut config = match &args.config {
        Some(path) => {
            match std::fs::read_to_string(path).map_err(|e| e.to_string()).and_then(|t| SandboxConfig::parse(&t)) {
                Ok(config) => config,
                Err(why) => {
                    eprintln!("error: {}: {why}", path.display());
                    return ExitCode::from(2);
                }
            }
        }
        None => SandboxConfig::default(),
    };
    if args.access_key_id.is_some() || args.access_key_secret.is_some() {
        config.accounts = vec![Account::new(
            args.access_key_id.unwrap_or_else(|| DEFAULT_ACCESS_KEY_ID.to_owned()),
            args.access_key_secret.unwrap_or_else(|| DEFAULT_ACCESS_KEY_SECRET.to_owned()),
        )];
    }
    let listener = match TcpListener::bind(SocketAddr::new(args.host, args.port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on {}:{}: {e}", args.host, args.port);
            return ExitCode::FAILURE;
        }
    };
    let addr = listener.local_addr().expect("a bound listener has an address");
    let identity = match args.tls.then(TlsIdentity::generate).transpose() {
        Ok(identity) => identity,
        Err(e) => {
            eprintln!("error: cannot generate the TLS certificates: {e}");
            return ExitCode::FAILURE;
        }
    };
    // The CA file is written before the first line is printed: whoever waits for that line
    // may read the file at once.
    let ca_file = match &identity {
        Some(identity) => {
            let default = || std::env::temp_dir().join(format!("chatlane-sandbox-ca-{}.pem", std::process::id()));
            let path = args.ca_out.clone().unwrap_or_else(default);
            if let Err(e) = std::fs::write(&path, &identity.ca_pem) {
                eprintln!("error: cannot write the CA certificate to {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
            Some(path)
        }
        None => None,
    };
    let scheme = if identity.is_some() { "https" } else { "http" };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "chatlane sandbox listening on {scheme}://{addr}");
    if let Some(path) = &ca_file {
        let _ = writeln!(out, "ca certificate: {}", path.display());
    }
    let ids: Vec<&str> = config.accounts.iter().map(|a| a.access_key_id.as_str()).collect();
    let _ = writeln!(out, "access key id: {}", ids.join(", "));
    let _ = writeln!(out, "ledger: {scheme}://{addr}/_sandbox/ledger");
    let _ = out.flush();
    drop(out);
    let served = match identity {
        Some(identity) => Sandbox::serve(config, identity.listener(listener)).await,
        None => Sandbox::serve(config, listener).await,
    };
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: the sandbox stopped: {e}");
            ExitCode::FAILURE
        }
    }
}
