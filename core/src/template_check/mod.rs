//! Template-aware sending: a template send is checked against the template itself before it
//! goes out — it exists in that language, it is approved and allowed to send, its parameters
//! are exactly the template's variables, and its button payloads fit its quick-reply buttons.
//! A template that cannot be sent is the error the provider would give (`TemplateNotFound`,
//! `TemplateNotApproved`); parameters and payloads that do not fit are validation violations
//! with their paths, all at once. Either way nothing is sent.
//!
//! The check (`check.rs`) is pure; the templates come from a cache (`cache.rs`) the client
//! fills through `GetChatappTemplateDetail` and keeps for the `template_cache_ttl` option.

mod cache;
mod check;

pub use cache::TemplateCache;
pub use check::{mass_violations, message_violations, sendable, variables};
