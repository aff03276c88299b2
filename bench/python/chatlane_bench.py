"""Benchmarks chatlane's Python package (sync and asyncio); reports as bench/PROTOCOL.md says.

Each provider's messages are built once and sent in turn, as a user sending the same kind of
message would: CAMS alternates a template and a text message, Meta sends a text message. Each
client has fake credentials, its provider's endpoint (BENCH_ENDPOINT, BENCH_META_ENDPOINT) and
client-side pacing off, so pacing never interferes. Every throughput scenario runs for CAMS,
then for Meta (lines labelled ``provider``).

* ``chatlane-python``: ``sequential`` with ``client.send``; ``inflight64`` with 64 threads of
  a ThreadPoolExecutor (``send`` releases the interpreter while it waits); ``import`` and
  ``rss_after_10000`` (CAMS).
* ``chatlane-python-asyncio``: ``sequential`` awaiting ``send_async`` one at a time;
  ``inflight64`` with 64 coroutines, each awaiting one send at a time.

    BENCH_ENDPOINT=http://127.0.0.1:18080 BENCH_META_ENDPOINT=http://127.0.0.1:18090 \
        BENCH_COUNT=5000 BENCH_INFLIGHT=64 .venv/bin/python bench/python/chatlane_bench.py
"""

from __future__ import annotations

import os
import sys

import chatlane

import measure
from measure import AsyncSend, Send, Settings

IMPL = "chatlane-python"
IMPL_ASYNCIO = "chatlane-python-asyncio"
PROVIDERS = ("cams", "meta")
CREDENTIALS = {
    "cams": {"access_key_id": measure.KEY_ID, "access_key_secret": measure.KEY_SECRET},
    "meta": {"access_token": measure.META_TOKEN},
}


def make_client(provider: str, settings: Settings) -> chatlane.Client:
    """A ``provider`` client for its endpoint, with pacing off."""
    return chatlane.Client(
        provider=provider,
        endpoint=settings.endpoint_for(provider),
        rate_limit_disabled=True,
        **CREDENTIALS[provider],
    )


def make_messages(provider: str) -> tuple[chatlane.Message, ...]:
    """PROTOCOL.md's messages: CAMS's template and text, Meta's text."""
    text = chatlane.Text(text=measure.TEXT)
    if provider == "meta":
        return (chatlane.Message(from_=measure.META_SENDER, to=measure.RECIPIENT, content=text),)
    template = chatlane.Message(
        from_=measure.SENDER,
        to=measure.RECIPIENT,
        template=chatlane.Template(
            code=measure.TEMPLATE_CODE, language=measure.LANGUAGE, params=dict(measure.TEMPLATE_PARAMS)
        ),
    )
    return template, chatlane.Message(from_=measure.SENDER, to=measure.RECIPIENT, content=text)


def check(receipt: chatlane.SendReceipt) -> None:
    """Raises unless the receipt carries a message ID (a failed send already raised)."""
    if not receipt.message_id:
        raise RuntimeError(f"send returned no message ID: {receipt!r}")


def sender(client: chatlane.Client, provider: str) -> Send:
    """``send(i)``: message ``i`` of the provider's messages, in turn, blocking."""
    messages = make_messages(provider)

    def send(i: int) -> None:
        check(client.send(messages[i % len(messages)]))

    return send


def async_sender(client: chatlane.Client, provider: str) -> AsyncSend:
    """``await send(i)`` through ``Client.send_async``."""
    messages = make_messages(provider)

    async def send(i: int) -> None:
        check(await client.send_async(messages[i % len(messages)]))

    return send


def main() -> None:
    """Runs every scenario (or, as the ``rss_after`` child, only its sends)."""
    settings = Settings.from_env()
    child_sends = measure.rss_child_sends(sys.argv)
    if child_sends is not None:
        measure.rss_child(sender(make_client("cams", settings), "cams"), child_sends)
        return
    measure.log(f"{IMPL}: {settings}, pacing off, chatlane {chatlane.__version__}")
    for provider in PROVIDERS:
        client = make_client(provider, settings)
        measure.bench_sequential(IMPL, sender(client, provider), settings, provider)
        measure.bench_threads(IMPL, sender(client, provider), settings, provider)
        async_client = make_client(provider, settings)
        measure.bench_async_sequential(IMPL_ASYNCIO, async_sender(async_client, provider), settings, provider)
        measure.bench_async_workers(IMPL_ASYNCIO, async_sender(async_client, provider), settings, provider)
    measure.bench_import(IMPL, "chatlane")
    measure.bench_rss_after_sends(IMPL, os.path.abspath(__file__))


if __name__ == "__main__":
    main()
