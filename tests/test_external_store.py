"""ikg in front of an external SPARQL store: publishing into a real Oxigraph server, and what happens when the
store dies, comes back, answers garbage or answers too slowly."""

from __future__ import annotations

import contextlib
import gzip
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pyoxigraph as ox
import pytest

from conftest import ROOT, run_ikg
from server import OxigraphServer, RunningServer, serving, serving_external, start_external


def _store_graphs(store: OxigraphServer) -> dict[str, ox.Dataset]:
    response = httpx.post(
        store.query,
        data={"query": "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/n-triples"},
    )
    assert response.status_code == 200
    names = httpx.post(
        store.query,
        data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"},
    ).json()["results"]["bindings"]
    graphs = {}
    for row in names:
        name = row["g"]["value"]
        body = httpx.post(
            store.query,
            data={"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"},
            headers={"Accept": "application/n-triples"},
        ).content
        graphs[name] = _canonical(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
    return graphs


def _canonical(triples) -> ox.Dataset:  # type: ignore[no-untyped-def]
    dataset = ox.Dataset([ox.Quad(t.subject, t.predicate, t.object) for t in triples])
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return dataset


def _built_graphs(dist: Path) -> dict[str, ox.Dataset]:
    grouped: dict[str, list] = {}
    for quad in ox.parse(gzip.decompress((dist / "ikg.nq.gz").read_bytes()), format=ox.RdfFormat.N_QUADS):
        grouped.setdefault(quad.graph_name.value, []).append(quad.triple)
    return {name: _canonical(triples) for name, triples in grouped.items()}


def _publish(store: OxigraphServer, dist: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return run_ikg("publish", "--store", store.query, "--dist", str(dist), *options)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[OxigraphServer]:
    running = OxigraphServer(tmp_path).start()
    yield running
    running.stop()


# Publishing


MARKER = "https://ikg.example/leverkusen/graph/publication"


def _manifest_graphs(dist: Path) -> dict[str, int]:
    """Each named graph of the build with its size, as the build counted them."""
    return json.loads((dist / "manifest.json").read_text())["statistics"]["graphs"]


def test_what_was_built_is_what_the_store_holds(store: OxigraphServer, tmp_path: Path) -> None:
    result = _publish(store, tmp_path / "dist")
    assert result.returncode == 0, result.stderr
    graphs = _manifest_graphs(tmp_path / "dist")
    assert f"published {sum(graphs.values())} triples in {len(graphs)} named graphs" in result.stdout
    held = _store_graphs(store)
    del held[MARKER]
    assert held == _built_graphs(tmp_path / "dist")


def test_publishing_marks_the_store_with_the_builds_base_and_graph_version(
    store: OxigraphServer, tmp_path: Path
) -> None:
    assert _publish(store, tmp_path / "dist").returncode == 0
    version = json.loads((tmp_path / "dist" / "manifest.json").read_text())["graph_version"]
    marker = (
        f'<{MARKER}> <http://rdfs.org/ns/void#uriSpace> "https://ikg.example/leverkusen/" .\n'
        f'<{MARKER}> <http://www.w3.org/2002/07/owl#versionInfo> "{version}" .\n'
    )
    assert _store_graphs(store)[MARKER] == _canonical(ox.parse(marker, format=ox.RdfFormat.N_TRIPLES))


def test_publishing_replaces_each_graph_whole_and_leaves_others_alone(store: OxigraphServer, tmp_path: Path) -> None:
    assert _publish(store, tmp_path / "dist").returncode == 0
    measures = "https://ikg.example/leverkusen/graph/measures"
    update = (
        f"INSERT DATA {{ GRAPH <{measures}> {{ <urn:x:stale> <urn:x:p> 'left over' }} "
        "GRAPH <urn:x:someone-else> { <urn:x:a> <urn:x:b> 'theirs' } }"
    )
    assert httpx.post(store.query.replace("/query", "/update"), data={"update": update}).status_code == 204
    assert _publish(store, tmp_path / "dist").returncode == 0
    held = _store_graphs(store)
    assert held[measures] == _built_graphs(tmp_path / "dist")[measures]
    assert "urn:x:someone-else" in held


def test_publishing_to_a_dead_store_fails_cleanly(tmp_path: Path) -> None:
    dead = OxigraphServer(tmp_path)  # never started
    result = _publish(dead, tmp_path / "dist")
    assert result.returncode == 1
    assert f"ikg publish: the SPARQL store at 127.0.0.1:{dead.port} went away while loading" in result.stderr


def test_publishing_to_several_stores_names_the_one_that_failed_and_puts_the_build_in_the_others(
    store: OxigraphServer, tmp_path: Path
) -> None:
    dead = OxigraphServer(tmp_path / "never-started")
    result = run_ikg("publish", "--store", dead.query, "--store", store.query, "--dist", str(tmp_path / "dist"))
    assert result.returncode == 1
    assert f"the SPARQL store at 127.0.0.1:{dead.port} went away while loading" in result.stderr
    assert f"the build is in {store.query}" in result.stderr
    held = _store_graphs(store)
    del held[MARKER]
    assert held == _built_graphs(tmp_path / "dist")


def test_a_refused_publish_leaves_the_previous_graphs(store: OxigraphServer, tmp_path: Path) -> None:
    assert _publish(store, tmp_path / "dist").returncode == 0
    before = _store_graphs(store)
    # The query endpoint does not take updates: the store refuses, and nothing it holds changes.
    result = _publish(store, tmp_path / "dist", "--store-update", store.query)
    assert result.returncode == 1
    assert f"ikg publish: the SPARQL store at 127.0.0.1:{store.port} refused the graphs (" in result.stderr
    assert _store_graphs(store) == before


# Faults while serving


@pytest.fixture(scope="module")
def fragile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[OxigraphServer, RunningServer]]:
    with serving_external(tmp_path_factory.mktemp("fragile"), ROOT, "--query-timeout", "2") as both:
        yield both


def test_a_dead_store_is_a_502_within_the_time_limit_and_health_says_so(fragile) -> None:  # type: ignore[no-untyped-def]
    store, served = fragile
    store.stop()
    try:
        started = time.monotonic()
        response = httpx.get(served.endpoint, params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
        assert response.status_code == 502
        assert f"the SPARQL store at 127.0.0.1:{store.port} cannot be reached" in response.text
        assert time.monotonic() - started < 20  # not the 30 s of the client's own timeout: ikg gave up
        health = httpx.get(served.base + "health")
        assert health.status_code == 503
        assert "cannot be reached" in health.json()["store_problem"]
    finally:
        store.start()


def test_ikg_recovers_by_itself_when_the_store_returns(fragile) -> None:  # type: ignore[no-untyped-def]
    store, served = fragile
    store.stop()
    assert httpx.get(served.endpoint, params={"query": "ASK {}"}).status_code == 502
    store.start()
    assert httpx.get(served.endpoint, params={"query": "ASK { ?s ?p ?o }"}).json() == {"head": {}, "boolean": True}
    assert httpx.get(served.base + "health").status_code == 200


class _Misbehaving(BaseHTTPRequestHandler):
    """A 'store' that answers every query the same wrong way, chosen by the server's `answer`."""

    def do_POST(self) -> None:
        form = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        self.server.last_form = parse_qs(form)  # type: ignore[attr-defined]
        status, body, delay = self.server.answer  # type: ignore[attr-defined]
        time.sleep(delay)
        self.send_response(status)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError):  # ikg hung up on a slow answer, as it should
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def misbehaving(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ThreadingHTTPServer, RunningServer]]:
    fake = ThreadingHTTPServer(("127.0.0.1", 0), _Misbehaving)
    fake.answer = (200, b"{}", 0.0)  # type: ignore[attr-defined]
    fake.daemon_threads = True
    threading.Thread(target=fake.serve_forever, daemon=True).start()
    with serving(
        tmp_path_factory.mktemp("misbehaving"),
        "--store",
        f"http://127.0.0.1:{fake.server_address[1]}/query",
        "--query-timeout",
        "1",
        healthy=False,
    ) as served:
        yield fake, served
    fake.shutdown()
    fake.server_close()


def _answer(misbehaving, status: int, body: bytes, delay: float = 0.0) -> tuple[int, str, float]:  # type: ignore[no-untyped-def]
    fake, served = misbehaving
    fake.answer = (status, body, delay)
    started = time.monotonic()
    response = httpx.get(served.endpoint, params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}, timeout=30)
    return response.status_code, response.text, time.monotonic() - started


def test_a_store_answering_garbage_is_a_502(misbehaving) -> None:  # type: ignore[no-untyped-def]
    status, text, _ = _answer(misbehaving, 200, b"this is not a SPARQL result")
    assert status == 502
    assert "the SPARQL store's answer is not valid" in text


def test_a_store_error_is_a_502_with_its_message(misbehaving) -> None:  # type: ignore[no-untyped-def]
    status, text, _ = _answer(misbehaving, 500, b"out of memory\n")
    assert status == 502
    assert "the SPARQL store answered 500: out of memory" in text


def test_a_slow_store_is_a_504_at_the_time_limit(misbehaving) -> None:  # type: ignore[no-untyped-def]
    status, text, elapsed = _answer(misbehaving, 200, b"{}", delay=10.0)
    assert status == 504
    assert "did not answer within the limit of 1 s" in text
    assert elapsed < 8  # well before the store would have answered


def test_serve_needs_an_http_store_url(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ikg", "publish", "--store", "ftp://store/query", "--dist", str(tmp_path / "d")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 2  # a usage error, as for every command (ikg --help: exit codes)
    assert "the store's query endpoint must be an http(s) URL, not 'ftp://store/query'" in result.stderr


def test_a_store_whose_default_graph_is_the_union_gets_queries_as_they_are(tmp_path: Path) -> None:
    with serving_external(tmp_path, ROOT, union_default_graph=True) as (_store, served):
        built = _manifest_graphs(tmp_path / "dist")
        assert httpx.get(served.base + "health").json()["store_union_default_graph"] is True
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        answer = httpx.get(served.endpoint, params={"query": count}).json()["results"]["bindings"][0]["n"]["value"]
        assert answer == str(sum(built.values()) + 2)  # the store's whole union: the build and the marker's two triples
        graphs = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
        answer = httpx.get(served.endpoint, params={"query": graphs}).json()["results"]["bindings"][0]["n"]["value"]
        assert answer == str(len(built) + 1)


def test_a_store_with_its_own_default_graph_gets_the_dataset_stated(fragile) -> None:  # type: ignore[no-untyped-def]
    _store, served = fragile
    assert httpx.get(served.base + "health").json()["store_union_default_graph"] is False


# Which build the store holds


def test_serve_refuses_a_store_holding_the_build_of_another_base_url_and_names_ikg_publish(
    store: OxigraphServer, tmp_path: Path
) -> None:
    assert _publish(store, tmp_path / "dist").returncode == 0  # for the default base, as the README once had it
    other = "https://daten.example.org/integration/"
    result = run_ikg("serve", "--store", store.query, "--dist", str(tmp_path / "dist"), "--base-url", other)
    assert result.returncode == 1
    assert f"the SPARQL store holds no build for {other}, only for https://ikg.example/leverkusen/" in result.stderr
    assert f"`ikg publish --store {store.query} --base-url {other}`" in result.stderr


def test_a_store_that_loses_the_build_makes_health_503_naming_ikg_publish_until_it_is_published_again(
    store: OxigraphServer, tmp_path: Path
) -> None:
    served = start_external(store, ROOT, tmp_path)
    try:
        marker = f"{served.base}graph/publication"
        update = store.query.replace("/query", "/update")
        assert httpx.post(update, data={"update": f"DROP GRAPH <{marker}>"}).status_code == 204
        health = httpx.get(served.base + "health")
        assert health.status_code == 503
        assert health.json()["store_problem"] == (
            "the SPARQL store holds no build published by ikg; publish the build served here with "
            f"`ikg publish --store {store.query} --base-url {served.base}`"
        )
        assert _publish(store, tmp_path / "dist", "--base-url", served.base).returncode == 0
        assert httpx.get(served.base + "health").status_code == 200
    finally:
        served.stop()


# What ikg reads of an answer


@pytest.fixture(scope="module")
def capped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[OxigraphServer, RunningServer]]:
    """A 1 MB result cap and time limits long enough that only the size decides, however busy the machine."""
    with serving_external(
        tmp_path_factory.mktemp("capped"),
        ROOT,
        "--query-timeout",
        "60",
        env={"IKG_MAX_RESULT_BYTES": "1000000"},
        timeout_s=120,
    ) as both:
        yield both


def _doubled_literal(steps: int) -> str:
    """A query of a few hundred bytes whose one value the store makes 2**steps characters long."""
    binds = " ".join(f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(steps))
    return f'SELECT ?v{steps} WHERE {{ BIND("x" AS ?v0) {binds} }}'


def _rss_mb(process: subprocess.Popen[bytes]) -> float:
    for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_a_result_over_the_cap_is_a_413_without_reading_the_whole_answer(capped) -> None:  # type: ignore[no-untyped-def]
    _store, served = capped
    # Far more than the cap: 20 million rows, of which ikg reads only as many as fit.
    query = "SELECT * WHERE { ?s ?p ?o . ?a ?b ?c } LIMIT 20000000"
    response = httpx.get(served.endpoint, params={"query": query}, timeout=120)
    assert response.status_code == 413
    assert "the result is larger than 1,000,000 bytes" in response.text


def test_a_literal_longer_than_the_json_reader_takes_is_a_413_not_a_500(capped) -> None:  # type: ignore[no-untyped-def]
    _store, served = capped
    response = httpx.get(served.endpoint, params={"query": _doubled_literal(24)}, timeout=120)
    assert response.status_code == 413
    assert "a single value in the result is longer than ikg reads from a store" in response.text


def test_oversized_answers_leave_ikgs_memory_where_it_was(capped) -> None:  # type: ignore[no-untyped-def]
    _store, served = capped
    huge = {"query": _doubled_literal(24)}
    httpx.get(served.endpoint, params=huge, timeout=120)  # warm: the first one loads what every later one uses
    before = _rss_mb(served.process)
    for attempt in range(5):
        query = f"SELECT * WHERE {{ ?s ?p ?o . ?a ?b ?c }} LIMIT {20_000_000 + attempt}"
        assert httpx.get(served.endpoint, params={"query": query}, timeout=120).status_code == 413
        assert httpx.get(served.endpoint, params=huge, timeout=120).status_code == 413
    assert _rss_mb(served.process) - before < 100


# Time limits


def test_ikg_passes_its_time_limit_to_a_store_that_takes_one(misbehaving) -> None:  # type: ignore[no-untyped-def]
    fake, _served = misbehaving
    _answer(misbehaving, 200, b"this is not a SPARQL result")
    assert fake.last_form["timeout"] == ["1"]  # type: ignore[attr-defined]
