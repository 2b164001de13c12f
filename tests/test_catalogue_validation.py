"""The served catalogue against the official shapes: SEMIC DCAT-AP 3.0.0 with GovData's DCAT-AP.de 3.0 overlay,
and the DCAT-AP.de 2.0 shapes, combined as ../shared/dcat-ap-de/SOURCE.txt says. No sh:Violation allowed."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import httpx
import pytest
import rdflib
from pyshacl import validate

from conftest import FIXTURES, ROOT

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
SHARED = Path(os.environ.get("IKG_SHARED", ROOT.parent / "shared"))
DE_3_0 = [
    "dcat-ap/3.0.0/dcat-ap-SHACL.ttl",
    "dcat-ap-de/dcat-ap-SHACL-DE.ttl",
    "dcat-ap-de/dcat-ap-de-deprecated.ttl",
    "dcat-ap-de/dcat-ap-spec-german-additions.ttl",
]
# GovData's "v20_de_spec" profile; the Konventionen file is the separate "implr" profile, whose K12/13
# (contributorID) applies only to portals delivering to GovData directly, which ikg does not.
DE_2_0 = [
    "dcat-ap-de/2.0/dcat-ap_2.1.1_shacl_shapes.ttl",
    "dcat-ap-de/2.0/dcat-ap-spec-german-additions.ttl",
    "dcat-ap-de/2.0/dcat-ap-de-deprecated.ttl",
    "dcat-ap-de/2.0/dcat-ap-spec-german-messages.ttl",
]
CONTROLLED_VOCABULARIES = "dcat-ap-de/dcat-ap-de-controlledvocabularies.ttl"


def _shapes(files: list[str]) -> rdflib.Graph:
    if not SHARED.is_dir():
        pytest.fail(f"the official DCAT-AP shapes are not at {SHARED}; set IKG_SHARED to the shared folder")
    graph = rdflib.Graph()
    for name in files:
        graph.parse(SHARED / name, format="turtle")
    return graph


def _violations(server, shapes: list[str], profile: str, with_code_lists: bool = False) -> Counter:  # type: ignore[no-untyped-def]
    data = rdflib.Graph().parse(
        data=httpx.get(server.base + "catalog.ttl", params={"profile": profile}).text, format="turtle"
    )
    if with_code_lists:
        data.parse(FIXTURES / "dcat-code-lists.ttl", format="turtle")
    _conforms, report, _text = validate(data, shacl_graph=_shapes(shapes), inference="none", allow_warnings=True)
    found: Counter = Counter()
    for result in report.subjects(SH.resultSeverity, SH.Violation):
        found[(str(report.value(result, SH.resultPath)), str(report.value(result, SH.resultMessage)))] += 1
    return found


def test_no_violation_of_dcat_ap_3_0_0_with_the_dcat_ap_de_3_0_overlay(server) -> None:  # type: ignore[no-untyped-def]
    assert _violations(server, DE_3_0, "dcat-ap-de-3.0") == Counter()


def test_no_violation_of_the_dcat_ap_de_3_0_controlled_vocabularies(server) -> None:  # type: ignore[no-untyped-def]
    shapes = [*DE_3_0, CONTROLLED_VOCABULARIES]
    assert _violations(server, shapes, "dcat-ap-de-3.0", with_code_lists=True) == Counter()


def test_no_violation_of_dcat_ap_de_2_0_in_its_profile(server) -> None:  # type: ignore[no-untyped-def]
    assert _violations(server, DE_2_0, "dcat-ap-de-2.0", with_code_lists=True) == Counter()


def test_the_validation_finds_a_missing_licence(server) -> None:  # type: ignore[no-untyped-def]
    # The check itself must be able to fail: the same catalogue without one licence is a violation.
    data = rdflib.Graph().parse(data=httpx.get(server.base + "catalog.ttl").text, format="turtle")
    distribution = next(data.subjects(rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/dcat#Distribution")))
    data.remove((distribution, rdflib.DCTERMS.license, None))
    _conforms, report, _text = validate(data, shacl_graph=_shapes(DE_3_0), inference="none", allow_warnings=True)
    assert any(report.subjects(SH.resultSeverity, SH.Violation))
