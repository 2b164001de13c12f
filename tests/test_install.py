"""A plain install serves: `pip install .` without extras, as the README's first command does.

CI installs the test extras, which once hid a module that `ikg serve` imports (httpx) from every other
test; this one builds a fresh virtual environment with the runtime dependencies alone.
"""

from __future__ import annotations

import subprocess
import venv
from pathlib import Path

import httpx
import pytest

from conftest import ROOT
from server import serving


@pytest.fixture(scope="module")
def plain_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plain-install")
    venv.create(folder / "venv", with_pip=True)
    python = folder / "venv" / "bin" / "python"
    installed = subprocess.run(
        # --no-compile: what is installed is the same; byte-compiling every dependency ahead cost CI 7 s.
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-compile", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert installed.returncode == 0, installed.stderr
    return python


def test_a_plain_install_imports_nothing_from_the_test_extras(plain_python: Path) -> None:
    listed = subprocess.run(
        [str(plain_python), "-m", "pip", "list", "--format=freeze"], capture_output=True, text=True, check=True
    )
    names = {line.split("==")[0].lower() for line in listed.stdout.splitlines()}
    assert not names & {"pytest", "playwright", "oxigraph", "ruff", "mypy"}


def test_a_plain_install_builds_the_graph(plain_python: Path, tmp_path: Path) -> None:
    built = subprocess.run(
        [str(plain_python), "-m", "ikg", "build", "--root", str(ROOT), "--dist", str(tmp_path / "dist")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "dist" / "ikg.nq.gz").exists()


def test_a_plain_install_serves_health_and_a_query(plain_python: Path, tmp_path: Path) -> None:
    with serving(tmp_path, python=plain_python) as running:
        assert httpx.get(running.base + "health", timeout=30).status_code == 200
        answer = httpx.post(
            running.endpoint,
            data={"query": "ASK { ?s ?p ?o }"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        assert answer.status_code == 200
        assert answer.json()["boolean"] is True
    assert "Traceback" not in (tmp_path / "serve.log").read_text(errors="replace")
