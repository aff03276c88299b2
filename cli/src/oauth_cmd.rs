//! `chatlane oauth`: Meta's authorization-code flow from a shell — the dialog URL, the code
//! exchange, the long-lived exchange, and what Meta says about a token.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use chatlane_core::oauth::{AccessToken, MetaApp, MetaAppOptions, PendingAuthorization, TokenInfo};
use chatlane_core::{Error, ErrorCode};
use chatlane_sandbox::meta::{DEFAULT_APP_ID, DEFAULT_APP_SECRET, MESSAGING_SCOPE};
use chatlane_sandbox::{Sandbox, SandboxConfig};
use clap::{Args, Subcommand};
use serde_json::json;
use time::format_description::well_known::Rfc3339;

use crate::connection::failed;

/// Examples shown by `chatlane oauth --help`.
pub const EXAMPLES: &str = "\
Examples:
  chatlane oauth exchange --sandbox                 # the whole flow against an embedded sandbox
  chatlane oauth url --redirect-uri https://app.example/cb --state-file pending.json
  chatlane oauth exchange --callback 'code=…&state=…' --state-file pending.json
  chatlane oauth exchange --code AQD…               # a code from the JS SDK popup (no redirect)
  chatlane oauth inspect                            # debug_token of $WHATSAPP_ACCESS_TOKEN

The app: --app-id/--app-secret or META_APP_ID/META_APP_SECRET. Tokens are printed as JSON on
standard output (that is what the command is for); store them as secrets.";

/// Options of `chatlane oauth`.
#[derive(Debug, Args)]
pub struct OAuthArgs {
    #[command(subcommand)]
    step: Step,
    #[command(flatten)]
    app: AppArgs,
}

/// The app and where Meta is.
#[derive(Debug, Args)]
struct AppArgs {
    /// The Meta app's ID.
    #[arg(long, env = "META_APP_ID", global = true, conflicts_with = "sandbox")]
    app_id: Option<String>,
    /// The Meta app's secret (keep it on a backend, never in a mobile app).
    #[arg(long, env = "META_APP_SECRET", hide_env_values = true, global = true, conflicts_with = "sandbox")]
    app_secret: Option<String>,
    /// Meta's hosts (Graph API and login dialog) at this URL instead, e.g. a running
    /// `chatlane sandbox`.
    #[arg(long, value_name = "URL", global = true, conflicts_with = "sandbox")]
    endpoint: Option<String>,
    /// The Graph API version, e.g. v25.0 (default: the version chatlane pins).
    #[arg(long, value_name = "VERSION", global = true)]
    graph_version: Option<String>,
    /// Use an embedded sandbox and its app: `exchange` then runs the whole flow (dialog,
    /// consent, callback, exchange) on its own.
    #[arg(long, global = true)]
    sandbox: bool,
}

#[derive(Debug, Subcommand)]
enum Step {
    /// Print the login dialog URL to send the user to, and keep what the callback must match.
    Url {
        /// Where the dialog sends the user back (registered with the app).
        #[arg(long)]
        redirect_uri: String,
        /// A scope to ask for (repeatable; default: whatsapp_business_messaging).
        #[arg(long = "scope")]
        scopes: Vec<String>,
        /// Where to write the pending authorization (state, PKCE verifier): keep it private.
        #[arg(long, value_name = "FILE")]
        state_file: PathBuf,
    },
    /// Exchange an authorization code for a token.
    Exchange {
        /// The callback's query string (`code=…&state=…`), checked against --state-file.
        #[arg(long, requires = "state_file", conflicts_with = "code")]
        callback: Option<String>,
        /// The file `chatlane oauth url` wrote.
        #[arg(long, value_name = "FILE")]
        state_file: Option<PathBuf>,
        /// A code obtained without a redirect (Embedded Signup's popup).
        #[arg(long)]
        code: Option<String>,
        /// Also exchange the token for a long-lived one (about 60 days).
        #[arg(long)]
        long_lived: bool,
    },
    /// What Meta says about a token (debug_token): validity, expiry, scopes.
    Inspect {
        /// The token (default: $WHATSAPP_ACCESS_TOKEN).
        #[arg(long, env = "WHATSAPP_ACCESS_TOKEN", hide_env_values = true)]
        token: Option<String>,
    },
}

/// Runs `chatlane oauth`.
pub async fn run(args: OAuthArgs) -> ExitCode {
    match step(args).await {
        Ok(output) => {
            println!("{output}");
            ExitCode::SUCCESS
        }
        Err(error) => failed(&error),
    }
}

async fn step(args: OAuthArgs) -> Result<serde_json::Value, Error> {
    let sandbox = if args.app.sandbox { Some(embedded().await?) } else { None };
    let app = args.app.app(sandbox.as_ref())?;
    match args.step {
        Step::Url { redirect_uri, scopes, state_file } => {
            let (url, pending) = app.authorization_url(&redirect_uri, &scope_list(&scopes))?;
            std::fs::write(&state_file, pending.to_json()).map_err(|e| {
                Error::new(ErrorCode::InvalidConfig, format!("cannot write {}: {e}", state_file.display()))
            })?;
            Ok(json!({"url": url, "stateFile": state_file}))
        }
        Step::Exchange { callback, state_file, code, long_lived } => {
            let token = match (callback, state_file, code, &sandbox) {
                (Some(callback), Some(state_file), None, _) => {
                    app.exchange_callback(&pending(&state_file)?, &callback).await?
                }
                (None, _, Some(code), _) => app.exchange_code(&code).await?,
                (None, _, None, Some(sandbox)) => consent_in(sandbox, &app).await?,
                _ => return Err(invalid("give --callback with --state-file, or --code (or --sandbox)")),
            };
            let token = if long_lived { app.long_lived(token.token.expose()).await? } else { token };
            Ok(token_json(&token))
        }
        Step::Inspect { token } => {
            let token = match (token, &sandbox) {
                (Some(token), _) => token,
                (None, Some(_)) => chatlane_sandbox::meta::DEFAULT_TOKEN.to_owned(),
                (None, None) => return Err(invalid("give --token or set WHATSAPP_ACCESS_TOKEN")),
            };
            Ok(info_json(&app.inspect(&token).await?))
        }
    }
}

impl AppArgs {
    /// The app these flags name (the sandbox's with `--sandbox`).
    fn app(&self, sandbox: Option<&Sandbox>) -> Result<MetaApp, Error> {
        let (app_id, app_secret, endpoint) = match sandbox {
            Some(sandbox) => (DEFAULT_APP_ID.to_owned(), DEFAULT_APP_SECRET.to_owned(), Some(sandbox.endpoint())),
            None => (
                self.app_id.clone().ok_or_else(|| invalid("give --app-id or set META_APP_ID"))?,
                self.app_secret.clone().ok_or_else(|| invalid("give --app-secret or set META_APP_SECRET"))?,
                self.endpoint.clone(),
            ),
        };
        let options = MetaAppOptions {
            graph_url: endpoint.clone(),
            dialog_url: endpoint,
            graph_version: self.graph_version.clone(),
        };
        MetaApp::new(&app_id, &app_secret, options)
    }
}

/// The sandbox's consent for `app`: its dialog approves at once and redirects with a code,
/// which is exchanged as a backend would.
async fn consent_in(sandbox: &Sandbox, app: &MetaApp) -> Result<AccessToken, Error> {
    let redirect = "https://app.example/callback";
    let (url, pending) = app.authorization_url(redirect, &[MESSAGING_SCOPE])?;
    let location = sandbox
        .consent(&url)
        .map_err(|why| Error::new(ErrorCode::Rejected, format!("the sandbox's dialog refused: {why}")))?;
    let query = location.split_once('?').map(|(_, query)| query).unwrap_or_default();
    app.exchange_callback(&pending, query).await
}

async fn embedded() -> Result<Sandbox, Error> {
    Sandbox::start(SandboxConfig::default(), SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await
        .map_err(|e| Error::new(ErrorCode::InvalidConfig, format!("cannot start the embedded sandbox: {e}")))
}

fn pending(path: &std::path::Path) -> Result<PendingAuthorization, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::new(ErrorCode::InvalidConfig, format!("cannot read {}: {e}", path.display())))?;
    PendingAuthorization::from_json(&text)
}

fn scope_list(scopes: &[String]) -> Vec<&str> {
    if scopes.is_empty() { vec![MESSAGING_SCOPE] } else { scopes.iter().map(String::as_str).collect() }
}

fn token_json(token: &AccessToken) -> serde_json::Value {
    json!({
        "accessToken": token.token.expose(),
        "expiresAt": token.expires_at.and_then(|at| at.format(&Rfc3339).ok()),
        "scopes": token.scopes,
    })
}

fn info_json(info: &TokenInfo) -> serde_json::Value {
    let at = |t: Option<time::OffsetDateTime>| t.and_then(|t| t.format(&Rfc3339).ok());
    json!({
        "isValid": info.is_valid,
        "appId": info.app_id,
        "type": info.kind,
        "userId": info.user_id,
        "issuedAt": at(info.issued_at),
        "expiresAt": at(info.expires_at),
        "scopes": info.scopes,
    })
}

fn invalid(message: &str) -> Error {
    Error::new(ErrorCode::InvalidConfig, message)
}
