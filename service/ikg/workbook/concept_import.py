"""`ikg import`, the concept's sheets and the status column: action fields and goals, and each measure's status.

A new action field or goal (a row with an empty Kennung) goes to the concept's graph, g:concept, as the
concept's own fields and goals do; the decision that adopted it to g:decisions, where every decision's
outcome is. Goals are not an edition's: a status report reports measures against the concept, and the
concept outlives every edition, so a goal entered while preparing the 2025 edition is the concept's goal in
every later edition too (it is written to graph/import-2025.trig, but in the concept's graph). The fields
and goals are read before the measures, so that a measure row of the same file can name a goal added here.
A row naming by its Kennung a field or goal that the earlier import of the same edition created makes it
again, as for measures (importer._Import._existing_id): that edition can be exported and imported again.

An existing row is only checked: a label, letter, kind or field that differs from the graph is a warning
naming the old and the new value, and is not taken over; sources not in the graph yet, and the decision of
a goal whose decision the graph does not know, are added.

The status is what one edition says of a measure, so it is always written to that edition's graph: what
another edition or graph says does not count; only the edition's own graph already stating it (an edition
that graph/ holds, exported and imported again) writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from ..problems import sentences
from ..rdf.iris import CANONICAL_BASE
from . import importer
from .concept_terms import (
    BROADER,
    CONCEPT,
    DECISION,
    GENERATED,
    GOAL_KIND_SCHEME,
    HAS_TOP_CONCEPT,
    IN_SCHEME,
    KIND,
    STATUS,
    STATUS_SCHEME,
    TOP_CONCEPT_OF,
    code_index,
    current_concepts,
    members,
    shown,
)
from .graph_reader import (
    FIELD,
    GOAL,
    NOTATION,
    OVERALL_GOAL,
    PREF_LABEL,
    RDF_TYPE,
    SOURCE,
    id_iri,
    node,
    slug_of,
)
from .workbook import FIELDS, GOALS, MEASURES, Row

CONCEPT_GRAPH = f"{CANONICAL_BASE}graph/concept"
DECISIONS_GRAPH = f"{CANONICAL_BASE}graph/decisions"
MESSAGES = {
    "source_required": (
        "ein neuer Eintrag braucht mindestens eine öffentliche Quelle (https-Adresse)",
        "a new entry needs at least one public source (https address)",
    ),
    "sources_cleared": (
        "die Quellen sind leer; die Quellen im Graphen bleiben, eine Zeile braucht aber ihre Quelle",
        "the sources are empty; the graph's sources stay, but a row needs its source",
    ),
    "changed": (
        "weicht vom Graphen ab (bisher »{old}«, jetzt »{new}«) und wird nicht übernommen; solche Korrekturen "
        "macht die Redaktion in graph/",
        "differs from the graph (was »{old}«, now »{new}«) and is not taken over; the editors make such "
        "corrections in graph/",
    ),
    "unknown_value": (
        "»{value}« gibt es nicht; erlaubt sind: {allowed}",
        "there is no »{value}«; allowed are: {allowed}",
    ),
    "one_field": (
        "ein Ziel gehört zu höchstens einem Handlungsfeld; bitte nur eines eintragen (leer bei übergreifenden Zielen)",
        "a goal belongs to at most one action field; please enter one (none for an overall goal)",
    ),
    "no_concept": (
        "der Graph hat kein eindeutiges geltendes Integrationskonzept, zu dem der neue Eintrag gehören könnte; "
        "das klärt die Redaktion in graph/",
        "the graph has no single integration concept in force the new entry could belong to; the editors "
        "settle that in graph/",
    ),
    "status_stated": (
        "die Ausgabe nennt schon den Status »{old}«; »{new}« wird nicht übernommen, solche Korrekturen macht "
        "die Redaktion in graph/",
        "the edition already gives the status »{old}«; »{new}« is not taken over, the editors make such "
        "corrections in graph/",
    ),
}


def _said(key: str, **values: object) -> dict[str, str]:
    return sentences(MESSAGES[key], **values)


def read_concept(work: importer._Import) -> None:
    """The sheets Handlungsfelder and Ziele, in that order (a goal may name a field added above it)."""
    concept = ConceptRows(work)
    for row in work._filled_rows(work.filled.rows.get(FIELDS.key, [])):
        concept.field(row)
    for row in work._filled_rows(work.filled.rows.get(GOALS.key, [])):
        concept.goal(row)


def read_statuses(work: importer._Import) -> None:
    """Each measure row's status, once the measures are read (their rows are the import's places)."""
    index = code_index(work.view, STATUS_SCHEME)
    allowed = ", ".join(shown(work.view, s) for s in members(work.view, STATUS_SCHEME))
    for iri, place in list(work.places.items()):
        value = place.row.text("status")
        if place.row.sheet is not MEASURES or not value:
            continue
        status = index.get(value.casefold())
        if status is None:
            work._problem(place.row, "status", _said("unknown_value", value=value, allowed=allowed))
            continue
        _status(work, node(iri), place.row, status)


def _status(work: importer._Import, measure: ox.NamedNode, row: Row, status: ox.NamedNode) -> None:
    stated = [q.object for q in work.store.quads_for_pattern(measure, STATUS, None, node(work.edition_graph))]
    if status in stated:
        return
    if stated:
        old = ", ".join(shown(work.view, s) for s in stated if isinstance(s, ox.NamedNode))
        work._problem(row, "status", _said("status_stated", old=old, new=shown(work.view, status)), warning=True)
        return
    work.add(measure, STATUS, status, work.edition_graph)


class ConceptRows:
    """The rows of the two concept sheets, each checked against the graph and, when new, written."""

    def __init__(self, work: importer._Import) -> None:
        self.work = work
        self.view = work.view
        concepts = current_concepts(self.view)
        self.concept = concepts[0] if len(concepts) == 1 else None
        self.kinds = code_index(self.view, GOAL_KIND_SCHEME)
        self.kinds_allowed = ", ".join(shown(self.view, k) for k in members(self.view, GOAL_KIND_SCHEME))
        work.names["decision"] = work._index(DECISION)
        self.seen: dict[str, int] = {}

    def field(self, row: Row) -> None:
        iri = self._iri(row, "field", (FIELD,))
        if iri is None:
            return
        if self.work._existing_id("field", row):
            self._check_labels(iri, row)
            self._check(row, "notation", sorted(o.value for o in self.view.objects(iri, NOTATION)))
            self._known_row(iri, row)
            return
        if not self._new(iri, row):
            return
        notation = row.text("notation")
        for kind in (FIELD, CONCEPT):
            self._add(iri, RDF_TYPE, kind)
        if notation:
            self._add(iri, NOTATION, ox.Literal(notation))
        self._add(iri, IN_SCHEME, self.concept)
        self._add(iri, TOP_CONCEPT_OF, self.concept)
        self._add(self.concept, HAS_TOP_CONCEPT, iri)  # type: ignore[arg-type]
        self._named("field", iri, row, {notation, f"{notation} – {row.text('title_de')}"} if notation else set())

    def goal(self, row: Row) -> None:
        fields = self.work._resolve("field", row, "action_fields", "unknown_field")
        if len(fields) > 1:
            self.work._problem(row, "action_fields", _said("one_field"))
        kinds = self._kinds(row)
        iri = self._iri(row, "goal", (GOAL, OVERALL_GOAL))
        if iri is None:
            return
        if self.work._existing_id("goal", row):
            self._check_labels(iri, row)
            self._check_links(row, "kind", self.view.objects(iri, KIND), kinds)
            stated = [f for f in self.view.objects(iri, BROADER) if self.view.is_a(f, FIELD)]
            self._check_links(row, "action_fields", stated, fields)
            self._known_row(iri, row)
            return
        if not self._new(iri, row):
            return
        for cls in (GOAL if fields else OVERALL_GOAL, CONCEPT):
            self._add(iri, RDF_TYPE, cls)
        for kind in kinds:
            self._add(iri, KIND, kind)
        for field in fields[:1]:
            self._add(iri, BROADER, field)
        for scheme in self._schemes_of(fields[:1]):
            self._add(iri, IN_SCHEME, scheme)
        self._named("goal", iri, row, set())

    # Steps shared by fields and goals

    def _iri(self, row: Row, kind: str, classes: tuple[ox.NamedNode, ...]) -> ox.NamedNode | None:
        """The row's resource: the one its Kennung names, or a new one (named after its label, or after the
        Kennung where the earlier import of this edition created it)."""
        given = self.work._existing_id(kind, row)
        if not given:
            slug = self.work._new_slug(kind, row, row.text("title_de"))
            return node(id_iri(kind, slug)) if slug is not None else None
        iri = node(id_iri(kind, given))
        if not any(self.view.is_a(iri, cls) for cls in classes):
            self.work._problem(row, "id", importer._message("unknown_id_other", value=given))
            return None
        if iri.value in self.seen:
            other = self.seen[iri.value]
            self.work._problem(row, "id", importer._message("duplicate_id", value=given, other=other))
            return None
        self._place(iri, row)
        return iri

    def _place(self, iri: ox.NamedNode, row: Row) -> None:
        """Where the shapes' findings on the resource are told: this row."""
        self.seen[iri.value] = row.number
        self.work.places[iri.value] = importer._Place(row, row.text("title_de"))

    def _new(self, iri: ox.NamedNode, row: Row) -> bool:
        """A new row's source check, place, labels, sources and decisions; False if it cannot be written."""
        found = self.work._sources(row)
        if not row.values("sources"):
            self.work._problem(row, "sources", _said("source_required"))
        if self.concept is None:
            self.work._problem(row, "id", _said("no_concept"))
            return False
        self._place(iri, row)
        for lang in ("de", "en"):
            if row.text(f"title_{lang}"):
                self._add(iri, PREF_LABEL, ox.Literal(row.text(f"title_{lang}"), language=lang))
        for source in found:
            self._add(iri, SOURCE, source)
        for decision in self.work._resolve("decision", row, "decisions", "unknown_decision"):
            self.work.add(decision, GENERATED, iri, DECISIONS_GRAPH)
        return True

    def _named(self, kind: str, iri: ox.NamedNode, row: Row, extra: set[str]) -> None:
        """A new resource is known by its names from here on: the measures below may name it."""
        index = self.work.names[kind]
        for name in {row.text("title_de"), row.text("title_en"), slug_of(iri.value), *extra} - {""}:
            index[name] = None if index.get(name, iri.value) != iri.value else iri.value

    def _known_row(self, iri: ox.NamedNode, row: Row) -> None:
        """An existing row adds what the graph does not know yet: sources, and a decision where none is known."""
        found = self.work._sources(row)
        if not row.values("sources"):
            self.work._problem(row, "sources", _said("sources_cleared"), warning=True)
        for source in found:
            if not self.view.has(iri, SOURCE, source):
                self._add(iri, SOURCE, source)
        adopted = [q.subject for q in self.view.quads(None, GENERATED, iri) if isinstance(q.subject, ox.NamedNode)]
        known: list[object] = [d for d in adopted if self.view.is_a(d, DECISION)]
        decisions = self.work._resolve("decision", row, "decisions", "unknown_decision")
        if known:
            self._check_links(row, "decisions", known, decisions)
            return
        for decision in decisions:
            self.work.add(decision, GENERATED, iri, DECISIONS_GRAPH)

    def _check_labels(self, iri: ox.NamedNode, row: Row) -> None:
        for lang in ("de", "en"):
            old = self.view.label(iri, lang, fallback=False)
            self._check(row, f"title_{lang}", [old] if old else [])

    def _check(self, row: Row, column: str, old: list[str]) -> None:
        """A cell of an existing row that says something other than the graph: told with the old and the new
        value, not taken over. An empty cell says nothing new: the graph keeps its value."""
        if row.text(column) and sorted(row.values(column)) != sorted(old):
            self._changed(row, column, "; ".join(old))

    def _check_links(self, row: Row, column: str, old: Sequence[object], new: list[ox.NamedNode]) -> None:
        """As _check, for cells naming resources: compared by what the names resolve to."""
        resolved = len(new) == len(row.values(column))  # an unresolved name is told as a problem already
        if row.text(column) and resolved and set(new) != set(old):
            names = sorted(shown(self.view, o) for o in old if isinstance(o, ox.NamedNode))
            self._changed(row, column, "; ".join(names))

    def _changed(self, row: Row, column: str, old: str) -> None:
        self.work._problem(row, column, _said("changed", old=old or "–", new=row.text(column)), warning=True)

    def _kinds(self, row: Row) -> list[ox.NamedNode]:
        found = []
        for value in row.values("kind"):
            kind = self.kinds.get(value.casefold())
            if kind is None:
                self.work._problem(row, "kind", _said("unknown_value", value=value, allowed=self.kinds_allowed))
            else:
                found.append(kind)
        return found

    def _schemes_of(self, fields: list[ox.NamedNode]) -> list[ox.NamedNode]:
        """A field's goal is in the field's concept (whether the graph holds the field or this import adds it);
        an overall goal in the concept in force."""
        current = [self.concept] if self.concept is not None else []
        for field in fields:
            if self.view.is_a(field, FIELD):
                return [s for s in self.view.objects(field, TOP_CONCEPT_OF) if isinstance(s, ox.NamedNode)][:1]
        return current

    def _add(self, subject: ox.NamedNode, predicate: ox.NamedNode, obj: object) -> None:
        self.work.add(subject, predicate, obj, CONCEPT_GRAPH)
