"""Rewriting IRIs from the sources' base to the served one, as a pure function."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ikg.rdf.iris import BaseRewriter, normalise_base

CANONICAL = "https://ikg.example/leverkusen/"
SERVED = "http://127.0.0.1:8000/"


def test_an_iri_under_the_base_moves_to_the_new_base() -> None:
    assert BaseRewriter(CANONICAL, SERVED).iri(f"{CANONICAL}id/measure/x") == f"{SERVED}id/measure/x"


def test_a_foreign_iri_stays() -> None:
    assert BaseRewriter(CANONICAL, SERVED).iri("https://www.leverkusen.de/x") == "https://www.leverkusen.de/x"


def test_a_base_without_its_slash_is_the_same_base() -> None:
    assert normalise_base("https://ikg.example/leverkusen") == CANONICAL


def test_a_base_that_is_not_a_web_address_is_refused() -> None:
    with pytest.raises(ValueError, match="must start with http:// or https://"):
        normalise_base("ftp://ikg.example/")


def test_a_literal_that_is_exactly_an_iri_under_the_base_moves_with_it() -> None:
    quad = ox.Quad(ox.NamedNode(f"{CANONICAL}def/ikg"), ox.NamedNode("urn:p"), ox.Literal(CANONICAL), ox.DefaultGraph())
    (moved,) = BaseRewriter(CANONICAL, SERVED).quads([quad])
    assert moved.subject == ox.NamedNode(f"{SERVED}def/ikg")
    assert moved.object == ox.Literal(SERVED)


def test_prose_mentioning_the_base_stays_as_written() -> None:
    text = ox.Literal(f"see {CANONICAL} for more", language="en")
    quad = ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), text, ox.DefaultGraph())
    (kept,) = BaseRewriter(CANONICAL, SERVED).quads([quad])
    assert kept.object == text


def test_the_same_base_changes_nothing() -> None:
    quads = [ox.Quad(ox.NamedNode(f"{CANONICAL}x"), ox.NamedNode("urn:p"), ox.Literal("x"), ox.DefaultGraph())]
    assert list(BaseRewriter(CANONICAL, CANONICAL).quads(quads)) == quads
