"""Pages under load: how many resource pages per second ikg serves, and how long /health and a cached query
wait meanwhile.

Starts a real `ikg serve` on the project's graph, then for a fixed duration N clients fetch resource pages
(every measure, organisation and programme in turn, as a browser asks for them) and query pages whose
result is far larger than the table shows, while a probe asks for /health and a cached ASK every 50 ms.
Prints pages/s, errors and the probe's latencies (median, p99, max).

    python benchmarks/page_load.py --clients 16 --duration 20
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from server import start  # noqa: E402

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
# About 100,000 rows (some 40 MB of SPARQL JSON) from the real graph: a cross product, cut by LIMIT.
BIG_QUERY = "SELECT * WHERE { ?s ?p ?o . ?a ?b ?c } LIMIT 100000"
CACHED_QUERY = "ASK {}"


async def _pages(client: httpx.AsyncClient, base: str) -> list[str]:
    found = []
    for listing in ("measures", "organisations", "programmes"):
        items = (await client.get(f"{base}{listing}", params={"format": "json"})).json()["items"]
        found += [item["iri"].replace("https://ikg.example/leverkusen/", base) for item in items]
    return found


async def _hammer(client: httpx.AsyncClient, urls: list[str], offset: int, stop: float, tally: dict) -> None:
    n = offset
    while time.monotonic() < stop:
        url = urls[n % len(urls)]
        n += 7
        try:
            response = await client.get(url, headers={"Accept": BROWSER}, timeout=120)
            tally["ok" if response.status_code == 200 else "errors"] += 1
        except httpx.HTTPError:
            tally["errors"] += 1


async def _probe(base: str, stop: float) -> dict[str, list[float]]:
    latencies: dict[str, list[float]] = {"health": [], "cached query": []}
    async with httpx.AsyncClient(timeout=120) as client:
        while time.monotonic() < stop:
            for name, request in (
                ("health", client.get(f"{base}health")),
                ("cached query", client.get(f"{base}sparql", params={"query": CACHED_QUERY})),
            ):
                began = time.monotonic()
                await request
                latencies[name].append(time.monotonic() - began)
            await asyncio.sleep(0.05)
    return latencies


async def measure(base: str, clients: int, duration: float, query_clients: int) -> None:
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=clients + query_clients + 4)) as client:
        pages = await _pages(client, base)
        big = f"{base}sparql?{httpx.QueryParams({'query': BIG_QUERY})}"
        await client.get(f"{base}sparql", params={"query": CACHED_QUERY})
        for url in pages:  # the queries behind each page once, so the run measures rendering, not evaluation
            await client.get(url, headers={"Accept": BROWSER}, timeout=120)
        stop = time.monotonic() + duration
        tally = {"ok": 0, "errors": 0}
        queries = {"ok": 0, "errors": 0}
        probe = asyncio.create_task(_probe(base, stop))
        began = time.monotonic()
        await asyncio.gather(
            *(_hammer(client, pages, i, stop, tally) for i in range(clients)),
            *(_hammer(client, [big], 0, stop, queries) for _ in range(query_clients)),
        )
        elapsed = time.monotonic() - began
        latencies = await probe
    print(f"{clients} page clients, {query_clients} big-query-page clients, {duration:.0f} s")
    print(f"resource pages: {tally['ok'] / elapsed:.1f}/s ({tally['errors']} errors)")
    print(f"query pages:    {queries['ok'] / elapsed:.2f}/s ({queries['errors']} errors)")
    for name, values in latencies.items():
        ordered = sorted(values)
        p99 = ordered[int(len(ordered) * 0.99)] if ordered else float("nan")
        print(
            f"{name:13} n={len(values):4}  median {statistics.median(values) * 1000:7.1f} ms  "
            f"p99 {p99 * 1000:7.1f} ms  max {max(values) * 1000:7.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--query-clients", type=int, default=2)
    parser.add_argument("--duration", type=float, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([sys.executable, "-m", "ikg", "build", "--dist", f"{folder}/dist"], cwd=ROOT, check=True)
        running = start(Path(folder) / "dist", Path(folder) / "serve.log", "--query-timeout", "30")
        try:
            asyncio.run(measure(running.base, args.clients, args.duration, args.query_clients))
        finally:
            running.stop()


if __name__ == "__main__":
    main()
