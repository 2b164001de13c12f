"""The query page at /sparql for people: a form, the named queries as examples, results as a table.

It works as a plain HTML form; the editor script only adds syntax highlighting. Results are the endpoint's own
(same workers, cache and limits), rendered as a table, with links to the same result in every format.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from .formats import result_formats
from .named_queries import NamedQuery, ParameterError
from .responses import ErrorResponse, page_language, render_page
from .sparql_protocol import ProtocolError, query_form
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
    return Cell(text, iri if iri.startswith(("http://", "https://")) else None)


def _literal_tag(language: str | None, datatype: str | None) -> str | None:
    if language:
        return f"@{language}"
    if datatype is None or datatype == f"{_XSD}string":
        return None
    return f"^^xsd:{datatype[len(_XSD) :]}" if datatype.startswith(_XSD) else f"^^<{datatype}>"


def _cell_from_json(term: dict[str, str], prefixes: list[tuple[str, str]]) -> Cell:
    kind = term.get("type")
    if kind == "uri":
        return _iri_cell(term["value"], prefixes)
    if kind == "bnode":
        return Cell(f"_:{term['value']}")
    if kind == "triple":
        return Cell(json.dumps(term["value"], ensure_ascii=False))
    return Cell(term["value"], tag=_literal_tag(term.get("xml:lang"), term.get("datatype")))


def _cell_from_term(
    term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, prefixes: list[tuple[str, str]]
) -> Cell:
    if isinstance(term, ox.NamedNode):
        return _iri_cell(term.value, prefixes)
    if isinstance(term, ox.BlankNode):
        return Cell(f"_:{term.value}")
    if isinstance(term, ox.Literal):
        return Cell(term.value, tag=_literal_tag(term.language, term.datatype.value))
    return Cell(str(term))


def table_from_results(body: bytes, prefixes: list[tuple[str, str]]) -> ResultTable:
    """A SELECT or ASK answer in SPARQL JSON as a table."""
    answer = json.loads(body)
    if "boolean" in answer:
        return ResultTable(columns=[], boolean=bool(answer["boolean"]))
    columns = answer["head"].get("vars", [])
    bindings = answer["results"]["bindings"]
    rows = [[_cell_from_json(b[c], prefixes) if c in b else None for c in columns] for b in bindings[:SHOWN_ROWS]]
    return ResultTable(columns, rows, len(bindings))


def table_from_graph(body: bytes, prefixes: list[tuple[str, str]]) -> ResultTable:
    """A CONSTRUCT or DESCRIBE answer in N-Triples as a subject, predicate, object table."""
    triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
    rows: list[list[Cell | None]] = [
        [
            _cell_from_term(t.subject, prefixes),
            _cell_from_term(t.predicate, prefixes),
            _cell_from_term(t.object, prefixes),
        ]
        for t in triples[:SHOWN_ROWS]
    ]
    return ResultTable(["subject", "predicate", "object"], rows, len(triples))


def example_text(named: NamedQuery) -> str:
    """A named query as a runnable example: its text with the defaults of its parameters bound."""
    try:
        return named.bind({})
    except ParameterError:
        return named.text


async def render(request: Request, publication, query: str | None) -> Response:  # type: ignore[no-untyped-def]
    """The page: the form with `query` (or an example, or the default), and, for a query, its result."""
    settings = publication.settings
    lang = page_language(request)
    shown = query
    table: ResultTable | None = None
    failure: str | None = None
    status = 200
    downloads: dict[str, str] = {}
    if query is None:
        named = publication.queries.get(request.query_params.get("example", ""))
        shown = example_text(named) if named else DEFAULT_QUERY.format(vocabulary=f"{settings.public_base}def/ikg")
    else:
        try:
            form = query_form(query)
        except ProtocolError as problem:
            failure, status = problem.message, problem.status
        else:
            table, failure, status = await _evaluate(publication, query, form)
            downloads = {
                name: f"{settings.endpoint}?{urlencode({'query': query, 'format': name})}"
                for name in result_formats(form)
            }
    html = render_page(
        "query.html",
        settings.public_base,
        lang,
        words=WORDS[lang],
        endpoint=settings.endpoint,
        query=shown,
        table=table,
        failure=failure,
        downloads=downloads,
        examples=publication.queries.values(),
        editor=installed(settings.root),
        vendor=PINNED,
        shown_rows=SHOWN_ROWS,
    )
    return HTMLResponse(html, status_code=status, headers={"Vary": "Accept, Accept-Language"})


async def _evaluate(publication, query: str, form: str) -> tuple[ResultTable | None, str | None, int]:  # type: ignore[no-untyped-def]
    tabular = form in ("SELECT", "ASK")
    media = "application/sparql-results+json" if tabular else "application/n-triples"
    result = await publication.evaluate(query, media)
    if isinstance(result, ErrorResponse):
        return None, result.message, result.status_code
    prefixes = prefixes_of(query)
    table = table_from_results(result.body, prefixes) if tabular else table_from_graph(result.body, prefixes)
    return table, None, 200
