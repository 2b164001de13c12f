"""A file from anywhere is safe to import: too large, too long, hostile or differently saved files are refused
with one plain line that says where and what to do, nothing is written, and what is written is an ordinary
file that appears whole or not at all."""

from __future__ import annotations

import csv
import os
import resource
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from ikg.workbook.template_file import MAX_CELL_CHARS, MAX_FILE_BYTES, MAX_ROWS, MAX_UNPACKED_BYTES

from conftest import ROOT, run_ikg

SOURCE = "https://example.org/quelle"
NOTHING = "nichts geschrieben."


def _import(project: Path, filled: Path, edition: str = "2024", setup: Callable[[], None] | None = None):  # type: ignore[no-untyped-def]
    """`ikg import` as a user runs it; `setup` runs in the child before it starts (umask, resource limits)."""
    command = [sys.executable, "-m", "ikg", "import", str(filled), "--edition", edition, "--root", str(project)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, preexec_fn=setup)


def _graph_files(project: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((project / "graph").iterdir())}


def _refused(project: Path, filled: Path, message: str) -> None:
    """The import fails with exactly this line, no traceback, and leaves graph/ as it was."""
    before = _graph_files(project)
    result = _import(project, filled)
    assert result.returncode == 1, result.stdout + result.stderr
    assert message in result.stdout.splitlines(), result.stdout
    assert NOTHING in result.stdout
    assert "Traceback" not in result.stderr
    assert _graph_files(project) == before


def _exported_csv(project: Path, path: Path) -> list[list[str]]:
    assert run_ikg("export", str(path), "--root", str(project), "--edition", "2024").returncode == 0
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig", delimiter: str = ",") -> None:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)


def _rezipped(source: Path, target: Path, member: str, change: Callable[[str], str]) -> None:
    """The .xlsx again, with one XML part changed as a hostile tool would write it."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as changed:
        for item in original.infolist():
            data = original.read(item.filename)
            changed.writestr(item, change(data.decode()).encode() if item.filename == member else data)


@pytest.fixture
def new_edition(project: Path, tmp_path: Path) -> Path:
    """The 2024 edition exported as the 2025 template, with the report and one new measure filled in."""
    path = tmp_path / "vorlage.xlsx"
    assert run_ikg("export", str(path), "--root", str(project), "--edition", "2024").returncode == 0
    book = openpyxl.load_workbook(path)
    book["Bericht"]["A2"], book["Bericht"]["B2"], book["Bericht"]["D2"] = "2025", "Statusbericht 2025", SOURCE
    measures = book["Maßnahmen"]
    row = measures.max_row + 1
    measures.cell(row=row, column=2, value="Sprachcafé am Markt")
    measures.cell(row=row, column=6, value="AWO Leverkusen")
    measures.cell(row=row, column=13, value=SOURCE)
    book.save(path)
    return path


# Size


def test_a_file_over_the_size_limit_is_refused_by_its_size(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "riesig.csv"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: the test needs no megabytes, the size is what counts
    _refused(
        project,
        path,
        "riesig.csv: die Datei ist 5,0 MB groß, eingelesen werden höchstens 5,0 MB; bitte nur die ausgefüllte "
        "Vorlage aus »ikg export« einlesen, ohne Bilder oder zusätzliche Blätter.",
    )


def test_an_xlsx_that_unpacks_beyond_the_limit_is_refused_before_it_is_unpacked(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "bombe.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("xl/media/bild.bin", "w") as part:
        for _ in range(MAX_UNPACKED_BYTES // 1_000_000 + 1):
            part.write(bytes(1_000_000))  # zeros: six megabytes that pack into a few kilobytes
    assert path.stat().st_size < 100_000
    _refused(
        project,
        path,
        "bombe.xlsx: die Datei entpackt sich auf 6,0 MB, erlaubt sind höchstens 5,0 MB; bitte die Vorlage aus "
        "»ikg export« neu ausfüllen und als .xlsx speichern.",
    )


def test_a_file_with_more_rows_than_the_limit_is_refused_at_the_first_row_too_many(
    project: Path, tmp_path: Path
) -> None:
    path = tmp_path / "zeilen.csv"
    _write_csv(path, [["Titel", "Quellen"]] + [[f"Maßnahme {n}", SOURCE] for n in range(MAX_ROWS + 1)])
    _refused(
        project,
        path,
        f"zeilen.csv, Blatt Maßnahmen, Zeile {MAX_ROWS + 2}: das Blatt hat mehr als 2.000 Zeilen unter der "
        "Kopfzeile, ein Jahrgang hat einige hundert; bitte überzählige Zeilen ab hier löschen.",
    )


def test_a_cell_longer_than_the_limit_is_told_with_row_and_column(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "lang.csv"
    rows = _exported_csv(project, path)
    rows[2][3] = "Beratung" + "." * (MAX_CELL_CHARS - 7)
    _write_csv(path, rows)
    _refused(
        project,
        path,
        "lang.csv, Blatt Maßnahmen, Zeile 3, Spalte Beschreibung: der Text ist 10.001 Zeichen lang, erlaubt sind "
        "höchstens 10.000; bitte ihn kürzen.",
    )


def test_a_csv_field_beyond_what_csv_reads_by_default_is_told_with_row_and_column(
    project: Path, tmp_path: Path
) -> None:
    path = tmp_path / "feld.csv"
    rows = _exported_csv(project, path)
    rows[1][3] = "x" * 200_000  # Python's csv stops at 131,072 characters with an error that names no column
    _write_csv(path, rows)
    _refused(
        project,
        path,
        "feld.csv, Blatt Maßnahmen, Zeile 2, Spalte Beschreibung: der Text ist 200.000 Zeichen lang, erlaubt sind "
        "höchstens 10.000; bitte ihn kürzen.",
    )


# Hostile XML


def test_a_billion_laughs_xlsx_is_refused_without_expanding_it(project: Path, tmp_path: Path) -> None:
    exported = tmp_path / "2024.xlsx"
    assert run_ikg("export", str(exported), "--root", str(project), "--edition", "2024").returncode == 0
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    )  # lol9 would be a billion "lol"s
    hostile = tmp_path / "lachen.xlsx"
    _rezipped(
        exported,
        hostile,
        "xl/worksheets/sheet2.xml",
        lambda xml: f"<!DOCTYPE worksheet [{entities}]>" + xml.replace("<t>einstieg-in</t>", "<t>&lol9;</t>", 1),
    )
    _refused(
        project,
        hostile,
        "lachen.xlsx: die Datei definiert XML-Entitäten, was eine Excel-Datei nie tut, und wird aus "
        "Sicherheitsgründen nicht gelesen; bitte sie in Excel öffnen und als »Excel-Arbeitsmappe (.xlsx)« neu "
        "speichern.",
    )


def test_a_file_that_is_not_a_zip_is_refused_as_not_an_xlsx(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "kaputt.xlsx"
    path.write_bytes(b"Kennung,Titel\n")
    _refused(
        project,
        path,
        "kaputt.xlsx: die Datei ist keine lesbare .xlsx-Datei (beschädigt oder mit Kennwort geschützt); bitte sie "
        "in Excel öffnen und ohne Kennwort als »Excel-Arbeitsmappe (.xlsx)« neu speichern.",
    )


# How a CSV is saved


def test_a_windows_encoded_csv_is_refused_with_how_to_save_it_as_utf8(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "windows.csv"
    rows = _exported_csv(project, path)
    _write_csv(path, rows, encoding="cp1252", delimiter=";")  # German Excel's plain »CSV (Trennzeichen-getrennt)«
    _refused(
        project,
        path,
        "windows.csv, Zeile 1: die Datei ist nicht als UTF-8 gespeichert (das Byte 0xE4 ist kein UTF-8, vermutlich "
        "ein Umlaut in Windows-Kodierung); bitte in Excel »Speichern unter« mit dem Dateityp »CSV UTF-8 (durch "
        "Trennzeichen getrennt)« wählen oder die .xlsx-Vorlage einlesen.",
    )


def test_a_csv_with_semicolons_as_german_excel_saves_it_is_read_like_the_export(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "semikolon.csv"
    rows = _exported_csv(project, path)
    _write_csv(path, rows, delimiter=";")
    before = _graph_files(project)
    result = _import(project, path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "keine Änderung" in result.stdout
    assert _graph_files(project) == before


# Writing


def test_the_written_file_gets_the_permissions_the_umask_gives(project: Path, new_edition: Path) -> None:
    result = _import(project, new_edition, "2025", setup=lambda: os.umask(0o002))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "graph" / "import-2025.trig").stat().st_mode & 0o777 == 0o664


def test_a_write_that_fails_leaves_graph_as_it_was_without_a_temporary_file(project: Path, new_edition: Path) -> None:
    def small_files_only() -> None:  # the kernel refuses to grow a file past 1 KB, as a full disk would
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))

    before = _graph_files(project)
    result = _import(project, new_edition, "2025", setup=small_files_only)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "File too large" in result.stderr
    assert NOTHING in result.stderr
    assert _graph_files(project) == before
