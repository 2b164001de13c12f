"""Writing a named query's parameters into its text as RDF terms, so that the store plans with them.

Oxigraph plans a query before it reads a VALUES block's rows: a description that opens with
`VALUES ?resource` evaluates its UNION for every resource and joins afterwards (79 ms at 10,000
measures), while the same description with the IRI in its patterns reads one resource's index ranges
(0.2 ms); pyoxigraph's `substitutions=` keeps the slow plan (88 ms). So each occurrence of a parameter's
variable, found by the SPARQL lexer (never inside a string, IRI or comment), becomes the term as
pyoxigraph serialises it, which escapes every character: a value can only ever be a value.

- in patterns, expressions (FILTER, BIND, HAVING, inside ORDER BY's brackets) and CONSTRUCT templates:
  the term;
- as an item of the outer SELECT: `(term AS ?v)`, so the result keeps its column; an item of a subquery's
  SELECT is left out, as every use outside the subquery holds the term already;
- as an item of GROUP BY or ORDER BY: `(term)`, a constant that groups and orders nothing.

A subquery that does not project the variable has a variable of its own by that name; it stays, as it
would under VALUES. Written in, the term holds in every group, also in the filters of inner groups that
a VALUES block joined from outside would have left unbound.

Where writing in could change the answer (`SELECT *` and `DESCRIBE *` lose the column, MINUS compares the
variables both sides share, a subquery that projects it with LIMIT or OFFSET cuts before the join, a
subquery's SELECT expression over it) or would not parse (a string where only an IRI may stand), the
query keeps a VALUES block: template() raises NotWritableError with the reason. A query that binds a
variable (`AS ?v`, `VALUES ?v`) it also takes as a parameter is refused: BindingConflictError.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from . import sparql_text

_PLACEHOLDER = re.compile(r"\$\{(\w+)\}")
_NAME_CHAR = r"[\w\u00B7-\uFFFF]"
_SAMPLES = {"iri": str(ox.NamedNode("https://ikg.example/sample")), "literal": str(ox.Literal("sample"))}
# Only parses, on a store that holds nothing: pyoxigraph has no parser of its own for queries.
_PARSER = ox.Store()


class BindingConflictError(ValueError):
    """The query binds a variable (AS ?v, VALUES ?v) that it also takes as a parameter."""


class NotWritableError(Exception):
    """A parameter cannot be written into this query's text without changing or breaking it."""


@dataclass(frozen=True)
class Slot:
    """Where a value goes: a term parameter's serialised term, or an integer's digits."""

    name: str
    form: str  # "term", "projected" (an outer SELECT item), "grouped" (a GROUP BY or ORDER BY item), "integer"

    def render(self, value: str) -> str:
        if self.form == "projected":
            return f"({value} AS ?{self.name})"
        if self.form == "grouped":
            return f"({value})"
        return value


Template = tuple[str | Slot, ...]


def render(template: Template, values: Mapping[str, str]) -> str:
    """The query text with every slot filled: `values` maps a parameter to its serialised term or digits."""
    return "".join(piece if isinstance(piece, str) else piece.render(values[piece.name]) for piece in template)


def template(text: str, terms: Mapping[str, str], integers: frozenset[str]) -> Template:
    """The text cut at the variables of the term parameters (name to "iri" or "literal") and at the ${name}
    placeholders of the integer ones. Raises BindingConflictError or NotWritableError."""
    return _template(text, tuple(sorted(terms.items())), integers)


# Every reload of the publication reads the same few dozen texts again; each costs milliseconds to cut and parse.
@functools.lru_cache(maxsize=256)
def _template(text: str, term_items: tuple[tuple[str, str], ...], integers: frozenset[str]) -> Template:
    terms = dict(term_items)
    writer = _Writer(frozenset(terms))
    for token in sparql_text.tokens(text):
        writer.feed(token)
    cut = _with_integers(writer.pieces, integers)
    samples = {name: _SAMPLES[kind] for name, kind in terms.items()} | dict.fromkeys(integers, "1")
    if terms and not _parses(render(cut, samples)):
        raise NotWritableError("the text with a term written in is no SPARQL (a string where only an IRI may stand?)")
    return cut


def integers_only(text: str, integers: frozenset[str]) -> Template:
    """The text cut at the ${name} placeholders only, for a query whose terms go into a VALUES block."""
    return _with_integers([text], integers)


def _with_integers(pieces: list[str | Slot], integers: frozenset[str]) -> Template:
    cut: list[str | Slot] = []
    for piece in _merged(pieces):
        if isinstance(piece, Slot):
            cut.append(piece)
            continue
        start = 0
        for found in _PLACEHOLDER.finditer(piece):
            if found.group(1) in integers:
                cut += [piece[start : found.start()], Slot(found.group(1), "integer")]
                start = found.end()
        cut.append(piece[start:])
    return tuple(piece for piece in cut if piece != "")


def _merged(pieces: list[str | Slot]) -> list[str | Slot]:
    merged: list[str | Slot] = []
    for piece in pieces:
        if isinstance(piece, str) and merged and isinstance(merged[-1], str):
            merged[-1] += piece
        else:
            merged.append(piece)
    return merged


def _parses(text: str) -> bool:
    try:
        _PARSER.query(text)
    except SyntaxError:
        return False
    return True


@dataclass
class _Subquery:
    level: int  # the brackets open around its SELECT
    projects: set[str] = field(default_factory=set)


@dataclass
class _Writer:
    """One pass over the tokens, knowing which clause and which subquery each variable stands in."""

    names: frozenset[str]
    pieces: list[str | Slot] = field(default_factory=list)
    brackets: int = 0
    subqueries: list[_Subquery] = field(default_factory=list)
    clause: str | None = None  # "projection", "describe", "group" (GROUP BY, ORDER BY), "values"
    clause_level: int = 0
    projecting: _Subquery | None = None  # the subquery whose SELECT clause this is
    after_as: bool = False

    def feed(self, token: re.Match[str]) -> None:
        text = token.group()
        if text.isspace() or text[0] == "#":
            self.pieces.append(text)
            return
        after_as, self.after_as = self.after_as, False
        word, bracket = token.group("word", "bracket")
        if word:
            self._word(word.upper())
        elif bracket:
            self._bracket(bracket)
        elif text[0] in "?$" and text[1:] in self.names:
            self.pieces.append(self._variable(text, after_as))
            return
        elif text[0] == "<" or "*" in text:
            self._other(text)
        self.pieces.append(text)

    def _word(self, word: str) -> None:
        if word in ("SELECT", "DESCRIBE"):
            self.projecting = None
            if self.brackets:
                self.projecting = _Subquery(self.brackets)
                self.subqueries.append(self.projecting)
            self._open("projection" if word == "SELECT" else "describe")
        elif word in ("GROUP", "ORDER", "VALUES"):
            self._open("values" if word == "VALUES" else "group")
        elif word in ("WHERE", "FROM", "HAVING", "LIMIT", "OFFSET"):
            self.clause = None
            if word in ("LIMIT", "OFFSET") and self.subqueries and any(self._joined(n) for n in self.names):
                raise NotWritableError("a subquery that projects it has LIMIT or OFFSET, which cut before the join")
        elif word == "MINUS" and self.names:
            raise NotWritableError("MINUS compares the variables both sides share, and a term written in is none")
        elif word == "AS":
            self.after_as = True

    def _open(self, clause: str) -> None:
        self.clause, self.clause_level = clause, self.brackets

    def _bracket(self, bracket: str) -> None:
        if bracket in "{([":
            if bracket == "{" and self.clause and self.brackets == self.clause_level:
                self.clause = None
            self.brackets += 1
            return
        self.brackets -= 1
        if self.clause and self.brackets < self.clause_level:
            self.clause = None
        while self.subqueries and self.subqueries[-1].level > self.brackets:
            self.subqueries.pop()

    def _other(self, text: str) -> None:
        if text.startswith("<") and any(re.search(rf"[?$]{re.escape(n)}(?!{_NAME_CHAR})", text) for n in self.names):
            # `FILTER(?a<?v&&?b>?c)` lexes as an IRI here; the store's parser may read a comparison.
            raise NotWritableError(f"{text} might hold the variable, which the lexer cannot tell")
        listed = self.clause in ("projection", "describe") and self.brackets == self.clause_level
        starred = listed and "*" in text and text[0] not in "#'\""
        if starred and self.names:
            if self.projecting is None:
                raise NotWritableError("SELECT * or DESCRIBE * would lose the variable's column")
            self.projecting.projects |= self.names

    def _variable(self, variable: str, after_as: bool) -> str | Slot:
        name = variable[1:]
        if after_as or self.clause == "values":
            raise BindingConflictError(f"the query binds ?{name} itself and also takes it as a parameter")
        listed = self.brackets == self.clause_level
        if self.clause in ("projection", "describe"):
            outer = self.subqueries[:-1] if self.projecting else self.subqueries
            if not all(name in s.projects for s in outer):
                return variable
            if self.projecting is None:
                return Slot(name, "projected" if listed and self.clause == "projection" else "term")
            if not listed:
                raise NotWritableError("a subquery's SELECT computes an expression over it")
            self.projecting.projects.add(name)
            return ""
        if not self._joined(name):
            return variable
        return Slot(name, "grouped" if self.clause == "group" and listed else "term")

    def _joined(self, name: str) -> bool:
        """Is ?name here the parameter, and not a subquery's variable of its own?"""
        return all(name in s.projects for s in self.subqueries)
