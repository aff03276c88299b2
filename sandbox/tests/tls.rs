//! `https` through the default transport: a TLS terminator with a throwaway CA's certificate
//! for `localhost` in front of the sandbox. A client that trusts the CA sends; one that does
//! not is refused during the handshake, before anything is sent.

use std::net::SocketAddr;
use std::sync::Arc;

use chatlane_core::{Client, ClientConfig, ClientOptions, ErrorCode, Message};
use chatlane_sandbox::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Sandbox, SandboxConfig};
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A CA's certificate, and a server configuration with a `localhost` certificate it signed.
fn certificates() -> (CertificateDer<'static>, ServerConfig) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca.self_signed(&ca_key).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server =
        CertificateParams::new(vec!["localhost".to_owned()]).unwrap().signed_by(&server_key, &ca, &ca_key).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![server.der().clone()], key)
        .unwrap();
    (ca.der().clone(), config)
}

/// Terminates TLS on a loopback port and relays the plain bytes to `backend`.
async fn tls_front(config: ServerConfig, backend: SocketAddr) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                let mut plain = TcpStream::connect(backend).await.unwrap();
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    port
}

fn client(port: u16, extra_roots: Vec<Vec<u8>>) -> Client {
    let mut config = ClientConfig::from_options(ClientOptions {
        access_key_id: Some(DEFAULT_ACCESS_KEY_ID.into()),
        access_key_secret: Some(DEFAULT_ACCESS_KEY_SECRET.into()),
        endpoint: Some(format!("https://localhost:{port}")),
        max_attempts: Some(1),
        ..ClientOptions::default()
    })
    .unwrap();
    config.transport.extra_root_certificates = extra_roots;
    Client::new(config).unwrap()
}

#[tokio::test]
async fn https_works_with_a_trusted_ca_and_an_untrusted_certificate_sends_nothing() {
    let sandbox = Sandbox::start(SandboxConfig::default(), SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
    let backend: SocketAddr = sandbox.endpoint().trim_start_matches("http://").parse().unwrap();
    let (ca, server_config) = certificates();
    let port = tls_front(server_config, backend).await;
    let message = Message::text("8613800000000", "6591234567", "over TLS");

    let trusting = client(port, vec![ca.to_vec()]);
    for _ in 0..2 {
        trusting.send(&message).await.unwrap();
    }
    assert_eq!(sandbox.ledger().len(), 2);

    let error = client(port, Vec::new()).send(&message).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::Connect, "{error}");
    assert!(error.to_string().contains("certificate"), "{error}");
    assert_eq!(sandbox.ledger().len(), 2);
}
