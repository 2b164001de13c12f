"""Running the real `ikg serve` on a free port for the HTTP tests, and stopping it afterwards."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
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


def start(dist: Path, log: Path, *options: str, env: dict[str, str] | None = None, root: Path = ROOT) -> RunningServer:
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    command = [
        sys.executable,
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
            if httpx.get(base + "health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"ikg serve did not answer within 120 s:\n{log.read_text(errors='replace')}")
