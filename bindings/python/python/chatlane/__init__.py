"""chatlane: send chat-app messages through Alibaba Cloud CAMS or Meta's WhatsApp Cloud API.

>>> from chatlane import Client, Message, Template
>>> client = Client(cust_space_id="cams-...")  # credentials from ALIBABA_CLOUD_* variables
>>> receipt = client.send(Message(from_="8613900000000", to="8613800000000",
...                               template=Template(code="744c4b5c79c94324", language="en",
...                                                 params={"name": "Ada"})))

Messages are frozen values built with keyword arguments (``Message``, ``MassMessage``, one
class per content type: ``Text``, ``Image``, ``InteractiveButton``, ...), the same model as
every other chatlane language, checked by the same rules: ``violations(message)`` lists what would stop a send,
``wire_params(message)`` shows what would go on the wire.

Every error is a ``ChatlaneError``; its subclass names the category (``ValidationError``,
``AuthenticationError``, ``ThrottledError``, ...) and ``code`` the exact cause.

``Client(on_retry=..., on_outcome=...)`` hooks see every retry and outcome;
``enable_logging()`` sends chatlane's events to ``logging.getLogger("chatlane")``.

``Client(provider="meta", access_token=...)`` sends through Meta's WhatsApp Cloud API
(``from_`` is the business phone number ID); ``violations(message, "meta")`` and
``meta_body(message)`` show what it checks and posts. ``MetaApp`` runs a Meta app's OAuth
(login dialog, code exchange, long-lived tokens, ``debug_token``) and hands back
``AccessToken`` and ``TokenInfo`` values; ``Client.set_access_token`` swaps a client's token,
and ``Client(access_token=AccessToken(...), renew_with=app, on_token_renewed=...)`` renews it
before it expires, handing each new one over to persist.

Receiving: ``parse_cams_push(body, kind)`` and ``parse_meta_webhook(body)`` read the bytes of a
CAMS push or a Meta webhook into frozen event values (``StatusEvent``, ``InboundEvent``,
``UnsupportedEvent``); ``verify_meta_signature`` and ``verify_meta_challenge`` check Meta's
requests first, and ``dedup_key(event)`` gives the key a redelivery of an event has too.
``Receiver`` does all of that for a web framework: ``handle`` a request, send back the
``WebhookReply``, process its events and ``commit`` them; with an ``event_store`` each event is
handed out once, also across restarts (``reclaim`` returns what a crash left uncommitted), a
``Client`` with the same store enforces the 24-hour window, and ``send(task_id)`` says what
became of a send whose outcome was unknown (a ``SendRecord``). ``Client.reconcile`` resolves
such sends through CAMS's history: one proven ``absent`` goes again, once, with
``send(message, resend=True)``.

Beyond sending (CAMS): ``Client.list_messages`` and ``iter_messages`` read a business number's
message history (``HistoryRecord``), ``list_templates``, ``iter_templates`` and ``template`` the
account's templates (``TemplateSummary``, ``TemplateDetail``), ``create_template``,
``modify_template`` and ``delete_template`` manage them (``SavedTemplate``), ``phone_numbers``
lists its numbers (``PhoneNumber``) and ``upload_media`` uploads a file whose ``UploadedMedia.url``
is a media message's ``link`` (on Meta, its ``UploadedMedia.id`` is the message's ``id``), each
also as an ``_async`` coroutine or async generator; ``operation_params`` shows a query's wire
parameters (``meta_request``, a Meta client's Graph request). Meta's media: ``media_info`` (``MediaInfo``), ``download_media`` (a
``DownloadedMedia``, its SHA-256 checked) and ``delete_media``, by an uploaded or received
media ID.
"""

from . import _events, _model
from ._chatlane import (
    AccessToken,
    AuthenticationError,
    ChatlaneError,
    Client,
    ConfigurationError,
    GranularScope,
    InternalError,
    InvalidParameterError,
    MalformedResponseError,
    MetaApp,
    NetworkError,
    OutcomeEvent,
    OutcomeUnknownError,
    PermissionDeniedError,
    RejectedError,
    RequestTimeoutError,
    RetryEvent,
    SendReceipt,
    SendRecord,
    ServerError,
    SessionWindowError,
    StorageError,
    SubscriptionError,
    TemplateError,
    ThrottledError,
    TokenInfo,
    ValidationError,
    Violation,
    __version__,
    enable_logging,
    mass_violations,
    mass_wire_params,
    meta_body,
    verify_meta_challenge,
    verify_meta_signature,
    violations,
    wire_params,
)
from ._events import *  # noqa: F403 (receiving; its names are in _events.__all__)
from ._model import *  # noqa: F403 (the generated model; its names are in _model.__all__)
from ._ops import DownloadedMedia, meta_request, operation_params
from ._receiver import Receiver, WebhookEndpoint, WebhookReply

__all__ = [
    "AccessToken",
    "AuthenticationError",
    "ChatlaneError",
    "Client",
    "ConfigurationError",
    "DownloadedMedia",
    "GranularScope",
    "InternalError",
    "InvalidParameterError",
    "MalformedResponseError",
    "MetaApp",
    "NetworkError",
    "OutcomeEvent",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "Receiver",
    "RejectedError",
    "RequestTimeoutError",
    "RetryEvent",
    "SendReceipt",
    "SendRecord",
    "ServerError",
    "SessionWindowError",
    "StorageError",
    "SubscriptionError",
    "TemplateError",
    "ThrottledError",
    "TokenInfo",
    "ValidationError",
    "Violation",
    "WebhookEndpoint",
    "WebhookReply",
    "__version__",
    "enable_logging",
    "mass_violations",
    "mass_wire_params",
    "meta_body",
    "meta_request",
    "operation_params",
    "verify_meta_challenge",
    "verify_meta_signature",
    "violations",
    "wire_params",
]
__all__ += _events.__all__
__all__ += _model.__all__
