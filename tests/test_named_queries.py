"""The named queries: listed, documented, runnable in every format, and safe against hostile values."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest

from ikg.rdf.iris import CANONICAL_BASE, BaseRewriter
from ikg.sparql.named_queries import ParameterError, load_all
from ikg.sparql.sparql_text import shape

from conftest import ROOT, on_each_backend

# Every test of this suite runs against the embedded store and against an external Oxigraph server.
server = on_each_backend("server", "embedded_server", "external_server")

QUERIES = load_all(ROOT / "queries")


def test_every_query_file_has_titles_in_german_and_english() -> None:
    for query in QUERIES.values():
        for lang in ("de", "en"):
            assert query.titles.get(lang), f"{query.name}: no title@{lang}"
            assert query.descriptions.get(lang), f"{query.name}: no description@{lang}"


def test_the_readme_names_every_query() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [name for name in QUERIES if f"| `{name}` |" not in readme] == []


def test_an_include_of_a_missing_fragment_names_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "broken.rq").write_text("# title@en: Broken\nSELECT * WHERE {\n    #include nowhere\n}\n")
    with pytest.raises(ValueError, match=r"broken.rq, line 3: there is no fragment fragments/nowhere.rq"):
        load_all(tmp_path)


def test_an_included_fragment_is_part_of_the_served_text() -> None:
    text = QUERIES["current-measures"].bind({})
    assert "#include" not in text
    assert "?isCurrent" in text


def test_the_competency_questions_are_all_there() -> None:
    assert set(QUERIES) >= {
        "measures-serving-goal",
        "unserved-goals",
        "measures-per-action-field",
        "measures-of-organisation",
        "measures-funded-by-programme",
        "trace-field-goal-measure-operator",
        "label-search",
        "measures-page",
        "report-edition-contents",
        "resource-description",
    }


def test_list_as_json(server) -> None:  # type: ignore[no-untyped-def]
    listed = httpx.get(server.base + "queries", headers={"Accept": "application/json"}).json()["queries"]
    assert {q["name"] for q in listed} == set(QUERIES)
    goal = next(q for q in listed if q["name"] == "measures-serving-goal")
    assert goal["parameters"][0]["type"] == "iri"
    assert goal["parameters"][0]["default"].startswith(server.base)


def test_list_as_html(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.base + "queries", headers={"Accept": "text/html"})
    assert response.headers["content-type"].startswith("text/html")
    assert "Ziele, denen keine Maßnahme dient" in response.text


NEED_TWO_EDITIONS = {"compare-editions", "compare-goal-coverage"}


@pytest.mark.parametrize("name", sorted(NEED_TWO_EDITIONS))
def test_the_comparison_queries_find_changes_between_two_editions(controlling_server, name: str) -> None:  # type: ignore[no-untyped-def]
    editions = {
        "from": controlling_server.base + "id/report/k-bericht-2023",
        "to": controlling_server.base + "id/report/k-bericht-2024",
    }
    response = httpx.get(f"{controlling_server.base}queries/{name}", params=editions)
    assert response.json()["results"]["bindings"]


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_each_query_runs_with_its_defaults(server, name: str) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(f"{server.base}queries/{name}")
    assert response.status_code == 200, response.text
    if name in NEED_TWO_EDITIONS:
        # The real graph has one report edition; compared with itself nothing changes.
        assert response.json()["results"]["bindings"] == []
    elif response.headers["content-type"].startswith("application/sparql-results+json"):
        body = response.json()
        assert body["results"]["bindings"], f"{name} returned no rows on the real graph"
    else:
        assert len(response.text) > 100


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_a_query_in_each_table_format(server, fmt: str) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(f"{server.base}queries/unserved-goals", params={"format": fmt})
    assert response.status_code == 200
    assert "chancengleichheit" in response.text


def test_measures_serving_a_goal_answers_the_question(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(
        f"{server.base}queries/measures-serving-goal", params={"goal": f"{server.base}id/goal/hf-b-leitziel-3"}
    )
    measures = [b["measure"]["value"] for b in response.json()["results"]["bindings"]]
    assert measures == [f"{server.base}id/measure/arbeitsgruppe-integrationsprojekte-kita-schule"]


def test_paging_returns_the_asked_slice(server) -> None:  # type: ignore[no-untyped-def]
    first = httpx.get(f"{server.base}queries/measures-page", params={"limit": "5", "offset": "0"}).json()
    second = httpx.get(f"{server.base}queries/measures-page", params={"limit": "5", "offset": "5"}).json()
    assert len(first["results"]["bindings"]) == 5
    assert first["results"]["bindings"][0] != second["results"]["bindings"][0]


@pytest.mark.parametrize(
    "text",
    [
        '") } UNION { ?resource ?p ?label } #',
        "'; DROP ALL; #",
        '" } } SELECT * WHERE { ?s ?p ?o } #',
        "<script>alert(1)</script>",
        "a\nb\r\u0000c",
    ],
)
def test_hostile_text_is_only_ever_a_value(server, text: str) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(f"{server.base}queries/label-search", params={"text": text})
    assert response.status_code == 200
    assert response.json()["results"]["bindings"] == []


@pytest.mark.parametrize("value", ["> } ?s ?p ?o { <x", "javascript:alert(1)", "not an iri", "http://x/a b"])
def test_hostile_iri_is_refused(server, value: str) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(f"{server.base}queries/measures-serving-goal", params={"goal": value})
    assert response.status_code == 400


@pytest.mark.parametrize("value", ["1; DROP ALL", "-1", "10001", "1e3", "0x10"])
def test_hostile_integer_is_refused(server, value: str) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(f"{server.base}queries/measures-page", params={"limit": value})
    assert response.status_code == 400


def test_hostile_language_is_refused(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(f"{server.base}queries/label-search", params={"lang": 'de") || true || ("'})
    assert response.status_code == 400


def test_unknown_parameter_is_400(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(f"{server.base}queries/unserved-goals", params={"goal": "x"})
    assert response.status_code == 400
    assert "unknown parameter" in response.text


def test_openapi_documents_every_named_query_with_its_parameters(server) -> None:  # type: ignore[no-untyped-def]
    schema = httpx.get(server.base + "openapi.json").json()
    for name, query in QUERIES.items():
        operation = schema["paths"][f"/queries/{name}"]["get"]
        documented = {p["name"] for p in operation["parameters"]}
        assert {p.name for p in query.parameters} | {"format"} == documented


def test_binding_writes_the_escaped_term_into_the_text() -> None:
    bound = QUERIES["label-search"].bind({"text": 'x" } #'})
    assert 'LCASE("x\\" } #")' in bound
    assert "VALUES" not in bound


def test_every_named_query_takes_its_terms_written_in_unless_its_header_says_why() -> None:
    declared = {name for name in QUERIES if "\n# binding: values |" in (ROOT / "queries" / f"{name}.rq").read_text()}
    assert {name for name, q in QUERIES.items() if q.values_reason} == declared


def test_a_query_that_keeps_values_but_has_no_where_clause_cannot_take_parameters(tmp_path: Path) -> None:
    path = tmp_path / "broken.rq"
    path.write_text("# title@en: broken\n# param x: string = a | x\nASK { ?s ?p ?x MINUS { ?s ?p ?x } }\n")
    with pytest.raises(ParameterError):
        load_all(tmp_path)["broken"].bind({})


def _answer(server, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The answer as sorted lines, blank nodes unnamed: comparable between two queries."""
    graph = shape(query).form in ("CONSTRUCT", "DESCRIBE")
    accept = "application/n-triples" if graph else "application/sparql-results+json"
    response = httpx.post(server.endpoint, data={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    if graph:
        return sorted(re.sub(r"_:\S+", "_:b", line) for line in response.text.splitlines())
    rows = response.json()["results"]["bindings"]
    return sorted(json.dumps(row, sort_keys=True) for row in rows)


@pytest.mark.parametrize("name", sorted(n for n, q in QUERIES.items() if q.parameters))
def test_terms_written_in_give_the_answer_of_a_values_block(embedded_server, name: str) -> None:  # type: ignore[no-untyped-def]
    # On one backend: both run the same engine, and the answer depends on the query's text alone.
    named = load_all(ROOT / "queries", BaseRewriter(CANONICAL_BASE, embedded_server.base))[name]
    written = _answer(embedded_server, named.bind({}))
    assert written == _answer(embedded_server, named.bind_with_values({}))
    assert written or name in NEED_TWO_EDITIONS, f"{name} compared on an empty answer"


@pytest.mark.parametrize("name", sorted(NEED_TWO_EDITIONS))
def test_terms_written_in_compare_two_editions_as_a_values_block_does(controlling_server, name: str) -> None:  # type: ignore[no-untyped-def]
    named = load_all(ROOT / "queries", BaseRewriter(CANONICAL_BASE, controlling_server.base))[name]
    editions = {
        "from": controlling_server.base + "id/report/k-bericht-2023",
        "to": controlling_server.base + "id/report/k-bericht-2024",
    }
    written = _answer(controlling_server, named.bind(editions))
    assert written
    assert written == _answer(controlling_server, named.bind_with_values(editions))
