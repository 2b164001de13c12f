"""The pages in a real browser: Debian's Chromium, driven by Playwright, against a real `ikg serve`.

Every page loads with no console error, no failed request and no request that leaves the host; the query
editor highlights SPARQL and runs queries; pages other than the editor work with JavaScript switched off.
Screenshots land in test-artifacts/browser/.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

from conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
# The closed network refuses Chromium's own background connections; these keep it from trying.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
PAGES = {
    "home": "",
    "measure": "id/measure/cafe-welt",
    "goal": "id/goal/hf-e-mimi-neustart",
    "organisation": "id/organisation/mawka",
    "programme": "id/programme/kommunales-integrationsmanagement",
    "vocabulary": "def/ikg",
    "query": "sparql",
    "measures": "measures",
    "action-fields": "action-fields",
    "queries": "queries",
    "downloads": "downloads",
    "catalogue": "catalog",
    "concept": "concept",
    "compare": "compare",
    "over-time": "concept/over-time",
    "indicators": "indicators",
    "concept-current": "concept?scope=current",
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run tests/install-chromium (the README's test command does)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield launched
        launched.close()


@dataclass
class Visit:
    page: Page
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    off_host_requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.console_errors == []
        assert self.failed_requests == []
        assert self.off_host_requests == []

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


@contextmanager
def visiting(browser: Browser, base: str, javascript: bool = True) -> Iterator[Visit]:
    """A fresh browser context that records errors, failed requests and any request leaving `base`."""
    context = browser.new_context(
        java_script_enabled=javascript, locale="de-DE", viewport={"width": 1200, "height": 900}
    )
    visit = Visit(context.new_page())

    def guard(route: Route) -> None:
        if route.request.url.startswith(base):
            route.continue_()
        else:
            visit.off_host_requests.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    visit.page.on("console", lambda m: visit.console_errors.append(m.text) if m.type == "error" else None)
    visit.page.on("pageerror", lambda e: visit.console_errors.append(str(e)))
    visit.page.on("requestfailed", lambda r: visit.failed_requests.append(f"{r.url}: {r.failure}"))
    visit.page.on(
        "response", lambda r: visit.failed_requests.append(f"{r.url}: {r.status}") if r.status >= 400 else None
    )
    visit.page.on("dialog", lambda d: (visit.dialogs.append(d.message), d.dismiss()))
    try:
        yield visit
    finally:
        context.close()


def _editor_text(page: Page) -> str:
    return page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")


def _set_editor_text(page: Page, text: str) -> None:
    page.evaluate("text => document.querySelector('.CodeMirror').CodeMirror.setValue(text)", text)


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_with_no_error_and_no_request_off_the_host(browser, server, name) -> None:  # type: ignore[no-untyped-def]
    with visiting(browser, server.base) as visit:
        response = visit.page.goto(server.base + PAGES[name], wait_until="networkidle")
        assert response is not None
        assert response.status == 200
        assert visit.page.locator("h1").first.inner_text().strip()
        visit.screenshot(name)
        visit.assert_clean()


def test_every_page_loads_its_stylesheet(browser, server) -> None:  # type: ignore[no-untyped-def]
    with visiting(browser, server.base) as visit:
        visit.page.goto(server.base + PAGES["measure"], wait_until="networkidle")
        background = visit.page.evaluate("getComputedStyle(document.querySelector('header.site')).backgroundColor")
        assert background == "rgb(29, 35, 41)"


def test_query_page_has_an_editor_that_highlights_sparql(browser, server) -> None:  # type: ignore[no-untyped-def]
    with visiting(browser, server.base) as visit:
        visit.page.goto(server.base + "sparql", wait_until="networkidle")
        assert visit.page.locator(".CodeMirror").count() == 1, "no editor: run `ikg assets` to fetch CodeMirror"
        assert visit.page.locator(".CodeMirror .cm-keyword").count() >= 3
        visit.assert_clean()


def test_running_a_query_from_the_editor_shows_a_result_table(browser, server) -> None:  # type: ignore[no-untyped-def]
    with visiting(browser, server.base) as visit:
        visit.page.goto(server.base + "sparql", wait_until="networkidle")
        _set_editor_text(visit.page, "SELECT ?s WHERE { ?s a <http://www.w3.org/ns/org#Organization> } LIMIT 7")
        visit.page.get_by_role("button", name="Abfrage ausführen").click()
        visit.page.wait_for_selector("#results")
        visit.page.wait_for_load_state("networkidle")  # the result page's own assets, before judging requests
        assert visit.page.locator("#results tbody tr").count() == 7
        assert "LIMIT 7" in _editor_text(visit.page)
        visit.assert_clean()


def test_ctrl_enter_runs_the_query(browser, server) -> None:  # type: ignore[no-untyped-def]
    with visiting(browser, server.base) as visit:
        visit.page.goto(server.base + "sparql", wait_until="networkidle")
        visit.page.locator(".CodeMirror").click()
        visit.page.keyboard.press("Control+Enter")
        visit.page.wait_for_selector("#results")
        visit.page.wait_for_load_state("networkidle")  # the result page's own assets, before judging requests
        assert visit.page.locator("#results tbody tr").count() > 0


def test_a_named_query_loads_as_an_example_and_runs(browser, server) -> None:  # type: ignore[no-untyped-def]
    with visiting(browser, server.base) as visit:
        visit.page.goto(server.base + "sparql", wait_until="networkidle")
        visit.page.get_by_role(
            "link", name="Maßnahmen je Handlungsfeld, nach Beleglage und Aktualität", exact=True
        ).click()
        visit.page.wait_for_load_state("networkidle")
        assert "ikg:actionField" in _editor_text(visit.page)
        visit.page.get_by_role("button", name="Abfrage ausführen").click()
        visit.page.wait_for_selector("#results")
        visit.page.wait_for_load_state("networkidle")  # the result page's own assets, before judging requests
        assert visit.page.locator("#results tbody tr").count() >= 8
        assert visit.page.get_by_role("link", name="CSV").count() == 1
        visit.screenshot("query-results")
        visit.assert_clean()


def test_the_concept_view_draws_its_charts(browser, server) -> None:  # type: ignore[no-untyped-def]
    with visiting(browser, server.base) as visit:
        visit.page.goto(server.base + "concept", wait_until="networkidle")
        charts = visit.page.locator("figure.chart svg")
        assert charts.count() == 2
        for number in range(charts.count()):
            box = charts.nth(number).bounding_box()
            assert box is not None
            assert box["width"] > 400
            assert box["height"] > 100
        assert visit.page.locator("figure.chart rect.bar-open").count() >= 1
        visit.screenshot("concept-view")
        visit.assert_clean()


def test_the_concept_view_prints_without_the_site_navigation(browser, server) -> None:  # type: ignore[no-untyped-def]
    with visiting(browser, server.base) as visit:
        visit.page.goto(server.base + "concept", wait_until="networkidle")
        visit.page.emulate_media(media="print")
        assert not visit.page.locator("header.site").is_visible()
        assert visit.page.locator("p.stand").is_visible()
        assert visit.page.locator("figure.chart").first.is_visible()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        visit.page.pdf(path=ARTIFACTS / "concept-view.pdf")
        assert (ARTIFACTS / "concept-view.pdf").stat().st_size > 10_000


def test_the_comparison_of_two_editions_in_a_browser(browser, controlling_server) -> None:  # type: ignore[no-untyped-def]
    with visiting(browser, controlling_server.base) as visit:
        visit.page.goto(controlling_server.base + "compare", wait_until="networkidle")
        assert visit.page.locator("#added + ul li").inner_text() == "Jobmesse"
        assert visit.page.locator("figure.chart").count() == 0
        visit.page.goto(controlling_server.base + "concept/over-time", wait_until="networkidle")
        assert visit.page.locator("#chart-over-time-A rect").count() >= 2
        visit.screenshot("compare-fixture-over-time")
        visit.assert_clean()


def test_pages_work_without_javascript(browser, server) -> None:  # type: ignore[no-untyped-def]
    with visiting(browser, server.base, javascript=False) as visit:
        visit.page.goto(server.base + PAGES["measure"], wait_until="networkidle")
        assert visit.page.locator("h1").inner_text() == "Café Welt"
        visit.page.goto(server.base + "measures", wait_until="networkidle")
        visit.page.get_by_label("Suche in den Bezeichnungen").fill("café")
        visit.page.get_by_role("button", name="Suchen").click()
        visit.page.wait_for_load_state("networkidle")
        assert visit.page.get_by_role("link", name="Café Welt").count() == 1
        visit.assert_clean()


def test_query_form_works_without_javascript(browser, server) -> None:  # type: ignore[no-untyped-def]
    with visiting(browser, server.base, javascript=False) as visit:
        visit.page.goto(server.base + "sparql", wait_until="networkidle")
        visit.page.get_by_label("Abfrage").fill("ASK { ?s ?p ?o }")
        visit.page.get_by_role("button", name="Abfrage ausführen").click()
        visit.page.wait_for_load_state("networkidle")
        assert visit.page.locator("#result + p strong").inner_text() == "ja"


def test_hostile_labels_run_no_script(browser, hostile_server) -> None:  # type: ignore[no-untyped-def]
    with visiting(browser, hostile_server.base) as visit:
        visit.page.goto(hostile_server.base + "id/organisation/t-boese", wait_until="networkidle")
        assert visit.page.locator("h1").inner_text() == "<script>alert('label')</script>"
        assert visit.page.locator("img[src='x']").count() == 0
        assert visit.page.locator("a[href^='javascript:']").count() == 0
        assert visit.dialogs == []
        visit.screenshot("hostile-organisation")


ACCESSIBILITY_PROBLEMS = (Path(__file__).parent / "accessibility.js").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", PAGES)
def test_page_has_ordered_headings_labelled_fields_and_a_language(browser, server, name) -> None:  # type: ignore[no-untyped-def]
    with visiting(browser, server.base) as visit:
        visit.page.goto(server.base + PAGES[name], wait_until="networkidle")
        assert visit.page.evaluate(ACCESSIBILITY_PROBLEMS) == []


def test_a_browser_sees_an_uncertain_statement_with_its_reason_and_reaches_its_named_graph(browser, server) -> None:  # type: ignore[no-untyped-def]
    with visiting(browser, server.base) as visit:
        visit.page.goto(server.base + "id/measure/rucksack-und-griffbereit", wait_until="networkidle")
        assert visit.page.locator("em.mark", has_text="unsicher:").count() >= 1
        href = visit.page.locator("a", has_text="TriG").get_attribute("href")
        assert href is not None
        trig = visit.page.request.get(href)
        assert trig.headers["content-type"].startswith("application/trig")
        assert "graph/uncertain>" in trig.text()
        visit.assert_clean()


def test_the_concept_page_shows_the_open_goals_above_the_fold(browser, server) -> None:  # type: ignore[no-untyped-def]
    with visiting(browser, server.base) as visit:
        visit.page.set_viewport_size({"width": 1280, "height": 800})
        visit.page.goto(server.base + "concept", wait_until="networkidle")
        heading = visit.page.locator("#open-goals h2").bounding_box()
        first = visit.page.locator("#open-goals li.open").first.bounding_box()
        assert heading is not None
        assert first is not None
        assert heading["y"] + heading["height"] <= 800
        assert first["y"] + first["height"] <= 800
        visit.assert_clean()


# Every label inside its chart's drawing area, measured by the browser in its own font.
_CLIPPED_LABELS = """() => Array.from(document.querySelectorAll("svg text")).flatMap(text => {
    const box = text.getBBox(), area = text.ownerSVGElement.viewBox.baseVal;
    return box.x < 0 || box.x + box.width > area.width ? [text.textContent] : [];
})"""


@pytest.mark.parametrize("lang", ["de", "en"])
def test_no_chart_label_is_clipped(browser, server, lang: str) -> None:  # type: ignore[no-untyped-def]
    with visiting(browser, server.base) as visit:
        for path in ("concept", "concept/over-time", "indicators"):
            visit.page.goto(f"{server.base}{path}?lang={lang}", wait_until="networkidle")
            assert visit.page.locator("svg text").count() > 10
            assert visit.page.evaluate(_CLIPPED_LABELS) == []


def test_printing_the_concept_keeps_the_order_of_the_page(browser, server) -> None:  # type: ignore[no-untyped-def]
    order = ["#summary", "#open-goals", "#fields", "#concept-tree", "#without-goal"]
    with visiting(browser, server.base) as visit:
        visit.page.goto(server.base + "concept", wait_until="networkidle")
        visit.page.emulate_media(media="print")
        tops = [visit.page.locator(selector).bounding_box() for selector in order]
        assert all(box is not None for box in tops)
        assert [box["y"] for box in tops] == sorted(box["y"] for box in tops)
        assert visit.page.locator("#open-goals li.open").first.is_visible()
