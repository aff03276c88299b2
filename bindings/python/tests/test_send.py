"""Sends against the sandbox: what lands in its ledger, for every content type and mass sends,
sync, asyncio and from threads."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import typing
from concurrent.futures import ThreadPoolExecutor

import pytest

import chatlane
from chatlane import (
    Address,
    Audio,
    ButtonAction,
    CatalogAction,
    CatalogParameters,
    Contact,
    ContactName,
    Contacts,
    Content,
    CtaUrlButton,
    CtaUrlParameters,
    Custom,
    Document,
    DocumentHeader,
    Email,
    FlowButton,
    FlowParameters,
    FlowPayload,
    Image,
    ImageHeader,
    InteractiveButton,
    InteractiveCatalog,
    InteractiveCtaUrl,
    InteractiveFlow,
    InteractiveList,
    InteractiveProduct,
    InteractiveProductList,
    InteractiveText,
    ListAction,
    ListRow,
    ListSection,
    Location,
    MassMessage,
    MediaLink,
    Message,
    Phone,
    ProductItem,
    ProductListAction,
    ProductRef,
    ProductSection,
    Reaction,
    Recipient,
    Reply,
    ReplyButton,
    Sticker,
    Template,
    Text,
    TextButton,
    TextHeader,
    TextImage,
    TextImageButton,
    TextVideo,
    TextVideoButton,
    Video,
    VideoHeader,
)
from conftest import SANDBOX_KEY_ID, SANDBOX_KEY_SECRET, Sandbox

SENDER = "8613900000000"
RECIPIENT = "8613800000000"
VIBER_SERVICE = "viber-svc-chatlane"
CDN = "https://cdn.example.com"


def text(body: str, **options: typing.Any) -> Message:
    return Message(from_=SENDER, to=RECIPIENT, content=Text(text=body), **options)


# One message of every content type (interactive by kind), as a user would build it.
WHATSAPP_CONTENT: list[Content] = [
    Text(text='héllo "world" & + 北京'),
    Image(link=f"{CDN}/banner.png", caption="New in"),
    Video(link=f"{CDN}/intro.mp4", caption="Tour"),
    Audio(link=f"{CDN}/note.ogg"),
    Document(link=f"{CDN}/invoice.pdf", file_name="invoice.pdf", caption="March"),
    Sticker(link=f"{CDN}/thumbs-up.webp"),
    Location(longitude=103.85, latitude=1.29, name="Marina Bay Sands", address="10 Bayfront Ave"),
    Contacts(
        contacts=[
            Contact(
                name=ContactName(formatted_name="Ada Lovelace", first_name="Ada", last_name="Lovelace"),
                addresses=[Address(city="London", type="HOME")],
                emails=[Email(email="ada@example.com", type="WORK")],
                phones=[Phone(phone="+44 20 7946 0000", type="CELL", wa_id="442079460000")],
            )
        ]
    ),
    Reaction(message_id="wamid.HBgLNjU5MTIzNDU2NzgVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA", emoji="👍"),
    InteractiveButton(
        header=TextHeader(text="Order #42"),
        body=InteractiveText(text="Arrives tomorrow. OK?"),
        footer=InteractiveText(text="Reply within 24 h"),
        action=ButtonAction(
            buttons=[ReplyButton(reply=Reply(id="yes", title="Yes")), ReplyButton(reply=Reply(id="no", title="No"))]
        ),
    ),
    InteractiveList(
        header=TextHeader(text="Menu"),
        body=InteractiveText(text="Pick a dish"),
        action=ListAction(
            button="See menu",
            sections=[ListSection(title="Noodles", rows=[ListRow(id="laksa", title="Laksa", description="Spicy")])],
        ),
    ),
    InteractiveProduct(
        body=InteractiveText(text="Back in stock"),
        action=ProductRef(catalog_id="1234567890", product_retailer_id="sku-001"),
    ),
    InteractiveProductList(
        header=TextHeader(text="Summer sale"),
        body=InteractiveText(text="Our picks"),
        action=ProductListAction(
            catalog_id="1234567890",
            sections=[ProductSection(title="Shoes", product_items=[ProductItem(product_retailer_id="sku-001")])],
        ),
    ),
    InteractiveCatalog(
        body=InteractiveText(text="Browse our catalog"),
        action=CatalogAction(parameters=CatalogParameters(thumbnail_product_retailer_id="sku-001")),
    ),
    InteractiveFlow(
        header=ImageHeader(image=MediaLink(link=f"{CDN}/table.png")),
        body=InteractiveText(text="Tap to book"),
        action=FlowButton(
            parameters=FlowParameters(
                flow_message_version="3",
                flow_id="1234567890123456",
                flow_cta="Book now",
                flow_action="navigate",
                flow_token="tok-1",
                flow_action_payload=FlowPayload(screen="BOOK", data={"guests": 2, "vip": False}),
            )
        ),
    ),
    InteractiveCtaUrl(
        header=VideoHeader(video=MediaLink(link=f"{CDN}/track.mp4")),
        body=InteractiveText(text="Track your parcel"),
        action=CtaUrlButton(parameters=CtaUrlParameters(display_text="Track", url="https://example.com/t?id=42")),
    ),
    InteractiveCtaUrl(
        header=DocumentHeader(document=MediaLink(link=f"{CDN}/terms.pdf", filename="terms.pdf")),
        body=InteractiveText(text="Our terms"),
        action=CtaUrlButton(parameters=CtaUrlParameters(display_text="Read", url="https://example.com/terms")),
    ),
    Custom(type="carousel", content={"body": {"text": "Pick a plan"}, "cards": [{"card_index": 0}]}),
]
VIBER_CONTENT: list[Content] = [
    TextImage(text="New arrivals", link=f"{CDN}/promo.jpg"),
    TextButton(text="Track your order", caption="Track", action="https://example.com/track"),
    TextImageButton(text="Spring", link=f"{CDN}/promo.jpg", caption="Shop", action="https://example.com/spring"),
    TextVideo(text="How it works", link=f"{CDN}/p.mp4", thumbnail=f"{CDN}/p.jpg", file_size=1048576, duration=30),
    TextVideoButton(
        text="Watch and shop",
        link=f"{CDN}/p.mp4",
        thumbnail=f"{CDN}/p.jpg",
        file_size=2097152,
        duration=120,
        caption="Shop now",
        action="https://example.com/shop",
    ),
]
EVERY_CONTENT = [
    Message(from_=SENDER, to=RECIPIENT, content=content, task_id=f"py-kind-{i}")
    for i, content in enumerate(WHATSAPP_CONTENT)
] + [
    Message(channel="viber", from_=VIBER_SERVICE, to=RECIPIENT, content=content, task_id=f"py-viber-{i}")
    for i, content in enumerate(VIBER_CONTENT)
]


def test_every_content_type_is_covered() -> None:
    covered = {type(message.content) for message in EVERY_CONTENT}
    assert covered == set(typing.get_args(Content))


@pytest.mark.parametrize(
    "message", EVERY_CONTENT, ids=[f"{type(m.content).__name__}-{m.task_id}" for m in EVERY_CONTENT]
)
def test_every_content_type_lands_with_its_wire_params(
    client: chatlane.Client, sandbox: Sandbox, message: Message
) -> None:
    assert chatlane.violations(message) == []
    receipt = client.send(message)
    entry = sandbox.entry(receipt.message_id)
    assert entry["action"] == "SendChatappMessage"
    assert entry["params"] == chatlane.wire_params(message)
    assert entry["params"]["Type"] == "message"


def test_template_send_lands_with_exact_wire_params(client: chatlane.Client, sandbox: Sandbox) -> None:
    message = Message(
        from_=SENDER,
        to=RECIPIENT,
        template=Template(
            code="744c4b5c79c94324", language="en", params={"name": "Ada", "code": "123456", "city": "Zürich"}
        ),
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
    plain = client.send(text("hi"))
    buttons = client.send(
        Message(
            from_=SENDER,
            to=RECIPIENT,
            template=Template(code="C1", language="zh_CN", payload=["yes", "no"]),
            cust_space_id="cams-override",
        )
    )
    assert sandbox.entry(plain.message_id)["params"]["CustSpaceId"] == "cams-default"
    params = sandbox.entry(buttons.message_id)["params"]
    assert params["CustSpaceId"] == "cams-override"
    assert params["Payload"] == '["yes","no"]'
    assert "TemplateParams" not in params


MASS = MassMessage(
    from_=SENDER,
    template=Template(code="744c4b5c79c94324", language="en", params={"shop": "Ada's", "name": "?"}),
    recipients=[
        Recipient(to="6591234567", params={"name": "Alice"}),
        Recipient(to="6597654321", params={"name": "鲍勃"}, payload=["停止"]),
    ],
    task_id="py-mass-1",
)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_mass_send_lands_with_its_wire_params(client: chatlane.Client, sandbox: Sandbox, mode: str) -> None:
    assert chatlane.mass_violations(MASS) == []
    receipt = client.send_mass(MASS) if mode == "sync" else asyncio.run(client.send_mass_async(MASS))
    assert receipt.task_id == "py-mass-1" and receipt.attempts == 1
    entry = sandbox.entry(receipt.message_id)  # the GroupMessageId
    assert entry["action"] == "SendChatappMassMessage"
    assert entry["params"] == chatlane.mass_wire_params(MASS)
    assert entry["params"]["SenderList"] == (
        '[{"TemplateParams":{"shop":"Ada\'s","name":"Alice"},"To":"6591234567"},'
        '{"Payload":["停止"],"TemplateParams":{"shop":"Ada\'s","name":"鲍勃"},"To":"6597654321"}]'
    )


def test_an_invalid_mass_send_is_refused_before_sending(client: chatlane.Client, sandbox: Sandbox) -> None:
    before = sandbox.ledger()
    invalid = MassMessage(from_=SENDER, template=Template(language="en"), recipients=[])
    with pytest.raises(chatlane.ValidationError) as caught:
        asyncio.run(client.send_mass_async(invalid))
    assert [(v.code, v.path) for v in caught.value.violations] == [
        ("one_of_required", "template.code"),
        ("too_few", "recipients"),
    ]
    assert sandbox.ledger() == before


def test_text_send_async_under_asyncio(client: chatlane.Client, sandbox: Sandbox) -> None:
    receipt = asyncio.run(client.send_async(text('héllo "world" & +')))
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
        pending = client.send_async(text("lazy"))
        assert asyncio.iscoroutine(pending)
        await asyncio.sleep(0.05)
        assert len(sandbox.ledger()) == before  # nothing sent before the first await
        return await asyncio.create_task(pending)

    receipt = asyncio.run(main())
    assert sandbox.entry(receipt.message_id)["params"]["Content"] == '{"text":"lazy"}'


def test_concurrent_asyncio_sends_all_land(client: chatlane.Client, sandbox: Sandbox) -> None:
    async def main() -> list[chatlane.SendReceipt]:
        messages = [text(f"concurrent {i}", task_id=f"py-gather-{i}") for i in range(20)]
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
        await asyncio.gather(*(client.send_async(text("t")) for _ in range(5)))
        done.set()
        await task
        return ticks

    assert asyncio.run(main()) > 1


def test_sync_sends_from_several_threads(client: chatlane.Client, sandbox: Sandbox) -> None:
    def send(i: int) -> chatlane.SendReceipt:
        return client.send(text(f"thread {i}", task_id=f"py-thread-{i}"))

    with ThreadPoolExecutor(max_workers=8) as pool:
        receipts = list(pool.map(send, range(24)))
    assert len({r.message_id for r in receipts}) == 24
    landed = {e["messageId"]: e["params"].get("TaskId") for e in sandbox.ledger()}
    assert [landed[r.message_id] for r in receipts] == [f"py-thread-{i}" for i in range(24)]


def test_threads_that_end_after_loading_and_sending_leave_later_sends_working(sandbox: Sandbox) -> None:
    # A fresh interpreter first imports chatlane in a thread that then ends, so the native
    # allocator sets up its process-wide state on a thread that is gone before the next one
    # allocates (mimalloc 3.3 crashed the process here).
    script = """
import sys, threading
def send(n):
    import chatlane
    client = chatlane.Client(access_key_id=sys.argv[2], access_key_secret=sys.argv[3], endpoint=sys.argv[1])
    content = chatlane.Text(text=f"round {n}")
    client.send(chatlane.Message(from_="8613800000000", to="6591240101", content=content))
for n in range(4):
    thread = threading.Thread(target=send, args=(n,))
    thread.start()
    thread.join()
print("sent")
"""
    args = [sandbox.endpoint, sandbox.access_key_id, sandbox.access_key_secret]
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "sent\n", "")
    assert [e["params"]["Content"] for e in sandbox.ledger_to("6591240101")] == [
        f'{{"text":"round {n}"}}' for n in range(4)
    ]


def test_a_cancelled_send_async_leaves_the_loop_and_later_sends_working(
    client: chatlane.Client, sandbox: Sandbox
) -> None:
    to = "6590000424242"
    sandbox.inject({"kind": "latency", "ms": 300}, to=to)

    async def main() -> chatlane.SendReceipt:
        slow = asyncio.ensure_future(client.send_async(Message(from_=SENDER, to=to, content=Text(text="slow"))))
        await asyncio.sleep(0.05)
        slow.cancel()
        await asyncio.gather(slow, return_exceptions=True)
        assert slow.cancelled()
        await asyncio.sleep(0.4)  # the slow answer arrives and must be dropped quietly
        return await client.send_async(Message(from_=SENDER, to=to, content=Text(text="after")))

    receipt = asyncio.run(main())
    assert sandbox.entry(receipt.message_id)["params"]["Content"] == '{"text":"after"}'


def test_one_client_serves_successive_event_loops(client: chatlane.Client) -> None:
    async def burst() -> list[chatlane.SendReceipt]:
        return await asyncio.gather(*(client.send_async(text(f"loop {i}")) for i in range(50)))

    first, second = asyncio.run(burst()), asyncio.run(burst())
    assert len({r.message_id for r in first + second}) == 100
