"""An external SPARQL 1.1 store (Oxigraph server, Fuseki, QLever, Virtuoso) behind ikg's own guarantees.

It answers the same jobs as the embedded workers (query_interface.QueryJob → QueryOutcome), so everything
above it, from the endpoint to the pages, works the same. ikg asks the store for one canonical format
(SPARQL JSON results, N-Triples for graphs) and serialises the answer itself, with the embedded store's
serialisers: every result format and size cap behaves identically whatever the store offers, and an
answer the store garbles is caught (502) instead of passed on. Time limits are ikg's: a store that
does not answer in time is a 504, one that cannot be reached a 502, and nothing hangs.

The answer is converted while it arrives (a parser in a thread reads it chunk by chunk from the event loop)
and the conversion stops, with a 413, as soon as the result passes the size cap: what ikg holds of an answer
is bounded by the cap, however much the store would send. When ikg gives up on a query (time limit, client
gone) it closes the connection to the store; stores that take a time limit per request get ikg's.

The client is aiohttp: measured side by side, it costs 0.14–0.18 ms of CPU per forwarded request where httpx
cost 1.1–1.7 ms, which capped one ikg process at ~500 forwarded requests a second.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
import json
import os
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

import aiohttp
import pyoxigraph as ox

from ..builder import store_marker
from ..builder.evidence import REIFIED_STATEMENTS, MarkedIndex
from ..builder.store_marker import BuildMark
from ..problems import printable
from ..rdf.oxigraph_types import as_input, as_output
from ..sparql.sparql_text import shape
from .interface import ErrorKind, QueryJob, QueryOutcome

CANONICAL_TABLE = "application/sparql-results+json"
CANONICAL_GRAPH = "application/n-triples"
# What ikg reads of an error message or of an answer to its own small questions (union graph, marker).
SMALL_ANSWER = 1_000_000


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
    def credentials(self) -> tuple[str, str] | None:
        """User and password for HTTP Basic authentication, or None."""
        return (self.user, self.password or "") if self.user else None

    @property
    def host(self) -> str:
        return urlsplit(self.query).netloc

    @property
    def publish_command(self) -> str:
        update = self.from_url(self.query).update
        given = f" --store-update {self.update}" if self.update and self.update != update else ""
        return f"ikg publish --store {self.query}{given}"


class StoreUnreachableError(Exception):
    """The store did not answer one of ikg's own questions: it cannot be reached, or not in time."""


class ExternalStore:
    """Query jobs answered by an external store over the SPARQL 1.1 Protocol."""

    def __init__(
        self, endpoints: StoreEndpoints, mark: BuildMark, timeout: float = 10.0, graphs: tuple[str, ...] = ()
    ) -> None:
        self.endpoints = endpoints
        self.mark = mark  # the build served here, which the store must hold
        self.timeout = timeout
        self.graphs = graphs  # the build's named graphs: together they are the default graph, as embedded
        self._client: aiohttp.ClientSession | None = None
        self.reachable = True
        self.discovered = False  # whether start() learnt the store's dataset, time limit and marked statements
        self.last_problem = ""
        self.union_default_graph = False  # found out at start: then queries go to the store as they are
        self.timeout_field: tuple[str, str] | None = None  # found out at start: how the store takes a time limit
        self.marked = MarkedIndex({}, set())  # read at start: the reified statements graph answers give instead

    async def start(self) -> None:
        """Learns how to ask the store. A store that cannot be reached now is marked down; the first check
        that reaches it learns it then."""
        try:
            await self._small_answer("ASK {}")
        except StoreUnreachableError as unreachable:
            self._down("store_unavailable", str(unreachable))
            return
        except ValueError:
            pass  # it answers, if strangely: what follows finds out the rest
        self.union_default_graph = await self._default_graph_is_union()
        self.timeout_field = await self._accepted_timeout_field()
        self.marked = await self._reified_statements()
        self.discovered = True

    def _session(self) -> aiohttp.ClientSession:
        if self._client is None:
            credentials = self.endpoints.credentials
            self._client = aiohttp.ClientSession(
                auth=aiohttp.BasicAuth(*credentials) if credentials else None,
                # ikg's own deadlines (asyncio.timeout) bound every request; the session adds none.
                timeout=aiohttp.ClientTimeout(total=None),
            )
        return self._client

    async def _reified_statements(self) -> MarkedIndex:
        """The evidence graph's statements, read once: CONSTRUCT answers from the store give a marked
        statement in reified form, as the embedded store's do. An unreadable answer leaves the index empty
        and is reported by the first query's own failure."""
        job = QueryJob(REIFIED_STATEMENTS, "application/n-triples", max_bytes=64 * 2**20)
        try:
            async with asyncio.timeout(self.timeout), self._stream(job, True) as response:
                if response.status != 200:
                    return MarkedIndex({}, set())
                body = await response.read()
        except (TimeoutError, aiohttp.ClientError):
            return MarkedIndex({}, set())
        store = ox.Store()
        try:
            store.extend(
                ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
            )
        except (SyntaxError, ValueError):
            return MarkedIndex({}, set())  # a store answering garbage: its queries' own answers tell
        return MarkedIndex.from_store(store)

    async def _default_graph_is_union(self) -> bool:
        """Whether the store's own default graph already holds its named graphs' triples (Oxigraph with
        --union-default-graph, Fuseki with unionDefaultGraph): then ikg need not state the dataset."""
        sample = "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s) && !isBlank(?o)) } LIMIT 1"
        try:
            rows = (await self._small_answer(sample))["results"]["bindings"]
            if not rows:
                return False
            triple = " ".join(_term(rows[0][name]) for name in ("s", "p", "o"))
            return bool((await self._small_answer(f"ASK {{ {triple} }}"))["boolean"])
        except (StoreUnreachableError, ValueError, KeyError):
            return False

    async def _accepted_timeout_field(self) -> tuple[str, str] | None:
        """ikg's time limit in the first form the store accepts: seconds (Fuseki; Oxigraph ignores it and
        takes its limit from `--timeout-s`), then a duration with a unit (QLever, which refuses a bare
        number and a limit above its own), else none: the store's own limit applies."""
        forms = (("timeout", f"{self.timeout:g}"), ("timeout", f"{round(self.timeout * 1000)}ms"))
        for field in forms:
            try:
                await self._small_answer("ASK {}", (field,))
                return field
            except (StoreUnreachableError, ValueError):
                continue
        return None

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()

    async def retire(self) -> None:
        await asyncio.sleep(self.timeout)  # queries still on their way to the old client finish first
        await self.close()

    def alive(self) -> int:
        return 1 if self.reachable else 0

    @property
    def serving(self) -> bool:
        """Reachable, and holding the build served here, as last seen."""
        return self.reachable and not self.last_problem

    async def check(self) -> bool:
        """Asks the store which build it holds; remembers what is wrong for /health and /status. A store that
        was down when ikg started is learnt now."""
        try:
            problem = await self.publication_problem()
        except StoreUnreachableError as unreachable:
            self._down("store_unavailable", str(unreachable))
            return False
        self.reachable = True
        self.last_problem = problem or ""
        if not self.discovered:
            await self.start()
        return problem is None

    async def publication_problem(self) -> str | None:
        """None when the store holds exactly the build served here, else what it holds and what to run."""
        try:
            rows = (await self._small_answer(store_marker.HELD))["results"]["bindings"]
            held = [(row["base"]["value"], row["version"]["value"]) for row in rows]
        except (ValueError, KeyError) as garbled:
            host = self.endpoints.host
            raise StoreUnreachableError(f"the SPARQL store at {host} cannot say which build it holds") from garbled
        return store_marker.problem(self.mark, held, self.endpoints.publish_command)

    async def run(self, job: QueryJob, deadline: float | None = None) -> QueryOutcome:
        """The store's answer, by the loop time `deadline` (default: the time limit from now). A store that
        fails at the connection level, before or while answering, is a `store_unavailable` outcome."""
        graph_form = shape(job.query).form in ("CONSTRUCT", "DESCRIBE")
        if deadline is None:
            deadline = asyncio.get_running_loop().time() + self.timeout
        try:
            async with asyncio.timeout_at(deadline):
                return await self._answer(job, graph_form)
        except TimeoutError:
            # Slow is not dead: the store stays counted as reachable.
            message = f"the SPARQL store did not answer within the limit of {self.timeout:g} s"
            return QueryOutcome(error="store_timeout", message=message)
        except aiohttp.ClientError as problem:
            return self._down(
                "store_unavailable",
                f"the SPARQL store at {self.endpoints.host} cannot be reached ({_plain_reason(problem)})",
            )

    async def _answer(self, job: QueryJob, graph_form: bool) -> QueryOutcome:
        # Leaving this block, by an answer, the time limit or a cancelled request, closes the response: a
        # connection the store was still writing to is closed, and the store can notice.
        async with self._stream(job, graph_form) as response:
            self.reachable = True
            if response.status != 200:
                message = first_line(await _start_of(response))
                if response.status == 400:
                    return QueryOutcome(error="syntax", message=message)
                return QueryOutcome(
                    error="store_error", message=f"the SPARQL store answered {response.status}: {message}"
                )
            body = _ArrivingBody(response.content.iter_any(), asyncio.get_running_loop())
            try:
                outcome = await asyncio.to_thread(_converted, body, job, self.marked if graph_form else None)
            except _AbandonedError:
                if body.failure is None:
                    raise
            finally:
                body.stop()
            if body.failure is not None:
                raise body.failure  # the connection broke mid-answer: the store went away, not a bad answer
            return outcome

    async def _small_answer(self, query: str, extra: tuple[tuple[str, str], ...] = ()) -> dict:
        """The store's JSON answer to one of ikg's own questions, asked of the store's own dataset."""
        try:
            async with asyncio.timeout(self.timeout):
                job = QueryJob(query, CANONICAL_TABLE)
                async with self._stream(job, False, state_dataset=False, extra=extra) as response:
                    text = await _start_of(response)
        except (TimeoutError, aiohttp.ClientError) as problem:
            raise StoreUnreachableError(
                f"the SPARQL store at {self.endpoints.host} cannot be reached ({problem or 'no answer in time'})"
            ) from problem
        if response.status != 200:
            raise ValueError(f"the store answered {response.status}: {first_line(text)}")
        return json.loads(text)

    def _stream(
        self,
        job: QueryJob,
        graph_form: bool,
        state_dataset: bool = True,
        extra: tuple[tuple[str, str], ...] | None = None,
    ) -> AbstractAsyncContextManager[aiohttp.ClientResponse]:
        fields: list[tuple[str, str]] = [("query", job.query)]
        plain = job.default_graphs is None and job.named_graphs is None and not job.reads_dataset_clause()
        default: tuple[str, ...]
        named: tuple[str, ...]
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
        fields += extra if extra is not None else (self.timeout_field,) if self.timeout_field else ()
        return self._session().post(
            self.endpoints.query,
            data=urlencode(fields).encode("ascii"),
            headers={
                "Accept": CANONICAL_GRAPH if graph_form else CANONICAL_TABLE,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )

    def _down(self, kind: ErrorKind, message: str) -> QueryOutcome:
        self.reachable = False
        self.last_problem = message
        return QueryOutcome(error=kind, message=message)


def _plain_reason(problem: aiohttp.ClientError) -> str:
    """What went wrong, in words for a client; the exception's own text names internals."""
    if isinstance(problem, aiohttp.ClientConnectorError):
        return "no connection"
    if isinstance(problem, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError):
        return "the connection broke off"
    return "the connection failed"


class _AbandonedError(Exception):
    """ikg gave up on the answer: the parser's next read ends the conversion."""


class _ArrivingBody(io.RawIOBase):
    """The store's answer as a file for a parser in a thread: each read waits for the event loop to receive
    what it asks for, so no more than one read's worth is held at a time and the store is read only as fast
    as the parser goes, and no further than the conversion gets."""

    def __init__(self, chunks: AsyncIterator[bytes], loop: asyncio.AbstractEventLoop) -> None:
        self._chunks = chunks
        self._loop = loop
        self._rest = b""
        self._waiting: concurrent.futures.Future[bytes] | None = None
        self._stopped = False
        self.failure: aiohttp.ClientError | None = None  # the connection broke while the answer arrived

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if not self._rest:
            if self._stopped:
                raise _AbandonedError
            # As much as the parser asks for, not one network chunk: pyoxigraph's JSON reader looks at a
            # value's bytes again on every read, so small reads of a long literal cost quadratic time.
            wanted = _gathered(self._chunks, len(buffer))
            self._waiting = asyncio.run_coroutine_threadsafe(wanted, self._loop)
            try:
                self._rest = self._waiting.result()
            except aiohttp.ClientError as broken:
                self.failure = broken
                raise _AbandonedError from broken
        size = min(len(buffer), len(self._rest))
        buffer[:size] = self._rest[:size]
        self._rest = self._rest[size:]
        return size

    def stop(self) -> None:
        """On the event loop: the parser gets no more; a read it waits for is cancelled."""
        self._stopped = True
        if self._waiting is not None:
            self._waiting.cancel()


async def _gathered(chunks: AsyncIterator[bytes], size: int) -> bytes:
    """The next `size` bytes of the answer, fewer only at its end."""
    kept = bytearray()
    while len(kept) < size:
        chunk = await anext(chunks, b"")
        if not chunk:
            break
        kept += chunk
    return bytes(kept)


async def _start_of(response: aiohttp.ClientResponse, limit: int = SMALL_ANSWER) -> str:
    """At most `limit` bytes of an answer: enough for a message or a small result, never a whole dump."""
    kept = bytearray()
    async for chunk in response.content.iter_any():
        kept += chunk[: limit - len(kept)]
        if len(kept) >= limit:
            break
    return kept.decode("utf-8", errors="replace")


class _TooLargeError(Exception):
    pass


class _CappedOutput(io.RawIOBase):
    """Where the serialiser writes: it refuses the write that would pass the cap, which ends the conversion."""

    def __init__(self, cap: int) -> None:
        self.written = bytearray()
        self.cap = cap
        self.passed = False

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if len(self.written) + len(data) > self.cap:
            self.passed = True
            raise _TooLargeError
        self.written += data
        return len(data)


def first_line(text: str, limit: int = 300) -> str:
    line = printable(next((line.strip() for line in text.splitlines() if line.strip()), "no message"))
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _converted(body: io.RawIOBase, job: QueryJob, marked: MarkedIndex | None) -> QueryOutcome:
    """The store's canonical answer in the format asked for, written while it is read; a 413 as soon as the
    result passes the cap, a 502 for an answer that is not one. A graph answer (`marked` given) states
    marked statements only in reified form."""
    output = _CappedOutput(job.max_bytes)
    try:
        if marked is not None:
            triples = ox.parse(as_input(body), format=ox.RdfFormat.N_TRIPLES)
            honest = marked.honest(t.triple for t in triples)
            ox.serialize(honest, as_output(output), format=ox.RdfFormat.from_media_type(job.media_type))
        else:
            results = ox.parse_query_results(as_input(body), format=ox.QueryResultsFormat.JSON)
            results.serialize(as_output(output), format=ox.QueryResultsFormat.from_media_type(job.media_type))
    except MemoryError:
        # pyoxigraph's JSON reader buffers one value at a time and refuses one it cannot fit in 16 MB.
        return _too_large("a single value in the result is longer than ikg reads from a store (about 8 MB)")
    except (SyntaxError, ValueError, OSError, _TooLargeError) as problem:
        if output.passed:
            return _too_large(f"the result is larger than {job.max_bytes:,} bytes")
        return QueryOutcome(error="store_error", message=f"the SPARQL store's answer is not valid: {problem}")
    return QueryOutcome(body=bytes(output.written))


def _too_large(message: str) -> QueryOutcome:
    return QueryOutcome(error="too_large", message=message)


def _term(binding: dict[str, str]) -> str:
    """A term of a SPARQL JSON result written back as SPARQL."""
    if binding["type"] == "uri":
        return str(ox.NamedNode(binding["value"]))
    language, datatype = binding.get("xml:lang"), binding.get("datatype")
    if language:
        return str(ox.Literal(binding["value"], language=language))
    return str(ox.Literal(binding["value"], datatype=ox.NamedNode(datatype) if datatype else None))
