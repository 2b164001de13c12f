"""Goals over time on a copy of the real graph with a synthetic second edition (test data only, written here):
what an edition inherits from timeless graphs counts for it, what another edition's graph states does not, and
a goal is open since the first edition after its last measure. Also the overall goals on /action-fields and
the chart labels' room."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from ikg.web.responses import templates
from ikg.web.views.charts import MAX_LABEL_WIDTH, bar_chart, text_width, wrapped

from conftest import copy_project

# Synthetic: a 2025 edition that continues "Einstieg in …" and adds "Café Welt", stating in its own graph that
# Café Welt serves the MiMi goal; it also states a goal for the JSL's counselling, which only 2024 contains. The
# editors' timeless link of that counselling to "Chancengleichheit" holds for 2024 alone.
EDITION_2025 = """
@prefix ikg:    <https://ikg.example/leverkusen/def/ikg#> .
@prefix g:      <https://ikg.example/leverkusen/graph/> .
@prefix m:      <https://ikg.example/leverkusen/id/measure/> .
@prefix goal:   <https://ikg.example/leverkusen/id/goal/> .
@prefix report: <https://ikg.example/leverkusen/id/report/> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
@prefix skos:   <http://www.w3.org/2004/02/skos/core#> .
@prefix dct:    <http://purl.org/dc/terms/> .
@prefix dcat:   <http://www.w3.org/ns/dcat#> .
@prefix prov:   <http://www.w3.org/ns/prov#> .
@prefix schema: <http://schema.org/> .

g:about {
    g:report-2025 a prov:Entity ;
        ikg:evidence <https://ikg.example/leverkusen/def/evidence/belegt> ;
        prov:wasDerivedFrom <https://example.org/test/synthetic> ;
        dct:title "Statusbericht 2025 (Testdaten)"@de , "Status report 2025 (test data)"@en ;
        dct:description "Synthetische Testausgabe."@de , "A synthetic test edition."@en ;
        prov:hadPrimarySource report:t-statusbericht-2025 .
}
g:report-2025 {
    report:t-statusbericht-2025 a schema:Report , prov:Entity ;
        skos:prefLabel "Statusbericht 2025 (Testdaten)"@de ;
        dct:title "Statusbericht 2025 (Testdaten)"@de ;
        dct:temporal [ a dct:PeriodOfTime ; dcat:startDate "2025"^^xsd:gYear ; dcat:endDate "2025"^^xsd:gYear ] ;
        dct:source <https://example.org/test/bericht-2025> .
    m:einstieg-in dct:isReferencedBy report:t-statusbericht-2025 .
    m:cafe-welt dct:isReferencedBy report:t-statusbericht-2025 ; ikg:servesGoal goal:hf-e-mimi-neustart .
    m:anerkennungsberatung-jsl ikg:servesGoal goal:hf-a-sprachmittler .
}
g:editorial {
    m:anerkennungsberatung-jsl ikg:servesGoal goal:chancengleichheit .
}
"""


@pytest.fixture(scope="module")
def two_editions(tmp_path_factory: pytest.TempPathFactory) -> Iterator:  # type: ignore[type-arg]
    from server import serving

    project = copy_project(tmp_path_factory.mktemp("two-editions"))
    (project / "graph" / "report-2025.trig").write_text(EDITION_2025, encoding="utf-8")
    with serving(project, root=project) as running:
        yield running


def _over_time(server, **params: str) -> dict:  # type: ignore[no-untyped-def]
    response = httpx.get(server.base + "concept/over-time", params={"format": "json", **params}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def _goals(view: dict) -> dict[str, dict]:
    goals = [g for f in view["action_fields"] for g in f["goals"]] + view["overall_goals"]
    return {g["iri"].rsplit("/", 1)[-1]: g for g in goals}


def _counts(goal: dict) -> list[tuple[str, int]]:
    return [(e["year"], e["measures"]) for e in goal["editions"]]


def test_a_link_stated_in_an_editions_own_graph_counts_for_that_edition(two_editions) -> None:  # type: ignore[no-untyped-def]
    goal = _goals(_over_time(two_editions))["hf-e-mimi-neustart"]
    assert _counts(goal) == [("2024", 0), ("2025", 1)]
    assert goal["open_since"] is None


def test_a_link_another_editions_graph_states_does_not_reach_back(two_editions) -> None:  # type: ignore[no-untyped-def]
    goal = _goals(_over_time(two_editions))["hf-a-sprachmittler"]
    assert _counts(goal) == [("2024", 0), ("2025", 0)]
    assert goal["open_since"] == "2024"


def test_a_timeless_link_counts_for_every_edition_containing_the_measure(two_editions) -> None:  # type: ignore[no-untyped-def]
    goal = _goals(_over_time(two_editions))["chancengleichheit"]
    assert [(e["year"], e["measures"], e["measures_sourced"]) for e in goal["editions"]] == [
        ("2024", 1, 0),
        ("2025", 0, 0),
    ]
    assert goal["open_since"] == "2025"


def test_sourced_statements_only_leave_out_the_editors_links(two_editions) -> None:  # type: ignore[no-untyped-def]
    goal = _goals(_over_time(two_editions, evidence="sourced"))["chancengleichheit"]
    assert _counts(goal) == [("2024", 0), ("2025", 0)]
    assert goal["open_since"] == "2024"


def test_action_fields_follow_their_measures_across_editions(two_editions) -> None:  # type: ignore[no-untyped-def]
    fields = {f["notation"]: f for f in _over_time(two_editions)["action_fields"]}
    assert [(e["year"], e["measures"]) for e in fields["C"]["editions"]] == [("2024", 2), ("2025", 1)]
    assert [(e["year"], e["measures"]) for e in fields["A"]["editions"]] == [("2024", 0), ("2025", 1)]
    assert (fields["C"]["open_since"], fields["A"]["open_since"], fields["H"]["open_since"]) == (None, None, "2024")


def test_the_concept_page_names_the_edition_since_which_a_goal_is_open(two_editions) -> None:  # type: ignore[no-untyped-def]
    view = httpx.get(two_editions.base + "concept", params={"format": "json"}, timeout=60).json()
    open_since = {g["iri"]: g["open_since"] for g in view["open_goals"]}
    goal = two_editions.base + "id/goal/"
    assert open_since[goal + "ratsauftrag-priorisierung-und-zeitplan"] == "2024"
    assert goal + "chancengleichheit" not in open_since  # the editors' link serves it (in 2024)


def test_each_action_field_has_a_chart_over_the_editions_with_a_table(two_editions) -> None:  # type: ignore[no-untyped-def]
    text = httpx.get(two_editions.base + "concept/over-time", headers={"Accept": "text/html"}, timeout=60).text
    section = text.split('<section class="field" id="over-time-C">')[1].split("</section>")[0]
    assert '<svg role="img" aria-labelledby="chart-over-time-C-title chart-over-time-C-desc"' in section
    assert '<tr><th scope="row">2024</th><td>2</td><td>0</td>' in section
    assert '<tr><th scope="row">2025</th><td>1</td><td>0</td>' in section


# The overall goals on /action-fields


def test_the_action_field_index_lists_the_overall_goals_in_their_own_section(server) -> None:  # type: ignore[no-untyped-def]
    items = httpx.get(server.base + "action-fields", params={"format": "json"}).json()["items"]
    overall = sorted(i["iri"] for i in items if i["section"] == "overall-goals")
    concept = httpx.get(server.base + "concept", params={"format": "json"}).json()["overall_goals"]
    assert overall == sorted(g["iri"] for g in concept)
    assert len(overall) == 7
    assert sum(i["section"] == "action-fields" for i in items) == 8
    text = httpx.get(server.base + "action-fields", headers={"Accept": "text/html"}).text
    assert '<section id="overall-goals">\n<h2>Übergreifende Ziele (7)</h2>' in text
    assert f'<a href="{server.base}id/goal/chancengleichheit">Chancengleichheit</a>' in text


def test_the_action_field_index_csv_names_each_rows_section(server) -> None:  # type: ignore[no-untyped-def]
    text = httpx.get(server.base + "action-fields", params={"format": "csv"}).text
    assert text.splitlines()[0] == "iri,label_de,label_en,detail,section"
    assert text.count(",overall-goals") == 7


# Plurals and chart labels


@pytest.mark.parametrize(
    ("n", "forms", "expected"),
    [
        (0, "Ziel|Ziele", "0 Ziele"),
        (1, "Ziel|Ziele", "1 Ziel"),
        (2, "Ziel|Ziele", "2 Ziele"),
        (1, "measure|measures", "1 measure"),
    ],
)
def test_counted_takes_the_singular_for_one_only(n: int, forms: str, expected: str) -> None:
    template = templates.from_string('{% from "plural.html" import counted %}{{ counted(n, forms) }}')
    assert template.render(n=n, forms=forms) == expected


# The longest labels the real charts draw, in both languages.
LONGEST = [
    "F* – Zivilgesellschaftliches / Bürgerschaftliches Engagement und Freizeit, Kultur und Sport",
    "H* – Altern in der Migrationsgesellschaft / Senioren",
    "F* – Civic engagement and leisure, culture and sport",
    "H* – Ageing in the migration society / senior citizens",
]


def test_the_label_area_fits_the_longest_real_labels_in_both_languages() -> None:
    chart = bar_chart("t", "t", "t", [(label, [(1, "bar-sourced")]) for label in LONGEST])
    for bar, label in zip(chart.bars, LONGEST, strict=True):
        assert " ".join(line.text for line in bar.lines) == label  # wrapped, nothing cut
        for line in bar.lines:
            assert 0 < text_width(line.text) <= chart.label_x <= MAX_LABEL_WIDTH + 8


def test_a_label_wraps_at_word_breaks_within_the_limit() -> None:
    lines = wrapped(LONGEST[0])
    assert len(lines) > 1
    assert all(text_width(line) <= MAX_LABEL_WIDTH for line in lines)
