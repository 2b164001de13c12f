"""`ikg serve --workers N`: several processes on one port, one builder, every process serving the same build.

Which process answers a connection is the kernel's choice; the tests learn it as an operator would, from /proc:
the server-side socket of a connection, and the process that holds it.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conftest import ROOT, copy_project
from server import RunningServer, serving

PROCESSES = 2
TOKEN = "workers' reload token"
NEW_MEASURE = """
g:measures {
    m:t-nebenan a ikg:Measure ; skos:prefLabel "Maßnahme aus dem Nebenprozess"@de ;
        ikg:operator o:stadt-leverkusen ; dct:source <https://example.org/nebenan> .
}
"""
LOOKUP = "queries/action-field-actors?format=json"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, Path]]:
    project = copy_project(tmp_path_factory.mktemp("workers"))
    with serving(
        project,
        "--workers",
        str(PROCESSES),
        "--watch",
        root=project,
        env={"IKG_RELOAD_TOKEN": TOKEN, "IKG_WATCH_INTERVAL": "0.2"},
    ) as running:
        yield running, project


def _servers(server: RunningServer) -> set[int]:
    """The processes `ikg serve` started that hold its listening socket."""
    listening = _socket_inodes(server, state="0A")
    return {pid for pid in _children(server.process.pid) if _holds(pid, listening)}


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _socket_inodes(server: RunningServer, state: str, client_port: int | None = None) -> set[str]:
    """Inodes of the server's TCP sockets on its port in `state` (0A listening, 01 established)."""
    port = f"{_port(server):04X}"
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, st, inode = fields[1], fields[2], fields[3], fields[9]
        ours = local.endswith(f":{port}") and st == state
        if ours and (client_port is None or remote.endswith(f":{client_port:04X}")):
            inodes.add(inode)
    return inodes


def _holds(pid: int, inodes: set[str]) -> bool:
    sockets = {f"socket:[{inode}]" for inode in inodes}
    try:
        descriptors = list(Path(f"/proc/{pid}/fd").iterdir())
    except FileNotFoundError:  # the process has ended
        return False
    return any(_link(fd) in sockets for fd in descriptors)


def _link(descriptor: Path) -> str:
    try:
        return descriptor.readlink().name
    except FileNotFoundError:  # closed since the folder was listed: a busy server opens and closes many
        return ""


def _answers_by_process(server: RunningServer, path: str, tries: int = 300) -> dict[int, tuple[int, dict, bytes]]:
    """One answer to GET `path` from every serving process (status, headers, body), over fresh connections until
    each has answered one."""
    processes = _servers(server)
    answers: dict[int, tuple[int, dict, bytes]] = {}
    for _ in range(tries):
        connection = http.client.HTTPConnection("127.0.0.1", _port(server), timeout=60)
        try:
            connection.request("GET", "/" + path)
            response = connection.getresponse()
            body = response.read()
            # The connection is still open (keep-alive): the process holding its other end answered.
            pid = _holder(server, connection.sock.getsockname()[1], processes)
            answers.setdefault(pid, (response.status, {k.lower(): v for k, v in response.getheaders()}, body))
        finally:
            connection.close()
        if set(answers) == processes:
            return answers
    raise AssertionError(f"after {tries} connections only {sorted(answers)} of {sorted(processes)} had answered")


def test_the_given_number_of_processes_listen_on_the_one_port(served) -> None:  # type: ignore[no-untyped-def]
    server, _project = served
    assert len(_servers(server)) == PROCESSES


def test_every_process_gives_the_same_answer_and_etag(served) -> None:  # type: ignore[no-untyped-def]
    server, _project = served
    answers = _answers_by_process(server, LOOKUP)
    assert {status for status, _headers, _body in answers.values()} == {200}
    assert len({headers["etag"] for _status, headers, _body in answers.values()}) == 1
    assert len({body for _status, _headers, body in answers.values()}) == 1


def test_every_process_serves_the_same_graph_version(served) -> None:  # type: ignore[no-untyped-def]
    server, _project = served
    versions = {json.loads(body)["graph_version"] for _s, _h, body in _answers_by_process(server, "health").values()}
    assert versions == {httpx.get(server.base + "health").json()["graph_version"]}


def test_the_query_workers_are_shared_out_among_the_processes(served) -> None:  # type: ignore[no-untyped-def]
    server, _project = served
    answers = _answers_by_process(server, "health")
    # No --query-workers: the cores are divided among the processes instead of each taking them all.
    shares = {json.loads(body)["query_workers"] for _s, _h, body in answers.values()}
    assert shares == {max(1, (os.cpu_count() or 2) // PROCESSES)}


def test_every_process_keeps_the_http_limits(served) -> None:  # type: ignore[no-untyped-def]
    server, _project = served
    processes = _servers(server)
    refused: dict[int, bytes] = {}
    for _ in range(300):
        with socket.create_connection(("127.0.0.1", _port(server)), timeout=60) as raw:
            raw.sendall(b"GET /sparql?query=")  # the process that accepted it waits for the rest of the head
            pid = _holder(server, raw.getsockname()[1], processes)
            raw.sendall(b"x" * (17 * 1024) + b" HTTP/1.1\r\nHost: ikg\r\n\r\n")  # over the 16 KB a URL may have
            refused.setdefault(pid, raw.recv(64).split(b"\r\n")[0])
        if set(refused) == processes:
            break
    assert set(refused) == processes
    assert {line.split(b" ")[1] for line in refused.values()} == {b"414"}


def _port(server: RunningServer) -> int:
    return int(server.base.rsplit(":", 1)[1].strip("/"))


def _holder(server: RunningServer, client_port: int, processes: set[int], within: float = 60) -> int:
    """The process that has accepted the connection from `client_port`."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        mine = _socket_inodes(server, "01", client_port)
        for pid in processes:
            if _holds(pid, mine):
                return pid
        time.sleep(0.01)
    raise AssertionError(f"no serving process accepted the connection from port {client_port} within {within} s")


def test_a_reload_asked_of_any_process_is_built_once_and_served_by_all(served) -> None:  # type: ignore[no-untyped-def]
    server, _project = served
    before = httpx.get(server.base + "health").json()["last_reload"]
    response = httpx.post(server.base + "admin/reload", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=300)
    assert response.status_code == 200, response.text
    assert response.json()["ok"] is True
    assert response.json()["trigger"] == "request"
    # One build: every process reports the same reload, the one the answer named.
    reloads = [json.loads(body)["last_reload"] for _s, _h, body in _answers_by_process(server, "health").values()]
    assert reloads == [response.json()] * PROCESSES
    assert response.json() != before


def test_a_reload_under_load_loses_no_request(served) -> None:  # type: ignore[no-untyped-def]
    server, project = served
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    stop = threading.Event()

    def load() -> None:
        while not stop.is_set():
            for path in ("health", LOOKUP, "id/measure/cafe-welt"):
                try:
                    with httpx.Client(timeout=120) as fresh:
                        statuses[fresh.get(server.base + path, headers={"Accept": "text/turtle"}).status_code] += 1
                except httpx.HTTPError as failed:
                    failures.append(f"{path}: {failed!r}")

    before = httpx.get(server.base + "health").json()
    clients = [threading.Thread(target=load) for _ in range(4)]
    for client in clients:
        client.start()
    added = project / "graph" / "nebenan.trig"
    try:
        prefixes = [
            line for line in (ROOT / "graph" / "measures.trig").read_text().splitlines() if line.startswith("@")
        ]
        added.write_text("\n".join(prefixes) + NEW_MEASURE, encoding="utf-8")
        new_version = _eventually_every_process_serves_another_version(server, before["graph_version"])
    finally:
        stop.set()
        for client in clients:
            client.join()
    assert failures == []
    assert set(statuses) == {200}, statuses
    assert new_version != before["graph_version"]
    assert {status for status, _h, _b in _answers_by_process(server, "id/measure/t-nebenan").values()} == {200}


def _eventually_every_process_serves_another_version(server: RunningServer, old: str, within: float = 120) -> str:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        versions = {
            json.loads(body)["graph_version"] for _s, _h, body in _answers_by_process(server, "health").values()
        }
        if len(versions) == 1 and old not in versions:
            return versions.pop()
        time.sleep(0.5)
    raise AssertionError(f"not every process served a new graph version within {within} s")


def test_a_snapshot_is_the_build_linked_and_outlives_the_swap_of_dist(tmp_path: Path) -> None:
    from ikg.web.following import manifest_identity, take_snapshot
    from ikg.web.reload import swap_folders

    def folder(name: str, version: str) -> Path:
        (tmp_path / name / "descriptions").mkdir(parents=True)
        (tmp_path / name / "manifest.json").write_text(version)
        (tmp_path / name / "descriptions" / "a.ttl").write_text(f"<a> <b> '{version}' .")
        return tmp_path / name

    dist = folder("dist", "eins")
    snapshot, identity = take_snapshot(dist)
    assert identity == manifest_identity(dist)
    assert (snapshot / "manifest.json").stat().st_ino == (dist / "manifest.json").stat().st_ino
    shutil.rmtree(swap_folders(folder(".dist.next", "zwei"), dist))
    assert manifest_identity(dist) not in (identity, None)
    assert (snapshot / "manifest.json").read_text() == "eins"
    assert (snapshot / "descriptions" / "a.ttl").read_text() == "<a> <b> 'eins' ."


def test_starting_a_server_removes_the_snapshots_of_ended_processes_only(tmp_path: Path) -> None:
    # Two servers on one dist/ (a restart while the old one drains): the new one must not pull the build
    # from under the processes of the old one.
    from ikg.web.following import remove_leftovers

    ended = subprocess.Popen(["true"])
    ended.wait()
    dist = tmp_path / "dist"
    dist.mkdir()
    live = tmp_path / f".dist.process-{os.getpid()}-1"
    gone = tmp_path / f".dist.process-{ended.pid}-1"
    for snapshot in (live, gone):
        snapshot.mkdir()
        (snapshot / "manifest.json").write_text("{}")
    remove_leftovers(dist)
    assert live.exists()
    assert not gone.exists()


def test_every_process_in_front_of_an_external_store_gives_the_same_answer(tmp_path: Path) -> None:
    from server import serving_external

    project = copy_project(tmp_path / "project")
    with serving_external(tmp_path, project, "--workers", str(PROCESSES)) as (store, server):
        assert len(_servers(server)) == PROCESSES
        answers = _answers_by_process(server, LOOKUP)
        health = _answers_by_process(server, "health")
    assert {status for status, _headers, _body in answers.values()} == {200}
    assert len({body for _status, _headers, body in answers.values()}) == 1
    assert {json.loads(body)["store"] for _s, _h, body in health.values()} == {store.query}
