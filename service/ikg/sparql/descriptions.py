"""What a dereferenceable IRI answers with, in one place for the live path (`dereference`) and for the
descriptions `ikg build` writes ahead (`precomputed`): the variants, the query texts, the dataset
serialisation and the ETags. Both paths take every byte and every ETag from here, so a precomputed answer
is the live one.

The description queries get the IRI written into their text like every named query (`named_queries`):
with a VALUES block on top of their UNIONs the engine would evaluate the UNIONs over the whole graph and
join afterwards (hundreds of milliseconds per resource at 10,000 measures); written in, a millisecond.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from ..rdf.formats import Offer
from ..rdf.oxigraph_types import serialized
from .named_queries import NamedQuery
from .result_cache import ResultCache

# Our preference when the client has none (rdflib sends its list without q-values, a harvester */*):
# RDF first; HTML only for clients that name it, as browsers do.
OFFER = Offer.of("turtle", "trig", "nquads", "jsonld", "rdfxml", "ntriples")
VARIANTS = OFFER.variants
OFFERS = OFFER.media_types
WITH_GRAPHS = ("application/trig", "application/n-quads", "application/ld+json")
RDF_MEDIA = OFFER.rdf_media_types
# Every path of the namespace that names resources: things, sources, the vocabulary, the named graphs, the editors.
DEREFERENCEABLE = ("id", "source", "def", "graph", "project")
VOCABULARY = "ikg"
DESCRIPTION = "resource-description"  # triples, marked statements reified (see evidence.MarkedIndex)
QUADS = "resource-quads"  # each statement in its named graph
ROWS_MEDIA = "application/sparql-results+json"


def split_variant(path: str) -> tuple[str, str | None]:
    name, dot, suffix = path.rpartition(".")
    return (name, suffix) if dot and suffix in VARIANTS else (path, None)


def links(iri: str) -> str:
    return OFFER.alternates(iri)


def is_described(iri: str, base: str) -> bool:
    """Whether `iri` is answered by the dereferencing routes with its description (the vocabulary document
    and names that end like a variant's document are not)."""
    if not iri.startswith(base):
        return False
    prefix, slash, name = iri[len(base) :].partition("/")
    # A name with a fragment is never sent: its document is the one before the "#".
    if not slash or not name or "#" in name or prefix not in DEREFERENCEABLE or split_variant(name)[1] is not None:
        return False
    return not (prefix == "def" and name == VOCABULARY)


def written_in(named: NamedQuery, iri: ox.NamedNode) -> str:
    """The named query's text with its one IRI parameter written in, as every named query is bound."""
    (parameter,) = named.parameters
    return named.bind({parameter.name: iri.value})


def query_etag(cache: ResultCache, query: str, media: str) -> str:
    """The ETag the result cache gives this query's result in this format (default dataset)."""
    return cache.etag((query, None, None, media))


def dataset_etag(rows_etag: str, media: str) -> str:
    """The ETag of a dataset document made from the rows with that ETag."""
    return f'"{rows_etag.strip(chr(34))}-{media.rsplit("/", 1)[-1]}"'


def in_order(quads: list[ox.Quad]) -> list[ox.Quad]:
    """The quads by graph, subject, predicate, object: TriG then has one block per graph and subject (the
    serialiser groups only what comes together), and every path writes the same bytes."""
    return sorted(quads, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))


def quads_of(rows: Iterable[ox.QuerySolution]) -> list[ox.Quad]:
    """The description's statements from the rows of `resource-quads`, whose columns are ?s ?p ?o ?g in that
    order (unpacked by position: twice as fast as by name), `in_order`."""
    return in_order([ox.Quad(*row) for row in rows])


def dataset_document(ordered: list[ox.Quad], media: str, namespaces: dict[str, str]) -> bytes:
    """The description as a dataset document, from quads `in_order`."""
    takes_prefixes = media != "application/n-quads"
    return serialized(ordered, ox.RdfFormat.from_media_type(media), namespaces if takes_prefixes else None)
