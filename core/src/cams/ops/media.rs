//! `GetChatappUploadAuthorization`: temporary OSS credentials for a channel instance's media.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::cust_space;
use crate::cams::wire::Params;
use crate::credentials::Secret;
use crate::error::{Error, ErrorCode};
use crate::ops::{UploadAuthorization, invalid};

/// The query of a `GetChatappUploadAuthorization` call in the shared operation cases'
/// JSON: `{"custSpaceId": "…"}`, or `{}` for the client's.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct AuthorizationQuery {
    #[serde(default)]
    pub(super) cust_space_id: Option<String>,
}

/// The wire parameters of a call for `cust_space_id`, else `default_space` (CAMS requires
/// one: neither is [`ErrorCode::InvalidParameter`] naming `custSpaceId`).
pub fn upload_authorization(cust_space_id: Option<&str>, default_space: Option<&str>) -> Result<Params, Error> {
    let mut params = Params::default();
    cust_space(&mut params, cust_space_id, default_space);
    if params.get("CustSpaceId").is_none() {
        return Err(invalid("custSpaceId", "required: the upload's, or the client's cust_space_id"));
    }
    Ok(params)
}

/// The credentials an accepted answer carries. A `Data` without an AccessKey pair, a bucket
/// or an endpoint is [`ErrorCode::MalformedResponse`]; the error names the field, never a
/// value (some are secrets).
pub fn read_upload_authorization(body: &[u8]) -> Result<UploadAuthorization, Error> {
    let malformed = |problem: &str| {
        Error::new(
            ErrorCode::MalformedResponse,
            format!("the GetChatappUploadAuthorization answer cannot be read: {problem}"),
        )
    };
    let answer: Value = serde_json::from_slice(body).map_err(|_| malformed("it is not JSON"))?;
    let data = answer.get("Data").and_then(Value::as_object).ok_or_else(|| malformed("no Data object"))?;
    let required = |name: &str| text(data, name).ok_or_else(|| malformed(&format!("Data.{name} is missing or empty")));
    let expire = match data.get("Expire") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) if s.is_empty() => None,
        Some(Value::String(s)) => s.parse().ok(),
        Some(_) => None,
    };
    Ok(UploadAuthorization {
        access_key_id: required("AccessKeyId")?.to_owned(),
        access_key_secret: Secret::new(required("AccessKeySecret")?),
        security_token: text(data, "SecurityToken").map(Secret::new),
        bucket: required("BucketName")?.to_owned(),
        dir: text(data, "Dir").unwrap_or_default().to_owned(),
        endpoint: required("EndPoint")?.to_owned(),
        expire,
    })
}

/// `Data.name` when it is a non-empty string.
fn text<'a>(data: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    data.get(name).and_then(Value::as_str).filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_space_is_the_callers_else_the_clients_and_required() {
        let pairs = |params: Params| params.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>();
        assert_eq!(pairs(upload_authorization(None, Some("cams-1")).unwrap()), ["CustSpaceId=cams-1"]);
        assert_eq!(pairs(upload_authorization(Some("cams-2"), Some("cams-1")).unwrap()), ["CustSpaceId=cams-2"]);
        assert_eq!(pairs(upload_authorization(Some(""), Some("cams-1")).unwrap()), ["CustSpaceId=cams-1"]);
        let error = upload_authorization(None, None).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidParameter);
        assert!(error.message().starts_with("custSpaceId: required"), "{error}");
    }

    #[test]
    fn the_credentials_are_read_and_their_secrets_kept_secret() {
        let body = br#"{"RequestId":"r","Code":"OK","Data":{"AccessKeyId":"STS.k","AccessKeySecret":"s3cret",
            "SecurityToken":"t0ken","BucketName":"media","Dir":"cams-1/","EndPoint":"oss-ap-southeast-1.aliyuncs.com",
            "Expire":1796464800}}"#;
        let authorization = read_upload_authorization(body).unwrap();
        assert_eq!(authorization.access_key_secret.expose(), "s3cret");
        assert_eq!(authorization.security_token.as_ref().map(Secret::expose), Some("t0ken"));
        assert_eq!(
            (authorization.bucket.as_str(), authorization.dir.as_str(), authorization.endpoint.as_str()),
            ("media", "cams-1/", "oss-ap-southeast-1.aliyuncs.com")
        );
        assert_eq!(authorization.expire, Some(1_796_464_800));
        let tokenless = br#"{"Data":{"AccessKeyId":"k","AccessKeySecret":"s","SecurityToken":"","BucketName":"b",
            "EndPoint":"h","Expire":"60"}}"#;
        let authorization = read_upload_authorization(tokenless).unwrap();
        assert_eq!(
            (authorization.security_token, authorization.dir.as_str(), authorization.expire),
            (None, "", Some(60))
        );
    }

    #[test]
    fn an_answer_without_credentials_is_malformed_and_quotes_no_value() {
        for (body, place) in [
            (&br#"{"Code":"OK"}"#[..], "no Data"),
            (br#"{"Data":{"AccessKeyId":"k","AccessKeySecret":"s","BucketName":"b"}}"#, "Data.EndPoint"),
            (
                br#"{"Data":{"AccessKeyId":"k","AccessKeySecret":12345,"BucketName":"b","EndPoint":"h"}}"#,
                "Data.AccessKeySecret",
            ),
            (b"<html>", "not JSON"),
        ] {
            let error = read_upload_authorization(body).unwrap_err();
            assert_eq!(error.code(), ErrorCode::MalformedResponse);
            assert!(error.message().contains(place) && !error.message().contains("12345"), "{error}");
        }
    }
}
