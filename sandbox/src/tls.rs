//! HTTPS for the sandbox (`chatlane sandbox --tls`): a throwaway CA, generated at start, signs
//! a certificate for `localhost`, `127.0.0.1` and `::1`. A client that trusts that CA
//! (`ca_certificates`) reaches the sandbox as it would a private endpoint or a TLS-inspecting
//! proxy; one that does not is refused in the handshake, before anything is sent.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rcgen::{BasicConstraints, Certificate, CertificateParams, IsCa, KeyPair};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::server::TlsStream;

/// How long a client may take to complete its handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);

/// A generated CA and the server configuration of a certificate it signed.
pub struct TlsIdentity {
    /// The CA's certificate, PEM-encoded: what a client must trust.
    pub ca_pem: String,
    server: Arc<ServerConfig>,
}

impl TlsIdentity {
    /// A fresh CA and a server certificate for the loopback names, signed by it.
    pub fn generate() -> Result<Self, String> {
        let (ca, server, key) = certificates().map_err(|e| e.to_string())?;
        let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .and_then(|builder| builder.with_no_client_auth().with_single_cert(vec![server.der().clone()], key))
            .map_err(|e| e.to_string())?;
        Ok(Self { ca_pem: ca.pem(), server: Arc::new(config) })
    }

    /// A listener that completes this identity's handshake on each connection of `tcp`.
    pub fn listener(&self, tcp: TcpListener) -> TlsListener {
        TlsListener { tcp, acceptor: TlsAcceptor::from(Arc::clone(&self.server)) }
    }
}

/// A CA's certificate, and a certificate for the loopback names it signed with its key.
fn certificates() -> Result<(Certificate, Certificate, PrivateKeyDer<'static>), rcgen::Error> {
    let ca_key = KeyPair::generate()?;
    let mut ca = CertificateParams::new(Vec::new())?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca.self_signed(&ca_key)?;
    let names = ["localhost", "127.0.0.1", "::1"].map(str::to_owned).to_vec();
    let server_key = KeyPair::generate()?;
    let server = CertificateParams::new(names)?.signed_by(&server_key, &ca, &ca_key)?;
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    Ok((ca, server, key))
}

/// A listener the sandbox serves on, and the scheme clients reach it with (the scheme of the
/// URLs it hands out, such as Meta's media download URLs).
pub trait Transport: axum::serve::Listener {
    /// `http` or `https`.
    const SCHEME: &'static str;
}

impl Transport for TcpListener {
    const SCHEME: &'static str = "http";
}

impl Transport for TlsListener {
    const SCHEME: &'static str = "https";
}

/// Accepts TLS connections; a connection whose handshake fails is dropped and the next one
/// awaited.
pub struct TlsListener {
    tcp: TcpListener,
    acceptor: TlsAcceptor,
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((stream, addr)) = self.tcp.accept().await else {
                // Out of file descriptors or similar: wait instead of spinning.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            };
            if let Ok(Ok(tls)) = tokio::time::timeout(HANDSHAKE_TIMEOUT, self.acceptor.accept(stream)).await {
                return (tls, addr);
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}
