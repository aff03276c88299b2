"""Cancellation and shutdown: a cancelled `send_async` never goes out later, a process that
exits with sends in flight exits cleanly every time, and one client's pacing never holds up
another client of the same account."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

import chatlane
from conftest import Sandbox

SENDER = "8613900000000"

# Runs per way of exiting in the mid-flight test, and how many run at once.
EXIT_RUNS = 24
EXIT_PARALLEL = 4


def recipient() -> str:
    """A phone number no other test sends to, so fault rules and journal lines stay apart."""
    return f"65{uuid.uuid4().int % 10**10:010d}"


def text(to: str) -> chatlane.Message:
    return chatlane.Message(from_=SENDER, to=to, content=chatlane.Text(text="hello"))


async def cancel_after(seconds: float, send: asyncio.Task[chatlane.SendReceipt]) -> None:
    """Lets `send` run for `seconds`, then cancels it; it must not have finished by then."""
    await asyncio.sleep(seconds)
    assert not send.done(), "the send finished before it was cancelled"
    send.cancel()
    with pytest.raises(asyncio.CancelledError):
        await send


def test_a_send_cancelled_while_it_waits_for_its_pacing_slot_never_goes_out(own_sandbox: Sandbox) -> None:
    client = own_sandbox.client(rate_limit_per_second=1.0)
    to = recipient()

    async def scenario() -> None:
        await client.send_async(text(to))
        await cancel_after(0.3, asyncio.create_task(client.send_async(text(to))))
        await asyncio.sleep(1.5)

    asyncio.run(scenario())
    assert (len(own_sandbox.journal(to)), len(own_sandbox.ledger_to(to))) == (1, 1)


def test_a_send_cancelled_during_a_retry_backoff_is_never_retried(sandbox: Sandbox) -> None:
    client = sandbox.client()
    to = recipient()
    sandbox.inject({"kind": "throttle", "retryAfterMs": 1000}, to=to)

    async def scenario() -> None:
        await cancel_after(0.3, asyncio.create_task(client.send_async(text(to))))
        assert len(sandbox.journal(to)) == 1, "the first attempt went out and was throttled"
        await asyncio.sleep(1.5)

    asyncio.run(scenario())
    assert [r["outcome"] for r in sandbox.journal(to)] == ["Throttling.User"]
    assert sandbox.ledger_to(to) == []


def test_a_slow_client_never_makes_a_fast_one_of_the_same_account_wait(own_sandbox: Sandbox) -> None:
    slow = own_sandbox.client(rate_limit_per_second=0.1)
    fast = own_sandbox.client(rate_limit_max_wait=1.0)
    to = recipient()
    slow.send(text(to))
    # Made to wait for the slow client's schedule (10 s), the fast one would be refused
    # (RateLimited) by its one-second maximum wait.
    for _ in range(5):
        fast.send(text(to))
    with pytest.raises(chatlane.ThrottledError):
        own_sandbox.client(rate_limit_per_second=0.1, rate_limit_max_wait=1.0).send(text(to))
    assert len(own_sandbox.ledger_to(to)) == 6


# A child process that starts 200 sends against a slow sandbox (paced at 250/s, so they go on
# for most of a second) and exits while they are in flight, in the way argv[3] names: `sys.exit` inside the loop, returning from `asyncio.run`'s
# coroutine with tasks pending, or leaving the main thread while a daemon thread's loop sends.
# A send finishing while the interpreter was being finalized used to abort or crash it.
EXIT_MID_FLIGHT = r"""
import asyncio, sys, threading, time
import chatlane

endpoint, key_id, secret, to, how = sys.argv[1:6]
delay = float(sys.argv[6])
client = chatlane.Client(access_key_id=key_id, access_key_secret=secret, endpoint=endpoint)
message = chatlane.Message(from_="8613900000000", to=to, content=chatlane.Text(text="bye"))

async def sends() -> None:
    tasks = [asyncio.ensure_future(client.send_async(message)) for _ in range(200)]
    await asyncio.sleep(delay)
    if how == "sys_exit":
        sys.exit(0)

if how == "thread":
    threading.Thread(target=asyncio.run, args=(sends(),), daemon=True).start()
    time.sleep(delay)
else:
    asyncio.run(sends())
"""


def exit_mid_flight(sandbox: Sandbox, to: str, how: str, run: int) -> int:
    """The exit status of one child process (negative: the signal that killed it)."""
    delay = f"{0.05 + (run % 8) * 0.04:.2f}"
    keys = [sandbox.access_key_id, sandbox.access_key_secret]
    command = [sys.executable, "-c", EXIT_MID_FLIGHT, sandbox.endpoint, *keys, to, how, delay]
    return subprocess.run(command, timeout=60, capture_output=True).returncode


@pytest.mark.parametrize("how", ["sys_exit", "return", "thread"])
def test_exiting_with_sends_in_flight_is_clean_every_time(own_sandbox: Sandbox, how: str) -> None:
    # Its own sandbox and account: the children's hundreds of sends must not use up the
    # shared sandbox's QPS for the tests that follow.
    sandbox = own_sandbox
    to = recipient()
    sandbox.inject({"kind": "latency", "ms": 20, "jitterMs": 300}, to=to, times=1_000_000)
    with ThreadPoolExecutor(EXIT_PARALLEL) as pool:
        statuses = list(pool.map(lambda run: exit_mid_flight(sandbox, to, how, run), range(EXIT_RUNS)))
    assert statuses == [0] * EXIT_RUNS, f"exit statuses of {EXIT_RUNS} runs: {statuses}"
    assert sandbox.journal(to), "the children's sends reached the sandbox"
