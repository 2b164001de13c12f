"""Where in the source files a resource is defined, so that problems can name a file and line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_SUBJECT = re.compile(r"^\s*(<[^>\s]+>|[A-Za-z][\w.-]*:[^\s;,.\]]*(?:\.[^\s;,.\]]+)*)\s")
_STATEMENT_END = re.compile(r"(\.|\{|\})\s*(#.*)?$")
_TYPED = re.compile(r"\S+\s+a\s")


@dataclass(frozen=True)
class Location:
    file: str
    line: int


class LocationIndex:
    """Maps an IRI to the first line where it opens a statement as its subject, preferring the line that gives
    its type: a file of further statements about resources (graph/descriptions-de.trig) may sort before
    the file that defines them, and a problem belongs where the resource is defined.

    It reads the files as text, which is enough for the layout of Turtle and TriG that ikg writes and
    people edit: one subject at the start of a line after the previous statement ended.
    """

    def __init__(self) -> None:
        self._typed: dict[str, Location] = {}
        self._subjects: dict[str, Location] = {}
        self._mentions: dict[str, Location] = {}
        self._pending: list[tuple[Path, str]] = []

    def add_file(self, path: Path, display_name: str) -> None:
        """Files are read only when a location is first asked for: a clean graph never pays for it."""
        self._pending.append((path, display_name))

    def _index_pending(self) -> None:
        while self._pending:
            self._index(*self._pending.pop(0))

    def _index(self, path: Path, display_name: str) -> None:
        prefixes: dict[str, str] = {}
        statement_open = False
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            prefix = _PREFIX.match(line)
            if prefix:
                prefixes[prefix.group(1) or ""] = prefix.group(2)
                continue
            content = line.strip()
            if not content or content.startswith("#"):
                continue
            subject = _SUBJECT.match(line)
            if subject and not statement_open:
                iri = self._expand(subject.group(1), prefixes)
                if iri:
                    self._subjects.setdefault(iri, Location(display_name, number))
                    if _TYPED.match(line.strip()):
                        self._typed.setdefault(iri, Location(display_name, number))
            for token in re.findall(r"<([^>\s]+)>|([A-Za-z][\w.-]*:[\w-]+)", line):
                iri = token[0] or self._expand(token[1], prefixes)
                if iri:
                    self._mentions.setdefault(iri, Location(display_name, number))
            statement_open = not _STATEMENT_END.search(line.split(" #", 1)[0].rstrip())

    @staticmethod
    def _expand(token: str, prefixes: dict[str, str]) -> str | None:
        if token.startswith("<"):
            return token[1:-1]
        prefix, _, local = token.partition(":")
        namespace = prefixes.get(prefix)
        return namespace + local if namespace is not None else None

    def find(self, iri: str) -> Location | None:
        self._index_pending()
        return self._typed.get(iri) or self._subjects.get(iri) or self._mentions.get(iri)
