"""The distinct-query lists of benchmarks/workloads.py: every question once, and the same question for
every server (the text a peer gets answers what ikg's named query answers)."""

from __future__ import annotations

import gzip
import re
import sys
import urllib.parse

import pyoxigraph as ox
import pytest

from ikg.rdf.iris import CANONICAL_BASE, BaseRewriter
from ikg.sparql.named_queries import NamedQuery, load_all

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import workloads

import generate


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    """The synthetic graph as ikg serves it: under its own base, the vocabulary's included."""
    loaded = ox.Store()
    for path in generate.generate(80, tmp_path_factory.mktemp("m80")):
        text = path.read_text(encoding="utf-8").replace(CANONICAL_BASE, generate.BASE)
        loaded.bulk_load(text, format=ox.RdfFormat.TRIG)
    return loaded


@pytest.fixture(scope="module")
def named() -> dict[str, NamedQuery]:
    return load_all(ROOT / "queries", BaseRewriter(CANONICAL_BASE, generate.BASE))


@pytest.fixture(scope="module")
def lists(store: ox.Store, named: dict[str, NamedQuery], tmp_path_factory: pytest.TempPathFactory) -> workloads.Lists:
    dump = tmp_path_factory.mktemp("dist") / "ikg.nq.gz"
    dump.write_bytes(gzip.compress(store.dump(format=ox.RdfFormat.N_QUADS)))
    graph = workloads.read_graph(dump, generate.BASE)
    return workloads.Lists(graph, {name: query.text for name, query in named.items()}, "/query")


def peer_query(entry: workloads.Entry) -> str:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(entry.peer.path).query)["query"][0]


def answer(store: ox.Store, query: str) -> set[str]:
    result = store.query(query, use_default_graph_as_union=True)
    if isinstance(result, ox.QueryTriples):
        return {str(triple) for triple in result}
    return {str(tuple(row[v] for v in result.variables)) for row in result}  # type: ignore[union-attr]


def test_every_organisation_and_goal_is_looked_up_once(lists: workloads.Lists) -> None:
    subjects = [re.search(r"\(<([^>]+)> AS \?", peer_query(entry)).group(1) for entry in lists.lookups()]  # type: ignore[union-attr]
    expected = lists.graph.under("id/organisation") + lists.graph.under("id/goal")
    assert len(expected) == 45 + 40
    assert sorted(subjects) == sorted(expected)


def test_the_crawler_dereferences_every_iri_once(lists: workloads.Lists) -> None:
    paths = [entry.ikg.path for entry in lists.crawler()]
    assert sorted(paths) == sorted("/" + iri.removeprefix(generate.BASE) for iri in lists.graph.iris)
    assert f"{generate.BASE}id/measure/c00001-massnahme-01" in lists.graph.iris


def test_no_question_of_the_mixed_list_is_asked_twice(lists: workloads.Lists) -> None:
    mixed = lists.mixed(share=1000)
    assert len({entry.ikg for entry in mixed}) == len(mixed)
    assert len({entry.peer for entry in mixed}) == len(mixed)
    assert {entry.kind for entry in mixed} == {"lookups", "labels", "pages", "descriptions"}


def test_ikg_is_asked_by_named_query_and_by_sparql_in_turn(lists: workloads.Lists) -> None:
    paths = [entry.ikg.path for entry in lists.lookups()]
    named = sum(path.startswith("/queries/") for path in paths)
    assert named == len(paths) - sum(path.startswith("/sparql?") for path in paths)
    assert abs(named - len(paths) / 2) <= 1


def test_descriptions_are_asked_by_dereferencing_and_by_sparql(lists: workloads.Lists) -> None:
    paths = [entry.ikg.path for entry in lists.descriptions()]
    assert any(path.startswith("/id/") for path in paths)
    assert any(path.startswith("/sparql?") for path in paths)


@pytest.mark.parametrize(
    ("kind", "name", "parameters"),
    [
        ("lookups", "measures-of-organisation", {"organisation"}),
        ("lookups", "measures-serving-goal", {"goal"}),
        ("labels", "label-search", {"text", "lang"}),
        ("pages", "measures-page", {"limit", "offset"}),
    ],
)
def test_a_peer_gets_the_question_ikg_answers_by_its_named_query(
    store: ox.Store, named: dict[str, NamedQuery], lists: workloads.Lists, kind: str, name: str, parameters: set[str]
) -> None:
    entries = [e for e in getattr(lists, kind)() if e.ikg.path.startswith(f"/queries/{name}?")][:20]
    answered = 0
    for entry in entries:
        values = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(entry.ikg.path).query))
        assert set(values) == parameters
        bound = answer(store, named[name].bind(values))
        assert answer(store, peer_query(entry)) == bound
        answered += bool(bound)
    assert entries
    assert answered >= min(3, len(entries))


def test_a_peer_gets_the_description_ikg_dereferences(
    store: ox.Store, named: dict[str, NamedQuery], lists: workloads.Lists
) -> None:
    for entry in lists.crawler()[:3]:
        iri = generate.BASE + entry.ikg.path.removeprefix("/")
        bound = answer(store, named["resource-description"].bind({"resource": iri}))
        assert bound
        assert answer(store, peer_query(entry)) == bound


def test_the_crawler_goes_through_its_list_as_often_as_asked(store: ox.Store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import distinct

    dump = tmp_path / "ikg.nq.gz"
    dump.write_bytes(gzip.compress(store.dump(format=ox.RdfFormat.N_QUADS)))

    def crawler(passes: int) -> list[workloads.Entry]:
        plan = distinct.Plan(rounds=1, cap=1, share=1, repeats=1, crawl=None, passes=passes)
        return distinct.build_lists(dump, plan, ("crawler",))["crawler"]

    assert crawler(3) == crawler(1) * 3
