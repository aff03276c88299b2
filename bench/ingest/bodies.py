"""Writes the bodies the receiving benchmarks replay (one set for every language): signed
Meta notifications and CAMS status pushes, each event with an ID of its own.

* ``cams_status_1000.jsonl``: BODIES lines, each a CAMS ``ChatAppStatus`` push of 1,000 receipts.
* ``meta_1000.jsonl``: BODIES lines ``{"body": "<notification of 1,000 statuses>", "signature": "sha256=…"}``.
* ``meta_1.jsonl``: SINGLES lines, one status each (with the ``contacts`` entry Meta sends), the
  shape a per-update library such as pywa handles.

    python3 bench/ingest/bodies.py OUTDIR [BODIES] [SINGLES]
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
from pathlib import Path

#: The app secret the Meta bodies are signed with (the readers verify with it).
APP_SECRET = "bench-app-secret"
#: The CAMS push URL token the readers configure.
CAMS_TOKEN = "bench"
EVENTS = 1000


def compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


def cams_body(first: int) -> str:
    return compact([
        {"MessageId": f"m-{i}", "Status": "Delivered", "From": "8613800000000", "To": "6591234567",
         "Timestamp": 1691043638000, "TaskId": f"t-{i}", "ConversationType": "service"}
        for i in range(first, first + EVENTS)
    ])


def meta_body(first: int, count: int) -> str:
    statuses = [
        {"id": f"wamid.{i}", "status": "delivered", "timestamp": "1750263773", "recipient_id": "16505551234",
         "biz_opaque_callback_data": f"t-{i}"}
        for i in range(first, first + count)
    ]
    value = {"messaging_product": "whatsapp",
             "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
             "contacts": [{"profile": {"name": "Kerry"}, "wa_id": "16505551234"}],
             "statuses": statuses}
    return compact({"object": "whatsapp_business_account",
                    "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": value}]}]})


def signed(body: str) -> str:
    signature = hmac.new(APP_SECRET.encode(), body.encode(), hashlib.sha256).hexdigest()
    return compact({"body": body, "signature": f"sha256={signature}"})


def main() -> None:
    out = Path(sys.argv[1])
    bodies = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    singles = int(sys.argv[3]) if len(sys.argv) > 3 else 5000
    out.mkdir(parents=True, exist_ok=True)
    (out / "cams_status_1000.jsonl").write_text("".join(cams_body(b * EVENTS) + "\n" for b in range(bodies)))
    (out / "meta_1000.jsonl").write_text("".join(signed(meta_body(b * EVENTS, EVENTS)) + "\n" for b in range(bodies)))
    (out / "meta_1.jsonl").write_text("".join(signed(meta_body(i, 1)) + "\n" for i in range(singles)))


if __name__ == "__main__":
    main()
