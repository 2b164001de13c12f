"""Two status report editions compared: measures added, ended and changed, and goals whose coverage changed.

Computed by the named queries compare-editions and compare-goal-coverage over the editions' named graphs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from ...rdf.iris import CANONICAL_BASE, vocabulary_namespace
from ...request_errors import InvalidRequestError
from . import evidence_switch
from .concept_view import link_names
from .page_work import off_loop
from .query_rows import Row, query_rows

QUERIES = ("report-editions", "compare-editions", "compare-goal-coverage")
_IKG = vocabulary_namespace(CANONICAL_BASE)
PROPERTIES = {
    f"{_IKG}operator": "operator",
    f"{_IKG}partner": "partner",
    "http://schema.org/funder": "funding",
    f"{_IKG}servesGoal": "goal",
    f"{_IKG}actionField": "action_field",
    f"{_IKG}status": "status",
}
WORDS = {
    "de": {
        "title": "Berichtsausgaben verglichen",
        "intro": "Was sich zwischen zwei Ausgaben des Statusberichts geändert hat, berechnet aus den benannten "
        "Graphen der Ausgaben.",
        "one": "Bisher gibt es {count} des Statusberichts im Graphen ({years}). Der Vergleich steht "
        "hier, sobald eine zweite Ausgabe (etwa mit „ikg import“) hinzukommt.",
        "choose": "Ausgaben wählen",
        "from": "von",
        "to": "bis",
        "show": "Vergleichen",
        "n_editions": "Ausgabe|Ausgaben",
        "added": "neu aufgenommene Maßnahme|neu aufgenommene Maßnahmen",
        "ended": "nicht mehr enthaltene Maßnahme|nicht mehr enthaltene Maßnahmen",
        "changed": "geänderte Maßnahme|geänderte Maßnahmen",
        "coverage": "Ziel mit geänderter Abdeckung|Ziele mit geänderter Abdeckung",
        "measure": "Maßnahme",
        "property": "Angabe",
        "lost": "vorher",
        "gained": "nachher",
        "goal": "Ziel",
        "none": "keine",
        "all": "alle",
        "operator": "Träger",
        "partner": "Partner",
        "funding": "Förderung",
        "action_field": "Handlungsfeld",
        "status": "Status",
        "data": "Daten und Abfragen",
        "stand": "Stand der Daten",
        "version": "Graph-Version",
        "sourced": "belegt",
        "editorial": "redaktionell u. a.",
        "link_names": link_names("de"),
        "coverage_note": "Je Ausgabe: alle Maßnahmen, die dem Ziel dienen (davon belegt verknüpft / nur "
        "redaktionell, unsicher oder erschlossen).",
    },
    "en": {
        "title": "Report editions compared",
        "intro": "What changed between two editions of the status report, computed from the editions' named graphs.",
        "one": "So far the graph holds {count} of the status report ({years}). The comparison appears "
        'here as soon as a second edition is added (with "ikg import", say).',
        "choose": "Choose editions",
        "from": "from",
        "to": "to",
        "show": "Compare",
        "n_editions": "edition|editions",
        "added": "measure added|measures added",
        "ended": "measure no longer included|measures no longer included",
        "changed": "measure changed|measures changed",
        "coverage": "goal whose coverage changed|goals whose coverage changed",
        "measure": "Measure",
        "property": "Statement",
        "lost": "before",
        "gained": "after",
        "goal": "Goal",
        "none": "none",
        "all": "all",
        "operator": "operator",
        "partner": "partner",
        "funding": "funding",
        "action_field": "action field",
        "status": "status",
        "data": "Data and queries",
        "stand": "Data as of",
        "version": "graph version",
        "sourced": "sourced",
        "editorial": "editorial etc.",
        "link_names": link_names("en"),
        "coverage_note": "Per edition: all measures serving the goal (of them with a sourced link / with an "
        "editorial, uncertain or inferred link only).",
    },
}


class UnknownEditionError(InvalidRequestError):
    """A report year the graph has no edition of."""


@dataclass(frozen=True)
class Value:
    """A value gained or lost, with how it is known: its edition graph's level in g:about (valueLink)."""

    iri: str
    label: str
    link: str


@dataclass
class Change:
    measure: str
    label: str
    property: str
    lost: list[Value] = field(default_factory=list)
    gained: list[Value] = field(default_factory=list)


@dataclass
class CompareView:
    editions: list[Row]
    start: Row | None = None
    end: Row | None = None
    added: list[tuple[str, str]] = field(default_factory=list)
    ended: list[tuple[str, str]] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    coverage: list[Row] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    evidence: str = evidence_switch.ALL

    @property
    def comparable(self) -> bool:
        return len(self.editions) > 1


def _edition(editions: list[Row], year: str | None, default: Row) -> Row:
    if year is None:
        return default
    for edition in editions:
        if edition["year"] == year:
            return edition
    known = ", ".join(e["year"] for e in editions) or "none"
    raise UnknownEditionError(f"no report edition {year!r} in the graph; editions: {known}")


async def build(
    publication, from_year: str | None, to_year: str | None, evidence: str = evidence_switch.ALL
) -> CompareView:
    """The comparison, over the sourced graphs alone if asked."""
    within = await evidence_switch.dataset(publication, evidence)
    editions = await query_rows(publication, "report-editions", within)
    view = CompareView(editions, evidence=evidence)
    if not view.comparable:
        return view
    view.start = _edition(editions, from_year, editions[-2])
    view.end = _edition(editions, to_year, editions[-1])
    bounds = {"from": view.start["report"], "to": view.end["report"]}
    view.rows = await query_rows(publication, "compare-editions", within, **bounds)
    view.coverage = await query_rows(publication, "compare-goal-coverage", within, **bounds)
    return await off_loop(partial(_sort_changes, view, publication.settings.public_base))


def _sort_changes(view: CompareView, base: str) -> CompareView:
    """The compared rows sorted into added, ended and changed measures."""
    changes: dict[tuple[str, str], Change] = {}
    for row in view.rows:
        named = (row["measure"], row.get("measureLabel", row["measure"]))
        if row["change"] == "added":
            view.added.append(named)
        elif row["change"] == "ended":
            view.ended.append(named)
        else:
            prop = _property_name(base, row["property"])
            change = changes.setdefault((row["measure"], prop), Change(*named, prop))
            value = Value(row["value"], row.get("valueLabel", row["value"]), row.get("valueLink", "sourced"))
            (change.gained if row["change"] == "gained" else change.lost).append(value)
    view.changed = list(changes.values())
    return view


def _property_name(base: str, iri: str) -> str:
    canonical = iri.replace(base, CANONICAL_BASE, 1)
    return PROPERTIES.get(canonical, iri)


def as_json(view: CompareView) -> dict:
    def named(items: list[tuple[str, str]]) -> list[dict[str, str]]:
        return [{"iri": iri, "label": label} for iri, label in items]

    def known(values: list[Value]) -> list[dict[str, str]]:
        return [{"iri": v.iri, "label": v.label, "link": v.link} for v in values]

    return {
        "evidence": view.evidence,
        "editions": [{"report": e["report"], "year": e["year"], "measures": int(e["measures"])} for e in view.editions],
        "comparable": view.comparable,
        "from": view.start["year"] if view.start else None,
        "to": view.end["year"] if view.end else None,
        "added": named(view.added),
        "ended": named(view.ended),
        "changed": [
            {
                "iri": c.measure,
                "label": c.label,
                "property": c.property,
                "before": known(c.lost),
                "after": known(c.gained),
            }
            for c in view.changed
        ],
        "goal_coverage": [
            {
                "iri": r["goal"],
                "label": r.get("goalLabel", r["goal"]),
                "before": int(r["measuresBefore"]),
                "after": int(r["measuresAfter"]),
                "before_by_link": _split(r, "Before"),
                "after_by_link": _split(r, "After"),
            }
            for r in view.coverage
        ],
    }


def _split(row: Row, when: str) -> dict[str, int]:
    """An edition's measures serving a goal, by whether a sourced graph states the link or only a marked one."""
    sourced = int(row[f"sourcedLinks{when}"])
    return {"sourced": sourced, "editorial_or_marked": int(row[f"measures{when}"]) - sourced}


TABLES = ("measures", "goals")


def table(view: CompareView, name: str) -> tuple[list[str], list[list[object]]]:
    if name == "goals":
        header = ["goal", "label", "measures_before", "measures_after"]
        header += ["sourced_before", "editorial_or_marked_before", "sourced_after", "editorial_or_marked_after"]
        return header, [
            [
                r["goal"],
                r.get("goalLabel", ""),
                int(r["measuresBefore"]),
                int(r["measuresAfter"]),
                *_split(r, "Before").values(),
                *_split(r, "After").values(),
            ]
            for r in view.coverage
        ]
    return ["change", "measure", "label", "property", "value", "value_label", "value_link"], [
        [
            r["change"],
            r["measure"],
            r.get("measureLabel", ""),
            r.get("property", ""),
            r.get("value", ""),
            r.get("valueLabel", ""),
            r.get("valueLink", ""),
        ]
        for r in view.rows
    ]
