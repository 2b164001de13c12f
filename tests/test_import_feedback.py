"""The import's report where the staff work: every problem in one round, with old and new of a change, in German
unless told otherwise, and a copy of the workbook (NAME-geprüft.xlsx) with each problem at its cell and a sheet
»Prüfbericht« listing them with links. Nothing reaches graph/ when anything is wrong, and the input stays as it was.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from conftest import run_ikg

SOURCE = "https://example.org/quelle"
RED, YELLOW = "00FFC7CE", "00FFEB9C"  # violation, warning
# The 2024 edition as exported: row 2 is this measure, row 3 »einstieg-in«. Columns of the sheet Maßnahmen:
# A Kennung, B Titel, D Beschreibung, F Träger, K Beginn, M Quellen.
FIRST_TITLE = "Beratung zur Anerkennung ausländischer Berufsabschlüsse"
FIRST_SOURCE = (
    "https://www.leverkusen.com/presse/neuer-statusbericht-zeigt-80-integrationsmassnahmen-in-leverkusen-00048682.html"
)


def _import(project: Path, filled: Path, edition: str = "2025", *options: str):  # type: ignore[no-untyped-def]
    return run_ikg("import", str(filled), "--edition", edition, "--root", str(project), *options)


def _graph_files(project: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((project / "graph").iterdir())}


def _exported(project: Path, path: Path, edition: str = "2024") -> Path:
    result = run_ikg("export", str(path), "--edition", edition, "--root", str(project))
    assert result.returncode == 0, result.stdout + result.stderr
    return path


@pytest.fixture
def template(project: Path, tmp_path: Path) -> Path:
    """The 2024 edition exported and made the 2025 edition's template."""
    path = _exported(project, tmp_path / "massnahmen.xlsx")
    _edit(path, "Bericht", A2="2025", B2="Statusbericht 2025", D2=SOURCE)
    return path


def _edit(path: Path, sheet: str = "Maßnahmen", **cells: str | None) -> None:
    book = openpyxl.load_workbook(path)
    for coordinate, value in cells.items():
        book[sheet][coordinate] = value
    book.save(path)


@pytest.fixture
def faulty(template: Path) -> Path:
    """Two violations and a warning in known rows, plus a new row with a row error, a shape error and a shape
    warning: Quellen of row 2 emptied, the title of row 3 changed, row 4 new with an unknown operator, without a
    source and without a description."""
    _edit(template, M2=None, B3="Neuer Titel", B4="Sprachcafé", F4="Verein Unbekannt")
    return template


# (sheet, cell) → (fill colour, comment) of every cell the copy marks.
def _marked(path: Path) -> dict[tuple[str, str], tuple[str, str]]:
    book = openpyxl.load_workbook(path)
    found = {}
    for sheet in book.worksheets:
        if sheet.title == "Prüfbericht":
            continue
        for row in sheet.iter_rows():
            for cell in row:
                colour = cell.fill.fgColor.rgb if cell.fill.fill_type else None
                if colour in (RED, YELLOW) or cell.comment is not None:
                    found[(sheet.title, cell.coordinate)] = (colour, cell.comment.text if cell.comment else "")
    return found


def _report_rows(path: Path) -> list[tuple]:  # type: ignore[type-arg]
    sheet = openpyxl.load_workbook(path)["Prüfbericht"]
    return [
        (*(c.value for c in row[:5]), row[5].hyperlink.location if row[5].hyperlink else None)
        for row in sheet.iter_rows(min_row=2)
    ]


# One round


def test_a_row_error_and_a_shape_error_come_in_one_round(project: Path, template: Path) -> None:
    _edit(template, B4="Eins", F4="Verein Unbekannt", M4=SOURCE, B5="Zwei", F5="AWO Leverkusen")
    before = _graph_files(project)
    result = _import(project, template)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any("Zeile 4, Spalte Träger" in line and "unbekannte Organisation »Verein" in line for line in lines)
    assert any("Zeile 5, Spalte Quellen" in line and "die Quelle (dct:source) fehlt" in line for line in lines)
    assert "2 Fehler, 2 Warnung(en)" in lines  # the warnings: neither new row has a description
    assert _graph_files(project) == before


def test_a_value_the_rows_refuse_is_not_told_again_by_the_shapes(project: Path, template: Path) -> None:
    _edit(template, B4="Sprachcafé", F4="AWO Leverkusen", M4="www.example.org")
    result = _import(project, template)
    said_of_the_cell = [line for line in result.stdout.splitlines() if "Zeile 4, Spalte Quellen" in line]
    assert said_of_the_cell == [
        "massnahmen.xlsx, Blatt Maßnahmen, Zeile 4, Spalte Quellen: Maßnahme »Sprachcafé«: »www.example.org« ist "
        "keine Web-Adresse; eine Quelle beginnt mit https:// oder http://."
    ]


def test_a_refused_report_row_is_not_told_again_at_every_measure(project: Path, template: Path) -> None:
    _edit(template, "Bericht", A2="2026")
    result = _import(project, template)
    assert result.returncode == 1
    assert "1 Fehler, 0 Warnung(en)" in result.stdout.splitlines(), result.stdout


# Emptied and changed cells of rows the graph knows


def test_an_emptied_source_of_a_known_measure_is_a_violation_and_nothing_is_written(
    project: Path, template: Path
) -> None:
    _edit(template, M2=None)
    before = _graph_files(project)
    result = _import(project, template)
    assert result.returncode == 1
    assert (
        f"massnahmen.xlsx, Blatt Maßnahmen, Zeile 2, Spalte Quellen: Maßnahme »{FIRST_TITLE}«: »Quellen« ist eine "
        "Pflichtangabe und darf auch in einer bestehenden Zeile nicht leer sein; bitte wieder eintragen (bisher: "
        f"»{FIRST_SOURCE[:79]}…«)."
    ) in result.stdout.splitlines(), result.stdout
    assert _graph_files(project) == before


def test_an_emptied_source_is_told_in_english_with_lang_en(project: Path, template: Path) -> None:
    _edit(template, M2=None)
    result = _import(project, template, "2025", "--lang", "en")
    assert f"row 2, column Quellen: Measure »{FIRST_TITLE}«: »Quellen« is required and may not be empty in an" in (
        result.stdout
    )


def test_an_emptied_operator_of_a_known_measure_names_the_operator_it_had(project: Path, template: Path) -> None:
    _edit(template, F2=None)
    result = _import(project, template)
    assert result.returncode == 1
    assert "Spalte Träger" in result.stdout
    assert "(bisher: »JOB Service Beschäftigungsförderung Leverkusen gGmbH«)." in result.stdout


def test_a_changed_title_is_told_with_the_old_and_the_new(project: Path, template: Path) -> None:
    _edit(template, B2="Neuer Titel")
    result = _import(project, template)
    assert result.returncode == 0, result.stdout
    assert (
        "massnahmen.xlsx, Blatt Maßnahmen, Zeile 2, Spalte Titel: Maßnahme »Neuer Titel«: Warnung: weicht vom "
        f"Graphen ab: »{FIRST_TITLE}« → »Neuer Titel«; die Änderung wird nicht übernommen, solche Korrekturen "
        "macht die Redaktion in graph/."
    ) in result.stdout.splitlines()


def test_a_changed_report_title_is_told_with_the_old_and_the_new(project: Path, tmp_path: Path) -> None:
    path = _exported(project, tmp_path / "2024.xlsx")
    old = openpyxl.load_workbook(path)["Bericht"]["B2"].value
    _edit(path, "Bericht", B2="Statusbericht, neu betitelt")
    result = _import(project, path, "2024")
    assert result.returncode == 0, result.stdout
    told = [line for line in result.stdout.splitlines() if "Blatt Bericht, Zeile 2, Spalte Titel" in line]
    assert len(told) == 1
    assert f"Warnung: weicht vom Graphen ab: »{old[:60]}" in told[0]  # a long title is shown clipped
    assert "« → »Statusbericht, neu betitelt«; die Änderung wird nicht übernommen" in told[0]


def test_a_changed_start_is_told_with_the_old_and_the_new_period(project: Path, template: Path) -> None:
    # »cafe-welt« began 2015-09 and runs on; it is not in the 2024 edition, so it joins 2025 here.
    _edit(template, A4="cafe-welt", B4="Café Welt", F4="AWO Leverkusen", K4="2016-01", M4=SOURCE)
    result = _import(project, template)
    told = "Zeile 4, Spalte Beginn: Maßnahme »Café Welt«: Warnung: weicht vom Graphen ab: »2015-09 – …« → »2016-01 – …«"
    assert told in result.stdout


# The checked copy


def test_the_checked_copy_marks_exactly_the_cells_at_fault(project: Path, faulty: Path) -> None:
    result = _import(project, faulty)
    assert result.returncode == 1
    copy = faulty.with_name("massnahmen-geprüft.xlsx")
    marked = _marked(copy)
    assert {place: colour for place, (colour, _) in marked.items()} == {
        ("Maßnahmen", "M2"): RED,  # the emptied source
        ("Maßnahmen", "B3"): YELLOW,  # the changed title
        ("Maßnahmen", "F4"): RED,  # the unknown operator
        ("Maßnahmen", "M4"): RED,  # the missing source, as the shapes tell it
        ("Maßnahmen", "D4"): YELLOW,  # the missing description, a shape warning
    }
    assert marked[("Maßnahmen", "F4")][1] == (
        "Fehler: unbekannte Organisation »Verein Unbekannt«; bitte den Namen aus der Auswahlliste nehmen oder die "
        "Organisation im Blatt Organisationen neu anlegen."
    )
    assert marked[("Maßnahmen", "B3")][1].startswith("Warnung: weicht vom Graphen ab: »")


def test_the_pruefbericht_lists_every_problem_with_a_link_to_its_cell(project: Path, faulty: Path) -> None:
    _import(project, faulty)
    copy = faulty.with_name("massnahmen-geprüft.xlsx")
    rows = _report_rows(copy)
    assert [(kind, sheet, line, column) for kind, sheet, line, column, _message, _link in rows] == [
        ("Fehler", "Maßnahmen", 2, "Quellen"),
        ("Warnung", "Maßnahmen", 3, "Titel"),
        ("Fehler", "Maßnahmen", 4, "Träger"),
        ("Fehler", "Maßnahmen", 4, "Quellen"),
        ("Warnung", "Maßnahmen", 4, "Beschreibung"),
    ]
    links = [link for *_, link in rows]
    assert links == ["'Maßnahmen'!M2", "'Maßnahmen'!B3", "'Maßnahmen'!F4", "'Maßnahmen'!M4", "'Maßnahmen'!D4"]
    book = openpyxl.load_workbook(copy)
    resolved = set()
    for link in links:
        sheet, coordinate = link.rsplit("!", 1)
        cell = book[sheet.strip("'")][coordinate]
        resolved.add((cell.parent.title, cell.coordinate))
    assert resolved == set(_marked(copy))
    assert book.active.title == "Prüfbericht"


def test_the_input_and_the_graph_stay_as_they_were(project: Path, faulty: Path) -> None:
    before, graph = faulty.read_bytes(), _graph_files(project)
    result = _import(project, faulty)
    assert result.returncode == 1
    assert faulty.read_bytes() == before
    assert _graph_files(project) == graph
    assert "nichts geschrieben." in result.stdout.splitlines()
    copy = faulty.with_name("massnahmen-geprüft.xlsx")
    assert f"die Meldungen stehen auch an ihren Zellen in der Kopie {copy} (Blatt Prüfbericht: die Liste)" in (
        result.stdout.splitlines()
    )


def test_a_copy_name_that_links_to_the_input_never_overwrites_it(project: Path, faulty: Path) -> None:
    copy = faulty.with_name("massnahmen-geprüft.xlsx")
    copy.symlink_to(faulty)
    before = faulty.read_bytes()
    _import(project, faulty)
    assert faulty.read_bytes() == before
    assert not copy.is_symlink()
    assert "Prüfbericht" in openpyxl.load_workbook(copy).sheetnames


def test_a_copy_that_cannot_be_written_still_leaves_the_whole_report(project: Path, faulty: Path) -> None:
    faulty.with_name("massnahmen-geprüft.xlsx").mkdir()
    result = _import(project, faulty)
    assert result.returncode == 1
    assert "3 Fehler, 2 Warnung(en)" in result.stdout.splitlines()
    assert any(line.startswith("keine Kopie mit den Meldungen geschrieben: ") for line in result.stdout.splitlines())


def test_warnings_alone_write_the_copy_but_it_is_no_change_to_the_graph(project: Path, tmp_path: Path) -> None:
    path = _exported(project, tmp_path / "2024.xlsx")
    _edit(path, B2="Neuer Titel")
    before = _graph_files(project)
    result = _import(project, path, "2024")
    assert result.returncode == 0, result.stdout
    assert any(line.startswith("keine Änderung: ") for line in result.stdout.splitlines())
    assert _marked(tmp_path / "2024-geprüft.xlsx").keys() == {("Maßnahmen", "B2")}
    assert _graph_files(project) == before


def test_a_clean_import_writes_no_copy(project: Path, tmp_path: Path) -> None:
    path = _exported(project, tmp_path / "2024.xlsx")
    result = _import(project, path, "2024")
    assert result.returncode == 0
    assert "Kopie" not in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["2024.xlsx"]


def test_the_copy_of_a_fixed_copy_shows_only_what_is_still_wrong(project: Path, faulty: Path) -> None:
    _import(project, faulty)
    copy = faulty.with_name("massnahmen-geprüft.xlsx")
    _edit(copy, F4="AWO Leverkusen", M2=FIRST_SOURCE)
    _import(project, copy)
    again = faulty.with_name("massnahmen-geprüft-geprüft.xlsx")
    assert set(_marked(again)) == {("Maßnahmen", "B3"), ("Maßnahmen", "M4"), ("Maßnahmen", "D4")}
    assert len(_report_rows(again)) == 3


def test_a_csv_gets_its_checked_copy_as_xlsx_of_its_one_sheet(project: Path, tmp_path: Path) -> None:
    path = _exported(project, tmp_path / "2024.csv")
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(["", "Sprachcafé", "", "", "", "Verein Unbekannt", "", "", "", "", "", "", SOURCE])
    result = _import(project, path, "2024")
    assert result.returncode == 1
    book = openpyxl.load_workbook(tmp_path / "2024-geprüft.xlsx")
    assert book.sheetnames == ["Maßnahmen", "Prüfbericht"]
    assert book["Maßnahmen"]["F4"].value == "Verein Unbekannt"
    assert ("Maßnahmen", "F4") in _marked(tmp_path / "2024-geprüft.xlsx")


# German by default


def test_a_wrong_edition_is_refused_in_german(project: Path, template: Path) -> None:
    result = _import(project, template, "nächstes")
    assert result.returncode == 2
    assert "ikg import: --edition muss eine Jahreszahl wie 2025 sein, nicht »nächstes«." in result.stderr


def test_a_wrong_edition_is_refused_in_english_with_lang_en(project: Path, template: Path) -> None:
    result = _import(project, template, "next", "--lang", "en")
    assert "ikg import: --edition must be a year such as 2025, not »next«." in result.stderr


def test_a_file_of_another_type_is_refused_in_german(project: Path, tmp_path: Path) -> None:
    (tmp_path / "vorlage.ods").write_bytes(b"")
    result = _import(project, tmp_path / "vorlage.ods")
    assert result.returncode == 2
    assert "die Vorlage wird als .xlsx oder .csv gelesen, nicht als .ods" in result.stderr


def test_the_import_tells_its_progress_in_german(project: Path, template: Path) -> None:
    result = _import(project, template)
    assert "ikg import: 3/4 mit den Shapes validiert" in result.stderr


def test_an_unknown_edition_to_export_is_refused_in_german_and_in_english(project: Path, tmp_path: Path) -> None:
    german = run_ikg("export", str(tmp_path / "x.xlsx"), "--root", str(project), "--edition", "1999")
    english = run_ikg("export", str(tmp_path / "x.xlsx"), "--root", str(project), "--edition", "1999", "--lang", "en")
    assert "ikg export: die Ausgabe 1999 gibt es im Graphen nicht; Ausgaben: 2024" in german.stderr
    assert "ikg export: there is no report edition 1999 in the graph; editions: 2024" in english.stderr
