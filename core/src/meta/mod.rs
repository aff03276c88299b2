//! Meta's WhatsApp Cloud API wire contract, the second provider next to [`crate::cams`]:
//! the JSON body of `POST /{version}/{phone-number-id}/messages` ([`wire`]), what that API
//! cannot carry ([`validate`], on top of the provider-neutral [`crate::validate`]) and the
//! classification of its answers ([`response`]). Everything here is pure.
//!
//! "Meta reference §N" means a section of `meta-cloud.md`, the companion of
//! `docs/reference/cams.md`; the choices it leaves open are listed in `docs/unverified.md`
//! ("Meta Cloud API") and live in [`unverified`] or next to the rule they shape.

pub mod codes;
mod emoji;
pub mod response;
pub mod unverified;
pub mod validate;
pub mod wire;

pub use response::{Accepted, classify};
pub use validate::violations;
pub use wire::message_body;

/// The Graph API version chatlane sends to (pinned: old versions expire; §1).
pub const DEFAULT_GRAPH_VERSION: &str = "v25.0";

/// The Graph API host (§1).
pub const GRAPH_HOST: &str = "https://graph.facebook.com";
