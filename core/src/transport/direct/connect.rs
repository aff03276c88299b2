//! Where a request goes, and opening a connection there: TCP, then TLS for `https`.

use std::sync::{Arc, OnceLock};

use http::Uri;
use http::uri::{Authority, Scheme};
use rustls::client::danger::ServerCertVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName};
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
/// the default roots plus any configured ones ([`tls_config`]).
///
/// The TLS setup reads a root store (the platform's takes ~3 ms), so it waits for the first
/// `https` connection, and clients without extra roots share one.
pub(super) struct Connector {
    extra_roots: Vec<CertificateDer<'static>>,
    tls: OnceLock<Result<TlsConnector, String>>,
}

impl Connector {
    /// A connector trusting the default roots and `config.extra_root_certificates`, which
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
        static DEFAULT_ROOTS_ONLY: OnceLock<Result<TlsConnector, String>> = OnceLock::new();
        let cell = if self.extra_roots.is_empty() { &DEFAULT_ROOTS_ONLY } else { &self.tls };
        let connector = || tls_config(self.extra_roots.clone()).map(|config| TlsConnector::from(Arc::new(config)));
        cell.get_or_init(connector).as_ref().map_err(String::clone)
    }
}

/// The TLS client of both transports: rustls (ring), offering HTTP/1.1 by ALPN, verifying
/// servers against the default roots and `extra_roots`. The default roots are the platform's
/// (`rustls-platform-verifier`), or with the feature `bundled-roots` Mozilla's, compiled in.
pub(in crate::transport) fn tls_config(
    extra_roots: Vec<CertificateDer<'static>>,
) -> Result<rustls::ClientConfig, String> {
    let failed = |e: rustls::Error| format!("cannot set up TLS: {e}");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = verifier(extra_roots, Arc::clone(&provider)).map_err(failed)?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(failed)?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// The platform's verifier (the operating system's roots and checks), trusting `extra_roots` too.
#[cfg(not(feature = "bundled-roots"))]
fn verifier(
    extra_roots: Vec<CertificateDer<'static>>,
    provider: Arc<CryptoProvider>,
) -> Result<Arc<dyn ServerCertVerifier>, rustls::Error> {
    Ok(Arc::new(rustls_platform_verifier::Verifier::new_with_extra_roots(extra_roots, provider)?))
}

/// WebPKI verification against [`bundled_roots`]: the platform's store is never read, so
/// nothing needs setting up first.
#[cfg(feature = "bundled-roots")]
fn verifier(
    extra_roots: Vec<CertificateDer<'static>>,
    provider: Arc<CryptoProvider>,
) -> Result<Arc<dyn ServerCertVerifier>, rustls::Error> {
    let roots = Arc::new(bundled_roots(extra_roots)?);
    let verifier = rustls::client::WebPkiServerVerifier::builder_with_provider(roots, provider)
        .build()
        .map_err(|e| rustls::Error::General(e.to_string()))?;
    Ok(verifier)
}

/// Mozilla's roots as of this build (`webpki-roots`) and `extra_roots`.
#[cfg(feature = "bundled-roots")]
fn bundled_roots(extra_roots: Vec<CertificateDer<'static>>) -> Result<rustls::RootCertStore, rustls::Error> {
    let mut roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    for root in extra_roots {
        roots.add(root)?;
    }
    Ok(roots)
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use bytes::Bytes;
    use rcgen::{CertificateParams, KeyPair};
    use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;
    use tokio_rustls::TlsAcceptor;

    use super::*;
    use crate::transport::{DirectTransport, ReqwestTransport, Transport};

    /// A self-signed certificate for `127.0.0.1` (DER) and its key.
    fn self_signed() -> (CertificateDer<'static>, PrivateKeyDer<'static>) {
        let key = KeyPair::generate().unwrap();
        let certificate = CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap().self_signed(&key).unwrap();
        (certificate.der().clone(), PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())))
    }

    /// The URL of an HTTPS server on loopback presenting `certificate`, which answers every
    /// request's head with an empty 200 until the test ends.
    async fn tls_server(certificate: CertificateDer<'static>, key: PrivateKeyDer<'static>) -> String {
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![certificate], key)
            .unwrap();
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let url = format!("https://127.0.0.1:{}/", listener.local_addr().unwrap().port());
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let mut tls = acceptor.accept(tcp).await?;
                    let (mut head, mut buffer) = (Vec::new(), [0; 1024]);
                    while !head.ends_with(b"\r\n\r\n") {
                        match tls.read(&mut buffer).await? {
                            0 => return Ok(()),
                            n => head.extend_from_slice(&buffer[..n]),
                        }
                    }
                    tls.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").await?;
                    tls.shutdown().await
                });
            }
        });
        url
    }

    #[tokio::test]
    async fn both_transports_trust_an_extra_root_and_refuse_a_server_the_default_roots_do_not_know() {
        let (certificate, key) = self_signed();
        let trusting = TransportConfig {
            extra_root_certificates: vec![certificate.to_vec()],
            no_proxy: true,
            ..TransportConfig::default()
        };
        let url = tls_server(certificate, key).await;
        let request = || http::Request::post(&url).body(Bytes::new()).unwrap();
        let refusing = TransportConfig { extra_root_certificates: Vec::new(), ..trusting.clone() };
        let transports = |config: &TransportConfig| -> [Box<dyn Transport>; 2] {
            [Box::new(DirectTransport::new(config).unwrap()), Box::new(ReqwestTransport::new(config).unwrap())]
        };
        for transport in transports(&trusting) {
            assert_eq!(transport.send(request()).await.unwrap().status, 200);
        }
        for transport in transports(&refusing) {
            let error = transport.send(request()).await.unwrap_err();
            assert_eq!(error.code(), ErrorCode::Connect, "{error}");
            assert!(format!("{error:?}").contains("UnknownIssuer"), "{error:?}");
        }
    }

    #[cfg(feature = "bundled-roots")]
    #[test]
    fn the_bundled_store_holds_mozillas_roots_and_the_extra_ones() {
        let mozilla = webpki_roots::TLS_SERVER_ROOTS.len();
        assert!(mozilla > 100, "{mozilla}");
        assert_eq!(bundled_roots(Vec::new()).unwrap().len(), mozilla);
        assert_eq!(bundled_roots(vec![self_signed().0]).unwrap().len(), mozilla + 1);
    }
}
