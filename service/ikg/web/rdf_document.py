"""An RDF document of the build (the catalogue, VoID), kept parsed, each serialisation made once."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..builder.catalogue import PREFIXES
from ..rdf.oxigraph_types import serialized
from ..sparql.result_cache import CachedResult


@dataclass
class RdfDocument:
    """One RDF document of the build, kept parsed, with each serialisation made once."""

    triples: list[ox.Triple]
    version: str
    _bodies: dict[str, CachedResult] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> RdfDocument:
        data = path.read_bytes()
        triples = [q.triple for q in ox.parse(data, format=ox.RdfFormat.TURTLE)]
        return cls(triples, hashlib.sha256(data).hexdigest()[:32])

    def body(self, media_type: str) -> CachedResult:
        if media_type not in self._bodies:
            rdf_format = ox.RdfFormat.from_media_type(media_type)
            takes_prefixes = media_type in ("text/turtle", "application/rdf+xml")
            serialised = serialized(self.triples, rdf_format, PREFIXES if takes_prefixes else None)
            self._bodies[media_type] = CachedResult(serialised, f'"{self.version}-{len(self._bodies)}"')
        return self._bodies[media_type]

    def store(self) -> ox.Store:
        store = ox.Store()
        store.extend([ox.Quad(t.subject, t.predicate, t.object) for t in self.triples])
        return store
