"""chatlane's Python receiver at volume: the bodies of ``bench/ingest/bodies.py`` (in
BENCH_INGEST_DIR) through ``Receiver.handle`` and ``commit``, as a webhook server runs them,
with the in-memory and the SQLite store, each store fresh so every event is new.

* ``ingest/cams_status_1000/{memory,sqlite}``, ``ingest/meta_1000/{memory,sqlite}``: bodies of
  1,000 events (Meta's signed).
* ``ingest/meta_1/memory``: one status per signed body, as pywa receives them (its row is
  beside this one).

    BENCH_INGEST_DIR=target/bench/ingest .venv/bin/python bench/python/ingest.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ingest"))

import chatlane  # noqa: E402
from bodies import APP_SECRET, CAMS_TOKEN  # noqa: E402
from replay import load, measure  # noqa: E402

IMPL = "chatlane-python"


def replay(receiver: chatlane.Receiver, endpoint: str, bodies: list[tuple[bytes, str | None]]) -> Iterator[int]:
    """Handles and commits each body; yields how many events each handed out."""
    query = f"token={CAMS_TOKEN}" if endpoint != "meta" else ""
    for body, signature in bodies:
        headers = {"X-Hub-Signature-256": signature} if signature else {}
        reply = receiver.handle(endpoint, method="POST", query=query, headers=headers, body=body)
        assert reply.status == 200, reply.body
        receiver.commit(reply.events)
        yield len(reply.events)


def main() -> None:
    directory = Path(os.environ["BENCH_INGEST_DIR"])
    with tempfile.TemporaryDirectory() as scratch:
        for name, endpoint, stores in (
            ("cams_status_1000", "cams_status", ("memory", "sqlite")),
            ("meta_1000", "meta", ("memory", "sqlite")),
            ("meta_1", "meta", ("memory",)),
        ):
            bodies = load(directory, name)
            events = 1000 * len(bodies) if name.endswith("1000") else len(bodies)
            for store in stores:
                path = ":memory:" if store == "memory" else os.path.join(scratch, f"{name}.db")
                receiver = chatlane.Receiver(meta_app_secret=APP_SECRET, cams_token=CAMS_TOKEN, event_store=path)
                measure(IMPL, f"ingest/{name}/{store}", events, lambda: replay(receiver, endpoint, bodies))


if __name__ == "__main__":
    main()
