"""Serving the descriptions `ikg build` wrote ahead (`precomputed`): the pack of a build opened once, on its
first dereferencing request, and each body read from it as asked."""

from __future__ import annotations

import json
import os
import weakref
import zlib

from ..builder.precomputed import INDEX, PACK, fingerprint
from ..sparql.descriptions import RDF_MEDIA
from ..sparql.result_cache import CachedResult
from .publication import Publication
from .published import Published


class Pack:
    """One build's written descriptions: the index in memory, the bodies read from the pack when asked."""

    def __init__(self, fd: int, entries: dict[str, tuple[int, tuple[int, ...], tuple[str, ...]]]) -> None:
        self.fd = fd
        self.entries = entries

    def get(self, iri: str, media: str) -> CachedResult | None:
        entry = self.entries.get(iri)
        if entry is None or media not in RDF_MEDIA:
            return None
        offset, lengths, etags = entry
        position = RDF_MEDIA.index(media)
        # A few kilobytes from the page cache: cheaper read here than handed to a thread.
        packed = os.pread(self.fd, lengths[position], offset + sum(lengths[:position]))
        return CachedResult(zlib.decompress(packed), etags[position])

    def __del__(self) -> None:
        if hasattr(self, "fd"):
            os.close(self.fd)


_NONE = Pack.__new__(Pack)  # a build without a usable pack: asked once, remembered
_NONE.entries = {}
_PACKS: weakref.WeakKeyDictionary[object, Pack] = weakref.WeakKeyDictionary()


def find(publication: Publication, iri: str, media: str) -> CachedResult | None:
    """The written description of `iri` in `media` in the served build, or None: then the live path answers."""
    current = publication.current
    pack = _PACKS.get(current.folder)
    if pack is None:
        pack = _open(current, publication.settings.public_base)
        _PACKS[current.folder] = pack
    return pack.get(iri, media)


def _open(current: Published, base: str) -> Pack:
    try:
        index = current.folder.open(INDEX)
        fd = os.open(PACK, os.O_RDONLY, dir_fd=current.folder.fd)
    except FileNotFoundError:
        return _NONE  # a build from before precomputed descriptions, or one that wrote none
    with index:
        header = json.loads(index.readline().decode())
        wanted = {
            "graph_version": current.manifest.graph_version,
            "base": base,
            "queries": fingerprint(current.queries, base),
            "media": list(RDF_MEDIA),
        }
        if header != wanted:
            os.close(fd)
            return _NONE
        size = len(RDF_MEDIA)
        entries = {}
        for line in index:
            iri, offset, *rest = line.decode().rstrip("\n").split("\t")
            entries[iri] = (int(offset), tuple(int(n) for n in rest[:size]), tuple(rest[size:]))
    return Pack(fd, entries)
