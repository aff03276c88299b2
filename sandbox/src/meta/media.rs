//! Meta's media (spec §7): uploads, the download URLs of what is stored, downloads and
//! deletes. Media messages may name an upload by `id` ([`super::messages`]); a simulated
//! user's image is stored here too ([`super::webhooks`]).
//!
//! * `POST /{version}/{phone-number-id}/media`, `multipart/form-data` (a body of at most
//!   [`BODY_LIMIT`] bytes): the token needs `whatsapp_business_messaging` and the number must
//!   be registered, as for a send. Parts: `messaging_product` (`whatsapp`); `file`, a file
//!   part (with a file name) whose `Content-Type` is the media's MIME type; `type`, the MIME
//!   type when the file part has none. Other parts are ignored. → `{"id"}`, a new 16-digit
//!   media ID. A part missing or wrong: HTTP 400, code 100,
//!   `(#100) The parameter {messaging_product|file|type} is required.`; an empty file or one
//!   over its type's limit ([`size_limit`]): HTTP 400, code 131053, `error_data.details`
//!   saying why.
//! * `GET /{version}/{media-id}?phone_number_id=` (any valid token) →
//!   `{"messaging_product":"whatsapp","url","mime_type","sha256","file_size","id"}` (`sha256`
//!   in lowercase hex). The URL is the sandbox's own, on Meta's lookaside path:
//!   `{scheme}://{Host}/whatsapp_business/attachments/?mid={id}&ext={expiry}&hash={hash}`,
//!   valid [`URL_LIFETIME_SECONDS`]. IDs the store never issued are template IDs
//!   ([`super::templates::node`]).
//! * `GET /whatsapp_business/attachments/?mid&ext&hash` with any valid bearer token (else
//!   HTTP 401, code 190) → the bytes, `Content-Type` the MIME type. HTTP 404 (no body) for a
//!   wrong hash, an expired URL (past `ext`, or issued before
//!   `POST /_sandbox/meta/media/expire-urls`), a deleted media.
//! * `DELETE /{version}/{media-id}?phone_number_id=` (`whatsapp_business_messaging`) →
//!   `{"success":true}`.
//!
//! A media ID unknown, deleted, or not owned by the `phone_number_id` given: HTTP 400, code
//! 100, subcode 33, `GraphMethodException`, as Graph answers for an object it cannot load.
//!
//! `hash` is the hex HMAC-SHA256 of `{mid}:{ext}` under the store's random key; expiring every
//! URL replaces the key. Uploads, reads and deletes are journaled (`meta:media_upload`,
//! `meta:media`, `meta:media_delete`); downloads, not Graph requests, are not.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::body::Bytes;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chatlane_core::cams::encode::lower_hex;
use hmac::{Hmac, Mac};
use serde::{Serialize, Serializer};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::errors::{GraphError, Trace};
use super::messages::registered;
use super::templates::{self, Params};
use super::{MESSAGING_SCOPE, answer};
use crate::callbacks::epoch_ms;
use crate::server::AppState;

/// One mebibyte.
const MIB: usize = 1024 * 1024;

/// The largest upload body: the largest file (a document, 100 MiB) and room for the form.
pub const BODY_LIMIT: usize = 101 * MIB;

/// How long a download URL is valid, in seconds.
pub const URL_LIFETIME_SECONDS: u64 = 300;

/// The download URLs' path (Meta's lookaside host's).
pub const DOWNLOAD_PATH: &str = "/whatsapp_business/attachments/";

/// Media IDs are drawn from here: 16 digits, never a default template ID (`16…`).
const IDS: std::ops::Range<u64> = 1_000_000_000_000_000..1_600_000_000_000_000;

/// What the store says of one media.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaInfo {
    /// The media ID.
    pub id: String,
    /// The business number that owns it.
    pub phone_number_id: String,
    /// Its MIME type.
    pub mime_type: String,
    /// The upload's file name (none for a user's media).
    pub file_name: Option<String>,
    /// Its size in bytes.
    pub size: usize,
    /// The SHA-256 of the bytes as received (lowercase hex in JSON).
    #[serde(serialize_with = "hex")]
    pub sha256: [u8; 32],
}

/// One stored media: its description and bytes (none once deleted).
struct Stored {
    info: MediaInfo,
    bytes: Option<Bytes>,
}

/// The store's state.
struct Files {
    /// Every media stored, oldest first, deleted ones included (their IDs stay media IDs).
    stored: Vec<Stored>,
    /// The key download URLs are signed with.
    url_key: [u8; 32],
}

/// Every media uploaded or received, and the key of their download URLs.
pub struct MediaStore {
    files: Mutex<Files>,
}

impl Default for MediaStore {
    fn default() -> Self {
        Self { files: Mutex::new(Files { stored: Vec::new(), url_key: rand::random() }) }
    }
}

impl std::fmt::Debug for MediaStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaStore").field("count", &self.lock().stored.len()).finish()
    }
}

impl MediaStore {
    /// Stores `bytes` as media of business number `phone_number_id`, under a new ID.
    pub fn store(&self, phone_number_id: &str, mime_type: &str, file_name: Option<String>, bytes: Bytes) -> MediaInfo {
        let mut files = self.lock();
        let id = loop {
            let id = rand::random_range(IDS).to_string();
            if !files.stored.iter().any(|stored| stored.info.id == id) {
                break id;
            }
        };
        let info = MediaInfo {
            id,
            phone_number_id: phone_number_id.to_owned(),
            mime_type: mime_type.to_owned(),
            file_name,
            size: bytes.len(),
            sha256: Sha256::digest(&bytes).into(),
        };
        files.stored.push(Stored { info: info.clone(), bytes: Some(bytes) });
        info
    }

    /// The media held (not deleted), oldest first.
    pub fn list(&self) -> Vec<MediaInfo> {
        self.lock().stored.iter().filter(|stored| stored.bytes.is_some()).map(|stored| stored.info.clone()).collect()
    }

    /// Whether the store issued `id`, deleted since or not.
    pub fn issued(&self, id: &str) -> bool {
        self.lock().stored.iter().any(|stored| stored.info.id == id)
    }

    /// Media `id`, if held and owned by `owner` (when given).
    pub fn find(&self, id: &str, owner: Option<&str>) -> Option<MediaInfo> {
        self.lock().held(id, owner).map(|stored| stored.info.clone())
    }

    /// Deletes media `id` if held and owned by `owner` (when given); `false` otherwise.
    pub fn delete(&self, id: &str, owner: Option<&str>) -> bool {
        self.lock().held_mut(id, owner).and_then(|stored| stored.bytes.take()).is_some()
    }

    /// A download URL of media `id` on the sandbox at `base_url`, valid from `now` (Unix
    /// seconds) for [`URL_LIFETIME_SECONDS`].
    pub fn download_url(&self, base_url: &str, id: &str, now: u64) -> String {
        let ext = now + URL_LIFETIME_SECONDS;
        let hash = signature(&self.lock().url_key, id, ext);
        format!("{base_url}{DOWNLOAD_PATH}?mid={id}&ext={ext}&hash={hash}")
    }

    /// The MIME type and bytes a download URL's `mid`, `ext` and `hash` give at `now`: none
    /// if the hash is wrong, the URL expired or the media was deleted.
    pub fn download(&self, mid: &str, ext: &str, hash: &str, now: u64) -> Option<(String, Bytes)> {
        let ext: u64 = ext.parse().ok()?;
        let files = self.lock();
        if ext < now || signature(&files.url_key, mid, ext) != hash {
            return None;
        }
        let stored = files.held(mid, None)?;
        Some((stored.info.mime_type.clone(), stored.bytes.clone()?))
    }

    /// Expires every download URL issued so far (by replacing the key they are signed with).
    pub fn expire_urls(&self) {
        self.lock().url_key = rand::random();
    }

    /// Flips the bits of the first byte of media `id`, keeping its recorded SHA-256 (so a
    /// download no longer matches it); `false` if it is not held.
    pub fn corrupt(&self, id: &str) -> bool {
        let mut files = self.lock();
        let Some(bytes) = files.held_mut(id, None).and_then(|stored| stored.bytes.as_mut()) else { return false };
        let mut corrupted = bytes.to_vec();
        if let Some(first) = corrupted.first_mut() {
            *first ^= 0xff;
        }
        *bytes = corrupted.into();
        true
    }

    /// Checks the `id` of a media message's object (type `message_type`), if it has one: it
    /// must be a media ID held, else HTTP 400, code 100.
    pub(super) fn check_reference(&self, message_type: &str, object: &Value) -> Result<(), GraphError> {
        match object.get("id") {
            Some(id) if id.as_str().is_none_or(|id| self.find(id, None).is_none()) => {
                Err(GraphError::parameter(100, format!("Param {message_type}['id'] is not a valid media ID")))
            }
            _ => Ok(()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Files> {
        self.files.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Files {
    /// Media `id`, if held and owned by `owner` (when given).
    fn held(&self, id: &str, owner: Option<&str>) -> Option<&Stored> {
        self.stored.iter().find(|stored| stored.matches(id, owner))
    }

    /// Media `id`, if held and owned by `owner` (when given), to change.
    fn held_mut(&mut self, id: &str, owner: Option<&str>) -> Option<&mut Stored> {
        self.stored.iter_mut().find(|stored| stored.matches(id, owner))
    }
}

impl Stored {
    /// Whether this is media `id`, held, and owned by `owner` (when given).
    fn matches(&self, id: &str, owner: Option<&str>) -> bool {
        self.info.id == id && self.bytes.is_some() && owner.is_none_or(|owner| owner == self.info.phone_number_id)
    }
}

/// The largest file of MIME type `mime_type` (spec §2.4): JPEG and PNG images 5 MiB, WebP
/// (stickers) 500 KiB, video and audio 16 MiB, anything else (documents) 100 MiB.
pub fn size_limit(mime_type: &str) -> usize {
    let essence = mime_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match essence.as_str() {
        "image/jpeg" | "image/png" => 5 * MIB,
        "image/webp" => 500 * 1024,
        video_or_audio if video_or_audio.starts_with("video/") || video_or_audio.starts_with("audio/") => 16 * MIB,
        _ => 100 * MIB,
    }
}

/// Checks a file's size against its type's limit: why it cannot be stored, if it cannot.
pub(super) fn check_size(mime_type: &str, size: usize) -> Result<(), String> {
    let limit = size_limit(mime_type);
    match size {
        0 => Err("The file is empty.".to_owned()),
        size if size > limit => {
            Err(format!("The file is {size} bytes, over the {limit} bytes allowed for {mime_type}."))
        }
        _ => Ok(()),
    }
}

/// Whether `mime_type` reads as a MIME type (`type/subtype`, parameters allowed) that can be
/// a header value.
pub(super) fn is_mime_type(mime_type: &str) -> bool {
    let essence = mime_type.split(';').next().unwrap_or_default();
    let token =
        |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b));
    essence.split_once('/').is_some_and(|(kind, subtype)| token(kind) && token(subtype))
        && HeaderValue::from_str(mime_type).is_ok()
}

/// `POST /{version}/{phone-number-id}/media`.
pub async fn upload(
    State(state): State<Arc<AppState>>,
    Path((_, number)): Path<(String, String)>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let form = read_form(multipart).await;
    answer(&state, "meta:media_upload", &headers, Some(MESSAGING_SCOPE), || {
        registered(&state.meta, &number)?;
        let (file, mime_type) = form?.file()?;
        let info = state.meta.media.store(&number, &mime_type, Some(file.name), file.bytes);
        Ok(json!({ "id": info.id }))
    })
}

/// `GET /{version}/{media-id}` for an ID the store issued, else the template read.
pub async fn node(
    State(state): State<Arc<AppState>>,
    Path((version, id)): Path<(String, String)>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Response {
    if !state.meta.media.issued(&id) {
        return templates::node(State(state), Path((version, id)), Query(params), headers).await;
    }
    answer(&state, "meta:media", &headers, None, || {
        let media = &state.meta.media;
        let info = media.find(&id, owner(&params)).ok_or_else(|| GraphError::unknown_object("get", &id))?;
        Ok(json!({
            "messaging_product": "whatsapp",
            "url": media.download_url(&state.base_url(&headers), &info.id, now()),
            "mime_type": info.mime_type,
            "sha256": lower_hex(&info.sha256),
            "file_size": info.size,
            "id": info.id,
        }))
    })
}

/// `DELETE /{version}/{media-id}`.
pub async fn delete(
    State(state): State<Arc<AppState>>,
    Path((_, id)): Path<(String, String)>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Response {
    answer(&state, "meta:media_delete", &headers, Some(MESSAGING_SCOPE), || {
        match state.meta.media.delete(&id, owner(&params)) {
            true => Ok(json!({ "success": true })),
            false => Err(GraphError::unknown_object("delete", &id)),
        }
    })
}

/// `GET /whatsapp_business/attachments/?mid&ext&hash`.
pub async fn download(
    State(state): State<Arc<AppState>>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Response {
    if let Err(invalid) = state.meta.tokens.bearer(&headers) {
        return invalid.error().answer(&Trace::new());
    }
    let param = |name: &str| params.get(name).map_or("", String::as_str);
    match state.meta.media.download(param("mid"), param("ext"), param("hash"), now()) {
        Some((mime_type, bytes)) => ([(header::CONTENT_TYPE, mime_type)], bytes).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The owner a request names in `phone_number_id`, if any.
fn owner(params: &Params) -> Option<&str> {
    params.get("phone_number_id").map(String::as_str)
}

/// An upload's form as read: the parts the sandbox looks at.
#[derive(Default)]
struct Form {
    messaging_product: Option<String>,
    file: Option<FilePart>,
    mime_type: Option<String>,
}

/// The `file` part of an upload.
struct FilePart {
    name: String,
    content_type: Option<String>,
    bytes: Bytes,
}

impl Form {
    /// The file and its MIME type, if the form is complete and the file within its limit.
    fn file(self) -> Result<(FilePart, String), GraphError> {
        if self.messaging_product.as_deref() != Some("whatsapp") {
            return Err(required("messaging_product"));
        }
        let file = self.file.ok_or_else(|| required("file"))?;
        let given = file.content_type.clone().or(self.mime_type).filter(|mime_type| !mime_type.is_empty());
        let mime_type = given.ok_or_else(|| required("type"))?;
        if !is_mime_type(&mime_type) {
            return Err(GraphError::parameter(100, format!("Param type must be a MIME type, not {mime_type:?}.")));
        }
        check_size(&mime_type, file.bytes.len()).map_err(|details| GraphError::parameter(131053, details))?;
        Ok((file, mime_type))
    }
}

/// Reads an upload's parts: `messaging_product`, `type`, and `file` when it is a file part
/// (it has a file name).
async fn read_form(multipart: Result<Multipart, MultipartRejection>) -> Result<Form, GraphError> {
    let mut multipart = multipart.map_err(|rejection| {
        GraphError::parameter(100, format!("The body must be multipart/form-data: {}", rejection.body_text()))
    })?;
    let mut form = Form::default();
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        match (field.name(), field.file_name()) {
            (Some("messaging_product"), _) => form.messaging_product = Some(field.text().await.map_err(unreadable)?),
            (Some("type"), _) => form.mime_type = Some(field.text().await.map_err(unreadable)?),
            (Some("file"), Some(name)) => {
                let (name, content_type) = (name.to_owned(), field.content_type().map(str::to_owned));
                form.file = Some(FilePart { name, content_type, bytes: field.bytes().await.map_err(unreadable)? });
            }
            _ => {}
        }
    }
    Ok(form)
}

/// A form that cannot be read: over [`BODY_LIMIT`] (131053), else malformed (100).
fn unreadable(error: MultipartError) -> GraphError {
    match error.status() {
        StatusCode::PAYLOAD_TOO_LARGE => {
            GraphError::parameter(131053, format!("The upload is over the {BODY_LIMIT} bytes accepted."))
        }
        _ => GraphError::parameter(100, format!("The multipart body cannot be read: {}", error.body_text())),
    }
}

/// HTTP 400, code 100: the form lacks part `name`.
fn required(name: &str) -> GraphError {
    GraphError::new(StatusCode::BAD_REQUEST, 100, format!("(#100) The parameter {name} is required."))
}

/// The hex HMAC-SHA256 of `{mid}:{ext}` under `key`.
fn signature(key: &[u8], mid: &str, ext: u64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(format!("{mid}:{ext}").as_bytes());
    lower_hex(&mac.finalize().into_bytes())
}

/// The time in Unix seconds.
fn now() -> u64 {
    epoch_ms() / 1_000
}

/// Serializes a digest as lowercase hex.
fn hex<S: Serializer>(digest: &[u8; 32], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&lower_hex(digest))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NUMBER: &str = "106540352242922";

    /// The `mid`, `ext` and `hash` of a download URL.
    fn parts(url: &str) -> (String, String, String) {
        let query = url.split_once('?').unwrap().1;
        let params: Params = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        (params["mid"].clone(), params["ext"].clone(), params["hash"].clone())
    }

    #[test]
    fn stored_media_get_unique_ids_and_their_sha256() {
        let store = MediaStore::default();
        let first = store.store(NUMBER, "image/png", Some("a.png".into()), Bytes::from_static(b"abc"));
        let second = store.store(NUMBER, "image/png", None, Bytes::from_static(b"abc"));
        assert_ne!(first.id, second.id);
        assert!(first.id.len() == 16 && first.id.bytes().all(|b| b.is_ascii_digit()), "{}", first.id);
        assert_eq!(lower_hex(&first.sha256), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(serde_json::to_value(&first).unwrap()["sha256"], lower_hex(&first.sha256));
        assert_eq!((first.size, store.list().len()), (3, 2));
        assert!(store.find(&first.id, Some("1")).is_none() && store.find(&first.id, Some(NUMBER)).is_some());
        assert!(!store.delete(&first.id, Some("1")) && store.delete(&first.id, None));
        assert!(!store.delete(&first.id, None), "deleted already");
        assert!(store.issued(&first.id) && store.find(&first.id, None).is_none());
        assert_eq!(store.list(), [second]);
    }

    #[test]
    fn download_urls_are_signed_and_expire() {
        let store = MediaStore::default();
        let info = store.store(NUMBER, "image/png", None, Bytes::from_static(b"png"));
        let url = store.download_url("http://127.0.0.1:1", &info.id, 1_000);
        assert!(url.starts_with(&format!("http://127.0.0.1:1{DOWNLOAD_PATH}?mid={}&ext=1300&hash=", info.id)));
        let (mid, ext, hash) = parts(&url);
        let (mime_type, bytes) = store.download(&mid, &ext, &hash, 1_300).unwrap();
        assert_eq!((mime_type.as_str(), &bytes[..]), ("image/png", &b"png"[..]));
        assert_eq!(store.download(&mid, &ext, &hash, 1_301), None, "past ext");
        assert_eq!(store.download(&mid, "1301", &hash, 1_000), None, "ext is signed");
        assert_eq!(store.download(&mid, &ext, &hash.replace(&hash[..1], "x"), 1_000), None);
        store.expire_urls();
        assert_eq!(store.download(&mid, &ext, &hash, 1_000), None, "expired by the control endpoint");
        let (mid, ext, hash) = parts(&store.download_url("http://h", &info.id, 1_000));
        assert!(store.corrupt(&mid) && !store.corrupt("1"));
        let (_, corrupted) = store.download(&mid, &ext, &hash, 1_000).unwrap();
        assert_ne!(Sha256::digest(&corrupted).as_slice(), info.sha256);
        assert!(store.delete(&mid, None));
        assert_eq!(store.download(&mid, &ext, &hash, 1_000), None, "deleted");
    }

    #[test]
    fn limits_follow_the_mime_type() {
        assert_eq!(
            ["image/png", "IMAGE/JPEG; q=1", "image/webp", "video/mp4", "audio/ogg", "application/pdf", "image/gif"]
                .map(size_limit),
            [5 * MIB, 5 * MIB, 500 * 1024, 16 * MIB, 16 * MIB, 100 * MIB, 100 * MIB]
        );
        assert!(check_size("image/png", 5 * MIB).is_ok());
        assert!(check_size("image/png", 5 * MIB + 1).unwrap_err().contains("5242880"));
        assert_eq!(check_size("application/pdf", 0), Err("The file is empty.".to_owned()));
        assert!(is_mime_type("image/png") && is_mime_type("text/plain; charset=utf-8"));
        assert!(!is_mime_type("png") && !is_mime_type("image/") && !is_mime_type("a b/c"));
    }

    #[test]
    fn forms_need_the_product_a_file_and_a_type() {
        let file = |content_type: Option<&str>, bytes: &'static [u8]| FilePart {
            name: "a.png".into(),
            content_type: content_type.map(str::to_owned),
            bytes: Bytes::from_static(bytes),
        };
        let form = |product: Option<&str>, file: Option<FilePart>, mime_type: Option<&str>| Form {
            messaging_product: product.map(str::to_owned),
            file,
            mime_type: mime_type.map(str::to_owned),
        };
        let refusal = |form: Form| form.file().map(|_| ()).unwrap_err();
        assert!(
            refusal(form(Some("sms"), Some(file(None, b"x")), Some("image/png"))).message.contains("messaging_product")
        );
        assert!(refusal(form(Some("whatsapp"), None, Some("image/png"))).message.contains("file"));
        assert!(refusal(form(Some("whatsapp"), Some(file(None, b"x")), None)).message.contains("type"));
        assert_eq!(refusal(form(Some("whatsapp"), Some(file(Some("image/png"), b"")), None)).code, 131053);
        assert_eq!(refusal(form(Some("whatsapp"), Some(file(Some("png"), b"x")), None)).code, 100);
        let (_, mime_type) = form(Some("whatsapp"), Some(file(None, b"x")), Some("image/png")).file().unwrap();
        assert_eq!(mime_type, "image/png");
        let (_, mime_type) =
            form(Some("whatsapp"), Some(file(Some("image/jpeg"), b"x")), Some("image/png")).file().unwrap();
        assert_eq!(mime_type, "image/jpeg", "the part's own type wins");
    }

    #[test]
    fn a_media_message_id_must_be_held() {
        let store = MediaStore::default();
        let info = store.store(NUMBER, "image/png", None, Bytes::from_static(b"png"));
        assert_eq!(store.check_reference("image", &json!({"id": info.id})), Ok(()));
        assert_eq!(store.check_reference("image", &json!({"link": "https://x/y.png"})), Ok(()));
        for id in [json!("1"), json!(7)] {
            let error = store.check_reference("sticker", &json!({ "id": id })).unwrap_err();
            assert_eq!(
                (error.code, error.details.as_deref()),
                (100, Some("Param sticker['id'] is not a valid media ID"))
            );
        }
    }
}
