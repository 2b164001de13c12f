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
import errno
import os
import re
import shutil
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from . import shrinking
from .backends import QueryBackend, backend_for, store_endpoints
from .publish import publish
from .published import Published
from .query_workers import QueryJob, QueryWorkers

WATCHED = ("vocab", "shapes", "graph", "queries")
WATCHED_FILES = ("publication.toml",)
DUMP = "ikg.nq.gz"  # what the query workers load
CONSENT = "IKG_ALLOW_SHRINK=1, ikg serve --allow-shrink or POST /admin/reload?allow_shrink=1"
BUILD_FAILED = "The build failed; the server log has the detail."
# An absolute path not part of a URL: its folders are the server's business, its last part may help.
_ABSOLUTE_PATH = re.compile(r"(?<![\w:/.~-])/(?:[^\s/'\"]+/)+(?=[^\s/'\"]+)")


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

    async def reload(self, trigger: str, allow_shrink: bool = False) -> ReloadResult:
        """Build, and on success swap in; one reload at a time. `allow_shrink` lets a build that loses much
        of the publication in (as IKG_ALLOW_SHRINK does for every reload)."""
        async with self._lock:
            log = self.publication.reloads
            log.running = True
            started = time.monotonic()
            try:
                result = await self._rebuild(trigger, started, allow_shrink or self.settings.allow_shrink)
            finally:
                log.running = False
            log.last = result
            self._tell(result)
            return result

    async def _rebuild(self, trigger: str, started: float, allow_shrink: bool) -> ReloadResult:
        dist = self.settings.dist
        staging = dist.with_name(f".{dist.name}.next")
        await asyncio.to_thread(shutil.rmtree, staging, ignore_errors=True)
        built, problems = await self._build(staging)
        if not built:
            await asyncio.to_thread(shutil.rmtree, staging, ignore_errors=True)
            return self._result(False, trigger, started, None, problems)
        workers: QueryBackend | None = None
        try:
            published = await asyncio.to_thread(
                Published.load,
                self.settings.root,
                staging,
                self.settings.public_base,
                self.settings.cache_entries,
                self.settings.cache_bytes,
            )
            lost = [] if allow_shrink else shrinking.losses(self.publication.manifest, published.manifest)
            if lost:
                refusal = shrinking.ShrinkError(lost, CONSENT)
                await asyncio.to_thread(shutil.rmtree, staging, ignore_errors=True)
                return self._result(False, trigger, started, None, refusal.lines(_language()))
            if self.settings.store:
                await asyncio.to_thread(
                    publish, staging, store_endpoints(self.settings.store, self.settings.store_update)
                )
            workers = backend_for(self.settings, staging)
            await workers.start()
            await _prove(workers)
        except Exception as problem:  # whatever it was, the served build stays; the detail goes to the log
            _log_exception(problem)
            if workers is not None:
                await workers.close()
            await asyncio.to_thread(shutil.rmtree, staging, ignore_errors=True)
            return self._result(False, trigger, started, None, [_plain_failure(problem)])
        # From here to the swap nothing awaits: no request runs between moving the folders and the state.
        retired = dist.with_name(f".{dist.name}.retired-{os.getpid()}-{time.monotonic_ns()}")
        os.replace(dist, retired)
        os.replace(staging, dist)
        old = self.publication.swap(dataclasses.replace(published, dist=dist), workers)
        # Where a replacement worker loads its build from from now on: each pool's own build, wherever it is.
        if isinstance(workers, QueryWorkers):
            workers.dump = dist / DUMP
        if isinstance(old, QueryWorkers):
            old.dump = retired / DUMP
        task = asyncio.get_running_loop().create_task(self._retire(old, retired))
        self._retiring.add(task)
        task.add_done_callback(self._retiring.discard)
        return self._result(True, trigger, started, published.manifest["graph_version"], [])

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
            _language(),
        ]
        process = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        out, err = await process.communicate()
        if process.returncode == 0:
            return True, []
        _log("ikg build failed; its output:", out.decode(errors="replace") + err.decode(errors="replace"))
        # Its standard output holds the problems found in the data, one line each, naming file and line;
        # anything else (a traceback, a message naming the server's folders) stays in the log.
        problems = [plain(line, self.settings.root) for line in out.decode(errors="replace").splitlines()]
        return False, [line for line in problems if line.strip()] or [BUILD_FAILED]

    async def _retire(self, workers: QueryBackend, retired: Path) -> None:
        await workers.retire()
        await asyncio.to_thread(shutil.rmtree, retired, ignore_errors=True)

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
            _log(f"reloaded ({result.trigger}): graph version {result.graph_version}")
            return
        _log(
            f"reload ({result.trigger}) refused; still serving graph version "
            f"{self.publication.manifest['graph_version']}:",
            "\n".join(result.problems),
        )

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


def _language() -> str:
    return os.environ.get("IKG_LANG", "de") if os.environ.get("IKG_LANG") in ("de", "en") else "de"


async def _prove(workers: QueryBackend) -> None:
    """Every new worker answers a real query before it is trusted with the public's."""
    job = QueryJob("ASK {}", "application/sparql-results+json")
    outcomes = await asyncio.gather(*(workers.run(job) for _ in range(getattr(workers, "size", 1))))
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


def _log(headline: str, detail: str = "") -> None:
    print(f"ikg: {headline}", file=sys.stderr, flush=True)
    for line in detail.splitlines():
        print(f"  {line}", file=sys.stderr, flush=True)


def _log_exception(problem: BaseException) -> None:
    _log("reload failed:", "".join(traceback.format_exception(problem)))
