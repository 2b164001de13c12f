"""A problem found in the data, and how it is told to a person: where, what, why, in German or English."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["violation", "warning"]
LANGUAGES = ("de", "en")

_WORDS = {
    "de": {
        "sheet": "Blatt",
        "row": "Zeile",
        "line": "Zeile",
        "column": "Spalte",
        "property": "Eigenschaft",
        "warning": "Warnung",
        "syntax": "Syntaxfehler",
    },
    "en": {
        "sheet": "sheet",
        "row": "row",
        "line": "line",
        "column": "column",
        "property": "property",
        "warning": "warning",
        "syntax": "syntax error",
    },
}


@dataclass(frozen=True, eq=False)
class Problem:
    """One thing wrong with the data. `message` maps a language code to the sentence in that language."""

    message: dict[str, str]
    file: str | None = None
    line: int | None = None
    column: int | str | None = None  # a number in a text file, a header in a spreadsheet
    sheet: str | None = None
    resource: str | None = None
    resource_label: str | None = None
    resource_kind: dict[str, str] = field(default_factory=dict)
    property: str | None = None
    severity: Severity = "violation"
    is_syntax_error: bool = False
    # In a spreadsheet the row and column say where; the IRI and the RDF property would only confuse.
    in_spreadsheet: bool = False

    def key(self) -> tuple:
        """What makes two problems the same problem (pySHACL may report one twice, once per shape)."""
        return (
            self.file,
            self.line,
            self.column,
            self.resource,
            self.property,
            self.severity,
            self.text("en"),
        )

    def text(self, lang: str) -> str:
        return self.message.get(lang) or self.message.get("en") or next(iter(self.message.values()), "")

    def render(self, lang: str = "de") -> str:
        """One line: place, resource, property, then the plain-language sentence, joined by colons."""
        place = self._place(_WORDS.get(lang, _WORDS["en"]))
        return f"{place}: {self.said(lang)}" if place else self.said(lang)

    def said(self, lang: str = "de", severity: bool = True) -> str:
        """The line without its place, for where the place is shown otherwise (a row of the checked workbook's
        report, which shows the severity in a column of its own, too)."""
        words = _WORDS.get(lang, _WORDS["en"])
        segments = [
            words["syntax"] if self.is_syntax_error else "",
            self._subject(lang),
            f"{words['property']} {self.property}" if self.property and not self.in_spreadsheet else "",
        ]
        warning = f"{words['warning']}: " if self.severity == "warning" and severity else ""
        about = ": ".join(s for s in segments if s)
        return f"{about}: {warning}{self.text(lang)}" if about else f"{warning}{self.text(lang)}"

    def _place(self, words: dict[str, str]) -> str:
        place = [self.file or ""]
        if self.sheet is not None:
            place.append(f"{words['sheet']} {self.sheet}")
        if self.line is not None:
            place.append(f"{words['row' if self.sheet else 'line']} {self.line}")
        if self.column is not None:
            place.append(f"{words['column']} {self.column}")
        return ", ".join(p for p in place if p)

    def _subject(self, lang: str) -> str:
        if not self.resource and not (self.in_spreadsheet and self.resource_label):
            return ""
        label = f"»{printable(self.resource_label)}«" if self.resource_label else ""
        iri = "" if self.in_spreadsheet else f"<{self.resource}>"
        return " ".join(p for p in (self.resource_kind.get(lang, ""), label, iri) if p)


def sentences(pair: tuple[str, str], **values: object) -> dict[str, str]:
    """A message written as a (German, English) pair of templates, filled in and ended as sentences."""
    german, english = pair
    return {"de": german.format(**values) + ".", "en": english.format(**values) + "."}


def printable(text: str) -> str:
    """Control characters shown as escapes, so that a hostile string cannot move a terminal's cursor."""
    return "".join(c if c.isprintable() or c == " " else c.encode("unicode_escape").decode("ascii") for c in text)


class DataError(Exception):
    """Raised when data cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the data")


class RefusalError(ValueError):
    """A command refused before any data is read (a wrong option, an unknown edition), with its sentence in each
    language, so that the command line tells it in the language it tells everything else in."""

    def __init__(self, message: dict[str, str]) -> None:
        self.message = message
        super().__init__(message["en"])

    def text(self, lang: str) -> str:
        return self.message.get(lang) or self.message["en"]
