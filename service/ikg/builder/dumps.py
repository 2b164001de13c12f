"""Writing the graph as gzipped dumps in every RDF format, byte-identical for identical input.

Every dump is streamed from the sorted dataset on disk (see `sorted_dataset`) through a gzip stream into
its file, so the memory a dump takes does not grow with the graph. The formats are written side by side:
compressing releases the interpreter lock, so a second core compresses while the first serialises.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

from ..rdf.formats import RDF_FORMATS, RdfFormat
from ..rdf.oxigraph_types import as_output
from .sorted_dataset import SortedDataset, merged_unique

DUMP_STEM = "ikg"
_CHUNK = 1 << 20  # bytes handed to the compressor at a time


@dataclass(frozen=True)
class Dump:
    file: str
    format: str
    media_type: str
    bytes: int
    sha256: str

    def as_dict(self) -> dict:
        return asdict(self)


def write_all(data: SortedDataset, folder: Path, prefixes: dict[str, str], marked: set[str]) -> list[Dump]:
    """Every format; those without named graphs state the statements of the `marked` graphs only in
    reified form (see `evidence`), so that no triple dump presents a marked statement as sourced."""
    triples = honest_triples(data, marked)
    try:
        jobs = [_format_job(data.path, triples, f, folder, prefixes) for f in RDF_FORMATS]
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            return list(pool.map(lambda job: job(), jobs))
    finally:
        triples.unlink()


def honest_triples(data: SortedDataset, marked: set[str]) -> Path:
    """The triples for formats without named graphs, as a sorted N-Triples file next to the dataset: every
    statement of the sourced and descriptive graphs once, none of the marked graphs, whose statements the
    evidence graph holds reified, with their level and reason (and a copy of a blank-node object)."""
    terms = {str(ox.NamedNode(iri)).encode() for iri in marked}
    path = data.path.with_suffix(".honest.nt")
    with path.open("wb") as out:
        out.writelines(merged_unique(data.triple_lines(s) for s in data.sections if s.term not in terms))
    return path


def _format_job(
    quads: Path, triples: Path, rdf_format: RdfFormat, folder: Path, prefixes: dict[str, str]
) -> Callable[[], Dump]:
    source = quads if rdf_format.keeps_graphs else triples
    name = f"{DUMP_STEM}.{rdf_format.suffix}.gz"
    if rdf_format.name in ("nquads", "ntriples"):  # the file already is the dump
        return lambda: _write(folder, name, rdf_format, lambda sink: _copy(source, sink))
    takes_prefixes = rdf_format.name in ("turtle", "trig", "rdfxml")
    parsed = ox.RdfFormat.N_QUADS if rdf_format.keeps_graphs else ox.RdfFormat.N_TRIPLES

    def serialise(sink: GzipSink) -> None:
        statements = ox.parse(path=source, format=parsed)
        ox.serialize(statements, as_output(sink), rdf_format.oxigraph, prefixes=prefixes if takes_prefixes else None)

    return lambda: _write(folder, name, rdf_format, serialise)


def write_graph(data: SortedDataset, graph: str, stem: str, folder: Path, prefixes: dict[str, str]) -> Dump:
    """One named graph on its own, as Turtle: a report edition for those who want just that."""
    turtle = next(f for f in RDF_FORMATS if f.name == "turtle")
    section = data.section(graph)
    text = b"".join(data.triple_lines(section)) if section else b""

    def serialise(sink: GzipSink) -> None:
        ox.serialize(ox.parse(text, format=ox.RdfFormat.N_TRIPLES), as_output(sink), turtle.oxigraph, prefixes=prefixes)

    return _write(folder, f"{DUMP_STEM}-{stem}.ttl.gz", turtle, serialise)


def graph_version(data: SortedDataset) -> str:
    """A digest of the graph's content: it changes exactly when the data does."""
    digest = hashlib.sha256()
    for line in data.lines():
        digest.update(line[:-3] + b"\n")  # each quad as written, without the closing " ."
    return digest.hexdigest()[:16]


class GzipSink:
    """A gzip stream into a file, counted and hashed as it is written.

    mtime 0 and no file name in the header: the archive depends on the content alone. Fed in chunks, the
    compressor gives the same bytes as gzip.compress(data, 9, mtime=0) on the whole."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("wb")
        self._compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
        self._pending = bytearray()
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes, /) -> int:
        self._pending += data
        if len(self._pending) >= _CHUNK:
            self._emit(self._compressor.compress(self._pending))
            self._pending.clear()
        return len(data)

    def flush(self) -> None:
        """Compressed data goes out in chunks; a flush of the serialiser must not break the stream."""

    def close(self) -> None:
        try:
            self._emit(self._compressor.compress(self._pending))
            self._emit(self._compressor.flush())
        finally:
            self._file.close()

    def _emit(self, compressed: bytes) -> None:
        self._file.write(compressed)
        self.digest.update(compressed)
        self.size += len(compressed)


def _write(folder: Path, name: str, rdf_format: RdfFormat, fill: Callable[[GzipSink], None]) -> Dump:
    sink = GzipSink(folder / name)
    try:
        fill(sink)
    finally:
        sink.close()
    digest = sink.digest.hexdigest()
    (folder / f"{name}.sha256").write_text(f"{digest}  {name}\n", encoding="ascii")
    return Dump(name, rdf_format.name, rdf_format.media_type, sink.size, digest)


def _copy(source: Path, sink: GzipSink) -> None:
    with source.open("rb") as file:
        for chunk in _chunks(file.read):
            sink.write(chunk)


def _chunks(read: Callable[[int], bytes]) -> Iterator[bytes]:
    while chunk := read(_CHUNK):
        yield chunk
