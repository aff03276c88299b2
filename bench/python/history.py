"""Benchmarks listing a business number's message history with chatlane's Python package
(``ListChatappMessage``, page by page); reports as bench/PROTOCOL.md says.

Against the chatlane sandbox bench/history.sh starts (BENCH_HISTORY_ENDPOINT), whose history
holds BENCH_HISTORY_RECORDS accepted sends of SENDER. Each round is one
``list(client.iter_messages(SENDER, page_size=BENCH_HISTORY_PAGE_SIZE))``: every page asked
for, read and turned into ``HistoryRecord``s, until the short page that ends the history.

* ``chatlane-python`` ``history``: client-side pacing off (``rate_limit_disabled``), so the
  row measures the client, not CAMS's pacing; BENCH_HISTORY_ROUNDS rounds.
* ``chatlane-python`` ``history_paced``: the client's defaults, what users get: reads paced at
  50 per second (``measure.PACED_ROUNDS`` rounds).

``--seed`` instead fills the sandbox's history first (untimed): BENCH_HISTORY_RECORDS sends
(PROTOCOL.md's template and text, in turn) from 64 asyncio coroutines, pacing off.

    BENCH_HISTORY_ENDPOINT=http://127.0.0.1:PORT .venv/bin/python bench/python/history.py --seed
    BENCH_HISTORY_ENDPOINT=http://127.0.0.1:PORT .venv/bin/python bench/python/history.py
"""

from __future__ import annotations

import sys
from time import perf_counter

import chatlane

import measure
from measure import HistorySettings

IMPL = "chatlane-python"
SEED_INFLIGHT = 64
# The seeded history's first user; send i goes to FIRST_USER + i.
FIRST_USER = 6_590_000_000


def make_client(settings: HistorySettings, paced: bool) -> chatlane.Client:
    """A CAMS client of the sandbox's channel instance; pacing off unless ``paced``."""
    return chatlane.Client(
        access_key_id=measure.KEY_ID,
        access_key_secret=measure.KEY_SECRET,
        endpoint=settings.endpoint,
        cust_space_id=measure.CUST_SPACE_ID,
        rate_limit_disabled=not paced,
    )


def campaign_message(i: int) -> chatlane.Message:
    """Send ``i`` of the seeded history: PROTOCOL.md's template and text in turn, each to its
    own user (``FIRST_USER`` + ``i``) with its own text or parameter, as a campaign goes out:
    the user, the conversation and the content differ from record to record, while the
    business number, channel, type, status, template and language repeat."""
    to = str(FIRST_USER + i)
    if i % 2 == 0:
        params = {**measure.TEMPLATE_PARAMS, "code": f"{i:06d}"}
        template = chatlane.Template(code=measure.TEMPLATE_CODE, language=measure.LANGUAGE, params=params)
        return chatlane.Message(from_=measure.SENDER, to=to, template=template)
    return chatlane.Message(from_=measure.SENDER, to=to, content=chatlane.Text(text=f"{measure.TEXT} #{i}"))


def seed(settings: HistorySettings) -> None:
    """Sends ``settings.records`` messages (``campaign_message``), 64 in flight, so the
    history holds them."""
    import asyncio

    client = make_client(settings, paced=False)

    async def run() -> None:
        pending = iter(range(settings.records))

        async def worker() -> None:
            for i in pending:
                await client.send_async(campaign_message(i))

        await asyncio.gather(*(worker() for _ in range(SEED_INFLIGHT)))

    begin = perf_counter()
    asyncio.run(run())
    measure.log(f"seeded the history with {settings.records} sends in {perf_counter() - begin:.2f} s")


def lister(client: chatlane.Client, settings: HistorySettings) -> measure.ListAll:
    """Lists every record of SENDER's history."""

    def list_all() -> list[chatlane.HistoryRecord]:
        return list(client.iter_messages(measure.SENDER, page_size=settings.page_size))

    return list_all


def main() -> None:
    settings = HistorySettings.from_env()
    if sys.argv[1:] == ["--seed"]:
        seed(settings)
        return
    measure.log(f"{IMPL} history: {settings}, chatlane {chatlane.__version__}")
    message_id = lambda record: record.message_id  # noqa: E731
    measure.bench_history(
        IMPL, "history", lister(make_client(settings, paced=False), settings), message_id, settings,
        settings.rounds, pacing="off",
    )
    measure.bench_history(
        IMPL, "history_paced", lister(make_client(settings, paced=True), settings), message_id, settings,
        measure.PACED_ROUNDS, pacing="default (50 reads/s)",
    )


if __name__ == "__main__":
    main()
