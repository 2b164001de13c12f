"""Two follow-ups of the yearly import. A row that leaves out a link the graph states for every edition cannot
take it back: the import says so at that cell and still writes. An edition whose import added action fields or
goals can be exported and imported again: the concept's sheets know what that import created, as the measures do.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pyoxigraph as ox
import pytest
from workbook_cells import fill_row

from conftest import BASE, copy_project, run_ikg

SOURCE = "https://example.org/quelle"
RED, YELLOW = "00FFC7CE", "00FFEB9C"  # the checked copy's colours of a violation and a warning
# The 2024 edition as exported: row 3 of the sheet Maßnahmen is »einstieg-in«, G its Partner, H its Handlungsfeld.
# graph/measures states both partners of it, graph/editorial its action field: for every edition.
EINSTIEG = "Veranstaltungsreihe „Einstieg in…“"
KEPT_PARTNER = (
    "»wupsi GmbH« fehlt in der Zeile, steht aber im Graphen für alle Ausgaben (graph/measures) und bleibt daher "
    "bestehen; ist der Partner nicht mehr dabei, korrigiert die Redaktion graph/."
)
KEPT_PARTNER_EN = (
    "»wupsi GmbH« is missing from the row, but the graph states it for every edition (graph/measures), so it "
    "stays; if the partner is no longer involved, the editors correct graph/."
)
NEW_FIELD = "Digitale Teilhabe"
NEW_GOAL = "Mehrsprachige Elternarbeit in Kitas stärken"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project", with_queries=False)


def _exported(project: Path, path: Path, edition: str) -> Path:
    result = run_ikg("export", str(path), "--edition", edition, "--root", str(project))
    assert result.returncode == 0, result.stdout + result.stderr
    return path


def _import(project: Path, path: Path, *options: str):  # type: ignore[no-untyped-def]
    return run_ikg("import", str(path), "--edition", "2025", "--root", str(project), *options)


def _edit(path: Path, sheet: str = "Maßnahmen", **cells: str | None) -> None:
    book = openpyxl.load_workbook(path)
    for coordinate, value in cells.items():
        book[sheet][coordinate] = value
    book.save(path)


@pytest.fixture
def template(project: Path, tmp_path: Path) -> Path:
    """The 2024 edition exported and made the 2025 edition's template."""
    path = _exported(project, tmp_path / "massnahmen.xlsx", "2024")
    _edit(path, "Bericht", A2="2025", B2="Statusbericht 2025", D2=SOURCE)
    assert openpyxl.load_workbook(path)["Maßnahmen"]["G3"].value == "Klinikum Leverkusen gGmbH; wupsi GmbH"
    return path


def _warnings(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if ": Warnung: " in line or ": warning: " in line]


# A row that leaves out what the graph states for every edition


def test_a_partner_stated_for_every_edition_left_out_of_a_row_is_a_warning_at_its_cell(
    project: Path, template: Path
) -> None:
    _edit(template, G3="Klinikum Leverkusen gGmbH")
    result = _import(project, template)
    assert _warnings(result.stdout) == [
        f"massnahmen.xlsx, Blatt Maßnahmen, Zeile 3, Spalte Partner: Maßnahme »{EINSTIEG}«: Warnung: {KEPT_PARTNER}"
    ]


def test_the_left_out_partner_is_told_in_english_with_lang_en(project: Path, template: Path) -> None:
    _edit(template, G3="Klinikum Leverkusen gGmbH")
    result = _import(project, template, "--lang", "en")
    assert [line.rsplit(": ", 1)[-1] for line in _warnings(result.stdout)] == [KEPT_PARTNER_EN]


def test_the_import_with_a_left_out_timeless_partner_still_writes_the_edition(project: Path, template: Path) -> None:
    _edit(template, G3="Klinikum Leverkusen gGmbH")
    result = _import(project, template)
    assert result.returncode == 0, result.stdout + result.stderr
    written = ox.Dataset(ox.parse(path=str(project / "graph" / "import-2025.trig"), format=ox.RdfFormat.TRIG))
    referenced = ox.Quad(
        ox.NamedNode(f"{BASE}id/measure/einstieg-in"),
        ox.NamedNode("http://purl.org/dc/terms/isReferencedBy"),
        ox.NamedNode(f"{BASE}id/report/statusbericht-2025"),
        ox.NamedNode(f"{BASE}graph/report-2025"),
    )
    assert referenced in written


def test_the_checked_copy_marks_the_left_out_partners_cell_yellow_with_the_message(
    project: Path, template: Path
) -> None:
    _edit(template, G3="Klinikum Leverkusen gGmbH")
    _import(project, template)
    sheet = openpyxl.load_workbook(template.with_name("massnahmen-geprüft.xlsx"))["Maßnahmen"]
    marked = {
        cell.coordinate: (cell.fill.fgColor.rgb, cell.comment.text if cell.comment else "")
        for row in sheet.iter_rows()
        for cell in row
        if (cell.fill.fill_type and cell.fill.fgColor.rgb in (RED, YELLOW)) or cell.comment is not None
    }
    assert marked.keys() == {"G3"}
    assert marked["G3"][0] == YELLOW
    assert KEPT_PARTNER in marked["G3"][1]


def test_a_left_out_link_stated_only_in_a_marked_graph_names_that_graph(project: Path, template: Path) -> None:
    _edit(template, H3=None)
    result = _import(project, template)
    assert result.returncode == 0, result.stdout + result.stderr
    (warning,) = _warnings(result.stdout)
    assert "Zeile 3, Spalte Handlungsfeld: " in warning
    assert "steht aber im Graphen für alle Ausgaben (graph/editorial) und bleibt daher bestehen" in warning


def test_a_row_that_keeps_every_timeless_link_is_no_warning(project: Path, template: Path) -> None:
    result = _import(project, template)
    assert result.returncode == 0, result.stdout + result.stderr
    assert _warnings(result.stdout) == []


# Importing again a year whose import added to the concept


def _imported_again(project: Path, tmp_path: Path, template: Path) -> tuple[bytes, bytes]:
    """The 2025 edition imported, exported and imported again unchanged: the file after each import. The export
    keeps the template's file name, which the written file's header names."""
    assert _import(project, template).returncode == 0
    first = (project / "graph" / "import-2025.trig").read_bytes()
    (tmp_path / "again").mkdir()
    again = _exported(project, tmp_path / "again" / template.name, "2025")
    result = _import(project, again)
    assert result.returncode == 0, result.stdout + result.stderr
    return first, (project / "graph" / "import-2025.trig").read_bytes()


def test_an_edition_with_a_new_goal_exported_and_imported_again_writes_the_same_file(
    project: Path, tmp_path: Path, template: Path
) -> None:
    fill_row(template, "Ziele", Bezeichnung=NEW_GOAL, Art="Handlungsziel", Quellen=SOURCE)
    _edit(template, I3=NEW_GOAL)
    first, second = _imported_again(project, tmp_path, template)
    assert "mehrsprachige-elternarbeit-in-kitas-staerken" in first.decode()
    assert second == first


def test_an_edition_with_a_new_action_field_exported_and_imported_again_writes_the_same_file(
    project: Path, tmp_path: Path, template: Path
) -> None:
    fill_row(template, "Handlungsfelder", Buchstabe="Z", Bezeichnung=NEW_FIELD, Quellen=SOURCE)
    fill_row(template, "Ziele", Bezeichnung=NEW_GOAL, Art="Handlungsziel", Handlungsfeld=NEW_FIELD, Quellen=SOURCE)
    first, second = _imported_again(project, tmp_path, template)
    assert "digitale-teilhabe" in first.decode()
    assert second == first
