"""The serving process's own lane for cheap queries: it answers while every worker is busy, and it takes only
what `bounded_queries` proves cheap, under the same result size cap.

One server with a single worker and no quick lane, a 60 s time limit and a 3 s queue: while a heavy query
(heavy by construction) holds the worker, anything the workers must answer is refused after 3 s, so an
answer within that time came from the lane. No assertion depends on how fast the machine is.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator

import httpx
import pytest
from test_fairness import LIMIT, RESULTS, heavy_queries, other_client, wait_for

from server import RunningServer, serving

SKOS_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
MAX_RESULT_BYTES = 2_000


@pytest.fixture(scope="module")
def lone_worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with serving(
        tmp_path_factory.mktemp("inline"),
        "--query-workers",
        "1",
        "--query-timeout",
        str(LIMIT),
        env={"IKG_QUICK_WORKERS": "0", "IKG_QUEUE_TIMEOUT": "3", "IKG_MAX_RESULT_BYTES": str(MAX_RESULT_BYTES)},
    ) as running:
        yield running


@contextlib.contextmanager
def worker_held(server: RunningServer) -> Iterator[list[socket.socket]]:
    """The only worker busy with a heavy query for the block's duration."""
    # The worker a previous test's heavy query held is replaced; a query sent before the new one has loaded
    # would wait for it and could be refused after the queue's 3 s instead of running.
    wait_for(server, lambda s: s["query_workers"] == 1 and s["query_workers_busy"] == 0, "a worker ready")
    with heavy_queries(server, 1) as connections:
        wait_for(server, lambda s: s["query_workers_busy"] == 1, "the heavy query running")
        yield connections


def _ask(server: RunningServer, query: str) -> httpx.Response:
    with other_client() as client:
        return client.post(server.endpoint, data={"query": query}, headers=RESULTS)


def test_a_lookup_is_answered_while_the_only_worker_runs_a_heavy_query(lone_worker: RunningServer) -> None:
    organisation = f"{lone_worker.base}id/organisation/mawka"
    with worker_held(lone_worker) as connections:
        answer = _ask(lone_worker, f"SELECT ?label WHERE {{ <{organisation}> <{SKOS_LABEL}> ?label }}")
        assert answer.status_code == 200, answer.text
        assert answer.json()["results"]["bindings"], "the organisation's label"
        connections[0].setblocking(False)
        with pytest.raises(BlockingIOError):  # the heavy query is still running: nothing waited for it
            connections[0].recv(1)


def test_a_lookup_past_the_result_size_cap_is_refused_whole_by_the_lane(lone_worker: RunningServer) -> None:
    measure = f"{lone_worker.base}id/measure/cafe-welt"  # its statements take about 4 KB as JSON
    with worker_held(lone_worker):
        answer = _ask(lone_worker, f"SELECT ?p ?o WHERE {{ <{measure}> ?p ?o }}")
    assert answer.status_code == 413
    assert f"larger than {MAX_RESULT_BYTES:,} bytes" in answer.text


def test_a_lookup_whose_bound_passes_the_budget_waits_for_a_worker(lone_worker: RunningServer) -> None:
    # Hundreds of labels on each side of a cross product: each pattern names an IRI, but the bound is too large.
    query = f"SELECT * WHERE {{ ?a <{SKOS_LABEL}> ?l . ?b <{SKOS_LABEL}> ?m }} LIMIT 1"
    with worker_held(lone_worker):
        refused = _ask(lone_worker, query)
    assert refused.status_code == 503
    assert "all 1 query workers stayed busy for 3 s" in refused.text


def test_a_lookup_with_a_filter_waits_for_a_worker(lone_worker: RunningServer) -> None:
    organisation = f"{lone_worker.base}id/organisation/mawka"
    with worker_held(lone_worker):
        refused = _ask(lone_worker, f"SELECT * WHERE {{ <{organisation}> ?p ?o FILTER(isLiteral(?o)) }}")
    assert refused.status_code == 503
