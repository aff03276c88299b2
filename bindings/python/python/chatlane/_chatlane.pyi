"""Type hints for the ``chatlane._chatlane`` extension module (written by hand)."""

import os
from datetime import datetime, timedelta
from typing import (
    Any,
    AsyncGenerator,
    Awaitable,
    Callable,
    Generator,
    Literal,
    Mapping,
    Sequence,
    final,
)

from chatlane._model import (
    Channel,
    Direction,
    Event,
    HistoryPage,
    HistoryRecord,
    MassMessage,
    MediaInfo,
    Message,
    PhoneNumber,
    ProviderKind,
    SavedTemplate,
    SignatureMatch,
    TemplateComponent,
    TemplateDetail,
    TemplatePage,
    TemplateSummary,
    UploadedMedia,
)
from chatlane._ops import DownloadedMedia

__version__: str

@final
class SendReceipt:
    """What a successful send returns."""

    def __init__(
        self, *, message_id: str, request_id: str, task_id: str, attempts: int = 1, fallback: bool = False
    ) -> None: ...
    @property
    def message_id(self) -> str:
        """The ID of the accepted message; status receipts carry the same ``MessageId``
        (for a mass send: the ``GroupMessageId``)."""
    @property
    def request_id(self) -> str:
        """The platform's ``RequestId`` (quote it to support)."""
    @property
    def task_id(self) -> str:
        """The ``TaskId`` sent with the message (the caller's, or one chatlane generated)."""
    @property
    def attempts(self) -> int:
        """How many requests it took (more than 1 after a throttle or a refused connection)."""
    @property
    def fallback(self) -> bool:
        """Whether the recipient's 24-hour window was closed and the client's fallback
        template went instead of the message (``session_window="fallback"``)."""
    def __eq__(self, other: object) -> bool: ...

@final
class RetryEvent:
    """A failed attempt about to be retried, as ``Client(on_retry=...)`` receives it."""

    @property
    def operation(self) -> str:
        """``SendChatappMessage`` or ``SendChatappMassMessage``."""
    @property
    def task_id(self) -> str:
        """The send's ``TaskId``."""
    @property
    def attempt(self) -> int:
        """The attempt that failed (1-based)."""
    @property
    def code(self) -> str:
        """Why it failed: an error code such as ``Throttled`` or ``Connect``."""
    @property
    def http_status(self) -> int | None:
        """The failed attempt's HTTP status, if an answer arrived."""
    @property
    def delay(self) -> float:
        """Seconds until the next attempt."""

@final
class OutcomeEvent:
    """A finished send, as ``Client(on_outcome=...)`` receives it: once per send that
    passed validation."""

    @property
    def operation(self) -> str:
        """``SendChatappMessage`` or ``SendChatappMassMessage``."""
    @property
    def task_id(self) -> str:
        """The send's ``TaskId``."""
    @property
    def attempts(self) -> int:
        """Requests made (0 when the send failed before the first)."""
    @property
    def latency(self) -> float:
        """Seconds from the first attempt to the outcome, retries and pacing included."""
    @property
    def ok(self) -> bool:
        """Whether the send was accepted."""
    @property
    def message_id(self) -> str | None:
        """The accepted message's ``MessageId``; ``None`` on error."""
    @property
    def request_id(self) -> str | None:
        """The platform's ``RequestId`` of the last answer, if any."""
    @property
    def error_code(self) -> str | None:
        """The ``code`` of the error raised; ``None`` on success."""
    @property
    def http_status(self) -> int | None:
        """The HTTP status of a failed send's last answer, if any."""

def enable_logging() -> None:
    """Forwards chatlane's events to ``logging.getLogger("chatlane")`` from the logger's
    current effective level up (call again after lowering it): retries at INFO, failed sends
    at WARNING, attempts and accepted sends at DEBUG. Each message names the operation and
    the ``TaskId``; the record's ``chatlane`` attribute holds the fields as a dict. Never a
    secret or message content. Before the first call, logging costs nothing."""

@final
class Client:
    """A client of Alibaba Cloud CAMS (signing with one AccessKey; the default) or, with
    ``provider="meta"``, of Meta's WhatsApp Cloud API (sending with a bearer token: a
    message's ``from_`` is the business phone number ID, its ``task_id`` goes out as
    ``biz_opaque_callback_data``), through pooled connections.

    Safe to share between threads and asyncio tasks. ``repr()`` never shows a secret or a
    token.
    """

    def __init__(
        self,
        *,
        # generated client options, from the core (scripts/codegen.sh)
        provider: str | None = None,
        access_token: AccessToken | str | None = None,
        graph_version: str | None = None,
        waba_id: str | None = None,
        access_key_id: str | None = None,
        access_key_secret: str | None = None,
        security_token: str | None = None,
        profile: str | None = None,
        profile_file: str | None = None,
        ecs_ram_role: str | None = None,
        ecs_metadata_endpoint: str | None = None,
        endpoint: str | None = None,
        cust_space_id: str | None = None,
        proxy: str | None = None,
        ca_certificates: str | None = None,
        connect_timeout: float | None = None,
        request_timeout: float | None = None,
        rate_limit_per_second: float | None = None,
        rate_limit_burst: int | None = None,
        rate_limit_max_wait: float | None = None,
        rate_limit_disabled: bool = False,
        rate_limit_redis_url: str | None = None,
        rate_limit_redis_outage: str | None = None,
        rate_limit_instances: int | None = None,
        account: str | None = None,
        max_attempts: int | None = None,
        retry_deadline: float | None = None,
        event_store: str | None = None,
        session_window: str | None = None,
        session_window_template: str | None = None,
        session_window_language: str | None = None,
        template_cache_ttl: float | None = None,
        # end of generated client options
        credentials_provider: Callable[[], Mapping[str, object]] | None = None,
        renew_with: MetaApp | None = None,
        on_token_renewed: Callable[[AccessToken], object] | None = None,
        token_renewal_margin: float | None = None,
        on_retry: Callable[[RetryEvent], object] | None = None,
        on_outcome: Callable[[OutcomeEvent], object] | None = None,
    ) -> None:
        """With ``provider="meta"`` the client sends with ``access_token`` (else
        ``WHATSAPP_ACCESS_TOKEN``; none: ``ConfigurationError`` with code
        ``MissingCredentials``) to Meta's Graph host (or ``endpoint``) at ``graph_version``;
        CAMS's credential options and ``cust_space_id`` are refused there, as are Meta's on a
        CAMS client. A token Meta refuses as expired or revoked raises
        ``AuthenticationError`` (code ``TokenExpired``), then again at once, without a
        request, on every later send until ``set_access_token`` replaces it.

        ``access_token`` may be an ``AccessToken``: its expiry and scopes then count (known
        scopes without ``whatsapp_business_messaging`` raise ``PermissionDeniedError``, code
        ``MissingScope``, here; past ``expires_at``, sends raise ``TokenExpired`` without a
        request). With ``renew_with`` (the ``MetaApp`` the token belongs to), a token with
        less than ``token_renewal_margin`` seconds left (default 300; never before half its
        lifetime) is exchanged for a new 60-day one (``fb_exchange_token``) before the next
        send, which waits for it; if that fails, the token serves while valid and the exchange
        is tried again 30 s later. ``on_token_renewed(AccessToken)`` gets each new token, to
        persist it, on the thread driving the send: keep it quick; what it raises goes to
        ``sys.unraisablehook`` and never fails the send. ``renew_with`` without
        ``access_token``, or ``on_token_renewed`` and ``token_renewal_margin`` without
        ``renew_with``, raise ``ConfigurationError``.

        Without keys, a CAMS client's credentials come from the Alibaba Cloud CLI profile
        named by ``profile`` (or ``ALIBABA_CLOUD_PROFILE``) in ``profile_file`` (default
        ``~/.aliyun/config.json``), else ``ALIBABA_CLOUD_ACCESS_KEY_ID``,
        ``ALIBABA_CLOUD_ACCESS_KEY_SECRET`` and ``ALIBABA_CLOUD_SECURITY_TOKEN``, else that
        file's current profile, else the ECS RAM role named by ``ALIBABA_CLOUD_ECS_METADATA``.
        ``ecs_ram_role`` (a role's name, or ``""`` for the instance's) takes temporary
        credentials from the instance's metadata service (``ecs_metadata_endpoint``) and renews
        them before they expire. ``credentials_provider`` is called, on one of chatlane's
        threads, before the first send and again whenever the credentials it returned have
        less than five minutes left: it returns a mapping with ``access_key_id``,
        ``access_key_secret``, optionally ``security_token`` and ``expires_at`` (an aware
        ``datetime`` or POSIX seconds); if it raises, the send raises
        ``ConfigurationError`` (``MissingCredentials``) and nothing is sent.

        ``proxy`` (``http(s)://[user:password@]host:port``) carries every request, instead
        of the ``HTTPS_PROXY``/``HTTP_PROXY``/``ALL_PROXY`` variables; ``ca_certificates``
        (PEM text) are trusted besides the system's roots. Durations are in seconds. Every
        value is checked when the client is built: a wrong type, a NaN, a number out of range
        or a bad endpoint raises ``ConfigurationError`` (code ``InvalidConfig``), as in every
        chatlane language.

        Sends are paced below the account's QPS: ``rate_limit_per_second`` (default 250) with
        ``rate_limit_burst`` back-to-back sends (default 1), shared by every client of the
        AccessKey ID in this process. A send waits at most ``rate_limit_max_wait`` for a
        slot (default: as long as needed; ``0.0``: raise ``ThrottledError`` with code
        ``RateLimited`` at once); ``rate_limit_disabled=True`` turns pacing off.

        Only requests that provably had no effect (throttled, connection refused, HTTP 503)
        are retried: at most ``max_attempts`` requests in all (default 4; 1: never retry),
        none starting later than ``retry_deadline`` after the first (default 30 s).

        ``on_retry(RetryEvent)`` is called before each retry, ``on_outcome(OutcomeEvent)``
        once per send that passed validation, before ``send`` returns or raises, on the
        thread driving the send (chatlane's own for ``send_async``): keep them quick. What
        they raise goes to ``sys.unraisablehook`` and never changes the send's result."""
    def set_credentials(
        self, *, access_key_id: str, access_key_secret: str, security_token: str | None = None
    ) -> None:
        """Replaces the credentials (e.g. a refreshed STS token) for every later send,
        keeping connections and pacing. Raises ``ConfigurationError`` if a value is empty, or
        on a Meta client (use ``set_access_token``)."""
    def set_access_token(self, token: AccessToken | str) -> None:
        """Replaces a Meta client's bearer token (an ``AccessToken`` from ``MetaApp``, or the
        token itself) for every later send, keeping connections and pacing: the way back after
        ``AuthenticationError`` (code ``TokenExpired``). Raises ``ConfigurationError`` on a
        CAMS client or for a token that cannot go in a header."""
    def send(self, message: Message, *, timeout: float | None = None, resend: bool = False) -> SendReceipt:
        """Validates, signs and sends one message, blocking this thread (the interpreter is
        released meanwhile). Raises a ``ChatlaneError`` subclass on failure, ``TypeError``
        for anything but a ``Message``. ``timeout`` (seconds, 0.001 to 86,400) replaces the
        client's ``request_timeout`` for this send's attempts; a request that times out after
        it was written raises ``OutcomeUnknownError``.

        ``resend=True`` sends again a message proven never to have arrived: its ``task_id`` is
        that of a send the client's ``event_store`` holds ``absent`` (see ``reconcile``), which
        is marked ``resent`` before the request, so it never goes twice. A send in any other
        state (a second re-send too) raises ``OutcomeUnknownError`` and nothing is sent; a
        message without a ``task_id`` raises ``InvalidParameterError``, a client without an
        event store ``ConfigurationError``."""
    async def send_async(
        self, message: Message, *, timeout: float | None = None, resend: bool = False
    ) -> SendReceipt:
        """Like ``send``, as a coroutine; the send starts when it is first awaited.

        Cancelling the awaiting task cancels the send: one still waiting for a pacing slot
        or a retry backoff never goes out; one whose request is on its way has an unknown
        outcome (reconcile it by its ``task_id``)."""
    def send_mass(self, mass: MassMessage, *, timeout: float | None = None) -> SendReceipt:
        """Like ``send``, for one template to up to 1,000 recipients
        (``SendChatappMassMessage``); the receipt's ``message_id`` is the ``GroupMessageId``."""
    async def send_mass_async(self, mass: MassMessage, *, timeout: float | None = None) -> SendReceipt:
        """Like ``send_mass``, as a coroutine (see ``send_async``)."""
    def reconcile(self, *, settle: float | timedelta | None = None) -> list[SendRecord]:
        """Resolves the sends of unknown outcome recorded in the client's ``event_store``,
        blocking this thread (the interpreter is released meanwhile), and returns each of them
        with its state now. One that no receipt has resolved (``"accepted"``) is looked up in
        CAMS's message history (``ListChatappMessage``, in the client's ``cust_space_id``) once
        ``settle`` has passed since it was sent (seconds or a ``timedelta``; default 10
        minutes, as history may lag): when nothing to its recipient from around that time is
        there, it is ``"absent"``, to send again once with ``send(message, resend=True)``;
        otherwise it stays ``"unknown"`` (never re-send it). Meta keeps no history: its sends
        wait for their receipts.

        Raises ``ConfigurationError`` without an event store, ``InvalidParameterError`` for a
        negative ``settle``, ``TypeError`` for one that is no number or ``timedelta``; failures
        of reading history raise as ``list_messages``' do."""
    async def reconcile_async(self, *, settle: float | timedelta | None = None) -> list[SendRecord]:
        """``reconcile`` as a coroutine: it starts when first awaited, and cancelling the
        awaiting task cancels it (see ``send_async``)."""
    def list_messages(
        self,
        business_number: str,
        *,
        user_number: str | None = None,
        direction: Direction | None = None,
        status: str | None = None,
        template_code: str | None = None,
        group_message_id: str | None = None,
        since: datetime | int | None = None,
        until: datetime | int | None = None,
        channel: Channel | None = None,
        cust_space_id: str | None = None,
        page: int | None = None,
        page_size: int | None = None,
    ) -> HistoryPage:
        """One page of ``business_number``'s message history (CAMS ``ListChatappMessage``),
        as the provider orders it, blocking this thread (the interpreter is released
        meanwhile). Filters: the user, the ``direction`` (``"outbound"``, ``"inbound"``), the
        ``status`` (e.g. ``"delivered"``), a template's code, a mass send's
        ``GroupMessageId``, and the time sent, from ``since`` to ``until`` (an aware
        ``datetime``, or milliseconds since the Unix epoch; a naive ``datetime`` raises
        ``ValueError``). ``channel`` is ``"whatsapp"`` (the default) or ``"viber"``;
        ``cust_space_id`` defaults to the client's. ``page`` counts from 1, ``page_size`` is 1 to
        1,000 (default 100); the page's ``next_page`` is the ``page`` to ask for next.

        A query that cannot be asked raises ``InvalidParameterError`` before anything is sent
        (its message starts with the field, e.g. ``"page: ..."``); failures of the call raise as
        sends' do. Reads are paced at the operation's documented rate and asked again when their
        answer is lost.

        Meta keeps no history: a Meta client lists what its ``event_store`` recorded of the
        webhooks a ``Receiver`` on the same store admitted (inbound messages ``"received"``, with
        their type and content; sent ones with the status their receipts reached, without
        content), newest first, and raises ``ConfigurationError`` without an ``event_store``.
        ``template_code``, ``group_message_id``, ``cust_space_id`` and a channel other than
        WhatsApp raise ``InvalidParameterError`` there."""
    async def list_messages_async(
        self,
        business_number: str,
        *,
        user_number: str | None = None,
        direction: Direction | None = None,
        status: str | None = None,
        template_code: str | None = None,
        group_message_id: str | None = None,
        since: datetime | int | None = None,
        until: datetime | int | None = None,
        channel: Channel | None = None,
        cust_space_id: str | None = None,
        page: int | None = None,
        page_size: int | None = None,
    ) -> HistoryPage:
        """``list_messages`` as a coroutine: it starts when first awaited, and cancelling the
        awaiting task cancels the call (see ``send_async``)."""
    def iter_messages(
        self,
        business_number: str,
        *,
        user_number: str | None = None,
        direction: Direction | None = None,
        status: str | None = None,
        template_code: str | None = None,
        group_message_id: str | None = None,
        since: datetime | int | None = None,
        until: datetime | int | None = None,
        channel: Channel | None = None,
        cust_space_id: str | None = None,
        page: int | None = None,
        page_size: int | None = None,
    ) -> Generator[HistoryRecord, None, None]:
        """Every record of ``list_messages``' pages, from ``page`` (the first when unset) to
        the last: each page is asked for once the previous one's records are used up. A wrong
        argument raises here; the call's errors, while iterating."""
    def iter_messages_async(
        self,
        business_number: str,
        *,
        user_number: str | None = None,
        direction: Direction | None = None,
        status: str | None = None,
        template_code: str | None = None,
        group_message_id: str | None = None,
        since: datetime | int | None = None,
        until: datetime | int | None = None,
        channel: Channel | None = None,
        cust_space_id: str | None = None,
        page: int | None = None,
        page_size: int | None = None,
    ) -> AsyncGenerator[HistoryRecord, None]:
        """``iter_messages`` as an async generator (``async for``)."""
    def list_templates(
        self,
        *,
        code: str | None = None,
        name: str | None = None,
        language: str | None = None,
        audit_status: str | None = None,
        category: str | None = None,
        template_type: str | None = None,
        cust_space_id: str | None = None,
        page: int | None = None,
        page_size: int | None = None,
    ) -> TemplatePage:
        """One page of the account's templates (CAMS ``ListChatappTemplate``), blocking like
        ``list_messages``. Filters: ``code``, ``name``, ``language``, ``audit_status``
        (``"pass"``, ``"fail"``, ``"auditing"``, ``"unaudit"``), ``category`` (``"UTILITY"``,
        ``"MARKETING"``, ``"AUTHENTICATION"``), ``template_type`` (``"WHATSAPP"``,
        ``"VIBER"``); paging and errors as ``list_messages``'."""
    async def list_templates_async(
        self,
        *,
        code: str | None = None,
        name: str | None = None,
        language: str | None = None,
        audit_status: str | None = None,
        category: str | None = None,
        template_type: str | None = None,
        cust_space_id: str | None = None,
        page: int | None = None,
        page_size: int | None = None,
    ) -> TemplatePage:
        """``list_templates`` as a coroutine (see ``list_messages_async``)."""
    def iter_templates(
        self,
        *,
        code: str | None = None,
        name: str | None = None,
        language: str | None = None,
        audit_status: str | None = None,
        category: str | None = None,
        template_type: str | None = None,
        cust_space_id: str | None = None,
        page: int | None = None,
        page_size: int | None = None,
    ) -> Generator[TemplateSummary, None, None]:
        """Every template of ``list_templates``' pages, walked as ``iter_messages`` walks
        history."""
    def iter_templates_async(
        self,
        *,
        code: str | None = None,
        name: str | None = None,
        language: str | None = None,
        audit_status: str | None = None,
        category: str | None = None,
        template_type: str | None = None,
        cust_space_id: str | None = None,
        page: int | None = None,
        page_size: int | None = None,
    ) -> AsyncGenerator[TemplateSummary, None]:
        """``iter_templates`` as an async generator (``async for``)."""
    def template(
        self,
        code: str | None = None,
        *,
        language: str,
        name: str | None = None,
        template_type: str | None = None,
        cust_space_id: str | None = None,
    ) -> TemplateDetail:
        """One template in full, by ``code`` or ``name``, in ``language`` (CAMS
        ``GetChatappTemplateDetail``): its components and buttons, quality, and whether it may
        be sent (``allow_send``). An unknown template raises ``TemplateError`` (code
        ``TemplateNotFound``); neither a code nor a name, ``InvalidParameterError``."""
    async def template_async(
        self,
        code: str | None = None,
        *,
        language: str,
        name: str | None = None,
        template_type: str | None = None,
        cust_space_id: str | None = None,
    ) -> TemplateDetail:
        """``template`` as a coroutine (see ``list_messages_async``)."""
    def phone_numbers(self, *, status: str | None = None, cust_space_id: str | None = None) -> list[PhoneNumber]:
        """The channel's business numbers with their status (only ``status``'s, e.g.
        ``"CONNECTED"``, when given), quality rating and messaging tier (CAMS
        ``QueryChatappPhoneNumbers``), blocking like ``list_messages``."""
    async def phone_numbers_async(
        self, *, status: str | None = None, cust_space_id: str | None = None
    ) -> list[PhoneNumber]:
        """``phone_numbers`` as a coroutine (see ``list_messages_async``)."""
    def create_template(
        self,
        name: str,
        *,
        language: str,
        category: str,
        components: Sequence[TemplateComponent | Mapping[str, Any]],
        example: Mapping[str, str] | None = None,
        template_type: str | None = None,
        message_send_ttl_seconds: int | None = None,
        cust_space_id: str | None = None,
    ) -> SavedTemplate:
        """Submits a template for review (CAMS ``CreateChatappTemplate``): its code and name. It
        is ``auditing`` until reviewed. ``category``: ``"UTILITY"``, ``"MARKETING"`` or
        ``"AUTHENTICATION"``; ``components``: ``TemplateComponent`` values (or their JSON shape),
        a ``BODY`` and optionally a ``HEADER``, ``FOOTER`` and ``BUTTONS``, variables written
        ``$(name)``; ``example``: a value per variable; ``template_type``: ``"WHATSAPP"``
        (default) or ``"VIBER"``. Checked before anything is sent (``InvalidParameterError``
        naming the field, e.g. ``components[0].text``); a name taken in that language raises
        ``InvalidParameterError`` too (``platform_code`` ``InvalidParameter.TemplateNameExist``).
        A write: an attempt that may have arrived is never repeated (a lost answer is an
        ``OutcomeUnknownError``: list the templates to see whether it took)."""
    async def create_template_async(
        self,
        name: str,
        *,
        language: str,
        category: str,
        components: Sequence[TemplateComponent | Mapping[str, Any]],
        example: Mapping[str, str] | None = None,
        template_type: str | None = None,
        message_send_ttl_seconds: int | None = None,
        cust_space_id: str | None = None,
    ) -> SavedTemplate:
        """``create_template`` as a coroutine (see ``list_messages_async``)."""
    def modify_template(
        self,
        code: str | None = None,
        *,
        language: str,
        components: Sequence[TemplateComponent | Mapping[str, Any]],
        name: str | None = None,
        example: Mapping[str, str] | None = None,
        template_type: str | None = None,
        message_send_ttl_seconds: int | None = None,
        cust_space_id: str | None = None,
    ) -> SavedTemplate:
        """Replaces the components of the template with ``code`` (or ``name``) in ``language``
        and submits it for review again (CAMS ``ModifyChatappTemplate``); checked and written
        like ``create_template``. An unknown template raises ``TemplateError`` (code
        ``TemplateNotFound``)."""
    async def modify_template_async(
        self,
        code: str | None = None,
        *,
        language: str,
        components: Sequence[TemplateComponent | Mapping[str, Any]],
        name: str | None = None,
        example: Mapping[str, str] | None = None,
        template_type: str | None = None,
        message_send_ttl_seconds: int | None = None,
        cust_space_id: str | None = None,
    ) -> SavedTemplate:
        """``modify_template`` as a coroutine (see ``list_messages_async``)."""
    def delete_template(
        self,
        code: str | None = None,
        *,
        name: str | None = None,
        language: str | None = None,
        template_type: str | None = None,
        cust_space_id: str | None = None,
    ) -> None:
        """Deletes the template with ``code`` (or ``name``) in ``language``, or in every language
        when none is given (CAMS ``DeleteChatappTemplate``; ``template_type`` ``"WHATSAPP"`` by
        default). An unknown template raises ``TemplateError`` (code ``TemplateNotFound``); a
        write like ``create_template``."""
    async def delete_template_async(
        self,
        code: str | None = None,
        *,
        name: str | None = None,
        language: str | None = None,
        template_type: str | None = None,
        cust_space_id: str | None = None,
    ) -> None:
        """``delete_template`` as a coroutine (see ``list_messages_async``)."""
    def upload_media(
        self,
        data_or_path: bytes | bytearray | str | os.PathLike[str],
        *,
        file_name: str | None = None,
        content_type: str | None = None,
        cust_space_id: str | None = None,
        phone_number_id: str | None = None,
    ) -> UploadedMedia:
        """Uploads a file, blocking like ``list_messages``, and returns what to send it by:
        CAMS stores it in the channel instance's media storage (``GetChatappUploadAuthorization``,
        then an OSS ``PUT``) and its ``url`` is the ``link`` of an image, video, audio, document
        or sticker message; Meta stores it for the business number ``phone_number_id``
        (required there) and its ``id`` is the message's ``id``, for 30 days. Giving a message
        both, ``Image(link=up.url, id=up.id)``, works with either provider.
        ``data_or_path``: the file's bytes (then ``file_name`` is required), or the path of a
        file the core reads with the interpreter released (named after it unless ``file_name``
        is given). ``content_type`` defaults to the name's extension's type, else
        ``application/octet-stream``; ``cust_space_id`` to the client's. An empty or nameless
        file, one over 100 MB or, on Meta, over WhatsApp's limit for its type (images 5 MB,
        video and audio 16 MB) raises ``InvalidParameterError`` and nothing is sent; a path that
        cannot be read, ``ConfigurationError``."""
    async def upload_media_async(
        self,
        data_or_path: bytes | bytearray | str | os.PathLike[str],
        *,
        file_name: str | None = None,
        content_type: str | None = None,
        cust_space_id: str | None = None,
        phone_number_id: str | None = None,
    ) -> UploadedMedia:
        """``upload_media`` as a coroutine (see ``list_messages_async``)."""
    def media_info(self, media_id: str, *, phone_number_id: str | None = None) -> MediaInfo:
        """What Meta holds of a media file, uploaded or received (``InboundMedia.id``): its
        download URL (valid 5 minutes, and only with the token: ``download_media`` fetches it),
        type, size and SHA-256, blocking like ``list_messages``. With ``phone_number_id``, Meta
        checks the file belongs to that number. An unknown ID raises ``InvalidParameterError``;
        on a CAMS client (which gives media as URLs), ``ConfigurationError``."""
    async def media_info_async(self, media_id: str, *, phone_number_id: str | None = None) -> MediaInfo:
        """``media_info`` as a coroutine (see ``list_messages_async``)."""
    def download_media(self, media_id: str, *, phone_number_id: str | None = None) -> DownloadedMedia:
        """Downloads a Meta media file, blocking like ``list_messages``: its URL
        (``media_info``), then the file, with the access token sent only to Meta's hosts (or the
        client's own endpoint), and its SHA-256 checked against Meta's. A URL elsewhere or a
        damaged file raises ``MalformedResponseError``; an expired URL is asked for again once.
        On a CAMS client, ``ConfigurationError``."""
    async def download_media_async(self, media_id: str, *, phone_number_id: str | None = None) -> DownloadedMedia:
        """``download_media`` as a coroutine (see ``list_messages_async``)."""
    def delete_media(self, media_id: str, *, phone_number_id: str | None = None) -> None:
        """Deletes a Meta media file, blocking like ``list_messages``; not repeated when its
        answer is lost (``OutcomeUnknownError``). An unknown ID raises
        ``InvalidParameterError``; on a CAMS client, ``ConfigurationError``."""
    async def delete_media_async(self, media_id: str, *, phone_number_id: str | None = None) -> None:
        """``delete_media`` as a coroutine (see ``list_messages_async``)."""
    def _upload(
        self,
        data_or_path: bytes | bytearray | str | os.PathLike[str],
        file_name: str | None,
        content_type: str | None,
        cust_space_id: str | None,
        phone_number_id: str | None,
    ) -> str:
        """The JSON text of the ``UploadedMedia`` of an upload (for ``chatlane._ops``)."""
    def _upload_async(
        self,
        data_or_path: bytes | bytearray | str | os.PathLike[str],
        file_name: str | None,
        content_type: str | None,
        cust_space_id: str | None,
        phone_number_id: str | None,
    ) -> Awaitable[str]:
        """``_upload`` as a coroutine."""
    def _download(self, media: str) -> tuple[bytes, str, str]:
        """The bytes, type and SHA-256 of the media a ``MediaRef``'s JSON text names (for
        ``chatlane._ops``)."""
    def _download_async(self, media: str) -> Awaitable[tuple[bytes, str, str]]:
        """``_download`` as a coroutine."""
    def _ask(self, operation: str, query: str) -> str:
        """The JSON text of the answer to the CAMS query (or template write) ``operation`` with
        the query's JSON text (for ``chatlane._ops``)."""
    def _ask_async(self, operation: str, query: str) -> Awaitable[str]:
        """``_ask`` as a coroutine."""
    def _walk(self, operation: str, query: str) -> _Pages:
        """The walk over every page of the listing ``operation`` with the query's JSON text (for
        ``chatlane._ops``)."""

@final
class _Pages:
    """A walk over every page of a listing; the core asks for pages ahead while earlier ones
    are read."""

    def next(self, shape: object) -> Any:
        """The next page, built by ``shape`` (a class of ``chatlane._model``) straight from the
        core's values, ``None`` after the last (blocking)."""
    def next_async(self, shape: object) -> Awaitable[Any]:
        """``next`` as a coroutine."""

@final
class Violation:
    """One reason a message cannot be sent."""

    def __init__(self, *, code: str, path: str, message: str) -> None: ...
    @property
    def code(self) -> str:
        """Stable machine code, e.g. ``"required"`` or ``"digits_only"``."""
    @property
    def path(self) -> str:
        """Field path in the message's JSON shape, e.g. ``"content.text"``, ``"from"`` or
        ``"recipients[2].to"``."""
    @property
    def message(self) -> str:
        """Readable explanation."""
    def __eq__(self, other: object) -> bool: ...

class ChatlaneError(Exception):
    """Base class of every chatlane error; ``str(error)`` is ``message``."""

    code: str
    """Stable fine-grained code, e.g. ``"SignatureMismatch"`` or ``"Throttled"``."""
    category: str
    """Stable category name, e.g. ``"authentication"``; it names the subclass."""
    message: str
    """Readable description (never contains credentials)."""
    platform_code: str | None
    """The platform's ``Code``, e.g. ``"SignatureDoesNotMatch"``, if it answered."""
    request_id: str | None
    """The platform's ``RequestId``, if it answered."""
    http_status: int | None
    """The HTTP status, if an answer arrived."""
    retry_after: float | None
    """Seconds the server asked to wait before a retry."""
    task_id: str | None
    """The message's ``TaskId`` (the caller's or a generated one) on every error from a send
    except ``ValidationError``; reconcile outcome-unknown errors by it."""
    attempts: int
    """How many requests were tried (0 when it failed before anything was sent)."""
    violations: list[Violation]
    """Every validation violation (empty unless this is a ``ValidationError``)."""

# generated error classes, from the core (scripts/codegen.sh)
class ValidationError(ChatlaneError):
    """The message or a parameter was rejected before anything was sent; see ``violations``."""

class ConfigurationError(ChatlaneError):
    """The client was configured wrongly (endpoint, credentials, timeouts)."""

class AuthenticationError(ChatlaneError):
    """The gateway did not accept the credentials or the signature."""

class PermissionDeniedError(ChatlaneError):
    """The credentials are valid but lack permission for the operation or resource."""

class SubscriptionError(ChatlaneError):
    """The product is not activated for the account."""

class ThrottledError(ChatlaneError):
    """The request was throttled (by the platform, or by chatlane's own pacing: ``RateLimited``);
    it may be retried after the retry-after delay."""

class TemplateError(ChatlaneError):
    """The template is unknown, not approved, or its parameters do not match."""

class SessionWindowError(ChatlaneError):
    """A free-form message was sent outside the recipient's 24-hour window."""

class InvalidParameterError(ChatlaneError):
    """The platform rejected a parameter."""

class RejectedError(ChatlaneError):
    """The platform rejected the request for a reason chatlane does not classify further."""

class NetworkError(ChatlaneError):
    """The request could not be delivered to the server (nothing was sent)."""

class RequestTimeoutError(ChatlaneError):
    """No answer arrived in time and the request was never written."""

class OutcomeUnknownError(ChatlaneError):
    """The request may or may not have taken effect (no complete answer, an HTTP 5xx other than
    503, a 2xx without ``Code=OK`` and a ``MessageId``); never retried: reconcile through
    receipts by its ``TaskId``."""

class ServerError(ChatlaneError):
    """The gateway refused before processing (HTTP 503); retried until the attempts run out."""

class MalformedResponseError(ChatlaneError):
    """A refusal (HTTP 4xx) whose answer could not be read (an unreadable success is
    outcome-unknown)."""

class StorageError(ChatlaneError):
    """The event store (an SQLite file, Redis) could not be read or written; what it was given
    was not acknowledged."""

class InternalError(ChatlaneError):
    """A bug in chatlane (a caught panic); please report it."""
# end of generated error classes

def violations(message: Message, provider: str = "cams") -> list[Violation]:
    """Every rule ``message`` breaks when sent through ``provider`` (``"cams"`` or
    ``"meta"``: the checks ``Client.send`` makes first); empty when it can be sent. Raises
    ``ValidationError`` if a field has the wrong type, ``ConfigurationError`` for another
    provider."""

def mass_violations(mass: MassMessage) -> list[Violation]:
    """``violations`` for a mass send."""

def wire_params(message: Message) -> dict[str, str]:
    """The ``SendChatappMessage`` parameters of ``message`` as ``Client.send`` puts them on
    the wire, without the client's defaults (a generated ``TaskId``, its ``CustSpaceId``).
    Pure: no validation, no network."""

def mass_wire_params(mass: MassMessage) -> dict[str, str]:
    """``wire_params`` for a mass send (``SendChatappMassMessage``)."""

def meta_body(message: Message, task_id: str | None = None) -> dict[str, object]:
    """The JSON body a Meta client posts for ``message`` (to
    ``/{version}/{from}/messages``), with ``task_id`` as its ``biz_opaque_callback_data``.
    Pure: no validation (see ``violations(message, "meta")``), no network."""

def verify_meta_signature(app_secret: str | bytes, body: bytes, header: str | None) -> SignatureMatch:
    """Checks ``header``, Meta's ``X-Hub-Signature-256`` value (``sha256=<hex>``; ``None`` when
    the request had none), against the HMAC-SHA256 of the exact ``body`` received under
    ``app_secret`` (a ``str`` as UTF-8, or ``bytes``), in constant time. Returns the form of the
    body it signs: ``"raw"``, or ``"escaped_unicode"`` (every character above ``~`` as
    ``\\uXXXX``). Raises ``AuthenticationError`` (code ``SignatureMismatch``) for a missing,
    malformed or wrong signature, ``ConfigurationError`` for an empty secret and
    ``InvalidParameterError`` for a body over 4 MiB. Never shows the secret."""

def verify_meta_challenge(query: str, verify_token: str) -> str:
    """The ``hub.challenge`` to answer Meta's subscription request (a GET) with, when
    ``query``, its raw query string (with or without ``?``), has ``hub.mode=subscribe`` and
    ``verify_token`` as ``hub.verify_token`` (compared in constant time). Raises
    ``AuthenticationError`` (code ``SignatureMismatch``) for a wrong or missing token,
    ``InvalidParameterError`` for another mode or a challenge missing or not 1 to 256 letters,
    digits, ``.``, ``_`` or ``-``, and ``ConfigurationError`` for an empty ``verify_token``."""

def _operation_params(operation: str, query: str, client_cust_space_id: str | None = None) -> dict[str, str]:
    """The wire parameters of a query given as its JSON text (for ``chatlane.operation_params``)."""
def _meta_request(operation: str, query: str, waba_id: str | None = None) -> tuple[str, str]:
    """The method and path of a Meta client's first Graph request for a query given as its JSON
    text (for ``chatlane.meta_request``)."""

def _answer(shape: object, text: str) -> Any:
    """An operation's answer (the core's JSON text) built by ``shape`` (a class of
    ``chatlane._model._SHAPES``, or ``("list", class)``)."""

def _parse_cams_push(body: bytes, kind: str) -> list[Event]:
    """The events of a CAMS push body (for ``chatlane.parse_cams_push``)."""

def _parse_meta_webhook(body: bytes) -> list[Event]:
    """The events of a Meta webhook body (for ``chatlane.parse_meta_webhook``)."""

def _redacted(text: str) -> str:
    """``text`` with any URL user information (``user:password@``) as ``***@``."""

def _dedup_key(event: Event) -> str:
    """The dedup key of an event (for ``chatlane.dedup_key``)."""

@final
class _Receiver:
    """The native half of ``chatlane.Receiver`` (use that instead)."""

    def __init__(
        self,
        *,
        meta_app_secret: str | None = None,
        meta_verify_token: str | None = None,
        cams_token: str | None = None,
        cams_allowed_ips: Sequence[str] = (),
        cams_unauthenticated: bool = False,
        event_store: str | None = None,
    ) -> None: ...
    def handle(
        self,
        endpoint: str,
        method: str,
        query: str,
        headers: list[tuple[str, str]],
        body: bytes,
        remote_addr: str | None,
    ) -> tuple[int, str, str, list[Event], int, ChatlaneError | None]:
        """Status, content type, body, the new events, how many were skipped, and the refusal
        (an exception, not raised)."""
    def commit(self, events: list[Event]) -> None:
        """Commits the events."""
    def reclaim(self, lease: float, limit: int) -> list[Event]:
        """The events reclaimed."""
    def send(self, task_id: str, provider: str) -> SendRecord | None: ...

@final
class SendRecord:
    """What the event store knows of a send whose outcome was unknown (``Receiver.send``,
    ``Client.reconcile``)."""

    @property
    def provider(self) -> ProviderKind:
        """The provider it was sent through."""
    @property
    def task_id(self) -> str:
        """The correlation ID it carried (CAMS ``TaskId``, Meta ``biz_opaque_callback_data``)."""
    @property
    def from_(self) -> str:
        """The business number (Meta: phone number ID) it was sent from."""
    @property
    def to(self) -> str:
        """The recipient."""
    @property
    def state(self) -> Literal["unknown", "accepted", "absent", "resent"]:
        """Where it stands: ``"unknown"`` (never re-send it), ``"accepted"`` (a receipt carrying
        its task ID arrived), ``"absent"`` (proven never to have arrived) or ``"resent"``."""
    @property
    def message_id(self) -> str | None:
        """The provider's message ID, once ``state`` is ``"accepted"``."""
    @property
    def recorded_ms(self) -> int:
        """When it was recorded, in milliseconds since the Unix epoch."""
    @property
    def updated_ms(self) -> int:
        """When its state last changed, in milliseconds since the Unix epoch."""
    def __eq__(self, other: object) -> bool: ...

@final
class AccessToken:
    """A bearer token as Meta gave it. ``repr()`` shows its expiry and scopes, never the
    token."""

    def __init__(
        self, token: str, *, expires_at: datetime | float | None = None, scopes: Sequence[str] = ()
    ) -> None:
        """A token from its parts, e.g. one ``on_token_renewed`` handed over and the app
        stored: ``expires_at`` is an aware ``datetime`` or POSIX seconds (``None``: never, or
        unknown), ``scopes`` those granted (empty: unknown). Raises ``TypeError`` for an
        expiry of another type or a lone string as ``scopes``, ``ValueError`` for an expiry
        before 1970 or after 9999."""
    @property
    def token(self) -> str:
        """The token itself, a secret: read it only to use or store it."""
    @property
    def expires_at(self) -> datetime | None:
        """When it expires (aware, UTC); ``None``: never, or not said."""
    @property
    def scopes(self) -> list[str]:
        """The scopes granted, when the answer named them."""

@final
class GranularScope:
    """A scope granted on some objects only."""

    @property
    def scope(self) -> str:
        """The scope, e.g. ``whatsapp_business_messaging``."""
    @property
    def target_ids(self) -> list[str]:
        """The IDs it is granted on (a WABA's, a phone number's); empty: not limited."""
    def __eq__(self, other: object) -> bool: ...

@final
class TokenInfo:
    """What Meta's ``debug_token`` says about a token."""

    @property
    def app_id(self) -> str | None:
        """The app the token belongs to."""
    @property
    def kind(self) -> str | None:
        """Meta's ``type``: ``USER``, ``PAGE``, ``APP``, ``SYSTEM_USER``..."""
    @property
    def is_valid(self) -> bool:
        """Whether the token works now."""
    @property
    def expires_at(self) -> datetime | None:
        """When it expires (aware, UTC); ``None``: never."""
    @property
    def issued_at(self) -> datetime | None:
        """When it was issued (aware, UTC)."""
    @property
    def scopes(self) -> list[str]:
        """The scopes granted."""
    @property
    def granular_scopes(self) -> list[GranularScope]:
        """The scopes granted on some objects only (WhatsApp Business Accounts, numbers)."""
    @property
    def user_id(self) -> str | None:
        """The user (or system user) the token acts for."""

@final
class MetaApp:
    """One Meta app's OAuth: the login dialog's URL (with ``state`` and PKCE), the code
    exchanges, the long-lived exchange and ``debug_token``, through its own connections.

    The app secret belongs on a backend: a mobile app obtains the code and hands it over.
    Each call that reaches Meta blocks this thread (the interpreter is released meanwhile) or,
    as its ``_async`` twin, is a coroutine that starts when first awaited. Failures raise the
    ``ChatlaneError`` subclasses: ``AuthenticationError`` with code ``StateMismatch`` (a
    callback that is not the one sent), ``InvalidGrant`` (a used, expired or forged code),
    ``InvalidClient`` (a wrong app secret) or ``TokenExpired``. ``repr()`` never shows the
    secret.
    """

    def __init__(
        self,
        app_id: str,
        app_secret: str,
        *,
        graph_url: str | None = None,
        dialog_url: str | None = None,
        graph_version: str | None = None,
    ) -> None:
        """Calls ``https://graph.facebook.com`` and ``https://www.facebook.com`` (or
        ``graph_url``, ``dialog_url``) at chatlane's pinned Graph version (or
        ``graph_version``, ``vNN.N``). Raises ``ConfigurationError`` for an empty ID or
        secret, a host that is not HTTPS (or HTTP on loopback), or a malformed version."""
    def authorization_url(self, redirect_uri: str, scopes: Sequence[str]) -> tuple[str, str]:
        """The login dialog's URL asking for ``scopes`` (a list or tuple of names; a lone
        string raises ``TypeError``) and coming back to ``redirect_uri``,
        and the pending authorization: JSON text to keep server-side until the callback (it
        holds the PKCE verifier; never show or log it)."""
    def exchange_callback(self, pending: str, callback_query: str) -> AccessToken:
        """The token for the callback whose query string (``code=...&state=...``, a leading
        ``?`` allowed) is ``callback_query``, checked against ``pending`` (from
        ``authorization_url``; other text raises ``ConfigurationError``)."""
    async def exchange_callback_async(self, pending: str, callback_query: str) -> AccessToken:
        """``exchange_callback`` as a coroutine."""
    def exchange_code(self, code: str) -> AccessToken:
        """The token for a code obtained without a redirect (Embedded Signup's popup);
        exchange it at once: it lives about 30 seconds."""
    async def exchange_code_async(self, code: str) -> AccessToken:
        """``exchange_code`` as a coroutine."""
    def long_lived(self, token: AccessToken | str) -> AccessToken:
        """A long-lived (about 60 days) token for ``token``."""
    async def long_lived_async(self, token: AccessToken | str) -> AccessToken:
        """``long_lived`` as a coroutine."""
    def inspect(self, token: AccessToken | str) -> TokenInfo:
        """What Meta says about ``token``: validity, expiry, scopes."""
    async def inspect_async(self, token: AccessToken | str) -> TokenInfo:
        """``inspect`` as a coroutine."""
