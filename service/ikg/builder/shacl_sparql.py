"""SHACL shapes compiled to SPARQL: each constraint becomes one query over all of its focus nodes.

pySHACL checks a constraint once per focus node in Python; on 10,000 measures that takes over a
minute. Here every constraint is one SELECT that pyoxigraph answers for all focus nodes at once. Only
the constraint components ikg's shapes use are supported, and loading a shapes file that uses any
other fails, so a constraint is never skipped silently. pySHACL remains the reference: the tests run
both engines on every fixture and require the same findings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

from ..problems import Severity
from ..rdf.namespaces import compact
from ..rdf.rdf_bridge import language

Focus = Callable[[str], str]  # given a variable name, a SPARQL group that binds it to every focus node

# Shape parameters that describe or wire shapes rather than constrain values.
_STRUCTURAL = {
    RDF.type,
    RDFS.comment,
    RDFS.label,
    SH.path,
    SH.message,
    SH.severity,
    SH.name,
    SH.description,
    SH.property,
    SH.targetClass,
    SH.targetSubjectsOf,
    SH.target,
    SH.sparql,
    SH.declare,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.prefixes,
    SH.deactivated,
}
_SUPPORTED = {
    SH.minCount,
    SH.maxCount,
    SH["class"],
    SH.datatype,
    SH.pattern,
    SH.flags,
    SH.uniqueLang,
    SH["or"],
    SH.node,
    SH.qualifiedValueShape,
}


@dataclass(frozen=True)
class CompiledConstraint:
    shape: str
    component: str
    query: str
    path_iri: str | None  # the property at fault, when the path is a single property
    shown_path: str | None  # how the path is shown otherwise (alternatives)
    messages: dict[str, str]
    severity: Severity


class UnsupportedShapeError(ValueError):
    pass


class ShapesCompiler:
    def __init__(self, graph: rdflib.Graph, class_closure: Callable[[str], list[str]]) -> None:
        self.graph = graph
        self.closure = class_closure
        self._counter = 0

    # --- entry point -------------------------------------------------------------------------------

    def compile(self) -> list[CompiledConstraint]:
        compiled: list[CompiledConstraint] = []
        for shape in sorted(self._targeted_shapes(), key=str):
            compiled += self._node_shape(shape, self._focus_of(shape), self._messages(shape))
        return compiled

    def _targeted_shapes(self) -> set[rdflib.term.Node]:
        g = self.graph
        return {s for p in (SH.targetClass, SH.targetSubjectsOf, SH.target) for s in g.subjects(p, None)}

    def _focus_of(self, shape: rdflib.term.Node) -> Focus:
        g = self.graph
        target_class = g.value(shape, SH.targetClass)
        if target_class is not None:
            return lambda var: f"{{ SELECT DISTINCT ?{var} WHERE {{ {self._has_class(var, str(target_class))} }} }}"
        subjects_of = g.value(shape, SH.targetSubjectsOf)
        if subjects_of is not None:
            return lambda var: f"{{ SELECT DISTINCT ?{var} WHERE {{ ?{var} <{subjects_of}> [] }} }}"
        select = str(g.value(g.value(shape, SH.target), SH.select))
        return lambda var: (
            f"{{ {select} }}" if var == "this" else f"{{ SELECT (?this AS ?{var}) WHERE {{ {{ {select} }} }} }}"
        )

    # --- shapes ------------------------------------------------------------------------------------

    def _node_shape(self, shape, focus: Focus, inherited: dict[str, str]) -> list[CompiledConstraint]:
        g = self.graph
        self._check_supported(shape)
        messages = self._messages(shape) or inherited
        out: list[CompiledConstraint] = []
        node_class = g.value(shape, SH["class"])
        if node_class is not None:
            out.append(
                self._constraint(
                    shape,
                    "ClassConstraint",
                    None,
                    messages,
                    (
                        f"SELECT DISTINCT ?this WHERE {{ {focus('this')} "
                        f"FILTER NOT EXISTS {{ {self._has_class('this', str(node_class))} }} }}"
                    ),
                )
            )
        for prop in g.objects(shape, SH.property):
            out += self._property_shape(prop, focus, messages)
        for sparql in g.objects(shape, SH.sparql):
            out.append(self._sparql(shape, sparql, focus))
        return out

    def _property_shape(self, prop, focus: Focus, inherited: dict[str, str]) -> list[CompiledConstraint]:
        g = self.graph
        self._check_supported(prop)
        path_node = g.value(prop, SH.path)
        path = self._path(path_node)
        shown = str(path_node) if isinstance(path_node, rdflib.URIRef) else self._shown_path(path_node)
        messages = self._messages(prop) or inherited
        f = focus("this")
        values = f"{f} ?this {path} ?value ."
        out: list[CompiledConstraint] = []

        def add(component: str, query: str) -> None:
            out.append(self._constraint(prop, component, shown, messages, query))

        min_count = g.value(prop, SH.minCount)
        if min_count is not None:
            add(
                "MinCountConstraint",
                f"SELECT ?this WHERE {{ {f} OPTIONAL {{ ?this {path} ?v }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {int(min_count)})",
            )
        max_count = g.value(prop, SH.maxCount)
        if max_count is not None:
            add(
                "MaxCountConstraint",
                f"SELECT ?this WHERE {{ {f} ?this {path} ?v }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {int(max_count)})",
            )
        value_class = g.value(prop, SH["class"])
        if value_class is not None:
            add(
                "ClassConstraint",
                f"SELECT DISTINCT ?this ?value WHERE {{ {values} "
                f"FILTER NOT EXISTS {{ {self._has_class('value', str(value_class))} }} }}",
            )
        datatype = g.value(prop, SH.datatype)
        if datatype is not None:
            add(
                "DatatypeConstraint",
                f"SELECT DISTINCT ?this ?value WHERE {{ {values} "
                f"FILTER(!({self._datatype_test('value', str(datatype))})) }}",
            )
        pattern = g.value(prop, SH.pattern)
        if pattern is not None:
            flags = json.dumps(str(g.value(prop, SH.flags) or ""))
            add(
                "PatternConstraint",
                f"SELECT DISTINCT ?this ?value WHERE {{ {values} "
                f"FILTER(isBlank(?value) || !REGEX(STR(?value), {json.dumps(str(pattern))}, {flags})) }}",
            )
        if g.value(prop, SH.uniqueLang) == rdflib.Literal(True):
            add(
                "UniqueLangConstraint",
                f"SELECT DISTINCT ?this WHERE {{ {f} ?this {path} ?a , ?b . "
                'FILTER(?a != ?b && LANG(?a) != "" && LANG(?a) = LANG(?b)) }',
            )
        alternatives = g.value(prop, SH["or"])
        if alternatives is not None:
            tests = [self._conforms_test("value", a) for a in Collection(g, alternatives)]
            add(
                "OrConstraint",
                f"SELECT DISTINCT ?this ?value WHERE {{ {values} FILTER(!({' || '.join(tests)})) }}",
            )
        qualified = g.value(prop, SH.qualifiedValueShape)
        if qualified is not None:
            low, high = g.value(prop, SH.qualifiedMinCount), g.value(prop, SH.qualifiedMaxCount)
            having = [
                f"COUNT(DISTINCT ?v) < {int(low)}" if low is not None else "",
                f"COUNT(DISTINCT ?v) > {int(high)}" if high is not None else "",
            ]
            add(
                "QualifiedValueShapeConstraint",
                f"SELECT ?this WHERE {{ {f} OPTIONAL {{ ?this {path} ?v . "
                f"FILTER({self._conforms_test('v', qualified)}) }} }} GROUP BY ?this "
                f"HAVING ({' || '.join(h for h in having if h)})",
            )
        nested = g.value(prop, SH.node)
        if nested is not None:
            # The values become focus nodes of the nested shape; a finding there is reported at the value
            # (a period, a grant), which names the exact property at fault.
            def nested_focus(var: str, f=focus, path=path) -> str:
                owner = self._fresh("owner")
                return f"{{ SELECT DISTINCT ?{var} WHERE {{ {f(owner)} ?{owner} {path} ?{var} }} }}"

            out += self._node_shape(nested, nested_focus, messages)
        return out

    def _sparql(self, shape, constraint, focus: Focus) -> CompiledConstraint:
        g = self.graph
        prefixes = "".join(
            f"PREFIX {g.value(d, SH.prefix)}: <{g.value(d, SH.namespace)}>\n"
            for decl in g.objects(constraint, SH.prefixes)
            for d in g.objects(decl, SH.declare)
        )
        select = str(g.value(constraint, SH.select))
        # SHACL pre-binds $this (the same variable as ?this) to each focus node: opening the WHERE group
        # with the focus nodes binds it for all of them before any BIND or FILTER uses it.
        where = re.search(r"\bWHERE\s*\{", select, re.IGNORECASE)
        if where is None:
            raise UnsupportedShapeError(f"the SPARQL constraint of {shape} has no WHERE clause")
        query = f"{prefixes}{select[: where.end()]} {focus('this')}\n{select[where.end() :]}"
        return self._constraint(shape, "SPARQLConstraint", None, self._messages(constraint), query)

    # --- building blocks ---------------------------------------------------------------------------

    def _has_class(self, var: str, cls: str) -> str:
        t = self._fresh("type")
        classes = " ".join(f"<{c}>" for c in self.closure(cls))
        return f"?{var} a ?{t} . VALUES ?{t} {{ {classes} }}"

    def _datatype_test(self, var: str, datatype: str) -> str:
        return f"isLiteral(?{var}) && DATATYPE(?{var}) = <{datatype}>"

    def _conforms_test(self, var: str, shape) -> str:
        """A SPARQL expression: does ?var conform to a shape made of sh:class or sh:datatype alone?"""
        g = self.graph
        params = {p for p in g.predicates(shape, None)} - {RDF.type}
        if params == {SH["class"]}:
            return f"EXISTS {{ {self._has_class(var, str(g.value(shape, SH['class'])))} }}"
        if params == {SH.datatype}:
            return f"({self._datatype_test(var, str(g.value(shape, SH.datatype)))})"
        raise UnsupportedShapeError(
            f"in sh:or and sh:qualifiedValueShape only sh:class or sh:datatype are supported, "
            f"not {sorted(compact(str(p)) for p in params)}"
        )

    def _path(self, path) -> str:
        g = self.graph
        if isinstance(path, rdflib.URIRef):
            return f"<{path}>"
        alternatives = g.value(path, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self._path(p) for p in Collection(g, alternatives)) + ")"
        inverse = g.value(path, SH.inversePath)
        if inverse is not None:
            return f"^{self._path(inverse)}"
        if (path, RDF.first, None) in g:
            return "(" + "/".join(self._path(p) for p in Collection(g, path)) + ")"
        raise UnsupportedShapeError(f"unsupported property path {path}")

    def _shown_path(self, path) -> str:
        if isinstance(path, rdflib.URIRef):
            return compact(str(path))
        alternatives = self.graph.value(path, SH.alternativePath)
        if alternatives is not None:
            return "|".join(self._shown_path(p) for p in Collection(self.graph, alternatives))
        return self._path(path)

    def _messages(self, node) -> dict[str, str]:
        return {str(language(m) or "en"): str(m) for m in self.graph.objects(node, SH.message)}

    def _check_supported(self, shape) -> None:
        unknown = {p for p in self.graph.predicates(shape, None)} - _STRUCTURAL - _SUPPORTED
        if unknown:
            names = ", ".join(sorted(compact(str(p)) for p in unknown))
            raise UnsupportedShapeError(
                f"shape {shape} uses {names}, which ikg's SPARQL engine does not support; "
                "use `ikg validate --engine pyshacl` or extend shacl_sparql.py"
            )

    def _constraint(
        self, shape, component: str, path: str | None, messages: dict[str, str], query: str
    ) -> CompiledConstraint:
        severity: Severity = "warning" if self.graph.value(shape, SH.severity) in (SH.Warning, SH.Info) else "violation"
        single = path is not None and path.startswith(("http://", "https://"))
        return CompiledConstraint(
            str(shape),
            component,
            query,
            path if single else None,
            None if single else path,
            messages,
            severity,
        )

    def _fresh(self, stem: str) -> str:
        self._counter += 1
        return f"{stem}{self._counter}"


def load_shapes(path: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(path, format="turtle")
