"""Benchmarks Alibaba's official Python SDK (alibabacloud-cams20200606 5.3.1) the way
bench/ANCHORS.md measured it; reports as bench/PROTOCOL.md says.

One client with fake credentials, ``endpoint=host:port`` and ``protocol`` from
BENCH_ENDPOINT; the two requests (template, text) are built once and sent alternately.
Each of the SDK's two surfaces is measured the way chatlane's counterpart is, so every
ratio compares like with like:

* ``official-python``: the blocking ``send_chatapp_message``, ``sequential`` and
  ``inflight64`` from 64 threads;
* ``official-python-asyncio``: the SDK's asyncio API (``send_chatapp_message_async``),
  ``sequential`` awaited one at a time and ``inflight64`` from 64 coroutines.

A send fails unless the answer is HTTP 200 with ``Code == "OK"`` and a ``MessageId``.

    BENCH_ENDPOINT=http://127.0.0.1:18080 BENCH_COUNT=5000 BENCH_INFLIGHT=64 \
        target/bench/venv-official/bin/python bench/python/official.py
"""

from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit

from alibabacloud_cams20200606 import models
from alibabacloud_cams20200606.client import Client
from alibabacloud_tea_openapi.models import Config

import measure
from measure import AsyncSend, Send, Settings

IMPL = "official-python"
IMPL_ASYNCIO = "official-python-asyncio"
MODULE = "alibabacloud_cams20200606.client"


def make_client(endpoint: str) -> Client:
    """The SDK client for ``endpoint`` (e.g. ``http://127.0.0.1:18080``)."""
    url = urlsplit(endpoint)
    return Client(
        Config(
            access_key_id=measure.KEY_ID,
            access_key_secret=measure.KEY_SECRET,
            endpoint=url.netloc,
            protocol=url.scheme,
        )
    )


def make_requests() -> tuple[models.SendChatappMessageRequest, models.SendChatappMessageRequest]:
    """The template and the text message of PROTOCOL.md."""
    template = models.SendChatappMessageRequest(
        channel_type="whatsapp",
        type="template",
        from_=measure.SENDER,
        to=measure.RECIPIENT,
        template_code=measure.TEMPLATE_CODE,
        language=measure.LANGUAGE,
        template_params=dict(measure.TEMPLATE_PARAMS),
    )
    text = models.SendChatappMessageRequest(
        channel_type="whatsapp",
        type="message",
        message_type="text",
        from_=measure.SENDER,
        to=measure.RECIPIENT,
        content=f'{{"text":"{measure.TEXT}"}}',
    )
    return template, text


def check(response: models.SendChatappMessageResponse) -> None:
    """Raises unless the platform accepted the message (the SDK returns ``Code != "OK"``
    as a normal response)."""
    body = response.body
    if response.status_code != 200 or body is None or body.code != "OK" or not body.message_id:
        raise RuntimeError(f"send failed: HTTP {response.status_code} {body.to_map() if body else None}")


def sender(client: Client) -> Send:
    """``send(i)``: the template on even ``i``, the text on odd, blocking."""
    requests = make_requests()

    def send(i: int) -> None:
        check(client.send_chatapp_message(requests[i & 1]))

    return send


def async_sender(client: Client) -> AsyncSend:
    """``await send(i)`` through the SDK's asyncio API."""
    requests = make_requests()

    async def send(i: int) -> None:
        check(await client.send_chatapp_message_async(requests[i & 1]))

    return send


def main() -> None:
    """Runs every scenario (or, as the ``rss_after`` child, only its sends)."""
    settings = Settings.from_env()
    client = make_client(settings.endpoint)
    child_sends = measure.rss_child_sends(sys.argv)
    if child_sends is not None:
        measure.rss_child(sender(client), child_sends)
        return
    measure.log(f"{IMPL}: {settings}")
    measure.bench_sequential(IMPL, sender(client), settings)
    measure.bench_threads(IMPL, sender(client), settings)
    measure.bench_async_sequential(IMPL_ASYNCIO, async_sender(client), settings)
    measure.bench_async_workers(IMPL_ASYNCIO, async_sender(client), settings)
    measure.bench_import(IMPL, MODULE)
    measure.bench_rss_after_sends(IMPL, os.path.abspath(__file__))


if __name__ == "__main__":
    main()
