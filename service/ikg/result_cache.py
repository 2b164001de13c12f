"""Query results cached for one graph version: the data changes once a year, queries repeat all day."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class CachedResult:
    body: bytes
    etag: str


class ResultCache:
    def __init__(self, graph_version: str, entries: int) -> None:
        self.graph_version = graph_version
        self.entries = entries
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
        self._items[key] = item
        self._items.move_to_end(key)
        while len(self._items) > self.entries:
            self._items.popitem(last=False)
        return item
