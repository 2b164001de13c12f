"""Audit corrections of graph/organisations, graph/places and graph/sources, each against the dossier row it follows;
and the shape rule that tells a public source from the project's own incomplete references."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from graph_queries import ask as _ask
from graph_queries import graph_without_violations
from graph_queries import values as _values

from ikg.builder.pipeline import check

from conftest import BASE, FIXTURES, ROOT, copy_project, run_ikg

ORG = f"{BASE}id/organisation/"
PLACE = f"{BASE}id/place/"
SRC = f"{BASE}source/"
G = f"{BASE}graph/"
PREFIXES = (
    f"PREFIX ikg: <{BASE}def/ikg#> PREFIX o: <{ORG}> PREFIX place: <{PLACE}> PREFIX src: <{SRC}> PREFIX g: <{G}> "
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX dct: <http://purl.org/dc/terms/> "
    "PREFIX org: <http://www.w3.org/ns/org#> PREFIX schema: <http://schema.org/> "
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "PREFIX foaf: <http://xmlns.com/foaf/0.1/> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> "
)
MY_FILES = ("organisations.trig", "places.trig", "sources.trig")
MINIMAL = (FIXTURES / "minimal.trig").read_text(encoding="utf-8")
MEASURE_SOURCE = "        dct:source <https://example.org/t/massnahme> ."


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return graph_without_violations()


def test_organisations_places_and_sources_have_no_violation() -> None:
    _loaded, problems = check(ROOT)
    mine = [p.render("en") for p in problems if p.severity == "violation" and (p.file or "").endswith(MY_FILES)]
    assert mine == []


def test_luminaden_is_not_called_a_shopping_centre_dossier_s3_row_3(store: ox.Store) -> None:
    descriptions = _values(store, "SELECT ?d WHERE { place:luminaden dct:description ?d }")
    assert descriptions
    assert not any("shopping" in d.lower() for d in descriptions)


def test_luminaden_address_has_only_the_street_the_dossier_gives_s3_row_3(store: ox.Store) -> None:
    parts = _values(store, "SELECT ?v WHERE { place:luminaden schema:address ?a . ?a ?p ?v FILTER(isLiteral(?v)) }")
    assert parts == {"Wiesdorfer Platz 34a"}


def test_no_place_carries_the_city_administrations_postcode_dossier_s6_key_addresses(store: ox.Store) -> None:
    assert not _ask(store, 'ASK { ?place schema:address ?a . ?a schema:postalCode "51373" }')
    assert not _ask(store, 'ASK { ?place schema:address ?a FILTER(isLiteral(?a) && CONTAINS(STR(?a), "51373")) }')


def test_addresses_are_postal_addresses_not_strings_dossier_s6_key_addresses(store: ox.Store) -> None:
    assert not _ask(store, "ASK { GRAPH g:places { ?place schema:address ?a FILTER(isLiteral(?a)) } }")
    assert _ask(store, 'ASK { place:hauptstrasse-105 schema:address [ schema:streetAddress "Hauptstraße 105" ] }')


def test_migrami_founding_is_not_placed_at_the_conference_dossier_s1_1_2007(store: ox.Store) -> None:
    texts = _values(store, "SELECT ?d WHERE { o:netzwerk-migrami dct:description|skos:note ?d }")
    assert any("June 2007" in t for t in texts)
    assert not any("konferenz" in t.lower() or "conference" in t.lower() for t in texts)


def test_what_migrami_does_is_stated_as_not_in_the_sources_not_as_uncertainty_dossier_gap_8(store: ox.Store) -> None:
    assert _ask(
        store, 'ASK { GRAPH g:organisations { o:netzwerk-migrami skos:note ?n FILTER(CONTAINS(?n, "not stated")) } }'
    )
    assert not _ask(store, "ASK { GRAPH g:uncertain { o:netzwerk-migrami ?p ?o } }")


def test_st_michael_nearby_is_the_editors_reading_dossier_s3_row_44(store: ox.Store) -> None:
    sourced = _values(
        store, "SELECT ?d WHERE { GRAPH g:places { place:unterkunft-sandstrasse ?p ?d FILTER(isLiteral(?d)) } }"
    )
    assert not any("Michael" in d for d in sourced)
    assert _ask(
        store, 'ASK { GRAPH g:editorial { place:unterkunft-sandstrasse skos:note ?n FILTER(CONTAINS(?n, "Michael")) } }'
    )


def test_masurenstrasse_is_not_called_a_project_office_dossier_s3_row_41(store: ox.Store) -> None:
    texts = _values(store, "SELECT ?d WHERE { place:masurenstrasse-5 dct:description ?d }")
    assert texts
    assert not any("office" in t.lower() for t in texts)


SCHEME_LESS = {
    "esf-netwin.de/4-01-was-ist-ein-integrationskurs/",
    "fdokument.com/document/vielfalt-2.html",
    "foerderatlas-teilhabe-nds.de/foerderer/amif/",
    "ldvc.de/hurra-wir-sind-sprachkita (notes)",
    "leverkusen.de/pressemodul/pressemitteilungen/februar/integrationsprojekte-mit-landesgeldern-gefoerdert",
    "leverkusen.de/pressemodul/pressemitteilungen/juli/foerderprogramm-komm-an-nrw-unterstuetzt-ehrenamt-in-gefluechtetenhilfe-leverkusen",
    "rheinische-anzeigenblaetter.de/opladen/c-nachrichten/foerderung-fuer-fluechtlinge-und-migranten_a38564",
}


def test_scheme_less_addresses_of_rows_13_14_40_58_and_s5_rows_16_21_29_are_incomplete_references(
    store: ox.Store,
) -> None:
    citations = _values(store, "SELECT ?c WHERE { ?r a ikg:IncompleteReference ; dct:bibliographicCitation ?c }")
    assert citations >= SCHEME_LESS


def test_organisations_and_places_cite_no_guessed_https_form_of_a_scheme_less_address_dossier_s3_row_14() -> None:
    text = "".join((ROOT / "graph" / name).read_text(encoding="utf-8") for name in MY_FILES)
    for address in SCHEME_LESS:
        assert f"<https://{address.split(' ')[0]}>" not in text


def test_goerresstrasse_awo_fact_is_sourced_to_row_50s_articles_dossier_s3_row_50(store: ox.Store) -> None:
    assert _ask(
        store,
        "ASK { GRAPH g:places { ?n a rdf:Statement ; rdf:subject place:goerresstrasse ; rdf:predicate skos:note ; "
        "dct:source src:rp-online-1-5158800 , src:rp-online-1-5996883 } "
        'place:goerresstrasse skos:note ?awo FILTER(CONTAINS(?awo, "AWO")) }',
    )
    assert not _ask(store, 'ASK { place:goerresstrasse dct:description ?d FILTER(CONTAINS(?d, "AWO")) }')


def test_hauptstrasse_105_seat_of_ki_and_wahlamt_cites_the_key_addresses_paragraph_dossier_s6(store: ox.Store) -> None:
    assert _ask(
        store,
        "ASK { ?n a rdf:Statement ; rdf:subject place:hauptstrasse-105 ; rdf:predicate skos:note ; "
        "dct:source src:dossier-s6-key-addresses . src:dossier-s6-key-addresses a ikg:IncompleteReference . "
        'place:hauptstrasse-105 skos:note ?seat FILTER(CONTAINS(?seat, "Wahlamt")) }',
    )


# The dossier's own wording (sections 1.2, 3, 4, 6) for labels that the audit found composed or translated.
VERBATIM_LABELS = {
    f"{ORG}asb": "ASB",
    f"{ORG}bund": "Bund",
    f"{ORG}land-nrw": "Land NRW",
    f"{ORG}integrationsrat": "Integrationsrat Leverkusen",
    f"{ORG}agentur-fuer-arbeit": "Agentur für Arbeit (Bergisch Gladbach)",
    f"{ORG}landsmannschaft-deutsche-aus-russland": "Landsmannschaft der Deutschen aus Russland",
    f"{ORG}mkjfgfi": "Ministerium für Kinder, Jugend, Familie, Gleichstellung, Flucht und Integration",
    f"{PLACE}goerresstrasse": "Görresstraße",
    f"{PLACE}gerichtsstrasse-opladen": "Opladen, Gerichtsstraße",
}


def test_german_labels_in_sourced_graphs_are_the_dossiers_wording_dossier_s4(store: ox.Store) -> None:
    for resource, label in VERBATIM_LABELS.items():
        sourced = _values(
            store,
            f"SELECT ?l WHERE {{ GRAPH ?g {{ <{resource}> skos:prefLabel ?l }} "
            'FILTER(?g IN (g:organisations, g:places) && LANG(?l) = "de") }',
        )
        assert sourced == {label}, resource


def test_composed_and_translated_german_labels_sit_in_the_editorial_graph_dossier_s4_row_74(store: ox.Store) -> None:
    assert _ask(store, 'ASK { GRAPH g:editorial { o:europaeische-union skos:prefLabel "Europäische Union"@de } }')
    assert _ask(store, 'ASK { GRAPH g:editorial { o:asb skos:altLabel "Arbeiter-Samariter-Bund"@de } }')
    assert _ask(
        store,
        "ASK { GRAPH g:editorial { place:unterkunft-sandstrasse skos:prefLabel "
        '"Unterkunft für Geflüchtete Sandstraße"@de } }',
    )


def test_the_raa_is_its_own_organisation_dossier_s3_row_26(store: ox.Store) -> None:
    assert _ask(store, 'ASK { GRAPH g:organisations { o:raa a org:Organization ; skos:prefLabel "RAA"@de } }')


def test_the_ki_succeeds_the_raa_only_as_an_uncertain_change_with_its_reason_dossier_s3_row_26(store: ox.Store) -> None:
    assert _ask(
        store,
        "ASK { GRAPH g:uncertain { ?change a org:ChangeEvent ; org:originalOrganization o:raa ; "
        "org:resultingOrganization o:kommunales-integrationszentrum . "
        "?note a rdf:Statement ; rdf:subject ?change ; rdf:predicate org:originalOrganization ; ikg:reason ?why } }",
    )
    assert not _ask(store, "ASK { GRAPH ?g { ?change org:originalOrganization o:raa } FILTER(?g != g:uncertain) }")


def test_the_mkffi_is_succeeded_by_the_mkjfgfi_dossier_s5_row_2(store: ox.Store) -> None:
    assert _ask(
        store,
        "ASK { GRAPH g:organisations { ?c a org:ChangeEvent ; org:originalOrganization o:mkffi ; "
        "org:resultingOrganization o:mkjfgfi } }",
    )


def test_the_order_mais_then_mkffi_is_the_editors_reading_dossier_s4_row_63(store: ox.Store) -> None:
    assert _ask(
        store,
        "ASK { GRAPH g:editorial { ?c org:originalOrganization o:mais ; org:resultingOrganization o:mkffi . "
        "?n rdf:subject ?c ; ikg:reason ?why } }",
    )


def test_earlier_ministries_are_no_longer_alt_labels_of_the_mkjfgfi_dossier_s4_row_63(store: ox.Store) -> None:
    query = 'SELECT ?l WHERE { o:mkjfgfi skos:altLabel ?l FILTER(?l IN ("MKFFI"@de, "MAIS"@de)) }'
    assert _values(store, query) == set()


def test_wupsi_was_kraftverkehr_wupper_sieg_until_2016_dossier_s4_row_20(store: ox.Store) -> None:
    assert _ask(
        store,
        "ASK { GRAPH g:organisations { ?c a org:ChangeEvent ; org:originalOrganization o:kraftverkehr-wupper-sieg ; "
        'org:resultingOrganization o:wupsi ; dct:date "2016"^^xsd:gYear } }',
    )
    assert not _ask(store, "ASK { o:wupsi skos:altLabel ?l }")


def test_the_integrationsrat_became_the_ausschuss_in_the_2025_term_dossier_s1_2(store: ox.Store) -> None:
    assert _ask(
        store,
        "ASK { GRAPH g:organisations { ?c a org:ChangeEvent ; org:originalOrganization o:integrationsrat ; "
        'org:resultingOrganization o:ausschuss-chancengleichheit-integration ; dct:date "2025"^^xsd:gYear } }',
    )


def test_the_integrationsrat_chair_is_a_post_and_the_new_chair_is_uncertain_dossier_s1_2(store: ox.Store) -> None:
    assert _ask(
        store,
        "ASK { GRAPH g:organisations { ?post a org:Post ; org:postIn o:integrationsrat ; "
        'org:heldBy [ foaf:name "Kofi Sam Nyantakyi" ] } }',
    )
    assert _ask(
        store,
        'ASK { GRAPH g:uncertain { ?post org:heldBy [ foaf:name "Ismalj Memishi" ] . '
        "?n rdf:subject ?post ; rdf:predicate org:heldBy ; ikg:reason ?why } "
        "?post org:postIn o:ausschuss-chancengleichheit-integration }",
    )
    assert not _ask(store, "ASK { o:integrationsrat skos:scopeNote ?n }")


def test_the_municipality_key_is_an_identifier_with_a_see_also_not_a_skos_match_dossier_s7(store: ox.Store) -> None:
    assert _ask(
        store,
        'ASK { place:leverkusen dct:identifier "05316000" ; '
        "rdfs:seeAlso <http://dcat-ap.de/def/politicalGeocoding/municipalityKey/05316000> }",
    )
    assert not _ask(store, "ASK { place:leverkusen skos:exactMatch|skos:closeMatch ?x }")


def test_the_wikidata_candidate_is_an_uncertain_see_also_with_its_reason_dossier_s7(store: ox.Store) -> None:
    q2838 = "<http://www.wikidata.org/entity/Q2838>"
    assert _ask(
        store,
        f"ASK {{ GRAPH g:uncertain {{ place:leverkusen rdfs:seeAlso {q2838} . "
        f"?n rdf:subject place:leverkusen ; rdf:predicate rdfs:seeAlso ; rdf:object {q2838} ; ikg:reason ?why }} }}",
    )
    assert not _ask(store, f"ASK {{ GRAPH ?g {{ place:leverkusen ?p {q2838} }} FILTER(?g != g:uncertain) }}")


def test_every_marked_statement_about_organisations_and_places_has_a_reason_dossier_s1_2(store: ox.Store) -> None:
    rows = store.query(
        PREFIXES + "SELECT ?g ?s ?p WHERE { VALUES ?g { g:uncertain g:inferred } GRAPH ?g { ?s ?p ?o } "
        f'FILTER(isIRI(?s) && (STRSTARTS(STR(?s), "{ORG}") || STRSTARTS(STR(?s), "{PLACE}"))) '
        "FILTER NOT EXISTS { GRAPH ?g { ?n rdf:subject ?s ; rdf:predicate ?p ; ikg:reason ?why } } }"
    )
    assert [(r["s"].value, r["p"].value) for r in rows] == []


def test_no_organisation_or_place_carries_uncertainty_in_a_scope_note_dossier_s1_2(store: ox.Store) -> None:
    assert not _ask(
        store,
        f'ASK {{ ?s skos:scopeNote ?n FILTER(STRSTARTS(STR(?s), "{ORG}") || STRSTARTS(STR(?s), "{PLACE}")) }}',
    )


# --- The source rule: the project's own incomplete references are not public sources (audit 6.2 item 11) -----


def _validate(tmp_path: Path, graph: str) -> list[str]:
    path = tmp_path / "fixture.trig"
    path.write_text(graph, encoding="utf-8")
    result = run_ikg("validate", "--alone", "--lang", "en", str(path))
    return result.stdout.strip().splitlines()


def test_a_resource_with_only_incomplete_references_is_a_warning_not_a_violation(tmp_path: Path) -> None:
    lines = _validate(tmp_path, MINIMAL.replace(MEASURE_SOURCE, "        dct:source src:t-kurzbeleg ."))
    assert any("t-massnahme" in line and "warning: only incomplete references" in line for line in lines)
    assert lines[-1] == "0 violation(s), 1 warning(s)"


def test_an_undescribed_reference_of_the_project_is_a_violation(tmp_path: Path) -> None:
    lines = _validate(tmp_path, MINIMAL.replace(MEASURE_SOURCE, "        dct:source src:t-nirgends-beschrieben ."))
    assert any("t-massnahme" in line and "the source (dct:source) is missing" in line for line in lines)
    assert lines[-1].startswith("1 violation(s)")


def test_an_incomplete_reference_beside_a_public_source_gives_no_warning(tmp_path: Path) -> None:
    graph = MINIMAL.replace(MEASURE_SOURCE, "        dct:source <https://example.org/t/massnahme> , src:t-kurzbeleg .")
    assert _validate(tmp_path, graph)[-1] == "no problems found"


def test_build_prints_how_many_resources_have_only_incomplete_references(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", with_graph=False)
    (project / "graph").mkdir()
    graph = MINIMAL.replace(MEASURE_SOURCE, "        dct:source src:t-kurzbeleg .").replace(
        "dct:source <https://example.org/t/ort> .", "dct:source src:t-kurzbeleg ."
    )
    (project / "graph" / "fixture.trig").write_text(graph, encoding="utf-8")
    english = run_ikg("build", "--root", str(project), "--lang", "en", "--dist", str(tmp_path / "dist-en"))
    assert english.returncode == 0, english.stdout + english.stderr
    assert "2 resource(s) with the warning: only incomplete references" in english.stdout
    german = run_ikg("build", "--root", str(project), "--lang", "de", "--dist", str(tmp_path / "dist-de"))
    assert "2 Ressource(n) mit der Warnung: nur unvollständige Quellenangaben" in german.stdout
