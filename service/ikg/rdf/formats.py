"""The one table of RDF formats (name, media type, file suffix, serializer) and the formats of query results."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ..request_errors import InvalidRequestError


@dataclass(frozen=True)
class RdfFormat:
    name: str
    label: str
    media_type: str
    suffix: str
    oxigraph: ox.RdfFormat

    @property
    def keeps_graphs(self) -> bool:
        return bool(self.oxigraph.supports_datasets)


RDF_FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat("turtle", "Turtle", "text/turtle", "ttl", ox.RdfFormat.TURTLE),
    RdfFormat("trig", "TriG", "application/trig", "trig", ox.RdfFormat.TRIG),
    RdfFormat("nquads", "N-Quads", "application/n-quads", "nq", ox.RdfFormat.N_QUADS),
    RdfFormat("ntriples", "N-Triples", "application/n-triples", "nt", ox.RdfFormat.N_TRIPLES),
    RdfFormat("jsonld", "JSON-LD", "application/ld+json", "jsonld", ox.RdfFormat.JSON_LD),
    RdfFormat("rdfxml", "RDF/XML", "application/rdf+xml", "rdf", ox.RdfFormat.RDF_XML),
)


def by_name(name: str) -> RdfFormat:
    for rdf_format in RDF_FORMATS:
        if name in (rdf_format.name, rdf_format.suffix, rdf_format.media_type):
            return rdf_format
    raise KeyError(f"unknown RDF format {name!r}; known: {', '.join(f.name for f in RDF_FORMATS)}")


PAGE = "text/html"  # the page for people that an address offers beside its RDF


@dataclass(frozen=True)
class Offer:
    """The documents one address is offered as, each by its suffix (`…/catalog.ttl`) and its media type, in the
    order of preference for a client that states none; taken from the table above, so a suffix and its media type
    are never restated."""

    variants: dict[str, str]  # suffix → media type

    @classmethod
    def of(cls, *names: str, page: bool = True) -> Offer:
        """The formats named (by name, suffix or media type) in this order, and the page last if offered."""
        chosen = {f.suffix: f.media_type for f in map(by_name, names)}
        return cls({**chosen, **({"html": PAGE} if page else {})})

    @property
    def media_types(self) -> tuple[str, ...]:
        return tuple(self.variants.values())

    @property
    def rdf_media_types(self) -> tuple[str, ...]:
        return tuple(m for m in self.variants.values() if m != PAGE)

    def suffix(self, media_type: str) -> str:
        return next(s for s, m in self.variants.items() if m == media_type)

    def alternates(self, iri: str, page: bool = True) -> str:
        """The Link header naming every variant of `iri` (`rel="alternate"`), the page among them if asked."""
        return ", ".join(
            f'<{iri}.{s}>; rel="alternate"; type="{m}"' for s, m in self.variants.items() if page or m != PAGE
        )


# What a query answers in: tables for SELECT and ASK, graphs for CONSTRUCT and DESCRIBE; the first is the default.
TABLE_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
GRAPH_TYPES = (
    *(f.media_type for f in RDF_FORMATS if f.name in ("turtle", "ntriples", "rdfxml", "jsonld")),
    "application/n-quads",
    "application/trig",
)
# Names for ?format=, so a link can name a format where it cannot send an Accept header. The first of each
# media type is the canonical one; the others are what SPARQL clients send (SPARQLWrapper sends several).
_TABLE_NAMES = {
    "json": TABLE_TYPES[0],
    "xml": TABLE_TYPES[1],
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
_GRAPH_NAMES = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "turtle": "text/turtle",
    "n3": "text/turtle",  # Turtle is N3
    "ntriples": "application/n-triples",
    "xml": "application/rdf+xml",
    "rdf+xml": "application/rdf+xml",
    "json-ld": "application/ld+json",
    "json": "application/ld+json",
}


def _names(form: str) -> dict[str, str]:
    table = form in ("SELECT", "ASK")
    names = _TABLE_NAMES if table else _GRAPH_NAMES
    return {**names, **{media: media for media in (TABLE_TYPES if table else GRAPH_TYPES)}}


def result_formats(form: str) -> dict[str, str]:
    """The canonical ?format= names a query of this form can be answered in."""
    seen: dict[str, str] = {}
    for name, media in (_TABLE_NAMES if form in ("SELECT", "ASK") else _GRAPH_NAMES).items():
        seen.setdefault(media, name)
    return {name: media for media, name in seen.items()}


def requested_format(form: str, values: list[str]) -> str | None:
    """The media type the first understood ?format= value asks for; None when there is none.

    InvalidRequestError (the parameter is at fault, not the Accept header) when values were given and none of them
    fits this form of query.
    """
    if not values:
        return None  # nearly every request: the Accept header chooses
    names = _names(form)
    for value in values:
        if value.strip().lower() in names:
            return names[value.strip().lower()]
    raise InvalidRequestError(
        f"{form} results are not offered as {', '.join(repr(v) for v in values)}; "
        f"ask for one of: {', '.join(result_formats(form))}"
    )
