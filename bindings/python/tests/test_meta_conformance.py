"""The Meta conformance cases (tests/conformance/meta/*.json), through the typed Python model:
each case's message must give exactly the case's Meta body (compared as dicts) and no
violations, or exactly the case's violations, as the core's own runner checks them."""

from __future__ import annotations

import json
from typing import Any

import pytest

import chatlane
from conftest import REPO

SHARED_DIR = REPO / "tests" / "conformance"
META_DIR = SHARED_DIR / "meta"


def shared_message(source: str, name: str) -> dict[str, Any]:
    """The message of the shared case `name` in `source` (a file of `SHARED_DIR`)."""
    cases = json.loads((SHARED_DIR / source).read_text(encoding="utf-8"))["cases"]
    (message,) = (case["message"] for case in cases if case["name"] == name)
    found: dict[str, Any] = message
    return found


def load_cases() -> list[Any]:
    """Every case of both Meta files, its message resolved."""
    cases = []
    for path in sorted(META_DIR.glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8"))["cases"]:
            message = case["message"] if "message" in case else shared_message(case["source"], case["name"])
            cases.append(pytest.param({**case, "message": message}, id=case["name"]))
    return cases


CASES = load_cases()


def test_both_files_are_there() -> None:
    assert {path.name for path in META_DIR.glob("*.json")} == {"meta.json", "shared.json"}
    valid = [case for case in CASES if "body" in case.values[0]]
    assert len(valid) >= 40 and len(CASES) - len(valid) >= 40, (len(valid), len(CASES))


@pytest.mark.parametrize("case", CASES)
def test_case(case: dict[str, Any]) -> None:
    message = chatlane.Message.from_dict(case["message"])
    found = chatlane.violations(message, "meta")
    if "body" in case:
        assert found == []
        assert chatlane.meta_body(message, message.task_id) == case["body"]
    else:
        expected = [(v["code"], v["path"]) for v in case["violations"]]
        assert [(v.code, v.path) for v in found] == expected
        assert all(v.message for v in found)
