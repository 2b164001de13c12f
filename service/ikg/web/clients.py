"""Who is asking: the client of the request being served, whether it is still connected, and how many
of its queries are running or waiting.

The edge (`http_edge.ClientTracking`) records each HTTP request's client in a context variable, so that every
query a request causes (the endpoint, a named query, a page) counts against its client and is stopped the moment
the client hangs up, without passing the request through every page that runs a query. Plain ASGI: no web
framework is needed to know a client, so the publication and the page models stay free of one.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")
# ASGI's own shapes, as the server hands them to the application.
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]

_current: ContextVar[Client | None] = ContextVar("ikg_client", default=None)


class Client:
    """One request's client. Once something waits for its hang-up, a watcher owns the server's receive
    channel and hands the application the messages it read (a body not yet read is kept, not lost)."""

    def __init__(self, address: str, receive: Receive) -> None:
        self.address = address
        self._server_receive = receive
        self._messages: asyncio.Queue[Message] = asyncio.Queue()
        self._gone = asyncio.Event()
        self._watcher: asyncio.Task[None] | None = None

    @property
    def is_gone(self) -> bool:
        return self._gone.is_set()

    async def receive(self) -> Message:
        if self._watcher is None:
            return await self._server_receive()
        message = await self._messages.get()
        if message["type"] == "http.disconnect":
            self._messages.put_nowait(message)  # as from the server: once gone, always gone
        return message

    async def gone(self) -> None:
        """Returns when the client has closed its connection."""
        if self._watcher is None:
            self._watcher = asyncio.get_running_loop().create_task(self._watch())
        await self._gone.wait()

    async def _watch(self) -> None:
        while True:
            message = await self._server_receive()
            self._messages.put_nowait(message)
            if message["type"] == "http.disconnect":
                self._gone.set()
                return

    def stop(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()


def current() -> Client | None:
    """The client of the request being served, None outside a request."""
    return _current.get()


async def unless_gone(client: Client | None, work: Awaitable[T]) -> T | None:
    """The result of `work`, or None as soon as the client hangs up (`work` is then cancelled)."""
    if client is None:
        return await work
    task = asyncio.ensure_future(work)
    hang_up = asyncio.ensure_future(client.gone())
    try:
        await asyncio.wait({task, hang_up}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        hang_up.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    return task.result() if not task.cancelled() else None


class ClientLimit:
    """How many queries each client address has running or waiting; refuses one more past the limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._in_flight: Counter[str] = Counter()

    def enter(self, address: str) -> bool:
        if self.limit > 0 and address and self._in_flight[address] >= self.limit:
            return False
        self._in_flight[address] += 1
        return True

    def leave(self, address: str) -> None:
        self._in_flight[address] -= 1
        if self._in_flight[address] <= 0:
            del self._in_flight[address]


@contextlib.contextmanager
def tracked(address: str, receive: Receive) -> Iterator[Client]:
    """The request's client, known to every query the request causes until the block ends."""
    client = Client(address, receive)
    token = _current.set(client)
    try:
        yield client
    finally:
        _current.reset(token)
        client.stop()
