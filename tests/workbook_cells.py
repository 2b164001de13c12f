"""Editing a filled-in template as the KI's staff would, with openpyxl standing in for Excel."""

from __future__ import annotations

from pathlib import Path

import openpyxl


def fill_row(path: Path, sheet: str = "Maßnahmen", row: int | None = None, **values: str) -> int:
    """Fills the cells of one row by their headers (a new row at the bottom without `row`; `_` in a keyword
    stands for a space of the header); returns the row."""
    book = openpyxl.load_workbook(path)
    table = book[sheet]
    headers = {cell.value: cell.column for cell in table[1]}
    row = row or table.max_row + 1
    for header, value in values.items():
        table.cell(row=row, column=headers[header.replace("_", " ")], value=value)
    book.save(path)
    return row
