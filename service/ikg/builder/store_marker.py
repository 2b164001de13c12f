"""Which build an external store holds: a small named graph that `ikg publish` writes together with the data.

The graph `<BASE graph/publication>` states the base URL and the graph version of the build (the digest in the
manifest). `ikg serve --store` compares it with the build it serves: a store that holds the build of another
base URL, an older build or none at all would otherwise be served as if it were this one, empty or stale.
ikg states the dataset of every query with the build's own graphs, so the marker is not part of any answer;
only a store whose default graph is the union of all its graphs shows it, as one more graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .manifest import Manifest, read_manifest

VERSION = "http://www.w3.org/2002/07/owl#versionInfo"
URI_SPACE = "http://rdfs.org/ns/void#uriSpace"

# Every build the store holds, whatever its base: for a message that says what is there instead.
HELD = (
    f"SELECT ?base ?version WHERE {{ GRAPH ?g {{ ?g <{URI_SPACE}> ?base ; <{VERSION}> ?version }} }} "
    "ORDER BY ?base LIMIT 20"
)


@dataclass(frozen=True)
class BuildMark:
    base: str
    version: str

    @classmethod
    def of(cls, dist: Path) -> BuildMark:
        return cls.of_manifest(read_manifest(dist))

    @classmethod
    def of_manifest(cls, manifest: Manifest) -> BuildMark:
        return cls(manifest.base, manifest.graph_version)

    @property
    def graph(self) -> str:
        return f"{self.base}graph/publication"

    def drop(self) -> str:
        """First in a publishing update: a store that applies it only in part then holds no marker at all."""
        return f"DROP SILENT GRAPH <{self.graph}>"

    def insert(self) -> str:
        """Last in a publishing update, once every graph of the build is in."""
        graph = ox.NamedNode(self.graph)
        marker = f"{graph} <{URI_SPACE}> {ox.Literal(self.base)} ;\n    <{VERSION}> {ox.Literal(self.version)} ."
        return f"INSERT DATA {{ GRAPH {graph} {{\n{marker}\n}} }}"


def problem(mark: BuildMark, held: list[tuple[str, str]], publish_command: str) -> str | None:
    """None when the store holds exactly `mark`'s build; else what it holds and what to run."""
    versions = [version for base, version in held if base == mark.base]
    if mark.version in versions:
        return None
    remedy = f"publish the build served here with `{publish_command} --base-url {mark.base}`"
    if versions:
        return (
            f"the SPARQL store holds another build of {mark.base} (graph version {versions[0]}, "
            f"served here: {mark.version}); {remedy}"
        )
    if held:
        others = ", ".join(sorted({base for base, _ in held}))
        return f"the SPARQL store holds no build for {mark.base}, only for {others}; {remedy}"
    return f"the SPARQL store holds no build published by ikg; {remedy}"
