"""Routes for the Controlling-Gruppe: /concept (goals → measures) and /compare (report editions), each as a
page, as JSON and as CSV tables of exactly the page's numbers."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from functools import partial
from types import ModuleType
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response

from ..request_errors import InvalidRequestError, NotAcceptableError
from .publication import Publication
from .responses import page_format, page_language, render_page
from .views import compare_view, concept_view, evidence_switch, indicators_view, measure_scope, over_time_view
from .views.page_work import built, cached
from .views.tables import csv_text

OFFERS = ("text/html", "application/json", "text/csv")
# Builds a view's model for a request and its evidence choice, with what its page needs besides; raises
# InvalidRequestError for a choice the view does not offer.
Loader = Callable[[Request, str, str], Awaitable[tuple[Any, dict[str, Any]]]]


def add_controlling_routes(app: FastAPI, publication: Publication) -> None:
    async def load_concept(request: Request, lang: str, evidence: str) -> tuple[Any, dict[str, Any]]:
        scope = measure_scope.chosen(request.query_params)
        view = await concept_view.build(publication, lang, evidence, scope)
        own = {"scope": scope} if scope != measure_scope.ALL else {}
        return view, {"totals": view.totals(), "scope_words": measure_scope.WORDS[lang], "params": own}

    async def load_comparison(request: Request, _lang: str, evidence: str) -> tuple[Any, dict[str, Any]]:
        years = {k: request.query_params[k] for k in ("from", "to") if request.query_params.get(k)}
        view = await compare_view.build(publication, years.get("from"), years.get("to"), evidence)
        return view, {"params": years}

    _add_view(app, publication, "/concept", concept_view, "concept.html", load_concept)
    _add_view(app, publication, "/compare", compare_view, "compare.html", load_comparison)
    load_over_time = partial(over_time_view.load, publication)
    _add_view(app, publication, "/concept/over-time", over_time_view, "over_time.html", load_over_time)

    async def load_indicators(_request: Request, lang: str, evidence: str) -> tuple[Any, dict[str, Any]]:
        return await indicators_view.build(publication, lang, evidence), {}

    _add_view(app, publication, "/indicators", indicators_view, "indicators.html", load_indicators)


def _add_view(
    app: FastAPI, publication: Publication, path: str, module: ModuleType, template: str, load: Loader
) -> None:
    """One view at `path`: the page, its JSON and its CSV tables, all from one model."""
    base = publication.settings.public_base

    async def view_route(request: Request) -> Response:
        manifest = publication.manifest
        stand = {"modified": manifest.modified, "version": manifest.graph_version}
        chosen = page_format(request, OFFERS)
        if chosen is None:
            raise NotAcceptableError(f"{path} is offered as {', '.join(OFFERS)}")
        lang = page_language(request)
        table = request.query_params.get("table", module.TABLES[0])
        if chosen == "text/csv" and table not in module.TABLES:
            raise InvalidRequestError(f"unknown table {table!r}; the tables are {', '.join(module.TABLES)}")
        evidence = evidence_switch.chosen(request.query_params)
        # Only the parameters a view reads name its cache entry, so made-up ones cannot crowd the cache.
        asked = tuple(request.query_params.get(name) for name in ("from", "to", "table", "scope"))
        key = (path, chosen, lang, asked, evidence, manifest.graph_version)
        body = cached(key)
        if body is None:
            view, extra = await load(request, lang, evidence)

            def build() -> str:
                if chosen == "application/json":
                    return json.dumps(module.as_json(view), ensure_ascii=False)
                if chosen == "text/csv":
                    return csv_text(*module.table(view, table))
                return render_page(
                    template,
                    base,
                    lang,
                    words=module.WORDS[lang],
                    view=view,
                    tables=module.TABLES,
                    queries=module.QUERIES,
                    switch=evidence_switch.WORDS[lang],
                    evidence=evidence,
                    **_links(path, lang, evidence, extra.pop("params", {})),
                    **stand,
                    **extra,
                )

            body = await built(key, build)
        media = {"text/html": "text/html; charset=utf-8", "text/csv": "text/csv; charset=utf-8"}.get(chosen, chosen)
        vary = "Accept, Accept-Language" if chosen == "text/html" else "Accept"
        return Response(body, media_type=media, headers={"Vary": vary})

    app.add_api_route(path, view_route, methods=["GET"], include_in_schema=False)


def _links(path: str, lang: str, evidence: str, params: dict[str, str]) -> dict[str, str]:
    """The query strings the page links with (HTML-escaped by the template): its own choices as a prefix for
    the twins and the language switch, the same view under either evidence choice, and (where the view
    takes a scope) under either scope."""
    evidence_param = {"evidence": evidence} if evidence != evidence_switch.ALL else {}
    own = {**params, **evidence_param}
    others = {k: v for k, v in params.items() if k != "scope"}
    return {
        "own": urlencode(own) + "&" if own else "",
        "query_all": urlencode({**params, "lang": lang}),
        "query_sourced": urlencode({**params, "lang": lang, "evidence": evidence_switch.SOURCED}),
        "scope_all": urlencode({**others, **evidence_param, "lang": lang}),
        "scope_current": urlencode({**others, **evidence_param, "lang": lang, "scope": measure_scope.CURRENT}),
    }
