"""Receiving over HTTP: ``Receiver`` answers the webhook requests any web framework hands it.

The checks, the parsing and the event store are chatlane's core (the same in every language);
this module only carries a request in and a ``WebhookReply`` out, with the events as the
generated classes of ``chatlane._model``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Literal, NamedTuple, Protocol, runtime_checkable

from . import _chatlane
from ._chatlane import ChatlaneError, SendRecord
from ._model import Event, ProviderKind

__all__ = ["Receiver", "WebhookEndpoint", "WebhookReply"]

WebhookEndpoint = Literal["cams_status", "cams_inbound", "meta"]
"""Which push a request is, as the URL it came to says: ``"cams_status"`` (CAMS's
``StatusCallbackUrl``), ``"cams_inbound"`` (its ``UpCallbackUrl``) or ``"meta"`` (Meta's
callback URL: the subscription GET and the notification POSTs)."""


@runtime_checkable
class _HeaderItems(Protocol):
    """Headers as frameworks hold them: anything with ``items()`` giving name and value pairs
    (a ``dict``, Starlette's ``Headers``, Werkzeug's ``Headers``)."""

    def items(self) -> Iterable[tuple[str, str]]: ...


class WebhookReply(NamedTuple):
    """What ``Receiver.handle`` answers: send back ``status``, ``content_type`` and ``body``,
    and process ``events`` (then ``Receiver.commit`` them). An immutable named tuple (not a
    dataclass, whose import would double ``import chatlane``'s time)."""

    status: int
    """The HTTP status: 200 accepted (with a store: its events recorded first); 400 unreadable
    body, 401 Meta signature or CAMS push token wrong or missing, 403 address not allowed or
    verify token wrong, 405 wrong method, 413 body over 4 MiB, 500 receiver not configured for
    the provider, 503 store failed (the provider delivers again after a 5xx)."""
    content_type: str
    """The ``Content-Type`` of ``body``."""
    body: str
    """The response body: what the provider expects, Meta's challenge, or ``{"code",
    "message"}`` for a refusal."""
    events: list[Event]
    """The events to process, in the order received: all of them without a store; with one,
    only those not seen before."""
    skipped: int
    """Events the store already had (redeliveries) or that would move a message's status
    backwards."""
    error: ChatlaneError | None
    """Why the request was refused (the exception, not raised); ``None`` when ``status`` is
    200."""


class Receiver:
    """A webhook receiver for CAMS pushes and Meta's webhook that fits any web framework: give
    ``handle`` what the server got, send back the ``WebhookReply`` it returns.

    Meta's notifications are checked against ``meta_app_secret`` (``X-Hub-Signature-256``, over
    the raw body) and its subscription GET against ``meta_verify_token``. CAMS signs nothing:
    put ``?token=<cams_token>`` in the push URLs and/or list the networks pushes come from in
    ``cams_allowed_ips`` (``"47.74.0.0/16"`` or one address); with neither, CAMS pushes are
    refused unless ``cams_unauthenticated=True``.

    With ``event_store`` (an SQLite file, created if missing and shared by one host's processes
    and by a ``Client(event_store=...)``; a Redis URL, ``redis://[:password@]host:port[/db]``,
    shared by a fleet's; or ``":memory:"``) events are recorded before the 200, each is
    handed out once (redeliveries and statuses moving backwards are skipped), and what was
    handed out but never committed comes back through ``reclaim``: process ``reply.events``,
    then ``commit`` them. Without one, every event of every request is handed out.

    Raises ``ConfigurationError`` for an empty secret, a malformed ``cams_allowed_ips`` entry
    or ``cams_unauthenticated`` with a token or allow-list, and ``StorageError`` for a store
    that cannot be opened. Every call blocks on the core (SQLite waits up to 5 s for a lock)
    with the interpreter released: safe to share between threads; from ``async`` code, call it
    in a thread (``asyncio.to_thread``). ``repr()`` never shows a secret.
    """

    __slots__ = ("_native", "_shown")

    def __init__(
        self,
        *,
        meta_app_secret: str | None = None,
        meta_verify_token: str | None = None,
        cams_token: str | None = None,
        cams_allowed_ips: Sequence[str] = (),
        cams_unauthenticated: bool = False,
        event_store: str | os.PathLike[str] | None = None,
    ) -> None:
        store = None if event_store is None else os.fspath(event_store)
        self._native = _chatlane._Receiver(
            meta_app_secret=meta_app_secret,
            meta_verify_token=meta_verify_token,
            cams_token=cams_token,
            cams_allowed_ips=cams_allowed_ips,
            cams_unauthenticated=cams_unauthenticated,
            event_store=store,
        )
        secrets = {"meta_app_secret": meta_app_secret, "meta_verify_token": meta_verify_token, "cams_token": cams_token}
        shown = [f"{name}='***'" for name, secret in secrets.items() if secret is not None]
        if cams_allowed_ips:
            shown.append(f"cams_allowed_ips={list(cams_allowed_ips)!r}")
        if cams_unauthenticated:
            shown.append("cams_unauthenticated=True")
        if store is not None:
            shown.append(f"event_store={_chatlane._redacted(store)!r}")
        self._shown = f"Receiver({', '.join(shown)})"

    def handle(
        self,
        endpoint: WebhookEndpoint,
        *,
        method: str,
        query: str = "",
        headers: _HeaderItems | Iterable[tuple[str, str]] = (),
        body: bytes,
        remote_addr: str | None = None,
    ) -> WebhookReply:
        """Answers one request to ``endpoint``: its ``method``, raw ``query`` string (with or
        without ``?``), ``headers`` (a mapping or name and value pairs, names in any case), the
        ``body`` bytes exactly as received and the peer's address (``"203.0.113.7"``,
        ``"[2001:db8::1]:443"``…; after any trusted proxy). Never raises for what the request
        holds: a refusal is a reply with its ``error``. Raises ``ConfigurationError`` for
        another endpoint and ``InvalidParameterError`` for a ``remote_addr`` that is not an IP
        address."""
        pairs = list(headers.items() if isinstance(headers, _HeaderItems) else headers)
        status, content_type, text, events, skipped, error = self._native.handle(
            endpoint, method, query, pairs, body, remote_addr
        )
        return WebhookReply(
            status=status,
            content_type=content_type,
            body=text,
            events=events,
            skipped=skipped,
            error=error,
        )

    def commit(self, events: Iterable[Event]) -> None:
        """Marks ``events`` (from ``WebhookReply.events`` or ``reclaim``) processed: the store
        hands them out never again. Without a store, does nothing. Raises ``TypeError`` for
        anything but an event and ``StorageError`` when the store fails."""
        self._native.commit(list(events))

    def reclaim(self, lease: float, limit: int = 1000) -> list[Event]:
        """The events handed out more than ``lease`` seconds ago and never committed (their
        consumer died), at most ``limit``, oldest first: handed out again now, to process and
        commit. Empty without a store. Raises ``InvalidParameterError`` for a negative
        ``lease``, ``StorageError`` when the store fails."""
        return self._native.reclaim(lease, limit)

    def send(self, task_id: str, provider: ProviderKind = "cams") -> SendRecord | None:
        """What the store knows of the send with ``task_id`` whose outcome was unknown (a
        ``Client`` with the same ``event_store`` records those): ``state`` ``"unknown"``, or
        ``"accepted"`` with the ``message_id`` of the receipt carrying the task ID. ``None``
        without a store or a record; ``ConfigurationError`` for another provider."""
        return self._native.send(task_id, provider)

    def __repr__(self) -> str:
        return self._shown

