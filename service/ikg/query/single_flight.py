"""Identical concurrent work done once: callers asking for the same key while it is under way share its result.

The evaluation runs as a task of its own, so that one caller going away (a client hanging up) does not cancel
it for the others; when the last caller has gone, it is cancelled, which closes its connection to the store.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)
Result = TypeVar("Result")


class _Flight(Generic[Result]):
    def __init__(self, task: asyncio.Task[Result]) -> None:
        self.task = task
        self.waiters = 0


class SingleFlight(Generic[Key, Result]):
    def __init__(self) -> None:
        self._flights: dict[Key, _Flight[Result]] = {}

    @property
    def sharing(self) -> int:
        """Callers waiting for a result another caller's evaluation will give."""
        return sum(flight.waiters - 1 for flight in self._flights.values() if flight.waiters > 1)

    async def run(self, key: Key, evaluate: Callable[[], Awaitable[Result]]) -> Result:
        """`evaluate()`'s result, shared with every caller that asks for `key` before it is known."""
        flight = self._flights.get(key)
        if flight is None:
            flight = _Flight(asyncio.ensure_future(evaluate()))
            self._flights[key] = flight
            flight.task.add_done_callback(lambda _: self._forget(key, flight))
        flight.waiters += 1
        try:
            return await asyncio.shield(flight.task)
        finally:
            flight.waiters -= 1
            if flight.waiters == 0 and not flight.task.done():
                self._forget(key, flight)  # a caller arriving now starts afresh instead of joining a cancelled one
                flight.task.cancel()

    def _forget(self, key: Key, flight: _Flight[Result]) -> None:
        if self._flights.get(key) is flight:
            del self._flights[key]
