//! The direct transport against raw loopback servers whose connection behaviour each test
//! chooses: reuse, a close while idle, `connection: close`, idle expiry, the sweeper closing
//! stale connections while no request comes, the request as sent.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use super::*;

const ANSWER: &str =
    "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nx-acs-request-id: req-1\r\nx-acs-retry-after: 250\r\n\r\nok";

/// What a test server does after answering a request on a connection.
#[derive(Clone, Copy)]
enum AfterAnswer {
    KeepOpen,
    /// Close the connection a moment later, once the client has put it back in its pool.
    CloseSoon,
    /// Likewise, but only the server's half: the server then waits for the client's close.
    HalfCloseSoon,
}

/// A loopback server answering every request with `answer`; it counts connections and sends
/// each raw request head (and body) to the returned receiver.
struct Server {
    url: String,
    connections: Arc<AtomicUsize>,
    /// Connections the client closed.
    closed_by_client: Arc<AtomicUsize>,
    requests: mpsc::UnboundedReceiver<String>,
}

async fn server(answer: &'static str, after: AfterAnswer) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let (connections, closed_by_client) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (sent, requests) = mpsc::unbounded_channel();
    let (opened, closed) = (Arc::clone(&connections), Arc::clone(&closed_by_client));
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            opened.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(serve(socket, answer, after, sent.clone(), Arc::clone(&closed)));
        }
    });
    Server { url, connections, closed_by_client, requests }
}

async fn serve(
    mut socket: TcpStream,
    answer: &str,
    after: AfterAnswer,
    requests: mpsc::UnboundedSender<String>,
    closed_by_client: Arc<AtomicUsize>,
) {
    let mut buffer = Vec::new();
    loop {
        let mut chunk = [0u8; 4096];
        match socket.read(&mut chunk).await {
            Ok(0) => {
                closed_by_client.fetch_add(1, Ordering::SeqCst);
                return;
            }
            Err(_) => return,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
        let Some(end) = complete_request(&buffer) else { continue };
        let request: Vec<u8> = buffer.drain(..end).collect();
        requests.send(String::from_utf8(request).unwrap()).unwrap();
        socket.write_all(answer.as_bytes()).await.unwrap();
        match after {
            AfterAnswer::KeepOpen => {}
            AfterAnswer::CloseSoon => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                return;
            }
            AfterAnswer::HalfCloseSoon => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                socket.shutdown().await.unwrap();
            }
        }
    }
}

/// Waits until `server`'s client has closed `n` connections (failing after 10 s).
async fn closed_by_client(server: &Server, n: usize) {
    let closed = async {
        while server.closed_by_client.load(Ordering::SeqCst) < n {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), closed).await.expect("the client did not close its connection");
}

/// The length of the first complete request in `buffer` (head plus `content-length` body).
fn complete_request(buffer: &[u8]) -> Option<usize> {
    let head_end = buffer.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse::<usize>().unwrap());
    (buffer.len() >= head_end + length).then_some(head_end + length)
}

fn transport(config: TransportConfig) -> DirectTransport {
    DirectTransport::new(&config).unwrap()
}

/// A `POST` to `url` (which ends with `/`) with a query, one header and `body`; no `host`.
fn post_with(url: &str, body: &'static [u8]) -> HttpRequest {
    Request::post(format!("{url}?Action=Send&x=%20y"))
        .header("x-acs-action", "Send")
        .body(Bytes::from_static(body))
        .unwrap()
}

fn post(url: &str) -> HttpRequest {
    post_with(url, b"")
}

#[tokio::test]
async fn the_request_goes_out_in_origin_form_with_host_and_the_answer_comes_back_parsed() {
    let mut server = server(ANSWER, AfterAnswer::KeepOpen).await;
    let transport = transport(TransportConfig::default());
    let request = post_with(&server.url, b"{\"a\":1}");

    let answer = transport.send(request).await.unwrap();

    let expected =
        HttpResponse { status: 200, request_id: Some("req-1".into()), retry_after_ms: Some(250), body: b"ok".to_vec() };
    assert_eq!(answer, expected);
    let raw = server.requests.recv().await.unwrap();
    let authority = server.url.trim_start_matches("http://").trim_end_matches('/');
    assert!(raw.starts_with("POST /?Action=Send&x=%20y HTTP/1.1\r\nhost: "), "{raw}");
    assert!(raw.contains(&format!("host: {authority}\r\n")), "{raw}");
    assert!(raw.contains("x-acs-action: Send\r\n"), "{raw}");
    assert!(raw.contains("content-length: 7\r\n") && raw.ends_with("\r\n\r\n{\"a\":1}"), "{raw}");
}

#[tokio::test]
async fn sequential_requests_share_one_keep_alive_connection() {
    let server = server(ANSWER, AfterAnswer::KeepOpen).await;
    let transport = transport(TransportConfig::default());
    for _ in 0..5 {
        transport.send(post(&server.url)).await.unwrap();
    }
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn concurrent_requests_each_get_a_connection_and_leave_it_for_reuse() {
    let server = server(ANSWER, AfterAnswer::KeepOpen).await;
    let transport = transport(TransportConfig::default());
    let burst = || send_concurrently(&transport, &server.url, 8);
    burst().await;
    let opened = server.connections.load(Ordering::SeqCst);
    burst().await;
    assert!((1..=8).contains(&opened), "{opened} connections for 8 concurrent requests");
    assert_eq!(server.connections.load(Ordering::SeqCst), opened, "the second burst reuses the pool");
}

async fn send_concurrently(transport: &DirectTransport, url: &str, n: usize) {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..n {
        let (transport, request) = (transport.clone(), post(url));
        tasks.spawn(async move { transport.send(request).await.unwrap() });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
}

#[tokio::test]
async fn a_connection_the_server_closed_while_idle_is_replaced_without_an_error() {
    let mut server = server(ANSWER, AfterAnswer::CloseSoon).await;
    let transport = transport(TransportConfig::default());
    for _ in 0..3 {
        transport.send(post(&server.url)).await.unwrap();
        // The server's close arrives while the connection idles in the pool.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(server.connections.load(Ordering::SeqCst), 3);
    for _ in 0..3 {
        server.requests.recv().await.unwrap();
    }
    assert!(server.requests.try_recv().is_err(), "each request reached the server exactly once");
}

#[tokio::test]
async fn an_answer_with_connection_close_is_not_reused() {
    const CLOSING: &str = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok";
    let server = server(CLOSING, AfterAnswer::KeepOpen).await;
    let transport = transport(TransportConfig::default());
    transport.send(post(&server.url)).await.unwrap();
    transport.send(post(&server.url)).await.unwrap();
    assert_eq!(server.connections.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn connections_idle_longer_than_the_pool_timeout_are_closed_even_with_no_request_coming() {
    let server = server(ANSWER, AfterAnswer::KeepOpen).await;
    let transport =
        transport(TransportConfig { pool_idle_timeout: Duration::from_millis(30), ..TransportConfig::default() });
    transport.send(post(&server.url)).await.unwrap();
    closed_by_client(&server, 1).await;
    transport.send(post(&server.url)).await.unwrap();
    assert_eq!(server.connections.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn with_no_request_coming_a_connection_the_server_closed_is_closed_too() {
    let server = server(ANSWER, AfterAnswer::HalfCloseSoon).await;
    // Idle connections would expire after a minute; the sweeper looks every 5 s.
    let transport = transport(TransportConfig::default());
    transport.send(post(&server.url)).await.unwrap();
    closed_by_client(&server, 1).await;
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_connection_closed_after_the_request_was_written_is_outcome_unknown() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut head = [0u8; 1024];
        let _ = socket.read(&mut head).await;
    });
    let error = transport(TransportConfig::default()).send(post(&url)).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::OutcomeUnknown, "{error}");
}

#[tokio::test]
async fn a_silent_server_times_out_as_outcome_unknown() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (_socket, _) = listener.accept().await.unwrap();
        std::future::pending::<()>().await;
    });
    let config = TransportConfig { request_timeout: Duration::from_millis(100), ..TransportConfig::default() };
    let error = transport(config).send(post(&url)).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::OutcomeUnknown);
    assert!(error.to_string().contains("no complete answer in time"), "{error}");
}

#[tokio::test]
async fn a_closed_port_is_a_connect_error_and_a_bad_url_a_configuration_error() {
    let unused = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", unused.local_addr().unwrap());
    drop(unused);
    let transport = transport(TransportConfig::default());
    assert_eq!(transport.send(post(&url)).await.unwrap_err().code(), ErrorCode::Connect);
    let ftp = Request::post("ftp://127.0.0.1/").body(Bytes::new()).unwrap();
    assert_eq!(transport.send(ftp).await.unwrap_err().code(), ErrorCode::InvalidConfig);
    let relative = Request::post("/?Action=Send").body(Bytes::new()).unwrap();
    assert_eq!(transport.send(relative).await.unwrap_err().code(), ErrorCode::InvalidConfig);
}

#[test]
fn requests_go_out_in_origin_form_with_the_authority_as_written_and_their_own_host_kept() {
    let (origin, request) =
        outgoing(Request::post("https://cams.example.com?Action=A").body(Bytes::new()).unwrap()).unwrap();
    assert_eq!(origin.authority.as_str(), "cams.example.com");
    assert_eq!(request.uri(), "/?Action=A");
    assert_eq!(request.headers()[HOST], "cams.example.com");
    let (v6, request) = outgoing(Request::post("http://[::1]:8080").body(Bytes::new()).unwrap()).unwrap();
    assert_eq!((v6.authority.as_str(), request.uri().to_string().as_str()), ("[::1]:8080", "/"));
    let signed =
        Request::post("http://[::1]:8080/").header("x-a", "1").header(HOST, "signed.example").body(Bytes::new());
    let (_, request) = outgoing(signed.unwrap()).unwrap();
    assert_eq!(request.headers()[HOST], "signed.example");
    assert_ne!(Origin::of(&"https://h".parse().unwrap()).unwrap(), Origin::of(&"http://h".parse().unwrap()).unwrap());
}

#[test]
fn an_unusable_extra_root_is_a_configuration_error_when_the_transport_is_built() {
    let config =
        TransportConfig { extra_root_certificates: vec![b"not a certificate".to_vec()], ..TransportConfig::default() };
    assert_eq!(DirectTransport::new(&config).unwrap_err().code(), ErrorCode::InvalidConfig);
}
