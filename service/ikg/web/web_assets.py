"""Third-party front-end packages: pinned here, fetched from the npm registry at setup time, served by ikg.

They are not copied into the repository. `ikg assets` downloads each pinned tarball, checks it against the
integrity hash the registry published for it, and unpacks only the listed files and the licence into
ROOT/vendor/NAME/. Pages work without them (the query editor falls back to a plain text area), so a server
set up offline still serves everything.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REGISTRY = "https://registry.npmjs.org"


@dataclass(frozen=True)
class VendorPackage:
    name: str
    version: str
    integrity: str  # the registry's dist.integrity (Subresource Integrity form, sha512)
    licence: str
    files: tuple[str, ...]  # paths inside the package, "package/" left off

    @property
    def tarball(self) -> str:
        return f"{REGISTRY}/{self.name}/-/{self.name}-{self.version}.tgz"


PINNED = (
    VendorPackage(
        name="codemirror",
        version="5.65.20",
        integrity="sha512-i5dLDDxwkFCbhjvL2pNjShsojoL3XHyDwsGv1jqETUoW+lzpBKKqNTUWgQwVAOa0tUm4BwekT455ujafi8payA==",
        licence="MIT",
        files=(
            "LICENSE",
            "lib/codemirror.js",
            "lib/codemirror.css",
            "mode/sparql/sparql.js",
            "addon/edit/matchbrackets.js",
        ),
    ),
)
RECEIPT = "ikg-vendor.json"


class AssetError(Exception):
    """A package could not be fetched or did not match its pinned hash."""


def vendor_folder(root: Path) -> Path:
    return root / "vendor"


def installed(root: Path, packages: tuple[VendorPackage, ...] = PINNED) -> bool:
    """True when every pinned package is unpacked at its pinned version."""
    return all(_receipt(vendor_folder(root) / p.name) == _receipt_for(p) for p in packages)


def fetch_all(root: Path, packages: tuple[VendorPackage, ...] = PINNED, registry: str | None = None) -> list[str]:
    """Fetch and unpack every package not yet installed; the names of those fetched."""
    fetched = []
    for package in packages:
        target = vendor_folder(root) / package.name
        if _receipt(target) == _receipt_for(package):
            continue
        tarball = package.tarball if registry is None else package.tarball.replace(REGISTRY, registry.rstrip("/"))
        _unpack(package, _download(tarball, package), target)
        fetched.append(f"{package.name} {package.version}")
    return fetched


def _download(url: str, package: VendorPackage) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=60) as answer:  # noqa: S310 (the URL is pinned above, https)
            data: bytes = answer.read()
    except OSError as problem:
        raise AssetError(f"cannot download {package.name} {package.version} from {url}: {problem}") from problem
    algorithm, _, expected = package.integrity.partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode("ascii")
    if actual != expected:
        raise AssetError(
            f"{package.name} {package.version} from {url} does not match its pinned {algorithm} hash; "
            "refusing to install it"
        )
    return data


def _unpack(package: VendorPackage, data: bytes, target: Path) -> None:
    """Unpack the listed files beside `target`, then swap them in, so a failure leaves the old files whole."""
    staging = target.with_name(f".{target.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for relative in package.files:
                destination = staging / relative
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(_member(archive, package, relative))
        (staging / RECEIPT).write_text(json.dumps(_receipt_for(package), indent=2) + "\n", encoding="utf-8")
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _member(archive: tarfile.TarFile, package: VendorPackage, relative: str) -> bytes:
    try:
        member = archive.extractfile(f"package/{relative}")
    except KeyError:
        member = None
    if member is None:
        raise AssetError(f"{package.name} {package.version} has no file {relative}")
    return member.read()


def _receipt_for(package: VendorPackage) -> dict[str, object]:
    return {
        "name": package.name,
        "version": package.version,
        "licence": package.licence,
        "source": package.tarball,
        "integrity": package.integrity,
        "files": list(package.files),
    }


def _receipt(folder: Path) -> dict[str, object] | None:
    try:
        return json.loads((folder / RECEIPT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
