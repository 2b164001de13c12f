"""How the embedded store answers a query job: evaluated and serialised completely,
under a size cap, before any HTTP status is decided (a client never gets a 200 with a cut-off body).

Shared by the worker processes and the serving process's lane for cheap queries (`inline_lane`)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox

from ..builder.evidence import MarkedIndex
from ..rdf.oxigraph_types import as_output
from .interface import QueryJob, QueryOutcome


def load_dump(dump: Path) -> tuple[ox.Store, MarkedIndex]:
    """A store of the build's N-Quads dump, with the index of its marked statements.

    Parsed, not bulk-loaded, to keep the dump's blank node labels: every process that answers (the workers,
    the serving process's own lane) then gives the same bytes, the descriptions `ikg build` wrote ahead
    (precomputed) among them."""
    store = ox.Store()
    store.extend(ox.parse(gzip.decompress(dump.read_bytes()), format=ox.RdfFormat.N_QUADS))
    return store, MarkedIndex.from_store(store)


class _TooLargeError(Exception):
    pass


class _CappedBuffer:
    def __init__(self, limit: int) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.limit = limit

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _TooLargeError
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def execute(store: ox.Store, job: QueryJob, marked: MarkedIndex | None = None) -> QueryOutcome:
    """Evaluates and serialises one query; every failure becomes an outcome, never an exception.

    A graph answer gives each marked statement (uncertain, inferred, editorial) as its reified statement
    with level and reason, never as a plain triple: a CONSTRUCT client has no named graphs to tell by."""
    dataset: dict[str, object] = {}
    if job.default_graphs is None and job.named_graphs is None:
        # The default graph is the union of all graphs, unless the query names its own with FROM.
        dataset["use_default_graph_as_union"] = not job.reads_dataset_clause()
    else:
        # The protocol's dataset replaces FROM and FROM NAMED; a graph the store lacks is simply empty.
        dataset["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()] or ox.DefaultGraph()
        dataset["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
    try:
        result = store.query(job.query, **dataset)  # type: ignore[arg-type]
        buffer = _CappedBuffer(job.max_bytes)
        if isinstance(result, ox.QueryTriples):
            triples = marked.honest(result) if marked else result
            ox.serialize(triples, as_output(buffer), format=ox.RdfFormat.from_media_type(job.media_type))
        else:
            result.serialize(as_output(buffer), format=ox.QueryResultsFormat.from_media_type(job.media_type))
    except SyntaxError as error:
        return QueryOutcome(error="syntax", message=str(error))
    except MemoryError:
        return QueryOutcome(error="memory")
    except _TooLargeError:
        return QueryOutcome(error="too_large", message=f"the result is larger than {job.max_bytes:,} bytes")
    except (ValueError, OSError, RuntimeError) as error:
        return QueryOutcome(error="failed", message=str(error))
    return QueryOutcome(body=b"".join(buffer.parts))
