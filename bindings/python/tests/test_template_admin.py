"""Template management through the client against the sandbox: a template created, listed in
review then approved, changed and deleted, in sync and asyncio; refusals before anything is
sent; typed errors; and a write whose answer is lost is not made again."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import chatlane
from conftest import Sandbox, running_sandbox, until

HEADER = chatlane.TemplateComponent(kind="HEADER", format="TEXT", text="Order $(order)")
BODY = chatlane.TemplateComponent(kind="BODY", text="Hi $(name), order $(order) shipped.")
TRACK = chatlane.TemplateButton(kind="URL", text="Track", url="https://t.example/$(order)", url_type="dynamic")
# A component in its JSON shape, as a caller may give it too.
BUTTONS: dict[str, Any] = {"kind": "BUTTONS", "buttons": [TRACK.to_dict()]}
EXAMPLE = {"name": "Ada", "order": "42"}


@pytest.fixture
def admin_sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    """A sandbox of its own whose reviews take 600 ms."""
    path = tmp_path / "sandbox.json"
    path.write_text(json.dumps({"templateReviewMs": 600}), encoding="utf-8")
    key = uuid.uuid4().hex
    with running_sandbox(f"py-tmpl-{key}", f"py-tmpl-secret-{key}", config=path) as running:
        yield running


@pytest.fixture
def admin_client(admin_sandbox: Sandbox) -> chatlane.Client:
    return admin_sandbox.client(cust_space_id="cams-tmpl")


def create(client: chatlane.Client, name: str = "order_update") -> chatlane.SavedTemplate:
    return client.create_template(
        name, language="en", category="UTILITY", components=[HEADER, BODY, BUTTONS], example=EXAMPLE
    )


def test_a_template_is_created_reviewed_changed_and_deleted(
    admin_sandbox: Sandbox, admin_client: chatlane.Client
) -> None:
    saved = create(admin_client)
    assert isinstance(saved, chatlane.SavedTemplate)
    assert (saved.name, len(saved.code)) == ("order_update", 18)
    [listed] = admin_client.list_templates(code=saved.code).templates
    assert (listed.name, listed.audit_status, listed.category) == ("order_update", "auditing", "UTILITY")
    assert len(admin_sandbox.requests("CreateChatappTemplate")) == 1

    until(lambda: admin_client.template(saved.code, language="en").allow_send, "approved")
    detail = admin_client.template(saved.code, language="en")
    assert detail.components == [HEADER, BODY, chatlane.TemplateComponent(kind="BUTTONS", buttons=[TRACK])]
    assert detail.example == EXAMPLE

    bye = {"kind": "BODY", "text": "Bye $(who)"}
    changed = admin_client.modify_template(saved.code, language="en", components=[bye], message_send_ttl_seconds=600)
    assert changed == saved
    detail = admin_client.template(saved.code, language="en")
    assert (detail.audit_status, detail.message_send_ttl_seconds) == ("auditing", 600)
    assert [(c.kind, c.text) for c in detail.components] == [("BODY", "Bye $(who)")]

    admin_client.delete_template(saved.code)
    assert admin_client.list_templates(code=saved.code).templates == []
    with pytest.raises(chatlane.TemplateError) as raised:
        admin_client.delete_template(saved.code)
    assert (raised.value.code, raised.value.platform_code) == ("TemplateNotFound", "DelError.TemplateNotExist")
    with pytest.raises(chatlane.TemplateError, match="DetailError.TemplateNotExist"):
        admin_client.modify_template(saved.code, language="en", components=[bye])


def test_template_management_in_asyncio(admin_sandbox: Sandbox, admin_client: chatlane.Client) -> None:
    async def scenario() -> tuple[chatlane.SavedTemplate, chatlane.SavedTemplate, chatlane.TemplateDetail]:
        saved = await admin_client.create_template_async(
            "welcome", language="pt_BR", category="MARKETING", components=[{"kind": "BODY", "text": "Olá $(name)"}]
        )
        changed = await admin_client.modify_template_async(
            name="welcome", language="pt_BR", components=[{"kind": "BODY", "text": "Oi $(name)"}]
        )
        detail = await admin_client.template_async(name="welcome", language="pt_BR")
        await admin_client.delete_template_async(name="welcome", language="pt_BR")
        return saved, changed, detail

    saved, changed, detail = asyncio.run(scenario())
    assert (saved.name, changed.code) == ("welcome", saved.code)
    assert [c.text for c in detail.components] == ["Oi $(name)"]
    assert admin_client.list_templates().templates == []
    assert [len(admin_sandbox.requests(f"{verb}ChatappTemplate")) for verb in ("Create", "Modify", "Delete")] == [1] * 3


def test_writes_are_checked_before_anything_is_sent(admin_sandbox: Sandbox, admin_client: chatlane.Client) -> None:
    refusals: list[tuple[str, Any]] = [
        ("components: ", lambda: admin_client.create_template("n", language="en", category="UTILITY", components=[])),
        ("category: ", lambda: admin_client.create_template("n", language="en", category="PROMO", components=[BODY])),
        (
            "components[0].text: ",
            lambda: admin_client.create_template(
                "n", language="en", category="UTILITY", components=[{"kind": "BODY", "text": "Hi {{1}}"}]
            ),
        ),
        (
            "components[0].txt: ",
            lambda: admin_client.create_template(
                "n", language="en", category="UTILITY", components=[{"kind": "BODY", "txt": "Hi"}]
            ),
        ),
        ("code: ", lambda: admin_client.modify_template(language="en", components=[BODY])),
        ("code: ", lambda: admin_client.delete_template()),
        ("language: ", lambda: asyncio.run(admin_client.delete_template_async("C", language=""))),
    ]
    for field, refused in refusals:
        with pytest.raises(chatlane.InvalidParameterError) as raised:
            refused()
        assert raised.value.message.startswith(field), raised.value
        assert raised.value.attempts == 0
    with pytest.raises(TypeError):
        admin_client.create_template("n", language="en", components=[BODY])  # type: ignore[call-arg]
    for action in ("CreateChatappTemplate", "ModifyChatappTemplate", "DeleteChatappTemplate"):
        assert admin_sandbox.requests(action) == [], action

    create(admin_client)
    with pytest.raises(chatlane.InvalidParameterError) as raised:
        create(admin_client)
    assert raised.value.platform_code == "InvalidParameter.TemplateNameExist"


def test_a_write_whose_answer_is_lost_is_not_made_again(admin_sandbox: Sandbox, admin_client: chatlane.Client) -> None:
    admin_sandbox.inject({"kind": "accept_then_drop"}, to=None)
    with pytest.raises(chatlane.OutcomeUnknownError) as raised:
        create(admin_client)
    assert raised.value.attempts == 1
    assert len(admin_sandbox.requests("CreateChatappTemplate")) == 1
    assert [t.name for t in admin_client.list_templates().templates] == ["order_update"], "it took, once"

    admin_sandbox.inject({"kind": "error", "status": 503}, to=None)
    admin_client.delete_template(name="order_update")
    assert len(admin_sandbox.requests("DeleteChatappTemplate")) == 2, "a 503 proves nothing was done"


def test_a_meta_client_manages_no_cams_templates(sandbox: Sandbox) -> None:
    client = sandbox.meta_client()
    with pytest.raises(chatlane.ConfigurationError, match="CreateChatappTemplate is a CAMS operation"):
        create(client)
    with pytest.raises(chatlane.ConfigurationError, match="DeleteChatappTemplate is a CAMS operation"):
        client.delete_template("C")
