"""Dereferenceable IRIs: every resource of the graph, fetched at its IRI, describes itself.

Cool-URIs choice, applied everywhere: the IRI answers 200 in the negotiated format with a
Content-Location naming the document for that format (IRI + .ttl, .trig, .nq, .jsonld, .rdf, .nt); each
document URL answers its format only. Every answer links all variants with `Link: rel="alternate"`.

Two descriptions, both named queries so that the same is there over SPARQL: formats with named graphs
(TriG, N-Quads, JSON-LD) give every statement in the graph it stands in, with the evidence graph's
reified statements (`resource-quads`); triple formats give `resource-description`, whose marked
statements the query workers turn into reified statements (see `evidence`).
"""

from __future__ import annotations

import json

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from ..rdf.namespaces import prefixes
from ..request_errors import NotAcceptableError, NotFoundError
from ..sparql.descriptions import (
    DEREFERENCEABLE as DEREFERENCEABLE,  # the routes app.py adds
)
from ..sparql.descriptions import (
    DESCRIPTION,
    OFFER,
    OFFERS,
    QUADS,
    ROWS_MEDIA,
    VARIANTS,
    VOCABULARY,
    WITH_GRAPHS,
    dataset_document,
    dataset_etag,
    links,
    quads_of,
    split_variant,
    written_in,
)
from ..sparql.result_cache import CachedResult
from . import stored_descriptions
from .negotiation import choose
from .publication import Publication
from .responses import body_response, cached_response, page_language, render_page
from .views.page_work import built

WORDS = {
    "de": {
        "kind": "Art",
        "statements": "Angaben",
        "property": "Eigenschaft",
        "value": "Wert",
        "incoming": "Verweise auf diese Ressource",
        "relation": "Beziehung",
        "resource": "Ressource",
        "sources": "Quellen",
        "data": "Daten",
        "uncertain": "unsicher",
        "inferred": "abgeleitet",
        "editorial": "redaktionell",
        "incomplete": "unvollständige Quellenangabe",
        "editions": "In den Ausgaben des Statusberichts",
        "edition": "Ausgabe",
        "status": "Status",
        "no_status": "keiner angegeben",
    },
    "en": {
        "kind": "Kind",
        "statements": "Statements",
        "property": "Property",
        "value": "Value",
        "incoming": "Links to this resource",
        "relation": "Relation",
        "resource": "Resource",
        "sources": "Sources",
        "data": "Data",
        "uncertain": "uncertain",
        "inferred": "inferred",
        "editorial": "editorial",
        "incomplete": "incomplete reference",
        "editions": "In the editions of the status report",
        "edition": "Edition",
        "status": "Status",
        "no_status": "none given",
    },
}


def exists_query(iri: ox.NamedNode) -> str:
    return f"ASK {{ {{ {iri} ?p ?o }} UNION {{ ?s ?q {iri} }} }}"


async def describe(request: Request, publication: Publication, prefix: str, path: str) -> Response:
    name, suffix = split_variant(path)
    if prefix == "def" and name == VOCABULARY:
        return await _vocabulary(request, publication, suffix)
    base = publication.settings.public_base
    media = VARIANTS[suffix] if suffix else choose(request.headers.get("accept"), OFFERS)
    if media is None:
        raise NotAcceptableError(f"this resource is offered as {', '.join(OFFERS)}")
    iri_text = f"{base}{prefix}/{name}"
    # What the build wrote answers first: it is the live answer, byte for byte, without a query.
    result = None if media == "text/html" else stored_descriptions.find(publication, iri_text, media)
    if result is None:
        try:
            iri = ox.NamedNode(iri_text)
        except ValueError:
            raise NotFoundError(media=media) from None
        found = await publication.evaluate(exists_query(iri), "application/sparql-results+json")
        if not json.loads(found.body)["boolean"]:
            raise NotFoundError(f"no resource <{iri.value}> in this graph", media)
        if media == "text/html":
            return await _page(request, publication, iri, suffix is None)
        result = await _live(publication, iri, media)
    headers = {"Link": links(iri_text), "X-Content-Type-Options": "nosniff"}
    if suffix is None:
        headers["Content-Location"] = f"{iri_text}.{OFFER.suffix(media)}"
    return cached_response(request, result, media, headers, vary=suffix is None)


async def _live(publication: Publication, iri: ox.NamedNode, media: str) -> CachedResult:
    if media in WITH_GRAPHS:
        return await _with_graphs(publication, iri, media)
    return await publication.evaluate(written_in(publication.queries[DESCRIPTION], iri), media)


async def _with_graphs(publication: Publication, iri: ox.NamedNode, media: str) -> CachedResult:
    """The description as a dataset: each statement in its named graph, serialised off the event loop."""
    rows = await publication.evaluate(written_in(publication.queries[QUADS], iri), ROWS_MEDIA)
    namespaces = prefixes(publication.settings.public_base)

    def serialise() -> bytes:
        solutions = ox.parse_query_results(rows.body, format=ox.QueryResultsFormat.JSON)
        return dataset_document(quads_of(solutions), media, namespaces)  # type: ignore[arg-type]

    body = await built(("with-graphs", media, rows.etag), serialise)
    return CachedResult(body, dataset_etag(rows.etag, media))


async def _page(request: Request, publication: Publication, resource: ox.NamedNode, negotiated: bool) -> Response:
    from .views.pages import marks_query, model, parse_marks, vocabulary_labels_query

    base = publication.settings.public_base
    iri = resource.value
    description = await publication.evaluate(
        written_in(publication.queries[DESCRIPTION], resource), "application/n-triples"
    )
    marks = await publication.evaluate(marks_query(iri, base), "application/sparql-results+json")
    vocabulary = await publication.evaluate(vocabulary_labels_query(base), "application/n-triples")
    # Which editions name a measure, and with what status, sits in the editions' graphs, which the triple
    # description cannot tell apart: the page asks the named query that says it.
    editions_query = publication.queries["measure-editions"].bind({"measure": iri})
    editions = await publication.evaluate(editions_query, "application/sparql-results+json")
    lang = page_language(request)

    def build() -> str:
        page = model(description.body, parse_marks(marks.body, base), iri, lang, base, vocabulary.body)
        in_editions = [
            {name: cell["value"] for name, cell in row.items()}
            for row in json.loads(editions.body)["results"]["bindings"]
        ]
        return render_page("resource.html", base, lang, page=page, editions=in_editions, words=WORDS[lang])

    etags = (description.etag, marks.etag, vocabulary.etag, editions.etag)
    html = await built(("resource.html", lang, *etags), build)
    headers = {"Link": links(iri), "Vary": "Accept, Accept-Language", "Content-Language": lang}
    if negotiated:
        headers["Content-Location"] = f"{iri}.html"
    return body_response(request, html, "text/html", headers)


VOCABULARY_WORDS = {
    "de": {
        "version": "Version",
        "classes": "Klassen",
        "properties": "Eigenschaften",
        "labels": "Bezeichnungen",
        "aligned": "Ausgerichtet an",
        "domain": "Definitionsbereich",
        "range": "Wertebereich",
        "example": "Beispiel",
    },
    "en": {
        "version": "version",
        "classes": "Classes",
        "properties": "Properties",
        "labels": "Labels",
        "aligned": "Aligned to",
        "domain": "Domain",
        "range": "Range",
        "example": "Example",
    },
}


async def _vocabulary(request: Request, publication: Publication, suffix: str | None) -> Response:
    """The vocabulary document: every term, as RDF or as one page with a section per term."""
    from .views.vocabulary_page import terms, vocabulary_query

    base = publication.settings.public_base
    iri = f"{base}def/{VOCABULARY}"
    media = VARIANTS[suffix] if suffix else choose(request.headers.get("accept"), OFFERS)
    if media is None:
        raise NotAcceptableError(f"the vocabulary is offered as {', '.join(OFFERS)}")
    headers = {"Link": links(iri)}
    if suffix is None:
        headers["Content-Location"] = f"{iri}.{OFFER.suffix(media)}"
    wanted = "application/n-triples" if media == "text/html" else media
    result = await publication.evaluate(vocabulary_query(base), wanted)
    if media != "text/html":
        return cached_response(request, result, media, headers, vary=suffix is None)
    lang = page_language(request)

    def build() -> str:
        header, found = terms(result.body, base)
        return render_page(
            "vocabulary.html", base, lang, iri=iri, header=header, terms=found, words=VOCABULARY_WORDS[lang]
        )

    html = await built(("vocabulary.html", lang, result.etag), build)
    headers |= {"Vary": "Accept, Accept-Language", "Content-Language": lang}
    return body_response(request, html, "text/html", headers)
