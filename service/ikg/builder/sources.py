"""Finding and parsing the source files: vocab/ into the vocabulary graph, graph/ as the TriG says."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..problems import Problem
from ..rdf.iris import graph_iri
from .locations import LocationIndex

VOCABULARY_GRAPH = graph_iri("vocabulary")
_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
    ".nt": ox.RdfFormat.N_TRIPLES,
}


@dataclass(frozen=True)
class SourceFile:
    path: Path
    display_name: str
    # Turtle and N-Triples have no graphs: their triples go into this named graph.
    graph: str


@dataclass
class LoadedSources:
    store: ox.Store
    locations: LocationIndex
    files: list[SourceFile]
    problems: list[Problem] = field(default_factory=list)


def project_sources(root: Path) -> list[SourceFile]:
    """The vocabulary files and every graph file of a project, in a stable order."""
    return vocabulary_sources(root) + data_sources(root, [root / "graph"])


def vocabulary_sources(root: Path) -> list[SourceFile]:
    return [SourceFile(p, _display(p, root), VOCABULARY_GRAPH) for p in sorted((root / "vocab").glob("*.ttl"))]


def data_sources(root: Path, paths: list[Path]) -> list[SourceFile]:
    """Graph files named directly, or found in folders; Turtle files go to a graph named after the file."""
    files: list[SourceFile] = []
    for path in paths:
        candidates = sorted(p for p in path.rglob("*") if p.suffix in _FORMATS) if path.is_dir() else [path]
        for candidate in candidates:
            files.append(SourceFile(candidate, _display(candidate, root), graph_iri(candidate.stem)))
    return files


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def load(files: list[SourceFile]) -> LoadedSources:
    """Parses every file into one in-memory store; a file with a syntax error adds nothing and becomes a
    problem with its line and column."""
    store = ox.Store()
    locations = LocationIndex()
    problems: list[Problem] = []
    for source in files:
        problem = _load_file(source, store)
        if problem:
            problems.append(problem)
        else:
            locations.add_file(source.path, source.display_name)
    return LoadedSources(store, locations, files, problems)


def _load_file(source: SourceFile, store: ox.Store) -> Problem | None:
    rdf_format = _FORMATS.get(source.path.suffix)
    if rdf_format is None:
        return Problem(
            {
                "de": f"unbekanntes Dateiformat {source.path.suffix!r}; erwartet .ttl, .trig, .nt oder .nq",
                "en": f"unknown file format {source.path.suffix!r}; expected .ttl, .trig, .nt or .nq",
            },
            file=source.display_name,
        )
    has_graphs = rdf_format in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS)
    try:
        # Store.load is one transaction: a file that fails to parse leaves nothing behind.
        store.load(path=source.path, format=rdf_format, to_graph=None if has_graphs else ox.NamedNode(source.graph))
    except SyntaxError as error:
        return _syntax_problem(source, error)
    except (OSError, UnicodeDecodeError) as error:
        return Problem(
            {"de": f"die Datei ist nicht lesbar: {error}", "en": f"the file cannot be read: {error}"},
            file=source.display_name,
        )
    outside = next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None)
    if outside is not None:
        store.remove_graph(ox.DefaultGraph())
        return Problem(
            {
                "de": "Aussagen außerhalb eines benannten Graphen; "
                "in TriG-Dateien gehört jede Aussage in einen GRAPH-Block",
                "en": "statements outside a named graph; in TriG files every statement belongs in a GRAPH block",
            },
            file=source.display_name,
            resource=getattr(outside.subject, "value", None),
        )
    return None


def _syntax_problem(source: SourceFile, error: SyntaxError) -> Problem:
    # pyoxigraph puts "Parser error between line L column C and ...: reason" in the message.
    reason = str(error.msg).split(": ", 1)[-1] if error.msg else str(error)
    return Problem(
        {"de": f"die Datei lässt sich nicht lesen: {reason}", "en": f"the file cannot be parsed: {reason}"},
        file=source.display_name,
        line=error.lineno,
        column=error.offset,
        is_syntax_error=True,
    )
