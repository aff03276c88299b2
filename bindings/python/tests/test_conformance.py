"""The shared conformance cases (tests/conformance/*.json), through the typed Python model:
each case's message is built with `from_dict` and must give the case's exact wire parameters
(and no violations) or the case's exact violations, as in every other chatlane language."""

from __future__ import annotations

import json
from typing import Any, Union

import pytest

import chatlane
from conftest import REPO

CASES_DIR = REPO / "tests" / "conformance"
MASS = "SendChatappMassMessage"
Typed = Union[chatlane.Message, chatlane.MassMessage]


def load_cases() -> list[Any]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8"))["cases"]:
            cases.append(pytest.param(case, id=case["name"]))
    return cases


CASES = load_cases()


def typed(case: dict[str, Any]) -> Typed:
    if case["operation"] == MASS:
        return chatlane.MassMessage.from_dict(case["message"])
    assert case["operation"] == "SendChatappMessage", case["operation"]
    return chatlane.Message.from_dict(case["message"])


def found_violations(message: Typed) -> list[chatlane.Violation]:
    if isinstance(message, chatlane.MassMessage):
        return chatlane.mass_violations(message)
    return chatlane.violations(message)


def wire(message: Typed) -> dict[str, str]:
    if isinstance(message, chatlane.MassMessage):
        return chatlane.mass_wire_params(message)
    return chatlane.wire_params(message)


def as_written(message: dict[str, Any]) -> dict[str, Any]:
    """`message` as `to_dict` writes it back: with the model's two defaulted fields filled in
    (`channel`, and the `sections` of a `productAction`) and `fileName` for its input alias
    `filename`, exactly as the core's own serialisation does."""
    written = {"channel": "whatsapp", **message}
    for owner in [written, *written.get("recipients", [])]:
        if "productAction" in owner:
            owner["productAction"] = {"sections": [], **owner["productAction"]}
    content = written.get("content")
    if content and content.get("messageType") == "document" and "filename" in content:
        written["content"] = {("fileName" if key == "filename" else key): value for key, value in content.items()}
    return written


def test_the_cases_are_there() -> None:
    assert len(CASES) >= 100, f"expected the shared conformance cases in {CASES_DIR}"
    assert {case.values[0]["operation"] for case in CASES} == {"SendChatappMessage", MASS}


@pytest.mark.parametrize("case", CASES)
def test_case(case: dict[str, Any]) -> None:
    message = typed(case)
    found = found_violations(message)
    if "wire" in case:
        assert found == []
        assert wire(message) == case["wire"]
        assert message.to_dict() == as_written(case["message"])
        assert type(message).from_dict(message.to_dict()) == message
    else:
        expected = [(v["code"], v["path"]) for v in case["violations"]]
        assert [(v.code, v.path) for v in found] == expected
        assert all(v.message for v in found)
