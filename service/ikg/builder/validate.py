"""Validating the graph against the SHACL shapes and turning every finding into a plain Problem.

Two engines give the same findings: "sparql" (the default) compiles the shapes to SPARQL and runs them
on pyoxigraph, one query per constraint; "pyshacl" is the reference implementation, exact but about
twenty times slower on large graphs (README, "Validation").
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Literal

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH

from ..problems import Problem, Severity
from ..rdf.oxigraph_types import select
from ..rdf.rdf_bridge import to_oxigraph, union_graph
from .describe import Describer
from .locations import LocationIndex
from .shacl_sparql import ShapesCompiler, load_shapes

Engine = Literal["sparql", "pyshacl"]
ENGINES: tuple[Engine, ...] = ("sparql", "pyshacl")

_SUBCLASSES = """SELECT DISTINCT ?class ?root WHERE {
    ?class <http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?root }"""


class Validator:
    def __init__(self, shapes_path: Path, engine: Engine = "sparql") -> None:
        if engine not in ENGINES:
            raise ValueError(f"unknown validation engine {engine!r}; choose one of {', '.join(ENGINES)}")
        self.shapes = load_shapes(shapes_path)
        self.engine = engine

    def validate(self, store: ox.Store, locations: LocationIndex) -> list[Problem]:
        describer = Describer(store, locations)
        findings = self._sparql(store, describer) if self.engine == "sparql" else self._pyshacl(store, describer)
        unique = {problem.key(): problem for problem in findings}
        return sorted(unique.values(), key=_order)

    def _sparql(self, store: ox.Store, describer: Describer) -> list[Problem]:
        @cache
        def closure(cls: str) -> list[str]:
            rows = select(
                store,
                _SUBCLASSES,
                use_default_graph_as_union=True,
                substitutions={ox.Variable("root"): ox.NamedNode(cls)},
            )
            return sorted({cls, *(row["class"].value for row in rows)})

        problems = []
        for constraint in ShapesCompiler(self.shapes, closure).compile():
            solutions = select(store, constraint.query, use_default_graph_as_union=True)
            has_path = "path" in {variable.value for variable in solutions.variables}
            fixed_path = ox.NamedNode(constraint.path_iri) if constraint.path_iri else None
            for row in solutions:
                problems.append(
                    describer.problem(
                        focus=row["this"],
                        path=row["path"] if has_path else fixed_path,
                        messages=constraint.messages,
                        severity=constraint.severity,
                        shown_path=None if has_path else constraint.shown_path,
                    )
                )
        return problems

    def _pyshacl(self, store: ox.Store, describer: Describer) -> list[Problem]:
        import pyshacl  # only the reference engine needs it, and importing it costs every command a second

        with _each_query_parsed_once():
            _conforms, report, _text = pyshacl.validate(
                union_graph(store),
                shacl_graph=self.shapes,
                inference="none",
                advanced=True,
                inplace=True,
                allow_warnings=True,
                abort_on_first=False,
            )
        problems = []
        for result in report.subjects(RDF.type, SH.ValidationResult):
            path = report.value(result, SH.resultPath)
            problems.append(
                describer.problem(
                    focus=to_oxigraph(report.value(result, SH.focusNode)),
                    path=to_oxigraph(path) if isinstance(path, rdflib.URIRef) else None,
                    messages={str(m.language or "en"): str(m) for m in report.objects(result, SH.resultMessage)},
                    severity=_severity(report.value(result, SH.resultSeverity)),
                )
            )
        return problems


@contextmanager
def _each_query_parsed_once() -> Iterator[None]:
    """pyshacl hands rdflib the text of a SPARQL constraint once per focus node, and rdflib parses it anew every
    time: 85 % of a reference run on the real graph (rdflib's parser is known to be slow and has no cache). For
    the run, each text is parsed and translated once and the prepared query reused, as rdflib's prepared
    queries are meant to be; the bindings of each focus node still come with every call."""
    from rdflib.plugins.sparql import processor

    original = processor.SPARQLProcessor.query
    prepared: dict[tuple[str, str | None, tuple[tuple[str, object], ...]], object] = {}

    def query(self, text, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
        if isinstance(text, str):
            key = (text, base, tuple(sorted((initNs or {}).items())))
            if key not in prepared:
                prepared[key] = processor.translateQuery(processor.parseQuery(text), base, initNs)
            text = prepared[key]
        return original(self, text, initBindings, initNs, base, DEBUG)

    processor.SPARQLProcessor.query = query  # type: ignore[method-assign]
    try:
        yield
    finally:
        processor.SPARQLProcessor.query = original  # type: ignore[method-assign]


def _severity(node: rdflib.term.Node | None) -> Severity:
    return "warning" if node in (SH.Warning, SH.Info) else "violation"


def _order(problem: Problem) -> tuple:
    return (
        problem.file or "~",
        problem.line or 0,
        problem.resource or "",
        problem.property or "",
        problem.text("en"),
    )
