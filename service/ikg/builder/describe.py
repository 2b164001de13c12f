"""Turning a validation result (focus node, path, message) into a Problem a person can act on."""

from __future__ import annotations

import pyoxigraph as ox

from ..problems import Problem, Severity
from ..rdf.namespaces import compact
from .locations import LocationIndex

_SKOS_PREF_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
_CITATION = ox.NamedNode("http://purl.org/dc/terms/bibliographicCitation")
_RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

# Names of the classes of reused vocabularies; ikg's own classes are named by their rdfs:label.
_CLASS_NAMES = {
    "http://www.w3.org/ns/org#Organization": {"de": "Organisation", "en": "organisation"},
    "http://www.w3.org/ns/org#FormalOrganization": {"de": "Organisation", "en": "organisation"},
    "http://www.w3.org/ns/org#OrganizationalUnit": {
        "de": "Organisationseinheit",
        "en": "organisational unit",
    },
    "http://www.w3.org/ns/org#OrganizationalCollaboration": {"de": "Zusammenschluss", "en": "collaboration"},
    "http://purl.org/dc/terms/Location": {"de": "Ort", "en": "place"},
    "http://schema.org/Report": {"de": "Bericht", "en": "report"},
    "http://www.w3.org/2004/02/skos/core#ConceptScheme": {"de": "Begriffsschema", "en": "concept scheme"},
    "http://www.w3.org/2004/02/skos/core#Concept": {"de": "Begriff", "en": "concept"},
}


class Describer:
    """Looks up, in the validated data, what a person needs to find and fix a problem."""

    def __init__(self, store: ox.Store, locations: LocationIndex) -> None:
        self.store = store
        self.locations = locations

    def problem(
        self,
        focus,
        path: ox.NamedNode | None,
        messages: dict[str, str],
        severity: Severity,
        shown_path: str | None = None,
    ) -> Problem:
        resource, chain = self._named_owner(focus)
        steps = [compact(p.value) for p in chain]
        if path is not None:
            steps.append(compact(path.value))
        elif shown_path:
            steps.append(shown_path)
        location = self.locations.find(resource.value) if isinstance(resource, ox.NamedNode) else None
        return Problem(
            message={lang: text.rstrip(".") + "." for lang, text in messages.items()},
            file=location.file if location else None,
            line=location.line if location else None,
            resource=resource.value if isinstance(resource, ox.NamedNode) else None,
            resource_label=self.label(resource),
            resource_kind=self.kind(resource),
            property="/".join(steps) or None,
            severity=severity,
        )

    def _named_owner(self, focus):
        """A blank node (a period, a grant) is reported at the named resource that holds it."""
        chain: list[ox.NamedNode] = []
        seen = set()
        while isinstance(focus, ox.BlankNode) and focus not in seen:
            seen.add(focus)
            holder = next(iter(self.store.quads_for_pattern(None, None, focus)), None)
            if holder is None:
                break
            chain.insert(0, holder.predicate)
            focus = holder.subject
        return focus, chain

    def label(self, node) -> str | None:
        if not isinstance(node, ox.NamedNode):
            return None
        labels: dict[str, str] = {}
        for predicate in (_SKOS_PREF_LABEL, _RDFS_LABEL, _CITATION):
            for quad in self.store.quads_for_pattern(node, predicate, None):
                if isinstance(quad.object, ox.Literal):
                    labels.setdefault(quad.object.language or "", quad.object.value)
        return labels.get("de") or labels.get("en") or next(iter(labels.values()), None)

    def kind(self, node) -> dict[str, str]:
        """The name of the resource's class in each language: ikg's own label first, then a known name."""
        if not isinstance(node, ox.NamedNode):
            return {}
        known: dict[str, str] = {}
        for quad in self.store.quads_for_pattern(node, _RDF_TYPE, None):
            cls = quad.object
            if not isinstance(cls, ox.NamedNode | ox.BlankNode):
                # pyoxigraph would refuse it as the next pattern's subject with a TypeError too
                raise TypeError(f"{node} has the rdf:type {cls}, which is not a class")
            labels = {
                label.object.language: label.object.value
                for label in self.store.quads_for_pattern(cls, _RDFS_LABEL, None)
                if isinstance(label.object, ox.Literal) and label.object.language
            }
            if labels:
                return labels
            known = known or _CLASS_NAMES.get(cls.value, {})
        return known
