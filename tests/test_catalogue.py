"""/catalog: the DCAT-AP.de catalogue open-data portals harvest, complete and consistent with what is served."""

from __future__ import annotations

import hashlib
import urllib.request

import httpx
import pytest
import rdflib
from rdflib import RDF, Namespace, URIRef

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"


@pytest.fixture(scope="module")
def catalogue(server) -> rdflib.Graph:  # type: ignore[no-untyped-def]
    response = httpx.get(server.base + "catalog.ttl")
    return rdflib.Graph().parse(data=response.text, format="turtle")


def _datasets(graph: rdflib.Graph) -> list[URIRef]:
    return sorted(s for s in graph.subjects(RDF.type, DCAT.Dataset) if (s, RDF.type, DCAT.DatasetSeries) not in graph)


def test_a_harvester_sending_no_accept_gets_rdf_xml(server) -> None:  # type: ignore[no-untyped-def]
    # urllib sends no Accept header, like ckanext-dcat's harvester.
    with urllib.request.urlopen(server.base + "catalog") as response:
        assert response.headers["Content-Type"] == "application/rdf+xml"
        assert len(rdflib.Graph().parse(data=response.read(), format="xml")) > 100


@pytest.mark.parametrize(
    ("accept", "media", "parser"),
    [
        ("*/*", "application/rdf+xml", "xml"),
        ("text/turtle", "text/turtle", "turtle"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/n-triples", "application/n-triples", "nt"),
    ],
)
def test_the_catalogue_by_content_negotiation(server, accept: str, media: str, parser: str) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.base + "catalog", headers={"Accept": accept})
    assert response.headers["content-type"].split(";")[0] == media
    assert response.headers["vary"].startswith("Accept")
    assert len(rdflib.Graph().parse(data=response.text, format=parser)) > 100


def test_people_get_a_page_listing_every_dataset(server, catalogue) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.base + "catalog", headers={"Accept": "text/html"})
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    for dataset in _datasets(catalogue):
        assert f'<section id="{dataset.split("#")[1]}">' in response.text


def test_variants_and_304(server) -> None:  # type: ignore[no-untyped-def]
    first = httpx.get(server.base + "catalog.rdf", headers={"Accept": "text/turtle"})
    assert first.headers["content-type"] == "application/rdf+xml"
    again = httpx.get(server.base + "catalog.rdf", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert httpx.get(server.base + "catalog.xlsx").status_code == 404


def test_one_dataset_for_the_graph_and_one_per_report_edition_in_a_series(server, catalogue) -> None:  # type: ignore[no-untyped-def]
    series = URIRef(server.base + "catalog#status-reports")
    assert (series, RDF.type, DCAT.DatasetSeries) in catalogue
    assert _datasets(catalogue) == [
        URIRef(server.base + "catalog#knowledge-graph"),
        URIRef(server.base + "catalog#status-report-2024"),
    ]
    assert (URIRef(server.base + "catalog#status-report-2024"), DCAT.inSeries, series) in catalogue


@pytest.mark.parametrize(
    "prop",
    [
        DCT.publisher,
        DCAT.contactPoint,
        DCT.spatial,
        DCATDE.politicalGeocodingLevelURI,
        DCT.language,
        DCT.temporal,
        DCT.accrualPeriodicity,
        DCT.identifier,
        DCT.modified,
        DCAT.keyword,
        DCT.conformsTo,
        DCAT.distribution,
    ],
)
def test_every_dataset_has(catalogue, prop) -> None:  # type: ignore[no-untyped-def]
    for dataset in _datasets(catalogue):
        assert catalogue.value(dataset, prop) is not None, (dataset, prop)


def test_every_dataset_has_titles_and_descriptions_in_german_and_english(catalogue) -> None:  # type: ignore[no-untyped-def]
    for dataset in _datasets(catalogue):
        for prop in (DCT.title, DCT.description):
            assert {o.language for o in catalogue.objects(dataset, prop)} == {"de", "en"}, (dataset, prop)


def test_themes_place_and_language_come_from_the_official_lists(server, catalogue) -> None:  # type: ignore[no-untyped-def]
    dataset = URIRef(server.base + "catalog#knowledge-graph")
    assert set(catalogue.objects(dataset, DCAT.theme)) == {
        URIRef(EU + "data-theme/SOCI"),
        URIRef(EU + "data-theme/GOVE"),
    }
    assert catalogue.value(dataset, DCT.spatial) == URIRef(
        "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/05316000"
    )
    assert catalogue.value(dataset, DCT.language) == URIRef(EU + "language/DEU")
    assert catalogue.value(dataset, DCT.accrualPeriodicity) == URIRef(EU + "frequency/ANNUAL")


def test_the_contact_point_has_a_url_or_an_email(catalogue) -> None:  # type: ignore[no-untyped-def]
    for contact in set(catalogue.objects(None, DCAT.contactPoint)):
        assert catalogue.value(contact, VCARD.hasURL) or catalogue.value(contact, VCARD.hasEmail)


def test_every_distribution_has_a_licence_with_attribution_and_a_format(catalogue) -> None:  # type: ignore[no-untyped-def]
    distributions = set(catalogue.subjects(RDF.type, DCAT.Distribution))
    assert len(distributions) == 9  # six dumps of the graph, one of the 2024 edition, two through the service
    for distribution in distributions:
        assert catalogue.value(distribution, DCT.license) == URIRef("http://dcat-ap.de/def/licenses/dl-by-de/2.0")
        assert catalogue.value(distribution, DCATDE.licenseAttributionByText) is not None
        assert str(catalogue.value(distribution, DCT["format"])).startswith(EU + "file-type/")


def test_the_service_distribution_follows_konvention_41(server, catalogue) -> None:  # type: ignore[no-untyped-def]
    service = URIRef(server.base + "catalog#sparql-service")
    assert catalogue.value(service, DCAT.endpointURL) == URIRef(server.endpoint)
    assert catalogue.value(service, DCT.conformsTo) == URIRef("https://www.w3.org/TR/sparql11-protocol/")
    through_service = list(catalogue.subjects(DCAT.accessService, service))
    assert len(through_service) == 2
    for distribution in through_service:
        assert catalogue.value(distribution, DCAT.downloadURL) is None
        assert catalogue.value(distribution, DCAT.accessURL) == URIRef(server.endpoint)


def test_downloads_have_the_same_url_to_access_and_download(catalogue) -> None:  # type: ignore[no-untyped-def]
    for distribution, url in catalogue.subject_objects(DCAT.downloadURL):
        assert catalogue.value(distribution, DCAT.accessURL) == url


def test_checksums_and_sizes_match_the_served_files(catalogue) -> None:  # type: ignore[no-untyped-def]
    downloads = list(catalogue.subject_objects(DCAT.downloadURL))
    assert len(downloads) == 7
    for distribution, url in downloads:
        body = httpx.get(str(url)).content
        assert int(catalogue.value(distribution, DCAT.byteSize)) == len(body), url
        checksum = catalogue.value(distribution, SPDX.checksum)
        assert str(catalogue.value(checksum, SPDX.checksumValue)) == hashlib.sha256(body).hexdigest(), url


def test_the_2_0_profile_types_sizes_as_decimals(server) -> None:  # type: ignore[no-untyped-def]
    text = httpx.get(server.base + "catalog.ttl", params={"profile": "dcat-ap-de-2.0"}).text
    assert "^^xsd:decimal" in text
    assert "nonNegativeInteger" not in text


def test_an_unknown_profile_is_refused(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.base + "catalog", params={"profile": "dcat-ap-9"})
    assert response.status_code == 400
    assert "dcat-ap-de-3.0, dcat-ap-de-2.0" in response.text


def test_the_publisher_is_the_city_as_an_agent_of_the_graph(server, catalogue) -> None:  # type: ignore[no-untyped-def]
    city = URIRef(server.base + "id/organisation/stadt-leverkusen")
    assert catalogue.value(URIRef(server.base + "catalog#knowledge-graph"), DCT.publisher) == city
    assert catalogue.value(city, DCT.type) == URIRef("http://purl.org/adms/publishertype/LocalAuthority")
