//! chatlane's UniFFI binding: the native library behind the Kotlin (`dev.chatlane`) and
//! Swift (`Chatlane`) packages.
//!
//! A thin layer: every item here converts host values into `chatlane_core` types once,
//! calls the core, and converts the answer (or the typed error) back. Validation,
//! credentials, endpoint checks and the tokio runtime all live in `chatlane-core`.

mod client;
mod error;
mod message;

pub use client::{Client, ClientOptions, Credentials, USER_AGENT};
pub use error::{ChatlaneError, Violation};
pub use message::{Body, Message};

uniffi::setup_scaffolding!();
