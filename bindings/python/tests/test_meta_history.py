"""A Meta client's message history: Meta keeps none to ask for, so ``list_messages`` and
``iter_messages`` on a Meta client list what its ``event_store`` recorded of the webhooks a
``Receiver`` on the same store admitted. The bodies are the webhook fixtures
(tests/webhooks/), signed as Meta signs them; nothing goes over the network."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

import chatlane
from conftest import PHONE_NUMBER_ID
from test_webhooks import body_of, case_named, signature

APP_SECRET = "history-test-app-secret"
CASES = [
    "meta_batch/several_entries_changes_messages_statuses",
    "meta_status/sent_with_conversation_and_pricing",
    "meta_status/read",
    "meta_status/failed_with_error",
]


def ingest(store: str) -> None:
    """A receiver on ``store`` admits the cases' bodies, then commits their events."""
    receiver = chatlane.Receiver(meta_app_secret=APP_SECRET, event_store=store)
    for name in CASES:
        body = body_of(case_named(name))
        headers = [("X-Hub-Signature-256", signature(APP_SECRET, body))]
        reply = receiver.handle("meta", method="POST", headers=headers, body=body)
        assert reply.status == 200, reply.body
        receiver.commit(reply.events)


def ids(records: list[chatlane.HistoryRecord]) -> list[str]:
    return [record.message_id for record in records]


def test_a_meta_client_lists_what_its_receiver_recorded(tmp_path: Path) -> None:
    store = str(tmp_path / "events.db")
    ingest(store)
    client = chatlane.Client(provider="meta", access_token="token", event_store=store)

    first = client.list_messages(PHONE_NUMBER_ID, page_size=2)
    assert isinstance(first, chatlane.HistoryPage)
    assert (ids(first.records), first.next_page) == (["wamid.m2", "wamid.s10"], 2)
    last = client.list_messages(PHONE_NUMBER_ID, page=3, page_size=2)
    assert (ids(last.records), last.next_page) == (["wamid.f1"], None)
    records = list(client.iter_messages(PHONE_NUMBER_ID, page_size=2))
    assert ids(records) == ["wamid.m2", "wamid.s10", "wamid.s1", "wamid.m1", "wamid.f1"], "newest first"

    by_id = {record.message_id: record for record in records}
    omar = by_id["wamid.m2"]
    assert isinstance(omar, chatlane.HistoryRecord)
    assert (omar.direction, omar.user_number, omar.status, omar.channel) == (
        "inbound",
        "447700900123",
        "received",
        "whatsapp",
    )
    assert (omar.message_type, omar.content, omar.sent_at_ms) == ("text", "from Omar", 1749416384000)
    read = by_id["wamid.s1"]
    assert (read.direction, read.user_number, read.status, read.conversation_id) == (
        "outbound",
        "16505551234",
        "read",
        "CONVERSATION_ID",
    )
    assert (read.content, read.message_type, read.template_code) == (None, None, None), "receipts carry no content"
    assert by_id["wamid.s10"].status == "delivered"
    assert (by_id["wamid.s10"].sent_at_ms, by_id["wamid.s10"].business_number) == (1749416383000, PHONE_NUMBER_ID)
    failed = by_id["wamid.f1"]
    assert failed.status == "failed" and (failed.fail_reason or "").startswith("131049: "), failed

    assert ids(list(client.iter_messages(PHONE_NUMBER_ID, user_number="US.13491208655302741918"))) == ["wamid.m1"]
    assert ids(list(client.iter_messages(PHONE_NUMBER_ID, direction="outbound", status="failed"))) == ["wamid.f1"]
    assert ids(list(client.iter_messages(PHONE_NUMBER_ID, since=1749416384000))) == ["wamid.m2"]
    assert ids(list(client.iter_messages("106540352242999"))) == ["wamid.e2m1"], "per phone number ID"
    page = asyncio.run(client.list_messages_async(PHONE_NUMBER_ID, direction="inbound"))
    assert ids(page.records) == ["wamid.m2", "wamid.m1"]


def test_a_meta_client_needs_the_store_and_refuses_cams_filters(tmp_path: Path) -> None:
    with pytest.raises(chatlane.ConfigurationError, match="event_store") as storeless:
        chatlane.Client(provider="meta", access_token="token").list_messages(PHONE_NUMBER_ID)
    assert storeless.value.code == "InvalidConfig"

    client = chatlane.Client(provider="meta", access_token="token", event_store=str(tmp_path / "events.db"))
    refused: list[tuple[dict[str, str], str]] = [
        ({"template_code": "744c4b5c79c94324"}, "templateCode"),
        ({"group_message_id": "g-1"}, "groupMessageId"),
        ({"cust_space_id": "cams-1"}, "custSpaceId"),
        ({"channel": "viber"}, "channel"),
    ]
    for arguments, field in refused:
        with pytest.raises(chatlane.InvalidParameterError) as raised:
            client.list_messages(PHONE_NUMBER_ID, **arguments)  # type: ignore[arg-type]
        assert raised.value.message.startswith(f"{field}: "), raised.value
    empty = client.list_messages(PHONE_NUMBER_ID)
    assert (empty.records, empty.next_page) == ([], None)
