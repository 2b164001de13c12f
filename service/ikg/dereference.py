"""Dereferenceable IRIs: every resource of the graph, fetched at its IRI, describes itself.

Cool-URIs choice, applied everywhere: the IRI answers 200 in the negotiated format with a
Content-Location naming the document for that format (IRI + .ttl, .jsonld, .rdf, .nt); each document
URL answers its format only. Every answer links all variants with `Link: rel="alternate"`. The
description is the `resource-description` named query, so the same description is there over SPARQL.
"""

from __future__ import annotations

import json

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from .negotiation import choose

VARIANTS = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "nt": "application/n-triples",
}
# Our preference when the client has none (rdflib sends its list without q-values): Turtle.
OFFERS = tuple(VARIANTS.values())
DEREFERENCEABLE = ("id", "source")


def split_variant(path: str) -> tuple[str, str | None]:
    name, dot, suffix = path.rpartition(".")
    return (name, suffix) if dot and suffix in VARIANTS else (path, None)


def links(iri: str) -> str:
    return ", ".join(f'<{iri}.{suffix}>; rel="alternate"; type="{media}"' for suffix, media in VARIANTS.items())


def exists_query(iri: ox.NamedNode) -> str:
    return f"ASK {{ {{ {iri} ?p ?o }} UNION {{ ?s ?q {iri} }} }}"


async def describe(request: Request, publication, prefix: str, path: str) -> Response:  # type: ignore[no-untyped-def]
    from .app import cached_response, error

    name, suffix = split_variant(path)
    try:
        iri = ox.NamedNode(f"{publication.settings.public_base}{prefix}/{name}")
    except ValueError:
        return error(404, "no such resource")
    media = VARIANTS[suffix] if suffix else choose(request.headers.get("accept"), OFFERS)
    if media is None:
        return error(406, f"this resource is offered as {', '.join(OFFERS)}")
    found = await publication.evaluate(exists_query(iri), "application/sparql-results+json")
    if isinstance(found, Response):
        return found
    if not json.loads(found.body)["boolean"]:
        return error(404, f"no resource <{iri.value}> in this graph")
    query = publication.queries["resource-description"].bind({"resource": iri.value})
    result = await publication.evaluate(query, media)
    if isinstance(result, Response):
        return result
    headers = {"Link": links(iri.value)}
    if suffix is None:
        extension = next(s for s, m in VARIANTS.items() if m == media)
        headers["Content-Location"] = f"{iri.value}.{extension}"
    return cached_response(request, result, media, headers, vary=suffix is None)
