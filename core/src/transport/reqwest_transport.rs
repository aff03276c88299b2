//! The transport for proxied endpoints: reqwest over rustls (ring), which speaks to the
//! configured proxy or the `HTTP(S)_PROXY` / `ALL_PROXY` ones (CONNECT tunnels, proxy
//! credentials, `NO_PROXY`).

use std::sync::Once;

use super::{BoxFuture, HttpRequest, HttpResponse, RequestTimeout, Transport, TransportConfig};
use super::{connect_error, error_chain, outcome_unknown};
use crate::error::{Error, ErrorCode};

/// reqwest-based [`Transport`]; cheap to clone, connections are shared by clones.
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// Builds the HTTP client (installs the ring TLS provider on first use).
    pub fn new(config: &TransportConfig) -> Result<Self, Error> {
        install_tls_provider();
        let invalid =
            |e: reqwest::Error| Error::new(ErrorCode::InvalidConfig, format!("cannot build the HTTP client: {e}"));
        let mut builder = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .pool_idle_timeout(config.pool_idle_timeout)
            .tcp_nodelay(true)
            // Like the direct transport: an answer is what the URL asked answered, so that a
            // bearer token (a Meta media download) never follows a redirect elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .https_only(false);
        #[cfg(not(feature = "bundled-roots"))]
        for der in &config.extra_root_certificates {
            builder = builder.add_root_certificate(reqwest::Certificate::from_der(der).map_err(invalid)?);
        }
        // The direct transport's TLS client, so reqwest never builds the platform's verifier.
        #[cfg(feature = "bundled-roots")]
        {
            let roots = config.extra_root_certificates.iter().map(|der| der.clone().into()).collect();
            let tls = super::direct::tls_config(roots).map_err(|e| Error::new(ErrorCode::InvalidConfig, e))?;
            builder = builder.tls_backend_preconfigured(tls);
        }
        if let Some(proxy) = &config.proxy {
            builder = builder.proxy(reqwest::Proxy::all(proxy.expose()).map_err(invalid)?);
        } else if config.no_proxy {
            builder = builder.no_proxy();
        }
        Ok(Self { client: builder.build().map_err(invalid)? })
    }

    async fn execute(&self, request: HttpRequest) -> Result<HttpResponse, Error> {
        let own_timeout = request.extensions().get::<RequestTimeout>().copied();
        let mut request = reqwest::Request::try_from(request).map_err(|e| {
            Error::new(ErrorCode::InvalidConfig, format!("cannot send the request: {}", error_chain(&e)))
        })?;
        if let Some(RequestTimeout(timeout)) = own_timeout {
            *request.timeout_mut() = Some(timeout);
        }
        let response = self.client.execute(request).await.map_err(classify_error)?;
        let mut answer = HttpResponse::from_parts(response.status(), response.headers(), Vec::new());
        answer.body = response.bytes().await.map_err(classify_error)?.to_vec();
        Ok(answer)
    }
}

impl Transport for ReqwestTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, Error>> {
        Box::pin(self.execute(request))
    }
}

/// Connect failures provably sent nothing; anything later may have reached the server.
fn classify_error(error: reqwest::Error) -> Error {
    let (connect, timed_out) = (error.is_connect(), error.is_timeout());
    let detail = error_chain(&error.without_url());
    if connect { connect_error(timed_out, &detail) } else { outcome_unknown(timed_out, &detail) }
}

/// Installs the ring TLS provider as the process default, once (reqwest's TLS needs one;
/// another library may have installed a provider first, and either one works).
fn install_tls_provider() {
    static TLS_PROVIDER: Once = Once::new();
    TLS_PROVIDER.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}
