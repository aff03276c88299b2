//! The default transport: HTTP/1.1 over pooled keep-alive connections (rustls for `https`),
//! each driven inside the task of the request using it.

mod connect;
mod connection;
mod pool;

use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderValue, Request};
use http_body_util::Full;
use tokio::time::{Instant, timeout_at};

use self::connect::{Connector, Target};
use self::connection::{Connection, Failure, OutgoingRequest};
use self::pool::Pool;
use super::{BoxFuture, HttpRequest, HttpResponse, Transport, TransportConfig};
use super::{connect_error, error_chain, outcome_unknown};
use crate::error::{Error, ErrorCode};

/// hyper-based [`Transport`] without a proxy; cheap to clone, clones share connections.
///
/// A request that finds its pooled connection closed by the server before writing a byte
/// moves on to the next one (or a new one): only a request that may have reached the server
/// ends as [`ErrorCode::OutcomeUnknown`].
#[derive(Clone)]
pub struct DirectTransport {
    inner: Arc<Inner>,
}

struct Inner {
    connector: Connector,
    pool: Pool,
    config: TransportConfig,
}

impl std::fmt::Debug for DirectTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectTransport").field("config", &self.inner.config).finish_non_exhaustive()
    }
}

impl DirectTransport {
    /// A transport with an empty pool; TLS (rustls with ring) is set up on first use.
    pub fn new(config: &TransportConfig) -> Result<Self, Error> {
        let inner = Inner {
            connector: Connector::new(config)?,
            pool: Pool::new(config.pool_idle_timeout),
            config: config.clone(),
        };
        Ok(Self { inner: Arc::new(inner) })
    }

    async fn execute(&self, request: HttpRequest) -> Result<HttpResponse, Error> {
        let Inner { pool, config, .. } = &*self.inner;
        let deadline = Instant::now() + config.request_timeout;
        let target = Target::parse(&request.url)?;
        let mut request = outgoing(&target, request)?;
        loop {
            let (mut connection, reused) = match pool.take(&target.origin) {
                Some(connection) => (connection, true),
                None => (self.connect(&target, deadline).await?, false),
            };
            let failure = match timeout_at(deadline, connection.exchange(request)).await {
                Ok(Ok((parts, body))) => {
                    pool.put(&target.origin, connection);
                    return Ok(response(&parts, body));
                }
                Ok(Err(failure)) => failure,
                Err(_) => return Err(outcome_unknown(true, "the request timeout elapsed")),
            };
            match failure {
                Failure::Unsent(unsent, _) if reused => request = *unsent,
                Failure::Unsent(_, error) => {
                    return Err(connect_error(
                        false,
                        &format!("the server closed the connection: {}", error_chain(&error)),
                    ));
                }
                Failure::Sent(error) => return Err(outcome_unknown(false, &error_chain(&error))),
            }
        }
    }

    /// A new connection to `target`, within the connect timeout and the request's deadline.
    async fn connect(&self, target: &Target, deadline: Instant) -> Result<Connection, Error> {
        let Inner { connector, config, .. } = &*self.inner;
        let deadline = deadline.min(Instant::now() + config.connect_timeout);
        let opening = async {
            let io = connector.connect(target).await?;
            Connection::handshake(io).await.map_err(|e| error_chain(&e))
        };
        match timeout_at(deadline, opening).await {
            Ok(Ok(connection)) => Ok(connection),
            Ok(Err(detail)) => Err(connect_error(false, &detail)),
            Err(_) => Err(connect_error(true, "the connect timeout elapsed")),
        }
    }
}

impl Transport for DirectTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, Error>> {
        Box::pin(self.execute(request))
    }
}

/// `request` as hyper sends it to `target`: origin-form URI, `host` first.
fn outgoing(target: &Target, request: HttpRequest) -> Result<OutgoingRequest, Error> {
    let mut builder = Request::post(target.path_and_query.clone()).header(http::header::HOST, &target.authority);
    for (name, value) in request.headers {
        builder = builder.header(name, value);
    }
    builder
        .body(Full::new(Bytes::from(request.body)))
        .map_err(|e| Error::new(ErrorCode::InvalidConfig, format!("cannot build the HTTP request: {e}")))
}

/// The parts of an answer classification reads.
fn response(parts: &http::response::Parts, body: Bytes) -> HttpResponse {
    let header = |name: &str| parts.headers.get(name).map(HeaderValue::to_str).and_then(Result::ok);
    HttpResponse {
        status: parts.status.as_u16(),
        request_id: header("x-acs-request-id").map(str::to_owned),
        retry_after_ms: header("x-acs-retry-after").and_then(|v| v.trim().parse().ok()),
        body: body.into(),
    }
}

#[cfg(test)]
mod tests;
