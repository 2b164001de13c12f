"""Several external stores holding the same build, as one query backend: failover, health checks, single flight.

Each query goes to the next store that is up, in turn, so the replicas share the load. A store that fails at
the connection level (refused, reset, gone mid-answer) is marked down and the query goes on to the next one,
within the same time limit: a store killed under load loses no query while another one is up. A background
check asks every store every few seconds which build it holds and marks it up or down; a store that is down
is still tried last, so that ikg recovers by itself the moment a store returns. /health is 503 only when no
store is up.

Identical queries asked while one is under way (the same text, media type and dataset) share one round trip.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from pathlib import Path

from .external_store import ExternalStore, StoreUnreachableError
from .interface import BackendHealth, QueryJob, QueryOutcome
from .single_flight import SingleFlight

CHECK_INTERVAL = 2.0  # seconds between health checks of every store


class ReplicatedStore:
    def __init__(self, stores: list[ExternalStore], check_interval: float = CHECK_INTERVAL) -> None:
        if not stores:
            raise ValueError("no store given")
        self.stores = stores
        self.timeout = stores[0].timeout
        self.check_interval = check_interval
        self._turn = itertools.count()
        self._flights: SingleFlight[tuple[object, ...], QueryOutcome] = SingleFlight()
        self._checking: asyncio.Task[None] | None = None
        self.size = len(stores)

    async def start(self) -> None:
        await asyncio.gather(*(store.start() for store in self.stores))
        self._checking = asyncio.get_running_loop().create_task(self._check_forever())

    async def answer_at_once(self, job: QueryJob) -> None:
        return None  # every query goes to a store

    async def run(self, job: QueryJob) -> QueryOutcome:
        key = (job.query, job.media_type, job.default_graphs, job.named_graphs, job.max_bytes)
        return await self._flights.run(key, lambda: self._failover(job))

    async def _failover(self, job: QueryJob) -> QueryOutcome:
        deadline = asyncio.get_running_loop().time() + self.timeout
        outcome = QueryOutcome(error="store_unavailable", message="no SPARQL store is configured")
        for store in self._in_turn():
            outcome = await store.run(job, deadline)
            if outcome.error != "store_unavailable":
                return outcome
        return outcome

    def _in_turn(self) -> list[ExternalStore]:
        """Every store once: those up first, starting with the next one in turn, then those down."""
        start = next(self._turn) % len(self.stores)
        rotated = self.stores[start:] + self.stores[:start]
        return [s for s in rotated if s.serving] + [s for s in rotated if not s.serving]

    async def _check_forever(self) -> None:
        while True:
            await asyncio.sleep(self.check_interval)
            await self.check()

    async def check(self) -> bool:
        """Asks every store; True while at least one holds the build and can be reached."""
        return any(await asyncio.gather(*(store.check() for store in self.stores)))

    async def health(self) -> BackendHealth:
        answering = await self.check()
        return BackendHealth(
            answering,
            sum(store.alive() for store in self.stores),
            waiting=self.waiting,
            union_default_graph=self.union_default_graph,
            problem=None if answering else self.last_problem,
        )

    def moved(self, dist: Path) -> None:
        pass  # the stores hold their own copy of the build

    @property
    def waiting(self) -> int:
        """Queries waiting for the answer to an identical one already on its way (/status: queries_waiting)."""
        return self._flights.sharing

    @property
    def union_default_graph(self) -> bool:
        return all(store.union_default_graph for store in self.stores)

    @property
    def last_problem(self) -> str:
        return "; ".join(store.last_problem for store in self.stores if store.last_problem)

    async def publication_problem(self) -> str | None:
        """What a reachable store holds instead of this build, if any does; unreachable if none can be asked."""
        answers = await asyncio.gather(*(s.publication_problem() for s in self.stores), return_exceptions=True)
        for answer in answers:
            if isinstance(answer, BaseException) and not isinstance(answer, StoreUnreachableError):
                raise answer
        problems = [a for a in answers if isinstance(a, str)]
        if problems:
            return problems[0]
        if all(isinstance(a, StoreUnreachableError) for a in answers):
            raise next(a for a in answers if isinstance(a, StoreUnreachableError))
        return None

    async def close(self) -> None:
        if self._checking is not None:
            self._checking.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._checking
        await asyncio.gather(*(store.close() for store in self.stores))

    async def retire(self) -> None:
        await asyncio.sleep(self.timeout)  # queries still on their way to the old stores finish first
        await self.close()
