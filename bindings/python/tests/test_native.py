"""Received events are built natively and keep, hidden, the core event they came from: an
unchanged event gives its dedup key and commits without being read back (no ``to_dict()``),
and an event changed in any way (a field set past its frozenness, a list changed in place, a
nested value replaced) gives and commits the key of what it holds now, as its ``to_dict()``
data says. The hidden reference is no field: equality, hashing, ``repr``, pickling and copies
ignore it."""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Callable
from typing import Any

import pytest

import chatlane
from conftest import BUSINESS, parts

FAILED = {
    "MessageId": "m-1",
    "Status": "Failed",
    "From": BUSINESS,
    "To": "6591234567",
    "Timestamp": 1691043638000,
    "TaskId": "t-1",
    "ErrorCode": "131026",
    "ErrorDescription": "131026:Receiver is incapable of receiving this message(Message Undeliverable.)",
}
INBOUND = {
    "MessageId": "i-1",
    "From": "6591234567",
    "To": BUSINESS,
    "Timestamp": 1691043638000,
    "Type": "TEXT",
    "Message": "Hello",
}


def body(*elements: dict[str, Any]) -> bytes:
    return json.dumps(list(elements)).encode()


def key_of_data(event: chatlane.Event) -> str:
    """The dedup key of the event ``event``'s data builds: one without a hidden reference."""
    return chatlane.dedup_key(type(event).from_dict(event.to_dict()))


class Text(str):
    """A ``str`` that is not exactly one: an event holding it is read back to be sure."""


@pytest.mark.parametrize(("element", "kind"), [(FAILED, "status"), (INBOUND, "inbound")])
def test_the_hidden_reference_is_no_field(element: dict[str, Any], kind: chatlane.CamsPushKind) -> None:
    (event,) = chatlane.parse_cams_push(body(element), kind)
    rebuilt = type(event).from_dict(event.to_dict())
    assert list(parts(event)) == list(parts(rebuilt))
    assert (event, repr(event)) == (rebuilt, repr(rebuilt))
    if kind == "inbound":  # hashable: no list in it
        assert hash(event) == hash(rebuilt)
    assert "_native" not in event._names() and "_native" not in event.__getstate__()
    assert chatlane.dedup_key(event) == chatlane.dedup_key(rebuilt)
    for twin in (pickle.loads(pickle.dumps(event)), copy.copy(event), copy.deepcopy(event)):
        assert twin == event and chatlane.dedup_key(twin) == chatlane.dedup_key(event)
    with pytest.raises(AttributeError, match="frozen"):
        event._native = None


def test_an_unchanged_event_is_not_read_back(monkeypatch: pytest.MonkeyPatch) -> None:
    receiver = chatlane.Receiver(cams_unauthenticated=True, event_store=":memory:")
    (event,) = receiver.handle("cams_status", method="POST", body=body(FAILED)).events

    def read_back(self: chatlane.StatusEvent) -> dict[str, Any]:
        raise AssertionError("read back")

    monkeypatch.setattr(chatlane.StatusEvent, "to_dict", read_back)
    received = chatlane.dedup_key(event)
    receiver.commit([event])
    object.__setattr__(event, "message_id", "m-2")
    with pytest.raises(AssertionError, match="read back"):
        chatlane.dedup_key(event)
    monkeypatch.undo()
    assert chatlane.dedup_key(event) != received


def replace_error(event: Any) -> None:
    event.errors[0] = chatlane.DeliveryError(code="131049")


CHANGES: list[tuple[str, dict[str, Any], Callable[[Any], None], bool]] = [
    ("a field set past its frozenness", FAILED, lambda e: object.__setattr__(e, "message_id", "m-2"), True),
    ("a list emptied in place", FAILED, lambda e: e.errors.clear(), True),
    ("a list item replaced", FAILED, replace_error, True),
    ("a nested field set", INBOUND, lambda e: object.__setattr__(e.business, "number", "8613800000009"), True),
    ("a key field replaced by an equal text", FAILED, lambda e: object.__setattr__(e, "message_id", Text("m-1")), False),
    ("another field changed", FAILED, lambda e: object.__setattr__(e, "task_id", None), False),
]


@pytest.mark.parametrize(("element", "change", "new_key"), [case[1:] for case in CHANGES], ids=[c[0] for c in CHANGES])
def test_a_changed_event_gives_and_commits_the_key_of_what_it_holds(
    element: dict[str, Any], change: Callable[[Any], None], new_key: bool
) -> None:
    kind: chatlane.WebhookEndpoint = "cams_status" if "Status" in element else "cams_inbound"
    receiver = chatlane.Receiver(cams_unauthenticated=True, event_store=":memory:")
    (event,) = receiver.handle(kind, method="POST", body=body(element)).events
    received = chatlane.dedup_key(event)
    change(event)
    assert chatlane.dedup_key(event) == key_of_data(event)
    assert (chatlane.dedup_key(event) != received) is new_key
    receiver.commit([event])
    reclaimed = receiver.reclaim(0.0)
    assert [chatlane.dedup_key(e) for e in reclaimed] == ([received] if new_key else [])


def test_commit_refuses_anything_but_an_event_and_commits_nothing() -> None:
    receiver = chatlane.Receiver(cams_unauthenticated=True, event_store=":memory:")
    (event,) = receiver.handle("cams_status", method="POST", body=body(FAILED)).events
    with pytest.raises(TypeError, match="^event must be a StatusEvent, InboundEvent or UnsupportedEvent, not str$"):
        receiver.commit([event, "not an event"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="not dict"):
        chatlane.dedup_key(event.to_dict())  # type: ignore[arg-type]
    assert receiver.reclaim(0.0) == [event], "nothing committed"
    receiver.commit(iter([event]))
    assert receiver.reclaim(0.0) == []
