"""Memory has a budget: a query that passes its worker's memory limit is stopped with a clear error and a
fresh worker, and the result cache stays within its bytes however many distinct large results it sees."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from server import RunningServer, serving

RESULTS = {"Accept": "application/sparql-results+json"}
MEMORY_MB = 200
CACHE_BYTES = 1_000_000
# 26 doubling steps: the last string is 2^26 times the first literal, gigabytes from an 866-byte query.
DOUBLING = "SELECT (STRLEN(?x26) AS ?n) WHERE {{ ?s ?p ?x0 FILTER(isLiteral(?x0)) {binds} }}".format(
    binds=" ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(26))
)
# Every pair of predicates of the graph, about 14 million, joined into one string of over a gigabyte.
CROSS_CONCAT = "SELECT (GROUP_CONCAT(CONCAT(STR(?p), STR(?q))) AS ?all) WHERE { ?a ?p ?o . ?b ?q ?r }"


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with serving(
        tmp_path_factory.mktemp("limits"),
        "--query-workers",
        "1",
        "--query-timeout",
        "120",
        env={"IKG_WORKER_MEMORY_MB": str(MEMORY_MB), "IKG_CACHE_BYTES": str(CACHE_BYTES)},
    ) as running:
        yield running


def ask(server: RunningServer, query: str) -> httpx.Response:
    return httpx.post(server.endpoint, data={"query": query}, headers=RESULTS, timeout=300)


def cache_bytes(server: RunningServer) -> int:
    return httpx.get(server.base + "status", headers={"Accept": "application/json"}).json()["result_cache_bytes"]


@pytest.mark.parametrize("query", [DOUBLING, CROSS_CONCAT], ids=["doubling-concat", "group-concat-cross-product"])
def test_a_query_past_the_worker_memory_limit_is_stopped_with_a_message_naming_the_limit(
    limited_server: RunningServer, query: str
) -> None:
    answer = ask(limited_server, query)
    assert answer.status_code == 503
    assert answer.text.strip() == (
        f"query stopped: the query needed more than the memory limit of {MEMORY_MB} MB; narrow the query or add a LIMIT"
    )


def test_a_fresh_worker_answers_after_a_query_passed_the_memory_limit(limited_server: RunningServer) -> None:
    assert ask(limited_server, DOUBLING).status_code == 503
    answer = ask(limited_server, "ASK { ?s ?p ?o }")
    assert answer.status_code == 200
    assert answer.json()["boolean"] is True


def test_the_result_cache_stays_within_its_byte_budget(limited_server: RunningServer) -> None:
    sizes = []
    for offset in range(60):
        answer = ask(
            limited_server, f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} ORDER BY ?s ?p ?o LIMIT 250 OFFSET {offset}"
        )
        assert answer.status_code == 200
        sizes.append(len(answer.content))
    assert sum(sizes) > 2 * CACHE_BYTES  # the premise: the results together are well over the budget
    assert max(sizes) < CACHE_BYTES // 16  # and each one small enough to be cached
    assert CACHE_BYTES // 2 < cache_bytes(limited_server) <= CACHE_BYTES


def test_a_result_larger_than_a_sixteenth_of_the_cache_is_answered_but_not_cached(
    limited_server: RunningServer,
) -> None:
    before = cache_bytes(limited_server)
    answer = ask(limited_server, "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 2000")
    assert answer.status_code == 200
    assert len(answer.content) > CACHE_BYTES // 16
    assert cache_bytes(limited_server) == before
