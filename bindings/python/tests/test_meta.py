"""Sends through Meta's WhatsApp Cloud API (the sandbox's Meta face): what lands in its ledger,
sync and asyncio; tokens revoked, replaced, expired, renewed before they expire or without the
messaging scope; retried and final Graph errors; what a Meta client refuses; and that no token
is ever shown."""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import chatlane
from chatlane import MassMessage, Message, Recipient, Template, Text
from conftest import MESSAGING_SCOPE, META_TOKEN, PHONE_NUMBER_ID, Sandbox, new_recipient


def text(to: str, words: str = "hello from python", *, task_id: str | None = None) -> Message:
    return Message(from_=PHONE_NUMBER_ID, to=to, content=Text(text=words), task_id=task_id)


def assert_landed(sandbox: Sandbox, message: Message, receipt: chatlane.SendReceipt) -> None:
    """The receipt names a `wamid.` that Meta's ledger holds once, with the body `meta_body`
    gives and the receipt's task ID as `biz_opaque_callback_data`."""
    assert receipt.message_id.startswith("wamid."), receipt.message_id
    assert receipt.attempts == 1
    (entry,) = (e for e in sandbox.meta_ledger_to(message.to) if e["messageId"] == receipt.message_id)
    assert entry["phoneNumberId"] == PHONE_NUMBER_ID
    assert entry["bizOpaqueCallbackData"] == receipt.task_id
    assert entry["body"] == chatlane.meta_body(message, receipt.task_id)
    assert entry["body"]["biz_opaque_callback_data"] == receipt.task_id
    assert receipt.request_id == entry["fbtraceId"]


def test_a_send_lands_in_metas_ledger_with_its_task_id(sandbox: Sandbox) -> None:
    client = sandbox.meta_client()
    generated = text(new_recipient())
    receipt = client.send(generated)
    assert_landed(sandbox, generated, receipt)
    assert receipt.task_id, "a task ID is generated when the message has none"
    own = text(new_recipient(), task_id="py-meta-own-task")
    mine = client.send(own)
    assert mine.task_id == "py-meta-own-task"
    assert_landed(sandbox, own, mine)


def test_sends_through_meta_as_asyncio_coroutines(sandbox: Sandbox) -> None:
    client = sandbox.meta_client()
    messages = [text(new_recipient(), f"async {i}") for i in range(5)]

    async def main() -> list[chatlane.SendReceipt]:
        return await asyncio.gather(*(client.send_async(message) for message in messages))

    receipts = asyncio.run(main())
    assert len({r.message_id for r in receipts}) == len(messages)
    for message, receipt in zip(messages, receipts):
        assert_landed(sandbox, message, receipt)


def test_the_token_variable_is_the_default_token(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", META_TOKEN)
    message = text(new_recipient())
    assert_landed(sandbox, message, chatlane.Client(provider="meta", endpoint=sandbox.endpoint).send(message))
    monkeypatch.delenv("WHATSAPP_ACCESS_TOKEN")
    with pytest.raises(chatlane.ConfigurationError) as caught:
        chatlane.Client(provider="meta", endpoint=sandbox.endpoint)
    assert caught.value.code == "MissingCredentials"


def test_a_token_revoked_mid_run_fails_then_fails_without_a_request(sandbox: Sandbox) -> None:
    token = sandbox.meta_token(type="USER", lifetimeSeconds=3600)
    client = sandbox.meta_client(token)
    to = new_recipient()
    client.send(text(to))
    sandbox.revoke(token)
    with pytest.raises(chatlane.AuthenticationError) as refused:
        client.send(text(to))
    assert (refused.value.code, refused.value.platform_code) == ("TokenExpired", "190")
    assert (refused.value.http_status, refused.value.attempts) == (401, 1)
    with pytest.raises(chatlane.AuthenticationError) as again:
        asyncio.run(client.send_async(text(to)))
    assert again.value.code == "TokenExpired"
    assert (again.value.http_status, again.value.attempts) == (None, 0), "nothing was sent"
    assert len(sandbox.meta_ledger_to(to)) == 1


def test_set_access_token_replaces_a_revoked_token(sandbox: Sandbox) -> None:
    token = sandbox.meta_token(type="USER", lifetimeSeconds=3600)
    client = sandbox.meta_client(token)
    sandbox.revoke(token)
    to = new_recipient()
    with pytest.raises(chatlane.AuthenticationError) as revoked:
        client.send(text(to))
    assert revoked.value.code == "TokenExpired"
    client.set_access_token(sandbox.meta_token())
    assert_landed(sandbox, text(to), client.send(text(to)))
    exchanged = sandbox.meta_app().exchange_code(sandbox.meta_code())
    client.set_access_token(exchanged)
    sandbox.revoke(exchanged.token)
    with pytest.raises(chatlane.AuthenticationError) as caught:
        client.send(text(to))
    assert caught.value.code == "TokenExpired", "the AccessToken given is the one sent"
    assert len(sandbox.meta_ledger_to(to)) == 1


def test_a_token_without_the_messaging_scope_is_a_permission_error(sandbox: Sandbox) -> None:
    token = sandbox.meta_token(scopes=["whatsapp_business_management", "business_management"])
    to = new_recipient()
    with pytest.raises(chatlane.PermissionDeniedError) as caught:
        sandbox.meta_client(token).send(text(to))
    assert (caught.value.code, caught.value.platform_code, caught.value.http_status) == ("PermissionDenied", "10", 403)
    assert "whatsapp_business_messaging" in caught.value.message
    assert sandbox.meta_ledger_to(to) == []


def test_a_throughput_error_is_retried_and_succeeds(sandbox: Sandbox) -> None:
    retries: list[chatlane.RetryEvent] = []
    client = sandbox.meta_client(on_retry=retries.append)
    to = new_recipient()
    sandbox.inject({"kind": "error", "status": 400, "code": 130429}, to=to, api="meta")
    message = text(to)
    receipt = client.send(message)
    assert receipt.attempts == 2
    assert [(r.attempt, r.code, r.http_status) for r in retries] == [(1, "Throttled", 400)]
    assert len(sandbox.meta_ledger_to(to)) == 1


def test_a_closed_session_window_is_a_session_window_error(sandbox: Sandbox) -> None:
    to = new_recipient()
    sandbox.inject({"kind": "error", "status": 400, "code": 131047}, to=to, api="meta")
    with pytest.raises(chatlane.SessionWindowError) as caught:
        sandbox.meta_client().send(text(to))
    assert (caught.value.code, caught.value.platform_code, caught.value.attempts) == ("SessionWindowClosed", "131047", 1)
    assert caught.value.task_id
    assert sandbox.meta_ledger_to(to) == []


def test_meta_has_no_mass_send(sandbox: Sandbox) -> None:
    mass = MassMessage(
        from_=PHONE_NUMBER_ID,
        template=Template(name="order_update", language="en_US"),
        recipients=[Recipient(to=new_recipient())],
    )
    assert chatlane.mass_violations(mass) == []
    with pytest.raises(chatlane.ValidationError) as caught:
        sandbox.meta_client().send_mass(mass)
    assert (caught.value.code, caught.value.attempts) == ("InvalidMessage", 0)
    assert "mass send" in caught.value.message


def test_a_message_meta_cannot_carry_is_refused_with_metas_violations(sandbox: Sandbox) -> None:
    to = new_recipient()
    message = Message(from_=PHONE_NUMBER_ID, to=to, template=Template(code="744c4b5c79c94324", language="en"))
    assert chatlane.violations(message) == [], "valid for CAMS"
    expected = chatlane.violations(message, "meta")
    assert expected, "a template by code is not Meta's"
    with pytest.raises(chatlane.ValidationError) as caught:
        sandbox.meta_client().send(message)
    assert caught.value.violations == expected
    assert chatlane.violations(message, provider="cams") == []
    with pytest.raises(chatlane.ConfigurationError) as unknown:
        chatlane.violations(message, "whatsapp")
    assert unknown.value.code == "InvalidConfig"
    assert sandbox.meta_ledger_to(to) == []


def test_meta_body_is_the_body_without_a_task_id_unless_given() -> None:
    message = text("16505551234", "hi")
    assert chatlane.meta_body(message) == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "16505551234",
        "type": "text",
        "text": {"body": "hi"},
    }
    assert chatlane.meta_body(message, "t-1")["biz_opaque_callback_data"] == "t-1"
    with pytest.raises(TypeError, match="chatlane.Message"):
        chatlane.meta_body({"to": "1"})  # type: ignore[arg-type]


def test_each_provider_refuses_the_others_credentials(sandbox: Sandbox) -> None:
    meta = sandbox.meta_client()
    with pytest.raises(chatlane.ConfigurationError) as caught:
        meta.set_credentials(access_key_id="id", access_key_secret="secret")
    assert caught.value.code == "InvalidConfig"
    cams = sandbox.client()
    with pytest.raises(chatlane.ConfigurationError) as caught:
        cams.set_access_token(META_TOKEN)
    assert caught.value.code == "InvalidConfig"
    with pytest.raises(TypeError, match="AccessToken or a str"):
        meta.set_access_token(42)  # type: ignore[arg-type]
    with pytest.raises(chatlane.ConfigurationError):
        chatlane.Client(provider="meta", access_token=META_TOKEN, access_key_id="id")


def test_no_token_is_ever_shown(sandbox: Sandbox) -> None:
    token = sandbox.meta_token(lifetimeSeconds=3600)
    client = sandbox.meta_client(token)
    assert repr(client) == f"Client(provider='meta', endpoint='{sandbox.endpoint}')"
    exchanged = sandbox.meta_app().exchange_code(sandbox.meta_code())
    client.set_access_token(exchanged)
    shown = f"{client!r} {client} {exchanged!r} {exchanged}"
    assert token not in shown and exchanged.token not in shown
    assert repr(exchanged).startswith("AccessToken(expires_at=datetime.datetime(")
    sandbox.revoke(exchanged.token)
    with pytest.raises(chatlane.AuthenticationError) as caught:
        client.send(text(new_recipient()))
    error = caught.value
    assert exchanged.token not in f"{error} {error!r} {vars(error)} {caught.getrepr()}"


def expiring(token: str, seconds: float, scopes: tuple[str, ...] = ()) -> chatlane.AccessToken:
    """`token` as an `AccessToken` that expires `seconds` from now."""
    expires_at = datetime.now(timezone.utc) + timedelta(seconds=seconds)
    return chatlane.AccessToken(token, expires_at=expires_at, scopes=scopes)


def test_a_token_near_its_expiry_is_renewed_before_a_send_and_handed_to_the_callback(sandbox: Sandbox) -> None:
    short = sandbox.meta_token(lifetimeSeconds=3)
    renewed: list[chatlane.AccessToken] = []
    client = sandbox.meta_client(
        expiring(short, 3, (MESSAGING_SCOPE,)),
        renew_with=sandbox.meta_app(),
        on_token_renewed=renewed.append,
        token_renewal_margin=2.9,
    )
    to = new_recipient()
    # Fresh, the token is sent as it is; past half its life and inside the margin, the next
    # send renews it first (while it is still valid: an expired one cannot be exchanged).
    assert_landed(sandbox, text(to), client.send(text(to)))
    assert renewed == []
    time.sleep(1.6)
    assert_landed(sandbox, text(to), client.send(text(to)))
    [token] = renewed
    assert token.token != short
    assert token.scopes == [MESSAGING_SCOPE], "the scopes of the token it replaced"
    assert token.expires_at is not None and token.expires_at - datetime.now(timezone.utc) > timedelta(days=58)
    sandbox.revoke(short)
    assert_landed(sandbox, text(to), client.send(text(to)))
    assert_landed(sandbox, text(to), client.send(text(to)))
    assert len(renewed) == 1, "renewed once, then sent"
    shown = f"{client!r} {client} {token!r} {token}"
    assert short not in shown and token.token not in shown
    assert repr(client) == f"Client(provider='meta', endpoint='{sandbox.endpoint}')"


def test_the_margin_is_the_callers_and_a_callback_that_raises_never_fails_the_send(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    unraisable: list[BaseException | None] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda report: unraisable.append(report.exc_value))
    given: list[chatlane.AccessToken] = []

    def persist(token: chatlane.AccessToken) -> None:
        given.append(token)
        raise RuntimeError("the token store is down")

    short = sandbox.meta_token(lifetimeSeconds=60)
    client = sandbox.meta_client(
        chatlane.AccessToken(short, expires_at=time.time() + 3),
        renew_with=sandbox.meta_app(),
        on_token_renewed=persist,
        token_renewal_margin=1.0,
    )
    message = text(new_recipient())
    time.sleep(1.6)
    assert_landed(sandbox, message, client.send(message))
    assert given == [], "past half its life (the default margin's due time), not yet within 1 s of its end"
    time.sleep(0.6)
    # Asynchronously, the renewal and the callback run on one of chatlane's threads.
    assert_landed(sandbox, message, asyncio.run(client.send_async(message)))
    assert [str(error) for error in unraisable] == ["the token store is down"]
    sandbox.revoke(short)
    assert_landed(sandbox, message, client.send(message))
    assert len(given) == 1 and given[0].token != short


def test_an_access_token_whose_scopes_lack_messaging_is_refused_when_the_client_is_built(sandbox: Sandbox) -> None:
    scopes = ("whatsapp_business_management", "business_management")
    token = chatlane.AccessToken(sandbox.meta_token(scopes=list(scopes)), scopes=scopes)
    renewing: list[dict[str, Any]] = [{}, {"renew_with": sandbox.meta_app()}]
    for options in renewing:
        with pytest.raises(chatlane.PermissionDeniedError) as caught:
            sandbox.meta_client(token, **options)
        assert (caught.value.code, caught.value.attempts, caught.value.http_status) == ("MissingScope", 0, None)
        assert MESSAGING_SCOPE in caught.value.message


def test_an_access_tokens_expiry_reaches_the_client(sandbox: Sandbox) -> None:
    to = new_recipient()
    client = sandbox.meta_client(expiring(META_TOKEN, -1))
    with pytest.raises(chatlane.AuthenticationError) as caught:
        client.send(text(to))
    assert (caught.value.code, caught.value.attempts) == ("TokenExpired", 0)
    assert "expired at" in caught.value.message and META_TOKEN not in caught.value.message
    assert sandbox.meta_ledger_to(to) == []
    # A string token goes with renew_with too (with no expiry known, it is renewed once refused).
    renewing = sandbox.meta_client(META_TOKEN, renew_with=sandbox.meta_app())
    assert_landed(sandbox, text(to), renewing.send(text(to)))


def test_an_access_token_is_built_from_its_parts() -> None:
    at = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    token = chatlane.AccessToken("EAAG-py-s3cret", expires_at=at, scopes=[MESSAGING_SCOPE])
    assert (token.token, token.expires_at, token.scopes) == ("EAAG-py-s3cret", at, [MESSAGING_SCOPE])
    assert repr(token) == f"AccessToken(expires_at={at!r}, scopes=['{MESSAGING_SCOPE}'])"
    assert chatlane.AccessToken("t", expires_at=at.timestamp()).expires_at == at
    bare = chatlane.AccessToken("t")
    assert (bare.expires_at, bare.scopes) == (None, [])
    with pytest.raises(TypeError, match="datetime or POSIX seconds"):
        chatlane.AccessToken("t", expires_at="2030-01-02")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        chatlane.AccessToken("t", scopes=MESSAGING_SCOPE)
    for out_of_range in (-1.0, 1e15, float("nan")):
        with pytest.raises(ValueError, match="from 1970 to 9999"):
            chatlane.AccessToken("t", expires_at=out_of_range)


def test_the_renewal_options_need_a_meta_token_and_each_other(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", META_TOKEN)  # the variable's token is not renewed
    app, token = sandbox.meta_app(), chatlane.AccessToken(META_TOKEN)
    refused: list[dict[str, Any]] = [
        {"provider": "meta", "renew_with": app},
        {"provider": "meta", "access_token": META_TOKEN, "on_token_renewed": print},
        {"provider": "meta", "access_token": token, "token_renewal_margin": 60.0},
        {"provider": "meta", "access_token": token, "renew_with": "app"},
        {"provider": "meta", "access_token": token, "renew_with": app, "token_renewal_margin": -1.0},
        {"provider": "meta", "access_token": token, "renew_with": app, "token_renewal_margin": float("nan")},
        {"provider": "meta", "access_token": token, "renew_with": app, "on_token_renewed": "print"},
        {"provider": "meta", "access_token": 42, "renew_with": app},
        {"provider": "cams", "access_token": token},
        {"access_token": token, "credentials_provider": dict},
    ]
    for options in refused:
        with pytest.raises(chatlane.ConfigurationError) as caught:
            chatlane.Client(endpoint=sandbox.endpoint, **options)
        assert caught.value.code == "InvalidConfig", options
        assert META_TOKEN not in str(caught.value)
