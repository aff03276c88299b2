//! The one piece of I/O: sending a signed HTTP request and reading the answer.
//!
//! [`Transport`] is pluggable (tests and embedders can supply their own). [`for_endpoint`]
//! picks the default: [`DirectTransport`], pooled HTTP/1.1 keep-alive connections driven
//! inside each request's own task, or [`ReqwestTransport`] when an `HTTP(S)_PROXY` /
//! `ALL_PROXY` variable applies to the endpoint.

mod direct;
mod reqwest_transport;
#[cfg(test)]
pub(crate) mod scripted;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use hyper_util::client::proxy::matcher::Matcher;

pub use direct::DirectTransport;
pub use reqwest_transport::ReqwestTransport;

use crate::endpoint::Endpoint;
use crate::error::{Error, ErrorCode};

/// A request, ready to send: an absolute `http`/`https` URI, its headers (`host` included
/// when the sender signs it; otherwise the transport adds it from the URI) and its body.
/// chatlane's own requests are `POST`s built and signed by [`crate::cams::request::build`].
pub type HttpRequest = http::Request<Bytes>;

/// An answer, reduced to what classification needs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpResponse {
    /// HTTP status code.
    pub status: u16,
    /// The provider's request ID header, if any: `x-acs-request-id` (CAMS), else Meta's
    /// trace ID ([`crate::meta::unverified::TRACE_ID_HEADER`]).
    pub request_id: Option<String>,
    /// The delay the server asked for, in milliseconds: `x-acs-retry-after` (milliseconds),
    /// else a standard `Retry-After` in delta-seconds. Absent when neither is a whole number
    /// (an HTTP-date `Retry-After` counts as absent).
    pub retry_after_ms: Option<u64>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The parts of an answer classification reads: the status, the request ID header, the
    /// retry-after headers (see [`Self::retry_after_ms`]) and the body.
    pub fn from_parts(status: http::StatusCode, headers: &http::HeaderMap, body: Vec<u8>) -> Self {
        let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
        let whole_number = |name: &str| header(name).and_then(|value| value.trim().parse::<u64>().ok());
        let retry_after_ms =
            whole_number("x-acs-retry-after").or_else(|| whole_number("retry-after").map(|s| s.saturating_mul(1000)));
        Self {
            status: status.as_u16(),
            request_id: header("x-acs-request-id")
                .or_else(|| header(crate::meta::unverified::TRACE_ID_HEADER))
                .map(str::to_owned),
            retry_after_ms,
            body,
        }
    }
}

/// A boxed, sendable future (object-safe async).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Sends requests. Errors are already classified: [`crate::ErrorCode::Connect`] when
/// nothing was sent, [`crate::ErrorCode::OutcomeUnknown`] when the request may have arrived.
pub trait Transport: Send + Sync + 'static {
    /// Sends `request` and returns the complete answer.
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, Error>>;
}

/// A per-request override of [`TransportConfig::request_timeout`], carried in the request's
/// extensions (a send's own timeout, `SendOptions::request_timeout`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestTimeout(pub Duration);

/// The whole-request timeout of `request`: its own, else `config`'s.
fn request_timeout(config: &TransportConfig, request: &HttpRequest) -> Duration {
    request.extensions().get::<RequestTimeout>().map_or(config.request_timeout, |own| own.0)
}

/// Timeouts, pooling and trust of the default transports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransportConfig {
    /// Time allowed to establish a connection (TCP + TLS).
    pub connect_timeout: Duration,
    /// Time allowed for the whole request, from sending to the last byte of the answer.
    pub request_timeout: Duration,
    /// How long an idle keep-alive connection is kept for reuse.
    pub pool_idle_timeout: Duration,
    /// Ignore `HTTP(S)_PROXY` variables (always true for loopback endpoints).
    pub no_proxy: bool,
    /// DER-encoded certificates trusted in addition to the default roots (the platform's, or
    /// Mozilla's compiled in with the feature `bundled-roots`): a private CA, or a
    /// TLS-inspecting corporate proxy.
    pub extra_root_certificates: Vec<Vec<u8>>,
    /// A proxy that carries every request, loopback endpoints included, instead of the
    /// `HTTP(S)_PROXY` variables.
    pub proxy: Option<ProxyUrl>,
}

/// An `http://` or `https://` proxy URL, perhaps with `user:password@`; `Debug` hides the
/// password.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyUrl(url::Url);

impl ProxyUrl {
    /// Parses and checks a proxy URL: `http(s)://[user:password@]host[:port]`. The error
    /// never quotes the URL, which may hold a password.
    pub fn parse(input: &str) -> Result<Self, Error> {
        let invalid = |why: &str| Error::new(ErrorCode::InvalidConfig, format!("the proxy URL {why}"));
        let url = url::Url::parse(input).map_err(|e| invalid(&format!("is not a URL ({e})")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("must be an http:// or https:// URL"));
        }
        if url.host_str().is_none_or(str::is_empty) || !matches!(url.path(), "" | "/") || url.query().is_some() {
            return Err(invalid("must be scheme://host[:port], without a path or query"));
        }
        Ok(Self(url))
    }

    /// The URL, password included (hand it only to the HTTP client).
    pub fn expose(&self) -> &str {
        self.0.as_str()
    }
}

impl std::fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ProxyUrl({})", crate::endpoint::redacted(self.0.as_str()))
    }
}

impl Default for TransportConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(10),
            pool_idle_timeout: Duration::from_secs(60),
            no_proxy: false,
            extra_root_certificates: Vec::new(),
            proxy: None,
        }
    }
}

/// The transport for `endpoint`: [`ReqwestTransport`] when `config.proxy` is set or the
/// environment routes the endpoint through a proxy (and `config.no_proxy` is false),
/// [`DirectTransport`] otherwise.
pub fn for_endpoint(endpoint: &Endpoint, config: &TransportConfig) -> Result<Arc<dyn Transport>, Error> {
    if config.proxy.is_some() || (!config.no_proxy && is_proxied(endpoint, &Matcher::from_env())) {
        Ok(Arc::new(ReqwestTransport::new(config)?))
    } else {
        Ok(Arc::new(DirectTransport::new(config)?))
    }
}

/// Whether `proxies` intercepts requests to `endpoint`.
fn is_proxied(endpoint: &Endpoint, proxies: &Matcher) -> bool {
    endpoint.request_uri("").is_ok_and(|uri| proxies.intercept(&uri).is_some())
}

/// A connect failure: provably nothing was sent.
fn connect_error(timed_out: bool, detail: &str) -> Error {
    let code = if timed_out { ErrorCode::ConnectTimeout } else { ErrorCode::Connect };
    Error::new(code, format!("could not connect: {detail}"))
}

/// A failure after the request may have been written: it may or may not have been processed.
fn outcome_unknown(timed_out: bool, detail: &str) -> Error {
    let what = if timed_out { "no complete answer in time" } else { "the connection failed" };
    Error::new(
        ErrorCode::OutcomeUnknown,
        format!("{what} after the request was sent; it may or may not have been processed: {detail}"),
    )
}

/// `error` and its sources, joined with `": "`.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn retry_after_ms(headers: &[(&'static str, &'static str)]) -> Option<u64> {
        let headers =
            headers.iter().map(|(k, v)| (http::HeaderName::from_static(k), http::HeaderValue::from_static(v)));
        HttpResponse::from_parts(http::StatusCode::TOO_MANY_REQUESTS, &headers.collect(), Vec::new()).retry_after_ms
    }

    #[test]
    fn retry_after_comes_from_the_acs_header_in_ms_else_the_standard_one_in_seconds() {
        assert_eq!(retry_after_ms(&[("x-acs-retry-after", "250")]), Some(250));
        assert_eq!(retry_after_ms(&[("retry-after", " 2 ")]), Some(2000));
        assert_eq!(retry_after_ms(&[("retry-after", "2"), ("x-acs-retry-after", "250")]), Some(250));
        assert_eq!(retry_after_ms(&[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")]), None);
        assert_eq!(retry_after_ms(&[("x-acs-retry-after", "soon")]), None);
        assert_eq!(retry_after_ms(&[]), None);
    }

    #[test]
    fn a_proxy_applies_unless_no_proxy_names_the_host() {
        let endpoint = Endpoint::parse("https://cams.ap-southeast-1.aliyuncs.com").unwrap();
        let proxies = |no: &str| Matcher::builder().https("http://proxy.internal:3128").no(no).build();
        assert!(is_proxied(&endpoint, &proxies("")));
        assert!(!is_proxied(&endpoint, &proxies(".aliyuncs.com")));
        assert!(!is_proxied(&endpoint, &Matcher::builder().http("http://proxy.internal:3128").build()));
    }

    #[test]
    fn the_proxy_transport_refuses_an_unusable_extra_root_too() {
        let config = TransportConfig {
            extra_root_certificates: vec![b"not a certificate".to_vec()],
            ..TransportConfig::default()
        };
        assert_eq!(ReqwestTransport::new(&config).unwrap_err().code(), ErrorCode::InvalidConfig);
    }
}
