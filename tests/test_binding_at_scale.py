"""Describing one resource at 10,000 measures reads that resource, not the graph.

Dereferencing binds the resource into resource-description (triple formats, pages) and resource-quads
(formats with graphs); written into the text, the IRI is what the store plans with. Joined by a VALUES
block, the same description evaluated its UNION over the whole graph: ~80 ms of CPU per resource at this
size (issue 16). Measured as CPU time of this thread (pyoxigraph evaluates in the caller's thread), so
other processes on the machine do not count, and as the median of several runs.
"""

from __future__ import annotations

import statistics
import sys
import time

import pyoxigraph as ox
import pytest

from ikg.sparql.named_queries import load_all

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate

MEASURES = 10_000
MEASURE = f"{generate.BASE}id/measure/c00042-massnahme-07"
# An order of magnitude below the VALUES plan, and some hundred times the plan that reads one resource.
BOUND_MS = 20
RUNS = 5
QUERIES = load_all(ROOT / "queries")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    """The synthetic graph in memory, as the embedded store holds it: generated once for this module (~8 s)."""
    loaded = ox.Store()
    for path in generate.generate(MEASURES, tmp_path_factory.mktemp("m10000")):
        loaded.load(path=str(path), format=ox.RdfFormat.TRIG)
    return loaded


def _answer(store: ox.Store, query: str) -> list[object]:
    return list(store.query(query, use_default_graph_as_union=True))  # type: ignore[arg-type]


def _cpu_ms(store: ox.Store, query: str) -> float:
    times = []
    for _ in range(RUNS):
        start = time.thread_time()
        _answer(store, query)
        times.append((time.thread_time() - start) * 1000)
    return statistics.median(times)


@pytest.mark.parametrize("name", ["resource-description", "resource-quads"])
def test_describing_one_resource_at_10000_measures_takes_a_few_milliseconds(store: ox.Store, name: str) -> None:
    query = QUERIES[name].bind({"resource": MEASURE})
    assert len(_answer(store, query)) > 10, "the measure is not described: the bound would prove nothing"
    assert _cpu_ms(store, query) < BOUND_MS
