"""pywa's webhook path for comparison: each signed one-status body of ``bench/ingest/bodies.py``
(``meta_1``) through ``webhook_update_validator`` and ``webhook_update_handler``, with a status
handler registered so every update becomes pywa's typed ``MessageStatus`` and its in-memory
duplicate check runs, as a pywa server does per request. Runs in the official SDKs' venv.

    BENCH_INGEST_DIR=target/bench/ingest target/bench/venv-official/bin/python bench/python/pywa_ingest.py
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ingest"))

from bodies import APP_SECRET  # noqa: E402
from pywa import WhatsApp, types  # noqa: E402
from replay import load, measure  # noqa: E402


def main() -> None:
    bodies = load(Path(os.environ["BENCH_INGEST_DIR"]), "meta_1")
    handled: list[str] = []
    wa = WhatsApp(phone_id="106540352242922", token="unused", server=None, verify_token="unused",
                  app_secret=APP_SECRET, validate_updates=True)

    @wa.on_message_status()
    def on_status(_: WhatsApp, status: types.MessageStatus) -> None:
        handled.append(status.id)

    def replay() -> Iterator[None]:
        for body, signature in bodies:
            assert wa.webhook_update_validator(body, signature) is None
            assert wa.webhook_update_handler(body) == ("ok", 200)
            yield None

    measure("pywa", "ingest/meta_1/memory", len(bodies), replay)
    assert len(handled) == len(bodies), f"{len(handled)} of {len(bodies)} statuses reached the handler"


if __name__ == "__main__":
    main()
