//! `GetChatappUploadAuthorization` and the media bucket it opens: temporary OSS credentials
//! (`AccessKeyId`, `AccessKeySecret`, `SecurityToken`) for one directory (`Dir`,
//! `{CustSpaceId}/`) of one in-memory bucket ([`BUCKET`]) served on the sandbox's own port.
//!
//! The bucket speaks OSS path-style, as OSS SDKs address a bucket at an IP or `localhost`
//! endpoint: `PUT /{BucketName}/{key}` uploads with OSS's header signature (V1):
//! `Authorization: OSS {AccessKeyId}:{base64 HMAC-SHA1}` over
//! `PUT\n{Content-MD5}\n{Content-Type}\n{Date}\n{x-oss-* headers}/{BucketName}/{key}`, the
//! token in `x-oss-security-token`, the key under `Dir`. `GET /{BucketName}/{key}` reads an
//! object back without credentials (a public-read bucket), so
//! `http://{EndPoint}/{BucketName}/{key}` can be sent as a media `link`. Refusals are OSS's
//! XML errors, HTTP 403: `AccessDenied` (no signature, or a key outside `Dir`),
//! `InvalidAccessKeyId` (unknown key, or a token that is not the key's),
//! `SecurityTokenExpired`, `SignatureDoesNotMatch`; an unknown object is 404 `NoSuchKey`.
//!
//! Choices \[UNVERIFIED\]: `EndPoint` is the host (and port) the request reached the sandbox at,
//! without a scheme (OSS endpoints are written so); `Expire` is when the credentials expire, in
//! seconds since the epoch; they last an hour; the `ETag` is the body's SHA-1 (OSS's is its
//! MD5); `Content-MD5` is signed, not checked; POST policy forms are not served.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::header::{CONTENT_TYPE, ETAG};
use axum::http::{HeaderMap, HeaderName, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::put;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chatlane_core::random_id;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha1::{Digest, Sha1};

use crate::callbacks::epoch_ms;
use crate::config::SandboxConfig;
use crate::send::Refusal;
use crate::server::AppState;

/// The bucket's name (`BucketName`).
pub const BUCKET: &str = "cams-sandbox-media";
/// How long upload credentials last.
pub const LIFETIME: Duration = Duration::from_secs(60 * 60);
/// The largest object the bucket takes (WhatsApp's largest media, documents, is 100 MB).
const MAX_OBJECT: usize = 100 * 1024 * 1024;

/// Issued upload credentials and the bucket's objects.
#[derive(Debug, Default)]
pub struct Uploads {
    grants: Mutex<HashMap<String, Grant>>,
    objects: Mutex<HashMap<String, Object>>,
}

/// Credentials for one directory, by their AccessKey ID.
#[derive(Debug)]
struct Grant {
    secret: String,
    token: String,
    dir: String,
    expires: Instant,
}

#[derive(Clone, Debug)]
struct Object {
    content_type: String,
    etag: String,
    bytes: Bytes,
}

/// An OSS error answer.
struct OssError {
    status: StatusCode,
    code: &'static str,
    message: &'static str,
}

impl IntoResponse for OssError {
    fn into_response(self) -> Response {
        let request_id = random_id().to_ascii_uppercase();
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\n  <Code>{}</Code>\n  <Message>{}</Message>\n  \
             <RequestId>{request_id}</RequestId>\n  <HostId>{BUCKET}</HostId>\n</Error>\n",
            self.code, self.message
        );
        (self.status, [(CONTENT_TYPE, "application/xml"), (REQUEST_ID, request_id.as_str())], body).into_response()
    }
}

/// OSS's request ID header.
const REQUEST_ID: HeaderName = HeaderName::from_static("x-oss-request-id");

const fn denied(code: &'static str, message: &'static str) -> OssError {
    OssError { status: StatusCode::FORBIDDEN, code, message }
}

impl Uploads {
    /// The body of a `GetChatappUploadAuthorization` answer: `Data` with fresh credentials for
    /// `{CustSpaceId}/`, the bucket at `host` (where the request reached the sandbox).
    pub fn authorize(
        &self,
        config: &SandboxConfig,
        params: &BTreeMap<String, String>,
        host: &str,
    ) -> Result<Value, Refusal> {
        let Some(space) = params.get("CustSpaceId").filter(|v| !v.is_empty()) else {
            return Err(Refusal::Missing("CustSpaceId"));
        };
        if !config.cust_spaces.is_empty() && config.cust_space(space).is_none() {
            return Err(Refusal::Business("Authentication.NoAuth", format!("CustSpaceId {space} is not yours.")));
        }
        let (access_key_id, secret, token) = (format!("STS.{}", random_id()), random_id(), random_id() + &random_id());
        let dir = format!("{space}/");
        let now = Instant::now();
        let mut grants = self.grants.lock().unwrap_or_else(PoisonError::into_inner);
        grants.retain(|_, grant| grant.expires > now);
        let grant = Grant { secret: secret.clone(), token: token.clone(), dir: dir.clone(), expires: now + LIFETIME };
        grants.insert(access_key_id.clone(), grant);
        let expire = epoch_ms() / 1000 + LIFETIME.as_secs();
        Ok(json!({
            "Data": {
                "AccessKeyId": access_key_id, "AccessKeySecret": secret, "SecurityToken": token,
                "BucketName": BUCKET, "Dir": dir, "EndPoint": host, "Expire": expire,
            },
        }))
    }

    /// Checks a `PUT` of `key`: signed with live credentials whose directory holds it.
    fn admit(&self, key: &str, headers: &HeaderMap) -> Result<(), OssError> {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let Some((access_key_id, signature)) =
            header("authorization").strip_prefix("OSS ").and_then(|a| a.split_once(':'))
        else {
            return Err(denied("AccessDenied", "Anonymous access is forbidden for this operation."));
        };
        let grants = self.grants.lock().unwrap_or_else(PoisonError::into_inner);
        let grant = grants.get(access_key_id).filter(|grant| grant.token == header("x-oss-security-token")).ok_or(
            denied("InvalidAccessKeyId", "The OSS Access Key Id or security token you provided is not valid."),
        )?;
        if grant.expires <= Instant::now() {
            return Err(denied("SecurityTokenExpired", "The security token you provided has expired."));
        }
        let mut mac = Hmac::<Sha1>::new_from_slice(grant.secret.as_bytes()).expect("HMAC takes a key of any length");
        mac.update(string_to_sign("PUT", headers, key).as_bytes());
        let provided = STANDARD.decode(signature).unwrap_or_default();
        if mac.verify_slice(&provided).is_err() {
            return Err(denied(
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided.",
            ));
        }
        if !key.starts_with(&grant.dir) {
            return Err(denied("AccessDenied", "The key is outside the directory these credentials may write to."));
        }
        Ok(())
    }
}

/// OSS's V1 string to sign for `method` on `key` in [`BUCKET`] (no sub-resources).
fn string_to_sign(method: &str, headers: &HeaderMap, key: &str) -> String {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let mut oss: Vec<(&str, &str)> = headers
        .iter()
        .filter(|(name, _)| name.as_str().starts_with("x-oss-"))
        .map(|(name, value)| (name.as_str(), value.to_str().unwrap_or_default().trim()))
        .collect();
    oss.sort_unstable();
    let oss: String = oss.iter().map(|(name, value)| format!("{name}:{value}\n")).collect();
    format!("{method}\n{}\n{}\n{}\n{oss}/{BUCKET}/{key}", header("content-md5"), header("content-type"), header("date"))
}

/// The bucket's routes: `PUT` and `GET /{BUCKET}/{key}`.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route(&format!("/{BUCKET}/{{*key}}"), put(put_object).get(get_object))
        .layer(DefaultBodyLimit::max(MAX_OBJECT))
}

async fn put_object(
    State(state): State<Arc<AppState>>,
    Path(key): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(error) = state.uploads.admit(&key, &headers) {
        return error.into_response();
    }
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("application/octet-stream");
    let etag: String = Sha1::digest(&body).iter().map(|byte| format!("{byte:02X}")).collect();
    let etag = format!("\"{etag}\"");
    let object = Object { content_type: content_type.to_owned(), etag: etag.clone(), bytes: body };
    state.uploads.objects.lock().unwrap_or_else(PoisonError::into_inner).insert(key, object);
    (StatusCode::OK, [(ETAG, etag), (REQUEST_ID, random_id().to_ascii_uppercase())]).into_response()
}

async fn get_object(State(state): State<Arc<AppState>>, Path(key): Path<String>) -> Response {
    let object = state.uploads.objects.lock().unwrap_or_else(PoisonError::into_inner).get(&key).cloned();
    match object {
        Some(object) => {
            ([(CONTENT_TYPE, object.content_type.as_str()), (ETAG, object.etag.as_str())], object.bytes).into_response()
        }
        None => {
            OssError { status: StatusCode::NOT_FOUND, code: "NoSuchKey", message: "The specified key does not exist." }
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    /// A signed `PUT` of `key`'s headers with `data`'s credentials.
    fn signed(data: &Value, key: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("date", "Tue, 01 Apr 2025 08:00:00 GMT".parse().unwrap());
        headers.insert("content-type", "image/png".parse().unwrap());
        headers.insert("x-oss-security-token", data["SecurityToken"].as_str().unwrap().parse().unwrap());
        let secret = data["AccessKeySecret"].as_str().unwrap();
        let mut mac = Hmac::<Sha1>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(string_to_sign("PUT", &headers, key).as_bytes());
        let signature = STANDARD.encode(mac.finalize().into_bytes());
        let authorization = format!("OSS {}:{signature}", data["AccessKeyId"].as_str().unwrap());
        headers.insert("authorization", authorization.parse().unwrap());
        headers
    }

    fn code(uploads: &Uploads, key: &str, headers: &HeaderMap) -> &'static str {
        uploads.admit(key, headers).err().map_or("OK", |error| error.code)
    }

    #[test]
    fn credentials_open_their_directory_to_signed_puts() {
        let uploads = Uploads::default();
        let answer = uploads
            .authorize(&SandboxConfig::default(), &params(&[("CustSpaceId", "cams-1")]), "127.0.0.1:8080")
            .unwrap();
        let data = &answer["Data"];
        assert_eq!(
            (data["BucketName"].as_str(), data["Dir"].as_str(), data["EndPoint"].as_str()),
            (Some(BUCKET), Some("cams-1/"), Some("127.0.0.1:8080"))
        );
        assert!(data["Expire"].as_u64().unwrap() > epoch_ms() / 1000);
        assert_eq!(code(&uploads, "cams-1/a.png", &signed(data, "cams-1/a.png")), "OK");
        assert_eq!(code(&uploads, "cams-2/a.png", &signed(data, "cams-2/a.png")), "AccessDenied");
        assert_eq!(code(&uploads, "cams-1/b.png", &signed(data, "cams-1/a.png")), "SignatureDoesNotMatch");
        let mut no_token = signed(data, "cams-1/a.png");
        no_token.remove("x-oss-security-token");
        assert_eq!(code(&uploads, "cams-1/a.png", &no_token), "InvalidAccessKeyId");
        assert_eq!(code(&uploads, "cams-1/a.png", &HeaderMap::new()), "AccessDenied");
        uploads.grants.lock().unwrap().values_mut().for_each(|grant| grant.expires = Instant::now());
        assert_eq!(code(&uploads, "cams-1/a.png", &signed(data, "cams-1/a.png")), "SecurityTokenExpired");
    }

    #[test]
    fn authorization_needs_a_known_instance() {
        let uploads = Uploads::default();
        assert_eq!(
            uploads.authorize(&SandboxConfig::default(), &params(&[]), "h"),
            Err(Refusal::Missing("CustSpaceId"))
        );
        let config = SandboxConfig::parse(r#"{"custSpaces": [{"id": "cams-1"}]}"#).unwrap();
        assert!(matches!(
            uploads.authorize(&config, &params(&[("CustSpaceId", "cams-2")]), "h"),
            Err(Refusal::Business("Authentication.NoAuth", _))
        ));
    }
}
