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
        words = _WORDS.get(lang, _WORDS["en"])
        segments = [
            self._place(words),
            words["syntax"] if self.is_syntax_error else "",
            self._subject(lang),
            f"{words['property']} {self.property}" if self.property and not self.in_spreadsheet else "",
        ]
        warning = f"{words['warning']}: " if self.severity == "warning" else ""
        return ": ".join(s for s in segments if s) + f": {warning}{self.text(lang)}"

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


def printable(text: str) -> str:
    """Control characters shown as escapes, so that a hostile string cannot move a terminal's cursor."""
    return "".join(c if c.isprintable() or c == " " else c.encode("unicode_escape").decode("ascii") for c in text)


class DataError(Exception):
    """Raised when data cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the data")
