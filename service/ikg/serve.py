"""`ikg serve`: make sure dist/ is current for the public base, then run the HTTP service."""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import os
import threading
from pathlib import Path

import uvicorn

from .builder.manifest import MANIFEST, read_manifest
from .builder.pipeline import VOID_FILE, build, source_files
from .query.backends import external_store_for
from .settings import Settings
from .web.http_limits import ConnectionLimits, limited_protocol


def needs_build(root: Path, dist: Path, base: str) -> str | None:
    """Why dist/ must be rebuilt first, or None when it is current."""
    manifest = dist / MANIFEST
    if not manifest.exists():
        return f"{dist} has no build yet"
    try:
        built_for = read_manifest(dist).base
    except ValueError:
        return f"{dist} was built by another version of ikg"
    if built_for != base:
        return f"{dist} was built for another base URL"
    if not (dist / VOID_FILE).exists():
        return f"{dist} was built by an ikg without the catalogue"
    built = manifest.stat().st_mtime
    newer = [p for p in source_files(root) if p.stat().st_mtime > built]
    return f"{newer[0]} changed since the last build" if newer else None


def _log_config() -> dict:
    """uvicorn's logging, plus ikg's own loggers (refused requests, faults with their traceback) on stderr.

    Explicit, because a library that configures the root logger during a build would otherwise swallow them."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["loggers"]["ikg"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def serve(settings: Settings) -> None:
    reason = needs_build(settings.root, settings.dist, settings.public_base)
    if reason:
        print(f"building first: {reason}", flush=True)
        build(settings.root, settings.dist, settings.public_base, allow_shrink=settings.allow_shrink)
    if settings.store:
        refusal = asyncio.run(_store_refusal(settings))
        if refusal:
            raise SystemExit(f"ikg serve: {refusal}")
    print(f"serving {settings.public_base} (SPARQL endpoint {settings.endpoint})", flush=True)
    if settings.workers > 1:
        _serve_processes(settings)
        return
    from .web.app import create_app

    app = create_app(settings)
    uvicorn.run(app, http=limited_protocol(ConnectionLimits.of(settings)), **_uvicorn_options(settings))


def _serve_processes(settings: Settings) -> None:
    """N uvicorn processes on one port, each following dist/; this process is the only one that builds."""
    from .web.following import BuildingReloader, per_process_workers, remove_leftovers
    from .web.process_app import APP_FACTORY, HTTP_PROTOCOL, SETTINGS_VARIABLE

    settings = dataclasses.replace(
        settings, query_workers=settings.query_workers or per_process_workers(settings.workers)
    )
    remove_leftovers(settings.dist)
    os.environ[SETTINGS_VARIABLE] = settings.as_json()
    builder = BuildingReloader(settings)
    threading.Thread(
        target=asyncio.run, args=(builder.run(settings.watch_interval),), name="ikg builder", daemon=True
    ).start()
    try:
        uvicorn.run(
            APP_FACTORY, factory=True, workers=settings.workers, http=HTTP_PROTOCOL, **_uvicorn_options(settings)
        )
    finally:
        remove_leftovers(settings.dist)


def _uvicorn_options(settings: Settings) -> dict:
    return {
        "host": settings.host,
        "port": settings.port,
        "log_level": "warning",
        "log_config": _log_config(),
        "access_log": False,
        "timeout_keep_alive": settings.keep_alive_timeout,  # uvicorn says int, uses a float
        "server_header": False,  # nothing for an attacker to match against a list of known flaws
    }


async def _store_refusal(settings: Settings) -> str | None:
    """Why the store must not be served from: it holds another build than dist/. A store that cannot be asked
    now is no reason: ikg starts, and /health answers 503 with the reason until the store holds this build."""
    from .query.external_store import StoreUnreachableError

    store = external_store_for(settings, settings.dist)
    try:
        return await store.publication_problem()
    except StoreUnreachableError as unreachable:
        print(f"ikg serve: {unreachable}; /health answers 503 until it holds this build", flush=True)
        return None
    finally:
        await store.close()
