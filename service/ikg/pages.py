"""HTML pages for people: one per resource, built from the same description the RDF variants carry.

Every statement is shown with its provenance: rows that only the uncertain, inferred or editorial
graph holds are marked, so a reader sees which link a source states and which the editors drew.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import rdflib
from rdflib.namespace import RDF, SKOS

DCT = rdflib.Namespace("http://purl.org/dc/terms/")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
SCHEMA = rdflib.Namespace("http://schema.org/")
MARKED_GRAPHS = ("uncertain", "inferred", "editorial")

# Names of the reused properties and classes the pages show; ikg's own terms are named by the vocabulary.
NAMES = {
    str(SKOS.prefLabel): ("Bezeichnung", "label"),
    str(SKOS.altLabel): ("Andere Bezeichnung", "other label"),
    str(SKOS.definition): ("Definition", "definition"),
    str(SKOS.notation): ("Kürzel", "notation"),
    str(SKOS.broader): ("Übergeordnet", "broader"),
    str(SKOS.inScheme): ("Gehört zu", "in scheme"),
    str(SKOS.topConceptOf): ("Handlungsfeld von", "top concept of"),
    str(SKOS.scopeNote): ("Hinweis", "note"),
    str(SKOS.editorialNote): ("Redaktioneller Hinweis", "editorial note"),
    str(SKOS.note): ("Anmerkung", "note"),
    str(SKOS.hasTopConcept): ("Handlungsfelder", "action fields"),
    str(SKOS.exactMatch): ("Entspricht", "exact match"),
    str(SKOS.closeMatch): ("Ähnlich", "close match"),
    str(DCT.description): ("Beschreibung", "description"),
    str(DCT.title): ("Titel", "title"),
    str(DCT.source): ("Quelle", "source"),
    str(DCT.audience): ("Zielgruppe", "target group"),
    str(DCT.spatial): ("Ort", "place"),
    str(DCT.temporal): ("Zeitraum", "period"),
    str(DCT.date): ("Belegt", "documented"),
    str(DCT.type): ("Art", "kind"),
    str(DCT.identifier): ("Kennung", "identifier"),
    str(DCT.issued): ("Erschienen", "issued"),
    str(DCT.modified): ("Geändert", "modified"),
    str(DCT.creator): ("Verfasst von", "created by"),
    str(DCT.contributor): ("Mitwirkend", "contributor"),
    str(DCT.publisher): ("Herausgeber", "publisher"),
    str(DCT.replaces): ("Ersetzt", "replaces"),
    str(DCT.isReferencedBy): ("Genannt in", "referenced by"),
    str(DCT.bibliographicCitation): ("Kurzbeleg", "citation"),
    str(DCT.alternative): ("Auch", "also"),
    str(SCHEMA.funder): ("Gefördert durch", "funded by"),
    str(SCHEMA.funding): ("Förderung", "funding"),
    str(SCHEMA.containedInPlace): ("Liegt in", "contained in"),
    str(SCHEMA.address): ("Adresse", "address"),
    "http://www.w3.org/ns/org#unitOf": ("Einheit von", "unit of"),
    "http://www.w3.org/ns/org#subOrganizationOf": ("Teil von", "part of"),
    "http://www.w3.org/ns/org#hasMember": ("Mitglieder", "members"),
    "http://www.w3.org/ns/org#linkedTo": ("Verbunden mit", "linked to"),
    "http://www.w3.org/ns/org#purpose": ("Zweck", "purpose"),
    "http://xmlns.com/foaf/0.1/homepage": ("Website", "website"),
    "http://xmlns.com/foaf/0.1/name": ("Name", "name"),
    "http://www.w3.org/ns/prov#generated": ("Ergebnis", "generated"),
    str(RDF.type): ("Typ", "type"),
}
HIDDEN = {
    str(RDF.type),
    str(SKOS.prefLabel),
    "http://www.w3.org/2000/01/rdf-schema#label",
    str(DCT.subject),
    "http://www.w3.org/ns/prov#wasAssociatedWith",
}


@dataclass
class Value:
    text: str
    href: str | None = None
    mark: str | None = None  # "uncertain", "inferred" or "editorial"


@dataclass
class Row:
    name: str
    values: list[Value] = field(default_factory=list)


@dataclass
class PageModel:
    iri: str
    title: str
    kinds: list[str]
    rows: list[Row]
    incoming: list[Row]
    sources: list[Value]
    json_ld: str


def _name(graph: rdflib.Graph, iri: str, lang: str) -> str:
    if iri in NAMES:
        return NAMES[iri][0 if lang == "de" else 1]
    return _label(graph, rdflib.URIRef(iri), lang) or iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _label(graph: rdflib.Graph, node: rdflib.term.Node, lang: str) -> str | None:
    labels = {
        str(o.language or ""): str(o) for o in graph.objects(node, SKOS.prefLabel) if isinstance(o, rdflib.Literal)
    }
    # Named graphs carry a dct:title and the editors a foaf:name instead of a SKOS label.
    for naming in (rdflib.RDFS.label, DCT.title, rdflib.FOAF.name):
        for other in graph.objects(node, naming):
            if isinstance(other, rdflib.Literal):
                labels.setdefault(str(other.language or ""), str(other))
    return labels.get(lang) or labels.get("de") or labels.get("en") or next(iter(labels.values()), None)


def _blank(graph: rdflib.Graph, node: rdflib.BNode, lang: str) -> str:
    """A period or a grant, in words."""
    start, end = graph.value(node, DCAT.startDate), graph.value(node, DCAT.endDate)
    if start is not None or end is not None:
        return f"{start or '…'} – {end or '…'}"
    parts = []
    funder = graph.value(node, SCHEMA.funder)
    if funder is not None:
        parts.append(_label(graph, funder, lang) or str(funder))
    amount = graph.value(node, SCHEMA.amount)
    if amount is not None:
        for key, word in ((SCHEMA.value, ""), (SCHEMA.maxValue, "bis zu " if lang == "de" else "up to ")):
            number = graph.value(amount, key)
            if number is not None:
                parts.append(f"{word}{number} {graph.value(amount, SCHEMA.currency) or ''}".strip())
    description = graph.value(node, SCHEMA.description)
    if description is not None:
        parts.append(str(description))
    return "; ".join(parts) or "…"


def _value(graph: rdflib.Graph, node: rdflib.term.Node, lang: str, mark: str | None) -> Value:
    if isinstance(node, rdflib.BNode):
        return Value(_blank(graph, node, lang), mark=mark)
    if isinstance(node, rdflib.URIRef):
        citation = graph.value(node, DCT.bibliographicCitation)
        text = _label(graph, node, lang) or (str(citation) if citation else str(node))
        # Only web addresses become links: a javascript: or data: IRI in the data stays inert text.
        href = str(node) if str(node).startswith(("http://", "https://")) else None
        return Value(text, href, mark)
    return Value(str(node), mark=mark)


def model(
    description_nt: bytes,
    marks: dict[tuple[str, str, str], str],
    iri: str,
    lang: str,
    base: str,
    vocabulary_nt: bytes = b"",
) -> PageModel:
    """The page of `iri` from its description (N-Triples), the marks of statements in special graphs and
    the labels of the vocabulary's terms (N-Triples), which name classes and properties."""
    graph = rdflib.Graph().parse(data=description_nt + b"\n" + vocabulary_nt, format="nt")
    subject = rdflib.URIRef(iri)
    rows: dict[str, Row] = {}
    sources: list[Value] = []
    for predicate, obj in sorted(graph.predicate_objects(subject), key=lambda po: (str(po[0]), str(po[1]))):
        mark = marks.get((iri, str(predicate), "_:" if isinstance(obj, rdflib.BNode) else str(obj)))
        if str(predicate) == str(DCT.source):
            sources.append(_value(graph, obj, lang, mark))
            continue
        if str(predicate) in HIDDEN or (
            isinstance(obj, rdflib.Literal)
            and obj.language
            and obj.language != lang
            and any(o.language == lang for o in graph.objects(subject, predicate) if isinstance(o, rdflib.Literal))
        ):
            continue
        row = rows.setdefault(str(predicate), Row(_name(graph, str(predicate), lang)))
        row.values.append(_value(graph, obj, lang, mark))
    incoming: dict[str, Row] = {}
    for source, predicate in sorted(graph.subject_predicates(subject), key=lambda sp: (str(sp[1]), str(sp[0]))):
        if str(predicate) in HIDDEN or isinstance(source, rdflib.BNode):
            continue
        name = _name(graph, str(predicate), lang)
        row = incoming.setdefault(str(predicate), Row(f"← {name}"))
        row.values.append(_value(graph, source, lang, marks.get((str(source), str(predicate), iri))))
    kinds = sorted(
        {
            _name(graph, str(t), lang)
            for t in graph.objects(subject, RDF.type)
            if str(t).startswith(base) or str(t) in NAMES
        }
    )
    title = _label(graph, subject, lang) or str(graph.value(subject, DCT.bibliographicCitation) or iri)
    json_ld = (
        json.dumps({"@context": "http://schema.org/", "@id": iri, "name": title, "url": iri}, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    return PageModel(iri, title, kinds, list(rows.values()), list(incoming.values()), sources, json_ld)


def marks_query(iri: str, base: str) -> str:
    graphs = " ".join(f"<{base}graph/{name}>" for name in MARKED_GRAPHS)
    return (
        f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?g {{ {graphs} }} VALUES ?r {{ <{iri}> }} "
        "GRAPH ?g { ?s ?p ?o } FILTER(?s = ?r || ?o = ?r) }"
    )


def parse_marks(results_json: bytes, base: str) -> dict[tuple[str, str, str], str]:
    marks = {}
    for row in json.loads(results_json)["results"]["bindings"]:
        # Blank nodes (periods, grants) have other labels in each result: they are keyed by "_:".
        obj = "_:" if row["o"]["type"] == "bnode" else row["o"]["value"]
        key = (row["s"]["value"], row["p"]["value"], obj)
        marks[key] = row["g"]["value"].rsplit("/", 1)[-1]
    return marks


def vocabulary_labels_query(base: str) -> str:
    return (
        "CONSTRUCT { ?term <http://www.w3.org/2000/01/rdf-schema#label> ?label } "
        f"WHERE {{ GRAPH <{base}graph/vocabulary> {{ ?term <http://www.w3.org/2000/01/rdf-schema#label> ?label }} }}"
    )
