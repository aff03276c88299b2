"""Where a history listing's time goes: the CPU time of each step of one listing of every
record (bench/history.sh's sandbox and settings), untimed by the rows it follows.

    history_split.py chatlane   # chatlane's package (.venv)
    history_split.py official   # the official SDK (target/bench/venv-official)

chatlane's ``iter_messages`` is split by thread, as the core runs a walk: the reader's (this
Python thread: it builds each page's generated model classes straight from the core's values,
and reads a page's records itself when it waits for them) and the core runtime's (the task
asking for the pages: signing, HTTP, the answers' classification and records counted, and
the reading of a page while the reader is busy). The official SDK's
``list_chatapp_message`` is split into its response models (``DaraCore.from_map``, timed by
wrapping it) and the rest (request models, signing, ``requests``, ``json``). chatlane's split
also measures the sandbox's CPU time per request for the first full page and the last. One
JSON line per step (``impl``, ``scenario`` ``history_split``, ``step``, ``cpu_s`` per listing),
means over BENCH_HISTORY_SPLIT_ROUNDS (3) listings after one to warm up.
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
    from time import thread_time_ns

    import chatlane
    from chatlane import _ops

    from history import make_client

    client = make_client(settings, paced=False)
    steps = {"the reader's thread (builds the models, reads records when waiting)": 0,
             "the core runtime's threads (signing, HTTP, classifying, counting, reading)": 0}
    names = list(steps)
    for round_ in range(ROUNDS + 1):
        process, thread = process_time_ns(), thread_time_ns()
        records = len(list(client.iter_messages(measure.SENDER, page_size=settings.page_size)))
        reader = thread_time_ns() - thread
        if round_:
            for name, spent in zip(names, (reader, process_time_ns() - process - reader)):
                steps[name] += spent
        if records != settings.records:
            raise RuntimeError(f"listed {records} records, not {settings.records}")
    for name, spent in steps.items():
        emit("chatlane-python", name, spent / ROUNDS, settings, version=chatlane.__version__)
    server = measure.sandbox_pid()
    if server:
        operation = _ops._OPERATIONS["list_messages"]
        query = operation.query(measure.SENDER, page_size=settings.page_size)
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
