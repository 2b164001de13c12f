"""ikg over replicated stores: two `oxigraph serve-read-only` replicas on one RocksDB directory, behind HAProxy and
given to ikg directly as a list; a replica killed under load loses no request. And identical concurrent queries
reach the store once.

One deployment for the module: the build published once into the directory, the replicas, HAProxy, and three
ikg processes serving that build (over HAProxy, over the list, over a counting proxy for single flight)."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest

from conftest import run_ikg
from server import OxigraphServer, RunningServer, free_port, start

OXIGRAPH = Path(sys.executable).parent / "oxigraph"
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
EVENTUALLY = 60.0  # seconds for what must happen eventually, however busy the machine


class Replica:
    """`oxigraph serve-read-only` on a shared directory, on a port of its own kept across restarts."""

    def __init__(self, location: Path, log: Path) -> None:
        self.location = location
        self.log = log
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def query(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    def start(self) -> Replica:
        command = [str(OXIGRAPH), "serve-read-only", "--location", str(self.location), "--union-default-graph"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--timeout-s", "60"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        _until(lambda: _answers(self.query), f"the replica on port {self.port} did not start")
        return self

    def kill(self) -> None:
        """As a crash does: no goodbye to the connections it holds."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=15)
            self.process = None


def _answers(query_endpoint: str) -> bool:
    try:
        return httpx.post(query_endpoint, data={"query": "ASK {}"}, timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def _until(condition: Callable[[], bool], failure: str) -> None:
    deadline = time.monotonic() + EVENTUALLY
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(failure)
        time.sleep(0.1)


HAPROXY_CONFIG = """
defaults
    mode http
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    # A request a replica refuses or drops goes to the other one; queries are reads, safe to repeat.
    retries 2
    option redispatch
    retry-on conn-failure empty-response
    option http-buffer-request
frontend sparql
    bind 127.0.0.1:{port}
    default_backend replicas
backend replicas
    balance roundrobin
    # Oxigraph answers 400 to HAProxy's default check (GET /): ask it a real question, with a Host header.
    option httpchk
    http-check send meth GET uri /query?query=ASK%7B%7D ver HTTP/1.1 hdr Host localhost
    default-server check inter 500ms fall 1 rise 2
    server a 127.0.0.1:{a}
    server b 127.0.0.1:{b}
"""


HELD_MARK = "asked twenty times at once"
HELD_QUERY = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }} # {HELD_MARK}"


class _CountingProxy(BaseHTTPRequestHandler):
    """Forwards to a replica; counts HELD_QUERY and holds it until the test releases it."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if HELD_MARK in parse_qs(body.decode()).get("query", [""])[0]:
            with self.server.lock:  # type: ignore[attr-defined]
                self.server.held_count += 1  # type: ignore[attr-defined]
            self.server.release.wait(timeout=2 * EVENTUALLY)  # type: ignore[attr-defined]
        headers = {name: self.headers[name] for name in ("Accept", "Content-Type") if self.headers[name]}
        answer = httpx.post(self.server.upstream, content=body, headers=headers, timeout=60)  # type: ignore[attr-defined]
        self.send_response(answer.status_code)
        self.send_header("Content-Type", answer.headers.get("Content-Type", "application/octet-stream"))
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class Deployment:
    replicas: tuple[Replica, Replica]
    over_haproxy: RunningServer
    over_list: RunningServer
    over_proxy: RunningServer
    proxy: ThreadingHTTPServer


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    folder = tmp_path_factory.mktemp("replicas")
    base = f"http://127.0.0.1:{free_port()}/"  # one build, served by three ikg processes under one base
    writable = OxigraphServer(folder).start()
    published = run_ikg("publish", "--store", writable.query, "--dist", str(folder / "dist"), "--base-url", base)
    writable.stop()  # read-only replicas may not share the directory with a writer
    assert published.returncode == 0, published.stderr
    replicas = (Replica(folder / "data", folder / "a.log").start(), Replica(folder / "data", folder / "b.log").start())
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), _CountingProxy)
    proxy.daemon_threads = True
    proxy.upstream, proxy.held_count, proxy.lock = replicas[0].query, 0, threading.Lock()  # type: ignore[attr-defined]
    proxy.release = threading.Event()  # type: ignore[attr-defined]
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    haproxy_port = free_port()
    config = folder / "haproxy.cfg"
    config.write_text(HAPROXY_CONFIG.format(port=haproxy_port, a=replicas[0].port, b=replicas[1].port))
    with (folder / "haproxy.log").open("wb") as log:
        haproxy = subprocess.Popen(
            [HAPROXY, "-f", str(config), "-db"], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    started: list[RunningServer] = []

    def ikg(name: str, *stores: str) -> RunningServer:
        options = [option for store in stores for option in ("--store", store)]
        running = start(
            folder / "dist",
            folder / f"{name}.log",
            *options,
            "--base-url",
            base,
            "--query-timeout",
            "60",
            env={"IKG_CLIENT_QUERIES": "64"},
        )
        started.append(running)
        return running

    try:
        _until(lambda: _answers(f"http://127.0.0.1:{haproxy_port}/query"), "HAProxy did not start")
        yield Deployment(
            replicas,
            ikg("over-haproxy", f"http://127.0.0.1:{haproxy_port}/query"),
            ikg("over-list", *(r.query for r in replicas)),
            ikg("over-proxy", f"http://127.0.0.1:{proxy.server_address[1]}/query"),
            proxy,
        )
    finally:
        for running in started:
            running.stop()
        haproxy.terminate()
        haproxy.wait(timeout=15)
        proxy.release.set()  # type: ignore[attr-defined]
        proxy.shutdown()
        proxy.server_close()
        for replica in replicas:
            replica.kill()


LOAD = 300  # requests, each a different query so that none is answered from ikg's cache
KILL_AFTER = 100


async def _load(served: RunningServer, kill: Callable[[], None], clients: int = 4) -> list[tuple[int, str]]:
    """Every answer to LOAD distinct queries sent by `clients` clients; `kill` runs once KILL_AFTER are answered."""
    answers: list[tuple[int, str]] = []
    numbers = iter(range(LOAD))
    killed = asyncio.Event()

    async def client(http: httpx.AsyncClient) -> None:
        for number in numbers:
            query = f"ASK {{ ?s ?p ?o FILTER(?s != <urn:load:{number}>) }}"
            response = await http.get(served.endpoint, params={"query": query}, timeout=120)
            answers.append((response.status_code, response.text))
            if len(answers) == KILL_AFTER and not killed.is_set():
                killed.set()
                await asyncio.to_thread(kill)

    async with httpx.AsyncClient() as http:
        await asyncio.gather(*(client(http) for _ in range(clients)))
    assert killed.is_set()
    return answers


def _no_request_failed(answers: list[tuple[int, str]]) -> None:
    failed = [answer for answer in answers if answer[0] != 200 or '"boolean":true' not in answer[1].replace(" ", "")]
    assert len(answers) == LOAD
    assert failed == []


def test_a_replica_killed_under_load_behind_haproxy_loses_no_request(deployment: Deployment) -> None:
    victim = deployment.replicas[0]
    try:
        _no_request_failed(asyncio.run(_load(deployment.over_haproxy, victim.kill)))
    finally:
        victim.start()


def test_a_replica_killed_under_load_in_ikgs_store_list_loses_no_request(deployment: Deployment) -> None:
    victim = deployment.replicas[1]
    try:
        _no_request_failed(asyncio.run(_load(deployment.over_list, victim.kill)))
        assert httpx.get(deployment.over_list.base + "health").status_code == 200  # one store is enough
    finally:
        victim.start()


def test_health_is_503_only_when_every_store_is_down(deployment: Deployment) -> None:
    health = deployment.over_list.base + "health"
    first, second = deployment.replicas
    try:
        first.kill()
        assert httpx.get(health).status_code == 200
        second.kill()
        answer = httpx.get(health)
        assert answer.status_code == 503
        assert answer.json()["store_problem"].count("cannot be reached") == 2
    finally:
        first.start()
        second.start()
    _until(lambda: httpx.get(health).status_code == 200, "ikg did not see the stores return")


def test_identical_concurrent_queries_reach_the_store_once(deployment: Deployment) -> None:
    served, proxy = deployment.over_proxy, deployment.proxy

    async def twenty_at_once() -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=2 * EVENTUALLY) as http:
            asked = [asyncio.ensure_future(http.get(served.endpoint, params={"query": HELD_QUERY})) for _ in range(20)]
            # Released only once ikg holds nineteen of them waiting for the first one's answer.
            deadline = time.monotonic() + EVENTUALLY
            while (await http.get(served.base + "status", headers={"Accept": "application/json"})).json()[
                "queries_waiting"
            ] != 19:
                assert time.monotonic() < deadline, "ikg did not hold the identical queries together"
                await asyncio.sleep(0.1)
            proxy.release.set()  # type: ignore[attr-defined]
            return await asyncio.gather(*asked)

    answers = asyncio.run(twenty_at_once())
    assert proxy.held_count == 1  # type: ignore[attr-defined]
    assert {(a.status_code, a.text) for a in answers} == {(200, answers[0].text)}
    assert '"n"' in answers[0].text
