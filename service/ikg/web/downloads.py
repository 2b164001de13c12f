"""The dumps of the build, listed with size, checksum and licence, and served as files.

A download is opened, before the handler gives up the event loop, from the build whose listing gives its
checksum, and streamed from that open file: a reload that swaps dist/ meanwhile changes nothing in it.
"""

from __future__ import annotations

import json
import os
from typing import BinaryIO

import anyio.to_thread
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send

from ..request_errors import NotFoundError
from .negotiation import choose
from .publication import Publication
from .responses import caching_headers, not_modified, page_language, render_page

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


def add_download_routes(app: FastAPI, publication: Publication) -> None:
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
                version=current.manifest.graph_version,
            )
            return HTMLResponse(html, headers={"Vary": "Accept, Accept-Language"})
        body = {
            "graph_version": current.manifest.graph_version,
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
            raise NotFoundError(f"no download {name!r}; see {base}downloads", media="text/plain")
        etag = f'"{dump["sha256"]}"'
        headers = caching_headers(etag, {"X-Content-Type-Options": "nosniff"})
        return not_modified(request, headers) or HeldFileResponse(current.open_dump(name), name, headers)


class HeldFileResponse(Response):
    """A file streamed from a handle opened when the response was made, then closed."""

    chunk_size = 256 * 1024

    def __init__(self, handle: BinaryIO, filename: str, headers: dict[str, str]) -> None:
        self.handle = handle
        self.size = os.fstat(handle.fileno()).st_size
        super().__init__(
            media_type="application/gzip",
            headers={
                **headers,
                "Content-Length": str(self.size),
                "Content-Disposition": f'attachment; filename="{filename}"',
            },
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
            remaining = 0 if scope["method"] == "HEAD" else self.size
            while remaining > 0:
                data = await anyio.to_thread.run_sync(self.handle.read, min(self.chunk_size, remaining))
                if not data:  # never for a build's files, which are written once and then only read
                    break
                remaining -= len(data)
                await send({"type": "http.response.body", "body": data, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            self.handle.close()
