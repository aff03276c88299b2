"""``chatlane.Receiver`` end to end: the sandbox pushes CAMS receipts and inbound messages and
Meta's signed webhooks to a server built on the standard library's ``http.server`` and the
receiver, over an SQLite event store the sending clients share (as sandbox/tests/receive.rs
does in Rust). Covered: redeliveries yield each event once, Meta's signatures, the 24-hour
window refusing free-form messages before sending until the user writes, a send whose answer
never came resolved by its receipt, events a crashed process claimed coming back through
``reclaim``, and bad requests answered with typed errors."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import chatlane
from conftest import (
    BUSINESS,
    META_APP_SECRET,
    PHONE_NUMBER_ID,
    PUSH_TOKEN,
    RedisServer,
    Sandbox,
    new_recipient,
    pushing_sandbox,
    until,
)
from test_webhooks import body_of, case_named, signature

VERIFY_TOKEN = "verify-token"
ROUTES: dict[str, chatlane.WebhookEndpoint] = {
    "/cams/status": "cams_status",
    "/cams/inbound": "cams_inbound",
    "/meta": "meta",
}


@dataclass(frozen=True)
class Delivery:
    """One request the server answered: what came in and the reply."""

    endpoint: chatlane.WebhookEndpoint
    headers: list[tuple[str, str]]
    body: bytes
    reply: chatlane.WebhookReply


class WebhookServer:
    """A webhook server on a free loopback port, as an application would write one with the
    standard library: each request goes through ``receiver``; the new events are kept
    (processed), then committed."""

    def __init__(self, receiver: chatlane.Receiver) -> None:
        self.receiver = receiver
        self.events: list[chatlane.Event] = []
        self.deliveries: list[Delivery] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.answer("GET")

            def do_POST(self) -> None:
                self.answer("POST")

            def answer(self, method: str) -> None:
                path, _, query = self.path.partition("?")
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                headers = [(name, str(value)) for name, value in self.headers.items()]
                reply = outer.receiver.handle(
                    ROUTES[path],
                    method=method,
                    query=query,
                    headers=headers,
                    body=body,
                    remote_addr=self.client_address[0],
                )
                with outer._lock:
                    outer.events.extend(reply.events)
                    outer.deliveries.append(Delivery(ROUTES[path], headers, body, reply))
                outer.receiver.commit(reply.events)
                answer = reply.body.encode()
                self.send_response(reply.status)
                self.send_header("content-type", reply.content_type)
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the test reads what was delivered from the server."""

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def statuses(self, message_id: str) -> list[str]:
        """The statuses received for one message, in order."""
        with self._lock:
            return [
                str(event.status)
                for event in self.events
                if isinstance(event, chatlane.StatusEvent) and event.message_id == message_id
            ]

    def deliveries_of(self, message_id: str) -> list[Delivery]:
        """The requests that carried something about one message."""
        with self._lock:
            return [delivery for delivery in self.deliveries if message_id.encode() in delivery.body]

    def inbound_from(self, user: str) -> list[chatlane.InboundEvent]:
        with self._lock:
            return [e for e in self.events if isinstance(e, chatlane.InboundEvent) and e.sender.phone == user]


@dataclass(frozen=True)
class Pushing:
    """A webhook server, the SQLite file its receiver records in, and a sandbox pushing to it."""

    server: WebhookServer
    store: Path
    sandbox: Sandbox

    def cams_client(self, **options: object) -> chatlane.Client:
        return self.sandbox.client(rate_limit_disabled=True, **options)


@pytest.fixture(scope="module")
def pushing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pushing]:
    folder = tmp_path_factory.mktemp("receiver")
    store = folder / "events.db"
    receiver = chatlane.Receiver(
        meta_app_secret=META_APP_SECRET,
        meta_verify_token=VERIFY_TOKEN,
        cams_token=PUSH_TOKEN,
        cams_allowed_ips=["127.0.0.0/8"],
        event_store=store,
    )
    server = WebhookServer(receiver)
    try:
        with pushing_sandbox(server.url, folder) as sandbox:
            yield Pushing(server, store, sandbox)
    finally:
        server.close()


def template_to(user: str, task_id: str | None = None) -> chatlane.Message:
    template = chatlane.Template(code="744c4b5c79c94324", language="en")
    return chatlane.Message(from_=BUSINESS, to=user, template=template, task_id=task_id)


def test_cams_receipts_pushed_three_times_are_processed_once(pushing: Pushing) -> None:
    user = new_recipient()
    pushing.sandbox.inject({"kind": "duplicate", "count": 3}, to=user, times=3)
    receipt = pushing.cams_client().send(template_to(user))
    until(lambda: len(pushing.server.deliveries_of(receipt.message_id)) >= 9, "nine deliveries")
    time.sleep(0.1)
    deliveries = pushing.server.deliveries_of(receipt.message_id)
    assert len(deliveries) == 9, "each of the 3 receipts pushed 3 times"
    assert {(d.endpoint, d.reply.status, d.reply.body) for d in deliveries} == {
        ("cams_status", 200, '{"code":0,"msg":"success"}')
    }
    assert sum(d.reply.skipped for d in deliveries) == 6
    assert pushing.server.statuses(receipt.message_id) == ["sent", "delivered", "read"]


def test_meta_webhooks_are_verified_and_deduplicated(pushing: Pushing) -> None:
    user = new_recipient()
    pushing.sandbox.inject({"kind": "duplicate", "count": 2}, to=user, times=3, api="meta")
    template = chatlane.Template(name="order_update", language="en_US")
    message = chatlane.Message(from_=PHONE_NUMBER_ID, to=user, template=template)
    receipt = pushing.sandbox.meta_client().send(message)
    until(lambda: len(pushing.server.deliveries_of(receipt.message_id)) >= 6, "six deliveries")
    time.sleep(0.1)
    deliveries = pushing.server.deliveries_of(receipt.message_id)
    assert [(d.endpoint, d.reply.status) for d in deliveries] == [("meta", 200)] * 6
    assert pushing.server.statuses(receipt.message_id) == ["sent", "delivered", "read"]
    events = [event for d in deliveries for event in d.reply.events]
    assert {event.provider for event in events} == {"meta"}

    # The same signed requests, to a receiver holding another app secret: 401, no events.
    wrong = chatlane.Receiver(meta_app_secret="not-the-app-secret", event_store=":memory:")
    for delivery in deliveries:
        reply = wrong.handle("meta", method="POST", headers=delivery.headers, body=delivery.body)
        assert (reply.status, reply.events, reply.skipped) == (401, [], 0)
        assert isinstance(reply.error, chatlane.AuthenticationError)
        assert reply.error.code == "SignatureMismatch"
        assert json.loads(reply.body)["code"] == "SignatureMismatch"


def test_meta_subscription_is_answered_through_the_server(pushing: Pushing) -> None:
    query = f"hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1158201444"
    with urllib.request.urlopen(f"{pushing.server.url}/meta?{query}", timeout=10) as answer:
        assert (answer.status, answer.headers["content-type"], answer.read()) == (200, "text/plain", b"1158201444")
    wrong = query.replace(VERIFY_TOKEN, "guessed")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{pushing.server.url}/meta?{wrong}", timeout=10)
    assert refused.value.code == 403


def test_a_free_form_message_waits_for_the_users_message(pushing: Pushing) -> None:
    user = new_recipient()
    client = pushing.cams_client(event_store=str(pushing.store), session_window="enforce")
    text = chatlane.Message(from_=BUSINESS, to=user, content=chatlane.Text(text="your order shipped"))
    with pytest.raises(chatlane.SessionWindowError) as closed:
        client.send(text)
    assert closed.value.code == "SessionWindowClosed"
    assert closed.value.task_id is not None
    assert pushing.sandbox.ledger_to(user) == [], "refused before sending"
    client.send(template_to(user))
    fallback = pushing.cams_client(
        event_store=str(pushing.store),
        session_window="fallback",
        session_window_template="744c4b5c79c94324",
        session_window_language="en",
    )
    receipt = fallback.send(text)
    assert receipt.fallback
    sent = pushing.sandbox.ledger_to(user)[-1]
    assert (sent["messageId"], sent["params"]["Type"], sent["params"]["TemplateCode"]) == (
        receipt.message_id,
        "template",
        "744c4b5c79c94324",
    )

    pushing.sandbox.user_writes(user, BUSINESS, "where is my order?")
    until(lambda: len(pushing.server.inbound_from(user)) == 1, "the user's message")
    (inbound,) = pushing.server.inbound_from(user)
    assert isinstance(inbound.content, chatlane.InboundText)
    assert inbound.content.body == "where is my order?"
    assert not client.send(text).fallback
    assert not fallback.send(text).fallback, "an open window needs no fallback"
    assert len(pushing.sandbox.ledger_to(user)) == 4


def test_a_send_whose_answer_never_came_is_resolved_by_its_receipt(pushing: Pushing) -> None:
    user = new_recipient()
    task_id = f"order-{uuid.uuid4().hex}"
    client = pushing.cams_client(event_store=str(pushing.store), request_timeout=0.3, max_attempts=1)
    pushing.sandbox.inject({"kind": "hang"}, to=user)
    with pytest.raises(chatlane.OutcomeUnknownError) as unknown:
        client.send(template_to(user, task_id))
    assert unknown.value.task_id == task_id
    receiver = pushing.server.receiver

    def accepted() -> bool:
        record = receiver.send(task_id)
        return record is not None and record.state == "accepted"

    until(accepted, "accepted")
    (entry,) = pushing.sandbox.ledger_to(user)
    record = receiver.send(task_id)
    assert record is not None
    assert (record.provider, record.task_id, record.from_, record.to) == ("cams", task_id, BUSINESS, user)
    assert record.message_id == entry["messageId"]
    assert record.recorded_ms <= record.updated_ms
    assert repr(record).startswith(f"SendRecord(provider='cams', task_id='{task_id}', from_='{BUSINESS}', to='{user}'")
    assert record == receiver.send(task_id)
    assert receiver.send(task_id, "meta") is None
    assert receiver.send("never-sent") is None
    assert len(pushing.sandbox.ledger_to(user)) == 1, "sent once, never again"


# A receiver that handles one push and dies before committing (`os._exit`: no clean-up).
CRASHING = """
import os, sys
import chatlane
receiver = chatlane.Receiver(cams_token=sys.argv[2], event_store=sys.argv[1])
with open(sys.argv[3], "rb") as body:
    reply = receiver.handle("cams_status", method="POST", query="token=" + sys.argv[2], body=body.read())
print(reply.status, len(reply.events), flush=True)
os._exit(0)
"""


def keys(events: list[chatlane.Event]) -> list[str]:
    """The events' dedup keys, sorted (a reclaim hands events out by claim time, then key)."""
    return sorted(chatlane.dedup_key(event) for event in events)


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_events_a_crashed_process_claimed_come_back_through_reclaim(
    tmp_path: Path, kind: str, request: pytest.FixtureRequest
) -> None:
    # SQLite: one host's processes share the file; Redis: a fleet's processes share the server.
    store = tmp_path / "events.db" if kind == "sqlite" else request.getfixturevalue("redis_server").url
    push = tmp_path / "push.json"
    body = body_of(case_named("cams_status/batch_sent_delivered_read"))
    push.write_bytes(body)
    run = [sys.executable, "-c", CRASHING, str(store), PUSH_TOKEN, str(push)]
    crashed = subprocess.run(run, capture_output=True, text=True, timeout=60)
    assert (crashed.returncode, crashed.stdout) == (0, "200 3\n"), crashed.stderr

    receiver = chatlane.Receiver(cams_token=PUSH_TOKEN, event_store=str(store))
    again = receiver.handle("cams_status", method="POST", query=f"token={PUSH_TOKEN}", body=body)
    assert (again.status, again.events, again.skipped) == (200, [], 3), "already claimed"
    assert receiver.reclaim(60.0) == [], "still within the lease"
    reclaimed = receiver.reclaim(0.0)
    assert keys(reclaimed) == keys(chatlane.parse_cams_push(body, "status"))
    (again_one,) = receiver.reclaim(0.0, limit=1)
    assert again_one in reclaimed, "handed out again until committed"
    receiver.commit(reclaimed)
    assert receiver.reclaim(0.0) == []
    assert receiver.handle("cams_status", method="POST", query=f"token={PUSH_TOKEN}", body=body).events == []


def test_a_redis_store_is_shown_without_its_password(redis_server: RedisServer) -> None:
    url = redis_server.url.replace("redis://", "redis://:pa55word@")
    receiver = chatlane.Receiver(cams_unauthenticated=True, event_store=url)
    assert "pa55word" not in repr(receiver)
    assert f"event_store='redis://***@127.0.0.1:{redis_server.port}'" in repr(receiver)


def test_without_a_store_every_event_is_handed_out() -> None:
    receiver = chatlane.Receiver(cams_unauthenticated=True)
    body = body_of(case_named("cams_status/batch_sent_delivered_read"))
    for _ in range(2):
        reply = receiver.handle("cams_status", method="POST", body=body)
        assert (reply.status, len(reply.events), reply.skipped, reply.error) == (200, 3, 0, None)
    receiver.commit(reply.events)
    assert receiver.reclaim(0.0) == []
    assert receiver.send("order-1") is None


@pytest.fixture
def receiver() -> chatlane.Receiver:
    return chatlane.Receiver(meta_app_secret=META_APP_SECRET, cams_token=PUSH_TOKEN, event_store=":memory:")


def test_truncated_json_is_a_400_with_its_typed_error(receiver: chatlane.Receiver) -> None:
    reply = receiver.handle("cams_status", method="POST", query=f"token={PUSH_TOKEN}", body=b'[{"MessageId": "m')
    assert (reply.status, reply.content_type, reply.events) == (400, "application/json", [])
    assert isinstance(reply.error, chatlane.InvalidParameterError)
    assert json.loads(reply.body) == {"code": reply.error.code, "message": reply.error.message}
    body = b'{"entry": [{"changes": ['
    headers = {"X-Hub-Signature-256": signature(META_APP_SECRET, body)}
    meta = receiver.handle("meta", method="POST", headers=headers, body=body)
    assert (meta.status, type(meta.error)) == (400, chatlane.InvalidParameterError)


def test_a_body_over_4_mib_is_a_413(receiver: chatlane.Receiver) -> None:
    huge = b"[" + b" " * (10 * 1024 * 1024) + b"]"
    reply = receiver.handle("cams_inbound", method="POST", query=f"token={PUSH_TOKEN}", body=huge)
    assert (reply.status, reply.events) == (413, [])
    assert isinstance(reply.error, chatlane.InvalidParameterError)


def test_meta_without_or_with_a_wrong_signature_is_a_401(receiver: chatlane.Receiver) -> None:
    body = body_of(case_named("meta_inbound/text"))
    missing = receiver.handle("meta", method="POST", body=body)
    assert (missing.status, missing.events) == (401, [])
    assert isinstance(missing.error, chatlane.AuthenticationError) and missing.error.code == "SignatureMismatch"
    forged_headers = [("x-hub-signature-256", signature("guess", body))]
    forged = receiver.handle("meta", method="POST", headers=forged_headers, body=body)
    assert (forged.status, forged.events) == (401, [])
    headers = {"X-Hub-Signature-256": signature(META_APP_SECRET, body)}
    signed = receiver.handle("meta", method="POST", headers=headers, body=body)
    assert (signed.status, signed.body, signed.error) == (200, "OK", None)
    assert [event.to_dict() for event in signed.events] == case_named("meta_inbound/text")["events"]


def test_cams_pushes_need_the_token_and_an_allowed_address() -> None:
    body = body_of(case_named("cams_inbound/text"))
    receiver = chatlane.Receiver(cams_token=PUSH_TOKEN, cams_allowed_ips=["47.74.0.0/16"])
    no_token = receiver.handle("cams_inbound", method="POST", body=body, remote_addr="47.74.1.2")
    assert (no_token.status, getattr(no_token.error, "code", None)) == (401, "SignatureMismatch")
    query = f"?token={PUSH_TOKEN}"
    outside = receiver.handle("cams_inbound", method="POST", query=query, body=body, remote_addr="203.0.113.7:443")
    assert (outside.status, type(outside.error)) == (403, chatlane.PermissionDeniedError)
    inside = receiver.handle("cams_inbound", method="POST", query=query, body=body, remote_addr="47.74.1.2:51234")
    assert (inside.status, len(inside.events)) == (200, 1)
    wrong_method = receiver.handle("cams_inbound", method="PUT", body=body, remote_addr="47.74.1.2")
    assert wrong_method.status == 405


def test_a_receiver_without_meta_settings_answers_500_so_meta_retries() -> None:
    receiver = chatlane.Receiver(cams_unauthenticated=True)
    reply = receiver.handle("meta", method="POST", body=b"{}")
    assert (reply.status, type(reply.error)) == (500, chatlane.ConfigurationError)
    query = "hub.mode=subscribe&hub.verify_token=x&hub.challenge=1"
    assert receiver.handle("meta", method="GET", query=query, body=b"").status == 500


def test_bad_arguments_raise_typed_errors(receiver: chatlane.Receiver, tmp_path: Path) -> None:
    with pytest.raises(chatlane.InvalidParameterError):
        receiver.handle("meta", method="POST", body=b"{}", remote_addr="localhost")
    with pytest.raises(chatlane.ConfigurationError, match="cams_status, cams_inbound, meta"):
        receiver.handle("cams", method="POST", body=b"[]")  # type: ignore[arg-type]
    with pytest.raises(chatlane.InvalidParameterError):
        receiver.reclaim(-1.0)
    with pytest.raises(chatlane.InvalidParameterError):
        receiver.reclaim(float("nan"))
    with pytest.raises(chatlane.ConfigurationError):
        receiver.send("order-1", "viber")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        receiver.commit(["not an event"])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        receiver.handle("meta", method="POST", body="text, not bytes")  # type: ignore[arg-type]
    for options in (
        {"cams_allowed_ips": ["not-a-network"]},
        {"meta_app_secret": ""},
        {"cams_token": "t", "cams_unauthenticated": True},
        {"event_store": ""},
    ):
        with pytest.raises(chatlane.ConfigurationError):
            chatlane.Receiver(**options)
    with pytest.raises(chatlane.StorageError):
        chatlane.Receiver(cams_unauthenticated=True, event_store=tmp_path / "missing" / "dir" / "events.db")
    with pytest.raises(TypeError):
        chatlane.Receiver(cams_allowed_ips="10.0.0.0/8")


def test_repr_shows_no_secret(tmp_path: Path) -> None:
    receiver = chatlane.Receiver(
        meta_app_secret="app-secret-value",
        meta_verify_token="verify-token-value",
        cams_token="push-token-value",
        cams_allowed_ips=("10.0.0.0/8",),
        event_store=tmp_path / "events.db",
    )
    shown = repr(receiver)
    assert "value" not in shown, shown
    assert shown == (
        "Receiver(meta_app_secret='***', meta_verify_token='***', cams_token='***', "
        f"cams_allowed_ips=['10.0.0.0/8'], event_store={str(tmp_path / 'events.db')!r})"
    )
    assert repr(chatlane.Receiver(cams_unauthenticated=True)) == "Receiver(cams_unauthenticated=True)"
