//! A webhook receiver that fits any web framework: hand it what the server got (method, query
//! string, headers, the raw body bytes, the peer's address) and it returns the events to
//! process and the HTTP answer to send back. Nothing here listens on a socket.
//!
//! Each provider's pushes are authenticated as that provider allows: Meta's notifications by
//! their `X-Hub-Signature-256` and its subscription request by the verify token (Meta
//! reference §5.1–5.2); CAMS pushes carry no documented signature (CAMS reference §10), so a
//! receiver proves them with a shared secret in the push URL (`?token=…`) and/or an allow-list
//! of the addresses they come from, and refuses CAMS pushes when neither is configured unless
//! told to accept them unauthenticated.
//!
//! With an [`EventStore`], the receiver is the first half of at-least-once intake: the events
//! of a body are recorded durably before the answer says 200, redeliveries and statuses that
//! would move a message backwards are skipped, and the caller commits what it processed
//! ([`Receiver::commit`]); what a crashed consumer held comes back through
//! [`Receiver::reclaim`]. What the store no longer needs (committed keys older than
//! [`store::DEDUP_TTL_MS`]) is pruned by an ingest at most once per
//! [`ReceiverConfig::prune_interval`], so a long-running receiver's store does not grow forever.

mod access;
mod config;
mod options;
mod reply;

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub use config::{DEFAULT_PRUNE_INTERVAL, ReceiverConfig};
pub use options::{ReceiverOptions, parse_remote_addr};
use reply::Refusal;
pub use reply::WebhookReply;

use crate::error::{Error, ErrorCode};
use crate::events::{self, CamsPushKind, Event, MAX_BODY_BYTES};
use crate::provider::ProviderKind;
use crate::store::{self, Admission, EventStore, SendRecord};

/// Which push a request is: the URL it was sent to says so.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// CAMS `ChatAppStatus` pushes (the `StatusCallbackUrl`).
    CamsStatus,
    /// CAMS `ChatAppInbound` pushes (the `UpCallbackUrl`).
    CamsInbound,
    /// Meta's webhook: its subscription request (GET) and notifications (POST).
    Meta,
}

impl Endpoint {
    /// Every endpoint.
    pub const ALL: [Endpoint; 3] = [Self::CamsStatus, Self::CamsInbound, Self::Meta];

    /// Its name in the bindings' options: `cams_status`, `cams_inbound`, `meta`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::CamsStatus => "cams_status",
            Self::CamsInbound => "cams_inbound",
            Self::Meta => "meta",
        }
    }

    /// The endpoint called `name`; another name is [`ErrorCode::InvalidConfig`].
    pub fn parse(name: &str) -> Result<Self, Error> {
        Self::ALL.into_iter().find(|endpoint| endpoint.as_str() == name).ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidConfig,
                format!("unknown webhook endpoint {name:?} (expected {})", Self::names()),
            )
        })
    }

    /// The provider pushing to it.
    pub const fn provider(self) -> ProviderKind {
        match self {
            Self::CamsStatus | Self::CamsInbound => ProviderKind::Cams,
            Self::Meta => ProviderKind::Meta,
        }
    }
}

/// One HTTP request as a web server received it.
#[derive(Clone, Copy, Debug)]
pub struct WebhookRequest<'a> {
    /// `GET`, `POST`… (any case).
    pub method: &'a str,
    /// The raw query string, with or without its `?` (empty when there is none).
    pub query: &'a str,
    /// The headers, names in any case.
    pub headers: &'a [(String, String)],
    /// The body exactly as received, before any parsing.
    pub body: &'a [u8],
    /// The address of the peer that sent it (after any trusted proxy), when known.
    pub remote_addr: Option<IpAddr>,
}

impl WebhookRequest<'_> {
    /// The first header called `name` (any case).
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }
}

/// A configured webhook receiver; see the module documentation. Cheap to share (`Arc`) between
/// a server's tasks: it keeps no state of its own beyond its store and when it last pruned it.
pub struct Receiver {
    config: ReceiverConfig,
    store: Option<Arc<dyn EventStore>>,
    /// When the store was last pruned (ms since the epoch): [`NEVER_PRUNED`], or
    /// [`PRUNING`] while a prune runs, so that two never run at once.
    last_prune_ms: AtomicU64,
}

/// [`Receiver::last_prune_ms`] before the first prune.
const NEVER_PRUNED: u64 = 0;
/// [`Receiver::last_prune_ms`] while a prune runs.
const PRUNING: u64 = u64::MAX;

impl std::fmt::Debug for Receiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver").field("config", &self.config).field("store", &self.store.is_some()).finish()
    }
}

impl Receiver {
    /// A receiver with `config` (checked: see [`ReceiverConfig::check`]) and no store: every
    /// event of an accepted body is handed out, redeliveries included.
    pub fn new(config: ReceiverConfig) -> Result<Self, Error> {
        config.check()?;
        Ok(Self { config, store: None, last_prune_ms: AtomicU64::new(NEVER_PRUNED) })
    }

    /// This receiver recording events in `store` before it acknowledges them, and handing out
    /// only the ones not seen before.
    #[must_use]
    pub fn with_store(mut self, store: Arc<dyn EventStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// The store events are recorded in, if any.
    pub fn store(&self) -> Option<&Arc<dyn EventStore>> {
        self.store.as_ref()
    }

    /// Answers one request to `endpoint`; never fails: a refusal is an answer (4xx, or 503 when
    /// the store cannot record the events, so the provider delivers them again) with its
    /// typed error in [`WebhookReply::error`].
    pub fn handle(&self, endpoint: Endpoint, request: &WebhookRequest<'_>) -> WebhookReply {
        self.handle_at(endpoint, request, store::now_ms())
    }

    /// [`Receiver::handle`] at `now_ms` (milliseconds since the Unix epoch): the time events are
    /// claimed at and windows open at when a message has no timestamp, and the time the store's
    /// pruning is due by and cut off from.
    pub fn handle_at(&self, endpoint: Endpoint, request: &WebhookRequest<'_>, now_ms: u64) -> WebhookReply {
        let reply = match self.events(endpoint, request) {
            Ok(Intake::Challenge(challenge)) => WebhookReply::challenge(challenge),
            Ok(Intake::Events(events)) => self.admit(endpoint, events, now_ms),
            Err(refusal) => WebhookReply::refused(refusal),
        };
        if let Some(error) = &reply.error {
            tracing::debug!(
                target: crate::observe::TARGET,
                endpoint = endpoint.as_str(),
                status = reply.status,
                code = error.code().as_str(),
                "webhook request refused: {}",
                error.message()
            );
        }
        reply
    }

    /// Marks the events with these keys ([`Event::dedup_key`]) processed; without a store,
    /// there is nothing to record.
    pub fn commit(&self, keys: &[String]) -> Result<(), Error> {
        self.store.as_ref().map_or(Ok(()), |store| store.commit(keys))
    }

    /// Events recorded but not committed within `lease` of being handed out (their consumer
    /// died): handed out again, at most `limit`, oldest first. Empty without a store.
    pub fn reclaim(&self, lease: Duration, limit: usize) -> Result<Vec<Event>, Error> {
        let lease_ms = u64::try_from(lease.as_millis()).unwrap_or(u64::MAX);
        self.store.as_ref().map_or(Ok(Vec::new()), |events| events.reclaim(store::now_ms(), lease_ms, limit))
    }

    /// What the store knows of the send with this task ID: still unknown, or accepted by the
    /// provider (a receipt carrying the task ID arrived). `None` without a store or record.
    pub fn send(&self, provider: ProviderKind, task_id: &str) -> Result<Option<SendRecord>, Error> {
        self.store.as_ref().map_or(Ok(None), |events| events.send(provider, task_id))
    }

    /// Authenticates and reads one request.
    fn events(&self, endpoint: Endpoint, request: &WebhookRequest<'_>) -> Result<Intake, Refusal> {
        let method = request.method;
        if endpoint == Endpoint::Meta && method.eq_ignore_ascii_case("GET") {
            let token = self.config.meta_verify_token.as_ref().ok_or_else(|| {
                Error::new(ErrorCode::InvalidConfig, "no Meta verify token is configured to answer the subscription")
            })?;
            return events::verify_meta_challenge(request.query, token.expose()).map(Intake::Challenge).map_err(
                |error| {
                    if error.code() == ErrorCode::SignatureMismatch { Refusal::forbidden(error) } else { error.into() }
                },
            );
        }
        if !method.eq_ignore_ascii_case("POST") {
            return Err(Refusal::method_not_allowed(method));
        }
        if request.body.len() > MAX_BODY_BYTES {
            return Err(Refusal::too_large(request.body.len()));
        }
        let events = match endpoint {
            Endpoint::Meta => {
                let secret = self.config.meta_app_secret.as_ref().ok_or_else(|| {
                    Error::new(ErrorCode::InvalidConfig, "no Meta app secret is configured to verify notifications")
                })?;
                events::verify_meta_signature(
                    secret.expose().as_bytes(),
                    request.body,
                    request.header("x-hub-signature-256"),
                )?;
                events::parse_meta_webhook(request.body)?
            }
            Endpoint::CamsStatus | Endpoint::CamsInbound => {
                access::check_cams(&self.config, request)?;
                let kind = if endpoint == Endpoint::CamsStatus { CamsPushKind::Status } else { CamsPushKind::Inbound };
                events::parse_cams_push(request.body, kind)?
            }
        };
        Ok(Intake::Events(events))
    }

    /// Records `events` in the store (when there is one), prunes it when that is due, and
    /// answers 200 with the new ones.
    fn admit(&self, endpoint: Endpoint, events: Vec<Event>, now_ms: u64) -> WebhookReply {
        let Some(events_store) = &self.store else { return WebhookReply::accepted(endpoint, events, 0) };
        match events_store.admit(&events, now_ms) {
            Ok(admissions) => {
                self.prune_if_due(events_store.as_ref(), now_ms);
                let total = events.len();
                let fresh: Vec<Event> = events
                    .into_iter()
                    .zip(admissions)
                    .filter_map(|(event, admission)| (admission == Admission::New).then_some(event))
                    .collect();
                let skipped = total - fresh.len();
                WebhookReply::accepted(endpoint, fresh, skipped)
            }
            Err(error) => WebhookReply::refused(error.into()),
        }
    }

    /// Forgets what `events_store` holds from before `now_ms` - [`store::DEDUP_TTL_MS`] when the
    /// last prune is [`ReceiverConfig::prune_interval`] old or there was none, on the caller's
    /// (blocking) thread, as the admission before it. One caller wins the turn; the others, and
    /// every caller while a prune runs, go on without pruning. A failure is logged, never the
    /// ingest's: the events are recorded already, and the next turn is an interval later.
    fn prune_if_due(&self, events_store: &dyn EventStore, now_ms: u64) {
        let Some(interval) = self.config.prune_interval else { return };
        let interval_ms = u64::try_from(interval.as_millis()).unwrap_or(u64::MAX);
        let last = self.last_prune_ms.load(Ordering::Acquire);
        if last == PRUNING || (last != NEVER_PRUNED && now_ms.saturating_sub(last) < interval_ms) {
            return;
        }
        if self.last_prune_ms.compare_exchange(last, PRUNING, Ordering::AcqRel, Ordering::Acquire).is_err() {
            return;
        }
        // Ends the turn even if the store panics; a time of 0 (or the marker) would read as
        // "never pruned" (or "pruning").
        let _done = PruneDone(&self.last_prune_ms, now_ms.clamp(1, PRUNING - 1));
        let before_ms = now_ms.saturating_sub(store::DEDUP_TTL_MS);
        match events_store.prune(before_ms) {
            Ok(forgotten) => tracing::debug!(
                target: crate::observe::TARGET,
                forgotten,
                before_ms,
                "pruned the event store"
            ),
            Err(error) => tracing::warn!(
                target: crate::observe::TARGET,
                code = error.code().as_str(),
                before_ms,
                "could not prune the event store (the events were recorded): {}",
                error.message()
            ),
        }
    }
}

/// Records when a prune's turn ended, when dropped.
struct PruneDone<'a>(&'a AtomicU64, u64);

impl Drop for PruneDone<'_> {
    fn drop(&mut self) {
        self.0.store(self.1, Ordering::Release);
    }
}

/// What an authenticated request holds.
enum Intake {
    Challenge(String),
    Events(Vec<Event>),
}

#[cfg(test)]
mod tests;
