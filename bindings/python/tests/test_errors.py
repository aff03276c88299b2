"""Every failure is a typed `ChatlaneError` subclass with its details, and never leaks a secret."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

import chatlane
from conftest import SANDBOX_KEY_ID, SANDBOX_KEY_SECRET, Sandbox, closed_port

SENDER = "8613900000000"
RECIPIENT = "8613800000000"
WRONG_SECRET = "wrong-secret-Zq8vX2"
TOKEN = "sts-token-Kp3mW7"


def text(body: str = "hello", **overrides: Any) -> chatlane.Message:
    fields: dict[str, Any] = {"from_": SENDER, "to": RECIPIENT, "content": chatlane.Text(text=body), **overrides}
    return chatlane.Message(**fields)


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """A loopback port that accepts connections (kernel backlog) but never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def test_wrong_secret_raises_authentication_error(sandbox: Sandbox) -> None:
    client = chatlane.Client(
        access_key_id=SANDBOX_KEY_ID,
        access_key_secret=WRONG_SECRET,
        security_token=TOKEN,
        endpoint=sandbox.endpoint,
    )
    before = len(sandbox.ledger())
    with pytest.raises(chatlane.AuthenticationError) as caught:
        client.send(text(task_id="py-auth-1"))
    error = caught.value
    assert isinstance(error, chatlane.ChatlaneError)
    assert error.code == "SignatureMismatch"
    assert error.category == "authentication"
    assert error.platform_code == "SignatureDoesNotMatch"
    assert error.http_status == 400
    assert isinstance(error.request_id, str) and error.request_id
    assert error.retry_after is None
    assert (error.task_id, error.attempts) == ("py-auth-1", 1)
    assert error.violations == []
    assert str(error) == error.message
    assert "SignatureDoesNotMatch" in error.message
    shown = f"{error} {error!r} {error.args} {vars(error)} {client!r}"
    assert WRONG_SECRET not in shown and TOKEN not in shown
    assert len(sandbox.ledger()) == before


def test_wrong_secret_raises_the_same_from_send_async(sandbox: Sandbox) -> None:
    client = chatlane.Client(access_key_id=SANDBOX_KEY_ID, access_key_secret=WRONG_SECRET, endpoint=sandbox.endpoint)
    with pytest.raises(chatlane.AuthenticationError) as caught:
        asyncio.run(client.send_async(text()))
    assert caught.value.code == "SignatureMismatch"
    assert caught.value.http_status == 400


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_validation_error_lists_every_violation_and_sends_nothing(
    client: chatlane.Client, sandbox: Sandbox, mode: str
) -> None:
    message = text("", from_="+86 139", task_id=f"py-invalid-{mode}")
    before = sandbox.ledger()
    with pytest.raises(chatlane.ValidationError) as caught:
        if mode == "sync":
            client.send(message)
        else:
            asyncio.run(client.send_async(message))
    error = caught.value
    assert error.code == "InvalidMessage"
    assert error.category == "validation"
    assert [(v.path, v.code) for v in error.violations] == [("from", "digits_only"), ("content.text", "required")]
    assert all(isinstance(v, chatlane.Violation) and v.message for v in error.violations)
    assert error.http_status is None and error.platform_code is None and error.request_id is None
    assert (error.task_id, error.attempts) == (None, 0)
    assert "content.text" in str(error)
    assert sandbox.ledger() == before


def test_template_violations_have_template_paths(client: chatlane.Client) -> None:
    with pytest.raises(chatlane.ValidationError) as caught:
        client.send(chatlane.Message(from_=SENDER, to="", template=chatlane.Template(code=" ", language="en")))
    assert [v.path for v in caught.value.violations] == ["to", "template.code"]
    assert caught.value.violations[0] == chatlane.Violation(code="required", path="to", message="must not be empty")


def test_unknown_channel_is_a_validation_error_and_sends_nothing(client: chatlane.Client, sandbox: Sandbox) -> None:
    before = sandbox.ledger()
    with pytest.raises(chatlane.ValidationError, match="sms") as caught:
        client.send(text(channel="sms"))
    assert caught.value.code == "InvalidMessage"
    assert (caught.value.task_id, caught.value.attempts) == (None, 0)
    assert sandbox.ledger() == before


def test_http_endpoint_on_a_non_loopback_host_is_refused() -> None:
    with pytest.raises(chatlane.ConfigurationError) as caught:
        chatlane.Client(access_key_id="id", access_key_secret="secret", endpoint="http://example.com")
    assert caught.value.code == "InvalidConfig"
    assert caught.value.category == "configuration"
    assert isinstance(caught.value, chatlane.ChatlaneError)


@pytest.mark.parametrize(
    ("option", "value"), [("connect_timeout", 0.0), ("request_timeout", -1.0), ("request_timeout", float("nan"))]
)
def test_non_positive_timeouts_are_refused(option: str, value: float) -> None:
    timeouts: dict[str, Any] = {option: value}
    with pytest.raises(chatlane.ConfigurationError, match=option.replace("_", "[_ ]")) as caught:
        chatlane.Client(access_key_id="id", access_key_secret="secret", **timeouts)
    assert caught.value.code == "InvalidConfig"


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"rate_limit_per_second": 0.0}, "rate limit"),
        ({"rate_limit_per_second": float("inf")}, "rate_limit_per_second"),
        ({"rate_limit_burst": 0}, "burst"),
        ({"rate_limit_max_wait": -0.5}, "rate_limit_max_wait"),
        ({"retry_deadline": float("nan")}, "retry_deadline"),
        ({"max_attempts": 0}, "max attempts"),
    ],
)
def test_bad_delivery_options_are_refused(options: dict[str, Any], reason: str) -> None:
    with pytest.raises(chatlane.ConfigurationError, match=reason) as caught:
        chatlane.Client(access_key_id="id", access_key_secret="secret", **options)
    assert caught.value.code == "InvalidConfig"


@pytest.mark.usefixtures("no_env_credentials")
def test_missing_credentials_are_a_configuration_error(sandbox: Sandbox) -> None:
    with pytest.raises(chatlane.ConfigurationError) as caught:
        chatlane.Client(endpoint=sandbox.endpoint)
    assert caught.value.code == "MissingCredentials"
    assert "ALIBABA_CLOUD_ACCESS_KEY_ID" in str(caught.value)


@pytest.mark.usefixtures("no_env_credentials")
def test_half_given_credentials_are_refused(sandbox: Sandbox) -> None:
    with pytest.raises(chatlane.ConfigurationError) as caught:
        chatlane.Client(access_key_id=SANDBOX_KEY_ID, endpoint=sandbox.endpoint)
    assert caught.value.code == "MissingCredentials"


def test_environment_credentials_work(monkeypatch: pytest.MonkeyPatch, sandbox: Sandbox) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", SANDBOX_KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SANDBOX_KEY_SECRET)
    monkeypatch.delenv("ALIBABA_CLOUD_SECURITY_TOKEN", raising=False)
    client = chatlane.Client(endpoint=sandbox.endpoint)
    receipt = client.send(text("from the environment"))
    assert sandbox.entry(receipt.message_id)["params"]["Content"] == '{"text":"from the environment"}'


def test_environment_secret_is_never_shown(monkeypatch: pytest.MonkeyPatch, sandbox: Sandbox) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", SANDBOX_KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", WRONG_SECRET)
    monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN)
    client = chatlane.Client(endpoint=sandbox.endpoint)
    assert repr(client) == f"Client(endpoint='{sandbox.endpoint}', access_key_id='{SANDBOX_KEY_ID}')"
    with pytest.raises(chatlane.AuthenticationError) as caught:
        client.send(text())
    shown = f"{caught.value} {caught.value!r} {vars(caught.value)} {caught.getrepr()}"
    assert WRONG_SECRET not in shown and TOKEN not in shown


def test_client_repr_never_shows_secrets() -> None:
    client = chatlane.Client(
        access_key_id="LTAI-visible-id",
        access_key_secret=WRONG_SECRET,
        security_token=TOKEN,
        endpoint="https://cams.example.com",
        cust_space_id="cams-1",
    )
    shown = f"{client!r} {client}"
    assert "LTAI-visible-id" in shown and "cams-1" in shown and "https://cams.example.com" in shown
    assert WRONG_SECRET not in shown and TOKEN not in shown


def test_connection_refused_is_a_network_error() -> None:
    client = chatlane.Client(
        access_key_id="id", access_key_secret="secret", endpoint=f"http://127.0.0.1:{closed_port()}"
    )
    with pytest.raises(chatlane.NetworkError) as caught:
        client.send(text(task_id="py-refused-1"))
    assert caught.value.code == "Connect"
    assert caught.value.category == "network"
    assert caught.value.http_status is None
    assert caught.value.task_id == "py-refused-1"
    assert caught.value.attempts == 4  # the default: nothing was sent, so it was retried


def test_no_answer_is_outcome_unknown_with_the_task_id(silent_endpoint: str) -> None:
    client = chatlane.Client(
        access_key_id="id", access_key_secret="secret", endpoint=silent_endpoint, request_timeout=0.3
    )
    with pytest.raises(chatlane.OutcomeUnknownError) as caught:
        asyncio.run(client.send_async(text(task_id="py-unknown-1")))
    assert caught.value.code == "OutcomeUnknown"
    assert caught.value.task_id == "py-unknown-1"
    assert caught.value.attempts == 1  # written, maybe processed: never retried


def test_sync_send_releases_the_interpreter(silent_endpoint: str) -> None:
    """A send waiting for an answer must not stop other Python threads."""
    client = chatlane.Client(
        access_key_id="id", access_key_secret="secret", endpoint=silent_endpoint, request_timeout=2.0
    )
    failures: list[BaseException] = []

    def send() -> None:
        try:
            client.send(text())
        except chatlane.ChatlaneError as error:
            failures.append(error)

    sender = threading.Thread(target=send)
    started = time.monotonic()
    sender.start()
    time.sleep(0.3)
    woke_after = time.monotonic() - started
    still_sending = sender.is_alive()
    sender.join()
    assert still_sending, "the send finished before the timeout: the interpreter was held"
    assert woke_after < 1.5, f"the main thread was blocked for {woke_after:.2f}s"
    assert [type(f) for f in failures] == [chatlane.OutcomeUnknownError]
