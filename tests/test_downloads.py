"""The downloads: every dump listed with size, checksum and licence, served as a file, nothing else."""

from __future__ import annotations

import gzip
import hashlib

import httpx
import pytest


def _listing(server) -> dict:  # type: ignore[no-untyped-def]
    return httpx.get(server.base + "downloads", headers={"Accept": "application/json"}).json()


def test_every_dump_is_listed_with_size_checksum_and_licence(server) -> None:  # type: ignore[no-untyped-def]
    listing = _listing(server)
    assert {d["format"] for d in listing["dumps"]} == {"turtle", "trig", "nquads", "ntriples", "jsonld", "rdfxml"}
    assert listing["licence"]["iri"] == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
    assert listing["licence"]["confirmed_by_publisher"] is False


@pytest.mark.parametrize("index", range(6))
def test_served_file_matches_its_listed_size_and_checksum(server, index: int) -> None:  # type: ignore[no-untyped-def]
    dump = _listing(server)["dumps"][index]
    response = httpx.get(dump["url"])
    assert response.headers["content-type"] == "application/gzip"
    assert response.headers["content-disposition"] == f'attachment; filename="{dump["file"]}"'
    assert len(response.content) == dump["bytes"]
    assert hashlib.sha256(response.content).hexdigest() == dump["sha256"]
    assert gzip.decompress(response.content)


def test_downloads_page_for_people(server) -> None:  # type: ignore[no-untyped-def]
    text = httpx.get(server.base + "downloads", headers={"Accept": "text/html"}).text
    assert "<h1>Downloads</h1>" in text
    assert "Datenlizenz Deutschland – Namensnennung – Version 2.0" in text
    assert "noch zu bestätigen" in text
    assert '<a href="downloads/ikg.ttl.gz">' in text


@pytest.mark.parametrize("name", ["manifest.json", "..%2Fpyproject.toml", "ikg.ttl.gz.sha256", "%2Fetc%2Fpasswd"])
def test_nothing_but_the_listed_dumps_is_served(server, name: str) -> None:  # type: ignore[no-untyped-def]
    assert httpx.get(server.base + "downloads/" + name).status_code == 404
