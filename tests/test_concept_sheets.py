"""The concept in the spreadsheet: the KI keeps action fields and goals in the sheets Handlungsfelder and Ziele,
and each measure's status per edition in the column Status, without touching RDF."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import openpyxl
import pyoxigraph as ox
import pytest
from workbook_cells import fill_row

from conftest import BASE, copy_project, run_ikg

SOURCE = "https://example.org/quelle"
GRAPH = f"{BASE}graph/"
NEW_GOAL = "Mehrsprachige Elternarbeit in Kitas stärken"
NEW_GOAL_IRI = f"{BASE}id/goal/mehrsprachige-elternarbeit-in-kitas-staerken"
FIELD_B = "B – Erziehung und (institutionelle) Bildung"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project with its saved queries, so that `ikg serve` can run on it."""
    return copy_project(tmp_path / "project")


@pytest.fixture
def template(project: Path, tmp_path: Path) -> Path:
    """The 2024 edition exported, made into the 2025 edition's template: the Bericht sheet filled in."""
    path = tmp_path / "vorlage.xlsx"
    _ok(run_ikg("export", str(path), "--edition", "2024", "--root", str(project)))
    book = openpyxl.load_workbook(path)
    book["Bericht"]["A2"], book["Bericht"]["B2"], book["Bericht"]["D2"] = "2025", "Statusbericht 2025", SOURCE
    book.save(path)
    return path


def _ok(result) -> None:  # type: ignore[no-untyped-def]
    assert result.returncode == 0, result.stdout + result.stderr


def _import(project: Path, path: Path, edition: str = "2025"):  # type: ignore[no-untyped-def]
    return run_ikg("import", str(path), "--edition", edition, "--root", str(project))


def _graph_files(project: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((project / "graph").iterdir())}


def _statements(project: Path) -> list[str]:
    """The edition file's statements, without its header (which names the spreadsheet it came from)."""
    lines = (project / "graph" / "import-2025.trig").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if not line.startswith("#")]


def _rows(path: Path, sheet: str) -> list[dict[str, object]]:
    table = openpyxl.load_workbook(path)[sheet]
    headers = [c.value for c in table[1]]
    return [dict(zip(headers, row, strict=False)) for row in table.iter_rows(min_row=2, values_only=True)]


def _measure_row(path: Path, measure: str) -> int:
    ids = [r["Kennung"] for r in _rows(path, "Maßnahmen")]
    return ids.index(measure) + 2


def _add_goal(path: Path, **values: str) -> int:
    given = {"Bezeichnung": NEW_GOAL, "Art": "Handlungsziel", "Handlungsfeld": FIELD_B, "Quellen": SOURCE}
    return fill_row(path, "Ziele", **{**given, **values})


def _graph(project: Path, edition: str = "2025") -> ox.Dataset:
    return ox.Dataset(ox.parse(path=str(project / "graph" / f"import-{edition}.trig"), format=ox.RdfFormat.TRIG))


def _has(dataset: ox.Dataset, s: str, p: str, o: ox.NamedNode | ox.Literal, graph: str) -> bool:
    return ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o, ox.NamedNode(GRAPH + graph)) in dataset


def _real_graph() -> ox.Store:
    store = ox.Store()
    for name in ("concept", "decisions"):
        store.load(path=str(Path(__file__).parent.parent / "graph" / f"{name}.trig"), format=ox.RdfFormat.TRIG)
    return store


def _slugs(store: ox.Store, *classes: str) -> set[str]:
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    return {
        q.subject.value.rsplit("/", 1)[-1]
        for cls in classes
        for q in store.quads_for_pattern(None, rdf_type, ox.NamedNode(f"{BASE}def/ikg#{cls}"), None)
    }


# Export


def test_export_lists_every_action_field_of_the_graph_with_letter_and_sources(template: Path) -> None:
    rows = _rows(template, "Handlungsfelder")
    assert {r["Kennung"] for r in rows} == _slugs(_real_graph(), "ActionField")
    health = next(r for r in rows if r["Kennung"] == "gesundheit")
    assert (health["Buchstabe"], health["Bezeichnung"], health["Bezeichnung (englisch)"]) == (
        "E",
        "Gesundheit",
        "Health",
    )
    assert "https://ris.leverkusen.de/to0050.asp?__ktonr=52297" in str(health["Quellen"])


def test_export_lists_every_goal_of_the_graph_with_kind_field_and_decision(template: Path) -> None:
    rows = _rows(template, "Ziele")
    assert {r["Kennung"] for r in rows} == _slugs(_real_graph(), "Goal", "OverallGoal")
    mandate = next(r for r in rows if r["Kennung"] == "hf-a-sprachmittler")
    assert mandate["Art"] == "Auftrag des Rates"
    assert mandate["Handlungsfeld"] == "A – Sprache / Sprachförderung"
    assert mandate["Beschluss"] == "Ergänzende Ratsbeschlüsse zum Integrationskonzept (2017)"
    overall = next(r for r in rows if r["Kennung"] == "chancengleichheit")
    assert (overall["Art"], overall["Handlungsfeld"]) == ("Leitziel", None)


def test_the_measures_goal_drop_down_lists_the_goal_sheets_own_label_column(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    measures = book["Maßnahmen"]
    goals_column = next(c.column_letter for c in measures[1] if c.value == "Ziele")
    validation = next(
        v for v in measures.data_validations.dataValidation if str(v.sqref).startswith(f"{goals_column}2:")
    )
    label_column = next(c.column_letter for c in book["Ziele"][1] if c.value == "Bezeichnung")
    listed = re.fullmatch(r"='Ziele'!\$([A-Z]+)\$2:\$([A-Z]+)\$(\d+)", validation.formula1)
    assert listed is not None, validation.formula1
    assert listed[1] == listed[2] == label_column
    assert int(listed[3]) >= book["Ziele"].max_row + 100  # room for a year's goals added below the exported ones


def test_the_status_drop_down_offers_the_code_lists_values(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    measures = book["Maßnahmen"]
    status_column = next(c.column_letter for c in measures[1] if c.value == "Status")
    validation = next(
        v for v in measures.data_validations.dataValidation if str(v.sqref).startswith(f"{status_column}2:")
    )
    cells = book["Listen"][validation.formula1.split("!")[1].replace("$", "")]
    assert sorted(c.value for (c,) in cells) == ["beendet", "fortgeführt", "geplant", "neu"]


# Import


def test_importing_an_unchanged_export_writes_nothing(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "2024.xlsx"
    _ok(run_ikg("export", str(path), "--edition", "2024", "--root", str(project)))
    before = _graph_files(project)
    _ok(_import(project, path, "2024"))
    assert _graph_files(project) == before


def test_a_goal_added_in_the_sheet_goes_to_the_concepts_graph(project: Path, template: Path) -> None:
    _add_goal(template, Beschluss="Ratsbeschluss über das Integrationskonzept Stadt Leverkusen (2017)")
    _ok(_import(project, template))
    graph = _graph(project)
    kind, field = f"{BASE}def/goal-kind/handlungsziel", f"{BASE}id/action-field/erziehung-und-bildung"
    skos, ikg = "http://www.w3.org/2004/02/skos/core#", f"{BASE}def/ikg#"
    assert _has(
        graph, NEW_GOAL_IRI, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", ox.NamedNode(ikg + "Goal"), "concept"
    )
    assert _has(graph, NEW_GOAL_IRI, skos + "prefLabel", ox.Literal(NEW_GOAL, language="de"), "concept")
    assert _has(graph, NEW_GOAL_IRI, skos + "broader", ox.NamedNode(field), "concept")
    assert _has(graph, NEW_GOAL_IRI, "http://purl.org/dc/terms/type", ox.NamedNode(kind), "concept")
    assert _has(graph, NEW_GOAL_IRI, "http://purl.org/dc/terms/source", ox.NamedNode(SOURCE), "concept")
    decision = f"{BASE}id/decision/integrationskonzept-2017"
    assert _has(graph, decision, "http://www.w3.org/ns/prov#generated", ox.NamedNode(NEW_GOAL_IRI), "decisions")


def test_a_measure_row_can_serve_a_goal_added_in_the_same_file(project: Path, template: Path) -> None:
    _add_goal(template)
    fill_row(template, "Maßnahmen", _measure_row(template, "einstieg-in"), Ziele=NEW_GOAL)
    _ok(_import(project, template))
    measure = f"{BASE}id/measure/einstieg-in"
    serves = f"{BASE}def/ikg#servesGoal"
    assert _has(_graph(project), measure, serves, ox.NamedNode(NEW_GOAL_IRI), "report-2025")


def test_a_new_goal_without_a_source_is_refused_naming_sheet_row_and_column(project: Path, template: Path) -> None:
    row = _add_goal(template, Quellen="")
    before = _graph_files(project)
    result = _import(project, template)
    assert result.returncode == 1
    assert f"Blatt Ziele, Zeile {row}, Spalte Quellen: Ziel »{NEW_GOAL}«: ein neuer Eintrag braucht" in result.stdout
    assert _graph_files(project) == before


def test_a_changed_goal_label_is_a_warning_with_the_old_and_the_new_label(project: Path, template: Path) -> None:
    row = next(n for n, r in enumerate(_rows(template, "Ziele"), start=2) if r["Kennung"] == "chancengleichheit")
    fill_row(template, "Ziele", row, Bezeichnung="Chancengleichheit für alle")
    result = _import(project, template)
    _ok(result)
    assert "bisher »Chancengleichheit«, jetzt »Chancengleichheit für alle«" in result.stdout
    assert "Chancengleichheit für alle" not in (project / "graph" / "import-2025.trig").read_text(encoding="utf-8")


# Status


def test_a_status_is_written_to_the_editions_graph_and_exported_again(
    project: Path, template: Path, tmp_path: Path
) -> None:
    fill_row(template, "Maßnahmen", _measure_row(template, "einstieg-in"), Status="fortgeführt")
    _ok(_import(project, template))
    status = ox.NamedNode(f"{BASE}def/status/fortgefuehrt")
    measure = f"{BASE}id/measure/einstieg-in"
    assert _has(_graph(project), measure, f"{BASE}def/ikg#status", status, "report-2025")
    again = tmp_path / "2025.xlsx"
    _ok(run_ikg("export", str(again), "--edition", "2025", "--root", str(project)))
    assert {r["Kennung"]: r["Status"] for r in _rows(again, "Maßnahmen")}["einstieg-in"] == "fortgeführt"
    before = _statements(project)
    _ok(_import(project, again))
    assert _statements(project) == before


def test_an_unknown_status_is_refused_naming_the_allowed_values(project: Path, template: Path) -> None:
    row = _measure_row(template, "einstieg-in")
    fill_row(template, "Maßnahmen", row, Status="läuft")
    before = _graph_files(project)
    result = _import(project, template)
    assert result.returncode == 1
    expected = f"Blatt Maßnahmen, Zeile {row}, Spalte Status: "
    line = next(line for line in result.stdout.splitlines() if expected in line)
    assert line.endswith("»läuft« gibt es nicht; erlaubt sind: beendet, fortgeführt, geplant, neu.")
    assert _graph_files(project) == before


# End to end


def test_a_goal_added_in_the_sheet_is_served_on_the_concept_page_and_in_the_named_query(
    project: Path, template: Path, tmp_path: Path
) -> None:
    from server import serving

    _add_goal(template)
    fill_row(template, "Maßnahmen", _measure_row(template, "einstieg-in"), Ziele=NEW_GOAL)
    _ok(_import(project, template))
    (tmp_path / "served").mkdir()
    with serving(tmp_path / "served", root=project) as running:
        concept = httpx.get(f"{running.base}concept", params={"format": "json"}, timeout=60).json()
        field_b = next(f for f in concept["action_fields"] if f["notation"] == "B")
        goal = next(g for g in field_b["goal_list"] if g["label"] == NEW_GOAL)
        assert [m["iri"].rsplit("/", 1)[-1] for m in goal["measures"]] == ["einstieg-in"]
        served = httpx.get(
            f"{running.base}queries/measures-serving-goal",
            params={"goal": goal["iri"], "format": "json"},
            timeout=60,
        ).json()
    # One row per operator of the measure.
    assert {b["measure"]["value"].rsplit("/", 1)[-1] for b in served["results"]["bindings"]} == {"einstieg-in"}
