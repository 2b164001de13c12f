"""The folders are the architecture, and they stay so: the import rules hold, and every package says what it
holds where a newcomer looks first (its `__init__` docstring and the README's map)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "service" / "ikg"
PACKAGES = sorted(p.parent for p in PACKAGE.rglob("__init__.py"))


def test_the_import_rules_hold() -> None:
    # No arguments: the contracts are the configuration's ([tool.importlinter] in pyproject.toml).
    linted = subprocess.run(
        [Path(sys.executable).parent / "lint-imports", "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert linted.returncode == 0, linted.stdout + linted.stderr


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_every_package_says_what_it_holds(package: Path) -> None:
    docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8")))
    assert len(docstring or "") > 80, f"{package} needs a docstring saying what it holds"


@pytest.mark.parametrize("package", PACKAGES[1:], ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_readme_maps_every_package(package: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`service/ikg/{package.relative_to(PACKAGE).as_posix()}/`" in readme
