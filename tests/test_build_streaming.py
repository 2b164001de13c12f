"""`ikg build` streams its dumps: the same quads, labels and order as canonicalising and sorting the whole
graph in memory, the same gzip bytes, and a peak memory that does not hold the graph as Python objects."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from ikg.builder import evidence, sources
from ikg.builder.dumps import GzipSink
from ikg.builder.materialise import materialise

import generate

# Peak of a whole `ikg build` of 2,000 synthetic measures (~75,000 quads). Holding every quad as Python
# objects, as the build did before it streamed, took 278 MiB; streamed it takes 124 MiB.
PEAK_MIB_AT_2000 = 200
PEAK = "peak of the build:"
# `ikg build` that tells, as it ends, the peak of its own memory (VmHWM belongs to the process's address space,
# which exec makes new). The rusage of a child would not do: its ru_maxrss keeps the peak of the address space
# it was forked from, here the test process, which under pytest-xdist is larger than the build.
REPORTS_ITS_PEAK = f"""
import runpy, sys
sys.argv = ["ikg", *sys.argv[1:]]
try:
    runpy.run_module("ikg", run_name="__main__")
finally:
    peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:")).split()[1]
    print("{PEAK}", peak, file=sys.stderr)
"""


@pytest.fixture(scope="module")
def store() -> ox.Store:
    loaded = sources.load(sources.project_sources(ROOT))
    materialise(loaded.store)
    evidence.annotate(loaded.store)
    return loaded.store


@pytest.fixture(scope="module")
def whole_graph(store: ox.Store) -> list[ox.Quad]:
    """The built graph the way the build made it before streaming: every quad canonicalised at once, sorted
    by the terms as written."""
    dataset = ox.Dataset(store)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(dataset, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))


def _dump(dist: Path, suffix: str, rdf_format: ox.RdfFormat) -> list:
    """The dump's quads, or its triples for a format without graphs."""
    parsed = ox.parse(gzip.decompress((dist / f"ikg.{suffix}.gz").read_bytes()), format=rdf_format)
    return list(parsed) if rdf_format.supports_datasets else [q.triple for q in parsed]


def test_the_nquads_dump_is_the_whole_graph_canonicalised_at_once_in_sorted_order(
    built: Path, whole_graph: list[ox.Quad]
) -> None:
    assert _dump(built, "nq", ox.RdfFormat.N_QUADS) == whole_graph


@pytest.mark.parametrize(("suffix", "rdf_format"), [("trig", ox.RdfFormat.TRIG), ("jsonld", ox.RdfFormat.JSON_LD)])
def test_every_dump_with_graphs_holds_the_same_quads(
    built: Path, whole_graph: list[ox.Quad], suffix: str, rdf_format: ox.RdfFormat
) -> None:
    assert set(_dump(built, suffix, rdf_format)) == set(whole_graph)


@pytest.mark.parametrize(("suffix", "rdf_format"), [("ttl", ox.RdfFormat.TURTLE), ("rdf", ox.RdfFormat.RDF_XML)])
def test_every_triple_dump_holds_the_same_triples_as_the_ntriples_dump(
    built: Path, suffix: str, rdf_format: ox.RdfFormat
) -> None:
    assert set(_dump(built, suffix, rdf_format)) == set(_dump(built, "nt", ox.RdfFormat.N_TRIPLES))


def test_the_ntriples_dump_is_every_unmarked_triple_once_in_sorted_order(
    built: Path, whole_graph: list[ox.Quad], store: ox.Store
) -> None:
    marked = evidence.marked_graphs(store)
    assert marked, "the real graph has graphs whose statements only the evidence graph states"
    unmarked = {q.triple for q in whole_graph if q.graph_name not in marked}
    expected = sorted(unmarked, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    assert _dump(built, "nt", ox.RdfFormat.N_TRIPLES) == expected


def test_a_gzip_stream_fed_in_pieces_gives_the_bytes_of_compressing_the_whole(tmp_path: Path) -> None:
    data = b"".join(
        f'<https://ikg.example/s/{i}> <https://ikg.example/p> "{i * i}" .\n'.encode() for i in range(60_000)
    )
    sink = GzipSink(tmp_path / "out.gz")
    for start in range(0, len(data), 7_919):  # pieces of a size no buffer boundary shares
        sink.write(data[start : start + 7_919])
    sink.close()
    assert (tmp_path / "out.gz").read_bytes() == gzip.compress(data, compresslevel=9, mtime=0)


def test_peak_memory_of_a_build_stays_below_holding_the_graph_as_python_objects(tmp_path: Path) -> None:
    project = tmp_path / "project"
    generate.generate(2_000, project / "graph")
    for part in ("vocab", "shapes", "publication.toml"):
        (project / part).symlink_to(ROOT / part)
    arguments = ["build", "--root", str(project), "--dist", str(tmp_path / "dist")]
    result = subprocess.run([sys.executable, "-c", REPORTS_ITS_PEAK, *arguments], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    peak_kib = int(result.stderr.rsplit(PEAK, 1)[1].split()[0])
    assert peak_kib / 1024 < PEAK_MIB_AT_2000
