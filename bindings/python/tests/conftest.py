"""Fixtures: `chatlane sandbox` subprocesses, their ledgers (CAMS's and Meta's), journal,
faults and Meta tokens and codes, and clients pointed at them."""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import subprocess
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import chatlane
from chatlane import _model

REPO = Path(__file__).resolve().parents[3]
SANDBOX_KEY_ID = "sandbox-access-key-id"
SANDBOX_KEY_SECRET = "sandbox-access-key-secret"
CREDENTIAL_VARIABLES = (
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "ALIBABA_CLOUD_SECURITY_TOKEN",
)
# The sandbox's Meta defaults (sandbox/src/meta/mod.rs): sandbox-only values, not credentials.
META_APP_ID = "900000000000001"
META_APP_SECRET = "sandbox-meta-app-secret"
META_TOKEN = "sandbox-meta-access-token"
PHONE_NUMBER_ID = "106540352242922"
META_USER_ID = "900000000000002"
WABA_ID = "102290129340398"
MESSAGING_SCOPE = "whatsapp_business_messaging"
# The business number of the channel instance `pushing_sandbox` configures, and the token its
# push URLs carry.
BUSINESS = "8613800000000"
PUSH_TOKEN = "push-token"


def parts(value: object) -> Iterator[tuple[type, object]]:
    """Every part of ``value``, depth first, as its type and (a scalar) its value or (a
    container) its size or keys: values with equal parts have the same classes and field
    types, not only equal fields (``1 == 1.0``)."""
    if isinstance(value, _model._Model):
        yield type(value), None
        for name in value._names():
            yield from parts(getattr(value, name))
    elif isinstance(value, list):
        yield list, len(value)
        for item in value:
            yield from parts(item)
    elif isinstance(value, dict):
        yield dict, tuple(value)
        for item in value.values():
            yield from parts(item)
    else:
        yield type(value), value


def new_recipient() -> str:
    """A phone number no other test sends to, so faults and Meta's pair rate stay its own."""
    return "1" + str(uuid.uuid4().int)[:11]


class Sandbox:
    """A running sandbox: its endpoint and account, and readers of its ledger and journal."""

    def __init__(self, endpoint: str, access_key_id: str, access_key_secret: str) -> None:
        self.endpoint = endpoint
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret

    def _get(self, path: str) -> list[dict[str, Any]]:
        with urllib.request.urlopen(f"{self.endpoint}{path}", timeout=10) as answer:
            entries: list[dict[str, Any]] = json.load(answer)
        return entries

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        """Posts `body` as JSON to a control endpoint; its JSON answer, or None when empty."""
        request = urllib.request.Request(
            f"{self.endpoint}{path}",
            data=json.dumps(body).encode(),
            headers={"content-type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert 200 <= answer.status < 300, answer.status
            content = answer.read()
        return json.loads(content) if content else None

    def ledger(self) -> list[dict[str, Any]]:
        """Every accepted message."""
        return self._get("/_sandbox/ledger")

    def entry(self, message_id: str) -> dict[str, Any]:
        found = [e for e in self.ledger() if e["messageId"] == message_id]
        assert len(found) == 1, f"{message_id} is in the ledger {len(found)} times"
        return found[0]

    def ledger_to(self, to: str) -> list[dict[str, Any]]:
        """The accepted messages for one recipient, oldest first."""
        return [e for e in self.ledger() if e["params"].get("To") == to]

    def journal(self, to: str) -> list[dict[str, Any]]:
        """Every authenticated request for one recipient, accepted or not, oldest first."""
        return [r for r in self._get("/_sandbox/requests") if r["to"] == to]

    def requests(self, action: str) -> list[dict[str, Any]]:
        """Every authenticated request of one action (e.g. `ListChatappTemplate`), oldest first."""
        return [r for r in self._get("/_sandbox/requests") if r["action"] == action]

    def inject(self, fault: dict[str, Any], *, to: str | None, times: int = 1, api: str = "cams") -> None:
        """Makes the next `times` requests for `to` (`None`: any request) to the `api` face
        (`cams` or `meta`) misbehave as `fault` describes."""
        rule = {"api": api, "fault": fault, "times": times}
        self._post("/_sandbox/faults", rule if to is None else {**rule, "to": to})

    def meta_ledger_to(self, to: str) -> list[dict[str, Any]]:
        """The messages Meta's face accepted for one recipient, oldest first."""
        return [e for e in self._get("/_sandbox/meta/ledger") if e["recipient"] == to]

    def meta_token(self, **grant: Any) -> str:
        """A token issued by the control endpoint; `grant` is its camelCase request (`scopes`,
        `type`, `lifetimeSeconds`)."""
        token: str = self._post("/_sandbox/meta/tokens", grant)["access_token"]
        return token

    def revoke(self, token: str) -> None:
        """Revokes a Meta token: sends with it then get Meta's code 190."""
        self._post("/_sandbox/meta/tokens/revoke", {"token": token})

    def callbacks(self) -> list[dict[str, Any]]:
        """Every push made (receipts, inbound messages, Meta's webhooks) with its outcome."""
        return self._get("/_sandbox/callbacks")

    def user_writes(self, user: str, business: str, text: str) -> None:
        """Simulates `user`'s WhatsApp message to `business` (pushed to the channel instance's
        inbound URL; it opens the user's 24-hour window)."""
        self._post("/_sandbox/inbound", {"from": user, "to": business, "text": text})

    def meta_user_sends_image(self, user: str, business: str, image: bytes, mime_type: str) -> str:
        """Simulates `user`'s image to the business number `business` on Meta's face (pushed as
        Meta's webhook): the media ID it is stored under."""
        photo = {"data": base64.b64encode(image).decode(), "mimeType": mime_type}
        media_id: str = self._post("/_sandbox/meta/inbound", {"from": user, "to": business, "image": photo})["mediaId"]
        return media_id

    def expire_meta_media_urls(self) -> None:
        """Makes every Meta media download URL issued so far answer 404."""
        self._post("/_sandbox/meta/media/expire-urls", {})

    def corrupt_meta_media(self, media_id: str) -> None:
        """Damages the stored bytes of Meta media `media_id`, keeping the SHA-256 Meta gives."""
        self._post(f"/_sandbox/meta/media/{media_id}/corrupt", {})

    def meta_code(self) -> str:
        """An authorization code as Embedded Signup's popup hands one over (no redirect)."""
        code: str = self._post("/_sandbox/meta/codes", {})["code"]
        return code

    def client(self, **options: Any) -> chatlane.Client:
        """A client signing with this sandbox's account; `options` are `Client` keywords."""
        return chatlane.Client(
            access_key_id=self.access_key_id,
            access_key_secret=self.access_key_secret,
            endpoint=self.endpoint,
            **options,
        )

    def meta_client(self, access_token: chatlane.AccessToken | str = META_TOKEN, **options: Any) -> chatlane.Client:
        """A Meta client of this sandbox's Meta face; `options` are `Client` keywords."""
        # The generated stub types `access_token` as `str | None`, as scripts/codegen/edge.py
        # types every text option, although it takes an `AccessToken` too.
        return chatlane.Client(
            provider="meta",
            access_token=access_token,
            endpoint=self.endpoint,
            **options,
        )

    def meta_app(self, app_secret: str = META_APP_SECRET) -> chatlane.MetaApp:
        """The sandbox's Meta app, its dialog and Graph API both this sandbox."""
        return chatlane.MetaApp(META_APP_ID, app_secret, graph_url=self.endpoint, dialog_url=self.endpoint)


@contextmanager
def running_sandbox(
    access_key_id: str = SANDBOX_KEY_ID, access_key_secret: str = SANDBOX_KEY_SECRET, config: Path | None = None
) -> Iterator[Sandbox]:
    """Runs `chatlane sandbox --port 0` with one account (and the configuration file `config`:
    channel instances, callback URLs…) for the duration of the block."""
    binary = os.environ.get("CHATLANE_BIN", str(REPO / "target" / "debug" / "chatlane"))
    if not Path(binary).is_file():
        pytest.fail(f"no chatlane binary at {binary}: run `cargo build -p chatlane-cli` or set CHATLANE_BIN")
    command = [binary, "sandbox", "--port", "0"]
    command += ["--access-key-id", access_key_id, "--access-key-secret", access_key_secret]
    if config is not None:
        command += ["--config", str(config)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        match = re.fullmatch(r"chatlane sandbox listening on (http://127\.0\.0\.1:\d+)\n", first)
        assert match, f"unexpected first line from the sandbox: {first!r}"
        # Keep draining stdout so the sandbox never blocks on a full pipe.
        threading.Thread(target=process.stdout.read, daemon=True).start()
        yield Sandbox(match.group(1), access_key_id, access_key_secret)
    finally:
        process.kill()
        process.wait(timeout=10)


class RedisServer:
    """A real `redis-server` on a free loopback port, without persistence (the test scripts
    install it): `kill` it as a crash would, `restart` it empty on the same port."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None
        self.restart()

    def restart(self) -> None:
        self.kill()
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.02)

    def kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=10)
            self._process = None


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    yield server
    server.kill()


@contextmanager
def pushing_sandbox(url: str, folder: Path) -> Iterator[Sandbox]:
    """A sandbox pushing CAMS receipts and inbound messages of `BUSINESS` (with `PUSH_TOKEN` in
    the URLs) and Meta's signed webhooks to the webhook server at `url`: `/cams/status`,
    `/cams/inbound`, `/meta`. Its configuration file is written in `folder`."""
    config = {
        "custSpaces": [
            {
                "id": "cams-1",
                "numbers": [BUSINESS],
                "statusCallbackUrl": f"{url}/cams/status?token={PUSH_TOKEN}",
                "upCallbackUrl": f"{url}/cams/inbound?token={PUSH_TOKEN}",
            }
        ],
        "meta": {"webhookUrl": f"{url}/meta"},
        "receiptDelayMs": 5,
    }
    path = folder / "sandbox.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    with running_sandbox(config=path) as sandbox:
        yield sandbox


def until(done: Callable[[], bool], what: str) -> None:
    """Waits (at most 10 s) until `done()` holds."""
    for _ in range(1000):
        if done():
            return
        time.sleep(0.01)
    pytest.fail(f"never {what}")


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    with running_sandbox() as running:
        yield running


@pytest.fixture
def own_sandbox() -> Iterator[Sandbox]:
    """A fresh sandbox whose account no other test signs with, so the process-wide pacing
    budget of its AccessKey ID belongs to one test."""
    suffix = uuid.uuid4().hex
    with running_sandbox(f"py-own-key-{suffix}", f"py-own-secret-{suffix}") as running:
        yield running


def closed_port() -> int:
    """A loopback port nothing listens on (connections to it are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def client(sandbox: Sandbox) -> chatlane.Client:
    return sandbox.client()


@pytest.fixture
def no_env_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No credentials anywhere chatlane looks: no variables, no profile, and a home
    directory without the Alibaba Cloud CLI's configuration."""
    for name in (*CREDENTIAL_VARIABLES, "ALIBABA_CLOUD_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
