"""The home page and the index pages: for people as HTML, for programs as JSON and CSV, searchable."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from ikg.web.views.index_pages import Entry, as_csv

# /action-fields: the 8 action fields and the concept's 7 overall goals, each in its section.
LISTS = {"measures": 66, "organisations": 92, "programmes": 34, "action-fields": 15}


def test_home_page_says_what_the_dataset_is_with_counts_and_links(server) -> None:  # type: ignore[no-untyped-def]
    text = httpx.get(server.base, headers={"Accept": "text/html"}).text
    assert "<h1>Integrations-Wissensgraph Leverkusen</h1>" in text
    assert f'<a href="{server.base}measures">Maßnahmen</a>: 66' in text
    for target in ("sparql", "queries", "def/ikg"):
        assert f'href="{server.base}{target}"' in text


def test_home_page_twin_in_json(server) -> None:  # type: ignore[no-untyped-def]
    body = httpx.get(server.base, headers={"Accept": "application/json"}).json()
    assert body["counts"]["measures"] == 66
    assert body["sparql"] == f"{server.base}sparql"


@pytest.mark.parametrize(("slug", "count"), LISTS.items())
def test_each_list_in_json_has_every_entry(server, slug: str, count: int) -> None:  # type: ignore[no-untyped-def]
    items = httpx.get(f"{server.base}{slug}", params={"format": "json"}).json()["items"]
    assert len(items) == count


@pytest.mark.parametrize("slug", LISTS)
def test_each_list_as_an_html_page_with_a_search_box(server, slug: str) -> None:  # type: ignore[no-untyped-def]
    text = httpx.get(f"{server.base}{slug}", headers={"Accept": "text/html"}).text
    assert '<input id="q" name="q" type="search"' in text
    assert '<th scope="col">Bezeichnung</th>' in text


def test_search_is_case_insensitive_over_german_and_english(server) -> None:  # type: ignore[no-untyped-def]
    german = httpx.get(f"{server.base}measures", params={"format": "json", "q": "CAFÉ"}).json()["items"]
    english = httpx.get(f"{server.base}measures", params={"format": "json", "q": "walk-in"}).json()["items"]
    assert any(i["label_de"] == "Café Welt" for i in german)
    assert [i["iri"].rsplit("/", 1)[1] for i in english] == ["service-point-integration"]


def test_action_field_list_shows_its_goals(server) -> None:  # type: ignore[no-untyped-def]
    rows = list(csv.DictReader(io.StringIO(httpx.get(f"{server.base}action-fields", params={"format": "csv"}).text)))
    health = next(r for r in rows if r["label_de"] == "Gesundheit")
    assert "Ratsauftrag: Projekt MiMi neu starten" in health["detail"]


def test_hostile_search_text_is_escaped(server) -> None:  # type: ignore[no-untyped-def]
    text = httpx.get(
        f"{server.base}measures", params={"q": '"><script>alert(1)</script>'}, headers={"Accept": "text/html"}
    ).text
    assert "<script>alert(1)" not in text


def test_csv_neutralises_cells_a_spreadsheet_would_run() -> None:
    rows = list(csv.reader(io.StringIO(as_csv([Entry("http://x/a", '=HYPERLINK("http://evil")', "+1", "@SUM(A1)")]))))
    assert rows[1][1:4] == ['\'=HYPERLINK("http://evil")', "'+1", "'@SUM(A1)"]
