"""Folders beside dist/ that a process makes for a while (a build's staging and scratch, a serving process's
snapshot, a retired build) carry the process id in their name, `.dist.KIND-PID-…`; what a killed process
left behind is removed by the next one, and what a running one uses is left alone.

A scratch folder holds the whole graph unpacked: left behind by every killed build, it would fill the disk.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

STAGING = "building"  # a build being written
SCRATCH = "sorting"  # the sorted graph a build streams its dumps from
RETIRED = "retired"  # the build a swap replaced, until nothing reads it
SNAPSHOT = "process"  # a serving process's own hard-linked copy of the build (`--workers`)


def own_prefix(dist: Path, kind: str) -> str:
    """The start of the name of a folder of this process's beside `dist`: `.dist.KIND-PID-`."""
    return f".{dist.name}.{kind}-{os.getpid()}-"


def remove_abandoned(dist: Path, kind: str) -> None:
    """Removes the folders of this kind beside `dist` whose process has ended."""
    start = f".{dist.name}.{kind}-"
    for leftover in dist.parent.glob(f"{start}*"):
        pid = leftover.name[len(start) :].split("-", 1)[0]
        if not (pid.isdigit() and _running(int(pid))):
            shutil.rmtree(leftover, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # running, as another user
    return True
