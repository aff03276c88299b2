//! A Meta client's media (Meta reference §7): uploads, lookups and deletions through Graph,
//! run through the pipeline and paced per business number
//! ([`crate::meta::unverified::MEDIA_CALLS`]); downloads straight through the client's
//! transport to the URL Meta gives, with the bearer token only where
//! [`crate::meta::media`] allows it, and the file's SHA-256 checked.

use http::header::{AUTHORIZATION, USER_AGENT};
use http::{Method, Request};

use super::media::Transfer;
use super::{Api, Client};
use crate::error::{Error, ErrorCode};
use crate::meta::media;
use crate::oauth::TokenSource;
use crate::operation::Operation;
use crate::ops::{DownloadedMedia, MediaInfo, MediaRef, MediaUpload, UploadedMedia};
use crate::options::SendOptions;
use crate::outgoing::random_id;
use crate::provider::{Call, GraphCall};
use crate::transport::{HttpResponse, RequestTimeout};

impl Client {
    /// Uploads `upload` for its business number (`POST /{phone-number-id}/media`): its media
    /// ID, to send as a media message's `id` for 30 days. Checked first, nothing sent: the
    /// number is required, the file within WhatsApp's limit for its type
    /// ([`media::max_upload_bytes`]). Not repeated when its answer is lost
    /// ([`ErrorCode::OutcomeUnknown`]): a second upload would leave a second file.
    pub(super) async fn meta_upload(&self, upload: MediaUpload) -> Result<UploadedMedia, Error> {
        let number = upload.phone_number_id.clone();
        let object = upload.check()?;
        let number = media::check_upload(&object, number.as_deref())?.to_owned();
        let size = object.bytes.len() as u64;
        let (content_type, form) = media::upload_form(&object, &random_id());
        let call = GraphCall {
            operation: Operation::WhatsappMediaUpload,
            method: Method::POST,
            path_and_query: media::upload_path(&number),
            body: Some((content_type, form)),
            number: Some(number),
        };
        let body = self.graph_call(call, Some(self.transfer_timeout(size))).await?;
        let id = media::read_uploaded(&body)?;
        Ok(UploadedMedia { url: None, id: Some(id), key: None, size, content_type: object.content_type })
    }

    /// What Meta holds of a media file, uploaded or received (`GET /{media-id}`, a read): its
    /// download URL (valid 5 minutes, and only with the token: [`Client::download_media`]),
    /// type, size and SHA-256. Meta's media only: on a CAMS client,
    /// [`ErrorCode::InvalidConfig`] (CAMS gives media as URLs). An unknown ID, or one of
    /// another number than `phone_number_id`, is Meta's refusal
    /// ([`ErrorCode::InvalidParameter`]).
    pub async fn media_info(&self, media: &MediaRef) -> Result<MediaInfo, Error> {
        self.meta_media(Operation::WhatsappMediaRetrieve)?;
        let call = GraphCall::read(Operation::WhatsappMediaRetrieve, media::media_path(media)?);
        let call = GraphCall { number: media.phone_number_id.clone(), ..call };
        media::read_info(&self.graph_call(call, None).await?)
    }

    /// Downloads a media file: its URL ([`Client::media_info`]), then the file with the
    /// bearer token — sent only to Meta's hosts or the client's own Graph origin, else
    /// [`ErrorCode::MalformedResponse`] and nothing sent — and its SHA-256 checked against
    /// Meta's ([`ErrorCode::MalformedResponse`] when it differs). A URL that has expired
    /// (HTTP 404) is asked for again once; a download that failed on the way is made again
    /// under the retry policy, as a read. Redirects are not followed.
    pub async fn download_media(&self, media: &MediaRef) -> Result<DownloadedMedia, Error> {
        let token = self.meta_media(Operation::WhatsappMediaRetrieve)?;
        let mut info = self.media_info(media).await?;
        let mut fresh_url = true;
        let mut transfer = Transfer::new(Operation::WhatsappMediaRetrieve, "download the media");
        let data = loop {
            transfer.attempt();
            let error = match self.fetch(token, &info).await {
                Ok(answer) if (200..300).contains(&answer.status) => break answer.body,
                Ok(answer) if answer.status == 404 && fresh_url => {
                    fresh_url = false;
                    info = self.media_info(media).await?;
                    continue;
                }
                Ok(answer) => refused_download(&answer),
                Err(error) => error,
            };
            transfer.again(&self.config().retry, error).await?;
        };
        media::check_sha256(&data, &info.sha256)?;
        Ok(DownloadedMedia { data, content_type: info.content_type, sha256: info.sha256 })
    }

    /// Deletes a media file (`DELETE /{media-id}`). Not repeated when its answer is lost
    /// ([`ErrorCode::OutcomeUnknown`]). An unknown ID is Meta's refusal
    /// ([`ErrorCode::InvalidParameter`]); on a CAMS client, [`ErrorCode::InvalidConfig`].
    pub async fn delete_media(&self, media: &MediaRef) -> Result<(), Error> {
        self.meta_media(Operation::WhatsappMediaDelete)?;
        let call = GraphCall {
            method: Method::DELETE,
            number: media.phone_number_id.clone(),
            ..GraphCall::read(Operation::WhatsappMediaDelete, media::media_path(media)?)
        };
        media::read_deleted(&self.graph_call(call, None).await?)
    }

    /// The token of a Meta client; a CAMS client has no `operation`:
    /// [`ErrorCode::InvalidConfig`], before anything is read.
    fn meta_media(&self, operation: Operation) -> Result<&TokenSource, Error> {
        match &self.config().api {
            Api::Meta(meta) => Ok(&meta.token),
            Api::Cams(_) => Err(Error::new(
                ErrorCode::InvalidConfig,
                format!(
                    "{} is a call of Meta's Graph API; a CAMS client gives media as URLs (upload_media gives one)",
                    operation.as_str()
                ),
            )),
        }
    }

    /// Runs `call` through the pipeline, each attempt given `timeout` when set: the accepted
    /// answer's body.
    async fn graph_call(&self, call: GraphCall, timeout: Option<std::time::Duration>) -> Result<Vec<u8>, Error> {
        let options = SendOptions { request_timeout: timeout, ..SendOptions::default() };
        Ok(self.inner.pipeline.call(&Call::Meta(call), options).await?.body)
    }

    /// One `GET` of `info`'s URL with the bearer token, where the token may go; a token refused
    /// there (HTTP 401) is marked dead, so the next call renews it.
    async fn fetch(&self, token: &TokenSource, info: &MediaInfo) -> Result<HttpResponse, Error> {
        let config = self.config();
        let url = media::download_url(&info.url, config.endpoint.base_url())?;
        let bearer = token.authorization().await?;
        let mut request = Request::builder()
            .method(Method::GET)
            .uri(url.as_str())
            .header(USER_AGENT, config.user_agent.as_str())
            .header(AUTHORIZATION, bearer.clone())
            .body(bytes::Bytes::new())
            .map_err(|_| Error::new(ErrorCode::MalformedResponse, "the media URL cannot be requested"))?;
        request.extensions_mut().insert(RequestTimeout(self.transfer_timeout(info.size)));
        let answer = self.inner.transport.send(request).await?;
        if answer.status == 401 {
            token.mark_dead(&bearer);
        }
        Ok(answer)
    }
}

/// The error of a download answered with `answer`, not a success: Meta's typed error when the
/// body is a Graph error (an expired token is [`ErrorCode::TokenExpired`]), else by status
/// (a 5xx or 429 is retried as a read's would be).
fn refused_download(answer: &HttpResponse) -> Error {
    match crate::meta::classify(answer) {
        Err(error) => error,
        Ok(_) => Error::new(ErrorCode::MalformedResponse, "the media download answered with a message ID"),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use sha2::{Digest, Sha256};

    use super::*;
    use crate::client::ClientConfig;
    use crate::endpoint::Endpoint;
    use crate::oauth::AccessToken;
    use crate::retry::RetryPolicy;
    use crate::transport::Transport;
    use crate::transport::scripted::{Scripted, answer};

    const NUMBER: &str = "106540352242922";

    /// A Meta client on a plain-HTTP loopback Graph endpoint over `answers`.
    fn client(answers: Vec<Result<HttpResponse, Error>>) -> (Client, Arc<Scripted>) {
        let transport = Arc::new(Scripted::new(answers));
        let token = TokenSource::fixed(AccessToken::new("t0k3n")).unwrap();
        let mut config = ClientConfig::meta(token);
        config.endpoint = Endpoint::parse("http://127.0.0.1:9").unwrap();
        config.retry = RetryPolicy { base_delay: Duration::from_millis(1), ..RetryPolicy::default() };
        (Client::with_transport(config, Arc::clone(&transport) as Arc<dyn Transport>).unwrap(), transport)
    }

    fn info(url: &str, bytes: &[u8]) -> String {
        let sha256 = hex::encode(Sha256::digest(bytes));
        format!(
            r#"{{"messaging_product":"whatsapp","url":"{url}","mime_type":"image/png","sha256":"{sha256}","file_size":{},"id":"77"}}"#,
            bytes.len()
        )
    }

    fn media() -> MediaRef {
        MediaRef { media_id: "77".into(), phone_number_id: Some(NUMBER.into()) }
    }

    #[tokio::test]
    async fn an_upload_posts_its_form_to_the_number_and_gives_the_media_id() {
        let (client, transport) = client(vec![answer(200, r#"{"id":"1037543291543636"}"#)]);
        let upload = MediaUpload {
            bytes: b"\x89PNG".to_vec(),
            file_name: "logo.png".into(),
            phone_number_id: Some(NUMBER.into()),
            ..MediaUpload::default()
        };
        let uploaded = client.upload_media(upload).await.unwrap();
        let expected = UploadedMedia {
            url: None,
            id: Some("1037543291543636".into()),
            key: None,
            size: 4,
            content_type: "image/png".into(),
        };
        assert_eq!(uploaded, expected);
        let requests = transport.requests.lock().unwrap();
        let post = &requests[0];
        assert_eq!(
            (post.method(), post.uri().to_string()),
            (&Method::POST, format!("http://127.0.0.1:9/v25.0/{NUMBER}/media"))
        );
        assert_eq!(post.headers()[AUTHORIZATION], "Bearer t0k3n");
        let body = String::from_utf8_lossy(post.body());
        assert!(body.contains("name=\"file\"; filename=\"logo.png\"\r\nContent-Type: image/png"), "{body}");
        let timeout = post.extensions().get::<RequestTimeout>().unwrap().0;
        assert_eq!(timeout, client.config().transport.request_timeout, "4 bytes take no extra time");
    }

    #[tokio::test]
    async fn an_upload_without_its_number_or_too_large_sends_nothing() {
        let (client, transport) = client(Vec::new());
        let nameless = MediaUpload { bytes: b"x".to_vec(), file_name: "a.png".into(), ..MediaUpload::default() };
        let error = client.upload_media(nameless.clone()).await.unwrap_err();
        assert!(error.message().starts_with("phoneNumberId: required"), "{error}");
        let large = MediaUpload { bytes: vec![0; 6 << 20], phone_number_id: Some(NUMBER.into()), ..nameless };
        assert!(client.upload_media(large).await.unwrap_err().message().starts_with("bytes: WhatsApp takes image/png"));
        assert!(transport.requests.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_download_checks_the_hash_and_asks_an_expired_url_again() {
        let url = "http://127.0.0.1:9/whatsapp_business/attachments/?mid=77";
        let answers =
            vec![answer(200, &info(url, b"png")), answer(404, ""), answer(200, &info(url, b"png")), answer(200, "png")];
        let (client, transport) = client(answers);
        let downloaded = client.download_media(&media()).await.unwrap();
        assert_eq!((downloaded.data.as_slice(), downloaded.content_type.as_str()), (&b"png"[..], "image/png"));
        let requests = std::mem::take(&mut *transport.requests.lock().unwrap());
        let uris: Vec<String> = requests.iter().map(|r| r.uri().to_string()).collect();
        let lookup = format!("http://127.0.0.1:9/v25.0/77?phone_number_id={NUMBER}");
        assert_eq!(uris, [lookup.as_str(), url, lookup.as_str(), url]);
        assert!(requests.iter().all(|r| r.headers()[AUTHORIZATION] == "Bearer t0k3n"));

        let (damaging, _) = self::client(vec![answer(200, &info(url, b"png")), answer(200, "pnG")]);
        let damaged = damaging.download_media(&media()).await.unwrap_err();
        assert_eq!(damaged.code(), ErrorCode::MalformedResponse);
        assert!(damaged.message().contains("damaged"), "{damaged}");
    }

    #[tokio::test]
    async fn the_token_never_goes_to_a_host_that_is_not_metas() {
        let (client, transport) = client(vec![answer(200, &info("https://cdn.example.com/a.png", b"png"))]);
        let error = client.download_media(&media()).await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::MalformedResponse);
        assert!(error.message().contains("cdn.example.com"), "{error}");
        assert_eq!(transport.requests.lock().unwrap().len(), 1, "only the lookup went out");
    }

    #[tokio::test]
    async fn deletions_and_lookups_are_metas_only() {
        let (client, transport) = client(vec![answer(200, r#"{"success":true}"#)]);
        client.delete_media(&media()).await.unwrap();
        let delete = transport.requests.lock().unwrap().remove(0);
        assert_eq!(delete.method(), Method::DELETE);
        assert_eq!(delete.uri().to_string(), format!("http://127.0.0.1:9/v25.0/77?phone_number_id={NUMBER}"));

        let cams = ClientConfig::new(crate::credentials::Credentials::new("id", "secret", None).unwrap());
        let cams = Client::with_transport(cams, Arc::new(Scripted::default()) as Arc<dyn Transport>).unwrap();
        for error in [cams.media_info(&media()).await.unwrap_err(), cams.delete_media(&media()).await.unwrap_err()] {
            assert_eq!(error.code(), ErrorCode::InvalidConfig);
            assert!(error.message().contains("Meta's Graph API"), "{error}");
        }
    }
}
