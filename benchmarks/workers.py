"""Cheap lookups, every one a distinct question, against `ikg serve --workers 1` and `--workers 2`.

The lookups are the named queries for every operator (`measures-of-organisation`) and every goal
(`measures-serving-goal`) of a synthetic graph (benchmarks/generate.py), sent in turn by wrk (8 connections)
with the result cache off (IKG_CACHE_ENTRIES=0), so that every request is evaluated, and the per-client limit
raised (the 8 connections stand for 8 users, not one client sending 8 at once). Runs alternate between the
process counts, so that the shared machine's load falls on both alike; the median of the rounds is reported.

    python benchmarks/workers.py --measures 80 --rounds 3 --duration 10
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from endpoint import synthetic_project

from generate import BASE

LOOKUPS = {  # the query, its parameter, and the property whose objects are the parameter's values
    "measures-of-organisation": ("organisation", f"{BASE}def/ikg#operator"),
    "measures-serving-goal": ("goal", f"{BASE}def/ikg#servesGoal"),
}


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(root: Path, dist: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [sys.executable, "-m", "ikg", "serve", "--root", str(root), "--dist", str(dist), "--port", str(port)]
    command += ["--workers", str(workers), "--base-url", BASE]
    env = {**os.environ, "IKG_CACHE_ENTRIES": "0", "IKG_CLIENT_QUERIES": "16"}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "health", timeout=5):
                time.sleep(5 * workers)  # every process up, not only the first
                return process, base
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise SystemExit("ikg serve did not start")


def lookup_paths(base: str) -> list[str]:
    """A path per organisation and goal of the served graph: each a distinct question."""
    paths = []
    for name, (parameter, link) in LOOKUPS.items():
        query = f"SELECT DISTINCT ?r WHERE {{ GRAPH ?g {{ ?m <{link}> ?r }} }}"
        url = f"{base}sparql?{urllib.parse.urlencode({'query': query})}"
        request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            rows = json.load(response)["results"]["bindings"]
        paths += [f"/queries/{name}?{urllib.parse.urlencode({parameter: row['r']['value']})}" for row in rows]
    return paths


def wrk(base: str, script: Path, duration: int) -> float:
    out = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{duration}s", "-s", str(script), base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"failed requests:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]


def lua(paths: list[str], folder: Path) -> Path:
    script = folder / "lookups.lua"
    listed = ",\n".join(json.dumps(p) for p in paths)
    script.write_text(
        f"local paths = {{\n{listed}\n}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i], {Accept = "application/sparql-results+json"})\nend\n'
    )
    return script


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, default=80, help="size of the synthetic graph")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per run")
    args = parser.parse_args()
    results: dict[int, list[float]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        project = synthetic_project(args.measures, folder)
        script = None
        for _round in range(args.rounds):
            for workers in results:
                process, base = start(project, folder / "dist", workers)
                try:
                    if script is None:
                        paths = lookup_paths(base)
                        script = lua(paths, folder)
                        print(f"{len(paths)} distinct lookups", flush=True)
                    results[workers].append(wrk(base, script, args.duration))
                    print(f"--workers {workers}: {results[workers][-1]:.0f} requests/s", flush=True)
                finally:
                    process.terminate()
                    process.wait(timeout=60)
    for workers, runs in results.items():
        print(f"--workers {workers}: median {statistics.median(runs):.0f} requests/s over {len(runs)} runs")


if __name__ == "__main__":
    main()
