"""/catalog (DCAT-AP.de) and /.well-known/void, served from the files of the last good build.

Harvesters send no Accept header and pick their parser from Content-Type: they get RDF/XML, as German
portals expect. Every variant is serialised once from the build's Turtle and kept; a failed rebuild never
touches the files a running server serves, so the catalogue is never empty or partial.
"""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response

from ..builder.catalogue import PROFILES
from ..rdf.formats import Offer
from ..rdf.oxigraph_types import select
from ..request_errors import InvalidRequestError, NotAcceptableError, NotFoundError
from ..sparql.term_binding import render, template
from .negotiation import choose
from .publication import Publication
from .rdf_document import RdfDocument
from .responses import body_response, cached_response, page_language, render_page

CATALOGUE = Offer.of("rdfxml", "turtle", "jsonld", "ntriples")  # RDF/XML first: what a client naming nothing gets
VOID = Offer.of("turtle", "rdfxml", "jsonld", "ntriples")
WORDS = {
    "de": {
        "title": "Datenkatalog (DCAT-AP.de)",
        "intro": "Der Katalog für Open-Data-Portale: die Datensätze, ihre Distributionen und der SPARQL-Endpunkt.",
        "identifier": "Kennung",
        "modified": "Geändert",
        "distribution": "Distribution",
        "format": "Format",
        "size": "Größe",
        "licence": "Lizenz",
        "series": "Reihe",
        "service": "Datendienst",
        "endpoint": "Endpunkt",
        "machine": "Maschinenlesbar",
        "profile": "Profil DCAT-AP.de 2.0 (dcat:byteSize als xsd:decimal)",
    },
    "en": {
        "title": "Data catalogue (DCAT-AP.de)",
        "intro": "The catalogue for open-data portals: the datasets, their distributions and the SPARQL endpoint.",
        "identifier": "Identifier",
        "modified": "Modified",
        "distribution": "Distribution",
        "format": "Format",
        "size": "Size",
        "licence": "Licence",
        "series": "Series",
        "service": "Data service",
        "endpoint": "Endpoint",
        "machine": "Machine-readable",
        "profile": "DCAT-AP.de 2.0 profile (dcat:byteSize as xsd:decimal)",
    },
}
_DATASETS = """
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?dataset ?kind ?title ?description ?identifier ?modified WHERE {
    ?catalogue dcat:dataset ?dataset .
    ?dataset a ?kind ; dct:title ?title ; dct:description ?description .
    FILTER(?kind IN (dcat:Dataset, dcat:DatasetSeries) && LANG(?title) = ?lang && LANG(?description) = ?lang)
    OPTIONAL { ?dataset dct:identifier ?identifier }
    OPTIONAL { ?dataset dct:modified ?modified }
}
ORDER BY ?dataset
"""
_DISTRIBUTIONS = """
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?dataset ?title ?url ?format ?size ?licence WHERE {
    ?dataset dcat:distribution ?distribution .
    ?distribution dct:title ?title ; dcat:accessURL ?url ; dct:format ?format ; dct:license ?licence .
    FILTER(LANG(?title) = ?lang)
    OPTIONAL { ?distribution dcat:byteSize ?size }
}
ORDER BY ?dataset ?title
"""


def add_catalogue_routes(app: FastAPI, publication: Publication) -> None:
    base = publication.settings.public_base

    async def catalogue(request: Request, suffix: str | None = None) -> Response:
        current = publication.current  # one build for the whole answer, even if a reload comes in between
        profile = request.query_params.get("profile", "dcat-ap-de-3.0")
        if profile not in current.catalogues:
            raise InvalidRequestError(f"unknown profile {profile!r}; offered: {', '.join(PROFILES)}")
        media = _media(request, suffix, CATALOGUE)
        if media is None:
            raise NotAcceptableError(f"the catalogue is offered as {', '.join(CATALOGUE.media_types)}")
        if media == "text/html":
            return _catalogue_page(request, base, current.catalogue_store)
        return _rdf(request, current.catalogues[profile], media, f"{base}catalog", suffix, CATALOGUE)

    async def void_description(request: Request, suffix: str | None = None) -> Response:
        media = _media(request, suffix, VOID)
        if media is None:
            raise NotAcceptableError(f"the VoID description is offered as {', '.join(VOID.media_types)}")
        if media == "text/html":
            # People get the same document as Turtle shown as text, the machine-readable form itself.
            media = "text/turtle"
        return _rdf(request, publication.current.void, media, f"{base}.well-known/void", suffix, VOID)

    async def catalogue_variant(request: Request, suffix: str) -> Response:
        if suffix not in CATALOGUE.variants:
            raise NotFoundError()
        return await catalogue(request, suffix)

    async def void_variant(request: Request, suffix: str) -> Response:
        if suffix not in VOID.variants or suffix == "html":
            raise NotFoundError()
        return await void_description(request, suffix)

    app.add_api_route("/catalog", catalogue, methods=["GET", "HEAD"], include_in_schema=False)
    app.add_api_route("/catalog.{suffix}", catalogue_variant, methods=["GET", "HEAD"], include_in_schema=False)
    app.add_api_route("/.well-known/void", void_description, methods=["GET", "HEAD"], include_in_schema=False)
    app.add_api_route("/.well-known/void.{suffix}", void_variant, methods=["GET", "HEAD"], include_in_schema=False)


def _media(request: Request, suffix: str | None, offer: Offer) -> str | None:
    if suffix is not None:
        return offer.variants[suffix]
    # No Accept header at all is a harvester: the first offer, as for */*.
    return choose(request.headers.get("accept") or "*/*", offer.media_types)


def _rdf(request: Request, document: RdfDocument, media: str, iri: str, suffix: str | None, offer: Offer) -> Response:
    headers = {"Link": offer.alternates(iri, page=False)}
    if suffix is None:
        headers["Content-Location"] = f"{iri}.{offer.suffix(media)}"
    return cached_response(request, document.body(media), media, headers, vary=suffix is None)


def _catalogue_page(request: Request, base: str, store: ox.Store) -> Response:
    lang = page_language(request)
    language = {"lang": str(ox.Literal(lang))}  # written in as named queries' parameters are (term_binding)
    datasets = list(select(store, render(template(_DATASETS, {"lang": "literal"}, frozenset()), language)))
    distributions: dict[str, list] = {}
    for row in select(store, render(template(_DISTRIBUTIONS, {"lang": "literal"}, frozenset()), language)):
        distributions.setdefault(row["dataset"].value, []).append(row)
    html = render_page(
        "catalogue.html",
        base,
        lang,
        words=WORDS[lang],
        datasets=datasets,
        distributions=distributions,
        catalogue=f"{base}catalog",
    )
    return body_response(request, html.encode(), "text/html", {"Vary": "Accept, Accept-Language"})
