"""The synthetic benchmark data: seeded, shaped like the real graph, valid, and never in graph/."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ikg.builder.pipeline import check

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    first = generate.generate(160, tmp_path / "a", seed=7)
    second = generate.generate(160, tmp_path / "b", seed=7)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_generated_graph_is_valid(tmp_path: Path) -> None:
    generate.generate(80, tmp_path / "m80")
    _loaded, problems = check(ROOT, paths=[tmp_path / "m80"], alone=True)
    # Violations only: the generator writes no German descriptions, whose absence is a warning.
    assert [p.render("en") for p in problems if p.severity == "violation"] == []


def test_generated_city_is_shaped_like_the_real_one(tmp_path: Path) -> None:
    generate.generate(80, tmp_path / "m80")
    loaded, _problems = check(ROOT, paths=[tmp_path / "m80"], alone=True)
    ikg = "https://ikg.example/leverkusen/def/ikg#"

    def count(query: str) -> int:
        return int(next(iter(loaded.store.query(query, use_default_graph_as_union=True)))[0].value)

    assert count(f"SELECT (COUNT(?m) AS ?n) WHERE {{ ?m a <{ikg}Measure> }}") == 80
    assert count(f"SELECT (COUNT(?g) AS ?n) WHERE {{ ?g a <{ikg}Goal> }}") == 40
    assert count(f"SELECT (COUNT(?f) AS ?n) WHERE {{ ?f a <{ikg}ActionField> }}") == 8
    unserved = count(
        f"SELECT (COUNT(?g) AS ?n) WHERE {{ ?g a <{ikg}Goal> FILTER NOT EXISTS {{ ?m <{ikg}servesGoal> ?g }} }}"
    )
    assert 0 < unserved < 40


def test_generator_refuses_to_write_into_graph() -> None:
    with pytest.raises(SystemExit, match="refusing to write synthetic data into graph/"):
        generate.generate(80, ROOT / "graph" / "synthetic")
    assert not (ROOT / "graph" / "synthetic").exists()
