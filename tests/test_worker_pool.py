"""The pool of query workers keeps every worker, whatever its clients do while they wait."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
from pathlib import Path

import pytest

from ikg.query.interface import QueryJob
from ikg.query.workers import QueryWorkers, WorkerLimits

JOB = QueryJob("ASK { ?s ?p ?o }", "application/sparql-results+json")


def _dump(folder: Path) -> Path:
    dump = folder / "ikg.nq.gz"
    dump.write_bytes(gzip.compress(b"<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n"))
    return dump


async def _leave_as_a_worker_is_handed_over(pool: QueryWorkers) -> None:
    """A client waits for the only worker; the worker comes free and the client leaves in the same instant."""
    worker = pool._general.take()
    assert worker is not None
    client = asyncio.ensure_future(pool.run(JOB))
    for _ in range(5):  # the client is now waiting in the queue
        await asyncio.sleep(0)
    pool._place(worker, pool._general)
    client.cancel()
    with pytest.raises(asyncio.CancelledError):
        await client


def test_a_client_leaving_as_a_worker_comes_free_leaves_the_worker_in_the_pool(tmp_path: Path) -> None:
    async def scenario() -> tuple[int, bytes]:
        pool = QueryWorkers(_dump(tmp_path), size=1, limits=WorkerLimits(quick_workers=0, queue_timeout=60))
        await pool.start()
        try:
            for _ in range(3):
                await _leave_as_a_worker_is_handed_over(pool)
            outcome = await pool.run(JOB)
            return pool._general.idle.qsize(), outcome.body
        finally:
            await pool.close()

    idle, body = asyncio.run(scenario())
    assert idle == 1, "the worker is back among the idle ones"
    assert b"true" in body, "and the next client is answered by it"


async def _settled(pool: QueryWorkers) -> tuple[int, int]:
    """Idle general and quick workers once no replacement is on its way (a query cut off mid-run is replaced)."""
    await asyncio.sleep(0.05)  # what a client's leaving set off has run
    for _ in range(200):
        if not pool._spawning and not pool._owed:
            break
        await asyncio.sleep(0.05)
    return pool._general.idle.qsize(), pool._quick.idle.qsize()


def test_a_client_leaving_while_both_lanes_hand_over_leaves_every_worker_in_the_pool(tmp_path: Path) -> None:
    # The client waits on the general and the quick lane; the general worker comes free, and the client hangs
    # up at each step of what follows (the other wait being ended, the query being sent, answered).
    async def scenario() -> list[tuple[int, int]]:
        pool = QueryWorkers(_dump(tmp_path), size=1, limits=WorkerLimits(quick_workers=1, queue_timeout=60))
        await pool.start()
        try:
            await _settled(pool)  # the quick lane's worker starts after the general ones
            seen = []
            for steps in range(12):
                general, quick = pool._general.take(), pool._quick.take()
                if general is None or quick is None:
                    break  # a worker was lost by the step before
                client = asyncio.ensure_future(pool.run(JOB))
                for _ in range(5):  # waiting on both lanes now
                    await asyncio.sleep(0)
                pool._place(general, pool._general)
                for _ in range(steps):
                    await asyncio.sleep(0)
                client.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await client
                pool._place(quick, pool._quick)
                seen.append(await _settled(pool))
            return seen
        finally:
            await pool.close()

    assert asyncio.run(scenario()) == [(1, 1)] * 12


def test_a_job_tells_its_worker_whether_the_query_names_its_dataset() -> None:
    # The serving process has read the text; the worker takes its word instead of reading it again.
    sent = QueryJob("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", "text/csv")
    received = QueryJob.from_message(sent.to_message())
    assert received.names_dataset is True
    assert QueryJob.from_message(QueryJob("ASK {}", "text/csv").to_message()).names_dataset is False
