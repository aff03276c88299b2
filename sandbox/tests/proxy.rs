//! The `proxy` option: every request goes through the given proxy, loopback endpoints
//! included (the `HTTP(S)_PROXY` variables skip those), and a password in its URL is never
//! shown.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use chatlane_core::{Client, ClientConfig, ClientOptions, Message};
use chatlane_sandbox::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Sandbox, SandboxConfig};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// A forward proxy for plain-HTTP requests to `backend`: it records each request's first
/// line and relays the connection.
async fn forwarding_proxy(backend: SocketAddr) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://user:hunter2@{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let record = Arc::clone(&record);
            tokio::spawn(async move {
                let mut client = BufReader::new(client);
                let mut line = String::new();
                if client.read_line(&mut line).await.is_err() {
                    return;
                }
                record.lock().unwrap().push(line.trim_end().to_owned());
                let mut upstream = TcpStream::connect(backend).await.unwrap();
                upstream.write_all(line.as_bytes()).await.unwrap();
                upstream.write_all(client.buffer()).await.unwrap();
                let _ = tokio::io::copy_bidirectional(client.get_mut(), &mut upstream).await;
            });
        }
    });
    (url, seen)
}

#[tokio::test]
async fn sends_go_through_the_configured_proxy() {
    let sandbox = Sandbox::start(SandboxConfig::default(), SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
    let backend: SocketAddr = sandbox.endpoint().trim_start_matches("http://").parse().unwrap();
    let (proxy, seen) = forwarding_proxy(backend).await;
    let config = ClientConfig::from_options(ClientOptions {
        access_key_id: Some(DEFAULT_ACCESS_KEY_ID.into()),
        access_key_secret: Some(DEFAULT_ACCESS_KEY_SECRET.into()),
        endpoint: Some(sandbox.endpoint()),
        proxy: Some(proxy),
        ..ClientOptions::default()
    })
    .unwrap();
    assert!(!format!("{config:?}").contains("hunter2"));
    let client = Client::new(config).unwrap();

    let receipt = client.send(&Message::text("8613800000000", "6591234567", "via the proxy")).await.unwrap();

    assert_eq!(sandbox.ledger().len(), 1);
    assert!(!receipt.message_id.is_empty());
    let lines = seen.lock().unwrap().clone();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with(&format!("POST {}/?", sandbox.endpoint())), "{}", lines[0]);
}
