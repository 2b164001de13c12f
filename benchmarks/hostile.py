"""Hostile clients against a live `ikg serve`: can one request, client or swap freeze or exhaust the service?

Starts `ikg serve` itself on a free loopback port (it builds into a temporary dist first), then runs the attacks
of issue 13 one after another, each for a bounded time, while two probes send `GET /health` and an uncached
`ASK { FILTER(n = n) }` (a new n each time, so the result cache cannot answer) every 50 ms on fresh connections.
A sampler reads VmRSS/VmHWM of the server and of its child processes (the query workers) from /proc every 100 ms.
Prints, per attack: the longest probe latencies, probe errors, the attack's responses by status, and the peak
RSS of the server and of its workers (largest single worker / largest sum at one moment).

    python benchmarks/hostile.py --quick                  # ~3 s per attack, 5 swaps
    python benchmarks/hostile.py --repeat 3               # 15 s per attack, 50 swaps; min/median/max of 3 rounds
    python benchmarks/hostile.py --measures 5000          # a generated graph (benchmarks/generate.py) of ~200k
                                                          # triples, on which cache-fill's results are big
    python benchmarks/hostile.py --only slowloris huge-header --serve-arg=--query-workers=2

It reports, it does not assert: the exit code is 0 whatever the attacks achieve, 1 if the server died (it is then
restarted for the remaining attacks). Loopback only; every attack is bounded in time and count. The figures are
noisy on a small shared machine: compare rounds of `--repeat`, not single numbers.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import os
import platform
import resource
import secrets
import select
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

PROBE_INTERVAL = 0.05
PROBE_ADDRESS = "127.0.0.2"
SAMPLE_INTERVAL = 0.1
JSON_RESULTS = {"Accept": "application/sparql-results+json"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
CROSS_COUNT = "SELECT (COUNT(*) AS ?n{k}) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- the server under attack ---------------------------------------------------------------------------------------


class Server:
    """`ikg serve` in a session of its own, so that it and its workers can be stopped together."""

    def __init__(self, project: Path, folder: Path, options: list[str], env: dict[str, str]) -> None:
        self.project, self.folder, self.options, self.env = project, folder, options, env
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, seconds: float = 1800) -> dict[str, object]:
        """Starts the server and waits for /health; its answer (graph size, workers) is returned."""
        self.starts += 1
        command = [sys.executable, "-m", "ikg", "serve", "--root", str(self.project), "--dist"]
        command += [str(self.folder / "dist"), "--port", str(self.port), *self.options]
        with (self.folder / f"serve-{self.starts}.log").open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=self.env, start_new_session=True
            )
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"ikg serve exited at start; see {self.folder}/serve-{self.starts}.log")
            with suppress(httpx.HTTPError):
                answer = httpx.get(self.base + "health", timeout=5)
                if answer.status_code == 200:
                    return dict(answer.json())
            time.sleep(0.3)
        raise RuntimeError(f"ikg serve did not answer /health within {seconds:.0f} s")

    def log_tail(self, lines: int = 20) -> str:
        log = (self.folder / f"serve-{self.starts}.log").read_text(errors="replace").splitlines()
        return "\n".join(["ikg serve died; the end of its log:", *log[-lines:]])

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            if self.process.poll() is None:
                self.process.terminate()  # handled once the event loop is free: an attack may hold it
                with suppress(subprocess.TimeoutExpired):
                    self.process.wait(timeout=10)
        finally:  # even on a second Ctrl-C: the server, and workers left behind by one that died
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def synthetic_project(measures: int, folder: Path) -> Path:
    project = folder / f"project-{measures}"
    (project / "graph").mkdir(parents=True)
    generate.generate(measures, project / "graph")
    for name in ("vocab", "shapes", "queries", "publication.toml"):
        (project / name).symlink_to(ROOT / name)
    return project


# --- memory: the server and its workers, from /proc -----------------------------------------------------------------


def _status_kb(pid: int, *fields: str) -> list[int]:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return [0 for _ in fields]
    values = {line.split(":")[0]: line.split()[1] for line in lines if line.split(":")[0] in fields}
    return [int(values.get(name, 0)) for name in fields]


def descendants(pid: int) -> list[int]:
    """The live processes below `pid` except multiprocessing's resource tracker, which evaluates nothing."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with suppress(OSError, IndexError, ValueError):
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            parents.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return [p for p in found if not _is_resource_tracker(p)]


def _is_resource_tracker(pid: int) -> bool:
    try:
        return b"resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True


def reset_peak(pid: int) -> bool:
    """Resets VmHWM to the current RSS (Linux ≥ 4.0), so that the peak between two samples counts too."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


@dataclass
class Memory:
    server_kb: int = 0
    worker_max_kb: int = 0
    worker_sum_kb: int = 0


class MemorySampler(threading.Thread):
    def __init__(self, pid: int, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.pid, self.stop, self.peak = pid, stop, Memory()

    def run(self) -> None:
        initial = {self.pid, *descendants(self.pid)}
        # A peak (VmHWM) counts only where it was reset at the start or the process was born during the attack.
        trusted = {pid for pid in initial if reset_peak(pid)}
        while True:
            self.peak.server_kb = max(self.peak.server_kb, self._rss(self.pid, trusted))
            workers = descendants(self.pid)
            trusted |= set(workers) - initial
            now = [_status_kb(pid, "VmRSS")[0] for pid in workers]
            peaks = [self._rss(pid, trusted) for pid in workers]
            self.peak.worker_max_kb = max(self.peak.worker_max_kb, *peaks, 0)
            self.peak.worker_sum_kb = max(self.peak.worker_sum_kb, sum(now))
            if self.stop.wait(SAMPLE_INTERVAL):
                return

    @staticmethod
    def _rss(pid: int, trusted: set[int]) -> int:
        rss, hwm = _status_kb(pid, "VmRSS", "VmHWM")
        return max(rss, hwm) if pid in trusted else rss


# --- probes ---------------------------------------------------------------------------------------------------------


@dataclass
class ProbeLog:
    longest_ms: float = 0.0
    sent: int = 0
    errors: Counter[str] = field(default_factory=Counter)


ASK_NUMBERS = itertools.count(1)


def health_probe(client: httpx.Client) -> httpx.Response:
    return client.get("health")


def ask_probe(client: httpx.Client) -> httpx.Response:
    n = next(ASK_NUMBERS)
    return client.get("sparql", params={"query": f"ASK {{ FILTER({n} = {n}) }}"}, headers=JSON_RESULTS)


class Probe(threading.Thread):
    """Asks one thing every 50 ms, each time on a new connection (an attack may stop new ones being accepted)."""

    def __init__(self, base: str, ask: Callable[[httpx.Client], httpx.Response], stop: threading.Event, timeout: float):
        super().__init__(daemon=True)
        self.base, self.ask, self.stop, self.timeout = base, ask, stop, timeout
        self.log = ProbeLog()

    def run(self) -> None:
        # The probes are another client than the attacker: they connect from 127.0.0.2, as a visitor elsewhere
        # would, so that per-client limits meant for the attacker are not applied to them.
        transport = httpx.HTTPTransport(local_address=PROBE_ADDRESS, limits=httpx.Limits(max_keepalive_connections=0))
        with httpx.Client(base_url=self.base, timeout=self.timeout, transport=transport) as client:
            while not self.stop.is_set():
                started = time.monotonic()
                problem = self._problem(client)
                elapsed = time.monotonic() - started
                self.log.sent += 1
                self.log.longest_ms = max(self.log.longest_ms, elapsed * 1000)
                if problem:
                    self.log.errors[problem] += 1
                self.stop.wait(max(0.0, PROBE_INTERVAL - elapsed))

    def _problem(self, client: httpx.Client) -> str | None:
        try:
            answer = self.ask(client)
        except httpx.TimeoutException:
            return "timeout"
        except httpx.HTTPError as error:
            return type(error).__name__
        if answer.status_code == 200:
            return None
        return f"{answer.status_code} {self.name} ({answer.text.strip()[:60]})"

    @property
    def name(self) -> str:
        return "health" if self.ask is health_probe else "ASK"


# --- what an attack works with --------------------------------------------------------------------------------------


class Tally:
    """The attack's outcomes by label (an HTTP status, 'timeout', 'hung up', …), counted across its threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.notes: list[str] = []

    def add(self, label: str, count: int = 1) -> None:
        with self._lock:
            self.counts[label] += count

    def note(self, text: str) -> None:
        with self._lock:
            self.notes.append(text)

    def summary(self) -> str:
        counted = ", ".join(f"{label}×{n}" for label, n in sorted(self.counts.items()))
        return "; ".join(part for part in (counted, *self.notes) if part) or "-"


@dataclass
class Context:
    base: str  # where to send requests: http://127.0.0.1:PORT/
    public_base: str  # the IRIs' base, from /health
    end: float  # monotonic time after which an attack starts nothing new
    abort: threading.Event  # Ctrl-C
    timeout: float
    workers: int
    sockets: int
    swaps: int
    token: str
    tally: Tally = field(default_factory=Tally)

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def port(self) -> int:
        return int(self.base.rstrip("/").rsplit(":", 1)[1])

    def running(self) -> bool:
        return time.monotonic() < self.end and not self.abort.is_set()

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, timeout=self.timeout)

    def connect(self, timeout: float | None = None) -> socket.socket:
        return socket.create_connection((self.host, self.port), timeout=timeout or self.timeout)


def outcome(client: httpx.Client, method: str, url: str, **options: object) -> str:
    """The response's status, read whole and dropped; or what went wrong instead."""
    try:
        with client.stream(method, url, **options) as answer:  # type: ignore[arg-type]
            for _ in answer.iter_raw():
                pass
            return str(answer.status_code)
    except httpx.TimeoutException:
        return "timeout"
    except httpx.HTTPError as error:
        return type(error).__name__


def repeatedly(ctx: Context, most: int, send: Callable[[httpx.Client, int], str], all_of_them: bool = False) -> None:
    """Sends one request after another until the attack's time is up or `most` were sent (`all_of_them`: until
    `most` were sent, however long it takes)."""
    with ctx.client() as client:
        for n in range(most):
            if ctx.abort.is_set() or not (all_of_them or ctx.running()):
                return
            ctx.tally.add(send(client, n))


def in_threads(ctx: Context, count: int, work: Callable[[int], None]) -> None:
    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, ctx.end - time.monotonic()) + ctx.timeout + 30)


def status_line(connection: socket.socket) -> str:
    """The status of a raw HTTP response, 'closed' if the server hung up without one."""
    try:
        head = connection.recv(64)
    except TimeoutError:
        return "timeout"
    except OSError:
        return "reset"
    parts = head.split(b" ", 2)
    return parts[1].decode(errors="replace") if len(parts) > 1 and head.startswith(b"HTTP/") else "closed"


def post_query(query: str, accept: dict[str, str] = JSON_RESULTS) -> Callable[[httpx.Client, int], str]:
    def send(client: httpx.Client, _: int) -> str:
        headers = {**accept, "Content-Type": "application/sparql-query"}
        return outcome(client, "POST", "sparql", content=query.encode(), headers=headers)

    return send


def unterminated_string(pairs: int) -> str:
    """A string that never closes, made of escaped quotes: what a backtracking tokenizer reads in O(n²)."""
    return 'SELECT * WHERE { ?s ?p "' + '\\"' * pairs


# --- the attacks ----------------------------------------------------------------------------------------------------


def idle(ctx: Context) -> None:
    """No attack: the probes' own floor on this machine."""


def tokenizer_bomb(ctx: Context) -> None:
    """POST of an unterminated string of 24,000 escaped quotes (48 KB)."""
    repeatedly(ctx, 100, post_query(unterminated_string(24_000)))


def long_link(ctx: Context) -> None:
    """A 64 KB GET link to the query page, as any web page can make a visitor's browser send it."""
    pairs = (65_536 - 200) // len(quote('\\"', safe=""))
    url = "sparql?query=" + quote(unterminated_string(pairs), safe="")
    repeatedly(ctx, 100, lambda client, _: outcome(client, "GET", url, headers=BROWSER))


def cache_fill(ctx: Context) -> None:
    """Twelve distinct big results (`SELECT * … LIMIT 139000 OFFSET i`), each cached by the server. Big only on a
    graph of more than 139,000 triples: `--measures 5000` or more."""
    query = "SELECT * WHERE {{ ?s ?p ?o }} LIMIT 139000 OFFSET {}"
    repeatedly(ctx, 12, lambda client, i: post_query(query.format(i))(client, i), all_of_them=True)


def doubling(ctx: Context) -> None:
    """A 900-byte query whose 26 BIND(CONCAT(?x, ?x)) steps double a 16-character string to 1 GiB."""
    steps = [f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(26)]
    query = 'SELECT (STRLEN(?x26) AS ?n) WHERE { BIND("0123456789abcdef" AS ?x0) ' + " ".join(steps) + " }"
    repeatedly(ctx, 3, post_query(query))


def group_concat(ctx: Context) -> None:
    """GROUP_CONCAT over the cross product of the graph's literals with its triples: one string that grows until
    the time limit. Literals only: a blank node makes STR() an error, and Oxigraph stops concatenating at one."""
    query = "SELECT (STRLEN(GROUP_CONCAT(STR(?o1))) AS ?n) WHERE { ?s1 ?p1 ?o1 . ?s2 ?p2 ?o2 FILTER(isLiteral(?o1)) }"
    repeatedly(ctx, 3, post_query(query))


def heavy_hangups(ctx: Context) -> None:
    """Workers + 2 clients send distinct 3-way cross-product counts; half of them hang up after 0.5 s (every 5 s)."""
    numbers = itertools.count()

    def client(i: int) -> None:
        with ctx.client() as http:
            while ctx.running():
                query = CROSS_COUNT.format(k=next(numbers))
                if i % 2:
                    ctx.tally.add(post_query(query)(http, 0))
                else:
                    ctx.tally.add(hang_up(ctx, query))
                    ctx.abort.wait(5)  # a few abandoned queries, not a backlog that outlives the attack

    in_threads(ctx, ctx.workers + 2, client)


def hang_up(ctx: Context, query: str) -> str:
    body = query.encode()
    head = f"POST /sparql HTTP/1.1\r\nHost: {ctx.host}\r\nContent-Type: application/sparql-query\r\n"
    head += f"Accept: application/sparql-results+json\r\nContent-Length: {len(body)}\r\n\r\n"
    try:
        with ctx.connect() as connection:
            connection.sendall(head.encode() + body)
            time.sleep(0.5)
    except OSError:
        return "refused"
    return "hung up"


def page_hammer(ctx: Context) -> None:
    """Ten clients ask resource pages (/id/…) as fast as they can; two ask the query page for a big result."""
    with ctx.client() as client:
        paths = resource_paths(client, ctx.public_base)
    ctx.tally.note(f"{len(paths)} resource pages")
    big = "sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o } LIMIT 139000", safe="")

    def asker(i: int) -> None:
        with ctx.client() as http:
            for n in itertools.count():
                if not ctx.running():
                    return
                url = big if i < 2 or not paths else paths[(n * 10 + i) % len(paths)]
                ctx.tally.add(outcome(http, "GET", url, headers=BROWSER))

    in_threads(ctx, 12, asker)


def resource_paths(client: httpx.Client, public_base: str) -> list[str]:
    query = f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{public_base}id/")) }} LIMIT 500'
    with suppress(httpx.HTTPError, ValueError, KeyError):
        answer = client.get("sparql", params={"query": query}, headers=JSON_RESULTS)
        rows = answer.json()["results"]["bindings"]
        return [row["s"]["value"][len(public_base) :] for row in rows]
    return []


def slowloris(ctx: Context) -> None:
    """Many requests whose headers never end: one more header line every 5 s, held until the time is up."""
    wanted = min(ctx.sockets, descriptors_available() - 200)
    open_ = []
    for i in range(wanted):
        if not ctx.running():
            break
        try:
            connection = ctx.connect(timeout=5)
            connection.sendall(f"GET /health HTTP/1.1\r\nHost: {ctx.host}\r\nX-Slow-{i}: 0\r\n".encode())
            open_.append(connection)
        except OSError:
            ctx.tally.add("refused")
    ctx.tally.note(f"{len(open_)} opened")
    try:
        line = 0
        while ctx.running() and open_:
            ctx.abort.wait(min(5.0, max(0.0, ctx.end - time.monotonic())))
            line += 1
            open_ = [c for c in open_ if still_open(ctx, c, f"X-Slow-More-{line}: 1\r\n".encode())]
        ctx.tally.add("still open at end", len(open_))
    finally:
        for connection in open_:
            connection.close()


def still_open(ctx: Context, connection: socket.socket, more: bytes) -> bool:
    readable, _, _ = select.select([connection], [], [], 0)
    if readable:
        ctx.tally.add(f"closed by server ({status_line(connection)})")
        connection.close()
        return False
    try:
        connection.settimeout(1)
        connection.sendall(more)
    except OSError:
        ctx.tally.add("closed by server (send failed)")
        connection.close()
        return False
    return True


def descriptors_available() -> int:
    """Raises this process's soft limit of open files to the hard one (the slowloris needs one per request)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    with suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        soft = hard
    return soft


def huge_header(ctx: Context) -> None:
    """One header of 50 MB, sent in 64 KB chunks; stops when the server closes the connection."""
    chunk, total = b"a" * 65_536, 50 * 1024 * 1024
    sent = 0
    try:
        with ctx.connect() as connection:
            connection.sendall(f"GET /health HTTP/1.1\r\nHost: {ctx.host}\r\nX-Big: ".encode())
            while sent < total and ctx.running():
                connection.sendall(chunk)
                sent += len(chunk)
            connection.sendall(b"\r\n\r\n")
            ctx.tally.add(status_line(connection))
    except OSError as error:
        ctx.tally.add(f"closed by server ({type(error).__name__})")
    ctx.tally.note(f"{sent / 1024 / 1024:.1f} MB sent")


def deep_nesting(ctx: Context) -> None:
    """A ~2 KB query of 1,000 nested groups."""
    repeatedly(ctx, 5, post_query("SELECT * WHERE " + "{" * 1000 + " ?s ?p ?o " + "}" * 1000))


def reloads_under_downloads(ctx: Context) -> None:
    """Reloads (swaps) one after another while three clients download the dumps and check each body's SHA-256."""
    with ctx.client() as client:
        dumps = client.get("downloads", params={"format": "json"}).json()["dumps"]
    files = [str(d["file"]) for d in dumps]
    swapping = threading.Event()
    swapping.set()

    def downloader(i: int) -> None:
        with ctx.client() as http:
            for n in itertools.count(i):
                if not swapping.is_set() or ctx.abort.is_set():
                    return
                ctx.tally.add("download " + checked_download(http, "downloads/" + files[n % len(files)]))

    downloaders = [threading.Thread(target=downloader, args=(i,), daemon=True) for i in range(3)]
    for thread in downloaders:
        thread.start()
    try:
        with ctx.client() as client:
            client.timeout = httpx.Timeout(600)  # a reload builds the graph first
            for _ in range(ctx.swaps):
                if ctx.abort.is_set():
                    break
                ctx.tally.add("reload " + reload(client, ctx.token))
    finally:
        swapping.clear()
        for thread in downloaders:
            thread.join(ctx.timeout + 30)


def checked_download(client: httpx.Client, url: str) -> str:
    try:
        with client.stream("GET", url) as answer:
            digest = hashlib.sha256()
            for part in answer.iter_raw():
                digest.update(part)
            if answer.status_code != 200:
                return str(answer.status_code)
            return "200" if answer.headers.get("etag", "").strip('"') == digest.hexdigest() else "200 SHA-256≠ETag"
    except httpx.TimeoutException:
        return "timeout"
    except httpx.HTTPError as error:
        return type(error).__name__


def reload(client: httpx.Client, token: str) -> str:
    return outcome(client, "POST", "admin/reload", headers={"Authorization": f"Bearer {token}"})


def wrong_tokens(ctx: Context) -> None:
    """Four clients try wrong reload tokens as fast as they can (at most 20,000)."""
    numbers = itertools.count()

    def guesser(_: int) -> None:
        with ctx.client() as client:
            while ctx.running() and next(numbers) < 20_000:
                ctx.tally.add(reload(client, secrets.token_urlsafe(16)))

    in_threads(ctx, 4, guesser)


ATTACKS: dict[str, Callable[[Context], None]] = {
    "idle": idle,
    "tokenizer-bomb": tokenizer_bomb,
    "long-get-link": long_link,
    "cache-fill": cache_fill,
    "concat-doubling": doubling,
    "group-concat": group_concat,
    "heavy-hangups": heavy_hangups,
    "page-hammer": page_hammer,
    "slowloris": slowloris,
    "huge-header": huge_header,
    "deep-nesting": deep_nesting,
    "reload-downloads": reloads_under_downloads,
    "wrong-tokens": wrong_tokens,
}


# --- running them ---------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    attack: str
    health: ProbeLog
    ask: ProbeLog
    responses: str
    memory: Memory
    seconds: float
    server_died: bool = False


@dataclass
class Run:
    server: Server
    duration: float
    timeout: float
    sockets: int
    swaps: int
    token: str
    abort: threading.Event
    public_base: str = ""
    workers: int = 1
    deaths: int = 0

    def begin(self) -> dict[str, object]:
        health = self.server.start()
        self.public_base = str(health["base"])
        self.workers = int(str(health["query_workers"]))
        return health

    def attack(self, name: str) -> Outcome:
        if not self.server.alive():
            self.server.stop()
            self.begin()
        settle(self.server.base, self.abort)
        ctx = Context(
            self.server.base,
            self.public_base,
            time.monotonic() + self.duration,
            self.abort,
            self.timeout,
            self.workers,
            self.sockets,
            self.swaps,
            self.token,
        )
        started = time.monotonic()
        with watched(self.server, self.timeout) as (health, ask, sampler):
            attacker = threading.Thread(target=self._attack, args=(name, ctx), daemon=True)
            attacker.start()
            attacker.join(self.duration + self.timeout * 12 + (self.swaps * 600 if name == "reload-downloads" else 0))
            if attacker.is_alive():
                ctx.tally.note("attack overran its bound")
            # the probes watch for the whole attack time even when the attack itself ended early
            self.abort.wait(max(0.0, ctx.end - time.monotonic()))
        died = not self.server.alive()
        if died:
            self.deaths += 1
            print(self.server.log_tail(), file=sys.stderr)
        return Outcome(name, health.log, ask.log, ctx.tally.summary(), sampler.peak, time.monotonic() - started, died)

    @staticmethod
    def _attack(name: str, ctx: Context) -> None:
        try:
            ATTACKS[name](ctx)
        except Exception as error:  # the benchmark reports an attack that broke, and goes on with the next
            ctx.tally.note(f"attack failed: {type(error).__name__}: {error}"[:200])


@contextmanager
def watched(server: Server, timeout: float) -> Iterator[tuple[Probe, Probe, MemorySampler]]:
    """Probes and memory sampler for the duration of the block; they end after their request in flight."""
    stop = threading.Event()
    health = Probe(server.base, health_probe, stop, timeout)
    ask = Probe(server.base, ask_probe, stop, timeout)
    sampler = MemorySampler(server.pid, stop)
    for thread in (sampler, health, ask):
        thread.start()
    try:
        yield health, ask, sampler
    finally:
        stop.set()  # on Ctrl-C as well; only then nobody waits for the daemon threads
    for thread in (health, ask, sampler):
        thread.join(timeout + 10)


def settle(base: str, abort: threading.Event, seconds: float = 300) -> None:
    """Waits (at most `seconds`) until /health answers within 200 ms and an uncached ASK within 1 s, three times in
    a row: the last attack, and the queries it left queued, are over."""
    deadline, quick = time.monotonic() + seconds, 0
    transport = httpx.HTTPTransport(local_address=PROBE_ADDRESS)
    with httpx.Client(base_url=base, timeout=10, transport=transport) as client:
        while quick < 3 and time.monotonic() < deadline and not abort.is_set():
            quick = quick + 1 if _answers(client, health_probe, 0.2) and _answers(client, ask_probe, 1.0) else 0
            abort.wait(0.2)


def _answers(client: httpx.Client, probe: Callable[[httpx.Client], httpx.Response], within: float) -> bool:
    started = time.monotonic()
    try:
        return probe(client).status_code == 200 and time.monotonic() - started < within
    except httpx.HTTPError:
        return False


# --- the report -----------------------------------------------------------------------------------------------------


def machine() -> str:
    loads = "/".join(f"{x:.2f}" for x in os.getloadavg())
    memory = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
    mb = {k: int(memory[k].split()[0]) // 1024 for k in ("MemTotal", "MemAvailable")}
    return (
        f"machine: {os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable), load average {loads}, "
        f"memory {mb['MemTotal']} MB ({mb['MemAvailable']} MB available), {platform.platform()}, "
        f"Python {platform.python_version()}"
    )


def milliseconds(log: ProbeLog, timeout: float) -> str:
    text = f"{log.longest_ms:,.0f}"
    return f"≥{text} (timeout)" if log.errors.get("timeout") and log.longest_ms >= timeout * 1000 else text


def table(outcomes: list[Outcome], timeout: float) -> str:
    head = (
        "| attack | longest /health ms | longest ASK ms | probe errors | attack responses | "
        "server peak RSS MB | worker peak RSS MB (max/sum) |"
    )
    lines = [head, "|" + "---|" * 7]
    for o in outcomes:
        errors = o.health.errors + o.ask.errors
        errors_text = ", ".join(f"{k}×{v}" for k, v in sorted(errors.items())) or "0"
        errors_text += f" of {o.health.sent + o.ask.sent}"
        died = " **server died**" if o.server_died else ""
        lines.append(
            f"| {o.attack} | {milliseconds(o.health, timeout)} | {milliseconds(o.ask, timeout)} | {errors_text} | "
            f"{o.responses}{died} | {o.memory.server_kb / 1024:,.0f} | "
            f"{o.memory.worker_max_kb / 1024:,.0f} / {o.memory.worker_sum_kb / 1024:,.0f} |"
        )
    return "\n".join(lines)


def spread(rounds: list[list[Outcome]]) -> str:
    lines = ["| attack | longest /health ms min/median/max | longest ASK ms min/median/max |", "|---|---|---|"]
    for i, first in enumerate(rounds[0]):
        health = [r[i].health.longest_ms for r in rounds]
        ask = [r[i].ask.longest_ms for r in rounds]
        lines.append(f"| {first.attack} | {_three(health)} | {_three(ask)} |")
    return "\n".join(lines)


def _three(values: list[float]) -> str:
    return f"{min(values):,.0f} / {statistics.median(values):,.0f} / {max(values):,.0f}"


# --- command line ---------------------------------------------------------------------------------------------------


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 s per attack and 5 swaps instead of 15 s and 50")
    parser.add_argument("--duration", type=float, default=None, help="seconds per attack (default 15, quick 3)")
    parser.add_argument("--swaps", type=int, default=None, help="reloads under download load (default 50, quick 5)")
    parser.add_argument("--sockets", type=int, default=1000, help="half-sent requests of the slowloris")
    parser.add_argument("--timeout", type=float, default=120, help="seconds before a probe or request gives up")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of all attacks; prints min/median/max")
    parser.add_argument("--measures", type=int, default=None, help="serve a generated graph of this many measures")
    parser.add_argument("--only", nargs="+", choices=list(ATTACKS), default=None, help="these attacks only")
    parser.add_argument("--skip", nargs="+", choices=list(ATTACKS), default=[], help="leave these attacks out")
    parser.add_argument(
        "--serve-arg",
        action="append",
        default=[],
        help="an option for `ikg serve`, e.g. --serve-arg=--query-workers=2 (repeatable)",
    )
    return parser.parse_args()


def main() -> int:
    args = arguments()
    duration = args.duration or (3.0 if args.quick else 15.0)
    swaps = args.swaps if args.swaps is not None else (5 if args.quick else 50)
    chosen = [name for name in (args.only or ATTACKS) if name not in args.skip]
    token = os.environ.get("IKG_RELOAD_TOKEN") or secrets.token_urlsafe(24)
    abort = threading.Event()
    print(machine(), flush=True)
    with tempfile.TemporaryDirectory(prefix="ikg-hostile-") as folder:
        work = Path(folder)
        project, options = ROOT, list(args.serve_arg)
        if args.measures:
            project = synthetic_project(args.measures, work)
            options += ["--base-url", generate.BASE]
        env = {**os.environ, "IKG_RELOAD_TOKEN": token}
        run = Run(Server(project, work, options, env), duration, args.timeout, args.sockets, swaps, token, abort)
        rounds: list[list[Outcome]] = []
        try:
            health = run.begin()
            print(
                f"graph: {health['triples']:,} triples ({project}), {run.workers} query workers, "
                f"options {options or 'default'}; {duration:g} s per attack, {swaps} swaps, timeout {args.timeout:g} s",
                flush=True,
            )
            for number in range(1, args.repeat + 1):
                outcomes = []
                for name in chosen:
                    print(f"round {number}: {name} …", file=sys.stderr, flush=True)
                    outcomes.append(run.attack(name))
                rounds.append(outcomes)
                print(f"\nround {number} of {args.repeat}\n{table(outcomes, args.timeout)}", flush=True)
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            abort.set()
        finally:
            run.server.stop()
        if len(rounds) > 1:
            print(f"\nlongest probe latencies over {len(rounds)} rounds\n{spread(rounds)}")
        print(f"\nload average at the end: {'/'.join(f'{x:.2f}' for x in os.getloadavg())}")
        if run.deaths:
            print(f"the server died {run.deaths} time(s); see the serve-*.log files", file=sys.stderr)
    return 1 if run.deaths else 0


if __name__ == "__main__":
    sys.exit(main())
