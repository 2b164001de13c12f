"""The concept view for the Controlling-Gruppe: action fields → goals → the measures serving them.

Every number comes from a named query in queries/ (listed on the page), so a researcher can reproduce it
over SPARQL; the page, its JSON and its CSV tables are three renderings of one model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from . import evidence_switch, measure_scope
from .charts import BarChart, bar_chart
from .page_work import off_loop
from .pages import MARKED_GRAPHS
from .query_rows import Row, query_rows

QUERIES = (
    "concept-links",
    "goal-coverage",
    "measures-per-action-field",
    "measures-cross-cutting",
    "measures-unfiled",
    "action-field-actors",
    "report-editions",
    "open-since",
)
# A link is sourced, or marked by the graph that alone states it: the marked graphs' names are the kinds.
LINK_KINDS = ("sourced", *MARKED_GRAPHS)
CURRENCY = "https://ikg.example/leverkusen/def/currency/"
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
        "one_edition": "Bisher gibt es eine Ausgabe des Statusberichts ({year}); der Vergleich der Ausgaben "
        "erscheint, sobald eine zweite Ausgabe im Graphen ist.",
        "compare": "Berichtsausgaben vergleichen",
        "over_time": "Ziele im Zeitverlauf: Maßnahmen je Ausgabe und „offen seit“",
        "indicators": "Kontextzahlen: Statistik je Handlungsfeld und für die Stadt",
        "open_goals": "Offene Ziele",
        "open_goals_note": "Ziele, denen keine Maßnahme dient; „offen seit“ nennt die erste Ausgabe des "
        "Statusberichts, seit der ihnen keine Maßnahme einer Ausgabe mehr dient.",
        "no_open_goals": "Jedem Ziel dient mindestens eine Maßnahme.",
        "open_since": "offen seit",
        "overall_goal": "übergreifendes Ziel",
        "n_goals": "Ziel|Ziele",
        "n_measures": "Maßnahme|Maßnahmen",
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
        "of_them": "davon",
        "current": "aktuell",
        "historical": "historisch",
        "currency_note": "„aktuell“ und „historisch“ ordnet die Redaktion nach den belegten Jahren ein (historisch: "
        "jüngster Beleg vor 2020 oder beendet); historische Maßnahmen zählen nicht als aktuell.",
        "served_sourced": "mit belegter Maßnahme",
        "served_editorial": "nur redaktionell zugeordnet",
        "letter_inferred": "* Buchstabe erschlossen: die Quellen nennen den Buchstaben dieses Handlungsfelds nicht, "
        "die Verfasser des Dossiers haben ihn abgeleitet.",
        "cross_cutting": "Querschnitt / strukturell",
        "cross_cutting_note": "Maßnahmen, die die Redaktion keinem einzelnen Handlungsfeld, sondern dem Querschnitt "
        "zuordnet (eine redaktionelle Einordnung außerhalb des Konzepts; im Dossier „X“).",
        "evidence_note": "Jede Zahl trennt belegte Zuordnungen (eine Quelle nennt sie) von redaktionellen (die "
        "Redaktion hat sie gezogen); „nur belegte Aussagen“ rechnet alle Zahlen allein aus den belegten Graphen.",
        "chart_measures_split": "Gestapeltes Balkendiagramm: je Handlungsfeld die Maßnahmen mit belegter Zuordnung "
        "(dunkel, voll) und mit nur redaktioneller, unsicherer oder erschlossener Zuordnung (hell, gestrichelt); die "
        "Zahl rechts: belegt / alle. Dieselben Zahlen stehen in der Tabelle „Handlungsfelder“.",
        "chart_coverage_split": "Gestapeltes Balkendiagramm: je Handlungsfeld die Ziele mit einer belegten Maßnahme, "
        "die Ziele mit nur redaktionell zugeordneten Maßnahmen und die offenen Ziele; dieselben Zahlen stehen in der "
        "Tabelle „Handlungsfelder“.",
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
        "one_edition": "So far there is one edition of the status report ({year}); the comparison of editions "
        "appears as soon as a second edition is in the graph.",
        "compare": "Compare report editions",
        "over_time": 'Goals over time: measures per edition and "open since"',
        "indicators": "Context figures: statistics per action field and for the city",
        "open_goals": "Open goals",
        "open_goals_note": 'Goals no measure serves; "open since" names the first edition of the status report '
        "from which on no measure of an edition has served them.",
        "no_open_goals": "Every goal is served by at least one measure.",
        "open_since": "open since",
        "overall_goal": "overall goal",
        "n_goals": "goal|goals",
        "n_measures": "measure|measures",
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
        "of_them": "of them",
        "current": "current",
        "historical": "historical",
        "currency_note": '"Current" and "historical" are the editors\' filing by the documented years (historical: '
        "latest evidence before 2020, or ended); historical measures do not count as current.",
        "served_sourced": "with a sourced measure",
        "served_editorial": "editorial links only",
        "letter_inferred": "* Letter inferred: the sources do not give this action field's letter; the dossier's "
        "compilers derived it.",
        "cross_cutting": "Cross-cutting / structural",
        "cross_cutting_note": "Measures the editors file under no single action field but as cross-cutting (an "
        'editorial filing outside the concept; "X" in the dossier).',
        "evidence_note": "Every number separates sourced links (a source states them) from editorial ones (the "
        'editors drew them); "sourced statements only" recomputes every number from the sourced graphs alone.',
        "chart_measures_split": "Stacked bar chart: per action field the measures with a sourced link (dark, solid) "
        "and with an editorial, uncertain or inferred link only (light, dashed); the number on the right: sourced / "
        'all. The same numbers are in the table "Action fields".',
        "chart_coverage_split": "Stacked bar chart: per action field the goals served by a sourced measure, the goals "
        'served by editorial links only, and the open goals; the same numbers are in the table "Action fields".',
    },
}


def link_names(lang: str) -> dict[str, str]:
    """The words for the kinds of link, for the marks other views put on what a marked graph alone states."""
    return {k: WORDS[lang][k] for k in LINK_KINDS}


def shown_letter(notation: str, link: str) -> str:
    """An action field's notation as shown: an inferred or otherwise unsourced letter carries a star (see the
    legend letter_inferred); `link` is how the letter is known (notationLink of measures-per-action-field)."""
    if not notation:
        return ""
    return notation if link == "sourced" else f"{notation}*"


def currency_of(iri: str | None) -> str | None:
    """The editors' currency filing as a word of the twins: current, historical, or None when not filed."""
    if not iri:
        return None
    return {"aktuell": "current", "historisch": "historical"}.get(iri.rsplit("/", 1)[-1], iri)


@dataclass(frozen=True)
class LinkedMeasure:
    iri: str
    label: str
    link: str
    currency: str | None = None


@dataclass
class GoalView:
    iri: str
    label: str
    kind: str
    measures: list[LinkedMeasure] = field(default_factory=list)

    @property
    def served(self) -> bool:
        return bool(self.measures)

    @property
    def served_by_source(self) -> bool:
        return any(m.link == "sourced" for m in self.measures)

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
    links: dict[str, int] = field(default_factory=dict)  # measures by the kind of their link to this field
    current: int = 0
    historical: int = 0
    notation_link: str = "sourced"
    cross_cutting: bool = False
    goals: list[GoalView] = field(default_factory=list)
    actors: dict[str, list[Actor]] = field(default_factory=dict)
    listed: list[LinkedMeasure] = field(default_factory=list)  # the measures themselves, for cross-cutting filings

    @property
    def served_goals(self) -> int:
        return sum(g.served for g in self.goals)

    @property
    def unserved_goals(self) -> int:
        return len(self.goals) - self.served_goals

    @property
    def sourced_goals(self) -> int:
        return sum(g.served_by_source for g in self.goals)

    @property
    def letter(self) -> str:
        return shown_letter(self.notation, self.notation_link)

    @property
    def unsourced(self) -> int:
        return self.measures - self.links.get("sourced", 0)

    @property
    def anchor(self) -> str:
        """The id of the field's section on the page."""
        return f"field-{self.notation or self.iri.rsplit('/', 1)[-1]}"


@dataclass
class ConceptView:
    fields: list[FieldView]
    cross_cutting: list[FieldView]
    overall_goals: list[GoalView]
    without_goal: list[LinkedMeasure]
    without_field: list[LinkedMeasure]
    editions: list[Row]
    open_since: dict[str, str]  # goal → the first edition since which no edition's measure serves it
    evidence: str
    charts: list[BarChart]
    scope: str = measure_scope.ALL

    @property
    def goals(self) -> list[GoalView]:
        return [g for f in self.fields for g in f.goals] + self.overall_goals

    @property
    def open_goals(self) -> list[tuple[GoalView, FieldView | None]]:
        """The goals no measure serves, each with its action field (None for an overall goal), in the
        order of the page: the fields' goals by letter, then the overall goals."""
        return [(g, f) for f in self.fields for g in f.goals if not g.served] + [
            (g, None) for g in self.overall_goals if not g.served
        ]

    @property
    def inferred_letters(self) -> bool:
        return any(f.letter.endswith("*") for f in self.fields)

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

    def by_evidence(self) -> dict[str, object]:
        """The totals split by how each link is known, and by the editors' currency filing."""
        links = [m for g in self.goals for m in g.measures]
        return {
            "action_field_links": {k: sum(f.links.get(k, 0) for f in self.fields) for k in LINK_KINDS},
            "goal_links": {k: sum(m.link == k for m in links) for k in LINK_KINDS},
            "served_goals_sourced": sum(g.served_by_source for g in self.goals),
            "measures_cross_cutting": sum(f.measures for f in self.cross_cutting),
            "inferred_letters": [f.notation for f in self.fields if f.notation and f.notation_link != "sourced"],
        }


async def build(
    publication, lang: str, evidence: str = evidence_switch.ALL, scope: str = measure_scope.ALL
) -> ConceptView:
    """Runs the view's named queries, over the sourced graphs alone and the current measures alone if asked,
    and assembles one model."""
    within = await evidence_switch.dataset(publication, evidence)
    rows = {}
    for name in QUERIES:
        takes_scope = any(p.name == "scope" for p in publication.queries[name].parameters)
        values = {"lang": lang, **({"scope": scope} if takes_scope else {})}
        rows[name] = await query_rows(publication, name, within, **values)
    view = await off_loop(partial(_assemble, rows, lang, evidence))
    view.scope = scope
    return view


def _field(r: Row, names: dict[str, str]) -> FieldView:
    return FieldView(
        r["actionField"],
        r.get("notation", ""),
        names.get(r["actionField"]) or r["actionFieldLabel"],
        int(r["measures"]),
        {k: int(r[k]) for k in LINK_KINDS},
        int(r["current"]),
        int(r["historical"]),
        r.get("notationLink", "sourced"),
        r["filing"] == "cross-cutting",
    )


def _linked(r: Row) -> LinkedMeasure:
    return LinkedMeasure(
        r["measure"], r.get("measureLabel", r["measure"]), r.get("link", ""), currency_of(r.get("currency"))
    )


def _assemble(rows: dict[str, list[Row]], lang: str, evidence: str) -> ConceptView:
    # Counts from measures-per-action-field, names in the page's language from goal-coverage.
    names = {r["actionField"]: r.get("actionFieldLabel", "") for r in rows["goal-coverage"] if "actionField" in r}
    filed = [_field(r, names) for r in rows["measures-per-action-field"]]
    fields = {f.iri: f for f in filed if not f.cross_cutting}
    cross_cutting = {f.iri: f for f in filed if f.cross_cutting}
    for r in rows["measures-cross-cutting"]:
        if r["concept"] in cross_cutting:
            cross_cutting[r["concept"]].listed.append(_linked(r))
    goals: dict[str, GoalView] = {}
    for r in rows["concept-links"]:
        goal = goals.get(r["goal"])
        if goal is None:
            goal = goals[r["goal"]] = GoalView(r["goal"], r.get("goalLabel", r["goal"]), r["goalKind"])
            if r.get("actionField") in fields:
                fields[r["actionField"]].goals.append(goal)
        if "measure" in r:
            goal.measures.append(_linked(r))
    for r in rows["action-field-actors"]:
        if r["actionField"] in fields:
            actors = fields[r["actionField"]].actors.setdefault(r["role"], [])
            actors.append(Actor(r["actor"], r.get("actorLabel", r["actor"]), int(r["measures"])))
    unfiled = rows["measures-unfiled"]
    view = ConceptView(
        fields=list(fields.values()),
        cross_cutting=list(cross_cutting.values()),
        overall_goals=[g for g in goals.values() if g.kind == "overall"],
        without_goal=[_linked(r) for r in unfiled if r["missing"] == "goal"],
        without_field=[_linked(r) for r in unfiled if r["missing"] == "action field"],
        editions=rows["report-editions"],
        open_since={r["subject"]: r["openSince"] for r in rows["open-since"]},
        evidence=evidence,
        charts=[],
    )
    view.charts = _charts(view, lang)
    return view


def _field_name(f: FieldView) -> str:
    return f"{f.letter} – {f.label}" if f.letter else f.label


def _charts(view: ConceptView, lang: str) -> list[BarChart]:
    words = WORDS[lang]
    filings = [*view.fields, *view.cross_cutting]
    charts = [
        bar_chart(
            "chart-measures",
            words["chart_measures"],
            words["chart_measures_split"],
            [
                (_field_name(f), [(f.links.get("sourced", 0), "bar-sourced"), (f.unsourced, "bar-editorial")])
                for f in filings
            ],
            legend=(
                ("bar-sourced", words["sourced"]),
                ("bar-editorial", words["editorial"] + " / " + words["uncertain"] + " / " + words["inferred"]),
            ),
        ),
        bar_chart(
            "chart-coverage",
            words["chart_coverage"],
            words["chart_coverage_split"],
            [
                (
                    _field_name(f),
                    [
                        (f.sourced_goals, "bar-served"),
                        (f.served_goals - f.sourced_goals, "bar-served-editorial"),
                        (f.unserved_goals, "bar-open"),
                    ],
                )
                for f in view.fields
            ]
            + [
                (
                    words["overall"],
                    [
                        (sum(g.served_by_source for g in view.overall_goals), "bar-served"),
                        (sum(g.served and not g.served_by_source for g in view.overall_goals), "bar-served-editorial"),
                        (sum(not g.served for g in view.overall_goals), "bar-open"),
                    ],
                )
            ],
            legend=(
                ("bar-served", words["served_sourced"]),
                ("bar-served-editorial", words["served_editorial"]),
                ("bar-open", words["unserved"]),
            ),
        ),
    ]
    return charts


def _measure(m: LinkedMeasure) -> dict:
    return {"iri": m.iri, "label": m.label, "link": m.link, "currency": m.currency}


def _filing(f: FieldView) -> dict:
    return {
        "iri": f.iri,
        "notation": f.notation,
        "notation_link": f.notation_link if f.notation else None,
        "label": f.label,
        "measures": f.measures,
        "measures_by_link": {k: f.links.get(k, 0) for k in LINK_KINDS},
        "current": f.current,
        "historical": f.historical,
    }


def as_json(view: ConceptView) -> dict:
    def goal(g: GoalView) -> dict:
        return {
            "iri": g.iri,
            "label": g.label,
            "kind": g.kind,
            "served": g.served,
            "served_by_source": g.served_by_source,
            "open_since": view.open_since.get(g.iri),
            "measures": [_measure(m) for m in g.measures],
        }

    return {
        "evidence": view.evidence,
        "scope": view.scope,
        "totals": view.totals(),
        "by_evidence": view.by_evidence(),
        "open_goals": [
            {
                "iri": g.iri,
                "label": g.label,
                "kind": g.kind,
                "action_field": f.iri if f else None,
                "open_since": view.open_since.get(g.iri),
            }
            for g, f in view.open_goals
        ],
        "action_fields": [
            {
                **_filing(f),
                "goals": len(f.goals),
                "served_goals": f.served_goals,
                "served_goals_sourced": f.sourced_goals,
                "unserved_goals": f.unserved_goals,
                "goal_list": [goal(g) for g in f.goals],
                "actors": {
                    role: [{"iri": a.iri, "label": a.label, "measures": a.measures} for a in actors]
                    for role, actors in f.actors.items()
                },
            }
            for f in view.fields
        ],
        "cross_cutting": [{**_filing(f), "measure_list": [_measure(m) for m in f.listed]} for f in view.cross_cutting],
        "overall_goals": [goal(g) for g in view.overall_goals],
        "measures_without_goal": [_measure(m) for m in view.without_goal],
        "measures_without_action_field": [_measure(m) for m in view.without_field],
        "editions": [{"report": e["report"], "year": e["year"], "measures": int(e["measures"])} for e in view.editions],
    }


TABLES = ("action-fields", "goals", "links", "unfiled", "cross-cutting", "open-goals")


def table(view: ConceptView, name: str) -> tuple[list[str], list[list[object]]]:
    """One of the page's tables as header and rows, for CSV."""
    if name == "action-fields":
        return _action_field_table(view)
    if name == "goals":
        fields_of = {g.iri: f for f in view.fields for g in f.goals}
        header = ["goal", "label", "kind", "action_field", "served", "measures", *LINK_KINDS, "open_since"]
        return header, [
            [
                g.iri,
                g.label,
                g.kind,
                fields_of[g.iri].iri if g.iri in fields_of else "",
                "yes" if g.served else "no",
                len(g.measures),
                *(g.count(k) for k in LINK_KINDS),
                view.open_since.get(g.iri, ""),
            ]
            for g in view.goals
        ]
    if name == "open-goals":
        header = ["goal", "label", "kind", "action_field", "action_field_label", "open_since"]
        return header, [
            [g.iri, g.label, g.kind, f.iri if f else "", f.label if f else "", view.open_since.get(g.iri, "")]
            for g, f in view.open_goals
        ]
    if name == "links":
        header = ["goal", "goal_label", "measure", "measure_label", "link", "currency"]
        return header, [
            [g.iri, g.label, m.iri, m.label, m.link, m.currency or ""] for g in view.goals for m in g.measures
        ]
    if name == "cross-cutting":
        header = ["concept", "concept_label", "measure", "measure_label", "link", "currency"]
        return header, [
            [f.iri, f.label, m.iri, m.label, m.link, m.currency or ""] for f in view.cross_cutting for m in f.listed
        ]
    header = ["missing", "measure", "label", "currency"]
    rows: list[list[object]] = [["goal", m.iri, m.label, m.currency or ""] for m in view.without_goal]
    rows += [["action field", m.iri, m.label, m.currency or ""] for m in view.without_field]
    return header, rows


def _action_field_table(view: ConceptView) -> tuple[list[str], list[list[object]]]:
    header = [
        "action_field",
        "filing",
        "notation",
        "notation_link",
        "label",
        "measures",
        *(f"measures_{k}" for k in LINK_KINDS),
        "current",
        "historical",
        "goals",
        "served_goals",
        "served_goals_sourced",
        "unserved_goals",
    ]

    def row(f: FieldView) -> list[object]:
        return [
            f.iri,
            "cross-cutting" if f.cross_cutting else "action field",
            f.notation,
            f.notation_link if f.notation else "",
            f.label,
            f.measures,
            *(f.links.get(k, 0) for k in LINK_KINDS),
            f.current,
            f.historical,
            len(f.goals),
            f.served_goals,
            f.sourced_goals,
            f.unserved_goals,
        ]

    rows = [row(f) for f in [*view.fields, *view.cross_cutting]]
    overall = view.overall_goals
    rows.append(
        [
            "",
            "overall goals",
            "",
            "",
            "overall goals",
            "",
            *("" for _ in LINK_KINDS),
            "",
            "",
            len(overall),
            sum(g.served for g in overall),
            sum(g.served_by_source for g in overall),
            sum(not g.served for g in overall),
        ]
    )
    return header, rows
