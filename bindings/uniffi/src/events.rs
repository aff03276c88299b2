//! Receiving: the core's webhook parsers, Meta's webhook verification and the events' dedup
//! keys, over the core's event records (which UniFFI exports from `chatlane-core` itself:
//! Kotlin package `dev.chatlane.model`, Swift module `Chatlane`).

use chatlane_core::events::{self, CamsPushKind, Event, SignatureMatch};

use crate::error::{ChatlaneError, guarded};

/// The events of a CAMS push body, in order: a JSON array of receipts (HTTP batch push) or one
/// receipt object (queue mode); `kind` says which push it is (`STATUS` from the
/// `StatusCallbackUrl`, `INBOUND` from the `UpCallbackUrl`). An element that cannot be read is
/// an `Unsupported` event carrying it. A body over 4 MiB, not JSON, or neither an array nor
/// an object is an `InvalidParameter` error.
#[uniffi::export]
#[expect(clippy::result_large_err, reason = "the error crosses the FFI by value; UniFFI cannot lift a Box")]
pub fn parse_cams_push(body: Vec<u8>, kind: CamsPushKind) -> Result<Vec<Event>, ChatlaneError> {
    guarded(|| Ok(events::parse_cams_push(&body, kind)?))
}

/// The events of a Meta webhook body (verified with `verifyMetaSignature`), in order: each
/// message an `Inbound` event, each status a `Status` event, anything else an `Unsupported`
/// one. A body over 4 MiB, not JSON, not an object or without an `entry` array is an
/// `InvalidParameter` error.
#[uniffi::export]
#[expect(clippy::result_large_err, reason = "the error crosses the FFI by value; UniFFI cannot lift a Box")]
pub fn parse_meta_webhook(body: Vec<u8>) -> Result<Vec<Event>, ChatlaneError> {
    guarded(|| Ok(events::parse_meta_webhook(&body)?))
}

/// Which form of `body` the `X-Hub-Signature-256` value `header` signs under `appSecret` (its
/// UTF-8 bytes). A missing, malformed or wrong signature is an `Authentication` error (code
/// `SignatureMismatch`); an empty secret a `Configuration` one.
#[uniffi::export]
#[expect(clippy::result_large_err, reason = "the error crosses the FFI by value; UniFFI cannot lift a Box")]
pub fn verify_meta_signature(
    app_secret: String,
    body: Vec<u8>,
    header: Option<String>,
) -> Result<SignatureMatch, ChatlaneError> {
    guarded(|| Ok(events::verify_meta_signature(app_secret.as_bytes(), &body, header.as_deref())?))
}

/// The `hub.challenge` to echo for Meta's subscription request with the raw query string
/// `query`. A wrong or missing token is an `Authentication` error (code `SignatureMismatch`).
#[uniffi::export]
#[expect(clippy::result_large_err, reason = "the error crosses the FFI by value; UniFFI cannot lift a Box")]
pub fn verify_meta_challenge(query: String, verify_token: String) -> Result<String, ChatlaneError> {
    guarded(|| Ok(events::verify_meta_challenge(&query, &verify_token)?))
}

/// The key a redelivery of `event` has too (a compact JSON array of strings): record it and
/// skip an event whose key was seen.
#[uniffi::export]
#[expect(clippy::result_large_err, reason = "the error crosses the FFI by value; UniFFI cannot lift a Box")]
pub fn dedup_key(event: Event) -> Result<String, ChatlaneError> {
    guarded(|| Ok(event.dedup_key()))
}
