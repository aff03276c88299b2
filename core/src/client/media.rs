//! Media uploads. CAMS: temporary OSS credentials from `GetChatappUploadAuthorization`
//! through the pipeline, then the file's bytes `PUT` to OSS ([`crate::cams::oss`]) through the
//! client's own transport, so its proxy, trusted certificates and timeouts apply. Meta: a
//! multipart upload through Graph (`meta_media.rs`).

use std::time::Duration;

use time::OffsetDateTime;
use tokio::time::Instant;

use super::Client;
use crate::cams::ops as cams;
use crate::cams::oss;
use crate::error::Error;
use crate::observe;
use crate::operation::Operation;
use crate::ops::{MediaObject, MediaUpload, UploadAuthorization, UploadedMedia};
use crate::outgoing::random_id;
use crate::provider::ProviderKind;
use crate::retry::{self, Decision, RetryPolicy};
use crate::transport::RequestTimeout;

/// The slowest speed an upload or a download is given time for on top of the client's request
/// timeout: 128 KiB/s (1 Mbit/s), so 100 MB may take up to ~13 minutes more.
const SLOWEST_UPLOAD_BYTES_PER_SECOND: u64 = 128 * 1024;

impl Client {
    /// Temporary OSS credentials for the media of channel instance `cust_space_id`, else
    /// the client's (CAMS `GetChatappUploadAuthorization`, 5/s; neither is
    /// [`crate::ErrorCode::InvalidParameter`]). A read: paced at its limit, and asked again
    /// when its answer is lost. One authorization serves many uploads
    /// ([`Client::upload_media_with`]) until it expires.
    pub async fn upload_authorization(&self, cust_space_id: Option<&str>) -> Result<UploadAuthorization, Error> {
        self.cams(Operation::GetChatappUploadAuthorization)?;
        let params = cams::upload_authorization(cust_space_id, self.config().cust_space_id())?;
        let body = self.call(Operation::GetChatappUploadAuthorization, params).await?.body;
        cams::read_upload_authorization(&body)
    }

    /// Uploads a file and returns what to send it by. CAMS: to the channel instance's media
    /// storage, giving the URL to send as a media message's `link` (fresh credentials,
    /// [`Client::upload_authorization`], then [`Client::upload_media_with`]). Meta: to the
    /// business number `upload.phone_number_id`, giving the media ID to send as its `id`
    /// (`POST /{phone-number-id}/media`; within WhatsApp's limit for the file's type,
    /// [`crate::meta::media::max_upload_bytes`]). The upload is checked first — an empty or
    /// nameless file, or one over 100 MB ([`crate::ops::MAX_MEDIA_BYTES`]), is
    /// [`crate::ErrorCode::InvalidParameter`] with nothing sent.
    pub async fn upload_media(&self, upload: MediaUpload) -> Result<UploadedMedia, Error> {
        if self.config().provider() == ProviderKind::Meta {
            return self.meta_upload(upload).await;
        }
        let cust_space_id = upload.cust_space_id.clone();
        let object = upload.check()?;
        let authorization = self.upload_authorization(cust_space_id.as_deref()).await?;
        self.put_media(&authorization, object).await
    }

    /// [`Client::upload_media`] answered with its [`UploadedMedia`]'s JSON text, as the
    /// bindings hand it on (like [`Client::answer`]).
    pub async fn upload_answer(&self, upload: MediaUpload) -> Result<String, Error> {
        let uploaded = self.upload_media(upload).await?;
        Ok(serde_json::to_string(&uploaded).expect("records serialise to JSON"))
    }

    /// Uploads a file with credentials already in hand (the authorization's directory
    /// decides where; `upload.cust_space_id` is not read).
    ///
    /// The object is `{Dir}{random ID}-{file name, sanitised}`, `PUT` with its `Content-MD5`
    /// and OSS's V1 signature. OSS's refusals are typed (a wrong secret or token is an
    /// authentication error, a key outside the directory `PermissionDenied`); a throttled,
    /// unavailable or unanswered `PUT` is made again under the client's retry policy, which
    /// is safe: the same bytes go to the same key. Each attempt may take the client's request
    /// timeout plus the time the file takes at 1 Mbit/s.
    pub async fn upload_media_with(
        &self,
        authorization: &UploadAuthorization,
        upload: MediaUpload,
    ) -> Result<UploadedMedia, Error> {
        let object = upload.check()?;
        self.put_media(authorization, object).await
    }

    /// `PUT`s `object` with `authorization` until it is stored or the retry policy gives up.
    async fn put_media(
        &self,
        authorization: &UploadAuthorization,
        object: MediaObject,
    ) -> Result<UploadedMedia, Error> {
        let config = self.config();
        let plain_http = config.endpoint.base_url().scheme() == "http";
        let location = oss::locate(authorization, &random_id(), &object.name, plain_http)?;
        let md5 = oss::content_md5(&object.bytes);
        let size = object.bytes.len() as u64;
        let timeout = self.transfer_timeout(size);
        // A `PUT` of the same bytes to the same key changes nothing more the second time, so it
        // is repeated as the read that authorised it would be.
        let mut transfer = Transfer::new(Operation::GetChatappUploadAuthorization, "put the upload");
        loop {
            transfer.attempt();
            let date = oss::http_date(OffsetDateTime::now_utc());
            let body = oss::Body { bytes: &object.bytes, content_type: &object.content_type, content_md5: &md5 };
            let mut request = oss::put_request(authorization, &location, body, &date, &config.user_agent)?;
            request.extensions_mut().insert(RequestTimeout(timeout));
            match self.inner.transport.send(request).await.and_then(|answer| oss::classify_put(&answer)) {
                Ok(()) => break,
                Err(error) => transfer.again(&config.retry, error).await?,
            }
        }
        let (url, key) = (Some(location.url), Some(location.key));
        Ok(UploadedMedia { url, id: None, key, size, content_type: object.content_type })
    }

    /// The time one request carrying `size` bytes of a file, either way, is given: the
    /// client's request timeout plus the file's time at 1 Mbit/s.
    pub(super) fn transfer_timeout(&self, size: u64) -> Duration {
        let transfer = Duration::from_millis(size.saturating_mul(1000) / SLOWEST_UPLOAD_BYTES_PER_SECOND);
        self.config().transport.request_timeout + transfer
    }
}

/// The attempts of one file transfer (an OSS `PUT`, a Meta download), made again under the
/// client's retry policy as a read of `operation` would be: the same bytes to the same place.
pub(super) struct Transfer {
    operation: Operation,
    /// What is transferred, for the debug log ("put the upload").
    what: &'static str,
    started: Instant,
    attempts: u32,
}

impl Transfer {
    /// A transfer of `what`, retried as `operation`, not yet attempted.
    pub(super) fn new(operation: Operation, what: &'static str) -> Self {
        Self { operation, what, started: Instant::now(), attempts: 0 }
    }

    /// Counts an attempt.
    pub(super) fn attempt(&mut self) {
        self.attempts += 1;
    }

    /// After an attempt failed with `error`: `Ok` once the policy's delay has passed, to try
    /// again, else the error with the attempts made.
    pub(super) async fn again(&self, policy: &RetryPolicy, error: Error) -> Result<(), Error> {
        let elapsed = self.started.elapsed();
        match retry::decide(policy, self.operation, self.attempts, elapsed, &error, rand::random()) {
            Decision::RetryAfter(delay) => {
                tracing::debug!(
                    target: observe::TARGET,
                    attempt = self.attempts,
                    code = error.code().as_str(),
                    delay_ms = delay.as_millis() as u64,
                    transfer = self.what,
                    "making the transfer again"
                );
                tokio::time::sleep(delay).await;
                Ok(())
            }
            Decision::GiveUp => Err(error.with_attempts(self.attempts)),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::client::ClientConfig;
    use crate::credentials::Credentials;
    use crate::endpoint::Endpoint;
    use crate::error::ErrorCode;
    use crate::ops::MAX_MEDIA_BYTES;
    use crate::retry::RetryPolicy;
    use crate::transport::scripted::{Scripted, answer};
    use crate::transport::{HttpResponse, Transport};

    const AUTHORIZATION: &str = r#"{"RequestId":"r","Code":"OK","Data":{"AccessKeyId":"STS.k","AccessKeySecret":"s",
        "SecurityToken":"t","BucketName":"media","Dir":"cams-1/","EndPoint":"127.0.0.1:9","Expire":1}}"#;

    /// A CAMS client on a plain-HTTP loopback endpoint over `answers`.
    fn client(answers: Vec<Result<HttpResponse, Error>>) -> (Client, Arc<Scripted>) {
        let transport = Arc::new(Scripted::new(answers));
        let mut config = ClientConfig::new(Credentials::new("id", "secret", None).unwrap());
        config.endpoint = Endpoint::parse("http://127.0.0.1:9").unwrap();
        config.retry = RetryPolicy { base_delay: Duration::from_millis(1), ..RetryPolicy::default() };
        if let crate::client::Api::Cams(cams) = &mut config.api {
            cams.cust_space_id = Some("cams-1".into());
        }
        (Client::with_transport(config, Arc::clone(&transport) as Arc<dyn Transport>).unwrap(), transport)
    }

    fn png() -> MediaUpload {
        MediaUpload { bytes: b"\x89PNG".to_vec(), file_name: "logo.png".into(), ..MediaUpload::default() }
    }

    #[tokio::test]
    async fn an_unanswered_put_is_made_again_to_the_same_key() {
        let lost = Err(Error::new(ErrorCode::OutcomeUnknown, "no answer"));
        let (client, transport) = client(vec![answer(200, AUTHORIZATION), lost, answer(500, ""), answer(200, "")]);
        let megabyte = MediaUpload { bytes: vec![7; 1 << 20], ..png() };
        let uploaded = client.upload_media(megabyte).await.unwrap();
        let (url, key) = (uploaded.url.clone().unwrap(), uploaded.key.clone().unwrap());
        assert!(url.starts_with("http://127.0.0.1:9/media/cams-1/"), "{url}");
        assert!(key.starts_with("cams-1/") && key.ends_with("-logo.png"), "{key}");
        assert_eq!(uploaded.id, None);
        assert_eq!((uploaded.size, uploaded.content_type.as_str()), (1 << 20, "image/png"));
        let requests = transport.requests.lock().unwrap();
        assert_eq!(requests.len(), 4);
        assert_eq!(requests[0].method(), http::Method::POST);
        let puts = &requests[1..];
        assert!(puts.iter().all(|put| put.method() == http::Method::PUT && put.uri() == url.as_str()));
        assert!(puts.iter().all(|put| put.body().len() == 1 << 20));
        let timeout = puts[0].extensions().get::<RequestTimeout>().unwrap().0;
        assert_eq!(timeout, client.config().transport.request_timeout + Duration::from_secs(8), "1 MiB at 1 Mbit/s");
    }

    #[tokio::test]
    async fn a_refused_put_is_a_typed_error_and_not_made_again() {
        let refusal = "<Error><Code>SignatureDoesNotMatch</Code><Message>m</Message></Error>";
        let (client, transport) = client(vec![answer(200, AUTHORIZATION), answer(403, refusal)]);
        let error = client.upload_media(png()).await.unwrap_err();
        assert_eq!((error.code(), error.attempts(), error.http_status()), (ErrorCode::SignatureMismatch, 1, Some(403)));
        assert_eq!(transport.requests.lock().unwrap().len(), 2);
    }

    #[tokio::test]
    async fn nothing_is_sent_for_an_upload_that_cannot_be_made() {
        let (client, transport) = client(Vec::new());
        let large = MediaUpload { bytes: vec![0; MAX_MEDIA_BYTES + 1], ..png() };
        assert_eq!(client.upload_media(large).await.unwrap_err().code(), ErrorCode::InvalidParameter);
        let spaceless = Client::with_transport(
            ClientConfig {
                endpoint: client.config().endpoint.clone(),
                ..ClientConfig::new(Credentials::new("i", "s", None).unwrap())
            },
            Arc::clone(&transport) as Arc<dyn Transport>,
        )
        .unwrap();
        let error = spaceless.upload_media(png()).await.unwrap_err();
        assert!(error.message().starts_with("custSpaceId: required"), "{error}");
        assert!(transport.requests.lock().unwrap().is_empty());
    }
}
