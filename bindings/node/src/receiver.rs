//! The core's webhook [`Receiver`] for Node: `index.js` hands over what the HTTP server got
//! (the body as bytes, the headers as `[name, value]` pairs) and gets the HTTP answer back
//! with the new events. Every call that may touch the event store (an SQLite file may wait up
//! to its busy timeout for another process's write lock) runs on napi's blocking pool and
//! settles its promise through the `completions` module, as sends do: the event loop never
//! waits. Events cross as their JSON text, as in the `events` module.

use std::sync::Arc;
use std::time::Duration;

use chatlane_core::events::Event;
use chatlane_core::receive::{Endpoint, Receiver, ReceiverOptions, WebhookReply, WebhookRequest, parse_remote_addr};
use chatlane_core::store::SendRecord;
use chatlane_core::{Error, ErrorCode, ProviderKind};
use napi::bindgen_prelude::{JsObjectValue, Object, PromiseRaw, ToNapiValue, Unknown, spawn_blocking};
use napi::{Env, JsValue, sys};
use napi_derive::napi;
use serde_json::Value;

use crate::completions::settled;
use crate::events::events_text;
use crate::{
    MAX_SAFE_INTEGER, fields, guarded, invalid, js_error, plain_object, rethrowable, string_option, unknown_field,
};

/// The option names `new Receiver(options)` accepts, in the order `toString` shows them.
const RECEIVER_OPTION_NAMES: [&str; 6] =
    ["metaAppSecret", "metaVerifyToken", "camsToken", "camsAllowedIps", "camsUnauthenticated", "eventStore"];

/// The native receiver the `chatlane` package's `Receiver` wraps.
#[napi]
pub struct NativeReceiver {
    inner: Arc<Receiver>,
    /// What `toString` shows: the options without the secrets' values.
    description: String,
}

#[napi]
impl NativeReceiver {
    /// Builds a receiver from an options object (data only), opening its event store (an
    /// SQLite file is created if missing). Throws a JS error carrying the core error's fields:
    /// `InvalidConfig` for bad options, `StoreFailed` for a store that cannot be opened.
    #[napi(constructor, ts_args_type = "options?: unknown")]
    pub fn new(env: Env, options: Option<Unknown>) -> napi::Result<Self> {
        guarded(&env, || {
            let options = receiver_options(options).map_err(|error| rethrowable(&env, &error))?;
            let description = describe(&options);
            let inner = Receiver::from_options(options).map_err(|error| rethrowable(&env, &error))?;
            Ok(Self { inner: Arc::new(inner), description })
        })
    }

    /// Answers one request to `endpoint` (`cams_status`, `cams_inbound` or `meta`); resolves
    /// with the reply (see [`Reply`]), never rejects for a refused request: the refusal is the
    /// reply's status and error. Throws a JS error carrying the core error's fields for an
    /// unknown endpoint (`InvalidConfig`) or a `remoteAddr` that is not an IP address
    /// (`InvalidParameter`).
    #[napi(
        ts_args_type = "endpoint: string, method: string, query: string, headers: Array<[string, string]>, body: Uint8Array, remoteAddr: string | null",
        ts_return_type = "Promise<{ status: number, contentType: string, body: string, events: string, skipped: number, error: Error | null }>"
    )]
    #[allow(clippy::too_many_arguments)]
    pub fn handle<'env>(
        &self,
        env: &'env Env,
        endpoint: String,
        method: String,
        query: String,
        headers: Vec<(String, String)>,
        body: &[u8],
        remote_addr: Option<String>,
    ) -> napi::Result<PromiseRaw<'env, Reply>> {
        guarded(env, || {
            let endpoint = Endpoint::parse(&endpoint).map_err(|error| rethrowable(env, &error))?;
            let remote_addr = remote_addr.as_deref().map(parse_remote_addr).transpose();
            let remote_addr = remote_addr.map_err(|error| rethrowable(env, &error))?;
            // A copy: the caller's buffer may change while the request is handled elsewhere.
            let (receiver, body) = (Arc::clone(&self.inner), body.to_vec());
            settled(
                env,
                off_thread(move || {
                    let request =
                        WebhookRequest { method: &method, query: &query, headers: &headers, body: &body, remote_addr };
                    Ok(receiver.handle(endpoint, &request))
                }),
            )
        })
    }

    /// Marks the events (each as its JSON text) processed, by their dedup keys; rejects with a
    /// JS error carrying the core error's fields (`InvalidParameter` for a value that is not
    /// an event, `StoreFailed`).
    #[napi(ts_return_type = "Promise<void>")]
    pub fn commit<'env>(&self, env: &'env Env, events: Vec<String>) -> napi::Result<PromiseRaw<'env, ()>> {
        let receiver = Arc::clone(&self.inner);
        guarded(env, || {
            settled(
                env,
                off_thread(move || {
                    let keys = events.iter().map(|text| Event::from_json_text(text).map(|event| event.dedup_key()));
                    receiver.commit(&keys.collect::<Result<Vec<_>, _>>()?)
                }),
            )
        })
    }

    /// The JSON text of the events recorded but not committed within `lease_ms` of being
    /// handed out, at most `limit`, oldest first. Throws a JS error carrying the core error's
    /// fields (`InvalidParameter`) for a lease or limit that is not a whole number, 0 or more;
    /// rejects with one for a store failure.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn reclaim<'env>(&self, env: &'env Env, lease_ms: f64, limit: f64) -> napi::Result<PromiseRaw<'env, String>> {
        guarded(env, || {
            let lease =
                whole("leaseMs", lease_ms).map(Duration::from_millis).map_err(|error| rethrowable(env, &error))?;
            let limit = whole("limit", limit).map_err(|error| rethrowable(env, &error))?;
            let limit = usize::try_from(limit).unwrap_or(usize::MAX);
            let receiver = Arc::clone(&self.inner);
            settled(env, off_thread(move || receiver.reclaim(lease, limit).map(|events| events_text(&events))))
        })
    }

    /// What the store knows of the send with `task_id` through `provider` (`cams` or `meta`),
    /// or `null`. Throws a JS error carrying the core error's fields for an unknown provider;
    /// rejects with one for a store failure.
    #[napi(ts_return_type = "Promise<SendStatus | null>")]
    pub fn send<'env>(
        &self,
        env: &'env Env,
        task_id: String,
        provider: String,
    ) -> napi::Result<PromiseRaw<'env, Option<SendStatus>>> {
        guarded(env, || {
            let provider = ProviderKind::parse(&provider).map_err(|error| rethrowable(env, &error))?;
            let receiver = Arc::clone(&self.inner);
            settled(
                env,
                off_thread(move || receiver.send(provider, &task_id).map(|record| record.map(SendStatus::from))),
            )
        })
    }

    /// A description without secrets, e.g. `Receiver(metaAppSecret=***, eventStore=events.db)`.
    #[napi(js_name = "toString")]
    pub fn describe(&self) -> String {
        self.description.clone()
    }
}

/// Where a send of unknown outcome stands, as the event store knows it.
#[napi(object)]
pub struct SendStatus {
    /// The provider it was sent through (`cams` or `meta`).
    pub provider: String,
    /// The correlation ID it carried (CAMS `TaskId`, Meta `biz_opaque_callback_data`).
    pub task_id: String,
    /// The business number (Meta: phone number ID) it was sent from.
    pub from: String,
    /// The recipient.
    pub to: String,
    /// `unknown`, `accepted` (a receipt carrying its task ID arrived), `absent` or `resent`.
    pub state: String,
    /// The provider's message ID, once accepted.
    pub message_id: Option<String>,
    /// When it was recorded, in milliseconds since the Unix epoch.
    pub recorded_ms: f64,
    /// When its state last changed, in milliseconds since the Unix epoch.
    pub updated_ms: f64,
}

impl From<SendRecord> for SendStatus {
    /// The record's fields as the core gives them.
    fn from(record: SendRecord) -> Self {
        Self {
            provider: record.provider.as_str().to_owned(),
            message_id: record.state.message_id().map(str::to_owned),
            state: record.state.name().to_owned(),
            task_id: record.task_id,
            from: record.from,
            to: record.to,
            recorded_ms: record.recorded_ms as f64,
            updated_ms: record.updated_ms as f64,
        }
    }
}

/// What `handle` resolves with: `{status, contentType, body, events, skipped, error}`, the
/// events as their JSON text (`index.js` parses them), the error (or `null`) as the JS
/// projection every rejection carries.
pub struct Reply(WebhookReply);

impl From<WebhookReply> for Reply {
    fn from(reply: WebhookReply) -> Self {
        Self(reply)
    }
}

impl ToNapiValue for Reply {
    unsafe fn to_napi_value(raw: sys::napi_env, reply: Self) -> napi::Result<sys::napi_value> {
        let env = Env::from_raw(raw);
        let WebhookReply { status, content_type, body, events, skipped, error } = reply.0;
        let mut object = Object::new(&env)?;
        object.set_named_property("status", u32::from(status))?;
        object.set_named_property("contentType", content_type)?;
        object.set_named_property("body", body)?;
        object.set_named_property("events", events_text(&events))?;
        object.set_named_property("skipped", u32::try_from(skipped).unwrap_or(u32::MAX))?;
        object.set_named_property("error", error.map(|error| js_error(&env, &error)).transpose()?)?;
        Ok(object.raw())
    }
}

/// Runs a receiver call on napi's blocking pool; a panic inside becomes an `Internal` error.
async fn off_thread<T: Send + 'static>(call: impl FnOnce() -> Result<T, Error> + Send + 'static) -> Result<T, Error> {
    match spawn_blocking(call).await {
        Ok(result) => result,
        Err(join) if join.is_panic() => Err(Error::from_panic(join.into_panic().as_ref())),
        Err(join) => Err(Error::new(ErrorCode::Internal, format!("the receiver's call did not finish: {join}"))),
    }
}

/// `value` as a whole number, 0 or more; else [`ErrorCode::InvalidParameter`] naming `name`.
pub(crate) fn whole(name: &str, value: f64) -> Result<u64, Error> {
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= MAX_SAFE_INTEGER {
        Ok(value as u64)
    } else {
        Err(Error::new(ErrorCode::InvalidParameter, format!("{name} must be a whole number, 0 or more")))
    }
}

/// Reads `new Receiver(options)`: the names of [`RECEIVER_OPTION_NAMES`], the secrets and
/// the store as strings, the allow-list as an array of strings, `camsUnauthenticated` as a
/// boolean (`null` is absent everywhere); anything else is [`ErrorCode::InvalidConfig`].
fn receiver_options(value: Option<Unknown>) -> Result<ReceiverOptions, Error> {
    let refused = |why: String| invalid("receiver options", &why);
    let mut options = ReceiverOptions::default();
    for (name, value) in plain_object(value).and_then(fields).map_err(refused)? {
        match (name.as_str(), value) {
            ("metaAppSecret", value) => options.meta_app_secret = string_option(&name, value).map_err(refused)?,
            ("metaVerifyToken", value) => options.meta_verify_token = string_option(&name, value).map_err(refused)?,
            ("camsToken", value) => options.cams_token = string_option(&name, value).map_err(refused)?,
            ("eventStore", value) => options.event_store = string_option(&name, value).map_err(refused)?,
            ("camsAllowedIps", Value::Null) => {}
            ("camsAllowedIps", Value::Array(entries)) => {
                let entries = entries.into_iter().map(|entry| match entry {
                    Value::String(entry) => Ok(entry),
                    _ => Err(refused(format!("option {name:?} must be an array of strings"))),
                });
                options.cams_allowed_ips = entries.collect::<Result<_, _>>()?;
            }
            ("camsUnauthenticated", Value::Null) => {}
            ("camsUnauthenticated", Value::Bool(allowed)) => options.cams_unauthenticated = allowed,
            ("camsAllowedIps", _) => return Err(refused(format!("option {name:?} must be an array of strings"))),
            ("camsUnauthenticated", _) => return Err(refused(format!("option {name:?} must be a boolean"))),
            _ => return Err(refused(unknown_field("option", &name, &RECEIVER_OPTION_NAMES))),
        }
    }
    Ok(options)
}

/// `Receiver(…)` with the options set, the secrets as `***`.
fn describe(options: &ReceiverOptions) -> String {
    let secrets = [
        ("metaAppSecret", &options.meta_app_secret),
        ("metaVerifyToken", &options.meta_verify_token),
        ("camsToken", &options.cams_token),
    ];
    let mut shown: Vec<String> =
        secrets.iter().filter(|(_, secret)| secret.is_some()).map(|(name, _)| format!("{name}=***")).collect();
    if !options.cams_allowed_ips.is_empty() {
        shown.push(format!("camsAllowedIps=[{}]", options.cams_allowed_ips.join(", ")));
    }
    if options.cams_unauthenticated {
        shown.push("camsUnauthenticated=true".to_owned());
    }
    if let Some(store) = &options.event_store {
        shown.push(format!("eventStore={store}"));
    }
    format!("Receiver({})", shown.join(", "))
}
