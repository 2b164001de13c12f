"""The one table of formats as pure functions: ?format= names, and an address's variants and their Link header."""

from __future__ import annotations

import pytest

from ikg.rdf.formats import Offer, requested_format, result_formats
from ikg.request_errors import InvalidRequestError


def test_no_format_parameter_leaves_the_choice_to_the_accept_header() -> None:
    assert requested_format("SELECT", []) is None


@pytest.mark.parametrize(
    ("form", "value", "media"),
    [
        ("SELECT", "json", "application/sparql-results+json"),
        ("ASK", "XML", "application/sparql-results+xml"),
        ("CONSTRUCT", "ttl", "text/turtle"),
        ("DESCRIBE", "json-ld", "application/ld+json"),
        ("CONSTRUCT", "application/n-triples", "application/n-triples"),
    ],
)
def test_a_format_name_or_media_type_names_the_result_format(form: str, value: str, media: str) -> None:
    assert requested_format(form, [value]) == media


def test_the_first_understood_format_of_several_counts() -> None:
    assert requested_format("SELECT", ["nope", "csv", "json"]) == "text/csv"


def test_a_format_the_query_form_cannot_have_is_the_clients_mistake_naming_what_it_can() -> None:
    with pytest.raises(InvalidRequestError, match="SELECT results are not offered as 'ttl'; ask for one of: json"):
        requested_format("SELECT", ["ttl"])


def test_each_media_type_has_one_canonical_name() -> None:
    assert list(result_formats("CONSTRUCT")) == ["ttl", "nt", "rdf", "jsonld"]


def test_an_offer_takes_suffixes_and_media_types_from_the_table_in_the_order_given() -> None:
    offer = Offer.of("rdfxml", "turtle")
    assert offer.variants == {"rdf": "application/rdf+xml", "ttl": "text/turtle", "html": "text/html"}


def test_an_offer_without_a_page_has_rdf_alone() -> None:
    assert Offer.of("turtle", page=False).media_types == ("text/turtle",)


def test_an_offer_names_the_suffix_of_a_media_type() -> None:
    assert Offer.of("turtle", "jsonld").suffix("application/ld+json") == "jsonld"


def test_the_link_header_names_every_variant_and_the_page_only_if_asked() -> None:
    offer = Offer.of("turtle")
    iri = "https://ikg.example/x"
    assert offer.alternates(iri) == (
        '<https://ikg.example/x.ttl>; rel="alternate"; type="text/turtle", '
        '<https://ikg.example/x.html>; rel="alternate"; type="text/html"'
    )
    assert offer.alternates(iri, page=False) == '<https://ikg.example/x.ttl>; rel="alternate"; type="text/turtle"'
