"""HTTP semantics at the edge of the application that the framework gets wrong for a public service:
HEAD wherever GET, trailing-slash redirects that do not echo the Host header, and one log entry with detail
for a fault while the client gets a plain 500 with the security headers; and the layer that makes each
request's client known to the queries it causes."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.responses import RedirectResponse
from starlette.routing import Match, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import clients
from .hot_routes import HotEndpoints, HotLane, HotRoute
from .responses import SecurityHeaders

log = logging.getLogger("ikg.http")


def _answers(router: Router, scope: Scope) -> bool:
    return any(route.matches(scope)[0] is Match.FULL for route in router.routes)


class HeadLikeGet:
    """HEAD wherever GET: a HEAD that no route takes is answered as the GET, with its headers (Content-Length
    included) and without its body, as HTTP requires and Starlette's own routes do. Routes that take HEAD
    themselves (`body_response`, files) keep it and skip making the body."""

    def __init__(self, app: ASGIApp, router: Router) -> None:
        self.app = app
        self.router = router

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD" or _answers(self.router, scope):
            await self.app(scope, receive, send)
            return
        as_get = {**scope, "method": "GET"}  # a copy: the server still knows it answers a HEAD
        if not _answers(self.router, as_get):
            await self.app(scope, receive, send)  # a 404 or 405, as for any method no route takes
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app(as_get, receive, without_body)


def slash_redirect(router: Router) -> ASGIApp:
    """What the router does when no route matches: redirect to the path with or without its trailing slash if
    that one exists, else 404.

    Starlette's own redirect builds an absolute URL from the Host header, which lets any client write the host of
    a redirect that a shared cache then keeps. This one is relative to the requested URL, which also keeps it
    right behind a proxy that serves the site under a path prefix."""
    not_found = router.not_found

    async def default(scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        if scope["type"] == "http" and path != "/":
            twin = path.rstrip("/") if path.endswith("/") else path + "/"
            if any(route.matches({**scope, "path": twin})[0] is not Match.NONE for route in router.routes):
                await RedirectResponse(_relative(scope, twin), status_code=307)(scope, receive, send)
                return
        await not_found(scope, receive, send)

    return default


def _relative(scope: Scope, twin: str) -> str:
    raw: str = scope.get("raw_path", scope["path"].encode()).decode("latin-1")
    segment = raw.rstrip("/").rsplit("/", 1)[-1]
    # "./" keeps a segment with a colon from reading as a scheme; "../x" steps out of the slashed path.
    target = f"./{segment}/" if twin.endswith("/") else f"../{segment}"
    query = scope.get("query_string", b"").decode("latin-1")
    return f"{target}?{query}" if query else target


class FaultLog:
    """Logs a fault with the request it broke, once. Starlette has already answered 500 when the fault reaches
    this layer and raises it on; this layer ends it here, so that the server does not log it a second time
    without the request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except Exception:
            log.exception("%s %s failed", scope.get("method", scope["type"]), scope.get("path", ""))


class ServiceApp(FastAPI):
    """FastAPI with the edge above: HEAD wherever GET, relative slash redirects, and the security headers outside
    Starlette's error layer, so that its 500 carries them too."""

    def __init__(self, **options: Any) -> None:
        super().__init__(redirect_slashes=False, **options)
        self.router.default = slash_redirect(self.router)
        self.hot_routes: dict[str, HotRoute] = {}

    def build_middleware_stack(self) -> ASGIApp:
        # HEAD outermost: the layers below, Vary included, see the GET they answer.
        framework = HeadLikeGet(SecurityHeaders(FaultLog(super().build_middleware_stack())), self.router)
        if not self.hot_routes:
            return framework
        handler = self.exception_handlers.get(Exception) or self.exception_handlers.get(500)
        handlers = {c: h for c, h in self.exception_handlers.items() if isinstance(c, type) and c is not Exception}
        short: ASGIApp = HotEndpoints(handlers)
        for cls, args, kwargs in reversed(self.user_middleware):
            short = cls(short, *args, **kwargs)
        short = SecurityHeaders(FaultLog(ServerErrorMiddleware(short, handler=handler)))
        return HotLane(short, framework, self.hot_routes)


class ClientTracking:
    """ASGI middleware making each HTTP request's client known to the queries it causes (`clients`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        peer = scope.get("client")
        with clients.tracked(peer[0] if peer else "", receive) as client:
            await self.app(scope, client.receive, send)
