"""Meta's OAuth through `MetaApp`, against the sandbox's login dialog, token endpoint and
`debug_token`: the whole redirect flow to a token that sends, the ways an exchange is refused,
`inspect`, long-lived tokens and codes handed over without a redirect, sync and asyncio."""

from __future__ import annotations

import asyncio
import http.client
import json
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest

import chatlane
from chatlane import Message, Text
from conftest import META_APP_ID, META_APP_SECRET, META_USER_ID, MESSAGING_SCOPE, PHONE_NUMBER_ID, WABA_ID, Sandbox
from conftest import new_recipient

REDIRECT = "https://app.example.test/meta/callback"
SCOPES = [MESSAGING_SCOPE, "business_management"]
HOUR = timedelta(hours=1)


def callback_query(url: str) -> str:
    """Opens the login dialog at `url` without following its redirect: the query string the
    callback at `REDIRECT` would receive."""
    parts = urlsplit(url)
    assert parts.hostname and parts.port
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", f"{parts.path}?{parts.query}")
        answer = connection.getresponse()
        assert answer.status == 302, (answer.status, answer.read())
        location = answer.getheader("Location")
    finally:
        connection.close()
    assert location, "a redirect names its target"
    target, query = location.split("?", 1)
    assert target == REDIRECT
    return query


def authorized(app: chatlane.MetaApp, scopes: list[str] = SCOPES) -> tuple[str, str]:
    """A pending authorization and its callback's query string, as the user approved it."""
    url, pending = app.authorization_url(REDIRECT, scopes)
    return pending, callback_query(url)


def sends(sandbox: Sandbox, token: chatlane.AccessToken | str) -> chatlane.SendReceipt:
    client = sandbox.meta_client()
    client.set_access_token(token)
    return client.send(Message(from_=PHONE_NUMBER_ID, to=new_recipient(), content=Text(text="via oauth")))


def assert_expires_in(token: chatlane.AccessToken | chatlane.TokenInfo, lifetime: timedelta) -> None:
    assert token.expires_at is not None and token.expires_at.tzinfo is not None
    assert abs(token.expires_at - (datetime.now(timezone.utc) + lifetime)) < timedelta(minutes=1)


def test_the_dialog_callback_exchange_gives_a_token_that_sends(sandbox: Sandbox) -> None:
    app = sandbox.meta_app()
    url, pending = app.authorization_url(REDIRECT, SCOPES)
    assert url.startswith(f"{sandbox.endpoint}/v25.0/dialog/oauth?")
    asked = parse_qs(urlsplit(url).query)
    assert (asked["client_id"], asked["redirect_uri"], asked["code_challenge_method"]) == (
        [META_APP_ID],
        [REDIRECT],
        ["S256"],
    )
    assert META_APP_SECRET not in url and META_APP_SECRET not in pending
    query = callback_query(url)
    assert parse_qs(query)["state"] == asked["state"]
    token = app.exchange_callback(pending, query)
    assert_expires_in(token, HOUR)
    assert sends(sandbox, token).message_id.startswith("wamid.")
    assert sends(sandbox, token.token).message_id.startswith("wamid.")


def test_oauth_calls_as_asyncio_coroutines(sandbox: Sandbox) -> None:
    app = sandbox.meta_app()
    pending, query = authorized(app)

    async def main() -> tuple[chatlane.AccessToken, chatlane.AccessToken, chatlane.TokenInfo, chatlane.AccessToken]:
        token = await app.exchange_callback_async(pending, query)
        long_lived, info = await asyncio.gather(app.long_lived_async(token), app.inspect_async(token))
        return token, long_lived, info, await app.exchange_code_async(sandbox.meta_code())

    token, long_lived, info, from_code = asyncio.run(main())
    assert_expires_in(token, HOUR)
    assert_expires_in(long_lived, timedelta(days=60))
    assert (info.is_valid, sorted(info.scopes)) == (True, sorted(SCOPES))
    assert len({token.token, long_lived.token, from_code.token}) == 3
    with pytest.raises(chatlane.AuthenticationError) as caught:
        asyncio.run(app.exchange_code_async(sandbox.meta_code() + "-forged"))
    assert caught.value.code == "InvalidGrant"


def test_a_callback_with_another_state_is_refused_and_exchanges_nothing(sandbox: Sandbox) -> None:
    app = sandbox.meta_app()
    pending, query = authorized(app)
    params = {name: values[0] for name, values in parse_qs(query).items()}
    forged = f"code={params['code']}&state=forged-{params['state']}"
    with pytest.raises(chatlane.AuthenticationError) as caught:
        app.exchange_callback(pending, forged)
    assert (caught.value.code, caught.value.attempts) == ("StateMismatch", 0)
    _, other_query = authorized(app)
    with pytest.raises(chatlane.AuthenticationError, match="state"):
        app.exchange_callback(pending, other_query)
    assert app.exchange_callback(pending, f"?{query}").token, "the code was not spent"


def test_a_code_works_once(sandbox: Sandbox) -> None:
    app = sandbox.meta_app()
    pending, query = authorized(app)
    app.exchange_callback(pending, query)
    with pytest.raises(chatlane.AuthenticationError) as caught:
        app.exchange_callback(pending, query)
    assert (caught.value.code, caught.value.http_status) == ("InvalidGrant", 400)
    code = sandbox.meta_code()
    app.exchange_code(code)
    with pytest.raises(chatlane.AuthenticationError) as again:
        app.exchange_code(code)
    assert again.value.code == "InvalidGrant"


def test_a_wrong_app_secret_is_invalid_client(sandbox: Sandbox) -> None:
    code = sandbox.meta_code()
    with pytest.raises(chatlane.AuthenticationError) as caught:
        sandbox.meta_app("not-the-app-secret").exchange_code(code)
    assert caught.value.code == "InvalidClient"
    assert "not-the-app-secret" not in f"{caught.value} {caught.value!r} {vars(caught.value)}"
    assert sandbox.meta_app().exchange_code(code).token, "a refused client leaves the code usable"


def test_a_refused_authorization_is_the_providers_error(sandbox: Sandbox) -> None:
    app = sandbox.meta_app()
    _, pending = app.authorization_url(REDIRECT, SCOPES)
    with pytest.raises(chatlane.PermissionDeniedError) as caught:
        app.exchange_callback(pending, "error=access_denied&error_description=The+user+said+no")
    assert (caught.value.code, caught.value.platform_code) == ("PermissionDenied", "access_denied")


def test_inspect_describes_a_token_and_sees_it_revoked(sandbox: Sandbox) -> None:
    app = sandbox.meta_app()
    token = app.exchange_callback(*authorized(app))
    info = app.inspect(token)
    assert (info.app_id, info.kind, info.is_valid, info.user_id) == (META_APP_ID, "USER", True, META_USER_ID)
    assert sorted(info.scopes) == sorted(SCOPES)
    assert (MESSAGING_SCOPE, [WABA_ID]) in [(g.scope, g.target_ids) for g in info.granular_scopes]
    assert info.expires_at is not None and info.issued_at is not None
    assert info.expires_at - info.issued_at == HOUR
    assert_expires_in(info, HOUR)
    assert token.token not in repr(info) and "is_valid=True" in repr(info)
    sandbox.revoke(token.token)
    assert app.inspect(token.token).is_valid is False


def test_long_lived_gives_a_sixty_day_token_that_sends(sandbox: Sandbox) -> None:
    app = sandbox.meta_app()
    short = app.exchange_callback(*authorized(app, [MESSAGING_SCOPE]))
    long_lived = app.long_lived(short)
    assert_expires_in(long_lived, timedelta(days=60))
    assert long_lived.token != short.token
    assert app.inspect(long_lived).scopes == [MESSAGING_SCOPE]
    assert sends(sandbox, long_lived).attempts == 1
    sandbox.revoke(short.token)
    with pytest.raises(chatlane.AuthenticationError) as caught:
        app.long_lived(short.token)
    assert caught.value.code == "TokenExpired"


def test_a_code_handed_over_without_a_redirect_is_exchanged(sandbox: Sandbox) -> None:
    token = sandbox.meta_app().exchange_code(sandbox.meta_code())
    assert_expires_in(token, HOUR)
    assert sends(sandbox, token).message_id.startswith("wamid.")


def test_bad_settings_and_pending_state_are_configuration_errors(sandbox: Sandbox) -> None:
    for app_id, secret in (("", META_APP_SECRET), (META_APP_ID, " ")):
        with pytest.raises(chatlane.ConfigurationError) as caught:
            chatlane.MetaApp(app_id, secret)
        assert caught.value.code == "MissingCredentials"
    for options in ({"graph_url": "http://graph.example.com"}, {"graph_version": "25"}):
        with pytest.raises(chatlane.ConfigurationError) as caught:
            chatlane.MetaApp(META_APP_ID, META_APP_SECRET, **options)
        assert caught.value.code == "InvalidConfig"
    app = sandbox.meta_app()
    _, query = authorized(app)
    for pending in ("", "{}", json.dumps({"redirect_uri": REDIRECT})):
        with pytest.raises(chatlane.ConfigurationError) as caught:
            app.exchange_callback(pending, query)
        assert caught.value.code == "InvalidConfig"
    with pytest.raises(TypeError):
        app.authorization_url(REDIRECT, MESSAGING_SCOPE)


def test_the_app_secret_and_pending_state_are_never_shown(sandbox: Sandbox) -> None:
    app = chatlane.MetaApp(META_APP_ID, META_APP_SECRET, graph_url=sandbox.endpoint, dialog_url=sandbox.endpoint)
    assert repr(app) == f"MetaApp(app_id='{META_APP_ID}')"
    assert META_APP_SECRET not in str(app)
    _, pending = app.authorization_url(REDIRECT, SCOPES)
    secrets = json.loads(pending)
    truncated = pending[: len(pending) // 2]
    with pytest.raises(chatlane.ConfigurationError) as caught:
        app.exchange_callback(truncated, "code=x&state=y")
    shown = f"{caught.value} {caught.value!r} {vars(caught.value)}"
    assert all(str(value) not in shown for value in secrets.values() if value != REDIRECT)
