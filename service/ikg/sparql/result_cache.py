"""Query results cached for one graph version: the data changes once a year, queries repeat all day.

The cache is bounded in bytes as well as in entries, so that distinct large queries cannot grow the
server without limit: a result larger than a sixteenth of the budget is answered but not kept, and the
least recently used results leave first.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass

ENTRY_SHARE = 16  # no single result may take more than this fraction of the budget


@dataclass(frozen=True)
class CachedResult:
    body: bytes
    etag: str


class ResultCache:
    def __init__(self, graph_version: str, entries: int, max_bytes: int = 64_000_000) -> None:
        self.graph_version = graph_version
        self.entries = entries
        self.max_bytes = max_bytes
        self.bytes = 0  # bodies and keys held now
        self._items: OrderedDict[tuple, CachedResult] = OrderedDict()

    def etag(self, key: tuple) -> str:
        digest = hashlib.sha256(repr((self.graph_version, key)).encode()).hexdigest()[:32]
        return f'"{digest}"'

    def get(self, key: tuple) -> CachedResult | None:
        item = self._items.get(key)
        if item is not None:
            self._items.move_to_end(key)
        return item

    def put(self, key: tuple, body: bytes) -> CachedResult:
        item = CachedResult(body, self.etag(key))
        size = _size(key, item)
        if size > self.max_bytes // ENTRY_SHARE or self.entries <= 0:
            return item
        previous = self._items.pop(key, None)
        if previous is not None:
            self.bytes -= _size(key, previous)
        self._items[key] = item
        self.bytes += size
        while len(self._items) > self.entries or self.bytes > self.max_bytes:
            old_key, old = self._items.popitem(last=False)
            self.bytes -= _size(old_key, old)
        return item


def _size(key: tuple, item: CachedResult) -> int:
    """Roughly what an entry holds: its body and its query text (the key's other parts are small)."""
    return len(item.body) + len(repr(key))
