"""One good build as the service serves it: read once, replaced whole by a reload, never changed in place.

Requests read the current snapshot when they start; a reload swaps in a new one between two requests,
so a request never sees half of one build and half of the next. A reload renames dist/ away and puts
the next build in its place; the files of a snapshot are therefore opened through a descriptor of its
own folder, never by the path dist/, so a download started before a swap still comes whole from its build.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from ..builder.catalogue import PROFILES
from ..builder.manifest import Manifest, read_manifest
from ..builder.pipeline import VOID_FILE, catalogue_file
from ..builder.publication_config import PublicationConfig
from ..builder.publication_config import load as load_config
from ..rdf.formats import RDF_FORMATS
from ..rdf.iris import CANONICAL_BASE, BaseRewriter
from ..sparql.named_queries import NamedQuery, load_all
from ..sparql.result_cache import ResultCache
from .rdf_document import RdfDocument

FORMAT_LABELS = {f.name: f.label for f in RDF_FORMATS}


class BuildFolder:
    """One build's folder, held open: it stays readable by this handle when it is renamed or replaced."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)

    def open(self, name: str) -> BinaryIO:
        return os.fdopen(os.open(name, os.O_RDONLY, dir_fd=self.fd), "rb")

    def __del__(self) -> None:
        # Closed only when no snapshot refers to it any more: an explicit close could let the number be
        # reused for another folder while a request still holds the snapshot.
        if hasattr(self, "fd"):
            os.close(self.fd)


@dataclass(frozen=True)
class Published:
    dist: Path
    folder: BuildFolder
    manifest: Manifest
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
            folder=BuildFolder(dist),
            manifest=manifest,
            queries=load_all(root / "queries", BaseRewriter(CANONICAL_BASE, public_base)),
            cache=ResultCache(manifest.graph_version, cache_entries, cache_bytes),
            config=load_config(root),
            catalogues=catalogues,
            void=RdfDocument.read(dist / VOID_FILE),
            catalogue_store=catalogues["dcat-ap-de-3.0"].store(),
            dumps={d["file"]: {**d, "label": FORMAT_LABELS.get(d["format"], d["format"])} for d in manifest.dumps},
        )

    def open_dump(self, name: str) -> BinaryIO:
        """One of this build's listed dumps, opened from this build's folder wherever it has moved since."""
        if name not in self.dumps:
            raise KeyError(name)
        return self.folder.open(name)
