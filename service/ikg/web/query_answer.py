"""A query's answer over HTTP: in the format the format= parameters name, else the one the Accept header
prefers, with its ETag (a 304 when the client has it). Shared by the SPARQL endpoint and the named queries."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.requests import Request
from starlette.responses import Response

from ..rdf.formats import GRAPH_TYPES, TABLE_TYPES, requested_format
from ..request_errors import NotAcceptableError
from .negotiation import choose
from .publication import Publication
from .responses import cached_response
from .sparql_protocol import query_form


async def answer(
    request: Request,
    publication: Publication,
    query: str,
    formats: Sequence[str],
    default_graphs: tuple[str, ...] | None = None,
    named_graphs: tuple[str, ...] | None = None,
) -> Response:
    """The result as a response; raises RequestError or QueryError when there is none to give."""
    form = query_form(query)
    requested = requested_format(form, list(formats))
    offers = TABLE_TYPES if form in ("SELECT", "ASK") else GRAPH_TYPES
    chosen = requested or choose(request.headers.get("accept"), offers)
    if chosen is None:
        raise NotAcceptableError(f"none of the accepted types can be produced for {form}; offered: {', '.join(offers)}")
    result = await publication.evaluate(query, chosen, default_graphs, named_graphs)
    return cached_response(request, result, chosen)
