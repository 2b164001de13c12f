"""The dumps of the build, listed with size, checksum and licence, and served as files."""

from __future__ import annotations

import json

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from .negotiation import choose
from .responses import error, page_language, render_page

WORDS = {
    "de": {
        "title": "Downloads",
        "home": "Startseite",
        "licence": "Lizenz",
        "attribution": "Namensnennung",
        "unconfirmed": "Vorschlag, von der Herausgeberin noch zu bestätigen",
        "version": "Stand des Graphen:",
        "file": "Datei",
        "format": "Format",
        "size": "Größe",
    },
    "en": {
        "title": "Downloads",
        "home": "Home",
        "licence": "Licence",
        "attribution": "attribution",
        "unconfirmed": "a proposal the publisher has yet to confirm",
        "version": "Graph version:",
        "file": "File",
        "format": "Format",
        "size": "Size",
    },
}


def add_download_routes(app: FastAPI, publication) -> None:  # type: ignore[no-untyped-def]
    base = publication.settings.public_base

    @app.get("/downloads", include_in_schema=False)
    async def listing(request: Request) -> Response:
        current = publication.current
        dumps, licence = list(current.dumps.values()), current.config.licence
        asked = "application/json" if request.query_params.get("format") == "json" else None
        chosen = asked or choose(request.headers.get("accept"), ("application/json", "text/html"))
        if chosen == "text/html":
            lang = page_language(request)
            html = render_page(
                "downloads.html",
                base,
                lang,
                dumps=dumps,
                licence=licence,
                words=WORDS[lang],
                version=current.manifest["graph_version"],
            )
            return HTMLResponse(html, headers={"Vary": "Accept, Accept-Language"})
        body = {
            "graph_version": current.manifest["graph_version"],
            "licence": {
                "iri": licence.iri,
                "label": licence.label,
                "attribution": licence.attribution,
                "confirmed_by_publisher": licence.confirmed,
            },
            "dumps": [{**d, "url": f"{base}downloads/{d['file']}"} for d in dumps],
        }
        return Response(json.dumps(body, ensure_ascii=False), media_type="application/json", headers={"Vary": "Accept"})

    @app.api_route("/downloads/{name}", methods=["GET", "HEAD"], include_in_schema=False)
    async def download(request: Request, name: str) -> Response:
        current = publication.current
        dump = current.dumps.get(name)  # only the files the build listed: no path ever reaches the file system
        if dump is None:
            return error(404, f"no download {name!r}; see {base}downloads")
        return FileResponse(
            current.dist / name,
            media_type="application/gzip",
            filename=name,
            headers={
                "ETag": f'"{dump["sha256"]}"',
                "Cache-Control": "public, max-age=300",
                "X-Content-Type-Options": "nosniff",
            },
        )
