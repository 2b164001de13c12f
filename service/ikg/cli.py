"""The `ikg` command line: validate, build and serve the knowledge graph; fetch the front-end packages."""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .builder.pipeline import BUILD_STEPS, build, check
from .builder.shrinking import ShrinkError
from .builder.statistics import DOMAIN_CLASSES
from .builder.validate import ENGINES
from .problems import LANGUAGES, DataError, Problem, RefusalError
from .progress import Progress
from .rdf.iris import CANONICAL_BASE
from .settings import SettingError, Settings, language_from_environment, store_list

if TYPE_CHECKING:  # the importer is loaded only by the commands that use it
    from .workbook.importer import CheckedCopy

_SUMMARY = {
    "de": {
        "clean": "keine Probleme gefunden",
        "count": "{v} Fehler, {w} Warnung(en)",
        "built": "gebaut",
        "warned": "{n} Ressource(n) mit der Warnung: {text}",
    },
    "en": {
        "clean": "no problems found",
        "count": "{v} violation(s), {w} warning(s)",
        "built": "built",
        "warned": "{n} resource(s) with the warning: {text}",
    },
}
_CLASS_NAMES = {
    "de": {
        "measures": "Maßnahmen",
        "organisations": "Organisationen",
        "funding_programmes": "Förderprogramme",
        "action_fields": "Handlungsfelder",
        "goals": "Ziele (Handlungsfeld)",
        "overall_goals": "Übergreifende Ziele",
        "places": "Orte",
        "reports": "Berichte",
    },
    "en": {
        "measures": "measures",
        "organisations": "organisations",
        "funding_programmes": "funding programmes",
        "action_fields": "action fields",
        "goals": "goals (action field)",
        "overall_goals": "overall goals",
        "places": "places",
        "reports": "reports",
    },
}


# What every command exits with: scripts and schedulers can tell a finding in the data from a mistake in the call.
OK, FINDINGS, USAGE, NEEDS_CONSENT = 0, 1, 2, 3
EXIT_CODES = """exit codes:
  0  done
  1  findings: the data has violations, or a store or registry refused what was sent
  2  usage or environment: an option, a setting (IKG_*), a file or a folder is wrong or unreadable
  3  refused without consent: the build would take much of the publication away (--allow-shrink)"""


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        args.lang = getattr(args, "lang", None) or language_from_environment()
    except SettingError as wrong:
        print(f"ikg {args.command}: {wrong}", file=sys.stderr)
        return USAGE
    return int(args.run(args))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ikg",
        description="Integration knowledge graph publisher.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"ikg {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="parse and validate graph files; exit 1 if any is invalid")
    validate.add_argument("paths", nargs="*", type=Path, help="graph files or folders (default: graph/)")
    validate.add_argument(
        "--alone", action="store_true", help="check the files with the vocabulary only, not together with graph/"
    )
    _common(validate)
    validate.set_defaults(run=_validate)

    build_cmd = commands.add_parser("build", help="validate, then write the dumps and service files to dist/")
    build_cmd.add_argument("--dist", type=Path, default=None, help="output folder (default: ROOT/dist)")
    build_cmd.add_argument(
        "--base-url",
        default=os.environ.get("IKG_BASE_URL", CANONICAL_BASE),
        help="public base URL the IRIs are served under (default: $IKG_BASE_URL or the canonical base)",
    )
    build_cmd.add_argument(
        "--allow-shrink",
        action="store_true",
        help="replace the build in dist/ even with one that has no measures, loses over a quarter of its "
        "measures or resources, or drops a report edition (refused otherwise)",
    )
    _common(build_cmd)
    build_cmd.set_defaults(run=_build)

    serve_cmd = commands.add_parser(
        "serve", help="serve the graph: SPARQL endpoint, named queries (builds first if needed)"
    )
    serve_cmd.add_argument("--root", type=Path, default=Path("."), help="project folder with vocab/, shapes/, graph/")
    serve_cmd.add_argument("--dist", type=Path, default=None, help="build folder (default: ROOT/dist)")
    serve_cmd.add_argument("--host", default=None, help="interface to listen on (default: $IKG_HOST or 127.0.0.1)")
    serve_cmd.add_argument("--port", type=int, default=None, help="port (default: $IKG_PORT or 8000)")
    serve_cmd.add_argument(
        "--base-url",
        default=None,
        help="public base URL of the IRIs and the endpoint (default: $IKG_BASE_URL or http://HOST:PORT/)",
    )
    serve_cmd.add_argument(
        "--query-timeout",
        type=float,
        default=None,
        help="seconds a query may run before it is stopped with 503 (default: $IKG_QUERY_TIMEOUT or 10)",
    )
    serve_cmd.add_argument(
        "--query-workers",
        type=int,
        default=None,
        help="processes evaluating queries (default: $IKG_QUERY_WORKERS or the number of cores)",
    )
    serve_cmd.add_argument(
        "--workers",
        type=int,
        default=None,
        help="HTTP processes sharing the port; this process then only builds, the others follow its dist/ "
        "(default: $IKG_WORKERS or 1)",
    )
    serve_cmd.add_argument(
        "--watch",
        action="store_true",
        default=None,
        help="rebuild and reload when a file in vocab/, shapes/, graph/ or queries/ changes; a broken file "
        "keeps the last good graph served",
    )
    serve_cmd.add_argument(
        "--allow-shrink",
        action="store_true",
        default=None,
        help="let a build or reload replace the served graph even when it loses much of it "
        "(default: $IKG_ALLOW_SHRINK, else refused)",
    )
    serve_cmd.add_argument(
        "--store",
        action="append",
        default=None,
        help="answer queries from this external SPARQL store's query endpoint; repeat it (or separate by commas) "
        "for replicas holding the same build, used in turn with failover (default: $IKG_STORE, else embedded)",
    )
    serve_cmd.add_argument(
        "--store-update",
        action="append",
        default=None,
        help="the store's update endpoint, if not the query endpoint's sibling /update; one per --store",
    )
    serve_cmd.set_defaults(run=_serve)

    publish_cmd = commands.add_parser(
        "publish", help="load the built graph into an external SPARQL store, replacing each named graph whole"
    )
    publish_cmd.add_argument(
        "--store",
        action="append",
        required=True,
        help="the store's SPARQL query endpoint, e.g. http://host:7878/query; repeat it for every replica",
    )
    publish_cmd.add_argument(
        "--store-update",
        action="append",
        default=None,
        help="its update endpoint (default: the query endpoint's sibling /update); one per --store",
    )
    publish_cmd.add_argument("--root", type=Path, default=Path("."), help="project folder (default: .)")
    publish_cmd.add_argument("--dist", type=Path, default=None, help="the build to publish (default: ROOT/dist)")
    publish_cmd.add_argument(
        "--base-url",
        default=os.environ.get("IKG_BASE_URL", CANONICAL_BASE),
        help="public base URL of the IRIs, for a build made first (default: $IKG_BASE_URL or the canonical base)",
    )
    publish_cmd.set_defaults(run=_publish)

    export_cmd = commands.add_parser(
        "export", help="write the measures (of one report edition, or all) as a spreadsheet template"
    )
    export_cmd.add_argument("file", type=Path, help="the template to write: .xlsx (all sheets) or .csv (measures)")
    export_cmd.add_argument("--edition", default=None, help="the report edition (year) to export; default: all")
    export_cmd.add_argument("--root", type=Path, default=Path("."), help="project folder (default: .)")
    _language(export_cmd)
    export_cmd.set_defaults(run=_export)

    import_cmd = commands.add_parser(
        "import", help="turn a filled template into graph/import-YEAR.trig; writes nothing if anything is wrong"
    )
    import_cmd.add_argument("file", type=Path, help="the filled template (.xlsx, or .csv with the measures)")
    import_cmd.add_argument("--edition", required=True, help="the report edition (year) the rows belong to")
    _common(import_cmd)
    import_cmd.set_defaults(run=_import)

    assets = commands.add_parser(
        "assets", help="fetch the pinned front-end packages (the query editor) from the npm registry into vendor/"
    )
    assets.add_argument("--root", type=Path, default=Path("."), help="project folder (default: .)")
    assets.add_argument(
        "--registry",
        default=os.environ.get("IKG_NPM_REGISTRY") or None,
        help="npm registry or mirror to fetch from (default: $IKG_NPM_REGISTRY or registry.npmjs.org)",
    )
    assets.set_defaults(run=_assets)
    return parser


def _common(command: argparse.ArgumentParser) -> None:
    command.add_argument("--root", type=Path, default=Path("."), help="project folder with vocab/, shapes/, graph/")
    _language(command)
    command.add_argument(
        "--engine",
        choices=ENGINES,
        default="sparql",
        help="validation engine: sparql (fast, default) or pyshacl (reference)",
    )


def _language(command: argparse.ArgumentParser) -> None:
    # No default here: IKG_LANG is read, and refused when ikg does not speak it, once the call is parsed.
    command.add_argument("--lang", choices=LANGUAGES, help="language of the messages (default: $IKG_LANG or de)")


def _report(problems: list[Problem], lang: str) -> int:
    for problem in problems:
        print(problem.render(lang))
    violations = sum(p.severity == "violation" for p in problems)
    words = _SUMMARY[lang]
    print(words["count"].format(v=violations, w=len(problems) - violations) if problems else words["clean"])
    return FINDINGS if violations else OK


def _warning_counts(warnings: list[Problem], lang: str) -> list[str]:
    """How many resources each kind of warning concerns (e.g. those with only incomplete references), so the
    number is not lost in the list above it."""
    counts = Counter((w.resource, w.text(lang)) for w in warnings)
    per_text = Counter(text for _resource, text in counts)
    return [_SUMMARY[lang]["warned"].format(n=n, text=text) for text, n in per_text.items()]


def _validate(args: argparse.Namespace) -> int:
    paths = [p if p.is_absolute() else Path.cwd() / p for p in args.paths] or None
    _loaded, problems = check(args.root, args.engine, paths, alone=args.alone)
    return _report(problems, args.lang)


def _build(args: argparse.Namespace) -> int:
    dist = args.dist or args.root / "dist"
    steps = Progress("ikg build", BUILD_STEPS[args.lang])
    try:
        result = build(args.root, dist, args.base_url, args.engine, steps, allow_shrink=args.allow_shrink)
    except DataError as error:
        _report(error.problems, args.lang)
        return FINDINGS
    except ShrinkError as refusal:
        for line in refusal.lines(args.lang):
            print(line)
        return NEEDS_CONSENT
    except ValueError as error:
        print(f"ikg build: {error}", file=sys.stderr)
        return USAGE
    except OSError as error:  # a full disk, a folder without write permission: the reason, not a traceback
        print(f"ikg build: {dist} not written: {error.strerror or error}", file=sys.stderr)
        return USAGE
    for warning in result.warnings:
        print(warning.render(args.lang))
    for line in _warning_counts(result.warnings, args.lang):
        print(line)
    names = _CLASS_NAMES[args.lang]
    counts = result.manifest.statistics["domain"]
    for key in DOMAIN_CLASSES:
        print(f"{names[key]:>24}: {counts[key]}")
    stats = result.manifest.statistics
    print(
        f"{_SUMMARY[args.lang]['built']}: {dist} ({stats['triples']} triples, {len(stats['graphs'])} graphs, "
        f"version {result.manifest.graph_version})"
    )
    return OK


def _serve(args: argparse.Namespace) -> int:
    from .serve import serve

    try:
        settings = _serve_settings(args)
    except ValueError as wrong:  # a setting (IKG_*) that is not a number, say: its name, not a traceback
        print(f"ikg serve: {wrong}", file=sys.stderr)
        return USAGE
    if settings.workers < 1:
        print(f"ikg serve: --workers must be 1 or more, not {settings.workers}", file=sys.stderr)
        return USAGE
    try:
        serve(settings)
    except DataError as problem:
        _report(problem.problems, args.lang)
        return FINDINGS
    except ShrinkError as refusal:
        for line in refusal.lines(args.lang):
            print(f"ikg serve: {line}", file=sys.stderr)
        return NEEDS_CONSENT
    return OK


def _serve_settings(args: argparse.Namespace) -> Settings:
    return Settings.from_environment(
        root=args.root,
        dist=args.dist or args.root / "dist",
        host=args.host,
        port=args.port,
        base_url=args.base_url,
        query_timeout=args.query_timeout,
        query_workers=args.query_workers,
        watch=args.watch,
        store=store_list(args.store) or None,
        store_update=store_list(args.store_update) or None,
        allow_shrink=args.allow_shrink,
        workers=args.workers,
    )


_IMPORT_WORDS = {
    "de": {
        "exported": "{n} Maßnahmen geschrieben: {file}",
        "written": "geschrieben: {file} ({quads} Aussagen; neu: {measures} Maßnahmen, {organisations} Organisationen, "
        "{programmes} Förderprogramme; {rows} Zeilen in Ausgabe {edition})",
        "unchanged": "keine Änderung: der Graph enthält schon alles aus {source} ({rows} Zeilen in Ausgabe {edition})",
        "nothing": "nichts geschrieben.",
        "checked": "die Meldungen stehen auch an ihren Zellen in der Kopie {file} (Blatt Prüfbericht: die Liste)",
        "not_checked": "keine Kopie mit den Meldungen geschrieben: {reason}",
        "file_error": "Lesen oder Schreiben fehlgeschlagen ({reason})",
    },
    "en": {
        "exported": "wrote {n} measures: {file}",
        "written": "written: {file} ({quads} statements; new: {measures} measures, {organisations} organisations, "
        "{programmes} funding programmes; {rows} rows in edition {edition})",
        "unchanged": "no change: the graph holds everything in {source} already ({rows} rows in edition {edition})",
        "nothing": "nothing written.",
        "checked": "the messages are also at their cells in the copy {file} (sheet Prüfbericht: the list)",
        "not_checked": "no copy with the messages written: {reason}",
        "file_error": "reading or writing failed ({reason})",
    },
}


def _refused(command: str, error: ValueError | OSError, lang: str) -> None:
    """A refusal before or beside the data (an option, a file that cannot be read or written) in the chosen
    language: the sentence of a RefusalError, or the operating system's reason with the file it concerns."""
    if isinstance(error, RefusalError):
        said = error.text(lang)
    elif isinstance(error, OSError):
        said = _IMPORT_WORDS[lang]["file_error"].format(reason=error.strerror or type(error).__name__)
        said = f"{error.filename}: {said}" if error.filename else said
    else:
        said = str(error)
    print(f"{command}: {said}", file=sys.stderr)


def _export(args: argparse.Namespace) -> int:
    from .workbook.export import export

    lang = args.lang
    try:
        count = export(args.root, args.file, args.edition)
    except DataError as error:
        _report(error.problems, lang)
        return FINDINGS
    except (ValueError, OSError) as error:
        _refused("ikg export", error, lang)
        return USAGE
    print(_IMPORT_WORDS[lang]["exported"].format(n=count, file=args.file))
    return OK


def _import(args: argparse.Namespace) -> int:
    from .workbook.importer import IMPORT_STEPS, ImportRefusedError, run_import

    words = _IMPORT_WORDS[args.lang]
    try:
        steps = Progress("ikg import", IMPORT_STEPS[args.lang])
        result = run_import(args.root, args.file, args.edition, args.engine, steps, args.lang)
    except DataError as error:
        _report(error.problems, args.lang)
        print(words["nothing"])
        if isinstance(error, ImportRefusedError):
            _checked_copy(error.checked, args.lang)
        return FINDINGS
    except (ValueError, OSError) as error:
        _refused("ikg import", error, args.lang)
        print(words["nothing"], file=sys.stderr)
        return USAGE
    for warning in result.warnings:
        print(warning.render(args.lang))
    _checked_copy(result.checked, args.lang)
    if result.written:
        print(
            words["written"].format(
                file=result.target, quads=result.quads, rows=result.measures, edition=args.edition, **result.new
            )
        )
    else:
        print(words["unchanged"].format(source=args.file.name, rows=result.measures, edition=args.edition))
    return OK


def _checked_copy(checked: CheckedCopy | None, lang: str) -> None:
    """Where the copy with the messages at their cells is, or why there is none (there is none when all is well)."""
    if checked is None:
        return
    words = _IMPORT_WORDS[lang]
    if checked.path is not None:
        print(words["checked"].format(file=checked.path))
    else:
        print(words["not_checked"].format(reason=checked.failure))


def _publish(args: argparse.Namespace) -> int:
    from .query.backends import store_endpoints
    from .query.publish import PublishError, publish
    from .serve import needs_build

    dist = args.dist or args.root / "dist"
    try:
        endpoints = store_endpoints(store_list(args.store), store_list(args.store_update))
        reason = needs_build(args.root, dist, args.base_url)
        if reason:
            print(f"building first: {reason}", file=sys.stderr)
            build(args.root, dist, args.base_url)
        report = publish(dist, endpoints)
    except DataError as error:
        _report(error.problems, args.lang)
        return FINDINGS
    except PublishError as error:
        _publish_failed(error)
        return FINDINGS
    except (ValueError, OSError) as error:
        _publish_failed(error)
        return USAGE
    for graph, count in sorted(report.graphs.items()):
        print(f"{count:>8} triples  <{graph}>")
    for store in report.stores:
        print(f"published {report.triples} triples in {len(report.graphs)} named graphs to {store}")
    return OK


def _publish_failed(error: Exception) -> None:
    print(f"ikg publish: {error}", file=sys.stderr)
    print("ikg publish: nothing was replaced where the store runs an update as one transaction", file=sys.stderr)


def _assets(args: argparse.Namespace) -> int:
    from .web.web_assets import AssetError, fetch_all, vendor_folder

    try:
        fetched = fetch_all(args.root, registry=args.registry)
    except AssetError as problem:
        print(f"ikg assets: {problem}", file=sys.stderr)
        return FINDINGS
    for name in fetched:
        print(f"fetched {name} into {vendor_folder(args.root)}")
    if not fetched:
        print(f"up to date: {vendor_folder(args.root)}")
    return OK


if __name__ == "__main__":
    sys.exit(main())
