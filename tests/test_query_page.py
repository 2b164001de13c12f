"""The query page at /sparql for people: a form with examples, results as a table, errors in place."""

from __future__ import annotations

import httpx

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def _page(server, query: str | None = None, **params: str) -> httpx.Response:  # type: ignore[no-untyped-def]
    if query is not None:
        params["query"] = query
    return httpx.get(server.endpoint, params=params, headers={"Accept": BROWSER})


def test_browser_without_a_query_gets_the_form_with_a_default_query(server) -> None:  # type: ignore[no-untyped-def]
    response = _page(server)
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert '<textarea id="query" name="query"' in response.text
    assert "a ikg:Measure" in response.text


def test_browser_with_a_query_gets_a_result_table(server) -> None:  # type: ignore[no-untyped-def]
    response = _page(server, "SELECT ?n WHERE { VALUES ?n { 1 2 3 } }")
    assert response.status_code == 200
    assert '<table id="results">' in response.text
    assert response.text.count("<tr><td>") == 3


def test_sparql_clients_naming_no_type_still_get_json(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.endpoint, params={"query": "ASK {}"}, headers={"Accept": "*/*"})
    assert response.headers["content-type"] == "application/sparql-results+json"


def test_format_html_asks_for_the_page_without_an_accept_header(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.endpoint, params={"query": "ASK {}", "format": "html"})
    assert response.headers["content-type"] == "text/html; charset=utf-8"


def test_ask_shows_yes_or_no(server) -> None:  # type: ignore[no-untyped-def]
    assert "<strong>nein</strong> (false)" in _page(server, "ASK { <urn:x:nothing> ?p ?o }").text


def test_construct_shows_subject_predicate_object(server) -> None:  # type: ignore[no-untyped-def]
    text = _page(server, "CONSTRUCT { <urn:x:a> <urn:x:b> 'c' } WHERE {}").text
    assert '<th scope="col">subject</th><th scope="col">predicate</th><th scope="col">object</th>' in text
    assert "<td>urn:x:a</td><td>urn:x:b</td><td>c</td>" in text


def test_iris_are_links_shown_with_the_query_prefixes(server) -> None:  # type: ignore[no-untyped-def]
    query = f"PREFIX m: <{server.base}id/measure/> SELECT ?m WHERE {{ VALUES ?m {{ m:cafe-welt }} }}"
    assert f'<a href="{server.base}id/measure/cafe-welt">m:cafe-welt</a>' in _page(server, query).text


def test_literals_show_language_and_datatype(server) -> None:  # type: ignore[no-untyped-def]
    text = _page(server, "SELECT ?a ?b ?c WHERE { VALUES (?a ?b ?c) { ('x'@de 1 'plain') } }").text
    assert '<td>x <span class="literal-tag">@de</span></td>' in text
    assert '<td>1 <span class="literal-tag">^^xsd:integer</span></td>' in text
    assert "<td>plain</td>" in text


def test_results_link_to_every_download_format(server) -> None:  # type: ignore[no-untyped-def]
    query = "SELECT ?n WHERE { VALUES ?n { 1 } }"
    text = _page(server, query).text
    for name in ("json", "xml", "csv", "tsv"):
        assert f'&amp;format={name}" download="result.{name}"' in text


def test_download_links_answer_in_their_format(server) -> None:  # type: ignore[no-untyped-def]
    expected = {"json": "application/sparql-results+json", "csv": "text/csv; charset=utf-8"}
    for name, media in expected.items():
        response = httpx.get(server.endpoint, params={"query": "SELECT ?n WHERE { VALUES ?n { 1 } }", "format": name})
        assert response.headers["content-type"] == media
    response = httpx.get(server.endpoint, params={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "format": "ttl"})
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"


def test_a_format_the_query_form_cannot_have_is_refused(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.endpoint, params={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "csv"})
    assert response.status_code == 400
    assert "ttl, nt, rdf, jsonld" in response.text


def test_an_unknown_format_is_refused(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.endpoint, params={"query": "ASK {}", "format": "xlsx"})
    assert response.status_code == 400
    assert "ASK results are not offered as 'xlsx'; ask for one of: json, xml, csv, tsv" in response.text


def test_a_syntax_error_is_shown_in_place_and_keeps_the_query(server) -> None:  # type: ignore[no-untyped-def]
    response = _page(server, "SELECT ?x WHERE { ?x ?y }")
    assert response.status_code == 400
    assert '<div class="error" role="alert">syntax error in the query' in response.text
    assert "SELECT ?x WHERE { ?x ?y }</textarea>" in response.text


def test_an_update_is_refused_on_the_page_too(server) -> None:  # type: ignore[no-untyped-def]
    response = _page(server, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert response.status_code == 403
    assert "read-only" in response.text


def test_the_query_text_is_escaped(server) -> None:  # type: ignore[no-untyped-def]
    text = _page(server, "ASK {} # </textarea><script>alert(1)</script>").text
    assert "<script>alert(1)" not in text
    assert "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in text


def test_named_queries_are_offered_as_examples(server) -> None:  # type: ignore[no-untyped-def]
    text = _page(server).text
    assert f'<a href="{server.endpoint}?example=unserved-goals&amp;lang=de"' in text


def test_an_example_loads_the_named_query_with_its_defaults_bound(server) -> None:  # type: ignore[no-untyped-def]
    text = _page(server, example="measures-page").text
    assert "# title@de: Maßnahmen, seitenweise" in text
    assert "${" not in text


def test_english_page(server) -> None:  # type: ignore[no-untyped-def]
    text = _page(server, "ASK {}", lang="en").text
    assert '<html lang="en">' in text
    assert "<strong>yes</strong> (true)" in text


def test_the_page_loads_the_editor_only_from_this_host(server) -> None:  # type: ignore[no-untyped-def]
    text = _page(server).text
    assert f'<script src="{server.base}vendor/codemirror/lib/codemirror.js"></script>' in text
    assert f'<script src="{server.base}static/query-editor.js"></script>' in text
    assert "<script>" not in text


def test_the_editor_library_is_served_with_its_licence(server) -> None:  # type: ignore[no-untyped-def]
    script = httpx.get(server.base + "vendor/codemirror/lib/codemirror.js")
    assert script.headers["content-type"] == "text/javascript; charset=utf-8"
    assert script.headers["x-content-type-options"] == "nosniff"
    assert "MIT" in httpx.get(server.base + "vendor/codemirror/LICENSE").text


def test_a_long_result_is_cut_on_the_page_not_in_the_download(server) -> None:  # type: ignore[no-untyped-def]
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 700"
    text = _page(server, query).text
    assert "700 Zeilen – angezeigt werden die ersten 500" in text
    assert text.count("<tr><td>") == 500
    assert "LIMIT+700&amp;format=csv" in text


def test_format_values_sparql_clients_send_are_understood(server) -> None:  # type: ignore[no-untyped-def]
    # SPARQLWrapper sends its format under several names, a short one and a media type.
    response = httpx.get(
        server.endpoint,
        params=[("query", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1"), ("format", "rdf+xml"), ("output", "rdf+xml")],
    )
    assert response.headers["content-type"] == "application/rdf+xml"
    response = httpx.get(
        server.endpoint, params=[("query", "ASK {}"), ("format", "tsv"), ("format", "text/tab-separated-values")]
    )
    assert response.headers["content-type"] == "text/tab-separated-values; charset=utf-8"
