"""The build being served and how a query on it is answered: from the result cache or the query backend, within
the asking client's share. No HTTP here: a query without an answer raises `QueryError`, and the routes (through
`http_errors`) decide what the client sees."""

from __future__ import annotations

from ..builder.manifest import Manifest
from ..query.backends import backend_for
from ..query.interface import QueryBackend, QueryError, QueryJob, QueryOutcome
from ..settings import Settings
from ..sparql.named_queries import NamedQuery
from ..sparql.result_cache import CachedResult, ResultCache
from . import clients
from .published import Published
from .reload_log import ReloadLog

GONE = QueryOutcome(error="gone", message="the client closed the connection")


class Publication:
    """What one build of the graph offers: its manifest, named queries, result cache and query backend."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.current = Published.load(
            settings.root, settings.dist, settings.public_base, settings.cache_entries, settings.cache_bytes
        )
        self.workers: QueryBackend = backend_for(settings, settings.dist)
        self.reloads = ReloadLog()
        self.in_flight = clients.ClientLimit(settings.client_queries)

    @property
    def manifest(self) -> Manifest:
        return self.current.manifest

    @property
    def queries(self) -> dict[str, NamedQuery]:
        return self.current.queries

    @property
    def cache(self) -> ResultCache:
        return self.current.cache

    def swap(self, published: Published, workers: QueryBackend) -> QueryBackend:
        """The new build in, in one step between two requests; returns the old workers to retire."""
        old = self.workers
        self.current, self.workers = published, workers
        return old

    async def evaluate(
        self,
        query: str,
        media_type: str,
        default_graphs: tuple[str, ...] | None = None,
        named_graphs: tuple[str, ...] | None = None,
    ) -> CachedResult:
        """The serialised result, from the cache or the backend. Raises QueryError when there is none."""
        key = (query, default_graphs, named_graphs, media_type)
        cached = self.cache.get(key)
        if cached is None:
            cache = self.cache  # the build the query runs on, even if a reload swaps in another meanwhile
            client = clients.current()
            address = client.address if client is not None else ""
            job = QueryJob(query, media_type, default_graphs, named_graphs, self.settings.max_result_bytes, address)
            outcome = await self._run(job, client)
            outcome.raise_error()
            cached = cache.put(key, outcome.body)
        return cached

    async def _run(self, job: QueryJob, client: clients.Client | None) -> QueryOutcome:
        """The job's outcome, within the client's share of the workers and only while the client waits."""
        if client is not None and client.is_gone:
            return GONE
        if not self.in_flight.enter(job.client):
            limit = self.settings.client_queries
            raise QueryError("client_busy", f"{limit} queries from this address are already running")
        try:
            # A query cheap by construction ends within its bound: nothing to stop if the client hangs up.
            outcome = await self.workers.answer_at_once(job)
            if outcome is None:
                outcome = await clients.unless_gone(client, self.workers.run(job))
        finally:
            self.in_flight.leave(job.client)
        return outcome or GONE
