"""The Python surface itself: message objects, receipts, the exception classes and the stubs."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import chatlane
import typing_example
from chatlane import _chatlane
from conftest import REPO, SANDBOX_KEY_ID, SANDBOX_KEY_SECRET, Sandbox

STUB = Path(chatlane.__file__).with_name("_chatlane.pyi")


def test_template_keeps_its_fields_and_param_order() -> None:
    message = chatlane.Template(
        sender="1",
        to="2",
        code="C",
        language="en",
        params={"z": "1", "a": "2"},
        payload=["p"],
        channel="WhatsApp",
        task_id="t",
        cust_space_id="cams-1",
    )
    assert (message.sender, message.to, message.code, message.language) == ("1", "2", "C", "en")
    assert list(message.params.items()) == [("z", "1"), ("a", "2")]
    assert message.payload == ["p"]
    assert (message.channel, message.task_id, message.cust_space_id) == ("whatsapp", "t", "cams-1")
    assert repr(message) == (
        "Template(sender='1', to='2', code='C', language='en', params={'z': '1', 'a': '2'}, "
        "payload=['p'], channel='whatsapp', task_id='t', cust_space_id='cams-1')"
    )


def test_messages_are_immutable_values() -> None:
    params = {"name": "Ada"}
    message = chatlane.Template(sender="1", to="2", code="C", language="en", params=params)
    params["name"] = "changed"
    message.params["name"] = "changed too"
    assert message.params == {"name": "Ada"}
    with pytest.raises(AttributeError):
        message.code = "other"  # type: ignore[misc]
    assert message == chatlane.Template(sender="1", to="2", code="C", language="en", params={"name": "Ada"})
    assert message != chatlane.Template(sender="1", to="2", code="C", language="en")


def test_text_fields_and_repr() -> None:
    message = chatlane.Text(sender="page-1", to="psid-2", text="it's", channel="messenger")
    assert (message.sender, message.to, message.text, message.channel) == ("page-1", "psid-2", "it's", "messenger")
    assert message.task_id is None and message.cust_space_id is None
    assert repr(message) == """Text(sender='page-1', to='psid-2', text="it's", channel='messenger')"""


def test_constructors_are_keyword_only_and_typed() -> None:
    with pytest.raises(TypeError):
        chatlane.Text("1", "2", "hi")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        chatlane.Template(sender="1", to="2", code="C", language="en", params={"n": 1})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        chatlane.Template(sender="1", to="2", code="C", language="en", payload="not-a-list")  # type: ignore[arg-type]


def test_send_refuses_other_objects(client: chatlane.Client) -> None:
    with pytest.raises(TypeError, match="chatlane.Template or chatlane.Text"):
        client.send({"type": "text"})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not str"):
        client.send_async("hello")  # type: ignore[arg-type, unused-coroutine]


def test_receipt_and_violation_values() -> None:
    receipt = chatlane.SendReceipt(message_id="m1", request_id="r1", task_id="t1")
    assert (receipt.task_id, receipt.attempts) == ("t1", 1)
    assert repr(receipt) == "SendReceipt(message_id='m1', request_id='r1', task_id='t1', attempts=1)"
    assert receipt == chatlane.SendReceipt(message_id="m1", request_id="r1", task_id="t1", attempts=1)
    assert receipt != chatlane.SendReceipt(message_id="m1", request_id="r1", task_id="t1", attempts=2)
    violation = chatlane.Violation(code="required", path="to", message="must not be empty")
    assert repr(violation) == "Violation(code='required', path='to', message='must not be empty')"


def error_classes() -> dict[str, type]:
    return {
        name: value
        for name, value in vars(_chatlane).items()
        if isinstance(value, type) and issubclass(value, chatlane.ChatlaneError)
    }


def test_one_exception_class_per_category() -> None:
    classes = error_classes()
    assert {"ValidationError", "AuthenticationError", "InternalError"} < set(classes)
    for name, cls in classes.items():
        assert cls.__module__ == "chatlane"
        assert cls.__name__ == name
        if cls is not chatlane.ChatlaneError:
            assert cls.__bases__ == (chatlane.ChatlaneError,)
            assert cls.__doc__ and "category" in cls.__doc__
    assert chatlane.ChatlaneError.__bases__ == (Exception,)


def test_package_exports_and_stub_match_the_extension() -> None:
    runtime = {name for name in vars(_chatlane) if not name.startswith("_")} | {"__version__"}
    assert set(chatlane.__all__) == runtime | {"Message"}
    stub = ast.parse(STUB.read_text())
    stubbed = {node.name for node in stub.body if isinstance(node, ast.ClassDef)}
    assert stubbed == set(error_classes()) | {"Client", "SendReceipt", "Template", "Text", "Violation"}
    assert chatlane.__version__ == "0.1.0"
    assert (Path(chatlane.__file__).parent / "py.typed").is_file()


def test_typing_example_runs(sandbox: Sandbox) -> None:
    receipts = typing_example.main(sandbox.endpoint)
    assert len(receipts) == 3
    landed = {e["messageId"] for e in sandbox.ledger()}
    assert all(r.message_id in landed for r in receipts)


def test_demo_sends_a_template_and_a_text(sandbox: Sandbox) -> None:
    env = {
        **os.environ,
        "CHATLANE_ENDPOINT": sandbox.endpoint,
        "ALIBABA_CLOUD_ACCESS_KEY_ID": SANDBOX_KEY_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": SANDBOX_KEY_SECRET,
    }
    demo = REPO / "bindings-python" / "examples" / "demo.py"
    done = subprocess.run([sys.executable, str(demo)], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [re.sub(r"=\w+$", "=<id>", line) for line in lines] == [
        "python  template  MessageId=<id>",
        "python  text      MessageId=<id>",
    ]
    template_id, text_id = (line.rsplit("=", 1)[1] for line in lines)
    assert sandbox.entry(template_id)["params"]["Type"] == "template"
    assert sandbox.entry(text_id)["params"]["Type"] == "message"
