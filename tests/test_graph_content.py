"""The real graph: everything the dossier documents is there, sourced, and honestly marked."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from graph_queries import ask as _ask
from graph_queries import graph_without_violations

from ikg.builder.pipeline import check

from conftest import BASE, ROOT

EXPECTED_MEASURES = """
integrationskonzept-steuerung statusbericht-bestandsaufnahme service-point-integration
jsl-sprachkurse-und-beratung-im-service-point kommunales-integrationsmanagement komtum seiteneinstiegsberatung
internationale-vorbereitungsklassen ki-fortbildung-daz-und-trauma laiensprachmittler
sprechstunde-ehrenamt-und-integration ehrenamtstreffen-was-tun-bei-diskriminierung komm-an-kleinfoerderung
massnahmenpaket-weiterleitung mawka-malkurs integrationsportal wegweiser-integration
willkommensordner-und-uebersetzungen einstieg-in anerkennungsberatung-jsl gemeinsam-klappts teilhabemanagement
mimi-gesundheit runder-tisch-gesundheit arbeitsgruppe-integrationsprojekte-kita-schule
rucksack-und-griffbereit ehrenamtsschulung-vhs integrationskonferenz netzwerk-migrami rat-der-religionen
muslimisches-grabfeld antidiskriminierungsbeauftragte servicestelle-antidiskriminierungsarbeit
leverkusener-modell kommunale-unterbringung-gefluechteter betreuungskonzept-gefluechtete-2015
info-point-ukraine kyrillische-buecher-stadtbibliothek integration-point kompas rheindorf-erleben
soziale-stadt-rheindorf-nord caritas-fachdienst-integration-und-migration
caritas-fluechtlingsbetreuung-cafe-international deutschkurse-katholisches-bildungswerk jugendmigrationsdienst
jugend-staerken-im-quartier jugend-staerken-bruecken-in-die-eigenstaendigkeit
awo-familienseminar-integrationsangebote awo-fluechtlingsarbeit zusammen-im-quartier
vom-teddybaer-zum-schulranzen cafe-welt miteinander-lernen willkommenspaten fluechtlingsrat-beratung
weltfluechtlingstag integrationsrat-arbeitskreise-und-magazin-vielfalt integration-durch-sport-vfl
willkommen-im-fussball-fit-nach-vorn sportvereine-nehmen-gefluechtete-auf vhs-integrationskurse
klinikum-pflegeauszubildende-aus-indien ausbildungsvorbereitung-covestro wirkungspakete
einbuergerung-personalaufstockung
""".split()

EXPECTED_ORGANISATIONS = """
stadt-leverkusen rat-der-stadt-leverkusen dezernat-iii kommunales-integrationszentrum
fb-buerger-und-integration fb-soziales fb-kinder-und-jugend gleichstellungsbuero frauenbuero statistikstelle
stadtbibliothek vhs-leverkusen integrationsrat controlling-gruppe-integrationskonzept fachgruppe-integration
rat-der-religionen ausschuss-soziales-gesundheit-senioren job-service-leverkusen klinikum-leverkusen wupsi
wohnungsgesellschaft-leverkusen jobcenter-agl agentur-fuer-arbeit untere-schulaufsicht
caritasverband-leverkusen katholische-jugendagentur offene-jugendberufshilfe katholisches-bildungswerk
katholisches-stadtdekanat erzbistum-koeln awo-leverkusen diakonisches-werk-leverkusen
ev-kirchenkreis-leverkusen ev-kirchengemeinde-leverkusen-mitte febw-leverkusen fluechtlingsrat-leverkusen
kolping-bildungswerk wuppermann-bildungswerk covestro bayer-04-leverkusen-fussball vfl-leverkusen
bv-bergisch-neukirchen ssv-luetzenkirchen sv-bergfried-leverkusen landessportbund-nrw lions-club-rhenania
soroptimist-club-leverkusen pronova-bkk institut-fuer-soziale-innovation suchthilfe-ggmbh
hochschule-niederrhein marokkanischer-moscheenverein rat-der-islamischen-gemeinschaften davidstern-verein
freie-evangelische-gemeinde-wiesdorf neuapostolische-kirche zaltho-sangha alevitischer-kulturverein
leverkusener-bildungs-center goek-ev landsmannschaft-deutsche-aus-russland maghariba-zentrum mawka
tanz-und-kulturbuehne malteser asb altes-buergermeisteramt land-nrw mkjfgfi msb-nrw mags-nrw
bezirksregierung-arnsberg laki bund bamf bmi bmfsfj bmas integrationsbeauftragte-bund dkjs dfl-stiftung dosb
europaeische-union netzwerk-migrami
""".split()

EXPECTED_PROGRAMMES = """
foerderung-kommunaler-integrationszentren kommunales-integrationsmanagement komm-an-nrw
massnahmenpaket-sicherheit-migration-praevention ehrenamtliche-laiensprachmittler integrationsagenturen-nrw
servicestellen-antidiskriminierungsarbeit soziale-beratung-von-gefluechteten gemeinsam-klappts
durchstarten-in-ausbildung-und-arbeit zusaetzliches-ki-personal-2020 zusammen-im-quartier
fachberatung-anerkennung esf-plus-nrw laki-programme integrationskurs berufssprachkurse
migrationsberatung-erwachsene jugendmigrationsdienste respekt-coaches sprach-kitas integration-durch-sport
willkommen-im-fussball-fit-nach-vorn willkommen-im-fussball fit-nach-vorn biwaq jugend-staerken-im-quartier
jugend-staerken-bruecken esf-plus-wir esf-plus-iq amif haushalt-stadt-leverkusen aktion-neue-nachbarn gluecksspirale
""".split()

ACTION_FIELDS = {
    "A": "Sprache / Sprachförderung",
    "B": "Erziehung und (institutionelle) Bildung",
    "C": "Qualifizierung, Ausbildung und Arbeit",
    "D": "Wohnen und Unterbringung",
    "E": "Gesundheit",
    "F": "Zivilgesellschaftliches / Bürgerschaftliches Engagement und Freizeit, Kultur und Sport",
    "G": "Interkultureller und Interreligiöser Dialog",
    "H": "Altern in der Migrationsgesellschaft / Senioren",
}


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return graph_without_violations()


def _instances(store: ox.Store, cls: str) -> set[str]:
    rows = store.query(
        f"SELECT ?s WHERE {{ ?s a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{cls}> }}",
        use_default_graph_as_union=True,
    )
    return {row["s"].value for row in rows}


def test_real_graph_has_no_violation_with_the_sparql_engine() -> None:
    _loaded, problems = check(ROOT, "sparql")
    assert [p.render("en") for p in problems if p.severity == "violation"] == []


def test_real_graph_has_no_violation_with_pyshacl() -> None:
    _loaded, problems = check(ROOT, "pyshacl")
    assert [p.render("en") for p in problems if p.severity == "violation"] == []


def test_every_measure_of_the_dossier_is_in_the_graph(store: ox.Store) -> None:
    expected = {f"{BASE}id/measure/{slug}" for slug in EXPECTED_MEASURES}
    assert len(EXPECTED_MEASURES) == 66
    assert expected == _instances(store, f"{BASE}def/ikg#Measure")


def test_every_organisation_of_the_dossier_is_in_the_graph(store: ox.Store) -> None:
    organisations = _instances(store, "http://www.w3.org/ns/org#Organization")
    assert {f"{BASE}id/organisation/{slug}" for slug in EXPECTED_ORGANISATIONS} <= organisations
    assert len(organisations) >= 70


def test_every_funding_programme_of_the_dossier_is_in_the_graph(store: ox.Store) -> None:
    expected = {f"{BASE}id/programme/{slug}" for slug in EXPECTED_PROGRAMMES}
    assert len(expected) == 34  # 32 rows; row 23's two successive programmes also each on their own
    assert expected == _instances(store, f"{BASE}def/ikg#FundingProgramme")


def test_the_eight_action_fields_carry_their_verbatim_german_names(store: ox.Store) -> None:
    rows = store.query(
        f"SELECT ?name ?letter WHERE {{ ?f a <{BASE}def/ikg#ActionField> ; "
        "<http://www.w3.org/2004/02/skos/core#prefLabel> ?name ; "
        "<http://www.w3.org/2004/02/skos/core#notation> ?letter "
        'FILTER(LANG(?name) = "de") }',
        use_default_graph_as_union=True,
    )
    assert {row["letter"].value: row["name"].value for row in rows} == ACTION_FIELDS


def test_inferred_letters_of_action_fields_sit_in_the_inferred_graph(store: ox.Store) -> None:
    rows = store.query(
        f"SELECT ?letter WHERE {{ GRAPH <{BASE}graph/inferred> {{ ?f skos:notation ?letter }} }}".replace(
            "skos:", "<http://www.w3.org/2004/02/skos/core#"
        ).replace("#notation", "#notation>")
    )
    assert sorted(row["letter"].value for row in rows) == ["C", "D", "F", "G", "H"]


def test_every_documented_goal_sits_in_the_concept(store: ox.Store) -> None:
    goals = _instances(store, f"{BASE}def/ikg#Goal") | _instances(store, f"{BASE}def/ikg#OverallGoal")
    slugs = {iri.rsplit("/", 1)[1] for iri in goals}
    assert {
        "hf-b-leitziel-3",
        "hf-a-sprachmittler",
        "hf-e-mimi-neustart",
        "hf-e-versorgung-traumatisierter-gefluechteter",
        "chancengleichheit",
        "zusammenleben-in-vielfalt",
        "teilhabe-durch-vernetzung",
        "ki-teilhabe-und-chancengleichheit",
        "kim-integrationskette",
        "ratsauftrag-jaehrlicher-statusbericht",
        "ratsauftrag-priorisierung-und-zeitplan",
        "ratsauftrag-erreichbarkeit-der-angebote",
        "gutes-zusammenleben-2009",
    } == slugs


def test_every_resource_in_the_namespace_has_an_http_source(store: ox.Store) -> None:
    rows = store.query(
        f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{BASE}id/")) '
        'FILTER NOT EXISTS { ?s <http://purl.org/dc/terms/source> ?src FILTER(REGEX(STR(?src), "^https?://")) } }',
        use_default_graph_as_union=True,
    )
    assert [row["s"].value for row in rows] == []


def test_leverkusen_carries_its_municipality_key(store: ox.Store) -> None:
    assert _ask(
        store,
        f'ASK {{ <{BASE}id/place/leverkusen> dct:identifier "05316000" ; '
        "<http://www.w3.org/2000/01/rdf-schema#seeAlso> "
        "<http://dcat-ap.de/def/politicalGeocoding/municipalityKey/05316000> }",
    )


def test_unverified_wikidata_candidate_is_only_in_the_uncertain_graph(store: ox.Store) -> None:
    wikidata = "<http://www.wikidata.org/entity/Q2838>"
    assert _ask(store, f"ASK {{ GRAPH <{BASE}graph/uncertain> {{ <{BASE}id/place/leverkusen> ?p {wikidata} }} }}")
    assert not _ask(
        store,
        f"ASK {{ GRAPH ?g {{ <{BASE}id/place/leverkusen> ?p {wikidata} }} FILTER(?g != <{BASE}graph/uncertain>) }}",
    )


def test_action_field_classification_of_the_editors_is_apart_from_sourced_facts(store: ox.Store) -> None:
    measure = f"<{BASE}id/measure/service-point-integration>"
    assert _ask(store, f"ASK {{ GRAPH <{BASE}graph/editorial> {{ {measure} ikg:actionField ?f }} }}")
    assert not _ask(store, f"ASK {{ GRAPH <{BASE}graph/measures> {{ {measure} ikg:actionField ?f }} }}")


def test_editorial_graph_is_attributed_to_the_editors(store: ox.Store) -> None:
    assert _ask(
        store, f"ASK {{ <{BASE}graph/editorial> <http://www.w3.org/ns/prov#wasAttributedTo> <{BASE}project/editors> }}"
    )


def test_abbreviated_press_references_are_flagged_incomplete(store: ox.Store) -> None:
    assert _ask(
        store,
        f"ASK {{ <{BASE}id/measure/service-point-integration> dct:source ?ref . "
        "?ref a ikg:IncompleteReference ; dct:bibliographicCitation ?citation }",
    )


def test_report_edition_2024_holds_only_what_sources_say_about_it(store: ox.Store) -> None:
    rows = store.query(
        f"SELECT DISTINCT ?m WHERE {{ GRAPH <{BASE}graph/report-2024> {{ ?m dct:isReferencedBy ?r }} }}".replace(
            "dct:", "<http://purl.org/dc/terms/"
        ).replace("isReferencedBy", "isReferencedBy>")
    )
    assert {row["m"].value.rsplit("/", 1)[1] for row in rows} == {"einstieg-in", "anerkennungsberatung-jsl"}


def test_the_controlling_gruppe_has_its_six_members(store: ox.Store) -> None:
    rows = store.query(
        f"SELECT ?m WHERE {{ <{BASE}id/organisation/controlling-gruppe-integrationskonzept> "
        "<http://www.w3.org/ns/org#hasMember> ?m }",
        use_default_graph_as_union=True,
    )
    assert len(list(rows)) == 6


def test_the_ki_is_a_unit_of_dezernat_iii(store: ox.Store) -> None:
    assert _ask(
        store,
        f"ASK {{ <{BASE}id/organisation/kommunales-integrationszentrum> "
        f"<http://www.w3.org/ns/org#unitOf> <{BASE}id/organisation/dezernat-iii> }}",
    )
