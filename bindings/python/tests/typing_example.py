"""A typed tour of the public API, checked with `mypy --strict` and run by the tests."""

from __future__ import annotations

import asyncio
import sys

import chatlane
from chatlane import (
    ButtonAction,
    ChatlaneError,
    Client,
    Content,
    Fallback,
    HistoryQuery,
    Image,
    InteractiveButton,
    InteractiveText,
    MassMessage,
    Message,
    Recipient,
    Reply,
    ReplyButton,
    SendReceipt,
    Template,
    TemplatePage,
    TemplateSummary,
    Text,
    TextHeader,
    ValidationError,
    Violation,
)

SENDER = "8613900000000"
RECIPIENT = "8613800000000"


def messages() -> list[Message]:
    template = Message(
        from_=SENDER,
        to=RECIPIENT,
        template=Template(code="744c4b5c79c94324", language="en", params={"name": "Ada"}),
        task_id="typing-1",
        fallback=Fallback(id="fb-1", duration=120, rule="undelivered"),
    )
    contents: list[Content] = [
        Text(text="hello"),
        Image(link="https://cdn.example.com/banner.png", caption="New in"),
        InteractiveButton(
            header=TextHeader(text="Order #42"),
            body=InteractiveText(text="Arrives tomorrow. OK?"),
            action=ButtonAction(buttons=[ReplyButton(reply=Reply(id="ok", title="OK"))]),
        ),
    ]
    return [template, *(Message(from_=SENDER, to=RECIPIENT, content=content) for content in contents)]


def mass() -> MassMessage:
    return MassMessage(
        from_=SENDER,
        template=Template(name="welcome", language="zh_CN", params={"shop": "Ada's"}),
        recipients=[Recipient(to=RECIPIENT, params={"name": "李雷"}), Recipient(to="6591234567")],
        task_id="typing-mass",
    )


def describe(error: ChatlaneError) -> str:
    status: int | None = error.http_status
    wait: float | None = error.retry_after
    paths = [v.path for v in error.violations]
    task: str | None = error.task_id
    attempts: int = error.attempts
    return (
        f"{type(error).__name__} {error.code} {error.category} {status} {wait} {paths} {error.request_id}"
        f" {task} {attempts}"
    )


async def send_all(client: Client, batch: list[Message]) -> list[SendReceipt]:
    return list(await asyncio.gather(*(client.send_async(m) for m in batch)))


def main(endpoint: str) -> list[SendReceipt]:
    client = Client(
        access_key_id="sandbox-access-key-id",
        access_key_secret="sandbox-access-key-secret",
        endpoint=endpoint,
        request_timeout=10.0,
        rate_limit_per_second=100.0,
        rate_limit_burst=5,
        rate_limit_max_wait=2.5,
        rate_limit_disabled=False,
        max_attempts=2,
        retry_deadline=5.0,
    )
    client.set_credentials(access_key_id="sandbox-access-key-id", access_key_secret="sandbox-access-key-secret")
    first, *rest = messages()
    params: dict[str, str] = chatlane.wire_params(first)
    assert params["TemplateCode"] == "744c4b5c79c94324"
    assert Message.from_dict(first.to_dict()) == first
    receipts = [client.send(first)]
    receipts += asyncio.run(send_all(client, rest))
    assert chatlane.mass_violations(mass()) == []
    receipts.append(client.send_mass(mass()))
    receipts.append(asyncio.run(client.send_mass_async(mass())))
    page: TemplatePage = client.list_templates(audit_status="pass", page_size=50)
    approved: list[TemplateSummary] = list(client.iter_templates(audit_status="pass", page_size=50))
    assert approved == page.templates
    assert asyncio.run(client.list_templates_async(audit_status="pass", page_size=50)) == page
    history = HistoryQuery(business_number=SENDER, direction="inbound", page_size=20)
    wire: dict[str, str] = chatlane.operation_params("ListChatappMessage", history.to_dict(), "cams-1")
    assert wire["EventAction"] == "UP"
    invalid = Message(from_="+1", to="2", content=Text(text=""))
    found: list[Violation] = chatlane.violations(invalid)
    try:
        client.send(invalid)
    except ValidationError as error:
        assert describe(error).startswith("ValidationError InvalidMessage")
        assert error.violations == found
    except chatlane.ChatlaneError as error:
        raise AssertionError(describe(error)) from error
    return receipts


if __name__ == "__main__":
    for receipt in main(sys.argv[1]):
        print(receipt.message_id, receipt.request_id, receipt.task_id, receipt.attempts)
