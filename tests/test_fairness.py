"""Fairness: heavy queries cannot take every worker, a client that hangs up frees its worker at once,
one client cannot queue without limit, and a query does not wait for a worker without limit.

Heavy queries are heavy by construction (a three-way cross product of the graph runs for minutes) and the
time limit is 60 s, so every assertion about "long before the limit" has a margin of tens of seconds.
The attacker connects from 127.0.0.1, the other client from 127.0.0.2 (another address on loopback).
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlencode, urlsplit

import httpx
import pytest

from server import RunningServer, serving

LIMIT = 60  # the query time limit of these servers, in seconds
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(?i != {n}) }}"
RESULTS = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def busy_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """Two general workers and the default quick lane; a client may have three queries in flight."""
    with serving(
        tmp_path_factory.mktemp("fairness"),
        "--query-workers",
        "2",
        "--query-timeout",
        str(LIMIT),
        env={"IKG_CLIENT_QUERIES": "3"},
    ) as running:
        yield running


@pytest.fixture(scope="module")
def single_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One worker, no quick lane, and a queue that waits at most 3 s for it."""
    with serving(
        tmp_path_factory.mktemp("single"),
        "--query-workers",
        "1",
        "--query-timeout",
        str(LIMIT),
        env={"IKG_QUICK_WORKERS": "0", "IKG_QUEUE_TIMEOUT": "3"},
    ) as running:
        yield running


def status(server: RunningServer) -> dict:
    return httpx.get(server.base + "status", headers={"Accept": "application/json"}, timeout=30).json()


def wait_for(server: RunningServer, condition, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if condition(status(server)):
            return
        time.sleep(0.1)
    raise AssertionError(f"never happened within 60 s: {what}; status: {status(server)}")


def send_query(server: RunningServer, query: str) -> socket.socket:
    """A query sent from 127.0.0.1 on a raw connection that stays open until the test closes it."""
    url = urlsplit(server.base)
    body = urlencode({"query": query}).encode()
    connection = socket.create_connection((url.hostname, url.port), source_address=("127.0.0.1", 0))
    head = (
        f"POST /sparql HTTP/1.1\r\nHost: {url.netloc}\r\nAccept: application/sparql-results+json\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    connection.sendall(head.encode() + body)
    return connection


@contextlib.contextmanager
def heavy_queries(server: RunningServer, count: int) -> Iterator[list[socket.socket]]:
    """`count` distinct heavy queries in flight; closing their connections at the end frees the workers."""
    connections = [send_query(server, HEAVY.format(n=f"{time.monotonic_ns()}{i}")) for i in range(count)]
    try:
        yield connections
    finally:
        for connection in connections:
            connection.close()
        wait_for(server, lambda s: s["query_workers_busy"] == 0 and s["queries_waiting"] == 0, "workers freed")


def other_client() -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=2 * LIMIT)


def test_a_short_query_is_answered_while_more_heavy_queries_run_than_there_are_workers(
    busy_server: RunningServer,
) -> None:
    with heavy_queries(busy_server, 3) as connections:
        wait_for(busy_server, lambda s: s["query_workers_busy"] == 2 and s["queries_waiting"] >= 1, "all busy")
        started = time.monotonic()
        with other_client() as client:
            answer = client.post(busy_server.endpoint, data={"query": "ASK { ?s ?p 'fair-1' }"}, headers=RESULTS)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"head": {}, "boolean": False}
        assert time.monotonic() - started < LIMIT / 2
        for connection in connections:  # the heavy queries are all still running: none was answered
            connection.setblocking(False)
            with pytest.raises(BlockingIOError):
                connection.recv(1)


def test_a_client_with_too_many_queries_at_once_is_told_to_retry_later(busy_server: RunningServer) -> None:
    with heavy_queries(busy_server, 3):
        wait_for(busy_server, lambda s: s["query_workers_busy"] == 2 and s["queries_waiting"] >= 1, "all busy")
        refused = httpx.post(busy_server.endpoint, data={"query": "ASK { ?s ?p 'fair-2' }"}, headers=RESULTS)
    assert refused.status_code == 429
    assert "3 queries from this address are already running" in refused.text
    assert int(refused.headers["Retry-After"]) > 0


def test_a_client_that_hangs_up_frees_its_worker_at_once(single_server: RunningServer) -> None:
    connection = send_query(single_server, HEAVY.format(n=1))
    wait_for(single_server, lambda s: s["query_workers_busy"] == 1, "the heavy query running")
    connection.close()
    started = time.monotonic()
    with other_client() as client:
        answer = client.post(single_server.endpoint, data={"query": "ASK { ?s ?p 'fair-3' }"}, headers=RESULTS)
    assert answer.status_code == 200, answer.text
    assert time.monotonic() - started < LIMIT / 2


def test_a_query_waiting_longer_than_the_queue_limit_is_refused_with_retry_after(
    single_server: RunningServer,
) -> None:
    with heavy_queries(single_server, 1):
        wait_for(single_server, lambda s: s["query_workers_busy"] == 1, "the heavy query running")
        with other_client() as client:
            refused = client.post(single_server.endpoint, data={"query": "ASK { ?s ?p 'fair-4' }"}, headers=RESULTS)
    assert refused.status_code == 503
    assert "all 1 query workers stayed busy for 3 s" in refused.text
    assert int(refused.headers["Retry-After"]) > 0


def test_workers_recover_in_full_after_the_heavy_queries_are_gone(busy_server: RunningServer) -> None:
    with heavy_queries(busy_server, 3):
        wait_for(busy_server, lambda s: s["query_workers_busy"] == 2, "all busy")
    wait_for(busy_server, lambda s: s["query_workers"] == 2, "both general workers back")
    answers = [
        httpx.post(busy_server.endpoint, data={"query": f"ASK {{ ?s ?p {i} }}"}, headers=RESULTS) for i in range(3)
    ]
    assert [a.status_code for a in answers] == [200, 200, 200]
