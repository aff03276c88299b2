"""Where a client finds its credentials without explicit keys: a profile of the Alibaba
Cloud CLI's configuration, named or current, and the ALIBABA_CLOUD_* variables."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import chatlane
from conftest import SANDBOX_KEY_ID, SANDBOX_KEY_SECRET, Sandbox

pytestmark = pytest.mark.usefixtures("no_env_credentials")


def write_config(directory: Path, *, current: str) -> Path:
    """An aliyun CLI config whose profile `sandbox` holds the sandbox's keys and whose
    profile `stale` holds keys the sandbox does not know."""
    path = directory / ".aliyun" / "config.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    profiles = [
        {"name": "stale", "mode": "AK", "access_key_id": "stale-id", "access_key_secret": "stale-secret"},
        {"name": "sandbox", "mode": "AK", "access_key_id": SANDBOX_KEY_ID, "access_key_secret": SANDBOX_KEY_SECRET},
    ]
    path.write_text(json.dumps({"current": current, "profiles": profiles}), encoding="utf-8")
    return path


def send(client: chatlane.Client) -> chatlane.SendReceipt:
    to = f"65{uuid.uuid4().int % 10**10:010d}"
    return client.send(chatlane.Message(from_="8613800000000", to=to, content=chatlane.Text(text="hi")))


def test_a_named_profile_signs_the_sends(sandbox: Sandbox, tmp_path: Path) -> None:
    path = write_config(tmp_path / "elsewhere", current="stale")
    client = chatlane.Client(profile="sandbox", profile_file=str(path), endpoint=sandbox.endpoint)
    assert SANDBOX_KEY_ID in repr(client)
    assert send(client).message_id


def test_the_profile_variable_names_it(sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(tmp_path, current="stale")
    monkeypatch.setenv("ALIBABA_CLOUD_PROFILE", "sandbox")
    assert send(chatlane.Client(endpoint=sandbox.endpoint)).message_id


def test_the_variables_come_before_the_current_profile(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(tmp_path, current="stale")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", SANDBOX_KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SANDBOX_KEY_SECRET)
    assert send(chatlane.Client(endpoint=sandbox.endpoint)).message_id


def test_the_current_profile_is_the_last_resort(sandbox: Sandbox, tmp_path: Path) -> None:
    write_config(tmp_path, current="sandbox")
    assert send(chatlane.Client(endpoint=sandbox.endpoint)).message_id


def test_a_missing_profile_or_file_is_missing_credentials(tmp_path: Path) -> None:
    path = write_config(tmp_path, current="stale")
    for profile, file in [("nope", path), ("sandbox", tmp_path / "absent.json")]:
        with pytest.raises(chatlane.ConfigurationError) as caught:
            chatlane.Client(profile=profile, profile_file=str(file))
        assert caught.value.code == "MissingCredentials"


def test_keys_and_a_profile_together_are_refused() -> None:
    with pytest.raises(chatlane.ConfigurationError) as caught:
        chatlane.Client(access_key_id="id", access_key_secret="secret", profile="sandbox")
    assert caught.value.code == "InvalidConfig"


def test_an_ecs_ram_role_signs_the_sends_with_its_sts_credentials(sandbox: Sandbox) -> None:
    # The sandbox emulates the instance metadata service too: "" takes the instance's role.
    client = chatlane.Client(endpoint=sandbox.endpoint, ecs_ram_role="", ecs_metadata_endpoint=sandbox.endpoint)
    assert "access_key_id" not in repr(client), "nothing is fetched before the first send"
    assert send(client).message_id
    assert SANDBOX_KEY_ID in repr(client)


def test_an_unknown_ecs_ram_role_is_missing_credentials_and_sends_nothing(sandbox: Sandbox) -> None:
    client = chatlane.Client(endpoint=sandbox.endpoint, ecs_ram_role="nope", ecs_metadata_endpoint=sandbox.endpoint)
    with pytest.raises(chatlane.ConfigurationError) as caught:
        send(client)
    assert caught.value.code == "MissingCredentials"
    assert caught.value.attempts == 0


def provided(expires_in: timedelta) -> dict[str, object]:
    return {
        "access_key_id": SANDBOX_KEY_ID,
        "access_key_secret": SANDBOX_KEY_SECRET,
        "security_token": "provided-token",
        "expires_at": datetime.now(timezone.utc) + expires_in,
    }


def test_a_credentials_provider_is_asked_once_while_its_credentials_last(sandbox: Sandbox) -> None:
    calls: list[int] = []

    def provide() -> dict[str, object]:
        calls.append(1)
        return provided(timedelta(hours=1))

    client = chatlane.Client(endpoint=sandbox.endpoint, credentials_provider=provide)
    assert send(client).message_id
    to = f"65{uuid.uuid4().int % 10**10:010d}"
    message = chatlane.Message(from_="8613800000000", to=to, content=chatlane.Text(text="hi"))
    assert asyncio.run(client.send_async(message)).message_id
    assert len(calls) == 1


def test_credentials_about_to_expire_are_asked_for_again(sandbox: Sandbox) -> None:
    calls: list[int] = []

    def provide() -> dict[str, object]:
        calls.append(1)
        return provided(timedelta(minutes=4))  # inside the five-minute margin

    client = chatlane.Client(endpoint=sandbox.endpoint, credentials_provider=provide)
    send(client)
    send(client)
    assert len(calls) == 2


@pytest.mark.parametrize("answer", ["raise", 5, {"access_key_id": "only-the-id"}])
def test_a_provider_that_fails_is_missing_credentials_and_nothing_is_sent(sandbox: Sandbox, answer: object) -> None:
    def provide() -> object:
        if answer == "raise":
            raise RuntimeError("the vault is sealed")
        return answer

    client = chatlane.Client(endpoint=sandbox.endpoint, credentials_provider=provide)  # type: ignore[arg-type]
    with pytest.raises(chatlane.ConfigurationError) as caught:
        send(client)
    assert caught.value.code == "MissingCredentials"
    assert caught.value.attempts == 0


def test_a_provider_and_keys_together_are_refused() -> None:
    with pytest.raises(chatlane.ConfigurationError) as caught:
        chatlane.Client(access_key_id="id", access_key_secret="s", credentials_provider=lambda: provided(timedelta(hours=1)))
    assert caught.value.code == "InvalidConfig"
    with pytest.raises(chatlane.ConfigurationError):
        chatlane.Client(credentials_provider="not callable")  # type: ignore[arg-type]
