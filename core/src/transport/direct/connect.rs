//! Where a request goes, and opening a connection there: TCP, then TLS for `https`.

use std::sync::{Arc, OnceLock};

use http::Uri;
use http::uri::{Authority, Scheme};
use rustls::pki_types::{CertificateDer, ServerName};
use rustls_platform_verifier::Verifier;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::connection::Io;
use crate::error::{Error, ErrorCode};
use crate::transport::{TransportConfig, error_chain};

/// Where a request goes: its scheme and authority, the pool key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct Origin {
    tls: bool,
    /// As written in the URI, which is also the `host` header (the port only if given).
    pub(super) authority: Authority,
}

impl Origin {
    /// The origin of an absolute `http`/`https` URI.
    pub(super) fn of(uri: &Uri) -> Result<Self, Error> {
        let invalid = |why: &str| Error::new(ErrorCode::InvalidConfig, format!("cannot send to {uri}: {why}"));
        let tls = match uri.scheme() {
            Some(scheme) if *scheme == Scheme::HTTPS => true,
            Some(scheme) if *scheme == Scheme::HTTP => false,
            _ => return Err(invalid("not an http or https URL")),
        };
        let authority = uri.authority().ok_or_else(|| invalid("no host"))?.clone();
        Ok(Self { tls, authority })
    }

    /// The host to connect to (an IPv6 address without its brackets).
    fn host(&self) -> &str {
        self.authority.host().trim_start_matches('[').trim_end_matches(']')
    }

    /// The port to connect to: the URI's, or the scheme's default.
    fn port(&self) -> u16 {
        self.authority.port_u16().unwrap_or(if self.tls { 443 } else { 80 })
    }
}

/// Opens connections: TCP with `TCP_NODELAY`, and TLS (HTTP/1.1 by ALPN) verified against
/// the platform's roots plus any configured ones.
///
/// The TLS setup reads the platform's root store (~3 ms), so it waits for the first `https`
/// connection, and clients without extra roots share one.
pub(super) struct Connector {
    extra_roots: Vec<CertificateDer<'static>>,
    tls: OnceLock<Result<TlsConnector, String>>,
}

impl Connector {
    /// A connector trusting the platform's roots and `config.extra_root_certificates`, which
    /// must be DER certificates.
    pub(super) fn new(config: &TransportConfig) -> Result<Self, Error> {
        let extra_roots: Vec<_> =
            config.extra_root_certificates.iter().map(|der| CertificateDer::from(der.clone())).collect();
        let mut check = rustls::RootCertStore::empty();
        for root in &extra_roots {
            check.add(root.clone()).map_err(|e| {
                Error::new(ErrorCode::InvalidConfig, format!("an extra root certificate is not usable: {e}"))
            })?;
        }
        Ok(Self { extra_roots, tls: OnceLock::new() })
    }

    /// A byte stream to `origin`, or why none could be opened (nothing was sent).
    pub(super) async fn connect(&self, origin: &Origin) -> Result<Box<dyn Io>, String> {
        let tcp = TcpStream::connect((origin.host(), origin.port())).await.map_err(|e| error_chain(&e))?;
        tcp.set_nodelay(true).map_err(|e| error_chain(&e))?;
        if !origin.tls {
            return Ok(Box::new(tcp));
        }
        let name = ServerName::try_from(origin.host().to_owned()).map_err(|e| error_chain(&e))?;
        let tls =
            self.tls()?.connect(name, tcp).await.map_err(|e| format!("TLS handshake failed: {}", error_chain(&e)))?;
        Ok(Box::new(tls))
    }

    /// The TLS client, set up on first use.
    fn tls(&self) -> Result<&TlsConnector, String> {
        static PLATFORM_ONLY: OnceLock<Result<TlsConnector, String>> = OnceLock::new();
        let cell = if self.extra_roots.is_empty() { &PLATFORM_ONLY } else { &self.tls };
        cell.get_or_init(|| tls_connector(self.extra_roots.clone())).as_ref().map_err(String::clone)
    }
}

/// rustls (ring) over the platform's roots and `extra_roots`, offering HTTP/1.1 by ALPN.
fn tls_connector(extra_roots: Vec<CertificateDer<'static>>) -> Result<TlsConnector, String> {
    let failed = |e: rustls::Error| format!("cannot set up TLS: {e}");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = Verifier::new_with_extra_roots(extra_roots, Arc::clone(&provider)).map_err(failed)?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(failed)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsConnector::from(Arc::new(config)))
}
