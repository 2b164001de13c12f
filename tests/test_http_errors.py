"""One table maps every failure to a status and a sentence (http_errors): pinned here, exception by exception."""

from __future__ import annotations

from typing import get_args

import pytest
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ikg import request_errors
from ikg.query.interface import ERROR_KINDS, ErrorKind, QueryError
from ikg.request_errors import RequestError
from ikg.web.http_errors import QUERY_STATUS, REQUEST_STATUS, response_for

SITE = "https://ikg.example/leverkusen/"


def _request(accept: str = "*/*") -> Request:
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/x",
        "headers": [(b"accept", accept.encode())],
        "query_string": b"",
    }
    return Request(scope)


def _answer(problem: Exception, accept: str = "*/*") -> tuple[int, str, Response]:
    response = response_for(_request(accept), problem, SITE)
    return response.status_code, bytes(response.body).decode(), response


REQUEST_CASES = [
    (request_errors.InvalidRequestError("the parameter 'year' must be a whole number"), 400),
    (request_errors.NotAuthenticatedError("send the reload token"), 401),
    (request_errors.ForbiddenError("the reload token is wrong"), 403),
    (request_errors.ReadOnlyError("this endpoint is read-only"), 403),
    (request_errors.MethodNotAllowedError("the SPARQL endpoint answers GET and POST, not PUT"), 405),
    (request_errors.NotAcceptableError("the catalogue is offered as text/turtle"), 406),
    (request_errors.RequestTooLargeError("the query is too long"), 413),
    (request_errors.UnsupportedMediaTypeError("unsupported Content-Type 'text/plain'"), 415),
    (request_errors.TooManyAttemptsError("too many wrong reload tokens", 8), 429),
    (request_errors.CheckUnavailableError("the query could not be checked; please retry"), 503),
]


@pytest.mark.parametrize(("problem", "status"), REQUEST_CASES, ids=lambda c: type(c).__name__)
def test_a_request_error_is_its_status_with_its_message_as_one_line_of_plain_text(
    problem: RequestError, status: int
) -> None:
    got, body, response = _answer(problem)
    assert (got, body) == (status, problem.message + "\n")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"


def test_every_kind_of_request_error_has_a_status() -> None:
    kinds = {getattr(request_errors, name) for name in dir(request_errors) if name.endswith("Error")}
    assert kinds - {RequestError} == set(REQUEST_STATUS)
    # NotFoundError takes the kind of document asked for: its own tests below.
    assert {type(problem) for problem, _ in REQUEST_CASES} == set(REQUEST_STATUS) - {request_errors.NotFoundError}


def test_every_query_error_kind_has_a_status() -> None:
    assert set(QUERY_STATUS) == ERROR_KINDS == set(get_args(ErrorKind))


@pytest.mark.parametrize(
    ("kind", "status", "body"),
    [
        ("syntax", 400, "syntax error in the query: expected WHERE\n"),
        ("failed", 400, "expected WHERE\n"),
        ("too_large", 413, "the result is too large: expected WHERE; add a LIMIT or narrow the query\n"),
        ("timeout", 503, "query stopped: expected WHERE; narrow the query or add a LIMIT\n"),
        ("memory", 503, "query stopped: expected WHERE; narrow the query or add a LIMIT\n"),
        ("busy", 503, "query not started: expected WHERE; please retry shortly\n"),
        ("client_busy", 429, "too many queries at once: expected WHERE; wait for their answers before sending more\n"),
        ("gone", 499, "expected WHERE\n"),
        ("unavailable", 503, "expected WHERE\n"),
        ("store_error", 502, "expected WHERE\n"),
        ("store_unavailable", 502, "expected WHERE\n"),
        ("store_timeout", 504, "expected WHERE\n"),
    ],
)
def test_a_query_error_is_the_status_of_its_kind_with_what_to_do(kind: ErrorKind, status: int, body: str) -> None:
    assert _answer(QueryError(kind, "expected WHERE"))[:2] == (status, body)


@pytest.mark.parametrize(("kind", "seconds"), [("busy", "5"), ("client_busy", "2")])
def test_a_query_refused_for_load_says_when_to_retry(kind: ErrorKind, seconds: str) -> None:
    assert _answer(QueryError(kind, "all workers busy"))[2].headers["retry-after"] == seconds


def test_too_many_attempts_says_when_to_retry() -> None:
    assert _answer(request_errors.TooManyAttemptsError("wait", 8))[2].headers["retry-after"] == "8"


def test_a_missing_token_names_the_scheme_to_send_it_in() -> None:
    response = _answer(request_errors.NotAuthenticatedError("send the reload token"))[2]
    assert response.headers["www-authenticate"] == 'Bearer realm="ikg"'


def test_not_found_is_the_sites_page_for_a_browser() -> None:
    status, body, response = _answer(request_errors.NotFoundError(), accept="text/html")
    assert status == 404
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert f'href="{SITE}"' in body


def test_not_found_is_plain_text_for_a_script() -> None:
    assert _answer(request_errors.NotFoundError())[:2] == (404, "nothing at this address\n")


def test_not_found_in_rdf_is_an_empty_graph_with_the_reason_as_a_comment() -> None:
    problem = request_errors.NotFoundError("no resource <https://ikg.example/x> in this graph", "text/turtle")
    assert _answer(problem)[:2] == (404, "# no resource <https://ikg.example/x> in this graph\n")


def test_the_frameworks_own_errors_keep_their_status_and_headers() -> None:
    status, body, response = _answer(HTTPException(405, "Method Not Allowed", headers={"Allow": "GET"}))
    assert (status, body, response.headers["allow"]) == (405, "Method Not Allowed\n", "GET")


def test_the_frameworks_404_is_the_sites_404() -> None:
    assert _answer(HTTPException(404))[:2] == (404, "nothing at this address\n")


def test_an_invalid_parameter_names_the_field_not_its_value() -> None:
    problem = RequestValidationError([{"loc": ("query", "limit"), "msg": "not an integer", "input": "x" * 10_000}])
    assert _answer(problem)[:2] == (400, "the request has invalid values in: query.limit\n")


def test_anything_else_is_a_500_that_tells_nothing_of_the_fault() -> None:
    assert _answer(KeyError("/srv/ikg/dist/secret"))[:2] == (
        500,
        "the server failed to answer this request; the fault is logged\n",
    )
