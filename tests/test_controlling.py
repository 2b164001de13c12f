"""The Controlling-Gruppe's views: the concept (goals → measures) and report editions compared.

Mostly on tests/fixtures/controlling.trig, whose answers are known; the last tests on the real graph."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import httpx
import pytest

from conftest import FIXTURES, copy_project, on_each_backend

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"

# The dashboards hold for the embedded store and for an external Oxigraph server alike.
server = on_each_backend("server", "embedded_server", "external_server")
controlling_server = on_each_backend("controlling_server", "embedded_controlling_server", "external_controlling_server")


def _json(server, path: str, **params: str) -> dict:  # type: ignore[no-untyped-def]
    response = httpx.get(server.base + path, params={"format": "json", **params})
    assert response.status_code == 200, response.text
    return response.json()


def _csv(server, path: str, table: str, **params: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    response = httpx.get(server.base + path, params={"format": "csv", "table": table, **params})
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.text)))


def _page(server, path: str, **params: str) -> str:  # type: ignore[no-untyped-def]
    response = httpx.get(server.base + path, params=params, headers={"Accept": BROWSER})
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return response.text


def _sparql_count(server, query: str) -> int:  # type: ignore[no-untyped-def]
    rows = httpx.get(server.endpoint, params={"query": query}).json()["results"]["bindings"]
    return int(rows[0]["n"]["value"])


def _goals(view: dict) -> dict[str, dict]:
    goals = [g for f in view["action_fields"] for g in f["goal_list"]] + view["overall_goals"]
    return {g["label"]: g for g in goals}


# The concept view


def test_a_goal_no_measure_serves_is_unserved(controlling_server) -> None:  # type: ignore[no-untyped-def]
    goals = _goals(_json(controlling_server, "concept"))
    assert not goals["Arbeit finden"]["served"]
    assert not goals["Teilhabe"]["served"]
    assert goals["Lesen lernen"]["served"]


def test_unserved_goals_are_highlighted_on_the_page(controlling_server) -> None:  # type: ignore[no-untyped-def]
    text = _page(controlling_server, "concept")
    assert 'Arbeit finden</a> <strong class="open-mark">offen – keine Maßnahme dient diesem Ziel</strong>' in text


def test_the_kind_of_each_link_is_shown(controlling_server) -> None:  # type: ignore[no-untyped-def]
    goals = _goals(_json(controlling_server, "concept"))
    assert [m["link"] for m in goals["Lesen lernen"]["measures"]] == ["sourced"]
    assert [m["link"] for m in goals["Sprechen lernen"]["measures"]] == ["editorial"]
    assert 'Sprechcafé</a> <em class="mark">(redaktionell)</em>' in _page(controlling_server, "concept")


def test_measures_without_goal_or_action_field_are_listed_apart(controlling_server) -> None:  # type: ignore[no-untyped-def]
    view = _json(controlling_server, "concept")
    assert sorted(m["label"] for m in view["measures_without_goal"]) == ["Jobmesse", "Nachbarschaftsfest"]
    assert [m["label"] for m in view["measures_without_action_field"]] == ["Nachbarschaftsfest"]


def test_counts_per_action_field_equal_a_sparql_count(controlling_server) -> None:  # type: ignore[no-untyped-def]
    for field in _json(controlling_server, "concept")["action_fields"]:
        prop = f"<{controlling_server.base}def/ikg#actionField>"
        query = f"SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{ ?m {prop} <{field['iri']}> }}"
        assert field["measures"] == _sparql_count(controlling_server, query), field["label"]
    assert {f["notation"]: f["measures"] for f in _json(controlling_server, "concept")["action_fields"]} == {
        "A": 2,
        "B": 1,
    }


def test_organisations_and_programmes_per_action_field(controlling_server) -> None:  # type: ignore[no-untyped-def]
    field = next(f for f in _json(controlling_server, "concept")["action_fields"] if f["notation"] == "A")
    assert sorted(a["label"] for a in field["actors"]["operator"]) == ["Stadt K", "Verein K"]
    assert [a["label"] for a in field["actors"]["programme"]] == ["Programm K"]


def test_csv_equals_the_json_numbers(controlling_server) -> None:  # type: ignore[no-untyped-def]
    view = _json(controlling_server, "concept")
    rows = {r["notation"]: r for r in _csv(controlling_server, "concept", "action-fields") if r["notation"]}
    for field in view["action_fields"]:
        row = rows[field["notation"]]
        assert [int(row[k]) for k in ("measures", "goals", "served_goals", "unserved_goals")] == [
            field[k] for k in ("measures", "goals", "served_goals", "unserved_goals")
        ]


def test_the_page_shows_the_json_numbers(controlling_server) -> None:  # type: ignore[no-untyped-def]
    totals = _json(controlling_server, "concept")["totals"]
    text = _page(controlling_server, "concept")
    # Each count links to the section that lists what it counts.
    expected = "".join(
        f'<td><a href="#{section}">{totals[k]}</a></td>'
        for k, section in (
            ("action_fields", "fields"),
            ("goals", "concept-tree"),
            ("served_goals", "concept-tree"),
            ("unserved_goals", "open-goals"),
            ("measures_without_goal", "without-goal"),
            ("measures_without_action_field", "without-field"),
        )
    )
    assert f"<tbody><tr>{expected}</tr></tbody>" in text
    assert totals == {
        "action_fields": 2,
        "goals": 4,
        "served_goals": 2,
        "unserved_goals": 2,
        "measures_without_goal": 2,
        "measures_without_action_field": 1,
    }


def test_the_goal_table_counts_links_by_kind(controlling_server) -> None:  # type: ignore[no-untyped-def]
    rows = {r["label"]: r for r in _csv(controlling_server, "concept", "goals")}
    assert (rows["Sprechen lernen"]["sourced"], rows["Sprechen lernen"]["editorial"]) == ("0", "1")
    assert rows["Arbeit finden"]["served"] == "no"


def test_charts_are_svg_with_a_text_alternative(controlling_server) -> None:  # type: ignore[no-untyped-def]
    text = _page(controlling_server, "concept")
    assert '<svg role="img" aria-labelledby="chart-measures-title chart-measures-desc"' in text
    assert '<desc id="chart-coverage-desc">' in text
    assert "<script" not in text.split("<main")[1]


def test_the_named_queries_behind_the_page_are_linked_and_answer(controlling_server) -> None:  # type: ignore[no-untyped-def]
    text = _page(controlling_server, "concept")
    for name in ("concept-links", "goal-coverage", "measures-unfiled", "action-field-actors"):
        assert f'href="{controlling_server.base}queries/{name}"' in text
        assert httpx.get(controlling_server.base + f"queries/{name}").status_code == 200


def test_the_concept_view_in_english(controlling_server) -> None:  # type: ignore[no-untyped-def]
    text = _page(controlling_server, "concept", lang="en")
    assert "<h1>Integration concept: goals and measures</h1>" in text
    assert "Learn to read</a>" in text


def test_an_unknown_table_is_refused(controlling_server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(controlling_server.base + "concept", params={"format": "csv", "table": "x"})
    assert response.status_code == 400
    assert "action-fields, goals, links, unfiled, cross-cutting, open-goals" in response.text


def test_the_open_goals_come_first_with_the_edition_since_which_they_are_open(controlling_server) -> None:  # type: ignore[no-untyped-def]
    view = _json(controlling_server, "concept")
    assert [(g["label"], g["open_since"]) for g in view["open_goals"]] == [
        ("Arbeit finden", "2023"),
        ("Teilhabe", "2023"),
    ]
    text = _page(controlling_server, "concept")
    assert text.index('<section id="open-goals">') < text.index('<h2 id="fields">') < text.index('id="field-A"')
    section = text.split('<section id="open-goals">')[1].split("</section>")[0]
    assert "<h2>Offene Ziele (2)</h2>" in section
    assert (
        'Arbeit finden</a> – <a href="#field-B">B – Arbeit</a> <strong class="open-mark">offen seit 2023</strong>'
        in section
    )


def test_the_open_goals_table_is_the_sections_twin(controlling_server) -> None:  # type: ignore[no-untyped-def]
    rows = _csv(controlling_server, "concept", "open-goals")
    assert [(r["label"], r["action_field_label"], r["open_since"]) for r in rows] == [
        ("Arbeit finden", "Arbeit", "2023"),
        ("Teilhabe", "", "2023"),
    ]


def test_counts_on_the_concept_page_take_the_singular_for_one(controlling_server) -> None:  # type: ignore[no-untyped-def]
    german = _page(controlling_server, "concept")
    english = _page(controlling_server, "concept", lang="en")
    assert "Lesen lernen</a> – 1 Maßnahme\n" in german
    assert "<p>1 Maßnahme (1 belegt, 0 redaktionell) · " in german
    assert "<p>2 Maßnahmen (1 belegt, 1 redaktionell) · " in german
    assert " · 1 Ziel (0 mit Maßnahme, 1 offen)</p>" in german
    assert " · 2 Ziele (2 mit Maßnahme, 0 offen)</p>" in german
    assert "<p>1 measure (1 sourced, 0 editorial) · " in english
    for wrong in ("1 Maßnahmen", "1 Ziele", "1 measures", "1 goals", "Measures ·", "Goals ("):
        assert wrong not in german + english


# Goals over time


def test_each_goal_has_the_measures_of_each_edition(controlling_server) -> None:  # type: ignore[no-untyped-def]
    view = _json(controlling_server, "concept/over-time")
    goals = {g["label"]: g for f in view["action_fields"] for g in f["goals"]}
    course = [controlling_server.base + "id/measure/k-lesekurs"]
    reading = [(e["year"], e["measure_list"]) for e in goals["Lesen lernen"]["editions"]]
    assert reading == [("2023", course), ("2024", course)]
    assert [(e["measures"], e["measures_sourced"]) for e in goals["Sprechen lernen"]["editions"]] == [(1, 0), (0, 0)]


def test_a_goal_is_open_since_the_first_edition_after_its_last_measure(controlling_server) -> None:  # type: ignore[no-untyped-def]
    view = _json(controlling_server, "concept/over-time")
    goals = {g["label"]: g["open_since"] for f in view["action_fields"] for g in f["goals"]}
    goals |= {g["label"]: g["open_since"] for g in view["overall_goals"]}
    assert goals == {"Lesen lernen": None, "Sprechen lernen": "2024", "Arbeit finden": "2023", "Teilhabe": "2023"}


def test_each_action_field_has_its_measures_and_goals_per_edition(controlling_server) -> None:  # type: ignore[no-untyped-def]
    fields = {f["notation"]: f for f in _json(controlling_server, "concept/over-time")["action_fields"]}
    per_edition = [(e["year"], e["measures"], e["goals_served"], e["goals_open"]) for e in fields["A"]["editions"]]
    assert per_edition == [("2023", 2, 2, 0), ("2024", 1, 1, 1)]
    assert [(e["year"], e["measures"]) for e in fields["B"]["editions"]] == [("2023", 0), ("2024", 1)]
    assert (fields["A"]["open_since"], fields["B"]["open_since"]) == (None, None)


def test_the_over_time_csv_tables_equal_the_json(controlling_server) -> None:  # type: ignore[no-untyped-def]
    view = _json(controlling_server, "concept/over-time")
    fields = _csv(controlling_server, "concept/over-time", "action-fields")
    assert [(r["notation"], r["year"], int(r["measures"]), int(r["goals_open"])) for r in fields] == [
        (f["notation"], e["year"], e["measures"], e["goals_open"]) for f in view["action_fields"] for e in f["editions"]
    ]
    goals = _csv(controlling_server, "concept/over-time", "goals")
    assert {(r["label"], r["year"]): int(r["measures"]) for r in goals} == {
        (g["label"], e["year"]): e["measures"]
        for g in [*(g for f in view["action_fields"] for g in f["goals"]), *view["overall_goals"]]
        for e in g["editions"]
    }


def test_open_since_is_what_the_named_query_answers(controlling_server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(controlling_server.base + "queries/open-since", params={"format": "json"})
    rows = response.json()["results"]["bindings"]
    answered = {r["subject"]["value"]: r["openSince"]["value"] for r in rows if r["kind"]["value"] != "action field"}
    view = _json(controlling_server, "concept/over-time")
    shown = {g["iri"]: g["open_since"] for f in view["action_fields"] for g in f["goals"]}
    shown |= {g["iri"]: g["open_since"] for g in view["overall_goals"]}
    assert answered == {iri: year for iri, year in shown.items() if year}


# Report editions compared


def test_a_measure_only_in_the_second_edition_is_added(controlling_server) -> None:  # type: ignore[no-untyped-def]
    assert [m["label"] for m in _json(controlling_server, "compare")["added"]] == ["Jobmesse"]


def test_measures_missing_from_the_second_edition_have_ended(controlling_server) -> None:  # type: ignore[no-untyped-def]
    ended = _json(controlling_server, "compare")["ended"]
    assert sorted(m["label"] for m in ended) == ["Nachbarschaftsfest", "Sprechcafé"]


def test_a_changed_operator_is_a_change(controlling_server) -> None:  # type: ignore[no-untyped-def]
    changed = _json(controlling_server, "compare")["changed"]
    assert changed == [
        {
            "iri": controlling_server.base + "id/measure/k-lesekurs",
            "label": "Lesekurs",
            "property": "operator",
            "before": [
                {"iri": controlling_server.base + "id/organisation/k-stadt", "label": "Stadt K", "link": "sourced"}
            ],
            "after": [
                {"iri": controlling_server.base + "id/organisation/k-verein", "label": "Verein K", "link": "sourced"}
            ],
        }
    ]


def test_goals_whose_coverage_changed(controlling_server) -> None:  # type: ignore[no-untyped-def]
    coverage = _json(controlling_server, "compare")["goal_coverage"]
    assert [(g["label"], g["before"], g["after"]) for g in coverage] == [("Sprechen lernen", 1, 0)]


def test_the_comparison_defaults_to_the_last_two_editions(controlling_server) -> None:  # type: ignore[no-untyped-def]
    view = _json(controlling_server, "compare")
    assert (view["from"], view["to"]) == ("2023", "2024")
    reversed_view = _json(controlling_server, "compare", **{"from": "2024", "to": "2023"})
    assert [m["label"] for m in reversed_view["ended"]] == ["Jobmesse"]


def test_the_comparison_page_and_csv_show_the_same_changes(controlling_server) -> None:  # type: ignore[no-untyped-def]
    text = _page(controlling_server, "compare")
    assert '<h2 id="added">1 neu aufgenommene Maßnahme</h2>' in text
    assert '<h2 id="ended">2 nicht mehr enthaltene Maßnahmen</h2>' in text
    rows = _csv(controlling_server, "compare", "measures")
    assert sorted(r["change"] for r in rows) == ["added", "ended", "ended", "gained", "lost"]


def test_an_unknown_edition_is_refused_by_name(controlling_server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(controlling_server.base + "compare", params={"from": "1999"})
    assert response.status_code == 400
    assert "no report edition '1999' in the graph; editions: 2023, 2024" in response.text


def test_a_chart_per_action_field_over_the_editions(controlling_server) -> None:  # type: ignore[no-untyped-def]
    text = _page(controlling_server, "concept/over-time")
    for letter in ("A", "B"):
        chart = text.split(f'<figure class="chart" id="chart-over-time-{letter}">')[1].split("</figure>")[0]
        assert re.findall(r"<tspan[^>]*>([^<]*)</tspan>", chart) == ["2023", "2024"]


# On the real graph


def test_the_real_concept_lists_the_eight_action_fields_and_every_documented_goal(server) -> None:  # type: ignore[no-untyped-def]
    view = _json(server, "concept")
    assert [f["notation"] for f in view["action_fields"]] == list("ABCDEFGH")
    # The goals of the concepts: of their fields, or overall in their scheme. The KI's mission and KIM's goal
    # are goals of a body and a programme, not of a concept (audit D2).
    goals = _sparql_count(
        server,
        f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ {{ ?g a <{server.base}def/ikg#Goal> }} "
        f"UNION {{ ?g a <{server.base}def/ikg#OverallGoal> ; <http://www.w3.org/2004/02/skos/core#inScheme> [] }} }}",
    )
    assert view["totals"]["goals"] == goals == 11
    text = _page(server, "concept")
    for goal in _goals(view).values():
        assert f'<a href="{goal["iri"]}">' in text


def test_the_real_graph_has_one_edition_and_says_so(server) -> None:  # type: ignore[no-untyped-def]
    view = _json(server, "compare")
    assert not view["comparable"]
    assert [e["year"] for e in view["editions"]] == ["2024"]
    assert "Bisher gibt es 1 Ausgabe des Statusberichts im Graphen (2024)" in _page(server, "compare")


@pytest.mark.parametrize("path", ["concept", "compare"])
def test_views_carry_the_data_date(server, path: str) -> None:  # type: ignore[no-untyped-def]
    manifest_date = httpx.get(server.base + "health").json()["graph_version"]
    assert manifest_date in _page(server, path)


@pytest.mark.parametrize("path", ["concept", "concept/over-time", "compare", "indicators"])
def test_the_home_page_links_every_steering_view(server, path: str) -> None:  # type: ignore[no-untyped-def]
    assert f'<a href="{server.base}{path}?lang=de">' in _page(server, "")


# Marks on the steering pages: tests/fixtures/controlling.trig plus a third edition whose graph g:about rates
# editorial, and an action field whose letter only g:inferred gives (test data only, written here).
MARKED = """
@prefix ikg:    <https://ikg.example/leverkusen/def/ikg#> .
@prefix g:      <https://ikg.example/leverkusen/graph/> .
@prefix m:      <https://ikg.example/leverkusen/id/measure/> .
@prefix o:      <https://ikg.example/leverkusen/id/organisation/> .
@prefix c:      <https://ikg.example/leverkusen/id/concept/> .
@prefix hf:     <https://ikg.example/leverkusen/id/action-field/> .
@prefix report: <https://ikg.example/leverkusen/id/report/> .
@prefix ev:     <https://ikg.example/leverkusen/def/evidence/> .
@prefix rdf:    <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
@prefix skos:   <http://www.w3.org/2004/02/skos/core#> .
@prefix dct:    <http://purl.org/dc/terms/> .
@prefix dcat:   <http://www.w3.org/ns/dcat#> .
@prefix prov:   <http://www.w3.org/ns/prov#> .
@prefix schema: <http://schema.org/> .

g:about {
    g:report-2023 ikg:evidence ev:belegt . g:report-2024 ikg:evidence ev:belegt .
    g:report-2025 ikg:evidence ev:redaktionell .
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
g:report-2025 {
    report:k-bericht-2025 a schema:Report ; skos:prefLabel "Bericht 2025"@de ; dct:creator o:k-stadt ;
        dct:temporal [ a dct:PeriodOfTime ; dcat:startDate "2025"^^xsd:gYear ; dcat:endDate "2025"^^xsd:gYear ] ;
        dct:source <https://example.org/k/bericht-2025> .
    m:k-lesekurs dct:isReferencedBy report:k-bericht-2025 ; ikg:operator o:k-verein ; ikg:partner o:k-stadt .
    m:k-jobmesse dct:isReferencedBy report:k-bericht-2025 .
}
"""


@pytest.fixture(scope="module")
def marked(tmp_path_factory: pytest.TempPathFactory) -> Iterator:  # type: ignore[type-arg]
    from server import serving

    project = copy_project(tmp_path_factory.mktemp("marked") / "project", with_graph=False)
    (project / "graph").mkdir()
    (project / "graph" / "fixture.trig").write_text((FIXTURES / "controlling.trig").read_text(encoding="utf-8"))
    (project / "graph" / "marked.trig").write_text(MARKED, encoding="utf-8")
    with serving(project, root=project) as running:
        yield running


def _known(server, values: list[dict]) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(v["iri"].removeprefix(server.base + "id/organisation/"), v["link"]) for v in values]


def test_a_value_only_an_editorial_edition_graph_states_is_editorial_in_the_json(marked) -> None:  # type: ignore[no-untyped-def]
    changed = _json(marked, "compare", **{"from": "2023", "to": "2025"})["changed"]
    shown = {c["property"]: (_known(marked, c["before"]), _known(marked, c["after"])) for c in changed}
    assert shown == {
        "operator": ([("k-stadt", "sourced")], [("k-verein", "editorial")]),
        "partner": ([], [("k-stadt", "editorial")]),
    }


def test_the_comparison_page_marks_a_value_only_a_marked_graph_states(marked) -> None:  # type: ignore[no-untyped-def]
    german = _page(marked, "compare").split('<h2 id="changed">')[1].split("<h2")[0]
    english = _page(marked, "compare", lang="en").split('<h2 id="changed">')[1].split("<h2")[0]
    assert 'Stadt K</a> <em class="mark">(redaktionell)</em></td>' in german
    assert 'Stadt K</a> <em class="mark">(editorial)</em></td>' in english


def test_a_value_a_sourced_edition_graph_states_carries_no_mark(marked) -> None:  # type: ignore[no-untyped-def]
    text = _page(marked, "compare", **{"from": "2023", "to": "2025"}).split('<h2 id="changed">')[1]
    assert 'Stadt K</a></td><td><a href="' in text
    assert 'Verein K</a> <em class="mark">(redaktionell)</em>' in text


def test_the_comparison_csv_says_how_each_value_is_known(marked) -> None:  # type: ignore[no-untyped-def]
    rows = _csv(marked, "compare", "measures", **{"from": "2023", "to": "2025"})
    links = {(r["change"], r["value_label"]): r["value_link"] for r in rows if r["change"] in ("gained", "lost")}
    assert links == {
        ("lost", "Stadt K"): "sourced",
        ("gained", "Verein K"): "editorial",
        ("gained", "Stadt K"): "editorial",
    }
    assert {r["value_link"] for r in rows if r["change"] in ("added", "ended")} == {""}


def test_an_inferred_letter_is_starred_over_time_as_on_the_concept_page(marked) -> None:  # type: ignore[no-untyped-def]
    concept = {f["notation"]: f["notation_link"] for f in _json(marked, "concept")["action_fields"]}
    over_time = {f["notation"]: f["notation_link"] for f in _json(marked, "concept/over-time")["action_fields"]}
    assert over_time == concept == {"A": "sourced", "B": "sourced", "C": "inferred"}
    text = _page(marked, "concept/over-time")
    assert 'id/action-field/k-wohnen">C* – Wohnen</a>' in text
    assert 'id/action-field/k-sprache">A – Sprache</a>' in text
    assert '<p class="note" id="letter-legend">* Buchstabe erschlossen' in text


def test_the_over_time_csv_says_how_each_letter_is_known(marked) -> None:  # type: ignore[no-untyped-def]
    rows = _csv(marked, "concept/over-time", "action-fields")
    assert {(r["notation"], r["notation_link"]) for r in rows} == {
        ("A", "sourced"),
        ("B", "sourced"),
        ("C", "inferred"),
    }


def test_a_page_without_inferred_letters_has_no_letter_legend(controlling_server) -> None:  # type: ignore[no-untyped-def]
    assert 'id="letter-legend"' not in _page(controlling_server, "concept/over-time")


def test_counts_on_the_comparison_page_take_the_singular_for_one(controlling_server) -> None:  # type: ignore[no-untyped-def]
    german = _page(controlling_server, "compare")
    english = _page(controlling_server, "compare", lang="en")
    assert '<h2 id="changed">1 geänderte Maßnahme</h2>' in german
    assert '<h2 id="coverage">1 Ziel mit geänderter Abdeckung</h2>' in german
    assert '<h2 id="added">1 measure added</h2>' in english
    assert '<h2 id="ended">2 measures no longer included</h2>' in english
    assert '<h2 id="coverage">1 goal whose coverage changed</h2>' in english


def test_the_real_graph_says_it_has_one_edition_in_english(server) -> None:  # type: ignore[no-untyped-def]
    assert "So far the graph holds 1 edition of the status report (2024)" in _page(server, "compare", lang="en")


@pytest.mark.parametrize(
    ("query", "german", "english"), [("Lesekurs", "1 Eintrag", "1 entry"), ("", "4 Einträge", "4 entries")]
)
def test_index_pages_count_their_entries_in_the_right_number(controlling_server, query, german, english) -> None:  # type: ignore[no-untyped-def]
    assert f"<p>{german} · " in _page(controlling_server, "measures", q=query)
    assert f"<p>{english} · " in _page(controlling_server, "measures", q=query, lang="en")


def test_the_indicator_counts_take_the_singular_for_one(server) -> None:  # type: ignore[no-untyped-def]
    for lang, forms in (("de", ("Kennzahl", "Kennzahlen")), ("en", ("indicator", "indicators"))):
        # A generous deadline: the page is heavy for a shared machine, and only its wording is at stake here.
        page = httpx.get(server.base + "indicators", params={"lang": lang}, headers={"Accept": BROWSER}, timeout=120)
        counts = re.findall(r"\((\d+) (\w+)\)</li>", page.text)
        assert counts
        assert all(noun == forms[int(n) != 1] for n, noun in counts), counts
