//! The operations beyond sending: message history, templates (read and managed), business
//! phone numbers, media uploads and Meta's media (looked up, downloaded, deleted).
//! Queries cross as JSON text (`JSON.stringify` of the query object) and are read by the
//! core, so a wrong one fails with its `InvalidParameter` error naming the field; results
//! cross back as their JSON text, which `index.js` parses into plain objects (the generated
//! types of `model.d.ts`), 64-bit numbers (`total`, `sentAtMs`) whole. An upload's file crosses
//! as its bytes or its path (read by the core), a download's as a `Buffer`, never as JSON.

use std::sync::Arc;

use chatlane_core::JsonPages;
use chatlane_core::cams::ops::params_of;
use chatlane_core::meta::calls::request_of;
use chatlane_core::ops::{MediaRef, MediaSource, MediaUpload, Query, UploadTarget};
use chatlane_core::runtime::Cancellation;
use napi::Env;
use napi::bindgen_prelude::{Buffer, ClassInstance, Object, PromiseRaw};
use napi_derive::napi;

use crate::completions::settled;
use crate::{NativeCancellation, NativeClient, guarded, params_object, rethrowable, until_cancelled};

/// The CAMS wire parameters of `operation` (`ListChatappMessage`, `ListChatappTemplate`,
/// `GetChatappTemplateDetail`, `QueryChatappPhoneNumbers` or a template write:
/// `CreateChatappTemplate`, `ModifyChatappTemplate`, `DeleteChatappTemplate`) for `query` (its
/// JSON text), with
/// `client_cust_space_id` as the `CustSpaceId` the query leaves unset: what the shared
/// operation cases check. Throws a JS error carrying the core error's fields: an
/// `InvalidParameter` for a query the core refuses, an `InvalidConfig` for another operation.
#[napi(ts_return_type = "Record<string, string>")]
pub fn operation_params<'env>(
    env: &'env Env,
    operation: String,
    query: String,
    client_cust_space_id: Option<String>,
) -> napi::Result<Object<'env>> {
    guarded(env, || {
        let params =
            params_of(&operation, &query, client_cust_space_id.as_deref()).map_err(|error| rethrowable(env, &error))?;
        params_object(env, &params)
    })
}

/// A Graph request: its method and the path and query after `/{version}/`.
#[napi(object)]
pub struct GraphRequest {
    /// `GET` or `DELETE`.
    pub method: String,
    /// The node, edge and query string.
    pub path: String,
}

/// The first Graph request a Meta client of WABA `waba_id` makes for `query` (its JSON text)
/// of `operation` (`ListChatappTemplate`, `GetChatappTemplateDetail`, `WhatsappMediaRetrieve`
/// or `WhatsappMediaDelete`): what the shared operation cases check for Meta. Throws a JS
/// error carrying the core error's fields: an `InvalidParameter` for a query the core refuses,
/// an `InvalidConfig` for a template operation without a WABA or another operation.
#[napi]
pub fn meta_request(
    env: &Env,
    operation: String,
    query: String,
    waba_id: Option<String>,
) -> napi::Result<GraphRequest> {
    guarded(env, || {
        let request = request_of(&operation, &query, waba_id.as_deref()).map_err(|error| rethrowable(env, &error))?;
        Ok(GraphRequest { method: request.method, path: request.path })
    })
}

/// What an upload is named and where it goes, as `index.js` hands it over (`uploadMedia`'s
/// options).
#[napi(object)]
pub struct UploadSettings {
    /// The file's name; for a path, its last component when unset.
    pub file_name: Option<String>,
    /// Its media type; from the name's extension when unset.
    pub content_type: Option<String>,
    /// CAMS: the channel instance whose storage takes it; the client's when unset.
    pub cust_space_id: Option<String>,
    /// Meta: the business phone number ID the media is uploaded for.
    pub phone_number_id: Option<String>,
}

/// A Meta media file downloaded by [`NativeClient::download`], its SHA-256 checked by the core.
#[napi(object)]
pub struct DownloadedMedia {
    /// The file's content.
    pub data: Buffer,
    /// Its media type.
    pub content_type: String,
    /// Its SHA-256, as Meta gave it.
    pub sha256: String,
}

impl From<chatlane_core::ops::DownloadedMedia> for DownloadedMedia {
    fn from(media: chatlane_core::ops::DownloadedMedia) -> Self {
        Self { data: media.data.into(), content_type: media.content_type, sha256: media.sha256 }
    }
}

#[napi]
impl NativeClient {
    /// Runs `operation` (`ListChatappMessage`, `ListChatappTemplate`, `GetChatappTemplateDetail`,
    /// `QueryChatappPhoneNumbers`, `CreateChatappTemplate`, `ModifyChatappTemplate`,
    /// `DeleteChatappTemplate`, or Meta's `WhatsappMediaRetrieve` and `WhatsappMediaDelete`)
    /// with `query`, its query's JSON text, read by the core (a wrong one rejects with its
    /// `InvalidParameter` error naming the field). Resolves with the result's JSON text (a
    /// `HistoryPage`, `TemplatePage`, `TemplateDetail`, the `PhoneNumber` array, a
    /// `SavedTemplate`, a `MediaInfo`, or `null` for a deletion), or with `null` once `cancel`
    /// is cancelled; rejects with a JS error carrying the core error's fields (an unknown
    /// template: `TemplateNotFound`).
    #[napi(
        ts_return_type = "Promise<string | null>",
        ts_args_type = "operation: string, query: string, cancel?: NativeCancellation | undefined | null"
    )]
    pub fn ask<'env>(
        &self,
        env: &'env Env,
        operation: String,
        query: String,
        cancel: Option<ClassInstance<'env, NativeCancellation>>,
    ) -> napi::Result<PromiseRaw<'env, Option<String>>> {
        let client = self.inner.clone();
        let cancellation: Option<Cancellation> = cancel.map(|cancel| cancel.0.clone());
        settled(
            env,
            until_cancelled(
                async move { client.answer(&Query::from_json_text(&operation, &query)?).await },
                cancellation,
            ),
        )
    }

    /// The walk over every page of the listing `operation` (`ListChatappMessage` or
    /// `ListChatappTemplate`) with `query`, its query's JSON text: the core asks for each page
    /// while JS reads the one before. Throws a JS error carrying the core error's fields for
    /// a query it refuses or another operation.
    #[napi]
    pub fn walk(&self, env: &Env, operation: String, query: String) -> napi::Result<NativePages> {
        guarded(env, || {
            let query = Query::from_json_text(&operation, &query).map_err(|error| rethrowable(env, &error))?;
            let pages = self.inner.json_pages(query).map_err(|error| rethrowable(env, &error))?;
            Ok(NativePages(Arc::new(pages)))
        })
    }

    /// Uploads `bytes` (copied now: the caller's buffer may change meanwhile) or, when they
    /// are `null`, the file at `path`, read by the core off the JS thread. Resolves with the
    /// `UploadedMedia`'s JSON text, or with `null` once `cancel` is cancelled; rejects with a
    /// JS error carrying the core error's fields (an empty, nameless or too large file:
    /// `InvalidParameter`, nothing sent; a path that cannot be read: `InvalidConfig`).
    #[napi(
        ts_return_type = "Promise<string | null>",
        ts_args_type = "bytes: Uint8Array | null, path: string | null, settings: UploadSettings, cancel?: NativeCancellation | undefined | null"
    )]
    pub fn upload<'env>(
        &self,
        env: &'env Env,
        bytes: Option<&[u8]>,
        path: Option<String>,
        settings: UploadSettings,
        cancel: Option<ClassInstance<'env, NativeCancellation>>,
    ) -> napi::Result<PromiseRaw<'env, Option<String>>> {
        let source = match bytes {
            Some(bytes) => MediaSource::Bytes(bytes.to_vec()),
            None => MediaSource::Path(path.unwrap_or_default().into()),
        };
        let UploadSettings { file_name, content_type, cust_space_id, phone_number_id } = settings;
        let target = UploadTarget { cust_space_id, phone_number_id };
        let client = self.inner.clone();
        let cancellation: Option<Cancellation> = cancel.map(|cancel| cancel.0.clone());
        let upload = async move {
            client.upload_answer(MediaUpload::from_source(source, file_name, content_type, target).await?).await
        };
        settled(env, until_cancelled(upload, cancellation))
    }

    /// Downloads the Meta media file `media_id` (of the business number `phone_number_id`,
    /// when given, as Meta checks). Resolves with the file, or with `null` once `cancel` is
    /// cancelled; rejects with a JS error carrying the core error's fields (a CAMS client:
    /// `InvalidConfig`; an unknown ID: `InvalidParameter`; a damaged file or a URL the token
    /// may not go to: `MalformedResponse`).
    #[napi(
        ts_return_type = "Promise<DownloadedMedia | null>",
        ts_args_type = "mediaId: string, phoneNumberId: string | null, cancel?: NativeCancellation | undefined | null"
    )]
    pub fn download<'env>(
        &self,
        env: &'env Env,
        media_id: String,
        phone_number_id: Option<String>,
        cancel: Option<ClassInstance<'env, NativeCancellation>>,
    ) -> napi::Result<PromiseRaw<'env, Option<DownloadedMedia>>> {
        let media = MediaRef { media_id, phone_number_id };
        let client = self.inner.clone();
        let cancellation: Option<Cancellation> = cancel.map(|cancel| cancel.0.clone());
        let download = async move { client.download_media(&media).await.map(DownloadedMedia::from) };
        settled(env, until_cancelled(download, cancellation))
    }
}

/// A walk over every page of a listing ([`NativeClient::walk`]), read ahead by the core
/// (two pages at most); dropped by the garbage collector, it stops asking.
#[napi]
pub struct NativePages(Arc<JsonPages>);

#[napi]
impl NativePages {
    /// Resolves with the next page's JSON text, the text `null` after the last page, or with
    /// `null` once `cancel` is cancelled (which ends the walk); rejects with a JS error
    /// carrying the core error's fields, as `ask` does.
    #[napi(ts_return_type = "Promise<string | null>", ts_args_type = "cancel?: NativeCancellation | undefined | null")]
    pub fn next<'env>(
        &self,
        env: &'env Env,
        cancel: Option<ClassInstance<'env, NativeCancellation>>,
    ) -> napi::Result<PromiseRaw<'env, Option<String>>> {
        let pages = Arc::clone(&self.0);
        let cancellation: Option<Cancellation> = cancel.map(|cancel| cancel.0.clone());
        settled(
            env,
            until_cancelled(async move { Ok(pages.next().await?.unwrap_or_else(|| "null".to_owned())) }, cancellation),
        )
    }
}
