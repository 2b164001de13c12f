"""Running a named query inside the service for a page: its rows as plain dicts of strings."""

from __future__ import annotations

import json
from functools import partial

from ..publication import Publication
from .page_work import off_loop

Row = dict[str, str]


async def query_rows(
    publication: Publication, name: str, within: tuple[str, ...] | None = None, **values: str
) -> list[Row]:
    """The named query's answer, each row a dict of the bound variables' values (unbound ones left out).

    `within` names the graphs the query may read, as default graph (their union) and as named graphs, the
    way the endpoint's `?evidence=sourced` preset does; None reads them all.
    Raises QueryError when the query could not be answered."""
    named = publication.queries[name]
    accepted = {p.name for p in named.parameters}
    query = named.bind({k: v for k, v in values.items() if k in accepted})
    result = await publication.evaluate(query, "application/sparql-results+json", within, within)
    return await off_loop(partial(_rows, result.body))


def _rows(results_json: bytes) -> list[Row]:
    bindings = json.loads(results_json)["results"]["bindings"]
    return [{variable: term["value"] for variable, term in row.items()} for row in bindings]
