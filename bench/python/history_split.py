"""Where a history listing's time goes: the CPU time of each step of one listing of every
record (bench/history.sh's sandbox and settings), untimed by the rows it follows.

    history_split.py chatlane   # chatlane's package (.venv)
    history_split.py official   # the official SDK (target/bench/venv-official)

chatlane's ``iter_messages`` is taken apart the way ``chatlane._ops`` runs it, page by page:
the core's call (``Client._ask``: sign, HTTP, read the CAMS answer, write the records' JSON
text, with the interpreter released), and the native build of the generated model classes
from that text (``_ops._read``: ``_chatlane._answer``, which checks nothing again). The
official SDK's ``list_chatapp_message`` is split into its response models
(``DaraCore.from_map``, timed by wrapping it) and the rest (request models, signing,
``requests``, ``json``). chatlane's split also measures the sandbox's CPU time per request
for the first full page and the last (the sandbox walks the history from the newest record to
a page's start on every request). One JSON line per step (``impl``, ``scenario``
``history_split``, ``step``, ``cpu_s`` per listing), means over BENCH_HISTORY_SPLIT_ROUNDS
(3) listings after one to warm up.
"""

from __future__ import annotations

import os
import sys
from time import process_time_ns
from typing import Any, Callable

import measure
from measure import HistorySettings

ROUNDS = int(os.environ.get("BENCH_HISTORY_SPLIT_ROUNDS", "3"))


def emit(impl: str, step: str, ns: float, settings: HistorySettings, **fields: Any) -> None:
    measure.emit(
        impl,
        "history_split",
        step=step,
        cpu_s=round(ns / 1e9, 4),
        us_per_record=round(ns / settings.records / 1e3, 2),
        **fields,
    )


def chatlane_split(settings: HistorySettings) -> None:
    import chatlane
    from chatlane import _ops

    from history import make_client

    client = make_client(settings, paced=False)
    operation = _ops._OPERATIONS["list_messages"]
    query = operation.query(measure.SENDER, page_size=settings.page_size)
    steps = {"core call (Client._ask)": 0, "HistoryPage built natively (_ops._read)": 0}
    names = list(steps)
    for round_ in range(ROUNDS + 1):
        records = 0
        page: int | None = 1
        while page is not None:
            t0 = process_time_ns()
            text = client._ask(operation.action, _ops._json({**query, "page": page}))
            t1 = process_time_ns()
            answer = _ops._read(operation, text)
            t2 = process_time_ns()
            if round_:
                for name, spent in zip(names, (t1 - t0, t2 - t1)):
                    steps[name] += spent
            records += len(answer.records)
            page = answer.next_page
        if records != settings.records:
            raise RuntimeError(f"listed {records} records, not {settings.records}")
    for name, spent in steps.items():
        emit("chatlane-python", name, spent / ROUNDS, settings, version=chatlane.__version__)
    server = measure.sandbox_pid()
    if server:
        last = settings.records // settings.page_size
        for page_number in (1, last):
            costs = []
            for _ in range(ROUNDS + 1):
                before = measure.cpu_ns(server)
                client._ask(operation.action, _ops._json({**query, "page": page_number}))
                costs.append(measure.cpu_ns(server) - before)
            measure.emit(
                "sandbox",
                "history_split",
                step=f"one request, page {page_number}",
                cpu_s=round(measure.median([float(c) for c in costs[1:]]) / 1e9, 6),
            )


def official_split(settings: HistorySettings) -> None:
    from darabonba.core import DaraCore

    from official import make_client
    from official_history import lister

    list_all = lister(make_client(settings.endpoint), settings)
    from_map: Callable[..., Any] = DaraCore.from_map
    spent = {"models": 0}

    def timed(model: Any, data: Any) -> Any:
        begin = process_time_ns()
        try:
            return from_map(model, data)
        finally:
            spent["models"] += process_time_ns() - begin

    DaraCore.from_map = staticmethod(timed)  # type: ignore[method-assign]
    total = 0
    for round_ in range(ROUNDS + 1):
        if round_ == 1:
            spent["models"] = 0
        begin = process_time_ns()
        list_all()
        if round_:
            total += process_time_ns() - begin
    rest = (total - spent["models"]) / ROUNDS
    emit("official-python", "everything but the models (signing, requests, json)", rest, settings)
    emit("official-python", "response models (DaraCore.from_map)", spent["models"] / ROUNDS, settings)


def main() -> None:
    settings = HistorySettings.from_env()
    {"chatlane": chatlane_split, "official": official_split}[sys.argv[1]](settings)


if __name__ == "__main__":
    main()
