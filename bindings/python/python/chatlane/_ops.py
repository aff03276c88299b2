"""The operations beyond sending: message history, templates (read and managed), phone
numbers and media.

``Client.list_messages``, ``iter_messages``, ``list_templates``, ``iter_templates``,
``template``, ``phone_numbers``, ``create_template``, ``modify_template``,
``delete_template``, ``upload_media``, ``media_info``, ``download_media`` and
``delete_media`` (and their ``_async`` twins) are native methods that
hand their arguments here: the functions named after them read the arguments into the query's JSON
shape (through the generated query classes), the core runs the query (``Client._ask``, with
the interpreter released, or the cancellable ``Client._ask_async``), and its answer is built
natively into the generated record classes (``_chatlane._answer``). The ``iter_`` methods walk
the pages through the core (``Client._walk``), which asks for pages ahead while the items of
earlier ones are used, and builds each page's records straight from the core's values (no
JSON in between). ``upload_media`` hands its bytes or path to the core as they
are (``Client._upload``), not as JSON, and ``download_media`` gets the file's bytes back as
``bytes`` (``Client._download``).

``operation_params`` shows a query's wire parameters, and ``meta_request`` a Meta client's Graph
request, as the shared operation cases check them.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Coroutine, Generator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from . import _chatlane
from ._model import (
    Channel,
    Direction,
    HistoryPage,
    HistoryQuery,
    MediaInfo,
    MediaRef,
    NewTemplate,
    PhoneNumber,
    PhoneNumberQuery,
    SavedTemplate,
    TemplateComponent,
    TemplateDeletion,
    TemplateDetail,
    TemplateEdit,
    TemplatePage,
    TemplateQuery,
    TemplateRef,
    UploadedMedia,
)

if TYPE_CHECKING:
    import os
    from datetime import datetime

    from ._chatlane import Client

__all__ = ["DownloadedMedia", "meta_request", "operation_params"]


class DownloadedMedia(NamedTuple):
    """A downloaded Meta media file (``Client.download_media``), its SHA-256 checked against
    Meta's. Its ``repr`` shows the size, not the bytes."""

    data: bytes
    """The file's content."""
    content_type: str
    """Its media type, e.g. ``image/jpeg``."""
    sha256: str
    """Its SHA-256, as Meta gave it."""

    def __repr__(self) -> str:
        return f"DownloadedMedia(data=<{len(self.data)} bytes>, content_type={self.content_type!r}, sha256={self.sha256!r})"


def operation_params(
    operation: str, query: Mapping[str, Any], client_cust_space_id: str | None = None
) -> dict[str, str]:
    """The wire parameters of a call of ``operation`` (``ListChatappMessage``,
    ``ListChatappTemplate``, ``GetChatappTemplateDetail``, ``QueryChatappPhoneNumbers``,
    ``CreateChatappTemplate``, ``ModifyChatappTemplate`` or ``DeleteChatappTemplate``) with
    ``query`` in its JSON shape (``HistoryQuery(...).to_dict()``, ...), where a client's default
    ``CustSpaceId`` is ``client_cust_space_id``: what the client would send, as every chatlane
    language maps it. Pure: no network. Raises ``InvalidParameterError`` for a query that cannot
    be asked (its message starts with the field: ``"page: ..."``) and ``ConfigurationError``
    for another operation."""
    return _chatlane._operation_params(operation, _json(query), client_cust_space_id)


def meta_request(operation: str, query: Mapping[str, Any], waba_id: str | None = None) -> dict[str, str]:
    """The first Graph request a Meta client of WhatsApp Business Account ``waba_id`` makes for
    ``query`` of ``operation`` (``ListChatappTemplate``, ``GetChatappTemplateDetail``,
    ``WhatsappMediaRetrieve`` or ``WhatsappMediaDelete``): its ``method`` and its ``path`` after
    ``/{version}/``, as every chatlane language maps it. Pure: no network. Raises
    ``InvalidParameterError`` for a query that cannot be asked (its message starts with the
    field) and ``ConfigurationError`` for a template operation without ``waba_id`` or another
    operation."""
    method, path = _chatlane._meta_request(operation, _json(query), waba_id)
    return {"method": method, "path": path}


# The arguments of each operation (the stubs of `Client` show them), as its query's JSON shape.


def list_messages(
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
) -> dict[str, Any]:
    """A ``HistoryQuery``'s JSON shape; ``since`` and ``until`` become ``sinceMs`` and
    ``untilMs``."""
    return HistoryQuery(
        business_number=business_number,
        channel=channel,
        user_number=user_number,
        direction=direction,
        status=status,
        template_code=template_code,
        group_message_id=group_message_id,
        since_ms=_millis("since", since),
        until_ms=_millis("until", until),
        cust_space_id=cust_space_id,
        page=page,
        page_size=page_size,
    ).to_dict()


def list_templates(
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
) -> dict[str, Any]:
    """A ``TemplateQuery``'s JSON shape."""
    return TemplateQuery(
        code=code,
        name=name,
        language=language,
        audit_status=audit_status,
        category=category,
        template_type=template_type,
        cust_space_id=cust_space_id,
        page=page,
        page_size=page_size,
    ).to_dict()


def template(
    code: str | None = None,
    *,
    language: str,
    name: str | None = None,
    template_type: str | None = None,
    cust_space_id: str | None = None,
) -> dict[str, Any]:
    """A ``TemplateRef``'s JSON shape."""
    return TemplateRef(
        code=code, name=name, language=language, template_type=template_type, cust_space_id=cust_space_id
    ).to_dict()


def phone_numbers(*, status: str | None = None, cust_space_id: str | None = None) -> dict[str, Any]:
    """A ``PhoneNumberQuery``'s JSON shape."""
    return PhoneNumberQuery(status=status, cust_space_id=cust_space_id).to_dict()


def create_template(
    name: str,
    *,
    language: str,
    category: str,
    components: Sequence[TemplateComponent | Mapping[str, Any]],
    example: Mapping[str, str] | None = None,
    template_type: str | None = None,
    message_send_ttl_seconds: int | None = None,
    cust_space_id: str | None = None,
) -> dict[str, Any]:
    """A ``NewTemplate``'s JSON shape."""
    return NewTemplate(
        name=name,
        language=language,
        category=category,
        components=_components(components),
        example=dict(example or {}),
        template_type=template_type,
        message_send_ttl_seconds=message_send_ttl_seconds,
        cust_space_id=cust_space_id,
    ).to_dict()


def modify_template(
    code: str | None = None,
    *,
    language: str,
    components: Sequence[TemplateComponent | Mapping[str, Any]],
    name: str | None = None,
    example: Mapping[str, str] | None = None,
    template_type: str | None = None,
    message_send_ttl_seconds: int | None = None,
    cust_space_id: str | None = None,
) -> dict[str, Any]:
    """A ``TemplateEdit``'s JSON shape."""
    return TemplateEdit(
        code=code,
        name=name,
        language=language,
        components=_components(components),
        example=dict(example or {}),
        template_type=template_type,
        message_send_ttl_seconds=message_send_ttl_seconds,
        cust_space_id=cust_space_id,
    ).to_dict()


def delete_template(
    code: str | None = None,
    *,
    name: str | None = None,
    language: str | None = None,
    template_type: str | None = None,
    cust_space_id: str | None = None,
) -> dict[str, Any]:
    """A ``TemplateDeletion``'s JSON shape."""
    return TemplateDeletion(
        code=code, name=name, language=language, template_type=template_type, cust_space_id=cust_space_id
    ).to_dict()


def upload_media(
    data_or_path: bytes | bytearray | str | os.PathLike[str],
    *,
    file_name: str | None = None,
    content_type: str | None = None,
    cust_space_id: str | None = None,
    phone_number_id: str | None = None,
) -> tuple[Any, str | None, str | None, str | None, str | None]:
    """The arguments of ``Client._upload``, in its order."""
    return (data_or_path, file_name, content_type, cust_space_id, phone_number_id)


def media(media_id: str, *, phone_number_id: str | None = None) -> dict[str, Any]:
    """A ``MediaRef``'s JSON shape: the arguments of ``media_info``, ``download_media`` and
    ``delete_media``."""
    return MediaRef(media_id=media_id, phone_number_id=phone_number_id).to_dict()


def _components(components: Sequence[TemplateComponent | Mapping[str, Any]]) -> list[TemplateComponent]:
    """The components as given: ``TemplateComponent`` values or their JSON shape, which the core
    reads (a wrong one raises ``InvalidParameterError`` naming its field, e.g.
    ``components[0].kind``)."""
    return cast("list[TemplateComponent]", list(components))


def _millis(name: str, when: datetime | int | None) -> int | None:
    """``when`` in milliseconds since the Unix epoch: an aware ``datetime``, or milliseconds
    already. ``TypeError`` for anything else, ``ValueError`` for a naive ``datetime``."""
    if when is None or (isinstance(when, int) and not isinstance(when, bool)):
        return when
    from datetime import datetime, timedelta, timezone  # here: `import chatlane` stays quick

    if not isinstance(when, datetime):
        found = type(when).__name__
        raise TypeError(f"{name} must be an aware datetime or milliseconds since the Unix epoch, not {found}")
    if when.utcoffset() is None:
        raise ValueError(
            f"{name} must be an aware datetime: a naive one names no time zone"
            f" (e.g. give {name}.replace(tzinfo=timezone.utc) for UTC)"
        )
    return (when - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(milliseconds=1)


class _Operation(NamedTuple):
    """One operation: its CAMS action, the reader of its arguments, the shape of its answer (a
    class of the model, or a list of one, as ``_chatlane._answer`` builds it; ``None`` when it
    answers nothing), and the attribute holding a page's items (``""`` when it has no pages)."""

    action: str
    query: Callable[..., dict[str, Any]]
    answer: object
    items: str = ""


_OPERATIONS = {
    "list_messages": _Operation("ListChatappMessage", list_messages, HistoryPage, "records"),
    "list_templates": _Operation("ListChatappTemplate", list_templates, TemplatePage, "templates"),
    "template": _Operation("GetChatappTemplateDetail", template, TemplateDetail),
    "phone_numbers": _Operation("QueryChatappPhoneNumbers", phone_numbers, ("list", PhoneNumber)),
    "create_template": _Operation("CreateChatappTemplate", create_template, SavedTemplate),
    "modify_template": _Operation("ModifyChatappTemplate", modify_template, SavedTemplate),
    "delete_template": _Operation("DeleteChatappTemplate", delete_template, None),
    "media_info": _Operation("WhatsappMediaRetrieve", media, MediaInfo),
    "delete_media": _Operation("WhatsappMediaDelete", media, None),
}


def ask(client: Client, method: str, args: tuple[Any, ...], kwargs: dict[str, Any] | None) -> Any:
    """``Client.<method>(*args, **kwargs)``: the call, blocking."""
    operation = _OPERATIONS[method]
    return _read(operation, client._ask(operation.action, _json(operation.query(*args, **(kwargs or {})))))


def ask_async(
    client: Client, method: str, args: tuple[Any, ...], kwargs: dict[str, Any] | None
) -> Coroutine[Any, Any, Any]:
    """``Client.<method>_async(*args, **kwargs)``: the arguments are read now (a wrong one raises
    here), the call runs once the coroutine is awaited."""
    operation = _OPERATIONS[method]
    return _ask_async(client, operation, operation.query(*args, **(kwargs or {})))


async def _ask_async(client: Client, operation: _Operation, query: dict[str, Any]) -> Any:
    return _read(operation, await client._ask_async(operation.action, _json(query)))


def walk(
    client: Client, method: str, args: tuple[Any, ...], kwargs: dict[str, Any] | None
) -> Generator[Any, None, None]:
    """``Client.iter_<...>(*args, **kwargs)``: the arguments are read now; the core asks for
    each page while the items of the one before are used."""
    operation = _OPERATIONS[method]
    return _pages(client, operation, operation.query(*args, **(kwargs or {})))


def _pages(client: Client, operation: _Operation, query: dict[str, Any]) -> Generator[Any, None, None]:
    pages = client._walk(operation.action, _json(query))
    while (page := pages.next(operation.answer)) is not None:
        yield from getattr(page, operation.items)


def walk_async(
    client: Client, method: str, args: tuple[Any, ...], kwargs: dict[str, Any] | None
) -> AsyncGenerator[Any, None]:
    """``Client.iter_<...>_async(*args, **kwargs)``: ``walk`` as an async generator."""
    operation = _OPERATIONS[method]
    return _pages_async(client, operation, operation.query(*args, **(kwargs or {})))


async def _pages_async(client: Client, operation: _Operation, query: dict[str, Any]) -> AsyncGenerator[Any, None]:
    pages = client._walk(operation.action, _json(query))
    while (page := await pages.next_async(operation.answer)) is not None:
        for item in getattr(page, operation.items):
            yield item


def upload(client: Client, _method: str, args: tuple[Any, ...], kwargs: dict[str, Any] | None) -> UploadedMedia:
    """``Client.upload_media(*args, **kwargs)``: the upload, blocking."""
    text = client._upload(*upload_media(*args, **(kwargs or {})))
    return cast("UploadedMedia", _chatlane._answer(UploadedMedia, text))


def upload_async(
    client: Client, _method: str, args: tuple[Any, ...], kwargs: dict[str, Any] | None
) -> Coroutine[Any, Any, UploadedMedia]:
    """``Client.upload_media_async(*args, **kwargs)``: the arguments are read now (wrong ones
    raise here), the file is read and uploaded once the coroutine is awaited."""
    return _uploaded(client._upload_async(*upload_media(*args, **(kwargs or {}))))


async def _uploaded(pending: Awaitable[str]) -> UploadedMedia:
    return cast("UploadedMedia", _chatlane._answer(UploadedMedia, await pending))


def download(client: Client, _method: str, args: tuple[Any, ...], kwargs: dict[str, Any] | None) -> DownloadedMedia:
    """``Client.download_media(*args, **kwargs)``: the download, blocking."""
    return DownloadedMedia(*client._download(_json(media(*args, **(kwargs or {})))))


def download_async(
    client: Client, _method: str, args: tuple[Any, ...], kwargs: dict[str, Any] | None
) -> Coroutine[Any, Any, DownloadedMedia]:
    """``Client.download_media_async(*args, **kwargs)``: the arguments are read now (wrong ones
    raise here), the file is downloaded once the coroutine is awaited."""
    return _downloaded(client._download_async(_json(media(*args, **(kwargs or {})))))


async def _downloaded(pending: Awaitable[tuple[bytes, str, str]]) -> DownloadedMedia:
    return DownloadedMedia(*await pending)


def _json(query: Mapping[str, Any]) -> str:
    """The JSON text of a query, as the core reads it."""
    import json  # here, not at the top: `json` would add a third to `import chatlane`'s time

    return json.dumps(query)


def _read(operation: _Operation, text: str) -> Any:
    """The generated record classes of an answer's JSON text (``None`` for a deletion's)."""
    return None if operation.answer is None else _chatlane._answer(operation.answer, text)
