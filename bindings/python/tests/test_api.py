"""The Python surface itself: the typed model, the pure functions, receipts, the exception
classes and the stubs."""

from __future__ import annotations

import ast
import copy
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import chatlane
import typing_example
from chatlane import _chatlane, _events, _model, _ops, _receiver
from conftest import REPO, SANDBOX_KEY_ID, SANDBOX_KEY_SECRET, Sandbox

STUB = Path(chatlane.__file__).with_name("_chatlane.pyi")
SENDER = "8613900000000"
RECIPIENT = "8613800000000"


def template_message(**overrides: Any) -> chatlane.Message:
    fields: dict[str, Any] = {
        "from_": SENDER,
        "to": RECIPIENT,
        "template": chatlane.Template(code="C", language="en", params={"z": "1", "a": "2"}, payload=["p"]),
        **overrides,
    }
    return chatlane.Message(**fields)


def test_message_fields_defaults_and_json_shape() -> None:
    message = template_message(task_id="t", cust_space_id="cams-1")
    assert (message.from_, message.to, message.channel) == (SENDER, RECIPIENT, "whatsapp")
    assert message.content is None and message.fallback is None
    assert message.template is not None and list(message.template.params.items()) == [("z", "1"), ("a", "2")]
    assert message.to_dict() == {
        "channel": "whatsapp",
        "from": SENDER,
        "to": RECIPIENT,
        "template": {"code": "C", "language": "en", "params": {"z": "1", "a": "2"}, "payload": ["p"]},
        "taskId": "t",
        "custSpaceId": "cams-1",
    }
    assert list(message.to_dict()["template"]["params"]) == ["z", "a"]
    assert chatlane.Message.from_dict(message.to_dict()) == message


def test_messages_copy_pickle_hash_and_show_their_fields() -> None:
    message = chatlane.Message(from_=SENDER, to=RECIPIENT, content=chatlane.Text(text="hi"), task_id="t-1")
    for copied in (copy.copy(message), copy.deepcopy(message), pickle.loads(pickle.dumps(message))):
        assert copied == message and copied is not message
    assert hash(message) == hash(copy.deepcopy(message))
    assert repr(message).startswith(f"Message(channel='whatsapp', from_='{SENDER}', to='{RECIPIENT}', template=None,")
    assert "content=Text(text='hi')" in repr(message)
    with pytest.raises(AttributeError, match="frozen"):
        del message.task_id


def test_messages_are_immutable_values() -> None:
    params = {"name": "Ada"}
    message = chatlane.Message(
        from_=SENDER, to=RECIPIENT, template=chatlane.Template(code="C", language="en", params=params)
    )
    with pytest.raises(AttributeError, match="frozen"):
        message.to = "other"
    assert message == chatlane.Message(
        from_=SENDER, to=RECIPIENT, template=chatlane.Template(code="C", language="en", params={"name": "Ada"})
    )
    assert message != chatlane.Message(from_=SENDER, to=RECIPIENT, template=chatlane.Template(code="C", language="en"))
    written = message.to_dict()
    written["template"]["params"]["name"] = "changed"
    assert params == {"name": "Ada"}  # to_dict copies
    assert repr(chatlane.Text(text="it's")) == """Text(text="it's")"""


def test_constructors_are_keyword_only_and_tags_are_class_constants() -> None:
    with pytest.raises(TypeError):
        chatlane.Text("hi")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        chatlane.Message(to=RECIPIENT)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        chatlane.Text(text="hi", message_type="image")  # type: ignore[call-arg]
    assert (chatlane.Text.message_type, chatlane.TextImageButton.message_type) == ("text", "text_image_button")
    assert (chatlane.InteractiveCatalog.message_type, chatlane.InteractiveCatalog.type) == (
        "interactive",
        "catalog_message",
    )
    assert (chatlane.ReplyButton.type, chatlane.FlowButton.name) == ("reply", "flow")
    assert (chatlane.TextHeader.type, chatlane.ImageHeader.type) == ("text", "image")


def test_every_model_class_round_trips_its_tags() -> None:
    button = chatlane.InteractiveButton(
        header=chatlane.ImageHeader(image=chatlane.MediaLink(link="https://x.example/a.png")),
        body=chatlane.InteractiveText(text="Pick"),
        action=chatlane.ButtonAction(buttons=[chatlane.ReplyButton(reply=chatlane.Reply(id="y", title="Yes"))]),
    )
    assert button.to_dict() == {
        "messageType": "interactive",
        "type": "button",
        "header": {"type": "image", "image": {"link": "https://x.example/a.png"}},
        "body": {"text": "Pick"},
        "action": {"buttons": [{"type": "reply", "reply": {"id": "y", "title": "Yes"}}]},
    }
    assert chatlane.InteractiveButton.from_dict(button.to_dict()) == button
    catalog = chatlane.InteractiveCatalog(body=chatlane.InteractiveText(text="See"), action=chatlane.CatalogAction())
    assert catalog.to_dict()["action"] == {"name": "catalog_message"}
    # serde ignores a struct's own tag on input, so from_dict accepts it left out
    assert chatlane.ReplyButton.from_dict({"reply": {"id": "y", "title": "Yes"}}) == button.action.buttons[0]


@pytest.mark.parametrize(
    ("data", "error", "text"),
    [
        ([], TypeError, "expected an object, found list"),
        ({"to": RECIPIENT}, ValueError, "from: missing"),
        ({"from": SENDER, "to": RECIPIENT, "taskid": "x"}, ValueError, "taskid: unknown field"),
        ({"from": 8613900000000, "to": RECIPIENT}, TypeError, "from: expected a string, found int"),
        ({"from": SENDER, "to": RECIPIENT, "channel": "sms"}, ValueError, "channel: expected one of 'whatsapp'"),
        (
            {"from": SENDER, "to": RECIPIENT, "content": {"messageType": "carousel"}},
            ValueError,
            "content.messageType: expected one of 'text', 'image'",
        ),
        (
            {"from": SENDER, "to": RECIPIENT, "content": {"messageType": "interactive", "type": "list", "body": {}}},
            ValueError,
            "content.body.text: missing",
        ),
        (
            {"from": SENDER, "to": RECIPIENT, "content": {"messageType": "contacts", "contacts": [{"name": 1}]}},
            TypeError,
            r"content.contacts\[0\].name: expected an object",
        ),
        (
            {
                "from": SENDER,
                "to": RECIPIENT,
                "content": {"messageType": "document", "link": "l", "filename": "a", "fileName": "b"},
            },
            ValueError,
            "content.filename: duplicate of 'fileName'",
        ),
        (
            {"from": SENDER, "to": RECIPIENT, "template": {"code": "C", "language": "en", "params": {"name": 1}}},
            TypeError,
            "template.params.name: expected a string, found int",
        ),
        ({"from": SENDER, "to": RECIPIENT, "channel": 1}, ValueError, "channel: expected one of"),
    ],
)
def test_from_dict_is_strict_and_names_the_path(data: Any, error: type[Exception], text: str) -> None:
    with pytest.raises(error, match=text):
        chatlane.Message.from_dict(data)


def test_violations_and_wire_params_are_pure() -> None:
    message = chatlane.Message(from_="+86 139", to=RECIPIENT, content=chatlane.Text(text=""), task_id="t-1")
    assert [(v.code, v.path) for v in chatlane.violations(message)] == [
        ("digits_only", "from"),
        ("required", "content.text"),
    ]
    sendable = chatlane.Message(from_=SENDER, to=RECIPIENT, content=chatlane.Text(text='"hi" 北京'), task_id="t-1")
    assert chatlane.violations(sendable) == []
    assert chatlane.wire_params(sendable) == {
        "ChannelType": "whatsapp",
        "From": SENDER,
        "To": RECIPIENT,
        "TaskId": "t-1",
        "Type": "message",
        "MessageType": "text",
        "Content": '{"text":"\\"hi\\" 北京"}',
    }
    mass = chatlane.MassMessage(
        from_=SENDER,
        template=chatlane.Template(code="C", language="en", params={"shop": "Ada's"}),
        recipients=[chatlane.Recipient(to=RECIPIENT, params={"name": "Bo"}), chatlane.Recipient(to="")],
    )
    assert [(v.code, v.path) for v in chatlane.mass_violations(mass)] == [("required", "recipients[1].to")]
    assert chatlane.mass_wire_params(mass)["SenderList"] == (
        f'[{{"TemplateParams":{{"shop":"Ada\'s","name":"Bo"}},"To":"{RECIPIENT}"}},'
        '{"TemplateParams":{"shop":"Ada\'s"},"To":""}]'
    )


def test_wrong_field_types_are_reported_with_their_place() -> None:
    wrong_type = chatlane.Message(from_=SENDER, to=RECIPIENT, channel="sms")  # type: ignore[arg-type]
    with pytest.raises(chatlane.ValidationError, match="at channel: unknown variant `sms`") as caught:
        chatlane.violations(wrong_type)
    assert caught.value.code == "InvalidMessage"
    not_json = chatlane.Custom(type="carousel", content={"cards": [{"when": object()}]})
    with pytest.raises(TypeError, match=r"at content.content.cards\[0\].when: object is not JSON data"):
        chatlane.wire_params(chatlane.Message(from_=SENDER, to=RECIPIENT, content=not_json))
    with pytest.raises(chatlane.ValidationError) as refused:
        chatlane.wire_params(
            chatlane.Message(from_=SENDER, to=RECIPIENT, content=chatlane.Location(longitude=float("inf"), latitude=0))
        )
    assert [(v.code, v.path) for v in refused.value.violations] == [("out_of_range", "content.longitude")]


def test_functions_and_sends_refuse_other_objects(client: chatlane.Client) -> None:
    message = template_message()
    with pytest.raises(TypeError, match="message must be a chatlane.Message, not dict"):
        client.send(message.to_dict())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not str"):
        client.send_async("hello")  # type: ignore[arg-type, unused-coroutine]
    with pytest.raises(TypeError, match="mass must be a chatlane.MassMessage, not Message"):
        client.send_mass(message)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="chatlane.MassMessage"):
        chatlane.mass_wire_params(message)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="chatlane.Message"):
        chatlane.violations(chatlane.Text(text="hi"))  # type: ignore[arg-type]


def test_receipt_and_violation_values() -> None:
    receipt = chatlane.SendReceipt(message_id="m1", request_id="r1", task_id="t1")
    assert (receipt.task_id, receipt.attempts, receipt.fallback) == ("t1", 1, False)
    assert repr(receipt) == "SendReceipt(message_id='m1', request_id='r1', task_id='t1', attempts=1, fallback=False)"
    assert receipt == chatlane.SendReceipt(message_id="m1", request_id="r1", task_id="t1", attempts=1)
    assert receipt != chatlane.SendReceipt(message_id="m1", request_id="r1", task_id="t1", attempts=2)
    assert receipt != chatlane.SendReceipt(message_id="m1", request_id="r1", task_id="t1", fallback=True)
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
    native = {name for name in vars(_chatlane) if not name.startswith("_")} | {"__version__"}
    # The test hooks of a `test-hooks` build (as the tests build it) are not in the stub.
    hooks = {"_panic_probe", "_panic_probe_sync", "_panic_probe_async"}
    modules = (_events, _model, _ops, _receiver)
    assert set(chatlane.__all__) == native | {name for module in modules for name in module.__all__}
    assert all(hasattr(chatlane, name) for name in chatlane.__all__)
    stub = ast.parse(STUB.read_text())
    stubbed_classes = {node.name for node in stub.body if isinstance(node, ast.ClassDef)}
    values = {
        "AccessToken",
        "GranularScope",
        "OutcomeEvent",
        "RetryEvent",
        "SendReceipt",
        "SendRecord",
        "TokenInfo",
        "Violation",
    }
    assert stubbed_classes == set(error_classes()) | values | {"Client", "MetaApp", "_Receiver", "_Pages"}
    stubbed_functions = {node.name for node in stub.body if isinstance(node, ast.FunctionDef)}
    assert stubbed_functions == {
        name
        for name, value in vars(_chatlane).items()
        if callable(value) and not isinstance(value, type) and name not in hooks
    }
    for node in stub.body:
        if isinstance(node, ast.ClassDef) and node.name not in error_classes():
            members = {item.name for item in node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))}
            public = {name for name in dir(getattr(_chatlane, node.name)) if not name.startswith("_")}
            assert {name for name in members if not name.startswith("_")} == public, node.name
    assert chatlane.__version__ == "0.1.0"
    assert (Path(chatlane.__file__).parent / "py.typed").is_file()


def test_the_generated_model_is_up_to_date() -> None:
    generator, schema = REPO / "scripts" / "codegen" / "python.py", REPO / "schema" / "chatlane.schema.json"
    generated = subprocess.run(
        [sys.executable, str(generator), str(schema)], capture_output=True, text=True, check=True
    ).stdout
    assert generated == Path(_model.__file__).read_text(encoding="utf-8")


def test_typing_example_runs(sandbox: Sandbox) -> None:
    receipts = typing_example.main(sandbox.endpoint)
    assert len(receipts) == 6
    landed = {e["messageId"] for e in sandbox.ledger()}
    assert all(r.message_id in landed for r in receipts)


def test_demo_sends_three_messages_and_shows_a_refused_one(sandbox: Sandbox) -> None:
    env = {
        **os.environ,
        "CHATLANE_ENDPOINT": sandbox.endpoint,
        "ALIBABA_CLOUD_ACCESS_KEY_ID": SANDBOX_KEY_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": SANDBOX_KEY_SECRET,
    }
    demo = REPO / "bindings/python" / "examples" / "demo.py"
    done = subprocess.run([sys.executable, str(demo)], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [re.sub(r"=\w+$", "=<id>", line) for line in lines] == [
        "python  template  MessageId=<id>",
        "python  text      MessageId=<id>",
        "python  buttons   MessageId=<id>",
        "python  refused   from: must be a phone number with country code, digits only (no '+') [digits_only]",
        "python  refused   content.link: must be an absolute http:// or https:// URL [invalid_url]",
    ]
    template_id, text_id, buttons_id = (line.rsplit("=", 1)[1] for line in lines[:3])
    assert sandbox.entry(template_id)["params"]["Type"] == "template"
    assert sandbox.entry(text_id)["params"]["Type"] == "message"
    assert sandbox.entry(buttons_id)["params"]["MessageType"] == "interactive"
