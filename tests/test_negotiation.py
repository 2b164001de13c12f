"""Content negotiation as a pure function: the Accept and Accept-Language headers against what is offered."""

from __future__ import annotations

import pytest

from ikg.web.negotiation import choose, choose_language, parse_accept

RDF = ("text/turtle", "application/rdf+xml", "text/html")


def test_no_accept_header_gets_our_first_offer() -> None:
    assert choose(None, RDF) == "text/turtle"


def test_an_empty_accept_header_accepts_everything() -> None:
    assert parse_accept("  ") == parse_accept(None)


def test_the_highest_quality_wins_over_our_order() -> None:
    assert choose("text/turtle;q=0.5, application/rdf+xml", RDF) == "application/rdf+xml"


def test_a_type_named_beats_one_reached_by_a_wildcard_at_equal_quality() -> None:
    assert choose("*/*, text/html", RDF) == "text/html"


def test_the_most_specific_range_sets_a_types_quality() -> None:
    assert choose("text/*;q=0.9, text/html;q=0.1", ("text/html", "text/turtle")) == "text/turtle"


def test_q_zero_refuses_a_type() -> None:
    assert choose("text/turtle;q=0, */*;q=0.1", RDF) == "application/rdf+xml"


def test_nothing_acceptable_is_none() -> None:
    assert choose("image/png", RDF) is None


@pytest.mark.parametrize("header", ["text/turtle;q=high", "text/turtle;q=-3", "nonsense", ",,,", "text/"])
def test_a_garbled_header_never_raises(header: str) -> None:
    assert choose(header, RDF) in (*RDF, None)


def test_a_header_too_long_to_remember_is_still_answered() -> None:
    header = ", ".join(f"application/x-{n}" for n in range(60)) + ", text/html"
    assert len(header) > 256
    assert choose(header, RDF) == "text/html"


def test_the_language_is_chosen_by_its_primary_subtag() -> None:
    assert choose_language("en-GB;q=0.9, fr", ("de", "en"), "de") == "en"


def test_no_offered_language_keeps_the_default() -> None:
    assert choose_language("fr, es;q=0.5", ("de", "en"), "de") == "de"
