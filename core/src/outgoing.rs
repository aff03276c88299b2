//! What a [`crate::Client`] sends: one [`Message`] or one template to many recipients, a
//! [`MassMessage`]. Both are read, validated, mapped and sent through this one trait, so no
//! binding pairs them up itself.

use rand::RngCore;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::cams::encode::lower_hex;
use crate::cams::wire::{self, Defaults, Params};
use crate::error::{Error, ErrorCode};
use crate::model::{MassMessage, Message};
use crate::provider::OutgoingRef;
use crate::validate::{self, Violation};

/// A request a client can send.
pub trait Outgoing: DeserializeOwned + Send + Sync + 'static {
    /// It, as the pipeline hands it to a provider.
    fn as_outgoing(&self) -> OutgoingRef<'_>;

    /// It from its JSON shape (as Node, Python and the CLI hand it over); a wrong shape is
    /// an [`crate::ErrorCode::InvalidMessage`] error naming the problem and its place.
    fn from_json_value(value: Value) -> Result<Self, Error>;

    /// It from JSON text (as Node hands it over): read straight into the types, about three
    /// times faster than through a [`Value`]; text that does not read that way goes through
    /// [`Outgoing::from_json_value`] after all, so the error is the same.
    fn from_json_text(text: &str) -> Result<Self, Error> {
        serde_json::from_str(text).or_else(|_| {
            let value = serde_json::from_str(text)
                .map_err(|e| Error::new(ErrorCode::InvalidMessage, format!("not a valid message: {e}")))?;
            Self::from_json_value(value)
        })
    }

    /// Every violation; empty when it can be sent.
    fn violations(&self) -> Vec<Violation>;

    /// Its wire parameters, its own options winning over `defaults`. Not validated: a
    /// message with violations maps as far as it can.
    fn wire_params(&self, defaults: Defaults<'_>) -> Params;
}

/// 32 random lowercase hex characters from the OS-seeded thread RNG: generated TaskIds,
/// nonces.
pub fn random_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    lower_hex(&bytes)
}

impl Outgoing for Message {
    fn as_outgoing(&self) -> OutgoingRef<'_> {
        OutgoingRef::Message(self)
    }

    fn from_json_value(value: Value) -> Result<Self, Error> {
        Message::from_json_value(value)
    }

    fn violations(&self) -> Vec<Violation> {
        validate::violations(self)
    }

    fn wire_params(&self, defaults: Defaults<'_>) -> Params {
        wire::send_message_params(self, defaults)
    }
}

impl Outgoing for MassMessage {
    fn as_outgoing(&self) -> OutgoingRef<'_> {
        OutgoingRef::Mass(self)
    }

    fn from_json_value(value: Value) -> Result<Self, Error> {
        MassMessage::from_json_value(value)
    }

    fn violations(&self) -> Vec<Violation> {
        validate::mass_violations(self)
    }

    fn wire_params(&self, defaults: Defaults<'_>) -> Params {
        wire::send_mass_message_params(self, defaults)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_ids_are_32_hex_and_fresh() {
        let (a, b) = (random_id(), random_id());
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(a, b);
    }
}
