"""The yearly workflow of the README on a copy of the real graph: export an edition, edit it as the KI's staff
would (openpyxl standing in for Excel), import it as the next edition, serve, compare. /compare must show
exactly the measures added, ended and changed, and nothing the graph says for every edition alike."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import openpyxl
import pytest

from conftest import copy_project, run_ikg

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
MEASURE = "id/measure/"
ORGANISATION = "id/organisation/"
GOAL = "id/goal/hf-b-leitziel-3"
GOAL_LABEL = "Leitziel 3 im Handlungsfeld B"
FIELD = "id/action-field/sprache-sprachfoerderung"
FIELD_LABEL = "A – Sprache / Sprachförderung"
STATUS = "def/status/"


def _headers(sheet) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {cell.value: cell.column for cell in sheet[1] if cell.value}


def _row_of(sheet, identifier: str) -> int:  # type: ignore[no-untyped-def]
    column = _headers(sheet)["Kennung"]
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, column).value == identifier)


def _append(sheet, **values: str) -> None:  # type: ignore[no-untyped-def]
    headers = _headers(sheet)
    row = sheet.max_row + 1
    for header, value in values.items():
        sheet.cell(row, headers[header], value)


def _edition_row(book, year: str) -> None:  # type: ignore[no-untyped-def]
    report = book["Bericht"]
    headers = _headers(report)
    report.cell(2, headers["Ausgabe"], year)
    report.cell(2, headers["Titel"], f"Statusbericht {year}")
    report.cell(2, headers["Quellen"], f"https://example.org/statusbericht-{year}")


def _export(project: Path, edition: str) -> openpyxl.Workbook:
    target = project / f"vorlage-{edition}.xlsx"
    result = run_ikg("export", str(target), "--edition", edition, "--root", str(project))
    assert result.returncode == 0, result.stderr
    return openpyxl.load_workbook(target)


def _import(project: Path, book: openpyxl.Workbook, edition: str) -> None:
    filled = project / f"ausgabe-{edition}.xlsx"
    book.save(filled)
    result = run_ikg("import", str(filled), "--edition", edition, "--root", str(project))
    assert result.returncode == 0, result.stdout + result.stderr


def _yearly_update_2025(project: Path) -> None:
    """The issue's case: every row of 2024 kept as it is, two measures added."""
    book = _export(project, "2024")
    _edition_row(book, "2025")
    measures = book["Maßnahmen"]
    _append(
        measures,
        Titel="Sprachcafé am Markt",
        Träger="Kommunales Integrationszentrum Leverkusen",
        Handlungsfeld=FIELD_LABEL,
        Quellen="https://example.org/sprachcafe",
    )
    _append(measures, Titel="Elternabend", Träger="AWO Leverkusen", Quellen="https://example.org/elternabend")
    _import(project, book, "2025")


def _yearly_update_2026(project: Path) -> None:
    """A year later: one measure dropped, one reported as ended, one continued by another operator, now serving a
    goal and filed under no action field, the rest kept as they were."""
    book = _export(project, "2025")
    _edition_row(book, "2026")
    measures = book["Maßnahmen"]
    measures.delete_rows(_row_of(measures, "elternabend"))
    headers = _headers(measures)
    measures.cell(_row_of(measures, "sprachcafe-am-markt"), headers["Träger"], "AWO Leverkusen")
    measures.cell(_row_of(measures, "sprachcafe-am-markt"), headers["Ziele"], GOAL_LABEL)
    measures.cell(_row_of(measures, "sprachcafe-am-markt"), headers["Handlungsfeld"]).value = None
    measures.cell(_row_of(measures, "sprachcafe-am-markt"), headers["Status"], "fortgeführt")
    measures.cell(_row_of(measures, "anerkennungsberatung-jsl"), headers["Status"], "beendet")
    _import(project, book, "2026")


@pytest.fixture(scope="module")
def yearly(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real graph after two yearly updates, served; yields the server's base."""
    from server import serving

    folder = tmp_path_factory.mktemp("yearly")
    project = copy_project(folder / "project")
    _yearly_update_2025(project)
    _yearly_update_2026(project)
    with serving(folder, "--query-workers", "1", root=project) as running:
        yield running.base


def _compare(base: str, **params: str) -> dict:  # type: ignore[type-arg]
    response = httpx.get(base + "compare", params={"format": "json", **params}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def _changes(view: dict, base: str) -> dict[str, list]:  # type: ignore[type-arg]
    """The comparison's lists, IRIs relative to the server's base."""

    def local(items: list[dict[str, str]]) -> list[str]:
        return sorted(item["iri"].removeprefix(base) for item in items)

    return {
        "added": local(view["added"]),
        "ended": local(view["ended"]),
        "changed": sorted(
            (c["iri"].removeprefix(base), c["property"], local(c["before"]), local(c["after"])) for c in view["changed"]
        ),
    }


def test_keeping_every_row_and_adding_two_shows_exactly_the_two_added(yearly: str) -> None:
    assert _changes(_compare(yearly, **{"from": "2024", "to": "2025"}), yearly) == {
        "added": [MEASURE + "elternabend", MEASURE + "sprachcafe-am-markt"],
        "ended": [],
        "changed": [],
    }


def test_dropped_and_ended_rows_have_ended_and_the_edited_cells_are_the_changes(yearly: str) -> None:
    assert _changes(_compare(yearly, **{"from": "2025", "to": "2026"}), yearly) == {
        "added": [],
        "ended": [MEASURE + "anerkennungsberatung-jsl", MEASURE + "elternabend"],
        "changed": [
            (MEASURE + "anerkennungsberatung-jsl", "status", [], [STATUS + "beendet"]),
            (MEASURE + "sprachcafe-am-markt", "action_field", [FIELD], []),
            (MEASURE + "sprachcafe-am-markt", "goal", [], [GOAL]),
            (
                MEASURE + "sprachcafe-am-markt",
                "operator",
                [ORGANISATION + "kommunales-integrationszentrum"],
                [ORGANISATION + "awo-leverkusen"],
            ),
            (MEASURE + "sprachcafe-am-markt", "status", [], [STATUS + "fortgefuehrt"]),
        ],
    }


def test_a_goal_link_of_a_later_edition_does_not_count_for_earlier_ones(yearly: str) -> None:
    assert _compare(yearly, **{"from": "2024", "to": "2025"})["goal_coverage"] == []
    coverage = _compare(yearly, **{"from": "2025", "to": "2026"})["goal_coverage"]
    assert [(g["iri"].removeprefix(yearly), g["before"], g["after"]) for g in coverage] == [(GOAL, 0, 1)]


def test_what_the_graph_says_for_every_edition_is_no_change(yearly: str) -> None:
    """Einstieg in… keeps the operator and partners the timeless graph gives it, whatever an edition repeats."""
    changed = _compare(yearly, **{"from": "2024", "to": "2026"})["changed"]
    assert [c for c in changed if c["iri"] == yearly + MEASURE + "einstieg-in"] == []


@pytest.mark.parametrize("media", ["application/json", "text/csv"])
@pytest.mark.parametrize("extra", [{}, {"evidence": "sourced", "lang": "en"}])
def test_every_twin_link_of_the_comparison_page_returns_its_format(
    yearly: str, media: str, extra: dict[str, str]
) -> None:
    params = {"from": "2024", "to": "2026", **extra}
    page = httpx.get(yearly + "compare", params=params, headers={"Accept": BROWSER}).text
    links = _twin_links(page, "compare?")
    wanted = [link for link in links if ("format=csv" if media == "text/csv" else "format=json") in link]
    assert wanted
    for link in wanted:
        response = httpx.get(link)
        assert response.status_code == 200, link
        assert response.headers["content-type"].startswith(media), link
        assert "from=2024" in link
        assert "to=2026" in link


def _twin_links(page: str, path: str) -> list[str]:
    """Every href on the page to `path`, as a browser resolves it (entities decoded)."""
    return [html.unescape(href) for href in re.findall(r'href="([^"]*' + re.escape(path) + r'[^"]*)"', page)]


def test_a_measure_page_lists_the_editions_that_name_it(server) -> None:  # type: ignore[no-untyped-def]
    page = httpx.get(server.base + MEASURE + "einstieg-in", headers={"Accept": BROWSER}).text
    report = server.base + "id/report/statusbericht-2024"
    assert '<h2 id="editions">In den Ausgaben des Statusberichts</h2>' in page
    assert f'<tr><th scope="row"><a href="{report}">2024</a></th><td>keiner angegeben</td></tr>' in page


def test_a_measure_no_edition_names_has_no_editions_table(server) -> None:  # type: ignore[no-untyped-def]
    page = httpx.get(server.base + MEASURE + "cafe-welt", headers={"Accept": BROWSER}).text
    assert 'id="editions"' not in page


def _current(base: str) -> dict[str, tuple[str, str]]:
    response = httpx.get(base + "queries/current-measures", params={"format": "json"}, timeout=60)
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    return {r["measure"]["value"].removeprefix(base): (r["current"]["value"], r["basis"]["value"]) for r in rows}


def test_a_measure_the_latest_edition_dropped_is_no_longer_current(yearly: str) -> None:
    current = _current(yearly)
    assert current[MEASURE + "elternabend"] == ("false", "edition")
    assert current[MEASURE + "sprachcafe-am-markt"] == ("true", "edition")
    assert current[MEASURE + "einstieg-in"] == ("true", "edition")


def test_a_measure_the_latest_edition_reports_as_ended_is_no_longer_current(yearly: str) -> None:
    assert _current(yearly)[MEASURE + "anerkennungsberatung-jsl"] == ("false", "edition")


def test_a_measure_page_shows_the_status_each_edition_gives(yearly: str) -> None:
    page = httpx.get(yearly + MEASURE + "sprachcafe-am-markt", headers={"Accept": BROWSER}).text
    rows = re.findall(r'<tr><th scope="row"><a href="[^"]*">(\d{4})</a></th><td>(.*?)</td></tr>', page)
    assert [(year, re.sub(r"<[^>]+>", "", cell)) for year, cell in rows] == [
        ("2025", "keiner angegeben"),
        ("2026", "fortgeführt"),
    ]


def test_a_measure_no_edition_names_is_current_by_the_editors_filing(yearly: str) -> None:
    current = _current(yearly)
    assert current[MEASURE + "cafe-welt"][1] == "editorial"


def test_measures_per_field_and_edition_count_a_filing_only_for_the_editions_it_holds_for(yearly: str) -> None:
    """Sprachcafé am Markt is filed under A by the 2025 edition's graph only; the 2026 row left the field empty."""
    response = httpx.get(yearly + "queries/edition-measures-per-action-field", params={"format": "json"}, timeout=60)
    rows = response.json()["results"]["bindings"]
    per_year = {
        r["year"]["value"]: int(r["measures"]["value"]) for r in rows if r.get("notation", {}).get("value") == "A"
    }
    assert per_year["2025"] == per_year["2026"] + 1


def test_an_imported_edition_exported_and_imported_again_stays_as_it_was(tmp_path: Path) -> None:
    """The staff correct the file of a year and import it again: what its first import created is still known."""
    project = copy_project(tmp_path / "project")
    _yearly_update_2025(project)
    written = (project / "graph" / "import-2025.trig").read_bytes()
    _import(project, _export(project, "2025"), "2025")
    assert (project / "graph" / "import-2025.trig").read_bytes() == written


def _concept(base: str, **params: str) -> dict:  # type: ignore[type-arg]
    response = httpx.get(base + "concept", params={"format": "json", **params}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def _without_goal(view: dict, base: str) -> set[str]:  # type: ignore[type-arg]
    return {m["iri"].removeprefix(base) for m in view["measures_without_goal"]}


def test_the_concept_over_current_measures_leaves_out_ended_and_dropped_ones(yearly: str) -> None:
    everything = _without_goal(_concept(yearly), yearly)
    current = _without_goal(_concept(yearly, scope="current"), yearly)
    assert {MEASURE + "anerkennungsberatung-jsl", MEASURE + "elternabend"} <= everything - current
    assert MEASURE + "einstieg-in" in current


def test_the_current_scope_shows_only_measures_current_measures_calls_current(yearly: str) -> None:
    listed = {iri for iri, (current, _basis) in _current(yearly).items() if current == "true"}
    view = _concept(yearly, scope="current")
    shown = {m["iri"].removeprefix(yearly) for m in view["measures_without_goal"]}
    shown |= {m["iri"].removeprefix(yearly) for g in _all_goals(view) for m in g["measures"]}
    assert shown
    assert shown <= listed


def _all_goals(view: dict) -> list[dict]:  # type: ignore[type-arg]
    return [g for f in view["action_fields"] for g in f["goal_list"]] + view["overall_goals"]


def test_an_unknown_scope_is_refused_by_name(yearly: str) -> None:
    response = httpx.get(yearly + "concept", params={"scope": "laufend"})
    assert response.status_code == 400
    assert "scope='laufend' is not offered; the allowed values are all, current" in response.text


def test_the_concept_page_twins_keep_the_scope(yearly: str) -> None:
    page = httpx.get(yearly + "concept", params={"scope": "current"}, headers={"Accept": BROWSER}).text
    twins = [link for link in _twin_links(page, "concept?") if "format=" in link]
    assert twins
    assert all("scope=current" in link for link in twins)
    assert _concept(yearly, scope="current")["scope"] == "current"


@pytest.mark.parametrize("extra", [{}, {"evidence": "sourced"}])
def test_every_value_an_imported_edition_states_is_known_as_sourced(yearly: str, extra: dict[str, str]) -> None:
    """The importer rates each edition graph `belegt` in g:about, so no change of the workflow carries a mark."""
    params = {"from": "2025", "to": "2026", **extra}
    changed = _compare(yearly, **params)["changed"]
    assert {value["link"] for c in changed for value in c["before"] + c["after"]} == {"sourced"}
    page = httpx.get(yearly + "compare", params=params, headers={"Accept": BROWSER}, timeout=60).text
    assert '<em class="mark">' not in page.split('<h2 id="changed">')[1].split("<h2")[0]
