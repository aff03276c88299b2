"""Sends against the sandbox: what lands in its ledger, sync, asyncio and from threads."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import chatlane
from conftest import SANDBOX_KEY_ID, SANDBOX_KEY_SECRET, Sandbox

SENDER = "8613900000000"
RECIPIENT = "8613800000000"


def test_template_send_lands_with_exact_wire_params(client: chatlane.Client, sandbox: Sandbox) -> None:
    message = chatlane.Template(
        sender=SENDER,
        to=RECIPIENT,
        code="744c4b5c79c94324",
        language="en",
        params={"name": "Ada", "code": "123456", "city": "Zürich"},
        task_id="py-template-1",
    )
    receipt = client.send(message)
    assert isinstance(receipt, chatlane.SendReceipt)
    assert receipt.message_id and receipt.request_id
    entry = sandbox.entry(receipt.message_id)
    assert entry["action"] == "SendChatappMessage"
    assert entry["requestId"] == receipt.request_id
    assert entry["params"] == {
        "ChannelType": "whatsapp",
        "From": SENDER,
        "To": RECIPIENT,
        "TaskId": "py-template-1",
        "Type": "template",
        "TemplateCode": "744c4b5c79c94324",
        "Language": "en",
        # compact JSON, insertion order (not sorted), non-ASCII kept raw
        "TemplateParams": '{"name":"Ada","code":"123456","city":"Zürich"}',
    }


def test_payload_and_cust_space_id_reach_the_wire(sandbox: Sandbox) -> None:
    client = chatlane.Client(
        access_key_id=SANDBOX_KEY_ID,
        access_key_secret=SANDBOX_KEY_SECRET,
        endpoint=sandbox.endpoint,
        cust_space_id="cams-default",
    )
    plain = client.send(chatlane.Text(sender=SENDER, to=RECIPIENT, text="hi"))
    buttons = client.send(
        chatlane.Template(
            sender=SENDER,
            to=RECIPIENT,
            code="C1",
            language="zh_CN",
            payload=["yes", "no"],
            cust_space_id="cams-override",
        )
    )
    assert sandbox.entry(plain.message_id)["params"]["CustSpaceId"] == "cams-default"
    params = sandbox.entry(buttons.message_id)["params"]
    assert params["CustSpaceId"] == "cams-override"
    assert params["Payload"] == '["yes","no"]'
    assert "TemplateParams" not in params


def test_text_send_async_under_asyncio(client: chatlane.Client, sandbox: Sandbox) -> None:
    message = chatlane.Text(sender=SENDER, to=RECIPIENT, text='héllo "world" & +')
    receipt = asyncio.run(client.send_async(message))
    assert sandbox.entry(receipt.message_id)["params"] == {
        "ChannelType": "whatsapp",
        "From": SENDER,
        "To": RECIPIENT,
        "TaskId": receipt.task_id,  # generated, as the message has none (see test_delivery)
        "Type": "message",
        "MessageType": "text",
        "Content": '{"text":"héllo \\"world\\" & +"}',
    }


def test_send_async_is_a_coroutine_that_starts_when_awaited(client: chatlane.Client, sandbox: Sandbox) -> None:
    async def main() -> chatlane.SendReceipt:
        before = len(sandbox.ledger())
        pending = client.send_async(chatlane.Text(sender=SENDER, to=RECIPIENT, text="lazy"))
        assert asyncio.iscoroutine(pending)
        await asyncio.sleep(0.05)
        assert len(sandbox.ledger()) == before  # nothing sent before the first await
        return await asyncio.create_task(pending)

    receipt = asyncio.run(main())
    assert sandbox.entry(receipt.message_id)["params"]["Content"] == '{"text":"lazy"}'


def test_concurrent_asyncio_sends_all_land(client: chatlane.Client, sandbox: Sandbox) -> None:
    async def main() -> list[chatlane.SendReceipt]:
        messages = [
            chatlane.Text(sender=SENDER, to=RECIPIENT, text=f"concurrent {i}", task_id=f"py-gather-{i}")
            for i in range(20)
        ]
        return await asyncio.gather(*(client.send_async(m) for m in messages))

    receipts = asyncio.run(main())
    assert len({r.message_id for r in receipts}) == 20
    landed = {e["messageId"]: e["params"] for e in sandbox.ledger()}
    for i, receipt in enumerate(receipts):
        assert landed[receipt.message_id]["TaskId"] == f"py-gather-{i}"
        assert landed[receipt.message_id]["Content"] == f'{{"text":"concurrent {i}"}}'


def test_event_loop_keeps_running_while_sends_are_in_flight(client: chatlane.Client) -> None:
    async def main() -> int:
        ticks = 0
        done = asyncio.Event()

        async def ticker() -> None:
            nonlocal ticks
            while not done.is_set():
                ticks += 1
                await asyncio.sleep(0)

        task = asyncio.create_task(ticker())
        await asyncio.gather(*(client.send_async(chatlane.Text(sender=SENDER, to=RECIPIENT, text="t")) for _ in range(5)))
        done.set()
        await task
        return ticks

    assert asyncio.run(main()) > 1


def test_sync_sends_from_several_threads(client: chatlane.Client, sandbox: Sandbox) -> None:
    def send(i: int) -> chatlane.SendReceipt:
        return client.send(chatlane.Text(sender=SENDER, to=RECIPIENT, text=f"thread {i}", task_id=f"py-thread-{i}"))

    with ThreadPoolExecutor(max_workers=8) as pool:
        receipts = list(pool.map(send, range(24)))
    assert len({r.message_id for r in receipts}) == 24
    landed = {e["messageId"]: e["params"].get("TaskId") for e in sandbox.ledger()}
    assert [landed[r.message_id] for r in receipts] == [f"py-thread-{i}" for i in range(24)]


def test_a_cancelled_send_async_leaves_the_loop_and_later_sends_working(client: chatlane.Client, sandbox: Sandbox) -> None:
    to = "6590000424242"
    sandbox.inject({"kind": "latency", "ms": 300}, to=to)

    async def main() -> chatlane.SendReceipt:
        slow = asyncio.ensure_future(client.send_async(chatlane.Text(sender=SENDER, to=to, text="slow")))
        await asyncio.sleep(0.05)
        slow.cancel()
        await asyncio.gather(slow, return_exceptions=True)
        assert slow.cancelled()
        await asyncio.sleep(0.4)  # the slow answer arrives and must be dropped quietly
        return await client.send_async(chatlane.Text(sender=SENDER, to=to, text="after"))

    receipt = asyncio.run(main())
    assert sandbox.entry(receipt.message_id)["params"]["Content"] == '{"text":"after"}'


def test_one_client_serves_successive_event_loops(client: chatlane.Client) -> None:
    async def burst() -> list[chatlane.SendReceipt]:
        return await asyncio.gather(
            *(client.send_async(chatlane.Text(sender=SENDER, to=RECIPIENT, text=f"loop {i}")) for i in range(50))
        )

    first, second = asyncio.run(burst()), asyncio.run(burst())
    assert len({r.message_id for r in first + second}) == 100
