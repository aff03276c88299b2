//! A raw HTTP/1.1 client (hyper) for the Meta face's tests: one connection per request, the
//! answer read whole, redirects not followed.

use std::net::SocketAddr;

use chatlane_sandbox::{Sandbox, SandboxConfig};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header::HeaderMap;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpStream;

/// A sandbox on a free loopback port.
pub async fn sandbox(config: SandboxConfig) -> Sandbox {
    Sandbox::start(config, SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap()
}

/// An answer: its status, headers and body (JSON; `Null` when empty; a string when not JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

/// Sends one request to the sandbox; `Err` when the connection closes without a whole answer.
pub async fn call(
    sandbox: &Sandbox,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: impl AsRef<[u8]>,
) -> Result<Answer, hyper::Error> {
    let (parts, bytes) = fetch(sandbox, method, path, headers, body).await?.into_parts();
    let body = match serde_json::from_slice(&bytes) {
        Ok(json) => json,
        Err(_) if bytes.is_empty() => Value::Null,
        Err(_) => Value::String(String::from_utf8_lossy(&bytes).into_owned()),
    };
    Ok(Answer { status: parts.status.as_u16(), headers: parts.headers, body })
}

/// Sends one request to the sandbox and reads the answer's body as bytes; `Err` when the
/// connection closes without a whole answer.
pub async fn fetch(
    sandbox: &Sandbox,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: impl AsRef<[u8]>,
) -> Result<hyper::Response<Bytes>, hyper::Error> {
    let address = sandbox.endpoint().trim_start_matches("http://").to_owned();
    let stream = TcpStream::connect(&address).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let mut request = hyper::Request::builder().method(method).uri(path).header("host", address);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(Full::new(Bytes::copy_from_slice(body.as_ref()))).unwrap();
    let (parts, body) = sender.send_request(request).await?.into_parts();
    Ok(hyper::Response::from_parts(parts, body.collect().await?.to_bytes()))
}
