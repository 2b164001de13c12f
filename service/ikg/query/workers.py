"""Running SPARQL queries in worker processes that can be ended.

pyoxigraph has no way to cancel a query, and an aggregate over a large join yields nothing until it
finishes, so a query thread could not be stopped. Each worker process holds its own copy of the
store; a query past the time limit gets its worker killed (freeing the core at once) and a new worker
started in its place. A result is serialised completely in the worker, under a size cap, before the
HTTP status is decided: a client never gets a 200 with a cut-off body.

No query may take the host down or every worker with it. Each worker runs under a memory limit
(RLIMIT_DATA: what it holds after loading the store plus a budget); a query that passes it ends its
worker (Rust aborts on a failed allocation) and is answered as such. Heavy queries cannot starve short
ones: besides the general workers there is a small quick lane, used only while every general worker
is busy, in which a query may run for a short while; one that overruns it is stopped there and waits
for a general worker like any other, and its text and its client skip the quick lane from then on.
A warm spare takes the place of a killed worker at once, so the quick lane keeps answering under attack.

Queries that are cheap by construction (`bounded_queries`) need none of this: `answer_at_once` gives them to the
serving process's own threads (`inline_lane`) and spares them the round trip; `run` always uses a worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import multiprocessing.connection
import os
import resource
import signal
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from ..settings import Settings
from .inline_lane import InlineLane
from .interface import BackendHealth, QueryJob, QueryOutcome
from .jobs import execute, load_dump
from .process_lifetime import end_with_parent

MEMORY_EXIT = 75  # a worker whose Python code ran out of memory exits with this
# How long a client whose query overran the quick lane stays out of it: an attacker sending distinct heavy
# queries costs the lane one overrun a minute, not one per query.
QUICK_LANE_BAR = 60.0
HEAVY_REMEMBERED = 1024  # query texts known to overrun the quick lane
READY = b"ready"  # a worker's first message: its store is loaded


@dataclass(frozen=True)
class WorkerLimits:
    timeout: float = 10.0  # seconds a query may run in a general worker
    queue_timeout: float = 10.0  # seconds a query may wait for a general worker
    quick_workers: int = 1
    quick_limit: float = 0.1  # seconds a query may run in the quick lane
    memory_mb: int = 1024  # what a query may allocate on top of the loaded store; 0: no limit

    @classmethod
    def from_settings(cls, settings: Settings) -> WorkerLimits:
        return cls(
            settings.query_timeout,
            settings.queue_timeout,
            settings.quick_workers,
            settings.quick_limit,
            settings.worker_memory_mb,
        )


class _Lane:
    """Workers of one kind with the queries waiting for them, first come first served."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self.waiting = 0

    def take(self) -> _Worker | None:
        """An idle worker now, unless earlier queries are already waiting for one."""
        if self.waiting or self.idle.empty():
            return None
        return self.idle.get_nowait()

    async def wait(self, timeout: float) -> _Worker:
        self.waiting += 1
        try:
            return await asyncio.wait_for(self.idle.get(), timeout=timeout)
        finally:
            self.waiting -= 1


class QueryWorkers:
    def __init__(self, dump: Path, size: int | None = None, limits: WorkerLimits | None = None) -> None:
        self.dump = dump
        self.size = size or max(2, os.cpu_count() or 2)
        self.limits = limits or WorkerLimits()
        self.timeout = self.limits.timeout
        self._context = multiprocessing.get_context("spawn")
        self._general = _Lane(self.size)
        self._quick = _Lane(max(0, self.limits.quick_workers))
        self._spare: _Worker | None = None
        self._owed: list[_Lane] = []  # lanes short of a worker until a replacement is ready
        self._spawning: set[asyncio.Task[_Worker]] = set()
        self._all: set[_Worker] = set()
        self._heavy: OrderedDict[str, None] = OrderedDict()
        self._barred: dict[str, float] = {}  # client → until when it stays out of the quick lane
        self._closing = False
        self.inline = InlineLane(dump, self.size)

    async def start(self) -> None:
        """Returns when the general workers answer and the serving process's copy of the store is loaded (the
        build's folder may move right after); the quick lane and the spare follow in the background (a
        reload need not wait for them, and the quick lane only helps once the general ones are busy)."""
        spawned = asyncio.gather(*(self._spawn() for _ in range(self._general.size)))
        workers, _ = await asyncio.gather(spawned, self.inline.load())
        for worker in workers:
            self._place(worker, self._general)
        self._owed.extend([self._quick] * self._quick.size)
        for _ in range(self._quick.size + 1):
            self._spawn_replacement()

    async def answer_at_once(self, job: QueryJob) -> QueryOutcome | None:
        """The outcome of a query cheap by construction, from the serving process's own threads; None when
        the query is not provably cheap or those threads are busy: then `run` it."""
        return await self.inline.answer(job)

    async def run(self, job: QueryJob) -> QueryOutcome:
        worker = await self._acquire(job, self._may_go_quick(job))
        if worker is not None and worker.lane is self._quick:
            outcome = await self._attempt(worker, job, self.limits.quick_limit)
            if outcome is not None:
                return outcome
            self._overran(job)
            worker = await self._acquire(job, quick=False)
        if worker is None:
            return QueryOutcome(
                error="busy", message=f"all {self.size} query workers stayed busy for {self.limits.queue_timeout:g} s"
            )
        outcome = await self._attempt(worker, job, self.timeout)
        if outcome is None:
            return QueryOutcome(error="timeout", message=f"the query ran longer than the limit of {self.timeout:g} s")
        return outcome

    async def _acquire(self, job: QueryJob, quick: bool) -> _Worker | None:
        """A general worker, or when `quick` and none is free a quick-lane one, whichever is free first;
        None when none became free within the queue's limit."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.limits.queue_timeout
        while True:
            worker = await self._first_free(quick, max(0.0, deadline - loop.time()))
            if worker is None or worker.lane is not self._quick or self._may_go_quick(job):
                return worker
            # While it waited, another query of its client overran the quick lane: the lane goes to others.
            self._place(worker, self._quick)
            quick = False

    async def _first_free(self, quick: bool, timeout: float) -> _Worker | None:
        lanes = [self._general, self._quick] if quick and self._quick.size else [self._general]
        for lane in lanes:
            worker = lane.take()
            if worker is not None:
                return worker
        waits = [asyncio.ensure_future(lane.wait(timeout)) for lane in lanes]
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            # The client went away while it waited. A wait that was handed a worker in that same instant holds
            # it: put back, or the pool would shrink by one worker with every such client until none is left.
            self._place_all(await self._ended(waits))
            raise
        got = await self._ended(waits)
        for extra in got[1:]:  # both lanes answered at once: the general worker is kept, the other goes back
            self._place(extra, extra.lane)
        return got[0] if got else None

    async def _ended(self, waits: list[asyncio.Task[_Worker]]) -> list[_Worker]:
        """The workers the waits were handed, once every wait has ended.

        The waits end shielded, but the client may hang up while they do: the workers they were handed then
        go back to their lanes as soon as the last one has ended (each such client took a worker with it)."""
        for wait in waits:
            wait.cancel()
        ending = asyncio.gather(*waits, return_exceptions=True)
        try:
            await asyncio.shield(ending)
        except asyncio.CancelledError:
            ending.add_done_callback(lambda _: self._place_all(_handed(waits)))
            raise
        return _handed(waits)

    def _place_all(self, workers: list[_Worker]) -> None:
        for worker in workers:
            self._place(worker, worker.lane)

    async def _attempt(self, worker: _Worker, job: QueryJob, limit: float) -> QueryOutcome | None:
        """The worker's outcome, or None when the query ran past `limit` and its worker was replaced."""
        try:
            async with asyncio.timeout(limit):  # unlike wait_for, no task of its own per query
                outcome = await worker.ask(job)
        except TimeoutError:
            self._replace(worker)
            return None
        except asyncio.CancelledError:
            # The client went away mid-query. The worker will still send its answer, which the next job
            # would read as its own: a worker in that state is never reused.
            self._replace(worker)
            raise
        except (EOFError, OSError):
            # It ended by itself; its exit code, once it is reaped, tells whether the memory limit ended it.
            await asyncio.to_thread(worker.process.join, 5)
            self._replace(worker)
            if worker.ran_out_of_memory():
                return self._out_of_memory()
            return QueryOutcome(error="unavailable", message="the query worker ended unexpectedly; please retry")
        if outcome.error == "memory":
            self._replace(worker)  # after a MemoryError nothing vouches for the worker's state
            return self._out_of_memory()
        self._place(worker, worker.lane)
        return outcome

    def _out_of_memory(self) -> QueryOutcome:
        return QueryOutcome(
            error="memory", message=f"the query needed more than the memory limit of {self.limits.memory_mb:,} MB"
        )

    def _may_go_quick(self, job: QueryJob) -> bool:
        until = self._barred.get(job.client)
        return (
            self._quick.size > 0
            and job.query not in self._heavy
            and (until is None or until <= asyncio.get_running_loop().time())
        )

    def _overran(self, job: QueryJob) -> None:
        self._heavy[job.query] = None
        while len(self._heavy) > HEAVY_REMEMBERED:
            self._heavy.popitem(last=False)
        if job.client:
            now = asyncio.get_running_loop().time()
            self._barred = {c: t for c, t in self._barred.items() if t > now}
            self._barred[job.client] = now + max(QUICK_LANE_BAR, self.timeout)

    def _place(self, worker: _Worker, lane: _Lane | None) -> None:
        """Puts a worker to work in `lane`, or keeps it as the warm spare."""
        worker.lane = lane
        if lane is None:
            self._spare = worker
        else:
            lane.idle.put_nowait(worker)

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        self._all.discard(worker)
        if self._closing:
            return
        # The spare is kept for the quick lane, whose point is to answer at once; a general worker's
        # queries are the long ones, and they can wait the second a new worker takes to load.
        if self._spare is not None and (worker.lane is self._quick or not self._quick.size):
            spare, self._spare = self._spare, None
            self._place(spare, worker.lane)
        elif worker.lane is not None:
            self._owed.append(worker.lane)
        self._spawn_replacement()

    def _spawn_replacement(self) -> None:
        """A new worker for the first lane short of one, or else as the spare, once it has loaded."""
        task = asyncio.get_running_loop().create_task(self._spawn())
        self._spawning.add(task)
        task.add_done_callback(self._replacement_ready)

    def _replacement_ready(self, task: asyncio.Task[_Worker]) -> None:
        self._spawning.discard(task)
        if task.cancelled() or task.exception() is not None:
            return
        worker = task.result()
        if self._closing:
            worker.kill()
            self._all.discard(worker)
            return
        self._place(worker, self._next_owed())

    def _next_owed(self) -> _Lane | None:
        """The lane a new worker goes to: the quick lane first, then the general one, else it is the spare."""
        for lane in (self._quick, self._general):
            if lane in self._owed:
                self._owed.remove(lane)
                return lane
        return None

    async def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_serve, args=(child, str(self.dump), self.limits.memory_mb, os.getpid()), daemon=True
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        try:
            await worker.ready()
        except BaseException:
            worker.kill()  # reaped, not left a zombie
            raise
        self._all.add(worker)
        return worker

    def alive(self) -> int:
        """How many general workers can answer now or after their current query."""
        return sum(w.process.is_alive() for w in self._all if w.lane is self._general)

    @property
    def busy(self) -> int:
        """General workers running a query now."""
        return sum(w.lane is self._general for w in self._all) - self._general.idle.qsize()

    @property
    def waiting(self) -> int:
        """Queries waiting for a general worker."""
        return self._general.waiting

    async def health(self) -> BackendHealth:
        # The quick lane and the spare count too: while general workers are replaced, they answer.
        answering = any(w.process.is_alive() for w in self._all)
        return BackendHealth(
            answering,
            self.alive(),
            busy=self.busy,
            waiting=self.waiting,
            problem=None if answering else "no query worker is alive",
        )

    def moved(self, dist: Path) -> None:
        self.dump = dist / self.dump.name

    def _busy(self) -> int:
        idle = self._general.idle.qsize() + self._quick.idle.qsize() + (self._spare is not None)
        return len(self._all) - idle

    async def retire(self) -> None:
        """Stops the workers once the queries they are running have finished (or hit the time limit)."""
        self._closing = True  # a worker that times out is not replaced
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout + 1
        while self._busy() > 0 and loop.time() < deadline:
            await asyncio.sleep(0.05)
        await self.close()

    async def close(self) -> None:
        self._closing = True
        self.inline.close()
        for task in list(self._spawning):
            task.cancel()
        for worker in list(self._all):
            worker.kill()
        self._all.clear()


def _handed(waits: list[asyncio.Task[_Worker]]) -> list[_Worker]:
    """The workers that ended waits were handed."""
    return [w.result() for w in waits if not w.cancelled() and w.exception() is None]


class _Worker:
    def __init__(
        self, process: multiprocessing.process.BaseProcess, conn: multiprocessing.connection.Connection
    ) -> None:
        self.process = process
        self.conn = conn
        self.lane: _Lane | None = None

    async def _receive(self) -> object:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[object] = loop.create_future()
        fd = self.conn.fileno()

        def readable() -> None:
            loop.remove_reader(fd)
            if future.done():  # the waiter was cancelled (its client left, its time ran out) after this was queued
                return
            try:
                # Watching the descriptor made it non-blocking (uvloop does); a message larger than the
                # socket buffer must be read whole, so reading blocks until it is complete.
                os.set_blocking(fd, True)
                future.set_result(self.conn.recv_bytes())
            except Exception as error:  # a dead worker: EOFError or OSError
                future.set_exception(error)

        loop.add_reader(fd, readable)
        try:
            return await future
        finally:
            with contextlib.suppress(Exception):
                loop.remove_reader(fd)

    async def ready(self) -> None:
        message = await self._receive()
        if message != READY:
            raise RuntimeError(f"query worker failed to start: {message}")

    async def ask(self, job: QueryJob) -> QueryOutcome:
        os.set_blocking(self.conn.fileno(), True)
        self.conn.send_bytes(job.to_message())
        message = await self._receive()
        assert isinstance(message, bytes)
        return QueryOutcome.from_message(message)

    def ran_out_of_memory(self) -> bool:
        """After the worker ended: whether its memory limit ended it (Rust aborts when an allocation fails)."""
        return self.process.exitcode in (-signal.SIGABRT, MEMORY_EXIT)

    def kill(self) -> None:
        """Ends the process and reaps it, without making the event loop wait while the kernel frees its memory
        (a gigabyte takes a while)."""
        with contextlib.suppress(Exception):
            self.conn.close()
        if self.process.is_alive():
            self.process.kill()
            threading.Thread(target=self.process.join, name="reap a query worker", daemon=True).start()
        else:
            self.process.join()


# --- inside the worker process ------------------------------------------------------------------------


def _serve(conn: multiprocessing.connection.Connection, dump: str, memory_mb: int, parent: int) -> None:
    end_with_parent(parent)
    store, marked = load_dump(Path(dump))
    _limit_memory(memory_mb)
    conn.send_bytes(READY)
    while True:
        try:
            message = conn.recv_bytes()
        except EOFError:
            return
        try:
            conn.send_bytes(execute(store, QueryJob.from_message(message), marked).to_message())
        except MemoryError:
            os._exit(MEMORY_EXIT)  # joining or sending the result failed: the parent reads the exit code


def _limit_memory(budget_mb: int) -> None:
    """Caps the worker's data segment at what it holds now, the loaded store, plus the budget."""
    if budget_mb <= 0:
        return
    limit = _data_bytes() + budget_mb * 2**20
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def _data_bytes() -> int:
    with contextlib.suppress(OSError), open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
