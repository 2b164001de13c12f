"""SPARQLWrapper, the client many researchers use, against the real endpoint."""

from __future__ import annotations

import csv
import io

import pytest
import rdflib
from SPARQLWrapper import CSV, JSON, JSONLD, N3, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from conftest import on_each_backend

# Every test of this suite runs against the embedded store and against an external Oxigraph server.
server = on_each_backend("server", "embedded_server", "external_server")

SELECT = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?f ?label "
    "WHERE { ?f a ?class ; skos:notation ?n ; skos:prefLabel ?label "
    "FILTER(STRENDS(STR(?class), '/def/ikg#ActionField') && LANG(?label) = 'de') } ORDER BY ?n"
)


def _client(server, query: str, return_format: str) -> SPARQLWrapper:  # type: ignore[no-untyped-def]
    client = SPARQLWrapper(server.endpoint)
    client.setQuery(query)
    client.setReturnFormat(return_format)
    return client


def test_select_as_json(server) -> None:  # type: ignore[no-untyped-def]
    result = _client(server, SELECT, JSON).queryAndConvert()
    labels = [b["label"]["value"] for b in result["results"]["bindings"]]
    assert labels[0] == "Sprache / Sprachförderung"
    assert len(labels) == 8


def test_select_as_xml(server) -> None:  # type: ignore[no-untyped-def]
    document = _client(server, SELECT, XML).queryAndConvert()
    literals = [node.firstChild.data for node in document.getElementsByTagName("literal")]
    assert "Gesundheit" in literals


def test_select_as_csv(server) -> None:  # type: ignore[no-untyped-def]
    rows = list(csv.DictReader(io.StringIO(_client(server, SELECT, CSV).queryAndConvert().decode())))
    assert rows[4]["label"] == "Gesundheit"


def test_select_as_tsv(server) -> None:  # type: ignore[no-untyped-def]
    text = _client(server, SELECT, TSV).queryAndConvert().decode()
    assert text.splitlines()[0] == "?f\t?label"
    assert '"Gesundheit"@de' in text


def test_ask(server) -> None:  # type: ignore[no-untyped-def]
    assert _client(server, "ASK { ?s ?p ?o }", JSON).queryAndConvert()["boolean"] is True


@pytest.mark.parametrize("return_format", [TURTLE, XML, JSONLD, N3])
def test_construct(server, return_format: str) -> None:  # type: ignore[no-untyped-def]
    query = f"CONSTRUCT WHERE {{ <{server.base}id/measure/cafe-welt> ?p ?o }}"
    converted = _client(server, query, return_format).queryAndConvert()
    graph = (
        converted
        if isinstance(converted, rdflib.Graph)
        else rdflib.Graph().parse(data=converted, format={TURTLE: "turtle", JSONLD: "json-ld", N3: "n3"}[return_format])
    )
    assert (rdflib.URIRef(f"{server.base}id/measure/cafe-welt"), None, None) in graph


def test_describe(server) -> None:  # type: ignore[no-untyped-def]
    graph = _client(server, f"DESCRIBE <{server.base}id/organisation/mawka>", XML).queryAndConvert()
    assert (rdflib.URIRef(f"{server.base}id/organisation/mawka"), None, None) in graph


def test_syntax_error_raises_query_bad_formed(server) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(QueryBadFormed):
        _client(server, "SELECT ?x WHERE { ?x ", JSON).query()


def test_post_method(server) -> None:  # type: ignore[no-untyped-def]
    client = _client(server, SELECT, JSON)
    client.setMethod("POST")
    assert len(client.queryAndConvert()["results"]["bindings"]) == 8
