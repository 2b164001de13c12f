"""Goals over time, for the Controlling-Gruppe: per action field and goal, the measures serving it in each
report edition, and since which edition it has been open.

An edition contains the measures its named graph names; what they serve is what the edition's graph or a
timeless graph states (queries/edition-coverage.rq), so a link stated only by a later edition does not
reach back. "Open since" is the first edition from which on no edition gave the goal a measure
(queries/open-since.rq). An action field's letter is starred as on /concept when only a marked graph gives it
(notationLink of queries/measures-per-action-field.rq). The page, its JSON and its CSV tables are three
renderings of one model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from ..publication import Publication
from . import evidence_switch
from .charts import BarChart, bar_chart
from .concept_view import WORDS as CONCEPT_WORDS
from .concept_view import shown_letter
from .page_work import off_loop
from .query_rows import Row, query_rows

QUERIES = ("edition-coverage", "open-since", "report-editions", "measures-per-action-field")
WORDS = {
    "de": {
        "title": "Ziele im Zeitverlauf",
        "intro": "Je Handlungsfeld und Ziel die Maßnahmen jeder Ausgabe des Statusberichts, die ihm dienen, und "
        "seit welcher Ausgabe ein Ziel offen ist. Eine Ausgabe enthält die Maßnahmen, die ihr Graph nennt; was "
        "eine Maßnahme bedient, gilt für die Ausgabe, wenn deren eigener Graph oder ein zeitloser Graph es sagt.",
        "concept": "Zurück zum Integrationskonzept",
        "one_edition": "Bisher gibt es eine Ausgabe des Statusberichts ({year}); der Verlauf wird mit jeder "
        "weiteren Ausgabe länger.",
        "editions": "Ausgaben",
        "edition": "Ausgabe",
        "field": "Handlungsfeld",
        "goal": "Ziel",
        "measures": "Maßnahmen",
        "sourced": "belegt",
        "editorial": "redaktionell / unsicher / erschlossen",
        "goals_served": "Ziele mit Maßnahme",
        "goals_open": "offene Ziele",
        "open_since": "offen seit",
        "served_now": "–",
        "overall": "Übergreifende Ziele",
        "chart": "Maßnahmen je Ausgabe",
        "chart_desc": "Balkendiagramm: je Ausgabe des Statusberichts die Maßnahmen dieses Handlungsfelds, "
        "belegt (dunkel, voll) und nur redaktionell, unsicher oder erschlossen zugeordnet (hell, gestrichelt); "
        "dieselben Zahlen stehen in der Tabelle darunter.",
        "goals": "Ziele",
        "no_goals": "Für dieses Handlungsfeld ist kein Ziel öffentlich dokumentiert.",
        "data": "Daten und Abfragen",
        "data_text": "Jede Zahl dieser Seite als CSV oder JSON, und die benannten SPARQL-Abfragen, aus denen sie "
        "stammt:",
        "stand": "Stand der Daten",
        "version": "Graph-Version",
        "letter_inferred": CONCEPT_WORDS["de"]["letter_inferred"],
    },
    "en": {
        "title": "Goals over time",
        "intro": "Per action field and goal, the measures of each status report edition serving it, and since "
        "which edition a goal has been open. An edition contains the measures its graph names; what a measure "
        "serves holds for the edition when the edition's own graph or a timeless graph says it.",
        "concept": "Back to the integration concept",
        "one_edition": "So far there is one edition of the status report ({year}); the series grows with every "
        "further edition.",
        "editions": "Editions",
        "edition": "Edition",
        "field": "Action field",
        "goal": "Goal",
        "measures": "Measures",
        "sourced": "sourced",
        "editorial": "editorial / uncertain / inferred",
        "goals_served": "goals with a measure",
        "goals_open": "open goals",
        "open_since": "open since",
        "served_now": "–",
        "overall": "Overall goals",
        "chart": "Measures per edition",
        "chart_desc": "Bar chart: per status report edition the measures of this action field, sourced (dark, "
        "solid) and with an editorial, uncertain or inferred link only (light, dashed); the same numbers are in "
        "the table below.",
        "goals": "Goals",
        "no_goals": "No goal of this action field is publicly documented.",
        "data": "Data and queries",
        "data_text": "Every number of this page as CSV or JSON, and the named SPARQL queries it comes from:",
        "stand": "Data as of",
        "version": "graph version",
        "letter_inferred": CONCEPT_WORDS["en"]["letter_inferred"],
    },
}
TABLES = ("action-fields", "goals")


@dataclass(frozen=True)
class InEdition:
    """What one edition gives a goal or an action field: the measures serving it, and how many of their
    links a sourced graph states."""

    measures: tuple[str, ...] = ()
    sourced: int = 0

    @property
    def count(self) -> int:
        return len(self.measures)


@dataclass
class Tracked:
    """A goal or an action field, edition by edition."""

    iri: str
    label: str
    kind: str
    action_field: str
    notation: str
    editions: dict[str, InEdition] = field(default_factory=dict)
    open_since: str | None = None
    notation_link: str = "sourced"

    @property
    def letter(self) -> str:
        return shown_letter(self.notation, self.notation_link)

    def at(self, year: str) -> InEdition:
        return self.editions.get(year, InEdition())


@dataclass
class FieldOverTime:
    field: Tracked
    goals: list[Tracked]
    chart: BarChart | None = None

    def goals_served(self, year: str) -> int:
        return sum(g.at(year).count > 0 for g in self.goals)

    def goals_open(self, year: str) -> int:
        return len(self.goals) - self.goals_served(year)

    @property
    def anchor(self) -> str:
        return f"over-time-{self.field.notation or self.field.iri.rsplit('/', 1)[-1]}"


@dataclass
class OverTimeView:
    editions: list[Row]  # report, year, reportLabel, in the order of the years
    fields: list[FieldOverTime]
    overall_goals: list[Tracked]
    evidence: str

    @property
    def years(self) -> list[str]:
        return [e["year"] for e in self.editions]

    @property
    def goals(self) -> list[Tracked]:
        return [g for f in self.fields for g in f.goals] + self.overall_goals

    @property
    def inferred_letters(self) -> bool:
        return any(f.field.letter.endswith("*") for f in self.fields)


async def build(publication: Publication, lang: str, evidence: str = evidence_switch.ALL) -> OverTimeView:
    """Runs the view's named queries, over the sourced graphs alone if asked, and assembles one model."""
    within = await evidence_switch.dataset(publication, evidence)
    rows = {name: await query_rows(publication, name, within, lang=lang) for name in QUERIES}
    return await off_loop(partial(_assemble, rows, lang, evidence))


async def load(publication: Publication, _request, lang: str, evidence: str) -> tuple[OverTimeView, dict]:
    """The loader controlling_routes._add_view takes: the model, and nothing else the page needs."""
    return await build(publication, lang, evidence), {}


def _assemble(rows: dict[str, list[Row]], lang: str, evidence: str) -> OverTimeView:
    tracked: dict[str, Tracked] = {}
    for r in rows["edition-coverage"]:
        subject = tracked.setdefault(
            r["subject"],
            Tracked(r["subject"], r.get("subjectLabel", r["subject"]), r["kind"], r.get("actionField", ""), ""),
        )
        subject.notation = r.get("notation", "")
        measures = tuple(r.get("measureList", "").split())
        subject.editions[r["year"]] = InEdition(measures, int(r["sourcedMeasures"]))
    for r in rows["measures-per-action-field"]:
        if r["actionField"] in tracked:
            tracked[r["actionField"]].notation_link = r.get("notationLink", "sourced")
    for r in rows["open-since"]:
        if r["subject"] in tracked:
            tracked[r["subject"]].open_since = r["openSince"]
    fields = {
        t.iri: FieldOverTime(t, [])
        for t in sorted((t for t in tracked.values() if t.kind == "action field"), key=lambda t: t.notation or "~")
    }
    for t in tracked.values():
        if t.kind == "goal" and t.action_field in fields:
            fields[t.action_field].goals.append(t)
    view = OverTimeView(
        editions=rows["report-editions"],
        fields=list(fields.values()),
        overall_goals=[t for t in tracked.values() if t.kind == "overall goal"],
        evidence=evidence,
    )
    words = WORDS[lang]
    for f in view.fields:
        f.chart = bar_chart(
            f"chart-{f.anchor}",
            f"{words['chart']}: {field_name(f.field)}",
            words["chart_desc"],
            [
                (
                    year,
                    [
                        (f.field.at(year).sourced, "bar-sourced"),
                        (f.field.at(year).count - f.field.at(year).sourced, "bar-editorial"),
                    ],
                )
                for year in view.years
            ],
            legend=(("bar-sourced", words["sourced"]), ("bar-editorial", words["editorial"])),
        )
    return view


def field_name(t: Tracked) -> str:
    return f"{t.letter} – {t.label}" if t.notation else t.label


def _editions(t: Tracked, years: list[str]) -> list[dict]:
    return [
        {
            "year": y,
            "measures": t.at(y).count,
            "measures_sourced": t.at(y).sourced,
            "measure_list": list(t.at(y).measures),
        }
        for y in years
    ]


def _goal(t: Tracked, years: list[str]) -> dict:
    return {"iri": t.iri, "label": t.label, "kind": t.kind, "open_since": t.open_since, "editions": _editions(t, years)}


def as_json(view: OverTimeView) -> dict:
    years = view.years
    return {
        "evidence": view.evidence,
        "editions": [{"report": e["report"], "year": e["year"]} for e in view.editions],
        "action_fields": [
            {
                "iri": f.field.iri,
                "notation": f.field.notation,
                "notation_link": f.field.notation_link if f.field.notation else None,
                "label": f.field.label,
                "open_since": f.field.open_since,
                "editions": [
                    {
                        **row,
                        "goals": len(f.goals),
                        "goals_served": f.goals_served(row["year"]),
                        "goals_open": f.goals_open(row["year"]),
                    }
                    for row in _editions(f.field, years)
                ],
                "goals": [_goal(g, years) for g in f.goals],
            }
            for f in view.fields
        ],
        "overall_goals": [_goal(g, years) for g in view.overall_goals],
    }


def table(view: OverTimeView, name: str) -> tuple[list[str], list[list[object]]]:
    """One of the page's tables as header and rows, for CSV: one row per edition."""
    years = view.years
    if name == "action-fields":
        header = [
            "action_field",
            "notation",
            "notation_link",
            "label",
            "year",
            "measures",
            "measures_sourced",
            "goals",
            "goals_served",
            "goals_open",
            "open_since",
        ]
        return header, [
            [
                f.field.iri,
                f.field.notation,
                f.field.notation_link if f.field.notation else "",
                f.field.label,
                y,
                f.field.at(y).count,
                f.field.at(y).sourced,
                len(f.goals),
                f.goals_served(y),
                f.goals_open(y),
                f.field.open_since or "",
            ]
            for f in view.fields
            for y in years
        ]
    header = [
        "goal",
        "label",
        "kind",
        "action_field",
        "year",
        "measures",
        "measures_sourced",
        "measure_list",
        "open_since",
    ]
    return header, [
        [
            g.iri,
            g.label,
            g.kind,
            g.action_field,
            y,
            g.at(y).count,
            g.at(y).sourced,
            " ".join(g.at(y).measures),
            g.open_since or "",
        ]
        for g in view.goals
        for y in years
    ]
