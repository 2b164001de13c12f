"""The short path of the hottest GETs (`/sparql`, named queries, dereferenceable IRIs) past the framework's
routing: what it answers carries what every other answer carries, and what it does not take is the
framework's, unchanged. Against the real service, and a small app on a real server for the fault path."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ikg.web.hot_routes import HotRoute
from ikg.web.http_edge import ServiceApp
from ikg.web.operations import PublicCors

from server import free_port

MEASURE = "id/measure/cafe-welt"
ORIGIN = "https://portal.example"
# What the edge and the CORS layer put on an answer, whichever route made it.
EDGE_HEADERS = ("x-content-type-options", "content-security-policy", "access-control-expose-headers")


def _edge(response: httpx.Response) -> dict[str, str | None]:
    return {name: response.headers.get(name) for name in EDGE_HEADERS}


@pytest.mark.parametrize("path", [MEASURE, "sparql?query=ASK%7B%7D", "queries/measures-page?limit=1"])
def test_a_hot_answer_carries_the_edge_and_cors_headers_of_any_other_route(server, path: str) -> None:  # type: ignore[no-untyped-def]
    hot = httpx.get(server.base + path, headers={"Origin": ORIGIN, "Accept": "text/turtle, */*;q=0.1"})
    framework = httpx.get(server.base + "queries", headers={"Origin": ORIGIN, "Accept": "application/json"})
    assert hot.status_code == 200
    assert _edge(hot) == _edge(framework)
    assert hot.headers["access-control-allow-origin"] == "*"


def test_a_hot_answer_without_an_origin_says_it_depends_on_one(server) -> None:  # type: ignore[no-untyped-def]
    # A shared cache must not hand an answer made without CORS headers to a browser that sends an Origin.
    response = httpx.get(server.base + MEASURE, headers={"Accept": "text/turtle"})
    assert [v.strip() for v in response.headers["vary"].split(",")] == ["Accept", "Origin"]


def test_head_of_a_named_query_is_its_get_without_the_body(server) -> None:  # type: ignore[no-untyped-def]
    get = httpx.get(server.base + "queries/measures-page?limit=3", headers={"Accept": "text/csv"})
    head = httpx.head(server.base + "queries/measures-page?limit=3", headers={"Accept": "text/csv"})
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(get.content))
    assert head.headers["etag"] == get.headers["etag"]


def test_an_unknown_named_query_is_the_site_404(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.base + "queries/no-such-query", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]


def test_the_endpoint_with_a_trailing_slash_is_redirected_by_the_framework(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.base + "sparql/?query=ASK%7B%7D")
    assert response.status_code == 307
    assert response.headers["location"] == "../sparql?query=ASK%7B%7D"


def test_a_method_the_endpoint_refuses_is_answered_by_the_framework_route(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.put(server.endpoint, content=b"ASK {}", headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 405
    assert "GET and POST" in response.text


@pytest.fixture(scope="module")
def faulty() -> Iterator[str]:
    """A service whose hot route fails, on a real server: the base URL."""
    app = ServiceApp(title="faulty")
    app.add_middleware(PublicCors, allow_origins=["*"])

    async def broken(_request: Request, _rest: str) -> Response:
        raise RuntimeError("a bug in an endpoint")

    async def framework_route(_request: Request) -> Response:
        return PlainTextResponse("framework")

    app.hot_routes["broken"] = HotRoute(broken, frozenset({"GET"}), prefix=True)
    app.add_api_route("/broken/{rest:path}", framework_route, methods=["POST"])
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="critical", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}/"
    server.should_exit = True
    thread.join()


def test_a_fault_on_the_short_path_is_a_plain_500_with_the_edge_headers(faulty: str, caplog) -> None:  # type: ignore[no-untyped-def]
    with caplog.at_level(logging.ERROR, logger="ikg.http"):
        response = httpx.get(faulty + "broken/x")
    assert response.status_code == 500
    assert "a bug" not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    assert [r.getMessage() for r in caplog.records] == ["GET /broken/x failed"]


def test_a_method_no_hot_route_takes_goes_to_the_framework(faulty: str) -> None:
    assert httpx.post(faulty + "broken/x").text == "framework"
