"""Every output says how each statement is known: triple formats assert only sourced statements and give
the marked ones (uncertain, inferred, editorial) as reified statements with level, reason and author;
formats with named graphs keep every statement in its graph."""

from __future__ import annotations

import gzip

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from SPARQLWrapper import SPARQLWrapper

from conftest import RESOURCE_KINDS, on_each_backend, run_ikg

server = on_each_backend("server", "embedded_server", "external_server")

RUCKSACK = "id/measure/rucksack-und-griffbereit"
MARKED = ("uncertain", "inferred", "editorial")
LEVEL_OF_GRAPH = {"uncertain": "unsicher", "inferred": "abgeleitet", "editorial": "redaktionell"}
QUAD_FORMATS = {"trig": "application/trig", "nq": "application/n-quads"}
# The 166,414 inhabitants "[uncertain; Wikipedia mirror]" (dossier section 6): an observation wholly uncertain.
UNCERTAIN_OBSERVATION = "id/observation/population-leverkusen-2023-12-31"
KINDS = [RUCKSACK, *RESOURCE_KINDS, "project/dossier", UNCERTAIN_OBSERVATION]


def _ns(server, name: str) -> rdflib.Namespace:  # type: ignore[no-untyped-def]
    return rdflib.Namespace(f"{server.base}{name}")


def _quads(server, path: str) -> list[ox.Quad]:  # type: ignore[no-untyped-def]
    response = httpx.get(f"{server.base}{path}.nq")
    assert response.status_code == 200
    return list(ox.parse(response.content, format=ox.RdfFormat.N_QUADS))


def _marked_statements_about(server, path: str) -> list[ox.Quad]:  # type: ignore[no-untyped-def]
    """The statements with the resource as subject that stand only in a marked graph."""
    quads = _quads(server, path)
    subject = ox.NamedNode(server.base + path)
    graph_of = {q.graph_name.value.rsplit("/", 1)[-1] for q in quads}  # type: ignore[union-attr]
    assert "evidence" in graph_of
    sourced = {q.triple for q in quads if q.graph_name.value.rsplit("/", 1)[-1] not in (*MARKED, "evidence")}  # type: ignore[union-attr]
    return [
        q
        for q in quads
        if q.subject == subject and q.graph_name.value.rsplit("/", 1)[-1] in MARKED and q.triple not in sourced  # type: ignore[union-attr]
    ]


def _as_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> rdflib.term.Node:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.Literal):
        return rdflib.Literal(term.value, lang=term.language, datatype=None if term.language else term.datatype.value)
    return rdflib.BNode()


def test_rdflib_default_parse_of_a_measure_gives_every_marked_statement_its_level_reason_and_author(server) -> None:  # type: ignore[no-untyped-def]
    ikg, rdf = _ns(server, "def/ikg#"), rdflib.RDF
    graph = rdflib.Graph().parse(server.base + RUCKSACK)
    marked = _marked_statements_about(server, RUCKSACK)
    assert marked, "the measure has marked statements to check"
    for quad in marked:
        wanted = LEVEL_OF_GRAPH[quad.graph_name.value.rsplit("/", 1)[-1]]  # type: ignore[union-attr]
        statements = [
            st
            for st in graph.subjects(rdf.subject, rdflib.URIRef(quad.subject.value))
            if graph.value(st, rdf.predicate) == rdflib.URIRef(quad.predicate.value)
            and (isinstance(quad.object, ox.BlankNode) or graph.value(st, rdf.object) == _as_rdflib(quad.object))
        ]
        assert statements, f"{quad} is not given as a reified statement"
        statement = statements[0]
        assert graph.value(statement, ikg.evidence) == rdflib.URIRef(f"{server.base}def/evidence/{wanted}"), quad
        assert graph.value(statement, ikg.reason) is not None, quad
        assert graph.value(statement, rdflib.PROV.wasAttributedTo) is not None, quad


def test_rdflib_default_parse_of_a_measure_asserts_only_sourced_statements(server) -> None:  # type: ignore[no-untyped-def]
    graph = rdflib.Graph().parse(server.base + RUCKSACK)
    subject = rdflib.URIRef(server.base + RUCKSACK)
    for quad in _marked_statements_about(server, RUCKSACK):
        if isinstance(quad.object, ox.BlankNode):
            continue
        plain = (subject, rdflib.URIRef(quad.predicate.value), _as_rdflib(quad.object))
        assert plain not in graph, f"{quad} is stated as a plain fact"


def test_the_dereferenced_turtle_of_rucksack_states_no_operator_as_a_plain_fact(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.base + RUCKSACK, headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    operator = _ns(server, "def/ikg#").operator
    assert list(graph.objects(rdflib.URIRef(server.base + RUCKSACK), operator)) == []
    assert list(graph.subjects(rdflib.RDF.predicate, operator)), "the operator is there in reified form"


def test_the_turtle_dump_states_no_operator_of_rucksack_as_a_plain_fact(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(f"{server.base}downloads/ikg.ttl.gz")
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=gzip.decompress(response.content), format="turtle")
    ikg = _ns(server, "def/ikg#")
    assert list(graph.objects(rdflib.URIRef(server.base + RUCKSACK), ikg.operator)) == []
    reified = [s for s in graph.subjects(rdflib.RDF.subject, rdflib.URIRef(server.base + RUCKSACK))]
    assert any(graph.value(s, rdflib.RDF.predicate) == ikg.operator for s in reified)


def test_an_uncertain_observation_is_stated_in_turtle_only_in_reified_form(server) -> None:  # type: ignore[no-untyped-def]
    iri = rdflib.URIRef(server.base + UNCERTAIN_OBSERVATION)
    graph = rdflib.Graph().parse(data=httpx.get(f"{iri}.ttl").text, format="turtle")
    assert list(graph.predicate_objects(iri)) == []
    levels = {graph.value(s, _ns(server, "def/ikg#").evidence) for s in graph.subjects(rdflib.RDF.subject, iri)}
    assert rdflib.URIRef(f"{server.base}def/evidence/unsicher") in levels  # its label is the editors' own


def test_a_construct_answer_gives_a_marked_statement_in_reified_form(server) -> None:  # type: ignore[no-untyped-def]
    client = SPARQLWrapper(server.endpoint)
    client.setQuery(
        f"CONSTRUCT {{ ?m ?p ?o }} WHERE {{ BIND(<{server.base}{RUCKSACK}> AS ?m) "
        f"?m ?p ?o FILTER(?p = <{server.base}def/ikg#operator>) }}"
    )
    graph = client.queryAndConvert()
    assert isinstance(graph, rdflib.Graph)
    ikg = _ns(server, "def/ikg#")
    assert list(graph.objects(None, ikg.operator)) == []
    statement = next(graph.subjects(rdflib.RDF.predicate, ikg.operator))
    assert graph.value(statement, ikg.evidence) == rdflib.URIRef(f"{server.base}def/evidence/unsicher")


@pytest.mark.parametrize("path", KINDS)
@pytest.mark.parametrize("suffix", QUAD_FORMATS)
def test_every_kind_of_iri_answers_its_named_graphs_by_suffix(server, path: str, suffix: str) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(f"{server.base}{path}.{suffix}")
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == QUAD_FORMATS[suffix]
    quads = list(ox.parse(response.content, format=ox.RdfFormat.from_media_type(QUAD_FORMATS[suffix])))
    subject = ox.NamedNode(server.base + path)
    assert any(q.subject == subject and q.graph_name != ox.DefaultGraph() for q in quads)


@pytest.mark.parametrize("path", KINDS)
@pytest.mark.parametrize("media", QUAD_FORMATS.values())
def test_every_kind_of_iri_answers_its_named_graphs_by_negotiation(server, path: str, media: str) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.base + path, headers={"Accept": media})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    suffix = next(s for s, m in QUAD_FORMATS.items() if m == media)
    assert response.headers["content-location"] == f"{server.base}{path}.{suffix}"


def test_json_ld_of_an_iri_keeps_each_statement_in_its_named_graph(server) -> None:  # type: ignore[no-untyped-def]
    dataset = rdflib.Dataset().parse(f"{server.base}{RUCKSACK}.jsonld", format="json-ld")
    names = {str(g.identifier).rsplit("/", 1)[-1] for g in dataset.graphs() if len(g)}
    assert {"measures", "uncertain", "editorial", "evidence"} <= names


def test_a_reified_statement_has_a_stable_iri_that_dereferences(server) -> None:  # type: ignore[no-untyped-def]
    graph = rdflib.Graph().parse(server.base + RUCKSACK)
    statement = next(graph.subjects(rdflib.RDF.predicate, _ns(server, "def/ikg#").operator))
    assert str(statement).startswith(f"{server.base}id/statement/")
    described = rdflib.Graph().parse(str(statement))
    assert (statement, rdflib.RDF.type, rdflib.RDF.Statement) in described


def test_the_page_of_a_measure_shows_the_reason_of_an_uncertain_statement(server) -> None:  # type: ignore[no-untyped-def]
    graph = rdflib.Graph().parse(server.base + RUCKSACK)
    ikg = _ns(server, "def/ikg#")
    statement = next(graph.subjects(rdflib.RDF.predicate, ikg.operator))
    reason = next(r for r in graph.objects(statement, ikg.reason) if r.language == "de")
    page = httpx.get(server.base + RUCKSACK, headers={"Accept": "text/html", "Accept-Language": "de"})
    assert str(reason) in page.text.replace("&#34;", '"').replace("&#39;", "'")


# --- the build ----------------------------------------------------------------------------------------


def _built_quads(server) -> list[ox.Quad]:  # type: ignore[no-untyped-def]
    response = httpx.get(f"{server.base}downloads/ikg.nq.gz")
    return list(ox.parse(gzip.decompress(response.content), format=ox.RdfFormat.N_QUADS))


def _key(subject: object, predicate: object, obj: object) -> tuple[object, object, object]:
    return (subject, predicate, "blank" if isinstance(obj, ox.BlankNode) else obj)


def test_every_uncertain_and_inferred_statement_has_a_reason_and_an_attribution(server) -> None:  # type: ignore[no-untyped-def]
    quads = _built_quads(server)
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    by_node: dict[object, dict[str, list[object]]] = {}
    for q in quads:
        if q.graph_name.value.endswith("/graph/evidence"):  # type: ignore[union-attr]
            by_node.setdefault(q.subject, {}).setdefault(q.predicate.value, []).append(q.object)
    # A blank-node object (a period) is copied into the evidence graph: match those by subject and predicate.
    reified = {
        _key(parts[f"{rdf}subject"][0], parts[f"{rdf}predicate"][0], parts[f"{rdf}object"][0]): parts
        for parts in by_node.values()
        if f"{rdf}subject" in parts
    }
    sourced = {q.triple for q in quads if q.graph_name.value.rsplit("/", 1)[-1] not in (*MARKED, "evidence")}  # type: ignore[union-attr]
    checked = 0
    for q in quads:
        name = q.graph_name.value.rsplit("/", 1)[-1]  # type: ignore[union-attr]
        if name not in ("uncertain", "inferred") or not isinstance(q.subject, ox.NamedNode) or q.triple in sourced:
            continue
        parts = reified.get(_key(q.subject, q.predicate, q.object))
        assert parts is not None, f"{q} has no reified statement"
        assert parts.get(f"{server.base}def/ikg#reason"), f"{q} has no reason"
        assert parts.get("http://www.w3.org/ns/prov#wasAttributedTo"), f"{q} has no attribution"
        assert parts.get("http://www.w3.org/ns/prov#wasDerivedFrom"), f"{q} is not derived from the dossier"
        checked += 1
    assert checked > 0


def test_an_uncertain_statement_without_a_reason_fails_the_check_naming_its_file(project) -> None:  # type: ignore[no-untyped-def]
    (project / "graph" / "t-unbegruendet.trig").write_text(
        "@prefix g: <https://ikg.example/leverkusen/graph/> .\n"
        "@prefix m: <https://ikg.example/leverkusen/id/measure/> .\n"
        "@prefix dct: <http://purl.org/dc/terms/> .\n"
        'g:uncertain { m:cafe-welt dct:date "1999"^^<http://www.w3.org/2001/XMLSchema#gYear> . }\n',
        encoding="utf-8",
    )
    result = run_ikg("validate", "--root", str(project))
    assert result.returncode != 0
    assert "keine Begründung" in result.stdout + result.stderr
    assert "dct:date" in result.stdout + result.stderr


def test_a_reason_written_next_to_an_uncertain_statement_reaches_the_evidence_graph(project, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (project / "graph" / "t-begruendet.trig").write_text(
        "@prefix g: <https://ikg.example/leverkusen/graph/> .\n"
        "@prefix m: <https://ikg.example/leverkusen/id/measure/> .\n"
        "@prefix dct: <http://purl.org/dc/terms/> .\n"
        "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
        "@prefix ikg: <https://ikg.example/leverkusen/def/ikg#> .\n"
        "g:uncertain {\n"
        '    m:cafe-welt dct:date "1999"^^<http://www.w3.org/2001/XMLSchema#gYear> .\n'
        "    [] a rdf:Statement ; rdf:subject m:cafe-welt ; rdf:predicate dct:date ;\n"
        '        ikg:reason "Nur zum Test: ein Jahr ohne Beleg."@de .\n'
        "}\n",
        encoding="utf-8",
    )
    result = run_ikg("build", "--root", str(project), "--dist", str(tmp_path / "dist"))
    assert result.returncode == 0, result.stdout + result.stderr
    quads = list(ox.parse(gzip.decompress((tmp_path / "dist" / "ikg.nq.gz").read_bytes()), format=ox.RdfFormat.N_QUADS))
    reasons = [q for q in quads if q.predicate.value.endswith("def/ikg#reason") and "Nur zum Test" in str(q.object)]
    assert len(reasons) == 1
    assert reasons[0].graph_name.value.endswith("/graph/evidence")  # type: ignore[union-attr]
    uncertain = [q for q in quads if q.graph_name.value.endswith("/graph/uncertain")]  # type: ignore[union-attr]
    assert not any(q.predicate.value.endswith("#reason") for q in uncertain), "the note leaves the data graph"
