//! OSS, where CAMS keeps the media a message links to: where an object of an
//! [`UploadAuthorization`] lives, the signed `PUT` that uploads it and what OSS's answer
//! means — all pure, the clock and the object's ID being inputs.
//!
//! The signature is OSS's V1 header signature: `Authorization: OSS {AccessKeyId}:{base64
//! HMAC-SHA1(secret, string to sign)}`, the STS token in `x-oss-security-token` (one of the
//! signed `x-oss-*` headers). Assembled here on `hmac` + `sha1` rather than taken from an
//! OSS crate, each of which brings its own HTTP client (see `docs/decisions.md`).

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha1::Sha1;
use time::OffsetDateTime;
use time::macros::format_description;
use url::Host;

use crate::cams::unverified::OSS_VIRTUAL_HOSTED;
use crate::endpoint::Endpoint;
use crate::error::{Error, ErrorCode, PlatformDetails};
use crate::ops::UploadAuthorization;
use crate::transport::{HttpRequest, HttpResponse};

/// The header carrying the STS security token.
const TOKEN_HEADER: &str = "x-oss-security-token";

/// What a key keeps unescaped in a URL path: RFC 3986's unreserved characters and `/`.
const KEY_IN_PATH: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'/');

/// OSS's V1 string to sign: `VERB\nContent-MD5\nContent-Type\nDate\n`, then each `x-oss-*`
/// header as `name:value\n` (names lower-cased and sorted, values trimmed), then the
/// canonicalized resource (`/{bucket}/{key}`, the key not percent-encoded).
pub fn string_to_sign(
    method: &str,
    content_md5: &str,
    content_type: &str,
    date: &str,
    oss_headers: &[(&str, &str)],
    resource: &str,
) -> String {
    let mut headers: Vec<(String, &str)> =
        oss_headers.iter().map(|(name, value)| (name.to_ascii_lowercase(), value.trim())).collect();
    headers.sort_unstable();
    let mut text = format!("{method}\n{content_md5}\n{content_type}\n{date}\n");
    for (name, value) in headers {
        text.push_str(&name);
        text.push(':');
        text.push_str(value);
        text.push('\n');
    }
    text.push_str(resource);
    text
}

/// The signature of `string_to_sign` with `secret`: base64 of its HMAC-SHA1.
pub fn signature(secret: &str, string_to_sign: &str) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(string_to_sign.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// `Content-MD5`: base64 of the body's MD5 (RFC 1864), which OSS checks the body against.
pub fn content_md5(body: &[u8]) -> String {
    STANDARD.encode(Md5::digest(body))
}

/// The `Date` header for `at`: RFC 7231's IMF-fixdate, e.g. `Thu, 17 Nov 2005 18:49:58 GMT`.
pub fn http_date(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(format_description!(
            "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
        ))
        .expect("every UTC date formats")
}

/// Where an object goes: the URL it is put at and fetched from, and the resource its
/// signature covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The object's key: the authorization's `Dir`, the upload's ID and its name.
    pub key: String,
    /// `scheme://host/path` of the object.
    pub url: String,
    /// `/{bucket}/{key}`, as signed.
    pub resource: String,
}

/// Where the object named `name` (already sanitised) of upload `id` goes under
/// `authorization`.
///
/// The key is `{Dir}{id}-{name}` (`Dir` taken as a directory: a `/` is added when it has
/// none). The scheme is `https`, except that a client whose own endpoint is plain HTTP
/// (`plain_http`, which an endpoint may only be on loopback: the sandbox) reaches a loopback
/// `EndPoint` over `http`, as it reaches the sandbox's gateway; nothing else is ever put in
/// clear text. As the OSS SDKs do, an `EndPoint` that is an IP address or `localhost` is
/// addressed path-style (`/{bucket}/{key}`), any other host virtual-hosted style
/// (`{bucket}.{EndPoint}/{key}`, unless `EndPoint` already starts with the bucket;
/// [`OSS_VIRTUAL_HOSTED`]). An `EndPoint` or bucket that cannot be a URL is
/// [`ErrorCode::MalformedResponse`].
pub fn locate(authorization: &UploadAuthorization, id: &str, name: &str, plain_http: bool) -> Result<Location, Error> {
    let bucket = authorization.bucket.as_str();
    if bucket.is_empty() || !bucket.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        return Err(malformed("BucketName is not a bucket name"));
    }
    let host = authorization.endpoint.trim().trim_end_matches('/');
    let host = host.split_once("://").map_or(host, |(_, rest)| rest);
    let loopback = Endpoint::parse(&format!("http://{host}")).is_ok();
    let scheme = if plain_http && loopback { "http" } else { "https" };
    let base = Endpoint::parse(&format!("{scheme}://{host}")).map_err(|_| malformed("EndPoint is not a host"))?;
    let path_style = match base.base_url().host() {
        Some(Host::Domain(domain)) => !OSS_VIRTUAL_HOSTED || domain.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(_) | Host::Ipv6(_)) => true,
        None => return Err(malformed("EndPoint is not a host")),
    };
    let dir = &authorization.dir;
    let separator = if dir.is_empty() || dir.ends_with('/') { "" } else { "/" };
    let key = format!("{dir}{separator}{id}-{name}");
    let path = utf8_percent_encode(&key, KEY_IN_PATH);
    let authority = base.host_header();
    let url = if path_style {
        format!("{scheme}://{authority}/{bucket}/{path}")
    } else if authority.starts_with(&format!("{bucket}.")) {
        format!("{scheme}://{authority}/{path}")
    } else {
        format!("{scheme}://{bucket}.{authority}/{path}")
    };
    let resource = format!("/{bucket}/{key}");
    Ok(Location { key, url, resource })
}

/// What an object is put with: its content, type and `Content-MD5` ([`content_md5`]).
#[derive(Clone, Copy, Debug)]
pub struct Body<'a> {
    /// The content.
    pub bytes: &'a Bytes,
    /// Its media type.
    pub content_type: &'a str,
    /// Its `Content-MD5`.
    pub content_md5: &'a str,
}

/// The `PUT` of `body` at `location`, signed with `authorization` and dated `date`
/// ([`http_date`]).
pub fn put_request(
    authorization: &UploadAuthorization,
    location: &Location,
    body: Body<'_>,
    date: &str,
    user_agent: &str,
) -> Result<HttpRequest, Error> {
    let Body { bytes, content_type, content_md5 } = body;
    let token = authorization.security_token.as_ref().map(|token| token.expose());
    let oss_headers: Vec<(&str, &str)> = token.map(|token| (TOKEN_HEADER, token)).into_iter().collect();
    let to_sign = string_to_sign("PUT", content_md5, content_type, date, &oss_headers, &location.resource);
    let signature = signature(authorization.access_key_secret.expose(), &to_sign);
    let mut request = http::Request::put(location.url.as_str())
        .header(http::header::DATE, date)
        .header(http::header::CONTENT_TYPE, content_type)
        .header("content-md5", content_md5)
        .header(http::header::USER_AGENT, user_agent)
        .header(http::header::AUTHORIZATION, format!("OSS {}:{signature}", authorization.access_key_id));
    if let Some(token) = token {
        request = request.header(TOKEN_HEADER, token);
    }
    // The builder's error would not name the header; none of it quotes a value either.
    request.body(bytes.clone()).map_err(|_| malformed("the credentials or the URL cannot be sent as HTTP headers"))
}

/// What OSS's answer to a `PUT` means: 2xx stored; a refusal with an XML `<Code>` typed by
/// its code (a wrong secret or token is an authentication error, a key outside `Dir`
/// `PermissionDenied`); HTTP 429 `Throttled`, 503 `Server`, any other 5xx `OutcomeUnknown`
/// — all three safe to put again, since the same bytes go to the same key; a refusal
/// without a code `MalformedResponse`.
pub fn classify_put(answer: &HttpResponse) -> Result<(), Error> {
    let status = answer.status;
    if (200..300).contains(&status) {
        return Ok(());
    }
    let body = String::from_utf8_lossy(&answer.body);
    let code = element(&body, "Code");
    let platform = PlatformDetails {
        code: code.clone(),
        message: element(&body, "Message"),
        request_id: element(&body, "RequestId").or_else(|| answer.request_id.clone()),
        http_status: Some(status),
    };
    let detail = match (&code, &platform.message) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code.clone(),
        (None, _) => "no error code".to_owned(),
    };
    let (error_code, message) = match (status, code.as_deref()) {
        (429, _) => (ErrorCode::Throttled, format!("OSS throttled the upload (HTTP 429, {detail})")),
        (503, _) => (ErrorCode::Server, format!("OSS is unavailable (HTTP 503, {detail})")),
        (500.., _) => (
            ErrorCode::OutcomeUnknown,
            format!("OSS failed while storing the upload (HTTP {status}, {detail}); putting it again is safe"),
        ),
        (_, Some(code)) => {
            (oss_code(code).unwrap_or(ErrorCode::Rejected), format!("OSS refused the upload (HTTP {status}, {detail})"))
        }
        (_, None) => {
            (ErrorCode::MalformedResponse, format!("OSS refused the upload with HTTP {status} and no error code"))
        }
    };
    let retry_after = answer.retry_after_ms.map(Duration::from_millis);
    Err(Error::new(error_code, message).with_platform(platform).with_retry_after(retry_after))
}

/// The chatlane code of an OSS error `<Code>`, when chatlane knows its family.
fn oss_code(code: &str) -> Option<ErrorCode> {
    let known = match code {
        "SignatureDoesNotMatch" => ErrorCode::SignatureMismatch,
        "InvalidAccessKeyId" => ErrorCode::InvalidAccessKey,
        "SecurityTokenExpired" | "InvalidSecurityToken" => ErrorCode::InvalidSecurityToken,
        "RequestTimeTooSkewed" => ErrorCode::InvalidTimestamp,
        "AccessDenied" => ErrorCode::PermissionDenied,
        "InvalidDigest" | "BadDigest" | "EntityTooLarge" | "InvalidObjectName" | "InvalidArgument" => {
            ErrorCode::InvalidParameter
        }
        _ => return None,
    };
    Some(known)
}

/// The text of the first `<name>…</name>` of an XML body, entities decoded; `None` when
/// absent or empty.
fn element(body: &str, name: &str) -> Option<String> {
    let start = body.find(&format!("<{name}>"))? + name.len() + 2;
    let end = start + body[start..].find(&format!("</{name}>"))?;
    let text = body[start..end]
        .trim()
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    (!text.is_empty()).then_some(text)
}

/// An [`ErrorCode::MalformedResponse`] about the `GetChatappUploadAuthorization` answer.
fn malformed(problem: &str) -> Error {
    Error::new(
        ErrorCode::MalformedResponse,
        format!("the GetChatappUploadAuthorization answer cannot be used: {problem}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Secret;

    /// OSS's documented V1 example ("Include a V1 signature in the Authorization header"),
    /// which the official SDKs' own tests replay.
    #[test]
    fn the_documented_example_signs_to_its_signature() {
        let to_sign = string_to_sign(
            "PUT",
            "ODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=",
            "text/html",
            "Thu, 17 Nov 2005 18:49:58 GMT",
            &[("X-OSS-Meta-Author", "foo@bar.com"), ("X-OSS-Magic", " abracadabra")],
            "/oss-example/nelson",
        );
        assert_eq!(
            to_sign,
            "PUT\nODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=\ntext/html\nThu, 17 Nov 2005 18:49:58 GMT\n\
             x-oss-magic:abracadabra\nx-oss-meta-author:foo@bar.com\n/oss-example/nelson"
        );
        assert_eq!(signature("OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV", &to_sign), "26NBxoKdsyly4EDv6inkoDft/yA=");
    }

    #[test]
    fn content_md5_and_the_date_are_as_documented() {
        assert_eq!(content_md5(b"0123456789"), "eB5eJF1ptWaXm4bijSPyxw==", "OSS's Content-MD5 example");
        let at = OffsetDateTime::from_unix_timestamp(1_132_253_398).unwrap();
        assert_eq!(http_date(at), "Thu, 17 Nov 2005 18:49:58 GMT");
    }

    fn authorization(endpoint: &str, dir: &str) -> UploadAuthorization {
        UploadAuthorization {
            access_key_id: "STS.key".into(),
            access_key_secret: Secret::new("secret"),
            security_token: Some(Secret::new("token")),
            bucket: "media-bucket".into(),
            dir: dir.into(),
            endpoint: endpoint.into(),
            expire: None,
        }
    }

    #[test]
    fn objects_are_path_style_on_loopback_and_virtual_hosted_elsewhere() {
        let url = |endpoint: &str, plain_http: bool| {
            locate(&authorization(endpoint, "cams-1/"), "id", "a.png", plain_http).map(|l| l.url)
        };
        assert_eq!(url("127.0.0.1:8080", true).unwrap(), "http://127.0.0.1:8080/media-bucket/cams-1/id-a.png");
        assert_eq!(url("localhost:9", true).unwrap(), "http://localhost:9/media-bucket/cams-1/id-a.png");
        assert_eq!(url("127.0.0.1:8080", false).unwrap(), "https://127.0.0.1:8080/media-bucket/cams-1/id-a.png");
        assert_eq!(
            url("oss-ap-southeast-1.aliyuncs.com", true).unwrap(),
            "https://media-bucket.oss-ap-southeast-1.aliyuncs.com/cams-1/id-a.png",
            "a plain-HTTP client still puts to a remote host over https"
        );
        assert_eq!(
            url("http://media-bucket.oss-ap-southeast-1.aliyuncs.com/", false).unwrap(),
            "https://media-bucket.oss-ap-southeast-1.aliyuncs.com/cams-1/id-a.png",
            "a scheme in EndPoint is not taken, nor the bucket added twice"
        );
        for bad in ["", "host/with/path", "user:pw@host", "a b"] {
            assert_eq!(url(bad, false).unwrap_err().code(), ErrorCode::MalformedResponse, "{bad:?}");
        }
        let mut odd_bucket = authorization("h", "");
        odd_bucket.bucket = "evil.com/x".into();
        assert_eq!(locate(&odd_bucket, "id", "a", false).unwrap_err().code(), ErrorCode::MalformedResponse);
    }

    #[test]
    fn keys_sit_under_the_directory_and_are_signed_unescaped() {
        let location = locate(&authorization("127.0.0.1:1", "up loads"), "id", "a.png", true).unwrap();
        assert_eq!(location.key, "up loads/id-a.png");
        assert_eq!(location.resource, "/media-bucket/up loads/id-a.png");
        assert_eq!(location.url, "http://127.0.0.1:1/media-bucket/up%20loads/id-a.png");
        assert_eq!(locate(&authorization("h", ""), "id", "a", false).unwrap().key, "id-a");
    }

    #[test]
    fn the_put_is_signed_over_its_own_headers() {
        let authorization = authorization("127.0.0.1:1", "cams-1/");
        let location = locate(&authorization, "id", "a.png", true).unwrap();
        let bytes = Bytes::from_static(b"png");
        let md5 = content_md5(&bytes);
        let date = "Tue, 01 Apr 2025 08:00:00 GMT";
        let body = Body { bytes: &bytes, content_type: "image/png", content_md5: &md5 };
        let request = put_request(&authorization, &location, body, date, "ua").unwrap();
        assert_eq!(request.method(), http::Method::PUT);
        assert_eq!(request.uri(), "http://127.0.0.1:1/media-bucket/cams-1/id-a.png");
        let header = |name: &str| request.headers()[name].to_str().unwrap();
        assert_eq!((header("content-type"), header("content-md5"), header("date")), ("image/png", md5.as_str(), date));
        assert_eq!(header("x-oss-security-token"), "token");
        let expected = signature(
            "secret",
            &format!("PUT\n{md5}\nimage/png\n{date}\nx-oss-security-token:token\n/media-bucket/cams-1/id-a.png"),
        );
        assert_eq!(header("authorization"), format!("OSS STS.key:{expected}"));
        assert_eq!(request.body().as_ref(), b"png");
    }

    fn answer(status: u16, body: &str) -> HttpResponse {
        HttpResponse { status, body: body.as_bytes().to_vec(), ..HttpResponse::default() }
    }

    fn oss_error(code: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\n  <Code>{code}</Code>\n  \
             <Message>It &amp; failed.</Message>\n  <RequestId>RID</RequestId>\n</Error>\n"
        )
    }

    #[test]
    fn oss_answers_are_typed() {
        assert!(classify_put(&answer(200, "")).is_ok());
        for (status, code, expected) in [
            (403, "SignatureDoesNotMatch", ErrorCode::SignatureMismatch),
            (403, "InvalidAccessKeyId", ErrorCode::InvalidAccessKey),
            (403, "SecurityTokenExpired", ErrorCode::InvalidSecurityToken),
            (403, "AccessDenied", ErrorCode::PermissionDenied),
            (403, "RequestTimeTooSkewed", ErrorCode::InvalidTimestamp),
            (400, "InvalidDigest", ErrorCode::InvalidParameter),
            (404, "NoSuchBucket", ErrorCode::Rejected),
            (429, "", ErrorCode::Throttled),
            (503, "ServiceUnavailable", ErrorCode::Server),
            (500, "InternalError", ErrorCode::OutcomeUnknown),
        ] {
            let error = classify_put(&answer(status, &oss_error(code))).unwrap_err();
            assert_eq!(error.code(), expected, "{status} {code}");
            assert_eq!(error.http_status(), Some(status));
            assert_eq!(error.platform_code(), Some(code).filter(|c| !c.is_empty()));
        }
        let error = classify_put(&answer(403, &oss_error("SignatureDoesNotMatch"))).unwrap_err();
        assert_eq!((error.request_id(), error.platform().message.as_deref()), (Some("RID"), Some("It & failed.")));
        assert_eq!(classify_put(&answer(403, "<html>")).unwrap_err().code(), ErrorCode::MalformedResponse);
    }
}
