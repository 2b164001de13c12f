"""What a build wrote and what a server must know of it: `manifest.json` in dist/, as one type that the build
writes and every reader (the server, the reload, the store marker, the shrink check) reads, so that a key
misspelt is a type error instead of a KeyError in production."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

MANIFEST = "manifest.json"


class Statistics(TypedDict):
    quads: int
    triples: int
    distinct_subjects: int
    distinct_objects: int
    entities: int  # resources of the graph's own namespace
    domain: dict[str, int]  # per kind of resource the pages count (measures, organisations, …)
    graphs: dict[str, int]  # statements per named graph
    classes: dict[str, int]
    properties: dict[str, int]


@dataclass(frozen=True)
class Manifest:
    ikg_version: str
    base: str  # the base URL the IRIs were written with
    canonical_base: str  # the base of the sources, which the build rewrote to `base`
    graph_version: str  # the digest of the data: equal data, equal version, whatever the build's date
    modified: str  # when the data last changed (dcterms:modified), as a date
    statistics: Statistics
    dumps: list[dict[str, Any]]  # each download: file, format, size, sha256, licence
    editions: list[dict[str, str]]  # each report edition: report, graph, year, dump

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        """ValueError for a manifest this ikg did not write (an older one lacks fields: build again)."""
        try:
            return cls(**json.loads(text))
        except TypeError as mismatch:
            raise ValueError(f"{MANIFEST} does not hold the fields this ikg writes: {mismatch}") from None

    @property
    def measures(self) -> int:
        return self.statistics["domain"].get("measures", 0)

    @property
    def edition_years(self) -> set[str]:
        return {str(edition.get("year")) for edition in self.editions}


def read_manifest(dist: Path) -> Manifest:
    return Manifest.from_json((dist / MANIFEST).read_text(encoding="utf-8"))
