//! Node.js binding of chatlane: a thin napi-rs layer over `chatlane-core`.
//!
//! It converts JS values into core types once, runs sends on the core's runtime, and
//! projects every core [`Error`] into a JS `Error` that keeps all its fields (`code`,
//! `category`, `platformCode`, `requestId`, …). The `chatlane` package's `index.js` turns
//! those into the `ChatlaneError` class hierarchy, built from [`error_classes`].

use chatlane_core::{Client, ClientConfig, ClientOptions, Error, ErrorCategory, ErrorCode, Message, SendReceipt};
use napi::bindgen_prelude::{FromNapiValue, JsObjectValue, Object, PromiseRaw, Unknown};
use napi::{Env, JsValue, Status};
use napi_derive::napi;
use serde_json::{Map, Value};

/// The `user-agent` of every request this binding sends.
const USER_AGENT: &str = concat!("chatlane-node/", env!("CARGO_PKG_VERSION"));

/// The option names the `Client` constructor accepts.
const OPTION_NAMES: [&str; 7] = [
    "accessKeyId",
    "accessKeySecret",
    "securityToken",
    "endpoint",
    "custSpaceId",
    "connectTimeoutMs",
    "requestTimeoutMs",
];

/// What a successful send resolves with.
#[napi(object)]
pub struct Receipt {
    /// The platform's `MessageId`; status receipts carry the same ID.
    pub message_id: String,
    /// The platform's `RequestId` (quote it to support).
    pub request_id: String,
}

impl From<SendReceipt> for Receipt {
    fn from(receipt: SendReceipt) -> Self {
        Self { message_id: receipt.message_id, request_id: receipt.request_id }
    }
}

/// One reason a message failed validation, as JS sees it.
#[napi(object, js_name = "Violation")]
pub struct JsViolation {
    /// Stable machine code, e.g. `required`.
    pub code: String,
    /// Field path in the message, e.g. `text.text`.
    pub path: String,
    /// Readable explanation.
    pub message: String,
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

/// The native CAMS client the `chatlane` package's `Client` wraps.
#[napi]
pub struct NativeClient {
    inner: Client,
}

#[napi]
impl NativeClient {
    /// Builds a client from an options object; credentials fall back to the
    /// `ALIBABA_CLOUD_*` environment. Throws a JS error carrying the core error's fields.
    #[napi(constructor)]
    pub fn new(env: Env, options: Option<Unknown>) -> napi::Result<Self> {
        client_from(options).map(|inner| Self { inner }).map_err(|error| rethrowable(&env, &error))
    }

    /// Validates and sends one message (its JSON shape, e.g.
    /// `{type: 'text', from, to, text}`). Resolves with a [`Receipt`]; rejects with a JS
    /// error carrying the core error's fields. Never blocks the event loop.
    #[napi(ts_return_type = "Promise<Receipt>")]
    pub fn send<'env>(&self, env: &'env Env, message: Unknown) -> napi::Result<PromiseRaw<'env, Receipt>> {
        let message = Value::from_unknown(message)
            .map_err(|e| Error::new(ErrorCode::InvalidMessage, format!("not a valid message: {}", e.reason)))
            .and_then(Message::from_json_value);
        let client = self.inner.clone();
        let outcome = async move {
            let message = message?;
            chatlane_core::runtime::run(async move { client.send(&message).await }).await
        };
        env.spawn_future_with_callback(async move { Ok(outcome.await) }, |env, outcome| match outcome {
            Ok(receipt) => Ok(Receipt::from(receipt)),
            Err(error) => Err(rethrowable(env, &error)),
        })
    }

    /// The endpoint requests go to, e.g. `https://cams.ap-southeast-1.aliyuncs.com/`.
    #[napi(getter)]
    pub fn endpoint(&self) -> String {
        self.inner.config().endpoint.base_url().to_string()
    }

    /// The AccessKey ID requests are signed with (not secret).
    #[napi(getter)]
    pub fn access_key_id(&self) -> String {
        self.inner.config().credentials.access_key_id().to_owned()
    }

    /// The default `CustSpaceId`, if any.
    #[napi(getter)]
    pub fn cust_space_id(&self) -> Option<String> {
        self.inner.config().cust_space_id.clone()
    }

    /// A description without secrets, e.g. `Client(endpoint=…, accessKeyId=…)`.
    #[napi(js_name = "toString")]
    pub fn describe(&self) -> String {
        format!("Client(endpoint={}, accessKeyId={})", self.endpoint(), self.access_key_id())
    }
}

/// Resolves JS options into a core client.
fn client_from(options: Option<Unknown>) -> Result<Client, Error> {
    let value = match options {
        Some(options) => Value::from_unknown(options).map_err(|_| invalid_options("options must be a plain object"))?,
        None => Value::Null,
    };
    Client::new(ClientConfig::from_options(client_options(value)?)?)
}

/// Maps the options object onto [`ClientOptions`], naming (never echoing) bad values.
fn client_options(value: Value) -> Result<ClientOptions, Error> {
    let fields = match value {
        Value::Null => Map::new(),
        Value::Object(fields) => fields,
        _ => return Err(invalid_options("options must be a plain object")),
    };
    let mut options = ClientOptions { user_agent: Some(USER_AGENT.to_owned()), ..ClientOptions::default() };
    for (name, value) in fields {
        match name.as_str() {
            "accessKeyId" => options.access_key_id = string_option(&name, value)?,
            "accessKeySecret" => options.access_key_secret = string_option(&name, value)?,
            "securityToken" => options.security_token = string_option(&name, value)?,
            "endpoint" => options.endpoint = string_option(&name, value)?,
            "custSpaceId" => options.cust_space_id = string_option(&name, value)?,
            "connectTimeoutMs" => options.connect_timeout_ms = millis_option(&name, value)?,
            "requestTimeoutMs" => options.request_timeout_ms = millis_option(&name, value)?,
            _ => {
                return Err(invalid_options(&format!(
                    "unknown option {name:?}; expected one of {}",
                    OPTION_NAMES.join(", ")
                )));
            }
        }
    }
    Ok(options)
}

/// A string option; `null` counts as absent.
fn string_option(name: &str, value: Value) -> Result<Option<String>, Error> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        _ => Err(invalid_options(&format!("option {name:?} must be a string"))),
    }
}

/// A whole number of milliseconds; `null` counts as absent.
fn millis_option(name: &str, value: Value) -> Result<Option<u64>, Error> {
    let millis = match &value {
        Value::Null => return Ok(None),
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64().filter(|f| f.fract() == 0.0 && (0.0..=9_007_199_254_740_991.0).contains(f)).map(|f| f as u64)
        }),
        _ => None,
    };
    millis.map(Some).ok_or_else(|| {
        invalid_options(&format!("option {name:?} must be a whole, non-negative number of milliseconds"))
    })
}

/// The configuration error for options that cannot be read.
fn invalid_options(why: &str) -> Error {
    Error::new(ErrorCode::InvalidConfig, format!("invalid client options: {why}"))
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
    let violations: Vec<JsViolation> = error
        .violations()
        .iter()
        .map(|v| JsViolation { code: v.code.to_owned(), path: v.path.clone(), message: v.message.clone() })
        .collect();
    object.set_named_property("violations", violations)?;
    Ok(object)
}
