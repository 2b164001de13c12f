"""Routes for operators: /health for load balancers, /status for people, and the authenticated reload."""

from __future__ import annotations

import hmac

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from .responses import error, page_format, page_language, render_page

WORDS = {
    "de": {
        "title": "Status des Dienstes",
        "serving": "Im Dienst",
        "version": "Graph-Version",
        "modified": "Stand der Daten",
        "triples": "Aussagen",
        "workers": "Abfrage-Prozesse",
        "store": "SPARQL-Speicher",
        "watching": "Beobachtet die Quelldateien",
        "yes": "ja",
        "no": "nein",
        "last": "Letztes Neuladen",
        "never": "seit dem Start noch nicht",
        "ok": "erfolgreich",
        "failed": "fehlgeschlagen – es wird weiter der letzte gute Graph ausgeliefert",
        "problems": "Probleme",
        "running": "Ein Neuladen läuft gerade.",
    },
    "en": {
        "title": "Service status",
        "serving": "Serving",
        "version": "graph version",
        "modified": "data as of",
        "triples": "statements",
        "workers": "query processes",
        "store": "SPARQL store",
        "watching": "Watching the source files",
        "yes": "yes",
        "no": "no",
        "last": "Last reload",
        "never": "none since the start",
        "ok": "succeeded",
        "failed": "failed – the last good graph is still being served",
        "problems": "Problems",
        "running": "A reload is running now.",
    },
}


def add_operation_routes(app: FastAPI, publication, reloader) -> None:  # type: ignore[no-untyped-def]
    settings = publication.settings

    async def status() -> dict:
        manifest = publication.manifest
        workers = publication.workers
        answering = await workers.check()  # the external store is asked; the embedded workers are counted
        return {
            "status": "ok" if answering else "unavailable",
            "graph_version": manifest["graph_version"],
            "modified": manifest.get("modified"),
            "triples": manifest["statistics"]["triples"],
            "base": settings.public_base,
            "query_workers": workers.alive(),
            "query_workers_busy": getattr(workers, "busy", None),  # None for an external store
            "queries_waiting": getattr(workers, "waiting", None),
            "result_cache_bytes": publication.cache.bytes,
            "store": settings.store or "embedded",
            # True: the store's default graph is the union of its graphs, queries go as they are; False: ikg
            # states the dataset with every query.
            "store_union_default_graph": getattr(workers, "union_default_graph", None),
            "store_problem": None if answering else getattr(workers, "last_problem", "no query worker is alive"),
            "watching": settings.watch,
            "reload_running": publication.reloads.running,
            "last_reload": publication.reloads.as_dict(),
        }

    @app.get(
        "/health", summary="Status for load balancers: 200 while queries can be answered, else 503", tags=["service"]
    )
    async def health() -> Response:
        body = await status()
        return JSONResponse(
            body, status_code=200 if body["status"] == "ok" else 503, headers={"Cache-Control": "no-store"}
        )

    @app.get("/status", include_in_schema=False)
    async def status_page(request: Request) -> Response:
        body = await status()
        if page_format(request, ("text/html", "application/json")) == "application/json":
            return JSONResponse(body, headers={"Cache-Control": "no-store", "Vary": "Accept"})
        lang = page_language(request)
        html = render_page("status.html", settings.public_base, lang, words=WORDS[lang], state=body)
        return HTMLResponse(html, headers={"Cache-Control": "no-store", "Vary": "Accept, Accept-Language"})

    @app.post(
        "/admin/reload",
        summary="Rebuild from the sources and serve the new graph if it is valid (needs IKG_RELOAD_TOKEN)",
        tags=["service"],
    )
    async def reload(request: Request) -> Response:
        refusal = _refusal(settings.reload_token, request.headers.get("authorization"))
        if refusal is not None:
            return refusal
        result = await reloader.reload("request")
        return JSONResponse(result.as_dict(), status_code=200 if result.ok else 422)


def _refusal(token: str | None, authorization: str | None) -> Response | None:
    """None when the request carries the configured token; a 403 or 401 otherwise."""
    if not token:
        return error(403, "reloading over HTTP is disabled; set IKG_RELOAD_TOKEN to enable it")
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        response = error(401, "send the reload token as 'Authorization: Bearer TOKEN'")
        response.headers["WWW-Authenticate"] = 'Bearer realm="ikg"'
        return response
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        return error(403, "the reload token is wrong")
    return None
