"""The spreadsheet template the KI's staff fill in each year: its sheets and columns, read and written.

One module knows the layout, so export and import cannot drift apart. Text is always written as text:
a value starting with =, +, - or @ never becomes a formula (formula injection), in .xlsx by typing the
cell as a string with a quote prefix, in .csv by a leading apostrophe that the import removes again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError

import pyoxigraph as ox
from defusedxml import DefusedXmlException
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..problems import DataError, Problem, RefusalError
from ..rdf.namespaces import prefixes
from . import template_file
from .template_file import MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, MAX_TEXT_CHARS

_NAMESPACES = prefixes()  # the sources' own: a column's statements name properties as the shapes do
RISKY_START = ("=", "+", "-", "@")
SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    help: dict[str, str]
    required: bool = False
    multiple: bool = False
    choices: str | None = None  # the list in the sheet "Listen" that offers its values
    width: int = 24
    # The statements its cells make, as the shapes name their paths: the one place a column is tied to the graph
    # (a finding about a property is shown at its column; the importer states and compares through it).
    states: tuple[str, ...] = ()

    @property
    def predicate(self) -> ox.NamedNode | None:
        """The property of its first one-step statement, None for a column that states none."""
        path = next((p for p in self.states if "/" not in p), None)
        if path is None:
            return None
        prefix, _, local = path.partition(":")
        return ox.NamedNode(_NAMESPACES[prefix] + local)


@dataclass(frozen=True)
class Sheet:
    key: str
    name: str
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def column_stating(self, path: str) -> Column | None:
        """The column whose cells make the statement at this property path, if the sheet has one."""
        return next((c for c in self.columns if path in c.states), None)


def _c(key: str, header: str, de: str, en: str, **options: object) -> Column:
    return Column(key, header, {"de": de, "en": en}, **options)  # type: ignore[arg-type]


MEASURES = Sheet(
    "measures",
    "Maßnahmen",
    (
        _c(
            "id",
            "Kennung",
            "leer lassen bei einer neuen Maßnahme; sonst nicht ändern (bleibt über die Jahre gleich)",
            "leave empty for a new measure; otherwise never change it (stays the same over the years)",
            width=30,
        ),
        _c(
            "title_de",
            "Titel",
            "Name der Maßnahme auf Deutsch",
            "the measure's name in German",
            required=True,
            width=40,
            states=("skos:prefLabel",),
        ),
        _c(
            "title_en", "Titel (englisch)", "Name auf Englisch, wenn bekannt", "the name in English, if known", width=30
        ),
        _c(
            "description_de",
            "Beschreibung",
            "kurze Beschreibung auf Deutsch",
            "a short description in German",
            width=40,
            states=("dct:description",),
        ),
        _c(
            "description_en",
            "Beschreibung (englisch)",
            "kurze Beschreibung auf Englisch",
            "a short description in English",
            width=40,
        ),
        _c(
            "operators",
            "Träger",
            "durchführende Organisation(en), Name oder Kennung; mehrere mit ; trennen",
            "the organisation(s) running it, by name or identifier; separate several with ;",
            required=True,
            multiple=True,
            choices="organisations",
            width=32,
            states=("ikg:operator",),
        ),
        _c(
            "partners",
            "Partner",
            "Partnerorganisationen; mehrere mit ; trennen",
            "partner organisations; separate with ;",
            multiple=True,
            choices="organisations",
            width=32,
            states=("ikg:partner",),
        ),
        _c(
            "action_fields",
            "Handlungsfeld",
            "Handlungsfeld(er) des Konzepts, z. B. »A – Sprache / Sprachförderung«",
            "action field(s) of the concept, e.g. »A – Sprache / Sprachförderung«",
            multiple=True,
            choices="fields",
            width=32,
            states=("ikg:actionField",),
        ),
        _c(
            "goals",
            "Ziele",
            "Ziele des Konzepts, denen die Maßnahme dient; mehrere mit ; trennen",
            "goals of the concept the measure serves; separate several with ;",
            multiple=True,
            choices="goals",
            width=32,
            states=("ikg:servesGoal",),
        ),
        _c(
            "programmes",
            "Förderprogramme",
            "Förderprogramme, aus denen sie bezahlt wird; mehrere mit ; trennen",
            "funding programmes paying for it; separate several with ;",
            multiple=True,
            choices="programmes",
            width=32,
            states=("schema:funder",),
        ),
        _c(
            "start",
            "Beginn",
            "JJJJ, JJJJ-MM oder JJJJ-MM-TT",
            "YYYY, YYYY-MM or YYYY-MM-DD",
            width=12,
            states=("dct:temporal/dcat:startDate",),
        ),
        _c(
            "end",
            "Ende",
            "JJJJ, JJJJ-MM oder JJJJ-MM-TT; leer, solange sie läuft",
            "YYYY, YYYY-MM or YYYY-MM-DD; empty while it runs",
            width=12,
            states=("dct:temporal/dcat:endDate", "dct:temporal"),
        ),
        _c(
            "sources",
            "Quellen",
            "öffentliche Quelle(n) als https-Adresse; Pflicht; mehrere mit ; trennen",
            "public source(s) as https addresses; required; separate several with ;",
            required=True,
            multiple=True,
            width=50,
            states=("dct:source",),
        ),
        _c(
            "status",
            "Status",
            "Stand der Maßnahme in dieser Ausgabe (neu, fortgeführt, beendet, geplant); leer, wenn der Bericht keinen "
            "nennt",
            "the measure's state in this edition (new, continued, ended, planned); empty if the report gives none",
            choices="status",
            width=14,
            states=("ikg:status",),
        ),
    ),
)
ORGANISATIONS = Sheet(
    "organisations",
    "Organisationen",
    (
        _c("id", "Kennung", "leer lassen bei einer neuen Organisation", "leave empty for a new organisation", width=30),
        _c(
            "name_de",
            "Name",
            "Name der Organisation",
            "the organisation's name",
            required=True,
            width=40,
            states=("skos:prefLabel",),
        ),
        _c("name_en", "Name (englisch)", "Name auf Englisch, wenn bekannt", "the name in English, if known", width=30),
        _c(
            "formal",
            "Rechtsträger",
            "»ja«, wenn die Organisation eine eigene Rechtsperson ist (Verein, gGmbH, Stadt)",
            "»ja« if the organisation is a legal entity of its own",
            width=14,
        ),
        _c("website", "Website", "https-Adresse der Organisation", "the organisation's https address", width=30),
        _c(
            "sources",
            "Quellen",
            "öffentliche Quelle(n); Pflicht bei neuen Organisationen",
            "public source(s); required for new ones",
            multiple=True,
            width=50,
            states=("dct:source",),
        ),
    ),
)
PROGRAMMES = Sheet(
    "programmes",
    "Förderprogramme",
    (
        _c(
            "id",
            "Kennung",
            "leer lassen bei einem neuen Förderprogramm",
            "leave empty for a new funding programme",
            width=30,
        ),
        _c(
            "name_de",
            "Name",
            "Name des Förderprogramms",
            "the programme's name",
            required=True,
            width=40,
            states=("skos:prefLabel",),
        ),
        _c("name_en", "Name (englisch)", "Name auf Englisch, wenn bekannt", "the name in English, if known", width=30),
        _c(
            "funders",
            "Geldgeber",
            "Organisation(en), die das Geld geben",
            "organisation(s) giving the money",
            multiple=True,
            choices="organisations",
            width=32,
            states=("schema:funder",),
        ),
        _c(
            "sources",
            "Quellen",
            "öffentliche Quelle(n); Pflicht bei neuen Programmen",
            "public source(s); required for new ones",
            multiple=True,
            width=50,
            states=("dct:source",),
        ),
    ),
)
REPORT = Sheet(
    "report",
    "Bericht",
    (
        _c(
            "edition",
            "Ausgabe",
            "Jahr der Ausgabe des Statusberichts",
            "the year of the status report edition",
            required=True,
            width=12,
        ),
        _c(
            "title_de",
            "Titel",
            "Titel des Berichts",
            "the report's title",
            required=True,
            width=50,
            states=("skos:prefLabel",),
        ),
        _c(
            "creator",
            "Herausgeber",
            "Organisation, die den Bericht erstellt hat",
            "the organisation that wrote it",
            required=True,
            choices="organisations",
            width=32,
            states=("dct:creator",),
        ),
        _c(
            "sources",
            "Quellen",
            "öffentliche Quelle(n) zum Bericht (Ratsvorlage, Pressemitteilung)",
            "public source(s) on the report (council item, press release)",
            required=True,
            multiple=True,
            width=50,
            states=("dct:source",),
        ),
    ),
)
_DECISION_HELP = (
    "Ratsbeschluss, der es beschlossen hat, wenn bekannt (aus der Auswahlliste)",
    "the council decision that adopted it, if known (from the list)",
)
FIELDS = Sheet(
    "fields",
    "Handlungsfelder",
    (
        _c(
            "id",
            "Kennung",
            "leer lassen bei einem neuen Handlungsfeld; sonst nicht ändern",
            "leave empty for a new action field; otherwise never change it",
            width=30,
        ),
        _c(
            "notation",
            "Buchstabe",
            "Buchstabe des Handlungsfelds im Konzept, z. B. A",
            "its letter, e.g. A",
            width=10,
            states=("skos:notation",),
        ),
        _c(
            "title_de",
            "Bezeichnung",
            "Name des Handlungsfelds",
            "the action field's name",
            required=True,
            width=40,
            states=("skos:prefLabel",),
        ),
        _c("title_en", "Bezeichnung (englisch)", "Name auf Englisch, wenn bekannt", "the name in English", width=30),
        _c(
            "sources",
            "Quellen",
            "öffentliche Quelle(n); Pflicht bei neuen Handlungsfeldern",
            "public source(s); required for new ones",
            multiple=True,
            width=50,
            states=("dct:source",),
        ),
        _c("decisions", "Beschluss", *_DECISION_HELP, multiple=True, choices="decisions", width=40),
    ),
)
GOALS = Sheet(
    "goals",
    "Ziele",
    (
        _c(
            "id",
            "Kennung",
            "leer lassen bei einem neuen Ziel; sonst nicht ändern",
            "leave empty for a new goal; otherwise never change it",
            width=30,
        ),
        _c(
            "title_de",
            "Bezeichnung",
            "das Ziel auf Deutsch",
            "the goal in German",
            required=True,
            width=50,
            states=("skos:prefLabel",),
        ),
        _c("title_en", "Bezeichnung (englisch)", "das Ziel auf Englisch", "the goal in English", width=40),
        _c(
            "kind",
            "Art",
            "Leitziel, Handlungsziel, Auftrag des Rates …, aus der Auswahlliste",
            "guiding goal, operational goal, council mandate …, from the list",
            choices="goal_kinds",
            width=24,
            states=("dct:type",),
        ),
        _c(
            "action_fields",
            "Handlungsfeld",
            "das Handlungsfeld eines Leit- oder Handlungsziels; leer bei einem übergreifenden Ziel des ganzen Konzepts",
            "the action field of a guiding or operational goal; empty for an overall goal of the whole concept",
            choices="fields",
            width=32,
            states=("skos:broader",),
        ),
        _c(
            "sources",
            "Quellen",
            "öffentliche Quelle(n); Pflicht bei neuen Zielen",
            "public source(s); required for new goals",
            multiple=True,
            width=50,
            states=("dct:source",),
        ),
        _c("decisions", "Beschluss", *_DECISION_HELP, multiple=True, choices="decisions", width=40),
    ),
)
SHEETS = (MEASURES, ORGANISATIONS, PROGRAMMES, REPORT, FIELDS, GOALS)
LISTS = {
    "fields": "Handlungsfelder",
    "organisations": "Organisationen",
    "programmes": "Förderprogramme",
    "decisions": "Beschlüsse",
    "goal_kinds": "Arten von Zielen",
    "status": "Status",
}
# Lists offered from a column of a data sheet rather than from "Listen": a goal added in the sheet Ziele can be
# picked in the sheet Maßnahmen of the same file at once.
SHEET_LISTS = {"goals": (GOALS, "title_de")}
LIST_SHEET = "Listen"
GUIDE_SHEET = "Anleitung"


@dataclass(frozen=True)
class Cell:
    text: str
    formula: bool = False


_EMPTY = Cell("")


@dataclass
class Row:
    sheet: Sheet
    number: int  # as the spreadsheet numbers it: the header is row 1
    cells: dict[str, Cell]

    def text(self, key: str) -> str:
        cell = self.cells.get(key)
        return cell.text if cell else ""

    def values(self, key: str) -> list[str]:
        return [v.strip() for v in self.text(key).replace("\n", SEPARATOR).split(SEPARATOR) if v.strip()]

    @property
    def empty(self) -> bool:
        return not any(c.text for c in self.cells.values())


@dataclass
class Filled:
    """What a filled-in template holds: its rows per sheet and any problem reading it."""

    file: str
    rows: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    chars: int = 0  # the text read so far, against MAX_TEXT_CHARS


# Reading


def read(path: Path) -> Filled:
    """The rows of every sheet of the template, from .xlsx or (the measures alone) from .csv; a file that is
    too large, damaged or hostile raises DataError before its rows are read."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise RefusalError(
            {
                "de": f"{path}: die Vorlage wird als .xlsx oder .csv gelesen, nicht als "
                f"{suffix or 'Datei ohne Endung'}",
                "en": f"{path}: the template is read from .xlsx or .csv, not {suffix or 'a file without suffix'}",
            }
        )
    template_file.check_size(path)
    if suffix == ".csv":
        return _read_csv(path)
    template_file.check_archive(path)
    return _read_xlsx(path)


# What openpyxl raises on a damaged file besides the XML errors; none of it is worth a traceback.
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, ParseError, KeyError, IndexError, TypeError, ValueError)


def _read_xlsx(path: Path) -> Filled:
    filled = Filled(path.name)
    # Read-only mode streams each sheet row by row, so memory follows the rows kept, not the file. openpyxl
    # parses through defusedxml (a dependency for this reason), which refuses entity declarations.
    with _plainly_refused(path, None):
        book = load_workbook(path, read_only=True, data_only=False)
    try:
        for sheet in SHEETS:
            if sheet.name not in book.sheetnames:
                if sheet is MEASURES:
                    filled.problems.append(_problem(filled.file, sheet.name, None, None, _NO_SHEET))
                continue
            worksheet = book[sheet.name]
            worksheet.reset_dimensions()  # a stale stored dimension would hide the rows past it
            with _plainly_refused(path, sheet.name):
                _table_rows(filled, sheet, _sheet_table(worksheet))
    finally:
        book.close()
    return filled


def _sheet_table(worksheet) -> Iterator[list[Cell]]:
    """Each row's cells, an empty row as []. openpyxl fills a gap of missing rows by yielding one shared empty
    tuple again and again; converting it once keeps a stray value in row 1,048,576 a cheap loop."""
    last, cells = None, []
    for row in worksheet.iter_rows(max_col=MAX_COLUMNS):
        if row is not last:
            last, cells = row, [_cell(c) for c in row]
            cells = cells if any(c.text for c in cells) else []
        yield cells


@contextmanager
def _plainly_refused(path: Path, sheet: str | None) -> Iterator[None]:
    """A damaged or hostile file becomes one plain problem naming the file and the sheet being read."""
    try:
        yield
    except _DAMAGED as error:
        key = "xml_entities" if _from_defusedxml(error) else "not_xlsx"
        raise DataError([template_file.problem(path.name, key, sheet=sheet)]) from error


def _from_defusedxml(error: BaseException | None) -> bool:
    """openpyxl wraps what the parser raised into a ValueError of its own, so the cause is followed."""
    while error is not None:
        if isinstance(error, DefusedXmlException):
            return True
        error = error.__cause__ or error.__context__
    return False


def _read_csv(path: Path) -> Filled:
    filled = Filled(path.name)
    text = template_file.csv_text(path)
    separator = template_file.delimiter(text, {c.header for c in MEASURES.columns})
    # csv refuses a field over 128 KB with an error that names no column. The file is at most MAX_FILE_BYTES,
    # so under this limit every field is read and a long one is told with its row and column, as in a sheet.
    csv.field_size_limit(max(csv.field_size_limit(), template_file.MAX_FILE_BYTES))
    records = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    _table_rows(filled, MEASURES, _csv_rows(filled, records))
    return filled


def _csv_rows(filled: Filled, records: Iterator[list[str]]) -> Iterator[list[Cell]]:
    number = 1
    try:
        for record in records:
            yield [_csv_cell(v) for v in record]
            number += 1
    except csv.Error:
        filled.problems.append(template_file.problem(filled.file, "unreadable_csv", MEASURES.name, number))


def _table_rows(filled: Filled, sheet: Sheet, table: Iterator[list[Cell]]) -> None:
    """The rows under the header, within the limits: the file is refused at the first row too many or when
    its text budget is spent, and a cell too long is told and left empty, so nothing beyond is kept."""
    rows: list[Row] = []
    filled.rows[sheet.key] = rows
    header = next(table, None)
    if header is None:
        return
    keys = _keys(filled, sheet, header)
    for number, values in enumerate(table, start=2):
        if not any(c.text for c in values):
            if number <= MAX_ROWS + 1:
                rows.append(Row(sheet, number, {}))
            continue  # past the limit an empty row is a spreadsheet's formatting, not the user's
        if number > MAX_ROWS + 1:
            raise _refused(filled, sheet, number, "too_many_rows", limit=MAX_ROWS)
        filled.chars += sum(len(c.text) for c in values)
        if filled.chars > MAX_TEXT_CHARS:
            raise _refused(filled, sheet, number, "too_much_text", limit=MAX_TEXT_CHARS)
        rows.append(Row(sheet, number, _cells(filled, sheet, number, keys, header, values)))
    while rows and rows[-1].empty:  # a spreadsheet's trailing rows are not the user's
        rows.pop()


def _keys(filled: Filled, sheet: Sheet, header: list[Cell]) -> list[str | None]:
    """Each column's key by its header; an unknown header's column is not read."""
    by_header = {c.header: c for c in sheet.columns}
    keys = [by_header[c.text].key if c.text in by_header else None for c in header]
    for column in sheet.columns:
        if column.required and column.key not in keys:
            filled.problems.append(_problem(filled.file, sheet.name, 1, column.header, _NO_COLUMN))
    return keys


def _cells(
    filled: Filled, sheet: Sheet, number: int, keys: list[str | None], header: list[Cell], values: list[Cell]
) -> dict[str, Cell]:
    cells = {}
    for key, head, cell in zip(keys, header, values, strict=False):
        if key is None:
            continue
        too_long = len(cell.text) > MAX_CELL_CHARS
        if too_long:
            _overstepped(filled, sheet, number, head.text, "cell_too_long", length=len(cell.text), limit=MAX_CELL_CHARS)
        cells[key] = _EMPTY if too_long else cell  # told once: the long text would only repeat in later messages
    return cells


def _refused(filled: Filled, sheet: Sheet, number: int, key: str, **values: object) -> DataError:
    """The whole file is refused at once: checking thousands of rows would only bury the one message."""
    _overstepped(filled, sheet, number, None, key, **values)
    return DataError(filled.problems)


def _overstepped(filled: Filled, sheet: Sheet, number: int, column: str | None, key: str, **values: object) -> None:
    filled.problems.append(template_file.problem(filled.file, key, sheet.name, number, column, **values))


def _cell(cell) -> Cell:
    value = cell.value
    if value is None:
        return _EMPTY
    if cell.data_type == "f":
        return Cell(str(value), formula=True)
    if isinstance(value, dt.datetime):
        return Cell(value.date().isoformat() if value.time() == dt.time() else value.isoformat())
    if isinstance(value, dt.date):
        return Cell(value.isoformat())
    if isinstance(value, float) and value.is_integer():
        return Cell(str(int(value)))
    return Cell(str(value).strip())


def _csv_cell(value: str) -> Cell:
    value = value.strip()
    if value[:1] == "'" and value[1:2] in RISKY_START:
        return Cell(value[1:])  # neutralised by the export
    return Cell(value, formula=value[:1] == "=")


_NO_SHEET = {
    "de": "das Blatt »Maßnahmen« fehlt; bitte die Vorlage aus »ikg export« verwenden",
    "en": "the sheet »Maßnahmen« is missing; please use the template from »ikg export«",
}
_NO_COLUMN = {
    "de": "die Pflichtspalte fehlt in der Kopfzeile; bitte die Spaltenüberschriften der Vorlage nicht ändern",
    "en": "this required column is missing from the header row; please keep the template's column headers",
}


def _problem(file: str, sheet: str, row: int | None, column: str | None, message: dict[str, str]) -> Problem:
    return Problem(message=message, file=file, sheet=sheet, line=row, column=column, in_spreadsheet=True)


# Writing


def write(path: Path, sheets: dict[str, list[dict[str, str]]], lists: dict[str, list[str]], title: str) -> None:
    """The template as .xlsx (every sheet, a guide first, drop-down lists) or .csv (the measures)."""
    if path.suffix.lower() == ".csv":
        _write_csv(path, sheets["measures"])
        return
    if path.suffix.lower() != ".xlsx":
        raise RefusalError(
            {
                "de": f"{path}: die Vorlage wird als .xlsx oder .csv geschrieben, nicht als "
                f"{path.suffix or 'Datei ohne Endung'}",
                "en": f"{path}: the template is written as .xlsx or .csv, not {path.suffix or 'a file without suffix'}",
            }
        )
    book = Workbook()
    _guide(book.active, title)
    list_ranges = _lists(book.create_sheet(LIST_SHEET), lists)
    list_ranges |= _sheet_lists(sheets)
    for sheet in SHEETS:
        _data_sheet(book.create_sheet(sheet.name), sheet, sheets.get(sheet.key, []), list_ranges)
    book.move_sheet(LIST_SHEET, offset=len(SHEETS))
    book.save(path)


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.header for c in MEASURES.columns])
        for row in rows:
            writer.writerow([_neutralised_text(row.get(c.key, "")) for c in MEASURES.columns])


def _neutralised_text(value: str) -> str:
    return f"'{value}" if value[:1] in RISKY_START else value


def _text_cell(sheet, row: int, column: int, value: str) -> None:
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    cell.data_type = "s"  # text, even when it starts with = + - @
    if value[:1] in RISKY_START:
        cell.quotePrefix = True


_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE3EA")


def _guide(sheet, title: str) -> None:
    sheet.title = GUIDE_SHEET
    lines = [
        title,
        "",
        "So geht die jährliche Aktualisierung:",
        "1. Im Blatt »Bericht« Jahr, Titel, Herausgeber und eine öffentliche Quelle der neuen Ausgabe eintragen.",
        "2. Im Blatt »Maßnahmen« je Maßnahme eine Zeile: laufende behalten, beendete löschen, neue unten anfügen "
        "(Kennung leer lassen).",
        "3. Organisationen und Förderprogramme, die es noch nicht gibt, in ihren Blättern anfügen (Kennung leer).",
        "4. Das Konzept: neue Handlungsfelder und Ziele (Leitziele, Handlungsziele, übergreifende Ziele) in den "
        "Blättern »Handlungsfelder« und »Ziele« anfügen (Kennung leer); ein neues Ziel steht sofort in der "
        "Auswahlliste »Ziele« der Maßnahmen.",
        "5. Die Spalte »Status« der Maßnahmen sagt, was der Bericht über sie sagt: neu, fortgeführt, beendet oder "
        "geplant (leer, wenn er nichts sagt).",
        "6. Jede neue Zeile braucht eine öffentliche Quelle (https-Adresse). Werte aus den Auswahllisten übernehmen; "
        "mehrere Werte mit ; trennen.",
        "7. Einlesen: ikg import DATEI.xlsx --edition JAHR — bei einem Fehler wird nichts geschrieben, und jede "
        "Meldung nennt Blatt, Zeile und Spalte.",
        "",
        "Die Spalten:",
    ]
    for number, line in enumerate(lines, start=1):
        _text_cell(sheet, number, 1, line)
    sheet["A1"].font = Font(bold=True, size=14)
    start = len(lines) + 1
    for column_number, header in enumerate(("Blatt", "Spalte", "Pflicht", "Bedeutung", "Meaning"), start=1):
        _text_cell(sheet, start, column_number, header)
        sheet.cell(row=start, column=column_number).font = _BOLD
    row = start + 1
    for spec in SHEETS:
        for column in spec.columns:
            values = (spec.name, column.header, "ja" if column.required else "", column.help["de"], column.help["en"])
            for column_number, value in enumerate(values, start=1):
                _text_cell(sheet, row, column_number, value)
            row += 1
    for letter, width in zip("ABCDE", (18, 24, 9, 70, 60), strict=True):
        sheet.column_dimensions[letter].width = width


def _lists(sheet, lists: dict[str, list[str]]) -> dict[str, str]:
    """The values for the drop-down lists, one column each; returns each list's cell range."""
    ranges = {}
    for number, (key, header) in enumerate(LISTS.items(), start=1):
        letter = get_column_letter(number)
        _text_cell(sheet, 1, number, header)
        sheet.cell(row=1, column=number).font = _BOLD
        values = lists.get(key, [])
        for row, value in enumerate(values, start=2):
            _text_cell(sheet, row, number, value)
        ranges[key] = f"'{LIST_SHEET}'!${letter}$2:${letter}${max(2, len(values) + 1)}"
        sheet.column_dimensions[letter].width = 40
    return ranges


def _last_row(rows: int) -> int:
    """The last row a sheet's drop-downs reach: room for the additions of a year."""
    return max(rows + 200, 500)


def _sheet_lists(sheets: dict[str, list[dict[str, str]]]) -> dict[str, str]:
    """Each sheet-held list's range: its column down to the last row the sheet's rows can be added to."""
    ranges = {}
    for key, (spec, column) in SHEET_LISTS.items():
        letter = get_column_letter(next(n for n, c in enumerate(spec.columns, start=1) if c.key == column))
        last = _last_row(len(sheets.get(spec.key, [])))
        ranges[key] = f"'{spec.name}'!${letter}$2:${letter}${last}"
    return ranges


def _data_sheet(sheet, spec: Sheet, rows: list[dict[str, str]], list_ranges: dict[str, str]) -> None:
    for number, column in enumerate(spec.columns, start=1):
        _text_cell(sheet, 1, number, column.header)
        header = sheet.cell(row=1, column=number)
        header.font = _BOLD
        header.fill = _HEADER_FILL
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    for row_number, row in enumerate(rows, start=2):
        for number, column in enumerate(spec.columns, start=1):
            _text_cell(sheet, row_number, number, row.get(column.key, ""))
            sheet.cell(row=row_number, column=number).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"
    last = _last_row(len(rows))
    for number, column in enumerate(spec.columns, start=1):
        if column.choices in list_ranges:
            # A list to pick from, not a cage: several values separated by ; must stay possible.
            validation = DataValidation(
                type="list", formula1=f"={list_ranges[column.choices]}", allow_blank=True, errorStyle="information"
            )
            validation.error = "Bitte einen Wert aus der Liste wählen; mehrere mit ; trennen."
            sheet.add_data_validation(validation)
            letter = get_column_letter(number)
            validation.add(f"{letter}2:{letter}{last}")
