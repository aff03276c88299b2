//! Where requests go, and the rule that plain HTTP is only for loopback hosts.

use std::fmt;
use std::net::IpAddr;

use http::Uri;
use http::uri::{Authority, Scheme};
use url::{Host, Url};

use crate::error::{Error, ErrorCode};

/// The international CAMS endpoint (the only one the official SDKs know).
pub const DEFAULT_ENDPOINT: &str = "https://cams.ap-southeast-1.aliyuncs.com";

/// `input` with any user information (`user:password@`) replaced by `***@`, for messages.
pub fn redacted(input: &str) -> String {
    let authority_start = input.find("://").map_or(0, |i| i + 3);
    let authority_end = input[authority_start..].find(['/', '?', '#']).map_or(input.len(), |i| authority_start + i);
    match input[authority_start..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &input[..authority_start], &input[authority_start + at..]),
        None => input.to_owned(),
    }
}

/// A validated endpoint: `https://host[:port]`, or `http://` for a loopback host.
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint {
    url: Url,
    /// The scheme and authority of every request URI, parsed once; the authority is also
    /// the `host` header.
    scheme: Scheme,
    authority: Authority,
}

impl Endpoint {
    /// Parses and checks an endpoint URL. A bare host is taken as `https://host`.
    pub fn parse(input: &str) -> Result<Self, Error> {
        let with_scheme = if input.contains("://") { input.to_owned() } else { format!("https://{input}") };
        let invalid =
            |why: &str| Error::new(ErrorCode::InvalidConfig, format!("endpoint {:?}: {why}", redacted(input)));
        let url = Url::parse(&with_scheme).map_err(|e| invalid(&e.to_string()))?;
        let host = url.host().ok_or_else(|| invalid("no host"))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&host) => {}
            "http" => return Err(invalid("plain http is only allowed for loopback hosts; use https")),
            other => return Err(invalid(&format!("unsupported scheme {other:?}"))),
        }
        if !matches!(url.path(), "" | "/") || url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("must not have a path, query or fragment"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid("must not carry user information"));
        }
        let host_header = match url.port() {
            Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
            None => url.host_str().unwrap_or_default().to_owned(),
        };
        let scheme = if url.scheme() == "https" { Scheme::HTTPS } else { Scheme::HTTP };
        let authority = Authority::try_from(host_header).map_err(|e| invalid(&e.to_string()))?;
        Ok(Self { url, scheme, authority })
    }

    /// The value of the `host` header (and the signed `host`), with a non-default port.
    pub fn host_header(&self) -> &str {
        self.authority.as_str()
    }

    /// The URI of a request to this endpoint: path `/` and `query` (already encoded).
    pub fn request_uri(&self, query: &str) -> Result<Uri, Error> {
        let mut path_and_query = String::with_capacity(2 + query.len());
        path_and_query.push('/');
        if !query.is_empty() {
            path_and_query.push('?');
            path_and_query.push_str(query);
        }
        Uri::builder()
            .scheme(self.scheme.clone())
            .authority(self.authority.clone())
            .path_and_query(path_and_query)
            .build()
            .map_err(|e| Error::new(ErrorCode::InvalidConfig, format!("cannot build a request URI: {e}")))
    }

    /// Whether the host is `localhost` or a loopback address.
    pub fn is_loopback(&self) -> bool {
        self.url.host().is_some_and(|host| is_loopback(&host))
    }

    /// The base URL, `scheme://host[:port]/`.
    pub fn base_url(&self) -> &Url {
        &self.url
    }
}

impl Default for Endpoint {
    fn default() -> Self {
        Self::parse(DEFAULT_ENDPOINT).expect("the default endpoint is valid")
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Endpoint({})", self.url)
    }
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_the_international_host() {
        let ep = Endpoint::default();
        assert_eq!(ep.host_header(), "cams.ap-southeast-1.aliyuncs.com");
        assert_eq!(ep.base_url().as_str(), "https://cams.ap-southeast-1.aliyuncs.com/");
    }

    #[test]
    fn http_only_for_loopback() {
        for ok in ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9", "http://127.9.9.9"] {
            Endpoint::parse(ok).unwrap();
        }
        for bad in ["http://example.com", "http://10.0.0.1:80", "ftp://127.0.0.1", "https://h/path", "https://u:p@h"] {
            let err = Endpoint::parse(bad).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidConfig, "{bad}");
        }
    }

    #[test]
    fn host_header_keeps_non_default_ports() {
        assert_eq!(Endpoint::parse("http://127.0.0.1:8080").unwrap().host_header(), "127.0.0.1:8080");
        assert_eq!(Endpoint::parse("cams.example.com").unwrap().host_header(), "cams.example.com");
        assert_eq!(Endpoint::parse("https://h:443").unwrap().host_header(), "h");
    }

    #[test]
    fn request_uris_put_the_encoded_query_after_the_root_path() {
        let ep = Endpoint::parse("http://[::1]:9").unwrap();
        assert_eq!(ep.request_uri("A=1&B=%20").unwrap().to_string(), "http://[::1]:9/?A=1&B=%20");
        assert_eq!(
            Endpoint::default().request_uri("").unwrap().to_string(),
            "https://cams.ap-southeast-1.aliyuncs.com/"
        );
    }
}
