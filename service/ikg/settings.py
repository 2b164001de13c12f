"""Settings of the service, from command-line options or IKG_* environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


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
    watch: bool = False  # rebuild and reload when a source file changes
    watch_interval: float = 1.0
    reload_token: str | None = None  # enables POST /admin/reload; from IKG_RELOAD_TOKEN only, never the command line
    store: str | None = None  # an external SPARQL store's query endpoint; None: the embedded store
    store_update: str | None = None  # its update endpoint, when not the query endpoint's sibling /update
    allow_shrink: bool = False  # let builds and reloads replace the graph with one that loses much of it

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
            "port": int(env.get("IKG_PORT", cls.port)),
            "base_url": env.get("IKG_BASE_URL") or None,
            "query_timeout": float(env.get("IKG_QUERY_TIMEOUT", cls.query_timeout)),
            "query_workers": int(env["IKG_QUERY_WORKERS"]) if env.get("IKG_QUERY_WORKERS") else None,
            "max_result_bytes": int(env.get("IKG_MAX_RESULT_BYTES", cls.max_result_bytes)),
            "watch_interval": float(env.get("IKG_WATCH_INTERVAL", cls.watch_interval)),
            "cache_entries": int(env.get("IKG_CACHE_ENTRIES", cls.cache_entries)),
            "reload_token": env.get("IKG_RELOAD_TOKEN") or None,
            "store": env.get("IKG_STORE") or None,
            "store_update": env.get("IKG_STORE_UPDATE") or None,
            "allow_shrink": env.get("IKG_ALLOW_SHRINK", "") in ("1", "true", "yes"),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]
