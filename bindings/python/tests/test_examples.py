"""The webhook examples (examples/webhook_flask.py, examples/webhook_fastapi.py) stay true: each
app, through its framework's test client, answers a CAMS push and a signed Meta notification
with the events once, refuses what it must, and answers Meta's subscription; the Flask app,
served for real, receives the sandbox's pushes."""

from __future__ import annotations

import importlib.util
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from fastapi.testclient import TestClient
from werkzeug.serving import make_server

import chatlane
from conftest import BUSINESS, META_APP_SECRET, PUSH_TOKEN, new_recipient, pushing_sandbox, until
from test_webhooks import body_of, case_named, signature

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
VERIFY_TOKEN = "verify-token"

# One request through an app: method, path with query, headers, body → status, content type
# and body of the answer.
Call = Callable[[str, str, dict[str, str], bytes], tuple[int, str, bytes]]


def example(name: str) -> ModuleType:
    """Imports examples/<name>.py."""
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def receiver(store: Path) -> chatlane.Receiver:
    return chatlane.Receiver(
        meta_app_secret=META_APP_SECRET, meta_verify_token=VERIFY_TOKEN, cams_token=PUSH_TOKEN, event_store=store
    )


def flask_call(app_receiver: chatlane.Receiver, events: list[chatlane.Event]) -> Call:
    client = example("webhook_flask").create_app(app_receiver, events.extend).test_client()

    def call(method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, str, bytes]:
        answer = client.open(path, method=method, headers=headers, data=body)
        return answer.status_code, answer.content_type, answer.get_data()

    return call


def fastapi_call(app_receiver: chatlane.Receiver, events: list[chatlane.Event]) -> Call:
    app = example("webhook_fastapi").create_app(app_receiver, events.extend)
    client = TestClient(app, client=("127.0.0.1", 51234))

    def call(method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, str, bytes]:
        answer = client.request(method, path, headers=headers, content=body)
        return answer.status_code, answer.headers["content-type"], answer.content

    return call


@pytest.mark.parametrize("framework", [flask_call, fastapi_call], ids=["flask", "fastapi"])
def test_the_example_app_receives_once_and_refuses(
    framework: Callable[[chatlane.Receiver, list[chatlane.Event]], Call], tmp_path: Path
) -> None:
    events: list[chatlane.Event] = []
    app_receiver = receiver(tmp_path / "events.db")
    call = framework(app_receiver, events)

    push = body_of(case_named("cams_status/batch_sent_delivered_read"))
    json_type = {"content-type": "application/json"}
    for _ in range(2):
        answer = call("POST", f"/cams/status?token={PUSH_TOKEN}", json_type, push)
        assert answer == (200, "application/json", b'{"code":0,"msg":"success"}')
    assert events == chatlane.parse_cams_push(push, "status"), "each event once"
    inbound = body_of(case_named("cams_inbound/text"))
    assert call("POST", f"/cams/inbound?token={PUSH_TOKEN}", json_type, inbound)[0] == 200
    assert events[3:] == chatlane.parse_cams_push(inbound, "inbound")
    status, _, refused = call("POST", "/cams/inbound?token=guessed", json_type, inbound)
    assert (status, json.loads(refused)["code"]) == (401, "SignatureMismatch")

    notification = body_of(case_named("meta_inbound/text"))
    signed = {**json_type, "X-Hub-Signature-256": signature(META_APP_SECRET, notification)}
    status, content_type, text = call("POST", "/meta", signed, notification)
    assert (status, content_type.split(";")[0], text) == (200, "text/plain", b"OK")
    assert events[4:] == chatlane.parse_meta_webhook(notification)
    assert call("POST", "/meta", json_type, notification)[0] == 401
    forged = {**json_type, "X-Hub-Signature-256": signature("guessed", notification)}
    assert call("POST", "/meta", forged, notification)[0] == 401
    assert call("POST", "/meta", signed, notification)[0] == 200
    assert len(events) == 5, "no event twice, none from a refused request"
    assert app_receiver.reclaim(0.0) == [], "every event committed"

    subscribe = f"/meta?hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1158201444"
    status, content_type, text = call("GET", subscribe, {}, b"")
    assert (status, content_type.split(";")[0], text) == (200, "text/plain", b"1158201444")
    assert call("GET", subscribe.replace(VERIFY_TOKEN, "guessed"), {}, b"")[0] == 403


@pytest.fixture
def flask_server(tmp_path: Path) -> Iterator[tuple[str, list[chatlane.Event]]]:
    """The Flask example served on a free loopback port; its URL and the events it processed."""
    events: list[chatlane.Event] = []
    app = example("webhook_flask").create_app(receiver(tmp_path / "events.db"), events.extend)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", events
    finally:
        server.shutdown()
        server.server_close()


def test_the_flask_example_receives_the_sandboxs_pushes(
    flask_server: tuple[str, list[chatlane.Event]], tmp_path: Path
) -> None:
    url, events = flask_server
    user = new_recipient()
    with pushing_sandbox(url, tmp_path) as sandbox:
        sandbox.inject({"kind": "duplicate", "count": 3}, to=user, times=3)
        template = chatlane.Template(code="744c4b5c79c94324", language="en")
        message = chatlane.Message(from_=BUSINESS, to=user, template=template)
        receipt = sandbox.client(rate_limit_disabled=True).send(message)
        until(lambda: len(sandbox.callbacks()) == 9, "each receipt pushed three times")
        sandbox.user_writes(user, BUSINESS, "hello")
        until(lambda: any(isinstance(e, chatlane.InboundEvent) for e in events), "the user's message")
        assert {push["outcome"] for push in sandbox.callbacks()} == {"200"}
    statuses = [e.status for e in events if isinstance(e, chatlane.StatusEvent) and e.message_id == receipt.message_id]
    assert statuses == ["sent", "delivered", "read"]
    assert len(events) == 4
    inbound = events[-1]
    assert isinstance(inbound, chatlane.InboundEvent) and isinstance(inbound.content, chatlane.InboundText)
    assert (inbound.sender.phone, inbound.content.body) == (user, "hello")
