"""`ikg assets`: front-end packages fetched from a registry, checked against their pinned hash, never trusted blind.

A real HTTP server on a free port plays the registry, serving tarballs shaped like npm's.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ikg.web.web_assets import PINNED, AssetError, VendorPackage, fetch_all, installed

from conftest import run_ikg

FILES = {"LICENSE": "MIT License\n", "lib/editor.js": "window.Editor = {};\n", "lib/extra.js": "unused\n"}


def _tarball(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def _package(integrity: str, files: tuple[str, ...] = ("LICENSE", "lib/editor.js")) -> VendorPackage:
    return VendorPackage("editor", "1.0.0", integrity, "MIT", files)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[tuple[str, bytes]]:
    """A registry on a free port serving editor-1.0.0.tgz the way npm lays tarballs out."""
    data = _tarball(FILES)
    folder = tmp_path / "registry" / "editor" / "-"
    folder.mkdir(parents=True)
    (folder / "editor-1.0.0.tgz").write_bytes(data)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(tmp_path / "registry")))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", data
    httpd.shutdown()
    httpd.server_close()


def test_fetch_unpacks_only_the_listed_files_and_the_licence(tmp_path: Path, registry) -> None:  # type: ignore[no-untyped-def]
    url, data = registry
    fetched = fetch_all(tmp_path, (_package(_integrity(data)),), registry=url)
    assert fetched == ["editor 1.0.0"]
    folder = tmp_path / "vendor" / "editor"
    assert (folder / "lib" / "editor.js").read_text() == "window.Editor = {};\n"
    assert (folder / "LICENSE").exists()
    assert not (folder / "lib" / "extra.js").exists()


def test_fetch_records_where_each_package_came_from(tmp_path: Path, registry) -> None:  # type: ignore[no-untyped-def]
    url, data = registry
    fetch_all(tmp_path, (_package(_integrity(data)),), registry=url)
    receipt = json.loads((tmp_path / "vendor" / "editor" / "ikg-vendor.json").read_text())
    assert receipt["version"] == "1.0.0"
    assert receipt["licence"] == "MIT"
    assert receipt["integrity"] == _integrity(data)


def test_a_second_fetch_downloads_nothing(tmp_path: Path, registry) -> None:  # type: ignore[no-untyped-def]
    url, data = registry
    packages = (_package(_integrity(data)),)
    fetch_all(tmp_path, packages, registry=url)
    assert installed(tmp_path, packages)
    assert fetch_all(tmp_path, packages, registry=url) == []


def test_a_tarball_that_does_not_match_its_hash_is_refused(tmp_path: Path, registry) -> None:  # type: ignore[no-untyped-def]
    url, _data = registry
    tampered = _package(_integrity(b"what the registry published"))
    with pytest.raises(AssetError, match="does not match its pinned sha512 hash"):
        fetch_all(tmp_path, (tampered,), registry=url)
    assert not (tmp_path / "vendor" / "editor").exists()


def test_a_file_missing_from_the_package_is_named(tmp_path: Path, registry) -> None:  # type: ignore[no-untyped-def]
    url, data = registry
    with pytest.raises(AssetError, match=r"has no file lib/missing\.js"):
        fetch_all(tmp_path, (_package(_integrity(data), ("lib/missing.js",)),), registry=url)
    assert not (tmp_path / "vendor" / "editor").exists()


def test_an_unreachable_registry_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(AssetError, match=r"cannot download editor 1\.0\.0 from http://127\.0\.0\.1:9/"):
        fetch_all(tmp_path, (_package("sha512-x"),), registry="http://127.0.0.1:9")


def test_pinned_packages_come_from_npm_with_a_licence_and_a_sha512_hash() -> None:
    for package in PINNED:
        assert package.tarball.startswith("https://registry.npmjs.org/")
        assert package.integrity.startswith("sha512-")
        assert package.licence
        assert "LICENSE" in package.files


def test_the_command_reports_a_dead_registry_and_fails(tmp_path: Path) -> None:
    result = run_ikg("assets", "--root", str(tmp_path), "--registry", "http://127.0.0.1:9")
    assert result.returncode == 1
    assert "ikg assets: cannot download codemirror" in result.stderr
