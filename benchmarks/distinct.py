"""Distinct-query workloads for benchmarks/endpoint.py --distinct: ikg against Oxigraph server.

What users send is many different questions, not one over and over: the lists of benchmarks/workloads.py,
each request sent once by wrk (benchmarks/distinct.lua keeps the count and the clock), to

- ikg with its result cache off (IKG_CACHE_ENTRIES=0) and on — on, a fresh process for every run, so
  that no run is answered from what an earlier one left in the cache;
- Oxigraph server in memory (`oxigraph serve` without --location, the dump POSTed to /store: the same
  engine and storage as ikg's workers) and on disk (`oxigraph serve-read-only --location`).

Runs interleave the servers (the order turns each round) and repeat; the tables give the median
requests per second over the rounds with their spread, and ikg ÷ each peer. A run that does not finish
its list within the cap counts what it answered in the time it took.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import json
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import workloads
from endpoint import ROOT, SYNTHETIC, free_port, start_ikg, start_oxigraph, synthetic_project, wait_for
from workloads import Entry, Lists, Request

from ikg.rdf.iris import CANONICAL_BASE, BaseRewriter
from ikg.sparql.named_queries import load_all

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "distinct.lua"
IKG_OFF, IKG_ON, MEMORY, DISK = "ikg, cache off", "ikg, cache on", "Oxigraph in memory", "Oxigraph on disk"
SERVERS = (IKG_OFF, IKG_ON, MEMORY, DISK)
PEERS = (MEMORY, DISK)
WORKLOADS = ("mixed", "lookups", "crawler", "repeated")
RESULT = re.compile(r"^RESULT (\d+) (\d+) (\d+) ([\d.eE+-]+) ([\d.]+) ([\d.]+) (\d+) (\d+)$", re.MULTILINE)
READY_TIMEOUT = 300  # seconds for a server's first answer (its workers load the graph)
CLIENT_QUERIES = 256
ANSWER_TIMEOUT = 120  # seconds for one answer checked before timing (a slow description on disk)


@dataclass(frozen=True)
class Plan:
    """How much to run; --quick is a smoke test of the whole harness in about two minutes."""

    rounds: int
    cap: int  # seconds a run may take before it is stopped and counted as far as it got
    share: int  # entries of each kind in the mixed list
    repeats: int  # requests in the repeated (cache) list
    crawl: int | None  # IRIs the crawler takes (None: every one)
    # Times the crawler goes through its list: a short list (80 measures: 312 IRIs, a tenth of a second) gives
    # no stable figure. Fair to both sides: neither caches a dereference (ikg reads the build's pack each
    # time, Oxigraph evaluates each CONSTRUCT).
    passes: int = 1

    @classmethod
    def of(cls, args: argparse.Namespace) -> Plan:
        quick = cls(rounds=1, cap=4, share=50, repeats=500, crawl=200)
        full = cls(rounds=3, cap=15, share=500, repeats=2000, crawl=None)
        chosen = quick if args.quick else full
        return cls(
            rounds=args.rounds or chosen.rounds,
            cap=args.cap or chosen.cap,
            share=chosen.share,
            repeats=chosen.repeats,
            crawl=chosen.crawl,
            passes=args.passes,
        )


@dataclass(frozen=True)
class Measurement:
    round: int
    workload: str
    measures: int
    clients: int
    server: str
    total: int
    answered: int
    failed: int
    first_failure: int
    seconds: float
    p50_ms: float
    p99_ms: float
    timeouts: int
    socket_errors: int

    @property
    def rate(self) -> float:
        return self.answered / self.seconds if self.answered and self.seconds > 0 else 0.0

    def line(self) -> str:
        failed = f"  {self.failed} failed (first: {self.first_failure})" if self.failed else ""
        broken = f"  {self.socket_errors} socket errors" if self.socket_errors else ""
        return (
            f"{self.workload:8} {self.measures:>6} measures c={self.clients} {self.server:20} {self.rate:9.1f} req/s"
            f"  {self.answered}/{self.total}{failed}{broken}"
        )


class Server:
    """One server under test; `fresh` restarts it (ikg with its cache on) so that a run starts cold."""

    def __init__(self, name: str, start: Callable[[], tuple[subprocess.Popen[bytes], str]], fresh: bool) -> None:
        self.name, self._start, self.fresh = name, start, fresh
        self._probes = 0
        self._begin()

    @property
    def origin(self) -> str:
        return re.match(r"https?://[^/]+", self.url).group(0)  # type: ignore[union-attr]

    def answers(self, within: float = 0.0) -> bool:
        """Whether an uncached query (a fresh text every time) is answered; tried again until `within`
        seconds have passed, for a server whose workers are still loading the graph."""
        deadline = time.monotonic() + within
        while True:
            self._probes += 1
            query = f"ASK {{ FILTER({self._probes} = {self._probes}) }}"
            try:
                with urllib.request.urlopen(f"{self.url}?{urllib.parse.urlencode({'query': query})}", timeout=30):
                    return True
            except OSError:
                if time.monotonic() > deadline:
                    return False
                time.sleep(0.5)

    def restart(self) -> None:
        self.stop()
        self._begin()

    def _begin(self) -> None:
        self.process, self.url = self._start()
        # /health answers before the query workers have loaded the graph, and the first query before every
        # worker has: a run starts when queries are answered and the server has stopped using the CPU.
        if not self.answers(within=READY_TIMEOUT) or not settled(self.process.pid, READY_TIMEOUT):
            raise RuntimeError(f"{self.name} was not ready {READY_TIMEOUT} s after its start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def cpu_seconds(root: int) -> float:
    """CPU time used so far by a process and all its descendants (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        used[pid] = (int(fields[11]) + int(fields[12])) / ticks
    tree, grown = {root}, True
    while grown:
        before = len(tree)
        tree |= {pid for pid, parent in parents.items() if parent in tree}
        grown = len(tree) > before
    return sum(used.get(pid, 0.0) for pid in tree)


def settled(root: int, within: float, idle: float = 0.05) -> bool:
    """Waits until the process tree uses less than `idle` of a core over a second."""
    deadline = time.monotonic() + within
    last = cpu_seconds(root)
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = cpu_seconds(root)
        if now - last < idle:
            return True
        last = now
    return False


def start_oxigraph_memory(peers: Path, nquads: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Oxigraph server without --location keeps its store in memory; it is loaded over HTTP."""
    port = free_port()
    command = [str(peers / "oxigraph"), "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}/query"
    wait_for(f"{url}?query=ASK%7B%7D", process)
    load = urllib.request.Request(
        f"http://127.0.0.1:{port}/store",
        data=nquads.read_bytes(),
        headers={"Content-Type": "application/n-quads"},
        method="POST",
    )
    with urllib.request.urlopen(load, timeout=600):
        pass
    return process, url


def run_list(origin: str, requests: list[Request], clients: int, cap: int, folder: Path) -> dict[str, float]:
    """Sends every request once with wrk; what distinct.lua reports."""
    listed = workloads.written(folder / "list.txt", requests)
    command = ["wrk", "-t1", f"-c{min(clients, len(requests))}", f"-d{cap}s", "--timeout", f"{cap}s"]
    command += ["-s", str(SCRIPT), origin, "--", str(listed)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=cap + 120)
    found = RESULT.search(result.stdout)
    if found is None:
        raise RuntimeError(f"wrk gave no result: {result.stdout[-500:]} {result.stderr[-500:]}")
    answered, failed, first_failure, seconds, p50, p99, timeouts, socket_errors = found.groups()
    return {
        "answered": int(answered),
        "failed": int(failed),
        "first_failure": int(first_failure),
        "seconds": max(float(seconds), 0.0),
        "p50_ms": float(p50),
        "p99_ms": float(p99),
        "timeouts": int(timeouts),
        "socket_errors": int(socket_errors),
    }


def answer_count(origin: str, request: Request) -> int | None:
    """Rows of a SELECT or triples of a CONSTRUCT; None when there is no valid answer."""
    asked = urllib.request.Request(origin + request.path, headers={"Accept": request.accept})
    try:
        with urllib.request.urlopen(asked, timeout=ANSWER_TIMEOUT) as response:
            body = response.read()
        if request.accept == workloads.TURTLE:
            import rdflib

            return len(rdflib.Graph().parse(data=body, format="turtle"))
        return len(json.loads(body)["results"]["bindings"])
    except Exception:
        return None


def mismatches(lists: dict[str, list[Entry]], servers: dict[str, Server]) -> list[str]:
    """A few entries of each kind asked of every server before timing: all must give the same answer, or
    the servers would be timed on different work."""
    problems = []
    sample: dict[str, list[Entry]] = {}
    for entry in (e for name in ("mixed", "crawler") for e in lists.get(name, [])):
        if len(sample.setdefault(entry.kind, [])) < 2 and entry not in sample[entry.kind]:
            sample[entry.kind].append(entry)
    for entry in (e for entries in sample.values() for e in entries):
        counts = {
            name: answer_count(server.origin, entry.ikg if name in (IKG_OFF, IKG_ON) else entry.peer)
            for name, server in servers.items()
        }
        if None in counts.values() or len(set(counts.values())) > 1:
            problems.append(f"{entry.kind} {entry.ikg.path[:120]}: {counts}")
    return problems


def build_lists(dump: Path, plan: Plan, chosen: tuple[str, ...]) -> dict[str, list[Entry]]:
    queries = {n: q.text for n, q in load_all(ROOT / "queries", BaseRewriter(CANONICAL_BASE, SYNTHETIC)).items()}
    lists = Lists(workloads.read_graph(dump, SYNTHETIC), queries, "/query")
    makers: dict[str, Callable[[], list[Entry]]] = {
        "mixed": lambda: lists.mixed(plan.share),
        "lookups": lists.lookups,
        "crawler": lambda: lists.crawler()[: plan.crawl] * plan.passes,
        "repeated": lambda: lists.repeated(plan.repeats),
    }
    return {name: makers[name]() for name in chosen}


def start_servers(size: int, args: argparse.Namespace, folder: Path, servers: dict[str, Server]) -> None:
    """Fills `servers` as they start, so that the caller stops those that did if a later one fails."""
    project = synthetic_project(size, folder)
    options = ("--query-timeout", str(ANSWER_TIMEOUT), *shlex.split(args.serve_args))

    def ikg(entries: str) -> Callable[[], tuple[subprocess.Popen[bytes], str]]:
        # All clients come from one loopback address, where ikg allows one client 4 queries at once (more get
        # 429): the limit is raised so that 8 clients count as 8 users, as they would from 8 addresses.
        env = {"IKG_CACHE_ENTRIES": entries, "IKG_CLIENT_QUERIES": str(CLIENT_QUERIES)}
        return lambda: start_ikg(project, folder, *options, env=env)

    servers[IKG_OFF] = Server(IKG_OFF, ikg("0"), fresh=False)  # the first start builds dist/
    nquads = folder / "graph.nq"
    nquads.write_bytes(gzip.decompress((folder / "dist" / "ikg.nq.gz").read_bytes()))
    servers[IKG_ON] = Server(IKG_ON, ikg(str(2048)), fresh=True)
    servers[MEMORY] = Server(MEMORY, lambda: start_oxigraph_memory(args.peers, nquads), fresh=False)
    servers[DISK] = Server(DISK, lambda: start_oxigraph(args.peers, nquads, folder), fresh=False)


def prepared(server: Server, workload: str, note: Callable[[str], None]) -> Server:
    """The server ready for a run: ikg with its cache restarted cold (kept warm for the repeated list, whose
    point is the cache), any other checked that it still answers queries."""
    if server.fresh and workload != "repeated":
        server.restart()
    elif not server.answers():
        # Seen on ikg until a worker leak was fixed: after clients hung up on queries in flight (a run cut
        # at its cap), it answered no query again. Kept as a guard: it is reported, and the server restarted.
        note(f"{server.name}: no answer to a query before a {workload} run; restarted")
        server.restart()
    return server


def measure_size(size: int, args: argparse.Namespace, plan: Plan, folder: Path) -> tuple[list[Measurement], dict]:  # type: ignore[type-arg]
    servers: dict[str, Server] = {}
    stuck: list[str] = []

    def note(event: str) -> None:
        stuck.append(f"{size} measures, {event}")
        print(f"  {stuck[-1]}", file=sys.stderr, flush=True)

    try:
        start_servers(size, args, folder, servers)
        lists = build_lists(folder / "dist" / "ikg.nq.gz", plan, tuple(args.workloads))
        problems = mismatches(lists, servers)
        for problem in problems:
            print(f"answers differ: {problem}", file=sys.stderr)
        measurements: list[Measurement] = []
        for round_ in range(plan.rounds):
            for workload, entries in lists.items():
                for clients in args.concurrency:
                    turn = (round_ + len(measurements)) % len(SERVERS)  # who goes first moves on every time
                    for name in SERVERS[turn:] + SERVERS[:turn]:
                        server = prepared(servers[name], workload, note)
                        requests = [e.ikg if name in (IKG_OFF, IKG_ON) else e.peer for e in entries]
                        figures = run_list(server.origin, requests, clients, plan.cap, folder)
                        found = Measurement(round_, workload, size, clients, name, len(requests), **figures)  # type: ignore[arg-type]
                        measurements.append(found)
                        print(f"  round {round_ + 1} {found.line()}", file=sys.stderr, flush=True)
        return measurements, {"lists": {n: len(e) for n, e in lists.items()}, "mismatches": problems, "stuck": stuck}
    finally:
        for server in servers.values():
            server.stop()


def median_and_spread(rates: list[float]) -> tuple[float, float, float]:
    return statistics.median(rates), min(rates), max(rates)


def summary(measurements: list[Measurement]) -> list[dict]:  # type: ignore[type-arg]
    groups: dict[tuple[str, int, int, str], list[Measurement]] = {}
    for m in measurements:
        groups.setdefault((m.workload, m.measures, m.clients, m.server), []).append(m)
    rows = []
    for (workload, size, clients, server), found in groups.items():
        median, low, high = median_and_spread([m.rate for m in found])
        rows.append(
            {
                "workload": workload,
                "measures": size,
                "clients": clients,
                "server": server,
                "median_rps": median,
                "min_rps": low,
                "max_rps": high,
                "p50_ms": statistics.median(m.p50_ms for m in found),
                "p99_ms": statistics.median(m.p99_ms for m in found),
                "answered": min(m.answered for m in found),
                "total": found[0].total,
                "failed": max(m.failed for m in found),
            }
        )
    return rows


def _rate(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def ratios_table(rows: list[dict], concurrency: list[int]) -> str:  # type: ignore[type-arg]
    """The headline: one line per workload and size, each cell 'c1 / c8 / …' in requests per second."""
    median = {(r["workload"], r["measures"], r["clients"], r["server"]): r["median_rps"] for r in rows}
    cases = sorted({(r["workload"], r["measures"]) for r in rows}, key=lambda c: (WORKLOADS.index(c[0]), c[1]))
    ratios = [(ikg, peer) for ikg in (IKG_OFF, IKG_ON) for peer in PEERS]
    clients = " / ".join(str(c) for c in concurrency)
    header = ["workload (req/s, median)", "measures", "clients", *SERVERS]
    header += [f"{ikg} ÷ {peer}" for ikg, peer in ratios]
    lines = ["| " + " | ".join(header) + " |", "|---|---:|---:|" + "---:|" * (len(header) - 3)]
    for workload, size in cases:
        label = "repeated one query (cache figure)" if workload == "repeated" else f"{workload} (distinct)"
        cells = [label, f"{size:,}", clients]
        cells += [" / ".join(_rate(median.get((workload, size, c, s), 0.0)) for c in concurrency) for s in SERVERS]
        for ikg, peer in ratios:
            parts = []
            for c in concurrency:
                mine, theirs = median.get((workload, size, c, ikg), 0.0), median.get((workload, size, c, peer), 0.0)
                parts.append(f"{mine / theirs:.2f}×" if theirs else "–")
            cells.append(" / ".join(parts))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def detail_table(rows: list[dict]) -> str:  # type: ignore[type-arg]
    lines = [
        "| workload | measures | clients | server | req/s median | spread (min–max) | p50 ms | p99 ms | "
        "answered/list | failed |",
        "|---|---:|---:|---|---:|---|---:|---:|---:|---:|",
    ]
    for r in sorted(rows, key=lambda r: (WORKLOADS.index(r["workload"]), r["measures"], r["clients"])):
        lines.append(
            f"| {r['workload']} | {r['measures']:,} | {r['clients']} | {r['server']} | {_rate(r['median_rps'])} | "
            f"{_rate(r['min_rps'])}–{_rate(r['max_rps'])} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | "
            f"{r['answered']:,}/{r['total']:,} | {r['failed']} |"
        )
    return "\n".join(lines)


def git_commit() -> str:
    found = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return found.stdout.strip()


def run(args: argparse.Namespace) -> None:
    plan = Plan.of(args)
    sizes = args.sizes or ([80] if args.quick else [80, 10_000])
    measurements: list[Measurement] = []
    lists: dict[int, dict] = {}  # type: ignore[type-arg]
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="ikg-distinct-") as tmp:
            found, about = measure_size(size, args, plan, Path(tmp))
            measurements += found
            lists[size] = about
    rows = summary(measurements)
    when = datetime.datetime.now(datetime.UTC)
    print(f"\n## Distinct-query workloads ({'quick' if args.quick else 'full'} run, {when:%Y-%m-%d %H:%M} UTC)\n")
    print(
        f"ikg {git_commit()}{f' (serve {args.serve_args})' if args.serve_args else ''}; {plan.rounds} round(s), "
        f"servers interleaved; {f'the crawler list {plan.passes} times over; ' if plan.passes > 1 else ''}"
        f"a run is capped at {plan.cap} s; {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f} at the end.\n"
    )
    print(ratios_table(rows, args.concurrency))
    print()
    print(detail_table(rows))
    for size, about in lists.items():
        for problem in about["mismatches"]:
            print(f"\n{size} measures, answers differ: {problem}")
        for event in about["stuck"]:
            print(f"\n{event}")
    out = args.json or HERE / "results" / f"distinct-{'quick' if args.quick else 'full'}-{when:%Y%m%d-%H%M}.json"
    meta = {
        "when": when.isoformat(timespec="seconds"),
        "commit": git_commit(),
        "serve_args": args.serve_args,
        "plan": asdict(plan),
        "sizes": sizes,
        "clients": args.concurrency,
        "cores": os.cpu_count(),
        "machine": platform.platform(),
        "lists": lists,
    }
    document = {"meta": meta, "summary": rows, "measurements": [asdict(m) | {"rate": m.rate} for m in measurements]}
    Path(out).write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nJSON: {out}")
