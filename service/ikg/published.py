"""One good build as the service serves it: read once, replaced whole by a reload, never changed in place.

Requests read the current snapshot when they start; a reload swaps in a new one between two requests,
so a request never sees half of one build and half of the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .build import VOID_FILE, catalogue_file, read_manifest
from .catalogue import PROFILES
from .formats import RDF_FORMATS
from .iris import CANONICAL_BASE, BaseRewriter
from .named_queries import NamedQuery, load_all
from .publication_config import PublicationConfig
from .publication_config import load as load_config
from .rdf_document import RdfDocument
from .result_cache import ResultCache

FORMAT_LABELS = {f.name: f.label for f in RDF_FORMATS}


@dataclass(frozen=True)
class Published:
    dist: Path
    manifest: dict
    queries: dict[str, NamedQuery]
    cache: ResultCache
    config: PublicationConfig
    catalogues: dict[str, RdfDocument]
    void: RdfDocument
    catalogue_store: ox.Store  # the 3.0 catalogue, queried for its page
    dumps: dict[str, dict]  # by file name, as the build listed them, with a readable format name

    @classmethod
    def load(
        cls, root: Path, dist: Path, public_base: str, cache_entries: int, cache_bytes: int = 64_000_000
    ) -> Published:
        manifest = read_manifest(dist)
        catalogues = {profile: RdfDocument.read(dist / catalogue_file(profile)) for profile in PROFILES}
        return cls(
            dist=dist,
            manifest=manifest,
            queries=load_all(root / "queries", BaseRewriter(CANONICAL_BASE, public_base)),
            cache=ResultCache(manifest["graph_version"], cache_entries, cache_bytes),
            config=load_config(root),
            catalogues=catalogues,
            void=RdfDocument.read(dist / VOID_FILE),
            catalogue_store=catalogues["dcat-ap-de-3.0"].store(),
            dumps={d["file"]: {**d, "label": FORMAT_LABELS.get(d["format"], d["format"])} for d in manifest["dumps"]},
        )
