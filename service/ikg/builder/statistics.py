"""Counts of the built graph: per class of the domain, per named graph, and partitions for VoID."""

from __future__ import annotations

import pyoxigraph as ox

from ..rdf.iris import CANONICAL_BASE, vocabulary_namespace
from ..rdf.oxigraph_types import select
from .manifest import Statistics

# What the build reports and the home page shows, in this order.
DOMAIN_CLASSES = {
    "measures": "{ikg}Measure",
    "organisations": "http://www.w3.org/ns/org#Organization",
    "funding_programmes": "{ikg}FundingProgramme",
    "action_fields": "{ikg}ActionField",
    "goals": "{ikg}Goal",
    "overall_goals": "{ikg}OverallGoal",
    "places": "http://purl.org/dc/terms/Location",
    "reports": "http://schema.org/Report",
}

_PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_CLASS_PARTITIONS = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"
_PROPERTY_PARTITIONS = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"
_TOTALS = """SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
    WHERE { ?s ?p ?o }"""
# VoID's entities: the resources of the dataset's URI space (what /id/ dereferences).
_ENTITIES = """SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{space}")) }}"""


def uri_space(base: str) -> str:
    return f"{base}id/"


def compute(store: ox.Store) -> Statistics:
    """Statistics of the union of all named graphs (what the endpoint's default graph holds)."""

    def pairs(query: str) -> dict[str, int]:
        rows = select(store, query, use_default_graph_as_union=True)
        return {row[0].value: int(row[1].value) for row in rows}

    classes = pairs(_CLASS_PARTITIONS)
    union = {"use_default_graph_as_union": True}
    totals = next(iter(select(store, _TOTALS, **union)))
    ikg = vocabulary_namespace()
    return {
        "quads": len(store),
        "triples": int(totals["triples"].value),
        "distinct_subjects": int(totals["subjects"].value),
        "distinct_objects": int(totals["objects"].value),
        "entities": int(next(iter(select(store, _ENTITIES.format(space=uri_space(CANONICAL_BASE)), **union)))[0].value),
        "domain": {key: classes.get(iri.format(ikg=ikg), 0) for key, iri in DOMAIN_CLASSES.items()},
        "graphs": dict(sorted(pairs(_PER_GRAPH).items())),
        "classes": dict(sorted(classes.items())),
        "properties": dict(sorted(pairs(_PROPERTY_PARTITIONS).items())),
    }
