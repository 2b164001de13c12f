"""The named queries in queries/: competency questions with typed parameters, bound safely.

A file starts with comment lines that describe it:

    # title@de: Maßnahmen, die einem Ziel dienen
    # title@en: Measures serving a goal
    # description@en: Every measure linked to the goal, with its operator.
    # param goal: iri = https://ikg.example/leverkusen/id/goal/hf-b-leitziel-3 | the goal

A line `#include NAME` in the body is replaced by queries/fragments/NAME.rq, indented like the line: a rule
several queries apply (what counts as a current measure) is written once, and each query's text as served
is complete SPARQL.

Term parameters (iri, string, language) are written into the text in place of their variables, as
pyoxigraph serialises the term, which escapes every character: a hostile value can only ever be a value.
Written in, the store plans with the value (a VALUES block on top of a description kept a plan that
reads the whole graph); term_binding says where and how. A query where writing in could change the
answer keeps a VALUES block that opens the outer WHERE group, with a comment in its text saying why.
Where the store plans worse with a term written in (measured: benchmarks/bindings.py), a header line
`# binding: values | why` keeps the VALUES block.
Integers (for LIMIT and OFFSET) replace a ${name} placeholder after int() parsing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox

from ..rdf.iris import CANONICAL_BASE, BaseRewriter
from ..request_errors import InvalidRequestError
from . import term_binding

PARAM_TYPES = ("iri", "string", "language", "integer")
_HEADER = re.compile(r"^#\s*([\w@-]+)(?:\s+(\w+))?\s*:\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s*(?:=\s*([^|]*?))?\s*(?:\|\s*(.*))?$")
_LANGUAGE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_INCLUDE = re.compile(r"^(\s*)#include\s+([\w-]+)\s*$", re.MULTILINE)
FRAGMENTS = "fragments"
MAX_INTEGER = 10_000


class ParameterError(InvalidRequestError):
    """A value given for a named query's parameter that it does not take."""


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: str | None
    description: str


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)
    # The text cut where values go; with values_reason set, the terms go into a VALUES block instead.
    template: term_binding.Template = ()
    values_reason: str | None = None

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles.get("en") or self.name

    def description(self, lang: str) -> str:
        return self.descriptions.get(lang) or self.descriptions.get("en") or ""

    def bind(self, values: dict[str, str]) -> str:
        """The query text with every parameter bound: given values, else defaults."""
        unknown = set(values) - {p.name for p in self.parameters}
        if unknown:
            raise ParameterError(f"unknown parameter(s) {', '.join(sorted(unknown))} for query {self.name!r}")
        rendered: dict[str, str] = {}
        terms: list[tuple[str, ox.NamedNode | ox.Literal]] = []
        for parameter in self.parameters:
            raw = values.get(parameter.name, parameter.default)
            if raw is None:
                raise ParameterError(f"the parameter {parameter.name!r} of query {self.name!r} is required")
            if parameter.type == "integer":
                rendered[parameter.name] = str(_integer(parameter.name, raw))
            else:
                term = _term(parameter, raw)
                rendered[parameter.name] = str(term)
                terms.append((parameter.name, term))
        text = term_binding.render(self.template, rendered)
        if self.values_reason is None or not terms:
            return text
        return _with_values(text, terms, self.values_reason)

    def bind_with_values(self, values: dict[str, str]) -> str:
        """The text bound as before terms were written in: one VALUES block (to compare answers and times)."""
        query = NamedQuery(self.name, self.text, self.titles, self.descriptions, self.parameters)
        return _binding(query, values_reason="asked for, to compare the two bindings").bind(values)


def _integer(name: str, raw: str) -> int:
    try:
        number = int(raw.strip())
    except ValueError as error:
        raise ParameterError(f"the parameter {name!r} must be a whole number, not {raw!r}") from error
    if not 0 <= number <= MAX_INTEGER:
        raise ParameterError(f"the parameter {name!r} must be between 0 and {MAX_INTEGER}")
    return number


def _term(parameter: Parameter, raw: str) -> ox.NamedNode | ox.Literal:
    if parameter.type == "iri":
        if not raw.startswith(("http://", "https://")):
            raise ParameterError(f"the parameter {parameter.name!r} must be an http(s) IRI")
        try:
            return ox.NamedNode(raw)
        except ValueError as error:
            raise ParameterError(f"the parameter {parameter.name!r} is not a valid IRI: {error}") from error
    if parameter.type == "language" and not _LANGUAGE.match(raw):
        raise ParameterError(f"the parameter {parameter.name!r} must be a language tag such as de or en")
    return ox.Literal(raw)


def _with_values(text: str, terms: list[tuple[str, ox.NamedNode | ox.Literal]], reason: str) -> str:
    where = _WHERE.search(text)
    if where is None:
        raise ParameterError("a named query with parameters needs a WHERE clause")
    variables = " ".join(f"?{name}" for name, _ in terms)
    row = " ".join(str(term) for _, term in terms)
    # The reason stays on one line: a line break in it would end the comment.
    note = " ".join(f"# Bound by VALUES, not written in: {reason}".split())
    return f"{text[: where.end()]}\n    {note}\n    VALUES ({variables}) {{ ({row}) }}\n{text[where.end() :]}"


def _binding(query: NamedQuery, path: Path | None = None, values_reason: str | None = None) -> NamedQuery:
    """The query with its template: terms written in where that keeps the answer, else a VALUES block."""
    integers = frozenset(p.name for p in query.parameters if p.type == "integer")
    terms = {p.name: "iri" if p.type == "iri" else "literal" for p in query.parameters if p.type != "integer"}
    if values_reason is None:
        try:
            cut = term_binding.template(query.text, terms, integers)
            return replace(query, template=cut)
        except term_binding.BindingConflictError as error:
            raise ValueError(f"{path or query.name}: {error}") from error
        except term_binding.NotWritableError as error:
            values_reason = str(error)
    return replace(query, template=term_binding.integers_only(query.text, integers), values_reason=values_reason)


def _included(path: Path, text: str) -> str:
    def fragment(match: re.Match[str]) -> str:
        indent, name = match.groups()
        source = path.parent / FRAGMENTS / f"{name}.rq"
        if not source.is_file():
            line = text.count("\n", 0, match.start()) + 1
            raise ValueError(f"{path}, line {line}: there is no fragment {FRAGMENTS}/{name}.rq to include")
        return "\n".join(indent + part if part else part for part in source.read_text(encoding="utf-8").splitlines())

    return _INCLUDE.sub(fragment, text)


def parse(path: Path, rewriter: BaseRewriter | None = None) -> NamedQuery:
    text = _included(path, path.read_text(encoding="utf-8"))
    if rewriter is not None:
        # The queries are written against the canonical base, like the data; they follow it to the host.
        text = text.replace(CANONICAL_BASE, rewriter.target_base)
    titles: dict[str, str] = {}
    descriptions: dict[str, str] = {}
    parameters: list[Parameter] = []
    values_reason: str | None = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header = _HEADER.match(line)
        if not header:
            continue
        key, name, value = header.groups()
        kind, _, lang = key.partition("@")
        if kind == "title":
            titles[lang or "en"] = value.strip()
        elif kind == "description":
            descriptions[lang or "en"] = value.strip()
        elif kind == "param" and name:
            parameters.append(_parameter(path, name, value))
        elif kind == "binding":
            values_reason = _values_reason(path, value)
    if not titles:
        raise ValueError(f"{path}: a named query needs a '# title@en:' line")
    return _binding(NamedQuery(path.stem, text, titles, descriptions, tuple(parameters)), path, values_reason)


def _values_reason(path: Path, spec: str) -> str:
    binding, _, reason = spec.partition("|")
    if binding.strip() != "values" or not reason.strip():
        raise ValueError(f"{path}: '# binding:' takes 'values | why the terms are not written in': {spec!r}")
    return reason.strip()


def _parameter(path: Path, name: str, spec: str) -> Parameter:
    match = _PARAM.match(spec.strip())
    if not match or match.group(1) not in PARAM_TYPES:
        raise ValueError(f"{path}: parameter {name!r} needs a type, one of {', '.join(PARAM_TYPES)}: {spec!r}")
    kind, default, description = match.groups()
    return Parameter(name, kind, (default or "").strip() or None, (description or "").strip())


def load_all(folder: Path, rewriter: BaseRewriter | None = None) -> dict[str, NamedQuery]:
    return {path.stem: parse(path, rewriter) for path in sorted(folder.glob("*.rq"))}
