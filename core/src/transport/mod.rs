//! The one piece of I/O: sending a signed HTTP request and reading the answer.
//!
//! [`Transport`] is pluggable (tests and embedders can supply their own); the default is
//! [`ReqwestTransport`], which keeps pooled keep-alive connections.

mod reqwest_transport;

use std::future::Future;
use std::pin::Pin;

pub use reqwest_transport::{ReqwestTransport, TransportConfig};

use crate::error::Error;

/// A signed request, ready to send (`POST`; `host` comes from the URL).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    /// Absolute URL including the query string.
    pub url: String,
    /// Headers other than `host`.
    pub headers: Vec<(&'static str, String)>,
    /// The body (empty for query-only requests).
    pub body: Vec<u8>,
}

/// An answer, reduced to what classification needs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpResponse {
    /// HTTP status code.
    pub status: u16,
    /// The `x-acs-request-id` header, if any.
    pub request_id: Option<String>,
    /// The `x-acs-retry-after` header in milliseconds, if present and numeric.
    pub retry_after_ms: Option<u64>,
    /// The body bytes.
    pub body: Vec<u8>,
}

/// A boxed, sendable future (object-safe async).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Sends requests. Errors are already classified: [`crate::ErrorCode::Connect`] when
/// nothing was sent, [`crate::ErrorCode::OutcomeUnknown`] when the request may have arrived.
pub trait Transport: Send + Sync + 'static {
    /// Sends `request` and returns the complete answer.
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, Error>>;
}
