"""The HTTP service: wiring only. The SPARQL protocol, named queries and service description live in
their own modules; this module connects them to routes, and every failure to `http_errors`."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import pyoxigraph as ox
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.staticfiles import StaticFiles

from ..query import inspection as query_inspection
from ..rdf.formats import GRAPH_TYPES, TABLE_TYPES, Offer, result_formats
from ..request_errors import InvalidRequestError, NotAcceptableError, NotFoundError
from ..settings import Settings
from ..sparql.named_queries import NamedQuery
from . import dereference, http_errors, query_page, service_description, sparql_protocol
from .catalogue_routes import add_catalogue_routes
from .controlling_routes import add_controlling_routes
from .downloads import add_download_routes
from .hot_routes import Endpoint, HotRoute
from .http_edge import ClientTracking, ServiceApp
from .negotiation import choose
from .operations import PublicCors, add_operation_routes
from .publication import Publication
from .query_answer import answer
from .reload import Reloader
from .responses import content_type, page_language, render_page
from .site_routes import add_site_routes
from .views import evidence_switch
from .web_assets import vendor_folder

DESCRIPTION_TYPES = Offer.of("turtle", "rdfxml", "jsonld", "ntriples").media_types


def _prefers_page(request: Request) -> bool:
    """A browser: it ranks HTML above every result format (clients naming no type get JSON or Turtle)."""
    return choose(request.headers.get("accept"), (*TABLE_TYPES, *GRAPH_TYPES, "text/html")) == "text/html"


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
        version=publication.manifest.ikg_version,
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
    app.add_middleware(ClientTracking)
    app.state.publication = publication
    app.mount("/static", StaticFiles(packages=[("ikg.web", "static")]), name="static")
    # The front-end packages `ikg assets` fetched; absent until then, and the pages work without them.
    app.mount("/vendor", StaticFiles(directory=vendor_folder(settings.root), check_dir=False), name="vendor")

    @app.api_route("/sparql", methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"], include_in_schema=False)
    async def sparql(request: Request) -> Response:
        return await answer_sparql(request, "")

    async def answer_sparql(request: Request, _rest: str) -> Response:
        parsed = await sparql_protocol.read(request)
        if parsed.query is None:
            if request.method == "POST":
                raise InvalidRequestError(
                    "the request has no query; send it as 'query' or as an application/sparql-query body"
                )
            return await describe_service(request)
        # Long texts are read in a helper process; what follows finds the shape remembered.
        await query_inspection.inspect(parsed.query)
        requested = parsed.formats
        # The query page reads every graph, so a request for the sourced-only preset is answered as data.
        if parsed.evidence is None and ("html" in requested or (not requested and _prefers_page(request))):
            return await query_page.render(request, publication, parsed.query)
        default, named = parsed.default_graphs, parsed.named_graphs
        if parsed.evidence:
            default = named = await evidence_switch.dataset(publication, parsed.evidence)
        return await answer(request, publication, parsed.query, parsed.formats, default, named)

    async def describe_service(request: Request) -> Response:
        chosen = choose(request.headers.get("accept"), DESCRIPTION_TYPES)
        if chosen is None:
            raise NotAcceptableError(f"the service description is offered as {', '.join(DESCRIPTION_TYPES)}")
        if chosen == "text/html":
            return await query_page.render(request, publication, None)
        stats = publication.manifest.statistics
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
            raise NotFoundError()
        values = {k: v for k, v in request.query_params.items() if k != "format"}
        return await answer(request, publication, named.bind(values), request.query_params.getlist("format"))

    for named in publication.queries.values():
        _add_named_query_route(app, named, run_named_query)
    hot["queries"] = HotRoute(run_named_query, frozenset({"GET"}), prefix=True)

    for prefix in dereference.DEREFERENCEABLE:
        hot[prefix] = HotRoute(_dereferencing(publication, prefix), frozenset({"GET", "HEAD"}), prefix=True)
        _add_dereferencing_route(app, hot[prefix].endpoint, prefix)

    add_site_routes(app, publication)
    add_download_routes(app, publication)
    add_catalogue_routes(app, publication)
    add_controlling_routes(app, publication)
    add_operation_routes(app, publication, reloader)
    http_errors.install(app, settings.public_base)
    return app


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
