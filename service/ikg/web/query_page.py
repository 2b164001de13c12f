"""The query page at /sparql for people: a form, the named queries as examples, results as a table.

It works as a plain HTML form; the editor script only adds syntax highlighting. Results are the endpoint's own
(same workers, cache and limits), rendered as a table, with links to the same result in every format.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import urlencode

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ..query.interface import QueryError
from ..rdf.formats import result_formats
from ..request_errors import RequestError
from ..sparql.named_queries import NamedQuery, ParameterError
from .http_errors import sentence, status_of
from .publication import Publication
from .responses import page_language, render_page
from .sparql_protocol import query_form
from .views.links import is_web_address
from .views.page_work import built
from .web_assets import PINNED, installed

DEFAULT_QUERY = """PREFIX ikg: <{vocabulary}#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

SELECT ?measure ?title WHERE {{
  ?measure a ikg:Measure ;
           skos:prefLabel ?title .
  FILTER(LANG(?title) = "de")
}}
ORDER BY ?title
LIMIT 25
"""
SHOWN_ROWS = 500
_PREFIX = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>\s]+)>", re.IGNORECASE | re.MULTILINE)
_LOCAL_NAME = re.compile(r"[\w-]+")
_XSD = "http://www.w3.org/2001/XMLSchema#"
WORDS = {
    "de": {
        "title": "SPARQL-Abfrage",
        "endpoint": "Endpunkt",
        "dataset": "SPARQL 1.1; der Standardgraph ist die Vereinigung aller benannten Graphen.",
        "query": "Abfrage",
        "run": "Abfrage ausführen",
        "shortcut": "Strg+Enter führt die Abfrage aus.",
        "result": "Ergebnis",
        "rows": "Zeilen",
        "shown": "angezeigt werden die ersten",
        "download": "Herunterladen",
        "yes": "ja",
        "no": "nein",
        "error": "Die Abfrage konnte nicht ausgeführt werden",
        "examples": "Beispiele: die benannten Abfragen",
        "load": "in den Editor laden",
        "editor": "Editor",
        "licence": "Lizenz",
    },
    "en": {
        "title": "SPARQL query",
        "endpoint": "Endpoint",
        "dataset": "SPARQL 1.1; the default graph is the union of all named graphs.",
        "query": "Query",
        "run": "Run query",
        "shortcut": "Ctrl+Enter runs the query.",
        "result": "Result",
        "rows": "rows",
        "shown": "showing the first",
        "download": "Download",
        "yes": "yes",
        "no": "no",
        "error": "The query could not be run",
        "examples": "Examples: the named queries",
        "load": "load into the editor",
        "editor": "Editor",
        "licence": "licence",
    },
}


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None
    tag: str | None = None  # a literal's language or datatype


@dataclass
class ResultTable:
    columns: list[str]
    rows: list[list[Cell | None]] = field(default_factory=list)
    total: int = 0
    boolean: bool | None = None


def prefixes_of(query: str) -> list[tuple[str, str]]:
    """The query's PREFIX declarations as (prefix, namespace), longest namespace first."""
    found = [(prefix or "", namespace) for prefix, namespace in _PREFIX.findall(query)]
    return sorted(found, key=lambda pair: -len(pair[1]))


def _iri_cell(iri: str, prefixes: list[tuple[str, str]]) -> Cell:
    """An IRI shown as the query wrote it (a prefixed name where the query declared one), linked if http(s)."""
    text = iri
    for prefix, namespace in prefixes:
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and _LOCAL_NAME.fullmatch(local):
            text = f"{prefix}:{local}"
            break
    return Cell(text, iri if is_web_address(iri) else None)


def _literal_tag(language: str | None, datatype: str | None) -> str | None:
    if language:
        return f"@{language}"
    if datatype is None or datatype == f"{_XSD}string":
        return None
    return f"^^xsd:{datatype[len(_XSD) :]}" if datatype.startswith(_XSD) else f"^^<{datatype}>"


def _cell(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, prefixes: list[tuple[str, str]]) -> Cell:
    if isinstance(term, ox.NamedNode):
        return _iri_cell(term.value, prefixes)
    if isinstance(term, ox.BlankNode):
        return Cell(f"_:{term.value}")
    if isinstance(term, ox.Literal):
        return Cell(term.value, tag=_literal_tag(term.language, term.datatype.value))
    return Cell(str(term))


def _first_lines(body: bytes, count: int) -> bytes:
    """The first `count` lines of `body`, found without reading the rest."""
    end = 0
    for _ in range(count):
        found = body.find(b"\n", end)
        if found < 0:
            return body
        end = found + 1
    return body[:end]


def table_from_boolean(body: bytes) -> ResultTable:
    """An ASK answer in SPARQL JSON."""
    return ResultTable(columns=[], boolean=bool(json.loads(body)["boolean"]))


def table_from_results(body: bytes, prefixes: list[tuple[str, str]]) -> ResultTable:
    """A SELECT answer in SPARQL TSV: one line per row, so the first rows are read and the rest only counted."""
    solutions = ox.parse_query_results(_first_lines(body, SHOWN_ROWS + 1), format=ox.QueryResultsFormat.TSV)
    if not isinstance(solutions, ox.QuerySolutions):
        # pyoxigraph reads a TSV body of just "true" or "false" as a boolean; a SELECT's answer never is one.
        raise ValueError("the answer to a SELECT query is a boolean, not a table of solutions")
    columns = [variable.value for variable in solutions.variables]
    rows: list[list[Cell | None]] = [
        [None if term is None else _cell(term, prefixes) for term in (solution[c] for c in columns)]
        for solution in solutions
    ]
    return ResultTable(columns, rows, body.count(b"\n") - 1)


def table_from_graph(body: bytes, prefixes: list[tuple[str, str]]) -> ResultTable:
    """A CONSTRUCT or DESCRIBE answer in N-Triples (one triple per line) as a subject, predicate, object table."""
    triples = ox.parse(_first_lines(body, SHOWN_ROWS), format=ox.RdfFormat.N_TRIPLES)
    rows: list[list[Cell | None]] = [
        [_cell(t.subject, prefixes), _cell(t.predicate, prefixes), _cell(t.object, prefixes)] for t in triples
    ]
    return ResultTable(["subject", "predicate", "object"], rows, body.count(b"\n"))


def example_text(named: NamedQuery) -> str:
    """A named query as a runnable example: its text with the defaults of its parameters bound."""
    try:
        return named.bind({})
    except ParameterError:
        return named.text


async def render(request: Request, publication: Publication, query: str | None) -> Response:
    """The page: the form with `query` (or an example, or the default), and, for a query, its result."""
    settings = publication.settings
    lang = page_language(request)
    shown = query
    table: Callable[[], ResultTable] | None = None
    failure: str | None = None
    status = 200
    downloads: dict[str, str] = {}
    if query is None:
        named = publication.queries.get(request.query_params.get("example", ""))
        shown = example_text(named) if named else DEFAULT_QUERY.format(vocabulary=f"{settings.public_base}def/ikg")
    else:
        try:
            form = query_form(query)
        except RequestError as problem:
            failure, status = sentence(problem), status_of(problem)
        else:
            table, failure, status = await _evaluate(publication, query, form)
            downloads = {
                name: f"{settings.endpoint}?{urlencode({'query': query, 'format': name})}"
                for name in result_formats(form)
            }

    def build() -> str:
        return render_page(
            "query.html",
            settings.public_base,
            lang,
            words=WORDS[lang],
            endpoint=settings.endpoint,
            query=shown,
            table=table() if table else None,
            failure=failure,
            downloads=downloads,
            examples=publication.queries.values(),
            editor=installed(settings.root),
            vendor=PINNED,
            shown_rows=SHOWN_ROWS,
        )

    # Not cached: a page per query text would let any client fill the cache; the result itself is cached.
    html = await built(None, build)
    return HTMLResponse(html, status_code=status, headers={"Vary": "Accept, Accept-Language"})


# The form of a query → what the page asks the workers for, and how it reads the answer into a table.
_READERS = {
    "ASK": ("application/sparql-results+json", lambda body, _prefixes: table_from_boolean(body)),
    "SELECT": ("text/tab-separated-values", table_from_results),
    "CONSTRUCT": ("application/n-triples", table_from_graph),
    "DESCRIBE": ("application/n-triples", table_from_graph),
}


async def _evaluate(
    publication: Publication, query: str, form: str
) -> tuple[Callable[[], ResultTable] | None, str | None, int]:
    """The query's answer as a way to read it into a table (in the page pool), or the error and its status."""
    media, read = _READERS[form]
    try:
        result = await publication.evaluate(query, media)
    except QueryError as problem:
        return None, sentence(problem), status_of(problem)
    return partial(read, result.body, prefixes_of(query)), None, 200
