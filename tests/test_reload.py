"""Updates without downtime: `ikg serve --watch` and the authenticated reload, against a real server."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from conftest import ROOT, copy_project
from server import RunningServer, serving

TOKEN = "correct horse battery staple"
NEW_MEASURE = """
g:measures {
    m:t-neu a ikg:Measure ; skos:prefLabel "Neue Maßnahme"@de ; ikg:operator o:stadt-leverkusen ;
        dct:source <https://example.org/neu> .
}
"""
BROKEN = "\ng:measures { m:t-kaputt a ikg:Measure . }\n"


@pytest.fixture(scope="module")
def watched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, Path]]:
    project = copy_project(tmp_path_factory.mktemp("watched"))
    with serving(
        project,
        "--watch",
        root=project,
        # A long query limit: the query that runs across a reload is heavy by construction and must finish.
        env={
            "IKG_RELOAD_TOKEN": TOKEN,
            "IKG_WATCH_INTERVAL": "0.2",
            "IKG_QUERY_WORKERS": "2",
            "IKG_QUERY_TIMEOUT": "300",
        },
    ) as running:
        yield running, project


def _health(server: RunningServer) -> dict:
    return httpx.get(server.base + "health").json()


def _next_reload(server: RunningServer, before: dict | None, timeout: float = 60) -> dict:
    """The /health answer once a reload newer than `before` has finished."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        health = _health(server)
        last = health["last_reload"]
        if last is not None and last != before and not health["reload_running"]:
            return health
        time.sleep(0.1)
    raise AssertionError(f"no reload within {timeout} s")


def _edit(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


@contextmanager
def _broken(server: RunningServer, project: Path) -> Iterator[dict]:
    """A measure without source, operator or label in graph/measures.trig, reloaded; then the file restored."""
    measures = project / "graph" / "measures.trig"
    original = measures.read_text(encoding="utf-8")
    before = _health(server)
    try:
        _edit(measures, original + BROKEN)
        yield {"before": before, "after": _next_reload(server, before["last_reload"])}
    finally:
        _edit(measures, original)
        _next_reload(server, _health(server)["last_reload"])


def test_a_broken_graph_file_keeps_the_last_good_graph_served(watched) -> None:  # type: ignore[no-untyped-def]
    server, project = watched
    with _broken(server, project) as health:
        assert health["after"]["last_reload"]["ok"] is False
        assert health["after"]["graph_version"] == health["before"]["graph_version"]
        problems = health["after"]["last_reload"]["problems"]
        assert any("Zeile" in line and "dct:source" in line for line in problems)
        assert httpx.get(server.base + "id/measure/cafe-welt", headers={"Accept": "text/turtle"}).status_code == 200
        assert httpx.get(server.base + "health").status_code == 200


def test_the_status_page_shows_a_failed_reload(watched) -> None:  # type: ignore[no-untyped-def]
    server, project = watched
    with _broken(server, project):
        page = httpx.get(server.base + "status", headers={"Accept": "text/html"}).text
        assert "fehlgeschlagen – es wird weiter der letzte gute Graph ausgeliefert" in page
        assert "die Quelle (dct:source) fehlt" in page


def test_a_fixed_file_brings_the_new_graph_in(watched) -> None:  # type: ignore[no-untyped-def]
    server, project = watched
    added = project / "graph" / "added.trig"
    header = "".join(
        line + "\n"
        for line in (ROOT / "graph" / "measures.trig").read_text().splitlines()
        if line.startswith("@prefix")
    )
    before = _health(server)
    try:
        _edit(added, header + NEW_MEASURE)
        health = _next_reload(server, before["last_reload"])
        assert health["last_reload"]["ok"] is True
        assert health["graph_version"] != before["graph_version"]
        assert httpx.get(server.base + "id/measure/t-neu", headers={"Accept": "text/turtle"}).status_code == 200
        assert "t-neu" in httpx.get(server.base + "measures", params={"format": "csv"}).text
    finally:
        added.unlink()
        _next_reload(server, _health(server)["last_reload"])
    assert httpx.get(server.base + "id/measure/t-neu").status_code == 404


def test_a_query_running_during_a_reload_finishes_on_the_old_graph(watched) -> None:  # type: ignore[no-untyped-def]
    server, _project = watched
    # Every statement compared as text 2,000 times: tens of millions of rows, several times the work of a
    # build whatever the machine's load (both share its cores), and far inside the 300 s limit. Linear in the
    # graph, as a build is, so the ratio holds as the graph grows (every pair of statements, as before, grew
    # with its square: 280 s once the graph had 18,000 statements).
    fifty, forty = " ".join(map(str, range(50))), " ".join(map(str, range(40)))
    heavy = (
        f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . VALUES ?i {{ {fifty} }} VALUES ?j {{ {forty} }} "
        "FILTER(STR(?c) != CONCAT(STR(?i), '-', STR(?j), '~')) }"
    )
    swapped = threading.Event()
    outcome: dict[str, object] = {}

    def ask() -> None:
        outcome["response"] = httpx.get(server.endpoint, params={"query": heavy}, timeout=600)
        outcome["after_swap"] = swapped.is_set()

    asker = threading.Thread(target=ask)
    asker.start()
    reloaded = httpx.post(server.base + "admin/reload", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=300)
    swapped.set()
    asker.join()
    assert reloaded.status_code == 200, reloaded.text
    assert outcome["after_swap"], "the query must still run when the new graph is swapped in"
    response = outcome["response"]
    assert isinstance(response, httpx.Response)
    assert response.status_code == 200, response.text


def test_a_build_that_empties_the_graph_is_refused_and_the_old_graph_served(watched) -> None:  # type: ignore[no-untyped-def]
    server, project = watched
    graph = project / "graph"
    kept = {f.name: f.read_bytes() for f in graph.iterdir()}
    before = _health(server)
    try:
        for name in kept:
            (graph / name).unlink()
        health = _next_reload(server, before["last_reload"])
        assert health["last_reload"]["ok"] is False
        assert health["graph_version"] == before["graph_version"]
        assert any("keine Maßnahmen" in line for line in health["last_reload"]["problems"])
        assert httpx.get(server.base + "health").status_code == 200
        page = httpx.get(server.base + "status", headers={"Accept": "text/html"}).text
        assert "Der neue Stand enthält keine Maßnahmen (bisher 66)." in page
        assert "IKG_ALLOW_SHRINK=1" in page
        assert httpx.get(server.base + "id/measure/cafe-welt", headers={"Accept": "text/turtle"}).status_code == 200
    finally:
        for name, data in kept.items():
            (graph / name).write_bytes(data)
        _next_reload(server, _health(server)["last_reload"])


def test_reload_problems_name_no_server_folder(watched) -> None:  # type: ignore[no-untyped-def]
    server, project = watched
    with _broken(server, project) as health:
        problems = health["after"]["last_reload"]["problems"]
        assert problems
        assert not any(str(project) in line or "Traceback" in line for line in problems)
        assert str(project) not in httpx.get(server.base + "status", headers={"Accept": "text/html"}).text


def test_a_failed_build_shows_a_plain_message_and_logs_the_detail(watched) -> None:  # type: ignore[no-untyped-def]
    server, project = watched
    settings = project / "publication.toml"
    original = settings.read_text(encoding="utf-8")
    before = _health(server)
    try:
        _edit(settings, original + "\n[[[ not toml\n")
        health = _next_reload(server, before["last_reload"])
        assert health["last_reload"]["ok"] is False
        assert health["last_reload"]["problems"] == ["The build failed; the server log has the detail."]
        assert httpx.get(server.base + "health").status_code == 200
        assert "publication.toml" in server.log.read_text(errors="replace")
    finally:
        _edit(settings, original)
        _next_reload(server, _health(server)["last_reload"])


def test_reload_without_credentials_is_401(watched) -> None:  # type: ignore[no-untyped-def]
    server, _project = watched
    response = httpx.post(server.base + "admin/reload")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="ikg"'


def test_reload_with_a_wrong_token_is_403(watched) -> None:  # type: ignore[no-untyped-def]
    server, _project = watched
    response = httpx.post(server.base + "admin/reload", headers={"Authorization": "Bearer guess"})
    assert response.status_code == 403


def test_reload_with_the_token_rebuilds(watched) -> None:  # type: ignore[no-untyped-def]
    server, _project = watched
    response = httpx.post(server.base + "admin/reload", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert response.json()["trigger"] == "request"


def test_reload_is_disabled_without_a_configured_token(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.post(server.base + "admin/reload", headers={"Authorization": "Bearer anything"})
    assert response.status_code == 403
    assert "set IKG_RELOAD_TOKEN" in response.text


def test_health_is_a_load_balancer_check(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.base + "health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["query_workers"] == 2
    assert set(body) >= {"graph_version", "modified", "triples", "last_reload"}
    assert response.headers["cache-control"] == "no-store"


def test_admin_routes_answer_no_cors_preflight(watched) -> None:  # type: ignore[no-untyped-def]
    server, _project = watched
    preflight = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    admin = httpx.options(server.base + "admin/reload", headers=preflight)
    assert "access-control-allow-origin" not in admin.headers
    posted = httpx.post(server.base + "admin/reload", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in posted.headers
    assert "access-control-allow-origin" in httpx.options(server.endpoint, headers=preflight).headers


def test_wrong_tokens_lock_the_client_out_for_a_while(watched) -> None:  # type: ignore[no-untyped-def]
    server, _project = watched
    # From another loopback address: the lockout is per client, and the other tests' client stays free.
    wrong = {"Authorization": "Bearer guess"}
    with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2")) as guesser:
        statuses = [guesser.post(server.base + "admin/reload", headers=wrong).status_code for _ in range(3)]
        locked = guesser.post(server.base + "admin/reload", headers={"Authorization": f"Bearer {TOKEN}"})
    assert statuses == [403, 403, 403]
    assert locked.status_code == 429
    assert 1 <= int(locked.headers["retry-after"]) <= 30
    assert httpx.post(server.base + "admin/reload", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=300).json()[
        "ok"
    ]


COUNTING_QUERY = """# title@en: Measures
# title@de: Maßnahmen
# description@en: How many.
# description@de: Wie viele.
SELECT (COUNT(*) AS ?n) WHERE { ?m a ?t }
"""


def test_a_named_query_added_by_a_reload_is_answered_and_one_changed_answers_its_new_text(watched) -> None:  # type: ignore[no-untyped-def]
    server, project = watched
    added = project / "queries" / "measure-count.rq"
    changed = project / "queries" / "measures-page.rq"
    original = changed.read_text(encoding="utf-8")
    before = _health(server)
    try:
        _edit(added, COUNTING_QUERY)
        _edit(changed, original.replace("?measure", "?massnahme"))
        assert _next_reload(server, before["last_reload"])["last_reload"]["ok"] is True
        count = httpx.get(server.base + "queries/measure-count", headers={"Accept": "text/csv"})
        page = httpx.get(server.base + "queries/measures-page", headers={"Accept": "text/csv"})
        assert count.status_code == 200
        assert count.text.splitlines()[0] == "n"
        assert "massnahme" in page.text.splitlines()[0]
    finally:
        added.unlink()
        _edit(changed, original)
        _next_reload(server, _health(server)["last_reload"])
    assert httpx.get(server.base + "queries/measure-count").status_code == 404
