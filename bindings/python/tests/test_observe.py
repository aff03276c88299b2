"""Observing sends: the ``on_retry`` / ``on_outcome`` hooks and ``enable_logging()``, driven
by the sandbox's faults."""

from __future__ import annotations

import asyncio
import logging
import sys
import uuid
from collections.abc import Iterator

import pytest

import chatlane
from conftest import Sandbox, running_sandbox

SECRET = "py-secret-marker-5b1e0d"


def recipient() -> str:
    return f"65{uuid.uuid4().int % 10**10:010d}"


def text(to: str) -> chatlane.Message:
    return chatlane.Message(from_="8613900000000", to=to, content=chatlane.Text(text="observed content"))


class Recorder:
    """Records what the hooks receive; raises from them when ``fail`` is set."""

    def __init__(self, *, fail: bool = False) -> None:
        self.retries: list[chatlane.RetryEvent] = []
        self.outcomes: list[chatlane.OutcomeEvent] = []
        self.fail = fail

    def on_retry(self, event: chatlane.RetryEvent) -> None:
        self.retries.append(event)
        if self.fail:
            raise RuntimeError("a hook that raises")

    def on_outcome(self, event: chatlane.OutcomeEvent) -> None:
        self.outcomes.append(event)
        if self.fail:
            raise RuntimeError("a hook that raises")

    def client(self, sandbox: Sandbox) -> chatlane.Client:
        return sandbox.client(on_retry=self.on_retry, on_outcome=self.on_outcome)


def test_a_throttled_then_accepted_send_calls_each_hook_once(sandbox: Sandbox) -> None:
    to, hooks = recipient(), Recorder()
    sandbox.inject({"kind": "throttle", "retryAfterMs": 50}, to=to)
    receipt = hooks.client(sandbox).send(text(to))
    [retry] = hooks.retries
    assert (retry.code, retry.attempt, retry.delay, retry.http_status) == ("Throttled", 1, 0.05, 400)
    assert (retry.task_id, retry.operation) == (receipt.task_id, "SendChatappMessage")
    [outcome] = hooks.outcomes
    assert outcome.ok and outcome.error_code is None
    assert (outcome.message_id, outcome.request_id) == (receipt.message_id, receipt.request_id)
    assert (outcome.task_id, outcome.attempts) == (receipt.task_id, 2)
    assert outcome.latency > 0


def test_a_refused_send_reports_its_error_code(sandbox: Sandbox) -> None:
    to, hooks = recipient(), Recorder()
    sandbox.inject({"kind": "error", "status": 403, "code": "Forbidden.RAM"}, to=to)
    with pytest.raises(chatlane.PermissionDeniedError) as caught:
        hooks.client(sandbox).send(text(to))
    assert hooks.retries == []
    [outcome] = hooks.outcomes
    assert not outcome.ok
    assert (outcome.error_code, outcome.http_status, outcome.attempts) == (caught.value.code, 403, 1)
    assert outcome.message_id is None and outcome.task_id == caught.value.task_id


def test_the_hooks_run_before_send_async_returns(sandbox: Sandbox) -> None:
    to, hooks = recipient(), Recorder()
    sandbox.inject({"kind": "throttle", "retryAfterMs": 50}, to=to)
    receipt = asyncio.run(hooks.client(sandbox).send_async(text(to)))
    assert [r.task_id for r in hooks.retries] == [receipt.task_id]
    assert [(o.message_id, o.attempts) for o in hooks.outcomes] == [(receipt.message_id, 2)]


def test_a_hook_that_raises_does_not_change_the_result(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    unraisable: list[BaseException | None] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda report: unraisable.append(report.exc_value))
    to, hooks = recipient(), Recorder(fail=True)
    sandbox.inject({"kind": "throttle", "retryAfterMs": 50}, to=to)
    receipt = hooks.client(sandbox).send(text(to))
    assert receipt.attempts == 2
    assert [str(e) for e in unraisable] == ["a hook that raises"] * 2
    assert (len(hooks.retries), len(hooks.outcomes)) == (1, 1)
    assert [e["messageId"] for e in sandbox.ledger_to(to)] == [receipt.message_id]


def test_hooks_must_be_callable(sandbox: Sandbox) -> None:
    with pytest.raises(chatlane.ConfigurationError, match="on_retry"):
        sandbox.client(on_retry="not a function")
    sandbox.client(on_retry=None, on_outcome=None)


def fields(record: logging.LogRecord) -> dict[str, object]:
    """The event's fields chatlane puts on a record (``extra={"chatlane": ...}``)."""
    found: dict[str, object] = record.__dict__["chatlane"]
    return found


@pytest.fixture
def secret_sandbox() -> Iterator[Sandbox]:
    with running_sandbox("py-observe-key", SECRET) as running:
        yield running


def test_the_logger_gets_the_task_id_and_never_the_secret(
    secret_sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="chatlane")
    chatlane.enable_logging()
    client = secret_sandbox.client()
    to = recipient()
    secret_sandbox.inject({"kind": "throttle", "retryAfterMs": 50}, to=to)
    receipt = client.send(text(to))
    secret_sandbox.inject({"kind": "error", "status": 403, "code": "Forbidden.RAM"}, to=to)
    with pytest.raises(chatlane.PermissionDeniedError) as caught:
        client.send(text(to))

    records = [r for r in caplog.records if r.name == "chatlane"]
    levels = {r.getMessage().split(" ")[0]: r.levelname for r in records}
    assert levels == {"attempt": "DEBUG", "retrying": "INFO", "sent": "DEBUG", "send": "WARNING"}
    retry = next(r for r in records if r.getMessage().startswith("retrying"))
    assert f"task_id={receipt.task_id}" in retry.getMessage()
    assert fields(retry)["code"] == "Throttled" and fields(retry)["retry_in_ms"] == 50
    failed = next(r for r in records if r.levelname == "WARNING")
    assert fields(failed)["task_id"] == caught.value.task_id
    assert fields(failed)["code"] == "PermissionDenied"
    everything = caplog.text + repr([r.__dict__ for r in records])
    assert SECRET not in everything and "observed content" not in everything
