"""Beyond the measures, what the dossier holds: earlier reports, governance bodies, council decisions (issue 14, 7)."""

from __future__ import annotations

import httpx
import pyoxigraph as ox
import pytest
from graph_queries import ask as _ask
from graph_queries import checked, graph_without_violations
from graph_queries import values as _values

from ikg.builder import editions

from conftest import BASE

ADDITIONS = ("graph/reports.trig", "graph/governance.trig", "graph/decisions.trig")
PREFIXES = f"""
PREFIX ikg: <{BASE}def/ikg#>
PREFIX g: <{BASE}graph/>
PREFIX o: <{BASE}id/organisation/>
PREFIX hf: <{BASE}id/action-field/>
PREFIX goal: <{BASE}id/goal/>
PREFIX c: <{BASE}id/concept/>
PREFIX report: <{BASE}id/report/>
PREFIX decision: <{BASE}id/decision/>
PREFIX doc: <{BASE}id/document/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <http://schema.org/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""
EARLIER_REPORTS = (
    "sachstandsbericht-fluechtlinge-2015-06",
    "sachstandsbericht-fluechtlinge-2015-11",
    "fluechtlingsbericht-2017-03",
    "umsetzungsbericht-2019",
    "kim-berichte-2022",
    "demografiebericht",
    "jsl-geschaeftsbericht-2020",
)
NEW_BODIES = (
    "steuerungsgruppe-integration",
    "koordinierungsgruppe-integration",
    "steuerungsgruppe-fuer-fluechtlingsfragen",
)
AMENDMENT_MANDATES = {
    "ratsauftrag-jaehrlicher-statusbericht",
    "ratsauftrag-priorisierung-und-zeitplan",
    "ratsauftrag-erreichbarkeit-der-angebote",
    "hf-a-sprachmittler",
    "hf-e-mimi-neustart",
    "hf-e-versorgung-traumatisierter-gefluechteter",
}


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return graph_without_violations()


def test_the_additions_raise_no_problem_in_shapes_or_reasons() -> None:
    _store, problems = checked()
    assert [p.render("en") for p in problems if p.file in ADDITIONS] == []


def test_the_seven_earlier_reports_of_dossier_s2_2_are_sourced_reports(store: ox.Store) -> None:
    found = _values(
        store,
        "SELECT ?r WHERE { GRAPH g:reports { ?r a schema:Report ; dct:source ?s } "
        'FILTER(REGEX(STR(?s), "^https?://")) }',
    )
    assert found == {f"{BASE}id/report/{slug}" for slug in EARLIER_REPORTS}


def test_the_2019_umsetzungsbericht_finds_need_for_action_in_c_d_and_h_dossier_s2_2_row_4(store: ox.Store) -> None:
    fields = _values(
        store, "SELECT ?f WHERE { GRAPH g:reports { report:umsetzungsbericht-2019 ikg:needForAction ?f } }"
    )
    assert fields == {
        f"{BASE}id/action-field/qualifizierung-ausbildung-arbeit",
        f"{BASE}id/action-field/wohnen-und-unterbringung",
        f"{BASE}id/action-field/altern-in-der-migrationsgesellschaft",
    }


def test_the_2019_finding_is_sourced_to_the_press_release_that_states_it_dossier_s1_3(store: ox.Store) -> None:
    assert _ask(
        store,
        "ASK { GRAPH g:reports { [] a rdf:Statement ; rdf:subject report:umsetzungsbericht-2019 ; "
        "rdf:predicate ikg:needForAction ; "
        "dct:source <https://www.leverkusen.com/presse/db/presse.php?view=00043302> } }",
    )


def test_no_earlier_report_of_dossier_s2_2_is_a_status_report_edition(store: ox.Store) -> None:
    assert [(e.report, e.stem, e.year) for e in editions.find(store)] == [
        (f"{BASE}id/report/statusbericht-2024", "report-2024", "2024")
    ]


def test_the_three_missing_bodies_of_dossier_s1_2_are_sourced_organisations(store: ox.Store) -> None:
    found = _values(
        store, "SELECT ?o WHERE { GRAPH g:organisations { ?o a org:Organization ; skos:prefLabel ?l ; dct:source ?s } }"
    )
    assert {f"{BASE}id/organisation/{slug}" for slug in NEW_BODIES} <= found


def test_the_2016_17_groups_are_forerunners_of_todays_bodies_only_as_inferred_dossier_s1_2(store: ox.Store) -> None:
    pairs = store.query(
        PREFIXES + "SELECT ?from ?to ?g WHERE { GRAPH ?g { ?e a org:ChangeEvent ; org:originalOrganization ?from ; "
        "org:resultingOrganization ?to } }"
    )
    forerunners = (
        f"{BASE}id/organisation/steuerungsgruppe-integration",
        f"{BASE}id/organisation/koordinierungsgruppe-integration",
    )
    # Other successions (ministries, the Integrationsrat) are test_audit_organisations_places' business.
    found = {(r["from"].value, r["to"].value, r["g"].value) for r in pairs}  # type: ignore[index]
    assert {f for f in found if f[0] in forerunners} == {
        (
            f"{BASE}id/organisation/steuerungsgruppe-integration",
            f"{BASE}id/organisation/controlling-gruppe-integrationskonzept",
            f"{BASE}graph/inferred",
        ),
        (
            f"{BASE}id/organisation/koordinierungsgruppe-integration",
            f"{BASE}id/organisation/fachgruppe-integration",
            f"{BASE}graph/inferred",
        ),
    }


def test_each_succession_carries_the_dossiers_reason_dossier_s1_2(store: ox.Store) -> None:
    unexplained = _values(
        store,
        "SELECT ?o WHERE { GRAPH g:inferred { ?o dct:replaces ?x } "
        "VALUES ?o { o:steuerungsgruppe-integration o:koordinierungsgruppe-integration "
        "o:controlling-gruppe-integrationskonzept o:fachgruppe-integration } "
        "FILTER NOT EXISTS { GRAPH g:inferred { ?n rdf:subject ?o ; ikg:reason ?why } FILTER(LANG(?why) = 'en') } }",
    )
    assert unexplained == set()


def test_the_amendments_produced_the_six_council_mandates_dossier_s1_1_and_s1_4(store: ox.Store) -> None:
    mandates = _values(
        store,
        "SELECT ?goal WHERE { GRAPH g:decisions { "
        "decision:aenderungsantraege-integrationskonzept-2017 prov:generated ?goal } }",
    )
    assert mandates == {f"{BASE}id/goal/{slug}" for slug in AMENDMENT_MANDATES}


def test_the_date_of_the_amendments_is_only_uncertain_dossier_gap_3(store: ox.Store) -> None:
    dates = store.query(
        PREFIXES
        + "SELECT ?g ?d WHERE { GRAPH ?g { decision:aenderungsantraege-integrationskonzept-2017 dct:date ?d } }"
    )
    assert {(r["g"].value, r["d"].value) for r in dates} == {(f"{BASE}graph/uncertain", "2017-12")}  # type: ignore[index]


def test_the_council_adopted_the_2017_concept_on_vorlage_2017_1900_dossier_s1_1(store: ox.Store) -> None:
    assert _ask(
        store,
        "ASK { GRAPH g:decisions { decision:integrationskonzept-2017 prov:used ?v ; "
        "prov:generated c:integrationskonzept-2017 ; "
        'dct:date "2017-12"^^<http://www.w3.org/2001/XMLSchema#gYearMonth> . '
        '?v schema:legislationIdentifier "2017/1900" } }',
    )


def test_the_kim_decision_of_13_12_2021_produced_the_kim_goal_only_in_the_editors_reading_dossier_s3_row_5(
    store: ox.Store,
) -> None:
    graphs = _values(
        store,
        "SELECT ?g WHERE { GRAPH ?g { "
        "decision:kommunales-integrationsmanagement-2021 prov:generated goal:kim-integrationskette } }",
    )
    assert graphs == {f"{BASE}graph/editorial"}


def test_every_council_decision_was_taken_by_the_council_dossier_s1_1(store: ox.Store) -> None:
    decisions = _values(store, "SELECT ?d WHERE { ?d a ikg:Decision }")
    by_council = _values(
        store,
        "SELECT ?d WHERE { GRAPH g:decisions { "
        "?d a ikg:Decision ; prov:wasAssociatedWith o:rat-der-stadt-leverkusen } }",
    )
    assert len(decisions) == 6
    assert decisions == by_council


def test_the_new_resources_dereference_as_pages_with_their_german_names(server) -> None:  # type: ignore[no-untyped-def]
    expected = {
        "id/report/umsetzungsbericht-2019": "1. Umsetzungsbericht Integrationskonzept",
        "id/organisation/steuerungsgruppe-fuer-fluechtlingsfragen": "Steuerungsgruppe für Flüchtlingsfragen",
        "id/decision/aenderungsantraege-integrationskonzept-2017": "Ergänzende Ratsbeschlüsse zum Integrationskonzept",
        "id/document/vorlage-2017-1900": "Integrationskonzept Stadt Leverkusen",
    }
    for path, name in expected.items():
        response = httpx.get(server.base + path, headers={"Accept": "text/html"}, timeout=60)
        assert (path, response.status_code, name in response.text) == (path, 200, True)


def test_home_and_concept_pages_still_answer_with_the_additions(server) -> None:  # type: ignore[no-untyped-def]
    codes = {
        path: httpx.get(server.base + path, headers={"Accept": "text/html"}, timeout=60).status_code
        for path in ("", "concept", "compare")
    }
    assert codes == {"": 200, "concept": 200, "compare": 200}
