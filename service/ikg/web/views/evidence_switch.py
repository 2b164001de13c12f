"""The switch "nur belegte Aussagen / sourced statements only": one dataset for pages and the endpoint.

`?evidence=sourced` answers from the union of the sourced graphs alone, the graphs that g:about gives the
level `belegt`. The list comes from the data (the named query sourced-graphs), so a new sourced graph joins
the switch by being described, and a marked one can never slip in by a name this code knows.
"""

from __future__ import annotations

from collections.abc import Mapping

from ...request_errors import InvalidRequestError
from ..publication import Publication
from .query_rows import query_rows

ALL = "all"
SOURCED = "sourced"
CHOICES = (ALL, SOURCED)
WORDS = {
    "de": {"all": "alle Aussagen", "sourced": "nur belegte Aussagen", "showing": "Gezeigt:"},
    "en": {"all": "all statements", "sourced": "sourced statements only", "showing": "Showing:"},
}


class ChoiceError(InvalidRequestError):
    """A view's switch given a value it does not offer: the client's mistake, told with what is offered."""

    def __init__(self, name: str, value: str, choices: tuple[str, ...]) -> None:
        super().__init__(f"{name}={value!r} is not offered; the allowed values are {', '.join(choices)}")


class EvidenceChoiceError(ChoiceError):
    def __init__(self, value: str) -> None:
        super().__init__("evidence", value, CHOICES)


def one_of(params: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    """The switch's value, the first choice when not given; anything else is refused."""
    value = params.get(name, choices[0])
    if value not in choices:
        raise ChoiceError(name, value, choices)
    return value


def chosen(params: Mapping[str, str]) -> str:
    """The evidence the request asks for: `all` unless it says `sourced`."""
    return one_of(params, "evidence", CHOICES)


async def dataset(publication: Publication, evidence: str) -> tuple[str, ...] | None:
    """The graphs a query may read for this choice: None for all of them."""
    if evidence == ALL:
        return None
    return await sourced_graphs(publication)


async def sourced_graphs(publication: Publication) -> tuple[str, ...]:
    """Every graph g:about gives the level `belegt`, in a stable order (so that results cache well)."""
    return tuple(sorted(row["graph"] for row in await query_rows(publication, "sourced-graphs")))
