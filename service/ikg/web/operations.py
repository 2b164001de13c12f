"""Routes for operators: /health for load balancers, /status for people, and the authenticated reload.

/admin/ is for the operator's own tools, never for a web page's scripts: it is left out of CORS. A client
that sends wrong tokens is slowed down: after three in a row, it is refused (429, Retry-After) for 30 s,
then twice as long after every further wrong token, up to an hour; the right token ends the count.
"""

from __future__ import annotations

import hmac
import math
import time
from collections import OrderedDict

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import Receive, Scope, Send

from ..request_errors import ForbiddenError, NotAuthenticatedError, TooManyAttemptsError
from .publication import Publication
from .reload import Reloader
from .responses import page_format, page_language, render_page

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


def add_operation_routes(app: FastAPI, publication: Publication, reloader: Reloader) -> None:
    settings = publication.settings
    guesses = WrongTokens()

    async def status() -> dict:
        manifest = publication.manifest
        health = await publication.workers.health()
        return {
            "status": "ok" if health.answering else "unavailable",
            "graph_version": manifest.graph_version,
            "modified": manifest.modified,
            "triples": manifest.statistics["triples"],
            "base": settings.public_base,
            "query_workers": health.workers,
            "query_workers_busy": health.busy,  # None for an external store
            "queries_waiting": health.waiting,
            "result_cache_bytes": publication.cache.bytes,
            "store": " ".join(settings.store) or "embedded",  # several: replicas, space-separated as in IKG_STORE
            # True: the store's default graph is the union of its graphs, queries go as they are; False: ikg
            # states the dataset with every query.
            "store_union_default_graph": health.union_default_graph,
            "store_problem": health.problem,
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
        client = request.client.host if request.client else ""
        _refuse_unless_allowed(settings.reload_token, request.headers.get("authorization"), guesses, client)
        allow_shrink = request.query_params.get("allow_shrink", "") in ("1", "true", "yes")
        result = await reloader.reload("request", allow_shrink=allow_shrink)
        return JSONResponse(result.as_dict(), status_code=200 if result.ok else 422)


class WrongTokens:
    """Per client address: how many wrong tokens in a row, and until when it is refused."""

    free = 3  # wrong tokens in a row before the first wait
    first_wait = 30.0
    longest_wait = 3600.0
    remembered = 10_000  # clients; the longest-idle are forgotten first

    def __init__(self) -> None:
        self._clients: OrderedDict[str, tuple[int, float]] = OrderedDict()

    def wait(self, client: str) -> float:
        """Seconds the client must still wait before its next try; 0 when it may try now."""
        _count, until = self._clients.get(client, (0, 0.0))
        return max(0.0, until - time.monotonic())

    def failed(self, client: str) -> None:
        count = self._clients.pop(client, (0, 0.0))[0] + 1
        beyond = count - self.free  # 0 at the last free slip: from then on every wrong token doubles the wait
        wait = min(self.first_wait * 2**beyond, self.longest_wait) if beyond >= 0 else 0.0
        self._clients[client] = (count, time.monotonic() + wait)
        while len(self._clients) > self.remembered:
            self._clients.popitem(last=False)

    def succeeded(self, client: str) -> None:
        self._clients.pop(client, None)


def _refuse_unless_allowed(token: str | None, authorization: str | None, guesses: WrongTokens, client: str) -> None:
    """Returns when the request carries the configured token; raises why not otherwise."""
    if not token:
        raise ForbiddenError("reloading over HTTP is disabled; set IKG_RELOAD_TOKEN to enable it")
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        raise NotAuthenticatedError("send the reload token as 'Authorization: Bearer TOKEN'")
    wait = guesses.wait(client)
    if wait > 0:  # not even the right token is looked at: a guess must learn nothing while it waits
        seconds = math.ceil(wait)
        raise TooManyAttemptsError(f"too many wrong reload tokens from this address; try again in {seconds} s", seconds)
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        guesses.failed(client)
        raise ForbiddenError("the reload token is wrong")
    guesses.succeeded(client)


class PublicCors(CORSMiddleware):
    """CORS for the public routes; /admin/ answers no preflight and grants no origin."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/admin/"):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)
