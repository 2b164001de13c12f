"""The home page's numbers: entries per class, and the measures' links and currency by how they are known.

Both come from named queries (entities-per-class, links-by-evidence), so the numbers under
`?evidence=sourced` are what the endpoint answers with the same preset.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...builder.statistics import DOMAIN_CLASSES
from ...rdf.iris import vocabulary_namespace
from ..publication import Publication
from . import evidence_switch
from .pages import MARKED_GRAPHS
from .query_rows import query_rows

QUERIES = ("entities-per-class", "links-by-evidence")
LINK_KINDS = ("sourced", *MARKED_GRAPHS)
CURRENCY_KINDS = ("current", "historical", "not filed")
WORDS = {
    "de": {
        "links": "Zuordnungen der Maßnahmen",
        "action field links": "Maßnahme → Handlungsfeld",
        "goal links": "Maßnahme → Ziel",
        "sourced": "belegt",
        "editorial": "redaktionell",
        "uncertain": "unsicher",
        "inferred": "erschlossen",
        "current": "aktuell",
        "historical": "nur historisch belegt",
        "not filed": "nicht eingeordnet",
        "of_them": "davon",
        "concept": "Ziele und Maßnahmen des Integrationskonzepts",
        "over_time": "Ziele und Handlungsfelder über die Berichtsausgaben",
        "compare": "Berichtsausgaben vergleichen",
        "indicators": "Kontextzahlen: Statistik je Handlungsfeld und für die Stadt",
    },
    "en": {
        "links": "Links of the measures",
        "action field links": "measure → action field",
        "goal links": "measure → goal",
        "sourced": "sourced",
        "editorial": "editorial",
        "uncertain": "uncertain",
        "inferred": "inferred",
        "current": "current",
        "historical": "only historically documented",
        "not filed": "not filed",
        "of_them": "of them",
        "concept": "Goals and measures of the integration concept",
        "over_time": "Goals and action fields over the report editions",
        "compare": "Compare report editions",
        "indicators": "Context figures: statistics per action field and for the city",
    },
}


@dataclass(frozen=True)
class HomeNumbers:
    evidence: str
    counts: dict[str, int]
    links: dict[str, dict[str, int]]  # "action field links" / "goal links" → kind → number
    currency: dict[str, int]  # of the measures: current, historical, not filed

    def as_json(self) -> dict[str, object]:
        return {
            "evidence": self.evidence,
            "counts": self.counts,
            "links": {what.replace(" ", "_"): kinds for what, kinds in self.links.items()},
            "measures_by_currency": {kind.replace(" ", "_"): n for kind, n in self.currency.items()},
        }


async def build(publication: Publication, evidence: str) -> HomeNumbers:
    within = await evidence_switch.dataset(publication, evidence)
    ikg = vocabulary_namespace(publication.settings.public_base)
    classes = {r["class"]: int(r["entities"]) for r in await query_rows(publication, "entities-per-class", within)}
    counts = {key: classes.get(iri.format(ikg=ikg), 0) for key, iri in DOMAIN_CLASSES.items()}
    found = {
        (r["what"], r["kind"]): int(r["count"]) for r in await query_rows(publication, "links-by-evidence", within)
    }
    links = {what: {k: found.get((what, k), 0) for k in LINK_KINDS} for what in ("action field links", "goal links")}
    currency = {k: found.get(("measures", k), 0) for k in CURRENCY_KINDS}
    return HomeNumbers(evidence, counts, links, currency)
