"""Reading a SPARQL query as tokens: its form, and whether it asks for federation (SERVICE).

Keywords are found outside comments, strings, IRIs and prefixed names, so `"SERVICE"`, `<…/SERVICE>`,
`# SERVICE` and `ex:service` are not mistaken for the keyword.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<variable>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
  | (?P<name>[A-Za-z_\u00C0-\uFFFF][\w\u00B7-\uFFFF.-]*(?::[\w\u00B7-\uFFFF.:%-]*)?|:[\w\u00B7-\uFFFF.:%-]*)
  | (?P<other>\S)
    """,
    re.VERBOSE,
)

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_UPDATE = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD"}


def keywords(query: str) -> list[str]:
    """Bare words of the query in upper case, in order (prefixed names and everything quoted left out)."""
    words = []
    for match in _TOKEN.finditer(query):
        name = match.group("name")
        if name and ":" not in name:
            words.append(name.upper())
    return words


def uses_service(query: str) -> bool:
    return "SERVICE" in keywords(query)


def query_form(query: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE; None if the text starts no query (an update, or nonsense)."""
    for word in keywords(query):
        if word in FORMS:
            return word
        if word in _UPDATE:
            return None
    return None


def looks_like_update(query: str) -> bool:
    words = keywords(query)
    first = next((w for w in words if w not in ("PREFIX", "BASE")), None)
    return first in _UPDATE or first == "WITH"


def has_dataset_clause(query: str) -> bool:
    """Does the query name its own dataset (FROM or FROM NAMED)?"""
    return "FROM" in keywords(query)


@dataclass(frozen=True)
class QueryShape:
    """What the endpoint must know about a query before running it."""

    form: str | None
    uses_service: bool
    is_update: bool


@lru_cache(maxsize=4096)
def shape(query: str) -> QueryShape:
    """The query's form and its federation and update keywords, read once per distinct query text."""
    return QueryShape(query_form(query), uses_service(query), looks_like_update(query))
