"""The home page and one index page per class, each with its JSON and CSV twins."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .tables import csv_text

SKOS = "http://www.w3.org/2004/02/skos/core#"


@dataclass(frozen=True)
class Section:
    key: str  # the value the list's query gives ?section for the section's entries
    titles: dict[str, str]
    detail: dict[str, str]  # the heading of the extra column


@dataclass(frozen=True)
class IndexList:
    slug: str
    titles: dict[str, str]
    sections: tuple[Section, ...]  # the list's own entries first; a page shows more than one as headed parts
    query: str  # returns ?resource ?section ?de ?en ?detail

    @property
    def detail(self) -> dict[str, str]:
        return self.sections[0].detail


def _query(class_where: str, detail: str) -> str:
    """The list's query; `class_where` binds ?resource and ?section."""
    return f"""SELECT ?resource ?section (SAMPLE(?labelDe) AS ?de) (SAMPLE(?labelEn) AS ?en)
    (GROUP_CONCAT(DISTINCT ?detailLabel; separator=", ") AS ?detail) WHERE {{
    {class_where}
    OPTIONAL {{ ?resource <{SKOS}prefLabel> ?labelDe FILTER(LANGMATCHES(LANG(?labelDe), "de")) }}
    OPTIONAL {{ ?resource <{SKOS}prefLabel> ?labelEn FILTER(LANGMATCHES(LANG(?labelEn), "en")) }}
    OPTIONAL {{ {detail} ?detailNode <{SKOS}prefLabel> ?detailLabel FILTER(LANGMATCHES(LANG(?detailLabel), "de")) }}
}} GROUP BY ?resource ?section ORDER BY LCASE(STR(?de)) ?resource"""


def _plain(slug: str, titles: dict[str, str], detail: dict[str, str], class_where: str, detail_where: str) -> IndexList:
    """A list of one kind of entry: its section is the list itself."""
    where = f'{class_where} BIND("{slug}" AS ?section)'
    return IndexList(slug, titles, (Section(slug, titles, detail),), _query(where, detail_where))


def lists(vocabulary: str) -> dict[str, IndexList]:
    ikg = vocabulary
    fields = Section("action-fields", {"de": "Handlungsfelder", "en": "Action fields"}, {"de": "Ziele", "en": "Goals"})
    # The concept's overall goals belong to no field; the goals of a body or a programme (no scheme) are not the
    # concept's (audit D2), as on /concept.
    overall = Section(
        "overall-goals", {"de": "Übergreifende Ziele", "en": "Overall goals"}, {"de": "Konzept", "en": "Concept"}
    )
    return {
        "measures": _plain(
            "measures",
            {"de": "Maßnahmen", "en": "Measures"},
            {"de": "Träger", "en": "Operator"},
            f"?resource a <{ikg}Measure> .",
            f"?resource <{ikg}operator> ?detailNode .",
        ),
        "organisations": _plain(
            "organisations",
            {"de": "Organisationen", "en": "Organisations"},
            {"de": "Teil von", "en": "Part of"},
            "?resource a <http://www.w3.org/ns/org#Organization> .",
            "?resource <http://www.w3.org/ns/org#unitOf>|<http://www.w3.org/ns/org#subOrganizationOf> ?detailNode .",
        ),
        "programmes": _plain(
            "programmes",
            {"de": "Förderprogramme", "en": "Funding programmes"},
            {"de": "Geldgeber", "en": "Funder"},
            f"?resource a <{ikg}FundingProgramme> .",
            "?resource <http://schema.org/funder> ?detailNode .",
        ),
        "action-fields": IndexList(
            "action-fields",
            {"de": "Handlungsfelder und Ziele", "en": "Action fields and goals"},
            (fields, overall),
            _query(
                f'{{ ?resource a <{ikg}ActionField> . BIND("{fields.key}" AS ?section) }} UNION '
                f"{{ ?resource a <{ikg}OverallGoal> FILTER EXISTS {{ ?resource <{SKOS}inScheme> ?scheme }} "
                f'BIND("{overall.key}" AS ?section) }}',
                f"{{ ?detailNode <{SKOS}broader> ?resource }} UNION "
                f"{{ ?resource a <{ikg}OverallGoal> ; <{SKOS}inScheme> ?detailNode }}",
            ),
        ),
    }


@dataclass(frozen=True)
class Entry:
    iri: str
    de: str
    en: str
    detail: str
    section: str = ""

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
            row.get("section", {}).get("value", ""),
        )
        if not search or search.casefold() in f"{entry.de}\n{entry.en}".casefold():
            found.append(entry)
    return found


def as_csv(found: list[Entry]) -> str:
    return csv_text(
        ["iri", "label_de", "label_en", "detail", "section"], ([e.iri, e.de, e.en, e.detail, e.section] for e in found)
    )


def as_json(found: list[Entry]) -> str:
    return json.dumps(
        {
            "items": [
                {"iri": e.iri, "label_de": e.de, "label_en": e.en, "detail": e.detail, "section": e.section}
                for e in found
            ]
        },
        ensure_ascii=False,
    )
