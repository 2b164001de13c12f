"""`ikg export`: the graph's measures (of one report edition, or all) as the spreadsheet template.

Resources are named as sheet_cells.Names says, so that the import finds each again; the concept's sheets
(action fields, goals) come from concept_export; the drop-down lists offer every action field, goal,
organisation, programme and decision of the graph, and the code lists' goal kinds and statuses.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..builder import editions as editions_module
from ..builder import sources
from ..problems import DataError, RefusalError
from ..rdf.oxigraph_types import term_value
from . import workbook
from .concept_export import field_rows, goal_rows, status_of
from .concept_terms import DECISION, GOAL_KIND_SCHEME, STATUS_SCHEME, members, shown
from .graph_reader import (
    ACTION_FIELD,
    CREATOR,
    DESCRIPTION,
    FIELD,
    FORMAL_ORGANIZATION,
    FUNDER,
    HOMEPAGE,
    MEASURE,
    OPERATOR,
    ORGANIZATION,
    PARTNER,
    PROGRAMME,
    RDF_TYPE,
    REFERENCED_BY,
    SERVES_GOAL,
    GraphView,
    slug_of,
)
from .sheet_cells import SEP, Names
from .sheet_cells import sources as _sources


def export(root: Path, target: Path, edition: str | None = None) -> int:
    """Writes the template; returns the number of measures in it."""
    loaded = sources.load(sources.project_sources(root))
    if loaded.problems:
        raise DataError(loaded.problems)
    store = loaded.store
    found = {e.year: e for e in editions_module.find(store)}
    if edition is not None and edition not in found:
        known = ", ".join(sorted(found))
        raise RefusalError(
            {
                "de": f"die Ausgabe {edition} gibt es im Graphen nicht; Ausgaben: {known or 'keine'}",
                "en": f"there is no report edition {edition} in the graph; editions: {known or 'none'}",
            }
        )
    chosen = found.get(edition) if edition else None
    # An edition's state is its own graph and the timeless ones, not what other editions say.
    view = GraphView(store, frozenset(e.graph for y, e in found.items() if y != edition))
    names = Names(view)
    if chosen is not None:
        report = ox.NamedNode(chosen.report)
        measures = sorted({term_value(q.subject) for q in view.quads(None, REFERENCED_BY, report)})
    else:
        measures = [m.value for m in view.of_type(MEASURE)]
    edition_graph = chosen.graph if chosen is not None else None
    rows = [_measure_row(view, names, ox.NamedNode(m), edition_graph) for m in measures]
    used = {n.value for m in measures for p in (OPERATOR, PARTNER) for n in view.objects(ox.NamedNode(m), p)}
    programmes = sorted(
        {n.value for m in measures for n in view.objects(ox.NamedNode(m), FUNDER)} & _iris(view, PROGRAMME)
    )
    used |= {n.value for p in programmes for n in view.objects(ox.NamedNode(p), FUNDER)}
    if chosen is not None:
        used |= {n.value for n in view.objects(ox.NamedNode(chosen.report), CREATOR)}
    sheets = {
        "measures": rows,
        "organisations": [_organisation_row(view, ox.NamedNode(o)) for o in sorted(used & _iris(view, ORGANIZATION))],
        "programmes": [_programme_row(view, names, ox.NamedNode(p)) for p in programmes],
        "report": [_report_row(view, names, chosen)] if chosen is not None else [],
        "fields": field_rows(view, names),
        "goals": goal_rows(view, names),
    }
    lists = {
        "fields": names.all(FIELD),
        "organisations": names.all(ORGANIZATION),
        "programmes": names.all(PROGRAMME),
        "decisions": names.all(DECISION),
        "goal_kinds": [shown(view, k) for k in members(view, GOAL_KIND_SCHEME)],
        "status": [shown(view, s) for s in members(view, STATUS_SCHEME)],
    }
    title = (
        f"Vorlage für den Statusbericht, Ausgabe {edition}: ikg-Export aus dem Integrations-Wissensgraphen"
        if edition
        else "Vorlage: alle Maßnahmen des Integrations-Wissensgraphen (ikg-Export)"
    )
    workbook.write(target, sheets, lists, title)
    return len(rows)


def _iris(view: GraphView, cls: ox.NamedNode) -> set[str]:
    return {r.value for r in view.of_type(cls)}


def _joined(view: GraphView, names: Names, resource: ox.NamedNode, predicate: ox.NamedNode) -> str:
    return SEP.join(sorted(names.of(o) for o in view.objects(resource, predicate)))


def _measure_row(view: GraphView, names: Names, measure: ox.NamedNode, edition_graph: str | None) -> dict[str, str]:
    periods = view.periods(measure)
    start, end = periods[0] if len(periods) == 1 else ("", "")
    return {
        "id": slug_of(measure.value),
        "title_de": view.label(measure, "de", fallback=False),
        "title_en": view.label(measure, "en", fallback=False),
        "description_de": view.texts(measure, DESCRIPTION, "de"),
        "description_en": view.texts(measure, DESCRIPTION, "en"),
        "operators": _joined(view, names, measure, OPERATOR),
        "partners": _joined(view, names, measure, PARTNER),
        "action_fields": _joined(view, names, measure, ACTION_FIELD),
        "goals": _joined(view, names, measure, SERVES_GOAL),
        "programmes": _joined(view, names, measure, FUNDER),
        "start": start,
        "end": end,
        "sources": _sources(view, measure),
        "status": status_of(view, measure, edition_graph),
    }


def _organisation_row(view: GraphView, organisation: ox.NamedNode) -> dict[str, str]:
    homepages = view.objects(organisation, HOMEPAGE)
    return {
        "id": slug_of(organisation.value),
        "name_de": view.label(organisation, "de"),
        "name_en": view.label(organisation, "en", fallback=False),
        "formal": "ja" if view.has(organisation, RDF_TYPE, FORMAL_ORGANIZATION) else "",
        "website": homepages[0].value if homepages else "",
        "sources": _sources(view, organisation),
    }


def _programme_row(view: GraphView, names: Names, programme: ox.NamedNode) -> dict[str, str]:
    return {
        "id": slug_of(programme.value),
        "name_de": view.label(programme, "de"),
        "name_en": view.label(programme, "en", fallback=False),
        "funders": _joined(view, names, programme, FUNDER),
        "sources": _sources(view, programme),
    }


def _report_row(view: GraphView, names: Names, edition: editions_module.FoundEdition) -> dict[str, str]:
    report = ox.NamedNode(edition.report)
    return {
        "edition": edition.year,
        "title_de": view.label(report, "de"),
        "creator": _joined(view, names, report, CREATOR),
        "sources": _sources(view, report),
    }
