"""The concept's sheets of the template (Handlungsfelder, Ziele) and each measure's status, from the graph.

The rows say what the graph says, so that importing an unchanged export writes nothing: every action field
and every goal (overall goals and those of a body or programme included, so the Ziele drop-down of the
measures offers every goal a measure may serve), with sources and the decisions that adopted them.
"""

from __future__ import annotations

import pyoxigraph as ox

from .concept_terms import BROADER, DECISION, GENERATED, KIND, STATUS, shown
from .graph_reader import FIELD, GOAL, NOTATION, OVERALL_GOAL, GraphView, slug_of
from .sheet_cells import SEP, Names, sources


def field_rows(view: GraphView, names: Names) -> list[dict[str, str]]:
    rows = [
        {
            "id": slug_of(field.value),
            "notation": ", ".join(sorted(o.value for o in view.objects(field, NOTATION))),
            **_labels(view, field),
            "sources": sources(view, field),
            "decisions": _decisions(view, names, field),
        }
        for field in view.of_type(FIELD)
    ]
    return sorted(rows, key=lambda row: (not row["notation"], row["notation"], row["title_de"]))


def goal_rows(view: GraphView, names: Names) -> list[dict[str, str]]:
    rows = [
        {
            "id": slug_of(goal.value),
            **_labels(view, goal),
            "kind": SEP.join(sorted(shown(view, k) for k in view.objects(goal, KIND) if isinstance(k, ox.NamedNode))),
            "action_fields": SEP.join(sorted(names.of(f) for f in view.objects(goal, BROADER) if view.is_a(f, FIELD))),
            "sources": sources(view, goal),
            "decisions": _decisions(view, names, goal),
        }
        for goal in view.of_type(GOAL) + view.of_type(OVERALL_GOAL)
    ]
    # The field's goals first, field by field; the overall goals after them.
    return sorted(rows, key=lambda row: (not row["action_fields"], row["action_fields"], row["title_de"]))


def status_of(view: GraphView, measure: ox.NamedNode, edition_graph: str | None) -> str:
    """The status the edition's own graph gives the measure; none without an edition."""
    if edition_graph is None:
        return ""
    stated = view.store.quads_for_pattern(measure, STATUS, None, ox.NamedNode(edition_graph))
    return SEP.join(sorted(shown(view, q.object) for q in stated if isinstance(q.object, ox.NamedNode)))


def _labels(view: GraphView, resource: ox.NamedNode) -> dict[str, str]:
    return {
        "title_de": view.label(resource, "de", fallback=False),
        "title_en": view.label(resource, "en", fallback=False),
    }


def _decisions(view: GraphView, names: Names, resource: ox.NamedNode) -> str:
    adopted = [q.subject for q in view.quads(None, GENERATED, resource) if isinstance(q.subject, ox.NamedNode)]
    return SEP.join(sorted(names.of(d) for d in adopted if view.is_a(d, DECISION)))
