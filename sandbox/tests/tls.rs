//! `https` through the default transport: a TLS terminator with the sandbox's own throwaway CA
//! (`chatlane sandbox --tls` serves the same) in front of the sandbox. A client that trusts
//! the CA (`ca_certificates`, PEM) sends; one that does not is refused during the handshake,
//! before anything is sent.

use std::net::SocketAddr;

use axum::serve::Listener;
use chatlane_core::{Client, ClientConfig, ClientOptions, ErrorCode, Message};
use chatlane_sandbox::tls::TlsIdentity;
use chatlane_sandbox::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Sandbox, SandboxConfig};
use tokio::net::{TcpListener, TcpStream};

/// Terminates TLS with `identity` on a loopback port and relays the plain bytes to `backend`.
async fn tls_front(identity: &TlsIdentity, backend: SocketAddr) -> u16 {
    let tcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = tcp.local_addr().unwrap().port();
    let mut listener = identity.listener(tcp);
    tokio::spawn(async move {
        loop {
            let (mut tls, _) = listener.accept().await;
            tokio::spawn(async move {
                let mut plain = TcpStream::connect(backend).await.unwrap();
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    port
}

fn client(port: u16, ca_certificates: Option<String>) -> Client {
    let config = ClientConfig::from_options(ClientOptions {
        access_key_id: Some(DEFAULT_ACCESS_KEY_ID.into()),
        access_key_secret: Some(DEFAULT_ACCESS_KEY_SECRET.into()),
        endpoint: Some(format!("https://localhost:{port}")),
        max_attempts: Some(1),
        ca_certificates,
        ..ClientOptions::default()
    })
    .unwrap();
    Client::new(config).unwrap()
}

#[tokio::test]
async fn https_works_with_a_trusted_ca_and_an_untrusted_certificate_sends_nothing() {
    let sandbox = Sandbox::start(SandboxConfig::default(), SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
    let backend: SocketAddr = sandbox.endpoint().trim_start_matches("http://").parse().unwrap();
    let identity = TlsIdentity::generate().unwrap();
    let port = tls_front(&identity, backend).await;
    let message = Message::text("8613800000000", "6591234567", "over TLS");

    let trusting = client(port, Some(identity.ca_pem.clone()));
    for _ in 0..2 {
        trusting.send(&message).await.unwrap();
    }
    assert_eq!(sandbox.ledger().len(), 2);

    let error = client(port, None).send(&message).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::Connect, "{error}");
    assert!(error.to_string().contains("certificate"), "{error}");
    assert_eq!(sandbox.ledger().len(), 2);
}
