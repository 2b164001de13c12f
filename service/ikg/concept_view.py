"""The concept view for the Controlling-Gruppe: action fields → goals → the measures serving them.

Every number comes from a named query in queries/ (listed on the page), so a researcher can reproduce it
over SPARQL; the page, its JSON and its CSV tables are three renderings of one model.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import partial

from .charts import BarChart, bar_chart
from .page_work import off_loop
from .query_rows import Row, query_rows

QUERIES = (
    "concept-links",
    "goal-coverage",
    "measures-per-action-field",
    "measures-unfiled",
    "action-field-actors",
    "report-editions",
    "edition-measures-per-action-field",
)
LINK_KINDS = ("sourced", "editorial", "uncertain", "inferred")
WORDS = {
    "de": {
        "title": "Integrationskonzept: Ziele und Maßnahmen",
        "intro": "Die Handlungsfelder des Integrationskonzepts, ihre Ziele und die Maßnahmen, die ihnen dienen. "
        "Ziele, denen keine Maßnahme dient, sind als offene Stellen markiert. Ob eine Verknüpfung belegt ist "
        "oder von der Redaktion stammt, steht an jeder Maßnahme.",
        "gap": "Der vollständige Text des Konzepts (die Formulierung aller Ziele je Handlungsfeld) und die "
        "vollständige Maßnahmenliste des Statusberichts 2024 sind nicht öffentlich; hier steht, was öffentliche "
        "Quellen belegen.",
        "summary": "Überblick",
        "fields": "Handlungsfelder",
        "goals": "Ziele",
        "served": "mit Maßnahme",
        "unserved": "offen",
        "measures": "Maßnahmen",
        "open": "offen – keine Maßnahme dient diesem Ziel",
        "no_goals": "Für dieses Handlungsfeld ist kein Ziel öffentlich dokumentiert.",
        "overall": "Übergreifende Ziele",
        "operators": "Träger",
        "partners": "Partner",
        "programmes": "Förderprogramme",
        "unfiled": "Noch nicht eingeordnet",
        "without_goal": "Maßnahmen ohne Ziel",
        "without_field": "Maßnahmen ohne Handlungsfeld",
        "chart_measures": "Maßnahmen je Handlungsfeld",
        "chart_measures_desc": "Balkendiagramm: Zahl der Maßnahmen je Handlungsfeld; dieselben Zahlen stehen in "
        "der Tabelle darunter.",
        "chart_coverage": "Zielabdeckung je Handlungsfeld",
        "chart_coverage_desc": "Gestapeltes Balkendiagramm: je Handlungsfeld die Ziele mit mindestens einer "
        "Maßnahme und die offenen Ziele; dieselben Zahlen stehen in der Tabelle darunter.",
        "chart_editions": "Maßnahmen je Handlungsfeld und Berichtsausgabe",
        "one_edition": "Bisher gibt es eine Ausgabe des Statusberichts ({year}); der Vergleich der Ausgaben und "
        "das Diagramm je Ausgabe erscheinen, sobald eine zweite Ausgabe im Graphen ist.",
        "compare": "Berichtsausgaben vergleichen",
        "field": "Handlungsfeld",
        "goal": "Ziel",
        "measure": "Maßnahme",
        "link": "Verknüpfung",
        "sourced": "belegt",
        "editorial": "redaktionell",
        "uncertain": "unsicher",
        "inferred": "erschlossen",
        "data": "Daten und Abfragen",
        "data_text": "Jede Zahl dieser Seite als CSV oder JSON, und die benannten SPARQL-Abfragen, aus denen sie "
        "stammt:",
        "stand": "Stand der Daten",
        "version": "Graph-Version",
        "sources": "Jede Aussage trägt ihre öffentliche Quelle auf der Seite der Ressource.",
        "all": "alle",
        "none": "keine",
    },
    "en": {
        "title": "Integration concept: goals and measures",
        "intro": "The integration concept's action fields, their goals and the measures serving them. Goals no "
        "measure serves are marked as open spots. Each measure shows whether a source states its link or the "
        "editors drew it.",
        "gap": "The concept's full text (the wording of all goals per action field) and the full list of measures "
        "of the 2024 status report are not public; this shows what public sources document.",
        "summary": "Summary",
        "fields": "Action fields",
        "goals": "Goals",
        "served": "with a measure",
        "unserved": "open",
        "measures": "Measures",
        "open": "open – no measure serves this goal",
        "no_goals": "No goal of this action field is publicly documented.",
        "overall": "Overall goals",
        "operators": "Operators",
        "partners": "Partners",
        "programmes": "Funding programmes",
        "unfiled": "Not yet placed",
        "without_goal": "Measures without a goal",
        "without_field": "Measures without an action field",
        "chart_measures": "Measures per action field",
        "chart_measures_desc": "Bar chart: the number of measures per action field; the same numbers are in the "
        "table below.",
        "chart_coverage": "Goal coverage per action field",
        "chart_coverage_desc": "Stacked bar chart: per action field the goals with at least one measure and the "
        "open goals; the same numbers are in the table below.",
        "chart_editions": "Measures per action field and report edition",
        "one_edition": "So far there is one edition of the status report ({year}); the comparison of editions and "
        "the chart per edition appear as soon as a second edition is in the graph.",
        "compare": "Compare report editions",
        "field": "Action field",
        "goal": "Goal",
        "measure": "Measure",
        "link": "Link",
        "sourced": "sourced",
        "editorial": "editorial",
        "uncertain": "uncertain",
        "inferred": "inferred",
        "data": "Data and queries",
        "data_text": "Every number of this page as CSV or JSON, and the named SPARQL queries it comes from:",
        "stand": "Data as of",
        "version": "graph version",
        "sources": "Every statement carries its public source on the resource's page.",
        "all": "all",
        "none": "none",
    },
}


@dataclass(frozen=True)
class LinkedMeasure:
    iri: str
    label: str
    link: str


@dataclass
class GoalView:
    iri: str
    label: str
    kind: str
    measures: list[LinkedMeasure] = field(default_factory=list)

    @property
    def served(self) -> bool:
        return bool(self.measures)

    def count(self, link: str) -> int:
        return sum(m.link == link for m in self.measures)


@dataclass(frozen=True)
class Actor:
    iri: str
    label: str
    measures: int


@dataclass
class FieldView:
    iri: str
    notation: str
    label: str
    measures: int = 0
    goals: list[GoalView] = field(default_factory=list)
    actors: dict[str, list[Actor]] = field(default_factory=dict)

    @property
    def served_goals(self) -> int:
        return sum(g.served for g in self.goals)

    @property
    def unserved_goals(self) -> int:
        return len(self.goals) - self.served_goals


@dataclass
class ConceptView:
    fields: list[FieldView]
    overall_goals: list[GoalView]
    without_goal: list[tuple[str, str]]
    without_field: list[tuple[str, str]]
    editions: list[Row]
    edition_counts: list[Row]
    charts: list[BarChart]

    @property
    def goals(self) -> list[GoalView]:
        return [g for f in self.fields for g in f.goals] + self.overall_goals

    def totals(self) -> dict[str, int]:
        goals = self.goals
        return {
            "action_fields": len(self.fields),
            "goals": len(goals),
            "served_goals": sum(g.served for g in goals),
            "unserved_goals": sum(not g.served for g in goals),
            "measures_without_goal": len(self.without_goal),
            "measures_without_action_field": len(self.without_field),
        }


async def build(publication, lang: str) -> ConceptView:  # type: ignore[no-untyped-def]
    """Runs the view's named queries and assembles their answers into one model."""
    rows = {name: await query_rows(publication, name, lang=lang) for name in QUERIES}
    return await off_loop(partial(_assemble, rows, lang))


def _assemble(rows: dict[str, list[Row]], lang: str) -> ConceptView:
    # Counts from measures-per-action-field, names in the page's language from goal-coverage.
    names = {r["actionField"]: r.get("actionFieldLabel", "") for r in rows["goal-coverage"] if "actionField" in r}
    fields = {
        r["actionField"]: FieldView(
            r["actionField"],
            r.get("notation", ""),
            names.get(r["actionField"]) or r["actionFieldLabel"],
            int(r["measures"]),
        )
        for r in rows["measures-per-action-field"]
    }
    goals: dict[str, GoalView] = {}
    for r in rows["concept-links"]:
        goal = goals.get(r["goal"])
        if goal is None:
            goal = goals[r["goal"]] = GoalView(r["goal"], r.get("goalLabel", r["goal"]), r["goalKind"])
            if r.get("actionField") in fields:
                fields[r["actionField"]].goals.append(goal)
        if "measure" in r:
            goal.measures.append(LinkedMeasure(r["measure"], r.get("measureLabel", r["measure"]), r["link"]))
    for r in rows["action-field-actors"]:
        if r["actionField"] in fields:
            actors = fields[r["actionField"]].actors.setdefault(r["role"], [])
            actors.append(Actor(r["actor"], r.get("actorLabel", r["actor"]), int(r["measures"])))
    unfiled = rows["measures-unfiled"]
    view = ConceptView(
        fields=list(fields.values()),
        overall_goals=[g for g in goals.values() if g.kind == "overall"],
        without_goal=[(r["measure"], r.get("measureLabel", r["measure"])) for r in unfiled if r["missing"] == "goal"],
        without_field=[
            (r["measure"], r.get("measureLabel", r["measure"])) for r in unfiled if r["missing"] == "action field"
        ],
        editions=rows["report-editions"],
        edition_counts=rows["edition-measures-per-action-field"],
        charts=[],
    )
    view.charts = _charts(view, lang)
    return view


def _field_name(f: FieldView) -> str:
    return f"{f.notation} – {f.label}" if f.notation else f.label


def _charts(view: ConceptView, lang: str) -> list[BarChart]:
    words = WORDS[lang]
    charts = [
        bar_chart(
            "chart-measures",
            words["chart_measures"],
            words["chart_measures_desc"],
            [(_field_name(f), [(f.measures, "bar-measures")]) for f in view.fields],
        ),
        bar_chart(
            "chart-coverage",
            words["chart_coverage"],
            words["chart_coverage_desc"],
            [(_field_name(f), [(f.served_goals, "bar-served"), (f.unserved_goals, "bar-open")]) for f in view.fields]
            + [
                (
                    words["overall"],
                    [
                        (sum(g.served for g in view.overall_goals), "bar-served"),
                        (sum(not g.served for g in view.overall_goals), "bar-open"),
                    ],
                )
            ],
            legend=(("bar-served", words["served"]), ("bar-open", words["unserved"])),
        ),
    ]
    if len(view.editions) > 1:
        charts.append(_editions_chart(view, words))
    return charts


def _editions_chart(view: ConceptView, words: dict[str, str]) -> BarChart:
    counts = Counter({(r["actionField"], r["year"]): int(r["measures"]) for r in view.edition_counts})
    years = [e["year"] for e in view.editions]
    kinds = [f"bar-edition-{n % 4}" for n in range(len(years))]
    rows = [
        (f"{_field_name(f)} ({year})", [(counts[(f.iri, year)], kind)])
        for f in view.fields
        for year, kind in zip(years, kinds, strict=True)
    ]
    return bar_chart(
        "chart-editions",
        words["chart_editions"],
        words["chart_editions"],
        rows,
        legend=tuple(zip(kinds, years, strict=True)),
    )


def as_json(view: ConceptView) -> dict:
    def goal(g: GoalView) -> dict:
        return {
            "iri": g.iri,
            "label": g.label,
            "kind": g.kind,
            "served": g.served,
            "measures": [{"iri": m.iri, "label": m.label, "link": m.link} for m in g.measures],
        }

    return {
        "totals": view.totals(),
        "action_fields": [
            {
                "iri": f.iri,
                "notation": f.notation,
                "label": f.label,
                "measures": f.measures,
                "goals": len(f.goals),
                "served_goals": f.served_goals,
                "unserved_goals": f.unserved_goals,
                "goal_list": [goal(g) for g in f.goals],
                "actors": {
                    role: [{"iri": a.iri, "label": a.label, "measures": a.measures} for a in actors]
                    for role, actors in f.actors.items()
                },
            }
            for f in view.fields
        ],
        "overall_goals": [goal(g) for g in view.overall_goals],
        "measures_without_goal": [{"iri": i, "label": label} for i, label in view.without_goal],
        "measures_without_action_field": [{"iri": i, "label": label} for i, label in view.without_field],
        "editions": [{"report": e["report"], "year": e["year"], "measures": int(e["measures"])} for e in view.editions],
    }


TABLES = ("action-fields", "goals", "links", "unfiled")


def table(view: ConceptView, name: str) -> tuple[list[str], list[list[object]]]:
    """One of the page's tables as header and rows, for CSV."""
    if name == "action-fields":
        header = ["action_field", "notation", "label", "measures", "goals", "served_goals", "unserved_goals"]
        rows: list[list[object]] = [
            [f.iri, f.notation, f.label, f.measures, len(f.goals), f.served_goals, f.unserved_goals]
            for f in view.fields
        ]
        overall = view.overall_goals
        rows.append(
            [
                "",
                "",
                "overall goals",
                "",
                len(overall),
                sum(g.served for g in overall),
                sum(not g.served for g in overall),
            ]
        )
        return header, rows
    if name == "goals":
        fields_of = {g.iri: f for f in view.fields for g in f.goals}
        header = ["goal", "label", "kind", "action_field", "served", "measures", *LINK_KINDS]
        return header, [
            [
                g.iri,
                g.label,
                g.kind,
                fields_of[g.iri].iri if g.iri in fields_of else "",
                "yes" if g.served else "no",
                len(g.measures),
                *(g.count(k) for k in LINK_KINDS),
            ]
            for g in view.goals
        ]
    if name == "links":
        header = ["goal", "goal_label", "measure", "measure_label", "link"]
        return header, [[g.iri, g.label, m.iri, m.label, m.link] for g in view.goals for m in g.measures]
    header = ["missing", "measure", "label"]
    rows = [["goal", i, label] for i, label in view.without_goal]
    rows += [["action field", i, label] for i, label in view.without_field]
    return header, rows
