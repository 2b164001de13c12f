"""The measures as the dossier gives them: each correction of the graph audit, named by the dossier row it follows.

Row numbers are those of the dossier's section 3 table (../shared/sources/leverkusen-dossier.md).
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from graph_queries import ask as _ask
from graph_queries import graph_without_violations
from graph_queries import values as _values

from ikg.builder.pipeline import check

from conftest import BASE, FIXTURES, ROOT

MINIMAL = (FIXTURES / "minimal.trig").read_text(encoding="utf-8")
DOSSIER = Path(os.environ.get("IKG_SHARED", ROOT.parent / "shared")) / "sources" / "leverkusen-dossier.md"
M = f"{BASE}id/measure/"
ORG = f"{BASE}id/organisation/"
P = f"{BASE}id/programme/"
IKG = f"{BASE}def/ikg#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
QUERSCHNITT = f"{BASE}id/action-field/querschnitt"
PREFIXES = (
    f"PREFIX ikg: <{IKG}> PREFIX m: <{M}> PREFIX o: <{ORG}> PREFIX p: <{P}> PREFIX rdf: <{RDF}> "
    "PREFIX dct: <http://purl.org/dc/terms/> PREFIX dcat: <http://www.w3.org/ns/dcat#> "
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX schema: <http://schema.org/> "
    "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> "
)


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return graph_without_violations()


def _validate(text: str, tmp_path: Path) -> list[str]:
    path = tmp_path / "fixture.trig"
    path.write_text(text, encoding="utf-8")
    _loaded, problems = check(ROOT, "sparql", [path], alone=True)
    # Violations only: a small fixture has no German descriptions, which is a warning, not the point here.
    return [p.render("en") for p in problems if p.severity == "violation"]


# --- shapes: what the sources do not state stays absent ----------------------------------------------


def test_a_measure_whose_sources_name_no_operator_is_valid(tmp_path: Path) -> None:
    assert _validate(MINIMAL.replace("        ikg:operator o:t-stadt ;\n", ""), tmp_path) == []


def test_a_documented_year_must_be_a_year_month_or_day(tmp_path: Path) -> None:
    text = MINIMAL.replace('        dct:date "2024"^^xsd:gYear ;', '        ikg:documentedIn "um 2024" ;')
    assert any("documented year (ikg:documentedIn)" in p for p in _validate(text, tmp_path))


def test_a_documented_year_as_xsd_gyear_is_valid(tmp_path: Path) -> None:
    text = MINIMAL.replace('        dct:date "2024"^^xsd:gYear ;', '        ikg:documentedIn "2024"^^xsd:gYear ;')
    assert _validate(text, tmp_path) == []


def test_a_measure_may_be_filed_under_a_cross_cutting_concept_outside_the_scheme(tmp_path: Path) -> None:
    text = MINIMAL.replace("        ikg:actionField hf:t-feld ;", "        ikg:actionField hf:t-quer ;") + (
        'g:editorial { hf:t-quer a skos:Concept ; skos:prefLabel "Querschnitt"@de ; '
        "dct:source <https://example.org/t/quer> . }\n"
    )
    assert _validate(text, tmp_path) == []


def test_a_measure_filed_under_an_organisation_is_reported(tmp_path: Path) -> None:
    text = MINIMAL.replace("        ikg:actionField hf:t-feld ;", "        ikg:actionField o:t-verein ;")
    assert any("not an action field" in p for p in _validate(text, tmp_path))


# --- roles: who runs a measure, as the dossier's operator column says ----------------------------------


def test_internationale_vorbereitungsklassen_are_run_by_the_schools_not_the_ki_dossier_s3_row_8(store) -> None:
    measure = "m:internationale-vorbereitungsklassen"
    assert not _ask(store, f"ASK {{ {measure} ikg:operator ?o }}")
    ki = "o:kommunales-integrationszentrum"
    assert _ask(store, f"ASK {{ GRAPH <{BASE}graph/measures> {{ {measure} ikg:partner {ki} }} }}")


def test_rucksack_groups_of_2011_are_funded_by_lions_club_not_the_laki_dossier_s3_row_26_s5_row_15(store) -> None:
    assert not _ask(store, "ASK { m:rucksack-und-griffbereit schema:funder ?programme }")
    assert _ask(
        store,
        f"ASK {{ GRAPH <{BASE}graph/measures> {{ m:rucksack-und-griffbereit schema:funding ?g . "
        "?g schema:funder o:lions-club-rhenania } }",
    )


def test_rucksack_operator_candidate_is_the_raa_and_only_uncertain_dossier_s3_row_26(store) -> None:
    graphs = _values(store, "SELECT ?g WHERE { GRAPH ?g { m:rucksack-und-griffbereit ikg:operator ?o } }")
    operators = _values(store, "SELECT ?o WHERE { m:rucksack-und-griffbereit ikg:operator ?o }")
    assert (graphs, operators) == ({f"{BASE}graph/uncertain"}, {f"{ORG}raa"})


def test_muslim_burial_field_was_suggested_by_the_integrationsrat_not_run_with_it_dossier_s3_row_31(store) -> None:
    assert not _ask(store, "ASK { m:muslimisches-grabfeld ikg:partner o:integrationsrat }")
    assert _ask(store, "ASK { m:muslimisches-grabfeld prov:wasInfluencedBy o:integrationsrat }")


def test_dkjs_runs_the_programme_and_is_no_local_partner_dossier_s3_row_60_s5_row_23(store) -> None:
    assert not _ask(store, "ASK { m:willkommen-im-fussball-fit-nach-vorn ikg:partner|ikg:operator o:dkjs }")


def test_komtum_is_run_by_dezernat_iii_its_fb_and_the_ki_with_bamf_dossier_s3_row_6(store) -> None:
    assert _values(store, "SELECT ?o WHERE { m:komtum ikg:operator ?o }") == {
        f"{ORG}dezernat-iii",
        f"{ORG}fb-buerger-und-integration",
        f"{ORG}kommunales-integrationszentrum",
    }
    assert _values(store, "SELECT ?o WHERE { m:komtum ikg:partner ?o }") == {f"{ORG}bamf"}


CO_OPERATORS = {
    2: ("statusbericht-bestandsaufnahme", {"kommunales-integrationszentrum", "controlling-gruppe-integrationskonzept"}),
    30: ("rat-der-religionen", {"rat-der-religionen", "stadt-leverkusen"}),
    34: ("leverkusener-modell", {"stadt-leverkusen", "caritasverband-leverkusen", "fluechtlingsrat-leverkusen"}),
    36: (
        "betreuungskonzept-gefluechtete-2015",
        {"stadt-leverkusen", "caritasverband-leverkusen", "fluechtlingsrat-leverkusen"},
    ),
    41: ("rheindorf-erleben", {"fb-soziales", "suchthilfe-ggmbh", "job-service-leverkusen", "hochschule-niederrhein"}),
    47: ("jugend-staerken-im-quartier", {"katholische-jugendagentur", "offene-jugendberufshilfe"}),
    57: (
        "weltfluechtlingstag",
        {
            "katholische-jugendagentur",
            "caritasverband-leverkusen",
            "awo-leverkusen",
            "fluechtlingsrat-leverkusen",
            "integrationsrat",
        },
    ),
    60: (
        "willkommen-im-fussball-fit-nach-vorn",
        {
            "stadt-leverkusen",
            "caritasverband-leverkusen",
            "bayer-04-leverkusen-fussball",
            "bv-bergisch-neukirchen",
            "ssv-luetzenkirchen",
        },
    ),
}


@pytest.mark.parametrize("row", sorted(CO_OPERATORS), ids=[f"dossier_s3_row_{r}" for r in sorted(CO_OPERATORS)])
def test_co_operators_the_dossier_lists_alike_are_all_sourced_operators(store, row: int) -> None:
    slug, expected = CO_OPERATORS[row]
    found = _values(store, f"SELECT ?o WHERE {{ GRAPH <{BASE}graph/measures> {{ m:{slug} ikg:operator ?o }} }}")
    assert found == {f"{ORG}{o}" for o in expected}


def test_the_partners_of_rheindorferleben_are_those_the_dossier_names_for_cooperation_dossier_s3_row_41(store) -> None:
    assert _values(store, "SELECT ?o WHERE { m:rheindorf-erleben ikg:partner ?o }") == {
        f"{ORG}{o}"
        for o in ("marokkanischer-moscheenverein", "wohnungsgesellschaft-leverkusen", "diakonisches-werk-leverkusen")
    } | {f"{ORG}jobcenter-agl"}


# --- dates: documented years are not running periods -------------------------------------------------


def _documented(store: ox.Store, slug: str, graph: str = "measures") -> set[str]:
    return _values(store, f"SELECT ?y WHERE {{ GRAPH <{BASE}graph/{graph}> {{ m:{slug} ikg:documentedIn ?y }} }}")


DOCUMENTED_YEARS = {
    5: ("kommunales-integrationsmanagement", {"2020", "2021", "2022"}),
    14: ("massnahmenpaket-weiterleitung", {"2024", "2025"}),
    34: ("leverkusener-modell", {"2000", "2002", "2016"}),
    45: ("deutschkurse-katholisches-bildungswerk", {"2015", "2016"}),
    50: ("awo-fluechtlingsarbeit", {"2015", "2016"}),
    58: ("integrationsrat-arbeitskreise-und-magazin-vielfalt", {"2009", "2012"}),
    66: ("einbuergerung-personalaufstockung", {"2023", "2024"}),
}


@pytest.mark.parametrize("row", sorted(DOCUMENTED_YEARS), ids=[f"dossier_s3_row_{r}" for r in sorted(DOCUMENTED_YEARS)])
def test_status_years_are_documented_years_not_a_running_period(store, row: int) -> None:
    slug, years = DOCUMENTED_YEARS[row]
    assert _documented(store, slug) == years
    assert not _ask(store, f"ASK {{ m:{slug} dct:temporal ?period }}")


def test_every_documented_year_is_typed_as_a_year_month_or_day(store) -> None:
    datatypes = {
        row[0].datatype.value
        for row in store.query(PREFIXES + "SELECT ?y WHERE { ?m ikg:documentedIn ?y }", use_default_graph_as_union=True)
    }
    assert datatypes <= {f"http://www.w3.org/2001/XMLSchema#{t}" for t in ("gYear", "gYearMonth", "date")}


def test_kita_schule_working_group_year_is_uncertain_like_its_council_decision_dossier_s3_row_25(store) -> None:
    slug = "arbeitsgruppe-integrationsprojekte-kita-schule"
    assert _documented(store, slug) == set()
    assert _documented(store, slug, "uncertain") == {"2017"}
    assert not _ask(store, f"ASK {{ m:{slug} dct:date ?d }}")


def test_dct_date_is_left_only_for_the_dates_of_events_and_editions_dossier_s3_rows_12_17_28(store) -> None:
    dated = _values(store, "SELECT ?m WHERE { ?m a ikg:Measure ; dct:date ?d }")
    assert dated == {f"{M}{s}" for s in ("ehrenamtstreffen-was-tun-bei-diskriminierung", "wegweiser-integration")} | {
        f"{M}integrationskonferenz"
    }


def test_the_conference_is_not_said_to_have_founded_migrami_dossier_s1_1_2007(store) -> None:
    assert not _ask(
        store, 'ASK { m:integrationskonferenz dct:description ?d FILTER(CONTAINS(LCASE(STR(?d)), "migrami")) }'
    )


# --- marks: every uncertain or inferred statement of a measure carries the dossier's reason ------------


def test_every_marked_statement_of_a_measure_has_its_reason_and_dossier_row(store) -> None:
    unexplained = store.query(
        PREFIXES
        + f"""SELECT ?s ?p WHERE {{
            VALUES ?g {{ <{BASE}graph/uncertain> <{BASE}graph/inferred> }}
            GRAPH ?g {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{M}")) }}
            FILTER NOT EXISTS {{ GRAPH ?g {{
                ?note a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; ikg:reason ?why ;
                      prov:wasDerivedFrom ?row .
                FILTER(LANG(?why) = "en" && STRSTARTS(STR(?row), "{BASE}project/dossier#"))
                OPTIONAL {{ ?note rdf:object ?only }}
                FILTER(!BOUND(?only) || ?only = ?o)
            }} }}
        }}"""
    )
    assert [(row["s"].value, row["p"].value) for row in unexplained] == []


def test_no_measure_keeps_its_uncertainty_in_a_scope_note(store) -> None:
    assert not _ask(store, "ASK { ?m a ikg:Measure ; skos:scopeNote ?note }")


def test_jugend_staerken_bruecken_operator_is_uncertain_with_the_dossiers_words_dossier_s3_row_48(store) -> None:
    slug = "m:jugend-staerken-bruecken-in-die-eigenstaendigkeit"
    assert not _ask(store, f"ASK {{ GRAPH <{BASE}graph/measures> {{ {slug} ikg:operator ?o }} }}")
    assert _ask(
        store,
        f"ASK {{ GRAPH <{BASE}graph/uncertain> {{ {slug} ikg:operator o:stadt-leverkusen . "
        f"?n rdf:subject {slug} ; rdf:predicate ikg:operator ; ikg:reason ?why "
        'FILTER(CONTAINS(STR(?why), "operator detail uncertain")) } }',
    )


@pytest.mark.parametrize(
    ("slug", "words"),
    [
        ("integration-durch-sport-vfl", "inferred from Stützpunktverein status"),
        ("servicestelle-antidiskriminierungsarbeit", "funding inferred from the programme"),
    ],
    ids=["dossier_s3_row_59", "dossier_s3_row_33"],
)
def test_inferred_funders_carry_the_dossiers_reason(store, slug: str, words: str) -> None:
    assert _ask(
        store,
        f"ASK {{ GRAPH <{BASE}graph/inferred> {{ m:{slug} schema:funder ?p . "
        f"?n rdf:subject m:{slug} ; rdf:predicate schema:funder ; rdf:object ?p ; ikg:reason ?why "
        f'FILTER(CONTAINS(STR(?why), "{words}")) }} }}',
    )


@pytest.mark.parametrize(
    ("slug", "words"),
    [
        ("integration-point", "start date is not recorded"),
        ("jugend-staerken-im-quartier", "No date is stated"),
        ("soziale-stadt-rheindorf-nord", "details of the programme are not verified"),
    ],
    ids=["dossier_s3_row_39", "dossier_s3_row_47", "dossier_s3_row_42"],
)
def test_what_the_sources_do_not_record_is_said_in_the_sourced_description(store, slug: str, words: str) -> None:
    assert _ask(
        store,
        f"ASK {{ GRAPH <{BASE}graph/measures> {{ m:{slug} dct:description ?d "
        f'FILTER(CONTAINS(STR(?d), "{words}")) }} }}',
    )


def test_anti_discrimination_officers_start_year_is_uncertain_dossier_s3_row_32(store) -> None:
    assert _documented(store, "antidiskriminierungsbeauftragte", "uncertain") == {"2023", "2024"}
    assert _documented(store, "antidiskriminierungsbeauftragte") == set()


# --- the editors' filing: currency, the cross-cutting concept, their own German titles ------------------


def test_every_measure_has_one_currency_and_only_in_the_editorial_graph(store) -> None:
    rows = store.query(PREFIXES + "SELECT ?m ?g WHERE { GRAPH ?g { ?m ikg:currency ?c } }")
    filed = [(row["m"].value, row["g"].value) for row in rows]
    assert {g for _, g in filed} == {f"{BASE}graph/editorial"}
    assert len(filed) == len({m for m, _ in filed}) == 66


HISTORICAL = {
    26: "rucksack-und-griffbereit",
    36: "betreuungskonzept-gefluechtete-2015",
    44: "caritas-fluechtlingsbetreuung-cafe-international",
    45: "deutschkurse-katholisches-bildungswerk",
    50: "awo-fluechtlingsarbeit",
    60: "willkommen-im-fussball-fit-nach-vorn",
}


@pytest.mark.parametrize("row", sorted(HISTORICAL), ids=[f"dossier_s3_row_{r}" for r in sorted(HISTORICAL)])
def test_items_of_2011_and_2015_or_that_ended_are_filed_as_historical(store, row: int) -> None:
    assert _ask(store, f"ASK {{ m:{HISTORICAL[row]} ikg:currency <{BASE}def/currency/historisch> }}")


def test_measures_documented_for_2024_are_filed_as_current_dossier_s3_rows_2_11_19(store) -> None:
    for slug in ("statusbericht-bestandsaufnahme", "sprechstunde-ehrenamt-und-integration", "einstieg-in"):
        assert _ask(store, f"ASK {{ m:{slug} ikg:currency <{BASE}def/currency/aktuell> }}")


CROSS_CUTTING = {
    1: "integrationskonzept-steuerung",
    2: "statusbericht-bestandsaufnahme",
    5: "kommunales-integrationsmanagement",
    16: "integrationsportal",
    17: "wegweiser-integration",
    18: "willkommensordner-und-uebersetzungen",
    29: "netzwerk-migrami",
    32: "antidiskriminierungsbeauftragte",
    33: "servicestelle-antidiskriminierungsarbeit",
    66: "einbuergerung-personalaufstockung",
}


def test_the_ten_measures_the_dossier_files_x_are_cross_cutting_in_the_editorial_graph_dossier_s3_field_x(
    store,
) -> None:
    filed = _values(
        store, f"SELECT ?m WHERE {{ GRAPH <{BASE}graph/editorial> {{ ?m ikg:actionField <{QUERSCHNITT}> }} }}"
    )
    assert filed == {f"{M}{slug}" for slug in CROSS_CUTTING.values()}


def test_german_titles_in_the_sourced_graph_are_verbatim_in_the_dossier(store) -> None:
    if not DOSSIER.exists():
        pytest.fail(f"the dossier is not at {DOSSIER}; set IKG_SHARED to the shared folder")
    text = DOSSIER.read_text(encoding="utf-8")
    rows = store.query(
        PREFIXES + f"SELECT ?l WHERE {{ GRAPH <{BASE}graph/measures> {{ ?m a ikg:Measure ; skos:prefLabel ?l "
        'FILTER(LANG(?l) = "de") } }'
    )
    assert [row["l"].value for row in rows if row["l"].value not in text] == []


def test_the_portal_and_the_guide_are_works_as_well_as_activities_dossier_s3_rows_16_17(store) -> None:
    for slug in ("integrationsportal", "wegweiser-integration"):
        assert _ask(store, f"ASK {{ GRAPH <{BASE}graph/measures> {{ m:{slug} a schema:CreativeWork , ikg:Measure }} }}")
