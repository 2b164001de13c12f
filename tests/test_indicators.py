"""The context indicators (issue 15, item 5): /indicators shows every observation of graph/statistics.trig as a
time series per indicator, with its reference date, source and certainty, in HTML, JSON and CSV alike, and the
named queries behind it answer with the same figures.

Expectations are read from the graph files themselves (graph/statistics.trig for the figures and their marks,
graph/indicator-fields.trig for the editors' filing), never written down here."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from functools import cache
from html.parser import HTMLParser

import httpx
import pyoxigraph as ox
import pytest

from conftest import BASE, ROOT

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
PREFIXES = f"""
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
PREFIX sdmx-attribute: <http://purl.org/linked-data/sdmx/2009/attribute#>
PREFIX ikg: <{BASE}def/ikg#>
"""


@cache
def _graph() -> ox.Store:
    store = ox.Store()
    for name in ("statistics.trig", "indicator-fields.trig"):
        store.load(path=str(ROOT / "graph" / name), format=ox.RdfFormat.TRIG)
    return store


@cache
def _expected() -> dict[str, dict[str, str]]:
    """Every observation of the graph file: its indicator, value, reference period (or none), unit and graph."""
    rows = _graph().query(
        PREFIXES
        + """SELECT ?obs ?measure ?value ?period ?unit ?g WHERE { GRAPH ?g {
            ?obs a qb:Observation ; qb:measureType ?measure ; ?measure ?value ; sdmx-attribute:unitMeasure ?unit .
            OPTIONAL { ?obs sdmx-dimension:refPeriod ?period } } }"""
    )
    return {
        r["obs"].value: {
            "indicator": r["measure"].value,
            "value": r["value"].value,
            "period": r["period"].value if r["period"] else "",
            "unit": r["unit"].value,
            "graph": r["g"].value,
        }
        for r in rows
    }


def _uncertain() -> dict[str, str]:
    """The observations the graph file states in g:uncertain, with the German reason given for their value."""
    rows = _graph().query(
        PREFIXES
        + f"""SELECT ?obs ?reason WHERE {{ GRAPH <{BASE}graph/uncertain> {{
            ?obs a qb:Observation ; qb:measureType ?measure .
            ?note rdf:subject ?obs ; rdf:predicate ?measure ; ikg:reason ?reason . FILTER(LANG(?reason) = "de") }} }}"""
    )
    return {r["obs"].value: r["reason"].value for r in rows}


def _served(server, iri: str) -> str:  # type: ignore[no-untyped-def]
    return iri.replace(BASE, server.base)


def _canonical(server, iri: str) -> str:  # type: ignore[no-untyped-def]
    return iri.replace(server.base, BASE)


def _get(server, accept: str = "application/json", **params: str) -> httpx.Response:  # type: ignore[no-untyped-def]
    response = httpx.get(server.base + "indicators", params=params, headers={"Accept": accept}, timeout=120)
    assert response.status_code == 200, response.text
    return response


def _json(server, **params: str) -> dict:  # type: ignore[no-untyped-def]
    return _get(server, format="json", **params).json()


def _observations(view: dict) -> dict[str, dict]:
    return {
        o["iri"]: {**o, "indicator": i["iri"], "unit": i["unit"]}
        for s in view["sections"]
        for i in s["indicators"]
        for o in i["observations"]
    }


class _Page(HTMLParser):
    """The page's table rows (by observation) and charts (by figure id: title and bars)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, dict] = {}
        self.charts: dict[str, dict] = {}
        self._row: dict | None = None
        self._figure: dict | None = None
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "tr" and a.get("data-observation"):
            self._row = self.rows[a["data-observation"]] = {"text": "", "value": None}  # type: ignore[index]
        elif tag == "td" and self._row is not None and "data-value" in a:
            self._row["value"] = a["data-value"]
        elif tag == "figure":
            self._figure = self.charts[a["id"]] = {"title": "", "bars": []}  # type: ignore[index]
        elif tag == "title" and self._figure is not None and a.get("id", "").endswith("-title"):
            self._in_title = True
        elif tag == "rect" and self._figure is not None and a.get("data-observation"):
            self._figure["bars"].append(a["data-observation"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr":
            self._row = None
        elif tag == "figure":
            self._figure = None
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._row is not None:
            self._row["text"] += data
        if self._in_title and self._figure is not None:
            self._figure["title"] += data


def _page(server, **params: str) -> _Page:  # type: ignore[no-untyped-def]
    parsed = _Page()
    parsed.feed(_get(server, BROWSER, **params).text)
    return parsed


def test_the_page_lists_every_indicator_with_every_observation(server) -> None:  # type: ignore[no-untyped-def]
    page = _page(server)
    expected = _expected()
    assert {_canonical(server, o) for o in page.rows} == set(expected)
    html = _get(server, BROWSER).text
    for indicator in {e["indicator"] for e in expected.values()}:
        assert f'<a href="{_served(server, indicator)}">' in html


def test_the_json_twin_has_the_figures_and_dates_of_the_graph_and_the_page(server) -> None:  # type: ignore[no-untyped-def]
    observations = _observations(_json(server))
    page = _page(server)
    for iri, expected in _expected().items():
        shown = observations[_served(server, iri)]
        assert Decimal(str(shown["value"])) == Decimal(expected["value"]), iri
        assert (shown["period"] or "") == expected["period"], iri
        assert _canonical(server, shown["indicator"]) == expected["indicator"], iri
        row = page.rows[_served(server, iri)]
        assert Decimal(row["value"]) == Decimal(expected["value"]), iri
        assert shown["reference"] in row["text"], iri


def test_the_csv_twin_has_a_header_and_the_rows_of_the_json_twin(server) -> None:  # type: ignore[no-untyped-def]
    text = _get(server, "text/csv", format="csv", table="observations").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows, text
    assert {"observation", "indicator", "period", "reference", "value", "certainty", "reason", "sources"} <= set(
        rows[0]
    )
    observations = _observations(_json(server))
    assert [r["observation"] for r in rows] == list(observations)
    for r in rows:
        shown = observations[r["observation"]]
        assert Decimal(r["value"]) == Decimal(str(shown["value"]))
        assert r["period"] == (shown["period"] or "")
        assert r["certainty"] == shown["certainty"]
        assert r["sources"].split() == shown["sources"]


def test_the_indicators_table_counts_the_observations_of_each_indicator(server) -> None:  # type: ignore[no-untyped-def]
    text = _get(server, "text/csv", format="csv", table="indicators").text
    counts = {r["indicator"]: int(r["observations"]) for r in csv.DictReader(io.StringIO(text))}
    expected: dict[str, int] = {}
    for e in _expected().values():
        expected[_served(server, e["indicator"])] = expected.get(_served(server, e["indicator"]), 0) + 1
    assert counts == expected


def test_an_uncertain_observation_carries_its_mark_and_reason_in_html_and_json(server) -> None:  # type: ignore[no-untyped-def]
    uncertain = _uncertain()
    assert uncertain, "the graph file has an uncertain observation to show"
    observations = _observations(_json(server))
    page = _page(server)
    for iri, reason in uncertain.items():
        assert observations[_served(server, iri)]["certainty"] == "uncertain"
        assert observations[_served(server, iri)]["reason"] == reason
        assert f"(unsicher: {reason})" in page.rows[_served(server, iri)]["text"]


def test_sourced_observations_are_marked_sourced(server) -> None:  # type: ignore[no-untyped-def]
    observations = _observations(_json(server))
    sourced = [iri for iri, e in _expected().items() if e["graph"] == f"{BASE}graph/statistics"]
    assert sourced
    assert all(observations[_served(server, iri)]["certainty"] == "sourced" for iri in sourced)
    assert all(observations[_served(server, iri)]["reason"] is None for iri in sourced)


def test_the_sourced_only_view_leaves_out_the_uncertain_observations(server) -> None:  # type: ignore[no-untyped-def]
    uncertain = {_served(server, iri) for iri in _uncertain()}
    observations = _observations(_json(server, evidence="sourced"))
    assert not uncertain & set(observations)
    assert not uncertain & set(_page(server, evidence="sourced").rows)
    sourced = {_served(server, iri) for iri, e in _expected().items() if e["graph"] == f"{BASE}graph/statistics"}
    assert set(observations) == sourced


def test_the_filing_under_action_fields_is_editorial_and_falls_away_with_sourced_only(server) -> None:  # type: ignore[no-untyped-def]
    filed = {
        r["m"].value: r["f"].value
        for r in _graph().query(
            f"SELECT ?m ?f WHERE {{ GRAPH <{BASE}graph/editorial> {{ ?m <{BASE}def/ikg#contextFor> ?f }} }}"
        )
    }
    assert filed
    view = _json(server)
    shown = {
        _canonical(server, i["iri"]): _canonical(server, s["action_field"])
        for s in view["sections"]
        if s["action_field"]
        for i in s["indicators"]
    }
    assert shown == filed
    assert {i["filing"] for s in view["sections"] if s["action_field"] for i in s["indicators"]} == {"editorial"}
    assert [s["action_field"] for s in _json(server, evidence="sourced")["sections"]] == [None]


def test_figures_of_different_units_never_share_a_chart(server) -> None:  # type: ignore[no-untyped-def]
    expected = _expected()
    for iri, shown in _observations(_json(server)).items():
        assert _canonical(server, shown["unit"]) == expected[_canonical(server, iri)]["unit"], iri


def test_each_chart_has_a_title_and_one_bar_per_observation(server) -> None:  # type: ignore[no-untyped-def]
    page = _page(server)
    view = _json(server)
    for indicator in [i for s in view["sections"] for i in s["indicators"]]:
        chart = page.charts["chart-" + indicator["iri"].rsplit("#", 1)[-1]]
        assert indicator["label"] in chart["title"]
        assert chart["bars"] == [o["iri"] for o in indicator["observations"]]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_named_query_indicator_series_answers_with_the_page_figures(server, lang: str) -> None:  # type: ignore[no-untyped-def]
    view = _json(server, lang=lang)
    for indicator in [i for s in view["sections"] for i in s["indicators"]]:
        answer = httpx.get(
            server.base + "queries/indicator-series",
            params={"indicator": indicator["iri"], "lang": lang},
            headers={"Accept": "application/sparql-results+json"},
            timeout=120,
        ).json()["results"]["bindings"]
        got = {(b["observation"]["value"], Decimal(b["value"]["value"])) for b in answer}
        assert got == {(o["iri"], Decimal(str(o["value"]))) for o in indicator["observations"]}, indicator["iri"]


def test_the_named_query_indicator_series_narrows_to_one_area(server) -> None:  # type: ignore[no-untyped-def]
    observations = _observations(_json(server))
    area = next(iter(observations.values()))["area"]
    indicator = next(iter(observations.values()))["indicator"]
    answer = httpx.get(
        server.base + "queries/indicator-series",
        params={"indicator": indicator, "area": area},
        headers={"Accept": "application/sparql-results+json"},
        timeout=120,
    ).json()["results"]["bindings"]
    expected = {iri for iri, o in observations.items() if o["indicator"] == indicator and o["area"] == area}
    assert {b["observation"]["value"] for b in answer} == expected


def test_the_named_query_indicators_per_action_field_answers_with_the_page_counts(server) -> None:  # type: ignore[no-untyped-def]
    answer = httpx.get(
        server.base + "queries/indicators-per-action-field",
        headers={"Accept": "application/sparql-results+json"},
        timeout=120,
    ).json()["results"]["bindings"]
    got = {
        (b["indicator"]["value"], b.get("actionField", {}).get("value"), int(b["observations"]["value"]))
        for b in answer
    }
    view = _json(server)
    assert got == {
        (i["iri"], s["action_field"], len(i["observations"])) for s in view["sections"] for i in s["indicators"]
    }


def test_the_page_links_its_twins_and_queries(server) -> None:  # type: ignore[no-untyped-def]
    html = _get(server, BROWSER).text
    for link in (
        "indicators?format=json",
        "indicators?format=csv&amp;table=observations",
        "indicators?format=csv&amp;table=indicators",
        "queries/indicator-series",
        "queries/indicators-per-action-field",
    ):
        assert link in html, link


def test_the_page_in_english_writes_numbers_the_english_way(server) -> None:  # type: ignore[no-untyped-def]
    observations = _observations(_json(server))
    large = next(iri for iri, o in observations.items() if isinstance(o["value"], int) and o["value"] >= 10_000)
    value = observations[large]["value"]
    assert f"{value:,}" in _page(server, lang="en").rows[large]["text"]
    assert f"{value:,}".replace(",", ".") in _page(server, lang="de").rows[large]["text"]


def test_an_unknown_table_is_refused(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.base + "indicators", params={"format": "csv", "table": "nope"}, timeout=60)
    assert response.status_code == 400
    assert "observations" in response.text


def test_a_range_shows_both_ends_and_its_qualifier_words(server) -> None:  # type: ignore[no-untyped-def]
    ranges = {
        r["obs"].value: (int(r["low"].value), int(r["high"].value))
        for r in _graph().query(
            PREFIXES
            + "SELECT ?obs ?low ?high WHERE { GRAPH ?g { ?obs qb:measureType ?m ; ?m ?low ; ikg:upperBound ?high } }"
        )
    }
    assert ranges, "the graph file has a figure given as a range"
    observations = _observations(_json(server, lang="en"))
    page = _page(server, lang="en")
    for iri, (low, high) in ranges.items():
        shown = observations[_served(server, iri)]
        assert (shown["value"], shown["upper_bound"]) == (low, high)
        assert f"{low:,}–{high:,}" in page.rows[_served(server, iri)]["text"]


def test_a_field_section_has_an_anchor_named_after_the_field(server) -> None:  # type: ignore[no-untyped-def]
    page = httpx.get(server.base + "indicators", headers={"Accept": "text/html"}).text
    assert '<section class="field" id="city">' in page
    assert '<a href="#field-wohnen-und-unterbringung">' in page


def test_the_concept_page_links_the_context_figures(server) -> None:  # type: ignore[no-untyped-def]
    page = httpx.get(server.base + "concept", headers={"Accept": "text/html"}).text
    assert f'<a href="{server.base}indicators?lang=de">' in page
