"""A send's own settings: `timeout=` replaces the client's request timeout for that send's
attempts, shorter or longer, and is checked like every option."""

from __future__ import annotations

import asyncio
import uuid

import pytest

import chatlane
from conftest import Sandbox


def text(to: str) -> chatlane.Message:
    return chatlane.Message(from_="8613800000000", to=to, content=chatlane.Text(text="hi"))


def recipient() -> str:
    return f"65{uuid.uuid4().int % 10**10:010d}"


def test_a_shorter_timeout_of_its_own_gives_up_on_a_slow_answer(sandbox: Sandbox) -> None:
    to = recipient()
    sandbox.inject({"kind": "latency", "ms": 2000}, to=to)
    with pytest.raises(chatlane.OutcomeUnknownError) as caught:
        sandbox.client(request_timeout=10).send(text(to), timeout=0.1)
    assert caught.value.attempts == 1
    assert caught.value.task_id


def test_a_longer_timeout_of_its_own_waits_for_a_slow_answer(sandbox: Sandbox) -> None:
    client = sandbox.client(request_timeout=0.1)
    to = recipient()
    sandbox.inject({"kind": "latency", "ms": 300}, to=to)
    assert client.send(text(to), timeout=5).attempts == 1
    to = recipient()
    sandbox.inject({"kind": "latency", "ms": 300}, to=to)
    assert asyncio.run(client.send_async(text(to), timeout=5)).attempts == 1


@pytest.mark.parametrize("timeout", [0, -1, float("nan"), 100_000, "5"])
def test_a_bad_timeout_is_a_configuration_error(client: chatlane.Client, timeout: object) -> None:
    with pytest.raises(chatlane.ConfigurationError) as caught:
        client.send(text(recipient()), timeout=timeout)  # type: ignore[arg-type]
    assert caught.value.code == "InvalidConfig"
