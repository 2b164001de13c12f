"""Which query backend the settings name: the embedded store in worker processes (default) or external
SPARQL stores. Both implement `query_interface.QueryBackend`; nothing above it knows which one it talks to.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..builder.manifest import read_manifest
from ..settings import Settings
from .interface import QueryBackend
from .workers import QueryWorkers, WorkerLimits

if TYPE_CHECKING:
    from .external_store import StoreEndpoints
    from .store_replicas import ReplicatedStore


def backend_for(settings: Settings, dist: Path) -> QueryBackend:
    """The external store when one is configured, else workers on the build's dump in `dist`."""
    if settings.store:
        return external_store_for(settings, dist)
    return QueryWorkers(dist / "ikg.nq.gz", settings.query_workers, WorkerLimits.from_settings(settings))


def external_store_for(settings: Settings, dist: Path) -> ReplicatedStore:
    """The configured external stores, replicas which must each hold the build in `dist`."""
    from ..builder.store_marker import BuildMark
    from .external_store import ExternalStore
    from .store_replicas import ReplicatedStore

    manifest = read_manifest(dist)
    graphs = tuple(manifest.statistics["graphs"])
    mark = BuildMark.of_manifest(manifest)
    stores = [
        ExternalStore(endpoints, mark, settings.query_timeout, graphs)
        for endpoints in store_endpoints(settings.store, settings.store_update)
    ]
    return ReplicatedStore(stores)


def store_endpoints(queries: tuple[str, ...], updates: tuple[str, ...] = ()) -> list[StoreEndpoints]:
    """Each store's endpoints; update endpoints, when given, pair with the query endpoints in order."""
    from .external_store import StoreEndpoints

    if updates and len(updates) != len(queries):
        raise ValueError(f"{len(updates)} update endpoints given for {len(queries)} stores; give one for each store")
    paired: list[str | None] = list(updates) or [None] * len(queries)
    return [StoreEndpoints.from_url(query, update) for query, update in zip(queries, paired, strict=True)]
