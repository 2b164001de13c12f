"""The one table of RDF formats: name, media type, file suffix and serializer, read by dumps, CLI and HTTP."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox


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
