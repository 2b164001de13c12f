"""Running SPARQL queries in worker processes that can be ended.

pyoxigraph has no way to cancel a query, and an aggregate over a large join yields nothing until it
finishes, so a query thread could not be stopped. Each worker process holds its own copy of the
store; a query past the time limit gets its worker killed (freeing the core at once) and a new worker
started in its place. A result is serialised completely in the worker, under a size cap, before the
HTTP status is decided: a client never gets a 200 with a cut-off body.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import multiprocessing
import multiprocessing.connection
import os
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .sparql_text import has_dataset_clause


@dataclass(frozen=True)
class QueryJob:
    query: str
    media_type: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    max_bytes: int = 50_000_000


@dataclass(frozen=True)
class QueryOutcome:
    body: bytes = b""
    error: str | None = None  # "syntax", "too_large", "timeout", "unavailable", "failed"
    message: str = ""


class QueryWorkers:
    def __init__(self, dump: Path, size: int | None = None, timeout: float = 10.0) -> None:
        self.dump = dump
        self.size = size or max(2, os.cpu_count() or 2)
        self.timeout = timeout
        self._context = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._closing = False

    async def start(self) -> None:
        workers = await asyncio.gather(*(self._spawn() for _ in range(self.size)))
        for worker in workers:
            self._idle.put_nowait(worker)

    async def run(self, job: QueryJob) -> QueryOutcome:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        try:
            worker = await asyncio.wait_for(self._idle.get(), timeout=self.timeout)
        except TimeoutError:
            return QueryOutcome(error="timeout", message=f"no query worker became free within {self.timeout:g} s")
        try:
            outcome = await asyncio.wait_for(worker.ask(job), timeout=max(0.001, deadline - loop.time()))
        except TimeoutError:
            self._replace(worker)
            return QueryOutcome(error="timeout", message=f"the query ran longer than the limit of {self.timeout:g} s")
        except asyncio.CancelledError:
            # The client went away mid-query. The worker will still send its answer, which the next job
            # would read as its own: a worker in that state is never reused.
            self._replace(worker)
            raise
        except (EOFError, OSError):
            self._replace(worker)
            return QueryOutcome(error="unavailable", message="the query worker ended unexpectedly; please retry")
        self._idle.put_nowait(worker)
        return outcome

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        self._all.discard(worker)
        if not self._closing:
            task = asyncio.get_running_loop().create_task(self._spawn())
            task.add_done_callback(self._replacement_ready)

    def _replacement_ready(self, task: asyncio.Task[_Worker]) -> None:
        if task.cancelled() or task.exception() is not None:
            return
        worker = task.result()
        if self._closing:  # the pool was retired while this one started: nobody would ever stop it
            self._all.discard(worker)
            worker.kill()
            return
        self._idle.put_nowait(worker)

    async def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(child, str(self.dump)), daemon=True)
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
        """How many workers can answer now or after their current query."""
        return sum(w.process.is_alive() for w in self._all)

    async def check(self) -> bool:
        return self.alive() > 0

    async def retire(self) -> None:
        """Stops the workers once the queries they are running have finished (or hit the time limit)."""
        self._closing = True  # a worker that times out is not replaced
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout + 1
        while self._idle.qsize() < len(self._all) and loop.time() < deadline:
            await asyncio.sleep(0.05)
        await self.close()

    async def close(self) -> None:
        self._closing = True
        for worker in list(self._all):
            worker.kill()
        self._all.clear()


class _Worker:
    def __init__(
        self, process: multiprocessing.process.BaseProcess, conn: multiprocessing.connection.Connection
    ) -> None:
        self.process = process
        self.conn = conn

    async def _receive(self) -> object:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[object] = loop.create_future()
        fd = self.conn.fileno()

        def readable() -> None:
            loop.remove_reader(fd)
            try:
                # Watching the descriptor made it non-blocking (uvloop does); a message larger than the
                # socket buffer must be read whole, so reading blocks until it is complete.
                os.set_blocking(fd, True)
                future.set_result(self.conn.recv())
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
        if message != "ready":
            raise RuntimeError(f"query worker failed to start: {message}")

    async def ask(self, job: QueryJob) -> QueryOutcome:
        os.set_blocking(self.conn.fileno(), True)
        self.conn.send(job)
        outcome = await self._receive()
        assert isinstance(outcome, QueryOutcome)
        return outcome

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)


# --- inside the worker process ------------------------------------------------------------------------


class _TooLargeError(Exception):
    pass


class _CappedBuffer:
    def __init__(self, limit: int) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.limit = limit

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _TooLargeError
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def _serve(conn: multiprocessing.connection.Connection, dump: str) -> None:
    store = ox.Store()
    store.bulk_load(gzip.decompress(Path(dump).read_bytes()), format=ox.RdfFormat.N_QUADS)
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        conn.send(execute(store, job))


def execute(store: ox.Store, job: QueryJob) -> QueryOutcome:
    """Evaluates and serialises one query; every failure becomes an outcome, never an exception."""
    dataset: dict[str, object] = {}
    if job.default_graphs is None and job.named_graphs is None:
        # The default graph is the union of all graphs, unless the query names its own with FROM.
        dataset["use_default_graph_as_union"] = not has_dataset_clause(job.query)
    else:
        # The protocol's dataset replaces FROM and FROM NAMED; a graph the store lacks is simply empty.
        dataset["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()] or ox.DefaultGraph()
        dataset["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
    try:
        result = store.query(job.query, **dataset)  # type: ignore[arg-type]
        buffer = _CappedBuffer(job.max_bytes)
        if isinstance(result, ox.QueryTriples):
            result.serialize(buffer, format=ox.RdfFormat.from_media_type(job.media_type))
        else:
            result.serialize(buffer, format=ox.QueryResultsFormat.from_media_type(job.media_type))
    except SyntaxError as error:
        return QueryOutcome(error="syntax", message=str(error))
    except _TooLargeError:
        return QueryOutcome(error="too_large", message=f"the result is larger than {job.max_bytes:,} bytes")
    except (ValueError, OSError, RuntimeError) as error:
        return QueryOutcome(error="failed", message=str(error))
    return QueryOutcome(body=b"".join(buffer.parts))
