"""What the endpoint reads in a query before running it, and that reading it costs the service nothing else.

The text comes from anyone: an unterminated string, a megabyte-long link or a thousand nested groups must be
answered with a clear 4xx while every other request goes on being answered.
"""

from __future__ import annotations

import concurrent.futures

import httpx
import pytest

from ikg.sparql.sparql_text import MAX_NESTING, MAX_QUERY_CHARS, keywords, nesting_depth, shape

TOKENIZER_BOMB = 'SELECT * WHERE { ?s ?p "' + '\\"' * 24_000


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * { ?s ?p "SERVICE" }',
        "SELECT * { ?s ?p <http://example.org/SERVICE> }",
        "SELECT * { # SERVICE <http://example.org/>\n ?s ?p ?o }",
        "PREFIX service: <http://example.org/> SELECT * { ?s service:SERVICE ?o }",
        "SELECT ?SERVICE { ?SERVICE ?p ?o }",
        'SELECT * { ?s ?p """SERVICE\n<x> { } """ }',
    ],
)
def test_service_inside_strings_iris_comments_names_and_variables_is_not_federation(query: str) -> None:
    assert not shape(query).uses_service


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * { ?s ?p ?o.SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "select * { service silent <http://example.org/sparql> { ?s ?p ?o } }",
    ],
)
def test_service_as_a_keyword_is_federation(query: str) -> None:
    assert shape(query).uses_service


def test_an_unterminated_string_runs_to_the_end_of_its_line() -> None:
    assert keywords('SELECT * { ?s ?p "open SERVICE\nFROM') == ["SELECT", "FROM"]


def test_an_unterminated_long_string_runs_to_the_end_of_the_text() -> None:
    assert keywords("SELECT * { ?s ?p '''open\nSERVICE") == ["SELECT"]


def test_a_language_tag_and_the_tail_of_a_number_are_not_keywords() -> None:
    assert keywords('ASK { ?s ?p "x"@from . ?s ?p 1e5 }') == ["ASK"]


def test_nesting_counts_groups_expressions_and_brackets_but_not_inside_strings() -> None:
    assert nesting_depth('SELECT * { { ?s ?p [ ?q (1) ] } FILTER(?x = "{{{{") }') == 4


def test_a_query_nested_deeper_than_the_limit_is_refused_before_any_store(server) -> None:  # type: ignore[no-untyped-def]
    query = "SELECT * WHERE " + "{" * 1000 + "}" * 1000
    answer = httpx.post(server.endpoint, data={"query": query}, timeout=60)
    assert answer.status_code == 400
    assert f"the limit is {MAX_NESTING}" in answer.text


def test_a_query_at_the_nesting_limit_is_run(server) -> None:  # type: ignore[no-untyped-def]
    query = "ASK " + "{" * MAX_NESTING + "}" * MAX_NESTING
    answer = httpx.post(
        server.endpoint, data={"query": query}, headers={"Accept": "application/sparql-results+json"}, timeout=60
    )
    assert answer.status_code == 200


def test_a_query_longer_than_the_limit_is_refused_with_413(server) -> None:  # type: ignore[no-untyped-def]
    query = "ASK { } #" + "x" * MAX_QUERY_CHARS
    answer = httpx.post(
        server.endpoint, content=query, headers={"Content-Type": "application/sparql-query"}, timeout=60
    )
    assert answer.status_code == 413
    assert f"the limit is {MAX_QUERY_CHARS:,}" in answer.text


def test_an_unterminated_string_bomb_is_a_syntax_error(server) -> None:  # type: ignore[no-untyped-def]
    # This text once kept the server from answering anything for over a minute.
    answer = httpx.post(server.endpoint, data={"query": TOKENIZER_BOMB}, timeout=60)
    assert answer.status_code == 400
    assert "syntax error" in answer.text


def test_a_query_link_longer_than_the_url_limit_is_refused_with_advice_to_post(server) -> None:  # type: ignore[no-untyped-def]
    # Any web page can make a visitor's browser send such a link; it once stalled the server for a minute.
    query = "ASK { ?s ?p ?o } #" + "x" * 64_000
    answer = httpx.get(server.endpoint, params={"query": query}, timeout=60)
    assert answer.status_code == 414
    assert "POST" in answer.text


def test_health_answers_while_long_hostile_queries_are_being_read(server) -> None:  # type: ignore[no-untyped-def]
    # Each text is as slow to scan as a text of its length can be (one token per character); the helper
    # process reads them one after another, so the last one finishes long after /health could answer.
    hostile = [f"ASK {{}} # {n}\n" + "(" * (MAX_QUERY_CHARS - 20) for n in range(6)]
    with concurrent.futures.ThreadPoolExecutor(len(hostile)) as pool, httpx.Client(timeout=300) as client:
        attacks = [pool.submit(client.post, server.endpoint, data={"query": q}) for q in hostile]
        # Once the first is answered, the others have arrived and wait for the helper process.
        concurrent.futures.wait(attacks, return_when=concurrent.futures.FIRST_COMPLETED)
        health = client.get(server.base + "health")
        still_running = sum(not attack.done() for attack in attacks)
        statuses = [attack.result().status_code for attack in attacks]
    assert health.status_code == 200
    assert still_running > 0
    assert set(statuses) == {400}
