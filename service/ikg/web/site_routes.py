"""Routes for people: the home page and the index pages, each with its machine-readable twins."""

from __future__ import annotations

import json
from functools import partial

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ..rdf.iris import vocabulary_namespace
from ..request_errors import NotAcceptableError
from .publication import Publication
from .responses import page_format, page_language, render_page
from .views import evidence_switch, home_view
from .views.index_pages import IndexList, as_csv, as_json, entries, lists
from .views.page_work import built, cached

WORDS = {
    "de": {
        "title": "Integrations-Wissensgraph Leverkusen",
        "home": "Startseite",
        "search": "Suche in den Bezeichnungen",
        "find": "Suchen",
        "n_entries": "Eintrag|Einträge",
        "name": "Bezeichnung",
        "contents": "Inhalt",
        "access": "Zugang",
        "endpoint": "SPARQL-Endpunkt",
        "queries": "Benannte Abfragen",
        "vocabulary": "Vokabular",
        "api": "HTTP-API",
        "downloads": "Downloads (Dumps des ganzen Graphen)",
        "catalogue": "Datenkatalog (DCAT-AP.de) für Open-Data-Portale",
        "version": "Stand des Graphen:",
        "intro": "Maßnahmen, Organisationen, Förderprogramme, Handlungsfelder und Ziele der Integrationsarbeit der "
        "Stadt Leverkusen als verknüpfte Daten, jede Aussage mit ihrer öffentlichen Quelle oder als Einordnung der "
        "Redaktion gekennzeichnet.",
    },
    "en": {
        "title": "Integration knowledge graph Leverkusen",
        "home": "Home",
        "search": "Search the labels",
        "find": "Search",
        "n_entries": "entry|entries",
        "name": "Name",
        "contents": "Contents",
        "access": "Access",
        "endpoint": "SPARQL endpoint",
        "queries": "Named queries",
        "vocabulary": "Vocabulary",
        "api": "HTTP API",
        "downloads": "Downloads (dumps of the whole graph)",
        "catalogue": "Data catalogue (DCAT-AP.de) for open-data portals",
        "version": "Graph version:",
        "intro": "Measures, organisations, funding programmes, action fields and goals of the City of Leverkusen's "
        "integration work as linked data, every statement with its public source or marked as the editors' own.",
    },
}
COUNT_KEYS = {
    "measures": "measures",
    "organisations": "organisations",
    "programmes": "funding_programmes",
    "action-fields": "action_fields",
}


def add_site_routes(app: FastAPI, publication: Publication) -> None:
    base = publication.settings.public_base
    listings = lists(vocabulary_namespace(base))

    @app.get("/", include_in_schema=False)
    async def home(request: Request) -> Response:
        chosen = page_format(request, ("application/json", "text/html"))
        lang = page_language(request)
        evidence = evidence_switch.chosen(request.query_params)
        numbers = await home_view.build(publication, evidence)
        items = [(slug, f"{base}{slug}", listing.titles[lang]) for slug, listing in listings.items()]
        if chosen == "text/html":
            html = render_page(
                "home.html",
                base,
                lang,
                lists=[(COUNT_KEYS[s], h, n) for s, h, n in items],
                counts=numbers.counts,
                numbers=numbers,
                words=WORDS[lang],
                home_words=home_view.WORDS[lang],
                switch=evidence_switch.WORDS[lang],
                evidence=evidence,
                own="evidence=sourced&" if evidence == evidence_switch.SOURCED else "",
                query_all=f"lang={lang}",
                query_sourced=f"lang={lang}&evidence={evidence_switch.SOURCED}",
                version=publication.manifest.graph_version,
            )
            return HTMLResponse(html, headers={"Vary": "Accept, Accept-Language"})
        return Response(
            json.dumps(
                {
                    "title": WORDS[lang]["title"],
                    "graph_version": publication.manifest.graph_version,
                    **numbers.as_json(),
                    "lists": {slug: href for slug, href, _ in items},
                    "sparql": f"{base}sparql",
                    "queries": f"{base}queries",
                    "vocabulary": f"{base}def/ikg",
                    "catalogue": f"{base}catalog",
                    "void": f"{base}.well-known/void",
                },
                ensure_ascii=False,
            ),
            media_type="application/json",
            headers={"Vary": "Accept"},
        )

    for listing in listings.values():
        _add_list_route(app, publication, listing)


def _add_list_route(app: FastAPI, publication: Publication, listing: IndexList) -> None:
    async def index(request: Request) -> Response:
        chosen = page_format(request, ("application/json", "text/html", "text/csv"))
        if chosen is None:
            raise NotAcceptableError("this list is offered as application/json, text/html and text/csv")
        lang = page_language(request)
        search = (request.query_params.get("q") or "").strip()[:200] or None
        # Searches are not cached: any client could fill the cache with made-up ones.
        key = None if search else (listing.slug, chosen, lang, publication.manifest.graph_version)
        body = cached(key) if key else None
        if body is None:
            result = await publication.evaluate(listing.query, "application/sparql-results+json")
            body = await built(
                key, partial(_listing, publication.settings.public_base, listing, result.body, search, chosen, lang)
            )
        if chosen == "text/html":
            return Response(body, media_type="text/html; charset=utf-8", headers={"Vary": "Accept, Accept-Language"})
        media = "text/csv; charset=utf-8" if chosen == "text/csv" else chosen
        return Response(body, media_type=media, headers={"Vary": "Accept"})

    app.add_api_route(f"/{listing.slug}", index, methods=["GET"], include_in_schema=False)


def _listing(site: str, listing: IndexList, results_json: bytes, search: str | None, chosen: str, lang: str) -> str:
    """A list as CSV, JSON or its page."""
    found = entries(results_json, search)
    if chosen == "text/csv":
        return as_csv(found)
    if chosen == "application/json":
        return as_json(found)
    return render_page(
        "index_list.html", site, lang, listing=listing, found=found, search=search, path=listing.slug, words=WORDS[lang]
    )
