//! Receiving: typed events from the providers' webhooks and pushes, pure.
//!
//! One model for every provider ([`Event`]: a [`StatusEvent`] receipt, an [`InboundEvent`]
//! message from a user, or an [`UnsupportedEvent`] carrying whatever chatlane does not type),
//! read from the bytes a receiver got: [`parse_cams_push`] for CAMS (HTTP batch push and
//! queue bodies, CAMS reference §10) and [`parse_meta_webhook`] for Meta's Cloud API (Meta
//! reference §5.4–5.5). A body that cannot be read as a whole is a typed
//! [`crate::ErrorCode::InvalidParameter`] error; one element that cannot be read inside a
//! readable body becomes an [`UnsupportedEvent`] carrying it, and the rest of the batch is
//! kept.
//!
//! Around the parsers: Meta's webhook verification ([`verify_meta_signature`],
//! [`verify_meta_challenge`]), the keys a store deduplicates redeliveries by
//! ([`Event::dedup_key`]) and the order statuses move forward in
//! ([`DeliveryStatus::supersedes`]). Nothing here does I/O or keeps state.

mod body;
mod cams;
mod content;
mod dedup;
mod meta;
mod model;
mod payload;
mod provider;
mod read;
mod status;
mod verify;

pub use body::MAX_BODY_BYTES;
pub use cams::{CamsPushKind, parse_cams_push};
pub use content::{
    ButtonReply, FlowReply, InboundAudio, InboundContacts, InboundContent, InboundDocument, InboundLocation,
    InboundMedia, InboundReaction, InboundSticker, InboundText, ListReply, Order, OrderItem, QuickReply, SystemNotice,
    UnsupportedContent,
};
pub use meta::parse_meta_webhook;
pub use model::{
    Business, ChatUser, Conversation, DeliveryError, Event, InboundEvent, Pricing, ReplyContext, StatusEvent,
    UnsupportedEvent,
};
pub use status::{DeliveryStatus, StatusRank};
pub(crate) use verify::same_secret;
pub use verify::{SignatureMatch, verify_meta_challenge, verify_meta_signature};
