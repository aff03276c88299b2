"""Receiving: the events of CAMS pushes and Meta webhooks, as chatlane's core reads them.

``parse_cams_push`` and ``parse_meta_webhook`` turn the bytes a receiver got into the generated
event classes (``StatusEvent``, ``InboundEvent``, ``UnsupportedEvent``: ``Event``);
``verify_meta_signature`` and ``verify_meta_challenge`` check Meta's requests before that; and
``dedup_key`` gives the key a redelivery of an event has too.
"""

from __future__ import annotations

from typing import Any, get_args

from . import _chatlane
from ._model import CamsPushKind, Event, _Model

__all__ = ["dedup_key", "parse_cams_push", "parse_meta_webhook"]

_EVENT_CLASSES: tuple[type[_Model], ...] = get_args(Event)


def parse_cams_push(body: bytes, kind: CamsPushKind) -> list[Event]:
    """The events of a CAMS push body, in order: a JSON array of receipts (HTTP batch push) or
    one receipt object (queue mode). ``kind`` says which push it is, as the bodies do not:
    ``"status"`` for ``ChatAppStatus`` (the ``StatusCallbackUrl``), ``"inbound"`` for
    ``ChatAppInbound`` (the ``UpCallbackUrl``). An element that cannot be read is an
    ``UnsupportedEvent`` carrying it and the reason; the rest are kept.

    Raises ``InvalidParameterError`` for a body over 4 MiB, not JSON, or neither an array nor
    an object, and ``ConfigurationError`` for another ``kind``."""
    return _chatlane._parse_cams_push(body, kind)


def parse_meta_webhook(body: bytes) -> list[Event]:
    """The events of a Meta webhook body (a POST verified with ``verify_meta_signature``), in
    order: each message an ``InboundEvent``, each status a ``StatusEvent``, anything else (other
    webhook fields, errors, elements that cannot be read) an ``UnsupportedEvent``.

    Raises ``InvalidParameterError`` for a body over 4 MiB, not JSON, not an object or without
    an ``entry`` array."""
    return _chatlane._parse_meta_webhook(body)


def dedup_key(event: Event) -> str:
    """The key a redelivery of ``event`` has too (a compact JSON array of strings), as chatlane's
    core computes it: record it and skip an event whose key was seen.

    Raises ``TypeError`` for anything but an event, and ``InvalidParameterError`` for an event
    whose fields do not have the model's types."""
    return _chatlane._dedup_key(event)


def _event_data(event: Event) -> dict[str, Any]:
    """The JSON shape of ``event``, as the core reads it; ``TypeError`` for anything else. The
    native layer reads an event this way when it does not hold what it was received with."""
    if not isinstance(event, _EVENT_CLASSES):
        expected = "a StatusEvent, InboundEvent or UnsupportedEvent"
        raise TypeError(f"event must be {expected}, not {type(event).__name__}")
    return event.to_dict()

