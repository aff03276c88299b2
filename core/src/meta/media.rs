//! Meta's media (Meta reference §7), pure: an upload's checks and multipart form, the Graph
//! paths of a media ID, the answers read as [`crate::ops`] records, where a download may go
//! with the bearer token, and the downloaded file's SHA-256 check.
//!
//! The form is written here rather than with a multipart library: three parts whose names are
//! fixed and whose file name is already reduced to `[A-Za-z0-9._-]` (by the upload's check), so
//! nothing needs quoting; the sandbox reads it with a full parser (multer).

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use bytes::{BufMut, Bytes, BytesMut};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use url::Url;

use super::unverified::MEDIA_HOSTS;
use crate::error::{Error, ErrorCode};
use crate::ops::{MediaInfo, MediaObject, MediaRef, invalid};

/// One MiB.
const MB: u64 = 1024 * 1024;

/// The largest file WhatsApp takes of `content_type` (§2.4): JPEG and PNG images 5 MB, WebP
/// stickers 500 KB, video and audio 16 MB, documents (anything else) 100 MB.
pub fn max_upload_bytes(content_type: &str) -> u64 {
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match essence.split_once('/') {
        Some(("image", "webp")) => 500 * 1024,
        Some(("image", _)) => 5 * MB,
        Some(("video" | "audio", _)) => 16 * MB,
        _ => 100 * MB,
    }
}

/// Checks a Meta upload of `object` for business number `phone_number_id`: the number is
/// required, digits only; the file within WhatsApp's limit for its type. Each refusal is
/// [`ErrorCode::InvalidParameter`] naming the field. Gives the number.
pub(crate) fn check_upload<'a>(object: &MediaObject, phone_number_id: Option<&'a str>) -> Result<&'a str, Error> {
    let number = phone_number_id.filter(|id| !id.trim().is_empty()).ok_or_else(|| {
        invalid("phoneNumberId", "required: Meta keeps media per business phone number (its phone number ID)")
    })?;
    if !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("phoneNumberId", "must be the business phone number ID, digits only"));
    }
    let (size, max) = (object.bytes.len() as u64, max_upload_bytes(&object.content_type));
    if size > max {
        let limit = if max >= MB { format!("{} MB", max / MB) } else { format!("{} KB", max / 1024) };
        let message = format!("WhatsApp takes {} files of at most {limit}, not {size} bytes", object.content_type);
        return Err(invalid("bytes", message));
    }
    Ok(number)
}

/// The upload's Graph path: `{phone-number-id}/media`.
pub(crate) fn upload_path(phone_number_id: &str) -> String {
    format!("{phone_number_id}/media")
}

/// The upload's `multipart/form-data` body and its `Content-Type`, parts separated by
/// `boundary`: `messaging_product=whatsapp`, `type=<media type>` and the `file`.
pub(crate) fn upload_form(object: &MediaObject, boundary: &str) -> (String, Bytes) {
    let mut form = BytesMut::with_capacity(object.bytes.len() + 512);
    let mut field = |name: &str, value: &str| {
        form.put_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes());
        form.put_slice(value.as_bytes());
        form.put_slice(b"\r\n");
    };
    field("messaging_product", "whatsapp");
    field("type", &object.content_type);
    let (name, content_type) = (&object.name, &object.content_type);
    let file = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: {content_type}\r\n\r\n"
    );
    form.put_slice(file.as_bytes());
    form.put_slice(&object.bytes);
    form.put_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), form.freeze())
}

/// The media ID of an accepted upload (`{"id": …}`); another answer is
/// [`ErrorCode::MalformedResponse`].
pub(crate) fn read_uploaded(body: &[u8]) -> Result<String, Error> {
    #[derive(Deserialize)]
    struct Uploaded {
        id: String,
    }
    read::<Uploaded>("upload", body).map(|uploaded| uploaded.id)
}

/// The Graph path of `media`: `{media-id}`, with `?phone_number_id=` when it names its number.
/// A blank ID, or one that is not a Graph node ID (letters, digits, `_`, `-`, `.`), is
/// [`ErrorCode::InvalidParameter`], as is a number that is not digits.
pub(crate) fn media_path(media: &MediaRef) -> Result<String, Error> {
    let id = media.media_id.trim();
    let node = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.');
    if id.is_empty() || !id.bytes().all(node) {
        return Err(invalid("mediaId", "must be a media ID Meta gave (an upload's or a received message's)"));
    }
    match media.phone_number_id.as_deref().filter(|number| !number.is_empty()) {
        None => Ok(id.to_owned()),
        Some(number) if number.bytes().all(|b| b.is_ascii_digit()) => Ok(format!("{id}?phone_number_id={number}")),
        Some(_) => Err(invalid("phoneNumberId", "must be the business phone number ID, digits only")),
    }
}

/// What `GET /{media-id}` answered; another shape is [`ErrorCode::MalformedResponse`].
pub(crate) fn read_info(body: &[u8]) -> Result<MediaInfo, Error> {
    #[derive(Deserialize)]
    struct Answer {
        id: String,
        url: String,
        mime_type: String,
        sha256: String,
        file_size: FileSize,
    }
    /// Graph writes the size as a number, some answers as a string of digits.
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum FileSize {
        Number(u64),
        Text(String),
    }
    let answer: Answer = read("media", body)?;
    let size = match answer.file_size {
        FileSize::Number(size) => size,
        FileSize::Text(text) => text.trim().parse().map_err(|_| {
            Error::new(ErrorCode::MalformedResponse, format!("the media answer's file_size {text:?} is not a size"))
        })?,
    };
    Ok(MediaInfo { id: answer.id, url: answer.url, content_type: answer.mime_type, sha256: answer.sha256, size })
}

/// `Ok` for a deletion's `{"success": true}`; anything else is
/// [`ErrorCode::MalformedResponse`].
pub(crate) fn read_deleted(body: &[u8]) -> Result<(), Error> {
    #[derive(Deserialize)]
    struct Deleted {
        success: bool,
    }
    match read::<Deleted>("deletion", body)?.success {
        true => Ok(()),
        false => Err(Error::new(ErrorCode::MalformedResponse, "Meta answered the deletion with success: false")),
    }
}

/// The download URL `url` of a media file, if the bearer token may go there: an `https` URL
/// on one of Meta's hosts ([`MEDIA_HOSTS`], or a subdomain), or a URL of the client's own
/// Graph origin `graph` (scheme, host and port: the sandbox, a gateway). Anything else is
/// [`ErrorCode::MalformedResponse`], and nothing is sent.
pub(crate) fn download_url(url: &str, graph: &Url) -> Result<Url, Error> {
    let refused = |why: &str| {
        Error::new(
            ErrorCode::MalformedResponse,
            format!("the media URL {why}: chatlane sends the access token only to Meta's hosts"),
        )
    };
    let parsed = Url::parse(url).map_err(|_| refused("is not a URL"))?;
    if parsed.origin() == graph.origin() {
        return Ok(parsed);
    }
    let host = parsed.host_str().unwrap_or_default().to_ascii_lowercase();
    let meta = MEDIA_HOSTS.iter().any(|known| host == *known || host.ends_with(&format!(".{known}")));
    match (parsed.scheme(), meta) {
        ("https", true) => Ok(parsed),
        ("https", false) => Err(refused(&format!("is on {host}, not one of Meta's hosts"))),
        (scheme, _) => Err(refused(&format!("is {scheme}, not https"))),
    }
}

/// `Ok` when `bytes` have the SHA-256 `expected`, as Meta writes it: lowercase or uppercase
/// hex, or base64 (standard or URL-safe; [`super::unverified`] on which Meta uses where). A
/// mismatch is [`ErrorCode::MalformedResponse`]: the file was damaged on the way.
pub(crate) fn check_sha256(bytes: &[u8], expected: &str) -> Result<(), Error> {
    let digest = Sha256::digest(bytes);
    let expected = expected.trim();
    let matches = expected.eq_ignore_ascii_case(&hex::encode(digest))
        || [STANDARD.encode(digest), URL_SAFE.encode(digest)].iter().any(|encoded| encoded == expected);
    if matches {
        return Ok(());
    }
    let message = format!(
        "the downloaded file's SHA-256 ({}) is not the {expected:?} Meta gave: it was damaged on the way",
        hex::encode(digest)
    );
    Err(Error::new(ErrorCode::MalformedResponse, message))
}

/// Reads an accepted answer of `what` as `T`; another shape is
/// [`ErrorCode::MalformedResponse`].
fn read<T: for<'de> Deserialize<'de>>(what: &str, body: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(body)
        .map_err(|e| Error::new(ErrorCode::MalformedResponse, format!("Meta's {what} answer cannot be read: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(bytes: &[u8], content_type: &str) -> MediaObject {
        MediaObject { bytes: Bytes::copy_from_slice(bytes), name: "logo.png".into(), content_type: content_type.into() }
    }

    #[test]
    fn uploads_need_a_number_and_a_size_whatsapp_takes() {
        let png = object(b"png", "image/png");
        assert_eq!(check_upload(&png, Some("106540352242922")).unwrap(), "106540352242922");
        for (number, field) in [(None, "phoneNumberId: required"), (Some(" "), "phoneNumberId: required")] {
            let error = check_upload(&png, number).unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidParameter);
            assert!(error.message().starts_with(field), "{error}");
        }
        assert!(check_upload(&png, Some("+1 555")).unwrap_err().message().contains("digits only"));
        let large = object(&vec![0; 5 * 1024 * 1024 + 1], "image/jpeg");
        let error = check_upload(&large, Some("1")).unwrap_err();
        assert!(error.message().starts_with("bytes: WhatsApp takes image/jpeg files of at most 5 MB"), "{error}");
        assert!(check_upload(&object(&vec![0; 5 * 1024 * 1024 + 1], "application/pdf"), Some("1")).is_ok());
        let sticker = check_upload(&object(&vec![0; 500 * 1024 + 1], "image/webp"), Some("1")).unwrap_err();
        assert!(sticker.message().contains("at most 500 KB"), "{sticker}");
        assert_eq!(max_upload_bytes("video/mp4"), 16 * MB);
        assert_eq!(max_upload_bytes("Audio/OGG; codecs=opus"), 16 * MB);
    }

    #[test]
    fn the_form_has_the_product_the_type_and_the_file() {
        let (content_type, form) = upload_form(&object(b"\x89PNG", "image/png"), "xyz");
        assert_eq!(content_type, "multipart/form-data; boundary=xyz");
        let mut expected = b"--xyz\r\nContent-Disposition: form-data; name=\"messaging_product\"\r\n\r\nwhatsapp\r\n\
            --xyz\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nimage/png\r\n\
            --xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"logo.png\"\r\n\
            Content-Type: image/png\r\n\r\n"
            .to_vec();
        expected.extend_from_slice(b"\x89PNG\r\n--xyz--\r\n");
        assert_eq!(form.as_ref(), expected.as_slice());
    }

    #[test]
    fn media_paths_carry_the_number_and_refuse_what_is_not_an_id() {
        let media =
            |id: &str, number: Option<&str>| MediaRef { media_id: id.into(), phone_number_id: number.map(Into::into) };
        assert_eq!(media_path(&media("1037543291543636", None)).unwrap(), "1037543291543636");
        let guarded = media_path(&media(" 1037 ", Some("106540352242922"))).unwrap();
        assert_eq!(guarded, "1037?phone_number_id=106540352242922");
        for (id, number, field) in [
            ("", None, "mediaId"),
            ("1/messages", None, "mediaId"),
            ("1?x=1", None, "mediaId"),
            ("1", Some("a b"), "phoneNumberId"),
        ] {
            let error = media_path(&media(id, number)).unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidParameter);
            assert!(error.message().starts_with(field), "{id}: {error}");
        }
    }

    #[test]
    fn answers_are_read_as_records() {
        let body =
            br#"{"messaging_product":"whatsapp","url":"https://lookaside.fbsbx.com/x?mid=1","mime_type":"image/jpeg",
            "sha256":"ab","file_size":"303833","id":"1037"}"#;
        let info = read_info(body).unwrap();
        assert_eq!((info.id.as_str(), info.size, info.content_type.as_str()), ("1037", 303_833, "image/jpeg"));
        let numeric = read_info(br#"{"url":"u","mime_type":"m","sha256":"s","file_size":7,"id":"1"}"#).unwrap();
        assert_eq!(numeric.size, 7);
        assert_eq!(read_info(br#"{"url":"u"}"#).unwrap_err().code(), ErrorCode::MalformedResponse);
        assert_eq!(read_uploaded(br#"{"id":"1037543291543636"}"#).unwrap(), "1037543291543636");
        assert_eq!(read_uploaded(b"{}").unwrap_err().code(), ErrorCode::MalformedResponse);
        assert!(read_deleted(br#"{"success":true}"#).is_ok());
        assert_eq!(read_deleted(br#"{"success":false}"#).unwrap_err().code(), ErrorCode::MalformedResponse);
    }

    #[test]
    fn the_token_goes_only_to_metas_hosts_or_the_clients_own_origin() {
        let graph = Url::parse("http://127.0.0.1:8080/").unwrap();
        for allowed in [
            "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1",
            "https://scontent.xx.fbcdn.net/v/t1/a.jpg",
            "https://mmg.whatsapp.net/d/f/a.enc",
            "http://127.0.0.1:8080/whatsapp_business/attachments/?mid=1",
        ] {
            assert!(download_url(allowed, &graph).is_ok(), "{allowed}");
        }
        for refused in [
            "http://lookaside.fbsbx.com/a",
            "https://fbsbx.com.evil.example/a",
            "https://evilfbsbx.com/a",
            "http://127.0.0.1:8081/a",
            "https://127.0.0.1:8080/a",
            "not a url",
        ] {
            let error = download_url(refused, &graph).unwrap_err();
            assert_eq!(error.code(), ErrorCode::MalformedResponse, "{refused}");
            assert!(error.message().contains("only to Meta's hosts"), "{error}");
        }
    }

    #[test]
    fn the_hash_is_checked_in_hex_or_base64() {
        let digest = Sha256::digest(b"file");
        for expected in
            [hex::encode(digest), hex::encode(digest).to_uppercase(), STANDARD.encode(digest), URL_SAFE.encode(digest)]
        {
            assert!(check_sha256(b"file", &expected).is_ok(), "{expected}");
        }
        let error = check_sha256(b"fil3", &hex::encode(digest)).unwrap_err();
        assert_eq!(error.code(), ErrorCode::MalformedResponse);
        assert!(error.message().contains("damaged"), "{error}");
    }
}
