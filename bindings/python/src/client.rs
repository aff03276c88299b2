//! `Client` and `SendReceipt`: options in, sends (and uploads) on the core runtime (sync with the
//! interpreter released, or as an asyncio awaitable), receipts or typed exceptions out.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chatlane_core::ops::{DownloadedMedia, MediaRef, MediaSource, MediaUpload, Query, UploadTarget};
use chatlane_core::reconcile::ReconcilePolicy;
use chatlane_core::{
    ClientConfig, ClientOptions, Credentials, Dialect, Error, ErrorCode, HostValue, Outgoing, ProviderKind, SendOptions,
};
use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::aio::LoopCompletions;
use crate::ops;
use crate::provider::PyCredentialsProvider;
use crate::receiver::SendRecord;
use crate::{VERSION, blocking, errors, guarded, host, messages, oauth, observe, repr};

/// A client of CAMS (signing with one AccessKey) or of Meta's WhatsApp Cloud API (sending
/// with a bearer token), sending through pooled connections. Safe to share between threads
/// and asyncio tasks.
#[pyclass(frozen, module = "chatlane")]
pub struct Client {
    inner: chatlane_core::Client,
    /// The asyncio completions of the event loop `send_async` last ran in.
    completions: LoopCompletions,
}

/// What a successful send returns.
#[pyclass(frozen, eq, module = "chatlane")]
#[derive(PartialEq, Eq)]
pub struct SendReceipt {
    /// The ID of the accepted message; status receipts carry the same `MessageId`.
    #[pyo3(get)]
    message_id: String,
    /// The platform's `RequestId` (quote it to support).
    #[pyo3(get)]
    request_id: String,
    /// The `TaskId` sent with the message (the caller's, or one chatlane generated).
    #[pyo3(get)]
    task_id: String,
    /// How many requests it took (more than 1 after a throttle or a refused connection).
    #[pyo3(get)]
    attempts: u32,
    /// Whether the recipient's 24-hour window was closed and the fallback template went instead.
    #[pyo3(get)]
    fallback: bool,
}

impl From<chatlane_core::SendReceipt> for SendReceipt {
    fn from(receipt: chatlane_core::SendReceipt) -> Self {
        let chatlane_core::SendReceipt { message_id, request_id, task_id, attempts, fallback } = receipt;
        Self { message_id, request_id, task_id, attempts, fallback }
    }
}

#[pymethods]
impl SendReceipt {
    /// A receipt from its parts (chatlane creates these; the constructor serves test doubles).
    #[new]
    #[pyo3(signature = (*, message_id, request_id, task_id, attempts=1, fallback=false))]
    fn new(message_id: String, request_id: String, task_id: String, attempts: u32, fallback: bool) -> Self {
        Self { message_id, request_id, task_id, attempts, fallback }
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr::call_like(
            "SendReceipt",
            &[
                ("message_id", repr::value(py, &self.message_id)?),
                ("request_id", repr::value(py, &self.request_id)?),
                ("task_id", repr::value(py, &self.task_id)?),
                ("attempts", repr::value(py, self.attempts)?),
                ("fallback", repr::value(py, self.fallback)?),
            ],
        )
    }
}

#[pymethods]
impl Client {
    /// A client from keyword arguments (see `chatlane.Client` in the stubs). Credentials
    /// default to the `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and
    /// `ALIBABA_CLOUD_SECURITY_TOKEN` environment variables; timeouts, the pacing wait and
    /// the retry deadline are in seconds; `on_retry` and `on_outcome` are hooks (see
    /// `observe`); an `AccessToken` as `access_token`, `renew_with`, `on_token_renewed` and
    /// `token_renewal_margin` make a Meta client's token source (see `take_token_source` in
    /// `oauth`). Raises `ConfigurationError` on bad settings.
    #[new]
    #[pyo3(signature = (**options))]
    fn new(py: Python<'_>, options: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        guarded(py, || {
            let observer = observe::take_hooks(options)?;
            let provider = host::pop_callable(options, "credentials_provider")?;
            let token = oauth::take_token_source(py, options)?;
            let fields = options.map(|o| o.iter().collect::<Vec<_>>()).unwrap_or_default();
            let names = fields.iter().map(|(name, _)| name.extract::<String>()).collect::<PyResult<Vec<_>>>()?;
            let values = fields.iter().map(|(_, value)| host::value(value));
            let built = ClientOptions::from_host(Dialect::Python, names.iter().map(String::as_str).zip(values))
                .and_then(|options| {
                    let options = ClientOptions { user_agent: Some(format!("chatlane-python/{VERSION}")), ..options };
                    let config = match (&provider, token) {
                        (Some(_), Some(_)) => {
                            let why = "a credentials provider is for CAMS, an AccessToken or renew_with for Meta";
                            return Err(Error::new(ErrorCode::InvalidConfig, why));
                        }
                        (Some(provider), None) => {
                            let provider = Arc::new(PyCredentialsProvider::new(provider));
                            ClientConfig::from_options_with_provider(options, provider)?
                        }
                        (None, Some(token)) => ClientConfig::from_options_with_token(options, token)?,
                        (None, None) => ClientConfig::from_options(options)?,
                    };
                    chatlane_core::Client::new(ClientConfig { observer, ..config })
                });
            built
                .map(|inner| Self { inner, completions: LoopCompletions::default() })
                .map_err(|e| errors::to_pyerr(py, &e))
        })
    }

    /// Validates, signs and sends one message, blocking this thread (not the interpreter)
    /// until the platform answers. Returns the receipt or raises a `ChatlaneError` subclass.
    /// `timeout` (seconds) replaces the client's request timeout for this send's attempts;
    /// `resend=True` sends again, once, a message whose `task_id` `reconcile` proved absent.
    #[pyo3(signature = (message, *, timeout=None, resend=false))]
    fn send(
        &self,
        py: Python<'_>,
        message: &Bound<'_, PyAny>,
        timeout: Option<&Bound<'_, PyAny>>,
        resend: bool,
    ) -> PyResult<SendReceipt> {
        guarded(py, || blocking(py, self.sending(messages::message(message)?, send_options(py, timeout, resend)?)))
    }

    /// Like `send`, as a coroutine: the send starts when it is first awaited (inside the
    /// running event loop) and its I/O runs on chatlane's own threads. Cancelling the
    /// awaiting task cancels the send: one waiting for a pacing slot or a retry backoff
    /// never goes out; one whose request is on its way has an unknown outcome.
    #[pyo3(signature = (message, *, timeout=None, resend=false))]
    fn send_async<'py>(
        &self,
        py: Python<'py>,
        message: &Bound<'py, PyAny>,
        timeout: Option<&Bound<'py, PyAny>>,
        resend: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        guarded(py, || {
            let options = send_options(py, timeout, resend)?;
            self.completions.coroutine(py, self.sending(messages::message(message)?, options))
        })
    }

    /// `send` for one template to up to 1,000 recipients (`SendChatappMassMessage`); the
    /// receipt's `message_id` is the `GroupMessageId`.
    #[pyo3(signature = (mass, *, timeout=None))]
    fn send_mass(
        &self,
        py: Python<'_>,
        mass: &Bound<'_, PyAny>,
        timeout: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<SendReceipt> {
        guarded(py, || blocking(py, self.sending(messages::mass_message(mass)?, send_options(py, timeout, false)?)))
    }

    /// `send_mass` as a coroutine, like `send_async`.
    #[pyo3(signature = (mass, *, timeout=None))]
    fn send_mass_async<'py>(
        &self,
        py: Python<'py>,
        mass: &Bound<'py, PyAny>,
        timeout: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guarded(py, || {
            self.completions
                .coroutine(py, self.sending(messages::mass_message(mass)?, send_options(py, timeout, false)?))
        })
    }

    /// Resolves the sends of unknown outcome recorded in the client's `event_store` (a list
    /// of `SendRecord`, each with its state now), blocking this thread with the interpreter
    /// released: one no receipt resolved is looked up in CAMS's history once `settle` (seconds
    /// or a `timedelta`; default 10 minutes) has passed since it, and marked `absent` when
    /// nothing there can be it. Without an event store: `ConfigurationError`.
    #[pyo3(signature = (*, settle=None))]
    fn reconcile(&self, py: Python<'_>, settle: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<SendRecord>> {
        guarded(py, || blocking(py, self.reconciling(reconcile_policy(settle)?)))
    }

    /// `reconcile` as a coroutine, like `send_async`: it starts when first awaited, and
    /// cancelling the awaiting task aborts it.
    #[pyo3(signature = (*, settle=None))]
    fn reconcile_async<'py>(&self, py: Python<'py>, settle: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyAny>> {
        guarded(py, || self.completions.coroutine(py, self.reconciling(reconcile_policy(settle)?)))
    }

    /// Replaces the credentials (e.g. a refreshed STS token) for every later send of this
    /// client, keeping its connections and pacing. Raises `ConfigurationError` if empty, or
    /// on a Meta client (it sends with a token).
    #[pyo3(signature = (*, access_key_id, access_key_secret, security_token=None))]
    fn set_credentials(
        &self,
        py: Python<'_>,
        access_key_id: String,
        access_key_secret: String,
        security_token: Option<String>,
    ) -> PyResult<()> {
        guarded(py, || {
            let credentials = Credentials::new(access_key_id, access_key_secret, security_token)
                .map_err(|e| errors::to_pyerr(py, &e))?;
            self.inner.set_credentials(credentials).map_err(|e| errors::to_pyerr(py, &e))
        })
    }

    /// Replaces a Meta client's bearer token (an `AccessToken` from `MetaApp`, or the token
    /// itself as a string) for every later send, keeping its connections and pacing: the way
    /// back after a `TokenExpired` error. Raises `ConfigurationError` on a CAMS client, or
    /// for a token that cannot go in a header; `TypeError` for anything else.
    fn set_access_token(&self, py: Python<'_>, token: &Bound<'_, PyAny>) -> PyResult<()> {
        guarded(py, || blocking(py, self.inner.set_access_token(oauth::token_of(token)?)))
    }

    /// One page of a business number's message history (CAMS `ListChatappMessage`; a Meta
    /// client's from its `event_store`), a `HistoryPage`, blocking this thread with the
    /// interpreter released. Filters: the user, direction, status, template, mass send and time
    /// sent (`since`, `until`: an aware `datetime` or milliseconds since the Unix epoch);
    /// `next_page` is the `page` to ask next.
    #[pyo3(
        signature = (*args, **kwargs),
        text_signature = "($self, business_number, *, user_number=None, direction=None, status=None, \
            template_code=None, group_message_id=None, since=None, until=None, channel=None, cust_space_id=None, \
            page=None, page_size=None)"
    )]
    fn list_messages<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        ops::delegate(slf, "ask", "list_messages", args, kwargs)
    }

    /// `list_messages` as a coroutine; cancelling the awaiting task cancels the call.
    #[pyo3(
        signature = (*args, **kwargs),
        text_signature = "($self, business_number, *, user_number=None, direction=None, status=None, \
            template_code=None, group_message_id=None, since=None, until=None, channel=None, cust_space_id=None, \
            page=None, page_size=None)"
    )]
    fn list_messages_async<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        ops::delegate(slf, "ask_async", "list_messages", args, kwargs)
    }

    /// Every `HistoryRecord` of `list_messages`' pages from `page` (the first when unset) on,
    /// each page asked for once the previous one's records are used up.
    #[pyo3(
        signature = (*args, **kwargs),
        text_signature = "($self, business_number, *, user_number=None, direction=None, status=None, \
            template_code=None, group_message_id=None, since=None, until=None, channel=None, cust_space_id=None, \
            page=None, page_size=None)"
    )]
    fn iter_messages<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        ops::delegate(slf, "walk", "list_messages", args, kwargs)
    }

    /// `iter_messages` as an async generator.
    #[pyo3(
        signature = (*args, **kwargs),
        text_signature = "($self, business_number, *, user_number=None, direction=None, status=None, \
            template_code=None, group_message_id=None, since=None, until=None, channel=None, cust_space_id=None, \
            page=None, page_size=None)"
    )]
    fn iter_messages_async<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        ops::delegate(slf, "walk_async", "list_messages", args, kwargs)
    }

    /// One page of the account's templates (CAMS `ListChatappTemplate`), a `TemplatePage`,
    /// blocking like `list_messages`.
    #[pyo3(
        signature = (*args, **kwargs),
        text_signature = "($self, *, code=None, name=None, language=None, audit_status=None, category=None, \
            template_type=None, cust_space_id=None, page=None, page_size=None)"
    )]
    fn list_templates<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        ops::delegate(slf, "ask", "list_templates", args, kwargs)
    }

    /// `list_templates` as a coroutine; cancelling the awaiting task cancels the call.
    #[pyo3(
        signature = (*args, **kwargs),
        text_signature = "($self, *, code=None, name=None, language=None, audit_status=None, category=None, \
            template_type=None, cust_space_id=None, page=None, page_size=None)"
    )]
    fn list_templates_async<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        ops::delegate(slf, "ask_async", "list_templates", args, kwargs)
    }

    /// Every `TemplateSummary` of `list_templates`' pages, walked like `iter_messages`.
    #[pyo3(
        signature = (*args, **kwargs),
        text_signature = "($self, *, code=None, name=None, language=None, audit_status=None, category=None, \
            template_type=None, cust_space_id=None, page=None, page_size=None)"
    )]
    fn iter_templates<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        ops::delegate(slf, "walk", "list_templates", args, kwargs)
    }

    /// `iter_templates` as an async generator.
    #[pyo3(
        signature = (*args, **kwargs),
        text_signature = "($self, *, code=None, name=None, language=None, audit_status=None, category=None, \
            template_type=None, cust_space_id=None, page=None, page_size=None)"
    )]
    fn iter_templates_async<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        ops::delegate(slf, "walk_async", "list_templates", args, kwargs)
    }

    /// One template in full, by `code` or `name`, in `language` (CAMS
    /// `GetChatappTemplateDetail`), a `TemplateDetail`, blocking like `list_messages`.
    #[pyo3(
        signature = (*args, **kwargs),
        text_signature = "($self, code=None, *, language, name=None, template_type=None, cust_space_id=None)"
    )]
    fn template<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        ops::delegate(slf, "ask", "template", args, kwargs)
    }

    /// `template` as a coroutine; cancelling the awaiting task cancels the call.
    #[pyo3(
        signature = (*args, **kwargs),
        text_signature = "($self, code=None, *, language, name=None, template_type=None, cust_space_id=None)"
    )]
    fn template_async<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        ops::delegate(slf, "ask_async", "template", args, kwargs)
    }

    /// The channel's business numbers (CAMS `QueryChatappPhoneNumbers`), a list of
    /// `PhoneNumber`, blocking like `list_messages`.
    #[pyo3(
        signature = (*args, **kwargs),
        text_signature = "($self, *, status=None, cust_space_id=None)"
    )]
    fn phone_numbers<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        ops::delegate(slf, "ask", "phone_numbers", args, kwargs)
    }

    /// `phone_numbers` as a coroutine; cancelling the awaiting task cancels the call.
    #[pyo3(
        signature = (*args, **kwargs),
        text_signature = "($self, *, status=None, cust_space_id=None)"
    )]
    fn phone_numbers_async<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        ops::delegate(slf, "ask_async", "phone_numbers", args, kwargs)
    }

    /// Submits a template for review (CAMS `CreateChatappTemplate`), a `SavedTemplate` (its
    /// code and name), blocking like `list_messages`; never repeated once it may have arrived.
    #[pyo3(
        signature = (*args, **kwargs),
        text_signature = "($self, name, *, language, category, components, example=None, template_type=None, \
            message_send_ttl_seconds=None, cust_space_id=None)"
    )]
    fn create_template<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        ops::delegate(slf, "ask", "create_template", args, kwargs)
    }

    /// `create_template` as a coroutine; cancelling the awaiting task cancels the call.
    #[pyo3(
        signature = (*args, **kwargs),
        text_signature = "($self, name, *, language, category, components, example=None, template_type=None, \
            message_send_ttl_seconds=None, cust_space_id=None)"
    )]
    fn create_template_async<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        ops::delegate(slf, "ask_async", "create_template", args, kwargs)
    }

    /// Replaces a template's components in one language and submits it for review again
    /// (CAMS `ModifyChatappTemplate`), a `SavedTemplate`, blocking like `create_template`.
    #[pyo3(
        signature = (*args, **kwargs),
        text_signature = "($self, code=None, *, language, components, name=None, example=None, template_type=None, \
            message_send_ttl_seconds=None, cust_space_id=None)"
    )]
    fn modify_template<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        ops::delegate(slf, "ask", "modify_template", args, kwargs)
    }

    /// `modify_template` as a coroutine; cancelling the awaiting task cancels the call.
    #[pyo3(
        signature = (*args, **kwargs),
        text_signature = "($self, code=None, *, language, components, name=None, example=None, template_type=None, \
            message_send_ttl_seconds=None, cust_space_id=None)"
    )]
    fn modify_template_async<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        ops::delegate(slf, "ask_async", "modify_template", args, kwargs)
    }

    /// Deletes a template, by `code` or `name`, in `language` or in every language (CAMS
    /// `DeleteChatappTemplate`), blocking like `create_template`.
    #[pyo3(
        signature = (*args, **kwargs),
        text_signature = "($self, code=None, *, name=None, language=None, template_type=None, cust_space_id=None)"
    )]
    fn delete_template<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        ops::delegate(slf, "ask", "delete_template", args, kwargs)
    }

    /// `delete_template` as a coroutine; cancelling the awaiting task cancels the call.
    #[pyo3(
        signature = (*args, **kwargs),
        text_signature = "($self, code=None, *, name=None, language=None, template_type=None, cust_space_id=None)"
    )]
    fn delete_template_async<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        ops::delegate(slf, "ask_async", "delete_template", args, kwargs)
    }

    /// Uploads a file and returns an `UploadedMedia` to send it by (CAMS: its `url`, a media
    /// message's `link`; Meta: its `id`, for the business number `phone_number_id`), blocking
    /// this thread with the interpreter released.
    #[pyo3(
        signature = (*args, **kwargs),
        text_signature = "($self, data_or_path, *, file_name=None, content_type=None, cust_space_id=None, phone_number_id=None)"
    )]
    fn upload_media<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        ops::delegate(slf, "upload", "upload_media", args, kwargs)
    }

    /// `upload_media` as a coroutine; cancelling the awaiting task cancels the upload.
    #[pyo3(
        signature = (*args, **kwargs),
        text_signature = "($self, data_or_path, *, file_name=None, content_type=None, cust_space_id=None, phone_number_id=None)"
    )]
    fn upload_media_async<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        ops::delegate(slf, "upload_async", "upload_media", args, kwargs)
    }

    /// What Meta holds of the media file `media_id` (a `MediaInfo`: download URL, type, size,
    /// SHA-256), blocking like `list_messages`.
    #[pyo3(signature = (*args, **kwargs), text_signature = "($self, media_id, *, phone_number_id=None)")]
    fn media_info<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        ops::delegate(slf, "ask", "media_info", args, kwargs)
    }

    /// `media_info` as a coroutine; cancelling the awaiting task cancels the call.
    #[pyo3(signature = (*args, **kwargs), text_signature = "($self, media_id, *, phone_number_id=None)")]
    fn media_info_async<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        ops::delegate(slf, "ask_async", "media_info", args, kwargs)
    }

    /// Downloads the Meta media file `media_id`, its SHA-256 checked (a `DownloadedMedia`),
    /// blocking like `list_messages`.
    #[pyo3(signature = (*args, **kwargs), text_signature = "($self, media_id, *, phone_number_id=None)")]
    fn download_media<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        ops::delegate(slf, "download", "download_media", args, kwargs)
    }

    /// `download_media` as a coroutine; cancelling the awaiting task cancels the download.
    #[pyo3(signature = (*args, **kwargs), text_signature = "($self, media_id, *, phone_number_id=None)")]
    fn download_media_async<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        ops::delegate(slf, "download_async", "download_media", args, kwargs)
    }

    /// Deletes the Meta media file `media_id`, blocking like `list_messages`.
    #[pyo3(signature = (*args, **kwargs), text_signature = "($self, media_id, *, phone_number_id=None)")]
    fn delete_media<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        ops::delegate(slf, "ask", "delete_media", args, kwargs)
    }

    /// `delete_media` as a coroutine; cancelling the awaiting task cancels the call.
    #[pyo3(signature = (*args, **kwargs), text_signature = "($self, media_id, *, phone_number_id=None)")]
    fn delete_media_async<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        ops::delegate(slf, "ask_async", "delete_media", args, kwargs)
    }

    /// Downloads the media `media` names (a `MediaRef`'s JSON text, as `chatlane._ops` builds
    /// it), blocking this thread with the interpreter released: `(data, content_type, sha256)`.
    fn _download(&self, py: Python<'_>, media: &str) -> PyResult<(Vec<u8>, String, String)> {
        guarded(py, || {
            let media = MediaRef::from_json_text(media).map_err(|e| errors::to_pyerr(py, &e))?;
            blocking(py, self.downloading(media))
        })
    }

    /// `_download` as a coroutine, like `send_async`: it starts when first awaited, and
    /// cancelling the awaiting task aborts it.
    fn _download_async<'py>(&self, py: Python<'py>, media: &str) -> PyResult<Bound<'py, PyAny>> {
        guarded(py, || {
            let media = MediaRef::from_json_text(media).map_err(|e| errors::to_pyerr(py, &e))?;
            self.completions.coroutine(py, self.downloading(media))
        })
    }

    /// Uploads `data_or_path` (bytes, or the path of a file the core reads) as `chatlane._ops`
    /// hands it over, blocking this thread with the interpreter released: the JSON text of
    /// the `UploadedMedia`.
    fn _upload(
        &self,
        py: Python<'_>,
        data_or_path: &Bound<'_, PyAny>,
        file_name: Option<String>,
        content_type: Option<String>,
        cust_space_id: Option<String>,
        phone_number_id: Option<String>,
    ) -> PyResult<String> {
        guarded(py, || {
            let target = UploadTarget { cust_space_id, phone_number_id };
            blocking(py, self.uploading(ops::media_source(data_or_path)?, file_name, content_type, target))
        })
    }

    /// `_upload` as a coroutine, like `send_async`: the bytes are taken now, the file is read
    /// and the upload starts when first awaited, and cancelling the awaiting task aborts it.
    fn _upload_async<'py>(
        &self,
        py: Python<'py>,
        data_or_path: &Bound<'py, PyAny>,
        file_name: Option<String>,
        content_type: Option<String>,
        cust_space_id: Option<String>,
        phone_number_id: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guarded(py, || {
            let source = ops::media_source(data_or_path)?;
            let target = UploadTarget { cust_space_id, phone_number_id };
            self.completions.coroutine(py, self.uploading(source, file_name, content_type, target))
        })
    }

    /// Runs the CAMS query (or template write) `operation` with `query`, its query's JSON
    /// text (as `chatlane._ops` builds it), blocking this thread with the interpreter
    /// released: the JSON text of the answer.
    fn _ask(&self, py: Python<'_>, operation: &str, query: &str) -> PyResult<String> {
        guarded(py, || {
            let query = Query::from_json_text(operation, query).map_err(|e| errors::to_pyerr(py, &e))?;
            let client = self.inner.clone();
            blocking(py, async move { client.answer(&query).await })
        })
    }

    /// The walk over every page of the listing `operation` with `query` (its query's JSON
    /// text): a `_Pages`, whose `next` gives each page's JSON text.
    fn _walk(&self, py: Python<'_>, operation: &str, query: &str) -> PyResult<ops::Pages> {
        guarded(py, || {
            let query = Query::from_json_text(operation, query).map_err(|e| errors::to_pyerr(py, &e))?;
            let pages = self.inner.json_pages(query).map_err(|e| errors::to_pyerr(py, &e))?;
            Ok(ops::Pages::new(pages, self.completions.clone()))
        })
    }

    /// `_ask` as a coroutine, like `send_async`: it starts when first awaited, and cancelling
    /// the awaiting task aborts the call.
    fn _ask_async<'py>(&self, py: Python<'py>, operation: &str, query: &str) -> PyResult<Bound<'py, PyAny>> {
        guarded(py, || {
            let query = Query::from_json_text(operation, query).map_err(|e| errors::to_pyerr(py, &e))?;
            let client = self.inner.clone();
            self.completions.coroutine(py, async move { client.answer(&query).await })
        })
    }

    /// Shows the provider (when Meta), the endpoint, the current AccessKey ID and the default
    /// `CustSpaceId`; never a secret or a token.
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        guarded(py, || {
            let config = self.inner.config();
            let provider = (config.provider() != ProviderKind::Cams).then(|| config.provider().as_str());
            repr::call_like(
                "Client",
                &[
                    ("provider", repr::value(py, provider)?),
                    ("endpoint", repr::value(py, config.endpoint.base_url().as_str().trim_end_matches('/'))?),
                    ("access_key_id", repr::value(py, self.inner.credentials().map(|c| c.access_key_id().to_owned()))?),
                    ("cust_space_id", repr::value(py, config.cust_space_id())?),
                ],
            )
        })
    }
}

impl Client {
    /// The send of `message`, to run blocking or as a coroutine (it does nothing until then).
    fn sending(
        &self,
        message: impl Outgoing + 'static,
        options: SendOptions,
    ) -> impl Future<Output = Result<SendReceipt, Error>> + Send + 'static {
        let inner = self.inner.clone();
        async move { inner.send_with(&message, options).await.map(SendReceipt::from) }
    }

    /// The upload of `source`, to run blocking or as a coroutine: its record's JSON text.
    fn uploading(
        &self,
        source: MediaSource,
        file_name: Option<String>,
        content_type: Option<String>,
        target: UploadTarget,
    ) -> impl Future<Output = Result<String, Error>> + Send + 'static {
        let inner = self.inner.clone();
        async move {
            let upload = MediaUpload::from_source(source, file_name, content_type, target).await?;
            inner.upload_answer(upload).await
        }
    }

    /// The download of `media`, to run blocking or as a coroutine: its bytes, type and hash.
    fn downloading(
        &self,
        media: MediaRef,
    ) -> impl Future<Output = Result<(Vec<u8>, String, String), Error>> + Send + 'static {
        let inner = self.inner.clone();
        async move {
            let DownloadedMedia { data, content_type, sha256 } = inner.download_media(&media).await?;
            Ok((data, content_type, sha256))
        }
    }

    /// The reconciling of the client's sends of unknown outcome by `policy`, to run blocking
    /// or as a coroutine.
    fn reconciling(
        &self,
        policy: ReconcilePolicy,
    ) -> impl Future<Output = Result<Vec<SendRecord>, Error>> + Send + 'static {
        let inner = self.inner.clone();
        async move { Ok(inner.reconcile(&policy).await?.into_iter().map(SendRecord::from).collect()) }
    }
}

/// A send's own settings from its keyword arguments, read by the core like a client's.
fn send_options(py: Python<'_>, timeout: Option<&Bound<'_, PyAny>>, resend: bool) -> PyResult<SendOptions> {
    let fields = [("timeout", timeout.map_or(HostValue::Absent, host::value)), ("resend", HostValue::Bool(resend))];
    SendOptions::from_host(Dialect::Python, fields).map_err(|e| errors::to_pyerr(py, &e))
}

/// The core's default reconcile policy, with `settle` (seconds, or a `timedelta`) as its
/// settle time, rounded up to the millisecond. `TypeError` for anything else,
/// `InvalidParameterError` for a time below 0, NaN or beyond 2**64 seconds.
fn reconcile_policy(settle: Option<&Bound<'_, PyAny>>) -> PyResult<ReconcilePolicy> {
    let Some(settle) = settle else { return Ok(ReconcilePolicy::default()) };
    let py = settle.py();
    let seconds = match settle.call_method0(intern!(py, "total_seconds")) {
        Ok(seconds) => seconds.extract::<f64>(),
        Err(_) => settle.extract::<f64>(),
    }
    .map_err(|_| PyTypeError::new_err("settle must be seconds or a timedelta"))?;
    let settle = Duration::try_from_secs_f64(seconds).map_err(|_| {
        let why = format!("settle must be from 0 to 2**64 seconds, not {seconds}");
        errors::to_pyerr(py, &Error::new(ErrorCode::InvalidParameter, why))
    })?;
    let settle_ms = u64::try_from(settle.as_nanos().div_ceil(1_000_000)).unwrap_or(u64::MAX);
    Ok(ReconcilePolicy { settle_ms, ..ReconcilePolicy::default() })
}

/// `chatlane._chatlane._panic_probe()` (built with the `test-hooks` feature only): a test
/// hook that panics inside the core, through the boundary `send` uses, and raises the
/// resulting `InternalError`.
#[cfg(feature = "test-hooks")]
#[pyfunction(name = "_panic_probe")]
pub fn panic_probe(py: Python<'_>) -> PyResult<()> {
    blocking(py, chatlane_core::runtime::panicking())
}

/// `chatlane._chatlane._panic_probe_sync()` (`test-hooks` only): a panic inside the guard
/// every synchronous function runs in, which raises the resulting `InternalError`.
#[cfg(feature = "test-hooks")]
#[pyfunction(name = "_panic_probe_sync")]
pub fn panic_probe_sync(py: Python<'_>) -> PyResult<()> {
    guarded(py, || chatlane_core::runtime::panic_now().map_err(|e| errors::to_pyerr(py, &e)))
}

/// `chatlane._chatlane._panic_probe_async()` (`test-hooks` only): [`panic_probe`] through
/// the asyncio bridge `send_async` uses; call it inside a running event loop and await the
/// result.
#[cfg(feature = "test-hooks")]
#[pyfunction(name = "_panic_probe_async")]
pub fn panic_probe_async(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    use crate::aio::{self, Completions};
    let completions = Completions::for_loop(py, &aio::running_loop(py)?, None)?;
    aio::spawn(py, completions, chatlane_core::runtime::panicking()).map(|(future, _)| future)
}
