"""`ikg publish --store URL…`: the built graph, named graph by named graph, into one or several SPARQL stores.

All graphs go in one SPARQL 1.1 Update request (DROP SILENT GRAPH, then INSERT DATA, per graph): a store
that runs an update as one transaction (Oxigraph, Fuseki with TDB2) either takes the whole build or keeps
every graph it had. The update drops the build marker first and writes it last (store_marker), so that
`ikg serve --store` finds it only when the whole build is in. Afterwards each graph is counted in the store
and compared with the build. Several stores (replicas) get the same update one after the other; one that
fails does not keep the others from the build, and is named in the error.
"""

from __future__ import annotations

import gzip
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox

from ..builder.store_marker import BuildMark
from ..rdf.oxigraph_types import serialized
from .external_store import StoreEndpoints, first_line

# A store applying a large update may take a while; publishing is not a query.
PUBLISH_TIMEOUT = 300.0
_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


class PublishError(Exception):
    """The store refused the graphs or went away; what it holds is what it held before, where it can."""


@dataclass(frozen=True)
class PublishReport:
    graphs: dict[str, int]  # triples per named graph, as built and as each store now holds them
    stores: tuple[str, ...] = ()  # the query endpoints of the stores that hold them

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def graphs_of(dist: Path) -> dict[str, list[ox.Triple]]:
    """The build's quads, by named graph."""
    grouped: dict[str, list[ox.Triple]] = defaultdict(list)
    for quad in ox.parse(gzip.decompress((dist / "ikg.nq.gz").read_bytes()), format=ox.RdfFormat.N_QUADS):
        if isinstance(quad.graph_name, ox.NamedNode):
            grouped[quad.graph_name.value].append(ox.Triple(quad.subject, quad.predicate, quad.object))
    return dict(grouped)


def update_text(graphs: dict[str, list[ox.Triple]], mark: BuildMark) -> str:
    """One SPARQL Update replacing each graph whole, between dropping and writing the build's marker;
    N-Triples is valid inside INSERT DATA."""
    parts = [mark.drop()]
    for name, triples in sorted(graphs.items()):
        body = serialized(triples, ox.RdfFormat.N_TRIPLES).decode("utf-8")
        parts.append(f"DROP SILENT GRAPH <{name}> ;\nINSERT DATA {{ GRAPH <{name}> {{\n{body}}} }}")
    parts.append(mark.insert())
    return " ;\n".join(parts)


def publish(dist: Path, stores: Sequence[StoreEndpoints]) -> PublishReport:
    """The build into every store; a PublishError names each store that did not take it."""
    missing = [endpoints.query for endpoints in stores if endpoints.update is None]
    if missing:
        raise PublishError(
            f"no update endpoint for {', '.join(missing)}; give it with --store-update "
            "(Oxigraph and Fuseki: .../update)"
        )
    graphs = graphs_of(dist)
    update = update_text(graphs, BuildMark.of(dist)).encode("utf-8")
    built = {name: len(set(triples)) for name, triples in graphs.items()}
    published, failures = [], []
    for endpoints in stores:
        try:
            _publish_to(endpoints, update, built)
            published.append(endpoints.query)
        except PublishError as failure:
            failures.append(failure)
    if failures:
        if len(stores) == 1:
            raise failures[0]
        done = f"; the build is in {', '.join(published)}" if published else ""
        raise PublishError("; ".join(str(f) for f in failures) + done)
    return PublishReport(built, tuple(published))


def _publish_to(endpoints: StoreEndpoints, update: bytes, built: dict[str, int]) -> None:
    assert endpoints.update is not None
    with httpx.Client(auth=endpoints.credentials, timeout=PUBLISH_TIMEOUT) as client:
        try:
            response = client.post(
                endpoints.update, content=update, headers={"Content-Type": "application/sparql-update; charset=utf-8"}
            )
        except httpx.HTTPError as problem:
            raise PublishError(f"the SPARQL store at {endpoints.host} went away while loading: {problem}") from problem
        if response.status_code not in (200, 204):
            raise PublishError(
                f"the SPARQL store at {endpoints.host} refused the graphs ({response.status_code}): "
                f"{first_line(response.text)}"
            )
        held = _counts(client, endpoints)
    differing = {name: (count, held.get(name, 0)) for name, count in built.items() if held.get(name, 0) != count}
    if differing:
        detail = "; ".join(f"<{g}>: built {b}, stored {s}" for g, (b, s) in sorted(differing.items()))
        raise PublishError(f"the store at {endpoints.host} does not hold what was built: {detail}")


def _counts(client: httpx.Client, endpoints: StoreEndpoints) -> dict[str, int]:
    try:
        response = client.post(
            endpoints.query, data={"query": _COUNTS}, headers={"Accept": "application/sparql-results+json"}
        )
        rows = response.json()["results"]["bindings"]
    except (httpx.HTTPError, ValueError, KeyError) as problem:
        raise PublishError(f"the graphs were sent, but the store cannot be asked what it holds: {problem}") from problem
    return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}
