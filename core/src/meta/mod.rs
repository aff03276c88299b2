//! Meta's WhatsApp Cloud API wire contract, the second provider next to [`crate::cams`]:
//! the JSON body of `POST /{version}/{phone-number-id}/messages` ([`wire`]), what that API
//! cannot carry ([`validate`], on top of the provider-neutral [`crate::validate`]), the
//! classification of its answers ([`response`]), the account's message templates as
//! [`crate::ops`] records ([`templates`]) and media ([`media`]), and the first Graph request of
//! an operation's query ([`calls`]). Everything here is pure.
//!
//! "Meta reference §N" means a section of `meta-cloud.md`, the companion of
//! `docs/reference/cams.md`; the choices it leaves open are listed in `docs/unverified.md`
//! ("Meta Cloud API") and live in [`unverified`] or next to the rule they shape.

pub mod calls;
pub mod codes;
mod emoji;
pub mod media;
mod provider;
pub mod response;
pub mod templates;
pub mod unverified;
pub mod validate;
pub mod wire;

pub use response::{Accepted, classify};
pub use validate::violations;
pub use wire::{message_body, message_json};

#[cfg(test)]
pub(crate) use provider::tests as provider_tests;
pub use provider::{MANAGEMENT_SCOPE, MESSAGING_SCOPE};
pub(crate) use provider::{Meta, checked_scopes};

use crate::limit::Quota;

/// The Graph API version chatlane sends to (pinned: old versions expire; §1).
pub const DEFAULT_GRAPH_VERSION: &str = "v25.0";

/// The Graph API host (§1).
pub const GRAPH_HOST: &str = "https://graph.facebook.com";

/// Meta's pair rate, per business number and recipient: one message per 6 s, bursts of up
/// to 45 (§4), so a burst to one user is spread out rather than refused with 131056.
pub const PAIR_RATE: Quota = Quota { per_second: 1.0 / 6.0, burst: 45 };
