"""Pages are built off the event loop: while clients hammer resource pages and a query page whose result is
far larger than its table, /health and a cached query keep answering.

The hammering is heavy by construction: the query page's result is tens of megabytes, which a page built on
the loop would parse on every request, blocking every other request for its whole duration.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from conftest import BASE

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
BIG_ROWS = 60_000  # some 25 MB of SPARQL JSON from the real graph's cross product
BIG_QUERY = f"SELECT * WHERE {{ ?s ?p ?o . ?a ?b ?c }} LIMIT {BIG_ROWS}"
CACHED_QUERY = "ASK {}"
PAGE_CLIENTS = 6
QUERY_PAGE_CLIENTS = 3
PROBES = 15
# Far above what /health takes on a loaded machine (milliseconds), far below what it waits behind a loop that
# parses a 25 MB result per query page request.
PROBE_BOUND = 3.0


@pytest.fixture(scope="module")
def roomy_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A real `ikg serve` over the real graph with the default result cap and a long time limit."""
    from server import serving

    # Every client here is 127.0.0.1: the per-client limit is lifted, this suite is about the event loop.
    with serving(
        tmp_path_factory.mktemp("page-load"),
        "--query-timeout",
        "120",
        "--query-workers",
        "2",
        env={"IKG_CLIENT_QUERIES": "1000"},
    ) as running:
        yield running


def _resource_pages(server) -> list[str]:  # type: ignore[no-untyped-def]
    pages = []
    for listing in ("measures", "organisations", "programmes"):
        items = httpx.get(f"{server.base}{listing}", params={"format": "json"}, timeout=120).json()["items"]
        pages += [item["iri"].replace(BASE, server.base) for item in items]
    return [f"{page}?lang={lang}" for lang in ("de", "en") for page in pages]


class Hammer:
    """Clients fetching pages in a loop until stopped, each response timed."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.answered: list[tuple[float, int]] = []  # (time the response arrived, status)
        self._lock = threading.Lock()

    def client(self, urls: Iterator[str]) -> None:
        with httpx.Client(timeout=180, headers={"Accept": BROWSER}) as client:
            for url in urls:
                if self.stop.is_set():
                    return
                status = client.get(url).status_code
                with self._lock:
                    self.answered.append((time.monotonic(), status))

    def answered_between(self, start: float, end: float) -> int:
        return sum(start <= at <= end for at, _status in self.answered)


def _forever(urls: list[str], offset: int) -> Iterator[str]:
    n = offset
    while True:
        yield urls[n % len(urls)]
        n += 1


def _probe(server) -> list[float]:  # type: ignore[no-untyped-def]
    latencies = []
    with httpx.Client(timeout=180) as client:
        for _ in range(PROBES):
            for url, params in ((f"{server.base}health", {}), (server.endpoint, {"query": CACHED_QUERY})):
                began = time.monotonic()
                assert client.get(url, params=params).status_code == 200
                latencies.append(time.monotonic() - began)
            time.sleep(0.05)
    return latencies


def test_health_and_a_cached_query_answer_while_pages_are_hammered(roomy_server) -> None:  # type: ignore[no-untyped-def]
    pages = _resource_pages(roomy_server)
    big = f"{roomy_server.endpoint}?{httpx.QueryParams({'query': BIG_QUERY})}"
    httpx.get(roomy_server.endpoint, params={"query": CACHED_QUERY})
    # The big result evaluated once, so that every query page below is page building, not query evaluation.
    assert httpx.get(big, headers={"Accept": BROWSER}, timeout=180).status_code == 200
    hammer = Hammer()
    threads = [threading.Thread(target=hammer.client, args=(_forever(pages, i * 37),)) for i in range(PAGE_CLIENTS)]
    threads += [threading.Thread(target=hammer.client, args=(_forever([big], 0),)) for _ in range(QUERY_PAGE_CLIENTS)]
    for thread in threads:
        thread.start()
    try:
        deadline = time.monotonic() + 60
        while len(hammer.answered) < 2 * len(threads) and time.monotonic() < deadline:
            time.sleep(0.05)
        began = time.monotonic()
        latencies = _probe(roomy_server)
        ended = time.monotonic()
    finally:
        hammer.stop.set()
        for thread in threads:
            thread.join(timeout=300)
    assert hammer.answered_between(began, ended) > 0, "the probes must run while pages are being built"
    assert max(latencies) < PROBE_BOUND, sorted(latencies)[-5:]
    assert {status for _at, status in hammer.answered} == {200}


def test_a_result_far_above_the_row_cap_shows_its_first_rows_and_links_the_download(roomy_server) -> None:  # type: ignore[no-untyped-def]
    text = httpx.get(roomy_server.endpoint, params={"query": BIG_QUERY}, headers={"Accept": BROWSER}, timeout=180).text
    assert f"{BIG_ROWS} Zeilen – angezeigt werden die ersten 500" in text
    assert text.count("<tr><td>") == 500
    assert 'download="result.csv"' in text


def test_the_page_cache_is_bounded_in_bytes() -> None:
    from ikg.web.views.page_work import PageCache

    cache = PageCache(budget=1000, largest=400)
    for n in range(10):
        cache.put(n, b"x" * 300)
    cache.put("too large", b"x" * 401)
    assert cache.size <= 1000
    assert cache.get(9) is not None
    assert cache.get(0) is None
    assert cache.get("too large") is None
