"""Sends of unknown outcome resolved from Python (as sandbox/tests/reconcile.rs does in Rust):
``Client.reconcile`` proves a send the sandbox never recorded ``absent`` through its history,
``send(..., resend=True)`` sends it again exactly once, a send the sandbox took stays
``unknown`` and is never re-sent, and one whose receipt came through a ``Receiver`` on the
same store is ``accepted``. The sandbox's ledger proves what went out."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import chatlane
from conftest import BUSINESS, PUSH_TOKEN, Sandbox, new_recipient, pushing_sandbox, running_sandbox, until
from test_receiver import WebhookServer

SPACE = "cams-reconcile"
TEMPLATE = "744c4b5c79c94324"


@pytest.fixture(scope="module")
def history_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """A sandbox of its own (its history reads' pacing too) with one channel instance holding
    `BUSINESS`."""
    path = tmp_path_factory.mktemp("reconcile") / "sandbox.json"
    path.write_text(json.dumps({"custSpaces": [{"id": SPACE, "numbers": [BUSINESS]}]}), encoding="utf-8")
    key = uuid.uuid4().hex
    with running_sandbox(f"py-rec-{key}", f"py-rec-secret-{key}", config=path) as running:
        yield running


def recording_client(sandbox: Sandbox) -> chatlane.Client:
    """A client whose sends of unknown outcome are recorded in a store of its own."""
    return sandbox.client(cust_space_id=SPACE, event_store=":memory:")


def template_to(user: str, task_id: str) -> chatlane.Message:
    template = chatlane.Template(code=TEMPLATE, language="en")
    return chatlane.Message(from_=BUSINESS, to=user, template=template, task_id=task_id)


def unknown_send(client: chatlane.Client, sandbox: Sandbox, fault: str) -> chatlane.Message:
    """A send to a new recipient against `fault`: its message, whose outcome is unknown."""
    message = template_to(new_recipient(), f"order-{uuid.uuid4().hex}")
    sandbox.inject({"kind": fault}, to=message.to)
    with pytest.raises(chatlane.OutcomeUnknownError) as unknown:
        client.send(message)
    assert unknown.value.task_id == message.task_id
    return message


def states(records: list[chatlane.SendRecord]) -> list[tuple[str, str]]:
    return [(record.task_id, record.state) for record in records]


def test_a_send_history_does_not_hold_is_absent_and_goes_again_once(history_sandbox: Sandbox) -> None:
    client = recording_client(history_sandbox)
    message = unknown_send(client, history_sandbox, "drop")
    assert history_sandbox.ledger_to(message.to) == []

    (record,) = client.reconcile(settle=0)
    assert isinstance(record, chatlane.SendRecord)
    assert (record.provider, record.task_id, record.from_, record.to) == ("cams", message.task_id, BUSINESS, message.to)
    assert (record.state, record.message_id) == ("absent", None)
    assert record.recorded_ms <= record.updated_ms
    assert len(history_sandbox.requests("ListChatappMessage")) >= 1

    receipt = client.send(message, resend=True)
    assert receipt.task_id == message.task_id
    (entry,) = history_sandbox.ledger_to(message.to)
    assert (entry["messageId"], entry["params"]["TaskId"]) == (receipt.message_id, message.task_id)

    with pytest.raises(chatlane.OutcomeUnknownError, match="resent, not proven absent") as again:
        client.send(message, resend=True)
    assert again.value.task_id == message.task_id
    assert len(history_sandbox.ledger_to(message.to)) == 1, "never twice"
    assert client.reconcile(settle=timedelta(0)) == [], "nothing is unknown any more"


def test_a_send_the_sandbox_took_stays_unknown_and_is_never_resent(history_sandbox: Sandbox) -> None:
    client = recording_client(history_sandbox)
    message = unknown_send(client, history_sandbox, "accept_then_drop")
    assert len(history_sandbox.ledger_to(message.to)) == 1

    assert states(client.reconcile(settle=0)) == [(message.task_id, "unknown")], "history holds what may be it"
    with pytest.raises(chatlane.OutcomeUnknownError, match="is unknown, not proven absent"):
        client.send(message, resend=True)
    assert len(history_sandbox.ledger_to(message.to)) == 1


def test_history_is_not_read_before_it_settles(history_sandbox: Sandbox) -> None:
    client = recording_client(history_sandbox)
    message = unknown_send(client, history_sandbox, "drop")
    reads = len(history_sandbox.requests("ListChatappMessage"))
    assert states(client.reconcile()) == [(message.task_id, "unknown")], "the default settle time is minutes"
    assert states(client.reconcile(settle=timedelta(hours=1))) == [(message.task_id, "unknown")]
    assert len(history_sandbox.requests("ListChatappMessage")) == reads
    with pytest.raises(chatlane.OutcomeUnknownError):
        client.send(message, resend=True)
    assert history_sandbox.ledger_to(message.to) == []


def test_the_same_in_asyncio(history_sandbox: Sandbox) -> None:
    client = recording_client(history_sandbox)
    message = template_to(new_recipient(), f"order-{uuid.uuid4().hex}")
    history_sandbox.inject({"kind": "drop"}, to=message.to)

    async def scenario() -> tuple[list[chatlane.SendRecord], chatlane.SendReceipt]:
        with pytest.raises(chatlane.OutcomeUnknownError):
            await client.send_async(message)
        resolved = await client.reconcile_async(settle=0.0)
        receipt = await client.send_async(message, resend=True)
        with pytest.raises(chatlane.OutcomeUnknownError):
            await client.send_async(message, resend=True)
        return resolved, receipt

    resolved, receipt = asyncio.run(scenario())
    assert states(resolved) == [(message.task_id, "absent")]
    (entry,) = history_sandbox.ledger_to(message.to)
    assert (entry["messageId"], entry["params"]["TaskId"]) == (receipt.message_id, message.task_id)


def test_a_cancelled_reconcile_reads_no_more_history(history_sandbox: Sandbox) -> None:
    client = recording_client(history_sandbox)
    unknown_send(client, history_sandbox, "drop")
    history_sandbox.inject({"kind": "throttle", "retryAfterMs": 1000}, to=None)
    reads = len(history_sandbox.requests("ListChatappMessage"))

    async def scenario() -> None:
        reconciling = asyncio.create_task(client.reconcile_async(settle=0))
        await asyncio.sleep(0.3)
        assert not reconciling.done(), "it finished before it was cancelled"
        reconciling.cancel()
        with pytest.raises(asyncio.CancelledError):
            await reconciling
        await asyncio.sleep(1.5)

    asyncio.run(scenario())
    outcomes = [r["outcome"] for r in history_sandbox.requests("ListChatappMessage")[reads:]]
    assert outcomes == ["Throttling.User"], "the throttled read was never asked again"


def test_a_send_whose_receipt_came_is_accepted_and_never_resent(tmp_path: Path) -> None:
    store = tmp_path / "events.db"
    receiver = chatlane.Receiver(cams_token=PUSH_TOKEN, cams_allowed_ips=["127.0.0.0/8"], event_store=store)
    server = WebhookServer(receiver)
    try:
        with pushing_sandbox(server.url, tmp_path) as sandbox:
            client = sandbox.client(cust_space_id="cams-1", event_store=str(store), request_timeout=0.3, max_attempts=1)
            message = template_to(new_recipient(), f"order-{uuid.uuid4().hex}")
            # The sandbox takes it and never answers; its receipts come a while later.
            sandbox.inject({"kind": "delay", "ms": 1500}, to=message.to, times=10)
            sandbox.inject({"kind": "hang"}, to=message.to)
            with pytest.raises(chatlane.OutcomeUnknownError):
                client.send(message)
            assert states(client.reconcile(settle=0)) == [(message.task_id, "unknown")]

            def accepted() -> bool:
                record = receiver.send(message.task_id or "")
                return record is not None and record.state == "accepted"

            until(accepted, "accepted by its receipt")
            (entry,) = sandbox.ledger_to(message.to)
            record = receiver.send(message.task_id or "")
            assert record is not None and record.message_id == entry["messageId"]
            assert client.reconcile(settle=0) == [], "resolved by its receipt, not unknown any more"
            with pytest.raises(chatlane.OutcomeUnknownError, match="is accepted, not proven absent"):
                client.send(message, resend=True)
            assert len(sandbox.ledger_to(message.to)) == 1
    finally:
        server.close()


def test_reconciling_needs_an_event_store(history_sandbox: Sandbox) -> None:
    client = history_sandbox.client(cust_space_id=SPACE)
    with pytest.raises(chatlane.ConfigurationError, match="event_store") as raised:
        client.reconcile(settle=0)
    assert raised.value.code == "InvalidConfig"
    with pytest.raises(chatlane.ConfigurationError):
        asyncio.run(client.reconcile_async())
    message = template_to(new_recipient(), "order-never-recorded")
    with pytest.raises(chatlane.ConfigurationError):
        client.send(message, resend=True)
    assert history_sandbox.ledger_to(message.to) == []


def test_a_resend_needs_a_task_id_of_a_send_proven_absent(history_sandbox: Sandbox) -> None:
    client = recording_client(history_sandbox)
    user = new_recipient()
    template = chatlane.Template(code=TEMPLATE, language="en")
    anonymous = chatlane.Message(from_=BUSINESS, to=user, template=template)
    with pytest.raises(chatlane.InvalidParameterError, match="taskId"):
        client.send(anonymous, resend=True)
    with pytest.raises(chatlane.OutcomeUnknownError):
        client.send(template_to(user, "order-never-sent"), resend=True)
    assert history_sandbox.ledger_to(user) == []


@pytest.mark.parametrize(
    ("settle", "error"),
    [(-1, chatlane.InvalidParameterError), (float("nan"), chatlane.InvalidParameterError), ("600", TypeError)],
)
def test_a_settle_time_is_non_negative_seconds_or_a_timedelta(
    history_sandbox: Sandbox, settle: Any, error: type[Exception]
) -> None:
    client = recording_client(history_sandbox)
    with pytest.raises(error, match="settle"):
        client.reconcile(settle=settle)
    with pytest.raises(chatlane.InvalidParameterError, match="settle"):
        client.reconcile(settle=timedelta(seconds=-1))
