"""Cheap queries answered in the serving process, on a few threads, without a round trip to a worker.

A worker round trip costs more CPU than the engine spends on a lookup. The serving process holds a copy of
the store of its own and answers on its threads what `bounded_queries` proves cheap whatever the data
(a few thousand rows at most): such a query needs no time limit, no memory limit and no killable process,
since it cannot run long or grow large. pyoxigraph releases the GIL while it evaluates, so the threads
use the other core while the event loop goes on routing requests.

Everything else, and everything while the lane's threads are all busy (a query here never waits for a
thread), goes to the worker processes with their limits, exactly as before. The copy is loaded in the
background after the workers have started; until it is ready every query goes to the workers.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox

from ..builder.evidence import MarkedIndex
from .bounded_queries import Pattern, lookup_patterns, work_bound
from .interface import QueryJob, QueryOutcome
from .jobs import execute, load_dump


class InlineLane:
    def __init__(self, dump: Path, threads: int) -> None:
        self.dump = dump
        self.threads = threads
        self.busy = 0  # queries on the lane's threads now
        self.answered = 0  # queries the lane answered: the workers never saw them
        self._store: tuple[ox.Store, MarkedIndex] | None = None
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="ikg-inline") if threads > 0 else None

    @property
    def ready(self) -> bool:
        return self._store is not None

    async def load(self) -> None:
        if self._pool is not None:
            self._store = await asyncio.get_running_loop().run_in_executor(self._pool, load_dump, self.dump)

    async def answer(self, job: QueryJob) -> QueryOutcome | None:
        """The outcome when the query is provably cheap and a thread is free; None: the workers answer it."""
        if self._store is None or self._pool is None or self.busy >= self.threads:
            return None
        if job.default_graphs is not None or job.named_graphs is not None:
            return None
        patterns = lookup_patterns(job.query)
        if patterns is None:
            return None
        self.busy += 1
        try:
            store, marked = self._store
            outcome = await asyncio.get_running_loop().run_in_executor(
                self._pool, _answer, store, marked, patterns, job
            )
        finally:
            self.busy -= 1
        self.answered += outcome is not None
        return outcome

    def close(self) -> None:
        self._store = None
        if self._pool is not None:
            # A running lookup ends by itself within its bound; nothing waits for it.
            self._pool.shutdown(wait=False, cancel_futures=True)


def _answer(store: ox.Store, marked: MarkedIndex, patterns: tuple[Pattern, ...], job: QueryJob) -> QueryOutcome | None:
    if work_bound(store, patterns) is None:
        return None
    return execute(store, job, marked)
