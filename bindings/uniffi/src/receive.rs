//! The webhook receiver: the core's framework-agnostic `Receiver` for Kotlin and Swift. An app
//! hands it what its web framework received (method, query, headers, raw body, peer address)
//! and sends back the answer it returns; the events come as the core's event records.
//!
//! Every call that may touch the event store (an SQLite file may wait up to 5 s for another
//! process's write lock) runs on a blocking thread of chatlane's runtime, so the caller's
//! executor (Kotlin coroutines, Swift concurrency) only awaits.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chatlane_core::events::Event;
use chatlane_core::receive::{self, Endpoint};
use chatlane_core::runtime;
use chatlane_core::store::{SendRecord, SendState};
use chatlane_core::{Error, ErrorCode, ProviderKind};

use crate::error::{ChatlaneError, guarded};

/// Receiver settings, every one optional.
///
/// An object rather than a record: a Kotlin data class or Swift struct would print the app
/// secret and the tokens; this prints the core's `Debug` form, in which they are `***`.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug)]
pub struct ReceiverOptions(receive::ReceiverOptions);

#[uniffi::export]
impl ReceiverOptions {
    /// Settings for a [`Receiver`]: Meta's `metaAppSecret` (notifications are signed with it)
    /// and `metaVerifyToken` (the subscription request); CAMS's `camsToken` (the push URLs carry
    /// it as `?token=`) and/or `camsAllowedIps` (networks such as `47.74.0.0/16`, or
    /// addresses), or `camsUnauthenticated` to accept CAMS pushes with neither; `eventStore`,
    /// an SQLite file (created if missing) or `:memory:`, where events are recorded so that
    /// redeliveries are skipped; without one, every event of every request is handed out.
    /// Checked when the receiver is built.
    #[uniffi::constructor(default(
        meta_app_secret = None,
        meta_verify_token = None,
        cams_token = None,
        cams_allowed_ips = [],
        cams_unauthenticated = false,
        event_store = None
    ))]
    pub fn new(
        meta_app_secret: Option<String>,
        meta_verify_token: Option<String>,
        cams_token: Option<String>,
        cams_allowed_ips: Vec<String>,
        cams_unauthenticated: bool,
        event_store: Option<String>,
    ) -> Arc<Self> {
        Arc::new(Self(receive::ReceiverOptions {
            meta_app_secret,
            meta_verify_token,
            cams_token,
            cams_allowed_ips,
            cams_unauthenticated,
            event_store,
        }))
    }
}

/// Which push a request is: the URL the provider was given says so.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum WebhookEndpoint {
    /// CAMS `ChatAppStatus` pushes (the channel instance's `StatusCallbackUrl`).
    CamsStatus,
    /// CAMS `ChatAppInbound` pushes (its `UpCallbackUrl`).
    CamsInbound,
    /// Meta's webhook: its subscription request (GET) and notifications (POST).
    Meta,
}

impl From<WebhookEndpoint> for Endpoint {
    fn from(endpoint: WebhookEndpoint) -> Self {
        match endpoint {
            WebhookEndpoint::CamsStatus => Self::CamsStatus,
            WebhookEndpoint::CamsInbound => Self::CamsInbound,
            WebhookEndpoint::Meta => Self::Meta,
        }
    }
}

/// What to answer one request with, and the events it brought.
#[derive(Debug, uniffi::Record)]
pub struct WebhookReply {
    /// The HTTP status: 200 accepted (with a store: its events recorded); 400 unreadable body,
    /// 401 signature or push token wrong or missing, 403 address not allowed or verify token
    /// wrong, 405 wrong method, 413 body over 4 MiB, 500 receiver not configured for the
    /// provider and 503 store failed (both: the provider delivers again later).
    pub status: u16,
    /// The `Content-Type` of `body`.
    pub content_type: String,
    /// The response body.
    pub body: String,
    /// The events to process, in the order received: all of them without a store; with one,
    /// only those not seen before. Process them, then `commit` them.
    pub events: Vec<Event>,
    /// Events skipped: redeliveries, and statuses that would move a message backwards.
    pub skipped: u32,
    /// Why the request was refused (`null`/`nil` when `status` is 200): the same typed error
    /// a call would throw.
    pub error: Option<ChatlaneError>,
}

impl From<receive::WebhookReply> for WebhookReply {
    fn from(reply: receive::WebhookReply) -> Self {
        Self {
            status: reply.status,
            content_type: reply.content_type.to_owned(),
            body: reply.body,
            events: reply.events,
            skipped: u32::try_from(reply.skipped).unwrap_or(u32::MAX),
            error: reply.error.map(ChatlaneError::from),
        }
    }
}

/// A webhook receiver for CAMS pushes and Meta's webhooks that fits any web framework; see
/// the module documentation. Thread-safe: share one between a server's handlers.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug)]
pub struct Receiver(Arc<receive::Receiver>);

#[uniffi::export]
impl Receiver {
    /// The receiver `options` describe, with its event store opened (an SQLite file is created
    /// if missing). An empty secret or `eventStore`, a `camsAllowedIps` entry that is neither a
    /// network nor an address, or `camsUnauthenticated` with a token or an allow-list is a
    /// `Configuration` error (code `InvalidConfig`); a store that cannot be opened is `Storage`
    /// (code `StoreFailed`). Without any CAMS setting, CAMS pushes are answered 500.
    #[uniffi::constructor]
    #[expect(clippy::result_large_err, reason = "the error crosses the FFI by value; UniFFI cannot lift a Box")]
    pub fn new(options: Arc<ReceiverOptions>) -> Result<Arc<Self>, ChatlaneError> {
        guarded(|| Ok(Arc::new(Self(Arc::new(receive::Receiver::from_options(options.0.clone())?)))))
    }

    /// Answers one request to `endpoint`: `method` (`GET`, `POST`…), the raw `query` string
    /// (with or without its `?`), the `headers` (names in any case; a framework's multi-valued
    /// map as it is), the `body` exactly as received, and `remoteAddr`, the peer's address as
    /// the framework gives it (`203.0.113.7`, `[2001:db8::1]:443`…; `null`/`nil` when unknown).
    ///
    /// A refused request is an answer too (4xx, or 5xx so the provider delivers again), with
    /// its typed error in `error`; this throws only for a `remoteAddr` that is not an IP address
    /// (`InvalidParameter`). With a store the events are recorded before this returns: answer
    /// with the reply, process its events, then `commit` them. A cancelled call may still
    /// record them; they then come back through `reclaim`.
    #[uniffi::method(default(query = "", remote_addr = None, headers))]
    pub async fn handle(
        &self,
        endpoint: WebhookEndpoint,
        method: String,
        query: String,
        headers: HashMap<String, Vec<String>>,
        body: Vec<u8>,
        remote_addr: Option<String>,
    ) -> Result<WebhookReply, ChatlaneError> {
        let receiver = Arc::clone(&self.0);
        blocking(move || {
            let remote_addr = remote_addr.as_deref().map(receive::parse_remote_addr).transpose()?;
            let headers: Vec<(String, String)> = headers
                .into_iter()
                .flat_map(|(name, values)| values.into_iter().map(move |value| (name.clone(), value)))
                .collect();
            let request =
                receive::WebhookRequest { method: &method, query: &query, headers: &headers, body: &body, remote_addr };
            Ok(receiver.handle(endpoint.into(), &request).into())
        })
        .await
    }

    /// Marks these events processed (by their `dedupKey`), so they are never handed out again,
    /// not even by `reclaim`. Without a store there is nothing to record.
    pub async fn commit(&self, events: Vec<Event>) -> Result<(), ChatlaneError> {
        let receiver = Arc::clone(&self.0);
        blocking(move || receiver.commit(&events.iter().map(Event::dedup_key).collect::<Vec<_>>())).await
    }

    /// Events recorded but not committed within `leaseMs` milliseconds of being handed out
    /// (their consumer died, e.g. the process crashed): handed out again, at most `limit`,
    /// oldest first; process and `commit` them. Empty without a store.
    pub async fn reclaim(&self, lease_ms: u64, limit: u32) -> Result<Vec<Event>, ChatlaneError> {
        let receiver = Arc::clone(&self.0);
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        blocking(move || receiver.reclaim(Duration::from_millis(lease_ms), limit)).await
    }

    /// What the event store knows of the send with this `taskId` through `provider` (one that
    /// failed `OutcomeUnknown` with a client sharing the store): still `Unknown`, or `Accepted`
    /// with its message ID once a receipt carrying the task ID arrived. `null`/`nil` without a
    /// store or a record.
    pub async fn send(&self, task_id: String, provider: ProviderKind) -> Result<Option<SendRecord>, ChatlaneError> {
        let receiver = Arc::clone(&self.0);
        blocking(move || receiver.send(provider, &task_id)).await
    }
}

/// Runs `call` on a blocking thread of chatlane's runtime and awaits it from any executor; a
/// panic inside becomes `Internal`, so every method's work runs inside it.
async fn blocking<T: Send + 'static>(
    call: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> Result<T, ChatlaneError> {
    match runtime::runtime().spawn_blocking(call).await {
        Ok(result) => Ok(result?),
        Err(join) if join.is_panic() => Err(Error::from_panic(join.into_panic().as_ref()).into()),
        Err(join) => Err(Error::new(ErrorCode::Internal, format!("the receiver task was cancelled: {join}")).into()),
    }
}

// The core exports `ProviderKind` (namespace `chatlane_model`); this crate uses its converter.
uniffi::use_remote_type!(chatlane_core::ProviderKind);

/// What is known of one send whose answer did not say whether it took effect.
#[uniffi::remote(Record)]
pub struct SendRecord {
    /// The provider it was sent through.
    pub provider: ProviderKind,
    /// The correlation ID the send carried (CAMS `TaskId`, Meta `biz_opaque_callback_data`).
    pub task_id: String,
    /// The business number it was sent from.
    pub from: String,
    /// The recipient.
    pub to: String,
    /// Where it stands.
    pub state: SendState,
    /// When it was recorded, in milliseconds since the Unix epoch.
    pub recorded_ms: u64,
    /// When its state last changed, in milliseconds since the Unix epoch.
    pub updated_ms: u64,
}

/// Where a send with an unknown outcome stands.
#[uniffi::remote(Enum)]
pub enum SendState {
    /// Nothing proves either way: never send it again.
    Unknown,
    /// A receipt carrying its task ID arrived: the provider took it, with this message ID.
    Accepted {
        /// The provider's message ID, from the receipt.
        message_id: String,
    },
    /// The provider's history proves it never arrived: it may be sent again, once.
    Absent,
    /// It was sent again after being proven absent (the new send's outcome is its own).
    Resent,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_endpoint_has_its_core_twin() {
        let ours = [WebhookEndpoint::CamsStatus, WebhookEndpoint::CamsInbound, WebhookEndpoint::Meta];
        assert_eq!(ours.map(Endpoint::from), Endpoint::ALL);
    }

    #[test]
    fn a_refusal_carries_its_typed_error_and_secrets_stay_hidden() {
        let options = ReceiverOptions::new(Some("app-s3cret".into()), None, Some("t0ken".into()), vec![], false, None);
        let receiver = Receiver::new(Arc::clone(&options)).unwrap();
        for shown in [format!("{options:?}"), format!("{receiver:?}")] {
            assert!(!shown.contains("app-s3cret") && !shown.contains("t0ken"), "{shown}");
        }
        let reply = runtime::block_on(async {
            Ok(receiver
                .handle(WebhookEndpoint::Meta, "POST".into(), String::new(), HashMap::new(), b"{}".to_vec(), None)
                .await)
        })
        .unwrap()
        .unwrap();
        assert_eq!((reply.status, reply.skipped, reply.events.len()), (401, 0, 0));
        assert!(
            matches!(&reply.error, Some(ChatlaneError::Authentication { code, .. }) if code == "SignatureMismatch")
        );
        let bad_address = runtime::block_on(async {
            Ok(receiver
                .handle(
                    WebhookEndpoint::Meta,
                    "POST".into(),
                    String::new(),
                    HashMap::new(),
                    vec![],
                    Some("nowhere".into()),
                )
                .await)
        })
        .unwrap()
        .unwrap_err();
        assert!(matches!(bad_address, ChatlaneError::InvalidParameter { .. }), "{bad_address:?}");
    }
}
