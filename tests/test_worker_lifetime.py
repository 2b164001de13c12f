"""Query workers never outlive the server: killed with SIGKILL mid-query, it leaves no process behind."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import httpx

from server import serving

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def send_and_lose_the_answer(endpoint: str) -> None:
    with contextlib.suppress(httpx.HTTPError):  # the server is killed before it answers
        httpx.post(endpoint, data={"query": HEAVY}, timeout=600)


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def kill_and_see_them_end(server: subprocess.Popen[bytes], children: set[int]) -> None:
    """Kills the server with SIGKILL; fails unless every one of `children` has ended within a minute."""
    os.kill(server.pid, signal.SIGKILL)
    server.wait()
    deadline = time.monotonic() + 60
    while any(alive(pid) for pid in children):
        assert time.monotonic() < deadline, f"{children} outlived the server"
        time.sleep(0.1)


def test_workers_busy_with_a_query_end_when_the_server_is_killed(tmp_path: Path) -> None:
    with serving(tmp_path, "--query-workers", "2", "--query-timeout", "600") as server:
        heavy = threading.Thread(target=send_and_lose_the_answer, args=(server.endpoint,), daemon=True)
        heavy.start()
        deadline = time.monotonic() + 60
        while httpx.get(server.base + "status?format=json", timeout=30).json()["query_workers_busy"] < 1:
            assert time.monotonic() < deadline, "the heavy query never reached a worker"
            time.sleep(0.1)
        workers = children_of(server.process.pid)
        assert workers
        kill_and_see_them_end(server.process, workers)


def test_the_helper_reading_long_queries_ends_when_the_server_is_killed(tmp_path: Path) -> None:
    with serving(tmp_path) as server:
        before = children_of(server.process.pid)
        # Longer than what is read in place: the text goes to the helper process, which stays for the next one.
        long_query = "ASK {}\n" + "# a long comment\n" * 400
        assert httpx.post(server.endpoint, data={"query": long_query}, timeout=60).status_code == 200
        helpers = children_of(server.process.pid) - before
        assert helpers, "the long query started no helper"
        kill_and_see_them_end(server.process, helpers)


def test_a_worker_whose_server_ended_before_it_started_ends_at_once(tmp_path: Path) -> None:
    # Its server gone before the kernel could be asked to end it with the server: the worker finds itself
    # adopted by a subreaper (or init) and ends, instead of loading the store and waiting for jobs forever.
    import multiprocessing

    from ikg.query.workers import _serve

    context = multiprocessing.get_context("spawn")
    parent_end, child_end = context.Pipe()
    ended = subprocess.Popen(["true"])
    ended.wait()
    worker = context.Process(target=_serve, args=(child_end, str(tmp_path / "no-dump.nq.gz"), 0, ended.pid))
    worker.start()
    worker.join(timeout=60)
    assert worker.exitcode == 0
    assert not parent_end.poll(), "it never said it was ready"
