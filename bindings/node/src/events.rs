//! Receiving: the core's webhook parsers, Meta's webhook verification and the events' dedup
//! keys. Bodies arrive as `Uint8Array`s (`index.js` encodes a string as UTF-8), read in place;
//! events cross as their JSON text, which `index.js` parses into plain objects (the generated
//! `Event` type of `model.d.ts`), and come back as `JSON.stringify` text for their dedup key.

use chatlane_core::Error;
use chatlane_core::events::{self, CamsPushKind, Event};
use napi::Env;
use napi_derive::napi;

use crate::{guarded, rethrowable};

/// The JSON text of the events of a CAMS push body, `kind` (`status` or `inbound`) saying
/// which push it is. Throws a JS error carrying the core error's fields.
#[napi]
pub fn parse_cams_push(env: &Env, body: &[u8], kind: String) -> napi::Result<String> {
    guarded(env, || events_json(env, CamsPushKind::parse(&kind).and_then(|kind| events::parse_cams_push(body, kind))))
}

/// The JSON text of the events of a Meta webhook body. Throws a JS error carrying the core
/// error's fields.
#[napi]
pub fn parse_meta_webhook(env: &Env, body: &[u8]) -> napi::Result<String> {
    guarded(env, || events_json(env, events::parse_meta_webhook(body)))
}

/// Which form of `body` the `X-Hub-Signature-256` value `header` signs under `app_secret`
/// (its UTF-8 bytes): `raw` or `escaped_unicode`. Throws a JS error carrying the core error's
/// fields.
#[napi(ts_return_type = "'raw' | 'escaped_unicode'")]
pub fn verify_meta_signature(
    env: &Env,
    app_secret: &[u8],
    body: &[u8],
    header: Option<String>,
) -> napi::Result<&'static str> {
    guarded(env, || {
        let found = events::verify_meta_signature(app_secret, body, header.as_deref());
        found.map(|found| found.as_str()).map_err(|error| rethrowable(env, &error))
    })
}

/// The `hub.challenge` to echo for Meta's subscription request with the raw query string
/// `query`. Throws a JS error carrying the core error's fields.
#[napi]
pub fn verify_meta_challenge(env: &Env, query: String, verify_token: String) -> napi::Result<String> {
    guarded(env, || events::verify_meta_challenge(&query, &verify_token).map_err(|error| rethrowable(env, &error)))
}

/// The dedup key of an event given as its JSON text. Throws a JS error carrying the core
/// error's fields.
#[napi]
pub fn dedup_key(env: &Env, event: String) -> napi::Result<String> {
    guarded(env, || {
        Event::from_json_text(&event).map(|event| event.dedup_key()).map_err(|error| rethrowable(env, &error))
    })
}

/// The events as JSON text, or the error to throw.
fn events_json(env: &Env, events: Result<Vec<Event>, Error>) -> napi::Result<String> {
    events.map(|events| events_text(&events)).map_err(|error| rethrowable(env, &error))
}

/// The JSON text of `events`, as `index.js` parses it into plain objects.
pub(crate) fn events_text(events: &[Event]) -> String {
    serde_json::to_string(events).expect("events serialise")
}
