"""Every swap is atomic for every route: downloads started before, during and after reloads come whole,
each from one build, with that build's checksum as ETag."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conftest import copy_project
from server import RunningServer, serving

TOKEN = "swap swap swap"
SWAPS = int(os.environ.get("IKG_TEST_SWAPS", "3"))  # the benchmark swaps 50 times; the mechanism shows in 3
EXTRA = """
g:measures {
    m:t-wechsel a ikg:Measure ; skos:prefLabel "Wechselnde Maßnahme"@de ; ikg:operator o:stadt-leverkusen ;
        dct:source <https://example.org/wechsel> .
}
"""


@pytest.fixture(scope="module")
def swapping(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, Path]]:
    project = copy_project(tmp_path_factory.mktemp("swapping"))
    with serving(
        project,
        root=project,
        env={"IKG_RELOAD_TOKEN": TOKEN, "IKG_QUERY_WORKERS": "2", "IKG_QUERY_TIMEOUT": "300"},
    ) as running:
        yield running, project


def _download_until(server: RunningServer, name: str, stop: threading.Event, seen: list[tuple]) -> None:
    with httpx.Client(timeout=120) as client:
        while not stop.is_set():
            try:
                response = client.get(f"{server.base}downloads/{name}")
            except httpx.HTTPError as cut:  # a body cut short: the connection closed mid-file
                seen.append((type(cut).__name__, "", 0, 0, ""))
                continue
            seen.append(
                (
                    response.status_code,
                    response.headers.get("etag", "").strip('"'),
                    int(response.headers.get("content-length", -1)),
                    len(response.content),
                    hashlib.sha256(response.content).hexdigest(),
                )
            )


def _toggle(project: Path) -> None:
    """Adds or removes one measure: every reload brings a graph of its own, with dumps of their own."""
    extra = project / "graph" / "wechsel.trig"
    if extra.exists():
        extra.unlink()
        return
    header = "".join(
        line + "\n"
        for line in (project / "graph" / "measures.trig").read_text().splitlines()
        if line.startswith("@prefix")
    )
    extra.write_text(header + EXTRA, encoding="utf-8")


def test_downloads_stay_byte_exact_across_swaps(swapping) -> None:  # type: ignore[no-untyped-def]
    server, project = swapping
    stop = threading.Event()
    seen: list[tuple] = []
    downloaders = [
        threading.Thread(target=_download_until, args=(server, name, stop, seen))
        for name in ("ikg.nq.gz", "ikg.ttl.gz", "ikg.nq.gz")
    ]
    for thread in downloaders:
        thread.start()
    versions = []
    try:
        for _ in range(SWAPS):
            _toggle(project)
            reloaded = httpx.post(
                server.base + "admin/reload", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=300
            )
            assert reloaded.status_code == 200, reloaded.text
            versions.append(reloaded.json()["graph_version"])
    finally:
        stop.set()
        for thread in downloaders:
            thread.join()
    assert len(set(versions)) == 2, "the reloads alternate between two graphs"
    assert {status for status, *_ in seen} == {200}
    for _status, etag, length, received, digest in seen:
        assert received == length
        assert digest == etag, "a body's SHA-256 is the checksum its build listed for it"
    assert len({etag for _status, etag, *_ in seen}) >= 3, "downloads were served from more than one build"
