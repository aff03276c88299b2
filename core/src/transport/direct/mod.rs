//! The default transport: HTTP/1.1 over pooled keep-alive connections (rustls for `https`),
//! each driven inside the task of the request using it.

mod connect;
mod connection;
mod pool;

use std::sync::Arc;

use http::header::HOST;
use http::{HeaderMap, HeaderValue, Request, Uri};
use http_body_util::Full;
use tokio::time::{Instant, timeout_at};

#[cfg(feature = "bundled-roots")]
pub(super) use self::connect::tls_config;
use self::connect::{Connector, Origin};
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
    pool: Arc<Pool>,
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
            pool: Arc::new(Pool::new(config.pool_idle_timeout)),
            config: config.clone(),
        };
        Ok(Self { inner: Arc::new(inner) })
    }

    async fn execute(&self, request: HttpRequest) -> Result<HttpResponse, Error> {
        let Inner { pool, config, .. } = &*self.inner;
        let deadline = Instant::now() + super::request_timeout(config, &request);
        let (origin, mut request) = outgoing(request)?;
        loop {
            let (mut connection, reused) = match pool.take(&origin) {
                Some(connection) => (connection, true),
                None => (self.connect(&origin, deadline).await?, false),
            };
            let failure = match timeout_at(deadline, connection.exchange(request)).await {
                Ok(Ok((parts, body))) => {
                    pool.put(&origin, connection);
                    return Ok(HttpResponse::from_parts(parts.status, &parts.headers, body.into()));
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

    /// A new connection to `origin`, within the connect timeout and the request's deadline.
    async fn connect(&self, origin: &Origin, deadline: Instant) -> Result<Connection, Error> {
        let Inner { connector, config, .. } = &*self.inner;
        let deadline = deadline.min(Instant::now() + config.connect_timeout);
        let opening = async {
            let io = connector.connect(origin).await?;
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

/// Where `request` goes, and the request as hyper sends it there: origin-form URI, `host`
/// first (taken from the URI when the request has none).
fn outgoing(request: HttpRequest) -> Result<(Origin, OutgoingRequest), Error> {
    let (mut parts, body) = request.into_parts();
    let origin = Origin::of(&parts.uri)?;
    if !parts.headers.contains_key(HOST) {
        let host = HeaderValue::from_str(origin.authority.as_str())
            .map_err(|e| Error::new(ErrorCode::InvalidConfig, format!("cannot send to {}: {e}", parts.uri)))?;
        let mut headers = HeaderMap::with_capacity(parts.headers.len() + 1);
        headers.insert(HOST, host);
        headers.extend(parts.headers);
        parts.headers = headers;
    }
    parts.uri = parts.uri.path_and_query().map_or_else(|| Uri::from_static("/"), |path| Uri::from(path.clone()));
    Ok((origin, Request::from_parts(parts, Full::new(body))))
}

#[cfg(test)]
mod tests;
