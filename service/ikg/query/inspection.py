"""Reading a long query text away from the event loop.

Scanning a query is linear, but the worst 256 KB still costs about a second of CPU, and Python's regular
expressions hold the GIL while they match: in a thread it would still stall every other request. Short
texts (nearly all) are read in place; long ones in one helper process, so that a flood of them uses at
most one core and queues there while the event loop keeps routing.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from ..request_errors import CheckUnavailableError
from ..sparql.sparql_text import MAX_QUERY_CHARS, QueryShape, analyse, remember, remembered, shape
from .process_lifetime import end_with_parent

# Below this many characters a text is read in place: well under a millisecond even for the worst text.
IN_PLACE_CHARS = 4_000

_pool: ProcessPoolExecutor | None = None


def _helper() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=end_with_parent,
            initargs=(os.getpid(),),
        )
    return _pool


async def inspect(query: str) -> QueryShape:
    """The query's shape; afterwards `shape(query)` answers from memory without reading the text again."""
    if len(query) <= IN_PLACE_CHARS or len(query) > MAX_QUERY_CHARS:
        return shape(query)
    known = remembered(query)
    if known is not None:
        return known
    try:
        analysed = await asyncio.get_running_loop().run_in_executor(_helper(), analyse, query)
    except BrokenProcessPool as broken:  # the helper was killed (out of memory, an operator): start afresh
        close()
        raise CheckUnavailableError("the query could not be checked; please retry") from broken
    remember(query, analysed)
    return analysed


def close() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None
