//! `chatlane`: send messages through CAMS or Meta's Cloud API from a shell, get a Meta token,
//! receive their webhooks, list templates, message history and business numbers, upload,
//! look up, download and delete media, or run the local sandbox.

mod bulk_cmd;
mod connection;
mod job;
mod listing;
mod media_cmd;
mod messages_cmd;
mod numbers_cmd;
mod oauth_cmd;
mod results;
mod sandbox_cmd;
mod send_cmd;
mod templates_cmd;
mod templates_write;
mod webhook_cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Send WhatsApp, Messenger, Instagram and Viber messages through Alibaba Cloud CAMS, or
/// WhatsApp messages through Meta's Cloud API.
#[derive(Debug, Parser)]
#[command(name = "chatlane", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Send one message (a template, or free-form text) and print its MessageId.
    #[command(after_help = send_cmd::EXAMPLES)]
    Send(Box<send_cmd::SendArgs>),
    /// Send one template to every recipient of a CSV file: paced, with progress, resumable.
    #[command(after_help = bulk_cmd::EXAMPLES)]
    Bulk(Box<bulk_cmd::BulkArgs>),
    /// Meta's OAuth: the login dialog URL, the code exchange, what Meta says about a token.
    #[command(after_help = oauth_cmd::EXAMPLES)]
    Oauth(Box<oauth_cmd::OAuthArgs>),
    /// Run the local CAMS sandbox: same wire contract, no credentials, nothing leaves the machine.
    #[command(after_help = sandbox_cmd::EXAMPLES)]
    Sandbox(sandbox_cmd::SandboxArgs),
    /// Receive CAMS pushes and Meta's webhook: each new event printed as one JSON line, and
    /// recorded so redeliveries are recognised.
    #[command(after_help = webhook_cmd::EXAMPLES)]
    Webhook(Box<webhook_cmd::WebhookArgs>),
    /// List the account's message templates, read one in full, create, modify or delete one.
    #[command(after_help = templates_cmd::EXAMPLES)]
    Templates(templates_cmd::TemplatesArgs),
    /// A business number's message history: what it sent and received, and where each
    /// message got to.
    #[command(after_help = messages_cmd::EXAMPLES)]
    Messages(messages_cmd::MessagesArgs),
    /// The channel's business numbers: status, quality rating, messaging tier.
    #[command(after_help = numbers_cmd::EXAMPLES)]
    Numbers(Box<numbers_cmd::NumbersArgs>),
    /// Upload a file to send as media (CAMS: its URL; Meta: its media ID); Meta's media by ID:
    /// info, download, delete.
    #[command(after_help = media_cmd::EXAMPLES)]
    Media(media_cmd::MediaArgs),
}

#[tokio::main]
async fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Send(args) => send_cmd::run(*args).await,
        Command::Bulk(args) => bulk_cmd::run(*args).await,
        Command::Oauth(args) => oauth_cmd::run(*args).await,
        Command::Sandbox(args) => sandbox_cmd::run(args).await,
        Command::Webhook(args) => webhook_cmd::run(*args).await,
        Command::Templates(args) => templates_cmd::run(args).await,
        Command::Messages(args) => messages_cmd::run(args).await,
        Command::Numbers(args) => numbers_cmd::run(*args).await,
        Command::Media(args) => media_cmd::run(args).await,
    }
}
