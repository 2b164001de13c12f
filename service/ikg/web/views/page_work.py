"""Building pages off the event loop, and not twice.

The event loop only routes: parsing results, assembling a view and rendering its template run in a small
pool of threads, so /health and cached queries answer while pages are built. The pool is bounded (a flood
of page requests queues for it instead of taking every core), and small, because a thread running Python
holds the GIL the loop needs too. What a page is built from are query results, each named by its ETag
(graph version + query), so a built page is cached under those ETags and stays right until the graph
changes; the cache is bounded in bytes.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from anyio import CapacityLimiter, to_thread

# One thread builds pages: a second would compete with the loop for the GIL and gains nothing on two cores
# that also run the query workers.
PAGE_THREADS = 1
PAGE_CACHE_BYTES = 32_000_000
# A page larger than this is built each time rather than crowding out the rest (query pages, say).
LARGEST_CACHED_PAGE = 2_000_000


class PageCache:
    """Built pages by key, least recently used first out, within a byte budget."""

    def __init__(self, budget: int = PAGE_CACHE_BYTES, largest: int = LARGEST_CACHED_PAGE) -> None:
        self.budget = budget
        self.largest = largest
        self.size = 0
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()

    def get(self, key: Hashable) -> bytes | None:
        body = self._items.get(key)
        if body is not None:
            self._items.move_to_end(key)
        return body

    def put(self, key: Hashable, body: bytes) -> None:
        if len(body) > self.largest:
            return
        old = self._items.pop(key, None)
        self.size -= len(old) if old is not None else 0
        self._items[key] = body
        self.size += len(body)
        while self.size > self.budget:
            _key, evicted = self._items.popitem(last=False)
            self.size -= len(evicted)


T = TypeVar("T")
_cache = PageCache()
_limiter: CapacityLimiter | None = None


def _pool() -> CapacityLimiter:
    # Created on first use, inside the running event loop it belongs to.
    global _limiter
    if _limiter is None:
        _limiter = CapacityLimiter(PAGE_THREADS)
    return _limiter


async def off_loop(work: Callable[[], T]) -> T:
    """`work()` in the page pool; the loop serves other requests meanwhile."""
    return await to_thread.run_sync(work, limiter=_pool())


def cached(key: Hashable) -> bytes | None:
    """The page built before under `key`, if the cache still holds it."""
    return _cache.get(key)


async def built(key: Hashable | None, build: Callable[[], str | bytes]) -> bytes:
    """The page `build()` makes, from the cache when `key` names one built before; `None` never caches."""
    if key is not None:
        hit = _cache.get(key)
        if hit is not None:
            return hit

    def encoded() -> bytes:
        made = build()
        return made.encode() if isinstance(made, str) else made

    body = await off_loop(encoded)
    if key is not None:
        _cache.put(key, body)
    return body
