"""The named queries in queries/: competency questions with typed parameters, bound safely.

A file starts with comment lines that describe it:

    # title@de: Maßnahmen, die einem Ziel dienen
    # title@en: Measures serving a goal
    # description@en: Every measure linked to the goal, with its operator.
    # param goal: iri = https://ikg.example/leverkusen/id/goal/hf-b-leitziel-3 | the goal

A line `#include NAME` in the body is replaced by queries/fragments/NAME.rq, indented like the line: a rule
several queries apply (what counts as a current measure) is written once, and each query's text as served
is complete SPARQL.

Term parameters (iri, string, language) are bound by a VALUES block that opens the outer WHERE group,
built from pyoxigraph terms, whose serialisation escapes every character: a hostile value can only
ever be a value. Integers (for LIMIT and OFFSET) replace a ${name} placeholder after int() parsing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .iris import CANONICAL_BASE, BaseRewriter

PARAM_TYPES = ("iri", "string", "language", "integer")
_HEADER = re.compile(r"^#\s*([\w@-]+)(?:\s+(\w+))?\s*:\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s*(?:=\s*([^|]*?))?\s*(?:\|\s*(.*))?$")
_LANGUAGE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_INCLUDE = re.compile(r"^(\s*)#include\s+([\w-]+)\s*$", re.MULTILINE)
FRAGMENTS = "fragments"
MAX_INTEGER = 10_000


class ParameterError(ValueError):
    pass


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

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles.get("en") or self.name

    def description(self, lang: str) -> str:
        return self.descriptions.get(lang) or self.descriptions.get("en") or ""

    def bind(self, values: dict[str, str]) -> str:
        """The query text with every parameter bound: given values, else defaults."""
        unknown = set(values) - {p.name for p in self.parameters}
        if unknown:
            raise ParameterError(f"unknown parameter(s) {', '.join(sorted(unknown))} for query {self.name!r}")
        text = self.text
        terms: list[tuple[str, ox.NamedNode | ox.Literal]] = []
        for parameter in self.parameters:
            raw = values.get(parameter.name, parameter.default)
            if raw is None:
                raise ParameterError(f"the parameter {parameter.name!r} of query {self.name!r} is required")
            if parameter.type == "integer":
                text = text.replace(f"${{{parameter.name}}}", str(_integer(parameter.name, raw)))
            else:
                terms.append((parameter.name, _term(parameter, raw)))
        return _with_values(text, terms) if terms else text


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


def _with_values(text: str, terms: list[tuple[str, ox.NamedNode | ox.Literal]]) -> str:
    where = _WHERE.search(text)
    if where is None:
        raise ParameterError("a named query with parameters needs a WHERE clause")
    variables = " ".join(f"?{name}" for name, _ in terms)
    row = " ".join(str(term) for _, term in terms)
    return f"{text[: where.end()]}\n    VALUES ({variables}) {{ ({row}) }}\n{text[where.end() :]}"


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
    if not titles:
        raise ValueError(f"{path}: a named query needs a '# title@en:' line")
    return NamedQuery(path.stem, text, titles, descriptions, tuple(parameters))


def _parameter(path: Path, name: str, spec: str) -> Parameter:
    match = _PARAM.match(spec.strip())
    if not match or match.group(1) not in PARAM_TYPES:
        raise ValueError(f"{path}: parameter {name!r} needs a type, one of {', '.join(PARAM_TYPES)}: {spec!r}")
    kind, default, description = match.groups()
    return Parameter(name, kind, (default or "").strip() or None, (description or "").strip())


def load_all(folder: Path, rewriter: BaseRewriter | None = None) -> dict[str, NamedQuery]:
    return {path.stem: parse(path, rewriter) for path in sorted(folder.glob("*.rq"))}
