"""What the catalogue needs to know of the data: the status report editions and the years the data covers."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ..rdf.oxigraph_types import select

_EDITIONS = """
PREFIX schema: <http://schema.org/>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
SELECT ?report ?graph (MIN(SUBSTR(STR(?start), 1, 4)) AS ?year) WHERE {
    GRAPH ?graph { ?report a schema:Report }
    ?report dct:temporal/dcat:startDate ?start .
}
GROUP BY ?report ?graph
ORDER BY ?year
"""
_YEARS = """
PREFIX dcat: <http://www.w3.org/ns/dcat#>
SELECT (MIN(?year) AS ?first) (MAX(?year) AS ?last) WHERE {
    { ?period dcat:startDate ?date } UNION { ?period dcat:endDate ?date }
    BIND(SUBSTR(STR(?date), 1, 4) AS ?year)
}
"""


@dataclass(frozen=True)
class FoundEdition:
    report: str
    graph: str
    year: str

    @property
    def stem(self) -> str:
        """The graph's own name (report-2024): names its dump."""
        return self.graph.rstrip("/").rsplit("/", 1)[-1]


def find(store: ox.Store) -> list[FoundEdition]:
    """Every report of the data that has a named graph of its own and a year."""
    return [
        FoundEdition(row["report"].value, row["graph"].value, row["year"].value)
        for row in select(store, _EDITIONS, use_default_graph_as_union=True)
    ]


def coverage(store: ox.Store) -> tuple[str, str] | None:
    """The first and the last year any period in the data names."""
    row = next(iter(select(store, _YEARS, use_default_graph_as_union=True)))
    if row["first"] is None:
        return None
    return row["first"].value, row["last"].value
