"""Processes the server starts (query workers, the helper that reads long queries) never outlive it."""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # prctl(2)


def end_with_parent(parent: int) -> None:
    """Asks Linux to kill this process when the server process `parent` ends, however it ends: a worker busy
    with a cross product would otherwise run on for hours as an orphan after a crash or a kill -9 of the server,
    and an idle helper would wait for work forever."""
    if sys.platform != "linux":
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    # The server ended before the request took effect. Compared with the server's own pid, not with 1: an
    # orphan goes to the nearest subreaper (a container's init, a service manager), which is seldom pid 1.
    if os.getppid() != parent:
        os._exit(0)
