"""The code is lint-clean and formatted: ruff with the project's own configuration ([tool.ruff] in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT

CHECKED = ["service", "tests", "benchmarks"]


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["check", "format"])
def test_ruff_finds_nothing(command: list[str]) -> None:
    ran = subprocess.run(
        [sys.executable, "-m", "ruff", *command, *CHECKED], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
