"""`ikg serve` builds first exactly when dist/ is missing, older than the sources, or for another base."""

from __future__ import annotations

import os
import time
from pathlib import Path

from ikg.builder.pipeline import build
from ikg.serve import needs_build

BASE = "http://127.0.0.1:8123/"


def test_missing_dist_needs_a_build(project: Path) -> None:
    assert "no build yet" in (needs_build(project, project / "dist", BASE) or "")


def test_fresh_dist_for_the_same_base_needs_no_build(project: Path) -> None:
    build(project, project / "dist", BASE)
    assert needs_build(project, project / "dist", BASE) is None


def test_dist_for_another_base_needs_a_build(project: Path) -> None:
    build(project, project / "dist", BASE)
    assert "another base URL" in (needs_build(project, project / "dist", "http://127.0.0.1:9999/") or "")


def test_changed_source_needs_a_build(project: Path) -> None:
    build(project, project / "dist", BASE)
    later = time.time() + 5
    measures = project / "graph" / "measures.trig"
    os.utime(measures, (later, later))
    assert "measures.trig changed" in (needs_build(project, project / "dist", BASE) or "")
