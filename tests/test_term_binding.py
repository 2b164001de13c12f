"""Writing a named query's term parameters into its text: where each occurrence goes, and when VALUES stays."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from ikg.sparql.named_queries import NamedQuery, parse

IRI = "https://ikg.example/x"
RESOURCE = f"# param v: iri = {IRI} | a resource"


def _query(tmp_path: Path, body: str, params: str = RESOURCE) -> NamedQuery:
    path = tmp_path / "q.rq"
    path.write_text(f"# title@en: q\n{params}\n{body}\n", encoding="utf-8")
    return parse(path)


def _parses(query: str) -> bool:
    try:
        ox.Store().query(query)
    except SyntaxError:
        return False
    return True


def test_a_variable_in_a_string_an_iri_or_a_comment_stays_as_written(tmp_path: Path) -> None:
    body = 'SELECT ?s WHERE { ?s <https://ikg.example/v> ?v FILTER(?s != "?v") } # ?v'
    bound = _query(tmp_path, body).bind({})
    assert bound.endswith(f'SELECT ?s WHERE {{ ?s <https://ikg.example/v> <{IRI}> FILTER(?s != "?v") }} # ?v\n')


def test_an_item_of_the_outer_select_keeps_its_column(tmp_path: Path) -> None:
    bound = _query(tmp_path, "SELECT ?v ?o WHERE { ?v ?p ?o }").bind({})
    assert f"SELECT (<{IRI}> AS ?v) ?o WHERE {{ <{IRI}> ?p ?o }}" in bound
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(IRI), ox.NamedNode(IRI), ox.Literal("o")))
    assert [row["v"] for row in store.query(bound)] == [ox.NamedNode(IRI)]  # type: ignore[index, union-attr]


def test_group_by_and_order_by_items_become_constants(tmp_path: Path) -> None:
    body = "SELECT ?v (COUNT(?o) AS ?n) WHERE { ?v ?p ?o } GROUP BY ?v ORDER BY ?v DESC(?v)"
    bound = _query(tmp_path, body).bind({})
    assert f"GROUP BY (<{IRI}>) ORDER BY (<{IRI}>) DESC(<{IRI}>)" in bound
    assert _parses(bound)


def test_a_subquery_that_does_not_project_the_parameter_keeps_its_own_variable(tmp_path: Path) -> None:
    body = "SELECT ?o WHERE { ?x ?p ?v { SELECT ?x WHERE { ?x ?q ?v } } }"
    assert f"{{ ?x ?p <{IRI}> {{ SELECT ?x WHERE {{ ?x ?q ?v }} }} }}" in _query(tmp_path, body).bind({})


def test_a_subquery_that_projects_the_parameter_leaves_it_out_and_takes_the_term(tmp_path: Path) -> None:
    body = "SELECT ?x WHERE { { SELECT ?x ?v WHERE { ?x ?p ?v } GROUP BY ?x ?v } }"
    bound = _query(tmp_path, body).bind({})
    assert f"{{ SELECT ?x  WHERE {{ ?x ?p <{IRI}> }} GROUP BY ?x (<{IRI}>) }}" in bound
    assert _parses(bound)


def test_a_dollar_variable_is_the_same_parameter(tmp_path: Path) -> None:
    assert f"{{ <{IRI}> ?p ?o }}" in _query(tmp_path, "SELECT ?o WHERE { $v ?p ?o }").bind({})


@pytest.mark.parametrize(
    "body",
    [
        "SELECT ?s WHERE { ?s ?p ?o BIND(?o AS ?v) }",
        "SELECT ?s (STR(?s) AS ?v) WHERE { ?s ?p ?o }",
        "SELECT ?s WHERE { ?s ?p ?o VALUES ?v { <https://ikg.example/y> } }",
        "SELECT ?s WHERE { ?s ?p ?o VALUES (?o ?v) { (1 2) } }",
    ],
)
def test_a_query_that_binds_its_parameter_is_refused_naming_the_file(tmp_path: Path, body: str) -> None:
    with pytest.raises(ValueError, match=r"q\.rq: the query binds \?v itself and also takes it as a parameter"):
        _query(tmp_path, body)


@pytest.mark.parametrize(
    "body",
    [
        "SELECT * WHERE { ?v ?p ?o }",
        "DESCRIBE * WHERE { ?v ?p ?o }",
        "SELECT ?s WHERE { ?s ?p ?o MINUS { ?s ?p ?v } }",
        "SELECT ?o WHERE { { SELECT ?v ?o WHERE { ?v ?p ?o } LIMIT 1 } }",
        "SELECT ?n WHERE { { SELECT (COUNT(?v) AS ?n) WHERE { ?v ?p ?o } } }",
        "SELECT ?o WHERE { ?s ?p ?o FILTER(?o<?v&&?s>?o) }",
    ],
)
def test_a_construct_that_writing_in_could_change_keeps_a_values_block_and_says_why(tmp_path: Path, body: str) -> None:
    query = _query(tmp_path, body)
    assert query.values_reason
    bound = query.bind({})
    assert f"# Bound by VALUES, not written in: {query.values_reason}\n    VALUES (?v) {{ (<{IRI}>) }}" in bound


def test_a_string_where_only_an_iri_may_stand_keeps_a_values_block(tmp_path: Path) -> None:
    query = _query(tmp_path, "SELECT ?s WHERE { ?s ?v ?o }", "# param v: string = a | a string")
    assert "no SPARQL" in (query.values_reason or "")
    assert 'VALUES (?v) { ("a") }' in query.bind({})


def test_an_integer_placeholder_in_a_string_value_stays_part_of_the_value(tmp_path: Path) -> None:
    params = "# param text: string = a | a text\n# param limit: integer = 20 | rows"
    query = _query(tmp_path, "SELECT ?s WHERE { ?s ?p ?text } LIMIT ${limit}", params)
    bound = query.bind({"text": "${limit}"})
    assert bound.endswith('SELECT ?s WHERE { ?s ?p "${limit}" } LIMIT 20\n')


def test_a_binding_header_keeps_a_values_block_with_its_reason(tmp_path: Path) -> None:
    params = f"{RESOURCE}\n# binding: values | the store plans worse with it written in"
    bound = _query(tmp_path, "SELECT ?o WHERE { ?v ?p ?o }", params).bind({})
    assert "# Bound by VALUES, not written in: the store plans worse with it written in" in bound
    assert f"VALUES (?v) {{ (<{IRI}>) }}" in bound


def test_a_binding_header_without_a_reason_is_refused_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"q\.rq: '# binding:' takes 'values \| why"):
        _query(tmp_path, "SELECT ?o WHERE { ?v ?p ?o }", f"{RESOURCE}\n# binding: values")
