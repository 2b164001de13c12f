"""Descriptions written by `ikg build` are served as files, and are exactly what the live path answers.

One server: its first build's written descriptions are taken away before it is asked, so every IRI is answered
live; every answer is kept; then a reload builds again, writing them, and the same server answers from them.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from server import RunningServer, serving

TOKEN = "precomputed descriptions"
FORMATS = {
    "text/turtle": "ttl",
    "application/trig": "trig",
    "application/n-quads": "nq",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdf",
    "application/n-triples": "nt",
}
# Everything a client or a cache sees of a description besides its body.
COMPARED = (
    "content-type",
    "etag",
    "cache-control",
    "vary",
    "link",
    "content-location",
    "content-length",
    "x-content-type-options",
    "content-security-policy",
)
Answer = tuple[int, dict[str, str | None], bytes]


def _index_iris(dist: Path) -> list[str]:
    with (dist / "descriptions.index").open(encoding="utf-8") as index:
        index.readline()
        return [line.split("\t", 1)[0] for line in index]


def _fetch(client: httpx.Client, url: str, accept: str | None) -> Answer:
    response = client.get(url, headers={"Accept": accept} if accept else {})
    return response.status_code, {h: response.headers.get(h) for h in COMPARED}, response.content


def _kind(iri: str, base: str) -> str:
    """What sort of resource an IRI names: its path up to the last segment (id/measure, source, graph, …)."""
    return iri[len(base) :].rpartition("/")[0]


def _sample(iris: list[str], base: str) -> list[str]:
    """The first IRIs of every kind and every twelfth of the rest: every kind, and every format below, goes
    through the same code; comparing all 1,700 IRIs in six formats live took minutes of CI for no more cover."""
    firsts: dict[str, list[str]] = {}
    for iri in iris:
        firsts.setdefault(_kind(iri, base), []).append(iri)
    chosen = {iri for same in firsts.values() for iri in same[:12]} | set(iris[::12])
    return sorted(chosen)


def _requests(iris: list[str]) -> list[tuple[str, str | None]]:
    """Each IRI negotiated in every format, and every seventh one's format documents."""
    negotiated = [(iri, media) for iri in iris for media in FORMATS]
    documents = [(f"{iri}.{suffix}", None) for iri in iris[::7] for suffix in FORMATS.values()]
    return negotiated + documents


def _fetch_all(requests: list[tuple[str, str | None]]) -> dict[tuple[str, str | None], Answer]:
    with httpx.Client(timeout=60) as client, ThreadPoolExecutor(max_workers=3) as pool:
        answers = pool.map(lambda r: _fetch(client, *r), requests)
        return dict(zip(requests, answers, strict=True))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, Path, list, dict, dict]]:
    folder = tmp_path_factory.mktemp("precomputed")
    with serving(folder, env={"IKG_RELOAD_TOKEN": TOKEN}) as server:
        dist = folder / "dist"
        iris = _index_iris(dist)
        # Taken away before the first dereferencing request opens them: this build is answered live.
        for written in dist.glob("descriptions.*"):
            written.unlink()
        requests = _requests(_sample(iris, server.base))
        live = _fetch_all(requests)
        reloaded = httpx.post(server.base + "admin/reload", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=300)
        assert reloaded.status_code == 200, reloaded.text
        yield server, dist, iris, live, _fetch_all(requests)


def test_the_build_writes_a_description_of_every_dereferenceable_iri(served) -> None:  # type: ignore[no-untyped-def]
    server, dist, iris, _live, _precomputed = served
    query = (
        "SELECT DISTINCT ?r WHERE { { ?r ?p ?o } UNION { ?s ?p ?r } "
        f'FILTER(isIRI(?r) && REGEX(STR(?r), "^{server.base}(id|source|def|graph|project)/[^#]+$") '
        f'&& STR(?r) != "{server.base}def/ikg") }}'
    )
    rows = httpx.get(server.endpoint, params={"query": query}, timeout=60).json()["results"]["bindings"]
    assert len(iris) > 300
    assert sorted(_index_iris(dist)) == sorted(row["r"]["value"] for row in rows)


def test_precomputed_answers_are_the_live_ones_byte_for_byte_for_every_kind_of_iri_and_format(served) -> None:  # type: ignore[no-untyped-def]
    _server, _dist, _iris, live, precomputed = served
    assert all(status == 200 for status, _headers, _body in live.values())
    assert len({_kind(iri, _server.base) for iri, _media in live}) >= 10, "every kind of resource is compared"
    different = [request for request in live if live[request] != precomputed[request]]
    assert different == []


def test_the_marks_are_in_the_precomputed_descriptions_as_in_the_live_ones(served) -> None:  # type: ignore[no-untyped-def]
    _server, _dist, _iris, live, precomputed = served
    marked = [r for r, (_s, _h, body) in precomputed.items() if b"/def/evidence/" in body]
    assert marked, "the real graph has uncertain, inferred and editorial statements"
    assert all(precomputed[r][2] == live[r][2] for r in marked)


def test_revalidation_with_the_written_etag_gives_304(served) -> None:  # type: ignore[no-untyped-def]
    server, _dist, _iris, _live, _precomputed = served
    iri = f"{server.base}id/measure/cafe-welt"
    first = httpx.get(iri, headers={"Accept": "text/turtle"})
    again = httpx.get(iri, headers={"Accept": "text/turtle", "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["link"] == first.headers["link"]


def test_head_of_a_written_description_has_its_length_and_no_body(served) -> None:  # type: ignore[no-untyped-def]
    server, _dist, _iris, _live, _precomputed = served
    iri = f"{server.base}id/measure/cafe-welt.nt"
    whole = httpx.get(iri)
    head = httpx.head(iri)
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(whole.content))
    assert head.headers["etag"] == whole.headers["etag"]


def test_an_iri_without_a_description_is_still_404_in_the_asked_format(served) -> None:  # type: ignore[no-untyped-def]
    server, _dist, _iris, _live, _precomputed = served
    response = httpx.get(f"{server.base}id/measure/gibt-es-nicht", headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    assert response.text.startswith("# no resource <")


def test_the_page_of_a_resource_is_still_rendered_in_the_readers_language(served) -> None:  # type: ignore[no-untyped-def]
    server, _dist, _iris, _live, _precomputed = served
    page = httpx.get(f"{server.base}id/measure/cafe-welt", headers={"Accept": "text/html", "Accept-Language": "en"})
    assert page.status_code == 200
    assert page.headers["content-language"] == "en"
    assert {"Accept", "Accept-Language"} <= {v.strip() for v in page.headers["vary"].split(",")}
