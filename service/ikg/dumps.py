"""Writing the graph as gzipped dumps in every RDF format, byte-identical for identical input."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

from .formats import RDF_FORMATS, RdfFormat

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


def union_triples(quads: list[ox.Quad]) -> list[ox.Triple]:
    """The triples of all graphs, each once, for formats that have no named graphs."""
    unique = {(q.subject, q.predicate, q.object) for q in quads}
    return sorted((ox.Triple(*t) for t in unique), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def serialise(quads: list[ox.Quad], triples: list[ox.Triple], rdf_format: RdfFormat, prefixes: dict[str, str]) -> bytes:
    data = quads if rdf_format.keeps_graphs else triples
    takes_prefixes = rdf_format.name in ("turtle", "trig", "rdfxml")
    return ox.serialize(data, format=rdf_format.oxigraph, prefixes=prefixes if takes_prefixes else None)


def write_all(quads: list[ox.Quad], folder: Path, prefixes: dict[str, str]) -> list[Dump]:
    triples = union_triples(quads)
    dumps = []
    for rdf_format in RDF_FORMATS:
        name = f"{DUMP_STEM}.{rdf_format.suffix}.gz"
        compressed = _gzip(serialise(quads, triples, rdf_format, prefixes))
        (folder / name).write_bytes(compressed)
        digest = hashlib.sha256(compressed).hexdigest()
        (folder / f"{name}.sha256").write_text(f"{digest}  {name}\n", encoding="ascii")
        dumps.append(Dump(name, rdf_format.name, rdf_format.media_type, len(compressed), digest))
    return dumps


def _gzip(data: bytes) -> bytes:
    # mtime=0 and no file name in the header: the archive depends on the content alone.
    return gzip.compress(data, compresslevel=9, mtime=0)
