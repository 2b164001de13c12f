"""Honest numbers for the steering group: every count on /, /concept and /compare separates sourced from
editorial links, and `?evidence=sourced` recomputes them from the sourced graphs alone (issue 14, item 5).

On a copied project whose graph is tests/fixtures/controlling.trig plus a small synthetic file (test data
only): g:about's evidence levels, an action field whose letter only g:inferred gives, a measure the editors
file under that field, two filed as cross-cutting, one filed historical and one current."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from conftest import FIXTURES, copy_project

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
SYNTHETIC = """
@prefix ikg:  <https://ikg.example/leverkusen/def/ikg#> .
@prefix g:    <https://ikg.example/leverkusen/graph/> .
@prefix m:    <https://ikg.example/leverkusen/id/measure/> .
@prefix o:    <https://ikg.example/leverkusen/id/organisation/> .
@prefix c:    <https://ikg.example/leverkusen/id/concept/> .
@prefix hf:   <https://ikg.example/leverkusen/id/action-field/> .
@prefix ev:   <https://ikg.example/leverkusen/def/evidence/> .
@prefix cur:  <https://ikg.example/leverkusen/def/currency/> .
@prefix rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct:  <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .

g:about {
    g:concept ikg:evidence ev:belegt . g:organisations ikg:evidence ev:belegt . g:programmes ikg:evidence ev:belegt .
    g:measures ikg:evidence ev:belegt . g:report-2023 ikg:evidence ev:belegt . g:report-2024 ikg:evidence ev:belegt .
    g:editorial ikg:evidence ev:redaktionell . g:inferred ikg:evidence ev:abgeleitet .
    g:uncertain ikg:evidence ev:unsicher .
}
g:concept {
    hf:k-wohnen a ikg:ActionField ; skos:prefLabel "Wohnen"@de , "Housing"@en ;
        skos:topConceptOf c:k-konzept ; skos:inScheme c:k-konzept ; dct:source <https://example.org/k/wohnen> .
}
g:inferred {
    hf:k-wohnen skos:notation "C" .
    [] a rdf:Statement ; rdf:subject hf:k-wohnen ; rdf:predicate skos:notation ; rdf:object "C" ;
        ikg:reason "Testdaten: der Buchstabe ist erschlossen."@de , "Test data: the letter is inferred."@en ;
        prov:wasDerivedFrom <https://ikg.example/leverkusen/project/dossier#s1.1> .
}
g:measures {
    m:k-wohnberatung a ikg:Measure ; skos:prefLabel "Wohnberatung"@de ; ikg:operator o:k-stadt ;
        dct:source <https://example.org/k/wohnberatung> .
    m:k-leitbild a ikg:Measure ; skos:prefLabel "Leitbild"@de ; ikg:operator o:k-stadt ;
        dct:source <https://example.org/k/leitbild> .
}
g:editorial {
    hf:querschnitt a skos:Concept ;
        skos:prefLabel "Querschnitt / strukturell"@de , "Cross-cutting / structural"@en ;
        dct:source <https://example.org/k/querschnitt> .
    m:k-wohnberatung ikg:actionField hf:k-wohnen .
    m:k-leitbild ikg:actionField hf:querschnitt .
    m:k-nachbarschaft ikg:actionField hf:querschnitt .
    m:k-lesekurs ikg:currency cur:historisch .
    m:k-jobmesse ikg:currency cur:aktuell .
}
"""
# Until the shapes admit a concept outside the scheme as a filing (another branch of issue 14 changes them),
# the copy drops the rule that every action field is an ikg:ActionField; without that rule this is a no-op.
OLD_RULE = re.compile(r"\s*sh:property \[\s*sh:path ikg:actionField ; sh:class ikg:ActionField ;[^\]]*\] ;")


@pytest.fixture(scope="module")
def steering(tmp_path_factory: pytest.TempPathFactory) -> Iterator:  # type: ignore[type-arg]
    from server import serving

    project = copy_project(tmp_path_factory.mktemp("steering") / "project", with_graph=False)
    (project / "graph").mkdir()
    (project / "graph" / "fixture.trig").write_text((FIXTURES / "controlling.trig").read_text(encoding="utf-8"))
    (project / "graph" / "steering.trig").write_text(SYNTHETIC, encoding="utf-8")
    shapes = project / "shapes" / "ikg-shapes.ttl"
    shapes.write_text(OLD_RULE.sub("", shapes.read_text(encoding="utf-8")), encoding="utf-8")
    with serving(project, root=project) as running:
        yield running


def _iri(server, local: str) -> str:  # type: ignore[no-untyped-def]
    return f"{server.base}id/measure/{local}"


def _json(server, path: str, **params: str) -> dict:  # type: ignore[no-untyped-def]
    response = httpx.get(server.base + path, params={"format": "json", **params}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def _page(server, path: str, **params: str) -> str:  # type: ignore[no-untyped-def]
    response = httpx.get(server.base + path, params=params, headers={"Accept": BROWSER}, timeout=60)
    assert response.status_code == 200, response.text
    return response.text


def _select(server, query: str, **params: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    response = httpx.get(
        server.endpoint,
        params={"query": query, **params},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]]


def _sourced_graphs(server) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        r["g"]
        for r in _select(
            server,
            f"SELECT ?g WHERE {{ GRAPH <{server.base}graph/about> "
            f"{{ ?g <{server.base}def/ikg#evidence> <{server.base}def/evidence/belegt> }} }}",
        )
    ]


def _field_counts_in_sourced_graphs(server) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Measures per action field counted with GRAPH restricted to the sourced graphs, by hand."""
    graphs = " ".join(f"<{g}>" for g in _sourced_graphs(server))
    ikg = f"{server.base}def/ikg#"
    query = (
        f"SELECT ?f (COUNT(DISTINCT ?m) AS ?n) WHERE {{ VALUES ?g {{ {graphs} }} "
        f"GRAPH ?g {{ ?m <{ikg}actionField> ?f }} }} GROUP BY ?f"
    )
    return {r["f"]: int(r["n"]) for r in _select(server, query)}


def test_the_sourced_only_switch_gives_the_counts_of_a_graph_restricted_sparql_count(steering) -> None:  # type: ignore[no-untyped-def]
    everything = {f["iri"]: f["measures"] for f in _json(steering, "concept")["action_fields"]}
    sourced = {f["iri"]: f["measures"] for f in _json(steering, "concept", evidence="sourced")["action_fields"]}
    expected = _field_counts_in_sourced_graphs(steering)
    assert sourced == {iri: expected.get(iri, 0) for iri in sourced}
    assert sourced != everything  # the editors' filings are not in the sourced graphs
    assert _json(steering, "concept", evidence="sourced")["by_evidence"]["action_field_links"]["editorial"] == 0


def test_the_json_twin_of_concept_separates_sourced_and_editorial_counts(steering) -> None:  # type: ignore[no-untyped-def]
    fields = _json(steering, "concept")["action_fields"]
    ikg = f"{steering.base}def/ikg#"
    for field in fields:
        editorial_only = _select(
            steering,
            f"SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{ GRAPH <{steering.base}graph/editorial> "
            f"{{ ?m <{ikg}actionField> <{field['iri']}> }} FILTER NOT EXISTS {{ GRAPH ?s {{ ?m <{ikg}actionField> "
            f"<{field['iri']}> }} FILTER(?s != <{steering.base}graph/editorial>) }} }}",
        )
        split = field["measures_by_link"]
        assert split["editorial"] == int(editorial_only[0]["n"]), field["label"]
        assert sum(split.values()) == field["measures"], field["label"]
    for kind in ("sourced", "editorial"):
        assert sum(f["measures_by_link"][kind] for f in fields) > 0, kind


def test_inferred_letters_are_marked_on_the_page_and_in_the_twin(steering) -> None:  # type: ignore[no-untyped-def]
    skos = "http://www.w3.org/2004/02/skos/core#"
    inferred = _select(
        steering, f"SELECT ?n WHERE {{ GRAPH <{steering.base}graph/inferred> {{ ?f <{skos}notation> ?n }} }}"
    )
    letters = sorted(r["n"] for r in inferred)
    assert letters == ["C"]
    view = _json(steering, "concept")
    assert view["by_evidence"]["inferred_letters"] == letters
    assert {f["notation"] for f in view["action_fields"] if f["notation_link"] == "inferred"} == set(letters)
    assert {f["notation"] for f in view["action_fields"] if f["notation_link"] == "sourced"} == {"A", "B"}
    text = _page(steering, "concept")
    assert '<abbr class="inferred-letter" title="* Buchstabe erschlossen' in text
    assert ">C*</abbr> – Wohnen" in text
    assert ">A*<" not in text
    assert 'id="letter-legend"' in text


def test_cross_cutting_measures_are_filed_as_cross_cutting_not_unclassified(steering) -> None:  # type: ignore[no-untyped-def]
    view = _json(steering, "concept")
    [cross] = view["cross_cutting"]
    filed = {m["iri"] for m in cross["measure_list"]}
    assert cross["label"] == "Querschnitt / strukturell"
    assert filed == {_iri(steering, "k-leitbild"), _iri(steering, "k-nachbarschaft")}
    assert cross["measures_by_link"]["editorial"] == cross["measures"] == 2
    assert not filed & {m["iri"] for m in view["measures_without_action_field"]}
    assert all(f["iri"] != cross["iri"] for f in view["action_fields"])
    assert 'Querschnitt / strukturell <em class="mark">(redaktionell)</em>' in _page(steering, "concept")


def test_historical_measures_are_not_counted_as_current(steering) -> None:  # type: ignore[no-untyped-def]
    home = _json(steering, "")
    assert home["measures_by_currency"] == {"current": 1, "historical": 1, "not_filed": home["counts"]["measures"] - 2}
    language = next(f for f in _json(steering, "concept")["action_fields"] if f["notation"] == "A")
    assert (language["measures"], language["current"], language["historical"]) == (2, 0, 1)
    goals = {g["label"]: g for g in language["goal_list"]}
    assert [m["currency"] for m in goals["Lesen lernen"]["measures"]] == ["historical"]
    assert 'Lesekurs</a> <em class="mark historical">(historisch)</em>' in _page(steering, "concept")


def test_the_endpoint_preset_answers_from_the_sourced_graphs_only(steering) -> None:  # type: ignore[no-untyped-def]
    ikg = f"{steering.base}def/ikg#"
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?m <{ikg}actionField> ?f }}"
    graphs = " ".join(f"<{g}>" for g in _sourced_graphs(steering))
    by_hand = (
        f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?m ?f "
        f"{{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?m <{ikg}actionField> ?f }} }} }}"
    )
    everything = _select(steering, query)[0]["n"]
    preset = _select(steering, query, evidence="sourced")[0]["n"]
    posted = httpx.post(
        steering.endpoint + "?evidence=sourced",
        content=query,
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
        timeout=60,
    ).json()["results"]["bindings"][0]["n"]["value"]
    assert preset == posted == _select(steering, by_hand)[0]["n"]
    assert preset != everything
    ask = f"ASK {{ GRAPH <{steering.base}graph/editorial> {{ ?s ?p ?o }} }}"

    def editorial_visible(**preset: str) -> bool:
        return httpx.get(
            steering.endpoint,
            params={"query": ask, **preset},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        ).json()["boolean"]

    assert editorial_visible()
    assert not editorial_visible(evidence="sourced")


@pytest.mark.parametrize("path", ["", "concept", "compare", "sparql"])
def test_an_unknown_evidence_value_is_refused_naming_the_allowed_values(steering, path: str) -> None:  # type: ignore[no-untyped-def]
    params = {"evidence": "foo", **({"query": "ASK {}"} if path == "sparql" else {})}
    response = httpx.get(steering.base + path, params=params, timeout=60)
    assert response.status_code == 400
    assert "all, sourced" in response.text


def test_the_preset_and_a_dataset_of_ones_own_are_refused_together(steering) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(
        steering.endpoint,
        params={"query": "ASK {}", "evidence": "sourced", "default-graph-uri": f"{steering.base}graph/measures"},
        timeout=60,
    )
    assert response.status_code == 400
    assert "default-graph-uri" in response.text


def test_the_switch_is_a_plain_link_in_both_languages(steering) -> None:  # type: ignore[no-untyped-def]
    german = _page(steering, "concept")
    english = _page(steering, "concept", lang="en", evidence="sourced")
    assert 'evidence=sourced" rel="nofollow">nur belegte Aussagen</a>' in german
    assert '<strong aria-current="page">sourced statements only</strong>' in english
    assert "<script" not in german.split("<main")[1]
