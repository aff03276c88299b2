"""Turns the asyncio future of a send into a coroutine (see ``Client.send_async``)."""

from asyncio import CancelledError
from typing import Awaitable, Callable, Tuple, TypeVar

T = TypeVar("T")


async def await_later(start: Callable[[], Tuple[Awaitable[T], Callable[[], None]]]) -> T:
    """Calls ``start`` only once the coroutine runs, inside the running event loop, and
    awaits the future it returns; if the coroutine is cancelled (or closed unfinished), calls
    the canceller ``start`` returned with it, which aborts the send."""
    future, cancel = start()
    try:
        return await future
    except (CancelledError, GeneratorExit):
        cancel()
        raise
