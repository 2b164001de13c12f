"""How each statement is known, carried into every output.

The named graphs say it for quad-aware clients: g:about gives each graph its `ikg:evidence` (sourced,
editorial, uncertain, inferred). Triple-only clients lose the graphs, so the build also states it per
statement: every statement of a marked graph that no sourced graph also makes becomes a reified
`rdf:Statement` in the evidence graph, with its level, its reason, who it is attributed to and what it
is derived from. The editors write the reasons next to the statement, as a reification node in the same
graph (see graph/README in the project's README); the build completes these nodes and moves them to the
evidence graph. Triple outputs then assert only what is sourced and give the rest in reified form
(`dumps.honest_triples`, `MarkedIndex.honest`).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..problems import Problem
from ..rdf.iris import CANONICAL_BASE, graph_iri
from ..rdf.namespaces import compact
from .locations import LocationIndex

EVIDENCE_GRAPH = graph_iri("evidence")
ABOUT_GRAPH = graph_iri("about")
LEVELS = f"{CANONICAL_BASE}def/evidence/"
SOURCED = f"{LEVELS}belegt"
# Levels whose every statement needs a reason of its own; editorial statements share their graph's.
NEEDS_OWN_REASON = (f"{LEVELS}unsicher", f"{LEVELS}abgeleitet")
STATEMENT_PATH = "id/statement/"

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_IKG = f"{CANONICAL_BASE}def/ikg#"
TYPE = ox.NamedNode(f"{_RDF}type")
STATEMENT = ox.NamedNode(f"{_RDF}Statement")
SUBJECT = ox.NamedNode(f"{_RDF}subject")
PREDICATE = ox.NamedNode(f"{_RDF}predicate")
OBJECT = ox.NamedNode(f"{_RDF}object")
EVIDENCE = ox.NamedNode(f"{_IKG}evidence")
REASON = ox.NamedNode(f"{_IKG}reason")
PART_OF = ox.NamedNode("http://purl.org/dc/terms/isPartOf")
SOURCE = ox.NamedNode("http://purl.org/dc/terms/source")
ATTRIBUTED_TO = ox.NamedNode("http://www.w3.org/ns/prov#wasAttributedTo")
DERIVED_FROM = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
_SUB_PROPERTY_OF = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subPropertyOf")
_NOTE_KEYS = (TYPE, SUBJECT, PREDICATE, OBJECT)

Value = ox.NamedNode | ox.BlankNode | ox.Literal
Key = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]


@dataclass(frozen=True)
class GraphEvidence:
    """What g:about says of one named graph: its level and who and what its statements come from."""

    graph: ox.NamedNode
    level: ox.NamedNode
    attributed_to: tuple[ox.NamedNode, ...]
    derived_from: tuple[ox.NamedNode, ...]
    reasons: tuple[ox.Literal, ...]

    @property
    def sourced(self) -> bool:
        return self.level.value == SOURCED


@dataclass
class Note:
    """A reification node the editors wrote: it qualifies one statement, or every value of a property."""

    node: ox.NamedNode | ox.BlankNode
    graph: ox.NamedNode
    subject: ox.NamedNode
    predicate: ox.NamedNode
    object: ox.NamedNode | ox.BlankNode | ox.Literal | None
    extra: list[tuple[ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]] = field(default_factory=list)

    def covers(self, quad: ox.Quad, widened: set[ox.NamedNode]) -> bool:
        return (
            quad.graph_name == self.graph
            and quad.subject == self.subject
            and quad.predicate in widened
            and (self.object is None or quad.object == self.object)
        )

    @property
    def has_reason(self) -> bool:
        return any(p == REASON for p, _ in self.extra)


def marked_graphs(store: ox.Store) -> set[ox.NamedNode]:
    return {g.graph for g in graph_evidence(store).values() if not g.sourced}


def graph_evidence(store: ox.Store) -> dict[ox.NamedNode, GraphEvidence]:
    """Every named graph that g:about gives an evidence level, by its name."""
    about = ox.NamedNode(ABOUT_GRAPH)
    found = {}
    for quad in store.quads_for_pattern(None, EVIDENCE, None, about):
        graph = quad.subject
        if not isinstance(graph, ox.NamedNode) or not isinstance(quad.object, ox.NamedNode):
            continue
        found[graph] = GraphEvidence(
            graph,
            quad.object,
            _objects(store, graph, ATTRIBUTED_TO, about),
            _objects(store, graph, DERIVED_FROM, about),
            tuple(
                q.object
                for q in store.quads_for_pattern(graph, REASON, None, about)
                if isinstance(q.object, ox.Literal)
            ),
        )
    return found


def _objects(
    store: ox.Store, subject: ox.NamedNode, predicate: ox.NamedNode, graph: ox.NamedNode
) -> tuple[ox.NamedNode, ...]:
    return tuple(
        sorted(
            (
                q.object
                for q in store.quads_for_pattern(subject, predicate, None, graph)
                if isinstance(q.object, ox.NamedNode)
            ),
            key=str,
        )
    )


def notes(store: ox.Store) -> list[Note]:
    """The reification nodes written in the sources, in any graph."""
    found = []
    for typed in store.quads_for_pattern(None, TYPE, STATEMENT, None):
        node, graph = typed.subject, typed.graph_name
        if not isinstance(graph, ox.NamedNode) or not isinstance(node, ox.NamedNode | ox.BlankNode):
            continue
        values = defaultdict(list)
        for quad in store.quads_for_pattern(node, None, None, graph):
            values[quad.predicate].append(quad.object)
        subject, predicate, obj = values[SUBJECT], values[PREDICATE], values[OBJECT]
        if len(subject) != 1 or len(predicate) != 1 or len(obj) > 1:
            continue  # malformed: reported by the shapes, not silently guessed at here
        if not isinstance(subject[0], ox.NamedNode) or not isinstance(predicate[0], ox.NamedNode):
            continue
        extra = [(p, o) for p, os in values.items() if p not in _NOTE_KEYS for o in os]
        found.append(Note(node, graph, subject[0], predicate[0], obj[0] if obj else None, extra))  # type: ignore[arg-type]
    return found


def _super_properties(store: ox.Store) -> dict[ox.NamedNode, set[ox.NamedNode]]:
    """Each property with itself and all its super-properties: a note on ikg:operator also covers the
    prov:wasAssociatedWith that materialisation derives from it."""
    direct: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
    for quad in store.quads_for_pattern(None, _SUB_PROPERTY_OF, None, None):
        if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
            direct[quad.subject].add(quad.object)
    closed: dict[ox.NamedNode, set[ox.NamedNode]] = {}
    for start in direct:
        seen, todo = {start}, [start]
        while todo:
            for parent in direct.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        closed[start] = seen
    return closed


def marked_quads(store: ox.Store, graphs: dict[ox.NamedNode, GraphEvidence], found: list[Note]) -> Iterator[ox.Quad]:
    """Statements of marked graphs about named resources that no sourced graph also makes.

    Statements about blank nodes (a period, a grant) hang off a marked statement's object and are
    qualified with it; the reification nodes themselves are not statements of the data."""
    sourced = [g.graph for g in graphs.values() if g.sourced]
    note_nodes = {n.node for n in found}
    for evidence in graphs.values():
        if evidence.sourced:
            continue
        for quad in store.quads_for_pattern(None, None, None, evidence.graph):
            if not isinstance(quad.subject, ox.NamedNode) or quad.subject in note_nodes:
                continue
            if any(True for _ in _in_graphs(store, quad, sourced)):
                continue
            yield quad


def _in_graphs(store: ox.Store, quad: ox.Quad, graphs: list[ox.NamedNode]) -> Iterator[ox.Quad]:
    for graph in graphs:
        yield from store.quads_for_pattern(quad.subject, quad.predicate, quad.object, graph)


def missing_reasons(store: ox.Store, locations: LocationIndex) -> list[Problem]:
    """Uncertain and inferred statements without a reason of their own, as violations at their resource."""
    graphs = graph_evidence(store)
    found = notes(store)
    widen = _super_properties(store)
    problems: dict[tuple[str, str], Problem] = {}
    for quad in marked_quads(store, graphs, found):
        if graphs[quad.graph_name].level.value not in NEEDS_OWN_REASON:  # type: ignore[index]
            continue
        if any(n.has_reason and n.covers(quad, _widened(n.predicate, widen)) for n in found):
            continue
        subject, predicate = quad.subject.value, quad.predicate.value  # type: ignore[union-attr]
        if (subject, predicate) in problems:
            continue
        location = locations.find(subject)
        graph_name = quad.graph_name.value.rsplit("/", 1)[-1]  # type: ignore[union-attr]
        problems[(subject, predicate)] = Problem(
            message={
                "de": f"Die Aussage {compact(predicate)} im Graphen {graph_name} hat keine Begründung "
                "(ikg:reason an einem rdf:Statement)",
                "en": f"the statement {compact(predicate)} in the graph {graph_name} has no reason "
                "(ikg:reason on an rdf:Statement)",
            },
            file=location.file if location else None,
            line=location.line if location else None,
            resource=subject,
            property=predicate,
            severity="violation",
        )
    return list(problems.values())


def _widened(predicate: ox.NamedNode, widen: dict[ox.NamedNode, set[ox.NamedNode]]) -> set[ox.NamedNode]:
    return widen.get(predicate, {predicate})


def annotate(store: ox.Store) -> int:
    """Writes the evidence graph: one reified statement per marked statement, and per statement that a
    source note in a sourced graph qualifies. Removes the notes from where they were written.
    Returns the number of statements reified."""
    graphs = graph_evidence(store)
    found = notes(store)
    widen = _super_properties(store)
    by_subject: dict[ox.NamedNode, list[Note]] = defaultdict(list)
    for note in found:
        by_subject[note.subject].append(note)
    target = ox.NamedNode(EVIDENCE_GRAPH)
    added: list[ox.Quad] = []
    qualified = list(marked_quads(store, graphs, found))
    qualified += [q for n in found if graphs.get(n.graph) and graphs[n.graph].sourced for q in _noted(store, n, widen)]
    used: set[str] = set()
    for quad in qualified:
        evidence = graphs[quad.graph_name]  # type: ignore[index]
        applying = [n for n in by_subject[quad.subject] if n.covers(quad, _widened(n.predicate, widen))]  # type: ignore[index]
        node = ox.NamedNode(_statement_iri(store, quad, used))
        obj = quad.object
        if isinstance(obj, ox.BlankNode):
            # A blank node cannot be shared between graphs (SPARQL Update refuses it): the statement's object
            # is a copy of the period or grant, in the evidence graph.
            obj, copied = _copied(store, obj, quad.graph_name, target)  # type: ignore[arg-type]
            added += copied
        added += [ox.Quad(node, p, o, target) for p, o in _statement(quad, obj, evidence, applying)]  # type: ignore[arg-type]
    for note in found:
        for quad in list(store.quads_for_pattern(note.node, None, None, note.graph)):
            store.remove(quad)
    store.extend(added)
    return len(qualified)


def _noted(store: ox.Store, note: Note, widen: dict[ox.NamedNode, set[ox.NamedNode]]) -> Iterator[ox.Quad]:
    for predicate in _widened(note.predicate, widen):
        yield from store.quads_for_pattern(note.subject, predicate, note.object, note.graph)


def _copied(
    store: ox.Store, node: ox.BlankNode, graph: ox.NamedNode, target: ox.NamedNode
) -> tuple[ox.BlankNode, list[ox.Quad]]:
    copy, quads = ox.BlankNode(), []
    for quad in store.quads_for_pattern(node, None, None, graph):
        obj = quad.object
        if isinstance(obj, ox.BlankNode):
            obj, nested = _copied(store, obj, graph, target)
            quads += nested
        quads.append(ox.Quad(copy, quad.predicate, obj, target))
    return copy, quads


def _statement(
    quad: ox.Quad, obj: Value, evidence: GraphEvidence, notes_: list[Note]
) -> Iterator[tuple[ox.NamedNode, Value]]:
    yield TYPE, STATEMENT
    yield SUBJECT, quad.subject  # type: ignore[misc]
    yield PREDICATE, quad.predicate
    yield OBJECT, obj
    yield EVIDENCE, evidence.level
    yield PART_OF, evidence.graph
    for agent in evidence.attributed_to:
        yield ATTRIBUTED_TO, agent
    for origin in evidence.derived_from:
        yield DERIVED_FROM, origin
    own = [(p, o) for n in notes_ for p, o in n.extra]
    yield from own
    if not any(p == REASON for p, _ in own):
        for reason in evidence.reasons:
            yield REASON, reason


def _statement_iri(store: ox.Store, quad: ox.Quad, used: set[str]) -> str:
    """A stable IRI for a statement: a digest of graph, subject, predicate and object, where a blank node
    object is taken by its content, because its label changes with every parse."""
    obj = quad.object
    shown = _blank_content(store, obj, quad.graph_name) if isinstance(obj, ox.BlankNode) else str(obj)  # type: ignore[arg-type]
    text = f"{quad.graph_name} {quad.subject} {quad.predicate} {shown}"
    digest = hashlib.sha256(text.encode()).hexdigest()[:20]
    candidate, n = digest, 1
    while candidate in used:  # two blank nodes of equal content on the same statement
        n += 1
        candidate = f"{digest}-{n}"
    used.add(candidate)
    return f"{CANONICAL_BASE}{STATEMENT_PATH}{candidate}"


def _blank_content(store: ox.Store, node: ox.BlankNode, graph: ox.NamedNode) -> str:
    pairs = sorted(
        f"{q.predicate} {'[]' if isinstance(q.object, ox.BlankNode) else q.object}"
        for q in store.quads_for_pattern(node, None, None, graph)
    )
    return "[" + " ; ".join(pairs) + "]"


# --- the honest triple view -------------------------------------------------------------------------

# Every reified statement of a dataset, for a store whose index of them must be read over the protocol.
REIFIED_STATEMENTS = f"""CONSTRUCT {{ ?statement ?p ?o }} WHERE {{ GRAPH ?g {{
    ?statement <{_RDF}type> <{_RDF}Statement> ; <{_RDF}subject> [] ; ?p ?o }} }}"""


_BLANK = ox.BlankNode("any-blank-object")


def _key(subject: object, predicate: object, obj: object) -> Key:
    """Blank nodes differ between the store and the evidence graph's copy: any blank object matches."""
    return (subject, predicate, _BLANK if isinstance(obj, ox.BlankNode) else obj)  # type: ignore[return-value]


def _with_blank_objects(
    store: ox.Store, triples: list[ox.Triple], graph: ox.NamedNode | ox.DefaultGraph
) -> list[ox.Triple]:
    found, todo = list(triples), [t.object for t in triples if isinstance(t.object, ox.BlankNode)]
    while todo:
        for quad in store.quads_for_pattern(todo.pop(), None, None, graph):
            found.append(quad.triple)
            if isinstance(quad.object, ox.BlankNode):
                todo.append(quad.object)
    return found


class MarkedIndex:
    """The reified statements of a store, by the triple they reify: what a CONSTRUCT answer must give in
    reified form instead of stating it plainly."""

    def __init__(self, nodes: dict[Key, list[ox.Triple]], asserted: set[Key]) -> None:
        self._nodes = nodes
        self._asserted = asserted

    @classmethod
    def from_store(cls, store: ox.Store) -> MarkedIndex:
        nodes: dict[Key, list[ox.Triple]] = {}
        asserted: set[Key] = set()
        for typed in store.quads_for_pattern(None, TYPE, STATEMENT, None):
            node = typed.subject
            triples = [q.triple for q in store.quads_for_pattern(node, None, None, typed.graph_name)]
            parts = {t.predicate: t.object for t in triples}
            if SUBJECT not in parts or PREDICATE not in parts or OBJECT not in parts:
                continue
            key = _key(parts[SUBJECT], parts[PREDICATE], parts[OBJECT])
            nodes.setdefault(key, []).extend(_with_blank_objects(store, triples, typed.graph_name))  # type: ignore[arg-type]
            level = parts.get(EVIDENCE)
            if isinstance(level, ox.NamedNode) and level.value.endswith("/def/evidence/belegt"):
                asserted.add(key)
        return cls(nodes, asserted)

    def __len__(self) -> int:
        return len(self._nodes)

    def honest(self, triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
        """The triples as they are, except that a marked statement comes as its reified statement."""
        given: set[Key] = set()
        for triple in triples:
            key = _key(triple.subject, triple.predicate, triple.object)
            reified = self._nodes.get(key)
            if reified is None or key in self._asserted:
                yield triple
            if reified is not None and key not in given:
                given.add(key)
                yield from reified
