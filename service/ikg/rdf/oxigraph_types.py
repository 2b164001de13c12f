"""pyoxigraph's calls in the types the service relies on, where its stubs are looser or stricter than the calls."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any, Protocol, cast

import pyoxigraph as ox


class Writable(Protocol):
    def write(self, data: bytes, /) -> int: ...

    def flush(self) -> None: ...


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes | None: ...


def select(store: ox.Store, query: str, **options: Any) -> ox.QuerySolutions:
    """The solutions of a SELECT query the service itself wrote (store.query's result type covers every form).

    Raises TypeError for a query of another form: a mistake in the calling code, not in a client's request."""
    result = store.query(query, **options)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"expected a SELECT query, got one answered by {type(result).__name__}: {query[:200]}")
    return result


def serialized(
    data: Iterable[ox.Triple] | Iterable[ox.Quad],
    rdf_format: ox.RdfFormat | None,
    prefixes: dict[str, str] | None = None,
) -> bytes:
    # Without an output pyoxigraph returns the bytes; its stub says bytes | None for the call with an output too.
    return cast(bytes, ox.serialize(data, format=rdf_format, prefixes=prefixes))


def as_output(sink: Writable) -> IO[bytes]:
    # pyoxigraph's serialisers only call write and flush; the stubs ask for a whole IO[bytes].
    return cast(IO[bytes], sink)


def as_input(source: Readable) -> IO[bytes]:
    # pyoxigraph's parsers only call read; the stubs ask for a whole IO[bytes], which io.RawIOBase is not.
    return cast(IO[bytes], source)


def term_value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """An IRI's, blank node's or literal's value; a triple term (RDF 1.2) has none.

    pyoxigraph's stubs also allow a triple as a quad's subject, which its RDF 1.2 model never holds."""
    if isinstance(term, ox.Triple):
        raise TypeError(f"expected an IRI, a blank node or a literal, got the triple term {term}")
    return term.value
