"""The context indicators for the Controlling-Gruppe: the statistics of graph/statistics.trig as time series, for
the city as a whole and per action field, each figure with its reference date, source and certainty.

Every number comes from two named queries (indicators-per-action-field, indicator-series), so the same figures
are reachable over SPARQL; the page, its JSON and its CSV tables are three renderings of one model.

Action fields. The dossier links no figure to an action field, and graph/statistics.trig has no such link. The
filing is the editors' classification: `ikg:contextFor` (declared in vocab/statistics.ttl) from an indicator (a
measure property of the cube) to an action field, stated in g:editorial by graph/indicator-fields.trig with a
reason per indicator, never in a sourced graph. Indicators the editors file under no field (population,
migration background, refugees, …) are context for the whole concept and stand under "the city". The page marks
every filing as editorial; with `?evidence=sourced` the filings fall away with g:editorial and every indicator
stands under the city.

Certainty. A figure is as certain as the graph that states its value: sourced when a sourced graph does, else
uncertain or inferred, with the reason the evidence graph gives. `?evidence=sourced` reads the sourced graphs
only, so marked figures are left out; the vocabulary graph is read as well, because it names the indicators,
units and codes and states no figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial
from urllib.parse import urlsplit

from ...rdf.iris import graph_iri
from ..publication import Publication
from . import evidence_switch
from .page_work import off_loop
from .query_rows import Row, query_rows
from .series_charts import Point, SeriesChart, series_chart

QUERIES = ("indicators-per-action-field", "indicator-series")
TABLES = ("observations", "indicators")
WORDS = {
    "de": {
        "title": "Kontextzahlen: Statistik je Handlungsfeld",
        "intro": "Die Zahlen aus der Statistik des Dossiers als Zeitreihen: für die Stadt insgesamt und je "
        "Handlungsfeld. Jede Zahl mit ihrem Stichtag, ihrer Quelle und ihrer Beleglage; wo die Quellen keinen "
        "Stichtag nennen, steht, was sie über den Zeitbezug sagen.",
        "filing_note": "Das Dossier ordnet keine Zahl einem Handlungsfeld zu. Welche Kennzahl Kontext für welches "
        "Handlungsfeld gibt, ist eine Einordnung der Redaktion (redaktionell); Kennzahlen ohne Einordnung stehen "
        "bei der Stadt insgesamt.",
        "chart_note": "Jedes Diagramm zeigt eine Kennzahl in ihrer Einheit; Zahlen verschiedener Einheiten teilen "
        "nie eine Achse. Unsichere oder erschlossene Zahlen sind hell und gestrichelt, eine Spanne als Strich "
        "bis zu ihrem oberen Ende. Dieselben Zahlen stehen in der Tabelle unter dem Diagramm.",
        "city": "Stadt insgesamt",
        "city_note": "Kennzahlen, die die Redaktion keinem einzelnen Handlungsfeld zuordnet: Kontext für das ganze "
        "Konzept.",
        "field": "Handlungsfeld",
        "indicator": "Kennzahl",
        "indicators": "Kennzahlen",
        "n_indicators": "Kennzahl|Kennzahlen",
        "observations": "Beobachtungen",
        "area": "Gebiet",
        "breakdown": "Gliederung",
        "date": "Stichtag",
        "value": "Wert",
        "unit": "Einheit",
        "as_given": "im Dossier",
        "source": "Quelle",
        "certainty": "Beleglage",
        "sourced": "belegt",
        "editorial": "redaktionell",
        "uncertain": "unsicher",
        "inferred": "erschlossen",
        "filed": "Einordnung der Redaktion",
        "chart_desc": "Balkendiagramm: {indicator} in {unit}, je Gebiet und Gliederung ein Balken je Beobachtung in "
        "der Reihenfolge der Stichtage; dieselben Zahlen stehen in der Tabelle darunter.",
        "incomplete": "Kurzbeleg",
        "none": "Keine Kennzahl.",
        "data": "Daten und Abfragen",
        "data_text": "Jede Zahl dieser Seite als CSV oder JSON, und die benannten SPARQL-Abfragen, aus denen sie "
        "stammt:",
        "stand": "Stand der Daten",
        "version": "Graph-Version",
    },
    "en": {
        "title": "Context figures: statistics per action field",
        "intro": "The figures of the dossier's statistics as time series: for the city as a whole and per action "
        "field. Every figure with its reference date, its source and its certainty; where the sources state no "
        "reference date, what they say about the time stands instead.",
        "filing_note": "The dossier files no figure under an action field. Which indicator gives context to which "
        "action field is the editors' filing (editorial); indicators not filed stand under the city as a whole.",
        "chart_note": "Each chart shows one indicator in its unit; figures of different units never share an axis. "
        "Uncertain or inferred figures are light and dashed, a range as a line up to its upper end. The same "
        "figures are in the table below the chart.",
        "city": "The city as a whole",
        "city_note": "Indicators the editors file under no single action field: context for the whole concept.",
        "field": "Action field",
        "indicator": "Indicator",
        "indicators": "Indicators",
        "n_indicators": "indicator|indicators",
        "observations": "observations",
        "area": "Area",
        "breakdown": "Breakdown",
        "date": "Reference date",
        "value": "Value",
        "unit": "Unit",
        "as_given": "in the dossier",
        "source": "Source",
        "certainty": "Certainty",
        "sourced": "sourced",
        "editorial": "editorial",
        "uncertain": "uncertain",
        "inferred": "inferred",
        "filed": "filed by the editors",
        "chart_desc": "Bar chart: {indicator} in {unit}, per area and breakdown one bar per observation in the order "
        "of the reference dates; the same figures are in the table below.",
        "incomplete": "short citation",
        "none": "No indicator.",
        "data": "Data and queries",
        "data_text": "Every figure of this page as CSV or JSON, and the named SPARQL queries it comes from:",
        "stand": "Data as of",
        "version": "graph version",
    },
}


@dataclass(frozen=True)
class Source:
    iri: str
    text: str


@dataclass(frozen=True)
class Observation:
    iri: str
    area: str
    area_label: str
    breakdown: str
    breakdown_label: str
    period: str  # the reference date as xsd lexical form, or empty where the sources state none
    time_reference: str
    time_reference_label: str
    date_as_given: str
    value: str
    upper_bound: str
    qualifiers: tuple[str, ...]
    value_as_given: str
    sources: tuple[Source, ...]
    certainty: str
    reason: str
    reference: str  # the reference date as the page shows it: the period in the page's language, or the time reference
    shown: str  # the value as the page shows it, with qualifier and range

    @property
    def marked(self) -> bool:
        return self.certainty != "sourced"

    @property
    def series(self) -> tuple[str, str]:
        return (self.area, self.breakdown)


@dataclass
class Indicator:
    iri: str
    label: str
    unit: str
    unit_label: str
    filing: str  # how the filing under its action field is known; empty when not filed
    observations: list[Observation] = field(default_factory=list)
    chart: SeriesChart | None = None

    @property
    def anchor(self) -> str:
        return "indicator-" + self.iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@dataclass
class Section:
    iri: str  # the action field; empty for the city as a whole
    notation: str
    label: str
    indicators: list[Indicator] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        """A fragment that stays when other sections come or go, so a link to a field's figures keeps working."""
        return "field-" + self.iri.rstrip("/").rsplit("/", 1)[-1] if self.iri else "city"


@dataclass
class IndicatorsView:
    sections: list[Section]
    evidence: str

    @property
    def indicators(self) -> list[Indicator]:
        return [i for s in self.sections for i in s.indicators]


async def build(publication: Publication, lang: str, evidence: str = evidence_switch.ALL) -> IndicatorsView:
    """Runs the named queries (the series one per indicator), over the sourced graphs alone if asked."""
    within = await evidence_switch.dataset(publication, evidence)
    if within is not None:
        within = (*within, graph_iri("vocabulary", publication.settings.public_base))
    listed = await query_rows(publication, "indicators-per-action-field", within, lang=lang)
    series = {}
    for row in listed:
        series[row["indicator"]] = await query_rows(
            publication, "indicator-series", within, indicator=row["indicator"], lang=lang
        )
    return await off_loop(partial(_assemble, listed, series, lang, evidence))


def _assemble(listed: list[Row], series: dict[str, list[Row]], lang: str, evidence: str) -> IndicatorsView:
    city = Section("", "", WORDS[lang]["city"])
    sections: dict[str, Section] = {}
    for row in listed:
        target = city
        if row.get("actionField"):
            target = sections.setdefault(
                row["actionField"],
                Section(row["actionField"], row.get("notation", ""), row.get("actionFieldLabel", row["actionField"])),
            )
        indicator = Indicator(
            row["indicator"],
            row.get("indicatorLabel", row["indicator"]),
            row["unit"],
            row.get("unitLabel", row["unit"]),
            row.get("filing", ""),
        )
        indicator.observations = _ordered(
            [_observation(r, lang) for r in series[row["indicator"]] if r.get("unit") == row["unit"]]
        )
        indicator.chart = _chart(indicator, lang)
        target.indicators.append(indicator)
    fields = sorted(sections.values(), key=lambda s: (s.notation or "~", s.label))
    return IndicatorsView([city, *fields], evidence)


def _ordered(observations: list[Observation]) -> list[Observation]:
    """Series with the most observations first; within a series the dated observations by date (the xsd
    lexical forms of years, months and days sort as time does), then the undated ones."""
    size: dict[tuple[str, str], int] = {}
    for o in observations:
        size[o.series] = size.get(o.series, 0) + 1
    return sorted(
        observations,
        key=lambda o: (
            -size[o.series],
            o.area_label,
            o.breakdown_label,
            o.period == "",
            o.period,
            o.time_reference_label,
            o.iri,
        ),
    )


def _observation(r: Row, lang: str) -> Observation:
    sources = tuple(Source(s, _source_text(s, lang)) for s in sorted(r.get("sources", "").split()))
    reference = _period(r["period"], lang) if r.get("period") else r.get("timeReferenceLabel", "")
    return Observation(
        iri=r["observation"],
        area=r["refArea"],
        area_label=r.get("areaLabel", r["refArea"]),
        breakdown=r.get("breakdown", ""),
        breakdown_label=r.get("breakdownLabel", ""),
        period=r.get("period", ""),
        time_reference=r.get("timeReference", ""),
        time_reference_label=r.get("timeReferenceLabel", ""),
        date_as_given=r.get("dateAsGiven", ""),
        value=r["value"],
        upper_bound=r.get("upperBound", ""),
        qualifiers=tuple(sorted(r.get("qualifiers", "").split())),
        value_as_given=r.get("valueAsGiven", ""),
        sources=sources,
        certainty=r["certainty"],
        reason=r.get("reason", ""),
        reference=reference,
        shown=_shown(r, lang),
    )


def _source_text(iri: str, lang: str) -> str:
    """A short text for a source link: the web site's name, or for the dossier's short citations the word."""
    parts = urlsplit(iri)
    if "/source/" in parts.path:
        return f"{WORDS[lang]['incomplete']} {parts.path.rsplit('/', 1)[-1]}"
    return parts.netloc.removeprefix("www.") or iri


def _period(period: str, lang: str) -> str:
    """An xsd date, year-month or year in the page's language: 31.12.2022 and 12/2016, or as ISO 8601."""
    parts = period.split("-")
    if lang != "de" or len(parts) == 1:
        return period
    return ".".join(reversed(parts)) if len(parts) == 3 else f"{parts[1]}/{parts[0]}"


def number(value: str, lang: str) -> str:
    """A decimal as the page's language writes it (165.748 and 43,5 in German)."""
    try:
        parsed = Decimal(value)
    except InvalidOperation:
        return value
    text = f"{parsed:,}" if parsed == parsed.to_integral_value() else f"{parsed.normalize():,}"
    if lang == "de":
        text = text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return text


def _shown(r: Row, lang: str) -> str:
    text = number(r["value"], lang)
    if r.get("upperBound"):
        text = f"{text}–{number(r['upperBound'], lang)}"
    if r.get("qualifierLabels"):
        text = f"{r['qualifierLabels']} {text}"
    return text


def _series_heading(o: Observation) -> str:
    return f"{o.area_label} · {o.breakdown_label}" if o.breakdown_label else o.area_label


def _chart(indicator: Indicator, lang: str) -> SeriesChart:
    words = WORDS[lang]
    grouped: dict[tuple[str, str], list[Point]] = {}
    headings: dict[tuple[str, str], str] = {}
    for o in indicator.observations:
        headings[o.series] = _series_heading(o)
        mark = f" ({words[o.certainty]}{': ' + o.reason if o.reason else ''})" if o.marked else ""
        label = o.reference + (f" ({words[o.certainty]})" if o.marked else "")
        # About 6.5 px a character at the chart's 13 px: 38 characters stay inside the label column.
        label = label if len(label) <= 38 else label[:37].rstrip() + "…"
        grouped.setdefault(o.series, []).append(
            Point(
                o.iri,
                label,
                float(o.value),
                float(o.upper_bound) if o.upper_bound else None,
                o.shown,
                o.marked,
                f"{o.reference}: {o.shown} {indicator.unit_label}{mark}",
            )
        )
    title = f"{indicator.label} ({indicator.unit_label})"
    if len(grouped) == 1:
        title = f"{title} – {next(iter(headings.values()))}"
    return series_chart(
        "chart-" + indicator.anchor.removeprefix("indicator-"),
        title,
        words["chart_desc"].format(indicator=indicator.label, unit=indicator.unit_label),
        [(headings[key], points) for key, points in grouped.items()],
    )


def _json_number(value: str) -> int | float | None:
    if not value:
        return None
    parsed = Decimal(value)
    return int(parsed) if parsed == parsed.to_integral_value() else float(parsed)


def _observation_json(o: Observation) -> dict:
    return {
        "iri": o.iri,
        "area": o.area,
        "area_label": o.area_label,
        "breakdown": o.breakdown,
        "breakdown_label": o.breakdown_label,
        "period": o.period or None,
        "time_reference": o.time_reference or None,
        "reference": o.reference,
        "reference_as_given": o.date_as_given or None,
        "value": _json_number(o.value),
        "upper_bound": _json_number(o.upper_bound),
        "qualifiers": list(o.qualifiers),
        "value_as_given": o.value_as_given,
        "sources": [s.iri for s in o.sources],
        "certainty": o.certainty,
        "reason": o.reason or None,
    }


def as_json(view: IndicatorsView) -> dict:
    return {
        "evidence": view.evidence,
        "sections": [
            {
                "action_field": s.iri or None,
                "notation": s.notation or None,
                "label": s.label,
                "indicators": [
                    {
                        "iri": i.iri,
                        "label": i.label,
                        "unit": i.unit,
                        "unit_label": i.unit_label,
                        "filing": i.filing or None,
                        "observations": [_observation_json(o) for o in i.observations],
                    }
                    for i in s.indicators
                ],
            }
            for s in view.sections
        ],
    }


def table(view: IndicatorsView, name: str) -> tuple[list[str], list[list[object]]]:
    """One of the page's tables as header and rows, for CSV."""
    if name == "indicators":
        header = ["indicator", "label", "unit", "action_field", "filing", "observations"]
        return header, [
            [i.iri, i.label, i.unit, s.iri, i.filing, len(i.observations)] for s in view.sections for i in s.indicators
        ]
    header = [
        "indicator",
        "action_field",
        "observation",
        "area",
        "breakdown",
        "period",
        "time_reference",
        "reference",
        "value",
        "upper_bound",
        "qualifiers",
        "unit",
        "certainty",
        "reason",
        "sources",
    ]
    return header, [
        [
            i.iri,
            s.iri,
            o.iri,
            o.area,
            o.breakdown,
            o.period,
            o.time_reference,
            o.reference,
            o.value,
            o.upper_bound,
            " ".join(o.qualifiers),
            i.unit,
            o.certainty,
            o.reason,
            " ".join(x.iri for x in o.sources),
        ]
        for s in view.sections
        for i in s.indicators
        for o in i.observations
    ]
