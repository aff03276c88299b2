"""Turns the asyncio future of a send into a coroutine (see ``Client.send_async``)."""

from typing import Awaitable, Callable, TypeVar

T = TypeVar("T")


async def await_later(start: Callable[[], Awaitable[T]]) -> T:
    """Calls ``start`` only once the coroutine runs, inside the running event loop."""
    return await start()
