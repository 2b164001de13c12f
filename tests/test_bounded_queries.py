"""The rule that lets a query skip the killable workers: only queries cheap by construction qualify."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ikg.query.bounded_queries import Pattern, lookup_patterns, work_bound

EX = "http://example.org/"
LOOKUP = f"SELECT ?p ?o WHERE {{ <{EX}a> ?p ?o }}"


@pytest.mark.parametrize(
    "query",
    [
        "ASK {}",
        LOOKUP,
        f"CONSTRUCT {{ <{EX}a> ?p ?o }} WHERE {{ <{EX}a> ?p ?o }}",
        f"CONSTRUCT WHERE {{ <{EX}a> ?p ?o }}",
        f"PREFIX ex: <{EX}> SELECT DISTINCT * WHERE {{ ?s a ex:C ; ex:p ?o , ?o2 . OPTIONAL {{ ?o ex:q ?z }} }}"
        " ORDER BY ?s LIMIT 10 OFFSET 5",
        f"SELECT * {{ {{ <{EX}a> ?p ?o }} UNION {{ ?s ?p <{EX}a> }} }}",
        f'SELECT ?p {{ <{EX}a> ?p "Wert"@de }} # a comment with {{ ?s ?p ?o }} in it',
    ],
)
def test_lookups_built_from_triple_patterns_naming_an_iri_are_of_the_cheap_kind(query: str) -> None:
    assert lookup_patterns(query) is not None


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p ?o }",  # names no IRI: may match the whole graph
        f"SELECT * WHERE {{ <{EX}a> ?p ?o . ?s ?q 'x' }}",  # a literal is not matched exactly here
        f"SELECT * WHERE {{ <{EX}a> ?p ?o FILTER(?o != 1) }}",
        f"SELECT * WHERE {{ <{EX}a> ?p ?o BIND(CONCAT(?o, ?o) AS ?x) }}",
        f"SELECT (COUNT(*) AS ?n) WHERE {{ <{EX}a> ?p ?o }}",
        f"SELECT ?o WHERE {{ <{EX}a> ?p ?o }} GROUP BY ?o",
        f"SELECT * WHERE {{ <{EX}a> <{EX}p>* ?o }}",
        f"SELECT * WHERE {{ <{EX}a> <{EX}p>/<{EX}q> ?o }}",
        f"SELECT * WHERE {{ <{EX}a> ?p [ ?q ?r ] }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ ?s ?p ?o }} }} <{EX}a> ?p ?o }}",
        f"SELECT * WHERE {{ GRAPH ?g {{ <{EX}a> ?p ?o }} }}",
        f"SELECT * FROM <{EX}g> WHERE {{ <{EX}a> ?p ?o }}",
        f"SELECT * WHERE {{ <{EX}a> ?p ?o }} VALUES ?o {{ 1 }}",
        f"SELECT * WHERE {{ <{EX}a> ?p ?o MINUS {{ ?o ?q ?r }} }}",
        f"DESCRIBE <{EX}a>",
        f"BASE <{EX}> SELECT * WHERE {{ <a> ?p ?o }}",
        "SELECT * WHERE { <a> ?p ?o }",  # relative: resolved by rules this reader does not repeat
        "SELECT * WHERE { ex:a ?p ?o }",  # undeclared prefix
        f"PREFIX ex: <{EX}> PREFIX ex: <http://other.example/> SELECT * WHERE {{ ex:a ?p ?o }}",
        f"PREFIX ex: <{EX}> SELECT * WHERE {{ ex:a\\.b ?p ?o }}",  # an escape in a local name
        f"SELECT * WHERE {{ <{EX}a> ?p ?o }} ORDER BY DESC(?o)",
        "ASK " + "{" * 1000 + "}" * 1000,  # deeper than the endpoint allows, and than Python's recursion
    ],
)
def test_anything_else_is_not_of_the_cheap_kind(query: str) -> None:
    assert lookup_patterns(query) is None


def test_a_refused_word_even_in_a_comment_sends_the_query_to_the_workers() -> None:
    # Found without tokenising; the workers answer such a query the same, only with a round trip more.
    assert lookup_patterns(f"SELECT ?p {{ <{EX}a> ?p ?o }} # no FILTER here") is None


def test_a_pattern_reads_prefixed_names_and_a_as_the_engine_does() -> None:
    patterns = lookup_patterns(f"PREFIX ex: <{EX}> ASK {{ ex:a a ex:C }}")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    assert patterns == (Pattern(ox.NamedNode(f"{EX}a"), rdf_type, ox.NamedNode(f"{EX}C")),)


def _store(subjects: int, statements: int) -> ox.Store:
    store = ox.Store()
    store.extend(
        ox.Quad(ox.NamedNode(f"{EX}s{s}"), ox.NamedNode(f"{EX}p"), ox.Literal(str(n)), ox.NamedNode(f"{EX}g{n % 2}"))
        for s in range(subjects)
        for n in range(statements)
    )
    return store


def test_the_bound_multiplies_the_matches_of_each_pattern_in_every_graph_plus_one() -> None:
    patterns = lookup_patterns(f"SELECT * {{ <{EX}s0> ?p ?o . <{EX}s1> ?q ?r }}")
    assert patterns is not None
    assert work_bound(_store(2, 10), patterns) == 11 * 11


def test_a_join_whose_bound_passes_the_budget_is_not_cheap() -> None:
    patterns = lookup_patterns(f"SELECT * {{ ?a <{EX}p> ?o . ?b <{EX}p> ?r }}")
    assert patterns is not None
    assert work_bound(_store(8, 10), patterns) is None  # 81 × 81 passes the budget of 4,096


def test_a_bound_equal_to_the_budget_is_cheap_and_one_past_it_is_not() -> None:
    patterns = lookup_patterns(f"SELECT * {{ ?a <{EX}p> ?o }}")
    assert patterns is not None
    store = _store(100, 10)  # 1,000 matches: a bound of 1,001
    assert work_bound(store, patterns, budget=1001) == 1001
    assert work_bound(store, patterns, budget=1000) is None
