"""The built graph as one file of N-Quads lines in the dumps' order, written with bounded memory.

The order is by graph, subject, predicate and object (each as its N-Quads term), blank nodes labelled by
RDF Dataset Canonicalization (RDFC-1.0): the same graph always gives the same sequence, whatever order the
files were read in. Only the quads that hold a blank node are canonicalised — the others cannot change any
blank node's label — and each graph is sorted on its own in runs of bounded size, merged on disk, so no
step holds more than a run's worth of the graph as Python objects. Every dump is then read from this file.

Within one graph, comparing whole lines orders quads as comparing (subject, predicate, object) would: a
term is never a proper prefix of another term at the same place followed by a character below the space
(N-Quads escapes every control character), so the separating space decides as the shorter term would.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from ..rdf.iris import BaseRewriter
from ..rdf.oxigraph_types import select, serialized

RUN_QUADS = 200_000  # quads sorted in memory at a time: a run of ~40 MB of lines
_BLANK_QUADS = """SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isBlank(?s) || isBlank(?o)) }"""


@dataclass(frozen=True)
class Section:
    """Where one graph's lines lie in the file: [start, end) in bytes; `term` is its graph name as written."""

    term: bytes
    start: int
    end: int


@dataclass(frozen=True)
class SortedDataset:
    path: Path
    sections: list[Section]

    def lines(self, section: Section | None = None) -> Iterator[bytes]:
        """The N-Quads lines of one graph, or of all of them in order."""
        start, end = (section.start, section.end) if section else (0, self.path.stat().st_size)
        with self.path.open("rb") as file:
            file.seek(start)
            yield from _lines_until(file, end - start)

    def triple_lines(self, section: Section) -> Iterator[bytes]:
        """One graph's lines as N-Triples: the graph name cut off (every line ends in " <graph> .\\n")."""
        cut = len(section.term) + 4
        for line in self.lines(section):
            yield line[:-cut] + b" .\n"

    def section(self, graph: str) -> Section | None:
        term = str(ox.NamedNode(graph)).encode()
        return next((s for s in self.sections if s.term == term), None)


def write(store: ox.Store, rewriter: BaseRewriter, path: Path) -> SortedDataset:
    """Writes the store's quads, moved to the rewriter's base, canonical and sorted, to `path`."""
    blank = _canonical_blank_quads(store, rewriter)
    named = ((str(ox.NamedNode(rewriter.iri(g.value))).encode(), g) for g in store.named_graphs())
    graphs = sorted(named, key=lambda pair: pair[0])
    sections = []
    runs_folder = path.with_name(path.name + ".runs")
    runs_folder.mkdir()
    with path.open("wb") as out:
        for term, graph in graphs:
            quads = _without_blank_nodes(rewriter.quads(store.quads_for_pattern(None, None, None, graph)))
            runs = _sorted_runs(quads, runs_folder)
            start = out.tell()
            try:
                out.writelines(heapq.merge(blank.pop(term, []), *(_run_lines(run) for run in runs)))
            finally:
                for run in runs:
                    run.unlink()
            sections.append(Section(term, start, out.tell()))
    runs_folder.rmdir()
    return SortedDataset(path, sections)


def _canonical_blank_quads(store: ox.Store, rewriter: BaseRewriter) -> dict[bytes, list[bytes]]:
    """The quads that hold a blank node, canonicalised together (a blank node may span graphs), as sorted
    N-Quads lines per graph name."""
    rows = select(store, _BLANK_QUADS)
    quads = rewriter.quads(ox.Quad(row["s"], row["p"], row["o"], row["g"]) for row in rows)
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    per_graph: dict[bytes, list[bytes]] = {}
    for line in serialized(dataset, ox.RdfFormat.N_QUADS).splitlines(keepends=True):
        graph = line[line.rindex(b" ", 0, len(line) - 3) + 1 : -3]
        per_graph.setdefault(graph, []).append(line)
    for lines in per_graph.values():
        lines.sort()
    return per_graph


def _without_blank_nodes(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    for quad in quads:
        if not isinstance(quad.subject, ox.BlankNode) and not isinstance(quad.object, ox.BlankNode):
            yield quad


def _sorted_runs(quads: Iterator[ox.Quad], folder: Path) -> list[Path]:
    runs: list[Path] = []
    while batch := list(itertools.islice(quads, RUN_QUADS)):
        lines = serialized(batch, ox.RdfFormat.N_QUADS).splitlines(keepends=True)
        del batch
        lines.sort()
        run = folder / f"{len(runs)}.nq"
        with run.open("wb") as file:
            file.writelines(lines)
        runs.append(run)
    return runs


def _run_lines(run: Path) -> Iterator[bytes]:
    with run.open("rb") as file:
        yield from file


def _lines_until(file: IO[bytes], size: int) -> Iterator[bytes]:
    for line in file:
        size -= len(line)
        if size < 0:
            return
        yield line
        if size == 0:
            return


def merged_unique(streams: Iterable[Iterator[bytes]]) -> Iterator[bytes]:
    """Sorted streams merged into one sorted stream without repeats."""
    previous = None
    for line in heapq.merge(*streams):
        if line != previous:
            yield line
            previous = line
