"""Where queries are answered: the embedded store in worker processes (default) or an external SPARQL store.

Both take a QueryJob and give a QueryOutcome; nothing above this interface knows which one it talks to.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .build import read_manifest
from .query_workers import QueryJob, QueryOutcome, QueryWorkers, WorkerLimits
from .settings import Settings

if TYPE_CHECKING:
    from .external_store import ExternalStore


class QueryBackend(Protocol):
    async def start(self) -> None: ...
    async def run(self, job: QueryJob) -> QueryOutcome: ...
    async def check(self) -> bool: ...
    def alive(self) -> int: ...
    async def retire(self) -> None: ...
    async def close(self) -> None: ...


def backend_for(settings: Settings, dist: Path) -> QueryBackend:
    """The external store when one is configured, else workers on the build's dump in `dist`."""
    if settings.store:
        return external_store_for(settings, dist)
    return QueryWorkers(dist / "ikg.nq.gz", settings.query_workers, WorkerLimits.from_settings(settings))


def external_store_for(settings: Settings, dist: Path) -> ExternalStore:
    """The configured external store, which must hold the build in `dist`."""
    from .external_store import ExternalStore, StoreEndpoints
    from .store_marker import BuildMark

    assert settings.store is not None
    graphs = tuple(read_manifest(dist)["statistics"]["graphs"])
    endpoints = StoreEndpoints.from_url(settings.store, settings.store_update)
    return ExternalStore(endpoints, BuildMark.of(dist), settings.query_timeout, graphs)
