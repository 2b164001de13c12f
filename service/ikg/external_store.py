"""An external SPARQL 1.1 store (Oxigraph server, Fuseki, QLever, Virtuoso) behind ikg's own guarantees.

It answers the same jobs as the embedded workers (query_workers.QueryJob → QueryOutcome), so everything
above it, from the endpoint to the pages, works the same. ikg asks the store for one canonical format
(SPARQL JSON results, N-Triples for graphs) and serialises the answer itself, with the embedded store's
serialisers: every result format and size cap behaves identically whatever the store offers, and an
answer the store garbles is caught (502) instead of passed on. Time limits are ikg's: a store that
does not answer in time is a 504, one that cannot be reached a 502, and nothing hangs.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from .problems import printable
from .query_workers import QueryJob, QueryOutcome
from .sparql_text import has_dataset_clause, shape

CANONICAL_TABLE = "application/sparql-results+json"
CANONICAL_GRAPH = "application/n-triples"


@dataclass(frozen=True)
class StoreEndpoints:
    query: str
    update: str | None = None
    user: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, query: str, update: str | None = None) -> StoreEndpoints:
        """The query endpoint as given; the update endpoint as given or, for a URL ending in /query (Oxigraph,
        Fuseki), its sibling /update. Credentials from IKG_STORE_USER and IKG_STORE_PASSWORD."""
        parts = urlsplit(query)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"the store's query endpoint must be an http(s) URL, not {query!r}")
        if update is None and parts.path.endswith("/query"):
            update = urlunsplit(parts._replace(path=parts.path[: -len("query")] + "update", query=""))
        return cls(query, update, os.environ.get("IKG_STORE_USER") or None, os.environ.get("IKG_STORE_PASSWORD"))

    @property
    def auth(self) -> httpx.BasicAuth | None:
        return httpx.BasicAuth(self.user, self.password or "") if self.user else None

    @property
    def host(self) -> str:
        return urlsplit(self.query).netloc


class ExternalStore:
    """Query jobs answered by an external store over the SPARQL 1.1 Protocol."""

    def __init__(self, endpoints: StoreEndpoints, timeout: float = 10.0, graphs: tuple[str, ...] = ()) -> None:
        self.endpoints = endpoints
        self.timeout = timeout
        self.graphs = graphs  # the build's named graphs: together they are the default graph, as embedded
        self._client: httpx.AsyncClient | None = None
        self.reachable = True
        self.last_problem = ""
        self.union_default_graph = False  # found out at start: then queries go to the store as they are

    async def start(self) -> None:
        self._client = httpx.AsyncClient(auth=self.endpoints.auth, timeout=httpx.Timeout(self.timeout))
        self.union_default_graph = await self._default_graph_is_union()

    async def _default_graph_is_union(self) -> bool:
        """Whether the store's own default graph already holds its named graphs' triples (Oxigraph with
        --union-default-graph, Fuseki with unionDefaultGraph): then ikg need not state the dataset."""
        sample = QueryJob(
            "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s) && !isBlank(?o)) } LIMIT 1",
            CANONICAL_TABLE,
        )
        try:
            rows = (await self._ask(sample, graph_form=False, state_dataset=False)).json()["results"]["bindings"]
            if not rows:
                return False
            triple = " ".join(_term(rows[0][name]) for name in ("s", "p", "o"))
            ask = QueryJob(f"ASK {{ {triple} }}", CANONICAL_TABLE)
            return bool((await self._ask(ask, graph_form=False, state_dataset=False)).json()["boolean"])
        except (httpx.HTTPError, ValueError, KeyError):
            return False

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def retire(self) -> None:
        await asyncio.sleep(self.timeout)  # queries still on their way to the old client finish first
        await self.close()

    def alive(self) -> int:
        return 1 if self.reachable else 0

    async def check(self) -> bool:
        """Asks the store a trivial question; remembers whether it answered."""
        outcome = await self.run(QueryJob("ASK {}", CANONICAL_TABLE))
        return outcome.error is None

    async def run(self, job: QueryJob) -> QueryOutcome:
        analysed = shape(job.query)
        graph_form = analysed.form in ("CONSTRUCT", "DESCRIBE")
        try:
            response = await asyncio.wait_for(self._ask(job, graph_form), timeout=self.timeout)
        except (TimeoutError, httpx.TimeoutException):
            # Slow is not dead: the store stays counted as reachable.
            message = f"the SPARQL store did not answer within the limit of {self.timeout:g} s"
            return QueryOutcome(error="store_timeout", message=message)
        except httpx.HTTPError as problem:
            return self._down(
                "store_unavailable", f"the SPARQL store at {self.endpoints.host} cannot be reached ({problem})"
            )
        self.reachable = True
        if response.status_code == 400:
            return QueryOutcome(error="syntax", message=first_line(response.text))
        if response.status_code != 200:
            return QueryOutcome(
                error="store_error",
                message=f"the SPARQL store answered {response.status_code}: {first_line(response.text)}",
            )
        return _converted(response.content, job, graph_form)

    async def _ask(self, job: QueryJob, graph_form: bool, state_dataset: bool = True) -> httpx.Response:
        if self._client is None:
            await self.start()
        assert self._client is not None
        fields: list[tuple[str, str]] = [("query", job.query)]
        plain = job.default_graphs is None and job.named_graphs is None and not has_dataset_clause(job.query)
        if not state_dataset or (plain and self.union_default_graph):
            default, named = (), ()
        elif plain:
            # The union of all graphs as the default graph, and every graph by name, stated in the protocol's
            # own terms: the same dataset as the embedded store, whatever the store's default graph is.
            default, named = self.graphs, self.graphs
        else:
            default, named = job.default_graphs or (), job.named_graphs or ()
        fields += [("default-graph-uri", g) for g in default]
        fields += [("named-graph-uri", g) for g in named]
        return await self._client.post(
            self.endpoints.query,
            content=urlencode(fields).encode("ascii"),
            headers={
                "Accept": CANONICAL_GRAPH if graph_form else CANONICAL_TABLE,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )

    def _down(self, kind: str, message: str) -> QueryOutcome:
        self.reachable = False
        self.last_problem = message
        return QueryOutcome(error=kind, message=message)


def first_line(text: str, limit: int = 300) -> str:
    line = printable(next((line.strip() for line in text.splitlines() if line.strip()), "no message"))
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _converted(body: bytes, job: QueryJob, graph_form: bool) -> QueryOutcome:
    """The store's canonical answer in the format asked for, or a 502 for an answer that is not one."""
    try:
        if graph_form:
            triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
            serialised = ox.serialize(triples, format=ox.RdfFormat.from_media_type(job.media_type))
        else:
            results = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
            serialised = results.serialize(format=ox.QueryResultsFormat.from_media_type(job.media_type))
    except (SyntaxError, ValueError, OSError) as problem:
        return QueryOutcome(error="store_error", message=f"the SPARQL store's answer is not valid: {problem}")
    if serialised is None or len(serialised) > job.max_bytes:
        return QueryOutcome(error="too_large", message=f"the result is larger than {job.max_bytes:,} bytes")
    return QueryOutcome(body=serialised)


def _term(binding: dict[str, str]) -> str:
    """A term of a SPARQL JSON result written back as SPARQL."""
    if binding["type"] == "uri":
        return str(ox.NamedNode(binding["value"]))
    language, datatype = binding.get("xml:lang"), binding.get("datatype")
    if language:
        return str(ox.Literal(binding["value"], language=language))
    return str(ox.Literal(binding["value"], datatype=ox.NamedNode(datatype) if datatype else None))
