"""The package type-checks: mypy with the project's own configuration ([tool.mypy] in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_the_package_type_checks() -> None:
    # No arguments: the files and options are the configuration's, as a developer's plain `mypy` runs them.
    checked = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
