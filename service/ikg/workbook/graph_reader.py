"""Reading the project's graph as the spreadsheet sees it: resources by kind, their values and labels.

Export and import both look at the graph this way. A view can leave graphs out: the other report
editions (an edition's state is its own graph plus the timeless ones), or the file an import rewrites.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from ..rdf.iris import CANONICAL_BASE, vocabulary_namespace

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "http://schema.org/"
FOAF = "http://xmlns.com/foaf/0.1/"
XSD = "http://www.w3.org/2001/XMLSchema#"
IKG = vocabulary_namespace()


def node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


PREF_LABEL = node(SKOS + "prefLabel")
SUBCLASS_OF = node("http://www.w3.org/2000/01/rdf-schema#subClassOf")
NOTATION = node(SKOS + "notation")
SOURCE = node(DCT + "source")
DESCRIPTION = node(DCT + "description")
TEMPORAL = node(DCT + "temporal")
START = node(DCAT + "startDate")
END = node(DCAT + "endDate")
REFERENCED_BY = node(DCT + "isReferencedBy")
OPERATOR = node(IKG + "operator")
PARTNER = node(IKG + "partner")
ACTION_FIELD = node(IKG + "actionField")
SERVES_GOAL = node(IKG + "servesGoal")
FUNDER = node(SCHEMA + "funder")
HOMEPAGE = node(FOAF + "homepage")
CREATOR = node(DCT + "creator")
MEASURE = node(IKG + "Measure")
GOAL = node(IKG + "Goal")
OVERALL_GOAL = node(IKG + "OverallGoal")
FIELD = node(IKG + "ActionField")
PROGRAMME = node(IKG + "FundingProgramme")
ORGANIZATION = node(ORG + "Organization")
FORMAL_ORGANIZATION = node(ORG + "FormalOrganization")
REPORT = node(SCHEMA + "Report")
KINDS = {"measure": MEASURE, "organisation": ORGANIZATION, "programme": PROGRAMME}
ID_PATHS = {
    "measure": "id/measure/",
    "organisation": "id/organisation/",
    "programme": "id/programme/",
    "goal": "id/goal/",
    "field": "id/action-field/",
}


def id_iri(kind: str, slug: str) -> str:
    return f"{CANONICAL_BASE}{ID_PATHS[kind]}{slug}"


def slug_of(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


@dataclass
class GraphView:
    store: ox.Store
    excluded: frozenset[str] = frozenset()  # named graphs this view does not see

    def quads(self, subject=None, predicate=None, obj=None) -> Iterable[ox.Quad]:
        for quad in self.store.quads_for_pattern(subject, predicate, obj, None):
            if not isinstance(quad.graph_name, ox.NamedNode) or quad.graph_name.value not in self.excluded:
                yield quad

    def objects(self, subject: ox.NamedNode | ox.BlankNode, predicate: ox.NamedNode) -> list:
        found: dict[str, object] = {}
        for quad in self.quads(subject, predicate, None):
            found.setdefault(str(quad.object), quad.object)
        return list(found.values())

    def has(self, subject, predicate, obj) -> bool:
        return next(iter(self.quads(subject, predicate, obj)), None) is not None

    def of_type(self, cls: ox.NamedNode) -> list[ox.NamedNode]:
        """Instances of the class or of any of its subclasses (the vocabulary's rdfs:subClassOf axioms)."""
        found = {
            q.subject.value
            for kind in self.subclasses(cls)
            for q in self.quads(None, RDF_TYPE, kind)
            if isinstance(q.subject, ox.NamedNode)
        }
        return [node(iri) for iri in sorted(found)]

    def subclasses(self, cls: ox.NamedNode) -> set[ox.NamedNode]:
        found, frontier = {cls}, [cls]
        while frontier:
            for quad in self.store.quads_for_pattern(None, SUBCLASS_OF, frontier.pop(), None):
                if isinstance(quad.subject, ox.NamedNode) and quad.subject not in found:
                    found.add(quad.subject)
                    frontier.append(quad.subject)
        return found

    def is_a(self, resource: ox.NamedNode, cls: ox.NamedNode) -> bool:
        return any(self.has(resource, RDF_TYPE, kind) for kind in self.subclasses(cls))

    def label(self, resource: ox.NamedNode, lang: str = "de", fallback: bool = True) -> str:
        labels = sorted(
            (q.object.language or "", q.object.value)
            for q in self.quads(resource, PREF_LABEL, None)
            if isinstance(q.object, ox.Literal)
        )
        for language, text in labels:
            if language == lang:
                return text
        if fallback and labels:
            german = [t for language, t in labels if language == "de"]
            return (german or [labels[0][1]])[0]
        return ""

    def texts(self, resource: ox.NamedNode, predicate: ox.NamedNode, lang: str) -> str:
        values = sorted(
            o.value
            for o in self.objects(resource, predicate)
            if isinstance(o, ox.Literal) and (o.language or "") == lang
        )
        return values[0] if values else ""

    def periods(self, resource: ox.NamedNode) -> list[tuple[str, str]]:
        """Each period of the resource as (start, end) in their written form, "" where one is open."""
        found = []
        for period in self.objects(resource, TEMPORAL):
            starts = self.objects(period, START)
            ends = self.objects(period, END)
            found.append((starts[0].value if starts else "", ends[0].value if ends else ""))
        return sorted(found)
