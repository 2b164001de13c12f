"""/.well-known/void: the VoID description, its figures equal to what SPARQL counts on the endpoint."""

from __future__ import annotations

import httpx
import pytest
import rdflib
from rdflib import RDF, Namespace, URIRef

VOID = Namespace("http://rdfs.org/ns/void#")


@pytest.fixture(scope="module")
def void(server) -> rdflib.Graph:  # type: ignore[no-untyped-def]
    response = httpx.get(server.base + ".well-known/void")
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    return rdflib.Graph().parse(data=response.text, format="turtle")


def _count(server, query: str) -> int:  # type: ignore[no-untyped-def]
    rows = httpx.get(server.endpoint, params={"query": query}).json()["results"]["bindings"]
    return int(rows[0]["n"]["value"])


def _dataset(server) -> URIRef:  # type: ignore[no-untyped-def]
    return URIRef(server.base + "catalog#knowledge-graph")


def test_the_void_dataset_is_the_catalogue_dataset(server, void) -> None:  # type: ignore[no-untyped-def]
    assert (_dataset(server), RDF.type, VOID.Dataset) in void
    assert void.value(_dataset(server), VOID.sparqlEndpoint) == URIRef(server.endpoint)
    assert void.value(_dataset(server), VOID.uriSpace) == rdflib.Literal(server.base + "id/")


def test_every_dump_is_a_data_dump(server, void) -> None:  # type: ignore[no-untyped-def]
    dumps = {str(d) for d in void.objects(_dataset(server), VOID.dataDump)}
    assert server.base + "downloads/ikg.nt.gz" in dumps
    for dump in dumps:
        assert httpx.head(dump).status_code == 200


@pytest.mark.parametrize(
    ("figure", "query"),
    [
        (VOID.triples, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
        (VOID.classes, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }"),
        (VOID.properties, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }"),
        (VOID.distinctSubjects, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
        (VOID.distinctObjects, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"),
    ],
)
def test_figures_equal_sparql_counts(server, void, figure, query: str) -> None:  # type: ignore[no-untyped-def]
    assert int(void.value(_dataset(server), figure)) == _count(server, query)


def test_entities_are_the_resources_of_the_uri_space(server, void) -> None:  # type: ignore[no-untyped-def]
    query = f'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{server.base}id/")) }}'
    assert int(void.value(_dataset(server), VOID.entities)) == _count(server, query)


def test_class_partitions_count_instances(server, void) -> None:  # type: ignore[no-untyped-def]
    partitions = list(void.objects(_dataset(server), VOID.classPartition))
    assert len(partitions) == int(void.value(_dataset(server), VOID.classes))
    for partition in partitions:
        cls = void.value(partition, VOID["class"])
        query = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{cls}> }}"
        assert int(void.value(partition, VOID.entities)) == _count(server, query), cls


def test_property_partitions_count_triples(server, void) -> None:  # type: ignore[no-untyped-def]
    partitions = list(void.objects(_dataset(server), VOID.propertyPartition))
    assert len(partitions) == int(void.value(_dataset(server), VOID.properties))
    for partition in partitions[:20]:
        prop = void.value(partition, VOID.property)
        assert int(void.value(partition, VOID.triples)) == _count(
            server, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{prop}> ?o }}"
        ), prop


def test_each_named_graph_is_a_subset_with_its_size(server, void) -> None:  # type: ignore[no-untyped-def]
    subsets = list(void.objects(_dataset(server), VOID.subset))
    assert URIRef(server.base + "graph/measures") in subsets
    for subset in subsets:
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{subset}> {{ ?s ?p ?o }} }}"
        assert int(void.value(subset, VOID.triples)) == _count(server, query), subset


def test_the_service_description_links_to_void(server) -> None:  # type: ignore[no-untyped-def]
    description = rdflib.Graph().parse(
        data=httpx.get(server.endpoint, headers={"Accept": "text/turtle"}).text, format="turtle"
    )
    assert URIRef(server.base + ".well-known/void") in set(description.objects(None, rdflib.RDFS.seeAlso))


def test_void_in_other_formats(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.base + ".well-known/void", headers={"Accept": "application/ld+json"})
    assert response.headers["content-type"] == "application/ld+json"
    assert httpx.get(server.base + ".well-known/void.rdf").headers["content-type"] == "application/rdf+xml"
