"""The delivery engine seen from Python: retries, outcome-unknown, platform errors, pacing,
refreshed credentials and panics, driven by the sandbox's faults and checked in its journal."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Awaitable, Callable

import pytest

import chatlane
from chatlane import _chatlane
from conftest import SANDBOX_KEY_ID, Sandbox, closed_port

SENDER = "8613900000000"
GENERATED_TASK_ID = re.compile(r"[0-9a-f]{32}")


def recipient() -> str:
    """A phone number no other test sends to, so fault rules and journal lines stay apart."""
    return f"65{uuid.uuid4().int % 10**10:010d}"


def text(to: str, *, task_id: str | None = None) -> chatlane.Message:
    return chatlane.Message(from_=SENDER, to=to, content=chatlane.Text(text="hello"), task_id=task_id)


def test_throttled_send_is_retried_after_the_servers_retry_after(
    client: chatlane.Client, sandbox: Sandbox
) -> None:
    to = recipient()
    sandbox.inject({"kind": "throttle", "retryAfterMs": 300}, to=to)
    receipt = client.send(text(to))
    assert receipt.attempts == 2
    journal = sandbox.journal(to)
    assert [r["outcome"] for r in journal] == ["Throttling.User", "OK"]
    assert [r["taskId"] for r in journal] == [receipt.task_id, receipt.task_id]
    assert journal[1]["receivedAtUs"] - journal[0]["receivedAtUs"] >= 300_000
    assert [e["messageId"] for e in sandbox.ledger_to(to)] == [receipt.message_id]


def test_no_retry_starts_after_the_retry_deadline(sandbox: Sandbox) -> None:
    to = recipient()
    sandbox.inject({"kind": "throttle", "retryAfterMs": 300}, to=to)
    client = sandbox.client(retry_deadline=0.1)
    with pytest.raises(chatlane.ThrottledError) as caught:
        client.send(text(to))
    error = caught.value
    assert (error.code, error.platform_code) == ("Throttled", "Throttling.User")
    assert error.retry_after == 0.3
    assert error.attempts == 1
    assert [r["outcome"] for r in sandbox.journal(to)] == ["Throttling.User"]


def test_refused_connection_is_retried_up_to_max_attempts() -> None:
    client = chatlane.Client(
        access_key_id="id", access_key_secret="secret", endpoint=f"http://127.0.0.1:{closed_port()}", max_attempts=3
    )
    with pytest.raises(chatlane.NetworkError) as caught:
        client.send(text(recipient(), task_id="py-refused-3"))
    assert caught.value.code == "Connect"
    assert caught.value.attempts == 3
    assert caught.value.task_id == "py-refused-3"


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_unanswered_send_is_outcome_unknown_and_never_repeated(sandbox: Sandbox, mode: str) -> None:
    to = recipient()
    sandbox.inject({"kind": "hang"}, to=to)
    client = sandbox.client(request_timeout=0.5)
    with pytest.raises(chatlane.OutcomeUnknownError) as caught:
        if mode == "sync":
            client.send(text(to))
        else:
            asyncio.run(client.send_async(text(to)))
    error = caught.value
    assert error.code == "OutcomeUnknown"
    assert error.attempts == 1
    assert error.task_id is not None and GENERATED_TASK_ID.fullmatch(error.task_id)
    landed = sandbox.ledger_to(to)
    assert len(landed) == 1, landed
    assert landed[0]["params"]["TaskId"] == error.task_id
    assert len(sandbox.journal(to)) == 1


def test_business_error_in_an_http_200_answer_is_typed_and_not_retried(
    client: chatlane.Client, sandbox: Sandbox
) -> None:
    to = recipient()
    fault = {"kind": "error", "status": 200, "code": "InvalidParameter.PhoneNumberError", "message": "bad number"}
    sandbox.inject(fault, to=to)
    with pytest.raises(chatlane.InvalidParameterError) as caught:
        client.send(text(to, task_id="py-business-1"))
    error = caught.value
    assert error.code == "InvalidParameter"
    assert error.platform_code == "InvalidParameter.PhoneNumberError"
    assert error.http_status == 200
    assert isinstance(error.request_id, str) and error.request_id
    assert "bad number" in error.message
    assert (error.task_id, error.attempts) == ("py-business-1", 1)
    journal = sandbox.journal(to)
    assert [(r["outcome"], r["taskId"]) for r in journal] == [("InvalidParameter.PhoneNumberError", "py-business-1")]
    assert sandbox.ledger_to(to) == []


def test_a_core_panic_is_an_internal_error_and_the_client_keeps_working(
    client: chatlane.Client, sandbox: Sandbox
) -> None:
    # Test hooks, present only in a build with the `test-hooks` feature (as the tests build it).
    panic_probe: Callable[[], None] = getattr(_chatlane, "_panic_probe")
    panic_probe_async: Callable[[], Awaitable[None]] = getattr(_chatlane, "_panic_probe_async")
    with pytest.raises(chatlane.InternalError) as caught:
        panic_probe()
    assert caught.value.code == "Internal"
    assert caught.value.category == "internal"
    assert "deliberate panic" in str(caught.value)

    async def probe_then_send(to: str) -> chatlane.SendReceipt:
        with pytest.raises(chatlane.InternalError, match="deliberate panic"):
            await panic_probe_async()
        return await client.send_async(text(to))

    to = recipient()
    receipt = asyncio.run(probe_then_send(to))
    assert [e["messageId"] for e in sandbox.ledger_to(to)] == [receipt.message_id]
    after = client.send(text(to))
    assert [e["messageId"] for e in sandbox.ledger_to(to)] == [receipt.message_id, after.message_id]


def test_fail_fast_pacing_raises_rate_limited_and_sends_nothing(own_sandbox: Sandbox) -> None:
    client = own_sandbox.client(rate_limit_per_second=1.0, rate_limit_max_wait=0.0)
    to = recipient()
    first = client.send(text(to))
    with pytest.raises(chatlane.ThrottledError) as caught:
        client.send(text(to, task_id="py-paced-2"))
    error = caught.value
    assert error.code == "RateLimited"
    assert error.category == "throttled"
    assert error.retry_after is not None and error.retry_after > 0
    assert error.task_id == "py-paced-2"
    assert [e["messageId"] for e in own_sandbox.ledger_to(to)] == [first.message_id]
    assert len(own_sandbox.journal(to)) == 1


def test_burst_and_disabled_pacing_are_honoured(own_sandbox: Sandbox) -> None:
    to = recipient()
    bursting = own_sandbox.client(rate_limit_per_second=1.0, rate_limit_burst=2, rate_limit_max_wait=0.0)
    bursting.send(text(to))
    bursting.send(text(to))
    with pytest.raises(chatlane.ThrottledError, match="rate limit"):
        bursting.send(text(to))
    # The account's budget is used up, but a client without pacing does not consult it.
    unpaced = own_sandbox.client(rate_limit_per_second=1.0, rate_limit_max_wait=0.0, rate_limit_disabled=True)
    unpaced.send(text(to))
    assert len(own_sandbox.ledger_to(to)) == 3


def test_set_credentials_takes_effect_on_the_next_send(sandbox: Sandbox) -> None:
    wrong = f"wrong-secret-{uuid.uuid4().hex}"
    client = chatlane.Client(access_key_id=SANDBOX_KEY_ID, access_key_secret=wrong, endpoint=sandbox.endpoint)
    to = recipient()
    with pytest.raises(chatlane.AuthenticationError) as caught:
        client.send(text(to))
    assert caught.value.code == "SignatureMismatch"
    client.set_credentials(access_key_id=SANDBOX_KEY_ID, access_key_secret=sandbox.access_key_secret)
    receipt = client.send(text(to))
    assert [e["messageId"] for e in sandbox.ledger_to(to)] == [receipt.message_id]
    shown = f"{client!r} {client} {receipt!r}"
    assert SANDBOX_KEY_ID in shown
    assert sandbox.access_key_secret not in shown and wrong not in shown


def test_set_credentials_is_shown_by_key_id_only_and_checked() -> None:
    client = chatlane.Client(
        access_key_id="old-key-id", access_key_secret="old-secret", endpoint="https://cams.example.com"
    )
    new_secret, token = f"new-secret-{uuid.uuid4().hex}", f"sts-token-{uuid.uuid4().hex}"
    client.set_credentials(access_key_id="new-key-id", access_key_secret=new_secret, security_token=token)
    shown = f"{client!r} {client}"
    assert "new-key-id" in shown and "old-key-id" not in shown
    assert new_secret not in shown and token not in shown
    with pytest.raises(chatlane.ConfigurationError) as caught:
        client.set_credentials(access_key_id="newer-key-id", access_key_secret="")
    assert caught.value.code == "MissingCredentials"
    assert "new-key-id" in repr(client)  # a refused replacement keeps the current credentials
    with pytest.raises(TypeError):
        client.set_credentials("id", "secret")  # type: ignore[call-arg]


def test_receipt_carries_the_task_id_on_the_wire_and_one_attempt(client: chatlane.Client, sandbox: Sandbox) -> None:
    to = recipient()
    given = client.send(text(to, task_id="py-receipt-task-1"))
    assert (given.task_id, given.attempts) == ("py-receipt-task-1", 1)
    assert sandbox.entry(given.message_id)["params"]["TaskId"] == "py-receipt-task-1"
    generated = [client.send(text(to)), asyncio.run(client.send_async(text(to)))]
    for receipt in generated:
        assert GENERATED_TASK_ID.fullmatch(receipt.task_id), receipt.task_id
        assert receipt.attempts == 1
        assert sandbox.entry(receipt.message_id)["params"]["TaskId"] == receipt.task_id
    assert generated[0].task_id != generated[1].task_id
