"""The switch "nur belegte Aussagen / sourced statements only": one dataset for pages and the endpoint.

`?evidence=sourced` answers from the union of the sourced graphs alone, the graphs that g:about gives the
level `belegt`. The list comes from the data (the named query sourced-graphs), so a new sourced graph joins
the switch by being described, and a marked one can never slip in by a name this code knows.
"""

from __future__ import annotations

from collections.abc import Mapping

from .query_rows import query_rows

ALL = "all"
SOURCED = "sourced"
CHOICES = (ALL, SOURCED)
WORDS = {
    "de": {"all": "alle Aussagen", "sourced": "nur belegte Aussagen", "showing": "Gezeigt:"},
    "en": {"all": "all statements", "sourced": "sourced statements only", "showing": "Showing:"},
}


class EvidenceChoiceError(ValueError):
    def __init__(self, value: str) -> None:
        super().__init__(f"evidence={value!r} is not offered; the allowed values are {', '.join(CHOICES)}")


def chosen(params: Mapping[str, str]) -> str:
    """The evidence the request asks for: `all` unless it says `sourced`; anything else is refused."""
    value = params.get("evidence", ALL)
    if value not in CHOICES:
        raise EvidenceChoiceError(value)
    return value


async def dataset(publication, evidence: str) -> tuple[str, ...] | None:  # type: ignore[no-untyped-def]
    """The graphs a query may read for this choice: None for all of them."""
    if evidence == ALL:
        return None
    return await sourced_graphs(publication)


async def sourced_graphs(publication) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    """Every graph g:about gives the level `belegt`, in a stable order (so that results cache well)."""
    return tuple(sorted(row["graph"] for row in await query_rows(publication, "sourced-graphs")))
