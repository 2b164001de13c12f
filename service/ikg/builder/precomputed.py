"""Every resource's description, written once by `ikg build` and served from the build's folder.

The data changes a few times a year while crawlers fetch every IRI: the build evaluates each description
once, in every RDF format its IRI offers, exactly as the live path does (`descriptions`: same query texts,
same serialisers, same ETags), and the dereferencing routes answer from these files without a query.

One pack file holds the bodies, one after another; an index file names, per IRI, where its bodies start,
their lengths and their ETags. One pack rather than a file per IRI and format (110,000 files at 10,000
measures): one descriptor per build, opened through the build's folder handle (see `published`), so a
request that started before a reload still reads the build it started on, and a reload that renames
dist/ away never serves a half-written pack — the build writes both files into its staging folder, which
is only put in place whole. The index is read into memory on the first dereferencing request of a build.

The HTML page is not written ahead: it depends on the reader's language and is for people, not crawlers;
it stays live (and its parts cached). Nothing else a dereferencing request can ask for takes parameters.
A pack made with other query texts or another base than the server's is not used; the live path answers.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import multiprocessing
import os
import shutil
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..rdf.iris import CANONICAL_BASE, BaseRewriter
from ..rdf.namespaces import prefixes
from ..rdf.oxigraph_types import select, serialized
from ..sparql.descriptions import (
    DESCRIPTION,
    QUADS,
    RDF_MEDIA,
    ROWS_MEDIA,
    WITH_GRAPHS,
    dataset_document,
    dataset_etag,
    is_described,
    quads_of,
    query_etag,
    written_in,
)
from ..sparql.named_queries import NamedQuery, load_all
from ..sparql.result_cache import ResultCache
from ..sparql.sparql_text import has_dataset_clause
from .evidence import MarkedIndex

PACK = "descriptions.pack"
INDEX = "descriptions.index"
DUMP = "ikg.nq.gz"  # what the query workers load: the descriptions are made from the same statements
TRIPLE_MEDIA = tuple(m for m in RDF_MEDIA if m not in WITH_GRAPHS)


def fingerprint(queries: dict[str, NamedQuery], base: str) -> str:
    """What the bytes and ETags depend on besides the graph: the two query texts and the base."""
    return hashlib.sha256(repr((queries[DESCRIPTION].text, queries[QUADS].text, base)).encode()).hexdigest()


# --- writing, in `ikg build` ------------------------------------------------------------------------------


def write(folder: Path, base: str, queries_folder: Path, graph_version: str) -> int:
    """Writes the description of every dereferenceable IRI of the dump in `folder`; returns how many."""
    queries = load_all(queries_folder, BaseRewriter(CANONICAL_BASE, base))
    if DESCRIPTION not in queries or QUADS not in queries:
        return 0  # a project without the description queries: there is nothing to describe resources with
    store = ox.Store()
    # Parsed, not bulk-loaded: the store then keeps the dump's blank node labels, as the query workers do,
    # where bulk_load would invent new ones in every process.
    store.extend(ox.parse(gzip.decompress((folder / DUMP).read_bytes()), format=ox.RdfFormat.N_QUADS))
    maker = _Maker(store, queries, base, ResultCache(graph_version, 0))
    iris = sorted(_described(store, base), key=lambda iri: iri.value)
    share = -(-len(iris) // _processes())
    parts = [iris[start : start + share] for start in range(0, len(iris), share)] or [[]]
    # Every description is made on its own, from a store no one changes: forked processes share it for free
    # and fill every core (a millisecond or two per IRI, 22,000 IRIs at 10,000 measures).
    context = multiprocessing.get_context("fork")
    helpers = [
        context.Process(target=_write_part, args=(maker, part, _part(folder, number)))
        for number, part in enumerate(parts[1:], 1)
    ]
    for helper in helpers:
        helper.start()
    _write_part(maker, parts[0], _part(folder, 0))
    for number, helper in enumerate(helpers, 1):
        helper.join()
        if helper.exitcode != 0:
            raise RuntimeError(f"writing the descriptions of part {number} failed (exit code {helper.exitcode})")
    header: dict[str, object] = {
        "graph_version": graph_version,
        "base": base,
        "queries": fingerprint(queries, base),
        "media": RDF_MEDIA,
    }
    _join(folder, len(parts), header)
    return len(iris)


def _processes() -> int:
    return max(1, len(os.sched_getaffinity(0)))


def _part(folder: Path, number: int) -> tuple[Path, Path]:
    return folder / f"{PACK}.{number}", folder / f"{INDEX}.{number}"


def _write_part(maker: _Maker, iris: list[ox.NamedNode], files: tuple[Path, Path]) -> None:
    """The pack and index of some IRIs, offsets counted from the start of this part."""
    pack_file, index_file = files
    with open(pack_file, "wb") as pack, open(index_file, "w", encoding="utf-8") as index:
        for iri in iris:
            bodies, etags = maker.make(iri)
            # RDF shrinks about tenfold; the fastest level keeps the build quick, reading costs microseconds.
            bodies = [zlib.compress(body, 1) for body in bodies]
            lengths = "\t".join(str(len(b)) for b in bodies)
            index.write(f"{iri.value}\t{pack.tell()}\t{lengths}\t{chr(9).join(etags)}\n")
            for body in bodies:
                pack.write(body)


def _join(folder: Path, parts: int, header: dict[str, object]) -> None:
    """The parts one after the other in one pack, their index entries moved by what comes before them."""
    with open(folder / PACK, "wb") as pack, open(folder / INDEX, "w", encoding="utf-8") as index:
        index.write(json.dumps(header) + "\n")
        for number in range(parts):
            pack_file, index_file = _part(folder, number)
            start = pack.tell()
            with open(pack_file, "rb") as part:
                shutil.copyfileobj(part, pack)
            with open(index_file, encoding="utf-8") as entries:
                for entry in entries:
                    iri, offset, rest = entry.split("\t", 2)
                    index.write(f"{iri}\t{start + int(offset)}\t{rest}")
            pack_file.unlink()
            index_file.unlink()


def _described(store: ox.Store, base: str) -> Iterator[ox.NamedNode]:
    """Each IRI the dereferencing routes answer for with a description, once: whatever is a subject or an
    object of a statement (what the live path's existence check asks)."""
    seen: set[str] = set()
    for quad in store:
        for term in (quad.subject, quad.object):
            if isinstance(term, ox.NamedNode) and term.value not in seen and is_described(term.value, base):
                seen.add(term.value)
                yield term


@dataclass
class _Maker:
    store: ox.Store
    queries: dict[str, NamedQuery]
    base: str
    cache: ResultCache  # makes no entries: only its ETags, the live path's

    def __post_init__(self) -> None:
        self.marked = MarkedIndex.from_store(self.store)
        self.namespaces = prefixes(self.base)
        # Writing an IRI in adds no dataset clause: the templates tell for every IRI (a third of the time).
        self.union = {name: not has_dataset_clause(self.queries[name].text) for name in (DESCRIPTION, QUADS)}

    def make(self, iri: ox.NamedNode) -> tuple[list[bytes], list[str]]:
        """The bodies and ETags of the IRI's description in each format of RDF_MEDIA, in that order."""
        triples_query = written_in(self.queries[DESCRIPTION], iri)
        rows_query = written_in(self.queries[QUADS], iri)
        # As the query workers evaluate (query_workers.execute): evaluated once, each format from the same triples.
        answer = self.store.query(triples_query, use_default_graph_as_union=self.union[DESCRIPTION])
        triples = list(self.marked.honest(answer))  # type: ignore[arg-type]
        solutions = select(self.store, rows_query, use_default_graph_as_union=self.union[QUADS])
        quads = quads_of(solutions)
        rows_etag = query_etag(self.cache, rows_query, ROWS_MEDIA)
        bodies, etags = [], []
        for media in RDF_MEDIA:
            if media in WITH_GRAPHS:
                bodies.append(dataset_document(quads, media, self.namespaces))
                etags.append(dataset_etag(rows_etag, media))
            else:
                bodies.append(serialized(triples, ox.RdfFormat.from_media_type(media)))
                etags.append(query_etag(self.cache, triples_query, media))
        return bodies, etags


# --- serving ----------------------------------------------------------------------------------------------
