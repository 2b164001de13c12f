"""Every resource IRI of the graph dereferences: RDF by content negotiation, variants, 404, 304."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import rdflib
from rdflib.compare import isomorphic

from conftest import RESOURCE_KINDS as KINDS
from conftest import on_each_backend

# Every test of this suite runs against the embedded store and against an external Oxigraph server.
server = on_each_backend("server", "embedded_server", "external_server")

SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
NAMES = (
    rdflib.SKOS.prefLabel,
    rdflib.DCTERMS.title,
    rdflib.FOAF.name,
)
FORMATS = {
    "text/turtle": "turtle",
    "application/trig": "trig",
    "application/n-quads": "nquads",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
}
WITH_GRAPHS = ("trig", "nquads", "json-ld")


def _resources(server) -> list[str]:  # type: ignore[no-untyped-def]
    # Every subject in our namespace but the vocabulary's hash terms, which its own document describes, and
    # the reified statements, which have no type or label of their own (test_evidence_outputs covers them).
    query = (
        f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{server.base}") '
        f'&& !STRSTARTS(STR(?s), "{server.base}def/") && !STRSTARTS(STR(?s), "{server.base}id/statement/")) }}'
    )
    rows = httpx.get(server.endpoint, params={"query": query}).json()["results"]["bindings"]
    return sorted(row["s"]["value"] for row in rows)


def test_every_resource_iri_parses_with_rdflib(server) -> None:  # type: ignore[no-untyped-def]
    resources = _resources(server)
    assert len(resources) > 250
    # Three at a time, as a crawler would (within the four queries one client may have running): the server's
    # workers answer while rdflib parses, so the run takes what the slower side needs, not the sum of both.
    with ThreadPoolExecutor(max_workers=3) as pool:
        complete = dict(zip(resources, pool.map(_typed_and_named, resources), strict=True))
    missing = [iri for iri in resources if not complete[iri]]
    assert missing == []


def _typed_and_named(iri: str) -> bool:
    """Whether rdflib's default parse of the IRI gives it a type and a name, plainly or as a reified statement
    (a type or label only the editors give is there too, reified: see test_evidence_outputs)."""
    graph = rdflib.Graph().parse(iri)
    subject = rdflib.URIRef(iri)
    return _stated(graph, subject, (rdflib.RDF.type,)) and _stated(graph, subject, NAMES)


def _stated(graph: rdflib.Graph, subject: rdflib.URIRef, predicates: tuple[rdflib.URIRef, ...]) -> bool:
    plain = any(graph.objects(subject, p) for p in predicates)
    statements = graph.subjects(rdflib.RDF.subject, subject)
    reified = any(graph.value(s, rdflib.RDF.predicate) in predicates for s in statements)
    return plain or reified


@pytest.mark.parametrize("path", KINDS)
@pytest.mark.parametrize("accept", FORMATS)
def test_content_negotiation_for_each_kind_of_resource(server, path: str, accept: str) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.base + path, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    if FORMATS[accept] in WITH_GRAPHS:
        dataset = rdflib.Dataset().parse(data=response.content, format=FORMATS[accept])
        assert any((rdflib.URIRef(server.base + path), None, None) in g for g in dataset.graphs())
    else:
        graph = rdflib.Graph().parse(data=response.content, format=FORMATS[accept])
        assert (rdflib.URIRef(server.base + path), None, None) in graph


@pytest.mark.parametrize(
    ("suffix", "media"),
    [
        ("ttl", "text/turtle"),
        ("trig", "application/trig"),
        ("nq", "application/n-quads"),
        ("jsonld", "application/ld+json"),
        ("rdf", "application/rdf+xml"),
        ("nt", "application/n-triples"),
    ],
)
def test_variant_url_answers_its_format_whatever_the_accept(server, suffix: str, media: str) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(f"{server.base}id/measure/cafe-welt.{suffix}", headers={"Accept": "text/turtle"})
    assert response.headers["content-type"].split(";")[0] == media


def test_negotiated_answer_names_its_document_and_links_all_variants(server) -> None:  # type: ignore[no-untyped-def]
    iri = f"{server.base}id/measure/cafe-welt"
    response = httpx.get(iri, headers={"Accept": "application/ld+json"})
    assert response.headers["content-location"] == f"{iri}.jsonld"
    assert "Accept" in response.headers["vary"]
    for suffix in ("ttl", "trig", "nq", "jsonld", "rdf", "nt"):
        assert f'<{iri}.{suffix}>; rel="alternate"' in response.headers["link"]


def test_rdflib_default_accept_gets_rdf(server) -> None:  # type: ignore[no-untyped-def]
    accept = "application/rdf+xml, text/n3, text/turtle, application/n-triples, application/ld+json"
    response = httpx.get(f"{server.base}id/organisation/mawka", headers={"Accept": accept})
    assert response.headers["content-type"].split(";")[0] in FORMATS


def test_head_has_the_headers_and_no_body(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.head(f"{server.base}id/measure/cafe-welt", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.content == b""
    assert int(response.headers["content-length"]) > 1000
    assert response.headers["content-type"].startswith("text/turtle")


def test_unknown_iri_is_404(server) -> None:  # type: ignore[no-untyped-def]
    assert httpx.get(f"{server.base}id/measure/gibt-es-nicht").status_code == 404


@pytest.mark.parametrize("path", ["id/measure/%3Cscript%3E", "id/measure/a%20b", 'id/x">y', "id/measure/%00"])
def test_hostile_paths_are_404_not_500(server, path: str) -> None:  # type: ignore[no-untyped-def]
    assert httpx.get(server.base + path).status_code in (404, 400)


def test_unsatisfiable_accept_is_406(server) -> None:  # type: ignore[no-untyped-def]
    assert httpx.get(f"{server.base}id/measure/cafe-welt", headers={"Accept": "image/png"}).status_code == 406


def test_revalidation_gives_304(server) -> None:  # type: ignore[no-untyped-def]
    first = httpx.get(f"{server.base}id/place/opladen")
    second = httpx.get(f"{server.base}id/place/opladen", headers={"If-None-Match": first.headers["etag"]})
    assert second.status_code == 304


def test_a_goal_lists_the_measures_that_serve_it(server) -> None:  # type: ignore[no-untyped-def]
    graph = rdflib.Graph().parse(f"{server.base}id/goal/hf-e-mimi-neustart")
    serves = rdflib.URIRef(f"{server.base}def/ikg#servesGoal")
    assert (
        rdflib.URIRef(f"{server.base}id/measure/mimi-gesundheit"),
        serves,
        rdflib.URIRef(f"{server.base}id/goal/hf-e-mimi-neustart"),
    ) in graph


def test_description_carries_the_labels_of_what_it_links_to(server) -> None:  # type: ignore[no-untyped-def]
    graph = rdflib.Graph().parse(f"{server.base}id/measure/cafe-welt")
    operator = rdflib.URIRef(f"{server.base}id/organisation/ev-kirchengemeinde-leverkusen-mitte")
    assert (
        operator,
        SKOS.prefLabel,
        rdflib.Literal("Ev. Kirchengemeinde Leverkusen-Mitte", lang="de"),
    ) in graph


def test_description_is_the_same_as_the_named_query(server) -> None:  # type: ignore[no-untyped-def]
    iri = f"{server.base}id/measure/cafe-welt"
    direct = rdflib.Graph().parse(data=httpx.get(iri, headers={"Accept": "application/n-triples"}).text, format="nt")
    named = httpx.get(f"{server.base}queries/resource-description", params={"resource": iri, "format": "nt"})
    assert isomorphic(direct, rdflib.Graph().parse(data=named.text, format="nt"))


IKG_TERMS = {
    "Measure",
    "ActionField",
    "Goal",
    "OverallGoal",
    "FundingProgramme",
    "IncompleteReference",
    "servesGoal",
    "actionField",
    "operator",
    "partner",
    "status",
    "localUse",
}


def test_vocabulary_dereferences_at_its_namespace_iri_with_every_term(server) -> None:  # type: ignore[no-untyped-def]
    graph = rdflib.Graph().parse(f"{server.base}def/ikg")
    for term in IKG_TERMS:
        iri = rdflib.URIRef(f"{server.base}def/ikg#{term}")
        languages = {label.language for label in graph.objects(iri, rdflib.RDFS.label)}
        assert languages == {"de", "en"}, term
        assert (iri, rdflib.RDFS.isDefinedBy, rdflib.URIRef(f"{server.base}def/ikg")) in graph


def test_vocabulary_page_documents_every_term(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(f"{server.base}def/ikg", headers={"Accept": "text/html"})
    assert response.headers["content-type"].startswith("text/html")
    for term in IKG_TERMS:
        assert f'<section id="{term}">' in response.text
    assert "http://www.w3.org/ns/prov#wasAssociatedWith" in response.text  # the alignment of ikg:operator


def test_vocabulary_page_in_english(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(f"{server.base}def/ikg.html?lang=en")
    assert "<h3>ikg:Measure – Measure</h3>" in response.text


def test_code_list_concepts_dereference(server) -> None:  # type: ignore[no-untyped-def]
    graph = rdflib.Graph().parse(f"{server.base}def/target-group/gefluechtete")
    assert (
        rdflib.URIRef(f"{server.base}def/target-group/gefluechtete"),
        SKOS.prefLabel,
        rdflib.Literal("Geflüchtete", lang="de"),
    ) in graph


@pytest.mark.parametrize(
    "media",
    [
        "text/turtle",
        "application/trig",
        "application/n-quads",
        "application/n-triples",
        "application/ld+json",
        "application/rdf+xml",
    ],
)
def test_unknown_iri_is_404_with_an_empty_graph_in_the_asked_format(server, media: str) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(f"{server.base}id/measure/gibt-es-nicht", headers={"Accept": media})
    assert response.status_code == 404
    assert response.headers["content-type"].split(";")[0] == media
    assert len(rdflib.Graph().parse(data=response.text, format=media)) == 0
