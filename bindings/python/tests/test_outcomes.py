"""Answers that must never lead to a second send, seen from Python: an accepted message
answered with garbage, a success carrying a retry-after header, a 502 with the code
`ServiceUnavailable` (outcome unknown) against a 503 (retried). The sandbox's ledger proves
whether the message was accepted, its journal how many requests were made."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

import chatlane
from conftest import Sandbox

SENDER = "8613900000000"


def recipient() -> str:
    """A phone number no other test sends to, so fault rules and journal lines stay apart."""
    return f"65{uuid.uuid4().int % 10**10:010d}"


def text(to: str) -> chatlane.Message:
    return chatlane.Message(from_=SENDER, to=to, content=chatlane.Text(text="hello"))


def outcome_unknown(
    client: chatlane.Client, sandbox: Sandbox, fault: dict[str, Any]
) -> tuple[chatlane.OutcomeUnknownError, str]:
    """Sends once to a fresh recipient against `fault`: the error, checked to come after
    exactly one request, and the recipient."""
    to = recipient()
    sandbox.inject(fault, to=to)
    with pytest.raises(chatlane.OutcomeUnknownError) as caught:
        client.send(text(to))
    error = caught.value
    assert (error.code, error.attempts) == ("OutcomeUnknown", 1)
    assert len(sandbox.journal(to)) == 1
    return error, to


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_an_accepted_message_answered_with_garbage_is_outcome_unknown_and_in_the_ledger_once(
    client: chatlane.Client, sandbox: Sandbox, mode: str
) -> None:
    to = recipient()
    sandbox.inject({"kind": "accept_then", "body": "<html>502 Bad Gateway</html>"}, to=to)
    with pytest.raises(chatlane.OutcomeUnknownError) as caught:
        if mode == "sync":
            client.send(text(to))
        else:
            asyncio.run(client.send_async(text(to)))
    error = caught.value
    assert (error.code, error.http_status, error.attempts) == ("OutcomeUnknown", 200, 1)
    landed = sandbox.ledger_to(to)
    assert len(landed) == 1, landed
    assert error.task_id is not None and landed[0]["params"]["TaskId"] == error.task_id
    assert len(sandbox.journal(to)) == 1


def test_ok_without_a_message_id_is_outcome_unknown(client: chatlane.Client, sandbox: Sandbox) -> None:
    error, to = outcome_unknown(client, sandbox, {"kind": "accept_then", "body": '{"Code":"OK"}'})
    assert [e["params"]["TaskId"] for e in sandbox.ledger_to(to)] == [error.task_id]


def test_an_answer_that_is_not_json_is_outcome_unknown_naming_the_request_id_header(
    client: chatlane.Client, sandbox: Sandbox
) -> None:
    error, to = outcome_unknown(client, sandbox, {"kind": "malformed"})
    assert sandbox.ledger_to(to) == []
    assert error.http_status == 200
    assert isinstance(error.request_id, str) and error.request_id
    assert error.request_id in str(error)


def test_a_success_with_a_retry_after_header_is_a_receipt_after_one_attempt(
    client: chatlane.Client, sandbox: Sandbox
) -> None:
    to = recipient()
    sandbox.inject({"kind": "with_headers", "headers": {"x-acs-retry-after": "300"}}, to=to)
    receipt = client.send(text(to))
    assert receipt.attempts == 1
    assert [e["messageId"] for e in sandbox.ledger_to(to)] == [receipt.message_id]
    assert [r["outcome"] for r in sandbox.journal(to)] == ["OK"]


def test_a_502_service_unavailable_is_outcome_unknown_and_not_retried(
    client: chatlane.Client, sandbox: Sandbox
) -> None:
    error, to = outcome_unknown(client, sandbox, {"kind": "error", "status": 502, "code": "ServiceUnavailable"})
    assert sandbox.ledger_to(to) == []
    assert (error.platform_code, error.http_status, error.retry_after) == ("ServiceUnavailable", 502, None)


def test_a_503_is_retried_and_sent_once(client: chatlane.Client, sandbox: Sandbox) -> None:
    to = recipient()
    sandbox.inject({"kind": "error", "status": 503, "code": "ServiceUnavailable"}, to=to)
    receipt = client.send(text(to))
    assert receipt.attempts == 2
    assert [r["outcome"] for r in sandbox.journal(to)] == ["ServiceUnavailable", "OK"]
    assert [e["messageId"] for e in sandbox.ledger_to(to)] == [receipt.message_id]
