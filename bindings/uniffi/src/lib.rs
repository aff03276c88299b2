//! chatlane's UniFFI binding: the native library behind the Kotlin (`dev.chatlane`,
//! `dev.chatlane.model`) and Swift (`Chatlane`) packages.
//!
//! A thin layer over `chatlane-core`, which exports its message model itself (UniFFI
//! namespace `chatlane_model`): the records Kotlin and Swift build are the core's own
//! types. This crate adds the client, the error projection, the pure model functions,
//! receiving (the webhook parsers over the core's event records, and the webhook `Receiver`),
//! the operations beyond sending (history, templates, phone numbers) and Meta's OAuth;
//! validation, parsing, credentials, tokens, endpoint checks and the tokio runtime all live
//! in the core.

mod client;
mod error;
mod events;
mod model;
mod oauth;
mod observe;
mod ops;
mod provider;
mod receive;

pub use client::{Client, ClientOptions, Credentials, SendCancellation, SendOptions, USER_AGENT};
pub use error::{ChatlaneError, Violation};
pub use events::{dedup_key, parse_cams_push, parse_meta_webhook, verify_meta_challenge, verify_meta_signature};
pub use model::{
    client_option_names, mass_message_from_json, mass_violations, mass_wire_params, message_from_json, meta_body,
    meta_violations, violations, wire_params,
};
pub use oauth::{
    AccessToken, AuthorizationRequest, GranularScope, MetaApp, PendingAuthorization, TokenInfo, TokenObserver,
};
pub use observe::{OutcomeEvent, RetryEvent, SendObserver};
pub use ops::operation_params;
pub use provider::{CredentialsProvider, ProvidedCredentials};
pub use receive::{Receiver, ReceiverOptions, WebhookEndpoint, WebhookReply};

uniffi::setup_scaffolding!();
