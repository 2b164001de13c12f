"""HTML pages for people: one per resource, readable, marked by provenance, safe against hostile data."""

from __future__ import annotations

import re

import httpx
import pytest

from conftest import on_each_backend

# Every test of this suite runs against the embedded store and against an external Oxigraph server.
server = on_each_backend("server", "embedded_server", "external_server")

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def _page(server, path: str, **headers: str) -> httpx.Response:  # type: ignore[no-untyped-def]
    return httpx.get(server.base + path, headers={"Accept": BROWSER, **headers})


def test_browser_gets_html(server) -> None:  # type: ignore[no-untyped-def]
    response = _page(server, "id/measure/cafe-welt")
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-location"].endswith("/id/measure/cafe-welt.html")
    assert '<html lang="de">' in response.text
    assert "<h1>Café Welt</h1>" in response.text


def test_harvester_and_rdflib_still_get_rdf(server) -> None:  # type: ignore[no-untyped-def]
    for accept in ("*/*", "application/rdf+xml, text/n3, text/turtle, application/n-triples, application/ld+json"):
        response = httpx.get(server.base + "id/measure/cafe-welt", headers={"Accept": accept})
        assert not response.headers["content-type"].startswith("text/html")


def test_html_variant_url(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.base + "id/organisation/mawka.html", headers={"Accept": "text/turtle"})
    assert response.headers["content-type"].startswith("text/html")


def test_english_by_parameter_and_by_accept_language(server) -> None:  # type: ignore[no-untyped-def]
    assert '<html lang="en">' in _page(server, "id/measure/cafe-welt.html?lang=en").text
    response = _page(server, "id/measure/cafe-welt", **{"Accept-Language": "en-GB,en;q=0.9,de;q=0.5"})
    assert '<html lang="en">' in response.text
    assert response.headers["content-language"] == "en"


def test_properties_are_named_and_values_linked_by_label(server) -> None:  # type: ignore[no-untyped-def]
    text = _page(server, "id/measure/cafe-welt").text
    assert '<th scope="row">Träger</th>' in text
    assert f'<a href="{server.base}id/organisation/ev-kirchengemeinde-leverkusen-mitte">Ev. Kirchengemeinde' in text


def test_incoming_links_are_listed(server) -> None:  # type: ignore[no-untyped-def]
    text = _page(server, "id/goal/hf-e-mimi-neustart").text
    assert "← dient dem Ziel" in text
    assert f"{server.base}id/measure/mimi-gesundheit" in text


def test_editorial_and_uncertain_statements_are_marked(server) -> None:  # type: ignore[no-untyped-def]
    text = _page(server, "id/measure/cafe-welt").text
    # The editors' shared reason is a tooltip; an uncertain statement's own reason is spelled out.
    assert re.search(r'Sprache / Sprachförderung</a> <em class="mark" title="[^"]+">\(redaktionell\)</em>', text)
    assert re.search(
        r'Maßnahmenpaket Sicherheit, Migration und Prävention</a> <em class="mark">\(unsicher: [^<]+\)</em>', text
    )


def test_sources_are_links_and_incomplete_ones_say_so(server) -> None:  # type: ignore[no-untyped-def]
    text = _page(server, "id/measure/service-point-integration").text
    assert (
        '<a href="https://xity.de/lokal-news/nordrhein-westfalen/leverkusen/integrationsberatung-mitten-in-leverkusen">'
        in text
    )
    assert "(unvollständige Quellenangabe)" in text


def test_page_links_its_rdf_variants(server) -> None:  # type: ignore[no-untyped-def]
    text = _page(server, "id/measure/cafe-welt").text
    for suffix, media in (("ttl", "text/turtle"), ("jsonld", "application/ld+json")):
        assert f'<link rel="alternate" type="{media}" href="{server.base}id/measure/cafe-welt.{suffix}">' in text


def test_security_headers(server) -> None:  # type: ignore[no-untyped-def]
    response = _page(server, "id/measure/cafe-welt")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"


def test_hostile_label_is_escaped(hostile_server) -> None:  # type: ignore[no-untyped-def]
    text = _page(hostile_server, "id/organisation/t-boese").text
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt;" in text


def test_hostile_attribute_breakout_is_escaped(hostile_server) -> None:  # type: ignore[no-untyped-def]
    text = _page(hostile_server, "id/organisation/t-boese").text
    assert "<img src=x" not in text
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in text


def test_javascript_link_is_not_a_link(hostile_server) -> None:  # type: ignore[no-untyped-def]
    text = _page(hostile_server, "id/organisation/t-boese").text
    assert 'href="javascript:' not in text
    assert "javascript:alert(1)" in text


def test_hostile_label_cannot_break_out_of_the_json_ld_block(hostile_server) -> None:  # type: ignore[no-untyped-def]
    text = _page(hostile_server, "id/organisation/t-boese").text
    block = text.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block


@pytest.mark.parametrize("path", ["", "sparql", "queries", "measures", "def/ikg"])
def test_every_page_is_sent_with_the_security_headers(server, path: str) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.base + path, headers={"Accept": BROWSER})
    assert response.headers["content-type"].startswith("text/html")
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_unknown_resource_gives_browsers_a_page_that_says_so(server) -> None:  # type: ignore[no-untyped-def]
    response = _page(server, "id/measure/gibt-es-nicht")
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "<h1>Nicht gefunden</h1>" in response.text
    assert f"no resource &lt;{server.base}id/measure/gibt-es-nicht&gt; in this graph" in response.text


def test_unknown_address_gives_browsers_a_page_and_programs_text(server) -> None:  # type: ignore[no-untyped-def]
    page = _page(server, "nirgends", **{"Accept-Language": "en"})
    assert page.status_code == 404
    assert "<h1>Not found</h1>" in page.text
    plain = httpx.get(server.base + "nirgends")
    assert plain.status_code == 404
    assert plain.headers["content-type"] == "text/plain; charset=utf-8"


def test_named_graphs_and_the_editors_have_pages_with_their_titles(server) -> None:  # type: ignore[no-untyped-def]
    assert "<h1>Maßnahmen</h1>" in _page(server, "graph/measures").text
    assert "<h1>Redaktion des Integrations-Wissensgraphen (ikg)</h1>" in _page(server, "project/editors").text


def _hrefs(text: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', text)


def test_the_concept_view_shows_an_iri_that_is_no_web_address_as_text(hostile_server) -> None:  # type: ignore[no-untyped-def]
    text = _page(hostile_server, "concept").text
    assert "Träger mit Skript-Adresse" in text
    assert all(href.startswith(("http://", "https://", "#")) for href in _hrefs(text)), _hrefs(text)


def test_a_list_shows_an_iri_that_is_no_web_address_as_text(hostile_server) -> None:  # type: ignore[no-untyped-def]
    text = _page(hostile_server, "organisations").text
    assert "Träger mit Skript-Adresse" in text
    assert not [href for href in _hrefs(text) if "javascript:" in href]
