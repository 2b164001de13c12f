"""The vocabulary at its namespace IRI: all its terms as RDF, or one documentation page for people."""

from __future__ import annotations

from dataclasses import dataclass

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from ...rdf.rdf_bridge import language


@dataclass
class Term:
    name: str
    iri: str
    kind: str
    labels: dict[str, str]
    definitions: dict[str, str]
    parents: list[str]
    domain: str | None
    range: str | None
    example: str | None


def vocabulary_query(base: str) -> str:
    """Every statement of the vocabulary graph about the ontology and its terms."""
    return (
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{base}graph/vocabulary> {{ ?s ?p ?o }} "
        f'FILTER(STRSTARTS(STR(?s), "{base}def/ikg")) }}'
    )


def terms(vocabulary_nt: bytes, base: str) -> tuple[dict[str, str], list[Term]]:
    graph = rdflib.Graph().parse(data=vocabulary_nt, format="nt")
    ontology = rdflib.URIRef(f"{base}def/ikg")
    header = {
        str(p).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        + (f"@{tag}" if (tag := getattr(o, "language", None)) else ""): str(o)
        for p, o in graph.predicate_objects(ontology)
    }
    found = []
    for subject in sorted({s for s in graph.subjects(RDF.type, None) if str(s).startswith(f"{base}def/ikg#")}, key=str):
        types = set(graph.objects(subject, RDF.type))
        kind = "class" if OWL.Class in types or RDFS.Class in types else "property"
        found.append(
            Term(
                name=str(subject).rsplit("#", 1)[1],
                iri=str(subject),
                kind=kind,
                labels={str(language(o)): str(o) for o in graph.objects(subject, RDFS.label)},
                definitions={str(language(o)): str(o) for o in graph.objects(subject, SKOS.definition)},
                parents=sorted(str(o) for o in graph.objects(subject, RDFS.subClassOf))
                + sorted(str(o) for o in graph.objects(subject, RDFS.subPropertyOf)),
                domain=str(graph.value(subject, RDFS.domain)) if graph.value(subject, RDFS.domain) else None,
                range=str(graph.value(subject, RDFS.range)) if graph.value(subject, RDFS.range) else None,
                example=str(graph.value(subject, SKOS.example)) if graph.value(subject, SKOS.example) else None,
            )
        )
    return header, found
