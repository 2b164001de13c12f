"""Running the real `ikg serve` on a free port for the HTTP tests, and stopping it afterwards."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RunningServer:
    process: subprocess.Popen[bytes]
    base: str
    log: Path
    backend: str = "embedded"  # or "external": queries answered by an Oxigraph server behind ikg

    @property
    def endpoint(self) -> str:
        return self.base + "sparql"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start(
    dist: Path,
    log: Path,
    *options: str,
    env: dict[str, str] | None = None,
    root: Path = ROOT,
    port: int | None = None,
    healthy: bool = True,
    python: Path | None = None,
) -> RunningServer:
    """`healthy=False` for a server whose store is meant to misbehave: any answer from /health will do."""
    port = port or free_port()
    base = f"http://127.0.0.1:{port}/"
    command = [
        str(python or sys.executable),
        "-m",
        "ikg",
        "serve",
        "--root",
        str(root),
        "--dist",
        str(dist),
        "--port",
        str(port),
        *options,
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
    server = RunningServer(process, base, log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"ikg serve exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(base + "health", timeout=5).status_code == 200 or not healthy:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"ikg serve did not answer within 120 s:\n{log.read_text(errors='replace')}")


@contextmanager
def serving(
    folder: Path,
    *options: str,
    env: dict[str, str] | None = None,
    root: Path = ROOT,
    healthy: bool = True,
    python: Path | None = None,
) -> Iterator[RunningServer]:
    """A real `ikg serve` building into `folder`/dist and logging to `folder`/serve.log, stopped however the
    block ends: a fixture's teardown or a failed test leaves no server behind."""
    running = start(folder / "dist", folder / "serve.log", *options, env=env, root=root, healthy=healthy, python=python)
    try:
        yield running
    finally:
        running.stop()


class OxigraphServer:
    """A real Oxigraph server (the PyPI package `oxigraph`) on a free port, the external store of the tests.

    Its data lives in a folder, so that a test can stop it and start it again with the same graphs. It runs, as
    the README tells operators, with a time limit of its own (ikg's default limit): a query ikg abandons
    stops in the store too."""

    def __init__(self, folder: Path, union_default_graph: bool = False, timeout_s: int = 10) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.union_default_graph = union_default_graph
        self.timeout_s = timeout_s

    @property
    def query(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    def start(self) -> OxigraphServer:
        binary = Path(sys.executable).parent / "oxigraph"
        command = [
            str(binary),
            "serve",
            "--location",
            str(self.folder / "data"),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout-s",
            str(self.timeout_s),
        ]
        if self.union_default_graph:
            command.append("--union-default-graph")
        log = (self.folder / "oxigraph.log").open("ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.post(self.query, data={"query": "ASK {}"}, timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError(f"the Oxigraph server did not start:\n{(self.folder / 'oxigraph.log').read_text()}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=15)
            self.process = None


def start_external(
    store: OxigraphServer, project: Path, folder: Path, *options: str, env: dict[str, str] | None = None
) -> RunningServer:
    """ikg in front of `store`: the project built for ikg's own address, published, then served."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    publish = subprocess.run(
        [
            sys.executable,
            "-m",
            "ikg",
            "publish",
            "--store",
            store.query,
            "--root",
            str(project),
            "--dist",
            str(folder / "dist"),
            "--base-url",
            base,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    if publish.returncode != 0:
        raise RuntimeError(f"ikg publish failed:\n{publish.stdout}{publish.stderr}")
    running = start(
        folder / "dist", folder / "serve.log", "--store", store.query, *options, env=env, root=project, port=port
    )
    running.backend = "external"
    return running


@contextmanager
def serving_external(
    folder: Path,
    project: Path,
    *options: str,
    env: dict[str, str] | None = None,
    union_default_graph: bool = False,
    timeout_s: int = 10,
) -> Iterator[tuple[OxigraphServer, RunningServer]]:
    """An Oxigraph server in `folder` and ikg in front of it serving `project`, both stopped however the block
    ends; the store is given too, for tests that stop and start it."""
    store = OxigraphServer(folder, union_default_graph=union_default_graph, timeout_s=timeout_s).start()
    try:
        running = start_external(store, project, folder, *options, env=env)
        try:
            yield store, running
        finally:
            running.stop()
    finally:
        store.stop()
