"""How the template's cells name the graph's resources, shared by every sheet the export fills.

Organisations, programmes, goals and decisions appear by their German name, or by their identifier where two
share a name, so that the import finds each again; action fields by letter and name.
"""

from __future__ import annotations

import pyoxigraph as ox

from . import workbook
from .concept_terms import DECISION
from .graph_reader import FIELD, GOAL, NOTATION, ORGANIZATION, OVERALL_GOAL, PROGRAMME, SOURCE, GraphView, slug_of

SEP = f"{workbook.SEPARATOR} "


class Names:
    """How the spreadsheet names each resource: its label, unless another resource of its kind shares it."""

    def __init__(self, view: GraphView) -> None:
        self.view = view
        self._names: dict[str, str] = {}
        for kind in (ORGANIZATION, PROGRAMME, GOAL, OVERALL_GOAL, DECISION):
            self._register(view.of_type(kind))
        for field in view.of_type(FIELD):
            notation = view.objects(field, NOTATION)
            label = view.label(field)
            self._names[field.value] = f"{notation[0].value} – {label}" if notation else label

    def _register(self, resources: list[ox.NamedNode]) -> None:
        counts: dict[str, int] = {}
        for resource in resources:
            counts[self.view.label(resource)] = counts.get(self.view.label(resource), 0) + 1
        for resource in resources:
            label = self.view.label(resource)
            self._names[resource.value] = label if label and counts[label] == 1 else slug_of(resource.value)

    def of(self, resource: object) -> str:
        if isinstance(resource, ox.NamedNode):
            return self._names.get(resource.value, slug_of(resource.value))
        return str(resource)

    def all(self, cls: ox.NamedNode) -> list[str]:
        return sorted(self.of(r) for r in self.view.of_type(cls))


def sources(view: GraphView, resource: ox.NamedNode) -> str:
    return SEP.join(sorted(o.value for o in view.objects(resource, SOURCE) if isinstance(o, ox.NamedNode)))
