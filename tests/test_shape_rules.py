"""Each rule of the shapes, with a small valid fixture and one small invalid change to it.

Every case is checked with both engines: the fast SPARQL engine must report the same resources as
pySHACL, the reference implementation.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ikg.builder.pipeline import check

from conftest import BASE, FIXTURES, ROOT

MINIMAL = (FIXTURES / "minimal.trig").read_text(encoding="utf-8")
M = f"{BASE}id/measure/t-massnahme"

# (id, line in the minimal fixture, replacement, resource at fault, property, words of the English message)
CASES = [
    (
        "source-missing",
        "        dct:source <https://example.org/t/massnahme> .",
        '        rdfs:comment "ohne Quelle" .',
        M,
        "dct:source",
        "source (dct:source) is missing",
    ),
    (
        "source-not-an-address",
        "        dct:source <https://example.org/t/massnahme> .",
        '        dct:source "https://example.org/t/massnahme" .',
        M,
        "dct:source",
        "source (dct:source) is missing",
    ),
    (
        "source-not-a-web-address",
        "        dct:source <https://example.org/t/massnahme> .",
        "        dct:source <https://example.org/t/massnahme> , <data:text/html,x> .",
        M,
        "dct:source",
        "not a web address",
    ),
    (
        "homepage-not-a-web-address",
        "        dct:source <https://example.org/t/verein> .",
        "        foaf:homepage <javascript:alert(1)> ;\n        dct:source <https://example.org/t/verein> .",
        f"{BASE}id/organisation/t-verein",
        "foaf:homepage",
        "not a web address",
    ),
    (
        "german-label-missing",
        '        skos:prefLabel "Testmaßnahme"@de , "Test measure"@en ;',
        '        skos:prefLabel "Test measure"@en ;',
        M,
        "skos:prefLabel",
        "German label",
    ),
    (
        "label-empty",
        '        skos:prefLabel "Testmaßnahme"@de , "Test measure"@en ;',
        '        skos:prefLabel " "@de , "Test measure"@en ;',
        M,
        "skos:prefLabel",
        "empty or contains control characters",
    ),
    (
        "label-with-control-characters",
        '        skos:prefLabel "Testmaßnahme"@de , "Test measure"@en ;',
        '        skos:prefLabel "Test\\u0007maß\\nnahme"@de , "Test measure"@en ;',
        M,
        "skos:prefLabel",
        "empty or contains control characters",
    ),
    (
        "label-without-language",
        '        skos:prefLabel "Testmaßnahme"@de , "Test measure"@en ;',
        '        skos:prefLabel "Testmaßnahme"@de , "Test measure" ;',
        M,
        "skos:prefLabel",
        "needs a language tag",
    ),
    (
        "two-labels-in-one-language",
        '        skos:prefLabel "Testmaßnahme"@de , "Test measure"@en ;',
        '        skos:prefLabel "Testmaßnahme"@de , "Noch eine"@de , "Test measure"@en ;',
        M,
        "skos:prefLabel",
        "more than one label in the same language",
    ),
    (
        "slug-not-lower-case",
        "    m:t-massnahme a ikg:Measure ;",
        "    m:T_Massnahme a ikg:Measure ;",
        f"{BASE}id/measure/T_Massnahme",
        None,
        "not of the form",
    ),
    (
        "dangling-link",
        "        ikg:partner o:t-verein ;",
        "        ikg:partner o:t-gibt-es-nicht ;",
        M,
        "ikg:partner",
        "dangling link",
    ),
    (
        "operator-not-an-organisation",
        "        ikg:operator o:t-stadt ;",
        "        ikg:operator p:t-programm ;",
        M,
        "ikg:operator",
        "operator is not an organisation",
    ),
    (
        "partner-not-an-organisation",
        "        ikg:partner o:t-verein ;",
        "        ikg:partner place:t-ort ;",
        M,
        "ikg:partner",
        "partner is not an organisation",
    ),
    (
        "goal-link-to-a-non-goal",
        "        ikg:servesGoal goal:t-ziel , goal:t-leitziel ;",
        "        ikg:servesGoal hf:t-feld ;",
        M,
        "ikg:servesGoal",
        "not a goal of the integration concept",
    ),
    (
        "action-field-link-to-a-non-field",
        "        ikg:actionField hf:t-feld ;",
        "        ikg:actionField goal:t-ziel ;",
        M,
        "ikg:actionField",
        "not an action field",
    ),
    (
        "funding-link-to-a-non-programme",
        "        schema:funder p:t-programm ;",
        "        schema:funder o:t-stadt ;",
        M,
        "schema:funder",
        "does not point to a funding programme",
    ),
    (
        "grant-without-funder",
        "        schema:funding [ a schema:MonetaryGrant ; schema:funder o:t-verein ;",
        "        schema:funding [ a schema:MonetaryGrant ;",
        M,
        "schema:funding/schema:funder",
        "funder (schema:funder) is missing",
    ),
    (
        "amount-without-currency",
        '            schema:amount [ a schema:MonetaryAmount ; schema:value 1000 ; schema:currency "EUR" ] ] ;',
        "            schema:amount [ a schema:MonetaryAmount ; schema:value 1000 ] ] ;",
        M,
        "schema:funding/schema:amount/schema:currency",
        "currency is missing",
    ),
    (
        "audience-not-a-target-group",
        "        dct:audience tg:gefluechtete ;",
        "        dct:audience o:t-verein ;",
        M,
        "dct:audience",
        "not one of the code list",
    ),
    (
        "place-link-to-a-non-place",
        "        dct:spatial place:t-teilort ;",
        "        dct:spatial o:t-stadt ;",
        M,
        "dct:spatial",
        "not a place of the graph",
    ),
    (
        "period-ends-before-it-starts",
        'dcat:endDate "2021-06-30"^^xsd:date ]',
        'dcat:endDate "2019-12-31"^^xsd:date ]',
        M,
        "dct:temporal/dcat:endDate",
        "ends before it starts",
    ),
    (
        "period-without-dates",
        '        dct:temporal [ a dct:PeriodOfTime ; dcat:startDate "2020"^^xsd:gYear ; '
        'dcat:endDate "2021-06-30"^^xsd:date ] ;',
        "        dct:temporal [ a dct:PeriodOfTime ] ;",
        M,
        "dct:temporal/dcat:startDate|dcat:endDate",
        "neither a start",
    ),
    (
        "period-start-not-a-date",
        'dcat:startDate "2020"^^xsd:gYear',
        'dcat:startDate "2020"',
        M,
        "dct:temporal/dcat:startDate",
        "not a single year, month or day",
    ),
    (
        "date-not-a-date",
        '        dct:date "2024"^^xsd:gYear ;',
        '        dct:date "im Jahr 2024" ;',
        M,
        "dct:date",
        "not a year, month or day",
    ),
    (
        "goal-under-two-fields",
        "        skos:broader hf:t-feld ;",
        "        skos:broader hf:t-feld , hf:t-feld-zwei ;",
        f"{BASE}id/goal/t-ziel",
        "skos:broader",
        "not sit under exactly one action field",
    ),
    (
        "goal-under-no-field",
        "        skos:broader hf:t-feld ;",
        "",
        f"{BASE}id/goal/t-ziel",
        "skos:broader",
        "not sit under exactly one action field",
    ),
    (
        "overall-goal-under-a-field",
        '    goal:t-leitziel a ikg:OverallGoal ; skos:prefLabel "Testleitziel"@de ;',
        '    goal:t-leitziel a ikg:OverallGoal ; skos:prefLabel "Testleitziel"@de ; skos:broader hf:t-feld ;',
        f"{BASE}id/goal/t-leitziel",
        "skos:broader",
        "overall goal sits under no action field",
    ),
    (
        "action-field-outside-the-concept",
        "        skos:topConceptOf c:t-konzept ;",
        "",
        f"{BASE}id/action-field/t-feld-zwei",
        "skos:topConceptOf",
        "belongs to no integration concept",
    ),
    (
        "concept-without-title",
        '        dct:title "Testkonzept"@de ;',
        "",
        f"{BASE}id/concept/t-konzept",
        "dct:title",
        "title (dct:title)",
    ),
    (
        "organisation-link-to-a-non-organisation",
        "        org:subOrganizationOf o:t-stadt ;",
        "        org:subOrganizationOf place:t-ort ;",
        f"{BASE}id/organisation/t-verein",
        None,
        "not an organisation",
    ),
    (
        "programme-funder-not-an-organisation",
        "        schema:funder o:t-verein ;",
        "        schema:funder place:t-ort ;",
        f"{BASE}id/programme/t-programm",
        "schema:funder",
        "funder is neither an organisation",
    ),
    (
        "programme-with-two-local-uses",
        "        ikg:localUse use:belegt ;",
        "        ikg:localUse use:belegt , use:kein-beleg ;",
        f"{BASE}id/programme/t-programm",
        "ikg:localUse",
        "at most one statement of local use",
    ),
    (
        "place-inside-a-non-place",
        "        schema:containedInPlace place:t-ort ;",
        "        schema:containedInPlace o:t-stadt ;",
        f"{BASE}id/place/t-teilort",
        "schema:containedInPlace",
        "not a place of the graph",
    ),
    (
        "reference-without-citation",
        '        dct:bibliographicCitation "example.org …/artikel-1" .',
        '        rdfs:comment "x" .',
        f"{BASE}source/t-kurzbeleg",
        "dct:bibliographicCitation",
        "short citation",
    ),
]


def _validate(text: str, tmp_path: Path, engine: str = "sparql"):  # type: ignore[no-untyped-def]
    path = tmp_path / "fixture.trig"
    path.write_text(text, encoding="utf-8")
    _loaded, problems = check(ROOT, engine, [path], alone=True)  # type: ignore[arg-type]
    return problems


def _mutated(old: str, new: str) -> str:
    assert MINIMAL.count(old) == 1, f"the fixture line to change must be unique: {old!r}"
    return MINIMAL.replace(old, new)


def test_minimal_fixture_is_valid(tmp_path: Path) -> None:
    assert _validate(MINIMAL, tmp_path) == []


@pytest.mark.parametrize(("old", "new", "resource", "prop", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule_reports_the_resource_property_and_reason(
    tmp_path: Path, old: str, new: str, resource: str, prop: str | None, words: str
) -> None:
    problems = _validate(_mutated(old, new), tmp_path)
    matching = [p for p in problems if p.resource == resource and words in p.text("en")]
    assert matching, "\n".join(p.render("en") for p in problems) or "no problem reported"
    if prop is not None:
        assert prop in {p.property for p in matching}
    assert all(p.severity == "violation" for p in matching)


@pytest.mark.parametrize(("old", "new"), [c[1:3] for c in CASES], ids=[c[0] for c in CASES])
def test_sparql_engine_finds_what_pyshacl_finds(tmp_path: Path, old: str, new: str) -> None:
    text = _mutated(old, new)
    fast = {p.resource for p in _validate(text, tmp_path, "sparql")}
    reference = {p.resource for p in _validate(text, tmp_path, "pyshacl")}
    assert fast == reference
    assert fast, "the invalid fixture must be reported by both engines"


def test_statements_outside_a_named_graph_are_refused(tmp_path: Path) -> None:
    problems = _validate(MINIMAL + "\nm:t-frei a ikg:Measure .\n", tmp_path)
    assert any("outside a named graph" in p.text("en") for p in problems)
