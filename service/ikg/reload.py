"""Updates without downtime: rebuild on change (`ikg serve --watch`) or on request, swap in only what is good.

The build runs as a separate `ikg build` process into a folder next to dist/, so a crash or a huge graph
cannot take the server down and the last good dist/ is untouched until the new one is complete. Only
then are new query workers started on it, the folders swapped and the new build put in place, between
two requests; queries already running finish on the old workers, which are then stopped. A failed
build changes nothing that is served: its problems are logged and shown on /health and /status.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .backends import QueryBackend, backend_for
from .external_store import StoreEndpoints
from .publish import PublishError, publish
from .published import Published
from .query_workers import QueryWorkers

WATCHED = ("vocab", "shapes", "graph", "queries")
WATCHED_FILES = ("publication.toml",)


@dataclass(frozen=True)
class ReloadResult:
    ok: bool
    trigger: str  # "watch" or "request"
    finished: str  # ISO 8601, UTC
    seconds: float
    graph_version: str | None
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


class ReloadLog:
    """The outcome of the last reload, for /health and /status; None until the first one."""

    def __init__(self) -> None:
        self.last: ReloadResult | None = None
        self.running = False

    def as_dict(self) -> dict | None:
        return self.last.as_dict() if self.last else None


def fingerprint(root: Path) -> tuple:
    """What the graph is built from, as names, sizes and times: it changes when any source file does."""
    files = [p for folder in WATCHED for p in (root / folder).rglob("*") if p.is_file()]
    files += [root / name for name in WATCHED_FILES if (root / name).is_file()]
    return tuple(
        sorted(
            (str(p.relative_to(root)), p.stat().st_mtime_ns, p.stat().st_size)
            for p in files
            if not p.name.startswith(".") and not p.name.endswith("~")  # editors' temporary files
        )
    )


class Reloader:
    def __init__(self, publication) -> None:  # type: ignore[no-untyped-def]
        self.publication = publication
        self.settings = publication.settings
        self._lock = asyncio.Lock()
        self._retiring: set[asyncio.Task] = set()

    async def reload(self, trigger: str) -> ReloadResult:
        """Build, and on success swap in; one reload at a time."""
        async with self._lock:
            log = self.publication.reloads
            log.running = True
            started = time.monotonic()
            try:
                result = await self._rebuild(trigger, started)
            finally:
                log.running = False
            log.last = result
            self._tell(result)
            return result

    async def _rebuild(self, trigger: str, started: float) -> ReloadResult:
        dist = self.settings.dist
        staging = dist.with_name(f".{dist.name}.next")
        shutil.rmtree(staging, ignore_errors=True)
        built, output = await self._build(staging)
        if not built:
            shutil.rmtree(staging, ignore_errors=True)
            return self._result(False, trigger, started, None, output)
        try:
            published = Published.load(
                self.settings.root,
                staging,
                self.settings.public_base,
                self.settings.cache_entries,
                self.settings.cache_bytes,
            )
            if self.settings.store:
                await asyncio.to_thread(
                    publish, staging, StoreEndpoints.from_url(self.settings.store, self.settings.store_update)
                )
            workers = backend_for(self.settings, staging)
            await workers.start()
        except (OSError, ValueError, KeyError, PublishError) as problem:
            shutil.rmtree(staging, ignore_errors=True)
            return self._result(False, trigger, started, None, [f"the new build cannot be served: {problem}"])
        # From here to the swap nothing awaits: no request runs between moving the folders and the state.
        retired = dist.with_name(f".{dist.name}.retired-{os.getpid()}-{time.monotonic_ns()}")
        os.replace(dist, retired)
        os.replace(staging, dist)
        if isinstance(workers, QueryWorkers):
            workers.dump = dist / "ikg.nq.gz"  # where a replacement worker loads from from now on
        old = self.publication.swap(dataclasses.replace(published, dist=dist), workers)
        task = asyncio.get_running_loop().create_task(self._retire(old, retired))
        self._retiring.add(task)
        task.add_done_callback(self._retiring.discard)
        return self._result(True, trigger, started, published.manifest["graph_version"], [])

    async def _build(self, staging: Path) -> tuple[bool, list[str]]:
        command = [
            sys.executable,
            "-m",
            "ikg",
            "build",
            "--root",
            str(self.settings.root),
            "--dist",
            str(staging),
            "--base-url",
            self.settings.public_base,
            "--lang",
            os.environ.get("IKG_LANG", "de") if os.environ.get("IKG_LANG") in ("de", "en") else "de",
        ]
        process = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        out, err = await process.communicate()
        lines = out.decode(errors="replace").splitlines() + [
            line for line in err.decode(errors="replace").splitlines() if not line.startswith("ikg build:")
        ]
        return process.returncode == 0, [line for line in lines if line.strip()]

    async def _retire(self, workers: QueryBackend, retired: Path) -> None:
        await workers.retire()
        shutil.rmtree(retired, ignore_errors=True)

    def _result(self, ok: bool, trigger: str, started: float, version: str | None, problems: list[str]) -> ReloadResult:
        return ReloadResult(
            ok=ok,
            trigger=trigger,
            finished=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            seconds=round(time.monotonic() - started, 2),
            graph_version=version,
            problems=problems if not ok else [],
        )

    def _tell(self, result: ReloadResult) -> None:
        if result.ok:
            print(
                f"ikg: reloaded ({result.trigger}): graph version {result.graph_version}", file=sys.stderr, flush=True
            )
            return
        print(
            f"ikg: reload ({result.trigger}) failed; still serving graph version "
            f"{self.publication.manifest['graph_version']}:",
            file=sys.stderr,
            flush=True,
        )
        for line in result.problems:
            print(f"  {line}", file=sys.stderr, flush=True)

    async def watch(self, interval: float) -> None:
        """Polls the sources; a change, once the files stop changing, triggers a reload."""
        root = self.settings.root
        seen = fingerprint(root)
        while True:
            await asyncio.sleep(interval)
            now = fingerprint(root)
            if now == seen:
                continue
            while True:  # an editor may write several files, or one file in several steps
                await asyncio.sleep(interval / 2)
                settled = fingerprint(root)
                if settled == now:
                    break
                now = settled
            seen = now
            await self.reload("watch")
