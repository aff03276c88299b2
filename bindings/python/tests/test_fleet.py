"""Pacing shared through a real Redis (``rate_limit_redis_url``): processes that share
nothing but the Redis stay together under the limit, clients of one ``account`` take one
budget, and while Redis is down sends wait and fail with ``RateLimited`` (nothing sent), then
resume when it is back."""

from __future__ import annotations

import subprocess
import sys

import pytest

import chatlane

from conftest import RedisServer, Sandbox, new_recipient

RATE = 20
PER_PROCESS = 40

# One worker process: its own client on the shared Redis, all its sends offered at once.
WORKER = """
import asyncio, sys
import chatlane

endpoint, key_id, secret, redis_url, rate, count, prefix = sys.argv[1:]
client = chatlane.Client(access_key_id=key_id, access_key_secret=secret, endpoint=endpoint,
                         rate_limit_per_second=float(rate), rate_limit_redis_url=redis_url)

async def main():
    sends = [client.send_async(chatlane.Message(from_="8613800000000", to=f"{prefix}{i:03}",
                                                content=chatlane.Text(text="hi")))
             for i in range(int(count))]
    await asyncio.gather(*sends)

asyncio.run(main())
"""


def busiest_second(times_us: list[int]) -> int:
    times = sorted(times_us)
    return max(sum(1 for t in times[i:] if t < times[i] + 1_000_000) for i in range(len(times)))


def test_processes_sharing_only_redis_stay_under_the_limit_together(
    own_sandbox: Sandbox, redis_server: RedisServer
) -> None:
    prefixes = ["1555000", "1555001"]
    arguments = [own_sandbox.endpoint, own_sandbox.access_key_id, own_sandbox.access_key_secret, redis_server.url]
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, *arguments, str(RATE), str(PER_PROCESS), prefix])
        for prefix in prefixes
    ]
    assert [worker.wait(timeout=60) for worker in workers] == [0, 0]
    times = [r["receivedAtUs"] for r in own_sandbox.requests("SendChatappMessage")]
    assert len(times) == 2 * PER_PROCESS
    # GCRA with a burst of 1 admits one at once, then one per 50 ms: RATE + 1 in a span of
    # exactly one second (one at each end), which each send's own delay can show.
    assert busiest_second(times) <= RATE + 1
    achieved = (len(times) - 1) / ((max(times) - min(times)) / 1e6)
    assert achieved >= 0.98 * RATE, f"the two processes together reached {achieved:.2f}/s of {RATE}/s"


def test_clients_of_one_account_take_one_budget(sandbox: Sandbox, redis_server: RedisServer) -> None:
    def client(account: str) -> chatlane.Client:
        return sandbox.client(
            account=account, rate_limit_per_second=1, rate_limit_max_wait=0, rate_limit_redis_url=redis_server.url
        )

    message = chatlane.Message(from_="8613800000000", to=new_recipient(), content=chatlane.Text(text="hi"))
    client("acct-shared").send(message)
    with pytest.raises(chatlane.ThrottledError) as refused:
        client("acct-shared").send(message)
    assert refused.value.code == "RateLimited"
    assert refused.value.retry_after is not None and refused.value.retry_after > 0.8
    client("acct-other").send(message)
    assert len(sandbox.ledger_to(message.to)) == 2


def test_while_redis_is_down_sends_wait_then_fail_and_nothing_goes_out(
    sandbox: Sandbox, redis_server: RedisServer
) -> None:
    client = sandbox.client(rate_limit_redis_url=redis_server.url, rate_limit_max_wait=0.3)
    to = new_recipient()
    message = chatlane.Message(from_="8613800000000", to=to, content=chatlane.Text(text="hi"))
    client.send(message)
    redis_server.kill()
    with pytest.raises(chatlane.ThrottledError, match="did not answer within the allowed wait") as refused:
        client.send(message)
    assert refused.value.code == "RateLimited"
    assert len(sandbox.ledger_to(to)) == 1, "nothing went out while Redis was down"

    redis_server.restart()
    patient = sandbox.client(rate_limit_redis_url=redis_server.url)
    patient.send(message)
    assert len(sandbox.ledger_to(to)) == 2


def test_redis_options_are_checked_and_the_password_never_shown(sandbox: Sandbox) -> None:
    url = "redis://:pa55word@127.0.0.1:1/0"
    with pytest.raises(chatlane.ConfigurationError, match="rate_limit_instances"):
        sandbox.client(rate_limit_redis_url=url, rate_limit_redis_outage="local")
    with pytest.raises(chatlane.ConfigurationError, match="closed.*local") as refused:
        sandbox.client(rate_limit_redis_url=url, rate_limit_redis_outage="open")
    assert "pa55word" not in str(refused.value)
    with pytest.raises(chatlane.ConfigurationError, match="not a redis://") as refused:
        sandbox.client(rate_limit_redis_url="http://:pa55word@127.0.0.1:1")
    assert "pa55word" not in str(refused.value)
    with pytest.raises(chatlane.ConfigurationError, match="apply to a rate_limit_redis_url"):
        sandbox.client(rate_limit_instances=2)
    with pytest.raises(chatlane.ConfigurationError, match="account must be"):
        sandbox.client(account="{braces}")
    client = sandbox.client(rate_limit_redis_url=url, rate_limit_redis_outage="local", rate_limit_instances=4)
    assert "pa55word" not in repr(client)
