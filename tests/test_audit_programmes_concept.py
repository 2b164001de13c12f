"""Programmes, the concept and the 2024 report as the dossier gives them: each correction of the graph audit,
named by the dossier row or section it follows.

Rows of section 5 are the funding-programme table, rows of section 3 the measures table
(../shared/sources/leverkusen-dossier.md).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from graph_queries import ask as _ask
from graph_queries import graph_without_violations
from graph_queries import values as _values

from ikg.builder.pipeline import check

from conftest import BASE, FIXTURES, ROOT

MINIMAL = (FIXTURES / "minimal.trig").read_text(encoding="utf-8")
OVERALL_GOAL = '    goal:t-leitziel a ikg:OverallGoal ; skos:prefLabel "Testleitziel"@de ;'
OUR_FILES = ("programmes.trig", "concept.trig", "report-2024.trig")
SOURCED = ("programmes", "concept", "report-2024")
G = f"{BASE}graph/"
DOSSIER_ROW = f"{BASE}project/dossier#"
PREFIXES = (
    f"PREFIX ikg: <{BASE}def/ikg#> PREFIX m: <{BASE}id/measure/> PREFIX o: <{BASE}id/organisation/> "
    f"PREFIX p: <{BASE}id/programme/> PREFIX hf: <{BASE}id/action-field/> PREFIX goal: <{BASE}id/goal/> "
    f"PREFIX c: <{BASE}id/concept/> PREFIX report: <{BASE}id/report/> PREFIX g: <{G}> "
    f"PREFIX kind: <{BASE}def/goal-kind/> PREFIX q: <{BASE}def/value-qualifier/> "
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> PREFIX dct: <http://purl.org/dc/terms/> "
    "PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "PREFIX schema: <http://schema.org/> PREFIX prov: <http://www.w3.org/ns/prov#> "
    "PREFIX org: <http://www.w3.org/ns/org#> PREFIX bibo: <http://purl.org/ontology/bibo/> "
)


def _dossier() -> str:
    """The dossier's text, from the shared folder next to the checkout (main) or next to the worktrees."""
    candidates = [ROOT.parent / "shared", ROOT.parent.parent / "shared"]
    if "IKG_SHARED" in os.environ:
        candidates.insert(0, Path(os.environ["IKG_SHARED"]))
    for folder in candidates:
        path = folder / "sources" / "leverkusen-dossier.md"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise AssertionError(f"the dossier is in none of {candidates}; set IKG_SHARED to the shared folder")


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return graph_without_violations()


def _reasons(store: ox.Store, graph: str, subject: str, predicate: str) -> set[str]:
    """The English reasons of the notes on one statement of a marked graph, with the dossier anchors they cite."""
    return _values(
        store,
        f"SELECT ?reason WHERE {{ GRAPH g:{graph} {{ ?n a rdf:Statement ; rdf:subject {subject} ; "
        f"rdf:predicate {predicate} ; ikg:reason ?reason ; prov:wasDerivedFrom ?row . "
        f'FILTER(LANG(?reason) = "en" && STRSTARTS(STR(?row), "{DOSSIER_ROW}")) }} }}',
    )


def _validate(text: str, tmp_path: Path) -> list[str]:
    path = tmp_path / "fixture.trig"
    path.write_text(text, encoding="utf-8")
    _loaded, problems = check(ROOT, "sparql", [path], alone=True)
    # Violations only: a small fixture has no German descriptions, which is a warning, not the point here.
    return [p.render("en") for p in problems if p.severity == "violation"]


# --- funders and runners (B3, B4) ----------------------------------------------------------------------------


def test_mbe_is_funded_by_the_bmi_and_the_bamf_which_approves_is_no_funder_dossier_s5_row_18(store) -> None:
    assert _values(store, "SELECT ?f WHERE { p:migrationsberatung-erwachsene schema:funder ?f }") == {
        f"{BASE}id/organisation/bmi"
    }


def test_berufssprachkurse_are_run_by_the_bamf_and_no_funder_is_stated_dossier_s5_row_17(store) -> None:
    assert _ask(store, "ASK { GRAPH g:programmes { p:berufssprachkurse schema:provider o:bamf } }")
    assert not _ask(store, "ASK { p:berufssprachkurse schema:funder ?f }")


# --- amounts and grant years (B11, audit 6.2 item 8) ----------------------------------------------------------


def test_the_biwaq_amount_is_marked_approximate_with_the_dossiers_words_dossier_s3_row_41(store) -> None:
    assert _ask(
        store,
        "ASK { GRAPH g:measures { m:rheindorf-erleben schema:funding/schema:amount ?a . "
        "?a schema:value 1500000 ; ikg:valueQualifier q:ungefaehr ; ikg:valueAsGiven ?given "
        'FILTER(CONTAINS(?given, "~1.5 Mio")) } }',
    )


def test_the_komm_an_bound_is_marked_approximate_and_the_grant_runs_since_2016_dossier_s3_row_13_s5_row_3(
    store,
) -> None:
    assert _ask(
        store,
        "ASK { GRAPH g:measures { m:komm-an-kleinfoerderung schema:funding ?grant . "
        "?grant schema:amount [ schema:maxValue 60000 ; ikg:valueQualifier q:ungefaehr ] ; "
        'dct:temporal/dcat:startDate "2016"^^<http://www.w3.org/2001/XMLSchema#gYear> } }',
    )


def test_an_exact_amount_carries_no_qualifier_dossier_s3_row_14(store) -> None:
    assert _ask(store, "ASK { m:massnahmenpaket-weiterleitung schema:funding/schema:amount/schema:value 38000 }")
    assert not _ask(
        store,
        "ASK { m:massnahmenpaket-weiterleitung schema:funding/schema:amount ?a . "
        "?a schema:value 38000 ; ikg:valueQualifier ?q }",
    )


def test_the_grants_of_the_massnahmenpaket_carry_their_years_dossier_s3_row_14(store) -> None:
    rows = store.query(
        PREFIXES + "SELECT ?amount ?start ?end WHERE { GRAPH g:measures { m:massnahmenpaket-weiterleitung "
        "schema:funding [ schema:amount [ schema:maxValue|schema:value ?amount ] ; "
        "dct:temporal [ dcat:startDate ?start ; dcat:endDate ?end ] ] } }"
    )
    assert {(r["amount"].value, r["start"].value, r["end"].value) for r in rows} == {
        ("58000", "2024", "2024"),
        ("38000", "2025", "2025"),
    }


# --- programme relations (audit 6.2 item 12) -----------------------------------------------------------------


def test_the_servicestellen_are_part_of_the_integrationsagenturen_dossier_s5_row_7(store) -> None:
    assert _ask(
        store,
        "ASK { GRAPH g:programmes { p:servicestellen-antidiskriminierungsarbeit "
        "dct:isPartOf p:integrationsagenturen-nrw } }",
    )


def test_kim_builds_on_einwanderung_gestalten_nrw_dossier_s5_row_2(store) -> None:
    assert _ask(
        store,
        "ASK { GRAPH g:programmes { p:kommunales-integrationsmanagement "
        "prov:wasInfluencedBy p:einwanderung-gestalten-nrw . "
        'p:einwanderung-gestalten-nrw skos:prefLabel "Einwanderung gestalten NRW"@de } }',
    )


def test_fit_nach_vorn_replaces_willkommen_im_fussball_both_run_by_the_dkjs_dossier_s5_row_23(store) -> None:
    assert _ask(
        store,
        "ASK { GRAPH g:programmes { p:fit-nach-vorn dct:replaces p:willkommen-im-fussball ; "
        "dct:isPartOf p:willkommen-im-fussball-fit-nach-vorn ; schema:provider o:dkjs . "
        "p:willkommen-im-fussball dct:isPartOf p:willkommen-im-fussball-fit-nach-vorn ; schema:provider o:dkjs } }",
    )


def test_the_periods_of_the_two_football_programmes_are_those_the_dossier_states_dossier_s5_row_23(store) -> None:
    rows = store.query(
        PREFIXES
        + "SELECT ?p ?start ?end WHERE { GRAPH g:programmes { VALUES ?p { p:willkommen-im-fussball p:fit-nach-vorn } "
        "?p dct:temporal [ dcat:startDate ?start ; dcat:endDate ?end ] } }"
    )
    assert {(r["p"].value.rsplit("/", 1)[1], r["start"].value, r["end"].value) for r in rows} == {
        ("willkommen-im-fussball", "2015", "2021"),
        ("fit-nach-vorn", "2022", "2024"),
    }


def test_the_esf_plus_nrw_funds_fba_dossier_s5_row_13_row_14(store) -> None:
    assert _ask(store, "ASK { GRAPH g:programmes { p:fachberatung-anerkennung schema:funder p:esf-plus-nrw } }")


def test_the_laki_runs_the_laki_programmes_dossier_s5_row_15(store) -> None:
    assert _ask(store, "ASK { GRAPH g:programmes { p:laki-programme schema:provider o:laki } }")


def test_dosb_and_lsb_nrw_run_integration_durch_sport_dossier_s5_row_22(store) -> None:
    assert _values(
        store, "SELECT ?o WHERE { GRAPH g:programmes { p:integration-durch-sport schema:provider ?o } }"
    ) == {
        f"{BASE}id/organisation/dosb",
        f"{BASE}id/organisation/landessportbund-nrw",
    }


# --- German labels, goal kinds and goal membership (D1, D2, D3) ----------------------------------------------


@pytest.mark.parametrize("graph", SOURCED)
def test_german_labels_in_sourced_graphs_are_verbatim_from_the_dossier_dossier_s1_3_s1_4_s5(store, graph) -> None:
    text = re.sub(r"\s+", " ", _dossier()).lower()
    labels = _values(
        store,
        f"SELECT ?l WHERE {{ GRAPH g:{graph} {{ ?s skos:prefLabel|skos:altLabel|dct:title|dct:alternative ?l "
        'FILTER(LANG(?l) = "de") } }',
    )
    # Capitalising a label's first letter is the only liberty taken ("Gelingendes Zusammenleben in Vielfalt").
    assert sorted(label for label in labels if re.sub(r"\s+", " ", label).lower() not in text) == []


def test_composed_german_programme_titles_are_the_editors_dossier_s5_row_29_row_30(store) -> None:
    assert _values(store, "SELECT ?l WHERE { GRAPH g:editorial { p:amif skos:prefLabel ?l } }") == {
        "Asyl-, Migrations- und Integrationsfonds (AMIF) 2021–2027"
    }
    assert _values(
        store, "SELECT ?l WHERE { GRAPH g:editorial { p:haushalt-stadt-leverkusen skos:prefLabel ?l } }"
    ) == {"Eigene Haushaltsmittel der Stadt Leverkusen"}


def test_leitziel_as_the_kind_of_an_overall_goal_is_the_editors_classification_dossier_s1_4(store) -> None:
    leitziele = (
        "SELECT ?goal WHERE { GRAPH ?g { ?goal a ikg:OverallGoal ; dct:type kind:leitziel } FILTER(?g != g:editorial) }"
    )
    assert _values(store, leitziele) == set()
    assert _values(store, "SELECT ?goal WHERE { GRAPH g:editorial { ?goal dct:type kind:leitziel } }") == {
        f"{BASE}id/goal/{slug}"
        for slug in ("chancengleichheit", "zusammenleben-in-vielfalt", "gutes-zusammenleben-2009")
    }


def test_leitziel_3_of_field_b_keeps_its_sourced_kind_dossier_s1_4(store) -> None:
    assert _ask(store, "ASK { GRAPH g:concept { goal:hf-b-leitziel-3 dct:type kind:leitziel } }")


def test_the_ki_mission_and_the_kim_goal_are_no_goals_of_the_2017_concept_dossier_s1_4(store) -> None:
    assert not _ask(
        store,
        "ASK { VALUES ?goal { goal:ki-teilhabe-und-chancengleichheit goal:kim-integrationskette } "
        "?goal skos:inScheme ?c }",
    )


def test_the_ki_mission_and_the_kim_goal_stay_goals_of_their_body_and_programme_dossier_s1_4_s3_row_5(store) -> None:
    assert _ask(store, "ASK { o:kommunales-integrationszentrum org:purpose goal:ki-teilhabe-und-chancengleichheit }")
    assert _ask(store, "ASK { m:kommunales-integrationsmanagement ikg:servesGoal goal:kim-integrationskette }")


# --- reasons of marked statements (C2, C3) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "letter"),
    [
        ("qualifizierung-ausbildung-arbeit", "C"),
        ("wohnen-und-unterbringung", "D"),
        ("engagement-freizeit-kultur-sport", "F"),
        ("interkultureller-interreligioeser-dialog", "G"),
        ("altern-in-der-migrationsgesellschaft", "H"),
    ],
)
def test_each_inferred_letter_carries_the_dossiers_reason_dossier_s1_3(store, field: str, letter: str) -> None:
    reasons = _reasons(store, "inferred", f"hf:{field}", "skos:notation")
    assert any("[inferred from order]" in r and f"Letter {letter}" in r for r in reasons)


def test_the_reports_issue_month_is_inferred_with_the_dossiers_reason_dossier_s1_1_gap_1(store) -> None:
    assert any("[year inferred]" in r for r in _reasons(store, "inferred", "report:statusbericht-2024", "dct:issued"))


def test_third_such_report_is_an_uncertain_statement_with_its_reason_dossier_s2_1(store) -> None:
    assert _ask(store, "ASK { GRAPH g:uncertain { report:statusbericht-2024 schema:position 3 } }")
    reasons = _reasons(store, "uncertain", "report:statusbericht-2024", "schema:position")
    assert any("uncertain what the earlier two were" in r for r in reasons)


def test_the_2019_update_carries_its_reason_on_the_statement_dossier_s1_1(store) -> None:
    reasons = _reasons(store, "uncertain", "c:integrationskonzept-2017", "dct:modified")
    assert any("no separate 2019 concept document found" in r for r in reasons)


@pytest.mark.parametrize(
    ("programme", "row"), [("berufssprachkurse", "s5-row-17"), ("soziale-beratung-von-gefluechteten", "s5-row-8")]
)
def test_probable_local_use_carries_the_dossiers_reason_dossier_s5(store, programme: str, row: str) -> None:
    assert _ask(
        store,
        f"ASK {{ GRAPH g:uncertain {{ ?n rdf:subject p:{programme} ; rdf:predicate ikg:localUse ; ikg:reason ?r ; "
        f"prov:wasDerivedFrom <{DOSSIER_ROW}{row}> }} }}",
    )


def test_no_scope_note_carries_uncertainty_in_the_marked_graphs() -> None:
    loaded, _problems = check(ROOT)
    subjects = {
        q.subject.value
        for graph in ("uncertain", "inferred")
        for q in loaded.store.quads_for_pattern(
            None, ox.NamedNode("http://www.w3.org/2004/02/skos/core#scopeNote"), None, ox.NamedNode(f"{G}{graph}")
        )
    }
    assert {s for s in subjects if "/id/programme/" in s or "/id/concept/" in s or "/id/report/" in s} == set()


# --- report length (audit 6.2 item 9) ------------------------------------------------------------------------


def test_the_reports_length_uses_a_property_for_documents_not_books_dossier_s2_1(store) -> None:
    assert _ask(store, "ASK { GRAPH g:report-2024 { report:statusbericht-2024 bibo:numPages 74 } }")
    assert not _ask(store, "ASK { ?report schema:numberOfPages ?n }")


# --- the editors' cross-cutting concept ----------------------------------------------------------------------


def test_the_cross_cutting_concept_is_the_editors_and_outside_the_scheme_dossier_s3_legend(store) -> None:
    assert _values(
        store, "SELECT ?l WHERE { GRAPH g:editorial { hf:querschnitt a skos:Concept ; skos:prefLabel ?l } }"
    ) == {
        "Querschnitt / strukturell",
        "Cross-cutting / structural",
    }
    assert not _ask(
        store,
        "ASK { { hf:querschnitt a ikg:ActionField } UNION { hf:querschnitt skos:inScheme|skos:topConceptOf ?s } }",
    )
    assert not _ask(store, "ASK { GRAPH ?g { hf:querschnitt ?p ?o } FILTER(?g != g:editorial) }")


# --- shapes --------------------------------------------------------------------------------------------------


def test_an_overall_goal_of_a_body_needs_no_concept_scheme(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        OVERALL_GOAL + "\n        skos:inScheme c:t-konzept ;",
        OVERALL_GOAL,
    ).replace(
        "        org:subOrganizationOf o:t-stadt ;",
        "        org:subOrganizationOf o:t-stadt ; org:purpose goal:t-leitziel ;",
    )
    assert _validate(text, tmp_path) == []


def test_an_overall_goal_that_belongs_to_nothing_is_reported(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        OVERALL_GOAL + "\n        skos:inScheme c:t-konzept ;",
        OVERALL_GOAL,
    ).replace("        ikg:servesGoal goal:t-ziel , goal:t-leitziel ;", "        ikg:servesGoal goal:t-ziel ;")
    assert any("the goal belongs to nothing" in p for p in _validate(text, tmp_path))


def test_a_programme_may_be_funded_from_another_programme(tmp_path: Path) -> None:
    text = MINIMAL + (
        'g:programmes { p:t-teil a ikg:FundingProgramme ; skos:prefLabel "Teilprogramm"@de ; '
        "schema:funder p:t-programm ; dct:isPartOf p:t-programm ; dct:source <https://example.org/t/teil> . }\n"
    )
    assert _validate(text, tmp_path) == []


def test_a_programme_run_by_something_other_than_an_organisation_is_reported(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "        schema:funder o:t-verein ;\n        ikg:localUse",
        "        schema:provider place:t-ort ;\n        ikg:localUse",
    )
    assert any("the body that runs the programme" in p for p in _validate(text, tmp_path))


def test_a_grant_year_must_be_a_period(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "schema:funding [ a schema:MonetaryGrant ; schema:funder o:t-verein ;",
        'schema:funding [ a schema:MonetaryGrant ; schema:funder o:t-verein ; dct:temporal "2024" ;',
    )
    assert any("the grant's period (dct:temporal)" in p for p in _validate(text, tmp_path))
