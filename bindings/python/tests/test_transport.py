"""Transport options: a private CA's certificates (`ca_certificates`, against
`chatlane sandbox --tls`), and a proxy (`proxy`) that carries every request."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import threading
from collections.abc import Iterator
from typing import Any

import pytest

import chatlane
from conftest import REPO, SANDBOX_KEY_ID, SANDBOX_KEY_SECRET

KEYS: dict[str, Any] = {"access_key_id": SANDBOX_KEY_ID, "access_key_secret": SANDBOX_KEY_SECRET, "max_attempts": 1}


def message() -> chatlane.Message:
    return chatlane.Message(from_="8613800000000", to="6591234567", content=chatlane.Text(text="hi"))


@pytest.fixture(scope="module")
def tls_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """`chatlane sandbox --tls`: its https endpoint and the PEM of the CA it generated."""
    binary = os.environ.get("CHATLANE_BIN", str(REPO / "target" / "debug" / "chatlane"))
    ca = tmp_path_factory.mktemp("tls") / "ca.pem"
    process = subprocess.Popen(
        [binary, "sandbox", "--port", "0", "--tls", "--ca-out", str(ca)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        match = re.fullmatch(r"chatlane sandbox listening on (https://127\.0\.0\.1:\d+)\n", first)
        assert match, first
        threading.Thread(target=process.stdout.read, daemon=True).start()
        yield match.group(1), ca.read_text(encoding="ascii")
    finally:
        process.kill()
        process.wait(timeout=10)


def test_a_client_trusting_the_ca_sends_over_https(tls_sandbox: tuple[str, str]) -> None:
    endpoint, ca = tls_sandbox
    client = chatlane.Client(endpoint=endpoint, ca_certificates=ca, **KEYS)
    assert client.send(message()).message_id


def test_a_client_not_trusting_it_sends_nothing(tls_sandbox: tuple[str, str]) -> None:
    endpoint, _ = tls_sandbox
    with pytest.raises(chatlane.NetworkError) as caught:
        chatlane.Client(endpoint=endpoint, **KEYS).send(message())
    assert caught.value.code == "Connect"
    assert "certificate" in str(caught.value)


def test_unreadable_ca_certificates_are_a_configuration_error() -> None:
    with pytest.raises(chatlane.ConfigurationError) as caught:
        chatlane.Client(ca_certificates="not a certificate", **KEYS)
    assert caught.value.code == "InvalidConfig"


@pytest.fixture
def refusing_proxy() -> Iterator[tuple[str, list[str]]]:
    """A proxy that records each request's first line and refuses it (403)."""
    server = socket.create_server(("127.0.0.1", 0))
    seen: list[str] = []

    def serve() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            with connection:
                seen.append(connection.makefile("rb").readline().decode().rstrip())
                connection.sendall(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n")

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://user:hunter2@127.0.0.1:{server.getsockname()[1]}", seen
    server.close()


def test_the_proxy_carries_the_request_and_its_password_stays_hidden(
    refusing_proxy: tuple[str, list[str]],
) -> None:
    proxy, seen = refusing_proxy
    client = chatlane.Client(endpoint="https://cams.example.invalid", proxy=proxy, **KEYS)
    assert "hunter2" not in repr(client)
    with pytest.raises(chatlane.NetworkError) as caught:
        client.send(message())
    assert caught.value.code == "Connect"
    assert "hunter2" not in str(caught.value)
    assert seen == ["CONNECT cams.example.invalid:443 HTTP/1.1"]


def test_a_proxy_that_is_not_a_url_is_refused_without_quoting_it() -> None:
    with pytest.raises(chatlane.ConfigurationError) as caught:
        chatlane.Client(proxy="socks5://user:hunter2@127.0.0.1:1080", **KEYS)
    assert caught.value.code == "InvalidConfig"
    assert "hunter2" not in str(caught.value)

