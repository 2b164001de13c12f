"""HTML pages for people: one per resource, built from the same description the RDF variants carry.

Every statement is shown with its provenance: rows that only the uncertain, inferred or editorial
graph holds are marked, so a reader sees which link a source states and which the editors drew.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from .links import is_web_address

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
SCHEMA = "http://schema.org/"
FOAF = "http://xmlns.com/foaf/0.1/"
MARKED_GRAPHS = ("uncertain", "inferred", "editorial")
STATEMENT_TYPE = (ox.NamedNode(f"{RDF}type"), ox.NamedNode(f"{RDF}Statement"))

# Names of the reused properties and classes the pages show; ikg's own terms are named by the vocabulary.
NAMES = {
    f"{SKOS}prefLabel": ("Bezeichnung", "label"),
    f"{SKOS}altLabel": ("Andere Bezeichnung", "other label"),
    f"{SKOS}definition": ("Definition", "definition"),
    f"{SKOS}notation": ("Kürzel", "notation"),
    f"{SKOS}broader": ("Übergeordnet", "broader"),
    f"{SKOS}inScheme": ("Gehört zu", "in scheme"),
    f"{SKOS}topConceptOf": ("Handlungsfeld von", "top concept of"),
    f"{SKOS}scopeNote": ("Hinweis", "note"),
    f"{SKOS}editorialNote": ("Redaktioneller Hinweis", "editorial note"),
    f"{SKOS}note": ("Anmerkung", "note"),
    f"{SKOS}hasTopConcept": ("Handlungsfelder", "action fields"),
    f"{SKOS}exactMatch": ("Entspricht", "exact match"),
    f"{SKOS}closeMatch": ("Ähnlich", "close match"),
    f"{DCT}description": ("Beschreibung", "description"),
    f"{DCT}title": ("Titel", "title"),
    f"{DCT}source": ("Quelle", "source"),
    f"{DCT}audience": ("Zielgruppe", "target group"),
    f"{DCT}spatial": ("Ort", "place"),
    f"{DCT}temporal": ("Zeitraum", "period"),
    f"{DCT}date": ("Belegt", "documented"),
    f"{DCT}type": ("Art", "kind"),
    f"{DCT}identifier": ("Kennung", "identifier"),
    f"{DCT}issued": ("Erschienen", "issued"),
    f"{DCT}modified": ("Geändert", "modified"),
    f"{DCT}creator": ("Verfasst von", "created by"),
    f"{DCT}contributor": ("Mitwirkend", "contributor"),
    f"{DCT}publisher": ("Herausgeber", "publisher"),
    f"{DCT}replaces": ("Ersetzt", "replaces"),
    f"{DCT}isReferencedBy": ("Genannt in", "referenced by"),
    f"{DCT}bibliographicCitation": ("Kurzbeleg", "citation"),
    f"{DCT}alternative": ("Auch", "also"),
    f"{SCHEMA}funder": ("Gefördert durch", "funded by"),
    f"{SCHEMA}funding": ("Förderung", "funding"),
    f"{SCHEMA}containedInPlace": ("Liegt in", "contained in"),
    f"{SCHEMA}address": ("Adresse", "address"),
    "http://www.w3.org/ns/org#unitOf": ("Einheit von", "unit of"),
    "http://www.w3.org/ns/org#subOrganizationOf": ("Teil von", "part of"),
    "http://www.w3.org/ns/org#hasMember": ("Mitglieder", "members"),
    "http://www.w3.org/ns/org#linkedTo": ("Verbunden mit", "linked to"),
    "http://www.w3.org/ns/org#purpose": ("Zweck", "purpose"),
    f"{FOAF}homepage": ("Website", "website"),
    f"{FOAF}name": ("Name", "name"),
    "http://www.w3.org/ns/prov#generated": ("Ergebnis", "generated"),
    "http://www.w3.org/ns/prov#used": ("Grundlage", "used"),
    "http://www.w3.org/ns/prov#wasInformedBy": ("Folgt auf", "informed by"),
    f"{DCT}references": ("Verweist auf", "references"),
    f"{SCHEMA}about": ("Betrifft", "about"),
    f"{SCHEMA}temporalCoverage": ("Berichtszeitraum", "period covered"),
    f"{SCHEMA}legislationIdentifier": ("Nummer", "number"),
    f"{RDF}type": ("Typ", "type"),
}
HIDDEN = {
    f"{RDF}type",
    f"{SKOS}prefLabel",
    f"{RDFS}label",
    f"{DCT}subject",
    "http://www.w3.org/ns/prov#wasAssociatedWith",
}
# Named graphs carry a dct:title and the editors a foaf:name instead of a SKOS label.
_NAMINGS = (f"{SKOS}prefLabel", f"{RDFS}label", f"{DCT}title", f"{FOAF}name")

Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass
class Value:
    text: str
    href: str | None = None
    mark: str | None = None  # "uncertain", "inferred" or "editorial"
    reason: str | None = None  # why, in the page's language where the evidence graph has it


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


class _Triples:
    """The few triples a page is built from, indexed both ways; pyoxigraph parses them (rdflib took 10x longer)."""

    def __init__(self, n_triples: bytes) -> None:
        self.out: defaultdict[Term, list[tuple[str, Term]]] = defaultdict(list)
        self.into: defaultdict[Term, list[tuple[Term, str]]] = defaultdict(list)
        # Marked statements arrive reified (see evidence): the page states them again, with their mark.
        self.reasons: dict[tuple[str, str, str], list[ox.Literal]] = {}
        # A set, as a graph is: the description and the vocabulary's labels may state the same triple.
        triples = list(dict.fromkeys(ox.parse(n_triples, format=ox.RdfFormat.N_TRIPLES)))
        reified = {t.subject for t in triples if t.predicate == STATEMENT_TYPE[0] and t.object == STATEMENT_TYPE[1]}
        parts: defaultdict[Term, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        for triple in triples:
            if triple.subject in reified:
                parts[triple.subject][triple.predicate.value].append(triple.object)
            else:
                self._add(triple.subject, triple.predicate.value, triple.object)
        for part in parts.values():
            (subject,), (predicate,), (obj,) = part[f"{RDF}subject"], part[f"{RDF}predicate"], part[f"{RDF}object"]
            self._add(subject, predicate.value, obj)
            key = (subject.value, predicate.value, mark_key(obj))
            # ikg:reason, under whatever base the graph is served from
            notes = (o for p, os in part.items() if p.endswith("/def/ikg#reason") for o in os)
            self.reasons[key] = [r for r in notes if isinstance(r, ox.Literal)]

    def _add(self, subject: Term, predicate: str, obj: Term) -> None:
        if (predicate, obj) in self.out[subject]:  # a sourced statement whose source note is reified too
            return
        self.out[subject].append((predicate, obj))
        self.into[obj].append((subject, predicate))

    def reason(self, key: tuple[str, str, str], lang: str) -> str | None:
        texts = {r.language: r.value for r in self.reasons.get(key, ())}
        return texts.get(lang) or texts.get("de") or texts.get("en")

    def objects(self, subject: Term, predicate: str) -> list[Term]:
        return [o for p, o in self.out.get(subject, ()) if p == predicate]

    def value(self, subject: Term, predicate: str) -> Term | None:
        return next(iter(self.objects(subject, predicate)), None)


def _text(term: Term | None) -> str:
    return "" if term is None else term.value


def _name(graph: _Triples, iri: str, lang: str) -> str:
    if iri in NAMES:
        return NAMES[iri][0 if lang == "de" else 1]
    return _label(graph, ox.NamedNode(iri), lang) or iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _label(graph: _Triples, node: Term, lang: str) -> str | None:
    labels: dict[str, str] = {}
    for naming in _NAMINGS:
        for other in graph.objects(node, naming):
            if isinstance(other, ox.Literal):
                labels.setdefault(other.language or "", other.value)
    return labels.get(lang) or labels.get("de") or labels.get("en") or next(iter(labels.values()), None)


def _blank(graph: _Triples, node: Term, lang: str) -> str:
    """A period or a grant, in words."""
    start, end = graph.value(node, f"{DCAT}startDate"), graph.value(node, f"{DCAT}endDate")
    if start is not None or end is not None:
        return f"{_text(start) or '…'} – {_text(end) or '…'}"
    parts = []
    funder = graph.value(node, f"{SCHEMA}funder")
    if funder is not None:
        parts.append(_label(graph, funder, lang) or funder.value)
    amount = graph.value(node, f"{SCHEMA}amount")
    if amount is not None:
        for key, word in (("value", ""), ("maxValue", "bis zu " if lang == "de" else "up to ")):
            number = graph.value(amount, f"{SCHEMA}{key}")
            if number is not None:
                parts.append(f"{word}{number.value} {_text(graph.value(amount, f'{SCHEMA}currency'))}".strip())
    description = graph.value(node, f"{SCHEMA}description")
    if description is not None:
        parts.append(description.value)
    return "; ".join(parts) or "…"


def mark_key(obj: Term) -> str:
    """Blank nodes (periods, grants) have other labels in each result: they are keyed by "_:"."""
    return "_:" if isinstance(obj, ox.BlankNode) else obj.value


def _value(graph: _Triples, node: Term, lang: str, mark: str | None, reason: str | None = None) -> Value:
    if isinstance(node, ox.BlankNode):
        return Value(_blank(graph, node, lang), mark=mark, reason=reason)
    if isinstance(node, ox.NamedNode):
        citation = graph.value(node, f"{DCT}bibliographicCitation")
        text = _label(graph, node, lang) or (citation.value if citation else node.value)
        # Only web addresses become links: a javascript: or data: IRI in the data stays inert text.
        return Value(text, node.value if is_web_address(node.value) else None, mark, reason)
    return Value(node.value, mark=mark, reason=reason)


def _shown(graph: _Triples, subject: Term, predicate: str, obj: Term, lang: str) -> bool:
    """Hidden properties are left out, and so are literals in the other language when one in `lang` exists."""
    if predicate in HIDDEN:
        return False
    if not isinstance(obj, ox.Literal) or not obj.language or obj.language == lang:
        return True
    return not any(isinstance(o, ox.Literal) and o.language == lang for o in graph.objects(subject, predicate))


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
    graph = _Triples(description_nt + b"\n" + vocabulary_nt)
    subject = ox.NamedNode(iri)
    rows: dict[str, Row] = {}
    sources: list[Value] = []
    for predicate, obj in sorted(graph.out.get(subject, ()), key=lambda po: (po[0], po[1].value)):
        key = (iri, predicate, mark_key(obj))
        mark, reason = marks.get(key), graph.reason(key, lang)
        if predicate == f"{DCT}source":
            sources.append(_value(graph, obj, lang, mark, reason))
        elif _shown(graph, subject, predicate, obj, lang):
            row = rows.setdefault(predicate, Row(_name(graph, predicate, lang)))
            row.values.append(_value(graph, obj, lang, mark, reason))
    incoming: dict[str, Row] = {}
    for source, predicate in sorted(graph.into.get(subject, ()), key=lambda sp: (sp[1], sp[0].value)):
        if predicate in HIDDEN or isinstance(source, ox.BlankNode):
            continue
        row = incoming.setdefault(predicate, Row(f"← {_name(graph, predicate, lang)}"))
        key = (source.value, predicate, iri)
        row.values.append(_value(graph, source, lang, marks.get(key), graph.reason(key, lang)))
    kinds = sorted(
        {
            _name(graph, t.value, lang)
            for t in graph.objects(subject, f"{RDF}type")
            if t.value.startswith(base) or t.value in NAMES
        }
    )
    title = _label(graph, subject, lang) or _text(graph.value(subject, f"{DCT}bibliographicCitation")) or iri
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
        obj = "_:" if row["o"]["type"] == "bnode" else row["o"]["value"]  # as mark_key does
        key = (row["s"]["value"], row["p"]["value"], obj)
        marks[key] = row["g"]["value"].rsplit("/", 1)[-1]
    return marks


def vocabulary_labels_query(base: str) -> str:
    return (
        "CONSTRUCT { ?term <http://www.w3.org/2000/01/rdf-schema#label> ?label } "
        f"WHERE {{ GRAPH <{base}graph/vocabulary> {{ ?term <http://www.w3.org/2000/01/rdf-schema#label> ?label }} }}"
    )
