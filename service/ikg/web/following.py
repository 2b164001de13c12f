"""Several serving processes on one port (`ikg serve --workers N`): one builder, every server a follower.

The `ikg serve` process itself serves nothing: it is the only one that builds (on a change with --watch, or
when a server passes on POST /admin/reload), and it swaps the new build into dist/ as a single process does.
The N uvicorn processes never build. Each serves its own snapshot of dist/ — hard links to the build's files,
taken through a descriptor of the folder, so a snapshot is one whole build even when a swap happens while it
is taken — and polls dist/manifest.json; when the manifest is another file, it takes a new snapshot, starts
and proves its query workers on it and swaps it in between two requests, as a single process does on a
reload. A snapshot is never renamed or removed under its server (the builder removes only its own retired
folder), so a replacement query worker always loads the build its server is serving.
"""

from __future__ import annotations

import asyncio
import dataclasses
import errno
import itertools
import json
import os
import shutil
import time
import uuid
from pathlib import Path

from ..builder.leftovers import SNAPSHOT, own_prefix, remove_abandoned
from ..builder.manifest import MANIFEST, Manifest, read_manifest
from ..query.interface import QueryBackend
from ..settings import Settings
from .publication import Publication
from .published import Published
from .reload import (
    Reloader,
    fingerprint,
    load_published,
    log_exception,
    log_line,
    ready_backend,
    remove_folder,
    settled_change,
    swap_folders,
)
from .reload_log import ReloadResult, SharedReloadLog, shared_log_path

Identity = tuple[int, int, int]  # the manifest file's device, inode and modification time
_numbers = itertools.count()


def manifest_identity(dist: Path) -> Identity | None:
    """Which manifest file dist/ holds now; None in the instant between the two renames of a swap."""
    try:
        found = (dist / MANIFEST).stat()
    except FileNotFoundError:
        return None
    return found.st_dev, found.st_ino, found.st_mtime_ns


def take_snapshot(dist: Path) -> tuple[Path, Identity]:
    """This process's own copy of the build in `dist` (hard links; a copy where the file system has none),
    and the identity of the manifest it holds. Raises OSError when the build it began on was removed meanwhile
    (two swaps in quick succession): the caller tries again."""
    snapshot = dist.with_name(f"{own_prefix(dist, SNAPSHOT)}{next(_numbers)}")
    source = os.open(dist, os.O_RDONLY | os.O_DIRECTORY)
    try:
        found = os.stat(MANIFEST, dir_fd=source)
        for folder, _subfolders, files, folder_fd in os.fwalk(dir_fd=source):
            target = snapshot / folder
            target.mkdir(parents=True, exist_ok=True)
            for name in files:
                _link(name, folder_fd, target / name)
    except BaseException:
        shutil.rmtree(snapshot, ignore_errors=True)
        raise
    finally:
        os.close(source)
    return snapshot, (found.st_dev, found.st_ino, found.st_mtime_ns)


def _link(name: str, folder_fd: int, target: Path) -> None:
    try:
        os.link(name, target, src_dir_fd=folder_fd)
    except OSError as refused:
        if refused.errno not in (errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EMLINK):
            raise
        with os.fdopen(os.open(name, os.O_RDONLY, dir_fd=folder_fd), "rb") as original, target.open("wb") as copy:
            shutil.copyfileobj(original, copy)


def snapshot_when_settled(dist: Path, attempts: int = 20) -> tuple[Path, Identity]:
    """A snapshot at start-up; a swap in the same instant is waited out."""
    for _ in range(attempts - 1):
        try:
            return take_snapshot(dist)
        except OSError:
            time.sleep(0.2)
    return take_snapshot(dist)


def remove_leftovers(dist: Path) -> None:
    """Snapshots, requests and the shared log of serving processes that have ended."""
    remove_abandoned(dist, SNAPSHOT)  # another server on the same dist/ keeps serving from its snapshots
    for leftover in (*_requests(dist), shared_log_path(dist)):
        leftover.unlink(missing_ok=True)


def per_process_workers(processes: int) -> int:
    """Query workers for each of `processes` servers when none are configured: the cores shared among them
    (one server alone gets the number of cores, at least 2), so that N servers do not start N times the pool."""
    return max(1, (os.cpu_count() or 2) // processes)


class FollowingReloader(Reloader):
    """The reloads of one of several serving processes: it never builds, it follows the builder's dist/."""

    def __init__(self, publication: Publication, shared: Path, seen: Identity) -> None:
        super().__init__(publication)
        self.shared = shared  # dist/, which the builder swaps; this process serves from its snapshot
        self.seen = seen
        self.snapshot: Path = publication.settings.dist

    @property
    def watches(self) -> bool:
        return True  # following runs always: a build may come from a change or from a request

    async def watch(self, interval: float) -> None:
        try:
            while True:
                await asyncio.sleep(interval)
                await self.follow()
        finally:  # the server is stopping; its snapshot goes with it
            shutil.rmtree(self.snapshot, ignore_errors=True)

    async def follow(self) -> None:
        """Takes the builder's reload state, and the new build when dist/ holds another one."""
        self.publication.reloads.read(shared_log_path(self.shared))
        async with self._lock:
            now = manifest_identity(self.shared)
            if now is None or now == self.seen:
                return
            try:
                await self._move()
            except Exception as problem:  # the served build stays; the next poll tries again
                log_exception(problem)

    async def _move(self) -> None:
        try:
            snapshot, identity = await asyncio.to_thread(take_snapshot, self.shared)
        except FileNotFoundError:  # begun in the instant between a swap's two renames: the next poll follows
            return
        try:
            published = await asyncio.to_thread(load_published, self.settings, snapshot)
            workers = await ready_backend(self.settings, snapshot)
        except BaseException:
            await remove_folder(snapshot)
            raise
        old = self.publication.swap(published, workers)
        self.retirements.add(old, self.snapshot)
        self.snapshot, self.seen = snapshot, identity
        log_line(f"process {os.getpid()} serves graph version {published.manifest.graph_version}")

    async def reload(self, trigger: str, allow_shrink: bool = False) -> ReloadResult:
        """Asks the builder to reload and answers with its result, once this process serves what it built."""
        asked = uuid.uuid4().hex
        request = self.shared.with_name(f"{_request_prefix(self.shared)}{asked}.json")
        await asyncio.to_thread(request.write_text, json.dumps({"id": asked, "allow_shrink": allow_shrink}))
        log = shared_log_path(self.shared)
        while True:
            await asyncio.sleep(0.1)
            state = await asyncio.to_thread(_read_state, log)
            if asked in state.get("answered", []) and state.get("last"):
                break
        await self.follow()
        return ReloadResult(**state["last"])


def _read_state(path: Path) -> dict:
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}


def _request_prefix(dist: Path) -> str:
    """Where a server asks the builder for a reload (POST /admin/reload): one file per request, next to dist/."""
    return f".{dist.name}.reload-request-"


def _requests(dist: Path) -> list[Path]:
    return sorted(dist.parent.glob(f"{_request_prefix(dist)}*.json"))


class BuildsOnDisk:
    """What the builder reloads: dist/ itself. It serves nothing, so its manifest is the one on disk."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.reloads = SharedReloadLog(shared_log_path(settings.dist))

    @property
    def manifest(self) -> Manifest:
        return read_manifest(self.settings.dist)

    def swap(self, published: Published, workers: QueryBackend) -> QueryBackend:
        """Nothing is served here: the workers that proved the build are the ones to retire."""
        return workers


class BuildingReloader(Reloader):
    """The one builder among several serving processes: it runs in `ikg serve`, beside uvicorn's supervisor."""

    def __init__(self, settings: Settings) -> None:
        self.builds = BuildsOnDisk(settings)
        super().__init__(self.builds)

    async def _ready_workers(self, staging: Path) -> QueryBackend:
        # Proved on one worker, stopped once the build is in place: the servers start their own.
        return await ready_backend(dataclasses.replace(self.settings, query_workers=1, quick_workers=0), staging)

    def _put_in_place(self, staging: Path, published: Published, workers: QueryBackend) -> None:
        # The servers serve their snapshots, so nothing reads the retired build: it goes with the proof's worker.
        self.retirements.add(workers, swap_folders(staging, self.settings.dist))

    async def run(self, interval: float) -> None:
        """Answers the servers' reload requests, and with --watch rebuilds on a change of the sources."""
        root = self.settings.root
        seen = fingerprint(root)
        while True:
            await asyncio.sleep(interval)
            try:
                requests = await asyncio.to_thread(_requests, self.settings.dist)
                if requests:
                    await self._answer(requests)
                elif self.settings.watch:
                    changed = await settled_change(root, seen, interval)
                    if changed is not None:
                        seen = changed
                        await self.reload("watch")
            except Exception as problem:  # a file gone between listing and reading it, say: the next poll sees
                log_exception(problem)  # it again; a builder that stopped would leave every server waiting

    async def _answer(self, requests: list[Path]) -> None:
        """One reload for every request waiting; each server learns from the shared log that it was answered."""
        asked = [_read_state(request) for request in requests]
        for request in requests:
            request.unlink(missing_ok=True)
        self.builds.reloads.answering = [a["id"] for a in asked if "id" in a]
        await self.reload("request", allow_shrink=any(a.get("allow_shrink") for a in asked))
