"""Every named query timed in-process (pyoxigraph) bound both ways: terms written in, and one VALUES block.

Runs on a synthetic graph (benchmarks/generate.py), with parameters that name its resources, and prints
a Markdown table of median milliseconds of CPU (tests/test_named_queries.py checks that both give one answer).

    python benchmarks/bindings.py --measures 10000 --runs 5
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ikg.sparql.named_queries import NamedQuery, load_all

from generate import BASE, generate

ROOT = Path(__file__).resolve().parent.parent
# Parameters that name resources of the synthetic graph; the others keep their defaults.
SYNTHETIC = {
    "resource": f"{BASE}id/measure/c00001-massnahme-01",
    "measure": f"{BASE}id/measure/c00001-massnahme-01",
    "goal": f"{BASE}id/goal/c00001-ziel-1-1",
    "organisation": f"{BASE}id/organisation/c00001-org-01",
    "programme": f"{BASE}id/programme/shared-01",
    "from": f"{BASE}id/report/c00001-statusbericht-2024",
    "to": f"{BASE}id/report/c00001-statusbericht-2024",
    "edition": f"{BASE}graph/report-2024",
    "text": "kurs",
}


def loaded(measures: int) -> ox.Store:
    store = ox.Store()
    with tempfile.TemporaryDirectory() as folder:
        for path in generate(measures, Path(folder)):
            store.load(path=str(path), format=ox.RdfFormat.TRIG)
    return store


def answer(store: ox.Store, query: str) -> list[str]:
    """The answer as sorted lines, blank nodes unnamed: comparable between two runs."""
    result = store.query(query, use_default_graph_as_union=True)
    if isinstance(result, ox.QueryBoolean):
        return [str(bool(result))]
    if isinstance(result, ox.QuerySolutions):
        names = result.variables
        return sorted(" ".join(_shown(row[v]) for v in names) for row in result)
    return sorted(" ".join(_shown(t) for t in (triple.subject, triple.predicate, triple.object)) for triple in result)


def _shown(term: object) -> str:
    return "_:b" if isinstance(term, ox.BlankNode) else str(term)


def timed(store: ox.Store, query: str, runs: int, timeout: float) -> float | None:
    """Median milliseconds of CPU, measured in a forked child (the store shared copy-on-write) that is killed
    when one run takes longer than `timeout` seconds: some queries grow with the square of the graph."""
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_time_runs, args=(store, query, runs, sending))
    child.start()
    times: list[float] = []
    while len(times) < runs and receiving.poll(timeout):
        times.append(receiving.recv())
    child.kill()
    child.join()
    return statistics.median(times) if len(times) == runs else None


def _time_runs(store: ox.Store, query: str, runs: int, sending: Connection) -> None:
    for _ in range(runs):
        # CPU time of the evaluating thread: other processes on a shared machine do not count.
        start = time.thread_time()
        answer(store, query)
        sending.send((time.thread_time() - start) * 1000)


def _ms(value: float | None, timeout: float) -> str:
    return f"> {timeout * 1000:.0f}" if value is None else f"{value:.2f}"


def values_for(named: NamedQuery) -> dict[str, str]:
    return {p.name: SYNTHETIC[p.name] for p in named.parameters if p.name in SYNTHETIC}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", nargs="*", help="these named queries only")
    parser.add_argument("--timeout", type=float, default=30, help="seconds one run may take")
    args = parser.parse_args()
    store = loaded(args.measures)
    print(f"{len(store):,} quads, {args.measures:,} measures, median of {args.runs} runs (ms of CPU)\n")
    print("| query | VALUES | written in | ratio |")
    print("|---|---:|---:|---:|")
    for name, named in load_all(ROOT / "queries").items():
        if args.only and name not in args.only:
            continue
        values = values_for(named)
        written, with_values = named.bind(values), named.bind_with_values(values)
        before = timed(store, with_values, args.runs, args.timeout)
        after = timed(store, written, args.runs, args.timeout)
        ratio = f"{before / after:.1f}×" if before and after else "–"
        print(f"| {name} | {_ms(before, args.timeout)} | {_ms(after, args.timeout)} | {ratio} |", flush=True)


if __name__ == "__main__":
    main()
