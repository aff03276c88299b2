//! Media: a file's bytes put where the provider can fetch them (CAMS:
//! `GetChatappUploadAuthorization`'s temporary OSS credentials, then an OSS `PUT`, giving the
//! URL to send as a media message's `link`, see [`crate::cams::oss`]; Meta: a multipart upload
//! giving the media ID to send as its `id`, see [`crate::meta::media`]), and Meta's media
//! looked up, downloaded and deleted by ID.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::invalid;
use crate::credentials::Secret;
use crate::error::{Error, ErrorCode};

/// The largest file chatlane uploads: WhatsApp's largest media, documents, are 100 MB.
pub const MAX_MEDIA_BYTES: usize = 100 * 1024 * 1024;

/// The type of a file nothing better describes.
pub const OCTET_STREAM: &str = "application/octet-stream";

/// A file to upload. JSON keys are camelCase.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MediaUpload {
    /// The file's content (at most 100 MB).
    pub bytes: Vec<u8>,
    /// The file's name; the object is named after it (letters, digits, `.`, `-` and `_`
    /// kept) and its extension gives the type when `content_type` is unset.
    pub file_name: String,
    /// Its media type, e.g. `image/png`; when unset, guessed from the file name's extension
    /// among the types WhatsApp takes, else `application/octet-stream`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub content_type: Option<String>,
    /// CAMS: the channel instance (`CustSpaceId`) whose storage takes it; the client's when
    /// unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cust_space_id: Option<String>,
    /// Meta: the business phone number ID the media is uploaded for (required there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub phone_number_id: Option<String>,
}

/// Where an upload goes, past its file: CAMS's channel instance or Meta's business number.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UploadTarget {
    /// CAMS: the channel instance; the client's when unset.
    pub cust_space_id: Option<String>,
    /// Meta: the business phone number ID.
    pub phone_number_id: Option<String>,
}

/// Where a binding's upload comes from: the file's content, or the path of a file to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MediaSource {
    /// The file's content.
    Bytes(Vec<u8>),
    /// The path of the file; it is named after its last component.
    Path(PathBuf),
}

/// An uploaded file: give a media message `link: url` and `id: id` — the provider set the one
/// it sends by (CAMS the URL, Meta the media ID).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct UploadedMedia {
    /// CAMS: where it can be fetched, the `link` of an image, video, audio, document or
    /// sticker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub url: Option<String>,
    /// Meta: its media ID, the `id` of a media message (kept 30 days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub id: Option<String>,
    /// CAMS: the object's key in the channel's storage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub key: Option<String>,
    /// Its size in bytes.
    pub size: u64,
    /// The media type it was stored with.
    pub content_type: String,
}

/// A Meta media file by ID: one uploaded (`UploadedMedia.id`) or received
/// (`InboundMedia.id`). JSON keys are camelCase.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MediaRef {
    /// The media ID.
    pub media_id: String,
    /// The business phone number ID it must belong to, checked by Meta (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub phone_number_id: Option<String>,
}

impl MediaRef {
    /// The media named by `text`, its JSON shape (`{"mediaId": …}`), as the bindings hand it
    /// over; a wrong shape is [`ErrorCode::InvalidParameter`] naming the field.
    pub fn from_json_text(text: &str) -> Result<Self, Error> {
        super::read_query(super::json_text(text)?)
    }
}

/// What Meta holds of a media file (`GET /{media-id}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct MediaInfo {
    /// The media ID.
    pub id: String,
    /// Where to download it, with the bearer token, for 5 minutes (`download_media` does).
    pub url: String,
    /// Its media type.
    pub content_type: String,
    /// Its SHA-256, as Meta gives it.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
}

/// A downloaded media file, its SHA-256 checked against Meta's.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct DownloadedMedia {
    /// The file's content.
    pub data: Vec<u8>,
    /// Its media type.
    pub content_type: String,
    /// Its SHA-256, as Meta gave it.
    pub sha256: String,
}

impl std::fmt::Debug for DownloadedMedia {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DownloadedMedia")
            .field("data", &format_args!("[{} bytes]", self.data.len()))
            .field("content_type", &self.content_type)
            .field("sha256", &self.sha256)
            .finish()
    }
}

/// Temporary credentials for one directory of the provider's media storage (CAMS
/// `GetChatappUploadAuthorization`: an OSS bucket). `Debug` never shows the secret or the
/// token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadAuthorization {
    /// The temporary AccessKey ID.
    pub access_key_id: String,
    /// Its secret, which signs each upload.
    pub access_key_secret: Secret,
    /// The STS security token that goes with them, if any.
    pub security_token: Option<Secret>,
    /// The bucket (`BucketName`).
    pub bucket: String,
    /// The directory the credentials may write to (`Dir`, e.g. `cams-1/`); object keys start
    /// with it.
    pub dir: String,
    /// The storage's host, without a scheme (`EndPoint`, e.g.
    /// `oss-ap-southeast-1.aliyuncs.com`).
    pub endpoint: String,
    /// When the credentials expire, as the provider gives it (`Expire`; the sandbox writes
    /// seconds since the Unix epoch).
    pub expire: Option<i64>,
}

/// A checked upload: what every provider's `PUT` is made of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MediaObject {
    /// The content.
    pub(crate) bytes: bytes::Bytes,
    /// The object's name: the file name, sanitised.
    pub(crate) name: String,
    /// The media type it is stored with.
    pub(crate) content_type: String,
}

impl MediaUpload {
    /// The upload of `source`, named `file_name` (for a path, its last component when
    /// `file_name` is unset): what every binding and the CLI make of a caller's bytes or path.
    /// A path is read off the caller's thread (on the runtime's blocking pool); one that
    /// cannot be read is [`ErrorCode::InvalidConfig`] naming it, a file over 100 MB
    /// [`ErrorCode::InvalidParameter`] before it is read. Nothing else is checked here
    /// ([`Client::upload_media`](crate::Client::upload_media) checks the rest).
    pub async fn from_source(
        source: MediaSource,
        file_name: Option<String>,
        content_type: Option<String>,
        target: UploadTarget,
    ) -> Result<Self, Error> {
        let (bytes, file_name) = match source {
            MediaSource::Bytes(bytes) => (bytes, file_name.unwrap_or_default()),
            MediaSource::Path(path) => {
                let bytes = read_file(&path).await?;
                let named = || path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
                (bytes, file_name.unwrap_or_else(named))
            }
        };
        let UploadTarget { cust_space_id, phone_number_id } = target;
        Ok(Self { bytes, file_name, content_type, cust_space_id, phone_number_id })
    }

    /// Checks the upload before anything is sent: an empty or nameless file, one larger than
    /// [`MAX_MEDIA_BYTES`] or a type that cannot be a header value is
    /// [`crate::ErrorCode::InvalidParameter`], naming the field.
    pub(crate) fn check(self) -> Result<MediaObject, Error> {
        if self.bytes.is_empty() {
            return Err(invalid("bytes", "the file is empty"));
        }
        if self.bytes.len() > MAX_MEDIA_BYTES {
            return Err(too_large(self.bytes.len() as u64));
        }
        if self.file_name.trim().is_empty() {
            return Err(invalid("fileName", "required"));
        }
        let content_type = match self.content_type.filter(|t| !t.trim().is_empty()) {
            Some(given) if http::HeaderValue::from_str(given.trim()).is_err() => {
                return Err(invalid("contentType", "must be printable ASCII, e.g. image/png"));
            }
            Some(given) => given.trim().to_owned(),
            None => content_type_of(&self.file_name).to_owned(),
        };
        Ok(MediaObject { bytes: self.bytes.into(), name: object_name(&self.file_name), content_type })
    }
}

/// The content of the file at `path`: one that cannot be read is
/// [`ErrorCode::InvalidConfig`], one over [`MAX_MEDIA_BYTES`] [`ErrorCode::InvalidParameter`]
/// before it is read.
async fn read_file(path: &Path) -> Result<Vec<u8>, Error> {
    let unreadable =
        |e: std::io::Error| Error::new(ErrorCode::InvalidConfig, format!("cannot read {}: {e}", path.display()));
    let size = tokio::fs::metadata(path).await.map_err(unreadable)?.len();
    if size > MAX_MEDIA_BYTES as u64 {
        return Err(too_large(size));
    }
    tokio::fs::read(path).await.map_err(unreadable)
}

/// The refusal of a file of `size` bytes, more than [`MAX_MEDIA_BYTES`].
fn too_large(size: u64) -> Error {
    invalid("bytes", format!("{size} bytes is more than the {MAX_MEDIA_BYTES} an upload may have (100 MB)"))
}

/// The media type of a file named `file_name`, by its extension: the types WhatsApp takes
/// (images, video, audio, documents), else [`OCTET_STREAM`].
pub fn content_type_of(file_name: &str) -> &'static str {
    let extension = file_name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).unwrap_or_default();
    match extension.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "mp4" => "video/mp4",
        "3gp" => "video/3gpp",
        "pdf" => "application/pdf",
        "ogg" => "audio/ogg",
        "mp3" => "audio/mpeg",
        "aac" => "audio/aac",
        "amr" => "audio/amr",
        "m4a" => "audio/mp4",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "txt" => "text/plain",
        _ => OCTET_STREAM,
    }
}

/// The longest object name kept from a file name, in bytes.
const MAX_NAME: usize = 100;

/// `file_name` as an object name: its last path component, every character but ASCII
/// letters, digits, `.`, `-` and `_` replaced by `_` (runs of them by one), no leading dot,
/// at most [`MAX_NAME`] bytes with the extension kept; `file` when nothing is left.
fn object_name(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or_default();
    let mut name = String::with_capacity(base.len());
    for c in base.chars() {
        let c = if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' };
        if !(c == '_' && name.ends_with('_')) {
            name.push(c);
        }
    }
    let name = name.trim_start_matches('.');
    let name = match name.rsplit_once('.') {
        Some((stem, ext)) if name.len() > MAX_NAME && ext.len() < MAX_NAME / 2 => {
            format!("{}.{ext}", &stem[..MAX_NAME - ext.len() - 1])
        }
        _ => name.chars().take(MAX_NAME).collect(),
    };
    if name.trim_matches(['_', '.']).is_empty() { "file".to_owned() } else { name }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(bytes: Vec<u8>, file_name: &str, content_type: Option<&str>) -> MediaUpload {
        MediaUpload {
            bytes,
            file_name: file_name.into(),
            content_type: content_type.map(Into::into),
            ..MediaUpload::default()
        }
    }

    #[test]
    fn the_type_comes_from_the_caller_else_the_extension() {
        let guessed = upload(b"x".to_vec(), "Photo.JPG", None).check().unwrap();
        assert_eq!(guessed.content_type, "image/jpeg");
        let given = upload(b"x".to_vec(), "photo.jpg", Some(" image/webp ")).check().unwrap();
        assert_eq!(given.content_type, "image/webp");
        assert_eq!(upload(b"x".to_vec(), "a.jpg", Some("")).check().unwrap().content_type, "image/jpeg");
        for (name, expected) in [
            ("a.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
            ("voice.m4a", "audio/mp4"),
            ("clip.3gp", "video/3gpp"),
            ("notes.txt", "text/plain"),
            ("archive.tar.gz", OCTET_STREAM),
            ("README", OCTET_STREAM),
        ] {
            assert_eq!(content_type_of(name), expected, "{name}");
        }
    }

    #[test]
    fn file_names_become_safe_object_names() {
        for (file_name, expected) in [
            ("photo.png", "photo.png"),
            ("/home/ada/My Photos/été 2026.JPG", "_t_2026.JPG"),
            ("C:\\Users\\bo\\report (final).pdf", "report_final_.pdf"),
            ("..hidden", "hidden"),
            ("照片.jpg", "_.jpg"),
            ("???", "file"),
            ("a?b#c%d&e", "a_b_c_d_e"),
        ] {
            assert_eq!(object_name(file_name), expected, "{file_name}");
        }
        let long = format!("{}.pdf", "n".repeat(300));
        let name = object_name(&long);
        assert_eq!(name.len(), MAX_NAME);
        assert!(name.ends_with("n.pdf"), "{name}");
        assert_eq!(object_name(&"x".repeat(300)).len(), MAX_NAME);
    }

    #[test]
    fn uploads_are_checked_before_anything_is_sent() {
        let cases = [
            (upload(Vec::new(), "a.png", None), "bytes: "),
            (upload(vec![0; MAX_MEDIA_BYTES + 1], "a.pdf", None), "bytes: "),
            (upload(b"x".to_vec(), " ", None), "fileName: "),
            (upload(b"x".to_vec(), "a.png", Some("image/png\r\nx-oss-meta: 1")), "contentType: "),
        ];
        for (upload, field) in cases {
            let error = upload.check().unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidParameter);
            assert!(error.message().starts_with(field), "{error}");
        }
        assert_eq!(upload(vec![7; MAX_MEDIA_BYTES], "a.pdf", None).check().unwrap().bytes.len(), MAX_MEDIA_BYTES);
    }

    #[tokio::test]
    async fn a_source_is_bytes_as_named_or_a_file_named_after_its_path() {
        let target = UploadTarget { cust_space_id: Some("c".into()), phone_number_id: Some("1065".into()) };
        let bytes = MediaUpload::from_source(MediaSource::Bytes(b"x".to_vec()), None, None, target).await;
        let expected = MediaUpload {
            cust_space_id: Some("c".into()),
            phone_number_id: Some("1065".into()),
            ..upload(b"x".to_vec(), "", None)
        };
        assert_eq!(bytes.unwrap(), expected);
        let dir = std::env::temp_dir().join(format!("chatlane-media-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("logo.png");
        std::fs::write(&file, b"png").unwrap();
        let read =
            MediaUpload::from_source(MediaSource::Path(file.clone()), None, Some("image/x".into()), Default::default())
                .await;
        assert_eq!(read.unwrap(), upload(b"png".to_vec(), "logo.png", Some("image/x")));
        let renamed =
            MediaUpload::from_source(MediaSource::Path(file), Some("a.jpg".into()), None, Default::default()).await;
        assert_eq!(renamed.unwrap().file_name, "a.jpg");
        let large = dir.join("large.mp4");
        std::fs::File::create(&large).unwrap().set_len(MAX_MEDIA_BYTES as u64 + 1).unwrap();
        let refused =
            MediaUpload::from_source(MediaSource::Path(large), None, None, Default::default()).await.unwrap_err();
        assert_eq!(refused.code(), ErrorCode::InvalidParameter);
        assert!(refused.message().starts_with("bytes: ") && refused.message().contains("100 MB"), "{refused}");
        let absent =
            MediaUpload::from_source(MediaSource::Path(dir.join("absent.png")), None, None, Default::default()).await;
        let absent = absent.unwrap_err();
        assert_eq!(absent.code(), ErrorCode::InvalidConfig);
        assert!(absent.message().contains("absent.png"), "{absent}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn an_authorization_never_shows_its_secrets() {
        let authorization = UploadAuthorization {
            access_key_id: "STS.id".into(),
            access_key_secret: Secret::new("the-secret"),
            security_token: Some(Secret::new("the-token")),
            bucket: "b".into(),
            dir: "cams-1/".into(),
            endpoint: "oss.example".into(),
            expire: Some(1),
        };
        let shown = format!("{authorization:?}");
        assert!(shown.contains("STS.id") && !shown.contains("the-secret") && !shown.contains("the-token"), "{shown}");
    }
}
