//! One HTTP/1.1 connection, driven by whichever request is using it.
//!
//! hyper splits a connection into a sender and a driver future. Clients usually spawn the
//! driver as its own task; every request then hops between two tasks, and at high
//! concurrency those wake-ups cost more than the request itself. Here a connection serves one
//! request at a time, and that request's task polls the driver alongside its own exchange.

use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};
use std::time::Instant;

use bytes::Bytes;
use http::Request;
use http::response::Parts;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};

/// A byte stream a connection runs over: plain TCP or TLS over TCP.
pub(super) trait Io: AsyncRead + AsyncWrite + Send + Unpin {}

impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}

/// The request type every connection carries.
pub(super) type OutgoingRequest = Request<Full<Bytes>>;

/// The future that reads and writes a connection's socket.
type Driver = http1::Connection<TokioIo<Box<dyn Io>>, Full<Bytes>>;

/// An HTTP/1.1 client connection that is either idle in the pool or serving one request.
pub(super) struct Connection {
    sender: http1::SendRequest<Full<Bytes>>,
    /// `None` once the connection has ended: dropping the driver fails whatever was queued
    /// on the sender (a finished driver must not be polled again).
    driver: Option<Driver>,
    /// When the connection last went back to the pool.
    pub(super) idle_since: Instant,
}

/// Why an exchange failed.
pub(super) enum Failure {
    /// The connection closed before any byte of the request was written; here it is back.
    Unsent(Box<OutgoingRequest>, hyper::Error),
    /// The request may have been written, in part or in full.
    Sent(hyper::Error),
}

impl Connection {
    /// Performs the HTTP/1.1 handshake over `io` (no I/O happens until the first request).
    pub(super) async fn handshake(io: Box<dyn Io>) -> Result<Self, hyper::Error> {
        let (sender, driver) = http1::handshake(TokioIo::new(io)).await?;
        Ok(Self { sender, driver: Some(driver), idle_since: Instant::now() })
    }

    /// Sends `request` and reads the whole answer, driving the connection meanwhile.
    pub(super) async fn exchange(&mut self, request: OutgoingRequest) -> Result<(Parts, Bytes), Failure> {
        let Self { sender, driver, .. } = self;
        let mut exchange = pin!(async move {
            if let Err(error) = sender.ready().await {
                return Err(Failure::Unsent(Box::new(request), error));
            }
            let response =
                sender.try_send_request(request).await.map_err(|mut failed| match failed.take_message() {
                    Some(request) => Failure::Unsent(Box::new(request), failed.into_error()),
                    None => Failure::Sent(failed.into_error()),
                })?;
            let (parts, body) = response.into_parts();
            let body = body.collect().await.map_err(Failure::Sent)?.to_bytes();
            Ok((parts, body))
        });
        poll_fn(|cx| {
            if let Poll::Ready(outcome) = exchange.as_mut().poll(cx) {
                return Poll::Ready(outcome);
            }
            if driver.as_mut().is_some_and(|d| Pin::new(d).poll(cx).is_ready()) {
                // The connection is gone: with its driver dropped, the exchange fails or completes.
                *driver = None;
                return exchange.as_mut().poll(cx);
            }
            Poll::Pending
        })
        .await
    }

    /// Whether the connection can serve another request: lets the driver take in what the
    /// socket holds (the end of the last answer, or the server's close) without waiting.
    pub(super) fn is_open(&mut self) -> bool {
        let mut cx = Context::from_waker(Waker::noop());
        if self.driver.as_mut().is_some_and(|d| Pin::new(d).poll(&mut cx).is_ready()) {
            self.driver = None;
        }
        self.driver.is_some() && !self.sender.is_closed()
    }
}
