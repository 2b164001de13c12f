"""A filled-in template is checked before it is parsed: its size, and what an .xlsx unpacks to or how a .csv
is encoded and separated. Every refusal says, in plain words, what to do instead.

The limits are far above the real work — one edition has about 80 measures, the export of every measure the
graph knows is 40 KB as .xlsx or .csv and unpacks to 170 KB — yet low enough that a hostile or broken file is
stopped before it costs more than some tens of megabytes of memory and about ten seconds (openpyxl's parsing of
a sheet full of cells is what takes longest, hence the low bound on what an .xlsx unpacks to).
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

from ..problems import DataError, Problem

MAX_FILE_BYTES = 5_000_000  # on disk: over 100 times the export of every measure
MAX_UNPACKED_BYTES = 5_000_000  # an .xlsx is a zip: a zip bomb is refused by its declared sizes
MAX_PART_BYTES = 1_000_000  # each XML part openpyxl reads up front (styles, shared strings); sheets stream
MAX_ROWS = 2_000  # per sheet, below the header: an edition has a few hundred rows at most
MAX_COLUMNS = 50  # the widest sheet has 13; columns further right are not read
MAX_CELL_CHARS = 10_000  # a description of some pages; Excel itself stops at 32,767
MAX_TEXT_CHARS = 2_000_000  # every cell of a file together: shared strings cannot multiply one long text
DELIMITERS = (",", ";", "\t")  # the export writes commas; German Excel saves with semicolons

_MESSAGES = {
    "too_large": (
        "die Datei ist {size} groß, eingelesen werden höchstens {limit}; bitte nur die ausgefüllte Vorlage aus "
        "»ikg export« einlesen, ohne Bilder oder zusätzliche Blätter",
        "the file is {size}, at most {limit} are read; please import only the filled template from »ikg export«, "
        "without pictures or extra sheets",
    ),
    "unpacks_too_large": (
        "die Datei entpackt sich auf {size}, erlaubt sind höchstens {limit}; bitte die Vorlage aus »ikg export« "
        "neu ausfüllen und als .xlsx speichern",
        "the file unpacks to {size}, at most {limit} are allowed; please fill in the template from »ikg export« "
        "again and save it as .xlsx",
    ),
    "part_too_large": (
        "der Teil »{part}« der Datei entpackt sich auf {size}, erlaubt sind höchstens {limit}; bitte die Vorlage "
        "aus »ikg export« neu ausfüllen und als .xlsx speichern",
        "the part »{part}« of the file unpacks to {size}, at most {limit} are allowed; please fill in the template "
        "from »ikg export« again and save it as .xlsx",
    ),
    "not_xlsx": (
        "die Datei ist keine lesbare .xlsx-Datei (beschädigt oder mit Kennwort geschützt); bitte sie in Excel "
        "öffnen und ohne Kennwort als »Excel-Arbeitsmappe (.xlsx)« neu speichern",
        "the file is not a readable .xlsx file (damaged or password-protected); please open it in Excel and save "
        "it again as »Excel Workbook (.xlsx)« without a password",
    ),
    "xml_entities": (
        "die Datei definiert XML-Entitäten, was eine Excel-Datei nie tut, und wird aus Sicherheitsgründen nicht "
        "gelesen; bitte sie in Excel öffnen und als »Excel-Arbeitsmappe (.xlsx)« neu speichern",
        "the file declares XML entities, which an Excel file never does, and is not read for safety; please "
        "open it in Excel and save it again as »Excel Workbook (.xlsx)«",
    ),
    "not_utf8": (
        "die Datei ist nicht als UTF-8 gespeichert (das Byte 0x{byte:02X} ist kein UTF-8, vermutlich ein Umlaut "
        "in Windows-Kodierung); bitte in Excel »Speichern unter« mit dem Dateityp »CSV UTF-8 (durch "
        "Trennzeichen getrennt)« wählen oder die .xlsx-Vorlage einlesen",
        "the file is not saved as UTF-8 (the byte 0x{byte:02X} is not UTF-8, probably an umlaut in a Windows "
        "encoding); please choose »Save as« in Excel with the file type »CSV UTF-8 (Comma delimited)« or import "
        "the .xlsx template",
    ),
    "unreadable_csv": (
        "die CSV-Datei ist ab hier nicht lesbar; bitte sie in Excel als »CSV UTF-8 (durch Trennzeichen getrennt)« "
        "neu speichern",
        "the CSV file cannot be read from here on; please save it again in Excel as »CSV UTF-8 (Comma delimited)«",
    ),
    "too_many_rows": (
        "das Blatt hat mehr als {limit} Zeilen unter der Kopfzeile, ein Jahrgang hat einige hundert; bitte "
        "überzählige Zeilen ab hier löschen",
        "the sheet has more than {limit} rows below the header, an edition has a few hundred; please delete the "
        "surplus rows from here on",
    ),
    "cell_too_long": (
        "der Text ist {length} Zeichen lang, erlaubt sind höchstens {limit}; bitte ihn kürzen",
        "the text is {length} characters long, at most {limit} are allowed; please shorten it",
    ),
    "too_much_text": (
        "die Datei enthält bis hier mehr als {limit} Zeichen Text, weit mehr als ein Jahrgang braucht; bitte nur "
        "die ausgefüllte Vorlage einlesen",
        "the file holds more than {limit} characters of text up to here, far more than an edition needs; please "
        "import only the filled template",
    ),
}


def message(key: str, **values: object) -> dict[str, str]:
    german, english = _MESSAGES[key]
    return {
        "de": german.format(**{k: _german(v) for k, v in values.items()}) + ".",
        "en": english.format(**{k: _english(v) for k, v in values.items()}) + ".",
    }


def problem(
    file: str,
    key: str,
    sheet: str | None = None,
    row: int | None = None,
    column: str | None = None,
    **values: object,
) -> Problem:
    return Problem(message(key, **values), file=file, sheet=sheet, line=row, column=column, in_spreadsheet=True)


def refuse(file: str, key: str, **values: object) -> DataError:
    # A whole file is refused: no sheet, row or column, whatever the message's values are called.
    return DataError([problem(file, key, sheet=None, row=None, column=None, **values)])


class Size(int):
    """A number of bytes, told as megabytes or kilobytes."""


def _german(value: object) -> object:
    return _size(value).replace(".", ",") if isinstance(value, Size) else _thousands(value, ".")


def _english(value: object) -> object:
    return _size(value) if isinstance(value, Size) else _thousands(value, ",")


def _size(value: Size) -> str:
    return f"{value / 1e6:.1f} MB" if value >= 100_000 else f"{value / 1e3:.0f} KB"


def _thousands(value: object, separator: str) -> object:
    return f"{value:,}".replace(",", separator) if isinstance(value, int) and value >= 1_000 else value


# The checks, in the order the reader makes them


def check_size(path: Path) -> None:
    """Refused before a byte is read."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise refuse(path.name, "too_large", size=Size(size), limit=Size(MAX_FILE_BYTES))


def check_archive(path: Path) -> None:
    """An .xlsx is a zip: its declared sizes are summed before anything is unpacked. Python's zipfile never
    unpacks a member beyond its declared size (it fails the checksum instead), so the sum bounds the work."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError) as error:
        raise refuse(path.name, "not_xlsx") from error
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise refuse(path.name, "unpacks_too_large", size=Size(unpacked), limit=Size(MAX_UNPACKED_BYTES))
    for member in members:
        if member.file_size > MAX_PART_BYTES and _parsed_whole(member.filename):
            raise refuse(
                path.name,
                "part_too_large",
                part=member.filename,
                size=Size(member.file_size),
                limit=Size(MAX_PART_BYTES),
            )


def _parsed_whole(name: str) -> bool:
    """An XML part openpyxl reads up front into objects (styles, shared strings, the workbook); only the
    sheets are streamed row by row. Pictures are never parsed."""
    return name.endswith((".xml", ".rels")) and not name.startswith("xl/worksheets/")


def csv_text(path: Path) -> str:
    """The file as UTF-8, with or without the byte-order mark Excel writes; anything else is refused, not
    guessed: a wrong guess would put wrong letters into the published data."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise DataError([problem(path.name, "not_utf8", row=line, byte=data[error.start])]) from error


def delimiter(text: str, headers: set[str]) -> str:
    """The separator under which the header line holds most of the template's column headers."""
    first_line = text.split("\n", 1)[0].rstrip("\r")

    def known(candidate: str) -> int:
        cells = next(csv.reader([first_line], delimiter=candidate), [])
        return sum(cell.strip() in headers for cell in cells)

    return max(DELIMITERS, key=known)  # a tie, such as no header at all, keeps the export's comma
