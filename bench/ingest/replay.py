"""What the Python receiving benchmarks share: reading the bodies ``bodies.py`` wrote, timing a
replay of them and printing the row (bench/PROTOCOL.md)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from pathlib import Path


def load(directory: Path, name: str) -> list[tuple[bytes, str | None]]:
    """The bodies of ``name`` (``cams_status_1000``, ``meta_1000``, ``meta_1``), each with its
    signature (``None`` for CAMS)."""
    bodies = []
    for line in (directory / f"{name}.jsonl").read_text().splitlines():
        if name.startswith("cams"):
            bodies.append((line.encode(), None))
        else:
            item = json.loads(line)
            bodies.append((item["body"].encode(), item["signature"]))
    return bodies


def measure(impl: str, scenario: str, events: int, replay: Callable[[], Iterable[object]]) -> None:
    """Times ``replay`` (which handles every body once and yields once per body) and prints the
    events per second."""
    started = time.perf_counter()
    for _ in replay():
        pass
    seconds = time.perf_counter() - started
    print(json.dumps({"impl": impl, "scenario": scenario, "events": events, "seconds": round(seconds, 4),
                      "events_per_s": round(events / seconds, 1)}), flush=True)
