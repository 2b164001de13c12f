"""The VoID description of the knowledge graph (/.well-known/void): where it is, what it holds, in numbers.

The dataset IRI is the catalogue's, so DCAT and VoID speak of one thing. Every figure comes from the build's
statistics, counted over the union of the named graphs: what the endpoint's default graph holds.
"""

from __future__ import annotations

import pyoxigraph as ox

from .catalogue import DCT, FOAF, RDF_TYPE, XSD, iris
from .manifest import Statistics
from .statistics import uri_space

VOID = "http://rdfs.org/ns/void#"
# The vocabularies the graph's terms come from, with the namespace IRIs VoID names them by.
VOCABULARIES = (
    "http://www.w3.org/ns/org#",
    "http://www.w3.org/2004/02/skos/core#",
    "http://purl.org/dc/terms/",
    "http://www.w3.org/ns/prov#",
    "http://schema.org/",
    "http://xmlns.com/foaf/0.1/",
    "http://www.w3.org/ns/dcat#",
)


def describe(base: str, statistics: Statistics, dumps: list[dict]) -> list[ox.Triple]:
    dataset = ox.NamedNode(iris(base)["graph"])
    triples: list[ox.Triple] = []

    def add(
        subject: ox.NamedNode | ox.BlankNode, predicate: str, value: ox.NamedNode | ox.Literal | ox.BlankNode
    ) -> None:
        triples.append(ox.Triple(subject, ox.NamedNode(predicate), value))

    def count(subject: ox.NamedNode | ox.BlankNode, predicate: str, number: int) -> None:
        add(subject, VOID + predicate, ox.Literal(str(number), datatype=ox.NamedNode(XSD + "integer")))

    add(dataset, RDF_TYPE, ox.NamedNode(VOID + "Dataset"))
    add(dataset, DCT + "title", ox.Literal("Integrations-Wissensgraph Leverkusen", language="de"))
    add(dataset, DCT + "title", ox.Literal("Integration knowledge graph Leverkusen", language="en"))
    add(dataset, FOAF + "homepage", ox.NamedNode(base))
    add(dataset, VOID + "sparqlEndpoint", ox.NamedNode(f"{base}sparql"))
    for dump in dumps:
        add(dataset, VOID + "dataDump", ox.NamedNode(f"{base}downloads/{dump['file']}"))
    add(dataset, VOID + "uriSpace", ox.Literal(uri_space(base)))
    add(dataset, VOID + "rootResource", ox.NamedNode(f"{base}id/concept/integrationskonzept-2017"))
    for vocabulary in (f"{base}def/ikg#", *VOCABULARIES):
        add(dataset, VOID + "vocabulary", ox.NamedNode(vocabulary))
    count(dataset, "triples", statistics["triples"])
    count(dataset, "entities", statistics["entities"])
    count(dataset, "classes", len(statistics["classes"]))
    count(dataset, "properties", len(statistics["properties"]))
    count(dataset, "distinctSubjects", statistics["distinct_subjects"])
    count(dataset, "distinctObjects", statistics["distinct_objects"])
    # Partitions as named blank nodes, so the same statistics always give the same document.
    for number, (cls, instances) in enumerate(statistics["classes"].items()):
        partition = ox.BlankNode(f"class{number}")
        add(dataset, VOID + "classPartition", partition)
        add(partition, VOID + "class", ox.NamedNode(cls))
        count(partition, "entities", instances)
    for number, (prop, uses) in enumerate(statistics["properties"].items()):
        partition = ox.BlankNode(f"property{number}")
        add(dataset, VOID + "propertyPartition", partition)
        add(partition, VOID + "property", ox.NamedNode(prop))
        count(partition, "triples", uses)
    for graph, size in statistics["graphs"].items():
        subset = ox.NamedNode(graph)
        add(dataset, VOID + "subset", subset)
        add(subset, RDF_TYPE, ox.NamedNode(VOID + "Dataset"))
        count(subset, "triples", size)
        add(subset, VOID + "sparqlEndpoint", ox.NamedNode(f"{base}sparql"))
    return triples
