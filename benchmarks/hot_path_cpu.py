"""CPU that ikg adds per uncached request, over the engine's own time for the same query.

Runs `ikg serve` with the result cache off (IKG_CACHE_ENTRIES=0), sends every query of a list of distinct
cheap lookups (every subject's statements, every subject's types) from client processes, and reads the CPU
the server and its query workers spent (/proc, children included) per request. The same queries are then
evaluated and serialised in this process with pyoxigraph alone: the engine's time. The difference is ikg's.

    python benchmarks/hot_path_cpu.py --dist dist --rounds 3
"""

from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import httpx
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")
RESULTS = "application/sparql-results+json"


def cheap_queries(dist: Path, limit: int) -> list[str]:
    store = _store(dist)
    subjects = sorted({q.subject.value for q in store if isinstance(q.subject, ox.NamedNode)})[:limit]
    return [f"SELECT ?p ?o WHERE {{ <{s}> ?p ?o }}" for s in subjects] + [f"ASK {{ <{s}> a ?type }}" for s in subjects]


def _store(dist: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(gzip.decompress((dist / "ikg.nq.gz").read_bytes()), format=ox.RdfFormat.N_QUADS)
    return store


def engine_cpu(dist: Path, queries: list[str]) -> float:
    """Seconds of CPU pyoxigraph takes to evaluate and serialise the queries in this process."""
    store = _store(dist)
    started = time.process_time()
    for query in queries:
        store.query(query, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON)  # type: ignore[union-attr]
    return time.process_time() - started


def _tree_cpu(pid: int, own_only: bool = False) -> float:
    """CPU seconds of a process, or of it and its living descendants plus what its reaped children used."""
    return _ticks(pid, own_only) / TICKS


def _ticks(pid: int, own_only: bool) -> int:
    total = 0
    for task in Path("/proc").iterdir():
        if not task.name.isdigit():
            continue
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ppid, own = int(fields[1]), int(fields[11]) + int(fields[12])
        if int(task.name) == pid:
            total += own + (0 if own_only else int(fields[13]) + int(fields[14]))
        elif ppid == pid and not own_only:
            total += _ticks(int(task.name), own_only)
    return total


def _settle(pid: int) -> None:
    """Returns once the server and its workers have been idle for a second (every worker loaded)."""
    before = _tree_cpu(pid)
    while True:
        time.sleep(1)
        now = _tree_cpu(pid)
        if now - before < 0.05:
            return
        before = now


def _send(args: tuple[str, list[str]]) -> int:
    endpoint, queries = args
    with httpx.Client(timeout=60) as client:
        for query in queries:
            response = client.get(endpoint, params={"query": query}, headers={"Accept": RESULTS})
            assert response.status_code == 200, response.text
    return len(queries)


def served_cpu(dist: Path, queries: list[str], clients: int, port: int) -> tuple[float, float]:
    """CPU seconds of the serving process and of it with its workers."""
    env = {**os.environ, "IKG_CACHE_ENTRIES": "0"}
    command = [sys.executable, "-m", "ikg", "serve", "--dist", str(dist), "--port", str(port)]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "health").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        _settle(server.pid)  # the quick lane and the spare load after /health answers
        _send((base + "sparql", queries[:50]))  # warm up
        before, before_own = _tree_cpu(server.pid), _tree_cpu(server.pid, own_only=True)
        with ProcessPoolExecutor(clients) as pool:
            sent = sum(pool.map(_send, [(base + "sparql", queries[i::clients]) for i in range(clients)]))
        assert sent == len(queries)
        return _tree_cpu(server.pid, own_only=True) - before_own, _tree_cpu(server.pid) - before
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--subjects", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    queries = cheap_queries(args.dist, args.subjects)
    for _ in range(args.rounds):
        engine = engine_cpu(args.dist, queries) / len(queries) * 1000
        own, served = (s / len(queries) * 1000 for s in served_cpu(args.dist, queries, args.clients, args.port))
        print(
            f"{len(queries)} queries: engine {engine:.3f} ms, ikg {served:.3f} ms CPU per request "
            f"({own:.3f} ms in the serving process), ikg adds {served - engine:.3f} ms"
        )


if __name__ == "__main__":
    main()
