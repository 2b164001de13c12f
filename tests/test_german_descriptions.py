"""German first (issue 14, item 6): every measure, organisation and programme has a German description in
the editors' graph; German pages and the German spreadsheet show it, English ones the English text, and
the spreadsheet's import carries a German description into the editors' graph."""

from __future__ import annotations

from pathlib import Path

import httpx
import openpyxl
import pyoxigraph as ox
import pytest
from workbook_cells import fill_row

from ikg.builder import sources

from conftest import BASE, FIXTURES, ROOT, copy_project, run_ikg

EDITORIAL = f"{BASE}graph/editorial"
PREFIXES = (
    f"PREFIX ikg: <{BASE}def/ikg#> PREFIX org: <http://www.w3.org/ns/org#> "
    "PREFIX dct: <http://purl.org/dc/terms/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
)
CAFE_WELT_DE = "Wöchentlicher Treffpunkt mit Deutschkurs zweimal pro Woche und Kinderbetreuung"
CAFE_WELT_EN = "Weekly meeting point with a German course twice a week and childcare"
SOURCE = "https://example.org/quelle"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    """The graph files and the vocabulary as written, read without building."""
    loaded = sources.load(sources.project_sources(ROOT))
    assert not loaded.problems
    return loaded.store


def _without_german_description(store: ox.Store, graph: str | None) -> list[str]:
    where = f"GRAPH <{graph}> {{ ?x dct:description ?text }}" if graph else "?x dct:description ?text"
    query = (
        PREFIXES + "SELECT DISTINCT ?x WHERE { ?x a ?class . ?class rdfs:subClassOf* ?kind . "
        "VALUES ?kind { ikg:Measure org:Organization ikg:FundingProgramme } "
        f'FILTER NOT EXISTS {{ {where} FILTER(LANGMATCHES(LANG(?text), "de")) }} }} ORDER BY ?x'
    )
    return [row["x"].value for row in store.query(query, use_default_graph_as_union=True)]


def test_every_measure_organisation_and_programme_has_a_german_description_in_the_editorial_graph(
    store: ox.Store,
) -> None:
    assert _without_german_description(store, EDITORIAL) == []


def test_the_german_descriptions_cover_every_kind_the_dossier_lists(store: ox.Store) -> None:
    """Not vacuous: the check above runs over the 66 measures, the organisations and the programmes."""
    query = (
        PREFIXES + "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?class . ?class rdfs:subClassOf* ?kind . "
        "VALUES ?kind { ikg:Measure org:Organization ikg:FundingProgramme } }"
    )
    counted = next(iter(store.query(query, use_default_graph_as_union=True)))["n"]
    assert int(counted.value) >= 66 + 84 + 32


def test_a_measure_without_a_german_description_is_warned_about(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", with_queries=False, with_graph=False)
    (project / "graph").mkdir()
    minimal = (FIXTURES / "minimal.trig").read_text(encoding="utf-8")
    without = minimal.replace('m:t-massnahme dct:description "Eine Testmaßnahme."@de .', "")
    assert without != minimal
    (project / "graph" / "fixture.trig").write_text(without, encoding="utf-8")
    result = run_ikg("validate", "--root", str(project), "--lang", "en")
    assert result.returncode == 0, result.stdout
    assert (
        "Measure »Testmaßnahme« <https://ikg.example/leverkusen/id/measure/t-massnahme>: property dct:description: "
        "warning: the German description (dct:description with @de) is missing." in result.stdout
    )


def test_a_problem_of_a_measure_is_located_where_the_measure_is_defined_not_in_the_german_descriptions(
    project: Path,
) -> None:
    (project / "graph" / "zz-broken.trig").write_text(
        "@prefix g: <https://ikg.example/leverkusen/graph/> .\n"
        "@prefix ikg: <https://ikg.example/leverkusen/def/ikg#> .\n"
        "g:measures { <https://ikg.example/leverkusen/id/measure/cafe-welt> ikg:operator "
        "<https://ikg.example/leverkusen/id/programme/aktion-neue-nachbarn> . }\n",
        encoding="utf-8",
    )
    result = run_ikg("validate", "--root", str(project), "--lang", "en")
    told = [line for line in result.stdout.splitlines() if "the operator is not an organisation" in line]
    assert told, result.stdout
    assert all(line.startswith("graph/measures.trig, line ") for line in told), result.stdout


# Pages


def _page(server, slug: str, language: str) -> str:  # type: ignore[no-untyped-def]
    response = httpx.get(
        f"{server.base}id/measure/{slug}", headers={"Accept": "text/html", "Accept-Language": language}
    )
    assert response.status_code == 200
    return response.text


def test_the_german_page_of_a_measure_shows_its_german_description(server) -> None:  # type: ignore[no-untyped-def]
    page = _page(server, "cafe-welt", "de")
    assert CAFE_WELT_DE in page
    assert CAFE_WELT_EN not in page


def test_the_english_page_of_a_measure_shows_its_english_description(server) -> None:  # type: ignore[no-untyped-def]
    page = _page(server, "cafe-welt", "en")
    assert CAFE_WELT_EN in page
    assert CAFE_WELT_DE not in page


# Spreadsheet


def _export(project: Path, target: Path, *options: str) -> openpyxl.Workbook:
    result = run_ikg("export", str(target), "--root", str(project), *options)
    assert result.returncode == 0, result.stdout + result.stderr
    return openpyxl.load_workbook(target)


def _measure_row(book: openpyxl.Workbook, slug: str) -> dict[str, str]:
    sheet = book["Maßnahmen"]
    headers = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if row[0] == slug:
            return dict(zip(headers, row, strict=False))
    raise AssertionError(f"{slug} is not in the sheet")


def test_the_german_spreadsheet_shows_the_german_description_first_and_the_english_alongside(
    project: Path, tmp_path: Path
) -> None:
    book = _export(project, tmp_path / "alle.xlsx")
    headers = [cell.value for cell in book["Maßnahmen"][1]]
    assert headers.index("Beschreibung") < headers.index("Beschreibung (englisch)")
    row = _measure_row(book, "cafe-welt")
    assert row["Beschreibung"].startswith(CAFE_WELT_DE)
    assert row["Beschreibung (englisch)"].startswith(CAFE_WELT_EN)


def _new_edition(project: Path, tmp_path: Path) -> Path:
    """The 2024 edition exported as the 2025 edition's template, with the Bericht sheet filled in."""
    path = tmp_path / "2025.xlsx"
    book = _export(project, path, "--edition", "2024")
    book["Bericht"]["A2"], book["Bericht"]["B2"], book["Bericht"]["D2"] = "2025", "Statusbericht 2025", SOURCE
    book.save(path)
    return path


def test_a_german_description_from_the_sheet_goes_to_the_editorial_graph_and_comes_back_in_the_export(
    project: Path, tmp_path: Path
) -> None:
    template = _new_edition(project, tmp_path)
    german = "Ein neuer Sprachtreff; die Beschreibung hat das KI geschrieben."
    fill_row(template, Titel="Sprachtreff Test", Beschreibung=german, Träger="AWO Leverkusen", Quellen=SOURCE)
    result = run_ikg("import", str(template), "--edition", "2025", "--root", str(project))
    assert result.returncode == 0, result.stdout + result.stderr
    written = ox.Store()
    written.load(path=str(project / "graph" / "import-2025.trig"), format=ox.RdfFormat.TRIG)
    in_editorial = PREFIXES + (f'ASK {{ GRAPH <{EDITORIAL}> {{ ?m dct:description "{german}"@de }} ?m a ikg:Measure }}')
    assert written.query(in_editorial, use_default_graph_as_union=True)
    row = _measure_row(_export(project, tmp_path / "wieder.xlsx", "--edition", "2025"), "sprachtreff-test")
    assert row["Beschreibung"] == german


def test_a_changed_german_description_of_a_known_measure_is_told_and_not_taken_over(
    project: Path, tmp_path: Path
) -> None:
    template = _new_edition(project, tmp_path)
    book = openpyxl.load_workbook(template)
    sheet = book["Maßnahmen"]
    column = [cell.value for cell in sheet[1]].index("Beschreibung") + 1
    sheet.cell(row=2, column=column, value="Eine andere Beschreibung.")
    book.save(template)
    result = run_ikg("import", str(template), "--edition", "2025", "--root", str(project))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warnung: weicht vom Graphen ab: »" in result.stdout
    assert "« → »Eine andere Beschreibung.«; die Änderung wird nicht übernommen" in result.stdout
    assert "Eine andere Beschreibung." not in (project / "graph" / "import-2025.trig").read_text(encoding="utf-8")
