"""The KI's yearly work: export the template, fill it in, import it. Every mistake is told in plain words
with sheet, row and column, and nothing is written; a good file writes one graph file for the edition."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from workbook_cells import fill_row

from conftest import run_ikg

SOURCE = "https://example.org/quelle"


def _export(project: Path, target: Path, *options: str) -> None:
    result = run_ikg("export", str(target), "--root", str(project), *options)
    assert result.returncode == 0, result.stdout + result.stderr


def _import(project: Path, filled: Path, edition: str = "2025", *options: str):  # type: ignore[no-untyped-def]
    return run_ikg("import", str(filled), "--edition", edition, "--root", str(project), *options)


def _graph_files(project: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((project / "graph").iterdir())}


@pytest.fixture
def template(project: Path, tmp_path: Path) -> Path:
    """The 2024 edition exported, made into the 2025 edition's template: the Bericht sheet filled in."""
    path = tmp_path / "massnahmen.xlsx"
    _export(project, path, "--edition", "2024")
    book = openpyxl.load_workbook(path)
    report = book["Bericht"]
    report["A2"], report["B2"], report["D2"] = "2025", "Statusbericht 2025", SOURCE
    book.save(path)
    return path


def _refused(project: Path, filled: Path, message: str, *options: str) -> None:
    """The import fails with exactly this line and leaves graph/ as it was."""
    before = _graph_files(project)
    result = _import(project, filled, "2025", *options)
    assert result.returncode == 1
    assert message in result.stdout.splitlines(), result.stdout
    assert _graph_files(project) == before


# Export


def test_export_writes_the_edition_with_a_guide_and_drop_down_lists(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    assert book.sheetnames == [
        "Anleitung",
        "Maßnahmen",
        "Organisationen",
        "Förderprogramme",
        "Bericht",
        "Handlungsfelder",
        "Ziele",
        "Listen",
    ]
    measures = book["Maßnahmen"]
    assert [c.value for c in measures[1]][:3] == ["Kennung", "Titel", "Titel (englisch)"]
    assert sorted(measures.cell(row=r, column=1).value for r in (2, 3)) == ["anerkennungsberatung-jsl", "einstieg-in"]
    lists = [v.sqref for v in measures.data_validations.dataValidation]
    assert any(str(ranges).startswith("F2:") for ranges in lists)


def test_export_explains_every_column_in_its_first_sheet(template: Path) -> None:
    guide = openpyxl.load_workbook(template)["Anleitung"]
    explained = {(row[0].value, row[1].value) for row in guide.iter_rows(min_row=1) if row[1].value}
    assert ("Maßnahmen", "Quellen") in explained
    assert ("Organisationen", "Rechtsträger") in explained


def test_export_of_all_measures(project: Path, tmp_path: Path) -> None:
    _export(project, tmp_path / "alle.xlsx")
    assert openpyxl.load_workbook(tmp_path / "alle.xlsx")["Maßnahmen"].max_row == 67


def test_export_of_an_unknown_edition_is_refused(project: Path, tmp_path: Path) -> None:
    result = run_ikg("export", str(tmp_path / "x.xlsx"), "--root", str(project), "--edition", "1999")
    assert result.returncode == 2
    assert "ikg export: die Ausgabe 1999 gibt es im Graphen nicht; Ausgaben: 2024" in result.stderr


def test_a_value_a_spreadsheet_would_run_is_exported_as_text(project: Path, tmp_path: Path) -> None:
    measures = project / "graph" / "measures.trig"
    text = measures.read_text(encoding="utf-8")
    measures.write_text(text.replace('"Café Welt"@de', '"=HYPERLINK(\\"http://evil\\")"@de', 1), encoding="utf-8")
    _export(project, tmp_path / "alle.xlsx")
    _export(project, tmp_path / "alle.csv")
    cells = [c for row in openpyxl.load_workbook(tmp_path / "alle.xlsx")["Maßnahmen"].iter_rows() for c in row]
    risky = [c for c in cells if str(c.value).startswith("=HYPERLINK")]
    assert len(risky) == 1
    assert risky[0].data_type == "s"
    with (tmp_path / "alle.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert any(value == '\'=HYPERLINK("http://evil")' for row in rows for value in row)


# Round trip and idempotence


def test_export_then_import_of_the_same_edition_changes_nothing(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "2024.xlsx"
    _export(project, path, "--edition", "2024")
    before = _graph_files(project)
    result = _import(project, path, "2024")
    assert result.returncode == 0, result.stdout
    assert "keine Änderung" in result.stdout
    assert _graph_files(project) == before


def test_the_csv_round_trip_changes_nothing(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "2024.csv"
    _export(project, path, "--edition", "2024")
    before = _graph_files(project)
    assert _import(project, path, "2024").returncode == 0
    assert _graph_files(project) == before


def test_a_new_edition_writes_one_file_and_builds(project: Path, template: Path) -> None:
    fill_row(template, Titel="Sprachcafé am Markt", Träger="AWO Leverkusen", Quellen=SOURCE, Beginn="2025-03")
    result = _import(project, template)
    assert result.returncode == 0, result.stdout
    written = project / "graph" / "import-2025.trig"
    text = written.read_text(encoding="utf-8")
    assert "id/measure/sprachcafe-am-markt" in text
    assert "id/report/statusbericht-2025" in text
    assert run_ikg("build", "--root", str(project), "--dist", str(project / "dist")).returncode == 0


def test_importing_the_same_file_twice_changes_nothing(project: Path, template: Path) -> None:
    fill_row(template, Titel="Sprachcafé am Markt", Träger="AWO Leverkusen", Quellen=SOURCE)
    assert _import(project, template).returncode == 0
    first = _graph_files(project)
    second = _import(project, template)
    assert second.returncode == 0
    assert "keine Änderung" in second.stdout
    assert _graph_files(project) == first


def test_a_new_organisation_is_created_where_its_row_says_so(project: Path, template: Path) -> None:
    fill_row(template, "Organisationen", Name="Nachbarschaftsverein Wiesdorf", Quellen=SOURCE)
    fill_row(template, Titel="Sprachcafé am Markt", Träger="Nachbarschaftsverein Wiesdorf", Quellen=SOURCE)
    assert _import(project, template).returncode == 0
    assert "id/organisation/nachbarschaftsverein-wiesdorf" in (project / "graph" / "import-2025.trig").read_text()


def test_identifiers_stay_stable_when_a_title_changes(project: Path, template: Path) -> None:
    book = openpyxl.load_workbook(template)
    book["Maßnahmen"]["B2"] = "Ein neuer Titel"
    book.save(template)
    result = _import(project, template)
    assert result.returncode == 0
    assert (
        "Warnung: weicht vom Graphen ab: »Beratung zur Anerkennung ausländischer Berufsabschlüsse« → »Ein neuer Titel«"
        in result.stdout
    )
    text = (project / "graph" / "import-2025.trig").read_text()
    assert "Ein neuer Titel" not in text


# Plain errors, and nothing written


def test_a_missing_source(project: Path, template: Path) -> None:
    row = fill_row(template, Titel="Sprachcafé", Träger="AWO Leverkusen")
    _refused(
        project,
        template,
        f"massnahmen.xlsx, Blatt Maßnahmen, Zeile {row}, Spalte Quellen: Maßnahme »Sprachcafé«: die Quelle "
        "(dct:source) fehlt; jede Aussage braucht eine öffentliche Quelle als http(s)-Adresse oder einen "
        "beschriebenen Kurzbeleg (ikg:IncompleteReference).",
    )


def test_a_missing_source_in_english(project: Path, template: Path) -> None:
    row = fill_row(template, Titel="Sprachcafé", Träger="AWO Leverkusen")
    _refused(
        project,
        template,
        f"massnahmen.xlsx, sheet Maßnahmen, row {row}, column Quellen: Measure »Sprachcafé«: the source "
        "(dct:source) is missing; every statement needs a public source as an http(s) address or a described "
        "short citation (ikg:IncompleteReference).",
        "--lang",
        "en",
    )


def test_an_unknown_action_field(project: Path, template: Path) -> None:
    row = fill_row(template, Titel="Sprachcafé", Träger="AWO Leverkusen", Handlungsfeld="Z – Raumfahrt", Quellen=SOURCE)
    _refused(
        project,
        template,
        f"massnahmen.xlsx, Blatt Maßnahmen, Zeile {row}, Spalte Handlungsfeld: Maßnahme »Sprachcafé«: "
        "unbekanntes Handlungsfeld »Z – Raumfahrt«; bitte eines aus der Auswahlliste nehmen.",
    )


def test_a_bad_date(project: Path, template: Path) -> None:
    row = fill_row(template, Titel="Sprachcafé", Träger="AWO Leverkusen", Beginn="31.02.2025", Quellen=SOURCE)
    _refused(
        project,
        template,
        f"massnahmen.xlsx, Blatt Maßnahmen, Zeile {row}, Spalte Beginn: Maßnahme »Sprachcafé«: »31.02.2025« ist "
        "kein gültiges Datum; erlaubt sind JJJJ, JJJJ-MM oder JJJJ-MM-TT.",
    )


def test_an_end_before_the_start(project: Path, template: Path) -> None:
    row = fill_row(template, Titel="Sprachcafé", Träger="AWO Leverkusen", Beginn="2025-05", Ende="2024", Quellen=SOURCE)
    _refused(
        project,
        template,
        f"massnahmen.xlsx, Blatt Maßnahmen, Zeile {row}, Spalte Ende: Maßnahme »Sprachcafé«: der Zeitraum endet "
        "vor seinem Beginn (dcat:endDate liegt vor dcat:startDate).",
    )


def test_a_duplicate_identifier(project: Path, template: Path) -> None:
    row = fill_row(template, Kennung="einstieg-in", Titel="Einstieg", Träger="AWO Leverkusen", Quellen=SOURCE)
    _refused(
        project,
        template,
        f"massnahmen.xlsx, Blatt Maßnahmen, Zeile {row}, Spalte Kennung: Maßnahme »Einstieg«: die Kennung "
        "»einstieg-in« steht schon in Zeile 3; jede Maßnahme darf nur einmal vorkommen.",
    )


def test_an_unknown_organisation(project: Path, template: Path) -> None:
    row = fill_row(template, Titel="Sprachcafé", Träger="Verein Unbekannt", Quellen=SOURCE)
    _refused(
        project,
        template,
        f"massnahmen.xlsx, Blatt Maßnahmen, Zeile {row}, Spalte Träger: Maßnahme »Sprachcafé«: unbekannte "
        "Organisation »Verein Unbekannt«; bitte den Namen aus der Auswahlliste nehmen oder die Organisation im "
        "Blatt Organisationen neu anlegen.",
    )


def test_an_empty_row_between_rows(project: Path, template: Path) -> None:
    row = fill_row(template, Titel="Sprachcafé", Träger="AWO Leverkusen", Quellen=SOURCE)
    fill_row(template, row=row + 2, Titel="Zweites Café", Träger="AWO Leverkusen", Quellen=SOURCE)
    _refused(
        project,
        template,
        f"massnahmen.xlsx, Blatt Maßnahmen, Zeile {row + 1}: die Zeile ist leer, aber unter ihr folgen weitere; "
        "bitte die leere Zeile löschen.",
    )


def test_a_formula_cell(project: Path, template: Path) -> None:
    row = fill_row(template, Titel="Sprachcafé", Träger="AWO Leverkusen", Quellen='=HYPERLINK("https://x")')
    _refused(
        project,
        template,
        f"massnahmen.xlsx, Blatt Maßnahmen, Zeile {row}, Spalte Quellen: Maßnahme »Sprachcafé«: die Zelle enthält "
        'eine Formel (=HYPERLINK("https://x")); bitte nur Werte eintragen, keine Formeln.',
    )


def test_a_hostile_string_in_a_title(project: Path, template: Path) -> None:
    # A right-to-left override makes a title read differently from what it says.
    row = fill_row(template, Titel="Sprach\u202ecafé", Träger="AWO Leverkusen", Quellen=SOURCE)
    _refused(
        project,
        template,
        f"massnahmen.xlsx, Blatt Maßnahmen, Zeile {row}, Spalte Titel: Maßnahme »Sprach\\u202ecafé«: der Text "
        "enthält unsichtbare Steuerzeichen (Sprach\\u202ecafé); bitte ihn ohne sie neu eintippen.",
    )


def test_a_terminal_escape_in_a_csv_title(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "2024.csv"
    _export(project, path, "--edition", "2024")
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(
            ["", "Sprach\x1b[31mcafé", "", "", "", "AWO Leverkusen", "", "", "", "", "", "", SOURCE]
        )
    before = _graph_files(project)
    result = _import(project, path, "2024")
    assert result.returncode == 1
    assert "»Sprach\\x1b[31mcafé«: der Text enthält unsichtbare Steuerzeichen" in result.stdout
    assert "\x1b" not in result.stdout
    assert _graph_files(project) == before


def test_a_new_edition_needs_its_report(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "2024.xlsx"
    _export(project, path, "--edition", "2024")
    book = openpyxl.load_workbook(path)
    book["Bericht"].delete_rows(2)
    book.save(path)
    _refused(
        project,
        path,
        "2024.xlsx, Blatt Bericht: die Ausgabe 2025 ist neu: bitte im Blatt Bericht Jahr, Titel, Herausgeber und "
        "eine Quelle eintragen.",
    )


def test_every_problem_is_told_at_once(project: Path, template: Path) -> None:
    fill_row(template, Titel="Eins", Träger="Verein Unbekannt", Quellen=SOURCE)
    fill_row(template, Titel="Zwei", Träger="AWO Leverkusen", Beginn="2025-13", Quellen=SOURCE)
    result = _import(project, template)
    assert "2 Fehler, 2 Warnung(en)" in result.stdout  # the warnings: neither new row has a description


def test_the_edition_must_be_a_year(project: Path, template: Path) -> None:
    result = _import(project, template, "next")
    assert result.returncode == 2
    assert "ikg import: --edition muss eine Jahreszahl wie 2025 sein, nicht »next«." in result.stderr
