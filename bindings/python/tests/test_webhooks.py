"""The webhook fixtures (tests/webhooks/*.json, see its README) through the Python API: every
body gives exactly its events (the generated classes, compared through ``to_dict()``) and their
dedup keys, or exactly its error code, as in every other chatlane language. Then Meta's
signature and subscription checks, and the arguments the functions refuse."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any

import pytest

import chatlane
from chatlane import _model
from conftest import REPO, parts

CASES_DIR = REPO / "tests" / "webhooks"
SECRET = "webhook-test-app-secret"


def load_cases() -> list[dict[str, Any]]:
    return [
        case
        for path in sorted(CASES_DIR.glob("*.json"))
        for case in json.loads(path.read_text(encoding="utf-8"))["cases"]
    ]


CASES = load_cases()


def body_of(case: dict[str, Any]) -> bytes:
    """The case's body as the README says to send it: compact JSON text (keys in the file's
    order, non-ASCII as UTF-8), or ``rawBody`` byte for byte."""
    if "rawBody" in case:
        raw: str = case["rawBody"]
        return raw.encode("utf-8")
    return json.dumps(case["body"], separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def parse(case: dict[str, Any]) -> list[chatlane.Event]:
    if case["provider"] == "cams":
        return chatlane.parse_cams_push(body_of(case), case["kind"])
    return chatlane.parse_meta_webhook(body_of(case))


def case_named(name: str) -> dict[str, Any]:
    return next(case for case in CASES if case["name"] == name)


def signature(secret: str, body: bytes) -> str:
    """The ``X-Hub-Signature-256`` value of ``body`` under ``secret``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_the_cases_are_there() -> None:
    assert len(CASES) >= 60, f"expected the webhook cases in {CASES_DIR}"
    assert len({case["name"] for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [pytest.param(case, id=case["name"]) for case in CASES])
def test_case(case: dict[str, Any]) -> None:
    if "error" in case:
        with pytest.raises(chatlane.ChatlaneError) as refused:
            parse(case)
        assert refused.value.code == case["error"]["code"]
        return
    events = parse(case)
    assert [event.to_dict() for event in events] == case["events"]
    assert [type(event).from_dict(event.to_dict()) for event in events] == events
    if "dedupKeys" in case:
        assert [chatlane.dedup_key(event) for event in events] == case["dedupKeys"]


def test_events_are_the_generated_frozen_classes() -> None:
    (status,) = parse(case_named("cams_status/delivered"))
    assert isinstance(status, chatlane.StatusEvent) and status.event == "status"
    assert (status.status, status.business.number, status.errors) == ("delivered", "8613800000000", [])
    with pytest.raises(AttributeError, match="frozen"):
        status.status = "read"
    (other,) = parse(case_named("meta_status/unknown_status_kept_by_name"))
    assert isinstance(other, chatlane.StatusEvent)
    assert isinstance(other.status, chatlane.OtherDeliveryStatus)
    (inbound,) = parse(case_named("meta_inbound/reaction"))
    assert isinstance(inbound, chatlane.InboundEvent) and isinstance(inbound.content, chatlane.InboundReaction)
    assert inbound.content.type == "reaction"


def shaped(shape: Any) -> Iterator[type]:
    """The classes a shape of ``_model._SHAPES`` may build, at any depth."""
    if isinstance(shape, type) and shape in _model._SHAPES:
        yield shape
        for _, _, field, _ in _model._SHAPES[shape]:
            yield from shaped(field)
    elif isinstance(shape, tuple):
        for part in shape[1:]:
            yield from shaped(part)
    elif isinstance(shape, dict):
        for member in shape.values():
            yield from shaped(member)


def test_events_built_unchecked_are_what_from_dict_builds() -> None:
    """The parsers' events are built natively from the core's JSON without checks (by
    ``_model._SHAPES``): over every case they have the classes, field types and values the
    checking ``from_dict`` gives, and the cases build every class an event may hold."""
    built: set[type] = set()
    for case in CASES:
        for event in [] if "error" in case else parse(case):
            found = list(parts(event))
            assert found == list(parts(type(event).from_dict(event.to_dict()))), case["name"]
            built |= {kind for kind, _ in found if issubclass(kind, _model._Model)}
    trusted = set(shaped(_model._EVENT_SHAPE))
    assert trusted and trusted <= built, sorted(kind.__name__ for kind in trusted - built)


def test_dedup_key_refuses_what_json_cannot_carry() -> None:
    nowhere = chatlane.InboundLocation(latitude=float("nan"), longitude=0.0)
    located = chatlane.InboundEvent(
        provider="meta",
        message_id="m",
        business=chatlane.Business(number="1"),
        sender=chatlane.ChatUser(phone="2"),
        content=nowhere,
    )
    with pytest.raises(chatlane.InvalidParameterError, match="at content.latitude: must be a finite number"):
        chatlane.dedup_key(located)
    odd = chatlane.UnsupportedEvent(provider="cams", name=object(), raw="{}")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not a valid event at name: object is not JSON data"):
        chatlane.dedup_key(odd)


def test_errors_and_refused_arguments() -> None:
    with pytest.raises(chatlane.InvalidParameterError, match="not valid JSON"):
        chatlane.parse_meta_webhook(b"{")
    with pytest.raises(chatlane.ConfigurationError, match="unknown CAMS push kind") as refused:
        chatlane.parse_cams_push(b"[]", "Status")  # type: ignore[arg-type]
    assert refused.value.code == "InvalidConfig"
    with pytest.raises(TypeError):
        chatlane.parse_meta_webhook("{}")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="event must be a StatusEvent, InboundEvent or UnsupportedEvent, not dict"):
        chatlane.dedup_key({"event": "status"})  # type: ignore[arg-type]
    forged = chatlane.UnsupportedEvent(provider="viber", name="x", raw="{}")  # type: ignore[arg-type]
    with pytest.raises(chatlane.InvalidParameterError, match="not a valid event"):
        chatlane.dedup_key(forged)


def test_meta_signature_good_escaped_bad_and_missing() -> None:
    case = case_named("meta_inbound/reaction")
    body = body_of(case)
    assert chatlane.verify_meta_signature(SECRET, body, signature(SECRET, body)) == "raw"
    assert chatlane.verify_meta_signature(SECRET.encode(), body, signature(SECRET, body)) == "raw"
    # Meta may sign the body with every character above `~` escaped (`ensure_ascii`'s form).
    escaped = json.dumps(case["body"], separators=(",", ":")).encode()
    assert escaped != body
    assert chatlane.verify_meta_signature(SECRET, body, signature(SECRET, escaped)) == "escaped_unicode"
    for header in (signature("another-secret", body), signature(SECRET, body + b" "), "sha256=00", None):
        with pytest.raises(chatlane.AuthenticationError) as refused:
            chatlane.verify_meta_signature(SECRET, body, header)
        assert refused.value.code == "SignatureMismatch"
        assert SECRET not in str(refused.value)
    with pytest.raises(chatlane.ConfigurationError):
        chatlane.verify_meta_signature("", body, signature("", body))
    with pytest.raises(TypeError, match="app_secret must be str or bytes, not int"):
        chatlane.verify_meta_signature(42, body, None)  # type: ignore[arg-type]
    assert [event.to_dict() for event in chatlane.parse_meta_webhook(body)] == case["events"]


def test_meta_subscription_challenge() -> None:
    query = "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=verify-me"
    assert chatlane.verify_meta_challenge(query, "verify-me") == "1158201444"
    assert chatlane.verify_meta_challenge(f"?{query}", "verify-me") == "1158201444"
    with pytest.raises(chatlane.AuthenticationError) as refused:
        chatlane.verify_meta_challenge(query, "verify-you")
    assert refused.value.code == "SignatureMismatch"
    with pytest.raises(chatlane.InvalidParameterError):
        chatlane.verify_meta_challenge(query.replace("subscribe", "unsubscribe"), "verify-me")
    with pytest.raises(chatlane.ConfigurationError):
        chatlane.verify_meta_challenge(query, "")
