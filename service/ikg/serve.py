"""`ikg serve`: make sure dist/ is current for the public base, then run the HTTP service."""

from __future__ import annotations

from pathlib import Path

import uvicorn

from .build import MANIFEST, VOID_FILE, build, read_manifest
from .settings import Settings


def needs_build(root: Path, dist: Path, base: str) -> str | None:
    """Why dist/ must be rebuilt first, or None when it is current."""
    manifest = dist / MANIFEST
    if not manifest.exists():
        return f"{dist} has no build yet"
    manifest_data = read_manifest(dist)
    if manifest_data.get("base") != base:
        return f"{dist} was built for another base URL"
    if "editions" not in manifest_data or not (dist / VOID_FILE).exists():
        return f"{dist} was built by an ikg without the catalogue"
    built = manifest.stat().st_mtime
    sources = [p for folder in ("vocab", "shapes", "graph") for p in (root / folder).rglob("*") if p.is_file()]
    sources += [p for p in (root / "publication.toml",) if p.exists()]  # the catalogue is built from it
    newer = [p for p in sources if p.stat().st_mtime > built]
    return f"{newer[0]} changed since the last build" if newer else None


def serve(settings: Settings) -> None:
    reason = needs_build(settings.root, settings.dist, settings.public_base)
    if reason:
        print(f"building first: {reason}", flush=True)
        build(settings.root, settings.dist, settings.public_base, allow_shrink=settings.allow_shrink)
    from .app import create_app

    app = create_app(settings)
    print(f"serving {settings.public_base} (SPARQL endpoint {settings.endpoint})", flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", access_log=False)
