"""Benchmarks chatlane's Python package (sync and asyncio); reports as bench/PROTOCOL.md says.

The two messages (template, text) are built once and sent alternately, as a user sending
the same kind of message would. The client has fake credentials, the endpoint from
BENCH_ENDPOINT and a rate limit of 10,000,000/s so pacing never interferes.

* ``chatlane-python``: ``sequential`` with ``client.send``; ``inflight64`` with 64 threads of
  a ThreadPoolExecutor (``send`` releases the interpreter while it waits); ``import`` and
  ``rss_after_10000``.
* ``chatlane-python-asyncio``: ``sequential`` awaiting ``send_async`` one at a time;
  ``inflight64`` with 64 coroutines, each awaiting one send at a time.

    BENCH_ENDPOINT=http://127.0.0.1:18080 BENCH_COUNT=5000 BENCH_INFLIGHT=64 \
        .venv/bin/python bench/python/chatlane_bench.py
"""

from __future__ import annotations

import os
import sys

import chatlane

import measure
from measure import AsyncSend, Send, Settings

IMPL = "chatlane-python"
IMPL_ASYNCIO = "chatlane-python-asyncio"
RATE_LIMIT_PER_SECOND = 10_000_000


def make_client(endpoint: str) -> chatlane.Client:
    """A client for ``endpoint`` whose rate limiter never holds a send back."""
    return chatlane.Client(
        access_key_id=measure.KEY_ID,
        access_key_secret=measure.KEY_SECRET,
        endpoint=endpoint,
        rate_limit_per_second=RATE_LIMIT_PER_SECOND,
    )


def make_messages() -> tuple[chatlane.Message, chatlane.Message]:
    """The template and the text message of PROTOCOL.md."""
    template = chatlane.Message(
        from_=measure.SENDER,
        to=measure.RECIPIENT,
        template=chatlane.Template(
            code=measure.TEMPLATE_CODE, language=measure.LANGUAGE, params=dict(measure.TEMPLATE_PARAMS)
        ),
    )
    text = chatlane.Message(from_=measure.SENDER, to=measure.RECIPIENT, content=chatlane.Text(text=measure.TEXT))
    return template, text


def check(receipt: chatlane.SendReceipt) -> None:
    """Raises unless the receipt carries a MessageId (a failed send already raised)."""
    if not receipt.message_id:
        raise RuntimeError(f"send returned no MessageId: {receipt!r}")


def sender(client: chatlane.Client) -> Send:
    """``send(i)``: the template on even ``i``, the text on odd, blocking."""
    messages = make_messages()

    def send(i: int) -> None:
        check(client.send(messages[i & 1]))

    return send


def async_sender(client: chatlane.Client) -> AsyncSend:
    """``await send(i)`` through ``Client.send_async``."""
    messages = make_messages()

    async def send(i: int) -> None:
        check(await client.send_async(messages[i & 1]))

    return send


def main() -> None:
    """Runs every scenario (or, as the ``rss_after`` child, only its sends)."""
    settings = Settings.from_env()
    child_sends = measure.rss_child_sends(sys.argv)
    if child_sends is not None:
        measure.rss_child(sender(make_client(settings.endpoint)), child_sends)
        return
    measure.log(f"{IMPL}: {settings}, rate_limit_per_second={RATE_LIMIT_PER_SECOND}, chatlane {chatlane.__version__}")
    client = make_client(settings.endpoint)
    measure.bench_sequential(IMPL, sender(client), settings)
    measure.bench_threads(IMPL, sender(client), settings)
    async_client = make_client(settings.endpoint)
    measure.bench_async_sequential(IMPL_ASYNCIO, async_sender(async_client), settings)
    measure.bench_async_workers(IMPL_ASYNCIO, async_sender(async_client), settings)
    measure.bench_import(IMPL, "chatlane")
    measure.bench_rss_after_sends(IMPL, os.path.abspath(__file__))


if __name__ == "__main__":
    main()
