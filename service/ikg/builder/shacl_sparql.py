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
    SH.prefixes,
    SH.deactivated,
}
# Parameters read together with a component of the table `_COMPONENTS` (at the end of this module).
_PARAMETERS = {SH.flags, SH.qualifiedMinCount, SH.qualifiedMaxCount}


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
        out: list[CompiledConstraint] = []

        on = _Property(prop, path, f, f"{f} ?this {path} ?value .")
        for parameter, (component, query_of) in _COMPONENTS.items():
            given = g.value(prop, parameter)
            if given is not None:
                query = query_of(self, on, given)
                if query is not None:
                    out.append(self._constraint(prop, component, shown, messages, query))
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


# --- the components of a property shape, one function each ----------------------------------------------


@dataclass(frozen=True)
class _Property:
    """A property shape being compiled: its node, its path as SPARQL, the group binding its focus nodes to ?this,
    and that group joined with the path to bind each value to ?value."""

    node: rdflib.term.Node
    path: str
    focus: str
    values: str


def _min_count(_c: ShapesCompiler, p: _Property, count: rdflib.term.Node) -> str:
    return (
        f"SELECT ?this WHERE {{ {p.focus} OPTIONAL {{ ?this {p.path} ?v }} }} "
        f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {int(str(count))})"
    )


def _max_count(_c: ShapesCompiler, p: _Property, count: rdflib.term.Node) -> str:
    return (
        f"SELECT ?this WHERE {{ {p.focus} ?this {p.path} ?v }} "
        f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {int(str(count))})"
    )


def _class(c: ShapesCompiler, p: _Property, value_class: rdflib.term.Node) -> str:
    return (
        f"SELECT DISTINCT ?this ?value WHERE {{ {p.values} "
        f"FILTER NOT EXISTS {{ {c._has_class('value', str(value_class))} }} }}"
    )


def _datatype(c: ShapesCompiler, p: _Property, datatype: rdflib.term.Node) -> str:
    return f"SELECT DISTINCT ?this ?value WHERE {{ {p.values} FILTER(!({c._datatype_test('value', str(datatype))})) }}"


def _pattern(c: ShapesCompiler, p: _Property, pattern: rdflib.term.Node) -> str:
    flags = json.dumps(str(c.graph.value(p.node, SH.flags) or ""))
    return (
        f"SELECT DISTINCT ?this ?value WHERE {{ {p.values} "
        f"FILTER(isBlank(?value) || !REGEX(STR(?value), {json.dumps(str(pattern))}, {flags})) }}"
    )


def _unique_lang(_c: ShapesCompiler, p: _Property, unique: rdflib.term.Node) -> str | None:
    if unique != rdflib.Literal(True):
        return None  # sh:uniqueLang false constrains nothing
    return (
        f"SELECT DISTINCT ?this WHERE {{ {p.focus} ?this {p.path} ?a , ?b . "
        'FILTER(?a != ?b && LANG(?a) != "" && LANG(?a) = LANG(?b)) }'
    )


def _or(c: ShapesCompiler, p: _Property, alternatives: rdflib.term.Node) -> str:
    tests = [c._conforms_test("value", a) for a in Collection(c.graph, alternatives)]
    return f"SELECT DISTINCT ?this ?value WHERE {{ {p.values} FILTER(!({' || '.join(tests)})) }}"


def _qualified(c: ShapesCompiler, p: _Property, qualified: rdflib.term.Node) -> str:
    low, high = c.graph.value(p.node, SH.qualifiedMinCount), c.graph.value(p.node, SH.qualifiedMaxCount)
    having = [
        f"COUNT(DISTINCT ?v) < {int(str(low))}" if low is not None else "",
        f"COUNT(DISTINCT ?v) > {int(str(high))}" if high is not None else "",
    ]
    return (
        f"SELECT ?this WHERE {{ {p.focus} OPTIONAL {{ ?this {p.path} ?v . "
        f"FILTER({c._conforms_test('v', qualified)}) }} }} GROUP BY ?this "
        f"HAVING ({' || '.join(h for h in having if h)})"
    )


# Each constraint component of a property shape: the parameter that asks for it, the component's name in a
# finding, and the query finding what violates it. What a shapes file may use is this table, sh:node (a nested
# shape, compiled as a shape of its own), node shapes' sh:class and SPARQL constraints; anything else is refused.
_COMPONENTS: dict[rdflib.URIRef, tuple[str, Callable[[ShapesCompiler, _Property, rdflib.term.Node], str | None]]] = {
    SH.minCount: ("MinCountConstraint", _min_count),
    SH.maxCount: ("MaxCountConstraint", _max_count),
    SH["class"]: ("ClassConstraint", _class),
    SH.datatype: ("DatatypeConstraint", _datatype),
    SH.pattern: ("PatternConstraint", _pattern),
    SH.uniqueLang: ("UniqueLangConstraint", _unique_lang),
    SH["or"]: ("OrConstraint", _or),
    SH.qualifiedValueShape: ("QualifiedValueShapeConstraint", _qualified),
}
_SUPPORTED = {*_COMPONENTS, *_PARAMETERS, SH.node}
