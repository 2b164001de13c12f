"""The checked copy of a filled template: every problem of an import shown at its cell, in the workbook the
staff work in, instead of only as lines on a terminal.

`NAME-geprüft.xlsx` beside the input: each cell at fault is filled (red for a violation, yellow for a warning)
and carries its messages as a comment; a sheet »Prüfbericht« lists every problem with a link to its cell. A
problem of a whole row marks the row's first cell, one of a whole sheet marks nothing and links to the sheet.
A .csv holds neither colours nor comments, so its copy is an .xlsx too, of its one sheet »Maßnahmen« with the
rows as read (as text, so nothing in it runs as a formula).

Importing the copy again after fixing it is the expected next step, so the marks of an earlier round (cells
whose comment this module wrote, and the old Prüfbericht) are cleared before the new ones are set.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from ..problems import Problem, printable
from . import template_file
from .workbook import _DAMAGED, MEASURES, _text_cell

SUFFIX = "-geprüft"
REPORT_SHEET = "Prüfbericht"
AUTHOR = "ikg import"
FILLS = {
    "violation": PatternFill("solid", fgColor="FFC7CE"),  # the light red of Excel's own "bad" cell style
    "warning": PatternFill("solid", fgColor="FFEB9C"),  # and the yellow of its "neutral" one
}
_WORDS = {
    "de": {"violation": "Fehler", "warning": "Warnung"},
    "en": {"violation": "violation", "warning": "warning"},
}
_COLUMNS = {
    "de": ("Art", "Blatt", "Zeile", "Spalte", "Meldung", "Zelle"),
    "en": ("severity", "sheet", "row", "column", "message", "cell"),
}
_UNREADABLE = {
    "de": "die Datei lässt sich nicht vollständig öffnen",
    "en": "the file cannot be opened completely",
}
_BOLD = Font(bold=True)
_LINK = Font(color="0563C1", underline="single")
Place = tuple[str, int, int]  # sheet, row, column (1-based)


class CopyNotWrittenError(Exception):
    """The copy cannot be made (the workbook does not open in full); the import's report stands without it."""

    def __init__(self, reason: dict[str, str]) -> None:
        self.reason = reason
        super().__init__(reason["en"])

    def text(self, lang: str) -> str:
        return self.reason.get(lang) or self.reason["en"]


def path_for(source: Path) -> Path:
    """Beside the input, never the input itself: the name always gains the suffix."""
    return source.with_name(f"{source.stem}{SUFFIX}.xlsx")


def render(source: Path, problems: list[Problem], lang: str) -> bytes:
    """The checked copy as .xlsx bytes; the caller writes them (the input is only read)."""
    words = _WORDS.get(lang, _WORDS["en"])
    book = _opened(source)
    _clear_earlier_marks(book)
    places = [_place(book, problem, source.name) for problem in problems]
    _mark(book, problems, places, lang, words)
    _report_sheet(book, problems, places, lang, words)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _opened(source: Path) -> Workbook:
    if source.suffix.lower() == ".csv":
        return _from_csv(source)
    # The import read the file in read-only mode, which keeps no styles or comments; the copy needs them, so it
    # is loaded in full. It has passed template_file's size and archive checks already, which bound the memory.
    try:
        return load_workbook(source)
    except _DAMAGED as error:
        raise CopyNotWrittenError(_UNREADABLE) from error


def _from_csv(source: Path) -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = MEASURES.name
    text = template_file.csv_text(source)
    separator = template_file.delimiter(text, {c.header for c in MEASURES.columns})
    try:
        for number, record in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=separator), start=1):
            for column, value in enumerate(record, start=1):
                if value:
                    _put(sheet, number, column, value)
    except csv.Error:
        pass  # the import told where the file stops being readable; the copy shows the rows before it
    return book


def _clear_earlier_marks(book: Workbook) -> None:
    if REPORT_SHEET in book.sheetnames:
        del book[REPORT_SHEET]
    ours = {fill.fgColor.rgb for fill in FILLS.values()}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.comment is not None and cell.comment.author == AUTHOR:
                    cell.comment = None
                    if cell.fill.fgColor.rgb in ours:
                        cell.fill = PatternFill()


def _place(book: Workbook, problem: Problem, file: str) -> Place | None:
    """The cell a problem is about: its column found by its header, as the staff may have moved columns; the
    row's first cell when the problem is the whole row's or its column is missing; None for a whole sheet or a
    problem outside the workbook (in graph/)."""
    name, line = problem.sheet, problem.line
    if name is None or line is None or name not in book.sheetnames or not problem.in_spreadsheet:
        return None
    if problem.file != file:
        return None
    headers = {str(c.value).strip(): int(c.column) for c in book[name][1] if c.value is not None}
    return name, line, headers.get(str(problem.column), 1)


def _mark(
    book: Workbook, problems: list[Problem], places: list[Place | None], lang: str, words: dict[str, str]
) -> None:
    """Each cell at fault once: red if any of its problems is a violation, with all its messages as one comment."""
    at: dict[Place, list[Problem]] = defaultdict(list)
    for problem, place in zip(problems, places, strict=True):
        if place is not None:
            at[place].append(problem)
    for (sheet, row, column), found in at.items():
        cell = book[sheet].cell(row=row, column=column)
        worst = "violation" if any(p.severity == "violation" for p in found) else "warning"
        cell.fill = FILLS[worst]
        text = "\n\n".join(f"{words[p.severity]}: {p.text(lang)}" for p in found)
        earlier = f"\n\n{cell.comment.text}" if cell.comment is not None else ""  # the staff's own note stays
        cell.comment = Comment(_legible(text) + earlier, AUTHOR, width=360, height=min(90 + len(text) // 2, 400))


def _report_sheet(
    book: Workbook,
    problems: list[Problem],
    places: list[Place | None],
    lang: str,
    words: dict[str, str],
) -> None:
    sheet = book.create_sheet(REPORT_SHEET)
    for number, header in enumerate(_COLUMNS.get(lang, _COLUMNS["en"]), start=1):
        _put(sheet, 1, number, header)
        sheet.cell(row=1, column=number).font = _BOLD
    for row, (problem, place) in enumerate(zip(problems, places, strict=True), start=2):
        message = problem.said(lang, severity=False) if problem.in_spreadsheet else problem.render(lang)
        column = "" if problem.column is None else str(problem.column)
        values = (words[problem.severity], problem.sheet or "", problem.line, column, message)
        for number, value in enumerate(values, start=1):
            if isinstance(value, int):
                sheet.cell(row=row, column=number, value=value)
            elif value:
                _put(sheet, row, number, value)
        sheet.cell(row=row, column=1).fill = FILLS[problem.severity]
        _link(sheet, row, book, problem, place)
    for letter, width in zip("ABCDEF", (10, 18, 8, 18, 90, 18), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:F{max(len(problems) + 1, 2)}"
    _show_first(book, sheet)


def _link(sheet: Worksheet, row: int, book: Workbook, problem: Problem, place: Place | None) -> None:
    """An internal link (`#'Sheet'!B5`, stored as the hyperlink's location) to the cell, or to the sheet's top
    when the problem is the whole sheet's."""
    if place is not None:
        target, coordinate = place[0], f"{get_column_letter(place[2])}{place[1]}"
    elif problem.in_spreadsheet and problem.sheet in book.sheetnames:
        target, coordinate = str(problem.sheet), "A1"
    else:
        return
    _put(sheet, row, 6, f"{target}!{coordinate}")
    cell = sheet.cell(row=row, column=6)
    quoted = "'" + target.replace("'", "''") + "'"
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"{quoted}!{coordinate}")
    cell.font = _LINK


def _put(sheet: Worksheet, row: int, column: int, text: str) -> None:
    """Text as text (never a formula), legible: the workbook's own way of writing a cell."""
    _text_cell(sheet, row, column, _legible(text))


def _legible(text: str) -> str:
    """Control characters a worksheet cannot hold (a CSV can) shown as escapes, as the messages show them."""
    return ILLEGAL_CHARACTERS_RE.sub(lambda found: printable(found.group()), text)


def _show_first(book: Workbook, report: Worksheet) -> None:
    """The copy opens on the Prüfbericht, with no other tab selected (two selected tabs group them in Excel)."""
    for sheet in book.worksheets:
        sheet.sheet_view.tabSelected = False
    book.active = book.worksheets.index(report)
    report.sheet_view.tabSelected = True
