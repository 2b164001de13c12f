"""The terms the concept sheets and the status column speak, and the code lists they offer, read from the graph.

Export and import both ask here, so a value the export writes is one the import reads back; the allowed
values (the goal kinds, the statuses) are the code lists in vocab/, never a list in the code.
"""

from __future__ import annotations

import pyoxigraph as ox

from ..rdf.iris import CANONICAL_BASE
from .graph_reader import DCT, IKG, NOTATION, PREF_LABEL, RDF_TYPE, SKOS, GraphView, node, slug_of

PROV = "http://www.w3.org/ns/prov#"
DECISION = node(IKG + "Decision")
GENERATED = node(PROV + "generated")
PLAN = node(PROV + "Plan")
CONCEPT = node(SKOS + "Concept")
CONCEPT_SCHEME = node(SKOS + "ConceptScheme")
BROADER = node(SKOS + "broader")
IN_SCHEME = node(SKOS + "inScheme")
TOP_CONCEPT_OF = node(SKOS + "topConceptOf")
HAS_TOP_CONCEPT = node(SKOS + "hasTopConcept")
REPLACES = node(DCT + "replaces")
KIND = node(DCT + "type")
STATUS = node(IKG + "status")
STATUS_SCHEME = node(f"{CANONICAL_BASE}def/status")
GOAL_KIND_SCHEME = node(f"{CANONICAL_BASE}def/goal-kind")


def members(view: GraphView, scheme: ox.NamedNode) -> list[ox.NamedNode]:
    return sorted(
        (q.subject for q in view.quads(None, IN_SCHEME, scheme) if isinstance(q.subject, ox.NamedNode)),
        key=lambda member: shown(view, member),
    )


def shown(view: GraphView, member: ox.NamedNode) -> str:
    """How the sheet writes a code-list value: its German label (a status's label is its notation too)."""
    return view.label(member, "de") or slug_of(member.value)


def code_index(view: GraphView, scheme: ox.NamedNode) -> dict[str, ox.NamedNode]:
    """Every way the staff may write a value of the code list, case-folded: German and English label,
    notation and identifier."""
    index: dict[str, ox.NamedNode] = {}
    for member in members(view, scheme):
        names = {slug_of(member.value), *(o.value for o in view.objects(member, NOTATION))}
        names |= {o.value for o in view.objects(member, PREF_LABEL) if isinstance(o, ox.Literal)}
        index |= {name.casefold(): member for name in names}
    return index


def current_concepts(view: GraphView) -> list[ox.NamedNode]:
    """The integration concepts (a skos:ConceptScheme that is a prov:Plan) that no later concept replaces:
    where a goal or field added in the spreadsheet belongs."""
    plans = [s for s in view.of_type(CONCEPT_SCHEME) if view.has(s, RDF_TYPE, PLAN)]
    replaced = {o.value for s in plans for o in view.objects(s, REPLACES)}
    return [s for s in plans if s.value not in replaced]
