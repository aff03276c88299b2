"""Fixtures: a `chatlane sandbox` subprocess, its ledger, and clients pointed at it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import chatlane

REPO = Path(__file__).resolve().parents[2]
SANDBOX_KEY_ID = "sandbox-access-key-id"
SANDBOX_KEY_SECRET = "sandbox-access-key-secret"
CREDENTIAL_VARIABLES = (
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "ALIBABA_CLOUD_SECURITY_TOKEN",
)


class Sandbox:
    """A running sandbox: its endpoint and a reader of its ledger."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    def ledger(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen(f"{self.endpoint}/_sandbox/ledger", timeout=10) as answer:
            entries: list[dict[str, Any]] = json.load(answer)
        return entries

    def entry(self, message_id: str) -> dict[str, Any]:
        found = [e for e in self.ledger() if e["messageId"] == message_id]
        assert len(found) == 1, f"{message_id} is in the ledger {len(found)} times"
        return found[0]


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    binary = os.environ.get("CHATLANE_BIN", str(REPO / "target" / "debug" / "chatlane"))
    if not Path(binary).is_file():
        pytest.fail(f"no chatlane binary at {binary}: run `cargo build -p chatlane-cli` or set CHATLANE_BIN")
    process = subprocess.Popen(
        [binary, "sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        match = re.fullmatch(r"chatlane sandbox listening on (http://127\.0\.0\.1:\d+)\n", first)
        assert match, f"unexpected first line from the sandbox: {first!r}"
        # Keep draining stdout so the sandbox never blocks on a full pipe.
        threading.Thread(target=process.stdout.read, daemon=True).start()
        yield Sandbox(match.group(1))
    finally:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture
def client(sandbox: Sandbox) -> chatlane.Client:
    return chatlane.Client(
        access_key_id=SANDBOX_KEY_ID,
        access_key_secret=SANDBOX_KEY_SECRET,
        endpoint=sandbox.endpoint,
    )


@pytest.fixture
def no_env_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
