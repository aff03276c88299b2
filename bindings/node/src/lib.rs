//! Node.js binding of chatlane: a thin napi-rs layer over `chatlane-core`.
//!
//! Messages cross as JSON text: the `chatlane` package's `index.js` hands over
//! `JSON.stringify(message)`, and the text becomes a core [`Message`] or [`MassMessage`]
//! once per call (for sends on napi's runtime, off the JS thread). V8's `JSON.stringify`
//! plus one string costs half of reading the object property by property through Node-API
//! (napi's serde conversion), and whole numbers beyond 32 bits stay whole (napi's turns them
//! into floats). Every core [`Error`] is projected into a JS `Error` that keeps all its
//! fields (`code`, `category`, `platformCode`, `requestId`, …); `index.js` turns those into
//! the `ChatlaneError` class hierarchy, built from [`error_classes`].
//!
//! Every promise settles through the `completions` module: finished calls are queued for
//! their JS environment, whose thread is woken once per batch by one long-lived threadsafe
//! function (napi's own promise bridge creates one per promise).
//!
//! Meta's Cloud API goes through the same client (`provider: 'meta'`); the `oauth` module
//! holds Meta's OAuth (`MetaApp`) and the tokens it gives, the `renewal` module a client's
//! token handed over whole and renewed before it expires. The `events` module reads received
//! webhooks through the core; the `receiver` module answers them (`Receiver`), off the JS
//! thread. The `ops` module holds the client's operations beyond sending (history,
//! templates, phone numbers) and the wire parameters of their queries; the `reconcile` module
//! the reconciling of sends of unknown outcome.

mod completions;
pub mod events;
mod oauth;
mod observe;
pub mod ops;
mod provider;
mod reconcile;
mod receiver;
mod renewal;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use chatlane_core::cams::wire::{Defaults, Params};
use chatlane_core::oauth::TokenSource;
use chatlane_core::runtime::{self, Cancellation};
use chatlane_core::validate::{self, HostProblem, Violation};
use chatlane_core::{
    Api, Client, ClientConfig, ClientOptions, Credentials, Dialect, Error, ErrorCategory, ErrorCode, HostValue,
    MassMessage, Message, Outgoing, ProviderKind, SendObserver, SendOptions, SendReceipt, meta,
};
use napi::bindgen_prelude::{ClassInstance, FromNapiValue, JsObjectValue, Object, PromiseRaw, Unknown};
use napi::{Env, JsValue, Status, ValueType};
use napi_derive::napi;
use serde_json::Value;

use crate::completions::settled;
use crate::oauth::{TokenArgument, access_token};
use crate::provider::{JsCredentialsProvider, JsProviderFunction};
use crate::renewal::TokenSettings;

/// The `user-agent` of every request this binding sends.
const USER_AGENT: &str = concat!("chatlane-node/", env!("CARGO_PKG_VERSION"));

/// The field names `setCredentials` accepts.
const CREDENTIAL_NAMES: [&str; 3] = ["accessKeyId", "accessKeySecret", "securityToken"];

/// The field names of `violations`' options.
const VALIDATION_OPTION_NAMES: [&str; 1] = ["provider"];

/// What a successful send resolves with.
#[napi(object)]
pub struct Receipt {
    /// The platform's `MessageId` (for a mass send, the `GroupMessageId`; Meta's `wamid.…`);
    /// status receipts carry the same ID.
    pub message_id: String,
    /// The platform's `RequestId` (Meta's `fbtrace_id`; quote it to support).
    pub request_id: String,
    /// The `TaskId` that went on the wire: the message's, or a generated 32-hex one.
    pub task_id: String,
    /// How many requests it took (more than 1 after a throttle or a refused connection).
    pub attempts: u32,
    /// Whether the recipient's 24-hour window was closed and the fallback template went instead.
    pub fallback: bool,
}

impl From<SendReceipt> for Receipt {
    fn from(receipt: SendReceipt) -> Self {
        Self {
            message_id: receipt.message_id,
            request_id: receipt.request_id,
            task_id: receipt.task_id,
            attempts: receipt.attempts,
            fallback: receipt.fallback,
        }
    }
}

/// One reason a message failed validation, as JS sees it.
#[napi(object, js_name = "Violation")]
pub struct JsViolation {
    /// Stable machine code, e.g. `required`.
    pub code: String,
    /// Field path in the message, e.g. `content.action.buttons[0].reply.title`.
    pub path: String,
    /// Readable explanation.
    pub message: String,
}

impl From<&Violation> for JsViolation {
    fn from(violation: &Violation) -> Self {
        Self { code: violation.code.to_owned(), path: violation.path.clone(), message: violation.message.clone() }
    }
}

/// One error category and the JS class that represents it.
#[napi(object)]
pub struct ErrorClass {
    /// The category, e.g. `authentication`.
    pub category: String,
    /// The class name, e.g. `AuthenticationError`.
    pub class_name: String,
}

/// One error code and its category.
#[napi(object)]
pub struct ErrorCodeInfo {
    /// The code, e.g. `SignatureMismatch`.
    pub code: String,
    /// Its category, e.g. `authentication`.
    pub category: String,
}

/// Every error category with its class name, in the core's order.
#[napi]
pub fn error_classes() -> Vec<ErrorClass> {
    ErrorCategory::ALL
        .iter()
        .map(|c| ErrorClass { category: c.as_str().to_owned(), class_name: c.class_name().to_owned() })
        .collect()
}

/// Every error code with its category, in the core's order.
#[napi]
pub fn error_codes() -> Vec<ErrorCodeInfo> {
    ErrorCode::ALL
        .iter()
        .map(|c| ErrorCodeInfo { code: c.as_str().to_owned(), category: c.category().as_str().to_owned() })
        .collect()
}

/// Every violation in a message (its JSON text) as a send through the provider `options`
/// names (`{provider: 'cams' | 'meta'}`, CAMS by default); empty when it can be sent. Throws
/// a JS error carrying the core error's fields when the JSON is not a message at all or the
/// options are unusable.
#[napi(ts_args_type = "message: string, options?: unknown")]
pub fn violations(env: &Env, message: String, options: Option<Unknown>) -> napi::Result<Vec<JsViolation>> {
    guarded(env, || {
        let provider = validator(options).map_err(|error| rethrowable(env, &error))?;
        violations_of(env, &message, |message: &Message| provider.violations(message))
    })
}

/// [`violations`] for a mass send (CAMS only: Meta has none).
#[napi]
pub fn mass_violations(env: &Env, message: String) -> napi::Result<Vec<JsViolation>> {
    guarded(env, || violations_of::<MassMessage>(env, &message, Outgoing::violations))
}

/// The `SendChatappMessage` parameters a message (its JSON text) goes on the wire with,
/// without the client's defaults (`CustSpaceId`, a generated `TaskId`); not validated, as
/// in every language. Throws a JS error carrying the core error's fields when the JSON is
/// not a message at all.
#[napi(ts_return_type = "Record<string, string>")]
pub fn wire_params<'env>(env: &'env Env, message: String) -> napi::Result<Object<'env>> {
    guarded(env, || wire_params_of::<Message>(env, &message))
}

/// [`wire_params`] for a mass send (`SendChatappMassMessage`).
#[napi(ts_return_type = "Record<string, string>")]
pub fn mass_wire_params<'env>(env: &'env Env, message: String) -> napi::Result<Object<'env>> {
    guarded(env, || wire_params_of::<MassMessage>(env, &message))
}

/// The JSON text of the body Meta's Cloud API receives for a message (its JSON text):
/// `POST /{version}/{phone-number-id}/messages` with `task_id` (by default the message's own
/// `taskId`) as `biz_opaque_callback_data`; not validated, as [`wire_params`]. Throws a JS
/// error carrying the core error's fields when the JSON is not a message at all.
#[napi]
pub fn meta_body(env: &Env, message: String, task_id: Option<String>) -> napi::Result<String> {
    guarded(env, || {
        let message = Message::from_json_text(&message).map_err(|error| rethrowable(env, &error))?;
        let task_id = task_id.as_deref().or(message.task_id.as_deref());
        Ok(String::from_utf8(meta::message_json(&message, task_id)).expect("serde_json writes UTF-8"))
    })
}

/// Throws the `InvalidMessage` error for data `index.js` found that JSON cannot carry:
/// `problem` is `nonFinite` or `loneSurrogate`, at `path` in the message.
#[napi]
pub fn unreadable_message(env: &Env, problem: String, path: String) -> napi::Result<()> {
    let problem = match problem.as_str() {
        "nonFinite" => HostProblem::NonFinite,
        "loneSurrogate" => HostProblem::LoneSurrogate,
        other => return Err(napi::Error::new(Status::InvalidArg, format!("unknown problem {other:?}"))),
    };
    Err(rethrowable(env, &validate::invalid(vec![problem.at(path)])))
}

/// Test hook, built with the `test-hooks` feature only: panics inside the guard every
/// synchronous function runs in, and throws the resulting `Internal` error.
#[cfg(feature = "test-hooks")]
#[napi]
pub fn panic_probe_sync(env: &Env) -> napi::Result<()> {
    guarded(env, || chatlane_core::runtime::panic_now().map_err(|error| rethrowable(env, &error)))
}

/// Test hook, built with the `test-hooks` feature only: panics inside the core through the
/// boundary every send crosses, and rejects with the resulting `Internal` error (the
/// process keeps running).
#[cfg(feature = "test-hooks")]
#[napi(ts_return_type = "Promise<void>")]
pub fn panic_probe(env: &Env) -> napi::Result<PromiseRaw<'_, ()>> {
    settled(env, chatlane_core::runtime::panicking())
}

/// The native client (CAMS or Meta) the `chatlane` package's `Client` wraps.
#[napi]
pub struct NativeClient {
    inner: Client,
}

#[napi]
impl NativeClient {
    /// Builds a client from an options object (data only), the function that provides its
    /// credentials, if any (without one, credentials come from the options or the default
    /// chain), `observer`, `(kind, event) => void`, which receives every retry and outcome
    /// (see `observe`), and a Meta token handed over whole, if any (see `renewal`; without
    /// one, a Meta token comes from the options). Throws a JS error carrying the core error's
    /// fields.
    #[napi(
        constructor,
        ts_args_type = "options?: unknown, provider?: () => Promise<unknown>, observer?: (kind: 'retry' | 'outcome', event: RetryEvent | OutcomeEvent) => void, token?: TokenSettings"
    )]
    pub fn new(
        env: Env,
        options: Option<Unknown>,
        provider: Option<JsProviderFunction>,
        observer: Option<observe::Dispatcher>,
        token: Option<TokenSettings>,
    ) -> napi::Result<Self> {
        guarded(&env, || {
            let provider = provider.as_ref().map(JsCredentialsProvider::new).transpose()?;
            let observer = observer.as_ref().map(observe::observer).transpose()?;
            let token = token.map(|settings| renewal::token_source(&env, settings)).transpose()?;
            client_from(options, provider, observer, token)
                .map(|inner| Self { inner })
                .map_err(|error| rethrowable(&env, &error))
        })
    }

    /// Validates and sends one message (its JSON text), with this send's own `settings`
    /// (`{timeoutMs}`). Resolves with a [`Receipt`], or with `null` once `cancel` is cancelled
    /// (then nothing more is sent); rejects with a JS error carrying the core error's fields.
    /// Never blocks the event loop.
    #[napi(
        ts_return_type = "Promise<Receipt | null>",
        ts_args_type = "message: string, cancel?: NativeCancellation | undefined | null, settings?: unknown"
    )]
    pub fn send<'env>(
        &self,
        env: &'env Env,
        message: String,
        cancel: Option<ClassInstance<'env, NativeCancellation>>,
        settings: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, Option<Receipt>>> {
        self.dispatch::<Message>(env, message, cancel, settings)
    }

    /// [`NativeClient::send`] for one template to many recipients (`SendChatappMassMessage`);
    /// the receipt's `messageId` is the `GroupMessageId`.
    #[napi(
        ts_return_type = "Promise<Receipt | null>",
        ts_args_type = "message: string, cancel?: NativeCancellation | undefined | null, settings?: unknown"
    )]
    pub fn send_mass<'env>(
        &self,
        env: &'env Env,
        message: String,
        cancel: Option<ClassInstance<'env, NativeCancellation>>,
        settings: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, Option<Receipt>>> {
        self.dispatch::<MassMessage>(env, message, cancel, settings)
    }

    /// Replaces the credentials (`{accessKeyId, accessKeySecret, securityToken?}`, e.g. a
    /// refreshed STS token) for every later send, keeping the client's connections and
    /// pacing. Throws a JS error carrying the core error's fields for unusable credentials,
    /// or on a Meta client (it sends with a token).
    #[napi(ts_args_type = "credentials: unknown")]
    pub fn set_credentials(&self, env: &Env, credentials: Unknown) -> napi::Result<()> {
        guarded(env, || {
            let credentials = credentials_from(credentials).map_err(|error| rethrowable(env, &error))?;
            self.inner.set_credentials(credentials).map_err(|error| rethrowable(env, &error))
        })
    }

    /// Replaces a Meta client's bearer token (a string, or a token a `MetaApp` call gave,
    /// with its expiry and scopes) for every later send, keeping the client's connections and
    /// pacing; resolves once it is in use (after a renewal under way). Rejects with a JS
    /// error carrying the core error's fields for an unusable token, or on a CAMS client.
    #[napi(ts_args_type = "token: string | NativeAccessToken", ts_return_type = "Promise<void>")]
    pub fn set_access_token<'env>(
        &self,
        env: &'env Env,
        token: TokenArgument<'env>,
    ) -> napi::Result<PromiseRaw<'env, ()>> {
        let (client, token) = (self.inner.clone(), access_token(token));
        guarded(env, || settled(env, async move { client.set_access_token(token).await }))
    }

    /// The API this client sends through: `cams` or `meta`.
    #[napi(getter, ts_return_type = "'cams' | 'meta'")]
    pub fn provider(&self) -> String {
        self.inner.config().provider().as_str().to_owned()
    }

    /// The endpoint requests go to, e.g. `https://cams.ap-southeast-1.aliyuncs.com/`.
    #[napi(getter)]
    pub fn endpoint(&self) -> String {
        self.inner.config().endpoint.base_url().to_string()
    }

    /// The AccessKey ID requests are signed with now (not secret); `null` while a RAM
    /// role's credentials have not been fetched yet.
    #[napi(getter)]
    pub fn access_key_id(&self) -> Option<String> {
        self.inner.credentials().map(|c| c.access_key_id().to_owned())
    }

    /// The default `CustSpaceId` of a CAMS client, if any.
    #[napi(getter)]
    pub fn cust_space_id(&self) -> Option<String> {
        self.inner.config().cust_space_id().map(str::to_owned)
    }

    /// A description without secrets, e.g. `Client(endpoint=…, accessKeyId=…)`, or
    /// `Client(provider=meta, endpoint=…, graphVersion=…)`.
    #[napi(js_name = "toString")]
    pub fn describe(&self) -> String {
        match &self.inner.config().api {
            Api::Cams(_) => {
                let key = self.access_key_id().unwrap_or_else(|| "(not fetched yet)".to_owned());
                format!("Client(endpoint={}, accessKeyId={key})", self.endpoint())
            }
            Api::Meta(meta) => {
                format!("Client(provider=meta, endpoint={}, graphVersion={})", self.endpoint(), meta.graph_version)
            }
        }
    }
}

impl NativeClient {
    /// The promise of parsing `text` as an `M` and sending it, both polled on napi's own
    /// tokio runtime (no second hop to the core's runtime), until `cancel` is cancelled.
    fn dispatch<'env, M: Outgoing>(
        &self,
        env: &'env Env,
        text: String,
        cancel: Option<ClassInstance<'env, NativeCancellation>>,
        settings: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, Option<Receipt>>> {
        let options = send_options(settings).map_err(|error| rethrowable(env, &error))?;
        let client = self.inner.clone();
        let cancellation = cancel.map(|cancel| cancel.0.clone());
        settled(env, async move {
            let send = async { client.send_with(&M::from_json_text(&text)?, options).await.map(Receipt::from) };
            until_cancelled(send, cancellation).await
        })
    }
}

/// What `call` finished with, or `None` once `cancellation` (if any) is cancelled first.
async fn until_cancelled<T>(
    call: impl Future<Output = Result<T, Error>>,
    cancellation: Option<Cancellation>,
) -> Result<Option<T>, Error> {
    match cancellation {
        Some(cancellation) => runtime::cancellable(call, &cancellation).await.transpose(),
        None => call.await.map(Some),
    }
}

/// The native end of an `AbortSignal`: the `chatlane` package makes one for each send or
/// call given a signal, and cancels it when the signal aborts.
#[napi]
#[derive(Default)]
pub struct NativeCancellation(Cancellation);

#[napi]
impl NativeCancellation {
    /// A cancellation not cancelled yet.
    #[napi(constructor)]
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancels the send or call: one waiting for a pacing slot or a retry backoff never goes
    /// out; a send whose request is on its way has an unknown outcome.
    #[napi]
    pub fn cancel(&self) {
        self.0.cancel();
    }
}

/// The violations `check` finds in the `M` in `text`, as JS values.
fn violations_of<M: Outgoing>(
    env: &Env,
    text: &str,
    check: impl Fn(&M) -> Vec<Violation>,
) -> napi::Result<Vec<JsViolation>> {
    let message = M::from_json_text(text).map_err(|error| rethrowable(env, &error))?;
    Ok(check(&message).iter().map(JsViolation::from).collect())
}

/// The rules of the provider `options` name (`{provider}`): CAMS's unless it is `meta`.
fn validator(options: Option<Unknown>) -> Result<ProviderKind, Error> {
    let refused = |why: String| invalid("validation options", &why);
    let fields = plain_object(options).and_then(|object| string_fields(object, &VALIDATION_OPTION_NAMES));
    let [provider] = fields.map_err(refused)?;
    Ok(provider.as_deref().map(ProviderKind::parse).transpose()?.unwrap_or_default())
}

/// The wire parameters of the `M` in `text` as a JS object, in wire order.
fn wire_params_of<'env, M: Outgoing>(env: &'env Env, text: &str) -> napi::Result<Object<'env>> {
    let params = M::from_json_text(text).map_err(|error| rethrowable(env, &error))?.wire_params(Defaults::default());
    params_object(env, &params)
}

/// Wire parameters as a JS object, in wire order.
fn params_object<'env>(env: &'env Env, params: &Params) -> napi::Result<Object<'env>> {
    let mut object = Object::new(env)?;
    for (name, value) in params.iter() {
        object.set_named_property(name, value)?;
    }
    Ok(object)
}

/// Resolves JS options into a core client with its credentials `provider` or its Meta
/// `token`, if any, and `observer`; the core reads and judges every value.
fn client_from(
    options: Option<Unknown>,
    provider: Option<JsCredentialsProvider>,
    observer: Option<Arc<dyn SendObserver>>,
    token: Option<TokenSource>,
) -> Result<Client, Error> {
    let fields = host_fields(options).map_err(|why| invalid("client options", &why))?;
    let options = ClientOptions::from_host(Dialect::JavaScript, fields.iter().map(|(n, v)| (n.as_str(), v.clone())))?;
    let options = ClientOptions { user_agent: Some(USER_AGENT.to_owned()), ..options };
    let config = match (provider, token) {
        (Some(_), Some(_)) => {
            let why = "a credentialsProvider is for cams, an AccessToken or renewWith for meta: give one, not both";
            return Err(invalid("client options", why));
        }
        (Some(provider), None) => ClientConfig::from_options_with_provider(options, Arc::new(provider))?,
        (None, Some(token)) => ClientConfig::from_options_with_token(options, token)?,
        (None, None) => ClientConfig::from_options(options)?,
    };
    Client::new(ClientConfig { observer, ..config })
}

/// The defined properties of an options object as the core's [`HostValue`]s, in property
/// order; `null`/`undefined` is no options.
fn host_fields(value: Option<Unknown>) -> Result<Vec<(String, HostValue)>, String> {
    let Some(object) = plain_object(value)? else { return Ok(Vec::new()) };
    let unreadable = |_| "expected a plain object".to_owned();
    let mut fields = Vec::new();
    for name in Object::keys(&object).map_err(unreadable)? {
        let field: Unknown = object.get_named_property(&name).map_err(unreadable)?;
        let value = match field.get_type().map_err(unreadable)? {
            ValueType::Undefined => continue,
            ValueType::Null => HostValue::Absent,
            ValueType::Boolean => HostValue::Bool(bool::from_unknown(field).map_err(unreadable)?),
            ValueType::Number => {
                let number = f64::from_unknown(field).map_err(unreadable)?;
                if number.fract() == 0.0 && number.abs() <= MAX_SAFE_INTEGER {
                    HostValue::Integer(number as i128)
                } else {
                    HostValue::Float(number)
                }
            }
            ValueType::String => HostValue::Text(String::from_unknown(field).map_err(unreadable)?),
            _ => HostValue::Other,
        };
        fields.push((name, value));
    }
    Ok(fields)
}

/// The largest whole number a JS number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A send's own settings, read by the core like a client's options.
fn send_options(settings: Option<Unknown>) -> Result<SendOptions, Error> {
    let fields = host_fields(settings).map_err(|why| invalid("send options", &why))?;
    SendOptions::from_host(Dialect::JavaScript, fields.iter().map(|(n, v)| (n.as_str(), v.clone())))
}

/// Resolves a `setCredentials` argument: both the ID and the secret, optionally a token.
fn credentials_from(value: Unknown) -> Result<Credentials, Error> {
    let fields = required_object(value).and_then(|object| string_fields(Some(object), &CREDENTIAL_NAMES));
    match fields.map_err(|why| invalid("credentials", &why))? {
        [Some(id), Some(secret), token] => Credentials::new(id, secret, token),
        _ => Err(Error::new(ErrorCode::MissingCredentials, "give both the AccessKey ID and the AccessKey secret")),
    }
}

/// The string values of `object`'s fields in `names` order (`None` for absent ones), naming
/// (never echoing) an unknown field or a value that is not a string.
fn string_fields<const N: usize>(object: Option<Object>, names: &[&str; N]) -> Result<[Option<String>; N], String> {
    let mut values = std::array::from_fn(|_| None);
    for (name, value) in fields(object)? {
        let slot = names.iter().position(|known| *known == name).ok_or_else(|| unknown_field("field", &name, names))?;
        values[slot] = string_option(&name, value)?;
    }
    Ok(values)
}

/// The plain object `value` must be.
fn required_object(value: Unknown) -> Result<Object, String> {
    plain_object(Some(value))?.ok_or_else(|| "expected a plain object".to_owned())
}

/// The plain object `value` holds; `None` for `null`/`undefined`.
fn plain_object(value: Option<Unknown>) -> Result<Option<Object>, String> {
    let Some(value) = value else { return Ok(None) };
    match value.get_type() {
        Ok(ValueType::Null | ValueType::Undefined) => Ok(None),
        Ok(ValueType::Object) if matches!(value.is_array(), Ok(false)) => {
            Object::from_unknown(value).map(Some).map_err(|_| "expected a plain object".to_owned())
        }
        _ => Err("expected a plain object".to_owned()),
    }
}

/// The defined properties of `object` as JSON values, in property order.
fn fields(object: Option<Object>) -> Result<Vec<(String, Value)>, String> {
    let Some(object) = object else { return Ok(Vec::new()) };
    let unreadable = |_| "expected a plain object".to_owned();
    let mut fields = Vec::new();
    for name in Object::keys(&object).map_err(unreadable)? {
        let field: Unknown = object.get_named_property(&name).map_err(unreadable)?;
        if matches!(field.get_type(), Ok(ValueType::Undefined)) {
            continue;
        }
        let value = Value::from_unknown(field)
            .map_err(|_| format!("{name:?} must be plain data, not NaN, Infinity, a function or a symbol"))?;
        fields.push((name, value));
    }
    Ok(fields)
}

/// The reason for a property nobody reads, listing the expected names.
fn unknown_field(kind: &str, name: &str, expected: &[&str]) -> String {
    format!("unknown {kind} {name:?}; expected one of {}", expected.join(", "))
}

/// A string option; `null` counts as absent.
fn string_option(name: &str, value: Value) -> Result<Option<String>, String> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        _ => Err(format!("option {name:?} must be a string")),
    }
}

/// Runs the body of a JS-facing function: a panic inside it throws chatlane's `Internal`
/// error (an `InternalError` in JS) instead of napi's generic one.
fn guarded<T>(env: &Env, body: impl FnOnce() -> napi::Result<T>) -> napi::Result<T> {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|panic| Err(rethrowable(env, &Error::from_panic(&*panic))))
}

/// The configuration error for a JS value that cannot be read as `what`.
fn invalid(what: &str, why: &str) -> Error {
    Error::new(ErrorCode::InvalidConfig, format!("invalid {what}: {why}"))
}

/// A napi error that throws or rejects with the JS projection of `error`.
fn rethrowable(env: &Env, error: &Error) -> napi::Error {
    match js_error(env, error) {
        Ok(object) => napi::Error::from(object.to_unknown()),
        Err(failure) => failure,
    }
}

/// The JS `Error` for a core error, with every field the `chatlane` package documents.
fn js_error<'env>(env: &'env Env, error: &Error) -> napi::Result<Object<'env>> {
    let mut object = env.create_error(napi::Error::new(Status::GenericFailure, error.message()))?;
    object.set_named_property("code", error.code().as_str())?;
    object.set_named_property("category", error.category().as_str())?;
    object.set_named_property("platformCode", error.platform_code())?;
    object.set_named_property("requestId", error.request_id())?;
    object.set_named_property("httpStatus", error.http_status().map(u32::from))?;
    object.set_named_property("retryAfterMs", error.retry_after().map(|d| d.as_millis() as f64))?;
    object.set_named_property("taskId", error.task_id())?;
    object.set_named_property("attempts", error.attempts())?;
    let violations: Vec<JsViolation> = error.violations().iter().map(JsViolation::from).collect();
    object.set_named_property("violations", violations)?;
    Ok(object)
}
