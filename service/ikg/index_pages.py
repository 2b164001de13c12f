"""The home page and one index page per class, each with its JSON and CSV twins."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .tables import csv_text

SKOS = "http://www.w3.org/2004/02/skos/core#"


@dataclass(frozen=True)
class IndexList:
    slug: str
    titles: dict[str, str]
    detail: dict[str, str]  # the heading of the extra column
    query: str  # returns ?resource ?de ?en ?detail


def _query(class_where: str, detail: str) -> str:
    return f"""SELECT ?resource (SAMPLE(?labelDe) AS ?de) (SAMPLE(?labelEn) AS ?en)
    (GROUP_CONCAT(DISTINCT ?detailLabel; separator=", ") AS ?detail) WHERE {{
    {class_where}
    OPTIONAL {{ ?resource <{SKOS}prefLabel> ?labelDe FILTER(LANGMATCHES(LANG(?labelDe), "de")) }}
    OPTIONAL {{ ?resource <{SKOS}prefLabel> ?labelEn FILTER(LANGMATCHES(LANG(?labelEn), "en")) }}
    OPTIONAL {{ {detail} ?detailNode <{SKOS}prefLabel> ?detailLabel FILTER(LANGMATCHES(LANG(?detailLabel), "de")) }}
}} GROUP BY ?resource ORDER BY LCASE(STR(?de)) ?resource"""


def lists(vocabulary: str) -> dict[str, IndexList]:
    ikg = vocabulary
    return {
        "measures": IndexList(
            "measures",
            {"de": "Maßnahmen", "en": "Measures"},
            {"de": "Träger", "en": "Operator"},
            _query(f"?resource a <{ikg}Measure> .", f"?resource <{ikg}operator> ?detailNode ."),
        ),
        "organisations": IndexList(
            "organisations",
            {"de": "Organisationen", "en": "Organisations"},
            {"de": "Teil von", "en": "Part of"},
            _query(
                "?resource a <http://www.w3.org/ns/org#Organization> .",
                "?resource <http://www.w3.org/ns/org#unitOf>|<http://www.w3.org/ns/org#subOrganizationOf> "
                "?detailNode .",
            ),
        ),
        "programmes": IndexList(
            "programmes",
            {"de": "Förderprogramme", "en": "Funding programmes"},
            {"de": "Geldgeber", "en": "Funder"},
            _query(f"?resource a <{ikg}FundingProgramme> .", "?resource <http://schema.org/funder> ?detailNode ."),
        ),
        "action-fields": IndexList(
            "action-fields",
            {"de": "Handlungsfelder und Ziele", "en": "Action fields and goals"},
            {"de": "Ziele", "en": "Goals"},
            _query(f"?resource a <{ikg}ActionField> .", f"?detailNode <{SKOS}broader> ?resource ."),
        ),
    }


@dataclass(frozen=True)
class Entry:
    iri: str
    de: str
    en: str
    detail: str

    def label(self, lang: str) -> str:
        return (self.en if lang == "en" else self.de) or self.de or self.en or self.iri


def entries(results_json: bytes, search: str | None) -> list[Entry]:
    """The rows of a list, filtered by a case-insensitive search in the German and English labels."""
    found = []
    for row in json.loads(results_json)["results"]["bindings"]:
        entry = Entry(
            row["resource"]["value"],
            row.get("de", {}).get("value", ""),
            row.get("en", {}).get("value", ""),
            row.get("detail", {}).get("value", ""),
        )
        if not search or search.casefold() in f"{entry.de}\n{entry.en}".casefold():
            found.append(entry)
    return found


def as_csv(found: list[Entry]) -> str:
    return csv_text(["iri", "label_de", "label_en", "detail"], ([e.iri, e.de, e.en, e.detail] for e in found))


def as_json(found: list[Entry]) -> str:
    return json.dumps(
        {"items": [{"iri": e.iri, "label_de": e.de, "label_en": e.en, "detail": e.detail} for e in found]},
        ensure_ascii=False,
    )
