"""Times `ikg validate` and `ikg build` on synthetic graphs of 80, 10,000 and 100,000 measures.

Each figure is a whole `ikg` process, measured from outside: wall time, CPU time (user + system: what
load on a shared machine inflates least) and peak memory (ru_maxrss of the child), median of several
runs. The pySHACL reference engine is the peer: run at 80 and 10,000 measures (at 100,000 it takes far
longer than is useful to wait for).

    python benchmarks/validate_build.py                 # all sizes
    python benchmarks/validate_build.py --sizes 80 10000 --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402

PYSHACL_LIMIT = 10_000


def run_once(command: list[str], limit: float) -> tuple[float | None, float, float, int]:
    """One run: wall seconds (None if it passed `limit` and was stopped), CPU seconds, peak MiB, exit code."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            child.returncode = os.waitstatus_to_exitcode(status)
            cpu = usage.ru_utime + usage.ru_stime
            return time.perf_counter() - start, cpu, usage.ru_maxrss / 1024, child.returncode
        if time.perf_counter() - start > limit:
            child.kill()
            os.wait4(child.pid, 0)
            child.returncode = -9
            return None, 0.0, 0.0, -9
        time.sleep(0.01)


def measure(command: list[str], runs: int, limit: float) -> tuple[float | None, float, float, int]:
    """Median wall seconds, CPU seconds and peak MiB over `runs` runs; None as soon as one run passes the limit."""
    walls, cpus, peaks, code = [], [], [], 0
    for _ in range(runs):
        wall, cpu, peak, code = run_once(command, limit)
        if wall is None:
            return None, 0.0, 0.0, code
        walls.append(wall)
        cpus.append(cpu)
        peaks.append(peak)
    return statistics.median(walls), statistics.median(cpus), statistics.median(peaks), code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[80, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", type=float, default=300, help="seconds after which a run is stopped")
    args = parser.parse_args()
    ikg = [sys.executable, "-m", "ikg"]
    print(f"{'measures':>9} | {'command':<34} | {'wall s':>7} {'cpu s':>7} {'peak MiB':>9} | exit")
    with tempfile.TemporaryDirectory(prefix="ikg-bench-") as tmp:
        for size in args.sizes:
            data = Path(tmp) / f"m{size}"
            generate.generate(size, data)
            project = _project_with(data, Path(tmp) / f"p{size}")
            dist = Path(tmp) / f"dist{size}"
            rows = [
                ("ikg validate (sparql engine)", [*ikg, "validate", "--alone", str(data)]),
                ("ikg build", [*ikg, "build", "--root", str(project), "--dist", str(dist)]),
            ]
            if size <= PYSHACL_LIMIT:
                rows.insert(
                    1,
                    ("ikg validate --engine pyshacl", [*ikg, "validate", "--alone", "--engine", "pyshacl", str(data)]),
                )
            for name, command in rows:
                wall, cpu, peak, code = measure(command, 1 if "pyshacl" in name else args.runs, args.limit)
                shown = (
                    f"{wall:>7.2f} {cpu:>7.2f} {peak:>9.0f}"
                    if wall is not None
                    else f"{'>' + str(int(args.limit)):>7} {'-':>7} {'-':>9}"
                )
                print(f"{size:>9} | {name:<34} | {shown} | {code}", flush=True)
            if (dist / "manifest.json").exists():
                quads = json.loads((dist / "manifest.json").read_text())["statistics"]["quads"]
                print(f"{size:>9} | {'(quads in the built graph)':<34} | {quads:>25} |", flush=True)


def _project_with(data: Path, project: Path) -> Path:
    """A project folder whose graph/ is the synthetic data (vocabulary and shapes linked from the repo)."""
    if not project.exists():
        project.mkdir()
        (project / "graph").symlink_to(data)
        (project / "vocab").symlink_to(ROOT / "vocab")
        (project / "shapes").symlink_to(ROOT / "shapes")
        (project / "publication.toml").symlink_to(ROOT / "publication.toml")
    return project


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
