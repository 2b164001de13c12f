"""`ikg import`: a filled template becomes the graph file of one report edition, or nothing at all.

What is written goes to graph/import-YEAR.trig, and only what the graph does not already say:
- new measures, organisations and programmes (rows with an empty Kennung) with their names, dates and
  sources, in the graphs for measures, organisations and programmes;
- a measure's descriptions (German first), the staff's own wording, in the editors' graph, where the
  graph has none in that language yet;
- for every row, in the edition's graph: that the edition contains the measure, and its operators,
  partners, action fields, goals, funding and sources, unless the graph states them already outside
  other editions. A link the graph states for every edition that a row leaves out stays (an edition cannot
  take back what holds for all), and a warning at the row's cell says so.
So importing the same file twice, or a file just exported, writes nothing new. Every problem names the
sheet, row and column; the shapes' own messages say what is wrong; any violation and nothing is written.
"""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox

from ..builder import editions as editions_module
from ..builder import sources
from ..builder.validate import Validator
from ..problems import DataError, Problem, RefusalError, sentences
from ..progress import Progress, Silent
from ..rdf.iris import CANONICAL_BASE
from ..rdf.namespaces import prefixes
from ..rdf.oxigraph_types import serialized, term_value
from . import checked_workbook, concept_import, workbook
from .graph_reader import (
    CREATOR,
    DCT,
    DESCRIPTION,
    END,
    FIELD,
    FORMAL_ORGANIZATION,
    FUNDER,
    GOAL,
    HOMEPAGE,
    MEASURE,
    NOTATION,
    ORGANIZATION,
    OVERALL_GOAL,
    PREF_LABEL,
    PROGRAMME,
    RDF_TYPE,
    REFERENCED_BY,
    REPORT,
    SOURCE,
    START,
    TEMPORAL,
    XSD,
    GraphView,
    id_iri,
    node,
    slug_of,
)
from .sheet_cells import Names
from .workbook import MEASURES, ORGANISATIONS, PROGRAMMES, Row
from .workbook import REPORT as REPORT_SHEET

GRAPH = f"{CANONICAL_BASE}graph/"
PROV_ENTITY = node("http://www.w3.org/ns/prov#Entity")
PRIMARY_SOURCE = node("http://www.w3.org/ns/prov#hadPrimarySource")
EVIDENCE = node(f"{CANONICAL_BASE}def/ikg#evidence")
SOURCED = node(f"{CANONICAL_BASE}def/evidence/belegt")
PERIOD = node(DCT + "PeriodOfTime")
TITLE = node(DCT + "title")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DATE_FORMS = (
    (re.compile(r"^\d{4}$"), "gYear"),
    (re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"), "gYearMonth"),
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "date"),
)
MESSAGES = {
    "empty_row": (
        "die Zeile ist leer, aber unter ihr folgen weitere; bitte die leere Zeile löschen",
        "the row is empty but more rows follow; please delete the empty row",
    ),
    "formula": (
        "die Zelle enthält eine Formel ({value}); bitte nur Werte eintragen, keine Formeln",
        "the cell holds a formula ({value}); please enter values only, no formulas",
    ),
    "control": (
        "der Text enthält unsichtbare Steuerzeichen ({value}); bitte ihn ohne sie neu eintippen",
        "the text holds invisible control characters ({value}); please type it again without them",
    ),
    "unknown_id": (
        "die Kennung »{value}« gibt es im Graphen nicht; bei einer neuen Maßnahme die Kennung leer lassen",
        "there is no identifier »{value}« in the graph; leave the identifier empty for a new measure",
    ),
    "unknown_id_other": (
        "die Kennung »{value}« gibt es im Graphen nicht; bei einem neuen Eintrag die Kennung leer lassen",
        "there is no identifier »{value}« in the graph; leave the identifier empty for a new entry",
    ),
    "duplicate_id": (
        "die Kennung »{value}« steht schon in Zeile {other}; jede Maßnahme darf nur einmal vorkommen",
        "the identifier »{value}« is already in row {other}; each measure may appear only once",
    ),
    "taken_id": (
        "die Kennung »{value}« ist schon vergeben; steht der Eintrag schon im Graphen, seine Kennung eintragen",
        "the identifier »{value}« is taken; if the entry is in the graph already, enter its identifier",
    ),
    "unknown_organisation": (
        "unbekannte Organisation »{value}«; bitte den Namen aus der Auswahlliste nehmen oder die Organisation "
        "im Blatt Organisationen neu anlegen",
        "unknown organisation »{value}«; please take the name from the list or add the organisation in the "
        "sheet Organisationen",
    ),
    "ambiguous": (
        "»{value}« passt auf mehrere Einträge; bitte die Kennung eintragen",
        "»{value}« matches several entries; please enter the identifier",
    ),
    "unknown_field": (
        "unbekanntes Handlungsfeld »{value}«; bitte eines aus der Auswahlliste nehmen",
        "unknown action field »{value}«; please take one from the list",
    ),
    "unknown_goal": (
        "unbekanntes Ziel »{value}«; bitte eines aus der Auswahlliste nehmen",
        "unknown goal »{value}«; please take one from the list",
    ),
    "unknown_decision": (
        "unbekannter Beschluss »{value}«; bitte einen aus der Auswahlliste nehmen",
        "unknown decision »{value}«; please take one from the list",
    ),
    "unknown_programme": (
        "unbekanntes Förderprogramm »{value}«; bitte eines aus der Auswahlliste nehmen oder es im Blatt "
        "Förderprogramme neu anlegen",
        "unknown funding programme »{value}«; please take one from the list or add it in the sheet Förderprogramme",
    ),
    "bad_date": (
        "»{value}« ist kein gültiges Datum; erlaubt sind JJJJ, JJJJ-MM oder JJJJ-MM-TT",
        "»{value}« is not a valid date; allowed are YYYY, YYYY-MM or YYYY-MM-DD",
    ),
    "bad_source": (
        "»{value}« ist keine Web-Adresse; eine Quelle beginnt mit https:// oder http://",
        "»{value}« is not a web address; a source starts with https:// or http://",
    ),
    "bad_website": (
        "»{value}« ist keine Web-Adresse; sie beginnt mit https:// oder http://",
        "»{value}« is not a web address; it starts with https:// or http://",
    ),
    "edition_mismatch": (
        "die Ausgabe {value} passt nicht zu --edition {edition}",
        "the edition {value} does not match --edition {edition}",
    ),
    "no_report": (
        "die Ausgabe {edition} ist neu: bitte im Blatt Bericht Jahr, Titel, Herausgeber und eine Quelle eintragen",
        "edition {edition} is new: please enter year, title, publisher and a source in the sheet Bericht",
    ),
    "ignored_change": (
        "weicht vom Graphen ab: »{old}« → »{new}«; die Änderung wird nicht übernommen, solche Korrekturen macht die "
        "Redaktion in graph/",
        "differs from the graph: »{old}« → »{new}«; the change is not taken over, the editors make such corrections "
        "in graph/",
    ),
    "ignored_addition": (
        "im Graphen steht hier nichts; »{new}« wird nicht übernommen, solche Ergänzungen macht die Redaktion in graph/",
        "the graph has nothing here; »{new}« is not taken over, the editors make such additions in graph/",
    ),
    "ignored_clearing": (
        "die Zelle ist leer, im Graphen steht »{old}«; das Leeren wird nicht übernommen, solche Korrekturen macht "
        "die Redaktion in graph/",
        "the cell is empty, the graph says »{old}«; clearing it is not taken over, the editors make such "
        "corrections in graph/",
    ),
    "required_cleared": (
        "»{column}« ist eine Pflichtangabe und darf auch in einer bestehenden Zeile nicht leer sein; bitte wieder "
        "eintragen (bisher: »{old}«)",
        "»{column}« is required and may not be empty in an existing row either; please enter it again "
        "(so far: »{old}«)",
    ),
    "timeless_kept": (
        "»{value}« fehlt in der Zeile, steht aber im Graphen für alle Ausgaben ({graphs}) und bleibt daher bestehen; "
        "{unless_de}, korrigiert die Redaktion graph/",
        "»{value}« is missing from the row, but the graph states it for every edition ({graphs}), so it stays; "
        "{unless_en}, the editors correct graph/",
    ),
    "not_a_year": (
        "--edition muss eine Jahreszahl wie 2025 sein, nicht »{value}«",
        "--edition must be a year such as 2025, not »{value}«",
    ),
}


# A measure's link columns with the property each states (workbook.MEASURES), what the names are looked up in,
# and the message for a name not found there.
def _link(column: str, kind: str, unknown: str) -> tuple[str, ox.NamedNode, str, str]:
    predicate = MEASURES.column(column).predicate
    if predicate is None:
        raise ValueError(f"the measures sheet's column {column!r} states no property to link with")
    return column, predicate, kind, unknown


# Read once: a column's property is the same for every row.
_LINKS = (
    _link("operators", "organisation", "unknown_organisation"),
    _link("partners", "organisation", "unknown_organisation"),
    _link("action_fields", "field", "unknown_field"),
    _link("goals", "goal", "unknown_goal"),
    _link("programmes", "programme", "unknown_programme"),
)
# When leaving out a link the graph states for every edition means something the editors must know of.
_NO_LONGER = {
    "operators": ("ist der Träger nicht mehr dabei", "if the operator is no longer involved"),
    "partners": ("ist der Partner nicht mehr dabei", "if the partner is no longer involved"),
    "action_fields": (
        "gehört die Maßnahme nicht mehr zu diesem Handlungsfeld",
        "if the measure no longer belongs to this action field",
    ),
    "goals": ("dient die Maßnahme diesem Ziel nicht mehr", "if the measure no longer serves this goal"),
    "programmes": ("fördert das Programm die Maßnahme nicht mehr", "if the programme no longer funds the measure"),
}


def _message(key: str, **values: object) -> dict[str, str]:
    return sentences(MESSAGES[key], **values)


@dataclass(frozen=True)
class CheckedCopy:
    """Where the checked workbook was written, or why it could not be."""

    path: Path | None
    failure: str = ""


@dataclass
class ImportResult:
    target: Path
    measures: int
    new: dict[str, int]
    quads: int
    written: bool  # the graph file; the checked copy never counts
    warnings: list[Problem] = field(default_factory=list)
    checked: CheckedCopy | None = None


class ImportRefusedError(DataError):
    """Nothing written: every problem (the warnings with the violations), and the checked copy that shows them
    in the workbook."""

    def __init__(self, problems: list[Problem], checked: CheckedCopy | None) -> None:
        super().__init__(problems)
        self.checked = checked


@dataclass
class _Place:
    row: Row
    label: str


class _Import:
    def __init__(self, root: Path, filled: workbook.Filled, edition: str) -> None:
        self.root = root
        self.filled = filled
        self.edition = edition
        self.target = root / "graph" / f"import-{edition}.trig"
        files = sources.project_sources(root)
        loaded = sources.load([f for f in files if f.path.resolve() != self.target.resolve()])
        previous = sources.load([f for f in files if f.path.resolve() == self.target.resolve()])
        if loaded.problems or previous.problems:
            raise DataError(loaded.problems + previous.problems)
        # What an earlier import of this edition created: its file is replaced whole, so a row that names one of
        # these by its Kennung (as the export of that edition does) creates it again rather than being refused.
        self.recreatable = {
            q.subject.value
            for q in previous.store.quads_for_pattern(None, RDF_TYPE, None)
            if isinstance(q.subject, ox.NamedNode)
        }
        self.loaded = loaded
        self.store = loaded.store
        found = {e.year: e for e in editions_module.find(self.store)}
        self.edition_graph = found[edition].graph if edition in found else f"{GRAPH}report-{edition}"
        self.report = (
            found[edition].report if edition in found else f"{CANONICAL_BASE}id/report/statusbericht-{edition}"
        )
        self.report_exists = edition in found
        # Whether the measures can name the edition's report: not when its row is refused, as "reference to
        # nothing" on every measure would only restate that one problem (which stops the import anyway).
        self.report_named = self.report_exists
        others = frozenset(e.graph for year, e in found.items() if year != edition)
        self.view = GraphView(self.store)
        self.edition_view = GraphView(self.store, others)
        # What holds for every edition: all but the editions' graphs (this one's too, whether graph/ holds it or
        # this import makes it), as /compare reads it; the marked graphs (editorial, uncertain, inferred) are in.
        self.timeless_view = GraphView(self.store, others | {self.edition_graph})
        self.problems: list[Problem] = list(filled.problems)
        self.warnings: list[Problem] = []
        self.quads: list[ox.Quad] = []
        self.places: dict[str, _Place] = {}
        self.new = {"measures": 0, "organisations": 0, "programmes": 0}
        self.names = {
            "organisation": self._index(ORGANIZATION),
            "programme": self._index(PROGRAMME),
            "field": self._index(FIELD, with_notation=True),
            "goal": {**self._index(GOAL), **self._index(OVERALL_GOAL)},
        }

    # Looking things up

    def _index(self, cls: ox.NamedNode, with_notation: bool = False) -> dict[str, str | None]:
        """Identifier and every label (and notation) → IRI; None where a name fits two resources."""
        index: dict[str, str | None] = {}
        for resource in self.view.of_type(cls):
            names = {slug_of(resource.value)}
            names |= {term_value(q.object) for q in self.view.quads(resource, PREF_LABEL, None)}
            if with_notation:
                for notation in self.view.objects(resource, NOTATION):
                    names |= {notation.value, f"{notation.value} – {self.view.label(resource)}"}
            for name in names:
                index[name] = None if index.get(name, resource.value) != resource.value else resource.value
        return index

    def _resolve(self, kind: str, row: Row, column: str, unknown: str) -> list[ox.NamedNode]:
        found = []
        for value in row.values(column):
            index = self.names[kind]
            if value not in index:
                self._problem(row, column, _message(unknown, value=value))
            elif index[value] is None:
                self._problem(row, column, _message("ambiguous", value=value))
            else:
                found.append(node(index[value]))  # type: ignore[arg-type]
        return found

    # Problems

    def _problem(self, row: Row, column: str | None, message: dict[str, str], warning: bool = False) -> None:
        header = row.sheet.column(column).header if column else None
        problem = Problem(
            message=message,
            file=self.filled.file,
            sheet=row.sheet.name,
            line=row.number,
            column=header,
            resource_label=_clipped(row.text("title_de") or row.text("name_de")) or None,
            resource_kind=_KINDS.get(row.sheet.key, {}),
            severity="warning" if warning else "violation",
            in_spreadsheet=True,
        )
        (self.warnings if warning else self.problems).append(problem)

    def _check_cells(self, row: Row) -> None:
        for key, cell in row.cells.items():
            if cell.formula:
                self._problem(row, key, _message("formula", value=_shown(cell.text)))
            elif _has_control(cell.text, allow_newlines=key.startswith("description")):
                self._problem(row, key, _message("control", value=_shown(cell.text)))

    # Writing intentions

    def add(self, subject: ox.NamedNode | ox.BlankNode, predicate: ox.NamedNode, obj, graph: str) -> None:
        self.quads.append(ox.Quad(subject, predicate, obj, node(graph)))

    def edition_statement(self, subject: ox.NamedNode, predicate: ox.NamedNode, obj) -> None:
        """A statement of this edition, unless the graph already says it outside other editions."""
        if not self.edition_view.has(subject, predicate, obj):
            self.add(subject, predicate, obj, self.edition_graph)

    # The sheets

    def run(self) -> None:
        rows = self.filled.rows
        for sheet in (ORGANISATIONS, PROGRAMMES):
            for row in self._filled_rows(rows.get(sheet.key, [])):
                self._entry(sheet, row)
        concept_import.read_concept(self)  # before the measures: a measure may serve a goal added in the file
        self._report(rows.get(REPORT_SHEET.key, []))
        seen: dict[str, int] = {}
        for row in self._filled_rows(rows.get(MEASURES.key, [])):
            self._measure(row, seen)
        concept_import.read_statuses(self)

    def _filled_rows(self, rows: list[Row]) -> list[Row]:
        filled = []
        for row in rows:
            if row.empty:
                self._problem(row, None, _message("empty_row"))
                continue
            self._check_cells(row)
            filled.append(row)
        return filled

    def _existing_id(self, kind: str, row: Row) -> str:
        """The row's Kennung when it names an entry the graph holds; "" when the row makes its entry: it has no
        Kennung, or one the earlier import of this edition created. That import's file is replaced whole, so
        such a row (as the export of that edition writes it) creates the entry again rather than being refused."""
        given = row.text("id")
        return "" if id_iri(kind, given) in self.recreatable else given

    def _new_slug(self, kind: str, row: Row, name: str) -> str | None:
        """A new entry's identifier: the row's Kennung when it makes an entry again, else made from its name."""
        slug = _slugify(row.text("id") or name) or f"zeile-{row.number}"
        iri = id_iri(kind, slug)
        if self.view.has(node(iri), None, None) or iri in self.places:
            self._problem(row, "id", _message("taken_id", value=slug))
            return None
        return slug

    def _entry(self, sheet: workbook.Sheet, row: Row) -> None:
        """An organisation or a funding programme: an existing one is only checked, a new one is created."""
        kind = "organisation" if sheet is ORGANISATIONS else "programme"
        cls = ORGANIZATION if kind == "organisation" else PROGRAMME
        given = self._existing_id(kind, row)
        if given:
            if not self.view.is_a(node(id_iri(kind, given)), cls):
                self._problem(row, "id", _message("unknown_id_other", value=given))
            else:
                self._required_kept(row, node(id_iri(kind, given)))
            return
        slug = self._new_slug(kind, row, row.text("name_de"))
        if slug is None:
            return
        iri = node(id_iri(kind, slug))
        graph = f"{GRAPH}organisations" if kind == "organisation" else f"{GRAPH}programmes"
        self.places[iri.value] = _Place(row, row.text("name_de"))
        self.new[f"{kind}s"] += 1
        self.add(iri, RDF_TYPE, ORGANIZATION if kind == "organisation" else PROGRAMME, graph)
        if kind == "organisation" and row.text("formal").lower() in ("ja", "yes", "x"):
            self.add(iri, RDF_TYPE, FORMAL_ORGANIZATION, graph)
        self._labels(iri, row, "name", graph)
        if kind == "organisation":
            self._website(iri, row, graph)
        for source in self._sources(row):
            self.add(iri, SOURCE, source, graph)
        for name in (row.text("name_de"), row.text("name_en"), slug):
            if name:
                self.names[kind][name] = iri.value
        if kind == "programme":
            for funder in self._resolve("organisation", row, "funders", "unknown_organisation"):
                self.add(iri, FUNDER, funder, graph)

    def _labels(self, iri: ox.NamedNode, row: Row, prefix: str, graph: str) -> None:
        for lang in ("de", "en"):
            if row.text(f"{prefix}_{lang}"):
                self.add(iri, PREF_LABEL, ox.Literal(row.text(f"{prefix}_{lang}"), language=lang), graph)

    def _website(self, iri: ox.NamedNode, row: Row, graph: str) -> None:
        website = row.text("website")
        if website and not website.startswith(("https://", "http://")):
            self._problem(row, "website", _message("bad_website", value=website))
        elif website:
            self.add(iri, HOMEPAGE, node(website), graph)

    def _sources(self, row: Row) -> list[ox.NamedNode]:
        found = []
        for value in row.values("sources"):
            if value.startswith(("https://", "http://")) and " " not in value:
                found.append(node(value))
            else:
                self._problem(row, "sources", _message("bad_source", value=value))
        return found

    def _report(self, rows: list[Row]) -> None:
        filled = self._filled_rows(rows)
        if not filled:
            if not self.report_exists:
                self.problems.append(
                    Problem(
                        message=_message("no_report", edition=self.edition),
                        file=self.filled.file,
                        sheet=REPORT_SHEET.name,
                        in_spreadsheet=True,
                    )
                )
            return
        row = filled[0]
        if row.text("edition") != self.edition:
            self._problem(row, "edition", _message("edition_mismatch", value=row.text("edition"), edition=self.edition))
            return
        report = node(self.report)
        if self.report_exists:
            self._required_kept(row, report)
            self._kept_text(row, "title_de", self._stated_texts(report, PREF_LABEL, "de"))
        self.places[report.value] = _Place(row, row.text("title_de"))
        creators = self._resolve("organisation", row, "creator", "unknown_organisation")
        if not self.report_exists:
            self.report_named = True
            for cls in (REPORT, PROV_ENTITY):
                self.add(report, RDF_TYPE, cls, self.edition_graph)
            title = ox.Literal(row.text("title_de"), language="de")
            self.add(report, PREF_LABEL, title, self.edition_graph)
            self.add(report, TITLE, title, self.edition_graph)
            year = ox.Literal(self.edition, datatype=node(XSD + "gYear"))
            period = ox.BlankNode(f"period-report-{self.edition}")
            self.add(report, TEMPORAL, period, self.edition_graph)
            self.add(period, RDF_TYPE, PERIOD, self.edition_graph)
            self.add(period, START, year, self.edition_graph)
            self.add(period, END, year, self.edition_graph)
            self._describe_edition_graph(report, title)
        for creator in creators:
            self.edition_statement(report, CREATOR, creator)
        for source in self._sources(row):
            self.edition_statement(report, SOURCE, source)

    def _describe_edition_graph(self, report: ox.NamedNode, title: ox.Literal) -> None:
        """The edition's graph says what the report says: sourced, with the report as its source, so that
        the sourced-only views and the evidence of every output count it as such."""
        graph, about = node(self.edition_graph), f"{GRAPH}about"
        self.add(graph, RDF_TYPE, PROV_ENTITY, about)
        self.add(graph, TITLE, title, about)
        self.add(graph, EVIDENCE, SOURCED, about)
        self.add(graph, PRIMARY_SOURCE, report, about)

    def _measure(self, row: Row, seen: dict[str, int]) -> None:
        given = self._existing_id("measure", row)
        if given:
            iri = node(id_iri("measure", given))
            if not self.view.is_a(iri, MEASURE):
                self._problem(row, "id", _message("unknown_id", value=given))
                return
            if given in seen:
                self._problem(row, "id", _message("duplicate_id", value=given, other=seen[given]))
                return
            seen[given] = row.number
            self.places[iri.value] = _Place(row, row.text("title_de"))
            self._existing_measure(iri, row)
        else:
            slug = self._new_slug("measure", row, row.text("title_de"))
            if slug is None:
                return
            seen[slug] = row.number
            iri = node(id_iri("measure", slug))
            self.places[iri.value] = _Place(row, row.text("title_de"))
            self.new["measures"] += 1
            self._new_measure(iri, row)
        self._edition_statements(iri, row)

    def _new_measure(self, iri: ox.NamedNode, row: Row) -> None:
        graph = f"{GRAPH}measures"
        self.add(iri, RDF_TYPE, MEASURE, graph)
        self._labels(iri, row, "title", graph)
        self._descriptions(iri, row)
        start, end = self._date(row, "start"), self._date(row, "end")
        if start is not None or end is not None:
            period = ox.BlankNode(f"period-{slug_of(iri.value)}")
            self.add(iri, TEMPORAL, period, graph)
            self.add(period, RDF_TYPE, PERIOD, graph)
            if start is not None:
                self.add(period, START, start, graph)
            if end is not None:
                self.add(period, END, end, graph)
        for source in self._sources(row):
            self.add(iri, SOURCE, source, graph)

    def _existing_measure(self, iri: ox.NamedNode, row: Row) -> None:
        """The timeless facts stay as the graph has them; a different value is told, not taken over."""
        self._required_kept(row, iri)
        for lang in ("de", "en"):
            self._kept_text(row, f"title_{lang}", self._stated_texts(iri, PREF_LABEL, lang))
        self._descriptions(iri, row)
        self._kept_dates(iri, row)
        for source in self._sources(row):
            self.edition_statement(iri, SOURCE, source)

    def _stated_texts(self, iri: ox.NamedNode, predicate: ox.NamedNode, lang: str) -> list[str]:
        return sorted(
            o.value for o in self.view.objects(iri, predicate) if isinstance(o, ox.Literal) and o.language == lang
        )

    def _kept_text(self, row: Row, key: str, stated: list[str]) -> None:
        """A timeless text of an existing entry: changing, adding or clearing it is told and not taken over. An
        empty required cell is left to _required_kept, which makes it a violation."""
        text = row.text(key)
        old = "; ".join(_shown(t, 80) for t in stated)
        if text and text not in stated:
            kind = "ignored_change" if stated else "ignored_addition"
            self._problem(row, key, _message(kind, old=old, new=_shown(text, 80)), warning=True)
        elif not text and stated and not row.sheet.column(key).required:
            self._problem(row, key, _message("ignored_clearing", old=old), warning=True)

    def _kept_dates(self, iri: ox.NamedNode, row: Row) -> None:
        """The period of an existing measure as the graph has it. Empty cells are what the export writes for a
        measure with no period or several, so only then are they no change."""
        dates = (row.text("start"), row.text("end"))
        checked = [self._date(row, key) for key in ("start", "end") if row.text(key)]  # a typo is never silent
        periods = self.view.periods(iri)
        if None in checked or dates in periods or (not any(dates) and len(periods) != 1):
            return
        column = "end" if len(periods) == 1 and dates[0] == periods[0][0] else "start"
        if periods:
            old = "; ".join(_period(*p) for p in periods)
            message = _message("ignored_change", old=old, new=_period(*dates))
        else:
            message = _message("ignored_addition", new=_period(*dates))
        self._problem(row, column, message, warning=True)

    def _required_kept(self, row: Row, iri: ox.NamedNode) -> None:
        """A required cell of a row the graph already knows, emptied. The graph would keep its old value, so the
        import could go on, but the template promises the column is required: a violation, told with what the
        graph holds so far. Where the graph holds nothing either, nothing was emptied (the export wrote the cell
        empty) and the shapes alone judge. A cell already at fault (too long, so read as empty) or a column
        missing from the header is told once, where it is."""
        for column in row.sheet.columns:
            if not column.required or row.text(column.key) or self._at_fault(row.sheet.name, row.number, column.header):
                continue
            old = "; ".join(_shown(v, 80) for v in self._stated(iri, column))
            if old:
                self._problem(row, column.key, _message("required_cleared", column=column.header, old=old))

    def _stated(self, iri: ox.NamedNode, column: workbook.Column) -> list[str]:
        """What the graph says for a column, as the export writes it: German texts, names, addresses."""
        predicate = column.predicate
        if predicate is None:
            return []
        values = []
        for value in self.view.objects(iri, predicate):
            if isinstance(value, ox.Literal) and value.language in ("de", None):
                values.append(value.value)
            elif isinstance(value, ox.NamedNode):
                values.append(value.value if predicate == SOURCE else self.view.label(value) or slug_of(value.value))
        return sorted(values)

    def _at_fault(self, sheet: str, line: int | None, column: str | None) -> bool:
        """Whether a violation is told already for this cell, or for this column's header (a missing column)."""
        return any(
            p.severity == "violation" and p.sheet == sheet and p.column == column and p.line in (line, 1)
            for p in self.problems
        )

    def _descriptions(self, iri: ox.NamedNode, row: Row) -> None:
        """A description in the sheet is the staff's own wording, so it goes to the editors' graph, where the
        German descriptions are. One the graph already has in that language stays; a different one is told,
        not taken over, as with titles."""
        for lang in ("de", "en"):
            key = f"description_{lang}"
            stated = self._stated_texts(iri, DESCRIPTION, lang)
            if row.text(key) and not stated:
                self.add(iri, DESCRIPTION, ox.Literal(row.text(key), language=lang), f"{GRAPH}editorial")
            else:
                self._kept_text(row, key, stated)

    def _edition_statements(self, iri: ox.NamedNode, row: Row) -> None:
        if self.report_named:
            self.edition_statement(iri, REFERENCED_BY, node(self.report))
        for column, predicate, kind, unknown in _LINKS:
            values = self._resolve(kind, row, column, unknown)
            for value in values:
                self.edition_statement(iri, predicate, value)
            self._timeless_kept(iri, row, column, predicate, values)

    def _timeless_kept(
        self, iri: ox.NamedNode, row: Row, column: str, predicate: ox.NamedNode, given: list[ox.NamedNode]
    ) -> None:
        """A link the graph states for every edition that the row leaves out: an edition's file can add to the
        timeless statements but not take one back, so the link stays, and the staff are told where it is stated.
        A cell already at fault (a name not found, an emptied required cell) is told once, as that; a column
        the file does not have says nothing about the measure."""
        header = row.sheet.column(column).header
        if column not in row.cells or self._at_fault(row.sheet.name, row.number, header):
            return
        for value in self.timeless_view.objects(iri, predicate):
            if not isinstance(value, ox.NamedNode) or value in given:
                continue
            graphs = sorted({_graph_name(q.graph_name) for q in self.timeless_view.quads(iri, predicate, value)})
            unless_de, unless_en = _NO_LONGER[column]
            message = _message(
                "timeless_kept",
                value=_shown(self.sheet_names.of(value), 80),
                graphs=", ".join(graphs),
                unless_de=unless_de,
                unless_en=unless_en,
            )
            self._problem(row, column, message, warning=True)

    @cached_property
    def sheet_names(self) -> Names:
        """Resources as the spreadsheet names them, for messages that quote a cell's value."""
        return Names(self.view)

    def _date(self, row: Row, key: str) -> ox.Literal | None:
        value = row.text(key)
        if not value:
            return None
        for pattern, datatype in _DATE_FORMS:
            if pattern.match(value) and (datatype != "date" or _real_date(value)):
                return ox.Literal(value, datatype=node(XSD + datatype))
        self._problem(row, key, _message("bad_date", value=value))
        return None

    # Checking the result with the shapes

    def validate(self, engine: str) -> None:
        """The shapes check what the rows would write even when rows have problems, so that every problem comes
        in one round; what a row problem already explains is left out (see _merge_findings)."""
        for quad in self.quads:
            self.store.add(quad)
        found = Validator(self.root / "shapes" / "ikg-shapes.ttl", engine).validate(  # type: ignore[arg-type]
            self.store, self.loaded.locations
        )
        self._merge_findings(found)

    def _merge_findings(self, found: list[Problem]) -> None:
        """The shapes' findings joined to the rows' problems. A finding on a cell that already has a row violation
        is dropped: the row check refused the cell's value (an unknown organisation, a source that is no
        address), so nothing of it reached the shapes, and their "operator missing" or "source missing" would
        only restate that one mistake, misleadingly. Dropping it cannot let anything through, as the row
        violation alone stops the import. A finding on a cell with only a warning is kept."""
        refused = {(p.sheet, p.line, p.column) for p in self.problems if p.column is not None}
        for problem in found:
            place = self.places.get(problem.resource or "")
            if place is None:  # the graph's own warnings are the editors' business, not this import's
                self.problems += [problem] if problem.severity == "violation" else []
                continue
            placed = self._in_sheet(problem, place)
            if (placed.sheet, placed.line, placed.column) not in refused:
                (self.problems if placed.severity == "violation" else self.warnings).append(placed)

    def _in_sheet(self, problem: Problem, place: _Place) -> Problem:
        sheet = place.row.sheet
        column = sheet.column_stating(problem.property or "")
        header = column.header if column is not None else None
        return Problem(
            message=problem.message,
            file=self.filled.file,
            sheet=sheet.name,
            line=place.row.number,
            column=header,
            resource=problem.resource,
            resource_label=place.label or problem.resource_label,
            resource_kind=problem.resource_kind,
            severity=problem.severity,
            in_spreadsheet=True,
        )


_KINDS = {
    "measures": {"de": "Maßnahme", "en": "Measure"},
    "organisations": {"de": "Organisation", "en": "Organisation"},
    "programmes": {"de": "Förderprogramm", "en": "Funding programme"},
    "report": {"de": "Bericht", "en": "Report"},
    "fields": {"de": "Handlungsfeld", "en": "Action field"},
    "goals": {"de": "Ziel", "en": "Goal"},
}


def _shown(text: str, limit: int = 40) -> str:
    from ..problems import printable

    shown = printable(text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _graph_name(graph: object) -> str:
    """A graph as the editors name it (graph/measures, graph/editorial), the default graph as graph/."""
    iri = graph.value if isinstance(graph, ox.NamedNode) else GRAPH
    return iri.removeprefix(CANONICAL_BASE)


def _period(start: str, end: str) -> str:
    return f"{start or '…'} – {end or '…'}"


def _clipped(text: str, limit: int = 80) -> str:
    """A title as a message names it: enough to find the row, not a page of text repeated per problem."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _has_control(text: str, allow_newlines: bool) -> bool:
    allowed = {"\n", "\t"} if allow_newlines else set()
    return any(unicodedata.category(c) in ("Cc", "Cf") and c not in allowed for c in text)


def _real_date(value: str) -> bool:
    import datetime as dt

    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _slugify(name: str) -> str:
    text = name.lower()
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, spelled)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60].strip("-")


IMPORT_STEPS = {
    "de": ("Tabelle gelesen", "Zeilen geprüft", "mit den Shapes validiert", "geschrieben"),
    "en": ("spreadsheet read", "rows checked", "validated with the shapes", "written"),
}


def run_import(
    root: Path,
    source: Path,
    edition: str,
    engine: str = "sparql",
    progress: Progress | Silent | None = None,
    lang: str = "de",
) -> ImportResult:
    """Reads, checks and writes; raises DataError with every problem and writes nothing when any is found."""
    steps = progress or Silent()
    if not re.fullmatch(r"\d{4}", edition):
        raise RefusalError(_message("not_a_year", value=_shown(edition)))
    work = _Import(root, workbook.read(source), edition)
    steps.step()
    work.run()
    steps.step()
    work.validate(engine)
    steps.step()
    told = _in_sheet_order(work.problems + work.warnings)
    checked = _checked_copy(source, told, lang)
    if work.problems:
        raise ImportRefusedError(told, checked)
    measures = sum(not r.empty for r in work.filled.rows.get(MEASURES.key, []))
    written = _write(work.target, work.quads, source.name, edition)
    steps.step()
    return ImportResult(work.target, measures, work.new, len(work.quads), written, work.warnings, checked)


def _in_sheet_order(problems: list[Problem]) -> list[Problem]:
    """Row problems and the shapes' findings together, as the staff go through the workbook: sheet by sheet, row
    by row (a stable sort, so one cell's problems keep the order they were found in); those outside it last."""
    order = {sheet.name: number for number, sheet in enumerate(workbook.SHEETS)}
    return sorted(problems, key=lambda p: (order.get(p.sheet or "", len(order)), p.line or 0))


def _checked_copy(source: Path, problems: list[Problem], lang: str) -> CheckedCopy | None:
    """The copy of the workbook with every problem at its cell, when there is any. It is a help beside the
    report, never instead of it: if it cannot be written, the report still comes, with the reason."""
    if not problems:
        return None
    target = checked_workbook.path_for(source)
    try:
        # Replaced whole, as the graph file is: a link or an old copy under that name is replaced, never
        # written through, so the input cannot be overwritten even if the copy's name leads to it.
        _replace(target, checked_workbook.render(source, problems, lang))
    except checked_workbook.CopyNotWrittenError as reason:
        return CheckedCopy(None, reason.text(lang))
    except OSError as error:
        return CheckedCopy(None, error.strerror or type(error).__name__)
    except Exception as error:  # whatever else stops the copy must not take the report with it
        return CheckedCopy(None, f"{type(error).__name__}: {error}")
    return CheckedCopy(target)


def _write(target: Path, quads: list[ox.Quad], source: str, edition: str) -> bool:
    """The edition's file, replaced whole (or removed when there is nothing to say); True if it changed."""
    before = target.read_bytes() if target.exists() else None
    if not quads:
        if before is not None:
            target.unlink()
        return before is not None
    ordered = sorted(set(quads), key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    header = (
        f"# Written by `ikg import {source} --edition {edition}`: the {edition} edition of the status report as far\n"
        "# as the graph did not say it already. Change the spreadsheet and import it again rather than this file.\n"
    ).encode()
    body = header + serialized(ordered, ox.RdfFormat.TRIG, prefixes())
    if body == before:
        return False
    _replace(target, body)
    return True


def _replace(target: Path, body: bytes) -> None:
    """Written beside the target and renamed over it, so graph/ holds the old file or the new one, never half a
    file nor a leftover, whatever fails (a full disk included). The new file gets the permissions the umask
    gives any file the user saves (open's 0o666 minus the umask), not mkstemp's private 0o600."""
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
    try:
        with temporary.open("xb") as out:
            out.write(body)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
