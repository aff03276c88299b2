"""Benchmarks listing a business number's message history with Alibaba's official Python SDK
(alibabacloud-cams20200606 5.3.1, ``list_chatapp_message``); reports as bench/PROTOCOL.md says.

The same sandbox, history and rounds as bench/python/history.py. One client with the same
fake credentials, ``endpoint=host:port`` and ``protocol`` from BENCH_HISTORY_ENDPOINT (the
SDK's own defaults otherwise); each round asks for page 1, 2, … with
``ListChatappMessageRequest(channel_type="whatsapp", cust_space_id, business_number,
page=ListChatappMessageRequestPage(index, size))`` until a page shorter than ``size`` (the
answer has no total), collecting each response model's ``data`` records. A page fails
unless its answer is HTTP 200 with ``Code == "OK"``.

* ``official-python`` ``history``: BENCH_HISTORY_ROUNDS rounds. The SDK paces nothing.

    BENCH_HISTORY_ENDPOINT=http://127.0.0.1:PORT \
        target/bench/venv-official/bin/python bench/python/official_history.py
"""

from __future__ import annotations

from alibabacloud_cams20200606 import models

import measure
from measure import HistorySettings
from official import make_client

IMPL = "official-python"


def lister(client, settings: HistorySettings) -> measure.ListAll:  # type: ignore[no-untyped-def]
    """Lists every record of SENDER's history, a page at a time."""

    def list_all() -> list[models.ListChatappMessageResponseBodyData]:
        records: list[models.ListChatappMessageResponseBodyData] = []
        index = 1
        while True:
            response = client.list_chatapp_message(
                models.ListChatappMessageRequest(
                    channel_type="whatsapp",
                    cust_space_id=measure.CUST_SPACE_ID,
                    business_number=measure.SENDER,
                    page=models.ListChatappMessageRequestPage(index=index, size=settings.page_size),
                )
            )
            body = response.body
            if response.status_code != 200 or body is None or body.code != "OK":
                raise RuntimeError(f"page {index}: HTTP {response.status_code} {body.to_map() if body else None}")
            data = body.data or []
            records += data
            if len(data) < settings.page_size:
                return records
            index += 1

    return list_all


def main() -> None:
    settings = HistorySettings.from_env()
    measure.log(f"{IMPL} history: {settings}")
    measure.bench_history(
        IMPL, "history", lister(make_client(settings.endpoint), settings), lambda record: record.message_id,
        settings, settings.rounds, pacing="none (the SDK has none)",
    )


if __name__ == "__main__":
    main()
