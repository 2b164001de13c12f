"""The app of one of several serving processes, built from the environment (`ikg serve --workers N`).

uvicorn starts each process afresh and can hand it only import strings: `ikg serve` puts every setting into
IKG_SERVE_SETTINGS, and each process builds its app, and its HTTP protocol with ikg's limits, from there.
"""

from __future__ import annotations

import dataclasses
import functools
import os

from fastapi import FastAPI

from ..settings import Settings

SETTINGS_VARIABLE = "IKG_SERVE_SETTINGS"
APP_FACTORY = f"{__name__}:app_from_environment"  # import strings: uvicorn starts each process from them
HTTP_PROTOCOL = f"{__name__}:HttpProtocol"


def settings_from_environment() -> Settings:
    return Settings.from_json(os.environ[SETTINGS_VARIABLE])


def app_from_environment() -> FastAPI:
    """A server on its own snapshot of dist/, following the builder (following.py)."""
    from .app import create_app
    from .following import FollowingReloader, snapshot_when_settled

    settings = settings_from_environment()
    snapshot, seen = snapshot_when_settled(settings.dist)
    follower = functools.partial(FollowingReloader, shared=settings.dist, seen=seen)
    return create_app(dataclasses.replace(settings, dist=snapshot), reloader_of=follower)


def __getattr__(name: str) -> object:
    # uvicorn imports the protocol by name in each process; it is made there, bound to the limits configured.
    if name == "HttpProtocol":
        from .http_limits import ConnectionLimits, limited_protocol

        return limited_protocol(ConnectionLimits.of(settings_from_environment()))
    raise AttributeError(name)
