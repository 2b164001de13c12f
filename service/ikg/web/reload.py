"""Updates without downtime: rebuild on change (`ikg serve --watch`) or on request, swap in only what is good.

The build runs as a separate `ikg build` process into a folder next to dist/, so a crash or a huge graph
cannot take the server down and the last good dist/ is untouched until the new one is complete. Only
then are new query workers started on it, the folders swapped and the new build put in place, between
two requests; queries already running finish on the old workers, which are then stopped. A failed
build changes nothing that is served: its problems are logged and shown on /health and /status.
With several serving processes (`ikg serve --workers N`), following.py divides this work: `ikg serve` builds
and swaps the folders, each server swaps in its own workers.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import errno
import os
import re
import shutil
import sys
import time
import traceback
from pathlib import Path
from typing import Protocol

from ..builder import shrinking
from ..builder.leftovers import RETIRED, own_prefix
from ..builder.manifest import Manifest
from ..builder.pipeline import source_files
from ..query.backends import backend_for, store_endpoints
from ..query.interface import QueryBackend, QueryJob
from ..query.publish import publish
from ..settings import Settings
from .published import Published
from .reload_log import ReloadLog, ReloadResult

CONSENT = "IKG_ALLOW_SHRINK=1, ikg serve --allow-shrink or POST /admin/reload?allow_shrink=1"
BUILD_FAILED = "The build failed; the server log has the detail."
# An absolute path not part of a URL: its folders are the server's business, its last part may help.
_ABSOLUTE_PATH = re.compile(r"(?<![\w:/.~-])/(?:[^\s/'\"]+/)+(?=[^\s/'\"]+)")


def fingerprint(root: Path) -> tuple:
    """What the graph is built from, as names, sizes and times: it changes when any source file does."""
    return tuple(sorted((str(p.relative_to(root)), p.stat().st_mtime_ns, p.stat().st_size) for p in source_files(root)))


class Reloaded(Protocol):
    """What a reload replaces: the build a process serves (`Publication`), or, for the builder among several
    serving processes, dist/ alone (`following.BuildsOnDisk`)."""

    settings: Settings

    @property
    def reloads(self) -> ReloadLog: ...

    @property
    def manifest(self) -> Manifest: ...

    def swap(self, published: Published, workers: QueryBackend) -> QueryBackend: ...


class Reloader:
    def __init__(self, publication: Reloaded) -> None:
        self.publication = publication
        self.settings = publication.settings
        self._lock = asyncio.Lock()
        self.retirements = Retirements()

    async def reload(self, trigger: str, allow_shrink: bool = False) -> ReloadResult:
        """Build, and on success swap in; one reload at a time. `allow_shrink` lets a build that loses much
        of the publication in (as IKG_ALLOW_SHRINK does for every reload)."""
        async with self._lock:
            log = self.publication.reloads
            log.begin()
            started = time.monotonic()
            try:
                result = await self._rebuild(trigger, started, allow_shrink or self.settings.allow_shrink)
            except BaseException:
                log.end(None)
                raise
            log.end(result)
            self._tell(result)
            return result

    async def _rebuild(self, trigger: str, started: float, allow_shrink: bool) -> ReloadResult:
        dist = self.settings.dist
        staging = dist.with_name(f".{dist.name}.next")
        await remove_folder(staging)
        built, problems = await self._build(staging)
        if not built:
            await remove_folder(staging)
            return self._result(False, trigger, started, None, problems)
        try:
            published = await asyncio.to_thread(load_published, self.settings, staging)
            lost = [] if allow_shrink else shrinking.losses(self.publication.manifest, published.manifest)
            if lost:
                refusal = shrinking.ShrinkError(lost, CONSENT)
                await remove_folder(staging)
                return self._result(False, trigger, started, None, refusal.lines(self.settings.lang))
            if self.settings.store:
                await asyncio.to_thread(
                    publish, staging, store_endpoints(self.settings.store, self.settings.store_update)
                )
            workers = await self._ready_workers(staging)
        except Exception as problem:  # whatever it was, the served build stays; the detail goes to the log
            log_exception(problem)
            await remove_folder(staging)
            return self._result(False, trigger, started, None, [_plain_failure(problem)])
        self._put_in_place(staging, published, workers)
        return self._result(True, trigger, started, published.manifest.graph_version, [])

    async def _ready_workers(self, staging: Path) -> QueryBackend:
        return await ready_backend(self.settings, staging)

    def _put_in_place(self, staging: Path, published: Published, workers: QueryBackend) -> None:
        # Nothing awaits here: no request runs between moving the folders and the state.
        dist = self.settings.dist
        retired = swap_folders(staging, dist)
        old = self.publication.swap(dataclasses.replace(published, dist=dist), workers)
        # Where a replacement worker loads its build from from now on: each pool's own build, wherever it is.
        workers.moved(dist)
        old.moved(retired)
        self.retirements.add(old, retired)

    async def _build(self, staging: Path) -> tuple[bool, list[str]]:
        """Runs `ikg build` into `staging`; on failure, the problems to show (its full output is logged)."""
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
            self.settings.lang,
        ]
        process = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        out, err = await process.communicate()
        if process.returncode == 0:
            return True, []
        log_line("ikg build failed; its output:", out.decode(errors="replace") + err.decode(errors="replace"))
        # Its standard output holds the problems found in the data, one line each, naming file and line;
        # anything else (a traceback, a message naming the server's folders) stays in the log.
        problems = [plain(line, self.settings.root) for line in out.decode(errors="replace").splitlines()]
        return False, [line for line in problems if line.strip()] or [BUILD_FAILED]

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
            log_line(f"reloaded ({result.trigger}): graph version {result.graph_version}")
            return
        log_line(
            f"reload ({result.trigger}) refused; still serving graph version "
            f"{self.publication.manifest.graph_version}:",
            "\n".join(result.problems),
        )

    @property
    def watches(self) -> bool:
        """Whether `watch` runs beside the server (ikg serve --watch)."""
        return self.settings.watch

    async def watch(self, interval: float) -> None:
        """Polls the sources; a change, once the files stop changing, triggers a reload."""
        root = self.settings.root
        seen = fingerprint(root)
        while True:
            await asyncio.sleep(interval)
            changed = await settled_change(root, seen, interval)
            if changed is not None:
                seen = changed
                await self.reload("watch")


async def settled_change(root: Path, seen: tuple, interval: float) -> tuple | None:
    """The sources' new fingerprint once they stop changing, or None when they are as `seen`."""
    now = fingerprint(root)
    if now == seen:
        return None
    while True:  # an editor may write several files, or one file in several steps
        await asyncio.sleep(interval / 2)
        settled = fingerprint(root)
        if settled == now:
            return now
        now = settled


class Retirements:
    """Old workers finishing the queries they run, then their build's folder removed; the tasks are held here
    so that none is collected before it ends."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task] = set()

    def add(self, workers: QueryBackend, folder: Path) -> None:
        task = asyncio.get_running_loop().create_task(self._retire(workers, folder))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _retire(workers: QueryBackend, folder: Path) -> None:
        await workers.retire()
        await remove_folder(folder)


def load_published(settings: Settings, folder: Path) -> Published:
    return Published.load(settings.root, folder, settings.public_base, settings.cache_entries, settings.cache_bytes)


async def ready_backend(settings: Settings, folder: Path) -> QueryBackend:
    """Workers on the build in `folder`, started and each proved on a real query; closed again if one fails."""
    workers = backend_for(settings, folder)
    try:
        await workers.start()
        await _prove(workers)
    except BaseException:
        await workers.close()
        raise
    return workers


def swap_folders(staging: Path, dist: Path) -> Path:
    """`staging` becomes `dist`; returns where the old `dist` went (to be removed once nothing reads it)."""
    retired = dist.with_name(f"{own_prefix(dist, RETIRED)}{time.monotonic_ns()}")
    os.replace(dist, retired)
    os.replace(staging, dist)
    return retired


async def remove_folder(folder: Path) -> None:
    await asyncio.to_thread(shutil.rmtree, folder, ignore_errors=True)


async def _prove(workers: QueryBackend) -> None:
    """Every new worker answers a real query before it is trusted with the public's."""
    job = QueryJob("ASK {}", "application/sparql-results+json")
    outcomes = await asyncio.gather(*(workers.run(job) for _ in range(workers.size)))
    failed = [o for o in outcomes if o.error is not None or b"true" not in o.body]
    if failed:
        raise RuntimeError(f"a new query worker did not answer ASK {{}}: {failed[0].error}: {failed[0].message}")


def plain(line: str, root: Path) -> str:
    """A line for /status: the project folder's path cut off, any other folder's path shortened."""
    for folder in {str(root.resolve()), str(root)}:
        line = line.replace(folder.rstrip("/") + "/", "")
    return _ABSOLUTE_PATH.sub("", line)


def _plain_failure(problem: BaseException) -> str:
    """A short public reason: the kind of failure, never the exception's text (it names folders)."""
    if isinstance(problem, OSError) and problem.errno in (errno.ENOSPC, errno.EDQUOT):
        return "The new build could not be made ready: the disk is full. The last good graph stays served."
    if isinstance(problem, OSError):
        return "The new build could not be read or moved into place; the server log has the detail."
    return "The new build could not be made ready to serve; the server log has the detail."


def log_line(headline: str, detail: str = "") -> None:
    print(f"ikg: {headline}", file=sys.stderr, flush=True)
    for line in detail.splitlines():
        print(f"  {line}", file=sys.stderr, flush=True)


def log_exception(problem: BaseException) -> None:
    log_line("reload failed:", "".join(traceback.format_exception(problem)))
