"""The seam between answering a query and serving it: a job, its outcome, the one query error and the backend
protocol. Both backends (the embedded store's worker processes, external stores) implement it; everything
above it (the publication, the routes) knows only these types.

No HTTP here: which status an error kind becomes is decided in one place, `http_errors`.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, get_args

from ..sparql.sparql_text import has_dataset_clause

# Why a query has no answer. A closed set: a typo in a kind is a type error, and `http_errors` has a status
# for each (a test checks that none is missing).
ErrorKind = Literal[
    "syntax",  # the query does not parse
    "failed",  # the engine refused the client's query while evaluating it (a bad regular expression, say)
    "too_large",  # the serialised result is over the byte cap
    "timeout",  # stopped at the time limit
    "memory",  # stopped at the memory limit
    "busy",  # no worker became free within the queue's own limit
    "client_busy",  # this client already has its share of queries running
    "gone",  # the client hung up; its query was stopped
    "unavailable",  # no worker could answer (ours, not the client's)
    "store_error",  # the external store refused or garbled its answer
    "store_unavailable",  # no external store could be reached
    "store_timeout",  # the external store did not answer in time
]
ERROR_KINDS: frozenset[str] = frozenset(get_args(ErrorKind))


@dataclass(frozen=True)
class QueryJob:
    query: str
    media_type: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    max_bytes: int = 50_000_000
    client: str = ""  # the asking client's address; one whose query overran the quick lane stays out of it
    # Whether the query names its own dataset (FROM); None: read it from the text when it is needed.
    names_dataset: bool | None = None

    # Between processes a job and an outcome travel as pickled tuples: a dataclass pickles through copyreg
    # at several times the cost, which a lookup's round trip would pay twice.
    def to_message(self) -> bytes:
        """What a worker needs of the job, as one message. Whether the query names its dataset goes with it:
        the serving process has read the text already, and reading it again costs the worker more than the
        engine spends on a lookup."""
        fields = (self.query, self.media_type, self.default_graphs, self.named_graphs, self.max_bytes)
        return pickle.dumps((*fields, self.reads_dataset_clause()))

    @classmethod
    def from_message(cls, message: bytes) -> QueryJob:
        query, media_type, default, named, max_bytes, names_dataset = pickle.loads(message)  # noqa: S301  # ours
        return cls(query, media_type, default, named, max_bytes, names_dataset=names_dataset)

    def reads_dataset_clause(self) -> bool:
        return has_dataset_clause(self.query) if self.names_dataset is None else self.names_dataset


@dataclass(frozen=True)
class QueryOutcome:
    body: bytes = b""
    error: ErrorKind | None = None
    message: str = ""

    def to_message(self) -> bytes:
        return pickle.dumps((self.body, self.error, self.message), protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def from_message(cls, message: bytes) -> QueryOutcome:
        return cls(*pickle.loads(message))  # noqa: S301  # from a worker this process started

    def raise_error(self) -> None:
        """Raises the outcome's QueryError, if it is one."""
        if self.error is not None:
            raise QueryError(self.error, self.message)


class QueryError(Exception):
    """A query that has no answer, of one of the closed set of kinds; `http_errors` turns it into a status."""

    def __init__(self, kind: ErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind: ErrorKind = kind
        self.message = message


@dataclass(frozen=True)
class BackendHealth:
    """What /health and /status say of the backend."""

    answering: bool  # a query sent now can be answered
    workers: int  # worker processes alive (embedded store), or stores reachable (external)
    busy: int | None = None  # workers running a query now; None for external stores
    waiting: int | None = None  # queries waiting for a worker (embedded) or for an identical query (external)
    union_default_graph: bool | None = None  # whether the external store's default graph is the union
    problem: str | None = None  # why it is not answering


class QueryBackend(Protocol):
    """Where queries are answered. `size` is how many queries it runs at once (each is proven at start)."""

    size: int

    async def start(self) -> None: ...

    async def answer_at_once(self, job: QueryJob) -> QueryOutcome | None:
        """The outcome of a query that is cheap by construction, without queueing, or None: then `run` it."""
        ...

    async def run(self, job: QueryJob) -> QueryOutcome: ...

    async def health(self) -> BackendHealth: ...

    def moved(self, dist: Path) -> None:
        """The build this backend serves now lies in `dist` (after a swap): where replacements load it from."""
        ...

    async def retire(self) -> None: ...

    async def close(self) -> None: ...
