"""What every response of the service is built from: exact content types, one error shape, cached
answers with ETag and 304, and the page templates."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..sparql.result_cache import CachedResult
from .negotiation import choose, choose_language
from .views.links import is_web_address

templates = Environment(loader=PackageLoader("ikg.web", "templates"), autoescape=select_autoescape(["html"]))
templates.tests["web_address"] = is_web_address


def content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type


class ErrorResponse(Response):
    """An error as plain text; keeps its message so a page can show it in place."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{message}\n", status_code=status, media_type="text/plain; charset=utf-8")
        self.message = message


def error(status: int, message: str) -> ErrorResponse:
    """Every error the service gives: the status and one short sentence, never a stack trace."""
    return ErrorResponse(status, message)


SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
}
_SECURITY_RAW = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in SECURITY_HEADERS.items()]


VARY_SCOPE_KEY = "ikg.vary"


def depends_on(request: Request, header: str) -> None:
    """Notes that the response to `request` depends on this request header; it is named in Vary."""
    request.scope.setdefault(VARY_SCOPE_KEY, set()).add(header)


def _vary(headers: list[tuple[bytes, bytes]], scope: Scope, status: int) -> list[tuple[bytes, bytes]]:
    """The headers with one Vary naming what the route said and what the request was read for; a 406 is an
    answer to the Accept header whatever code wrote it."""
    named: dict[str, str] = {"accept": "Accept"} if status == 406 else {}
    for name, value in headers:
        if name.lower() == b"vary":
            named |= {v.strip().lower(): v.strip() for v in value.decode("latin-1").split(",") if v.strip()}
    named |= {h.lower(): h for h in sorted(scope.get(VARY_SCOPE_KEY, ())) if h.lower() not in named}
    if not named:
        return headers
    return [*(h for h in headers if h[0].lower() != b"vary"), (b"vary", ", ".join(named.values()).encode("latin-1"))]


class SecurityHeaders:
    """ASGI middleware putting the security headers on every response, pages, data and errors alike, and
    naming in Vary every request header the response was chosen by (see `depends_on`).

    Plain ASGI rather than Starlette's BaseHTTPMiddleware, which would cost the endpoint a task per request.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = _vary(list(message.get("headers", [])), scope, message["status"])
                present = {name.lower() for name, _ in headers}
                extra = [(name, value) for name, value in _SECURITY_RAW if name not in present]
                message = {**message, "headers": [*headers, *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


NAVIGATION = {
    "de": {
        "skip": "Zum Inhalt",
        "home": "Startseite",
        "measures": "Maßnahmen",
        "organisations": "Organisationen",
        "programmes": "Förderprogramme",
        "action-fields": "Handlungsfelder",
        "concept": "Konzept & Ziele",
        "sparql": "SPARQL",
        "queries": "Abfragen",
        "downloads": "Downloads",
        "vocabulary": "Vokabular",
        "site": "Hauptnavigation",
    },
    "en": {
        "skip": "Skip to content",
        "home": "Home",
        "measures": "Measures",
        "organisations": "Organisations",
        "programmes": "Funding programmes",
        "action-fields": "Action fields",
        "concept": "Concept & goals",
        "sparql": "SPARQL",
        "queries": "Queries",
        "downloads": "Downloads",
        "vocabulary": "Vocabulary",
        "site": "Main navigation",
    },
}


def page_language(request: Request) -> str:
    """German unless the reader asks for English, by ?lang=en or by preferring it in Accept-Language."""
    asked = request.query_params.get("lang")
    if asked in ("de", "en"):
        return asked
    depends_on(request, "Accept-Language")
    return choose_language(request.headers.get("accept-language"), ("de", "en"), "de")


def language_context(lang: str) -> dict[str, str]:
    """What every page needs to show its language and offer the other one."""
    return {
        "lang": lang,
        "other_lang": "en" if lang == "de" else "de",
        "switch_text": "English" if lang == "de" else "Deutsch",
    }


def render_page(name: str, site: str, lang: str, **context: object) -> str:
    """A page of the site: the template with the site's base URL, navigation and language switch."""
    return templates.get_template(name).render(site=site, nav=NAVIGATION[lang], **language_context(lang), **context)


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
    headers = caching_headers(result.etag, headers)
    if vary:
        headers["Vary"] = "Accept"
    return not_modified(request, headers) or body_response(request, result.body, media_type, headers)


def caching_headers(etag: str, headers: dict[str, str] | None = None) -> dict[str, str]:
    """What every answer that can be cached carries: its ETag, and five minutes before a cache asks again."""
    return {"ETag": etag, "Cache-Control": "public, max-age=300", **(headers or {})}


def not_modified(request: Request, headers: dict[str, str]) -> Response | None:
    """A 304 with the caching headers when the client already holds the ETag in `headers`, else None."""
    if headers["ETag"] in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return None


NOT_FOUND_WORDS = {
    "de": {
        "title": "Nicht gefunden",
        "hint": "Weiter zur",
        "home": "Startseite",
        "search": "Suche in den Maßnahmen",
        "nothing": "Unter dieser Adresse gibt es nichts.",
    },
    "en": {
        "title": "Not found",
        "hint": "Go on to the",
        "home": "home page",
        "search": "search the measures",
        "nothing": "There is nothing at this address.",
    },
}
# What an RDF client gets with a 404: an empty graph in the format it asked for, with the reason as a comment
# where the syntax has comments.
_EMPTY_GRAPHS = {
    "text/turtle": "# {message}\n",
    "application/trig": "# {message}\n",
    "application/n-quads": "# {message}\n",
    "application/n-triples": "# {message}\n",
    "application/ld+json": "[]\n",
    "application/rdf+xml": '<?xml version="1.0" encoding="UTF-8"?>\n<!-- {message} -->\n'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n',
}


def not_found(request: Request, site: str, media: str | None, message: str | None = None) -> Response:
    """A 404 in the kind of document the client asked for: a page, an empty graph, or plain text."""
    if media == "text/html":
        lang = page_language(request)
        words = NOT_FOUND_WORDS[lang]
        html = render_page("not_found.html", site, lang, words=words, message=message or words["nothing"])
        return Response(html, status_code=404, media_type="text/html; charset=utf-8", headers={"Vary": "Accept"})
    text = message or "nothing at this address"
    if media in _EMPTY_GRAPHS:
        # A message is never an IRI here, but keep it from closing the comment it sits in.
        body = _EMPTY_GRAPHS[media].format(message=text.replace("\n", " ").replace("--", "- -"))
        return Response(body, status_code=404, media_type=content_type(media), headers={"Vary": "Accept"})
    return error(404, text)


_FORMAT_PARAMETER = {"json": "application/json", "csv": "text/csv", "html": "text/html"}


def page_format(request: Request, offers: tuple[str, ...]) -> str | None:
    """What a page with twins should answer in: ?format=json|csv|html, else the Accept header's choice."""
    asked = _FORMAT_PARAMETER.get(request.query_params.get("format", ""))
    if asked:
        return asked
    depends_on(request, "Accept")
    return choose(request.headers.get("accept"), offers)
