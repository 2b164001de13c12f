"""Settings of the service, from command-line options or IKG_* environment variables."""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from .problems import LANGUAGES


@dataclass(frozen=True)
class Settings:
    root: Path = Path(".")
    dist: Path = Path("dist")
    host: str = "127.0.0.1"
    port: int = 8000
    base_url: str | None = None  # the public base; default http://HOST:PORT/
    query_timeout: float = 10.0
    query_workers: int | None = None
    max_result_bytes: int = 50_000_000
    cache_entries: int = 2048
    cache_bytes: int = 64_000_000  # results larger than a sixteenth of this are not cached
    worker_memory_mb: int = 1024  # what one query may allocate in its worker on top of the loaded store
    quick_workers: int = 1  # the lane for short queries while every general worker is busy
    quick_limit: float = 0.1  # seconds a query may run in the quick lane before it goes to the general queue
    queue_timeout: float = 10.0  # seconds a query may wait for a general worker before it is refused with 503
    client_queries: int = 4  # queries one client address may have running or waiting at once; more get 429
    watch: bool = False  # rebuild and reload when a source file changes
    watch_interval: float = 1.0
    reload_token: str | None = None  # enables POST /admin/reload; from IKG_RELOAD_TOKEN only, never the command line
    # External SPARQL stores' query endpoints, replicas holding the same build; none: the embedded store.
    store: tuple[str, ...] = ()
    store_update: tuple[str, ...] = ()  # their update endpoints, in the same order, when not the sibling /update
    # HTTP limits (README, Limits): a client that sends slowly or too much is answered 408/413/414/431.
    request_head_timeout: float = 10.0
    request_body_timeout: float = 10.0  # the longest pause while a body arrives
    keep_alive_timeout: float = 5.0
    max_url_bytes: int = 16 * 1024
    max_head_bytes: int = 32 * 1024
    max_body_bytes: int = 2_000_000
    max_connections: int = 1000
    max_client_connections: int = 100  # behind a reverse proxy every client is the proxy: raise it to max_connections
    allow_shrink: bool = False  # let builds and reloads replace the graph with one that loses much of it
    workers: int = 1  # HTTP processes sharing the port (README, Several processes); 1: ikg serve is the process
    lang: str = "de"  # the language of messages to the KI's staff and operators (IKG_LANG): de or en

    @property
    def public_base(self) -> str:
        return (self.base_url or f"http://{self.host}:{self.port}/").rstrip("/") + "/"

    @property
    def endpoint(self) -> str:
        return self.public_base + "sparql"

    @classmethod
    def from_environment(cls, **overrides: object) -> Settings:
        env = os.environ
        values: dict[str, object] = {
            "host": env.get("IKG_HOST", cls.host),
            "port": _number(int, "IKG_PORT", cls.port),
            "base_url": env.get("IKG_BASE_URL") or None,
            "query_timeout": _number(float, "IKG_QUERY_TIMEOUT", cls.query_timeout),
            "query_workers": _number(int, "IKG_QUERY_WORKERS", None),
            "max_result_bytes": _number(int, "IKG_MAX_RESULT_BYTES", cls.max_result_bytes),
            "watch_interval": _number(float, "IKG_WATCH_INTERVAL", cls.watch_interval),
            "cache_entries": _number(int, "IKG_CACHE_ENTRIES", cls.cache_entries),
            "cache_bytes": _number(int, "IKG_CACHE_BYTES", cls.cache_bytes),
            "worker_memory_mb": _number(int, "IKG_WORKER_MEMORY_MB", cls.worker_memory_mb),
            "quick_workers": _number(int, "IKG_QUICK_WORKERS", cls.quick_workers),
            "quick_limit": _number(float, "IKG_QUICK_LIMIT", cls.quick_limit),
            "queue_timeout": _number(float, "IKG_QUEUE_TIMEOUT", cls.queue_timeout),
            "client_queries": _number(int, "IKG_CLIENT_QUERIES", cls.client_queries),
            "reload_token": env.get("IKG_RELOAD_TOKEN") or None,
            "store": store_list(env.get("IKG_STORE")),
            "store_update": store_list(env.get("IKG_STORE_UPDATE")),
            "request_head_timeout": _number(float, "IKG_REQUEST_HEAD_TIMEOUT", cls.request_head_timeout),
            "request_body_timeout": _number(float, "IKG_REQUEST_BODY_TIMEOUT", cls.request_body_timeout),
            "keep_alive_timeout": _number(float, "IKG_KEEP_ALIVE_TIMEOUT", cls.keep_alive_timeout),
            "max_url_bytes": _number(int, "IKG_MAX_URL_BYTES", cls.max_url_bytes),
            "max_head_bytes": _number(int, "IKG_MAX_HEAD_BYTES", cls.max_head_bytes),
            "max_body_bytes": _number(int, "IKG_MAX_BODY_BYTES", cls.max_body_bytes),
            "max_connections": _number(int, "IKG_MAX_CONNECTIONS", cls.max_connections),
            "max_client_connections": _number(int, "IKG_MAX_CLIENT_CONNECTIONS", cls.max_client_connections),
            "allow_shrink": env.get("IKG_ALLOW_SHRINK", "") in ("1", "true", "yes"),
            "workers": _number(int, "IKG_WORKERS", cls.workers),
            "lang": language_from_environment(),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def as_json(self) -> str:
        """Every setting, for processes that start from an import string and cannot be handed an object."""
        return json.dumps({k: str(v) if isinstance(v, Path) else v for k, v in dataclasses.asdict(self).items()})

    @classmethod
    def from_json(cls, text: str) -> Settings:
        values = json.loads(text)
        # JSON has no tuples: the store lists come back as lists.
        tuples = {k: tuple(v) for k, v in values.items() if isinstance(v, list)}
        return cls(**{**values, **tuples, "root": Path(values["root"]), "dist": Path(values["dist"])})


def store_list(given: str | Iterable[str] | None) -> tuple[str, ...]:
    """Store URLs as given: one, several separated by commas or spaces (IKG_STORE), or a repeated option."""
    if given is None:
        return ()
    values = [given] if isinstance(given, str) else list(given)
    return tuple(url for value in values for url in re.split(r"[,\s]+", value) if url)


class SettingError(ValueError):
    """A setting given a value ikg does not take; the message names the variable and what it takes."""


def language_from_environment() -> str:
    """The language IKG_LANG names (de when unset); SettingError for one ikg does not speak."""
    given = os.environ.get("IKG_LANG") or "de"
    if given not in LANGUAGES:
        raise SettingError(
            f"IKG_LANG={given!r} is not a language of ikg's messages; set it to {' or '.join(LANGUAGES)}"
        )
    return given


N = TypeVar("N", int, float)


def _number(kind: type[N], name: str, default: N | None) -> N | None:
    """The variable's value as a number of that kind, the default when unset; SettingError naming it if not one."""
    given = os.environ.get(name)
    if not given:
        return default
    try:
        return kind(given)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise SettingError(f"{name}={given!r} is not {what}") from None
