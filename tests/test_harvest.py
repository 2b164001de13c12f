"""A real harvest: ckanext-dcat's own RDF parser and DCAT-AP profile read the catalogue the way a CKAN portal's
harvester fetches it (no Accept header, parser from Content-Type), in a virtual environment of its own."""

from __future__ import annotations

import json
import subprocess

import pytest

from conftest import ROOT

HARVESTER = ROOT / ".venv-harvester" / "bin" / "python"


def _harvest(server, profile: str) -> dict:  # type: ignore[no-untyped-def]
    if not HARVESTER.exists():
        pytest.fail("the harvester is missing: run tests/install-harvester (the README's test command does)")
    done = subprocess.run(
        [str(HARVESTER), str(ROOT / "tests" / "harvest.py"), server.base + "catalog", profile],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module", params=["euro_dcat_ap_3", "euro_dcat_ap_2"])
def harvested(server, request) -> dict:  # type: ignore[no-untyped-def]
    return _harvest(server, request.param)


def test_the_harvester_is_served_rdf_xml(harvested) -> None:  # type: ignore[no-untyped-def]
    assert harvested["content_type"] == "application/rdf+xml"


def test_every_dataset_comes_out_with_its_title_and_identifier(harvested) -> None:  # type: ignore[no-untyped-def]
    identifiers = {d["identifier"] for d in harvested["datasets"]}
    assert {
        "leverkusen-integration-knowledge-graph",
        "leverkusen-integration-knowledge-graph-status-report-2024",
    } <= identifiers
    for dataset in harvested["datasets"]:
        assert dataset["title"]


def test_every_distribution_comes_out_with_url_format_and_licence(server, harvested) -> None:  # type: ignore[no-untyped-def]
    resources = [r for d in harvested["datasets"] for r in d["resources"]]
    assert len(resources) == 9
    for resource in resources:
        assert resource["url"].startswith(server.base), resource
        assert resource["format"], resource
        assert resource["license"] == "http://dcat-ap.de/def/licenses/dl-by-de/2.0", resource
