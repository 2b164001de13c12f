"""Writing the graph as gzipped dumps in every RDF format, byte-identical for identical input."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

from .evidence import honest_triples
from .formats import RDF_FORMATS, RdfFormat
from .oxigraph_types import serialized

DUMP_STEM = "ikg"


@dataclass(frozen=True)
class Dump:
    file: str
    format: str
    media_type: str
    bytes: int
    sha256: str

    def as_dict(self) -> dict:
        return asdict(self)


def canonical_quads(quads: list[ox.Quad]) -> list[ox.Quad]:
    """Blank nodes relabelled by RDF Dataset Canonicalization, then sorted: the same graph always gives the
    same sequence, whatever order the files were read in."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(dataset, key=_sort_key)


def _sort_key(quad: ox.Quad) -> tuple[str, str, str, str]:
    return (str(quad.graph_name), str(quad.subject), str(quad.predicate), str(quad.object))


def serialise(quads: list[ox.Quad], triples: list[ox.Triple], rdf_format: RdfFormat, prefixes: dict[str, str]) -> bytes:
    data = quads if rdf_format.keeps_graphs else triples
    takes_prefixes = rdf_format.name in ("turtle", "trig", "rdfxml")
    return serialized(data, rdf_format.oxigraph, prefixes if takes_prefixes else None)


def write_all(quads: list[ox.Quad], folder: Path, prefixes: dict[str, str], marked: set[ox.NamedNode]) -> list[Dump]:
    """Every format; those without named graphs state the statements of the `marked` graphs only in
    reified form (see `evidence`), so that no triple dump presents a marked statement as sourced."""
    triples = honest_triples(quads, marked)
    return [
        _write(folder, f"{DUMP_STEM}.{f.suffix}.gz", f, serialise(quads, triples, f, prefixes)) for f in RDF_FORMATS
    ]


def write_graph(quads: list[ox.Quad], graph: str, stem: str, folder: Path, prefixes: dict[str, str]) -> Dump:
    """One named graph on its own, as Turtle: a report edition for those who want just that."""
    turtle = next(f for f in RDF_FORMATS if f.name == "turtle")
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads if str(q.graph_name) == f"<{graph}>"]
    return _write(folder, f"{DUMP_STEM}-{stem}.ttl.gz", turtle, serialise([], triples, turtle, prefixes))


def _write(folder: Path, name: str, rdf_format: RdfFormat, data: bytes) -> Dump:
    compressed = _gzip(data)
    (folder / name).write_bytes(compressed)
    digest = hashlib.sha256(compressed).hexdigest()
    (folder / f"{name}.sha256").write_text(f"{digest}  {name}\n", encoding="ascii")
    return Dump(name, rdf_format.name, rdf_format.media_type, len(compressed), digest)


def _gzip(data: bytes) -> bytes:
    # mtime=0 and no file name in the header: the archive depends on the content alone.
    return gzip.compress(data, compresslevel=9, mtime=0)
