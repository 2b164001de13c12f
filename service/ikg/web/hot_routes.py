"""The requests a crawler or a client script sends by the thousand, on a short path to their endpoints.

FastAPI finds a route by trying each of the service's routes in turn, resolves the endpoint's parameters,
and passes every request through its own layers (telemetry, body limit, exception handlers, exit stack);
that was half the CPU of an uncached lookup. A GET to `/sparql`, to a named query or to a dereferenceable
IRI goes instead by one dictionary lookup through ikg's own layers (security headers, fault log, the 500
answer, CORS, client tracking: the same classes, in the same order) to the same endpoint function the
framework's route calls. Every other request, and every method these endpoints do not take, goes to the
framework unchanged.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

# The endpoint gets the rest of the path after the route's first segment ("" for an exact path).
Endpoint = Callable[[Request, str], Awaitable[Response]]
# As the framework keeps its exception handlers; ikg's own (http_errors) are all async.
ErrorHandler = Callable[[Request, Any], Response | Awaitable[Response]]

_MATCH = "ikg.hot_route"  # the scope key carrying the match from the lane to the endpoints


@dataclass(frozen=True)
class HotRoute:
    endpoint: Endpoint
    methods: frozenset[str]
    # Whether the path may go on below the first segment (/id/…), or must be the segment alone (/sparql).
    prefix: bool


def match(routes: dict[str, HotRoute], scope: Scope) -> tuple[HotRoute, str] | None:
    """The hot route taking this request and the rest of its path, or None."""
    if scope["type"] != "http":
        return None
    path: str = scope["path"]
    first, slash, rest = path[1:].partition("/")
    route = routes.get(first)
    if route is None or scope["method"] not in route.methods:
        return None
    if route.prefix != bool(rest) or (slash and not route.prefix):
        return None  # /sparql/, /queries/ and /id are the framework's: a redirect or a 404
    return route, rest


class HotEndpoints:
    """The innermost ASGI app of the short path: calls the endpoint the lane matched. An exception it raises
    goes to the handler the framework has for its class (the 500 answer of anything unhandled stays with the
    error layer outside, which logs it)."""

    def __init__(self, handlers: Mapping[Any, ErrorHandler]) -> None:
        self.handlers = handlers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route, rest = scope[_MATCH]
        request = Request(scope, receive, send)
        try:
            response = await route.endpoint(request, rest)
        except Exception as problem:
            handler = next((self.handlers[c] for c in type(problem).__mro__ if c in self.handlers), None)
            if handler is None:
                raise
            handled = handler(request, problem)
            response = await handled if inspect.isawaitable(handled) else handled
        await response(scope, receive, send)


class HotLane:
    """The outermost ASGI app: a hot request to the short path, any other to the framework."""

    def __init__(self, short: ASGIApp, framework: ASGIApp, routes: dict[str, HotRoute]) -> None:
        self.short = short
        self.framework = framework
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = match(self.routes, scope)
        if found is None:
            await self.framework(scope, receive, send)
            return
        scope[_MATCH] = found
        await self.short(scope, receive, send)
