//! The RAM role attached to an ECS instance: temporary STS credentials from the instance's
//! metadata service, renewed before they expire. Three requests, in the order Alibaba's own
//! credentials libraries make them (\[UNVERIFIED\] details: `docs/unverified.md`):
//!
//! 1. `PUT /latest/api/token` with `X-aliyun-ecs-metadata-token-ttl-seconds` (IMDSv2); a
//!    service that does not answer it is asked without a token (IMDSv1);
//! 2. `GET /latest/meta-data/ram/security-credentials/`: the role's name, unless given;
//! 3. `GET /latest/meta-data/ram/security-credentials/<role>`: `AccessKeyId`,
//!    `AccessKeySecret`, `SecurityToken`, `Expiration` (RFC 3339), `Code` (`Success`).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::Credentials;
use super::provider::{self, CredentialsProvider, Expiring};
use crate::error::{Error, ErrorCode};
use crate::transport::{BoxFuture, DirectTransport, Transport, TransportConfig};

/// The metadata service of every ECS instance.
pub const DEFAULT_METADATA_ENDPOINT: &str = "http://100.100.100.200";
/// Environment variable naming the instance's RAM role (Alibaba's libraries read it too).
pub const ENV_ECS_ROLE: &str = "ALIBABA_CLOUD_ECS_METADATA";
/// How long a metadata token is asked to live, in seconds (six hours, the service's maximum).
const TOKEN_TTL_SECONDS: &str = "21600";
/// The path of the role list and, with the role's name appended, of its credentials.
const CREDENTIALS_PATH: &str = "/latest/meta-data/ram/security-credentials/";

/// Credentials of an ECS instance's RAM role.
pub struct EcsRamRole {
    endpoint: String,
    role: Option<String>,
    transport: Arc<dyn Transport>,
}

impl EcsRamRole {
    /// The role named `role` (`None`: whichever role the instance has), from the metadata
    /// service at `endpoint` (`None`: [`DEFAULT_METADATA_ENDPOINT`]; a local emulator in tests).
    pub fn new(role: Option<String>, endpoint: Option<&str>) -> Result<Self, Error> {
        let endpoint = endpoint.unwrap_or(DEFAULT_METADATA_ENDPOINT).trim_end_matches('/').to_owned();
        let uri: http::Uri = endpoint.parse().map_err(|e| {
            Error::new(ErrorCode::InvalidConfig, format!("the ECS metadata endpoint {endpoint:?} is not a URL: {e}"))
        })?;
        if uri.scheme_str() != Some("http") || uri.host().is_none() {
            return Err(Error::new(ErrorCode::InvalidConfig, "the ECS metadata endpoint must be http://host[:port]"));
        }
        let config = TransportConfig {
            connect_timeout: Duration::from_secs(1),
            request_timeout: Duration::from_secs(5),
            no_proxy: true,
            ..TransportConfig::default()
        };
        let role = role.filter(|role| !role.trim().is_empty());
        Ok(Self { endpoint, role, transport: Arc::new(DirectTransport::new(&config)?) })
    }

    /// Asks the service: a token, the role's name if needed, then its credentials.
    async fn credentials(&self) -> Result<Expiring, Error> {
        let token = self.request(http::Method::PUT, "/latest/api/token", None).await.ok();
        let role = match &self.role {
            Some(role) => role.clone(),
            None => {
                let listed = self.request(http::Method::GET, CREDENTIALS_PATH, token.as_deref()).await?;
                listed.lines().next().unwrap_or_default().trim().to_owned()
            }
        };
        if role.is_empty() {
            return Err(unavailable("the instance has no RAM role"));
        }
        let path = format!("{CREDENTIALS_PATH}{role}");
        parse(self.request(http::Method::GET, &path, token.as_deref()).await?.as_bytes())
    }

    /// The body of a 2xx answer to `method path`, with the metadata token if there is one.
    async fn request(&self, method: http::Method, path: &str, token: Option<&str>) -> Result<String, Error> {
        let mut request = http::Request::builder().method(method.clone()).uri(format!("{}{path}", self.endpoint));
        request = match token {
            _ if method == http::Method::PUT => {
                request.header("x-aliyun-ecs-metadata-token-ttl-seconds", TOKEN_TTL_SECONDS)
            }
            Some(token) => request.header("x-aliyun-ecs-metadata-token", token),
            None => request,
        };
        let request = request.body(Bytes::new()).map_err(|e| unavailable(&e.to_string()))?;
        let answer = self.transport.send(request).await.map_err(|e| unavailable(e.message()))?;
        if !(200..300).contains(&answer.status) {
            return Err(unavailable(&format!("{method} {path} answered HTTP {}", answer.status)));
        }
        String::from_utf8(answer.body).map_err(|_| unavailable(&format!("{path} answered with text that is not UTF-8")))
    }
}

impl std::fmt::Debug for EcsRamRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EcsRamRole").field("endpoint", &self.endpoint).field("role", &self.role).finish()
    }
}

impl CredentialsProvider for EcsRamRole {
    fn fetch(&self) -> BoxFuture<'_, Result<Expiring, Error>> {
        Box::pin(self.credentials())
    }
}

/// The role's credentials in the service's answer.
fn parse(body: &[u8]) -> Result<Expiring, Error> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Answer {
        code: Option<String>,
        access_key_id: String,
        access_key_secret: String,
        security_token: String,
        expiration: String,
    }
    let answer: Answer = serde_json::from_slice(body)
        .map_err(|e| unavailable(&format!("the role's credentials are not the expected JSON ({e})")))?;
    if answer.code.as_deref().is_some_and(|code| code != "Success") {
        return Err(unavailable(&format!("the metadata service answered Code {:?}", answer.code.unwrap_or_default())));
    }
    let expires_at = OffsetDateTime::parse(&answer.expiration, &Rfc3339)
        .map_err(|_| unavailable(&format!("Expiration {:?} is not an RFC 3339 time", answer.expiration)))?;
    let credentials = Credentials::new(answer.access_key_id, answer.access_key_secret, Some(answer.security_token))?;
    Ok(Expiring { credentials, expires_at: Some(SystemTime::from(expires_at)) })
}

/// The error for credentials the metadata service did not give.
fn unavailable(why: &str) -> Error {
    provider::unavailable("the ECS RAM role", why)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_becomes_expiring_sts_credentials() {
        let body = br#"{"AccessKeyId":"STS.id","AccessKeySecret":"s3cr3t","SecurityToken":"t0k3n",
            "Expiration":"2026-12-05T18:00:00Z","LastUpdated":"2026-12-05T12:00:00Z","Code":"Success"}"#;
        let expiring = parse(body).unwrap();
        assert_eq!(expiring.credentials.access_key_id(), "STS.id");
        assert_eq!(expiring.credentials.security_token().map(|t| t.expose()), Some("t0k3n"));
        let at = OffsetDateTime::from(expiring.expires_at.unwrap());
        assert_eq!((at.hour(), at.minute()), (18, 0));
        assert!(!format!("{expiring:?}").contains("s3cr3t"));
    }

    #[test]
    fn a_failed_or_garbled_answer_is_missing_credentials() {
        for body in [
            &br#"{"Code":"Failed","AccessKeyId":"","AccessKeySecret":"","SecurityToken":"","Expiration":""}"#[..],
            b"<html>",
            br#"{"AccessKeyId":"a","AccessKeySecret":"b","SecurityToken":"c","Expiration":"tomorrow"}"#,
        ] {
            assert_eq!(parse(body).unwrap_err().code(), ErrorCode::MissingCredentials);
        }
    }

    #[test]
    fn the_endpoint_must_be_plain_http() {
        assert!(EcsRamRole::new(None, Some("http://127.0.0.1:9")).is_ok());
        for bad in ["https://100.100.100.200", "not a url", "ftp://h"] {
            assert_eq!(EcsRamRole::new(None, Some(bad)).unwrap_err().code(), ErrorCode::InvalidConfig, "{bad}");
        }
    }
}
