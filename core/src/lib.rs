//! chatlane-core: everything that matters about sending chat-app messages through a
//! provider's API — Alibaba Cloud's Chat App Message Service (CAMS) first — once, for every
//! language binding.
//!
//! The path of one message (see `docs/architecture.md`): [`Message`] → the provider's
//! validation and wire mapping (pure; for CAMS [`cams::wire`]) → pacing ([`limit`]) → the
//! authenticated request (for CAMS [`cams::sign`], pure, clock and nonce are inputs) →
//! [`transport::Transport`] (pluggable I/O) → the provider's classification of the answer
//! (pure; for CAMS [`cams::response`]) → [`SendReceipt`] or a typed [`Error`].
//!
//! [`provider::Provider`] is the seam between what every send shares and what differs per
//! API; [`Client`] runs its pipeline; the bindings only translate native values in and out.

#![warn(missing_docs)]

// The model's Kotlin and Swift records live in this crate's own UniFFI namespace.
#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("chatlane_model");

// glibc's malloc serialises the I/O threads on its arena locks at high concurrency;
// mimalloc's per-thread heaps measured +20 % msgs/s from Node at 64 in flight on 2 cores.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod cams;
mod client;
pub mod credentials;
mod endpoint;
mod error;
pub mod events;
pub mod limit;
pub mod meta;
pub mod model;
pub mod oauth;
pub mod observe;
mod operation;
pub mod ops;
pub mod options;
mod outgoing;
pub mod provider;
pub mod receive;
pub mod reconcile;
pub mod retry;
pub mod runtime;
pub mod store;
pub mod template_check;
pub mod transport;
pub mod validate;

pub use client::{
    Api, CamsConfig, Client, ClientConfig, DEFAULT_USER_AGENT, JsonPages, Listing, ListingPage, MetaConfig, Pages,
    SendReceipt,
};
pub use credentials::{Credentials, Secret};
pub use endpoint::{DEFAULT_ENDPOINT, Endpoint, redacted};
pub use error::{Error, ErrorCategory, ErrorCode, PlatformDetails};
pub use limit::{Pacing, Quota, RateLimiter};
pub use model::{Channel, Content, MassMessage, Message, Recipient, Template, TemplateParams};
pub use observe::{OutcomeEvent, RetryEvent, SendObserver};
pub use operation::Operation;
pub use options::{ClientOptions, Dialect, HostValue, SendOptions};
pub use outgoing::{Outgoing, random_id};
pub use provider::ProviderKind;
pub use retry::RetryPolicy;
pub use transport::TransportConfig;
pub use validate::Violation;
