"""The HTTP service: wiring only. The SPARQL protocol, named queries and service description live in
their own modules; this module connects them to routes and to one error shape."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence

import pyoxigraph as ox
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.staticfiles import StaticFiles

from . import (
    clients,
    dereference,
    evidence_switch,
    query_inspection,
    query_page,
    service_description,
    sparql_protocol,
)
from .backends import QueryBackend, backend_for
from .formats import GRAPH_TYPES, TABLE_TYPES, requested_format, result_formats
from .hot_routes import Endpoint, HotRoute
from .http_edge import ServiceApp
from .named_queries import NamedQuery, ParameterError
from .negotiation import choose
from .operations import PublicCors
from .published import Published
from .query_rows import QueryFailedError
from .query_workers import QueryJob, QueryOutcome, QueryWorkers
from .reload import Reloader, ReloadLog
from .responses import (
    cached_response,
    content_type,
    depends_on,
    error,
    not_found,
    page_language,
    render_page,
)
from .result_cache import CachedResult, ResultCache
from .settings import Settings
from .sparql_protocol import ProtocolError
from .web_assets import vendor_folder

DESCRIPTION_TYPES = ("text/turtle", "application/rdf+xml", "application/ld+json", "application/n-triples", "text/html")


class Publication:
    """What one build of the graph offers over HTTP: its statistics, queries, workers and result cache."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.current = Published.load(
            settings.root, settings.dist, settings.public_base, settings.cache_entries, settings.cache_bytes
        )
        self.workers: QueryBackend = backend_for(settings, settings.dist)
        self.reloads = ReloadLog()
        self.in_flight = clients.ClientLimit(settings.client_queries)

    @property
    def manifest(self) -> dict:
        return self.current.manifest

    @property
    def queries(self) -> dict[str, NamedQuery]:
        return self.current.queries

    @property
    def cache(self) -> ResultCache:
        return self.current.cache

    def swap(self, published: Published, workers: QueryBackend) -> QueryBackend:
        """The new build in, in one step between two requests; returns the old workers to retire."""
        old = self.workers
        self.current, self.workers = published, workers
        return old

    async def answer(
        self,
        request: Request,
        query: str,
        formats: Sequence[str],
        default_graphs: tuple[str, ...] | None = None,
        named_graphs: tuple[str, ...] | None = None,
    ) -> Response:
        """The query's result in the format the format= parameters name, else the one the Accept header prefers."""
        try:
            form = sparql_protocol.query_form(query)
            requested = requested_format(form, list(formats))
        except ProtocolError as problem:
            return error(problem.status, problem.message)
        except ValueError as problem:
            return error(400, str(problem))
        offers = TABLE_TYPES if form in ("SELECT", "ASK") else GRAPH_TYPES
        chosen = requested or choose(request.headers.get("accept"), offers)
        if chosen is None:
            return error(406, f"none of the accepted types can be produced for {form}; offered: {', '.join(offers)}")
        result = await self.evaluate(query, chosen, default_graphs, named_graphs)
        if isinstance(result, Response):
            return result
        return cached_response(request, result, chosen)

    async def evaluate(
        self,
        query: str,
        media_type: str,
        default_graphs: tuple[str, ...] | None = None,
        named_graphs: tuple[str, ...] | None = None,
    ) -> CachedResult | Response:
        """The serialised result from the cache or a worker, or the error response."""
        key = (query, default_graphs, named_graphs, media_type)
        cached = self.cache.get(key)
        if cached is None:
            cache = self.cache  # the build the query runs on, even if a reload swaps in another meanwhile
            client = clients.current()
            address = client.address if client is not None else ""
            job = QueryJob(query, media_type, default_graphs, named_graphs, self.settings.max_result_bytes, address)
            outcome = await self._run(job, client)
            if outcome.error is not None:
                return _outcome_error(outcome.error, outcome.message)
            cached = cache.put(key, outcome.body)
        return cached

    async def _run(self, job: QueryJob, client: clients.Client | None) -> QueryOutcome:
        """The job's outcome, within the client's share of the workers and only while the client waits."""
        if client is not None and client.is_gone:
            return QueryOutcome(error="gone", message="the client closed the connection")
        if not self.in_flight.enter(job.client):
            limit = self.settings.client_queries
            return QueryOutcome(error="client_busy", message=f"{limit} queries from this address are already running")
        try:
            # A query cheap by construction ends within its bound: nothing to stop if the client hangs up.
            outcome = await self.workers.answer(job) if isinstance(self.workers, QueryWorkers) else None
            if outcome is None:
                outcome = await clients.unless_gone(client, self.workers.run(job))
        finally:
            self.in_flight.leave(job.client)
        return outcome or QueryOutcome(error="gone", message="the client closed the connection")


def _prefers_page(request: Request) -> bool:
    """A browser: it ranks HTML above every result format (clients naming no type get JSON or Turtle)."""
    return choose(request.headers.get("accept"), (*TABLE_TYPES, *GRAPH_TYPES, "text/html")) == "text/html"


def _outcome_error(kind: str, message: str) -> Response:
    # "failed" is an evaluation error of the client's query (a bad regex, say); "unavailable" is ours.
    status = {
        "syntax": 400,
        "failed": 400,
        "too_large": 413,
        "timeout": 503,
        "memory": 503,
        "busy": 503,  # no general worker became free within the queue's own limit
        "client_busy": 429,
        "gone": 499,  # nobody reads it: the client hung up, its query was stopped
        "unavailable": 503,
        "store_error": 502,  # the external store refused or garbled its answer
        "store_unavailable": 502,
        "store_timeout": 504,
    }.get(kind, 503)
    prefix = {
        "syntax": "syntax error in the query: ",
        "too_large": "the result is too large: ",
        "timeout": "query stopped: ",
        "memory": "query stopped: ",
        "busy": "query not started: ",
        "client_busy": "too many queries at once: ",
    }.get(kind, "")
    hint = {
        "too_large": "; add a LIMIT or narrow the query",
        "timeout": "; narrow the query or add a LIMIT",
        "memory": "; narrow the query or add a LIMIT",
        "busy": "; please retry shortly",
        "client_busy": "; wait for their answers before sending more",
    }.get(kind, "")
    response = error(status, f"{prefix}{message}{hint}")
    if kind in RETRY_AFTER:
        response.headers["Retry-After"] = RETRY_AFTER[kind]
    return response


# Seconds a refused client should wait: long enough for a short query elsewhere to finish, short enough
# not to stall an interactive user.
RETRY_AFTER = {"busy": "5", "client_busy": "2"}


def create_app(settings: Settings, reloader_of: Callable[[Publication], Reloader] = Reloader) -> FastAPI:
    """`reloader_of`: one of several serving processes follows the builder instead (following.py)."""
    publication = Publication(settings)
    reloader = reloader_of(publication)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await publication.workers.start()
        loop = asyncio.get_running_loop()
        watcher = loop.create_task(reloader.watch(settings.watch_interval)) if reloader.watches else None
        yield
        if watcher is not None:
            watcher.cancel()
        await publication.workers.close()
        query_inspection.close()

    app = ServiceApp(
        title="ikg",
        summary="SPARQL endpoint and named queries of the integration knowledge graph",
        version=publication.manifest["ikg_version"],
        lifespan=lifespan,
    )
    hot = app.hot_routes
    app.add_middleware(
        PublicCors,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "HEAD", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=["ETag", "Content-Type"],
    )
    app.add_middleware(clients.ClientTracking)
    app.state.publication = publication
    app.mount("/static", StaticFiles(packages=[("ikg", "static")]), name="static")
    # The front-end packages `ikg assets` fetched; absent until then, and the pages work without them.
    app.mount("/vendor", StaticFiles(directory=vendor_folder(settings.root), check_dir=False), name="vendor")

    @app.api_route("/sparql", methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"], include_in_schema=False)
    async def sparql(request: Request) -> Response:
        return await answer_sparql(request, "")

    async def answer_sparql(request: Request, _rest: str) -> Response:
        try:
            parsed = await sparql_protocol.read(request)
        except ProtocolError as problem:
            return error(problem.status, problem.message)
        if parsed.query is None:
            if request.method == "POST":
                return error(400, "the request has no query; send it as 'query' or as an application/sparql-query body")
            return await describe_service(request)
        try:
            # Long texts are read in a helper process; what follows finds the shape remembered.
            await query_inspection.inspect(parsed.query)
        except ProtocolError as problem:
            return error(problem.status, problem.message)
        requested = parsed.formats
        # The query page reads every graph, so a request for the sourced-only preset is answered as data.
        if parsed.evidence is None and ("html" in requested or (not requested and _prefers_page(request))):
            return await query_page.render(request, publication, parsed.query)
        default, named = parsed.default_graphs, parsed.named_graphs
        if parsed.evidence:
            try:
                default = named = await evidence_switch.dataset(publication, parsed.evidence)
            except QueryFailedError as failed:
                return failed.response
        return await publication.answer(request, parsed.query, parsed.formats, default, named)

    async def describe_service(request: Request) -> Response:
        chosen = choose(request.headers.get("accept"), DESCRIPTION_TYPES)
        if chosen is None:
            return error(406, f"the service description is offered as {', '.join(DESCRIPTION_TYPES)}")
        if chosen == "text/html":
            return await query_page.render(request, publication, None)
        stats = publication.manifest["statistics"]
        see_also = {"http://www.w3.org/2000/01/rdf-schema#seeAlso": f"{settings.public_base}.well-known/void"}
        triples = service_description.describe(settings.endpoint, stats["graphs"], stats["triples"], see_also)
        body = ox.serialize(
            triples,
            format=ox.RdfFormat.from_media_type(chosen),
            prefixes={"sd": "http://www.w3.org/ns/sparql-service-description#", "void": "http://rdfs.org/ns/void#"}
            if chosen != "application/n-triples"
            else None,
        )
        return Response(body, media_type=content_type(chosen), headers={"Vary": "Accept"})

    @app.get("/queries", summary="The named queries (competency questions)", tags=["named queries"])
    async def list_queries(request: Request) -> Response:
        entries = [_query_entry(q, settings) for q in publication.queries.values()]
        if (
            choose(request.headers.get("accept"), ("application/json", "text/html")) == "text/html"
            and request.query_params.get("format") != "json"
        ):
            lang = page_language(request)
            page = render_page("queries.html", settings.public_base, lang, queries=publication.queries.values())
            return HTMLResponse(page, headers={"Vary": "Accept, Accept-Language"})
        return JSONResponse({"queries": entries}, headers={"Vary": "Accept"})

    hot["sparql"] = HotRoute(answer_sparql, frozenset({"GET", "HEAD", "POST"}), prefix=False)

    async def run_named_query(request: Request, name: str) -> Response:
        # By name in the build being served: a reload may have changed the query's text or added queries.
        named = publication.queries.get(name)
        if named is None:
            return _missing(request, settings.public_base)
        values = {k: v for k, v in request.query_params.items() if k != "format"}
        try:
            query = named.bind(values)
        except ParameterError as problem:
            return error(400, str(problem))
        return await publication.answer(request, query, request.query_params.getlist("format"))

    for named in publication.queries.values():
        _add_named_query_route(app, named, run_named_query)
    hot["queries"] = HotRoute(run_named_query, frozenset({"GET"}), prefix=True)

    for prefix in dereference.DEREFERENCEABLE:
        hot[prefix] = HotRoute(_dereferencing(publication, prefix), frozenset({"GET", "HEAD"}), prefix=True)
        _add_dereferencing_route(app, hot[prefix].endpoint, prefix)

    from .site_routes import add_site_routes

    add_site_routes(app, publication)

    from .downloads import add_download_routes

    add_download_routes(app, publication)

    from .catalogue_routes import add_catalogue_routes

    add_catalogue_routes(app, publication)

    from .controlling_routes import add_controlling_routes

    add_controlling_routes(app, publication)

    @app.exception_handler(StarletteHTTPException)
    async def http_problem(request: Request, problem: StarletteHTTPException) -> Response:
        if problem.status_code == 404:
            return _missing(request, settings.public_base)
        response = error(problem.status_code, str(problem.detail))
        response.headers.update(problem.headers or {})
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, problem: RequestValidationError) -> Response:
        # FastAPI's own answer is a 422 that echoes the input back, whatever its size; name the field instead.
        fields = ", ".join(".".join(str(part) for part in item["loc"]) for item in problem.errors())
        return error(400, f"the request has invalid values in: {fields}")

    @app.exception_handler(Exception)
    async def fault(_request: Request, _problem: Exception) -> Response:
        # The detail goes to the server's log (http_edge.FaultLog), never to the client.
        return error(500, "the server failed to answer this request; the fault is logged")

    from .operations import add_operation_routes

    add_operation_routes(app, publication, reloader)

    return app


def _missing(request: Request, base: str) -> Response:
    """The 404 of the site: a page for browsers, plain text for everything else."""
    depends_on(request, "Accept")
    return not_found(request, base, choose(request.headers.get("accept"), ("text/plain", "text/html")))


def _dereferencing(publication: Publication, prefix: str) -> Endpoint:
    async def dereference_resource(request: Request, path: str) -> Response:
        return await dereference.describe(request, publication, prefix, path)

    return dereference_resource


def _add_dereferencing_route(app: FastAPI, endpoint: Endpoint, prefix: str) -> None:
    app.add_api_route(f"/{prefix}/{{path:path}}", endpoint, methods=["GET", "HEAD"], include_in_schema=False)


def _query_entry(query: NamedQuery, settings: Settings) -> dict:
    return {
        "name": query.name,
        "url": f"{settings.public_base}queries/{query.name}",
        "title": query.titles,
        "description": query.descriptions,
        "parameters": [
            {"name": p.name, "type": p.type, "default": p.default, "description": p.description}
            for p in query.parameters
        ],
    }


def _add_named_query_route(app: FastAPI, named: NamedQuery, endpoint: Endpoint) -> None:
    async def run_named_query(request: Request) -> Response:
        return await endpoint(request, named.name)

    parameters = [
        {
            "name": p.name,
            "in": "query",
            "required": False,
            "description": p.description,
            "schema": {
                "type": "integer" if p.type == "integer" else "string",
                **({"format": "uri"} if p.type == "iri" else {}),
                "default": p.default,
            },
        }
        for p in named.parameters
    ] + [
        {
            "name": "format",
            "in": "query",
            "required": False,
            "description": "result format instead of Accept",
            "schema": {"type": "string", "enum": list(result_formats(sparql_protocol.query_form(named.text)))},
        }
    ]
    app.add_api_route(
        f"/queries/{named.name}",
        run_named_query,
        methods=["GET"],
        tags=["named queries"],
        summary=named.title("en"),
        description=f"{named.description('en')}\n\n{named.title('de')}: {named.description('de')}",
        openapi_extra={
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": "query results in the negotiated format",
                    "content": {t: {} for t in (*TABLE_TYPES, *GRAPH_TYPES)},
                }
            },
        },
    )
