"""The shared edge cases (tests/edge/*.json, see its README) through the public Python API:
client options Python lets a caller write that chatlane must refuse with the same typed error
as every other language, and messages with values at the edge of what JSON carries."""

from __future__ import annotations

import json
from typing import Any

import pytest

import chatlane
from chatlane import _chatlane
from conftest import REPO

EDGE = REPO / "tests" / "edge"
DEFAULTS: dict[str, Any] = {
    "access_key_id": "edge-key-id",
    "access_key_secret": "edge-key-secret",
    "endpoint": "http://127.0.0.1:9",
}


def load(file: str) -> list[Any]:
    cases = json.loads((EDGE / file).read_text(encoding="utf-8"))["cases"]
    assert len(cases) >= 10, f"{file}: too few cases"
    return [pytest.param(case, id=case["name"]) for case in cases]


def nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {"a": 1}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


def build(value: Any) -> Any:
    """The Python value a case's JSON (with its markers) stands for."""
    if isinstance(value, list):
        return [build(item) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1 and next(iter(value)).startswith("$"):
        ((marker, argument),) = value.items()
        if marker == "$float":
            return float(argument)
        if marker == "$int":
            return int(argument)
        if marker == "$ms":
            return argument / 1000
        if marker == "$repeat":
            return argument[0] * argument[1]
        if marker == "$lone_surrogate":
            return argument + "\ud800"
        if marker == "$nest":
            return nested(argument)
        if marker == "$cycle":
            cycle: dict[str, Any] = {}
            cycle["self"] = cycle
            return cycle
        raise AssertionError(f"unknown marker {marker}")
    return {key: build(item) for key, item in value.items()}


@pytest.mark.parametrize("case", load("options.json"))
def test_options(case: dict[str, Any]) -> None:
    options = {**DEFAULTS, **build(case["options"])}
    if case["error"] is None:
        chatlane.Client(**options)
        return
    with pytest.raises(chatlane.ConfigurationError) as caught:
        chatlane.Client(**options)
    assert caught.value.code == case["error"]
    if "hidden" in case:
        assert case["hidden"] not in str(caught.value)
        assert case["hidden"] not in repr(caught.value)


def violations_of(message: chatlane.Message) -> list[tuple[str, str]]:
    """What `violations` finds, or the violations of the `ValidationError` it raises for
    data that cannot be read as a message at all (a NaN, a lone surrogate)."""
    try:
        found = chatlane.violations(message)
    except chatlane.ValidationError as error:
        assert error.code == "InvalidMessage"
        found = error.violations
    return [(v.code, v.path) for v in found]


@pytest.mark.parametrize("case", load("messages.json"))
def test_messages(case: dict[str, Any]) -> None:
    message = chatlane.Message.from_dict(build(case["message"]))
    expected = [(v["code"], v["path"]) for v in case["violations"]]
    assert violations_of(message) == expected
    if expected:
        client = chatlane.Client(**DEFAULTS)
        with pytest.raises(chatlane.ValidationError) as caught:
            client.send(message)
        assert [(v.code, v.path) for v in caught.value.violations] == expected


def test_a_panic_in_a_synchronous_entry_point_is_an_internal_error() -> None:
    # Every entry point runs in the same guard; this test hook panics inside it. Without
    # the guard, pyo3 raises PanicException, a BaseException that `except Exception` misses.
    probe = getattr(_chatlane, "_panic_probe_sync")
    with pytest.raises(chatlane.InternalError) as caught:
        probe()
    assert caught.value.code == "Internal"
    assert "deliberate panic" in str(caught.value)
