"""What every response of the service is built from: exact content types, one error shape, cached
answers with ETag and 304, and the page templates."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import Response

from .result_cache import CachedResult

templates = Environment(loader=PackageLoader("ikg", "templates"), autoescape=select_autoescape(["html"]))


def content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type


def error(status: int, message: str) -> Response:
    """Every error the service gives: the status and one short sentence, never a stack trace."""
    return Response(f"{message}\n", status_code=status, media_type="text/plain; charset=utf-8")


SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
}


def body_response(request: Request, body: bytes, media_type: str, headers: dict[str, str]) -> Response:
    """A 200 carrying `body`; for HEAD the same headers, Content-Length included, and no body."""
    if request.method != "HEAD":
        return Response(body, headers=headers, media_type=content_type(media_type))
    response = Response(b"", headers=headers, media_type=content_type(media_type))
    response.headers["content-length"] = str(len(body))
    return response


def cached_response(
    request: Request, result: CachedResult, media_type: str, headers: dict[str, str] | None = None, vary: bool = True
) -> Response:
    """A 200 with the body, or a 304 when the client already has this version; caching headers on both."""
    headers = {"ETag": result.etag, "Cache-Control": "public, max-age=300", **(headers or {})}
    if vary:
        headers["Vary"] = "Accept"
    if result.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return body_response(request, result.body, media_type, headers)
