"""A typed tour of the public API, checked with `mypy --strict` and run by the tests."""

from __future__ import annotations

import asyncio
import sys

import chatlane
from chatlane import ChatlaneError, Client, Message, SendReceipt, Template, Text, ValidationError


def messages() -> list[Message]:
    template = Template(
        sender="8613900000000",
        to="8613800000000",
        code="744c4b5c79c94324",
        language="en",
        params={"name": "Ada"},
        task_id="typing-1",
    )
    text = Text(sender="8613900000000", to="8613800000000", text="hello")
    return [template, text]


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
    receipts = [client.send(first)]
    receipts += asyncio.run(send_all(client, rest))
    receipts.append(asyncio.run(client.send_async(first)))
    try:
        client.send(Text(sender="+1", to="2", text=""))
    except ValidationError as error:
        assert describe(error).startswith("ValidationError InvalidMessage")
    except chatlane.ChatlaneError as error:
        raise AssertionError(describe(error)) from error
    return receipts


if __name__ == "__main__":
    for receipt in main(sys.argv[1]):
        print(receipt.message_id, receipt.request_id, receipt.task_id, receipt.attempts)
