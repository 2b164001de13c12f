"""Throughput and latency of ikg's SPARQL endpoint against Oxigraph server and rdflib-endpoint.

The same synthetic graph (benchmarks/generate.py) is served by all three; each named query of
queries/ (bound to resources of the synthetic graph) is sent as an HTTP GET by wrk, a real load
generator, for a fixed duration at concurrency 1, 8 and 32. Prints qps, p50 and p99 side by side,
the ratios ikg/Oxigraph and ikg/rdflib-endpoint, and their geometric means.

Needs wrk (Debian package `wrk`) and the peers in a virtual environment of their own, as a real
deployment would have them:

    python3 -m venv /tmp/peers && /tmp/peers/bin/pip install oxigraph rdflib-endpoint
    python benchmarks/endpoint.py --peers /tmp/peers/bin --sizes 80 10000 --duration 3

Those figures repeat one query, so ikg answers from its result cache: they are cache figures. What users
send is many distinct queries; `--distinct` times lists of them (benchmarks/distinct.py) against Oxigraph
server in memory and on disk, with ikg's cache off and on reported apart (Oxigraph from the test extra):

    python benchmarks/endpoint.py --distinct --quick          # smoke test, about two minutes
    python benchmarks/endpoint.py --distinct                  # 80 and 10,000 measures, 3 rounds
    python benchmarks/endpoint.py --distinct --serve-args "--workers 2"
"""

from __future__ import annotations

import argparse
import gzip
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "service"))
from ikg.rdf.iris import CANONICAL_BASE, BaseRewriter  # noqa: E402
from ikg.sparql.named_queries import load_all  # noqa: E402

import generate  # noqa: E402

SYNTHETIC = generate.BASE
BINDINGS = {  # resources of the synthetic graph for the parameters of the named queries
    "goal": f"{SYNTHETIC}id/goal/c00001-ziel-1-1",
    "organisation": f"{SYNTHETIC}id/organisation/c00001-org-01",
    "programme": f"{SYNTHETIC}id/programme/shared-01",
    "resource": f"{SYNTHETIC}id/measure/c00001-massnahme-01",
    "edition": f"{SYNTHETIC}graph/report-2024",
    "text": "sprach",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server for {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {seconds} s")


def synthetic_project(size: int, folder: Path) -> Path:
    project = folder / f"project-{size}"
    (project / "graph").mkdir(parents=True)
    generate.generate(size, project / "graph")
    for name in ("vocab", "shapes", "queries", "publication.toml"):
        (project / name).symlink_to(ROOT / name)
    return project


def start_ikg(
    project: Path, folder: Path, *options: str, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ikg",
            "serve",
            "--root",
            str(project),
            "--dist",
            str(folder / "dist"),
            "--port",
            str(port),
            "--base-url",
            SYNTHETIC.rstrip("/"),
            *options,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, **(env or {})},
    )
    url = f"http://127.0.0.1:{port}/sparql"
    wait_for(f"http://127.0.0.1:{port}/health", process)
    return process, url


def start_oxigraph(
    peers: Path, dump: Path, folder: Path, writable: bool = False
) -> tuple[subprocess.Popen[bytes], str]:
    location = folder / "oxigraph"
    subprocess.run(
        [str(peers / "oxigraph"), "load", "--location", str(location), "--file", str(dump)],
        check=True,
        capture_output=True,
    )
    port = free_port()
    process = subprocess.Popen(
        [
            str(peers / "oxigraph"),
            "serve" if writable else "serve-read-only",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/query"
    wait_for(f"{url}?query=ASK%7B%7D", process)
    return process, url


def start_rdflib_endpoint(peers: Path, triples: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [str(peers / "rdflib-endpoint"), "serve", str(triples), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    wait_for(f"{url}?query=ASK%7B%7D", process, seconds=1800)
    return process, url


def run_wrk(url: str, query: str, accept: str, concurrency: int, duration: int) -> tuple[float, float, float]:
    """Requests per second, p50 and p99 in milliseconds (non-2xx answers count as failures: qps 0)."""
    target = f"{url}?{urllib.parse.urlencode({'query': query})}"
    result = subprocess.run(
        [
            "wrk",
            f"-t{min(concurrency, 2)}",
            f"-c{concurrency}",
            f"-d{duration}s",
            "--latency",
            "--timeout",
            "30s",
            "-H",
            f"Accept: {accept}",
            target,
        ],
        capture_output=True,
        text=True,
    )
    out = result.stdout
    if "Non-2xx" in out or "Requests/sec" not in out:
        return 0.0, math.nan, math.nan
    qps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]

    def percentile(p: str) -> float:
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return qps, percentile("50"), percentile("99")


ANSWER_TIMEOUT = 30  # seconds a server may take for the one answer checked before timing


def answer_size(url: str, query: str, accept: str) -> int | None:
    """Rows of a SELECT or triples of a CONSTRUCT, or None when the server gives no valid answer."""
    request = urllib.request.Request(f"{url}?{urllib.parse.urlencode({'query': query})}", headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=ANSWER_TIMEOUT) as response:
            body = response.read()
    except OSError:
        return None
    try:
        if accept == "text/turtle":
            import rdflib

            return len(rdflib.Graph().parse(data=body, format="turtle"))
        import json

        return len(json.loads(body)["results"]["bindings"])
    except Exception:
        return None


def geometric_mean(values: list[float]) -> float:
    positive = [v for v in values if v > 0 and math.isfinite(v)]
    return math.exp(sum(math.log(v) for v in positive) / len(positive)) if positive else math.nan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--peers",
        type=Path,
        default=None,
        help="bin/ folder with oxigraph and rdflib-endpoint (--distinct: default, the oxigraph next to this Python)",
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=None, help="measures (default: 80 10000)")
    parser.add_argument(
        "--concurrency", type=int, nargs="+", default=None, help="clients (default: 1 8 32; --distinct: 1 8)"
    )
    parser.add_argument("--duration", type=int, default=3, help="seconds per measurement")
    parser.add_argument(
        "--front",
        action="store_true",
        help="measure what ikg in front of an external Oxigraph server costs: Oxigraph directly, against ikg "
        "--store Oxigraph without its result cache and with it",
    )
    parser.add_argument(
        "--without",
        choices=["rdflib-endpoint"],
        default=None,
        help="leave a peer out (rdflib-endpoint keeps computing requests it never answers, "
        "loading the machine while the others are measured)",
    )
    distinct_options(parser)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    if args.distinct:
        import distinct

        args.peers = args.peers or Path(sys.executable).parent
        args.concurrency = args.concurrency or [1, 8]
        distinct.run(args)
        return
    if args.peers is None:
        raise SystemExit("--peers is needed: the bin/ folder with oxigraph and rdflib-endpoint")
    args.sizes = args.sizes or [80, 10_000]
    args.concurrency = args.concurrency or [1, 8, 32]
    # The synthetic graph is served under its own base, vocabulary included; the queries follow it as in ikg serve.
    queries = load_all(ROOT / "queries", BaseRewriter(CANONICAL_BASE, SYNTHETIC))
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="ikg-endpoint-") as tmp:
            folder = Path(tmp)
            project = synthetic_project(size, folder)
            ikg, ikg_url = start_ikg(project, folder)
            dump = folder / "dist" / "ikg.nq.gz"
            nquads = folder / "graph.nq"
            nquads.write_bytes(gzip.decompress(dump.read_bytes()))
            triples = folder / "graph.nt"
            triples.write_bytes(gzip.decompress((folder / "dist" / "ikg.nt.gz").read_bytes()))
            servers = {"ikg": (ikg, ikg_url)}
            servers["oxigraph"] = start_oxigraph(args.peers, nquads, folder, writable=args.front)
            if args.front:
                store = servers["oxigraph"][1]
                publish = [sys.executable, "-m", "ikg", "publish", "--store", store, "--root", str(project)]
                publish += ["--dist", str(folder / "dist"), "--base-url", SYNTHETIC.rstrip("/")]
                subprocess.run(publish, check=True, capture_output=True)
                front = ("--store", store, "--query-timeout", str(ANSWER_TIMEOUT))
                servers["front-nocache"] = start_ikg(project, folder, *front, env={"IKG_CACHE_ENTRIES": "0"})
                servers["front-cache"] = start_ikg(project, folder, *front)
            elif args.without != "rdflib-endpoint":
                servers["rdflib-endpoint"] = start_rdflib_endpoint(args.peers, triples)
            try:
                (report_front if args.front else report)(size, queries, servers, args)
            finally:
                for process, _url in servers.values():
                    process.terminate()
                    process.wait(timeout=30)


def distinct_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("distinct-query workloads (benchmarks/distinct.py)")
    group.add_argument("--distinct", action="store_true", help="time lists of distinct queries, not one query")
    group.add_argument("--quick", action="store_true", help="a smoke test: 80 measures, one round, short runs")
    group.add_argument("--rounds", type=int, default=None, help="rounds of interleaved runs (default: 3)")
    group.add_argument("--cap", type=int, default=None, help="seconds before a run is cut (default: 15; --quick: 4)")
    group.add_argument(
        "--workloads", nargs="+", default=["mixed", "lookups", "crawler", "repeated"], help="lists to time"
    )
    group.add_argument("--passes", type=int, default=1, help="times the crawler goes through its list (default: 1)")
    group.add_argument("--serve-args", default="", help='more options for both ikg servers, e.g. "--workers 2"')
    group.add_argument("--json", type=Path, default=None, help="where to write the results (default: results/)")


def report(size: int, queries: dict, servers: dict, args: argparse.Namespace) -> None:  # type: ignore[type-arg]
    print(f"\n## {size} measures\n")
    print(
        "| query | c | ikg qps | Oxigraph qps | rdflib-endpoint qps | ikg p50/p99 ms | Oxigraph p50/p99 ms | "
        "rdflib-endpoint p50/p99 ms | ikg/Oxigraph | ikg/rdflib-endpoint |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    ratios: dict[tuple[str, int], list[float]] = {}
    for name, named in queries.items():
        values = {p.name: BINDINGS[p.name] for p in named.parameters if p.name in BINDINGS}
        text = named.bind(values)
        accept = "text/turtle" if "CONSTRUCT" in text else "application/sparql-results+json"
        sizes = {server: answer_size(url, text, accept) for server, (_p, url) in servers.items()}
        reference = sizes["oxigraph"]
        if not reference:
            # The synthetic graph has no report editions: those queries answer nothing anywhere.
            print(f"| {name} | – | Oxigraph's answer is empty ({reference}); left out | | | | | | | |")
            continue
        wrong = sorted(s for s, n in sizes.items() if n != reference)
        for server in wrong:
            reason = (
                f"no answer within {ANSWER_TIMEOUT} s"
                if sizes[server] is None
                else f"{sizes[server]} results where Oxigraph gives {reference}"
            )
            print(f"| {name} | – | {server}: {reason}; its figures for this query are left out | | | | | | | |")
        for c in args.concurrency:
            figures = {
                server: run_wrk(url, text, accept, c, args.duration)
                if server not in wrong
                else (0.0, math.nan, math.nan)
                for server, (_p, url) in servers.items()
            }
            ikg, oxi = figures["ikg"], figures["oxigraph"]
            rdfl = figures.get("rdflib-endpoint", (0.0, math.nan, math.nan))
            r_oxi = ikg[0] / oxi[0] if oxi[0] else math.nan
            r_rdf = ikg[0] / rdfl[0] if rdfl[0] else math.nan
            ratios.setdefault(("oxigraph", c), []).append(r_oxi)
            ratios.setdefault(("rdflib-endpoint", c), []).append(r_rdf)
            print(
                f"| {name} | {c} | {ikg[0]:.0f} | {oxi[0]:.0f} | {rdfl[0]:.1f} | {ikg[1]:.2f}/{ikg[2]:.2f} | "
                f"{oxi[1]:.2f}/{oxi[2]:.2f} | {rdfl[1]:.1f}/{rdfl[2]:.1f} | {r_oxi:.2f} | {r_rdf:.1f} |",
                flush=True,
            )
    print()
    for (peer, c), values in sorted(ratios.items()):
        print(f"geometric mean ikg/{peer} at c={c}: {geometric_mean(values):.2f}")


def checked_queries(queries: dict, servers: dict) -> list[tuple[str, str, str]]:  # type: ignore[type-arg]
    """Each named query bound to the synthetic graph, with the Accept it is timed with; every server must give
    Oxigraph's answer first, or the benchmark would compare different work."""
    checked = []
    for name, named in queries.items():
        values = {p.name: BINDINGS[p.name] for p in named.parameters if p.name in BINDINGS}
        text = named.bind(values)
        accept = "text/turtle" if "CONSTRUCT" in text else "application/sparql-results+json"
        sizes = {server: answer_size(url, text, accept) for server, (_p, url) in servers.items()}
        if not sizes["oxigraph"] or any(n != sizes["oxigraph"] for n in sizes.values()):
            print(f"| {name} | – | answers differ or are empty: {sizes}; left out | | | | | |")
            continue
        checked.append((name, text, accept))
    return checked


def report_front(size: int, queries: dict, servers: dict, args: argparse.Namespace) -> None:  # type: ignore[type-arg]
    """What ikg in front of an external Oxigraph server costs, against the same Oxigraph server directly."""
    print(f"\n## {size} measures: ikg in front of Oxigraph server\n")
    print(
        "| query | c | Oxigraph qps | ikg→Oxigraph, no cache qps | ikg→Oxigraph, cache qps | Oxigraph p50 ms | "
        "no cache p50 ms | cache p50 ms | no cache/Oxigraph |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    ratios: dict[int, list[float]] = {}
    for name, text, accept in checked_queries(queries, servers):
        for c in args.concurrency:
            oxi, bare, cached = (
                run_wrk(servers[s][1], text, accept, c, args.duration)
                for s in ("oxigraph", "front-nocache", "front-cache")
            )
            ratio = bare[0] / oxi[0] if oxi[0] else math.nan
            ratios.setdefault(c, []).append(ratio)
            print(
                f"| {name} | {c} | {oxi[0]:.0f} | {bare[0]:.0f} | {cached[0]:.0f} | {oxi[1]:.2f} | {bare[1]:.2f} | "
                f"{cached[1]:.2f} | {ratio:.2f} |",
                flush=True,
            )
    print()
    for c, values in sorted(ratios.items()):
        print(f"geometric mean ikg→Oxigraph (no cache)/Oxigraph at c={c}: {geometric_mean(values):.2f}")


if __name__ == "__main__":
    main()
