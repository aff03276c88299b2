//! The client's operations beyond sending: message history, templates (read and managed),
//! phone numbers, media uploads and Meta's media, over the core's query and record types
//! (UniFFI namespace `chatlane_model`), and the pure wire mapping (CAMS parameters, Meta's
//! Graph requests) the shared operation cases (`tests/operations/`) check.

use std::collections::HashMap;
use std::sync::Arc;

use chatlane_core::meta::calls::GraphRequest;
use chatlane_core::ops::{
    DownloadedMedia, HistoryPage, HistoryQuery, MediaInfo, MediaRef, MediaSource, MediaUpload, NewTemplate,
    PhoneNumber, PhoneNumberQuery, SavedTemplate, TemplateDeletion, TemplateDetail, TemplateEdit, TemplatePage,
    TemplateQuery, TemplateRef, UploadTarget, UploadedMedia,
};
use chatlane_core::runtime;

use crate::client::Client;
use crate::error::{ChatlaneError, guarded};

/// Each runs on chatlane's own I/O threads like `send` (the caller's executor only awaits;
/// a panic in the core becomes `Internal`) and goes through the same pipeline: paced at the
/// operation's documented limit, asked again when throttled or when its answer is lost. A
/// query that cannot be asked is `InvalidParameter` (its `detail` is `"field: problem"`)
/// before anything is sent; a Meta client has none of these CAMS operations but its templates
/// (with `wabaId`) and its history (`Configuration`, code `InvalidConfig`). Cancelling the Kotlin coroutine stops the call;
/// in Swift a cancelled task's call runs to its end and its answer is dropped.
#[uniffi::export]
impl Client {
    /// One page of a business number's message history (CAMS `ListChatappMessage`), in the
    /// provider's order; ask again with `page = nextPage` until `nextPage` is `null`/`nil`.
    /// Meta keeps no history: a Meta client lists what its `eventStore` recorded of the
    /// webhooks a `Receiver` on the same store admitted (`Configuration` without one), and
    /// refuses the CAMS filters `templateCode`, `groupMessageId`, `custSpaceId`.
    pub async fn list_messages(&self, query: HistoryQuery) -> Result<HistoryPage, ChatlaneError> {
        let client = self.0.clone();
        Ok(runtime::run(async move { client.list_messages(&query).await }).await?)
    }

    /// One page of the account's templates (CAMS `ListChatappTemplate`); every template's
    /// first page when `query` is left out. Ask again with `page = nextPage` until
    /// `nextPage` is `null`/`nil`.
    #[uniffi::method(default(query))]
    pub async fn list_templates(&self, query: TemplateQuery) -> Result<TemplatePage, ChatlaneError> {
        let client = self.0.clone();
        Ok(runtime::run(async move { client.list_templates(&query).await }).await?)
    }

    /// One template in full (CAMS `GetChatappTemplateDetail`): its components, buttons,
    /// example values, quality and whether it may be sent. An unknown one is `Template`,
    /// code `TemplateNotFound`.
    pub async fn template(&self, r#ref: TemplateRef) -> Result<TemplateDetail, ChatlaneError> {
        let client = self.0.clone();
        Ok(runtime::run(async move { client.template(&r#ref).await }).await?)
    }

    /// The channel's business numbers with their status, quality rating and messaging tier
    /// (CAMS `QueryChatappPhoneNumbers`); all of them when `query` is left out.
    #[uniffi::method(default(query))]
    pub async fn phone_numbers(&self, query: PhoneNumberQuery) -> Result<Vec<PhoneNumber>, ChatlaneError> {
        let client = self.0.clone();
        Ok(runtime::run(async move { client.phone_numbers(&query).await }).await?)
    }

    /// Every page of `query`'s message history from its `page` on, as `listMessages` gives
    /// them: call `next()` until it is `null`/`nil`. Pages are asked for ahead while earlier
    /// ones are read (two at most); dropping the walk stops asking.
    pub fn message_pages(&self, query: HistoryQuery) -> Arc<MessagePages> {
        Arc::new(MessagePages(Arc::new(self.0.pages(query))))
    }

    /// Every page of `query`'s templates (every template when left out), as `listTemplates`
    /// gives them, walked as `messagePages` walks a history.
    #[uniffi::method(default(query))]
    pub fn template_pages(&self, query: TemplateQuery) -> Arc<TemplatePages> {
        Arc::new(TemplatePages(Arc::new(self.0.pages(query))))
    }

    /// Uploads `upload.bytes` and gives what to send it by: CAMS stores it in the channel
    /// instance's media storage (`GetChatappUploadAuthorization`, then an OSS `PUT`) and the
    /// record's `url` is the `link` of an image, video, audio, document or sticker message;
    /// Meta stores it for the business number `upload.phoneNumberId` (required there) and the
    /// record's `id` is the message's media `id` (for 30 days). An empty or nameless file, one
    /// over 100 MB or over WhatsApp's limit for its type on Meta, is `InvalidParameter`
    /// (`detail` `"bytes: …"`, `"fileName: …"`, `"phoneNumberId: …"`) with nothing sent.
    pub async fn upload_media(&self, upload: MediaUpload) -> Result<UploadedMedia, ChatlaneError> {
        let client = self.0.clone();
        Ok(runtime::run(async move { client.upload_media(upload).await }).await?)
    }

    /// Uploads the file at `path` as [`Self::upload_media`] does, read on chatlane's I/O
    /// threads, not the caller's: named after the path's last component unless `file_name` is
    /// given, its type guessed from that name unless `content_type` is. A path that cannot be
    /// read is `InvalidConfig` naming it, a file over 100 MB `InvalidParameter` before it is
    /// read; nothing is sent either way.
    #[uniffi::method(default(file_name = None, content_type = None, cust_space_id = None, phone_number_id = None))]
    pub async fn upload_media_file(
        &self,
        path: String,
        file_name: Option<String>,
        content_type: Option<String>,
        cust_space_id: Option<String>,
        phone_number_id: Option<String>,
    ) -> Result<UploadedMedia, ChatlaneError> {
        let client = self.0.clone();
        let source = MediaSource::Path(path.into());
        let target = UploadTarget { cust_space_id, phone_number_id };
        Ok(runtime::run(async move {
            let upload = MediaUpload::from_source(source, file_name, content_type, target).await?;
            client.upload_media(upload).await
        })
        .await?)
    }
}

/// Meta's media by ID, uploaded (`UploadedMedia.id`) or received (`InboundMedia.id`), with
/// `media.phoneNumberId` as the number Meta checks it belongs to (optional). A Meta client's
/// only: on a CAMS client each is `Configuration` (code `InvalidConfig`), as CAMS gives media
/// as URLs. An unknown ID is Meta's refusal, `InvalidParameter`.
#[uniffi::export]
impl Client {
    /// What Meta holds of a media file: its download URL (valid 5 minutes, and only with the
    /// token: `downloadMedia` fetches it), type, size and SHA-256 (`GET /{media-id}`, a read).
    pub async fn media_info(&self, media: MediaRef) -> Result<MediaInfo, ChatlaneError> {
        let client = self.0.clone();
        Ok(runtime::run(async move { client.media_info(&media).await }).await?)
    }

    /// Downloads a media file, its SHA-256 checked against Meta's. The token goes only to
    /// Meta's hosts (or the client's own endpoint): any other URL is `MalformedResponse` with
    /// nothing sent, as is a file whose hash differs.
    pub async fn download_media(&self, media: MediaRef) -> Result<DownloadedMedia, ChatlaneError> {
        let client = self.0.clone();
        Ok(runtime::run(async move { client.download_media(&media).await }).await?)
    }

    /// Deletes a media file (`DELETE /{media-id}`); not repeated when its answer is lost
    /// (`OutcomeUnknown`).
    pub async fn delete_media(&self, media: MediaRef) -> Result<(), ChatlaneError> {
        let client = self.0.clone();
        Ok(runtime::run(async move { client.delete_media(&media).await }).await?)
    }
}

/// A walk over the pages of one listing (`Client.messagePages`, `Client.templatePages`),
/// with its `next` run on chatlane's I/O threads like every call.
macro_rules! pages_object {
    ($(#[$doc:meta])* $name:ident, $query:ty, $page:ty) => {
        $(#[$doc])*
        #[derive(uniffi::Object)]
        pub struct $name(Arc<chatlane_core::Pages<$query>>);

        #[uniffi::export]
        impl $name {
            /// The next page, `null`/`nil` after the last; the page after it is asked for
            /// before this returns. An error, or cancelling this call, ends the walk.
            pub async fn next(&self) -> Result<Option<$page>, ChatlaneError> {
                let pages = Arc::clone(&self.0);
                Ok(runtime::run(async move { pages.next().await }).await?)
            }
        }
    };
}

pages_object!(
    /// Every page of a message history (`Client.messagePages`).
    MessagePages,
    HistoryQuery,
    HistoryPage
);
pages_object!(
    /// Every page of a template listing (`Client.templatePages`).
    TemplatePages,
    TemplateQuery,
    TemplatePage
);

/// Template management (CAMS only), run like the reads above but as writes: an attempt is
/// repeated only when it provably had no effect (throttled, refused before processing, never
/// connected); one whose answer is lost is `OutcomeUnknown` (list the templates to see whether
/// it took). Each is checked before anything is sent: a refusal is `InvalidParameter` whose
/// `detail` names the field (`"components[0].text: …"`).
#[uniffi::export]
impl Client {
    /// Submits `template` for review (CAMS `CreateChatappTemplate`): its code and name; it is
    /// `auditing` until reviewed. A name taken in that language is `InvalidParameter`
    /// (`platformCode` `InvalidParameter.TemplateNameExist`).
    pub async fn create_template(&self, template: NewTemplate) -> Result<SavedTemplate, ChatlaneError> {
        let client = self.0.clone();
        Ok(runtime::run(async move { client.create_template(&template).await }).await?)
    }

    /// Replaces a template's components in one language and submits it for review again
    /// (CAMS `ModifyChatappTemplate`). An unknown template is `Template`, code
    /// `TemplateNotFound`.
    pub async fn modify_template(&self, edit: TemplateEdit) -> Result<SavedTemplate, ChatlaneError> {
        let client = self.0.clone();
        Ok(runtime::run(async move { client.modify_template(&edit).await }).await?)
    }

    /// Deletes a template, in one language or in every one (CAMS `DeleteChatappTemplate`). An
    /// unknown template is `Template`, code `TemplateNotFound`.
    pub async fn delete_template(&self, deletion: TemplateDeletion) -> Result<(), ChatlaneError> {
        let client = self.0.clone();
        Ok(runtime::run(async move { client.delete_template(&deletion).await }).await?)
    }
}

/// The CAMS wire parameters a call of `operation` (`ListChatappMessage`,
/// `ListChatappTemplate`, `GetChatappTemplateDetail`, `QueryChatappPhoneNumbers`,
/// `CreateChatappTemplate`, `ModifyChatappTemplate` or `DeleteChatappTemplate`) sends for
/// `queryJson`, its query in the JSON shape every language shares (`HistoryQuery`,
/// `TemplateQuery`, `TemplateRef`, `PhoneNumberQuery`, `NewTemplate`, `TemplateEdit`,
/// `TemplateDeletion`), with `clientCustSpaceId` as the client's default `CustSpaceId`;
/// nothing is sent. A query of the wrong shape or one that cannot be asked is
/// `InvalidParameter` (`detail` `"field: problem"`); another operation, `Configuration`
/// (code `InvalidConfig`).
#[uniffi::export(default(client_cust_space_id = None))]
#[expect(clippy::result_large_err, reason = "the error crosses the FFI by value; UniFFI cannot lift a Box")]
pub fn operation_params(
    operation: String,
    query_json: String,
    client_cust_space_id: Option<String>,
) -> Result<HashMap<String, String>, ChatlaneError> {
    guarded(|| {
        let params = chatlane_core::cams::ops::params_of(&operation, &query_json, client_cust_space_id.as_deref())?;
        Ok(params.iter().map(|(name, value)| (name.to_owned(), value.to_owned())).collect())
    })
}

/// The first Graph request a Meta client of WhatsApp Business Account `wabaId` makes for
/// `queryJson` of `operation` (`ListChatappTemplate`, `GetChatappTemplateDetail`,
/// `WhatsappMediaRetrieve` or `WhatsappMediaDelete`): its method and its path after
/// `/{version}/`; nothing is sent. A query that cannot be asked is `InvalidParameter`
/// (`detail` `"field: problem"`); a template operation without `wabaId`, or another operation,
/// `Configuration` (code `InvalidConfig`).
#[uniffi::export(default(waba_id = None))]
#[expect(clippy::result_large_err, reason = "the error crosses the FFI by value; UniFFI cannot lift a Box")]
pub fn meta_request(
    operation: String,
    query_json: String,
    waba_id: Option<String>,
) -> Result<GraphRequest, ChatlaneError> {
    guarded(|| Ok(chatlane_core::meta::calls::request_of(&operation, &query_json, waba_id.as_deref())?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_maps_with_the_client_default_or_fails_typed() {
        let params =
            operation_params("ListChatappTemplate".into(), r#"{"pageSize": 5}"#.into(), Some("cams-1".into())).unwrap();
        assert_eq!(params["CustSpaceId"], "cams-1");
        assert_eq!(params["Page"], r#"{"Index":1,"Size":5}"#);
        let page_zero = operation_params("ListChatappTemplate".into(), r#"{"page": 0}"#.into(), None).unwrap_err();
        assert!(matches!(page_zero, ChatlaneError::InvalidParameter { .. }), "{page_zero:?}");
        assert!(page_zero.detail().starts_with("page: "), "{page_zero}");
        let not_json = operation_params("ListChatappTemplate".into(), "{".into(), None).unwrap_err();
        assert_eq!(not_json.code(), "InvalidParameter");
        let send = operation_params("SendChatappMessage".into(), "{}".into(), None).unwrap_err();
        assert!(matches!(send, ChatlaneError::Configuration { .. }), "{send:?}");
    }
}
