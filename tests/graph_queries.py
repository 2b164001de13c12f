"""Asking the project's own graph, as the data tests do: checked once per test run, one set of prefixes."""

from __future__ import annotations

from functools import cache

import pyoxigraph as ox

from ikg.builder.pipeline import check
from ikg.problems import Problem
from ikg.rdf.namespaces import prefixes

from conftest import BASE, ROOT

# The package's own namespaces, and the project's resource paths the data tests name.
_NAMESPACES = {
    **prefixes(BASE),
    "g": f"{BASE}graph/",
    "m": f"{BASE}id/measure/",
    "o": f"{BASE}id/organisation/",
    "p": f"{BASE}id/programme/",
    "c": f"{BASE}id/concept/",
    "hf": f"{BASE}id/action-field/",
    "goal": f"{BASE}id/goal/",
    "place": f"{BASE}id/place/",
    "report": f"{BASE}id/report/",
    "decision": f"{BASE}id/decision/",
    "doc": f"{BASE}id/document/",
    "src": f"{BASE}source/",
    "kind": f"{BASE}def/goal-kind/",
    "q": f"{BASE}def/value-qualifier/",
    "qb": "http://purl.org/linked-data/cube#",
    "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
}
PREFIXES = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in _NAMESPACES.items())


@cache
def checked() -> tuple[ox.Store, tuple[Problem, ...]]:
    """The project's graph as `ikg validate` reads it, with every problem found: read once per run."""
    loaded, problems = check(ROOT)
    return loaded.store, tuple(problems)


def graph_without_violations() -> ox.Store:
    """The graph, after asserting that it has no violation (warnings, such as incomplete references, are
    expected)."""
    store, problems = checked()
    assert [p.render("en") for p in problems if p.severity == "violation"] == []
    return store


def ask(store: ox.Store, query: str) -> bool:
    return bool(store.query(PREFIXES + query, use_default_graph_as_union=True))


def values(store: ox.Store, query: str) -> set[str]:
    rows = store.query(PREFIXES + query, use_default_graph_as_union=True)
    return {row[0].value for row in rows}  # type: ignore[index]
