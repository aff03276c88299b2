//! The default transport: reqwest over rustls (ring), pooled keep-alive connections.

use std::sync::Once;
use std::time::Duration;

use super::{BoxFuture, HttpRequest, HttpResponse, Transport};
use crate::error::{Error, ErrorCode};

/// Timeouts and pooling of [`ReqwestTransport`].
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
}

impl Default for TransportConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(10),
            pool_idle_timeout: Duration::from_secs(60),
            no_proxy: false,
        }
    }
}

/// reqwest-based [`Transport`]; cheap to clone, connections are shared by clones.
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// Builds the HTTP client (installs the ring TLS provider on first use).
    pub fn new(config: &TransportConfig) -> Result<Self, Error> {
        static TLS_PROVIDER: Once = Once::new();
        TLS_PROVIDER.call_once(|| {
            // Another library may have installed a provider first; either one works.
            let _ = rustls::crypto::ring::default_provider().install_default();
        });
        let mut builder = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .pool_idle_timeout(config.pool_idle_timeout)
            .tcp_nodelay(true)
            .https_only(false);
        if config.no_proxy {
            builder = builder.no_proxy();
        }
        let client = builder
            .build()
            .map_err(|e| Error::new(ErrorCode::InvalidConfig, format!("cannot build the HTTP client: {e}")))?;
        Ok(Self { client })
    }

    async fn execute(&self, request: HttpRequest) -> Result<HttpResponse, Error> {
        let mut builder = self.client.post(&request.url);
        for (name, value) in request.headers {
            builder = builder.header(name, value);
        }
        if !request.body.is_empty() {
            builder = builder.body(request.body);
        }
        let response = builder.send().await.map_err(classify_error)?;
        let status = response.status().as_u16();
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let request_id = header("x-acs-request-id");
        let retry_after_ms = header("x-acs-retry-after").and_then(|v| v.trim().parse::<u64>().ok());
        let body = response.bytes().await.map_err(classify_error)?.to_vec();
        Ok(HttpResponse { status, request_id, retry_after_ms, body })
    }
}

impl Transport for ReqwestTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, Error>> {
        Box::pin(self.execute(request))
    }
}

/// Connect failures provably sent nothing; anything later may have reached the server.
fn classify_error(error: reqwest::Error) -> Error {
    let (connect, timeout) = (error.is_connect(), error.is_timeout());
    let detail = error_chain(&error.without_url());
    if connect {
        let code = if timeout { ErrorCode::ConnectTimeout } else { ErrorCode::Connect };
        return Error::new(code, format!("could not connect: {detail}"));
    }
    let what = if timeout { "no complete answer in time" } else { "the connection failed" };
    Error::new(
        ErrorCode::OutcomeUnknown,
        format!("{what} after the request was sent; it may or may not have been processed: {detail}"),
    )
}

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
