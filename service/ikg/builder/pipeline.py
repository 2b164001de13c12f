"""`ikg build`: parse, validate, materialise, rewrite to the public base, write dist/ atomically."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .. import __version__
from ..problems import DataError, Problem
from ..progress import Progress, Silent
from ..rdf.iris import CANONICAL_BASE, BaseRewriter, normalise_base
from ..rdf.namespaces import prefixes
from ..rdf.oxigraph_types import serialized
from . import dumps, editions, evidence, precomputed, shrinking, sorted_dataset, sources, statistics, void_description
from .catalogue import PREFIXES as CATALOGUE_PREFIXES
from .catalogue import PROFILES, CatalogueInput, Edition, build_catalogue
from .last_changed import last_changed
from .leftovers import RETIRED, SCRATCH, STAGING, own_prefix, remove_abandoned
from .manifest import MANIFEST, Manifest, Statistics, read_manifest
from .materialise import materialise
from .publication_config import load as load_publication_config
from .validate import Engine, Validator

# What a build is made from, below the project's root: a change in any of them calls for a new build (the
# named queries too: the descriptions the build writes are made with two of them).
SOURCE_FOLDERS = ("vocab", "shapes", "graph", "queries")
SOURCE_FILES = ("publication.toml",)
VOID_FILE = "void.ttl"


def catalogue_file(profile: str) -> str:
    return "catalog.ttl" if profile == "dcat-ap-de-3.0" else f"catalog-{profile}.ttl"


@dataclass(frozen=True)
class BuildResult:
    dist: Path
    manifest: Manifest
    warnings: list[Problem]


def check(
    root: Path, engine: Engine = "sparql", paths: list[Path] | None = None, alone: bool = False
) -> tuple[sources.LoadedSources, list[Problem]]:
    """Parses and validates; returns the loaded sources and every problem found (violations and warnings).

    Files named in `paths` are checked together with the project's graph/ (so that their links to
    organisations or goals defined there resolve), or with the vocabulary only when `alone` is set."""
    files = sources.project_sources(root) if paths is None else sources.vocabulary_sources(root)
    if paths is not None:
        extra = sources.data_sources(root, paths)
        if not alone:
            files = sources.project_sources(root)
        known = {f.path.resolve() for f in files}
        files += [f for f in extra if f.path.resolve() not in known]
    loaded = sources.load(files)
    if loaded.problems:
        return loaded, loaded.problems
    problems = Validator(root / "shapes" / "ikg-shapes.ttl", engine).validate(loaded.store, loaded.locations)
    return loaded, problems + evidence.missing_reasons(loaded.store, loaded.locations)


BUILD_STEPS = {
    "de": ("gelesen und geprüft", "abgeleitet", "Dumps geschrieben", "Katalog und VoID geschrieben"),
    "en": ("read and validated", "materialised", "dumps written", "catalogue and VoID written"),
}


def build(
    root: Path,
    dist: Path,
    base_url: str = CANONICAL_BASE,
    engine: Engine = "sparql",
    progress: Progress | Silent | None = None,
    allow_shrink: bool = False,
) -> BuildResult:
    """Builds into a temporary folder next to `dist` and swaps it in only when everything succeeded and
    it takes nothing large away from the build in `dist` (see `shrinking`), unless `allow_shrink`."""
    steps = progress or Silent()
    config = load_publication_config(root)  # before the long work: a broken setting fails at once
    loaded, problems = check(root, engine)
    steps.step()
    if any(p.severity == "violation" for p in problems):
        raise DataError(problems)
    store = loaded.store
    del loaded  # its index of the source files' lines served the problems' locations only: freed for the dumps
    materialise(store)
    evidence.annotate(store)  # after materialising: derived super-property statements are marked too
    steps.step()
    rewriter = BaseRewriter(CANONICAL_BASE, normalise_base(base_url))
    marked = {rewriter.iri(g.value) for g in evidence.marked_graphs(store)}
    stats = _rewrite_keys(statistics.compute(store), rewriter)
    dist.parent.mkdir(parents=True, exist_ok=True)
    for kind in (STAGING, SCRATCH, RETIRED):
        remove_abandoned(dist, kind)
    staging = Path(tempfile.mkdtemp(prefix=own_prefix(dist, STAGING), dir=dist.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the dumps are for everyone to read
    try:
        namespaces = prefixes(rewriter.target_base)
        with _scratch(dist) as scratch:
            data = sorted_dataset.write(store, rewriter, scratch / "graph.nq")
            written = [d.as_dict() for d in dumps.write_all(data, staging, namespaces, marked)]
            steps.step()
            found = [
                Edition(
                    rewriter.iri(e.report),
                    rewriter.iri(e.graph),
                    e.year,
                    dumps.write_graph(data, rewriter.iri(e.graph), e.stem, staging, namespaces).as_dict(),
                )
                for e in editions.find(store)
            ]
            graph_version = dumps.graph_version(data)
        modified = last_changed(root)
        years = editions.coverage(store) or (modified[:4], modified[:4])
        given = CatalogueInput(rewriter.target_base, config, written, found, modified, years)
        for profile in PROFILES:
            catalogue = build_catalogue(given, profile)
            _write_turtle(staging / catalogue_file(profile), catalogue, CATALOGUE_PREFIXES)
        void = void_description.describe(rewriter.target_base, stats, written)
        _write_turtle(staging / VOID_FILE, void, {**CATALOGUE_PREFIXES, **namespaces})
        steps.step()
        manifest = Manifest(
            ikg_version=__version__,
            base=rewriter.target_base,
            canonical_base=CANONICAL_BASE,
            graph_version=graph_version,
            modified=modified,
            statistics=stats,
            dumps=written + [e.dump for e in found],
            editions=[{"report": e.report, "graph": e.graph, "year": e.year, "dump": e.dump["file"]} for e in found],
        )
        precomputed.write(staging, rewriter.target_base, root / "queries", manifest.graph_version)
        (staging / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
        served = _served_manifest(dist)
        lost = shrinking.losses(served, manifest) if served and not allow_shrink else []
        if lost:
            raise shrinking.ShrinkError(lost, "ikg build --allow-shrink")
        _swap_in(staging, dist)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildResult(dist, manifest, [p for p in problems if p.severity == "warning"])


def _write_turtle(path: Path, triples: list[ox.Triple], namespaces: dict[str, str]) -> None:
    """Turtle with each subject's statements together, subjects in the order they were first described."""
    first_seen: dict[str, int] = {}
    for triple in triples:
        first_seen.setdefault(str(triple.subject), len(first_seen))
    grouped = sorted(triples, key=lambda t: first_seen[str(t.subject)])
    path.write_bytes(serialized(grouped, ox.RdfFormat.TURTLE, namespaces))


@contextmanager
def _scratch(dist: Path) -> Iterator[Path]:
    """A private folder next to `dist` for the sorted graph the dumps are read from (as large as the N-Quads
    dump unpacked): on the disk that takes the build anyway, not in a /tmp that may live in memory."""
    with tempfile.TemporaryDirectory(prefix=own_prefix(dist, SCRATCH), dir=dist.parent) as folder:
        yield Path(folder)


def _rewrite_keys(stats: Statistics, rewriter: BaseRewriter) -> Statistics:
    for key in ("graphs", "classes", "properties"):
        stats[key] = {rewriter.iri(iri): n for iri, n in stats[key].items()}
    return stats


def _swap_in(staging: Path, dist: Path) -> None:
    """The old dist/ is moved aside only once the new one is complete, and removed only after the swap."""
    retired = None
    if dist.exists():
        retired = dist.with_name(f"{own_prefix(dist, RETIRED)}0")
        os.replace(dist, retired)
    os.replace(staging, dist)
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)


def _served_manifest(dist: Path) -> Manifest | None:
    """The manifest of the build `dist` holds now; None for a first build (or one too broken to compare)."""
    try:
        return read_manifest(dist)
    except (OSError, ValueError):
        return None


def source_files(root: Path) -> list[Path]:
    """Every file a build of the project in `root` reads, editors' temporary files left out."""
    files = [p for folder in SOURCE_FOLDERS for p in (root / folder).rglob("*") if p.is_file()]
    files += [root / name for name in SOURCE_FILES if (root / name).is_file()]
    return [p for p in files if not p.name.startswith(".") and not p.name.endswith("~")]
