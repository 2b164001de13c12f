"""The statistics of dossier §6 are a well-formed W3C Data Cube, and each figure says how it is known.

The integrity constraints are those of the Data Cube Recommendation, section 11.1, written here as SPARQL ASK
queries that answer true when the graph violates the constraint. They read the normalised form of a cube: a
component specification names its property with qb:dimension, qb:measure or qb:attribute (sub-properties of
qb:componentProperty), so the queries follow all four instead of relying on RDFS inference. Each query is also
run on a small synthetic cube that breaks its constraint, so that a query that can never answer true is caught.

IC-7 to IC-10 constrain slices and slice keys. The graph has none (every observation belongs directly to its data
set), so they do not apply; a test says so and fails if slices appear, so that their constraints get tests then.
IC-13 to IC-21 (required attributes, measure dimensions, code lists) are beyond what the issue asks for.
"""

from __future__ import annotations

import httpx
import pyoxigraph as ox
import pytest
from graph_queries import ask as _ask
from graph_queries import graph_without_violations

from ikg.builder.pipeline import check

from conftest import BASE

PREFIXES = f"""
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
PREFIX ikg: <{BASE}def/ikg#>
"""

# The property a component specification declares, whichever of the four ways it is named.
COMPONENT = "(qb:componentProperty|qb:dimension|qb:measure|qb:attribute)"
DIMENSION_OF_DATASET = "qb:structure/qb:component/(qb:componentProperty|qb:dimension)"

VIOLATIONS = {
    "IC-1 unique data set": """ASK {
        { ?obs a qb:Observation . FILTER NOT EXISTS { ?obs qb:dataSet ?any } }
        UNION { ?obs a qb:Observation ; qb:dataSet ?one , ?other . FILTER(?one != ?other) } }""",
    "IC-2 unique structure": """ASK {
        { ?dataset a qb:DataSet . FILTER NOT EXISTS { ?dataset qb:structure ?any } }
        UNION { ?dataset a qb:DataSet ; qb:structure ?one , ?other . FILTER(?one != ?other) } }""",
    "IC-3 structure includes a measure": f"""ASK {{
        ?dsd a qb:DataStructureDefinition .
        FILTER NOT EXISTS {{ ?dsd qb:component/{COMPONENT} ?measure . ?measure a qb:MeasureProperty }} }}""",
    "IC-4 dimensions have a range": """ASK {
        ?dimension a qb:DimensionProperty . FILTER NOT EXISTS { ?dimension rdfs:range ?any } }""",
    "IC-5 concept dimensions have a code list": """ASK {
        ?dimension a qb:DimensionProperty ; rdfs:range skos:Concept .
        FILTER NOT EXISTS { ?dimension qb:codeList ?any } }""",
    "IC-6 only attributes may be optional": f"""ASK {{
        ?dsd qb:component ?spec . ?spec qb:componentRequired "false"^^xsd:boolean ; {COMPONENT} ?property .
        FILTER NOT EXISTS {{ ?property a qb:AttributeProperty }} }}""",
    "IC-11 all dimensions required": f"""ASK {{
        ?obs qb:dataSet/{DIMENSION_OF_DATASET} ?dimension . ?dimension a qb:DimensionProperty .
        FILTER NOT EXISTS {{ ?obs ?dimension ?any }} }}""",
    # Two observations of one data set are duplicates when no dimension tells them apart. sameTerm, because
    # reference periods of different precision (a year, a day) are not comparable with "=".
    "IC-12 no duplicate observations": f"""ASK {{
        ?one qb:dataSet ?dataset . ?other qb:dataSet ?dataset . FILTER(STR(?one) < STR(?other))
        FILTER NOT EXISTS {{
            ?dataset {DIMENSION_OF_DATASET} ?dimension . ?dimension a qb:DimensionProperty .
            ?one ?dimension ?a . ?other ?dimension ?b . FILTER(!sameTerm(?a, ?b)) }} }}""",
}

# For each constraint, a small cube that breaks it and nothing else.
_SOUND_STRUCTURE = """
ex:period a qb:DimensionProperty ; rdfs:range rdfs:Resource .
ex:count a qb:MeasureProperty .
ex:unit a qb:AttributeProperty .
ex:dsd a qb:DataStructureDefinition ;
    qb:component [ qb:dimension ex:period ] , [ qb:measure ex:count ] ,
        [ qb:attribute ex:unit ; qb:componentRequired false ] .
ex:ds a qb:DataSet ; qb:structure ex:dsd .
"""
BROKEN = {
    "IC-1 unique data set": _SOUND_STRUCTURE + "ex:o a qb:Observation ; ex:period 1 ; ex:count 5 .",
    "IC-2 unique structure": _SOUND_STRUCTURE + "ex:ds qb:structure ex:other-dsd .",
    "IC-3 structure includes a measure": "ex:dsd a qb:DataStructureDefinition ; qb:component [ qb:attribute ex:u ] .",
    "IC-4 dimensions have a range": "ex:area a qb:DimensionProperty .",
    "IC-5 concept dimensions have a code list": "ex:group a qb:DimensionProperty ; rdfs:range skos:Concept .",
    "IC-6 only attributes may be optional": _SOUND_STRUCTURE
    + "ex:dsd qb:component [ qb:dimension ex:period ; qb:componentRequired false ] .",
    "IC-11 all dimensions required": _SOUND_STRUCTURE + "ex:o a qb:Observation ; qb:dataSet ex:ds ; ex:count 5 .",
    "IC-12 no duplicate observations": _SOUND_STRUCTURE
    + "ex:o1 a qb:Observation ; qb:dataSet ex:ds ; ex:period 1 ; ex:count 5 .\n"
    + "ex:o2 a qb:Observation ; qb:dataSet ex:ds ; ex:period 1 ; ex:count 6 .",
}


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return graph_without_violations()


def _rows(store: ox.Store, query: str) -> list[ox.QuerySolution]:
    return list(store.query(PREFIXES + query, use_default_graph_as_union=True))


def _synthetic(turtle: str) -> ox.Store:
    synthetic = ox.Store()
    prefixes = {
        "qb": "http://purl.org/linked-data/cube#",
        "ex": "https://example.org/",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "skos": "http://www.w3.org/2004/02/skos/core#",
    }
    header = "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in prefixes.items())
    synthetic.load(header + turtle, format=ox.RdfFormat.TURTLE)
    return synthetic


def _observation_with(store: ox.Store, measure: str, value: str) -> str:
    rows = _rows(store, f"SELECT ?obs WHERE {{ ?obs ikg:{measure} {value} }}")
    assert len(rows) == 1, f"expected one observation of ikg:{measure} {value}"
    return str(rows[0]["obs"].value)


def test_the_graph_holds_the_statistics_as_observations(store: ox.Store) -> None:
    rows = _rows(store, "SELECT (COUNT(?obs) AS ?n) WHERE { ?obs a qb:Observation }")
    assert int(rows[0]["n"].value) > 80


@pytest.mark.parametrize("constraint", VIOLATIONS)
def test_the_statistics_violate_no_data_cube_integrity_constraint(store: ox.Store, constraint: str) -> None:
    assert not _ask(store, VIOLATIONS[constraint]), constraint


@pytest.mark.parametrize("constraint", VIOLATIONS)
def test_each_integrity_query_finds_the_violation_it_is_for(constraint: str) -> None:
    assert _ask(_synthetic(BROKEN[constraint]), VIOLATIONS[constraint]), constraint


def test_the_cube_has_no_slices_so_ic_7_to_ic_10_do_not_apply(store: ox.Store) -> None:
    assert not _ask(store, "ASK { { ?s a qb:Slice } UNION { ?k a qb:SliceKey } UNION { ?d qb:sliceKey ?k } }")


def test_migration_background_73854_has_no_reference_period_dossier_s6_row_7(store: ox.Store) -> None:
    for measure, value in (("personsWithMigrationBackground", "73854"), ("shareWithMigrationBackground", "43.5")):
        obs = _observation_with(store, measure, value)
        assert not _ask(store, f"ASK {{ <{obs}> sdmx-dimension:refPeriod ?any }}"), obs
        assert _ask(
            store,
            f"ASK {{ <{obs}> ikg:timeReference <{BASE}def/time-reference/statusbericht-2024> ; "
            f"qb:dataSet/qb:structure <{BASE}def/cube-structure/ohne-stichtag> }}",
        ), obs


def test_every_observation_has_a_reference_period_or_says_the_sources_state_none(store: ox.Store) -> None:
    wrong = _rows(
        store,
        "SELECT ?obs WHERE { ?obs a qb:Observation . "
        "OPTIONAL { ?obs sdmx-dimension:refPeriod ?period } OPTIONAL { ?obs ikg:timeReference ?reference } "
        "FILTER(BOUND(?period) = BOUND(?reference)) }",
    )
    assert [row["obs"].value for row in wrong] == []


def test_population_166414_is_uncertain_with_its_reason_dossier_s6_row_3(store: ox.Store) -> None:
    obs = _observation_with(store, "population", "166414")
    assert _ask(store, f"ASK {{ <{obs}> ikg:evidence <{BASE}def/evidence/unsicher> }}")
    assert _ask(
        store,
        f"ASK {{ GRAPH <{BASE}graph/uncertain> {{ <{obs}> ikg:population 166414 . "
        f"?note rdf:subject <{obs}> ; rdf:predicate ikg:population ; ikg:reason ?reason . "
        'FILTER(CONTAINS(STR(?reason), "Wikipedia")) } }',
    )
    assert not _ask(store, f"ASK {{ GRAPH <{BASE}graph/statistics> {{ <{obs}> ?p ?o }} }}")


def test_only_the_figure_the_dossier_marks_uncertain_is_uncertain(store: ox.Store) -> None:
    rows = _rows(store, f"SELECT ?obs WHERE {{ ?obs a qb:Observation ; ikg:evidence <{BASE}def/evidence/unsicher> }}")
    assert [row["obs"].value for row in rows] == [_observation_with(store, "population", "166414")]


def test_every_observation_has_a_public_source(store: ox.Store) -> None:
    unsourced = _rows(
        store,
        "SELECT ?obs WHERE { ?obs a qb:Observation . "
        'FILTER NOT EXISTS { ?obs dct:source ?source . FILTER(isIRI(?source) && REGEX(STR(?source), "^https?://")) } }',
    )
    assert [row["obs"].value for row in unsourced] == []


def test_about_73000_keeps_the_sources_about_dossier_s6_row_8(store: ox.Store) -> None:
    obs = _observation_with(store, "personsWithMigrationBackground", "73000")
    assert _ask(store, f"ASK {{ <{obs}> ikg:valueQualifier <{BASE}def/value-qualifier/ungefaehr> }}")
    assert _ask(store, f'ASK {{ <{obs}> sdmx-dimension:refPeriod "2024"^^xsd:gYear }}')


def test_a_range_keeps_both_ends_dossier_s6_row_10(store: ox.Store) -> None:
    obs = _observation_with(store, "foreignNationals", "27000")
    assert _ask(
        store,
        f"ASK {{ <{obs}> ikg:upperBound 28000 ; ikg:valueQualifier <{BASE}def/value-qualifier/spanne> , "
        f"<{BASE}def/value-qualifier/ungefaehr> }}",
    )


def test_an_observation_without_its_value_breaks_the_build(project) -> None:  # type: ignore[no-untyped-def]
    statistics = project / "graph" / "statistics.trig"
    text = statistics.read_text(encoding="utf-8")
    statistics.write_text(text.replace("ikg:population 165748 ;", "", 1), encoding="utf-8")
    _loaded, problems = check(project)
    assert [p.resource for p in problems if p.severity == "violation"] == [
        f"{BASE}id/observation/population-leverkusen-2022-12-31"
    ]


def test_an_observation_dereferences_with_its_value(server) -> None:  # type: ignore[no-untyped-def]
    iri = f"{server.base}id/observation/population-leverkusen-2022-12-31"
    page = httpx.get(iri, headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "165748" in page.text  # the value
    assert "165,748" in page.text  # the dossier's wording of it (ikg:valueAsGiven)
    turtle = httpx.get(iri, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200
    assert "165748" in turtle.text
